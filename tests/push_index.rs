//! Pushes at the loop index: a push into a `Vec` made empty before `for i in 0..n`, once per
//! trip, writes element `i`, so the reverse sweep takes its adjoint at `i` (rebuilt from the
//! trip number) instead of at a length recorded on every trip (`lower/push_index.rs`). Each
//! form is checked against central differences in `f64`: the scan read back in the same trip,
//! a `break` before the push, statements and a nested loop before it, and forms that keep the
//! recorded length (a `continue`, a push in a branch, two pushes per trip, a `Vec` pushed to
//! before the loop); then `f32` against `f64` and second order.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::vec_init_then_push
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, sines, split};

/// The scan: `s_i = s_{i-1} a_i + b_i` pushed, then read back in the same trip.
#[differentiable(order = 2)]
fn scan(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = Vec::new();
    let mut prev = 1.0;
    for i in 0..a.len() {
        acc.push(prev * a[i] + b[i]);
        prev = acc[i];
    }
    let mut l = 0.0;
    for i in 0..acc.len() {
        l += (acc[i] - 0.5) * (acc[i] - 0.5);
    }
    l
}

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

/// The scan over `T` (`f32` against `f64`).
#[differentiable]
fn scan_t<T: Real>(a: &[T]) -> T {
    let mut acc = Vec::new();
    let mut prev = T::one();
    for i in 0..a.len() {
        acc.push(prev * a[i] + T::from_f64(0.1));
        prev = acc[i];
    }
    prev * prev
}

#[test]
fn the_scan_against_central_differences_and_second_order() {
    let a: Vec<f64> = sines(12, 0.04).iter().map(|v| v + 0.95).collect();
    let b = sines(12, 0.05);
    let n = a.len();
    let (y, (ga, gb)) = scan_grad(&a, &b);
    assert!((y - scan(&a, &b)).abs() < 1e-12);
    let whole = [a.clone(), b.clone()].concat();
    check(
        "scan",
        |x| scan(&x[..n], &x[n..]),
        &[ga, gb].concat(),
        &whole,
    );
    let v = sines(2 * n, 0.5);
    let (va, vb) = split(&v, n);
    let (_, _, (ha, hb)) = scan_hvp(&a, &b, va, vb);
    let grad = |x: &[f64]| {
        let (_, (p, q)) = scan_grad(&x[..n], &x[n..]);
        [p, q].concat()
    };
    check_hvp("scan", grad, &[ha, hb].concat(), &whole, &v);
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

#[test]
fn the_generic_scan_in_f32_follows_f64() {
    let a: Vec<f64> = sines(10, 0.04).iter().map(|v| v + 0.95).collect();
    let (y, g) = scan_t_grad(&a);
    check("scan_t", scan_t::<f64>, &g, &a);
    let a32: Vec<f32> = a.iter().map(|&v| v as f32).collect();
    let (y32, g32) = scan_t_grad(&a32);
    assert!((f64::from(y32) - y).abs() < 1e-5 * (1.0 + y.abs()));
    for (p, q) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*p) - q).abs() < 1e-4 * (1.0 + q.abs()),
            "{p} vs {q}"
        );
    }
}
