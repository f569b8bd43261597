//! Reads of a block of a matrix in a loop (`m.row(i)`, `m.column(j)`, `m.rows(i, n)`,
//! `m.columns(j, n)`): each read's adjoint is added into the matrix's adjoint in place, so a loop
//! over the rows costs one row per trip in the reverse sweep (not a matrix of zeros per trip).
//! Matrix parameters and local matrices, dynamic and static shapes, blocks read twice in a trip,
//! in branches and at data-dependent positions, `f32`, and the pullback; each gradient against
//! central differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::nalgebra::{DMatrix, SMatrix};
use autodiff::prelude::*;

/// `Σ_i tanh(|row_i|² w_i) + Σ_j column_j · column_j`, read one block per trip.
#[differentiable]
fn rows_and_columns(m: &DMatrix<f64>, #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        let r = m.row(i);
        s += (r.dot(&r) * w[i]).tanh();
    }
    for j in 0..m.ncols() {
        let c = m.column(j);
        if c[0] > 0.0 {
            s += 0.5 * c.norm_squared();
        } else {
            s -= c.sum();
        }
    }
    s
}

/// Blocks of two rows and of two columns at data-dependent positions, and a local matrix built
/// from the parameter and read by rows.
#[differentiable]
fn blocks_of_locals(m: &DMatrix<f64>, #[no_grad] at: &[usize]) -> f64 {
    let local = m.component_mul(m);
    let mut s = 0.0;
    for k in 0..at.len() {
        let a = at[k];
        let top = m.rows(a, 2);
        let left = local.columns(a % (m.ncols() - 1), 2);
        s += top.norm_squared() * 0.1 + left.sum() * m[(a, 0)];
    }
    for i in 0..local.nrows() {
        s += local.row(i).dot(&m.row(i)).sin();
    }
    s
}

/// A static 3×2 matrix: one row per trip of an inner loop, read twice.
#[differentiable]
fn static_rows(m: &SMatrix<f64, 3, 2>) -> f64 {
    let mut s = 0.0;
    for t in 0..4 {
        for i in 0..3 {
            let r = m.row(i);
            s += r.dot(&r) * (t as f64 + 1.0) + m.row((i + t) % 3).sum();
        }
    }
    s
}

/// Blocks of a matrix that is not differentiated meet differentiated ones: generated code makes
/// both owned (nalgebra returns views), as the companions' blocks are.
#[differentiable]
fn mixed_blocks(m: &DMatrix<f64>, #[no_grad] v: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        let r = m.row(i);
        s += r.dot(&v.row(i)).tanh() + v.column(0).dot(&m.column(1));
        s += m.rows(0, 2).component_mul(&v.rows(1, 2)).sum();
        s += v
            .columns(1, 2)
            .component_mul(&m.columns(0, 2))
            .norm_squared()
            * 0.01;
    }
    s
}

/// A type of the user's with a method named `row`: its value passes through unchanged.
#[derive(Clone, Copy)]
struct Table {
    scale: f64,
}

impl Table {
    fn row(&self, i: usize) -> f64 {
        self.scale * (i as f64 + 1.0)
    }
}

#[differentiable]
fn user_row_method(m: &DMatrix<f64>, #[no_grad] t: Table) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        s += m.row(i).sum() * t.row(i);
    }
    s
}

#[differentiable]
fn rows_f32(m: &DMatrix<f32>) -> f32 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        s += m.row(i).norm();
    }
    s
}

fn matrix(r: usize, c: usize) -> DMatrix<f64> {
    DMatrix::from_fn(r, c, |i, j| ((i * c + j) as f64 * 0.73 + 0.2).sin())
}

fn check(name: &str, f: impl Fn(&DMatrix<f64>) -> f64, grad: &DMatrix<f64>, m: &DMatrix<f64>) {
    let tol = Tolerance::new(1e-6, 1e-6);
    let (r, c) = m.shape();
    let fd = numeric_gradient(
        |x| f(&DMatrix::from_column_slice(r, c, x)),
        m.as_slice(),
        1e-6,
    );
    assert_eq!(grad.shape(), (r, c), "{name}: gradient shape");
    for (k, (a, b)) in grad.iter().zip(&fd).enumerate() {
        assert!(tol.accepts(*a, *b), "{name}[{k}]: {a} vs {b}");
    }
}

#[test]
fn block_reads_in_loops_against_central_differences() {
    let m = matrix(6, 4);
    let w = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9];
    let (v, g) = rows_and_columns_grad(&m, &w);
    assert!((v - rows_and_columns(&m, &w)).abs() < 1e-12);
    check("rows_and_columns", |x| rows_and_columns(x, &w), &g, &m);
    let v = matrix(6, 4).map(|x| 0.5 - x);
    let g = mixed_blocks_grad(&m, &v).1;
    check("mixed_blocks", |x| mixed_blocks(x, &v), &g, &m);
    let t = Table { scale: 0.3 };
    let g = user_row_method_grad(&m, t).1;
    check("user_row_method", |x| user_row_method(x, t), &g, &m);
    let at = [0usize, 3, 1, 4, 2];
    let g = blocks_of_locals_grad(&m, &at).1;
    check("blocks_of_locals", |x| blocks_of_locals(x, &at), &g, &m);
}

#[test]
fn static_and_f32_blocks() {
    let m = SMatrix::<f64, 3, 2>::from_fn(|i, j| (i as f64 - 1.0) * 0.5 + j as f64 * 0.3);
    let g = static_rows_grad(&m).1;
    let fd = numeric_gradient(
        |x| static_rows(&SMatrix::<f64, 3, 2>::from_column_slice(x)),
        m.as_slice(),
        1e-6,
    );
    let tol = Tolerance::new(1e-6, 1e-6);
    for (a, b) in g.iter().zip(&fd) {
        assert!(tol.accepts(*a, *b), "{a} vs {b}");
    }
    let m = matrix(5, 3);
    let m32 = m.map(|x| x as f32);
    let g32 = rows_f32_grad(&m32).1;
    let fd = numeric_gradient(
        |x| {
            let m = DMatrix::from_column_slice(5, 3, x);
            (0..5).map(|i| m.row(i).norm()).sum()
        },
        m.as_slice(),
        1e-6,
    );
    for (a, b) in g32.iter().zip(&fd) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
}

#[test]
fn the_pullback_of_block_reads_scales_with_the_cotangent() {
    let m = matrix(6, 4);
    let w = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9];
    let (_, pb) = rows_and_columns_vjp(&m, &w);
    let g1 = rows_and_columns_grad(&m, &w).1;
    check("rows_and_columns", |x| rows_and_columns(x, &w), &g1, &m);
    let g = pb(0.5);
    assert!((g - 0.5 * &g1).abs().max() < 1e-12);
    let again = pb(0.5);
    assert!((again - 0.5 * g1).abs().max() < 1e-12);
}
