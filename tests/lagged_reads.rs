//! Reads behind a loop's writes (`reverse/frozen.rs`): a top-level `for i in a..b` loop that
//! writes `c[i + w]` and reads `c[i + r]` with `r < w` (a recurrence kept in a local `Vec`,
//! `c[i] = c[i - 1] * x[i]`) reads on each trip a cell no later trip writes, so the reverse sweep
//! reads it again from one copy of `c` taken after the loop instead of one record per trip.
//!
//! Members of the kind, each checked for its value against the function as written and its
//! gradient against central differences: a cumulative product, a recurrent state kept in a `Vec`
//! (`h[t + 1] = tanh(w h[t] + x[t])`), a recurrence reading two cells behind, a read inside an
//! inner loop, a container loop (`enumerate`), a loop left by `break`, and `f32`. Near misses
//! whose reads are not behind every write must still be recorded, and are: a read of the cell the
//! trip writes (`r = w`), a read ahead (`r > w`), a cell written again after the loop, two writes
//! of which one is behind the read, and a loop holding a `return` (no copy after it). Freezing any
//! of these would change their gradients, which the central differences would catch.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// `Σ_i c_i` with `c_0 = x_0`, `c_i = c_{i-1} x_i`.
#[differentiable]
fn cumprod(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i];
    }
    s
}

/// A recurrent state kept in a `Vec`: `h[t + 1] = tanh(w h[t] + x[t])`, loss `Σ h²`.
#[differentiable]
fn rnn_states(w: f64, x: &[f64]) -> f64 {
    let n = x.len();
    let mut h = vec![0.0; n + 1];
    h[0] = 0.5;
    for t in 0..n {
        h[t + 1] = (w * h[t] + x[t]).tanh();
    }
    let mut s = 0.0;
    for t in 0..n + 1 {
        s += h[t] * h[t];
    }
    s
}

/// Two cells behind: `c_i = a c_{i-1} + c_{i-2} c_{i-1} x_i`.
#[differentiable]
fn two_behind(x: &[f64], a: f64) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    c[1] = x[1];
    for i in 2..n {
        c[i] = a * c[i - 1] + c[i - 2] * c[i - 1] * x[i];
    }
    c[n - 1] + c[n - 2] * c[n - 2]
}

/// The cell behind is read in an inner loop.
#[differentiable]
fn read_in_inner_loop(x: &[f64], v: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        let mut acc = 0.0;
        for j in 0..v.len() {
            acc += (c[i - 1] * v[j]).sin();
        }
        c[i] = acc + x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * x[i];
    }
    s
}

/// A container loop: `c[i + 1] = c[i] · xi + xi²`.
#[differentiable]
fn over_elements(x: &[f64]) -> f64 {
    let mut c = vec![1.0; x.len() + 1];
    for (i, xi) in x.iter().enumerate() {
        c[i + 1] = c[i] * xi + xi * xi;
    }
    c[x.len()]
}

/// A loop left by `break` once the product grows past a bound.
#[differentiable]
fn until_large(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    let mut last = 0;
    for i in 1..n {
        if c[i - 1].abs() > 2.0 {
            break;
        }
        c[i] = c[i - 1] * x[i] + 1.0;
        last = i;
    }
    c[last] * c[last] + c[0]
}

/// [`cumprod`] in `f32`.
#[differentiable]
fn cumprod32(x: &[f32]) -> f32 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i];
    }
    s
}

/// Near miss: the trip reads the cell it writes (`r = w`) before writing it: the old value.
#[differentiable]
fn same_cell(x: &[f64]) -> f64 {
    let mut c = x.to_vec();
    for i in 0..x.len() {
        c[i] = c[i] * c[i] + x[i];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += c[i];
    }
    s
}

/// Near miss: the trip reads the cell the next trip writes (`r > w`): its old value.
#[differentiable]
fn read_ahead(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = x.to_vec();
    for i in 0..n - 1 {
        c[i] = c[i] * c[i + 1];
    }
    c[0] + c[n - 2] * c[n - 1]
}

/// Near miss: a cell is written again after the loop.
#[differentiable]
fn written_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    c[1] = c[1] * 3.0;
    c[n - 1] + c[1]
}

/// Near miss: two writes, one behind the read (`c[i - 2]` is written again on trip `i`).
#[differentiable]
fn write_behind(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = x.to_vec();
    for i in 2..n {
        let a = c[i - 1];
        c[i] = a * x[i];
        c[i - 2] = c[i - 2] + a;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * c[i];
    }
    s
}

/// Near miss: a loop holding a `return`.
#[differentiable]
fn returns_early(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        if x[i] > 10.0 {
            return c[i - 1] * 2.0;
        }
        c[i] = c[i - 1] * x[i] + x[i];
    }
    c[n - 1]
}

const X: [f64; 6] = [0.7, -1.3, 0.4, 1.1, -0.6, 0.9];

/// How close a gradient must be to central differences.
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// Checks `f_grad` against `f` and central differences at `x`.
fn check(f: fn(&[f64]) -> f64, grad: fn(&[f64]) -> (f64, Vec<f64>), x: &[f64]) {
    let (v, g) = grad(x);
    assert!(
        (v - f(x)).abs() < 1e-12 * v.abs().max(1.0),
        "{v} vs {}",
        f(x)
    );
    assert_gradient(f, x, &g, 1e-6, TOL);
}

#[test]
fn a_cumulative_product() {
    check(cumprod, cumprod_grad, &X);
    // Analytic at a small point: s = x0 + x0 x1 + x0 x1 x2, ds/dx2 = x0 x1.
    let (_, g) = cumprod_grad(&[2.0, 3.0, 5.0]);
    assert!(
        (g[2] - 6.0).abs() < 1e-12 && (g[1] - 12.0).abs() < 1e-12,
        "{g:?}"
    );
}

#[test]
fn a_recurrent_state_kept_in_a_vec() {
    let w = 0.8;
    let (v, (gw, gx)) = rnn_states_grad(w, &X);
    assert!((v - rnn_states(w, &X)).abs() < 1e-12);
    let f = |p: &[f64]| rnn_states(p[0], &p[1..]);
    let p: Vec<f64> = [w].iter().chain(&X).copied().collect();
    let g: Vec<f64> = [gw].iter().chain(&gx).copied().collect();
    assert_gradient(f, &p, &g, 1e-6, TOL);
}

#[test]
fn a_recurrence_two_cells_behind() {
    let a = 0.6;
    let (v, (gx, ga)) = two_behind_grad(&X, a);
    assert!((v - two_behind(&X, a)).abs() < 1e-12);
    let f = |p: &[f64]| two_behind(&p[..6], p[6]);
    let p: Vec<f64> = X.iter().chain(&[a]).copied().collect();
    let g: Vec<f64> = gx.iter().chain(&[ga]).copied().collect();
    assert_gradient(f, &p, &g, 1e-6, TOL);
}

#[test]
fn a_read_in_an_inner_loop() {
    let v = [0.3, -0.8, 1.2];
    let (val, (gx, gv)) = read_in_inner_loop_grad(&X, &v);
    assert!((val - read_in_inner_loop(&X, &v)).abs() < 1e-12);
    let f = |p: &[f64]| read_in_inner_loop(&p[..6], &p[6..]);
    let p: Vec<f64> = X.iter().chain(&v).copied().collect();
    let g: Vec<f64> = gx.iter().chain(&gv).copied().collect();
    assert_gradient(f, &p, &g, 1e-6, TOL);
}

#[test]
fn a_container_loop() {
    check(over_elements, over_elements_grad, &X);
}

#[test]
fn a_loop_left_by_break() {
    // Leaves after a few trips, and (all factors small) runs to the end.
    check(
        until_large,
        until_large_grad,
        &[1.5, 1.8, 1.2, 0.9, 1.1, 0.7],
    );
    check(
        until_large,
        until_large_grad,
        &[0.5, 0.4, 0.3, 0.2, 0.6, 0.1],
    );
}

#[test]
fn f32_agrees_with_f64() {
    let x32: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (v32, g32) = cumprod32_grad(&x32);
    let (v, g) = cumprod_grad(&X);
    assert!((f64::from(v32) - v).abs() < 1e-5 * v.abs().max(1.0));
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-5 * b.abs().max(1.0),
            "{a} vs {b}"
        );
    }
}

#[test]
fn near_misses_keep_their_records() {
    check(same_cell, same_cell_grad, &X);
    check(read_ahead, read_ahead_grad, &X);
    check(written_after, written_after_grad, &X);
    check(write_behind, write_behind_grad, &X);
    check(returns_early, returns_early_grad, &X);
    // The early return taken on the third trip (`x[3] = 12 > 10`).
    check(
        returns_early,
        returns_early_grad,
        &[0.8, 0.9, 2.0, 12.0, 0.1, 0.3],
    );
}
