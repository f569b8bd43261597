//! Adversarial calls on a parameter's whole slice in a loop (`f(xs, ys, q)` with `ys` a
//! differentiated parameter; `reverse/range_slots.rs` lends the slice's adjoint to the callee
//! in place): helpers with early returns and searches, iterators, ranges passed on, nested
//! helpers, the same slice to two helpers or twice in one call, calls in branches, `while` loops
//! with `break` and `continue`, reads that grow and shrink from trip to trip, zero-length
//! slices, non-finite intermediates, custom rules, `_vjp` pullbacks called twice, owned `Vec`
//! parameters that grow, shrink or are replaced inside the loop, and results that keep other
//! paths. Every gradient against central differences in f64, or a value derived by hand where a
//! custom rule or a non-finite value decides it.

// `&Vec<f64>` parameters, `&ys` and `&ys[..]` of a slice are among the forms under test.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::needless_borrow,
    clippy::redundant_slicing,
    clippy::type_complexity,
    clippy::useless_vec
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_value_grad, pair_check, sines};

// ---------------------------------------------------------------- 1. early returns, while search

/// Index of the first element above `q` by a linear `while` scan, with early returns.
#[differentiable]
fn first_above(ys: &[f64], q: f64) -> f64 {
    if ys[0] > q {
        return ys[0] * q;
    }
    let mut i = 1;
    while i < ys.len() {
        if ys[i] > q {
            return ys[i] * ys[i - 1] + q;
        }
        i += 1;
    }
    ys[ys.len() - 1] - q
}

#[differentiable]
fn first_aboves(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += first_above(ys, qs[i]);
    }
    s
}

#[test]
fn t01_early_returns_and_scan() {
    for n in [3, 12, 40] {
        let ys = sines(n, 1.0);
        let qs: Vec<f64> = (0..15).map(|i| -1.2 + 0.17 * i as f64 + 0.013).collect();
        let r = first_aboves_grad(&ys, &qs);
        pair_check("first_aboves", first_aboves, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 2. iterators in the helper

#[differentiable]
fn iter_dot(ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for (j, y) in ys.iter().enumerate() {
        s += y * (q + j as f64).sin();
    }
    s
}

#[differentiable]
fn iter_dots(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += iter_dot(ys, qs[i]).tanh();
    }
    s
}

#[test]
fn t02_iter_enumerate_helper() {
    for n in [0, 1, 5, 8, 9, 33] {
        let ys = sines(n, 0.6);
        let qs = sines(7, 1.1);
        let r = iter_dots_grad(&ys, &qs);
        pair_check("iter_dots", iter_dots, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 3. range passed on to a nested helper

#[differentiable]
fn tri(w: &[f64], q: f64) -> f64 {
    w[0] * q + w[1] * q * q + w[2] * w[0]
}

#[differentiable]
fn seg(ys: &[f64], a: usize, q: f64) -> f64 {
    tri(&ys[a..a + 3], q) + ys[a + 1]
}

#[differentiable]
fn segs(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += seg(ys, (i * 5) % (ys.len() - 2), qs[i]);
    }
    s
}

#[test]
fn t03_range_to_nested_helper() {
    for n in [4, 11, 50] {
        let ys = sines(n, 0.7);
        let qs = sines(13, 0.9);
        let r = segs_grad(&ys, &qs);
        pair_check("segs", segs, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 4. two helpers, same slice, one trip

#[differentiable]
fn pick(ys: &[f64], k: usize, q: f64) -> f64 {
    ys[k] * q
}

#[differentiable]
fn two_helpers(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let k = i % ys.len();
        s += pick(ys, k, qs[i]);
        s -= iter_dot(ys, qs[i]) * 0.5;
        let t = first_above(ys, qs[i]) + ys[k];
        s += t.sin();
    }
    s
}

#[test]
fn t04_two_helpers_one_trip() {
    for n in [3, 9, 36] {
        let ys = sines(n, 0.8);
        let qs: Vec<f64> = sines(10, 0.77).iter().map(|q| q + 0.031).collect();
        let r = two_helpers_grad(&ys, &qs);
        pair_check("two_helpers", two_helpers, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 5. the slice twice in one call

#[differentiable]
fn cross(a: &[f64], b: &[f64], k: usize, t: f64) -> f64 {
    a[k] * b[k + 1] * t + b[k] * a[k] - a[k + 1] * t
}

#[differentiable]
fn twice_in_call(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += cross(ys, ys, i % (ys.len() - 1), qs[i]);
    }
    s
}

#[test]
fn t05_same_slice_twice_in_one_call() {
    for n in [2, 6, 40] {
        let ys = sines(n, 0.8);
        let qs = sines(9, 1.1);
        let r = twice_in_call_grad(&ys, &qs);
        pair_check("twice_in_call", twice_in_call, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 6. &Vec<f64>

#[differentiable]
fn vpick(ys: &Vec<f64>, k: usize, q: f64) -> f64 {
    ys[k] * q.cos() + ys[(k + 1) % ys.len()]
}

#[differentiable]
fn vpicks(ys: &Vec<f64>, qs: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += vpick(ys, (i * 3) % ys.len(), qs[i]).powi(2);
    }
    s
}

#[test]
fn t06_vec_params() {
    for n in [1, 7, 30] {
        let ys = sines(n, 0.8);
        let qs = sines(11, 1.3);
        let r = vpicks_grad(&ys, &qs);
        pair_check(
            "vpicks",
            |a, b| vpicks(&a.to_vec(), &b.to_vec()),
            r,
            &ys,
            &qs,
        );
    }
}

// ---------------------------------------------------------------- 7. f32 helper and generic helper

#[differentiable]
fn gpick<T: Real>(ys: &[T], k: usize, q: T) -> T {
    if q > T::zero() {
        ys[k] * q
    } else {
        ys[k + 1] - q
    }
}

#[differentiable]
fn gpicks<T: Real>(ys: &[T], qs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..qs.len() {
        let v = gpick(ys, i % (ys.len() - 1), qs[i]);
        s += v.exp();
    }
    s
}

#[differentiable]
fn fpick(ys: &[f32], k: usize, q: f32) -> f32 {
    ys[k] * q + ys[k] * ys[k]
}

#[differentiable]
fn fpicks(ys: &[f32], qs: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..qs.len() {
        s += fpick(ys, i % ys.len(), qs[i]) * 2.0f32;
    }
    s
}

#[test]
fn t07_generic_and_f32() {
    let ys = sines(12, 0.8);
    let qs = sines(10, 1.0);
    let r = gpicks_grad::<f64>(&ys, &qs);
    pair_check("gpicks", gpicks::<f64>, r.clone(), &ys, &qs);
    let (y32, q32) = (grad_checks::to32(&ys), grad_checks::to32(&qs));
    let (_, (gy32, gq32)) = gpicks_grad::<f32>(&y32, &q32);
    grad_checks::agree("gpicks f32 ys", &r.1.0, &gy32, 1e-4);
    grad_checks::agree("gpicks f32 qs", &r.1.1, &gq32, 1e-4);
    // fpicks in f32 against the same formula in f64
    let (_, (gy, gq)) = fpicks_grad(&y32, &q32);
    let mut wy = vec![0.0f64; 12];
    let mut wq = vec![0.0f64; 10];
    for i in 0..10 {
        let k = i % 12;
        wy[k] += 2.0 * (qs[i] + 2.0 * ys[k]);
        wq[i] += 2.0 * ys[k];
    }
    grad_checks::agree("fpicks ys", &wy, &gy, 1e-4);
    grad_checks::agree("fpicks qs", &wq, &gq, 1e-4);
}

// ---------------------------------------------------------------- 8. array parameter (old path)

#[differentiable]
fn apick(ys: &[f64; 4], k: usize, q: f64) -> f64 {
    ys[k] * q + ys[3 - k]
}

#[differentiable]
fn apicks(ys: &[f64; 4], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += apick(ys, i % 4, qs[i]);
    }
    s
}

#[test]
fn t08_array_param() {
    let ys = [0.3, -0.7, 1.1, 0.4];
    let qs = sines(9, 1.0);
    let (v, (gy, gq)) = apicks_grad(&ys, &qs);
    pair_check(
        "apicks",
        |a, b| apicks(&[a[0], a[1], a[2], a[3]], b),
        (v, (gy.to_vec(), gq)),
        &ys,
        &qs,
    );
}

// ---------------------------------------------------------------- 9. while loop with break/continue

#[differentiable]
fn while_calls(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < qs.len() {
        i += 1;
        if qs[i - 1] < -0.5 {
            continue;
        }
        s += pick(ys, (i * 7) % ys.len(), qs[i - 1]) - 0.25;
        if s > 3.0 {
            break;
        }
    }
    s
}

#[differentiable]
fn for_break(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if qs[i] > 0.9 {
            break;
        }
        if qs[i] < -0.3 {
            continue;
        }
        let v = iter_dot(ys, qs[i]);
        s += v * qs[i];
    }
    s
}

#[test]
fn t09_while_break_continue() {
    for n in [3, 20] {
        let ys = sines(n, 0.9);
        let qs = sines(25, 1.0);
        let r = while_calls_grad(&ys, &qs);
        pair_check("while_calls", while_calls, r, &ys, &qs);
        let r = for_break_grad(&ys, &qs);
        pair_check("for_break", for_break, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 10. cap crossed in both orders

/// Reads `m` elements from `a` on (wrapping).
#[differentiable]
fn window(w: &[f64], a: usize, m: usize, q: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..m {
        s += w[(a + j) % w.len()] * (q * j as f64 + 0.3).cos();
    }
    s
}

/// Many, then few, then many reads per trip.
#[differentiable]
fn cap_orders(w: &[f64], qs: &[f64], #[no_grad] ms: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = window(w, i * 3, ms[i], qs[i]);
        s += v.sin();
    }
    s
}

#[test]
fn t10_cap_both_orders() {
    let w = sines(40, 0.7);
    let qs = sines(12, 0.9);
    for ms in [
        vec![2, 3, 8, 10, 11, 40, 1, 2, 3, 4, 5, 6],
        vec![40, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 0],
        vec![10, 9, 10, 11, 10, 9, 8, 10, 12, 0, 0, 1],
        vec![0; 12],
        vec![80, 2, 80, 2, 80, 2, 80, 2, 80, 2, 80, 2],
    ] {
        let r = cap_orders_grad(&w, &qs, &ms);
        pair_check("cap_orders", |a, b| cap_orders(a, b, &ms), r, &w, &qs);
    }
    // a short slice: cap 8, reads up to 80 with duplicates (wrapping)
    let w = sines(5, 0.7);
    let ms = vec![3, 9, 2, 20, 1, 1, 8, 7, 0, 5, 2, 2];
    let r = cap_orders_grad(&w, &qs, &ms);
    pair_check("cap_orders short", |a, b| cap_orders(a, b, &ms), r, &w, &qs);
}

// ---------------------------------------------------------------- 11. duplicate indices, many times

#[differentiable]
fn dup(ys: &[f64], k: usize, q: f64) -> f64 {
    let a = ys[k];
    let b = ys[k] * ys[k];
    let c = ys[k].sin() * q;
    a + b + c + ys[k] * ys[0]
}

#[differentiable]
fn dups(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += dup(ys, i % ys.len(), qs[i]) + dup(ys, 0, qs[i] * 0.5);
    }
    s
}

#[test]
fn t11_duplicate_indices() {
    for n in [1, 4, 30] {
        let ys = sines(n, 0.8);
        let qs = sines(9, 1.2);
        let r = dups_grad(&ys, &qs);
        pair_check("dups", dups, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 12. zero-length slice

#[differentiable]
fn maybe_empty(ys: &[f64], q: f64) -> f64 {
    if ys.is_empty() {
        return q * q;
    }
    ys[0] * q
}

#[differentiable]
fn empties(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += maybe_empty(ys, qs[i]);
    }
    s
}

#[test]
fn t12_zero_length() {
    let qs = sines(6, 1.0);
    for n in [0, 1, 2] {
        let ys = sines(n, 0.5);
        let r = empties_grad(&ys, &qs);
        pair_check("empties", empties, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 13. non-finite intermediates

/// `sqrt(ys[k]) * c` with `c = 0` computed, and `ys[k] = 0`: `0 * inf` inside the helper.
#[differentiable]
fn root_scaled(ys: &[f64], k: usize, c: f64) -> f64 {
    ys[k].sqrt() * c + ys[k + 1] * c
}

#[differentiable]
fn roots(ys: &[f64], cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..cs.len() {
        s += root_scaled(ys, i % (ys.len() - 1), cs[i]);
    }
    s
}

/// `max` picking its other operand at an infinite derivative.
#[differentiable]
fn root_max(ys: &[f64], k: usize, q: f64) -> f64 {
    ys[k].sqrt().max(q) + ys[k + 1] * q
}

#[differentiable]
fn root_maxes(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += root_max(ys, i % (ys.len() - 1), qs[i]);
    }
    s
}

/// The caller scales the call by zero: `dy = 0`, while the helper's unit-cotangent adjoint is
/// infinite (`sqrt` at 0).
#[differentiable]
fn zero_scaled(ys: &[f64], qs: &[f64], #[no_grad] ws: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += ws[i] * pick_root(ys, i % ys.len(), qs[i]);
    }
    s
}

#[differentiable]
fn pick_root(ys: &[f64], k: usize, q: f64) -> f64 {
    ys[k].sqrt() + q
}

fn all_finite(g: &[f64]) -> bool {
    g.iter().all(|v| v.is_finite())
}

#[test]
fn t13_non_finite_inside_helper() {
    // ys[k] = 0 at even k, c = 0 on every trip that reads an even k
    let ys = vec![0.0, 0.5, 0.0, 0.7, 0.0, 0.9];
    let cs: Vec<f64> = (0..10)
        .map(|i| if (i % 5) % 2 == 0 { 0.0 } else { 0.3 })
        .collect();
    let (v, (gy, gc)) = roots_grad(&ys, &cs);
    assert!((v - roots(&ys, &cs)).abs() < 1e-12);
    // by the zero rule: d/dys[k] sums c_i / (2 sqrt(ys[k])) over trips reading k (0 when c = 0)
    // and c_i for ys[k + 1]; d/dc_i = sqrt(ys[k]) + ys[k+1]
    let mut wy = vec![0.0; 6];
    let mut wc = vec![0.0; 10];
    for i in 0..10 {
        let k = i % 5;
        if cs[i] != 0.0 {
            wy[k] += cs[i] / (2.0 * ys[k].sqrt());
        }
        wy[k + 1] += cs[i];
        wc[i] = ys[k].sqrt() + ys[k + 1];
    }
    assert!(all_finite(&gy), "roots: {gy:?}");
    for k in 0..6 {
        assert!(
            (gy[k] - wy[k]).abs() < 1e-12,
            "roots ys[{k}] {} vs {}",
            gy[k],
            wy[k]
        );
    }
    for i in 0..10 {
        assert!(
            (gc[i] - wc[i]).abs() < 1e-12,
            "roots cs[{i}] {} vs {}",
            gc[i],
            wc[i]
        );
    }

    // max picks q > sqrt(0) = 0: d/dys[k] of the max is 0 (zero rule), not 0 * inf
    let qs: Vec<f64> = (0..10).map(|i| 0.2 + 0.05 * i as f64).collect();
    let (_, (gy, gq)) = root_maxes_grad(&ys, &qs);
    assert!(all_finite(&gy), "root_maxes: {gy:?}");
    assert!(all_finite(&gq), "root_maxes: {gq:?}");
    let mut wy = vec![0.0; 6];
    for i in 0..10 {
        let k = i % 5;
        if ys[k].sqrt() > qs[i] {
            wy[k] += 1.0 / (2.0 * ys[k].sqrt());
        }
        wy[k + 1] += qs[i];
    }
    for k in 0..6 {
        assert!(
            (gy[k] - wy[k]).abs() < 1e-12,
            "root_maxes ys[{k}] {} vs {}",
            gy[k],
            wy[k]
        );
    }

    // dy = 0 at a zero element
    let ys = vec![0.0, 0.4, 0.9];
    let qs = sines(6, 1.0);
    let ws = vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0];
    let (_, (gy, _)) = zero_scaled_grad(&ys, &qs, &ws);
    assert!(all_finite(&gy), "zero_scaled: {gy:?}");
    let want = [
        0.0,
        2.0 / (2.0 * 0.4f64.sqrt()),
        4.0 / (2.0 * 0.9f64.sqrt()),
    ];
    for k in 0..3 {
        assert!(
            (gy[k] - want[k]).abs() < 1e-12,
            "zero_scaled ys[{k}] {} vs {}",
            gy[k],
            want[k]
        );
    }
}

// ---------------------------------------------------------------- 14. #[no_grad] helper param

#[differentiable]
fn ng_pick(#[no_grad] zs: &[f64], ys: &[f64], k: usize, q: f64) -> f64 {
    zs[k] * ys[k] * q * q
}

#[differentiable]
fn ng_picks(ys: &[f64], qs: &[f64], #[no_grad] zs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += ng_pick(zs, ys, i % ys.len(), qs[i]) + pick(ys, i % ys.len(), qs[i]);
    }
    s
}

#[test]
fn t14_no_grad_helper_param() {
    let ys = sines(5, 0.8);
    let zs = sines(5, 1.5);
    let qs = sines(8, 1.0);
    let r = ng_picks_grad(&ys, &qs, &zs);
    pair_check("ng_picks", |a, b| ng_picks(a, b, &zs), r, &ys, &qs);
}

// ---------------------------------------------------------------- 15. custom rules on slices

/// `½ Σ v²`, rule linear in `g`.
#[custom_derivative(vjp = halfsq_rule_vjp, jvp = halfsq_rule_jvp)]
fn halfsq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in v {
        s += 0.5 * x * x;
    }
    s
}
fn halfsq_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (halfsq(v), move |g: f64| v.iter().map(|x| x * g).collect())
}
fn halfsq_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (halfsq(v), v.iter().zip(&dv).map(|(a, b)| a * b).sum())
}

/// `Σ v` with the rule `g ↦ clamp(g, -1, 1)` per element (not linear in `g`).
#[custom_derivative(vjp = clipsum_rule_vjp, jvp = clipsum_rule_jvp)]
fn clipsum(v: &[f64]) -> f64 {
    v.iter().sum()
}
fn clipsum_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (clipsum(v), move |g: f64| vec![g.clamp(-1.0, 1.0); v.len()])
}
fn clipsum_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (clipsum(v), dv.iter().sum())
}

#[differentiable]
fn sq_wrap(ys: &[f64], k: usize, q: f64) -> f64 {
    halfsq(ys) * q + ys[k]
}

#[differentiable]
fn clip_wrap(ys: &[f64], k: usize, q: f64) -> f64 {
    clipsum(ys) + ys[k] * q
}

#[differentiable]
fn sq_sums(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += sq_wrap(ys, (i * 3) % ys.len(), qs[i]);
        s += halfsq(ys) * qs[i];
    }
    s
}

#[differentiable]
fn clip_sums(ys: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..cs.len() {
        s += cs[i] * clip_wrap(ys, i % ys.len(), 0.5);
    }
    s
}

#[test]
fn t15_custom_rule_on_slice() {
    for n in [3, 40] {
        let ys = sines(n, 0.8);
        let qs = sines(9, 1.0);
        let r = sq_sums_grad(&ys, &qs);
        pair_check("sq_sums", sq_sums, r, &ys, &qs);
    }
    // by the rule: d/dy_k = Σ_i clamp(c_i, -1, 1) + Σ_{i: i mod n = k} 0.5 c_i
    for n in [3, 40] {
        let ys = sines(n, 0.8);
        let cs: Vec<f64> = (0..9)
            .map(|i| if i % 2 == 0 { -3.0 } else { 0.4 * i as f64 })
            .collect();
        let (v, g) = clip_sums_grad(&ys, &cs);
        assert!((v - clip_sums(&ys, &cs)).abs() < 1e-12);
        let base: f64 = cs.iter().map(|c| c.clamp(-1.0, 1.0)).sum();
        let mut want = vec![base; n];
        for i in 0..9 {
            want[i % n] += 0.5 * cs[i];
        }
        for k in 0..n {
            assert!(
                (g[k] - want[k]).abs() < 1e-12,
                "clip_sums[{k}] {} vs {}",
                g[k],
                want[k]
            );
        }
    }
}

// ---------------------------------------------------------------- 16. tuples, products of calls (old path)

#[differentiable]
fn two_of(ys: &[f64], k: usize, q: f64) -> (f64, f64) {
    (ys[k] * q, ys[k + 1] - q)
}

#[differentiable]
fn tuples(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let (a, b) = two_of(ys, i % (ys.len() - 1), qs[i]);
        s += a * b;
        s += pick(ys, 0, qs[i]) * pick(ys, i % ys.len(), 0.5);
    }
    s
}

#[test]
fn t16_tuples_and_products_of_calls() {
    let ys = sines(6, 0.8);
    let qs = sines(9, 1.0);
    let r = tuples_grad(&ys, &qs);
    pair_check("tuples", tuples, r, &ys, &qs);
}

// ---------------------------------------------------------------- 17. pullback called twice, over and under the cap

#[differentiable]
fn vjp_mix(w: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = window(w, i, if i % 3 == 0 { 2 } else { 30 }, qs[i]);
        s += v * qs[i];
        s += pick(w, (i * 7) % w.len(), qs[i]).cos();
    }
    s
}

#[test]
fn t17_pullback_twice() {
    let w = sines(40, 0.6);
    let qs = sines(10, 0.7);
    let (v, pb) = vjp_mix_vjp(&w, &qs);
    let (a1, b1) = pb(1.0);
    let (a2, b2) = pb(-3.5);
    let (a3, b3) = pb(0.0);
    let (v0, (ga, gb)) = vjp_mix_grad(&w, &qs);
    assert!((v - v0).abs() < 1e-12);
    for (x, y) in a1.iter().zip(&ga).chain(b1.iter().zip(&gb)) {
        assert!((x - y).abs() < 1e-12, "pb(1) {x} vs {y}");
    }
    for (x, y) in a2.iter().zip(&ga).chain(b2.iter().zip(&gb)) {
        assert!((x + 3.5 * y).abs() < 1e-10, "pb(-3.5) {x} vs {}", -3.5 * y);
    }
    for x in a3.iter().chain(&b3) {
        assert!(*x == 0.0, "pb(0) {x}");
    }
    pair_check("vjp_mix", vjp_mix, (v0, (ga, gb)), &w, &qs);
}

// ---------------------------------------------------------------- 18. nested loops, several calls per trip

#[differentiable]
fn nested(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        for j in 0..(i % 4) {
            s += pick(ys, (i + j) % ys.len(), qs[i]);
            s += window(ys, j, i + j, qs[i]) * 0.1;
        }
        let mut k = 0;
        while k < 2 {
            s -= pick(ys, (i * k) % ys.len(), qs[i] + 1.0);
            k += 1;
        }
    }
    s
}

#[test]
fn t18_nested_loops() {
    for n in [5, 33] {
        let ys = sines(n, 0.8);
        let qs = sines(12, 0.9);
        let r = nested_grad(&ys, &qs);
        pair_check("nested", nested, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 19. caller reads and a branch on the value

#[differentiable]
fn reads_too(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let k = i % ys.len();
        let v = pick(ys, k, qs[i]);
        if v > 0.0 {
            s += v * ys[k];
        } else {
            s += ys[k] - v;
        }
        let u = pick(ys, k, 2.0) / ys[k].cosh();
        s += u;
    }
    s
}

#[test]
fn t19_caller_reads_and_branches() {
    let ys = sines(7, 0.9);
    let qs = sines(11, 1.0);
    let r = reads_too_grad(&ys, &qs);
    pair_check("reads_too", reads_too, r, &ys, &qs);
}

// ---------------------------------------------------------------- 20. quotient, product with a known float, max, mul_add

#[differentiable]
fn scalings(ys: &[f64], qs: &[f64], #[no_grad] ws: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let k = i % ys.len();
        let a = ws[i] * pick(ys, k, qs[i]);
        let b = pick(ys, (k + 1) % ys.len(), qs[i]) / (1.0 + qs[i] * qs[i]);
        let c = qs[i] / (2.0 + pick(ys, k, 1.0).powi(2));
        s = s.max(a) + b + c;
        s += pick(ys, k, qs[i]).mul_add(qs[i], 0.5);
        s += pick(ys, k, 0.3).abs().sqrt();
    }
    s
}

#[test]
fn t20_scalings_and_methods() {
    let ys = sines(6, 0.9);
    let qs = sines(10, 1.0);
    let ws = sines(10, 2.0);
    let r = scalings_grad(&ys, &qs, &ws);
    pair_check("scalings", |a, b| scalings(a, b, &ws), r, &ys, &qs);
}

// ---------------------------------------------------------------- 21. slice passed to a nested helper by iteration inside

#[differentiable]
fn sum_all(ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for y in ys {
        s += *y;
    }
    s
}

#[differentiable]
fn centred(ys: &[f64], k: usize, q: f64) -> f64 {
    let m = sum_all(ys) / ys.len() as f64;
    (ys[k] - m) * q
}

#[differentiable]
fn centreds(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += centred(ys, i % ys.len(), qs[i]).powi(2);
    }
    s
}

#[test]
fn t21_nested_whole_slice() {
    for n in [1, 4, 8, 9, 40] {
        let ys = sines(n, 0.8);
        let qs = sines(9, 1.0);
        let r = centreds_grad(&ys, &qs);
        pair_check("centreds", centreds, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 22. Vec by value parameter, mutated in the loop

#[differentiable]
fn mutated(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
    let mut s = 0.0;
    let n = ys.len();
    for i in 0..qs.len() {
        let k = i % n;
        s += pick(&ys, k, qs[i]);
        ys[k] = ys[k] * qs[i] + 0.1;
        s += pick(&ys, (k + 1) % n, qs[i]);
    }
    s
}

#[test]
fn t22_mutated_vec_param() {
    let ys = sines(4, 0.8);
    let qs = sines(9, 1.0);
    let r = mutated_grad(ys.clone(), &qs);
    pair_check("mutated", |a, b| mutated(a.to_vec(), b), r, &ys, &qs);
}

// ---------------------------------------------------------------- 23. first/last and len-relative reads

#[differentiable]
fn ends(ys: &[f64], q: f64) -> f64 {
    let n = ys.len();
    ys[n - 1] * q + ys[0] * ys[n / 2]
}

#[differentiable]
fn endss(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s -= ends(ys, qs[i]);
        s += ends(&ys[i % 2..], qs[i]);
    }
    s
}

#[test]
fn t23_ends_and_ranges_of_the_param() {
    for n in [2, 9, 31] {
        let ys = sines(n, 0.8);
        let qs = sines(7, 1.0);
        let r = endss_grad(&ys, &qs);
        pair_check("endss", endss, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 24. order 2 through listed calls

#[differentiable(order = 2)]
fn lk(ys: &[f64], k: usize, x: f64) -> f64 {
    ys[k] * ys[k + 1] * x + ys[k] * x * x
}

#[differentiable(order = 2)]
fn lks(ys: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += lk(ys, (i * 3) % (ys.len() - 1), xs[i]).powi(2);
    }
    s
}

#[test]
fn t24_hvp() {
    let ys = sines(9, 0.8);
    let xs = sines(10, 1.0);
    let dir = sines(9, 0.5);
    check_value_grad("lks", |y| lks(y, &xs), lks_grad(&ys, &xs), &ys);
    let (_, g, hv) = lks_hvp(&ys, &xs, dir.clone());
    let want = lks_grad(&ys, &xs).1;
    assert!(
        g.iter()
            .zip(&want)
            .all(|(a, b)| (a - b).abs() <= 1e-12 * (1.0 + b.abs()))
    );
    grad_checks::check_hvp("lks", |y| lks_grad(y, &xs).1, &hv, &ys, &dir);
}

// ---------------------------------------------------------------- 25. call's value tied to a float through several steps

#[differentiable]
fn chained(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let a = pick(ys, i % ys.len(), qs[i]);
        let b = a;
        let c = -b;
        let d = c.exp();
        let e = d * 0.5;
        let f = e - first_above(ys, qs[i]);
        s += f;
    }
    s
}

#[test]
fn t25_ties_through_copies() {
    let ys = sines(7, 0.9);
    let qs = sines(10, 1.0);
    let r = chained_grad(&ys, &qs);
    pair_check("chained", chained, r, &ys, &qs);
}

// ---------------------------------------------------------------- 26. binary search helper, queries exactly on knots

#[differentiable]
fn bsearch(ys: &[f64], q: f64) -> f64 {
    let mut lo = 0;
    let mut hi = ys.len();
    while lo < hi {
        let mid = (lo + hi) / 2;
        if ys[mid] < q {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if lo == ys.len() {
        return q;
    }
    ys[lo] * q
}

#[differentiable]
fn bsearches(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += bsearch(ys, qs[i]) * 2.0;
    }
    s
}

#[test]
fn t26_binary_search() {
    for n in [1, 7, 64] {
        let ys: Vec<f64> = (0..n)
            .map(|i| i as f64 * 0.3 + 0.01 * (i as f64).sin())
            .collect();
        let qs: Vec<f64> = (0..20).map(|i| -0.5 + 0.37 * i as f64 + 0.011).collect();
        let r = bsearches_grad(&ys, &qs);
        pair_check("bsearches", bsearches, r, &ys, &qs);
    }
}

// ---------------------------------------------------------------- 27. the call outside a loop and inside a loop, two gradient calls

#[differentiable]
fn in_and_out(w: &[f64], qs: &[f64]) -> f64 {
    let mut s = window(w, 0, w.len(), 0.4);
    for i in 0..qs.len() {
        s += window(w, i, 3 + (i % 2) * 40, qs[i]);
    }
    s
}

#[test]
fn t27_repeat_gradient_calls() {
    // the site's flag is per gradient call: a second call starts listing again
    let w = sines(24, 0.6);
    let qs = sines(6, 0.8);
    for _ in 0..3 {
        let r = in_and_out_grad(&w, &qs);
        pair_check("in_and_out", in_and_out, r, &w, &qs);
    }
    let w = sines(3, 0.6);
    let r = in_and_out_grad(&w, &qs);
    pair_check("in_and_out short", in_and_out, r, &w, &qs);
}

/// Views, iterator ranges and windows inside the helper, two levels of listing, array results, `&ys` and `&ys[..]`, rows.
#[allow(clippy::ptr_arg, unused)]
mod b {
    use super::*;

    #[differentiable]
    fn shifted(ys: &[f64], k: usize, q: f64) -> f64 {
        let zs = &ys[1..];
        zs[k] * q + zs[0]
    }
    #[differentiable]
    fn shifteds(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += shifted(ys, i % (ys.len() - 1), qs[i]);
        }
        s
    }
    #[test]
    fn b01_view_inside_helper() {
        for n in [3, 9, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(9, 1.1);
            let r = shifteds_grad(&ys, &qs);
            pair_check("shifteds", shifteds, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn itersk(ys: &[f64], a: usize, q: f64) -> f64 {
        let mut s = 0.0;
        for (j, y) in ys[a..a + 2].iter().enumerate() {
            s += y * (q + j as f64);
        }
        for y in ys.iter().skip(a).take(2) {
            s += y * y * q;
        }
        s
    }
    #[differentiable]
    fn iterskss(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += itersk(ys, (i * 3) % (ys.len() - 1), qs[i]);
        }
        s
    }
    #[test]
    fn b02_iter_ranges_inside_helper() {
        for n in [3, 9, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(9, 1.1);
            let r = iterskss_grad(&ys, &qs);
            pair_check("iterskss", iterskss, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn leaf(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[(k + 2) % ys.len()]
    }
    #[differentiable]
    fn mid(ys: &[f64], k: usize, q: f64) -> f64 {
        let mut s = 0.0;
        for j in 0..3 {
            s += leaf(ys, (k + j) % ys.len(), q + j as f64).sin();
        }
        s
    }
    #[differentiable]
    fn top(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += mid(ys, (i * 5) % ys.len(), qs[i]) * qs[i];
        }
        s
    }
    #[test]
    fn b03_two_levels_of_listing() {
        for n in [3, 8, 20, 60] {
            let ys = sines(n, 0.8);
            let qs = sines(11, 1.1);
            let r = top_grad(&ys, &qs);
            pair_check("top", top, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn arr2(ys: &[f64], k: usize, q: f64) -> [f64; 2] {
        [ys[k] * q, ys[k] + q]
    }
    #[differentiable]
    fn arr_sums(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let v = arr2(ys, i % ys.len(), qs[i]);
            s += v[0] * v[1];
        }
        s
    }
    #[test]
    fn b04_array_result() {
        let ys = sines(6, 0.8);
        let qs = sines(9, 1.1);
        let r = arr_sums_grad(&ys, &qs);
        pair_check("arr_sums", arr_sums, r, &ys, &qs);
    }

    #[differentiable]
    fn dref(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += leaf(&ys, i % ys.len(), qs[i]);
            s += leaf(&ys[..], (i + 1) % ys.len(), qs[i]);
        }
        s
    }
    #[test]
    fn b05_double_ref_and_full_range() {
        for n in [3, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(9, 1.1);
            let r = dref_grad(&ys, &qs);
            pair_check("dref", dref, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn rowpick(rows: &[Vec<f64>], i: usize, q: f64) -> f64 {
        rows[i][0] * q + rows[i][1]
    }
    #[differentiable]
    fn rowpicks(rows: &[Vec<f64>], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += rowpick(rows, i % rows.len(), qs[i]);
        }
        s
    }
    #[test]
    fn b06_rows_param() {
        let flat = sines(6, 0.8);
        let rows = grad_checks::rows_of(&flat, 2);
        let qs = sines(7, 1.0);
        let (v, (gr, gq)) = rowpicks_grad(&rows, &qs);
        let r = (v, (grad_checks::flat(&gr), gq));
        pair_check(
            "rowpicks",
            |a, b| rowpicks(&grad_checks::rows_of(a, 2), b),
            r,
            &flat,
            &qs,
        );
    }

    #[differentiable]
    fn winsum(ys: &[f64], q: f64) -> f64 {
        let mut s = 0.0;
        for w in ys.windows(2) {
            s += w[0] * w[1] * q;
        }
        s
    }
    #[differentiable]
    fn winsums(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += winsum(ys, qs[i]);
        }
        s
    }
    #[test]
    fn b07_windows_in_helper() {
        for n in [2, 5, 9, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(9, 1.1);
            let r = winsums_grad(&ys, &qs);
            pair_check("winsums", winsums, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn isum(ys: &[f64], a: usize, q: f64) -> f64 {
        let v: f64 = ys.iter().sum();
        v * q
    }
    #[differentiable]
    fn isums(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += isum(ys, i % (ys.len() - 1), qs[i]);
        }
        s
    }
    #[test]
    fn b08_iter_sum_range() {
        for n in [3, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(9, 1.1);
            let r = isums_grad(&ys, &qs);
            pair_check("isums", isums, r, &ys, &qs);
        }
    }
}

/// Parameter `Vec`s that grow or are replaced by a longer one in the loop (HEAD panics: `give_pairs_scaled` sizes the adjoint by the parameter's length as read after the forward sweep, not the call's), loop-carried values, `return` inside the loop, element and iterator loops, a parameter beside its own range, `match`.
#[allow(clippy::ptr_arg, unused)]
mod c {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }

    #[differentiable]
    fn grows(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let t = ys[i] * qs[i];
            ys.push(t);
            s += pk(&ys, ys.len() - 1, qs[i]);
        }
        s
    }
    #[test]
    fn c01_param_vec_grows() {
        let ys = sines(3, 0.8);
        let qs = sines(6, 1.1);
        let r = grows_grad(ys.clone(), &qs);
        pair_check("grows", |a, b| grows(a.to_vec(), b), r, &ys, &qs);
    }

    #[differentiable]
    fn replaced(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let n = ys.len();
            let mut t = vec![0.0; n + 1];
            for j in 0..n {
                t[j] = ys[j] * qs[i];
            }
            t[n] = qs[i];
            ys = t;
            s += pk(&ys, n, qs[i]);
        }
        s
    }
    #[test]
    fn c02_param_vec_replaced_longer() {
        let ys = sines(3, 0.8);
        let qs = sines(6, 1.1);
        let r = replaced_grad(ys.clone(), &qs);
        pair_check("replaced", |a, b| replaced(a.to_vec(), b), r, &ys, &qs);
    }

    #[differentiable]
    fn carried(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        let mut prev = 0.0;
        for i in 0..qs.len() {
            let v = pk(ys, i % ys.len(), qs[i]);
            s += v * prev;
            prev = v;
        }
        s + prev
    }
    #[test]
    fn c03_loop_carried() {
        let ys = sines(5, 0.8);
        let qs = sines(8, 1.1);
        let r = carried_grad(&ys, &qs);
        pair_check("carried", carried, r, &ys, &qs);
    }

    #[differentiable]
    fn returns_in_loop(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let v = pk(ys, i % ys.len(), qs[i]);
            if v > 1.5 {
                return s * v;
            }
            s += v;
        }
        s
    }
    #[test]
    fn c04_return_in_loop() {
        let ys = sines(5, 0.8);
        for amp in [1.1, 3.0] {
            let qs = sines(12, amp);
            let r = returns_in_loop_grad(&ys, &qs);
            pair_check("returns_in_loop", returns_in_loop, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn elem_loop(ys: &[f64], q: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..ys.len() {
            s += ys[i] * pk(ys, i, q);
        }
        s
    }
    #[differentiable]
    fn iter_loop(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for (i, y) in ys.iter().enumerate() {
            s += pk(ys, i, *y);
        }
        for q in qs.iter() {
            s += pk(ys, 1, *q);
        }
        for (q, y) in qs.iter().zip(ys) {
            s -= pk(ys, 0, q * y);
        }
        for i in (0..qs.len()).rev().step_by(2) {
            s += pk(ys, i % ys.len(), qs[i]);
        }
        s
    }
    #[test]
    fn c05_element_and_iter_loops() {
        for n in [3, 20] {
            let ys = sines(n, 0.8);
            let qs = sines(7, 1.1);
            let r = iter_loop_grad(&ys, &qs);
            pair_check("iter_loop", iter_loop, r, &ys, &qs);
            let (v, g) = elem_loop_grad(&ys, 0.7);
            grad_checks::slice_scalar_check("elem_loop", elem_loop, (v, g), &ys, 0.7);
        }
    }

    #[differentiable]
    fn range_and_whole(a: &[f64], b: &[f64], q: f64) -> f64 {
        a[0] * b[1] + a[1] * q
    }
    #[differentiable]
    fn with_range(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += range_and_whole(ys, &ys[1..], qs[i]);
            s += range_and_whole(&ys[1..], ys, qs[i]);
        }
        s
    }
    #[test]
    fn c06_param_and_its_range() {
        let ys = sines(5, 0.8);
        let qs = sines(7, 1.1);
        let r = with_range_grad(&ys, &qs);
        pair_check("with_range", with_range, r, &ys, &qs);
    }

    #[differentiable]
    fn matchy(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            match i % 3 {
                0 => s += pk(ys, 0, qs[i]),
                1 => s -= pk(ys, 1, qs[i]) * 2.0,
                _ => {}
            }
            let w = if qs[i] > 0.0 { pk(ys, 2, qs[i]) } else { qs[i] };
            s += w;
        }
        s
    }
    #[test]
    fn c07_match_and_if_value() {
        let ys = sines(5, 0.8);
        let qs = sines(9, 1.1);
        let r = matchy_grad(&ys, &qs);
        pair_check("matchy", matchy, r, &ys, &qs);
    }
}

/// Lifetimes and paths, generic `&Vec<T>` callers, a custom rule called directly, `_vjp` with non-finite intermediates, parameter `Vec`s that shrink or grow.
#[allow(clippy::ptr_arg, unused)]
mod d {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }
    mod inner {
        use autodiff::prelude::*;
        #[differentiable]
        pub fn pk2(ys: &[f64], k: usize, q: f64) -> f64 {
            ys[k] * q * q
        }
    }

    #[differentiable]
    fn lifetimes<'a>(ys: &'a [f64], qs: &'a Vec<f64>) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += self::pk(ys, i % ys.len(), qs[i]);
            s += inner::pk2(ys, (i + 1) % ys.len(), qs[i]);
            s += crate::d::pk(ys, 0, qs[i]);
        }
        s
    }
    #[test]
    fn d01_lifetimes_and_paths() {
        let ys = sines(5, 0.8);
        let qs = sines(7, 1.1);
        let r = lifetimes_grad(&ys, &qs);
        pair_check("lifetimes", |a, b| lifetimes(a, &b.to_vec()), r, &ys, &qs);
    }

    #[differentiable]
    fn gvec<T: Real>(ys: &Vec<T>, qs: &[T]) -> T {
        let mut s = T::zero();
        for i in 0..qs.len() {
            s += gpk(ys, i % ys.len(), qs[i]) * qs[i];
        }
        s
    }
    #[differentiable]
    fn gpk<T: Real>(ys: &[T], k: usize, q: T) -> T {
        ys[k] * q + ys[0] * ys[k]
    }
    #[test]
    fn d02_generic_vec_caller() {
        let ys = sines(6, 0.8);
        let qs = sines(7, 1.1);
        let r = gvec_grad::<f64>(&ys, &qs);
        pair_check("gvec", |a, b| gvec::<f64>(&a.to_vec(), b), r, &ys, &qs);
    }

    #[differentiable]
    fn vec_to_slice(ys: &Vec<f64>, qs: Vec<f64>) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(ys, i % ys.len(), qs[i]) + pk(&qs, i, ys[0]);
        }
        s
    }
    #[test]
    fn d03_vec_caller_slice_helper_and_owned() {
        for n in [2, 30] {
            let ys = sines(n, 0.8);
            let qs = sines(7, 1.1);
            let r = vec_to_slice_grad(&ys, qs.clone());
            pair_check(
                "vec_to_slice",
                |a, b| vec_to_slice(&a.to_vec(), b.to_vec()),
                r,
                &ys,
                &qs,
            );
        }
    }

    /// `Σ v` with the rule `g ↦ clamp(g, -1, 1)` per element (not linear in `g`).
    #[custom_derivative(vjp = clipsum_rule_vjp, jvp = clipsum_rule_jvp)]
    fn clipsum(v: &[f64]) -> f64 {
        v.iter().sum()
    }
    fn clipsum_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
        (clipsum(v), move |g: f64| vec![g.clamp(-1.0, 1.0); v.len()])
    }
    fn clipsum_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
        (clipsum(v), dv.iter().sum())
    }
    #[differentiable]
    fn clip_direct(ys: &[f64], #[no_grad] cs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..cs.len() {
            s += cs[i] * clipsum(ys);
        }
        s
    }
    #[test]
    fn d04_custom_called_directly() {
        let ys = sines(4, 0.8);
        let cs = vec![-3.0, 0.5, 2.0, 0.25];
        let (_, g) = clip_direct_grad(&ys, &cs);
        let want: f64 = cs.iter().map(|c| c.clamp(-1.0, 1.0)).sum();
        for k in 0..4 {
            assert!((g[k] - want).abs() < 1e-12, "[{k}] {} vs {want}", g[k]);
        }
    }

    #[differentiable]
    fn roots(ys: &[f64], cs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..cs.len() {
            s += rs(ys, i % (ys.len() - 1), cs[i]);
        }
        s
    }
    #[differentiable]
    fn rs(ys: &[f64], k: usize, c: f64) -> f64 {
        ys[k].sqrt() * c + ys[k + 1] * c
    }
    #[test]
    fn d05_vjp_non_finite() {
        let ys = vec![0.0, 0.5, 0.0, 0.7, 0.0, 0.9];
        let cs: Vec<f64> = (0..10)
            .map(|i| if (i % 5) % 2 == 0 { 0.0 } else { 0.3 })
            .collect();
        let (_, pb) = roots_vjp(&ys, &cs);
        let (g1, _) = pb(1.0);
        let (g2, _) = pb(-2.0);
        let (g0, _) = pb(0.0);
        let (_, (g, _)) = roots_grad(&ys, &cs);
        for k in 0..6 {
            assert!(g1[k] == g[k], "pb(1)[{k}] {} vs {}", g1[k], g[k]);
            assert!(
                g2[k] == -2.0 * g[k],
                "pb(-2)[{k}] {} vs {}",
                g2[k],
                -2.0 * g[k]
            );
            assert!(g0[k] == 0.0, "pb(0)[{k}] {}", g0[k]);
        }
    }

    #[differentiable]
    fn shrinks(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&ys, ys.len() - 1, qs[i]);
            if ys.len() > 2 {
                ys.pop();
            }
        }
        s
    }
    #[test]
    fn d06_param_vec_shrinks() {
        let ys = sines(5, 0.8);
        let qs = sines(6, 1.1);
        let r = shrinks_grad(ys.clone(), &qs);
        pair_check("shrinks", |a, b| shrinks(a.to_vec(), b), r, &ys, &qs);
    }

    #[differentiable]
    fn grows_long(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let t = ys[i] * qs[i];
            ys.push(t);
            s += pk(&ys, i, qs[i]);
        }
        s
    }
    #[test]
    fn d07_param_vec_grows_reads_inside() {
        let ys = sines(3, 0.8);
        let qs = sines(6, 1.1);
        let r = grows_long_grad(ys.clone(), &qs);
        pair_check("grows_long", |a, b| grows_long(a.to_vec(), b), r, &ys, &qs);
    }
}

/// A mutated or replaced parameter `Vec` over the cap (run again), a scalar parameter beside the slice.
#[allow(clippy::ptr_arg, unused)]
mod e {
    use super::*;
    #[differentiable]
    fn window(w: &[f64], a: usize, m: usize, q: f64) -> f64 {
        let mut s = 0.0;
        for j in 0..m {
            s += w[(a + j) % w.len()] * (q * j as f64 + 0.3).cos();
        }
        s
    }
    #[differentiable]
    fn mutated_over_cap(mut ys: Vec<f64>, qs: &[f64], #[no_grad] ms: &[usize]) -> f64 {
        let mut s = 0.0;
        let n = ys.len();
        for i in 0..qs.len() {
            let k = i % n;
            s += window(&ys, k, ms[i], qs[i]);
            ys[k] = ys[k] * qs[i] + ys[(k + 1) % n];
            s += window(&ys, k + 1, ms[i] / 2, qs[i]).sin();
        }
        s
    }
    #[test]
    fn e01_mutated_param_over_cap() {
        let ys = sines(20, 0.8);
        let qs = sines(10, 1.1);
        for ms in [
            vec![2, 3, 40, 1, 2, 3, 1, 2, 3, 4],
            vec![40; 10],
            vec![3; 10],
        ] {
            let r = mutated_over_cap_grad(ys.clone(), &qs, &ms);
            pair_check(
                "mutated_over_cap",
                |a, b| mutated_over_cap(a.to_vec(), b, &ms),
                r,
                &ys,
                &qs,
            );
        }
    }

    #[differentiable]
    fn scalar_param(ys: &[f64], a: f64, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += window(ys, i, 2, a) * qs[i];
            s += window(ys, i, 2, a * qs[i]);
        }
        s
    }
    #[test]
    fn e02_scalar_param_beside() {
        let ys = sines(6, 0.8);
        let qs = sines(5, 1.1);
        let a = 0.37;
        let (v, (gy, ga, gq)) = scalar_param_grad(&ys, a, &qs);
        let mut all = ys.clone();
        all.push(a);
        all.extend(&qs);
        let mut g = gy.clone();
        g.push(ga);
        g.extend(&gq);
        check_value_grad(
            "scalar_param",
            |p| scalar_param(&p[..6], p[6], &p[7..]),
            (v, g),
            &all,
        );
    }

    #[differentiable]
    fn replaced_over_cap(mut ys: Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += window(&ys, 0, ys.len(), qs[i]);
            let n = ys.len();
            let mut t = vec![0.0; n];
            for j in 0..n {
                t[j] = ys[(j + 1) % n] * 0.9 + qs[i] * 0.1;
            }
            ys = t;
            s += window(&ys, i, 2, qs[i]);
        }
        s
    }
    #[test]
    fn e03_replaced_param() {
        for n in [4, 30] {
            let ys = sines(n, 0.8);
            let qs = sines(6, 1.1);
            let r = replaced_over_cap_grad(ys.clone(), &qs);
            pair_check(
                "replaced_over_cap",
                |a, b| replaced_over_cap(a.to_vec(), b),
                r,
                &ys,
                &qs,
            );
        }
    }
}

/// A `mut` slice parameter that advances or switches to another parameter, an owned `Vec` parameter replaced by a longer one (HEAD panics, as in `c`), a float-only call with a custom rule beside a listed call, a listing caller itself called on a window and on a local, second order over and under the cap.
#[allow(clippy::ptr_arg, unused)]
mod f {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }
    #[differentiable]
    fn advancing(mut ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(ys, 1, qs[i]);
            ys = &ys[1..];
        }
        s
    }
    #[test]
    fn f01_param_slice_advances() {
        let ys = sines(9, 0.8);
        let qs = sines(6, 1.1);
        let r = advancing_grad(&ys, &qs);
        pair_check("advancing", advancing, r, &ys, &qs);
    }
    #[differentiable]
    fn switching<'a>(mut a: &'a [f64], b: &'a [f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(a, i % 3, qs[i]);
            if i == 2 {
                a = b;
            }
            if i == 4 {
                a = &b[1..];
            }
        }
        s
    }
    #[test]
    fn f02_param_slice_switches() {
        let a = sines(5, 0.8);
        let b = sines(5, 0.6);
        let qs = sines(7, 1.1);
        let (v, (ga, gb, gq)) = switching_grad(&a, &b, &qs);
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&qs);
        let mut g = ga.clone();
        g.extend(&gb);
        g.extend(&gq);
        check_value_grad(
            "switching",
            |p| switching(&p[..5], &p[5..10], &p[10..]),
            (v, g),
            &all,
        );
    }
    #[differentiable]
    fn switching_vec(mut a: Vec<f64>, b: &Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&a, i % 3, qs[i]);
            if i == 2 {
                a = b.clone();
            }
        }
        s
    }
    #[test]
    fn f03_param_vec_switches() {
        let a = sines(5, 0.8);
        let b = sines(7, 0.6);
        let qs = sines(7, 1.1);
        let (v, (ga, gb, gq)) = switching_vec_grad(a.clone(), &b, &qs);
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&qs);
        let mut g = ga.clone();
        g.extend(&gb);
        g.extend(&gq);
        check_value_grad(
            "switching_vec",
            |p| switching_vec(p[..5].to_vec(), &p[5..12].to_vec(), &p[12..]),
            (v, g),
            &all,
        );
    }
    #[differentiable]
    fn switching_long<'a>(mut a: &'a [f64], b: &'a [f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(a, a.len() - 1, qs[i]);
            if i == 2 {
                a = b;
            }
        }
        s
    }
    #[test]
    fn f04_param_slice_switches_to_longer() {
        let a = sines(3, 0.8);
        let b = sines(8, 0.6);
        let qs = sines(7, 1.1);
        let (v, (ga, gb, gq)) = switching_long_grad(&a, &b, &qs);
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&qs);
        let mut g = ga.clone();
        g.extend(&gb);
        g.extend(&gq);
        check_value_grad(
            "switching_long",
            |p| switching_long(&p[..3], &p[3..11], &p[11..]),
            (v, g),
            &all,
        );
    }
    #[differentiable]
    fn switching_vec_long(mut a: Vec<f64>, b: &Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&a, a.len() - 1, qs[i]);
            if i == 2 {
                a = b.clone();
            }
        }
        s
    }
    #[test]
    fn f05_param_vec_switches_to_longer() {
        let a = sines(3, 0.8);
        let b = sines(8, 0.6);
        let qs = sines(7, 1.1);
        let (v, (ga, gb, gq)) = switching_vec_long_grad(a.clone(), &b, &qs);
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&qs);
        let mut g = ga.clone();
        g.extend(&gb);
        g.extend(&gq);
        check_value_grad(
            "switching_vec_long",
            |p| switching_vec_long(p[..3].to_vec(), &p[3..11].to_vec(), &p[11..]),
            (v, g),
            &all,
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
    fn fl(x: f64) -> f64 {
        floored(x * 2.0)
    }
    #[differentiable]
    fn plain_fl(x: f64) -> f64 {
        x * x
    }
    /// A call with only float arguments (custom rule inside) next to a listed call, both orders.
    #[differentiable]
    fn float_and_pairs(ys: &[f64], qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += cs[i] * fl(qs[i]);
            s += cs[i] * pk(ys, i % ys.len(), qs[i]);
            s += cs[i] * plain_fl(qs[i]);
        }
        for i in 0..qs.len() {
            s += cs[i] * pk(ys, i % ys.len(), 0.5);
            s += cs[i] * fl(ys[i % ys.len()]);
        }
        s
    }
    #[test]
    fn f06_float_only_call_beside_listed() {
        let ys = sines(4, 0.8);
        let qs = sines(6, 1.1);
        let cs = vec![-3.0, 0.5, 2.0, -0.25, -5.0, 1.0];
        let (v, (gy, gq)) = float_and_pairs_grad(&ys, &qs, &cs);
        // by the rule: d fl(x)/dx with cotangent c is 2 max(c, -1)... the rule sees g = 2c? no:
        // fl(x) = floored(2x): floored's cotangent is c, its rule gives max(c, -1), times 2.
        let mut wy = vec![0.0; 4];
        let mut wq = vec![0.0; 6];
        for i in 0..6 {
            let k = i % 4;
            wq[i] += 2.0 * cs[i].max(-1.0);
            wy[k] += cs[i] * qs[i];
            wy[0] += cs[i];
            wq[i] += cs[i] * ys[k];
            wq[i] += cs[i] * 2.0 * qs[i];
            wy[k] += cs[i] * 0.5;
            wy[0] += cs[i];
            wy[k] += 2.0 * cs[i].max(-1.0);
        }
        for k in 0..4 {
            assert!(
                (gy[k] - wy[k]).abs() < 1e-12,
                "ys[{k}] {} vs {}",
                gy[k],
                wy[k]
            );
        }
        for i in 0..6 {
            assert!(
                (gq[i] - wq[i]).abs() < 1e-12,
                "qs[{i}] {} vs {}",
                gq[i],
                wq[i]
            );
        }
    }

    #[differentiable]
    fn mid2(ys: &[f64], q: f64) -> f64 {
        let mut s = 0.0;
        for j in 0..3 {
            s += pk(ys, j % ys.len(), q + j as f64);
        }
        s
    }
    /// The caller of a listed call is itself called on a range (its adjoint a window of the
    /// outer one's) and on a local `Vec`.
    #[differentiable]
    fn outer_ranges(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            let a = i % (ys.len() - 3);
            s += mid2(&ys[a..a + 3], qs[i]);
            let local = vec![ys[a] * qs[i], ys[a + 1], qs[i]];
            s += mid2(&local, 0.3);
            s += mid2(ys, qs[i]) * 0.5;
        }
        s
    }
    #[test]
    fn f07_listing_caller_on_a_window() {
        for n in [4, 9, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(7, 1.1);
            let r = outer_ranges_grad(&ys, &qs);
            pair_check("outer_ranges", outer_ranges, r, &ys, &qs);
        }
    }

    #[differentiable(order = 2)]
    fn wsum2(w: &[f64], a: usize, m: usize, q: f64) -> f64 {
        let mut s = 0.0;
        for j in 0..m {
            s += w[(a + j) % w.len()] * w[(a + j) % w.len()] * (q * j as f64 + 0.3).cos();
        }
        s
    }
    #[differentiable(order = 2)]
    fn hvp_caps(w: &[f64], #[no_grad] qs: &[f64], #[no_grad] ms: &[usize]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += wsum2(w, i * 3, ms[i], qs[i]).sin();
        }
        s
    }
    #[test]
    fn f08_hvp_over_and_under_cap() {
        let w = sines(30, 0.7);
        let qs = sines(8, 0.9);
        let dir = sines(30, 0.4);
        for ms in [
            vec![2, 3, 30, 1, 2, 3, 4, 5],
            vec![1, 2, 3, 4, 5, 6, 7, 8],
            vec![30; 8],
        ] {
            check_value_grad(
                "hvp_caps",
                |x| hvp_caps(x, &qs, &ms),
                hvp_caps_grad(&w, &qs, &ms),
                &w,
            );
            let (_, g, hv) = hvp_caps_hvp(&w, &qs, &ms, dir.clone());
            grad_checks::check_hvp("hvp_caps", |x| hvp_caps_grad(x, &qs, &ms).1, &hv, &w, &dir);
        }
    }
}

/// `loop` with `break` in caller and helper, `match`, many calls on a long slice, gradients from several threads with tapes of changing sizes.
#[allow(clippy::ptr_arg, unused)]
mod g {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }
    #[differentiable]
    fn loop_helper(ys: &[f64], q: f64) -> f64 {
        let mut j = 0;
        let mut s = 0.0;
        loop {
            s += ys[j] * q;
            j += 1;
            if j >= ys.len() || s > 1.0 {
                break;
            }
        }
        match j % 3 {
            0 => s + ys[0],
            1 => s * ys[j - 1],
            _ => s - q,
        }
    }
    #[differentiable]
    fn loop_caller(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        let mut i = 0;
        loop {
            if i >= qs.len() {
                break;
            }
            let v = loop_helper(ys, qs[i]);
            if v > 0.5 && i % 2 == 0 {
                s += v * v.cos();
            } else {
                s -= v;
            }
            i += 1;
        }
        s
    }
    #[test]
    fn g01_loop_and_match() {
        for n in [1, 6, 40] {
            let ys = sines(n, 0.3);
            let qs: Vec<f64> = sines(15, 1.3).iter().map(|q| q + 0.013).collect();
            let r = loop_caller_grad(&ys, &qs);
            pair_check("loop_caller", loop_caller, r, &ys, &qs);
        }
    }

    #[differentiable]
    fn many_calls(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(ys, (i * 7919) % ys.len(), qs[i]).sin();
        }
        s
    }
    #[test]
    fn g02_many_calls_long_slice() {
        let ys = sines(1000, 0.8);
        let qs = sines(3000, 1.1);
        for _ in 0..2 {
            let r = many_calls_grad(&ys, &qs);
            pair_check("many_calls", many_calls, r, &ys, &qs);
        }
    }

    #[test]
    fn g03_threads() {
        let ys = sines(50, 0.8);
        let qs = sines(200, 1.1);
        let want = many_calls_grad(&ys, &qs);
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let (ys, qs) = (ys.clone(), qs.clone());
                std::thread::spawn(move || {
                    let mut out = Vec::new();
                    for k in 0..20 {
                        // alternate lengths so the sized tapes change between calls
                        let m = if (k + t) % 2 == 0 { 200 } else { 7 };
                        out.push((m, many_calls_grad(&ys, &qs[..m])));
                    }
                    out
                })
            })
            .collect();
        let short = many_calls_grad(&ys, &qs[..7]);
        for h in hs {
            for (m, r) in h.join().unwrap() {
                let w = if m == 200 { &want } else { &short };
                assert_eq!(r.0, w.0);
                assert_eq!(r.1.0, w.1.0);
                assert_eq!(r.1.1, w.1.1);
            }
        }
    }
}

/// An owned `Vec` parameter replaced by a shorter parameter or local, truncated then pushed to (the gradients keep their lengths).
#[allow(clippy::ptr_arg, unused)]
mod h {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }
    fn triple(
        name: &str,
        f: impl Fn(&[f64], &[f64], &[f64]) -> f64,
        r: (f64, (Vec<f64>, Vec<f64>, Vec<f64>)),
        a: &[f64],
        b: &[f64],
        c: &[f64],
    ) {
        let (v, (ga, gb, gc)) = r;
        assert_eq!(ga.len(), a.len(), "{name}: length of a's gradient");
        assert_eq!(gb.len(), b.len(), "{name}: length of b's gradient");
        let (na, nb) = (a.len(), b.len());
        let mut all = a.to_vec();
        all.extend(b);
        all.extend(c);
        let mut g = ga;
        g.extend(gb);
        g.extend(gc);
        check_value_grad(
            name,
            |p| f(&p[..na], &p[na..na + nb], &p[na + nb..]),
            (v, g),
            &all,
        );
    }
    #[differentiable]
    fn to_shorter(mut a: Vec<f64>, b: &Vec<f64>, qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&a, i % 2, qs[i]);
            if i == 2 {
                a = b.clone();
            }
        }
        s
    }
    #[test]
    fn h01_owned_param_replaced_by_shorter_param() {
        let a = sines(6, 0.8);
        let b = sines(3, 0.6);
        let qs = sines(7, 1.1);
        let r = to_shorter_grad(a.clone(), &b, &qs);
        triple(
            "to_shorter",
            |x, y, z| to_shorter(x.to_vec(), &y.to_vec(), z),
            r,
            &a,
            &b,
            &qs,
        );
    }
    #[differentiable]
    fn to_literal(mut a: Vec<f64>, b: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&a, i % 2, qs[i]);
            let t = vec![a[0] * qs[i], a[1] + b[0]];
            a = t;
        }
        s + a[0]
    }
    #[test]
    fn h02_owned_param_replaced_by_shorter_local() {
        let a = sines(6, 0.8);
        let b = sines(2, 0.6);
        let qs = sines(7, 1.1);
        let r = to_literal_grad(a.clone(), &b, &qs);
        triple(
            "to_literal",
            |x, y, z| to_literal(x.to_vec(), y, z),
            r,
            &a,
            &b,
            &qs,
        );
    }
    #[differentiable]
    fn truncated(mut a: Vec<f64>, b: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += pk(&a, 0, qs[i]) * b[0];
            if i == 1 {
                a.truncate(2);
            }
            if i == 3 {
                a.push(b[1] * qs[i]);
            }
        }
        s + a[a.len() - 1]
    }
    #[test]
    fn h03_truncate_then_push() {
        let a = sines(6, 0.8);
        let b = sines(2, 0.6);
        let qs = sines(7, 1.1);
        let r = truncated_grad(a.clone(), &b, &qs);
        triple(
            "truncated",
            |x, y, z| truncated(x.to_vec(), y, z),
            r,
            &a,
            &b,
            &qs,
        );
    }
}

/// A slice forwarded whole and as ranges through helpers of helpers, and calls that read nothing on some trips and everything on others.
#[allow(clippy::ptr_arg, unused)]
mod i {
    use super::*;
    #[differentiable]
    fn pk(ys: &[f64], k: usize, q: f64) -> f64 {
        ys[k] * q + ys[0]
    }
    #[differentiable]
    fn fwd1(ys: &[f64], k: usize, q: f64) -> f64 {
        pk(ys, k, q)
    }
    #[differentiable]
    fn fwd2(ys: &[f64], k: usize, q: f64) -> f64 {
        fwd1(&ys[1..], k, q) + fwd1(ys, k + 1, q * 2.0)
    }
    #[differentiable]
    fn fwd3(ys: &[f64], k: usize, q: f64) -> f64 {
        let a = fwd2(ys, k, q);
        let b = fwd2(&ys[2..], 0, a);
        a * b
    }
    #[differentiable]
    fn forwards(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += fwd1(ys, i % ys.len(), qs[i]);
            s += fwd2(ys, i % (ys.len() - 2), qs[i]);
            s += fwd3(ys, i % (ys.len() - 3), qs[i]).tanh();
        }
        s
    }
    #[test]
    fn i01_forwarded_through_helpers() {
        for n in [4, 8, 9, 33] {
            let ys = sines(n, 0.8);
            let qs = sines(7, 1.1);
            let r = forwards_grad(&ys, &qs);
            pair_check("forwards", forwards, r, &ys, &qs);
        }
    }
    /// Zero-length slices reaching a listed call (a helper that reads nothing when `k == 0`).
    #[differentiable]
    fn none_or_some(ys: &[f64], k: usize, q: f64) -> f64 {
        let mut s = q;
        for j in 0..k {
            s += ys[j] * q;
        }
        s
    }
    #[differentiable]
    fn none_or_somes(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..qs.len() {
            s += none_or_some(ys, (i * 5) % (ys.len() + 1), qs[i]) * 1.5;
        }
        s
    }
    #[test]
    fn i02_reads_nothing_or_everything() {
        for n in [0, 1, 8, 9, 33] {
            let ys = sines(n, 0.8);
            let qs = sines(12, 1.1);
            let r = none_or_somes_grad(&ys, &qs);
            pair_check("none_or_somes", none_or_somes, r, &ys, &qs);
        }
    }
}

/// An element of the listed slice passed beside it as a float, the value used twice.
#[allow(clippy::ptr_arg, unused)]
mod j {
    use super::*;
    #[differentiable]
    fn pkx(ys: &[f64], x: f64, k: usize) -> f64 {
        ys[k] * x * x + ys[(k + 1) % ys.len()] * x
    }
    #[differentiable]
    fn elem_and_slice(ys: &[f64], qs: &[f64]) -> f64 {
        let mut s = 0.0;
        for (i, y) in ys.iter().enumerate().rev() {
            let v = pkx(ys, *y, i);
            s += v;
            s += v * qs[i % qs.len()];
            let u = pkx(ys, ys[0] * qs[0], (i + 2) % ys.len());
            s -= u / 3.0;
        }
        s
    }
    #[test]
    fn j01_element_as_float_arg_and_value_used_twice() {
        for n in [1, 5, 40] {
            let ys = sines(n, 0.8);
            let qs = sines(4, 1.1);
            let r = elem_and_slice_grad(&ys, &qs);
            pair_check("elem_and_slice", elem_and_slice, r, &ys, &qs);
        }
    }
}
