//! Adversarial checks of loops in branches and of jumps across blocks outside every loop, with
//! the count of a loop or the arm of a block kept in a local slot: loops of different kinds in
//! `if` and `match` arms and in the arms of `if let` on an `Option`, a branch in a loop in a
//! branch, `return` before, between and inside loops, scope blocks and `let` blocks left by
//! `return`, `while let` draining a stack, `match` guards; labelled `break` and `continue`
//! across three loops, `continue` on the first and last trip, a `while` with `continue`, a
//! `loop` whose first statement is its exit test, `break` and `continue` in `match` arms and in
//! a nested scope, zero-trip and one-trip loops, and four loops in a row each left another way.
//! Each gradient against central differences at points taking every path; the pullback called
//! twice and forward mode against the gradient.

// The written forms (index loops, `s = s + ..`, a loop that never repeats) are the constructs
// under test.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::never_loop
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

// ----- loops in branches, branches in loops, blocks left by `return` ------------------------

/// Loops of different kinds in the two arms.
#[differentiable]
fn loops_in_arms(x: f64, y: f64, #[no_grad] n: usize) -> f64 {
    let mut s = x * y;
    if x > 0.0 {
        let mut k = 0;
        while k < n {
            s = s * 0.8 + y * x;
            k += 1;
        }
    } else {
        let mut k = 0;
        loop {
            k += 1;
            if k > n {
                break;
            }
            s = s.sin() + y;
        }
    }
    s * x
}

/// A branch in a loop in a branch, with a loop in one inner arm.
#[differentiable]
fn branch_loop_branch(p: &[f64], c: f64) -> f64 {
    let n = p.len();
    let mut s = c;
    if c > 0.0 {
        for i in 0..n {
            if p[i] > 0.0 {
                for j in 0..i {
                    s = s * 0.9 + p[j] * p[i];
                }
            } else {
                s = s * c - p[i];
            }
        }
    } else {
        s = (s * p[0]).cos();
    }
    s
}

/// `return` before a loop.
#[differentiable]
fn return_before_loop(p: &[f64]) -> f64 {
    if p[0] > 1.0 {
        return p[0] * p[1];
    }
    let mut s = p[1];
    for i in 0..p.len() {
        s = s * p[0] + p[i];
    }
    s
}

/// Loops, then a `return` between them, then another loop.
#[differentiable]
fn return_between_loops(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        s = s * 0.9 + p[i] * p[i];
    }
    let mut k = 0;
    while k < n {
        s += p[k] * 0.3;
        k += 2;
    }
    if s > lim {
        return s.sqrt() * p[1];
    }
    for i in 0..n {
        s = s * p[i] + 0.1;
    }
    s
}

/// `return` from a loop in one arm of a branch.
#[differentiable]
fn return_in_arm_loop(p: &[f64], #[no_grad] t: f64) -> f64 {
    let n = p.len();
    let mut s = p[0];
    if p[0] > 0.0 {
        for i in 0..n {
            s = s * 1.5 + p[i] * p[i];
            if s > t {
                return s * p[1];
            }
        }
        s += 1.0;
    } else {
        let mut k = 0;
        while k < n {
            s = s * p[k];
            k += 1;
        }
    }
    s * s
}

/// Loops in the arms of a `match`.
#[differentiable]
fn match_arm_loops(p: &[f64], #[no_grad] k: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    match k % 4 {
        0 => {
            for i in 0..n {
                s = s * p[i] + 0.1;
            }
        }
        1 => {
            let mut j = 0;
            while j < k {
                s = s.sin() + p[j % n];
                j += 1;
            }
        }
        2 => {
            let mut j = 0;
            loop {
                s = s * 0.5 + p[j % n];
                j += 1;
                if j == k {
                    break;
                }
            }
        }
        _ => {
            for i in 0..n {
                if i == k % n {
                    return s + p[i];
                }
                s *= p[i];
            }
        }
    }
    s * p[1]
}

/// `if let` and `match` on an `Option` from a branch, each arm with a loop.
#[differentiable]
fn option_arms(p: &[f64], #[no_grad] k: usize) -> f64 {
    let n = p.len();
    let o = if k > 0 { Some(p[0] * p[1]) } else { None };
    let mut s = p[2];
    if let Some(v) = o {
        for i in 0..k {
            s = s * v + p[i % n];
        }
    } else {
        for i in 0..n {
            s = s.sin() + p[i];
        }
    }
    let w = match o {
        Some(v) => {
            let mut t = v;
            let mut j = 0;
            while j < k {
                t = t * 0.5 + s;
                j += 1;
            }
            t
        }
        None => s * s,
    };
    w + s
}

/// A `while let` draining a stack outside every loop, left by `break` too.
#[differentiable]
fn while_let_stack(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut st = vec![p[0], p[1] * p[2], p[2]];
    let mut s = 0.5;
    while let Some(e) = st.pop() {
        s = s * e + 0.3;
        if s > lim {
            break;
        }
    }
    s + st.len() as f64
}

/// A scope block left by `return`, then a loop.
#[differentiable]
fn scope_return(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    {
        let t = s * p[1];
        if t < 0.0 {
            return t * t;
        }
        s = t + s;
    }
    for i in 0..n {
        s = s * 0.5 + p[i];
    }
    s
}

/// A `let` whose value is a block with a loop that can `return`.
#[differentiable]
fn block_value_return(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let n = p.len();
    let t = {
        let mut a = p[0];
        for i in 0..n {
            if i == stop {
                return a * p[i];
            }
            a = a * 0.9 + p[i];
        }
        a
    };
    t * p[1]
}

/// Statements after a branch with `return` in both arms of an inner branch.
#[differentiable]
fn nested_returns(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        s = s * p[i] + 0.1;
    }
    if m > 1 {
        if m > 3 {
            return s * p[1];
        } else {
            for k in 0..m {
                s = s.sin() + p[k];
            }
        }
    }
    let mut k = 0;
    while k < m {
        s = s * 0.5 + p[k % n];
        k += 1;
    }
    s
}

/// A `match` with guards and bindings in a loop outside every loop.
#[differentiable]
fn match_guards(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let q = p[i] * s;
        s = match i % 3 {
            0 if q > 0.0 => q + s,
            0 => q * q,
            1 => s * 0.5 + p[(i + 1) % n],
            _ => {
                if q > 1.0 {
                    break;
                }
                q.sin()
            }
        };
    }
    s
}

// ----- labelled jumps, `continue`, zero and one trips, jumps in arms and scopes ------------

/// Labelled `break` and `continue` across three loops.
#[differentiable]
fn labelled3(p: &[f64], #[no_grad] a: usize, #[no_grad] b: usize, #[no_grad] c: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut t = 0;
    'outer: for i in 0..n {
        'mid: for j in 0..n {
            for k in 0..n {
                t += 1;
                if t == a {
                    break 'outer;
                }
                if t == b {
                    break 'mid;
                }
                if t == c {
                    continue 'outer;
                }
                if t % 5 == 0 {
                    continue 'mid;
                }
                s = s * 0.9 + p[k] * (p[i] - p[j]).sin();
            }
            s += p[j] * 0.05;
        }
        s = s * p[i] + 0.1;
    }
    s
}

/// `continue` on the first and the last trip.
#[differentiable]
fn continue_ends(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0] * 0.5;
    for i in 0..n {
        if i == 0 {
            continue;
        }
        if i + 1 == n {
            s += 0.0;
            continue;
        }
        s = s * p[i] + p[i - 1];
    }
    s * p[n - 1]
}

/// A `while` with `continue` (so not left by its test alone) and a counter.
#[differentiable]
fn while_continue(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    while k < m {
        k += 1;
        if k % 2 == 0 {
            s = s + p[k % n];
            continue;
        }
        s = s * p[k % n] + 0.5;
    }
    s
}

/// Zero-trip loops of every kind, then a loop.
#[differentiable]
fn zero_trips(p: &[f64], #[no_grad] m: usize) -> f64 {
    let mut s = p[0];
    for i in 0..m {
        s = s * p[i] + 1.0;
    }
    let mut k = m;
    while k < m {
        s *= 100.0;
        k += 1;
    }
    loop {
        if k >= m {
            break;
        }
        s *= 1000.0;
    }
    for j in m..m {
        s += p[j];
    }
    for i in 0..p.len() {
        s = s * 0.5 + p[i];
    }
    s
}

/// Loops that run exactly once.
#[differentiable]
fn once(p: &[f64]) -> f64 {
    let mut s = p[0];
    for i in 0..1 {
        s = s * p[i + 1] + p[2];
    }
    loop {
        s = s.sin() * p[1];
        break;
    }
    let mut k = 0;
    while k < 1 {
        s = s * s + p[0];
        k += 1;
    }
    s
}

/// A `loop` whose first statement is its exit test.
#[differentiable]
fn loop_test_first(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        if k >= m {
            break;
        }
        s = s * p[k % n] + 0.1 * p[(k + 1) % n];
        k += 1;
    }
    s
}

/// A `while` whose test reads the differentiated value and a counter.
#[differentiable]
fn while_two_tests(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    while s.abs() < 4.0 && k < 12 {
        s = s * 1.4 + p[k % n];
        k += 1;
    }
    s * p[1]
}

/// `break` and `continue` in the arms of a `match` in a `loop`.
#[differentiable]
fn match_jumps(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        k += 1;
        match k % 3 {
            0 => {
                s = s * p[k % n];
            }
            1 => {
                if k > m {
                    break;
                }
                s = s + p[(k + 1) % n] * s.cos();
            }
            _ => {
                s = s.sin() + 0.2;
                continue;
            }
        }
        s += p[1] * 0.01;
    }
    s
}

/// Four loops in a row, each left another way.
#[differentiable]
fn four_loops(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        if i == m {
            break;
        }
        s = s * 0.9 + p[i];
    }
    let mut k = 0;
    while k < m {
        s = s.sin() + p[k % n];
        k += 1;
    }
    loop {
        k += 1;
        s = s * p[k % n];
        if k > m + 2 {
            break;
        }
    }
    for i in 0..n {
        if i % 2 == 1 {
            continue;
        }
        if s > 50.0 {
            return s.ln();
        }
        s = s * s * 0.5 + p[i];
    }
    s
}

/// A `break` out of a loop inside a block inside the loop's body (a nested scope).
#[differentiable]
fn break_in_scope(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        {
            let t = s * p[i];
            if i == m {
                s = t + 1.0;
                break;
            }
            s = t.sin() + s;
        }
        s *= 0.9;
    }
    s
}

// ----- tests -----------------------------------------------------------------------------------

#[test]
fn loops_in_branches_and_blocks_left_by_return() {
    for (x, y) in [(0.7, 0.4), (-0.6, 0.9)] {
        for n in [0, 1, 3] {
            let (_, (gx, gy)) = loops_in_arms_grad(x, y, n);
            check(
                "loops_in_arms",
                |z| loops_in_arms(z[0], z[1], n),
                &[gx, gy],
                &[x, y],
            );
            let (_, back) = loops_in_arms_vjp(x, y, n);
            let (a, b) = back(2.0);
            assert!((a - 2.0 * gx).abs() < 1e-10 && (b - 2.0 * gy).abs() < 1e-10);
            let (_, dy) = loops_in_arms_jvp(x, y, n, 0.3, -0.8);
            assert!((dy - (0.3 * gx - 0.8 * gy)).abs() < 1e-10);
        }
    }
    for (p, c) in [
        (vec![0.4, -0.5, 0.9, 0.2], 0.6),
        (vec![0.4, -0.5, 0.9, 0.2], -0.6),
        (sines(5, 1.0), 1.3),
    ] {
        let (_, (g, gc)) = branch_loop_branch_grad(&p, c);
        let n = p.len();
        check(
            "branch_loop_branch",
            |z| branch_loop_branch(&z[..n], z[n]),
            &join(g, vec![gc]),
            &join(p.clone(), vec![c]),
        );
    }
    for p in [vec![1.5, 0.3, 0.2], vec![0.5, 0.3, 0.2]] {
        chk!(
            return_before_loop,
            return_before_loop_grad,
            return_before_loop_vjp,
            return_before_loop_jvp,
            p.clone()
        );
        chk!(
            scope_return,
            scope_return_grad,
            scope_return_vjp,
            scope_return_jvp,
            p.clone()
        );
        chk!(
            scope_return,
            scope_return_grad,
            scope_return_vjp,
            scope_return_jvp,
            vec![-p[0], p[1], p[2]]
        );
    }
    for lim in [0.5, 100.0] {
        chk!(
            return_between_loops,
            return_between_loops_grad,
            return_between_loops_vjp,
            return_between_loops_jvp,
            vec![0.5, 0.7, 0.4],
            lim
        );
    }
    for t in [0.5, 1.7, 3.1, 100.0] {
        for p in [vec![0.3, 0.6, 0.8], vec![-0.3, 0.6, 0.8]] {
            chk!(
                return_in_arm_loop,
                return_in_arm_loop_grad,
                return_in_arm_loop_vjp,
                return_in_arm_loop_jvp,
                p,
                t
            );
        }
    }
    for k in 0..9 {
        chk!(
            match_arm_loops,
            match_arm_loops_grad,
            match_arm_loops_vjp,
            match_arm_loops_jvp,
            vec![0.5, 0.8, -0.3],
            k
        );
        chk!(
            option_arms,
            option_arms_grad,
            option_arms_vjp,
            option_arms_jvp,
            vec![0.5, 0.8, -0.3],
            k
        );
        chk!(
            nested_returns,
            nested_returns_grad,
            nested_returns_vjp,
            nested_returns_jvp,
            vec![0.5, 0.8, -0.3],
            k
        );
    }
    for lim in [0.1, 0.6, 0.9, 100.0] {
        chk!(
            while_let_stack,
            while_let_stack_grad,
            while_let_stack_vjp,
            while_let_stack_jvp,
            vec![0.7, 1.1, 1.3],
            lim
        );
    }
    for stop in 0..5 {
        chk!(
            block_value_return,
            block_value_return_grad,
            block_value_return_vjp,
            block_value_return_jvp,
            vec![0.7, 1.1, -0.3, 0.4],
            stop
        );
    }
    for p in [
        vec![0.5, 0.8, -0.3, 0.4],
        vec![1.5, 1.8, 1.3, 1.4, 0.9],
        sines(7, 1.2),
    ] {
        chk!(
            match_guards,
            match_guards_grad,
            match_guards_vjp,
            match_guards_jvp,
            p
        );
    }
}

#[test]
fn exits_labelled_and_continues() {
    let p = vec![0.4, -0.6, 0.9];
    for (a, b, c) in [
        (100, 100, 100),
        (4, 100, 100),
        (100, 2, 100),
        (100, 100, 3),
        (7, 3, 11),
        (20, 8, 2),
        (1, 100, 100),
        (100, 1, 100),
    ] {
        chk!(
            labelled3,
            labelled3_grad,
            labelled3_vjp,
            labelled3_jvp,
            p.clone(),
            a,
            b,
            c
        );
        chk!(
            labelled3,
            labelled3_grad,
            labelled3_vjp,
            labelled3_jvp,
            sines(4, 0.8),
            a,
            b,
            c
        );
    }
    for p in [vec![0.5, 0.7], vec![0.5, 0.7, -0.3], sines(6, 0.9)] {
        chk!(
            continue_ends,
            continue_ends_grad,
            continue_ends_vjp,
            continue_ends_jvp,
            p
        );
    }
    for m in [0, 1, 2, 5, 8] {
        chk!(
            while_continue,
            while_continue_grad,
            while_continue_vjp,
            while_continue_jvp,
            vec![0.4, 0.9, -0.7],
            m
        );
        chk!(
            loop_test_first,
            loop_test_first_grad,
            loop_test_first_vjp,
            loop_test_first_jvp,
            vec![0.4, 0.9, -0.7],
            m
        );
        chk!(
            match_jumps,
            match_jumps_grad,
            match_jumps_vjp,
            match_jumps_jvp,
            vec![0.4, 0.9, -0.7],
            m
        );
        chk!(
            four_loops,
            four_loops_grad,
            four_loops_vjp,
            four_loops_jvp,
            vec![0.4, 0.9, -0.7, 0.3],
            m
        );
        chk!(
            four_loops,
            four_loops_grad,
            four_loops_vjp,
            four_loops_jvp,
            vec![2.4, 1.9, 1.7, 2.3],
            m
        );
        chk!(
            break_in_scope,
            break_in_scope_grad,
            break_in_scope_vjp,
            break_in_scope_jvp,
            vec![0.4, 0.9, -0.7, 0.3],
            m
        );
    }
    for m in [0, 1, 3] {
        chk!(
            zero_trips,
            zero_trips_grad,
            zero_trips_vjp,
            zero_trips_jvp,
            vec![0.4, 0.9, -0.7, 0.3],
            m
        );
    }
    chk!(once, once_grad, once_vjp, once_jvp, vec![0.4, 0.9, -0.7]);
    for p in [
        vec![0.4, 0.9, -0.7],
        vec![3.0, 0.5, 0.2],
        vec![0.01, 0.02, 0.03],
        vec![-0.2, 0.1, 0.3],
    ] {
        chk!(
            while_two_tests,
            while_two_tests_grad,
            while_two_tests_vjp,
            while_two_tests_jvp,
            p
        );
    }
}
