use autodiff::prelude::*;

#[custom_derivative(vjp = f_rule_vjp)]
fn f(x: f64) -> f64 {
    x * x
}

fn f_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x * x, move |g: f64| 2.0 * x * g)
}

fn main() {}
