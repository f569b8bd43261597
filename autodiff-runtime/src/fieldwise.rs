//! `+`, `-`, unary `-` and `.sum()` on `#[derive(Differentiable)]` structs.
//!
//! The reverse sweep takes these operators for linear ones: `y = a + b => da += dy, db += dy`,
//! `y = a - b => da += dy, db -= dy`, `y = -a => da -= dy`, with the struct's adjoint (the struct
//! itself) added field by field. That holds when the operator works field by field; a user's own
//! `impl Add for S` may do anything (`y: a.y * b.y`), and the macro cannot see it. So the operator
//! compiles on a derived struct only when [`FieldwiseOps`] says it is field-wise, which only
//! `#[derive(FieldwiseOps)]` implements, together with the operators themselves (a user impl
//! beside it conflicts with it).
//!
//! Generated code probes each operand by autoref ([`OperatorProbe`]): a `Differentiable` value
//! answers [`DerivedOperand`], anything else (integers, `String`s) [`PlainOperand`], and
//! [`fieldwise_operator`] accepts a differentiable operand only if it is [`FieldwiseOps`]: floats,
//! matrices, `Dual`s, `T: Real`, references to these, and structs deriving `FieldwiseOps`. A
//! generic `S: Differentiable` operand needs an `S: FieldwiseOps` bound, so a derived struct with
//! operators of its own cannot come in through a type parameter either. The checks sit after a
//! `break`: they are type-checked and never run.

use std::marker::PhantomData;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use crate::differentiable::Differentiable;

/// Implemented by `#[derive(FieldwiseOps)]`, which also implements `Add`, `Sub`, `Neg`,
/// `AddAssign` and `SubAssign` field by field: the operators `#[differentiable]` may
/// differentiate as linear ones on a derived struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field-wise `+` and `-` that #[differentiable] can differentiate",
    label = "`+`, `-`, unary `-` or `.sum()` on a `{Self}`",
    note = "`#[differentiable]` differentiates these operators as field-wise ones (`y = a + b => da += dy, db += dy`): a `#[derive(Differentiable)]` struct gets them from `#[derive(FieldwiseOps)]` (which replaces your own `impl Add`/`Sub`/`Neg`/`AddAssign`/`SubAssign`); floats, nalgebra matrices and `T: Real` have them; a generic `S: Differentiable` needs the bound `S: autodiff::FieldwiseOps`; otherwise write the operation out field by field (`S {{ x: a.x + b.x, .. }}`)"
)]
pub trait FieldwiseOps {}
impl<T: FieldwiseOps + ?Sized> FieldwiseOps for &T {}
// Fields whose `+`, `-` and unary `-` work entry by entry.
impl FieldwiseOps for f32 {}
impl FieldwiseOps for f64 {}
impl<T, R, C, S> FieldwiseOps for nalgebra::Matrix<T, R, C, S> {}
impl<T: crate::Real> FieldwiseOps for crate::dual::Dual<T> {}
impl<F: FieldwiseOps> FieldwiseOps for Vec<F> {}

/// A field `#[derive(FieldwiseOps)]` can combine, entry by entry: floats, nalgebra matrices
/// (whose shapes must agree, as nalgebra asserts), `Vec`s of these, and structs deriving
/// `FieldwiseOps`.
#[diagnostic::on_unimplemented(
    message = "`#[derive(FieldwiseOps)]` cannot combine a field of type `{Self}` entry by entry",
    label = "a field without field-wise `+` and `-`",
    note = "fields may be floats, nalgebra matrices, `Vec`s of these, or structs deriving `Differentiable` and `FieldwiseOps`"
)]
pub trait FieldArith: FieldwiseOps + Sized {
    /// `self + rhs`.
    fn field_add(self, rhs: Self) -> Self;
    /// `self - rhs`.
    fn field_sub(self, rhs: Self) -> Self;
    /// `-self`.
    fn field_neg(self) -> Self;
    /// `self += rhs`.
    fn field_add_assign(&mut self, rhs: Self);
    /// `self -= rhs`.
    fn field_sub_assign(&mut self, rhs: Self);
}

macro_rules! field_arith_by_ops {
    () => {
        #[inline]
        fn field_add(self, rhs: Self) -> Self {
            self + rhs
        }
        #[inline]
        fn field_sub(self, rhs: Self) -> Self {
            self - rhs
        }
        #[inline]
        fn field_neg(self) -> Self {
            -self
        }
        #[inline]
        fn field_add_assign(&mut self, rhs: Self) {
            *self += rhs;
        }
        #[inline]
        fn field_sub_assign(&mut self, rhs: Self) {
            *self -= rhs;
        }
    };
}
impl FieldArith for f32 {
    field_arith_by_ops!();
}
impl FieldArith for f64 {
    field_arith_by_ops!();
}
impl<T: crate::Real> FieldArith for crate::dual::Dual<T> {
    field_arith_by_ops!();
}
impl<T, R, C, S> FieldArith for nalgebra::Matrix<T, R, C, S>
where
    Self: Add<Output = Self> + Sub<Output = Self> + Neg<Output = Self> + AddAssign + SubAssign,
{
    field_arith_by_ops!();
}

/// Entry by entry. An empty `Vec` reads as zeros (as in adjoints, where a zero `Vec` is empty).
///
/// # Panics
/// If both are non-empty and their lengths differ, with both lengths.
impl<F: FieldArith> FieldArith for Vec<F> {
    fn field_add(mut self, rhs: Self) -> Self {
        self.field_add_assign(rhs);
        self
    }
    fn field_sub(mut self, rhs: Self) -> Self {
        self.field_sub_assign(rhs);
        self
    }
    fn field_neg(self) -> Self {
        self.into_iter().map(F::field_neg).collect()
    }
    fn field_add_assign(&mut self, rhs: Self) {
        // (a + b)ᵢ = aᵢ + bᵢ
        entrywise(self, rhs, "+", |r| r, F::field_add_assign);
    }
    fn field_sub_assign(&mut self, rhs: Self) {
        // (a - b)ᵢ = aᵢ - bᵢ
        entrywise(self, rhs, "-", Vec::field_neg, F::field_sub_assign);
    }
}

/// `a op= b` entry by entry; an empty `a` reads as zeros, so it becomes `empty(b)` (`0 + b`,
/// `0 - b`).
#[track_caller]
fn entrywise<F>(
    a: &mut Vec<F>,
    b: Vec<F>,
    op: &str,
    empty: impl FnOnce(Vec<F>) -> Vec<F>,
    each: impl Fn(&mut F, F),
) {
    if a.is_empty() {
        *a = empty(b);
        return;
    }
    same_len(a.len(), b.len(), op);
    for (x, y) in a.iter_mut().zip(b) {
        each(x, y);
    }
}

#[track_caller]
fn same_len(a: usize, b: usize, op: &str) {
    if b != 0 && a != b {
        panic!(
            "`{op}` of two structs: a `Vec` field has {a} entries on the left and {b} on the right"
        );
    }
}

/// An operand of `+`, `-` or unary `-` in a `#[differentiable]` function, probed by autoref.
pub struct OperatorProbe<'a, T: ?Sized>(pub &'a T);

/// What the probe answers for a differentiable `T`.
pub struct DerivedOperand<T>(PhantomData<fn(T)>);
/// What the probe answers for any other operand (floats, matrices, `Dual`s).
pub struct PlainOperand;

/// A differentiable value as an operand: a derived struct, a float, a matrix, a `Dual`, a
/// reference to one, or a value of a generic type bounded by `Differentiable` (whose operators
/// must then be bounded by [`FieldwiseOps`] too, so a derived struct with operators of its own
/// cannot come in through it).
pub trait OperandOnDerived<T> {
    /// The answer.
    fn operand_kind(&self) -> DerivedOperand<T> {
        DerivedOperand(PhantomData)
    }
}
impl<T: Differentiable> OperandOnDerived<T> for OperatorProbe<'_, T> {}

/// Any other operand (integers, `String`s, types without a derivative).
pub trait OperandOnOther {
    /// The answer.
    fn operand_kind(&self) -> PlainOperand {
        PlainOperand
    }
}
impl<T: ?Sized> OperandOnOther for &OperatorProbe<'_, T> {}

/// The operands `#[differentiable]` may take `+`, `-` and unary `-` on as linear operators.
pub trait FieldwiseOperand {}
impl FieldwiseOperand for PlainOperand {}
impl<T: FieldwiseOps> FieldwiseOperand for DerivedOperand<T> {}

/// Compiles only for a slice of [`FieldwiseOps`] elements: `v.iter().sum()`, whose reverse sweep
/// gives every element the sum's adjoint (`y = Σ xᵢ => dxᵢ += dy`).
#[inline(always)]
pub fn fieldwise_elements<T: FieldwiseOps>(_: &[T]) {}

/// Compiles only for a [`FieldwiseOperand`].
#[inline(always)]
pub fn fieldwise_operator<A: FieldwiseOperand>(_: A) {}
