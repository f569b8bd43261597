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
use super::graph::{Graph, LeafKey, LeafRec, Node};
use super::lin::Lin;
use super::sources::{Key, SourceKey};
use super::tensor::Tensor;
use crate::real::Real;
use crate::rules::zero::times;

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
///
/// The sweep marks "not reached" with the adjoint's starting value `-0.0` instead of a flag per
/// node (`-0.0 + x = x` for every `x`, so sums are unchanged). That is exact unless a reached node
/// ends with the cotangent `-0.0` itself; then skipping it can only differ when one of its partials
/// is non-finite (`-0·∞` is NaN) or when a requested leaf is left at `-0.0` (`None` or `Some(0)`).
/// Both are noticed, and the pass is then redone with a flag per node.
///
/// The zero rule (`lin.rs`): the lean sweep multiplies with plain IEEE products, which give the
/// zero rule's answer whenever every gradient asked for is finite (a product the rule would turn
/// into 0, `0·∞`, is NaN under IEEE, and a NaN adjoint stays NaN down to every leaf it reaches).
/// When one is not finite, the flagged pass, which applies the rule, gives the answer.
pub(crate) fn backprop_plain<T: Real, R>(
    graph: &Graph<T>,
    view: &View<'_>,
    targets: &[Seeded<T>],
    sources: &[SourceKey<T>],
    answer: impl FnOnce(&[Option<T>]) -> R,
) -> R {
    let nodes = graph.nodes.borrow();
    let (start, end) = (view.start, view.end.unwrap_or(nodes.len()));
    // The targets this tape recorded, with their seeds (the implicit cotangent of a target is
    // one; a Jacobian row seeds its own).
    let seeds = || {
        targets.iter().filter_map(move |t| {
            let idx = t.target.at()?.idx as usize;
            (idx >= start && idx < end)
                .then(|| (idx, t.seed.as_ref().map_or(T::one(), |s| s.scalar())))
        })
    };
    let top = seeds()
        .map(|(idx, _)| idx + 1)
        .max()
        .unwrap_or(start)
        .max(start);
    let mut scratch = graph.scratch.borrow_mut();
    let super::pool::Scratch {
        adj,
        flagged,
        by_var,
        sums,
        ..
    } = &mut *scratch;
    // (variable, source position), sorted: one binary search per reached leaf.
    by_var.clear();
    by_var.extend(sources.iter().enumerate().filter_map(|(i, s)| match s.key {
        Key::Var(id) => Some((id, i)),
        _ => None,
    }));
    by_var.sort_unstable();
    sums.clear();
    sums.resize(sources.len(), None);
    let leaves = graph.leaves.borrow();
    let from = leaves.partition_point(|l| (l.idx as usize) < start);
    let to = leaves.partition_point(|l| (l.idx as usize) < top);
    let leaves = &leaves[from..to];

    adj.clear();
    adj.resize(top, -T::zero());
    for (idx, g) in seeds() {
        adj[idx] += g;
    }
    // A slice, not the vector: its pointer then stays in a register across the loop's stores.
    let lean = &mut adj[..];
    let exact = sweep(&nodes, lean, start)
        && collect(leaves, by_var, sums, |i| {
            let g = lean[i];
            (!unreached(g)).then_some(Some(g))
        })
        && sums.iter().flatten().all(|g| g.is_finite());
    if !exact {
        flagged.clear();
        flagged.resize(top, (T::zero(), false));
        for (idx, g) in seeds() {
            flagged[idx].0 += g;
            flagged[idx].1 = true;
        }
        sweep_flagged(&nodes, flagged, start);
        sums.fill(None);
        collect(leaves, by_var, sums, |i| {
            let (g, hit) = flagged[i];
            Some(hit.then_some(g))
        });
    }
    answer(sums)
}

/// `true` for the starting adjoint `-0.0` (no target reached the node, or the ambiguous case).
#[inline(always)]
fn unreached<T: Real>(g: T) -> bool {
    g == T::zero() && g.signum() < T::zero()
}

/// The reverse loop over `adj[start..]` (adjoints starting at `-0.0`): `adj[p] += adj[y] · ∂y/∂p`
/// for the partials kept when `y` was recorded. `false` if it skipped a node at `-0.0` with a
/// non-finite partial (the answer may then differ from the flagged pass's).
fn sweep<T: Real>(nodes: &[Node<T>], adj: &mut [T], start: usize) -> bool {
    let top = adj.len();
    // Both `top` long: the loop's indices need no bounds checks.
    let nodes = &nodes[..top];
    let mut exact = true;
    for idx in (start..top).rev() {
        let g = adj[idx];
        let lin = &nodes[idx].lin;
        if g == T::zero() && skips(g, lin, &mut exact) {
            continue;
        }
        // Every node keeps its partials here (`applies`). An unused slot (`Lin::NONE`) is past
        // the end; an operand recorded before this tape's view lands below `start`, where no
        // adjoint is read.
        for k in 0..2 {
            if let Some(a) = adj.get_mut(lin.parents[k] as usize) {
                *a += g * lin.partials[k];
            }
        }
    }
    exact
}

/// For a zero adjoint: `true` if it is the mark `-0.0` (the node is skipped), noting in `exact`
/// when skipping it may change the answer (a non-finite partial).
#[inline(never)]
fn skips<T: Real>(g: T, lin: &Lin<T>, exact: &mut bool) -> bool {
    if !unreached(g) {
        return false;
    }
    // An unused slot's partial may hold a leaf's value or a constant (`graph.rs`): not a partial.
    *exact &= (0..2).all(|k| lin.parents[k] == Lin::<T>::NONE || lin.partials[k].is_finite());
    true
}

/// [`sweep`] with a flag per node that a target reaches it and the zero rule's products: exact
/// in every case.
fn sweep_flagged<T: Real>(nodes: &[Node<T>], adj: &mut [(T, bool)], start: usize) {
    let top = adj.len();
    let span = top - start;
    for idx in (start..top).rev() {
        let (g, hit) = adj[idx];
        if !hit {
            continue;
        }
        let lin = &nodes[idx].lin;
        for k in 0..2 {
            let p = lin.parents[k] as usize;
            if p.wrapping_sub(start) < span {
                adj[p].0 += times(g, lin.partials[k]);
                adj[p].1 = true;
            }
        }
    }
}

/// Adds each reached leaf's adjoint to the sums of the sources it reads; `adjoint(leaf)` is
/// `Some(None)` for an unreached leaf and `None` when that cannot be told (then `false`).
fn collect<T: Real>(
    leaves: &[LeafRec],
    by_var: &[(u64, usize)],
    sums: &mut [Option<T>],
    adjoint: impl Fn(usize) -> Option<Option<T>>,
) -> bool {
    let mut next = 0;
    for leaf in leaves {
        // Only trainable variables read by this tape are watched when nothing is watched by hand.
        let LeafKey::Var {
            id,
            trainable: true,
        } = leaf.key
        else {
            continue;
        };
        let leaf = leaf.idx as usize;
        // Variables are usually read in the order they are asked for: try the entry after the
        // last one found before searching.
        let first = match by_var.get(next) {
            Some(&(v, _)) if v == id && (next == 0 || by_var[next - 1].0 < id) => next,
            _ => by_var.partition_point(|&(v, _)| v < id),
        };
        let asked = &by_var[first..];
        if asked.first().is_none_or(|&(v, _)| v != id) {
            continue;
        }
        next = first + 1;
        let Some(g) = adjoint(leaf) else {
            return false;
        };
        let Some(g) = g else { continue };
        for &(_, i) in asked.iter().take_while(|&&(v, _)| v == id) {
            sums[i] = Some(sums[i].map_or(g, |a| a + g));
        }
    }
    true
}
