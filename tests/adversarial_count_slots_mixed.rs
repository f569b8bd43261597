//! Adversarial checks of loop counts kept in local slots under `order = 2`, and of further
//! loop-exit and cast shapes. Second order: helpers with a `while` left by `break`, a `return`
//! two loops deep or a `loop` whose exit test has several arms, called per trip, and a labelled
//! `break` across two loops, with Hessian-vector products against central differences of the
//! gradient. Then a `loop` whose exit test is a `match` with several arms (also nested),
//! `let .. = match .. { None => return .. }`, a loop left only by `return`, an `else if` chain,
//! a `match` that returns, breaks and continues, repeated labels, `break` with a value from a
//! nested loop, a generic function, helpers with a cast divisor or returning a pair from inside
//! their loop, and casts that escape their loop (by assignment or `break` with a value), of
//! adapted iterators, inclusive and signed ranges, integer tables, comparisons and an owned
//! parameter. Each gradient against central differences; the pullback called twice and forward
//! mode against the gradient.

// The written forms (index loops, `s = s + ..`, `k % 2 == 0`, a cast to the same type) are the
// constructs under test.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::manual_is_multiple_of,
    clippy::unnecessary_cast
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

// ----- second order ---------------------------------------------------------------------------

#[differentiable(order = 2)]
fn h2_while(x: f64, a: f64) -> f64 {
    let mut t = a;
    let mut s = 0.0;
    let mut k = 1;
    while k < 7 {
        t = t * x / k as f64;
        s += t * t;
        k += 1;
        if s > 40.0 {
            break;
        }
    }
    s
}

#[differentiable(order = 2)]
fn h2_return(x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = x;
    for i in 0..3 {
        for j in 0..3 {
            if i * 3 + j == m {
                return s * s;
            }
            s = s * 0.8 + x * x / (i + j + 1) as f64;
        }
    }
    s
}

#[differentiable(order = 2)]
fn order2_caller(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..p.len() {
        s += h2_while(p[i] - p[i - 1], p[0]) + h2_return(p[i], i + 2);
    }
    s
}

#[differentiable(order = 2)]
fn order2_exits(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    'outer: for i in 0..n {
        for j in 0..n {
            if i * n + j == stop {
                break 'outer;
            }
            s = s * 0.8 + p[j] * p[i] * ((i + j) as f64 + 1.0).sqrt();
        }
    }
    let mut k = 0;
    loop {
        k += 1;
        s = s * p[k % n];
        if k >= 3 {
            break;
        }
    }
    if s > 100.0 {
        return s * 0.01;
    }
    s
}

// ----- more shapes: exit tests with several arms, diverging `let`s, escaping casts ------------

/// A `loop` whose first statement is a `match` with one `break` arm and two normal arms.
#[differentiable]
fn exit_match_arms(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        match k % 3 {
            0 if k >= m => break,
            1 => s = s * p[k % n] + 0.2,
            _ => s = s.sin() + p[(k + 1) % n],
        }
        k += 1;
        s *= 1.01;
    }
    s
}

/// The same exit test in a loop inside a loop.
#[differentiable]
fn exit_match_nested(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let mut k = 0;
        loop {
            match k % 3 {
                0 if k >= m + i => break,
                1 => s = s * p[k % n] + 0.2,
                _ => s = s.sin() + p[i],
            }
            k += 1;
        }
    }
    s
}

/// `let .. = match .. { .., None => return .. }` outside loops and inside a loop.
#[differentiable]
fn let_else_return(p: &[f64], #[no_grad] k: usize) -> f64 {
    let n = p.len();
    let o = if k % 2 == 0 { Some(p[0] * p[1]) } else { None };
    let v = match o {
        Some(v) => v,
        None => return p[2] * p[2],
    };
    let mut s = v;
    for i in 0..n {
        let q = if i < k { p[i] * s } else { return s * p[i] + v };
        s = s * 0.5 + q;
    }
    s
}

/// A cast of a loop index carried out of the loop by an assignment, and by `break` with a value.
#[differentiable]
fn cast_escapes(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut w = 0.0;
    let mut s = p[0];
    for i in 0..n {
        w = i as f64;
        s = s * 0.9 + p[i];
    }
    let mut t = 0.0;
    for i in 0..n {
        let c = (i + 1) as f64;
        if p[i] > 0.0 {
            t = c;
        }
    }
    let mut k = 0;
    let r = loop {
        k += 1;
        s = s * p[k % n];
        if k >= m {
            break k as f64 * s;
        }
    };
    s * w * p[1] + t * p[0] * s + r * r
}

/// Loop variables of adapted iterators, cast.
#[differentiable]
fn cast_adapters(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for (i, v) in p.iter().enumerate().rev() {
        s = s * 0.5 + v * (i as f64 + 1.0) * s.cos();
    }
    for (i, v) in p.iter().enumerate().skip(1) {
        s = s * v + (i as f64) * 0.1;
    }
    for (i, v) in p.iter().rev().enumerate() {
        s = s + v * (i * i) as f64 * 0.01 * s;
    }
    for (i, v) in p.iter().enumerate().take(n - 1) {
        s = s * (1.0 + (n - i) as f64 * 0.01) + v;
    }
    for i in (0..n).rev().step_by(2) {
        s = s * p[i] / (i + 1) as f64 + 0.1;
    }
    s
}

/// Inclusive ranges, signed ranges and small integer types.
#[differentiable]
fn cast_int_ranges(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for k in 1..=n {
        s = s * p[k - 1] / k as f64 + s.sin() * (k * 2) as f64 * 0.01;
    }
    for k in (1..=n).rev() {
        s = s + p[n - k] * (k as f64).sqrt() * s * 0.1;
    }
    for i in -2i64..2 {
        s = s * (1.0 + (i * i) as f64 * 0.1) + (i as f64) * p[0];
    }
    for b in 0u8..3 {
        s = s * p[b as usize % n] + b as f64 * 0.2;
    }
    for k in 0..=0 {
        s = s * (k + 2) as f64;
    }
    s
}

/// An owned parameter read through a cast, then written.
#[differentiable]
fn cast_owned_param(mut p: Vec<f64>) -> f64 {
    let a = p[0] as f64;
    let b = (p[1] * 2.0) as i64 as f64;
    p[0] = p[2] * 3.0;
    p[1] = 0.5;
    a * p[0] + b * p[2] + a * a * p[1]
}

/// Casts of elements of local integer tables, one changed after the loop.
#[differentiable]
fn cast_tables(p: &[f64]) -> f64 {
    let n = p.len();
    let mut idx = vec![0usize; n];
    for i in 0..n {
        idx[i] = (i * 7 + 3) % n;
    }
    let mut s = p[0];
    for i in 0..n {
        let w = idx[i] as f64 + 1.0;
        let j = idx[i];
        s = s * p[j] / w + w * 0.01 * s;
    }
    idx[0] = 1000;
    let mut t = 0.0;
    for i in 0..n {
        let w = (idx[i] % 7) as f64;
        t = t * 0.5 + w * p[i] * s;
    }
    t
}

/// A cast defined in an outer loop, used in the reverse of an inner one; methods on casts.
#[differentiable]
fn cast_outer_inner(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let w = i as f64 + 0.5;
        let r = ((i + 1) as f64).sqrt();
        let q = ((i * 2) as f64).powi(2);
        for j in 0..3 {
            s = s * w * 0.3 + p[j % n] * r + q * 0.001 * s;
        }
    }
    s
}

/// Comparisons cast to numbers.
#[differentiable]
fn cast_bools(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let b = (i > 1) as usize as f64;
        let c = (p[i] > 0.0) as i32 as f64;
        s = s * (1.0 + b) * 0.5 + c * p[i] * s + p[i];
    }
    s
}

/// A helper with a loop whose divisor is a cast of its `usize` parameter minus the index.
#[differentiable]
fn h_weights(x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = 0.0;
    for k in 0..m {
        s = s * x + 1.0 / (m - k) as f64 + (k as f64) * x * x;
    }
    s
}

#[differentiable]
fn weights_caller(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += h_weights(p[i], i) * h_weights(p[0], i + 1);
    }
    s
}

/// A helper that returns a pair from inside its loop.
#[differentiable]
fn h_pair_return(x: f64, y: f64, #[no_grad] m: usize) -> (f64, f64) {
    let mut a = x;
    let mut b = y;
    for k in 0..5 {
        if k == m {
            return (a * b, a + k as f64);
        }
        let t = a * 0.9 + b * b * 0.1;
        b = (a - b).sin();
        a = t;
    }
    (a, b)
}

#[differentiable]
fn pair_return_caller(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        let (a, b) = h_pair_return(p[i], p[(i + 1) % n], i);
        let (c, d) = h_pair_return(b, a, 6 - i);
        s += a * d + b * c;
    }
    s
}

/// A `loop` left only by `return`.
#[differentiable]
fn loop_only_return(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    loop {
        s = s * 0.8 + p[k % n] * s.cos();
        k += 1;
        if k > m {
            return s * p[1];
        }
    }
}

/// An `else if` chain with `return` in the middle arm, then a loop.
#[differentiable]
fn else_if_chain(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    if p[0] > 1.0 {
        s = s * s;
    } else if p[0] > 0.0 {
        if p[1] > 0.0 {
            return s * p[1];
        }
        s = s + p[1];
    } else if p[0] > -1.0 {
        for i in 0..n {
            s = s * p[i];
        }
    } else {
        return s.exp();
    }
    for i in 0..n {
        s = s * 0.5 + p[i];
    }
    s
}

/// A top-level loop with a `match` whose arms `return`, `break` and `continue`.
#[differentiable]
fn match_all_jumps(p: &[f64], #[no_grad] code: &[usize]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..code.len() {
        match code[i] {
            0 => return s * p[i % n],
            1 => break,
            2 => continue,
            _ => s = s * 0.9 + p[i % n] * s.sin(),
        }
        s += 0.1 * p[1];
    }
    s
}

/// Two loops in a row with the same label, a labelled `continue` from a `while` inside.
#[differentiable]
fn same_labels(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    'a: for i in 0..n {
        let mut j = 0;
        while j < n {
            j += 1;
            if j + i == m {
                continue 'a;
            }
            s = s * 0.9 + p[j - 1] * (i as f64 + 1.0);
        }
    }
    'a: for i in 0..n {
        for j in 0..n {
            if i + j == m {
                break 'a;
            }
            s = s + p[i] * p[j] * 0.1;
        }
    }
    s
}

/// `return` inside a scope block inside a loop, and a `while let` in a top-level loop.
#[differentiable]
fn scope_in_loop(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        {
            let t = s * p[i];
            if i == m {
                return t + s;
            }
            s = t.sin() + 0.5;
        }
        let mut st = vec![p[i], s];
        while let Some(e) = st.pop() {
            s = s * 0.5 + e;
        }
    }
    s
}

/// A `break` with a value from a loop in a `let` inside a top-level loop.
#[differentiable]
fn break_value_nested(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let mut k = 0;
        let r = loop {
            k += 1;
            s = s * 0.9 + p[k % n];
            if k > m + i {
                break s * k as f64;
            }
        };
        s = s * 0.5 + r * 0.1;
    }
    s
}

/// A top-level `while` whose test reads the value, left by `return` on some inputs.
#[differentiable]
fn while_return(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut k = 0;
    while s < 10.0 {
        s = s * 1.5 + p[k % n] * p[k % n];
        k += 1;
        if s > lim {
            return s.ln();
        }
    }
    for i in 0..n {
        s = s * 0.5 + p[i];
    }
    s
}

/// A generic function with loops left every way and casts.
#[differentiable]
fn generic_exits<T: Real>(p: &[T], #[no_grad] m: usize) -> T {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        if i == m {
            break;
        }
        s = s * p[i] + p[(i + 1) % n];
    }
    let mut k = 0;
    loop {
        k += 1;
        s = s.sin() + p[k % n];
        if k > m {
            break;
        }
    }
    for i in 0..n {
        if i == m + 2 {
            return s * p[i];
        }
        s = s * p[i];
    }
    s
}

/// `order = 2`: a loop with several exit-test arms and a cast, called per trip.
#[differentiable(order = 2)]
fn h2_arms(x: f64, #[no_grad] m: usize) -> f64 {
    let mut s = x;
    let mut k = 0;
    loop {
        match k % 3 {
            0 if k >= m => break,
            1 => s = s * x + k as f64 * 0.1,
            _ => s = (s * 0.5).sin() + x,
        }
        k += 1;
    }
    s
}

#[differentiable(order = 2)]
fn order2_arms_caller(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        s += h2_arms(p[i], i + 1) * p[(i + 1) % n];
        if i == 3 {
            return s;
        }
    }
    s
}

// ----- tests -----------------------------------------------------------------------------------

#[test]
fn second_order_through_helpers_with_exits() {
    for p in [vec![0.8, 0.1, 0.5, -0.2, 0.4, 0.45], sines(7, 1.1)] {
        let (_, g) = order2_caller_grad(&p);
        check("order2_caller", order2_caller, &g, &p);
        let v = sines(p.len(), 0.7);
        let (_, _, hv) = order2_caller_hvp(&p, v.clone());
        check_hvp("order2_caller", |z| order2_caller_grad(z).1, &hv, &p, &v);
        let (_, _, hv2) = order2_caller_hvp(&p, v.iter().map(|a| -2.0 * a).collect());
        for k in 0..p.len() {
            assert!((hv2[k] + 2.0 * hv[k]).abs() < 1e-9 * (1.0 + hv[k].abs()));
        }
    }
    for stop in 0..10 {
        for p in [vec![0.8, 0.1, 0.5], vec![1.8, 1.1, 1.5]] {
            let (_, g) = order2_exits_grad(&p, stop);
            check("order2_exits", |z| order2_exits(z, stop), &g, &p);
            let v = sines(p.len(), 0.7);
            let (_, _, hv) = order2_exits_hvp(&p, stop, v.clone());
            check_hvp(
                "order2_exits",
                |z| order2_exits_grad(z, stop).1,
                &hv,
                &p,
                &v,
            );
        }
    }
    for m in 0..10 {
        for x in [0.4, -1.2] {
            let (_, g) = h2_return_grad(x, m);
            check("h2_return", |z| h2_return(z[0], m), &[g], &[x]);
            let (_, _, hv) = h2_return_hvp(x, m, 1.0);
            check_hvp(
                "h2_return",
                |z| vec![h2_return_grad(z[0], m).1],
                &[hv],
                &[x],
                &[1.0],
            );
        }
    }
    for (x, a) in [(0.5, 1.0), (3.0, 4.0)] {
        let (_, (gx, ga)) = h2_while_grad(x, a);
        check("h2_while", |z| h2_while(z[0], z[1]), &[gx, ga], &[x, a]);
    }
}

#[test]
fn exit_tests_diverging_lets_and_escaping_casts() {
    for m in [0, 1, 2, 3, 4, 7] {
        for p in [vec![0.4, 0.9, -0.7], sines(5, 1.1)] {
            chk!(
                exit_match_arms,
                exit_match_arms_grad,
                exit_match_arms_vjp,
                exit_match_arms_jvp,
                p.clone(),
                m
            );
            chk!(
                exit_match_nested,
                exit_match_nested_grad,
                exit_match_nested_vjp,
                exit_match_nested_jvp,
                p.clone(),
                m
            );
            chk!(
                let_else_return,
                let_else_return_grad,
                let_else_return_vjp,
                let_else_return_jvp,
                p.clone(),
                m
            );
            chk!(
                loop_only_return,
                loop_only_return_grad,
                loop_only_return_vjp,
                loop_only_return_jvp,
                p.clone(),
                m
            );
            chk!(
                same_labels,
                same_labels_grad,
                same_labels_vjp,
                same_labels_jvp,
                p.clone(),
                m
            );
            chk!(
                scope_in_loop,
                scope_in_loop_grad,
                scope_in_loop_vjp,
                scope_in_loop_jvp,
                p.clone(),
                m
            );
            chk!(
                break_value_nested,
                break_value_nested_grad,
                break_value_nested_vjp,
                break_value_nested_jvp,
                p.clone(),
                m
            );
            chk!(
                generic_exits,
                generic_exits_grad,
                generic_exits_vjp,
                generic_exits_jvp,
                p.clone(),
                m
            );
        }
        for p in [vec![0.4, 0.9, -0.7], vec![-0.4, 0.9, 0.7, 0.3]] {
            chk!(
                cast_escapes,
                cast_escapes_grad,
                cast_escapes_vjp,
                cast_escapes_jvp,
                p.clone(),
                m.max(1)
            );
        }
    }
    for p in [
        vec![0.4, 0.9, -0.7],
        sines(5, 1.1),
        vec![0.9, 0.7, 0.6, 0.2],
    ] {
        chk!(
            cast_adapters,
            cast_adapters_grad,
            cast_adapters_vjp,
            cast_adapters_jvp,
            p.clone()
        );
        chk!(
            cast_int_ranges,
            cast_int_ranges_grad,
            cast_int_ranges_vjp,
            cast_int_ranges_jvp,
            p.clone()
        );
        chk!(
            cast_tables,
            cast_tables_grad,
            cast_tables_vjp,
            cast_tables_jvp,
            p.clone()
        );
        chk!(
            cast_outer_inner,
            cast_outer_inner_grad,
            cast_outer_inner_vjp,
            cast_outer_inner_jvp,
            p.clone()
        );
        chk!(
            cast_bools,
            cast_bools_grad,
            cast_bools_vjp,
            cast_bools_jvp,
            p.clone()
        );
        chk!(
            weights_caller,
            weights_caller_grad,
            weights_caller_vjp,
            weights_caller_jvp,
            p.clone()
        );
        chk!(
            pair_return_caller,
            pair_return_caller_grad,
            pair_return_caller_vjp,
            pair_return_caller_jvp,
            p.clone()
        );
    }
    for p in [
        vec![1.4, 0.9, -0.7],
        vec![0.4, 0.9, -0.7],
        vec![0.4, -0.9, -0.7],
        vec![-0.4, -0.9, 0.7],
        vec![-1.4, -0.9, 0.7],
    ] {
        chk!(
            else_if_chain,
            else_if_chain_grad,
            else_if_chain_vjp,
            else_if_chain_jvp,
            p
        );
    }
    let codes: [&[usize]; 5] = [
        &[3, 3, 3, 3],
        &[3, 2, 3, 0, 3],
        &[3, 3, 1, 3],
        &[2, 2, 3],
        &[0],
    ];
    for code in codes {
        chk!(
            match_all_jumps,
            match_all_jumps_grad,
            match_all_jumps_vjp,
            match_all_jumps_jvp,
            vec![0.4, 0.9, -0.7],
            code
        );
    }
    for lim in [1.0, 3.0, 100.0] {
        for p in [vec![0.4, 0.9, -0.7], vec![2.4, 0.9, 1.7]] {
            chk!(
                while_return,
                while_return_grad,
                while_return_vjp,
                while_return_jvp,
                p.clone(),
                lim
            );
        }
    }
    for p in [vec![0.4, 0.9, 1.7], vec![1.3, 2.6, -0.7]] {
        let (_, g) = cast_owned_param_grad(p.clone());
        check("cast_owned_param", |z| cast_owned_param(z.to_vec()), &g, &p);
    }
    for p in [vec![0.8, 0.1, 0.5, -0.2, 0.4, 0.45], sines(3, 1.1)] {
        let (_, g) = order2_arms_caller_grad(&p);
        check("order2_arms_caller", order2_arms_caller, &g, &p);
        let v = sines(p.len(), 0.7);
        let (_, _, hv) = order2_arms_caller_hvp(&p, v.clone());
        check_hvp(
            "order2_arms_caller",
            |z| order2_arms_caller_grad(z).1,
            &hv,
            &p,
            &v,
        );
    }
}
