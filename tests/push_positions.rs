//! Pushes at the index of a loop whose variable is not a `usize` (`for i in 0..n as u32`,
//! `for i in 0i32..3`): the push writes element `i` (`lower/push_index.rs`), and the reverse
//! sweep takes that element's adjoint at `i` converted to an index
//! (`rt::push_position`). Every integer width, signed and unsigned, a `Vec::new()`, a
//! `with_capacity` and a `vec![]`, a nested loop, a loop variable constrained by nothing but
//! the push, `_jvp` and `order = 2`; against central differences in `f64`.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::vec_init_then_push)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{check_hvp, check_jvp_columns, check_value_grad};

/// `v_i = x_i · (i + 1)`, `f = Σ v_k²`, over a `u32` loop.
#[differentiable(order = 2)]
fn unsigned_32(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() as u32 {
        v.push(x[i as usize] * (i as f64 + 1.0));
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * v[k];
    }
    s
}

/// A literal `i32` range into `Vec::with_capacity`, the pushed values read after the loop.
#[differentiable]
fn signed_32(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(4);
    for i in 0i32..3 {
        v.push(x[i as usize].sin() * x[(i + 1) as usize]);
    }
    v[0] * v[1] + v[2]
}

/// `u8`, `i64`, `u16` and `isize` loops, each pushing into its own `vec![]`.
#[differentiable]
fn widths(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![];
    for i in 0u8..n as u8 {
        a.push(x[i as usize].exp());
    }
    let mut b = vec![];
    for i in 0i64..n as i64 {
        b.push(a[i as usize] * x[n - 1 - i as usize]);
    }
    let mut c = Vec::new();
    for i in 0..n as u16 {
        c.push(b[i as usize] + x[i as usize] * x[i as usize]);
    }
    let mut d = Vec::new();
    for i in 0..n as isize {
        d.push(c[i as usize].tanh());
    }
    let mut s = 0.0;
    for k in 0..n {
        s += d[k] * (k as f64 + 0.5);
    }
    s
}

/// Rows made per outer trip over an `i16` inner loop.
#[differentiable]
fn nested_rows(x: &[f64], m: usize) -> f64 {
    let mut s = 0.0;
    for r in 0..x.len() / m {
        let mut row = Vec::new();
        for j in 0i16..m as i16 {
            row.push(x[r * m + j as usize] * (j as f64 - 0.5));
        }
        for j in 0..row.len() {
            s += row[j] * row[(j + 1) % row.len()];
        }
    }
    s
}

/// A loop variable that nothing but the push and a float conversion constrain (its type falls
/// back to `i32`).
#[differentiable]
fn unconstrained(x: f64) -> f64 {
    let mut v = Vec::new();
    for i in 0..4 {
        v.push(x * i as f64 + x * x);
    }
    v[1] * v[3] - v[0] * v[2]
}

const X: [f64; 6] = [0.4, -1.1, 0.8, 1.7, -0.6, 0.3];

#[test]
fn integer_loop_variables_match_finite_differences() {
    let r = unsigned_32_grad(&X);
    // f = Σ (x_i (i + 1))²
    let want: f64 = (0..6).map(|i| (X[i] * (i as f64 + 1.0)).powi(2)).sum();
    assert!((r.0 - want).abs() < 1e-12, "{} vs {want}", r.0);
    for (i, g) in r.1.iter().enumerate() {
        // ∂f/∂x_i = 2 x_i (i + 1)²
        let d = 2.0 * X[i] * (i as f64 + 1.0).powi(2);
        assert!((g - d).abs() < 1e-12, "unsigned_32 ∂{i}: {g} vs {d}");
    }
    check_value_grad("signed_32", signed_32, signed_32_grad(&X), &X);
    check_value_grad("widths", widths, widths_grad(&X), &X);
    for m in [2, 3] {
        let r = nested_rows_grad(&X, m);
        check_value_grad("nested_rows", |z| nested_rows(z, m), r, &X);
    }
    for x in [0.7, -1.3] {
        let r = unconstrained_grad(x);
        check_value_grad(
            "unconstrained",
            |z| unconstrained(z[0]),
            (r.0, vec![r.1]),
            &[x],
        );
    }
}

#[test]
fn integer_loop_variables_forward_and_second_order() {
    let (_, g) = unsigned_32_grad(&X);
    check_jvp_columns("unsigned_32", |x, e| unsigned_32_jvp(x, e).1, &g, &X);
    let v = [0.3, -0.2, 0.5, 1.0, -0.7, 0.1];
    let (_, _, hv) = unsigned_32_hvp(&X, v.to_vec());
    check_hvp("unsigned_32", |z| unsigned_32_grad(z).1, &hv, &X, &v);
}
