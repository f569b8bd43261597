//! The optimistic reverse sweep of `NAME_grad` for functions with loops: products of known floats
//! first run as plain IEEE arithmetic, and the gradient is kept only when every entry is finite;
//! otherwise the sweep runs again with the zero rule (`rules::ieee` explains why a finite
//! gradient is the zero rule's). `NAME_vjp` always runs the zero rule's sweep, so it is the
//! independent answer here: both must agree on every input, including those where the zero
//! rule changes the result (an exact zero times ±inf or NaN), and the values where it matters
//! are worked out in the comments.
#![allow(clippy::eq_op)] // `x - x` is the point: an exact zero that depends on x
#![allow(clippy::needless_range_loop)] // index loops are what the macro differentiates here

use autodiff::prelude::*;

/// `d = x[i] - x[i] = 0`, so `sqrt(d²)` is constant: the true gradient is `2` per element
/// (from `2 x[i]`). sqrt's pullback at 0 is +inf, and the product rule of `d * d` multiplies it
/// by `d = 0`: IEEE gives NaN there, the zero rule 0.
#[differentiable]
fn sqrt_of_zero_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let d = x[i] - x[i];
        s += (d * d).sqrt() + 2.0 * x[i];
    }
    s
}

/// `q = x[i] / y` with `y = 0` is ±inf, and `min` picks 5 where `q > 5`: the division's
/// cotangent is 0 there, and `0 / 0` (its `y` partial `-g·x/y²`) must stay 0.
#[differentiable]
fn clipped_quotients(x: &[f64], y: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let q = x[i] / y;
        s += q.min(5.0) * x[i];
    }
    s
}

/// A recurrence whose factor is exactly zero on some trips: `h ← h · w[i] + x` with
/// `w[i] = 0` cuts the chain, and `ln` of the zero state gives `-inf` partials behind it.
#[differentiable]
fn cut_chain(w: &[f64], x: f64) -> f64 {
    let mut h = 1.0;
    let mut s = 0.0;
    for i in 0..w.len() {
        h = h * w[i] + x;
        s += (h * h).ln() * w[i];
    }
    s + h
}

/// Two scalar parameters and a slice: the gradient is a tuple, each entry tested.
#[differentiable]
fn scaled_norms(x: &[f64], a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let d = x[i] - x[i];
        s += a * (d * d).sqrt() + b * x[i] * x[i];
    }
    s
}

/// `f32`.
#[differentiable]
fn sqrt_of_zero_squares_f32(x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        let d = x[i] - x[i];
        s += (d * d).sqrt() + 3.0 * x[i];
    }
    s
}

#[derive(Clone, Debug, Differentiable)]
struct Params {
    w: Vec<f64>,
    c: f64,
}

/// A derived parameter struct.
#[differentiable]
fn struct_loss(p: &Params, x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let d = p.w[i] - p.w[i];
        s += (d * d).sqrt() * p.c + p.w[i] * x[i];
    }
    s
}

/// `sqrt` at 0 with a nonzero cotangent: the derivative really is +inf. Both sweeps give +inf;
/// the result is the zero rule's.
#[differentiable]
fn sqrt_sum(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].sqrt();
    }
    s
}

/// The products of a local `Vec`'s elements and of a generic `T: Real` go through the rule
/// traits (`MulRule::d_lhs_ieee` in the optimistic sweep): `c[i] = x[i] - x[i] = 0`, so
/// `sqrt(c[i]²)` is constant and the gradient is 1 per element.
#[differentiable]
fn local_zero_squares(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    for i in 0..n {
        c[i] = x[i] - x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += (c[i] * c[i]).sqrt() + x[i];
    }
    s
}

#[differentiable]
fn generic_zero_squares<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let d = x[i] - x[i];
        s += (d * d).sqrt() / (x[i] * x[i] + T::one()) + x[i];
    }
    s
}

/// Equal, both NaN, or both finite and within a relative 1e-12 (an infinity is close only to
/// itself).
fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan())
        || a == b
        || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs())))
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
}

#[test]
fn an_exact_zero_times_inf_gives_the_zero_rules_gradient() {
    for x in [vec![1.5, -2.0, 0.0], vec![0.0; 5], vec![3.0]] {
        let (_, g) = sqrt_of_zero_squares_grad(&x);
        assert!(g.iter().all(|gi| (gi - 2.0).abs() < 1e-15), "{g:?}");
        let (_, pb) = sqrt_of_zero_squares_vjp(&x);
        assert!(all_close(&g, &pb(1.0)));
    }
    let x = [1.0_f32, 0.0, -4.0];
    let (_, g) = sqrt_of_zero_squares_f32_grad(&x);
    assert!(g.iter().all(|gi| (gi - 3.0).abs() < 1e-6), "{g:?}");
}

#[test]
fn an_untaken_min_at_a_zero_divisor_gives_zero() {
    // y = 0: q = ±inf (or NaN at x = 0); where x > 0, min picks 5 and d/dx = 5; where x < 0,
    // q = -inf is picked and s = -inf·x: the gradient is really not finite, and both sweeps
    // agree on it.
    let x = [1.0, 2.0];
    let (_, (gx, gy)) = clipped_quotients_grad(&x, 0.0);
    assert!(all_close(&gx, &[5.0, 5.0]), "{gx:?}");
    assert!(gy == 0.0, "{gy}");
    let (_, pb) = clipped_quotients_vjp(&x, 0.0);
    let (vx, vy) = pb(1.0);
    assert!(all_close(&gx, &vx) && close(gy, vy));
    // y = 4: q = x/4 < 5, s = Σ x²/4: d/dx = x/2, d/dy = -Σ x²/16
    let (_, (gx, gy)) = clipped_quotients_grad(&x, 4.0);
    assert!(all_close(&gx, &[0.5, 1.0]), "{gx:?}");
    assert!(close(gy, -5.0 / 16.0), "{gy}");
    for (x, y) in [
        (vec![-1.0, 3.0], 0.0),
        (vec![0.0, 1.0], 0.0),
        (vec![30.0], 2.0),
    ] {
        let (_, (gx, gy)) = clipped_quotients_grad(&x, y);
        let (vx, vy) = clipped_quotients_vjp(&x, y).1(1.0);
        assert!(all_close(&gx, &vx) && close(gy, vy), "{x:?} {y}");
    }
}

#[test]
fn a_cut_recurrence_agrees_with_the_zero_rule_and_finite_differences() {
    for (w, x) in [
        (vec![0.5, 0.0, 2.0, 0.0], 0.0),
        (vec![0.0, 0.0], 0.0),
        (vec![0.3, -1.2, 0.8], 0.7),
        (vec![1.1, 0.9, 1.3, 0.4, 0.6], -0.2),
    ] {
        let (_, (gw, gx)) = cut_chain_grad(&w, x);
        let (vw, vx) = cut_chain_vjp(&w, x).1(1.0);
        assert!(
            all_close(&gw, &vw) && close(gx, vx),
            "{w:?} {x}: {gw:?} {vw:?}"
        );
        if x != 0.0 {
            // smooth here: central differences in f64
            let h = 1e-6;
            for i in 0..w.len() {
                let (mut wp, mut wm) = (w.clone(), w.clone());
                wp[i] += h;
                wm[i] -= h;
                let fd = (cut_chain(&wp, x) - cut_chain(&wm, x)) / (2.0 * h);
                assert!(
                    (fd - gw[i]).abs() < 1e-5 * (1.0 + fd.abs()),
                    "{i}: {fd} {}",
                    gw[i]
                );
            }
            let fd = (cut_chain(&w, x + h) - cut_chain(&w, x - h)) / (2.0 * h);
            assert!((fd - gx).abs() < 1e-5 * (1.0 + fd.abs()), "{fd} {gx}");
        }
    }
}

#[test]
fn tuple_and_struct_gradients_take_the_zero_rule_where_it_matters() {
    // d/da = Σ sqrt(0) = 0; d/db = Σ x²; d/dx = 2 b x (the sqrt term's NaN must not leak)
    let x = [1.0, -2.0, 0.5];
    let (_, (gx, ga, gb)) = scaled_norms_grad(&x, 3.0, 0.5);
    assert!(all_close(&gx, &[1.0, -2.0, 0.5]), "{gx:?}");
    assert!(ga == 0.0, "{ga}");
    assert!(close(gb, 5.25), "{gb}");
    let p = Params {
        w: vec![0.5, -1.0],
        c: 2.0,
    };
    let xs = [3.0, 4.0];
    let (_, (gp, gxs)) = struct_loss_grad(&p, &xs);
    // d/dw = x, d/dc = Σ sqrt(0) = 0, d/dx = w
    assert!(all_close(&gp.w, &xs), "{:?}", gp.w);
    assert!(gp.c == 0.0, "{}", gp.c);
    assert!(all_close(&gxs, &p.w), "{gxs:?}");
}

#[test]
fn a_really_infinite_gradient_stays_infinite() {
    let x = [0.0, 4.0];
    let (_, g) = sqrt_sum_grad(&x);
    assert!(g[0].is_infinite() && g[0] > 0.0, "{g:?}");
    assert!(close(g[1], 0.25), "{g:?}");
}

// Loops over few scalar inputs take their gradient by tangent sweeps; the optimistic sweep
// there runs the whole body with plain IEEE tangent products, and again with the zero rule when
// a tangent is not finite (only when running the body twice is invisible).

/// `Σ_k y · sqrt(x)`: at `x = 0`, sqrt's tangent is +inf, and the product's other factor `y = 0`
/// makes d/dx = y / (2 sqrt x) = 0 by the zero rule (IEEE: `inf · 0 = NaN`); d/dy = n·sqrt(x).
#[differentiable]
fn scaled_roots(x: f64, y: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..4 {
        s += y * x.sqrt() + (k as f64) * y;
    }
    s
}

/// The same quotient form: `q = x.sqrt() / (1 + y²)` times `y`.
#[differentiable]
fn scaled_root_quotients(x: f64, y: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..3 {
        s += y * (x.sqrt() / (1.0 + y * y));
    }
    s
}

/// A body whose second run would be seen (it counts its calls): it keeps the one careful sweep.
#[differentiable]
fn counted_roots(x: f64, y: f64, #[no_grad] calls: &std::cell::Cell<u32>) -> f64 {
    calls.set(calls.get() + 1);
    let mut s = 0.0;
    for _ in 0..2 {
        s += y * x.sqrt();
    }
    s
}

#[test]
fn tangent_sweeps_give_the_zero_rules_gradient() {
    let (v, (gx, gy)) = scaled_roots_grad(0.0, 0.0);
    assert!(v == 0.0 && gx == 0.0, "{v} {gx}");
    // d/dy = Σ_k (sqrt(x) + k) = 4·0 + 6
    assert!(close(gy, 6.0), "{gy}");
    let (vx, vy) = scaled_roots_vjp(0.0, 0.0).1(1.0);
    assert!(close(gx, vx) && close(gy, vy));
    // smooth at x = 4, y = 3: d/dx = 4·y/(2·2) = 3, d/dy = 4·2 + 6 = 14
    let (_, (gx, gy)) = scaled_roots_grad(4.0, 3.0);
    assert!(close(gx, 3.0) && close(gy, 14.0), "{gx} {gy}");

    let (_, (gx, gy)) = scaled_root_quotients_grad(0.0, 0.0);
    assert!(gx == 0.0 && gy == 0.0, "{gx} {gy}");
    // x = 4, y = 1: s = 3·y·2/(1 + y²); d/dx = 3·y/(2·2·(1 + y²)) = 3/8,
    // d/dy = 3·2·(1 - y²)/(1 + y²)² = 0
    let (_, (gx, gy)) = scaled_root_quotients_grad(4.0, 1.0);
    assert!(close(gx, 0.375) && gy.abs() < 1e-15, "{gx} {gy}");
    // a really infinite derivative: y = 1 at x = 0, d/dx = +inf
    let (_, (gx, _)) = scaled_roots_grad(0.0, 1.0);
    assert!(gx.is_infinite() && gx > 0.0, "{gx}");
}

#[test]
fn a_body_with_an_effect_runs_once_per_gradient() {
    let calls = std::cell::Cell::new(0);
    let (_, (gx, gy)) = counted_roots_grad(0.0, 0.0, &calls);
    assert!(gx == 0.0 && gy == 0.0, "{gx} {gy}");
    assert_eq!(calls.get(), 1);
    let (_, (gx, _)) = counted_roots_grad(0.0, 2.0, &calls);
    assert!(gx.is_infinite(), "{gx}");
    assert_eq!(calls.get(), 2);
}

#[test]
fn rule_trait_products_take_the_zero_rule_where_it_matters() {
    let x = [2.0, -1.0, 0.0];
    let (_, g) = local_zero_squares_grad(&x);
    assert!(all_close(&g, &[1.0; 3]), "{g:?}");
    let (_, g) = generic_zero_squares_grad(&x[..]);
    assert!(all_close(&g, &[1.0; 3]), "{g:?}");
    assert!(all_close(&g, &generic_zero_squares_vjp(&x[..]).1(1.0)));
    let xf = [2.0_f32, -1.0];
    let (_, g) = generic_zero_squares_grad(&xf[..]);
    assert!(g.iter().all(|gi| (gi - 1.0).abs() < 1e-6), "{g:?}");
}

// A custom rule that turns a NaN cotangent into a number (`max` drops a NaN operand) would make
// the IEEE sweep's gradient finite but different from the zero rule's. So a body that passes a
// varying value to another differentiable function always runs the zero rule's sweep alone.

#[custom_derivative(vjp = floor_rule_vjp, jvp = floor_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}
fn floor_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}
fn floor_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

/// `floored(y · sqrt(x)) + x`: at `x = 0`, `y = 0` the zero rule gives d/dx = 1 + 0 (through
/// `y · sqrt'(0) = 0 · inf`); IEEE would give NaN into the rule, which `max` turns into -1.
#[differentiable]
fn through_a_custom_rule(x: f64, y: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..2 {
        s += floored(y * x.sqrt()) + x;
    }
    s
}

/// The reverse sweep: `z = 1 / zero = +inf` (not differentiated), so `floored(x[i]) * z` is
/// +inf for `x[i] > 0` and `min` picks 5: the product's cotangent is 0, and the zero rule gives
/// the rule the cotangent `0 · inf = 0` (IEEE: NaN, which the rule's `max` turns into -1). The
/// gradient is 1 per element (from `+ x[i]`).
#[differentiable]
fn through_a_custom_rule_rev(x: &[f64], #[no_grad] zero: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let z = 1.0 / zero;
        s += (floored(x[i]) * z).min(5.0) + x[i];
    }
    s
}

#[test]
fn a_custom_rule_that_drops_nan_sees_the_zero_rules_cotangents() {
    // d/dx = 2·(1 + 1·(y/(2 sqrt x) → 0)) = 2; d/dy = 2·sqrt(0) = 0
    let (_, (gx, gy)) = through_a_custom_rule_grad(0.0, 0.0);
    assert!(close(gx, 2.0) && gy == 0.0, "{gx} {gy}");
    let (_, g) = through_a_custom_rule_rev_grad(&[3.0, 2.0], 0.0);
    assert!(all_close(&g, &[1.0, 1.0]), "{g:?}");
}
