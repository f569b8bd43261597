use autodiff::prelude::*;

#[derive(Default)]
struct Point {
    x: f64,
}

#[differentiable]
fn f(x: f64) -> f64 {
    let mut p = Point::default();
    p.x = x;
    p.x * 2.0
}

fn main() {}
