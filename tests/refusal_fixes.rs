//! The rewrites that the refusal errors suggest (`autodiff-runtime/src/refused.rs`, the README's
//! refusal table) compile inside `#[differentiable]` code and give the derivative of the method
//! they replace, checked against central finite differences of the method itself (f64).

use autodiff::check::{Tolerance, approx_derivative, assert_close};
use autodiff::prelude::*;

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);
const ETA: f64 = 1e-6;

/// A generated `NAME_grad` of one `f64`.
type Grad = fn(f64) -> (f64, f64);
/// The `f64` method it replaces.
type Method = fn(f64) -> f64;

#[differentiable]
fn rem_euclid_fix(x: f64, y: f64) -> f64 {
    x - y * (x / y).floor()
}

#[differentiable]
fn copysign_fix(x: f64, s: f64) -> f64 {
    x.abs() * s.signum()
}

#[differentiable]
fn fract_fix(x: f64) -> f64 {
    x - x.trunc()
}

#[differentiable]
fn to_degrees_fix(x: f64) -> f64 {
    x * (180.0 / std::f64::consts::PI)
}

#[differentiable]
fn asinh_fix(x: f64) -> f64 {
    (x + (x * x + 1.0).sqrt()).ln()
}

#[differentiable]
fn acosh_fix(x: f64) -> f64 {
    (x + (x * x - 1.0).sqrt()).ln()
}

#[differentiable]
fn atanh_fix(x: f64) -> f64 {
    0.5 * ((1.0 + x) / (1.0 - x)).ln()
}

#[differentiable]
fn add_scalar_fix(m: &DMatrix<f64>, b: f64) -> f64 {
    let s = m + DMatrix::from_element(m.nrows(), m.ncols(), b);
    (s.component_mul(&s)).sum()
}

#[differentiable]
fn normalize_fix(m: &DMatrix<f64>) -> f64 {
    let u = m / m.norm();
    u[(0, 0)] * 3.0 + u[(1, 0)]
}

/// `d/dx` and `d/dy` of `f` against central differences of `g` (the method replaced).
fn check2(grad: (f64, f64), g: impl Fn(f64, f64) -> f64, x: f64, y: f64) {
    assert_close(grad.0, approx_derivative(|t| g(t, y), x, ETA), TOL);
    assert_close(grad.1, approx_derivative(|t| g(x, t), y, ETA), TOL);
}

#[test]
fn scalar_rewrites_match_the_methods() {
    for (x, y) in [(7.3, 2.0), (-7.3, 2.0), (0.4, 3.5)] {
        let (v, g) = rem_euclid_fix_grad(x, y);
        assert_close(v, x.rem_euclid(y), Tolerance::new(1e-12, 1e-12));
        check2(g, f64::rem_euclid, x, y);
    }
    for (x, s) in [(1.5, -2.0), (-1.5, 3.0)] {
        let (v, g) = copysign_fix_grad(x, s);
        assert_close(v, x.copysign(s), Tolerance::new(0.0, 0.0));
        check2(g, f64::copysign, x, s);
    }
    for x in [2.7_f64, -2.7] {
        let (v, d) = fract_fix_grad(x);
        assert_close(v, x.fract(), Tolerance::new(1e-12, 1e-12));
        assert_close(d, approx_derivative(f64::fract, x, ETA), TOL);
    }
    let unary: [(Grad, Method, f64); 4] = [
        (to_degrees_fix_grad, f64::to_degrees, 0.7),
        (asinh_fix_grad, f64::asinh, -0.8),
        (acosh_fix_grad, f64::acosh, 1.9),
        (atanh_fix_grad, f64::atanh, 0.3),
    ];
    for (fix, method, x) in unary {
        let (v, d) = fix(x);
        assert_close(v, method(x), Tolerance::new(1e-12, 1e-12));
        assert_close(d, approx_derivative(method, x, ETA), TOL);
    }
}

#[test]
fn matrix_rewrites_match_the_methods() {
    let m = DMatrix::from_row_slice(2, 2, &[0.5, -1.0, 2.0, 0.25]);
    let b = 0.3;
    let (v, (gm, gb)) = add_scalar_fix_grad(&m, b);
    let with_method = |m: &DMatrix<f64>, b: f64| m.add_scalar(b).norm_squared();
    assert_close(v, with_method(&m, b), Tolerance::new(1e-12, 1e-12));
    assert_close(gb, approx_derivative(|t| with_method(&m, t), b, ETA), TOL);
    for k in 0..4 {
        let fd = approx_derivative(
            |t| {
                let mut p = m.clone();
                p[k] = t;
                with_method(&p, b)
            },
            m[k],
            ETA,
        );
        assert_close(gm[k], fd, TOL);
    }

    let (_, gn) = normalize_fix_grad(&m);
    let with_method = |m: &DMatrix<f64>| {
        let u = m.normalize();
        u[(0, 0)] * 3.0 + u[(1, 0)]
    };
    for k in 0..4 {
        let fd = approx_derivative(
            |t| {
                let mut p = m.clone();
                p[k] = t;
                with_method(&p)
            },
            m[k],
            ETA,
        );
        assert_close(gn[k], fd, TOL);
    }
}

/// A user type whose own differentiable methods share names with refused ones.
#[derive(Differentiable, Clone, Debug)]
struct Gain {
    k: f64,
}

impl Gain {
    #[differentiable]
    fn scale(&self, x: f64) -> f64 {
        self.k * x
    }

    #[differentiable]
    fn fract(&self) -> f64 {
        self.k * 0.5
    }
}

#[differentiable]
fn through_user_methods(g: &Gain, x: f64, #[no_grad] owned: Gain) -> f64 {
    g.scale(x) + g.fract() * x + owned.scale(x) + owned.fract()
}

#[test]
fn user_methods_named_like_refused_ones_are_unaffected() {
    let g = Gain { k: 3.0 };
    let (v, (dg, dx)) = through_user_methods_grad(&g, 2.0, Gain { k: 2.0 });
    // v = kx + (k/2)x + 2x + 1 = 6 + 3 + 4 + 1
    assert_close(v, 14.0, Tolerance::new(1e-12, 1e-12));
    // ∂/∂k = x + x/2 = 3, ∂/∂x = k + k/2 + 2 = 6.5
    assert_close(dg.k, 3.0, Tolerance::new(1e-12, 1e-12));
    assert_close(dx, 6.5, Tolerance::new(1e-12, 1e-12));
}

// Index loops over a slice of structs are the supported form (see tests/derive.rs).
#[allow(clippy::needless_range_loop)]
#[differentiable]
fn through_indexed_user_methods(gs: &[Gain], x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..gs.len() {
        s += gs[i].scale(x);
    }
    s
}

#[test]
fn indexed_user_methods_named_like_refused_ones_are_unaffected() {
    let gs = vec![Gain { k: 3.0 }, Gain { k: -1.0 }];
    let (v, (dgs, dx)) = through_indexed_user_methods_grad(&gs, 2.0);
    assert_close(v, 4.0, Tolerance::new(1e-12, 1e-12)); // (3 - 1)·2
    assert_close(dgs[0].k, 2.0, Tolerance::new(1e-12, 1e-12));
    assert_close(dgs[1].k, 2.0, Tolerance::new(1e-12, 1e-12));
    assert_close(dx, 2.0, Tolerance::new(1e-12, 1e-12));
}

/// The rewrite the `split_at` refusal suggests: the parts borrowed as ranges.
#[differentiable]
fn split_at_fix(p: &[f64]) -> f64 {
    let (w, x) = (&p[..2], &p[2..]);
    let mut s = 0.0;
    for i in 0..x.len() {
        s += w[i % 2] * x[i] * x[i];
    }
    s
}

#[test]
fn split_at_rewrite_against_central_differences() {
    let p = [0.5, -1.5, 0.3, 0.8, -0.2];
    let (v, g) = split_at_fix_grad(&p);
    assert_close(v, split_at_fix(&p), TOL);
    let fd = autodiff::check::numeric_gradient(split_at_fix, &p, ETA);
    for (a, b) in g.iter().zip(&fd) {
        assert_close(*a, *b, TOL);
    }
}
