//! Methods with no derivative rule, refused at compile time with an error that names the method
//! and says what to write instead.
//!
//! Inside a `#[differentiable]` function, `x.NAME(args)` with a differentiable receiver or
//! argument calls the hidden companions `x.__NAME_derivative_HASH(..)` (reverse mode) and
//! `x.__NAME_forward_derivative_HASH(..)` (forward mode). For the methods below, `f32`/`f64` or
//! nalgebra has the method but this crate has no rule. Without help rustc would report "no
//! method named `__rem_euclid_derivative_…`"; instead a blanket trait (in the prelude) gives every
//! type these companions, bounded by a trait that nothing implements, whose
//! `#[diagnostic::on_unimplemented]` is the message. The error lands on the method's name.
//!
//! A user type whose own `#[differentiable] fn NAME` exists is unaffected: inherent methods win
//! over trait methods. Only the forward companion carries the refusal: the macro always emits
//! both companions' calls together, so the forward one's error stops compilation (the reverse
//! companion's unreachable body is never part of a program), and the reverse sweep, which calls
//! the companion twice (forward sweep and recomputation), adds no second copy of the error.

macro_rules! refuse {
    (
        $message:literal, $Refusal:ident, $Companions:ident,
        fn $vjp:ident($($a:ident: $A:ident),*);
        fn $jvp:ident($($t:ident: $T:ident),*);
        $note:literal
    ) => {
        #[doc = concat!($message, " (see the module docs).")]
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "no derivative rule for this method",
            note = $note,
            note = "or wrap the call in `stop_gradient(..)` if no derivative should flow through it"
        )]
        pub trait $Refusal {}

        #[doc = concat!("The refused companions: ", $message, ".")]
        pub trait $Companions {
            /// Reverse mode: never compiled into a program (see the module docs).
            #[inline(always)]
            #[allow(clippy::type_complexity)]
            fn $vjp<$($A),*>(&self, $($a: $A),*) -> (Self, fn(Self) -> (Option<Self>, $(Option<$A>),*))
            where
                Self: Sized,
            {
                $(let _ = $a;)*
                unreachable!("refused at compile time")
            }
            /// Forward mode: refused at compile time.
            #[inline(always)]
            fn $jvp<$($T),*>(&self, $($t: $T),*) -> (Self, Self)
            where
                Self: Sized + $Refusal,
            {
                $(let _ = $t;)*
                unreachable!("refused at compile time")
            }
        }
        impl<S: ?Sized> $Companions for S {}
    };
}

// --- f32 / f64 --------------------------------------------------------------------------------

refuse! {
    "`rem_euclid` has no derivative rule",
    RemEuclidHasNoDerivativeRule,
    RemEuclidCompanions,
    fn __rem_euclid_derivative_48c55a6407856033b3505bb397cf57dc(y: Y);
    fn __rem_euclid_forward_derivative_644bb26c75f4310531182071d0ddca82(y: Y, tx: TX, ty: TY);
    "write `x.rem_euclid(y)` as `x - y * (x / y).floor()` (the same for `y > 0`; `floor` has derivative 0)"
}
refuse! {
    "`copysign` has no derivative rule",
    CopysignHasNoDerivativeRule,
    CopysignCompanions,
    fn __copysign_derivative_313018d9016787aebfa018d29440e7f5(s: Y);
    fn __copysign_forward_derivative_e746feace90011b82a948d94f5d52153(s: Y, tx: TX, ts: TY);
    "write `x.copysign(s)` as `x.abs() * s.signum()` (the same for `s != 0`)"
}
refuse! {
    "`fract` has no derivative rule",
    FractHasNoDerivativeRule,
    FractCompanions,
    fn __fract_derivative_e4050ebf6618c0fa9139639a29820337();
    fn __fract_forward_derivative_523b6944719c13a8882d73b1346683b1(tx: TX);
    "write `x.fract()` as `x - x.trunc()` (`trunc` has derivative 0)"
}

// --- nalgebra matrices ------------------------------------------------------------------------

refuse! {
    "`add_scalar` has no derivative rule",
    AddScalarHasNoDerivativeRule,
    AddScalarCompanions,
    fn __add_scalar_derivative_59e548c2dde4d80ea0853ea293712fc1(b: Y);
    fn __add_scalar_forward_derivative_3e3064a8c5a908ac28354f089647582b(b: Y, tm: TX, tb: TY);
    "write `m.add_scalar(b)` as `m + DMatrix::from_element(m.nrows(), m.ncols(), b)` (differentiable in `m` and `b`)"
}
refuse! {
    "`scale` has no derivative rule",
    ScaleHasNoDerivativeRule,
    ScaleCompanions,
    fn __scale_derivative_a1253ac142d405ec377d06ea2f5f86a1(k: Y);
    fn __scale_forward_derivative_14a6163d91ad0f1e2ca19f43ea8cd877(k: Y, tm: TX, tk: TY);
    "write `m.scale(k)` as `m * k`"
}
refuse! {
    "`normalize` has no derivative rule",
    NormalizeHasNoDerivativeRule,
    NormalizeCompanions,
    fn __normalize_derivative_c289b2227b40c675f4adf17f48ced9bc();
    fn __normalize_forward_derivative_125cb255aad4af6f5914a3c3d4f6c772(tm: TX);
    "write `m.normalize()` as `m / m.norm()`"
}

/// In scope (unnamed) wherever `use autodiff::prelude::*;` is, so generated code finds the
/// refused companions.
pub mod prelude {
    pub use super::{
        AddScalarCompanions as _, CopysignCompanions as _, FractCompanions as _,
        NormalizeCompanions as _, RemEuclidCompanions as _, ScaleCompanions as _,
    };
}

/// A type an `as` cast may target without carrying a derivative: the integer primitives, `bool`
/// and `char`. Inside a `#[differentiable]` function, `e as T` is differentiated when `T` is
/// spelled `f32` or `f64`; for any other spelling the generated code asserts `T: NotFloat`, so a
/// float type under another name (`type Fl = f64;`, `core::primitive::f64`) is a compile error
/// instead of a cast that silently drops the derivative.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] cannot tell that `{Self}` is a float type in this cast",
    label = "a cast the macro differentiates only when spelled `as f64` or `as f32`",
    note = "write `as f64` or `as f32` (a derivative flows through it), or cast to an integer type by its own name"
)]
pub trait NotFloat {}

macro_rules! not_float {
    ($($t:ty),*) => { $(impl NotFloat for $t {})* };
}
not_float!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, char
);

/// `e as T` where `e` is a `Self`: any `T` from an integer, `bool` or `char`; from `f32` or `f64`
/// only a [`NotFloat`] `T` (see there).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] cannot tell that `{T}` is a float type in this cast of a `{Self}`",
    label = "a cast the macro differentiates only when spelled `as f64` or `as f32`",
    note = "write `as f64` or `as f32` (a derivative flows through it), or cast to an integer type by its own name"
)]
pub trait CastTo<T> {}
macro_rules! cast_from_any {
    ($($t:ty),*) => { $(impl<T> CastTo<T> for $t {})* };
}
cast_from_any!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, char
);
impl<T: NotFloat> CastTo<T> for f32 {}
impl<T: NotFloat> CastTo<T> for f64 {}

/// Compiles only when a cast of the value `operand` would produce to `T` is one the macro may
/// leave without a derivative: from an integer to anything, from a float to an integer (see
/// [`NotFloat`]). `operand` is never called: it only names the operand's type.
#[inline(always)]
pub fn not_float<T, V: CastTo<T>>(_operand: impl FnOnce() -> V) {}

/// `Self` is `T` (see [`of_type`]).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] reads `{T}::f(x)` as the float method `x.f()`, but `x.f()` is a `{Self}`, not a `{T}`",
    label = "`{T}` is not the float type here",
    note = "a type or type parameter whose own associated function is named like a float method is not differentiated through; call a #[differentiable] function, or the method on the float (`x.exp()`)"
)]
pub trait IsType<T> {}
impl<T> IsType<T> for T {}

/// Compiles only when `value` has type `T`: `P::exp(x)` inside a `#[differentiable]` function is
/// differentiated as the float method `x.exp()` when `P` reads like a type parameter (`T::exp`),
/// and the generated code checks that the result is of type `P`, so a user type `P` with an
/// associated function `exp` of its own is a compile error, not a silently different function.
#[inline(always)]
pub fn of_type<T, V: IsType<T>>(value: &V) -> &V {
    value
}

/// An integer primitive: the receiver of the integer methods the macro takes for constants
/// (`pow`, `checked_add`, `abs_diff`, ..; see [`integer_receiver`]).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] takes this method for an integer method without a derivative, but its receiver is a `{Self}`",
    label = "an integer method on a value that is not an integer",
    note = "for a matrix power write the product (`m * m`), for a float `x.powi(n)` / `x.powf(p)`; a method of your own named like an integer method is not differentiated through: call a #[differentiable] function instead"
)]
pub trait IntegerReceiver {}
macro_rules! integer_receiver {
    ($($t:ty),*) => { $(impl IntegerReceiver for $t {})* };
}
integer_receiver!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);
impl<T: IntegerReceiver + ?Sized> IntegerReceiver for &T {}
impl<T: IntegerReceiver + ?Sized> IntegerReceiver for &mut T {}

/// Compiles only when `recv` is an integer (see [`IntegerReceiver`]). Generated code calls it
/// in code that never runs (after a `break`), so the receiver is not evaluated twice.
#[inline(always)]
pub fn integer_receiver<V: IntegerReceiver + ?Sized>(_recv: &V) {}

/// Implemented by `#[derive(Differentiable)]` for each struct it derives.
pub trait DerivedStruct {}
impl<T: DerivedStruct + ?Sized> DerivedStruct for &T {}

/// The receiver of a piecewise-constant float method (`floor`, `round`, `signum`, ..), probed by
/// autoref: a derived struct (whose own method of that name may return a float) picks
/// [`ConstOnDerived`], anything else [`ConstOnOther`]. The other constant methods are checked on
/// their result instead ([`constant_result`]).
pub struct ConstProbe<'a, T: ?Sized>(pub &'a T);

/// What the probe answers for a derived struct: a refusal (see [`AllowedConst`]).
pub struct OwnMethod;
/// What the probe answers for any other receiver.
pub struct StdMethod;

/// A derived struct's method named like a std method without a derivative is its own method.
pub trait ConstOnDerived {
    /// The answer.
    fn receiver_kind(&self) -> OwnMethod {
        OwnMethod
    }
}
impl<T: DerivedStruct + ?Sized> ConstOnDerived for ConstProbe<'_, T> {}

/// Any other receiver: the std method the macro reads.
pub trait ConstOnOther {
    /// The answer.
    fn receiver_kind(&self) -> StdMethod {
        StdMethod
    }
}
impl<T: ?Sized> ConstOnOther for &ConstProbe<'_, T> {}

/// The receivers the macro may take a `floor`/`round`/.. call on for a constant.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] takes this method for a std method without a derivative, but the receiver is a `#[derive(Differentiable)]` struct with its own method of that name",
    label = "the struct's own method, which the macro does not differentiate through",
    note = "rename the method, or make it a #[differentiable] free function and call that"
)]
pub trait AllowedConst {}
impl AllowedConst for StdMethod {}

/// Compiles only for [`StdMethod`].
#[inline(always)]
pub fn std_method<A: AllowedConst>(_: A) {}

/// A value that carries no derivative: what the methods the macro takes for constants return
/// (`len`, `shape`, `is_nan`, `partial_cmp`, `checked_add`, ..; see [`constant_result`]).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] takes this method for a std method without a derivative, but it returns a `{Self}`",
    label = "a method of this name that returns a value a derivative may flow through",
    note = "the std methods of this name return an integer, `bool`, `Ordering` or the like; a method of your own named like one (a trait for `f64` or `Vec`) is not differentiated through: rename it, or make it a #[differentiable] function and call that"
)]
pub trait ConstantValue {}
macro_rules! constant_value {
    ($($t:ty),*) => { $(impl ConstantValue for $t {})* };
}
constant_value!(
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    bool,
    char,
    (),
    core::cmp::Ordering,
    String
);
impl<T: ConstantValue> ConstantValue for Option<T> {}
impl<A: ConstantValue, B: ConstantValue> ConstantValue for (A, B) {}

/// Compiles only when `value` carries no derivative (see [`ConstantValue`]). Generated code calls
/// it on a constant method's result in code that never runs (after a `break`).
#[inline(always)]
pub fn constant_result<V: ConstantValue>(_value: &V) {}

/// What the piecewise-constant float methods (`floor`, `ceil`, `round`, `trunc`, `signum`)
/// return: a [`Real`](crate::Real) (their derivative is zero almost everywhere) or, for
/// `signum` on an integer, an integer.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] takes this method for the float method of that name (derivative zero), but it returns a `{Self}`",
    label = "not the float method",
    note = "a method of your own named like a float method is not differentiated through: rename it, or make it a #[differentiable] function and call that"
)]
pub trait PiecewiseConstant {}
impl<T: crate::Real> PiecewiseConstant for T {}
macro_rules! piecewise_int {
    ($($t:ty),*) => { $(impl PiecewiseConstant for $t {})* };
}
piecewise_int!(i8, i16, i32, i64, i128, isize);

/// Compiles only when `value` is a float or an integer (see [`PiecewiseConstant`]).
#[inline(always)]
pub fn piecewise_constant_result<V: PiecewiseConstant>(_value: &V) {}

/// A value of `value`'s type, for checks that only type-check: generated code calls it inside a
/// closure that never runs. A method the macro does not know, called on a value that carries a
/// derivative where its result is not differentiated (`if s.bump() { .. }`,
/// `let ok = s.bump();`), is checked on `let receiver_with_derivative = unreachable_value(&s);`,
/// a binding without `mut`: a `&mut self` method, which would change the value unseen by the
/// reverse sweep, is a compile error there ("cannot borrow `receiver_with_derivative` as
/// mutable"); `&self` and `self` methods compile as before.
///
/// # Panics
/// Always, if it were ever called.
#[inline(always)]
pub fn unreachable_value<T>(_value: &T) -> T {
    unreachable!("only type-checked")
}

/// A receiver of the float methods the macro differentiates by rule (`sin`, `exp`, `powi`,
/// `max`, `mul_add`, ..): a float ([`Real`](crate::Real) has this as a supertrait, so a generic
/// `T: Real` is one), an integer (`i.max(j)`, `k.abs()`), a nalgebra matrix (`m.abs()`), or a
/// reference to one. A method of the user's with such a name on another type (a derived struct's
/// own `s.powi(x)`) would be differentiated as the float method, dropping or inventing
/// derivatives, so generated code asserts the receiver is one of these ([`rule_receiver`]).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] differentiates this call as the float method of that name, but the receiver is a `{Self}`",
    label = "not a float, an integer or a matrix",
    note = "a method of your own named like a float method (`exp`, `powi`, `max`, `mul_add`, ..) is not differentiated through: rename it, or make it a #[differentiable] function and call that"
)]
pub trait FloatRuleReceiver {}
macro_rules! float_rule_receiver {
    ($($t:ty),*) => { $(impl FloatRuleReceiver for $t {})* };
}
float_rule_receiver!(
    f32, f64, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);
impl<T: crate::Real> FloatRuleReceiver for crate::dual::Dual<T> {}
impl<T: ?Sized + FloatRuleReceiver> FloatRuleReceiver for &T {}
impl<T: ?Sized + FloatRuleReceiver> FloatRuleReceiver for &mut T {}
impl<T, R, C, S> FloatRuleReceiver for nalgebra::Matrix<T, R, C, S> {}

/// Compiles only when `recv` may have the float method the macro differentiates (see
/// [`FloatRuleReceiver`]). Generated code calls it in code that never runs (after a `break`).
#[inline(always)]
pub fn rule_receiver<V: FloatRuleReceiver + ?Sized>(_recv: &V) {}

/// The receiver of `max`, `min` or `clamp`, probed by autoref on `&&&OrdProbe(&r)`: an `Ord`
/// type (`Ord::max` on `usize`, `char`, `Option<usize>`, ..; no derivative flows through it)
/// picks [`OrdReceiver`] (implemented for `&&OrdProbe`, found first), else a float-rule receiver
/// picks [`FloatOrdReceiver`] (`&OrdProbe`), else anything picks [`OtherReceiver`]
/// (`OrdProbe`), which [`ord_rule_receiver`] refuses.
pub struct OrdProbe<'a, T: ?Sized>(pub &'a T);

/// What the probe answers for an allowed receiver.
pub struct AllowedReceiver;
/// What the probe answers for any other receiver: a refusal (see [`AllowedRuleReceiver`]).
pub struct NotAFloatReceiver;

/// An `Ord` receiver: `Ord::max`, `Ord::min`, `Ord::clamp`.
pub trait OrdReceiver {
    /// The answer.
    fn receiver_answer(&self) -> AllowedReceiver {
        AllowedReceiver
    }
}
impl<T: Ord + ?Sized> OrdReceiver for &&OrdProbe<'_, T> {}

/// A float (or matrix, or reference to one): the float method.
pub trait FloatOrdReceiver {
    /// The answer.
    fn receiver_answer(&self) -> AllowedReceiver {
        AllowedReceiver
    }
}
impl<T: FloatRuleReceiver + ?Sized> FloatOrdReceiver for &OrdProbe<'_, T> {}

/// Anything else: a method of the user's named `max`, `min` or `clamp`.
pub trait OtherReceiver {
    /// The answer.
    fn receiver_answer(&self) -> NotAFloatReceiver {
        NotAFloatReceiver
    }
}
impl<T: ?Sized> OtherReceiver for OrdProbe<'_, T> {}

/// The answers [`ord_rule_receiver`] accepts.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] differentiates this call as the float method of that name, but the receiver is neither a float nor an `Ord` type",
    label = "not `f64::max`/`min`/`clamp`, nor `Ord::max`/`min`/`clamp`",
    note = "a method of your own named `max`, `min` or `clamp` is not differentiated through: rename it, or make it a #[differentiable] function and call that"
)]
pub trait AllowedRuleReceiver {}
impl AllowedRuleReceiver for AllowedReceiver {}

/// Compiles only for [`AllowedReceiver`] (see [`OrdProbe`]).
#[inline(always)]
pub fn ord_rule_receiver<A: AllowedRuleReceiver>(_: A) {}
