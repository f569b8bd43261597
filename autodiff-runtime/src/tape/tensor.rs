//! `Tensor`: a value that tapes can record, and the recording of operations on it.

use std::fmt;

use nalgebra::DMatrix;

use super::graph::{Binary, Graph, GraphRef, LeafKey, Node, Op, Unary, WithConst, fresh_id};
use super::lin::{binary_partials, const_partial, unary_partial};
use super::value::Value;
use super::watch_registry;
use crate::real::Real;

/// Where a recorded tensor lives: its tape family (graph and generation, as in [`GraphRef`], laid
/// out flat so the node index fills what would be padding) and its node. Plain data: copying or
/// dropping it touches no count.
pub(crate) struct At<T: Real> {
    graph: &'static Graph<T>,
    generation: u32,
    pub(crate) idx: u32,
}

impl<T: Real> At<T> {
    #[inline(always)]
    pub(crate) fn new(graph: GraphRef<T>, idx: u32) -> Self {
        At {
            graph: graph.graph,
            generation: graph.generation,
            idx,
        }
    }

    /// The tape family (which may have ended).
    #[inline(always)]
    pub(crate) fn graph(&self) -> GraphRef<T> {
        GraphRef {
            graph: self.graph,
            generation: self.generation,
        }
    }
}

impl<T: Real> Clone for At<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Real> Copy for At<T> {}

/// Where a tensor is: recorded at a node, or on no tape with an identity (so `watch` can name
/// it). 16 bytes: the identity sits beside the graph reference, whose null value is the tag.
#[derive(Clone, Copy)]
pub(crate) enum Place<T: Real> {
    At(At<T>),
    Const(u64),
}

/// A scalar or matrix value, recorded by the [`GradientTape`](super::GradientTape)s that are
/// active when it is computed (TensorFlow's `tf.Tensor`).
///
/// A tensor made with [`Tensor::constant`] (or from a plain value) is not on any tape; it is
/// recorded when a tape [`watch`](super::GradientTape::watch)es it or when it meets a recorded
/// tensor in an operation. Operations between tensors follow TensorFlow's shapes: `+ - * /`
/// combine entry by entry and broadcast as NumPy and TensorFlow do, a scalar against anything
/// and two matrices whose dimensions are each equal or 1 (`m×n` with `1×n`, `m×1` or `1×1`, and
/// `m×1` with `1×n` giving `m×n`); the gradient of a broadcast operand is the cotangent summed
/// over the dimensions it was spread along, as TensorFlow's. [`matmul`](Tensor::matmul) is the
/// matrix product. Vectors are `n × 1` matrices.
///
/// Backward passes follow the compiled path's zero rule (`rules::zero`): a cotangent that is
/// exactly 0 times an infinite or NaN local derivative gives 0, not NaN, so `x.sqrt() * 0.0`
/// and `(x.sqrt() - 1.0).relu()` at `x = 0` have derivative 0 (as TensorFlow), and so do
/// `x.ln() * 0.0`, `(1.0 / x) * 0.0` and `x.powf(0.5) * 0.0` (TensorFlow: NaN). With a nonzero
/// cotangent an infinite derivative stays infinite (`x.sqrt()` at 0: `+inf`).
///
/// Cloning is cheap (matrices are shared); a tensor is 32 bytes and holds no
/// reference count. A tensor may outlive its tapes: once every tape of its family (a tape and the
/// tapes nested in it) is dropped, it is a plain value, and operations on it alone are not
/// recorded. Tensors stay on the thread that made them (they are not `Send`).
///
/// # Panics
///
/// An elementwise operation between matrices whose shapes do not broadcast (a dimension differs
/// and neither is 1) panics, naming both shapes.
///
/// An operation between tensors recorded by two unrelated tape families panics, naming both
/// (a family that has ended is named as such): use [`detach`](Tensor::detach) to take a value out
/// of one tape, or nest the tapes with [`GradientTape::nested`](super::GradientTape::nested).
///
/// ```
/// use autodiff::prelude::*;
///
/// let x = Tensor::constant(3.0f64);
/// let tape = GradientTape::new();
/// tape.watch(&x);
/// let y = &x * &x;
/// let dy_dx = tape.gradient(&y, &x).unwrap();
/// assert!((dy_dx.scalar() - 6.0).abs() < 1e-12);
/// ```
#[derive(Clone)]
pub struct Tensor<T: Real> {
    pub(crate) value: Value<T>,
    pub(crate) place: Place<T>,
}

impl<T: Real> fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at() {
            Some(at) => write!(
                f,
                "Tensor({:?}, tape {} node {})",
                self.value,
                at.graph().label(),
                at.idx
            ),
            None => write!(f, "Tensor({:?})", self.value),
        }
    }
}

impl<T: Real> Tensor<T> {
    /// A constant: a value on no tape (TensorFlow's `tf.constant`).
    pub fn constant(value: impl Into<Value<T>>) -> Self {
        Tensor {
            value: value.into(),
            place: Place::Const(fresh_id()),
        }
    }

    /// A constant with the identity `id` (from [`fresh_ids`](super::graph::fresh_ids)).
    #[inline]
    pub(crate) fn constant_with_id(value: Value<T>, id: u64) -> Self {
        Tensor {
            value,
            place: Place::Const(id),
        }
    }

    /// A constant column vector (`n × 1`) from a slice.
    pub fn column(entries: &[T]) -> Self {
        Self::constant(DMatrix::from_column_slice(entries.len(), 1, entries))
    }

    /// The value.
    pub fn value(&self) -> &Value<T> {
        &self.value
    }

    /// The value of a rank-0 tensor.
    ///
    /// # Panics
    /// If the tensor is a matrix.
    pub fn scalar(&self) -> T {
        self.value.scalar()
    }

    /// The value as a matrix (a scalar is `1 × 1`).
    pub fn to_matrix(&self) -> DMatrix<T> {
        self.value.to_matrix()
    }

    /// `(rows, cols)`; a scalar is `(1, 1)`.
    pub fn shape(&self) -> (usize, usize) {
        self.value.shape()
    }

    /// The same value on no tape: later operations on it are not recorded back to this one.
    pub fn detach(&self) -> Self {
        Self::constant(self.value.clone())
    }

    /// The value with its derivative blocked (TensorFlow's `tf.stop_gradient`): a constant to
    /// every tape. The crate-level `stop_gradient(..)` function is for `#[differentiable]` code:
    /// applied to a `Tensor` it is the identity, so on tape values write `x.stop_gradient()`.
    pub fn stop_gradient(&self) -> Self {
        self.detach()
    }

    /// `true` if the tensor is on a tape's record.
    pub fn is_recorded(&self) -> bool {
        self.at().is_some()
    }

    /// Where the tensor is recorded, `None` for a tensor on no tape.
    #[inline(always)]
    pub(crate) fn at(&self) -> Option<&At<T>> {
        match &self.place {
            Place::At(at) => Some(at),
            Place::Const(_) => None,
        }
    }

    #[inline(always)]
    pub(crate) fn on(graph: &GraphRef<T>, idx: u32, value: Value<T>) -> Self {
        Tensor {
            value,
            place: Place::At(At::new(*graph, idx)),
        }
    }

    /// `t`, rebuilt field by field: a slow path's result then meets the fast path's as separate
    /// fields, not in one stack slot that the caller copies whole into an assigned variable with
    /// 16-byte loads (which stall on the fast path's narrower stores). `black_box` on the node
    /// index keeps the rebuild from being folded back into a whole copy.
    #[inline(always)]
    pub(crate) fn reassembled(t: Self) -> Self {
        let Tensor { value, place } = t;
        let place = match place {
            Place::At(at) => Place::At(At::new(at.graph(), std::hint::black_box(at.idx))),
            Place::Const(k) => Place::Const(k),
        };
        Tensor { value, place }
    }

    /// This tensor's node on `graph`, recording it as a constant leaf if it is on no tape.
    pub(crate) fn node_in(&self, graph: &GraphRef<T>) -> u32 {
        match &self.place {
            Place::At(at) => at.idx,
            Place::Const(k) => graph.push(Op::Leaf(LeafKey::Const(*k)), self.value.clone(), &[]),
        }
    }

    /// The tape family `self` is on: its own (which may have ended), or that of a recording tape
    /// that watches it.
    pub(crate) fn home(&self) -> Option<GraphRef<T>> {
        match &self.place {
            Place::At(at) => Some(at.graph()),
            Place::Const(k) => watch_registry::graph_of(*k),
        }
    }

    /// The graph that records an operation on `self` now, if any.
    fn recording_graph(&self) -> Option<GraphRef<T>> {
        self.home().filter(|g| g.is_recording())
    }

    /// The guard of the scalar fast path: `self` is a scalar recorded on a graph that records
    /// now. Returns the scalar and where it is.
    #[inline(always)]
    fn scalar_recording(&self) -> Option<(T, &At<T>)> {
        match (&self.value, &self.place) {
            (Value::Scalar(x), Place::At(at)) if at.graph().is_recording() => Some((*x, at)),
            _ => None,
        }
    }

    /// The common case inlined into the caller: a scalar operand recorded on a recording
    /// graph. Records `y = f(x)` with its partial and returns its graph, node and value, or
    /// `None` for the general path.
    #[inline(always)]
    pub(crate) fn scalar_unary_node(
        &self,
        op: Unary,
        f: impl Fn(T) -> T,
    ) -> Option<(GraphRef<T>, u32, T)> {
        self.scalar_one_node(
            f,
            |x, y| unary_partial(op, x, y),
            |i, d| Node::unary(op, i, d),
        )
    }

    /// [`scalar_unary_node`](Tensor::scalar_unary_node) for `y = x ∘ c` with a plain constant
    /// `c`.
    #[inline(always)]
    pub(crate) fn scalar_const_node(
        &self,
        op: WithConst,
        c: T,
        f: impl Fn(T) -> T,
    ) -> Option<(GraphRef<T>, u32, T)> {
        self.scalar_one_node(
            f,
            |x, _| const_partial(op, x, c),
            |i, d| Node::with_const(op, i, c, d),
        )
    }

    /// The one-operand fast path: `y = f(x)` with `∂y/∂x = partial(x, y)`, recorded as the
    /// node `make(x's node, ∂y/∂x)`.
    #[inline(always)]
    fn scalar_one_node(
        &self,
        f: impl Fn(T) -> T,
        partial: impl FnOnce(T, T) -> T,
        make: impl FnOnce(u32, T) -> Node<T>,
    ) -> Option<(GraphRef<T>, u32, T)> {
        let (x, at) = self.scalar_recording()?;
        let y = f(x);
        // The partial is worked out here, where the operation is a constant of the inlined
        // call, not in the closure (which may stay out of line and then match on it at run time).
        let d = partial(x, y);
        let idx = at.graph().push_scalar(|| make(at.idx, d));
        Some((at.graph(), idx, y))
    }

    /// [`scalar_unary_node`](Tensor::scalar_unary_node) for `y = a ∘ b`, both operands scalars
    /// recorded on the same recording graph (the returned graph is `a`'s).
    #[inline(always)]
    pub(crate) fn scalar_binary_node(
        a: &Self,
        b: &Self,
        op: Binary,
        f: impl Fn(T, T) -> T,
    ) -> Option<(GraphRef<T>, u32, T)> {
        let (p, x) = a.scalar_recording()?;
        let (Value::Scalar(q), Place::At(y)) = (&b.value, &b.place) else {
            return None;
        };
        if x.graph() != y.graph() {
            return None;
        }
        let v = f(p, *q);
        let (dp, dq) = binary_partials(op, p, *q);
        let idx = x
            .graph()
            .push_scalar(|| Node::binary(op, x.idx, dp, y.idx, dq));
        Some((x.graph(), idx, v))
    }

    /// The tensor of a node a fast path recorded.
    #[inline(always)]
    pub(crate) fn of_node((graph, idx, y): (GraphRef<T>, u32, T)) -> Self {
        Tensor::on(&graph, idx, Value::Scalar(y))
    }

    /// `self` becomes node `idx` of its own graph, with the scalar value `y` (an assignment
    /// operator's fast path: no handle is built, moved or dropped, the graph's count is untouched).
    #[inline(always)]
    pub(crate) fn become_node(&mut self, idx: u32, y: T) {
        self.value = Value::Scalar(y);
        if let Place::At(at) = &mut self.place {
            at.idx = idx;
        }
    }

    pub(crate) fn record_unary(&self, op: Unary, value: Value<T>) -> Self {
        if let Some(at) = self.at().filter(|at| at.graph().is_recording()) {
            let idx = match (&self.value, &value) {
                (Value::Scalar(x), &Value::Scalar(y)) => {
                    let d = unary_partial(op, *x, y);
                    let idx = at.graph().push_scalar(|| Node::unary(op, at.idx, d));
                    // Rebuilt from the float: copying `value` whole would load 16 bytes just
                    // written as a tag and a float, a load that store forwarding cannot serve.
                    return Tensor::on(&at.graph(), idx, Value::Scalar(y));
                }
                _ => at
                    .graph()
                    .push(Op::Unary(op, at.idx), value.clone(), &[&self.value]),
            };
            return Tensor::on(&at.graph(), idx, value);
        }
        match self.recording_graph() {
            Some(g) => {
                let x = self.node_in(&g);
                let idx = g.push(Op::Unary(op, x), value.clone(), &[&self.value]);
                Tensor::on(&g, idx, value)
            }
            None => Tensor::constant(value),
        }
    }

    pub(crate) fn record_const(&self, op: WithConst, c: T, value: Value<T>) -> Self {
        if let Some(at) = self.at().filter(|at| at.graph().is_recording()) {
            let idx = match (&self.value, &value) {
                (Value::Scalar(x), &Value::Scalar(y)) => {
                    let d = const_partial(op, *x, c);
                    let idx = at
                        .graph()
                        .push_scalar(|| Node::with_const(op, at.idx, c, d));
                    // Rebuilt from the float (see `record_unary`).
                    return Tensor::on(&at.graph(), idx, Value::Scalar(y));
                }
                _ => at
                    .graph()
                    .push(Op::Const(op, at.idx, c), value.clone(), &[&self.value]),
            };
            return Tensor::on(&at.graph(), idx, value);
        }
        match self.recording_graph() {
            Some(g) => {
                let x = self.node_in(&g);
                let idx = g.push(Op::Const(op, x, c), value.clone(), &[&self.value]);
                Tensor::on(&g, idx, value)
            }
            None => Tensor::constant(value),
        }
    }

    pub(crate) fn record_op(&self, op: impl FnOnce(u32) -> Op<T>, value: Value<T>) -> Self {
        match self.recording_graph() {
            Some(g) => {
                let idx = g.push(op(self.node_in(&g)), value.clone(), &[&self.value]);
                Tensor::on(&g, idx, value)
            }
            None => Tensor::constant(value),
        }
    }

    pub(crate) fn record_binary(a: &Self, b: &Self, op: Binary, value: Value<T>) -> Self {
        // The common case: both operands recorded on the same recording graph.
        if let (Some(x), Some(y)) = (a.at(), b.at()) {
            if x.graph() == y.graph() && x.graph().is_recording() {
                let idx = match (&a.value, &b.value, &value) {
                    (Value::Scalar(p), Value::Scalar(q), &Value::Scalar(v)) => {
                        let (dp, dq) = binary_partials(op, *p, *q);
                        let idx = x
                            .graph()
                            .push_scalar(|| Node::binary(op, x.idx, dp, y.idx, dq));
                        // Rebuilt from the float (see `record_unary`).
                        return Tensor::on(&x.graph(), idx, Value::Scalar(v));
                    }
                    _ => x.graph().push(
                        Op::Binary(op, x.idx, y.idx),
                        value.clone(),
                        &[&a.value, &b.value],
                    ),
                };
                return Tensor::on(&x.graph(), idx, value);
            }
        }
        match common_graph(&[a, b]) {
            Some(g) if g.is_recording() => {
                let (ia, ib) = (a.node_in(&g), b.node_in(&g));
                let idx = g.push(Op::Binary(op, ia, ib), value.clone(), &[&a.value, &b.value]);
                Tensor::on(&g, idx, value)
            }
            _ => Tensor::constant(value),
        }
    }
}

/// The one graph the recorded tensors among `ts` share.
///
/// # Panics
/// If two of them come from unrelated tape families.
pub(crate) fn common_graph<T: Real>(ts: &[&Tensor<T>]) -> Option<GraphRef<T>> {
    let mut found: Option<GraphRef<T>> = None;
    for t in ts {
        if let Some(home) = t.home() {
            match &found {
                None => found = Some(home),
                Some(g) if *g == home => {}
                Some(g) => panic!(
                    "a tensor recorded on tape {} met one recorded on the unrelated tape {}: \
                     use `.detach()` to take a value out of a tape, or create the inner tape with \
                     `outer.nested()` to differentiate through both",
                    g.label(),
                    home.label()
                ),
            }
        }
    }
    found
}

impl<T: Real> From<T> for Tensor<T> {
    fn from(v: T) -> Self {
        Tensor::constant(v)
    }
}

impl<T: Real> From<DMatrix<T>> for Tensor<T> {
    fn from(m: DMatrix<T>) -> Self {
        Tensor::constant(m)
    }
}
