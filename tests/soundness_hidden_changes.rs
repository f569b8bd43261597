//! Variables changed where the lowering does not see an assignment statement: an integer
//! counter bumped inside a `while` condition, through a `&mut` borrow passed to a plain function,
//! by a `&mut self` method called in a condition, or by a user macro. The reverse sweep must not
//! take such a variable as unchanged since its `let` (and recompute an index from it); each case
//! is checked against central differences and against `_jvp`, table-driven.
#![allow(clippy::blocks_in_conditions)] // the forms under test

use autodiff::check::{DEFAULT_ETA, Tolerance, assert_gradient};
use autodiff::prelude::*;

fn bump(c: &mut usize) {
    *c += 1;
}

struct Counter {
    i: usize,
}

impl Counter {
    fn advance(&mut self) -> bool {
        self.i += 1;
        self.i < 4
    }
}

macro_rules! inc {
    ($c:ident) => {
        $c += 1
    };
}

/// `Σ v[c]²` for `c = 1, 2` (bumped through `&mut` before each read).
#[differentiable]
fn through_mut_borrow(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = 0;
    for _ in 0..2 {
        bump(&mut c);
        s += v[c] * v[c];
    }
    s
}

/// `Σ v[c]²` for `c = 1 .. len - 1` (bumped in the condition).
#[differentiable]
fn counter_in_condition(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = 0;
    while {
        c += 1;
        c < v.len()
    } {
        s += v[c] * v[c];
    }
    s
}

/// `v[0] · v[1] · v[2] · v[3]`: a product whose factor is picked by the counter.
#[differentiable]
fn product_by_counter(v: &[f64]) -> f64 {
    let mut s = v[0];
    let mut c = 0;
    while {
        c += 1;
        c < v.len()
    } {
        s *= v[c];
    }
    s
}

/// `Σ v[i]² · i` for `i = 1, 2, 3` (a `&mut self` method in the condition).
#[differentiable]
fn method_in_condition(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut ctr = Counter { i: 0 };
    while ctr.advance() {
        let w = ctr.i as f64;
        s += v[ctr.i] * v[ctr.i] * w;
    }
    s
}

/// `v[1]³ + v[2]³` with the index bumped by a user macro.
#[differentiable]
fn counter_by_macro(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = 0;
    for _ in 0..2 {
        inc!(c);
        s += v[c] * v[c] * v[c];
    }
    s
}

/// A branch on a counter bumped in the loop's condition (the reverse sweep must not evaluate
/// `c > 1` again from a stale `c`).
#[differentiable]
fn branch_on_hidden_counter(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = 0;
    while {
        c += 1;
        c < v.len()
    } {
        if c > 1 {
            s += v[c] * v[c];
        } else {
            s -= v[c];
        }
    }
    s
}

/// A branch on a counter bumped through `&mut` before it.
#[differentiable]
fn branch_after_mut_borrow(v: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = 0;
    for i in 0..3 {
        bump(&mut c);
        if c > 2 {
            s += v[i] * v[c];
        } else {
            s -= v[i] * v[i];
        }
    }
    s
}

type Grad = fn(&[f64]) -> (f64, Vec<f64>);
type Primal = fn(&[f64]) -> f64;
type Tangent = fn(&[f64], Vec<f64>) -> (f64, f64);

#[test]
fn counters_changed_out_of_sight_index_the_right_elements() {
    let cases: [(&str, Primal, Grad, Tangent); 7] = [
        (
            "through_mut_borrow",
            through_mut_borrow,
            through_mut_borrow_grad,
            through_mut_borrow_jvp,
        ),
        (
            "counter_in_condition",
            counter_in_condition,
            counter_in_condition_grad,
            counter_in_condition_jvp,
        ),
        (
            "product_by_counter",
            product_by_counter,
            product_by_counter_grad,
            product_by_counter_jvp,
        ),
        (
            "method_in_condition",
            method_in_condition,
            method_in_condition_grad,
            method_in_condition_jvp,
        ),
        (
            "counter_by_macro",
            counter_by_macro,
            counter_by_macro_grad,
            counter_by_macro_jvp,
        ),
        (
            "branch_on_hidden_counter",
            branch_on_hidden_counter,
            branch_on_hidden_counter_grad,
            branch_on_hidden_counter_jvp,
        ),
        (
            "branch_after_mut_borrow",
            branch_after_mut_borrow,
            branch_after_mut_borrow_grad,
            branch_after_mut_borrow_jvp,
        ),
    ];
    let v = [1.3, -0.7, 2.1, 0.9];
    for (name, primal, grad, jvp) in cases {
        let (value, g) = grad(&v);
        assert!((value - primal(&v)).abs() < 1e-12, "{name}: value");
        assert_gradient(primal, &v, &g, DEFAULT_ETA, Tolerance::new(1e-7, 1e-6));
        // Forward mode along each axis gives the same partials.
        for (k, gk) in g.iter().enumerate() {
            let mut t = vec![0.0; v.len()];
            t[k] = 1.0;
            let (_, d) = jvp(&v, t);
            assert!((d - gk).abs() < 1e-9 * (1.0 + gk.abs()), "{name}: ∂/∂v{k}");
        }
    }
    // An analytic anchor: ∂/∂v of Σ_{c=1,2} v[c]² is (0, 2 v1, 2 v2, 0).
    let (_, g) = through_mut_borrow_grad(&v);
    assert_eq!(g.len(), 4);
    for (got, want) in g.iter().zip([0.0, 2.0 * v[1], 2.0 * v[2], 0.0]) {
        assert!((got - want).abs() < 1e-12);
    }
}
