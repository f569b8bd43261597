//! Local tables read again in the reverse sweep from a kept copy (moved in when the reading
//! statement names the table last), and plain adjoints of elements of local float containers,
//! under forms that stress both: rows of rows, arrays of arrays, shadowed names, `f32` tables
//! whose element type comes from inference, generic `T: Real` code, second order, tables read
//! in nested loops, branches, `while` and `loop` with `break`, function tails, tables named
//! after the reading loop (by a sum, a length, macros, a move, a swap, a truncation, a helper
//! call, a range borrow), index tables of `usize`, and element reads that feed recomputed
//! values, branch conditions and infinite partials. Gradients are checked against central
//! differences or analytic values, and tables borrowed through a method result (`t.first()`,
//! `t.as_slice()`, `t.last()`) still compile.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::vec_init_then_push,
    clippy::useless_vec,
    clippy::manual_memcpy
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, sines};

fn point(n: usize) -> Vec<f64> {
    sines(n, 0.7).iter().map(|v| v + 0.3).collect()
}

/// Rows of rows: `vec![vec![0.0; n]; m]` filled, then read as `w[i][j]` by a later loop that
/// names it last.
#[differentiable(order = 2)]
fn rows_table(x: &[f64]) -> f64 {
    let n = x.len();
    let mut w = vec![vec![0.0; n]; 3];
    for i in 0..3 {
        for j in 0..n {
            w[i][j] = x[j] * (i as f64 + 1.0) + x[(j + i) % n];
        }
    }
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..n {
            s += w[i][j] * w[i][j] * x[j];
        }
    }
    s
}

/// An array of arrays and a flat array, both tables read last by one loop.
#[differentiable]
fn arrays_table(x: &[f64]) -> f64 {
    let mut a = [[0.0; 3]; 2];
    let mut b = [0.0; 3];
    for j in 0..3 {
        a[0][j] = x[j].sin();
        a[1][j] = x[j] * x[j];
        b[j] = x[j] + 1.0;
    }
    let mut s = 0.0;
    for k in 0..x.len() {
        s += a[k % 2][k % 3] * b[(k + 1) % 3] * x[k];
    }
    s
}

/// A float table shadowed by a table of rows under the same name.
#[differentiable]
fn shadowed_table(x: &[f64]) -> f64 {
    let v = vec![0.5; 3];
    let mut s = 0.0;
    for i in 0..3 {
        s += v[i] * x[i];
    }
    let v = vec![vec![x[0] * 2.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            s += v[i][j] * x[i + j];
        }
    }
    s
}

/// `vec![0.0; n]` whose element type is `f32` only by inference.
#[differentiable]
fn inferred_f32(u: &[f32]) -> f32 {
    let n = u.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = u[k] * u[k] + 0.5 * u[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * t[(k + 1) % n] * u[k];
    }
    s
}

#[differentiable]
fn inferred_f64(u: &[f64]) -> f64 {
    let n = u.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = u[k] * u[k] + 0.5 * u[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * t[(k + 1) % n] * u[k];
    }
    s
}

/// `Vec::with_capacity` grown by pushing `f32` values, read by a later loop.
#[differentiable]
fn pushed_f32(u: &[f32]) -> f32 {
    let mut t = Vec::with_capacity(u.len());
    for k in 0..u.len() {
        let e: f32 = u[k].exp();
        t.push(e);
    }
    let mut s = 0.0f32;
    for k in 0..u.len() {
        s += t[k] * u[(k + 2) % u.len()];
    }
    s
}

/// Generic over `T: Real`: a table from a repeat of an element, read last by a loop.
#[differentiable]
fn generic_table<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut t = vec![x[0]; n];
    for k in 1..n {
        t[k] = t[k - 1] * x[k] + x[0];
    }
    let mut s = T::zero();
    for k in 0..n {
        s += t[k] * t[k];
    }
    s
}

/// A table read in a branch inside nested loops, its condition on a table element.
#[differentiable(order = 2)]
fn branch_on_table(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = (x[k] * 1.3).sin();
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            if t[j] > t[i] {
                s += t[j] * x[i];
            } else {
                s -= t[i] * t[i] * x[j];
            }
        }
    }
    s
}

/// A `while` loop that leaves by `break` reads the table last.
#[differentiable]
fn while_break_table(x: &[f64], #[no_grad] limit: f64) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[k] + 0.1;
    }
    let mut s = 0.0;
    let mut k = 0;
    while k < 4 * n {
        s += t[k % n] * x[(k + 1) % n];
        if s > limit {
            break;
        }
        k += 1;
    }
    s
}

/// `loop` with `break value` reading the table, the value then used.
#[differentiable]
fn loop_break_value(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![1.0; n];
    for k in 0..n {
        t[k] = x[k].exp();
    }
    let mut i = 0;
    let mut acc = 0.0;
    let r = loop {
        acc += t[i] * x[n - 1 - i];
        i += 1;
        if i == n {
            break acc * t[0];
        }
    };
    r + acc
}

/// The table named after the reading loop by a sum and a length.
#[differentiable]
fn named_by_sum_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[(k + 1) % n];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k];
    }
    let tot: f64 = t.iter().sum();
    s * tot / (t.len() as f64)
}

/// The table moved into another local after the reading loop, and read there.
#[differentiable]
fn moved_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k].sin() * x[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[(k + 1) % n];
    }
    let u = t;
    s + u[0] * u[n - 1]
}

/// Two tables swapped after the loop that reads them, then read again.
#[differentiable]
fn swapped_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![0.0; n];
    let mut b = vec![0.0; n];
    for k in 0..n {
        a[k] = x[k] * 2.0;
        b[k] = x[k] * x[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += a[k] * b[(k + 1) % n];
    }
    std::mem::swap(&mut a, &mut b);
    s + a[0] * 3.0 + b[1]
}

#[differentiable]
fn dot_helper(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// The table read by a loop and then passed to a helper by reference.
#[differentiable]
fn helper_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] + x[(k + 2) % n];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * t[k];
    }
    s + dot_helper(&t, x)
}

/// The table passed to a helper by reference inside the loop that reads it last.
#[differentiable]
fn helper_inside(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k].cos();
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k] + 0.1 * dot_helper(&t, x);
    }
    s
}

/// An index table of `usize` grown by pushes, read as indices into a float table.
#[differentiable]
fn usize_indices(x: &[f64]) -> f64 {
    let n = x.len();
    let mut idx = Vec::new();
    for k in 0..n {
        idx.push((k * 3 + 1) % n);
    }
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[idx[k]] * x[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        let j = idx[k];
        s += t[j] * x[k];
    }
    s
}

/// Element reads of a table rewritten in the same loop feed recomputed values (`d` from `a`).
#[differentiable]
fn recipe_from_elements(x: &[f64], c: f64) -> f64 {
    let mut t = x.to_vec();
    for _ in 0..3 {
        for k in 0..t.len() {
            let a = t[k];
            let d = a * a - c;
            let e = d * a;
            t[k] = a - 0.1 * e;
        }
    }
    let mut s = 0.0;
    for k in 0..t.len() {
        s += t[k] * t[k];
    }
    s
}

/// A branch on an element of a table that later changes, in a loop that changes it.
#[differentiable]
fn condition_on_changing_table(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k];
    }
    let mut s = 0.0;
    for it in 0..3 {
        for k in 0..n {
            let a = t[k];
            if a > 0.2 * (it as f64) {
                s += a * x[k];
                t[k] = a * 0.5 - x[(k + 1) % n];
            } else {
                s -= a * a;
                t[k] = a + 0.3;
            }
        }
    }
    s
}

/// Second order: a table of rows read last by nested loops.
#[differentiable(order = 2)]
fn order2_table(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k].exp() * x[(k + 1) % n];
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += t[i] * t[j] * x[(i + j) % n];
        }
    }
    s
}

/// A constant table borrowed as a range before the loop that reads it, the borrow read after.
#[differentiable]
fn range_borrowed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = (k as f64 + 1.0).sin();
    }
    let sl = &t[1..];
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k];
    }
    s * sl[0]
}

/// The reading loop inside an `if` that is the function's tail.
#[differentiable]
fn read_in_tail_if(x: &[f64], #[no_grad] b: bool) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[k];
    }
    if b {
        let mut s = 0.0;
        for k in 0..n {
            s += t[k] * x[k];
        }
        s
    } else {
        x[0]
    }
}

/// The table named after the reading loop only in macros inside another loop and in a
/// `debug_assert!`.
#[differentiable]
fn named_by_macros_in_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        s += t[k] * x[k];
    }
    for k in 0..n {
        assert!(t[k].is_finite(), "{:.3}", t[k]);
    }
    debug_assert!(t[0] < 10.0);
    s
}

/// Element reads whose adjoint stays zero (the arm for `k == 1` is never taken) feed `sqrt` and
/// `ln`, whose partials are infinite at `x[1] = 0`: the zero adjoint must contribute zero.
#[differentiable]
fn zero_adjoint_infinite_partial(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![0.0; n];
    for k in 0..n {
        t[k] = x[k] * x[k];
    }
    let mut s = 0.0;
    for k in 0..n {
        let a = t[k];
        let b = a.sqrt();
        let c = a.ln();
        if k != 1 {
            s += b + c;
        }
    }
    s
}

/// The same name for a float container, a container of rows and a container made per trip, in
/// inner blocks and a loop body.
#[differentiable]
fn block_shadows(x: &[f64]) -> f64 {
    let mut s = 0.0;
    {
        let v = vec![x[0] * 2.0; 2];
        for i in 0..2 {
            s += v[i] * x[i + 1];
        }
    }
    {
        let v = vec![vec![x[1]; 2]; 2];
        for i in 0..2 {
            let r = v[i].clone();
            s += r[0] * r[1] * x[i];
        }
    }
    for i in 0..2 {
        let v = vec![x[2]; 3];
        let w = v[i] * x[i];
        s += w * w;
    }
    s
}

/// A pushed table read by a loop, then truncated, pushed again and read.
#[differentiable]
fn truncated_after(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for k in 0..x.len() {
        v.push(x[k] * x[k]);
    }
    let mut s = 0.0;
    for k in 0..x.len() {
        s += v[k] * x[(k + 1) % x.len()];
    }
    v.truncate(1);
    v.push(s);
    s + v[0] * v[1]
}

/// The value against the function and the gradient against central differences.
fn check1(name: &str, f: impl Fn(&[f64]) -> f64, g: (f64, Vec<f64>), x: &[f64]) {
    assert!(
        (g.0 - f(x)).abs() < 1e-12 * (1.0 + g.0.abs()),
        "{name}: value"
    );
    check(name, f, &g.1, x);
}

/// `check1` of a function of one slice through its `_grad` companion.
macro_rules! ok {
    ($f:ident, $g:ident, $x:expr) => {
        check1(stringify!($f), $f, $g($x), $x)
    };
}

/// Gradients of a function of a slice and one scalar, against central differences.
fn check2(
    name: &str,
    f: impl Fn(&[f64], f64) -> f64,
    g: (f64, (Vec<f64>, f64)),
    x: &[f64],
    c: f64,
) {
    let n = x.len();
    let (y, (mut gx, gc)) = g;
    gx.push(gc);
    let mut whole = x.to_vec();
    whole.push(c);
    check1(name, |p: &[f64]| f(&p[..n], p[n]), (y, gx), &whole);
}

#[test]
fn rows_and_arrays_of_arrays() {
    let x = point(5);
    ok!(rows_table, rows_table_grad, &x);
    let v = sines(5, 1.0);
    let (_, _, hv) = rows_table_hvp(&x, v.clone());
    check_hvp("rows_table", |p| rows_table_grad(p).1, &hv, &x, &v);
    ok!(arrays_table, arrays_table_grad, &x);
    ok!(shadowed_table, shadowed_table_grad, &x);
    ok!(block_shadows, block_shadows_grad, &x);
}

#[test]
fn f32_tables_match_f64() {
    let x = point(6);
    ok!(inferred_f64, inferred_f64_grad, &x);
    let u: Vec<f32> = x.iter().map(|v| *v as f32).collect();
    let (_, g32) = inferred_f32_grad(&u);
    let (_, g64) = inferred_f64_grad(&x);
    for (a, b) in g32.iter().zip(&g64) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
    // d/du_k of sum_k e^{u_k} u_{k+2}: e^{u_k} u_{k+2} + e^{u_{k-2}}
    let (y32, gp) = pushed_f32_grad(&u);
    assert!((y32 - pushed_f32(&u)).abs() < 1e-5);
    let n = u.len();
    for k in 0..n {
        let want = (x[k].exp() * x[(k + 2) % n]) + x[(k + n - 2) % n].exp();
        assert!(
            (f64::from(gp[k]) - want).abs() < 1e-4 * (1.0 + want.abs()),
            "{k}"
        );
    }
}

#[test]
fn generic_tables() {
    let x = point(5);
    check1(
        "generic_table",
        generic_table::<f64>,
        generic_table_grad(&x),
        &x,
    );
    let u: Vec<f32> = x.iter().map(|v| *v as f32).collect();
    let (_, g32) = generic_table_grad(&u);
    let (_, g64) = generic_table_grad(&x);
    for (a, b) in g32.iter().zip(&g64) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-3 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
}

#[test]
fn tables_read_in_branches_tails_and_loops_with_exits() {
    let x = point(6);
    ok!(branch_on_table, branch_on_table_grad, &x);
    let v = sines(6, 0.9);
    let (_, _, hv) = branch_on_table_hvp(&x, v.clone());
    check_hvp(
        "branch_on_table",
        |p| branch_on_table_grad(p).1,
        &hv,
        &x,
        &v,
    );
    let full = while_break_table(&x, f64::INFINITY);
    for limit in [f64::INFINITY, 0.3 * full, 0.6 * full] {
        let f = |p: &[f64]| while_break_table(p, limit);
        check1(
            "while_break_table",
            f,
            while_break_table_grad(&x, limit),
            &x,
        );
    }
    ok!(loop_break_value, loop_break_value_grad, &x);
    for b in [false, true] {
        let f = |p: &[f64]| read_in_tail_if(p, b);
        check1("read_in_tail_if", f, read_in_tail_if_grad(&x, b), &x);
    }
}

#[test]
fn tables_named_after_their_reading_loop() {
    let x = point(5);
    ok!(named_by_sum_after, named_by_sum_after_grad, &x);
    ok!(named_by_macros_in_loop, named_by_macros_in_loop_grad, &x);
    ok!(moved_after, moved_after_grad, &x);
    ok!(swapped_after, swapped_after_grad, &x);
    ok!(helper_after, helper_after_grad, &x);
    ok!(helper_inside, helper_inside_grad, &x);
    ok!(range_borrowed, range_borrowed_grad, &x);
    ok!(truncated_after, truncated_after_grad, &x);
}

#[test]
fn element_reads_feed_recipes_and_conditions() {
    let x = point(6);
    ok!(usize_indices, usize_indices_grad, &x);
    let g = recipe_from_elements_grad(&x, 0.4);
    check2("recipe_from_elements", recipe_from_elements, g, &x, 0.4);
    ok!(
        condition_on_changing_table,
        condition_on_changing_table_grad,
        &x
    );
}

#[test]
fn second_order_vjp_and_jvp_through_a_kept_table() {
    let x = point(5);
    let (y, g) = order2_table_grad(&x);
    check1("order2_table", order2_table, (y, g.clone()), &x);
    let v = sines(5, 1.1);
    let (_, _, hv) = order2_table_hvp(&x, v.clone());
    check_hvp("order2_table", |p| order2_table_grad(p).1, &hv, &x, &v);
    let (_, back) = order2_table_vjp(&x);
    let b = back(-1.5);
    for (a, gk) in b.iter().zip(&g) {
        assert!((a + 1.5 * gk).abs() < 1e-10 * (1.0 + gk.abs()));
    }
    let (_, dy) = order2_table_jvp(&x, v.clone());
    let want: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!(
        (dy - want).abs() < 1e-10 * (1.0 + want.abs()),
        "{dy} vs {want}"
    );
}

#[test]
fn a_zero_adjoint_times_an_infinite_partial_is_zero() {
    // f = sum over k != 1 of |x_k| + 2 ln|x_k|: df/dx_k = sign(x_k) + 2 / x_k, and 0 for k = 1
    let x = [0.5, 0.0, 0.7, -0.4];
    let (y, g) = zero_adjoint_infinite_partial_grad(&x);
    assert!((y - zero_adjoint_infinite_partial(&x)).abs() < 1e-12);
    for k in 0..x.len() {
        let want = if k == 1 {
            0.0
        } else {
            x[k].signum() + 2.0 / x[k]
        };
        assert!(
            (g[k] - want).abs() < 1e-12 * (1.0 + want.abs()),
            "{k}: {} vs {want}",
            g[k]
        );
    }
}

/// A constant table borrowed through a method result (`t.first()`, `t.as_slice()`, `t.iter()`)
/// that is used after the loop reading the table last: the table is copied before the loop, not
/// moved into its kept slot after it (which the borrow would forbid, E0505).
#[differentiable]
fn kept_while_borrowed(x: &[f64]) -> f64 {
    let t = vec![0.5, 2.0];
    let head = t.first();
    let mut s = 0.0;
    for k in 0..2 {
        s += t[k] * x[k];
    }
    if head.is_some() { s } else { 0.0 }
}

#[differentiable]
fn kept_while_sliced(x: &[f64]) -> f64 {
    let t = vec![0.5, 2.0];
    let sl = t.as_slice();
    let mut s = 0.0;
    for k in 0..2 {
        s += t[k] * x[k];
    }
    s * sl[1]
}

#[differentiable]
fn kept_while_last_named(x: &[f64]) -> f64 {
    let t = vec![0.5, 2.0, -1.0];
    let last = t.last();
    let mut s = 0.0;
    for k in 0..3 {
        s += t[k] * x[k] * x[k];
    }
    match last {
        Some(v) => s * *v,
        None => s,
    }
}

#[test]
fn a_table_borrowed_by_a_method_result_is_not_moved() {
    // s = 0.5 x0 + 2 x1; the second function multiplies by t[1] = 2
    let (y, g) = kept_while_borrowed_grad(&[1.0, 2.0]);
    assert!((y - 4.5).abs() < 1e-12 && (g[0] - 0.5).abs() < 1e-12 && (g[1] - 2.0).abs() < 1e-12);
    let (y, g) = kept_while_sliced_grad(&[1.0, 2.0]);
    assert!((y - 9.0).abs() < 1e-12 && (g[0] - 1.0).abs() < 1e-12 && (g[1] - 4.0).abs() < 1e-12);
    // -(0.5 x0² + 2 x1² - x2²): gradient -(x0, 4 x1, -2 x2)
    let x = [1.0, 2.0, 3.0];
    let (y, g) = kept_while_last_named_grad(&x);
    assert!((y + (0.5 + 8.0 - 9.0)).abs() < 1e-12, "{y}");
    for (a, b) in g.iter().zip([-1.0, -8.0, 6.0]) {
        assert!((a - b).abs() < 1e-12, "{g:?}");
    }
}
