//! Parameter types, helpers with more inside, second order and pullbacks.

use super::*;

// ---------------------------------------------------------------------------------------------
// parameter types

#[differentiable]
fn vec_fit(t: &Vec<f64>, xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let k = i % (t.len() - 1);
        l += lookup(t, k, xs[i]) * wsum(&t[k..], xs[i]);
    }
    l
}

#[test]
fn a_vec_parameter_lent() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check(
        "vec_fit",
        |t, x| vec_fit(&t.to_vec(), x),
        vec_fit_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// Rows of a `&[Vec<f64>]` lent to helpers: whole rows and a range of a row.
#[differentiable]
fn rows_fit(w: &[Vec<f64>], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let k = i % w.len();
        let row = &w[(k + 1) % w.len()];
        let v = poly(&w[k], xs[i]) + 0.5 * wsum(&row[1..], xs[i]);
        l += v * v;
    }
    l
}

#[test]
fn rows_of_a_slice_of_vecs_lent() {
    let w = grad_checks::rows_of(&sines(12, 0.6), 4);
    let xs = sines(7, 0.9);
    let (v, (gw, gx)) = rows_fit_grad(&w, &xs);
    let gw = grad_checks::flat(&gw);
    pair_check(
        "rows_fit",
        |w, x| rows_fit(&grad_checks::rows_of(w, 4), x),
        (v, (gw, gx)),
        &grad_checks::flat(&w),
        &xs,
    );
}

#[differentiable]
fn grid_fit(w: &[Vec<f64>], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += grid_pick(w, i % w.len(), xs[i]).sin() + grid_pick(&w[1..], 0, xs[i]);
    }
    l
}

#[test]
fn a_slice_of_vecs_lent_whole_and_as_a_range() {
    let w = grad_checks::rows_of(&sines(9, 0.6), 3);
    let xs = sines(7, 0.9);
    let (v, (gw, gx)) = grid_fit_grad(&w, &xs);
    let gw = grad_checks::flat(&gw);
    pair_check(
        "grid_fit",
        |w, x| grid_fit(&grad_checks::rows_of(w, 3), x),
        (v, (gw, gx)),
        &grad_checks::flat(&w),
        &xs,
    );
}

#[differentiable]
fn gfit<T: Real>(w: &[T], xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        let a = i % w.len();
        let e = gpoly(&w[a..], xs[i]) - gpoly(w, xs[i] * xs[i]);
        l += e.sin();
    }
    l
}

#[test]
fn generic_and_single_precision() {
    let w = sines(6, 0.5);
    let xs = sines(9, 0.8);
    let r = gfit_grad::<f64>(&w, &xs);
    let (gw, gx) = r.1.clone();
    pair_check("gfit", gfit::<f64>, r, &w, &xs);
    let (_, (gw32, gx32)) = gfit_grad::<f32>(&to32(&w), &to32(&xs));
    agree("gfit f32 w", &gw, &gw32, 1e-4);
    agree("gfit f32 xs", &gx, &gx32, 1e-4);
}

// ---------------------------------------------------------------------------------------------
// helpers with more inside

/// The identity, with the rule `g ↦ max(g, -1)` (not linear in `g`).
#[custom_derivative(vjp = floored_rule_vjp, jvp = floored_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}

fn floored_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}

fn floored_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

/// Loops over its window, branching per element, the custom rule below.
#[differentiable]
fn floored_window(w: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        if j % 2 == 0 {
            s += floored(w[j] * q);
        } else {
            s += 2.0 * floored(w[j] * q);
        }
    }
    s
}

#[differentiable]
fn floored_fit(t: &[f64], #[no_grad] qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let a = i % 3;
        s += cs[i] * floored_window(&t[a..a + 2], qs[i]);
    }
    s
}

/// By the rule: the cotangent reaching `floored(t_{a+m} q_i)` is `c_i·(1 or 2)` (m = 0 or 1),
/// so `∂/∂t_k = Σ_i Σ_{m: a+m=k} max(c_i·(1+m), -1) q_i` with `a = i mod 3`.
#[test]
fn a_custom_rule_below_a_lent_window() {
    let t = sines(5, 0.7);
    let qs = sines(10, 1.5);
    let cs: Vec<f64> = (0..10)
        .map(|i| if i % 2 == 0 { -3.0 } else { 0.4 })
        .collect();
    let (v, g) = floored_fit_grad(&t, &qs, &cs);
    assert!((v - floored_fit(&t, &qs, &cs)).abs() < 1e-12);
    let mut want = [0.0; 5];
    for i in 0..10 {
        let a = i % 3;
        for m in 0..2 {
            want[a + m] += (cs[i] * (1 + m) as f64).max(-1.0) * qs[i];
        }
    }
    assert_eq!(g.len(), 5);
    for k in 0..5 {
        assert!(
            (g[k] - want[k]).abs() < 1e-12,
            "[{k}] {} vs {}",
            g[k],
            want[k]
        );
    }
}

/// A helper that reads its slice by element in one loop and lends it to another helper in
/// another loop (a lend inside a callee that is itself lent cells).
#[differentiable]
fn mid(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s += (w[j] * x).sin();
    }
    for j in 0..w.len() - 1 {
        s += lookup(w, j, x) * 0.5 + wsum(&w[j..], x) * 0.1;
    }
    s
}

#[differentiable]
fn mid_fit(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = mid(t, xs[i]) + mid(&t[1..], xs[i] * 0.5);
        l += v * v;
    }
    l
}

#[test]
fn a_callee_that_reads_and_lends_its_slice() {
    let t = sines(5, 0.7);
    let xs = sines(7, 0.9);
    pair_check("mid_fit", mid_fit, mid_fit_grad(&t, &xs), &t, &xs);
}

/// A helper whose one loop both reads its slice by element and lends it.
#[differentiable]
fn mixed_helper(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() - 1 {
        s += w[j] * lookup(w, j, x);
    }
    s
}

#[differentiable]
fn mixed_fit(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += mixed_helper(&t[i % 2..], xs[i]).tanh();
    }
    l
}

#[test]
fn a_callee_reading_and_lending_in_one_loop() {
    let t = sines(6, 0.7);
    let xs = sines(7, 0.9);
    pair_check("mixed_fit", mixed_fit, mixed_fit_grad(&t, &xs), &t, &xs);
}

// ---------------------------------------------------------------------------------------------
// second order, pullbacks

#[differentiable(order = 2)]
fn nested2(t: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for a in 0..3 {
        for i in 0..a * 2 {
            let e = lookup2(t, (i + a) % (t.len() - 1), xs[i]) + wsum2(&t[a..], xs[i]);
            l += e * e;
        }
        l += wsum2(&t[..a], xs[a]);
    }
    l
}

#[test]
fn hvp_through_nested_lending_loops() {
    let t = sines(6, 0.8);
    let xs = sines(6, 1.1);
    check_value_grad("nested2", |t| nested2(t, &xs), nested2_grad(&t, &xs), &t);
    for dir in [sines(6, 0.5), vec![1.0, 0.0, 0.0, 0.0, 0.0, -1.0]] {
        let (_, _, hv) = nested2_hvp(&t, &xs, dir.clone());
        check_hvp("nested2", |t| nested2_grad(t, &xs).1, &hv, &t, &dir);
    }
}

#[test]
fn the_pullback_called_twice() {
    let t = sines(5, 0.7);
    let xs = sines(12, 0.9);
    let (v, pb) = many_lends_vjp(&t, &xs);
    let (a1, b1) = pb(1.0);
    let (a2, b2) = pb(-2.5);
    let (a3, b3) = pb(0.0);
    let (v0, (ga, gb)) = many_lends_grad(&t, &xs);
    assert!((v - v0).abs() < 1e-12);
    for (x, y) in a1.iter().zip(&ga).chain(b1.iter().zip(&gb)) {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
    for (x, y) in a2.iter().zip(&ga).chain(b2.iter().zip(&gb)) {
        assert!((x + 2.5 * y).abs() < 1e-10, "{x} vs -2.5·{y}");
    }
    assert_eq!(a3.len(), 5);
    assert!(a3.iter().chain(&b3).all(|x| x.abs() < 1e-15));
    let xs6 = sines(6, 0.9);
    let (_, pb) = deep3_vjp(&t, &xs6);
    let (c1, _) = pb(2.0);
    let (c2, _) = pb(-1.0);
    for (x, y) in c1.iter().zip(&c2) {
        assert!((x + 2.0 * y).abs() < 1e-10, "{x} vs -2·{y}");
    }
}
