//! Product and quotient rules for owned nalgebra matrices (`DMatrix`, `DVector`, `RowDVector`,
//! `SMatrix`, `SVector`, any `OMatrix<T, R, C>` over `f32`/`f64`).
//!
//! `g` is the output cotangent; an empty `g` is the reverse sweep's symbolic zero and gives a
//! symbolic zero (or `0` for a scalar operand). Shape mismatches never reach these rules: the
//! forward sweep computes the product first and panics there, with nalgebra's message.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

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
    /// `Y = A*B => dA += dY*Bᵀ`
    #[inline]
    fn d_lhs(g: Self::Out, _a: &Self, b: &OMatrix<T, C1, C2>) -> Self {
        if g.is_empty() {
            return Self::zero_adj();
        }
        g * b.transpose()
    }
    /// `Y = A*B => dB += Aᵀ*dY`
    #[inline]
    fn d_rhs(g: Self::Out, a: &Self, _b: &OMatrix<T, C1, C2>) -> OMatrix<T, C1, C2> {
        if g.is_empty() {
            return OMatrix::zero_adj();
        }
        a.transpose() * g
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
