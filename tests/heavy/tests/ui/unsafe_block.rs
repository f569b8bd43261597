use autodiff::prelude::*;

#[differentiable]
fn f(v: &[f64]) -> f64 {
    let y = unsafe { *v.get_unchecked(0) };
    y * y
}

fn main() {}
