//! Dual numbers: a [`Real`] that carries a derivative along, for exact second derivatives.
//!
//! `Dual { re, eps }` stands for `re + eps·ε` with `ε² = 0`. Every `Real` operation on duals is
//! forward-mode differentiation of that operation, so running a generic `#[differentiable]`
//! function's `_grad` at `T = Dual<f64>` differentiates the *gradient* in the direction of the
//! `eps` parts: forward over reverse, a Hessian-vector product (TensorFlow's nested tapes).
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::dual::Dual;
//!
//! #[differentiable]
//! fn z<T: Real>(x1: T, x2: T) -> T {
//!     x1 * x1 + x2 + T::one()
//! }
//!
//! // Seed the direction x1: the eps parts of the gradient are the first Hessian column.
//! let (_, (g1, g2)) = z_grad(Dual::variable(2.0), Dual::constant(3.0));
//! assert!((g1.re - 4.0).abs() < 1e-12 && (g1.eps - 2.0).abs() < 1e-12); // dz/dx1 = 2·x1, d²z/dx1² = 2
//! assert!((g2.re - 1.0).abs() < 1e-12 && g2.eps.abs() < 1e-12); // dz/dx2 = 1, d²z/dx2dx1 = 0
//! ```

use core::fmt;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use crate::adjoint::{Adjoint, ZeroLike};
use crate::differentiable::Differentiable;
use crate::real::Real;
use crate::rules::zero;

/// `re + eps·ε` with `ε² = 0`.
///
/// `==` compares both parts (a dual is zero only when its derivative is too, which the zero rule
/// relies on); `<` and `>` compare values. In `order = 2` code the macro compares the user's
/// `==` and `!=` by value ([`Real::value_eq`]), so control flow takes the function's own arm.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dual<T> {
    /// The value.
    pub re: T,
    /// The derivative carried along.
    pub eps: T,
}

impl<T: Real> Dual<T> {
    /// A value with a derivative.
    pub fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
    /// The variable being differentiated by: derivative 1.
    pub fn variable(re: T) -> Self {
        Dual { re, eps: T::one() }
    }
    /// A constant: derivative 0.
    pub fn constant(re: T) -> Self {
        Dual { re, eps: T::zero() }
    }
    /// `f(re)` with derivative `f'(re)·eps` (the chain rule), under the zero rule: a derivative
    /// that is exactly 0 stays 0 through an infinite slope (`sqrt` of a constant 0).
    fn chain(self, value: T, slope: T) -> Self {
        Dual {
            re: value,
            eps: zero::times(self.eps, slope),
        }
    }
}

impl<T: Real> PartialOrd for Dual<T> {
    /// Duals compare by value (as a branch in the primal would).
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// Prints the value only, with the formatter's options (`{:.3}` of a dual is `{:.3}` of its
/// value), as the function itself prints it: text made from a value carries no derivative, and
/// code that reads it (`format!("{:.1}", x)` as a key) takes the function's own path in the
/// `order = 2` companions. `{:?}` shows both parts.
impl<T: Real> fmt::Display for Dual<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.re, f)
    }
}

// d(a+b) = da + db
impl<T: Real> Add for Dual<T> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Dual {
            re: self.re + o.re,
            eps: self.eps + o.eps,
        }
    }
}
// d(a-b) = da - db
impl<T: Real> Sub for Dual<T> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Dual {
            re: self.re - o.re,
            eps: self.eps - o.eps,
        }
    }
}
// d(ab) = da·b + a·db, each product under the zero rule (`0·inf = 0`, as the scalar rules)
impl<T: Real> Mul for Dual<T> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Dual {
            re: self.re * o.re,
            eps: zero::times(self.eps, o.re) + zero::times(self.re, o.eps),
        }
    }
}
// d(a/b) = (da·b - a·db)/b², exactly 0 when the numerator is (the zero rule)
impl<T: Real> Div for Dual<T> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        Dual {
            re: self.re / o.re,
            eps: zero::over(
                zero::times(self.eps, o.re) - zero::times(self.re, o.eps),
                o.re * o.re,
            ),
        }
    }
}
// a % b = a - trunc(a/b)·b => d = da - trunc(a/b)·db
impl<T: Real> Rem for Dual<T> {
    type Output = Self;
    fn rem(self, o: Self) -> Self {
        Dual {
            re: self.re % o.re,
            eps: self.eps - zero::times((self.re / o.re).trunc(), o.eps),
        }
    }
}
// d(-a) = -da
impl<T: Real> Neg for Dual<T> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual {
            re: -self.re,
            eps: -self.eps,
        }
    }
}
// The same rules on borrowed operands (`&a * &b`, `&a * b`, `a * &b`): `order = 2` code runs a
// user's `f64` arithmetic on `&f64` values (`for a in x.iter() { s += a * a }`) at dual numbers.
macro_rules! ref_ops {
    ($($tr:ident $m:ident),*) => {$(
        impl<T: Real> $tr<&Dual<T>> for &Dual<T> {
            type Output = Dual<T>;
            fn $m(self, o: &Dual<T>) -> Dual<T> { (*self).$m(*o) }
        }
        impl<T: Real> $tr<Dual<T>> for &Dual<T> {
            type Output = Dual<T>;
            fn $m(self, o: Dual<T>) -> Dual<T> { (*self).$m(o) }
        }
        impl<T: Real> $tr<&Dual<T>> for Dual<T> {
            type Output = Dual<T>;
            fn $m(self, o: &Dual<T>) -> Dual<T> { self.$m(*o) }
        }
    )*};
}
ref_ops!(Add add, Sub sub, Mul mul, Div div, Rem rem);
// d(-a) = -da, borrowed.
impl<T: Real> Neg for &Dual<T> {
    type Output = Dual<T>;
    fn neg(self) -> Dual<T> {
        -*self
    }
}

macro_rules! assign_ops {
    ($($tr:ident $m:ident $op:tt),*) => {$(
        impl<T: Real> $tr for Dual<T> {
            fn $m(&mut self, o: Self) { *self = *self $op o; }
        }
    )*};
}
assign_ops!(AddAssign add_assign +, SubAssign sub_assign -, MulAssign mul_assign *, DivAssign div_assign /, RemAssign rem_assign %);

// 0 + 0ε and 1 + 0ε: nalgebra's matrix arithmetic over `Dual` builds its zeros and ones here.
impl<T: Real> num_traits::Zero for Dual<T> {
    fn zero() -> Self {
        Dual::constant(T::zero())
    }
    fn is_zero(&self) -> bool {
        self.re == T::zero() && self.eps == T::zero()
    }
}
impl<T: Real> num_traits::One for Dual<T> {
    fn one() -> Self {
        Dual::constant(T::one())
    }
}

impl<T: Real> Adjoint for Dual<T> {
    fn zero_adj() -> Self {
        Dual::constant(T::zero())
    }
    fn add_adj(&mut self, other: Self) {
        *self += other;
    }
}

impl<T: Real> ZeroLike for Dual<T> {
    fn zero_like(&self) -> Self {
        Dual::constant(T::zero())
    }
}

impl<T: Real> Differentiable for Dual<T> {
    type Adjoint = Self;
    type Grad = Self;
    type Tangent = Self;
    fn finish_grad(&self, adj: Option<Self>) -> Self {
        adj.unwrap_or_else(|| Dual::constant(T::zero()))
    }
    fn adjoint_of(grad: Self) -> Self {
        grad
    }
    fn zero_tangent(&self) -> Self {
        Dual::constant(T::zero())
    }
}

impl<T: Real> Real for Dual<T> {
    // stop_gradient(re + eps·ε) = re, a constant at every level of nesting
    fn without_tangent(self) -> Self {
        Dual::constant(self.re.without_tangent())
    }
    // control flow follows the value: re == re', whatever the derivatives
    fn value_eq(self, other: Self) -> bool {
        self.re.value_eq(other.re)
    }
    fn from_f64(v: f64) -> Self {
        Dual::constant(T::from_f64(v))
    }
    fn from_usize(v: usize) -> Self {
        Dual::constant(T::from_usize(v))
    }
    fn to_f64(self) -> f64 {
        self.re.to_f64()
    }
    fn zero() -> Self {
        Dual::constant(T::zero())
    }
    fn one() -> Self {
        Dual::constant(T::one())
    }
    fn epsilon() -> Self {
        Dual::constant(T::epsilon())
    }
    fn infinity() -> Self {
        Dual::constant(T::infinity())
    }
    // sin' = cos
    fn sin(self) -> Self {
        self.chain(self.re.sin(), self.re.cos())
    }
    // cos' = -sin
    fn cos(self) -> Self {
        self.chain(self.re.cos(), -self.re.sin())
    }
    // tan' = 1 + tan²
    fn tan(self) -> Self {
        let t = self.re.tan();
        self.chain(t, T::one() + t * t)
    }
    // asin' = 1/sqrt(1 - x²)
    fn asin(self) -> Self {
        self.chain(
            self.re.asin(),
            (T::one() - self.re * self.re).sqrt().recip(),
        )
    }
    // acos' = -1/sqrt(1 - x²)
    fn acos(self) -> Self {
        self.chain(
            self.re.acos(),
            -(T::one() - self.re * self.re).sqrt().recip(),
        )
    }
    // atan' = 1/(1 + x²)
    fn atan(self) -> Self {
        self.chain(self.re.atan(), (T::one() + self.re * self.re).recip())
    }
    // atan2(y, x): dy·x/(x²+y²) - dx·y/(x²+y²)
    fn atan2(self, x: Self) -> Self {
        let r2 = x.re * x.re + self.re * self.re;
        Dual {
            re: self.re.atan2(x.re),
            eps: zero::over(
                zero::times(self.eps, x.re) - zero::times(x.eps, self.re),
                r2,
            ),
        }
    }
    // sinh' = cosh
    fn sinh(self) -> Self {
        self.chain(self.re.sinh(), self.re.cosh())
    }
    // cosh' = sinh
    fn cosh(self) -> Self {
        self.chain(self.re.cosh(), self.re.sinh())
    }
    // tanh' = 1 - tanh²
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        self.chain(t, T::one() - t * t)
    }
    // exp' = exp
    fn exp(self) -> Self {
        let e = self.re.exp();
        self.chain(e, e)
    }
    // (2^x)' = 2^x ln 2
    fn exp2(self) -> Self {
        let e = self.re.exp2();
        self.chain(e, e * T::from_f64(core::f64::consts::LN_2))
    }
    // (e^x - 1)' = e^x
    fn exp_m1(self) -> Self {
        self.chain(self.re.exp_m1(), self.re.exp())
    }
    // ln' = 1/x
    fn ln(self) -> Self {
        self.chain(self.re.ln(), self.re.recip())
    }
    // log_b x = ln x / ln b
    fn log(self, b: Self) -> Self {
        self.ln() / b.ln()
    }
    // log2' = 1/(x ln 2)
    fn log2(self) -> Self {
        self.chain(
            self.re.log2(),
            (self.re * T::from_f64(core::f64::consts::LN_2)).recip(),
        )
    }
    // log10' = 1/(x ln 10)
    fn log10(self) -> Self {
        self.chain(
            self.re.log10(),
            (self.re * T::from_f64(core::f64::consts::LN_10)).recip(),
        )
    }
    // ln(1+x)' = 1/(1+x)
    fn ln_1p(self) -> Self {
        self.chain(self.re.ln_1p(), (T::one() + self.re).recip())
    }
    // sqrt' = 1/(2 sqrt)
    fn sqrt(self) -> Self {
        let s = self.re.sqrt();
        self.chain(s, (s + s).recip())
    }
    // cbrt' = 1/(3 cbrt²)
    fn cbrt(self) -> Self {
        let c = self.re.cbrt();
        self.chain(c, (T::from_f64(3.0) * c * c).recip())
    }
    // (x^n)' = n x^(n-1)
    fn powi(self, n: i32) -> Self {
        let slope = if n == 0 {
            T::zero()
        } else {
            T::from_f64(f64::from(n)) * self.re.powi(n - 1)
        };
        self.chain(self.re.powi(n), slope)
    }
    // x^p: dx·p·x^(p-1) + dp·x^p·ln x (the second term 0 where x <= 0, as the scalar rule)
    fn powf(self, p: Self) -> Self {
        let y = self.re.powf(p.re);
        let dx = if p.re == T::zero() {
            T::zero()
        } else {
            p.re * self.re.powf(p.re - T::one())
        };
        // The exponent's derivative is taken as 0 where `x <= 0` (the scalar rule's convention)
        // only where the value is finite: at `0^p` with `p < 0` the value is infinite and its
        // derivative in `p` has no value (the true limit of `x^p ln x` is `-inf` or `+inf`),
        // so a direction that moves `p` there gets NaN, not a finite or wrongly signed number.
        let dp = if self.re > T::zero() {
            y * self.re.ln()
        } else if y.is_finite() {
            T::zero()
        } else {
            T::from_f64(f64::NAN)
        };
        Dual {
            re: y,
            eps: zero::times(self.eps, dx) + zero::times(p.eps, dp),
        }
    }
    // (1/x)' = -1/x²
    fn recip(self) -> Self {
        let r = self.re.recip();
        self.chain(r, -r * r)
    }
    // |x|' = sign(x), 0 at 0
    fn abs(self) -> Self {
        let s = if self.re > T::zero() {
            T::one()
        } else if self.re < T::zero() {
            -T::one()
        } else {
            T::zero()
        };
        self.chain(self.re.abs(), s)
    }
    fn signum(self) -> Self {
        Dual::constant(self.re.signum())
    }
    // ties go to the first argument
    fn max(self, o: Self) -> Self {
        if self.re >= o.re || o.re.is_nan() {
            self
        } else {
            o
        }
    }
    fn min(self, o: Self) -> Self {
        if self.re <= o.re || o.re.is_nan() {
            self
        } else {
            o
        }
    }
    // hypot = sqrt(a² + b²)
    fn hypot(self, o: Self) -> Self {
        let h = self.re.hypot(o.re);
        let eps = if h == T::zero() {
            T::zero()
        } else {
            (self.re * self.eps + o.re * o.eps) / h
        };
        Dual { re: h, eps }
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    // the gradient passes inside [lo, hi], else goes to the bound
    fn clamp(self, lo: Self, hi: Self) -> Self {
        if self.re < lo.re {
            lo
        } else if self.re > hi.re {
            hi
        } else {
            self
        }
    }
    fn floor(self) -> Self {
        Dual::constant(self.re.floor())
    }
    fn ceil(self) -> Self {
        Dual::constant(self.re.ceil())
    }
    fn round(self) -> Self {
        Dual::constant(self.re.round())
    }
    fn trunc(self) -> Self {
        Dual::constant(self.re.trunc())
    }
    fn is_nan(self) -> bool {
        self.re.is_nan()
    }
    fn is_finite(self) -> bool {
        self.re.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each method's eps part equals the central difference of its value.
    #[test]
    fn methods_carry_their_derivatives() {
        let x = 0.37_f64;
        let h = 1e-6;
        type F = fn(Dual<f64>) -> Dual<f64>;
        let cases: &[(&str, F)] = &[
            ("sin", |d| d.sin()),
            ("cos", |d| d.cos()),
            ("tan", |d| d.tan()),
            ("asin", |d| d.asin()),
            ("acos", |d| d.acos()),
            ("atan", |d| d.atan()),
            ("sinh", |d| d.sinh()),
            ("cosh", |d| d.cosh()),
            ("tanh", |d| d.tanh()),
            ("exp", |d| d.exp()),
            ("exp2", |d| d.exp2()),
            ("exp_m1", |d| d.exp_m1()),
            ("ln", |d| d.ln()),
            ("log2", |d| d.log2()),
            ("log10", |d| d.log10()),
            ("ln_1p", |d| d.ln_1p()),
            ("sqrt", |d| d.sqrt()),
            ("cbrt", |d| d.cbrt()),
            ("recip", |d| d.recip()),
            ("powi", |d| d.powi(3)),
            ("powf", |d| d.powf(Dual::constant(2.5))),
            ("powf exp", |d| Dual::constant(1.7).powf(d)),
            ("atan2", |d| d.atan2(Dual::constant(0.8))),
            ("hypot", |d| d.hypot(Dual::constant(0.8))),
            ("log", |d| d.log(Dual::constant(3.0))),
            ("div", |d| Dual::constant(2.0) / d),
            ("rem", |d| (d * Dual::constant(10.0)) % Dual::constant(3.0)),
        ];
        for (name, f) in cases {
            let got = f(Dual::variable(x)).eps;
            let want = (f(Dual::constant(x + h)).re - f(Dual::constant(x - h)).re) / (2.0 * h);
            assert!(
                (got - want).abs() < 1e-6 * (1.0 + want.abs()),
                "{name}: {got} vs {want}"
            );
        }
    }
}
