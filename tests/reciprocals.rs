//! Reciprocals `y = 1 / b`: the reverse sweep takes `db += -dy * y²` from the quotient (saved
//! once per block) instead of dividing again (`autodiff-macros/src/reverse/def.rs`). The members
//! here: a quotient other rules read too (Lennard-Jones' `s6`), one nothing else reads, one in
//! a branch, one reassigned (the division form stays), the literal spelled `1.0`, `1.`, `1f64`, `1_f64`,
//! `f32`, generic `T: Real` (the `1` spelled `T::one()` is not a literal: the division form),
//! both sweeps (`NAME_grad`'s optimistic one and the zero rule's in `NAME_vjp`), and the
//! infinities of `1 / 0`. Each gradient against central differences or an analytic value.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::let_and_return)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// Lennard-Jones pair energy: `s6` is read by three more rules.
#[differentiable]
fn pairs(pos: &[f64]) -> f64 {
    let n = pos.len() / 2;
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = pos[2 * i] - pos[2 * j];
            let dy = pos[2 * i + 1] - pos[2 * j + 1];
            let r2 = dx * dx + dy * dy;
            let s6 = 1.0 / (r2 * r2 * r2);
            e += 4.0 * (s6 * s6 - s6);
        }
    }
    e
}

/// Reciprocals no other rule reads, spelled three ways, one in a branch, one reassigned.
#[differentiable]
fn spelled(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = 1. / (x[i] * x[i] + 0.5);
        let b = 1f64 / (x[i] + 3.0);
        s += a + b * x[i];
        if x[i] > 0.0 {
            let c = 1_f64 / x[i].exp();
            s += c.sin();
        }
        let mut d = 1.0 / (1.0 + x[i] * x[i]);
        d = 1.0 / (d + 2.0);
        s += d;
    }
    s
}

/// `f32` and generic `T: Real`.
#[differentiable]
fn recip32(x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        let r = 1.0f32 / (x[i] * x[i] + 1.0);
        s += r * r * x[i];
    }
    s
}

#[differentiable]
fn recip_t<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let r = T::one() / (x[i] * x[i] + T::one());
        s += r * x[i];
    }
    s
}

/// `1 / x` at `x = 0`: `y = inf`, and `dy/dx = -1/x² = -inf`.
#[differentiable]
fn recip_at(x: f64) -> f64 {
    let y = 1.0 / x;
    y
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 1.1 * k as f64 + 0.3 * ((k as f64) * 1.7).sin())
        .collect()
}

#[test]
fn reciprocals_against_central_differences_in_both_sweeps() {
    for n in [2, 4, 6] {
        let x = input(2 * n);
        let (_, g) = pairs_grad(&x);
        assert_gradient(pairs, &x, &g, 1e-7, TOL);
        let (_, back) = pairs_vjp(&x);
        for (a, b) in back(1.0).iter().zip(&g) {
            assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
    for n in [1, 3, 8] {
        let x: Vec<f64> = input(n).iter().map(|v| v - 2.0).collect();
        let (_, g) = spelled_grad(&x);
        assert_gradient(spelled, &x, &g, 1e-6, TOL);
        let (_, back) = spelled_vjp(&x);
        for (a, b) in back(1.0).iter().zip(&g) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
        }
        let (_, gt) = recip_t_grad(&x);
        assert_gradient(recip_t::<f64>, &x, &gt, 1e-6, TOL);
        // f32: r = 1/(x²+1), s = Σ r² x, ds/dx = r² - 4 x² r³ (analytic, in f64).
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (_, g32) = recip32_grad(&x32);
        for (k, &v) in x.iter().enumerate() {
            let r = 1.0 / (v * v + 1.0);
            let want = r * r - 4.0 * v * v * r * r * r;
            assert!(
                (g32[k] as f64 - want).abs() <= 1e-5,
                "{k}: {} vs {want}",
                g32[k]
            );
        }
    }
}

#[test]
fn the_reciprocal_of_zero() {
    let (y, g) = recip_at_grad(0.0);
    assert!(y.is_infinite() && y > 0.0);
    assert!(g.is_infinite() && g < 0.0, "{g}");
    // Away from zero: -1/x².
    let (_, g) = recip_at_grad(-0.5);
    assert!((g + 4.0).abs() < 1e-12, "{g}");
}
