//! Adversarial tests of fused accumulation loops that call the user's `#[differentiable]`
//! helpers (`l += huber(r, delta)`, `pick(table, k, x)`; `reverse/fused.rs`, calls, and the
//! callee's hint `__NAME_fuse_HASH`, `expand/fuse_hint.rs`). Each gradient is checked against
//! central differences in `f64`, or, where a `#[custom_derivative]` rule clips its cotangent (a
//! pullback that is not linear in the cotangent, so fusing it would be wrong), against the
//! clipped gradient derived by hand in a comment.
//!
//! Covered: custom rules below a call (in a user module named `ops`, in a user method named
//! like a matrix method, `p.sum()`, through `Self::`, two levels down; the first two once made
//! the callee's hint take `ops::f` and `.sum()` for the runtime's linear operations and say
//! "fuse"), a slice read by element and passed whole in the same trip, the same helper
//! twice per trip, calls in the arms of the loop's `if` and in a value chosen by a branch, the
//! sum used nonlinearly after the loop (`ds ≠ 1`) and read in a condition, early `return`s in
//! helpers, a helper result used by several terms, `f32` and generic scalars, `order = 2`
//! (`_hvp`), loop nests, loops inside other loops, after an early return and in the arms of
//! the outer function, constant and `#[no_grad]` arguments, infinite partials under a zero
//! cotangent, helpers by module path, associated functions, local helpers, and hints that mix
//! yes and no.

#![allow(clippy::all)]
#![allow(unused_mut, dead_code, unused_braces, unused_variables)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, check_value_grad, sines, to32};

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// `x` followed by the scalars `a`.
fn join1(x: &[f64], a: &[f64]) -> Vec<f64> {
    let mut p = x.to_vec();
    p.extend_from_slice(a);
    p
}

/// Compares `g` with the central-difference gradient of `f` at `x`, listing every bad entry.
#[track_caller]
fn close(name: &str, f: impl Fn(&[f64]) -> f64, g: &[f64], x: &[f64]) {
    let fd = numeric_gradient(&f, x, 1e-6);
    assert_eq!(fd.len(), g.len(), "{name}: length");
    let bad: Vec<String> = (0..g.len())
        .filter(|&k| !TOL.accepts(g[k], fd[k]))
        .map(|k| format!("[{k}] got {} want {}", g[k], fd[k]))
        .collect();
    assert!(bad.is_empty(), "{name}: {}", bad.join(", "));
}

#[track_caller]
fn near(name: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-10 * (1.0 + want.abs()),
        "{name}: got {got} want {want}"
    );
}

// ------------------------------------------------------------------------------------------------
// Helpers that branch (hint: fuse)
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

/// Early return in one arm.
#[differentiable]
fn early(x: f64, c: f64) -> f64 {
    if x < c {
        return c * x + x.sin();
    }
    x * x - c * c * x
}

/// Early return nested in a `match` arm.
#[differentiable]
fn early_match(k: usize, x: f64, a: f64) -> f64 {
    match k % 3 {
        0 => {
            if x > a {
                return (x - a) * (x - a) * a;
            }
            x * a
        }
        1 => (x * a).cos(),
        _ => x + a * a,
    }
}

/// A whole slice and a float.
#[differentiable]
fn pick(table: &[f64], k: usize, x: f64) -> f64 {
    if x > 0.0 {
        table[k] * x + table[k + 1] * x * x
    } else {
        table[k + 1] * x - table[k] * table[k]
    }
}

/// A slice and a float taken from it by the caller.
#[differentiable]
fn around(x: &[f64], i: usize, v: f64) -> f64 {
    let n = x.len();
    if v > x[(i + 1) % n] {
        v * x[(i + 1) % n] + x[(i + 2) % n]
    } else {
        (v - x[(i + 2) % n]).sin() * x[i]
    }
}

#[path = "adversarial_fused_loop_calls/arguments.rs"]
mod arguments;
#[path = "adversarial_fused_loop_calls/branches.rs"]
mod branches;
#[path = "adversarial_fused_loop_calls/custom_rules.rs"]
mod custom_rules;
#[path = "adversarial_fused_loop_calls/paths.rs"]
mod paths;
#[path = "adversarial_fused_loop_calls/placement.rs"]
mod placement;
#[path = "adversarial_fused_loop_calls/scalars.rs"]
mod scalars;
#[path = "adversarial_fused_loop_calls/shapes.rs"]
mod shapes;
#[path = "adversarial_fused_loop_calls/slices.rs"]
mod slices;
