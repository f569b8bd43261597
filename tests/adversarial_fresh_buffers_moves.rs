//! States the function takes by value outside the fresh buffer's loop (moved before it, consumed
//! by a call, moved in a branch, an owned parameter moved), or in forms the token scan must
//! read as a move (`&u.into_iter()`, `r#u`): the buffer `u` held is not kept for the `vec!`
//! (`reverse/spare.rs`), and the generated code compiles. Also `for v in u` over a container its
//! body writes (`u = next`, `a[0] = ..`): the loop goes over the value it took (`lower_for`,
//! `lower/loop_writes.rs`), as Rust's does. Each checked against central differences.

#![allow(
    unused_assignments,
    unused_mut,
    unused_variables,
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    // the forms the token scan must read as moves
    clippy::deref_addrof,
    clippy::iter_count
)]
use autodiff::prelude::*;

fn total(v: Vec<f64>) -> f64 {
    v.iter().sum()
}

// ---------------------------------------------------------------- moves before the loop

/// The state moved away before the loop: the first trip's `u = next` re-initialises it.
#[differentiable]
fn moved_before(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let w = u;
    let mut s = w[0];
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = w[i] * s + 0.1 * (i as f64);
        }
        s = s * 0.5 + next[0] * next[n - 1];
        u = next;
        s += 0.3 * u[1];
    }
    s
}

/// C: `&u.into_iter()..`: the `&` borrows the result, `into_iter` takes `u`.
#[differentiable]
fn ref_of_into_iter(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * (1.0 + s);
        }
        let c = stop_gradient(*&u.into_iter().count());
        s += c as f64 * 0.0 + next[0];
        u = next;
    }
    s
}

/// D: the state named raw (`r#u`) where it is moved.
#[differentiable]
fn raw_named(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * (1.0 + s);
        }
        let c = stop_gradient(total(r#u));
        s += c * 0.0 + next[0];
        u = next;
    }
    s
}

/// E: moved into a helper before the loop.
#[differentiable]
fn consumed_before(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let c = stop_gradient(total(u));
    let mut s = c * 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * (1.0 + s);
        }
        u = next;
        s += u[0];
    }
    s
}

/// G: an owned parameter moved before the loop.
#[differentiable]
fn param_moved_before(x: &[f64], mut u: Vec<f64>) -> f64 {
    let n = x.len();
    let w = u;
    let mut s = w[0];
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * w[i] + s * 0.1;
        }
        u = next;
        s += u[0];
    }
    s
}

/// J: the state moved into a vec of states in a branch, re-made there.
#[differentiable]
fn moved_in_branch_before(x: &[f64], flag: bool) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut keep = Vec::new();
    if flag {
        keep.push(u);
    }
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * (1.0 + s);
        }
        u = next;
        s += u[0];
    }
    s + keep.len() as f64
}

/// L: `for v in u` over the state the trip replaces (Rust iterates the old one).
#[differentiable]
fn for_over_state(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for v in u {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = x[i] * (2.0 + s);
        }
        s += v * v;
        u = next;
    }
    s
}

/// M: the inner loop's state is the outer trip's fresh buffer, moved before the inner loop.
#[differentiable]
fn nested_moved_level(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..2 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[i] + 0.1;
        }
        u = next;
        for _ in 0..2 {
            let mut inner = vec![0.0; n];
            for i in 0..n {
                inner[i] = u[i] * 0.5;
            }
            next = inner;
        }
    }
    u[0] + u[n - 1]
}

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::check_value_grad;

/// An array taken by copy, written by index in the body.
#[differentiable]
fn for_over_array(x: &[f64]) -> f64 {
    let mut a = [x[0], x[1], x[2]];
    let mut s = 0.0;
    for v in a {
        a[0] = a[0] * v + 1.0;
        s += v * a[0];
    }
    s + a[0]
}

/// A `Vec` taken by value, replaced in one arm of a branch.
#[differentiable]
fn for_over_state_in_branch(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for v in u {
        s += v * v * 0.5 + s * 0.1;
        if s > 0.05 {
            let mut next = vec![0.0; n];
            for i in 0..n {
                next[i] = x[i] * s;
            }
            u = next;
        }
    }
    s
}

#[test]
fn loops_over_containers_their_body_writes() {
    let x = vec![0.3, -0.2, 0.5];
    check_value_grad(
        "for_over_array",
        for_over_array,
        for_over_array_grad(&x),
        &x,
    );
    check_value_grad(
        "for_over_state_in_branch",
        for_over_state_in_branch,
        for_over_state_in_branch_grad(&x),
        &x,
    );
}

#[test]
fn states_moved_before_the_loop_or_taken_in_it() {
    let x = vec![0.3, -0.2, 0.5];
    check_value_grad("moved_before", moved_before, moved_before_grad(&x), &x);
    check_value_grad(
        "ref_of_into_iter",
        ref_of_into_iter,
        ref_of_into_iter_grad(&x),
        &x,
    );
    check_value_grad("raw_named", raw_named, raw_named_grad(&x), &x);
    check_value_grad(
        "consumed_before",
        consumed_before,
        consumed_before_grad(&x),
        &x,
    );
    check_value_grad(
        "nested_moved_level",
        nested_moved_level,
        nested_moved_level_grad(&x),
        &x,
    );
    check_value_grad(
        "for_over_state",
        for_over_state,
        for_over_state_grad(&x),
        &x,
    );
    let u = vec![1.0, 2.0, 0.5];
    let f = |x: &[f64]| param_moved_before(x, u.clone());
    let (y, (g, _)) = param_moved_before_grad(&x, u.clone());
    check_value_grad("param_moved_before", f, (y, g), &x);
    for flag in [false, true] {
        let f = |x: &[f64]| moved_in_branch_before(x, flag);
        let (y, g) = moved_in_branch_before_grad(&x, flag);
        check_value_grad("moved_in_branch_before", f, (y, g), &x);
    }
}
