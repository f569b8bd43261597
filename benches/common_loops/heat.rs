//! An explicit 1-D heat stencil: `u_i ← u_i + k (u_{i-1} - 2 u_i + u_{i+1})`, zero outside the
//! rod, 50 steps; loss `Σ u_i²` of the final state; gradient w.r.t. the initial state and `k`.

use autodiff::prelude::*;

/// Number of cells.
pub const HEAT_N: usize = 100;
/// Number of time steps.
pub const HEAT_STEPS: usize = 50;
/// The diffusion coefficient of the benchmark (stable: `k < 1/2`).
pub const HEAT_K: f64 = 0.2;

/// The stencil with a fresh `Vec` per step (`u = next`).
#[differentiable]
pub fn heat(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..50 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// The same stencil with two buffers swapped after each step (`std::mem::swap`).
#[differentiable]
pub fn heat_swap(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..50 {
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// `out = L u`, the discrete Laplacian with zeros outside the rod (`n >= 2`).
pub(super) fn laplacian(u: &[f64], out: &mut [f64]) {
    let n = u.len();
    out[0] = u[1] - 2.0 * u[0];
    for i in 1..n - 1 {
        out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1];
    }
    out[n - 1] = u[n - 2] - 2.0 * u[n - 1];
}

/// Hand-written. One step is `u ← A u` with `A = I + k L`, `L` symmetric tridiagonal.
///
/// * `∂/∂k`: a forward tangent carried with the state, `du ← A du + L u` (from
///   `∂(u + k L u)/∂k = du + k L du + L u`), then `∂loss/∂k = 2 u_T · du_T`.
/// * `∂/∂u_0`: the linear adjoint `λ ← Aᵀ λ = A λ` (A is symmetric) from `λ_T = 2 u_T`, 50 times.
///
/// Stores no states: four buffers of `n` (state, tangent, and two scratch), one of which is
/// returned as the gradient.
pub fn heat_hand(u0: &[f64], k: f64) -> (f64, (Vec<f64>, f64)) {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut du = vec![0.0; n];
    let mut lu = vec![0.0; n];
    let mut ldu = vec![0.0; n];
    for _ in 0..HEAT_STEPS {
        laplacian(&u, &mut lu);
        laplacian(&du, &mut ldu);
        for i in 0..n {
            du[i] += k * ldu[i] + lu[i];
            u[i] += k * lu[i];
        }
    }
    let mut s = 0.0;
    let mut dk = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
        dk += 2.0 * u[i] * du[i];
    }
    // The adjoint, in place in `u` (λ_T = 2 u_T).
    for v in &mut u {
        *v *= 2.0;
    }
    for _ in 0..HEAT_STEPS {
        laplacian(&u, &mut lu);
        for i in 0..n {
            u[i] += k * lu[i];
        }
    }
    (s, (u, dk))
}

/// Deterministic initial state: a smooth bump plus a ripple.
pub fn heat_input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64;
            (std::f64::consts::PI * t).sin() + 0.3 * (7.0 * t).cos()
        })
        .collect()
}
