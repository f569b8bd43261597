//! `Real`: the float trait that `#[differentiable]` code is generic over (implemented for `f32`, `f64`).

use core::fmt::{Debug, Display};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use crate::adjoint::{Adjoint, ZeroLike};
use crate::differentiable::Differentiable;

/// A real scalar: `f32` or `f64`.
///
/// Everything a `#[differentiable]` function written over `T: Real` may use: arithmetic with itself,
/// comparisons, conversion from `f64` literals (`T::from_f64(2.0)`), and every `f32`/`f64` method the
/// macro differentiates (so `x.sin()` works on a generic `T`).
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable]
/// fn softplus<T: Real>(x: T) -> T {
///     (T::one() + x.exp()).ln()
/// }
///
/// let (_, g32) = softplus_grad(0.0f32);
/// let (_, g64) = softplus_grad(0.0f64);
/// assert!((g32 - 0.5).abs() < 1e-6 && (g64 - 0.5).abs() < 1e-12);
/// ```
#[allow(missing_docs)] // the float methods mirror `f64`'s inherent methods of the same names
pub trait Real:
    crate::refused::FloatRuleReceiver
    + crate::fieldwise::FieldArith
    + Copy
    + Debug
    + Display
    + Default
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + RemAssign
    + Adjoint
    + ZeroLike
    + Differentiable<Adjoint = Self, Grad = Self, Tangent = Self>
{
    /// The value without the derivatives it carries: itself for `f32` and `f64`, the value part
    /// for a [`Dual`](crate::dual::Dual) (what `stop_gradient` is in `order = 2` code).
    #[doc(hidden)]
    #[inline(always)]
    fn without_tangent(self) -> Self {
        self
    }
    /// `==` on values alone: `==` itself for `f32` and `f64`, the value parts for a
    /// [`Dual`](crate::dual::Dual) (how `order = 2` code compares, so a branch takes the arm the
    /// function takes).
    #[doc(hidden)]
    #[inline(always)]
    #[allow(clippy::float_cmp)]
    fn value_eq(self, other: Self) -> bool {
        self == other
    }
    /// Converts an `f64` constant (rounding for `f32`).
    fn from_f64(v: f64) -> Self;
    /// Converts an integer count or index.
    fn from_usize(v: usize) -> Self;
    /// Widens to `f64`.
    fn to_f64(self) -> f64;
    /// `0`.
    fn zero() -> Self;
    /// `1`.
    fn one() -> Self;
    /// Machine epsilon of the type.
    fn epsilon() -> Self;
    /// Positive infinity.
    fn infinity() -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn atan2(self, other: Self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn exp(self) -> Self;
    fn exp2(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn log(self, base: Self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn ln_1p(self) -> Self;
    fn sqrt(self) -> Self;
    fn cbrt(self) -> Self;
    fn powi(self, n: i32) -> Self;
    fn powf(self, n: Self) -> Self;
    fn recip(self) -> Self;
    fn abs(self) -> Self;
    fn signum(self) -> Self;
    fn max(self, other: Self) -> Self;
    fn min(self, other: Self) -> Self;
    fn hypot(self, other: Self) -> Self;
    fn mul_add(self, a: Self, b: Self) -> Self;
    fn clamp(self, lo: Self, hi: Self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn round(self) -> Self;
    fn trunc(self) -> Self;
    fn is_nan(self) -> bool;
    fn is_finite(self) -> bool;
    /// `true` for `±∞` (a dual number tests its value part, as [`is_finite`](Real::is_finite)).
    #[inline(always)]
    fn is_infinite(self) -> bool {
        !self.is_finite() && !self.is_nan()
    }
    /// Whether the sign bit of the value is set (`-0.0` included), as `f64::is_sign_negative`.
    #[inline(always)]
    fn is_sign_negative(self) -> bool {
        self.to_f64().is_sign_negative()
    }
    /// Whether the sign bit of the value is clear (`+0.0` included), as `f64::is_sign_positive`.
    #[inline(always)]
    fn is_sign_positive(self) -> bool {
        !self.is_sign_negative()
    }
    /// `true` for `f32` and `f64`, whose [`is_finite`](Real::is_finite) tests the whole value;
    /// `false` for types that carry more than one float (the dual numbers of second-order
    /// code test only their value part). A matrix gradient's finite test needs it.
    #[doc(hidden)]
    const PLAIN_FLOAT: bool = false;
    /// Inverse hyperbolic sine; by default `ln(x + sqrt(x² + 1))` (`f32`/`f64` use std's).
    fn asinh(self) -> Self {
        (self + (self * self + Self::one()).sqrt()).ln()
    }
    /// Inverse hyperbolic cosine (`x >= 1`); by default `ln(x + sqrt(x² - 1))`.
    fn acosh(self) -> Self {
        (self + (self * self - Self::one()).sqrt()).ln()
    }
    /// Inverse hyperbolic tangent (`|x| < 1`); by default `ln((1 + x)/(1 - x)) / 2`.
    fn atanh(self) -> Self {
        ((Self::one() + self) / (Self::one() - self)).ln() * Self::from_f64(0.5)
    }
    /// Radians to degrees: `x * 180/pi`.
    fn to_degrees(self) -> Self {
        self * Self::from_f64(180.0 / core::f64::consts::PI)
    }
    /// Degrees to radians: `x * pi/180`.
    fn to_radians(self) -> Self {
        self * Self::from_f64(core::f64::consts::PI / 180.0)
    }
}

macro_rules! impl_real {
    ($t:ident) => {
        impl Real for $t {
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_usize(v: usize) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn zero() -> Self {
                0.0
            }
            #[inline(always)]
            fn one() -> Self {
                1.0
            }
            #[inline(always)]
            fn epsilon() -> Self {
                $t::EPSILON
            }
            #[inline(always)]
            fn infinity() -> Self {
                $t::INFINITY
            }
            impl_real!(@unary $t: sin cos tan asin acos atan sinh cosh tanh exp exp2 exp_m1 ln log2
                log10 ln_1p sqrt cbrt recip abs signum floor ceil round trunc);
            impl_real!(@binary $t: atan2 log powf max min hypot);
            #[inline(always)]
            fn powi(self, n: i32) -> Self {
                $t::powi(self, n)
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $t::mul_add(self, a, b)
            }
            #[inline(always)]
            fn clamp(self, lo: Self, hi: Self) -> Self {
                $t::clamp(self, lo, hi)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            const PLAIN_FLOAT: bool = true;
            impl_real!(@unary $t: asinh acosh atanh to_degrees to_radians);
        }
    };
    (@unary $t:ident: $($m:ident)*) => {
        $(#[inline(always)] fn $m(self) -> Self { $t::$m(self) })*
    };
    (@binary $t:ident: $($m:ident)*) => {
        $(#[inline(always)] fn $m(self, other: Self) -> Self { $t::$m(self, other) })*
    };
}

impl_real!(f32);
impl_real!(f64);
