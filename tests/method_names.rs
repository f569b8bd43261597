//! Methods whose names collide with other functions: a layer's `forward` calling a field's
//! `forward` is not recursion (the pullback is not boxed, see `autodiff-macros/src/tests.rs`),
//! a method calling itself through `self` still is, and gradients are right in both cases
//! (central differences field by field).

use autodiff::check::{DEFAULT_ETA, Tolerance, approx_derivative};
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Dense {
    w: f64,
    b: f64,
}

impl Dense {
    #[differentiable]
    fn forward(&self, x: f64) -> f64 {
        (self.w * x + self.b).tanh()
    }
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Net {
    dense: Dense,
    out: Dense,
}

impl Net {
    /// Same name as the fields' method: not recursive.
    #[differentiable]
    fn forward(&self, x: f64) -> f64 {
        let h = self.dense.forward(x);
        self.out.forward(h) * h
    }

    /// Recursive through the receiver: `x` pushed through `forward` `n` times.
    #[differentiable]
    fn repeat(&self, x: f64, #[no_grad] n: u32) -> f64 {
        if n == 0 {
            x
        } else {
            self.repeat(self.forward(x), n - 1)
        }
    }
}

fn net() -> Net {
    Net {
        dense: Dense { w: 0.8, b: -0.3 },
        out: Dense { w: -1.1, b: 0.4 },
    }
}

/// Central differences of `f` in every parameter of `net()` and in `x`.
fn central(f: impl Fn(&Net, f64) -> f64, x: f64) -> ([f64; 4], f64) {
    let at = |k: usize, v: f64| {
        let mut n = net();
        match k {
            0 => n.dense.w = v,
            1 => n.dense.b = v,
            2 => n.out.w = v,
            _ => n.out.b = v,
        }
        n
    };
    let p = net();
    let start = [p.dense.w, p.dense.b, p.out.w, p.out.b];
    let d = std::array::from_fn(|k| approx_derivative(|v| f(&at(k, v), x), start[k], DEFAULT_ETA));
    (d, approx_derivative(|x| f(&p, x), x, DEFAULT_ETA))
}

#[track_caller]
fn check(g: &Net, gx: f64, want: ([f64; 4], f64)) {
    let tol = Tolerance::default();
    let got = [g.dense.w, g.dense.b, g.out.w, g.out.b];
    for (k, (g, w)) in got.iter().zip(want.0).enumerate() {
        assert!(tol.accepts(*g, w), "parameter {k}: {g} vs {w}");
    }
    assert!(tol.accepts(gx, want.1), "x: {gx} vs {}", want.1);
}

#[test]
fn a_field_method_of_the_same_name_is_differentiated_as_a_call() {
    let (p, x) = (net(), 0.7);
    let (y, (g, gx)) = p.forward_grad(x);
    assert!((y - p.forward(x)).abs() < 1e-15);
    check(&g, gx, central(|n, x| n.forward(x), x));
}

#[test]
fn a_method_calling_itself_through_self_is_still_recursion() {
    let (p, x) = (net(), 0.7);
    let (y, (g, gx)) = p.repeat_grad(x, 3);
    assert!((y - p.repeat(x, 3)).abs() < 1e-15);
    check(&g, gx, central(|n, x| n.repeat(x, 3), x));
}
