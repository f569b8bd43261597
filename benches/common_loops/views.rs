//! Loops over slice views (`windows`, `chunks`) as people write them, beside the same
//! algorithm by index: a smoothing fit with a second-difference penalty over `x.windows(3)`, and
//! a softmax cross-entropy over the rows of flat logits, `logits.chunks(nc)`.

use autodiff::prelude::*;

/// Length of [`smooth_fit`].
pub const SMOOTH_N: usize = 1000;
/// Weight of the roughness penalty.
pub const SMOOTH_LAMBDA: f64 = 4.0;

/// `Σ (x_i - t_i)² + λ Σ_w (w_0 - 2 w_1 + w_2)²` over the windows of three.
#[differentiable]
pub fn smooth_fit(x: &[f64], #[no_grad] t: &[f64], lambda: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let e = x[i] - t[i];
        s += e * e;
    }
    for w in x.windows(3) {
        let c = w[0] - 2.0 * w[1] + w[2];
        s += lambda * c * c;
    }
    s
}

/// The same penalty by index.
#[differentiable]
pub fn smooth_fit_indexed(x: &[f64], #[no_grad] t: &[f64], lambda: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let e = x[i] - t[i];
        s += e * e;
    }
    for i in 0..x.len() - 2 {
        let c = x[i] - 2.0 * x[i + 1] + x[i + 2];
        s += lambda * c * c;
    }
    s
}

/// Hand-written: `∂/∂x_i = 2 e_i`, and each window adds `2 λ c (1, -2, 1)` to its three
/// elements; `∂/∂λ = Σ c²`.
pub fn smooth_fit_hand(x: &[f64], t: &[f64], lambda: f64) -> (f64, (Vec<f64>, f64)) {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        let e = x[i] - t[i];
        s += e * e;
        g[i] = 2.0 * e;
    }
    let mut dl = 0.0;
    for i in 0..n - 2 {
        let c = x[i] - 2.0 * x[i + 1] + x[i + 2];
        s += lambda * c * c;
        dl += c * c;
        let q = 2.0 * lambda * c;
        g[i] += q;
        g[i + 1] -= 2.0 * q;
        g[i + 2] += q;
    }
    (s, (g, dl))
}

/// `(x, t)`: a noisy ramp and its target.
pub fn smooth_fit_input() -> (Vec<f64>, Vec<f64>) {
    let x = (0..SMOOTH_N)
        .map(|i| 0.01 * i as f64 + 0.3 * ((i as f64) * 1.7).sin())
        .collect();
    let t = (0..SMOOTH_N).map(|i| 0.01 * i as f64).collect();
    (x, t)
}

/// Rows of [`chunk_xent`].
pub const XENT_ROWS: usize = 200;
/// Classes of [`chunk_xent`].
pub const XENT_CLASSES: usize = 10;

/// Mean softmax cross-entropy of the rows of flat `logits` (`rows × nc`, row-major) against
/// `labels`, each row through the stable log-sum-exp.
#[differentiable]
pub fn chunk_xent(logits: &[f64], #[no_grad] labels: &[usize], #[no_grad] nc: usize) -> f64 {
    let mut loss = 0.0;
    for (r, row) in logits.chunks(nc).enumerate() {
        let mut m = row[0];
        for j in 1..row.len() {
            m = m.max(row[j]);
        }
        let mut s = 0.0;
        for j in 0..row.len() {
            s += (row[j] - m).exp();
        }
        loss += s.ln() + m - row[labels[r]];
    }
    loss / labels.len() as f64
}

/// Hand-written: `∂/∂z_rj = (softmax(z_r)_j - [j = label_r]) / rows`.
pub fn chunk_xent_hand(logits: &[f64], labels: &[usize], nc: usize) -> (f64, Vec<f64>) {
    let rows = labels.len();
    let inv = 1.0 / rows as f64;
    let mut g = vec![0.0; logits.len()];
    let mut loss = 0.0;
    for r in 0..rows {
        let z = &logits[r * nc..(r + 1) * nc];
        let gr = &mut g[r * nc..(r + 1) * nc];
        let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut s = 0.0;
        for j in 0..nc {
            let e = (z[j] - m).exp();
            gr[j] = e;
            s += e;
        }
        loss += s.ln() + m - z[labels[r]];
        let q = inv / s;
        for v in gr.iter_mut() {
            *v *= q;
        }
        gr[labels[r]] -= inv;
    }
    (loss * inv, g)
}

/// `(logits, labels)`.
pub fn chunk_xent_input() -> (Vec<f64>, Vec<usize>) {
    let logits = (0..XENT_ROWS * XENT_CLASSES)
        .map(|i| 2.0 * ((i as f64) * 0.37).sin())
        .collect();
    let labels = (0..XENT_ROWS).map(|r| (r * 7) % XENT_CLASSES).collect();
    (logits, labels)
}
