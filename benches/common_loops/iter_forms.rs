//! Loops over borrowed elements, the way Rust code iterates when closures are not at hand:
//! a least-squares fit over `xs.iter().zip(ys.iter())`, a weighted sum over `x.iter()` with the
//! element dereferenced (`*xi`) and bound by value (`for &xi in ..`), and a map pushed into a
//! `Vec` over `x.iter()` then summed over `out.iter()`. Each against the gradient a careful
//! person writes (one pass, no tape).

use autodiff::prelude::*;

/// Points of the iterator workloads.
pub const ITER_N: usize = 1000;

/// `(xs, ys)` of the fit: `xs_i = sin(0.37 i)`, `ys_i = cos(0.11 i)`.
pub fn iter_input(n: usize) -> (Vec<f64>, Vec<f64>) {
    (
        (0..n).map(|i| (i as f64 * 0.37).sin()).collect(),
        (0..n).map(|i| (i as f64 * 0.11).cos()).collect(),
    )
}

/// `Σ (w x_i + b - y_i)²` over zipped borrowed elements.
#[differentiable]
pub fn linreg_iter(xs: &[f64], ys: &[f64], w: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys.iter()) {
        let r = w * x + b - y;
        s += r * r;
    }
    s
}

/// Hand-written: `r_i = w x_i + b - y_i`, `∂/∂x_i = 2 r_i w`, `∂/∂y_i = -2 r_i`,
/// `∂/∂w = Σ 2 r_i x_i`, `∂/∂b = Σ 2 r_i`, in the primal's one pass.
pub fn linreg_hand(
    xs: &[f64],
    ys: &[f64],
    w: f64,
    b: f64,
) -> (f64, (Vec<f64>, Vec<f64>, f64, f64)) {
    let n = xs.len().min(ys.len());
    let (mut dxs, mut dys) = (vec![0.0; xs.len()], vec![0.0; ys.len()]);
    let (mut s, mut dw, mut db) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let r = w * xs[i] + b - ys[i];
        s += r * r;
        let g = 2.0 * r;
        dxs[i] = g * w;
        dys[i] = -g;
        dw += g * xs[i];
        db += g;
    }
    (s, (dxs, dys, dw, db))
}

/// `Σ (x_i - w)² x_i` with the borrowed element dereferenced.
#[differentiable]
pub fn weighted_deref(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let d = *xi - w;
        s += d * d * *xi;
    }
    s
}

/// The same sum with the element bound by value.
#[differentiable]
pub fn weighted_pattern(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for &xi in x.iter() {
        let d = xi - w;
        s += d * d * xi;
    }
    s
}

/// Hand-written: `d_i = x_i - w`, `∂/∂x_i = 2 d_i x_i + d_i²`, `∂/∂w = -Σ 2 d_i x_i`.
pub fn weighted_hand(x: &[f64], w: f64) -> (f64, (Vec<f64>, f64)) {
    let mut dx = vec![0.0; x.len()];
    let (mut s, mut dw) = (0.0, 0.0);
    for i in 0..x.len() {
        let d = x[i] - w;
        s += d * d * x[i];
        let t = 2.0 * d * x[i];
        dx[i] = t + d * d;
        dw -= t;
    }
    (s, (dx, dw))
}

/// `out_i = w sin x_i` pushed over `x.iter()`, then `Σ out_i²` over `out.iter()`.
#[differentiable]
pub fn map_iter(x: &[f64], w: f64) -> f64 {
    let mut out = Vec::with_capacity(x.len());
    for xi in x.iter() {
        out.push(xi.sin() * w);
    }
    let mut s = 0.0;
    for o in out.iter() {
        s += o * o;
    }
    s
}

/// Hand-written: `∂/∂x_i = 2 out_i w cos x_i`, `∂/∂w = Σ 2 out_i sin x_i`; `sin` and `cos`
/// taken together (`sin_cos`), no `Vec` of `out`.
pub fn map_hand(x: &[f64], w: f64) -> (f64, (Vec<f64>, f64)) {
    let mut dx = vec![0.0; x.len()];
    let (mut s, mut dw) = (0.0, 0.0);
    for i in 0..x.len() {
        let (sn, cs) = x[i].sin_cos();
        let o = sn * w;
        s += o * o;
        dx[i] = 2.0 * o * w * cs;
        dw += 2.0 * o * sn;
    }
    (s, (dx, dw))
}
