//! Loops over borrowed float elements: `for x in v.iter()` binds `x = &v[i]`, and `*x`,
//! `x.sin()`, `x * y` on it are floats (`reverse/plain.rs`); a dereferenced element of a
//! parameter is read again in the reverse sweep (`reverse/recompute.rs`). Against central
//! differences in `f64` (the `f64` gradient for `f32`): dereferenced and pattern-bound
//! elements, methods and operators on borrowed elements, zipped slices, a local iterated
//! before and after it changes, a borrow held across statements, `T: Real` at `f32`, and
//! Hessian-vector products.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::op_ref)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check, check_hvp, check_value_grad, sines, to32};

/// `*x` of the borrowed element, twice in a trip.
#[differentiable]
fn deref_sum(x: &[f64]) -> f64 {
    let w = x[0];
    let mut s = 0.0;
    for xi in x.iter() {
        let d = *xi - w;
        s += d * d * *xi;
    }
    s
}

/// The element bound by value (`for &x in ..`).
#[differentiable]
fn pattern_sum(x: &[f64]) -> f64 {
    let w = x[1];
    let mut s = 0.0;
    for &xi in x.iter() {
        let d = xi * w - 0.3;
        s += d * d + xi;
    }
    s
}

/// A method and operators on the borrowed element itself.
#[differentiable]
fn methods_on_refs(x: &[f64]) -> f64 {
    let w = x[2];
    let mut s = 0.0;
    for xi in x.iter() {
        s += xi.sin() * w + xi * xi - xi / (1.5 + w * w);
    }
    s
}

/// Two zipped slices' borrowed elements in one expression.
#[differentiable]
fn zipped(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(y.iter()) {
        let r = a * b - (a - b).exp();
        s += r * r;
    }
    s
}

/// A local iterated, changed, iterated again: each dereference reads the value of its trip.
#[differentiable]
fn local_changed(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for ui in u.iter() {
        s += *ui * *ui;
    }
    for i in 0..u.len() {
        u[i] = u[i] * s + 1.0;
    }
    for ui in u.iter() {
        s += ui.cos() * *ui;
    }
    s
}

/// A borrow held across statements, dereferenced after another value is made.
#[differentiable]
fn held_borrow(x: &[f64]) -> f64 {
    let r = &x[1];
    let a = x[0] * x[2];
    let c = *r;
    let mut s = a * c;
    for xi in x.iter() {
        let e = *r * *xi;
        s += e.sin();
    }
    s
}

#[differentiable]
fn generic_iter<T: Real>(x: &[T], w: T) -> T {
    let mut s = T::zero();
    for xi in x.iter() {
        let d = *xi - w;
        s += d * d * xi.cos();
    }
    s
}

#[differentiable(order = 2)]
fn energy_iter<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for (i, xi) in x.iter().enumerate() {
        let d = *xi - x[(i + 1) % x.len()];
        s += d * d * xi.sin();
    }
    s
}

#[test]
fn borrowed_elements_against_central_differences() {
    let x = sines(9, 0.8);
    check_value_grad("deref_sum", deref_sum, deref_sum_grad(&x), &x);
    check_value_grad("pattern_sum", pattern_sum, pattern_sum_grad(&x), &x);
    check_value_grad(
        "methods_on_refs",
        methods_on_refs,
        methods_on_refs_grad(&x),
        &x,
    );
    check_value_grad("local_changed", local_changed, local_changed_grad(&x), &x);
    check_value_grad("held_borrow", held_borrow, held_borrow_grad(&x), &x);
    let y = sines(7, -0.5);
    let (v, (gx, gy)) = zipped_grad(&x, &y);
    assert!((v - zipped(&x, &y)).abs() <= 1e-12 * (1.0 + v.abs()));
    check("zipped x", |z| zipped(z, &y), &gx, &x);
    check("zipped y", |z| zipped(&x, z), &gy, &y);
}

#[test]
fn generic_f32_and_hessian_vector_products() {
    let x = sines(8, 0.7);
    let (_, (g, gw)) = generic_iter_grad(&x[..], 0.2);
    let mut z = x.clone();
    z.push(0.2);
    let mut gz = g.clone();
    gz.push(gw);
    check(
        "generic_iter",
        |z| generic_iter::<f64>(&z[..8], z[8]),
        &gz,
        &z,
    );
    let (_, (g32, gw32)) = generic_iter_grad(&to32(&x)[..], 0.2f32);
    agree("generic_iter f32", &g, &g32, 1e-4);
    agree("generic_iter f32 w", &[gw], &[gw32], 1e-4);
    let (_, g) = energy_iter_grad(&x[..]);
    check("energy_iter", energy_iter::<f64>, &g, &x);
    let v: Vec<f64> = x.iter().map(|a| 0.25 - a).collect();
    let (_, _, hv) = energy_iter_hvp(&x[..], v.clone());
    check_hvp("energy_iter", |y| energy_iter_grad(y).1, &hv, &x, &v);
}
