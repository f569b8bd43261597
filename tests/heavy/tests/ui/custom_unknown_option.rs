use autodiff::prelude::*;

#[custom_derivative(vjp = f_rule_vjp, jvp = f_rule_jvp, hessian = f_rule_hessian)]
fn f(x: f64) -> f64 {
    x * x
}

fn f_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x * x, move |g: f64| 2.0 * x * g)
}

fn f_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x * x, 2.0 * x * t)
}

fn main() {}
