//! Ranges of a parameter passed to a differentiable helper in a loop (`dot3(&p[3 * i..3 * i +
//! 3], ..)`): the reverse sweep slices the parameter again from the rebuilt bounds instead of
//! recording the view on every trip, and the scratch buffer the helper adds into is drained to
//! zeros after each call, so the next call of the same length is lent it without a fill.
//! Covered: pairs of particles (the bench's kind), a stride `let` in the bounds, a range of a
//! row of a parameter (a copy, still recorded), ranges whose length changes per trip (the
//! scratch is refilled), a helper that leaves one argument without a cotangent on some trips, a
//! bound reassigned in the loop (still recorded), a range read elsewhere too, a `while` loop,
//! generic and `f32` code, the pullback and `order = 2`. Every gradient against central
//! differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// `a · b` over the shorter of the two.
#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len().min(b.len()) {
        s += a[k] * b[k];
    }
    s
}

/// `Σ a_k²`.
#[differentiable]
fn sumsq(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * a[k];
    }
    s
}

/// `a_0 b_0` when `a_0 > 0`, else `b_1`: `a` gets no cotangent on the second arm.
#[differentiable]
fn gated(a: &[f64], b: &[f64]) -> f64 {
    if a[0] > 0.0 { a[0] * b[0] } else { b[1] * 1.5 }
}

/// `Σ_{i<j} tanh(p_i · p_j)` over 3-D points `p_i = p[3i..3i + 3]`.
#[differentiable(order = 2)]
fn pairs(p: &[f64]) -> f64 {
    let n = p.len() / 3;
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += dot(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
        }
    }
    s
}

/// Rows of `x` (`d = w.len()` wide) against `w`: `Σ_i sin(x_i · w)`.
#[differentiable]
fn rows_stride(w: &[f64], x: &[f64]) -> f64 {
    let d = w.len();
    let mut s = 0.0;
    for i in 0..x.len() / d {
        let base = i * d;
        s += dot(&x[base..base + d], w).sin();
    }
    s
}

/// A range of a row of a parameter (a copy, recorded): `Σ_i (w_i[1..3] · x)²`.
#[differentiable]
fn row_ranges(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let row = &w[i];
        let z = dot(&row[1..3], x);
        s += z * z;
    }
    s
}

/// Suffixes of changing length: `Σ_i c_i Σ_{k≥i} p_k²`.
#[differentiable]
fn suffixes(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += sumsq(&p[i..]) * (1.0 + i as f64 * 0.25);
    }
    s
}

/// A helper that gives its first range no cotangent on some trips.
#[differentiable]
fn gated_pairs(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() / 2 - 1 {
        s += gated(&p[2 * i..2 * i + 2], &p[2 * i + 2..2 * i + 4]);
    }
    s
}

/// The start is a counter reassigned in the loop: its value per trip is recorded.
#[differentiable]
fn moving_start(p: &[f64]) -> f64 {
    let mut a = 0;
    let mut s = 0.0;
    while a + 2 <= p.len() {
        s += dot(&p[a..a + 2], &p[1..3]).cos();
        a += 2;
    }
    s
}

/// The range is also read by index (`r[0]`): it keeps the general slot.
#[differentiable]
fn read_twice(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        let r = &p[i..i + 2];
        s += r[0] * dot(r, &p[1..3]);
    }
    s
}

#[differentiable]
fn pairs_generic<T: Real>(p: &[T]) -> T {
    let n = p.len() / 2;
    let mut s = T::zero();
    for i in 0..n {
        for j in i + 1..n {
            s += dot_generic(&p[2 * i..2 * i + 2], &p[2 * j..2 * j + 2]).tanh();
        }
    }
    s
}

#[differentiable]
fn dot_generic<T: Real>(a: &[T], b: &[T]) -> T {
    a[0] * b[0] + a[1] * b[1]
}

#[differentiable]
fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}

#[differentiable]
fn pairs_f32(p: &[f32]) -> f32 {
    let n = p.len() / 2;
    let mut s = 0.0f32;
    for i in 0..n {
        for j in i + 1..n {
            s += dot_f32(&p[2 * i..2 * i + 2], &p[2 * j..2 * j + 2]).sin();
        }
    }
    s
}

fn input(n: usize) -> Vec<f64> {
    sines(n, 0.6)
}

#[test]
fn ranges_of_parameters_against_central_differences() {
    let p = input(18);
    let (val, g) = pairs_grad(&p);
    assert!((val - pairs(&p)).abs() < 1e-12);
    check("pairs", pairs, &g, &p);

    let d = 3;
    let x = input(d + 5 * d);
    let (w, xs) = split(&x, d);
    let (gw, gx) = rows_stride_grad(&w, &xs).1;
    check(
        "rows_stride",
        |x| {
            let (w, xs) = split(x, d);
            rows_stride(&w, &xs)
        },
        &join(gw, gx),
        &x,
    );

    let x = input(4 * 4 + 2);
    let (wf, xs) = split(&x, 16);
    let w = rows_of(&wf, 4);
    let (gw, gx) = row_ranges_grad(&w, &xs).1;
    check(
        "row_ranges",
        |x| {
            let (wf, xs) = split(x, 16);
            row_ranges(&rows_of(&wf, 4), &xs)
        },
        &join(flat(&gw), gx),
        &x,
    );

    let p = input(7);
    check("suffixes", suffixes, &suffixes_grad(&p).1, &p);

    // both arms of `gated` (a_0 = p[2i] changes sign along the input)
    let p = input(12);
    assert!(p.iter().step_by(2).any(|v| *v > 0.0) && p.iter().step_by(2).any(|v| *v < 0.0));
    check("gated_pairs", gated_pairs, &gated_pairs_grad(&p).1, &p);

    let p = input(8);
    check("moving_start", moving_start, &moving_start_grad(&p).1, &p);
    check("read_twice", read_twice, &read_twice_grad(&p).1, &p);
}

#[test]
fn generic_f32_pullback_and_second_order() {
    let p = input(10);
    check(
        "pairs_generic",
        pairs_generic::<f64>,
        &pairs_generic_grad(&p).1,
        &p,
    );

    // f32 against central differences of the same function in f64.
    let p32: Vec<f32> = p.iter().map(|v| *v as f32).collect();
    let g32 = pairs_f32_grad(&p32).1;
    let f64_version = |p: &[f64]| {
        let n = p.len() / 2;
        let mut s = 0.0;
        for i in 0..n {
            for j in i + 1..n {
                s += (p[2 * i] * p[2 * j] + p[2 * i + 1] * p[2 * j + 1]).sin();
            }
        }
        s
    };
    let g64 = autodiff::check::numeric_gradient(f64_version, &p, 1e-6);
    for (a, b) in g32.iter().zip(&g64) {
        assert!((*a as f64 - b).abs() < 1e-4 * (1.0 + b.abs()), "{a} vs {b}");
    }

    // The pullback with a cotangent of 2: twice the gradient.
    let p = input(15);
    let (_, pullback) = pairs_vjp(&p);
    let pb = pullback(2.0);
    let g = pairs_grad(&p).1;
    for (a, b) in pb.iter().zip(&g) {
        assert!((a - 2.0 * b).abs() < 1e-12, "{a} vs {b}");
    }

    // `order = 2`: the Hessian-vector product against central differences of the gradient.
    let v = input(p.len() + 3)[3..].to_vec();
    let (_, _, hv) = pairs_hvp(&p, v.clone());
    check_hvp("pairs", |z| pairs_grad(z).1, &hv, &p, &v);
}
