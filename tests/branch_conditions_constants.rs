//! Branches in loops with a `continue` or `break` (whose arms the reverse sweep records) whose
//! condition reads a local the sweep could read without a record: a constant `let`, a value
//! of the trip's index, a chosen constant. Trying to evaluate such a condition again in the
//! reverse sweep set up a record and then dropped the code writing it, which failed to compile
//! ("cannot find value `__gv1`", or "type annotations needed" for the record's tape). Each
//! gradient against central differences and, where simple, its value derived by hand.

#![allow(
    clippy::needless_range_loop,
    clippy::neg_cmp_op_on_partial_ord,
    unused_variables
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A constant local in a condition after a `continue`, inside a chosen value's arm.
#[differentiable]
fn chosen_after_continue(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let t1 = 1.21;
        let v4 = if x[i] > 0.5 {
            if -1.18 > t1 {
                s += x[i];
            } else {
                s -= w[1];
            }
            1.0
        } else {
            s += x[i];
            2.0
        };
    }
    s
}

/// The same condition directly in the trip.
#[differentiable]
fn constant_after_continue(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let t1 = 1.21;
        if -1.18 > t1 {
            s += x[i];
        } else {
            s -= w[1] * x[i];
        }
    }
    s
}

/// A local computed from the index, tested before a `break`, and a float of the data.
#[differentiable]
fn index_local_with_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = (i as f64) * 0.5;
        if h > 1.2 {
            s += x[i] * x[i];
        } else {
            s += x[i].sin();
        }
        if s > 100.0 {
            break;
        }
    }
    s * s
}

#[test]
fn conditions_on_locals_the_sweep_reads_again_compile_and_are_right() {
    for (x, w) in [
        (sines(5, 1.1), sines(3, 0.7)),
        (sines(4, -0.9), sines(2, 1.3)),
    ] {
        let all: Vec<f64> = x.iter().chain(&w).copied().collect();
        let n = x.len();
        let (v, (gx, gw)) = chosen_after_continue_grad(&x, &w);
        let mut g = gx.clone();
        g.extend(&gw);
        check_value_grad(
            "chosen_after_continue",
            |p| chosen_after_continue(&p[..n], &p[n..]),
            (v, g),
            &all,
        );
        // ∂s/∂x_i = 1 where x_i ≤ 0.5; ∂s/∂w_1 = -(the number of x_i > 0.5)
        let above = x.iter().filter(|v| **v > 0.5).count() as f64;
        assert!((gw[1] + above).abs() < 1e-12, "{gw:?}");
        for (a, b) in gx.iter().zip(&x) {
            assert!(
                (a - if *b > 0.5 { 0.0 } else { 1.0 }).abs() < 1e-12,
                "{gx:?}"
            );
        }
        let (v, (gx, gw)) = constant_after_continue_grad(&x, &w);
        let mut g = gx;
        g.extend(gw);
        check_value_grad(
            "constant_after_continue",
            |p| constant_after_continue(&p[..n], &p[n..]),
            (v, g),
            &all,
        );
        check_value_grad(
            "index_local_with_break",
            index_local_with_break,
            index_local_with_break_grad(&x),
            &x,
        );
    }
}
