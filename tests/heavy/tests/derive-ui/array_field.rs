//! A field must be its own adjoint, gradient and tangent; an array's adjoint is a `Vec`.
use autodiff::prelude::*;

#[derive(Differentiable)]
struct Model {
    w: [f64; 3],
    b: f64,
}

fn main() {}
