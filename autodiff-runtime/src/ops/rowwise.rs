//! Row-wise ops: softmax, log-softmax and log-sum-exp over each row (each sample's features).
//!
//! All three shift every row by its maximum before exponentiating, so logits of ±1000 give
//! finite values and gradients. With `p = softmax(x)` (one probability row per sample), the rules
//! are, per row:
//!
//! * `y = softmax(x)     => dx = y ⊙ (dy - <dy, y>)`
//! * `y = log_softmax(x) => dx = dy - p · Σ dy`
//! * `y = logsumexp(x)   => dx = dy · p` (`dy` one number per row)

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix, U1};

use super::{columns, columns_mut, cotangent, row_dots, row_sums, tangent};
use crate::__private::TangentArg;
use crate::matrix::MatrixScalar;
use crate::real::Real;

/// The softmax of every row and each row's log-sum-exp, computed stably: each row is shifted by
/// its maximum (or not at all when that maximum is infinite, as TensorFlow), and
/// `lse = shift + ln Σ e^(x - shift)`. Also returns the shifted logits' `ln Σ`, for log-softmax.
struct Softmax<T> {
    /// `p[i, j] = e^(x[i, j] - lse[i])`, column-major like the input.
    p: Vec<T>,
    /// Per row: its shift.
    shift: Vec<T>,
    /// Per row: `ln Σ_j e^(x[i, j] - shift[i])`.
    log_sum: Vec<T>,
}

fn softmax_parts<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> Softmax<T>
where
    DefaultAllocator: Allocator<R, C>,
{
    let n = m.nrows();
    let mut shift = vec![-T::infinity(); n];
    for col in columns(m.as_slice(), n) {
        for (s, &x) in shift.iter_mut().zip(col) {
            if x > *s {
                *s = x;
            }
        }
    }
    for s in &mut shift {
        if !s.is_finite() {
            *s = T::zero();
        }
    }
    let mut p = m.as_slice().to_vec();
    let mut sum = vec![T::zero(); n];
    for col in columns_mut(&mut p, n) {
        for ((v, &s), acc) in col.iter_mut().zip(&shift).zip(&mut sum) {
            *v = (*v - s).exp();
            *acc += *v;
        }
    }
    for col in columns_mut(&mut p, n) {
        for (v, &acc) in col.iter_mut().zip(&sum) {
            *v /= acc;
        }
    }
    let log_sum = sum.into_iter().map(Real::ln).collect();
    Softmax { p, shift, log_sum }
}

/// A matrix of `m`'s shape from column-major data.
fn shaped<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>, data: Vec<T>) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let (r, c) = m.shape_generic();
    OMatrix::from_iterator_generic(r, c, data)
}

/// A column with one value per row of `m`.
fn per_row<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>, data: Vec<T>) -> OMatrix<T, R, U1>
where
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    OMatrix::from_iterator_generic(m.shape_generic().0, U1, data)
}

fn softmax_kernel<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    shaped(m, softmax_parts(m).p)
}

/// `dx = y ⊙ (g - <g, y>)` per row; the softmax Jacobian is symmetric, so this is also the
/// tangent rule with `g = dx`.
fn softmax_rule<T: Real, R: Dim, C: Dim>(
    y: &OMatrix<T, R, C>,
    mut g: OMatrix<T, R, C>,
) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let n = y.nrows();
    let dots = row_dots(g.as_slice(), y.as_slice(), n);
    for (cg, cy) in columns_mut(g.as_mut_slice(), n).zip(columns(y.as_slice(), n)) {
        for ((g, &y), &d) in cg.iter_mut().zip(cy).zip(&dots) {
            *g = y * (*g - d);
        }
    }
    g
}

fn log_softmax_kernel<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> (OMatrix<T, R, C>, Vec<T>)
where
    DefaultAllocator: Allocator<R, C>,
{
    let Softmax { p, shift, log_sum } = softmax_parts(m);
    let n = m.nrows();
    let mut y = m.clone();
    for col in columns_mut(y.as_mut_slice(), n) {
        for ((v, &s), &l) in col.iter_mut().zip(&shift).zip(&log_sum) {
            *v = (*v - s) - l;
        }
    }
    (y, p)
}

fn logsumexp_kernel<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> (OMatrix<T, R, U1>, Vec<T>)
where
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    let Softmax { p, shift, log_sum } = softmax_parts(m);
    let lse = shift.iter().zip(&log_sum).map(|(&s, &l)| s + l).collect();
    (per_row(m, lse), p)
}

/// The softmax of every row (`tf.nn.softmax` on a `(batch, classes)` matrix):
/// `y[i, j] = e^x[i, j] / Σ_k e^x[i, k]`.
///
/// Each row is shifted by its maximum first, so large logits neither overflow nor lose their
/// gradient.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let logits = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 1000.0, -1000.0, 0.0]);
/// let p = ops::softmax(&logits);
/// let e = [1.0f64.exp(), 2.0f64.exp(), 3.0f64.exp()];
/// let s: f64 = e.iter().sum();
/// assert_relative_eq!(p[(0, 0)], e[0] / s, epsilon = 1e-15);
/// assert_relative_eq!(p[(1, 0)], 1.0); // finite, not NaN
/// assert_relative_eq!(p.row(0).sum(), 1.0, epsilon = 1e-15);
/// ```
#[must_use]
pub fn softmax<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    softmax_kernel(m)
}

/// Reverse-mode companion of [`softmax`].
#[doc(hidden)]
pub fn __softmax_derivative_abdbc82185ed667cbedf62d452246a19<T, R, C>(
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
    let y = softmax_kernel(m);
    let saved = y.clone();
    (y, move |g| {
        // y = softmax(x) => dx += y ⊙ (dy - rowsum(dy ⊙ y))
        (cotangent("softmax", g, saved.shape()).map(|g| softmax_rule(&saved, g)),)
    })
}

/// Forward-mode companion of [`softmax`].
#[doc(hidden)]
pub fn __softmax_forward_derivative_f72258af23687cb203a5f78aed450393<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let y = softmax_kernel(m);
    // dy = y ⊙ (dx - rowsum(dx ⊙ y))
    let dy = softmax_rule(&y, tangent("softmax", dm, m));
    (y, dy)
}

/// The log-softmax of every row (`tf.nn.log_softmax` on a `(batch, classes)` matrix):
/// `y[i, j] = x[i, j] - ln Σ_k e^x[i, k]`.
///
/// Computed as `(x - max) - ln Σ e^(x - max)` per row, so logits of ±1000 give finite
/// log-probabilities (`-2000` is exact) and finite gradients. Pair it with a one-hot target for
/// a stable cross-entropy.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let logits = DMatrix::from_row_slice(2, 2, &[0.0, 0.0, 1000.0, -1000.0]);
/// let lp = ops::log_softmax(&logits);
/// assert_relative_eq!(lp, DMatrix::from_row_slice(2, 2, &[
///     -(2.0f64.ln()), -(2.0f64.ln()),
///     0.0, -2000.0,
/// ]));
/// ```
#[must_use]
pub fn log_softmax<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    log_softmax_kernel(m).0
}

/// Reverse-mode companion of [`log_softmax`].
#[doc(hidden)]
pub fn __log_softmax_derivative_e205e35482fc069d09df17fc266dfaa0<T, R, C>(
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
    let (y, p) = log_softmax_kernel(m);
    (y, move |g| {
        let Some(mut g) = cotangent("log_softmax", g, m.shape()) else {
            return (None,);
        };
        // y = log_softmax(x) => dx += dy - softmax(x) * rowsum(dy)
        let n = m.nrows();
        let sums = row_sums(g.as_slice(), n);
        for (cg, cp) in columns_mut(g.as_mut_slice(), n).zip(columns(&p, n)) {
            for ((g, &p), &s) in cg.iter_mut().zip(cp).zip(&sums) {
                *g -= p * s;
            }
        }
        (Some(g),)
    })
}

/// Forward-mode companion of [`log_softmax`].
#[doc(hidden)]
pub fn __log_softmax_forward_derivative_199be193e3b65d1fb0e5f0d46d6a344e<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
{
    let (y, p) = log_softmax_kernel(m);
    let mut dy = tangent("log_softmax", dm, m);
    // dy = dx - rowsum(softmax(x) ⊙ dx)
    let n = m.nrows();
    let dots = row_dots(dy.as_slice(), &p, n);
    for col in columns_mut(dy.as_mut_slice(), n) {
        for (t, &d) in col.iter_mut().zip(&dots) {
            *t -= d;
        }
    }
    (y, dy)
}

/// The log-sum-exp of every row, `ln Σ_j e^x[i, j]`, as an `R×1` column
/// (`tf.reduce_logsumexp(x, axis=1, keepdims=True)`).
///
/// Stable: each row is shifted by its maximum, so `logsumexp([1000, 1000]) = 1000 + ln 2`. A row
/// with no entries gives `-inf`.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(2, 2, &[0.0, 0.0, 1000.0, 1000.0]);
/// let lse = ops::logsumexp(&x); // a 2×1 column
/// assert_eq!(lse.shape(), (2, 1));
/// assert_relative_eq!(lse[0], 2.0f64.ln());
/// assert_relative_eq!(lse[1], 1000.0 + 2.0f64.ln());
/// ```
#[must_use]
pub fn logsumexp<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, U1>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    logsumexp_kernel(m).0
}

/// Reverse-mode companion of [`logsumexp`].
#[doc(hidden)]
pub fn __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b<T, R, C>(
    m: &OMatrix<T, R, C>,
) -> (
    OMatrix<T, R, U1>,
    impl Fn(OMatrix<T, R, U1>) -> (Option<OMatrix<T, R, C>>,) + '_,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    let (y, p) = logsumexp_kernel(m);
    (y, move |g| {
        let Some(g) = cotangent("logsumexp", g, (m.nrows(), 1)) else {
            return (None,);
        };
        // y = logsumexp(x) => dx[i, j] += dy[i] * softmax(x)[i, j]
        let n = m.nrows();
        let mut dx = shaped(m, p.clone());
        for col in columns_mut(dx.as_mut_slice(), n) {
            for (v, &g) in col.iter_mut().zip(g.as_slice()) {
                *v = g * *v;
            }
        }
        (Some(dx),)
    })
}

/// Forward-mode companion of [`logsumexp`].
#[doc(hidden)]
pub fn __logsumexp_forward_derivative_617131134f0a054c5b188d84f59262d5<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, R, U1>, OMatrix<T, R, U1>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    let (y, p) = logsumexp_kernel(m);
    // dy[i] = Σ_j softmax(x)[i, j] * dx[i, j]
    let dx = tangent("logsumexp", dm, m);
    let dy = per_row(m, row_dots(dx.as_slice(), &p, m.nrows()));
    (y, dy)
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector, SMatrix};

    use super::*;
    use crate::__private::{NoTangent, Tg};
    use crate::ops::testing::{
        Domain, EXACT, Flat, assert_close_all, assert_slices, check_unary_op,
    };

    #[test]
    fn rowwise_ops_match_finite_differences() {
        check_unary_op!(
            softmax,
            __softmax_derivative_abdbc82185ed667cbedf62d452246a19,
            __softmax_forward_derivative_f72258af23687cb203a5f78aed450393,
            Domain::Signed
        );
        check_unary_op!(
            log_softmax,
            __log_softmax_derivative_e205e35482fc069d09df17fc266dfaa0,
            __log_softmax_forward_derivative_199be193e3b65d1fb0e5f0d46d6a344e,
            Domain::Signed
        );
        check_unary_op!(
            logsumexp,
            __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b,
            __logsumexp_forward_derivative_617131134f0a054c5b188d84f59262d5,
            Domain::Signed
        );
    }

    #[test]
    fn rows_are_independent_samples() {
        let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 0.0, 0.0, 0.0]);
        let p = softmax(&x);
        let e: Vec<f64> = [1.0f64, 2.0, 3.0].iter().map(|v| v.exp()).collect();
        let s: f64 = e.iter().sum();
        assert_close_all(
            "softmax",
            &p.transpose().flat(),
            &[
                e[0] / s,
                e[1] / s,
                e[2] / s,
                1.0 / 3.0,
                1.0 / 3.0,
                1.0 / 3.0,
            ],
        );
        assert_close_all("logsumexp", &logsumexp(&x).flat(), &[s.ln(), 3.0f64.ln()]);
        assert_close_all(
            "log_softmax",
            &log_softmax(&x).flat(),
            &p.map(f64::ln).flat(),
        );
    }

    /// Rows with logits of ±1000: every value and every gradient is finite and right.
    #[test]
    fn stable_at_plus_minus_1000() {
        let x = DMatrix::from_row_slice(
            3,
            3,
            &[
                1000.0, -1000.0, 0.0, 1000.0, 1000.0, 1000.0, -1000.0, -1000.0, -1000.0,
            ],
        );
        let finite = |name: &str, m: &[f64]| {
            assert!(m.iter().all(|v| v.is_finite()), "{name}: {m:?}");
        };
        let third = 1.0 / 3.0;
        let ones = DMatrix::from_element(3, 3, 1.0);
        let first = DMatrix::from_fn(3, 3, |_, j| if j == 0 { 1.0 } else { 0.0 });

        let (p, pullback) = __softmax_derivative_abdbc82185ed667cbedf62d452246a19(&x);
        assert_close_all(
            "softmax",
            &p.transpose().flat(),
            &[1.0, 0.0, 0.0, third, third, third, third, third, third],
        );
        let d = pullback(first.clone()).0.unwrap();
        finite("softmax'", d.as_slice());
        // d p_0 / d x_j = p_0 (δ_0j - p_j)
        assert_close_all(
            "softmax' row 2",
            &d.row(1).transpose().flat(),
            &[third * (1.0 - third), -third * third, -third * third],
        );
        let (_, dy) =
            __softmax_forward_derivative_f72258af23687cb203a5f78aed450393(&x, Tg(first.clone()));
        finite("softmax tangent", dy.as_slice());

        let (lp, pullback) = __log_softmax_derivative_e205e35482fc069d09df17fc266dfaa0(&x);
        let ln3 = 3.0f64.ln();
        assert_close_all(
            "log_softmax",
            &lp.transpose().flat(),
            &[0.0, -2000.0, -1000.0, -ln3, -ln3, -ln3, -ln3, -ln3, -ln3],
        );
        let d = pullback(ones.clone()).0.unwrap();
        // dx = 1 - 3 p
        assert_close_all(
            "log_softmax'",
            &d.transpose().flat(),
            &[-2.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        );
        let (_, dy) =
            __log_softmax_forward_derivative_199be193e3b65d1fb0e5f0d46d6a344e(&x, Tg(ones.clone()));
        finite("log_softmax tangent", dy.as_slice());

        let (lse, pullback) = __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b(&x);
        assert_close_all(
            "logsumexp",
            &lse.flat(),
            &[1000.0, 1000.0 + ln3, -1000.0 + ln3],
        );
        let d = pullback(DVector::from_element(3, 1.0)).0.unwrap();
        assert_close_all("logsumexp'", &d.flat(), &p.flat());
        let (_, dy) = __logsumexp_forward_derivative_617131134f0a054c5b188d84f59262d5(&x, Tg(ones));
        assert_close_all("logsumexp tangent", &dy.flat(), &[1.0, 1.0, 1.0]);
    }

    #[test]
    fn empty_shapes_do_not_panic() {
        let no_rows = DMatrix::<f64>::zeros(0, 3);
        assert_eq!(softmax(&no_rows).shape(), (0, 3));
        assert_eq!(logsumexp(&no_rows).shape(), (0, 1));
        let no_cols = DMatrix::<f64>::zeros(2, 0);
        assert_eq!(log_softmax(&no_cols).shape(), (2, 0));
        let lse = logsumexp(&no_cols);
        assert!(lse.iter().all(|v| v.is_infinite() && v.is_sign_negative()));
        let (_, pullback) = __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b(&no_cols);
        assert_eq!(
            pullback(DVector::from_element(2, 1.0)).0.unwrap().shape(),
            (2, 0)
        );
    }

    #[test]
    fn symbolic_zeros_and_static_shapes() {
        let s = SMatrix::<f64, 2, 2>::new(0.0, 1.0, 2.0, 2.0);
        let (_, pullback) = __log_softmax_derivative_e205e35482fc069d09df17fc266dfaa0(&s);
        let d = pullback(SMatrix::<f64, 2, 2>::new(1.0, 0.0, 0.0, 0.0))
            .0
            .unwrap();
        assert!((d[(0, 0)] + d[(0, 1)]).abs() < 1e-15); // rows of d sum to 0 when g's row is e_0
        let m = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 2.0, 2.0]);
        let (_, pullback) = __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b(&m);
        assert!(pullback(DVector::zeros(0)).0.is_none());
        let (_, dy) = __softmax_forward_derivative_f72258af23687cb203a5f78aed450393(&m, NoTangent);
        assert_slices(&dy.flat(), &[0.0; 4], EXACT);
    }

    #[test]
    fn f32_smoke() {
        let x = DMatrix::from_row_slice(2, 3, &[1000.0f32, -1000.0, 0.5, 0.1, 0.2, 0.3]);
        let x64 = x.map(f64::from);
        for (a, b) in softmax(&x).iter().zip(softmax(&x64).iter()) {
            assert!((f64::from(*a) - b).abs() < 1e-6);
        }
        for (a, b) in log_softmax(&x).iter().zip(log_softmax(&x64).iter()) {
            assert!((f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()));
        }
        let (lse, pullback) = __logsumexp_derivative_4efdcf5fd1f330aeaf51377d96f5f12b(&x);
        assert!((lse[0] - 1000.0).abs() < 1e-3);
        let d = pullback(lse.map(|_| 1.0)).0.unwrap();
        assert!(d.iter().all(|v| v.is_finite()));
        assert!((d.row(1).sum() - 1.0).abs() < 1e-6);
    }
}
