use autodiff::prelude::*;

pub struct P;
impl P {
    pub fn exp(x: f64) -> f64 {
        2.0 * x
    }
}

// `T::exp(x)` is differentiated as the float method `x.exp()`; a user type `P` whose own
// associated function is named like a float method does not compile (it is not `x.exp()`).
#[differentiable]
fn user_assoc(x: f64) -> f64 {
    P::exp(x)
}

fn main() {}
