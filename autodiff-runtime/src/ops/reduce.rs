//! Broadcasting and reductions over the sample (row) and feature (column) axes.
//!
//! * `y = m + 1·b` (`add_row`)  `=> dm += dy, db += Σ_rows dy`
//! * `y = Σ_rows m` (`sum_rows`) `=> dm[i, j] += dy[j]`
//! * `y = Σ_cols m` (`sum_cols`) `=> dm[i, j] += dy[i]`
//! * `y = Σ_rows m / R` (`mean_rows`) `=> dm[i, j] += dy[j] / R`

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix, U1};

use super::{col_sums, columns_mut, cotangent, row_sums, tangent};
use crate::__private::TangentArg;
use crate::matrix::MatrixScalar;
use crate::real::Real;

/// Panics unless `b` is a `1×C` row for the `R×C` matrix `m`.
fn check_bias<T: Real, R: Dim, C: Dim, R2: Dim>(m: &OMatrix<T, R, C>, b: &OMatrix<T, R2, C>)
where
    DefaultAllocator: Allocator<R, C> + Allocator<R2, C>,
{
    assert!(
        b.nrows() == 1 && b.ncols() == m.ncols(),
        "ops::add_row: the bias must be a 1×{} row to add to every row of a {}×{} matrix, but it is {}×{}",
        m.ncols(),
        m.nrows(),
        m.ncols(),
        b.nrows(),
        b.ncols()
    );
}

/// `m[i, j] + b[j]`: the `1×C` row `b` added to every row of `m`.
fn add_row_kernel<T: Real, R: Dim, C: Dim>(mut m: OMatrix<T, R, C>, b: &[T]) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let n = m.nrows();
    if n > 0 {
        for (col, &b) in columns_mut(m.as_mut_slice(), n).zip(b) {
            for v in col {
                *v += b;
            }
        }
    }
    m
}

/// The row `v` (one value per column) spread over `R` rows, times `scale`.
fn spread_row<T: Real, R: Dim, C: Dim>(r: R, c: C, v: &[T], scale: T) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    OMatrix::from_fn_generic(r, c, |_, j| v[j] * scale)
}

/// Adds the `1×C` row `bias` to every row of the `R×C` matrix `m` (TensorFlow's broadcasting
/// `x + b` for a dense layer's bias).
///
/// `bias` may be any owned `1×C` matrix (`RowDVector`, a `DMatrix` with one row, `SMatrix<T, 1,
/// C>`). Inside a `#[differentiable]` function both are differentiated: the bias gradient is the
/// column sums of the output cotangent.
///
/// # Panics
///
/// If `bias` is not `1×C`, with a message naming both shapes.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let b = DMatrix::from_row_slice(1, 3, &[10.0, 20.0, 30.0]);
/// let y = ops::add_row(&x, &b);
/// assert_relative_eq!(y, DMatrix::from_row_slice(2, 3, &[11.0, 22.0, 33.0, 14.0, 25.0, 36.0]));
/// ```
#[must_use]
pub fn add_row<T, R, C, R2>(m: &OMatrix<T, R, C>, bias: &OMatrix<T, R2, C>) -> OMatrix<T, R, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    R2: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R2, C>,
{
    check_bias(m, bias);
    add_row_kernel(m.clone(), bias.as_slice())
}

/// Reverse-mode companion of [`add_row`]: slots for `m` and `bias`.
#[doc(hidden)]
pub fn __add_row_derivative_f23e6feb5bd9b14ab10fa27431f93c1f<T, R, C, R2>(
    m: &OMatrix<T, R, C>,
    bias: &OMatrix<T, R2, C>,
) -> (
    OMatrix<T, R, C>,
    // The pullback keeps shapes only, so it borrows neither argument.
    impl Fn(OMatrix<T, R, C>) -> (Option<OMatrix<T, R, C>>, Option<OMatrix<T, R2, C>>)
    + use<T, R, C, R2>,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    R2: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R2, C>,
{
    let y = add_row(m, bias);
    let m_shape = m.shape();
    let (br, bc) = bias.shape_generic();
    (y, move |g| {
        let Some(g) = cotangent("add_row", g, m_shape) else {
            return (None, None);
        };
        // y = m + 1·b => dm += dy, db += Σ_rows dy
        let db = OMatrix::from_iterator_generic(br, bc, col_sums(&g));
        (Some(g), Some(db))
    })
}

/// Forward-mode companion of [`add_row`].
#[doc(hidden)]
pub fn __add_row_forward_derivative_ba9f89c2013ed5e4de36858eb0fe0375<T, R, C, R2>(
    m: &OMatrix<T, R, C>,
    bias: &OMatrix<T, R2, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
    dbias: impl TangentArg<OMatrix<T, R2, C>>,
) -> (OMatrix<T, R, C>, OMatrix<T, R, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    R2: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R2, C>,
{
    let y = add_row(m, bias);
    // dy = dm + 1·db
    let db = tangent("add_row", dbias, bias);
    let dy = add_row_kernel(tangent("add_row", dm, m), db.as_slice());
    (y, dy)
}

/// `y = Σ_rows m / n`, as a `1×C` row.
fn sum_rows_scaled<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>, scale: T) -> OMatrix<T, U1, C>
where
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    let sums = col_sums(m).into_iter().map(|s| s * scale);
    OMatrix::from_iterator_generic(U1, m.shape_generic().1, sums)
}

/// `1 / rows`, the scale of a mean over the rows.
fn inv_rows<T: Real>(rows: usize) -> T {
    T::one() / T::from_usize(rows)
}

/// Sums over the rows (the samples): a `1×C` row of column sums
/// (`tf.reduce_sum(x, axis=0, keepdims=True)`).
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let s = ops::sum_rows(&x); // a 1×3 row
/// assert_eq!(s.shape(), (1, 3));
/// assert_relative_eq!(s[(0, 0)], 5.0);
/// assert_relative_eq!(s[(0, 2)], 9.0);
/// ```
#[must_use]
pub fn sum_rows<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, U1, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    sum_rows_scaled(m, <T as Real>::one())
}

/// Reverse-mode companion of [`sum_rows`].
#[doc(hidden)]
pub fn __sum_rows_derivative_e0cb9bca4ba3f20f4f698b3a92b39878<T, R, C>(
    m: &OMatrix<T, R, C>,
) -> (
    OMatrix<T, U1, C>,
    impl Fn(OMatrix<T, U1, C>) -> (Option<OMatrix<T, R, C>>,) + '_,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    let (r, c) = m.shape_generic();
    (sum_rows(m), move |g| {
        let Some(g) = cotangent("sum_rows", g, (1, c.value())) else {
            return (None,);
        };
        // y = Σ_rows m => dm[i, j] += dy[j]
        (Some(spread_row(r, c, g.as_slice(), <T as Real>::one())),)
    })
}

/// Forward-mode companion of [`sum_rows`].
#[doc(hidden)]
pub fn __sum_rows_forward_derivative_7bde0a22ee264c7d971a8d9796b45b92<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, U1, C>, OMatrix<T, U1, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    // dy = Σ_rows dm
    let one = <T as Real>::one();
    let dy = sum_rows_scaled(&tangent("sum_rows", dm, m), one);
    (sum_rows_scaled(m, one), dy)
}

/// Averages over the rows (the samples): a `1×C` row of column means
/// (`tf.reduce_mean(x, axis=0, keepdims=True)`).
///
/// A matrix with no rows gives `NaN` means (`0/0`), as TensorFlow.
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 6.0]);
/// let m = ops::mean_rows(&x); // a 1×2 row
/// assert_eq!(m.shape(), (1, 2));
/// assert_relative_eq!(m[0], 2.0);
/// assert_relative_eq!(m[1], 4.0);
/// ```
#[must_use]
pub fn mean_rows<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, U1, C>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    sum_rows_scaled(m, inv_rows(m.nrows()))
}

/// Reverse-mode companion of [`mean_rows`].
#[doc(hidden)]
pub fn __mean_rows_derivative_52f6150035092c69cced177f2d4010e4<T, R, C>(
    m: &OMatrix<T, R, C>,
) -> (
    OMatrix<T, U1, C>,
    impl Fn(OMatrix<T, U1, C>) -> (Option<OMatrix<T, R, C>>,) + '_,
)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    let (r, c) = m.shape_generic();
    let scale = inv_rows::<T>(r.value());
    (sum_rows_scaled(m, scale), move |g| {
        let Some(g) = cotangent("mean_rows", g, (1, c.value())) else {
            return (None,);
        };
        // y = Σ_rows m / R => dm[i, j] += dy[j] / R
        (Some(spread_row(r, c, g.as_slice(), scale)),)
    })
}

/// Forward-mode companion of [`mean_rows`].
#[doc(hidden)]
pub fn __mean_rows_forward_derivative_1a5fc73b61a8897b9f6ffa704d9ef25a<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, U1, C>, OMatrix<T, U1, C>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<U1, C>,
{
    // dy = Σ_rows dm / R
    let scale = inv_rows::<T>(m.nrows());
    let dy = sum_rows_scaled(&tangent("mean_rows", dm, m), scale);
    (sum_rows_scaled(m, scale), dy)
}

/// `y = Σ_cols m`, as an `R×1` column.
fn sum_cols_kernel<T: Real, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, U1>
where
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    let sums = row_sums(m.as_slice(), m.nrows());
    OMatrix::from_iterator_generic(m.shape_generic().0, U1, sums)
}

/// Sums over the columns (the features): an `R×1` column of row sums, one per sample
/// (`tf.reduce_sum(x, axis=1, keepdims=True)`).
///
/// ```
/// use autodiff::approx::assert_relative_eq;
/// use autodiff::prelude::*;
///
/// let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let s = ops::sum_cols(&x); // a 2×1 column
/// assert_relative_eq!(s, DVector::from_vec(vec![6.0, 15.0]));
/// ```
#[must_use]
pub fn sum_cols<T, R, C>(m: &OMatrix<T, R, C>) -> OMatrix<T, R, U1>
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    sum_cols_kernel(m)
}

/// Reverse-mode companion of [`sum_cols`].
#[doc(hidden)]
pub fn __sum_cols_derivative_78a19459234ac579baf97aabbdefc546<T, R, C>(
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
    let (r, c) = m.shape_generic();
    (sum_cols_kernel(m), move |g: OMatrix<T, R, U1>| {
        let Some(g) = cotangent("sum_cols", g, (r.value(), 1)) else {
            return (None,);
        };
        // y = Σ_cols m => dm[i, j] += dy[i]
        (Some(OMatrix::from_fn_generic(r, c, |i, _| g[i])),)
    })
}

/// Forward-mode companion of [`sum_cols`].
#[doc(hidden)]
pub fn __sum_cols_forward_derivative_fd4cd2b127c516d3ffda9d08bf8d6cb4<T, R, C>(
    m: &OMatrix<T, R, C>,
    dm: impl TangentArg<OMatrix<T, R, C>>,
) -> (OMatrix<T, R, U1>, OMatrix<T, R, U1>)
where
    T: MatrixScalar,
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C> + Allocator<R, U1>,
{
    // dy = Σ_cols dm
    let dy = sum_cols_kernel(&tangent("sum_cols", dm, m));
    (sum_cols_kernel(m), dy)
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector, RowDVector, SMatrix};

    use super::*;
    use crate::__private::{NoTangent, Tg};
    use crate::ops::testing::{
        Domain, Flat, SHAPES, TIGHT, assert_close, assert_close_all, assert_close_f32, check_flat,
        check_unary_op, input,
    };

    #[test]
    fn reductions_match_finite_differences() {
        check_unary_op!(
            sum_rows,
            __sum_rows_derivative_e0cb9bca4ba3f20f4f698b3a92b39878,
            __sum_rows_forward_derivative_7bde0a22ee264c7d971a8d9796b45b92,
            Domain::Signed
        );
        check_unary_op!(
            sum_cols,
            __sum_cols_derivative_78a19459234ac579baf97aabbdefc546,
            __sum_cols_forward_derivative_fd4cd2b127c516d3ffda9d08bf8d6cb4,
            Domain::Signed
        );
        check_unary_op!(
            mean_rows,
            __mean_rows_derivative_52f6150035092c69cced177f2d4010e4,
            __mean_rows_forward_derivative_1a5fc73b61a8897b9f6ffa704d9ef25a,
            Domain::Signed
        );
    }

    #[test]
    fn add_row_matches_finite_differences_in_both_arguments() {
        for (r, c) in SHAPES {
            let m = input(r, c, Domain::Signed);
            let b = input(1, c, Domain::Signed);
            let split = |x: &[f64]| {
                let n = r * c;
                (
                    DMatrix::from_column_slice(r, c, &x[..n]),
                    RowDVector::from_row_slice(&x[n..]),
                )
            };
            let mut x = m.flat();
            x.extend(b.iter());
            check_flat(
                &format!("add_row on {r}×{c}"),
                &x,
                |x| {
                    let (m, b) = split(x);
                    add_row(&m, &b).flat()
                },
                |x, g| {
                    let (m, b) = split(x);
                    let (y, pullback) =
                        __add_row_derivative_f23e6feb5bd9b14ab10fa27431f93c1f(&m, &b);
                    assert_close_all("add_row: reverse value", &y.flat(), &add_row(&m, &b).flat());
                    let (dm, db) = pullback(y.filled(g));
                    let mut out = dm.map_or_else(|| vec![0.0; m.len()], |d| d.flat());
                    out.extend(db.map_or_else(|| vec![0.0; b.len()], |d| d.flat()));
                    out
                },
                |x, t| {
                    let (m, b) = split(x);
                    let (dm, db) = split(t);
                    let (y, dy) = __add_row_forward_derivative_ba9f89c2013ed5e4de36858eb0fe0375(
                        &m,
                        &b,
                        Tg(dm),
                        Tg(db),
                    );
                    assert_close_all("add_row: forward value", &y.flat(), &add_row(&m, &b).flat());
                    dy.flat()
                },
            );
        }
    }

    #[test]
    fn reductions_follow_tensorflow_axes() {
        let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(sum_rows(&x).shape(), (1, 3));
        assert_close_all("reduce_sum axis=0", &sum_rows(&x).flat(), &[5.0, 7.0, 9.0]);
        assert_close_all(
            "reduce_mean axis=0",
            &mean_rows(&x).flat(),
            &[2.5, 3.5, 4.5],
        );
        assert_eq!(sum_cols(&x).shape(), (2, 1));
        assert_close_all("reduce_sum axis=1", &sum_cols(&x).flat(), &[6.0, 15.0]);
        let (_, pullback) = __mean_rows_derivative_52f6150035092c69cced177f2d4010e4(&x);
        let d = pullback(RowDVector::from_row_slice(&[1.0, 2.0, 4.0]))
            .0
            .unwrap();
        assert_close_all(
            "mean'",
            &d.transpose().flat(),
            &[0.5, 1.0, 2.0, 0.5, 1.0, 2.0],
        );
    }

    #[test]
    fn add_row_accepts_any_one_row_bias_type() {
        let x = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let want = [11.0, 13.0, 22.0, 24.0];
        let row = RowDVector::from_row_slice(&[10.0, 20.0]);
        assert_close_all("RowDVector", &add_row(&x, &row).flat(), &want);
        let one_row = DMatrix::from_row_slice(1, 2, &[10.0, 20.0]);
        assert_close_all("1×C DMatrix", &add_row(&x, &one_row).flat(), &want);
        let (_, pullback) = __add_row_derivative_f23e6feb5bd9b14ab10fa27431f93c1f(&x, &one_row);
        let (dm, db) = pullback(DMatrix::from_element(2, 2, 1.0));
        assert_eq!(dm.unwrap().shape(), (2, 2));
        let db = db.unwrap();
        assert_eq!(db.shape(), (1, 2));
        assert_close_all("db", &db.flat(), &[2.0, 2.0]);
        let s = SMatrix::<f64, 3, 2>::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
        let sb = SMatrix::<f64, 1, 2>::new(0.5, -0.5);
        assert_close(add_row(&s, &sb)[(2, 1)], 5.5, TIGHT);
        let (_, dy) = __add_row_forward_derivative_ba9f89c2013ed5e4de36858eb0fe0375(
            &s,
            &sb,
            NoTangent,
            Tg(sb),
        );
        assert_close(dy[(2, 1)], -0.5, TIGHT);
    }

    #[test]
    #[should_panic(
        expected = "ops::add_row: the bias must be a 1×3 row to add to every row of a 2×3 matrix, but it is 1×2"
    )]
    fn add_row_shape_mismatch_panics_in_the_forward_sweep() {
        let x = DMatrix::<f64>::zeros(2, 3);
        let b = RowDVector::<f64>::zeros(2);
        let _ = __add_row_derivative_f23e6feb5bd9b14ab10fa27431f93c1f(&x, &b);
    }

    #[test]
    #[should_panic(expected = "but it is 2×3")]
    fn add_row_refuses_a_full_matrix_as_bias() {
        let x = DMatrix::<f64>::zeros(2, 3);
        let _ = add_row(&x, &x);
    }

    #[test]
    fn empty_and_symbolic_zero() {
        let no_rows = DMatrix::<f64>::zeros(0, 3);
        assert_close_all("sum of no rows", &sum_rows(&no_rows).flat(), &[0.0; 3]);
        let (_, pullback) = __sum_rows_derivative_e0cb9bca4ba3f20f4f698b3a92b39878(&no_rows);
        assert_eq!(
            pullback(RowDVector::from_element(3, 1.0))
                .0
                .unwrap()
                .shape(),
            (0, 3)
        );
        let x = input(2, 3, Domain::Signed);
        let (_, pullback) = __sum_cols_derivative_78a19459234ac579baf97aabbdefc546(&x);
        assert!(pullback(DVector::zeros(0)).0.is_none());
        let b = input(1, 3, Domain::Signed);
        let (_, pullback) = __add_row_derivative_f23e6feb5bd9b14ab10fa27431f93c1f(&x, &b);
        let (dx, db) = pullback(DMatrix::zeros(0, 0));
        assert!(dx.is_none() && db.is_none());
    }

    #[test]
    fn f32_smoke() {
        let x = DMatrix::from_row_slice(2, 2, &[1.0f32, 2.0, 3.0, 4.0]);
        let b = RowDVector::from_row_slice(&[0.5f32, -0.5]);
        assert_close_f32(add_row(&x, &b)[(1, 1)], 3.5);
        assert_close_f32(sum_rows(&x)[1], 6.0);
        assert_close_f32(sum_cols(&x)[1], 7.0);
        assert_close_f32(mean_rows(&x)[0], 2.0);
        let (_, pullback) = __mean_rows_derivative_52f6150035092c69cced177f2d4010e4(&x);
        assert_close_f32(
            pullback(RowDVector::from_element(2, 1.0f32)).0.unwrap()[(1, 0)],
            0.5,
        );
    }
}
