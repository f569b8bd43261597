//! Buffers made afresh on every trip of a loop and moved over an outer one.
//!
//! A time-stepping loop often writes each step into a new buffer and moves it over the state:
//! `let mut next = vec![0.0; n]; .. u = next;`. As written, every trip allocates `next` and
//! frees the buffer `u` held. The forward sweep of a generated gradient keeps that freed buffer
//! instead ([`spare_keep`]) and makes the next trip's `vec![e; n]` in it ([`spare_filled`]):
//! the same values, one allocation for the whole loop instead of one per trip.

/// `vec![e; n]`, made in the buffer `spare` holds when it holds one (then `spare` is left
/// empty); the values are those of `vec![e; n]` either way (`Clone::clone_from` each kept
/// element, then clones of `e` up to `n`). The buffer's capacity may exceed `n`.
#[inline(always)]
pub fn spare_filled<T: Clone>(spare: &mut Option<Vec<T>>, e: T, n: usize) -> Vec<T> {
    match spare.take() {
        Some(mut v) => {
            v.truncate(n);
            for x in v.iter_mut() {
                x.clone_from(&e);
            }
            v.resize(n, e);
            // Said outright, the length lets the compiler drop the bounds checks of `v[i]`
            // under `i < n`, as it does for the `vec!` (whose length it sees). It reaches the
            // caller's loops only inlined: called, the function kept it to itself (a refilled
            // `next` then cost the heat stencil's forward sweep three bounds checks per cell).
            assert!(v.len() == n);
            v
        }
        None => vec![e; n],
    }
}

/// Keeps `old` (the buffer an assignment `u = next` replaced) for the next [`spare_filled`].
#[inline]
pub fn spare_keep<T>(spare: &mut Option<Vec<T>>, old: Vec<T>) {
    *spare = Some(old);
}

/// An empty `Vec` with room for `cap` elements, made in the buffer `spare` holds when it holds
/// one (cleared; then `spare` is left empty): `Vec::with_capacity(cap)` (or `Vec::new()`, with
/// `cap` 0) without an allocation per trip once a buffer is kept.
#[inline(always)]
pub fn spare_cleared<T>(spare: &mut Option<Vec<T>>, cap: usize) -> Vec<T> {
    match spare.take() {
        Some(mut v) => {
            v.clear();
            v.reserve(cap);
            v
        }
        None => Vec::with_capacity(cap),
    }
}

/// Sizes the empty `v` to the trip count `n` of the loop about to run, whose every trip pushes
/// one element at its index (`lower/push_index.rs`): `n` default elements, which the trips then
/// overwrite as `v[i] = x`. After the loop `v` is what the pushes make.
///
/// The length said outright (and the function inlined into the caller) lets the compiler drop
/// the bounds check of `v[i]` under `i < n`, as it does for a `vec![0.0; n]` it sees made.
///
/// # Panics
///
/// In debug builds, when `v` is not empty (the generated code calls it only on an empty `v`).
#[inline(always)]
pub fn fill_for_pushes<T: Default + Clone>(v: &mut Vec<T>, n: usize) {
    debug_assert!(v.is_empty());
    v.resize(n, T::default());
    assert!(v.len() == n);
}

/// The number of items of the range `r` (`0..e` has `e`): its lower size bound, which for a
/// range is exact.
#[inline(always)]
pub fn range_len<I>(r: &core::ops::Range<I>) -> usize
where
    core::ops::Range<I>: Iterator,
{
    r.size_hint().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_buffer_is_refilled_to_the_new_length() {
        let mut spare = None;
        let a = spare_filled(&mut spare, 1.5, 3);
        assert_eq!(a, vec![1.5; 3]);
        spare_keep(&mut spare, vec![9.0; 5]);
        let b = spare_filled(&mut spare, 0.0, 2);
        assert_eq!(b, vec![0.0; 2]);
        assert!(spare.is_none());
        spare_keep(&mut spare, b);
        let c = spare_filled(&mut spare, -1.0, 4);
        assert_eq!(c, vec![-1.0; 4]);
    }

    #[test]
    fn a_kept_buffer_is_cleared_and_a_range_fills_it() {
        let mut spare = Some(vec![3.0; 5]);
        let mut v: Vec<f64> = spare_cleared(&mut spare, 8);
        assert!(v.is_empty() && v.capacity() >= 8 && spare.is_none());
        fill_for_pushes(&mut v, range_len(&(0..4usize)));
        assert_eq!(v, vec![0.0; 4]);
        let mut w: Vec<f32> = spare_cleared(&mut Some(vec![1.0f32; 2]), 0);
        fill_for_pushes(&mut w, range_len(&(0..3i32)));
        assert_eq!(w, vec![0.0f32; 3]);
        let mut e: Vec<f64> = Vec::new();
        fill_for_pushes(&mut e, range_len(&(0..0u64)));
        assert!(e.is_empty());
    }

    #[test]
    fn rows_of_a_kept_grid_are_refilled_in_place() {
        let mut spare = Some(vec![vec![7.0; 4]; 3]);
        let g = spare_filled(&mut spare, vec![0.0; 2], 4);
        assert_eq!(g, vec![vec![0.0; 2]; 4]);
        let g = spare_filled(&mut Some(g), vec![1.0; 3], 0);
        assert!(g.is_empty());
    }
}
