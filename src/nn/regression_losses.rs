//! Keras' `MeanAbsoluteError` rows (its loss is declared in [`losses`](super::losses) with the
//! other dense-target losses) and the `Huber` loss, whose `delta` those losses' macros do not
//! carry: per-sample rows with hand-written derivatives, reduced as the other losses (pairwise,
//! mean over the batch by default), with `hvp` rules so that `order = 2` code can call them.

use crate::Real;
use crate::matrix::MatrixScalar;
use crate::nalgebra::DMatrix;
use crate::{custom_derivative, differentiable};

use super::losses::{
    Reduction, Rows, reduce, reduce_hvp, reduce_jvp, reduce_vjp, same_direction, same_shape,
};

/// `sign(e)` as TensorFlow's: 0 at 0, NaN at NaN.
fn sign<T: Real>(e: T) -> T {
    if e > T::zero() {
        T::one()
    } else if e < T::zero() {
        -T::one()
    } else if e.is_nan() {
        e
    } else {
        T::zero()
    }
}

/// MAE rows: `L_i = mean_j |p_ij - y_ij|`, `∂L_i/∂p_ij = sign(p - y)/C` (0 where `p = y`, as
/// TensorFlow's `abs` gradient).
pub(super) fn mae_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>) -> Rows<T> {
    same_shape("MeanAbsoluteError", y, p);
    let c = T::from_usize(p.ncols().max(1));
    let losses = (0..p.nrows())
        .map(|i| (0..p.ncols()).fold(T::zero(), |a, j| a + (p[(i, j)] - y[(i, j)]).abs()) / c)
        .collect();
    let grad = DMatrix::from_fn(p.nrows(), p.ncols(), |i, j| sign(p[(i, j)] - y[(i, j)]) / c);
    (losses, grad)
}

/// Huber rows, Keras' `Huber(delta)`: with `e = p - y`, `h(e) = ½e²` where `|e| <= δ`, else
/// `δ|e| - ½δ²`; `L_i = mean_j h(e_ij)`, `∂L_i/∂p_ij = (|e| <= δ ? e : δ·sign(e))/C`.
fn huber_rows<T: Real>(y: &DMatrix<T>, p: &DMatrix<T>, delta: f64) -> Rows<T> {
    same_shape("Huber", y, p);
    let (c, d, half) = (
        T::from_usize(p.ncols().max(1)),
        T::from_f64(delta),
        T::from_f64(0.5),
    );
    let h = |e: T| {
        if e.abs() <= d {
            half * e * e
        } else {
            d * e.abs() - half * d * d
        }
    };
    let losses = (0..p.nrows())
        .map(|i| (0..p.ncols()).fold(T::zero(), |a, j| a + h(p[(i, j)] - y[(i, j)])) / c)
        .collect();
    let grad = DMatrix::from_fn(p.nrows(), p.ncols(), |i, j| {
        let e = p[(i, j)] - y[(i, j)];
        let g = if e.abs() <= d { e } else { d * sign(e) };
        g / c
    });
    (losses, grad)
}

/// The Huber loss of `y_pred` against `y_true` (`batch × outputs`) with threshold `delta`,
/// reduced over the batch. Differentiable in `y_pred`. See [`Huber`].
#[custom_derivative(vjp = huber_rule, jvp = huber_tangent, hvp = huber_second)]
pub fn huber<T: MatrixScalar>(
    #[no_grad] y_true: &DMatrix<T>,
    y_pred: &DMatrix<T>,
    #[no_grad] delta: f64,
    #[no_grad] reduction: Reduction,
) -> T {
    reduce(&huber_rows(y_true, y_pred, delta).0, reduction)
}

fn huber_rule<'a, T: MatrixScalar>(
    y_true: &'a DMatrix<T>,
    y_pred: &'a DMatrix<T>,
    delta: f64,
    reduction: Reduction,
) -> (T, impl Fn(T) -> DMatrix<T> + use<T>) {
    reduce_vjp(huber_rows(y_true, y_pred, delta), reduction)
}

fn huber_tangent<T: MatrixScalar>(
    y_true: &DMatrix<T>,
    y_pred: &DMatrix<T>,
    delta: f64,
    reduction: Reduction,
    t: DMatrix<T>,
) -> (T, T) {
    reduce_jvp(huber_rows(y_true, y_pred, delta), reduction, &t)
}

/// `∂²L_i/∂p_ij² = [|e_ij| <= δ]/C` (diagonal): `H·v = [|e| <= δ]·v/C`.
#[allow(clippy::type_complexity)]
fn huber_second<T: Real>(
    y_true: &DMatrix<T>,
    y_pred: &DMatrix<T>,
    delta: f64,
    reduction: Reduction,
    v: DMatrix<T>,
) -> (T, DMatrix<T>, DMatrix<T>) {
    same_direction(y_pred, &v);
    let (c, d) = (T::from_usize(y_pred.ncols().max(1)), T::from_f64(delta));
    let hv = DMatrix::from_fn(v.nrows(), v.ncols(), |i, j| {
        if (y_pred[(i, j)] - y_true[(i, j)]).abs() <= d {
            v[(i, j)] / c
        } else {
            T::zero()
        }
    });
    reduce_hvp(huber_rows(y_true, y_pred, delta), hv, reduction)
}

/// The Huber loss (Keras' `Huber`, default `delta = 1`): per sample the mean over outputs of
/// `½e²` where `|e| <= delta` and `delta·|e| - ½delta²` beyond, `e = p - y`; then the mean over
/// the batch by default. Quadratic near the target, linear (robust to outliers) far from it.
///
/// ```
/// use autodiff::nn::losses::Huber;
/// use autodiff::prelude::*;
///
/// let y = DMatrix::from_row_slice(2, 1, &[0.0, 0.0]);
/// let p = DMatrix::from_row_slice(2, 1, &[0.5, 3.0]);
/// let huber = Huber::new();
/// let (l, g) = huber.call_vjp(&y, &p);
/// assert!((l - (0.125 + 2.5) / 2.0).abs() < 1e-12);
/// assert!((g(1.0)[(1, 0)] - 0.5).abs() < 1e-12); // delta·sign(e) / 2
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Huber {
    delta: f64,
    reduction: Reduction,
}

impl Default for Huber {
    fn default() -> Self {
        Huber {
            delta: 1.0,
            reduction: Reduction::default(),
        }
    }
}

impl Huber {
    /// The loss with Keras' defaults (`delta = 1.0`, `"sum_over_batch_size"`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the loss turns from quadratic to linear (default 1).
    ///
    /// # Panics
    ///
    /// If `delta` is negative or not finite.
    pub fn delta(mut self, delta: f64) -> Self {
        assert!(
            delta >= 0.0 && delta.is_finite(),
            "Huber: delta must be finite and not negative, got {delta}"
        );
        self.delta = delta;
        self
    }

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
        huber(y_true, y_pred, self.delta, self.reduction)
    }

    /// The per-sample losses (Keras' `reduction=None`); not differentiated.
    pub fn per_sample<T: MatrixScalar>(&self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) -> Vec<T> {
        huber_rows(y_true, y_pred, self.delta).0
    }
}
