// A reference has no cotangent to seed: refused at the return type.
use autodiff::prelude::*;

#[differentiable]
fn first(x: &f64) -> &f64 {
    x
}

#[differentiable]
fn pick<'a>(x: &'a [f64], y: &'a [f64]) -> &'a [f64] {
    if x[0] > y[0] { x } else { y }
}

fn main() {}
