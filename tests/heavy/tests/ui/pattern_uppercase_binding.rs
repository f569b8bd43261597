#![allow(non_snake_case)]
use autodiff::prelude::*;

// An uppercase single name in a `match` arm is a binding unless a constant of that name is in
// scope; the macro cannot tell which, so a derivative through it is refused.
#[differentiable]
fn f(x: f64) -> f64 {
    match x * 2.0 {
        V => V * V,
    }
}

fn main() {}
