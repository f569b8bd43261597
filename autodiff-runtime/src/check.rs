//! Finite-difference checks of gradients, in the spirit of JAX's `check_grads`.
//!
//! Everything here works in `f64` on plain closures, so it can check any gradient: one produced by
//! `#[differentiable]`, one written by hand, or one from another library. The building blocks are
//!
//! * [`approx_derivative`]: the central difference `(f(x + eta) - f(x - eta)) / (2 eta)` of a
//!   scalar function (the seed notebook's helper, bit for bit);
//! * [`numeric_gradient`] and [`numeric_jacobian`]: the same, one coordinate at a time;
//! * [`directional_derivative`]: the central difference along a direction `v`, which is what a
//!   forward-mode `jvp` computes;
//! * [`Tolerance`]: a combined absolute / relative tolerance,
//!   `|analytic - numeric| <= abs + rel * max(|analytic|, |numeric|)`;
//! * checkers returning `Result<(), GradCheckError>` ([`check_derivative`], [`check_gradient`],
//!   [`check_directional`], [`check_jvp_vjp`], [`check_close`], [`check_slices`]) and their panicking
//!   `assert_*` twins, whose message names the worst component, both values and the tolerance.
//!
//! ```
//! use autodiff::check::{assert_gradient, Tolerance, DEFAULT_ETA};
//!
//! // f(x, y) = x^2 y + sin(y); the gradient is (2 x y, x^2 + cos(y)).
//! let f = |p: &[f64]| p[0] * p[0] * p[1] + p[1].sin();
//! let x = [1.5f64, -0.7];
//! let analytic = [2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
//! assert_gradient(f, &x, &analytic, DEFAULT_ETA, Tolerance::default());
//! ```
//!
//! # Choosing `eta`
//!
//! The central difference has truncation error `O(eta^2)` and rounding error `O(eps / eta)`, so
//! the best step for `f64` is near `cbrt(f64::EPSILON)`, about `6e-6`, scaled by `|x|` when `x` is
//! large. [`DEFAULT_ETA`] is `1e-5`; [`scaled_eta`] picks a step per coordinate. Functions that are
//! computed in `f32` need a much larger step (around `1e-2`) and a looser tolerance.

use core::fmt;

/// The default finite-difference step for `f64` functions of moderately sized arguments.
pub const DEFAULT_ETA: f64 = 1e-5;

/// A step suited to a coordinate of magnitude `|x|`: `DEFAULT_ETA * max(1, |x|)`.
///
/// ```
/// use autodiff::check::{assert_close, scaled_eta, Tolerance, DEFAULT_ETA};
///
/// assert_close(scaled_eta(0.5), DEFAULT_ETA, Tolerance::tight());
/// assert_close(scaled_eta(-200.0), DEFAULT_ETA * 200.0, Tolerance::tight());
/// ```
#[must_use]
pub fn scaled_eta(x: f64) -> f64 {
    DEFAULT_ETA * x.abs().max(1.0)
}

/// The central difference `(f(x + eta) - f(x - eta)) / (2 eta)`.
///
/// The formula and the order of operations are exactly those of the seed notebook's
/// `approx_derivative`, so the result matches it to the last bit.
///
/// ```
/// use autodiff::check::approx_derivative;
///
/// let f = |x: f64| 3.0 * x * x + 2.0 * x - 1.0;
/// let d = approx_derivative(f, 1.0, 1e-3);
/// assert!((d - 8.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn approx_derivative(f: impl Fn(f64) -> f64, x: f64, eta: f64) -> f64 {
    (f(x + eta) - f(x - eta)) / (2.0 * eta)
}

/// The central-difference gradient of `f` at `x`, one coordinate at a time, each with step `eta`.
///
/// `f` sees a copy of `x` with one coordinate moved, so it may be any function of a slice.
///
/// ```
/// use autodiff::check::numeric_gradient;
///
/// let f = |p: &[f64]| p[0] * p[0] + 3.0 * p[1];
/// let g = numeric_gradient(f, &[2.0, 5.0], 1e-5);
/// assert!((g[0] - 4.0).abs() < 1e-8 && (g[1] - 3.0).abs() < 1e-8);
/// ```
#[must_use]
pub fn numeric_gradient(f: impl Fn(&[f64]) -> f64, x: &[f64], eta: f64) -> Vec<f64> {
    let mut p = x.to_vec();
    (0..x.len())
        .map(|i| {
            let xi = x[i];
            p[i] = xi + eta;
            let hi = f(&p);
            p[i] = xi - eta;
            let lo = f(&p);
            p[i] = xi;
            (hi - lo) / (2.0 * eta)
        })
        .collect()
}

/// The central-difference Jacobian of a vector-valued `f` at `x`: `jac[i][j] = d f_i / d x_j`.
///
/// Useful for functions with tuple outputs: a pullback called with cotangent `w` must return
/// `w^T J`, which [`vector_jacobian_product`] computes from this matrix.
///
/// ```
/// use autodiff::check::numeric_jacobian;
///
/// // (3x, x y)
/// let f = |p: &[f64]| vec![3.0 * p[0], p[0] * p[1]];
/// let j = numeric_jacobian(f, &[2.0, 5.0], 1e-5);
/// assert!((j[0][0] - 3.0).abs() < 1e-8 && j[0][1].abs() < 1e-8);
/// assert!((j[1][0] - 5.0).abs() < 1e-8 && (j[1][1] - 2.0).abs() < 1e-8);
/// ```
///
/// # Panics
///
/// If `f` returns vectors of different lengths at different points.
#[must_use]
pub fn numeric_jacobian(f: impl Fn(&[f64]) -> Vec<f64>, x: &[f64], eta: f64) -> Vec<Vec<f64>> {
    let mut p = x.to_vec();
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let xi = x[i];
        p[i] = xi + eta;
        let hi = f(&p);
        p[i] = xi - eta;
        let lo = f(&p);
        p[i] = xi;
        assert_eq!(
            hi.len(),
            lo.len(),
            "numeric_jacobian: f returned outputs of different lengths"
        );
        columns.push(
            hi.iter()
                .zip(&lo)
                .map(|(h, l)| (h - l) / (2.0 * eta))
                .collect(),
        );
    }
    let rows = columns.first().map_or_else(|| f(x).len(), Vec::len);
    (0..rows)
        .map(|r| columns.iter().map(|c| c[r]).collect())
        .collect()
}

/// `w^T J`: the vector-Jacobian product a pullback computes, from a Jacobian in row-major form.
///
/// ```
/// use autodiff::check::{assert_slices, vector_jacobian_product, Tolerance};
///
/// let j = vec![vec![3.0, 0.0], vec![5.0, 2.0]];
/// assert_slices(&vector_jacobian_product(&j, &[1.0, 1.0]), &[8.0, 2.0], Tolerance::tight());
/// ```
///
/// # Panics
///
/// If `w` does not have one entry per row of `jac`.
#[must_use]
pub fn vector_jacobian_product(jac: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    assert_eq!(
        jac.len(),
        w.len(),
        "vector_jacobian_product: one cotangent entry per output"
    );
    let cols = jac.first().map_or(0, Vec::len);
    (0..cols)
        .map(|j| jac.iter().zip(w).map(|(row, wi)| wi * row[j]).sum())
        .collect()
}

/// The central difference of `f` at `x` along direction `v`:
/// `(f(x + eta v) - f(x - eta v)) / (2 eta)`, which approximates `dot(grad f(x), v)` — what a
/// forward-mode `jvp` with tangent `v` returns.
///
/// ```
/// use autodiff::check::directional_derivative;
///
/// let f = |p: &[f64]| p[0] * p[1];
/// let d = directional_derivative(f, &[2.0, 3.0], &[1.0, -1.0], 1e-5);
/// assert!((d - (3.0 - 2.0)).abs() < 1e-8);
/// ```
///
/// # Panics
///
/// If `x` and `v` differ in length.
#[must_use]
pub fn directional_derivative(f: impl Fn(&[f64]) -> f64, x: &[f64], v: &[f64], eta: f64) -> f64 {
    assert_eq!(
        x.len(),
        v.len(),
        "directional_derivative: the direction must have one entry per coordinate"
    );
    let hi: Vec<f64> = x.iter().zip(v).map(|(xi, vi)| xi + eta * vi).collect();
    let lo: Vec<f64> = x.iter().zip(v).map(|(xi, vi)| xi - eta * vi).collect();
    (f(&hi) - f(&lo)) / (2.0 * eta)
}

/// `sum(a[i] * b[i])`.
///
/// ```
/// use autodiff::check::{assert_close, dot, Tolerance};
///
/// assert_close(dot(&[1.0, 2.0], &[3.0, 4.0]), 11.0, Tolerance::tight());
/// ```
///
/// # Panics
///
/// If the slices differ in length.
#[must_use]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "dot: slices of different lengths");
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A combined absolute / relative tolerance: `a` and `b` agree when
/// `|a - b| <= abs + rel * max(|a|, |b|)`.
///
/// Two infinities of the same sign agree; a NaN never agrees with anything (not even a NaN).
///
/// ```
/// use autodiff::check::Tolerance;
///
/// let tol = Tolerance::new(1e-8, 1e-3);
/// assert!(tol.accepts(1000.0, 1000.5));   // 0.5 <= 1e-8 + 1e-3 * 1000.5
/// assert!(!tol.accepts(0.0, 1e-6));       // 1e-6 > 1e-8
/// assert!(!tol.accepts(f64::NAN, f64::NAN));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// The absolute part, which matters near zero.
    pub abs: f64,
    /// The relative part, a fraction of the larger magnitude.
    pub rel: f64,
}

impl Tolerance {
    /// A tolerance with the given absolute and relative parts.
    #[must_use]
    pub const fn new(abs: f64, rel: f64) -> Self {
        Tolerance { abs, rel }
    }

    /// A tolerance for comparing two exact computations of the same `f64` quantity (for example a
    /// `jvp` against `dot(gradient, tangent)`): `abs = 1e-12`, `rel = 1e-10`.
    #[must_use]
    pub const fn tight() -> Self {
        Tolerance::new(1e-12, 1e-10)
    }

    /// A tolerance for `f32` computations compared against `f64` finite differences:
    /// `abs = 1e-3`, `rel = 1e-2`.
    #[must_use]
    pub const fn f32() -> Self {
        Tolerance::new(1e-3, 1e-2)
    }

    /// The largest difference allowed between `a` and `b`.
    #[must_use]
    pub fn allowed(&self, a: f64, b: f64) -> f64 {
        self.abs + self.rel * a.abs().max(b.abs())
    }

    /// Whether `a` and `b` agree within this tolerance.
    #[must_use]
    pub fn accepts(&self, a: f64, b: f64) -> bool {
        if a.is_nan() || b.is_nan() {
            return false;
        }
        if a.is_infinite() || b.is_infinite() {
            return a == b;
        }
        (a - b).abs() <= self.allowed(a, b)
    }

    /// How far outside the tolerance `a` and `b` are: `|a - b| / allowed` (so `<= 1` is accepted),
    /// infinite when they cannot agree at all.
    fn excess(&self, a: f64, b: f64) -> f64 {
        if self.accepts(a, b) {
            let allowed = self.allowed(a, b);
            if allowed > 0.0 {
                (a - b).abs() / allowed
            } else {
                0.0
            }
        } else if a.is_finite() && b.is_finite() {
            let allowed = self.allowed(a, b);
            if allowed > 0.0 {
                (a - b).abs() / allowed
            } else {
                f64::INFINITY
            }
        } else {
            f64::INFINITY
        }
    }
}

/// The default tolerance for `f64` gradients against central differences with [`DEFAULT_ETA`]:
/// `abs = 1e-6`, `rel = 1e-5`.
impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::new(1e-6, 1e-5)
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "abs {:e} + rel {:e}", self.abs, self.rel)
    }
}

/// Why a gradient check failed.
///
/// The `Display` form names the worst component, both values, their difference and the tolerance,
/// for example
/// `component 1 of 2: analytic = 4.5, numeric = 3, |diff| = 1.5 > allowed 4.5e-5 (tolerance abs 1e-6 + rel 1e-5)`.
#[derive(Clone, Debug, PartialEq)]
pub enum GradCheckError {
    /// The analytic and numeric values disagree; this is the component that disagrees the most
    /// (relative to what the tolerance allows there).
    Mismatch {
        /// Index of the worst component, or `None` for a scalar (a derivative or a directional
        /// derivative).
        index: Option<usize>,
        /// How many components were compared.
        len: usize,
        /// The analytic value at the worst component.
        analytic: f64,
        /// The numeric (reference) value at the worst component.
        numeric: f64,
        /// The tolerance in force.
        tolerance: Tolerance,
    },
    /// The analytic and numeric vectors have different lengths.
    LengthMismatch {
        /// Length of the analytic gradient.
        analytic: usize,
        /// Length of the numeric gradient.
        numeric: usize,
    },
}

impl GradCheckError {
    /// The index of the worst component, if the failure concerns one component of a vector.
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        match self {
            GradCheckError::Mismatch { index, .. } => *index,
            GradCheckError::LengthMismatch { .. } => None,
        }
    }
}

impl fmt::Display for GradCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GradCheckError::Mismatch {
                index,
                len,
                analytic,
                numeric,
                tolerance,
            } => {
                match index {
                    Some(i) => write!(f, "component {i} of {len}: ")?,
                    None => write!(f, "scalar: ")?,
                }
                let diff = (analytic - numeric).abs();
                write!(
                    f,
                    "analytic = {analytic}, numeric = {numeric}, |diff| = {diff:e} > allowed {:e} (tolerance {tolerance})",
                    tolerance.allowed(*analytic, *numeric)
                )
            }
            GradCheckError::LengthMismatch { analytic, numeric } => write!(
                f,
                "length mismatch: the analytic gradient has {analytic} components, the numeric one {numeric}"
            ),
        }
    }
}

impl std::error::Error for GradCheckError {}

/// Compares two scalars: `Ok` when [`Tolerance::accepts`] them.
///
/// ```
/// use autodiff::check::{check_close, Tolerance};
///
/// assert!(check_close(1.0, 1.0 + 1e-9, Tolerance::default()).is_ok());
/// let err = check_close(2.0, 3.0, Tolerance::default()).unwrap_err();
/// assert!(err.to_string().contains("analytic = 2, numeric = 3"));
/// ```
///
/// # Errors
///
/// [`GradCheckError::Mismatch`] (with `index: None`) when they disagree.
pub fn check_close(analytic: f64, numeric: f64, tol: Tolerance) -> Result<(), GradCheckError> {
    if tol.accepts(analytic, numeric) {
        Ok(())
    } else {
        Err(GradCheckError::Mismatch {
            index: None,
            len: 1,
            analytic,
            numeric,
            tolerance: tol,
        })
    }
}

/// Compares two vectors component by component and reports the worst component.
///
/// ```
/// use autodiff::check::{check_slices, GradCheckError, Tolerance};
///
/// let tol = Tolerance::new(1e-6, 0.0);
/// assert!(check_slices(&[1.0, 2.0], &[1.0, 2.0 + 1e-9], tol).is_ok());
/// let err = check_slices(&[1.0, 2.0, 3.0], &[1.1, 2.0, 4.0], tol).unwrap_err();
/// assert_eq!(err.index(), Some(2)); // |3 - 4| is worse than |1 - 1.1|
/// ```
///
/// # Errors
///
/// [`GradCheckError::LengthMismatch`] for different lengths, otherwise
/// [`GradCheckError::Mismatch`] naming the component that is furthest outside the tolerance.
pub fn check_slices(
    analytic: &[f64],
    numeric: &[f64],
    tol: Tolerance,
) -> Result<(), GradCheckError> {
    if analytic.len() != numeric.len() {
        return Err(GradCheckError::LengthMismatch {
            analytic: analytic.len(),
            numeric: numeric.len(),
        });
    }
    let mut worst: Option<(usize, f64)> = None;
    for (i, (&a, &n)) in analytic.iter().zip(numeric).enumerate() {
        if tol.accepts(a, n) {
            continue;
        }
        let excess = tol.excess(a, n);
        if worst.is_none_or(|(_, w)| excess > w) {
            worst = Some((i, excess));
        }
    }
    match worst {
        None => Ok(()),
        Some((i, _)) => Err(GradCheckError::Mismatch {
            index: Some(i),
            len: analytic.len(),
            analytic: analytic[i],
            numeric: numeric[i],
            tolerance: tol,
        }),
    }
}

/// Checks the derivative of a scalar function against [`approx_derivative`].
///
/// ```
/// use autodiff::check::{check_derivative, Tolerance, DEFAULT_ETA};
///
/// let ok = check_derivative(f64::sin, 0.3, 0.3f64.cos(), DEFAULT_ETA, Tolerance::default());
/// assert!(ok.is_ok());
/// let bad = check_derivative(f64::sin, 0.3, 0.3f64.sin(), DEFAULT_ETA, Tolerance::default());
/// assert!(bad.is_err());
/// ```
///
/// # Errors
///
/// [`GradCheckError::Mismatch`] when `analytic` and the central difference disagree.
pub fn check_derivative(
    f: impl Fn(f64) -> f64,
    x: f64,
    analytic: f64,
    eta: f64,
    tol: Tolerance,
) -> Result<(), GradCheckError> {
    check_close(analytic, approx_derivative(f, x, eta), tol)
}

/// Checks an analytic gradient of `f` at `x` against [`numeric_gradient`].
///
/// ```
/// use autodiff::check::{check_gradient, Tolerance, DEFAULT_ETA};
///
/// let f = |p: &[f64]| p[0].exp() * p[1];
/// let x = [0.5, 2.0];
/// let good = [0.5f64.exp() * 2.0, 0.5f64.exp()];
/// assert!(check_gradient(f, &x, &good, DEFAULT_ETA, Tolerance::default()).is_ok());
///
/// let bad = [good[0], 0.0];
/// let err = check_gradient(f, &x, &bad, DEFAULT_ETA, Tolerance::default()).unwrap_err();
/// assert_eq!(err.index(), Some(1));
/// ```
///
/// # Errors
///
/// [`GradCheckError`] naming the worst component when they disagree, or a length mismatch.
pub fn check_gradient(
    f: impl Fn(&[f64]) -> f64,
    x: &[f64],
    analytic: &[f64],
    eta: f64,
    tol: Tolerance,
) -> Result<(), GradCheckError> {
    let numeric = numeric_gradient(f, x, eta);
    check_slices(analytic, &numeric, tol)
}

/// Checks a forward-mode result (a `jvp` with tangent `v`) against [`directional_derivative`].
///
/// ```
/// use autodiff::check::{check_directional, Tolerance, DEFAULT_ETA};
///
/// let f = |p: &[f64]| p[0] * p[0] * p[1];
/// let (x, v) = ([1.0, 2.0], [0.5, -1.0]);
/// let jvp = 2.0 * x[0] * x[1] * v[0] + x[0] * x[0] * v[1]; // = 1.0
/// assert!(check_directional(f, &x, &v, jvp, DEFAULT_ETA, Tolerance::default()).is_ok());
/// ```
///
/// # Errors
///
/// [`GradCheckError::Mismatch`] when they disagree.
///
/// # Panics
///
/// If `x` and `v` differ in length.
pub fn check_directional(
    f: impl Fn(&[f64]) -> f64,
    x: &[f64],
    v: &[f64],
    analytic: f64,
    eta: f64,
    tol: Tolerance,
) -> Result<(), GradCheckError> {
    check_close(analytic, directional_derivative(f, x, v, eta), tol)
}

/// Checks forward mode against reverse mode: a `jvp` with tangent `v` must equal
/// `dot(gradient, v)`. No finite differences are involved, so [`Tolerance::tight`] is usually right.
///
/// ```
/// use autodiff::check::{check_jvp_vjp, Tolerance};
///
/// let gradient = [2.0, -1.0, 0.5];
/// let v = [1.0, 1.0, 2.0];
/// assert!(check_jvp_vjp(&gradient, &v, 2.0, Tolerance::tight()).is_ok());
/// assert!(check_jvp_vjp(&gradient, &v, 2.1, Tolerance::tight()).is_err());
/// ```
///
/// # Errors
///
/// [`GradCheckError::LengthMismatch`] when `gradient` and `v` differ in length, otherwise
/// [`GradCheckError::Mismatch`] when `jvp` disagrees with the dot product (`jvp` is reported as the
/// analytic value, the dot product as the numeric one).
pub fn check_jvp_vjp(
    gradient: &[f64],
    v: &[f64],
    jvp: f64,
    tol: Tolerance,
) -> Result<(), GradCheckError> {
    if gradient.len() != v.len() {
        return Err(GradCheckError::LengthMismatch {
            analytic: gradient.len(),
            numeric: v.len(),
        });
    }
    check_close(jvp, dot(gradient, v), tol)
}

#[track_caller]
fn fail(what: &str, err: &GradCheckError) -> ! {
    panic!("{what} check failed: {err}")
}

/// Panics unless `analytic` and `numeric` agree ([`check_close`]).
///
/// # Panics
///
/// When they disagree; the message names both values and the tolerance.
#[track_caller]
pub fn assert_close(analytic: f64, numeric: f64, tol: Tolerance) {
    if let Err(e) = check_close(analytic, numeric, tol) {
        fail("value", &e);
    }
}

/// Panics unless the vectors agree component by component ([`check_slices`]).
///
/// # Panics
///
/// When they disagree; the message names the worst component, both values and the tolerance.
#[track_caller]
pub fn assert_slices(analytic: &[f64], numeric: &[f64], tol: Tolerance) {
    if let Err(e) = check_slices(analytic, numeric, tol) {
        fail("vector", &e);
    }
}

/// Panics unless [`check_derivative`] passes.
///
/// ```
/// use autodiff::check::{assert_derivative, Tolerance, DEFAULT_ETA};
///
/// assert_derivative(|x| x * x * x, 2.0, 12.0, DEFAULT_ETA, Tolerance::default());
/// ```
///
/// # Panics
///
/// When the derivative disagrees with the central difference.
#[track_caller]
pub fn assert_derivative(f: impl Fn(f64) -> f64, x: f64, analytic: f64, eta: f64, tol: Tolerance) {
    if let Err(e) = check_derivative(f, x, analytic, eta, tol) {
        fail(&format!("derivative at x = {x}"), &e);
    }
}

/// Panics unless [`check_gradient`] passes.
///
/// ```should_panic
/// use autodiff::check::{assert_gradient, Tolerance, DEFAULT_ETA};
///
/// // Wrong on purpose: d/dy (x y) is x = 3, not 1.
/// assert_gradient(|p| p[0] * p[1], &[3.0, 4.0], &[4.0, 1.0], DEFAULT_ETA, Tolerance::default());
/// ```
///
/// # Panics
///
/// When the gradient disagrees; the message names the worst component, both values and the
/// tolerance.
#[track_caller]
pub fn assert_gradient(
    f: impl Fn(&[f64]) -> f64,
    x: &[f64],
    analytic: &[f64],
    eta: f64,
    tol: Tolerance,
) {
    if let Err(e) = check_gradient(f, x, analytic, eta, tol) {
        fail(&format!("gradient at x = {x:?}"), &e);
    }
}

/// Panics unless [`check_directional`] passes.
///
/// # Panics
///
/// When the directional derivative disagrees with the central difference along `v`.
#[track_caller]
pub fn assert_directional(
    f: impl Fn(&[f64]) -> f64,
    x: &[f64],
    v: &[f64],
    analytic: f64,
    eta: f64,
    tol: Tolerance,
) {
    if let Err(e) = check_directional(f, x, v, analytic, eta, tol) {
        fail(
            &format!("directional derivative at x = {x:?} along v = {v:?}"),
            &e,
        );
    }
}

/// Panics unless [`check_jvp_vjp`] passes.
///
/// # Panics
///
/// When the `jvp` disagrees with `dot(gradient, v)`.
#[track_caller]
pub fn assert_jvp_vjp(gradient: &[f64], v: &[f64], jvp: f64, tol: Tolerance) {
    if let Err(e) = check_jvp_vjp(gradient, v, jvp, tol) {
        fail(
            &format!("jvp vs vjp (gradient {gradient:?}, tangent {v:?})"),
            &e,
        );
    }
}

#[cfg(test)]
mod tests;
