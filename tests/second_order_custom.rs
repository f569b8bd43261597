//! Custom derivatives with a second-order rule (`#[custom_derivative(.., hvp = ..)]`): their own
//! `NAME_hvp`/`NAME_hessian`, and `order = 2` callers, against central differences and analytic
//! values.

use autodiff::check::{Tolerance, numeric_jacobian};
use autodiff::prelude::*;

fn close(a: f64, b: f64, tol: Tolerance, what: &str) {
    assert!(tol.accepts(a, b), "{what}: {a} vs {b}");
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// softplus(x) = ln(1 + eˣ): softplus' = σ(x), softplus'' = σ(x)(1 - σ(x)).
#[custom_derivative(vjp = softplus_rule_vjp, jvp = softplus_rule_jvp, hvp = softplus_rule_hvp)]
fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn softplus_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    let s = sigmoid(x);
    (softplus(x), move |g: f64| g * s)
}

fn softplus_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (softplus(x), t * sigmoid(x))
}

fn softplus_rule_hvp(x: f64, v: f64) -> (f64, f64, f64) {
    let s = sigmoid(x);
    (softplus(x), s, s * (1.0 - s) * v)
}

/// A custom rule over a slice and a scalar: f(x, a) = a·Σ xᵢ², ∇ = (2a·x, Σ xᵢ²),
/// H·(v, w) = (2a·v + 2w·x, 2⟨x, v⟩).
#[custom_derivative(vjp = scaled_sq_rule_vjp, jvp = scaled_sq_rule_jvp, hvp = scaled_sq_rule_hvp)]
fn scaled_sq(x: &[f64], a: f64) -> f64 {
    a * x.iter().map(|xi| xi * xi).sum::<f64>()
}

fn scaled_sq_rule_vjp(x: &[f64], a: f64) -> (f64, impl Fn(f64) -> (Vec<f64>, f64) + '_) {
    (scaled_sq(x, a), move |g: f64| {
        let gx = x.iter().map(|xi| g * 2.0 * a * xi).collect();
        (gx, g * x.iter().map(|xi| xi * xi).sum::<f64>())
    })
}

fn scaled_sq_rule_jvp(x: &[f64], a: f64, tx: Vec<f64>, ta: f64) -> (f64, f64) {
    let dot: f64 = x.iter().zip(&tx).map(|(xi, ti)| xi * ti).sum();
    (
        scaled_sq(x, a),
        2.0 * a * dot + ta * x.iter().map(|xi| xi * xi).sum::<f64>(),
    )
}

#[allow(clippy::type_complexity)]
fn scaled_sq_rule_hvp(
    x: &[f64],
    a: f64,
    v: Vec<f64>,
    w: f64,
) -> (f64, (Vec<f64>, f64), (Vec<f64>, f64)) {
    let gx = x.iter().map(|xi| 2.0 * a * xi).collect();
    let ga = x.iter().map(|xi| xi * xi).sum::<f64>();
    let hx = x
        .iter()
        .zip(&v)
        .map(|(xi, vi)| 2.0 * a * vi + 2.0 * w * xi)
        .collect();
    let ha = 2.0 * x.iter().zip(&v).map(|(xi, vi)| xi * vi).sum::<f64>();
    (scaled_sq(x, a), (gx, ga), (hx, ha))
}

#[differentiable(order = 2)]
fn uses_custom(x: &[f64]) -> f64 {
    softplus(x[0] * x[1]) + scaled_sq(x, x[2]) * x[0]
}

#[test]
fn custom_hvp_rules_feed_second_order_callers() {
    let x = [0.4, -0.7, 1.3];
    let (y, g) = uses_custom_grad(&x);
    let (yh, gh, h) = uses_custom_hessian(&x);
    close(yh, y, Tolerance::tight(), "value");
    let jac = numeric_jacobian(|p| uses_custom_grad(p).1, &x, 1e-5);
    for i in 0..3 {
        close(gh[i], g[i], Tolerance::tight(), "gradient");
        for j in 0..3 {
            close(h[(i, j)], jac[i][j], Tolerance::new(1e-6, 1e-6), "H");
        }
    }
    // The custom functions' own second-order items use the rules directly.
    let (_, gs, hs) = softplus_hessian(0.3);
    let s = sigmoid(0.3);
    close(gs, s, Tolerance::tight(), "softplus'");
    close(hs[(0, 0)], s * (1.0 - s), Tolerance::tight(), "softplus''");
    let (_, (_, _), (hx, ha)) = scaled_sq_hvp(&[1.0, 2.0], 3.0, vec![0.5, -1.0], 2.0);
    // H·(v, w) = (2a·v + 2w·x, 2⟨x, v⟩) = ((3 + 4, -6 + 8), 2·(0.5 - 2))
    close(hx[0], 7.0, Tolerance::tight(), "hx0");
    close(hx[1], 2.0, Tolerance::tight(), "hx1");
    close(ha, -3.0, Tolerance::tight(), "ha");
}

/// A generic custom rule: x³ with 3x² and 6x·v.
#[custom_derivative(vjp = gcube_rule_vjp, jvp = gcube_rule_jvp, hvp = gcube_rule_hvp)]
fn gcube<T: Real>(x: T) -> T {
    x * x * x
}

fn gcube_rule_vjp<T: Real>(x: T) -> (T, impl Fn(T) -> T) {
    (x * x * x, move |g: T| g * T::from_f64(3.0) * x * x)
}

fn gcube_rule_jvp<T: Real>(x: T, t: T) -> (T, T) {
    (x * x * x, t * T::from_f64(3.0) * x * x)
}

fn gcube_rule_hvp<T: Real>(x: T, v: T) -> (T, T, T) {
    (
        x * x * x,
        T::from_f64(3.0) * x * x,
        T::from_f64(6.0) * x * v,
    )
}

#[differentiable(order = 2)]
fn uses_gcube<T: Real>(x: T, y: T) -> T {
    gcube(x * y) + y
}

#[test]
fn generic_custom_rule_at_f32_and_f64() {
    // f = x³y³ + y: f_xx = 6xy³, f_xy = 9x²y², f_yy = 6x³y.
    let (x, y) = (0.5, 1.5);
    let want = [
        [6.0 * x * y * y * y, 9.0 * x * x * y * y],
        [9.0 * x * x * y * y, 6.0 * x * x * x * y],
    ];
    let (_, _, h) = uses_gcube_hessian(x, y);
    let (_, _, h32) = uses_gcube_hessian(x as f32, y as f32);
    for i in 0..2 {
        for j in 0..2 {
            close(h[(i, j)], want[i][j], Tolerance::tight(), "f64 H");
            close(
                f64::from(h32[(i, j)]),
                want[i][j],
                Tolerance::new(1e-5, 1e-5),
                "f32 H",
            );
        }
    }
}
