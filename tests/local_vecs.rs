//! Local `Vec`s that are only indexed, written by index and moved whole get a dense adjoint
//! buffer (`autodiff-runtime/src/densevec.rs`): fresh `Vec`s per step, `u = next`,
//! `std::mem::swap`, `vec![a; n]` of a differentiated value, `vec![a, b]`, `x.to_vec()` updated
//! in place, a clone of a local and of a `Vec` parameter, and one local that is pushed (see
//! `pushed_vecs.rs` for more). Each gradient against central differences, one against its closed
//! form and one against its analytic value; `order = 2` through a stencil against central
//! differences of its gradient. Elements of other local containers of floats (`[a; 3]`, a
//! declared `Vec<f64>` filled by a call, an `f32` `vec![0.0; n]`), the zero rule included.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::useless_vec, clippy::eq_op)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

/// Three steps of `u_i ← u_i + k (u_{i-1} - 2 u_i + u_{i+1})` with a fresh `Vec` per step.
#[differentiable]
fn stencil_fresh(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] * (1.0 + i as f64);
    }
    s
}

/// The same with a double buffer and `std::mem::swap`, and a nonlinear update.
#[differentiable]
fn stencil_swap(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..3 {
        for i in 0..n {
            let right = if i + 1 < n { u[i + 1] } else { u[0] };
            next[i] = u[i] + k * (right - u[i]) * u[i];
        }
        std::mem::swap(&mut u, &mut next);
    }
    u[0] * 2.0 + u[n - 1] * u[1] + next[2]
}

/// `vec![a; n]` of a differentiated value, a literal `vec![..]`, a clone of a local and a
/// prefix sum written in place.
#[differentiable]
fn made_vecs(x: &[f64], a: f64) -> f64 {
    let n = x.len();
    let mut c = vec![a; n];
    for i in 1..n {
        c[i] += c[i - 1] * x[i];
    }
    let lit = vec![a * a, x[0], 3.0];
    let d = c.clone();
    let mut s = lit[0] + lit[1] * lit[2];
    for i in 0..n {
        s += d[i] * c[i] + c[i];
    }
    s
}

/// A clone of a `Vec` parameter updated in place: a running product-sum. The parameter is a
/// `&Vec` on purpose: `.clone()` of a `&Vec` is the form under test (of a slice it is `to_vec`).
#[allow(clippy::ptr_arg)]
#[differentiable]
fn cloned_param(x: &Vec<f64>, k: f64) -> f64 {
    let mut u = x.clone();
    for i in 1..u.len() {
        u[i] = u[i] + k * u[i - 1] * u[i];
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * x[i];
    }
    s
}

/// A local that is pushed (a dense buffer whose push takes element `len`); the one it is read
/// into is dense too.
#[differentiable]
fn pushed(x: &[f64]) -> f64 {
    let mut p = Vec::new();
    for i in 0..x.len() {
        p.push(x[i] * x[i]);
    }
    let mut q = vec![0.0; x.len()];
    for i in 0..x.len() {
        q[i] = p[i] + x[i];
    }
    q[0] * q[1]
}

/// Element reads of local containers of floats: an array `[a; 3]` of a known float, a `Vec<f64>`
/// declared as such and filled by a call, and the zero rule through an element (`sqrt'(0) = inf`,
/// but `max` picks `1.0`: the contribution is exactly 0).
#[differentiable]
fn local_containers(x: &[f64], a: f64) -> f64 {
    let w = [a; 3];
    let v: Vec<f64> = doubled(x);
    let mut z = vec![0.0; x.len()];
    let mut s = 0.0;
    for i in 0..x.len() {
        z[i] = (x[i] - x[i]) * a;
        let e = z[i];
        s += w[i % 3] * v[i] + e.sqrt().max(1.0) * x[i];
    }
    s
}

/// `2 x`, element by element.
#[differentiable]
fn doubled(x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for i in 0..x.len() {
        out[i] = 2.0 * x[i];
    }
    out
}

/// The cumulative product in `f32`: a local `vec![0.0; n]` whose element type comes from `x`.
#[differentiable]
fn cumprod32(x: &[f32]) -> f32 {
    let mut c = vec![0.0; x.len()];
    c[0] = x[0];
    for i in 1..x.len() {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += c[i] * c[i];
    }
    s
}

/// `order = 2` through a fresh `Vec` per step.
#[differentiable(order = 2)]
fn stencil_order2(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..2 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            next[i] = u[i] + k * (left - u[i]) * u[i];
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// `(x, k)` packed into one point for the finite differences.
fn pack(x: &[f64], k: f64) -> Vec<f64> {
    let mut p = x.to_vec();
    p.push(k);
    p
}

fn check(name: &str, got: &[f64], want: &[f64]) {
    let tol = Tolerance::new(1e-6, 1e-6);
    assert_eq!(got.len(), want.len(), "{name}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(tol.accepts(*g, *w), "{name}[{i}]: {g} vs {w}");
    }
}

const X: [f64; 5] = [0.4, -1.1, 0.9, 0.3, 1.7];

#[test]
fn stencils_match_finite_differences() {
    let k = 0.2;
    let (y, (gx, gk)) = stencil_fresh_grad(&X, k);
    assert_eq!(y, stencil_fresh(&X, k));
    let fd = numeric_gradient(|p| stencil_fresh(&p[..5], p[5]), &pack(&X, k), 1e-6);
    check("stencil_fresh", &pack(&gx, gk), &fd);

    let (y, (gx, gk)) = stencil_swap_grad(&X, k);
    assert_eq!(y, stencil_swap(&X, k));
    let fd = numeric_gradient(|p| stencil_swap(&p[..5], p[5]), &pack(&X, k), 1e-6);
    check("stencil_swap", &pack(&gx, gk), &fd);
}

#[test]
fn one_cell_matches_its_closed_form() {
    // One cell: u_T = u_0 (1 - 2k)³, loss u_0² (1 - 2k)⁶: d/du_0 = 2 u_0 (1 - 2k)⁶ and
    // d/dk = -12 u_0² (1 - 2k)⁵; at u_0 = 1/2, k = 0: 1 and -3.
    let (_, (gx, gk)) = stencil_fresh_grad(&[0.5], 0.0);
    assert!((gx[0] - 1.0).abs() < 1e-12, "{gx:?}");
    assert!((gk - -3.0).abs() < 1e-12, "{gk}");
}

#[test]
fn made_and_pushed_vecs_match_finite_differences() {
    let a = 0.7;
    let (y, (gx, ga)) = made_vecs_grad(&X, a);
    assert_eq!(y, made_vecs(&X, a));
    let fd = numeric_gradient(|p| made_vecs(&p[..5], p[5]), &pack(&X, a), 1e-6);
    check("made_vecs", &pack(&gx, ga), &fd);

    let xv = X.to_vec();
    let (y, (gx, gk)) = cloned_param_grad(&xv, 0.3);
    assert_eq!(y, cloned_param(&xv, 0.3));
    let fd = numeric_gradient(
        |p| cloned_param(&p[..5].to_vec(), p[5]),
        &pack(&X, 0.3),
        1e-6,
    );
    check("cloned_param", &pack(&gx, gk), &fd);

    let (y, gx) = pushed_grad(&X);
    assert_eq!(y, pushed(&X));
    // q_i = x_i² + x_i: d(q_0 q_1)/dx_0 = (2 x_0 + 1) q_1, /dx_1 = q_0 (2 x_1 + 1), others 0.
    let q = |x: f64| x * x + x;
    let want = [
        (2.0 * X[0] + 1.0) * q(X[1]),
        q(X[0]) * (2.0 * X[1] + 1.0),
        0.0,
        0.0,
        0.0,
    ];
    check("pushed", &gx, &want);
}

#[test]
fn order2_through_a_fresh_vec_per_step() {
    let p = pack(&X[..4], 0.3);
    let grad = |q: &[f64]| {
        let (_, (gx, gk)) = stencil_order2_grad(&q[..4], q[4]);
        pack(&gx, gk)
    };
    let h = stencil_order2_hessian(&p[..4], p[4]).2;
    let tol = Tolerance::new(1e-6, 1e-6);
    for j in 0..5 {
        let column = numeric_gradient(|q| grad(q)[j], &p, 1e-5);
        for i in 0..5 {
            assert!(
                tol.accepts(h[(j, i)], column[i]),
                "H[{j},{i}] {} vs {}",
                h[(j, i)],
                column[i]
            );
        }
    }
}

#[test]
fn local_float_containers_match_finite_differences() {
    let a = 0.6;
    let (y, (gx, ga)) = local_containers_grad(&X, a);
    assert_eq!(y, local_containers(&X, a));
    let fd = numeric_gradient(|p| local_containers(&p[..5], p[5]), &pack(&X, a), 1e-6);
    check("local_containers", &pack(&gx, ga), &fd);
    // d/da = Σ_i 2 x_i (the `e` term has derivative 0 in a: `e` is exactly 0 and `max` picks 1).
    let want_a: f64 = X.iter().map(|x| 2.0 * x).sum();
    assert!((ga - want_a).abs() < 1e-12, "{ga} vs {want_a}");

    let x32: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (y32, g32) = cumprod32_grad(&x32);
    let f = |p: &[f64]| {
        let mut c = p[0];
        let mut s = c * c;
        for v in &p[1..] {
            c *= v;
            s += c * c;
        }
        s
    };
    assert!((f64::from(y32) - f(&X)).abs() < 1e-5 * f(&X).abs().max(1.0));
    let fd = numeric_gradient(f, &X, 1e-6);
    for (i, (g, w)) in g32.iter().zip(&fd).enumerate() {
        assert!(
            (f64::from(*g) - w).abs() < 1e-4 * w.abs().max(1.0),
            "[{i}]: {g} vs {w}"
        );
    }
}
