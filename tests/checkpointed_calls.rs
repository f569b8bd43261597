//! Calls of differentiable functions on a local `Vec` that changes every trip (GMM's
//! `logsumexp(&main_term)` per point): the forward sweep calls the function as written (no
//! pullback recorded only to be dropped), the reverse sweep runs the callee's companion on the
//! saved argument. Callees taking `&[f64]`, `&Vec<f64>` and a generic `&[T]`, two such arguments
//! in one call, a call in a branch, and a `Vec` that changes length between trips; each gradient
//! against central differences.

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

const A: [f64; 3] = [0.4, -0.9, 1.3];
const X: [f64; 5] = [0.2, -1.1, 0.7, 1.6, -0.3];

#[test]
fn checkpointed_calls_on_changing_vecs_against_central_differences() {
    type Grad = fn(&[f64], &[f64]) -> (f64, (Vec<f64>, Vec<f64>));
    type Primal = fn(&[f64], &[f64]) -> f64;
    let cases: [(&str, Primal, Grad); 2] = [
        ("per point", per_point, per_point_grad),
        ("growing", growing, growing_grad),
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
