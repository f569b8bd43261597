//! Loop workloads that no optimization is tuned for: they check that a speed-up is of the kind
//! and not of the instance.

use autodiff::prelude::*;

// ---------------------------------------------------------------------------------------------
// Horner's rule
// ---------------------------------------------------------------------------------------------

/// Degree of the polynomial (so `HORNER_DEGREE + 1` coefficients).
pub const HORNER_DEGREE: usize = 1000;
/// The evaluation point (`|x| < 1` keeps `x^1000` tame).
pub const HORNER_X: f64 = -0.997;

/// `Σ_i c_i x^i` by Horner's rule, highest coefficient first.
#[differentiable]
pub fn horner(c: &[f64], x: f64) -> f64 {
    let mut y = 0.0;
    for i in (0..c.len()).rev() {
        y = y * x + c[i];
    }
    y
}

/// Hand-written: `∂/∂c_i = x^i` (powers filled upwards), and `∂/∂x` by Horner's rule for the
/// derivative alongside the value (`y ← y x + c_i` gives `y' ← y' x + y`).
pub fn horner_hand(c: &[f64], x: f64) -> (f64, (Vec<f64>, f64)) {
    let mut y = 0.0;
    let mut dy = 0.0;
    for &ci in c.iter().rev() {
        dy = dy * x + y;
        y = y * x + ci;
    }
    let mut g = vec![0.0; c.len()];
    let mut p = 1.0;
    for gi in &mut g {
        *gi = p;
        p *= x;
    }
    (y, (g, dy))
}

/// Deterministic coefficients of both signs.
pub fn horner_coefficients(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.37).cos() + 0.1).collect()
}

// ---------------------------------------------------------------------------------------------
// Lennard-Jones pair energy
// ---------------------------------------------------------------------------------------------

/// Number of particles.
pub const LJ_PARTICLES: usize = 64;

/// `Σ_{i<j} 4 (s⁶² - s⁶)` with `s⁶ = 1 / r_ij⁶` (ε = σ = 1); `pos` holds x, y, z per particle.
#[differentiable]
pub fn lennard_jones(pos: &[f64]) -> f64 {
    let n = pos.len() / 3;
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = pos[3 * i] - pos[3 * j];
            let dy = pos[3 * i + 1] - pos[3 * j + 1];
            let dz = pos[3 * i + 2] - pos[3 * j + 2];
            let r2 = dx * dx + dy * dy + dz * dz;
            let s6 = 1.0 / (r2 * r2 * r2);
            e += 4.0 * (s6 * s6 - s6);
        }
    }
    e
}

/// Hand-written forces: `∂s⁶/∂r² = -3 s⁶ / r²`, so `∂E/∂r² = -12 s⁶ (2 s⁶ - 1) / r²`, and
/// `∂r²/∂p_i = 2 (p_i - p_j) = -∂r²/∂p_j`.
pub fn lennard_jones_hand(pos: &[f64]) -> (f64, Vec<f64>) {
    let n = pos.len() / 3;
    let mut e = 0.0;
    let mut g = vec![0.0; pos.len()];
    for i in 0..n {
        for j in i + 1..n {
            let dx = pos[3 * i] - pos[3 * j];
            let dy = pos[3 * i + 1] - pos[3 * j + 1];
            let dz = pos[3 * i + 2] - pos[3 * j + 2];
            let r2 = dx * dx + dy * dy + dz * dz;
            let inv_r2 = 1.0 / r2;
            let s6 = inv_r2 * inv_r2 * inv_r2;
            e += 4.0 * (s6 * s6 - s6);
            let f = 2.0 * (-12.0 * s6 * (2.0 * s6 - 1.0) * inv_r2);
            g[3 * i] += f * dx;
            g[3 * i + 1] += f * dy;
            g[3 * i + 2] += f * dz;
            g[3 * j] -= f * dx;
            g[3 * j + 1] -= f * dy;
            g[3 * j + 2] -= f * dz;
        }
    }
    (e, g)
}

/// A jittered 4×4×4 lattice of spacing 1.12 (near the pair potential's minimum at 2^(1/6)).
pub fn lj_positions(particles: usize) -> Vec<f64> {
    let side = (particles as f64).cbrt().ceil() as usize;
    let mut p = Vec::with_capacity(3 * particles);
    for m in 0..particles {
        let (a, b, c) = (m % side, (m / side) % side, m / (side * side));
        for (axis, cell) in [a, b, c].into_iter().enumerate() {
            let jitter = 0.05 * ((m * 3 + axis) as f64 * 1.618).sin();
            p.push(1.12 * cell as f64 + jitter);
        }
    }
    p
}

// ---------------------------------------------------------------------------------------------
// A scalar recurrence
// ---------------------------------------------------------------------------------------------

/// Number of steps of the recurrence.
pub const RNN_STEPS: usize = 1000;
/// The recurrent weight.
pub const RNN_W: f64 = 0.8;

/// `h_t = tanh(w h_{t-1} + x_t)` from `h_0 = 0`; loss `Σ_t h_t`.
#[differentiable]
pub fn rnn(w: f64, xs: &[f64]) -> f64 {
    let mut h = 0.0;
    let mut s = 0.0;
    for t in 0..xs.len() {
        h = (w * h + xs[t]).tanh();
        s += h;
    }
    s
}

/// Hand-written reverse sweep (backpropagation through time) over the states, which the forward
/// sweep stores in the gradient buffer (`g[t] = h_t`, overwritten by `∂/∂x_t` going back):
/// `∂h_t/∂z_t = 1 - h_t²`, `∂z_t/∂h_{t-1} = w`, `∂z_t/∂w = h_{t-1}`, `∂z_t/∂x_t = 1`.
pub fn rnn_hand(w: f64, xs: &[f64]) -> (f64, (f64, Vec<f64>)) {
    let n = xs.len();
    let mut g = vec![0.0; n];
    let mut h = 0.0;
    let mut s = 0.0;
    for t in 0..n {
        h = (w * h + xs[t]).tanh();
        s += h;
        g[t] = h;
    }
    let mut carry = 0.0; // ∂loss/∂h_t through h_{t+1}
    let mut gw = 0.0;
    for t in (0..n).rev() {
        let ht = g[t];
        let h_prev = if t > 0 { g[t - 1] } else { 0.0 };
        let dz = (1.0 + carry) * (1.0 - ht * ht);
        g[t] = dz;
        gw += dz * h_prev;
        carry = dz * w;
    }
    (s, (gw, g))
}

/// Deterministic inputs in about [-1, 1].
pub fn rnn_inputs(n: usize) -> Vec<f64> {
    (0..n).map(|t| (t as f64 * 0.913).sin()).collect()
}
