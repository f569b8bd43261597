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

// Windows visited backwards: an adapter on the parts.
#[differentiable]
fn backwards(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in v.windows(2).rev() {
        s = s * 0.5 + w[1] - w[0];
    }
    s
}

// A part bound `mut` (the body could move it to another slice).
#[differentiable]
fn moved_part(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for mut w in x.windows(2) {
        s += w[0] * w[1];
        if s > 1.0 {
            w = y;
        }
        s += w[1];
    }
    s
}

fn main() {}
