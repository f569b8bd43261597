use autodiff::prelude::*;

#[differentiable]
fn gram(a: &DMatrix<f64>) -> DMatrix<f64> {
    let at = a.transpose();
    &at * a
}

fn main() {
    // `_grad` needs a scalar output; a matrix output has a pullback (`gram_vjp`).
    let a = DMatrix::from_element(2, 2, 1.0);
    let _ = gram_grad(&a);
}
