//! `w = u.to_vec()` of a local `u`: the copy may have a dense adjoint on its own (its reverse
//! adds into `u`'s slot whatever that is), but when the copy has a use the dense path does not
//! cover (a range `&w[a..]` passed to a helper, a whole-slice call, an iterator), `u` must not be
//! dense either: the copy's reverse adds into `u`'s `Option` slot. Before, such a function was
//! accepted and its expansion did not compile. Covered: a range of the copy passed to a helper,
//! in a loop, a chain of copies, a copy read by an iterator, the copy passed whole, a truncated
//! copy, windows of a copy, copies as the rows of `vec![q.to_vec(); 2]`, and a generic helper.
//! Each gradient against central differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_value_grad, sines};

#[differentiable]
fn h(v: &[f64]) -> f64 {
    v[0] * v[0] + v[v.len() - 1].sin()
}

#[differentiable]
fn range_of_copy(p: &[f64]) -> f64 {
    let u = p.to_vec();
    let w = u.to_vec();
    h(&w[1..])
}

#[differentiable]
fn ranges_in_a_loop(p: &[f64]) -> f64 {
    let mut u = p.to_vec();
    for i in 0..u.len() {
        u[i] = u[i] * 0.5 + 0.1 * (i as f64);
    }
    let w = u.to_vec();
    let mut a = 0.0;
    for i in 0..w.len() - 1 {
        a += h(&w[i..]);
    }
    a + u[0]
}

#[differentiable]
fn chain_of_copies(p: &[f64]) -> f64 {
    let u = p.to_vec();
    let v = u.to_vec();
    let w = v.to_vec();
    h(&w[2..]) + v[0] * u[1]
}

#[differentiable]
fn copy_read_by_iterator(p: &[f64]) -> f64 {
    let mut u = vec![0.0; p.len()];
    for i in 0..p.len() {
        u[i] = p[i].tanh();
    }
    let w = u.to_vec();
    let mut s = 0.0;
    for x in w.iter() {
        s += x * x;
    }
    s + u[0]
}

#[differentiable]
fn copy_passed_whole(p: &[f64]) -> f64 {
    let u = p.to_vec();
    let w = u.to_vec();
    h(&w) * u[2]
}

#[differentiable]
fn copy_truncated(p: &[f64]) -> f64 {
    let u = p.to_vec();
    let mut w = u.to_vec();
    w.truncate(4);
    h(&w[1..]) + u[5]
}

#[differentiable]
fn windows_of_copy(p: &[f64]) -> f64 {
    let u = p.to_vec();
    let w = u.to_vec();
    let mut s = 0.0;
    for x in w.windows(2) {
        s += h(x);
    }
    s
}

#[differentiable]
fn rows_of_copies(p: &[f64]) -> f64 {
    let q = p.to_vec();
    let g = vec![q.to_vec(); 2];
    g[1][1] * q[0]
}

#[differentiable]
fn hg<T: Real>(v: &[T]) -> T {
    v[0] * v[1]
}

#[differentiable]
fn generic_copy<T: Real>(p: &[T]) -> T {
    let u = p.to_vec();
    let w = u.to_vec();
    hg(&w[1..]) + u[0]
}

#[test]
fn copies_of_local_vecs_with_uses_of_their_own() {
    let p = sines(6, 0.8);
    check_value_grad("range_of_copy", range_of_copy, range_of_copy_grad(&p), &p);
    check_value_grad(
        "ranges_in_a_loop",
        ranges_in_a_loop,
        ranges_in_a_loop_grad(&p),
        &p,
    );
    check_value_grad(
        "chain_of_copies",
        chain_of_copies,
        chain_of_copies_grad(&p),
        &p,
    );
    check_value_grad(
        "copy_read_by_iterator",
        copy_read_by_iterator,
        copy_read_by_iterator_grad(&p),
        &p,
    );
    check_value_grad(
        "copy_passed_whole",
        copy_passed_whole,
        copy_passed_whole_grad(&p),
        &p,
    );
    check_value_grad(
        "copy_truncated",
        copy_truncated,
        copy_truncated_grad(&p),
        &p,
    );
    check_value_grad(
        "windows_of_copy",
        windows_of_copy,
        windows_of_copy_grad(&p),
        &p,
    );
    check_value_grad(
        "rows_of_copies",
        rows_of_copies,
        rows_of_copies_grad(&p),
        &p,
    );
    check_value_grad(
        "generic_copy",
        generic_copy::<f64>,
        generic_copy_grad(&p),
        &p,
    );
}
