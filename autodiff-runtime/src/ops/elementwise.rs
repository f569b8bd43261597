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
mod tests {
    use nalgebra::{DMatrix, DVector, RowDVector, SMatrix};

    use super::*;
    use crate::__private::{NoTangent, Tg};
    use crate::ops::testing::{
        Domain, EXACT, Flat, SHAPES, TIGHT, assert_close, assert_close_all, assert_slices,
        check_flat, check_unary_op, input,
    };

    #[test]
    fn unary_ops_match_finite_differences() {
        check_unary_op!(
            relu,
            __relu_derivative_0ef0beb3bebbaaf8b700baa7996ca003,
            __relu_forward_derivative_5088db2bb8f1cffa7e3533eefc935109,
            Domain::Signed
        );
        check_unary_op!(
            sigmoid,
            __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb,
            __sigmoid_forward_derivative_04f53fad506776fc8bc32aea806a0a2d,
            Domain::Signed
        );
        check_unary_op!(
            tanh,
            __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040,
            __tanh_forward_derivative_17a6bff72aafc02dde70fee21072156e,
            Domain::Signed
        );
        check_unary_op!(
            exp,
            __exp_derivative_0d1ec5dd5cce60c1da36c09bedc475f8,
            __exp_forward_derivative_94a43b25f1d84bd3ecdff9d96081262e,
            Domain::Signed
        );
        check_unary_op!(
            ln,
            __ln_derivative_b372506b9dd5bfd845d8c3047a772caf,
            __ln_forward_derivative_c80c876130e4ea2266c7db72ab92f9fd,
            Domain::Positive
        );
        check_unary_op!(
            sqrt,
            __sqrt_derivative_a14d65bee2b80f2c13194ba18469751f,
            __sqrt_forward_derivative_07c46a3269617ceac781b4e84c9758e1,
            Domain::Positive
        );
        check_unary_op!(
            square,
            __square_derivative_af6a2a476eeada9d3395d220c3698b16,
            __square_forward_derivative_caad221dd2eb20e3a2bd6e3529f6fb80,
            Domain::Signed
        );
        check_unary_op!(
            abs,
            __abs_derivative_31996edd71fc647afb4b679c000f4d4b,
            __abs_forward_derivative_b910e82606fa18fc0d0e8cd972096069,
            Domain::Signed
        );
        check_unary_op!(
            softplus,
            __softplus_derivative_205b37924f3269eeaa135a3764639b55,
            __softplus_forward_derivative_587839f857c00844a34319b33a52e2ff,
            Domain::Signed
        );
    }

    #[test]
    fn leaky_relu_matches_finite_differences() {
        const ALPHA: f64 = 0.15;
        fn leaky(m: &DMatrix<f64>) -> DMatrix<f64> {
            leaky_relu(m, ALPHA)
        }
        fn rev(
            m: &DMatrix<f64>,
        ) -> (
            DMatrix<f64>,
            impl Fn(DMatrix<f64>) -> (Option<DMatrix<f64>>, NoGrad) + '_,
        ) {
            __leaky_relu_derivative_ff447aa08954dc4bacf4e0d61775ced8(m, ALPHA)
        }
        let fwd = |m: &DMatrix<f64>, t| {
            __leaky_relu_forward_derivative_94e0e199909722658e6dcc656748ee46(m, ALPHA, t, NoTangent)
        };
        check_unary_op!(leaky, rev, fwd, Domain::Signed);
    }

    #[test]
    fn powf_matches_finite_differences_in_both_arguments() {
        for p in [2.5, -0.7, 1.0] {
            for (r, c) in SHAPES {
                let m = input(r, c, Domain::Positive);
                let split = |x: &[f64]| {
                    let n = x.len() - 1;
                    (DMatrix::from_column_slice(r, c, &x[..n]), x[n])
                };
                let mut x = m.flat();
                x.push(p);
                check_flat(
                    &format!("powf on {r}×{c} with p = {p}"),
                    &x,
                    |x| {
                        let (m, p) = split(x);
                        powf(&m, p).flat()
                    },
                    |x, g| {
                        let (m, p) = split(x);
                        let (y, pullback) =
                            __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&m, p);
                        assert_close_all("powf: reverse value", &y.flat(), &powf(&m, p).flat());
                        let (dm, dp) = pullback(y.filled(g));
                        let mut out = dm.map_or_else(|| vec![0.0; m.len()], |d| d.flat());
                        out.push(dp.unwrap_or(0.0));
                        out
                    },
                    |x, t| {
                        let (m, p) = split(x);
                        let (dm, dp) = split(t);
                        let (y, dy) = __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(
                            &m,
                            p,
                            Tg(dm),
                            Tg(dp),
                        );
                        assert_close_all("powf: forward value", &y.flat(), &powf(&m, p).flat());
                        dy.flat()
                    },
                );
            }
        }
    }

    #[test]
    fn powf_constant_arguments_take_no_tangent() {
        let m = DMatrix::from_row_slice(1, 2, &[2.0, 3.0]);
        // Only the exponent varies: dy = y ln x.
        let (_, dy) =
            __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(&m, 2.0, NoTangent, Tg(1.0));
        assert_close_all(
            "powf dp",
            &dy.flat(),
            &[4.0 * 2.0f64.ln(), 9.0 * 3.0f64.ln()],
        );
        // Only the base varies: dy = p x^(p-1) dx.
        let (_, dy) = __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(
            &m,
            2.0,
            Tg(m.clone()),
            NoTangent,
        );
        assert_close_all("powf dx", &dy.flat(), &[8.0, 18.0]);
    }

    #[test]
    fn conventions_at_kinks_follow_tensorflow() {
        let zero = DMatrix::from_element(1, 1, 0.0f64);
        let one = || DMatrix::from_element(1, 1, 1.0f64);
        let grad = |d: Option<DMatrix<f64>>| d.expect("a gradient")[0];
        // relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha.
        assert_close(
            grad(__relu_derivative_0ef0beb3bebbaaf8b700baa7996ca003(&zero).1(one()).0),
            0.0,
            EXACT,
        );
        assert_close(
            grad(__abs_derivative_31996edd71fc647afb4b679c000f4d4b(&zero).1(one()).0),
            0.0,
            EXACT,
        );
        let (_, pullback) = __leaky_relu_derivative_ff447aa08954dc4bacf4e0d61775ced8(&zero, 0.25);
        assert!((grad(pullback(one()).0) - 0.25).abs() < 1e-15);
        // sqrt'(0) = ln'(0) = +inf.
        assert_close(
            grad(__sqrt_derivative_a14d65bee2b80f2c13194ba18469751f(&zero).1(one()).0),
            f64::INFINITY,
            EXACT,
        );
        assert_close(
            grad(__ln_derivative_b372506b9dd5bfd845d8c3047a772caf(&zero).1(one()).0),
            f64::INFINITY,
            EXACT,
        );
        // powf: d/dx = 0 when p = 0 (also at x = 0); d/dp = 0 where x <= 0.
        let (y, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&zero, 0.0);
        assert_close(y[0], 1.0, EXACT);
        let (dx, dp) = pullback(one());
        assert_close(grad(dx), 0.0, EXACT);
        assert_close(dp.expect("a gradient for p"), 0.0, EXACT);
        let neg = DMatrix::from_element(1, 1, -2.0f64);
        let (_, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&neg, 2.0);
        let (dx, dp) = pullback(one());
        assert!((grad(dx) + 4.0).abs() < 1e-12);
        assert_close(dp.expect("a gradient for p"), 0.0, EXACT);
        // relu keeps NaN.
        assert!(relu(&DMatrix::from_element(1, 1, f64::NAN))[0].is_nan());
    }

    #[test]
    fn saturating_activations_are_finite_at_plus_minus_1000() {
        let x = DMatrix::from_row_slice(1, 2, &[1000.0, -1000.0]);
        let g = DMatrix::from_element(1, 2, 1.0);
        for (name, (y, d)) in [
            ("sigmoid", {
                let (y, pb) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&x);
                (y, pb(g.clone()).0.unwrap())
            }),
            ("tanh", {
                let (y, pb) = __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040(&x);
                (y, pb(g.clone()).0.unwrap())
            }),
            ("softplus", {
                let (y, pb) = __softplus_derivative_205b37924f3269eeaa135a3764639b55(&x);
                (y, pb(g.clone()).0.unwrap())
            }),
        ] {
            assert!(
                y.iter().chain(d.iter()).all(|v| v.is_finite()),
                "{name}: {y} {d}"
            );
        }
        assert_close_all("sigmoid", &sigmoid(&x).flat(), &[1.0, 0.0]);
        assert_close_all("softplus", &softplus(&x).flat(), &[1000.0, 0.0]);
        let (_, pb) = __softplus_derivative_205b37924f3269eeaa135a3764639b55(&x);
        assert_close_all("softplus'", &pb(g).0.unwrap().flat(), &[1.0, 0.0]);
    }

    #[test]
    fn symbolic_zero_cotangent_gives_no_gradient() {
        let m = input(2, 3, Domain::Signed);
        let (_, pullback) = __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040(&m);
        assert!(pullback(DMatrix::zeros(0, 0)).0.is_none());
        let positive = m.abs();
        let (_, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&positive, 2.0);
        let (dx, dp) = pullback(DMatrix::zeros(0, 0));
        assert!(dx.is_none() && dp.is_none());
        // A NoTangent argument is a zero tangent of the argument's shape.
        let (_, dy) = __exp_forward_derivative_94a43b25f1d84bd3ecdff9d96081262e(&m, NoTangent);
        assert_eq!(dy.shape(), (2, 3));
        assert_slices(&dy.flat(), &[0.0; 6], EXACT);
    }

    #[test]
    #[should_panic(expected = "ops::sigmoid: the cotangent is 3×2 but the output is 2×3")]
    fn wrong_cotangent_shape_panics_naming_both_shapes() {
        let m = input(2, 3, Domain::Signed);
        let (_, pullback) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&m);
        let _ = pullback(DMatrix::zeros(3, 2));
    }

    #[test]
    fn pullback_can_be_called_again() {
        let m = input(3, 2, Domain::Signed);
        let (y, pullback) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&m);
        let g = y.map(|v| v * 0.5 + 1.0);
        let first = pullback(g.clone()).0.unwrap();
        let second = pullback(g).0.unwrap();
        assert_close_all("sigmoid twice", &first.flat(), &second.flat());
    }

    #[test]
    fn static_and_vector_shapes() {
        let s = SMatrix::<f64, 2, 3>::new(-1.0, 2.0, -3.0, 4.0, -5.0, 6.0);
        assert_slices(
            &relu(&s).flat(),
            &SMatrix::<f64, 2, 3>::new(0.0, 2.0, 0.0, 4.0, 0.0, 6.0).flat(),
            EXACT,
        );
        let (y, pullback) = __square_derivative_af6a2a476eeada9d3395d220c3698b16(&s);
        assert_close(y[(1, 2)], 36.0, TIGHT);
        let (d,) = pullback(SMatrix::<f64, 2, 3>::repeat(1.0));
        assert_close(d.unwrap()[(1, 2)], 12.0, TIGHT);
        let v = DVector::from_vec(vec![1.0, 4.0]);
        let (y, dy) = __sqrt_forward_derivative_07c46a3269617ceac781b4e84c9758e1(
            &v,
            Tg(DVector::from_vec(vec![1.0, 1.0])),
        );
        assert_close_all("sqrt", &y.flat(), &[1.0, 2.0]);
        assert_close_all("sqrt'", &dy.flat(), &[0.5, 0.25]);
        let r = RowDVector::from_vec(vec![0.0, 1.0]);
        assert_close_all("exp", &exp(&r).flat(), &[1.0, 1.0f64.exp()]);
    }

    #[test]
    fn f32_smoke() {
        let m64 = input(3, 4, Domain::Positive);
        let m32 = m64.map(|v| v as f32);
        let ops64: [fn(&DMatrix<f64>) -> DMatrix<f64>; 9] =
            [relu, sigmoid, tanh, exp, ln, sqrt, square, abs, softplus];
        let ops32: [fn(&DMatrix<f32>) -> DMatrix<f32>; 9] =
            [relu, sigmoid, tanh, exp, ln, sqrt, square, abs, softplus];
        for (f64op, f32op) in ops64.iter().zip(&ops32) {
            let (a, b) = (f64op(&m64), f32op(&m32));
            for (x, y) in a.iter().zip(b.iter()) {
                assert!((x - *y as f64).abs() < 1e-5 * (1.0 + x.abs()), "{x} vs {y}");
            }
        }
        let (y, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&m32, 1.5f32);
        let (dm, dp) = pullback(y.map(|_| 1.0));
        assert!(dm.unwrap().iter().all(|v| v.is_finite()) && dp.unwrap().is_finite());
        let (_, dy) = __leaky_relu_forward_derivative_94e0e199909722658e6dcc656748ee46(
            &m32,
            0.1f32,
            Tg(m32.clone()),
            NoTangent,
        );
        assert!((dy[(0, 0)] - m32[(0, 0)]).abs() < 1e-6);
    }
}
