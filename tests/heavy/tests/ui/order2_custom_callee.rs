use autodiff::prelude::*;

#[custom_derivative(vjp = softplus_rule_vjp, jvp = softplus_rule_jvp)]
fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn softplus_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    let s = 1.0 / (1.0 + (-x).exp());
    (softplus(x), move |g: f64| g * s)
}

fn softplus_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (softplus(x), t / (1.0 + (-x).exp()))
}

#[differentiable(order = 2)]
fn f(x: f64) -> f64 {
    softplus(x) * x
}

fn main() {}
