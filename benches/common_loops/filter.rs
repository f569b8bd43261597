//! A held-out workload written after the fourth pass (plain scalar adjoints, rebuilt recurrence
//! values) and not used to tune it: a first-order recursive filter fitted to a target, the kind
//! of loop-carried scalar recurrence of the damped oscillator and the `tanh` recurrence.

use autodiff::prelude::*;

/// Samples of the filter workload.
pub const FILTER_N: usize = 1000;
/// The feedback and input gains of the benchmark.
pub const FILTER_AB: (f64, f64) = (0.9, 0.5);

/// `y_t = a y_{t-1} + b x_t` from `y = 0` (a one-pole IIR filter), loss `Σ_t (y_t - r_t)²`.
#[differentiable]
pub fn iir_filter(a: f64, b: f64, #[no_grad] x: &[f64], #[no_grad] r: &[f64]) -> f64 {
    let mut y = 0.0;
    let mut loss = 0.0;
    for t in 0..x.len() {
        y = a * y + b * x[t];
        let e = y - r[t];
        loss += e * e;
    }
    loss
}

/// Hand-written: the tangents of `y` w.r.t. `a` and `b` run alongside it
/// (`y_a ← y_{t-1} + a y_a`, `y_b ← x_t + a y_b`, both linear in the state), and
/// `∂loss/∂θ = Σ_t 2 (y_t - r_t) y_θ`; nothing is stored.
pub fn iir_filter_hand(a: f64, b: f64, x: &[f64], r: &[f64]) -> (f64, (f64, f64)) {
    let (mut y, mut ya, mut yb) = (0.0, 0.0, 0.0);
    let (mut loss, mut ga, mut gb) = (0.0, 0.0, 0.0);
    for (xt, rt) in x.iter().zip(r) {
        ya = y + a * ya;
        yb = xt + a * yb;
        y = a * y + b * xt;
        let e = y - rt;
        loss += e * e;
        ga += 2.0 * e * ya;
        gb += 2.0 * e * yb;
    }
    (loss, (ga, gb))
}

/// An input signal and a target (the input filtered with other gains, plus a slow drift).
pub fn filter_input(n: usize) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|t| (0.07 * t as f64).sin() + 0.3).collect();
    let mut r = Vec::with_capacity(n);
    let mut y = 0.0;
    for (t, xt) in x.iter().enumerate() {
        y = 0.8 * y + 0.6 * xt;
        r.push(y + 0.1 * (0.003 * t as f64).cos());
    }
    (x, r)
}
