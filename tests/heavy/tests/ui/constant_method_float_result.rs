use autodiff::prelude::*;

pub trait Shape {
    fn shape(&self) -> f64;
}
impl Shape for Vec<f64> {
    fn shape(&self) -> f64 {
        self.iter().sum()
    }
}

pub trait Length {
    fn len(&self) -> f64;
}
impl Length for f64 {
    fn len(&self) -> f64 {
        self.abs()
    }
}

pub trait Floor {
    fn floor(&self) -> Vec<f64>;
}
impl Floor for Vec<f64> {
    fn floor(&self) -> Vec<f64> {
        self.clone()
    }
}

// `shape`, `len`, `floor`, .. are taken for std methods without a derivative; a method of the
// user's with that name that returns a float would drop a derivative, so it does not compile.
#[differentiable]
fn user_shape(x: f64) -> f64 {
    let v = vec![x, 2.0 * x];
    v.shape() * x
}

#[differentiable]
fn user_len(x: f64) -> f64 {
    x.len() * x
}

#[differentiable]
fn user_floor(x: f64) -> f64 {
    let v = vec![x, 2.0 * x];
    let f = v.floor();
    f[0] * x
}

fn main() {}
