use autodiff::prelude::*;

trait Bump {
    fn bump(&mut self);
}

impl Bump for f64 {
    fn bump(&mut self) {
        *self *= 2.0;
    }
}

#[differentiable]
fn f(x: f64) -> f64 {
    let mut y = x * x;
    y.bump();
    y
}

fn main() {}
