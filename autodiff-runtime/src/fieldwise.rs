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
//! Generated code probes each operand by autoref ([`OperatorProbe`]): a derived struct (or a
//! reference to one) answers [`DerivedOperand`], anything else [`PlainOperand`], and
//! [`fieldwise_operator`] accepts a derived operand only if it is [`FieldwiseOps`]. The checks sit
//! after a `break`: they are type-checked and never run.

use std::marker::PhantomData;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use crate::refused::DerivedStruct;

/// Implemented by `#[derive(FieldwiseOps)]`, which also implements `Add`, `Sub`, `Neg`,
/// `AddAssign` and `SubAssign` field by field: the operators `#[differentiable]` may
/// differentiate as linear ones on a derived struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field-wise `+` and `-` that #[differentiable] can differentiate",
    label = "`+`, `-`, unary `-` or `.sum()` on a `{Self}`",
    note = "`#[differentiable]` differentiates these operators as field-wise ones (`y = a + b => da += dy, db += dy`): a `#[derive(Differentiable)]` struct gets them from `#[derive(FieldwiseOps)]` (which replaces your own `impl Add`/`Sub`/`Neg`/`AddAssign`/`SubAssign`); floats and nalgebra matrices have them; otherwise write the operation out field by field (`S {{ x: a.x + b.x, .. }}`)"
)]
pub trait FieldwiseOps {}
impl<T: FieldwiseOps + ?Sized> FieldwiseOps for &T {}
// Fields whose `+`, `-` and unary `-` work entry by entry.
impl FieldwiseOps for f32 {}
impl FieldwiseOps for f64 {}
impl<T, R, C, S> FieldwiseOps for nalgebra::Matrix<T, R, C, S> {}
impl<T: crate::Real> FieldwiseOps for crate::dual::Dual<T> {}

/// A field `#[derive(FieldwiseOps)]` can combine: field-wise itself, with all five operators.
pub trait FieldArith:
    FieldwiseOps
    + Sized
    + Add<Output = Self>
    + Sub<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
{
}
impl<T> FieldArith for T where
    T: FieldwiseOps + Add<Output = T> + Sub<Output = T> + Neg<Output = T> + AddAssign + SubAssign
{
}

/// An operand of `+`, `-` or unary `-` in a `#[differentiable]` function, probed by autoref.
pub struct OperatorProbe<'a, T: ?Sized>(pub &'a T);

/// What the probe answers for a derived struct `T`.
pub struct DerivedOperand<T>(PhantomData<fn(T)>);
/// What the probe answers for any other operand (floats, matrices, `Dual`s).
pub struct PlainOperand;

/// A derived struct (or a reference to one) as an operand.
pub trait OperandOnDerived<T> {
    /// The answer.
    fn operand_kind(&self) -> DerivedOperand<T> {
        DerivedOperand(PhantomData)
    }
}
impl<T: DerivedStruct> OperandOnDerived<T> for OperatorProbe<'_, T> {}

/// Any other operand.
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
