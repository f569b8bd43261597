//! Range reads `&v[a..b]` inside `#[differentiable]` code: the lowering writes them as
//! [`range_of`], an owned copy of the elements, differentiated through its companions.

use crate::__private::TangentArg;
use crate::adjoint::Adjoint;
use crate::differentiable::Differentiable;

/// The elements `v[start..end]`, copied. `v` is anything that derefs to a slice as an index
/// base does (`&[T]`, `&Vec<T>`, `&[T; N]`, and references to those: `let r = &p; &r[1..]`).
#[inline]
pub fn range_of<T: Clone, V: AsRef<[T]> + ?Sized>(v: &V, start: usize, end: usize) -> Vec<T> {
    v.as_ref()[start..end].to_vec()
}

/// One past the last index of the slice `v[r]` for an inclusive range `r = a..=b`: `b + 1`, or
/// `b` once `r` is exhausted (`next()` ran it to its end; `std` then indexes nothing). The
/// macro writes `&v[r]` as `&v[*r.start()..inclusive_end(&r)]`.
///
/// # Panics
/// When `b` is `usize::MAX`, with `std`'s message for `v[a..=usize::MAX]`.
#[inline]
pub fn inclusive_end(r: &core::ops::RangeInclusive<usize>) -> usize {
    use core::ops::{Bound, RangeBounds};
    match r.end_bound() {
        Bound::Excluded(&b) => b,
        _ => r
            .end()
            .checked_add(1)
            .expect("attempted to index slice up to maximum usize"),
    }
}

/// The elements `v[start..end]`, borrowed: a range read of a parameter, which cannot change
/// while the gradient is computed (the reverse sweep adds its adjoint with [`acc_range`]).
#[inline(always)]
pub fn range_view<T, V: AsRef<[T]> + ?Sized>(v: &V, start: usize, end: usize) -> &[T] {
    &v.as_ref()[start..end]
}

/// `y = v[a..a + n] => dv[a + k] += dy[k]` for `k < n`, straight into `v`'s adjoint slot (which
/// grows with zeros to `a + n` when shorter: a slice's adjoint holds the elements up to the last
/// one that received an adjoint). `g` may be shorter than the range for the same reason.
#[inline]
pub fn acc_range<E: Adjoint>(d: &mut Option<Vec<E>>, start: usize, g: Vec<E>) {
    if g.is_empty() {
        return;
    }
    let d = d.get_or_insert_with(Vec::new);
    if d.len() < start + g.len() {
        d.resize_with(start + g.len(), E::zero_adj);
    }
    for (e, x) in d[start..].iter_mut().zip(g) {
        e.add_adj(x);
    }
}

/// The adjoint `d` of a range's base as cells, grown with zeros to `end` elements first (a
/// slice's adjoint may stop at its last element that received an adjoint): what the
/// `RangeSlot`s of one call (see `slotarg.rs`) lend their callee, several ranges of one base at
/// once.
#[inline(always)]
pub fn range_cells<E: Adjoint>(d: &mut Option<Vec<E>>, end: usize) -> &[core::cell::Cell<E>] {
    let v = d.get_or_insert_with(Vec::new);
    if v.len() < end {
        v.resize_with(end, E::zero_adj);
    }
    core::cell::Cell::from_mut(v.as_mut_slice()).as_slice_of_cells()
}

/// The cells [`range_cells`] made once before a loop, taken by one of its trips' calls whose
/// ranges end at `end` (the macro crate's `reverse/lent_cells.rs`): they already cover every
/// range of the parameter, so the trip tests nothing.
#[inline(always)]
pub fn held_cells<E>(cells: &[core::cell::Cell<E>], end: usize) -> &[core::cell::Cell<E>] {
    debug_assert!(end <= cells.len(), "a lent range ends past its parameter");
    cells
}

/// [`acc_range`] from the scratch buffer a range argument of a fused call lends its callee (see
/// `ScratchSlot` in `slotarg.rs`): `dv[a + k] += g[k]`, leaving `g[k] = 0`, so the buffer is
/// zeros of its length again for the next call (which then lends it without a fill).
#[inline]
pub fn acc_range_drain<E: Adjoint>(d: &mut Option<Vec<E>>, start: usize, g: &mut [E]) {
    if g.is_empty() {
        return;
    }
    let d = d.get_or_insert_with(Vec::new);
    if d.len() < start + g.len() {
        d.resize_with(start + g.len(), E::zero_adj);
    }
    for (e, x) in d[start..].iter_mut().zip(g) {
        e.add_adj(core::mem::replace(x, E::zero_adj()));
    }
}

/// [`acc_range`] into the cells a loop made once before its reverse sweep (the macro crate's
/// `reverse/lent_cells.rs`): `dv[a + k] += g[k]`. The cells cover the whole parameter, so the
/// range fits.
///
/// # Panics
/// If `a + g.len()` exceeds the cells (a fault in the generated code).
#[inline]
pub fn acc_range_cells<E: Adjoint>(cells: &[core::cell::Cell<E>], start: usize, g: Vec<E>) {
    // nothing received (the call added into the base itself): no range to check, as `acc_range`
    if g.is_empty() {
        return;
    }
    for (c, x) in cells[start..start + g.len()].iter().zip(g) {
        crate::slotarg::cell_add(c, x);
    }
}

/// [`acc_range_drain`] into cells made once (as [`acc_range_cells`]): `dv[a + k] += g[k]`,
/// leaving `g[k] = 0`.
///
/// # Panics
/// If `a + g.len()` exceeds the cells (a fault in the generated code).
#[inline]
pub fn acc_range_drain_cells<E: Adjoint>(cells: &[core::cell::Cell<E>], start: usize, g: &mut [E]) {
    if g.is_empty() {
        return;
    }
    for (c, x) in cells[start..start + g.len()].iter().zip(g) {
        crate::slotarg::cell_add(c, core::mem::replace(x, E::zero_adj()));
    }
}

/// Reverse-mode companion of [`range_of`] on a slice. The reverse sweep of `#[differentiable]`
/// code adds a range's adjoint with [`acc_range`] instead (no pullback per read).
#[doc(hidden)]
#[allow(clippy::type_complexity)]
pub fn __range_of_derivative_6970e1dff50212ad9675c941495a153a<T: Clone + Differentiable>(
    v: &[T],
    start: usize,
    end: usize,
) -> (
    Vec<T>,
    impl Fn(Vec<T::Adjoint>) -> (Option<Vec<T::Adjoint>>, (), ()) + use<T>,
) {
    // y = v[a..b] => dv[a + k] += dy[k]: the adjoint shifted right by `start`, zeros before it
    let y = range_of(v, start, end);
    let pullback = move |g: Vec<T::Adjoint>| {
        let mut d: Vec<T::Adjoint> = Vec::with_capacity(start + g.len());
        d.resize_with(start, T::Adjoint::zero_adj);
        d.extend(g);
        (Some(d), (), ())
    };
    (y, pullback)
}

/// Forward-mode companion of [`range_of`].
#[doc(hidden)]
pub fn __range_of_forward_derivative_e388a1fb461bde0310c902240248b69c<T, V>(
    v: &V,
    start: usize,
    end: usize,
    dv: impl TangentArg<Vec<T::Tangent>>,
    _: impl Sized,
    _: impl Sized,
) -> (Vec<T>, Vec<T::Tangent>)
where
    T: Clone + Differentiable,
    T::Tangent: Clone,
    V: AsRef<[T]> + ?Sized,
{
    // y = v[a..b] => dy = dv[a..b]
    let t = dv.tangent_or_zero(v.as_ref());
    (range_of(v, start, end), t[start..end].to_vec())
}

/// `k`, checked against the length `len` of a part of a slice (`w[k]` of `for w in
/// v.windows(n)`, read as `v[start + k]`): panics as indexing the part would.
#[inline(always)]
#[track_caller]
pub fn view_index(k: usize, len: usize) -> usize {
    if k >= len {
        view_index_failed(k, len);
    }
    k
}

#[cold]
#[inline(never)]
#[track_caller]
fn view_index_failed(k: usize, len: usize) -> ! {
    panic!("index out of bounds: the len is {len} but the index is {k}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acc_range_adds_at_the_offset_and_grows_the_slot() {
        let mut d: Option<Vec<f64>> = None;
        acc_range(&mut d, 2, vec![1.0, 2.0]);
        assert_eq!(d, Some(vec![0.0, 0.0, 1.0, 2.0]));
        acc_range(&mut d, 1, vec![0.5]);
        acc_range(&mut d, 3, vec![1.0, 4.0]);
        acc_range(&mut d, 9, Vec::new());
        assert_eq!(d, Some(vec![0.0, 0.5, 1.0, 3.0, 4.0]));
        assert_eq!(range_view(&[1, 2, 3, 4], 1, 3), &[2, 3]);
    }

    #[test]
    fn cells_made_once_take_lends_and_range_adds() {
        // made once for a parameter of 5: every range of it fits, and adds land at their offset
        let mut d: Option<Vec<f64>> = None;
        let cells = range_cells(&mut d, 5);
        let lent = held_cells(cells, 3);
        crate::slotarg::cell_add(&lent[1], 2.0);
        acc_range_cells(cells, 2, vec![1.0, 0.5]);
        acc_range_cells(cells, 5, Vec::new());
        let mut scr = vec![4.0, 0.25];
        acc_range_drain_cells(cells, 3, &mut scr);
        assert!(scr.iter().all(|x| x.abs() < 1e-15), "{scr:?}");
        acc_range_drain_cells(cells, 9, &mut []);
        let (got, want) = (d.expect("made"), [0.0, 2.0, 1.0, 4.5, 0.25]);
        assert_eq!(got.len(), want.len());
        assert!(
            got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15),
            "{got:?}"
        );
    }

    #[test]
    fn range_adjoint_lands_at_its_offset() {
        let v = [1.0, 2.0, 3.0, 4.0];
        let (y, pb) = __range_of_derivative_6970e1dff50212ad9675c941495a153a(&v, 1, 3);
        assert_eq!(y, vec![2.0, 3.0]);
        assert_eq!(pb(vec![5.0, 6.0]).0, Some(vec![0.0, 5.0, 6.0]));
        let (y, t) = __range_of_forward_derivative_e388a1fb461bde0310c902240248b69c(
            &v,
            2,
            4,
            crate::__private::Tg(vec![0.1, 0.2, 0.3, 0.4]),
            crate::__private::NoTangent,
            crate::__private::NoTangent,
        );
        assert_eq!((y, t), (vec![3.0, 4.0], vec![0.3, 0.4]));
    }
}
