//! Adversarial tests for calls of `order = 2` helpers in conditions and comparisons in
//! second-order code: `while` conditions (lowered at the top of each trip), comparisons bound to
//! `let`s, tuples and arguments, and calls right of `&&`/`||` (run only when the left operand
//! lets them). Evaluation order and short-circuiting (right operands that would index out of
//! bounds or fail an assertion), chains, negations, `break`/`continue`/labels, loop-carried
//! arguments, nested loops, method calls on call results, call-vs-call comparisons, `match` on
//! `&&`, helpers with their own loops and branches, generic `T: Real` helpers. Every gradient
//! against central differences, every Hessian-vector product against central differences of the
//! gradient, and the values of `f`, `f_grad` and `f_hvp` against each other.

#![allow(
    clippy::nonminimal_bool,
    clippy::neg_cmp_op_on_partial_ord,
    clippy::needless_range_loop,
    clippy::match_bool,
    clippy::bool_comparison,
    clippy::while_let_loop,
    unused_labels
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable(order = 2)]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[differentiable(order = 2)]
fn sq(x: f64) -> f64 {
    x * x
}

#[differentiable(order = 2)]
fn scaled(x: f64, k: f64) -> f64 {
    x * k + 0.5
}

/// Fails its assertion on a non-positive first element: a call that must not run there.
#[differentiable(order = 2)]
fn pos_log(a: &[f64]) -> f64 {
    assert!(a[0] > 0.0, "pos_log on a non-positive first element");
    a[0].ln() + a[1] * a[1]
}

/// A helper with its own loop, branches and a `while`.
#[differentiable(order = 2)]
fn branchy(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        if a[i] > 0.0 {
            s += a[i] * a[i];
        } else {
            s += a[i].sin() * 0.5;
        }
    }
    let mut k = 1.0;
    while s * k < 1.0 && k < 64.0 {
        k *= 2.0;
    }
    s * k
}

/// A helper that itself calls a helper in an `&&` and a `while` condition.
#[differentiable(order = 2)]
fn guarded_inner(a: &[f64]) -> f64 {
    let mut s = 0.0;
    if a.len() > 3 && dot3(&a[1..], &a[1..]) > 0.5 {
        s += a[1] * a[2];
    } else {
        s += a[0].exp();
    }
    let mut k = 0;
    while k + 3 <= a.len() && dot3(&a[k..], &a[k..]) < 0.8 {
        s += a[k] * a[k];
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn gdot<T: Real>(a: &[T], b: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable(order = 2)]
fn gsq<T: Real>(x: T) -> T {
    x * x
}

// ------------------------------------------------------------------------------------------------
// Runner
// ------------------------------------------------------------------------------------------------

const V: [f64; 8] = [0.5, 0.1, -0.3, 0.7, 0.2, -0.4, 0.3, -0.6];

macro_rules! run {
    ($f:ident, $g:ident, $h:ident, $xs:expr) => {{
        for x in $xs {
            let x: Vec<f64> = x.to_vec();
            let name = stringify!($f);
            let want = $f(&x);
            let (val, grad) = $g(&x);
            assert!(
                (val - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{name} at {x:?}: grad value {val} vs {want}"
            );
            check(&format!("{name} at {x:?}"), |y| $f(y), &grad, &x);
            let v = &V[..x.len()];
            let (hval, hgrad, hv) = $h(&x, v.to_vec());
            assert!(
                (hval - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{name} at {x:?}: hvp value {hval} vs {want}"
            );
            for k in 0..x.len() {
                assert!(
                    (hgrad[k] - grad[k]).abs() <= 1e-10 * (1.0 + grad[k].abs()),
                    "{name} at {x:?}: hvp grad[{k}] {} vs {}",
                    hgrad[k],
                    grad[k]
                );
            }
            check_hvp(&format!("{name} at {x:?}"), |y| $g(y).1, &hv, &x, v);
        }
    }};
}

fn scaled_by(base: &[f64], scales: &[f64]) -> Vec<Vec<f64>> {
    scales
        .iter()
        .map(|s| base.iter().map(|a| a * s).collect())
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Short-circuiting: right operands that would panic if they ran
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn guard_slice_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    while k < p.len() {
        if k + 3 <= p.len() && dot3(&p[k..], p) > 0.0 {
            s += p[k] * dot3(&p[k..], p);
        } else {
            s += p[k].sin();
        }
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn or_guard(p: &[f64]) -> f64 {
    if p.len() < 3 || dot3(p, p) > 0.5 {
        p[0] * p[1]
    } else {
        p[0].exp() * p[1]
    }
}

#[differentiable(order = 2)]
fn assert_guard(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if p[0] > 0.0 && pos_log(p) > 0.2 {
        s += pos_log(p) * p[1];
    } else {
        s += p[1].cos();
    }
    if p[0] <= 0.0 || pos_log(p) < 0.2 {
        s += p[2] * p[2];
    }
    let ok = p[0] > 0.0 && pos_log(p) > -0.5;
    if ok {
        s += p[1] * p[2];
    }
    let mut k = 0;
    while k < 3 && p[k] > 0.0 && pos_log(&p[k..]) < 2.0 {
        s += p[k] * p[k + 1];
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn else_if_guard(p: &[f64]) -> f64 {
    if p.len() < 3 {
        p[0] * p[1]
    } else if dot3(p, p) > 0.5 {
        p[0] * p[2]
    } else {
        p[1] * p[2].sin()
    }
}

#[test]
fn short_circuits_guard_calls() {
    run!(
        guard_slice_loop,
        guard_slice_loop_grad,
        guard_slice_loop_hvp,
        [
            vec![0.3, -0.4, 0.5, 0.2, -0.1],
            vec![-0.3, 0.4, 0.5, -0.2, 0.7],
            vec![0.9, 0.1, -0.6, 0.8, 0.3, -0.5]
        ]
    );
    run!(
        or_guard,
        or_guard_grad,
        or_guard_hvp,
        [vec![0.3, 0.4], vec![0.3, 0.4, 0.2], vec![0.6, 0.4, 0.5]]
    );
    run!(
        assert_guard,
        assert_guard_grad,
        assert_guard_hvp,
        [
            vec![-0.5, 0.3, 0.7, 0.2],
            vec![0.5, 0.3, 0.7, 0.2],
            vec![2.0, 0.8, 1.5, 0.4],
            vec![0.9, -0.3, 0.7, 1.2]
        ]
    );
    run!(
        else_if_guard,
        else_if_guard_grad,
        else_if_guard_hvp,
        [vec![0.3, 0.4], vec![0.3, 0.4, 0.2], vec![0.6, 0.4, 0.5]]
    );
}

// ------------------------------------------------------------------------------------------------
// Chains and negations
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn chain_and3(p: &[f64]) -> f64 {
    if p[0] > 0.0 && dot(p, p) > 1.0 && dot3(&p[1..], p) < 0.3 {
        p[0] * p[1] * p[2]
    } else {
        p[3].sin() * p[0]
    }
}

#[differentiable(order = 2)]
fn or_and(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if p[0] > 0.0 || dot(p, p) > 1.0 && dot3(&p[1..], p) < 0.3 {
        s += p[0] * p[1] * p[2];
    } else {
        s += p[3].sin() * p[0];
    }
    if (p[1] > 0.0 || dot(p, p) > 1.0) && dot3(&p[1..], p) < 0.3 {
        s += p[2] * p[3];
    }
    if p[1] > 0.0 && (p[2] > 0.0 || dot(p, p) > 1.0) {
        s += p[0] * p[0] * p[3];
    }
    let b = sq(p[0]) > 0.1 || sq(p[1]) > 0.1 || sq(p[2]) > 0.1;
    if b {
        s += p[1].exp();
    }
    s
}

#[differentiable(order = 2)]
fn negated(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if !(dot(p, p) > 1.0) {
        s += p[0] * p[1];
    } else {
        s += p[1] * p[2] * p[2];
    }
    if !(p[0] > 0.0 && dot(p, p) > 1.0) {
        s += p[3] * p[0];
    }
    let b = !(p[0] > 0.0) || dot(p, p) < 0.05;
    if b {
        s += p[1] * p[3];
    }
    s
}

// A `!` around a call's comparison bound to a `let`, or as the right operand of `||`/`&&`.
#[differentiable(order = 2)]
fn negated_bound(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let b = !(dot(p, p) > 1.0);
    if b {
        s += p[2].exp();
    }
    let c = !(p[0] > 0.0 && dot(p, p) > 1.0);
    if c {
        s += p[3] * p[0];
    }
    if !(p[0] > 0.0) || !(sq(p[1]) < 0.05) {
        s += p[1] * p[3];
    }
    s
}

#[test]
fn chains_and_negations() {
    let base = [0.3, -0.4, 0.5, 0.2, -0.1];
    let mut xs = scaled_by(&base, &[0.6, 1.0, 1.7, 2.5, -0.6, -1.7, -2.5]);
    xs.push(vec![0.3, 0.4, -0.5, 0.2, -0.1]);
    xs.push(vec![-0.9, 0.1, -0.3, 0.2, 0.4]);
    run!(chain_and3, chain_and3_grad, chain_and3_hvp, xs.clone());
    run!(or_and, or_and_grad, or_and_hvp, xs.clone());
    run!(negated, negated_grad, negated_hvp, xs.clone());
    run!(
        negated_bound,
        negated_bound_grad,
        negated_bound_hvp,
        xs.clone()
    );
}

// ------------------------------------------------------------------------------------------------
// `while` conditions
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn while_break_continue(p: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    while dot3(&p[k..], &p[k..]) < 3.0 {
        k += 1;
        if k + 3 > p.len() {
            break;
        }
        if p[k] < 0.0 {
            continue;
        }
        s += p[k] * p[k - 1] + dot3(&p[k..], p);
    }
    s + k as f64 * p[0]
}

#[differentiable(order = 2)]
fn labeled_nested(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    'outer: while i + 3 <= p.len() && dot3(&p[i..], &p[i..]) < 2.5 {
        let mut j = 0;
        i += 1;
        'inner: while sq(p[j]) + j as f64 * 0.5 < 3.0 {
            j += 1;
            if j >= p.len() {
                continue 'outer;
            }
            if j > i {
                break 'inner;
            }
            s += p[j] * p[i - 1];
        }
        s += dot3(&p[i - 1..], p) * 0.1;
    }
    s
}

#[differentiable(order = 2)]
fn loop_carried(p: &[f64]) -> f64 {
    let mut x = p[0];
    let mut n = 0;
    while sq(x) < 9.0 && n < 30 {
        x = x * (1.0 + p[1] * p[1]) + p[2];
        n += 1;
    }
    let mut y = 0.07 + p[1] * p[1];
    while dot(p, p) > y {
        y = y * 2.0 + p[0] * p[0];
    }
    x * p[3] + y * p[2]
}

#[differentiable(order = 2)]
fn nested_whiles(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut a = 0.2;
    while dot(p, p) * a < 2.0 {
        let mut b = 0.1;
        while sq(p[0]) * b + a < 1.5 {
            s += p[1] * b * a;
            b *= 1.7;
        }
        s += (dot(p, p) * a).sin();
        a *= 1.9;
    }
    s
}

#[differentiable(order = 2)]
fn while_method_and_calls(p: &[f64]) -> f64 {
    let mut k = 1.0;
    let mut s = 0.0;
    while dot(p, p).sqrt() * k < 2.0 {
        s += p[0] * k;
        k *= 1.5;
    }
    let mut m = 0;
    while m + 2 < p.len() && sq(p[m]) < dot(&p[m + 1..], &p[m + 1..]) {
        s += p[m] * p[m + 1];
        m += 1;
    }
    s
}

#[differentiable(order = 2)]
fn while_early_return(p: &[f64]) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    while k + 3 <= p.len() && dot3(&p[k..], p) < 1.0 {
        if dot3(&p[k..], &p[k..]) > 1.2 {
            return s + p[k] * p[0];
        }
        s += p[k] * p[k];
        k += 1;
    }
    s * p[1]
}

#[test]
fn while_conditions() {
    let base = [0.3, -0.4, 0.5, 0.2, -0.1, 0.6, 0.4, -0.7];
    let xs = scaled_by(&base, &[0.7, 1.3, 2.1, -1.1]);
    run!(
        while_break_continue,
        while_break_continue_grad,
        while_break_continue_hvp,
        xs.clone()
    );
    run!(
        labeled_nested,
        labeled_nested_grad,
        labeled_nested_hvp,
        xs.clone()
    );
    run!(
        loop_carried,
        loop_carried_grad,
        loop_carried_hvp,
        [
            vec![0.3, 0.8, 0.5, 0.7],
            vec![1.1, 0.45, -0.6, 0.2],
            vec![0.2, 1.5, 0.9, -0.3]
        ]
    );
    run!(
        nested_whiles,
        nested_whiles_grad,
        nested_whiles_hvp,
        xs.clone()
    );
    run!(
        while_method_and_calls,
        while_method_and_calls_grad,
        while_method_and_calls_hvp,
        xs.clone()
    );
    run!(
        while_early_return,
        while_early_return_grad,
        while_early_return_hvp,
        xs.clone()
    );
}

// ------------------------------------------------------------------------------------------------
// Calls against calls, bound comparisons in loops, tuples, arguments, `match`
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn call_vs_call(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if dot(&p[..2], &p[..2]) < dot(&p[2..], &p[2..]) {
        s += p[0] * p[3];
    } else {
        s += p[1] * p[2] * p[2];
    }
    let b = sq(p[0]) < sq(p[1]) && sq(p[2]) > dot(p, p) * 0.1;
    if b {
        s += p[0].exp();
    }
    if dot(p, p).sqrt() > p[0] + 1.0 {
        s += p[3] * p[3];
    }
    let c = dot(p, p).sqrt().ln() < 0.0;
    if c {
        s += p[1] * p[0];
    }
    if sq(dot(p, p)) > 1.0 || dot(p, p).max(sq(p[0])) < 0.3 {
        s += p[2].cos();
    }
    s
}

#[differentiable(order = 2)]
fn bound_in_loops(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        let c = dot3(&p[i..], &p[i..]) > 0.5;
        let d = c && sq(p[i]) > 0.1;
        let e = !c || dot(&p[i..], &p[i..]) > 1.0;
        if d {
            s += p[i] * p[i + 1];
        }
        if e {
            s += p[i + 2] * p[i + 2];
        }
    }
    s
}

#[differentiable(order = 2)]
fn pick(c: bool, x: f64, y: f64) -> f64 {
    if c { x * x } else { y * x }
}

#[differentiable(order = 2)]
fn tuples_and_args(p: &[f64]) -> f64 {
    let (a, b) = (dot(p, p) > 1.0, sq(p[0]) < 0.2);
    let mut s = 0.0;
    if a {
        s += p[0] * p[1];
    }
    if b {
        s += p[2] * p[2];
    }
    s += pick(dot(p, p) > 1.0, p[0], p[1]);
    s += pick(p[0] > 0.0 && sq(p[1]) > 0.1, p[2], p[3]);
    s
}

#[differentiable(order = 2)]
fn bool_ops(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let b = (dot(p, p) > 1.0) == (p[0] > 0.0);
    if b {
        s += p[0] * p[1];
    }
    let c = (dot(p, p) > 1.0) != (sq(p[1]) > 0.1);
    if c {
        s += p[2] * p[3];
    }
    let d = (dot(p, p) > 1.0) & (sq(p[0]) > 0.1);
    if d {
        s += p[1] * p[1] * p[2];
    }
    s
}

#[differentiable(order = 2)]
fn matched(p: &[f64]) -> f64 {
    let mut s = match p[0] > 0.0 && dot(p, p) > 1.0 {
        true => p[0] * p[1],
        false => p[2].exp(),
    };
    let m = p[1] > 0.0 || dot(p, p) < 0.5;
    s += match m {
        true => p[3] * p[3],
        false => p[1].sin(),
    };
    s += match (dot(p, p) > 1.0, sq(p[1]) > 0.1) {
        (true, true) => p[0] * p[2],
        (true, false) => p[1] * p[2],
        _ => p[3],
    };
    s
}

#[test]
fn comparisons_calls_tuples_match() {
    let base = [0.31, -0.43, 0.52, 0.21, -0.13];
    let mut xs = scaled_by(&base, &[0.6, 1.0, 1.7, 2.5, -0.6, -1.7, -2.5]);
    xs.push(vec![0.33, 0.42, -0.55, 0.2, -0.1]);
    xs.push(vec![-0.9, 0.1, -0.3, 0.2, 0.4]);
    xs.push(vec![0.9, 0.6, -0.3, 1.2, 0.4]);
    run!(
        call_vs_call,
        call_vs_call_grad,
        call_vs_call_hvp,
        xs.clone()
    );
    run!(
        bound_in_loops,
        bound_in_loops_grad,
        bound_in_loops_hvp,
        xs.clone()
    );
    run!(
        tuples_and_args,
        tuples_and_args_grad,
        tuples_and_args_hvp,
        xs.clone()
    );
    run!(bool_ops, bool_ops_grad, bool_ops_hvp, xs.clone());
    run!(matched, matched_grad, matched_hvp, xs.clone());
}

// ------------------------------------------------------------------------------------------------
// Helpers with loops and branches, generic helpers
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn uses_branchy(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if branchy(p) > 2.0 && p[0] > 0.0 {
        s += branchy(p) * p[1];
    } else {
        s += branchy(&p[1..]);
    }
    let mut k = 1;
    while k < p.len() && branchy(&p[..k]) < 3.0 {
        s += p[k] * 0.3;
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn uses_guarded_inner(p: &[f64]) -> f64 {
    let mut s = guarded_inner(p);
    if guarded_inner(&p[1..]) > 1.0 || p[0] > 0.5 {
        s += p[0] * p[1];
    }
    let mut k = 0;
    while k + 3 < p.len() && guarded_inner(&p[k..]) < 2.0 {
        s += p[k] * p[k + 1];
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn uses_generic(p: &[f64]) -> f64 {
    let mut s = 0.0;
    if gdot(p, p) > 1.0 && gsq(p[0]) < 0.5 {
        s += p[0] * p[1];
    } else {
        s += p[2].exp();
    }
    let mut x = p[1];
    let mut n = 0;
    while gsq(x) < 4.0 && n < 40 {
        x = x * 1.4 + p[2] * 0.1;
        n += 1;
    }
    let b = gdot(&p[1..], &p[1..]) < gsq(p[0]);
    if b {
        s += p[3] * p[3];
    }
    s + x * p[0]
}

#[differentiable(order = 2)]
fn generic_outer<T: Real>(p: &[T]) -> T {
    let mut s = T::zero();
    if p.len() > 2 && gdot(p, p) > T::from_f64(1.0) {
        s += p[0] * p[1];
    } else {
        s += p[2].exp();
    }
    let mut k = T::from_f64(0.1);
    while gdot(p, p) * k < T::from_f64(1.0) {
        s += p[1] * k;
        k *= T::from_f64(2.0);
    }
    let c = gsq(p[0]) > T::from_f64(0.1) || gdot(&p[1..], p) > T::zero();
    if c {
        s += p[3] * p[2];
    }
    s
}

fn generic_outer_f64(p: &[f64]) -> f64 {
    generic_outer(p)
}

#[test]
fn helpers_with_branches_and_generics() {
    let base = [0.3, -0.4, 0.5, 0.2, -0.1, 0.6];
    let mut xs = scaled_by(&base, &[0.6, 1.3, 2.2, -0.7, -1.9]);
    xs.push(vec![0.9, 0.6, -0.3, 1.2, 0.4, 0.2]);
    run!(
        uses_branchy,
        uses_branchy_grad,
        uses_branchy_hvp,
        xs.clone()
    );
    run!(
        uses_guarded_inner,
        uses_guarded_inner_grad,
        uses_guarded_inner_hvp,
        xs.clone()
    );
    run!(
        uses_generic,
        uses_generic_grad,
        uses_generic_hvp,
        xs.clone()
    );
    for x in xs.clone() {
        let want = generic_outer_f64(&x);
        let (val, grad) = generic_outer_grad(&x);
        assert!((val - want).abs() < 1e-12 * (1.0 + want.abs()));
        check("generic_outer", generic_outer_f64, &grad, &x);
        let v = &V[..x.len()];
        let (_, _, hv) = generic_outer_hvp(&x, v.to_vec());
        check_hvp("generic_outer", |y| generic_outer_grad(y).1, &hv, &x, v);
    }
}

// ------------------------------------------------------------------------------------------------
// Other spellings: assignment of a comparison, parenthesised comparison, `if` expression bound,
// `!` in a `while` condition
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
#[allow(unused_assignments, unused_parens)]
fn spellings(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut b = false;
    b = dot(p, p) > 1.0;
    if b {
        s += p[0] * p[1];
    } else {
        s += p[1] * p[1];
    }
    let c = (dot(p, p) > 1.0);
    if c {
        s += p[2] * p[3];
    }
    let d = if p[0] > 0.0 { dot(p, p) > 1.0 } else { false };
    if d {
        s += p[3] * p[3] * p[0];
    }
    let mut k = 0.1;
    while !(dot(p, p) * k > 1.0) {
        k *= 2.0;
    }
    s + k * p[0]
}

// Casts of a call's comparison (`(dot(p, p) > 1.0) as i32`).
#[differentiable(order = 2)]
fn casts(p: &[f64]) -> f64 {
    let n = (dot(p, p) > 0.3) as usize + (sq(p[0]) < 0.2) as usize;
    let mut s = 0.0;
    for i in 0..n {
        s += p[i] * p[i];
    }
    s + (dot(p, p) > 1.0) as i32 as f64 * p[0] * p[1]
}

// COMPILE FAILURES (kept out; each alone fails with "arguments to this function are incorrect"
// / "mismatched types: expected `f64`, found type parameter `__AutodiffScalar`" at the call):
//
//   let n = dot(p, p) as usize;          // the call's value is a dual number there: no `as usize`
//   if (if p[0] > 0.0 { dot(p, p) } else { sq(p[1]) }) > 0.5 { .. }   // `if` inside a condition
//   while { let d = dot(p, p); d * k < 1.0 } { .. }         // block condition ("cannot multiply
//                                                           //  `f64` by `__AutodiffScalar`")
//   assert!(dot(p, p) > 0.0);                               // call in a macro argument
//
// Refused with a message (not a bug in the numbers): `b |= sq(p[1]) > 0.1;` on a `bool` ("cannot
// differentiate an assignment inside an expression run as written ...").

#[test]
fn other_spellings() {
    let base = [0.4, -0.7, 0.5, 0.3];
    let xs = scaled_by(&base, &[0.6, 0.97, 1.5, -0.8, -1.4]);
    run!(spellings, spellings_grad, spellings_hvp, xs.clone());
    run!(casts, casts_grad, casts_hvp, xs);
}
