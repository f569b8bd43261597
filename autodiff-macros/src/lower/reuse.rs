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

use crate::ir::*;

/// An element read that later identical reads can reuse.
#[derive(Clone)]
struct Known {
    base: VarId,
    idx: IdxKey,
    /// The variable that holds `base[idx]` (bound once, never reassigned).
    holder: VarId,
}

/// An index as compared: the same variable, or the same constant tokens.
#[derive(Clone, PartialEq)]
enum IdxKey {
    Var(VarId),
    Const(String),
}

fn key_of(idx: &Atom) -> IdxKey {
    match idx {
        Atom::Var(v) => IdxKey::Var(*v),
        Atom::Const(t) => IdxKey::Const(t.to_string()),
    }
}

/// Rewrites repeated by-value element reads in `func` into copies of the first (see the module
/// documentation).
pub(super) fn reuse_reads(func: &mut Func) {
    let vars = &func.vars;
    walk(&mut func.body, &mut Vec::new(), vars);
}

/// Forgets every read that `v` being written could change (`v` as a base, an index or a holder).
fn forget(known: &mut Vec<Known>, v: VarId) {
    known.retain(|k| k.base != v && k.idx != IdxKey::Var(v) && k.holder != v);
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

fn walk(block: &mut Block, known: &mut Vec<Known>, vars: &[Var]) {
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
                    let key = key_of(idx);
                    if let Some(k) = known.iter().find(|k| k.base == *base && k.idx == key) {
                        *rhs = Rhs::Copy(Atom::Var(k.holder));
                    } else if !vars[*var].reassigned {
                        known.push(Known {
                            base: *base,
                            idx: key,
                            holder: *var,
                        });
                    }
                } else if may_write_unseen(rhs) {
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
                walk(b, &mut known.clone(), vars);
                known.clear();
            }
            Stmt::Branch { arms, .. } => {
                for arm in arms {
                    walk(arm, &mut Vec::new(), vars);
                }
                known.clear();
            }
            Stmt::Loop { body, .. } => {
                walk(body, &mut Vec::new(), vars);
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
