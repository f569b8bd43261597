//! Two reads of the same element in one trip (`u[i] + k * (.. - 2.0 * u[i] ..)`) with nothing
//! between them that can change the container or the index: the second is a copy of the first
//! (`autodiff-macros/src/lower/reuse.rs`), so the reverse sweep adds one adjoint per element
//! instead of two. And loops that read a local `Vec` they never make whole: its adjoint buffer is
//! fitted to its length before the loop's reverse sweep, and the reads add with an index check.
//!
//! And values rebuilt from one saved value: `r2² = r2 · r2` and `r2³` come back from the save of
//! `r2` that a rule already needs, instead of a record each.
//!
//! Every member is checked for its value against the function as written and for its gradient
//! against central differences; the members where a copy would be wrong (a write, an index
//! change, an in-place swap, a branch that writes, a macro that writes, a later loop trip) must
//! keep reading memory, and their values prove they do.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::assign_op_pattern
)]

use autodiff::check::{Tolerance, assert_gradient, assert_slices, numeric_gradient};
use autodiff::prelude::*;

/// A slice parameter read twice in separate statements, and a local `Vec` read twice.
#[differentiable]
fn twice(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    let mut s = 0.0;
    for i in 0..n {
        let a = x[i];
        let b = x[i] * 3.0 + v[i];
        v[i] = a * b;
        s += v[i] * v[i] + v[i];
    }
    s
}

/// A write to the element between two reads: the second sees the new value.
#[differentiable]
fn write_between(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut s = 0.0;
    for i in 0..v.len() {
        let a = v[i];
        v[i] = a * a + 1.0;
        let b = v[i];
        s += a * b;
    }
    s
}

/// The index changes between two reads, and an in-place swap between two more.
#[differentiable]
fn index_and_swap_between(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut i = 0;
    let a = v[i];
    i += 1;
    let b = v[i];
    let c = v[0];
    v.swap(0, 1);
    let d = v[0];
    a * 2.0 + b * b + c * d * 3.0 + d
}

/// A branch that writes between two reads; a loop whose later trips read what earlier trips wrote.
#[differentiable]
fn branch_and_loop_between(x: &[f64], flag: bool) -> f64 {
    let mut v = x.to_vec();
    let a = v[1];
    if flag {
        v[1] = a * 5.0;
    }
    let b = v[1];
    let mut s = a * b;
    for _ in 0..3 {
        let c = v[0];
        v[0] = c * b + 0.5;
        s += v[0];
    }
    s
}

/// Moves its argument's first element to the back (a macro that writes what it names).
macro_rules! rotate {
    ($v:ident) => {
        $v.rotate_left(1)
    };
}

/// A macro that writes the index table between two reads of it.
#[differentiable]
fn macro_between(x: &[f64]) -> f64 {
    let mut order = vec![0usize, 1, 2];
    let p = order[0];
    rotate!(order);
    let q = order[0];
    x[p] * 2.0 + x[q] * x[q]
}

/// A generic stencil with the repeated read, at `f64` and `f32`.
#[differentiable]
fn stencil<T: Real>(u0: &[T], k: T) -> T {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..4 {
        let mut next = vec![T::zero(); n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { T::zero() };
            let right = if i + 1 < n { u[i + 1] } else { T::zero() };
            next[i] = u[i] + k * (left - u[i] - u[i] + right) * u[i];
        }
        u = next;
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A local that grows each step (`u = next` with a longer `next`): each stencil loop reads a `u`
/// of another length, so each fits the buffer to its own.
#[differentiable]
fn growing(u0: &[f64], k: f64) -> f64 {
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let n = u.len();
        let mut next = vec![0.0; n + 1];
        for i in 0..n {
            next[i] += u[i] * (1.0 - k);
            next[i + 1] += u[i] * k * u[i];
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A loop that reads a local and also copies it whole (`snap = u.clone()`), one that leaves
/// early, and nested loops that both read it.
#[differentiable]
fn clones_breaks_nested(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..3 {
        let snap = u.clone();
        for i in 0..u.len() {
            s += snap[i] * u[i] * (t as f64 + 1.0);
        }
    }
    for i in 0..u.len() {
        if u[i] > 1.0 {
            break;
        }
        u[i] = u[i] * u[i];
        for j in 0..u.len() {
            s += u[j] * 0.25;
        }
    }
    s + u[0]
}

/// Pair terms whose powers are rebuilt from one saved value: the Lennard-Jones form, a chain
/// that reassigns its base (the rebuilt values must use the value they had), and a product of
/// two saved values.
#[differentiable]
fn pair_powers(p: &[f64]) -> f64 {
    let n = p.len();
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let d = p[i] - p[j];
            let r2 = d * d + (0.3 * d).exp();
            let s6 = 1.0 / (r2 * r2 * r2);
            e += s6 * s6 - s6;
            let mut q = r2 * p[i].sin() * 0.2;
            let q2 = q * q;
            q = q2 * q + 1.0;
            let w = (q2 * q).cos();
            e += w * r2 * 0.1;
        }
    }
    e
}

/// A loop with reverse work that reads a local only into an integer (its buffer is not fitted
/// there), then one whose reads carry derivatives.
#[differentiable]
fn inactive_then_active_reads(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    u[0] = u[0] * u[1];
    let mut m = 0usize;
    let mut s = 0.0;
    for i in 0..u.len() {
        let w = u[i] * 2.0 + 3.0;
        m += w as usize;
        s += x[i] * x[i];
    }
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s + m as f64
}

const X: [f64; 4] = [0.7, -1.3, 0.4, 1.1];

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
fn repeated_reads_against_central_differences() {
    value_and_gradient("twice", twice, twice_grad);
    value_and_gradient("write between", write_between, write_between_grad);
    value_and_gradient(
        "index and swap between",
        index_and_swap_between,
        index_and_swap_between_grad,
    );
    value_and_gradient("macro between", macro_between, macro_between_grad);
    // The macro moved index 1 to the front: x[0] * 2 + x[1]².
    assert!((macro_between(&X) - (2.0 * X[0] + X[1] * X[1])).abs() < 1e-12);
    for flag in [false, true] {
        let f = |x: &[f64]| branch_and_loop_between(x, flag);
        let (v, g) = branch_and_loop_between_grad(&X, flag);
        assert!((v - f(&X)).abs() < 1e-12, "flag {flag}");
        assert_gradient(f, &X, &g, 1e-6, TOL);
    }
}

#[test]
fn powers_rebuilt_from_saved_values_against_central_differences() {
    value_and_gradient("pair powers", pair_powers, pair_powers_grad);
}

#[test]
fn fitted_buffers_against_central_differences() {
    let u0 = [0.3, -0.2, 0.5, 0.1, -0.4];
    let k = 0.2;
    let pack = |u: &[f64], k: f64| [u, &[k][..]].concat();
    let unpack = |p: &[f64]| (p[..p.len() - 1].to_vec(), p[p.len() - 1]);

    let (v, (gu, gk)) = stencil_grad(&u0[..], k);
    assert!((v - stencil(&u0[..], k)).abs() < 1e-12);
    let num = numeric_gradient(
        |p: &[f64]| {
            let (u, k) = unpack(p);
            stencil(&u[..], k)
        },
        &pack(&u0, k),
        1e-6,
    );
    assert_slices(&pack(&gu, gk), &num, TOL);
    // f32: the gradient agrees with the f64 one to single precision.
    let u32: Vec<f32> = u0.iter().map(|&x| x as f32).collect();
    let (_, (gu32, gk32)) = stencil_grad(&u32[..], k as f32);
    for (a, b) in gu32.iter().chain([&gk32]).zip(pack(&gu, gk)) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }

    let (v, (gu, gk)) = growing_grad(&u0, k);
    assert!((v - growing(&u0, k)).abs() < 1e-12);
    assert_eq!(
        gu.len(),
        u0.len(),
        "the gradient has the parameter's length"
    );
    let num = numeric_gradient(
        |p: &[f64]| {
            let (u, k) = unpack(p);
            growing(&u, k)
        },
        &pack(&u0, k),
        1e-6,
    );
    assert_slices(&pack(&gu, gk), &num, TOL);

    value_and_gradient(
        "inactive then active reads",
        inactive_then_active_reads,
        inactive_then_active_reads_grad,
    );
    value_and_gradient(
        "clones, breaks, nested",
        clones_breaks_nested,
        clones_breaks_nested_grad,
    );
    // The early `break` is taken at a later element too.
    let y = [0.5, 0.2, 1.5, -0.3];
    let (v, g) = clones_breaks_nested_grad(&y);
    assert!((v - clones_breaks_nested(&y)).abs() < 1e-12);
    assert_gradient(clones_breaks_nested, &y, &g, 1e-6, TOL);
}
