//! Fused loops' `J` lent as cells, and range lends of one form per loop.

use super::*;

// ---------------------------------------------------------------------------------------------
// fused loops (`l += f(theta, x[i])` with a branching callee): the `J` lent as cells

/// Two parameters' slices, branching.
#[differentiable]
fn clipped2(a: &[f64], b: &[f64], x: f64) -> f64 {
    let r = a[0] * b[1] + b[0] * x;
    if r > 0.3 { r * r } else { a[1] * r }
}

#[differentiable]
fn fused_two(a: &[f64], b: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += clipped2(a, b, xs[i]);
    }
    l
}

#[test]
fn a_fused_loop_lending_two_slices() {
    let (a, b) = (vec![0.7, -0.4], vec![0.2, 0.9]);
    let xs = sines(13, 1.7);
    pair_check(
        "fused_two",
        |a, b| fused_two(a, b, &xs),
        fused_two_grad(&a, &b, &xs),
        &a,
        &b,
    );
    let (v, (ga, gb)) = fused_two_grad(&a, &b, &[]);
    assert!(v.abs() < 1e-15 && ga.len() == 2 && gb.len() == 2);
    assert!(ga.iter().chain(&gb).all(|g| g.abs() < 1e-15));
}

/// A fused loop inside an outer loop; the inner loop runs no trip when `r == 0`.
#[differentiable]
fn fused_nested(theta: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut total = 0.0;
    for r in 0..3 {
        let mut l = 0.0;
        for i in 0..r * 3 {
            l += clipped(theta, xs[i] * (r as f64));
        }
        total += l * l * 0.1 + l;
    }
    total
}

#[test]
fn a_fused_loop_inside_an_outer_loop() {
    let theta = vec![0.3, -0.9];
    let xs = sines(9, 1.4);
    check_value_grad(
        "fused_nested",
        |t| fused_nested(t, &xs),
        fused_nested_grad(&theta, &xs),
        &theta,
    );
}

/// Fused loops with `continue`, over `enumerate`, and lending `theta` beside a range of it.
#[differentiable]
fn fused_shapes(theta: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        if i % 3 == 2 {
            continue;
        }
        l += clipped(theta, xs[i]);
    }
    let mut m = 0.0;
    for (i, x) in xs.iter().enumerate() {
        m += clipped(theta, *x * 0.5 + i as f64 * 0.01);
    }
    let mut q = 0.0;
    for i in 0..xs.len() {
        q += clipped(&theta[1..], xs[i]) + clipped(theta, -xs[i]);
    }
    l + 0.7 * m + 0.3 * q
}

#[test]
fn fused_loops_with_continue_enumerate_and_ranges() {
    let theta = vec![0.3, -0.9, 0.5];
    let xs = sines(11, 1.4);
    check_value_grad(
        "fused_shapes",
        |t| fused_shapes(t, &xs),
        fused_shapes_grad(&theta, &xs),
        &theta,
    );
}

/// A fused loop that also reads `theta` by element in the trip, and after it.
#[differentiable]
fn fused_and_read(theta: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += clipped(theta, xs[i]) * theta[2];
    }
    l * theta[0]
}

#[test]
fn a_fused_loop_whose_trip_reads_the_slice() {
    let theta = vec![0.3, -0.9, 0.5];
    let xs = sines(11, 1.4);
    check_value_grad(
        "fused_and_read",
        |t| fused_and_read(t, &xs),
        fused_and_read_grad(&theta, &xs),
        &theta,
    );
}

/// Non-finite scale after fused loops with trips: `(l·big + theta[2])` with `theta[2]` never
/// read in the loop. By the zero rule `∂/∂theta_2 = 1`; the others are `±∞` by the sign of
/// `∂l/∂theta_k` (derived from the finite case).
#[differentiable]
fn fused_inf(theta: &[f64], #[no_grad] xs: &[f64], #[no_grad] big: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += clipped(theta, xs[i]);
    }
    l * big + theta[2]
}

#[test]
fn a_fused_loop_with_trips_and_an_infinite_scale() {
    let theta = vec![0.3, -0.9, 0.5];
    let xs = sines(11, 1.4);
    let (_, gfin) = fused_inf_grad(&theta, &xs, 1.0);
    check_value_grad(
        "fused_inf",
        |t| fused_inf(t, &xs, 1.0),
        fused_inf_grad(&theta, &xs, 1.0),
        &theta,
    );
    let (v, g) = fused_inf_grad(&theta, &xs, f64::INFINITY);
    assert!(v.is_infinite(), "{v}");
    for k in 0..2 {
        let dl = gfin[k];
        assert!(dl.abs() > 1e-6, "{gfin:?}");
        let want = dl.signum() * f64::INFINITY;
        assert!(g[k] == want, "[{k}] {} vs {want} ({g:?})", g[k]);
    }
    assert!((g[2] - 1.0).abs() < 1e-15, "{g:?}");
}

/// Generic fused loop, at `f64` and `f32`.
#[differentiable]
fn gclipped<T: Real>(theta: &[T], x: T) -> T {
    let r = theta[0] + theta[1] * x;
    if r.abs() < T::one() {
        r * r / (T::one() + T::one())
    } else {
        r.abs()
    }
}

#[differentiable]
fn gfused<T: Real>(theta: &[T], #[no_grad] xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        l += gclipped(theta, xs[i]);
    }
    l
}

#[test]
fn a_generic_fused_loop() {
    let theta = vec![0.3, -0.9];
    let xs = sines(11, 1.4);
    let (v, g) = gfused_grad::<f64>(&theta, &xs);
    check_value_grad("gfused", |t| gfused::<f64>(t, &xs), (v, g.clone()), &theta);
    let (_, g32) = gfused_grad::<f32>(&to32(&theta), &to32(&xs));
    agree("gfused f32", &g, &g32, 1e-4);
}

/// Second order through a fused-looking loop.
#[differentiable(order = 2)]
fn soft2(theta: &[f64], x: f64) -> f64 {
    let r = theta[0] + theta[1] * x;
    if r > 0.0 { r * r * r } else { r * r }
}

#[differentiable(order = 2)]
fn soft_fit2(theta: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += soft2(theta, xs[i]);
    }
    l
}

#[test]
fn hvp_through_a_fused_loop() {
    let theta = vec![0.3, -0.9];
    let xs = sines(11, 1.4);
    check_value_grad(
        "soft_fit2",
        |t| soft_fit2(t, &xs),
        soft_fit2_grad(&theta, &xs),
        &theta,
    );
    let dir = vec![0.7, -0.3];
    let (_, _, hv) = soft_fit2_hvp(&theta, &xs, dir.clone());
    check_hvp("soft_fit2", |t| soft_fit2_grad(t, &xs).1, &hv, &theta, &dir);
}

// ---------------------------------------------------------------------------------------------
// range lends of one form per loop

#[differentiable]
fn rng_window(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let a = i % (t.len() - 2);
        l += wsum(&t[a..a + 2], xs[i]).sin();
    }
    l
}

#[differentiable]
fn rng_tail(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += wsum(&t[i % 3..], xs[i]).sin();
    }
    l
}

#[differentiable]
fn rng_const(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += wsum(&t[1..3], xs[i]).sin() + wsum(&t[3..3], xs[i]);
    }
    l
}

#[differentiable]
fn rng_head(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += poly(&t[..i % (t.len() + 1)], xs[i]).sin();
    }
    l
}

#[differentiable]
fn rng_end(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    let n = t.len();
    for i in 0..xs.len() {
        l += poly(&t[n - 1 - i % 3..n], xs[i]).sin() * wsum(t, xs[i]);
    }
    l
}

#[test]
fn range_lends_one_form_per_loop() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check("rng_window", rng_window, rng_window_grad(&t, &xs), &t, &xs);
    pair_check("rng_tail", rng_tail, rng_tail_grad(&t, &xs), &t, &xs);
    pair_check("rng_const", rng_const, rng_const_grad(&t, &xs), &t, &xs);
    pair_check("rng_head", rng_head, rng_head_grad(&t, &xs), &t, &xs);
    pair_check("rng_end", rng_end, rng_end_grad(&t, &xs), &t, &xs);
}

// whole lends only, for the parameter types

#[differentiable]
fn vec_whole(t: &Vec<f64>, xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]) * poly(t, xs[i]);
    }
    l
}

#[differentiable]
fn grid_whole(w: &[Vec<f64>], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += grid_pick(w, i % w.len(), xs[i]).sin();
    }
    l
}

#[test]
fn vec_and_rows_parameters_lent_whole() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check(
        "vec_whole",
        |t, x| vec_whole(&t.to_vec(), x),
        vec_whole_grad(&t, &xs),
        &t,
        &xs,
    );
    let w = grad_checks::rows_of(&sines(9, 0.6), 3);
    let (v, (gw, gx)) = grid_whole_grad(&w, &xs);
    let gw = grad_checks::flat(&gw);
    pair_check(
        "grid_whole",
        |w, x| grid_whole(&grad_checks::rows_of(w, 3), x),
        (v, (gw, gx)),
        &grad_checks::flat(&w),
        &xs,
    );
}
