//! Held-out loop workloads: the same kinds as the loop suite (a reduction over data, a
//! data-dependent `while` inside a `for`, a stencil on fresh local `Vec`s, loop-carried scalars
//! over a long recurrence, a pair loop, a local `Vec` that reads its own earlier elements), written
//! after the reverse sweep's optimisations and never used to tune them. They tell whether a
//! speed-up is of the kind or of the benchmark (`benches/loops_heldout.rs`).

use autodiff::prelude::*;

// ---------------------------------------------------------------------------------------------
// Logistic regression loss (a reduction over data)
// ---------------------------------------------------------------------------------------------

/// Samples and features of the logistic workload.
pub const LOGISTIC_N: usize = 500;
/// Features per sample.
pub const LOGISTIC_D: usize = 8;

/// `Σ_i softplus(z_i) - y_i z_i` with `z_i = w · x_i` (`x` row-major, `n × d`), the
/// negative log-likelihood of logistic regression; `softplus` written in its stable form.
#[differentiable]
pub fn logistic(w: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let d = w.len();
    let mut loss = 0.0;
    for i in 0..y.len() {
        let mut z = 0.0;
        for j in 0..d {
            z += w[j] * x[i * d + j];
        }
        let sp = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        loss += sp - y[i] * z;
    }
    loss
}

/// Hand-written: `∂/∂w_j = Σ_i (σ(z_i) - y_i) x_ij` (`softplus' = σ`).
pub fn logistic_hand(w: &[f64], x: &[f64], y: &[f64]) -> (f64, Vec<f64>) {
    let d = w.len();
    let mut loss = 0.0;
    let mut g = vec![0.0; d];
    for (i, yi) in y.iter().enumerate() {
        let xi = &x[i * d..(i + 1) * d];
        let z: f64 = w.iter().zip(xi).map(|(a, b)| a * b).sum();
        let (sp, sig) = if z > 0.0 {
            let e = (-z).exp();
            (z + e.ln_1p(), 1.0 / (1.0 + e))
        } else {
            let e = z.exp();
            (e.ln_1p(), e / (1.0 + e))
        };
        loss += sp - yi * z;
        let r = sig - yi;
        for (gj, xj) in g.iter_mut().zip(xi) {
            *gj += r * xj;
        }
    }
    (loss, g)
}

/// Deterministic features in `[-1, 1]` and labels in `{0, 1}`, and a starting `w`.
pub fn logistic_input(n: usize, d: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let x = (0..n * d).map(|k| ((k as f64) * 0.731).sin()).collect();
    let y = (0..n)
        .map(|i| {
            if ((i as f64) * 1.37).cos() > 0.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let w = (0..d).map(|j| 0.3 * ((j as f64) + 0.5).cos()).collect();
    (w, x, y)
}

// ---------------------------------------------------------------------------------------------
// Kepler's equation (a data-dependent `while` inside a `for`)
// ---------------------------------------------------------------------------------------------

/// Mean anomalies of the Kepler workload.
pub const KEPLER_N: usize = 100;
/// The eccentricity of the benchmark.
pub const KEPLER_E: f64 = 0.3;

/// `Σ_i sin E_i` where `E_i - e sin E_i = M_i` is solved by Newton's method from `E = M_i`,
/// stopping when the residual is below `1e-12` (or after 50 steps).
#[differentiable]
pub fn kepler(m: &[f64], e: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        let mut ea = m[i];
        let mut r = ea - e * ea.sin() - m[i];
        let mut steps = 0;
        while r.abs() > 1e-12 && steps < 50 {
            ea = ea - r / (1.0 - e * ea.cos());
            r = ea - e * ea.sin() - m[i];
            steps += 1;
        }
        s += ea.sin();
    }
    s
}

/// Hand-written, differentiating the iteration (not the implicit-function shortcut): tangents
/// of `E` w.r.t. `M_i` and `e` carried through each step `E ← E - f / f'` with
/// `f = E - e sin E - M`, `f' = 1 - e cos E`:
/// `dE ← dE - (df f' - f df') / f'²`, `df = dE f' - de sin E - dM`, `df' = dE e sin E - de cos E`.
pub fn kepler_hand(m: &[f64], e: f64) -> (f64, (Vec<f64>, f64)) {
    let mut s = 0.0;
    let mut gm = vec![0.0; m.len()];
    let mut ge = 0.0;
    for (i, &mi) in m.iter().enumerate() {
        let mut ea = mi;
        // (d/dM_i, d/de) of E and of the residual r.
        let (mut dm, mut de) = (1.0, 0.0);
        let (sn, cs) = ea.sin_cos();
        let mut r = ea - e * sn - mi;
        // r tangents at E = M: dE (1 - e cos E) - de sin E - dM.
        let (mut rm, mut re) = (dm * (1.0 - e * cs) - 1.0, de * (1.0 - e * cs) - sn);
        let mut steps = 0;
        while r.abs() > 1e-12 && steps < 50 {
            let (sn, cs) = ea.sin_cos();
            let fp = 1.0 - e * cs;
            // f' tangents: d(1 - e cos E) = e sin E dE - cos E de.
            let fpm = e * sn * dm;
            let fpe = e * sn * de - cs;
            dm -= (rm * fp - r * fpm) / (fp * fp);
            de -= (re * fp - r * fpe) / (fp * fp);
            ea -= r / fp;
            let (sn, cs) = ea.sin_cos();
            r = ea - e * sn - mi;
            // r tangents: dE (1 - e cos E) - de sin E - dM.
            rm = dm * (1.0 - e * cs) - 1.0;
            re = de * (1.0 - e * cs) - sn;
            steps += 1;
        }
        let cs = ea.cos();
        s += ea.sin();
        gm[i] = cs * dm;
        ge += cs * de;
    }
    (s, (gm, ge))
}

/// Mean anomalies spread over `(0, 2π)`.
pub fn kepler_input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.1 + 6.0 * (i as f64) / (n as f64))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 2-D Jacobi stencil (a fresh local `Vec` per step)
// ---------------------------------------------------------------------------------------------

/// Grid side of the 2-D stencil.
pub const JACOBI_SIDE: usize = 16;
/// Time steps of the 2-D stencil.
pub const JACOBI_STEPS: usize = 20;
/// Diffusion coefficient (stable: `k < 1/4`).
pub const JACOBI_K: f64 = 0.15;

/// `u ← u + k (north + south + west + east - 4 u)` on a `side × side` grid (row-major), zero
/// outside, 20 steps with a fresh `Vec` each; loss `Σ u²`.
#[differentiable]
pub fn jacobi2d(u0: &[f64], k: f64, #[no_grad] side: usize) -> f64 {
    let mut u = u0.to_vec();
    for _ in 0..20 {
        let mut next = vec![0.0; side * side];
        for r in 0..side {
            for c in 0..side {
                let at = r * side + c;
                let north = if r > 0 { u[at - side] } else { 0.0 };
                let south = if r + 1 < side { u[at + side] } else { 0.0 };
                let west = if c > 0 { u[at - 1] } else { 0.0 };
                let east = if c + 1 < side { u[at + 1] } else { 0.0 };
                next[at] = u[at] + k * (north + south + west + east - 4.0 * u[at]);
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

/// `out = L u`, the 5-point Laplacian with zeros outside an `n × m` grid stored row-major.
pub(super) fn laplacian2d(u: &[f64], n: usize, m: usize, out: &mut [f64]) {
    for r in 0..n {
        for c in 0..m {
            let at = r * m + c;
            let mut v = -4.0 * u[at];
            if r > 0 {
                v += u[at - m];
            }
            if r + 1 < n {
                v += u[at + m];
            }
            if c > 0 {
                v += u[at - 1];
            }
            if c + 1 < m {
                v += u[at + 1];
            }
            out[at] = v;
        }
    }
}

/// Hand-written, as the 1-D stencil's: a step is `u ← A u`, `A = I + k L` symmetric, so
/// `∂/∂k` by a tangent `du ← A du + L u` and `∂/∂u_0` by the adjoint `λ ← A λ` from
/// `λ_T = 2 u_T`; no states stored.
pub fn jacobi2d_hand(u0: &[f64], k: f64, side: usize) -> (f64, (Vec<f64>, f64)) {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut du = vec![0.0; n];
    let mut lu = vec![0.0; n];
    let mut ldu = vec![0.0; n];
    for _ in 0..JACOBI_STEPS {
        laplacian2d(&u, side, side, &mut lu);
        laplacian2d(&du, side, side, &mut ldu);
        for i in 0..n {
            du[i] += k * ldu[i] + lu[i];
            u[i] += k * lu[i];
        }
    }
    let s = u.iter().map(|v| v * v).sum();
    let dk = u.iter().zip(&du).map(|(a, b)| 2.0 * a * b).sum();
    for v in &mut u {
        *v *= 2.0;
    }
    for _ in 0..JACOBI_STEPS {
        laplacian2d(&u, side, side, &mut lu);
        for i in 0..n {
            u[i] += k * lu[i];
        }
    }
    (s, (u, dk))
}

/// A smooth initial field.
pub fn jacobi2d_input(side: usize) -> Vec<f64> {
    (0..side * side)
        .map(|at| {
            let (r, c) = ((at / side) as f64, (at % side) as f64);
            (0.4 * r).sin() * (0.3 * c).cos() + 0.1
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Damped oscillator (loop-carried scalars over a long recurrence)
// ---------------------------------------------------------------------------------------------

/// Time steps of the oscillator.
pub const OSC_STEPS: usize = 1000;
/// Stiffness and damping of the benchmark.
pub const OSC_KC: (f64, f64) = (4.0, 0.3);

/// Semi-implicit Euler for `x'' = -k x - c x' + f(t)` (`dt = 0.01`), loss `Σ_t (x_t - y_t)²`.
#[differentiable]
pub fn oscillator(k: f64, c: f64, #[no_grad] force: &[f64], #[no_grad] target: &[f64]) -> f64 {
    let dt = 0.01;
    let mut x = 1.0;
    let mut v = 0.0;
    let mut loss = 0.0;
    for t in 0..force.len() {
        v += dt * (force[t] - k * x - c * v);
        x += dt * v;
        let d = x - target[t];
        loss += d * d;
    }
    loss
}

/// Hand-written: the recurrence is linear in its state, so the tangents of `(x, v)` w.r.t.
/// `k` and `c` run alongside it (`dv ← dv + dt (-x dk - k dx - v dc - c dv)`, `dx ← dx + dt dv`)
/// and `∂loss/∂θ = Σ_t 2 (x_t - y_t) dx_t/dθ`; nothing is stored.
pub fn oscillator_hand(k: f64, c: f64, force: &[f64], target: &[f64]) -> (f64, (f64, f64)) {
    let dt = 0.01;
    let (mut x, mut v) = (1.0, 0.0);
    let (mut xk, mut vk, mut xc, mut vc) = (0.0, 0.0, 0.0, 0.0);
    let (mut loss, mut gk, mut gc) = (0.0, 0.0, 0.0);
    for (f, y) in force.iter().zip(target) {
        vk += dt * (-x - k * xk - c * vk);
        vc += dt * (-v - k * xc - c * vc);
        v += dt * (f - k * x - c * v);
        xk += dt * vk;
        xc += dt * vc;
        x += dt * v;
        let d = x - y;
        loss += d * d;
        gk += 2.0 * d * xk;
        gc += 2.0 * d * xc;
    }
    (loss, (gk, gc))
}

/// A forcing and a target trajectory.
pub fn oscillator_input(n: usize) -> (Vec<f64>, Vec<f64>) {
    let force = (0..n).map(|t| (0.05 * t as f64).sin()).collect();
    let target = (0..n).map(|t| 0.5 * (0.02 * t as f64).cos()).collect();
    (force, target)
}

// ---------------------------------------------------------------------------------------------
// Gaussian kernel sum over pairs
// ---------------------------------------------------------------------------------------------

/// Points of the kernel workload (in 2-D).
pub const KERNEL_POINTS: usize = 64;
/// The bandwidth of the benchmark.
pub const KERNEL_S: f64 = 0.5;

/// `Σ_{i<j} exp(-|p_i - p_j|² / s)`; `p` holds x, y per point.
#[differentiable]
pub fn kernel_pairs(p: &[f64], s: f64) -> f64 {
    let n = p.len() / 2;
    let mut total = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = p[2 * i] - p[2 * j];
            let dy = p[2 * i + 1] - p[2 * j + 1];
            total += (-(dx * dx + dy * dy) / s).exp();
        }
    }
    total
}

/// Hand-written: with `k = exp(-r² / s)`, `∂k/∂p_i = -2 k (p_i - p_j) / s = -∂k/∂p_j` and
/// `∂k/∂s = k r² / s²`.
pub fn kernel_pairs_hand(p: &[f64], s: f64) -> (f64, (Vec<f64>, f64)) {
    let n = p.len() / 2;
    let mut total = 0.0;
    let mut g = vec![0.0; p.len()];
    let mut gs = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = p[2 * i] - p[2 * j];
            let dy = p[2 * i + 1] - p[2 * j + 1];
            let r2 = dx * dx + dy * dy;
            let k = (-r2 / s).exp();
            total += k;
            gs += k * r2 / (s * s);
            let f = -2.0 * k / s;
            g[2 * i] += f * dx;
            g[2 * i + 1] += f * dy;
            g[2 * j] -= f * dx;
            g[2 * j + 1] -= f * dy;
        }
    }
    (total, (g, gs))
}

/// Points on a jittered spiral.
pub fn kernel_input(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|i| {
            let t = i as f64 * 0.4;
            [
                0.1 * t * t.cos(),
                0.1 * t * t.sin() + 0.01 * (3.0 * t).sin(),
            ]
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Cumulative product (a local `Vec` that reads its own earlier elements)
// ---------------------------------------------------------------------------------------------

/// Length of the cumulative product.
pub const CUMPROD_N: usize = 1000;

/// `Σ_i c_i` with `c_0 = x_0`, `c_i = c_{i-1} x_i`, kept in a local `Vec`.
#[differentiable]
pub fn cumprod_sum(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i];
    }
    s
}

/// Hand-written: the adjoint of `c_i` is `a_i = 1 + a_{i+1} x_{i+1}` (from the back), and
/// `∂/∂x_i = a_i c_{i-1}` (`a_0` for `x_0`); the products are kept, as any reverse pass must.
pub fn cumprod_sum_hand(x: &[f64]) -> (f64, Vec<f64>) {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let s = c.iter().sum();
    let mut g = vec![0.0; n];
    let mut a = 0.0;
    for i in (0..n).rev() {
        a = 1.0 + if i + 1 < n { a * x[i + 1] } else { 0.0 };
        g[i] = if i > 0 { a * c[i - 1] } else { a };
    }
    (s, g)
}

/// Factors close to 1, so that the products stay of order one.
pub fn cumprod_input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 1.0 + 0.01 * (i as f64 * 0.9).sin())
        .collect()
}
