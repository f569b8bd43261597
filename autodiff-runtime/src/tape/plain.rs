//! The lean backward pass, for the common case of a scalar script: every node a scalar that kept
//! its partials, nothing watched by hand, nothing held constant, no tape recording the pass, and
//! every source a variable or a constant. One reverse loop over flat adjoints from the targets,
//! as a tape of `(parents, partials)` records does it, with no dependency pass: which nodes
//! depend on a watched source is only needed at the leaves, and there it is the leaf's own key.
//!
//! Why skipping the dependency pass changes no answer here: a node that depends on no trainable
//! variable read has only such nodes as ancestors, so the cotangent it receives reaches no
//! trainable leaf; at the leaves, a trainable variable read by this tape is exactly what the
//! general pass calls varied when nothing was watched by hand, and a constant never is.

use super::backprop::{Seeded, View};
use super::graph::{Graph, LeafKey, Op};
use super::sources::{Key, SourceKey};
use super::tensor::Tensor;
use crate::real::Real;

/// `true` when the lean pass gives the general pass's answer (see the module documentation).
pub(crate) fn applies<T: Real>(
    graph: &Graph<T>,
    view: &View<'_>,
    sources: &[SourceKey<T>],
    stop: &[Tensor<T>],
) -> bool {
    graph.all_scalar.get()
        && !graph.is_recording()
        && view.watch_accessed
        && view.watched.is_empty()
        && stop.is_empty()
        && sources
            .iter()
            .all(|s| matches!(s.key, Key::Var(_) | Key::Const(_)))
}

/// The gradient of the seeded targets with respect to each source (`None` when no path from a
/// target reaches a trainable read of it by this tape), handed to `answer` as a slice.
pub(crate) fn backprop_plain<T: Real, R>(
    graph: &Graph<T>,
    view: &View<'_>,
    targets: &[Seeded<T>],
    sources: &[SourceKey<T>],
    answer: impl FnOnce(&[Option<T>]) -> R,
) -> R {
    let nodes = graph.nodes.borrow();
    let (start, end) = (view.start, view.end.unwrap_or(nodes.len()));
    let mut top = start;
    for t in targets {
        if let Some(at) = &t.target.at {
            let idx = at.idx as usize;
            if idx >= start && idx < end {
                top = top.max(idx + 1);
            }
        }
    }
    let mut scratch = graph.scratch.borrow_mut();
    let super::pool::Scratch {
        adj, by_var, sums, ..
    } = &mut *scratch;
    // (adjoint, reached from a target) per node, side by side: one base pointer in the loop.
    adj.clear();
    adj.resize(top, (T::zero(), false));
    // A slice, not the vector: its pointer then stays in a register across the loop's stores.
    let adj = &mut adj[..];
    for t in targets {
        let Some(at) = &t.target.at else { continue };
        let idx = at.idx as usize;
        if idx >= start && idx < end {
            // The implicit cotangent of a target is one; a Jacobian row seeds its own.
            adj[idx].0 += t.seed.as_ref().map_or(T::one(), |s| s.scalar());
            adj[idx].1 = true;
        }
    }
    let span = top - start;
    for idx in (start..top).rev() {
        let (g, hit) = adj[idx];
        if !hit {
            continue;
        }
        let lin = &nodes[idx].lin;
        // adj[p] += adj[y] · ∂y/∂p for the partials kept when y was recorded. Every node keeps
        // its partials here (`applies`); one comparison skips an unused slot (`Lin::NONE`, far
        // above `top`) and an operand recorded before this tape's view (below `start`).
        for k in 0..2 {
            let p = lin.parents[k] as usize;
            if p.wrapping_sub(start) < span {
                adj[p].0 += g * lin.partials[k];
                adj[p].1 = true;
            }
        }
    }
    sums.clear();
    sums.resize(sources.len(), None);
    // (variable, source position), sorted: one binary search per reached leaf.
    by_var.clear();
    by_var.extend(sources.iter().enumerate().filter_map(|(i, s)| match s.key {
        Key::Var(id) => Some((id, i)),
        _ => None,
    }));
    by_var.sort_unstable();
    let leaves = graph.leaves.borrow();
    let from = leaves.partition_point(|&i| (i as usize) < start);
    let mut next = 0;
    for &leaf in leaves[from..].iter().take_while(|&&i| (i as usize) < top) {
        let leaf = leaf as usize;
        let (g, hit) = adj[leaf];
        if !hit {
            continue;
        }
        // Only trainable variables read by this tape are watched when nothing is watched by hand.
        let Op::Leaf(LeafKey::Var {
            id,
            trainable: true,
        }) = nodes[leaf].op
        else {
            continue;
        };
        // Variables are usually read in the order they are asked for: try the entry after the
        // last one found before searching.
        let first = match by_var.get(next) {
            Some(&(v, _)) if v == id && (next == 0 || by_var[next - 1].0 < id) => next,
            _ => by_var.partition_point(|&(v, _)| v < id),
        };
        next = first + 1;
        for &(_, i) in by_var[first..].iter().take_while(|&&(v, _)| v == id) {
            sums[i] = Some(sums[i].map_or(g, |a| a + g));
        }
    }
    answer(sums)
}
