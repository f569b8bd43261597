//! Accumulation loops whose trips' pullbacks run in the forward sweep (`reverse/fused.rs`):
//! a loop nest that only adds terms into one float, with an `if` in its trips, takes
//! `J = Σ ∂term/∂x` as it runs, and the reverse sweep adds `ds · J`. (Each loop below has an
//! `if`, some with the same term in both arms, so that the fused form is what is tested.) Each member of the kind is checked against central differences
//! in `f64` (and the value against the primal): an element loop over a matrix with a branch,
//! pair loops over a slice with a float parameter by value, `-=` and `s = t + s`, several
//! terms per trip, the sum used nonlinearly after the loop (`ds ≠ 1`), the sum read by a
//! condition in the loop, other uses of the parameter before and after, `f32`, a generic
//! scalar, second order (`ds` with a tangent), a zero cotangent beside an infinite derivative
//! (the zero rule's 0), Lennard-Jones, a loop in a branch after an early return, and the loops
//! the fusion leaves alone (a second accumulator, a shadowed name, a counter, a loop-invariant
//! local, `break`, a parameter written before the loop), which must stay right.

#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    // the same term written two ways in the two arms: both run, the function stays smooth
    clippy::if_same_then_else
)]

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
            let r2 = dx * dx + dy * dy;
            // the same term either way: both arms are taken, the function stays smooth
            if dx > 0.0 {
                total += (-r2 / w).exp();
            } else {
                total += (-(r2 / w)).exp();
            }
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
        if a > b {
            s -= b * x[(i + 1) % x.len()];
        } else {
            s -= x[(i + 1) % x.len()] * b;
        }
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
        if d > 0.0 {
            s += d * d * x[i];
        } else {
            s += x[i] * d * d;
        }
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
            if d > T::zero() {
                s += d * d * x[j];
            } else {
                s += x[j] * d * d;
            }
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
        if t > 0.0 {
            s += t.sin();
        } else {
            s -= (-t).sin();
        }
    }
    (s * s + 1.0).ln()
}

/// `√x` at `x = 0` has an infinite derivative; the sum's cotangent is 0, so its gradient is 0
/// (the zero rule), not NaN.
#[differentiable]
fn unseen(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 1.0 {
            s += x[i].sqrt();
        } else {
            s += x[i].sqrt() * 1.0;
        }
    }
    0.0 * s + x[1]
}

/// `w = 0` makes each term's cotangent zero beside `√x`'s infinite derivative at `x = 0`:
/// the trips' pullbacks take the zero rule, so the gradient is 0 there, not NaN.
#[differentiable]
fn weighted_roots(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 2.0 {
            s += w * x[i].sqrt();
        } else {
            s += x[i].sqrt() * w;
        }
    }
    s
}

/// `u.min(1)` takes `u`'s cotangent to zero where `u` is infinite (`x e^x` at `x = 1000`): the
/// product rule of `u = x · e^x` then meets a zero cotangent beside `e^x = inf`, which the zero
/// rule makes 0 (IEEE arithmetic would make it NaN).
#[differentiable]
fn capped_growth(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = x[i].exp();
        let u = x[i] * v;
        if u < 1.0 {
            s += u;
        } else {
            s += u.min(1.0);
        }
    }
    s
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

/// A parameter written before the loop: its adjoint is taken at the write (not fused).
#[differentiable]
fn written(mut x: Vec<f64>) -> f64 {
    x[0] = x[1] * 3.0;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

/// The loop in a branch, after an early return.
#[differentiable]
fn branchy(x: &[f64]) -> f64 {
    if x[0] > 5.0 {
        return x[0];
    }
    let mut s = x[1];
    if x[1] > -10.0 {
        for i in 0..x.len() {
            if x[i] > 0.0 {
                s += (x[i] * 0.3).sin() * x[i];
            } else {
                s += x[i] * (x[i] * 0.3).sin();
            }
        }
    }
    s * s
}

/// A fused loop and a loop of the usual sweep whose IEEE products meet `0 · inf` (`√x` at 0
/// under a zero cotangent): the optimistic sweep's gradient is NaN, so the careful sweep runs
/// after it and takes the fused loop's buffer, which the first one only borrowed.
#[differentiable]
fn mixed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.5 {
            s += x[i] * x[i];
        } else {
            s += 3.0 * x[i];
        }
    }
    let mut q = 0.0;
    for k in 0..x.len() {
        q += x[k].sqrt();
    }
    s + 0.0 * q
}

/// Lennard-Jones pair energies in 3-D.
#[differentiable]
fn lj(pos: &[f64]) -> f64 {
    let n = pos.len() / 3;
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = pos[3 * i] - pos[3 * j];
            let dy = pos[3 * i + 1] - pos[3 * j + 1];
            let dz = pos[3 * i + 2] - pos[3 * j + 2];
            let r2 = dx * dx + dy * dy + dz * dz;
            let s6 = 1.0 / (r2 * r2 * r2);
            if s6 > 1.0 {
                e += 4.0 * (s6 * s6 - s6);
            } else {
                e += 4.0 * s6 * (s6 - 1.0);
            }
        }
    }
    e
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
fn lennard_jones_and_a_loop_in_a_branch() {
    let pos: Vec<f64> = (0..12)
        .map(|k| (k / 3) as f64 * 1.1 + 0.2 * ((k as f64) * 1.7).sin())
        .collect();
    check_value_grad("lj", lj, lj_grad(&pos), &pos);
    for x in [sines(5, 0.8), sines(4, -0.6)] {
        check_value_grad("branchy", branchy, branchy_grad(&x), &x);
    }
    let early = [6.0, 1.0, 2.0];
    check_value_grad("branchy", branchy, branchy_grad(&early), &early);
}

#[test]
fn the_careful_sweep_after_the_optimistic_one_and_a_pullback_called_again() {
    // d/dx_i = 2 x_i above 0.5, else 3; the root loop adds 0 · ∞ = 0 under the zero rule
    let x = [0.0, 0.25, 0.75, 2.0];
    let want = [3.0, 3.0, 1.5, 4.0];
    let (v, g) = mixed_grad(&x);
    assert!((v - (0.75 + 0.5625 + 4.0)).abs() < 1e-12, "{v}");
    for (a, b) in g.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{g:?}");
    }
    // the pullback may be called again: it borrows the loop's buffer
    let (_, back) = mixed_vjp(&x);
    for cot in [2.0, 1.0, -0.5] {
        for (a, b) in back(cot).iter().zip(want) {
            assert!((a - cot * b).abs() < 1e-12, "{cot}");
        }
    }
    // each call against central differences of `cot · elem`
    let x = sines(12, 0.4);
    let m = mat(&x, 3);
    let (_, back) = elem_vjp(&m);
    for cot in [1.0, 3.0, 1.0] {
        let g = back(cot);
        check("elem_vjp", |y| cot * elem(&mat(y, 3)), g.as_slice(), &x);
    }
}

#[test]
fn a_zero_cotangent_inside_a_trip() {
    let (v, (gx, gw)) = weighted_roots_grad(&[0.0, 1.0, 4.0], 0.0);
    assert_eq!(v, 0.0);
    assert_eq!(gx, vec![0.0, 0.0, 0.0]);
    // d/dw = Σ √x
    assert!((gw - 3.0).abs() < 1e-12, "{gw}");
    let (v, g) = capped_growth_grad(&[1000.0, 0.1]);
    assert!((v - (1.0 + 0.1 * 0.1f64.exp())).abs() < 1e-12, "{v}");
    // d/dx (x e^x) = e^x (1 + x) below the cap; 0 above it
    assert_eq!(g[0], 0.0);
    assert!((g[1] - 0.1f64.exp() * 1.1).abs() < 1e-12, "{g:?}");
}

#[test]
fn loops_left_to_the_usual_sweep_stay_right() {
    for x in [sines(5, 0.8), sines(3, -0.7)] {
        let f = |y: &[f64]| written(y.to_vec());
        check_value_grad("written", f, written_grad(x.clone()), &x);
    }
    for x in [sines(5, 0.8), sines(7, -1.1)] {
        check_value_grad("two_sums", two_sums, two_sums_grad(&x), &x);
        check_value_grad("shadowed", shadowed, shadowed_grad(&x), &x);
        check_value_grad("counted", counted, counted_grad(&x), &x);
        check_value_grad("invariant", invariant, invariant_grad(&x), &x);
        let (_, g) = invariant_grad(&x);
        check("invariant", invariant, &g, &x);
    }
}
