//! Calls of differentiable functions on a local `Vec` that changes every trip (GMM's
//! `logsumexp(&main_term)` per point): the forward sweep calls the function as written (no
//! pullback recorded only to be dropped), the reverse sweep runs the callee's companion on the
//! saved argument. A local `Vec` of fixed length keeps its dense adjoint buffer and the callee's
//! cotangent is added into it. Callees taking `&[f64]`, `&Vec<f64>` and a generic `&[T]`, two
//! such arguments in one call, a callee that ignores its slice, a call in a branch, element reads
//! and writes around the calls, a whole move after them, a `Vec` that changes length between
//! trips, and values used through float methods, products and quotients; each gradient against
//! central differences.

// The callee taking `&Vec<f64>` is the form under test.
#![allow(clippy::ptr_arg, clippy::needless_range_loop)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[differentiable]
fn weighted(x: &Vec<f64>, w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * w[i % w.len()];
    }
    s
}

#[differentiable]
fn cubes<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

/// Per point: fill a local `Vec` from the parameters, then call three callees on it.
#[differentiable]
fn per_point(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut main = vec![0.0; k];
    let mut other = vec![1.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            main[j] = a[j] * x[p] - 0.5 * (x[p] - a[j]) * (x[p] - a[j]);
            other[j] = other[j] * 0.5 + a[j] * 0.1;
        }
        s += lse(&main) + 0.1 * weighted(&main, &other);
        if x[p] > 0.0 {
            s += 0.01 * cubes(&main);
        }
    }
    s
}

/// The values through a float method and a quotient before the sum (known floats all the
/// same, so the gradients are taken in the forward sweep).
#[differentiable]
fn through_methods(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut main = vec![0.0; k];
    let other = vec![0.5; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            main[j] = a[j] * x[p] - 0.3 * (x[p] - a[j]) * (x[p] - a[j]);
        }
        s += lse(&main).tanh() + weighted(&main, &other) / 3.0;
        s += x[p] * cubes(&main).powi(2);
    }
    s
}

/// The recorded `Vec` grows by one element per trip.
#[differentiable]
fn growing(a: &[f64], x: &[f64]) -> f64 {
    let mut v = vec![a[0]];
    let mut s = 0.0;
    for p in 0..x.len() {
        v.push(a[p % a.len()] * x[p]);
        s += lse(&v);
    }
    s
}

/// A callee whose value does not depend on its slice (its cotangent for it is `None`).
#[differentiable]
fn ignores(x: &[f64], y: f64) -> f64 {
    let _n = x.len();
    y * y
}

/// Dense locals passed to calls next to their other uses: `u` is read by element before the call
/// and written after it in the same trip, passed twice to one call, then moved whole (`u = next`)
/// after the calls; the callee ignoring its slice adds nothing.
#[differentiable]
fn mixed(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        let mut next = vec![0.0; k];
        for j in 0..k {
            next[j] = u[j] * x[p] + a[j];
        }
        s += u[0] * lse(&next) + weighted(&next, &u) + ignores(&u, x[p]);
        for j in 0..k {
            u[j] = u[j] * 0.5 + next[j].sin() * 0.2;
        }
        s += cubes(&u);
        u = next;
    }
    s + lse(&u)
}

const A: [f64; 3] = [0.4, -0.9, 1.3];
const X: [f64; 5] = [0.2, -1.1, 0.7, 1.6, -0.3];

#[test]
fn checkpointed_calls_on_changing_vecs_against_central_differences() {
    type Grad = fn(&[f64], &[f64]) -> (f64, (Vec<f64>, Vec<f64>));
    type Primal = fn(&[f64], &[f64]) -> f64;
    let cases: [(&str, Primal, Grad); 4] = [
        ("per point", per_point, per_point_grad),
        ("through methods", through_methods, through_methods_grad),
        ("growing", growing, growing_grad),
        ("mixed", mixed, mixed_grad),
    ];
    let tol = Tolerance::new(1e-6, 1e-6);
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    for (name, f, grad) in cases {
        let (v, (ga, gx)) = grad(&A, &X);
        assert!(
            (v - f(&A, &X)).abs() <= 1e-12 * v.abs().max(1.0),
            "{name}: value"
        );
        let fd = numeric_gradient(|q| f(&q[..3], &q[3..]), &p, 1e-6);
        let g: Vec<f64> = ga.into_iter().chain(gx).collect();
        for (i, (a, b)) in g.iter().zip(&fd).enumerate() {
            assert!(tol.accepts(*a, *b), "{name}[{i}]: {a} vs {b}");
        }
    }
}

#[test]
fn dense_locals_passed_to_calls_through_the_pullback() {
    // The pullback (`NAME_vjp`) agrees with `NAME_grad` (checked against central differences
    // above) and scales with the cotangent.
    let (_, (ga, gx)) = per_point_grad(&A, &X);
    let (_, back) = per_point_vjp(&A, &X);
    let (ba, bx) = back(-2.0);
    for (g, b) in ga.iter().chain(&gx).zip(ba.iter().chain(&bx)) {
        assert!(
            (b + 2.0 * g).abs() <= 1e-12 * g.abs().max(1.0),
            "{b} vs {g}"
        );
    }
    let (_, (ga, gx)) = mixed_grad(&A, &X);
    let (_, back) = mixed_vjp(&A, &X);
    let (ba, bx) = back(0.5);
    for (g, b) in ga.iter().chain(&gx).zip(ba.iter().chain(&bx)) {
        assert!(
            (b - 0.5 * g).abs() <= 1e-12 * g.abs().max(1.0),
            "{b} vs {g}"
        );
    }
}
