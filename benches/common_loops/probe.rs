//! Held-out workloads from an outside probe of the twenty-first pass (kinds the suite did not
//! have, each written the natural way first): a 2-D diffusion stencil on a `Vec<Vec<f64>>` grid
//! written by element (`next[i][j] = ..`, refused before that pass), piecewise-linear
//! interpolation through a helper that takes the whole knot slices, and an RK4 integration
//! of the Lotka-Volterra system whose right-hand side takes the whole parameter slice.

use super::heldout::laplacian2d;
use autodiff::prelude::*;

/// Grid side of [`grid_diffusion`].
pub const GRID_N: usize = 24;
/// Time steps of [`grid_diffusion`].
pub const GRID_STEPS: usize = 20;
/// Diffusion coefficient of [`grid_diffusion`] (stable: `k < 1/4`).
pub const GRID_K: f64 = 0.15;

/// `u ← u + k L u` on an `n × m` grid (zero outside), 20 steps with a fresh grid per step;
/// loss `Σ w_ij u_ij²` with `w = 1 + 0.01 (i m + j)`.
#[differentiable]
pub fn grid_diffusion(u0: &[Vec<f64>], k: f64) -> f64 {
    let n = u0.len();
    let m = u0[0].len();
    let mut u = u0.to_vec();
    for _ in 0..20 {
        let mut next = vec![vec![0.0; m]; n];
        for i in 0..n {
            for j in 0..m {
                let up = if i > 0 { u[i - 1][j] } else { 0.0 };
                let down = if i + 1 < n { u[i + 1][j] } else { 0.0 };
                let left = if j > 0 { u[i][j - 1] } else { 0.0 };
                let right = if j + 1 < m { u[i][j + 1] } else { 0.0 };
                next[i][j] = u[i][j] + k * (up + down + left + right - 4.0 * u[i][j]);
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..m {
            let w = 1.0 + 0.01 * (i * m + j) as f64;
            s += w * u[i][j] * u[i][j];
        }
    }
    s
}

/// Hand-written: `u ← (I + kL) u` with `L` symmetric. The forward sweep keeps `L u_t` per step
/// (flat); the adjoint `λ ← λ + k L λ` runs back from `λ_T = 2 w u_T`, with
/// `∂/∂k = Σ_t λ_{t+1} · L u_t`. One Laplacian per step each way.
pub fn grid_diffusion_hand(u0: &[Vec<f64>], k: f64) -> (f64, (Vec<Vec<f64>>, f64)) {
    let n = u0.len();
    let m = u0[0].len();
    let nm = n * m;
    let mut u: Vec<f64> = u0.concat();
    let mut lus = vec![0.0; nm * GRID_STEPS];
    for t in 0..GRID_STEPS {
        let lu = &mut lus[t * nm..(t + 1) * nm];
        laplacian2d(&u, n, m, lu);
        for c in 0..nm {
            u[c] += k * lu[c];
        }
    }
    let mut s = 0.0;
    for c in 0..nm {
        let w = 1.0 + 0.01 * c as f64;
        s += w * u[c] * u[c];
        u[c] *= 2.0 * w; // λ_T, in place
    }
    let mut dk = 0.0;
    let mut ll = vec![0.0; nm];
    for t in (0..GRID_STEPS).rev() {
        let lu = &lus[t * nm..(t + 1) * nm];
        for c in 0..nm {
            dk += u[c] * lu[c];
        }
        laplacian2d(&u, n, m, &mut ll);
        for c in 0..nm {
            u[c] += k * ll[c];
        }
    }
    (s, (u.chunks(m).map(<[f64]>::to_vec).collect(), dk))
}

/// A smooth initial grid.
pub fn grid_input(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    ((i as f64) * 0.3).sin() * ((j as f64) * 0.21).cos() + 0.0005 * (i * j) as f64
                })
                .collect()
        })
        .collect()
}

/// Knots of [`interp_fit`].
pub const IP_KNOTS: usize = 64;
/// Queries of [`interp_fit`].
pub const IP_Q: usize = 500;

/// Piecewise-linear interpolation of the knots `(xs, ys)` at `q` (binary search), constant
/// outside the knots.
#[differentiable]
pub fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if q <= xs[0] {
        return ys[0];
    }
    if q >= xs[n - 1] {
        return ys[n - 1];
    }
    let mut lo = 0;
    let mut hi = n - 1;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if xs[mid] <= q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = (q - xs[lo]) / (xs[lo + 1] - xs[lo]);
    ys[lo] * (1.0 - t) + ys[lo + 1] * t
}

/// Squared misfit of the interpolant at the queries `qs` to `target`; gradient w.r.t. the knot
/// values `ys` and the queries.
#[differentiable]
pub fn interp_fit(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] target: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..qs.len() {
        let e = interp(xs, ys, qs[i]) - target[i];
        l += e * e;
    }
    l
}

/// Hand-written: the segment found once per query, `∂e/∂ys_lo = 1 - t`, `∂e/∂ys_{lo+1} = t`,
/// `∂e/∂q = (ys_{lo+1} - ys_lo) / (xs_{lo+1} - xs_lo)`.
pub fn interp_fit_hand(
    ys: &[f64],
    qs: &[f64],
    xs: &[f64],
    target: &[f64],
) -> (f64, (Vec<f64>, Vec<f64>)) {
    let n = xs.len();
    let mut gy = vec![0.0; ys.len()];
    let mut gq = vec![0.0; qs.len()];
    let mut l = 0.0;
    for i in 0..qs.len() {
        let q = qs[i];
        if q <= xs[0] || q >= xs[n - 1] {
            let end = if q <= xs[0] { 0 } else { n - 1 };
            let e = ys[end] - target[i];
            l += e * e;
            gy[end] += 2.0 * e;
            continue;
        }
        let (mut lo, mut hi) = (0, n - 1);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if xs[mid] <= q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let inv_h = 1.0 / (xs[lo + 1] - xs[lo]);
        let t = (q - xs[lo]) * inv_h;
        let e = ys[lo] * (1.0 - t) + ys[lo + 1] * t - target[i];
        l += e * e;
        let e2 = 2.0 * e;
        gy[lo] += e2 * (1.0 - t);
        gy[lo + 1] += e2 * t;
        gq[i] = e2 * (ys[lo + 1] - ys[lo]) * inv_h;
    }
    (l, (gy, gq))
}

/// `(ys, qs, xs, target)`: queries inside segments (away from knots) and a few outside.
pub fn interp_input() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..IP_KNOTS)
        .map(|i| i as f64 + 0.3 * ((i as f64) * 1.3).sin())
        .collect();
    let ys = (0..IP_KNOTS).map(|i| ((i as f64) * 0.25).sin()).collect();
    let qs = (0..IP_Q)
        .map(|i| {
            let k = (i * 61) % (IP_KNOTS + 1);
            if k == IP_KNOTS {
                if i % 2 == 0 {
                    -1.5
                } else {
                    IP_KNOTS as f64 + 2.0
                }
            } else if k == IP_KNOTS - 1 {
                xs[k - 1] + 0.37 * (xs[k] - xs[k - 1])
            } else {
                xs[k] + (0.2 + 0.6 * ((i % 7) as f64 / 7.0)) * (xs[k + 1] - xs[k])
            }
        })
        .collect();
    let target = (0..IP_Q).map(|i| ((i as f64) * 0.1).cos() * 0.8).collect();
    (ys, qs, xs, target)
}

/// RK4 steps of [`lotka_volterra`].
pub const LV_STEPS: usize = 500;

/// The Lotka-Volterra right-hand side with `p = (α, β, γ, δ, ..)`.
#[differentiable]
pub fn lv_rhs(x: f64, y: f64, p: &[f64]) -> (f64, f64) {
    (p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
}

/// Least squares of an RK4 trajectory (step 0.01) from `(p[4], p[5])` against `obs`
/// (interleaved `(x, y)` per step); gradient w.r.t. all six parameters.
#[differentiable]
pub fn lotka_volterra(p: &[f64], #[no_grad] obs: &[f64]) -> f64 {
    let h = 0.01;
    let mut x = p[4];
    let mut y = p[5];
    let mut loss = 0.0;
    for t in 0..obs.len() / 2 {
        let (k1x, k1y) = lv_rhs(x, y, p);
        let (k2x, k2y) = lv_rhs(x + 0.5 * h * k1x, y + 0.5 * h * k1y, p);
        let (k3x, k3y) = lv_rhs(x + 0.5 * h * k2x, y + 0.5 * h * k2y, p);
        let (k4x, k4y) = lv_rhs(x + h * k3x, y + h * k3y, p);
        x += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
        y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
        let ex = x - obs[2 * t];
        let ey = y - obs[2 * t + 1];
        loss += ex * ex + ey * ey;
    }
    loss
}

#[inline(always)]
fn lv_f(x: f64, y: f64, p: &[f64]) -> (f64, f64) {
    (p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
}

/// Pullback of `lv_f` at `(x, y)` for the cotangent `(u, v)`: returns `(x̄, ȳ)` and adds into
/// `p̄`.
#[inline(always)]
fn lv_f_back(x: f64, y: f64, p: &[f64], u: f64, v: f64, pb: &mut [f64]) -> (f64, f64) {
    pb[0] += u * x;
    pb[1] -= u * x * y;
    pb[2] -= v * y;
    pb[3] += v * x * y;
    (
        u * (p[0] - p[1] * y) + v * p[3] * y,
        -u * p[1] * x + v * (p[3] * x - p[2]),
    )
}

/// Hand-written: the discrete adjoint of RK4 (states stored, stages recomputed going back).
pub fn lotka_volterra_hand(p: &[f64], obs: &[f64]) -> (f64, Vec<f64>) {
    let h = 0.01;
    let steps = obs.len() / 2;
    let mut st = Vec::with_capacity(2 * (steps + 1));
    let (mut x, mut y) = (p[4], p[5]);
    st.push(x);
    st.push(y);
    let mut loss = 0.0;
    for t in 0..steps {
        let (k1x, k1y) = lv_f(x, y, p);
        let (k2x, k2y) = lv_f(x + 0.5 * h * k1x, y + 0.5 * h * k1y, p);
        let (k3x, k3y) = lv_f(x + 0.5 * h * k2x, y + 0.5 * h * k2y, p);
        let (k4x, k4y) = lv_f(x + h * k3x, y + h * k3y, p);
        x += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
        y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
        st.push(x);
        st.push(y);
        let ex = x - obs[2 * t];
        let ey = y - obs[2 * t + 1];
        loss += ex * ex + ey * ey;
    }
    let mut pb = vec![0.0; 6];
    let (mut xb, mut yb) = (0.0, 0.0);
    for t in (0..steps).rev() {
        xb += 2.0 * (st[2 * t + 2] - obs[2 * t]);
        yb += 2.0 * (st[2 * t + 3] - obs[2 * t + 1]);
        let (x, y) = (st[2 * t], st[2 * t + 1]);
        let (k1x, k1y) = lv_f(x, y, p);
        let (s2x, s2y) = (x + 0.5 * h * k1x, y + 0.5 * h * k1y);
        let (k2x, k2y) = lv_f(s2x, s2y, p);
        let (s3x, s3y) = (x + 0.5 * h * k2x, y + 0.5 * h * k2y);
        let (k3x, k3y) = lv_f(s3x, s3y, p);
        let (s4x, s4y) = (x + h * k3x, y + h * k3y);
        let (mut k1xb, mut k1yb) = (h / 6.0 * xb, h / 6.0 * yb);
        let (mut k2xb, mut k2yb) = (h / 3.0 * xb, h / 3.0 * yb);
        let (mut k3xb, mut k3yb) = (h / 3.0 * xb, h / 3.0 * yb);
        let (k4xb, k4yb) = (h / 6.0 * xb, h / 6.0 * yb);
        let (a, b) = lv_f_back(s4x, s4y, p, k4xb, k4yb, &mut pb);
        xb += a;
        yb += b;
        k3xb += h * a;
        k3yb += h * b;
        let (a, b) = lv_f_back(s3x, s3y, p, k3xb, k3yb, &mut pb);
        xb += a;
        yb += b;
        k2xb += 0.5 * h * a;
        k2yb += 0.5 * h * b;
        let (a, b) = lv_f_back(s2x, s2y, p, k2xb, k2yb, &mut pb);
        xb += a;
        yb += b;
        k1xb += 0.5 * h * a;
        k1yb += 0.5 * h * b;
        let (a, b) = lv_f_back(x, y, p, k1xb, k1yb, &mut pb);
        xb += a;
        yb += b;
    }
    pb[4] = xb;
    pb[5] = yb;
    (loss, pb)
}

/// `(p, obs)`: parameters `(α, β, γ, δ, x0, y0)` and observations near the trajectory.
pub fn lv_input(steps: usize) -> (Vec<f64>, Vec<f64>) {
    let p = vec![1.1, 0.4, 0.4, 0.1, 10.0, 5.0];
    let obs = (0..2 * steps)
        .map(|i| 6.0 + 3.0 * (i as f64 * 0.013).sin() + if i % 2 == 0 { 2.0 } else { 0.0 })
        .collect();
    (p, obs)
}
