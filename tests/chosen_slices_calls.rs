//! A reference variable chosen at run time (`let c = if k > 0.0 { x } else { y };`, a reassigned
//! `let mut c = x;`, a range chosen by a branch, a slice of rows) passed to a `#[differentiable]`
//! helper. The reverse sweep keeps the value behind the reference (`own_referent`: a `&[f64]`
//! keeps a `Vec<f64>`), where it cloned the unsized slice and did not compile (`[f64]: Clone`).
//! Every gradient against central differences in both arms; the pullback, forward mode and a
//! Hessian-vector product against the gradient or differences of it.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[differentiable]
fn weighted_pair(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    xs[0] * ys[1] * q + xs[1].sin()
}

/// Both arms differentiated; the chosen slice and one of the arms go to the same helper.
#[differentiable]
fn pick_call(x: &[f64], y: &[f64], k: f64) -> f64 {
    let c = if k > 0.0 { x } else { y };
    weighted_pair(c, y, k)
}

/// One arm without a derivative.
#[differentiable]
fn pick_call_no_grad(x: &[f64], #[no_grad] y: &[f64], k: f64) -> f64 {
    let c = if k > 0.0 { x } else { y };
    weighted_pair(c, x, k) * k
}

/// A reassigned reference variable, read by the helper after the branch.
#[differentiable]
fn reassigned_call(x: &[f64], y: &[f64], k: f64) -> f64 {
    let mut c = x;
    if k > 0.0 {
        c = y;
    }
    weighted_pair(c, x, k) + c[0] * k
}

/// Ranges of one parameter chosen by a branch, passed twice to the helper.
#[differentiable]
fn pick_range(x: &[f64], k: f64) -> f64 {
    let c = if k > 0.0 { &x[..2] } else { &x[1..] };
    weighted_pair(c, c, k)
}

/// A choice per trip of a loop.
#[differentiable]
fn pick_in_loop(x: &[f64], y: &[f64], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        let c = if i % 2 == 0 { x } else { y };
        s += weighted_pair(c, y, k * (i as f64 + 1.0));
    }
    s
}

#[differentiable]
fn row_energy(rows: &[Vec<f64>], q: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..rows.len() {
        s += rows[i][0] * rows[i][1] * q;
    }
    s
}

/// A slice of rows chosen by a branch.
#[differentiable]
fn pick_rows(u: &[Vec<f64>], v: &[Vec<f64>], k: f64) -> f64 {
    let c = if k > 0.0 { u } else { v };
    row_energy(c, k) + row_energy(v, 1.0)
}

#[differentiable(order = 2)]
fn weighted_pair2(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    xs[0] * ys[1] * q + xs[1].sin()
}

/// Second order: the chosen slice passed to an `order = 2` helper.
#[differentiable(order = 2)]
fn pick_call2(x: &[f64]) -> f64 {
    let k = x[2];
    let c = if k > 0.0 { &x[..2] } else { &x[1..] };
    weighted_pair2(c, x, k) * k
}

const X: [f64; 3] = [0.7, -0.4, 0.9];
const Y: [f64; 3] = [1.3, 0.5, -0.8];

#[test]
fn a_chosen_slice_passed_to_a_helper() {
    for k in [0.8, -0.6] {
        let (_, (gx, gy, gk)) = pick_call_grad(&X, &Y, k);
        let g = join(join(gx.clone(), gy.clone()), vec![gk]);
        let at = join(join(X.to_vec(), Y.to_vec()), vec![k]);
        check("pick_call", |z| pick_call(&z[..3], &z[3..6], z[6]), &g, &at);
        // the pullback of 2.0 is twice the gradient
        let (_, back) = pick_call_vjp(&X, &Y, k);
        let (vx, vy, vk) = back(2.0);
        assert!((vk - 2.0 * gk).abs() < 1e-12 && (vx[0] - 2.0 * gx[0]).abs() < 1e-12);
        assert!((vy[1] - 2.0 * gy[1]).abs() < 1e-12);
        // forward mode: the tangent along (t, s, r) is the gradient's dot product with it
        let (t, s, r) = (vec![0.3, -1.1, 0.2], vec![0.5, 0.4, -0.7], 0.6);
        let (_, dy) = pick_call_jvp(&X, &Y, k, t.clone(), s.clone(), r);
        let dot: f64 = (0..3).map(|i| gx[i] * t[i] + gy[i] * s[i]).sum::<f64>() + gk * r;
        assert!((dy - dot).abs() < 1e-12, "{dy} vs {dot}");

        let (_, (gx, gk)) = pick_call_no_grad_grad(&X, &Y, k);
        let at = join(X.to_vec(), vec![k]);
        check(
            "pick_call_no_grad",
            |z| pick_call_no_grad(&z[..3], &Y, z[3]),
            &join(gx, vec![gk]),
            &at,
        );

        let (_, (gx, gy, gk)) = reassigned_call_grad(&X, &Y, k);
        let g = join(join(gx, gy), vec![gk]);
        let at = join(join(X.to_vec(), Y.to_vec()), vec![k]);
        check(
            "reassigned_call",
            |z| reassigned_call(&z[..3], &z[3..6], z[6]),
            &g,
            &at,
        );
    }
}

#[test]
fn chosen_ranges_loops_and_rows() {
    for k in [0.8, -0.6] {
        let (_, (gx, gk)) = pick_range_grad(&X, k);
        check(
            "pick_range",
            |z| pick_range(&z[..3], z[3]),
            &join(gx, vec![gk]),
            &join(X.to_vec(), vec![k]),
        );

        let (_, (gx, gy, gk)) = pick_in_loop_grad(&X, &Y, k);
        let g = join(join(gx, gy), vec![gk]);
        let at = join(join(X.to_vec(), Y.to_vec()), vec![k]);
        check(
            "pick_in_loop",
            |z| pick_in_loop(&z[..3], &z[3..6], z[6]),
            &g,
            &at,
        );

        let (u, v) = (rows_of(&sines(6, 0.8), 2), rows_of(&sines(8, 0.6)[2..], 2));
        let (_, (gu, gv, gk)) = pick_rows_grad(&u, &v, k);
        let g = join(join(flat(&gu), flat(&gv)), vec![gk]);
        let at = join(join(flat(&u), flat(&v)), vec![k]);
        check(
            "pick_rows",
            |z| pick_rows(&rows_of(&z[..6], 2), &rows_of(&z[6..12], 2), z[12]),
            &g,
            &at,
        );
    }
}

#[test]
fn a_chosen_slice_passed_to_an_order_2_helper() {
    for x in [vec![0.7, -0.4, 0.9], vec![0.7, -0.4, -0.9]] {
        let (_, g) = pick_call2_grad(&x);
        check("pick_call2", pick_call2, &g, &x);
        let v = vec![0.3, -0.5, 0.8];
        let (_, _, hv) = pick_call2_hvp(&x, v.clone());
        check_hvp("pick_call2", |z| pick_call2_grad(z).1, &hv, &x, &v);
    }
}
