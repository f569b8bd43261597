//! The adjoint of a block of a matrix (`m.row(i)`, `m.column(j)`, `m.rows(i, n)`,
//! `m.columns(j, n)`): added into the matrix's adjoint in place, so that reading one row per
//! trip of a loop costs one row in the reverse sweep, not a matrix of zeros per trip.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

use super::{MatShape, MatrixScalar};
use crate::__private::GradSlot;

/// `dM[at + (k, l)] += g[(k, l)]` for a matrix `M` of shape `shape` and a block cotangent `g`
/// whose top-left element sits at `at` (row, column). An empty `g` is a symbolic zero and adds
/// nothing.
pub struct BlockAdjoint<T: MatrixScalar, R: Dim, C: Dim, BR: Dim, BC: Dim>
where
    DefaultAllocator: Allocator<BR, BC>,
{
    shape: (R, C),
    at: (usize, usize),
    g: OMatrix<T, BR, BC>,
}

impl<T: MatrixScalar, R: Dim, C: Dim, BR: Dim, BC: Dim> BlockAdjoint<T, R, C, BR, BC>
where
    DefaultAllocator: Allocator<BR, BC>,
{
    /// The cotangent `g` of the block at `at` of a matrix of shape `shape`.
    pub fn new(shape: (R, C), at: (usize, usize), g: OMatrix<T, BR, BC>) -> Self {
        BlockAdjoint { shape, at, g }
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim, BR: Dim, BC: Dim> GradSlot<OMatrix<T, R, C>>
    for BlockAdjoint<T, R, C, BR, BC>
where
    DefaultAllocator: Allocator<R, C> + Allocator<BR, BC>,
{
    /// The whole adjoint: zeros but for the block.
    fn into_adjoint(self) -> Option<OMatrix<T, R, C>> {
        if self.g.is_empty() {
            return None;
        }
        let mut d = OMatrix::zeros_generic(self.shape.0, self.shape.1);
        d.generic_view_mut(self.at, self.g.shape_generic())
            .copy_from(&self.g);
        Some(d)
    }

    /// `Y = M.block => dM.block += dY`, in place (zeros for the rest only when the slot is
    /// still empty).
    #[inline]
    fn add_into(self, slot: &mut Option<OMatrix<T, R, C>>) {
        if self.g.is_empty() {
            return;
        }
        let m = MatShape::<T, R, C>::new(self.shape.0, self.shape.1).materialise(slot);
        let mut block = m.generic_view_mut(self.at, self.g.shape_generic());
        block += &self.g;
    }
}

/// A block read of a matrix that is not differentiated (`v.row(i)` with `v` `#[no_grad]`),
/// made owned like the differentiated ones (whose companions return owned blocks), so that both
/// can meet in one operation (`r.dot(&v.row(i))`). Generated code writes
/// `(&&BlockProbe::new(v.row(i))).owned_block()`: a nalgebra matrix (view) is made owned by
/// [`MatrixBlock`]; any other type (a method `row` of the user's) is passed through unchanged by
/// [`OtherBlock`], which method resolution reaches only when [`MatrixBlock`] does not apply.
pub struct BlockProbe<V>(core::cell::Cell<Option<V>>);

impl<V> BlockProbe<V> {
    /// Wraps the value of a block read.
    #[inline(always)]
    pub fn new(v: V) -> Self {
        BlockProbe(core::cell::Cell::new(Some(v)))
    }
    #[inline(always)]
    fn take(&self) -> V {
        self.0.take().expect("a block probe is read once")
    }
}

/// A nalgebra matrix or view: owned.
pub trait MatrixBlock {
    /// The owned matrix.
    type Owned;
    /// The block as an owned matrix.
    fn owned_block(&self) -> Self::Owned;
}

impl<T: MatrixScalar, R: Dim, C: Dim, S: nalgebra::Storage<T, R, C>> MatrixBlock
    for &BlockProbe<nalgebra::Matrix<T, R, C, S>>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Owned = OMatrix<T, R, C>;
    #[inline(always)]
    fn owned_block(&self) -> OMatrix<T, R, C> {
        self.take().into_owned()
    }
}

/// Any other value: unchanged.
pub trait OtherBlock {
    /// The value's type.
    type Owned;
    /// The value.
    fn owned_block(&self) -> Self::Owned;
}

impl<V> OtherBlock for &&BlockProbe<V> {
    type Owned = V;
    #[inline(always)]
    fn owned_block(&self) -> V {
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, Dyn, SMatrix, U1, U2, U3};

    use super::*;
    use crate::adjoint::{Adjoint, acc_opt};

    /// `add_into` agrees with adding the whole adjoint (`into_adjoint`), into an empty slot, a
    /// symbolic zero and a slot holding a matrix already.
    #[test]
    fn adding_in_place_agrees_with_the_whole_adjoint() {
        let held = DMatrix::from_fn(4, 3, |i, j| (i * 3 + j) as f64 * 0.5 - 1.0);
        // (row, column, block): a row, a column, three rows, two columns
        let blocks = [
            (2, 0, DMatrix::from_row_slice(1, 3, &[1.0, -2.0, 3.0])),
            (
                0,
                1,
                DMatrix::from_column_slice(4, 1, &[0.5, 1.5, -1.0, 2.0]),
            ),
            (1, 0, DMatrix::from_fn(3, 3, |i, j| (i + 2 * j) as f64)),
            (0, 1, DMatrix::from_fn(4, 2, |i, j| (i * j) as f64 - 0.5)),
        ];
        for (i, j, g) in &blocks {
            for start in [None, Some(DMatrix::<f64>::zero_adj()), Some(held.clone())] {
                let (i, j) = (*i, *j);
                let (br, bc) = g.shape();
                let g = g.clone().reshape_generic(Dyn(br), Dyn(bc));
                let shape = (Dyn(4), Dyn(3));
                let mut fast = start.clone();
                BlockAdjoint::new(shape, (i, j), g.clone()).add_into(&mut fast);
                let mut whole = start.clone();
                acc_opt(
                    &mut whole,
                    BlockAdjoint::new(shape, (i, j), g).into_adjoint(),
                );
                let (fast, whole) = (fast.unwrap(), whole.unwrap());
                assert_eq!(fast.shape(), (4, 3));
                assert!((fast - whole).abs().max() < 1e-15);
            }
        }
        // A symbolic-zero cotangent adds nothing and has no whole adjoint.
        let mut slot = Some(held.clone());
        let empty = DMatrix::<f64>::zero_adj();
        BlockAdjoint::new((Dyn(4), Dyn(3)), (1, 0), empty.clone()).add_into(&mut slot);
        assert_eq!(slot, Some(held));
        assert!(
            BlockAdjoint::new((Dyn(4), Dyn(3)), (1, 0), empty)
                .into_adjoint()
                .is_none()
        );
        // Static shapes: a row of a 2×3 matrix.
        let mut s: Option<SMatrix<f64, 2, 3>> = None;
        let row = SMatrix::<f64, 1, 3>::new(1.0, 2.0, 3.0);
        BlockAdjoint::<f64, U2, U3, U1, U3>::new((U2, U3), (1, 0), row).add_into(&mut s);
        BlockAdjoint::<f64, U2, U3, U1, U3>::new((U2, U3), (1, 0), row).add_into(&mut s);
        let s = s.unwrap();
        assert_eq!(s.row(0).sum(), 0.0);
        assert!((s.row(1) - 2.0 * row).abs().max() < 1e-15);
    }
}
