//! The record a family of nested tapes shares: an arena of 32-byte nodes, each its operands'
//! indices, its partials and a small kind, with a side table for what does not fit (matrices,
//! compiled calls) and the leaves' keys. Nodes are only appended; a node's index is its time
//! stamp, so a tape knows what it recorded by the range of indices it was active for.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::lin::{Lin, linearize};
use super::pool::{self, Scratch};
use super::value::Value;
use crate::real::Real;

/// How many identities a thread takes from the process-wide counter at a time.
const ID_BLOCK: u64 = 1024;

/// A fresh identity for a constant, a variable or a graph (process-wide, never reused). Each
/// thread reserves a block of identities at once, so the common call is a thread-local
/// increment, not an atomic one (every gradient result is a fresh constant).
pub(crate) fn fresh_id() -> u64 {
    fresh_ids(1)
}

/// The first of `n` consecutive fresh identities (the gradients of one `gradient` call take
/// theirs at once: one thread-local access instead of one per source).
#[inline]
pub(crate) fn fresh_ids(n: u64) -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        /// The next identity of this thread's block and the end of the block.
        static BLOCK: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }
    BLOCK
        .try_with(|b| {
            let (next, end) = b.get();
            let (next, end) = if end - next >= n {
                (next, end)
            } else {
                let size = n.max(ID_BLOCK);
                let start = NEXT.fetch_add(size, Ordering::Relaxed);
                (start, start + size)
            };
            b.set((next + n, end));
            next
        })
        .unwrap_or_else(|_| NEXT.fetch_add(n, Ordering::Relaxed))
}

/// What a leaf stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LeafKey {
    /// A constant tensor (its identity, so `watch` can name it before it is used).
    Const(u64),
    /// A read of a variable.
    Var { id: u64, trainable: bool },
}

/// Elementwise and shape operations of one operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unary {
    Neg,
    Exp,
    Ln,
    Sin,
    Cos,
    Tanh,
    Sigmoid,
    Relu,
    Square,
    Sqrt,
    Transpose,
    /// All entries to one scalar.
    Sum,
    /// All entries to their mean.
    Mean,
}

/// Operations of two recorded operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    MatMul,
    /// `a · c` under the zero rule (`rules::times`), only in recorded pullbacks.
    Times,
    /// `a / c` under the zero rule (`rules::over`), only in recorded pullbacks.
    Over,
}

/// Operations of one recorded operand and a plain scalar constant `c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WithConst {
    /// `x + c`
    Add,
    /// `x · c`
    Mul,
    /// `x / c`
    Div,
    /// `c - x`
    RSub,
    /// `c / x`
    RDiv,
    /// `x^c`
    Pow,
}

/// A node's operand indices, inline (at most four: a compiled call's three arguments and, for an
/// opaque cotangent, the output cotangent).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operands {
    ids: [u32; 4],
    len: usize,
}

impl Operands {
    pub(crate) fn of(ids: &[u32]) -> Self {
        assert!(ids.len() <= 4, "a tape node has at most four operands");
        let mut out = Operands {
            ids: [0; 4],
            len: ids.len(),
        };
        out.ids[..ids.len()].copy_from_slice(ids);
        out
    }
}

impl core::ops::Deref for Operands {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.ids[..self.len]
    }
}

/// One recorded operation.
#[derive(Clone)]
pub(crate) enum Op<T: Real> {
    Leaf(LeafKey),
    Unary(Unary, u32),
    Binary(Binary, u32, u32),
    Const(WithConst, u32, T),
    /// A value spread over a matrix (the node's value has the shape): a scalar, or a matrix
    /// along its dimensions of length 1.
    Broadcast(u32),
    /// A matrix summed over the dimensions along which a smaller operand was broadcast (the
    /// node's value has the operand's shape): the gradient of a broadcast.
    SumTo(u32),
    /// Entry `(i, j)` of a matrix.
    Entry(u32, u32, u32),
    /// A compiled call with a scalar output: its gradient, computed when the call ran, per
    /// argument; the pullback is `g · grad`.
    ScalarCall(Rc<CallRecord<T>>),
    /// A compiled call with a matrix output: its pullback, re-run from the kept arguments.
    VjpCall(Rc<VjpRecord<T>>),
    /// A cotangent produced by a compiled pullback while a tape was recording: its value is
    /// right, its own derivative is not available from the tape.
    Opaque(Rc<OpaqueRecord>),
}

/// What a compiled call with a scalar output keeps (shared, so nodes stay small and cheap to
/// clone).
pub(crate) struct CallRecord<T: Real> {
    pub(crate) name: &'static str,
    pub(crate) args: smallvec::SmallVec<[u32; 3]>,
    pub(crate) grads: smallvec::SmallVec<[Value<T>; 3]>,
}

/// What a compiled call with a matrix output keeps: its argument nodes and its pullback (which
/// holds the argument values and re-runs `NAME_vjp` on them).
pub(crate) struct VjpRecord<T: Real> {
    pub(crate) name: &'static str,
    pub(crate) args: smallvec::SmallVec<[u32; 3]>,
    pub(crate) pull: VjpPull<T>,
}

/// A compiled call's pullback: the output cotangent to one gradient per argument.
pub(crate) type VjpPull<T> = Box<dyn Fn(&Value<T>) -> smallvec::SmallVec<[Value<T>; 3]>>;

/// The name and operands of an opaque cotangent (the compiled call's arguments and cotangent).
pub(crate) struct OpaqueRecord {
    pub(crate) name: &'static str,
    pub(crate) args: Vec<u32>,
}

impl<T: Real> Op<T> {
    /// The recorded operands, in order.
    pub(crate) fn operands(&self) -> Operands {
        match self {
            Op::Leaf(_) => Operands::of(&[]),
            Op::Unary(_, x)
            | Op::Const(_, x, _)
            | Op::Broadcast(x)
            | Op::SumTo(x)
            | Op::Entry(x, ..) => Operands::of(&[*x]),
            Op::Binary(_, a, b) => Operands::of(&[*a, *b]),
            Op::ScalarCall(c) => Operands::of(&c.args),
            Op::VjpCall(c) => Operands::of(&c.args),
            Op::Opaque(o) => Operands::of(&o.args),
        }
    }
}

/// What a node records, in the 8 bytes beside its partials. A scalar operation of scalar
/// operands (the common case) is told by its kind alone: its operands are the partials'
/// parents, its value is recomputed from theirs when a pass needs it (`replay.rs`), a
/// with-constant operation keeps its constant in the unused second partial and a scalar leaf its
/// value in the first. Everything else (matrices, entries, broadcasts, compiled calls, opaque
/// cotangents) keeps its operation and value in the graph's side table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A scalar leaf: its value in `partials[0]`, its key at `leaves[aux]`.
    Leaf,
    /// `y = u(x)`, `x` scalar at `parents[0]`.
    Unary(Unary),
    /// `y = a ∘ b`, both scalars at `parents`.
    Binary(Binary),
    /// `y = x ∘ c`, `x` scalar at `parents[0]`, `c` in `partials[1]`.
    Const(WithConst),
    /// Any other node: its operation and value at `side[aux]`.
    Side,
}

/// A recorded node: its local partials (for a scalar node that keeps them) and what it records.
/// 32 bytes for `f64` (24 for `f32`), with no drop: a scalar script's arena is emptied without
/// visiting its nodes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<T: Real> {
    pub(crate) lin: Lin<T>,
    pub(crate) kind: Kind,
    /// The index into `leaves` (a leaf) or `side` (a side node); 0 otherwise.
    pub(crate) aux: u32,
}

impl<T: Real> Node<T> {
    /// `y = u(x)` with `∂y/∂x = d`, `x` at node `p`.
    #[inline(always)]
    pub(crate) fn unary(u: Unary, p: u32, d: T) -> Self {
        Node {
            lin: Lin::one(p, d),
            kind: Kind::Unary(u),
            aux: 0,
        }
    }

    /// `y = a ∘ b` with partials `(da, db)`, `a` at `p` and `b` at `q`.
    #[inline(always)]
    pub(crate) fn binary(b: Binary, p: u32, da: T, q: u32, db: T) -> Self {
        Node {
            lin: Lin::two(p, da, q, db),
            kind: Kind::Binary(b),
            aux: 0,
        }
    }

    /// `y = x ∘ c` with `∂y/∂x = d`, `x` at `p`; `c` sits in the unused second partial.
    #[inline(always)]
    pub(crate) fn with_const(k: WithConst, p: u32, c: T, d: T) -> Self {
        Node {
            lin: Lin {
                parents: [p, Lin::<T>::NONE],
                partials: [d, c],
            },
            kind: Kind::Const(k),
            aux: 0,
        }
    }

    /// The scalar value of a leaf (`Kind::Leaf`).
    #[inline(always)]
    pub(crate) fn leaf_value(&self) -> T {
        self.lin.partials[0]
    }

    /// The constant of a with-constant node (`Kind::Const`).
    #[inline(always)]
    pub(crate) fn constant(&self) -> T {
        self.lin.partials[1]
    }
}

/// A leaf's record: its node and what it stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeafRec {
    pub(crate) idx: u32,
    pub(crate) key: LeafKey,
}

/// A side node's operation and value.
pub(crate) struct SideRec<T: Real> {
    pub(crate) op: Op<T>,
    pub(crate) value: Value<T>,
}

/// The arena shared by a tape and the tapes nested in it (a tape family), reused by one family
/// after another on its thread (`pool.rs`).
pub(crate) struct Graph<T: Real> {
    /// The generation of the family using the graph now: a handle of an ended family carries an
    /// older one. Starts at 1; a graph whose generations are used up is retired.
    generation: Cell<u32>,
    /// `generation` while a tape of the family records, 0 otherwise: the hot path's one check.
    recording_generation: Cell<u32>,
    /// The family's identity, for error messages.
    id: Cell<u64>,
    pub(crate) nodes: RefCell<Vec<Node<T>>>,
    /// The operations and values of the nodes that are not plain scalar operations.
    pub(crate) side: RefCell<Vec<SideRec<T>>>,
    /// The leaves (variable reads and constants), in recording order.
    pub(crate) leaves: RefCell<Vec<LeafRec>>,
    /// The lean backward pass's buffers, kept with the arena.
    pub(crate) scratch: RefCell<Scratch<T>>,
    /// `true` while every node is a scalar that kept its partials: the backward pass may then
    /// skip the dependency pass (`plain.rs`).
    pub(crate) all_scalar: Cell<bool>,
    /// How many tapes of the family are recording now; operations are recorded while any is.
    recording: Cell<usize>,
    /// How many tapes of the family are alive; the family ends when the last one is dropped.
    tapes: Cell<usize>,
}

/// A tape family: its graph and its generation. `Copy`, with no count: a handle of a family that
/// has ended is told apart by its generation, and every use of a tensor's family either checks
/// that it records ([`is_recording`](GraphRef::is_recording), false for an ended family) or
/// compares it with a live family's handle before it reads the graph's nodes.
pub(crate) struct GraphRef<T: Real> {
    pub(crate) graph: &'static Graph<T>,
    pub(crate) generation: u32,
}

impl<T: Real> Clone for GraphRef<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real> Copy for GraphRef<T> {}

impl<T: Real> PartialEq for GraphRef<T> {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.graph, other.graph) && self.generation == other.generation
    }
}

impl<T: Real> core::ops::Deref for GraphRef<T> {
    type Target = Graph<T>;
    #[inline(always)]
    fn deref(&self) -> &Graph<T> {
        self.graph
    }
}

impl<T: Real> GraphRef<T> {
    /// A new family, on a free graph of this thread (no tape yet: see [`add_tape`](Self::add_tape)).
    pub(crate) fn open() -> Self {
        let graph = pool::take::<T>();
        graph.id.set(fresh_id());
        graph.all_scalar.set(true);
        graph.recording.set(0);
        graph.recording_generation.set(0);
        graph.tapes.set(0);
        GraphRef {
            graph,
            generation: graph.generation.get(),
        }
    }

    /// `true` while a tape of this family records (never for a family that has ended).
    #[inline(always)]
    pub(crate) fn is_recording(&self) -> bool {
        self.graph.recording_generation.get() == self.generation
    }

    /// `true` until the family's last tape is dropped.
    pub(crate) fn is_live(&self) -> bool {
        self.graph.generation.get() == self.generation
    }

    /// The family's name in error messages: `#id`, or that it has ended (its number may be
    /// another family's by now).
    pub(crate) fn label(&self) -> String {
        if self.is_live() {
            format!("#{}", self.graph.id.get())
        } else {
            "(ended: all the tapes of its family were dropped, so it has no number)".to_string()
        }
    }

    /// A tape of the family is created, recording.
    pub(crate) fn add_tape(&self) {
        debug_assert!(self.is_live());
        self.graph.tapes.set(self.graph.tapes.get() + 1);
        self.set_recording(self.graph.recording.get() + 1);
    }

    /// A tape of the family stops recording (once per tape).
    pub(crate) fn stop_one(&self) {
        self.set_recording(self.graph.recording.get() - 1);
    }

    fn set_recording(&self, n: usize) {
        self.graph.recording.set(n);
        self.graph
            .recording_generation
            .set(if n > 0 { self.generation } else { 0 });
    }

    /// A tape of the family is dropped; the last one ends the family: its graph is emptied and
    /// handed back for reuse under a new generation, so the family's tensors become plain values.
    pub(crate) fn drop_tape(&self) {
        let g = self.graph;
        g.tapes.set(g.tapes.get() - 1);
        if g.tapes.get() > 0 {
            return;
        }
        debug_assert_eq!(g.recording.get(), 0);
        let next = self.generation.checked_add(1);
        g.generation.set(next.unwrap_or(0));
        g.recording_generation.set(0);
        pool::give(g, next.is_some());
    }
}

impl<T: Real> Graph<T> {
    /// A graph no family uses yet.
    pub(crate) fn empty() -> Self {
        Graph {
            generation: Cell::new(1),
            recording_generation: Cell::new(0),
            id: Cell::new(0),
            nodes: RefCell::new(Vec::with_capacity(pool::FIRST_CAPACITY)),
            side: RefCell::new(Vec::new()),
            leaves: RefCell::new(Vec::new()),
            scratch: RefCell::new(Scratch::default()),
            all_scalar: Cell::new(true),
            recording: Cell::new(0),
            tapes: Cell::new(0),
        }
    }

    /// Sets the generation the next family on this graph gets.
    #[cfg(test)]
    pub(crate) fn set_generation_for_test(&self, g: u32) {
        self.generation.set(g);
    }

    /// The family's identity (error messages).
    pub(crate) fn id(&self) -> u64 {
        self.id.get()
    }

    /// Appends a node with operation `op` and value `value`, its operands' values `xs` (in
    /// order), returning its index (its partials are worked out here).
    pub(crate) fn push(&self, op: Op<T>, value: Value<T>, xs: &[&Value<T>]) -> u32 {
        let lin = linearize(&op, &value, xs);
        let scalar = lin.is_scalar() && value.is_scalar();
        if !scalar {
            self.all_scalar.set(false);
        }
        let kind = match (&op, scalar) {
            (Op::Unary(u, _), true) => Kind::Unary(*u),
            (Op::Binary(b, _, _), true) => Kind::Binary(*b),
            (Op::Const(k, p, c), true) => {
                let (p, c, d) = (*p, *c, lin.partials[0]);
                return self.append(|| Node::with_const(*k, p, c, d));
            }
            (Op::Leaf(key), true) => return self.push_scalar_leaf(*key, value.scalar()),
            _ => Kind::Side,
        };
        if kind != Kind::Side {
            return self.append(|| Node { lin, kind, aux: 0 });
        }
        let key = match &op {
            Op::Leaf(key) => Some(*key),
            _ => None,
        };
        let aux = {
            let mut side = self.side.borrow_mut();
            side.push(SideRec { op, value });
            u32::try_from(side.len() - 1).expect("a tape holds fewer than 2^32 side records")
        };
        let idx = self.append(|| Node {
            lin,
            kind: Kind::Side,
            aux,
        });
        if let Some(key) = key {
            self.leaves.borrow_mut().push(LeafRec { idx, key });
        }
        idx
    }

    /// Appends a node that is not a leaf, whose value is a scalar and that kept its partials
    /// (the caller knows): none of [`push`](Graph::push)'s checks are needed.
    #[inline(always)]
    pub(crate) fn push_scalar(&self, make: impl FnOnce() -> Node<T>) -> u32 {
        let idx = self.append(make);
        debug_assert!({
            let nodes = self.nodes.borrow();
            let n = &nodes[idx as usize];
            n.lin.is_scalar() && !matches!(n.kind, Kind::Leaf | Kind::Side)
        });
        idx
    }

    /// Appends a leaf with a scalar value (a variable read).
    #[inline(always)]
    pub(crate) fn push_scalar_leaf(&self, key: LeafKey, v: T) -> u32 {
        let mut leaves = self.leaves.borrow_mut();
        let aux = leaves.len() as u32;
        let idx = self.append(|| Node {
            lin: Lin {
                parents: [Lin::<T>::NONE; 2],
                partials: [v, T::zero()],
            },
            kind: Kind::Leaf,
            aux,
        });
        leaves.push(LeafRec { idx, key });
        idx
    }

    #[inline(always)]
    fn append(&self, make: impl FnOnce() -> Node<T>) -> u32 {
        let mut nodes = self.nodes.borrow_mut();
        // Indices stay below the markers `Lin` keeps in unused operand slots.
        let idx = u32::try_from(nodes.len())
            .ok()
            .filter(|&i| i < Lin::<T>::GENERAL)
            .expect("a tape holds fewer than 2^32 - 2 operations");
        if nodes.len() == nodes.capacity() {
            grow(&mut nodes);
        }
        // `extend` with a one-element trusted-length iterator calls `make` after its own
        // capacity check, so the node is written straight into its slot; `push(make())` would
        // build it on the stack first and copy it (a copy that stalls on store forwarding).
        nodes.extend(std::iter::once_with(make));
        idx
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// `true` while a tape of the family using the graph records.
    pub(crate) fn is_recording(&self) -> bool {
        self.recording.get() > 0
    }
}

#[cold]
#[inline(never)]
fn grow<T: Real>(nodes: &mut Vec<Node<T>>) {
    nodes.reserve(nodes.len().max(16));
}
