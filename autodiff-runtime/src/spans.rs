//! Spans: the elements `c + a .. c + a + len` of a container, taken once before a loop's reverse
//! sweep whose trips each read element `c + j` (`j` the loop variable from `a`), so that trip `k`
//! reads and adds at `span[k]`.
//!
//! The reverse sweep of a dot product `for j in 0..i { s -= l[i * n + j] * x[j]; }` reads
//! `l[i * n + j]` and `x[j]` and adds into both adjoints on every trip; indexing the containers
//! checks every index, and a loop with index checks is not vectorised. Through spans fitted to
//! the trip count the checks go (the compiler sees `k < len`), and the trips become the
//! elementwise loop a hand-written gradient runs. The macro takes a span only where the forward
//! sweep read element `c + j` on every trip, so the span is in bounds whenever the forward sweep
//! was; a span of no trips indexes nothing (`lo` is not evaluated then).
//!
//! Every function here picks its container by autoref specialization: slices, `Vec`s and arrays
//! give a slice; any other indexable container (an nalgebra vector, a map keyed by `usize`)
//! gives an [`Offset`] view that indexes the container at `lo + k`, as the loop did before.

use core::ops::Index;

use crate::adjoint::Adjoint;
use crate::gradbuf::{DenseElems, DenseMat, GradBuf, LentElems, ShapeBuf};
use crate::matrix::MatrixScalar;
use crate::shape::ShapeAdjoint;
use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim};

/// The elements `lo..lo + len` of `v` (callers return no elements when `len == 0` without
/// evaluating `lo`).
#[inline(always)]
fn cut<T>(v: &[T], lo: usize, len: usize) -> &[T] {
    &v[lo..lo + len]
}

/// [`cut`], mutably.
#[inline(always)]
fn cut_mut<T>(v: &mut [T], lo: usize, len: usize) -> &mut [T] {
    &mut v[lo..lo + len]
}

/// A container indexed at `lo + k` for `k`: the span of a container that is not a slice.
pub struct Offset<'a, C: ?Sized> {
    c: &'a C,
    lo: usize,
}

impl<C: ?Sized + Index<usize>> Index<usize> for Offset<'_, C> {
    type Output = C::Output;
    #[inline(always)]
    fn index(&self, k: usize) -> &C::Output {
        &self.c[self.lo + k]
    }
}

/// The container a read span is taken from (`SpanProbe(x)` for the reverse sweep's `&X` read
/// of it, see the module docs).
pub struct SpanProbe<'a, C: ?Sized>(pub &'a C);

/// A read span that is a slice: of a slice, `Vec` or array (or a reference to one).
pub trait SliceSpan<'a, T> {
    /// Elements `lo..lo + len` (none when `len == 0`).
    ///
    /// # Panics
    /// If `len > 0` and the elements are not all there.
    fn span(&self, lo: impl FnOnce() -> usize, len: usize) -> &'a [T];
}

macro_rules! slice_span {
    ($($c:ty),*) => {$(
        impl<'a, T> SliceSpan<'a, T> for SpanProbe<'a, $c> {
            #[inline(always)]
            fn span(&self, lo: impl FnOnce() -> usize, len: usize) -> &'a [T] {
                let v: &'a [T] = &self.0[..];
                if len == 0 { &[] } else { cut(v, lo(), len) }
            }
        }
    )*};
}
slice_span!([T], Vec<T>, &[T], &Vec<T>, &mut [T], &mut Vec<T>);

macro_rules! array_span {
    ($($c:ty),*) => {$(
        impl<'a, T, const N: usize> SliceSpan<'a, T> for SpanProbe<'a, $c> {
            #[inline(always)]
            fn span(&self, lo: impl FnOnce() -> usize, len: usize) -> &'a [T] {
                let v: &'a [T] = &self.0[..];
                if len == 0 { &[] } else { cut(v, lo(), len) }
            }
        }
    )*};
}
array_span!([T; N], &[T; N], &mut [T; N]);

/// A read span of any other container: an [`Offset`] view.
pub trait OffsetSpan<'a, C: ?Sized> {
    /// The container seen from `lo` (nothing is checked here; each read checks its index).
    fn span(&self, lo: impl FnOnce() -> usize, len: usize) -> Offset<'a, C>;
}

impl<'a, C: ?Sized> OffsetSpan<'a, C> for &SpanProbe<'a, C> {
    #[inline(always)]
    fn span(&self, lo: impl FnOnce() -> usize, len: usize) -> Offset<'a, C> {
        let lo = if len == 0 { 0 } else { lo() };
        Offset { c: self.0, lo }
    }
}

/// The span of a dense local's adjoint buffer (fitted to the local's length, `dense_fit`):
/// `y = x[c + j] => span[k] += dy` through [`crate::densevec::dense_add_in`].
///
/// # Panics
/// If `len > 0` and the elements are not all there.
#[inline(always)]
pub fn dense_span<A>(d: &mut [A], lo: impl FnOnce() -> usize, len: usize) -> &mut [A] {
    if len == 0 {
        &mut []
    } else {
        cut_mut(d, lo(), len)
    }
}

/// A span of a parameter's gradient buffer ([`GradBuf`] at `usize`), which is a gradient buffer
/// itself: `y = x[c + j] => span.add(k, dy)`, into element `c + a + k` of the buffer.
pub trait GradSpan: GradBuf<usize> {
    /// The span's buffer.
    type Span<'a>: GradBuf<usize, Slot = Self::Slot, Elem = Self::Elem>
    where
        Self: 'a;
    /// Elements `lo..lo + len` (none when `len == 0`).
    ///
    /// # Panics
    /// If `len > 0` and the buffer is dense and the elements are not all there.
    fn span(&mut self, lo: impl FnOnce() -> usize, len: usize) -> Self::Span<'_>;
}

/// The span of a dense gradient buffer: a slice of its element adjoints.
pub struct SliceElems<'a, E>(&'a mut [E]);

impl<E: Adjoint> GradBuf<usize> for SliceElems<'_, E> {
    type Slot = Vec<E>;
    type Elem = E;
    /// `y = x[c + j] => dx[c + a + k] += dy`
    #[inline(always)]
    fn add(&mut self, _slot: &mut Option<Vec<E>>, k: usize, g: E) {
        self.0[k].add_adj(g);
    }
    #[inline(always)]
    fn add_with(&mut self, _slot: &mut Option<Vec<E>>, k: usize, f: impl FnOnce(&mut E)) {
        f(&mut self.0[k]);
    }
}

impl<E: Adjoint> GradSpan for DenseElems<E> {
    type Span<'a>
        = SliceElems<'a, E>
    where
        Self: 'a;
    #[inline(always)]
    fn span(&mut self, lo: impl FnOnce() -> usize, len: usize) -> SliceElems<'_, E> {
        if len == 0 {
            SliceElems(&mut [])
        } else {
            SliceElems(cut_mut(&mut self.0, lo(), len))
        }
    }
}

/// Any other gradient buffer seen from `lo`: each add goes to the buffer at `lo + k`.
pub struct OffsetBuf<'a, B> {
    buf: &'a mut B,
    lo: usize,
}

impl<B: GradBuf<usize>> GradBuf<usize> for OffsetBuf<'_, B> {
    type Slot = B::Slot;
    type Elem = B::Elem;
    #[inline(always)]
    fn add(&mut self, slot: &mut Option<B::Slot>, k: usize, g: B::Elem) {
        self.buf.add(slot, self.lo + k, g);
    }
    #[inline(always)]
    fn add_with(&mut self, slot: &mut Option<B::Slot>, k: usize, f: impl FnOnce(&mut B::Elem))
    where
        B::Elem: Adjoint,
    {
        self.buf.add_with(slot, self.lo + k, f);
    }
}

/// The body of [`GradSpan`] for the buffers that are not one slice: an [`OffsetBuf`].
macro_rules! offset_span_body {
    () => {
        type Span<'s>
            = OffsetBuf<'s, Self>
        where
            Self: 's;
        #[inline(always)]
        fn span(&mut self, lo: impl FnOnce() -> usize, len: usize) -> OffsetBuf<'_, Self> {
            let lo = if len == 0 { 0 } else { lo() };
            OffsetBuf { buf: self, lo }
        }
    };
}

impl<E: Adjoint> GradSpan for LentElems<'_, E> {
    offset_span_body!();
}
impl<S: ShapeAdjoint<usize>> GradSpan for ShapeBuf<S> {
    offset_span_body!();
}
impl<T: MatrixScalar, R: Dim, C: Dim> GradSpan for DenseMat<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    offset_span_body!();
}

// The tests spell the probe as the generated code does, `(&SpanProbe(x)).span(..)`.
#[cfg(test)]
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;

    #[test]
    fn read_spans_of_slices_vecs_and_arrays() {
        let v = vec![1.0, 2.0, 3.0, 4.0];
        let s = (&SpanProbe(&v)).span(|| 1, 2);
        assert_eq!(s, &[2.0, 3.0]);
        let a = [1.0, 2.0, 3.0];
        assert_eq!((&SpanProbe(&a)).span(|| 2, 1), &[3.0]);
        let r: &[f64] = &v;
        assert_eq!((&SpanProbe(&r)).span(|| 0, 4).len(), 4);
        // no trips: `lo` is not evaluated, and may be anything
        let empty = (&SpanProbe(&r)).span(|| unreachable!(), 0);
        assert!(empty.is_empty());
    }

    #[test]
    fn other_containers_read_through_an_offset() {
        let m = nalgebra::DVector::from_vec(vec![1.0, 2.0, 3.0]);
        let s = (&SpanProbe(&m)).span(|| 1, 2);
        assert!((s[1] - 3.0_f64).abs() < 1e-15);
    }

    #[test]
    fn grad_spans_add_at_lo_plus_k() {
        let mut b = DenseElems(vec![0.0_f64; 5]);
        let mut slot = None;
        {
            let mut s = b.span(|| 2, 3);
            s.add(&mut slot, 0, 1.0);
            s.add(&mut slot, 2, 2.0);
        }
        assert_eq!(b.0, vec![0.0, 0.0, 1.0, 0.0, 2.0]);
        let mut d = vec![0.0_f64; 4];
        dense_span(&mut d, || 1, 2)[1] += 5.0;
        assert_eq!(d, vec![0.0, 0.0, 5.0, 0.0]);
        assert!(dense_span(&mut d, || usize::MAX, 0).is_empty());
    }
}
