//! Runtime support for `#[differentiable]`: the [`Real`] float trait, the [`Differentiable`]
//! parameter trait, derivative rules, and helpers for checking gradients.
//!
//! Users depend on the `autodiff` facade crate; this crate is what its generated code calls.
// `deny`, not `forbid`: `tape_pool` (the one module with `unsafe`) allows it, see its docs.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod adjoint;
pub mod check;
pub mod data;
pub mod densevec;
pub mod differentiable;
pub mod dual;
mod dual_pass;
mod fields;
pub mod fieldwise;
mod flatsave;
mod fused;
pub mod gradbuf;
mod heldrow;
pub mod matrix;
pub mod nn;
pub mod ops;
pub mod optim;
mod option;
mod pairs;
pub mod params;
pub mod plain;
mod preacc;
pub mod real;
mod records;
#[doc(hidden)]
pub mod refused;
mod rerun;
pub mod rules;
pub mod second;
pub mod shape;
mod slices;
mod slotarg;
mod spans;
mod spare;
pub mod strided;
pub mod tape;
mod tape_pool;

pub use adjoint::{Adjoint, ZeroLike};
pub use differentiable::{Differentiable, ScalarOutput};
pub use params::Parameters;
pub use real::Real;

/// The nalgebra crate, as generated code and users reach it (`autodiff::nalgebra`).
pub use nalgebra;

/// Evaluates `value` and blocks its derivative (TensorFlow's `tf.stop_gradient`).
///
/// Inside a `#[differentiable]` function the macro treats `stop_gradient(e)` as a constant; outside
/// one it is the identity.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable]
/// fn f(x: f64) -> f64 {
///     x * stop_gradient(x)
/// }
///
/// let (y, dy) = f_grad(3.0);
/// assert!((y - 9.0).abs() < 1e-12);
/// assert!((dy - 3.0).abs() < 1e-12); // d/dx x*c = c, with c = 3
/// ```
#[inline(always)]
pub fn stop_gradient<T>(value: T) -> T {
    value
}

#[doc(hidden)]
pub mod __private {
    //! What generated code calls. Not part of the public API.
    pub use crate::adjoint::{
        Adjoint, TupleField, ZeroByLike, ZeroByTangent, ZeroLike, ZeroTangentProbe, acc, acc_opt,
        broadcast_add, cotangent_as, field_add, index_add, index_take, seed_cotangent, split_elems,
        sum_adj, sum_of, tuple_field_add, zero_like,
    };
    pub use crate::differentiable::{Differentiable, ScalarOutput};
    pub use crate::dual::Dual;
    pub use crate::fields::{
        DiffField, FieldAdjoint, FixedField, GradField, NoDerivative, Writable, check_grad_field,
        field_hash,
    };
    pub use crate::matrix::{
        AnyOperands, BlockProbe, MatrixBlock, MatrixOperands, Operands, OtherBlock,
    };
    /// Calls the lowering writes for language forms (`Some(e)`, `Some(p)` patterns, `&v[a..b]`), each with
    /// the companions that differentiate it.
    pub mod ops {
        pub use crate::option::*;
        pub use crate::slices::*;
    }
    pub use crate::densevec::{
        dense_add, dense_add_in, dense_add_slot, dense_adj, dense_clear, dense_fit, dense_get,
        dense_into, dense_move, dense_repeat, dense_take, dense_witness, push_position, window_add,
        window_flush, window_take, window_zero,
    };
    pub use crate::fieldwise::{
        FieldArith, FieldwiseOps, OperandOnDerived, OperandOnOther, OperatorProbe,
        fieldwise_elements, fieldwise_operator,
    };
    pub use crate::gradbuf::{Adopt, DenseProbe, Flush, GradBuf, Lend, Probe, ShapeProbe};
    pub use crate::heldrow::{HeldRowProbe, KeepRowProbe, RowAdd, RowProbe, held_row_cotangent};
    pub use crate::nn::named::{NamedParameters, TensorInfo, join_path};
    pub use crate::pairs::{
        PairTape, derivative_finite, give_pairs_cells, pair_tape_sized, pairs_finite, pop_pairs,
        pop_record,
    };
    pub use crate::params::Parameters;
    pub use crate::refused::{
        ConstOnDerived, ConstOnOther, ConstProbe, DerivedStruct, FloatOrdReceiver, OrdProbe,
        OrdReceiver, OtherReceiver, constant_result, integer_receiver, not_float, of_type,
        ord_rule_receiver, piecewise_constant_result, rule_receiver, std_method, unreachable_value,
    };
    /// The end of a slice indexed by an inclusive range held in a variable (see
    /// [`crate::slices::inclusive_end`]); an integer, no derivative.
    pub use crate::slices::inclusive_end;
    pub use crate::slotarg::{
        DenseSlot, NoSlot, NoSlotArg, PairsSlot, PlainSlot, RangeSlot, ScratchSlot, Slot, SlotArg,
    };
    pub use crate::spans::{GradSpan, OffsetSpan, SliceSpan, SpanProbe, dense_span};
    /// Plain scalar adjoint slots and their accumulators.
    pub mod plain {
        pub use crate::plain::*;
    }
    pub use crate::real::Real;
    pub use crate::rerun::{RunSummary, RunValue, Summarize, SummarizeOther, check_rerun};
    pub use crate::rules;
    pub use crate::second::{
        NotOrder2, Order2Dual, Order2Scalar, SecondOrder, Unlift, dual_out, put_column,
        value as dual_value,
    };
    pub use crate::shape::{At2, IndexShape, ShapeAdjoint};

    /// A callee's gradient slot as seen by a caller: `Option<A>` for a differentiated parameter,
    /// [`NoGrad`] for one the callee marked `#[no_grad]` or never differentiates.
    #[diagnostic::on_unimplemented(
        message = "a differentiable value is passed to a parameter that has no gradient",
        label = "this argument depends on a differentiated input",
        note = "the callee marks this parameter `#[no_grad]` (or its type is never differentiated); \
                wrap the argument in `stop_gradient(..)` to drop its gradient on purpose"
    )]
    pub trait GradSlot<A> {
        /// The contribution, if any.
        fn into_adjoint(self) -> Option<A>;
        /// `slot += self`. A contribution to part of the value (a row of a matrix) adds that
        /// part only, without building a whole adjoint of zeros first.
        #[inline(always)]
        fn add_into(self, slot: &mut Option<A>)
        where
            A: Adjoint,
            Self: Sized,
        {
            acc_opt(slot, self.into_adjoint());
        }
    }
    impl<A> GradSlot<A> for Option<A> {
        #[inline(always)]
        fn into_adjoint(self) -> Option<A> {
            self
        }
    }
    /// The gradient slot of a parameter that is not differentiated.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct NoGrad;

    /// `slot += g` from a callee's gradient slot.
    #[inline(always)]
    pub fn acc_slot<A: Adjoint, S: GradSlot<A>>(slot: &mut Option<A>, g: S) {
        g.add_into(slot);
    }

    /// A tangent argument: [`Tg`] for a varying argument, [`NoTangent`] for a constant one.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a tangent argument of type `{T}`",
        note = "generated code passes `Tg(t)` or `NoTangent`"
    )]
    pub trait TangentArg<T> {
        /// The tangent, or a zero shaped like `primal`.
        fn tangent_or_zero<P: Differentiable<Tangent = T> + ?Sized>(self, primal: &P) -> T;
    }
    /// The tangent of a varying argument.
    #[derive(Clone, Copy, Debug)]
    pub struct Tg<T>(pub T);
    impl<T> TangentArg<T> for Tg<T> {
        #[inline(always)]
        fn tangent_or_zero<P: Differentiable<Tangent = T> + ?Sized>(self, _: &P) -> T {
            self.0
        }
    }
    /// An array's tangent passed where a slice's is expected (`f(&array)` for `f(v: &[T])`).
    impl<E, const N: usize> TangentArg<Vec<E>> for Tg<[E; N]> {
        #[inline]
        fn tangent_or_zero<P: Differentiable<Tangent = Vec<E>> + ?Sized>(self, _: &P) -> Vec<E> {
            self.0.into()
        }
    }
    /// The tangent of an argument that does not vary.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct NoTangent;
    impl<T> TangentArg<T> for NoTangent {
        #[inline(always)]
        fn tangent_or_zero<P: Differentiable<Tangent = T> + ?Sized>(self, primal: &P) -> T {
            primal.zero_tangent()
        }
    }
    /// A tangent argument for a parameter the callee does not differentiate.
    #[diagnostic::on_unimplemented(
        message = "a differentiable value is passed to a parameter that has no tangent",
        label = "this argument depends on a differentiated input",
        note = "the callee marks this parameter `#[no_grad]` (or its type is never differentiated); \
                wrap the argument in `stop_gradient(..)` to drop its derivative on purpose"
    )]
    pub trait NoTangentArg {}
    impl NoTangentArg for NoTangent {}

    pub use crate::dual_pass::{
        CastSlot, CastValueOther, CastValueReal, EqProbe, LiftValueOther, LiftValueReal,
        ScalarLift, StopTangent, ValueEqOther, ValueEqReal, stop_tangent,
    };
    pub use crate::flatsave::{FlatRange, flat_get, flat_put};
    pub use crate::fused::{ScaleAdd, fused_finite, fused_give, fused_give_owned};
    pub use crate::preacc::{
        CotOrUnit, GivenCotangent, UnitCotangent, acc_put, custom_pullbacks, flat_slice,
        give_scaled, give_scaled_one, note_custom_pullback,
    };
    pub use crate::records::{Put, Records, Tape, Writer, learn_tape_len, tape_sized, writer};
    pub use crate::spare::{fill_for_pushes, range_len, spare_cleared, spare_filled, spare_keep};

    /// An empty tape.
    #[inline(always)]
    pub fn tape<T>() -> Tape<T> {
        Tape::new()
    }

    /// The records of a loop's `trips - 1` full trips (one tuple each, the last trip ran only
    /// the exit test), taken off the end of a slot walked backwards: trip `t` (from 0) is
    /// element `t`. Reading them by index from one slice costs one length check per loop, where
    /// [`back`] checks and moves the cursor on every trip.
    #[inline(always)]
    pub fn records_back<'a, T>(slot: &'a [T], cursor: &mut usize, trips: usize) -> &'a [T] {
        let end = *cursor;
        let start = end - trips.saturating_sub(1);
        *cursor = start;
        &slot[start..end]
    }

    /// Reads the `k`-th value of a loop slot when walking it backwards.
    #[inline(always)]
    pub fn back<'a, T>(slot: &'a [T], cursor: &mut usize) -> &'a T {
        *cursor -= 1;
        &slot[*cursor]
    }

    /// Pops a control record when walking the control tape backwards.
    #[inline(always)]
    pub fn pop(tape: &[usize], cursor: &mut usize) -> usize {
        *cursor -= 1;
        tape[*cursor]
    }

    /// The trips of a loop over `start..end` left only by its exit test: one per item and one
    /// for the exit test (`Range::size_hint` is exact for integer ranges).
    #[inline(always)]
    pub fn range_trips<T>(start: T, end: T) -> usize
    where
        core::ops::Range<T>: Iterator,
    {
        Iterator::size_hint(&(start..end)).0 + 1
    }

    /// A loop variable stepped by one per trip (`for i in a..b`): the reverse sweep recomputes
    /// it as `start + k` on trip `k` instead of recording it.
    pub trait AffineIndex: Copy {
        /// The value `k` steps after `self` (`Iterator::nth(&mut (self..), k)`).
        fn step_by_trips(self, k: usize) -> Self;
    }
    macro_rules! affine_int {
        ($($t:ty),*) => {$(
            impl AffineIndex for $t {
                #[inline(always)]
                fn step_by_trips(self, k: usize) -> Self {
                    // Exact modulo 2^bits, and the forward sweep produced an in-range value.
                    self.wrapping_add(k as $t)
                }
            }
        )*};
    }
    affine_int!(
        i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
    );
    impl AffineIndex for char {
        fn step_by_trips(self, k: usize) -> Self {
            // `Range<char>` skips the surrogates U+D800..U+DFFF.
            let mut c = (self as u32).wrapping_add(k as u32);
            if (self as u32) < 0xD800 && c >= 0xD800 {
                c += 0x800;
            }
            char::from_u32(c).unwrap_or(self)
        }
    }

    /// The loop variable of forward trip `k` of a loop over `start..end` (or over the
    /// progression of a `rev()` / `step_by` range, `crate::strided`).
    #[inline(always)]
    pub fn affine_index<A: crate::strided::AffineStart>(start: A, k: usize) -> A::Index {
        start.at(k)
    }
    pub use crate::strided::strided;

    /// `v = *r` kept for the reverse sweep, where `r` is a reference variable: the value behind
    /// it as an owned value (a `&Vec<f64>` or `&f64` keeps a clone of the `Vec` or `f64`, a
    /// `&[f64]` chosen by a branch keeps a `Vec<f64>`), since `r` may borrow a local of the
    /// forward sweep. The reverse sweep reads it back by reference, which coerces to `&[f64]`.
    #[inline(always)]
    pub fn own_referent<T: ?Sized + ToOwned>(r: &T) -> T::Owned {
        r.to_owned()
    }

    /// Reads a value saved at most once (the reverse sweep only reads it where it was written).
    #[inline(always)]
    pub fn slot_value<T>(slot: &Option<T>) -> &T {
        match slot {
            Some(v) => v,
            None => unreachable!("the reverse sweep reads only values its forward sweep saved"),
        }
    }

    /// The value of a saved-value slot filled at most once, moved out by the sweep that reads it
    /// last (see [`slot_value`]).
    #[inline]
    pub fn slot_take<T>(slot: Option<T>) -> T {
        match slot {
            Some(v) => v,
            None => unreachable!("the reverse sweep reads only values its forward sweep saved"),
        }
    }

    /// Checks that a local the function differentiates has an adjoint type (placed after its
    /// `let` and spanned at its name, so that a local of a type that is not differentiable is
    /// reported at the local).
    #[inline(always)]
    pub fn differentiated_local<T: crate::adjoint::AdjointOf + ?Sized>(_: &T) {}

    /// The adjoint type of a value, as a zero-sized witness (it names no lifetime, so it may
    /// outlive borrows of locals).
    #[inline(always)]
    pub fn witness<T: crate::adjoint::AdjointOf + ?Sized>(
        _: &T,
    ) -> core::marker::PhantomData<fn() -> T::Adjoint> {
        core::marker::PhantomData
    }

    /// An empty adjoint slot whose type a witness fixes.
    #[inline(always)]
    pub fn none_adjoint<A>(_: &Option<core::marker::PhantomData<fn() -> A>>) -> Option<A> {
        None
    }

    /// Names lifetimes an `impl Trait` return type may capture (needed in edition 2021).
    pub trait Captures<T: ?Sized> {}
    impl<T: ?Sized, U: ?Sized> Captures<T> for U {}

    /// The identity with its argument's type pinned to the scalar output of `_grad`.
    #[inline(always)]
    pub fn seed<O: ScalarOutput>(out: &O) -> O {
        out.one_cotangent()
    }
}
