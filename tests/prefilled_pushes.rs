//! Pushes at the loop index written into a buffer sized before the loop: the forward sweep of
//! `let mut v = Vec::with_capacity(n); for i in 0..e { ..; v.push(x); }` sizes `v` to the trip
//! count and writes `v[i] = x` (`reverse/prefill.rs`), and a buffer made this way per time step
//! reuses the one the step's `u = next` frees (`reverse/spare.rs`). Against central differences
//! in `f64` (and the `f64` gradient for `f32` and `T: Real`): the stencil pushing each step,
//! a map whose `Vec` is pushed to and counted after the loop, a `return` in the trip, a nested
//! loop's `break`, rows made per outer trip, an loop variable used only as a float, container loops (`iter`,
//! `zip`, `enumerate`; `skip` keeps the push), a loop of no trips, the
//! forms that keep the push (a `break`, the length or an element read in the trip), and
//! Hessian-vector products.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::vec_init_then_push)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check, check_hvp, check_value_grad, sines, slice_scalar_check, to32};

/// The heat stencil of the benchmarks, each step pushed into a fresh `Vec`.
#[differentiable]
fn heat_push(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..7 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next.push(u[i] + k * (left - 2.0 * u[i] + right));
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// The same stencil writing by index: the push form must agree with it exactly.
#[differentiable]
fn heat_index(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..7 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A map into `Vec::new()`, one more push after the loop, and the length read after it: a
/// wrong length (the sized buffer not matching the pushes) moves the last element read.
#[differentiable]
fn map_then_more(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * x[i] + 0.5 * x[0]);
    }
    v.push(x[1] * 3.0);
    let last = v[v.len() - 1];
    let before = v[v.len() - 2];
    last * before + v[0] * (v.len() as f64)
}

/// A `return` in the trip drops the buffer part-filled.
#[differentiable]
fn early_return(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        if x[i] > 0.8 {
            return x[i] * x[0];
        }
        v.push(x[i].sin() * x[0]);
    }
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * (j as f64 + 1.0);
    }
    s
}

/// A loop nested in the trip leaves by its own `break`; each trip pushes its partial sum into
/// a `vec![]`.
#[differentiable]
fn prefix_sums(x: &[f64]) -> f64 {
    let mut v = vec![];
    for i in 0..x.len() {
        let mut s = 0.0;
        for j in 0..x.len() {
            if j > i {
                break;
            }
            s += x[j] * x[j];
        }
        v.push(s.sqrt());
    }
    let mut t = 0.0;
    for i in 0..v.len() {
        t += v[i] * x[i];
    }
    t
}

/// A row made per outer trip by pushes, then reduced.
#[differentiable]
fn rows(x: &[f64]) -> f64 {
    let n = x.len();
    let mut acc = 0.0;
    for r in 0..3 {
        let mut row = Vec::with_capacity(n);
        for j in 0..n {
            row.push(x[j] * (r as f64 + 1.0) + x[(j + r) % n]);
        }
        for j in 0..row.len() {
            acc += row[j] * row[j] * 0.1;
        }
    }
    acc
}

/// The loop variable used only as a float (`i as f64`): its type comes from the generated
/// code's index of the pushed `Vec`'s adjoint (`usize`); a loop variable declared as another
/// integer type does not compile there (see `tests/adversarial_prefill.rs`).
#[differentiable]
fn counted_as_float(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..4 {
        v.push(x[0] * (i as f64) + x[1]);
    }
    v[0] * v[3] + v[1] * v[2]
}

/// A loop of no trips when `x[0] > 0`: the buffer stays empty.
#[differentiable]
fn maybe_empty(x: &[f64]) -> f64 {
    let m = if x[0] > 0.0 { 0 } else { x.len() };
    let mut v = Vec::with_capacity(m);
    for i in 0..m {
        v.push(x[i] * 2.0);
    }
    let mut s = x[1] * (v.len() as f64 + 1.0);
    for j in 0..v.len() {
        s += v[j] * v[j];
    }
    s
}

/// Container loops: a map over `x.iter()`, pairs over `.zip(..)`, and `.enumerate()` with the
/// element borrowed, each pushing once per trip; `.skip(1)` keeps its push (it maps trips to
/// indices), and a trip reading the length keeps its push at the trip's index.
#[differentiable]
fn container_maps(x: &[f64], y: &[f64]) -> f64 {
    let mut a = Vec::with_capacity(x.len());
    for xi in x.iter() {
        a.push(xi.sin() * x[0]);
    }
    let mut b = Vec::new();
    for (p, q) in x.iter().zip(y.iter()) {
        b.push(p * q - *q);
    }
    let mut c = vec![];
    for (i, yi) in y.iter().enumerate() {
        c.push(*yi * (i as f64 + 0.5));
    }
    let mut d = Vec::new();
    for xi in x.iter().skip(1) {
        d.push(xi * xi);
    }
    // the length read in the trip: the push keeps its place, at the index of the trip
    let mut e = Vec::new();
    for xi in x.iter() {
        e.push(xi * (e.len() as f64 + 1.0));
    }
    let mut s = (a.len() + b.len() + c.len() + d.len()) as f64 * y[1];
    for k in 0..a.len() {
        s += a[k] * b[k] + c[k] * c[k] + e[k] * e[k];
    }
    for k in 0..d.len() {
        s += d[k] * a[k];
    }
    s
}

/// Forms that keep the push: a `break` before it, the length and an element read in the trip.
#[differentiable]
fn kept_pushes(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    for i in 0..x.len() {
        if x[i] > 0.8 {
            break;
        }
        a.push(x[i] * x[i]);
    }
    let mut b = Vec::new();
    for i in 0..x.len() {
        b.push(x[i] + b.len() as f64 * x[0]);
    }
    let mut c = Vec::new();
    for i in 0..x.len() {
        c.push(x[i].cos());
        let y = c[i];
        c[i] = y * x[0];
    }
    let mut s = a.len() as f64 * x[1];
    for j in 0..a.len() {
        s += a[j];
    }
    for j in 0..b.len() {
        s += b[j] * c[j];
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn smooth_push<T: Real>(x: &[T], k: T) -> T {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..5 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { T::zero() };
            next.push(u[i] + k * (left - u[i]));
        }
        u = next;
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i] * u[i];
    }
    s
}

#[differentiable(order = 2)]
fn energy_push<T: Real>(x: &[T]) -> T {
    let mut u = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        u.push(x[i] * x[(i + 1) % x.len()]);
    }
    let mut s = T::zero();
    for i in 0..u.len() {
        s += u[i].sin() * u[i];
    }
    s
}

#[test]
fn the_stencil_pushing_each_step_matches_its_index_form_and_central_differences() {
    let u = sines(12, 0.9);
    for k in [0.1, 0.35] {
        let (y, (g, gk)) = heat_push_grad(&u, k);
        let (yi, (gi, gki)) = heat_index_grad(&u, k);
        assert!((y - yi).abs() <= 1e-12 * (1.0 + yi.abs()), "{y} vs {yi}");
        assert!(
            (gk - gki).abs() <= 1e-12 * (1.0 + gki.abs()),
            "{gk} vs {gki}"
        );
        for (a, b) in g.iter().zip(&gi) {
            assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
        }
        slice_scalar_check("heat_push", heat_push, heat_push_grad(&u, k), &u, k);
    }
}

#[test]
fn maps_returns_nested_breaks_and_rows_against_central_differences() {
    let x = sines(9, 0.7);
    check_value_grad("map_then_more", map_then_more, map_then_more_grad(&x), &x);
    check_value_grad("prefix_sums", prefix_sums, prefix_sums_grad(&x), &x);
    check_value_grad("rows", rows, rows_grad(&x), &x);
    check_value_grad(
        "counted_as_float",
        counted_as_float,
        counted_as_float_grad(&x),
        &x,
    );
    check_value_grad("kept_pushes", kept_pushes, kept_pushes_grad(&x), &x);
    // the `return` taken (sines reach 0.9) and not taken
    for amp in [0.9, 0.5] {
        let x = sines(9, amp);
        assert_eq!(x.iter().any(|v| *v > 0.8), amp > 0.8);
        check_value_grad("early_return", early_return, early_return_grad(&x), &x);
        check_value_grad("kept_pushes", kept_pushes, kept_pushes_grad(&x), &x);
    }
}

#[test]
fn container_loops_against_central_differences() {
    let (x, y) = (sines(7, 0.8), sines(9, -0.6));
    let (v, (gx, gy)) = container_maps_grad(&x, &y);
    assert!((v - container_maps(&x, &y)).abs() <= 1e-12 * (1.0 + v.abs()));
    check("container_maps x", |z| container_maps(z, &y), &gx, &x);
    check("container_maps y", |z| container_maps(&x, z), &gy, &y);
}

#[test]
fn a_loop_of_no_trips_leaves_the_buffer_empty() {
    for first in [0.4, -0.4] {
        let mut x = sines(5, 0.6);
        x[0] = first;
        let (y, g) = maybe_empty_grad(&x);
        check_value_grad("maybe_empty", maybe_empty, (y, g.clone()), &x);
        if first > 0.0 {
            // s = x1 * (0 + 1): only x1 moves it
            assert!((g[1] - 1.0).abs() < 1e-12 && g[0].abs() < 1e-12, "{g:?}");
        }
    }
}

#[test]
fn generic_f32_and_hessian_vector_products() {
    let x = sines(8, 0.8);
    let (_, (g, gk)) = smooth_push_grad(&x[..], 0.25);
    slice_scalar_check(
        "smooth_push",
        smooth_push::<f64>,
        smooth_push_grad(&x[..], 0.25),
        &x,
        0.25,
    );
    let (_, (g32, gk32)) = smooth_push_grad(&to32(&x)[..], 0.25f32);
    agree("smooth_push f32", &g, &g32, 1e-4);
    agree("smooth_push f32 k", &[gk], &[gk32], 1e-4);
    let (_, g) = energy_push_grad(&x[..]);
    check("energy_push", energy_push::<f64>, &g, &x);
    let v: Vec<f64> = x.iter().map(|a| 0.3 - a).collect();
    let (_, _, hv) = energy_push_hvp(&x[..], v.clone());
    check_hvp("energy_push", |y| energy_push_grad(y).1, &hv, &x, &v);
}
