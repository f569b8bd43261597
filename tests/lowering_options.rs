//! `Option` values held in variables: `Some(e)`, `v.pop()`, `v.last().copied()`,
//! `v.get(i).copied()`, element reads unwrapped on the spot (`*v.last().unwrap()`,
//! `v.first().copied().expect(..)`, `v.get(i).cloned().unwrap()`), `o.unwrap_or(d)`, `Option`s
//! returned by `#[differentiable]` calls, and `Some(p)` / `None` patterns in `if let` and
//! `match`. Tuple patterns from tuples held in variables. Each checked
//! against an analytic value and central differences, through `_grad`, `_vjp`, `_jvp` and, for
//! `order = 2`, `_hvp`.

// The functions are written the way the forms under test are spelled, not the way clippy prefers.
#![allow(
    clippy::needless_range_loop,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default,
    clippy::match_single_binding,
    clippy::redundant_closure
)]
#![allow(clippy::manual_map, clippy::match_like_matches_macro)] // the forms under test
#![allow(clippy::unnecessary_literal_unwrap)] // `None.unwrap_or(..)` is one of them

use autodiff::check::{approx_derivative, numeric_gradient};
use autodiff::prelude::*;

#[differentiable]
fn held_if_let(x: f64) -> f64 {
    let o = Some(x);
    if let Some(v) = o { v * v } else { 0.0 }
}

#[differentiable]
fn held_match(x: f64) -> f64 {
    let o = if x > 0.0 { Some(x * 2.0) } else { None };
    match o {
        Some(v) => v * v,
        None => x.sin(),
    }
}

#[differentiable]
fn vec_reads(x: f64, i: usize) -> f64 {
    let mut v = vec![x, x * x, x.exp()];
    let popped = v.pop();
    let last = v.last().copied();
    let first = v.first().cloned();
    let got = v.get(i).copied();
    let mut s = 0.0;
    if let Some(a) = popped {
        s += a;
    }
    if let Some(a) = last {
        s += 3.0 * a;
    }
    if let Some(a) = first {
        s += a * a;
    }
    match got {
        Some(a) => s += a.cos(),
        None => s += 10.0,
    }
    s
}

#[differentiable]
fn last_positive(x: &[f64]) -> Option<f64> {
    let mut o = None;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            o = Some(x[i] * x[i]);
        }
    }
    o
}

#[differentiable]
fn through_call(x: &[f64]) -> f64 {
    let o = last_positive(x);
    if let Some(v) = o { v.sin() } else { -1.0 }
}

#[differentiable]
fn reassigned_in_loop(x: &[f64]) -> f64 {
    let mut o = None;
    let mut k = 0;
    while k < x.len() {
        o = match o {
            Some(p) => Some(p * x[k]),
            None => Some(x[k]),
        };
        k += 1;
    }
    match o {
        Some(p) => p,
        None => 0.0,
    }
}

#[differentiable]
fn tuples_held(x: f64, y: f64) -> f64 {
    let t = (x * y, x + y);
    let (a, b) = t;
    let m = match t {
        (c, d) => c * d,
    };
    a * b + m
}

#[differentiable]
fn nested_some(x: f64, y: f64) -> f64 {
    let o = Some(x * y);
    let p = Some(o);
    match p {
        Some(Some(v)) => v * y,
        Some(None) | None => 0.0,
    }
}

#[differentiable(order = 2)]
fn option_order2(x: f64) -> f64 {
    let o = Some(x * x);
    match o {
        Some(v) => v * x,
        None => 0.0,
    }
}

/// A history kept in a local `Vec`, its last entry read with `*h.last().unwrap()` each trip,
/// and the other unwrapped spellings on the history and the parameter.
#[differentiable]
fn unwrapped_reads(x: &[f64]) -> f64 {
    let mut hist = vec![x[0]];
    for i in 1..x.len() {
        let last = *hist.last().unwrap();
        hist.push(last * x[i] + x[i].sin());
    }
    let a = hist.last().copied().unwrap();
    let b = *hist.first().expect("one entry");
    let c = hist.get(1).cloned().unwrap();
    let d = x.last().unwrap() * x.first().copied().expect("x is not empty");
    a * b + c + d
}

#[differentiable(order = 2)]
fn unwrapped_order2(x: &[f64]) -> f64 {
    let mut h = vec![x[0] * x[1]];
    h.push(*h.last().unwrap() * x[2]);
    h.last().copied().unwrap() * h.first().copied().unwrap()
}

/// `o.unwrap_or(d)` on a held `Option`, on `pop()`, on `last().copied()`, on a call's
/// `Option`, nested, and on an index (`Option<usize>`, no derivative); `unwrap_or_default()`.
#[differentiable]
fn unwrap_or_forms(x: &[f64], w: f64) -> f64 {
    let mut st = Vec::new();
    for i in 0..x.len() {
        st.push(x[i] * w);
    }
    let top = st.pop().unwrap_or(w);
    let under = st.last().copied().unwrap_or(0.0);
    let held = if w > 0.0 { Some(w * w) } else { None };
    let h = held.unwrap_or(1.0);
    let from_call = last_positive(x).unwrap_or(w * 3.0);
    let none: Option<f64> = None;
    let nested = none.unwrap_or(Some(w).unwrap_or(0.0));
    let k = if x.len() > 2 { Some(2usize) } else { None };
    let first = st.first().copied().unwrap_or_default();
    top * under + h * from_call + nested * x[k.unwrap_or(0)] + first * first
}

#[differentiable(order = 2)]
fn unwrap_or_order2(x: &[f64]) -> f64 {
    let o = if x[0] > 0.0 { Some(x[0] * x[1]) } else { None };
    o.unwrap_or(x[1]) * x[1]
}

#[differentiable(order = 2)]
fn unwrap_or_default_order2(x: &[f64]) -> f64 {
    let o = if x[1] > 0.0 { Some(x[0] * x[0]) } else { None };
    o.unwrap_or_default() * x[1]
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn option_held_in_a_variable() {
    // x² at 1.5: 2x = 3
    let (y, g) = held_if_let_grad(1.5);
    assert!(close(y, 2.25, 1e-12) && close(g, 3.0, 1e-12), "{y} {g}");
    let (_, d) = held_if_let_jvp(1.5, 1.0);
    assert!(close(d, 3.0, 1e-12), "{d}");
    let (_, pb) = held_if_let_vjp(1.5);
    assert!(close(pb(2.0), 6.0, 1e-12));
    // x > 0: (2x)² = 4x², derivative 8x; x <= 0: cos x
    for x in [1.5, -0.7] {
        let (_, g) = held_match_grad(x);
        let want = if x > 0.0 { 8.0 * x } else { x.cos() };
        let fd = approx_derivative(held_match, x, 1e-6);
        assert!(
            close(g, want, 1e-12) && close(g, fd, 1e-6),
            "{x}: {g} {want} {fd}"
        );
        let (_, d) = held_match_jvp(x, 1.0);
        assert!(close(d, want, 1e-12), "{d}");
    }
}

#[test]
fn option_reads_of_a_local_vec() {
    // popped e^x, last 3x², first x², got: i = 0 -> cos x, i = 1 -> cos x², i = 5 -> 10
    let x = 0.8;
    for i in [0, 1, 5] {
        let (_, g) = vec_reads_grad(x, i);
        let got = match i {
            0 => -x.sin(),
            1 => -(x * x).sin() * 2.0 * x,
            _ => 0.0,
        };
        let want = x.exp() + 6.0 * x + 2.0 * x + got;
        let fd = approx_derivative(|x| vec_reads(x, i), x, 1e-6);
        assert!(
            close(g, want, 1e-12) && close(g, fd, 1e-6),
            "{i}: {g} {want} {fd}"
        );
        let (_, d) = vec_reads_jvp(x, i, 1.0);
        assert!(close(d, want, 1e-12), "{d}");
    }
}

#[test]
fn option_returned_by_a_differentiable_call() {
    let x = [1.0, 2.0, -1.0];
    // last positive is x1: sin(x1²), d/dx1 = 2 x1 cos(x1²)
    let (_, g) = through_call_grad(&x);
    let fd = numeric_gradient(|x| through_call(x), &x, 1e-6);
    assert!(close(g[1], 4.0 * 4f64.cos(), 1e-12), "{g:?}");
    for k in 0..3 {
        assert!(close(g[k], fd[k], 1e-6), "{g:?} {fd:?}");
    }
    // the Option's own pullback and tangent: Some(2·x1·dy) for x1, None for no positive entry
    let (y, pb) = last_positive_vjp(&x);
    assert_eq!(y, Some(4.0));
    let gx = pb(Some(1.0));
    assert!(
        close(gx[1], 4.0, 1e-12) && gx[0] == 0.0 && gx[2] == 0.0,
        "{gx:?}"
    );
    let (y, d) = last_positive_jvp(&x, vec![0.0, 1.0, 0.0]);
    assert_eq!((y, d), (Some(4.0), Some(4.0)));
    let (y, pb) = last_positive_vjp(&[-1.0]);
    assert_eq!((y, pb(None)), (None, vec![0.0]));
}

#[test]
fn option_reassigned_in_a_loop() {
    // the product of the entries
    let x = [1.5, -2.0, 0.5];
    let (y, g) = reassigned_in_loop_grad(&x);
    assert!(close(y, -1.5, 1e-12));
    let want = [x[1] * x[2], x[0] * x[2], x[0] * x[1]];
    let fd = numeric_gradient(|x| reassigned_in_loop(x), &x, 1e-6);
    for k in 0..3 {
        assert!(
            close(g[k], want[k], 1e-12) && close(g[k], fd[k], 1e-6),
            "{g:?}"
        );
    }
    let (_, d) = reassigned_in_loop_jvp(&x, vec![1.0, 1.0, 1.0]);
    assert!(close(d, want.iter().sum(), 1e-12), "{d}");
}

#[test]
fn tuples_held_in_variables() {
    // 2·(xy)(x + y) = 2(x²y + xy²): d/dx = 2(2xy + y²), d/dy = 2(x² + 2xy)
    let (x, y) = (1.5, -0.5);
    let (_, (gx, gy)) = tuples_held_grad(x, y);
    assert!(close(gx, 2.0 * (2.0 * x * y + y * y), 1e-12), "{gx}");
    assert!(close(gy, 2.0 * (x * x + 2.0 * x * y), 1e-12), "{gy}");
    let (_, d) = tuples_held_jvp(x, y, 1.0, 0.0);
    assert!(close(d, gx, 1e-12));
    // x y²: (y², 2xy)
    let (_, (gx, gy)) = nested_some_grad(x, y);
    assert!(
        close(gx, y * y, 1e-12) && close(gy, 2.0 * x * y, 1e-12),
        "{gx} {gy}"
    );
    let (_, d) = nested_some_jvp(x, y, 0.0, 1.0);
    assert!(close(d, gy, 1e-12));
}

#[test]
fn option_second_order() {
    // x³: 3x², 6x
    let x = 1.3;
    let (y, g, h) = option_order2_hvp(x, 1.0);
    assert!(
        close(y, x * x * x, 1e-12) && close(g, 3.0 * x * x, 1e-12),
        "{y} {g}"
    );
    assert!(close(h, 6.0 * x, 1e-12), "{h}");
    let fd = approx_derivative(|x| option_order2_grad(x).1, x, 1e-6);
    assert!(close(h, fd, 1e-6), "{h} {fd}");
}

#[test]
fn element_reads_unwrapped_on_the_spot() {
    let x = [0.5, 1.5, -2.0, 0.75];
    let (y, g) = unwrapped_reads_grad(&x);
    assert!(close(y, unwrapped_reads(&x), 1e-12));
    let fd = numeric_gradient(|z| unwrapped_reads(z), &x, 1e-6);
    for k in 0..x.len() {
        assert!(close(g[k], fd[k], 1e-6), "[{k}] {} vs {}", g[k], fd[k]);
    }
    let t = [0.3, -0.2, 0.9, 0.4];
    let (_, d) = unwrapped_reads_jvp(&x, t.to_vec());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!(close(d, dot, 1e-10), "{d} vs {dot}");

    // (x0 x1)² x2: its Hessian along v against differences of the gradient
    let x = [0.7, -1.2, 0.4];
    let v = vec![0.5, 0.25, -1.0];
    let (_, _, hv) = unwrapped_order2_hvp(&x, v.clone());
    let h = 1e-5;
    let at = |s: f64| {
        let z: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + s * b).collect();
        unwrapped_order2_grad(&z).1
    };
    let (p, m) = (at(h), at(-h));
    for k in 0..3 {
        let fd = (p[k] - m[k]) / (2.0 * h);
        assert!(close(hv[k], fd, 1e-6), "hv[{k}] {} vs {fd}", hv[k]);
    }
}

#[test]
fn unwrap_or_keeps_the_derivative_of_the_value_inside() {
    for (x, w) in [
        ([0.5, 1.5, -2.0, 0.75], 0.8),
        ([-0.5, -1.5, -2.0, -0.75], -0.6),
    ] {
        let (y, (gx, gw)) = unwrap_or_forms_grad(&x, w);
        assert!(close(y, unwrap_or_forms(&x, w), 1e-12));
        let mut p = x.to_vec();
        p.push(w);
        let fd = numeric_gradient(|z| unwrap_or_forms(&z[..4], z[4]), &p, 1e-6);
        let mut g = gx.clone();
        g.push(gw);
        for k in 0..p.len() {
            assert!(close(g[k], fd[k], 1e-6), "[{k}] {} vs {}", g[k], fd[k]);
        }
        let (vx, vw) = unwrap_or_forms_vjp(&x, w).1(1.0);
        assert!(vx.iter().zip(&gx).all(|(a, b)| close(*a, *b, 1e-12)) && close(vw, gw, 1e-12));
    }
    // Some: (x0 x1) x1, gradient (x1², 2 x0 x1); None: x1², gradient (0, 2 x1)
    let (_, g) = unwrap_or_order2_grad(&[0.5, 2.0]);
    assert!(close(g[0], 4.0, 1e-12) && close(g[1], 2.0, 1e-12), "{g:?}");
    let (_, g) = unwrap_or_order2_grad(&[-0.5, 2.0]);
    assert!(close(g[0], 0.0, 1e-12) && close(g[1], 4.0, 1e-12), "{g:?}");
    // Hessian of x0 x1² along v: [[0, 2 x1], [2 x1, 2 x0]] v
    let (_, _, hv) = unwrap_or_order2_hvp(&[0.5, 2.0], vec![1.0, -1.0]);
    assert!(
        close(hv[0], -4.0, 1e-12) && close(hv[1], 4.0 - 1.0, 1e-12),
        "{hv:?}"
    );
    // Some: x0² x1, gradient (2 x0 x1, x0²), Hessian [[2 x1, 2 x0], [2 x0, 0]]; None: 0 · x1,
    // gradient (0, 0) (the default carries no derivative)
    let (_, g) = unwrap_or_default_order2_grad(&[0.5, 2.0]);
    assert!(close(g[0], 2.0, 1e-12) && close(g[1], 0.25, 1e-12), "{g:?}");
    let (_, _, hv) = unwrap_or_default_order2_hvp(&[0.5, 2.0], vec![1.0, -1.0]);
    assert!(
        close(hv[0], 3.0, 1e-12) && close(hv[1], 1.0, 1e-12),
        "{hv:?}"
    );
    let (_, g) = unwrap_or_default_order2_grad(&[0.5, -2.0]);
    assert!(close(g[0], 0.0, 1e-12) && close(g[1], 0.0, 1e-12), "{g:?}");
    let (_, d) = unwrap_or_default_order2_jvp(&[0.5, 2.0], vec![1.0, 1.0]);
    assert!(close(d, 2.25, 1e-12), "{d}");
}
