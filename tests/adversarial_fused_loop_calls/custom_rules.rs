//! Custom rules below a call (clipping pullbacks, which must see their own cotangent).

use super::*;

// ------------------------------------------------------------------------------------------------
// 1. Custom rules below a call
// ------------------------------------------------------------------------------------------------

/// A user module named `ops` (the runtime's matrix ops live in `autodiff::ops`).
mod ops {
    use autodiff::prelude::*;

    /// The identity with the rule `g ↦ clamp(g, -0.5, 0.5)` (not linear in `g`).
    #[custom_derivative(vjp = clip_rule_vjp, jvp = clip_rule_jvp)]
    pub fn clip(x: f64) -> f64 {
        x
    }
    pub fn clip_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
        (x, |g: f64| g.clamp(-0.5, 0.5))
    }
    pub fn clip_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
        (x, dx)
    }
}

/// Branches and calls the `ops` custom rule.
#[differentiable]
fn branch_ops_clip(x: f64) -> f64 {
    if x > -10.0 { 2.0 * ops::clip(x) } else { x }
}

#[differentiable]
fn ops_clip_fit(x: &[f64], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = branch_ops_clip(x[i] * k);
        l += e * e;
    }
    l * 3.0
}

#[test]
fn custom_rule_in_a_module_named_ops_below_a_helper_is_clipped_per_call() {
    let x = [0.3, -0.7, 1.2, 0.05, 0.4];
    let k = 0.9;
    // l = 3 Σ e², e = 2 clip(u), u = x k. The rule sees g_e · 2 = 3 · 2e · 2 = 12 e = 24 u,
    // clips it: du = clamp(24 u, -0.5, 0.5); dx = du k, dk = Σ du x. (Fused, the rule would see
    // the unit cotangent of l times 2 · 2e and be scaled by 3 after the clip.)
    let (v, (gx, gk)) = ops_clip_fit_grad(&x, k);
    near("value", v, ops_clip_fit(&x, k));
    let mut want_k = 0.0;
    for i in 0..x.len() {
        let u = x[i] * k;
        let du = (24.0 * u).clamp(-0.5, 0.5);
        near(&format!("ops_clip_fit x[{i}]"), gx[i], du * k);
        want_k += du * x[i];
    }
    near("ops_clip_fit k", gk, want_k);
}

/// The same rule reached two helpers down through an associated function (`Self::`).
struct Clipper;

impl Clipper {
    #[custom_derivative(vjp = inner_clip_rule_vjp, jvp = inner_clip_rule_jvp)]
    fn inner_clip(x: f64) -> f64 {
        x
    }

    /// Branches; calls the rule through `Self::`.
    #[differentiable]
    fn step(x: f64) -> f64 {
        if x > -10.0 {
            Self::inner_clip(x) * 2.0
        } else {
            x
        }
    }

    /// Branches; calls `step` (two levels above the rule).
    #[differentiable]
    fn outer(x: f64, c: f64) -> f64 {
        if c > 0.0 { Self::step(x) + c } else { x }
    }

    #[differentiable]
    fn fit(x: &[f64], c: f64) -> f64 {
        let mut l = 0.0;
        for i in 0..x.len() {
            let e = Self::outer(x[i], c);
            l += e * e;
        }
        l * 3.0
    }
}

fn inner_clip_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.clamp(-0.5, 0.5))
}
fn inner_clip_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (x, dx)
}

#[test]
fn custom_rule_two_associated_helpers_down_is_clipped_per_call() {
    let x = [0.3, -0.7, 0.02, -0.01, 0.4];
    let c = 0.1;
    // l = 3 Σ e², e = 2 clip(x) + c. g_e = 6 e; the rule sees 2 g_e = 12 e and clips it:
    // dx = clamp(12 e, ±0.5); dc = Σ 6 e (no clip on the `+ c` path).
    let (v, (gx, gc)) = Clipper::fit_grad(&x, c);
    near("value", v, Clipper::fit(&x, c));
    let mut want_c = 0.0;
    for i in 0..x.len() {
        let e = 2.0 * x[i] + c;
        near(
            &format!("Clipper::fit x[{i}]"),
            gx[i],
            (12.0 * e).clamp(-0.5, 0.5),
        );
        want_c += 6.0 * e;
    }
    near("Clipper::fit c", gc, want_c);
}

/// A custom rule linear in its cotangent only where it is small: fused and unfused agree only
/// if the rule sees the real cotangent. Called directly in an arm of the loop's `if`.
#[custom_derivative(vjp = soft_clip_rule_vjp, jvp = soft_clip_rule_jvp)]
fn soft_clip(x: f64) -> f64 {
    x
}
fn soft_clip_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-0.25))
}
fn soft_clip_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (x, dx)
}

#[differentiable]
fn soft_clip_arms(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += huber(x[i] - a, 0.3);
        } else {
            s += soft_clip(x[i] * a);
        }
    }
    -2.0 * s
}

#[test]
fn custom_rule_in_an_arm_beside_a_fusable_call_sees_its_cotangent() {
    let x = [0.3, -0.7, 1.2, -0.05, 0.4, -2.0];
    let a = 0.5;
    // ds = -2. Arms x > 0: d/dx huber(x - a) · -2 (huber' = r if |r| <= 0.3 else 0.3 sign r),
    // da gets the negative of that. Arms x <= 0: the rule sees -2 and returns max(-2, -0.25)
    // = -0.25; dx = -0.25 a, da += -0.25 x.
    let (v, (gx, ga)) = soft_clip_arms_grad(&x, a);
    near("value", v, soft_clip_arms(&x, a));
    let mut want_a = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            let r: f64 = x[i] - a;
            let h = if r.abs() <= 0.3 { r } else { 0.3 * r.signum() };
            near(&format!("x[{i}]"), gx[i], -2.0 * h);
            want_a += 2.0 * h;
        } else {
            near(&format!("x[{i}]"), gx[i], -0.25 * a);
            want_a += -0.25 * x[i];
        }
    }
    near("a", ga, want_a);
}
