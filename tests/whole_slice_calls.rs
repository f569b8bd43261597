//! Calls per trip of a function of the user's on a parameter's whole slice (`interp(xs, ys, q)`
//! with `ys: &[f64]` differentiated): the reverse sweep runs the call again through its fused
//! companion, which adds into the parameter's adjoint in place (the slice lent as the range
//! `0..len` of itself, `reverse/range_slots.rs`; the fused companion on such slices is covered
//! by `tests/param_slice_calls.rs`). Covered: piecewise-linear interpolation by
//! binary search, table lookups at data-dependent rows, helpers reading a short or a long slice
//! whole, reads that grow from trip to trip, a slice passed on whole to another helper, the
//! same element read twice, two slices and a local `Vec` in one call, a slice the caller also
//! reads itself, calls in a branch and in nested loops, a custom rule that is not linear in its
//! cotangent, values used through float methods, products and sums, generic and `f32`
//! helpers, the pullback called twice and a Hessian-vector product. Every gradient against
//! central differences in f64, or, for the custom rule, the rule's own value derived in a
//! comment.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_hvp, check_value_grad, pair_check, sines};

/// Piecewise-linear interpolation of `(xs, ys)` at `q` by binary search, constant outside.
#[differentiable]
fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if q <= xs[0] {
        return ys[0];
    }
    if q >= xs[n - 1] {
        return ys[n - 1];
    }
    let mut lo = 0;
    let mut hi = n - 1;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if xs[mid] <= q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = (q - xs[lo]) / (xs[lo + 1] - xs[lo]);
    ys[lo] * (1.0 - t) + ys[lo + 1] * t
}

#[differentiable]
fn interp_fit(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] target: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let e = interp(xs, ys, qs[i]) - target[i];
        l += e * e;
    }
    l
}

fn knots(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| i as f64 + 0.3 * (i as f64 * 1.3).sin())
        .collect()
}

/// Queries inside segments (away from the knots, where the interpolant is smooth) and a few
/// outside the knots.
fn queries(xs: &[f64], m: usize) -> Vec<f64> {
    let n = xs.len();
    (0..m)
        .map(|i| match i % 9 {
            0 => xs[0] - 0.7,
            4 => xs[n - 1] + 1.1,
            _ => {
                let k = (i * 7) % (n - 1);
                xs[k] + (0.2 + 0.07 * (i % 8) as f64) * (xs[k + 1] - xs[k])
            }
        })
        .collect()
}

#[test]
fn interpolation_fit_by_binary_search() {
    for n in [3, 5, 64] {
        let xs = knots(n);
        let ys = sines(n, 1.3);
        let qs = queries(&xs, 40);
        let target = sines(40, 0.4);
        pair_check(
            &format!("interp_fit n={n}"),
            |y, q| interp_fit(y, q, &xs, &target),
            interp_fit_grad(&ys, &qs, &xs, &target),
            &ys,
            &qs,
        );
    }
}

/// `table[k] x + table[k + 1] x²`: a lookup of two entries.
#[differentiable(order = 2)]
fn lookup(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x + table[k + 1] * x * x
}

/// Lookups at data-dependent rows, the same entry from several trips.
#[differentiable]
fn lookups(table: &[f64], xs: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let v = lookup(table, ks[i], xs[i]);
        s += v.sin();
    }
    s
}

#[test]
fn lookups_at_data_dependent_rows() {
    let table = sines(30, 0.9);
    let xs = sines(25, 1.1);
    let ks: Vec<usize> = (0..25).map(|i| (i * 11) % 29).collect();
    pair_check(
        "lookups",
        |t, x| lookups(t, x, &ks),
        lookups_grad(&table, &xs, &ks),
        &table,
        &xs,
    );
}

/// A whole-slice read: `Σ w_j x^j`.
#[differentiable]
fn poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for j in 0..w.len() {
        s += w[j] * p;
        p *= x;
    }
    s
}

#[differentiable]
fn poly_fit(w: &[f64], #[no_grad] xs: &[f64], #[no_grad] ys: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = poly(w, xs[i]) - ys[i];
        l += e * e;
    }
    l
}

/// Slices of 3 to 40 coefficients, every one read by every call.
#[test]
fn whole_slice_reads_short_and_long() {
    for len in [3, 8, 9, 40] {
        let w = sines(len, 0.5 / len as f64);
        let xs = sines(30, 0.9);
        let ys = sines(30, 0.3);
        let (v, g) = poly_fit_grad(&w, &xs, &ys);
        check_value_grad(
            &format!("poly_fit len={len}"),
            |w| poly_fit(w, &xs, &ys),
            (v, g),
            &w,
        );
    }
}

/// Reads `w[0..k]`: the number of elements read grows from trip to trip.
#[differentiable]
fn prefix(w: &[f64], k: usize, x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..k {
        s += w[j] * (x + j as f64).cos();
    }
    s
}

/// The first trips read a few elements, the last ones most of the slice.
#[differentiable]
fn prefixes(w: &[f64], xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let v = prefix(w, i + 1, xs[i]);
        s += v.powi(2);
    }
    s
}

#[test]
fn reads_growing_from_trip_to_trip() {
    let w = sines(48, 0.3);
    let xs = sines(40, 0.7);
    pair_check("prefixes", prefixes, prefixes_grad(&w, &xs), &w, &xs);
}

/// Passes its slice on whole to another helper (its adjoint comes back whole, in the callee's
/// coordinates) and reads one element itself, the same element twice.
#[differentiable]
fn relay(ys: &[f64], k: usize, q: f64) -> f64 {
    lookup(ys, k, q) * ys[k + 1] + ys[k + 1] * q
}

#[differentiable]
fn relays(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += relay(ys, i % 5, qs[i]).tanh();
    }
    s
}

#[test]
fn slice_passed_on_whole() {
    let ys = sines(6, 0.8);
    let qs = sines(12, 0.9);
    pair_check("relays", relays, relays_grad(&ys, &qs), &ys, &qs);
    let ys = sines(40, 0.8);
    pair_check("relays long", relays, relays_grad(&ys, &qs), &ys, &qs);
}

/// Two slices and a value.
#[differentiable]
fn blend(a: &[f64], b: &[f64], k: usize, t: f64) -> f64 {
    a[k] * t + b[k] * (1.0 - t) * a[k + 1]
}

/// Two parameters' slices in one call, a local `Vec` passed beside a parameter's slice, and the slice
/// also read by the caller itself.
#[differentiable]
fn mixes(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..b.len() - 1 {
        let t = 0.5 + 0.4 * (b[i] * 3.0).sin();
        s += blend(a, b, i % (a.len() - 1), t);
        let local = vec![b[i] * b[i], b[i + 1]];
        s += blend(&local, a, 0, a[i % a.len()]);
    }
    s
}

#[test]
fn two_slices_and_a_local() {
    let a = sines(7, 0.9);
    let b = sines(11, 0.6);
    pair_check("mixes", mixes, mixes_grad(&a, &b), &a, &b);
}

/// Calls in one arm of a branch, and in an inner loop.
#[differentiable]
fn branchy(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if qs[i] > 2.0 {
            s += interp(xs, ys, qs[i]) * qs[i];
        } else {
            s -= qs[i] * qs[i];
        }
        for j in 0..2 {
            s += 0.5 * lookup(ys, (i + j) % (ys.len() - 1), qs[i]);
        }
    }
    s
}

#[test]
fn calls_in_branches_and_inner_loops() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 30);
    pair_check(
        "branchy",
        |y, q| branchy(y, q, &xs),
        branchy_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// The identity, with the rule `g ↦ max(g, -1)` (not linear in `g`).
#[custom_derivative(vjp = floored_rule_vjp, jvp = floored_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}

fn floored_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}

fn floored_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

#[differentiable]
fn floored_pick(ys: &[f64], k: usize, q: f64) -> f64 {
    floored(ys[k] * q)
}

#[differentiable]
fn floored_sum(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += cs[i] * floored_pick(ys, i % ys.len(), qs[i]);
    }
    s
}

/// The rule sees the caller's cotangent `dy = c_i` itself (a gradient taken for `dy = 1` and
/// scaled would be wrong for `c_i < -1`). By the rule, `∂/∂y_k = Σ_{i: i mod n = k} max(c_i,
/// -1) q_i`.
#[test]
fn a_rule_not_linear_in_its_cotangent() {
    let ys = sines(4, 0.7);
    let qs = sines(10, 1.5);
    let cs: Vec<f64> = (0..10)
        .map(|i| if i % 2 == 0 { -3.0 } else { 0.5 })
        .collect();
    let (v, g) = floored_sum_grad(&ys, &qs, &cs);
    assert!((v - floored_sum(&ys, &qs, &cs)).abs() < 1e-12);
    let mut want = [0.0; 4];
    for i in 0..10 {
        want[i % 4] += cs[i].max(-1.0) * qs[i];
    }
    for k in 0..4 {
        assert!(
            (g[k] - want[k]).abs() < 1e-12,
            "[{k}] {} vs {}",
            g[k],
            want[k]
        );
    }
}

#[differentiable]
fn pick2<T: Real>(ys: &[T], k: usize, x: T) -> T {
    ys[k] * x + ys[k + 1] * x * x
}

#[differentiable]
fn picks<T: Real>(ys: &[T], xs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..xs.len() {
        let e = pick2(ys, (3 * i) % (ys.len() - 1), xs[i]) - xs[i];
        s += e.sin();
    }
    s
}

/// The value times itself (not known to be a float: a user's type may multiply into one).
#[differentiable]
fn squares(ys: &[f64], xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let v = lookup(ys, i % (ys.len() - 1), xs[i]);
        s += v * v;
    }
    s
}

#[test]
fn a_value_not_known_to_be_a_float() {
    let ys = sines(6, 0.8);
    let xs = sines(10, 0.6);
    pair_check("squares", squares, squares_grad(&ys, &xs), &ys, &xs);
}

#[test]
fn generic_and_f32_helpers() {
    let ys = sines(9, 0.8);
    let xs = sines(14, 0.6);
    pair_check("picks", picks::<f64>, picks_grad::<f64>(&ys, &xs), &ys, &xs);
    let (y32, x32) = (grad_checks::to32(&ys), grad_checks::to32(&xs));
    let (_, (gy32, gx32)) = picks_grad::<f32>(&y32, &x32);
    let (_, (gy, gx)) = picks_grad::<f64>(&ys, &xs);
    grad_checks::agree("picks f32 ys", &gy, &gy32, 1e-4);
    grad_checks::agree("picks f32 xs", &gx, &gx32, 1e-4);
}

#[test]
fn pullback_called_twice_and_hvp() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs = queries(&xs, 20);
    let target = sines(20, 0.2);
    let (v, pb) = interp_fit_vjp(&ys, &qs, &xs, &target);
    let (a1, b1) = pb(1.0);
    let (a2, b2) = pb(-2.5);
    let (v0, (ga, gb)) = interp_fit_grad(&ys, &qs, &xs, &target);
    assert!((v - v0).abs() < 1e-12);
    for (x, y) in a1.iter().zip(&ga).chain(b1.iter().zip(&gb)) {
        assert!((x - y).abs() < 1e-12);
    }
    for (x, y) in a2.iter().zip(&ga).chain(b2.iter().zip(&gb)) {
        assert!((x + 2.5 * y).abs() < 1e-10);
    }
    // H v through the table, against differences of the gradient
    let table = sines(12, 0.9);
    let ks: Vec<usize> = (0..9).map(|i| (i * 5) % 11).collect();
    let xq = sines(9, 0.8);
    let dir = sines(12, 0.6);
    check_value_grad(
        "table_lookups",
        |t| table_lookups(t, &xq, &ks),
        table_lookups_grad(&table, &xq, &ks),
        &table,
    );
    let (_, _, hv) = table_lookups_hvp(&table, &xq, &ks, dir.clone());
    check_hvp(
        "table_lookups",
        |t| table_lookups_grad(t, &xq, &ks).1,
        &hv,
        &table,
        &dir,
    );
}

/// [`lookups`] with the table the only differentiated parameter, for second order.
#[differentiable(order = 2)]
fn table_lookups(table: &[f64], #[no_grad] xs: &[f64], #[no_grad] ks: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let v = lookup(table, ks[i], xs[i]);
        s += v.sin();
    }
    s
}
