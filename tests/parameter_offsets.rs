//! Parameters read at `i + c` in a loop over `i` (a spring chain, finite differences, stencils over
//! a slice parameter): each read's adjoint is added into the parameter's gradient buffer at its
//! element, and consecutive reverse trips add into the same elements. Every member is a loop
//! shape where an element could get a contribution at the wrong index, twice or never: offsets on
//! both sides and on one side only, gaps, eight offsets and nine, guards at both ends (no read
//! outside the slice), loops that start past 0 and loops of no trip or one, two parameters read
//! at offsets in one loop, reads in branches and in an inner loop, a parameter also read at a
//! computed index or passed whole to a call in the loop, rows of a grid, a matrix read at linear
//! indices, helpers re-run by their caller (a range of the caller's slice, the whole slice, a
//! local, a data slice whose adjoint nobody keeps), `f32` and `T: Real`, the pullback called
//! twice, and Hessian-vector products. Each gradient is checked against central differences.
//!
//! (Carrying these adjoints in registers between trips, as `reverse/window.rs` does for dense
//! locals, was built and measured for parameters: no gain on Rosenbrock or the smoothing fits,
//! and a slower chain energy; see BENCHMARKS.md, forty-first pass.)

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check_hvp};

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// A chain of springs with a bending weight: `x[i]` and `x[i + 1]` (two offsets), generic
/// (Rosenbrock's function, the same kind, is in `tests/second_order.rs`).
#[differentiable(order = 2)]
fn chain<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() - 1 {
        let d = x[i + 1] - x[i];
        s += d * d * (x[i + 1] * T::from_f64(0.5)).cos() + x[i] * x[i] * x[i];
    }
    s
}

/// Second differences with zero guards at both ends: the first and last trips read one
/// neighbour only.
#[differentiable(order = 2)]
fn smooth(x: &[f64], w: f64) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let l = if i > 0 { x[i - 1] } else { 0.0 };
        let r = if i + 1 < n { x[i + 1] } else { 0.0 };
        let d = l - 2.0 * x[i] + r;
        s += w * d * d + (x[i] * 0.5).sin();
    }
    s
}

/// Offsets with gaps on one side of `i` (`i + 2`, `i + 5`, `i + 7`: eight elements apart at
/// most), then a loop starting at 3 that reads `i - 3` and `i + 1`.
#[differentiable]
fn gaps(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n - 7 {
        s += x[i + 2] * x[i + 7] - (x[i + 5] * 0.3).exp();
    }
    for i in 3..n - 1 {
        s += (x[i - 3] - x[i + 1]).powi(2) * 0.1;
    }
    s
}

/// Offsets nine apart (`i` and `i + 8`).
#[differentiable]
fn too_wide(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 8 {
        s += x[i] * x[i + 8];
    }
    s
}

/// Two parameters read at offsets in one loop, one read in branches that depend on the values;
/// a loop from `a` to `b` that may run no trip or one.
#[differentiable]
fn two(x: &[f64], y: &[f64], a: usize, b: usize) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() - 1 {
        if x[i] > 0.0 {
            s += x[i + 1] * y[i - 1];
        } else {
            s -= x[i - 1] * y[i + 1] * 0.5;
        }
        s += y[i] * (x[i + 1] - x[i - 1]);
    }
    for i in a..b {
        s += x[i] * x[i + 1] * y[i + 2];
    }
    s
}

/// Reads at the outer variable's offsets inside an inner loop; the inner loop's own reads of
/// `x[j]` beside `x[i - 1]` in the second outer loop.
#[differentiable]
fn nested(x: &[f64], reps: usize) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n - 1 {
        for r in 0..reps {
            s += x[i] * x[i + 1] * (r as f64 + 1.0);
        }
    }
    for i in 1..n {
        let mut t = 0.0;
        for j in 0..i {
            t += x[j];
        }
        s += t * x[i - 1] * 0.1;
    }
    s
}

/// Helper for [`mixed`]: takes the whole slice.
#[differentiable]
fn total(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x {
        s += v * v;
    }
    s
}

/// A parameter read at a computed index (`x[perm[i]]`) and one passed whole to a call in the
/// loop, beside a third parameter read only at offsets.
#[differentiable]
fn mixed(x: &[f64], y: &[f64], z: &[f64], #[no_grad] perm: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += x[perm[i]] * x[i + 1] + total(y) * y[i] + z[i] * z[i + 1].sin();
    }
    s
}

/// Rows of a grid read at `i` and `i + 1`: each read borrows a row, so the buffer's adds stay.
#[differentiable]
fn rows(x: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        for j in 0..x[i].len() {
            s += x[i][j] * x[i + 1][j];
        }
    }
    s
}

/// A matrix read at column-major linear indices `k` and `k + 1`.
#[differentiable]
fn linear(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for k in 0..m.len() - 1 {
        s += m[k] * m[k + 1] + m[k].powi(3);
    }
    s
}

/// Helper reading its slice at `i` and `i + 1` (re-run by its caller's reverse sweep).
#[differentiable]
fn tv(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let d = x[i + 1] - x[i];
        s += (d * d + 0.01).sqrt();
    }
    s
}

/// `tv` on ranges of a parameter (lent the caller's adjoint in place), on a data slice (its
/// adjoint kept by nobody), on the whole parameter and on a local.
#[differentiable]
fn caller(p: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for k in 0..n - 3 {
        s += tv(&p[k..k + 4]) * d[k];
        s += tv(&d[k..k + 3]) * p[k];
    }
    let mut q = vec![0.0; n];
    for k in 0..n {
        q[k] = p[k] * p[k];
    }
    s + tv(p) + tv(&q)
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 0.4 * ((k as f64) * 0.9 + 0.3).sin() + 0.05 * k as f64)
        .collect()
}

#[test]
fn two_offsets_guards_at_both_ends_and_f32() {
    for n in [2, 3, 4, 11] {
        let x = input(n);
        let (y, g) = chain_grad(&x[..]);
        assert!((y - chain(&x[..])).abs() <= 1e-12 * (1.0 + y.abs()));
        assert_gradient(chain::<f64>, &x, &g, 1e-6, TOL);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (_, g32) = chain_grad(&x32[..]);
        agree("chain f32", &g, &g32, 1e-3);
    }
    for n in [1, 2, 3, 9] {
        let mut x = input(n);
        x.push(0.7);
        let f = |p: &[f64]| smooth(&p[..n], p[n]);
        let (_, (dx, dw)) = smooth_grad(&x[..n], x[n]);
        let mut g = dx.clone();
        g.push(dw);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
}

#[test]
fn gaps_eight_elements_apart_and_nine() {
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
fn two_parameters_branches_and_short_loops() {
    for n in [3, 4, 10] {
        let mut x = input(n);
        x[1] = -x[1].abs() - 0.1; // both arms of the branch
        let y: Vec<f64> = input(n + 2).iter().map(|v| 1.0 - v).collect();
        for (a, b) in [(0, 0), (0, 1), (1, 1), (0, n - 1)] {
            let all: Vec<f64> = x.iter().chain(&y).copied().collect();
            let f = |p: &[f64]| two(&p[..n], &p[n..], a, b);
            let (_, (dx, dy)) = two_grad(&x, &y, a, b);
            let g: Vec<f64> = dx.iter().chain(&dy).copied().collect();
            assert_gradient(f, &all, &g, 1e-6, TOL);
        }
    }
}

#[test]
fn inner_loops_computed_indices_calls_and_rows() {
    for (n, reps) in [(2, 0), (2, 1), (5, 3), (9, 2)] {
        let x = input(n);
        let f = |p: &[f64]| nested(p, reps);
        let (_, g) = nested_grad(&x, reps);
        assert_gradient(f, &x, &g, 1e-6, TOL);
    }
    for n in [2, 3, 7] {
        let perm: Vec<usize> = (0..n).map(|k| (3 * k + 1) % n).collect();
        let (x, y, z) = (input(n), input(n + 1), input(n + 2));
        let all: Vec<f64> = x.iter().chain(&y).chain(&z).copied().collect();
        let f = |p: &[f64]| mixed(&p[..n], &p[n..2 * n + 1], &p[2 * n + 1..], &perm);
        let (_, (dx, dy, dz)) = mixed_grad(&x, &y, &z, &perm);
        let g: Vec<f64> = dx.iter().chain(&dy).chain(&dz).copied().collect();
        assert_gradient(f, &all, &g, 1e-6, TOL);
    }
    let (r, c) = (4, 3);
    let flat = input(r * c);
    let grid = |p: &[f64]| -> Vec<Vec<f64>> { p.chunks(c).map(<[f64]>::to_vec).collect() };
    let (_, g) = rows_grad(&grid(&flat));
    let g: Vec<f64> = g.concat();
    assert_gradient(|p: &[f64]| rows(&grid(p)), &flat, &g, 1e-6, TOL);
}

#[test]
fn a_matrix_at_linear_indices() {
    let (r, c) = (3, 4);
    let flat = input(r * c);
    let mat = |p: &[f64]| DMatrix::from_column_slice(r, c, p);
    let (_, g) = linear_grad(&mat(&flat));
    assert_gradient(|p: &[f64]| linear(&mat(p)), &flat, g.as_slice(), 1e-6, TOL);
}

#[test]
fn helpers_re_run_on_ranges_data_whole_slices_and_locals() {
    for n in [4, 5, 9] {
        let p = input(n);
        let d: Vec<f64> = input(n).iter().map(|v| 0.5 + v * v).collect();
        let (_, g) = caller_grad(&p, &d);
        assert_gradient(|q: &[f64]| caller(q, &d), &p, &g, 1e-6, TOL);
        let (_, g) = tv_grad(&p);
        assert_gradient(tv, &p, &g, 1e-6, TOL);
    }
}

#[test]
fn the_pullback_twice_and_hessian_vector_products() {
    let n = 7;
    let x = input(n);
    let (_, g) = chain_grad(&x[..]);
    assert_gradient(chain::<f64>, &x, &g, 1e-6, TOL);
    let (_, back) = chain_vjp(&x[..]);
    let (g1, g3) = (back(1.0), back(3.0));
    for k in 0..n {
        assert!((g1[k] - g[k]).abs() <= 1e-12 * g[k].abs().max(1.0));
        assert!((g3[k] - 3.0 * g[k]).abs() <= 1e-12 * g[k].abs().max(1.0));
    }
    let v: Vec<f64> = input(n).iter().map(|a| 0.3 - a).collect();
    let (_, _, hv) = chain_hvp(&x[..], v.clone());
    check_hvp("chain", |y| chain_grad(y).1, &hv, &x, &v);
    let w = 0.7;
    let (_, _, hv) = smooth_hvp(&x[..], w, v.clone(), 0.0);
    check_hvp("smooth", |y| smooth_grad(y, w).1.0, &hv.0, &x, &v);
}
