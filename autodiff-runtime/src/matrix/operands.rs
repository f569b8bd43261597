//! Shape checks of the operators `a + b`, `a - b` and `a * b` in `#[differentiable]` code.
//!
//! nalgebra panics on mismatched operands with "Gemm: dimensions mismatch" or "Matrix
//! addition/subtraction dimensions mismatch." located inside nalgebra. Generated code checks
//! first, spanned at the user's operator, so the panic names both shapes and the line of the
//! `#[differentiable]` function where the operator is written.
//!
//! The macro cannot tell matrices from scalars, so the check is picked by autoref
//! specialization: `(&Operands(&a, &b)).check_mul()` resolves to [`MatrixOperands`] when both
//! operands are nalgebra matrices (or references to them) and to [`AnyOperands`], which does
//! nothing and compiles away, for everything else (floats, generic `T: Real`, a scalar times a
//! matrix).

use nalgebra::{Dim, Matrix, RawStorage};

/// The two operands of a binary operator, borrowed for a shape check.
pub struct Operands<'a, A: ?Sized, B: ?Sized>(pub &'a A, pub &'a B);

/// A value with a run-time matrix shape (rows, columns): nalgebra matrices and references to them.
pub trait HasShape {
    /// (rows, columns).
    fn shape_of(&self) -> (usize, usize);
}

impl<T, R: Dim, C: Dim, S: RawStorage<T, R, C>> HasShape for Matrix<T, R, C, S> {
    fn shape_of(&self) -> (usize, usize) {
        self.shape()
    }
}

impl<M: HasShape + ?Sized> HasShape for &M {
    fn shape_of(&self) -> (usize, usize) {
        (**self).shape_of()
    }
}

impl<M: HasShape + ?Sized> HasShape for &mut M {
    fn shape_of(&self) -> (usize, usize) {
        (**self).shape_of()
    }
}

/// The check for two matrix operands (picked first: its receiver is `&Operands`).
pub trait MatrixOperands {
    /// `a + b` / `a - b` (`expr` is the user's expression, for the message): the shapes must be
    /// equal.
    ///
    /// # Panics
    ///
    /// "`a + b`: the operands' shapes differ: 2×3 and 3×2 (they must be equal)", located at the
    /// user's operator.
    #[track_caller]
    fn check_same(&self, expr: &str);
    /// `a * b` (`expr` as above): the left operand's column count must equal the right
    /// operand's row count.
    ///
    /// # Panics
    ///
    /// "`a * a`: a 2×3 matrix times a 2×3 matrix (the left's 3 columns must equal the right's 2
    /// rows)", located at the user's operator.
    #[track_caller]
    fn check_mul(&self, expr: &str);
}

impl<A: HasShape + ?Sized, B: HasShape + ?Sized> MatrixOperands for Operands<'_, A, B> {
    #[track_caller]
    #[inline]
    fn check_same(&self, expr: &str) {
        let ((r1, c1), (r2, c2)) = (self.0.shape_of(), self.1.shape_of());
        if (r1, c1) != (r2, c2) {
            panic!(
                "`{expr}`: the operands' shapes differ: {r1}×{c1} and {r2}×{c2} (they must be equal)"
            );
        }
    }

    #[track_caller]
    #[inline]
    fn check_mul(&self, expr: &str) {
        let ((r1, c1), (r2, c2)) = (self.0.shape_of(), self.1.shape_of());
        if c1 != r2 {
            panic!(
                "`{expr}`: a {r1}×{c1} matrix times a {r2}×{c2} matrix (the left's {c1} columns must equal the right's {r2} rows)"
            );
        }
    }
}

/// The fallback for every other pair of operands: nothing to check (picked through one more
/// autoref, so only when [`MatrixOperands`] does not apply).
pub trait AnyOperands {
    /// No check.
    #[inline(always)]
    fn check_same(&self, _expr: &str) {}
    /// No check.
    #[inline(always)]
    fn check_mul(&self, _expr: &str) {}
}

impl<A: ?Sized, B: ?Sized> AnyOperands for &Operands<'_, A, B> {}

// The explicit `&Operands(..)` is the autoref specialization under test, written as generated
// code writes it.
#[cfg(test)]
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    fn message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let e = std::panic::catch_unwind(f).expect_err("a panic");
        e.downcast_ref::<String>().cloned().unwrap_or_default()
    }

    #[test]
    fn matrices_are_checked_and_scalars_are_not() {
        let a = DMatrix::<f64>::zeros(2, 3);
        let b = DMatrix::<f64>::zeros(3, 2);
        // Matching shapes pass.
        (&Operands(&a, &b)).check_mul("a * b");
        (&Operands(&a, &a)).check_same("a + a");
        (&Operands(&&a, &DVector::<f64>::zeros(3))).check_mul("a * v");
        // Scalars (and a scalar times a matrix) fall back to no check.
        (&Operands(&1.0_f64, &2.0_f64)).check_mul("x * y");
        (&Operands(&2.0_f32, &a)).check_same("s + a");
        let m = message(|| (&Operands(&a, &a)).check_mul("a * a"));
        assert_eq!(
            m,
            "`a * a`: a 2×3 matrix times a 2×3 matrix (the left's 3 columns must equal the right's 2 rows)"
        );
        let m = message(|| (&Operands(&a, &b)).check_same("a - b"));
        assert_eq!(
            m,
            "`a - b`: the operands' shapes differ: 2×3 and 3×2 (they must be equal)"
        );
    }

    fn generic<T: Copy + std::ops::Mul<Output = T>>(x: T, y: T) -> T {
        // In generic code the fallback is picked: `T` is not known to be a matrix.
        (&Operands(&x, &y)).check_mul("x * y");
        x * y
    }

    #[test]
    fn generic_operands_fall_back() {
        assert!((generic(2.0, 3.0) - 6.0_f64).abs() < 1e-12);
    }
}
