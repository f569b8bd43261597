use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let o = Some(x);
    if let Some(v) = o { v * v } else { 0.0 }
}

fn main() {}
