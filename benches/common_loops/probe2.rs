//! Held-out workloads from a second outside probe: kinds of loops users commonly write, each in
//! the plain index-loop spelling first: a 1-D convolution, Gauss-Seidel sweeps in place, a
//! symplectic-Euler spring chain on local `Vec`s, softmax cross-entropy of a linear model,
//! a chain energy with `sqrt`, a prefix scan built with `push`, a two-layer MLP with weights as
//! rows, and a Huber fit through a scalar `#[differentiable]` helper called per element.

use autodiff::prelude::*;

// ---------------------------------------------------------------------------------------------
// (a) 1-D convolution / FIR
// ---------------------------------------------------------------------------------------------

/// Signal length of [`conv1d`].
pub const CONV_N: usize = 1024;
/// Filter taps of [`conv1d`].
pub const CONV_K: usize = 16;

/// `Σ_i y_i²` with `y_i = Σ_k w_k x_{i+k}` ("valid" correlation).
#[differentiable]
pub fn conv1d(w: &[f64], x: &[f64]) -> f64 {
    let n = x.len() - w.len() + 1;
    let mut s = 0.0;
    for i in 0..n {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[i + k];
        }
        s += y * y;
    }
    s
}

/// Hand-written: `∂/∂w_k = Σ_i 2 y_i x_{i+k}`, `∂/∂x_{i+k} += 2 y_i w_k`, accumulated right after
/// each `y_i` (nothing stored).
pub fn conv1d_hand(w: &[f64], x: &[f64]) -> (f64, (Vec<f64>, Vec<f64>)) {
    let nw = w.len();
    let n = x.len() - nw + 1;
    let mut gw = vec![0.0; nw];
    let mut gx = vec![0.0; x.len()];
    let mut s = 0.0;
    for i in 0..n {
        let xi = &x[i..i + nw];
        let mut y = 0.0;
        for k in 0..nw {
            y += w[k] * xi[k];
        }
        s += y * y;
        let g = 2.0 * y;
        let gxi = &mut gx[i..i + nw];
        for k in 0..nw {
            gw[k] += g * xi[k];
            gxi[k] += g * w[k];
        }
    }
    (s, (gw, gx))
}

/// `(w, x)`: a smoothing-like filter and a two-tone signal.
pub fn conv1d_input() -> (Vec<f64>, Vec<f64>) {
    let w = (0..CONV_K)
        .map(|k| 0.1 + 0.05 * ((k as f64) * 0.7).sin())
        .collect();
    let x = (0..CONV_N)
        .map(|i| ((i as f64) * 0.05).sin() + 0.3 * ((i as f64) * 0.31).cos())
        .collect();
    (w, x)
}

// ---------------------------------------------------------------------------------------------
// (b) Gauss-Seidel sweeps in place
// ---------------------------------------------------------------------------------------------

/// Unknowns of [`gauss_seidel`].
pub const GS_N: usize = 128;
/// Sweeps of [`gauss_seidel`] (written as the literal `30` in the primal).
pub const GS_SWEEPS: usize = 30;
/// Grid spacing factor `h` of the benchmark.
pub const GS_H: f64 = 0.01;

/// 30 in-place Gauss-Seidel sweeps for `-u'' = f` (`u_0 = u_{n-1} = 0`, `u` from zero),
/// `u_i ← ½ (u_{i-1} + u_{i+1}) + h f_i`; loss `Σ (u_i - t_i)²`.
#[differentiable]
pub fn gauss_seidel(f: &[f64], h: f64, #[no_grad] target: &[f64]) -> f64 {
    let n = f.len();
    let mut u = vec![0.0; n];
    for _ in 0..30 {
        for i in 1..n - 1 {
            u[i] = 0.5 * (u[i - 1] + u[i + 1]) + h * f[i];
        }
    }
    let mut l = 0.0;
    for i in 0..n {
        let e = u[i] - target[i];
        l += e * e;
    }
    l
}

/// Hand-written: each update is affine in `u` with constant coefficients, so the reverse sweeps
/// need no stored state: visiting the updates backwards, `g = ū_i`, `ū_i ← 0`,
/// `ū_{i±1} += ½ g`, `G_i += g`; at the end `∂/∂f_i = h G_i`, `∂/∂h = Σ_i G_i f_i`.
pub fn gauss_seidel_hand(f: &[f64], h: f64, target: &[f64]) -> (f64, (Vec<f64>, f64)) {
    let n = f.len();
    let mut u = vec![0.0; n];
    for _ in 0..GS_SWEEPS {
        for i in 1..n - 1 {
            u[i] = 0.5 * (u[i - 1] + u[i + 1]) + h * f[i];
        }
    }
    let mut l = 0.0;
    for i in 0..n {
        let e = u[i] - target[i];
        l += e * e;
        u[i] = 2.0 * e; // ū, in place
    }
    let mut gsum = vec![0.0; n];
    for _ in 0..GS_SWEEPS {
        for i in (1..n - 1).rev() {
            let g = u[i];
            u[i] = 0.0;
            u[i - 1] += 0.5 * g;
            u[i + 1] += 0.5 * g;
            gsum[i] += g;
        }
    }
    let mut gh = 0.0;
    for i in 0..n {
        gh += gsum[i] * f[i];
        gsum[i] *= h;
    }
    (l, (gsum, gh))
}

/// `(f, target)`.
pub fn gauss_seidel_input() -> (Vec<f64>, Vec<f64>) {
    let f = (0..GS_N).map(|i| 1.0 + ((i as f64) * 0.11).sin()).collect();
    let t = (0..GS_N).map(|i| 0.2 * ((i as f64) * 0.04).sin()).collect();
    (f, t)
}

// ---------------------------------------------------------------------------------------------
// (c) Symplectic Euler spring chain on local Vecs updated in place
// ---------------------------------------------------------------------------------------------

/// Particles of [`spring_chain`].
pub const CHAIN_N: usize = 64;
/// Time steps of [`spring_chain`] (the literal `50` in the primal).
pub const CHAIN_STEPS: usize = 50;
/// Time step of [`spring_chain`].
pub const CHAIN_DT: f64 = 0.05;
/// Rest length of [`spring_chain`]'s springs.
pub const CHAIN_REST: f64 = 1.0;
/// Spring constant of the benchmark.
pub const CHAIN_K: f64 = 2.0;

/// A free 1-D chain of unit masses joined by springs (constant `k`, rest length 1), 50
/// symplectic Euler steps from rest (`v += dt F(x)`, then `x += dt v`); loss `Σ (x_i - t_i)²`.
#[differentiable]
pub fn spring_chain(x0: &[f64], k: f64, #[no_grad] target: &[f64]) -> f64 {
    let n = x0.len();
    let dt = 0.05;
    let rest = 1.0;
    let mut x = x0.to_vec();
    let mut v = vec![0.0; n];
    for _ in 0..50 {
        for i in 0..n {
            let mut f = 0.0;
            if i > 0 {
                f -= k * (x[i] - x[i - 1] - rest);
            }
            if i + 1 < n {
                f += k * (x[i + 1] - x[i] - rest);
            }
            v[i] += dt * f;
        }
        for i in 0..n {
            x[i] += dt * v[i];
        }
    }
    let mut l = 0.0;
    for i in 0..n {
        let e = x[i] - target[i];
        l += e * e;
    }
    l
}

/// Hand-written: positions kept per step; going back `v̄ += dt x̄`, then with `F = k s(x)`,
/// `s_i = Σ_{j~i} (x_j - x_i) ± L`: `∂/∂k += dt Σ v̄_i s_i(x_t)`, `x̄_i += dt k Σ_{j~i} (v̄_j - v̄_i)`.
pub fn spring_chain_hand(x0: &[f64], k: f64, target: &[f64]) -> (f64, (Vec<f64>, f64)) {
    let n = x0.len();
    let (dt, rest) = (CHAIN_DT, CHAIN_REST);
    let mut xs = Vec::with_capacity(n * CHAIN_STEPS);
    let mut x = x0.to_vec();
    let mut v = vec![0.0; n];
    for _ in 0..CHAIN_STEPS {
        xs.extend_from_slice(&x);
        for i in 0..n {
            let mut f = 0.0;
            if i > 0 {
                f -= k * (x[i] - x[i - 1] - rest);
            }
            if i + 1 < n {
                f += k * (x[i + 1] - x[i] - rest);
            }
            v[i] += dt * f;
        }
        for i in 0..n {
            x[i] += dt * v[i];
        }
    }
    let mut l = 0.0;
    for i in 0..n {
        let e = x[i] - target[i];
        l += e * e;
        x[i] = 2.0 * e; // x̄, in place
    }
    let xb = &mut x;
    let vb = &mut v;
    vb.fill(0.0);
    let mut gk = 0.0;
    for t in (0..CHAIN_STEPS).rev() {
        for i in 0..n {
            vb[i] += dt * xb[i];
        }
        let xt = &xs[t * n..(t + 1) * n];
        for i in 0..n {
            let (mut s, mut a) = (0.0, 0.0);
            if i > 0 {
                s -= xt[i] - xt[i - 1] - rest;
                a += vb[i - 1] - vb[i];
            }
            if i + 1 < n {
                s += xt[i + 1] - xt[i] - rest;
                a += vb[i + 1] - vb[i];
            }
            gk += vb[i] * s;
            xb[i] += dt * k * a;
        }
    }
    (l, (x, dt * gk))
}

/// `(x0, target)`: a chain stretched unevenly around its rest lengths, and a target.
pub fn spring_chain_input() -> (Vec<f64>, Vec<f64>) {
    let x0 = (0..CHAIN_N)
        .map(|i| i as f64 * 1.05 + 0.1 * ((i as f64) * 0.7).sin())
        .collect();
    let t = (0..CHAIN_N)
        .map(|i| i as f64 + 0.05 * ((i as f64) * 0.3).cos())
        .collect();
    (x0, t)
}

// ---------------------------------------------------------------------------------------------
// (d) Softmax cross-entropy of a linear model
// ---------------------------------------------------------------------------------------------

/// Samples, features and classes of [`softmax_xent`].
pub const SM_N: usize = 200;
pub const SM_D: usize = 8;
pub const SM_C: usize = 5;

/// Mean cross-entropy of `softmax(W x_i)` against `labels`, `W` flat (`w[c * d + j]`), one
/// score buffer reused across samples, log-sum-exp with the max subtracted.
#[differentiable]
pub fn softmax_xent(
    w: &[f64],
    #[no_grad] x: &[f64],
    #[no_grad] labels: &[usize],
    #[no_grad] nc: usize,
) -> f64 {
    let n = labels.len();
    let d = x.len() / n;
    let mut z = vec![0.0; nc];
    let mut loss = 0.0;
    for i in 0..n {
        for c in 0..nc {
            let mut s = 0.0;
            for j in 0..d {
                s += w[c * d + j] * x[i * d + j];
            }
            z[c] = s;
        }
        let mut m = z[0];
        for c in 1..nc {
            m = m.max(z[c]);
        }
        let mut se = 0.0;
        for c in 0..nc {
            se += (z[c] - m).exp();
        }
        loss += m + se.ln() - z[labels[i]];
    }
    loss / n as f64
}

/// Hand-written: `∂ℓ_i/∂z_c = p_c - [c = y_i]` with `p = softmax(z)` (the max cancels), and
/// `∂/∂w_cj = Σ_i (p_ic - [c = y_i]) x_ij / n`.
pub fn softmax_xent_hand(w: &[f64], x: &[f64], labels: &[usize], nc: usize) -> (f64, Vec<f64>) {
    let n = labels.len();
    let d = x.len() / n;
    let inv_n = 1.0 / n as f64;
    let mut gw = vec![0.0; w.len()];
    let mut z = vec![0.0; nc];
    let mut loss = 0.0;
    for i in 0..n {
        let xi = &x[i * d..(i + 1) * d];
        for c in 0..nc {
            let wc = &w[c * d..(c + 1) * d];
            let mut s = 0.0;
            for j in 0..d {
                s += wc[j] * xi[j];
            }
            z[c] = s;
        }
        let mut m = z[0];
        for c in 1..nc {
            m = m.max(z[c]);
        }
        let mut se = 0.0;
        for c in 0..nc {
            z[c] = (z[c] - m).exp();
            se += z[c];
        }
        let y = labels[i];
        // z[y] now holds exp(z_y - m).
        loss += se.ln() - z[y].ln();
        let inv_se = inv_n / se;
        for c in 0..nc {
            let dz = z[c] * inv_se - if c == y { inv_n } else { 0.0 };
            let gc = &mut gw[c * d..(c + 1) * d];
            for j in 0..d {
                gc[j] += dz * xi[j];
            }
        }
    }
    (loss * inv_n, gw)
}

/// `(w, x, labels)`.
pub fn softmax_xent_input() -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let w = (0..SM_C * SM_D)
        .map(|i| 0.3 * ((i as f64) * 0.37).sin())
        .collect();
    let x = (0..SM_N * SM_D)
        .map(|i| ((i as f64) * 0.173).cos() + 0.2 * ((i as f64) * 0.029).sin())
        .collect();
    let labels = (0..SM_N).map(|i| (i * 7 + i / 3) % SM_C).collect();
    (w, x, labels)
}

// ---------------------------------------------------------------------------------------------
// (e) Chain energy with sqrt
// ---------------------------------------------------------------------------------------------

/// Points of [`chain_energy`].
pub const CE_N: usize = 1000;
/// Rest length of the benchmark.
pub const CE_L: f64 = 0.5;

/// `Σ_i (|p_{i+1} - p_i| - l)²` over a 2-D polyline `p_i = (x_i, y_i)`.
#[differentiable]
pub fn chain_energy(x: &[f64], y: &[f64], l: f64) -> f64 {
    let mut e = 0.0;
    for i in 0..x.len() - 1 {
        let dx = x[i + 1] - x[i];
        let dy = y[i + 1] - y[i];
        let r = (dx * dx + dy * dy).sqrt();
        let s = r - l;
        e += s * s;
    }
    e
}

/// Hand-written: with `g = 2 (r_i - l)`, `∂/∂l = -Σ g`, and `±g (dx, dy) / r` into the two ends.
pub fn chain_energy_hand(x: &[f64], y: &[f64], l: f64) -> (f64, (Vec<f64>, Vec<f64>, f64)) {
    let n = x.len();
    let mut gx = vec![0.0; n];
    let mut gy = vec![0.0; n];
    let mut gl = 0.0;
    let mut e = 0.0;
    for i in 0..n - 1 {
        let dx = x[i + 1] - x[i];
        let dy = y[i + 1] - y[i];
        let r = (dx * dx + dy * dy).sqrt();
        let s = r - l;
        e += s * s;
        let g = 2.0 * s;
        gl -= g;
        let q = g / r;
        let (ux, uy) = (q * dx, q * dy);
        gx[i + 1] += ux;
        gx[i] -= ux;
        gy[i + 1] += uy;
        gy[i] -= uy;
    }
    (e, (gx, gy, gl))
}

/// `(x, y)`: a wiggly polyline.
pub fn chain_energy_input() -> (Vec<f64>, Vec<f64>) {
    let x = (0..CE_N)
        .map(|i| 0.4 * i as f64 + 0.1 * ((i as f64) * 0.9).sin())
        .collect();
    let y = (0..CE_N).map(|i| 0.3 * ((i as f64) * 0.21).sin()).collect();
    (x, y)
}

// ---------------------------------------------------------------------------------------------
// (f) Prefix scan into a local Vec built with push
// ---------------------------------------------------------------------------------------------

/// Length of [`scan_push`].
pub const SCAN_N: usize = 2000;

/// The linear recurrence `s_i = s_{i-1} a_i + b_i` (`s_{-1} = 1`) pushed into a local `Vec`,
/// then `Σ (s_i - t_i)²`.
#[differentiable]
pub fn scan_push(a: &[f64], b: &[f64], #[no_grad] t: &[f64]) -> f64 {
    let n = a.len();
    let mut acc = Vec::new();
    let mut prev = 1.0;
    for i in 0..n {
        acc.push(prev * a[i] + b[i]);
        prev = acc[i];
    }
    let mut l = 0.0;
    for i in 0..n {
        let e = acc[i] - t[i];
        l += e * e;
    }
    l
}

/// Hand-written: `λ_i = 2 (s_i - t_i) + λ_{i+1} a_{i+1}` from the back; `∂/∂b_i = λ_i`,
/// `∂/∂a_i = λ_i s_{i-1}`. The states are kept (the primal keeps them too).
pub fn scan_push_hand(a: &[f64], b: &[f64], t: &[f64]) -> (f64, (Vec<f64>, Vec<f64>)) {
    let n = a.len();
    let mut s = Vec::with_capacity(n);
    let mut prev = 1.0;
    let mut l = 0.0;
    for i in 0..n {
        prev = prev * a[i] + b[i];
        s.push(prev);
        let e = prev - t[i];
        l += e * e;
    }
    let mut ga = vec![0.0; n];
    let mut gb = vec![0.0; n];
    let mut lam = 0.0;
    for i in (0..n).rev() {
        lam += 2.0 * (s[i] - t[i]);
        gb[i] = lam;
        ga[i] = lam * if i > 0 { s[i - 1] } else { 1.0 };
        lam *= a[i];
    }
    (l, (ga, gb))
}

/// `(a, b, t)`: gains near 0.95 so the state stays of order one.
pub fn scan_push_input() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let a = (0..SCAN_N)
        .map(|i| 0.95 + 0.04 * ((i as f64) * 0.13).sin())
        .collect();
    let b = (0..SCAN_N)
        .map(|i| 0.05 * ((i as f64) * 0.07).cos())
        .collect();
    let t = (0..SCAN_N)
        .map(|i| 0.5 + 0.3 * ((i as f64) * 0.01).sin())
        .collect();
    (a, b, t)
}

// ---------------------------------------------------------------------------------------------
// (g) Two-layer MLP over a batch, weights as rows
// ---------------------------------------------------------------------------------------------

/// Batch, inputs and hidden units of [`mlp2`].
pub const MLP_BATCH: usize = 32;
pub const MLP_IN: usize = 8;
pub const MLP_HIDDEN: usize = 16;

/// Mean squared error of `b2 + Σ_k w2_k tanh(b1_k + Σ_j w1_kj x_j)` over a batch; the hidden
/// layer in a fresh `Vec` per sample.
#[differentiable]
pub fn mlp2(
    w1: &[Vec<f64>],
    b1: &[f64],
    w2: &[f64],
    b2: f64,
    #[no_grad] xs: &[Vec<f64>],
    #[no_grad] ys: &[f64],
) -> f64 {
    let nh = w1.len();
    let mut loss = 0.0;
    for s in 0..xs.len() {
        let mut h = vec![0.0; nh];
        for k in 0..nh {
            let mut z = b1[k];
            for j in 0..xs[s].len() {
                z += w1[k][j] * xs[s][j];
            }
            h[k] = z.tanh();
        }
        let mut out = b2;
        for k in 0..nh {
            out += w2[k] * h[k];
        }
        let e = out - ys[s];
        loss += e * e;
    }
    loss / xs.len() as f64
}

/// The gradient of [`mlp2`]: `(w1, b1, w2, b2)`.
pub type Mlp2Grad = (Vec<Vec<f64>>, Vec<f64>, Vec<f64>, f64);

/// Hand-written: `ō = 2 e / B`; `∂/∂b2 += ō`, `∂/∂w2_k += ō h_k`,
/// `z̄_k = ō w2_k (1 - h_k²)`, `∂/∂b1_k += z̄_k`, `∂/∂w1_kj += z̄_k x_j` (one hidden scratch row).
pub fn mlp2_hand(
    w1: &[Vec<f64>],
    b1: &[f64],
    w2: &[f64],
    b2: f64,
    xs: &[Vec<f64>],
    ys: &[f64],
) -> (f64, Mlp2Grad) {
    let nh = w1.len();
    let scale = 2.0 / xs.len() as f64;
    let mut gw1: Vec<Vec<f64>> = w1.iter().map(|r| vec![0.0; r.len()]).collect();
    let mut gb1 = vec![0.0; nh];
    let mut gw2 = vec![0.0; nh];
    let mut gb2 = 0.0;
    let mut h = vec![0.0; nh];
    let mut loss = 0.0;
    for (x, &y) in xs.iter().zip(ys) {
        for k in 0..nh {
            let row = &w1[k][..x.len()];
            let mut z = b1[k];
            for j in 0..x.len() {
                z += row[j] * x[j];
            }
            h[k] = z.tanh();
        }
        let mut out = b2;
        for k in 0..nh {
            out += w2[k] * h[k];
        }
        let e = out - y;
        loss += e * e;
        let ob = scale * e;
        gb2 += ob;
        for k in 0..nh {
            gw2[k] += ob * h[k];
            let zb = ob * w2[k] * (1.0 - h[k] * h[k]);
            gb1[k] += zb;
            let g = &mut gw1[k][..x.len()];
            for j in 0..x.len() {
                g[j] += zb * x[j];
            }
        }
    }
    (loss / xs.len() as f64, (gw1, gb1, gw2, gb2))
}

/// `(w1, b1, w2, b2, xs, ys)`.
#[allow(clippy::type_complexity)]
pub fn mlp2_input() -> (
    Vec<Vec<f64>>,
    Vec<f64>,
    Vec<f64>,
    f64,
    Vec<Vec<f64>>,
    Vec<f64>,
) {
    let w1 = (0..MLP_HIDDEN)
        .map(|k| {
            (0..MLP_IN)
                .map(|j| 0.4 * (((k * MLP_IN + j) as f64) * 0.61).sin())
                .collect()
        })
        .collect();
    let b1 = (0..MLP_HIDDEN)
        .map(|k| 0.1 * ((k as f64) * 1.3).cos())
        .collect();
    let w2 = (0..MLP_HIDDEN)
        .map(|k| 0.3 * ((k as f64) * 0.9).sin())
        .collect();
    let xs = (0..MLP_BATCH)
        .map(|s| {
            (0..MLP_IN)
                .map(|j| (((s * MLP_IN + j) as f64) * 0.237).cos())
                .collect()
        })
        .collect();
    let ys = (0..MLP_BATCH).map(|s| ((s as f64) * 0.4).sin()).collect();
    (w1, b1, w2, 0.05, xs, ys)
}

// ---------------------------------------------------------------------------------------------
// (h) A scalar #[differentiable] helper called per element
// ---------------------------------------------------------------------------------------------

/// Points of [`huber_fit`].
pub const HUBER_N: usize = 2000;
/// Threshold of the benchmark.
pub const HUBER_DELTA: f64 = 0.3;

/// The Huber loss of a residual.
#[differentiable]
pub fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

/// Mean Huber loss of a quadratic model `θ0 + θ1 x + θ2 x²` against `y`; gradient w.r.t. `θ`
/// and the threshold.
#[differentiable]
pub fn huber_fit(theta: &[f64], delta: f64, #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let pred = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i];
        l += huber(pred - y[i], delta);
    }
    l / x.len() as f64
}

/// Hand-written: inside `|r| ≤ δ`, `∂h/∂r = r`, `∂h/∂δ = 0`; outside `∂h/∂r = δ sign r`,
/// `∂h/∂δ = |r| - δ`; `∂r/∂θ = (1, x, x²)`.
pub fn huber_fit_hand(theta: &[f64], delta: f64, x: &[f64], y: &[f64]) -> (f64, (Vec<f64>, f64)) {
    let inv_n = 1.0 / x.len() as f64;
    let (mut g0, mut g1, mut g2, mut gd) = (0.0, 0.0, 0.0, 0.0);
    let mut l = 0.0;
    for (&xi, &yi) in x.iter().zip(y) {
        let r = theta[0] + theta[1] * xi + theta[2] * xi * xi - yi;
        let a = r.abs();
        let dr = if a <= delta {
            l += 0.5 * r * r;
            r
        } else {
            l += delta * (a - 0.5 * delta);
            gd += a - delta;
            delta * r.signum()
        };
        g0 += dr;
        g1 += dr * xi;
        g2 += dr * xi * xi;
    }
    (
        l * inv_n,
        (vec![g0 * inv_n, g1 * inv_n, g2 * inv_n], gd * inv_n),
    )
}

/// `(theta, x, y)`: about a third of the residuals beyond the threshold.
pub fn huber_fit_input() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..HUBER_N)
        .map(|i| -1.0 + 2.0 * (i as f64) / HUBER_N as f64)
        .collect();
    let y = x
        .iter()
        .enumerate()
        .map(|(i, &xi)| 0.5 + xi - 0.7 * xi * xi + 0.4 * ((i as f64) * 1.7).sin())
        .collect();
    (vec![0.3, 0.8, -0.2], x, y)
}

/// Control for [`huber_fit`]: the same loss with the helper's body written inline (same
/// gradient, so [`huber_fit_hand`] serves both).
#[differentiable]
pub fn huber_fit_inline(
    theta: &[f64],
    delta: f64,
    #[no_grad] x: &[f64],
    #[no_grad] y: &[f64],
) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i] - y[i];
        if r.abs() <= delta {
            l += 0.5 * r * r;
        } else {
            l += delta * (r.abs() - 0.5 * delta);
        }
    }
    l / x.len() as f64
}

/// Control for [`huber_fit`]: the helper's body inline as a value chosen by a branch
/// (`let h = if .. { .. } else { .. }; l += h`), the form a `let` of the loss takes.
#[differentiable]
pub fn huber_fit_value(
    theta: &[f64],
    delta: f64,
    #[no_grad] x: &[f64],
    #[no_grad] y: &[f64],
) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = theta[0] + theta[1] * x[i] + theta[2] * x[i] * x[i] - y[i];
        let h = if r.abs() <= delta {
            0.5 * r * r
        } else {
            delta * (r.abs() - 0.5 * delta)
        };
        l += h;
    }
    l / x.len() as f64
}

/// Points of [`series_fit`].
pub const SERIES_N: usize = 1000;

/// `e^x - 1` by its first 15 Taylor terms, `Σ_{k=1..15} x^k / k!` (a loop inside a helper
/// taking a number).
#[differentiable]
pub fn expm1_series(x: f64) -> f64 {
    let mut t = 1.0;
    let mut s = 0.0;
    for k in 1..16 {
        t = t * x / k as f64;
        s += t;
    }
    s
}

/// Least squares of `c · expm1_series(a x_i)` against `y_i`; gradient w.r.t. `(a, c)`.
#[differentiable]
pub fn series_fit(p: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = p[1] * expm1_series(p[0] * x[i]) - y[i];
        l += e * e;
    }
    l
}

/// Hand-written: with `f(z) = Σ_{k=1..15} z^k / k!`, `f'(z) = 1 + Σ_{k=1..14} z^k / k!`
/// `= 1 + f(z) - z^15 / 15!`; `∂l/∂a = Σ 2 e c f'(a x) x`, `∂l/∂c = Σ 2 e f(a x)`.
pub fn series_fit_hand(p: &[f64], x: &[f64], y: &[f64]) -> (f64, Vec<f64>) {
    let (a, c) = (p[0], p[1]);
    let (mut l, mut ga, mut gc) = (0.0, 0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        let z = a * xi;
        let (mut t, mut f) = (1.0, 0.0);
        for k in 1..16 {
            t = t * z / k as f64;
            f += t;
        }
        let df = 1.0 + f - t;
        let e = c * f - yi;
        l += e * e;
        ga += 2.0 * e * c * df * xi;
        gc += 2.0 * e * f;
    }
    (l, vec![ga, gc])
}

/// Points in `[-1, 1]` and a noisy `0.8 (e^{1.3 x} - 1)`.
pub fn series_fit_input() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..SERIES_N)
        .map(|i| -1.0 + 2.0 * i as f64 / SERIES_N as f64)
        .collect();
    let y = x
        .iter()
        .enumerate()
        .map(|(i, &xi)| 0.8 * ((1.3 * xi).exp() - 1.0) + 0.05 * ((i as f64) * 0.9).sin())
        .collect();
    (vec![1.1, 0.7], x, y)
}
