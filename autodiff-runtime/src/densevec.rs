//! Dense adjoints for local `Vec`s: the adjoint of a local `Vec` that is only indexed, written by
//! index and moved whole (`vec![x; n]`, `vec![a, b]`, `x.to_vec()`, `u = next`,
//! `std::mem::swap(&mut u, &mut v)`) is a plain `Vec` of element adjoints instead of an
//! `Option<Vec>`.
//!
//! An empty buffer is zero (its capacity is kept for reuse), a shorter one is zero past its end,
//! so the reverse sweep never tests an `Option` per element: a read adds with a bounds check, a
//! write takes the element out. Moving a whole `Vec` swaps the buffers when the destination is
//! zero, and the reverse of the `let` that made the `Vec` clears its buffer without freeing it,
//! so a fresh `Vec` per time step reuses the same two buffers in every reverse trip.

use crate::adjoint::{Adjoint, acc};
use crate::differentiable::Differentiable;
use crate::shape::{At2, Elems, IndexShape};

/// The element type of a local `Vec`, recorded (zero-sized) where the `Vec` is made.
#[inline(always)]
pub fn dense_witness<T, C: IndexShape<Shape = Elems<T>> + ?Sized>(c: &C) -> Elems<T> {
    c.index_shape()
}

/// An empty (all-zero) dense adjoint for the element type the witness records.
#[inline(always)]
pub fn dense_adj<T: Differentiable>(_witness: &Option<Elems<T>>) -> Vec<T::Adjoint> {
    Vec::new()
}

/// An index into a dense buffer: an element (`usize`, the buffer `Vec<E>`) or an element of a
/// row (`At2(i, j)` on a `Vec<Vec<f64>>` local, the buffer a `Vec` of row adjoints, each grown
/// with zeros as its elements receive adjoints).
pub trait DenseIndex<A>: Copy {
    /// The adjoint of what the index reaches.
    type Elem: Adjoint;
    /// `d[self] += g`, growing the buffer with zeros.
    fn add(self, d: &mut Vec<A>, g: Self::Elem);
    /// `d[self] += g` into a buffer fitted to the local's length ([`dense_fit`]).
    fn add_in(self, d: &mut [A], g: Self::Elem);
    /// Takes `d[self]` out, leaving zero (`None` past the end, where it is zero).
    fn take(self, d: &mut [A]) -> Option<Self::Elem>;
    /// A copy of `d[self]`, left in place (`None` past the end, where it is zero).
    fn get(self, d: &[A]) -> Option<Self::Elem>
    where
        Self::Elem: Clone;
}

impl<E: Adjoint> DenseIndex<E> for usize {
    type Elem = E;
    #[inline(always)]
    fn add(self, d: &mut Vec<E>, g: E) {
        match d.get_mut(self) {
            Some(e) => e.add_adj(g),
            None => grow_add(d, self, g),
        }
    }
    #[inline(always)]
    fn add_in(self, d: &mut [E], g: E) {
        d[self].add_adj(g);
    }
    #[inline(always)]
    fn take(self, d: &mut [E]) -> Option<E> {
        d.get_mut(self)
            .map(|e| core::mem::replace(e, E::zero_adj()))
    }
    #[inline(always)]
    fn get(self, d: &[E]) -> Option<E>
    where
        E: Clone,
    {
        d.get(self).cloned()
    }
}

impl<E: Adjoint> DenseIndex<Vec<E>> for At2 {
    type Elem = E;
    /// `y = v[i][j] => dv[i][j] += dy`; the reverse sweep runs `i` and `j` downwards, so a
    /// fresh buffer grows once per row to its full length.
    #[inline(always)]
    fn add(self, d: &mut Vec<Vec<E>>, g: E) {
        let At2(i, j) = self;
        match d.get_mut(i).and_then(|row| row.get_mut(j)) {
            Some(e) => e.add_adj(g),
            None => grow_add_row(d, self, g),
        }
    }
    /// The rows are fitted; an element past a row's end grows the row.
    #[inline(always)]
    fn add_in(self, d: &mut [Vec<E>], g: E) {
        let At2(i, j) = self;
        let row = &mut d[i];
        match row.get_mut(j) {
            Some(e) => e.add_adj(g),
            None => grow_add(row, j, g),
        }
    }
    #[inline(always)]
    fn take(self, d: &mut [Vec<E>]) -> Option<E> {
        let At2(i, j) = self;
        let e = d.get_mut(i)?.get_mut(j)?;
        Some(core::mem::replace(e, E::zero_adj()))
    }
    #[inline(always)]
    fn get(self, d: &[Vec<E>]) -> Option<E>
    where
        E: Clone,
    {
        let At2(i, j) = self;
        d.get(i)?.get(j).cloned()
    }
}

/// `y = v[i] => dv[i] += dy` (also `y = v[i][j]` at [`At2`]).
#[inline(always)]
pub fn dense_add<A, I: DenseIndex<A>>(d: &mut Vec<A>, i: I, g: I::Elem) {
    i.add(d, g);
}

/// `dv[i] += g` past the end of the buffer: zeros up to `i` first (within the kept capacity
/// after the first trip). `extern "C"`: a call that cannot unwind (`records.rs`).
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn grow_add<E: Adjoint>(d: &mut Vec<E>, i: usize, g: E) {
    d.resize_with(i + 1, E::zero_adj);
    d[i].add_adj(g);
}

/// `dv[i][j] += g` past the end of the buffer or of row `i`: empty rows up to `i`, zeros up to
/// `j` in row `i` first.
#[cold]
#[inline(never)]
#[allow(improper_ctypes_definitions)]
extern "C" fn grow_add_row<E: Adjoint>(d: &mut Vec<Vec<E>>, At2(i, j): At2, g: E) {
    if i >= d.len() {
        d.resize_with(i + 1, Vec::new);
    }
    grow_add(&mut d[i], j, g);
}

/// `y = v[i] => dv[i] += dy` where `dv` was fitted to `v`'s length ([`dense_fit`]) before the
/// loop that reads it: an index check, no growth path, so the loop's reverse sweep has no call
/// on it (a call there that may unwind makes the compiler keep the sweep's accumulators in
/// memory; see `records.rs`). At [`At2`], a row still grows.
///
/// # Panics
/// If `i` is past the fitted length (the forward sweep's read of `v[i]` would have panicked).
#[inline(always)]
pub fn dense_add_in<A, I: DenseIndex<A>>(d: &mut [A], i: I, g: I::Elem) {
    i.add_in(d, g);
}

/// A zero element adjoint of the dense buffer `d`: a register of the window of a loop that reads
/// its local only at `i + c` (see `reverse/window.rs` in the macro crate). It starts from, and
/// [`window_flush`] / [`window_take`] reset it to, [`Adjoint::identity_adj`] (`-0.0` for floats),
/// so the first add of a trip into it folds away: `w = 0 + g * x` in a recurrence's reverse
/// trip is then one multiply on the chain, not a multiply and an add.
#[inline(always)]
pub fn window_zero<E: Adjoint>(_d: &[E]) -> E {
    E::identity_adj()
}

/// `y = v[i + c] => w_c += dy`: the adjoint of a read goes into the window register of its
/// offset `c` instead of into `dv[i + c]`.
#[inline(always)]
pub fn window_add<E: Adjoint>(w: &mut E, g: E) {
    w.add_adj(g);
}

/// `dv[i + c] += w_c`, `w_c = 0`: a register whose element gets no more contributions (the
/// reverse trips run `i` downwards) is added into the buffer once. An index outside the buffer
/// (`i + c` below zero or past the end) is only reached by a register no read added to (every
/// read was in bounds in the forward sweep, and the buffer is fitted to the local's length), so
/// it is skipped.
#[inline(always)]
pub fn window_flush<E: Adjoint>(d: &mut [E], i: usize, c: isize, w: &mut E) {
    let g = core::mem::replace(w, E::identity_adj());
    if let Some(e) = d.get_mut(i.wrapping_add_signed(c)) {
        e.add_adj(g);
    }
}

/// `v[i + c] = y => dy += w_c + dv[i + c]`, `w_c = dv[i + c] = 0`: a write in a loop whose
/// window holds part of the element's adjoint in register `w_c` (see `reverse/window.rs` in the
/// macro crate) takes both parts. `None` past the end, where the adjoint is zero (the register
/// is then zero too: every write was in bounds in the forward sweep).
#[inline(always)]
pub fn window_take<E: Adjoint>(d: &mut [E], i: usize, w: &mut E) -> Option<E> {
    let g = core::mem::replace(w, E::identity_adj());
    dense_take(d, i).map(|mut t| {
        t.add_adj(g);
        t
    })
}

/// `y = f(&v) => dv += (∂f/∂v)ᵀ dy`: a callee's cotangent for a dense local passed by shared
/// borrow, a `Vec` of element adjoints, added into the buffer as a whole move's is
/// ([`dense_move`]: swapped in when the buffer is zero; a `None` slot is a zero cotangent).
#[inline]
pub fn dense_add_slot<E: Adjoint, S: crate::__private::GradSlot<Vec<E>>>(d: &mut Vec<E>, g: S) {
    if let Some(mut g) = g.into_adjoint() {
        dense_move(d, &mut g);
    }
}

/// Grows `dv` with zeros to `len` (the length the local had in the forward sweep), keeping what
/// it holds: a longer buffer is the same adjoint (zero past the local's end).
#[inline]
pub fn dense_fit<E: Adjoint>(d: &mut Vec<E>, len: usize) {
    if d.len() < len {
        d.resize_with(len, E::zero_adj);
    }
}

/// The element a push writes, as a `usize`: the length before the push, or the loop variable of
/// `for i in 0..n` when every trip pushes once (the macro's `lower/push_index.rs`), which may
/// have any integer type (`for i in 0..n as u32`). It counts trips from 0, so it is never
/// negative.
pub trait PushPosition: Copy {
    /// The position as an index.
    fn position(self) -> usize;
}

macro_rules! push_positions {
    ($($t:ty),*) => {$(
        impl PushPosition for $t {
            #[inline(always)]
            fn position(self) -> usize {
                debug_assert!(usize::try_from(self).is_ok(), "a push position is a trip count");
                self as usize
            }
        }
    )*};
}
push_positions!(
    usize, u8, u16, u32, u64, u128, isize, i8, i16, i32, i64, i128
);

/// [`PushPosition::position`] of `p`.
#[inline(always)]
pub fn push_position<P: PushPosition>(p: P) -> usize {
    p.position()
}

/// `v[i] = y => dy += dv[i], dv[i] = 0` (returns `dv[i]`; `None` past the end, where it is
/// zero); also `v[i][j] = y` at [`At2`].
#[inline(always)]
pub fn dense_take<A, I: DenseIndex<A>>(d: &mut [A], i: I) -> Option<I::Elem> {
    i.take(d)
}

/// `y[i] = y[i] ± t`, an update in place: `dy[i]` passes through to `t` and stays in the
/// buffer (a copy of it; `None` past the end, where it is zero).
#[inline(always)]
pub fn dense_get<A, I: DenseIndex<A>>(d: &[A], i: I) -> Option<I::Elem>
where
    I::Elem: Clone,
{
    i.get(d)
}

/// `v = w` (a move or copy of a whole local `Vec`): `dw += dv`, `dv = 0`. When `dw` is zero the
/// buffers are swapped (no copy, no allocation); `dv` keeps the capacity it gets.
#[inline]
pub fn dense_move<E: Adjoint>(dw: &mut Vec<E>, dv: &mut Vec<E>) {
    if E::buffer_is_zero(dw) {
        core::mem::swap(dw, dv);
        return;
    }
    add_drain(dw, dv);
}

/// `dst += src`, `src = 0`, elementwise; `dst` grows with zeros to `src`'s length (`src` keeps
/// its capacity).
fn add_drain<E: Adjoint>(dst: &mut Vec<E>, src: &mut Vec<E>) {
    if src.len() > dst.len() {
        dst.resize_with(src.len(), E::zero_adj);
    }
    for (a, b) in dst.iter_mut().zip(src.drain(..)) {
        a.add_adj(b);
    }
}

/// `v = vec![e; n] => de += Σ dv`, `dv = 0` (the buffer is kept for the next trip).
#[inline]
pub fn dense_repeat<E: Adjoint>(d: &mut Vec<E>) -> Option<E> {
    if E::buffer_is_zero(d) {
        return None;
    }
    let mut total = E::zero_adj();
    for e in d.drain(..) {
        total.add_adj(e);
    }
    Some(total)
}

/// `v = <a value without derivative> => dv = 0` (the buffer is kept for the next trip).
#[inline(always)]
pub fn dense_clear<E: Adjoint>(d: &mut Vec<E>) {
    E::clear_buffer(d);
}

/// `v = x.to_vec()` where `x`'s adjoint is an `Option<Vec>` slot: `dx += dv`, `dv = 0`.
#[inline]
pub fn dense_into<E: Adjoint>(dx: &mut Option<Vec<E>>, dv: &mut Vec<E>) {
    if E::buffer_is_zero(dv) {
        return;
    }
    match dx {
        Some(x) => add_drain(x, dv),
        None => acc(dx, core::mem::take(dv)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_grow_a_zero_buffer_and_writes_take_out() {
        // y = v[2] + 3 v[0] => dv = (3, 0, 1); then v[2] = z => dz = 1, dv[2] = 0
        let mut d: Vec<f64> = Vec::new();
        dense_add(&mut d, 2, 1.0);
        dense_add(&mut d, 0, 3.0);
        assert_eq!(d, vec![3.0, 0.0, 1.0]);
        assert_eq!(dense_take(&mut d, 2), Some(1.0));
        assert_eq!(dense_take(&mut d, 7), None);
        assert_eq!(d, vec![3.0, 0.0, 0.0]);
    }

    #[test]
    fn window_registers_start_from_the_identity_of_addition() {
        // w = -0.0, so w + g == g bit for bit (+0.0 + -0.0 would be +0.0); a flush adds w into
        // dv[i + c] and leaves -0.0 again, as does a take (dy = dv[i] + w, dv[i] = 0)
        let mut d = vec![0.0f64, 0.0, 5.0];
        let mut w = window_zero(&d);
        assert_eq!(w.to_bits(), (-0.0f64).to_bits());
        window_add(&mut w, -0.0);
        assert_eq!(
            w.to_bits(),
            (-0.0f64).to_bits(),
            "-0.0 + -0.0 keeps the sign"
        );
        window_add(&mut w, 1.5);
        window_flush(&mut d, 2, -1, &mut w);
        assert_eq!(d, vec![0.0, 1.5, 5.0]);
        assert_eq!(w.to_bits(), (-0.0f64).to_bits());
        window_flush(&mut d, 0, -1, &mut w);
        assert_eq!(
            d[0].to_bits(),
            0.0f64.to_bits(),
            "a register never added leaves +0.0"
        );
        window_add(&mut w, 2.0);
        assert_eq!(window_take(&mut d, 2, &mut w), Some(7.0));
        assert_eq!((d[2], w.to_bits()), (0.0, (-0.0f64).to_bits()));
        let w32: f32 = window_zero(&[0.0f32]);
        assert_eq!(w32.to_bits(), (-0.0f32).to_bits());
    }

    #[test]
    fn fitting_grows_with_zeros_and_fitted_adds_index() {
        // dv = (1) fitted to 3 => (1, 0, 0); y = v[2] => dv[2] += 2
        let mut d = vec![1.0];
        dense_fit(&mut d, 3);
        dense_add_in(&mut d, 2, 2.0);
        assert_eq!(d, vec![1.0, 0.0, 2.0]);
        dense_fit(&mut d, 2);
        assert_eq!(d.len(), 3, "fitting never shortens");
    }

    #[test]
    fn a_move_swaps_into_a_zero_destination_and_adds_otherwise() {
        // u = w with dw = 0: dw takes du's buffer, du is zero
        let (mut dw, mut du) = (Vec::with_capacity(4), vec![1.0, 2.0]);
        dense_move(&mut dw, &mut du);
        assert_eq!((dw.clone(), du.is_empty()), (vec![1.0, 2.0], true));
        assert!(du.capacity() >= 4, "the zero buffer keeps its capacity");
        // u = w with dw = (1, 2): dw += du = (0.5, 0.5, 0.5)
        let mut du = vec![0.5; 3];
        dense_move(&mut dw, &mut du);
        assert_eq!(dw, vec![1.5, 2.5, 0.5]);
        assert!(du.is_empty());
    }

    #[test]
    fn repeat_sums_and_into_adds_into_the_source() {
        // v = vec![e; 3] => de = Σ dv
        let mut d = vec![1.0, 2.0, 4.0];
        assert_eq!(dense_repeat(&mut d), Some(7.0));
        assert!(d.is_empty() && d.capacity() >= 3);
        assert_eq!(dense_repeat::<f64>(&mut d), None);
        // v = x.to_vec() => dx += dv
        let mut dx = Some(vec![1.0]);
        let mut dv = vec![1.0, 1.0];
        dense_into(&mut dx, &mut dv);
        assert_eq!(dx, Some(vec![2.0, 1.0]));
        let mut dx = None;
        let mut dv = vec![3.0];
        dense_into(&mut dx, &mut dv);
        assert_eq!(dx, Some(vec![3.0]));
    }

    #[test]
    fn a_cleared_buffer_of_rows_keeps_its_rows_for_the_next_step() {
        // next = vec![vec![0.0; 3]; 2] => dnext = 0, its two rows kept with their capacity
        let mut dnext = vec![vec![1.0, 2.0, 3.0], vec![4.0]];
        dense_clear(&mut dnext);
        assert_eq!(dnext.len(), 2);
        assert!(dnext.iter().all(|r| r.is_empty()) && dnext[0].capacity() >= 3);
        // u = next with dnext zero: the buffers swap, so du takes the kept rows
        let mut du = vec![vec![5.0, 6.0]];
        dense_move(&mut dnext, &mut du);
        assert_eq!(dnext, vec![vec![5.0, 6.0]]);
        assert_eq!(du.len(), 2, "du holds the emptied rows");
        // y = u[1][2] => du[1][2] += 1 grows the kept row within its capacity
        dense_fit(&mut du, 2);
        dense_add_in(&mut du, At2(1, 2), 1.0);
        assert_eq!(du, vec![vec![], vec![0.0, 0.0, 1.0]]);
        // emptied rows are zero: nothing to add into a parameter, nothing to sum
        let mut zero_rows: Vec<Vec<f64>> = vec![Vec::new(); 3];
        let mut dx: Option<Vec<Vec<f64>>> = None;
        dense_into(&mut dx, &mut zero_rows);
        assert_eq!(dx, None);
        assert_eq!(dense_repeat(&mut zero_rows), None);
    }
}
