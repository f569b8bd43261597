//! Accumulation loops whose trips' pullbacks run in the forward sweep (`reverse/fused.rs`):
//! a loop nest that only adds terms into one float takes `J = Σ ∂term/∂x` as it runs, and the
//! reverse sweep adds `ds · J`. Each member of the kind is checked against central differences
//! in `f64` (and the value against the primal): an element loop over a matrix with a branch,
//! pair loops over a slice with a float parameter by value, `-=` and `s = t + s`, several
//! terms per trip, the sum used nonlinearly after the loop (`ds ≠ 1`), the sum read by a
//! condition in the loop, other uses of the parameter before and after, `f32`, a generic
//! scalar, second order (`ds` with a tangent), a zero cotangent beside an infinite derivative
//! (the zero rule's 0), and the loops the fusion leaves alone (a second accumulator, a
//! shadowed name, a counter, a loop-invariant local, `break`), which must stay right.

#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, check_value_grad, sines};

/// The element loop: `Σ m²` over the positive entries minus `½ Σ m` over the others.
#[differentiable]
fn elem(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            let v = m[(i, j)];
            if v > 0.0 {
                s += v * v;
            } else {
                s -= 0.5 * v;
            }
        }
    }
    s
}

/// Pair energies over a slice of 2-D points with a width `w` by value.
#[differentiable]
fn pairs(p: &[f64], w: f64) -> f64 {
    let n = p.len() / 2;
    let mut total = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = p[2 * i] - p[2 * j];
            let dy = p[2 * i + 1] - p[2 * j + 1];
            total += (-(dx * dx + dy * dy) / w).exp();
        }
    }
    total
}

/// `-=`, `s = t + s` and two terms per trip, then the sum used nonlinearly (`ds = 1 / s`).
#[differentiable]
fn forms(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() {
        let a = x[i] * x[i];
        let b = (x[i] * 0.5).sin();
        s = a + s;
        s -= b * x[(i + 1) % x.len()];
        s += 0.25;
    }
    s.ln() * x[0]
}

/// The sum read by a condition in the loop: which terms are added depends on it.
#[differentiable]
fn capped(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let t = x[i] * x[i];
        if s < 1.0 {
            s += t;
        } else {
            s += 0.1 * t;
        }
    }
    s * s
}

/// The parameter read before and after the loop too, and a constant term.
#[differentiable]
fn around(x: &[f64]) -> f64 {
    let first = x[0].exp();
    let mut s = first;
    for i in 1..x.len() {
        let d = x[i] - x[i - 1];
        s += d * d * x[i];
    }
    s * x[1] + x[x.len() - 1]
}

/// Generic over the scalar.
#[differentiable]
fn generic<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        for j in 0..x.len() {
            let d = x[i] - x[j];
            s += d * d * x[j];
        }
    }
    s
}

/// Second order, with the sum used nonlinearly after the loop.
#[differentiable(order = 2)]
fn curved(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let t = x[i] * x[(i + 2) % x.len()];
        s += t.sin();
    }
    (s * s + 1.0).ln()
}

/// `√x` at `x = 0` has an infinite derivative; the sum's cotangent is 0, so its gradient is 0
/// (the zero rule), not NaN.
#[differentiable]
fn unseen(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].sqrt();
    }
    0.0 * s + x[1]
}

/// Two accumulators (not fused).
#[differentiable]
fn two_sums(x: &[f64]) -> f64 {
    let mut a = 0.0;
    let mut b = 0.0;
    for i in 0..x.len() {
        a += x[i] * x[i];
        b += x[i].cos();
    }
    a * b
}

/// A name bound twice in the trip (not fused).
#[differentiable]
fn shadowed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = x[i];
        let v = v * v + x[0];
        s += v * x[i];
    }
    s
}

/// A counter the trip advances, read as an index (not fused).
#[differentiable]
fn counted(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    for i in 0..x.len() {
        let v = x[k] * x[i];
        k = (k + 1) % x.len();
        s += v * x[k];
    }
    s
}

/// A loop-invariant local read by the trips (not fused), and a `break`.
#[differentiable]
fn invariant(x: &[f64]) -> f64 {
    let m = x[0] * x[1];
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == 3 {
            break;
        }
        s += (x[i] - m).exp();
    }
    s
}

fn mat(x: &[f64], r: usize) -> DMatrix<f64> {
    DMatrix::from_column_slice(r, x.len() / r, x)
}

#[test]
fn element_loop_over_a_matrix() {
    for (x, r) in [
        (sines(12, 1.0), 3),
        (sines(20, -0.7), 4),
        (sines(6, 0.9), 6),
    ] {
        let (v, g) = elem_grad(&mat(&x, r));
        check_value_grad("elem", |y| elem(&mat(y, r)), (v, g.as_slice().to_vec()), &x);
    }
}

#[test]
fn pair_loops_with_a_float_by_value() {
    for (x, w) in [(sines(8, 1.0), 0.7), (sines(10, -0.5), 2.0)] {
        let (v, (gp, gw)) = pairs_grad(&x, w);
        let mut all = x.clone();
        all.push(w);
        let f = |y: &[f64]| pairs(&y[..y.len() - 1], y[y.len() - 1]);
        let mut g = gp;
        g.push(gw);
        check_value_grad("pairs", f, (v, g), &all);
    }
}

#[test]
fn forms_of_the_sum_and_its_uses() {
    for x in [sines(5, 0.8), sines(7, -1.1), sines(3, 0.4)] {
        check_value_grad("forms", forms, forms_grad(&x), &x);
        check_value_grad("capped", capped, capped_grad(&x), &x);
        check_value_grad("around", around, around_grad(&x), &x);
    }
}

#[test]
fn generic_and_single_precision() {
    for x in [sines(5, 0.8), sines(6, -0.3)] {
        check_value_grad("generic", generic::<f64>, generic_grad::<f64>(&x), &x);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let (_, g32) = generic_grad::<f32>(&x32);
        let (_, g64) = generic_grad::<f64>(&x);
        for (a, b) in g64.iter().zip(&g32) {
            assert!(
                (a - f64::from(*b)).abs() < 1e-4 * (1.0 + a.abs()),
                "{a} vs {b}"
            );
        }
    }
}

#[test]
fn second_order_keeps_the_sums_tangent() {
    for x in [sines(5, 0.8), sines(4, -0.6)] {
        check_value_grad("curved", curved, curved_grad(&x), &x);
        let v: Vec<f64> = sines(x.len(), 0.5).iter().map(|a| a + 0.1).collect();
        let (_, _, hv) = curved_hvp(&x, v.clone());
        check_hvp("curved", |y| curved_grad(y).1, &hv, &x, &v);
    }
}

#[test]
fn a_zero_cotangent_beside_an_infinite_derivative() {
    let x = [0.0, 2.0, 1.0];
    let (v, g) = unseen_grad(&x);
    assert!((v - 2.0).abs() < 1e-12);
    // d/dx1 = 1; the loop's terms are multiplied by 0: no contribution, not NaN
    assert_eq!(g, vec![0.0, 1.0, 0.0]);
}

#[test]
fn loops_left_to_the_usual_sweep_stay_right() {
    for x in [sines(5, 0.8), sines(7, -1.1)] {
        check_value_grad("two_sums", two_sums, two_sums_grad(&x), &x);
        check_value_grad("shadowed", shadowed, shadowed_grad(&x), &x);
        check_value_grad("counted", counted, counted_grad(&x), &x);
        check_value_grad("invariant", invariant, invariant_grad(&x), &x);
        let (_, g) = invariant_grad(&x);
        check("invariant", invariant, &g, &x);
    }
}
