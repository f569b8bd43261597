//! The heat stencil of [`super::heat`] in other spellings a user writes, each found far slower
//! than the `for`/index form before the lowering covered it: the cell loop pushing into a fresh
//! `Vec`, a clone of the old state updated in place, the interior cells only (no guards) with
//! the loss summed over `u.iter()`, and both loops as counted `while` loops. The first, second
//! and fourth compute the same function as [`super::heat::heat`] (its hand-written gradient
//! serves them); the interior form zeroes the end cells every step and has its own.

use autodiff::prelude::*;

use super::heat::{HEAT_STEPS, laplacian};

/// The cell loop pushes into a fresh `Vec`.
#[differentiable]
pub fn heat_push(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..50 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next.push(u[i] + k * (left - 2.0 * u[i] + right));
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A clone of the old state, the new one written in place.
#[differentiable]
pub fn heat_clone(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..50 {
        let old = u.clone();
        for i in 0..n {
            let left = if i > 0 { old[i - 1] } else { 0.0 };
            let right = if i + 1 < n { old[i + 1] } else { 0.0 };
            u[i] = old[i] + k * (left - 2.0 * old[i] + right);
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Interior cells only (the end cells of each new state stay zero), the loss over `u.iter()`.
#[differentiable]
pub fn heat_interior(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..50 {
        let mut next = vec![0.0; n];
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
        }
        u = next;
    }
    let mut s = 0.0;
    for v in u.iter() {
        s += v * v;
    }
    s
}

/// Both loops counted by hand with `while`.
#[differentiable]
pub fn heat_while(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut step = 0;
    while step < 50 {
        let mut next = vec![0.0; n];
        let mut i = 0;
        while i < n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
            i += 1;
        }
        u = next;
        step += 1;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// `out = L u` on the interior cells, zero at both ends (`n >= 2`).
fn interior_laplacian(u: &[f64], out: &mut [f64]) {
    let n = u.len();
    out[0] = 0.0;
    for i in 1..n - 1 {
        out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1];
    }
    out[n - 1] = 0.0;
}

/// Hand-written gradient of [`heat_interior`]. One step is `u ← P A u` with `A = I + k L`
/// (`L` the Laplacian with zeros outside the rod, symmetric) and `P` zeroing the end cells.
///
/// * `∂/∂k`: a forward tangent, `du ← P (A du + L u)`, then `∂loss/∂k = 2 u_T · du_T`.
/// * `∂/∂u_0`: the adjoint `λ ← (P A)ᵀ λ = A P λ` from `λ_T = 2 u_T`, 50 times.
///
/// Stores no states.
pub fn heat_interior_hand(u0: &[f64], k: f64) -> (f64, (Vec<f64>, f64)) {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut du = vec![0.0; n];
    let mut lu = vec![0.0; n];
    let mut ldu = vec![0.0; n];
    for _ in 0..HEAT_STEPS {
        // P (A u) = u + k L u on the interior, 0 at the ends (L's interior rows read u[0] and
        // u[n-1] as they are)
        interior_laplacian(&u, &mut lu);
        interior_laplacian(&du, &mut ldu);
        for i in 0..n {
            du[i] += k * ldu[i] + lu[i];
            u[i] += k * lu[i];
        }
        u[0] = 0.0;
        u[n - 1] = 0.0;
        du[0] = 0.0;
        du[n - 1] = 0.0;
    }
    let mut s = 0.0;
    let mut dk = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
        dk += 2.0 * u[i] * du[i];
    }
    // λ ← A P λ, in place in `u` (P zeroes the end cells, then A = I + k L with the full L).
    for v in &mut u {
        *v *= 2.0;
    }
    for _ in 0..HEAT_STEPS {
        u[0] = 0.0;
        u[n - 1] = 0.0;
        laplacian(&u, &mut lu);
        for i in 0..n {
            u[i] += k * lu[i];
        }
    }
    (s, (u, dk))
}
