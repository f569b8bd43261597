use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

pub trait MyPow {
    fn pow(self, n: i32) -> f64;
}
impl MyPow for f64 {
    fn pow(self, n: i32) -> f64 {
        self.powi(n)
    }
}

// `pow`, `checked_add`, `abs_diff`, .. are taken for integer methods without a derivative; on a
// receiver that is not an integer that reading would drop a derivative, so it does not compile.
#[differentiable]
fn matrix_power(m: &DMatrix<f64>) -> f64 {
    m.pow(2).sum()
}

#[differentiable]
fn user_trait_pow(x: f64) -> f64 {
    x.pow(3)
}

fn main() {}
