//! `#[differentiable(order = 2)]` through nalgebra matrices and `ops`.
use autodiff::matrix::prelude::*;
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[differentiable(order = 2)]
fn xtx(a: &DMatrix<f64>) -> f64 {
    let at = a.transpose();
    let p = &at * a;
    p.component_mul(&p).sum()
}

#[test]
fn smoke() {
    let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    let (y, g, h) = xtx_hessian(&a);
    println!("{y} {g} {h}");
}
