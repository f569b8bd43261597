//! Adversarial cases for three forms: local `Vec`s grown by `push` (the dense adjoint buffer),
//! the optimistic reverse sweep of `NAME_grad` in functions with range reads (`&v[a..b]`), and
//! `o.unwrap_or(d)` on `Option`s.
//!
//! Pushed `Vec`s: fresh per trip with a trip-dependent count, elements pushed in an earlier outer
//! trip read back, moves (`u = v`) and `std::mem::swap` with the moved-from `Vec` made again,
//! loans to helpers and to a custom rule while the `Vec` grows, rows grown by push, resets
//! (`v = Vec::new()`) in a loop, `v.push(v[j])` with compound writes, a data-dependent `while`,
//! generic code at `f32` and `f64`, and a pushed helper called from `order = 2` code. Ranges:
//! NaN-dropping rules two helpers deep behind ranges, in fused helpers, behind ranges of pushed
//! `Vec`s, and the careful sweep re-run over records after pops and truncations. `unwrap_or`:
//! nested, in loops and branches, on `pop`/`last`/`get`/calls, on `Option<usize>` indices and
//! on array `Option`s, as loop-carried state, through `_grad`, `_vjp`, `_jvp` and `_hvp`.
//!
//! The independent answers: central differences in `f64` (smooth inputs), `NAME_vjp` (always
//! the zero rule's sweep), and values worked out in the comments.
#![allow(clippy::needless_range_loop, clippy::vec_init_then_push)]
#![allow(clippy::manual_unwrap_or, clippy::manual_unwrap_or_default)]
#![allow(clippy::assign_op_pattern, clippy::get_first, clippy::eq_op)] // the forms under test

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp};

fn cat(a: &[f64], b: f64) -> Vec<f64> {
    let mut v = a.to_vec();
    v.push(b);
    v
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + y.abs()))
}

/// `$f(x, w)` for a slice and a scalar: its gradient against central differences.
macro_rules! fd2 {
    ($f:ident, $grad:ident, $x:expr, $w:expr) => {{
        let (x, w): (&[f64], f64) = (&$x, $w);
        let n = x.len();
        let (_, (gx, gw)) = $grad(x, w);
        check(
            stringify!($f),
            |q| $f(&q[..n], q[n]),
            &cat(&gx, gw),
            &cat(x, w),
        );
        (gx, gw)
    }};
}

const X: [f64; 6] = [0.4, -0.3, 1.2, -0.8, 0.5, 0.9];

// ---------------------------------------------------------------------------------------------
// pushed Vecs

/// A fresh `Vec` per outer trip with a trip-dependent number of pushes (the buffer is reused).
#[differentiable]
fn growing_fresh(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in 0..x.len() {
        let mut v = Vec::new();
        for k in 0..t + 1 {
            v.push(x[k] * x[t]);
        }
        for k in 0..v.len() {
            s += v[k] * v[v.len() - 1 - k];
        }
    }
    s
}

/// Elements pushed in earlier outer trips read in later ones (`v[v.len() - n]`).
#[differentiable]
fn across_outer_trips(x: &[f64], r: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    for i in 0..n {
        v.push(x[i]);
    }
    for _ in 0..3 {
        for _ in 0..n {
            let old = v[v.len() - n];
            let prev = v[v.len() - 1];
            v.push(old * r + 0.1 * prev * prev);
        }
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i];
    }
    s * v[v.len() - 1]
}

#[differentiable]
fn sum_sq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

/// Rows pushed into a `Vec<Vec<f64>>`, each row itself grown by push; read `rows[i][j]` and
/// across rows (`rows[i - 1][j]`).
#[differentiable]
fn pushed_pushed_rows(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut rows = Vec::new();
    for i in 0..3 {
        let mut row = Vec::new();
        for j in 0..n {
            row.push(x[j] * (k + i as f64) + x[(j + i) % n]);
        }
        rows.push(row);
    }
    let mut s = 0.0;
    for i in 1..3 {
        for j in 0..n {
            s += rows[i][j] * rows[i - 1][j];
        }
    }
    s
}

/// Generic, with a push of a constant (`T::from_f64`-free: `b - b + one`) and a read back.
#[differentiable]
fn generic_pushes<T: Real>(a: &[T], b: T) -> T {
    let mut v = Vec::new();
    v.push(b);
    for i in 0..a.len() {
        let last = v[v.len() - 1];
        v.push(last * a[i]);
        v.push(a[i]);
    }
    let mut s = v[0];
    for i in 1..v.len() {
        s = s + v[i] * v[i - 1];
    }
    s
}

/// A pushed `Vec` reassigned `v = Vec::new()` mid-loop: elements of the old value must not keep
/// the new one's adjoints.
#[differentiable]
fn reset_in_a_loop(x: &[f64], k: f64) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..x.len() {
            v.push(x[i] * (k + t as f64));
        }
        for i in 0..v.len() {
            s += v[i] * v[i] * (i as f64 + 1.0);
        }
        if t == 1 {
            v = Vec::new();
        }
    }
    s + v[0]
}

#[test]
fn fresh_vecs_per_trip_and_earlier_trips_read_back() {
    let (_, g) = growing_fresh_grad(&X);
    check("growing_fresh", growing_fresh, &g, &X);
    fd2!(across_outer_trips, across_outer_trips_grad, X, 0.8);
}

#[test]
fn rows_helpers_generic_and_resets() {
    fd2!(pushed_pushed_rows, pushed_pushed_rows_grad, X, 0.6);
    let (gx, gb) = fd2!(generic_pushes, generic_pushes_grad, X, 0.9);
    let x32: Vec<f32> = X.iter().map(|v| *v as f32).collect();
    let (_, (g32, gb32)) = generic_pushes_grad(&x32, 0.9f32);
    for (a, b) in g32.iter().chain([&gb32]).zip(gx.iter().chain([&gb])) {
        assert!(
            (f64::from(*a) - b).abs() <= 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
    fd2!(reset_in_a_loop, reset_in_a_loop_grad, X, 0.6);
}

/// Self-reading pushes (`v.push(v[i])`), compound writes over pushed elements and pushes in an
/// iterator loop.
#[differentiable]
fn self_reading(x: &[f64], k: f64) -> f64 {
    let mut v = vec![k];
    for xi in x {
        let j = v.len() / 2;
        v.push(v[j] * xi);
        let m = v.len() - 1;
        v[m] += k * xi;
        v[0] *= 1.0 + 0.1 * xi;
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

/// A data-dependent `while` with pushes in a branch, read back at `v[c]` for a counter `c`.
#[differentiable]
fn while_counter(x: &[f64], r: f64) -> f64 {
    let mut v = Vec::new();
    let mut c = 0;
    let mut i = 0;
    let mut y = r;
    while i < x.len() {
        y = y * 0.9 + x[i];
        if y > 0.3 {
            v.push(y * y);
            c += 1;
        }
        if c > 0 {
            y = y - 0.1 * v[c - 1];
        }
        i += 1;
    }
    let mut s = y;
    for j in 0..c {
        s += v[j] / (1.0 + j as f64);
    }
    s
}

#[test]
fn self_reads_and_counters() {
    fd2!(self_reading, self_reading_grad, X, 0.6);
    for r in [0.0, 1.0, -2.0] {
        fd2!(while_counter, while_counter_grad, X, r);
    }
}

// ---------------------------------------------------------------------------------------------
// the optimistic sweep through range reads

// `floored`: a custom rule that turns a NaN cotangent into a number.
#[path = "support/nan_rules.rs"]
mod nan_rules;
use nan_rules::*;

/// `floored(Σ a)` over a range, loop-free.
#[differentiable]
fn floored_sum2(a: &[f64]) -> f64 {
    floored(a[0] + a[1])
}

/// The rule two helpers deep, both taking ranges, the inner one with a loop.
#[differentiable]
fn inner_ranges(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() - 1 {
        s += floored_sum2(&a[i..i + 2]);
    }
    s
}
#[differentiable]
fn outer_ranges(a: &[f64], #[no_grad] zero: f64) -> f64 {
    let z = 1.0 / zero;
    let mut s = 0.0;
    for i in 0..a.len() / 2 {
        s += inner_ranges(&a[..2 * i + 2]);
    }
    (s * z).min(5.0)
}

/// `Σ p + (outer_ranges(p, zero) · z).min(5)` with `z = +inf`: the inner products are `0 · inf`.
/// `_vjp`: 1 per element.
#[differentiable]
fn two_deep(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..p.len() {
        s += p[k];
    }
    let z = 1.0 / zero;
    s + (outer_ranges(&p[1..], zero) * z).min(5.0)
}

/// Same, the helper with a loop of its own (its fused companion runs with the caller's products).
#[differentiable]
fn nan_inside_loop(a: &[f64], #[no_grad] zero: f64) -> f64 {
    let z = 1.0 / zero;
    let mut s = 0.0;
    for i in 0..a.len() {
        s += (floored(a[i] * a[i]) * z).min(5.0);
    }
    s
}
#[differentiable]
fn calls_nan_inside_loop(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut w = vec![0.0; p.len()];
    let mut s = 0.0;
    for i in 0..p.len() {
        w[i] = p[i] + 1.0;
        s += p[i];
    }
    for i in 0..p.len() / 2 {
        s += nan_inside_loop(&w[2 * i..2 * i + 2], zero);
    }
    s
}

/// A range of a pushed local handed to a helper with the rule, `0 · inf` arranged before it.
#[differentiable]
fn pushed_range_rule(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut v = Vec::new();
    for i in 0..p.len() {
        v.push(p[i] * p[i] + 1.0);
    }
    let z = 1.0 / zero;
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += (floored_sum2(&v[i..i + 2]) * z).min(5.0) + p[i];
    }
    s + p[p.len() - 1]
}

const P: [f64; 8] = [0.3, 0.7, 0.5, 0.2, 0.9, 0.4, 0.6, 0.8];

macro_rules! grad_is_vjp {
    ($grad:ident, $vjp:ident, $p:expr $(, $z:expr)?) => {{
        let (_, g) = $grad(&$p $(, $z)?);
        let r = $vjp(&$p $(, $z)?).1(1.0);
        assert!(all_close(&g, &r), "{}: grad {g:?} vs vjp {r:?}", stringify!($grad));
        g
    }};
}

#[test]
fn nan_rules_behind_ranges_two_deep_and_in_fused_helpers() {
    let g = grad_is_vjp!(two_deep_grad, two_deep_vjp, P, 0.0);
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    let g = grad_is_vjp!(
        calls_nan_inside_loop_grad,
        calls_nan_inside_loop_vjp,
        P,
        0.0
    );
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    let g = grad_is_vjp!(pushed_range_rule_grad, pushed_range_rule_vjp, P, 0.0);
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    // smooth at zero = 1
    let (_, g) = two_deep_grad(&P, 1.0);
    check("two_deep", |q| two_deep(q, 1.0), &g, &P);
    let (_, g) = pushed_range_rule_grad(&P, 1.0);
    check("pushed_range_rule", |q| pushed_range_rule(q, 1.0), &g, &P);
}

// ---------------------------------------------------------------------------------------------
// unwrap_or

#[differentiable]
fn first_above(x: &[f64], t: f64) -> Option<f64> {
    let mut o = None;
    for i in 0..x.len() {
        if o.is_none() && x[i] > t {
            o = Some(x[i] * t);
        }
    }
    o
}

/// Nested `unwrap_or` with defaults carrying derivatives, in a loop and a branch.
#[differentiable]
fn unwrap_or_in_loops(x: &[f64], w: f64) -> f64 {
    let mut st = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            st.push(x[i] * w);
        } else {
            let p = st.pop().unwrap_or(w * x[i]);
            s += p * p;
        }
        let last = st
            .last()
            .copied()
            .unwrap_or(st.get(0).copied().unwrap_or(w * w));
        s += last * x[i];
    }
    let f = first_above(x, w).unwrap_or(first_above(x, -w).unwrap_or(w.sin()));
    s + f
}

/// `unwrap_or` on an argmax index (`Option<usize>`) and on array `Option`s.
#[differentiable]
fn unwrap_or_index_and_arrays(x: &[f64], w: f64) -> f64 {
    let mut best = None;
    let mut bv = -1.0e9;
    for i in 0..x.len() {
        if x[i] * w > bv {
            bv = x[i] * w;
            best = Some(i);
        }
    }
    let k = best.unwrap_or(0);
    let pair = if x[k] > 0.0 {
        Some([x[k] * w, x[0]])
    } else {
        None
    };
    let ab = pair.unwrap_or([w, w * w]);
    let (a, b) = (ab[0], ab[1]);
    let arr = if w > 0.5 { Some([w, x[1]]) } else { None };
    let c = arr.unwrap_or([x[2], x[3]]);
    a * b + c[0] * c[1] + x[k] * bv
}

#[differentiable(order = 2)]
fn unwrap_or_order2_nested(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        if x[i] > 0.0 {
            v.push(x[i] * x[i]);
        }
    }
    let a = v.last().copied().unwrap_or(x[0]);
    let b = v
        .get(5)
        .copied()
        .unwrap_or(v.get(0).copied().unwrap_or(x[1] * x[1]));
    a * b * x[0]
}

#[test]
fn unwrap_or_against_differences_vjp_and_jvp() {
    for w in [0.3, 0.7, -0.2] {
        let (gx, gw) = fd2!(unwrap_or_in_loops, unwrap_or_in_loops_grad, X, w);
        let g = cat(&gx, gw);
        let (rx, rw) = unwrap_or_in_loops_vjp(&X, w).1(1.0);
        assert!(all_close(&g, &cat(&rx, rw)));
        let (_, d) = unwrap_or_in_loops_jvp(&X, w, vec![0.0; 6], 1.0);
        assert!((d - gw).abs() <= 1e-9 * (1.0 + gw.abs()), "jvp {d} vs {gw}");

        let (gx, _) = fd2!(
            unwrap_or_index_and_arrays,
            unwrap_or_index_and_arrays_grad,
            X,
            w
        );
        let (_, d) = unwrap_or_index_and_arrays_jvp(&X, w, vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0);
        assert!(
            (d - gx[0]).abs() <= 1e-9 * (1.0 + gx[0].abs()),
            "jvp {d} vs {}",
            gx[0]
        );
    }
    for x in [
        [0.4, -0.3, 0.9, 0.5],
        [-0.4, -0.3, -0.9, -0.5],
        [0.4, 0.3, 0.9, 0.5],
    ] {
        let (_, g) = unwrap_or_order2_nested_grad(&x);
        check("unwrap_or_order2_nested", unwrap_or_order2_nested, &g, &x);
        let v = [0.3, -1.0, 0.5, 0.2];
        let (_, _, hv) = unwrap_or_order2_nested_hvp(&x, v.to_vec());
        check_hvp(
            "unwrap_or_order2_nested",
            |q| unwrap_or_order2_nested_grad(q).1,
            &hv,
            &x,
            &v,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// moves of a pushed Vec, and the sweep re-run after a failed optimistic try

/// A pushed `Vec` moved into `u` (whose old value carries a derivative), then `v` made again
/// and read: the new `v`'s adjoints must not reach the old `u`.
#[differentiable]
fn moved_and_remade(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut u = vec![k; n];
    let mut v = Vec::new();
    for i in 0..n {
        v.push(x[i] * x[i]);
    }
    let mut s = u[0] * k;
    u = v;
    v = vec![k * 2.0; n];
    for i in 0..n {
        s += v[i] * u[i] * x[i];
    }
    v = Vec::new();
    for i in 0..n {
        v.push(u[i] * k);
    }
    for i in 0..n {
        s += v[i] * v[i];
    }
    s
}

/// The same with `std::mem::swap` on a `Vec` made twice.
#[differentiable]
fn swapped_and_remade(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut u = vec![k; n];
    let mut v = Vec::new();
    for i in 0..n {
        v.push(x[i] * k);
    }
    std::mem::swap(&mut u, &mut v);
    let mut s = 0.0;
    for i in 0..n {
        s += v[i] * u[i];
    }
    v = vec![x[0]; n];
    std::mem::swap(&mut u, &mut v);
    for i in 0..n {
        s += v[i] * v[i] + u[i] * x[i];
    }
    s
}

#[differentiable]
fn pair_dot(a: &[f64], b: &[f64]) -> f64 {
    floored(a[0] * b[0] + a[1] * b[1])
}

/// Pops (the general path), ranges of the popped-from `Vec` and a rule behind them, `z = inf`
/// arranged so that the optimistic try fails and the careful sweep runs after it. `_vjp`:
/// 1 per element.
#[differentiable]
fn pops_ranges_rerun(p: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut st = Vec::new();
    let z = 1.0 / zero;
    let mut s = 0.0;
    for i in 0..p.len() {
        st.push(p[i] * p[i] + 0.5);
        if st.len() >= 4 {
            s += (pair_dot(&st[0..2], &st[2..4]) * z).min(5.0);
            let t = st.pop().unwrap_or(0.0);
            st.truncate(2);
            st.push(t * 0.5);
        }
        s += p[i];
    }
    s
}

#[differentiable]
fn dot_plain(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// A smooth function with ranges and pushes where one entry's IEEE gradient is NaN
/// (`sqrt(0)` times 0), so the careful sweep re-runs over the same records. `_vjp`: the
/// smooth part only.
#[differentiable]
fn rerun_over_pushes(p: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..p.len() {
        v.push(p[i] * p[i] + 0.3);
        let d = p[i] - p[i];
        s += (d * d).sqrt();
    }
    for i in 0..p.len() - 1 {
        s += dot_plain(&v[i..i + 2], &p[i..i + 2]) * v[i];
    }
    s
}

#[test]
fn moves_and_remakes_of_pushed_vecs() {
    fd2!(moved_and_remade, moved_and_remade_grad, X, 0.6);
    fd2!(swapped_and_remade, swapped_and_remade_grad, X, 0.6);
}

#[test]
fn careful_sweep_after_a_failed_try_over_the_same_records() {
    let g = grad_is_vjp!(pops_ranges_rerun_grad, pops_ranges_rerun_vjp, P, 0.0);
    assert!(all_close(&g, &[1.0; 8]), "{g:?}");
    let g = grad_is_vjp!(rerun_over_pushes_grad, rerun_over_pushes_vjp, P);
    let smooth = |q: &[f64]| {
        let mut s = 0.0;
        for i in 0..q.len() - 1 {
            let (a, b) = (q[i] * q[i] + 0.3, q[i + 1] * q[i + 1] + 0.3);
            s += (a * q[i] + b * q[i + 1]) * a;
        }
        s
    };
    check("rerun_over_pushes", smooth, &g, &P);
}

// ---------------------------------------------------------------------------------------------
// more unwrap_or forms, pushed rows lent to a helper

/// `unwrap_or` inside larger expressions, as loop-carried state, on a parameter's `get`, and
/// with a default reading the `Vec` the `Option` was popped from.
#[differentiable]
fn unwrap_or_in_exprs(x: &[f64], w: f64) -> f64 {
    let mut o = None;
    let mut v = vec![w, w * 2.0];
    let mut s = 0.0;
    for i in 0..x.len() {
        o = Some(o.unwrap_or(x[0] * w) * (1.0 + 0.1 * x[i]));
        s += -o.unwrap_or(w).sin() + x.get(i + 3).copied().unwrap_or(w * x[i]) * 2.0;
        v.push(x[i] * w);
        if x[i] < 0.0 {
            let t = v.pop().unwrap_or(v[0]);
            s += t * v[0];
        }
    }
    let last = v.pop().unwrap_or(v[0] * w);
    s + last * o.unwrap_or(0.0)
}

#[differentiable]
fn positive_part(x: f64) -> Option<f64> {
    if x > 0.0 { Some(x * x) } else { None }
}

/// A call's `Option` unwrapped per trip with a default carrying a derivative (`order = 2`
/// refuses a callee returning `Option`: it needs scalar outputs).
#[differentiable]
fn call_options(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let d = x[(i + 1) % x.len()];
        s += positive_part(x[i]).unwrap_or(d * d * x[i]) * d;
    }
    s
}

#[test]
fn unwrap_or_in_expressions_generics_and_calls() {
    let n = X.len();
    for w in [0.3, -0.6] {
        let (gx, gw) = fd2!(unwrap_or_in_exprs, unwrap_or_in_exprs_grad, X, w);
        let g = cat(&gx, gw);
        let (rx, rw) = unwrap_or_in_exprs_vjp(&X, w).1(1.0);
        assert!(all_close(&g, &cat(&rx, rw)));
        let t: Vec<f64> = (0..n).map(|k| 0.1 * k as f64 - 0.2).collect();
        let (_, d) = unwrap_or_in_exprs_jvp(&X, w, t.clone(), 0.5);
        let want: f64 = gx.iter().zip(&t).map(|(a, b)| a * b).sum::<f64>() + 0.5 * gw;
        assert!(
            (d - want).abs() <= 1e-9 * (1.0 + want.abs()),
            "jvp {d} vs {want}"
        );
    }
    let x = [0.4, -0.3, 0.9, -0.5];
    let (_, g) = call_options_grad(&x);
    check("call_options", call_options, &g, &x);
    let r = call_options_vjp(&x).1(1.0);
    assert!(all_close(&g, &r));
}

// ---------------------------------------------------------------------------------------------
// loans of a growing Vec, custom rules over a pushed Vec, second order through helpers

/// `Σ a_i²`, with its own rule (pullback `2 a g`).
#[custom_derivative(vjp = sq_rule_vjp, jvp = sq_rule_jvp)]
fn sq_norm(a: &[f64]) -> f64 {
    a.iter().map(|v| v * v).sum()
}
fn sq_rule_vjp(a: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (sq_norm(a), move |g: f64| {
        a.iter().map(|v| 2.0 * v * g).collect()
    })
}
fn sq_rule_jvp(a: &[f64], t: Vec<f64>) -> (f64, f64) {
    (sq_norm(a), a.iter().zip(t).map(|(v, d)| 2.0 * v * d).sum())
}

/// A growing pushed `Vec` lent per trip to a helper and to a custom rule.
#[differentiable]
fn growing_loans(x: &[f64], w: f64) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * w + 0.1);
        s += sum_sq(&v) * x[i] + sq_norm(&v) * w;
    }
    s
}

#[differentiable(order = 2)]
fn pushed_helper2(v: &[f64], c: f64) -> f64 {
    let mut h = Vec::new();
    let mut p = c;
    for i in 0..v.len() {
        p = p * v[i] + c;
        h.push(p * p);
    }
    let mut s = 0.0;
    for i in 1..h.len() {
        s += h[i] * h[i - 1];
    }
    s
}

#[differentiable(order = 2)]
fn calls_pushed_helper2(x: &[f64]) -> f64 {
    let mut w = vec![0.0; x.len()];
    let mut outs = Vec::new();
    for t in 0..2 {
        for i in 0..x.len() {
            w[i] = x[i] * (0.5 + 0.3 * t as f64);
        }
        outs.push(pushed_helper2(&w, x[0]));
    }
    outs[0] * outs[1]
}

#[test]
fn growing_loans_and_second_order_helpers() {
    fd2!(growing_loans, growing_loans_grad, X, 0.7);
    let x = [0.4, -0.3, 0.9, 0.5];
    let v = [0.3, -1.0, 0.5, 0.2];
    let (_, g) = calls_pushed_helper2_grad(&x);
    check("calls_pushed_helper2", calls_pushed_helper2, &g, &x);
    let (_, _, hv) = calls_pushed_helper2_hvp(&x, v.to_vec());
    check_hvp(
        "calls_pushed_helper2",
        |q| calls_pushed_helper2_grad(q).1,
        &hv,
        &x,
        &v,
    );
}
