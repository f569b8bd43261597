//! Temporaries that a borrow assigned to an outer variable must outlive.
//!
//! The lowering turns `&v[a..b]` into `let __t = <the range>; .. &__t`. In `let r = &v[a..b];`
//! the temporary lives in `r`'s block, as long as `r`. In an assignment to a variable declared
//! in an enclosing block (`let r; if c { r = &p[..2]; } else { r = &p[1..]; }`, or `r = &p[i..]`
//! in a loop with `r` read after it), the user's borrow is of `p` and outlives the block, but
//! the temporary would be dropped at its end (E0716 inside generated code). Such a temporary
//! is declared next to the variable instead (`let mut __t;`) and its definition becomes an
//! assignment, so it lives exactly as long as the variable that borrows it.
//!
//! A parameter is declared with its type, whose lifetime (`mut r: &'a [f64]`) no local can
//! outlive: a `mut` reference parameter that the body sets to a range is first rebound as a local
//! (`let mut r = r;`) in the generated functions, and the temporary is declared next to that.

use super::*;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;

/// Prepends `let mut r = r;` to `body` for each `mut` reference parameter `r` that the body
/// assigns a range to (`r = &p[a..b];`; see the module docs).
pub(super) fn rebind_params_given_ranges(body: &mut syn::Block, params: &[ParamIn]) {
    struct Finder(Vec<String>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            // `peel` takes the `&` off too: a range read is only valid borrowed
            let range = matches!(peel(&a.right), Expr::Index(ix) if matches!(peel(&ix.index), Expr::Range(_)));
            if let (true, Expr::Path(p)) = (range, peel(&a.left)) {
                if let Some(id) = p.path.get_ident() {
                    self.0.push(id.to_string());
                }
            }
            syn::visit::visit_expr_assign(self, a);
        }
    }
    let mut f = Finder(Vec::new());
    f.visit_block(body);
    for p in params.iter().rev() {
        if p.is_ref && !p.fixed && f.0.contains(&p.ident.to_string()) {
            let id = &p.ident;
            body.stmts
                .insert(0, syn::parse_quote! { let mut #id = #id; });
        }
    }
}

/// Moves the declaration of each temporary in `temps` that is borrowed by an assignment to a
/// variable of an enclosing block next to that variable's declaration (the function body's
/// start for a parameter). Marks it reassigned: its definition is an assignment now.
pub(super) fn hoist_borrowed_temps(func: &mut Func, temps: &HashSet<VarId>) {
    // temporary -> the variable whose borrow must not outlive it
    let mut owner: HashMap<VarId, VarId> = HashMap::new();
    find(&func.body, temps, &mut owner);
    if owner.is_empty() {
        return;
    }
    let moved: HashSet<VarId> = owner.keys().copied().collect();
    demote(&mut func.body, &moved);
    // by owner, in a fixed order (the temporaries' order of creation)
    let mut by_owner: HashMap<VarId, Vec<VarId>> = HashMap::new();
    let mut ts: Vec<VarId> = moved.iter().copied().collect();
    ts.sort_unstable();
    for t in ts {
        by_owner.entry(owner[&t]).or_default().push(t);
        func.vars[t].reassigned = true;
    }
    let decl = |t: VarId| Stmt::Let {
        var: t,
        mutable: true,
        ty: None,
        init: None,
    };
    insert_after_decls(&mut func.body, &mut by_owner, &decl);
    // the rest are assigned to parameters: declared at the start of the body
    let mut rest: Vec<VarId> = by_owner.into_values().flatten().collect();
    rest.sort_unstable();
    for (k, t) in rest.into_iter().enumerate() {
        func.body.stmts.insert(k, decl(t));
    }
}

/// The blocks nested directly in statement `s`.
fn inner_blocks(s: &Stmt) -> Vec<&Block> {
    match s {
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } | Stmt::InPlace { body: b, .. } => vec![b],
        Stmt::Branch { arms, .. } => arms.iter().collect(),
        _ => Vec::new(),
    }
}

fn inner_blocks_mut(s: &mut Stmt) -> Vec<&mut Block> {
    match s {
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } | Stmt::InPlace { body: b, .. } => vec![b],
        Stmt::Branch { arms, .. } => arms.iter_mut().collect(),
        _ => Vec::new(),
    }
}

/// `r = &t;` in a block that defines `t` (a temporary) but does not declare `r`.
fn find(b: &Block, temps: &HashSet<VarId>, owner: &mut HashMap<VarId, VarId>) {
    let declared: HashSet<VarId> = b
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Let { var, .. } => Some(*var),
            _ => None,
        })
        .collect();
    for s in &b.stmts {
        if let Stmt::Assign {
            var,
            rhs: Rhs::Ref(Atom::Var(t)),
        } = s
        {
            if temps.contains(t) && declared.contains(t) && !declared.contains(var) {
                owner.insert(*t, *var);
            }
        }
        for ib in inner_blocks(s) {
            find(ib, temps, owner);
        }
    }
}

/// `let t = rhs;` becomes `t = rhs;` for every moved temporary.
fn demote(b: &mut Block, moved: &HashSet<VarId>) {
    for s in &mut b.stmts {
        if let Stmt::Let {
            var, init: Some(_), ..
        } = s
        {
            if moved.contains(var) {
                let var = *var;
                let Stmt::Let {
                    init: Some(rhs), ..
                } = std::mem::replace(s, Stmt::Return)
                else {
                    unreachable!("matched above")
                };
                *s = Stmt::Assign { var, rhs };
                continue;
            }
        }
        for ib in inner_blocks_mut(s) {
            demote(ib, moved);
        }
    }
}

/// Puts `decl(t)` right after the declaration of each owner in `pending` (removing the owners
/// found from it).
fn insert_after_decls(
    b: &mut Block,
    pending: &mut HashMap<VarId, Vec<VarId>>,
    decl: &dyn Fn(VarId) -> Stmt,
) {
    let mut k = 0;
    while k < b.stmts.len() {
        if let Stmt::Let { var, .. } = &b.stmts[k] {
            if let Some(ts) = pending.remove(var) {
                for t in ts {
                    k += 1;
                    b.stmts.insert(k, decl(t));
                }
            }
        }
        for ib in inner_blocks_mut(&mut b.stmts[k]) {
            insert_after_decls(ib, pending, decl);
        }
        k += 1;
    }
}
