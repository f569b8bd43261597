use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> (f64, f64) {
    (x * x, 3.0 * x)
}

fn main() {
    let _ = f_grad(2.0);
}
