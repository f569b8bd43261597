//! Second derivatives of the losses in `losses.rs`: for each sample `i`, the Hessian of its loss
//! `L_i` with respect to its row of `y_pred` times the same row of a direction `v` (a loss only
//! couples the entries of one row, so the batch Hessian is block diagonal). These are the `hvp`
//! rules' per-sample parts; the reduction's factor is applied by the caller, as for gradients.
//!
//! Where a probability is clipped its gradient is 0 (`losses.rs`), and so is every second
//! derivative through it.

use super::losses::{epsilon, row_lse};
use crate::Real;
use crate::nalgebra::DMatrix;

/// `true` where `clip(x, ε, 1-ε)` passes `x` through.
fn inside<T: Real>(x: T) -> bool {
    x >= epsilon::<T>() && x <= T::one() - epsilon::<T>()
}

/// The row `i` of `softmax(z)`.
fn softmax_row<T: Real>(z: &DMatrix<T>, i: usize) -> Vec<T> {
    let (shift, lse) = row_lse(z, i);
    (0..z.ncols())
        .map(|j| (z[(i, j)] - shift - lse).exp())
        .collect()
}

/// MSE: `L_i = (1/C) Σ_j (p_ij - y_ij)²`  =>  `∇²L_i = (2/C)·I`, `H·v = 2v/C`.
pub(super) fn mse_hv<T: Real>(p: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let c = T::from_usize(p.ncols().max(1));
    let two = T::from_f64(2.0);
    v.map(|e| two * e / c)
}

/// Softmax cross-entropy from logits: `∂L_i/∂z_ij = S_i p_ij - y_ij` with `p = softmax(z_i)`,
/// `S_i = Σ_k y_ik`  =>  `∇²L_i = S_i (diag(p) - p pᵀ)`, `H·v = S_i (p ∘ v - p ⟨p, v⟩)`.
pub(super) fn cce_logits_hv<T: Real>(y: &DMatrix<T>, z: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let mut hv = DMatrix::from_element(z.nrows(), z.ncols(), T::zero());
    for i in 0..z.nrows() {
        let p = softmax_row(z, i);
        let s = y.row(i).iter().fold(T::zero(), |a, &e| a + e);
        let pv = (0..z.ncols()).fold(T::zero(), |a, j| a + p[j] * v[(i, j)]);
        for j in 0..z.ncols() {
            hv[(i, j)] = s * p[j] * (v[(i, j)] - pv);
        }
    }
    hv
}

/// Cross-entropy from probabilities: `q = p/s` with `s = Σ_j p_j`, `L = Σ_j ℓ_j(q_j)` with
/// `ℓ_j(q) = -y_j ln clip(q)`, so `g_j = ℓ'_j = -y_j/q_j` and `h_j = ℓ''_j = y_j/q_j²` inside the
/// clip range (else 0). With `∂q_j/∂p_k = (δ_jk - q_j)/s`, `G = Σ_j g_j q_j`, `A = Σ_j h_j q_j²`:
/// `∂²L/∂p_k∂p_m = [h_k δ_km - h_k q_k - h_m q_m + A - g_k - g_m + 2G] / s²`, hence with
/// `V = Σ_m v_m`, `B = Σ_m h_m q_m v_m`, `Gv = Σ_m g_m v_m`:
/// `(H·v)_k = [h_k (v_k - q_k V) - g_k V + (A + 2G) V - B - Gv] / s²`.
pub(super) fn cce_probs_hv<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let n = p.ncols();
    let mut hv = DMatrix::from_element(p.nrows(), n, T::zero());
    for i in 0..p.nrows() {
        let s = p.row(i).iter().fold(T::zero(), |a, &e| a + e);
        let q: Vec<T> = (0..n).map(|j| p[(i, j)] / s).collect();
        let (mut g, mut h) = (vec![T::zero(); n], vec![T::zero(); n]);
        for j in 0..n {
            if inside(q[j]) {
                g[j] = -y[(i, j)] / q[j];
                h[j] = y[(i, j)] / (q[j] * q[j]);
            }
        }
        let sum = |f: &dyn Fn(usize) -> T| (0..n).fold(T::zero(), |a, j| a + f(j));
        let big_g = sum(&|j| g[j] * q[j]);
        let a = sum(&|j| h[j] * q[j] * q[j]);
        let vv = sum(&|j| v[(i, j)]);
        let b = sum(&|j| h[j] * q[j] * v[(i, j)]);
        let gv = sum(&|j| g[j] * v[(i, j)]);
        let two = T::from_f64(2.0);
        for k in 0..n {
            let num = h[k] * (v[(i, k)] - q[k] * vv) - g[k] * vv + (a + two * big_g) * vv - b - gv;
            hv[(i, k)] = num / (s * s);
        }
    }
    hv
}

/// Sparse softmax cross-entropy from logits: the dense case with a one-hot row (`S_i = 1`):
/// `H·v = p ∘ v - p ⟨p, v⟩`.
pub(super) fn sparse_logits_hv<T: Real>(z: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let mut hv = DMatrix::from_element(z.nrows(), z.ncols(), T::zero());
    for i in 0..z.nrows() {
        let p = softmax_row(z, i);
        let pv = (0..z.ncols()).fold(T::zero(), |a, j| a + p[j] * v[(i, j)]);
        for j in 0..z.ncols() {
            hv[(i, j)] = p[j] * (v[(i, j)] - pv);
        }
    }
    hv
}

/// Sparse cross-entropy from probabilities: `L = ln S - ln c_y` with `c = clip(p)`, `S = Σ_j c_j`,
/// `m_k` = `p_k` inside the clip range  =>  `∂L/∂p_k = m_k (1/S - [k = y]/c_k)` and
/// `∂²L/∂p_k∂p_m = -m_k m_m / S² + [k = m = y] m_y / c_y²`, so
/// `(H·v)_k = m_k (-Σ_m m_m v_m / S² + [k = y] v_y / c_y²)`.
pub(super) fn sparse_probs_hv<T: Real>(
    labels: &[usize],
    p: &DMatrix<T>,
    v: &DMatrix<T>,
) -> DMatrix<T> {
    let clip = super::losses::clip_probability::<T>;
    let mut hv = DMatrix::from_element(p.nrows(), p.ncols(), T::zero());
    for (i, &y) in labels.iter().enumerate() {
        let s = p.row(i).iter().fold(T::zero(), |a, &e| a + clip(e));
        let mv = (0..p.ncols())
            .filter(|&m| inside(p[(i, m)]))
            .fold(T::zero(), |a, m| a + v[(i, m)]);
        let cy = clip(p[(i, y)]);
        for k in 0..p.ncols() {
            if inside(p[(i, k)]) {
                let own = if k == y {
                    v[(i, y)] / (cy * cy)
                } else {
                    T::zero()
                };
                hv[(i, k)] = own - mv / (s * s);
            }
        }
    }
    hv
}

/// Binary cross-entropy from logits: `∂L_i/∂z_ij = (σ(z) - y)/C`  =>  `∂² = σ(z)(1 - σ(z))/C`
/// on the diagonal only, `H·v = σ(1-σ) ∘ v / C`.
pub(super) fn bce_logits_hv<T: Real>(z: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let c = T::from_usize(z.ncols().max(1));
    let one = T::one();
    z.zip_map(v, |zz, vv| {
        // σ(z)(1 - σ(z)) = e^-|z| / (1 + e^-|z|)², symmetric in z and free of overflow.
        let e = (-zz.abs()).exp();
        e / ((one + e) * (one + e)) * vv / c
    })
}

/// Binary cross-entropy from probabilities: `∂L_i/∂p_ij = (-y/c + (1-y)/(1-c))/C` inside the clip
/// range  =>  `∂² = (y/c² + (1-y)/(1-c)²)/C` on the diagonal there (else 0).
pub(super) fn bce_probs_hv<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, v: &DMatrix<T>) -> DMatrix<T> {
    let n = T::from_usize(p.ncols().max(1));
    let one = T::one();
    DMatrix::from_fn(p.nrows(), p.ncols(), |i, j| {
        let (c, yy) = (p[(i, j)], y[(i, j)]);
        if inside(c) {
            (yy / (c * c) + (one - yy) / ((one - c) * (one - c))) * v[(i, j)] / n
        } else {
            T::zero()
        }
    })
}
