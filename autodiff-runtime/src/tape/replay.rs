//! Reading a graph's compact nodes back as operations and values. A scalar node keeps only its
//! partials and a small kind (`graph.rs`), not its value: a pass that needs values (the general
//! backward pass, the recorded one of nested tapes) recomputes them by one forward replay over
//! the arena, with the formulas recording used (`lin.rs`), so every replayed value is the
//! recorded one bit for bit. The lean scalar pass (`plain.rs`) needs no values and no replay.

use std::cell::Ref;

use super::graph::{Graph, Kind, LeafKey, LeafRec, Node, Op, Operands, SideRec};
use super::lin::{binary_value, const_value, unary_value};
use super::value::Value;
use crate::real::Real;

/// The graph's nodes, leaves and side records under one borrow each.
pub(crate) struct Record<'a, T: Real> {
    pub(crate) nodes: Ref<'a, Vec<Node<T>>>,
    leaves: Ref<'a, Vec<LeafRec>>,
    side: Ref<'a, Vec<SideRec<T>>>,
}

impl<T: Real> Graph<T> {
    /// Borrows the record (no node may be appended while it is held).
    pub(crate) fn record(&self) -> Record<'_, T> {
        Record {
            nodes: self.nodes.borrow(),
            leaves: self.leaves.borrow(),
            side: self.side.borrow(),
        }
    }
}

impl<T: Real> Record<'_, T> {
    /// What node `idx` stands for if it is a leaf.
    pub(crate) fn leaf_key(&self, idx: usize) -> Option<LeafKey> {
        let node = &self.nodes[idx];
        match node.kind {
            Kind::Leaf => Some(self.leaves[node.aux as usize].key),
            Kind::Side => match &self.side[node.aux as usize].op {
                Op::Leaf(key) => Some(*key),
                _ => None,
            },
            _ => None,
        }
    }

    /// Node `idx`'s operands, in order.
    pub(crate) fn operands(&self, idx: usize) -> Operands {
        let node = &self.nodes[idx];
        let [p, q] = node.lin.parents;
        match node.kind {
            Kind::Leaf => Operands::of(&[]),
            Kind::Unary(_) | Kind::Const(_) => Operands::of(&[p]),
            Kind::Binary(_) => Operands::of(&[p, q]),
            Kind::Side => self.side[node.aux as usize].op.operands(),
        }
    }

    /// Node `idx`'s operation.
    pub(crate) fn op(&self, idx: usize) -> Op<T> {
        let node = &self.nodes[idx];
        let [p, q] = node.lin.parents;
        match node.kind {
            Kind::Leaf => Op::Leaf(self.leaves[node.aux as usize].key),
            Kind::Unary(u) => Op::Unary(u, p),
            Kind::Binary(b) => Op::Binary(b, p, q),
            Kind::Const(k) => Op::Const(k, p, node.constant()),
            Kind::Side => self.side[node.aux as usize].op.clone(),
        }
    }

    /// The values of the first `n` nodes, replayed forward from the leaves and side records.
    pub(crate) fn values(&self, n: usize) -> Vec<Value<T>> {
        let mut out: Vec<Value<T>> = Vec::with_capacity(n);
        for node in &self.nodes[..n] {
            // A scalar kind's operands are scalars recorded before it (`Graph::push`).
            let at = |k: usize| match &out[node.lin.parents[k] as usize] {
                Value::Scalar(x) => *x,
                Value::Mat(_) => unreachable!("a scalar node's operand is a scalar"),
            };
            let v = match node.kind {
                Kind::Leaf => Value::Scalar(node.leaf_value()),
                Kind::Unary(u) => Value::Scalar(unary_value(u, at(0))),
                Kind::Binary(b) => Value::Scalar(binary_value(b, at(0), at(1))),
                Kind::Const(k) => Value::Scalar(const_value(k, at(0), node.constant())),
                Kind::Side => self.side[node.aux as usize].value.clone(),
            };
            out.push(v);
        }
        out
    }
}
