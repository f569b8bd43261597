//! Node arenas reused across tapes on a thread: a training loop opens a tape per step, and
//! without reuse every step would grow a fresh arena from empty (reallocating and copying it
//! several times). A dropped graph hands its cleared arena back here; the next graph takes it.
//! The arena carries the list of leaves and the backward pass's scratch buffers with it, so a
//! step of recording and one `gradient` allocates nothing once the buffers have grown.

use std::any::Any;
use std::cell::RefCell;

use super::graph::Slot;
use super::sources::SourceKey;
use crate::real::Real;

/// Arenas larger than this many nodes are freed, not kept.
const MAX_KEPT_NODES: usize = 1 << 16;
/// How many arenas a thread keeps (nested tapes share one; several families may be alive).
const MAX_KEPT: usize = 4;
/// The capacity of a fresh arena.
const FIRST_CAPACITY: usize = 16;

/// What a graph owns that outlives it in the pool.
pub(crate) struct Arena<T: Real> {
    pub(crate) nodes: Vec<Slot<T>>,
    /// The indices of the leaves, in recording order.
    pub(crate) leaves: Vec<u32>,
    /// Scratch for the lean backward pass: flat adjoints and which nodes a target reaches.
    pub(crate) scratch: Scratch<T>,
}

/// The backward pass's buffers (`plain.rs`, `gradient_tape.rs`), cleared before each use.
pub(crate) struct Scratch<T: Real> {
    /// Per node: its adjoint (`-0.0` until a target reaches it, `plain.rs`).
    pub(crate) adj: Vec<T>,
    /// Per node: its adjoint and whether a target reaches it (the exact fallback of `plain.rs`).
    pub(crate) flagged: Vec<(T, bool)>,
    /// `(variable, source position)` pairs, sorted.
    pub(crate) by_var: Vec<(u64, usize)>,
    /// Each source's gradient.
    pub(crate) sums: Vec<Option<T>>,
    /// The sources of a `gradient` call (taken out while in use, so a nested call finds it empty).
    pub(crate) keys: Vec<SourceKey<T>>,
}

impl<T: Real> Default for Scratch<T> {
    fn default() -> Self {
        Scratch {
            adj: Vec::new(),
            flagged: Vec::new(),
            by_var: Vec::new(),
            sums: Vec::new(),
            keys: Vec::new(),
        }
    }
}

impl<T: Real> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            nodes: Vec::new(),
            leaves: Vec::new(),
            scratch: Scratch::default(),
        }
    }
}

thread_local! {
    /// Boxes of `Arena<T>` for `f32` and `f64`; an emptied box stays for the next give.
    static POOL: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// An empty arena, with the capacities of an earlier one when there is one.
pub(crate) fn take<T: Real>() -> Arena<T> {
    POOL.try_with(|p| {
        p.borrow_mut()
            .iter_mut()
            .filter_map(|b| b.downcast_mut::<Arena<T>>())
            .find(|a| a.nodes.capacity() > 0)
            .map(std::mem::take)
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| Arena {
        nodes: Vec::with_capacity(FIRST_CAPACITY),
        ..Arena::default()
    })
}

/// Returns an arena. Its nodes are dropped here when `holds_shared` says some node holds shared
/// data; otherwise they are plain numbers and indices, and emptying the arena visits none.
pub(crate) fn give<T: Real>(mut arena: Arena<T>, holds_shared: bool) {
    if holds_shared {
        arena
            .nodes
            .drain(..)
            .for_each(|slot| drop(Slot::into_inner(slot)));
    } else {
        arena.nodes.clear();
    }
    arena.leaves.clear();
    let cap = arena.nodes.capacity();
    if cap == 0 || cap > MAX_KEPT_NODES {
        return;
    }
    // `try_with`: a graph dropped while the thread's locals are torn down just frees its arena.
    let _ = POOL.try_with(|p| {
        let mut p = p.borrow_mut();
        let kept = p.len();
        let empty = p
            .iter_mut()
            .filter_map(|b| b.downcast_mut::<Arena<T>>())
            .find(|a| a.nodes.capacity() == 0);
        match empty {
            Some(slot) => *slot = arena,
            None if kept < MAX_KEPT => p.push(Box::new(arena)),
            None => {}
        }
    });
}
