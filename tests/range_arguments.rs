//! Ranges passed to a function of the user's that the reverse sweep re-runs (`f(&p[a..b])`):
//! when the range is read by nothing but the call, the callee's adjoint for it goes through a
//! scratch buffer of the caller's, reused by every execution of the call, and is added into
//! `p`'s adjoint at the range's offset after the call. Covered: pairs of sub-slices, ranges
//! whose length changes per trip, a range also read elsewhere (the general path), a range of a
//! local `Vec`, ranges of a range, a parameter passed beside a range of itself, callees that
//! ignore, partly read or rebind their slice, a range whose start changes after it is taken, loops and early returns in the callee, generic
//! and `f32` callees, the pullback, and a caller called in turn. Every gradient against central
//! differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, check_gradient};
use autodiff::prelude::*;

#[differentiable]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// A loop and an early return over a slice whose length is the caller's range's.
#[differentiable]
fn wsum(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        if v[i] > 2.0 {
            return s;
        }
        s += (i as f64 + 1.0) * v[i] * v[i];
    }
    s
}

/// Reads only its second slice.
#[differentiable]
fn second_only(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    b[0] * b[1] * n
}

/// Rebinds its parameter to a sub-range of itself.
#[differentiable]
fn tail_head(mut v: &[f64]) -> f64 {
    v = &v[1..];
    v[0] * v[0] + v[v.len() - 1]
}

/// A slice and a whole parameter.
#[differentiable]
fn scaled(a: &[f64], q: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * q[i].sin();
    }
    s
}

#[differentiable]
fn dot3_t<T: Real>(a: &[T], b: &[T]) -> T {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[differentiable]
fn pairs(p: &[f64]) -> f64 {
    let n = p.len() / 3;
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += dot3(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
        }
    }
    s
}

/// Suffixes: the range's length, and so the scratch buffer's, changes every trip.
#[differentiable]
fn suffixes(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += wsum(&p[i..]) * 0.1;
    }
    s
}

/// A range also read elsewhere keeps the general path.
#[differentiable]
fn read_twice(p: &[f64]) -> f64 {
    let r = &p[1..4];
    dot3(r, &p[..3]) + r[0] * r[2]
}

/// Ranges of a local `Vec` filled before the loop.
#[differentiable]
fn local_ranges(p: &[f64]) -> f64 {
    let mut v = vec![0.0; p.len()];
    for i in 0..p.len() {
        v[i] = p[i] * p[i] - 0.5 * p[i];
    }
    let mut s = 0.0;
    for i in 0..p.len() / 3 - 1 {
        s += dot3(&v[3 * i..3 * i + 3], &v[3 * i + 3..3 * i + 6]);
    }
    s
}

/// Ranges of a range.
#[differentiable]
fn of_range(p: &[f64]) -> f64 {
    let q = &p[2..];
    dot3(&q[..3], &q[3..6]) + second_only(&q[1..3], &q[2..])
}

/// A parameter passed beside a range of itself; a callee that rebinds its slice.
#[differentiable]
fn beside(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += scaled(&p[i..i + 3], p) + tail_head(&p[i..i + 4]);
    }
    s
}

#[differentiable]
fn pairs_t<T: Real>(p: &[T]) -> T {
    let n = p.len() / 3;
    let mut s = T::zero();
    for i in 0..n {
        for j in i + 1..n {
            s += dot3_t(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]) * p[3 * i];
        }
    }
    s
}

/// Calls [`pairs`] with its whole parameter (the pullback path), so `pairs`'s companion runs
/// the scratch buffers.
#[differentiable]
fn outer(p: &[f64]) -> f64 {
    pairs(p) * pairs(p) + p[0]
}

/// The range's start changes after the range is taken: the call's cotangent must still go to
/// the range as it was read.
#[differentiable]
fn moved_start(p: &[f64]) -> f64 {
    let mut a = 0;
    let r = &p[a..a + 3];
    a = 2;
    dot3(r, &p[a..a + 3]) * p[a]
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

/// `grad` against central differences of `f` at `x` (`autodiff::check::check_gradient`).
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    if let Err(e) = check_gradient(f, x, grad, 1e-6, Tolerance::new(1e-6, 1e-6)) {
        panic!("{name}: {e}");
    }
}

#[test]
fn ranges_passed_to_re_run_calls_against_central_differences() {
    let p = input(15);
    let (v, g) = pairs_grad(&p);
    assert!((v - pairs(&p)).abs() < 1e-12);
    check("pairs", pairs, &g, &p);
    // some elements above 2 make `wsum` return early on some suffixes
    let mut q = input(9);
    q[4] = 2.5;
    check("suffixes", suffixes, &suffixes_grad(&q).1, &q);
    check("read_twice", read_twice, &read_twice_grad(&p).1, &p);
    check("local_ranges", local_ranges, &local_ranges_grad(&p).1, &p);
    check("of_range", of_range, &of_range_grad(&p).1, &p);
    check("beside", beside, &beside_grad(&p).1, &p);
    check("outer", outer, &outer_grad(&p).1, &p);
    check("moved_start", moved_start, &moved_start_grad(&p).1, &p);
}

#[test]
fn ranges_passed_to_generic_and_f32_callees() {
    let p = input(12);
    let (v, g) = pairs_t_grad(&p);
    assert!((v - pairs_t(&p)).abs() < 1e-12);
    check("pairs_t", pairs_t, &g, &p);
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let (_, g32) = pairs_t_grad(&p32);
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "f32 {a} vs {b}"
        );
    }
}

#[test]
fn the_pullback_scales_and_runs_again() {
    let p = input(15);
    let (_, g) = pairs_grad(&p);
    let (_, pb) = pairs_vjp(&p);
    // run twice: the scratch buffers belong to one run of the reverse sweep
    for _ in 0..2 {
        let g2 = pb(2.5);
        for (a, b) in g2.iter().zip(&g) {
            assert!(
                (a - 2.5 * b).abs() < 1e-12 * (1.0 + b.abs()),
                "{a} vs 2.5 * {b}"
            );
        }
    }
}
