//! `Option` values inside `#[differentiable]` code.
//!
//! An `Option<T>`'s adjoint and tangent are `Option`s of `T`'s: `None` is an exact zero (and the
//! only derivative a `None` value has). The lowering writes `Some(e)` as [`some`] and a pattern
//! `Some(p)` matched against a variable `o` as `p = unwrap_some(&o)`; both are differentiated
//! through their companions below like any other call.

use crate::__private::TangentArg;
use crate::adjoint::{Adjoint, ZeroLike};
use crate::differentiable::Differentiable;

impl<A: Adjoint> Adjoint for Option<A> {
    #[inline]
    fn zero_adj() -> Self {
        None
    }
    #[inline]
    fn add_adj(&mut self, other: Self) {
        if let Some(g) = other {
            match self {
                Some(s) => s.add_adj(g),
                None => *self = Some(g),
            }
        }
    }
}

impl<T: ZeroLike> ZeroLike for Option<T> {
    fn zero_like(&self) -> Self {
        self.as_ref().map(ZeroLike::zero_like)
    }
}

impl<T: Differentiable> Differentiable for Option<T> {
    type Adjoint = Option<T::Adjoint>;
    type Grad = Option<T::Grad>;
    type Tangent = Option<T::Tangent>;
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad {
        self.as_ref().map(|x| x.finish_grad(adj.flatten()))
    }
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint {
        grad.map(T::adjoint_of)
    }
    fn tangent_in(&self, t: Self::Tangent) -> Self::Tangent {
        match (self, t) {
            (Some(x), Some(t)) => Some(x.tangent_in(t)),
            _ => None,
        }
    }
    fn zero_tangent(&self) -> Self::Tangent {
        self.as_ref().map(Differentiable::zero_tangent)
    }
    const FINITE_TEST: bool = T::FINITE_TEST;
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        grad.as_ref().is_none_or(T::grad_is_finite)
    }
}

/// `Some(x)`.
#[inline(always)]
pub fn some<T>(x: T) -> Option<T> {
    Some(x)
}

/// The value inside `o`, which the caller has matched as `Some`.
#[inline(always)]
pub fn unwrap_some<T: Clone>(o: &Option<T>) -> T {
    match o {
        Some(x) => x.clone(),
        None => unreachable!("a `Some(..)` pattern matched this value"),
    }
}

/// Reverse-mode companion of [`some`].
#[doc(hidden)]
#[inline(always)]
#[allow(clippy::type_complexity)]
pub fn __some_derivative_26f52cbe9d1de0fef63c98a2059c0c01<T: Differentiable>(
    x: T,
) -> (
    Option<T>,
    impl Fn(Option<T::Adjoint>) -> (Option<T::Adjoint>,),
) {
    // y = Some(x) => dx += the adjoint inside dy (a `None` adjoint is zero)
    (Some(x), |g: Option<T::Adjoint>| (g,))
}

/// Forward-mode companion of [`some`].
#[doc(hidden)]
#[inline(always)]
pub fn __some_forward_derivative_c365fd32d2d35eb4e45795e7cb5ef17b<T: Differentiable>(
    x: T,
    dx: impl TangentArg<T::Tangent>,
) -> (Option<T>, Option<T::Tangent>) {
    // y = Some(x) => dy = Some(dx)
    let t = dx.tangent_or_zero(&x);
    (Some(x), Some(t))
}

/// Reverse-mode companion of [`unwrap_some`].
#[doc(hidden)]
#[inline(always)]
#[allow(clippy::type_complexity)]
pub fn __unwrap_some_derivative_7546f706f0a85036b8901116e31a9d3f<T: Clone + Differentiable>(
    o: &Option<T>,
) -> (
    T,
    impl Fn(T::Adjoint) -> (Option<Option<T::Adjoint>>,) + use<T>,
) {
    // v = unwrap(o) => do += Some(dv)
    (unwrap_some(o), |g: T::Adjoint| (Some(Some(g)),))
}

/// Forward-mode companion of [`unwrap_some`].
#[doc(hidden)]
#[inline(always)]
pub fn __unwrap_some_forward_derivative_7798e2d132de5c58a37295826aa5364d<T>(
    o: &Option<T>,
    d_o: impl TangentArg<Option<T::Tangent>>,
) -> (T, T::Tangent)
where
    T: Clone + Differentiable,
{
    // v = unwrap(o) => dv = unwrap(do)
    let v = unwrap_some(o);
    let t = match d_o.tangent_or_zero(o) {
        Some(t) => t,
        None => v.zero_tangent(),
    };
    (v, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_adjoints_add_and_none_is_zero() {
        let mut a: Option<f64> = None;
        a.add_adj(Some(2.0));
        a.add_adj(None);
        a.add_adj(Some(0.5));
        assert_eq!(a, Some(2.5));
        assert_eq!(Some(3.0).finish_grad(Some(Some(1.5))), Some(1.5));
        assert_eq!(Some(3.0).finish_grad(None), Some(0.0));
        assert_eq!(None::<f64>.finish_grad(Some(Some(1.5))), None);
    }

    #[test]
    fn companions_pass_derivatives_through() {
        let (y, pb) = __some_derivative_26f52cbe9d1de0fef63c98a2059c0c01(2.0_f64);
        assert_eq!(
            (y, pb(Some(4.0)).0, pb(None).0),
            (Some(2.0), Some(4.0), None)
        );
        let (v, pb) = __unwrap_some_derivative_7546f706f0a85036b8901116e31a9d3f(&Some(2.0));
        assert_eq!((v, pb(3.0_f64).0), (2.0, Some(Some(3.0))));
        let (v, t) = __unwrap_some_forward_derivative_7798e2d132de5c58a37295826aa5364d(
            &Some(2.0_f64),
            crate::__private::Tg(Some(0.25)),
        );
        assert_eq!((v, t), (2.0, 0.25));
    }
}
