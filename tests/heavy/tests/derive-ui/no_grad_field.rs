//! `#[no_grad]` takes no arguments, and a `#[no_grad]` field needs `Default + Clone`.
use autodiff::prelude::*;

#[derive(Differentiable)]
struct A {
    #[no_grad(skip)]
    w: f64,
}

struct Handle;

#[derive(Differentiable)]
struct B {
    w: f64,
    #[no_grad]
    h: Handle,
}

fn main() {}
