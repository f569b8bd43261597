//! `for` loops over `v.iter()` (and `zip`, `enumerate`) adapted by `skip(k)`, `take(n)` and
//! `rev()` in any order: each checked against its index-loop form, analytic gradients and
//! central differences, through `_grad`, `_vjp` and `_jvp`.
// The index loops are the reference; the functions spell the forms under test.
#![allow(
    clippy::needless_range_loop,
    clippy::redundant_closure,
    clippy::useless_vec
)]

use autodiff::check::numeric_gradient;
use autodiff::prelude::*;

/// Σ_k w_k x_j over the items, with w_k = k + 1 the item's position: order-sensitive.
#[differentiable]
fn skip_take(x: &[f64], s: usize, t: usize) -> f64 {
    let mut acc = 0.0;
    let mut w = 1.0;
    for a in x.iter().skip(s).take(t) {
        acc += w * a * a;
        w += 1.0;
    }
    acc
}

#[differentiable]
fn reversed(x: &[f64], s: usize) -> f64 {
    let mut acc = 0.0;
    let mut w = 1.0;
    for &a in x.iter().rev().skip(s) {
        acc = acc * 0.5 + w * a.sin();
        w += 1.0;
    }
    acc
}

#[differentiable]
fn take_then_rev(x: &[f64], t: usize) -> f64 {
    let mut acc = 0.0;
    for a in x.iter().take(t).rev().skip(1) {
        acc = acc * 2.0 + a;
    }
    acc
}

#[differentiable]
fn enumerate_skip(x: &[f64]) -> f64 {
    let mut acc = 0.0;
    for (i, a) in x.iter().enumerate().skip(1) {
        acc += (i as f64) * a * a;
    }
    for (i, a) in x.iter().skip(1).enumerate() {
        acc += (i as f64 + 0.5) * a;
    }
    for (i, a) in x.iter().rev().enumerate() {
        acc += (i as f64) * a.exp();
    }
    acc
}

#[differentiable]
fn zip_rev(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = 0.0;
    let v = vec![x[0] * 2.0, x[1], x[2] * x[2], 1.0];
    for (a, b) in v.iter().zip(y.iter()).rev().skip(1) {
        acc = acc * 0.5 + a * b;
    }
    for (i, (a, b)) in x.iter().zip(y.iter()).enumerate().rev().take(2) {
        acc += (i as f64) * a * b;
    }
    acc
}

/// The index-loop forms of the functions above.
fn skip_take_ref(x: &[f64], s: usize, t: usize) -> f64 {
    let (lo, hi) = (s.min(x.len()), (s + t).min(x.len()));
    (lo..hi)
        .map(|j| ((j - lo) as f64 + 1.0) * x[j] * x[j])
        .sum()
}

fn reversed_ref(x: &[f64], s: usize) -> f64 {
    let mut acc = 0.0;
    let n = x.len();
    for (k, j) in (0..n.saturating_sub(s)).rev().enumerate() {
        acc = acc * 0.5 + (k as f64 + 1.0) * x[j].sin();
    }
    acc
}

fn take_then_rev_ref(x: &[f64], t: usize) -> f64 {
    let mut acc = 0.0;
    let hi = t.min(x.len());
    for j in (0..hi.saturating_sub(1)).rev() {
        acc = acc * 2.0 + x[j];
    }
    acc
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

fn check(
    name: &str,
    f: impl Fn(&[f64]) -> f64,
    grad: &[f64],
    jvp: impl Fn(Vec<f64>) -> f64,
    x: &[f64],
) {
    let fd = numeric_gradient(&f, x, 1e-6);
    for k in 0..x.len() {
        assert!(close(grad[k], fd[k], 1e-6), "{name}: {grad:?} {fd:?}");
    }
    let dir: Vec<f64> = (0..x.len()).map(|k| 0.3 + 0.1 * k as f64).collect();
    let want: f64 = grad.iter().zip(&dir).map(|(g, d)| g * d).sum();
    assert!(close(jvp(dir), want, 1e-10), "{name}: jvp");
}

#[test]
fn skip_and_take() {
    let x = [0.5, -1.2, 2.0, 0.7, 1.1];
    for (s, t) in [(0, 5), (1, 2), (2, 10), (4, 1), (6, 2), (0, 0)] {
        let (y, g) = skip_take_grad(&x, s, t);
        assert!(close(y, skip_take_ref(&x, s, t), 1e-12), "{s} {t}");
        // d/dx_j = 2 w_j x_j on the kept range
        let lo = s.min(5);
        for j in 0..5 {
            let w = if j >= lo && j < (s + t).min(5) {
                (j - lo) as f64 + 1.0
            } else {
                0.0
            };
            assert!(close(g[j], 2.0 * w * x[j], 1e-12), "{s} {t}: {g:?}");
        }
        check(
            "skip_take",
            |x| skip_take(x, s, t),
            &g,
            |d| skip_take_jvp(&x, s, t, d).1,
            &x,
        );
        let (_, pb) = skip_take_vjp(&x, s, t);
        let g2 = pb(2.0);
        assert!(g2.iter().zip(&g).all(|(a, b)| close(*a, 2.0 * b, 1e-12)));
    }
}

#[test]
fn rev_with_skip_and_take() {
    let x = [0.5, -1.2, 2.0, 0.7];
    for s in [0, 1, 3, 5] {
        let (y, g) = reversed_grad(&x, s);
        assert!(close(y, reversed_ref(&x, s), 1e-12), "{s}");
        check(
            "reversed",
            |x| reversed(x, s),
            &g,
            |d| reversed_jvp(&x, s, d).1,
            &x,
        );
    }
    for t in [0, 1, 3, 4, 9] {
        let (y, g) = take_then_rev_grad(&x, t);
        assert!(close(y, take_then_rev_ref(&x, t), 1e-12), "{t}");
        // x_j enters with weight 2^j for j < min(t, n) - 1
        for j in 0..4 {
            let w = if j + 1 < t.min(4) {
                2f64.powi(j as i32)
            } else {
                0.0
            };
            assert!(close(g[j], w, 1e-12), "{t}: {g:?}");
        }
        check(
            "take_then_rev",
            |x| take_then_rev(x, t),
            &g,
            |d| take_then_rev_jvp(&x, t, d).1,
            &x,
        );
    }
}

#[test]
fn enumerate_before_and_after_adapters() {
    let x = [0.5, -1.2, 2.0, 0.7];
    let (_, g) = enumerate_skip_grad(&x);
    // enumerate().skip(1): 2 j x_j; skip(1).enumerate(): j - 1 + 0.5; rev().enumerate(): (3 - j) e^x_j
    for j in 0..4 {
        let mut want = 2.0 * j as f64 * x[j] + (3 - j) as f64 * x[j].exp();
        if j >= 1 {
            want += j as f64 - 0.5;
        }
        assert!(close(g[j], want, 1e-12), "{g:?}");
    }
    check(
        "enumerate_skip",
        |x| enumerate_skip(x),
        &g,
        |d| enumerate_skip_jvp(&x, d).1,
        &x,
    );
}

#[test]
fn zip_reversed() {
    let x = [0.5, -1.2, 2.0];
    let y = [1.5, 0.25, -0.75, 2.0];
    let (_, (gx, gy)) = zip_rev_grad(&x, &y);
    let fx = numeric_gradient(|x| zip_rev(x, &y), &x, 1e-6);
    let fy = numeric_gradient(|y| zip_rev(&x, y), &y, 1e-6);
    for k in 0..3 {
        assert!(close(gx[k], fx[k], 1e-6), "{gx:?} {fx:?}");
    }
    for k in 0..4 {
        assert!(close(gy[k], fy[k], 1e-6), "{gy:?} {fy:?}");
    }
    // zip of lengths 4 and 4, reversed, first item dropped: items j = 2, 1, 0 with
    // acc = ((v2 y2)/2 + v1 y1)/2 + v0 y0; then zip(x, y) (3 items) reversed, take 2: j = 2, 1
    let want_y0 = x[0] * 2.0;
    assert!(close(gy[0], want_y0, 1e-12), "{gy:?}");
    let want_y2 = x[2] * x[2] / 4.0 + 2.0 * x[2];
    assert!(close(gy[2], want_y2, 1e-12), "{gy:?}");
    let (_, d) = zip_rev_jvp(&x, &y, vec![0.0; 3], vec![1.0, 0.0, 0.0, 0.0]);
    assert!(close(d, gy[0], 1e-12));
}
