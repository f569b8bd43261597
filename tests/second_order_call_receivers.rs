//! `order = 2` functions calling a method with a derivative rule on the result of a concrete
//! `order = 2` callee (`dot(p, p).tanh()`): the method's receiver check reads the call's lowered
//! value, not the call as written (which is the `f64` function and does not take the dual
//! numbers of the second-order companion). Covered: `tanh`, `powi`, `max`, `sqrt().ln()`,
//! `atan2`, a receiver that is an expression around the call, calls on ranges in a loop, and a
//! call nested in another call's argument. Also a callee's result that carries no derivative in
//! second-order code (compared in a condition or a `match` scrutinee, bound and compared,
//! passed to `floor` or `is_nan`, in a loop's `if`, in a `while` condition run again on every
//! test, in a comparison bound to a `let`, right of `&&` or `||`, where it runs only when the
//! left operand lets it): its value comes from the callee's second-order companion. Gradients against central
//! differences, and Hessian-vector products against central differences of the gradient.

#![allow(clippy::match_single_binding)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[differentiable(order = 2)]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[differentiable(order = 2)]
fn scaled(x: f64, k: f64) -> f64 {
    x * k + 0.5
}

#[differentiable(order = 2)]
fn on_result(p: &[f64]) -> f64 {
    dot3(p, p).tanh() + dot3(p, &p[1..]).powi(3) + dot3(&p[1..], p).max(0.1)
}

#[differentiable(order = 2)]
fn chained(p: &[f64]) -> f64 {
    dot3(p, p).sqrt().ln() + dot3(p, &p[1..]).atan2(p[2]) + (dot3(p, p) * p[0]).sin()
}

#[differentiable(order = 2)]
fn in_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += dot3(&p[i..i + 3], &p[i + 1..i + 4]).tanh();
    }
    s
}

#[differentiable(order = 2)]
fn nested(p: &[f64]) -> f64 {
    scaled(dot3(p, p).cos(), p[1]).exp()
}

#[differentiable(order = 2)]
fn compared(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if dot3(p, p) > 0.5 && p[0] < 10.0 {
        s += p[0] * p[1];
    } else {
        s += p[1].exp();
    }
    let c = dot3(&p[1..], &p[1..]);
    if c > 0.3 {
        s += p[2] * p[2] * p[3];
    }
    s + dot3(p, p).floor() * p[4] + if dot3(p, p).is_nan() { 0.0 } else { p[5].sin() }
}

#[differentiable(order = 2)]
fn matched(p: &[f64]) -> f64 {
    let s = match dot3(p, p) > 0.5 {
        true => p[0] * p[1],
        false => p[2].exp(),
    };
    let t = match (dot3(p, &p[1..]), p[1]) {
        (a, b) => a * b,
    };
    s + t
        + match dot3(&p[2..], p) {
            d => d * p[0],
        }
}

#[differentiable(order = 2)]
fn compared_in_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        if dot3(&p[i..i + 3], &p[i..i + 3]) < 0.3 {
            s += p[i] * p[i + 1];
        } else {
            s += dot3(&p[i..i + 3], p).sin();
        }
    }
    s
}

/// A call in a `while` condition, run again on every test: `k` doubles while `|p|² k < 1`.
#[differentiable(order = 2)]
fn while_called(p: &[f64]) -> f64 {
    let mut k = 0.1;
    let mut s = 0.0;
    while dot3(p, p) * k < 1.0 {
        s += dot3(p, &p[1..]).sin() * k;
        k *= 2.0;
    }
    s + k * p[0]
}

/// A call on a value the loop changes, left of `&&` in the condition: `x ← 1.3 x + p_2²` while
/// `scaled(x, p_1) = p_1 x + 0.5 < 4` (and at most 50 trips).
#[differentiable(order = 2)]
fn while_iterated(p: &[f64]) -> f64 {
    let mut x = p[0];
    let mut n = 0;
    while scaled(x, p[1]) < 4.0 && n < 50 {
        x = x * 1.3 + p[2] * p[2];
        n += 1;
    }
    x * p[3]
}

/// Comparisons of calls bound to `let`s (`let big = dot3(p, p) > 0.5;`), also left of `||`.
#[differentiable(order = 2)]
fn bound_comparison(p: &[f64]) -> f64 {
    let big = dot3(p, p) > 0.5;
    let mut s = if big { p[0] * p[1] } else { p[2].exp() };
    let mut k = 0;
    while k < 3 {
        let close = dot3(&p[k..], &p[k..]) < 0.2 || p[k] > 1.0;
        if close {
            s += p[k] * p[k] * p[k + 1];
        }
        k += 1;
    }
    s
}

/// Calls right of `&&` and `||`, run only when the left operand lets them: in an `if`, a bound
/// `let` and a `while` condition.
#[differentiable(order = 2)]
fn short_circuit(p: &[f64]) -> f64 {
    let ok = p[0] > 0.0;
    let mut s = 0.0;
    if ok && dot3(p, p) > 0.5 {
        s += p[0] * p[1];
    } else {
        s += p[2].sin();
    }
    let either = p[1] > 0.0 || dot3(&p[1..], &p[1..]) < 0.3;
    if either {
        s += p[3] * p[3];
    }
    let mut k = 0;
    while k < 3 && dot3(&p[k..], p) < 0.4 {
        s += p[k] * p[k + 1];
        k += 1;
    }
    s
}

/// The call right of `&&` would index out of bounds on a short slice: it must not run there.
#[differentiable(order = 2)]
fn guarded_right(p: &[f64]) -> f64 {
    if p.len() >= 3 && dot3(p, p) > 0.5 {
        p[0] * p[2]
    } else {
        p[0] * p[1]
    }
}

#[test]
fn calls_in_while_conditions_and_bound_comparisons_in_second_order_code() {
    let v = [0.5, 0.1, -0.3, 0.7, 0.2, -0.4];
    // |p|² from 0.08 to 1.28, away from every boundary (|p|² k = 1, |p|² = 0.5, the sums
    // against 0.2).
    for scale in [0.4, 0.75, 1.2, 1.6] {
        let x: Vec<f64> = [0.3, -0.4, 0.5, 0.2, -0.1, 0.6]
            .iter()
            .map(|a| a * scale)
            .collect();
        check("while_called", while_called, &while_called_grad(&x).1, &x);
        check(
            "bound_comparison",
            bound_comparison,
            &bound_comparison_grad(&x).1,
            &x,
        );
        let (_, _, hv) = bound_comparison_hvp(&x, v.to_vec());
        check_hvp(
            "bound_comparison",
            |y| bound_comparison_grad(y).1,
            &hv,
            &x,
            &v,
        );
        let (_, _, hv) = while_called_hvp(&x, v.to_vec());
        check_hvp("while_called", |y| while_called_grad(y).1, &hv, &x, &v);
    }
    // Both sides of every operand, away from the boundaries (|p|² = 0.5 at 1, 0.45 |p|² = 0.3 at
    // 0.82, |p|² = 0.8 at 0.89).
    for scale in [0.5, 0.75, 1.2, -0.8, -1.3] {
        let x: Vec<f64> = [0.3, -0.4, 0.5, 0.2, -0.1, 0.6]
            .iter()
            .map(|a| a * scale)
            .collect();
        check(
            "short_circuit",
            short_circuit,
            &short_circuit_grad(&x).1,
            &x,
        );
        let (_, _, hv) = short_circuit_hvp(&x, v.to_vec());
        check_hvp("short_circuit", |y| short_circuit_grad(y).1, &hv, &x, &v);
    }
    for x in [
        vec![0.3, 0.4],
        vec![0.9, 0.4, 0.6],
        vec![0.2, 0.3, 0.1, 0.5],
    ] {
        check(
            "guarded_right",
            guarded_right,
            &guarded_right_grad(&x).1,
            &x,
        );
        let (_, _, hv) = guarded_right_hvp(&x, v[..x.len()].to_vec());
        check_hvp(
            "guarded_right",
            |y| guarded_right_grad(y).1,
            &hv,
            &x,
            &v[..x.len()],
        );
    }
    for q in [
        [0.3, 0.8, 0.5, 0.7],
        [1.1, 0.45, -0.6, 0.2],
        [0.2, 1.5, 0.9, -0.3],
    ] {
        check(
            "while_iterated",
            while_iterated,
            &while_iterated_grad(&q).1,
            &q,
        );
        let (_, _, hv) = while_iterated_hvp(&q, v[..4].to_vec());
        check_hvp(
            "while_iterated",
            |y| while_iterated_grad(y).1,
            &hv,
            &q,
            &v[..4],
        );
    }
}

#[test]
fn methods_on_call_results_in_second_order_code() {
    let x = [0.3, -0.4, 0.5, 0.2, -0.1, 0.6];
    let v = [0.5, 0.1, -0.3, 0.7, 0.2, -0.4];

    check("on_result", on_result, &on_result_grad(&x).1, &x);
    let (_, _, hv) = on_result_hvp(&x, v.to_vec());
    check_hvp("on_result", |y| on_result_grad(y).1, &hv, &x, &v);

    check("chained", chained, &chained_grad(&x).1, &x);
    let (_, _, hv) = chained_hvp(&x, v.to_vec());
    check_hvp("chained", |y| chained_grad(y).1, &hv, &x, &v);

    check("in_loop", in_loop, &in_loop_grad(&x).1, &x);
    let (_, _, hv) = in_loop_hvp(&x, v.to_vec());
    check_hvp("in_loop", |y| in_loop_grad(y).1, &hv, &x, &v);

    check("nested", nested, &nested_grad(&x).1, &x);
    let (_, _, hv) = nested_hvp(&x, v.to_vec());
    check_hvp("nested", |y| nested_grad(y).1, &hv, &x, &v);

    // Scales that put the points on either side of each branch, away from its boundary.
    for scale in [0.6, 0.85, 1.3, 2.5] {
        let y: Vec<f64> = x.iter().map(|a| a * scale).collect();
        check("compared", compared, &compared_grad(&y).1, &y);
        let (_, _, hv) = compared_hvp(&y, v.to_vec());
        check_hvp("compared", |z| compared_grad(z).1, &hv, &y, &v);

        check(
            "compared_in_loop",
            compared_in_loop,
            &compared_in_loop_grad(&y).1,
            &y,
        );
        let (_, _, hv) = compared_in_loop_hvp(&y, v.to_vec());
        check_hvp(
            "compared_in_loop",
            |z| compared_in_loop_grad(z).1,
            &hv,
            &y,
            &v,
        );
    }
}
