//! Index shapes: what an element read `x[i]` or `m[(i, j)]` needs to route its gradient.
//!
//! The reverse sweep adds an element's adjoint into its container's adjoint. The container's
//! *index shape* (a zero-sized marker for slices, arrays and `Vec`s; the dimensions for a matrix)
//! fixes the adjoint's type and lets a symbolic-zero adjoint be materialised with the right size.

use core::marker::PhantomData;

use crate::adjoint::Adjoint;
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

impl<T: Differentiable> ShapeAdjoint<usize> for Elems<T> {
    type Adj = Vec<T::Adjoint>;
    type Elem = T::Adjoint;
    #[inline]
    fn add_at(self, slot: &mut Option<Self::Adj>, i: usize, g: Self::Elem) {
        crate::adjoint::index_add(slot, i, g);
    }
    #[inline]
    fn take_at(self, slot: &mut Option<Self::Adj>, i: usize) -> Option<Self::Elem> {
        crate::adjoint::index_take(slot, i)
    }
    /// `adj[i] += g` in place (the adjoint grows with zeros to `i + 1`).
    #[inline(always)]
    fn add_into(self, adj: &mut Self::Adj, i: usize, g: Self::Elem) {
        if i >= adj.len() {
            adj.resize_with(i + 1, <T::Adjoint as Adjoint>::zero_adj);
        }
        adj[i].add_adj(g);
    }
}
