//! Calls run for their effect inside `#[differentiable]` functions: an argument that carries a
//! derivative is refused (`tests/heavy/tests/ui/value_kept_by_call.rs`); these are the uses that
//! stay, with their gradients against hand derivations.

use std::cell::Cell;

use autodiff::prelude::*;

/// Counts its calls; takes constants only.
fn tick(c: &Cell<usize>) {
    c.set(c.get() + 1);
}

#[differentiable]
fn effects_on_constants(x: f64, #[no_grad] calls: &Cell<usize>) -> f64 {
    // Integers and constants may go into any call.
    tick(calls);
    calls.set(calls.get() + 10);
    let shown = Cell::new(0.0);
    // A constant copy may be kept: it carries no derivative by construction.
    let c = stop_gradient(x);
    shown.set(c * 2.0);
    let _ = shown.replace(c);
    // The in-place operations the macro differentiates keep the derivative.
    let mut v: Vec<f64> = Vec::new();
    v.push(x * x);
    v.insert(0, x);
    v.fill(x * 3.0);
    println!("x = {x}, kept {}", shown.get());
    // y = 3x + c·x with c = x held constant.
    v[0] + shown.get() * x
}

/// A plain struct whose `&self` query is called on a value with a derivative in a condition.
pub struct Interval {
    pub hi: f64,
}

impl Interval {
    pub fn contains_value(&self, v: f64) -> bool {
        v < self.hi
    }
}

#[differentiable]
fn branch_on_a_query(x: f64, #[no_grad] range: &Interval) -> f64 {
    if range.contains_value(x * x) {
        x * x
    } else {
        x
    }
}

#[test]
fn shared_queries_in_conditions_pass() {
    let range = Interval { hi: 1.0 };
    // x² = 0.49 < 1: y = x², dy/dx = 2x; at x = 1.5, x² > 1: y = x, dy/dx = 1.
    let (y, g) = branch_on_a_query_grad(0.7, &range);
    assert!(
        (y - 0.49).abs() < 1e-12 && (g - 1.4).abs() < 1e-12,
        "{y} {g}"
    );
    let (y, g) = branch_on_a_query_grad(1.5, &range);
    assert!(
        (y - 1.5).abs() < 1e-12 && (g - 1.0).abs() < 1e-12,
        "{y} {g}"
    );
}

#[test]
fn constants_and_known_in_place_operations_pass() {
    let calls = Cell::new(0);
    let (y, g) = effects_on_constants_grad(0.7, &calls);
    // y = 3x + x² (c = x), dy/dx = 3 + c = 3.7 at x = 0.7.
    assert!((y - (3.0 * 0.7 + 0.49)).abs() < 1e-12, "{y}");
    assert!((g - 3.7).abs() < 1e-12, "{g}");
    assert!(calls.get() >= 11);
}
