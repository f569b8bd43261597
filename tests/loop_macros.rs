//! Macro calls inside loops of `#[differentiable]` functions. A `break` or `continue` hidden in a
//! macro's expansion would leave a trip the reverse sweep does not see, so inside a loop the
//! generated code fences macro calls (and other code run as written) with a labelled block: such
//! a jump does not compile (`tests/heavy/tests/ui/macro_break_in_loop.rs`,
//! `macro_loop_label.rs`). The fence changes nothing else: the macros below, in statement and
//! expression position, formatting, asserting, binding a name for later statements, and with
//! loops of their own, give the value of the function as written and the gradient of central
//! differences.

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// Binds `$k` for the statements after the call.
macro_rules! bind_scaled {
    ($k:ident, $n:expr) => {
        let $k = 2 * $n;
    };
}

/// A loop of its own inside the expansion: its `break` targets that loop.
macro_rules! first_over {
    ($limit:expr) => {{
        let mut j = 0usize;
        loop {
            if j * j > $limit {
                break;
            }
            j += 1;
        }
        j
    }};
}

macro_rules! half {
    () => {
        0.5
    };
}

#[differentiable]
fn macros_in_a_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        assert!(i < x.len(), "index {i}");
        debug_assert!(x[i].is_finite());
        bind_scaled!(k, i);
        let label = format!("{k}");
        let m = first_over!(k) as f64;
        s += x[i] * x[i] * half!() + (label.len() as f64) * x[i] * m;
        if i > 1 && s > 1e9 {
            break;
        }
    }
    s
}

#[differentiable]
fn macros_in_a_while(x: &[f64]) -> f64 {
    let mut s = 1.0;
    let mut i = 0;
    while i < x.len() {
        debug_assert!(i < 100, "trip {}", i);
        s = s * (x[i] * half!()).sin() + x[i];
        i += 1;
    }
    s
}

const PT: [f64; 5] = [0.3, -0.7, 1.1, 0.45, -0.2];
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

#[test]
fn fenced_macros_keep_their_meaning() {
    for (f, g) in [
        (
            macros_in_a_loop as fn(&[f64]) -> f64,
            macros_in_a_loop_grad as fn(&[f64]) -> (f64, Vec<f64>),
        ),
        (macros_in_a_while, macros_in_a_while_grad),
    ] {
        let (v, gr) = g(&PT);
        assert!((v - f(&PT)).abs() < 1e-12, "{v} vs {}", f(&PT));
        assert_gradient(f, &PT, &gr, 1e-6, TOL);
    }
}
