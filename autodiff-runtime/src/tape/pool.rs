//! Node arenas reused across tapes on a thread: a training loop opens a tape per step, and
//! without reuse every step would grow a fresh arena from empty (reallocating and copying it
//! several times). A dropped graph hands its cleared arena back here; the next graph takes it.

use std::any::Any;
use std::cell::RefCell;

use super::graph::Node;
use crate::real::Real;

/// Arenas larger than this many nodes are freed, not kept.
const MAX_KEPT_NODES: usize = 1 << 16;
/// How many arenas a thread keeps (nested tapes share one; several families may be alive).
const MAX_KEPT: usize = 4;
/// The capacity of a fresh arena.
const FIRST_CAPACITY: usize = 16;

thread_local! {
    /// Boxes of `Vec<Node<T>>` for `f32` and `f64`; an emptied box stays for the next give.
    static POOL: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// An empty arena, with the capacity of an earlier one when there is one.
pub(crate) fn take<T: Real>() -> Vec<Node<T>> {
    POOL.try_with(|p| {
        p.borrow_mut()
            .iter_mut()
            .filter_map(|b| b.downcast_mut::<Vec<Node<T>>>())
            .find(|v| v.capacity() > 0)
            .map(std::mem::take)
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| Vec::with_capacity(FIRST_CAPACITY))
}

/// Returns an arena (its nodes are dropped here).
pub(crate) fn give<T: Real>(mut nodes: Vec<Node<T>>) {
    nodes.clear();
    if nodes.capacity() == 0 || nodes.capacity() > MAX_KEPT_NODES {
        return;
    }
    // `try_with`: a graph dropped while the thread's locals are torn down just frees its arena.
    let _ = POOL.try_with(|p| {
        let mut p = p.borrow_mut();
        let kept = p.len();
        let empty = p
            .iter_mut()
            .filter_map(|b| b.downcast_mut::<Vec<Node<T>>>())
            .find(|v| v.capacity() == 0);
        match empty {
            Some(slot) => *slot = nodes,
            None if kept < MAX_KEPT => p.push(Box::new(nodes)),
            None => {}
        }
    });
}
