//! The ADBench Gaussian mixture model objective (Srajer, Kukelova, Fitzgibbon 2018), the "full"
//! formulation of `microsoft/ADBench` `src/cpp/shared/gmm.h` (`gmm_objective`), followed term by
//! term: `alphas` (k log-weights, unnormalized), `means` (d·k), `icf` (k blocks of d(d+1)/2: the
//! log of Q's diagonal, then Q's strictly lower triangle column by column), points `x` (d·n) and
//! a Wishart prior `(gamma, m)`.
//!
//! `err = -n d ½ ln 2π + Σ_points lse_k(α_k + Σ q_k - ½ |Q_k (x - μ_k)|²) - n lse(α)
//!        + Σ_k (½ γ² ‖Q_k‖_F² - m Σ q_k) - k C`.

use autodiff::prelude::*;

// A glob import: `use super::lse::logsumexp;` alone does not bring the hidden derivative
// companion `#[differentiable]` emits next to `logsumexp`, and calls from here fail to resolve.
use super::lse::*;

/// ADBench's `PI` (`defs.h`), kept so the constant matches theirs to the last digit.
#[allow(clippy::approx_constant)]
pub const ADBENCH_PI: f64 = 3.14159265359;

/// Dimension, components and points of the benchmark (ADBench's smallest `d = 2, k = 5` file
/// size class, with n = 1000 points).
pub const GMM_D: usize = 2;
pub const GMM_K: usize = 5;
pub const GMM_N: usize = 1000;

/// The Wishart prior's parameters (ADBench's data files use `gamma = 1`, `m = 0`).
#[derive(Clone, Copy, Debug)]
pub struct Wishart {
    pub gamma: f64,
    pub m: usize,
}

/// The benchmark's prior: ADBench's `gamma = 1`; `m = 1` (their files use 0) so the `- m Σ q`
/// term is exercised too.
pub const GMM_WISHART: Wishart = Wishart { gamma: 1.0, m: 1 };

/// `ln Γ(a)` for `a` a positive multiple of ½ (all `log_gamma_distrib` needs):
/// `Γ(1) = 1`, `Γ(½) = √π`, `Γ(a + 1) = a Γ(a)`.
fn ln_gamma_half_integer(a: f64) -> f64 {
    let mut b = a;
    let mut out = 0.0;
    while b > 1.0 {
        b -= 1.0;
        out += b.ln();
    }
    if b == 1.0 {
        out
    } else {
        out + 0.5 * std::f64::consts::PI.ln()
    }
}

/// ADBench's `log_gamma_distrib(a, p) = ¼ p (p - 1) ln π + Σ_{j=1..p} ln Γ(a + ½ (1 - j))`.
fn log_gamma_distrib(a: f64, p: usize) -> f64 {
    let mut out = 0.25 * (p * (p - 1)) as f64 * ADBENCH_PI.ln();
    for j in 1..=p {
        out += ln_gamma_half_integer(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// The prior's constant `C = n p (ln γ - ½ ln 2) - log_gamma_distrib(½ n, p)`, `n = p + m + 1`.
pub fn wishart_constant(d: usize, wishart: Wishart) -> f64 {
    let n = d + wishart.m + 1;
    (n * d) as f64 * (wishart.gamma.ln() - 0.5 * 2f64.ln()) - log_gamma_distrib(0.5 * n as f64, d)
}

/// The ADBench GMM objective (a log-likelihood plus the log Wishart prior).
/// `x` holds the points row by row (`x[ix * d + id]`); `k = alphas.len()`, `n = x.len() / d`.
#[differentiable(wrt(alphas, means, icf))]
pub fn gmm_objective(
    alphas: &[f64],
    means: &[f64],
    icf: &[f64],
    x: &[f64],
    d: usize,
    wishart: Wishart,
) -> f64 {
    let k = alphas.len();
    let n = x.len() / d;
    let icf_sz = d * (d + 1) / 2;
    let constant = -((n * d) as f64) * 0.5 * (2.0 * ADBENCH_PI).ln();

    // preprocess_qs: the sums of the log-diagonals and the diagonals themselves.
    let mut qdiags = vec![0.0; d * k];
    let mut sum_qs = vec![0.0; k];
    for ik in 0..k {
        for id in 0..d {
            let q = icf[ik * icf_sz + id];
            sum_qs[ik] += q;
            qdiags[ik * d + id] = q.exp();
        }
    }

    let mut xcentered = vec![0.0; d];
    let mut qxcentered = vec![0.0; d];
    let mut main_term = vec![0.0; k];
    let mut slse = 0.0;
    for ix in 0..n {
        for ik in 0..k {
            for id in 0..d {
                xcentered[id] = x[ix * d + id] - means[ik * d + id];
            }
            // Qtimesx: diagonal, then the strictly lower triangle.
            for id in 0..d {
                qxcentered[id] = qdiags[ik * d + id] * xcentered[id];
            }
            let mut l = ik * icf_sz + d;
            for i in 0..d {
                for j in i + 1..d {
                    qxcentered[j] += icf[l] * xcentered[i];
                    l += 1;
                }
            }
            let mut sqnorm = 0.0;
            for id in 0..d {
                sqnorm += qxcentered[id] * qxcentered[id];
            }
            main_term[ik] = alphas[ik] + sum_qs[ik] - 0.5 * sqnorm;
        }
        slse += logsumexp(&main_term);
    }
    let lse_alphas = logsumexp(alphas);
    let err = constant + slse - n as f64 * lse_alphas;

    // log_wishart_prior
    let gamma = wishart.gamma;
    let mut prior = 0.0;
    for ik in 0..k {
        let mut frobenius = 0.0;
        for id in 0..d {
            frobenius += qdiags[ik * d + id] * qdiags[ik * d + id];
        }
        for i in d..icf_sz {
            frobenius += icf[ik * icf_sz + i] * icf[ik * icf_sz + i];
        }
        prior += 0.5 * gamma * gamma * frobenius - wishart.m as f64 * sum_qs[ik];
    }
    err + prior - k as f64 * wishart_constant(d, wishart)
}

/// The gradient of the benchmark: `(∂/∂alphas, ∂/∂means, ∂/∂icf)`.
pub type GmmGrad = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Hand-written, following ADBench's manual gradient (`src/cpp/modules/manual/gmm_d.cpp`,
/// `gmm_objective_d`): per point and component, the partials of the main term
///
/// * `∂/∂μ = Qᵀ Q (x - μ)` (`Qtransposetimesx`),
/// * `∂/∂q_d = 1 - e^{q_d} (x - μ)_d (Q (x - μ))_d` (`compute_q_inner_term`),
/// * `∂/∂L_{ji} = -(x - μ)_i (Q (x - μ))_j` (`compute_L_inner_term`),
///
/// then the log-sum-exp over components turns the main terms into softmax weights
/// (`logsumexp_d`; its correction at the max index cancels to exactly the softmax), and each
/// partial is accumulated with its weight. The prior adds `γ² e^{2q} - m` to each log-diagonal
/// and `γ² L` to each off-diagonal entry; `-n lse(α)` adds `-n softmax(α)`.
pub fn gmm_objective_hand(
    alphas: &[f64],
    means: &[f64],
    icf: &[f64],
    x: &[f64],
    d: usize,
    wishart: Wishart,
) -> (f64, GmmGrad) {
    let k = alphas.len();
    let n = x.len() / d;
    let icf_sz = d * (d + 1) / 2;
    let constant = -((n * d) as f64) * 0.5 * (2.0 * ADBENCH_PI).ln();

    let mut qdiags = vec![0.0; d * k];
    let mut sum_qs = vec![0.0; k];
    for ik in 0..k {
        for id in 0..d {
            let q = icf[ik * icf_sz + id];
            sum_qs[ik] += q;
            qdiags[ik * d + id] = q.exp();
        }
    }

    let mut alphas_d = vec![0.0; k];
    let mut means_d = vec![0.0; d * k];
    let mut icf_d = vec![0.0; icf_sz * k];
    let mut curr_means_d = vec![0.0; d * k];
    let mut curr_q_d = vec![0.0; d * k];
    let mut curr_l_d = vec![0.0; (icf_sz - d) * k];
    let mut xcentered = vec![0.0; d];
    let mut qxcentered = vec![0.0; d];
    let mut main_term = vec![0.0; k];

    let mut slse = 0.0;
    for ix in 0..n {
        let curr_x = &x[ix * d..(ix + 1) * d];
        for ik in 0..k {
            let icf_off = ik * icf_sz;
            let qdiag = &qdiags[ik * d..(ik + 1) * d];
            for id in 0..d {
                xcentered[id] = curr_x[id] - means[ik * d + id];
                qxcentered[id] = qdiag[id] * xcentered[id];
            }
            let mut l = icf_off + d;
            for i in 0..d {
                for j in i + 1..d {
                    qxcentered[j] += icf[l] * xcentered[i];
                    l += 1;
                }
            }
            // Qtransposetimesx: curr_means_d = Qᵀ (Q xc).
            let cm = &mut curr_means_d[ik * d..(ik + 1) * d];
            for i in 0..d {
                cm[i] = qdiag[i] * qxcentered[i];
            }
            let mut l = icf_off + d;
            for i in 0..d {
                for j in i + 1..d {
                    cm[i] += icf[l] * qxcentered[j];
                    l += 1;
                }
            }
            // compute_q_inner_term and compute_L_inner_term.
            for i in 0..d {
                curr_q_d[ik * d + i] = 1.0 - qdiag[i] * xcentered[i] * qxcentered[i];
            }
            let mut l = ik * (icf_sz - d);
            for i in 0..d {
                for j in i + 1..d {
                    curr_l_d[l] = -xcentered[i] * qxcentered[j];
                    l += 1;
                }
            }
            let mut sqnorm = 0.0;
            for id in 0..d {
                sqnorm += qxcentered[id] * qxcentered[id];
            }
            main_term[ik] = alphas[ik] + sum_qs[ik] - 0.5 * sqnorm;
        }
        slse += softmax_in_place(&mut main_term);
        for ik in 0..k {
            let w = main_term[ik];
            let icf_off = ik * icf_sz;
            alphas_d[ik] += w;
            for id in 0..d {
                means_d[ik * d + id] += curr_means_d[ik * d + id] * w;
                icf_d[icf_off + id] += curr_q_d[ik * d + id] * w;
            }
            for i in d..icf_sz {
                icf_d[icf_off + i] += curr_l_d[ik * (icf_sz - d) + (i - d)] * w;
            }
        }
    }

    let mut lse_alphas_d = alphas.to_vec();
    let lse_alphas = softmax_in_place(&mut lse_alphas_d);
    let gamma2 = wishart.gamma * wishart.gamma;
    let mut prior = 0.0;
    for ik in 0..k {
        alphas_d[ik] -= n as f64 * lse_alphas_d[ik];
        let mut frobenius = 0.0;
        for id in 0..d {
            let qd = qdiags[ik * d + id];
            frobenius += qd * qd;
            icf_d[ik * icf_sz + id] += gamma2 * qd * qd - wishart.m as f64;
        }
        for i in d..icf_sz {
            let v = icf[ik * icf_sz + i];
            frobenius += v * v;
            icf_d[ik * icf_sz + i] += gamma2 * v;
        }
        prior += 0.5 * gamma2 * frobenius - wishart.m as f64 * sum_qs[ik];
    }
    let err =
        constant + slse - n as f64 * lse_alphas + prior - k as f64 * wishart_constant(d, wishart);
    (err, (alphas_d, means_d, icf_d))
}

/// Replaces `v` by `softmax(v)` (the gradient of log-sum-exp) and returns `lse(v)`.
fn softmax_in_place(v: &mut [f64]) -> f64 {
    let mut mx = v[0];
    for &e in &v[1..] {
        mx = mx.max(e);
    }
    let mut semx = 0.0;
    for e in v.iter_mut() {
        *e = (*e - mx).exp();
        semx += *e;
    }
    let inv = 1.0 / semx;
    for e in v.iter_mut() {
        *e *= inv;
    }
    semx.ln() + mx
}

/// The benchmark's parameters and points, `(alphas, means, icf, x)`: deterministic, points
/// scattered around the five means, moderate log-diagonals and off-diagonals.
pub fn gmm_input(d: usize, k: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    // A small linear congruential generator mapped to [-1, 1).
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    let icf_sz = d * (d + 1) / 2;
    let alphas: Vec<f64> = (0..k).map(|_| next()).collect();
    let means: Vec<f64> = (0..d * k).map(|_| 2.0 * next()).collect();
    let icf: Vec<f64> = (0..icf_sz * k).map(|_| 0.5 * next()).collect();
    let x: Vec<f64> = (0..d * n).map(|_| 2.5 * next()).collect();
    (alphas, means, icf, x)
}
