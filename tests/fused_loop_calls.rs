//! Accumulation loops that call a helper per trip (`reverse/fused.rs`, calls): where every
//! callee's hint (`expand/fuse_hint.rs`) says its pullback is linear in its cotangent and that
//! fusing pays (a helper that branches, with no loop and no call of the user's), the loop takes
//! `J = Σ ∂term/∂x` as it runs; otherwise the usual sweep, written beside it, runs. Each case
//! is checked against central differences in `f64` (and the value against the primal): the
//! Huber fit (the benchmark's kind), a branching helper on a parameter's whole slice (also read
//! by element in the trip), a `match`,
//! two calls per trip, a call in an arm of the loop's own `if`, the sum used nonlinearly
//! (`ds ≠ 1`), `f32` and a generic scalar, second order, and the callees whose hints say no: a
//! helper calling a custom rule whose pullback clips its cotangent (fused, it would be scaled
//! after the clip: wrong), the custom rule called directly, a helper with a loop, a helper
//! calling another helper. The expected values of the clipped cases are derived in comments.

#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, check_value_grad, sines};

/// The Huber loss of a residual (branches, no loop: fused).
#[differentiable]
fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

/// Mean Huber loss of a quadratic model; gradient w.r.t. the coefficients and the threshold.
#[differentiable]
fn huber_fit(theta: &[f64], delta: f64, #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let pred = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i];
        l += huber(pred - y[i], delta);
    }
    l / x.len() as f64
}

fn huber_data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|i| -1.0 + 2.0 * i as f64 / n as f64).collect();
    let y = (x.iter().enumerate())
        .map(|(i, &xi)| 0.5 + xi - 0.7 * xi * xi + 0.4 * (i as f64 * 1.7).sin())
        .collect();
    (x, y)
}

#[test]
fn huber_fit_matches_differences() {
    let (x, y) = huber_data(40);
    // p = (θ0, θ1, θ2, δ); residuals on both sides of δ
    for p in [
        [0.3, 0.8, -0.2, 0.3],
        [0.1, -0.4, 0.5, 0.05],
        [0.0, 0.0, 0.0, 2.0],
    ] {
        let f = |p: &[f64]| huber_fit(&p[..3], p[3], &x, &y);
        let (v, (gt, gd)) = huber_fit_grad(&p[..3], p[3], &x, &y);
        let mut g = gt.clone();
        g.push(gd);
        check_value_grad("huber_fit", f, (v, g), &p);
    }
}

/// A branching helper on a whole slice (`J` of the table lent as cells) and a float.
#[differentiable]
fn pick(table: &[f64], k: usize, x: f64) -> f64 {
    if x > 0.0 {
        table[k] * x + table[k + 1] * x * x
    } else {
        table[k + 1] * x - table[k] * table[k]
    }
}

#[differentiable]
fn pick_fit(table: &[f64], xs: &[f64], #[no_grad] ks: &[usize], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = pick(table, ks[i], xs[i]) - y[i];
        l += e * e;
    }
    l
}

#[test]
fn whole_slice_helper_matches_differences() {
    let table = sines(12, 0.6);
    let xs = sines(20, 0.9);
    let ks: Vec<usize> = (0..20).map(|i| (i * 5) % 11).collect();
    let y = sines(20, 0.2);
    let (v, (gt, gx)) = pick_fit_grad(&table, &xs, &ks, &y);
    check_value_grad(
        "pick_fit table",
        |t| pick_fit(t, &xs, &ks, &y),
        (v, gt),
        &table,
    );
    check("pick_fit xs", |x| pick_fit(&table, x, &ks, &y), &gx, &xs);
}

/// A helper on the slice the trip also reads by element (its buffer and the lent `J` both add
/// into one adjoint).
#[differentiable]
fn near(x: &[f64], i: usize) -> f64 {
    if x[i] > x[(i + 1) % x.len()] {
        x[i] * x[(i + 1) % x.len()]
    } else {
        x[(i + 2) % x.len()].sin()
    }
}

#[differentiable]
fn near_fit(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += near(x, i) * x[i];
        } else {
            s -= x[i] * x[i];
        }
    }
    s
}

#[test]
fn a_slice_read_by_element_and_passed_whole_matches_differences() {
    for x in [sines(9, 0.8), sines(14, 1.2)] {
        check_value_grad("near_fit", near_fit, near_fit_grad(&x), &x);
    }
}

/// A `match` in the helper.
#[differentiable]
fn piece(k: usize, x: f64, a: f64) -> f64 {
    match k % 3 {
        0 => a * x * x,
        1 => (a * x).sin(),
        _ => x - a,
    }
}

/// Two calls per trip and a call in an arm of the loop's own `if`; the sum used nonlinearly.
#[differentiable]
fn mixed(x: &[f64], a: f64) -> f64 {
    let mut s = 0.5;
    for i in 0..x.len() {
        let t = piece(i, x[i], a) + huber(x[i] - a, 0.4);
        if x[i] > 0.1 {
            s += t * piece(i + 1, x[i], 0.5);
        } else {
            s -= t;
        }
    }
    s.ln() * a + s * s
}

#[test]
fn several_calls_and_nonlinear_sum_match_differences() {
    for x in [sines(15, 0.8), sines(9, 1.3)] {
        let mut p = x.clone();
        p.push(0.35);
        let f = |p: &[f64]| mixed(&p[..p.len() - 1], p[p.len() - 1]);
        let (v, (gx, ga)) = mixed_grad(&p[..p.len() - 1], p[p.len() - 1]);
        let mut g = gx.clone();
        g.push(ga);
        check_value_grad("mixed", f, (v, g), &p);
    }
}

/// `f32`, and a generic scalar, through the same kind.
#[differentiable]
fn soft32(r: f32, c: f32) -> f32 {
    if r > c { r - 0.5 * c } else { 0.5 * r * r / c }
}

#[differentiable]
fn fit32(x: &[f32], c: f32) -> f32 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += soft32(x[i] * x[i], c);
    }
    s
}

#[differentiable]
fn clamp_sq<T: Real>(r: T, c: T) -> T {
    if r > c { c * c } else { r * r }
}

#[differentiable]
fn fit_generic<T: Real>(x: &[T], c: T) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s += clamp_sq(x[i], c);
    }
    s
}

#[test]
fn f32_and_generic_scalars_match_differences() {
    let x = sines(12, 1.1);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (g32, gc32)) = fit32_grad(&x32, 0.3);
    // against central differences of the same function in f64 (f32 rounding: within 1e-4)
    let f64_fit = |x: &[f64], c: f64| -> f64 {
        x.iter()
            .map(|&v| {
                let r = v * v;
                if r > c { r - 0.5 * c } else { 0.5 * r * r / c }
            })
            .sum()
    };
    let h = 1e-6;
    for k in 0..x.len() {
        let (mut a, mut b) = (x.clone(), x.clone());
        a[k] += h;
        b[k] -= h;
        let fd = (f64_fit(&a, 0.3) - f64_fit(&b, 0.3)) / (2.0 * h);
        assert!(
            (g32[k] as f64 - fd).abs() < 1e-4 * (1.0 + fd.abs()),
            "fit32[{k}]"
        );
    }
    let fdc = (f64_fit(&x, 0.3 + h) - f64_fit(&x, 0.3 - h)) / (2.0 * h);
    assert!(
        (gc32 as f64 - fdc).abs() < 1e-4 * (1.0 + fdc.abs()),
        "fit32 c"
    );
    let mut p = x.clone();
    p.push(0.2);
    let (v, (gx, gc)) = fit_generic_grad(&p[..12], p[12]);
    let mut g = gx.clone();
    g.push(gc);
    check_value_grad("fit_generic", |p| fit_generic(&p[..12], p[12]), (v, g), &p);
}

/// Second order through a loop with a fusable call.
#[differentiable(order = 2)]
fn smooth(r: f64, c: f64) -> f64 {
    if r > 0.0 {
        (r * c).sin() + r * r
    } else {
        r * c * c
    }
}

#[differentiable(order = 2)]
fn smooth_fit(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += smooth(x[i], x[i + 1]);
    }
    s
}

#[test]
fn second_order_matches_differences_of_the_gradient() {
    let x = sines(8, 0.9);
    let (v, g) = smooth_fit_grad(&x);
    check_value_grad("smooth_fit", smooth_fit, (v, g), &x);
    let dir = sines(8, 0.4);
    let (_, _, hv) = smooth_fit_hvp(&x, dir.clone());
    check_hvp("smooth_fit", |y| smooth_fit_grad(y).1, &hv, &x, &dir);
}

/// The identity with the rule `g ↦ clamp(g, -0.5, 0.5)` (not linear in `g`).
#[custom_derivative(vjp = clipped_rule_vjp, jvp = clipped_rule_jvp)]
fn clipped(x: f64) -> f64 {
    x
}
fn clipped_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.clamp(-0.5, 0.5))
}
fn clipped_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (x, dx)
}

/// A branching helper that calls the custom rule: its hint says no (it calls the user's).
#[differentiable]
fn branch_clip(x: f64) -> f64 {
    if x > -10.0 { 2.0 * clipped(x) } else { x }
}

#[differentiable]
fn clip_fit(x: &[f64], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = branch_clip(x[i] * k);
        l += e * e;
    }
    l * 3.0
}

#[differentiable]
fn clip_direct(x: &[f64], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = clipped(x[i] * k);
        if e > 0.0 {
            l += e * e;
        } else {
            l -= e;
        }
    }
    l * 3.0
}

#[test]
fn custom_rules_below_a_call_get_their_own_cotangent() {
    let x = [0.3, -0.7, 1.2, 0.05, 0.4];
    let k = 0.9;
    // clip_fit: l = 3 Σ e², e = 2 clip(u), u = x k. The rule sees g_e · 2 with g_e = 3 · 2e,
    // clips it to [-0.5, 0.5]: du = clamp(12 e) = clamp(24 u); dx = du k, dk = Σ du x.
    let (_, (gx, gk)) = clip_fit_grad(&x, k);
    let mut want_k = 0.0;
    for i in 0..x.len() {
        let u = x[i] * k;
        let du = (24.0 * u).clamp(-0.5, 0.5);
        assert!((gx[i] - du * k).abs() < 1e-12, "clip_fit x[{i}]");
        want_k += du * x[i];
    }
    assert!((gk - want_k).abs() < 1e-12, "clip_fit k");
    // clip_direct: l = 3 Σ (e > 0 ? e² : -e), e = clip(u); g_e = 3 (2e or -1), clipped.
    let (_, (gx, gk)) = clip_direct_grad(&x, k);
    let mut want_k = 0.0;
    for i in 0..x.len() {
        let u = x[i] * k;
        let ge: f64 = if u > 0.0 { 6.0 * u } else { -3.0 };
        let du = ge.clamp(-0.5, 0.5);
        assert!((gx[i] - du * k).abs() < 1e-12, "clip_direct x[{i}]");
        want_k += du * x[i];
    }
    assert!((gk - want_k).abs() < 1e-12, "clip_direct k");
}

/// A branching helper with a loop (its hint says no: the usual sweep) and one that calls
/// another helper (no as well).
#[differentiable]
fn looped(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        if x > 0.0 {
            s = s * x + w[j];
        } else {
            s = s * x - w[j];
        }
    }
    s
}

#[differentiable]
fn nested(r: f64, d: f64) -> f64 {
    if r > 0.0 { huber(r, d) * 2.0 } else { r * d }
}

#[differentiable]
fn unfused(w: &[f64], x: &[f64], d: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = looped(w, x[i]);
        l += nested(e, d) + e * e;
    }
    l
}

#[test]
fn callees_that_say_no_keep_the_usual_sweep() {
    let w = sines(5, 0.7);
    let x = sines(11, 0.9);
    let mut p = w.clone();
    p.extend(&x);
    p.push(0.25);
    let f = |p: &[f64]| unfused(&p[..5], &p[5..16], p[16]);
    let (v, (gw, gx, gd)) = unfused_grad(&p[..5], &p[5..16], p[16]);
    let mut g = gw.clone();
    g.extend(gx);
    g.push(gd);
    check_value_grad("unfused", f, (v, g), &p);
}
