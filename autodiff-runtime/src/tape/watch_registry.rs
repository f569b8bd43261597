//! Which recording tapes watch which constants. A constant (a tensor on no tape) that a tape
//! watches is recorded on that tape's graph from then on, like TensorFlow's watched tensors;
//! the constant itself is not changed (`watch` takes `&Tensor`), so the link lives here, per
//! thread, and is removed when the tape stops recording.

use std::any::Any;
use std::cell::RefCell;

use super::graph::GraphRef;
use crate::real::Real;

struct Entry {
    key: u64,
    tape: u64,
    /// The watching tape's family (a `GraphRef<T>`, its scalar type erased).
    graph: Box<dyn Any>,
}

thread_local! {
    static WATCHED: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// `tape` (on `graph`) watches the constant `key`.
pub(crate) fn add<T: Real>(key: u64, tape: u64, graph: &GraphRef<T>) {
    WATCHED.with(|w| {
        w.borrow_mut().push(Entry {
            key,
            tape,
            graph: Box::new(*graph),
        })
    });
}

/// `tape` stopped recording.
pub(crate) fn remove_tape(tape: u64) {
    // `try_with`: a tape dropped while the thread's locals are torn down has nothing to remove.
    let _ = WATCHED.try_with(|w| w.borrow_mut().retain(|e| e.tape != tape));
}

/// The recording graph that watches the constant `key`, if any.
pub(crate) fn graph_of<T: Real>(key: u64) -> Option<GraphRef<T>> {
    WATCHED.with(|w| {
        let w = w.borrow();
        if w.is_empty() {
            return None;
        }
        w.iter()
            .filter(|e| e.key == key)
            .filter_map(|e| e.graph.downcast_ref::<GraphRef<T>>().copied())
            .find(|g| g.is_recording())
    })
}
