use autodiff::prelude::*;

#[differentiable(order = 2)]
fn quadratic_form(x: &[f64]) -> f64 {
    let m = DMatrix::from_column_slice(2, 2, x);
    m.norm_squared()
}

fn main() {}
