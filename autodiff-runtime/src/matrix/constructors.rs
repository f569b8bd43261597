//! Derivative companions of nalgebra matrix constructors, one trait per shape family (nalgebra's
//! constructors take different arities per family, so each trait is implemented for one family
//! only and `Type::__NAME_derivative_HASH(..)` resolves unambiguously).

use nalgebra::allocator::Allocator;
use nalgebra::{Const, DefaultAllocator, Dim, Dyn, OMatrix, U1};

use super::MatrixScalar;
use crate::__private::{NoGrad, NoTangentArg, TangentArg};
use crate::differentiable::Differentiable;

/// `Y = from_element(x) => dx += Σ dY`
fn element_pullback<T: MatrixScalar, R: Dim, C: Dim>() -> impl Fn(OMatrix<T, R, C>) -> Option<T>
where
    DefaultAllocator: Allocator<R, C>,
{
    |g| if g.is_empty() { None } else { Some(g.sum()) }
}

/// `Y = from_column_slice(v) => dv[k] += dY[k]` (column-major order)
fn column_major_pullback<T: MatrixScalar, R: Dim, C: Dim>()
-> impl Fn(OMatrix<T, R, C>) -> Option<Vec<T>>
where
    DefaultAllocator: Allocator<R, C>,
{
    |g| {
        if g.is_empty() {
            None
        } else {
            Some(g.as_slice().to_vec())
        }
    }
}

/// `Y = from_row_slice(v) => dv[i*ncols + j] += dY[(i, j)]` (row-major order)
fn row_major_pullback<T: MatrixScalar, R: Dim, C: Dim>()
-> impl Fn(OMatrix<T, R, C>) -> Option<Vec<T>>
where
    DefaultAllocator: Allocator<R, C>,
{
    |g| {
        if g.is_empty() {
            return None;
        }
        let (r, c) = g.shape();
        let mut v = Vec::with_capacity(r * c);
        for i in 0..r {
            for j in 0..c {
                v.push(g[(i, j)]);
            }
        }
        Some(v)
    }
}

/// The tangent of a slice-like argument (a `Vec`, an array or a slice), as a slice.
fn slice_tangent<T, D>(t: impl TangentArg<D::Tangent>, data: &D) -> D::Tangent
where
    D: Differentiable + AsRef<[T]> + ?Sized,
{
    t.tangent_or_zero(data)
}

/// Derivative companions of the constructors of fully dynamic matrices (`DMatrix`).
///
/// Makes `DMatrix::from_element(r, c, x)`, `DMatrix::from_row_slice(r, c, &v)`,
/// `DMatrix::from_column_slice(r, c, &v)` and `DMatrix::from_vec(r, c, v)` differentiable in `x`
/// and `v` (the dimensions are not differentiated). The gradient with respect to `v` is a
/// `Vec<T>` in `v`'s element order (row-major for `from_row_slice`).
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::matrix::prelude::*;
/// use autodiff::nalgebra::DMatrix;
///
/// #[differentiable]
/// fn f(v: &[f64], s: f64) -> f64 {
///     let m = DMatrix::from_row_slice(2, 2, v);
///     let n = DMatrix::from_element(2, 2, s);
///     (&m * &n).trace()
/// }
///
/// // tr(M·sJ) = s·Σ M, so ∂/∂v = [s; 4] and ∂/∂s = Σ v.
/// let (y, (dv, ds)) = f_grad(&[1.0, 2.0, 3.0, 4.0], 0.5);
/// assert!((y - 5.0).abs() < 1e-12);
/// assert!(dv.iter().all(|d| (d - 0.5).abs() < 1e-12));
/// assert!((ds - 10.0).abs() < 1e-12);
/// ```
#[allow(clippy::type_complexity)] // `(value, impl Fn(cotangent) -> slots)`, spelled out
pub trait DMatrixConstructors: Sized {
    /// The element type.
    type Elem;

    /// `DMatrix::from_element(nrows, ncols, elem)`, with its pullback.
    fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
        nrows: usize,
        ncols: usize,
        elem: Self::Elem,
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Self::Elem>) + use<Self>,
    );
    /// `DMatrix::from_element(nrows, ncols, elem)`, with its tangent.
    fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
        nrows: usize,
        ncols: usize,
        elem: Self::Elem,
        t_nrows: impl NoTangentArg,
        t_ncols: impl NoTangentArg,
        t_elem: impl TangentArg<Self::Elem>,
    ) -> (Self, Self);

    /// `DMatrix::from_row_slice(nrows, ncols, data)`, with its pullback (row-major gradient).
    fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        nrows: usize,
        ncols: usize,
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<Self::Elem>>) + use<Self>,
    );
    /// `DMatrix::from_row_slice(nrows, ncols, data)`, with its tangent.
    fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
        nrows: usize,
        ncols: usize,
        data: &D,
        t_nrows: impl NoTangentArg,
        t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `DMatrix::from_column_slice(nrows, ncols, data)`, with its pullback.
    fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        nrows: usize,
        ncols: usize,
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<Self::Elem>>) + use<Self>,
    );
    /// `DMatrix::from_column_slice(nrows, ncols, data)`, with its tangent.
    fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
        nrows: usize,
        ncols: usize,
        data: &D,
        t_nrows: impl NoTangentArg,
        t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `DMatrix::from_vec(nrows, ncols, data)` (column-major), with its pullback.
    fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
        nrows: usize,
        ncols: usize,
        data: Vec<Self::Elem>,
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<Self::Elem>>) + use<Self>,
    );
    /// `DMatrix::from_vec(nrows, ncols, data)`, with its tangent.
    fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
        nrows: usize,
        ncols: usize,
        data: Vec<Self::Elem>,
        t_nrows: impl NoTangentArg,
        t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<Vec<Self::Elem>>,
    ) -> (Self, Self);
}

#[allow(clippy::type_complexity)]
impl<T: MatrixScalar> DMatrixConstructors for OMatrix<T, Dyn, Dyn> {
    type Elem = T;

    fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
        nrows: usize,
        ncols: usize,
        elem: T,
    ) -> (Self, impl Fn(Self) -> (NoGrad, NoGrad, Option<T>) + use<T>) {
        let pb = element_pullback();
        (Self::from_element(nrows, ncols, elem), move |g| {
            (NoGrad, NoGrad, pb(g))
        })
    }
    fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
        nrows: usize,
        ncols: usize,
        elem: T,
        _t_nrows: impl NoTangentArg,
        _t_ncols: impl NoTangentArg,
        t_elem: impl TangentArg<T>,
    ) -> (Self, Self) {
        let y = Self::from_element(nrows, ncols, elem);
        let t = t_elem.tangent_or_zero(&elem);
        (y, Self::from_element(nrows, ncols, t))
    }

    fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        nrows: usize,
        ncols: usize,
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<T>>) + use<T>,
    ) {
        let pb = row_major_pullback();
        (Self::from_row_slice(nrows, ncols, data), move |g| {
            (NoGrad, NoGrad, pb(g))
        })
    }
    fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
        nrows: usize,
        ncols: usize,
        data: &D,
        _t_nrows: impl NoTangentArg,
        _t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[T]> + ?Sized,
        D::Tangent: AsRef<[T]>,
    {
        let y = Self::from_row_slice(nrows, ncols, data.as_ref());
        let t = slice_tangent(t_data, data);
        (y, Self::from_row_slice(nrows, ncols, t.as_ref()))
    }

    fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        nrows: usize,
        ncols: usize,
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<T>>) + use<T>,
    ) {
        let pb = column_major_pullback();
        (Self::from_column_slice(nrows, ncols, data), move |g| {
            (NoGrad, NoGrad, pb(g))
        })
    }
    fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
        nrows: usize,
        ncols: usize,
        data: &D,
        _t_nrows: impl NoTangentArg,
        _t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[T]> + ?Sized,
        D::Tangent: AsRef<[T]>,
    {
        let y = Self::from_column_slice(nrows, ncols, data.as_ref());
        let t = slice_tangent(t_data, data);
        (y, Self::from_column_slice(nrows, ncols, t.as_ref()))
    }

    fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
        nrows: usize,
        ncols: usize,
        data: Vec<T>,
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, NoGrad, Option<Vec<T>>) + use<T>,
    ) {
        let pb = column_major_pullback();
        (Self::from_vec(nrows, ncols, data), move |g| {
            (NoGrad, NoGrad, pb(g))
        })
    }
    fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
        nrows: usize,
        ncols: usize,
        data: Vec<T>,
        _t_nrows: impl NoTangentArg,
        _t_ncols: impl NoTangentArg,
        t_data: impl TangentArg<Vec<T>>,
    ) -> (Self, Self) {
        let t = t_data.tangent_or_zero(&data);
        let y = Self::from_vec(nrows, ncols, data);
        (y, Self::from_vec(nrows, ncols, t))
    }
}

/// Derivative companions of the constructors of dynamic vectors (`DVector`, `RowDVector`).
///
/// Makes `DVector::from_element(n, x)`, `DVector::from_row_slice(&v)`,
/// `DVector::from_column_slice(&v)` and `DVector::from_vec(v)` (and the same for `RowDVector`)
/// differentiable in `x` and `v`. The gradient with respect to `v` is a `Vec<T>` in `v`'s order.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::matrix::prelude::*;
/// use autodiff::nalgebra::DVector;
///
/// #[differentiable]
/// fn f(v: &[f64]) -> f64 {
///     let x = DVector::from_column_slice(v);
///     x.dot(&x)
/// }
///
/// let (_, g) = f_grad(&[1.0, -2.0, 3.0]);
/// assert_eq!(g.len(), 3);
/// assert!((g[0] - 2.0).abs() < 1e-12 && (g[1] + 4.0).abs() < 1e-12 && (g[2] - 6.0).abs() < 1e-12);
/// ```
#[allow(clippy::type_complexity)] // `(value, impl Fn(cotangent) -> slots)`, spelled out
pub trait DVectorConstructors: Sized {
    /// The element type.
    type Elem;

    /// `from_element(n, elem)`, with its pullback.
    fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
        n: usize,
        elem: Self::Elem,
    ) -> (
        Self,
        impl Fn(Self) -> (NoGrad, Option<Self::Elem>) + use<Self>,
    );
    /// `from_element(n, elem)`, with its tangent.
    fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
        n: usize,
        elem: Self::Elem,
        t_n: impl NoTangentArg,
        t_elem: impl TangentArg<Self::Elem>,
    ) -> (Self, Self);

    /// `from_row_slice(data)`, with its pullback.
    fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_row_slice(data)`, with its tangent.
    fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `from_column_slice(data)`, with its pullback.
    fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_column_slice(data)`, with its tangent.
    fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `from_vec(data)`, with its pullback.
    fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
        data: Vec<Self::Elem>,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_vec(data)`, with its tangent.
    fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
        data: Vec<Self::Elem>,
        t_data: impl TangentArg<Vec<Self::Elem>>,
    ) -> (Self, Self);
}

macro_rules! dvector_constructors {
    ($($ty:ty),*) => {$(
        #[allow(clippy::type_complexity)]
        impl<T: MatrixScalar> DVectorConstructors for $ty {
            type Elem = T;

            fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
                n: usize,
                elem: T,
            ) -> (Self, impl Fn(Self) -> (NoGrad, Option<T>) + use<T>) {
                let pb = element_pullback();
                (Self::from_element(n, elem), move |g| (NoGrad, pb(g)))
            }
            fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
                n: usize,
                elem: T,
                _t_n: impl NoTangentArg,
                t_elem: impl TangentArg<T>,
            ) -> (Self, Self) {
                let y = Self::from_element(n, elem);
                let t = t_elem.tangent_or_zero(&elem);
                (y, Self::from_element(n, t))
            }

            fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
                data: &[Self::Elem],
            ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T>) {
                // A vector's row-major and column-major orders coincide.
                let pb = column_major_pullback();
                (Self::from_row_slice(data), move |g| (pb(g),))
            }
            fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
                data: &D,
                t_data: impl TangentArg<D::Tangent>,
            ) -> (Self, Self)
            where
                D: Differentiable + AsRef<[T]> + ?Sized,
                D::Tangent: AsRef<[T]>,
            {
                let y = Self::from_row_slice(data.as_ref());
                let t = slice_tangent(t_data, data);
                (y, Self::from_row_slice(t.as_ref()))
            }

            fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
                data: &[Self::Elem],
            ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T>) {
                let pb = column_major_pullback();
                (Self::from_column_slice(data), move |g| (pb(g),))
            }
            fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
                data: &D,
                t_data: impl TangentArg<D::Tangent>,
            ) -> (Self, Self)
            where
                D: Differentiable + AsRef<[T]> + ?Sized,
                D::Tangent: AsRef<[T]>,
            {
                let y = Self::from_column_slice(data.as_ref());
                let t = slice_tangent(t_data, data);
                (y, Self::from_column_slice(t.as_ref()))
            }

            fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
                data: Vec<T>,
            ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T>) {
                let pb = column_major_pullback();
                (Self::from_vec(data), move |g| (pb(g),))
            }
            fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
                data: Vec<T>,
                t_data: impl TangentArg<Vec<T>>,
            ) -> (Self, Self) {
                let t = t_data.tangent_or_zero(&data);
                let y = Self::from_vec(data);
                (y, Self::from_vec(t))
            }
        }
    )*};
}
dvector_constructors!(OMatrix<T, Dyn, U1>, OMatrix<T, U1, Dyn>);

/// Derivative companions of the constructors of statically sized matrices and vectors
/// (`SMatrix`, `SVector`, `Matrix3`, `Vector2`, ...).
///
/// Makes `SMatrix::from_element(x)`, `SMatrix::from_row_slice(&v)`,
/// `SMatrix::from_column_slice(&v)` and `SMatrix::from_vec(v)` differentiable in `x` and `v`.
/// The gradient with respect to `v` is a `Vec<T>` in `v`'s element order (row-major for
/// `from_row_slice`).
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::matrix::prelude::*;
/// use autodiff::nalgebra::Matrix2;
///
/// #[differentiable]
/// fn det_like(v: &[f64]) -> f64 {
///     let m = Matrix2::from_row_slice(v);
///     m[(0, 0)] * m[(1, 1)] - m[(0, 1)] * m[(1, 0)]
/// }
///
/// let (y, g) = det_like_grad(&[1.0, 2.0, 3.0, 4.0]);
/// assert!((y + 2.0).abs() < 1e-12);
/// // row-major, like the slice
/// autodiff::check::assert_slices(&g, &[4.0, -3.0, -2.0, 1.0], autodiff::check::Tolerance::tight());
/// ```
#[allow(clippy::type_complexity)] // `(value, impl Fn(cotangent) -> slots)`, spelled out
pub trait SMatrixConstructors: Sized {
    /// The element type.
    type Elem;

    /// `from_element(elem)`, with its pullback.
    fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
        elem: Self::Elem,
    ) -> (Self, impl Fn(Self) -> (Option<Self::Elem>,) + use<Self>);
    /// `from_element(elem)`, with its tangent.
    fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
        elem: Self::Elem,
        t_elem: impl TangentArg<Self::Elem>,
    ) -> (Self, Self);

    /// `from_row_slice(data)`, with its pullback (row-major gradient).
    fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_row_slice(data)`, with its tangent.
    fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `from_column_slice(data)`, with its pullback.
    fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        data: &[Self::Elem],
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_column_slice(data)`, with its tangent.
    fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[Self::Elem]> + ?Sized,
        D::Tangent: AsRef<[Self::Elem]>;

    /// `from_vec(data)` (column-major), with its pullback.
    fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
        data: Vec<Self::Elem>,
    ) -> (
        Self,
        impl Fn(Self) -> (Option<Vec<Self::Elem>>,) + use<Self>,
    );
    /// `from_vec(data)`, with its tangent.
    fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
        data: Vec<Self::Elem>,
        t_data: impl TangentArg<Vec<Self::Elem>>,
    ) -> (Self, Self);
}

#[allow(clippy::type_complexity)]
impl<T: MatrixScalar, const R: usize, const C: usize> SMatrixConstructors
    for OMatrix<T, Const<R>, Const<C>>
{
    type Elem = T;

    fn __from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(
        elem: T,
    ) -> (Self, impl Fn(Self) -> (Option<T>,) + use<T, R, C>) {
        let pb = element_pullback();
        (Self::from_element(elem), move |g| (pb(g),))
    }
    fn __from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
        elem: T,
        t_elem: impl TangentArg<T>,
    ) -> (Self, Self) {
        let y = Self::from_element(elem);
        let t = t_elem.tangent_or_zero(&elem);
        (y, Self::from_element(t))
    }

    fn __from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        data: &[Self::Elem],
    ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T, R, C>) {
        let pb = row_major_pullback();
        (Self::from_row_slice(data), move |g| (pb(g),))
    }
    fn __from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[T]> + ?Sized,
        D::Tangent: AsRef<[T]>,
    {
        let y = Self::from_row_slice(data.as_ref());
        let t = slice_tangent(t_data, data);
        (y, Self::from_row_slice(t.as_ref()))
    }

    fn __from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        data: &[Self::Elem],
    ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T, R, C>) {
        let pb = column_major_pullback();
        (Self::from_column_slice(data), move |g| (pb(g),))
    }
    fn __from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb<D>(
        data: &D,
        t_data: impl TangentArg<D::Tangent>,
    ) -> (Self, Self)
    where
        D: Differentiable + AsRef<[T]> + ?Sized,
        D::Tangent: AsRef<[T]>,
    {
        let y = Self::from_column_slice(data.as_ref());
        let t = slice_tangent(t_data, data);
        (y, Self::from_column_slice(t.as_ref()))
    }

    fn __from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
        data: Vec<T>,
    ) -> (Self, impl Fn(Self) -> (Option<Vec<T>>,) + use<T, R, C>) {
        let pb = column_major_pullback();
        (Self::from_vec(data), move |g| (pb(g),))
    }
    fn __from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
        data: Vec<T>,
        t_data: impl TangentArg<Vec<T>>,
    ) -> (Self, Self) {
        let t = t_data.tangent_or_zero(&data);
        let y = Self::from_vec(data);
        (y, Self::from_vec(t))
    }
}
