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

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use crate::dual::Dual;

    /// Each reduction against nalgebra's method of the same name, including ties, NaN, empty.
    #[test]
    fn reductions_agree_with_nalgebra() {
        let cases = [
            DMatrix::from_row_slice(2, 3, &[0.3, -1.2, 0.8, 1.5, -0.4, 0.9]),
            DMatrix::from_row_slice(2, 2, &[2.0, -3.0, 2.0, -3.0]),
            DMatrix::from_row_slice(1, 3, &[f64::NAN, 1.0, -1.0]),
            DMatrix::from_row_slice(1, 3, &[1.0, f64::NAN, -1.0]),
            DMatrix::from_row_slice(1, 3, &[1.0, -1.0, f64::NAN]),
            DMatrix::zeros(0, 0),
        ];
        let same =
            |a: f64, b: f64| (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        for m in &cases {
            assert!(same(super::max(m), m.max()), "max of {m}");
            assert!(same(super::min(m), m.min()), "min of {m}");
            assert!(same(super::norm(m), m.norm()), "norm of {m}");
            assert!(
                same(super::norm_squared(m), m.norm_squared()),
                "norm² of {m}"
            );
            assert!(same(super::mean(m), m.mean()), "mean of {m}");
        }
    }

    /// At dual numbers the reductions carry derivatives: d‖x‖ = ⟨x, dx⟩/‖x‖, and max picks the
    /// maximal element's tangent.
    #[test]
    fn reductions_at_dual_numbers() {
        let x = DVector::from_column_slice(&[
            Dual::new(3.0, 1.0),
            Dual::new(4.0, 2.0),
            Dual::new(-1.0, 5.0),
        ]);
        let n = super::norm(&x);
        let want = 26f64.sqrt();
        assert!((n.re - want).abs() < 1e-12);
        assert!((n.eps - (3.0 + 8.0 - 5.0) / want).abs() < 1e-12);
        let m = super::max(&x);
        assert!((m.re - 4.0).abs() < 1e-15 && (m.eps - 2.0).abs() < 1e-15);
        let lo = super::min(&x);
        assert!((lo.re + 1.0).abs() < 1e-15 && (lo.eps - 5.0).abs() < 1e-15);
        let mean = super::mean(&x);
        assert!((mean.re - 2.0).abs() < 1e-15 && (mean.eps - 8.0 / 3.0).abs() < 1e-15);
    }
}
