//! Adversarial programs for the lent cells made once per loop (`reverse/lent_cells.rs`,
//! `ops::held_cells`): loops whose trips call a function of the user's on a parameter's slice
//! (whole or a range), at the edges of the rewrite. Every gradient against central differences
//! in f64, or values derived by hand in a comment.

// The programs are spelled as users write them, `&Vec<f64>`, `&t[..]`, `&t` on a reference and
// named lifetimes included: each is a form the rewrite must see through.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::redundant_slicing,
    clippy::needless_lifetimes,
    clippy::needless_borrow,
    clippy::manual_is_multiple_of
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check_hvp, check_value_grad, pair_check, sines, to32};

/// `Σ` over several slices joined: checks `(value, grads)` of `f(parts)` against differences.
#[track_caller]
fn multi_check(
    name: &str,
    f: impl Fn(&[Vec<f64>]) -> f64,
    v: f64,
    grads: Vec<Vec<f64>>,
    parts: &[Vec<f64>],
) {
    let lens: Vec<usize> = parts.iter().map(Vec::len).collect();
    for (g, p) in grads.iter().zip(parts) {
        assert_eq!(g.len(), p.len(), "{name}: gradient length");
    }
    let all: Vec<f64> = parts.iter().flatten().copied().collect();
    let g: Vec<f64> = grads.into_iter().flatten().collect();
    check_value_grad(
        name,
        |p| {
            let mut off = 0;
            let ps: Vec<Vec<f64>> = lens
                .iter()
                .map(|n| {
                    let r = p[off..off + n].to_vec();
                    off += n;
                    r
                })
                .collect();
            f(&ps)
        },
        (v, g),
        &all,
    );
}

// ---------------------------------------------------------------------------------------------
// helpers

/// Row `k` of the table, weighted by `x` and `x²`.
#[differentiable]
fn lookup(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x + table[k + 1] * x * x
}

/// `Σ_j w_j x` over the whole slice.
#[differentiable]
fn wsum(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s += w[j] * x;
    }
    s
}

/// `Σ_j w_j x^j` (Horner-free powers).
#[differentiable]
fn poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for j in 0..w.len() {
        s += w[j] * p;
        p *= x;
    }
    s
}

// ---------------------------------------------------------------------------------------------
// programs and helpers more than one module calls

/// The same slice lent twice to one call (both arguments alias one adjoint).
#[differentiable]
fn pair_prod(a: &[f64], b: &[f64], k: usize, x: f64) -> f64 {
    a[k] * b[k + 1] * x + a[k + 1] * b[0]
}

/// A helper taking the whole `&[Vec<f64>]`.
#[differentiable]
fn grid_pick(w: &[Vec<f64>], r: usize, x: f64) -> f64 {
    w[r][0] * x + w[(r + 1) % w.len()][1] * x * x
}

#[differentiable]
fn gpoly<T: Real>(w: &[T], x: T) -> T {
    let mut s = T::zero();
    let mut p = T::one();
    for j in 0..w.len() {
        s += w[j] * p;
        p *= x;
    }
    s
}

#[differentiable(order = 2)]
fn lookup2(table: &[f64], k: usize, x: f64) -> f64 {
    table[k] * x * x + table[k + 1] * x.sin()
}

#[differentiable(order = 2)]
fn wsum2(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s += w[j] * w[j] * x;
    }
    s
}

/// A helper that lends its whole slice to another helper in its own loop, called from a lending
/// loop (the callee's cells come from the caller's).
#[differentiable]
fn chain(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..3 {
        s += lookup(w, j % (w.len() - 1), x + j as f64 * 0.1).cos();
    }
    s
}

/// Huber-like loss of the line `theta[0] + theta[1] x`.
#[differentiable]
fn clipped(theta: &[f64], x: f64) -> f64 {
    let r = theta[0] + theta[1] * x;
    if r.abs() < 1.0 {
        0.5 * r * r
    } else {
        r.abs() - 0.5
    }
}

#[differentiable]
fn gpick<T: Real>(t: &[T], k: usize, x: T) -> T {
    t[k] * x + t[k + 1] * x.sin()
}

/// Two helpers on the whole slice, one on a range, one on a range to the end, one on an empty
/// range, in one trip.
#[differentiable]
fn many_lends(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    let n = t.len();
    for i in 0..xs.len() {
        let a = i % n;
        let x = xs[i];
        let u = lookup(t, a % (n - 1), x) + poly(t, x) * 0.1;
        let w = wsum(&t[a..], x) + wsum(&t[a..a], x + 1.0) + poly(&t[0..a], x);
        let z = wsum(&t[n..], x) + wsum(&t[a..n], 2.0 * x);
        l += u * w + z;
    }
    l
}

/// Lends at three depths; the middle loop runs no trip when `a == 0`, the innermost none when
/// `b` is even.
#[differentiable]
fn deep3(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for a in 0..3 {
        l += wsum(t, xs[a]) * 0.3;
        for b in 0..a {
            l += lookup(t, (a + b) % (t.len() - 1), xs[b]);
            for c in 0..(b % 2) * 2 {
                l += wsum(&t[c..c + 2], xs[a + c]) * xs[b];
            }
        }
    }
    l
}

#[path = "adversarial_lent_cells/shapes.rs"]
mod shapes;

#[path = "adversarial_lent_cells/kinds.rs"]
mod kinds;

#[path = "adversarial_lent_cells/edges.rs"]
mod edges;

#[path = "adversarial_lent_cells/fused.rs"]
mod fused;

#[path = "adversarial_lent_cells/whole.rs"]
mod whole;
