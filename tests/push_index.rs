//! Pushes at the loop index: a push into a `Vec` made empty before `for i in 0..n`, once per
//! trip, writes element `i`, so the reverse sweep takes its adjoint at `i` (rebuilt from the
//! trip number) instead of at a length recorded on every trip (`lower/push_index.rs`). The scan
//! that reads back what it pushed (with second order) and its generic twin at `f32` and `f64`
//! are in `tests/pushed_vecs.rs`. Here, against central differences in `f64`: a `break` before
//! the push, statements, a nested loop and a condition indexing the `Vec` before it, and forms
//! that keep the recorded length (a `continue`, a push in a branch, two pushes per trip, a
//! `Vec` pushed to before the loop, a loop from 1, an inner loop run twice on one `Vec`).

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::vec_init_then_push
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, sines};

/// A `break` before the push ends the loop early; statements and a nested loop come first.
#[differentiable]
fn early_exit(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        // a condition that reads the `Vec` by index keeps the push at the index
        if x[i] > 0.75 || (i > 0 && v[i - 1] > 5.0) {
            break;
        }
        let mut t = x[i];
        for k in 0..i {
            t += 0.1 * x[k] * t;
        }
        v.push(t * t);
        v[i] = v[i] + x[i];
    }
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * (j as f64 + 1.0);
    }
    s
}

/// Forms whose length stays recorded, each in a loop of its own and correct in its own way: a
/// `continue` that skips the push, a push inside a branch, two pushes per trip, a `Vec` pushed
/// to before the loop, a loop from 1, and an inner loop that an outer one runs twice on the
/// same `Vec`.
#[differentiable]
fn kept_lengths(x: &[f64]) -> f64 {
    let n = x.len();
    let mut skipped = Vec::new();
    for i in 0..n {
        if x[i] < -0.5 {
            continue;
        }
        skipped.push(x[i] * 2.0);
    }
    let mut chosen = Vec::new();
    for i in 0..n {
        if x[i] > 0.0 {
            chosen.push(x[i].sin());
        }
    }
    let mut twice = Vec::new();
    for i in 0..n {
        twice.push(x[i]);
        twice.push(x[i] * x[i]);
    }
    let mut primed = Vec::new();
    primed.push(x[0] * 3.0);
    for i in 0..n {
        primed.push(x[i] * x[i]);
    }
    let mut from_one = Vec::new();
    for i in 1..n {
        from_one.push(x[i] * x[i - 1]);
    }
    let mut again = Vec::new();
    for r in 0..2 {
        for i in 0..n {
            again.push(x[i] * (r as f64 + 0.5));
        }
    }
    weigh(&skipped, 1.0)
        + weigh(&chosen, 2.0)
        + weigh(&twice, 3.0)
        + weigh(&primed, 4.0)
        + weigh(&from_one, 5.0)
        + weigh(&again, 6.0)
}

/// `w Σ_j (j + 1) v_j²`: each element with a weight of its own, so an adjoint taken at the
/// wrong element shows.
#[differentiable]
fn weigh(v: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * v[j] * (j as f64 + 1.0);
    }
    w * s
}

/// The loop variable shadowed in the trip, with a `break` before the push (the loop is not
/// left by its exit test alone, so the push's length is saved by name): the push keeps its
/// recorded length instead of taking the shadowed `i`.
#[differentiable]
fn shadowed_with_break(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    for i in 0..n {
        let i = n - 1 - i;
        if x[i] > 0.85 {
            break;
        }
        v.push(x[i] * x[i] + x[0]);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 1.0);
    }
    s
}

#[test]
fn a_shadowed_loop_variable_keeps_the_recorded_length() {
    for amp in [0.5, 0.9] {
        let x = sines(9, amp);
        let (y, g) = shadowed_with_break_grad(&x);
        assert!((y - shadowed_with_break(&x)).abs() < 1e-12);
        check("shadowed_with_break", shadowed_with_break, &g, &x);
    }
}

#[test]
fn early_exits_and_kept_lengths_against_central_differences() {
    // the exit at x > 0.75 is taken part-way (sines reach 0.9)
    let x = sines(9, 0.9);
    assert!(x.iter().any(|v| *v > 0.75));
    let (y, g) = early_exit_grad(&x);
    assert!((y - early_exit(&x)).abs() < 1e-12);
    check("early_exit", early_exit, &g, &x);
    let (y, g) = kept_lengths_grad(&x);
    assert!((y - kept_lengths(&x)).abs() < 1e-12);
    check("kept_lengths", kept_lengths, &g, &x);
}
