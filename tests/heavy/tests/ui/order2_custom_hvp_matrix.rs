use autodiff::prelude::*;
use autodiff::nalgebra::DMatrixView;

// An `hvp` rule takes owned matrices; a view parameter is refused with what to write instead.
#[custom_derivative(vjp = sq_vjp, jvp = sq_jvp, hvp = sq_hvp)]
fn sq(a: DMatrixView<'_, f64>) -> f64 {
    a.norm_squared()
}

fn sq_vjp(a: DMatrixView<'_, f64>) -> (f64, impl Fn(f64) -> DMatrix<f64>) {
    let a = a.into_owned();
    (a.norm_squared(), move |g: f64| &a * (2.0 * g))
}

fn sq_jvp(a: DMatrixView<'_, f64>, t: DMatrix<f64>) -> (f64, f64) {
    (a.norm_squared(), 2.0 * a.dot(&t))
}

fn sq_hvp(a: DMatrixView<'_, f64>, v: DMatrix<f64>) -> (f64, DMatrix<f64>, DMatrix<f64>) {
    (a.norm_squared(), a * 2.0, v * 2.0)
}

fn main() {}
