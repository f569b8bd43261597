//! Evaluation order and rebinding: Rust reads operands left to right, so an operand read before
//! a later operand's block assigns the same variable sees the old value; and a tuple `let` that
//! rebinds a name its own initialiser reads (`let (x, y) = (y, x)`) reads the old binding. Each
//! function is checked for its value (`_grad` and `_jvp` against the primal) and its derivative
//! (central differences), table-driven.
#![allow(clippy::blocks_in_conditions, clippy::no_effect, unused_assignments)]

use autodiff::check::{DEFAULT_ETA, Tolerance, assert_gradient};
use autodiff::prelude::*;

#[differentiable]
fn two(a: f64, b: f64) -> f64 {
    a * 10.0 + b
}

#[differentiable]
fn binary(x: f64) -> f64 {
    let mut s = x;
    let y = s + {
        s *= x;
        s
    };
    y * 10.0 + s
}

#[differentiable]
fn call_args(x: f64) -> f64 {
    let mut s = x;
    let y = two(s, {
        s *= x;
        s
    });
    y + s
}

#[differentiable]
fn array_elements(x: f64) -> f64 {
    let mut s = x;
    let a = [s, {
        s *= x;
        s
    }];
    a[0] * 10.0 + a[1]
}

#[differentiable]
fn tuple_elements(x: f64) -> f64 {
    let mut s = x;
    let t = (s, {
        s *= x;
        s
    });
    t.0 * 10.0 + t.1
}

#[differentiable]
fn method_receiver(x: f64) -> f64 {
    let mut s = x;
    let y = s.max({
        s *= x;
        0.0
    });
    y * 10.0 + s
}

#[differentiable]
fn assigned_from_itself(x: f64) -> f64 {
    let mut s = x;
    s = s * {
        s *= 3.0;
        s
    };
    s
}

#[differentiable]
fn swap_by_let(x: f64, y: f64) -> f64 {
    let (x, y) = (y, x);
    x * 10.0 + y
}

#[differentiable]
fn rebind_with_old(x: f64, y: f64) -> f64 {
    let a = x * y;
    let (a, c) = (a * 2.0, a);
    a + c * c
}

#[differentiable]
fn nested_rebind(x: f64, y: f64) -> f64 {
    let ((x, y), z) = ((y, x), x);
    x * 100.0 + y * 10.0 + z * z
}

#[differentiable]
fn mut_rebind(x: f64, y: f64) -> f64 {
    let (mut x, mut y) = (y, x);
    x += 1.0;
    y *= x;
    x * 10.0 + y
}

#[differentiable]
fn rebind_in_loop(x: f64, y: f64) -> f64 {
    let a = x;
    let mut b = y;
    for _ in 0..2 {
        let (a, c) = (b * 2.0, a);
        b = a + c * b;
    }
    a * b
}

type Primal = fn(&[f64]) -> f64;
type Grad = fn(&[f64]) -> (f64, Vec<f64>);

/// Each function over a flat parameter slice: primal, `_grad`, and `_jvp` along axis `k`.
macro_rules! one {
    ($f:ident, $g:ident, $j:ident) => {
        (
            stringify!($f),
            1,
            (|p: &[f64]| $f(p[0])) as Primal,
            (|p: &[f64]| {
                let (v, d) = $g(p[0]);
                (v, vec![d])
            }) as Grad,
            (|p: &[f64], _k: usize| $j(p[0], 1.0)) as fn(&[f64], usize) -> (f64, f64),
        )
    };
}
macro_rules! pair {
    ($f:ident, $g:ident, $j:ident) => {
        (
            stringify!($f),
            2,
            (|p: &[f64]| $f(p[0], p[1])) as Primal,
            (|p: &[f64]| {
                let (v, (a, b)) = $g(p[0], p[1]);
                (v, vec![a, b])
            }) as Grad,
            (|p: &[f64], k: usize| {
                let t = if k == 0 { (1.0, 0.0) } else { (0.0, 1.0) };
                $j(p[0], p[1], t.0, t.1)
            }) as fn(&[f64], usize) -> (f64, f64),
        )
    };
}

#[test]
fn operands_and_rebinding_follow_rust_evaluation_order() {
    let cases = [
        one!(binary, binary_grad, binary_jvp),
        one!(call_args, call_args_grad, call_args_jvp),
        one!(array_elements, array_elements_grad, array_elements_jvp),
        one!(tuple_elements, tuple_elements_grad, tuple_elements_jvp),
        one!(method_receiver, method_receiver_grad, method_receiver_jvp),
        one!(
            assigned_from_itself,
            assigned_from_itself_grad,
            assigned_from_itself_jvp
        ),
        pair!(swap_by_let, swap_by_let_grad, swap_by_let_jvp),
        pair!(rebind_with_old, rebind_with_old_grad, rebind_with_old_jvp),
        pair!(nested_rebind, nested_rebind_grad, nested_rebind_jvp),
        pair!(mut_rebind, mut_rebind_grad, mut_rebind_jvp),
        pair!(rebind_in_loop, rebind_in_loop_grad, rebind_in_loop_jvp),
    ];
    let point = [1.3, -0.6];
    for (name, arity, primal, grad, jvp) in cases {
        let p = &point[..arity];
        let (value, g) = grad(p);
        let want = primal(p);
        assert!(
            (value - want).abs() < 1e-12,
            "{name}: _grad value {value} vs {want}"
        );
        assert_gradient(primal, p, &g, DEFAULT_ETA, Tolerance::new(1e-7, 1e-6));
        for (k, gk) in g.iter().enumerate() {
            let (v, d) = jvp(p, k);
            assert!((v - want).abs() < 1e-12, "{name}: _jvp value");
            assert!(
                (d - gk).abs() < 1e-9 * (1.0 + gk.abs()),
                "{name}: _jvp ∂{k}"
            );
        }
    }
    // Analytic anchors: `binary` is 10 (x + x²) + x², derivative 10 + 22x; `swap_by_let` is
    // 10y + x, gradient (1, 10).
    let (_, d) = binary_grad(1.3);
    assert!((d - (10.0 + 22.0 * 1.3)).abs() < 1e-12);
    let (v, (dx, dy)) = swap_by_let_grad(1.0, 2.0);
    assert!((v - 21.0).abs() < 1e-12 && (dx - 1.0).abs() < 1e-12 && (dy - 10.0).abs() < 1e-12);
}

/// A receiver used again by a later argument (no assignment): left as written, since copying
/// a matrix receiver would move it. `Σ a_ij a_ji` has gradient `2 a_ji`.
#[differentiable]
fn receiver_used_again(m: &DMatrix<f64>) -> f64 {
    let a = m.clone();
    a.component_mul(&a.transpose()).sum()
}

#[test]
fn receivers_read_again_are_not_copied() {
    let m = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, -3.0, 0.5]);
    let (v, g) = receiver_used_again_grad(&m);
    assert!((v - (1.0 + 2.0 * 2.0 * -3.0 + 0.25)).abs() < 1e-12);
    assert!((g - m.transpose() * 2.0).abs().max() < 1e-12);
}
