//! Adversarial tests for three features: ranges borrowed into a variable of an enclosing block
//! (hoisted copies / rebound parameters), ranges passed to re-run calls (scratch buffers), and
//! the `differentiated_local` check on named differentiated locals. Every gradient against
//! central differences in f64 (or an analytic answer where central differences do not apply).

#![allow(
    unused_mut,
    unused_variables,
    unused_assignments,
    clippy::needless_range_loop,
    clippy::needless_late_init,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::redundant_slicing,
    clippy::type_complexity,
    clippy::single_match,
    clippy::erasing_op,
    clippy::let_and_return,
    clippy::manual_memcpy,
    clippy::collapsible_else_if,
    clippy::assign_op_pattern,
    clippy::never_loop,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default
)]

use autodiff::check::{Tolerance, check_gradient};
use autodiff::prelude::*;

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

/// `grad` against central differences of `f` at `x` (`autodiff::check::check_gradient`).
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    if let Err(e) = check_gradient(f, x, grad, 1e-6, Tolerance::new(1e-6, 1e-6)) {
        panic!("{name}: {e}");
    }
}

fn close(name: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
        "{name}: value {a} vs primal {b}"
    );
}

/// Value and gradient at once.
fn vg(name: &str, f: impl Fn(&[f64]) -> f64, r: (f64, Vec<f64>), x: &[f64]) {
    close(name, r.0, f(x));
    check(name, f, &r.1, x);
}

// ================================================================================================
// Feature 1: ranges borrowed into a variable of an enclosing block
// ================================================================================================

/// Nested branches, three arms.
#[differentiable]
fn f1_nested(p: &[f64], c1: bool, c2: bool) -> f64 {
    let r;
    if c1 {
        if c2 {
            r = &p[..3];
        } else {
            r = &p[1..4];
        }
    } else {
        r = &p[2..];
    }
    r[0] * r[1] * r[2] + r[2].sin()
}

/// A match over a range of a range.
#[differentiable]
fn f1_match_of_range(p: &[f64], k: usize) -> f64 {
    let q = &p[1..];
    let r;
    match k {
        0 => r = &q[..2],
        1 if p[0] > 0.0 => r = &q[1..3],
        1 => r = &q[2..4],
        _ => {
            r = &q[q.len() - 2..];
        }
    }
    r[0] * r[1].cos() + q[0]
}

/// `break` between the reassignment and the read after the loop.
#[differentiable]
fn f1_break(p: &[f64]) -> f64 {
    let mut r = &p[..2];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        r = &p[i..i + 2];
        if p[i] > 0.75 {
            break;
        }
        s += r[0] * r[1];
    }
    s + r[0] * r[1] * 3.0
}

/// `continue` skipping the reassignment.
#[differentiable]
fn f1_continue(p: &[f64]) -> f64 {
    let mut r = &p[1..3];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        if p[i] < 0.0 {
            continue;
        }
        r = &p[i..i + 2];
        s += r[0] * r[1];
    }
    s + r[0] * r[1].exp()
}

/// A window that shrinks by rebinding to a range of itself in a `while` loop, starting from the
/// whole parameter (`let mut r = p;`): compiles. Starting from a range (`&p[..]`) does not; see
/// BUG 1 at the end of the file.
#[differentiable]
fn f1_while_self(p: &[f64]) -> f64 {
    let mut r = p;
    let mut s = 0.0;
    while r.len() > 2 {
        s += r[0] * r[1] + r[r.len() - 1];
        r = &r[1..];
    }
    s + r[0] * r[1]
}

/// Early return before the read.
#[differentiable]
fn f1_early_return(p: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        return p[0] * p[0] * p[1];
    }
    r[0] * r[1]
}

/// Two variables, one copied from the other.
#[differentiable]
fn f1_two_vars(p: &[f64], c: bool) -> f64 {
    let mut a = &p[..2];
    let mut b = &p[2..4];
    if c {
        a = &p[1..3];
        b = a;
    } else {
        b = &p[3..5];
    }
    a[0] * b[1] + a[1] * b[0] * b[0]
}

/// Shadowing: two variables named `r`, the second bound late.
#[differentiable]
fn f1_shadow(p: &[f64], c: bool) -> f64 {
    let r = &p[..2];
    let x = r[0] * r[1];
    let r;
    if c {
        r = &p[1..3];
    } else {
        r = &p[2..4];
    }
    x + r[0] * r[1] * x
}

/// Two blocks, each with its own late-bound `r`.
#[differentiable]
fn f1_two_blocks(p: &[f64], c: bool) -> f64 {
    let mut s = 0.0;
    {
        let r;
        if c {
            r = &p[..2];
        } else {
            r = &p[1..3];
        }
        s += r[0] * r[1];
    }
    {
        let r;
        if c {
            r = &p[2..4];
        } else {
            r = &p[3..];
        }
        s += r[0] * r[1].sin();
    }
    s
}

/// A loop whose body declares the owner and borrows a range of it into a late variable.
#[differentiable]
fn f1_owner_in_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in 0..3 {
        let mut v = vec![0.0; p.len()];
        for i in 0..p.len() {
            v[i] = p[i] * (t as f64 + 1.0) + p[(i + t) % p.len()] * p[i];
        }
        let r;
        if t % 2 == 0 {
            r = &v[..2];
        } else {
            r = &v[1..3];
        }
        s += r[0] * r[1];
    }
    s
}

/// A local mutated every trip and borrowed after the writes.
#[differentiable]
fn f1_mutated_owner(p: &[f64]) -> f64 {
    let mut v = vec![1.0; p.len()];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..p.len() {
            v[i] = v[i] * p[i] + 0.1;
        }
        let r;
        if t % 2 == 0 {
            r = &v[..2];
        } else {
            r = &v[1..3];
        }
        s += r[0] * r[1];
    }
    s + v[0]
}

/// `&Vec<f64>` parameter.
#[differentiable]
fn f1_vec_param(p: &Vec<f64>, c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &p[2..];
    }
    r[0] * r[1] + r[0].powi(3)
}

/// `&[f64; 5]` parameter.
#[differentiable]
fn f1_array_param(p: &[f64; 5], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &p[3..];
    }
    r[0] * r[1].tanh()
}

/// A `mut` parameter rebound in a loop and read after it.
#[differentiable]
fn f1_param_loop<'a>(mut r: &'a [f64], p: &'a [f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += r[0] * r[1];
        if p[i] > 0.0 {
            r = &p[i..i + 2];
        }
    }
    s + r[0] * 2.0 + r[1] * r[1]
}

/// A `mut` parameter rebound to a range of itself.
#[differentiable]
fn f1_param_self(mut r: &[f64]) -> f64 {
    let mut s = 0.0;
    while r.len() > 1 {
        s += r[0] * r[1];
        r = &r[1..];
    }
    s + r[0] * r[0]
}

/// Generic, match.
#[differentiable]
fn f1_generic<T: Real>(p: &[T], k: usize) -> T {
    let r;
    match k {
        0 => r = &p[..2],
        _ => r = &p[2..],
    }
    r[0] * r[1] + r[0] * r[0]
}

/// Second order with a loop window and a branch.
#[differentiable(order = 2)]
fn f1_order2(p: &[f64]) -> f64 {
    let mut r = &p[..2];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        if p[i] > 0.0 {
            r = &p[i..i + 2];
        }
        s += r[0] * r[1] * r[1];
    }
    let q;
    if s > 0.0 {
        q = &p[1..3];
    } else {
        q = &p[2..4];
    }
    s + r[0].sin() * r[1] + q[0] * q[1].exp()
}

/// Second order with a rebound parameter.
#[differentiable(order = 2)]
fn f1_order2_param<'a>(mut r: &'a [f64], p: &'a [f64], c: bool) -> f64 {
    if c {
        r = &p[1..];
    }
    r[0] * r[1] * p[0] + r[0].sin()
}

/// A hoisted range passed to a call inside a loop.
#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

#[differentiable]
fn f1_hoisted_to_call(p: &[f64]) -> f64 {
    let mut r = &p[..2];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        if p[i] > 0.0 {
            r = &p[i..i + 2];
        }
        s += dot2(r, &p[i..i + 2]).tanh();
    }
    s + dot2(r, r)
}

/// `loop` with `break` and a type annotation on the late variable.
#[differentiable]
fn f1_loop_annot(p: &[f64]) -> f64 {
    let r: &[f64];
    let mut i = 0;
    loop {
        if p[i] > 0.5 || i + 3 >= p.len() {
            r = &p[i..i + 2];
            break;
        }
        i += 1;
    }
    r[0] * r[1] + r[1]
}

/// A late-bound range in an inner loop, read in the outer loop.
#[differentiable]
fn f1_nested_loops(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut r = &p[..2];
    for i in 0..3 {
        for j in 0..3 {
            if p[i + j] > 0.0 {
                r = &p[i + j..i + j + 2];
            }
        }
        s += r[0] * r[1] * (i as f64 + 1.0);
    }
    s
}

// ================================================================================================
// Feature 2: ranges passed to re-run calls
// ================================================================================================

#[differentiable]
fn sumsq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable]
fn wlen(v: &[f64]) -> f64 {
    let mut s = 0.1;
    for i in 0..v.len() {
        s += (i as f64 + 1.0) * v[i].sin();
    }
    s * (v.len() as f64 + 1.0)
}

#[differentiable]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Recursive over a range of its own slice.
#[differentiable]
fn rsum(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v[0] * v[0] * (v.len() as f64) + rsum(&v[1..])
    }
}

/// Rebinds its `mut` slice parameter in a loop.
#[differentiable]
fn shrink(mut v: &[f64]) -> f64 {
    let mut s = 0.0;
    while v.len() > 1 {
        s += v[0] * v[v.len() - 1];
        v = &v[1..];
    }
    s + v[0]
}

/// Copies its slice and writes it.
#[differentiable]
fn writes_copy(v: &[f64]) -> f64 {
    let mut w = v.to_vec();
    w[0] = w[0] * w[1];
    w[1] = w[1] + w[0];
    w[0] * w[1]
}

/// A `#[no_grad]` parameter.
#[differentiable]
fn weighted(a: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * a[i] * w[i];
    }
    s
}

#[differentiable]
fn sumsq_t<T: Real>(v: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..v.len() {
        s += v[i] * v[i] * v[0];
    }
    s
}

/// Custom rule on a slice.
#[custom_derivative(vjp = csq_rule_vjp, jvp = csq_rule_jvp)]
fn csq(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x * x).sum()
}
fn csq_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64>) {
    let d: Vec<f64> = v.iter().map(|x| 3.0 * x * x).collect();
    (csq(v), move |g: f64| d.iter().map(|x| g * x).collect())
}
fn csq_rule_jvp(v: &[f64], t: Vec<f64>) -> (f64, f64) {
    (csq(v), v.iter().zip(&t).map(|(x, t)| 3.0 * x * x * t).sum())
}

/// Same call site, range length changes in both directions, including empty.
#[differentiable]
fn f2_lengths(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        let a = if i % 2 == 0 { i / 2 } else { n - i };
        let b = (a + (i * 7) % 5).min(n);
        s += wlen(&p[a..b]) * p[i];
    }
    s
}

/// Empty ranges only: the gradient through them is zero.
#[differentiable]
fn f2_empty(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += sumsq(&p[i..i]) + p[i] * sumsq(&p[i..i + 1]);
    }
    s
}

/// Data-dependent offsets, from a comparison of the values.
#[differentiable]
fn f2_data_offsets(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        let a = if p[i] > 0.0 { i + 1 } else { i };
        s += sumsq(&p[a..a + 2]) * p[i + 3];
    }
    s
}

/// Recursive callee on ranges in a loop.
#[differentiable]
fn f2_recursive(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        s += rsum(&p[i..]).sqrt();
    }
    s
}

/// Callee rebinding its slice; callee writing a copy.
#[differentiable]
fn f2_rebinding_callees(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        s += shrink(&p[i..]) + writes_copy(&p[i..i + 2]);
    }
    s
}

/// Overlapping ranges of one parameter in one call, and the same range twice.
#[differentiable]
fn f2_overlap(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += dot3(&p[i..i + 3], &p[i + 1..i + 4]) + dot3(&p[i..i + 3], &p[i..i + 3]) * 0.5;
    }
    s
}

/// A range of a local Vec modified between calls.
#[differentiable]
fn f2_local_modified(p: &[f64]) -> f64 {
    let mut v = vec![0.0; p.len()];
    for i in 0..p.len() {
        v[i] = p[i] + 0.5;
    }
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += sumsq(&v[..3]) * 0.1 + dot2(&v[1..3], &p[i..i + 2]);
        v[i % 3] = v[i % 3] * p[i];
    }
    s
}

/// The whole parameter beside a range, both orders.
#[differentiable]
fn f2_whole_beside(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += weighted2(p, &p[i..i + 2]) + weighted2(&p[i + 1..], p);
    }
    s
}

#[differentiable]
fn weighted2(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] * b[1] + a[a.len() - 1] * b[b.len() - 1]
}

/// Ranges of `&Vec<f64>`, an array, and an owned Vec.
#[differentiable]
fn f2_vec(p: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        s += sumsq(&p[i..i + 2]) * p[i + 2];
    }
    s
}

#[differentiable]
fn f2_array(p: &[f64; 6]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        s += wlen(&p[i..=i + 2]).tanh();
    }
    s
}

#[differentiable]
fn f2_owned(p: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += sumsq(&p[i..]) * p[i];
    }
    s
}

/// Calls in branches; unused results; results multiplied by zero.
#[differentiable]
fn f2_branches(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        if p[i] > 0.0 {
            s += sumsq(&p[i..i + 2]);
        } else {
            s -= wlen(&p[i + 1..]);
        }
        let u = sumsq(&p[..i + 1]);
        s += 0.0 * u + sumsq(&p[i..i + 3]) * 0.0;
    }
    s
}

/// `#[no_grad]` callee parameter given a range of a `#[no_grad]` parameter.
#[differentiable]
fn f2_no_grad(p: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        s += weighted(&p[i..i + 2], &w[i + 1..i + 3]);
    }
    s
}

/// Generic callee and caller.
#[differentiable]
fn f2_generic<T: Real>(p: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..p.len() - 1 {
        s += sumsq_t(&p[i..]) * p[i];
    }
    s
}

/// A caller of ranges called by another function in a loop on ranges.
#[differentiable]
fn f2_inner(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += dot2(&p[i..i + 2], &p[p.len() - 2..]).sin();
    }
    s
}

#[differentiable]
fn f2_outer(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += f2_inner(&p[i..]) * p[i];
    }
    s + f2_inner(p)
}

/// Custom rule on ranges.
#[differentiable]
fn f2_custom(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += csq(&p[i..i + 2]) * p[i] + csq(&p[i..]);
    }
    s
}

/// Nested loops with a local declared in the outer loop, ranges of it passed inside.
#[differentiable]
fn f2_local_in_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in 0..2 {
        let mut v = vec![0.0; p.len()];
        for i in 0..p.len() {
            v[i] = p[i] * p[(i + t) % p.len()];
        }
        for i in 0..p.len() - 2 {
            s += sumsq(&v[i..i + 2]) * wlen(&p[i..]);
        }
    }
    s
}

/// Range of a range in a loop.
#[differentiable]
fn f2_range_of_range(p: &[f64]) -> f64 {
    let q = &p[1..];
    let mut s = 0.0;
    for i in 0..q.len() - 1 {
        s += sumsq(&q[i..i + 2]) * q[i];
    }
    s
}

/// A mutable accumulator passed in a loop with a range argument and a scalar argument.
#[differentiable]
fn scal(v: &[f64], k: f64) -> f64 {
    v[0] * k + v[v.len() - 1] * k * k
}

#[differentiable]
fn f2_scalar_and_range(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut acc = 1.0;
    for i in 0..p.len() - 1 {
        acc = scal(&p[i..], acc).tanh() + 0.5;
        s += acc;
    }
    s
}

// ================================================================================================
// Feature 3: differentiated locals of many types
// ================================================================================================

#[derive(Differentiable, Clone, Debug)]
struct Pt {
    x: f64,
    y: f64,
}

#[differentiable]
fn f3_tuple(p: &[f64]) -> f64 {
    let t = (p[0] * 2.0, p[1].sin());
    let (a, b) = t;
    let u = (a, b, a * b);
    let (c, d, e) = u;
    u.0 * u.2 + u.1 + c * d * e
}

#[differentiable]
fn f3_refs(p: &[f64]) -> f64 {
    let r = &p;
    let e = &p[1];
    let s = &p[..2];
    let ss = &s;
    r[0] * *e + ss[1] * s[0]
}

#[differentiable]
fn f3_option(p: &[f64], c: bool) -> f64 {
    let o = Some(p[0] * p[1]);
    let q: Option<f64> = if c { Some(p[1]) } else { None };
    let g = p.get(2).copied();
    let a = match o {
        Some(v) => v,
        None => 0.0,
    };
    let b = if let Some(v) = q { v } else { 0.5 };
    let d = match g {
        Some(v) => v * v,
        None => 0.0,
    };
    a + b * d
}

#[differentiable]
fn f3_matrix(p: &[f64]) -> f64 {
    let m = DMatrix::from_row_slice(2, 2, p);
    let v = DVector::from_vec(vec![p[0], p[3]]);
    let w = &m * &v;
    let mt = m.transpose();
    w.dot(&v) + mt[(0, 1)] * m[(1, 1)]
}

#[differentiable]
fn f3_struct(p: &[f64]) -> f64 {
    let a = Pt {
        x: p[0] * 2.0,
        y: p[1],
    };
    let b = Pt {
        x: a.y,
        y: a.x * a.y,
    };
    b.x * b.y + a.x
}

#[differentiable]
fn f3_arrays(p: &[f64]) -> f64 {
    let a = [p[0], p[1] * 2.0, p[2]];
    let b = [[p[0], p[1]], [p[2], p[3]]];
    let vv = vec![vec![p[0], p[1]], vec![p[2] * p[3]]];
    a[1] * b[1][0] + vv[1][0] * a[0] + vv[0][1]
}

#[differentiable]
fn f3_generic<T: Real>(p: &[T]) -> T {
    let a = p[0] * p[1];
    let t = (a, p[2]);
    let v = vec![a, t.1];
    v[0] * v[1] + t.0
}

#[differentiable]
fn f3_shadow(p: &[f64]) -> f64 {
    let x = p[0];
    let x = (x, x * 2.0);
    let x = x.0 * x.1;
    let x = [x, p[1]];
    let x = &x;
    x[0] + x[1] * x[0]
}

#[differentiable]
fn f3_int_tuple(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        let t = (p[i] * p[i], i, p[i] > 0.0);
        if t.2 {
            s += t.0 * t.1 as f64;
        } else {
            s += t.0;
        }
    }
    s
}

#[differentiable]
fn f3_slice_methods(p: &[f64]) -> f64 {
    let (a, b) = (&p[..2], &p[2..]);
    let f = match p.first().copied() {
        Some(v) => v,
        None => 0.0,
    };
    let l = p[p.len() - 1];
    let rows = (&p[..2], &p[2..4]);
    a[0] * b[0] + f * l + rows.1[1] * rows.0[0]
}

#[differentiable]
fn f3_vec_of_dvec(p: &[f64]) -> f64 {
    let vs = vec![
        DVector::from_vec(vec![p[0], p[1]]),
        DVector::from_vec(vec![p[2], p[3]]),
    ];
    let o = Some(DVector::from_vec(vec![p[1], p[2]]).sum());
    let t = match o {
        Some(d) => d,
        None => 0.0,
    };
    vs[0].dot(&vs[1]) + t
}

#[differentiable]
fn f3_smatrix(p: &[f64]) -> f64 {
    let m = DMatrix::from_row_slice(2, 2, &p[..4]);
    let c = m.column(1);
    let r = m.row(0);
    let rv = RowDVector::from_vec(vec![p[4], p[5]]);
    let w = &rv * &m;
    c[0] * r[1] + w[(0, 1)] * c.sum()
}

// ================================================================================================
// Batch 2: mixed range forms in one late variable, element types other than floats, second order
// ================================================================================================

/// Ranges of two different parameters in one late variable.
#[differentiable]
fn e01_two_params(p: &[f64], q: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &q[1..];
    }
    r[0] * r[1] + r[0].sin()
}

/// The whole parameter in one arm, a range of it in the other.
#[differentiable]
fn e02_whole_or_range(p: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = p;
    } else {
        r = &p[1..];
    }
    r[0] * r[1].exp()
}

/// A whole local `Vec` in one arm, a range of the parameter in the other.
#[differentiable]
fn e03_local_whole_or_range(p: &[f64], c: bool) -> f64 {
    let v = vec![p[0] * 2.0, p[1], p[2]];
    let r: &[f64];
    if c {
        r = &v;
    } else {
        r = &p[1..];
    }
    r[0] * r[1]
}

/// `if` / `match` expressions producing the range.
#[differentiable]
fn e05_if_expr(p: &[f64], c: bool) -> f64 {
    let r = if c { &p[..2] } else { &p[1..3] };
    r[0] * r[1] * r[1]
}

#[differentiable]
fn e06_match_expr(p: &[f64], k: usize) -> f64 {
    let r = match k {
        0 => &p[..2],
        _ => &p[1..],
    };
    r[0] * r[1].cos()
}

/// A `mut` parameter rebound either to another parameter's range or to a range of itself.
#[differentiable]
fn e08_param_self_or_other<'a>(mut r: &'a [f64], p: &'a [f64], c: bool) -> f64 {
    if c {
        r = &p[1..];
    } else {
        r = &r[1..];
    }
    r[0] * r[1] + r[0] * p[0]
}

/// `&Vec` parameter: `&p[..]` then a range.
#[differentiable]
fn e11_vec_full_then_range(p: &Vec<f64>, c: bool) -> f64 {
    let mut r = &p[..];
    if c {
        r = &p[1..];
    }
    r[0] * r[1] + r[r.len() - 1]
}

#[derive(Differentiable, Clone, Debug)]
pub struct P2 {
    pub x: f64,
    pub y: f64,
}

#[differentiable]
fn ptsum(ps: &[P2]) -> f64 {
    let mut s = 0.0;
    for i in 0..ps.len() {
        s += ps[i].x * ps[i].y;
    }
    s
}

/// Ranges of a slice of derived structs passed to a re-run call.
#[differentiable]
fn g01_structs(ps: &[P2]) -> f64 {
    let mut s = 0.0;
    for i in 0..ps.len() - 1 {
        s += ptsum(&ps[i..i + 2]).sin();
    }
    s
}

#[differentiable]
fn rowsum(rs: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..rs.len() {
        s += rs[i][0] * rs[i][1];
    }
    s
}

/// Ranges of a slice of `Vec`s.
#[differentiable]
fn g02_rows(rs: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..rs.len() - 1 {
        s += rowsum(&rs[i..i + 2]).sin();
    }
    s
}

#[differentiable]
fn vsum(vs: &[DVector<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..vs.len() {
        s += vs[i].dot(&vs[i]);
    }
    s
}

/// Ranges of a slice of `DVector`s.
#[differentiable]
fn g03_dvectors(vs: &[DVector<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..vs.len() - 1 {
        s += vsum(&vs[i..i + 2]).sqrt();
    }
    s
}

#[differentiable]
fn twice(v: &[f64]) -> Vec<f64> {
    vec![v[0] * 2.0, v[1] * v[0]]
}

/// A callee returning a `Vec`.
#[differentiable]
fn g04_vec_output(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        let w = twice(&p[i..i + 2]);
        s += w[0] * w[1];
    }
    s
}

pub struct Scale {
    k: f64,
}

impl Scale {
    #[differentiable(wrt(v))]
    fn eval(&self, v: &[f64]) -> f64 {
        v[0] * v[1] * self.k
    }
}

/// A method callee on ranges.
#[differentiable(wrt(p))]
fn g06_method(m: &Scale, p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += m.eval(&p[i..i + 2]).sin();
    }
    s
}

/// The bound variable changes between two calls in one trip.
#[differentiable]
fn g07_bound_changes(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut a = 0;
    for i in 0..p.len() - 2 {
        a = i;
        s += dot2(&p[a..a + 2], &p[a + 1..a + 3]);
        a += 1;
        s += dot2(&p[a..a + 2], &p[i..i + 2]) * 0.5;
    }
    s
}

/// One range bound to a name and passed twice.
#[differentiable]
fn g08_same_twice(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        let r = &p[i..i + 2];
        s += dot2(r, r);
    }
    s
}

/// A range of a local that grows by `push` between calls.
#[differentiable]
fn g09_growing(p: &[f64]) -> f64 {
    let mut v = vec![p[0], p[1]];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += dot2(&v[v.len() - 2..], &p[i..i + 2]);
        v.push(s * 0.1 + p[i]);
    }
    s
}

/// A range of a local reassigned whole between calls.
#[differentiable]
fn g10_reassigned(p: &[f64]) -> f64 {
    let mut v = vec![p[0], p[1], p[2]];
    let mut s = 0.0;
    for i in 0..3 {
        s += dot2(&v[..2], &v[1..]);
        v = vec![v[1] * p[i], v[2], v[0] + s];
    }
    s
}

/// A data-dependent `while` trip count.
#[differentiable]
fn g11_while(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while s < 1.0 && i + 2 <= p.len() {
        s += dot2(&p[i..i + 2], &p[i..i + 2]) + 0.3;
        i += 1;
    }
    s
}

/// Ranges of a rebound `mut` parameter.
#[differentiable]
fn g12_rebound_param(mut p: &[f64]) -> f64 {
    p = &p[1..];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += dot2(&p[i..i + 2], &p[..2]);
    }
    s
}

/// Ranges of a late-bound range passed to re-run calls.
#[differentiable]
fn g13_of_late(p: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..4];
    } else {
        r = &p[1..5];
    }
    let mut s = 0.0;
    for i in 0..3 {
        s += dot2(&r[i..i + 2], &p[i..i + 2]).sin();
    }
    s
}

#[differentiable(order = 2)]
fn dot3b(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[differentiable(order = 2)]
fn dot3g<T: Real>(a: &[T], b: &[T]) -> T {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Second order: ranges passed outside a loop to a concrete callee (the call's value is the
/// result; `dot3b(..).tanh() * p[0]` does not compile, see BUG 3).
#[differentiable(order = 2)]
fn h2_no_loop(p: &[f64]) -> f64 {
    dot3b(&p[..3], &p[1..4])
}

/// The same with arithmetic after a generic callee.
#[differentiable(order = 2)]
fn h3_no_loop_generic(p: &[f64]) -> f64 {
    dot3g(&p[..3], &p[1..4]).tanh() * p[0]
}

/// Second order: ranges passed in a loop to a generic callee.
#[differentiable(order = 2)]
fn h4_loop_generic(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += dot3g(&p[i..i + 3], &p[i + 1..i + 4]).tanh();
    }
    s
}

/// Forward mode through ranges passed in loops, and a window moved in a loop.
#[differentiable]
fn j_ranges(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut r = &p[..2];
    for i in 0..p.len() - 2 {
        if p[i] > 0.0 {
            r = &p[i..i + 2];
        }
        s += wlen(&p[i..]) * dot2(r, &p[i + 1..i + 3]);
    }
    s
}

// ================================================================================================
// Batch 3: more locals, a recursive caller of ranges, bounds changed before the call
// ================================================================================================

#[derive(Differentiable, Clone, Debug)]
pub struct Gen<T: Real> {
    pub a: T,
    pub b: Vec<T>,
}

#[differentiable]
fn m3_generic_struct<T: Real>(p: &[T]) -> T {
    let g = Gen {
        a: p[0] * p[1],
        b: vec![p[1], p[2]],
    };
    g.a * g.b[1]
}

#[differentiable]
fn m4_vec_of_structs(p: &[f64]) -> f64 {
    let v = vec![P2 { x: p[0], y: p[1] }, P2 { x: p[2], y: p[0] }];
    v[0].x * v[1].y
}

#[differentiable]
fn m6_int_locals_from_floats(p: &[f64]) -> f64 {
    let n = (p[0].abs() * 3.0) as usize;
    let k = p[1] > 0.0;
    let m = n + 1;
    p[m % 3] * if k { 2.0 } else { 1.0 } * p[3]
}

#[differentiable]
fn m7_f32_matrix_tuple(p: &[f32]) -> f32 {
    let m = DMatrix::from_row_slice(2, 2, &p[..4]);
    let t = (m.sum(), p[0]);
    t.0 * t.1
}

#[differentiable]
fn m8_array_of_structs_ref(p: &[f64]) -> f64 {
    let a = [P2 { x: p[0], y: p[1] }, P2 { x: p[2], y: p[3] }];
    let r = &a;
    r[1].x * a[0].y
}

#[differentiable]
fn m9_shadow_chain(p: &[f64]) -> f64 {
    let x = (p[0], p[1]);
    let (a, b) = x;
    let x = a * b;
    let x = vec![x, a];
    let x = &x[..];
    x[0] + x[1] * b
}

#[differentiable]
fn m11_struct_in_tuple(p: &[f64]) -> f64 {
    let t = (P2 { x: p[0], y: p[1] }, p[2]);
    t.0.x * t.1 + t.0.y
}

#[differentiable]
fn m12_vec_and_dvector_tuple(p: &[f64]) -> f64 {
    let t = (vec![p[0], p[1]], DVector::from_vec(vec![p[2]]));
    t.0[1] * t.1[0] + t.0[0]
}

/// A recursive function calling itself on ranges inside a loop.
#[differentiable]
fn rec_ranges(p: &[f64]) -> f64 {
    if p.len() < 3 {
        return p[0] * p[p.len() - 1];
    }
    let mut s = 0.0;
    for i in 0..2 {
        s += rec_ranges(&p[i + 1..]) * p[i] + sumsq(&p[i..i + 2]);
    }
    s
}

/// The range is bound to a name, then its start variable changes, then the call.
#[differentiable]
fn bound_then_moved(p: &[f64]) -> f64 {
    let mut a = 0;
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        let r = &p[a..a + 2];
        a += 1;
        s += dot2(r, &p[a..a + 2]) * p[i];
    }
    s
}

/// A callee that returns before reading its slice on some calls.
#[differentiable]
fn maybe(v: &[f64], c: bool) -> f64 {
    if c {
        return 1.0;
    }
    v[0] * v[v.len() - 1]
}

#[differentiable]
fn skips(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        s += maybe(&p[i..], i % 2 == 0) * p[i] + maybe(&p[..i + 1], i % 3 == 1);
    }
    s
}

// ================================================================================================
// Tests
// ================================================================================================

#[test]
fn feature1_branches() {
    let p = input(6);
    for c1 in [true, false] {
        for c2 in [true, false] {
            vg(
                "f1_nested",
                |q| f1_nested(q, c1, c2),
                f1_nested_grad(&p, c1, c2),
                &p,
            );
        }
        vg(
            "f1_early_return",
            |q| f1_early_return(q, c1),
            f1_early_return_grad(&p, c1),
            &p,
        );
        vg(
            "f1_two_vars",
            |q| f1_two_vars(q, c1),
            f1_two_vars_grad(&p, c1),
            &p,
        );
        vg(
            "f1_shadow",
            |q| f1_shadow(q, c1),
            f1_shadow_grad(&p, c1),
            &p,
        );
        vg(
            "f1_two_blocks",
            |q| f1_two_blocks(q, c1),
            f1_two_blocks_grad(&p, c1),
            &p,
        );
        let pv = p.clone();
        let (v, g) = f1_vec_param_grad(&pv, c1);
        vg(
            "f1_vec_param",
            |q| f1_vec_param(&q.to_vec(), c1),
            (v, g),
            &p,
        );
        let pa = [p[0], p[1], p[2], p[3], p[4]];
        let (v, g) = f1_array_param_grad(&pa, c1);
        vg(
            "f1_array_param",
            |q| f1_array_param(&[q[0], q[1], q[2], q[3], q[4]], c1),
            (v, g.to_vec()),
            &pa,
        );
    }
    for k in 0..3 {
        for sign in [1.0, -1.0] {
            let mut q = p.clone();
            q[0] = sign * 0.4;
            vg(
                "f1_match_of_range",
                |x| f1_match_of_range(x, k),
                f1_match_of_range_grad(&q, k),
                &q,
            );
        }
        let (v, g) = f1_generic_grad(&p, k);
        vg("f1_generic", |q| f1_generic(q, k), (v, g.clone()), &p);
        let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
        let (_, g32) = f1_generic_grad(&p32, k);
        for (a, b) in g32.iter().zip(&g) {
            assert!((f64::from(*a) - b).abs() < 1e-5, "f32 {a} vs {b}");
        }
    }
}

#[test]
fn feature1_loops() {
    let p = [0.4, -0.3, 0.9, 0.2, -0.5, 0.85, 0.3];
    vg("f1_break", f1_break, f1_break_grad(&p), &p);
    let p2 = [0.4, -0.3, 0.7, 0.2, -0.5, 0.6, 0.3];
    vg("f1_break_nobreak", f1_break, f1_break_grad(&p2), &p2);
    vg("f1_continue", f1_continue, f1_continue_grad(&p), &p);
    vg("f1_while_self", f1_while_self, f1_while_self_grad(&p), &p);
    vg(
        "f1_owner_in_loop",
        f1_owner_in_loop,
        f1_owner_in_loop_grad(&p),
        &p,
    );
    vg(
        "f1_mutated_owner",
        f1_mutated_owner,
        f1_mutated_owner_grad(&p),
        &p,
    );
    vg("f1_param_self", f1_param_self, f1_param_self_grad(&p), &p);
    vg(
        "f1_hoisted_to_call",
        f1_hoisted_to_call,
        f1_hoisted_to_call_grad(&p),
        &p,
    );
    vg("f1_loop_annot", f1_loop_annot, f1_loop_annot_grad(&p), &p);
    vg(
        "f1_nested_loops",
        f1_nested_loops,
        f1_nested_loops_grad(&p),
        &p,
    );
    let r = [0.3, -0.8, 0.5];
    let (v, (gr, gp)) = f1_param_loop_grad(&r, &p);
    let x: Vec<f64> = r.iter().chain(p.iter()).copied().collect();
    let g: Vec<f64> = gr.iter().chain(gp.iter()).copied().collect();
    vg(
        "f1_param_loop",
        |x| f1_param_loop(&x[..3], &x[3..]),
        (v, g),
        &x,
    );
}

#[test]
fn feature1_second_order_and_forward() {
    let p = [0.4, -0.3, 0.9, 0.2, -0.5, 0.85, 0.3];
    let n = p.len();
    vg("f1_order2", f1_order2, f1_order2_grad(&p), &p);
    let t: Vec<f64> = (0..n).map(|i| 0.3 - 0.15 * i as f64).collect();
    let (y, dy) = f1_order2_jvp(&p, t.clone());
    close("f1_order2_jvp", y, f1_order2(&p));
    let g = f1_order2_grad(&p).1;
    let want: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((dy - want).abs() < 1e-9, "jvp {dy} vs {want}");
    let (_, _, hv) = f1_order2_hvp(&p, t.clone());
    let h = 1e-5;
    let at = |s: f64| {
        let q: Vec<f64> = p.iter().zip(&t).map(|(a, b)| a + s * b).collect();
        f1_order2_grad(&q).1
    };
    let (gp, gm) = (at(h), at(-h));
    for i in 0..n {
        let fd = (gp[i] - gm[i]) / (2.0 * h);
        assert!((hv[i] - fd).abs() < 1e-6, "hvp[{i}] {} vs {fd}", hv[i]);
    }
    // the rebound parameter
    let r = [0.3, -0.8, 0.5];
    for c in [true, false] {
        let x: Vec<f64> = r.iter().chain(p.iter()).copied().collect();
        let (v, (gr, gp)) = f1_order2_param_grad(&r, &p, c);
        let g: Vec<f64> = gr.iter().chain(gp.iter()).copied().collect();
        vg(
            "f1_order2_param",
            |x| f1_order2_param(&x[..3], &x[3..], c),
            (v, g.clone()),
            &x,
        );
        let tr = vec![0.1, -0.2, 0.3];
        let tp: Vec<f64> = (0..n).map(|i| 0.05 * i as f64 - 0.1).collect();
        let (_, _, (hr, hp)) = f1_order2_param_hvp(&r, &p, c, tr.clone(), tp.clone());
        let at = |s: f64| {
            let rr: Vec<f64> = r.iter().zip(&tr).map(|(a, b)| a + s * b).collect();
            let pp: Vec<f64> = p.iter().zip(&tp).map(|(a, b)| a + s * b).collect();
            let (_, (a, b)) = f1_order2_param_grad(&rr, &pp, c);
            a.into_iter().chain(b).collect::<Vec<f64>>()
        };
        let (gp, gm) = (at(h), at(-h));
        let hv: Vec<f64> = hr.iter().chain(hp.iter()).copied().collect();
        for i in 0..hv.len() {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            assert!(
                (hv[i] - fd).abs() < 1e-6,
                "param hvp[{i}] {} vs {fd}",
                hv[i]
            );
        }
        let (y, dy) = f1_order2_param_jvp(&r, &p, c, tr.clone(), tp.clone());
        let want: f64 = g
            .iter()
            .zip(tr.iter().chain(tp.iter()))
            .map(|(a, b)| a * b)
            .sum();
        close("f1_order2_param_jvp", y, f1_order2_param(&r, &p, c));
        assert!((dy - want).abs() < 1e-9, "jvp {dy} vs {want}");
    }
}

#[test]
fn feature2_scratch_buffers() {
    let p = input(9);
    vg("f2_lengths", f2_lengths, f2_lengths_grad(&p), &p);
    vg("f2_empty", f2_empty, f2_empty_grad(&p), &p);
    vg(
        "f2_data_offsets",
        f2_data_offsets,
        f2_data_offsets_grad(&p),
        &p,
    );
    let pp: Vec<f64> = p.iter().map(|x| x + 1.5).collect();
    vg("f2_recursive", f2_recursive, f2_recursive_grad(&pp), &pp);
    vg(
        "f2_rebinding_callees",
        f2_rebinding_callees,
        f2_rebinding_callees_grad(&p),
        &p,
    );
    vg("f2_overlap", f2_overlap, f2_overlap_grad(&p), &p);
    vg(
        "f2_local_modified",
        f2_local_modified,
        f2_local_modified_grad(&p),
        &p,
    );
    vg(
        "f2_whole_beside",
        f2_whole_beside,
        f2_whole_beside_grad(&p),
        &p,
    );
    let pv = p.clone();
    vg("f2_vec", |q| f2_vec(&q.to_vec()), f2_vec_grad(&pv), &p);
    let pa = [p[0], p[1], p[2], p[3], p[4], p[5]];
    let (v, g) = f2_array_grad(&pa);
    vg(
        "f2_array",
        |q| f2_array(&[q[0], q[1], q[2], q[3], q[4], q[5]]),
        (v, g.to_vec()),
        &pa,
    );
    vg(
        "f2_owned",
        |q| f2_owned(q.to_vec()),
        f2_owned_grad(p.clone()),
        &p,
    );
    vg("f2_branches", f2_branches, f2_branches_grad(&p), &p);
    let w: Vec<f64> = (0..p.len()).map(|i| 0.5 + 0.1 * i as f64).collect();
    vg(
        "f2_no_grad",
        |q| f2_no_grad(q, &w),
        f2_no_grad_grad(&p, &w),
        &p,
    );
    vg("f2_outer", f2_outer, f2_outer_grad(&p), &p);
    vg("f2_custom", f2_custom, f2_custom_grad(&p), &p);
    vg(
        "f2_local_in_loop",
        f2_local_in_loop,
        f2_local_in_loop_grad(&p),
        &p,
    );
    vg(
        "f2_range_of_range",
        f2_range_of_range,
        f2_range_of_range_grad(&p),
        &p,
    );
    vg(
        "f2_scalar_and_range",
        f2_scalar_and_range,
        f2_scalar_and_range_grad(&p),
        &p,
    );
}

#[test]
fn feature2_generic_f32_and_pullbacks() {
    let p = input(7);
    let (v, g) = f2_generic_grad(&p);
    vg("f2_generic", f2_generic, (v, g.clone()), &p);
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let (_, g32) = f2_generic_grad(&p32);
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "f32 {a} vs {b}"
        );
    }
    // pullbacks called twice with different cotangents
    {
        let (_, g) = f2_lengths_grad(&p);
        let (_, pb) = f2_lengths_vjp(&p);
        for k in [2.5, -0.75, 2.5] {
            let gk = pb(k);
            for (a, b) in gk.iter().zip(&g) {
                assert!(
                    (a - k * b).abs() < 1e-12 * (1.0 + b.abs()),
                    "f2_lengths pb {a} vs {}",
                    k * b
                );
            }
        }
    }
    let (_, g) = f2_overlap_grad(&p);
    let (_, pb) = f2_overlap_vjp(&p);
    let g1 = pb(-1.5);
    let g2 = pb(0.25);
    for i in 0..p.len() {
        assert!((g1[i] + 1.5 * g[i]).abs() < 1e-12 * (1.0 + g[i].abs()));
        assert!((g2[i] - 0.25 * g[i]).abs() < 1e-12 * (1.0 + g[i].abs()));
    }
    let (_, g) = f2_outer_grad(&p);
    let (_, pb) = f2_outer_vjp(&p);
    let g1 = pb(3.0);
    let g2 = pb(-2.0);
    for i in 0..p.len() {
        assert!((g1[i] - 3.0 * g[i]).abs() < 1e-12 * (1.0 + g[i].abs()));
        assert!((g2[i] + 2.0 * g[i]).abs() < 1e-12 * (1.0 + g[i].abs()));
    }
}

#[test]
fn feature3_locals_of_many_types() {
    let p = input(6);
    vg("f3_tuple", f3_tuple, f3_tuple_grad(&p), &p);
    vg("f3_refs", f3_refs, f3_refs_grad(&p), &p);
    for c in [true, false] {
        vg("f3_option", |q| f3_option(q, c), f3_option_grad(&p, c), &p);
    }
    let p4 = &p[..4];
    vg("f3_matrix", f3_matrix, f3_matrix_grad(p4), p4);
    vg("f3_struct", f3_struct, f3_struct_grad(&p), &p);
    vg("f3_arrays", f3_arrays, f3_arrays_grad(&p), &p);
    vg("f3_generic", f3_generic, f3_generic_grad(&p), &p);
    vg("f3_shadow", f3_shadow, f3_shadow_grad(&p), &p);
    vg("f3_int_tuple", f3_int_tuple, f3_int_tuple_grad(&p), &p);
    vg(
        "f3_slice_methods",
        f3_slice_methods,
        f3_slice_methods_grad(&p),
        &p,
    );
    vg(
        "f3_vec_of_dvec",
        f3_vec_of_dvec,
        f3_vec_of_dvec_grad(&p),
        &p,
    );
    vg("f3_smatrix", f3_smatrix, f3_smatrix_grad(&p), &p);
}

/// H·v against central differences of the gradient along v.
fn check_hvp(name: &str, grad: impl Fn(&[f64]) -> Vec<f64>, hv: &[f64], p: &[f64], t: &[f64]) {
    let h = 1e-5;
    let at = |s: f64| {
        let q: Vec<f64> = p.iter().zip(t).map(|(a, b)| a + s * b).collect();
        grad(&q)
    };
    let (gp, gm) = (at(h), at(-h));
    for i in 0..p.len() {
        let fd = (gp[i] - gm[i]) / (2.0 * h);
        assert!(
            (hv[i] - fd).abs() < 1e-6,
            "{name} hvp[{i}] {} vs {fd}",
            hv[i]
        );
    }
}

#[test]
fn batch2_mixed_late_ranges() {
    let p = input(6);
    let q = [0.3, -0.7, 0.45, 0.9];
    for c in [true, false] {
        let (v, (gp, gq)) = e01_two_params_grad(&p, &q, c);
        let x: Vec<f64> = p.iter().chain(q.iter()).copied().collect();
        let g: Vec<f64> = gp.iter().chain(gq.iter()).copied().collect();
        vg("e01", |x| e01_two_params(&x[..6], &x[6..], c), (v, g), &x);
        vg(
            "e02",
            |x| e02_whole_or_range(x, c),
            e02_whole_or_range_grad(&p, c),
            &p,
        );
        vg(
            "e03",
            |x| e03_local_whole_or_range(x, c),
            e03_local_whole_or_range_grad(&p, c),
            &p,
        );
        vg("e05", |x| e05_if_expr(x, c), e05_if_expr_grad(&p, c), &p);
        let (v, (gr, gp)) = e08_param_self_or_other_grad(&q, &p, c);
        let x: Vec<f64> = q.iter().chain(p.iter()).copied().collect();
        let g: Vec<f64> = gr.iter().chain(gp.iter()).copied().collect();
        vg(
            "e08",
            |x| e08_param_self_or_other(&x[..4], &x[4..], c),
            (v, g),
            &x,
        );
        vg(
            "e11",
            |x| e11_vec_full_then_range(&x.to_vec(), c),
            e11_vec_full_then_range_grad(&p, c),
            &p,
        );
        vg("g13", |x| g13_of_late(x, c), g13_of_late_grad(&p, c), &p);
    }
    for k in 0..2 {
        vg(
            "e06",
            |x| e06_match_expr(x, k),
            e06_match_expr_grad(&p, k),
            &p,
        );
    }
}

#[test]
fn batch2_element_types_and_callee_shapes() {
    let p = input(7);
    // slices of structs, of Vecs, of DVectors (flattened for central differences)
    let ps: Vec<P2> = (0..4)
        .map(|i| P2 {
            x: p[2 * i % 7],
            y: p[(2 * i + 1) % 7] + 0.2,
        })
        .collect();
    let (v, g) = g01_structs_grad(&ps);
    let flat: Vec<f64> = ps.iter().flat_map(|a| [a.x, a.y]).collect();
    let gflat: Vec<f64> = g.iter().flat_map(|a| [a.x, a.y]).collect();
    let unflat = |x: &[f64]| -> Vec<P2> { x.chunks(2).map(|c| P2 { x: c[0], y: c[1] }).collect() };
    vg("g01", |x| g01_structs(&unflat(x)), (v, gflat), &flat);
    let rs: Vec<Vec<f64>> = (0..4).map(|i| vec![p[i], p[i + 1] + 0.1]).collect();
    let (v, g) = g02_rows_grad(&rs);
    let flat: Vec<f64> = rs.iter().flatten().copied().collect();
    let gflat: Vec<f64> = g.iter().flatten().copied().collect();
    let unrows = |x: &[f64]| -> Vec<Vec<f64>> { x.chunks(2).map(|c| c.to_vec()).collect() };
    vg("g02", |x| g02_rows(&unrows(x)), (v, gflat), &flat);
    let vs: Vec<DVector<f64>> = (0..4)
        .map(|i| DVector::from_vec(vec![p[i], p[i + 2]]))
        .collect();
    let (v, g) = g03_dvectors_grad(&vs);
    let flat: Vec<f64> = vs
        .iter()
        .flat_map(|d| d.iter().copied().collect::<Vec<_>>())
        .collect();
    let gflat: Vec<f64> = g
        .iter()
        .flat_map(|d| d.iter().copied().collect::<Vec<_>>())
        .collect();
    let undv = |x: &[f64]| -> Vec<DVector<f64>> {
        x.chunks(2).map(|c| DVector::from_vec(c.to_vec())).collect()
    };
    vg("g03", |x| g03_dvectors(&undv(x)), (v, gflat), &flat);
    vg("g04", g04_vec_output, g04_vec_output_grad(&p), &p);
    let m = Scale { k: 1.7 };
    vg("g06", |x| g06_method(&m, x), g06_method_grad(&m, &p), &p);
    vg("g07", g07_bound_changes, g07_bound_changes_grad(&p), &p);
    vg("g08", g08_same_twice, g08_same_twice_grad(&p), &p);
    vg("g09", g09_growing, g09_growing_grad(&p), &p);
    vg("g10", g10_reassigned, g10_reassigned_grad(&p), &p);
    vg("g11", g11_while, g11_while_grad(&p), &p);
    vg("g12", g12_rebound_param, g12_rebound_param_grad(&p), &p);
}

#[test]
fn batch2_second_order_and_forward_through_range_calls() {
    let p = input(7);
    let t: Vec<f64> = (0..7).map(|i| 0.25 - 0.1 * i as f64).collect();
    vg("h2", h2_no_loop, h2_no_loop_grad(&p), &p);
    let (_, _, hv) = h2_no_loop_hvp(&p, t.clone());
    check_hvp("h2", |q| h2_no_loop_grad(q).1, &hv, &p, &t);
    vg("h3", h3_no_loop_generic, h3_no_loop_generic_grad(&p), &p);
    let (_, _, hv) = h3_no_loop_generic_hvp(&p, t.clone());
    check_hvp("h3", |q| h3_no_loop_generic_grad(q).1, &hv, &p, &t);
    vg("h4", h4_loop_generic, h4_loop_generic_grad(&p), &p);
    let (_, _, hv) = h4_loop_generic_hvp(&p, t.clone());
    check_hvp("h4", |q| h4_loop_generic_grad(q).1, &hv, &p, &t);
    let (y, dy) = h4_loop_generic_jvp(&p, t.clone());
    close("h4 jvp", y, h4_loop_generic(&p));
    let g = h4_loop_generic_grad(&p).1;
    let want: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((dy - want).abs() < 1e-10, "h4 jvp {dy} vs {want}");
    vg("j_ranges", j_ranges, j_ranges_grad(&p), &p);
    let (y, dy) = j_ranges_jvp(&p, t.clone());
    close("j_ranges jvp", y, j_ranges(&p));
    let g = j_ranges_grad(&p).1;
    let want: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((dy - want).abs() < 1e-10, "j_ranges jvp {dy} vs {want}");
    // forward mode of the scratch-buffer callers too
    for (name, (y, dy), f, g) in [
        (
            "f2_lengths",
            f2_lengths_jvp(&p, t.clone()),
            f2_lengths as fn(&[f64]) -> f64,
            f2_lengths_grad(&p).1,
        ),
        (
            "f2_overlap",
            f2_overlap_jvp(&p, t.clone()),
            f2_overlap,
            f2_overlap_grad(&p).1,
        ),
        (
            "f2_outer",
            f2_outer_jvp(&p, t.clone()),
            f2_outer,
            f2_outer_grad(&p).1,
        ),
        (
            "f2_custom",
            f2_custom_jvp(&p, t.clone()),
            f2_custom,
            f2_custom_grad(&p).1,
        ),
    ] {
        close(name, y, f(&p));
        let want: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
        assert!(
            (dy - want).abs() < 1e-10 * (1.0 + want.abs()),
            "{name} jvp {dy} vs {want}"
        );
    }
}

#[test]
fn batch3_locals_recursion_and_bounds() {
    let p = input(6);
    vg("m3", m3_generic_struct, m3_generic_struct_grad(&p), &p);
    vg("m4", m4_vec_of_structs, m4_vec_of_structs_grad(&p), &p);
    vg(
        "m6",
        m6_int_locals_from_floats,
        m6_int_locals_from_floats_grad(&p),
        &p,
    );
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let (v32, g32) = m7_f32_matrix_tuple_grad(&p32);
    // analytic: (Σ m) p0 => d/dp0 = Σ m + p0, d/dp1..3 = p0
    let sum: f32 = p32[..4].iter().sum();
    assert!((v32 - sum * p32[0]).abs() < 1e-6);
    assert!((g32[0] - (sum + p32[0])).abs() < 1e-5, "m7[0] {}", g32[0]);
    for i in 1..4 {
        assert!((g32[i] - p32[0]).abs() < 1e-6, "m7[{i}] {}", g32[i]);
    }
    assert_eq!(g32[4], 0.0);
    vg(
        "m8",
        m8_array_of_structs_ref,
        m8_array_of_structs_ref_grad(&p),
        &p,
    );
    vg("m9", m9_shadow_chain, m9_shadow_chain_grad(&p), &p);
    vg("m11", m11_struct_in_tuple, m11_struct_in_tuple_grad(&p), &p);
    vg(
        "m12",
        m12_vec_and_dvector_tuple,
        m12_vec_and_dvector_tuple_grad(&p),
        &p,
    );
    vg("rec_ranges", rec_ranges, rec_ranges_grad(&p), &p);
    vg(
        "bound_then_moved",
        bound_then_moved,
        bound_then_moved_grad(&p),
        &p,
    );
    vg("skips", skips, skips_grad(&p), &p);
    let (_, g) = rec_ranges_grad(&p);
    let (_, pb) = rec_ranges_vjp(&p);
    for k in [1.5, -0.5] {
        let gk = pb(k);
        for i in 0..p.len() {
            assert!((gk[i] - k * g[i]).abs() < 1e-12 * (1.0 + g[i].abs()));
        }
    }
}

// ================================================================================================
// BUGS FOUND (compile errors inside generated code for valid user code). The reproductions of
// those still open are kept here, commented out, so that the file compiles. Each was compiled in a scratch crate
// against this checkout, against fc64b90 (features 1 and 2, before the `differentiated_local`
// check) and against 9f3cebe (before feature 1).
// ================================================================================================
//
// BUG 1 (fixed): a variable given both a borrowed range of a parameter and a range the
// generated code copies (a range of a local, of a range, or of the variable itself:
// `let mut r = &p[1..]; r = &r[1..];`, `if c { r = &v[1..]; } else { r = &p[1..]; }`) failed
// with E0308 (`&&[f64]` against `&Vec<f64>`). Every range such a variable is given is now a copy
// when one of them is (`reverse/range_slots.rs` `forced_copies`); the reproductions are tests in
// `tests/range_borrows.rs`.
//
// Still open (older than the features tested here):
// BUG 2 (pre-existing, range reads; same at fc64b90 and 9f3cebe): ranges inside a `vec![..]` or an
// array literal:
//     #[differentiable]
//     fn bug2(p: &[f64]) -> f64 {
//         let rows = vec![&p[..2], &p[2..4]];   // or `[&p[..2], &p[2..4]]`
//         rows[1][1] * rows[0][0]
//     }
//     error[E0716]: temporary value dropped while borrowed
//      --> #[differentiable]  (creates a temporary value which is freed while still in use)
// With the annotation `let rows: Vec<&[f64]> = vec![&p[..2], &p[2..4]];` instead:
//     error[E0308]: mismatched types: expected `Vec<&[f64]>`, found `Vec<&Vec<f64>>`
//
// BUG 3 (pre-existing, order = 2; same at fc64b90 and 9f3cebe): a concrete `order = 2` callee
// taking `&[f64]` whose result has a method called on it (a generic `T: Real` callee works;
// `dot3b(p, p)` or `dot3b(..) * p[0]` alone compile):
//     #[differentiable(order = 2)]
//     fn dot3b(a: &[f64], b: &[f64]) -> f64 { a[0] * b[0] + a[1] * b[1] + a[2] * b[2] }
//     #[differentiable(order = 2)]
//     fn bug3(p: &[f64]) -> f64 { dot3b(p, p).tanh() }
//     // also: `for i in 0..p.len() - 3 { s += dot3b(&p[i..i + 3], &p[i + 1..i + 4]).tanh(); }`
//     error[E0308]: arguments to this function are incorrect
//      --> at `dot3b(` : expected `&[f64]`, found `&[__AutodiffScalar]` (for both arguments)
//
// BUG 4 (pre-existing; same at fc64b90): an `Option` of a non-`Copy` differentiable value, moved
// out by the user's pattern (valid Rust):
//     #[differentiable]
//     fn bug4(p: &[f64]) -> f64 {
//         let o = Some(P2 { x: p[0], y: p[1] });       // or Some(DVector::from_vec(..))
//         match o { Some(q) => q.x * q.y, None => 0.0 } // or `if let Some(d) = o { d.sum() } ..`
//     }
//     error[E0382]: borrow of partially moved value: `o`
//      --> #[differentiable]  (value borrowed here after partial move; moved at `Some(q)`)
//
// Not bugs (refused with a message at the user's tokens, or a known limitation reported the same
// way before the `differentiated_local` check): `let _ = f(&p[..])` (run for its effect),
// `p.split_at(k)`, `p.iter()` bound to a local, closures, `fold`, `Option::unwrap`/`unwrap_or`,
// `p.last()`, `SMatrix::new`, `Some(ref d)`, a `#[no_grad]` callee parameter given a
// differentiable range. Locals whose type has no adjoint (`Option<(f64, f64)>`,
// `Vec<(f64, f64)>`, `[(f64, f64); 2]`, `(f64, Option<usize>)`, `(f64, [usize; 2])`,
// `(f64, Vec<usize>)`, `(f64, &str)`, `(f64, char)`, `(f64, ())`, `&(f64, f64)`, 9-tuples,
// nested tuples read by field `(u.1).1`) failed at fc64b90 too; the check only adds an error at
// the local's name. No program that compiled at fc64b90 was found to fail now.
