//! Arguments (constants, data, `#[no_grad]`, locals, arrays, empty loops) and infinite partials.

use super::*;

// ------------------------------------------------------------------------------------------------
// 6. Arguments: constants, data, `#[no_grad]`, locals, arrays; empty loops
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn data_args(t: &[f64], a: f64, #[no_grad] data: &[f64], #[no_grad] c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..t.len() - 1 {
        s += pick(data, i % (data.len() - 1), t[i] * a)
            + huber(t[i], 0.25)
            + early(c, a)
            + pick(t, i, c)
            + early(i as f64 * a, 1.5);
    }
    s * s * a
}

#[test]
fn constant_index_and_no_grad_arguments() {
    let t = sines(7, 0.9);
    let data = sines(4, 1.3);
    for (a, c) in [(0.4, 0.3), (-0.7, -0.2)] {
        let n = t.len();
        let (v, (gt, ga)) = data_args_grad(&t, a, &data, c);
        check_value_grad(
            "data_args",
            |p| data_args(&p[..n], p[n], &data, c),
            (v, join1(&gt, &[ga])),
            &join1(&t, &[a]),
        );
    }
}

/// A helper's `#[no_grad]` parameter given `stop_gradient(a)` (without it, the call is refused):
/// the derivative through `c` is dropped.
#[differentiable]
fn scaled(x: f64, #[no_grad] c: f64) -> f64 {
    if x > c { x * c } else { x * x + c }
}

#[differentiable]
fn no_grad_param_fit(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += scaled(x[i] * a, stop_gradient(a));
    }
    s * s
}

#[test]
fn helper_no_grad_parameter_given_stop_gradient() {
    let x = sines(8, 1.0);
    let a = 0.4;
    // s = Σ scaled(x a, c = a), c held constant: ∂scaled/∂x = c if x > c else 2x;
    // d/dx_i = 2 s · scaled'(u_i) a, d/da = 2 s · Σ scaled'(u_i) x_i.
    let (v, (gx, ga)) = no_grad_param_fit_grad(&x, a);
    near("value", v, no_grad_param_fit(&x, a));
    let s: f64 = (x.iter())
        .map(|&xi| {
            let u = xi * a;
            if u > a { u * a } else { u * u + a }
        })
        .sum();
    let mut want_a = 0.0;
    for i in 0..x.len() {
        let u = x[i] * a;
        let d = if u > a { a } else { 2.0 * u };
        near(&format!("x[{i}]"), gx[i], 2.0 * s * d * a);
        want_a += 2.0 * s * d * x[i];
    }
    near("a", ga, want_a);
}

/// A local `Vec` passed whole (not a parameter: not fusable) and an array parameter.
#[differentiable]
fn local_and_array(x: &[f64], w: &[f64; 4]) -> f64 {
    let v = x.to_vec();
    let mut s = 0.0;
    for i in 0..x.len() {
        s += pick(&v, i % (x.len() - 1), w[i % 4]) + pick(w, i % 3, x[i]);
    }
    s * s
}

#[test]
fn local_vec_and_array_passed_whole() {
    let x = sines(7, 0.8);
    let w = [0.3, -0.5, 0.8, 0.1];
    let (v, (gx, gw)) = local_and_array_grad(&x, &w);
    check_value_grad("local x", |p| local_and_array(p, &w), (v, gx), &x);
    check(
        "local w",
        |p| local_and_array(&x, &[p[0], p[1], p[2], p[3]]),
        &gw,
        &w,
    );
}

#[differentiable]
fn maybe_empty(x: &[f64], a: f64, #[no_grad] n: usize) -> f64 {
    let mut s = a;
    for i in 0..n {
        s += huber(x[i], a);
    }
    s * a
}

#[test]
fn empty_and_short_loops() {
    let x = sines(5, 1.0);
    for n in [0, 1, 5] {
        let (v, (gx, ga)) = maybe_empty_grad(&x, 0.3, n);
        check_value_grad(
            "maybe_empty",
            |p| maybe_empty(&p[..5], p[5], n),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[0.3]),
        );
    }
}

// ------------------------------------------------------------------------------------------------
// 7. Infinite partials
// ------------------------------------------------------------------------------------------------

/// `sqrt` at 0 in the arm not taken, and `0 · sqrt'(0)` in the arm taken.
#[differentiable]
fn root_or(x: f64, c: f64) -> f64 {
    if x > 0.5 {
        x.sqrt()
    } else {
        c * (x * x).sqrt() + x
    }
}

#[differentiable]
fn root_fit(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += root_or(x[i], c);
    }
    s * c
}

#[test]
fn infinite_partials_under_a_zero_factor() {
    // x = 0 is in the second arm: (x²)' = 0 and sqrt'(0) = inf. The runtime's zero rule gives
    // 0 · inf = 0, so d/dx root_or = c · 0 + 1 = 1 there; elsewhere the usual derivatives.
    let x = [0.0, 0.9, -0.3, 0.0, 2.0];
    let c = 0.0;
    let (v, (gx, gc)) = root_fit_grad(&x, c);
    near("value", v, root_fit(&x, c));
    let s: f64 = x
        .iter()
        .map(|&xi| if xi > 0.5 { xi.sqrt() } else { xi })
        .sum();
    // s · c with c = 0: dx = 0 · ∂root_or/∂x = 0 (finite), dc = s + c · Σ |x| (x ≤ 0.5) = s
    for i in 0..x.len() {
        assert!(
            gx[i].is_finite() && gx[i].abs() < 1e-12,
            "x[{i}]: {}",
            gx[i]
        );
    }
    near("c", gc, s);
    // with c ≠ 0 and x = 0 in the second arm: c · sqrt'(0) · 0 again, the rest ordinary
    let c = 0.7;
    let (_, (gx, gc)) = root_fit_grad(&x, c);
    let s = root_fit(&x, c) / c;
    let mut want_c = s;
    for i in 0..x.len() {
        let d = if x[i] > 0.5 {
            0.5 / x[i].sqrt()
        } else {
            c * x[i].signum() * if x[i] == 0.0 { 0.0 } else { 1.0 } + 1.0
        };
        near(&format!("c≠0 x[{i}]"), gx[i], c * d);
        if x[i] <= 0.5 {
            want_c += c * x[i].abs();
        }
    }
    near("c≠0 c", gc, want_c);
}

/// A helper whose value is infinite for one input: its NaN must not leak into the other trips.
#[differentiable]
fn recip(x: f64, a: f64) -> f64 {
    if x != 0.0 { a / x } else { a }
}

#[differentiable]
fn recip_fit(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += recip(x[i], a) * 0.5;
    }
    s * s
}

#[test]
fn helper_guarding_a_division_by_zero() {
    let x = [0.5, 0.0, -0.8, 1.3];
    let a = 0.3;
    let (v, (gx, ga)) = recip_fit_grad(&x, a);
    near("value", v, recip_fit(&x, a));
    // s = ½ Σ (x ≠ 0 ? a / x : a); dx_i = 2s · ½ · (-a / x²) (0 at x = 0), da = 2s · ½ Σ (1/x or 1)
    let s = recip_fit(&x, a).sqrt();
    let mut want_a = 0.0;
    for i in 0..x.len() {
        let (dx, dda) = if x[i] != 0.0 {
            (-a / (x[i] * x[i]), 1.0 / x[i])
        } else {
            (0.0, 1.0)
        };
        near(&format!("x[{i}]"), gx[i], s * dx);
        want_a += s * dda;
    }
    near("a", ga, want_a);
}
