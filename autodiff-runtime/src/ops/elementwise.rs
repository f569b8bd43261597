//! Elementwise ops: `y[i, j] = f(x[i, j])`.
//!
//! Each unary op is declared once with `unary_op!`: its scalar value `y = f(x)` and its rule
//! `dx = dy * f'(..)`, written in terms of the input `x` or of the output `y` (whichever the
//! derivative is cheaper and more accurate in). Since the Jacobian is diagonal, the same rule
//! gives the tangent: `dy = dx * f'(..)`.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

use super::{cotangent, tangent};
use crate::__private::{NoGrad, NoTangentArg, TangentArg};
use crate::matrix::MatrixScalar;
use crate::real::Real;
use crate::rules::scalar::{abs_d0, exp_d0, ln_d0, powf_d0, powf_d1, sqrt_d0, tanh_d0};

/// Which value an elementwise rule reads.
#[derive(Clone, Copy)]
enum Saves {
    /// The input `x` (borrowed: the pullback keeps a reference to the argument).
    Input,
    /// The output `y` (the pullback keeps its own copy).
    Output,
}

/// The reverse-mode companion of a unary op `y = f(x)` whose rule is `dx = d(dy, s)`, with `s` the
/// saved input or output.
fn unary_vjp<'a, T, R, C, F, D>(
    op: &'static str,
    m: &'a OMatrix<T, R, C>,
    f: F,
    d: D,
    saves: Saves,
) -> (
    OMatrix<T, R, C>,
    impl Fn(OMatrix<T, R, C>) -> (Option<OMatrix<T, R, C>>,) + 'a,
)
where
    T: Real,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
    F: Fn(T) -> T,
    D: Fn(T, T) -> T + 'a,
{
    let y = m.map(f);
    let saved = match saves {
        Saves::Input => None,
        Saves::Output => Some(y.clone()),
    };
    (y, move |g| {
        let Some(mut g) = cotangent(op, g, m.shape()) else {
            return (None,);
        };
        g.zip_apply(saved.as_ref().unwrap_or(m), |g, s| *g = d(*g, s));
        (Some(g),)
    })
}

/// The forward-mode companion of a unary op: `dy = d(dx, s)` (a diagonal Jacobian is symmetric).
fn unary_jvp<T, R, C>(
    op: &'static str,
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
    f: impl Fn(T) -> T,
    d: impl Fn(T, T) -> T,
    saves: Saves,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: Real,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let y = m.map(f);
    let mut dy = tangent(op, dm, m);
    let s = match saves {
        Saves::Input => m,
        Saves::Output => &y,
    };
    dy.zip_apply(s, |t, s| *t = d(*t, s));
    (y, dy)
}

/// Declares a unary elementwise op: the plain function and its two companions.
///
/// `y = |x| value;` is the scalar function and `dx = |g, s| rule;` its derivative rule, where `g`
/// is the output cotangent and `s` is spelled `x` (the rule reads the input) or `y` (it reads the
/// output). Both are generic over `T: Real` only, so `x.exp()` is unambiguous.
macro_rules! unary_op {
    (@saves x) => {
        Saves::Input
    };
    (@saves y) => {
        Saves::Output
    };
    (
        $(#[$attr:meta])*
        $name:ident, $vjp:ident, $jvp:ident;
        y = |$x:ident| $value:expr;
        dx = |$g:ident, $s:ident| $rule:expr;
    ) => {
        $(#[$attr])*
        #[must_use]
        pub fn $name<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
        where
            T: MatrixScalar,
            R: Dim,
            C: Dim,
            DefaultAllocator: Allocator<R, C>,
        {
            fn value<T: Real>($x: T) -> T {
                $value
            }
            m.map(value::<T>)
        }

        #[doc = concat!("Reverse-mode companion of [`", stringify!($name), "`].")]
        #[doc(hidden)]
        pub fn $vjp<T, R, C>(
            m: &OMatrix<T, R, C>,
        ) -> (
            OMatrix<T, R, C>,
            impl Fn(OMatrix<T, R, C>) -> (Option<OMatrix<T, R, C>>,) + '_,
        )
        where
            T: MatrixScalar,
            R: Dim,
            C: Dim,
            DefaultAllocator: Allocator<R, C>,
        {
            fn value<T: Real>($x: T) -> T {
                $value
            }
            fn rule<T: Real>($g: T, $s: T) -> T {
                $rule
            }
            unary_vjp(stringify!($name), m, value::<T>, rule::<T>, unary_op!(@saves $s))
        }

        #[doc = concat!("Forward-mode companion of [`", stringify!($name), "`].")]
        #[doc(hidden)]
        pub fn $jvp<T, R, C>(
            m: &OMatrix<T, R, C>,
            dm: impl TangentArg<OMatrix<T, R, C>>,
        ) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
        where
            T: MatrixScalar,
            R: Dim,
            C: Dim,
            DefaultAllocator: Allocator<R, C>,
        {
            fn value<T: Real>($x: T) -> T {
                $value
            }
            fn rule<T: Real>($g: T, $s: T) -> T {
                $rule
            }
            unary_jvp(stringify!($name), m, dm, value::<T>, rule::<T>, unary_op!(@saves $s))
        }
    };
}

/// `1 / (1 + e^-x)`, computed without exponentiating a large positive number.
fn sigmoid_scalar<T: Real>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

unary_op! {
    /// The rectified linear unit `max(x, 0)`, elementwise (`tf.nn.relu`).
    ///
    /// Its derivative is `1` where `x > 0` and `0` elsewhere, including at `x = 0` (as
    /// TensorFlow). `NaN` entries stay `NaN`.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 0.5, 2.0]);
    /// let y = ops::relu(&x);
    /// assert_relative_eq!(y, DMatrix::from_row_slice(2, 2, &[0.0, 0.0, 0.5, 2.0]));
    /// ```
    relu, __relu_derivative_0ef0beb3bebbaaf8b700baa7996ca003, __relu_forward_derivative_5088db2bb8f1cffa7e3533eefc935109;
    y = |x| if x > T::zero() || x.is_nan() { x } else { T::zero() };
    // y = relu(x) => dx += dy * [x > 0]   (relu'(0) = 0, as TensorFlow)
    dx = |g, x| if x > T::zero() { g } else { T::zero() };
}

unary_op! {
    /// The logistic sigmoid `1 / (1 + e^-x)`, elementwise (`tf.sigmoid`).
    ///
    /// Computed so that no large positive number is exponentiated: `sigmoid(±1000)` is `1`/`0`
    /// with a finite (zero) derivative.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![0.0, 2.0, -1000.0]);
    /// let y = ops::sigmoid(&x);
    /// assert_relative_eq!(y[0], 0.5);
    /// assert_relative_eq!(y[1], 1.0 / (1.0 + (-2.0f64).exp()), epsilon = 1e-15);
    /// assert!(y[2].abs() <= 0.0); // exactly 0
    /// ```
    sigmoid, __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb, __sigmoid_forward_derivative_04f53fad506776fc8bc32aea806a0a2d;
    y = |x| sigmoid_scalar(x);
    // y = sigmoid(x) => dx += dy * y * (1 - y)
    dx = |g, y| g * y * (T::one() - y);
}

unary_op! {
    /// The hyperbolic tangent, elementwise (`tf.tanh`).
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DMatrix::from_row_slice(1, 3, &[-1.0, 0.0, 1000.0]);
    /// let y = ops::tanh(&x);
    /// assert_relative_eq!(y, DMatrix::from_row_slice(1, 3, &[-(1.0f64).tanh(), 0.0, 1.0]));
    /// ```
    tanh, __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040, __tanh_forward_derivative_17a6bff72aafc02dde70fee21072156e;
    y = |x| x.tanh();
    // y = tanh(x) => dx += dy * (1 - y²)
    dx = |g, y| tanh_d0(g, &y);
}

unary_op! {
    /// The exponential `e^x`, elementwise (`tf.exp`).
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![0.0, 1.0]);
    /// assert_relative_eq!(ops::exp(&x), DVector::from_vec(vec![1.0, std::f64::consts::E]));
    /// ```
    exp, __exp_derivative_0d1ec5dd5cce60c1da36c09bedc475f8, __exp_forward_derivative_94a43b25f1d84bd3ecdff9d96081262e;
    y = |x| x.exp();
    // y = e^x => dx += dy * y
    dx = |g, y| exp_d0(g, &y);
}

unary_op! {
    /// The natural logarithm, elementwise (`tf.math.log`).
    ///
    /// `ln(0) = -inf` with derivative `+inf`; negative entries give `NaN`, as TensorFlow.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![1.0, std::f64::consts::E]);
    /// assert_relative_eq!(ops::ln(&x), DVector::from_vec(vec![0.0, 1.0]));
    /// ```
    ln, __ln_derivative_b372506b9dd5bfd845d8c3047a772caf, __ln_forward_derivative_c80c876130e4ea2266c7db72ab92f9fd;
    y = |x| x.ln();
    // y = ln x => dx += dy / x   (ln'(0) = +inf, as TensorFlow)
    dx = |g, x| ln_d0(g, &x);
}

unary_op! {
    /// The square root, elementwise (`tf.sqrt`).
    ///
    /// `sqrt'(0) = +inf`, as TensorFlow.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 4.0, 9.0]);
    /// assert_relative_eq!(ops::sqrt(&x), DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 2.0, 3.0]));
    /// ```
    sqrt, __sqrt_derivative_a14d65bee2b80f2c13194ba18469751f, __sqrt_forward_derivative_07c46a3269617ceac781b4e84c9758e1;
    y = |x| x.sqrt();
    // y = sqrt x => dx += dy / (2y)   (sqrt'(0) = +inf, as TensorFlow)
    dx = |g, y| sqrt_d0(g, &y);
}

unary_op! {
    /// The square `x²`, elementwise (`tf.square`).
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![-3.0, 0.5]);
    /// assert_relative_eq!(ops::square(&x), DVector::from_vec(vec![9.0, 0.25]));
    /// ```
    square, __square_derivative_af6a2a476eeada9d3395d220c3698b16, __square_forward_derivative_caad221dd2eb20e3a2bd6e3529f6fb80;
    y = |x| x * x;
    // y = x² => dx += dy * 2x
    dx = |g, x| g * (x + x);
}

unary_op! {
    /// The absolute value, elementwise (`tf.abs`).
    ///
    /// `abs'(0) = 0`, as TensorFlow.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![-2.5, 0.0, 1.0]);
    /// assert_relative_eq!(ops::abs(&x), DVector::from_vec(vec![2.5, 0.0, 1.0]));
    /// ```
    abs, __abs_derivative_31996edd71fc647afb4b679c000f4d4b, __abs_forward_derivative_b910e82606fa18fc0d0e8cd972096069;
    y = |x| x.abs();
    // y = |x| => dx += dy * sign(x)   (abs'(0) = 0, as TensorFlow)
    dx = |g, x| abs_d0(g, &x);
}

unary_op! {
    /// The softplus `ln(1 + e^x)`, elementwise (`tf.math.softplus`).
    ///
    /// Computed as `max(x, 0) + ln(1 + e^-|x|)`, which is exact for large `|x|`: `softplus(1000)`
    /// is `1000` and `softplus(-1000)` is `0`, both with finite derivatives.
    ///
    /// ```
    /// use autodiff::approx::assert_relative_eq;
    /// use autodiff::prelude::*;
    ///
    /// let x = DVector::from_vec(vec![0.0, 1000.0, -1000.0]);
    /// let y = ops::softplus(&x);
    /// assert_relative_eq!(y, DVector::from_vec(vec![2.0f64.ln(), 1000.0, 0.0]), epsilon = 1e-12);
    /// ```
    softplus, __softplus_derivative_205b37924f3269eeaa135a3764639b55, __softplus_forward_derivative_587839f857c00844a34319b33a52e2ff;
    y = |x| x.max(T::zero()) + (-x.abs()).exp().ln_1p();
    // y = ln(1 + e^x) => dx += dy * sigmoid(x)
    dx = |g, x| g * sigmoid_scalar(x);
}

/// `y = x` for `x > 0`, else `alpha * x`.
fn leaky_relu_scalar<T: Real>(x: T, alpha: T) -> T {
    if x > T::zero() { x } else { alpha * x }
}

/// `y = leaky_relu(x, alpha) => dx += dy * (x > 0 ? 1 : alpha)` (the slope at `x = 0` is `alpha`,
/// as TensorFlow).
fn leaky_relu_d0<T: Real>(g: T, x: T, alpha: T) -> T {
    if x > T::zero() { g } else { g * alpha }
}

/// The leaky rectifier `x` for `x > 0`, else `alpha·x`, elementwise (`tf.nn.leaky_relu`).
///
/// `alpha` is a constant (a hyperparameter): inside a `#[differentiable]` function it receives no
/// gradient, and passing a value that depends on a differentiated input is a compile error. The
/// derivative at `x = 0` is `alpha`, as TensorFlow.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DVector::from_vec(vec![-2.0, 0.0, 3.0]);
/// assert_relative_eq!(ops::leaky_relu(&x, 0.1), DVector::from_vec(vec![-0.2, 0.0, 3.0]));
/// ```
#[must_use]
pub fn leaky_relu<T, R, C>(m: &OMatrix<T, R, C>, alpha: T) -> OMatrix<T, R, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    m.map(|x| leaky_relu_scalar(x, alpha))
}

/// Reverse-mode companion of [`leaky_relu`]: `alpha` has no gradient slot.
#[doc(hidden)]
pub fn __leaky_relu_derivative_ff447aa08954dc4bacf4e0d61775ced8<T, R, C>(
    m: &OMatrix<T, R, C>,
    alpha: T,
) -> (
    OMatrix<T, R, C>,
    impl Fn(OMatrix<T, R, C>) -> (Option<OMatrix<T, R, C>>, NoGrad) + '_,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let (y, pullback) = unary_vjp(
        "leaky_relu",
        m,
        move |x| leaky_relu_scalar(x, alpha),
        move |g, x| leaky_relu_d0(g, x, alpha),
        Saves::Input,
    );
    (y, move |g| (pullback(g).0, NoGrad))
}

/// Forward-mode companion of [`leaky_relu`].
#[doc(hidden)]
pub fn __leaky_relu_forward_derivative_94e0e199909722658e6dcc656748ee46<T, R, C>(
    m: &OMatrix<T, R, C>,
    alpha: T,
    dm: impl TangentArg<OMatrix<T, R, C>>,
    _dalpha: impl NoTangentArg,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    unary_jvp(
        "leaky_relu",
        m,
        dm,
        |x| leaky_relu_scalar(x, alpha),
        |g, x| leaky_relu_d0(g, x, alpha),
        Saves::Input,
    )
}

/// `x^p` for every entry `x` of `m` (`tf.pow(m, p)` with a scalar exponent).
///
/// The exponent is differentiable: inside a `#[differentiable]` function both `m` and `p` get
/// gradients. Conventions, as TensorFlow: `∂/∂x = 0` when `p = 0` (also at `x = 0`), and
/// `∂/∂p = 0` at entries where `x <= 0` (where `ln x` is undefined).
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(1, 3, &[1.0, 4.0, 9.0]);
/// assert_relative_eq!(ops::powf(&x, 1.5), DMatrix::from_row_slice(1, 3, &[1.0, 8.0, 27.0]));
/// ```
#[must_use]
pub fn powf<T, R, C>(m: &OMatrix<T, R, C>, p: T) -> OMatrix<T, R, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    m.map(|x| Real::powf(x, p))
}

/// Reverse-mode companion of [`powf`]: slots for `m` and for the exponent `p`.
#[doc(hidden)]
pub fn __powf_derivative_670e49c59a958baa1f4b6796bafb4159<T, R, C>(
    m: &OMatrix<T, R, C>,
    p: T,
) -> (
    OMatrix<T, R, C>,
    impl Fn(OMatrix<T, R, C>) -> (Option<OMatrix<T, R, C>>, Option<T>) + '_,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let y = powf(m, p);
    let saved = y.clone();
    (y, move |g| {
        let Some(mut g) = cotangent("powf", g, m.shape()) else {
            return (None, None);
        };
        // y = x^p => dp += Σ dy * y * ln x   (0 where x <= 0)
        let dp = g
            .iter()
            .zip(m.iter().zip(saved.iter()))
            .fold(<T as Real>::zero(), |acc, (&g, (x, y))| {
                acc + powf_d1(g, x, y)
            });
        // y = x^p => dx += dy * p * x^(p-1)   (0 when p = 0)
        g.zip_apply(m, |g, x| *g = powf_d0(*g, &x, &p));
        (Some(g), Some(dp))
    })
}

/// Forward-mode companion of [`powf`].
#[doc(hidden)]
pub fn __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77<T, R, C>(
    m: &OMatrix<T, R, C>,
    p: T,
    dm: impl TangentArg<OMatrix<T, R, C>>,
    dp: impl TangentArg<T>,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let y = powf(m, p);
    let mut dy = tangent("powf", dm, m);
    let dp = dp.tangent_or_zero(&p);
    // dy = p * x^(p-1) * dx + y * ln x * dp
    dy.zip_zip_apply(m, &y, |t, x, y| {
        *t = powf_d0(*t, &x, &p) + powf_d1(dp, &x, &y);
    });
    (y, dy)
}

#[cfg(test)]
mod tests;
