//! A local `Vec` of floats read through borrowed elements (`for v in u.iter()`, `&u[i]`) keeps
//! its dense adjoint buffer: `x = &u[i]` adds `dx` into `du[i]` at its reverse, as a read by
//! value does, where it used to send the whole local (and every loop that writes it) down the
//! general path. Every member is a place where the borrowed element's adjoint could land in the
//! wrong entry or at the wrong time: a time-stepping stencil whose loss iterates the final
//! state, `enumerate` and `zip` over two dense locals, a borrow held across other reads, a
//! local grown by `push` then iterated, a state replaced after it was iterated, `f32` and
//! `T: Real`, and Hessian-vector products. Each gradient is checked against central
//! differences.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check_hvp, slice_scalar_check, to32};

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 + 0.9 * (i as f64 * 1.7).sin()).collect()
}

/// The heat stencil on the interior cells, its loss summed over `u.iter()`.
#[differentiable]
fn stencil_iter(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..15 {
        let mut next = vec![0.0; n];
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
        }
        u = next;
    }
    let mut s = 0.0;
    for v in u.iter() {
        s += v * v;
    }
    s
}

/// `enumerate` and `zip` over two dense locals, and a borrow held across other reads.
#[differentiable]
fn pairs(x: &[f64], w: f64) -> f64 {
    let a = x.to_vec();
    let mut b = vec![0.0; x.len()];
    for i in 0..x.len() {
        b[i] = (w * a[i]).sin() + a[(i + 1) % x.len()];
    }
    let mut s = 0.0;
    for (i, v) in a.iter().enumerate() {
        s += v * b[i] * (i as f64 + 1.0);
    }
    for (p, q) in a.iter().zip(b.iter()) {
        s += p * q * w;
    }
    for i in 0..b.len() {
        let r = &b[i];
        let t = a[i] * w;
        s += *r * t + r * r;
    }
    s
}

/// A local grown by `push`, iterated, then replaced by a new state that is iterated again.
#[differentiable]
fn grown_then_replaced(x: &[f64], c: f64) -> f64 {
    let mut acc = Vec::new();
    let mut prev = 1.0;
    for i in 0..x.len() {
        prev = prev * c + x[i];
        acc.push(prev);
    }
    let mut s = 0.0;
    for v in acc.iter() {
        s += v.tanh();
    }
    let mut next = vec![0.0; acc.len()];
    for i in 0..acc.len() {
        next[i] = acc[i] * acc[acc.len() - 1 - i];
    }
    acc = next;
    for v in acc.iter() {
        s += v * c;
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn smooth<T: Real>(x: &[T], k: T) -> T {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..6 {
        let mut next = vec![T::zero(); n];
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] + u[i + 1] - u[i] - u[i]);
        }
        u = next;
    }
    let mut s = T::zero();
    for v in u.iter() {
        s += *v * *v * *v;
    }
    s
}

#[differentiable(order = 2)]
fn energy<T: Real>(x: &[T]) -> T {
    let mut u = vec![T::zero(); x.len()];
    for i in 0..x.len() {
        u[i] = x[i] * x[(i + 1) % x.len()];
    }
    let mut s = T::zero();
    for v in u.iter() {
        s += v.sin() * *v;
    }
    s
}

#[test]
fn a_stencil_whose_loss_iterates_the_final_state() {
    let u = input(13);
    for k in [0.1, 0.3] {
        slice_scalar_check(
            "stencil_iter",
            stencil_iter,
            stencil_iter_grad(&u, k),
            &u,
            k,
        );
    }
}

#[test]
fn enumerate_zip_and_a_held_borrow() {
    let x = input(7);
    slice_scalar_check("pairs", pairs, pairs_grad(&x, 0.6), &x, 0.6);
}

#[test]
fn a_pushed_local_iterated_then_replaced() {
    let x = input(6);
    for c in [0.7, -0.4] {
        slice_scalar_check(
            "grown_then_replaced",
            grown_then_replaced,
            grown_then_replaced_grad(&x, c),
            &x,
            c,
        );
    }
}

#[test]
fn generic_f32() {
    let x = input(8);
    let (_, (g, gk)) = smooth_grad(&x[..], 0.2);
    let mut z = x.clone();
    z.push(0.2);
    let mut gz = g.clone();
    gz.push(gk);
    assert_gradient(|z: &[f64]| smooth::<f64>(&z[..8], z[8]), &z, &gz, 1e-6, TOL);
    let (_, (g32, _)) = smooth_grad(&to32(&x)[..], 0.2f32);
    agree("smooth f32", &g, &g32, 1e-4);
}

#[test]
fn hessian_vector_products() {
    let x = input(6);
    let (_, g) = energy_grad(&x[..]);
    assert_gradient(energy::<f64>, &x, &g, 1e-6, TOL);
    let v: Vec<f64> = input(6).iter().map(|a| 0.4 - a).collect();
    let (_, _, hv) = energy_hvp(&x[..], v.clone());
    check_hvp("energy", |y| energy_grad(y).1, &hv, &x, &v);
}
