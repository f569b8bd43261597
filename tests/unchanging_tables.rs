//! Local tables that nothing changes any more (filled by one loop, read by later loops) are read
//! again in the reverse sweep from one copy instead of being recorded per read
//! (`autodiff-macros/src/reverse/frozen.rs`). Members of the kind, and the near misses that must
//! keep their records (a write inside the reading loop, a write after it, a name shadowed, a
//! macro naming the table, an early return between fill and read, an in-place method), each
//! gradient against central differences.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

/// GMM's shape: a table of `exp(w_k)` filled once, read in every trip of a nested loop.
#[differentiable]
fn table_read_later(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; w.len()];
    for k in 0..w.len() {
        t[k] = w[k].exp();
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        for k in 0..t.len() {
            s += t[k] * x[i] * x[i] + (t[k] * x[i]).sin();
        }
    }
    s
}

/// The table is written inside the reading loop: its elements differ per trip.
#[differentiable]
fn table_written_in_loop(w: &[f64], x: &[f64]) -> f64 {
    let mut t = w.to_vec();
    let mut s = 0.0;
    for i in 0..x.len() {
        for k in 0..t.len() {
            s += t[k] * x[i];
            t[k] = t[k] * x[i] + 0.1;
        }
    }
    s
}

/// The table is overwritten after the reading loop, and read again.
#[differentiable]
fn table_written_after(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; 3];
    for k in 0..3 {
        t[k] = w[k] * w[k];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += t[i % 3] * x[i];
    }
    for k in 0..3 {
        t[k] = s * x[k];
    }
    let mut r = 0.0;
    for k in 0..3 {
        r += t[k] * w[k];
    }
    r + s
}

/// The table's name is shadowed by a later `let`.
#[differentiable]
fn table_shadowed(w: &[f64], x: &[f64]) -> f64 {
    let t = w.to_vec();
    let mut s = 0.0;
    for i in 0..x.len() {
        s += t[i % 3] * x[i];
    }
    let t = vec![s, s * s, 1.0];
    let mut r = 0.0;
    for i in 0..x.len() {
        r += t[i % 3] * x[i];
    }
    r
}

/// A macro names the table after the fill (it may change it unseen), and an early return sits
/// between the fill and the read.
#[differentiable]
fn table_macro_and_return(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; 3];
    for k in 0..3 {
        t[k] = (w[k] * 0.5).cos();
    }
    debug_assert!(t.len() == 3, "{t:?}");
    if x[0] > 100.0 {
        return t[0];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += t[i % 3] * x[i] * t[(i + 1) % 3];
    }
    s
}

/// An in-place method on the table between two reading loops.
#[differentiable]
fn table_swapped(w: &[f64], x: &[f64]) -> f64 {
    let mut t = w.to_vec();
    let mut s = 0.0;
    for i in 0..x.len() {
        s += t[i % 3] * x[i];
    }
    t.swap(0, 2);
    for i in 0..x.len() {
        s += t[i % 3] * x[i] * x[i];
    }
    s
}

/// A local matrix table read by `(i, j)`.
#[differentiable]
fn matrix_table(w: &[f64], x: &[f64]) -> f64 {
    let mut m: DMatrix<f64> = DMatrix::zeros(3, 3);
    for i in 0..3 {
        for j in 0..3 {
            m[(i, j)] = w[i] * w[j] + 0.1;
        }
    }
    let mut s = 0.0;
    for k in 0..x.len() {
        for i in 0..3 {
            s += m[(i, k % 3)] * x[k] * m[(k % 3, i)];
        }
    }
    s
}

const P: [f64; 7] = [0.3, -0.7, 0.5, 1.1, -0.4, 0.8, 0.6];

type Primal = fn(&[f64], &[f64]) -> f64;
type Grad = fn(&[f64], &[f64]) -> (f64, (Vec<f64>, Vec<f64>));

#[test]
fn tables_and_near_misses_against_central_differences() {
    let cases: [(&str, Primal, Grad); 7] = [
        ("read later", table_read_later, table_read_later_grad),
        (
            "written in loop",
            table_written_in_loop,
            table_written_in_loop_grad,
        ),
        (
            "written after",
            table_written_after,
            table_written_after_grad,
        ),
        ("shadowed", table_shadowed, table_shadowed_grad),
        (
            "macro and return",
            table_macro_and_return,
            table_macro_and_return_grad,
        ),
        ("swapped", table_swapped, table_swapped_grad),
        ("matrix", matrix_table, matrix_table_grad),
    ];
    let tol = Tolerance::new(1e-6, 1e-6);
    let (w, x) = P.split_at(3);
    for (name, f, grad) in cases {
        let (v, (gw, gx)) = grad(w, x);
        assert!(
            (v - f(w, x)).abs() <= 1e-12 * v.abs().max(1.0),
            "{name}: value"
        );
        let fd = numeric_gradient(|q| f(&q[..3], &q[3..]), &P, 1e-6);
        let g: Vec<f64> = gw.into_iter().chain(gx).collect();
        assert_eq!(g.len(), fd.len(), "{name}");
        for (i, (a, b)) in g.iter().zip(&fd).enumerate() {
            assert!(tol.accepts(*a, *b), "{name}[{i}]: {a} vs {b}");
        }
    }
}

#[test]
fn early_return_path_of_a_table() {
    // x[0] > 100: the function returns t[0] = cos(w0 / 2) before the reading loop.
    let (w, x) = ([0.3, -0.7, 0.5], [200.0, -0.4, 0.8, 0.6]);
    let (v, (gw, gx)) = table_macro_and_return_grad(&w, &x);
    assert!((v - (0.5 * w[0]).cos()).abs() < 1e-12);
    assert!((gw[0] + 0.5 * (0.5 * w[0]).sin()).abs() < 1e-12);
    assert!(gw[1..].iter().chain(&gx).all(|d| d.abs() < 1e-12));
}

/// Views borrowed from a parameter (`&p[..2]` is a view value the reverse sweep must not copy
/// out of the forward sweep's scope) and read in a product in a loop.
#[differentiable]
fn range_views(w: &[f64], x: &[f64]) -> f64 {
    let a = &w[..2];
    let b = &x[1..];
    let mut s = 0.0;
    for i in 0..b.len() {
        s += a[i % 2] * b[i] + b[i] * b[i];
    }
    s
}

#[test]
fn range_views_in_products_against_central_differences() {
    let (w, x) = P.split_at(3);
    let (_, (gw, gx)) = range_views_grad(w, x);
    let fd = numeric_gradient(|q| range_views(&q[..3], &q[3..]), &P, 1e-6);
    let g: Vec<f64> = gw.into_iter().chain(gx).collect();
    let tol = Tolerance::new(1e-6, 1e-6);
    for (i, (a, b)) in g.iter().zip(&fd).enumerate() {
        assert!(tol.accepts(*a, *b), "[{i}]: {a} vs {b}");
    }
}
