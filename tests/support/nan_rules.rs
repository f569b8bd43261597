//! A custom rule shared by the tests of the optimistic sweep (included with `#[path]` and
//! brought in with `use nan_rules::*`, which also brings its companions): its pullback turns a
//! NaN cotangent into a number (`max` drops a NaN operand), so an IEEE sweep that handed it a
//! NaN would keep a finite, wrong gradient.

#![allow(dead_code)]

use autodiff::prelude::*;

/// The identity, with the NaN-dropping rule `g ↦ max(g, -1)`.
#[custom_derivative(vjp = floor_rule_vjp, jvp = floor_rule_jvp)]
pub fn floored(x: f64) -> f64 {
    x
}
pub fn floor_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}
pub fn floor_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}
