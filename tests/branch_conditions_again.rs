//! Branches whose condition the reverse sweep evaluates again instead of recording the arm
//! taken: conditions calling numeric methods without effects (`r.abs() <= delta`,
//! `a.max(b) > c`, `(x - c).powi(2) < t`, `s.is_nan()`, `v.signum()`, `v.floor()`), and
//! conditions on one float computed in the trip, which is recorded for the condition (and for
//! the arms' rules, which usually read it anyway). Members: the float reassigned in an arm,
//! two branches on two versions of one variable in one trip, nested branches, `else if`
//! chains, a `break` out of an arm, a `while` loop, an inner loop's result, branches outside
//! every loop on computed locals, and a condition on two computed floats (which records the
//! arm). Also values rebuilt from a saved one through `abs`, `min` and `max`.
//! Each gradient against central differences at points taking every arm; the pullback called
//! twice and forward mode against the gradient.

// The written forms (index loops, `s = s + ..`) are the constructs under test.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

/// The Huber loss of a linear model, written inline: the condition calls `abs` on the residual
/// computed in the trip; the outer arm's `r.abs() - 0.5 * delta` comes back from the saved `r`.
#[differentiable]
fn huber_inline(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let delta = p[2];
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] + p[1] * x[i] - 0.3 * x[i] * x[i];
        if r.abs() <= delta {
            l += 0.5 * r * r;
        } else {
            l += delta * (r.abs() - 0.5 * delta);
        }
    }
    l
}

/// The loop-carried float reassigned in both arms after the condition read it.
#[differentiable]
fn reassigned_in_arms(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = p[0];
    for i in 0..x.len() {
        if s > 0.5 {
            s = s * 0.5 + p[1] * x[i];
        } else {
            s = s * p[1] + x[i] * x[i];
        }
    }
    s * s
}

/// Two branches on two versions of `s` in one trip, with methods in both conditions.
#[differentiable]
fn two_versions(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = p[0];
    let mut out = 0.0;
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 1.0 {
            out += s.sin();
            s = s * 0.3;
        }
        s = s + p[2];
        if s.max(0.2) > 0.25 {
            out += s * s;
        } else {
            out -= s * p[0];
        }
    }
    out
}

/// Nested branches, the inner condition on a value set in the outer arm, and an `else if`.
#[differentiable]
fn nested(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let u = p[0] * x[i] + p[1];
        if u > 0.0 {
            let v = u * u - p[2];
            if v.abs() < 0.4 {
                l += v * u;
            } else {
                l += (v * v + 1.0).sqrt() + u;
            }
        } else if (u - p[2]).powi(2) < 0.5 {
            l += u * p[2];
        } else {
            l -= u.exp();
        }
    }
    l
}

/// A `break` out of an arm whose condition is evaluated again (the jump still records).
#[differentiable]
fn break_in_arm(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let t = s + p[0] * x[i];
        if t.abs() > 2.5 {
            s += t * 0.1;
            break;
        } else {
            s = t * p[1] + 0.1;
        }
    }
    s
}

/// A `while` loop whose body branches on a float computed in it.
#[differentiable]
fn while_branch(p: &[f64]) -> f64 {
    let mut y = p[0];
    let mut acc = 0.0;
    let mut k = 0;
    while k < 12 {
        let z = y * p[1] - 0.2;
        if z.signum() > 0.0 {
            acc += z * y;
        } else {
            acc += z * z * p[0];
        }
        y = z.cos() + p[0];
        k += 1;
    }
    acc
}

/// An inner loop's result decides the outer loop's branch.
#[differentiable]
fn inner_result(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let mut q = x[i];
        for _ in 0..3 {
            q = q * p[0] + p[1];
        }
        if q.floor() >= 0.0 {
            l += q * p[2];
        } else {
            l += q * q;
        }
    }
    l
}

/// Branches outside every loop on computed locals (one recorded in a slot each).
#[differentiable]
fn outside_loops(p: &[f64]) -> f64 {
    let a = p[0] * p[1] - 0.1;
    let b = if a.abs() < 0.3 { a * a } else { a.sin() };
    let c = b + p[2];
    if c.min(1.0) > 0.2 {
        c * b
    } else {
        c - b * p[0]
    }
}

/// Two computed floats in one condition: the arm is recorded.
#[differentiable]
fn two_computed(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut a = p[0];
    let mut b = p[1];
    let mut l = 0.0;
    for i in 0..x.len() {
        a = a * 0.9 + x[i];
        b = b * 0.8 - x[i];
        if a > b {
            l += a * b;
        } else {
            l += a - b * b;
        }
    }
    l
}

/// A NaN test in a condition (never true here: the arm without it runs).
#[differentiable]
fn nan_test(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] - p[1];
        if r.is_nan() {
            l += 0.0;
        } else {
            l += r * r;
        }
    }
    l
}

/// Values rebuilt from a saved one through `abs`, `min` and `max` (no condition).
#[differentiable]
fn rebuilt_min_max(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] + p[1];
        let h = r.max(0.0) * r;
        let m = r.min(p[2]) - r.abs();
        l += h * h + m * r;
    }
    l
}

fn data(n: usize) -> Vec<f64> {
    sines(n, 1.6)
}

#[test]
fn conditions_with_methods_in_loops() {
    let x = data(17);
    for p in [
        vec![0.4, 0.9, 0.5],
        vec![-1.2, 0.3, 0.2],
        vec![0.1, 1.3, 1.5],
        vec![2.0, -0.7, 0.05],
    ] {
        chk!(
            huber_inline,
            huber_inline_grad,
            huber_inline_vjp,
            huber_inline_jvp,
            p.clone(),
            &x
        );
        chk!(
            two_versions,
            two_versions_grad,
            two_versions_vjp,
            two_versions_jvp,
            p.clone(),
            &x
        );
        chk!(nested, nested_grad, nested_vjp, nested_jvp, p.clone(), &x);
        chk!(
            inner_result,
            inner_result_grad,
            inner_result_vjp,
            inner_result_jvp,
            p.clone(),
            &x
        );
        chk!(
            nan_test,
            nan_test_grad,
            nan_test_vjp,
            nan_test_jvp,
            p.clone(),
            &x
        );
        chk!(
            rebuilt_min_max,
            rebuilt_min_max_grad,
            rebuilt_min_max_vjp,
            rebuilt_min_max_jvp,
            p.clone(),
            &x
        );
    }
}

#[test]
fn conditions_on_values_computed_in_the_trip() {
    let x = data(23);
    for p in [
        vec![0.9, 0.7],
        vec![0.2, 1.1],
        vec![-0.4, 0.6],
        vec![1.5, -0.9],
    ] {
        chk!(
            reassigned_in_arms,
            reassigned_in_arms_grad,
            reassigned_in_arms_vjp,
            reassigned_in_arms_jvp,
            p.clone(),
            &x
        );
        chk!(
            break_in_arm,
            break_in_arm_grad,
            break_in_arm_vjp,
            break_in_arm_jvp,
            p.clone(),
            &x
        );
        chk!(
            while_branch,
            while_branch_grad,
            while_branch_vjp,
            while_branch_jvp,
            p.clone()
        );
        chk!(
            two_computed,
            two_computed_grad,
            two_computed_vjp,
            two_computed_jvp,
            p.clone(),
            &x
        );
    }
}

#[test]
fn conditions_outside_loops() {
    for p in [
        vec![0.5, 0.3, 0.4],
        vec![1.5, 0.9, -0.2],
        vec![-0.8, 0.6, 1.4],
        vec![0.2, 0.1, -1.0],
        vec![2.0, 1.0, 0.5],
    ] {
        chk!(
            outside_loops,
            outside_loops_grad,
            outside_loops_vjp,
            outside_loops_jvp,
            p
        );
    }
}

#[test]
fn every_arm_is_taken_at_these_points() {
    // The checks above mean something only if each arm runs at some point: count them with
    // the primal written out.
    let x = data(17);
    let mut arms = [0usize; 2];
    for p in [
        [0.4, 0.9, 0.5],
        [-1.2, 0.3, 0.2],
        [0.1, 1.3, 1.5],
        [2.0, -0.7, 0.05],
    ] {
        for &xi in &x {
            let r: f64 = p[0] + p[1] * xi - 0.3 * xi * xi;
            arms[usize::from(r.abs() > p[2])] += 1;
        }
    }
    assert!(arms[0] > 0 && arms[1] > 0, "{arms:?}");
    let x = data(23);
    let mut arms = [0usize; 2];
    for p in [[0.9, 0.7], [0.2, 1.1], [-0.4, 0.6], [1.5, -0.9]] {
        let mut s: f64 = p[0];
        for &xi in &x {
            if s > 0.5 {
                arms[0] += 1;
                s = s * 0.5 + p[1] * xi;
            } else {
                arms[1] += 1;
                s = s * p[1] + xi * xi;
            }
        }
    }
    assert!(arms[0] > 0 && arms[1] > 0, "{arms:?}");
}
