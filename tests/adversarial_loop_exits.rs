//! Adversarial checks of how a loop outside every loop is left, with its trip count kept in a
//! local slot: by a data-dependent test, by `break` in the middle, by `break` with a value
//! (chosen by a branch or not, on the first trip or later), by `return` from one, two or three
//! loops deep, and when a helper's `Option` is `None`. Also the same exits inside helpers called
//! per trip: helpers with loops left by `break` or `return` (twice per trip, returning pairs,
//! recursively, in one arm of a branch, a data-dependent `while`), helpers taking slices, a
//! method with a loop on a derived struct, helpers called in a `match` scrutinee and a `while`
//! test, mutable loop variables, values saved before a `return`, a loop in the arms of an
//! `if let` on a `pop`, and `order = 2` with data cast to an index. Each gradient against
//! central differences at points taking every path; the pullback called twice, forward mode and
//! Hessian-vector products against the gradient.

// The written forms (index loops, `s = s + ..`) are the constructs under test.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

// ----- every way out of a loop outside every loop -------------------------------------------

/// A `while` with a data-dependent test (zero trips when `s` starts above `lim`).
#[differentiable]
fn while_data(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let n = p.len();
    let mut s = p[0] * p[0];
    let mut k = 0;
    while s < lim {
        s = s * 1.3 + p[k % n] * p[k % n] + 0.05;
        k += 1;
    }
    s * p[1]
}

/// `loop` left in the middle of its body.
#[differentiable]
fn loop_mid_break(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        s = s * p[k % n] + 0.3;
        k += 1;
        if k >= m {
            break;
        }
        s = s.sin() + p[(k + 1) % n];
    }
    s * s
}

/// `break` with a value, taken on trip `m` (`m = 1`: the first trip).
#[differentiable]
fn break_value(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[1];
    let mut i = 0;
    let r = loop {
        i += 1;
        s = s * 0.7 + p[i % n] * s.cos();
        if i >= m {
            break s * p[0] + 1.0;
        }
        s += p[0];
    };
    r * s + r
}

/// `break` with a value chosen by a branch in the loop.
#[differentiable]
fn break_value_branch(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut i = 0;
    let r = loop {
        s = s * p[i % n] + 0.2;
        if s > 3.0 {
            break s.ln();
        }
        if i == m {
            break s * s;
        }
        i += 1;
    };
    r + s * p[1]
}

/// `return` from a loop one deep.
#[differentiable]
fn return_depth1(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let mut s = p[0];
    for i in 0..p.len() {
        s = s * 0.9 + p[i] * s.sin();
        if i == stop {
            return s * s + p[1];
        }
    }
    s
}

/// `return` from a loop two deep.
#[differentiable]
fn return_depth2(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        for j in 0..n {
            if i * n + j == stop {
                return s * p[j] + p[i];
            }
            s = s * 0.8 + p[j] * (s * p[i]).cos();
        }
        s += p[i] * 0.1;
    }
    s
}

/// `return` from a loop three deep, a `while` as the middle loop.
#[differentiable]
fn return_depth3(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut c = 0;
    for i in 0..n {
        let mut j = 0;
        while j < 2 {
            for k in 0..2 {
                if c == stop {
                    return s * p[i] + p[k];
                }
                c += 1;
                s = s * 0.7 + (p[i] * p[(j + k) % n]).sin();
            }
            j += 1;
        }
        s = s.tanh() + p[i];
    }
    s * 2.0
}

// ----- helpers with loops, called per trip ---------------------------------------------------

/// A helper with a `while` left by `break` in the middle.
#[differentiable]
fn h_while(x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = x;
    let mut k = 0;
    while k < 10 {
        s = s * 0.8 + x * x;
        k += 1;
        if k == m {
            break;
        }
        s = s.sin();
    }
    s
}

/// A helper with a `return` from a loop two deep and a cast of the index.
#[differentiable]
fn h_return(x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = x;
    for i in 0..4 {
        for j in 0..3 {
            if i * 3 + j == m {
                return s * (j + 1) as f64;
            }
            s = s * 0.9 + x / (i + j + 1) as f64;
        }
    }
    s
}

/// A helper returning a pair from a loop.
#[differentiable]
fn h_pair(x: f64, y: f64) -> (f64, f64) {
    let mut a = x;
    let mut b = y;
    for k in 0..3 {
        let t = a * b + k as f64 * 0.1;
        a = b;
        b = t.sin();
    }
    (a, b)
}

#[differentiable]
fn helpers_per_trip(p: &[f64], #[no_grad] ms: &[usize]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..ms.len() {
        let q = p[i % n];
        s += h_while(q, ms[i]) + h_while(q * 0.5, ms[i] + 1);
        s += h_return(q, ms[i]) * h_return(p[0], 11 - ms[i]);
        let (a, b) = h_pair(q, p[(i + 1) % n]);
        s += a * b;
    }
    s
}

/// The same helper twice per trip with the same argument, in a loop left by `break`.
#[differentiable]
fn same_helper_twice(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    let mut i = 0;
    loop {
        let q = p[i % n];
        s += h_while(q, 3) * h_while(q, 3);
        i += 1;
        if i > m {
            break;
        }
    }
    s
}

/// A recursive helper with a loop outside every loop.
#[differentiable]
fn rec_loop(x: f64, n: usize) -> f64 {
    if n == 0 {
        return x;
    }
    let mut s = x;
    for k in 0..n {
        s = s * 0.9 + (k as f64) * 0.1 * x;
    }
    rec_loop(s.sin() + x, n - 1)
}

#[differentiable]
fn rec_caller(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += rec_loop(p[i], i % 4);
    }
    s
}

/// A helper with a loop called only in one arm of a branch in the caller's loop, and a
/// helper calling a helper with a loop per trip of its own loop.
#[differentiable]
fn h_outer(x: f64, y: f64) -> f64 {
    let mut s = y;
    for j in 0..3 {
        s += h_while(x + s * 0.1, j + 1);
    }
    s
}

#[differentiable]
fn helpers_in_arms(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        if p[i] > 0.0 {
            s += h_outer(p[i], s * 0.1);
        } else {
            let (a, b) = h_pair(p[i], s);
            s = a + b;
        }
    }
    s
}

/// A helper with a data-dependent `while`, called on every trip of a `while`.
#[differentiable]
fn h_newton(c: f64) -> f64 {
    let mut z = 1.0 + c * 0.3;
    let mut step = 1.0;
    let mut it = 0;
    while step.abs() > 1e-14 && it < 60 {
        step = (z * z - c) / (2.0 * z);
        z -= step;
        it += 1;
    }
    z
}

#[differentiable]
fn newton_caller(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    let mut i = 0;
    while i < n {
        s += h_newton(1.0 + p[i] * p[i]) * p[(i + 1) % n];
        i += 1;
    }
    s
}

// ----- helpers taking slices, methods, mutable loop variables ---------------------------------

/// A helper taking a slice, with `return` from its loop and casts, called per trip.
#[differentiable]
fn h_slice(q: &[f64], x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = x;
    for i in 0..q.len() {
        if i == m {
            return s * q[i] + i as f64;
        }
        s = s * 0.8 + q[i] * x / (i + 1) as f64;
    }
    let mut k = 0;
    while k < q.len() {
        s = s + q[k] * 0.1;
        k += 2;
    }
    s
}

#[differentiable]
fn slice_caller(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        s += h_slice(p, p[i], i) + h_slice(&p[i..], s * 0.1, 1);
    }
    s
}

#[derive(Differentiable, Clone, Debug)]
struct Walker {
    a: f64,
    b: f64,
}

impl Walker {
    /// A method with a `loop` left in the middle and a cast.
    #[differentiable]
    fn walk(&self, x: f64, #[no_grad] m: usize) -> f64 {
        let mut s = x;
        let mut k = 0;
        loop {
            s = s * self.a + (k as f64) * self.b;
            k += 1;
            if k >= m {
                break;
            }
            s = s.sin();
        }
        s
    }
}

#[differentiable]
fn walker_caller(w: &Walker, p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += w.walk(p[i], i + 1);
    }
    s
}

/// `for mut i`, and a loop variable copied into a `mut` local and advanced.
#[differentiable]
fn mut_loop_vars(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for mut i in 0..n {
        i += 1;
        let w = i as f64;
        s = s * p[i - 1] / w + w * s * 0.01;
    }
    for i in 0..n {
        let mut j = i;
        j += 2;
        let w = j as f64;
        s = s * 0.9 + p[i] * w * s.cos();
    }
    s
}

/// `let`s before a `return` read again in the reverse sweep after it.
#[differentiable]
fn saved_before_return(p: &[f64]) -> f64 {
    let a = p[0] * p[1];
    let c = 3;
    let w = c as f64 * a;
    if a > 1.0 {
        return a * a + w;
    }
    let b = a.sin() * w;
    let mut s = b;
    for i in 0..p.len() {
        if s > 2.0 {
            return s * a;
        }
        s = s * p[i] + a * b;
    }
    s * w
}

/// Recursion several levels deep through a helper whose loop may `return`.
#[differentiable]
fn rec_return(x: f64, n: usize) -> f64 {
    let mut s = x;
    for k in 0..4 {
        if k == n {
            return s * 0.5 + x;
        }
        s = s * 0.9 + (k as f64 + 1.0) * 0.1 * x.sin();
    }
    if n == 0 { s } else { rec_return(s, n - 1) * x }
}

#[differentiable]
fn rec_return_caller(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += rec_return(p[i], i + 2);
    }
    s
}

/// A helper called in a `match` scrutinee and a `while` test, and in the body.
#[differentiable]
fn helper_in_tests(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    while h_while(s, 2) < 2.0 && k < 6 {
        s = s * 1.2 + h_while(p[k % n], 3);
        k += 1;
    }
    match h_while(p[1], 1) > 0.5 {
        true => s * p[1],
        false => s + p[1],
    }
}

/// A loop inside the arms of an `if let` on a `pop`.
#[differentiable]
fn pop_arms(p: &[f64], #[no_grad] m: usize) -> f64 {
    let mut st = vec![p[0], p[1]];
    let mut s = p[2];
    for _ in 0..m {
        if let Some(e) = st.pop() {
            let mut k = 0;
            loop {
                s = s * e + 0.1;
                k += 1;
                if k > 1 {
                    break;
                }
            }
        } else {
            for i in 0..p.len() {
                s = s.sin() + p[i];
            }
        }
    }
    s
}

/// `order = 2` with data cast to an index (through `to_f64`, as `order = 2` asks).
#[differentiable(order = 2)]
fn order2_int_casts(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let j = (x[i] * 3.0).abs().to_f64() as usize % n;
        let w = (x[i] * 4.0).to_f64() as i64 as f64;
        s = s * p[j] * 0.5 + w * p[i] + (i as f64) * 0.1;
    }
    s
}

// ----- `Option`s from helpers deciding exits ------------------------------------------------

/// A helper returning `None` past a limit, with a loop inside.
#[differentiable]
fn h_step(s: f64, q: f64, #[no_grad] lim: f64) -> Option<f64> {
    if s > lim {
        return None;
    }
    let mut t = s;
    for k in 0..2 {
        t = t * 1.1 + q * q * (k as f64 + 1.0) * 0.5;
    }
    Some(t)
}

/// A `loop` left when a helper's `Option` is `None`, a `return` from a `match` on one.
#[differentiable]
fn option_exits(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        let o = h_step(s, p[k % n], lim);
        match o {
            Some(v) => s = v * 0.9,
            None => break,
        }
        k += 1;
    }
    let mut t = 0.0;
    for i in 0..n {
        let o = h_step(t, p[i], lim);
        if let Some(v) = o {
            t = t + v * (i as f64 + 1.0);
        } else {
            return t * s;
        }
    }
    s + t
}

// ----- tests -----------------------------------------------------------------------------------

#[test]
fn exits_while_loop_break_value() {
    for lim in [-1.0, 0.5, 3.0, 20.0] {
        for p in [vec![0.3, 0.8, -0.4], vec![1.2, -0.7, 0.5, 0.9]] {
            chk!(
                while_data,
                while_data_grad,
                while_data_vjp,
                while_data_jvp,
                p,
                lim
            );
        }
    }
    for m in [1, 2, 3, 5, 8] {
        for p in [vec![0.6, 0.9, -0.4], sines(5, 0.9)] {
            chk!(
                loop_mid_break,
                loop_mid_break_grad,
                loop_mid_break_vjp,
                loop_mid_break_jvp,
                p.clone(),
                m
            );
            chk!(
                break_value,
                break_value_grad,
                break_value_vjp,
                break_value_jvp,
                p.clone(),
                m
            );
        }
    }
    for m in [0, 1, 2, 4, 9] {
        for p in [
            vec![1.1, 0.4, 1.3],
            vec![0.5, 0.3, 0.6],
            vec![2.5, 0.7, 1.9],
        ] {
            chk!(
                break_value_branch,
                break_value_branch_grad,
                break_value_branch_vjp,
                break_value_branch_jvp,
                p,
                m
            );
        }
    }
}

#[test]
fn exits_returns_at_depths() {
    for stop in 0..6 {
        for p in [vec![0.3, -0.5, 0.8, 0.6], sines(4, 1.1)] {
            chk!(
                return_depth1,
                return_depth1_grad,
                return_depth1_vjp,
                return_depth1_jvp,
                p,
                stop
            );
        }
    }
    for stop in 0..11 {
        for p in [vec![0.3, -0.5, 0.8], sines(3, 1.3)] {
            chk!(
                return_depth2,
                return_depth2_grad,
                return_depth2_vjp,
                return_depth2_jvp,
                p,
                stop
            );
        }
    }
    for stop in 0..14 {
        for p in [vec![0.3, -0.5, 0.8], sines(3, 1.3)] {
            chk!(
                return_depth3,
                return_depth3_grad,
                return_depth3_vjp,
                return_depth3_jvp,
                p,
                stop
            );
        }
    }
}

#[test]
fn helpers_with_loops_per_trip() {
    for x in [0.3, -0.7] {
        for m in [1, 2, 5, 10, 12] {
            let (_, g) = h_while_grad(x, m);
            check("h_while", |z| h_while(z[0], m), &[g], &[x]);
            let (_, g) = h_return_grad(x, m);
            check("h_return", |z| h_return(z[0], m), &[g], &[x]);
        }
    }
    let ms = [1, 3, 0, 10, 7, 11, 2];
    for p in [vec![0.5, -0.2, 0.9], sines(5, 0.8)] {
        chk!(
            helpers_per_trip,
            helpers_per_trip_grad,
            helpers_per_trip_vjp,
            helpers_per_trip_jvp,
            p.clone(),
            &ms[..]
        );
        for m in [0, 1, 4] {
            chk!(
                same_helper_twice,
                same_helper_twice_grad,
                same_helper_twice_vjp,
                same_helper_twice_jvp,
                p.clone(),
                m
            );
        }
        chk!(
            rec_caller,
            rec_caller_grad,
            rec_caller_vjp,
            rec_caller_jvp,
            p.clone()
        );
        chk!(
            helpers_in_arms,
            helpers_in_arms_grad,
            helpers_in_arms_vjp,
            helpers_in_arms_jvp,
            p.clone()
        );
        chk!(
            newton_caller,
            newton_caller_grad,
            newton_caller_vjp,
            newton_caller_jvp,
            p.clone()
        );
    }
}

#[test]
fn helpers_taking_slices_methods_and_mutable_indices() {
    for p in [vec![0.4, 0.9, -0.7], sines(5, 1.1)] {
        chk!(
            slice_caller,
            slice_caller_grad,
            slice_caller_vjp,
            slice_caller_jvp,
            p.clone()
        );
        chk!(
            mut_loop_vars,
            mut_loop_vars_grad,
            mut_loop_vars_vjp,
            mut_loop_vars_jvp,
            p.clone()
        );
        chk!(
            rec_return_caller,
            rec_return_caller_grad,
            rec_return_caller_vjp,
            rec_return_caller_jvp,
            p.clone()
        );
        chk!(
            helper_in_tests,
            helper_in_tests_grad,
            helper_in_tests_vjp,
            helper_in_tests_jvp,
            p.clone()
        );
        for m in [0, 1, 2, 3] {
            chk!(
                pop_arms,
                pop_arms_grad,
                pop_arms_vjp,
                pop_arms_jvp,
                p.clone(),
                m
            );
        }
        let w = Walker { a: 0.8, b: -0.3 };
        let (_, (gw, gp)) = walker_caller_grad(&w, &p);
        let k = p.len();
        check(
            "walker_caller",
            |z| {
                walker_caller(
                    &Walker {
                        a: z[k],
                        b: z[k + 1],
                    },
                    &z[..k],
                )
            },
            &join(gp, vec![gw.a, gw.b]),
            &join(p.clone(), vec![w.a, w.b]),
        );
    }
    for p in [
        vec![0.4, 0.9, -0.7],
        vec![1.4, 0.9, -0.7],
        vec![0.4, 0.3, 2.7],
        vec![0.9, 0.95, 0.4],
    ] {
        chk!(
            saved_before_return,
            saved_before_return_grad,
            saved_before_return_vjp,
            saved_before_return_jvp,
            p.clone()
        );
    }
    let x = vec![0.13, -0.77, 1.41, 0.52, -0.05, 0.9];
    for p in [vec![0.4, 0.9, -0.7], sines(6, 1.1)] {
        let (_, g) = order2_int_casts_grad(&p, &x);
        check("order2_int_casts", |z| order2_int_casts(z, &x), &g, &p);
        let v = sines(p.len(), 0.7);
        let (_, _, hv) = order2_int_casts_hvp(&p, &x, v.clone());
        check_hvp(
            "order2_int_casts",
            |z| order2_int_casts_grad(z, &x).1,
            &hv,
            &p,
            &v,
        );
    }
}

#[test]
fn options_from_helpers_decide_exits() {
    for lim in [0.1, 1.0, 3.0, 10.0] {
        for p in [vec![0.5, 0.7, -0.3], vec![0.05, 0.1, 0.2]] {
            chk!(
                option_exits,
                option_exits_grad,
                option_exits_vjp,
                option_exits_jvp,
                p.clone(),
                lim
            );
        }
    }
}
