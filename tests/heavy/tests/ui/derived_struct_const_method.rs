use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
pub struct Seg {
    pub a: f64,
    pub b: f64,
}

impl Seg {
    pub fn len(&self) -> f64 {
        (self.b - self.a).abs()
    }
    pub fn floor(&self) -> f64 {
        self.a.min(self.b)
    }
}

// `len`, `shape`, `nrows`, .. are taken for std methods without a derivative; a derived
// struct's own method of that name would drop its derivative, so it does not compile.
#[differentiable]
fn segment(x: f64) -> f64 {
    let s = Seg { a: 0.1, b: x };
    s.len() * x
}

#[differentiable]
fn segment_floor(x: f64) -> f64 {
    let s = Seg { a: 0.1, b: x };
    s.floor() * x
}

fn main() {}
