//! A helper with a loop over at most four scalar inputs (two when it calls another
//! differentiable function with a varying argument) gives the functions calling it a companion
//! computed by tangent sweeps: the helper's forward sweep carries `ẏ_k`, and the pullback the
//! caller's reverse sweep calls is `ȳ ↦ ȳ·ẏ_k` (`autodiff-macros/src/expand/tangent_grad.rs`).
//! No record tape and no closure state beyond `K` numbers per call.
//!
//! Members of the kind, each called per trip of a caller's loop over data: a Taylor series (one
//! input), a data-dependent `while` (Newton), an input the output does not depend on, a
//! `#[no_grad]` integer, `wrt(..)`, a reassigned parameter, a generic `T: Real`, `f32`, a branch
//! with `break`, a varying call inside the helper, and non-finite tangents (the zero rule).
//! Every caller's gradient against central differences and against the same caller with the
//! helper's body written inline (reverse mode throughout), its pullback at several cotangents,
//! and forward mode against the gradient.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

/// `Σ_{k=1..n} z^k / k!`: one input, a serial chain of divisions.
#[differentiable]
fn series(z: f64) -> f64 {
    let mut t = 1.0;
    let mut s = 0.0;
    for k in 1..12 {
        t = t * z / k as f64;
        s += t;
    }
    s
}

/// The root of `x³ + p x - c` by Newton's method: a `while` whose trip count depends on the
/// inputs.
#[differentiable]
fn cubic_root(p: f64, c: f64) -> f64 {
    let mut x = 1.0;
    let mut step = 1.0;
    let mut n = 0;
    while step.abs() > 1e-13 && n < 60 {
        let f = x * x * x + p * x - c;
        let df = 3.0 * x * x + p;
        step = f / df;
        x -= step;
        n += 1;
    }
    x
}

/// `b` is differentiated but the output does not depend on it (a zero gradient, not a missing
/// one).
#[differentiable]
fn ignores_b(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    let unused = b * 2.0;
    for k in 0..5 {
        s += (a * k as f64).sin();
    }
    let _ = unused;
    s
}

/// `x^n` by repeated products, `n` an integer without a derivative.
#[differentiable]
fn power(x: f64, #[no_grad] n: usize) -> f64 {
    let mut y = 1.0;
    for _ in 0..n {
        y *= x;
    }
    y
}

/// Differentiated in `a` only; `b` is a constant to callers.
#[differentiable(wrt(a))]
fn scaled_sum(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..4 {
        s += a.powi(k + 1) * b;
    }
    s
}

/// A parameter reassigned inside the loop (its tangent follows the new value).
#[differentiable]
fn halving(mut x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..6 {
        x = 0.5 * x + w * x.cos();
        s += x * x;
    }
    s
}

/// A generic helper over `T: Real`.
#[differentiable]
fn generic_poly<T: Real>(x: T, c: T) -> T {
    let mut y = T::zero();
    for _ in 0..5 {
        y = y * x + c;
    }
    y
}

/// A branch and a `break` inside the helper's loop.
#[differentiable]
fn damped(x: f64, limit: f64) -> f64 {
    let mut s = 0.0;
    let mut t = x;
    for _ in 0..20 {
        if t.abs() < 1e-3 {
            break;
        }
        if t > limit {
            s += t.sqrt();
        } else {
            s += t * t;
        }
        t *= -0.6;
    }
    s
}

/// A varying call inside the helper (two inputs; the callee's forward companion runs once per
/// direction).
#[differentiable]
fn calls_series(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += series(a * k as f64 + b) * b;
    }
    s
}

/// `Σ_i (c · series(a x_i) - y_i)²`.
#[differentiable]
fn fit_series(p: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = p[1] * series(p[0] * x[i]) - y[i];
        l += e * e;
    }
    l
}

/// The same with the helper's body inline.
#[differentiable]
fn fit_series_inline(p: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let z = p[0] * x[i];
        let mut t = 1.0;
        let mut s = 0.0;
        for k in 1..12 {
            t = t * z / k as f64;
            s += t;
        }
        let e = p[1] * s - y[i];
        l += e * e;
    }
    l
}

/// Every other helper, called per trip, two of them in one branch.
#[differentiable]
fn mixed(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = cubic_root(p[0] + 2.0, p[1] * x[i]);
        let q = ignores_b(p[2] * x[i], p[3]);
        let w = power(p[0] * x[i], i % 4);
        let s = scaled_sum(p[1] + x[i], 1.5);
        l += r * q + w - s * p[2];
        if x[i] > 0.0 {
            l += halving(p[3] * x[i], p[0]) + generic_poly(p[1], x[i]);
        } else {
            l += damped(p[2] + x[i], 0.4) * calls_series(p[3], x[i] + 0.1);
        }
    }
    l
}

/// [`mixed`] with every helper's body inline.
#[differentiable]
fn mixed_inline(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        // cubic_root(p[0] + 2, p[1] x_i)
        let (pp, c) = (p[0] + 2.0, p[1] * x[i]);
        let mut r = 1.0;
        let mut step = 1.0;
        let mut n = 0;
        while step.abs() > 1e-13 && n < 60 {
            let f = r * r * r + pp * r - c;
            let df = 3.0 * r * r + pp;
            step = f / df;
            r -= step;
            n += 1;
        }
        // ignores_b(p[2] x_i, p[3])
        let a = p[2] * x[i];
        let mut q = 0.0;
        for k in 0..5 {
            q += (a * k as f64).sin();
        }
        // power(p[0] x_i, i % 4)
        let mut w = 1.0;
        for _ in 0..i % 4 {
            w *= p[0] * x[i];
        }
        // scaled_sum(p[1] + x_i, 1.5)
        let mut s = 0.0;
        for k in 0..4 {
            s += (p[1] + x[i]).powi(k + 1) * 1.5;
        }
        l += r * q + w - s * p[2];
        if x[i] > 0.0 {
            // halving(p[3] x_i, p[0]) + generic_poly(p[1], x_i)
            let mut h = p[3] * x[i];
            let mut sh = 0.0;
            for _ in 0..6 {
                h = 0.5 * h + p[0] * h.cos();
                sh += h * h;
            }
            let mut y = 0.0;
            for _ in 0..5 {
                y = y * p[1] + x[i];
            }
            l += sh + y;
        } else {
            // damped(p[2] + x_i, 0.4) * calls_series(p[3], x_i + 0.1)
            let mut sd = 0.0;
            let mut t = p[2] + x[i];
            for _ in 0..20 {
                if t.abs() < 1e-3 {
                    break;
                }
                if t > 0.4 {
                    sd += t.sqrt();
                } else {
                    sd += t * t;
                }
                t *= -0.6;
            }
            let b = x[i] + 0.1;
            let mut cs = 0.0;
            for k in 0..3 {
                let z = p[3] * k as f64 + b;
                let mut tt = 1.0;
                let mut ss = 0.0;
                for j in 1..12 {
                    tt = tt * z / j as f64;
                    ss += tt;
                }
                cs += ss * b;
            }
            l += sd * cs;
        }
    }
    l
}

/// A helper whose tangent is infinite at `x = 0` (`∂ sqrt(x²)` there is `0 · ∞`).
#[differentiable]
fn root_of_square(x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += (x * x).sqrt() * w + k as f64;
    }
    s
}

#[differentiable]
fn calls_root(p: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..3 {
        l += root_of_square(p[0] * i as f64, p[1]);
    }
    l
}

#[differentiable]
fn calls_root_inline(p: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..3 {
        let x = p[0] * i as f64;
        let mut s = 0.0;
        for k in 0..3 {
            s += (x * x).sqrt() * p[1] + k as f64;
        }
        l += s;
    }
    l
}

/// `f32` throughout.
#[differentiable]
fn series32(z: f32) -> f32 {
    let mut t = 1.0f32;
    let mut s = 0.0f32;
    for k in 1..8 {
        t = t * z / k as f32;
        s += t;
    }
    s
}

#[differentiable]
fn fit32(p: &[f32]) -> f32 {
    let mut l = 0.0f32;
    for i in 0..4 {
        let e = p[1] * series32(p[0] * (i as f32 * 0.25)) - 0.3;
        l += e * e;
    }
    l
}

fn points(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| -0.9 + 1.8 * i as f64 / (n - 1) as f64)
        .collect()
}

/// The caller's gradient against central differences and against the inline version; its
/// pullback at several cotangents; forward mode along `t`.
fn check_caller(
    name: &str,
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
    inline: impl Fn(&[f64]) -> (f64, Vec<f64>),
    p: &[f64],
) {
    let (v, g) = grad(p);
    let (vi, gi) = inline(p);
    let exact = Tolerance::new(1e-12, 1e-10);
    assert!(exact.accepts(v, f(p)), "{name}: value {v} vs {}", f(p));
    assert!(exact.accepts(v, vi), "{name}: value {v} vs inline {vi}");
    let fd = numeric_gradient(&f, p, 1e-6);
    let tol = Tolerance::new(1e-6, 1e-6);
    for k in 0..p.len() {
        assert!(
            tol.accepts(g[k], fd[k]),
            "{name}[{k}]: {} vs central differences {}",
            g[k],
            fd[k]
        );
        assert!(
            Tolerance::new(1e-10, 1e-9).accepts(g[k], gi[k]),
            "{name}[{k}]: {} vs inline reverse mode {}",
            g[k],
            gi[k]
        );
    }
}

#[test]
fn a_series_helper_per_trip_matches_its_inline_body() {
    let x = points(50);
    let y: Vec<f64> = x.iter().map(|v| 0.8 * ((1.3 * v).exp() - 1.0)).collect();
    for p in [[1.1, 0.7], [-0.4, 2.0], [0.0, 1.0]] {
        check_caller(
            "fit_series",
            |q| fit_series(q, &x, &y),
            |q| fit_series_grad(q, &x, &y),
            |q| fit_series_inline_grad(q, &x, &y),
            &p,
        );
        // The pullback is linear in the cotangent and may be called again.
        let (_, g) = fit_series_grad(&p, &x, &y);
        let (_, back) = fit_series_vjp(&p, &x, &y);
        for cot in [1.0, -2.5, 0.0, 1.0] {
            let b = back(cot);
            for k in 0..2 {
                let want = cot * g[k];
                assert!(
                    Tolerance::new(1e-12, 1e-12).accepts(b[k], want),
                    "vjp({cot})[{k}]: {} vs {want}",
                    b[k]
                );
            }
        }
        // Forward mode: ⟨∇f, t⟩.
        let t = vec![0.3, -1.1];
        let (_, dy) = fit_series_jvp(&p, &x, &y, t.clone());
        let dot = g[0] * t[0] + g[1] * t[1];
        assert!(
            Tolerance::new(1e-10, 1e-9).accepts(dy, dot),
            "{dy} vs {dot}"
        );
    }
}

#[test]
fn every_member_of_the_kind_in_one_loop() {
    let x = points(13);
    for p in [
        [0.3, 0.8, -0.5, 0.6],
        [1.2, -0.4, 0.9, -0.2],
        [0.1, 0.1, 0.1, 0.1],
    ] {
        check_caller(
            "mixed",
            |q| mixed(q, &x),
            |q| mixed_grad(q, &x),
            |q| mixed_inline_grad(q, &x),
            &p,
        );
    }
}

#[test]
fn non_finite_tangents_follow_the_zero_rule() {
    // At p[0] = 0 every call has x = 0, where ∂ sqrt(x²)/∂x is 0 · ∞: the zero rule gives 0,
    // in the companion as in reverse mode. ∂/∂p[1] = Σ_i 3 |p[0] i| = 0 there.
    let (v, g) = calls_root_grad(&[0.0, 1.5]);
    let (vi, gi) = calls_root_inline_grad(&[0.0, 1.5]);
    assert!(Tolerance::new(1e-12, 1e-12).accepts(v, vi));
    assert_eq!(g.len(), 2);
    for k in 0..2 {
        assert!(g[k].is_finite() && gi[k].is_finite(), "{g:?} vs {gi:?}");
        assert!(
            Tolerance::new(1e-12, 1e-12).accepts(g[k], gi[k]),
            "{g:?} vs {gi:?}"
        );
    }
    // Away from zero: ∂/∂p[0] = Σ_i 3 p[1] i sign(p[0]) = 9 p[1] sign(p[0]),
    // ∂/∂p[1] = Σ_i 3 |p[0]| i = 9 |p[0]|.
    for (a, w) in [(0.7, 1.5), (-0.3, 2.0)] {
        let (_, g) = calls_root_grad(&[a, w]);
        let want = [9.0 * w * a.signum(), 9.0 * a.abs()];
        for k in 0..2 {
            assert!(
                Tolerance::new(1e-12, 1e-12).accepts(g[k], want[k]),
                "at {a}, {w}: {g:?} vs {want:?}"
            );
        }
    }
}

#[test]
fn f32_helpers() {
    let p = [0.9f32, 0.6f32];
    let (_, g) = fit32_grad(&p);
    // Against central differences of the same function in f64 (step 1e-3 in f32 is too coarse).
    let f64_version = |q: &[f64]| {
        let mut l = 0.0;
        for i in 0..4 {
            let z = q[0] * (i as f64 * 0.25);
            let (mut t, mut s) = (1.0, 0.0);
            for k in 1..8 {
                t = t * z / k as f64;
                s += t;
            }
            let e = q[1] * s - 0.3;
            l += e * e;
        }
        l
    };
    let fd = numeric_gradient(f64_version, &[0.9, 0.6], 1e-6);
    for k in 0..2 {
        assert!(
            Tolerance::new(1e-4, 1e-4).accepts(f64::from(g[k]), fd[k]),
            "{g:?} vs {fd:?}"
        );
    }
}
