//! Windows of registers over a *parameter's* gradient buffer: the adjoints of a parameter read
//! only at `i + c` in a loop over `i` (`x[i + 1] - x[i]`, a stencil over a slice parameter).
//!
//! The reverse sweep runs `i` downwards, so trip `i` adds into `dx[i + c]` for every offset `c`
//! and trip `i - 1` adds into most of the same elements again: a store-to-load chain through
//! memory between consecutive trips. As for dense locals (`densevec::window_add`), each read
//! adds into a register of its offset instead (`y = x[i + c] => w_c += dy`), and at the end of
//! trip `i` the register of the highest offset, complete, is added into the buffer once.
//!
//! The register's type is chosen by the buffer ([`WindowBuf::Reg`]): an element adjoint for the
//! dense buffers, which know the parameter's length and skip an index outside it (reached only
//! by a register no read added to: every read was in bounds in the forward sweep); an `Option`
//! of one for a container's index shape ([`ShapeBuf`]), which cannot tell its length, so that
//! only registers a read added to are added in. Sums only: the gradient is the one the buffer's
//! adds give, up to the order of the additions.

use nalgebra::{DefaultAllocator, Dim, allocator::Allocator};

use crate::adjoint::Adjoint;
use crate::gradbuf::{DenseElems, DenseMat, GradBuf, LentElems, ShapeBuf};
use crate::matrix::MatrixScalar;
use crate::shape::ShapeAdjoint;
use crate::slotarg::cell_add;

/// A gradient buffer whose element adjoints can be carried in a window of registers.
pub trait WindowBuf: GradBuf<usize> {
    /// A register: the adjoint of one element while it is in the window.
    type Reg;
    /// A zero register (`w_c = 0`).
    fn reg_zero(&self) -> Self::Reg;
    /// `y = x[i + c] => w_c += dy`.
    fn reg_add(&self, w: &mut Self::Reg, g: Self::Elem);
    /// `dx[i + c] += w_c`, `w_c = 0`; skipped where `i + c` is outside the parameter.
    fn reg_flush(&mut self, slot: &mut Option<Self::Slot>, i: usize, c: isize, w: &mut Self::Reg);
}

/// `dst[i + c] += w`, `w = 0`, skipped outside `dst`.
#[inline(always)]
fn flush_into<E: Adjoint>(dst: &mut [E], i: usize, c: isize, w: &mut E) {
    let g = core::mem::replace(w, E::zero_adj());
    if let Some(e) = i.checked_add_signed(c).and_then(|k| dst.get_mut(k)) {
        e.add_adj(g);
    }
}

impl<E: Adjoint> WindowBuf for DenseElems<E> {
    type Reg = E;
    #[inline(always)]
    fn reg_zero(&self) -> E {
        E::zero_adj()
    }
    #[inline(always)]
    fn reg_add(&self, w: &mut E, g: E) {
        w.add_adj(g);
    }
    #[inline(always)]
    fn reg_flush(&mut self, _slot: &mut Option<Vec<E>>, i: usize, c: isize, w: &mut E) {
        flush_into(&mut self.0, i, c, w);
    }
}

impl<E: Adjoint> WindowBuf for LentElems<'_, E> {
    type Reg = E;
    #[inline(always)]
    fn reg_zero(&self) -> E {
        E::zero_adj()
    }
    #[inline(always)]
    fn reg_add(&self, w: &mut E, g: E) {
        w.add_adj(g);
    }
    /// In the parameter's own buffer, or in the caller's adjoint lent at `off` (a register
    /// outside the parameter is zero there: adding it changes no element).
    #[inline(always)]
    fn reg_flush(&mut self, slot: &mut Option<Vec<E>>, i: usize, c: isize, w: &mut E) {
        match self.window {
            None => self.own.reg_flush(slot, i, c, w),
            Some((v, off)) => {
                let g = core::mem::replace(w, E::zero_adj());
                let at = i.checked_add_signed(c).and_then(|k| k.checked_add(off));
                if let Some(cell) = at.and_then(|k| v.get(k)) {
                    cell_add(cell, g);
                }
            }
        }
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> WindowBuf for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Reg = T;
    #[inline(always)]
    fn reg_zero(&self) -> T {
        <T as num_traits::Zero>::zero()
    }
    #[inline(always)]
    fn reg_add(&self, w: &mut T, g: T) {
        *w += g;
    }
    /// At the column-major linear index `i + c`.
    #[inline(always)]
    fn reg_flush(
        &mut self,
        _slot: &mut Option<<Self as GradBuf<usize>>::Slot>,
        i: usize,
        c: isize,
        w: &mut T,
    ) {
        let g = core::mem::replace(w, <T as num_traits::Zero>::zero());
        if let Some(e) = i
            .checked_add_signed(c)
            .and_then(|k| self.0.as_mut_slice().get_mut(k))
        {
            *e += g;
        }
    }
}

impl<S: ShapeAdjoint<usize>> WindowBuf for ShapeBuf<S> {
    /// `None` until a read adds to it: the index shape does not know the container's length.
    type Reg = Option<S::Elem>;
    #[inline(always)]
    fn reg_zero(&self) -> Option<S::Elem> {
        None
    }
    #[inline(always)]
    fn reg_add(&self, w: &mut Option<S::Elem>, g: S::Elem) {
        crate::adjoint::acc(w, g);
    }
    #[inline(always)]
    fn reg_flush(
        &mut self,
        slot: &mut Option<S::Adj>,
        i: usize,
        c: isize,
        w: &mut Option<S::Elem>,
    ) {
        if let Some(g) = w.take() {
            let k = i.checked_add_signed(c).expect("a read at this index ran");
            self.0.add_at(slot, k, g);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradbuf::{DenseProbe as _, Flush, Probe, ShapeProbe as _};
    use crate::shape::IndexShape;
    use nalgebra::DMatrix;

    /// Runs a reverse sweep of `for i in 1..n-1 { y += a x[i-1] + b x[i] + d x[i+1] }` through a
    /// window of registers, trips `i` downwards: dx = the transposed stencil.
    macro_rules! windowed {
        ($x:expr, $slot:expr, $n:expr) => {{
            let (a, b, d) = (1.0, 2.0, 4.0);
            let mut buf = (&Probe($x)).grad_buf();
            let (mut wm, mut w0, mut wp) = (buf.reg_zero(), buf.reg_zero(), buf.reg_zero());
            for i in (1..$n - 1).rev() {
                buf.reg_add(&mut wm, a);
                buf.reg_add(&mut w0, b);
                buf.reg_add(&mut wp, d);
                buf.reg_flush($slot, i, 1, &mut wp);
                core::mem::swap(&mut wp, &mut w0);
                core::mem::swap(&mut w0, &mut wm);
            }
            // after trip 1: w0 holds element 0, wp element 1 (already complete)
            buf.reg_flush($slot, 1, 0, &mut wp);
            buf.reg_flush($slot, 1, -1, &mut w0);
            buf.reg_flush($slot, 1, -2, &mut wm);
            buf
        }};
    }

    #[test]
    fn a_dense_window_gives_the_transposed_stencil() {
        // n = 5, trips i = 1, 2, 3: dx[j] = a [j+1 in 1..4] + b [j in 1..4] + d [j-1 in 1..4]
        let x = [0.0; 5];
        let mut slot = None;
        let buf = windowed!(&x[..], &mut slot, 5);
        buf.flush(&mut slot);
        assert_eq!(slot, Some(vec![1.0, 3.0, 7.0, 6.0, 4.0]));
    }

    #[test]
    fn a_matrix_window_adds_at_linear_indices() {
        let m = DMatrix::<f64>::zeros(5, 1);
        let mut slot = None;
        let buf = windowed!(&m, &mut slot, 5);
        buf.flush(&mut slot);
        let g = slot.expect("added");
        assert_eq!(g.as_slice(), &[1.0, 3.0, 7.0, 6.0, 4.0]);
    }

    #[test]
    fn an_index_shape_window_adds_only_registers_that_were_added_to() {
        // The flush at -2 past the start is never added (its register is `None`).
        fn run<C: IndexShape<Shape = crate::shape::Elems<f64>> + ?Sized>(
            x: &C,
        ) -> Option<Vec<f64>> {
            let mut slot = None;
            let buf = windowed!(x, &mut slot, 5);
            let ShapeBuf(_) = buf;
            slot
        }
        assert_eq!(run(&[0.0; 5][..]), Some(vec![1.0, 3.0, 7.0, 6.0, 4.0]));
    }
}
