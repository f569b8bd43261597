//! A local `Vec` rewritten every trip and lent to a function the reverse sweep runs again (GMM's
//! `logsumexp(&main_term)` per point) is saved per trip as elements on one tape, not as a clone
//! per trip (`autodiff-runtime/src/flatsave.rs`, `reverse/flat.rs` in the macro crate). Checked
//! against central differences in `f64` and `NAME_vjp`: callees taking `&[f64]` and `&Vec<f64>`,
//! two reads of one version, a second version after a write in the same trip, two locals,
//! nested loops, a grid of rows, a generic function at `f32` and `f64`, a `while` loop left by
//! `break`, and `order = 2`.
// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::assign_op_pattern
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp};

fn close_all(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + y.abs()))
}

/// `ln Σ exp v_k`, shifted by the largest entry.
#[differentiable]
fn lse(v: &[f64]) -> f64 {
    let mut m = v[0];
    for k in 1..v.len() {
        m = m.max(v[k]);
    }
    let mut s = 0.0;
    for k in 0..v.len() {
        s += (v[k] - m).exp();
    }
    m + s.ln()
}

/// `Σ_k w_k v_k²`, taking a `&Vec<f64>`.
#[differentiable]
fn weighted_squares(v: &Vec<f64>, w: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k] * v[k] * (w + k as f64);
    }
    s
}

/// Per point: a local rewritten, lent to both helpers (the second after a write, so two
/// versions in one trip), and read by index after the calls.
#[differentiable]
fn per_point(p: &[f64], w: f64, #[no_grad] xs: &[f64]) -> f64 {
    let k = p.len();
    let mut t = vec![0.0; k];
    let mut total = 0.0;
    for i in 0..xs.len() {
        for j in 0..k {
            t[j] = p[j] * xs[i] - 0.5 * (xs[i] - p[j]) * (xs[i] - p[j]);
        }
        total += lse(&t) + 0.1 * lse(&t) * t[0];
        t[1] = t[1] * w;
        total += weighted_squares(&t, w) * 0.01 + t[1];
    }
    total
}

/// Two locals per trip, in a nested loop, one of them lent twice.
#[differentiable]
fn two_locals(p: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let k = p.len();
    let mut a = vec![0.0; k];
    let mut b = vec![0.0; k];
    let mut s = 0.0;
    for i in 0..xs.len() {
        for r in 0..2 {
            for j in 0..k {
                a[j] = p[j] * (xs[i] + r as f64);
                b[j] = a[j] * a[j] - p[(j + 1) % k];
            }
            s += lse(&a) * lse(&b) + weighted_squares(&b, 0.5) * 0.01 + lse(&a);
        }
    }
    s
}

/// `Σ_k row_k · row_k` of a grid of rows.
#[differentiable]
fn grid_norm(g: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for r in 0..g.len() {
        for c in 0..g[r].len() {
            s += g[r][c] * g[r][c];
        }
    }
    s
}

/// A local grid of rows rewritten per trip and lent to a helper.
#[differentiable]
fn grid_per_trip(p: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut g = vec![vec![0.0; 2]; 2];
    let mut s = 0.0;
    for i in 0..xs.len() {
        for r in 0..2 {
            for c in 0..2 {
                g[r][c] = p[r * 2 + c] * xs[i] + p[(r + c) % 4];
            }
        }
        s += grid_norm(&g).sqrt();
    }
    s
}

#[differentiable]
fn generic_sum_sq<T: Real>(v: &[T]) -> T {
    let mut s = T::zero();
    for k in 0..v.len() {
        s += v[k] * v[k];
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn generic_per_trip<T: Real>(p: &[T], x: T) -> T {
    let mut t = vec![T::zero(); p.len()];
    let mut s = T::zero();
    for i in 0..3 {
        for j in 0..p.len() {
            t[j] = p[j] * x + T::from_f64(i as f64);
        }
        s += generic_sum_sq(&t).sqrt();
    }
    s
}

/// A `while` loop left by `break`, with the local lent each trip.
#[differentiable]
fn while_per_trip(p: &[f64], r: f64) -> f64 {
    let mut t = vec![0.0; p.len()];
    let mut s = 0.0;
    let mut i = 0;
    while i < 20 {
        for j in 0..p.len() {
            t[j] = p[j] * r + i as f64 * 0.1;
        }
        s += lse(&t);
        if s > 6.0 {
            break;
        }
        i += 1;
    }
    s
}

#[differentiable(order = 2)]
fn lse2(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..v.len() {
        s += v[k].exp();
    }
    s.ln()
}

/// Second order through the per-trip local.
#[differentiable(order = 2)]
fn per_trip_order2(p: &[f64]) -> f64 {
    let mut t = vec![0.0; p.len()];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..p.len() {
            t[j] = p[j] * p[j] * (i as f64 + 1.0);
        }
        s += lse2(&t);
    }
    s
}

const P: [f64; 3] = [0.3, -0.7, 0.5];
const XS: [f64; 5] = [0.2, 1.1, -0.4, 0.8, 1.5];

#[test]
fn per_trip_locals_lent_to_helpers() {
    let (_, (gp, gw)) = per_point_grad(&P, 0.6, &XS);
    let mut g = gp.clone();
    g.push(gw);
    let mut x = P.to_vec();
    x.push(0.6);
    check("per_point", |q| per_point(&q[..3], q[3], &XS), &g, &x);
    let (vp, vw) = per_point_vjp(&P, 0.6, &XS).1(1.0);
    assert!(close_all(&gp, &vp) && (gw - vw).abs() <= 1e-12 * (1.0 + vw.abs()));

    let (_, g) = two_locals_grad(&P, &XS);
    check("two_locals", |q| two_locals(q, &XS), &g, &P);
    assert!(close_all(&g, &two_locals_vjp(&P, &XS).1(1.0)));

    let p4 = [0.3, -0.7, 0.5, 0.9];
    let (_, g) = grid_per_trip_grad(&p4, &XS);
    check("grid_per_trip", |q| grid_per_trip(q, &XS), &g, &p4);
}

#[test]
fn generic_while_and_second_order() {
    let (_, (gp, gx)) = generic_per_trip_grad(&P, 0.8);
    let mut g = gp.clone();
    g.push(gx);
    let mut x = P.to_vec();
    x.push(0.8);
    check(
        "generic_per_trip",
        |q| generic_per_trip(&q[..3], q[3]),
        &g,
        &x,
    );
    let p32 = P.map(|v| v as f32);
    let (_, (gp32, gx32)) = generic_per_trip_grad(&p32, 0.8f32);
    for (a, b) in gp32.iter().chain([&gx32]).zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() <= 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }

    // Both ways out of the `while`: by `break` (r = 1.0) and at the end (r = -3.0).
    for r in [1.0, -3.0] {
        let (_, (gp, gr)) = while_per_trip_grad(&P, r);
        let mut g = gp.clone();
        g.push(gr);
        let mut x = P.to_vec();
        x.push(r);
        check("while_per_trip", |q| while_per_trip(&q[..3], q[3]), &g, &x);
    }

    let (_, g) = per_trip_order2_grad(&P);
    check("per_trip_order2", per_trip_order2, &g, &P);
    let v = [1.0, -0.5, 0.25];
    let (_, _, hv) = per_trip_order2_hvp(&P, v.to_vec());
    check_hvp(
        "per_trip_order2",
        |q| per_trip_order2_grad(q).1,
        &hv,
        &P,
        &v,
    );
}
