use autodiff::prelude::*;

#[derive(Clone)]
pub struct Plain {
    pub a: f64,
    pub b: f64,
}

// A struct without `#[derive(Differentiable)]` cannot carry a derivative in its fields.
#[differentiable]
fn f(x: f64) -> f64 {
    let p = Plain { a: x, b: 1.0 };
    p.a * p.b
}

fn main() {}
