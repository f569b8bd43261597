//! nalgebra matrices inside `#[differentiable]` functions: adjoints, rules and the derivative
//! companions of matrix methods and constructors.
//!
//! Everything here is implemented for nalgebra's *owned* matrices `OMatrix<T, R, C>` over
//! `T = f32` or `f64`, which covers `DMatrix`, `DVector`, `RowDVector`, `SMatrix` and `SVector`.
//!
//! - A matrix's adjoint, gradient and tangent are matrices of the same type and shape
//!   ([`Differentiable`](crate::Differentiable)). The reverse sweep's *symbolic zero* is a matrix
//!   whose dynamic dimensions are 0 (a `0×0` `DMatrix`, a `0×1` `DVector`); static dimensions keep
//!   their size, so a symbolic-zero `SMatrix` is a real zero. Every rule and companion reads an
//!   empty adjoint as zero, and a parameter's gradient is always materialised with its shape.
//! - Element reads `m[(i, j)]` and `v[k]` route their adjoints through [`MatShape`]; a linear
//!   index `m[k]` is nalgebra's column-major index.
//! - `a * b` and `a / b` use the [`MulRule`](crate::rules::MulRule) and
//!   [`DivRule`](crate::rules::DivRule) impls in [`rules::matrix`](crate::rules::matrix):
//!   matrix × matrix (including matrix × vector, row × matrix and outer products),
//!   scalar × matrix, matrix × scalar and matrix / scalar.
//! - The methods `transpose component_mul component_div dot sum mean norm norm_squared trace max
//!   min row column rows columns` are differentiable through [`MatrixMethods`]; `row`, `column`,
//!   `rows` and `columns` give *owned* values (write `m.row(i).into_owned()` or use the row directly).
//! - The constructors `from_element`, `from_row_slice`, `from_column_slice` and `from_vec` are
//!   differentiable through [`DMatrixConstructors`], [`DVectorConstructors`] (for `DVector` and
//!   `RowDVector`) and [`SMatrixConstructors`]. The gradient with respect to a slice or `Vec`
//!   argument is a `Vec<T>` in that argument's element order.
//!
//! Shape errors panic in the forward sweep with nalgebra's own message, exactly where the
//! original function would panic.
//!
//! Conventions at non-differentiable points, as TensorFlow: `max()`/`min()` give the whole
//! gradient to the first maximal/minimal element in nalgebra's column-major order; the gradient
//! of `norm()` at the zero matrix is zero.
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::matrix::prelude::*;
//! use autodiff::nalgebra::DMatrix;
//!
//! // f(A) = tr(AᵀA) = ‖A‖², so ∇f = 2A.
//! #[differentiable]
//! fn f(a: &DMatrix<f64>) -> f64 {
//!     let at = a.transpose();
//!     (&at * a).trace()
//! }
//!
//! let a = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! let (y, g) = f_grad(&a);
//! assert!((y - 91.0).abs() < 1e-12);
//! assert!((g - 2.0 * &a).abs().max() < 1e-12);
//!
//! // Forward mode: the directional derivative along T is ⟨2A, T⟩.
//! let t = DMatrix::from_element(2, 3, 1.0);
//! let (_, dy) = f_jvp(&a, t);
//! assert!((dy - 42.0).abs() < 1e-12);
//! ```
//!
//! Every method and constructor above at once, on locals of the function, checked against
//! finite differences and forward mode against reverse mode:
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::check::{DEFAULT_ETA, Tolerance, assert_gradient, assert_jvp_vjp};
//! use autodiff::matrix::prelude::*;
//! use autodiff::nalgebra::{DMatrix, DVector, Matrix2, RowDVector, SVector};
//!
//! #[differentiable]
//! fn everything(v: &[f64], s: f64) -> f64 {
//!     let a = DMatrix::from_row_slice(2, 3, v);
//!     let b = DMatrix::from_column_slice(2, 3, v);
//!     let c = DMatrix::from_element(2, 3, s);
//!     let d = DMatrix::from_vec(3, 2, vec![s, v[0], v[1], v[2], v[3], s]);
//!     let q = a.component_mul(&b).component_div(&c);
//!     let at = a.transpose();
//!     let sq = &at * &q; // 3×3
//!     let (r, col) = (sq.row(1), sq.column(2));
//!     let (rs, cs) = (sq.rows(0, 2), sq.columns(1, 2));
//!     let x = DVector::from_column_slice(v);
//!     let y = RowDVector::from_element(3, s);
//!     let z = Matrix2::from_row_slice(&[v[0], v[1], v[2], v[3]]);
//!     let w = SVector::<f64, 3>::from_element(s);
//!     let yc = &y * &col; // 1×1
//!     let dt = d.transpose();
//!     sq.trace() + r.sum() + col.norm() + rs.mean() + cs.max() - cs.min() + x.norm_squared()
//!         + yc[0] + z.trace() + q.dot(&dt) + w.sum() + (&r * s).sum() + (&c / s).sum()
//! }
//!
//! let (v, s) = ([0.3, -1.2, 0.8, 1.5, -0.4, 0.9], 1.7);
//! let (_, (dv, ds)) = everything_grad(&v, s);
//! let (mut p, mut g) = (v.to_vec(), dv);
//! p.push(s);
//! g.push(ds);
//! let f = |p: &[f64]| everything(&p[..6], p[6]);
//! assert_gradient(f, &p, &g, DEFAULT_ETA, Tolerance::default());
//!
//! let t = [0.5, 0.1, -0.3, 0.7, 0.2, -0.6, 0.4];
//! let (_, dy) = everything_jvp(&v, s, t[..6].to_vec(), t[6]);
//! assert_jvp_vjp(&g, &t, dy, Tolerance::tight());
//! ```

mod adjoint;
mod blocks;
mod constructors;
mod methods;
mod operands;
mod reductions;
mod second;
mod shape_check;
#[cfg(test)]
mod tests;

pub use adjoint::MatShape;
pub use blocks::{BlockAdjoint, BlockProbe, MatrixBlock, OtherBlock};
pub use constructors::{DMatrixConstructors, DVectorConstructors, SMatrixConstructors};
pub use methods::MatrixMethods;
pub use operands::{AnyOperands, HasShape, MatrixOperands, Operands};

/// Traits generated code needs in scope (re-exported unnamed by `autodiff::prelude`).
pub mod prelude {
    pub use super::{
        DMatrixConstructors as _, DVectorConstructors as _, MatrixMethods as _,
        SMatrixConstructors as _,
    };
}

use nalgebra::allocator::Allocator;
use nalgebra::{
    ClosedAddAssign, ClosedDivAssign, ClosedMulAssign, ClosedSubAssign, DefaultAllocator, Dim,
    OMatrix, Scalar,
};

use crate::real::Real;

/// The scalar type of differentiable matrices: `f32`, `f64`, or the dual number
/// [`Dual<T>`](crate::dual::Dual) that `#[differentiable(order = 2)]` runs the reverse sweep at.
///
/// It asks only what nalgebra's arithmetic needs (a [`Scalar`] with `Zero`, `One` and closed
/// `+ - * /`; negation comes with [`Real`]), not `RealField`: norms, maxima and elementwise maps are written
/// over [`Real`] here. Products still go through nalgebra's `*`, which takes its
/// matrixmultiply fast path for `f32`/`f64`. Implemented for every such type.
pub trait MatrixScalar:
    Real
    + Scalar
    + num_traits::Zero
    + num_traits::One
    + ClosedAddAssign
    + ClosedSubAssign
    + ClosedMulAssign
    + ClosedDivAssign
{
}
impl<T> MatrixScalar for T where
    T: Real
        + Scalar
        + num_traits::Zero
        + num_traits::One
        + ClosedAddAssign
        + ClosedSubAssign
        + ClosedMulAssign
        + ClosedDivAssign
{
}

/// The symbolic zero of a matrix type: dynamic dimensions 0, static dimensions their size.
#[inline]
pub(crate) fn symbolic_zero<T: MatrixScalar, R: Dim, C: Dim>() -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    OMatrix::zeros_generic(
        R::from_usize(R::try_to_usize().unwrap_or(0)),
        C::from_usize(C::try_to_usize().unwrap_or(0)),
    )
}

/// Zeros shaped like `m`.
#[inline]
pub(crate) fn zeros_like<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let (r, c) = m.shape_generic();
    OMatrix::zeros_generic(r, c)
}

/// `x` is a symbolic zero standing in for a value shaped like `like` (empty where `like` is not).
#[inline]
pub(crate) fn stands_for_zero<T: MatrixScalar, R: Dim, C: Dim>(
    x: &OMatrix<T, R, C>,
    like: &OMatrix<T, R, C>,
) -> bool
where
    DefaultAllocator: Allocator<R, C>,
{
    x.is_empty() && !like.is_empty()
}
