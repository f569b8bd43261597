//! Parameter containers: visiting every parameter of a model (for optimizers).
//!
//! [`Parameters<T>`] walks the scalars of type `T` a value holds as a sequence of contiguous
//! slices, in a fixed order. Everything an optimizer needs is built on that walk: counting
//! ([`num_params`](Parameters::num_params)), scaling, `self += a·other`
//! ([`add_scaled`](Parameters::add_scaled), one SGD step is `model.add_scaled(-lr, &grad)`),
//! and flattening to and from a `Vec<T>` ([`to_flat_vec`](Parameters::to_flat_vec),
//! [`copy_from_flat`](Parameters::copy_from_flat)).
//!
//! It is implemented for `f32` and `f64` (one parameter each), `Vec<X>` and `[X; N]` of parameter
//! containers, nalgebra's owned matrices (`DMatrix<T>`, `DVector<T>`, `SMatrix<T, R, C>`, ...; their
//! column-major storage is one slice), and every struct with `#[derive(Differentiable)]` (its fields
//! in declaration order, skipping `#[no_grad]` ones).
//!
//! ```
//! use autodiff::check::{Tolerance, assert_slices};
//! use autodiff::prelude::*; // brings `Parameters` too
//!
//! #[derive(Differentiable, Clone, Debug, PartialEq)]
//! struct Line {
//!     slope: f64,
//!     offset: f64,
//! }
//!
//! impl Line {
//!     /// Differentiated with respect to `self` only.
//!     #[differentiable]
//!     fn loss(&self, #[no_grad] x: f64, #[no_grad] y: f64) -> f64 {
//!         let e = self.slope * x + self.offset - y;
//!         e * e
//!     }
//! }
//!
//! let mut line = Line { slope: 0.0, offset: 0.0 };
//! let before = line.loss(2.0, 5.0);
//! let (_, grad) = line.loss_grad(2.0, 5.0); // a `Line` of partial derivatives
//! assert_slices(&[grad.slope, grad.offset], &[-20.0, -10.0], Tolerance::tight());
//! line.add_scaled(-0.01, &grad); // one SGD step
//! assert!(line.loss(2.0, 5.0) < before);
//! assert_eq!(line.num_params(), 2);
//! assert_slices(&line.to_flat_vec(), &[0.2, 0.1], Tolerance::tight());
//! ```

use core::ops::{Add, Mul};

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix, Scalar};

/// A container of parameters of scalar type `T`, visited as contiguous slices in a fixed order.
///
/// Implementors write [`visit`](Parameters::visit) and [`visit_mut`](Parameters::visit_mut); both
/// must present the same slices in the same order. Two values of the same shape (a model and its
/// gradient) are visited in lockstep by [`add_scaled`](Parameters::add_scaled).
///
/// `#[derive(Differentiable)]` implements it for a struct by visiting its fields in declaration
/// order and skipping `#[no_grad]` ones.
///
/// The flattening methods are named [`to_flat_vec`](Parameters::to_flat_vec) and
/// [`copy_from_flat`](Parameters::copy_from_flat), not `to_vec`/`copy_from_slice`: the trait is in
/// `autodiff::prelude`, and methods with the standard names would take precedence over `Vec`'s
/// and arrays' own for `Vec<DMatrix<f64>>` or `[[f64; 2]; 2]` (returning a flat `Vec<f64>` instead
/// of a clone).
///
/// ```
/// use autodiff::check::{Tolerance, assert_close, assert_slices};
/// use autodiff::nalgebra::DMatrix;
/// use autodiff::Parameters;
///
/// let mut w = vec![DMatrix::from_element(2, 2, 1.0), DMatrix::from_element(1, 3, 2.0)];
/// assert_eq!(w.num_params(), 7);
///
/// let g = vec![DMatrix::from_element(2, 2, 0.5), DMatrix::from_element(1, 3, 1.0)];
/// w.add_scaled(-2.0, &g); // w -= 2·g
/// assert_slices(&w.to_flat_vec(), &[0.0; 7], Tolerance::tight());
///
/// w.copy_from_flat(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
/// assert_eq!(w[0].shape(), (2, 2));
/// assert_slices(w[0].as_slice(), &[1.0, 2.0, 3.0, 4.0], Tolerance::tight());
/// w.scale(10.0);
/// assert_close(w[1][(0, 2)], 70.0, Tolerance::tight());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a container of float parameters",
    label = "`{Self}` does not implement `Parameters`",
    note = "parameters are `f32` or `f64` values: scalars, arrays, `Vec`s, slices, tuples and \
            nalgebra matrices of them, and `#[derive(Differentiable)]` structs; convert integers \
            to a float type first"
)]
pub trait Parameters<T> {
    /// Calls `f` on each contiguous run of parameters, in order.
    ///
    /// Each slice is lent to `f` for the duration of that call only, so a container that keeps its
    /// values behind a `RefCell` (borrowed inside `visit`) can implement the trait. To keep the
    /// values, copy them out (as [`to_flat_vec`](Parameters::to_flat_vec) does).
    fn visit(&self, f: &mut dyn FnMut(&[T]));

    /// Calls `f` on each contiguous run of parameters, mutably, in the same order as
    /// [`visit`](Parameters::visit).
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T]));

    /// Calls `f(rows, cols)` for each contiguous run, in the order of
    /// [`visit`](Parameters::visit): a matrix's own dimensions, `(len, 1)` for any other run.
    /// The optimizers compare them, so that a 3×2 gradient is refused for a 2×3 matrix (the
    /// runs' lengths alone agree). Containers pass it on to their elements.
    ///
    /// ```
    /// use autodiff::nalgebra::DMatrix;
    /// use autodiff::Parameters;
    ///
    /// let p = (DMatrix::<f64>::zeros(2, 3), [1.0f64; 2]);
    /// let mut dims = Vec::new();
    /// p.visit_dims(&mut |r, c| dims.push((r, c)));
    /// assert_eq!(dims, [(2, 3), (1, 1), (1, 1)]);
    /// ```
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        self.visit(&mut |s| f(s.len(), 1));
    }

    /// The number of scalar parameters.
    ///
    /// ```
    /// use autodiff::Parameters;
    /// assert_eq!([[1.0f32; 3]; 2].num_params(), 6);
    /// ```
    fn num_params(&self) -> usize {
        let mut n = 0;
        self.visit(&mut |s| n += s.len());
        n
    }

    /// `self *= a`, every parameter.
    ///
    /// ```
    /// use autodiff::check::{Tolerance, assert_slices};
    /// use autodiff::Parameters;
    /// let mut v = vec![1.0, -2.0];
    /// v.scale(3.0);
    /// assert_slices(&v, &[3.0, -6.0], Tolerance::tight());
    /// ```
    fn scale(&mut self, a: T)
    where
        T: Copy + Mul<Output = T>,
    {
        self.visit_mut(&mut |s| {
            for x in s {
                *x = *x * a;
            }
        });
    }

    /// `self += a·other`, parameter by parameter (`model.add_scaled(-lr, &grad)` is an SGD step).
    ///
    /// # Panics
    ///
    /// If `other` holds a different number of parameters than `self` (checked before anything is
    /// modified).
    ///
    /// ```
    /// use autodiff::check::{Tolerance, assert_slices};
    /// use autodiff::Parameters;
    /// let mut w = [1.0, 2.0, 3.0];
    /// w.add_scaled(0.5, &[2.0, 2.0, 2.0]);
    /// assert_slices(&w, &[2.0, 3.0, 4.0], Tolerance::tight());
    /// ```
    fn add_scaled(&mut self, a: T, other: &Self)
    where
        T: Copy + Mul<Output = T> + Add<Output = T>,
    {
        // `other`'s slices live only inside its visit, so walk a flat copy of it: this is
        // independent of how either side is chunked.
        let theirs = other.to_flat_vec();
        let ours = self.num_params();
        assert_eq!(
            ours,
            theirs.len(),
            "add_scaled: `self` has {ours} parameters but `other` has {}",
            theirs.len()
        );
        let mut src = theirs.into_iter();
        self.visit_mut(&mut |s| {
            for x in s {
                let o = src.next().expect("counts checked above");
                *x = *x + a * o;
            }
        });
    }

    /// The parameters, flattened in visit order.
    ///
    /// ```
    /// use autodiff::check::{Tolerance, assert_slices};
    /// use autodiff::Parameters;
    /// let flat = vec![[1.0, 2.0], [3.0, 4.0]].to_flat_vec();
    /// assert_slices(&flat, &[1.0, 2.0, 3.0, 4.0], Tolerance::new(0.0, 0.0)); // copied, not computed
    /// ```
    fn to_flat_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        let mut out = Vec::with_capacity(self.num_params());
        self.visit(&mut |s| out.extend_from_slice(s));
        out
    }

    /// Overwrites the parameters from a flat slice in visit order (the inverse of
    /// [`to_flat_vec`](Parameters::to_flat_vec)).
    ///
    /// # Panics
    ///
    /// If `src.len()` differs from [`num_params`](Parameters::num_params) (checked before anything
    /// is modified).
    ///
    /// ```
    /// use autodiff::check::{Tolerance, assert_slices};
    /// use autodiff::Parameters;
    /// let mut p = (vec![0.0; 2], 0.0);
    /// p.0.copy_from_flat(&[1.0, 2.0]);
    /// p.1.copy_from_flat(&[3.0]);
    /// assert_slices(&p.to_flat_vec(), &[1.0, 2.0, 3.0], Tolerance::new(0.0, 0.0)); // copied
    /// ```
    fn copy_from_flat(&mut self, src: &[T])
    where
        T: Clone,
    {
        let n = self.num_params();
        assert_eq!(
            n,
            src.len(),
            "copy_from_flat: the container has {n} parameters but the slice has {}",
            src.len()
        );
        let mut at = 0;
        self.visit_mut(&mut |s| {
            let k = s.len();
            s.clone_from_slice(&src[at..at + k]);
            at += k;
        });
    }
}

macro_rules! scalar_parameters {
    ($($t:ty),*) => {$(
        /// One parameter.
        impl Parameters<$t> for $t {
            #[inline]
            fn visit(&self, f: &mut dyn FnMut(&[$t])) {
                f(core::slice::from_ref(self));
            }
            #[inline]
            fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [$t])) {
                f(core::slice::from_mut(self));
            }
            #[inline]
            fn num_params(&self) -> usize {
                1
            }
        }
    )*};
}
scalar_parameters!(f32, f64);

/// The elements' parameters, element by element.
impl<T, X: Parameters<T>> Parameters<T> for Vec<X> {
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        self.as_slice().visit(f);
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        self.as_mut_slice().visit_mut(f);
    }
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        self.as_slice().visit_dims(f);
    }
}

/// The elements' parameters, element by element.
impl<T, X: Parameters<T>> Parameters<T> for [X] {
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        for x in self {
            x.visit(f);
        }
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        for x in self {
            x.visit_mut(f);
        }
    }
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        for x in self {
            x.visit_dims(f);
        }
    }
}

/// The elements' parameters, element by element.
impl<T, X: Parameters<T>, const N: usize> Parameters<T> for [X; N] {
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        self.as_slice().visit(f);
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        self.as_mut_slice().visit_mut(f);
    }
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        self.as_slice().visit_dims(f);
    }
}

/// The whole matrix as one slice, in nalgebra's column-major order.
impl<T: Scalar, R: Dim, C: Dim> Parameters<T> for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    #[inline]
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        f(self.as_slice());
    }
    #[inline]
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        f(self.as_mut_slice());
    }
    #[inline]
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        f(self.nrows(), self.ncols());
    }
    #[inline]
    fn num_params(&self) -> usize {
        self.len()
    }
}

macro_rules! tuple_parameters {
    ($(($($n:tt $t:ident),+)),*) => {$(
        /// The components' parameters, in order.
        impl<T, $($t: Parameters<T>),+> Parameters<T> for ($($t,)+) {
            fn visit(&self, f: &mut dyn FnMut(&[T])) {
                $(self.$n.visit(f);)+
            }
            fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
                $(self.$n.visit_mut(f);)+
            }
            fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
                $(self.$n.visit_dims(f);)+
            }
        }
    )*};
}
tuple_parameters!(
    (0 A),
    (0 A, 1 B),
    (0 A, 1 B, 2 C),
    (0 A, 1 B, 2 C, 3 D),
    (0 A, 1 B, 2 C, 3 D, 4 E),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
);

#[cfg(test)]
mod tests {
    use super::Parameters;
    use crate::check::{Tolerance, assert_close, assert_slices};
    use nalgebra::{DMatrix, DVector, SMatrix};

    /// For values that are copied rather than computed.
    const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
    /// For values computed in `f64`.
    const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);

    #[test]
    fn scalars_are_one_parameter() {
        let mut x = 2.0f64;
        assert_eq!(x.num_params(), 1);
        x.add_scaled(3.0, &1.5);
        assert_close(x, 6.5, TIGHT);
        x.scale(2.0);
        assert_close(x, 13.0, TIGHT);
        assert_slices(&x.to_flat_vec(), &[13.0], TIGHT);
        let mut y = 1.0f32;
        y.copy_from_flat(&[4.0]);
        assert_close(f64::from(y), 4.0, EXACT);
    }

    #[test]
    fn matrices_are_column_major() {
        let m = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_slices(&m.to_flat_vec(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0], EXACT);
        let mut s = SMatrix::<f32, 2, 2>::zeros();
        s.copy_from_flat(&[1.0, 2.0, 3.0, 4.0]);
        assert_close(f64::from(s[(0, 1)]), 3.0, EXACT);
        let v = DVector::from_element(4, 1.0);
        assert_eq!(v.num_params(), 4);
        assert_eq!(DMatrix::<f64>::zeros(0, 3).num_params(), 0);
    }

    #[test]
    fn lockstep_ignores_chunking() {
        // Same count, different chunking: [2x1 matrix, scalar] vs three scalars.
        let mut a = (DMatrix::from_element(2, 1, 1.0), 1.0);
        let b = (vec![1.0, 2.0], 3.0);
        let flat: Vec<f64> = b.to_flat_vec();
        let mut c = a.clone();
        c.copy_from_flat(&flat);
        a.add_scaled(2.0, &c);
        assert_slices(&a.to_flat_vec(), &[3.0, 5.0, 7.0], TIGHT);
    }

    #[test]
    #[should_panic(expected = "add_scaled: `self` has 2 parameters but `other` has 3")]
    fn add_scaled_checks_counts() {
        let mut a = vec![1.0, 2.0];
        a.add_scaled(1.0, &vec![1.0, 2.0, 3.0]);
    }

    #[test]
    #[should_panic(expected = "copy_from_flat: the container has 2 parameters")]
    fn copy_from_flat_checks_length() {
        let mut a = [1.0, 2.0];
        a.copy_from_flat(&[1.0]);
    }

    /// With the trait in scope, `Vec`'s and arrays' own `to_vec`/`copy_from_slice` keep their meaning.
    #[test]
    #[allow(clippy::useless_vec)] // the point is a `Vec`'s own method
    fn standard_methods_are_not_shadowed() {
        let v = vec![DMatrix::<f64>::zeros(2, 2)];
        let cloned: Vec<DMatrix<f64>> = v.to_vec();
        assert_eq!(cloned.len(), 1);
        let mut a = [[1.0, 2.0], [3.0, 4.0]];
        let rows: Vec<[f64; 2]> = a.to_vec();
        assert_eq!(rows.len(), 2);
        a.copy_from_slice(&[[0.0; 2]; 2]);
        assert_slices(&a.to_flat_vec(), &[0.0; 4], EXACT);
    }

    #[test]
    fn nested_containers_visit_in_order() {
        let mut w = vec![[1.0, 2.0], [3.0, 4.0]];
        let mut seen = Vec::new();
        w.visit(&mut |s| seen.extend_from_slice(s));
        assert_slices(&seen, &[1.0, 2.0, 3.0, 4.0], EXACT);
        w.visit_mut(&mut |s| s[0] = 0.0);
        assert_eq!(w.len(), 2);
        assert_slices(&w.to_flat_vec(), &[0.0; 4], EXACT);
    }

    /// A container that keeps its values behind `Rc<RefCell<..>>` (as a tape variable does) can
    /// implement the trait: `visit` lends each slice only while the `RefCell` is borrowed.
    #[test]
    fn refcell_backed_containers_implement_the_trait() {
        use std::cell::RefCell;
        use std::rc::Rc;

        #[derive(Clone)]
        struct Shared(Rc<RefCell<Vec<f64>>>);
        impl Parameters<f64> for Shared {
            fn visit(&self, f: &mut dyn FnMut(&[f64])) {
                f(&self.0.borrow());
            }
            fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [f64])) {
                f(&mut self.0.borrow_mut());
            }
        }

        let mut w = Shared(Rc::new(RefCell::new(vec![1.0, 2.0])));
        let alias = w.0.clone();
        let g = Shared(Rc::new(RefCell::new(vec![0.5, -1.0])));
        assert_eq!(w.num_params(), 2);
        w.add_scaled(-2.0, &g); // [1 - 1, 2 + 2]
        assert_slices(&alias.borrow(), &[0.0, 4.0], TIGHT);
        // Both sides may even be the same cell: `other` is read before `self` is written.
        let same = w.clone();
        w.add_scaled(1.0, &same);
        assert_slices(&w.to_flat_vec(), &[0.0, 8.0], TIGHT);
    }
}
