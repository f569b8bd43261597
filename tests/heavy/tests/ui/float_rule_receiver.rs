use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
pub struct Poly {
    pub c: f64,
}

impl Poly {
    /// Not `f64::powi`: a polynomial in `x`, whose derivative in `x` the integer-exponent rule
    /// would drop.
    pub fn powi(&self, x: f64) -> f64 {
        self.c * x * x
    }
    pub fn mul_add(&self, a: f64, b: f64) -> f64 {
        self.c * a + b * b
    }
    pub fn max(&self, x: f64) -> f64 {
        self.c * x.exp()
    }
}

// `powi`, `exp`, `max`, `mul_add`, .. are differentiated by the float methods' rules; on a
// receiver that is not a float (a struct's own method of that name) that reading would drop or
// invent derivatives, so it does not compile.
#[differentiable]
fn own_powi(x: f64, #[no_grad] p: &Poly) -> f64 {
    p.powi(x)
}

#[differentiable]
fn own_mul_add(x: f64, #[no_grad] p: &Poly) -> f64 {
    p.mul_add(1.0, x)
}

#[differentiable]
fn own_max(x: f64, #[no_grad] p: &Poly) -> f64 {
    p.max(x)
}

fn main() {}
