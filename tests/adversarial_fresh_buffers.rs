//! Adversarial probes of fresh buffers per trip (`let next = vec![e; n]; .. u = next;` kept in
//! the buffer the move drops, `reverse/spare.rs`): states moved, borrowed and shadowed in many
//! ways, loops of every kind, nests, grids, f32 and generic element types, differentiated fill
//! values and lengths that change per trip. Each is checked against central differences.

#![allow(clippy::needless_range_loop, unused_assignments, unused_mut)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_hvp, check_value_grad, sines};

// ---------------------------------------------------------------- loops of every kind

/// A `while` loop with its own counter.
#[differentiable]
fn while_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut t = 0;
    while t < 4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[(i + 1) % n] + 0.3 * u[i].sin();
        }
        u = next;
        t += 1;
    }
    u[0] + 2.0 * u[n - 1]
}

/// `loop` with the exit test after the move.
#[differentiable]
fn bare_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut t = 0;
    loop {
        let mut next = vec![0.5; n];
        for i in 0..n {
            next[i] = next[i] * u[i] + (u[i] * 0.7).cos();
        }
        u = next;
        t += 1;
        if t == 3 {
            break;
        }
    }
    u.iter().sum::<f64>() * u[0]
}

/// `while let` over a stack of weights.
#[differentiable]
fn while_let(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut ws = vec![0.5, 1.5, -0.25];
    while let Some(w) = ws.pop() {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = w * u[i] + u[i] * u[i] * 0.2;
        }
        u = next;
    }
    u[0] * u[n - 1] + u[1]
}

/// Labelled nests: the inner loop continues the outer one before the move on some trips.
#[differentiable]
fn labelled(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    'outer: for t in 0..5 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 0.9 + 0.1 * u[(i + 2) % n] * u[i];
            if t == 2 && i == 1 {
                continue 'outer;
            }
        }
        u = next;
    }
    u[0] + u[n - 1] * u[1]
}

/// The fresh buffer made in an inner loop, over a state local to the outer trip.
#[differentiable]
fn inner_fresh(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for t in 0..3 {
        let mut u = x.to_vec();
        for i in 0..n {
            u[i] += s * 0.1 * (t as f64);
        }
        for _ in 0..2 {
            let mut next = vec![0.0; n];
            for i in 0..n {
                next[i] = u[i].sin() * u[(i + 1) % n];
            }
            u = next;
        }
        s += u[0] + u[n - 1];
    }
    s
}

/// The fresh buffer in the outer trip, filled by an inner loop with a `break`.
#[differentiable]
fn outer_fresh_inner_break(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for t in 0..4 {
        let mut next = vec![1.0; n];
        for i in 0..n {
            if i == t + 1 {
                break;
            }
            next[i] = u[i] * u[i] - 0.5 * u[(i + 1) % n];
        }
        u = next;
    }
    u[0] + u[1] * u[n - 1]
}

// ---------------------------------------------------------------- several buffers

/// Two fresh buffers moved over the same state, one after the other.
#[differentiable]
fn two_over_one(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut a = vec![0.0; n];
        let mut b = vec![0.0; n];
        for i in 0..n {
            a[i] = u[i] * 1.1 + 0.1;
        }
        u = a;
        for i in 0..n {
            b[i] = u[i] * u[(i + 1) % n];
        }
        u = b;
    }
    u[0] + u[n - 1]
}

/// Two fresh buffers over two states, crossing reads.
#[differentiable]
fn two_over_two(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut v = vec![0.3; n];
    for _ in 0..3 {
        let mut nu = vec![0.0; n];
        let mut nv = vec![0.0; n];
        for i in 0..n {
            nu[i] = u[i] * v[i] + 0.2;
            nv[i] = v[i] - 0.3 * u[i] * u[i];
        }
        u = nu;
        v = nv;
    }
    u[0] * v[n - 1] + v[0]
}

/// Three levels: `prev2 = prev; prev = u; u = next;`.
#[differentiable]
fn three_levels(x: &[f64]) -> f64 {
    let n = x.len();
    let mut prev2 = x.to_vec();
    let mut prev = x.to_vec();
    let mut u = x.to_vec();
    for _ in 0..4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] + 0.3 * prev[i] * prev2[i] - 0.1 * u[i] * u[i];
        }
        prev2 = prev;
        prev = u;
        u = next;
    }
    u[0] + prev[1] * prev2[n - 1]
}

/// The move before the `let`: `prev = u; let next = ..; u = next;`.
#[differentiable]
fn move_before_let(x: &[f64]) -> f64 {
    let n = x.len();
    let mut prev = vec![0.0; n];
    let mut u = x.to_vec();
    for _ in 0..4 {
        prev = u;
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = prev[i] * 0.8 + 0.2 * prev[(i + 1) % n].powi(2);
        }
        u = next;
    }
    u[0] * prev[n - 1] + u[n - 1]
}

/// Through an outer temporary: `tmp = next; u = tmp;`.
#[differentiable]
fn through_tmp(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut tmp = vec![0.0; n];
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i].exp() * 0.3 - u[(i + n - 1) % n];
        }
        tmp = next;
        u = tmp;
    }
    u[0] + u[n - 1] * u[1]
}

/// Swapped with the state, then moved back over it.
#[differentiable]
fn swapped_back(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[i] + 0.1;
        }
        std::mem::swap(&mut u, &mut next);
        s += next[0] * u[1];
        u = next;
    }
    s + u[0]
}

// ---------------------------------------------------------------- ways to use the state

/// Iterated by value inside the trip (`for v in u`: the lowering indexes it).
#[differentiable]
fn iterated_by_value(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i].sin() + 0.5 * u[i];
        }
        for v in u {
            s += v * v;
        }
        u = next;
    }
    s + u[0]
}

/// Borrowed into a local before and after the move.
#[differentiable]
fn borrowed_around(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let r = &u;
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = r[i] * r[(i + 1) % n] + 0.2;
        }
        u = next;
        let q = &u;
        s += q[0] * q[n - 1];
    }
    s
}

/// Passed by reference to a helper before the move, by value to `sum` after the loop.
fn total(v: Vec<f64>) -> f64 {
    v.iter().sum()
}

#[differentiable]
fn helper_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 1.2 - 0.3 * u[i] * u[i];
        }
        s += u.len() as f64 * 0.01 * u[0];
        u = next;
    }
    s + stop_gradient(total(u.clone())) * 0.0 + u[0] * u[1]
}

/// A `match` on the state's length and an `if` on its first element.
#[differentiable]
fn conditioned(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 0.9 + 0.05 * (t as f64);
        }
        match u.len() {
            0 => s += 1.0,
            _ => s += u[0],
        }
        if u[0] > 0.0 {
            s += u[1];
        }
        u = next;
    }
    s + u[0]
}

/// The state shadowed in an inner scope of the trip.
#[differentiable]
fn shadowed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        {
            let u = u[0] * 2.0;
            s += u;
        }
        for i in 0..n {
            next[i] = u[i] * u[i] * 0.5 + 0.1;
        }
        u = next;
    }
    s + u[n - 1]
}

/// An owned `mut` parameter as the state.
#[differentiable]
fn owned_param(mut u: Vec<f64>) -> f64 {
    let n = u.len();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[(i + 1) % n] + 0.4 * u[i];
        }
        u = next;
    }
    u[0] + u[n - 1]
}

/// Returned after the loop through a read of every element and a later borrow.
#[differentiable]
fn returned_later(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = (u[i] * 0.5).tanh() + u[i];
        }
        u = next;
    }
    let r = &u;
    let mut s = 0.0;
    for v in r.iter() {
        s += v * v;
    }
    s
}

/// A `break` with a value out of the loop after the move, an early `return` before it.
#[differentiable]
fn break_value(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut t = 0;
    let r = loop {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 1.1 - 0.2 * u[(i + 1) % n];
        }
        if u[0] > 100.0 {
            return u[0];
        }
        u = next;
        t += 1;
        if t == 3 {
            break u[0] * u[n - 1];
        }
    };
    r + u[1]
}

// ---------------------------------------------------------------- lengths, fills, types

/// Lengths that change per trip, through zero.
#[differentiable]
fn lengths(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..6 {
        let lens = [n, 0, 2, n + 2, 1, n];
        let len = lens[t];
        let mut next = vec![x[t % n]; len];
        for i in 0..len.min(u.len()) {
            next[i] = next[i] * u[i] + 0.1 * u[i];
        }
        for i in 0..len {
            s += next[i] * 0.01;
        }
        u = next;
    }
    s + u[0]
}

/// The fill a differentiated value computed in the trip, from the state itself.
#[differentiable]
fn fill_from_state(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let c = u[0] * u[n - 1];
        let mut next = vec![c; n];
        for i in 1..n {
            next[i] += u[i].sin();
        }
        u = next;
    }
    u[0] + u[1] * u[n - 1]
}

/// A fresh buffer grown by pushes from empty (`vec![0.0; 0]`).
#[differentiable]
fn pushed_fresh(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    for t in 0..3 {
        let mut next = vec![0.0; 0];
        for i in 0..u.len() - t % 2 {
            next.push(u[i] * u[i] * 0.5 + 0.2 * u[(i + 1) % u.len()]);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A truncated fresh buffer.
#[differentiable]
fn truncated_fresh(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for t in 0..3 {
        let m = u.len();
        let mut next = vec![0.0; m];
        for i in 0..m {
            next[i] = u[i] * 0.7 + u[(i + 1) % m] * u[i];
        }
        next.truncate(m - t % 2);
        u = next;
    }
    u[0] + u[u.len() - 1] + (n as f64) * 0.0
}

/// A type-annotated fresh buffer, never written.
#[differentiable]
fn annotated_unwritten(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..3 {
        for i in 0..n {
            s += u[i] * x[i] * u[i];
        }
        let next: Vec<f64> = vec![0.25; n];
        u = next;
    }
    s + u[0]
}

/// Integer and inactive tables kept the same way alongside a differentiated state.
#[differentiable]
fn inactive_tables(x: &[f64]) -> f64 {
    let n = x.len();
    let mut idx = vec![0usize; n];
    let mut mask = vec![1.0f32; n];
    let mut u = x.to_vec();
    for i in 0..n {
        idx[i] = i;
    }
    for t in 0..4 {
        let mut ni = vec![0usize; n];
        let mut nm = vec![0.0f32; n];
        let mut nu = vec![0.0; n];
        for i in 0..n {
            ni[i] = (idx[i] + t + 1) % n;
            nm[i] = mask[i] * 0.5 + 0.25;
            nu[i] = u[idx[i]] * (nm[i] as f64) + 0.1 * u[i] * u[i];
        }
        idx = ni;
        mask = nm;
        u = nu;
    }
    u[idx[0]] + u[n - 1]
}

/// A grid whose rows are taken out of the state in the trip.
#[differentiable]
fn grid_rows_taken(x: &[f64]) -> f64 {
    let (n, m) = (3, x.len() / 3);
    let mut u = vec![vec![0.0; m]; n];
    for i in 0..n {
        for j in 0..m {
            u[i][j] = x[i * m + j];
        }
    }
    let mut s = 0.0;
    for _ in 0..3 {
        let mut next = vec![vec![0.0; m]; n];
        for i in 0..n {
            for j in 0..m {
                next[i][j] = u[i][j] * u[(i + 1) % n][j] + 0.1;
            }
        }
        let row = u[0].clone();
        s += row[0] * row[m - 1];
        u = next;
    }
    s + u[1][0]
}

/// A grid of a differentiated fill per row length that changes.
#[differentiable]
fn grid_fill(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![vec![x[0]; 2]; n];
    for t in 0..3 {
        let m = 2 + t;
        let row = vec![x[t]; m];
        let mut next = vec![row; n];
        for i in 0..n {
            for j in 0..m {
                next[i][j] = next[i][j] * u[i][j % u[i].len()] + x[i] * 0.1;
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..u[i].len() {
            s += u[i][j] * (1.0 + j as f64);
        }
    }
    s
}

/// In `f32`.
#[differentiable]
fn in_f32(x: &[f32]) -> f32 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[(i + 1) % n] + 0.3 * u[i];
        }
        u = next;
    }
    u[0] + u[n - 1]
}

/// Generic, second order.
#[differentiable(order = 2)]
fn generic_levels<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut prev = x.to_vec();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = vec![T::zero(); n];
        for i in 0..n {
            next[i] = u[i] * prev[(i + 1) % n] + T::from_f64(0.3) * u[i].sin();
        }
        prev = u;
        u = next;
    }
    u[0] * prev[n - 1] + u[n - 1]
}

/// Concrete, second order, a differentiated fill and a rotated level.
#[differentiable(order = 2)]
fn second_fill(x: &[f64]) -> f64 {
    let n = x.len();
    let mut prev = x.to_vec();
    let mut u = x.to_vec();
    for t in 0..3 {
        let mut next = vec![x[t % n] * 0.5; n + t % 2];
        for i in 0..n {
            next[i] = next[i] * u[i] + prev[i] * prev[i] * 0.2;
        }
        prev = u;
        u = next;
    }
    u[0] * prev[n - 1] + u[n - 1]
}

#[test]
fn probes_match_central_differences() {
    let x = sines(6, 0.43);
    check_value_grad("while_loop", while_loop, while_loop_grad(&x), &x);
    check_value_grad("bare_loop", bare_loop, bare_loop_grad(&x), &x);
    check_value_grad("while_let", while_let, while_let_grad(&x), &x);
    check_value_grad("labelled", labelled, labelled_grad(&x), &x);
    check_value_grad("inner_fresh", inner_fresh, inner_fresh_grad(&x), &x);
    check_value_grad(
        "outer_fresh_inner_break",
        outer_fresh_inner_break,
        outer_fresh_inner_break_grad(&x),
        &x,
    );
    check_value_grad("two_over_one", two_over_one, two_over_one_grad(&x), &x);
    check_value_grad("two_over_two", two_over_two, two_over_two_grad(&x), &x);
    check_value_grad("three_levels", three_levels, three_levels_grad(&x), &x);
    check_value_grad(
        "move_before_let",
        move_before_let,
        move_before_let_grad(&x),
        &x,
    );
    check_value_grad("through_tmp", through_tmp, through_tmp_grad(&x), &x);
    check_value_grad("swapped_back", swapped_back, swapped_back_grad(&x), &x);
    check_value_grad(
        "iterated_by_value",
        iterated_by_value,
        iterated_by_value_grad(&x),
        &x,
    );
    check_value_grad(
        "borrowed_around",
        borrowed_around,
        borrowed_around_grad(&x),
        &x,
    );
    check_value_grad("helper_after", helper_after, helper_after_grad(&x), &x);
    check_value_grad("conditioned", conditioned, conditioned_grad(&x), &x);
    check_value_grad("shadowed", shadowed, shadowed_grad(&x), &x);
    check_value_grad(
        "owned_param",
        |z| owned_param(z.to_vec()),
        owned_param_grad(x.clone()),
        &x,
    );
    check_value_grad(
        "returned_later",
        returned_later,
        returned_later_grad(&x),
        &x,
    );
    check_value_grad("break_value", break_value, break_value_grad(&x), &x);
    check_value_grad("lengths", lengths, lengths_grad(&x), &x);
    check_value_grad(
        "fill_from_state",
        fill_from_state,
        fill_from_state_grad(&x),
        &x,
    );
    check_value_grad("pushed_fresh", pushed_fresh, pushed_fresh_grad(&x), &x);
    check_value_grad(
        "truncated_fresh",
        truncated_fresh,
        truncated_fresh_grad(&x),
        &x,
    );
    check_value_grad(
        "annotated_unwritten",
        annotated_unwritten,
        annotated_unwritten_grad(&x),
        &x,
    );
    check_value_grad(
        "inactive_tables",
        inactive_tables,
        inactive_tables_grad(&x),
        &x,
    );
    let g = sines(12, 0.39);
    check_value_grad(
        "grid_rows_taken",
        grid_rows_taken,
        grid_rows_taken_grad(&g),
        &g,
    );
    check_value_grad("grid_fill", grid_fill, grid_fill_grad(&x), &x);
}

#[test]
fn probes_other_floats_and_second_order() {
    let x = sines(6, 0.43);
    let v = sines(6, 1.1);
    let x32: Vec<f32> = x.iter().map(|a| *a as f32).collect();
    let (y32, g32) = in_f32_grad(&x32);
    assert!((y32 - in_f32(&x32)).abs() < 1e-5);
    let f64_twin = |z: &[f64]| {
        let n = z.len();
        let mut u = z.to_vec();
        for _ in 0..3 {
            let mut next = vec![0.0; n];
            for i in 0..n {
                next[i] = u[i] * u[(i + 1) % n] + 0.3 * u[i];
            }
            u = next;
        }
        u[0] + u[n - 1]
    };
    let fd: Vec<f64> = (0..x.len())
        .map(|k| {
            let (mut a, mut b) = (x.clone(), x.clone());
            a[k] += 1e-6;
            b[k] -= 1e-6;
            (f64_twin(&a) - f64_twin(&b)) / 2e-6
        })
        .collect();
    for k in 0..x.len() {
        assert!(
            (fd[k] - g32[k] as f64).abs() < 1e-3 * (1.0 + fd[k].abs()),
            "in_f32[{k}]"
        );
    }
    check_value_grad(
        "generic_levels",
        generic_levels::<f64>,
        generic_levels_grad(&x),
        &x,
    );
    let (_, _, hv) = generic_levels_hvp(&x, v.clone());
    check_hvp("generic_levels", |q| generic_levels_grad(q).1, &hv, &x, &v);
    check_value_grad("second_fill", second_fill, second_fill_grad(&x), &x);
    let (_, _, hv) = second_fill_hvp(&x, v.clone());
    check_hvp("second_fill", |q| second_fill_grad(q).1, &hv, &x, &v);
}

// ---------------------------------------------------------------- nests of kept buffers

/// Both levels kept: the inner loop moves its fresh buffer over the outer trip's one.
#[differentiable]
fn nested_levels(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for t in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 0.8 + 0.1 * (t as f64);
        }
        for _ in 0..2 {
            let mut inner = vec![0.0; n];
            for i in 0..n {
                inner[i] = next[i] * u[(i + 1) % n] + 0.05 * next[i].sin();
            }
            next = inner;
        }
        u = next;
    }
    u[0] * u[n - 1] + u[1]
}

/// A `break` with a value after the move.
#[differentiable]
fn break_with_value(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut t = 0;
    let r = loop {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 1.1 - 0.2 * u[(i + 1) % n];
        }
        u = next;
        t += 1;
        if t == 3 {
            break u[0] * u[n - 1];
        }
    };
    r + u[1]
}

/// The state declared through a tuple pattern.
#[differentiable]
fn tuple_state(x: &[f64]) -> f64 {
    let n = x.len();
    let (mut u, k) = (x.to_vec(), 0.5);
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * k + u[i] * u[i];
        }
        u = next;
    }
    u[0] + u[n - 1]
}

/// The state declared by an `if` (lowered as a declaration without a value: kept as written).
#[differentiable]
fn branch_declared(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = if x[0] > 0.0 { x.to_vec() } else { vec![0.5; n] };
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * u[(i + 1) % n] + 0.2 * u[i];
        }
        u = next;
    }
    u[0] + u[n - 1]
}

/// The state moved away before the loop and made again before it.
#[differentiable]
fn moved_and_remade(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let w = u;
    u = vec![0.0; n];
    for i in 0..n {
        u[i] = w[i] * w[i];
    }
    for _ in 0..3 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] + 0.3 * w[i] * u[(i + 1) % n];
        }
        u = next;
    }
    u[0] + u[n - 1]
}

/// The state moved inside the trip under a condition on a counter (kept as written).
#[differentiable]
fn moved_sometimes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..4 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] = u[i] * 0.9 + 0.1 * u[i] * u[i];
        }
        if t % 2 == 0 {
            let old = u;
            s += old[0];
        }
        u = next;
    }
    s + u[n - 1]
}

#[test]
fn probes_nests_and_patterns() {
    let x = sines(5, 0.47);
    check_value_grad("nested_levels", nested_levels, nested_levels_grad(&x), &x);
    check_value_grad(
        "break_with_value",
        break_with_value,
        break_with_value_grad(&x),
        &x,
    );
    check_value_grad("tuple_state", tuple_state, tuple_state_grad(&x), &x);
    check_value_grad(
        "branch_declared",
        branch_declared,
        branch_declared_grad(&x),
        &x,
    );
    let neg: Vec<f64> = x.iter().map(|v| -v.abs() - 0.1).collect();
    check_value_grad(
        "branch_declared (else)",
        branch_declared,
        branch_declared_grad(&neg),
        &neg,
    );
    check_value_grad(
        "moved_and_remade",
        moved_and_remade,
        moved_and_remade_grad(&x),
        &x,
    );
    check_value_grad(
        "moved_sometimes",
        moved_sometimes,
        moved_sometimes_grad(&x),
        &x,
    );
    // the generic one in f32 agrees with f64
    let x32: Vec<f32> = x.iter().map(|a| *a as f32).collect();
    let (_, g64) = generic_levels_grad(&x);
    let (_, g32) = generic_levels_grad(&x32);
    for k in 0..x.len() {
        assert!(
            (g64[k] - g32[k] as f64).abs() < 1e-3 * (1.0 + g64[k].abs()),
            "generic_levels f32[{k}]"
        );
    }
    // repeated calls at other lengths (the spare lives for one call)
    for n in [1, 2, 8] {
        let z = sines(n, 0.31);
        check_value_grad("lengths (again)", lengths, lengths_grad(&z), &z);
        check_value_grad(
            "two_over_one (again)",
            two_over_one,
            two_over_one_grad(&z),
            &z,
        );
    }
}
