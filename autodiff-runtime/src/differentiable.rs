//! `Differentiable`: what a wrt parameter's type must implement, and how its gradient is finished.

use crate::adjoint::Adjoint;

/// A parameter type that gradients can be taken with respect to.
///
/// `Adjoint` is what the reverse sweep accumulates internally (for slices and arrays a growable
/// `Vec`), `Grad` is what the user receives (`f64` for `f64`, `Vec<T>` for `&[T]` and `Vec<T>`,
/// `[T; N]` for `[T; N]`, `S` for `&S`), and `Tangent` is the owned direction `NAME_jvp` takes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not differentiable",
    label = "this value is differentiated (a parameter, by default, or a value computed from one)",
    note = "derive or implement `Differentiable` for its type (a tuple can become a struct with \
            `#[derive(Differentiable)]`); for a parameter, mark it `#[no_grad]` or list the \
            parameters to differentiate with `#[differentiable(wrt(..))]`"
)]
pub trait Differentiable {
    /// The internal adjoint accumulated by the reverse sweep.
    type Adjoint: Adjoint;
    /// The gradient handed to the user.
    type Grad;
    /// The tangent (direction) type for forward mode.
    type Tangent;
    /// Turns the accumulated adjoint (`None` = zero) into the user-facing gradient of this value.
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad;
    /// Turns a user-facing gradient into the internal adjoint (for custom derivative rules).
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint;
    /// Turns a user tangent into the internal form forward-mode code propagates.
    fn tangent_in(&self, t: Self::Tangent) -> Self::Tangent {
        t
    }
    /// A zero tangent of this value's shape.
    fn zero_tangent(&self) -> Self::Tangent;
    /// Finishes the gradient of a slice of these from its element adjoints (scalars override it
    /// to reuse the adjoint's buffer instead of allocating another).
    fn finish_slice(items: &[Self], adj: Option<Vec<Self::Adjoint>>) -> Vec<Self::Grad>
    where
        Self: Sized,
    {
        finish_elems(items, adj).collect()
    }
    /// Whether [`grad_is_finite`](Self::grad_is_finite) can tell that every float of a gradient
    /// is finite. When it can for every differentiated parameter, a generated `NAME_grad` with
    /// loops first runs its reverse sweep with plain IEEE products and keeps that gradient when
    /// it is all finite; otherwise (or when this is `false`) it takes the gradient with the
    /// zero rule on every product (see `rules::ieee`). Default `false`: always the zero rule.
    const FINITE_TEST: bool = false;
    /// `true` when every float in `grad` is finite (neither NaN nor ±inf). Only read when
    /// [`FINITE_TEST`](Self::FINITE_TEST) is `true`; the default answers `false`.
    #[inline(always)]
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        let _ = grad;
        false
    }
    /// [`grad_is_finite`](Self::grad_is_finite) of every gradient in `grads` (the gradient of a
    /// slice, `Vec` or array of these); scalars override it with a test without early exit,
    /// which the compiler vectorises.
    fn grads_are_finite(grads: &[Self::Grad]) -> bool
    where
        Self: Sized,
    {
        grads.iter().all(Self::grad_is_finite)
    }
}

/// Every entry of `xs` is finite, without an early exit (the compiler vectorises it).
///
/// For plain floats: `x * 0` is `±0` for a finite `x` and NaN for `±inf` or NaN, and a NaN
/// survives every sum, so eight running sums of `x * 0` are all zero exactly when every entry is
/// finite (one multiply and add per entry, in vector registers: about a fifth faster than a
/// compare per entry on a 10,000-entry gradient). Other reals test each entry.
#[inline]
pub(crate) fn all_finite<T: crate::Real>(xs: &[T]) -> bool {
    if !T::PLAIN_FLOAT {
        return !xs.iter().fold(false, |bad, x| bad | !x.is_finite());
    }
    const LANES: usize = 8;
    let zero = T::zero();
    let mut sums = [zero; LANES];
    let mut chunks = xs.chunks_exact(LANES);
    for c in &mut chunks {
        for (s, x) in sums.iter_mut().zip(c) {
            *s += *x * zero;
        }
    }
    for x in chunks.remainder() {
        sums[0] += *x * zero;
    }
    sums.iter().all(|s| *s == zero)
}

macro_rules! scalar_differentiable {
    ($($t:ty),*) => {$(
        impl Differentiable for $t {
            type Adjoint = $t;
            type Grad = $t;
            type Tangent = $t;
            #[inline(always)]
            fn finish_grad(&self, adj: Option<$t>) -> $t { adj.unwrap_or(0.0) }
            #[inline(always)]
            fn adjoint_of(grad: $t) -> $t { grad }
            #[inline(always)]
            fn zero_tangent(&self) -> $t { 0.0 }
            const FINITE_TEST: bool = true;
            #[inline(always)]
            fn grad_is_finite(grad: &$t) -> bool { grad.is_finite() }
            #[inline]
            fn grads_are_finite(grads: &[$t]) -> bool {
                all_finite(grads)
            }
            #[inline]
            fn finish_slice(items: &[$t], adj: Option<Vec<$t>>) -> Vec<$t> {
                // The adjoint is the gradient; element adjoints never read stay zero.
                let mut g = adj.unwrap_or_default();
                g.resize(items.len(), 0.0);
                g
            }
        }
    )*};
}
scalar_differentiable!(f32, f64);

impl<T: Differentiable + ?Sized> Differentiable for &T {
    type Adjoint = T::Adjoint;
    type Grad = T::Grad;
    type Tangent = T::Tangent;
    #[inline(always)]
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad {
        (**self).finish_grad(adj)
    }
    #[inline(always)]
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint {
        T::adjoint_of(grad)
    }
    #[inline(always)]
    fn tangent_in(&self, t: Self::Tangent) -> Self::Tangent {
        (**self).tangent_in(t)
    }
    #[inline(always)]
    fn zero_tangent(&self) -> Self::Tangent {
        (**self).zero_tangent()
    }
    const FINITE_TEST: bool = T::FINITE_TEST;
    #[inline(always)]
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        T::grad_is_finite(grad)
    }
}

fn finish_elems<T: Differentiable>(
    items: &[T],
    adj: Option<Vec<T::Adjoint>>,
) -> impl Iterator<Item = T::Grad> + '_ {
    let mut adj = adj.unwrap_or_default().into_iter();
    items.iter().map(move |item| item.finish_grad(adj.next()))
}

impl<T: Differentiable> Differentiable for [T] {
    type Adjoint = Vec<T::Adjoint>;
    type Grad = Vec<T::Grad>;
    type Tangent = Vec<T::Tangent>;
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad {
        T::finish_slice(self, adj)
    }
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint {
        grad.into_iter().map(T::adjoint_of).collect()
    }
    fn zero_tangent(&self) -> Self::Tangent {
        self.iter().map(Differentiable::zero_tangent).collect()
    }
    const FINITE_TEST: bool = T::FINITE_TEST;
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        T::grads_are_finite(grad)
    }
}

impl<T: Differentiable> Differentiable for Vec<T> {
    type Adjoint = Vec<T::Adjoint>;
    type Grad = Vec<T::Grad>;
    type Tangent = Vec<T::Tangent>;
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad {
        self.as_slice().finish_grad(adj)
    }
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint {
        grad.into_iter().map(T::adjoint_of).collect()
    }
    fn zero_tangent(&self) -> Self::Tangent {
        self.as_slice().zero_tangent()
    }
    const FINITE_TEST: bool = T::FINITE_TEST;
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        T::grads_are_finite(grad)
    }
}

impl<T: Differentiable, const N: usize> Differentiable for [T; N] {
    type Adjoint = Vec<T::Adjoint>;
    type Grad = [T::Grad; N];
    type Tangent = [T::Tangent; N];
    fn finish_grad(&self, adj: Option<Self::Adjoint>) -> Self::Grad {
        let mut it = finish_elems(self, adj);
        core::array::from_fn(|_| it.next().expect("one gradient per element"))
    }
    fn adjoint_of(grad: Self::Grad) -> Self::Adjoint {
        grad.into_iter().map(T::adjoint_of).collect()
    }
    fn zero_tangent(&self) -> Self::Tangent {
        core::array::from_fn(|i| self[i].zero_tangent())
    }
    const FINITE_TEST: bool = T::FINITE_TEST;
    fn grad_is_finite(grad: &Self::Grad) -> bool {
        T::grads_are_finite(grad)
    }
}

/// A value whose output cotangent is "one": the output of a function `NAME_grad` can be called on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scalar output, so it has no gradient",
    label = "`_grad` needs a function returning `f32`, `f64` or a `T: Real`",
    note = "call the function's `_vjp` instead and pass the output cotangent to its pullback"
)]
pub trait ScalarOutput: Sized {
    /// The seed cotangent `1`.
    fn one_cotangent(&self) -> Self;
}

impl<T: crate::real::Real> ScalarOutput for T {
    #[inline(always)]
    fn one_cotangent(&self) -> Self {
        T::one()
    }
}

#[cfg(test)]
mod tests {
    use super::all_finite;

    /// Every length around the eight lanes, with one bad entry at every position, for both
    /// float widths; finite extremes (`MAX`, `-0`, subnormals) pass.
    #[test]
    fn all_finite_finds_every_bad_entry() {
        fn check<T: crate::Real>(big: T, tiny: T, bads: [T; 3]) {
            for n in 0..27 {
                let good: Vec<T> = (0..n)
                    .map(|k| match k % 4 {
                        0 => big,
                        1 => -big,
                        2 => tiny,
                        _ => T::from_f64(-0.0),
                    })
                    .collect();
                assert!(all_finite(&good), "n = {n}");
                for at in 0..n {
                    for bad in bads {
                        let mut xs = good.clone();
                        xs[at] = bad;
                        assert!(!all_finite(&xs), "n = {n}, at = {at}");
                    }
                }
            }
        }
        check(
            f64::MAX,
            f64::MIN_POSITIVE / 4.0,
            [f64::INFINITY, f64::NEG_INFINITY, f64::NAN],
        );
        check(
            f32::MAX,
            f32::MIN_POSITIVE / 4.0,
            [f32::INFINITY, f32::NEG_INFINITY, f32::NAN],
        );
    }

    /// Reals that are not plain floats ask each entry's `is_finite` (a dual number's value).
    #[test]
    fn all_finite_of_duals_asks_each_entry() {
        use crate::dual::Dual;
        let ok = [Dual::new(1.0, 2.0), Dual::new(-3.0, 0.0)];
        assert!(all_finite(&ok));
        let bad = [Dual::new(1.0, 2.0), Dual::new(f64::NAN, 0.0)];
        assert!(!all_finite(&bad));
    }
}
