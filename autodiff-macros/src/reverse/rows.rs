//! Rows of a parameter's gradient buffer held for one loop's reverse sweep.
//!
//! `for j in 0..n { z += w[k][j] * x[j]; }` with `w: &[Vec<f64>]` reads row `k` of `w` on every
//! trip (`let row = &w[k]; let a = row[j];` after lowering), and each reverse trip adds
//! `dw[k][j] += da` through `w`'s gradient buffer (`def`, the nested-row rule): the row is looked
//! up again, and its pointer and length are loaded again after every store, on every trip.
//!
//! When row `k` is the only part of `w` whose adjoint the loop touches, the row is fitted once
//! before the loop's reverse sweep and held (`rt::RowProbe`: a slice of `w[k].len()` adjoints for
//! a dense buffer of `Vec` rows, the buffer itself otherwise), and each read adds into it
//! (`y = w[k][j] => held[j] += dy`). The row index is read once, before the loop; a loop that
//! never read the row (no trips, or the reads behind a branch not taken) may hold an index past
//! the end, so the hold looks the row up without indexing (`rt::RowProbe`).
//!
//! Taken where the buffer is not needed otherwise during the loop: the parameter has a gradient
//! buffer of its own (not a fused companion's parameter, whose adds depend on the caller), and
//! every statement of the body (nested blocks, branches and loops included) with reverse work on
//! the parameter's adjoint is the definition of a row `&w[k]` read by the nested-row rule, with
//! one and the same index `k` defined outside the loop; those rows are used only by element
//! reads `row[j]`. A range of the parameter passed to a call counts as work on its adjoint
//! wherever the range was taken (the call's reverse adds into the parameter's adjoint). Their own adjoint is then never added to, so their definitions' reverse adds
//! nothing.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Place, RevGen};
use crate::ir::{Atom, Block, Rhs, Stmt, VarId};
use crate::naming;

/// A row held during the reverse sweep of the loop being emitted.
#[derive(Clone)]
pub(super) struct HeldRow {
    /// The parameter `w`.
    param: VarId,
    /// The row index `k`.
    idx: Atom,
}

impl RevGen<'_> {
    /// Before a loop's body is emitted: the parameters whose one row the body reads, not held
    /// by an enclosing loop already. Their element reads in the body add into the held row
    /// once [`rows_exit`](Self::rows_exit)'s code holds it before the loop's reverse sweep.
    pub(super) fn rows_enter(&mut self, body: &Block) -> Vec<HeldRow> {
        let mut out = Vec::new();
        for &p in &self.grad_bufs {
            if self.held.iter().any(|h| h.param == p)
                || self.params.get(&p).is_none_or(|r| r.slot_in.is_some())
            {
                continue;
            }
            let mut scan = Uses {
                rev: self,
                p,
                rows: Vec::new(),
                idx: Vec::new(),
                made: HashSet::new(),
                other: false,
            };
            scan.block(body);
            let Uses {
                rows,
                idx,
                made,
                other,
                ..
            } = scan;
            let Some(k) = idx.first() else { continue };
            let same = idx.iter().all(|i| same_atom(i, k));
            let outside = match k {
                Atom::Const(_) => true,
                Atom::Var(v) => !made.contains(v) && self.unchanging(k),
            };
            // A row defined in the body and also assigned there is not one row.
            let fixed_rows = rows.iter().all(|r| !self.f.vars[*r].reassigned);
            if other || !same || !outside || !fixed_rows {
                continue;
            }
            out.push(HeldRow {
                param: p,
                idx: k.clone(),
            });
        }
        self.held.extend(out.iter().cloned());
        out
    }

    /// After the body: (forward code saving each row index before the loop, when the reverse
    /// sweep does not have it otherwise; reverse code holding each row before the loop's
    /// reverse sweep).
    pub(super) fn rows_exit(
        &mut self,
        rows: &[HeldRow],
        place: Place,
        emit: bool,
    ) -> (TokenStream, TokenStream) {
        self.held
            .retain(|h| !rows.iter().any(|r| r.param == h.param));
        let (mut save, mut load) = (TokenStream::new(), TokenStream::new());
        if !emit {
            return (save, load);
        }
        let rt = self.rt.clone();
        for h in rows {
            let (s, read) = self.read(&h.idx, place);
            save.extend(s);
            let (b, d) = (self.grad_buf(h.param), self.adj(h.param));
            let w = self.params[&h.param].read.clone();
            let (row, k) = (held_row(h.param), held_index(h.param));
            load.extend(quote! {
                let #k = ::core::clone::Clone::clone(#read);
                let mut #row = {
                    #[allow(unused_imports)]
                    use #rt::{HeldRowProbe as _, KeepRowProbe as _};
                    (&#rt::RowProbe(
                        ::core::cell::Cell::new(::core::option::Option::Some((&mut #b, &mut #d))),
                        #k,
                        &(#w),
                    ))
                        .hold_row()
                };
            });
        }
        (save, load)
    }

    /// The held row element reads of `param`'s row `idx` add into, when a loop being emitted
    /// holds it.
    pub(super) fn held_row_of(&self, param: VarId, idx: &Atom) -> Option<Ident> {
        self.held
            .iter()
            .find(|h| h.param == param && same_atom(&h.idx, idx))
            .map(|h| held_row(h.param))
    }

    /// Whether a loop being emitted holds a row of `param` (so the body's row definitions of
    /// `param` have no reverse work, see the module documentation).
    pub(super) fn holds_row(&self, param: VarId) -> bool {
        self.held.iter().any(|h| h.param == param)
    }
}

/// The held row of parameter `p`.
fn held_row(p: VarId) -> Ident {
    naming::fixed(&format!("__hr{p}"))
}

/// The index of the held row of parameter `p`, bound before the loop's reverse sweep.
pub(super) fn held_index(p: VarId) -> Ident {
    naming::fixed(&format!("__hk{p}"))
}

/// The same variable, or constants spelled the same.
fn same_atom(a: &Atom, b: &Atom) -> bool {
    match (a, b) {
        (Atom::Var(x), Atom::Var(y)) => x == y,
        (Atom::Const(x), Atom::Const(y)) => x.to_string() == y.to_string(),
        _ => false,
    }
}

/// What a loop body does with parameter `p` and its rows.
struct Uses<'g, 'a> {
    rev: &'g RevGen<'a>,
    p: VarId,
    /// Rows of `p` (`&p[k]`) whose elements the body reads.
    rows: Vec<VarId>,
    /// The row index of each element read.
    idx: Vec<Atom>,
    /// Variables the body binds.
    made: HashSet<VarId>,
    /// Some statement has other reverse work on `p`'s adjoint or a row's.
    other: bool,
}

impl Uses<'_, '_> {
    fn block(&mut self, b: &Block) {
        b.stmts.iter().for_each(|s| self.stmt(s));
    }

    /// `Some(k)` when `v` is a row `&p[k]` whose element reads go straight into `p`'s buffer.
    fn row_of_p(&self, v: VarId) -> Option<Atom> {
        self.rev
            .nested_row(v)
            .and_then(|(outer, k)| (outer == self.p).then_some(k))
    }

    /// Whether a statement with reverse work on `v` may add into `p`'s adjoint or buffer:
    /// `p` itself, a row of it, or a range of it passed to a call, whose adjoint the call's
    /// reverse adds straight into `p`'s at the range's offset (`range_slots`), even when the
    /// range was taken before the loop (`let t = &w[1..]; for .. { f(t) }`).
    fn touches(&self, v: VarId) -> bool {
        v == self.p
            || self.row_of_p(v).is_some()
            || self
                .rev
                .range_arg(&Atom::Var(v))
                .is_some_and(|r| r.base == self.p)
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Let { var, init, .. } => {
                self.made.insert(*var);
                if let Some(r) = init {
                    self.def(*var, r);
                }
            }
            Stmt::Assign { var, rhs } => {
                self.made.insert(*var);
                self.def(*var, rhs);
            }
            Stmt::IndexWrite { base, val, .. } => self.atoms(&[*base], &[val]),
            Stmt::Push { base, val, .. } => self.atoms(&[*base], &[val]),
            Stmt::Truncate { base, .. } => self.atoms(&[*base], &[]),
            Stmt::InPlace { bases, body, .. } => {
                self.atoms(bases, &[]);
                self.block(body);
            }
            Stmt::Bound(vars) => self.made.extend(vars.iter().copied()),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.block(b),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| self.block(a)),
            // Code with no reverse work (forward-only statements, exits).
            Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => {}
        }
    }

    /// `var = rhs`.
    fn def(&mut self, var: VarId, rhs: &Rhs) {
        match rhs {
            // `row = &p[k]`, a row read by the nested-row rule: allowed (its uses are checked
            // where they are).
            Rhs::Index {
                base, by_ref: true, ..
            } if *base == self.p && self.row_of_p(var).is_some() => {}
            // `y = row[j]`: into `p`'s buffer at `[k][j]`.
            Rhs::Index {
                base,
                by_ref: false,
                ..
            } if self.row_of_p(*base).is_some() => {
                let k = self.row_of_p(*base).expect("a row");
                if !self.rows.contains(base) {
                    self.rows.push(*base);
                }
                self.idx.push(k);
            }
            _ => self.other |= rhs.diff_operands().iter().any(|v| self.touches(*v)),
        }
    }

    /// A statement with reverse work on `bases` and `vals`.
    fn atoms(&mut self, bases: &[VarId], vals: &[&Atom]) {
        self.other |= bases.iter().any(|v| self.touches(*v))
            || vals
                .iter()
                .any(|a| matches!(a, Atom::Var(v) if self.touches(*v)));
    }
}
