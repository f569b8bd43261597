//! Scalar rules for `f32`/`f64` (any `T: Real`).
//!
//! Reverse functions are named `METHOD_dK`: the contribution to operand `K` (0 = receiver) given the
//! output cotangent `g`. For scalars the same function is the forward-mode (tangent) partial, since
//! a 1×1 Jacobian is its own transpose. Conventions at non-differentiable points follow TensorFlow;
//! the table is in the crate docs (`autodiff::conventions`).

use crate::real::Real;

use super::zero::{over, times, times_serial};

/// `y = a * b`.
pub trait MulRule<R> {
    /// The product's type.
    type Out;
    /// The left operand's adjoint (and tangent) type.
    type LhsAdj;
    /// The right operand's adjoint (and tangent) type.
    type RhsAdj;
    /// `y = a*b => da += dy*b`
    fn d_lhs(g: Self::Out, a: &Self, b: &R) -> Self::LhsAdj;
    /// `y = a*b => db += dy*a`
    fn d_rhs(g: Self::Out, a: &Self, b: &R) -> Self::RhsAdj;
    /// `dy = da*b`
    fn t_lhs(da: Self::LhsAdj, a: &Self, b: &R) -> Self::Out;
    /// `dy = a*db`
    fn t_rhs(db: Self::RhsAdj, a: &Self, b: &R) -> Self::Out;
    /// [`d_lhs`](Self::d_lhs) for the optimistic sweep: a plain IEEE product where the operands
    /// are floats (see `rules::ieee`); the zero rule's form otherwise.
    #[inline(always)]
    fn d_lhs_ieee(g: Self::Out, a: &Self, b: &R) -> Self::LhsAdj {
        Self::d_lhs(g, a, b)
    }
    /// [`d_rhs`](Self::d_rhs) for the optimistic sweep (see [`d_lhs_ieee`](Self::d_lhs_ieee)).
    #[inline(always)]
    fn d_rhs_ieee(g: Self::Out, a: &Self, b: &R) -> Self::RhsAdj {
        Self::d_rhs(g, a, b)
    }
    /// [`t_lhs`](Self::t_lhs) for the optimistic sweep: plain IEEE products where the operands
    /// are floats (see `rules::ieee`); the zero rule's form otherwise.
    #[inline(always)]
    fn t_lhs_ieee(da: Self::LhsAdj, a: &Self, b: &R) -> Self::Out {
        Self::t_lhs(da, a, b)
    }
    /// [`t_rhs`](Self::t_rhs) for the optimistic sweep (see [`t_lhs_ieee`](Self::t_lhs_ieee)).
    #[inline(always)]
    fn t_rhs_ieee(db: Self::RhsAdj, a: &Self, b: &R) -> Self::Out {
        Self::t_rhs(db, a, b)
    }
}

impl<T: Real> MulRule<T> for T {
    type Out = T;
    type LhsAdj = T;
    type RhsAdj = T;
    #[inline(always)]
    fn d_lhs(g: T, _a: &T, b: &T) -> T {
        times(g, *b)
    }
    #[inline(always)]
    fn d_rhs(g: T, a: &T, _b: &T) -> T {
        times(g, *a)
    }
    // Tangents run along the primal's own dependency chains (a recurrence carries its tangent
    // beside it), so forward mode takes the zero rule's serial form: the product's latency only.
    #[inline(always)]
    fn t_lhs(da: T, _a: &T, b: &T) -> T {
        times_serial(da, *b)
    }
    #[inline(always)]
    fn t_rhs(db: T, a: &T, _b: &T) -> T {
        times_serial(db, *a)
    }
    #[inline(always)]
    fn d_lhs_ieee(g: T, _a: &T, b: &T) -> T {
        g * *b
    }
    #[inline(always)]
    fn d_rhs_ieee(g: T, a: &T, _b: &T) -> T {
        g * *a
    }
    #[inline(always)]
    fn t_lhs_ieee(da: T, _a: &T, b: &T) -> T {
        da * *b
    }
    #[inline(always)]
    fn t_rhs_ieee(db: T, a: &T, _b: &T) -> T {
        db * *a
    }
}

/// `&a * b`, `a * &b` and `&a * &b` of floats, as Rust's own `Mul` for references allows (a
/// float borrowed from a `#[no_grad]` map's iterator, `for (k, w) in m.iter() { s += w * x[*k] }`):
/// the rules of `a * b`, the adjoint of a borrowed operand by value.
macro_rules! mul_through_refs {
    ([$($gen:tt)*] $t:ty; $lhs:ty, $rhs:ty, $a:ident => $av:expr, $b:ident => $bv:expr) => {
        impl<'r, $($gen)*> MulRule<$rhs> for $lhs {
            type Out = $t;
            type LhsAdj = $t;
            type RhsAdj = $t;
            #[inline(always)]
            fn d_lhs(g: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::d_lhs(g, &$av, &$bv)
            }
            #[inline(always)]
            fn d_rhs(g: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::d_rhs(g, &$av, &$bv)
            }
            #[inline(always)]
            fn t_lhs(da: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::t_lhs(da, &$av, &$bv)
            }
            #[inline(always)]
            fn t_rhs(db: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::t_rhs(db, &$av, &$bv)
            }
            #[inline(always)]
            fn d_lhs_ieee(g: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::d_lhs_ieee(g, &$av, &$bv)
            }
            #[inline(always)]
            fn d_rhs_ieee(g: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::d_rhs_ieee(g, &$av, &$bv)
            }
            #[inline(always)]
            fn t_lhs_ieee(da: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::t_lhs_ieee(da, &$av, &$bv)
            }
            #[inline(always)]
            fn t_rhs_ieee(db: $t, $a: &Self, $b: &$rhs) -> $t {
                <$t as MulRule<$t>>::t_rhs_ieee(db, &$av, &$bv)
            }
        }
    };
}
mul_through_refs!([T: Real] T; &'r T, T, a => **a, b => *b);
mul_through_refs!([T: Real] T; T, &'r T, a => *a, b => **b);
// (both borrowed: for `f64` and `f32` only, as another crate may implement `Real` for a
// reference to a type of its own)
mul_through_refs!([] f64; &'r f64, &'r f64, a => **a, b => **b);
mul_through_refs!([] f32; &'r f32, &'r f32, a => **a, b => **b);

/// `y = a / b`.
pub trait DivRule<R> {
    /// The quotient's type.
    type Out;
    /// The left operand's adjoint (and tangent) type.
    type LhsAdj;
    /// The right operand's adjoint (and tangent) type.
    type RhsAdj;
    /// `y = a/b => da += dy/b`
    fn d_lhs(g: Self::Out, a: &Self, b: &R) -> Self::LhsAdj;
    /// `y = a/b => db += -dy*a/b²`
    fn d_rhs(g: Self::Out, a: &Self, b: &R) -> Self::RhsAdj;
    /// `dy = da/b`
    fn t_lhs(da: Self::LhsAdj, a: &Self, b: &R) -> Self::Out;
    /// `dy = -a*db/b²`
    fn t_rhs(db: Self::RhsAdj, a: &Self, b: &R) -> Self::Out;
    /// [`d_lhs`](Self::d_lhs) for the optimistic sweep: plain IEEE arithmetic where the
    /// operands are floats (see `rules::ieee`); the zero rule's form otherwise.
    #[inline(always)]
    fn d_lhs_ieee(g: Self::Out, a: &Self, b: &R) -> Self::LhsAdj {
        Self::d_lhs(g, a, b)
    }
    /// [`d_rhs`](Self::d_rhs) for the optimistic sweep (see [`d_lhs_ieee`](Self::d_lhs_ieee)).
    #[inline(always)]
    fn d_rhs_ieee(g: Self::Out, a: &Self, b: &R) -> Self::RhsAdj {
        Self::d_rhs(g, a, b)
    }
    /// [`t_lhs`](Self::t_lhs) for the optimistic sweep: plain IEEE arithmetic where the
    /// operands are floats (see `rules::ieee`); the zero rule's form otherwise.
    #[inline(always)]
    fn t_lhs_ieee(da: Self::LhsAdj, a: &Self, b: &R) -> Self::Out {
        Self::t_lhs(da, a, b)
    }
    /// [`t_rhs`](Self::t_rhs) for the optimistic sweep (see [`t_lhs_ieee`](Self::t_lhs_ieee)).
    #[inline(always)]
    fn t_rhs_ieee(db: Self::RhsAdj, a: &Self, b: &R) -> Self::Out {
        Self::t_rhs(db, a, b)
    }
}

impl<T: Real> DivRule<T> for T {
    type Out = T;
    type LhsAdj = T;
    type RhsAdj = T;
    #[inline(always)]
    fn d_lhs(g: T, _a: &T, b: &T) -> T {
        over(g, *b)
    }
    #[inline(always)]
    fn d_rhs(g: T, a: &T, b: &T) -> T {
        over(times(-g, *a), *b * *b)
    }
    // Tangents multiply by `1/b` (one division, shared by every tangent direction of the same
    // quotient) and read `y = a/b` (the primal's own quotient); the zero rule's serial form as
    // for products. `1/b` is `±inf` at `b = 0` and 0 at `b = ±inf`, as `da/b` is.
    /// `dy = da·(1/b)`
    #[inline(always)]
    fn t_lhs(da: T, _a: &T, b: &T) -> T {
        times_serial(da, T::one() / *b)
    }
    /// `dy = -db·y·(1/b)` with `y = a/b`
    #[inline(always)]
    fn t_rhs(db: T, a: &T, b: &T) -> T {
        times_serial(times_serial(-db, *a / *b), T::one() / *b)
    }
    /// `y = a/b => da += dy/b` (IEEE)
    #[inline(always)]
    fn d_lhs_ieee(g: T, _a: &T, b: &T) -> T {
        g / *b
    }
    /// `y = a/b => db += -dy*a/b²` (IEEE)
    #[inline(always)]
    fn d_rhs_ieee(g: T, a: &T, b: &T) -> T {
        -g * *a / (*b * *b)
    }
    /// `dy = da·(1/b)` (IEEE)
    #[inline(always)]
    fn t_lhs_ieee(da: T, _a: &T, b: &T) -> T {
        da * (T::one() / *b)
    }
    /// `dy = -db·y·(1/b)` (IEEE)
    #[inline(always)]
    fn t_rhs_ieee(db: T, a: &T, b: &T) -> T {
        -db * (*a / *b) * (T::one() / *b)
    }
}

/// `y = a % b = a - trunc(a/b)*b`.
pub trait RemRule<R> {
    /// The remainder's type.
    type Out;
    /// The left operand's adjoint (and tangent) type.
    type LhsAdj;
    /// The right operand's adjoint (and tangent) type.
    type RhsAdj;
    /// `da += dy`
    fn d_lhs(g: Self::Out, a: &Self, b: &R) -> Self::LhsAdj;
    /// `db += -dy*trunc(a/b)`
    fn d_rhs(g: Self::Out, a: &Self, b: &R) -> Self::RhsAdj;
    /// `dy = da`
    fn t_lhs(da: Self::LhsAdj, a: &Self, b: &R) -> Self::Out;
    /// `dy = -db*trunc(a/b)`
    fn t_rhs(db: Self::RhsAdj, a: &Self, b: &R) -> Self::Out;
}

impl<T: Real> RemRule<T> for T {
    type Out = T;
    type LhsAdj = T;
    type RhsAdj = T;
    #[inline(always)]
    fn d_lhs(g: T, _a: &T, _b: &T) -> T {
        g
    }
    #[inline(always)]
    fn d_rhs(g: T, a: &T, b: &T) -> T {
        times(-g, (*a / *b).trunc())
    }
    #[inline(always)]
    fn t_lhs(da: T, _a: &T, _b: &T) -> T {
        da
    }
    #[inline(always)]
    fn t_rhs(db: T, a: &T, b: &T) -> T {
        times(-db, (*a / *b).trunc())
    }
}

/// `y = x as U` between float types.
pub trait CastRule<U> {
    /// `y = x as U => dx += dy as Self`
    fn d_cast(g: U, x: &Self) -> Self;
    /// `dy = dx as U`
    fn t_cast(dx: Self, x: &Self) -> U;
}

impl<T: Real, U: Real> CastRule<U> for T {
    #[inline(always)]
    fn d_cast(g: U, _x: &T) -> T {
        T::from_f64(g.to_f64())
    }
    #[inline(always)]
    fn t_cast(dx: T, _x: &T) -> U {
        U::from_f64(dx.to_f64())
    }
}

/// `y = n as U` from an integer (or `bool`) that sits in a differentiable aggregate, e.g. a
/// tuple `(n, x)`: piecewise constant, so `dn += 0` and `dy = 0`.
macro_rules! int_cast_rule {
    ($($t:ty),*) => {$(
        impl<U: Real> CastRule<U> for $t {
            #[inline(always)]
            fn d_cast(_g: U, _x: &$t) -> $t {
                Default::default()
            }
            #[inline(always)]
            fn t_cast(_dx: $t, _x: &$t) -> U {
                U::zero()
            }
        }
    )*};
}
int_cast_rule!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool
);

/// `y = sin x => dx += dy*cos x`
#[inline(always)]
pub fn sin_d0<T: Real>(g: T, x: &T) -> T {
    times(g, x.cos())
}
/// `y = cos x => dx += -dy*sin x`
#[inline(always)]
pub fn cos_d0<T: Real>(g: T, x: &T) -> T {
    times(-g, x.sin())
}
/// The float behind a `sin`/`cos` receiver, by value, through references (`a.sin()` on an
/// `a: &f64` from an iterator): generated code calls `x.kept_arg()`, which resolves on the float
/// whatever the depth of references.
pub trait KeptArg: Real {
    /// The value.
    #[inline(always)]
    fn kept_arg(&self) -> Self {
        *self
    }
}
impl<T: Real> KeptArg for T {}

/// The value [`sin_d0_kept`] reads, computed in the forward sweep right beside `y = sin x`:
/// `cos x`. Next to the `sin` of the same `x` in one block, the compiler makes the two one
/// `sincos` call (about 1.5 times a `sin`, where a `cos` again in the reverse sweep is 2).
#[inline(always)]
pub fn sin_kept<T: Real>(x: T) -> T {
    x.cos()
}
/// `y = sin x => dx += dy*c` with `c = cos x` kept by the forward sweep ([`sin_kept`]).
#[inline(always)]
pub fn sin_d0_kept<T: Real>(g: T, c: &T) -> T {
    times(g, *c)
}
/// The value [`cos_d0_kept`] reads, computed in the forward sweep beside `y = cos x`: `sin x`.
#[inline(always)]
pub fn cos_kept<T: Real>(x: T) -> T {
    x.sin()
}
/// `y = cos x => dx += -dy*s` with `s = sin x` kept by the forward sweep ([`cos_kept`]).
#[inline(always)]
pub fn cos_d0_kept<T: Real>(g: T, s: &T) -> T {
    times(-g, *s)
}
/// `y = tan x => dx += dy*(1 + y²)`
#[inline(always)]
pub fn tan_d0<T: Real>(g: T, y: &T) -> T {
    times(g, T::one() + *y * *y)
}
/// `y = asin x => dx += dy/sqrt(1 - x²)`
#[inline(always)]
pub fn asin_d0<T: Real>(g: T, x: &T) -> T {
    over(g, (T::one() - *x * *x).sqrt())
}
/// `y = acos x => dx += -dy/sqrt(1 - x²)`
#[inline(always)]
pub fn acos_d0<T: Real>(g: T, x: &T) -> T {
    over(-g, (T::one() - *x * *x).sqrt())
}
/// `y = atan x => dx += dy/(1 + x²)`
#[inline(always)]
pub fn atan_d0<T: Real>(g: T, x: &T) -> T {
    over(g, T::one() + *x * *x)
}
/// `z = atan2(y, x) => dy += dz*x/(x² + y²)`
#[inline(always)]
pub fn atan2_d0<T: Real>(g: T, y: &T, x: &T) -> T {
    over(times(g, *x), *x * *x + *y * *y)
}
/// `z = atan2(y, x) => dx += -dz*y/(x² + y²)`
#[inline(always)]
pub fn atan2_d1<T: Real>(g: T, y: &T, x: &T) -> T {
    over(times(-g, *y), *x * *x + *y * *y)
}
/// `y = sinh x => dx += dy*cosh x`
#[inline(always)]
pub fn sinh_d0<T: Real>(g: T, x: &T) -> T {
    times(g, x.cosh())
}
/// `y = cosh x => dx += dy*sinh x`
#[inline(always)]
pub fn cosh_d0<T: Real>(g: T, x: &T) -> T {
    times(g, x.sinh())
}
/// `y = tanh x => dx += dy*(1 - y²)`
#[inline(always)]
pub fn tanh_d0<T: Real>(g: T, y: &T) -> T {
    times(g, T::one() - *y * *y)
}
/// `y = exp x => dx += dy*y`
#[inline(always)]
pub fn exp_d0<T: Real>(g: T, y: &T) -> T {
    times(g, *y)
}
/// `y = 2^x => dx += dy*y*ln 2`
#[inline(always)]
pub fn exp2_d0<T: Real>(g: T, y: &T) -> T {
    times(g, *y * T::from_f64(core::f64::consts::LN_2))
}
/// `y = exp x - 1 => dx += dy*(y + 1)`
#[inline(always)]
pub fn exp_m1_d0<T: Real>(g: T, y: &T) -> T {
    times(g, *y + T::one())
}
/// `y = ln x => dx += dy/x` (`ln'(0) = +inf`, as TensorFlow)
#[inline(always)]
pub fn ln_d0<T: Real>(g: T, x: &T) -> T {
    over(g, *x)
}
/// `y = log_b x => dx += dy/(x ln b)`
#[inline(always)]
pub fn log_d0<T: Real>(g: T, x: &T, b: &T) -> T {
    over(g, *x * b.ln())
}
/// `y = log_b x = ln x / ln b => db += -dy*ln x/(b ln² b)`
#[inline(always)]
pub fn log_d1<T: Real>(g: T, x: &T, b: &T) -> T {
    let lb = b.ln();
    over(times(-g, x.ln()), *b * lb * lb)
}
/// `y = log2 x => dx += dy/(x ln 2)`
#[inline(always)]
pub fn log2_d0<T: Real>(g: T, x: &T) -> T {
    over(g, *x * T::from_f64(core::f64::consts::LN_2))
}
/// `y = log10 x => dx += dy/(x ln 10)`
#[inline(always)]
pub fn log10_d0<T: Real>(g: T, x: &T) -> T {
    over(g, *x * T::from_f64(core::f64::consts::LN_10))
}
/// `y = ln(1 + x) => dx += dy/(1 + x)`
#[inline(always)]
pub fn ln_1p_d0<T: Real>(g: T, x: &T) -> T {
    over(g, T::one() + *x)
}
/// `y = sqrt x => dx += dy/(2y)` (`sqrt'(0) = +inf`, as TensorFlow)
#[inline(always)]
pub fn sqrt_d0<T: Real>(g: T, y: &T) -> T {
    over(g, *y + *y)
}
/// `y = cbrt x => dx += dy/(3y²)`
#[inline(always)]
pub fn cbrt_d0<T: Real>(g: T, y: &T) -> T {
    over(g, T::from_f64(3.0) * *y * *y)
}
/// `y = x^n => dx += dy*n*x^(n-1)` (`n = 0` gives exactly 0, also at `x = 0`)
#[inline(always)]
pub fn powi_d0<T: Real>(g: T, x: &T, n: &i32) -> T {
    if *n == 0 {
        T::zero()
    } else {
        times(g, T::from_f64(f64::from(*n)) * x.powi(*n - 1))
    }
}
/// `y = x^p => dx += dy*p*x^(p-1)` (`p = 0` gives exactly 0, also at `x = 0`)
#[inline(always)]
pub fn powf_d0<T: Real>(g: T, x: &T, p: &T) -> T {
    if *p == T::zero() {
        T::zero()
    } else {
        times(times(g, *p), x.powf(*p - T::one()))
    }
}
/// `y = x^p => dp += dy*y*ln x`, taken as 0 where `x <= 0` (as TensorFlow)
#[inline(always)]
pub fn powf_d1<T: Real>(g: T, x: &T, y: &T) -> T {
    if *x > T::zero() {
        times(times(g, *y), x.ln())
    } else {
        T::zero()
    }
}
/// `y = 1/x => dx += -dy*y²`
#[inline(always)]
pub fn recip_d0<T: Real>(g: T, y: &T) -> T {
    times(-g, *y * *y)
}
/// `|x|` for a scalar or elementwise for a matrix.
pub trait AbsRule: Sized {
    /// `y = |x| => dx += dy*sign(x)` (elementwise), with `abs'(0) = 0`.
    fn abs_d(g: Self, x: &Self) -> Self;
}

impl<T: Real> AbsRule for T {
    #[inline(always)]
    fn abs_d(g: T, x: &T) -> T {
        if *x > T::zero() {
            g
        } else if *x < T::zero() {
            -g
        } else {
            T::zero()
        }
    }
}

/// `y = |x| => dx += dy*sign(x)`, with `abs'(0) = 0` (as TensorFlow); elementwise for matrices
#[inline(always)]
pub fn abs_d0<X: AbsRule>(g: X, x: &X) -> X {
    X::abs_d(g, x)
}
/// `y = max(a, b) => da += dy` where `a >= b` (ties go to the first argument, as TensorFlow)
#[inline(always)]
pub fn max_d0<T: Real>(g: T, a: &T, b: &T) -> T {
    if *a >= *b || b.is_nan() { g } else { T::zero() }
}
/// `y = max(a, b) => db += dy` where `b > a`
#[inline(always)]
pub fn max_d1<T: Real>(g: T, a: &T, b: &T) -> T {
    if *a >= *b || b.is_nan() { T::zero() } else { g }
}
/// `y = min(a, b) => da += dy` where `a <= b` (ties go to the first argument)
#[inline(always)]
pub fn min_d0<T: Real>(g: T, a: &T, b: &T) -> T {
    if *a <= *b || b.is_nan() { g } else { T::zero() }
}
/// `y = min(a, b) => db += dy` where `b < a`
#[inline(always)]
pub fn min_d1<T: Real>(g: T, a: &T, b: &T) -> T {
    if *a <= *b || b.is_nan() { T::zero() } else { g }
}
/// `y = hypot(a, b) => da += dy*a/y` (0 at the origin)
#[inline(always)]
pub fn hypot_d0<T: Real>(g: T, a: &T, y: &T) -> T {
    if *y == T::zero() {
        T::zero()
    } else {
        over(times(g, *a), *y)
    }
}
/// `y = hypot(a, b) => db += dy*b/y` (0 at the origin)
#[inline(always)]
pub fn hypot_d1<T: Real>(g: T, b: &T, y: &T) -> T {
    if *y == T::zero() {
        T::zero()
    } else {
        over(times(g, *b), *y)
    }
}
/// `y = asinh x => dx += dy/sqrt(x² + 1)`
#[inline(always)]
pub fn asinh_d0<T: Real>(g: T, x: &T) -> T {
    over(g, (*x * *x + T::one()).sqrt())
}
/// `y = acosh x => dx += dy/sqrt(x² - 1)` (+inf at `x = 1`)
#[inline(always)]
pub fn acosh_d0<T: Real>(g: T, x: &T) -> T {
    over(g, (*x * *x - T::one()).sqrt())
}
/// `y = atanh x => dx += dy/(1 - x²)` (±inf at `x = ±1`)
#[inline(always)]
pub fn atanh_d0<T: Real>(g: T, x: &T) -> T {
    over(g, T::one() - *x * *x)
}
/// `y = x * 180/pi => dx += dy * 180/pi`
#[inline(always)]
pub fn to_degrees_d0<T: Real>(g: T) -> T {
    times(g, T::from_f64(180.0 / core::f64::consts::PI))
}
/// `y = x * pi/180 => dx += dy * pi/180`
#[inline(always)]
pub fn to_radians_d0<T: Real>(g: T) -> T {
    times(g, T::from_f64(core::f64::consts::PI / 180.0))
}
/// `y = x*a + b => dx += dy*a`
#[inline(always)]
pub fn mul_add_d0<T: Real>(g: T, a: &T) -> T {
    times(g, *a)
}
/// `y = x*a + b => da += dy*x`
#[inline(always)]
pub fn mul_add_d1<T: Real>(g: T, x: &T) -> T {
    times(g, *x)
}
/// `y = x*a + b => db += dy`
#[inline(always)]
pub fn mul_add_d2<T: Real>(g: T) -> T {
    g
}
/// `y = clamp(x, lo, hi) => dx += dy` where `lo <= x <= hi` (as TensorFlow's clip_by_value)
#[inline(always)]
pub fn clamp_d0<T: Real>(g: T, x: &T, lo: &T, hi: &T) -> T {
    if *x >= *lo && *x <= *hi { g } else { T::zero() }
}
/// `y = clamp(x, lo, hi) => dlo += dy` where `x < lo`
#[inline(always)]
pub fn clamp_d1<T: Real>(g: T, x: &T, lo: &T) -> T {
    if *x < *lo { g } else { T::zero() }
}
/// `y = clamp(x, lo, hi) => dhi += dy` where `x > hi`
#[inline(always)]
pub fn clamp_d2<T: Real>(g: T, x: &T, hi: &T) -> T {
    if *x > *hi { g } else { T::zero() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
        let h = 1e-6;
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    #[test]
    fn unary_rules_match_finite_differences() {
        let x = 0.37_f64;
        let cases: Vec<(&str, f64, f64)> = vec![
            ("sin", sin_d0(1.0, &x), central(f64::sin, x)),
            (
                "sin, cos x kept",
                sin_d0_kept(1.0, &sin_kept(x)),
                central(f64::sin, x),
            ),
            (
                "cos, sin x kept",
                cos_d0_kept(1.0, &cos_kept(x)),
                central(f64::cos, x),
            ),
            ("cos", cos_d0(1.0, &x), central(f64::cos, x)),
            ("tan", tan_d0(1.0, &x.tan()), central(f64::tan, x)),
            ("asin", asin_d0(1.0, &x), central(f64::asin, x)),
            ("acos", acos_d0(1.0, &x), central(f64::acos, x)),
            ("atan", atan_d0(1.0, &x), central(f64::atan, x)),
            ("asinh", asinh_d0(1.0, &x), central(f64::asinh, x)),
            (
                "acosh",
                acosh_d0(1.0, &(1.0 + x)),
                central(f64::acosh, 1.0 + x),
            ),
            ("atanh", atanh_d0(1.0, &x), central(f64::atanh, x)),
            (
                "to_degrees",
                to_degrees_d0(1.0),
                central(f64::to_degrees, x),
            ),
            (
                "to_radians",
                to_radians_d0(1.0),
                central(f64::to_radians, x),
            ),
            ("sinh", sinh_d0(1.0, &x), central(f64::sinh, x)),
            ("cosh", cosh_d0(1.0, &x), central(f64::cosh, x)),
            ("tanh", tanh_d0(1.0, &x.tanh()), central(f64::tanh, x)),
            ("exp", exp_d0(1.0, &x.exp()), central(f64::exp, x)),
            ("exp2", exp2_d0(1.0, &x.exp2()), central(f64::exp2, x)),
            (
                "exp_m1",
                exp_m1_d0(1.0, &x.exp_m1()),
                central(f64::exp_m1, x),
            ),
            ("ln", ln_d0(1.0, &x), central(f64::ln, x)),
            ("log2", log2_d0(1.0, &x), central(f64::log2, x)),
            ("log10", log10_d0(1.0, &x), central(f64::log10, x)),
            ("ln_1p", ln_1p_d0(1.0, &x), central(f64::ln_1p, x)),
            ("sqrt", sqrt_d0(1.0, &x.sqrt()), central(f64::sqrt, x)),
            ("cbrt", cbrt_d0(1.0, &x.cbrt()), central(f64::cbrt, x)),
            ("recip", recip_d0(1.0, &x.recip()), central(f64::recip, x)),
            ("abs", abs_d0(1.0, &-x), central(f64::abs, -x)),
            ("powi", powi_d0(1.0, &x, &3), central(|v| v.powi(3), x)),
            ("powf", powf_d0(1.0, &x, &2.5), central(|v| v.powf(2.5), x)),
            (
                "powf exp",
                powf_d1(1.0, &x, &x.powf(2.5)),
                central(|p| x.powf(p), 2.5),
            ),
            (
                "log base",
                log_d1(1.0, &x, &3.0),
                central(|b| x.log(b), 3.0),
            ),
            (
                "atan2 y",
                atan2_d0(1.0, &x, &0.8),
                central(|y| y.atan2(0.8), x),
            ),
            (
                "atan2 x",
                atan2_d1(1.0, &x, &0.8),
                central(|v| x.atan2(v), 0.8),
            ),
        ];
        for (name, got, want) in cases {
            assert!(
                (got - want).abs() < 1e-6 * (1.0 + want.abs()),
                "{name}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn conventions_at_kinks() {
        // The conventions are exact values, so the tolerance is zero.
        use crate::check::{Tolerance, assert_close};
        const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
        assert_close(abs_d0(1.0_f64, &0.0), 0.0, EXACT);
        assert_close(max_d0(1.0_f64, &2.0, &2.0), 1.0, EXACT);
        assert_close(max_d1(1.0_f64, &2.0, &2.0), 0.0, EXACT);
        assert_close(min_d0(1.0_f64, &2.0, &2.0), 1.0, EXACT);
        assert_close(powi_d0(1.0_f64, &0.0, &0), 0.0, EXACT);
        assert_close(powf_d1(1.0_f64, &0.0, &0.0), 0.0, EXACT);
        assert!(sqrt_d0(1.0_f64, &0.0).is_infinite());
        assert!(ln_d0(1.0_f64, &0.0).is_infinite());
        assert_close(clamp_d0(1.0_f64, &1.0, &1.0, &2.0), 1.0, EXACT);
    }
}
