//! Derivative companions of nalgebra matrix methods.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, Dyn, OMatrix, U1};

use super::MatrixScalar;
use crate::__private::{NoGrad, NoTangentArg, TangentArg};
use crate::real::Real;

/// The derivative companions of nalgebra matrix methods, for owned matrices `OMatrix<T, R, C>`
/// (`DMatrix`, `DVector`, `RowDVector`, `SMatrix`, `SVector`) over `f32`/`f64`.
///
/// Inside a `#[differentiable]` function, `m.NAME(args)` with a differentiable receiver or
/// argument calls `m.__differentiable_NAME(args)` (reverse mode: the value and a pullback from the
/// output cotangent to one gradient slot per receiver and argument) or
/// `m.__differentiable_tangent_NAME(args, t_m, t_args..)` (forward mode: the value and its
/// tangent). These methods are what make the following nalgebra methods differentiable:
///
/// | method | value | reverse rule |
/// |---|---|---|
/// | `m.transpose()` | `Mᵀ` | `dM += dYᵀ` |
/// | `a.component_mul(&b)` | `A∘B` | `dA += dY∘B, dB += dY∘A` |
/// | `a.component_div(&b)` | `A/B` (elementwise) | `dA += dY/B, dB += -dY∘A/B²` |
/// | `a.dot(&b)` | `Σ A∘B` | `dA += dy·B, dB += dy·A` |
/// | `m.sum()` | `Σ M` | `dM += dy` (every element) |
/// | `m.mean()` | `Σ M / n` | `dM += dy/n` (nothing for an empty matrix) |
/// | `m.norm()` | `‖M‖` | `dM += dy·M/‖M‖` (`0` at `M = 0`) |
/// | `m.norm_squared()` | `‖M‖²` | `dM += 2·dy·M` |
/// | `m.trace()` | `Σ Mᵢᵢ` | `dM += dy·I` |
/// | `m.max()`, `m.min()` | largest / smallest element | `dM[k] += dy` at the first such element `k` (column-major), as TensorFlow's tie rule |
/// | `m.row(i)`, `m.column(j)` | the row / column, owned | `dM.row(i) += dY` |
/// | `m.rows(i, n)`, `m.columns(j, n)` | the rows / columns, owned | `dM.rows(i, n) += dY` |
///
/// `row`, `column`, `rows` and `columns` return owned matrices (nalgebra returns views): inside a
/// `#[differentiable]` function `m.row(i)` and `m.row(i).into_owned()` are the same. Index
/// arguments are not differentiated (their slots are [`NoGrad`]).
///
/// Pullbacks borrow nothing (their `use<..>` bounds capture no lifetime): they keep only the
/// shapes, indices and values they need (clones of the operands of `component_mul`,
/// `component_div`, `dot`, `norm` and `norm_squared`), so a method may be called on a local of the
/// forward sweep and its pullback may outlive it. The output cotangent may be a symbolic zero (an
/// empty matrix); every pullback then returns `None` slots.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff_runtime::matrix::prelude::*;
/// use autodiff_runtime::nalgebra::{DMatrix, DVector};
///
/// // ½‖Xw − y‖² / n, written with nalgebra methods.
/// #[differentiable(wrt(w))]
/// fn mse(w: &DVector<f64>, x: &DMatrix<f64>, y: &DVector<f64>) -> f64 {
///     let r = x * w - y;
///     0.5 * r.norm_squared() / (y.len() as f64)
/// }
///
/// let x = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
/// let y = DVector::from_column_slice(&[1.0, 2.0, 4.0]);
/// let w = DVector::from_column_slice(&[0.5, -1.0]);
/// let (_, g) = mse_grad(&w, &x, &y);
/// let expected = x.transpose() * (&x * &w - &y) / 3.0; // Xᵀr / n
/// assert!((g - expected).abs().max() < 1e-12);
/// ```
#[allow(clippy::type_complexity)] // `(value, impl Fn(cotangent) -> slots)`, spelled out
pub trait MatrixMethods: Sized {
    /// The element type.
    type Elem;
    /// `Self` transposed.
    type Transposed;
    /// One row, owned.
    type Row;
    /// One column, owned.
    type Column;
    /// Some rows, owned.
    type Rows;
    /// Some columns, owned.
    type Columns;

    /// `Y = Mᵀ`, with its pullback.
    fn __differentiable_transpose(
        &self,
    ) -> (
        Self::Transposed,
        impl Fn(Self::Transposed) -> (Option<Self>,) + use<Self>,
    );
    /// `Y = Mᵀ`, with its tangent `dY = dMᵀ`.
    fn __differentiable_tangent_transpose(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Transposed, Self::Transposed);

    /// `Y = A∘B`, with its pullback.
    fn __differentiable_component_mul(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `Y = A∘B`, with its tangent `dY = dA∘B + A∘dB`.
    fn __differentiable_tangent_component_mul(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self);

    /// `Y = A/B` (elementwise), with its pullback.
    fn __differentiable_component_div(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `Y = A/B` (elementwise), with its tangent `dY = dA/B - A∘dB/B²`.
    fn __differentiable_tangent_component_div(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self);

    /// `y = Σ A∘B`, with its pullback.
    fn __differentiable_dot(
        &self,
        rhs: &Self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `y = Σ A∘B`, with its tangent `dy = Σ dA∘B + Σ A∘dB`.
    fn __differentiable_tangent_dot(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = Σ M`, with its pullback.
    fn __differentiable_sum(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = Σ M`, with its tangent `dy = Σ dM`.
    fn __differentiable_tangent_sum(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = Σ M / n`, with its pullback.
    fn __differentiable_mean(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = Σ M / n`, with its tangent `dy = Σ dM / n`.
    fn __differentiable_tangent_mean(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = ‖M‖`, with its pullback.
    fn __differentiable_norm(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = ‖M‖`, with its tangent `dy = Σ M∘dM / ‖M‖` (`0` at `M = 0`).
    fn __differentiable_tangent_norm(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = ‖M‖²`, with its pullback.
    fn __differentiable_norm_squared(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = ‖M‖²`, with its tangent `dy = 2 Σ M∘dM`.
    fn __differentiable_tangent_norm_squared(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = tr M`, with its pullback.
    fn __differentiable_trace(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = tr M`, with its tangent `dy = tr dM`.
    fn __differentiable_tangent_trace(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = max M`, with its pullback (the first maximal element, column-major, gets it all).
    fn __differentiable_max(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = max M`, with its tangent `dy = dM[k]` at the first maximal element `k`.
    fn __differentiable_tangent_max(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = min M`, with its pullback (the first minimal element, column-major, gets it all).
    fn __differentiable_min(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = min M`, with its tangent `dy = dM[k]` at the first minimal element `k`.
    fn __differentiable_tangent_min(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `Y = M.row(i)` (owned), with its pullback.
    fn __differentiable_row(
        &self,
        i: usize,
    ) -> (
        Self::Row,
        impl Fn(Self::Row) -> (Option<Self>, NoGrad) + use<Self>,
    );
    /// `Y = M.row(i)` (owned), with its tangent `dY = dM.row(i)`.
    fn __differentiable_tangent_row(
        &self,
        i: usize,
        t_self: impl TangentArg<Self>,
        t_i: impl NoTangentArg,
    ) -> (Self::Row, Self::Row);

    /// `Y = M.column(j)` (owned), with its pullback.
    fn __differentiable_column(
        &self,
        j: usize,
    ) -> (
        Self::Column,
        impl Fn(Self::Column) -> (Option<Self>, NoGrad) + use<Self>,
    );
    /// `Y = M.column(j)` (owned), with its tangent `dY = dM.column(j)`.
    fn __differentiable_tangent_column(
        &self,
        j: usize,
        t_self: impl TangentArg<Self>,
        t_j: impl NoTangentArg,
    ) -> (Self::Column, Self::Column);

    /// `Y = M.rows(i, n)` (owned), with its pullback.
    fn __differentiable_rows(
        &self,
        i: usize,
        n: usize,
    ) -> (
        Self::Rows,
        impl Fn(Self::Rows) -> (Option<Self>, NoGrad, NoGrad) + use<Self>,
    );
    /// `Y = M.rows(i, n)` (owned), with its tangent `dY = dM.rows(i, n)`.
    fn __differentiable_tangent_rows(
        &self,
        i: usize,
        n: usize,
        t_self: impl TangentArg<Self>,
        t_i: impl NoTangentArg,
        t_n: impl NoTangentArg,
    ) -> (Self::Rows, Self::Rows);

    /// `Y = M.columns(j, n)` (owned), with its pullback.
    fn __differentiable_columns(
        &self,
        j: usize,
        n: usize,
    ) -> (
        Self::Columns,
        impl Fn(Self::Columns) -> (Option<Self>, NoGrad, NoGrad) + use<Self>,
    );
    /// `Y = M.columns(j, n)` (owned), with its tangent `dY = dM.columns(j, n)`.
    fn __differentiable_tangent_columns(
        &self,
        j: usize,
        n: usize,
        t_self: impl TangentArg<Self>,
        t_j: impl NoTangentArg,
        t_n: impl NoTangentArg,
    ) -> (Self::Columns, Self::Columns);
}

/// The column-major index of the first element `m[k]` with `better(m[k], y)` false for
/// every earlier element, i.e. the first element equal to the reduction's value `y`
/// (the first NaN if `y` is NaN).
fn first_equal<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>, y: T) -> Option<usize>
where
    DefaultAllocator: Allocator<R, C>,
{
    if y.is_nan() {
        m.iter().position(|x| x.is_nan())
    } else {
        m.iter().position(|x| *x == y)
    }
}

/// `tr M`, panicking like nalgebra's `trace` for a non-square matrix (nalgebra defines `trace`
/// only for types with equal row and column dimensions; this is the same for any dimension types).
fn trace<T: MatrixScalar, R: Dim, C: Dim>(m: &OMatrix<T, R, C>) -> T
where
    DefaultAllocator: Allocator<R, C>,
{
    assert!(
        m.is_square(),
        "Cannot compute the trace of non-square matrix."
    );
    (0..m.nrows()).fold(<T as Real>::zero(), |acc, i| acc + m[(i, i)])
}

/// A matrix of shape `(r, c)` that is zero except `m[k] = g`.
fn one_hot<T: MatrixScalar, R: Dim, C: Dim>(r: R, c: C, k: usize, g: T) -> OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    let mut m = OMatrix::zeros_generic(r, c);
    m[k] = g;
    m
}

#[allow(clippy::type_complexity)]
impl<T: MatrixScalar, R: Dim, C: Dim> MatrixMethods for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>
        + Allocator<C, R>
        + Allocator<U1, C>
        + Allocator<R, U1>
        + Allocator<Dyn, C>
        + Allocator<R, Dyn>,
{
    type Elem = T;
    type Transposed = OMatrix<T, C, R>;
    type Row = OMatrix<T, U1, C>;
    type Column = OMatrix<T, R, U1>;
    type Rows = OMatrix<T, Dyn, C>;
    type Columns = OMatrix<T, R, Dyn>;

    fn __differentiable_transpose(
        &self,
    ) -> (
        OMatrix<T, C, R>,
        impl Fn(OMatrix<T, C, R>) -> (Option<Self>,) + use<T, R, C>,
    ) {
        // Y = Mᵀ => dM += dYᵀ
        let pullback = |g: OMatrix<T, C, R>| {
            if g.is_empty() {
                (None,)
            } else {
                (Some(g.transpose()),)
            }
        };
        (self.transpose(), pullback)
    }
    fn __differentiable_tangent_transpose(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (OMatrix<T, C, R>, OMatrix<T, C, R>) {
        let y = self.transpose();
        let t = t_self.tangent_or_zero(self);
        (y, t.transpose())
    }

    fn __differentiable_component_mul(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<T, R, C>,
    ) {
        let y = self.component_mul(rhs);
        let (a, b) = (self.clone(), rhs.clone());
        // Y = A∘B => dA += dY∘B, dB += dY∘A
        let pullback = move |g: Self| {
            if g.is_empty() {
                (None, None)
            } else {
                (Some(g.component_mul(&b)), Some(g.component_mul(&a)))
            }
        };
        (y, pullback)
    }
    fn __differentiable_tangent_component_mul(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self) {
        let y = self.component_mul(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        (y, ta.component_mul(rhs) + self.component_mul(&tb))
    }

    fn __differentiable_component_div(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<T, R, C>,
    ) {
        let y = self.component_div(rhs);
        let (a, b) = (self.clone(), rhs.clone());
        // Y = A/B => dA += dY/B, dB += -dY∘A/B²
        let pullback = move |g: Self| {
            if g.is_empty() {
                return (None, None);
            }
            let da = g.component_div(&b);
            let db = -da.component_mul(&a).component_div(&b);
            (Some(da), Some(db))
        };
        (y, pullback)
    }
    fn __differentiable_tangent_component_div(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self) {
        let y = self.component_div(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        // dY = dA/B - Y∘dB/B
        let t = (ta - y.component_mul(&tb)).component_div(rhs);
        (y, t)
    }

    fn __differentiable_dot(
        &self,
        rhs: &Self,
    ) -> (T, impl Fn(T) -> (Option<Self>, Option<Self>) + use<T, R, C>) {
        let y = self.dot(rhs);
        let (a, b) = (self.clone(), rhs.clone());
        // y = Σ A∘B => dA += dy·B, dB += dy·A
        let pullback = move |g: T| (Some(&b * g), Some(&a * g));
        (y, pullback)
    }
    fn __differentiable_tangent_dot(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (T, T) {
        let y = self.dot(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        (y, ta.dot(rhs) + self.dot(&tb))
    }

    fn __differentiable_sum(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let (r, c) = self.shape_generic();
        // y = Σ M => dM += dy (every element)
        let pullback = move |g: T| (Some(OMatrix::from_element_generic(r, c, g)),);
        (self.sum(), pullback)
    }
    fn __differentiable_tangent_sum(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        (self.sum(), t_self.tangent_or_zero(self).sum())
    }

    fn __differentiable_mean(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let (r, c) = self.shape_generic();
        let n = self.len();
        // y = Σ M / n => dM += dy/n (the mean of an empty matrix is the constant 0)
        let pullback = move |g: T| {
            if n == 0 {
                (None,)
            } else {
                (Some(OMatrix::from_element_generic(
                    r,
                    c,
                    g / <T as Real>::from_usize(n),
                )),)
            }
        };
        (self.mean(), pullback)
    }
    fn __differentiable_tangent_mean(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        (self.mean(), t_self.tangent_or_zero(self).mean())
    }

    fn __differentiable_norm(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = self.norm();
        let a = self.clone();
        // y = ‖M‖ => dM += dy·M/y (0 at M = 0)
        let pullback = move |g: T| {
            if y == <T as Real>::zero() {
                (None,)
            } else {
                (Some(&a * (g / y)),)
            }
        };
        (y, pullback)
    }
    fn __differentiable_tangent_norm(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        let y = self.norm();
        let t = t_self.tangent_or_zero(self);
        if y == <T as Real>::zero() {
            (y, <T as Real>::zero())
        } else {
            (y, self.dot(&t) / y)
        }
    }

    fn __differentiable_norm_squared(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let a = self.clone();
        // y = ‖M‖² => dM += 2·dy·M
        let pullback = move |g: T| (Some(&a * (g + g)),);
        (self.norm_squared(), pullback)
    }
    fn __differentiable_tangent_norm_squared(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        let t = t_self.tangent_or_zero(self);
        let d = self.dot(&t);
        (self.norm_squared(), d + d)
    }

    fn __differentiable_trace(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = trace(self);
        let (r, c) = self.shape_generic();
        // y = tr M => dM += dy·I
        let pullback = move |g: T| (Some(OMatrix::from_diagonal_element_generic(r, c, g)),);
        (y, pullback)
    }
    fn __differentiable_tangent_trace(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        let y = trace(self);
        (y, trace(&t_self.tangent_or_zero(self)))
    }

    fn __differentiable_max(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = self.max();
        let (r, c) = self.shape_generic();
        let k = first_equal(self, y);
        // y = max M => dM[k] += dy at the first maximal element k
        let pullback = move |g: T| (k.map(|k| one_hot(r, c, k, g)),);
        (y, pullback)
    }
    fn __differentiable_tangent_max(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        let y = self.max();
        let t = t_self.tangent_or_zero(self);
        (
            y,
            first_equal(self, y).map_or(<T as Real>::zero(), |k| t[k]),
        )
    }

    fn __differentiable_min(&self) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = self.min();
        let (r, c) = self.shape_generic();
        let k = first_equal(self, y);
        // y = min M => dM[k] += dy at the first minimal element k
        let pullback = move |g: T| (k.map(|k| one_hot(r, c, k, g)),);
        (y, pullback)
    }
    fn __differentiable_tangent_min(&self, t_self: impl TangentArg<Self>) -> (T, T) {
        let y = self.min();
        let t = t_self.tangent_or_zero(self);
        (
            y,
            first_equal(self, y).map_or(<T as Real>::zero(), |k| t[k]),
        )
    }

    fn __differentiable_row(
        &self,
        i: usize,
    ) -> (
        OMatrix<T, U1, C>,
        impl Fn(OMatrix<T, U1, C>) -> (Option<Self>, NoGrad) + use<T, R, C>,
    ) {
        let y = self.row(i).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.row(i) => dM.row(i) += dY
        let pullback = move |g: OMatrix<T, U1, C>| {
            if g.is_empty() {
                return (None, NoGrad);
            }
            let mut d = OMatrix::zeros_generic(r, c);
            d.set_row(i, &g);
            (Some(d), NoGrad)
        };
        (y, pullback)
    }
    fn __differentiable_tangent_row(
        &self,
        i: usize,
        t_self: impl TangentArg<Self>,
        _t_i: impl NoTangentArg,
    ) -> (OMatrix<T, U1, C>, OMatrix<T, U1, C>) {
        let y = self.row(i).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.row(i).into_owned())
    }

    fn __differentiable_column(
        &self,
        j: usize,
    ) -> (
        OMatrix<T, R, U1>,
        impl Fn(OMatrix<T, R, U1>) -> (Option<Self>, NoGrad) + use<T, R, C>,
    ) {
        let y = self.column(j).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.column(j) => dM.column(j) += dY
        let pullback = move |g: OMatrix<T, R, U1>| {
            if g.is_empty() {
                return (None, NoGrad);
            }
            let mut d = OMatrix::zeros_generic(r, c);
            d.set_column(j, &g);
            (Some(d), NoGrad)
        };
        (y, pullback)
    }
    fn __differentiable_tangent_column(
        &self,
        j: usize,
        t_self: impl TangentArg<Self>,
        _t_j: impl NoTangentArg,
    ) -> (OMatrix<T, R, U1>, OMatrix<T, R, U1>) {
        let y = self.column(j).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.column(j).into_owned())
    }

    fn __differentiable_rows(
        &self,
        i: usize,
        n: usize,
    ) -> (
        OMatrix<T, Dyn, C>,
        impl Fn(OMatrix<T, Dyn, C>) -> (Option<Self>, NoGrad, NoGrad) + use<T, R, C>,
    ) {
        let y = self.rows(i, n).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.rows(i, n) => dM.rows(i, n) += dY
        let pullback = move |g: OMatrix<T, Dyn, C>| {
            if g.is_empty() {
                return (None, NoGrad, NoGrad);
            }
            let mut d = OMatrix::zeros_generic(r, c);
            d.rows_mut(i, n).copy_from(&g);
            (Some(d), NoGrad, NoGrad)
        };
        (y, pullback)
    }
    fn __differentiable_tangent_rows(
        &self,
        i: usize,
        n: usize,
        t_self: impl TangentArg<Self>,
        _t_i: impl NoTangentArg,
        _t_n: impl NoTangentArg,
    ) -> (OMatrix<T, Dyn, C>, OMatrix<T, Dyn, C>) {
        let y = self.rows(i, n).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.rows(i, n).into_owned())
    }

    fn __differentiable_columns(
        &self,
        j: usize,
        n: usize,
    ) -> (
        OMatrix<T, R, Dyn>,
        impl Fn(OMatrix<T, R, Dyn>) -> (Option<Self>, NoGrad, NoGrad) + use<T, R, C>,
    ) {
        let y = self.columns(j, n).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.columns(j, n) => dM.columns(j, n) += dY
        let pullback = move |g: OMatrix<T, R, Dyn>| {
            if g.is_empty() {
                return (None, NoGrad, NoGrad);
            }
            let mut d = OMatrix::zeros_generic(r, c);
            d.columns_mut(j, n).copy_from(&g);
            (Some(d), NoGrad, NoGrad)
        };
        (y, pullback)
    }
    fn __differentiable_tangent_columns(
        &self,
        j: usize,
        n: usize,
        t_self: impl TangentArg<Self>,
        _t_j: impl NoTangentArg,
        _t_n: impl NoTangentArg,
    ) -> (OMatrix<T, R, Dyn>, OMatrix<T, R, Dyn>) {
        let y = self.columns(j, n).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.columns(j, n).into_owned())
    }
}
