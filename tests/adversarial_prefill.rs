//! Adversarial cases for pushes at the loop index written into a buffer sized before the loop
//! (`reverse/prefill.rs`: `rt::fill_for_pushes` before `for i in 0..e`, `v[k] = x` for
//! `v.push(x)`) and for fresh `Vec::with_capacity(n)` / `Vec::new()` buffers made per outer
//! trip and moved over an outer one (`reverse/spare.rs`, `rt::spare_cleared`).
//!
//! Each function is checked through `NAME_grad` (value against the primal, gradient against
//! central differences in `f64`), and most also through `NAME_vjp` and `NAME_jvp` against that
//! gradient. The forms: labelled loops and breaks or continues from nested loops, `return` in
//! the trip, reads after the loop (`len`, `iter`, `last`, from the end), more pushes after the
//! loop, two `Vec`s pushed in one loop, one `Vec` pushed in two consecutive loops, a `Vec`
//! declared before an outer loop, pushes of values read from another pushed `Vec`, shadowing
//! (of the loop variable, of the `Vec`, locals named `next` and `len`), loop variables of type
//! `i32`, `u32`, `u64`, `i64`, `u8` and `usize`, computed ranges (`0..n`, `0..v2.len()`,
//! `0..0`), the `Vec` passed to a helper, swapped and moved, generic `T: Real` and `f32`,
//! `order = 2` with `_hvp`, the stencil with a fresh buffer per step and rotations, checks
//! (`assert!`, `debug_assert!`) naming the `Vec`, blocks and closures in the trip, `if` and
//! `match` choosing the pushed value, counted `while` loops, truncation and pops after the loop.
//!
//! Reproducers of faults this pass found, fixed since:
//! * a loop variable shadowed in the trip before the push (`let i = n - 1 - i;`,
//!   `let i = x[i] * 2.0 + 3.0;`, `let i = i / 2;`, also inside a `{ .. }` block of the trip):
//!   the forward sweep wrote `v[i as usize] = x` naming the shadowing `i`, not the loop's (it
//!   now counts its pushes itself);
//! * `let mut next = Vec::new()` per step, moved over the outer buffer: made in the kept buffer
//!   (`rt::spare_cleared`), its capacity was no longer 0 (a function that asks for a capacity
//!   keeps no buffer now).
//!
//! Not compiling, so kept out of the file (both already failing before the sized pushes):
//! * an active `Vec` pushed in `for i in 0..n as u32` (or `0..4i32`, `0..m` with `m: i64`,
//!   `0..(n as u64)`, `0..3u8`): `the trait bound `u32: DenseIndex<f64>` is not satisfied` in
//!   the generated `rt::dense_take(&mut dv, __i)` (the push's index is the loop variable,
//!   `lower/push_index.rs`); the `Vec`s of constants in `index_types` compile;
//! * references pushed (`for xi in x.iter() { v.push(xi); }`, `v.push(&x[i])`): the `Vec<&f64>`
//!   is taken for a dense local, and `fill_for_pushes` adds `&f64: Default is not satisfied` to
//!   the errors it already had (`expected f64, found &f64` in `_jvp`, `&f64: Real`).
//!
//! Refused with a clear message (dropped): a closure in the trip, a labelled block (written here
//! as a labelled `loop`), `match x.get(i + 1) { Some(a) => .. }` (written with the `Option`
//! bound by `let`), a macro of the user's naming a differentiated local, `next.capacity()` as
//! a value (only inside `assert_eq!`).

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::never_loop,
    clippy::vec_init_then_push,
    clippy::assign_op_pattern,
    clippy::manual_memcpy,
    clippy::redundant_closure_call,
    clippy::let_and_return,
    clippy::shadow_unrelated,
    clippy::unnecessary_cast,
    clippy::absurd_extreme_comparisons,
    clippy::reversed_empty_ranges,
    unused_comparisons
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::{agree, check, check_hvp, check_value_grad, sines, slice_scalar_check, to32};

/// `NAME_grad` against the primal and central differences; `NAME_vjp` (seed 1) and `NAME_jvp`
/// (along a fixed direction) against that gradient.
macro_rules! full {
    ($f:ident, $grad:ident, $vjp:ident, $jvp:ident, $x:expr) => {{
        let x: &[f64] = &$x;
        let (y, g) = $grad(x);
        check_value_grad(stringify!($f), $f, (y, g.clone()), x);
        let (yv, back) = $vjp(x);
        let gv = back(1.0);
        assert!(
            (yv - y).abs() <= 1e-12 * (1.0 + y.abs()),
            "{}: vjp value",
            stringify!($f)
        );
        assert_eq!(gv.len(), g.len(), "{}: vjp length", stringify!($f));
        for (a, b) in gv.iter().zip(&g) {
            assert!(
                (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
                "{}: vjp {a} vs grad {b}",
                stringify!($f)
            );
        }
        let dir: Vec<f64> = (0..x.len()).map(|k| 0.3 - 0.17 * k as f64).collect();
        let (yj, dy) = $jvp(x, dir.clone());
        assert!(
            (yj - y).abs() <= 1e-12 * (1.0 + y.abs()),
            "{}: jvp value",
            stringify!($f)
        );
        let want: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        assert!(
            (dy - want).abs() <= 1e-9 * (1.0 + want.abs()),
            "{}: jvp {dy} vs grad·dir {want}",
            stringify!($f)
        );
        g
    }};
}

// ---------------------------------------------------------------------------------------------
// exits: labelled breaks, continues and returns from nested loops

/// A labelled `break` of the pushing loop from a loop nested in its trip: the push count is
/// not the trip count.
#[differentiable]
fn labelled_break(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    'rows: for i in 0..x.len() {
        for j in 0..3 {
            if x[i] * (j as f64 + 1.0) > 1.1 {
                break 'rows;
            }
        }
        v.push(x[i] * x[i] + x[0]);
    }
    let mut s = v.len() as f64 * x[1];
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 1.0);
    }
    s
}

/// A labelled `break` of a loop around the pushing loop, from inside its trip, after the push
/// (the outer trip's `Vec` is read on the next statement of the outer loop, not after it).
#[differentiable]
fn break_outer_after_push(x: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut last = Vec::new();
    'outer: for r in 0..3 {
        let mut v = Vec::with_capacity(x.len());
        for i in 0..x.len() {
            v.push(x[i] * (r as f64 + 1.0));
            if x[i] * (r as f64 + 1.0) > 1.5 {
                last = v;
                break 'outer;
            }
        }
        for k in 0..v.len() {
            total += v[k] * v[k];
        }
    }
    let mut s = total + last.len() as f64;
    for k in 0..last.len() {
        s += last[k] * (k as f64 + 2.0);
    }
    s
}

/// A labelled `continue` of the pushing loop from a loop nested in its trip skips the push.
#[differentiable]
fn labelled_continue(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    'rows: for i in 0..x.len() {
        for j in 0..2 {
            if x[i] + j as f64 * 0.1 < -0.5 {
                continue 'rows;
            }
        }
        v.push(x[i].sin() * x[1]);
    }
    let mut s = v.len() as f64;
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 0.5);
    }
    s
}

/// A `break` of a `loop` nested in the trip (its own), and a `return` from inside that loop.
#[differentiable]
fn inner_loop_exits(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let mut t = x[i];
        let mut k = 0;
        loop {
            if k >= 3 {
                break;
            }
            if t > 3.0 {
                return t * x[0];
            }
            t = t * 1.1 + 0.05;
            k += 1;
        }
        v.push(t * t);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 1.0);
    }
    s
}

/// A `return` in the trip after the push.
#[differentiable]
fn return_after_push(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut acc = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * x[0]);
        acc += x[i];
        if acc > 1.2 {
            return acc * x[1];
        }
    }
    v[v.len() - 1] * v[0] + v.len() as f64
}

// ---------------------------------------------------------------------------------------------
// reads after the loop, more pushes, consecutive loops

#[differentiable]
fn tail_reads(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        v.push(x[i] * x[i] - x[0]);
    }
    let n = v.len();
    let mut s = 0.0;
    for e in v.iter() {
        s += *e * 0.5;
    }
    let sum: f64 = v.iter().sum();
    s + sum * v[n - 1] + v[n - 2] * (n as f64) + v[v.len() - 3]
}

#[differentiable]
fn last_and_first(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i].exp() * 0.5);
    }
    let l = v.last().copied().unwrap_or(0.0);
    let f = v.first().copied().unwrap_or(0.0);
    l * f + v.len() as f64
}

/// Pushes after the loop, then a second loop pushing the same `Vec`.
#[differentiable]
fn pushed_twice(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * 2.0);
    }
    v.push(x[0] * x[1]);
    for i in 0..x.len() {
        v.push(x[i] * x[i]);
    }
    let n = v.len();
    let mut s = n as f64;
    for k in 0..n {
        s += v[k] * (k as f64 + 1.0);
    }
    s + v[n - 1] * v[x.len()]
}

/// One `Vec` pushed in two consecutive loops with nothing between them.
#[differentiable]
fn consecutive_loops(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] + 1.0);
    }
    for i in 0..x.len() {
        v.push(x[i] * x[0]);
    }
    let n = v.len();
    v[0] * v[n - 1] + v[n / 2] * (n as f64) + v[x.len() - 1]
}

/// An empty loop (nothing pushed) before the pushing loop, and truncation / pops after it.
#[differentiable]
fn truncate_and_pop(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut z = 0.0;
    for i in 0..x.len() {
        z += x[i];
    }
    for i in 0..x.len() {
        v.push(x[i] * z);
    }
    let last = v.pop().unwrap_or(0.0);
    v.truncate(3);
    let mut s = last * 2.0 + v.len() as f64;
    for k in 0..v.len() {
        s += v[k] * v[k];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// several Vecs

/// Two `Vec`s pushed in the same loop; the second from the first's previous element kept in a
/// scalar.
#[differentiable]
fn two_vecs(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    let mut b = Vec::with_capacity(x.len());
    let mut prev = x[0];
    for i in 0..x.len() {
        let ai = x[i] * prev + 0.1;
        a.push(ai);
        b.push(prev * 3.0 - ai);
        prev = ai;
    }
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * b[b.len() - 1 - k];
    }
    s
}

/// The second `Vec`'s pushes read elements of the first, pushed in the same trip and before.
#[differentiable]
fn reads_other_pushed(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for i in 0..x.len() {
        a.push(x[i] * x[i]);
        let back = if i > 0 { a[i - 1] } else { 1.0 };
        b.push(a[i] * back);
    }
    let mut c = Vec::new();
    for i in 0..b.len() {
        c.push(b[i] + a[(i + 1) % a.len()]);
    }
    let mut s = 0.0;
    for k in 0..c.len() {
        s += c[k] * (k as f64 + 1.0);
    }
    s
}

/// A `Vec` declared before an outer loop and pushed in an inner one (not empty after the first
/// outer trip), with its length read between.
#[differentiable]
fn declared_outside(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for r in 0..3 {
        for i in 0..x.len() {
            v.push(x[i] * (r as f64 + 0.5));
        }
        s += v.len() as f64 * v[v.len() - 1];
    }
    for k in 0..v.len() {
        s += v[k] * v[k] * 0.1;
    }
    s
}

/// Rows: a fresh `Vec` per outer trip pushed in the inner loop, itself pushed into rows.
#[differentiable]
fn rows_of_pushes(x: &[f64]) -> f64 {
    let mut rows = Vec::new();
    for r in 0..3 {
        let mut row = Vec::new();
        for j in 0..x.len() {
            row.push(x[j] * (r as f64 + 1.0) + x[(j + r) % x.len()]);
        }
        rows.push(row);
    }
    let mut s = 0.0;
    for r in 0..rows.len() {
        for j in 0..rows[r].len() {
            s += rows[r][j] * rows[(r + 1) % 3][j];
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// shadowing and names

/// The loop variable shadowed in the trip by an integer before the push: the push writes
/// element `i` of the loop (the trip number), not the shadowing `i`.
#[differentiable]
fn shadowed_index(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    for i in 0..n {
        let i = n - 1 - i;
        v.push(x[i] * x[i] + x[0]);
    }
    v[0] * 3.0 + v[1] * v[n - 1]
}

/// The loop variable shadowed in the trip by a float before the push.
#[differentiable]
fn shadowed_by_float(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let i = x[i] * 2.0 + 3.0;
        v.push(i * i);
    }
    v[0] + 2.0 * v[1] + v[v.len() - 1] * v.len() as f64
}

/// The loop variable shadowed in the trip by an integer before the push, the shadow itself
/// an in-range index (a wrong write lands inside the buffer).
#[differentiable]
fn shadowed_index_small(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let i = i / 2;
        v.push(x[i] * x[i] + 1.0);
    }
    v[1] * 2.0 + v[2] * 3.0 + v[3] * 5.0
}

/// Locals named `next`, `len`, `it`, `iter` and `core`: a `Vec` named `next` (the name of the
/// iterator's method), a bound named `len`.
#[differentiable]
fn odd_names(x: &[f64]) -> f64 {
    let len = x.len();
    let mut next = Vec::with_capacity(len);
    for i in 0..len {
        next.push(x[i] * 1.5);
    }
    let mut it = Vec::new();
    for iter in 0..next.len() {
        it.push(next[iter] * next[(iter + 1) % len]);
    }
    let mut core = Vec::new();
    for i in 0..it.len() {
        core.push(it[i] + x[0]);
    }
    let mut s = 0.0;
    for i in 0..core.len() {
        s += core[i] * (i as f64 + 1.0);
    }
    s
}

/// The `Vec` shadowed after the loop (`let v = v;`) and moved to another name; a scalar named
/// like the loop variable read after it.
#[differentiable]
fn shadowed_vec(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] + x[0] * x[i]);
    }
    let v = v;
    let i = v.len() - 1;
    let w = v;
    let mut s = w[i] * 2.0;
    for k in 0..w.len() {
        s += w[k] * w[k];
    }
    s
}

/// A local named `v` shadowing the `Vec` inside the trip, after the push.
#[differentiable]
fn shadow_in_trip(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * 3.0);
        let v = x[i] * x[0];
        s += v;
    }
    s + v[0] * v[v.len() - 1]
}

// ---------------------------------------------------------------------------------------------
// loop variable types and ranges

/// Loop variables of other integer types, in `Vec`s whose elements are constants (no reverse
/// work on them): the forward sweep's `v[i as usize] = x` for `i32`, `u32`, `u64`, `i64` and
/// `u8`, and an `i64` range that runs no trips.
#[differentiable]
fn index_types(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    for i in 0..4i32 {
        a.push(i as f64 + 1.0);
    }
    let mut b = Vec::new();
    for i in 0..x.len() as u32 {
        b.push(0.5 * i as f64);
    }
    let mut c = Vec::new();
    for i in 0..(x.len() as u64) {
        c.push(1.0 - 0.1 * i as f64);
    }
    let mut d = Vec::new();
    let m: i64 = x.len() as i64 - 2;
    for i in 0..m {
        d.push(i as f64 * i as f64);
    }
    let mut e = Vec::new();
    for i in 0..3u8 {
        e.push(2.0 + i as f64);
    }
    let mut f = Vec::new();
    let neg: i64 = -3;
    for i in 0..neg {
        f.push(i as f64);
    }
    let mut s = (f.len() * 100 + a.len() + b.len() + c.len() + d.len() + e.len()) as f64;
    for k in 0..a.len() {
        s += a[k] * x[k];
    }
    for k in 0..b.len() {
        s += b[k] * c[k] * x[k] * x[k];
    }
    for k in 0..d.len() {
        s += d[k] * x[k + 1];
    }
    for k in 0..e.len() {
        s += e[k] * x[k].sin();
    }
    s
}

/// An active `Vec` pushed in a loop whose variable is a `usize` said outright.
#[differentiable]
fn index_usize(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    for i in 0..x.len() as usize {
        a.push(x[i] * (i as f64 + 1.0));
    }
    let mut b = Vec::new();
    for i in 0usize..3 {
        b.push(x[i] * x[0]);
    }
    a[0] * a[a.len() - 1] + b[2] * b[1]
}

#[differentiable]
fn computed_ranges(x: &[f64]) -> f64 {
    let n = x.len() / 2 + 1;
    let mut a = Vec::new();
    for i in 0..n {
        a.push(x[2 * i % x.len()] * 2.0);
    }
    let mut b = Vec::new();
    for i in 0..a.len() {
        b.push(a[i] * x[i]);
    }
    let mut c = Vec::new();
    for i in 0..0 {
        c.push(x[i] * 100.0);
    }
    let mut d = Vec::with_capacity(3);
    for i in 0..x.len() - 1 {
        d.push(x[i + 1] - x[i]);
    }
    let mut s = c.len() as f64 * 7.0 + d.len() as f64;
    for k in 0..b.len() {
        s += b[k] * b[k];
    }
    for k in 0..d.len() {
        s += d[k] * d[k] * (k as f64 + 1.0);
    }
    s
}

/// A loop count known only at run time, possibly zero.
#[differentiable]
fn maybe_zero_trips(x: &[f64]) -> f64 {
    let m = if x[0] > 0.0 { x.len() } else { 0 };
    let mut v = Vec::new();
    for i in 0..m {
        v.push(x[i] * x[i]);
    }
    let mut s = x[1] * (v.len() as f64 + 1.0);
    for k in 0..v.len() {
        s += v[k];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// the Vec handed on: helpers, swaps, moves

#[differentiable]
fn sum_sq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn helper_after(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        v.push(x[i].sin() + x[0]);
    }
    sum_sq(&v) + v.len() as f64 * sum_sq(&v[1..])
}

#[differentiable]
fn swapped(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * 2.0 + 1.0);
    }
    let mut w = Vec::new();
    w.push(x[0]);
    std::mem::swap(&mut v, &mut w);
    let mut s = v[0] * v.len() as f64;
    for k in 0..w.len() {
        s += w[k] * (k as f64 + 1.0);
    }
    s
}

#[differentiable]
fn moved_to(x: &[f64]) -> f64 {
    let mut held = vec![x[0]; 2];
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * x[i] - x[1]);
    }
    held = v;
    let mut s = 0.0;
    for k in 0..held.len() {
        s += held[k] * (k as f64 + 1.0);
    }
    s * held.len() as f64
}

// ---------------------------------------------------------------------------------------------
// checks, blocks, closures, branches in the trip

#[differentiable]
fn checks_after(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * 0.5);
    }
    assert!(v.len() == x.len(), "length");
    assert_eq!(v.len(), x.len());
    debug_assert!(v.len() == x.len());
    v[0] * v[v.len() - 1]
}

#[differentiable]
fn checks_in_trip(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * 0.5 + x[0]);
        debug_assert!(v.len() == i + 1, "pushed one");
        assert!(v.len() <= x.len());
    }
    v[0] * v[v.len() - 1] + v[1]
}

#[differentiable]
fn check_before_push(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        assert_eq!(v.len(), i);
        v.push(x[i] * x[i]);
    }
    v[0] * v[v.len() - 1] + v[1]
}

#[differentiable]
fn blocks_in_trip(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let y = {
            let t = x[i] * x[0];
            t * t + 1.0
        };
        let z = if x[i] > 0.0 { y * 2.0 } else { -y * 0.5 };
        v.push(if z > 0.5 { z.sqrt() } else { z });
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 1.0);
    }
    s
}

#[differentiable]
fn match_in_trip(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let y = match i % 3 {
            0 => x[i] * 2.0,
            1 => x[i].sin(),
            _ => x[i] * x[0],
        };
        v.push(y);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * v[(k + 1) % v.len()];
    }
    s
}

/// A counted `while` loop pushing once per trip.
#[differentiable]
fn counted_while(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut i = 0;
    while i < n {
        v.push(x[i] * x[(i + 1) % n]);
        i += 1;
    }
    let mut w = Vec::new();
    let mut j: usize = 0;
    while j < v.len() {
        w.push(v[j] + x[j]);
        j = j + 1;
    }
    let mut s = i as f64 + j as f64;
    for k in 0..w.len() {
        s += w[k] * (k as f64 + 1.0);
    }
    s
}

/// A helper's value pushed.
#[differentiable]
fn sq(a: f64) -> f64 {
    a * a
}

#[differentiable]
fn helper_pushed(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(sq(x[i]) * x[0]);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * (k as f64 + 1.0);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// stencils: a fresh buffer per step

/// `Vec::new()` per step, moved over the outer buffer.
#[differentiable]
fn stencil_new(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..5 {
        let mut next = Vec::new();
        for i in 0..n {
            let l = if i > 0 { u[i - 1] } else { u[n - 1] };
            next.push(u[i] + k * (l - u[i]) * u[i]);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A rotation `prev = u; u = next;` (a leapfrog wave step).
#[differentiable]
fn leapfrog(u0: &[f64], c: f64) -> f64 {
    let n = u0.len();
    let mut prev = u0.to_vec();
    let mut u = u0.to_vec();
    for _ in 0..6 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            let l = if i > 0 { u[i - 1] } else { 0.0 };
            let r = if i + 1 < n { u[i + 1] } else { 0.0 };
            next.push(2.0 * u[i] - prev[i] + c * (l - 2.0 * u[i] + r));
        }
        prev = u;
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] + prev[i] * 0.5;
    }
    s
}

/// The fresh buffer's length changes per step (one shorter each time), and the step count
/// reads the buffer.
#[differentiable]
fn shrinking(u0: &[f64], k: f64) -> f64 {
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let m = u.len() - 1;
        let mut next = Vec::with_capacity(m);
        for i in 0..m {
            next.push(u[i] * k + u[i + 1] * (1.0 - k));
        }
        u = next;
    }
    let mut s = u.len() as f64;
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

/// The fresh buffer `next` pushed, then more pushed after the inner loop, then moved.
#[differentiable]
fn stencil_extra(u0: &[f64], k: f64) -> f64 {
    let mut u = u0.to_vec();
    for t in 0..3 {
        let n = u.len();
        let mut next = Vec::with_capacity(n + 1);
        for i in 0..n {
            next.push(u[i] * k + u[(i + 1) % n] * 0.5);
        }
        next.push(u[0] * (t as f64 + 1.0));
        u = next;
    }
    let mut s = u.len() as f64;
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// The fresh buffer's capacity checked: `Vec::new()` has none (a reused buffer would).
#[differentiable]
fn capacity_seen(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let mut next = Vec::new();
        assert_eq!(next.capacity(), 0, "Vec::new() allocates nothing");
        for i in 0..n {
            next.push(u[i] * k);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// generic, f32, second order

#[differentiable]
fn generic_map<T: Real>(x: &[T], k: T) -> T {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = Vec::new();
        for i in 0..n {
            next.push(u[i] * k + u[(i + 1) % n] * u[i]);
        }
        u = next;
    }
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        v.push(u[i] * u[i]);
    }
    v.push(k);
    let mut s = T::zero();
    for i in 0..v.len() {
        s += v[i];
    }
    s
}

#[differentiable]
fn f32_map(x: &[f32]) -> f32 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * x[i] + 0.5 * x[0]);
    }
    v[0] * v[v.len() - 1] + v.len() as f32
}

#[differentiable]
fn f64_map(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * x[i] + 0.5 * x[0]);
    }
    v[0] * v[v.len() - 1] + v.len() as f64
}

#[differentiable(order = 2)]
fn energy2(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..3 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            next.push(u[i] * u[(i + 1) % n] * 0.5 + u[i]);
        }
        u = next;
    }
    let mut v = Vec::new();
    for i in 0..n {
        v.push(u[i].sin() * x[i]);
    }
    v.push(x[0] * x[1]);
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable(order = 2)]
fn energy2_generic<T: Real>(x: &[T]) -> T {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for i in 0..x.len() {
        a.push(x[i] * x[i]);
        b.push(x[i].exp());
    }
    let mut s = T::zero();
    for i in 0..a.len() {
        s += a[i] * b[b.len() - 1 - i];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// container loops, scopes in the trip, other spellings of an empty Vec

/// Pushes in container loops: `enumerate`, a plain `iter`, `zip`, by value.
#[differentiable]
fn container_loops(x: &[f64], y: &[f64]) -> f64 {
    let mut a = Vec::new();
    for (i, xi) in x.iter().enumerate() {
        a.push(xi * xi + i as f64 * y[0]);
    }
    let mut b = Vec::with_capacity(x.len());
    for xi in x.iter() {
        b.push(xi.sin() * y[1]);
    }
    let mut c = Vec::new();
    for (xi, yi) in x.iter().zip(y.iter()) {
        c.push(xi * yi);
    }
    let mut d = Vec::new();
    for bi in &b {
        d.push(bi * 2.0 + c[0]);
    }
    let mut s = (a.len() + b.len() + c.len() + d.len()) as f64;
    for k in 0..a.len() {
        s += a[k] * b[k] + d[k] * (k as f64 + 1.0);
    }
    for k in 0..c.len() {
        s += c[k] * c[k];
    }
    s
}

/// A container loop left by a `break` (the pushes fewer than the elements) and one whose trip
/// returns.
#[differentiable]
fn container_exits(x: &[f64], y: &[f64]) -> f64 {
    let mut a = Vec::new();
    for xi in x.iter() {
        if *xi > 0.6 {
            break;
        }
        a.push(xi * y[0]);
    }
    let mut b = Vec::new();
    for (xi, yi) in x.iter().zip(y.iter()) {
        b.push(xi + yi);
        if xi * yi > 0.3 {
            return b[0] * a.len() as f64 + y[1];
        }
    }
    let mut s = a.len() as f64 + b.len() as f64;
    for k in 0..a.len() {
        s += a[k] * (k as f64 + 1.0);
    }
    for k in 0..b.len() {
        s += b[k] * b[k];
    }
    s
}

/// The push in a block of the trip (`{ .. }`), which shadows the loop variable.
#[differentiable]
fn push_in_scope(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let t = x[i] * x[0];
        {
            let i = i / 2;
            v.push(t + x[i]);
        }
    }
    v[1] * 2.0 + v[2] * 3.0 + v[v.len() - 1] * 5.0
}

/// The push in a block of the trip without shadowing, and a second scope after it.
#[differentiable]
fn push_in_plain_scope(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        {
            let t = x[i] * x[i];
            v.push(t - x[0]);
        }
        {
            s += x[i];
        }
    }
    s * v[v.len() - 1] + v[0] * v[1]
}

/// `vec![]`, `Vec::<f64>::new()` and a typed `let`.
#[differentiable]
fn empty_spellings(x: &[f64]) -> f64 {
    let mut a = vec![];
    for i in 0..x.len() {
        a.push(x[i] * 2.0);
    }
    let mut b = Vec::<f64>::new();
    for i in 0..x.len() {
        b.push(a[i] * x[i]);
    }
    let mut c: Vec<f64> = Vec::with_capacity(1);
    for i in 0..x.len() {
        c.push(b[i] + 1.0);
    }
    let mut s = 0.0;
    for k in 0..c.len() {
        s += c[k] * (k as f64 + 1.0) + a[k];
    }
    s
}

/// An early exit written with a `match` on an `Option` (what `?` would do), before the push.
#[differentiable]
fn option_exit(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let got = x.get(i + 1).copied();
        let next = match got {
            Some(a) => a,
            None => return v.len() as f64 * x[0],
        };
        v.push(x[i] * next);
    }
    v[0]
}

/// A `continue` after the push (the loop keeps one push per trip, but has a `continue`).
#[differentiable]
fn continue_after_push(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * x[i]);
        if x[i] < 0.0 {
            continue;
        }
        s += x[i];
    }
    s * v[v.len() - 1] + v[0] + v.len() as f64
}

/// The pushing loop inside a branch arm, with its `Vec` made there.
#[differentiable]
fn loop_in_branch(x: &[f64]) -> f64 {
    if x[0] > 0.0 {
        let mut v = Vec::new();
        for i in 0..x.len() {
            v.push(x[i] * x[0]);
        }
        v[0] + v[v.len() - 1] * 2.0
    } else {
        let mut w = Vec::with_capacity(2);
        for i in 0..2 {
            w.push(x[i + 1] * 3.0);
        }
        w[0] * w[1]
    }
}

/// Pushing loops nested: the outer pushes each row's sum, after the inner loop pushed the row.
#[differentiable]
fn nested_pushes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut sums = Vec::with_capacity(3);
    for r in 0..3 {
        let mut row = Vec::new();
        for j in 0..n {
            row.push(x[j] * x[(j + r) % n]);
        }
        let mut t = 0.0;
        for j in 0..row.len() {
            t += row[j];
        }
        sums.push(t * (r as f64 + 1.0));
    }
    sums[0] * sums[1] + sums[2]
}

/// A counted `while` in the trip, before the push.
#[differentiable]
fn while_in_trip(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        let mut t = x[i];
        let mut k = 0;
        while k < 3 {
            t = t * 0.9 + x[k] * 0.1;
            k += 1;
        }
        v.push(t);
    }
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * v[j] * (j as f64 + 1.0);
    }
    s
}

/// A scan: the fresh buffer read back in the trip (no sized buffer), moved over the outer one.
#[differentiable]
fn scan_steps(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            let prev = if i > 0 { next[i - 1] } else { 0.0 };
            next.push(u[i] + k * prev);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A fresh buffer moved over the outer one only on some steps (a `continue` skips the move).
#[differentiable]
fn sometimes_moved(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for t in 0..4 {
        let mut next = Vec::new();
        for i in 0..n {
            next.push(u[i] * k + u[(i + 1) % n]);
        }
        if t == 2 {
            continue;
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// The outer buffer itself made by pushes, then stepped with fresh buffers, three in rotation.
#[differentiable]
fn three_buffers(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut u = Vec::new();
    for i in 0..n {
        u.push(x[i] * 0.5);
    }
    let mut p1 = u.clone();
    let mut p2 = u.clone();
    for _ in 0..4 {
        let mut next = Vec::with_capacity(n);
        for i in 0..n {
            next.push(u[i] + k * (p1[i] - p2[i]));
        }
        p2 = p1;
        p1 = u;
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] + p1[i] * p2[i];
    }
    s
}

/// Elements borrowed by the loop pushed as copies (`*xi`, `&xi` patterns).
#[differentiable]
fn borrowed_elems(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    for xi in x.iter() {
        a.push(*xi);
    }
    let mut b = Vec::new();
    for &xi in x.iter() {
        b.push(xi * 2.0);
    }
    let mut c = Vec::new();
    for i in 0..x.len() {
        let r = &x[i];
        c.push(*r * a[i]);
    }
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * b[k] * c[k];
    }
    s
}

/// Container loops over views and zips with a pushed `Vec`; `enumerate`'s index shadowed in
/// the trip (the push's index is the loop's own).
#[differentiable]
fn container_views(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    for xi in x[1..].iter() {
        a.push(*xi * 2.0);
    }
    let mut b = Vec::new();
    for (i, xi) in x[2..].iter().enumerate() {
        let i = i + 2;
        b.push(xi * x[i - 1]);
    }
    let mut c = Vec::new();
    for (ai, xi) in a.iter().zip(x.iter()) {
        c.push(ai * xi);
    }
    let mut s = (a.len() * 100 + b.len() * 10 + c.len()) as f64;
    for k in 0..b.len() {
        s += a[k] * b[k] + c[k];
    }
    s + c[c.len() - 1] * a[a.len() - 1]
}

/// A labelled `loop` run once around the pushing loop (labelled blocks are refused), left by
/// `break 'blk value` from the trip.
#[differentiable]
fn labelled_block_exit(x: &[f64]) -> f64 {
    let r = 'blk: loop {
        let mut v = Vec::new();
        for i in 0..x.len() {
            v.push(x[i] * x[0]);
            if x[i] > 0.6 {
                break 'blk x[i] * 2.0;
            }
        }
        break 'blk v[v.len() - 1] + v.len() as f64;
    };
    r * x[1]
}

#[differentiable(order = 2)]
fn container_energy(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for (i, xi) in x.iter().enumerate() {
        v.push(xi * xi * (i as f64 + 1.0) + xi.sin());
    }
    let mut w = Vec::new();
    for vi in v.iter() {
        w.push(vi * vi);
    }
    let mut s = 0.0;
    for k in 0..w.len() {
        s += w[k] * x[(k + 1) % x.len()];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// tests

fn point() -> Vec<f64> {
    sines(7, 0.7)
}

#[test]
fn exits_from_nested_loops_and_returns() {
    for amp in [0.3, 0.7, 1.4] {
        let x = sines(7, amp);
        full!(
            labelled_break,
            labelled_break_grad,
            labelled_break_vjp,
            labelled_break_jvp,
            x
        );
        full!(
            break_outer_after_push,
            break_outer_after_push_grad,
            break_outer_after_push_vjp,
            break_outer_after_push_jvp,
            x
        );
        full!(
            labelled_continue,
            labelled_continue_grad,
            labelled_continue_vjp,
            labelled_continue_jvp,
            x
        );
        full!(
            inner_loop_exits,
            inner_loop_exits_grad,
            inner_loop_exits_vjp,
            inner_loop_exits_jvp,
            x
        );
        full!(
            return_after_push,
            return_after_push_grad,
            return_after_push_vjp,
            return_after_push_jvp,
            x
        );
    }
    // the exits really are taken at some amplitude and not at another
    assert!(labelled_break(&sines(7, 1.4)) != labelled_break(&sines(7, 0.3)));
}

#[test]
fn reads_after_the_loop_and_more_pushes() {
    let x = point();
    full!(
        tail_reads,
        tail_reads_grad,
        tail_reads_vjp,
        tail_reads_jvp,
        x
    );
    full!(
        last_and_first,
        last_and_first_grad,
        last_and_first_vjp,
        last_and_first_jvp,
        x
    );
    full!(
        pushed_twice,
        pushed_twice_grad,
        pushed_twice_vjp,
        pushed_twice_jvp,
        x
    );
    full!(
        consecutive_loops,
        consecutive_loops_grad,
        consecutive_loops_vjp,
        consecutive_loops_jvp,
        x
    );
    full!(
        truncate_and_pop,
        truncate_and_pop_grad,
        truncate_and_pop_vjp,
        truncate_and_pop_jvp,
        x
    );
}

#[test]
fn several_vecs() {
    let x = point();
    full!(two_vecs, two_vecs_grad, two_vecs_vjp, two_vecs_jvp, x);
    full!(
        reads_other_pushed,
        reads_other_pushed_grad,
        reads_other_pushed_vjp,
        reads_other_pushed_jvp,
        x
    );
    full!(
        declared_outside,
        declared_outside_grad,
        declared_outside_vjp,
        declared_outside_jvp,
        x
    );
    full!(
        rows_of_pushes,
        rows_of_pushes_grad,
        rows_of_pushes_vjp,
        rows_of_pushes_jvp,
        x
    );
}

#[test]
fn shadowed_loop_variable_int() {
    let x = point();
    full!(
        shadowed_index,
        shadowed_index_grad,
        shadowed_index_vjp,
        shadowed_index_jvp,
        x
    );
}

#[test]
fn shadowed_loop_variable_float() {
    let x = point();
    full!(
        shadowed_by_float,
        shadowed_by_float_grad,
        shadowed_by_float_vjp,
        shadowed_by_float_jvp,
        x
    );
}

#[test]
fn shadowed_loop_variable_in_range() {
    let x = point();
    full!(
        shadowed_index_small,
        shadowed_index_small_grad,
        shadowed_index_small_vjp,
        shadowed_index_small_jvp,
        x
    );
}

#[test]
fn names_and_shadowed_vecs() {
    let x = point();
    full!(odd_names, odd_names_grad, odd_names_vjp, odd_names_jvp, x);
    full!(
        shadowed_vec,
        shadowed_vec_grad,
        shadowed_vec_vjp,
        shadowed_vec_jvp,
        x
    );
    full!(
        shadow_in_trip,
        shadow_in_trip_grad,
        shadow_in_trip_vjp,
        shadow_in_trip_jvp,
        x
    );
}

#[test]
fn loop_variable_types_and_ranges() {
    let x = point();
    full!(
        index_types,
        index_types_grad,
        index_types_vjp,
        index_types_jvp,
        x
    );
    full!(
        index_usize,
        index_usize_grad,
        index_usize_vjp,
        index_usize_jvp,
        x
    );
    full!(
        computed_ranges,
        computed_ranges_grad,
        computed_ranges_vjp,
        computed_ranges_jvp,
        x
    );
    for first in [0.4, -0.4] {
        let mut x = point();
        x[0] = first;
        full!(
            maybe_zero_trips,
            maybe_zero_trips_grad,
            maybe_zero_trips_vjp,
            maybe_zero_trips_jvp,
            x
        );
    }
}

#[test]
fn handed_on_helpers_swaps_moves() {
    let x = point();
    full!(
        helper_after,
        helper_after_grad,
        helper_after_vjp,
        helper_after_jvp,
        x
    );
    full!(swapped, swapped_grad, swapped_vjp, swapped_jvp, x);
    full!(moved_to, moved_to_grad, moved_to_vjp, moved_to_jvp, x);
}

#[test]
fn checks_blocks_closures_branches() {
    let x = point();
    full!(
        checks_after,
        checks_after_grad,
        checks_after_vjp,
        checks_after_jvp,
        x
    );
    full!(
        checks_in_trip,
        checks_in_trip_grad,
        checks_in_trip_vjp,
        checks_in_trip_jvp,
        x
    );
    full!(
        check_before_push,
        check_before_push_grad,
        check_before_push_vjp,
        check_before_push_jvp,
        x
    );
    full!(
        blocks_in_trip,
        blocks_in_trip_grad,
        blocks_in_trip_vjp,
        blocks_in_trip_jvp,
        x
    );
    full!(
        match_in_trip,
        match_in_trip_grad,
        match_in_trip_vjp,
        match_in_trip_jvp,
        x
    );
    full!(
        counted_while,
        counted_while_grad,
        counted_while_vjp,
        counted_while_jvp,
        x
    );
    full!(
        helper_pushed,
        helper_pushed_grad,
        helper_pushed_vjp,
        helper_pushed_jvp,
        x
    );
}

#[test]
fn stencils_with_fresh_buffers() {
    let u = sines(9, 0.6);
    for k in [0.15, 0.4] {
        slice_scalar_check("stencil_new", stencil_new, stencil_new_grad(&u, k), &u, k);
        slice_scalar_check("leapfrog", leapfrog, leapfrog_grad(&u, k), &u, k);
        slice_scalar_check("shrinking", shrinking, shrinking_grad(&u, k), &u, k);
        slice_scalar_check(
            "stencil_extra",
            stencil_extra,
            stencil_extra_grad(&u, k),
            &u,
            k,
        );
    }
}

#[test]
fn capacity_of_a_fresh_buffer() {
    let u = sines(9, 0.6);
    slice_scalar_check(
        "capacity_seen",
        capacity_seen,
        capacity_seen_grad(&u, 0.3),
        &u,
        0.3,
    );
}

#[test]
fn generic_f32_and_second_order() {
    let x = point();
    slice_scalar_check(
        "generic_map",
        generic_map::<f64>,
        generic_map_grad(&x[..], 0.3),
        &x,
        0.3,
    );
    let (_, (g64, k64)) = generic_map_grad(&x[..], 0.3);
    let (_, (g32, k32)) = generic_map_grad(&to32(&x)[..], 0.3f32);
    agree("generic_map f32", &g64, &g32, 1e-4);
    agree("generic_map f32 k", &[k64], &[k32], 1e-4);
    let (y64, g) = f64_map_grad(&x);
    check_value_grad("f64_map", f64_map, (y64, g.clone()), &x);
    let (y32, g32) = f32_map_grad(&to32(&x));
    assert!((f64::from(y32) - y64).abs() < 1e-4 * (1.0 + y64.abs()));
    agree("f32_map", &g, &g32, 1e-4);

    let (_, g) = energy2_grad(&x);
    check("energy2", energy2, &g, &x);
    let dir: Vec<f64> = x.iter().map(|a| 0.2 - a).collect();
    let (_, _, hv) = energy2_hvp(&x, dir.clone());
    check_hvp("energy2", |y| energy2_grad(y).1, &hv, &x, &dir);

    let (_, g) = energy2_generic_grad(&x[..]);
    check("energy2_generic", energy2_generic::<f64>, &g, &x);
    let (_, _, hv) = energy2_generic_hvp(&x[..], dir.clone());
    check_hvp(
        "energy2_generic",
        |y| energy2_generic_grad(y).1,
        &hv,
        &x,
        &dir,
    );
}

#[test]
fn container_loops_and_exits() {
    let x = point();
    let y = sines(7, -0.55);
    support::pair_check(
        "container_loops",
        container_loops,
        container_loops_grad(&x, &y),
        &x,
        &y,
    );
    for amp in [0.3, 0.9] {
        let x = sines(7, amp);
        support::pair_check(
            "container_exits",
            container_exits,
            container_exits_grad(&x, &y),
            &x,
            &y,
        );
    }
    // a shorter second container: the zip stops at it
    let y3 = sines(3, 0.4);
    support::pair_check(
        "container_loops",
        container_loops,
        container_loops_grad(&x, &y3),
        &x,
        &y3,
    );
}

#[test]
fn pushes_in_scopes() {
    let x = point();
    full!(
        push_in_scope,
        push_in_scope_grad,
        push_in_scope_vjp,
        push_in_scope_jvp,
        x
    );
}

#[test]
fn pushes_in_plain_scopes_and_spellings() {
    let x = point();
    full!(
        push_in_plain_scope,
        push_in_plain_scope_grad,
        push_in_plain_scope_vjp,
        push_in_plain_scope_jvp,
        x
    );
    full!(
        empty_spellings,
        empty_spellings_grad,
        empty_spellings_vjp,
        empty_spellings_jvp,
        x
    );
    full!(
        option_exit,
        option_exit_grad,
        option_exit_vjp,
        option_exit_jvp,
        x
    );
    full!(
        continue_after_push,
        continue_after_push_grad,
        continue_after_push_vjp,
        continue_after_push_jvp,
        x
    );
    for first in [0.5, -0.5] {
        let mut x = point();
        x[0] = first;
        full!(
            loop_in_branch,
            loop_in_branch_grad,
            loop_in_branch_vjp,
            loop_in_branch_jvp,
            x
        );
    }
    full!(
        nested_pushes,
        nested_pushes_grad,
        nested_pushes_vjp,
        nested_pushes_jvp,
        x
    );
    full!(
        while_in_trip,
        while_in_trip_grad,
        while_in_trip_vjp,
        while_in_trip_jvp,
        x
    );
    full!(
        borrowed_elems,
        borrowed_elems_grad,
        borrowed_elems_vjp,
        borrowed_elems_jvp,
        x
    );
}

#[test]
fn more_fresh_buffer_steps() {
    let u = sines(8, 0.6);
    for k in [0.2, 0.45] {
        slice_scalar_check("scan_steps", scan_steps, scan_steps_grad(&u, k), &u, k);
        slice_scalar_check(
            "sometimes_moved",
            sometimes_moved,
            sometimes_moved_grad(&u, k),
            &u,
            k,
        );
        slice_scalar_check(
            "three_buffers",
            three_buffers,
            three_buffers_grad(&u, k),
            &u,
            k,
        );
    }
}

#[test]
fn container_second_order() {
    let x = point();
    let (y, g) = container_energy_grad(&x);
    check_value_grad("container_energy", container_energy, (y, g), &x);
    let dir: Vec<f64> = x.iter().map(|a| 0.1 + a * 0.5).collect();
    let (_, _, hv) = container_energy_hvp(&x, dir.clone());
    check_hvp(
        "container_energy",
        |y| container_energy_grad(y).1,
        &hv,
        &x,
        &dir,
    );
}
