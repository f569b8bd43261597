//! Scalar helpers with a loop (at most four scalar inputs, two when they call another
//! differentiable function with a varying argument) called from reverse-mode callers, whose
//! companion is computed by tangent sweeps. Helpers with an early `return`, `break` and
//! `continue`, `while` loops, a `loop` with a value, a helper calling another such helper,
//! generic helpers at `f64` and `f32`, associated functions, outputs independent of an input,
//! non-finite intermediate values, constants as arguments, `#[no_grad]`, `wrt(..)`, integer and
//! reassigned `mut` parameters, local `Vec`s, a result through a `match`, and `order = 2`
//! helpers. Each caller's gradient against central differences at points taking every arm,
//! its pullback twice and forward mode against the gradient.

// The written forms (index loops, `s = s + ..`, a local `vec!` written by index) are the
// constructs under test.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

/// An early `return` from inside the loop.
#[differentiable]
fn h_early(x: f64, w: f64) -> f64 {
    let mut s = x;
    for k in 0..8 {
        s = s * w + 0.1 * k as f64;
        if s.abs() > 3.0 {
            return s * x;
        }
    }
    s + x
}

/// `continue` skipping part of the trip, and `break`.
#[differentiable]
fn h_continue(x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    let mut t = x;
    for k in 0..10 {
        t = t * w + 0.05;
        if k % 3 == 1 {
            continue;
        }
        if t > 2.0 {
            break;
        }
        s += t * t;
    }
    s
}

/// A `while` loop with a `break` on a computed float, and a `loop` with a value.
#[differentiable]
fn h_while(a: f64, b: f64) -> f64 {
    let mut x = a;
    let mut n = 0;
    while n < 20 {
        x = x * 0.7 + b;
        if x * x > 4.0 {
            break;
        }
        n += 1;
    }
    let mut y = x;
    let r = loop {
        y = y * 0.5;
        if y.abs() < 0.3 {
            break y + a;
        }
    };
    r * b
}

/// A helper with a loop, called by [`h_outer`] with varying arguments.
#[differentiable]
fn h_inner(z: f64) -> f64 {
    let mut s = 0.0;
    let mut t = 1.0;
    for k in 1..7 {
        t = t * z / k as f64;
        s += t;
    }
    s
}

/// A helper calling another such helper twice per trip.
#[differentiable]
fn h_outer(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        let kk = k as f64;
        s += h_inner(a * kk + b) - h_inner(b * 0.5) * a;
    }
    s
}

/// Three levels.
#[differentiable]
fn h_top(a: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..2 {
        s += h_outer(a, a * k as f64 + 0.2);
    }
    s
}

/// Generic over `T: Real`.
#[differentiable]
fn h_gen<T: Real>(x: T, c: T) -> T {
    let mut y = T::zero();
    for k in 0..4 {
        y = y * x + c * T::from_f64(k as f64 + 1.0);
        if y > T::from_f64(2.0) {
            y = y.sqrt();
        }
    }
    y
}

/// `b` is an input the output does not depend on.
#[differentiable]
fn h_unused(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    let _c = b * 3.0;
    for k in 0..3 {
        s += a * k as f64;
    }
    s
}

/// The output depends on no input at all.
#[differentiable]
fn h_const(a: f64) -> f64 {
    let mut s = 0.0;
    let _u = a * 2.0;
    for k in 0..3 {
        s += k as f64 * 0.5;
    }
    s
}

/// `sqrt(0)` and `0 · ∞` in the loop: `sqrt(x · 0)` has a zero derivative.
#[differentiable]
fn h_sqrt0(x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        let z = x * 0.0;
        s += z.sqrt() * w + x * k as f64 + (w * w).sqrt();
    }
    s
}

/// An overflowing intermediate: `1 / (x·1e200)²` is `0` in IEEE arithmetic for `x ≠ 0`.
#[differentiable]
fn h_overflow(x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..2 {
        let big = x * 1e200;
        s += 1.0 / (big * big) + w * x;
    }
    s
}

/// `#[no_grad]` float and an integer parameter; a reassigned `mut` parameter.
#[differentiable]
fn h_nograd(mut x: f64, #[no_grad] c: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for k in 0..n {
        x = x * c + (k as f64) * 0.1;
        s += x;
    }
    s
}

/// Differentiated in `b` only.
#[differentiable(wrt(b))]
fn h_wrt(a: f64, b: f64) -> f64 {
    let mut s = a;
    for _ in 0..3 {
        s = s * b + a;
    }
    s
}

/// A parameter overwritten by a constant: its tangent is gone.
#[differentiable]
fn h_overwritten(mut x: f64, w: f64) -> f64 {
    let mut s = x * w;
    x = 1.5;
    for _ in 0..3 {
        s += x * w;
        x = x * 0.5;
    }
    s
}

/// A local `Vec` filled and read in the loop.
#[differentiable]
fn h_vec(x: f64, w: f64) -> f64 {
    let mut v = vec![0.0; 4];
    for k in 0..4 {
        v[k] = x * k as f64 + w;
    }
    let mut s = 0.0;
    for k in 0..4 {
        s += v[k] * v[(k + 1) % 4];
    }
    s
}

/// The result through a `match` on an integer after the loop.
#[differentiable]
fn h_match(x: f64, w: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += (x * k as f64).sin() * w;
    }
    match n % 3 {
        0 => s,
        1 => s * x,
        _ => {
            if s > 0.0 {
                s + w
            } else {
                s - x * w
            }
        }
    }
}

/// Four inputs (the most by tangent sweeps).
#[differentiable]
fn h_four(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let mut s = a;
    for _ in 0..3 {
        s = s * b + c * d;
        if s > 1.0 {
            s = s.ln() + d;
        }
    }
    s
}

/// Five inputs (reverse mode), for contrast.
#[differentiable]
fn h_five(a: f64, b: f64, c: f64, d: f64, e: f64) -> f64 {
    let mut s = a;
    for _ in 0..3 {
        s = s * b + c * d - e;
    }
    s
}

/// Shadowed parameters, `x += x` and `s = s * s`.
#[differentiable]
fn h_shadow(x: f64, w: f64) -> f64 {
    let x = x * 0.5;
    let mut t = x;
    let mut s = 0.0;
    for _ in 0..3 {
        t += t;
        s = s * s * 0.1 + t * w;
    }
    s
}

/// The loop only inside a branch.
#[differentiable]
fn h_loop_in_arm(x: f64, w: f64) -> f64 {
    if x > 0.0 {
        let mut s = 0.0;
        for k in 0..3 {
            s += x.powi(k) * w;
        }
        s
    } else {
        x * w
    }
}

pub struct Shape;

impl Shape {
    /// An associated function with a loop.
    #[differentiable]
    fn assoc(x: f64, w: f64) -> f64 {
        let mut s = 0.0;
        for k in 0..3 {
            s += (x + w * k as f64).tanh();
        }
        s
    }

    /// Calls the associated function through `Self::`.
    #[differentiable]
    fn assoc_caller(p: &[f64]) -> f64 {
        let mut l = 0.0;
        for i in 0..p.len() {
            l += Self::assoc(p[i], p[0]) * p[i];
        }
        l
    }
}

/// Calls from a reverse-mode caller: in the loop, twice per trip, in branches, with constants.
#[differentiable]
fn caller_a(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = h_early(p[0] + x[i], p[1]);
        let c = h_continue(p[1] * x[i], 0.9) + h_continue(0.3, p[2]);
        if e > 0.5 {
            l += e * h_while(p[2], x[i] * 0.3 + p[0]);
        } else if x[i] < 0.0 {
            l += h_outer(p[0], x[i]) * c;
        } else {
            l -= h_top(p[1] * x[i]) + c;
        }
    }
    l
}

/// More calls per trip, each helper's result feeding the next.
#[differentiable]
fn caller_b(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut carry = p[0];
    for i in 0..x.len() {
        let u = h_gen(p[1], carry * 0.3 + x[i]);
        let v = h_unused(p[2], u) + h_const(u) * u;
        let w = h_sqrt0(v * 0.1, p[0]) + h_overflow(x[i] + 0.1, p[1]);
        let z = h_nograd(p[0] * x[i], 0.8, i % 4) + h_wrt(0.4, p[2] * 0.5);
        carry = h_overwritten(carry, 0.9) * 0.2 + h_vec(x[i], p[1]) * 0.1;
        l += u * 0.1 + v * w + z + h_match(p[1], x[i], i) + h_shadow(carry, p[2]);
    }
    l + carry
}

/// Four and five inputs, a loop only inside a branch, mixed float types.
#[differentiable]
fn caller_c(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += h_four(p[0], p[1] * 0.5, x[i], p[2]) + h_five(p[0], p[1], x[i], p[2], 0.1);
        l += h_loop_in_arm(p[0] + x[i], p[1]) * p[2];
        l += Shape::assoc(p[1], x[i]);
    }
    l
}

/// `f32` instance of the generic helper.
#[differentiable]
fn caller_f32(p: &[f32]) -> f32 {
    let mut l = 0.0f32;
    for i in 0..3 {
        l += h_gen(p[0], p[1] * i as f32 * 0.3);
    }
    l
}

/// A scalar caller with a loop (itself by tangent sweeps) calling a helper with a loop.
#[differentiable]
fn scalar_caller(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += h_early(a, b * k as f64 * 0.5) + h_gen(b, a);
    }
    s
}

#[differentiable]
fn calls_scalar_caller(p: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..p.len() {
        l += scalar_caller(p[i], p[0]);
    }
    l
}

/// An `order = 2` helper with a loop, called by first- and second-order callers.
#[differentiable(order = 2)]
fn h_order2<T: Real>(x: T, w: T) -> T {
    let mut s = T::zero();
    for k in 0..4 {
        let t = x * T::from_f64(k as f64) + w;
        if t > T::zero() {
            s += t * t * w;
        } else {
            s -= t.sin();
        }
    }
    s
}

#[differentiable]
fn first_calls_order2(p: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..p.len() {
        l += h_order2(p[i], p[0]);
    }
    l
}

#[differentiable(order = 2)]
fn second_calls_order2<T: Real>(p: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..p.len() {
        l += h_order2(p[i], p[0]) * p[i];
    }
    l
}

/// Borrowed data beside two scalars.
#[differentiable]
fn h_data(a: f64, b: f64, #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let e = a * xs[i] + b - xs[i] * xs[i];
        s += e * e;
    }
    s
}

/// Settings for a method whose receiver is not differentiated.
#[derive(Debug)]
pub struct Cfg {
    pub n: usize,
    pub scale: f64,
}

impl Cfg {
    /// A method differentiated in its two numbers only.
    #[differentiable(wrt(x, w))]
    fn steps(&self, x: f64, w: f64) -> f64 {
        let mut s = x;
        for _ in 0..self.n {
            s = s * w * self.scale + x;
        }
        s
    }
}

/// A labelled outer loop left from an inner one, and `continue 'outer`.
#[differentiable]
fn h_label(x: f64, w: f64) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..5 {
        for j in 0..4 {
            s += x * (i + j) as f64 * 0.1 + w;
            if s > 3.0 {
                break 'outer;
            }
            if j == i {
                continue 'outer;
            }
        }
        s *= w;
    }
    s
}

/// A straight-line helper.
#[differentiable]
fn straight(a: f64, b: f64) -> f64 {
    (a * b).sin() + a.max(b)
}

/// A reverse-mode helper taking a slice.
#[differentiable]
fn norm2(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s.sqrt()
}

/// A loop helper calling a straight-line helper and a slice helper on a local `Vec`.
#[differentiable]
fn h_calls(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        let v = vec![a, b * k as f64, 1.0];
        s += straight(a, b + k as f64) + norm2(&v);
    }
    s
}

/// Recursion with a loop.
#[differentiable]
fn h_rec(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += x * k as f64;
    }
    if n == 0 { s } else { s + h_rec(x * 0.5, n - 1) }
}

/// The `Real` bound in a `where` clause.
#[differentiable]
fn h_where<T>(x: T, w: T) -> T
where
    T: Real,
{
    let mut s = x;
    for _ in 0..3 {
        s = s * w + x;
    }
    s
}

/// Borrowed data, a method, labelled loops, calls inside the helper, recursion, one variable
/// passed to both inputs.
#[differentiable]
fn caller_d(p: &[f64], #[no_grad] x: &[f64], #[no_grad] cfg: &Cfg) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += h_data(p[0], p[1] * x[i], x) * 0.01;
        l += cfg.steps(p[2], p[0] * x[i]);
        l += h_label(p[i % 3], p[i % 3]);
        l += h_calls(p[1], x[i]);
        l += h_rec(p[2] * x[i], i % 3);
        l += h_where(p[0], p[0]);
    }
    l
}

/// A generic caller: a helper in a `while` condition, its result in a branch condition, and
/// a helper call in an `else if` condition.
#[differentiable]
fn gen_caller<T: Real>(p: &[T], #[no_grad] x: &[T]) -> T {
    let mut l = T::zero();
    let mut s = p[0];
    let mut n = 0;
    while h_gen(s, p[1]).abs() > T::from_f64(0.05) && n < 6 {
        s = s * T::from_f64(0.5);
        n += 1;
    }
    for i in 0..x.len() {
        let r = h_gen(p[1] * x[i], s);
        if r.abs() > T::from_f64(1.3) {
            l += r * p[2];
        } else if h_gen(x[i], p[2]) > T::zero() {
            l += r * r;
        } else {
            l -= r;
        }
    }
    l + s
}

/// Calls over `p.iter()`, the element in a condition.
#[differentiable]
fn iter_caller(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for v in p.iter() {
        if v.abs() > 0.45 {
            l += h_gen(*v, x[0]);
        } else {
            l -= h_gen(x[1], *v) * v;
        }
    }
    l
}

fn sa(p: &[f64]) -> f64 {
    Shape::assoc_caller(p)
}
fn sa_grad(p: &[f64]) -> (f64, Vec<f64>) {
    Shape::assoc_caller_grad(p)
}
fn sa_vjp(p: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64>) {
    Shape::assoc_caller_vjp(p)
}
fn sa_jvp(p: &[f64], t: Vec<f64>) -> (f64, f64) {
    Shape::assoc_caller_jvp(p, t)
}

fn data(n: usize) -> Vec<f64> {
    sines(n, 1.4)
}

#[test]
fn early_exits_while_and_nested_helpers() {
    let x = data(11);
    for p in [
        vec![0.4, 0.9, 0.5],
        vec![-1.2, 1.3, 0.2],
        vec![0.1, -0.6, 1.5],
        vec![2.0, 1.7, -0.4],
    ] {
        chk!(
            caller_a,
            caller_a_grad,
            caller_a_vjp,
            caller_a_jvp,
            p.clone(),
            &x
        );
    }
}

#[test]
fn every_helper_kind_in_one_loop() {
    let x = data(9);
    for p in [
        vec![0.4, 0.9, 0.5],
        vec![-1.2, 0.3, 0.2],
        vec![0.1, 1.3, 1.5],
        vec![0.7, -0.65, -0.3],
    ] {
        chk!(
            caller_b,
            caller_b_grad,
            caller_b_vjp,
            caller_b_jvp,
            p.clone(),
            &x
        );
        chk!(
            caller_c,
            caller_c_grad,
            caller_c_vjp,
            caller_c_jvp,
            p.clone(),
            &x
        );
        chk!(
            calls_scalar_caller,
            calls_scalar_caller_grad,
            calls_scalar_caller_vjp,
            calls_scalar_caller_jvp,
            p.clone()
        );
        chk!(
            first_calls_order2,
            first_calls_order2_grad,
            first_calls_order2_vjp,
            first_calls_order2_jvp,
            p.clone()
        );
        let g = chk!(sa, sa_grad, sa_vjp, sa_jvp, p.clone());
        assert_eq!(g.len(), p.len());
    }
}

#[test]
fn more_helper_forms() {
    let x = sines(7, 1.1);
    let cfg = Cfg { n: 3, scale: 0.7 };
    for p in [
        vec![0.4, 0.9, 0.5],
        vec![-1.2, 1.3, 0.2],
        vec![0.1, -0.6, 1.5],
        vec![0.75, -1.1, -0.6],
    ] {
        chk!(
            caller_d,
            caller_d_grad,
            caller_d_vjp,
            caller_d_jvp,
            p.clone(),
            &x,
            &cfg
        );
        chk!(
            gen_caller,
            gen_caller_grad,
            gen_caller_vjp,
            gen_caller_jvp,
            p.clone(),
            &x
        );
        chk!(
            iter_caller,
            iter_caller_grad,
            iter_caller_vjp,
            iter_caller_jvp,
            p.clone(),
            &x
        );
    }
}

#[test]
fn second_order_caller() {
    for p in [
        vec![0.4, 0.9, -0.5],
        vec![-1.2, 0.3, 0.2],
        vec![0.6, -1.3, 1.5],
    ] {
        let (v, g) = second_calls_order2_grad(&p);
        check("second_calls_order2", second_calls_order2::<f64>, &g, &p);
        let dir = sines(p.len(), 0.8);
        let (v2, g2, hv) = second_calls_order2_hvp(&p, dir.clone());
        assert!((v - v2).abs() < 1e-12 && g.iter().zip(&g2).all(|(a, b)| (a - b).abs() < 1e-12));
        check_hvp(
            "second_calls_order2",
            |q| second_calls_order2_grad(q).1,
            &hv,
            &p,
            &dir,
        );
    }
}

#[test]
fn f32_generic_helper() {
    let p = [0.9f32, 0.6f32];
    let (_, g) = caller_f32_grad(&p);
    let f64_version = |q: &[f64]| {
        let mut l = 0.0;
        for i in 0..3 {
            l += h_gen(q[0], q[1] * i as f64 * 0.3);
        }
        l
    };
    let fd = autodiff::check::numeric_gradient(f64_version, &[0.9, 0.6], 1e-6);
    for k in 0..2 {
        assert!(
            (f64::from(g[k]) - fd[k]).abs() < 1e-3 * (1.0 + fd[k].abs()),
            "{g:?} vs {fd:?}"
        );
    }
}

#[test]
fn non_finite_intermediates() {
    // `sqrt(x · 0)`: its derivative is 0 (not NaN) at every x.
    for x in [0.0, 0.5, -0.3] {
        let (v, g) = h_sqrt0_grad(x, 1.5);
        let fd =
            autodiff::check::numeric_gradient(|q: &[f64]| h_sqrt0(q[0], q[1]), &[x, 1.5], 1e-6);
        assert!(v.is_finite());
        assert!(
            (g.0 - fd[0]).abs() < 1e-6 && (g.1 - fd[1]).abs() < 1e-6,
            "{g:?} vs {fd:?}"
        );
    }
    // `1 / (x·1e200)²` is 0 for |x| ≥ 1e-6 or so: the derivative in x is 2w.
    for x in [0.5, -0.7] {
        let (_, g) = h_overflow_grad(x, 1.5);
        assert!(
            (g.0 - 3.0).abs() < 1e-12 && (g.1 - 2.0 * x).abs() < 1e-12,
            "{x}: {g:?}"
        );
    }
}

#[test]
fn arms_are_taken() {
    // h_early both returns, h_continue's break, h_match's arms, h_four's branch, h_order2's arms.
    let x = data(11);
    let mut early = [0usize; 2];
    for p in [[0.4, 0.9], [-1.2, 1.3], [0.1, -0.6], [2.0, 1.7]] {
        for &xi in &x {
            let mut s: f64 = p[0] + xi;
            let mut ret = false;
            for k in 0..8 {
                s = s * p[1] + 0.1 * k as f64;
                if s.abs() > 3.0 {
                    ret = true;
                    break;
                }
            }
            early[usize::from(ret)] += 1;
        }
    }
    assert!(early[0] > 0 && early[1] > 0, "{early:?}");
}
