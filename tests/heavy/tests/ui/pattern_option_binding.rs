use autodiff::prelude::*;

// `Some(v)` from an `Option` variable is differentiated; a binding with a sub-pattern is not.
#[differentiable]
fn f(x: f64) -> f64 {
    let o = Some(x);
    if let Some(v @ 0.0..=2.0) = o { v * v } else { 0.0 }
}

fn main() {}
