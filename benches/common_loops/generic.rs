//! Workloads written generic over `T: Real`, timed at `T = f64` against the hand-written
//! gradients of their `f64` twins: the double-buffer heat stencil ([`super::heat::heat_swap`])
//! and Horner's rule ([`super::extra::horner`]). The same algorithms, so the same hand-written
//! gradients (`heat_hand`, `horner_hand`) serve.

use autodiff::prelude::*;

/// [`super::heat::heat_swap`] over `T`.
#[differentiable]
pub fn heat_swap_generic<T: Real>(u0: &[T], k: T) -> T {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = u0.to_vec();
    for _ in 0..50 {
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { T::zero() };
            let right = if i + 1 < n { u[i + 1] } else { T::zero() };
            next[i] = u[i] + k * (left - T::from_f64(2.0) * u[i] + right);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// [`super::extra::horner`] over `T`.
#[differentiable]
pub fn horner_generic<T: Real>(c: &[T], x: T) -> T {
    let mut y = T::zero();
    for i in (0..c.len()).rev() {
        y = y * x + c[i];
    }
    y
}
