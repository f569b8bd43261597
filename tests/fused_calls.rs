//! Fused accumulation loops (`reverse/fused.rs`) with calls of the user's functions by value,
//! whose pullbacks run at the trip's end, and with element adjoints at constant indices
//! (`theta[0]`), which add into registers of the loop's and reach the buffer once after it.
//! Each member is checked against central differences in `f64` (and the value against the
//! primal): helpers that branch, that loop (a tangent companion) and that call a libm function;
//! a float parameter passed to a helper; a generic scalar and `f32`; a matrix read at a
//! constant `(i, j)` (through the buffer); the second run of a loop whose IEEE products met `0 · ∞` (its registers
//! start empty again); a pullback called again; second order.

#![allow(clippy::needless_range_loop)]

use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, check_value_grad, sines, to32};

/// The Huber loss of a residual (a helper that branches).
#[differentiable]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

/// `log(1 + e^z)`, in the form that does not overflow (a helper with libm calls).
#[differentiable]
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// `e^x - 1` by its first 8 Taylor terms (a helper with a loop).
#[differentiable]
fn series(x: f64) -> f64 {
    let mut t = 1.0;
    let mut s = 0.0;
    for k in 1..9 {
        t = t * x / k as f64;
        s += t;
    }
    s
}

/// A robust quadratic fit: the trips branch on the data and call the helpers; `delta` is a
/// float parameter passed to one of them; `theta[0]` is read twice per trip.
#[differentiable]
fn robust_fit(theta: &[f64], delta: f64, #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i] - y[i];
        if x[i] > 0.0 {
            l += huber(r, delta);
        } else {
            l += 2.0 * softplus(r) + series(theta[1] * x[i]) * theta[0];
        }
    }
    l / x.len() as f64
}

/// The Huber loss over a generic scalar.
#[differentiable]
fn ghuber<T: Real>(r: T, delta: T) -> T {
    if r.abs() <= delta {
        T::from_f64(0.5) * r * r
    } else {
        delta * (r.abs() - T::from_f64(0.5) * delta)
    }
}

/// [`robust_fit`]'s first arm over a generic scalar, the parameters in one slice.
#[differentiable]
fn gfit<T: Real>(p: &[T], #[no_grad] x: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..x.len() {
        let r = p[0] + p[1] * x[i];
        if x[i] > T::zero() {
            l += ghuber(r, p[2]);
        } else {
            l -= p[2] * r;
        }
    }
    l
}

/// A matrix read at constant indices in every trip, beside a slice read by the loop index (a
/// tuple index keeps its add into the loop's buffer).
#[differentiable]
fn mat_fit(m: &DMatrix<f64>, x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = m[(0, 0)];
        let b = m[(1, 0)];
        if x[i] > 0.0 {
            s += a * x[i] * x[i];
        } else {
            s += b * x[i] + m[(0, 1)];
        }
    }
    s
}

/// `Σ θ0 √x_i` plus `θ1 x_i` on the other arm: at `θ0 = 0` and `x_i = 0` the IEEE product
/// `0 · ∞` makes `J` NaN, so the loop runs again with the zero rule's products.
#[differentiable]
fn roots(theta: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let w = theta[0];
        if x[i] < 4.0 {
            s += w * x[i].sqrt();
        } else {
            s += theta[1] * x[i];
        }
    }
    s
}

/// A quadratic form through constant indices, for second order.
#[differentiable(order = 2)]
fn curved_fit(theta: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r = theta[0] * x[i] + theta[1] * theta[1];
        if x[i] > 0.0 {
            s += r * r * theta[2];
        } else {
            s += (r * theta[0]).sin();
        }
    }
    s
}

/// Constant indices some trips never read (`t[2]` when `t` has two elements, `t[7]` in an arm
/// that never runs): no register is added into the buffer at an index out of bounds.
#[differentiable]
fn unread(t: &[f64], x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = t[0] * x[i];
        if t.len() > 2 {
            l += r * t[2];
        } else if x[i] > 100.0 {
            l += t[7] * r;
        } else {
            l += r * r;
        }
    }
    l
}

fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|i| -1.0 + 2.0 * i as f64 / n as f64).collect();
    let y = x
        .iter()
        .enumerate()
        .map(|(i, xi)| 0.3 + xi - 0.5 * xi * xi + 0.4 * (i as f64 * 1.7).sin())
        .collect();
    (x, y)
}

#[test]
fn helpers_that_branch_loop_and_call_libm_in_a_fused_loop() {
    let (x, y) = data(40);
    for (theta, delta) in [
        (vec![0.3, 0.8, -0.2], 0.3),
        (vec![-0.5, 0.1, 0.7], 0.05),
        (vec![1.2, -0.9, 0.4], 2.0),
    ] {
        let (v, (gt, gd)) = robust_fit_grad(&theta, delta, &x, &y);
        let mut all = theta.clone();
        all.push(delta);
        let f = |p: &[f64]| robust_fit(&p[..3], p[3], &x, &y);
        let mut g = gt;
        g.push(gd);
        check_value_grad("robust_fit", f, (v, g), &all);
    }
}

#[test]
fn generic_and_single_precision_helpers() {
    let (x, _) = data(30);
    for p in [vec![0.3, 0.8, 0.25], vec![-0.4, 1.5, 0.6]] {
        let f = |q: &[f64]| gfit(q, &x);
        check_value_grad("gfit", f, gfit_grad::<f64>(&p, &x), &p);
        let (_, g32) = gfit_grad::<f32>(&to32(&p), &to32(&x));
        let (_, g64) = gfit_grad::<f64>(&p, &x);
        agree("gfit", &g64, &g32, 1e-4);
    }
}

#[test]
fn a_matrix_read_at_constant_indices() {
    let m0 = DMatrix::from_column_slice(2, 2, &[0.7, -0.4, 1.3, 0.2]);
    for x in [sines(9, 1.0), sines(6, -0.8)] {
        let (v, (gm, gx)) = mat_fit_grad(&m0, &x);
        let mut all = m0.as_slice().to_vec();
        all.extend(&x);
        let f = |p: &[f64]| mat_fit(&DMatrix::from_column_slice(2, 2, &p[..4]), &p[4..]);
        let mut g = gm.as_slice().to_vec();
        g.extend(gx);
        check_value_grad("mat_fit", f, (v, g), &all);
        // m[(1, 1)] is never read
        assert_eq!(gm[(1, 1)], 0.0);
    }
}

#[test]
fn the_second_run_starts_its_registers_empty() {
    // d/dθ0 = Σ_{x<4} √x (once, not twice); d/dθ1 = Σ_{x≥4} x; d/dx_i = θ0 / (2√x_i) below 4,
    // which the zero rule makes 0 at θ0 = 0 (IEEE: 0 · ∞ = NaN at x = 0)
    let x = [0.0, 1.0, 2.25, 9.0];
    let (v, (gt, gx)) = roots_grad(&[0.0, 0.5], &x);
    assert!((v - 4.5).abs() < 1e-12, "{v}");
    assert!((gt[0] - 2.5).abs() < 1e-12, "{gt:?}");
    assert!((gt[1] - 9.0).abs() < 1e-12, "{gt:?}");
    assert_eq!(gx, vec![0.0, 0.0, 0.0, 0.5]);
    // away from the kink, against central differences
    let theta = [0.8, -0.3];
    let x = [0.5, 1.0, 6.0, 2.0];
    let (_, (gt, gx)) = roots_grad(&theta, &x);
    let mut all = theta.to_vec();
    all.extend(x);
    let mut g = gt;
    g.extend(gx);
    check("roots", |p| roots(&p[..2], &p[2..]), &g, &all);
}

#[test]
fn constant_indices_no_trip_read() {
    // l = t0² Σ x²: dl/dt = (2 t0 Σ x², 0), dl/dx = 2 t0² x
    let (v, (gt, gx)) = unread_grad(&[2.0, 1.0], &[0.5, -1.0]);
    assert!((v - 5.0).abs() < 1e-12, "{v}");
    assert_eq!((gt, gx), (vec![5.0, 0.0], vec![4.0, -8.0]));
    let (v, (gt, gx)) = unread_grad(&[], &[]);
    assert_eq!((v, gt, gx), (0.0, vec![], vec![]));
    let (t, x) = (vec![0.7, -0.3, 1.1], sines(5, 0.9));
    let (v, (gt, gx)) = unread_grad(&t, &x);
    let mut all = t.clone();
    all.extend(&x);
    let mut g = gt;
    g.extend(gx);
    check_value_grad("unread", |p| unread(&p[..3], &p[3..]), (v, g), &all);
}

#[test]
fn a_pullback_called_again_and_second_order() {
    let (x, y) = data(20);
    let theta = vec![0.3, 0.8, -0.2];
    let (_, back) = robust_fit_vjp(&theta, 0.3, &x, &y);
    for cot in [1.0, -2.0, 0.5] {
        let (gt, _) = back(cot);
        check(
            "robust_fit_vjp",
            |p| cot * robust_fit(p, 0.3, &x, &y),
            &gt,
            &theta,
        );
    }
    for theta in [vec![0.4, -0.7, 1.1], vec![-0.2, 0.5, 0.3]] {
        check_value_grad(
            "curved_fit",
            |p| curved_fit(p, &x),
            curved_fit_grad(&theta, &x),
            &theta,
        );
        let v = vec![0.3, -0.6, 0.9];
        let (_, _, hv) = curved_fit_hvp(&theta, &x, v.clone());
        check_hvp("curved_fit", |p| curved_fit_grad(p, &x).1, &hv, &theta, &v);
    }
}
