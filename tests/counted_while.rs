//! Counted `while` loops (`while i < n { ..; i += 1; }`) are lowered as `for i in i..n`, so their
//! index is affine in the trip number: recomputed in the reverse sweep, never recorded. Every
//! member is a place where the rewrite could change the program: a stencil whose outer step
//! counter is a `while` too, a reduction starting past zero, a loop that never runs with the
//! index read after it, `i = i + 1`, nested counted loops over a grid, a labelled loop, a bound
//! that is an expression of lengths, `f32` and `T: Real`, and Hessian-vector products. Loops
//! the rewrite must leave alone are checked as well: a `break`, a `continue`, a bound the body
//! changes, an index the body writes, an increment that is not last. Each gradient is checked
//! against central differences, and each value against the same loop written with `for`.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern, unused_labels)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check_hvp, slice_scalar_check, to32};

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 + 0.9 * (i as f64 * 1.7).sin()).collect()
}

/// The heat stencil with both loops counted by hand.
#[differentiable]
fn heat_while(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut step = 0;
    while step < 20 {
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

/// The same stencil with `for` loops: the reference for the value.
fn heat_for(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..20 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + k * (left - 2.0 * u[i] + right);
        }
        u = next;
    }
    u.iter().map(|v| v * v).sum()
}

/// A reduction that starts at `start`, with `i = i + 1`, and reads the index after the loop:
/// `i` is then `x.len()` when the loop ran and `start` when it did not.
#[differentiable]
fn tail_sum(x: &[f64], w: f64, #[no_grad] start: usize) -> f64 {
    let mut s = 0.0;
    let mut i = start;
    while i < x.len() {
        s += (w * x[i]).tanh() * x[i - start / 2];
        i = i + 1;
    }
    s + (i as f64) * w + x[i.min(x.len()) - 1] * x[0]
}

/// Nested counted loops over a grid stored row-major, with a labelled outer loop and a bound
/// made of a length and a literal.
#[differentiable]
fn grid(g: &[f64], c: f64, #[no_grad] side: usize) -> f64 {
    let mut s = 0.0;
    let mut r = 0;
    'rows: while r < side {
        let mut col = 1;
        while col < side - 1 {
            let at = r * side + col;
            s += g[at] * (c * (g[at + 1] - g[at - 1])).sin();
            col += 1;
        }
        r += 1;
    }
    let mut t = 0;
    while t < g.len() / 2 + 1 {
        s += c * g[2 * t.min(g.len() / 2 - 1)];
        t += 1;
    }
    s
}

/// Loops the rewrite leaves alone (a `break`, a `continue`, a bound the body changes, an index
/// written before the increment, an increment that is not last): their gradients must be right
/// all the same.
#[differentiable]
fn left_alone(x: &[f64], w: f64) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    let mut i = 0;
    while i < n {
        if x[i] > 1.0 {
            break;
        }
        s += w * x[i] * x[i];
        i += 1;
    }
    let mut j = 0;
    while j < n {
        j += 1;
        if j % 3 == 0 {
            continue;
        }
        s += (x[j - 1] * w).sin();
    }
    let mut m = n;
    let mut k = 0;
    while k < m {
        s += x[k] * w;
        if k == 2 {
            m -= 1;
        }
        k += 1;
    }
    let mut q = 0;
    while q < n {
        s += x[q] * x[q] * w;
        q += 1;
        s -= x[q - 1];
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn horner_while<T: Real>(c: &[T], x: T) -> T {
    let mut acc = T::zero();
    let mut i = 0;
    while i < c.len() {
        acc = acc * x + c[c.len() - 1 - i];
        i += 1;
    }
    acc
}

#[differentiable(order = 2)]
fn chain_while<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    let mut i = 1;
    while i < x.len() {
        let d = x[i] - x[i - 1];
        s += d * d * x[i] + (x[i] * T::from_f64(0.5)).sin();
        i += 1;
    }
    s
}

#[test]
fn a_stencil_counted_by_hand() {
    let u = input(17);
    for k in [0.1, 0.35] {
        let (v, _) = heat_while_grad(&u, k);
        assert!((v - heat_for(&u, k)).abs() <= 1e-12 * v.abs());
        slice_scalar_check("heat_while", heat_while, heat_while_grad(&u, k), &u, k);
    }
}

#[test]
fn a_reduction_from_an_offset_and_the_index_after_the_loop() {
    let x = input(9);
    for start in [0, 3, 8, 9, 12] {
        let f = |x: &[f64], w: f64| tail_sum(x, w, start);
        let (v, g) = tail_sum_grad(&x, 0.6, start);
        let mut s = 0.0;
        for i in start..x.len() {
            s += (0.6 * x[i]).tanh() * x[i - start / 2];
        }
        let end = start.max(x.len());
        let expected = s + end as f64 * 0.6 + x[end.min(x.len()) - 1] * x[0];
        assert!(
            (v - expected).abs() <= 1e-12 * expected.abs().max(1.0),
            "start {start}"
        );
        slice_scalar_check("tail_sum", f, (v, g), &x, 0.6);
    }
}

#[test]
fn nested_counted_loops_over_a_grid() {
    let side = 5;
    let g = input(side * side);
    let f = |g: &[f64], c: f64| grid(g, c, side);
    slice_scalar_check("grid", f, grid_grad(&g, 0.8, side), &g, 0.8);
}

#[test]
fn loops_the_rewrite_leaves_alone() {
    for x in [input(8), vec![0.2, 0.5, 1.4, 0.1, 0.3, 0.9]] {
        slice_scalar_check("left_alone", left_alone, left_alone_grad(&x, 0.7), &x, 0.7);
    }
}

#[test]
fn generic_f32() {
    let c = input(6);
    let (_, (g, gx)) = horner_while_grad(&c[..], 0.8);
    let mut z = c.clone();
    z.push(0.8);
    let mut gz = g.clone();
    gz.push(gx);
    assert_gradient(
        |z: &[f64]| horner_while::<f64>(&z[..6], z[6]),
        &z,
        &gz,
        1e-6,
        TOL,
    );
    let (_, (g32, _)) = horner_while_grad(&to32(&c)[..], 0.8f32);
    agree("horner_while f32", &g, &g32, 1e-4);
}

#[test]
fn hessian_vector_products() {
    let x = input(7);
    let (_, g) = chain_while_grad(&x[..]);
    assert_gradient(chain_while::<f64>, &x, &g, 1e-6, TOL);
    let v: Vec<f64> = input(7).iter().map(|a| 0.4 - a).collect();
    let (_, _, hv) = chain_while_hvp(&x[..], v.clone());
    check_hvp("chain_while", |y| chain_while_grad(y).1, &hv, &x, &v);
}
