//! Log-sum-exp: `m = max x`, `ln Σ exp(x - m) + m`.

use autodiff::prelude::*;

/// Length of the log-sum-exp input.
pub const LSE_N: usize = 1000;

/// `ln Σ_i exp(x_i)`, computed stably: a max loop, then a sum of `exp(x_i - max)`.
#[differentiable]
pub fn logsumexp(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

/// Hand-written: the gradient is the softmax, `∂/∂x_i = exp(x_i - m) / Σ_j exp(x_j - m)`
/// (the max's own derivative cancels: `∂/∂m (ln Σ exp(x - m) + m) = -1 + 1 = 0`).
/// The exponentials are computed once, into the gradient buffer.
pub fn logsumexp_hand(x: &[f64]) -> (f64, Vec<f64>) {
    let mut m = x[0];
    for &v in &x[1..] {
        m = m.max(v);
    }
    let mut g: Vec<f64> = x.iter().map(|&v| (v - m).exp()).collect();
    let s: f64 = g.iter().sum();
    let inv = 1.0 / s;
    for e in &mut g {
        *e *= inv;
    }
    (s.ln() + m, g)
}

/// Deterministic input: values in about [-5, 5], spread so no single entry dominates.
pub fn lse_input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 5.0 * ((i as f64) * 0.754_877_666).sin())
        .collect()
}
