use autodiff::prelude::*;

// Indexing needs a variable: bind the product first.
#[differentiable]
fn f(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    (a * b)[(0, 0)]
}

fn main() {}
