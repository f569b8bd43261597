//! Loops that make a fresh buffer every trip and move it over an outer one
//! (`let mut next = vec![0.0; n]; .. u = next;`): the forward sweep of the generated gradient
//! makes each trip's buffer in the one the assignment drops (`reverse/spare.rs`, runtime
//! `spare.rs`). Each member of the kind is checked against central differences in `f64`: a
//! 1-D stencil, three time levels rotated by moves, a grid of rows, a buffer whose length
//! changes per trip, a `vec!` of a differentiated value, trips cut by `continue` and `break`,
//! the state read after the loop and returned, the state moved in the trip (kept as written),
//! a state declared without a value, and second order.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, check_value_grad, sines};

/// A nonlinear stencil: the reverse sweep needs every step's state.
#[differentiable(order = 2)]
fn stencil(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..6 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + 0.2 * (left * u[i]).sin() - 0.1 * right * right;
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] * (i as f64 + 1.0);
    }
    s
}

/// Three time levels rotated by moves (`prev = u; u = next;`): the buffer `prev` held is the
/// one dropped each trip.
#[differentiable]
fn rotated(x: &[f64]) -> f64 {
    let n = x.len();
    let mut prev = x.to_vec();
    let mut u = vec![0.0; n];
    for i in 0..n {
        u[i] = 0.5 * x[i];
    }
    for _ in 0..5 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let right = if i + 1 < n { u[i + 1] } else { u[0] };
            next[i] = 1.5 * u[i] - 0.5 * prev[i] + 0.1 * (u[i] * right).cos();
        }
        prev = u;
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * prev[i];
    }
    s
}

/// A grid of rows made afresh per step (`vec![vec![0.0; m]; n]`).
#[differentiable]
fn grid(x: &[f64]) -> f64 {
    let (n, m) = (3, x.len() / 3);
    let mut u = vec![vec![0.0; m]; n];
    for i in 0..n {
        for j in 0..m {
            u[i][j] = x[i * m + j];
        }
    }
    for _ in 0..4 {
        let mut next = vec![vec![0.0; m]; n];
        for i in 0..n {
            for j in 0..m {
                let up = if i > 0 { u[i - 1][j] } else { 0.0 };
                let left = if j > 0 { u[i][j - 1] } else { 0.0 };
                next[i][j] = u[i][j] + 0.3 * up * left - 0.2 * u[i][j].powi(3);
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..m {
            s += u[i][j] * (1.0 + j as f64);
        }
    }
    s
}

/// The buffer grows by one element per trip and starts at a differentiated value: a kept
/// buffer of the old length must be refilled to the new one, every element `x[0]`.
#[differentiable]
fn growing(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    for t in 0..4 {
        let len = u.len() + 1;
        let mut next = vec![x[0]; len];
        for i in 0..u.len() {
            next[i] = next[i] * u[i] + (t as f64 + 1.0) * u[i].sin();
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * (0.5 + i as f64);
    }
    s
}

/// Trips cut short: `continue` before the move (the fresh buffer is dropped, the state kept)
/// and a `break` after it.
#[differentiable]
fn jumps(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for t in 0..8 {
        let mut next = vec![1.0; n];
        for i in 0..n {
            next[i] = next[i] * u[i] * 0.9 + 0.1 * u[(i + 1) % n] * u[i];
        }
        if t % 3 == 1 {
            continue;
        }
        u = next;
        if t == 6 {
            break;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// The final state leaves the function (`u` returned through its sum after the loop, and
/// read again by a second loop).
#[differentiable]
fn read_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i].exp() * 0.5 - u[(i + n - 1) % n];
        }
        u = next;
    }
    let mut t = 0.0;
    for i in 0..n {
        t += u[i].tanh();
    }
    t + u[0] * u[n - 1]
}

/// The state is moved inside the trip (`let old = u;` before `u = next;`): no buffer to keep
/// at the assignment, the code runs as written.
#[differentiable]
fn moved_state(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut acc = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[i] - 0.3 * u[i];
        }
        let old = u;
        acc += old[0] * old[n - 1];
        u = next;
    }
    acc + u[1]
}

/// A state declared without a value before the loop (`let mut u;`).
#[differentiable]
fn declared_later(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u;
    u = x.to_vec();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = (u[i] * u[i] + 0.5).ln() + u[(i + 1) % n] * 0.25;
        }
        u = next;
    }
    u[0] + 2.0 * u[n - 1]
}

#[test]
fn fresh_buffers_match_central_differences() {
    let x = sines(7, 0.37);
    let pos: Vec<f64> = x.iter().map(|v| v.abs() + 0.2).collect();
    check_value_grad("stencil", stencil, stencil_grad(&x), &x);
    check_value_grad("rotated", rotated, rotated_grad(&x), &x);
    let g = sines(12, 0.41);
    check_value_grad("grid", grid, grid_grad(&g), &g);
    check_value_grad("growing", growing, growing_grad(&x), &x);
    check_value_grad("jumps", jumps, jumps_grad(&x), &x);
    check_value_grad("read_after", read_after, read_after_grad(&x), &x);
    check_value_grad("moved_state", moved_state, moved_state_grad(&x), &x);
    check_value_grad(
        "declared_later",
        declared_later,
        declared_later_grad(&pos),
        &pos,
    );
}

#[test]
fn fresh_buffers_second_order_and_repeated_calls() {
    let x = sines(6, 0.53);
    let v = sines(6, 1.3);
    let (_, _, hv) = stencil_hvp(&x, v.clone());
    check_hvp("stencil", |p| stencil_grad(p).1, &hv, &x, &v);
    // The spare slot lives for one call: calls at other lengths agree with their own checks.
    for n in [1, 2, 9] {
        let x = sines(n, 0.29);
        let (y, g) = stencil_grad(&x);
        check("stencil at another length", stencil, &g, &x);
        assert!((y - stencil(&x)).abs() <= 1e-12 * (1.0 + y.abs()));
    }
}
