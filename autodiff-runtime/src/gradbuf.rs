//! Gradient buffers: where the reverse sweep accumulates the element adjoints of a parameter that
//! is indexed (`x[i]`, `m[(i, j)]`) and never written.
//!
//! A parameter whose shape is known (a slice, array, `Vec` or nalgebra matrix) gets a dense
//! buffer of zeros of its shape, allocated once before the reverse sweep: every element read
//! adds into it with a plain `+=`. Any other indexable container keeps the container adjoint's
//! `Option` and [`ShapeAdjoint::add_at`]. The choice is made by autoref specialization on
//! [`Probe`]: `(&Probe(&x)).grad_buf()` picks [`DenseProbe`] when the container implements
//! [`DenseShape`] (provably, so a generic container falls back) and [`ShapeProbe`] otherwise.
//! After the sweep, [`Flush::flush`] adds the buffer into the parameter's adjoint slot (the
//! parameter is never written, so its adjoint only accumulates and the order of the additions
//! does not matter).
//!
//! In a fused companion (a callee re-run by its caller's reverse sweep) the buffer comes from
//! the caller's slot ([`DenseProbe::grad_buf_lent`], [`Lend`]): the caller's adjoint adopted
//! when it has the parameter's shape, or, for a range argument `f(&p[a..b])`, a window of the
//! caller's adjoint of `p` at offset `a` ([`LentElems`]), which the callee adds into in place.

use core::cell::Cell;

use nalgebra::{DefaultAllocator, Dim, OMatrix, allocator::Allocator};

use crate::adjoint::{Adjoint, acc};
use crate::differentiable::Differentiable;
use crate::matrix::MatrixScalar;
use crate::pairs::{list_all, push_pair};
use crate::shape::{IndexShape, ShapeAdjoint};
use crate::slotarg::{SlotArg, cell_add};

/// A container whose gradient buffer is dense: one zero adjoint per element, from its shape.
pub trait DenseShape {
    /// The buffer.
    type Buf;
    /// Zeros of the container's shape.
    fn dense_buf(&self) -> Self::Buf;
    /// The number of elements a buffer adopted from a caller's slot must have
    /// ([`Adopt`]); `usize::MAX` for containers whose buffer is never adopted.
    fn dense_len(&self) -> usize {
        usize::MAX
    }
    /// The buffer of a parameter whose adjoint nobody keeps (a fused companion's parameter
    /// passed `NoSlot`): never added into, so it holds nothing where that costs nothing
    /// (an empty `Vec`, no allocation); zeros of the shape otherwise.
    fn dead_buf(&self) -> Self::Buf {
        self.dense_buf()
    }
}

/// A dense buffer that can start as the caller's adjoint of the same shape (a fused companion's
/// parameter, see `slotarg.rs`), instead of zeros: the caller's adjoint is taken out of the slot,
/// the callee's element adjoints are added into it, and the flush puts it back.
pub trait Adopt<A>: Sized {
    /// The slot's adjoint as the buffer, taken out of the slot, when it has `len` elements;
    /// `None` (the slot as it was) otherwise.
    fn adopt(slot: &mut Option<A>, len: usize) -> Option<Self>;
}

impl<E> Adopt<Vec<E>> for DenseElems<E> {
    #[inline(always)]
    fn adopt(slot: &mut Option<Vec<E>>, len: usize) -> Option<Self> {
        match slot {
            Some(v) if v.len() == len => slot.take().map(DenseElems),
            _ => None,
        }
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim, A> Adopt<A> for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    /// Matrices are not adopted (their buffer is zeros of their shape).
    #[inline(always)]
    fn adopt(_: &mut Option<A>, _: usize) -> Option<Self> {
        None
    }
}

/// The dense buffer of a slice, array or `Vec`: one adjoint per element.
pub struct DenseElems<E>(pub Vec<E>);

/// The buffer of a fused companion's parameter, chosen by the caller's slot ([`Lend`]).
pub trait Lend<'s, A>: Sized {
    /// The buffer.
    type Out;
    /// The caller's adjoint borrowed in place when the slot lends it ([`SlotArg::lend_window`]);
    /// otherwise the slot's adjoint adopted ([`Adopt`]) or `zeros`.
    fn lend<S: SlotArg<A>>(
        s: &'s mut S,
        slot: &mut Option<A>,
        len: usize,
        zeros: impl FnOnce() -> Self,
    ) -> Self::Out;
    /// A buffer of the parameter's own, as the chosen buffer type.
    fn own(b: Self) -> Self::Out;
}

/// A slice parameter's buffer in a fused companion: its own ([`DenseElems`]), or a window of
/// the caller's adjoint of a range's base (`window: Some((dp, a))`: element `k` is `dp[a + k]`;
/// cells, as other ranges of the same base may be lent it in the same call).
///
/// A struct, not an enum: which of the two is used is a field of its own, which the compiler
/// sees is constant in a companion for one kind of slot. As an enum the tag would sit in the
/// `Vec`'s capacity (a niche), a run-time value tested on every element add.
pub struct LentElems<'s, E> {
    /// The parameter's own buffer (empty when a window is lent).
    pub own: DenseElems<E>,
    /// The caller's adjoint, borrowed, and the offset of element 0 in it.
    pub window: Option<(&'s [Cell<E>], usize)>,
    /// The caller's list of `(index, adjoint)` pairs ([`crate::slotarg::PairsSlot`]).
    pub pairs: Option<&'s mut Vec<(usize, E)>>,
}

impl<'s, E: 's> Lend<'s, Vec<E>> for DenseElems<E> {
    type Out = LentElems<'s, E>;
    #[inline(always)]
    fn lend<S: SlotArg<Vec<E>>>(
        s: &'s mut S,
        slot: &mut Option<Vec<E>>,
        len: usize,
        zeros: impl FnOnce() -> Self,
    ) -> LentElems<'s, E> {
        // (a slot lends a window, a list, or neither: `s` is borrowed for one of them)
        if s.lend_pairs().is_some() {
            return LentElems {
                own: DenseElems(Vec::new()),
                window: None,
                pairs: s.lend_pairs(),
            };
        }
        match s.lend_window() {
            Some(w) => LentElems {
                own: DenseElems(Vec::new()),
                window: Some(w),
                pairs: None,
            },
            None => Self::own(Adopt::adopt(slot, len).unwrap_or_else(zeros)),
        }
    }
    #[inline(always)]
    fn own(b: Self) -> LentElems<'s, E> {
        LentElems {
            own: b,
            window: None,
            pairs: None,
        }
    }
}

impl<'s, T: MatrixScalar, R: Dim, C: Dim, A> Lend<'s, A> for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Out = Self;
    /// Matrices are neither lent nor adopted: zeros of their shape.
    #[inline(always)]
    fn lend<S: SlotArg<A>>(
        _: &'s mut S,
        _: &mut Option<A>,
        _: usize,
        zeros: impl FnOnce() -> Self,
    ) -> Self {
        zeros()
    }
    #[inline(always)]
    fn own(b: Self) -> Self {
        b
    }
}

/// The dense buffer of a matrix: a zero matrix of its shape.
pub struct DenseMat<T: MatrixScalar, R: Dim, C: Dim>(pub OMatrix<T, R, C>)
where
    DefaultAllocator: Allocator<R, C>;

/// No buffer: element adjoints go to the container's adjoint slot through its index shape.
#[derive(Clone, Copy)]
pub struct ShapeBuf<S>(pub S);

impl<T: Differentiable> DenseShape for [T] {
    type Buf = DenseElems<T::Adjoint>;
    #[inline]
    fn dense_buf(&self) -> Self::Buf {
        DenseElems((0..self.len()).map(|_| T::Adjoint::zero_adj()).collect())
    }
    #[inline(always)]
    fn dense_len(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn dead_buf(&self) -> Self::Buf {
        DenseElems(Vec::new())
    }
}
impl<T: Differentiable> DenseShape for Vec<T> {
    type Buf = DenseElems<T::Adjoint>;
    #[inline]
    fn dense_buf(&self) -> Self::Buf {
        self.as_slice().dense_buf()
    }
    #[inline(always)]
    fn dense_len(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn dead_buf(&self) -> Self::Buf {
        DenseElems(Vec::new())
    }
}
impl<T: Differentiable, const N: usize> DenseShape for [T; N] {
    type Buf = DenseElems<T::Adjoint>;
    #[inline]
    fn dense_buf(&self) -> Self::Buf {
        self.as_slice().dense_buf()
    }
    #[inline(always)]
    fn dense_len(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn dead_buf(&self) -> Self::Buf {
        DenseElems(Vec::new())
    }
}
impl<C: DenseShape + ?Sized> DenseShape for &C {
    type Buf = C::Buf;
    #[inline]
    fn dense_buf(&self) -> Self::Buf {
        (**self).dense_buf()
    }
    #[inline(always)]
    fn dense_len(&self) -> usize {
        (**self).dense_len()
    }
    #[inline(always)]
    fn dead_buf(&self) -> Self::Buf {
        (**self).dead_buf()
    }
}
impl<T: MatrixScalar, R: Dim, C: Dim> DenseShape for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Buf = DenseMat<T, R, C>;
    #[inline]
    fn dense_buf(&self) -> Self::Buf {
        let (r, c) = self.shape_generic();
        DenseMat(OMatrix::zeros_generic(r, c))
    }
}

/// The container whose gradient buffer is chosen (see the module documentation).
pub struct Probe<'a, C: ?Sized>(pub &'a C);

/// The dense choice (taken when the container is a [`DenseShape`]).
pub trait DenseProbe {
    /// The buffer.
    type Buf;
    /// A buffer of zeros of the container's shape.
    fn grad_buf(&self) -> Self::Buf;
    /// A fused companion's buffer: the caller's adjoint borrowed in place when the caller's
    /// slot `s` lends it (a range argument), else the caller's adjoint in `slot` when it has the
    /// container's shape (taken out of the slot), else zeros ([`Lend`]). When the slot is not
    /// `live` (nobody keeps the adjoint), the dead buffer ([`DenseShape::dead_buf`]).
    fn grad_buf_lent<'s, A, S: SlotArg<A>>(
        &self,
        s: &'s mut S,
        slot: &mut Option<A>,
        live: bool,
    ) -> <Self::Buf as Lend<'s, A>>::Out
    where
        Self::Buf: Lend<'s, A>;
}
impl<C: DenseShape + ?Sized> DenseProbe for Probe<'_, C> {
    type Buf = C::Buf;
    #[inline(always)]
    fn grad_buf(&self) -> C::Buf {
        self.0.dense_buf()
    }
    #[inline(always)]
    fn grad_buf_lent<'s, A, S: SlotArg<A>>(
        &self,
        s: &'s mut S,
        slot: &mut Option<A>,
        live: bool,
    ) -> <C::Buf as Lend<'s, A>>::Out
    where
        C::Buf: Lend<'s, A>,
    {
        if !live {
            return Lend::own(self.0.dead_buf());
        }
        Lend::lend(s, slot, self.0.dense_len(), || self.0.dense_buf())
    }
}

/// The fallback: the container's index shape.
pub trait ShapeProbe {
    /// The buffer.
    type Buf;
    /// The container's index shape, wrapped.
    fn grad_buf(&self) -> Self::Buf;
    /// The same: element adjoints go to the slot, in the parameter's own coordinates.
    fn grad_buf_lent<A, S>(&self, s: &mut S, slot: &mut Option<A>, live: bool) -> Self::Buf;
}
impl<C: IndexShape + ?Sized> ShapeProbe for &Probe<'_, C> {
    type Buf = ShapeBuf<C::Shape>;
    #[inline(always)]
    fn grad_buf(&self) -> Self::Buf {
        ShapeBuf(self.0.index_shape())
    }
    #[inline(always)]
    fn grad_buf_lent<A, S>(&self, _s: &mut S, _slot: &mut Option<A>, _live: bool) -> Self::Buf {
        ShapeBuf(self.0.index_shape())
    }
}

/// Adding an element's adjoint at an index.
pub trait GradBuf<I> {
    /// The container's adjoint.
    type Slot;
    /// An element's adjoint.
    type Elem;
    /// `buffer[i] += g` (the reverse of a read `y = x[i]`); `slot` is the container's adjoint.
    fn add(&mut self, slot: &mut Option<Self::Slot>, i: I, g: Self::Elem);
    /// `f(&mut buffer[i])`: adds into element `i`'s adjoint in place (`y = x[i][j] =>
    /// dx[i][j] += dy` without an adjoint of the row `x[i]`). By default `f` fills a zero
    /// element, which is then added.
    #[inline]
    fn add_with(&mut self, slot: &mut Option<Self::Slot>, i: I, f: impl FnOnce(&mut Self::Elem))
    where
        Self::Elem: Adjoint,
    {
        let mut e = <Self::Elem as Adjoint>::zero_adj();
        f(&mut e);
        self.add(slot, i, e);
    }
}

/// Adding a buffer into the container's adjoint slot once the sweep is over.
pub trait Flush<A> {
    /// `slot += buffer`.
    fn flush(self, slot: &mut Option<A>);
}

impl<E: Adjoint> GradBuf<usize> for DenseElems<E> {
    type Slot = Vec<E>;
    type Elem = E;
    /// `y = x[i] => dx[i] += dy`
    #[inline(always)]
    fn add(&mut self, _slot: &mut Option<Vec<E>>, i: usize, g: E) {
        self.0[i].add_adj(g);
    }
    /// In place in the buffer's element `i`.
    #[inline(always)]
    fn add_with(&mut self, _slot: &mut Option<Vec<E>>, i: usize, f: impl FnOnce(&mut E)) {
        f(&mut self.0[i]);
    }
}
impl<E: Adjoint> Flush<Vec<E>> for DenseElems<E> {
    #[inline]
    fn flush(self, slot: &mut Option<Vec<E>>) {
        acc(slot, self.0);
    }
}

impl<E: Adjoint> GradBuf<usize> for LentElems<'_, E> {
    type Slot = Vec<E>;
    type Elem = E;
    /// `y = x[i] => dx[i] += dy`, in the window at `off + i`
    #[inline(always)]
    fn add(&mut self, slot: &mut Option<Vec<E>>, i: usize, g: E) {
        if let Some(p) = &mut self.pairs {
            // y = x[i] => the pair (i, dy) listed
            push_pair(p, i, g);
            return;
        }
        match self.window {
            None => self.own.add(slot, i, g),
            Some((v, off)) => cell_add(&v[off + i], g),
        }
    }
    #[inline(always)]
    fn add_with(&mut self, slot: &mut Option<Vec<E>>, i: usize, f: impl FnOnce(&mut E)) {
        if let Some(p) = &mut self.pairs {
            let mut x = E::zero_adj();
            f(&mut x);
            push_pair(p, i, x);
            return;
        }
        match self.window {
            None => self.own.add_with(slot, i, f),
            Some((v, off)) => {
                let c = &v[off + i];
                let mut x = c.replace(E::zero_adj());
                f(&mut x);
                c.set(x);
            }
        }
    }
}
impl<E: Adjoint> Flush<Vec<E>> for LentElems<'_, E> {
    /// The window is the caller's adjoint already: what the slot holds (in the parameter's own
    /// coordinates) is added into it at `off`, and the slot is left empty.
    #[inline(always)]
    fn flush(self, slot: &mut Option<Vec<E>>) {
        if let Some(p) = self.pairs {
            // what the slot holds, listed element by element
            if let Some(d) = slot.take() {
                list_all(p, d);
            }
            return;
        }
        match self.window {
            None => self.own.flush(slot),
            Some((v, off)) => {
                for (c, x) in v[off..].iter().zip(slot.take().into_iter().flatten()) {
                    cell_add(c, x);
                }
            }
        }
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> GradBuf<(usize, usize)> for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Slot = OMatrix<T, R, C>;
    type Elem = T;
    /// `y = m[(i, j)] => dm[(i, j)] += dy`
    #[inline(always)]
    fn add(&mut self, _slot: &mut Option<Self::Slot>, i: (usize, usize), g: T) {
        self.0[i] += g;
    }
}
impl<T: MatrixScalar, R: Dim, C: Dim> GradBuf<usize> for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Slot = OMatrix<T, R, C>;
    type Elem = T;
    /// `y = m[k] => dm[k] += dy` (column-major linear index)
    #[inline(always)]
    fn add(&mut self, _slot: &mut Option<Self::Slot>, k: usize, g: T) {
        self.0[k] += g;
    }
}
impl<T: MatrixScalar, R: Dim, C: Dim> Flush<OMatrix<T, R, C>> for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    #[inline]
    fn flush(self, slot: &mut Option<OMatrix<T, R, C>>) {
        acc(slot, self.0);
    }
}

impl<I, S: ShapeAdjoint<I>> GradBuf<I> for ShapeBuf<S> {
    type Slot = S::Adj;
    type Elem = S::Elem;
    #[inline(always)]
    fn add(&mut self, slot: &mut Option<S::Adj>, i: I, g: S::Elem) {
        self.0.add_at(slot, i, g);
    }
}
impl<S, A> Flush<A> for ShapeBuf<S> {
    /// The element adjoints are in the slot already.
    #[inline(always)]
    fn flush(self, _slot: &mut Option<A>) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// Runs element reads `(index, adjoint)` of `$x` through the buffer the generated code picks.
    macro_rules! grads_of_reads {
        ($x:expr, $reads:expr) => {{
            let mut slot = None;
            let mut buf = (&Probe($x)).grad_buf();
            for (i, g) in $reads {
                buf.add(&mut slot, i, g);
            }
            buf.flush(&mut slot);
            slot
        }};
    }

    #[test]
    fn slice_reads_accumulate_densely() {
        // y = x[2] + 3 x[0] + x[2] => dy/dx = (3, 0, 2, 0)
        let x = vec![1.0, 2.0, 3.0, 4.0];
        let g = grads_of_reads!(&x, [(2usize, 1.0), (0, 3.0), (2, 1.0)]);
        assert_eq!(g, Some(vec![3.0, 0.0, 2.0, 0.0]));
    }

    #[test]
    fn matrix_reads_accumulate_densely() {
        // y = m[(1, 0)] + 2 m[(0, 1)] => dy/dm = [[0, 2], [1, 0]]; m[3] is m[(1, 1)] (column-major)
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let g = grads_of_reads!(&m, [((1usize, 0usize), 1.0), ((0, 1), 2.0)]).unwrap();
        assert_eq!(g, DMatrix::from_row_slice(2, 2, &[0.0, 2.0, 1.0, 0.0]));
        let g = grads_of_reads!(&m, [(3usize, 5.0)]).unwrap();
        assert_eq!(g, DMatrix::from_row_slice(2, 2, &[0.0, 0.0, 0.0, 5.0]));
    }

    #[test]
    fn an_unknown_container_falls_back_to_its_index_shape() {
        // A generic container (only `IndexShape` is known): the buffer is the index shape and the
        // reads go straight to the slot.
        fn pick<C: IndexShape<Shape = crate::shape::Elems<f64>> + ?Sized>(
            x: &C,
        ) -> Option<Vec<f64>> {
            let mut slot = None;
            let mut buf = (&Probe(x)).grad_buf();
            buf.add(&mut slot, 1usize, 2.0);
            buf.add(&mut slot, 1usize, 0.5);
            let ShapeBuf(_) = buf;
            buf.flush(&mut slot);
            slot
        }
        assert_eq!(pick(&[7.0, 8.0][..]), Some(vec![0.0, 2.5]));
    }
}
