use autodiff::prelude::*;

// A value converted to another float type leaves the dual numbers second order runs on.
#[differentiable(order = 2)]
fn exp_in_f64<T: Real>(x: T, y: T) -> T {
    T::from_f64(x.to_f64().exp()) * y
}

#[differentiable(order = 2)]
fn round_trip<T: Real>(x: T) -> T {
    let w = x.to_f64() * 2.0;
    let y = T::from_f64(w);
    y * y
}


// The same in a concrete `f32` function: `exp` evaluated in `f64`.
#[differentiable(order = 2)]
fn exp_in_f64_f32(x: f32, y: f32) -> f32 {
    let e = x.to_f64().exp() as f32;
    e * y
}

// A concrete `f64` function taking `exp` in `f32`: `as f32` of a value with a derivative (a cast
// to an integer, or one whose result only chooses, is taken by value and accepted).
#[differentiable(order = 2)]
fn exp_in_f32(x: f64, y: f64) -> f64 {
    let e = (x as f32).exp();
    (e as f64) * y
}

fn main() {}
