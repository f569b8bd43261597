//! The graphs of a thread, reused across tape families. A training loop opens a tape per step;
//! without reuse every step would grow a fresh arena from empty (reallocating and copying it
//! several times). A family that ends (its last tape dropped) empties its graph and hands it
//! back here; the next family takes it, with its arena's capacity and the backward pass's
//! scratch buffers, so a step of recording and one `gradient` allocates nothing once the buffers
//! have grown.
//!
//! Graphs are allocated once per thread and never freed (`Box::leak`): a tensor addresses its
//! graph with a plain `&'static` reference and the family's generation, so making, copying and
//! dropping a tensor touches no reference count, and a tensor of an ended family is told apart
//! by its generation (`graph.rs`). A thread keeps as many graphs as it had families alive at
//! once; when the thread ends, the buffers of its free graphs are released (the graphs
//! themselves, a few hundred bytes each, stay).

use std::any::Any;
use std::cell::RefCell;

use super::graph::Graph;
use super::sources::SourceKey;
use crate::real::Real;

/// Arenas larger than this many nodes are freed, not kept.
const MAX_KEPT_NODES: usize = 1 << 16;
/// How many free graphs of a thread keep their buffers (several families may be alive at once).
const MAX_KEPT: usize = 4;
/// The capacity of a fresh arena.
pub(crate) const FIRST_CAPACITY: usize = 16;

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

/// A free graph and how to release its buffers (the graph's scalar type is erased).
type FreeGraph = (&'static dyn Any, fn(&'static dyn Any));

/// The free graphs of a thread; their buffers are released when the thread ends.
struct Free(Vec<FreeGraph>);

impl Drop for Free {
    fn drop(&mut self) {
        for (g, release) in self.0.drain(..) {
            release(g);
        }
    }
}

thread_local! {
    static FREE: RefCell<Free> = const { RefCell::new(Free(Vec::new())) };
}

/// A free graph of this thread for scalars `T` (the most recently freed, whose buffers are
/// warm), or a new one.
pub(crate) fn take<T: Real>() -> &'static Graph<T> {
    FREE.try_with(|f| {
        let mut f = f.borrow_mut();
        let pos = f.0.iter().rposition(|(g, _)| g.is::<Graph<T>>())?;
        f.0.remove(pos).0.downcast_ref::<Graph<T>>()
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| Box::leak(Box::new(Graph::empty())))
}

/// Takes back the graph of a family that ended. Its nodes are plain numbers and indices (no
/// drop), so emptying the arena visits none; what they share (matrices, compiled calls) is in
/// the side table, dropped here. `reuse` is `false` for a graph whose generations are used up:
/// it is emptied and never handed out again.
pub(crate) fn give<T: Real>(graph: &'static Graph<T>, reuse: bool) {
    graph.nodes.borrow_mut().clear();
    // Taken out so that the records' drops (compiled pullbacks' captures) run with no borrow held.
    let mut side = std::mem::take(&mut *graph.side.borrow_mut());
    side.clear();
    *graph.side.borrow_mut() = side;
    let cap = graph.nodes.borrow().capacity();
    graph.leaves.borrow_mut().clear();
    if !reuse || cap > MAX_KEPT_NODES {
        release::<T>(graph);
    }
    if !reuse {
        return;
    }
    // `try_with`: a graph given back while the thread's locals are torn down is only emptied.
    let kept = FREE.try_with(|f| {
        let mut f = f.borrow_mut();
        let warm = f.0.iter().filter(|(g, _)| g.is::<Graph<T>>()).count();
        f.0.push((graph, release::<T>));
        warm
    });
    match kept {
        Ok(warm) if warm < MAX_KEPT => {}
        _ => release::<T>(graph),
    }
}

/// Frees a graph's buffers (the graph stays usable: they grow again from empty).
fn release<T: Real>(graph: &'static dyn Any) {
    if let Some(g) = graph.downcast_ref::<Graph<T>>() {
        *g.nodes.borrow_mut() = Vec::new();
        *g.leaves.borrow_mut() = Vec::new();
        *g.side.borrow_mut() = Vec::new();
        *g.scratch.borrow_mut() = Scratch::default();
    }
}
