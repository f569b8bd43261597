//! Second order: lifting parameters to dual numbers and splitting dual gradients.
//!
//! `#[differentiable(order = 2)]` computes Hessian-vector products forward over reverse: it runs
//! the function's reverse sweep (its gradient code) at the scalar type [`Dual<T>`], on the inputs
//! `x + ε·v`. The `re` parts of the resulting gradient are `∇f(x)`, the `eps` parts `H(x)·v`
//! (the derivative of the gradient in direction `v`), exactly, with no finite differences.
//!
//! [`SecondOrder`] is what a differentiated parameter's type needs for that: lifting a value and
//! a direction to the same shape over duals ([`lift`](SecondOrder::lift)), and splitting the dual
//! gradient back into the gradient and `H·v` ([`split`](SecondOrder::split)). It is implemented
//! for `f32`, `f64`, slices, `Vec`s and arrays of such values, tuples of two to four of them over
//! one scalar, references to them, and every struct with `#[derive(Differentiable)]` that is
//! generic over a single `T: Real`.
//!
//! The dense Hessian (`NAME_hessian`) flattens the parameters in [`Parameters`](crate::Parameters)
//! order: [`count`](SecondOrder::count) scalars, unit directions by
//! [`basis`](SecondOrder::basis), and `H·v` written out by [`flatten`](SecondOrder::flatten).
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::second::SecondOrder;
//!
//! let x = vec![1.0, 2.0];
//! let lifted = <Vec<f64> as SecondOrder>::lift(&x, &vec![0.5, -1.0]); // x + ε·v
//! assert!((lifted[1].re - 2.0).abs() < 1e-15 && (lifted[1].eps + 1.0).abs() < 1e-15);
//! let (g, hv) = <Vec<f64> as SecondOrder>::split(lifted);
//! assert!((g[0] - 1.0).abs() < 1e-15 && (hv[0] - 0.5).abs() < 1e-15);
//! assert_eq!(x.count(), 2);
//! ```

use crate::dual::Dual;
use crate::real::Real;

/// A differentiated parameter type that second-order code can lift to dual numbers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be lifted to dual numbers for `order = 2`",
    label = "`order = 2` passes this parameter to its companion at dual numbers",
    note = "second order supports `f32`, `f64`, slices, `Vec`s, arrays and tuples of them, and \
            `#[derive(Differentiable)]` structs generic over one `T: Real` (write `struct Model<T: Real>` \
            and use `Model<f64>`)"
)]
pub trait SecondOrder {
    /// The scalar type (`f32` or `f64`).
    type Scalar: Real;
    /// The gradient type (the same as [`Differentiable::Grad`](crate::Differentiable::Grad); a
    /// separate name so that a `T: Real` bound and this trait never compete to define it).
    type Grad;
    /// The same value over `Dual<Scalar>`: what the second-order companion takes.
    type Lifted;
    /// The gradient of a [`Lifted`](SecondOrder::Lifted) value (the same shape over duals).
    type LiftedGrad;
    /// `x + ε·v`: the value with the direction `v` (of the gradient's shape) in its `eps` parts.
    ///
    /// Panics when `v` has another length than `self` (slices and `Vec`s).
    fn lift(&self, v: &Self::Grad) -> Self::Lifted;
    /// `x + ε·0`: the value as a constant over duals (for parameters that are not differentiated).
    fn lift_const(&self) -> Self::Lifted;
    /// Splits a dual gradient into `(gradient, H·v)` (the `re` and `eps` parts).
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad);
    /// The number of scalars, in [`Parameters`](crate::Parameters) order.
    fn count(&self) -> usize;
    /// The direction of the gradient's shape that is 1 at flat index `k` and 0 elsewhere
    /// (`k >= count()` gives zeros).
    fn basis(&self, k: usize) -> Self::Grad;
    /// Appends a gradient's scalars in [`Parameters`](crate::Parameters) order.
    fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>);
}

macro_rules! scalar_second_order {
    ($($t:ty),*) => {$(
        impl SecondOrder for $t {
            type Scalar = $t;
            type Grad = $t;
            type Lifted = Dual<$t>;
            type LiftedGrad = Dual<$t>;
            #[inline(always)]
            fn lift(&self, v: &$t) -> Dual<$t> {
                Dual::new(*self, *v)
            }
            #[inline(always)]
            fn lift_const(&self) -> Dual<$t> {
                Dual::constant(*self)
            }
            #[inline(always)]
            fn split(g: Dual<$t>) -> ($t, $t) {
                (g.re, g.eps)
            }
            #[inline(always)]
            fn count(&self) -> usize {
                1
            }
            #[inline(always)]
            fn basis(&self, k: usize) -> $t {
                if k == 0 { 1.0 } else { 0.0 }
            }
            #[inline(always)]
            fn flatten(g: &$t, out: &mut Vec<$t>) {
                out.push(*g);
            }
        }
    )*};
}
scalar_second_order!(f32, f64);

/// Tuples of second-order values over one scalar (`(f64, f64)`, so `#[no_grad]` data such as
/// `&[(f64, f64)]` passes into the companion): lifted, split, counted and flattened member by
/// member, in order.
macro_rules! tuple_second_order {
    ($(($($t:ident $g:ident $h:ident $i:tt),+)),*) => {$(
        impl<A: SecondOrder, $($t: SecondOrder<Scalar = A::Scalar>),+> SecondOrder for (A, $($t),+) {
            type Scalar = A::Scalar;
            type Grad = (A::Grad, $($t::Grad),+);
            type Lifted = (A::Lifted, $($t::Lifted),+);
            type LiftedGrad = (A::LiftedGrad, $($t::LiftedGrad),+);
            fn lift(&self, v: &Self::Grad) -> Self::Lifted {
                (self.0.lift(&v.0), $(self.$i.lift(&v.$i)),+)
            }
            fn lift_const(&self) -> Self::Lifted {
                (self.0.lift_const(), $(self.$i.lift_const()),+)
            }
            fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
                let (g0, h0) = A::split(g.0);
                $(let ($g, $h) = $t::split(g.$i);)+
                ((g0, $($g),+), (h0, $($h),+))
            }
            fn count(&self) -> usize {
                self.0.count() $(+ self.$i.count())+
            }
            fn basis(&self, k: usize) -> Self::Grad {
                // The member holding flat index `k` gets its unit direction, the others
                // `basis(count())`, which is zeros.
                let mut off = 0usize;
                let mut local = |c: usize| {
                    let at = if (off..off + c).contains(&k) { k - off } else { c };
                    off += c;
                    at
                };
                (self.0.basis(local(self.0.count())), $(self.$i.basis(local(self.$i.count()))),+)
            }
            fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>) {
                A::flatten(&g.0, out);
                $($t::flatten(&g.$i, out);)+
            }
        }
    )*};
}
tuple_second_order!(
    (B g1 h1 1),
    (B g1 h1 1, C g2 h2 2),
    (B g1 h1 1, C g2 h2 2, D g3 h3 3)
);

impl<X: SecondOrder + ?Sized> SecondOrder for &X {
    type Scalar = X::Scalar;
    type Grad = X::Grad;
    type Lifted = X::Lifted;
    type LiftedGrad = X::LiftedGrad;
    #[inline(always)]
    fn lift(&self, v: &Self::Grad) -> Self::Lifted {
        (**self).lift(v)
    }
    #[inline(always)]
    fn lift_const(&self) -> Self::Lifted {
        (**self).lift_const()
    }
    #[inline(always)]
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
        X::split(g)
    }
    #[inline(always)]
    fn count(&self) -> usize {
        (**self).count()
    }
    #[inline(always)]
    fn basis(&self, k: usize) -> Self::Grad {
        (**self).basis(k)
    }
    #[inline(always)]
    fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>) {
        X::flatten(g, out)
    }
}

fn lift_elems<X: SecondOrder>(items: &[X], v: &[X::Grad]) -> Vec<X::Lifted> {
    assert_eq!(
        items.len(),
        v.len(),
        "a direction of length {} for a parameter of length {}",
        v.len(),
        items.len()
    );
    items.iter().zip(v).map(|(x, d)| x.lift(d)).collect()
}

fn split_elems<X: SecondOrder>(
    g: impl IntoIterator<Item = X::LiftedGrad>,
) -> (Vec<X::Grad>, Vec<X::Grad>) {
    g.into_iter().map(X::split).unzip()
}

/// Unit direction `k` over the elements of a container, in order.
fn basis_elems<X: SecondOrder>(items: &[X], mut k: usize) -> Vec<X::Grad> {
    items
        .iter()
        .map(|x| {
            let n = x.count();
            let b = x.basis(k);
            k = k.wrapping_sub(n);
            b
        })
        .collect()
}

impl<X: SecondOrder> SecondOrder for [X] {
    type Scalar = X::Scalar;
    type Grad = Vec<X::Grad>;
    type Lifted = Vec<X::Lifted>;
    type LiftedGrad = Vec<X::LiftedGrad>;
    fn lift(&self, v: &Vec<X::Grad>) -> Self::Lifted {
        lift_elems(self, v)
    }
    fn lift_const(&self) -> Self::Lifted {
        self.iter().map(X::lift_const).collect()
    }
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
        split_elems::<X>(g)
    }
    fn count(&self) -> usize {
        self.iter().map(X::count).sum()
    }
    fn basis(&self, k: usize) -> Self::Grad {
        basis_elems(self, k)
    }
    fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>) {
        g.iter().for_each(|e| X::flatten(e, out));
    }
}

impl<X: SecondOrder> SecondOrder for Vec<X> {
    type Scalar = X::Scalar;
    type Grad = Vec<X::Grad>;
    type Lifted = Vec<X::Lifted>;
    type LiftedGrad = Vec<X::LiftedGrad>;
    fn lift(&self, v: &Vec<X::Grad>) -> Self::Lifted {
        lift_elems(self, v)
    }
    fn lift_const(&self) -> Self::Lifted {
        self.iter().map(X::lift_const).collect()
    }
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
        split_elems::<X>(g)
    }
    fn count(&self) -> usize {
        self.as_slice().count()
    }
    fn basis(&self, k: usize) -> Self::Grad {
        basis_elems(self, k)
    }
    fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>) {
        g.iter().for_each(|e| X::flatten(e, out));
    }
}

impl<X: SecondOrder, const N: usize> SecondOrder for [X; N] {
    type Scalar = X::Scalar;
    type Grad = [X::Grad; N];
    type Lifted = [X::Lifted; N];
    type LiftedGrad = [X::LiftedGrad; N];
    fn lift(&self, v: &[X::Grad; N]) -> Self::Lifted {
        core::array::from_fn(|i| self[i].lift(&v[i]))
    }
    fn lift_const(&self) -> Self::Lifted {
        core::array::from_fn(|i| self[i].lift_const())
    }
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
        let mut parts = g.into_iter().map(X::split);
        let mut hv = Vec::with_capacity(N);
        let grad = core::array::from_fn(|_| {
            let (a, b) = parts.next().expect("N parts");
            hv.push(b);
            a
        });
        let mut hv = hv.into_iter();
        (grad, core::array::from_fn(|_| hv.next().expect("N parts")))
    }
    fn count(&self) -> usize {
        self.as_slice().count()
    }
    fn basis(&self, k: usize) -> Self::Grad {
        let mut b = basis_elems(self.as_slice(), k).into_iter();
        core::array::from_fn(|_| b.next().expect("N parts"))
    }
    fn flatten(g: &Self::Grad, out: &mut Vec<Self::Scalar>) {
        g.iter().for_each(|e| X::flatten(e, out));
    }
}

/// A scalar type whose second derivatives `order = 2` code computes: `f32` and `f64` (the bound
/// that `NAME_hvp` and `NAME_hessian` of a generic `fn f<T: Real>` carry).
pub trait Order2Scalar:
    Real + SecondOrder<Scalar = Self, Grad = Self, Lifted = Dual<Self>, LiftedGrad = Dual<Self>>
{
}
impl Order2Scalar for f32 {}
impl Order2Scalar for f64 {}

/// The scalar type of second-order code: a dual number over `f32`/`f64`. Every second-order
/// companion carries this bound on its scalar, so a custom derivative's `hvp` rule can take the
/// dual inputs apart.
#[doc(hidden)]
pub trait Order2Dual: Real {
    /// The underlying float.
    type Base: Order2Scalar;
    /// `(re, eps)`.
    fn parts(self) -> (Self::Base, Self::Base);
    /// `re + eps·ε`.
    fn from_parts(re: Self::Base, eps: Self::Base) -> Self;
}

impl<B: Order2Scalar> Order2Dual for Dual<B> {
    type Base = B;
    #[inline(always)]
    fn parts(self) -> (B, B) {
        (self.re, self.eps)
    }
    #[inline(always)]
    fn from_parts(re: B, eps: B) -> Self {
        Dual::new(re, eps)
    }
}

/// Converts between float types through `f64` (exact between equal types and from `f32`).
#[inline(always)]
pub(crate) fn recast<A: Real, B: Real>(a: A) -> B {
    B::from_f64(a.to_f64())
}

/// A parameter value at dual numbers, taken apart for a custom `hvp` rule: the value and the
/// direction (its `eps` parts) over the rule's float type `F`, and the dual gradient put back
/// together from the rule's gradient and `H·v`.
#[doc(hidden)]
pub trait Unlift {
    /// The dual scalar.
    type D: Order2Dual;
    /// The value (and gradient, and direction) over the float `F`.
    type Value<F: Real>;
    /// The gradient over duals.
    type DualGrad;
    /// `(x, v)` from `x + ε·v`.
    fn unlift<F: Real>(&self) -> (Self::Value<F>, Self::Value<F>);
    /// The dual gradient for the output cotangent `c`: `c.re·g + ε·(c.re·H·v + c.eps·g)`.
    fn join<F: Real>(g: &Self::Value<F>, hv: &Self::Value<F>, c: Self::D) -> Self::DualGrad;
    /// `⟨g, v⟩`.
    fn dot<F: Real>(g: &Self::Value<F>, v: &Self::Value<F>) -> F;
}

impl<D: Order2Dual> Unlift for D {
    type D = D;
    type Value<F: Real> = F;
    type DualGrad = D;
    fn unlift<F: Real>(&self) -> (F, F) {
        let (re, eps) = self.parts();
        (recast(re), recast(eps))
    }
    // d(c·g) in direction v: c.re·(H·v) + c.eps·g
    fn join<F: Real>(g: &F, hv: &F, c: D) -> D {
        let (cre, ceps) = c.parts();
        let (g, hv): (D::Base, D::Base) = (recast(*g), recast(*hv));
        D::from_parts(cre * g, cre * hv + ceps * g)
    }
    fn dot<F: Real>(g: &F, v: &F) -> F {
        *g * *v
    }
}

macro_rules! unlift_elems {
    ($($ty:ty),*) => {$(
        impl<X: Unlift> Unlift for $ty {
            type D = X::D;
            type Value<F: Real> = Vec<X::Value<F>>;
            type DualGrad = Vec<X::DualGrad>;
            fn unlift<F: Real>(&self) -> (Self::Value<F>, Self::Value<F>) {
                self.iter().map(X::unlift::<F>).unzip()
            }
            fn join<F: Real>(g: &Self::Value<F>, hv: &Self::Value<F>, c: Self::D) -> Self::DualGrad {
                g.iter().zip(hv).map(|(a, b)| X::join::<F>(a, b, c)).collect()
            }
            fn dot<F: Real>(g: &Self::Value<F>, v: &Self::Value<F>) -> F {
                g.iter().zip(v).fold(F::zero(), |s, (a, b)| s + X::dot::<F>(a, b))
            }
        }
    )*};
}
unlift_elems!([X], Vec<X>);

/// `val + ε·dy` over the dual scalar `D`, from a custom rule's float `F`.
#[doc(hidden)]
#[inline(always)]
pub fn dual_out<D: Order2Dual, F: Real>(val: F, dy: F) -> D {
    D::from_parts(recast(val), recast(dy))
}

/// The value part of a dual output.
#[doc(hidden)]
#[inline(always)]
pub fn value<T: Real>(y: Dual<T>) -> T {
    y.re
}

/// Writes `H·v` (flattened) as column `j` of the Hessian `h` (column-major, `n` rows).
#[doc(hidden)]
pub fn put_column<T: Copy>(h: &mut [T], n: usize, j: usize, col: &[T]) {
    assert_eq!(col.len(), n, "H·v has {} entries, expected {n}", col.len());
    h[j * n..(j + 1) * n].copy_from_slice(col);
}

/// The marker bound that a call from `order = 2` code into a function without second order
/// fails on, so the error names the fix.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this call needs second derivatives, but the called function is not `#[differentiable(order = 2)]`",
    label = "a differentiable argument is passed here from an `order = 2` function",
    note = "write `#[differentiable(order = 2)]` on the called function, or give its \
            `#[custom_derivative(..)]` an `hvp = ..` rule, or wrap the argument in `stop_gradient(..)`"
)]
pub trait NotOrder2 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_walks_nested_containers_in_order() {
        let x = vec![[1.0, 2.0], [3.0, 4.0]];
        assert_eq!(x.count(), 4);
        for k in 0..4 {
            let mut flat = Vec::new();
            <Vec<[f64; 2]>>::flatten(&x.basis(k), &mut flat);
            let want: Vec<f64> = (0..4).map(|i| if i == k { 1.0 } else { 0.0 }).collect();
            assert!(flat.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-15));
        }
        let mut flat = Vec::new();
        <Vec<[f64; 2]>>::flatten(&x.basis(4), &mut flat);
        assert!(flat.iter().all(|a| a.abs() < 1e-15));
    }

    #[test]
    fn lift_and_split_round_trip() {
        let x = [1.5f32, -2.0];
        let l = x.lift(&[0.25, 4.0]);
        let (re, eps) = <[f32; 2]>::split(l);
        assert!((re[0] - 1.5).abs() < 1e-7 && (re[1] + 2.0).abs() < 1e-7);
        assert!((eps[0] - 0.25).abs() < 1e-7 && (eps[1] - 4.0).abs() < 1e-7);
        let c = 3.0f64.lift_const();
        assert!((c.re - 3.0).abs() < 1e-15 && c.eps.abs() < 1e-15);
    }

    #[test]
    #[should_panic(expected = "a direction of length 1 for a parameter of length 2")]
    fn lift_checks_lengths() {
        let _ = vec![1.0, 2.0].lift(&vec![1.0]);
    }
}
