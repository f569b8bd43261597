//! Repeated element reads: `let a = v[i]; .. let b = v[i];` with nothing between that can change
//! `v`, `i` or `a` becomes `let b = a;`. The value is the same bit for bit; the reverse sweep then
//! adds `b`'s adjoint into `a`'s in a register (`b = a => da += db`) and scatters one
//! `dv[i] += da` instead of two read-modify-writes of the same element in memory (a stencil's
//! `u[i] + k * (left - 2.0 * u[i] + right)`).
//!
//! Conservative by construction: any statement that may write something it cannot see (a call,
//! code kept as written that is not plainly read-only, a macro) forgets every read; a loop body starts
//! with nothing known (its later trips follow its own writes), and so do the arms of a branch (its
//! condition is code kept as written); after a nested block nothing is known.
//!
//! An element of a row, `u[i][j]` (one read at a fresh `At2(i, j)` temporary per read, see
//! `Func::row_indices`), is compared by its `(i, j)`: the stencil's `u[i][j] + k * (.. - 4.0 *
//! u[i][j])` reads the element once.

use crate::ir::*;

/// An element read that later identical reads can reuse.
#[derive(Clone)]
struct Known {
    base: VarId,
    idx: IdxKey,
    /// The variable that holds `base[idx]` (bound once, never reassigned).
    holder: VarId,
}

/// An index as compared: the same variable, or the same constant tokens; a row element's
/// `At2(i, j)` by its two indices.
#[derive(Clone, PartialEq)]
enum IdxKey {
    Var(VarId),
    Const(String),
    Row(Box<IdxKey>, Box<IdxKey>),
}

impl IdxKey {
    /// Whether writing `v` may change the index.
    fn mentions(&self, v: VarId) -> bool {
        match self {
            IdxKey::Var(w) => *w == v,
            IdxKey::Const(_) => false,
            IdxKey::Row(i, j) => i.mentions(v) || j.mentions(v),
        }
    }
}

fn key_of(idx: &Atom, rows: &RowIndices) -> IdxKey {
    match idx {
        Atom::Var(v) => match rows.get(v) {
            Some((i, j)) => IdxKey::Row(Box::new(key_of(i, rows)), Box::new(key_of(j, rows))),
            None => IdxKey::Var(*v),
        },
        Atom::Const(t) => IdxKey::Const(t.to_string()),
    }
}

/// `Func::row_indices`: the `At2(i, j)` temporaries and their indices.
type RowIndices = std::collections::HashMap<VarId, (Atom, Atom)>;

/// Rewrites repeated by-value element reads in `func` into copies of the first (see the module
/// documentation).
pub(super) fn reuse_reads(func: &mut Func) {
    let cx = Cx {
        vars: &func.vars,
        rows: &func.row_indices,
    };
    walk(&mut func.body, &mut Vec::new(), &cx);
}

/// What the walk reads: the variables and the row-element indices.
struct Cx<'a> {
    vars: &'a [Var],
    rows: &'a RowIndices,
}

/// Forgets every read that `v` being written could change (`v` as a base, an index or a holder).
fn forget(known: &mut Vec<Known>, v: VarId) {
    known.retain(|k| k.base != v && !k.idx.mentions(v) && k.holder != v);
}

/// Forgets every read whose holder `v` shadows: the copy is emitted by name, so after
/// `let a = v[i]; let a = ..;` a later `let b = a;` would name the new `a` (`r#a` and `a` are
/// one name).
fn forget_shadowed(known: &mut Vec<Known>, vars: &[Var], v: VarId) {
    use syn::ext::IdentExt;
    let name = vars[v].ident.unraw();
    known.retain(|k| vars[k.holder].ident.unraw() != name);
}

/// `true` for a right-hand side that may write variables it does not name as operands.
fn may_write_unseen(rhs: &Rhs) -> bool {
    matches!(rhs, Rhs::Call { .. } | Rhs::Opaque(_))
}

/// `true` if the tokens contain a `!` (a macro call, whose expansion may write what it names).
fn invokes_macro(ts: proc_macro2::TokenStream) -> bool {
    ts.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '!',
        proc_macro2::TokenTree::Group(g) => invokes_macro(g.stream()),
        _ => false,
    })
}

fn walk(block: &mut Block, known: &mut Vec<Known>, cx: &Cx) {
    let vars = cx.vars;
    for stmt in &mut block.stmts {
        match stmt {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            } => {
                forget(known, *var);
                forget_shadowed(known, vars, *var);
                if let Rhs::Index {
                    base,
                    idx,
                    by_ref: false,
                } = rhs
                {
                    let key = key_of(idx, cx.rows);
                    if let Some(k) = known.iter().find(|k| k.base == *base && k.idx == key) {
                        *rhs = Rhs::Copy(Atom::Var(k.holder));
                    } else if !vars[*var].reassigned {
                        known.push(Known {
                            base: *base,
                            idx: key,
                            holder: *var,
                        });
                    }
                } else if may_write_unseen(rhs) && !cx.rows.contains_key(var) {
                    // (an `At2(i, j)` temporary only builds the index)
                    known.clear();
                }
            }
            Stmt::Let {
                var, init: None, ..
            } => {
                forget(known, *var);
                forget_shadowed(known, vars, *var);
            }
            Stmt::Assign { var, rhs } => {
                if may_write_unseen(rhs) {
                    known.clear();
                }
                forget(known, *var);
            }
            Stmt::IndexWrite { base, .. }
            | Stmt::Push { base, .. }
            | Stmt::Truncate { base, .. } => forget(known, *base),
            Stmt::InPlace { bases, .. } => bases.iter().for_each(|b| forget(known, *b)),
            Stmt::Bound(vs) => vs.iter().for_each(|v| {
                forget(known, *v);
                forget_shadowed(known, vars, *v);
            }),
            Stmt::Scope(b) => {
                walk(b, &mut known.clone(), cx);
                known.clear();
            }
            Stmt::Branch { arms, .. } => {
                for arm in arms {
                    walk(arm, &mut Vec::new(), cx);
                }
                known.clear();
            }
            Stmt::Loop { body, .. } => {
                walk(body, &mut Vec::new(), cx);
                known.clear();
            }
            // The operand shape checks stay: they only read.
            Stmt::Effect(t) if !may_write(t.clone()) && !invokes_macro(t.clone()) => {}
            Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => {
                known.clear()
            }
        }
    }
}
