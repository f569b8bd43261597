//! A state `Vec` replaced each trip, read before it is: one copy per trip, not a record per
//! read.
//!
//! A recurrent cell keeps its state in a dense local `h` and replaces it at the end of each
//! step (`h = hn;`); the step reads `h[j]` many times before (`a += w[i * n + j] * h[j]` for
//! every `i`: `n²` reads of `n` values). Each read's value is recorded for the product's rule,
//! `n²` records a step. Every one of them reads the value `h` has when it is replaced: nothing
//! else changes it in between. So the forward sweep copies `h`'s elements once, right before the
//! replacement (`rt::flat_put`, as in `flat.rs`), and the reverse sweep reads `h[j]` again from
//! that copy, bound where the step's block starts its reverse sweep (`__tv{h}`): `n` records a
//! step.
//!
//! Taken for a block `B` (the statements of one trip, or any nested block) none of whose
//! statements can leave it (no `break`, `continue` or `return` out of it) and a statement
//! `B[k]` that assigns the whole dense float local `h` (a move, `h = hn`). The reads are the
//! element reads `v = h[i]` anywhere in `B[0..k]` (nested loops included) of a `v` bound once.
//! Nothing in `B[0..k]` may name `h` but element reads, clones and sums (which leave it as it
//! is); `h` is named by no other variable. Not in a fused loop (whose pullbacks
//! run in the forward sweep, before the copy exists).

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Place, RevGen};
use crate::ir::{Block, Func, Rhs, Stmt, VarId};
use crate::naming;

/// The reads served by a copy taken at a replacement, and the replacements.
#[derive(Default)]
pub(super) struct TripVersions {
    /// Element read `v` → the local `h` it reads and the replacement whose copy serves it.
    pub reads: HashMap<VarId, (VarId, usize)>,
    /// The replacing statements (by address): the local they replace and their number.
    pub at: HashMap<*const Stmt, (VarId, usize)>,
    /// The replacements whose copy a read emitted so far indexes. The copy is taken only then
    /// (a read no rule needs, `2.0 * u[i]`, records nothing either way), decided when the
    /// replacement's block has been emitted: a rule reading `v` may come after the replacement.
    pub used: HashSet<usize>,
}

/// The trip versions of `f`'s dense float locals `dense`.
pub(super) fn find(f: &Func, dense: &HashSet<VarId>) -> TripVersions {
    let mut out = TripVersions::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for v in &f.vars {
        *by_name.entry(v.ident.to_string()).or_default() += 1;
    }
    let unique = |h: VarId| by_name[&f.vars[h].ident.to_string()] == 1;
    block(f, &f.body, dense, &unique, &mut out);
    out
}

fn block(
    f: &Func,
    b: &Block,
    dense: &HashSet<VarId>,
    unique: &dyn Fn(VarId) -> bool,
    out: &mut TripVersions,
) {
    let stays = b.stmts.iter().all(|s| !leaves(s, &mut Vec::new()));
    for (k, s) in b.stmts.iter().enumerate() {
        let Stmt::Assign {
            var: h,
            rhs: Rhs::Copy(_),
        } = s
        else {
            continue;
        };
        if !stays || !dense.contains(h) || !unique(*h) {
            continue;
        }
        let mut reads = Vec::new();
        let only_reads = b.stmts[..k]
            .iter()
            .all(|s| reads_only(f, s, *h, &mut reads));
        if only_reads && !reads.is_empty() {
            let id = out.at.len();
            out.at.insert(s as *const Stmt, (*h, id));
            out.reads.extend(reads.into_iter().map(|v| (v, (*h, id))));
        }
    }
    for s in &b.stmts {
        match s {
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => block(f, b, dense, unique, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| block(f, a, dense, unique, out)),
            _ => {}
        }
    }
}

/// Whether `s` may leave the block it stands in: a `return`, or a `break`/`continue` of a loop
/// not inside `s` (`inner`: the loops entered so far).
fn leaves(s: &Stmt, inner: &mut Vec<usize>) -> bool {
    let any = |b: &Block, inner: &mut Vec<usize>| b.stmts.iter().any(|s| leaves(s, inner));
    match s {
        Stmt::Return => true,
        Stmt::Break { target } | Stmt::Continue { target } => !inner.contains(target),
        Stmt::Loop { id, body } => {
            inner.push(*id);
            let l = any(body, inner);
            inner.pop();
            l
        }
        Stmt::Scope(b) | Stmt::InPlace { body: b, .. } => any(b, inner),
        Stmt::Branch { arms, .. } => arms.iter().any(|a| any(a, inner)),
        _ => false,
    }
}

/// Whether `s` names `h` only in element reads into variables bound once (collected in
/// `reads`), and in clones and sums, which leave it as it is.
fn reads_only(f: &Func, s: &Stmt, h: VarId, reads: &mut Vec<VarId>) -> bool {
    let is_h = |a: &crate::ir::Atom| matches!(a, crate::ir::Atom::Var(v) if *v == h);
    let named_in = |t: &proc_macro2::TokenStream| mentions(t, &f.vars[h].ident.to_string());
    let all =
        |b: &Block, reads: &mut Vec<VarId>| b.stmts.iter().all(|s| reads_only(f, s, h, reads));
    match s {
        Stmt::Let {
            var,
            init:
                Some(Rhs::Index {
                    base,
                    idx,
                    by_ref: false,
                }),
            ..
        } if *base == h => {
            if f.vars[*var].reassigned || is_h(idx) {
                return false;
            }
            reads.push(*var);
            true
        }
        Stmt::Let { var, init, .. } => {
            *var != h && init.as_ref().is_none_or(|r| leaves_h(r, h, &named_in))
        }
        Stmt::Assign { var, rhs } => *var != h && leaves_h(rhs, h, &named_in),
        Stmt::IndexWrite { base, idx, val } => *base != h && !is_h(idx) && !is_h(val),
        Stmt::Push { base, val, len } => *base != h && !is_h(val) && !is_h(len),
        Stmt::Truncate { base, len } => *base != h && !is_h(len),
        Stmt::InPlace {
            bases,
            body,
            original,
        } => !bases.contains(&h) && !named_in(original) && all(body, reads),
        Stmt::Bound(vs) => !vs.contains(&h),
        Stmt::Effect(t) => !named_in(t),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => all(b, reads),
        Stmt::Branch { kind, arms, .. } => {
            let cond_ok = match kind {
                crate::ir::BranchKind::If { cond, .. } => !named_in(cond),
                crate::ir::BranchKind::Match { scrutinee, heads } => {
                    !named_in(scrutinee) && !heads.iter().any(named_in)
                }
            };
            cond_ok && arms.iter().all(|a| all(a, reads))
        }
        Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => true,
    }
}

/// Whether the right-hand side `r` leaves `h` as it is and keeps no borrow of it: a sum or a
/// clone of it, anything that does not name it (an element read of it bound by reference, a
/// call or method given it, is not taken).
fn leaves_h(r: &Rhs, h: VarId, named_in: &dyn Fn(&proc_macro2::TokenStream) -> bool) -> bool {
    let is_h = |a: &crate::ir::Atom| matches!(a, crate::ir::Atom::Var(v) if *v == h);
    match r {
        Rhs::Index { base, idx, .. } => *base != h && !is_h(idx),
        Rhs::Sum { len, .. } => !is_h(len),
        Rhs::Clone { .. } => true,
        Rhs::Opaque(t) => !named_in(t),
        r => !r.atoms().into_iter().any(is_h),
    }
}

/// Whether the identifier `name` occurs in `t` (at any depth).
fn mentions(t: &proc_macro2::TokenStream, name: &str) -> bool {
    t.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// The reverse sweep's name of the copy taken at replacement `id` (`&Vec<T>`); one name per
/// replacement, so that a nested block replacing the same local binds its own.
pub(super) fn copy_name(id: usize) -> Ident {
    naming::fixed(&format!("__tv{id}"))
}

impl RevGen<'_> {
    /// Once a block's statements are emitted, for its statement `s` when `s` is a replacement
    /// `h = hn` of [`TripVersions::at`] whose copy a read indexes: the forward copy of `h`'s
    /// elements (to go before the move), and the reverse binding of [`copy_name`] where the
    /// block starts its reverse sweep. `None` for any other statement.
    pub(super) fn trip_copy(&mut self, s: &Stmt, place: Place) -> Option<TokenStream> {
        let &(h, id) = self.trip_versions.at.get(&(s as *const Stmt))?;
        if !self.trip_versions.used.contains(&id) {
            return None;
        }
        let (save, read) = self.flat_save(h, place);
        let name = copy_name(id);
        self.versions_load(quote! { let #name = #read; });
        Some(save)
    }
}
