//! The backward pass of a tape: which recorded nodes depend on the tape's watched sources, and
//! the cotangents flowing back from the targets to them.

use super::adjoint::sweep_values;
use super::graph::{Graph, GraphRef, LeafKey, Op, fresh_ids};
use super::plain;
use super::pullback::pullback;
use super::sources::{Key, SourceKey};
use super::tensor::Tensor;
use super::value::Value;
use crate::real::Real;

/// What was watched and from which node index on (a watch applies to later reads and uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Watched {
    Node(u32),
    Const(u64),
    Var(u64),
}

/// The tape's view of the shared graph.
pub(crate) struct View<'a> {
    /// The first node recorded while the tape was active.
    pub(crate) start: usize,
    /// One past the last (the graph's length when the tape stopped), `None` while recording.
    pub(crate) end: Option<usize>,
    pub(crate) watch_accessed: bool,
    pub(crate) watched: &'a [(Watched, usize)],
}

impl View<'_> {
    fn recorded(&self, idx: usize) -> bool {
        idx >= self.start && self.end.is_none_or(|e| idx < e)
    }
    fn watches(&self, w: Watched, idx: usize) -> bool {
        self.watched.iter().any(|&(v, pos)| v == w && pos <= idx)
    }
}

/// Which results are `None` and which are zeros (TensorFlow's `UnconnectedGradients`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnconnectedGradients {
    /// `None` for a source the target does not depend on (the default).
    #[default]
    None,
    /// Zeros shaped like the source.
    Zero,
}

/// One target and the cotangent it is seeded with (`None`: ones, TensorFlow's implicit one).
pub(crate) struct Seeded<T: Real> {
    pub(crate) target: Tensor<T>,
    pub(crate) seed: Option<Value<T>>,
}

/// The gradients of the seeded targets with respect to `sources`, holding the nodes in `stop`
/// constant (their cotangents are kept, not passed on).
///
/// # Panics
/// If a target or a source was recorded on an unrelated tape.
pub(crate) fn backprop<T: Real>(
    graph: &GraphRef<T>,
    view: &View<'_>,
    targets: &[Seeded<T>],
    sources: &[SourceKey<T>],
    stop: &[Tensor<T>],
    unconnected: UnconnectedGradients,
) -> Vec<Option<Tensor<T>>> {
    let same = |g: &GraphRef<T>, what: &str| {
        assert!(
            g == graph,
            "the {what} was recorded on tape {}, not on this tape ({}) or a tape nested in it: \
             a gradient can only follow operations its own tape recorded",
            g.label(),
            graph.label()
        );
    };
    for t in targets {
        if let Some(at) = t.target.at() {
            same(&at.graph(), "target");
        }
    }
    for s in sources {
        if let Key::Node(g, _) = &s.key {
            same(g, "source");
        }
    }
    if plain::applies(graph, view, sources, stop) {
        return plain::backprop_plain(graph, view, targets, sources, |sums| {
            // Each result is a fresh constant; their identities are taken at once.
            let first = fresh_ids(sources.len() as u64);
            sources
                .iter()
                .zip(sums)
                .zip(first..)
                .map(|((s, sum), id)| match (*sum, unconnected) {
                    (Some(g), _) => Some(Tensor::constant_with_id(Value::Scalar(g), id)),
                    (None, UnconnectedGradients::None) => None,
                    (None, UnconnectedGradients::Zero) => {
                        Some(Tensor::constant_with_id(s.value.zeros_like(), id))
                    }
                })
                .collect()
        });
    }
    let mut stop: Vec<u32> = stop
        .iter()
        .filter_map(|t| t.at())
        .map(|at| {
            same(&at.graph(), "stop_gradients tensor");
            at.idx
        })
        .collect();
    stop.sort_unstable();

    let n = graph.len();
    let (varied, leaves) = varied_nodes(graph, view, n);

    let seeds: Vec<(usize, Value<T>)> = targets
        .iter()
        .filter_map(|t| {
            let idx = t.target.at()?.idx as usize;
            varied[idx].then(|| {
                (
                    idx,
                    t.seed.clone().unwrap_or_else(|| t.target.value.ones_like()),
                )
            })
        })
        .collect();
    let cot = if graph.is_recording() {
        // A tape still records: the backward pass is recorded too (nested tapes).
        let cot = sweep(
            graph,
            &varied,
            &stop,
            seeds.into_iter().map(|(i, v)| (i, Tensor::constant(v))),
            |op, y, xs, g| {
                let ys = Tensor::on(graph, y.0, y.1.clone());
                let xs: smallvec::SmallVec<[Tensor<T>; 3]> = xs
                    .iter()
                    .map(|(p, v)| Tensor::on(graph, *p, v.clone()))
                    .collect();
                pullback(graph, op, &ys, &xs, g)
            },
        );
        gather(graph, &leaves, &varied, |i| cot[i].clone(), sources)
    } else {
        // Nothing records: plain values under one borrow of the graph.
        let adj = sweep_values(&graph.record(), &varied, &stop, seeds);
        gather(graph, &leaves, &varied, |i| adj.get(i), sources)
            .into_iter()
            .map(|c| c.map(Tensor::constant))
            .collect()
    };
    sources
        .iter()
        .zip(cot)
        .map(|(s, sum)| match (sum, unconnected) {
            (Some(g), _) => Some(g),
            (None, UnconnectedGradients::None) => None,
            (None, UnconnectedGradients::Zero) => Some(Tensor::constant(s.value.zeros_like())),
        })
        .collect()
}

/// Which of the first `n` nodes are varied (a watched source, or recorded by the tape from a
/// varied operand), and the indices of the leaves among them.
fn varied_nodes<T: Real>(graph: &Graph<T>, view: &View<'_>, n: usize) -> (Vec<bool>, Vec<u32>) {
    let rec = graph.record();
    let mut varied = vec![false; n];
    let mut leaves = Vec::new();
    let watches_nodes = view
        .watched
        .iter()
        .any(|(w, _)| matches!(w, Watched::Node(_)));
    for (idx, node) in rec.nodes.iter().enumerate().take(n) {
        let mut v = match rec.leaf_key(idx) {
            Some(key) => {
                leaves.push(idx as u32);
                match key {
                    LeafKey::Var { id, trainable } => {
                        (view.watch_accessed && trainable && view.recorded(idx))
                            || view.watches(Watched::Var(id), idx)
                    }
                    LeafKey::Const(k) => view.watches(Watched::Const(k), idx),
                }
            }
            None if node.lin.is_scalar() => {
                view.recorded(idx) && node.lin.pairs().any(|(p, _)| varied[p as usize])
            }
            None => view.recorded(idx) && rec.operands(idx).iter().any(|&p| varied[p as usize]),
        };
        if watches_nodes {
            v = v || view.watches(Watched::Node(idx as u32), 0);
        }
        varied[idx] = v;
    }
    (varied, leaves)
}

/// A cotangent: a recorded tensor.
trait Cot: Clone {
    /// `self + other`.
    fn plus(&self, other: &Self) -> Self;
}
impl<T: Real> Cot for Tensor<T> {
    fn plus(&self, other: &Self) -> Self {
        self + other
    }
}
impl<T: Real> Cot for Value<T> {
    fn plus(&self, other: &Self) -> Self {
        self.zip(other, "add", |a, b| a + b)
    }
}

/// The recorded reverse sweep: from the seeded targets back through every varied node, in
/// reverse recording order; `step` is the node's pullback.
fn sweep<T: Real, C: Cot, R: IntoIterator<Item = C>>(
    graph: &GraphRef<T>,
    varied: &[bool],
    stop: &[u32],
    seeds: impl Iterator<Item = (usize, C)>,
    mut step: impl FnMut(&Op<T>, (u32, &Value<T>), &[(u32, Value<T>)], &C) -> R,
) -> Vec<Option<C>> {
    let mut cot: Vec<Option<C>> = vec![None; varied.len()];
    // The nodes' values, replayed once (the sweep appends nodes after these).
    let values = graph.record().values(varied.len());
    let mut top = 0;
    for (idx, seed) in seeds {
        accumulate(&mut cot[idx], seed);
        top = top.max(idx + 1);
    }
    for idx in (0..top).rev() {
        if !varied[idx] || (!stop.is_empty() && stop.binary_search(&(idx as u32)).is_ok()) {
            continue;
        }
        let Some(g) = cot[idx].clone() else { continue };
        let (op, xs) = {
            let rec = graph.record();
            let operands = rec.operands(idx);
            if operands.iter().all(|&p| !varied[p as usize]) {
                continue;
            }
            let xs: smallvec::SmallVec<[(u32, Value<T>); 3]> = operands
                .iter()
                .map(|&p| (p, values[p as usize].clone()))
                .collect();
            (rec.op(idx), xs)
        };
        let grads = step(&op, (idx as u32, &values[idx]), &xs, &g);
        for ((p, _), dx) in xs.iter().zip(grads) {
            if varied[*p as usize] {
                accumulate(&mut cot[*p as usize], dx);
            }
        }
    }
    cot
}

/// Each source's gradient: a node's own cotangent (`cot`), or the sum over every leaf of a
/// constant or variable (one pass over the recorded leaves, whatever the number of sources).
fn gather<T: Real, C: Cot>(
    graph: &GraphRef<T>,
    leaves: &[u32],
    varied: &[bool],
    cot: impl Fn(usize) -> Option<C>,
    sources: &[SourceKey<T>],
) -> Vec<Option<C>> {
    let n = varied.len();
    let mut sums: Vec<Option<C>> = vec![None; sources.len()];
    // (leaf key, source position), sorted by key: one binary search per recorded leaf.
    let mut by_leaf: smallvec::SmallVec<[(LeafKey, usize); 4]> = smallvec::SmallVec::new();
    for (i, s) in sources.iter().enumerate() {
        match &s.key {
            Key::Node(_, idx) => {
                let idx = *idx as usize;
                if idx < n && varied[idx] {
                    sums[i] = cot(idx);
                }
            }
            Key::Const(k) => by_leaf.push((LeafKey::Const(*k), i)),
            Key::Var(id) => by_leaf.push((
                LeafKey::Var {
                    id: *id,
                    trainable: true,
                },
                i,
            )),
        }
    }
    by_leaf.sort_unstable();
    if !by_leaf.is_empty() {
        let mut hits: smallvec::SmallVec<[(usize, C); 4]> = smallvec::SmallVec::new();
        {
            let rec = graph.record();
            for &idx in leaves {
                let idx = idx as usize;
                let Some(key) = rec.leaf_key(idx) else {
                    continue;
                };
                if !varied[idx] {
                    continue;
                }
                let Some(c) = cot(idx) else { continue };
                let key = match key {
                    LeafKey::Var { id, .. } => LeafKey::Var {
                        id,
                        trainable: true,
                    },
                    k => k,
                };
                let from = by_leaf.partition_point(|(k, _)| *k < key);
                for &(_, i) in by_leaf[from..].iter().take_while(|(k, _)| *k == key) {
                    hits.push((i, c.clone()));
                }
            }
        }
        // Summed after the borrow ends: a recorded sum appends to the graph.
        for (i, c) in hits {
            accumulate(&mut sums[i], c);
        }
    }
    sums
}

/// `slot += g` (recorded while a tape records, so sums of paths stay differentiable).
fn accumulate<C: Cot>(slot: &mut Option<C>, g: C) {
    *slot = Some(match slot.take() {
        None => g,
        Some(s) => s.plus(&g),
    });
}
