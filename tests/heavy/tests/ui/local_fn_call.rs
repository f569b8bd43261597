use autodiff::prelude::*;

#[differentiable]
fn sq(a: f64) -> f64 {
    a * a
}

// A local helper shadowing a #[differentiable] function has no derivative: refused, not
// routed to the other function's companion.
#[differentiable]
fn local_helper(x: &[f64]) -> f64 {
    fn sq(a: f64) -> f64 {
        a.sin()
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += sq(x[i]);
    }
    s
}

#[differentiable]
fn cube(a: f64) -> f64 {
    a * a * a
}

// A local `use .. as` renaming another #[differentiable] function: call it by its own name.
#[differentiable]
fn renamed(x: &[f64]) -> f64 {
    use crate::cube as sq;
    sq(x[0])
}

fn main() {}
