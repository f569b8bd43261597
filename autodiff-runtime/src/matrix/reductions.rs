//! Reductions of a matrix written over [`MatrixScalar`] rather than nalgebra's `RealField`, so
//! they also run at the dual numbers of `#[differentiable(order = 2)]`. Each gives the same
//! value as nalgebra's method of the same name for `f32`/`f64`.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

use super::MatrixScalar;
use crate::real::Real;

/// `‖M‖² = Σ m²` (nalgebra's `dot`, so the same unrolled loop as `m.dot(&m)`).
#[inline]
pub(crate) fn norm_squared<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    m.dot(m)
}

/// `‖M‖ = √(Σ m²)`, the Frobenius norm (Euclidean for vectors).
#[inline]
pub(crate) fn norm<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    norm_squared(m).sqrt()
}

/// `Σ M / n`; the mean of an empty matrix is 0, as nalgebra's `mean`.
#[inline]
pub(crate) fn mean<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    if m.is_empty() {
        <T as Real>::zero()
    } else {
        m.sum() / <T as Real>::from_usize(m.len())
    }
}

/// Folds the elements in column-major order from the first, keeping `a` when `keep(a, b)`:
/// nalgebra's `max`/`min` (`simd_max`: `if a >= b { a } else { b }`), 0 for an empty matrix.
#[inline]
fn fold_first<T: MatrixScalar, R: Dim, C: Dim>(
    m: &OMatrix<T, R, C>,
    keep: impl Fn(T, T) -> bool,
) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    let mut it = m.iter().copied();
    match it.next() {
        None => <T as Real>::zero(),
        Some(first) => it.fold(first, |a, b| if keep(a, b) { a } else { b }),
    }
}

/// The largest element, as nalgebra's `max` (NaN handling included).
#[inline]
pub(crate) fn max<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    fold_first(m, |a, b| a >= b)
}

/// The smallest element, as nalgebra's `min` (NaN handling included).
#[inline]
pub(crate) fn min<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    fold_first(m, |a, b| a <= b)
}
