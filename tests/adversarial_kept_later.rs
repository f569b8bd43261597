//! Local tables read again from a kept copy (moved into its slot after the last statement that
//! names them, or copied), reads behind a loop's writes, pushes at the loop index, ranges lent to
//! fused helpers and loop-local adjoint sums, each checked against central differences.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::assign_op_pattern,
    clippy::never_loop,
    clippy::redundant_slicing,
    clippy::needless_range_loop,
    clippy::vec_init_then_push,
    clippy::useless_vec,
    clippy::manual_memcpy
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, check_value_grad, join, sines, split};

fn pt(n: usize) -> Vec<f64> {
    sines(n, 0.6).iter().map(|v| v + 0.4).collect()
}

/// `check_value_grad` on `f` and `f_grad` at `x`: `one!(f, f_grad, x)`.
macro_rules! one {
    ($f:ident, $g:ident, $x:expr) => {
        check_value_grad(stringify!($f), $f, $g(&$x), &$x)
    };
}

/// `vgk` on `f` and `f_grad` at `(x, k)`: `two!(f, f_grad, x, k)`.
macro_rules! two {
    ($f:ident, $g:ident, $x:expr, $k:expr) => {
        vgk(stringify!($f), $f, $g(&$x, $k), &$x, $k)
    };
}

/// The same for a function of a slice and a scalar.
#[track_caller]
fn vgk(name: &str, f: impl Fn(&[f64], f64) -> f64, r: (f64, (Vec<f64>, f64)), x: &[f64], k: f64) {
    let n = x.len();
    let g = join(r.1.0, vec![r.1.1]);
    check_value_grad(
        name,
        |p: &[f64]| f(&p[..n], p[n]),
        (r.0, g),
        &join(x.to_vec(), vec![k]),
    );
}

// ---- kept tables read after their reading loop: reassigned, in while loops, returns ----

#[differentiable]
fn reassigned_after_reads(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k].cos();
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k];
    }
    t = vec![s; n];
    for k in 1..n {
        t[k] = t[k - 1] * x[k];
    }
    s + t[n - 1] * t[1]
}

#[differentiable]
fn while_reader(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * 0.5 + 1.0;
    }
    let mut s = 0.0;
    let mut j = 0;
    while j < n {
        s += t[j] * x[j] * x[j];
        j += 1;
    }
    let mut p = 1.0;
    let mut i = 0;
    loop {
        if i >= t.len() {
            break;
        }
        p *= t[i];
        i += 2;
    }
    s + p
}

#[differentiable]
fn ranges_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[(k + 2) % n];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k];
    }
    s + dot3(&t[1..4], &t[0..3]) + dot3(&t[..3], &x[..3])
}

#[differentiable]
fn early_return_after(x: &[f64], #[no_grad] c: bool) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[k] + 0.3;
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[(k + 3) % n];
    }
    if c {
        return s * t[2];
    }
    let u = t[1] * s;
    u + t[0]
}

#[differentiable]
fn labeled_and_stencil_reader(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = (x[k] * 0.9).sin() + x[k];
    }
    let mut s = 0.0;
    for i in 1..n - 1 {
        s += x[i] * (t[i - 1] - 2.0 * t[i] + t[i + 1]);
    }
    let z = 'b: loop {
        if s > 0.0 {
            break 'b t[0] * s;
        }
        break t[1] * s;
    };
    let mut r = 0.0;
    for i in 0..n {
        r += t[(i * 3) % n] * x[i] * z;
    }
    r + z
}

#[test]
fn kept_tables_named_after_their_reading_loop() {
    let x = pt(7);
    one!(reassigned_after_reads, reassigned_after_reads_grad, x);
    one!(while_reader, while_reader_grad, x);
    one!(ranges_after, ranges_after_grad, x);
    for c in [false, true] {
        let r = early_return_after_grad(&x, c);
        check_value_grad("early_return_after", |p| early_return_after(p, c), r, &x);
    }
    let neg: Vec<f64> = x.iter().map(|v| -v).collect();
    for p in [x, neg] {
        one!(
            labeled_and_stencil_reader,
            labeled_and_stencil_reader_grad,
            p
        );
    }
}

// ---- reads behind a loop's writes ----

#[differentiable]
fn lagged_two_writes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![1.0; n + 2];
    for i in 1..n {
        let a = c[i - 1];
        c[i] = a * x[i] + 0.5;
        c[i + 1] = a * x[i - 1];
    }
    c[n - 1] * c[n] + c[1]
}

#[differentiable]
fn lagged_behind_by_two(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.5; n];
    for i in 2..n {
        c[i] = c[i - 2] * x[i] + c[i - 1];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * x[i];
    }
    s
}

#[differentiable]
fn lagged_with_break(x: &[f64], #[no_grad] m: usize) -> f64 {
    let n = x.len();
    let mut c = vec![1.0; n];
    for i in 1..n {
        if i > m {
            break;
        }
        c[i] = c[i - 1] * x[i];
    }
    c[n - 1] + c[m.min(n - 1)] * x[0]
}

#[test]
fn reads_behind_writes() {
    let x = pt(7);
    one!(lagged_two_writes, lagged_two_writes_grad, x);
    one!(lagged_behind_by_two, lagged_behind_by_two_grad, x);
    for m in [2, 4, 10] {
        let r = lagged_with_break_grad(&x, m);
        check_value_grad("lagged_with_break", |p| lagged_with_break(p, m), r, &x);
    }
}

// ---- pushes at the loop index ----

#[differentiable]
fn push_cont_labeled(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut s = 0.0;
    'o: for i in 0..n {
        for j in 0..2 {
            if x[i] * (j as f64) > 0.5 {
                continue 'o;
            }
        }
        v.push(x[i] * k);
        s += v[v.len() - 1] * x[i];
    }
    s + v[0]
}

#[differentiable]
fn push_then_read_prev(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..n {
        if i > 0 {
            s += v[i - 1] * x[i];
        }
        v.push(x[i] * k + s);
        s += v[i] * k;
    }
    s * v[n - 1]
}

#[differentiable]
fn push_break_mid(x: &[f64], #[no_grad] m: usize) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    let mut s = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * x[i]);
        if i == m {
            break;
        }
        s += v[i] * 2.0;
    }
    s + v[v.len() - 1] * x[0]
}

#[differentiable]
fn push_cleared(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut s = 0.0;
    for r in 0..2 {
        v.clear();
        for i in 0..n {
            v.push(x[i] * k + r as f64);
            s += v[i] * x[(i + r) % n];
        }
    }
    s
}

#[differentiable]
fn push_two_vecs(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for i in 0..n {
        a.push(x[i] * k);
        if x[i] > 0.5 {
            b.push(a[i] * x[i]);
        }
        a[i] = a[i] + 0.1 * (b.len() as f64) * k;
    }
    let mut s = 0.0;
    for i in 0..b.len() {
        s += b[i] * a[i];
    }
    s
}

#[differentiable]
fn pushed_then_kept(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    for i in 0..n {
        v.push(x[i] * k + if i > 0 { v[i - 1] * 0.5 } else { 0.0 });
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..i {
            s += v[i] * v[j] * x[j];
        }
    }
    let w = v.clone();
    s + w[0] * v[n - 1]
}

#[test]
fn pushes_at_the_loop_index() {
    let (x, k) = (pt(7), 0.8);
    two!(push_cont_labeled, push_cont_labeled_grad, x, k);
    two!(push_then_read_prev, push_then_read_prev_grad, x, k);
    two!(push_cleared, push_cleared_grad, x, k);
    two!(push_two_vecs, push_two_vecs_grad, x, k);
    two!(pushed_then_kept, pushed_then_kept_grad, x, k);
    for m in [0, 3, 20] {
        let r = push_break_mid_grad(&x, m);
        check_value_grad("push_break_mid", |p| push_break_mid(p, m), r, &x);
    }
}

// ---- ranges lent to fused helpers ----

#[differentiable]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += a[i] * b[i] * b[i];
    }
    s
}

#[differentiable]
fn ranges_pushed(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    v.push(x[0]);
    v.push(x[1] * x[2]);
    v.push(x[3]);
    let a = dot3(&v[0..3], &x[1..4]);
    v.push(a);
    let b = dot3(&v[1..4], &v[0..3]);
    a + b
}

#[differentiable]
fn ranges_truncated(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let a = dot3(&v[2..5], &x[0..3]);
    v.truncate(2);
    v.push(a);
    v.push(a * x[0]);
    let b = dot3(&v[1..4], &x[1..4]);
    a * 0.5 + b
}

#[differentiable]
fn ranges_overlap_same(p: &[f64]) -> f64 {
    dot3(&p[1..4], &p[1..4]) + dot3(&p[0..3], &p[2..5]) + dot3(&p[2..5], p)
}

#[differentiable]
fn ranges_shadowed(p: &[f64]) -> f64 {
    let a = dot3(&p[0..3], &p[1..4]);
    let p = &p[1..];
    let b = dot3(&p[0..3], &p[2..5]);
    let p = p[1..].to_vec();
    a + b * dot3(&p[0..3], &p[1..4])
}

#[differentiable]
fn ranges_in_loop_pushed(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..n {
        v.push(x[i] * k + s * 0.1);
        if i >= 2 {
            s += dot3(&v[i - 2..i + 1], &x[i - 2..i + 1]);
        }
    }
    s
}

#[differentiable]
fn ranges_moving_start(p: &[f64]) -> f64 {
    let mut a = 0;
    let mut s = 0.0;
    for _ in 0..3 {
        let r = &p[a..a + 3];
        a += 1;
        s += dot3(r, &p[a..a + 3]);
    }
    s
}

#[differentiable(order = 2)]
fn dot3_2(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += a[i] * b[i] * b[i];
    }
    s
}

#[differentiable(order = 2)]
fn ranges_order2(p: &[f64]) -> f64 {
    let n = p.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = p[k] * p[(k + 1) % n];
    }
    let mut s = 0.0;
    for i in 0..n - 2 {
        s += dot3_2(&t[i..i + 3], &p[i..i + 3]) * t[i];
    }
    s + dot3_2(&p[0..3], &p[0..3]) + dot3_2(&t[1..4], &t[0..3])
}

#[differentiable]
fn range_forms(p: &[f64]) -> f64 {
    let n = p.len();
    let r = &p[1..];
    dot3(&p[1..=3], &p[..3]) + dot3(&p[n - 3..], &r[1..4]) * dot3(&r[..], &p[..])
}

#[differentiable]
fn range_writes_ahead(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = x.to_vec();
    for i in 0..n - 3 {
        t[i + 3] = 0.3 * dot3(&t[i..i + 3], &x[i..i + 3]) + t[i + 3];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += t[i] * t[i];
    }
    s
}

#[differentiable]
fn ranges_inactive_bases(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let c = vec![1.0, 2.0, 3.0, 4.0];
    let v = x.to_vec();
    let mut s = dot3(&w[0..3], &x[0..3]) + dot3(&c[1..4], &x[1..4]);
    for i in 0..2 {
        s += dot3(&v[i..i + 3], &v) * dot3(&c[i..i + 3], &w[i + 1..i + 4]);
    }
    s + dot3(&x[2..5], &c[..3])
}

#[test]
fn ranges_lent_to_helpers() {
    let x = pt(8);
    let n = x.len();
    one!(ranges_pushed, ranges_pushed_grad, x);
    one!(ranges_truncated, ranges_truncated_grad, x);
    one!(ranges_overlap_same, ranges_overlap_same_grad, x);
    one!(ranges_shadowed, ranges_shadowed_grad, x);
    one!(ranges_moving_start, ranges_moving_start_grad, x);
    one!(range_forms, range_forms_grad, x);
    one!(range_writes_ahead, range_writes_ahead_grad, x);
    two!(ranges_in_loop_pushed, ranges_in_loop_pushed_grad, x, 0.7);
    let w = sines(8, 1.3);
    let r = ranges_inactive_bases_grad(&x, &w);
    check_value_grad(
        "ranges_inactive_bases",
        |p| ranges_inactive_bases(p, &w),
        r,
        &x,
    );
    one!(ranges_order2, ranges_order2_grad, x);
    let v = sines(n, 1.0);
    let (_, _, h) = ranges_order2_hvp(&x, v.clone());
    check_hvp("ranges_order2", |p| ranges_order2_grad(p).1, &h, &x, &v);
}

// ---- loop-local sums of adjoints ----

#[differentiable(order = 2)]
fn acc_break_continue(x: &[f64], k: f64, #[no_grad] m: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == m {
            break;
        }
        if x[i] < 0.0 {
            s += k * k;
            continue;
        }
        s += k * x[i] * x[i];
    }
    s
}

#[differentiable(order = 2)]
fn acc_nested(x: &[f64], k: f64, c: f64) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut next = x.to_vec();
    for _ in 0..3 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + c * k;
        }
        for i in 0..n {
            u[i] = next[i] * c;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

#[differentiable]
fn acc_reassigned(x: &[f64], k: f64) -> f64 {
    let mut k = k;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += k * x[i];
    }
    k = k * s;
    for i in 0..x.len() {
        s += k * x[i] * x[i];
        if i == 2 {
            k = k + x[i];
        }
    }
    s + k
}

#[differentiable]
fn acc_return(x: &[f64], k: f64, #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += k * x[i];
        if s > lim {
            return s * k;
        }
    }
    s
}

#[differentiable]
fn acc_outer_reassign(x: &[f64], k: f64) -> f64 {
    let mut c = k;
    let mut s = 0.0;
    for _ in 0..3 {
        for i in 0..x.len() {
            s += c * x[i];
        }
        c = c * 0.5 + s * 0.1;
    }
    s + c
}

#[test]
fn loop_local_adjoint_sums() {
    let x = pt(7);
    let n = x.len();
    let (k, c) = (0.9, -0.4);
    for m in [0usize, 3, 100] {
        let r = acc_break_continue_grad(&x, k, m);
        vgk(
            "acc_break_continue",
            |p, k| acc_break_continue(p, k, m),
            r,
            &x,
            k,
        );
        let v = sines(n + 1, 1.0);
        let (vx, vk) = split(&v, n);
        let (_, _, (hx, hk)) = acc_break_continue_hvp(&x, k, m, vx, vk[0]);
        let grad = |p: &[f64]| {
            let (a, b) = acc_break_continue_grad(&p[..n], p[n], m).1;
            join(a, vec![b])
        };
        let at = join(x.clone(), vec![k]);
        check_hvp("acc_break_continue", grad, &join(hx, vec![hk]), &at, &v);
    }
    let at = join(x.clone(), vec![k, c]);
    let (y, (gx, gk, gc)) = acc_nested_grad(&x, k, c);
    let f = |p: &[f64]| acc_nested(&p[..n], p[n], p[n + 1]);
    check_value_grad("acc_nested", f, (y, join(gx, vec![gk, gc])), &at);
    let v = sines(n + 2, 0.8);
    let (_, _, (hx, hk, hc)) = acc_nested_hvp(&x, k, c, v[..n].to_vec(), v[n], v[n + 1]);
    let grad = |p: &[f64]| {
        let (a, b, d) = acc_nested_grad(&p[..n], p[n], p[n + 1]).1;
        join(a, vec![b, d])
    };
    check_hvp("acc_nested", grad, &join(hx, vec![hk, hc]), &at, &v);
    two!(acc_reassigned, acc_reassigned_grad, x, k);
    two!(acc_outer_reassign, acc_outer_reassign_grad, x, k);
    for lim in [0.5, 1.5, 1e9] {
        let r = acc_return_grad(&x, k, lim);
        vgk("acc_return", |p, k| acc_return(p, k, lim), r, &x, k);
    }
}

// ---- generic, second order and f32 ----

#[differentiable(order = 2)]
fn generic_kept<T: Real>(x: &[T], k: T) -> T {
    let n = x.len();
    let mut c = vec![T::one(); n];
    for i in 1..n {
        c[i] = c[i - 1] * x[i] + k;
    }
    let mut s = T::zero();
    for i in 0..n {
        s += c[i] * x[(i + 1) % n];
    }
    let mut j = 0;
    while j < n {
        s += c[j] * k * T::from_f64(0.1);
        j += 2;
    }
    let tail = if s > T::zero() { c[n - 1] } else { c[0] * k };
    s * tail
}

#[test]
fn generic_second_order_and_f32() {
    let (x, k) = (pt(6), 0.3);
    let n = x.len();
    let (gx, gk) = generic_kept_grad(&x, k).1;
    two!(generic_kept, generic_kept_grad, x, k);
    let at = join(x.clone(), vec![k]);
    let v = sines(n + 1, 0.9);
    let (_, _, (hx, hk)) = generic_kept_hvp(&x, k, v[..n].to_vec(), v[n]);
    let grad = |p: &[f64]| {
        let (a, b) = generic_kept_grad(&p[..n], p[n]).1;
        join(a, vec![b])
    };
    check_hvp("generic_kept", grad, &join(hx, vec![hk]), &at, &v);
    let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
    let (_, (gx32, gk32)) = generic_kept_grad(&x32, k as f32);
    let g32 = gx32.iter().chain([&gk32]).map(|v| f64::from(*v));
    for (a, b) in join(gx, vec![gk]).iter().zip(g32) {
        assert!(
            (a - b).abs() < 1e-3 * (1.0 + a.abs()),
            "generic_kept f32 {a} vs {b}"
        );
    }
}

// ---- tables named where no token names them, and locals holding a call's borrow ----

/// A table named after its reading loop only inside format strings (`{t:?}`): a capture is a
/// borrow, so the table is copied for the reverse sweep, not moved into its slot.
#[differentiable]
fn format_named_after(x: &[f64]) -> f64 {
    let t = x.to_vec();
    let mut s = 0.0;
    for k in 0..x.len() {
        s += t[k] * x[k];
    }
    println!("{t:?}");
    assert!(s.is_finite(), "{t:.3?}");
    s
}

/// A recurrence read behind its writes, then only formatted (`{c:.3?}`).
#[differentiable]
fn format_named_recurrence(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let r = c[n - 1];
    eprintln!("{c:.3?}");
    r
}

/// A local bound to a call that returns a reference to another local: not a table that may be
/// kept, so its reads are recorded as they go.
#[differentiable]
fn reference_from_a_call(x: &[f64]) -> f64 {
    let u = vec![0.5, 1.5];
    let t = std::convert::identity(&u);
    let mut s = 0.0;
    for k in 0..2 {
        s += t[k] * x[k];
    }
    s
}

fn pick<'a>(a: &'a [f64], b: &'a [f64], first: bool) -> &'a [f64] {
    if first { a } else { b }
}

/// The same through a plain function of the user's that picks one of two borrowed locals, and
/// through a variable holding the borrow.
#[differentiable]
fn reference_from_a_plain_fn(x: &[f64]) -> f64 {
    let u = vec![0.5, 1.5, -0.25];
    let w = vec![2.0, -1.0, 0.75];
    let r = &w;
    let t = pick(&u, r, x[0] > 0.0);
    let mut s = 0.0;
    for k in 0..3 {
        s += t[k] * x[k] * x[k];
    }
    s
}

/// The owned form the refusal of borrowed rows suggests (`[x.to_vec(), y.to_vec()]`), read at
/// `t[i][j]` in a loop and after it.
#[differentiable]
fn owned_rows(x: &[f64], y: &[f64]) -> f64 {
    let t = [x.to_vec(), y.to_vec()];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += t[0][j] * t[1][j] * t[1][j];
    }
    s * t[0][1]
}

#[test]
fn owned_rows_of_parameters_read_twice_indexed() {
    let (x, y) = (pt(4), sines(4, 1.3));
    let (v, (gx, gy)) = owned_rows_grad(&x, &y);
    assert!((v - owned_rows(&x, &y)).abs() < 1e-12);
    let f = |p: &[f64]| owned_rows(&p[..4], &p[4..]);
    check("owned_rows", f, &join(gx, gy), &join(x, y));
}

#[test]
fn tables_named_in_format_strings_are_copied_not_moved() {
    let x = pt(5);
    one!(format_named_after, format_named_after_grad, x);
    let x: Vec<f64> = pt(6).iter().map(|v| v * 0.3 + 1.0).collect();
    one!(format_named_recurrence, format_named_recurrence_grad, x);
}

#[test]
fn locals_holding_a_calls_borrow_are_not_kept_tables() {
    let x = pt(2);
    one!(reference_from_a_call, reference_from_a_call_grad, x);
    for sign in [1.0, -1.0] {
        let x: Vec<f64> = pt(3).iter().map(|v| sign * (v.abs() + 0.2)).collect();
        one!(reference_from_a_plain_fn, reference_from_a_plain_fn_grad, x);
    }
}
