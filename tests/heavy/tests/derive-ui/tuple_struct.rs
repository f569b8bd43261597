//! `#[derive(Differentiable)]` refuses tuple structs.
use autodiff::prelude::*;

#[derive(Differentiable)]
struct Pair(f64, f64);

fn main() {}
