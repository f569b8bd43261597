//! `&` patterns bind the value behind a reference (`autodiff-macros/src/lower/bindings.rs`):
//! `let &k = &idx[i];` is `let k = idx[i];`, for an integer index and for a differentiable
//! element alike, and over tuples. Before, the name stayed a reference, and code using it as a
//! value did not compile. (A `&` pattern in a `match` arm over a value that carries a derivative
//! is refused, as other patterns of that kind are.) Gradients against central differences.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// An integer index bound through `&k`, and an element through `&v`.
#[differentiable]
fn gathered(x: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..idx.len() {
        let &k = &idx[i];
        let &v = &x[k];
        if v > 0.5 {
            s += v * v;
        } else {
            s -= 0.5 * v;
        }
    }
    s
}

/// A `&` pattern over a tuple of indices, and over a pair of elements.
#[differentiable]
fn matched(x: &[f64], #[no_grad] pairs: &[(usize, usize)]) -> f64 {
    let mut s = 0.0;
    for i in 0..pairs.len() {
        let &(a, b) = &pairs[i];
        let &(p, q) = &(x[a], x[b]);
        s += p * q + q.sin();
    }
    s
}

#[test]
fn reference_patterns_against_central_differences() {
    let idx = [3usize, 0, 2, 2, 1];
    let pairs = [(0usize, 1usize), (2, 3), (3, 0), (1, 1)];
    for amp in [0.4, 0.9] {
        let x = sines(4, amp);
        let r = gathered_grad(&x, &idx);
        check_value_grad("gathered", |x| gathered(x, &idx), r, &x);
        let r = matched_grad(&x, &pairs);
        check_value_grad("matched", |x| matched(x, &pairs), r, &x);
    }
}
