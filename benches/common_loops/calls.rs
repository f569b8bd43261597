//! A workload of a kind not in the suite, written in the seventeenth pass (the pass that made it
//! fast, so it is not held out from that change): a differentiable helper called on
//! sub-slices of the parameter inside a double loop (one particle's coordinates per argument),
//! the way code that keeps positions in one flat `Vec` calls a small vector routine.
//!
//! And one written in the eighteenth pass (also the pass that made it fast): a dense layer whose
//! weights are rows of a `&[Vec<f64>]`, read as `w[i][j]`.

use autodiff::prelude::*;

/// Number of particles (in 3-D).
pub const SLICE_PAIRS_N: usize = 30;

/// `a · b` of two 3-vectors.
#[differentiable]
pub fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// `Σ_{i<j} tanh(p_i · p_j)`, each `p_i = p[3i..3i + 3]` passed to [`dot3`] as a sub-slice.
#[differentiable]
pub fn slice_pairs(p: &[f64]) -> f64 {
    let n = p.len() / 3;
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += dot3(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
        }
    }
    s
}

/// Hand-written: with `t = tanh(p_i · p_j)`, `∂t/∂p_i = (1 - t²) p_j` and `∂t/∂p_j = (1 - t²) p_i`.
pub fn slice_pairs_hand(p: &[f64]) -> (f64, Vec<f64>) {
    let n = p.len() / 3;
    let mut s = 0.0;
    let mut g = vec![0.0; p.len()];
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (3 * i, 3 * j);
            let t = (p[a] * p[b] + p[a + 1] * p[b + 1] + p[a + 2] * p[b + 2]).tanh();
            s += t;
            let w = 1.0 - t * t;
            for k in 0..3 {
                g[a + k] += w * p[b + k];
                g[b + k] += w * p[a + k];
            }
        }
    }
    (s, g)
}

/// Positions on a helix.
pub fn slice_pairs_input(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|i| {
            let t = i as f64 * 0.35;
            [0.6 * t.cos(), 0.6 * t.sin(), 0.05 * t - 0.4]
        })
        .collect()
}

/// The dense layer's size: `LAYER_N` outputs of `LAYER_N` inputs.
pub const LAYER_N: usize = 32;

/// `Σ_i tanh(Σ_j w_ij x_j)` with the weights as rows (`&[Vec<f64>]`), read as `w[i][j]`.
#[differentiable]
pub fn dense_layer(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let mut z = 0.0;
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        s += z.tanh();
    }
    s
}

/// Hand-written: with `t_i = tanh(z_i)`, `∂/∂w_ij = (1 - t_i²) x_j` and
/// `∂/∂x_j = Σ_i (1 - t_i²) w_ij`.
#[allow(clippy::type_complexity)]
pub fn dense_layer_hand(w: &[Vec<f64>], x: &[f64]) -> (f64, (Vec<Vec<f64>>, Vec<f64>)) {
    let mut s = 0.0;
    let mut gw = vec![vec![0.0; x.len()]; w.len()];
    let mut gx = vec![0.0; x.len()];
    for i in 0..w.len() {
        let mut z = 0.0;
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        let t = z.tanh();
        s += t;
        let dz = 1.0 - t * t;
        for j in 0..x.len() {
            gw[i][j] = dz * x[j];
            gx[j] += dz * w[i][j];
        }
    }
    (s, (gw, gx))
}

/// Weights and inputs of size `n`.
pub fn dense_layer_input(n: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let w = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| ((i * n + j) as f64 * 0.13).sin() * 0.2)
                .collect()
        })
        .collect();
    let x = (0..n).map(|j| (j as f64 * 0.3).cos()).collect();
    (w, x)
}
