//! A row of a parameter's gradient buffer held for one loop's reverse sweep.
//!
//! In `for j in 0..n { z += w[k][j] * x[j]; }` with `w: &[Vec<f64>]`, every trip's reverse adds
//! `dw[k][j] += dz * x[j]` into row `k` of `w`'s gradient buffer. Through the buffer each add
//! loads the row's pointer and length again (a store into the row could, as far as the compiler
//! knows, have changed them) and checks whether the row must grow. When row `k` is the only part
//! of `w` the loop touches, the generated code instead fits that row to `w[k].len()` once before
//! the loop's reverse sweep and holds it as a slice: each trip's add is `row[j] += g`, with the
//! slice's pointer and length in registers.
//!
//! The choice is made by autoref specialization on [`RowProbe`], like the buffer's own
//! ([`crate::gradbuf`]): a dense buffer of `Vec` rows ([`DenseElems`]) indexed by `usize` gives a
//! slice ([`HeldRowProbe`]); any other buffer keeps adding through [`GradBuf::add_with`]
//! ([`KeepRowProbe`]).

use core::cell::Cell;

use crate::adjoint::{Adjoint, AdjointOf};
use crate::gradbuf::{DenseElems, GradBuf};
use crate::shape::ShapeAdjoint;

/// The length of row `i` of a container of rows, `None` past its end.
pub trait RowsOf {
    /// `self.get(i).map(len)`.
    fn row_len_at(&self, i: usize) -> Option<usize>;
}
impl<R: RowLen> RowsOf for [R] {
    #[inline(always)]
    fn row_len_at(&self, i: usize) -> Option<usize> {
        self.get(i).map(RowLen::row_len)
    }
}
impl<R: RowLen> RowsOf for Vec<R> {
    #[inline(always)]
    fn row_len_at(&self, i: usize) -> Option<usize> {
        self.as_slice().row_len_at(i)
    }
}
impl<R: RowLen, const N: usize> RowsOf for [R; N] {
    #[inline(always)]
    fn row_len_at(&self, i: usize) -> Option<usize> {
        self.as_slice().row_len_at(i)
    }
}
impl<C: RowsOf + ?Sized> RowsOf for &C {
    #[inline(always)]
    fn row_len_at(&self, i: usize) -> Option<usize> {
        (**self).row_len_at(i)
    }
}

/// The number of elements of a row: how far its gradient row is fitted.
pub trait RowLen {
    /// `self.len()`.
    fn row_len(&self) -> usize;
}
impl<T> RowLen for [T] {
    #[inline(always)]
    fn row_len(&self) -> usize {
        self.len()
    }
}
impl<T> RowLen for Vec<T> {
    #[inline(always)]
    fn row_len(&self) -> usize {
        self.len()
    }
}
impl<T, const N: usize> RowLen for [T; N] {
    #[inline(always)]
    fn row_len(&self) -> usize {
        N
    }
}
impl<R: RowLen + ?Sized> RowLen for &R {
    #[inline(always)]
    fn row_len(&self) -> usize {
        (**self).row_len()
    }
}

/// The row to hold: the parameter's gradient buffer and adjoint slot (taken out once by the
/// probe), the row's index, and the parameter (for the row's length).
pub struct RowProbe<'a, 'c, B, S, I, C: ?Sized>(
    pub Cell<Option<(&'a mut B, &'a mut Option<S>)>>,
    pub I,
    pub &'c C,
);

/// The specialized choice: row `i` of a dense buffer of `Vec` rows, fitted to the parameter's
/// row length and held as a slice.
pub trait HeldRowProbe<'a, E> {
    /// The row, fitted (grown with zeros) to the parameter row's length; empty when the
    /// parameter has no row at the index (then the loop never read it, and adds nothing).
    fn hold_row(&self) -> &'a mut [E];
}
impl<'a, E: Adjoint, C: RowsOf + ?Sized> HeldRowProbe<'a, E>
    for RowProbe<'a, '_, DenseElems<Vec<E>>, Vec<Vec<E>>, usize, C>
{
    #[inline(always)]
    fn hold_row(&self) -> &'a mut [E] {
        let (buf, _) = self.0.take().expect("a row is held once");
        let Some(n) = self.2.row_len_at(self.1) else {
            return Default::default();
        };
        // the buffer has one row per row of the parameter
        let row = &mut buf.0[self.1];
        if row.len() < n {
            row.resize_with(n, E::zero_adj);
        }
        &mut row[..]
    }
}

/// The fallback: the buffer and slot kept, each add going through [`GradBuf::add_with`].
pub trait KeepRowProbe<'a, B, S, I> {
    /// The buffer, the slot and the row's index.
    fn hold_row(&self) -> KeepRow<'a, B, S, I>;
}
impl<'a, B, S, I: Copy, C: ?Sized> KeepRowProbe<'a, B, S, I> for &RowProbe<'a, '_, B, S, I, C> {
    #[inline(always)]
    fn hold_row(&self) -> KeepRow<'a, B, S, I> {
        let (buf, slot) = self.0.take().expect("a row is held once");
        KeepRow {
            buf,
            slot,
            i: self.1,
        }
    }
}

/// A row reached through its buffer on every add (the fallback of [`RowProbe`]).
pub struct KeepRow<'a, B, S, I> {
    buf: &'a mut B,
    slot: &'a mut Option<S>,
    i: I,
}

/// Names the type of the cotangent of a held row's definition `row = &w[k]`: the row's adjoint.
/// Nothing is added (the row's reads go into the held row), so nothing else fixes it.
#[inline(always)]
pub fn held_row_cotangent<R: AdjointOf + ?Sized>(_cotangent: &R::Adjoint, _row: &R) {}

/// Adding an element's adjoint into a held row.
pub trait RowAdd<Sh, J, G> {
    /// `row[j] += g` (the reverse of a read `y = w[k][j]` with row `k` held).
    fn row_add(&mut self, shape: Sh, j: J, g: G);
}

impl<E: Adjoint, Sh> RowAdd<Sh, usize, E> for &mut [E] {
    /// `y = w[k][j] => dw[k][j] += dy` in the held slice (fitted to `w[k].len()`, which every
    /// forward read `w[k][j]` was below).
    #[inline(always)]
    fn row_add(&mut self, _shape: Sh, j: usize, g: E) {
        self[j].add_adj(g);
    }
}

impl<B, S, I, Sh, J, G> RowAdd<Sh, J, G> for KeepRow<'_, B, S, I>
where
    B: GradBuf<I, Slot = S>,
    B::Elem: Adjoint,
    I: Copy,
    Sh: ShapeAdjoint<J, Adj = B::Elem, Elem = G>,
{
    /// `y = w[k][j] => dw[k][j] += dy` through the buffer, as without a held row.
    #[inline(always)]
    fn row_add(&mut self, shape: Sh, j: J, g: G) {
        self.buf
            .add_with(self.slot, self.i, |row| shape.add_into(row, j, g));
    }
}

// The borrows pick the specialized or the fallback probe, as in the generated code.
#[allow(clippy::needless_borrow)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradbuf::{DenseProbe, Flush, Probe};
    use crate::shape::IndexShape;

    /// `got` against `want`, element by element, within 1e-12.
    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (a, b) in got.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }

    /// Rows of a parameter given as `&[Vec<f64>]`: the held slice is fitted to the row's
    /// length and the adds land where the buffer's own adds would.
    #[test]
    fn a_dense_row_is_held_as_a_fitted_slice() {
        let w: Vec<Vec<f64>> = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]];
        let p: &[Vec<f64>] = &w;
        let mut buf = (&Probe(p)).grad_buf();
        let mut slot: Option<Vec<Vec<f64>>> = None;
        {
            let mut row =
                (&RowProbe(Cell::new(Some((&mut buf, &mut slot))), 1usize, &p)).hold_row();
            assert_eq!(row.len(), 3);
            let sh = p[1].index_shape();
            row.row_add(sh, 2, 0.5);
            row.row_add(sh, 0, 1.5);
            row.row_add(sh, 2, 0.25);
        }
        buf.flush(&mut slot);
        let g = slot.expect("added");
        assert!(g[0].iter().all(|v| v.abs() < 1e-15));
        close(&g[1], &[1.5, 0.0, 0.75]);
    }

    /// A row index past the end (a loop that never read the row) holds an empty row and
    /// leaves the buffer alone.
    #[test]
    fn a_row_past_the_end_is_held_empty() {
        let w: Vec<Vec<f64>> = vec![vec![1.0, 2.0]];
        let p: &[Vec<f64>] = &w;
        let mut buf = (&Probe(p)).grad_buf();
        let mut slot: Option<Vec<Vec<f64>>> = None;
        let row = (&RowProbe(Cell::new(Some((&mut buf, &mut slot))), 3usize, &p)).hold_row();
        assert!(row.is_empty());
        assert!(buf.0.iter().all(Vec::is_empty));
    }

    /// Rows that are not `Vec` adjoints read at `usize` (matrices read at `(i, j)`) keep adding
    /// through their buffer.
    #[test]
    fn other_rows_add_through_the_buffer() {
        use nalgebra::DMatrix;
        let w = vec![
            DMatrix::from_element(2, 2, 1.0),
            DMatrix::from_element(2, 2, 2.0),
        ];
        let p: &[DMatrix<f64>] = &w;
        let mut buf = (&Probe(p)).grad_buf();
        let mut slot: Option<Vec<DMatrix<f64>>> = None;
        {
            let mut row =
                (&RowProbe(Cell::new(Some((&mut buf, &mut slot))), 1usize, &p)).hold_row();
            let sh = p[1].index_shape();
            row.row_add(sh, (0, 1), 2.0);
            row.row_add(sh, (0, 1), 0.5);
        }
        buf.flush(&mut slot);
        let g = slot.expect("added");
        close(&[g[1][(0, 1)], g[1][(1, 0)]], &[2.5, 0.0]);
    }
}
