//! Locals read only at `i + c` in a loop over `i` (stencils): the reverse sweep adds the
//! adjoints of those reads into a window of registers, one per offset, and adds each register
//! into the local's adjoint buffer once its element is complete (`autodiff-macros/src/reverse/
//! window.rs`). A register flushed at the wrong element, too early, twice or never shows up as a
//! wrong gradient, so every member here is a loop shape where that could happen: offsets on both
//! sides and on one side only, gaps between offsets, the widest window taken (eight offsets) and
//! one wider, guards at both ends, loops that start past 0, loops that run no trip or one,
//! nested loops reading at the outer variable's offsets, the swap form, `f32` and `T: Real`;
//! and locals that must keep the memory adds (also written in the loop, read at a computed
//! index). Each gradient is checked against central differences.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient, numeric_gradient};
use autodiff::prelude::*;

/// The heat stencil with guards at both ends and a fresh `Vec` per step.
#[differentiable]
fn heat<T: Real>(u0: &[T], k: T) -> T {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..7 {
        let mut next = vec![T::zero(); n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { T::zero() };
            let right = if i + 1 < n { u[i + 1] } else { T::zero() };
            next[i] = u[i] + k * (left - u[i] - u[i] + right) * u[i].cos();
        }
        u = next;
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Two buffers swapped after each step, interior cells only (`1..n - 1`: the loop starts at 1,
/// and the first and last cells' adjoints come from the window's last flushes).
#[differentiable]
fn swap_interior(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = u0.to_vec();
    for _ in 0..5 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] * u[i + 1] - u[i]).sin();
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// Offsets with gaps and on one side of `i` only (`i + 2`, `i + 5`, `i + 7`: the widest window,
/// eight registers), then `i - 3` and `i + 1` with a gap.
#[differentiable]
fn gaps(x: &[f64]) -> f64 {
    let n = x.len();
    let u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 7 {
        s += u[i + 2] * u[i + 7] - (u[i + 5] * 0.3).exp();
    }
    let v = x.to_vec();
    for i in 3..n - 1 {
        s += (v[i - 3] - v[i + 1]).powi(2) * 0.1;
    }
    s
}

/// Offsets nine apart (`i` and `i + 8`): wider than a window, the memory adds stay.
#[differentiable]
fn too_wide(x: &[f64]) -> f64 {
    let u = x.to_vec();
    let mut s = 0.0;
    for i in 0..x.len() - 8 {
        s += u[i] * u[i + 8].sin();
    }
    s
}

/// An inner loop reading the local at the outer variable's offsets, and one at its own.
#[differentiable]
fn nested(x: &[f64], reps: usize) -> f64 {
    let n = x.len();
    let u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 1 {
        let mut acc = 0.0;
        for r in 0..reps {
            acc += u[i - 1] * (r as f64 + 0.5) - u[i + 1].tanh();
        }
        s += acc * u[i];
    }
    let w = x.to_vec();
    for i in 0..n - 1 {
        for j in 0..2 {
            s += w[j] * w[i + 1] - w[i] * 0.5;
        }
    }
    s
}

/// Locals that keep the memory adds: `u` is also written in the loop, `v` is read at an index
/// computed otherwise (`(i * 3) % n`).
#[differentiable]
fn kept(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let v = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 1 {
        u[i] = u[i - 1] * 0.5 + u[i + 1] * v[i];
        s += v[(i * 3) % n] * v[i + 1] + u[i];
    }
    s
}

/// `m` cells: with `m <= 2` the interior loop runs no trip or one.
#[differentiable]
fn short(x: &[f64], m: usize) -> f64 {
    let u = x.to_vec();
    let mut s = x[0] * 0.25;
    for i in 1..m {
        if i + 1 < m {
            s += u[i - 1] * u[i + 1] + u[i];
        }
    }
    s
}

/// A first-order recurrence (`c[i] = c[i - 1] * x[i]`, the write at offset 0 takes what the
/// next trip's read added), summed afterwards so every element also has an adjoint from outside
/// the loop.
#[differentiable]
fn cumprod<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut c = vec![T::zero(); n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = T::zero();
    for i in 0..n {
        s += c[i] * (T::one() + T::one());
    }
    s
}

/// A second-order recurrence writing ahead of its reads (`f[i + 2]` from `f[i + 1]` and
/// `f[i]`), with an active coefficient; the first two elements are never written.
#[differentiable]
fn lagged(x: &[f64], a: f64) -> f64 {
    let n = x.len();
    let mut f = x.to_vec();
    for i in 0..n - 2 {
        f[i + 2] = a * f[i + 1] - (f[i] * x[i]).sin();
    }
    let mut s = 0.0;
    for i in 0..n {
        s += f[i] * (i as f64 + 0.5);
    }
    s
}

/// Writes in branches (either arm, or none: an element left as it was keeps its adjoint in the
/// window until it is flushed), a read of the element just written in the same trip, and
/// Gauss-Seidel sweeps (`u[i]` from the new `u[i - 1]` and the old `u[i + 1]`) repeated in an
/// outer loop.
#[differentiable]
fn branchy(x: &[f64], sweeps: usize) -> f64 {
    let n = x.len();
    let mut c = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        if x[i] > 0.1 {
            c[i] = c[i - 1] * x[i] + c[i] * 0.5;
        } else if i % 3 == 0 {
            c[i] = (c[i - 1] - x[i]).tanh();
        }
        s += c[i] * c[i];
    }
    let mut u = x.to_vec();
    for _ in 0..sweeps {
        for i in 1..n - 1 {
            u[i] = 0.5 * (u[i - 1] + u[i + 1]) * x[i].cos() + 0.1 * u[i];
        }
    }
    for i in 0..n {
        s += u[i] * c[i];
    }
    s
}

/// A write in an inner loop at the outer variable's offset, read at the same offset and one
/// below in every inner trip.
#[differentiable]
fn inner_writes(x: &[f64], reps: usize) -> f64 {
    let n = x.len();
    let mut c = x.to_vec();
    for i in 1..n {
        for r in 0..reps {
            c[i] = c[i] * 0.9 + c[i - 1] * x[r % n];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i].exp();
    }
    s
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 0.4 * ((k as f64) * 0.9 + 0.3).sin() + 0.05 * k as f64)
        .collect()
}

#[test]
fn three_point_stencils_with_guards_and_the_swap_form() {
    for n in [1, 2, 3, 9, 20] {
        let mut x = input(n);
        x.push(0.15);
        let f = |p: &[f64]| heat(&p[..n], p[n]);
        let (_, (du, dk)) = heat_grad(&x[..n], x[n]);
        let mut g = du.clone();
        g.push(dk);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
    for n in [2, 3, 4, 12] {
        let mut x = input(n);
        x.push(0.2);
        let f = |p: &[f64]| swap_interior(&p[..n], p[n]);
        let (_, (du, dk)) = swap_interior_grad(&x[..n], x[n]);
        let mut g = du.clone();
        g.push(dk);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn gaps_one_sided_offsets_and_the_widest_window() {
    for n in [8, 9, 16] {
        let x = input(n);
        let (_, g) = gaps_grad(&x);
        assert_gradient(gaps, &x, &g, 1e-6, TOL);
    }
    for n in [9, 10, 15] {
        let x = input(n);
        let (_, g) = too_wide_grad(&x);
        assert_gradient(too_wide, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn nested_loops_kept_adds_and_short_loops() {
    for (n, reps) in [(3, 0), (3, 1), (6, 3), (11, 2)] {
        let x = input(n);
        let f = |p: &[f64]| nested(p, reps);
        let (_, g) = nested_grad(&x, reps);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
    for n in [3, 4, 10] {
        let x = input(n);
        let (_, g) = kept_grad(&x);
        assert_gradient(kept, &x, &g, 1e-6, TOL);
    }
    for m in [0, 1, 2, 3, 5] {
        let x = input(6);
        let f = |p: &[f64]| short(p, m);
        let (_, g) = short_grad(&x, m);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn the_window_at_f32_and_through_a_pullback() {
    // `f32`: the same gradient to `f32` precision.
    let n = 10;
    let x: Vec<f64> = input(n);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (du32, dk32)) = heat_grad(&x32[..], 0.15_f32);
    let mut all = x.clone();
    all.push(0.15);
    let numeric = numeric_gradient(|p: &[f64]| heat(&p[..n], p[n]), &all, 1e-6);
    for (k, g) in du32
        .iter()
        .map(|&d| d as f64)
        .chain([dk32 as f64])
        .enumerate()
    {
        assert!(
            (g - numeric[k]).abs() <= 1e-3 * numeric[k].abs().max(1.0),
            "entry {k}: {g} vs {}",
            numeric[k]
        );
    }
    // The pullback (`NAME_vjp`, the zero rule's sweep) agrees with `NAME_grad`, which agrees
    // with central differences, and scales with the cotangent.
    let (_, back) = heat_vjp(&x[..], 0.15);
    let (du1, dk1) = back(1.0);
    let (du3, dk3) = back(3.0);
    let (_, (du, dk)) = heat_grad(&x[..], 0.15);
    let mut g = du.clone();
    g.push(dk);
    assert_gradient(|p: &[f64]| heat(&p[..n], p[n]), &all, &g, 1e-6, TOL);
    assert!((dk1 - dk).abs() <= 1e-12 * dk.abs().max(1.0));
    assert!((dk3 - 3.0 * dk).abs() <= 1e-12 * dk.abs().max(1.0));
    for k in 0..n {
        assert!((du1[k] - du[k]).abs() <= 1e-12 * du[k].abs().max(1.0));
        assert!((du3[k] - 3.0 * du[k]).abs() <= 1e-12 * du[k].abs().max(1.0));
    }
}

#[test]
fn recurrences_written_in_the_loop() {
    for n in [1, 2, 3, 10] {
        let x: Vec<f64> = input(n).iter().map(|v| 1.0 + 0.3 * v).collect();
        let (_, g) = cumprod_grad(&x);
        assert_gradient(cumprod::<f64>, &x, &g, 1e-6, TOL);
        // `f32`: the same gradient to `f32` precision.
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (_, g32) = cumprod_grad(&x32[..]);
        for k in 0..n {
            assert!(
                (g32[k] as f64 - g[k]).abs() <= 1e-4 * g[k].abs().max(1.0),
                "entry {k}: {} vs {}",
                g32[k],
                g[k]
            );
        }
        // The pullback scales with the cotangent and agrees with `NAME_grad`.
        let (_, back) = cumprod_vjp(&x[..]);
        let g3 = back(3.0);
        for k in 0..n {
            assert!((g3[k] - 3.0 * g[k]).abs() <= 1e-12 * g[k].abs().max(1.0));
        }
    }
    for n in [2, 3, 4, 12] {
        let mut x = input(n);
        x.push(0.7);
        let f = |p: &[f64]| lagged(&p[..n], p[n]);
        let (_, (dx, da)) = lagged_grad(&x[..n], x[n]);
        let mut g = dx.clone();
        g.push(da);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn recurrence_writes_in_branches_sweeps_and_inner_loops() {
    for (n, sweeps) in [(2, 0), (3, 1), (7, 2), (13, 3)] {
        let x = input(n);
        let f = |p: &[f64]| branchy(p, sweeps);
        let (_, g) = branchy_grad(&x, sweeps);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
    for (n, reps) in [(1, 2), (2, 0), (4, 1), (9, 3)] {
        let x = input(n);
        let f = |p: &[f64]| inner_writes(p, reps);
        let (_, g) = inner_writes_grad(&x, reps);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
}
