//! Loops whose full trips each push one tuple of records read them back, in the reverse sweep,
//! from one slice of the loop's records indexed by the trip (`reverse/versions.rs`,
//! `records_back`), not through a cursor per trip. Each shape of trip count is checked against
//! central differences in `f64` (or an analytic value): triangular pair loops, a `while` with
//! data-dependent trips (alone, and inside a `for`), records at two levels of a loop nest, a
//! loop run in some outer trips only, an empty loop, exit tests written by hand, jumps out of
//! loops, and a generic scalar in `f32`.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, sines, to32};

/// Pairs `i < j` (the inner trip count falls with `i`), a product per pair.
#[differentiable(order = 2)]
fn pairs(x: &[f64]) -> f64 {
    let mut e = 0.0;
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let d = x[i] - x[j];
            e += (d * d).sin() * x[j];
        }
    }
    e
}

/// Newton's method per element (`E - 0.3 sin E = m`), trips decided by the data.
#[differentiable(order = 2)]
fn kepler_like(m: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        let mut ea = m[i];
        let mut r = ea - 0.3 * ea.sin() - m[i];
        while r.abs() > 1e-13 {
            ea = ea - r / (1.0 - 0.3 * ea.cos());
            r = ea - 0.3 * ea.sin() - m[i];
        }
        s += ea.sin() * m[i];
    }
    s
}

/// Newton's method on a cubic from `x = 1`: a `while` whose body records every trip.
/// (A slice parameter, so that the gradient runs a reverse sweep: a function of one or two
/// scalars is differentiated by tangents.)
#[differentiable(order = 2)]
fn newton_root(pc: &[f64]) -> f64 {
    let mut x = 1.0;
    let mut step = 1.0;
    while step.abs() > 1e-13 {
        step = (x * x * x + pc[0] * x - pc[1]) / (3.0 * x * x + pc[0]);
        x -= step;
    }
    x * x
}

/// Records in the outer trip before and after an inner loop that records too.
#[differentiable(order = 2)]
fn two_levels(x: &[f64], k: f64) -> f64 {
    let mut s = 0.5;
    for i in 0..x.len() {
        s = (s * x[i]).sin();
        let mut t = s;
        for j in 0..i {
            t = t * x[j] + (t * k).cos();
        }
        s *= t;
    }
    s
}

/// An inner loop run in some outer trips only, and a loop that may run no trip at all.
#[differentiable]
fn some_trips(x: &[f64], #[no_grad] n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            let mut p = 1.0;
            for j in 0..x.len() {
                p *= (x[j] * x[i]).cos();
            }
            s += p;
        }
    }
    for i in 0..n {
        s *= x[i % x.len()];
    }
    s
}

/// The pair loop on a generic scalar.
#[differentiable]
fn pairs_generic<T: Real>(x: &[T]) -> T {
    let mut e = T::zero();
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let d = x[i] - x[j];
            e += (d * d).sin() * x[j];
        }
    }
    e
}

/// Exit tests written by hand: `loop { if c { break } else {..} }`, `loop { if c {..} else {
/// break } }`, a `while let` over a stack, and a `break` in the middle of a trip.
#[differentiable]
fn hand_exits(x: &[f64]) -> f64 {
    let mut s = 0.5;
    let mut i = 0;
    loop {
        if i >= x.len() {
            break;
        } else {
            s = (s * x[i]).sin() + s;
            i += 1;
        }
    }
    let mut j = 0;
    loop {
        if j < x.len() {
            s = s * (x[j] * s).cos();
            j += 1;
        } else {
            break;
        }
    }
    let mut stack: Vec<usize> = (0..x.len()).collect();
    while let Some(k) = stack.pop() {
        s = (s + x[k]) * (x[k] * s).tanh();
    }
    let mut m = 0;
    loop {
        s = (s * x[m % x.len()]).sin() + 0.5 * s;
        if s.abs() > 2.0 || m > 3 * x.len() {
            break;
        }
        s = s * s;
        m += 1;
    }
    s
}

/// A labelled `break` from an inner loop to the outer one, and a `return` inside a loop.
#[differentiable]
fn jumps_out(x: &[f64], #[no_grad] stop: f64) -> f64 {
    let mut s = 0.3;
    'outer: for i in 0..x.len() {
        for j in 0..x.len() {
            s = (s * x[i] + x[j]).sin();
            if s > stop {
                break 'outer;
            }
        }
        s *= x[i];
    }
    for i in 0..x.len() {
        s = (s + x[i]).cos() * s;
        if s < 0.5 * stop - 0.02 {
            return s * 2.0;
        }
    }
    s
}

#[test]
fn exits_written_by_hand_and_jumps_out_of_loops() {
    let x: Vec<f64> = sines(6, 0.7).iter().map(|v| 0.8 * v + 0.4).collect();
    let (y, g) = hand_exits_grad(&x);
    assert!((y - hand_exits(&x)).abs() < 1e-12);
    check("hand_exits", hand_exits, &g, &x);
    // the `break 'outer` taken or not, the `return` taken in the first or a later trip or not
    for stop in [10.0, 0.6, 0.2, 0.1] {
        let (y, g) = jumps_out_grad(&x, stop);
        assert!((y - jumps_out(&x, stop)).abs() < 1e-12);
        check("jumps_out", |p| jumps_out(p, stop), &g, &x);
    }
}

#[test]
fn triangular_and_data_dependent_trips() {
    let x = sines(7, 0.8);
    let (y, g) = pairs_grad(&x);
    assert!((y - pairs(&x)).abs() < 1e-12);
    check("pairs", pairs, &g, &x);
    let v = sines(7, 1.3);
    let (_, _, h) = pairs_hvp(&x, v.clone());
    check_hvp("pairs", |p| pairs_grad(p).1, &h, &x, &v);

    let m: Vec<f64> = sines(6, 0.9).iter().map(|s| 1.5 * s + 0.2).collect();
    let (y, g) = kepler_like_grad(&m);
    assert!((y - kepler_like(&m)).abs() < 1e-12);
    check("kepler_like", kepler_like, &g, &m);
    let v = sines(6, 0.4);
    let (_, _, h) = kepler_like_hvp(&m, v.clone());
    check_hvp("kepler_like", |p| kepler_like_grad(p).1, &h, &m, &v);

    // root r of r³ + p r - c: dr/dp = -r / f', dr/dc = 1 / f' (f' = 3r² + p), and x² = r²
    let (p, c) = (2.0, 6.5);
    let (y, g) = newton_root_grad(&[p, c]);
    let r = y.sqrt();
    let fp = 3.0 * r * r + p;
    assert!((g[0] - 2.0 * r * (-r / fp)).abs() < 1e-9, "{g:?}");
    assert!((g[1] - 2.0 * r / fp).abs() < 1e-9, "{g:?}");
    let (_, _, h) = newton_root_hvp(&[p, c], vec![1.0, -0.5]);
    let grad = |q: &[f64]| newton_root_grad(q).1;
    check_hvp("newton_root", grad, &h, &[p, c], &[1.0, -0.5]);

    let g32 = pairs_generic_grad(&to32(&x)).1;
    agree("pairs_generic", &pairs_grad(&x).1, &g32, 2e-4);
}

#[test]
fn records_at_two_levels_and_loops_run_in_some_trips() {
    let x: Vec<f64> = sines(6, 0.7).iter().map(|s| s + 0.3).collect();
    let k = 0.4;
    let (y, (gx, gk)) = two_levels_grad(&x, k);
    assert!((y - two_levels(&x, k)).abs() < 1e-12);
    let mut all = x.clone();
    all.push(k);
    let f = |p: &[f64]| two_levels(&p[..6], p[6]);
    let mut g = gx.clone();
    g.push(gk);
    check("two_levels", f, &g, &all);
    let v = sines(7, 0.9);
    let (_, _, (hx, hk)) = two_levels_hvp(&x, k, v[..6].to_vec(), v[6]);
    let grad = |p: &[f64]| {
        let (mut a, b) = two_levels_grad(&p[..6], p[6]).1;
        a.push(b);
        a
    };
    let mut h = hx;
    h.push(hk);
    check_hvp("two_levels", grad, &h, &all, &v);

    // signs mixed, so the inner loop runs in some outer trips; the last loop runs 0 or 5 trips
    let x: Vec<f64> = sines(7, 1.1);
    assert!(x.iter().any(|v| *v > 0.0) && x.iter().any(|v| *v < 0.0));
    for n in [0, 5] {
        let (y, g) = some_trips_grad(&x, n);
        assert!((y - some_trips(&x, n)).abs() < 1e-12);
        check("some_trips", |p| some_trips(p, n), &g, &x);
    }
}
