//! `#[derive(Differentiable)]` refuses unit structs and unions.
use autodiff::prelude::*;

#[derive(Differentiable)]
struct Nothing;

#[derive(Differentiable)]
union Bits {
    f: f64,
    u: u64,
}

fn main() {}
