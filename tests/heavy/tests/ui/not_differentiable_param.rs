use autodiff::prelude::*;

struct Config {
    scale: f64,
}

#[differentiable]
fn f(c: &Config, x: f64) -> f64 {
    c.scale * x
}

fn main() {}
