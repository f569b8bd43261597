//! A held-out workload of the local-`Vec` kind, written after the dense local adjoints and not
//! used to tune them: the explicit 1-D wave equation with two time levels kept in local `Vec`s,
//! `u_{t+1} = 2 u_t - u_{t-1} + c L u_t` (zero outside the string, starting at rest:
//! `u_{-1} = u_0`), 100 cells, 50 steps, loss `Σ (u_T - target)²`; gradient w.r.t. the initial
//! displacement and `c`.

use autodiff::prelude::*;

/// Number of cells.
pub const WAVE_N: usize = 100;
/// Number of time steps.
pub const WAVE_STEPS: usize = 50;
/// The squared Courant number (stable: `c <= 1`).
pub const WAVE_C: f64 = 0.5;

/// Three time levels rotated by moves (`prev = u; u = next`), a fresh `next` per step.
#[differentiable]
pub fn wave(u0: &[f64], c: f64, #[no_grad] target: &[f64]) -> f64 {
    let n = u0.len();
    let mut prev = u0.to_vec();
    let mut u = u0.to_vec();
    for _ in 0..50 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = 2.0 * u[i] - prev[i] + c * (left - 2.0 * u[i] + right);
        }
        prev = u;
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        let d = u[i] - target[i];
        s += d * d;
    }
    s
}

/// `out = L u`, the discrete Laplacian with zeros outside the string (`n >= 2`).
fn laplacian(u: &[f64], out: &mut [f64]) {
    let n = u.len();
    out[0] = u[1] - 2.0 * u[0];
    for i in 1..n - 1 {
        out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1];
    }
    out[n - 1] = u[n - 2] - 2.0 * u[n - 1];
}

/// Hand-written. One step is `u_{t+1} = A u_t - u_{t-1}` with `A = 2I + c L` (symmetric).
///
/// * `∂/∂c`: a forward tangent, `du_{t+1} = A du_t + L u_t - du_{t-1}` with `du_0 = du_{-1} = 0`,
///   then `∂loss/∂c = 2 (u_T - target) · du_T`.
/// * `∂/∂u_0`: the adjoint of the recurrence, two levels `(a_k, a_{k-1})` rolled back from
///   `(2 (u_T - target), 0)` by `(a_k, a_{k-1}) ← (a_{k-1} + A a_k, -a_k)` (from
///   `u_{k+1} = A u_k - u_{k-1}`), 50 times; `u_0` and `u_{-1}` are both the input, so its
///   gradient is `a_0 + a_{-1}`. Stores no states.
pub fn wave_hand(u0: &[f64], c: f64, target: &[f64]) -> (f64, (Vec<f64>, f64)) {
    let n = u0.len();
    let (mut prev, mut u) = (u0.to_vec(), u0.to_vec());
    let (mut dprev, mut du) = (vec![0.0; n], vec![0.0; n]);
    let (mut lu, mut ldu) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..WAVE_STEPS {
        laplacian(&u, &mut lu);
        laplacian(&du, &mut ldu);
        for i in 0..n {
            let un = 2.0 * u[i] - prev[i] + c * lu[i];
            let dn = 2.0 * du[i] - dprev[i] + c * ldu[i] + lu[i];
            prev[i] = u[i];
            u[i] = un;
            dprev[i] = du[i];
            du[i] = dn;
        }
    }
    let (mut s, mut dc) = (0.0, 0.0);
    // The adjoint levels reuse `u` (a_k) and `prev` (a_{k-1}).
    for i in 0..n {
        let d = u[i] - target[i];
        s += d * d;
        dc += 2.0 * d * du[i];
        u[i] = 2.0 * d;
        prev[i] = 0.0;
    }
    for _ in 0..WAVE_STEPS {
        laplacian(&u, &mut lu);
        for i in 0..n {
            let a = prev[i] + 2.0 * u[i] + c * lu[i];
            prev[i] = -u[i];
            u[i] = a;
        }
    }
    for i in 0..n {
        u[i] += prev[i];
    }
    (s, (u, dc))
}

/// A plucked string and a target: a triangle and a smooth bump.
pub fn wave_input(n: usize) -> (Vec<f64>, Vec<f64>) {
    let x = |i: usize| i as f64 / (n - 1) as f64;
    let u0 = (0..n).map(|i| 0.5 - (x(i) - 0.5).abs()).collect();
    let target = (0..n)
        .map(|i| 0.2 * (std::f64::consts::PI * x(i)).sin())
        .collect();
    (u0, target)
}
