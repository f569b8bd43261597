//! Plain adjoint slots for scalars of a type parameter bounded by `Real` (`reverse/plain.rs`):
//! a parameter `x: T`, elements of `&[T]`, and everything made from them (arithmetic, float
//! methods, `T::from_f64` casts, locals made from `to_vec()` or grown by pushes) get the
//! zero-initialised slot `Plain::<T>::empty()` instead of an `Option`, as `f64`s do. Each form
//! is instantiated at `f64` (against central differences) and at `f32` (against the `f64`
//! gradient), and through second order (the helpers are `order = 2`, called from a
//! second-order function).

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, join, sines, to32};

/// A stencil over a copy of the parameter, swapped with a second buffer, and a loss loop whose
/// sum is loop-local (`s = s + e * e`).
#[differentiable(order = 2)]
fn stencil<T: Real>(u0: &[T], k: T) -> T {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = u0.to_vec();
    for _ in 0..3 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - T::from_f64(2.0) * u[i] + u[i + 1]);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = T::zero();
    for i in 0..n {
        let e = u[i] - T::from_f64(0.25);
        s = s + e * e;
    }
    s
}

/// A recurrence pushed into a local `Vec` and read back, with float methods and a cast of the
/// loop index.
#[differentiable(order = 2)]
fn pushed_scan<T: Real>(a: &[T], b: &[T]) -> T {
    let mut acc = Vec::new();
    let mut prev = T::one();
    for i in 0..a.len() {
        let w = T::from_usize(i + 1);
        acc.push(prev * a[i].sin() + b[i] / w);
        prev = acc[i];
    }
    let mut l = T::zero();
    for i in 0..acc.len() {
        l = l + acc[i] * acc[i].exp();
    }
    l
}

/// A scalar helper with a loop, taking `T`s by value, called per element.
#[differentiable(order = 2)]
fn damped<T: Real>(x: T, mut y: T) -> T {
    for _ in 0..3 {
        y = y * x + T::from_f64(0.5) * y.cos();
    }
    y
}

#[differentiable(order = 2)]
fn damped_sum<T: Real>(x: &[T], y0: T) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s = s + damped(x[i], y0);
    }
    s
}

fn point(n: usize) -> Vec<f64> {
    sines(n, 0.4).iter().map(|v| v + 0.6).collect()
}

#[test]
fn a_generic_stencil_matches_central_differences_and_its_f32_instance() {
    let u = point(7);
    let k = 0.2;
    let (y, (gu, gk)) = stencil_grad(&u, k);
    assert!((y - stencil(&u, k)).abs() < 1e-12);
    let n = u.len();
    let whole = join(u.clone(), vec![k]);
    let g = join(gu.clone(), vec![gk]);
    check("stencil", |q: &[f64]| stencil(&q[..n], q[n]), &g, &whole);
    let (_, (gu32, gk32)) = stencil_grad(&to32(&u), k as f32);
    agree("stencil u", &gu, &gu32, 2e-4);
    agree("stencil k", &[gk], &[gk32], 2e-4);
    // the vector-Jacobian product at a cotangent of -1.5 is -1.5 times the gradient
    let (_, pb) = stencil_vjp(&u, k);
    let (vu, vk) = pb(-1.5);
    for (a, b) in vu.iter().chain([&vk]).zip(g.iter()) {
        assert!((a + 1.5 * b).abs() < 1e-12 * (1.0 + b.abs()));
    }
}

#[test]
fn a_generic_pushed_scan_matches_central_differences_and_its_f32_instance() {
    let (a, b) = (point(6), sines(6, 0.3));
    let n = a.len();
    let (y, (ga, gb)) = pushed_scan_grad(&a, &b);
    assert!((y - pushed_scan(&a, &b)).abs() < 1e-12);
    let g = join(ga.clone(), gb.clone());
    check(
        "pushed_scan",
        |q: &[f64]| pushed_scan(&q[..n], &q[n..]),
        &g,
        &join(a.clone(), b.clone()),
    );
    let (_, (ga32, gb32)) = pushed_scan_grad(&to32(&a), &to32(&b));
    agree("pushed_scan a", &ga, &ga32, 2e-4);
    agree("pushed_scan b", &gb, &gb32, 2e-4);
}

#[test]
fn a_generic_helper_with_a_loop_called_per_element() {
    let x = point(5);
    let y0 = 0.7;
    let (y, (gx, gy)) = damped_sum_grad(&x, y0);
    assert!((y - damped_sum(&x, y0)).abs() < 1e-12);
    let n = x.len();
    let whole = join(x.clone(), vec![y0]);
    let g = join(gx.clone(), vec![gy]);
    check(
        "damped_sum",
        |q: &[f64]| damped_sum(&q[..n], q[n]),
        &g,
        &whole,
    );
    let (_, (gx32, gy32)) = damped_sum_grad(&to32(&x), y0 as f32);
    agree("damped_sum x", &gx, &gx32, 2e-4);
    agree("damped_sum y0", &[gy], &[gy32], 2e-4);
}

/// Second order of a function calling the generic helpers: their first-order code runs on dual
/// numbers here.
#[differentiable(order = 2)]
fn second(x: &[f64]) -> f64 {
    let n = x.len();
    let s = stencil(&x[..n - 1], x[n - 1] * 0.1);
    let d = damped_sum(&x[..n - 1], x[n - 1]);
    s * d + pushed_scan(&x[..n - 1], &x[1..])
}

#[test]
fn second_order_through_generic_helpers() {
    let x = point(6);
    let v = sines(6, 1.0);
    let (y, g) = second_grad(&x);
    assert!((y - second(&x)).abs() < 1e-12);
    check("second", second, &g, &x);
    let (_, _, hv) = second_hvp(&x, v.clone());
    check_hvp("second", |q| second_grad(q).1, &hv, &x, &v);
}
