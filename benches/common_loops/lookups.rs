//! Helpers called once per trip on a parameter's whole slice, each run again in the reverse
//! sweep with the slice's adjoint lent in place: a table lookup that reads two entries of a
//! long table, and a polynomial helper that reads all of a short coefficient slice (16 records
//! per call, past the 8 a tape keeps inline, with the point as data: the helper's companion gets
//! `NoSlot` for it).

use autodiff::prelude::*;

/// Entries of [`lookup_fit`]'s table.
pub const TABLE_N: usize = 256;
/// Samples of [`lookup_fit`].
pub const LOOKUP_M: usize = 1000;

/// `table[k] x + table[k + 1] x²`: two entries of the table at row `k`.
#[differentiable]
pub fn lookup(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x + table[k + 1] * x * x
}

/// Squared misfit of the lookups at rows `ks` (data-dependent) to `y`; gradient w.r.t. the
/// table and the inputs `xs`.
#[differentiable]
pub fn lookup_fit(table: &[f64], xs: &[f64], #[no_grad] ks: &[usize], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = lookup(table, ks[i], xs[i]) - y[i];
        l += e * e;
    }
    l
}

/// Hand-written: `∂/∂t_k += 2e x`, `∂/∂t_{k+1} += 2e x²`, `∂/∂x = 2e (t_k + 2 t_{k+1} x)`.
pub fn lookup_fit_hand(
    table: &[f64],
    xs: &[f64],
    ks: &[usize],
    y: &[f64],
) -> (f64, (Vec<f64>, Vec<f64>)) {
    let mut gt = vec![0.0; table.len()];
    let mut gx = vec![0.0; xs.len()];
    let mut l = 0.0;
    for i in 0..xs.len() {
        let (k, x) = (ks[i], xs[i]);
        let (a, b) = (table[k], table[k + 1]);
        let e = a * x + b * x * x - y[i];
        l += e * e;
        let e2 = 2.0 * e;
        gt[k] += e2 * x;
        gt[k + 1] += e2 * x * x;
        gx[i] = e2 * (a + 2.0 * b * x);
    }
    (l, (gt, gx))
}

/// `(table, xs, ks, y)`: rows spread over the table, inputs of order one.
pub fn lookup_input() -> (Vec<f64>, Vec<f64>, Vec<usize>, Vec<f64>) {
    let table = (0..TABLE_N)
        .map(|i| 0.5 * ((i as f64) * 0.37).sin())
        .collect();
    let xs = (0..LOOKUP_M)
        .map(|i| 0.8 * ((i as f64) * 0.11).cos())
        .collect();
    let ks = (0..LOOKUP_M).map(|i| (i * 97) % (TABLE_N - 1)).collect();
    let y = (0..LOOKUP_M)
        .map(|i| 0.2 * ((i as f64) * 0.05).sin())
        .collect();
    (table, xs, ks, y)
}

/// Coefficients of [`poly_helper_fit`].
pub const POLY_K: usize = 16;
/// Points of [`poly_helper_fit`].
pub const POLY_M: usize = 500;

/// `Σ_j w_j x^j` by Horner's rule.
#[differentiable]
pub fn poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in (0..w.len()).rev() {
        s = s * x + w[j];
    }
    s
}

/// Squared misfit of the polynomial at the points `xs` to `y`; gradient w.r.t. the
/// coefficients.
#[differentiable]
pub fn poly_helper_fit(w: &[f64], #[no_grad] xs: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = poly(w, xs[i]) - y[i];
        l += e * e;
    }
    l
}

/// Hand-written: `∂/∂w_j += 2e x^j`, the powers built as the value is.
pub fn poly_helper_fit_hand(w: &[f64], xs: &[f64], y: &[f64]) -> (f64, Vec<f64>) {
    let mut g = vec![0.0; w.len()];
    let mut l = 0.0;
    for i in 0..xs.len() {
        let x = xs[i];
        let mut s = 0.0;
        for j in (0..w.len()).rev() {
            s = s * x + w[j];
        }
        let e = s - y[i];
        l += e * e;
        let mut p = 2.0 * e;
        for gj in g.iter_mut() {
            *gj += p;
            p *= x;
        }
    }
    (l, g)
}

/// `(w, xs, y)`: points in `[-1, 1]`, coefficients decaying.
pub fn poly_input() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let w = (0..POLY_K)
        .map(|j| ((j as f64) * 0.9).cos() / (1.0 + j as f64))
        .collect();
    let xs = (0..POLY_M).map(|i| ((i as f64) * 0.37).sin()).collect();
    let y = (0..POLY_M)
        .map(|i| 0.3 * ((i as f64) * 0.13).cos())
        .collect();
    (w, xs, y)
}
