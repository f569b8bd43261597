use autodiff::prelude::*;

macro_rules! sq {
    ($e:expr) => {
        $e * $e
    };
}

#[differentiable]
fn f(x: f64) -> f64 {
    sq!(x) + x
}

fn main() {}
