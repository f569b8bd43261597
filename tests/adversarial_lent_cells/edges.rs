//! Whole-slice lends at the edges: aliases, shadowing, rebinding, exits, non-finite values.

use super::*;

// ---------------------------------------------------------------------------------------------
// whole-slice lends (the form the cells are made once for), at the edges

/// The parameter bound to another name first, and lent under that name.
#[differentiable]
fn alias_fit(t: &[f64], xs: &[f64]) -> f64 {
    let u = t;
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(u, i % (u.len() - 1), xs[i]) * lookup(t, (i + 1) % (t.len() - 1), xs[i]);
    }
    l
}

#[test]
fn the_parameter_lent_under_an_alias() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check("alias_fit", alias_fit, alias_fit_grad(&t, &xs), &t, &xs);
}

/// The parameter's name shadowed by a shorter view of it before the lending loop.
#[differentiable]
fn shadow_fit(t: &[f64], xs: &[f64]) -> f64 {
    let t = &t[1..];
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]) + 0.1 * poly(t, xs[i]);
    }
    l
}

#[test]
fn the_parameter_shadowed_by_a_view() {
    let t = sines(6, 0.7);
    let xs = sines(9, 0.9);
    pair_check("shadow_fit", shadow_fit, shadow_fit_grad(&t, &xs), &t, &xs);
}

/// The parameter's name shadowed inside the loop's trip, after a lend of the parameter itself.
#[differentiable]
fn shadow_in_trip(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]);
        let t = &t[2..];
        l += 0.5 * poly(t, xs[i]);
    }
    l
}

#[test]
fn the_parameter_shadowed_inside_the_trip() {
    let t = sines(6, 0.7);
    let xs = sines(9, 0.9);
    pair_check(
        "shadow_in_trip",
        shadow_in_trip,
        shadow_in_trip_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// The parameter rebound (`mut t`) in the loop after each lend.
#[differentiable]
fn rebound_in_loop(mut t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, 0, xs[i]).sin();
        if t.len() > 2 {
            t = &t[1..];
        }
    }
    l
}

#[test]
fn the_parameter_rebound_in_the_loop() {
    let t = sines(5, 0.7);
    let xs = sines(7, 0.9);
    pair_check(
        "rebound_in_loop",
        rebound_in_loop,
        rebound_in_loop_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// The parameter rebound after the lending loop, then lent again in a second loop.
#[differentiable]
fn rebound_after(mut t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]);
    }
    t = &t[2..];
    for i in 0..xs.len() {
        l += poly(t, xs[i]) * 0.3;
    }
    l
}

#[test]
fn the_parameter_rebound_after_the_loop() {
    let t = sines(6, 0.7);
    let xs = sines(7, 0.9);
    pair_check(
        "rebound_after",
        rebound_after,
        rebound_after_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// A local `Vec` built from the parameter, lent instead of it.
#[differentiable]
fn local_lent(t: &[f64], xs: &[f64]) -> f64 {
    let mut v = vec![0.0; t.len()];
    for j in 0..t.len() {
        v[j] = t[j] * t[j] + 0.1;
    }
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(&v, i % (v.len() - 1), xs[i]) + lookup(t, 0, xs[i]);
    }
    l
}

#[test]
fn a_local_vec_lent_beside_the_parameter() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check("local_lent", local_lent, local_lent_grad(&t, &xs), &t, &xs);
}

/// `return` from inside the lending loop.
#[differentiable]
fn early_return(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]);
        if i == 4 {
            return l * 2.0;
        }
    }
    l
}

#[test]
fn return_from_inside_the_loop() {
    let t = sines(5, 0.7);
    for n in [3, 5, 9] {
        let xs = sines(n, 0.9);
        pair_check(
            "early_return",
            early_return,
            early_return_grad(&t, &xs),
            &t,
            &xs,
        );
    }
}

/// The whole parameter lent in a `while` condition (no gradient through it) and in the body.
#[differentiable]
fn lent_in_condition(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut i = 0;
    while i < xs.len() && poly(t, xs[i]) < 5.0 {
        l += lookup(t, i % (t.len() - 1), xs[i]) * xs[i];
        i += 1;
    }
    l
}

#[test]
fn lent_in_a_while_condition() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "lent_in_condition",
        lent_in_condition,
        lent_in_condition_grad(&t, &xs),
        &t,
        &xs,
    );
}

#[differentiable]
fn gnested<T: Real>(t: &[T], xs: &[T]) -> T {
    let mut l = T::zero();
    for a in 0..3 {
        for i in 0..xs.len() {
            let v = gpick(t, (i + a) % (t.len() - 1), xs[i]);
            l += v * v;
        }
        l += gpick(t, a, xs[a]);
    }
    l
}

#[test]
fn generic_whole_slice_nested_and_f32() {
    let t = sines(5, 0.7);
    let xs = sines(6, 0.9);
    let r = gnested_grad::<f64>(&t, &xs);
    let (gt, gx) = r.1.clone();
    pair_check("gnested", gnested::<f64>, r, &t, &xs);
    let (_, (gt32, gx32)) = gnested_grad::<f32>(&to32(&t), &to32(&xs));
    agree("gnested f32 t", &gt, &gt32, 1e-4);
    agree("gnested f32 xs", &gx, &gx32, 1e-4);
}

/// `s · big + t[2]`, `s` a loop's sum of lends that read `t[0..3]` only (`k = i mod 2`).
#[differentiable]
fn inf_after(t: &[f64], #[no_grad] xs: &[f64], #[no_grad] big: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += lookup(t, i % 2, xs[i]).sin();
    }
    s * big + t[2]
}

#[test]
fn non_finite_scale_after_a_lending_loop() {
    let t = vec![0.3, -0.2, 0.5, 0.9, -0.4];
    // no trips: s = 0, f = 0·∞ + t2 = NaN; by the zero rule ∂f/∂t = e_2
    let (v, g) = inf_after_grad(&t, &[], f64::INFINITY);
    assert!(v.is_nan(), "{v}");
    assert_eq!(g.len(), 5);
    let want = [0.0, 0.0, 1.0, 0.0, 0.0];
    for k in 0..5 {
        assert!((g[k] - want[k]).abs() < 1e-15, "no trips: {g:?}");
    }
    // trips with x_0 = 0: trip 0 adds 0·∞ = 0 (zero rule) to t0 and t1; trip 1 (k = 1,
    // x = 0.5) adds ∞·cos(v1)·0.5 to t1 and ∞·cos(v1)·0.25 to t2; trip 2 (k = 0, x = 0.7) adds
    // ∞·cos(v2)·0.7 to t0 and ∞·cos(v2)·0.49 to t1; cos(v) > 0 here, so
    // ∂f/∂t = (+∞, +∞, +∞, 0, 0)
    let xs = [0.0, 0.5, 0.7];
    let (v, g) = inf_after_grad(&t, &xs, f64::INFINITY);
    assert!(v.is_infinite(), "{v}");
    assert_eq!(g.len(), 5);
    assert!(
        g[0] == f64::INFINITY && g[1] == f64::INFINITY && g[2] == f64::INFINITY,
        "{g:?}"
    );
    assert!(g[3].abs() < 1e-15 && g[4].abs() < 1e-15, "{g:?}");
    // finite scale, against differences
    let xs = sines(7, 0.9);
    check_value_grad(
        "inf_after",
        |t| inf_after(t, &xs, 2.5),
        inf_after_grad(&t, &xs, 2.5),
        &t,
    );
}

/// A NaN in an entry no trip reads: its gradient is 0 and the others are unaffected.
#[test]
fn a_nan_entry_never_read() {
    let mut t = vec![0.3, -0.2, 0.5, 0.9, -0.4];
    let xs = sines(6, 0.9);
    let (_, g_ref) = inf_after_grad(&t, &xs, 1.5);
    t[4] = f64::NAN;
    let (v, g) = inf_after_grad(&t, &xs, 1.5);
    assert!(v.is_finite(), "{v}");
    for k in 0..4 {
        assert!(
            (g[k] - g_ref[k]).abs() < 1e-12,
            "[{k}] {} vs {}",
            g[k],
            g_ref[k]
        );
    }
    assert!(g[4] == 0.0, "{g:?}");
}

/// A fixed-length array parameter lent whole.
#[differentiable]
fn array_fit(t: &[f64; 4], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % 3, xs[i]).sin();
    }
    l
}

#[test]
fn an_array_parameter_lent() {
    let t = [0.3, -0.2, 0.5, 0.9];
    let xs = sines(8, 0.9);
    let (v, (gt, gx)) = array_fit_grad(&t, &xs);
    let gt: Vec<f64> = gt.to_vec();
    pair_check(
        "array_fit",
        |t, x| array_fit(&[t[0], t[1], t[2], t[3]], x),
        (v, (gt, gx)),
        &t,
        &xs,
    );
}

/// The full range `&t[..]` and a whole lend after the loop.
#[differentiable]
fn full_range(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += poly(&t[..], xs[i]) * lookup(t, 1, xs[i]);
    }
    l + poly(t, 0.5) * l
}

#[test]
fn the_full_range_and_a_lend_after_the_loop() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check("full_range", full_range, full_range_grad(&t, &xs), &t, &xs);
}

#[differentiable]
fn chain_fit(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = chain(t, xs[i]) - lookup(t, (i + 2) % (t.len() - 1), xs[i]);
        l += v * v;
    }
    l
}

#[test]
fn a_callee_lending_in_its_own_loop() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check("chain_fit", chain_fit, chain_fit_grad(&t, &xs), &t, &xs);
}
