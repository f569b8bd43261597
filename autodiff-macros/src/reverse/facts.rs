//! Facts about the function gathered before generating: the variables read by index and by
//! field, and the definitions of variables never reassigned.

use super::*;

/// The variables read by index (`base[i]`) in `b`.
pub(super) fn collect_index_bases(b: &Block, out: &mut Vec<VarId>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                init: Some(Rhs::Index { base, .. }),
                ..
            }
            | Stmt::Assign {
                rhs: Rhs::Index { base, .. },
                ..
            } if !out.contains(base) => out.push(*base),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_index_bases(b, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_index_bases(a, out)),
            _ => {}
        }
    }
}

/// The local variables read by field (`p.x`, `t.0`) in `b`.
pub(super) fn collect_field_bases(b: &Block, out: &mut std::collections::HashSet<VarId>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                init:
                    Some(Rhs::Field {
                        base: Atom::Var(v), ..
                    }),
                ..
            }
            | Stmt::Assign {
                rhs: Rhs::Field {
                    base: Atom::Var(v), ..
                },
                ..
            } => {
                out.insert(*v);
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_field_bases(b, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_field_bases(a, out)),
            _ => {}
        }
    }
}

/// The definition of every `let` variable in `b` that is never reassigned.
pub(super) fn collect_defs(b: &Block, f: &Func, out: &mut HashMap<VarId, Rhs>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            } if !f.vars[*var].reassigned => {
                out.insert(*var, rhs.clone());
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_defs(b, f, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_defs(a, f, out)),
            _ => {}
        }
    }
}
