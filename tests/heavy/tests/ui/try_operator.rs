use autodiff::prelude::*;

fn checked(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}

#[differentiable]
fn f(x: f64) -> Option<f64> {
    let y = checked(x)?;
    Some(y * y)
}

fn main() {}
