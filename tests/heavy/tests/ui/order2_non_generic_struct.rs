use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
struct Line {
    slope: f64,
    offset: f64,
}

#[differentiable(order = 2)]
fn loss(line: &Line, x: f64) -> f64 {
    let e = line.slope * x + line.offset;
    e * e
}

fn main() {}
