//! Property tests: for random inputs, `#[differentiable]` gradients agree with central finite
//! differences, forward mode agrees with reverse mode (`jvp(t) == dot(grad, t)`), and pullbacks
//! are linear in the cotangent. 64 cases per property keeps the suite fast.
//!
//! Inputs are drawn from domains where the functions are smooth; where a function has branches
//! or data-dependent trip counts, inputs within a small margin of a switching point are rejected
//! with `prop_assume!`.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::needless_return
)]

use autodiff::check::{self, DEFAULT_ETA, Tolerance};
use autodiff::prelude::*;
use proptest::prelude::*;

#[differentiable]
fn smooth_mix(x: f64, y: f64) -> f64 {
    let a = x * y + x.sin() * y.cos();
    let b = (x * x + y * y + 1.0).ln();
    a * b - (0.5 * x).exp() / (1.0 + y * y)
}

#[differentiable]
fn fixed_loop(x: f64, y: f64) -> f64 {
    let mut s = x;
    for i in 0..5 {
        s = (s * y).tanh() + x * i as f64 * 0.1;
    }
    let mut t = s;
    t *= t;
    t += s * x;
    t
}

#[differentiable]
fn slice_poly(v: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (a, b)) in v.iter().zip(w.iter()).enumerate() {
        s += a * b * (i as f64 + 1.0) + a.sin() * b.cos();
    }
    let mut acc = vec![0.0; v.len()];
    for i in 0..v.len() {
        acc[i] = v[i] * v[i];
        if i > 0 {
            acc[i] += acc[i - 1] * 0.5;
        }
    }
    s + acc[v.len() - 1]
}

/// Trip count depends on the data.
#[differentiable]
fn grow_until(x: f64) -> f64 {
    let mut b = x;
    let mut n = 0;
    while b < 50.0 {
        b = b * 1.5 + 1.0;
        n += 1;
    }
    b * (n as f64 + 1.0)
}

/// The trip count of `grow_until` and the final value before the test fails, for rejecting
/// inputs near a switch.
fn grow_until_trips(x: f64) -> usize {
    let mut b = x;
    let mut n = 0;
    while b < 50.0 {
        b = b * 1.5 + 1.0;
        n += 1;
    }
    n
}

#[differentiable]
fn branchy(x: f64, y: f64) -> f64 {
    if x > y {
        let mut r = x - y;
        for _ in 0..3 {
            r = r * r.cos() + y;
        }
        r
    } else if x > 0.0 {
        x * y.exp()
    } else {
        return -x * x + y.sin();
    }
}

#[differentiable]
fn generic_mix<T: Real>(x: T, y: T) -> T {
    let half = T::from_f64(0.5);
    (x * half).sin() * y + (y * y + T::one()).sqrt() * x.tanh()
}

fn finite_box() -> impl Strategy<Value = f64> {
    -3.0..3.0f64
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(64)
}

fn tolerance() -> Tolerance {
    Tolerance::new(1e-5, 1e-5)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn smooth_mix_gradient(x in finite_box(), y in finite_box(), tx in -1.0..1.0f64, ty in -1.0..1.0f64) {
        let (v, (gx, gy)) = smooth_mix_grad(x, y);
        prop_assert!(check::check_close(v, smooth_mix(x, y), Tolerance::tight()).is_ok());
        let f = |p: &[f64]| smooth_mix(p[0], p[1]);
        let r = check::check_gradient(f, &[x, y], &[gx, gy], DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (_, d) = smooth_mix_jvp(x, y, tx, ty);
        let r = check::check_jvp_vjp(&[gx, gy], &[tx, ty], d, Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn fixed_loop_gradient(x in -2.0..2.0f64, y in -2.0..2.0f64, tx in -1.0..1.0f64, ty in -1.0..1.0f64) {
        let (_, (gx, gy)) = fixed_loop_grad(x, y);
        let f = |p: &[f64]| fixed_loop(p[0], p[1]);
        let r = check::check_gradient(f, &[x, y], &[gx, gy], DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (_, d) = fixed_loop_jvp(x, y, tx, ty);
        let r = check::check_jvp_vjp(&[gx, gy], &[tx, ty], d, Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn slice_poly_gradient(
        pairs in prop::collection::vec((finite_box(), finite_box(), -1.0..1.0f64, -1.0..1.0f64), 1..7)
    ) {
        let v: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let w: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        let tv: Vec<f64> = pairs.iter().map(|p| p.2).collect();
        let tw: Vec<f64> = pairs.iter().map(|p| p.3).collect();
        let n = v.len();
        let (value, (gv, gw)) = slice_poly_grad(&v, &w);
        prop_assert!(check::check_close(value, slice_poly(&v, &w), Tolerance::tight()).is_ok());
        prop_assert_eq!(gv.len(), n);
        prop_assert_eq!(gw.len(), n);
        let joined = [v.clone(), w.clone()].concat();
        let f = |p: &[f64]| slice_poly(&p[..n], &p[n..]);
        let grad = [gv.clone(), gw.clone()].concat();
        let r = check::check_gradient(f, &joined, &grad, DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (_, d) = slice_poly_jvp(&v, &w, tv.clone(), tw.clone());
        let r = check::check_jvp_vjp(&grad, &[tv, tw].concat(), d, Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn grow_until_gradient(x in 0.0..60.0f64, t in -1.0..1.0f64) {
        // Same trip count in a margin around x: no switch inside the finite-difference stencil.
        let n = grow_until_trips(x);
        prop_assume!(grow_until_trips(x - 1e-3) == n && grow_until_trips(x + 1e-3) == n);
        let (v, g) = grow_until_grad(x);
        prop_assert!(check::check_close(v, grow_until(x), Tolerance::tight()).is_ok());
        let r = check::check_derivative(grow_until, x, g, DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        // The derivative is exactly the product of the loop's factors.
        let expected = 1.5f64.powi(n as i32) * (n as f64 + 1.0);
        prop_assert!(check::check_close(g, expected, Tolerance::tight()).is_ok(), "{} vs {}", g, expected);
        let (_, d) = grow_until_jvp(x, t);
        prop_assert!(check::check_close(d, g * t, Tolerance::tight()).is_ok());
    }

    #[test]
    fn branchy_gradient(x in finite_box(), y in finite_box(), tx in -1.0..1.0f64, ty in -1.0..1.0f64) {
        prop_assume!((x - y).abs() > 1e-3 && x.abs() > 1e-3);
        let (_, (gx, gy)) = branchy_grad(x, y);
        let f = |p: &[f64]| branchy(p[0], p[1]);
        let r = check::check_gradient(f, &[x, y], &[gx, gy], DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (v, d) = branchy_jvp(x, y, tx, ty);
        prop_assert!(check::check_close(v, branchy(x, y), Tolerance::tight()).is_ok());
        let r = check::check_jvp_vjp(&[gx, gy], &[tx, ty], d, Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn pullback_is_linear(x in finite_box(), y in finite_box(), c in -5.0..5.0f64) {
        let (_, pb) = smooth_mix_vjp(x, y);
        let (ax, ay) = pb(1.0);
        let (bx, by) = pb(c);
        let r = check::check_slices(&[bx, by], &[c * ax, c * ay], Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (_, (gx, gy)) = smooth_mix_grad(x, y);
        let r = check::check_slices(&[ax, ay], &[gx, gy], Tolerance::tight());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn generic_mix_f64_and_f32(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        let (_, (gx, gy)) = generic_mix_grad(x, y);
        let f = |p: &[f64]| generic_mix(p[0], p[1]);
        let r = check::check_gradient(f, &[x, y], &[gx, gy], DEFAULT_ETA, tolerance());
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
        let (_, (hx, hy)) = generic_mix_grad(x as f32, y as f32);
        let r = check::check_slices(&[f64::from(hx), f64::from(hy)], &[gx, gy], Tolerance::new(1e-4, 1e-4));
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}
