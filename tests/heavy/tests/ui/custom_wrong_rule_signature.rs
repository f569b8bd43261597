use autodiff::prelude::*;

#[custom_derivative(vjp = f_rule_vjp, jvp = f_rule_jvp)]
fn f(x: f64) -> f64 {
    x * x
}

// The pullback is missing: a vjp rule returns `(value, impl Fn(cotangent) -> gradient)`.
fn f_rule_vjp(x: f64) -> f64 {
    2.0 * x
}

fn f_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x * x, 2.0 * x * t)
}

fn main() {}
