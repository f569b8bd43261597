//! Losses with TensorFlow's (Keras 3's) semantics: differentiable inside `#[differentiable]`
//! functions, each with a hand-written, numerically stable derivative rule.
//!
//! Each loss is a small configuration struct (`from_logits`, [`Reduction`]) whose
//! `#[differentiable]` method `call(y_true, y_pred)` returns the reduced loss; the gradient flows
//! to `y_pred` only (the labels are data). `per_sample` gives TF's `reduction="none"` values.
//! Rows are samples, columns classes or outputs, as TF's `(batch, classes)`.
//!
//! | loss | per sample `i` | TF |
//! |---|---|---|
//! | [`MeanSquaredError`] | `mean_j (p_ij - y_ij)²` | `keras.losses.MeanSquaredError` |
//! | [`MeanAbsoluteError`] | `mean_j |p_ij - y_ij|` | `MeanAbsoluteError` |
//! | [`Huber`] | `mean_j h(p_ij - y_ij)`, `h(e) = ½e²` for `|e| <= δ`, else `δ|e| - ½δ²` | `Huber` |
//! | [`CategoricalCrossentropy`] | `-Σ_j y_ij log_softmax(z)_ij` (logits) or `-Σ_j y_ij log clip(p_ij / Σ_k p_ik, ε, 1-ε)` | `CategoricalCrossentropy` |
//! | [`SparseCategoricalCrossentropy`] | the same with integer labels; probabilities are clipped, then renormalised | `SparseCategoricalCrossentropy` |
//! | [`BinaryCrossentropy`] | `mean_j [max(z,0) - z·y + ln(1 + e^-|z|)]` (logits) or `mean_j -[y ln c + (1-y) ln(1-c)]`, `c = clip(p, ε, 1-ε)` | `BinaryCrossentropy` |
//!
//! `ε = 1e-7` (Keras' `backend.epsilon()`). Where a probability is clipped its gradient is 0, as
//! `tf.clip_by_value`'s. With logits nothing is clipped and nothing overflows: logits of ±100 give
//! finite losses and gradients (log-sum-exp with the row maximum subtracted; `ln(1 + e^-|z|)`).
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::nn::losses::CategoricalCrossentropy;
//!
//! #[differentiable(wrt(logits))]
//! fn loss(logits: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
//!     CategoricalCrossentropy::new().from_logits(true).call(y, logits)
//! }
//!
//! let y = DMatrix::from_row_slice(1, 3, &[0.0, 1.0, 0.0]);
//! let z = DMatrix::from_row_slice(1, 3, &[1.0, 2.0, 3.0]);
//! let (l, dz) = loss_grad(&z, &y);
//! let p = autodiff::ops::softmax(&z);
//! assert!((l + p[(0, 1)].ln()).abs() < 1e-12);
//! assert!((dz[(0, 1)] - (p[(0, 1)] - 1.0)).abs() < 1e-12); // softmax - one_hot
//! ```

use crate::Real;
use crate::matrix::MatrixScalar;
use crate::nalgebra::DMatrix;
use crate::{custom_derivative, differentiable};

use super::loss_hessians as hess;
use super::regression_losses::mae_rows;
pub use super::regression_losses::{Huber, huber};

/// A loss configuration holds no differentiated floats (Huber's `delta` is a constant):
/// `order = 2` code passes it to the loss's second-order companion as it is (it is never
/// differentiated, so it has no gradient and no directions).
macro_rules! config_second_order {
    ($($name:ty),*) => {$(
        impl crate::__private::SecondOrder for $name {
            type Scalar = f64;
            type Grad = ();
            type Lifted = $name;
            type LiftedGrad = ();
            fn lift(&self, _: &()) -> $name {
                *self
            }
            fn lift_const(&self) -> $name {
                *self
            }
            fn split(_: ()) -> ((), ()) {
                ((), ())
            }
            fn count(&self) -> usize {
                0
            }
            fn basis(&self, _: usize) {}
            fn flatten(_: &(), _: &mut Vec<f64>) {}
        }
    )*};
}
config_second_order!(
    MeanSquaredError,
    MeanAbsoluteError,
    Huber,
    CategoricalCrossentropy,
    BinaryCrossentropy,
    SparseCategoricalCrossentropy
);

/// How per-sample losses become one number (Keras' `reduction=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reduction {
    /// The mean over samples (`"sum_over_batch_size"`, Keras' default).
    #[default]
    SumOverBatchSize,
    /// The sum over samples (`"sum"`).
    Sum,
}

impl Reduction {
    /// The factor applied to the sum of per-sample losses of a batch of `n`.
    fn factor<T: Real>(self, n: usize) -> T {
        match self {
            Reduction::Sum => T::one(),
            Reduction::SumOverBatchSize => T::one() / T::from_usize(n.max(1)),
        }
    }
}

/// `Σ xs` by pairwise summation, as TensorFlow's tree reductions: the rounding error grows as
/// `ε log n` rather than `ε n`, so an `f32` loss over a large batch keeps its digits (a naive
/// `f32` sum of 20,000 per-sample losses is off by about 1e-4).
pub(super) fn pairwise_sum<T: Real>(xs: &[T]) -> T {
    if xs.len() <= 32 {
        xs.iter().fold(T::zero(), |a, &x| a + x)
    } else {
        let (a, b) = xs.split_at(xs.len() / 2);
        pairwise_sum(a) + pairwise_sum(b)
    }
}

/// Keras' `backend.epsilon()`.
pub(super) fn epsilon<T: Real>() -> T {
    T::from_f64(1e-7)
}

/// `clip(v, ε, 1-ε)` as `tf.clip_by_value`: a NaN stays NaN (`f64::max` would replace it by
/// `ε`, and a row of zeros, `0 / 0`, or a NaN from the model would give a finite loss whose
/// gradient is NaN, where Keras gives a NaN loss that `check_finite` reports).
pub(super) fn clip_probability<T: Real>(v: T) -> T {
    let (eps, hi) = (epsilon::<T>(), T::one() - epsilon::<T>());
    if v.is_nan() { v } else { v.max(eps).min(hi) }
}

/// Per-sample losses and the matrix of `∂ loss_i / ∂ y_pred[i, j]`.
pub(super) type Rows<T> = (Vec<T>, DMatrix<T>);

/// Panics unless both matrices have the same shape.
pub(super) fn same_shape<T: Real>(loss: &str, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) {
    assert_eq!(
        y_true.shape(),
        y_pred.shape(),
        "{loss}: y_true is {:?} but y_pred is {:?}",
        y_true.shape(),
        y_pred.shape()
    );
}

/// `max_j z_ij` and `ln Σ_j e^(z_ij - max)`, the stable log-sum-exp of row `i`.
pub(super) fn row_lse<T: Real>(z: &DMatrix<T>, i: usize) -> (T, T) {
    let mut m = z[(i, 0)];
    for j in 1..z.ncols() {
        if z[(i, j)] > m {
            m = z[(i, j)];
        }
    }
    // A row whose maximum is infinite is not shifted (as TF): the result is then inf or NaN.
    let shift = if m.is_finite() { m } else { T::zero() };
    let mut s = T::zero();
    for j in 0..z.ncols() {
        s += (z[(i, j)] - shift).exp();
    }
    (shift, s.ln())
}

/// MSE rows: `L_i = mean_j (p - y)²`, `∂L_i/∂p_ij = 2(p - y)/C`.
fn mse_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>) -> Rows<T> {
    same_shape("MeanSquaredError", y, p);
    let c = T::from_usize(p.ncols().max(1));
    let d = DMatrix::from_fn(p.nrows(), p.ncols(), |i, j| p[(i, j)] - y[(i, j)]);
    let losses = (0..p.nrows())
        .map(|i| d.row(i).iter().fold(T::zero(), |a, &e| a + e * e) / c)
        .collect();
    let two = T::from_f64(2.0);
    (losses, d.map(|e| two * e / c))
}

/// Softmax cross-entropy rows from logits: `L_i = Σ_j y_ij (lse_i - z_ij)`,
/// `∂L_i/∂z_ij = softmax(z)_ij · Σ_k y_ik - y_ij`.
fn cce_logits_rows<T: Real>(y: &DMatrix<T>, z: &DMatrix<T>) -> Rows<T> {
    same_shape("CategoricalCrossentropy", y, z);
    let mut losses = Vec::with_capacity(z.nrows());
    let mut grad = DMatrix::from_element(z.nrows(), z.ncols(), T::zero());
    for i in 0..z.nrows() {
        let (shift, lse) = row_lse(z, i);
        let (mut l, mut ysum) = (T::zero(), T::zero());
        for j in 0..z.ncols() {
            let log_p = z[(i, j)] - shift - lse;
            if y[(i, j)] != T::zero() {
                l -= y[(i, j)] * log_p;
            }
            ysum += y[(i, j)];
        }
        for j in 0..z.ncols() {
            grad[(i, j)] = (z[(i, j)] - shift - lse).exp() * ysum - y[(i, j)];
        }
        losses.push(l);
    }
    (losses, grad)
}

/// Cross-entropy rows from probabilities: `q = p / Σp`, `c = clip(q, ε, 1-ε)`,
/// `L_i = -Σ_j y_ij ln c_ij`; with `g_j = -y_j / c_j` where `q_j` is inside the clip range (else
/// 0), `∂L_i/∂p_ik = (g_k - Σ_j g_j q_j) / Σp`.
fn cce_probs_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>) -> Rows<T> {
    same_shape("CategoricalCrossentropy", y, p);
    let (eps, one) = (epsilon::<T>(), T::one());
    let hi = one - eps;
    let mut losses = Vec::with_capacity(p.nrows());
    let mut grad = DMatrix::from_element(p.nrows(), p.ncols(), T::zero());
    let mut g = vec![T::zero(); p.ncols()];
    for i in 0..p.nrows() {
        let s = p.row(i).iter().fold(T::zero(), |a, &v| a + v);
        let (mut l, mut gq) = (T::zero(), T::zero());
        for j in 0..p.ncols() {
            let q = p[(i, j)] / s;
            let c = clip_probability(q);
            if y[(i, j)] != T::zero() {
                l -= y[(i, j)] * c.ln();
            }
            g[j] = if q >= eps && q <= hi {
                -y[(i, j)] / c
            } else {
                T::zero()
            };
            gq += g[j] * q;
        }
        for j in 0..p.ncols() {
            grad[(i, j)] = (g[j] - gq) / s;
        }
        losses.push(l);
    }
    (losses, grad)
}

/// Panics unless there is one label per row, each a valid class.
fn check_labels<T: Real>(labels: &[usize], y_pred: &DMatrix<T>) {
    assert_eq!(
        labels.len(),
        y_pred.nrows(),
        "SparseCategoricalCrossentropy: {} labels but y_pred has {} rows",
        labels.len(),
        y_pred.nrows()
    );
    if let Some((i, &c)) = labels
        .iter()
        .enumerate()
        .find(|(_, c)| **c >= y_pred.ncols())
    {
        panic!(
            "SparseCategoricalCrossentropy: label {c} of sample {i} is not below the {} classes",
            y_pred.ncols()
        );
    }
}

/// Sparse softmax cross-entropy rows: `L_i = lse_i - z_{i,y_i}`, `∂L/∂z = softmax - one_hot`.
fn sparse_logits_rows<T: Real>(labels: &[usize], z: &DMatrix<T>) -> Rows<T> {
    check_labels(labels, z);
    let mut losses = Vec::with_capacity(z.nrows());
    let mut grad = DMatrix::from_element(z.nrows(), z.ncols(), T::zero());
    for (i, &c) in labels.iter().enumerate() {
        let (shift, lse) = row_lse(z, i);
        losses.push(lse - (z[(i, c)] - shift));
        for j in 0..z.ncols() {
            grad[(i, j)] = (z[(i, j)] - shift - lse).exp();
        }
        grad[(i, c)] -= T::one();
    }
    (losses, grad)
}

/// Sparse cross-entropy rows from probabilities, as Keras: `c = clip(p, ε, 1-ε)`, then softmax
/// cross-entropy on `ln c`, so `L_i = -ln c_{i,y} + ln Σ_j c_ij` (renormalised after clipping);
/// `∂L_i/∂p_ik = m_k (1/Σc - [k = y] / c_k)` with `m_k` = inside the clip range.
fn sparse_probs_rows<T: Real>(labels: &[usize], p: &DMatrix<T>) -> Rows<T> {
    check_labels(labels, p);
    let (eps, one) = (epsilon::<T>(), T::one());
    let hi = one - eps;
    let mut losses = Vec::with_capacity(p.nrows());
    let mut grad = DMatrix::from_element(p.nrows(), p.ncols(), T::zero());
    for (i, &y) in labels.iter().enumerate() {
        let clip = clip_probability::<T>;
        let s = p.row(i).iter().fold(T::zero(), |a, &v| a + clip(v));
        let cy = clip(p[(i, y)]);
        losses.push(s.ln() - cy.ln());
        for k in 0..p.ncols() {
            let v = p[(i, k)];
            if v >= eps && v <= hi {
                let own = if k == y { one / cy } else { T::zero() };
                grad[(i, k)] = one / s - own;
            }
        }
    }
    (losses, grad)
}

/// Binary cross-entropy rows from logits (TF's `sigmoid_cross_entropy_with_logits`):
/// `L_i = mean_j [max(z,0) - z·y + ln(1 + e^-|z|)]`, `∂L_i/∂z_ij = (σ(z) - y)/C`.
fn bce_logits_rows<T: Real>(y: &DMatrix<T>, z: &DMatrix<T>) -> Rows<T> {
    same_shape("BinaryCrossentropy", y, z);
    let c = T::from_usize(z.ncols().max(1));
    let one = T::one();
    let mut losses = Vec::with_capacity(z.nrows());
    let mut grad = DMatrix::from_element(z.nrows(), z.ncols(), T::zero());
    for i in 0..z.nrows() {
        let mut l = T::zero();
        for j in 0..z.ncols() {
            let (zz, yy) = (z[(i, j)], y[(i, j)]);
            l += zz.max(T::zero()) - zz * yy + (-zz.abs()).exp().ln_1p();
            // σ(z) without overflow: e^-|z| never exceeds 1.
            let e = (-zz.abs()).exp();
            let sig = if zz >= T::zero() {
                one / (one + e)
            } else {
                e / (one + e)
            };
            grad[(i, j)] = (sig - yy) / c;
        }
        losses.push(l / c);
    }
    (losses, grad)
}

/// Binary cross-entropy rows from probabilities, as Keras 3: `c = clip(p, ε, 1-ε)`,
/// `L_i = mean_j -[y ln c + (1-y) ln(1-c)]`, `∂L_i/∂p_ij = (-y/c + (1-y)/(1-c))/C` inside the clip
/// range, else 0.
fn bce_probs_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>) -> Rows<T> {
    same_shape("BinaryCrossentropy", y, p);
    let (eps, one) = (epsilon::<T>(), T::one());
    let hi = one - eps;
    let n = T::from_usize(p.ncols().max(1));
    let mut losses = Vec::with_capacity(p.nrows());
    let mut grad = DMatrix::from_element(p.nrows(), p.ncols(), T::zero());
    for i in 0..p.nrows() {
        let mut l = T::zero();
        for j in 0..p.ncols() {
            let (v, yy) = (p[(i, j)], y[(i, j)]);
            let c = clip_probability(v);
            l -= yy * c.ln() + (one - yy) * (one - c).ln();
            if v >= eps && v <= hi {
                grad[(i, j)] = (-yy / c + (one - yy) / (one - c)) / n;
            }
        }
        losses.push(l / n);
    }
    (losses, grad)
}

/// MSE rows (`from_logits` does not apply).
fn mse_any<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, _from_logits: bool) -> Rows<T> {
    mse_rows(y, p)
}

/// MAE rows (`from_logits` does not apply).
fn mae_any<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, _from_logits: bool) -> Rows<T> {
    mae_rows(y, p)
}

/// Categorical cross-entropy rows from logits or probabilities.
fn cce_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, from_logits: bool) -> Rows<T> {
    if from_logits {
        cce_logits_rows(y, p)
    } else {
        cce_probs_rows(y, p)
    }
}

/// Binary cross-entropy rows from logits or probabilities.
fn bce_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, from_logits: bool) -> Rows<T> {
    if from_logits {
        bce_logits_rows(y, p)
    } else {
        bce_probs_rows(y, p)
    }
}

/// The reduced loss and its pullback from per-sample rows.
pub(super) fn reduce_vjp<T: Real>(
    rows: Rows<T>,
    reduction: Reduction,
) -> (T, impl Fn(T) -> DMatrix<T>) {
    let (losses, grad) = rows;
    let f: T = reduction.factor(losses.len());
    let value = pairwise_sum(&losses) * f;
    (value, move |g: T| grad.map(|v| v * (g * f)))
}

/// The reduced loss and its directional derivative `f · Σ ∂L ⊙ t` from per-sample rows.
pub(super) fn reduce_jvp<T: Real>(rows: Rows<T>, reduction: Reduction, t: &DMatrix<T>) -> (T, T) {
    let (losses, grad) = rows;
    let f: T = reduction.factor(losses.len());
    let value = pairwise_sum(&losses) * f;
    if t.is_empty() {
        return (value, T::zero()); // a symbolic zero tangent
    }
    assert_eq!(
        grad.shape(),
        t.shape(),
        "loss tangent: shape {:?} for y_pred of shape {:?}",
        t.shape(),
        grad.shape()
    );
    let products: Vec<T> = grad.iter().zip(t.iter()).map(|(&d, &v)| d * v).collect();
    let dot = pairwise_sum(&products);
    (value, dot * f)
}

/// The reduced loss, its gradient and `H·v` from per-sample rows and per-sample `H_i·v_i`
/// (what an `hvp` rule returns): each scaled by the reduction's factor, as `Σ_i` is linear.
pub(super) fn reduce_hvp<T: Real>(
    rows: Rows<T>,
    hv: DMatrix<T>,
    reduction: Reduction,
) -> (T, DMatrix<T>, DMatrix<T>) {
    let (losses, grad) = rows;
    let f: T = reduction.factor(losses.len());
    let value = pairwise_sum(&losses) * f;
    (value, grad.map(|g| g * f), hv.map(|h| h * f))
}

/// Panics unless the direction has `y_pred`'s shape.
pub(super) fn same_direction<T: Real>(y_pred: &DMatrix<T>, v: &DMatrix<T>) {
    assert_eq!(
        y_pred.shape(),
        v.shape(),
        "loss hvp: direction of shape {:?} for y_pred of shape {:?}",
        v.shape(),
        y_pred.shape()
    );
}

/// MSE `H_i·v_i` (`from_logits` does not apply).
/// MAE: `∇²L_i = 0` (piecewise linear; at `p = y` the second derivative is taken as 0).
fn mae_hv_any<T: Real>(
    _y: &DMatrix<T>,
    _p: &DMatrix<T>,
    _from_logits: bool,
    v: &DMatrix<T>,
) -> DMatrix<T> {
    v.map(|_| T::zero())
}

fn mse_hv_any<T: Real>(
    _y: &DMatrix<T>,
    p: &DMatrix<T>,
    _from_logits: bool,
    v: &DMatrix<T>,
) -> DMatrix<T> {
    hess::mse_hv(p, v)
}

/// Categorical cross-entropy `H_i·v_i` from logits or probabilities.
fn cce_hv<T: Real>(
    y: &DMatrix<T>,
    p: &DMatrix<T>,
    from_logits: bool,
    v: &DMatrix<T>,
) -> DMatrix<T> {
    if from_logits {
        hess::cce_logits_hv(y, p, v)
    } else {
        hess::cce_probs_hv(y, p, v)
    }
}

/// Binary cross-entropy `H_i·v_i` from logits or probabilities.
fn bce_hv<T: Real>(
    y: &DMatrix<T>,
    p: &DMatrix<T>,
    from_logits: bool,
    v: &DMatrix<T>,
) -> DMatrix<T> {
    if from_logits {
        hess::bce_logits_hv(p, v)
    } else {
        hess::bce_probs_hv(y, p, v)
    }
}

/// Sums per-sample losses with the reduction's factor.
pub(super) fn reduce<T: Real>(losses: &[T], reduction: Reduction) -> T {
    pairwise_sum(losses) * reduction.factor(losses.len())
}

macro_rules! dense_target_loss {
    (
        $(#[$doc:meta])*
        $name:ident, $fn:ident, $rule:ident, $tangent:ident, $second:ident, $rows:ident, $hv:ident
    ) => {
        $(#[$doc])*
        #[custom_derivative(vjp = $rule, jvp = $tangent, hvp = $second)]
        pub fn $fn<T: MatrixScalar>(
            #[no_grad] y_true: &DMatrix<T>,
            y_pred: &DMatrix<T>,
            #[no_grad] from_logits: bool,
            #[no_grad] reduction: Reduction,
        ) -> T {
            reduce(&$rows(y_true, y_pred, from_logits).0, reduction)
        }

        fn $rule<'a, T: MatrixScalar>(
            y_true: &'a DMatrix<T>,
            y_pred: &'a DMatrix<T>,
            from_logits: bool,
            reduction: Reduction,
        ) -> (T, impl Fn(T) -> DMatrix<T> + use<T>) {
            reduce_vjp($rows(y_true, y_pred, from_logits), reduction)
        }

        fn $tangent<T: MatrixScalar>(
            y_true: &DMatrix<T>,
            y_pred: &DMatrix<T>,
            from_logits: bool,
            reduction: Reduction,
            t: DMatrix<T>,
        ) -> (T, T) {
            reduce_jvp($rows(y_true, y_pred, from_logits), reduction, &t)
        }

        #[allow(clippy::type_complexity)]
        fn $second<T: Real>(
            y_true: &DMatrix<T>,
            y_pred: &DMatrix<T>,
            from_logits: bool,
            reduction: Reduction,
            v: DMatrix<T>,
        ) -> (T, DMatrix<T>, DMatrix<T>) {
            same_direction(y_pred, &v);
            let hv = $hv(y_true, y_pred, from_logits, &v);
            reduce_hvp($rows(y_true, y_pred, from_logits), hv, reduction)
        }
    };
}

dense_target_loss!(
    /// The mean squared error of `y_pred` against `y_true` (`batch × outputs`), reduced over the
    /// batch; `from_logits` is ignored. Differentiable in `y_pred`. See [`MeanSquaredError`].
    mean_squared_error, mean_squared_error, mse_rule, mse_tangent, mse_second,
    mse_any, mse_hv_any
);

dense_target_loss!(
    /// The mean absolute error of `y_pred` against `y_true` (`batch × outputs`), reduced over the
    /// batch; `from_logits` is ignored. Differentiable in `y_pred`. See [`MeanAbsoluteError`].
    mean_absolute_error, mean_absolute_error, mae_rule, mae_tangent, mae_second,
    mae_any, mae_hv_any
);

dense_target_loss!(
    /// Categorical cross-entropy of one-hot (or soft) targets `y_true` and logits or
    /// probabilities `y_pred`, both `batch × classes`, reduced over the batch. Differentiable in
    /// `y_pred`. See [`CategoricalCrossentropy`].
    categorical_crossentropy, categorical_crossentropy, cce_rule, cce_tangent, cce_second,
    cce_rows, cce_hv
);

dense_target_loss!(
    /// Binary cross-entropy of 0/1 targets and logits or probabilities, `batch × outputs`,
    /// reduced over the batch. Differentiable in `y_pred`. See [`BinaryCrossentropy`].
    binary_crossentropy, binary_crossentropy, bce_rule, bce_tangent, bce_second,
    bce_rows, bce_hv
);

/// Sparse categorical cross-entropy of integer labels (`batch`) and logits or probabilities
/// (`batch × classes`), reduced over the batch. Differentiable in `y_pred`. See
/// [`SparseCategoricalCrossentropy`].
///
/// # Panics
///
/// If the label count differs from the rows of `y_pred`, or a label is not a valid class.
#[custom_derivative(vjp = sparse_rule, jvp = sparse_tangent, hvp = sparse_second)]
pub fn sparse_categorical_crossentropy<T: MatrixScalar>(
    labels: &[usize],
    y_pred: &DMatrix<T>,
    #[no_grad] from_logits: bool,
    #[no_grad] reduction: Reduction,
) -> T {
    reduce(&sparse_rows(labels, y_pred, from_logits).0, reduction)
}

fn sparse_rows<T: Real>(labels: &[usize], p: &DMatrix<T>, logits: bool) -> Rows<T> {
    if logits {
        sparse_logits_rows(labels, p)
    } else {
        sparse_probs_rows(labels, p)
    }
}

fn sparse_rule<'a, T: MatrixScalar>(
    labels: &'a [usize],
    y_pred: &'a DMatrix<T>,
    from_logits: bool,
    reduction: Reduction,
) -> (T, impl Fn(T) -> DMatrix<T> + use<T>) {
    reduce_vjp(sparse_rows(labels, y_pred, from_logits), reduction)
}

fn sparse_tangent<T: MatrixScalar>(
    labels: &[usize],
    y_pred: &DMatrix<T>,
    from_logits: bool,
    reduction: Reduction,
    t: DMatrix<T>,
) -> (T, T) {
    reduce_jvp(sparse_rows(labels, y_pred, from_logits), reduction, &t)
}

fn sparse_second<T: Real>(
    labels: &[usize],
    y_pred: &DMatrix<T>,
    from_logits: bool,
    reduction: Reduction,
    v: DMatrix<T>,
) -> (T, DMatrix<T>, DMatrix<T>) {
    same_direction(y_pred, &v);
    let rows = sparse_rows(labels, y_pred, from_logits);
    let hv = if from_logits {
        hess::sparse_logits_hv(y_pred, &v)
    } else {
        hess::sparse_probs_hv(labels, y_pred, &v)
    };
    reduce_hvp(rows, hv, reduction)
}

macro_rules! loss_struct {
    (
        $(#[$doc:meta])*
        $name:ident, $fn:ident, $rows:ident, logits: $has_logits:tt
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            from_logits: bool,
            reduction: Reduction,
        }

        impl $name {
            /// The loss with Keras' defaults (`from_logits=False`, `"sum_over_batch_size"`).
            pub fn new() -> Self {
                Self::default()
            }

            loss_struct!(@logits $has_logits);

            /// How per-sample losses are combined (default: their mean).
            pub fn reduction(mut self, reduction: Reduction) -> Self {
                self.reduction = reduction;
                self
            }

            /// The reduced loss; differentiable in `y_pred`.
            ///
            /// # Panics
            ///
            /// If the shapes of `y_true` and `y_pred` differ.
            #[differentiable(order = 2, wrt(y_pred))]
            pub fn call<T: MatrixScalar>(&self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) -> T {
                $fn(y_true, y_pred, self.from_logits, self.reduction)
            }

            /// The per-sample losses (Keras' `reduction=None`); not differentiated.
            pub fn per_sample<T: MatrixScalar>(&self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) -> Vec<T> {
                $rows(y_true, y_pred, self.from_logits).0
            }
        }
    };
    (@logits true) => {
        /// Whether `y_pred` holds logits (default `false`: probabilities).
        pub fn from_logits(mut self, yes: bool) -> Self {
            self.from_logits = yes;
            self
        }
    };
    (@logits false) => {};
}

loss_struct!(
    /// Mean squared error (Keras' `MeanSquaredError`): per sample `mean_j (p_ij - y_ij)²`, then
    /// the mean over the batch by default.
    ///
    /// ```
    /// use autodiff::nn::losses::MeanSquaredError;
    /// use autodiff::prelude::*;
    ///
    /// let y = DMatrix::from_row_slice(2, 1, &[1.0, 2.0]);
    /// let p = DMatrix::from_row_slice(2, 1, &[1.5, 1.0]);
    /// let mse = MeanSquaredError::new();
    /// let (l, g) = mse.call_vjp(&y, &p);
    /// assert!((l - 0.625).abs() < 1e-12); // (0.25 + 1) / 2
    /// assert!((g(1.0)[(1, 0)] + 1.0).abs() < 1e-12); // 2·(1 - 2) / 2
    /// ```
    MeanSquaredError, mean_squared_error, mse_any, logits: false
);

loss_struct!(
    /// Mean absolute error (Keras' `MeanAbsoluteError`): per sample `mean_j |p_ij - y_ij|`, then the
    /// mean over the batch by default. Its gradient at `p = y` is 0, as TensorFlow's.
    ///
    /// ```
    /// use autodiff::nn::losses::MeanAbsoluteError;
    /// use autodiff::prelude::*;
    ///
    /// let y = DMatrix::from_row_slice(2, 1, &[1.0, 2.0]);
    /// let p = DMatrix::from_row_slice(2, 1, &[1.5, 1.0]);
    /// let mae = MeanAbsoluteError::new();
    /// let (l, g) = mae.call_vjp(&y, &p);
    /// assert!((l - 0.75).abs() < 1e-12); // (0.5 + 1) / 2
    /// assert!((g(1.0)[(1, 0)] + 0.5).abs() < 1e-12); // sign(1 - 2) / 2
    /// ```
    MeanAbsoluteError, mean_absolute_error, mae_any, logits: false
);

loss_struct!(
    /// Categorical cross-entropy (Keras' `CategoricalCrossentropy`) of one-hot or soft targets.
    /// With `from_logits(true)`, `y_pred` are logits and the softmax is taken inside, stably;
    /// otherwise each row of `y_pred` is divided by its sum and clipped to `[ε, 1-ε]`.
    CategoricalCrossentropy, categorical_crossentropy,
    cce_rows,
    logits: true
);

loss_struct!(
    /// Binary cross-entropy (Keras' `BinaryCrossentropy`), the mean over outputs per sample.
    /// With `from_logits(true)` it is TF's `sigmoid_cross_entropy_with_logits`; otherwise
    /// probabilities are clipped to `[ε, 1-ε]`.
    BinaryCrossentropy, binary_crossentropy,
    bce_rows,
    logits: true
);

/// Sparse categorical cross-entropy (Keras' `SparseCategoricalCrossentropy`): integer labels,
/// logits (`from_logits(true)`) or probabilities, which Keras clips to `[ε, 1-ε]` and then
/// renormalises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SparseCategoricalCrossentropy {
    from_logits: bool,
    reduction: Reduction,
}

impl SparseCategoricalCrossentropy {
    /// The loss with Keras' defaults (`from_logits=False`, `"sum_over_batch_size"`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `y_pred` holds logits (default `false`: probabilities).
    pub fn from_logits(mut self, yes: bool) -> Self {
        self.from_logits = yes;
        self
    }

    /// How per-sample losses are combined (default: their mean).
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    /// The reduced loss of class indices `labels` (`batch`) and `y_pred` (`batch × classes`);
    /// differentiable in `y_pred`.
    ///
    /// # Panics
    ///
    /// If the label count differs from the rows of `y_pred`, or a label is not a valid class.
    #[differentiable(order = 2, wrt(y_pred))]
    pub fn call<T: MatrixScalar>(&self, labels: &[usize], y_pred: &DMatrix<T>) -> T {
        sparse_categorical_crossentropy(labels, y_pred, self.from_logits, self.reduction)
    }

    /// The per-sample losses (Keras' `reduction=None`); not differentiated.
    pub fn per_sample<T: MatrixScalar>(&self, labels: &[usize], y_pred: &DMatrix<T>) -> Vec<T> {
        sparse_rows(labels, y_pred, self.from_logits).0
    }
}
