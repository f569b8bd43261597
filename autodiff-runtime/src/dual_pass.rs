//! What `order = 2` code spells differently. Second order runs the gradient at dual numbers;
//! there `stop_gradient(x)` must drop the derivative `x` carries as a dual too, or the dual pass
//! would differentiate through the stopped value (TensorFlow's nested tapes stop it for both),
//! and `a == b` must compare values only, or a branch would take another arm than the function.

use nalgebra::{Dim, Matrix, Scalar, Storage, StorageMut};

use crate::real::Real;
use std::cell::Cell;

/// A value whose carried derivatives can be dropped: floats and duals, and `Vec`s, arrays and
/// nalgebra matrices of them; integers and `bool` carry none.
#[diagnostic::on_unimplemented(
    message = "`stop_gradient` on a `{Self}` in an `order = 2` function",
    label = "second order drops the derivative this value carries, which it can do for floats, \
             `Vec`s, arrays and matrices of them",
    note = "apply `stop_gradient` to the floats, `Vec`s or matrices inside it (the fields of a \
            struct one by one)"
)]
pub trait StopTangent {
    /// The same value with every carried derivative zero.
    fn stop_tangent(self) -> Self;
}

impl<S: Real> StopTangent for S {
    #[inline(always)]
    fn stop_tangent(self) -> Self {
        self.without_tangent()
    }
}

impl<T: StopTangent> StopTangent for Vec<T> {
    fn stop_tangent(self) -> Self {
        self.into_iter().map(StopTangent::stop_tangent).collect()
    }
}

impl<T: StopTangent, const N: usize> StopTangent for [T; N] {
    fn stop_tangent(self) -> Self {
        self.map(StopTangent::stop_tangent)
    }
}

impl<T, R, C, S> StopTangent for Matrix<T, R, C, S>
where
    T: StopTangent + Scalar,
    R: Dim,
    C: Dim,
    S: Storage<T, R, C> + StorageMut<T, R, C>,
{
    fn stop_tangent(mut self) -> Self {
        for x in self.iter_mut() {
            *x = x.clone().stop_tangent();
        }
        self
    }
}

macro_rules! no_tangent {
    ($($t:ty),*) => {$(
        impl StopTangent for $t {
            #[inline(always)]
            fn stop_tangent(self) -> Self {
                self
            }
        }
    )*};
}
no_tangent!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool
);

/// `stop_gradient(x)` as `order = 2` code spells it.
#[inline(always)]
pub fn stop_tangent<T: StopTangent>(x: T) -> T {
    x.stop_tangent()
}

/// `a == b` as `order = 2` code spells it: `(&EqProbe(&a, &b)).value_eq()`, with both traits in
/// scope. Floats and duals of one type compare by value ([`Real::value_eq`]); anything else by
/// its own `PartialEq`.
pub struct EqProbe<'a, A, B>(pub &'a A, pub &'a B);

/// The value comparison of two scalars of one `Real` type (the preferred method: found on
/// `&EqProbe` without another reference).
pub trait ValueEqReal {
    /// `true` for equal values.
    fn value_eq(&self) -> bool;
}
impl<T: Real> ValueEqReal for EqProbe<'_, T, T> {
    #[inline(always)]
    fn value_eq(&self) -> bool {
        self.0.value_eq(*self.1)
    }
}

/// `==` of anything else.
pub trait ValueEqOther {
    /// `a == b`.
    fn value_eq(&self) -> bool;
}
impl<A: PartialEq<B>, B> ValueEqOther for &EqProbe<'_, A, B> {
    #[inline(always)]
    fn value_eq(&self) -> bool {
        self.0 == self.1
    }
}

/// `x as T` (to an integer type, or to `f32`) as the `order = 2` companion of an `f64` function
/// spells it: `(&CastSlot::of(x)).cast_value() as T`, with both traits in scope. The function's
/// scalar is a dual number there, which `as` cannot convert: a scalar converts its value
/// ([`Real::to_f64`], the value `f` casts), anything else (an integer, a `bool`, an enum that is
/// not `Copy`) is itself, moved out of the slot. A result that carries a derivative is refused
/// by the macro.
pub struct CastSlot<A>(Cell<Option<A>>);

impl<A> CastSlot<A> {
    /// The slot holding the cast's operand.
    #[inline(always)]
    pub fn of(a: A) -> Self {
        CastSlot(Cell::new(Some(a)))
    }

    #[inline(always)]
    fn take(&self) -> A {
        match self.0.take() {
            Some(a) => a,
            None => unreachable!("a cast's operand is taken once"),
        }
    }
}

/// The value of a `Real` scalar, widened to `f64` (the preferred method: found on `&CastSlot`
/// without another reference).
pub trait CastValueReal {
    /// The value without its derivatives.
    fn cast_value(&self) -> f64;
}
impl<T: Real> CastValueReal for CastSlot<T> {
    #[inline(always)]
    fn cast_value(&self) -> f64 {
        self.take().to_f64()
    }
}

/// Anything else `as` converts: itself.
pub trait CastValueOther<A> {
    /// The operand, unchanged.
    fn cast_value(&self) -> A;
}
impl<A> CastValueOther<A> for &CastSlot<A> {
    #[inline(always)]
    fn cast_value(&self) -> A {
        self.take()
    }
}

/// A constant or a data value of the function's own float type `F` where a concrete `order = 2`
/// function's arithmetic meets the scalar (`K * x` with `const K: f64`, `cfg.scale * x[i]` with
/// `cfg` a parameter that is not differentiated): the companion spells it
/// `(&ScalarLift::<S, F, _>::of(e)).lift_value()`, with both traits in scope. A value of type
/// `F` becomes the scalar `S` (`S::from_f64`: a constant, derivative zero, the value the
/// function computes with); anything else (an integer, the other float type, a value that is
/// already the scalar) is itself, moved out of the slot.
pub struct ScalarLift<S, F, A>(Cell<Option<A>>, core::marker::PhantomData<(S, F)>);

impl<S, F, A> ScalarLift<S, F, A> {
    /// The slot holding the value.
    #[inline(always)]
    pub fn of(a: A) -> Self {
        ScalarLift(Cell::new(Some(a)), core::marker::PhantomData)
    }

    #[inline(always)]
    fn take(&self) -> A {
        match self.0.take() {
            Some(a) => a,
            None => unreachable!("a lifted value is taken once"),
        }
    }
}

/// A value of the function's float type `F`, as the scalar (the preferred method: found on
/// `&ScalarLift` without another reference).
pub trait LiftValueReal<S> {
    /// `S::from_f64(value)`.
    fn lift_value(&self) -> S;
}
impl<S: Real, F: Real> LiftValueReal<S> for ScalarLift<S, F, F> {
    #[inline(always)]
    fn lift_value(&self) -> S {
        S::from_f64(self.take().to_f64())
    }
}

/// Anything else: itself.
pub trait LiftValueOther<A> {
    /// The value, unchanged.
    fn lift_value(&self) -> A;
}
impl<S, F, A> LiftValueOther<A> for &ScalarLift<S, F, A> {
    #[inline(always)]
    fn lift_value(&self) -> A {
        self.take()
    }
}
