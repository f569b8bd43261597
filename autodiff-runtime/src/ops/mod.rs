//! Differentiable matrix operations: activations, the row-wise softmax family, broadcasting and
//! reductions, each with its own derivative rule.
//!
//! Every op takes nalgebra matrices by reference (any owned shape: `DMatrix`, `DVector`,
//! `RowDVector`, `SMatrix`, ..., over `f32` or `f64`) and returns an owned matrix. Rows are
//! samples and columns features, as in TensorFlow's `(batch, features)` layout.
//!
//! | op | result | TensorFlow |
//! |---|---|---|
//! | [`relu`], [`leaky_relu`], [`sigmoid`], [`tanh`], [`softplus`] | same shape | `tf.nn.relu`, `tf.nn.leaky_relu`, `tf.sigmoid`, `tf.tanh`, `tf.math.softplus` |
//! | [`exp`], [`ln`], [`sqrt`], [`square`], [`abs`], [`powf`] | same shape | `tf.exp`, `tf.math.log`, `tf.sqrt`, `tf.square`, `tf.abs`, `tf.pow` |
//! | [`softmax`], [`log_softmax`] | same shape, per row | `tf.nn.softmax`, `tf.nn.log_softmax` (`axis=-1`) |
//! | [`logsumexp`] | `R×1`, one value per row | `tf.reduce_logsumexp(axis=1, keepdims=True)` |
//! | [`add_row`] | `R×C`, a `1×C` row added to every row | `x + b` with `b` of shape `(C,)` |
//! | [`sum_rows`], [`mean_rows`] | `1×C` | `tf.reduce_sum` / `tf.reduce_mean` with `axis=0, keepdims=True` |
//! | [`sum_cols`] | `R×1` | `tf.reduce_sum(axis=1, keepdims=True)` |
//!
//! Inside a `#[differentiable]` function a call `ops::relu(&h)` is differentiated through the
//! op's hidden companions (`__relu_derivative_…` for reverse mode, `__relu_forward_derivative_…`
//! for forward mode, named with a hash suffix that `scripts/companion_names.py relu` prints),
//! which the macro calls by name. A dense softmax layer and its cross-entropy, with the gradient TensorFlow's tape would give:
//!
//! ```
//! use autodiff::approx::assert_relative_eq;
//! use autodiff::prelude::*;
//!
//! /// Mean cross-entropy; sample 0 is of class 0, sample 1 of class 2.
//! #[differentiable]
//! fn loss(w: &DMatrix<f64>, b: &RowDVector<f64>, #[no_grad] x: &DMatrix<f64>) -> f64 {
//!     let z = x * w;
//!     let logits = ops::add_row(&z, b);
//!     let lp = ops::log_softmax(&logits);
//!     -(lp[(0, 0)] + lp[(1, 2)]) / 2.0
//! }
//!
//! let x = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, -1.0, 0.5]);
//! let w = DMatrix::from_row_slice(2, 3, &[0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
//! let b = RowDVector::from_row_slice(&[0.0, 0.1, -0.1]);
//! let (_, (dw, db)) = loss_grad(&w, &b, &x);
//!
//! // ∂loss/∂logits = (softmax - one_hot) / batch; db sums it over the samples, dw = xᵀ·it.
//! let p = ops::softmax(&ops::add_row(&(&x * &w), &b));
//! let one_hot = DMatrix::from_row_slice(2, 3, &[1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
//! let d_logits = (p - one_hot) / 2.0;
//! assert_relative_eq!(db, ops::sum_rows(&d_logits), epsilon = 1e-12);
//! assert_relative_eq!(dw, x.transpose() * d_logits, epsilon = 1e-12);
//! ```
//!
//! # Conventions at non-differentiable points
//!
//! As TensorFlow: `relu'(0) = 0`; `leaky_relu'(0) = alpha` (the slope applies for `x <= 0`);
//! `abs'(0) = 0`; `sqrt'(0) = +inf`; `ln'(0) = +inf`; `powf(x, p)` has `∂/∂x = 0` when `p = 0`
//! (also at `x = 0`) and `∂/∂p = 0` where `x <= 0`.
//!
//! # Numerical stability
//!
//! [`softmax`], [`log_softmax`] and [`logsumexp`] subtract each row's maximum before
//! exponentiating (a row whose maximum is infinite is not shifted, as TensorFlow), so logits of
//! ±1000 give finite values and finite gradients. [`sigmoid`] and [`softplus`] never
//! exponentiate a large positive number.

// The companions' signatures are fixed by the calling convention of generated code:
// `(value, impl Fn(cotangent) -> (slot, ..))`, which no type alias can name.
#![allow(clippy::type_complexity)]

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix, Scalar};

use crate::__private::TangentArg;
use crate::differentiable::Differentiable;
use crate::real::Real;

mod elementwise;
mod reduce;
mod rowwise;

pub use elementwise::*;
pub use reduce::*;
pub use rowwise::*;

#[cfg(test)]
mod testing;

/// The cotangent a pullback received, or `None` when it is a symbolic zero (a 0×0 matrix that
/// stands for zeros of any shape). Any other shape mismatch is a bug in the caller: panic naming
/// the op and both shapes rather than return a wrong gradient.
fn cotangent<T: Scalar, R: Dim, C: Dim>(
    op: &str,
    g: OMatrix<T, R, C>,
    shape: (usize, usize),
) -> Option<OMatrix<T, R, C>>
where
    DefaultAllocator: Allocator<R, C>,
{
    if g.shape() == shape {
        Some(g)
    } else if g.is_empty() {
        None
    } else {
        panic!(
            "ops::{op}: the cotangent is {}×{} but the output is {}×{}",
            g.nrows(),
            g.ncols(),
            shape.0,
            shape.1
        )
    }
}

/// The tangent of `primal` (zeros for `NoTangent` or a symbolic zero), checked against its shape.
fn tangent<T: Real, R: Dim, C: Dim>(
    op: &str,
    t: impl TangentArg<OMatrix<T, R, C>>,
    primal: &OMatrix<T, R, C>,
) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let t = t.tangent_or_zero(&ShapeOf(primal));
    if t.shape() == primal.shape() {
        t
    } else if t.is_empty() {
        zeros_like(primal)
    } else {
        panic!(
            "ops::{op}: the tangent is {}×{} but the argument is {}×{}",
            t.nrows(),
            t.ncols(),
            primal.nrows(),
            primal.ncols()
        )
    }
}

/// The columns of a column-major slice with `nrows` rows (none when there are no rows).
fn columns<T>(s: &[T], nrows: usize) -> core::slice::ChunksExact<'_, T> {
    s.chunks_exact(nrows.max(1))
}

/// The columns of a column-major slice with `nrows` rows, mutably.
fn columns_mut<T>(s: &mut [T], nrows: usize) -> core::slice::ChunksExactMut<'_, T> {
    s.chunks_exact_mut(nrows.max(1))
}

/// `out[i] = Σ_j a[i, j] * b[i, j]` for column-major `a` and `b` with `nrows` rows.
fn row_dots<T: Real>(a: &[T], b: &[T], nrows: usize) -> Vec<T> {
    let mut out = vec![T::zero(); nrows];
    for (ca, cb) in columns(a, nrows).zip(columns(b, nrows)) {
        for ((o, &x), &y) in out.iter_mut().zip(ca).zip(cb) {
            *o += x * y;
        }
    }
    out
}

/// `out[i] = Σ_j a[i, j]` for a column-major `a` with `nrows` rows.
fn row_sums<T: Real>(a: &[T], nrows: usize) -> Vec<T> {
    let mut out = vec![T::zero(); nrows];
    for col in columns(a, nrows) {
        for (o, &x) in out.iter_mut().zip(col) {
            *o += x;
        }
    }
    out
}

/// `out[j] = Σ_i m[i, j]`.
fn col_sums<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> Vec<T>
where
    DefaultAllocator: Allocator<R, C>,
{
    let n = m.nrows();
    let s = m.as_slice();
    (0..m.ncols())
        .map(|j| {
            s[j * n..(j + 1) * n]
                .iter()
                .fold(T::zero(), |acc, &x| acc + x)
        })
        .collect()
}

/// Zeros of `m`'s shape.
fn zeros_like<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let (r, c) = m.shape_generic();
    OMatrix::from_element_generic(r, c, T::zero())
}

/// A matrix seen only through its shape: what [`TangentArg::tangent_or_zero`] needs to build a
/// zero tangent, without depending on how `Differentiable` is implemented for matrices.
struct ShapeOf<'a, T: Scalar, R: Dim, C: Dim>(&'a OMatrix<T, R, C>)
where
    DefaultAllocator: Allocator<R, C>;

impl<T: Real, R: Dim, C: Dim> Differentiable for ShapeOf<'_, T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Adjoint = ();
    type Grad = ();
    type Tangent = OMatrix<T, R, C>;
    fn finish_grad(&self, _: Option<()>) {}
    fn adjoint_of(_: ()) {}
    fn zero_tangent(&self) -> OMatrix<T, R, C> {
        zeros_like(self.0)
    }
}
