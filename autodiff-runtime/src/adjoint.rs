//! Adjoint (cotangent) values and the accumulation helpers the generated reverse sweep calls.
//!
//! Adjoints live in `Option<A>` slots where `None` is an exact zero: nothing is allocated or added
//! for a value no output depends on. `A::zero()` is a *symbolic* zero (an empty `Vec`), so the
//! macro never needs to know a shape.

/// A value that can hold an adjoint: a zero and `+=`.
pub trait Adjoint: Sized {
    /// The additive identity (for growable containers: empty, which reads as all zeros).
    fn zero_adj() -> Self;
    /// `self += other`.
    fn add_adj(&mut self, other: Self);
    /// The additive identity a register of adds starts from: [`zero_adj`](Adjoint::zero_adj),
    /// except for floats, where it is `-0.0`. `-0.0 + y == y` for every `y` (`+0.0 + y` is not:
    /// `+0.0 + -0.0 == +0.0`), so the compiler drops the first add into such a register, which
    /// otherwise sits on the dependence chain of a recurrence's reverse sweep.
    #[doc(hidden)]
    #[inline(always)]
    fn identity_adj() -> Self {
        Self::zero_adj()
    }
    /// Sets a dense buffer of these adjoints to zero for reuse: empties it, except a buffer of
    /// rows, which keeps its rows (emptied, their capacity kept) so that the next time step does
    /// not allocate them again.
    #[doc(hidden)]
    #[inline(always)]
    fn clear_buffer(d: &mut Vec<Self>) {
        d.clear();
    }
    /// Whether a dense buffer of these adjoints is zero without looking at values: empty, or a
    /// buffer of rows that are all empty ([`clear_buffer`](Adjoint::clear_buffer)).
    #[doc(hidden)]
    #[inline(always)]
    fn buffer_is_zero(d: &[Self]) -> bool {
        d.is_empty()
    }
    /// Whether the adjoint is finite: a float's `is_finite`, `true` for every other kind (which
    /// listed calls never take, see `pairs.rs`).
    #[doc(hidden)]
    #[inline(always)]
    fn finite_adj(&self) -> bool {
        true
    }
}

/// A zero of the same shape as a value (for tangents, whose shape must be real).
pub trait ZeroLike {
    /// A value of the same shape, all zeros.
    fn zero_like(&self) -> Self;
}

macro_rules! scalar_adjoint {
    ($($t:ty),*) => {$(
        impl Adjoint for $t {
            #[inline(always)]
            fn zero_adj() -> Self { 0.0 }
            #[inline(always)]
            fn add_adj(&mut self, other: Self) { *self += other; }
            #[inline(always)]
            fn identity_adj() -> Self { -0.0 }
            #[inline(always)]
            fn finite_adj(&self) -> bool { self.is_finite() }
        }
        impl ZeroLike for $t {
            #[inline(always)]
            fn zero_like(&self) -> Self { 0.0 }
        }
    )*};
}
scalar_adjoint!(f32, f64);

impl Adjoint for () {
    #[inline(always)]
    fn zero_adj() -> Self {}
    #[inline(always)]
    fn add_adj(&mut self, _: Self) {}
}

impl<E: Adjoint> Adjoint for Vec<E> {
    #[inline]
    fn zero_adj() -> Self {
        Vec::new()
    }
    /// Elementwise `+=`, growing `self` with zeros when `other` is longer.
    fn add_adj(&mut self, other: Self) {
        if self.is_empty() {
            *self = other;
            return;
        }
        let mut other = other.into_iter();
        for slot in self.iter_mut() {
            match other.next() {
                Some(g) => slot.add_adj(g),
                None => return,
            }
        }
        self.extend(other);
    }
    /// A buffer of rows keeps its rows, each emptied with its capacity kept.
    #[inline]
    fn clear_buffer(d: &mut Vec<Self>) {
        d.iter_mut().for_each(Vec::clear);
    }
    #[inline]
    fn buffer_is_zero(d: &[Self]) -> bool {
        d.iter().all(Vec::is_empty)
    }
}

impl<E: ZeroLike> ZeroLike for Vec<E> {
    fn zero_like(&self) -> Self {
        self.iter().map(ZeroLike::zero_like).collect()
    }
}

impl<E: Adjoint, const N: usize> Adjoint for [E; N] {
    fn zero_adj() -> Self {
        core::array::from_fn(|_| E::zero_adj())
    }
    fn add_adj(&mut self, other: Self) {
        for (slot, g) in self.iter_mut().zip(other) {
            slot.add_adj(g);
        }
    }
}

impl<E: ZeroLike, const N: usize> ZeroLike for [E; N] {
    fn zero_like(&self) -> Self {
        core::array::from_fn(|i| self[i].zero_like())
    }
}

macro_rules! tuple_adjoint {
    ($(($($n:tt $t:ident),+)),*) => {$(
        impl<$($t: Adjoint),+> Adjoint for ($($t,)+) {
            #[inline]
            fn zero_adj() -> Self { ($($t::zero_adj(),)+) }
            #[inline]
            fn add_adj(&mut self, other: Self) { $(self.$n.add_adj(other.$n);)+ }
        }
        impl<$($t: ZeroLike),+> ZeroLike for ($($t,)+) {
            #[inline]
            fn zero_like(&self) -> Self { ($(self.$n.zero_like(),)+) }
        }
    )*};
}
tuple_adjoint!(
    (0 A),
    (0 A, 1 B),
    (0 A, 1 B, 2 C),
    (0 A, 1 B, 2 C, 3 D),
    (0 A, 1 B, 2 C, 3 D, 4 E),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H)
);

/// The adjoint type of a value held in a variable, which the reverse sweep needs before every
/// use of the variable is seen (a tuple read on some fields leaves the others' types open):
/// `T::Adjoint` for a differentiable `T`, element-wise for a tuple, and the integer itself (which
/// stays zero) for an integer or `bool`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not differentiable",
    label = "#[differentiable] needs the derivative of this value",
    note = "derive `Differentiable` for it (`#[derive(Differentiable)]` on a struct), or implement `Differentiable`"
)]
pub trait AdjointOf {
    /// The adjoint.
    type Adjoint: Adjoint;
}

impl<T: crate::Differentiable + ?Sized> AdjointOf for T {
    type Adjoint = T::Adjoint;
}

macro_rules! tuple_adjoint_of {
    ($(($($t:ident),+)),*) => {$(
        impl<$($t: AdjointOf),+> AdjointOf for ($($t,)+) {
            type Adjoint = ($($t::Adjoint,)+);
        }
    )*};
}
tuple_adjoint_of!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H)
);

macro_rules! int_adjoint_of {
    ($($t:ty),*) => {$(
        impl AdjointOf for $t {
            type Adjoint = $t;
        }
    )*};
}
int_adjoint_of!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool
);

/// `slot += g`, where an empty slot is zero.
#[inline(always)]
pub fn acc<A: Adjoint>(slot: &mut Option<A>, g: A) {
    match slot {
        Some(s) => s.add_adj(g),
        None => *slot = Some(g),
    }
}

/// An output cotangent as the adjoint the reverse sweep accumulates for the returned value: the
/// value's own type, except a fixed array's (`[E; N]`), whose adjoint is a growable `Vec` of its
/// elements' adjoints (`[[f64; 2]; 2]` seeds a `Vec<Vec<f64>>`).
pub trait SeedCotangent<A> {
    /// The cotangent as that adjoint.
    fn into_seed(self) -> A;
}

impl<A> SeedCotangent<A> for A {
    #[inline(always)]
    fn into_seed(self) -> A {
        self
    }
}

impl<A, E: SeedCotangent<A>, const N: usize> SeedCotangent<Vec<A>> for [E; N] {
    #[inline]
    fn into_seed(self) -> Vec<A> {
        self.into_iter().map(E::into_seed).collect()
    }
}

/// A caller's adjoint of a call's value as the cotangent the callee's pullback takes (the
/// callee's output type): the adjoint itself, except for a fixed array (`[E; N]`), whose
/// adjoint is a `Vec` that may be shorter (zero past its end).
pub trait FromAdjoint<A> {
    /// The adjoint as the cotangent.
    fn from_adjoint(a: A) -> Self;
}

impl<A> FromAdjoint<A> for A {
    #[inline(always)]
    fn from_adjoint(a: A) -> A {
        a
    }
}

impl<A: Adjoint, E: FromAdjoint<A>, const N: usize> FromAdjoint<Vec<A>> for [E; N] {
    #[inline]
    fn from_adjoint(a: Vec<A>) -> Self {
        let mut it = a.into_iter();
        core::array::from_fn(|_| E::from_adjoint(it.next().unwrap_or_else(A::zero_adj)))
    }
}

/// `y = f(..) => f's pullback of dy`: the caller's adjoint `dy` as the cotangent type of `f`'s
/// pullback (see [`FromAdjoint`]).
#[inline(always)]
pub fn cotangent_as<C: FromAdjoint<A>, A>(a: A) -> C {
    C::from_adjoint(a)
}

/// `slot += cot` for the output cotangent handed to a pullback.
#[inline(always)]
pub fn seed_cotangent<A: Adjoint, S: SeedCotangent<A>>(slot: &mut Option<A>, cot: S) {
    acc(slot, cot.into_seed());
}

/// `slot += g` for an optional contribution (a callee's gradient slot).
#[inline(always)]
pub fn acc_opt<A: Adjoint>(slot: &mut Option<A>, g: Option<A>) {
    if let Some(g) = g {
        acc(slot, g);
    }
}

/// `slot[i] += g` for a container adjoint (`Vec`), growing it with zeros as needed.
#[inline]
pub fn index_add<E: Adjoint>(slot: &mut Option<Vec<E>>, i: usize, g: E) {
    let v = slot.get_or_insert_with(Vec::new);
    if i >= v.len() {
        v.resize_with(i + 1, E::zero_adj);
    }
    v[i].add_adj(g);
}

/// Takes the adjoint of element `i` out of a container adjoint, leaving zero there
/// (the reverse of an element write `y[i] = e`).
#[inline]
pub fn index_take<E: Adjoint>(slot: &mut Option<Vec<E>>, i: usize) -> Option<E> {
    match slot {
        Some(v) if i < v.len() => Some(core::mem::replace(&mut v[i], E::zero_adj())),
        _ => None,
    }
}

/// Adds `g` to every one of the first `len` elements (the reverse of `v.iter().sum()`).
#[inline]
pub fn broadcast_add<E: Adjoint + Clone>(slot: &mut Option<Vec<E>>, len: usize, g: E) {
    let v = slot.get_or_insert_with(Vec::new);
    if v.len() < len {
        v.resize_with(len, E::zero_adj);
    }
    for e in &mut v[..len] {
        e.add_adj(g.clone());
    }
}

/// Splits a container adjoint into its first `n` element adjoints (the reverse of `[a, b, c]`).
#[inline]
pub fn split_elems<E: Adjoint>(slot: Option<Vec<E>>, n: usize) -> Vec<Option<E>> {
    let mut out: Vec<Option<E>> = Vec::with_capacity(n);
    let mut it = slot.unwrap_or_default().into_iter();
    for _ in 0..n {
        out.push(it.next());
    }
    out
}

/// Adds `g` into one field of an aggregate adjoint, creating a zero aggregate first.
#[inline(always)]
pub fn field_add<A: Adjoint, F: Adjoint>(
    slot: &mut Option<A>,
    field: impl FnOnce(&mut A) -> &mut F,
    g: F,
) {
    field(slot.get_or_insert_with(A::zero_adj)).add_adj(g);
}

/// A zero of the same shape as `v` (for tangents of values that start out constant).
#[inline(always)]
pub fn zero_like<V: ZeroLike>(v: &V) -> V {
    v.zero_like()
}

/// The value whose zero tangent is chosen (forward mode: a constant operand or definition of a
/// value in a tangent's direction): `(&ZeroTangentProbe(&v)).zero_tangent_of()` is
/// `Differentiable::zero_tangent` when `v`'s type is differentiable (a slice `&[f64]`, whose
/// tangent is a `Vec`), [`zero_like`] otherwise (a tuple of floats).
pub struct ZeroTangentProbe<'a, V: ?Sized>(pub &'a V);

/// The differentiable choice of [`ZeroTangentProbe`].
pub trait ZeroByTangent {
    /// The tangent.
    type Out;
    /// `v.zero_tangent()`.
    fn zero_tangent_of(&self) -> Self::Out;
}
impl<V: crate::differentiable::Differentiable> ZeroByTangent for ZeroTangentProbe<'_, V> {
    type Out = V::Tangent;
    #[inline(always)]
    fn zero_tangent_of(&self) -> V::Tangent {
        self.0.zero_tangent()
    }
}

/// The fallback of [`ZeroTangentProbe`]: a zero of the value's own shape.
pub trait ZeroByLike {
    /// The value's type.
    type Out;
    /// `v.zero_like()`.
    fn zero_tangent_of(&self) -> Self::Out;
}
impl<V: ZeroLike> ZeroByLike for &ZeroTangentProbe<'_, V> {
    type Out = V;
    #[inline(always)]
    fn zero_tangent_of(&self) -> V {
        self.0.zero_like()
    }
}

/// Sums the elements of a container adjoint (the reverse of `[e; n]` and `vec![e; n]`).
#[inline]
pub fn sum_adj<E: Adjoint>(g: Vec<E>) -> E {
    let mut total = E::zero_adj();
    for e in g {
        total.add_adj(e);
    }
    total
}

/// `v.iter().sum()` with the element type inferred from the slice. The reverse sweep gives each
/// element the sum's adjoint (`y = Σ xᵢ => dxᵢ += dy`), which holds for a field-wise `+`; generated
/// code checks that with [`fieldwise_elements`](crate::fieldwise::fieldwise_elements).
#[inline]
pub fn sum_of<T: Copy + Adjoint + core::ops::Add<Output = T>>(xs: &[T]) -> T {
    xs.iter().fold(T::zero_adj(), |acc, x| acc + *x)
}

/// Field `I` of a tuple, by position (the reverse of `t.0`, `t.1`, ..).
pub trait TupleField<const I: usize> {
    /// The field's type.
    type Field;
    /// The field.
    fn field_mut(&mut self) -> &mut Self::Field;
}

macro_rules! tuple_field {
    ($i:tt => $f:ident in ($($t:ident),+)) => {
        impl<$($t),+> TupleField<$i> for ($($t,)+) {
            type Field = $f;
            #[inline(always)]
            fn field_mut(&mut self) -> &mut $f {
                &mut self.$i
            }
        }
    };
}
tuple_field!(0 => A in (A));
tuple_field!(0 => A in (A, B));
tuple_field!(1 => B in (A, B));
tuple_field!(0 => A in (A, B, C));
tuple_field!(1 => B in (A, B, C));
tuple_field!(2 => C in (A, B, C));
tuple_field!(0 => A in (A, B, C, D));
tuple_field!(1 => B in (A, B, C, D));
tuple_field!(2 => C in (A, B, C, D));
tuple_field!(3 => D in (A, B, C, D));
tuple_field!(0 => A in (A, B, C, D, E));
tuple_field!(1 => B in (A, B, C, D, E));
tuple_field!(2 => C in (A, B, C, D, E));
tuple_field!(3 => D in (A, B, C, D, E));
tuple_field!(4 => E in (A, B, C, D, E));
tuple_field!(0 => A in (A, B, C, D, E, F));
tuple_field!(1 => B in (A, B, C, D, E, F));
tuple_field!(2 => C in (A, B, C, D, E, F));
tuple_field!(3 => D in (A, B, C, D, E, F));
tuple_field!(4 => E in (A, B, C, D, E, F));
tuple_field!(5 => F in (A, B, C, D, E, F));
tuple_field!(0 => A in (A, B, C, D, E, F, G));
tuple_field!(1 => B in (A, B, C, D, E, F, G));
tuple_field!(2 => C in (A, B, C, D, E, F, G));
tuple_field!(3 => D in (A, B, C, D, E, F, G));
tuple_field!(4 => E in (A, B, C, D, E, F, G));
tuple_field!(5 => F in (A, B, C, D, E, F, G));
tuple_field!(6 => G in (A, B, C, D, E, F, G));
tuple_field!(0 => A in (A, B, C, D, E, F, G, H));
tuple_field!(1 => B in (A, B, C, D, E, F, G, H));
tuple_field!(2 => C in (A, B, C, D, E, F, G, H));
tuple_field!(3 => D in (A, B, C, D, E, F, G, H));
tuple_field!(4 => E in (A, B, C, D, E, F, G, H));
tuple_field!(5 => F in (A, B, C, D, E, F, G, H));
tuple_field!(6 => G in (A, B, C, D, E, F, G, H));
tuple_field!(7 => H in (A, B, C, D, E, F, G, H));

/// Adds `g` into field `I` of a tuple adjoint, creating a zero tuple first.
#[inline(always)]
pub fn tuple_field_add<A, F, const I: usize>(slot: &mut Option<A>, g: F)
where
    A: Adjoint + TupleField<I, Field = F>,
    F: Adjoint,
{
    slot.get_or_insert_with(A::zero_adj).field_mut().add_adj(g);
}

macro_rules! int_zero_like {
    ($($t:ty),*) => {$(
        impl ZeroLike for $t {
            #[inline(always)]
            fn zero_like(&self) -> Self { 0 }
        }
    )*};
}
int_zero_like!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

impl ZeroLike for bool {
    #[inline(always)]
    fn zero_like(&self) -> Self {
        false
    }
}
