//! Elements of rows of a parameter (`w[i][j]`, `let r = &w[i]; r[j]`) that a rule reads in
//! the reverse sweep (a product, `sin`, a quotient) are indexed again in the parameter rather
//! than recorded per element; the row's index shape is taken from the parameter too. Covered:
//! rows picked through an index table, rows of a `#[no_grad]` parameter, a by-value
//! `Vec<Vec<f64>>`, rows that are arrays, a row index reassigned after the row is taken (still
//! recorded), loops left by `break`. Every gradient against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::ptr_arg)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// Rows chosen through a table: `Σ_m Π-ish` over `w[idx[m]]`.
#[differentiable]
fn picked(w: &[Vec<f64>], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for m in 0..idx.len() {
        let k = idx[m];
        let r = &w[k];
        for j in 1..r.len() {
            s += r[j] * r[j - 1] + (r[j] / (1.0 + r[0] * r[0])).sin();
        }
    }
    s
}

/// Weights differentiated, data rows not: `Σ_i (w · x_i)²` with `x: &[Vec<f64>]`.
#[differentiable]
fn data_rows(w: &[f64], #[no_grad] x: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut z = 0.0;
        for j in 0..w.len() {
            z += w[j] * x[i][j];
        }
        s += z * z;
    }
    s
}

/// A by-value parameter of rows, read with products and a quotient.
#[differentiable]
fn owned_rows(w: Vec<Vec<f64>>, x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += w[i][j] * x[j] / (2.0 + w[i][0] * w[i][0]);
        }
    }
    s
}

/// Rows that are arrays, a loop left by `break`, and a row index reassigned later (whose
/// elements keep their records).
#[differentiable]
fn arrays_break(w: &[[f64; 3]]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    for i in 0..w.len() {
        if w[i][0] * w[i][1] > 0.4 {
            break;
        }
        s += w[i][2] * w[i][1] * w[i][0];
        let r = &w[k];
        s += r[2] * r[1];
        k = i;
    }
    s
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.6 * ((i as f64) * 0.77 + 0.4).sin())
        .collect()
}

#[test]
fn rows_of_parameters_read_again_against_central_differences() {
    let (n, m) = (4, 5);
    let x = input(n * m);
    let w = rows_of(&x, m);
    let idx = [2, 0, 2, 3];
    check(
        "picked",
        |x| picked(&rows_of(x, m), &idx),
        &flat(&picked_grad(&w, &idx).1),
        &x,
    );

    let data = rows_of(&input(6 * m), m);
    let v = input(m);
    check(
        "data_rows",
        |v| data_rows(v, &data),
        &data_rows_grad(&v, &data).1,
        &v,
    );

    let x = input(n * m + m);
    let split = |x: &[f64]| (rows_of(&x[..n * m], m), x[n * m..].to_vec());
    let (w, v) = split(&x);
    let (gw, gv) = owned_rows_grad(w.clone(), &v).1;
    let mut g = flat(&gw);
    g.extend(gv);
    check(
        "owned_rows",
        |x| {
            let (w, v) = split(x);
            owned_rows(w, &v)
        },
        &g,
        &x,
    );

    for scale in [0.5, 1.0, 1.7] {
        let x: Vec<f64> = input(15).iter().map(|a| a * scale).collect();
        let as_arrays =
            |x: &[f64]| -> Vec<[f64; 3]> { x.chunks(3).map(|c| [c[0], c[1], c[2]]).collect() };
        let g: Vec<f64> = arrays_break_grad(&as_arrays(&x))
            .1
            .iter()
            .flatten()
            .copied()
            .collect();
        check(
            &format!("arrays_break {scale}"),
            |x| arrays_break(&as_arrays(x)),
            &g,
            &x,
        );
    }
}
