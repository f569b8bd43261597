//! Calls run again in the reverse sweep, checked against their first run.
//!
//! A caller whose call borrows its own locals (`h(&v)` with `v` a local `Vec`, `g(x, &cell)`)
//! or lends a parameter's slice to a fused companion cannot keep the callee's pullback until its
//! reverse sweep: it keeps the arguments and runs the callee's companion on them again there
//! (the macro crate's `reverse/def.rs`). That gives the gradient of the run the caller used only
//! when the callee gives the same value from the same arguments. A callee that reads or changes
//! state outside its arguments (a `Cell` argument it advances, a random generator in a
//! `thread_local!`, a global counter) would be differentiated on another run than the one whose
//! value the caller used: a wrong gradient, with no other sign.
//!
//! So the forward sweep keeps a summary of the call's value ([`RunSummary`], 8 bytes) and the
//! reverse sweep compares the second run's value with it ([`check_rerun`]), and panics, naming
//! the callee, when they differ.
//!
//! In debug builds, and in release builds with the `rerun-checks` feature. Otherwise the summary
//! is a type of no size and the check does nothing: a record and a comparison per call cost a
//! cheap helper run per trip 5–27 % of the gradient's time (a table lookup 5.2 → 6.6 µs), for
//! a kind of program (a helper with hidden state) that a first run of the code in a debug build
//! or its tests shows at once. Floats, and `Vec`s, arrays, slices and matrices of them, are
//! compared (within `1e-9` of their magnitude, so a sum taken in another order does not trip
//! it);
//! other values (structs, tuples) are not, and a `Vec` is compared by a weighted sum of its
//! elements, so an effect that only reorders it may pass.

use nalgebra::{Dim, Matrix, RawStorage, Scalar};

use crate::real::Real;

/// What the forward sweep keeps of a call's value, for the check of its second run: the value
/// itself for a float, a weighted sum of the elements for a container of floats, `0` for a value
/// of another type (8 bytes per call).
#[derive(Clone, Copy, Debug)]
pub struct RunSummary(#[cfg(any(debug_assertions, feature = "rerun-checks"))] f64);

impl RunSummary {
    /// The summary of a type that is not compared (always agrees with itself).
    pub const OTHER: RunSummary = RunSummary::from_f64(0.0);

    #[inline(always)]
    const fn from_f64(_v: f64) -> RunSummary {
        RunSummary(
            #[cfg(any(debug_assertions, feature = "rerun-checks"))]
            _v,
        )
    }

    #[inline(always)]
    fn value(&self) -> f64 {
        #[cfg(any(debug_assertions, feature = "rerun-checks"))]
        return self.0;
        #[cfg(not(any(debug_assertions, feature = "rerun-checks")))]
        return 0.0;
    }

    #[inline(always)]
    fn of<I: IntoIterator<Item = f64>>(_values: I) -> RunSummary {
        #[cfg(any(debug_assertions, feature = "rerun-checks"))]
        {
            // weights in [1, 2): a change that moves a value between elements changes the sum
            let weighted = _values
                .into_iter()
                .enumerate()
                .map(|(k, v)| (1.0 + (k % 64) as f64 / 64.0) * v);
            RunSummary(weighted.sum())
        }
        #[cfg(not(any(debug_assertions, feature = "rerun-checks")))]
        RunSummary()
    }

    /// Whether two runs' values agree: the same bits, both NaN, or within `1e-9` of the larger
    /// magnitude (always, where the check is off).
    pub fn agrees(&self, other: &RunSummary) -> bool {
        let (a, b) = (self.value(), other.value());
        a.to_bits() == b.to_bits()
            || (a.is_nan() && b.is_nan())
            || ((a - b).is_finite() && (a - b).abs() <= 1e-9 * a.abs().max(b.abs()))
    }
}

/// A call's value, to be summarised by [`Summarize`] (floats and containers of them) or
/// [`SummarizeOther`] (anything else): generated code writes `(&RunValue(&v)).run_summary()`,
/// which method lookup resolves to the first where the type has it.
pub struct RunValue<'a, T: ?Sized>(pub &'a T);

/// The summary of a float or a container of floats.
pub trait Summarize {
    /// The summary of the value.
    fn run_summary(&self) -> RunSummary;
}

impl<T: Real> Summarize for RunValue<'_, T> {
    #[inline(always)]
    fn run_summary(&self) -> RunSummary {
        RunSummary::from_f64(self.0.to_f64())
    }
}

impl<T: Real> Summarize for RunValue<'_, [T]> {
    fn run_summary(&self) -> RunSummary {
        RunSummary::of(self.0.iter().map(|v| v.to_f64()))
    }
}

impl<T: Real> Summarize for RunValue<'_, Vec<T>> {
    fn run_summary(&self) -> RunSummary {
        RunSummary::of(self.0.iter().map(|v| v.to_f64()))
    }
}

impl<T: Real, const N: usize> Summarize for RunValue<'_, [T; N]> {
    fn run_summary(&self) -> RunSummary {
        RunSummary::of(self.0.iter().map(|v| v.to_f64()))
    }
}

impl<T: Real + Scalar, R: Dim, C: Dim, S: RawStorage<T, R, C>> Summarize
    for RunValue<'_, Matrix<T, R, C, S>>
{
    fn run_summary(&self) -> RunSummary {
        RunSummary::of(self.0.iter().map(|v| v.to_f64()))
    }
}

/// Values of other types (structs, tuples, integers) are not compared.
pub trait SummarizeOther {
    /// [`RunSummary::OTHER`].
    #[inline(always)]
    fn run_summary(&self) -> RunSummary {
        RunSummary::OTHER
    }
}

impl<T: ?Sized> SummarizeOther for &RunValue<'_, T> {}

/// Panics when a call run again in the reverse sweep gave another value than its first run.
///
/// # Panics
/// When `again` does not agree with `first` ([`RunSummary::agrees`]): the gradient would be
/// that of another run than the one the caller's value came from.
#[track_caller]
#[inline]
pub fn check_rerun(first: &RunSummary, again: RunSummary, callee: &'static str) {
    if cfg!(any(debug_assertions, feature = "rerun-checks")) && !first.agrees(&again) {
        rerun_differs(first, &again, callee);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn rerun_differs(first: &RunSummary, again: &RunSummary, callee: &str) -> ! {
    panic!(
        "`{callee}` gave another value when run again in the reverse sweep on the same \
         arguments ({} the first time, {} now), so its gradient would be that of another run. \
         A call that borrows its caller's locals (a `Vec` made in the caller, `&cell`) or lends \
         it a parameter's slice is run twice, and must give the same value from the same \
         arguments: it may not read or change state outside them (a `Cell` or `RefCell` it sets, \
         a random generator in a `thread_local!`, a global counter). Read or advance that state \
         in the caller before the call and pass the value in (`let k = c.get(); c.set(k + 1); \
         {callee}(.., k)`), or draw the random numbers first into a `Vec` passed as `#[no_grad]`",
        first.value(),
        again.value()
    )
}

#[cfg(all(test, not(any(debug_assertions, feature = "rerun-checks"))))]
mod unchecked_tests {
    use super::*;

    #[test]
    fn without_the_check_the_summary_has_no_size_and_nothing_panics() {
        assert_eq!(std::mem::size_of::<RunSummary>(), 0);
        check_rerun(
            &RunValue(&0.25f64).run_summary(),
            RunValue(&0.75f64).run_summary(),
            "f",
        );
    }
}

#[cfg(all(test, any(debug_assertions, feature = "rerun-checks")))]
mod tests {
    use super::*;

    fn summary<T: ?Sized>(v: &T) -> RunSummary
    where
        for<'a> RunValue<'a, T>: Summarize,
    {
        RunValue(v).run_summary()
    }

    #[test]
    fn floats_agree_with_themselves_and_within_rounding() {
        let a = summary(&1.5f64);
        assert!(a.agrees(&summary(&1.5f64)));
        assert!(a.agrees(&summary(&(1.5f64 + 1e-15))));
        assert!(!a.agrees(&summary(&1.6f64)));
        assert!(summary(&f64::NAN).agrees(&summary(&f64::NAN)));
        assert!(!summary(&f64::NAN).agrees(&a));
        assert!(summary(&f64::INFINITY).agrees(&summary(&f64::INFINITY)));
        assert!(!summary(&f64::INFINITY).agrees(&summary(&f64::NEG_INFINITY)));
        assert!(summary(&2.0f32).agrees(&summary(&2.0f32)));
    }

    #[test]
    fn containers_see_a_value_moved_between_elements() {
        let v = vec![1.0, 2.0, 3.0];
        assert!(summary(&v).agrees(&summary(&vec![1.0, 2.0, 3.0])));
        assert!(!summary(&v).agrees(&summary(&vec![1.0, 3.0, 2.0])));
        assert!(!summary(&[1.0, 0.0]).agrees(&summary(&[0.0, 1.0])));
        let m = nalgebra::DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        assert!(!summary(&m).agrees(&summary(&m.transpose())));
    }

    #[test]
    fn other_types_always_agree() {
        use super::SummarizeOther as _;
        let s = (&RunValue(&(1usize, "a"))).run_summary();
        assert!(s.agrees(&RunSummary::OTHER));
    }

    #[test]
    #[should_panic(expected = "`draw` gave another value when run again")]
    fn a_different_second_run_panics_naming_the_callee() {
        check_rerun(&summary(&0.25f64), summary(&0.75f64), "draw");
    }
}
