//! Updates of a dense local's element in place: `x[i] += t` and `x[i] -= t`, lowered to a read
//! `r = x[i]`, `u = r ± t` and the write `x[i] = u`. The usual pullbacks take `dx[i]` out of the
//! buffer at the write (`dx[i] = 0`) and add it back at the read; the adjoint only passes
//! through: `x[i] = x[i] ± t => dt ±= dx[i]`, `dx[i]` unchanged. So the write reads `dx[i]`
//! without zeroing it and the read adds nothing: no store into the buffer per update, and a loop
//! updating one element (forward substitution's `x[i] -= l[i * n + j] * x[j]` over `j`) has no
//! chain of trips through memory in its reverse sweep.
//!
//! Taken only for the three statements in a row with nothing between them but statements of the
//! forward sweep only (no other write of `x` can take `dx[i]` in between), `r` and `u` read by
//! no other rule, `r` with coefficient one in `u` (`r + t`, `t + r`, `r - t`; not `r + r`).

use std::collections::HashSet;

use crate::ir::{Atom, BinOp, Block, Func, Rhs, Stmt, VarId};

/// The element reads (`r`) and written values (`u`) of the updates in place found.
#[derive(Default)]
pub(super) struct PassThrough {
    pub reads: HashSet<VarId>,
    pub vals: HashSet<VarId>,
}

/// The updates in place of the dense locals `dense` in `f`.
pub(super) fn find(f: &Func, dense: &HashSet<VarId>) -> PassThrough {
    let mut cands = Vec::new();
    collect(&f.body, dense, &mut cands);
    let mut out = PassThrough::default();
    if cands.is_empty() {
        return out;
    }
    let mut uses = vec![0usize; f.vars.len()];
    count_block(&f.body, &mut uses);
    for (r, u) in cands {
        let once = |v: VarId| uses[v] == 1 && !f.vars[v].reassigned;
        if once(r) && once(u) {
            out.reads.insert(r);
            out.vals.insert(u);
        }
    }
    out
}

fn collect(b: &Block, dense: &HashSet<VarId>, out: &mut Vec<(VarId, VarId)>) {
    // statements run in the forward sweep only (the operand probes) have no pullback
    let swept: Vec<Stmt> = (b.stmts.iter())
        .filter(|s| !matches!(s, Stmt::Effect(_)))
        .cloned()
        .collect();
    for w in swept.windows(3) {
        if let Some(pair) = update(w, dense) {
            out.push(pair);
        }
    }
    for s in &b.stmts {
        match s {
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect(b, dense, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect(a, dense, out)),
            _ => {}
        }
    }
}

/// `(r, u)` for `let r = x[i]; let u = r ± t; x[i] = u;` with `x` dense.
fn update(w: &[Stmt], dense: &HashSet<VarId>) -> Option<(VarId, VarId)> {
    let [
        Stmt::Let {
            var: r,
            init:
                Some(Rhs::Index {
                    base,
                    idx,
                    by_ref: false,
                }),
            ..
        },
        Stmt::Let {
            var: u,
            init: Some(Rhs::Bin(op, a, b)),
            ..
        },
        Stmt::IndexWrite {
            base: wbase,
            idx: widx,
            val: Atom::Var(val),
        },
    ] = w
    else {
        return None;
    };
    let is_r = |x: &Atom| matches!(x, Atom::Var(v) if v == r);
    let once = match op {
        BinOp::Add => is_r(a) != is_r(b),
        BinOp::Sub => is_r(a) && !is_r(b),
        _ => false,
    };
    let same_idx = match (idx, widx) {
        (Atom::Var(p), Atom::Var(q)) => p == q,
        (Atom::Const(p), Atom::Const(q)) => p.to_string() == q.to_string(),
        _ => false,
    };
    (once && same_idx && base == wbase && val == u && dense.contains(base)).then_some((*r, *u))
}

/// Counts the uses of each variable that its adjoint flows back from: operands of right-hand
/// sides and values written or pushed. (Indices are integers; conditions and forward-only
/// statements send no adjoint back.)
fn count_block(b: &Block, uses: &mut [usize]) {
    for s in &b.stmts {
        count_stmt(s, uses);
    }
}

fn count_stmt(s: &Stmt, uses: &mut [usize]) {
    let mut atom = |a: &Atom| {
        if let Atom::Var(v) = a {
            uses[*v] += 1;
        }
    };
    match s {
        Stmt::Let { init: Some(r), .. } | Stmt::Assign { rhs: r, .. } => {
            r.atoms().into_iter().for_each(atom);
        }
        Stmt::IndexWrite { val, .. } | Stmt::Push { val, .. } => atom(val),
        Stmt::InPlace { body: b, .. } | Stmt::Scope(b) | Stmt::Loop { body: b, .. } => {
            count_block(b, uses)
        }
        Stmt::Branch { arms, .. } => arms.iter().for_each(|a| count_block(a, uses)),
        Stmt::Let { init: None, .. }
        | Stmt::Truncate { .. }
        | Stmt::Effect(_)
        | Stmt::Bound(_)
        | Stmt::Break { .. }
        | Stmt::Continue { .. }
        | Stmt::Return => {}
    }
}
