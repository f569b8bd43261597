//! Product and quotient rules for owned nalgebra matrices (`DMatrix`, `DVector`, `RowDVector`,
//! `SMatrix`, `SVector`, any `OMatrix<T, R, C>` over `f32`/`f64`).
//!
//! `g` is the output cotangent; an empty `g` is the reverse sweep's symbolic zero and gives a
//! symbolic zero (or `0` for a scalar operand). Shape mismatches never reach these rules: the
//! forward sweep computes the product first and panics there, with nalgebra's message.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, Dyn, MatrixView, OMatrix};

use super::scalar::{AbsRule, DivRule, MulRule};
use crate::adjoint::Adjoint;
use crate::matrix::{MatrixScalar, stands_for_zero};
use crate::real::Real;

/// The Frobenius inner product `⟨g, m⟩ = Σ g∘m`, zero for a symbolic-zero (empty) `g`: the
/// reverse rule of a scalar factor, `y = s*M => ds += ⟨dY, M⟩`.
#[inline]
pub fn frobenius_inner<T: MatrixScalar, R: Dim, C: Dim>(
    g: &OMatrix<T, R, C>,
    m: &OMatrix<T, R, C>,
) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    if g.is_empty() {
        <T as Real>::zero()
    } else {
        g.dot(m)
    }
}

/// `Mᵀ` as a strided view of `m`'s column-major storage (no copy): entry `(i, j)` of the view is
/// `m[(j, i)]`, at offset `j + i·nrows`.
#[inline]
fn transposed_view<T: MatrixScalar, R: Dim, C: Dim>(
    m: &OMatrix<T, R, C>,
) -> MatrixView<'_, T, C, R, Dyn, Dyn>
where
    DefaultAllocator: Allocator<R, C>,
{
    let (r, c) = m.shape_generic();
    MatrixView::from_slice_with_strides_generic(m.as_slice(), c, r, Dyn(r.value()), Dyn(1))
}

/// Whether nalgebra's `gemm` into an `m × n` output from an `m × k` factor goes to matrixmultiply
/// (f32/f64, a dynamic dimension, every size above 5), the only path that honours a strided view's
/// strides; elsewhere the rules copy the transpose.
#[inline]
fn strided_gemm<T: MatrixScalar, R: Dim, C: Dim, K: Dim>(m: usize, n: usize, k: usize) -> bool {
    use std::any::TypeId;
    let float =
        TypeId::of::<T>() == TypeId::of::<f32>() || TypeId::of::<T>() == TypeId::of::<f64>();
    let dynamic = R::is::<Dyn>() || C::is::<Dyn>() || K::is::<Dyn>();
    float && dynamic && m > 5 && n > 5 && k > 5
}

/// `Y = A*B` for `A: R1×C1`, `B: C1×C2` (matrix × matrix, matrix × vector, row × matrix, outer
/// products).
impl<T: MatrixScalar, R1: Dim, C1: Dim, C2: Dim> MulRule<OMatrix<T, C1, C2>> for OMatrix<T, R1, C1>
where
    DefaultAllocator: Allocator<R1, C1>
        + Allocator<C1, C2>
        + Allocator<R1, C2>
        + Allocator<C2, C1>
        + Allocator<C1, R1>,
{
    type Out = OMatrix<T, R1, C2>;
    type LhsAdj = Self;
    type RhsAdj = OMatrix<T, C1, C2>;
    /// `Y = A*B => dA += dY*Bᵀ` (one GEMM reading `B` through transposed strides, no copy)
    #[inline]
    fn d_lhs(g: Self::Out, a: &Self, b: &OMatrix<T, C1, C2>) -> Self {
        if g.is_empty() {
            return Self::zero_adj();
        }
        if !strided_gemm::<T, R1, C1, C2>(a.nrows(), b.nrows(), g.ncols()) {
            return g * b.transpose();
        }
        let mut out = OMatrix::zeros_generic(a.shape_generic().0, b.shape_generic().0);
        out.gemm(
            <T as Real>::one(),
            &g,
            &transposed_view(b),
            <T as Real>::zero(),
        );
        out
    }
    /// `Y = A*B => dB += Aᵀ*dY` (one GEMM reading `A` through transposed strides, no copy)
    #[inline]
    fn d_rhs(g: Self::Out, a: &Self, b: &OMatrix<T, C1, C2>) -> OMatrix<T, C1, C2> {
        if g.is_empty() {
            return OMatrix::zero_adj();
        }
        if !strided_gemm::<T, C1, C2, R1>(a.ncols(), g.ncols(), a.nrows()) {
            return a.transpose() * g;
        }
        let mut out = OMatrix::zeros_generic(a.shape_generic().1, b.shape_generic().1);
        out.gemm(
            <T as Real>::one(),
            &transposed_view(a),
            &g,
            <T as Real>::zero(),
        );
        out
    }
    /// `dY = dA*B`
    #[inline]
    fn t_lhs(da: Self, a: &Self, b: &OMatrix<T, C1, C2>) -> Self::Out {
        if stands_for_zero(&da, a) {
            return OMatrix::zeros_generic(a.shape_generic().0, b.shape_generic().1);
        }
        da * b
    }
    /// `dY = A*dB`
    #[inline]
    fn t_rhs(db: OMatrix<T, C1, C2>, a: &Self, b: &OMatrix<T, C1, C2>) -> Self::Out {
        if stands_for_zero(&db, b) {
            return OMatrix::zeros_generic(a.shape_generic().0, b.shape_generic().1);
        }
        a * db
    }
}

/// `Y = s*M` (scalar × matrix).
impl<T: MatrixScalar, R: Dim, C: Dim> MulRule<OMatrix<T, R, C>> for T
where
    DefaultAllocator: Allocator<R, C>,
{
    type Out = OMatrix<T, R, C>;
    type LhsAdj = T;
    type RhsAdj = OMatrix<T, R, C>;
    /// `Y = s*M => ds += Σ dY∘M`
    #[inline]
    fn d_lhs(g: Self::Out, _s: &T, m: &OMatrix<T, R, C>) -> T {
        frobenius_inner(&g, m)
    }
    /// `Y = s*M => dM += s*dY`
    #[inline]
    fn d_rhs(g: Self::Out, s: &T, _m: &OMatrix<T, R, C>) -> OMatrix<T, R, C> {
        g * *s
    }
    /// `dY = ds*M`
    #[inline]
    fn t_lhs(ds: T, _s: &T, m: &OMatrix<T, R, C>) -> Self::Out {
        m * ds
    }
    /// `dY = s*dM`
    #[inline]
    fn t_rhs(dm: OMatrix<T, R, C>, s: &T, m: &OMatrix<T, R, C>) -> Self::Out {
        if stands_for_zero(&dm, m) {
            return crate::matrix::zeros_like(m);
        }
        dm * *s
    }
}

/// `Y = M*s` (matrix × scalar).
impl<T: MatrixScalar, R: Dim, C: Dim> MulRule<T> for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Out = Self;
    type LhsAdj = Self;
    type RhsAdj = T;
    /// `Y = M*s => dM += dY*s`
    #[inline]
    fn d_lhs(g: Self, _m: &Self, s: &T) -> Self {
        g * *s
    }
    /// `Y = M*s => ds += Σ dY∘M`
    #[inline]
    fn d_rhs(g: Self, m: &Self, _s: &T) -> T {
        frobenius_inner(&g, m)
    }
    /// `dY = dM*s`
    #[inline]
    fn t_lhs(dm: Self, m: &Self, s: &T) -> Self {
        if stands_for_zero(&dm, m) {
            return crate::matrix::zeros_like(m);
        }
        dm * *s
    }
    /// `dY = M*ds`
    #[inline]
    fn t_rhs(ds: T, m: &Self, _s: &T) -> Self {
        m * ds
    }
}

/// `Y = M/s` (matrix / scalar).
impl<T: MatrixScalar, R: Dim, C: Dim> DivRule<T> for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Out = Self;
    type LhsAdj = Self;
    type RhsAdj = T;
    /// `Y = M/s => dM += dY/s`
    #[inline]
    fn d_lhs(g: Self, _m: &Self, s: &T) -> Self {
        g / *s
    }
    /// `Y = M/s => ds += -Σ dY∘M / s²`
    #[inline]
    fn d_rhs(g: Self, m: &Self, s: &T) -> T {
        -frobenius_inner(&g, m) / (*s * *s)
    }
    /// `dY = dM/s`
    #[inline]
    fn t_lhs(dm: Self, m: &Self, s: &T) -> Self {
        if stands_for_zero(&dm, m) {
            return crate::matrix::zeros_like(m);
        }
        dm / *s
    }
    /// `dY = -M*ds/s²`
    #[inline]
    fn t_rhs(ds: T, m: &Self, s: &T) -> Self {
        m * (-ds / (*s * *s))
    }
}

// y = |x| elementwise => dx += dy ∘ sign(x), with abs'(0) = 0
impl<T: MatrixScalar, R: Dim, C: Dim> AbsRule for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    fn abs_d(g: Self, x: &Self) -> Self {
        if stands_for_zero(&g, x) {
            return g;
        }
        assert_eq!(
            g.shape(),
            x.shape(),
            "abs: the cotangent's shape differs from the input's"
        );
        g.zip_map(x, |g, x| <T as AbsRule>::abs_d(g, &x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// Products large enough (every size above 5) for the strided-view GEMM path, f32 and f64,
    /// against the explicit sums `dA_ij = Σ_k dY_ik B_jk` and `dB_jk = Σ_i A_ij dY_ik`.
    fn check<T: MatrixScalar>(tol: f64) {
        let (m, k, n) = (7, 9, 8);
        let v = |r: usize, c: usize, s: f64| {
            DMatrix::<T>::from_fn(r, c, |i, j| {
                T::from_f64(((i * 31 + j * 17) as f64 * s).sin())
            })
        };
        let (a, b, g) = (v(m, k, 0.37), v(k, n, 0.53), v(m, n, 0.71));
        assert!(strided_gemm::<T, nalgebra::Dyn, nalgebra::Dyn, nalgebra::Dyn>(m, k, n));
        let da = <DMatrix<T> as MulRule<DMatrix<T>>>::d_lhs(g.clone(), &a, &b);
        let db = <DMatrix<T> as MulRule<DMatrix<T>>>::d_rhs(g.clone(), &a, &b);
        for i in 0..m {
            for j in 0..k {
                let want: f64 = (0..n)
                    .map(|c| g[(i, c)].to_f64() * b[(j, c)].to_f64())
                    .sum();
                assert!((da[(i, j)].to_f64() - want).abs() <= tol, "dA[{i},{j}]");
            }
        }
        for j in 0..k {
            for c in 0..n {
                let want: f64 = (0..m)
                    .map(|i| a[(i, j)].to_f64() * g[(i, c)].to_f64())
                    .sum();
                assert!((db[(j, c)].to_f64() - want).abs() <= tol, "dB[{j},{c}]");
            }
        }
    }

    #[test]
    fn strided_transpose_products_match_explicit_sums() {
        check::<f64>(1e-12);
        check::<f32>(1e-4);
    }

    #[test]
    fn small_products_take_the_copying_path() {
        assert!(!strided_gemm::<
            f64,
            nalgebra::Dyn,
            nalgebra::Dyn,
            nalgebra::Dyn,
        >(3, 9, 9));
        assert!(!strided_gemm::<f64, nalgebra::U7, nalgebra::U7, nalgebra::U7>(7, 7, 7));
        let (a, b) = (
            DMatrix::<f64>::identity(3, 2),
            DMatrix::<f64>::from_element(2, 4, 2.0),
        );
        let g = DMatrix::<f64>::from_element(3, 4, 1.0);
        // dA = dY·Bᵀ: every entry Σ_c 1·2 = 8; dB = Aᵀ·dY: rows of A's identity part pick ones.
        let da = <DMatrix<f64> as MulRule<DMatrix<f64>>>::d_lhs(g.clone(), &a, &b);
        let db = <DMatrix<f64> as MulRule<DMatrix<f64>>>::d_rhs(g, &a, &b);
        assert!(da.iter().all(|&e| e == 8.0));
        assert!(db.iter().all(|&e| e == 1.0));
    }
}
