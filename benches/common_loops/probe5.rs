//! Held-out workloads from a fifth outside probe, the kinds that measured above 2× there:
//! single-head attention with its projections, a sparse matrix factorisation (data-dependent
//! row indices), forward substitution with a triangular inner loop, and a tanh RNN whose state
//! `Vec` is replaced every step. Each is written the way a user writes it first (index loops,
//! local `Vec`s), and each hand-written gradient is the fused one a careful person writes.

use autodiff::prelude::*;

// ---------------------------------------------------------------------------------------------
// (a) single-head attention
// ---------------------------------------------------------------------------------------------

/// Tokens of [`attention`].
pub const ATT_T: usize = 16;
/// Model width of [`attention`].
pub const ATT_D: usize = 8;

/// `Σ_ia o_ia²` with `o = softmax(q kᵀ / √d) v`, `q = x W_q`, `k = x W_k`, `v = x W_v`; `x` is
/// `t × d` and each `W` is `d × d`, all row-major. The softmax subtracts the row's max.
#[differentiable]
pub fn attention(wq: &[f64], wk: &[f64], wv: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let d = ATT_D;
    let t = x.len() / d;
    let mut q = vec![0.0; t * d];
    let mut k = vec![0.0; t * d];
    let mut v = vec![0.0; t * d];
    for s in 0..t {
        for a in 0..d {
            let mut sq = 0.0;
            let mut sk = 0.0;
            let mut sv = 0.0;
            for b in 0..d {
                sq += x[s * d + b] * wq[b * d + a];
                sk += x[s * d + b] * wk[b * d + a];
                sv += x[s * d + b] * wv[b * d + a];
            }
            q[s * d + a] = sq;
            k[s * d + a] = sk;
            v[s * d + a] = sv;
        }
    }
    let scale = 1.0 / (d as f64).sqrt();
    let mut p = vec![0.0; t];
    let mut loss = 0.0;
    for i in 0..t {
        let mut m = f64::NEG_INFINITY;
        for j in 0..t {
            let mut dot = 0.0;
            for a in 0..d {
                dot += q[i * d + a] * k[j * d + a];
            }
            p[j] = dot * scale;
            if p[j] > m {
                m = p[j];
            }
        }
        let mut z = 0.0;
        for j in 0..t {
            p[j] = (p[j] - m).exp();
            z += p[j];
        }
        for a in 0..d {
            let mut o = 0.0;
            for j in 0..t {
                o += p[j] * v[j * d + a];
            }
            let o = o / z;
            loss += o * o;
        }
    }
    loss
}

/// Gradients of [`attention`] as `(W̄_q, W̄_k, W̄_v)`.
pub type AttentionGrad = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Hand-written, fused per query row `i` (nothing kept across rows but `q`, `k`, `v` and their
/// adjoints): `ō_a = 2 o_a`, `v̄_j += p_j ō`, `p̄_j = ō·v_j`, the softmax's
/// `s̄_j = p_j (p̄_j - Σ_l p_l p̄_l)` (the max cancels), `q̄_i += c Σ_j s̄_j k_j`,
/// `k̄_j += c s̄_j q_i`; then `W̄ = xᵀ Ȳ` for each projection.
pub fn attention_hand(wq: &[f64], wk: &[f64], wv: &[f64], x: &[f64]) -> (f64, AttentionGrad) {
    let d = ATT_D;
    let t = x.len() / d;
    let (mut q, mut k, mut v) = (vec![0.0; t * d], vec![0.0; t * d], vec![0.0; t * d]);
    for s in 0..t {
        let xs = &x[s * d..(s + 1) * d];
        for b in 0..d {
            let xb = xs[b];
            for a in 0..d {
                q[s * d + a] += xb * wq[b * d + a];
                k[s * d + a] += xb * wk[b * d + a];
                v[s * d + a] += xb * wv[b * d + a];
            }
        }
    }
    let c = 1.0 / (d as f64).sqrt();
    let (mut gq, mut gk, mut gv) = (vec![0.0; t * d], vec![0.0; t * d], vec![0.0; t * d]);
    let mut p = vec![0.0; t];
    let mut pbar = vec![0.0; t];
    let mut o = vec![0.0; d];
    let mut loss = 0.0;
    for i in 0..t {
        let qi = &q[i * d..(i + 1) * d];
        let mut m = f64::NEG_INFINITY;
        for j in 0..t {
            let kj = &k[j * d..(j + 1) * d];
            let mut dot = 0.0;
            for a in 0..d {
                dot += qi[a] * kj[a];
            }
            p[j] = dot * c;
            m = m.max(p[j]);
        }
        let mut z = 0.0;
        for j in 0..t {
            p[j] = (p[j] - m).exp();
            z += p[j];
        }
        let inv_z = 1.0 / z;
        o.fill(0.0);
        for j in 0..t {
            p[j] *= inv_z;
            let vj = &v[j * d..(j + 1) * d];
            for a in 0..d {
                o[a] += p[j] * vj[a];
            }
        }
        for a in 0..d {
            loss += o[a] * o[a];
            o[a] *= 2.0; // ō
        }
        // p̄_j = ō·v_j and v̄_j += p_j ō; then s̄_j = c p_j (p̄_j - Σ_l p_l p̄_l).
        let mut mean = 0.0;
        for j in 0..t {
            let (vj, gvj) = (&v[j * d..(j + 1) * d], &mut gv[j * d..(j + 1) * d]);
            let mut pb = 0.0;
            for a in 0..d {
                pb += o[a] * vj[a];
                gvj[a] += p[j] * o[a];
            }
            pbar[j] = pb;
            mean += p[j] * pb;
        }
        let gqi = &mut gq[i * d..(i + 1) * d];
        for j in 0..t {
            let sbar = c * p[j] * (pbar[j] - mean);
            let (kj, gkj) = (&k[j * d..(j + 1) * d], &mut gk[j * d..(j + 1) * d]);
            for a in 0..d {
                gqi[a] += sbar * kj[a];
                gkj[a] += sbar * qi[a];
            }
        }
    }
    let proj = |g: &[f64]| {
        let mut gw = vec![0.0; d * d];
        for s in 0..t {
            for b in 0..d {
                let xb = x[s * d + b];
                for a in 0..d {
                    gw[b * d + a] += xb * g[s * d + a];
                }
            }
        }
        gw
    };
    (loss, (proj(&gq), proj(&gk), proj(&gv)))
}

/// `(wq, wk, wv, x)`.
pub fn attention_input() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let w = |phase: f64| -> Vec<f64> {
        (0..ATT_D * ATT_D)
            .map(|i| 0.35 * ((i as f64) * 0.61 + phase).sin())
            .collect()
    };
    let x = (0..ATT_T * ATT_D)
        .map(|i| ((i as f64) * 0.23).cos() + 0.2 * ((i as f64) * 1.7).sin())
        .collect();
    (w(0.0), w(1.1), w(2.3), x)
}

// ---------------------------------------------------------------------------------------------
// (b) sparse matrix factorisation
// ---------------------------------------------------------------------------------------------

/// Rank of [`matfact`].
pub const MF_K: usize = 8;
/// Rows (users) of [`matfact`].
pub const MF_ROWS: usize = 40;
/// Columns (items) of [`matfact`].
pub const MF_COLS: usize = 30;
/// Observed entries of [`matfact`].
pub const MF_OBS: usize = 400;
/// Ridge weight of [`matfact`].
pub const MF_LAMBDA: f64 = 0.05;

/// `Σ_o (u_{r_o} · v_{c_o} - y_o)² + λ (‖U‖² + ‖V‖²)` over observed entries `(r_o, c_o, y_o)`;
/// `U` is `rows × K`, `V` is `cols × K`, both row-major.
#[differentiable]
pub fn matfact(
    u: &[f64],
    v: &[f64],
    #[no_grad] rows: &[usize],
    #[no_grad] cols: &[usize],
    #[no_grad] y: &[f64],
    #[no_grad] lambda: f64,
) -> f64 {
    let k = MF_K;
    let mut loss = 0.0;
    for o in 0..y.len() {
        let r = rows[o];
        let c = cols[o];
        let mut dot = 0.0;
        for f in 0..k {
            dot += u[r * k + f] * v[c * k + f];
        }
        let e = dot - y[o];
        loss += e * e;
    }
    let mut reg = 0.0;
    for i in 0..u.len() {
        reg += u[i] * u[i];
    }
    for i in 0..v.len() {
        reg += v[i] * v[i];
    }
    loss + lambda * reg
}

/// Hand-written: per entry `g = 2 e`, `ū_r += g v_c`, `v̄_c += g u_r`; the ridge adds `2 λ u`
/// and `2 λ v`.
pub fn matfact_hand(
    u: &[f64],
    v: &[f64],
    rows: &[usize],
    cols: &[usize],
    y: &[f64],
    lambda: f64,
) -> (f64, (Vec<f64>, Vec<f64>)) {
    let k = MF_K;
    let mut gu = vec![0.0; u.len()];
    let mut gv = vec![0.0; v.len()];
    let mut loss = 0.0;
    for o in 0..y.len() {
        let (r, c) = (rows[o], cols[o]);
        let (ur, vc) = (&u[r * k..(r + 1) * k], &v[c * k..(c + 1) * k]);
        let mut dot = 0.0;
        for f in 0..k {
            dot += ur[f] * vc[f];
        }
        let e = dot - y[o];
        loss += e * e;
        let g = 2.0 * e;
        for f in 0..k {
            gu[r * k + f] += g * vc[f];
            gv[c * k + f] += g * ur[f];
        }
    }
    let mut reg = 0.0;
    for (x, gx) in u.iter().zip(&mut gu).chain(v.iter().zip(&mut gv)) {
        reg += x * x;
        *gx += 2.0 * lambda * x;
    }
    (loss + lambda * reg, (gu, gv))
}

/// Inputs of [`matfact`]: `(u, v, rows, cols, y)`.
pub type MatfactInput = (Vec<f64>, Vec<f64>, Vec<usize>, Vec<usize>, Vec<f64>);

/// `(u, v, rows, cols, y)`: entries on a fixed pseudo-random pattern.
pub fn matfact_input() -> MatfactInput {
    let u = (0..MF_ROWS * MF_K)
        .map(|i| 0.4 * ((i as f64) * 0.73).sin())
        .collect();
    let v = (0..MF_COLS * MF_K)
        .map(|i| 0.4 * ((i as f64) * 0.41).cos())
        .collect();
    let rows = (0..MF_OBS).map(|o| (o * 7 + o / 3) % MF_ROWS).collect();
    let cols = (0..MF_OBS).map(|o| (o * 13 + o / 5) % MF_COLS).collect();
    let y = (0..MF_OBS).map(|o| ((o as f64) * 0.19).sin()).collect();
    (u, v, rows, cols, y)
}

// ---------------------------------------------------------------------------------------------
// (c) forward substitution
// ---------------------------------------------------------------------------------------------

/// Order of [`forward_subst`].
pub const FS_N: usize = 60;

/// `Σ x_i²` where `L x = b` is solved by forward substitution,
/// `x_i = (b_i - Σ_{j<i} L_ij x_j) / L_ii`; `L` is `n × n` row-major (its upper part unread).
#[differentiable]
pub fn forward_subst(l: &[f64], b: &[f64]) -> f64 {
    let n = b.len();
    let mut x = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for j in 0..i {
            s -= l[i * n + j] * x[j];
        }
        x[i] = s / l[i * n + i];
    }
    let mut loss = 0.0;
    for i in 0..n {
        loss += x[i] * x[i];
    }
    loss
}

/// Hand-written: the adjoint solve `Lᵀ λ = 2 x` by back substitution over rows of `L`
/// (`λ_i = g_i / L_ii`, then `g_j -= L_ij λ_i` for `j < i`), `b̄ = λ`, `L̄_ij = -λ_i x_j`
/// for `j ≤ i`.
pub fn forward_subst_hand(l: &[f64], b: &[f64]) -> (f64, (Vec<f64>, Vec<f64>)) {
    let n = b.len();
    let mut x = vec![0.0; n];
    for i in 0..n {
        let row = &l[i * n..i * n + i];
        let mut s = b[i];
        for j in 0..i {
            s -= row[j] * x[j];
        }
        x[i] = s / l[i * n + i];
    }
    let mut loss = 0.0;
    let mut g: Vec<f64> = x.iter().map(|xi| 2.0 * xi).collect();
    for xi in &x {
        loss += xi * xi;
    }
    let mut gl = vec![0.0; n * n];
    for i in (0..n).rev() {
        let lam = g[i] / l[i * n + i];
        g[i] = lam;
        let (row, grow) = (&l[i * n..i * n + i], &mut gl[i * n..i * n + i + 1]);
        for j in 0..i {
            g[j] -= row[j] * lam;
            grow[j] = -lam * x[j];
        }
        grow[i] = -lam * x[i];
    }
    (loss, (gl, g))
}

/// `(l, b)`: a well-conditioned lower-triangular `L` (diagonal 2 to 3, small off-diagonals).
pub fn forward_subst_input() -> (Vec<f64>, Vec<f64>) {
    let n = FS_N;
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..i {
            l[i * n + j] = 0.3 * (((i * n + j) as f64) * 0.37).sin() / (n as f64).sqrt();
        }
        l[i * n + i] = 2.5 + 0.5 * ((i as f64) * 0.9).sin();
    }
    let b = (0..n).map(|i| ((i as f64) * 0.21).cos()).collect();
    (l, b)
}

// ---------------------------------------------------------------------------------------------
// (d) tanh RNN
// ---------------------------------------------------------------------------------------------

/// Hidden units of [`rnn`].
pub const RNN_H: usize = 16;
/// Steps of [`rnn`].
pub const RNN_STEPS: usize = 100;

/// `h_t = tanh(W h_{t-1} + u x_t + b)` from `h_0 = 0`, a fresh state `Vec` per step moved into
/// `h`; loss `Σ_t (c·h_t - y_t)²`. `W` is `H × H` row-major.
#[differentiable]
pub fn rnn(
    w: &[f64],
    u: &[f64],
    b: &[f64],
    c: &[f64],
    #[no_grad] xs: &[f64],
    #[no_grad] ys: &[f64],
) -> f64 {
    let n = b.len();
    let mut h = vec![0.0; n];
    let mut loss = 0.0;
    for t in 0..xs.len() {
        let mut hn = vec![0.0; n];
        for i in 0..n {
            let mut a = b[i] + u[i] * xs[t];
            for j in 0..n {
                a += w[i * n + j] * h[j];
            }
            hn[i] = a.tanh();
        }
        h = hn;
        let mut yt = 0.0;
        for i in 0..n {
            yt += c[i] * h[i];
        }
        let e = yt - ys[t];
        loss += e * e;
    }
    loss
}

/// Gradients of [`rnn`] as `(W̄, ū, b̄, c̄)`.
pub type RnnGrad = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// Hand-written backpropagation through time: the states kept in one `(T + 1) × H` buffer;
/// backwards, `h̄ += 2 e_t c`, `ā = h̄ (1 - h_t²)`, `b̄ += ā`, `ū += ā x_t`,
/// `W̄ += ā h_{t-1}ᵀ`, `h̄ ← Wᵀ ā`.
pub fn rnn_hand(
    w: &[f64],
    u: &[f64],
    b: &[f64],
    c: &[f64],
    xs: &[f64],
    ys: &[f64],
) -> (f64, RnnGrad) {
    let n = b.len();
    let steps = xs.len();
    let mut hs = vec![0.0; (steps + 1) * n];
    let mut es = vec![0.0; steps];
    let mut loss = 0.0;
    for t in 0..steps {
        let (prev, next) = hs[t * n..(t + 2) * n].split_at_mut(n);
        let mut yt = 0.0;
        for i in 0..n {
            let wi = &w[i * n..(i + 1) * n];
            let mut a = b[i] + u[i] * xs[t];
            for j in 0..n {
                a += wi[j] * prev[j];
            }
            next[i] = a.tanh();
            yt += c[i] * next[i];
        }
        es[t] = yt - ys[t];
        loss += es[t] * es[t];
    }
    let (mut gw, mut gu, mut gb, mut gc) =
        (vec![0.0; n * n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut hbar = vec![0.0; n];
    let mut abar = vec![0.0; n];
    for t in (0..steps).rev() {
        let (prev, ht) = (&hs[t * n..(t + 1) * n], &hs[(t + 1) * n..(t + 2) * n]);
        let ge = 2.0 * es[t];
        for i in 0..n {
            gc[i] += ge * ht[i];
            let ai = (hbar[i] + ge * c[i]) * (1.0 - ht[i] * ht[i]);
            abar[i] = ai;
            gb[i] += ai;
            gu[i] += ai * xs[t];
        }
        hbar.fill(0.0);
        for i in 0..n {
            let (wi, gwi) = (&w[i * n..(i + 1) * n], &mut gw[i * n..(i + 1) * n]);
            let ai = abar[i];
            for j in 0..n {
                gwi[j] += ai * prev[j];
                hbar[j] += wi[j] * ai;
            }
        }
    }
    (loss, (gw, gu, gb, gc))
}

/// Inputs of [`rnn`]: `(w, u, b, c, xs, ys)`.
pub type RnnInput = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

/// `(w, u, b, c, xs, ys)`.
pub fn rnn_input() -> RnnInput {
    let n = RNN_H;
    let w = (0..n * n)
        .map(|i| 0.9 * ((i as f64) * 0.53).sin() / (n as f64).sqrt())
        .collect();
    let u = (0..n).map(|i| 0.5 * ((i as f64) * 0.8).cos()).collect();
    let b = (0..n).map(|i| 0.1 * ((i as f64) * 1.3).sin()).collect();
    let c = (0..n).map(|i| 0.3 * ((i as f64) * 0.45).cos()).collect();
    let xs = (0..RNN_STEPS).map(|t| ((t as f64) * 0.17).sin()).collect();
    let ys = (0..RNN_STEPS)
        .map(|t| 0.5 * ((t as f64) * 0.11).cos())
        .collect();
    (w, u, b, c, xs, ys)
}
