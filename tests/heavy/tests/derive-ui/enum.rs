//! `#[derive(Differentiable)]` refuses enums.
use autodiff::prelude::*;

#[derive(Differentiable)]
enum Model {
    Linear { w: f64 },
    Constant(f64),
}

fn main() {}
