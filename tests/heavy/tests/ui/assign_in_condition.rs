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

// Other expressions run as written: a range bound, a macro argument, an integer cast.
#[differentiable]
fn in_range_bound(x: f64) -> f64 {
    let mut s = x;
    for _ in 0..({ s = s * x; 2 }) {
        s += 1.0;
    }
    s
}

#[differentiable]
fn in_assert(x: f64) -> f64 {
    let mut s = x;
    assert!({ s = s * x; s > 0.0 });
    s
}

#[differentiable]
fn in_cast(x: f64) -> f64 {
    let mut s = x;
    let k = { s = s * x; s } as i32;
    s + k as f64
}

fn main() {}
