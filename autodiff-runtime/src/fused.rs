//! Accumulation loops whose trips' pullbacks run in the forward sweep (the macro crate's
//! `reverse/fused.rs`).
//!
//! A loop that only adds terms into one float (`s += v * v`) has the same cotangent `ds` for
//! `s` in every trip, so its pullback is `dx += ds · J` with `J = Σ_trips ∂term/∂x`. The
//! forward sweep runs each trip's pullback with the unit cotangent right after the trip's
//! value and adds it into a buffer `J` of the loop's own; the reverse sweep adds `ds · J` into
//! the parameter's adjoint ([`fused_give`]), with that sweep's products.

use crate::adjoint::Adjoint;
use crate::differentiable::all_finite;
use crate::matrix::MatrixScalar;
use crate::real::Real;
use nalgebra::{Dim, OMatrix};

/// An adjoint that can take `ds · j` of another of its kind, element by element.
pub trait ScaleAdd<E: Real>: Adjoint {
    /// `self += ds · j` with the product `times(ds, j_k)` per element.
    fn add_scaled(&mut self, ds: E, j: &Self, times: impl Fn(E, E) -> E);
    /// `ds · j` with the product `times(ds, j_k)` per element.
    fn scaled(ds: E, j: &Self, times: impl Fn(E, E) -> E) -> Self;
    /// `self = ds · self` with the product `times(ds, self_k)` per element.
    fn scale(&mut self, ds: E, times: impl Fn(E, E) -> E);
    /// Every element is finite.
    fn finite(&self) -> bool;
}

impl<E: Real + Adjoint> ScaleAdd<E> for Vec<E> {
    #[inline]
    fn add_scaled(&mut self, ds: E, j: &Self, times: impl Fn(E, E) -> E) {
        if self.len() < j.len() {
            self.resize_with(j.len(), E::zero_adj);
        }
        for (x, &jk) in self.iter_mut().zip(j) {
            *x += times(ds, jk);
        }
    }
    #[inline]
    fn scaled(ds: E, j: &Self, times: impl Fn(E, E) -> E) -> Self {
        j.iter().map(|&jk| times(ds, jk)).collect()
    }
    #[inline]
    fn scale(&mut self, ds: E, times: impl Fn(E, E) -> E) {
        scale_slice(self, ds, times);
    }
    #[inline]
    fn finite(&self) -> bool {
        all_finite(self)
    }
}

impl<E: Real + Adjoint, const N: usize> ScaleAdd<E> for [E; N] {
    #[inline]
    fn add_scaled(&mut self, ds: E, j: &Self, times: impl Fn(E, E) -> E) {
        for (x, &jk) in self.iter_mut().zip(j) {
            *x += times(ds, jk);
        }
    }
    #[inline]
    fn scaled(ds: E, j: &Self, times: impl Fn(E, E) -> E) -> Self {
        j.map(|jk| times(ds, jk))
    }
    #[inline]
    fn scale(&mut self, ds: E, times: impl Fn(E, E) -> E) {
        scale_slice(self, ds, times);
    }
    #[inline]
    fn finite(&self) -> bool {
        all_finite(self)
    }
}

impl<T: MatrixScalar, R: Dim, C: Dim> ScaleAdd<T> for OMatrix<T, R, C>
where
    OMatrix<T, R, C>: Adjoint,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<R, C>,
{
    #[inline]
    fn add_scaled(&mut self, ds: T, j: &Self, times: impl Fn(T, T) -> T) {
        assert_eq!(self.shape(), j.shape(), "adjoints of one matrix");
        for (x, &jk) in self.as_mut_slice().iter_mut().zip(j.as_slice()) {
            *x += times(ds, jk);
        }
    }
    #[inline]
    fn scaled(ds: T, j: &Self, times: impl Fn(T, T) -> T) -> Self {
        j.map(|jk| times(ds, jk))
    }
    #[inline]
    fn scale(&mut self, ds: T, times: impl Fn(T, T) -> T) {
        scale_slice(self.as_mut_slice(), ds, times);
    }
    #[inline]
    fn finite(&self) -> bool {
        all_finite(self.as_slice())
    }
}

/// `slot += ds · j` (nothing when the loop gave `j` no contribution). `ds` has the elements'
/// type: the loop's terms are made of them without a cast, and a dual number's tangent (second
/// order) is kept.
#[inline]
pub fn fused_give<A, E>(slot: &mut Option<A>, ds: E, j: &Option<A>, times: impl Fn(E, E) -> E)
where
    A: ScaleAdd<E>,
    E: Real,
{
    let Some(j) = j else { return };
    match slot {
        Some(d) => d.add_scaled(ds, j, times),
        None => *slot = Some(A::scaled(ds, j, times)),
    }
}

/// [`fused_give`] for the sweep that reads `j` last: an empty slot takes `j` itself, scaled in
/// place (no new buffer, and none at all when `ds` is a plain float equal to 1).
#[inline]
pub fn fused_give_owned<A, E>(slot: &mut Option<A>, ds: E, j: Option<A>, times: impl Fn(E, E) -> E)
where
    A: ScaleAdd<E>,
    E: Real,
{
    let Some(mut j) = j else { return };
    match slot {
        Some(d) => d.add_scaled(ds, &j, times),
        None => {
            // 1 · j_k = j_k under both products (the zero rule's 0 for j_k = ±0 included,
            // up to the sign of a zero), and a dual number's tangent must still be multiplied in
            if !(E::PLAIN_FLOAT && ds == E::one()) {
                j.scale(ds, times);
            }
            *slot = Some(j);
        }
    }
}

/// `x_k = times(ds, x_k)` for every element.
#[inline]
fn scale_slice<E: Real>(xs: &mut [E], ds: E, times: impl Fn(E, E) -> E) {
    for x in xs {
        *x = times(ds, *x);
    }
}

/// Every element of the loop's adjoint `j` is finite (none given counts as finite): a gradient
/// taken with IEEE products is then the zero rule's.
#[inline]
pub fn fused_finite<A: ScaleAdd<E>, E: Real>(j: &Option<A>) -> bool {
    j.as_ref().is_none_or(ScaleAdd::finite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ieee, zero};

    #[test]
    fn scaled_gradients_add_into_each_kind_of_slot() {
        // Vec: an empty slot takes ds · j; a filled one adds it
        let j = Some(vec![1.0, -2.0, 0.5]);
        let mut d: Option<Vec<f64>> = None;
        fused_give(&mut d, 2.0, &j, zero::times);
        assert_eq!(d, Some(vec![2.0, -4.0, 1.0]));
        fused_give(&mut d, -1.0, &j, zero::times);
        assert_eq!(d, Some(vec![1.0, -2.0, 0.5]));
        // nothing from the loop: the slot stays
        fused_give(&mut d, 3.0, &None, zero::times);
        assert_eq!(d, Some(vec![1.0, -2.0, 0.5]));
        // arrays and matrices
        let mut a: Option<[f32; 2]> = Some([1.0, 1.0]);
        fused_give(&mut a, 0.5f32, &Some([2.0, 4.0]), ieee::times);
        assert_eq!(a, Some([2.0, 3.0]));
        let jm = Some(nalgebra::DMatrix::from_row_slice(
            2,
            2,
            &[1.0, 2.0, 3.0, 4.0],
        ));
        let mut m = None;
        fused_give(&mut m, 10.0, &jm, zero::times);
        fused_give(&mut m, 1.0, &jm, zero::times);
        assert_eq!(
            m,
            Some(nalgebra::DMatrix::from_row_slice(
                2,
                2,
                &[11.0, 22.0, 33.0, 44.0]
            ))
        );
    }

    #[test]
    fn the_last_sweep_takes_the_buffer_scaled_in_place() {
        // an empty slot becomes ds · j in j's own buffer; ds = 1 leaves it as it is
        let j = vec![1.0, -2.0, 0.5];
        let ptr = j.as_ptr();
        let mut d: Option<Vec<f64>> = None;
        fused_give_owned(&mut d, 2.0, Some(j), zero::times);
        let got = d.expect("given");
        assert_eq!(got, vec![2.0, -4.0, 1.0]);
        assert_eq!(got.as_ptr(), ptr, "no new buffer");
        let mut d = None;
        fused_give_owned(&mut d, 1.0, Some(vec![3.0, 0.0]), ieee::times);
        assert_eq!(d, Some(vec![3.0, 0.0]));
        // a filled slot adds; nothing given leaves it; a zero cotangent is the zero rule's 0
        let mut d = Some(vec![1.0, 1.0]);
        fused_give_owned(&mut d, -1.0, Some(vec![0.5, 2.0]), zero::times);
        fused_give_owned(&mut d, 5.0, None, zero::times);
        assert_eq!(d, Some(vec![0.5, -1.0]));
        let mut m = None;
        let jm = nalgebra::DMatrix::from_row_slice(2, 2, &[1.0, f64::MAX, 3.0, 4.0]);
        fused_give_owned(&mut m, 0.0, Some(jm), zero::times);
        assert_eq!(m, Some(nalgebra::DMatrix::zeros(2, 2)));
        let mut a: Option<[f32; 2]> = None;
        fused_give_owned(&mut a, 0.5f32, Some([2.0, 4.0]), ieee::times);
        assert_eq!(a, Some([1.0, 2.0]));
    }

    #[test]
    fn the_zero_rule_keeps_a_zero_cotangent_from_an_infinite_term() {
        let j = Some(vec![f64::INFINITY, 1.0]);
        let mut d = None;
        fused_give(&mut d, 0.0, &j, zero::times);
        assert_eq!(d, Some(vec![0.0, 0.0]));
        let mut d = None;
        fused_give(&mut d, 0.0, &j, ieee::times);
        assert!(d.expect("given")[0].is_nan());
    }
}
