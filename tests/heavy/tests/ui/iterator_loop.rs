use autodiff::prelude::*;

// An iterator the macro cannot follow over differentiable values.
#[differentiable]
fn stepped(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in v.iter().step_by(2) {
        s += w * w;
    }
    s
}

// Windows of a temporary (not a variable).
#[differentiable]
fn of_a_temporary(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in v.to_vec().windows(2) {
        s += w[1] - w[0];
    }
    s
}

fn main() {}
