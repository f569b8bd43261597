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
    fn rows_of_a_kept_grid_are_refilled_in_place() {
        let mut spare = Some(vec![vec![7.0; 4]; 3]);
        let g = spare_filled(&mut spare, vec![0.0; 2], 4);
        assert_eq!(g, vec![vec![0.0; 2]; 4]);
        let g = spare_filled(&mut Some(g), vec![1.0; 3], 0);
        assert!(g.is_empty());
    }
}
