//! `sin` and `cos` keep the partner their pullback reads: the forward sweep computes `cos x`
//! beside `y = sin x` (and `sin x` beside `y = cos x`), which the compiler makes one `sincos`
//! call, and the reverse sweep reads the kept value instead of computing `cos x` again. Every
//! member is a place where the kept value could be the wrong one: the statement assigning its
//! own argument (`x = x.sin()`), a Newton iteration in a `while` inside a loop (Kepler), `sin`
//! and `cos` of one value beside each other and through `sin_cos`, a branch arm, a parameter's
//! element (nothing was recorded for it before), a fused sum, a straight line without loops,
//! `f32` and `T: Real`, the pullback called twice, and Hessian-vector products. Each gradient
//! is checked against central differences.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check_hvp, slice_scalar_check, to32};

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// A value that replaces itself with its sine and cosine: the partner must be computed from
/// the argument before the assignment.
#[differentiable]
fn self_assign(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut v = x[i];
        v = v.sin();
        v = (v * 1.3).cos() + v;
        v = v.sin() * v.cos();
        s += v;
    }
    s
}

/// Kepler's equation `E - e sin E = M` by Newton's method from `E = M`, with `cos` of the
/// old iterate and `sin` of the new one in each trip of a data-dependent `while`.
#[differentiable]
fn kepler(m: &[f64], e: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        let mut ea = m[i];
        let mut r = ea - e * ea.sin() - m[i];
        let mut steps = 0;
        while r.abs() > 1e-12 && steps < 50 {
            ea = ea - r / (1.0 - e * ea.cos());
            r = ea - e * ea.sin() - m[i];
            steps += 1;
        }
        s += ea.sin() * ea.cos();
    }
    s
}

/// A rotation by angles read from the parameter: `sin` and `cos` of one value beside each other,
/// once as two calls and once through `sin_cos`.
#[differentiable]
fn rotations(t: &[f64], p: f64) -> f64 {
    let (mut x, mut y) = (1.0, 0.0);
    for i in 0..t.len() {
        let a = t[i] * p;
        let (s, c) = (a.sin(), a.cos());
        let nx = c * x - s * y;
        y = s * x + c * y;
        x = nx;
        let (s2, c2) = (a * 0.5).sin_cos();
        x += 0.1 * s2 * c2;
    }
    x * x + 3.0 * y
}

/// `sin` in one arm and `cos` in the other, and a trip that adds nothing.
#[differentiable]
fn arms(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.2 {
            s += (w * x[i]).sin();
        } else if x[i] > -0.5 {
            s -= (x[i] * x[i]).cos() * w;
        }
    }
    s
}

/// Straight-line code (no loop): the kept values go to slots, not to a loop's tape.
#[differentiable]
fn straight(a: f64, b: f64) -> f64 {
    let u = a.sin() * b.cos();
    let v = (a * b).cos() + (u + a).sin();
    u * v + v.sin()
}

/// The same recurrence generic over the float type.
#[differentiable]
fn pendulum<T: Real>(q: &[T], h: T) -> T {
    let (mut th, mut om) = (q[0], q[1]);
    for _ in 0..40 {
        om -= h * th.sin();
        th += h * om;
    }
    th.cos() + om * om
}

fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 + 0.9 * (i as f64 * 1.7).sin()).collect()
}

#[test]
fn a_value_replaced_by_its_own_sine_and_cosine() {
    for n in [1, 4, 9] {
        let x = input(n);
        let (_, g) = self_assign_grad(&x);
        assert_gradient(self_assign, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn newton_iterations_of_keplers_equation() {
    let m: Vec<f64> = (0..12).map(|i| 0.1 + 0.5 * i as f64).collect();
    // (at e = 0 the iteration runs no step, so the program does not depend on e there)
    for e in [0.05, 0.3, 0.8] {
        slice_scalar_check("kepler", kepler, kepler_grad(&m, e), &m, e);
    }
}

#[test]
fn sine_and_cosine_of_one_value_and_sin_cos() {
    let t = input(7);
    for p in [0.4, -1.1] {
        slice_scalar_check("rotations", rotations, rotations_grad(&t, p), &t, p);
    }
}

#[test]
fn branch_arms_and_trips_that_add_nothing() {
    let x = input(11);
    slice_scalar_check("arms", arms, arms_grad(&x, 0.7), &x, 0.7);
}

#[test]
fn straight_line_code() {
    for (a, b) in [(0.3, 1.2), (-2.0, 0.5), (0.0, 0.0)] {
        let (_, (ga, gb)) = straight_grad(a, b);
        assert_gradient(
            |p: &[f64]| straight(p[0], p[1]),
            &[a, b],
            &[ga, gb],
            1e-6,
            TOL,
        );
    }
}

#[test]
fn generic_f32_and_the_pullback_twice() {
    let q = [0.9, -0.2];
    let h = 0.05;
    let (_, (g, gh)) = pendulum_grad(&q[..], h);
    let mut z = q.to_vec();
    z.push(h);
    let mut gz = g.clone();
    gz.push(gh);
    assert_gradient(
        |z: &[f64]| pendulum::<f64>(&z[..2], z[2]),
        &z,
        &gz,
        1e-6,
        TOL,
    );
    let (_, (g32, _)) = pendulum_grad(&to32(&q)[..], 0.05f32);
    agree("pendulum f32", &g, &g32, 1e-4);
    let (_, back) = pendulum_vjp(&q[..], h);
    let ((g1, _), (g3, _)) = (back(1.0), back(3.0));
    for k in 0..2 {
        assert!((g1[k] - g[k]).abs() <= 1e-12 * g[k].abs().max(1.0));
        assert!((g3[k] - 3.0 * g[k]).abs() <= 1e-12 * g[k].abs().max(1.0));
    }
}

#[differentiable(order = 2)]
fn waves<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let a = x[i] * x[(i + 1) % x.len()];
        s += a.sin() + (x[i] * T::from_f64(0.5)).cos() * a;
    }
    s
}

#[test]
fn hessian_vector_products() {
    let x = input(6);
    let (_, g) = waves_grad(&x[..]);
    assert_gradient(waves::<f64>, &x, &g, 1e-6, TOL);
    let v: Vec<f64> = input(6).iter().map(|a| 0.4 - a).collect();
    let (_, _, hv) = waves_hvp(&x[..], v.clone());
    check_hvp("waves", |y| waves_grad(y).1, &hv, &x, &v);
}
