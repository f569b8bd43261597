use autodiff::prelude::*;

struct Pair {
    a: f64,
    b: f64,
}

#[differentiable]
fn f(x: f64) -> f64 {
    let p = Pair { a: x, b: 2.0 * x };
    p.a + p.b
}

fn main() {}
