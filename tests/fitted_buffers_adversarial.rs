//! Adversarial cases for the fitted dense adjoint buffers (`reverse/dense.rs`,
//! `autodiff-runtime/src/densevec.rs`): loops that read a local `Vec` they never make whole fit
//! its adjoint buffer to the length saved before the loop and add with an index check. Here the
//! lengths change between loops, inside enclosing loops, in branches and `match` arms of the
//! reading loop, and loops are left early. Each function is checked for its value against the
//! function as written and for its gradient against central differences in `f64`.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::reversed_empty_ranges
)]

use autodiff::check::{Tolerance, assert_gradient, assert_slices, numeric_gradient};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// Fitted dense buffers
// ------------------------------------------------------------------------------------------------

/// `u = next` with a shorter and then a longer `next`; loops read each length.
#[differentiable]
fn shrink_then_grow(u0: &[f64], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for step in 0..4 {
        let n = u.len();
        let m = if step % 2 == 0 { n - 1 } else { n + 2 };
        let mut next = vec![0.0; m];
        for i in 0..m {
            let a = u[i % n];
            next[i] = a * (1.0 - k) + k * u[(i + 1) % n] * a;
        }
        for i in 0..n {
            s += u[i] * 0.1;
        }
        u = next;
    }
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

/// A loop that leaves before any read, a loop with no trip, and a loop that reads once.
#[differentiable]
fn break_before_reads(x: &[f64], first: usize) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in first..u.len() {
        if i >= first {
            break;
        }
        s += u[i];
    }
    for i in 0..0 {
        s += u[i] * u[i];
    }
    for i in 0..u.len() {
        if i == first {
            s += u[i] * u[i];
            break;
        }
    }
    u[0] = s * u[1];
    let mut t = 0.0;
    for i in 0..u.len() {
        t += u[i] * (i as f64 + 1.0);
    }
    t
}

/// Nested loops where only the inner one makes the local whole, the outer one reads it.
#[differentiable]
fn inner_makes_whole(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..3 {
        s += u[i] * u[i + 1];
        for t in 0..2 {
            let mut next = vec![0.0; u.len() + t];
            for j in 0..u.len() {
                next[j] = u[j] * 0.9 + s * 0.01;
            }
            u = next;
        }
        s += u[i];
    }
    s + u[u.len() - 1]
}

/// A local first made inside an enclosing loop (another length each trip), read in an inner
/// loop, also under a branch, and after a `while`.
#[differentiable]
fn made_in_enclosing_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in 1..4 {
        let v = vec![x[t] * s + x[0]; t + 1];
        let mut w = x.to_vec();
        for i in 0..v.len() {
            if i % 2 == 0 {
                s += v[i] * w[i];
            } else {
                w[i] = v[i] * 2.0;
            }
        }
        let mut j = 0;
        while j < w.len() {
            s += w[j] * 0.3;
            j += 2;
        }
    }
    s
}

/// A `std::mem::swap` of buffers of different lengths between loops that read them, and a clone
/// of a local into another dense local.
#[differentiable]
fn swap_lengths(x: &[f64]) -> f64 {
    let mut a = x.to_vec();
    let mut b = vec![x[0] * x[1]; 2];
    let mut s = 0.0;
    for _ in 0..3 {
        for i in 0..a.len() {
            s += a[i] * (i as f64 + 0.5);
        }
        for i in 0..b.len() {
            b[i] = b[i] * 0.5 + s * 0.1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    let c = a.clone();
    for i in 0..c.len() {
        s += c[i] * c[i];
    }
    s
}

/// A loop whose branch makes the local whole on some trips only.
#[differentiable]
fn branch_makes_whole(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let short = vec![x[0] * 2.0, x[1]];
    let mut s = 0.0;
    for t in 0..4 {
        if t == 2 {
            u = short.clone();
        }
        for i in 0..u.len() {
            s += u[i] * (t as f64 + 1.0);
        }
    }
    s
}

/// Early `return` out of a loop reading a local.
#[differentiable]
fn return_from_loop(x: &[f64], limit: f64) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..5 {
        for i in 0..u.len() {
            s += u[i] * u[i];
            if s > limit {
                return s * u[i];
            }
        }
        let mut next = vec![0.0; u.len() + 1];
        for i in 0..u.len() {
            next[i + 1] = u[i] * 0.5 + t as f64 * 0.01;
        }
        u = next;
    }
    s
}

/// A loop whose own branch makes the local whole (longer) after reading it: later trips read
/// past the length it had when the loop began.
#[differentiable]
fn grows_inside_reading_loop(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let long = vec![x[0] * x[1], x[2], x[3], x[1], x[0], x[2] * 2.0];
    let mut s = 0.0;
    for t in 0..6 {
        if t < u.len() {
            s += u[t] * (t as f64 + 1.0) * s.cos();
        }
        if t == 1 {
            u = long.clone();
        }
    }
    s
}

/// The same with the whole move inside a `match` arm and a nested block, by `std::mem::swap`.
#[differentiable]
fn swap_in_match_inside_reading_loop(x: &[f64]) -> f64 {
    let mut u = vec![x[0], x[1]];
    let mut w = x.to_vec();
    let mut s = 0.0;
    for t in 0..4 {
        let i = t % u.len();
        s += u[i] * u[i] + w[t % w.len()];
        match t {
            1 => {
                std::mem::swap(&mut u, &mut w);
            }
            _ => {
                w[0] = s * 0.5;
            }
        }
    }
    s
}

/// A reading loop left by a labelled `break` from an inner loop, then the local made whole.
#[differentiable]
fn labelled_break_then_made(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..3 {
        'scan: for i in 0..u.len() {
            for j in 0..u.len() {
                s += u[i] * u[j] * 0.1;
                if i + j > t + 1 {
                    break 'scan;
                }
            }
        }
        let mut next = vec![0.0; u.len() + 1];
        for i in 0..u.len() {
            next[i] = u[i] * 0.9;
        }
        next[u.len()] = s;
        u = next;
    }
    s + u[u.len() - 1]
}

/// Second order through a local that grows each step, read by a loop that fits its buffer, with
/// a repeated read in the trip.
#[differentiable(order = 2)]
fn grow_order2(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..2 {
        let mut next = vec![0.0; u.len() + 1];
        for i in 0..u.len() {
            let a = u[i];
            let b = u[i];
            next[i] += a * b * 0.5;
            next[i + 1] += b * x[0];
        }
        u = next;
    }
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

// ------------------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------------------

const X: [f64; 4] = [0.7, -1.3, 0.4, 1.1];

/// How close a gradient must be to central differences.
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// The value of `grad` against `f`, its gradient against central differences of `f`.
#[track_caller]
fn against(
    name: &str,
    x: &[f64],
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
) {
    let (v, g) = grad(x);
    let want = f(x);
    assert!(
        (v - want).abs() <= 1e-12 * (1.0 + want.abs()),
        "{name}: value {v} vs {want}"
    );
    assert_gradient(&f, x, &g, 1e-6, TOL);
}

#[test]
fn fitted_buffers_under_changing_lengths() {
    let pack = |p: &[f64]| (p[..p.len() - 1].to_vec(), p[p.len() - 1]);
    let p = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
    against(
        "shrink then grow",
        &p,
        |p| {
            let (u, k) = pack(p);
            shrink_then_grow(&u, k)
        },
        |p| {
            let (u, k) = pack(p);
            let (v, (mut g, gk)) = shrink_then_grow_grad(&u, k);
            g.push(gk);
            (v, g)
        },
    );
    for first in 0..5 {
        against(
            "break before reads",
            &X,
            |x| break_before_reads(x, first),
            |x| break_before_reads_grad(x, first),
        );
    }
    against(
        "inner makes whole",
        &X,
        inner_makes_whole,
        inner_makes_whole_grad,
    );
    against(
        "made in enclosing loop",
        &X,
        made_in_enclosing_loop,
        made_in_enclosing_loop_grad,
    );
    against("swap lengths", &X, swap_lengths, swap_lengths_grad);
    against(
        "branch makes whole",
        &X,
        branch_makes_whole,
        branch_makes_whole_grad,
    );
    for limit in [0.1, 1.0, 3.0, 1e9] {
        against(
            "return from loop",
            &X,
            |x| return_from_loop(x, limit),
            |x| {
                (
                    return_from_loop_grad(x, limit).0,
                    return_from_loop_grad(x, limit).1.0,
                )
            },
        );
    }
}

#[test]
fn pullback_of_a_fitted_loop_called_twice() {
    let (u, k) = ([0.3, -0.2, 0.5, 0.1, -0.4], 0.2);
    // The pullback is `Fn`: called twice, and with a scaled cotangent, it gives the same and the
    // scaled gradient (the tapes and saved lengths are read, never consumed).
    let (v, pb) = shrink_then_grow_vjp(&u, k);
    assert!((v - shrink_then_grow(&u, k)).abs() < 1e-12);
    let (g1, k1) = pb(1.0);
    let (g2, k2) = pb(1.0);
    let (g3, k3) = pb(-2.5);
    assert_eq!(g1, g2);
    assert_eq!(k1, k2);
    for (a, b) in g1.iter().chain([&k1]).zip(g3.iter().chain([&k3])) {
        assert!((b + 2.5 * a).abs() < 1e-12 * (1.0 + a.abs()), "{a} vs {b}");
    }
    let (_, (gg, gk)) = shrink_then_grow_grad(&u, k);
    assert_slices(&g1, &gg, TOL);
    assert_slices(&[k1], &[gk], TOL);
}

#[test]
fn second_order_through_a_growing_local() {
    let (y, g, h) = grow_order2_hessian(&X);
    let (yg, gg) = grow_order2_grad(&X);
    assert!((y - grow_order2(&X)).abs() < 1e-12 && (y - yg).abs() < 1e-12);
    assert_slices(&g, &gg, TOL);
    assert_slices(&gg, &numeric_gradient(grow_order2, &X, 1e-6), TOL);
    let e = 1e-5;
    for j in 0..X.len() {
        let mut p = X;
        p[j] += e;
        let gp = grow_order2_grad(&p).1;
        p[j] -= 2.0 * e;
        let gm = grow_order2_grad(&p).1;
        for i in 0..X.len() {
            let fd = (gp[i] - gm[i]) / (2.0 * e);
            assert!(
                Tolerance::new(1e-5, 1e-5).accepts(h[(i, j)], fd),
                "H[{i},{j}] {} vs {fd}",
                h[(i, j)]
            );
            assert!((h[(i, j)] - h[(j, i)]).abs() < 1e-9 * (1.0 + h[(i, j)].abs()));
        }
    }
}
