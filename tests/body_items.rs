//! Items declared inside a `#[differentiable]` function: at the top of the body (visible in the
//! whole body, as Rust has it), and inside a loop body or inner block under a name used nowhere
//! else. Values against the function as written, gradients against central differences. The
//! items that would change meaning when declared once for the whole generated function are
//! refused (`tests/heavy/tests/ui/item_in_block.rs`, `tests/heavy/tests/ui/local_fn_call.rs`).

#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

#[differentiable]
fn top_level_items(x: &[f64]) -> f64 {
    const HALF: f64 = 0.5;
    use std::f64::consts::PI;
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (PI * HALF * x[i]).sin();
    }
    s
}

#[differentiable]
fn items_in_inner_blocks(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        const TWICE: f64 = 2.0;
        s += x[i] * TWICE * s.cos();
    }
    let u = {
        const THIRD: f64 = 1.0 / 3.0;
        x[0] * THIRD
    };
    s + u * u
}

/// A local `#[differentiable]` helper: its companion is declared with it.
#[differentiable]
fn local_differentiable_helper(x: &[f64]) -> f64 {
    #[differentiable]
    fn inner(a: f64) -> f64 {
        a.sin() * a
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += inner(x[i]) * x[0];
    }
    s
}

const PT: [f64; 4] = [0.3, -0.7, 1.1, 0.45];
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

#[test]
fn items_keep_their_meaning() {
    for (f, g) in [
        (
            top_level_items as fn(&[f64]) -> f64,
            top_level_items_grad as fn(&[f64]) -> (f64, Vec<f64>),
        ),
        (items_in_inner_blocks, items_in_inner_blocks_grad),
        (
            local_differentiable_helper,
            local_differentiable_helper_grad,
        ),
    ] {
        let (v, gr) = g(&PT);
        assert!((v - f(&PT)).abs() < 1e-12);
        assert_gradient(f, &PT, &gr, 1e-6, TOL);
    }
}
