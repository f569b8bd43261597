use autodiff::prelude::*;

/// Not the library's `stop_gradient`: doubles its argument (and would keep its derivative).
fn stop_gradient(x: f64) -> f64 {
    2.0 * x
}

mod mem {
    /// Not `std::mem::swap`: copies `b` into `a`.
    pub fn swap(a: &mut f64, b: &mut f64) {
        *a = *b;
    }
}

#[allow(non_snake_case)]
fn Some(x: f64) -> Option<f64> {
    Option::Some(x * x)
}

// `stop_gradient(..)`, `mem::swap(..)` and `Some(..)` are read by their names; a function of the
// user's with such a name would be read as the library's, so it does not compile.
#[differentiable]
fn own_stop_gradient(x: f64) -> f64 {
    stop_gradient(x) * x
}

#[differentiable]
fn own_swap(x: f64, y: f64) -> f64 {
    let mut a = x;
    let mut b = y * y;
    mem::swap(&mut a, &mut b);
    a * b
}

#[differentiable]
fn own_some(x: f64) -> f64 {
    let o = Some(x);
    if let Option::Some(v) = o { v } else { 0.0 }
}

fn main() {}
