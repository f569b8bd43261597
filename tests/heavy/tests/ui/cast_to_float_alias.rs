use autodiff::prelude::*;

type Fl = f64;

// A cast is differentiated when spelled `as f64` / `as f32`; a float type under another name
// would silently drop the derivative, so it does not compile.
#[differentiable]
fn alias(x: f64) -> f64 {
    let y = (x * x) as Fl;
    y * 2.0
}

#[differentiable]
fn primitive_path(x: f64) -> f64 {
    let y = (x * x) as core::primitive::f64;
    y * 2.0
}

fn main() {}
