use autodiff::prelude::*;

// An `hvp` rule over a matrix parameter is not supported yet; the error says what to write.
#[custom_derivative(vjp = sq_vjp, jvp = sq_jvp, hvp = sq_hvp)]
fn sq(a: &DMatrix<f64>) -> f64 {
    a.norm_squared()
}

fn sq_vjp(a: &DMatrix<f64>) -> (f64, impl Fn(f64) -> DMatrix<f64>) {
    let a = a.clone();
    (a.norm_squared(), move |g: f64| &a * (2.0 * g))
}

fn sq_jvp(a: &DMatrix<f64>, t: DMatrix<f64>) -> (f64, f64) {
    (a.norm_squared(), 2.0 * a.dot(&t))
}

fn sq_hvp(a: &DMatrix<f64>, v: DMatrix<f64>) -> (f64, DMatrix<f64>, DMatrix<f64>) {
    (a.norm_squared(), a * 2.0, v * 2.0)
}

fn main() {}
