//! Inner loops whose every execution makes the same number of trips (a range over literals,
//! constants and names bound once per call without `mut`, or the elements of a parameter slice)
//! keep their trip count in one slot instead of recording it once per execution
//! (`LoopInfo::const_trips`, `reverse/stmt.rs`); a range `a..b` whose end is fixed but whose start
//! changes (`i + 1..n`) is counted in the reverse sweep from its saved start and end
//! (`LoopInfo::fixed_end`, `range_trips`).
//!
//! Every member is checked for its value against the function as written and for its gradient
//! against central differences. The near misses, whose inner loops make a different number of
//! trips on different executions, must keep a record per execution, and their gradients prove
//! they do: a bound bound inside the outer loop, a `mut` bound changed between executions, a name
//! shadowed inside the outer loop, a macro that binds the bound's name, an early `break`, a `mut`
//! parameter, and a local `Vec` that grows.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::explicit_counter_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// Members of the kind: bounds from a parameter, a `let` outside every loop, `.len()` of a
/// parameter, a constant, arithmetic of those, a loop over a parameter's elements, and `rev()`
/// and `step_by(2)` of a fixed range.
#[differentiable]
fn fixed_bounds(x: &[f64], d: usize) -> f64 {
    const M: usize = 2;
    let k = x.len() / d;
    let half = k / 2;
    let mut s = 0.0;
    for a in 0..k {
        for b in 0..d {
            s += x[a * d + b] * x[a * d + b] * (0.3 * s).sin();
        }
        for j in 0..x.len() - 1 {
            s += 0.1 * x[j] * x[j + 1];
        }
        for _ in 0..M {
            s = s * 0.9 + x[a];
        }
        for j in half..k * d {
            s += x[j] * (0.2 * s).cos();
        }
        for &xi in x.iter() {
            s += 0.05 * xi * s;
        }
        for j in (0..d).rev() {
            s += 0.1 * x[j] * (0.4 * s).sin();
        }
        for j in (0..k * d).step_by(2) {
            s += 0.1 * x[j] * (0.3 * s).cos();
        }
    }
    s
}

/// Triangular loops: `i + 1..n` and `i..x.len()` change with `i` but end where they always do,
/// so the reverse sweep counts their trips from the saved start; inside them, a loop whose end
/// changes (`j..i + 2`) keeps its records.
#[differentiable]
fn triangular(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += x[i] * x[j] * (0.2 * s).sin();
        }
        for j in i..x.len() {
            s += 0.1 * x[j] * (0.3 * s).cos();
            for m in j..(i + 2).min(n) {
                s += 0.05 * x[m] * s;
            }
        }
    }
    s
}

/// `f32` and a generic `T: Real`, with `i32` and `u8` ranges (the count comes from the range's
/// own length, whatever the index type).
#[differentiable]
fn triangular_generic<T: Real>(x: &[T]) -> T {
    let n = x.len() as i32;
    let mut s = T::zero();
    for i in 0..n {
        for j in i + 1..n {
            s = s + x[i as usize] * x[j as usize] * s.cos();
        }
        for j in (i as u8)..4u8 {
            s = s + x[j as usize] * s.sin();
        }
    }
    s
}

/// A progression whose step changes with the outer index: a different count each execution.
#[differentiable]
fn varying_step(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in (0..x.len()).step_by(i + 1) {
            s += x[j] * x[i] * (0.1 * s).cos();
        }
    }
    s
}

/// The inner bound is bound inside the outer loop: a different count on each execution.
#[differentiable]
fn bound_inside_outer(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let m = i + 1;
        for j in 0..m {
            s += x[j] * x[i] * (0.1 * s).cos();
        }
    }
    s
}

/// The inner bound is a `mut` name changed between executions.
#[differentiable]
fn mut_bound(x: &[f64]) -> f64 {
    let mut m = 1;
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..m {
            s += x[j] * x[i] * (0.1 * s).sin();
        }
        m += 1;
    }
    s
}

/// `n` is bound once outside the loops and shadowed inside the outer one.
#[differentiable]
fn shadowed_bound(x: &[f64]) -> f64 {
    let n = 2;
    let mut s = 0.0;
    for i in 0..x.len() {
        let n = n + i;
        for j in 0..n.min(x.len()) {
            s += x[j] * x[i] * (0.1 * s).cos();
        }
    }
    s
}

/// Binds `$name` in the block it is written in.
macro_rules! bind {
    ($name:ident, $value:expr) => {
        let $name = $value;
    };
}

/// A macro binds the bound's name inside the outer loop; the lowering cannot see that binding.
#[differentiable]
fn macro_bound(x: &[f64]) -> f64 {
    let n = 2;
    let len = x.len();
    let mut s = 0.0;
    for i in 0..len {
        bind!(n, (i + n).min(len));
        for j in 0..n {
            s += x[j] * x[i] * (0.1 * s).sin();
        }
    }
    s
}

/// Fixed bounds, but an early `break` makes the counts differ.
#[differentiable]
fn early_break(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            if j > i {
                break;
            }
            s += x[j] * x[i] * (0.1 * s).cos();
        }
    }
    s
}

/// A `mut` parameter as the bound, changed between executions.
#[differentiable]
fn mut_param(x: &[f64], #[no_grad] mut m: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..m {
            s += x[j] * x[i] * (0.1 * s).sin();
        }
        m = (m + 1).min(x.len());
    }
    s
}

/// Loops over the elements of a local `Vec` that grows between executions.
#[differentiable]
fn growing_local(x: &[f64]) -> f64 {
    let mut w = vec![x[0]];
    let mut s = 0.0;
    for i in 1..x.len() {
        for &wj in w.iter() {
            s += wj * x[i] * (0.1 * s).cos();
        }
        w.push(x[i] * 0.5);
    }
    s
}

const X: [f64; 6] = [0.7, -1.3, 0.4, 1.1, -0.6, 0.9];

/// How close a gradient must be to central differences.
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// The value of `grad` against `f` as written, its gradient against central differences of `f`.
#[track_caller]
fn value_and_gradient(name: &str, f: fn(&[f64]) -> f64, grad: fn(&[f64]) -> (f64, Vec<f64>)) {
    let (v, g) = grad(&X);
    assert!((v - f(&X)).abs() < 1e-12, "{name}: value {v} vs {}", f(&X));
    assert_gradient(f, &X, &g, 1e-6, TOL);
}

#[test]
fn fixed_counts_against_central_differences() {
    for d in [1, 2, 3] {
        let (v, g) = fixed_bounds_grad(&X, d);
        let f = |x: &[f64]| fixed_bounds(x, d);
        assert!((v - f(&X)).abs() < 1e-12, "d = {d}");
        assert_gradient(f, &X, &g, 1e-6, TOL);
    }
}

#[test]
fn counts_that_change_keep_their_records() {
    value_and_gradient(
        "bound inside outer",
        bound_inside_outer,
        bound_inside_outer_grad,
    );
    value_and_gradient("mut bound", mut_bound, mut_bound_grad);
    value_and_gradient("shadowed bound", shadowed_bound, shadowed_bound_grad);
    value_and_gradient("macro bound", macro_bound, macro_bound_grad);
    value_and_gradient("early break", early_break, early_break_grad);
    value_and_gradient("growing local", growing_local, growing_local_grad);
    value_and_gradient("varying step", varying_step, varying_step_grad);
}

#[test]
fn counts_from_the_saved_start_against_central_differences() {
    value_and_gradient("triangular", triangular, triangular_grad);
    value_and_gradient(
        "triangular, generic f64",
        triangular_generic::<f64>,
        triangular_generic_grad::<f64>,
    );
    // f32: the gradient agrees with the f64 one to single precision.
    let x32: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (v32, g32) = triangular_generic_grad(&x32[..]);
    let (v64, g64) = triangular_generic_grad(&X[..]);
    assert!((f64::from(v32) - v64).abs() < 1e-4 * (1.0 + v64.abs()));
    for (a, b) in g32.iter().zip(&g64) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-3 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
    let (v, g) = mut_param_grad(&X, 1);
    let f = |x: &[f64]| mut_param(x, 1);
    assert!((v - f(&X)).abs() < 1e-12);
    assert_gradient(f, &X, &g, 1e-6, TOL);
}
