//! Derivative companions of nalgebra matrix methods.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, Dyn, OMatrix, U1};

use super::{BlockAdjoint, MatrixScalar, reductions};
use crate::__private::{GradSlot, NoGrad, NoTangentArg, TangentArg};
use crate::real::Real;

/// The derivative companions of nalgebra matrix methods, for owned matrices `OMatrix<T, R, C>`
/// (`DMatrix`, `DVector`, `RowDVector`, `SMatrix`, `SVector`) over `f32`/`f64`.
///
/// Inside a `#[differentiable]` function, `m.NAME(args)` with a differentiable receiver or
/// argument calls the hidden companion `m.__NAME_derivative_HASH(args)` (reverse mode: the value
/// and a pullback from the output cotangent to one gradient slot per receiver and argument) or
/// `m.__NAME_forward_derivative_HASH(args, t_m, t_args..)` (forward mode: the value and its
/// tangent); `scripts/companion_names.py NAME` prints the exact names. These methods are what make the following nalgebra methods differentiable:
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
/// empty matrix); every pullback then returns `None` slots (a block read's slot adds nothing).
///
/// The pullbacks of `row`, `column`, `rows` and `columns` return a [`BlockAdjoint`]: the
/// block's cotangent and its position, which the caller adds into the matrix's adjoint in place
/// (a loop reading one row per trip costs one row per trip in the reverse sweep).
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::matrix::prelude::*;
/// use autodiff::nalgebra::{DMatrix, DVector};
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
    /// The adjoint of one row, added into `Self`'s in place.
    type RowSlot: GradSlot<Self>;
    /// The adjoint of one column, added into `Self`'s in place.
    type ColumnSlot: GradSlot<Self>;
    /// The adjoint of some rows, added into `Self`'s in place.
    type RowsSlot: GradSlot<Self>;
    /// The adjoint of some columns, added into `Self`'s in place.
    type ColumnsSlot: GradSlot<Self>;

    /// `Y = Mᵀ`, with its pullback.
    fn __transpose_derivative_0e2ef31f5c498fed1d0ad70287a617d0(
        &self,
    ) -> (
        Self::Transposed,
        impl Fn(Self::Transposed) -> (Option<Self>,) + use<Self>,
    );
    /// `Y = Mᵀ`, with its tangent `dY = dMᵀ`.
    fn __transpose_forward_derivative_fcc25ac11543f4eb624d3e0957fbddda(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Transposed, Self::Transposed);

    /// `Y = A∘B`, with its pullback.
    fn __component_mul_derivative_4186bd9953091fa094db8f9eb8a3cbc9(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `Y = A∘B`, with its tangent `dY = dA∘B + A∘dB`.
    fn __component_mul_forward_derivative_a8f930e118925412c947a4d6eb2d2397(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self);

    /// `Y = A/B` (elementwise), with its pullback.
    fn __component_div_derivative_f228689925adcc31e48ae49ee6437660(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `Y = A/B` (elementwise), with its tangent `dY = dA/B - A∘dB/B²`.
    fn __component_div_forward_derivative_5d01d7e0ee1bd5d78ee78dd6cac0f0a2(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self);

    /// `y = Σ A∘B`, with its pullback.
    fn __dot_derivative_061790dd5949fa55e166dd9bf16bb8b0(
        &self,
        rhs: &Self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>, Option<Self>) + use<Self>,
    );
    /// `y = Σ A∘B`, with its tangent `dy = Σ dA∘B + Σ A∘dB`.
    fn __dot_forward_derivative_8d222625edeb0c8bf3e816d9640716d2(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = Σ M`, with its pullback.
    fn __sum_derivative_abd6b2ddb77fdda1838e139bbcac66d8(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = Σ M`, with its tangent `dy = Σ dM`.
    fn __sum_forward_derivative_53e1bc265e5ac777722fc8d91a9c8fc2(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = Σ M / n`, with its pullback.
    fn __mean_derivative_a27038e370142473d4ea4436bbbc8fe4(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = Σ M / n`, with its tangent `dy = Σ dM / n`.
    fn __mean_forward_derivative_9ea271bb9eef3ecd024829a08b794bba(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = ‖M‖`, with its pullback.
    fn __norm_derivative_2b183fcaa8dfee90d0d44d4eac82ed3f(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = ‖M‖`, with its tangent `dy = Σ M∘dM / ‖M‖` (`0` at `M = 0`).
    fn __norm_forward_derivative_3500d8c7563b296aeabd9295ad7e2c45(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = ‖M‖²`, with its pullback.
    fn __norm_squared_derivative_877fa68362f7edeeb1ff8102970f70a1(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = ‖M‖²`, with its tangent `dy = 2 Σ M∘dM`.
    fn __norm_squared_forward_derivative_e9c3647f6738a174b453dac84743749b(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = tr M`, with its pullback.
    fn __trace_derivative_9c0de79288a231930477ea858feb81de(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = tr M`, with its tangent `dy = tr dM`.
    fn __trace_forward_derivative_333511804ffacbb5802c2bb6d0b13c64(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = max M`, with its pullback (the first maximal element, column-major, gets it all).
    fn __max_derivative_c8c46fdd365bcaf01ec8069c14663309(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = max M`, with its tangent `dy = dM[k]` at the first maximal element `k`.
    fn __max_forward_derivative_d92d95261872593231713fd98722e33f(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `y = min M`, with its pullback (the first minimal element, column-major, gets it all).
    fn __min_derivative_c8a985dd3645289a1ead189c144f89e7(
        &self,
    ) -> (
        Self::Elem,
        impl Fn(Self::Elem) -> (Option<Self>,) + use<Self>,
    );
    /// `y = min M`, with its tangent `dy = dM[k]` at the first minimal element `k`.
    fn __min_forward_derivative_d9127f26185b6c1831562dd9870bfcf1(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (Self::Elem, Self::Elem);

    /// `Y = M.row(i)` (owned), with its pullback.
    fn __row_derivative_a16c6fddb11a6c428aba569bc050014b(
        &self,
        i: usize,
    ) -> (
        Self::Row,
        impl Fn(Self::Row) -> (Self::RowSlot, NoGrad) + use<Self>,
    );
    /// `Y = M.row(i)` (owned), with its tangent `dY = dM.row(i)`.
    fn __row_forward_derivative_4c7e9d265a8827c079a0d7d91e7b51a5(
        &self,
        i: usize,
        t_self: impl TangentArg<Self>,
        t_i: impl NoTangentArg,
    ) -> (Self::Row, Self::Row);

    /// `Y = M.column(j)` (owned), with its pullback.
    fn __column_derivative_e377aba294954d047ebcc21d5727c137(
        &self,
        j: usize,
    ) -> (
        Self::Column,
        impl Fn(Self::Column) -> (Self::ColumnSlot, NoGrad) + use<Self>,
    );
    /// `Y = M.column(j)` (owned), with its tangent `dY = dM.column(j)`.
    fn __column_forward_derivative_de02a3630eb70276daa060e0f5653725(
        &self,
        j: usize,
        t_self: impl TangentArg<Self>,
        t_j: impl NoTangentArg,
    ) -> (Self::Column, Self::Column);

    /// `Y = M.rows(i, n)` (owned), with its pullback.
    fn __rows_derivative_65ae46b3efe5d7430aa262a7c7f21228(
        &self,
        i: usize,
        n: usize,
    ) -> (
        Self::Rows,
        impl Fn(Self::Rows) -> (Self::RowsSlot, NoGrad, NoGrad) + use<Self>,
    );
    /// `Y = M.rows(i, n)` (owned), with its tangent `dY = dM.rows(i, n)`.
    fn __rows_forward_derivative_834cbb2bd55b752927a09beecb8c0ea2(
        &self,
        i: usize,
        n: usize,
        t_self: impl TangentArg<Self>,
        t_i: impl NoTangentArg,
        t_n: impl NoTangentArg,
    ) -> (Self::Rows, Self::Rows);

    /// `Y = M.columns(j, n)` (owned), with its pullback.
    fn __columns_derivative_19a61c4279b2a135827f1bdb188d668c(
        &self,
        j: usize,
        n: usize,
    ) -> (
        Self::Columns,
        impl Fn(Self::Columns) -> (Self::ColumnsSlot, NoGrad, NoGrad) + use<Self>,
    );
    /// `Y = M.columns(j, n)` (owned), with its tangent `dY = dM.columns(j, n)`.
    fn __columns_forward_derivative_f57da65200f86e7fe3bbf440fafd0722(
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
    type RowSlot = BlockAdjoint<T, R, C, U1, C>;
    type ColumnSlot = BlockAdjoint<T, R, C, R, U1>;
    type RowsSlot = BlockAdjoint<T, R, C, Dyn, C>;
    type ColumnsSlot = BlockAdjoint<T, R, C, R, Dyn>;

    fn __transpose_derivative_0e2ef31f5c498fed1d0ad70287a617d0(
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
    fn __transpose_forward_derivative_fcc25ac11543f4eb624d3e0957fbddda(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (OMatrix<T, C, R>, OMatrix<T, C, R>) {
        let y = self.transpose();
        let t = t_self.tangent_or_zero(self);
        (y, t.transpose())
    }

    #[track_caller]
    fn __component_mul_derivative_4186bd9953091fa094db8f9eb8a3cbc9(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<T, R, C>,
    ) {
        super::shape_check::same_shape("component_mul", self, rhs);
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
    #[track_caller]
    fn __component_mul_forward_derivative_a8f930e118925412c947a4d6eb2d2397(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self) {
        super::shape_check::same_shape("component_mul", self, rhs);
        let y = self.component_mul(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        (y, ta.component_mul(rhs) + self.component_mul(&tb))
    }

    #[track_caller]
    fn __component_div_derivative_f228689925adcc31e48ae49ee6437660(
        &self,
        rhs: &Self,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Self>, Option<Self>) + use<T, R, C>,
    ) {
        super::shape_check::same_shape("component_div", self, rhs);
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
    #[track_caller]
    fn __component_div_forward_derivative_5d01d7e0ee1bd5d78ee78dd6cac0f0a2(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (Self, Self) {
        super::shape_check::same_shape("component_div", self, rhs);
        let y = self.component_div(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        // dY = dA/B - Y∘dB/B
        let t = (ta - y.component_mul(&tb)).component_div(rhs);
        (y, t)
    }

    #[track_caller]
    fn __dot_derivative_061790dd5949fa55e166dd9bf16bb8b0(
        &self,
        rhs: &Self,
    ) -> (T, impl Fn(T) -> (Option<Self>, Option<Self>) + use<T, R, C>) {
        super::shape_check::same_shape("dot", self, rhs);
        let y = self.dot(rhs);
        let (a, b) = (self.clone(), rhs.clone());
        // y = Σ A∘B => dA += dy·B, dB += dy·A
        let pullback = move |g: T| (Some(&b * g), Some(&a * g));
        (y, pullback)
    }
    #[track_caller]
    fn __dot_forward_derivative_8d222625edeb0c8bf3e816d9640716d2(
        &self,
        rhs: &Self,
        t_self: impl TangentArg<Self>,
        t_rhs: impl TangentArg<Self>,
    ) -> (T, T) {
        super::shape_check::same_shape("dot", self, rhs);
        let y = self.dot(rhs);
        let (ta, tb) = (t_self.tangent_or_zero(self), t_rhs.tangent_or_zero(rhs));
        (y, ta.dot(rhs) + self.dot(&tb))
    }

    fn __sum_derivative_abd6b2ddb77fdda1838e139bbcac66d8(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let (r, c) = self.shape_generic();
        // y = Σ M => dM += dy (every element)
        let pullback = move |g: T| (Some(OMatrix::from_element_generic(r, c, g)),);
        (self.sum(), pullback)
    }
    fn __sum_forward_derivative_53e1bc265e5ac777722fc8d91a9c8fc2(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        (self.sum(), t_self.tangent_or_zero(self).sum())
    }

    fn __mean_derivative_a27038e370142473d4ea4436bbbc8fe4(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
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
        (reductions::mean(self), pullback)
    }
    fn __mean_forward_derivative_9ea271bb9eef3ecd024829a08b794bba(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        (
            reductions::mean(self),
            reductions::mean(&t_self.tangent_or_zero(self)),
        )
    }

    fn __norm_derivative_2b183fcaa8dfee90d0d44d4eac82ed3f(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = reductions::norm(self);
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
    fn __norm_forward_derivative_3500d8c7563b296aeabd9295ad7e2c45(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        let y = reductions::norm(self);
        let t = t_self.tangent_or_zero(self);
        if y == <T as Real>::zero() {
            (y, <T as Real>::zero())
        } else {
            (y, self.dot(&t) / y)
        }
    }

    fn __norm_squared_derivative_877fa68362f7edeeb1ff8102970f70a1(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let a = self.clone();
        // y = ‖M‖² => dM += 2·dy·M
        let pullback = move |g: T| (Some(&a * (g + g)),);
        (reductions::norm_squared(self), pullback)
    }
    fn __norm_squared_forward_derivative_e9c3647f6738a174b453dac84743749b(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        let t = t_self.tangent_or_zero(self);
        let d = self.dot(&t);
        (reductions::norm_squared(self), d + d)
    }

    fn __trace_derivative_9c0de79288a231930477ea858feb81de(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = trace(self);
        let (r, c) = self.shape_generic();
        // y = tr M => dM += dy·I
        let pullback = move |g: T| (Some(OMatrix::from_diagonal_element_generic(r, c, g)),);
        (y, pullback)
    }
    fn __trace_forward_derivative_333511804ffacbb5802c2bb6d0b13c64(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        let y = trace(self);
        (y, trace(&t_self.tangent_or_zero(self)))
    }

    fn __max_derivative_c8c46fdd365bcaf01ec8069c14663309(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = reductions::max(self);
        let (r, c) = self.shape_generic();
        let k = first_equal(self, y);
        // y = max M => dM[k] += dy at the first maximal element k
        let pullback = move |g: T| (k.map(|k| one_hot(r, c, k, g)),);
        (y, pullback)
    }
    fn __max_forward_derivative_d92d95261872593231713fd98722e33f(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        let y = reductions::max(self);
        let t = t_self.tangent_or_zero(self);
        (
            y,
            first_equal(self, y).map_or(<T as Real>::zero(), |k| t[k]),
        )
    }

    fn __min_derivative_c8a985dd3645289a1ead189c144f89e7(
        &self,
    ) -> (T, impl Fn(T) -> (Option<Self>,) + use<T, R, C>) {
        let y = reductions::min(self);
        let (r, c) = self.shape_generic();
        let k = first_equal(self, y);
        // y = min M => dM[k] += dy at the first minimal element k
        let pullback = move |g: T| (k.map(|k| one_hot(r, c, k, g)),);
        (y, pullback)
    }
    fn __min_forward_derivative_d9127f26185b6c1831562dd9870bfcf1(
        &self,
        t_self: impl TangentArg<Self>,
    ) -> (T, T) {
        let y = reductions::min(self);
        let t = t_self.tangent_or_zero(self);
        (
            y,
            first_equal(self, y).map_or(<T as Real>::zero(), |k| t[k]),
        )
    }

    fn __row_derivative_a16c6fddb11a6c428aba569bc050014b(
        &self,
        i: usize,
    ) -> (
        OMatrix<T, U1, C>,
        impl Fn(OMatrix<T, U1, C>) -> (BlockAdjoint<T, R, C, U1, C>, NoGrad) + use<T, R, C>,
    ) {
        let y = self.row(i).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.row(i) => dM.row(i) += dY
        let pullback = move |g: OMatrix<T, U1, C>| (BlockAdjoint::new((r, c), (i, 0), g), NoGrad);
        (y, pullback)
    }
    fn __row_forward_derivative_4c7e9d265a8827c079a0d7d91e7b51a5(
        &self,
        i: usize,
        t_self: impl TangentArg<Self>,
        _t_i: impl NoTangentArg,
    ) -> (OMatrix<T, U1, C>, OMatrix<T, U1, C>) {
        let y = self.row(i).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.row(i).into_owned())
    }

    fn __column_derivative_e377aba294954d047ebcc21d5727c137(
        &self,
        j: usize,
    ) -> (
        OMatrix<T, R, U1>,
        impl Fn(OMatrix<T, R, U1>) -> (BlockAdjoint<T, R, C, R, U1>, NoGrad) + use<T, R, C>,
    ) {
        let y = self.column(j).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.column(j) => dM.column(j) += dY
        let pullback = move |g: OMatrix<T, R, U1>| (BlockAdjoint::new((r, c), (0, j), g), NoGrad);
        (y, pullback)
    }
    fn __column_forward_derivative_de02a3630eb70276daa060e0f5653725(
        &self,
        j: usize,
        t_self: impl TangentArg<Self>,
        _t_j: impl NoTangentArg,
    ) -> (OMatrix<T, R, U1>, OMatrix<T, R, U1>) {
        let y = self.column(j).into_owned();
        let t = t_self.tangent_or_zero(self);
        (y, t.column(j).into_owned())
    }

    fn __rows_derivative_65ae46b3efe5d7430aa262a7c7f21228(
        &self,
        i: usize,
        n: usize,
    ) -> (
        OMatrix<T, Dyn, C>,
        impl Fn(OMatrix<T, Dyn, C>) -> (BlockAdjoint<T, R, C, Dyn, C>, NoGrad, NoGrad) + use<T, R, C>,
    ) {
        let y = self.rows(i, n).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.rows(i, n) => dM.rows(i, n) += dY
        let pullback =
            move |g: OMatrix<T, Dyn, C>| (BlockAdjoint::new((r, c), (i, 0), g), NoGrad, NoGrad);
        (y, pullback)
    }
    fn __rows_forward_derivative_834cbb2bd55b752927a09beecb8c0ea2(
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

    fn __columns_derivative_19a61c4279b2a135827f1bdb188d668c(
        &self,
        j: usize,
        n: usize,
    ) -> (
        OMatrix<T, R, Dyn>,
        impl Fn(OMatrix<T, R, Dyn>) -> (BlockAdjoint<T, R, C, R, Dyn>, NoGrad, NoGrad) + use<T, R, C>,
    ) {
        let y = self.columns(j, n).into_owned();
        let (r, c) = self.shape_generic();
        // Y = M.columns(j, n) => dM.columns(j, n) += dY
        let pullback =
            move |g: OMatrix<T, R, Dyn>| (BlockAdjoint::new((r, c), (0, j), g), NoGrad, NoGrad);
        (y, pullback)
    }
    fn __columns_forward_derivative_f57da65200f86e7fe3bbf440fafd0722(
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
