//! What `gradient` accepts: targets (one tensor or several, summed) and sources (one or several
//! tensors and variables, answered in the same shape).

use super::graph::GraphRef;
use super::tensor::{Place, Tensor};
use super::value::Value;
use super::variable::Variable;
use crate::real::Real;

/// What a source is, as the backward pass looks it up.
#[derive(Clone)]
pub(crate) enum Key<T: Real> {
    /// A recorded tensor: its node.
    Node(GraphRef<T>, u32),
    /// A tensor on no tape: every leaf that recorded it.
    Const(u64),
    /// A variable: every recorded read of it.
    Var(u64),
}

/// A source as `gradient` needs it: how to find it and what its zero looks like.
#[doc(hidden)]
pub struct SourceKey<T: Real> {
    pub(crate) key: Key<T>,
    pub(crate) value: Value<T>,
}

/// Something a gradient can be taken with respect to, and that a tape can
/// [`watch`](super::GradientTape::watch): a [`Tensor`] or a [`Variable`].
pub trait Source<T: Real> {
    #[doc(hidden)]
    fn source_key(&self) -> SourceKey<T>;
}

impl<T: Real> Source<T> for Tensor<T> {
    #[inline]
    fn source_key(&self) -> SourceKey<T> {
        let key = match &self.place {
            Place::At(at) => Key::Node(at.graph(), at.idx),
            Place::Const(k) => Key::Const(*k),
        };
        SourceKey {
            key,
            value: self.value.clone(),
        }
    }
}

impl<T: Real> Source<T> for Variable<T> {
    // Inlined so the key is written where it is kept, not assembled and copied (a copy whose
    // 16-byte loads cannot be served from the narrower stores that built it).
    #[inline]
    fn source_key(&self) -> SourceKey<T> {
        // The value first: the key is then built in place after the last call that could
        // unwind, not on the stack and copied.
        let value = self.value();
        SourceKey {
            key: Key::Var(self.id()),
            value,
        }
    }
}

/// The gradients of one `gradient` call, one per source in order, as `Sources::build` takes them.
#[doc(hidden)]
pub type Grads<T> = std::vec::IntoIter<Option<Tensor<T>>>;

/// The sources of one `gradient` call and the shape of its answer: `&x` gives an
/// `Option<Tensor>`, `[&x1, &x2]` an array of them, `vec![&x1, &x2]` a `Vec`, and a tuple
/// `(&x, &v)` (to mix tensors and variables) a tuple. `None` means the target does not depend on
/// that source on this tape (TensorFlow's `None`).
pub trait Sources<T: Real> {
    /// The gradients, one per source, in the same shape.
    type Output;
    #[doc(hidden)]
    fn keys(&self, out: &mut Vec<SourceKey<T>>);
    #[doc(hidden)]
    fn build(grads: &mut Grads<T>) -> Self::Output;
}

fn next<T: Real>(grads: &mut Grads<T>) -> Option<Tensor<T>> {
    grads.next().expect("one gradient per source")
}

impl<T: Real, S: Source<T>> Sources<T> for &S {
    type Output = Option<Tensor<T>>;
    fn keys(&self, out: &mut Vec<SourceKey<T>>) {
        out.push(self.source_key());
    }
    fn build(grads: &mut Grads<T>) -> Self::Output {
        next(grads)
    }
}

impl<T: Real, S: Source<T>, const N: usize> Sources<T> for [&S; N] {
    type Output = [Option<Tensor<T>>; N];
    #[inline]
    fn keys(&self, out: &mut Vec<SourceKey<T>>) {
        out.extend(self.iter().map(|s| s.source_key()));
    }
    fn build(grads: &mut Grads<T>) -> Self::Output {
        std::array::from_fn(|_| next(grads))
    }
}

impl<T: Real, S: Source<T>> Sources<T> for Vec<&S> {
    type Output = Vec<Option<Tensor<T>>>;
    #[inline]
    fn keys(&self, out: &mut Vec<SourceKey<T>>) {
        out.extend(self.iter().map(|s| s.source_key()));
    }
    fn build(grads: &mut Grads<T>) -> Self::Output {
        // The whole iterator, collected: a `Vec` of sources alone hands back the buffer the
        // backward pass filled, without copying.
        std::mem::take(grads).collect()
    }
}

impl<T: Real, A: Sources<T>, B: Sources<T>> Sources<T> for (A, B) {
    type Output = (A::Output, B::Output);
    fn keys(&self, out: &mut Vec<SourceKey<T>>) {
        self.0.keys(out);
        self.1.keys(out);
    }
    fn build(grads: &mut Grads<T>) -> Self::Output {
        let a = A::build(grads);
        (a, B::build(grads))
    }
}

impl<T: Real, A: Sources<T>, B: Sources<T>, C: Sources<T>> Sources<T> for (A, B, C) {
    type Output = (A::Output, B::Output, C::Output);
    fn keys(&self, out: &mut Vec<SourceKey<T>>) {
        self.0.keys(out);
        self.1.keys(out);
        self.2.keys(out);
    }
    fn build(grads: &mut Grads<T>) -> Self::Output {
        let a = A::build(grads);
        let b = B::build(grads);
        (a, b, C::build(grads))
    }
}

/// The targets of one `gradient` call, inline for the usual one or two.
#[doc(hidden)]
pub type TargetList<T> = smallvec::SmallVec<[Tensor<T>; 2]>;

/// The targets of one `gradient` call: one tensor, or several (`[&z1, &z2]`, a slice or a `Vec`)
/// whose gradients are summed, as TensorFlow sums a list of targets. A non-scalar target is
/// differentiated as the sum of its entries (TensorFlow's implicit cotangent of ones).
pub trait Targets<T: Real> {
    #[doc(hidden)]
    fn targets(&self) -> TargetList<T>;
}

impl<T: Real> Targets<T> for &Tensor<T> {
    #[inline]
    fn targets(&self) -> TargetList<T> {
        smallvec::smallvec![(*self).clone()]
    }
}
impl<T: Real, const N: usize> Targets<T> for [&Tensor<T>; N] {
    fn targets(&self) -> TargetList<T> {
        self.iter().map(|t| (*t).clone()).collect()
    }
}
impl<T: Real> Targets<T> for &[Tensor<T>] {
    fn targets(&self) -> TargetList<T> {
        self.iter().cloned().collect()
    }
}
impl<T: Real> Targets<T> for &Vec<Tensor<T>> {
    fn targets(&self) -> TargetList<T> {
        self.iter().cloned().collect()
    }
}
