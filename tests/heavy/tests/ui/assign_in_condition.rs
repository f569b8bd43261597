// An assignment inside a condition or scrutinee block runs in the primal but the derivative
// would never see it: refused when it touches a value that carries a derivative.
use autodiff::prelude::*;

#[differentiable]
fn in_if(x: f64) -> f64 {
    let mut s = x;
    if { s = s * s; true } { s } else { s }
}

// A loop that runs its body before testing.
#[differentiable]
fn do_while(x: f64) -> f64 {
    let mut s = x;
    let mut c = 0;
    while { s = s * 2.0; c += 1; c < 2 } {}
    s
}

#[differentiable]
fn in_scrutinee(x: f64) -> f64 {
    let mut s = x;
    match { s *= s; 1 } {
        _ => s,
    }
}

// The assigned value comes from a `let` of the condition itself.
#[differentiable]
fn through_a_let(x: f64) -> f64 {
    let mut s = 0.0;
    if x > 0.0 && { let t = x * 3.0; s = t; true } { s } else { s }
}

fn main() {}
