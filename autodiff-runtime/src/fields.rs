//! Per-field facts `#[derive(Differentiable)]` emits for struct literals in `#[differentiable]`
//! code. `H` is a 64-bit FNV-1a hash of the field's name.

use crate::adjoint::Adjoint;

/// Every field of a derived struct: its type, whether it is differentiated, and its adjoint
/// taken out of the struct's adjoint (`Default` for a `#[no_grad]` field).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] cannot keep the derivative of a value written into this field of `{Self}`: `{Self}` does not derive `Differentiable`",
    label = "this value carries a derivative",
    note = "`#[derive(Differentiable)]` on the struct, or wrap the value in `stop_gradient(..)` to store it without its derivative"
)]
pub trait GradField<const H: u64> {
    /// The field's type.
    type Field;
    /// [`DiffField`] or [`FixedField`] (`#[no_grad]`).
    type Kind;
    /// Takes the field's adjoint out, leaving zero.
    fn take_field_adjoint(&mut self) -> Self::Field;
}

/// A differentiated field.
pub struct DiffField;
/// A `#[no_grad]` field.
pub struct FixedField;

/// A field of this kind and type can be given a value the activity analysis finds varying.
#[diagnostic::on_unimplemented(
    message = "#[differentiable] cannot keep the derivative of a value written into a `#[no_grad]` field",
    label = "this value carries a derivative",
    note = "wrap the value in `stop_gradient(..)` to store it without its derivative, or remove `#[no_grad]` from the field"
)]
pub trait Writable {}
impl<F> Writable for (DiffField, F) {}
impl<F: NoDerivative> Writable for (FixedField, F) {}

/// A value with no derivative (integers, `bool`): what a `#[no_grad]` field may be given from
/// values the activity analysis cannot tell apart from differentiable ones (`s.steps + 1`).
#[diagnostic::on_unimplemented(
    message = "#[differentiable] cannot keep the derivative of a value written into a `#[no_grad]` field of type `{Self}`",
    label = "this value carries a derivative",
    note = "wrap the value in `stop_gradient(..)` to store it without its derivative, or remove `#[no_grad]` from the field"
)]
pub trait NoDerivative: Default {}

macro_rules! no_derivative {
    ($($t:ty),*) => {$(
        impl NoDerivative for $t {}
        // an integer is piecewise constant: its adjoint is zero and stays zero
        impl Adjoint for $t {
            #[inline(always)]
            fn zero_adj() -> Self {
                Default::default()
            }
            #[inline(always)]
            fn add_adj(&mut self, _: Self) {}
        }
    )*};
}
no_derivative!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool
);

/// Any field of a derived struct: clears its adjoint (a `#[no_grad]` field has none).
pub trait FieldAdjoint<const H: u64> {
    /// Sets the field's adjoint to zero.
    fn clear_field_adjoint(&mut self);
}

/// Checks, where a struct literal is built, that field `H` takes a derivative.
#[inline(always)]
pub fn check_grad_field<S: GradField<H>, const H: u64>(_: &S)
where
    (S::Kind, S::Field): Writable,
{
}

/// The hash naming field `name` in [`GradField`] and [`FieldAdjoint`].
pub const fn field_hash(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}
