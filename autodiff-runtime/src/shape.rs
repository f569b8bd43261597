//! Index shapes: what an element read `x[i]` or `m[(i, j)]` needs to route its gradient.
//!
//! The reverse sweep adds an element's adjoint into its container's adjoint. The container's
//! *index shape* (a zero-sized marker for slices, arrays and `Vec`s; the dimensions for a matrix)
//! fixes the adjoint's type and lets a symbolic-zero adjoint be materialised with the right size.

use core::marker::PhantomData;
use core::ops::{Index, IndexMut};

use crate::adjoint::Adjoint;
use crate::densevec::DenseIndex;
use crate::differentiable::Differentiable;

/// A container that can be indexed inside a `#[differentiable]` function.
pub trait IndexShape {
    /// What the reverse sweep keeps of the container to route element adjoints.
    type Shape: Copy;
    /// The container's index shape.
    fn index_shape(&self) -> Self::Shape;
}

/// Adding into / taking out of a container adjoint at an index.
pub trait ShapeAdjoint<I>: Copy {
    /// The container's adjoint.
    type Adj: Adjoint;
    /// An element's adjoint.
    type Elem: Adjoint;
    /// `slot[i] += g` (the reverse of a read `y = x[i]`).
    fn add_at(self, slot: &mut Option<Self::Adj>, i: I, g: Self::Elem);
    /// Takes `slot[i]` out, leaving zero (the reverse of a write `x[i] = y`).
    fn take_at(self, slot: &mut Option<Self::Adj>, i: I) -> Option<Self::Elem>;
    /// `adj[i] += g` into a container adjoint held elsewhere (a row of an outer container's
    /// gradient buffer: `y = x[r][i] => dx[r][i] += dy`). By default through [`Self::add_at`]
    /// and one add of the result.
    #[inline]
    fn add_into(self, adj: &mut Self::Adj, i: I, g: Self::Elem) {
        let mut part = None;
        self.add_at(&mut part, i, g);
        if let Some(p) = part {
            adj.add_adj(p);
        }
    }
}

/// The index shape of slices, arrays and `Vec`s: nothing but the element type (their adjoint is a
/// `Vec` that grows as elements receive adjoints).
pub struct Elems<T>(PhantomData<fn() -> T>);

impl<T> Clone for Elems<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Elems<T> {}

impl<T> IndexShape for [T] {
    type Shape = Elems<T>;
    #[inline(always)]
    fn index_shape(&self) -> Elems<T> {
        Elems(PhantomData)
    }
}
impl<T> IndexShape for Vec<T> {
    type Shape = Elems<T>;
    #[inline(always)]
    fn index_shape(&self) -> Elems<T> {
        Elems(PhantomData)
    }
}
impl<T, const N: usize> IndexShape for [T; N] {
    type Shape = Elems<T>;
    #[inline(always)]
    fn index_shape(&self) -> Elems<T> {
        Elems(PhantomData)
    }
}
impl<C: IndexShape + ?Sized> IndexShape for &C {
    type Shape = C::Shape;
    #[inline(always)]
    fn index_shape(&self) -> C::Shape {
        (**self).index_shape()
    }
}

impl<T: Differentiable, I: ElemIndex<T::Adjoint>> ShapeAdjoint<I> for Elems<T> {
    type Adj = Vec<T::Adjoint>;
    type Elem = I::Elem;
    #[inline]
    fn add_at(self, slot: &mut Option<Self::Adj>, i: I, g: Self::Elem) {
        i.add_at(slot, g);
    }
    #[inline]
    fn take_at(self, slot: &mut Option<Self::Adj>, i: I) -> Option<Self::Elem> {
        i.take_at(slot)
    }
    #[inline(always)]
    fn add_into(self, adj: &mut Self::Adj, i: I, g: Self::Elem) {
        i.add_into(adj, g);
    }
}

/// An index into a slice, array or `Vec` whose elements' adjoints are `A`: an element (`usize`)
/// or an element of a row ([`At2`]). One impl of [`ShapeAdjoint`] serves both, so an element
/// type that is not differentiable is reported as such.
pub trait ElemIndex<A: Adjoint>: Copy {
    /// The adjoint of what the index reaches.
    type Elem: Adjoint;
    /// `slot[self] += g`, growing the adjoint with zeros.
    fn add_at(self, slot: &mut Option<Vec<A>>, g: Self::Elem);
    /// Takes `slot[self]` out, leaving zero.
    fn take_at(self, slot: &mut Option<Vec<A>>) -> Option<Self::Elem>;
    /// `adj[self] += g` into an adjoint held elsewhere.
    fn add_into(self, adj: &mut Vec<A>, g: Self::Elem);
}

impl<A: Adjoint> ElemIndex<A> for usize {
    type Elem = A;
    #[inline]
    fn add_at(self, slot: &mut Option<Vec<A>>, g: A) {
        crate::adjoint::index_add(slot, self, g);
    }
    #[inline]
    fn take_at(self, slot: &mut Option<Vec<A>>) -> Option<A> {
        crate::adjoint::index_take(slot, self)
    }
    /// `adj[i] += g` in place (the adjoint grows with zeros to `i + 1`).
    #[inline(always)]
    fn add_into(self, adj: &mut Vec<A>, g: A) {
        if self >= adj.len() {
            adj.resize_with(self + 1, A::zero_adj);
        }
        adj[self].add_adj(g);
    }
}

/// The position `(row, column)` of an element of a container of rows (`w[i][j] = y` on a local
/// `Vec<Vec<f64>>`, `Vec<[f64; 3]>` or `[Vec<f64>; 2]`): the generated code writes `w[At2(i, j)]`
/// so the element write is one write on `w`, whose adjoint routes through
/// `ShapeAdjoint<At2>` like any other element's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At2(pub usize, pub usize);

impl<C: Index<usize>> Index<At2> for Vec<C> {
    type Output = C::Output;
    /// `&self[i][j]`. Panics where `self[i][j]` does.
    #[inline(always)]
    fn index(&self, At2(i, j): At2) -> &C::Output {
        &self[i][j]
    }
}
impl<C: IndexMut<usize>> IndexMut<At2> for Vec<C> {
    #[inline(always)]
    fn index_mut(&mut self, At2(i, j): At2) -> &mut C::Output {
        &mut self[i][j]
    }
}
impl<C: Index<usize>> Index<At2> for [C] {
    type Output = C::Output;
    /// `&self[i][j]` (a slice of rows: a view of a parameter, `let w = &w[1..];`; arrays of
    /// rows through core's `[T; N]: Index<I>` for `[T]: Index<I>`). Panics where `self[i][j]`
    /// does.
    #[inline(always)]
    fn index(&self, At2(i, j): At2) -> &C::Output {
        &self[i][j]
    }
}
impl<C: IndexMut<usize>> IndexMut<At2> for [C] {
    #[inline(always)]
    fn index_mut(&mut self, At2(i, j): At2) -> &mut C::Output {
        &mut self[i][j]
    }
}

/// Rows whose adjoint is a `Vec` of element adjoints (`Vec<f64>`, `[f64; 3]`): the adjoint of
/// the container is a `Vec` of row adjoints, grown with empty rows and zeros as elements
/// receive adjoints.
impl<E: Adjoint> ElemIndex<Vec<E>> for At2 {
    type Elem = E;
    /// `slot[i][j] += g` (the reverse of a read `y = w[i][j]`).
    #[inline]
    fn add_at(self, slot: &mut Option<Vec<Vec<E>>>, g: E) {
        self.add_into(slot.get_or_insert_with(Vec::new), g);
    }
    /// Takes `slot[i][j]` out, leaving zero (the reverse of a write `w[i][j] = y`).
    #[inline]
    fn take_at(self, slot: &mut Option<Vec<Vec<E>>>) -> Option<E> {
        DenseIndex::take(self, slot.as_mut()?)
    }
    /// The dense buffer's rule (`densevec.rs`): rows grown on the cold path.
    #[inline]
    fn add_into(self, rows: &mut Vec<Vec<E>>, g: E) {
        DenseIndex::add(self, rows, g);
    }
}
