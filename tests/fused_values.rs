//! Fused accumulation loops (`reverse/fused.rs`) whose trips choose a value by a branch
//! (`let sp = if z > 0.0 { .. } else { .. }`, lowered to `let x; if c { x = a } else { x = b }`):
//! the arm's pullback needs `dx`, known once the code after the branch gave it, so that code is
//! written into each arm before the arm's pullbacks. Each member is checked against central
//! differences in `f64` (and the value against the primal): the logistic regression's softplus
//! after a trip sum, a chosen value read by a product, chosen elements of a parameter, two
//! branches one after the other, a branch inside an arm, a chosen value then a branch on it, a
//! chosen index (no derivative), a chosen value a trip sum's loop reads, a generic scalar and
//! `f32`, the second run after an IEEE `0 · ∞`, a pullback called again, second order; and the
//! forms the fusion leaves to the usual sweep (more than three chosen values, an assignment
//! inside a nested block), which must stay right.

#![allow(clippy::needless_range_loop, clippy::needless_late_init)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, check_value_grad, pair_check, sines, to32};

/// The negative log-likelihood of logistic regression, softplus in its stable form.
#[differentiable]
fn logistic(w: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let d = w.len();
    let mut loss = 0.0;
    for i in 0..y.len() {
        let mut z = 0.0;
        for j in 0..d {
            z += w[j] * x[i * d + j];
        }
        let sp = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        loss += sp - y[i] * z;
    }
    loss
}

/// A chosen value read by a product (its rule reads the value) and scaled by a float
/// parameter; a chosen element of a parameter next to a constant.
#[differentiable]
fn chosen(x: &[f64], c: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = x[i] - c;
        let v = if r > 0.0 { r * r } else { -0.5 * r };
        let left = if i > 0 { x[i - 1] } else { 0.0 };
        l += v * v * c + left * x[i];
    }
    l
}

/// Two chosen values in a row, the second reading the first, and a branch choosing inside an
/// arm of another.
#[differentiable]
fn nested(x: &[f64], w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > w[0] { x[i] * w[1] } else { x[i].sin() };
        let b = if a > 0.1 {
            let t = if x[i] < 0.5 { a * a } else { a.exp() };
            t * w[0]
        } else {
            a * w[1] - 1.0
        };
        l += a * b;
    }
    l
}

/// A chosen value, then a branch on it whose arms add different terms.
#[differentiable]
fn then_branch(x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].sqrt() } else { x[i] * x[i] };
        if v > 0.3 {
            l += v * x[i];
        } else {
            l -= v.cos();
        }
    }
    l
}

/// A chosen index (no derivative) read by the term's element.
#[differentiable]
fn chosen_index(x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let j = if x[i] > 0.0 { (i + 1) % x.len() } else { 0 };
        let v = if j > 0 { x[j] } else { x[i] };
        l += v * x[i];
    }
    l
}

/// The softplus loss over a generic scalar.
#[differentiable]
fn glogistic<T: Real>(w: &[T], x: &[T]) -> T {
    let mut loss = T::zero();
    for i in 0..x.len() {
        let z = w[0] * x[i] + w[1];
        let sp = if z > T::zero() {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        loss += sp;
    }
    loss
}

/// `Σ_i v_i` with `v_i = w_i √x_i` or `x_i`: at `w_i = 0`, `x_i = 0`, IEEE's `0 · ∞` in the first
/// run, so the loop runs again with the zero rule.
#[differentiable]
fn roots(w: &[f64], x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let v = if x[i] >= 0.0 {
            w[i] * x[i].sqrt()
        } else {
            x[i]
        };
        l += v;
    }
    l
}

/// A smooth chosen value, for second order.
#[differentiable(order = 2)]
fn curved(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let z = w[0] * x[i] + w[1];
        let v = if z > 0.0 {
            z * z * w[2]
        } else {
            z.sin() * w[2]
        };
        l += v * z;
    }
    l
}

/// Four chosen values: more than the fusion writes out (the usual sweep).
#[differentiable]
fn four(x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] } else { -x[i] };
        let b = if a > 0.5 { a * a } else { a };
        let c = if b > 0.2 { b.sin() } else { b * 2.0 };
        let d = if c > 0.1 { c * x[i] } else { c };
        l += a * b + c * d;
    }
    l
}

/// A value assigned inside a nested block of an arm (the usual sweep).
#[differentiable]
fn deep(x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let v;
        if x[i] > 0.0 {
            if x[i] > 0.5 {
                v = x[i] * x[i];
            } else {
                v = x[i].sin();
            }
        } else {
            v = -x[i];
        }
        l += v * x[i];
    }
    l
}

/// A chosen value read by a trip sum's loop after it (final there: the loop runs again in each
/// arm, after the assignment).
#[differentiable]
fn into_sum(x: &[f64], w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let s = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += s * w[k];
        }
        l += y * y;
    }
    l
}

#[test]
fn the_logistic_regressions_softplus() {
    let (d, n) = (3, 9);
    let x = sines(n * d, 1.3);
    let y: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
    for w in [sines(d, 0.9), sines(d, -2.0), vec![0.0; d]] {
        check_value_grad(
            "logistic",
            |p| logistic(p, &x, &y),
            logistic_grad(&w, &x, &y),
            &w,
        );
    }
}

#[test]
fn chosen_values_read_by_rules_and_chosen_elements() {
    for (x, c) in [(sines(6, 1.2), 0.3), (sines(5, -0.8), -0.2)] {
        let (v, (gx, gc)) = chosen_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        let mut g = gx;
        g.push(gc);
        check_value_grad(
            "chosen",
            |p| chosen(&p[..p.len() - 1], p[p.len() - 1]),
            (v, g),
            &all,
        );
    }
}

#[test]
fn chosen_values_in_a_row_and_inside_an_arm() {
    for (x, w) in [
        (sines(7, 1.1), vec![0.2, 0.7]),
        (sines(6, -0.9), vec![-0.3, 1.4]),
        (vec![0.05, 0.3, 0.8, -0.6, 0.45], vec![0.1, -0.5]),
    ] {
        pair_check("nested", nested, nested_grad(&x, &w), &x, &w);
    }
    for x in [sines(7, 1.1), sines(6, -0.9)] {
        check_value_grad("then_branch", then_branch, then_branch_grad(&x), &x);
        check_value_grad("chosen_index", chosen_index, chosen_index_grad(&x), &x);
    }
    for (x, w) in [
        (sines(5, 1.1), sines(3, 0.6)),
        (sines(4, -0.9), sines(2, 1.0)),
    ] {
        pair_check("into_sum", into_sum, into_sum_grad(&x, &w), &x, &w);
    }
}

#[test]
fn generic_and_single_precision() {
    for (w, x) in [
        (vec![0.8, -0.3], sines(7, 2.0)),
        (vec![-1.5, 0.4], sines(5, 1.0)),
    ] {
        pair_check(
            "glogistic",
            glogistic,
            glogistic_grad::<f64>(&w, &x),
            &w,
            &x,
        );
        let (_, (g64w, g64x)) = glogistic_grad::<f64>(&w, &x);
        let (_, (g32w, g32x)) = glogistic_grad::<f32>(&to32(&w), &to32(&x));
        agree("glogistic w", &g64w, &g32w, 1e-4);
        agree("glogistic x", &g64x, &g32x, 1e-4);
    }
}

#[test]
fn the_second_run_after_an_ieee_zero_times_infinity() {
    // l = Σ v_i: dl/dw_i = √x_i (x_i ≥ 0); dl/dx_i = w_i / (2√x_i), 0 at w_i = 0 by the zero
    // rule (IEEE: 0 · ∞ = NaN at x_i = 0), 1 where x_i < 0
    let (w, x) = ([0.0, 2.0, 1.0], [0.0, 4.0, -1.0]);
    let (v, (gw, gx)) = roots_grad(&w, &x);
    assert!((v - (2.0 * 2.0 - 1.0)).abs() < 1e-12, "{v}");
    for (a, b) in gw.iter().zip([0.0, 2.0, 0.0]) {
        assert!((a - b).abs() < 1e-12, "{gw:?}");
    }
    for (a, b) in gx.iter().zip([0.0, 2.0 / 4.0, 1.0]) {
        assert!((a - b).abs() < 1e-12, "{gx:?}");
    }
    let (w, x) = (sines(4, 0.8), vec![0.5, 1.5, -2.5, 0.7]);
    pair_check("roots", roots, roots_grad(&w, &x), &w, &x);
}

#[test]
fn a_pullback_called_again_and_second_order() {
    let (d, n) = (3, 8);
    let x = sines(n * d, 1.3);
    let y: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
    let w = sines(d, 0.9);
    let (_, back) = logistic_vjp(&w, &x, &y);
    for cot in [1.0, -2.5, 0.5] {
        let g = back(cot);
        check("logistic_vjp", |p| cot * logistic(p, &x, &y), &g, &w);
    }
    let x = sines(9, 1.5);
    for w in [vec![0.6, 0.1, -0.7], vec![-0.9, 0.3, 1.2]] {
        check_value_grad("curved", |p| curved(p, &x), curved_grad(&w, &x), &w);
        let v = vec![0.4, -0.3, 0.8];
        let (_, _, hv) = curved_hvp(&w, &x, v.clone());
        check_hvp("curved", |p| curved_grad(p, &x).1, &hv, &w, &v);
    }
}

#[test]
fn forms_left_to_the_usual_sweep_stay_right() {
    for x in [sines(7, 1.1), sines(6, -0.9)] {
        check_value_grad("four", four, four_grad(&x), &x);
        check_value_grad("deep", deep, deep_grad(&x), &x);
    }
}
