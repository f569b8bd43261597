//! `Adjoint`, `ZeroLike`, `Differentiable` and index shapes for owned nalgebra matrices.

use core::marker::PhantomData;

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

use super::{MatrixScalar, symbolic_zero, zeros_like};
use crate::adjoint::{Adjoint, ZeroLike};
use crate::differentiable::Differentiable;
use crate::shape::{IndexShape, ShapeAdjoint};

impl<T: MatrixScalar, R: Dim, C: Dim> Adjoint for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    /// The symbolic zero: dynamic dimensions 0 (no shape is known here), static ones their size.
    #[inline]
    fn zero_adj() -> Self {
        symbolic_zero()
    }
    /// `self += other`, where an empty side is zero.
    #[inline]
    fn add_adj(&mut self, other: Self) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        *self += other;
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> ZeroLike for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    #[inline]
    fn zero_like(&self) -> Self {
        zeros_like(self)
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> Differentiable for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Adjoint = Self;
    type Grad = Self;
    type Tangent = Self;
    /// The adjoint, or zeros of this matrix's shape when it is `None` or a symbolic zero.
    fn finish_grad(&self, adj: Option<Self>) -> Self {
        match adj {
            Some(g) if g.shape() == self.shape() => g,
            Some(g) if g.is_empty() => zeros_like(self),
            None => zeros_like(self),
            Some(g) => panic!(
                "gradient of shape {:?} for a matrix of shape {:?}",
                g.shape(),
                self.shape()
            ),
        }
    }
    #[inline(always)]
    fn adjoint_of(grad: Self) -> Self {
        grad
    }
    #[inline]
    fn zero_tangent(&self) -> Self {
        zeros_like(self)
    }
    const FINITE_TEST: bool = T::PLAIN_FLOAT;
    fn grad_is_finite(grad: &Self) -> bool {
        crate::differentiable::all_finite(grad.as_slice())
    }
}

/// The index shape of an owned matrix: its dimensions (and element type), which is what the
/// reverse sweep of an element read `m[(i, j)]` / `v[k]` needs to materialise the matrix's adjoint.
pub struct MatShape<T, R: Dim, C: Dim> {
    nrows: R,
    ncols: C,
    elem: PhantomData<fn() -> T>,
}

impl<T, R: Dim, C: Dim> MatShape<T, R, C> {
    /// The shape `nrows × ncols`.
    pub fn new(nrows: R, ncols: C) -> Self {
        Self {
            nrows,
            ncols,
            elem: PhantomData,
        }
    }
    /// `(nrows, ncols)`.
    pub fn dims(&self) -> (usize, usize) {
        (self.nrows.value(), self.ncols.value())
    }
}

impl<T, R: Dim, C: Dim> Clone for MatShape<T, R, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, R: Dim, C: Dim> Copy for MatShape<T, R, C> {}

impl<T, R: Dim, C: Dim> core::fmt::Debug for MatShape<T, R, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "MatShape{:?}", self.dims())
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> IndexShape for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Shape = MatShape<T, R, C>;
    #[inline]
    fn index_shape(&self) -> Self::Shape {
        let (r, c) = self.shape_generic();
        MatShape::new(r, c)
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> MatShape<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    /// The slot's matrix, materialised as zeros of this shape if it is `None` or a symbolic zero.
    pub(super) fn materialise(self, slot: &mut Option<OMatrix<T, R, C>>) -> &mut OMatrix<T, R, C> {
        let (r, c) = self.dims();
        let m = slot.get_or_insert_with(|| OMatrix::zeros_generic(self.nrows, self.ncols));
        if m.shape() != (r, c) && m.is_empty() {
            *m = OMatrix::zeros_generic(self.nrows, self.ncols);
        }
        m
    }
    /// The slot's matrix if it holds more than a symbolic zero.
    fn held(slot: &mut Option<OMatrix<T, R, C>>) -> Option<&mut OMatrix<T, R, C>> {
        slot.as_mut().filter(|m| !m.is_empty())
    }
}

/// `m[(i, j)]`.
impl<T: MatrixScalar, R: Dim, C: Dim> ShapeAdjoint<(usize, usize)> for MatShape<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Adj = OMatrix<T, R, C>;
    type Elem = T;
    /// `y = m[(i, j)] => dm[(i, j)] += dy`
    #[inline]
    fn add_at(self, slot: &mut Option<Self::Adj>, i: (usize, usize), g: T) {
        self.materialise(slot)[i] += g;
    }
    /// `m[(i, j)] = y => dy += dm[(i, j)], dm[(i, j)] = 0`
    #[inline]
    fn take_at(self, slot: &mut Option<Self::Adj>, i: (usize, usize)) -> Option<T> {
        Self::held(slot).map(|m| core::mem::replace(&mut m[i], <T as crate::Real>::zero()))
    }
}

/// `m[k]` (nalgebra's column-major linear index; `v[k]` for vectors).
impl<T: MatrixScalar, R: Dim, C: Dim> ShapeAdjoint<usize> for MatShape<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Adj = OMatrix<T, R, C>;
    type Elem = T;
    /// `y = m[k] => dm[k] += dy`
    #[inline]
    fn add_at(self, slot: &mut Option<Self::Adj>, k: usize, g: T) {
        self.materialise(slot)[k] += g;
    }
    /// `m[k] = y => dy += dm[k], dm[k] = 0`
    #[inline]
    fn take_at(self, slot: &mut Option<Self::Adj>, k: usize) -> Option<T> {
        Self::held(slot).map(|m| core::mem::replace(&mut m[k], <T as crate::Real>::zero()))
    }
}
