//! `wrt(x)` on a method whose receiver is a plain (non-`Differentiable`) struct.
use autodiff::prelude::*;

struct Quadratic {
    a: f64,
    b: f64,
}

impl Quadratic {
    #[differentiable(wrt(x))]
    fn eval(&self, x: f64, n: usize) -> f64 {
        self.a * x * x + self.b * x * (n as f64)
    }
}

#[test]
fn compiles_and_runs() {
    let q = Quadratic { a: 2.0, b: -1.0 };
    let (v, g) = q.eval_grad(1.5, 2);
    assert!((v - (4.5 - 3.0)).abs() < 1e-12, "value {v}");
    // d/dx = 2 a x + b n = 6 - 2
    assert!((g - 4.0).abs() < 1e-12, "gradient {g}");
}
