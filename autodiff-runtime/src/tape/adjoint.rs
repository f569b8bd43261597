//! The backward pass on plain values, for when no tape records it (a one-shot tape's gradient,
//! or a persistent tape after `stop_recording`): scalar adjoints in a flat `Vec<T>`, scalar nodes
//! pulled back through the partials they kept when recorded ([`Lin`](super::lin::Lin)), every
//! other node through `pullback_values.rs`.

use super::pullback_values::pullback_values;
use super::replay::Record;
use super::value::Value;
use crate::real::Real;
use crate::rules::zero::times;

/// The cotangents of a backward pass: scalars in place, matrices (rare) on the side.
pub(crate) struct Adjoints<T: Real> {
    scalar: Vec<T>,
    /// `true` once a scalar cotangent reached the node (`None` is TensorFlow's "unconnected").
    hit: Vec<bool>,
    /// Matrix cotangents, allocated at the first one.
    matrix: Vec<Option<Value<T>>>,
}

impl<T: Real> Adjoints<T> {
    fn new(n: usize) -> Self {
        Adjoints {
            scalar: vec![T::zero(); n],
            hit: vec![false; n],
            matrix: Vec::new(),
        }
    }

    /// `adj[idx] += g`.
    fn add(&mut self, idx: usize, g: Value<T>) {
        match g {
            Value::Scalar(v) => {
                self.scalar[idx] += v;
                self.hit[idx] = true;
            }
            m @ Value::Mat(_) => {
                if self.matrix.is_empty() {
                    self.matrix = vec![None; self.scalar.len()];
                }
                let slot = &mut self.matrix[idx];
                *slot = Some(match slot.take() {
                    None => m,
                    Some(s) => s.zip(&m, "add", |a, b| a + b),
                });
            }
        }
    }

    /// The cotangent of node `idx`, `None` if no path from a target reached it.
    pub(crate) fn get(&self, idx: usize) -> Option<Value<T>> {
        let m = self.matrix.get(idx).and_then(Option::as_ref);
        match (self.hit[idx], m) {
            (false, None) => None,
            (true, None) => Some(Value::Scalar(self.scalar[idx])),
            (false, Some(m)) => Some(m.clone()),
            // A scalar and a matrix cotangent for one node (broadcast): their sum.
            (true, Some(m)) => Some(m.map(|v| v + self.scalar[idx])),
        }
    }

    fn has_matrix(&self, idx: usize) -> bool {
        self.matrix.get(idx).is_some_and(Option::is_some)
    }
}

/// The reverse sweep over the record's first `varied.len()` nodes from the seeds, skipping nodes
/// that are not `varied` and holding the nodes in `stop` (sorted) constant. Values are replayed
/// (`replay.rs`) at the first node without partials that a cotangent reaches.
pub(crate) fn sweep_values<T: Real>(
    rec: &Record<'_, T>,
    varied: &[bool],
    stop: &[u32],
    seeds: Vec<(usize, Value<T>)>,
) -> Adjoints<T> {
    let nodes = &rec.nodes;
    let mut adj = Adjoints::new(varied.len());
    let mut values: Option<Vec<Value<T>>> = None;
    let mut top = 0;
    for (idx, seed) in seeds {
        adj.add(idx, seed);
        top = top.max(idx + 1);
    }
    for idx in (0..top).rev() {
        if !varied[idx] || (!stop.is_empty() && stop.binary_search(&(idx as u32)).is_ok()) {
            continue;
        }
        let node = &nodes[idx];
        if node.lin.is_scalar() && !adj.has_matrix(idx) {
            // The fast path: adj[p] += adj[y] · ∂y/∂p for the kept partials, under the zero rule
            // (`lin.rs`).
            if !adj.hit[idx] {
                continue;
            }
            let g = adj.scalar[idx];
            for (p, d) in node.lin.pairs() {
                let p = p as usize;
                if varied[p] {
                    adj.scalar[p] += times(g, d);
                    adj.hit[p] = true;
                }
            }
            continue;
        }
        let Some(g) = adj.get(idx) else { continue };
        let operands = rec.operands(idx);
        if operands.iter().all(|&p| !varied[p as usize]) {
            continue;
        }
        let values = values.get_or_insert_with(|| rec.values(varied.len()));
        let mut xs = [&values[idx]; 4];
        for (x, &p) in xs.iter_mut().zip(operands.iter()) {
            *x = &values[p as usize];
        }
        pullback_values(
            &rec.op(idx),
            &values[idx],
            &xs[..operands.len()],
            &g,
            &mut |k, dx| {
                let p = operands[k] as usize;
                if varied[p] {
                    adj.add(p, dx);
                }
            },
        );
    }
    adj
}
