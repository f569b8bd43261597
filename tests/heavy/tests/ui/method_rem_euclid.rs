use autodiff::prelude::*;

// `rem_euclid` has no derivative rule: the error names it and says what to write.
#[differentiable]
fn wrap(x: f64, period: f64) -> f64 {
    x.rem_euclid(period) * 2.0
}

fn main() {}
