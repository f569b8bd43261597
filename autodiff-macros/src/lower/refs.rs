//! Which variables hold references: `&T` parameters and the results of borrows.

use super::*;

/// Marks variables that hold references: `&T` parameters and results of borrows.
pub(super) fn mark_refs(func: &mut Func, params: &[VarId], input: &[ParamIn]) {
    for (v, p) in params.iter().zip(input) {
        func.vars[*v].is_ref = p.is_ref;
        func.vars[*v].borrows_param = p.is_ref;
    }
    /// (variable, the variable its borrow starts from, if any)
    fn walk(b: &Block, out: &mut Vec<(VarId, Option<VarId>)>, copies: &mut Vec<(VarId, VarId)>) {
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    var,
                    init: Some(rhs),
                    ..
                }
                | Stmt::Assign { var, rhs } => match rhs {
                    Rhs::Ref(Atom::Var(b))
                    | Rhs::Field {
                        base: Atom::Var(b),
                        by_ref: true,
                        ..
                    } => out.push((*var, Some(*b))),
                    Rhs::Index {
                        base, by_ref: true, ..
                    } => out.push((*var, Some(*base))),
                    Rhs::Ref(_) | Rhs::Field { by_ref: true, .. } => out.push((*var, None)),
                    // A copy of a reference is a reference (`for x in v.iter()` binds `x = &v[i]`).
                    Rhs::Copy(Atom::Var(b)) => copies.push((*var, *b)),
                    _ => {}
                },
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => walk(b, out, copies),
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| walk(a, out, copies)),
                _ => {}
            }
        }
    }
    let mut refs = Vec::new();
    let mut copies = Vec::new();
    walk(&func.body, &mut refs, &mut copies);
    for (v, _) in &refs {
        func.vars[*v].is_ref = true;
    }
    // Copies of references, to a fixed point (a copy keeps the original's borrow).
    loop {
        let mut changed = false;
        for (v, b) in &copies {
            if func.vars[*b].is_ref && !func.vars[*v].is_ref {
                func.vars[*v].is_ref = true;
                refs.push((*v, Some(*b)));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A borrow through a reference parameter (or a borrow of one) outlives every pullback; a
    // parameter that is reassigned may be rebound to a local, so it does not count, and neither
    // does one taken by value (`let r = &p;` borrows a local of the generated function).
    let param_ok =
        |f: &Func, b: VarId| params.contains(&b) && f.vars[b].is_ref && !f.vars[b].reassigned;
    loop {
        let mut changed = false;
        for (v, root) in &refs {
            let ok = root.is_some_and(|b| {
                param_ok(func, b) || (func.vars[b].borrows_param && !func.vars[b].reassigned)
            });
            if ok && !func.vars[*v].borrows_param && !func.vars[*v].reassigned {
                func.vars[*v].borrows_param = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// What a `Vec` is given by one of its methods: the pushed or inserted element, or the
/// container whose elements `extend_from_slice` copies.
pub(super) enum Stored {
    Element(VarId),
    Elements(VarId),
}

/// What to write instead of storing references into a `Vec`.
pub(super) const STORED_HINT: &str = "store values instead (`v.push(x[i])`, `v.push(*r)`, `v.push([x[0], x[1]])`, or `v.push(x[a..b].to_vec())` for a slice), or keep the index in the `Vec` and read `x[i]` where it is used";

/// A `Vec` of references (`v.push(&x[i])`, `v.push(r)` for `r` in `x.iter()`,
/// `v.push(&x[a..b])`, `v.push([&x[0], &x[1]])`, `v.insert(0, r)`, `v.extend_from_slice(&refs)`)
/// has no adjoint the reverse sweep can hold: the adjoint of a borrowed element belongs to the
/// container it borrows from. Each such store becomes a use that the soundness check refuses
/// when the value carries a derivative (a `Vec` of borrowed indices stays as written; so does
/// `vec![&x[0], &x[1]]`, whose elements the reverse sweep reads in place).
pub(super) fn pushed_refs(func: &mut Func, stored: Vec<(Stored, &'static str, TokenStream)>) {
    let made_of_refs = made_of_refs(func);
    for (what, method, tokens) in stored {
        let (x, refs) = match what {
            Stored::Element(x) => (x, func.vars[x].is_ref || made_of_refs.contains(&x)),
            Stored::Elements(x) => (x, made_of_refs.contains(&x)),
        };
        if refs {
            func.opaque_uses.push(OpaqueUse {
                vars: vec![x],
                tokens,
                what: format!("a `Vec` of references (made by `{method}`)"),
                hint: STORED_HINT,
            });
        }
    }
}

/// The locals made of references: `[x, y]`, `vec![r, s]`, `vec![r; n]` with `x`, `y`, `r`, `s`
/// references (or made of them), and moves and clones of those.
fn made_of_refs(func: &Func) -> std::collections::HashSet<VarId> {
    let mut made = std::collections::HashSet::new();
    walk_all(&func.body, &mut |s| {
        let (Stmt::Let {
            var,
            init: Some(rhs),
            ..
        }
        | Stmt::Assign { var, rhs }) = s
        else {
            return;
        };
        let holds =
            |a: &Atom| matches!(a, Atom::Var(v) if func.vars[*v].is_ref || made.contains(v));
        let refs = match rhs {
            Rhs::Array(xs) | Rhs::VecLit(xs) => xs.iter().any(holds),
            Rhs::Repeat { elem, .. } => holds(elem),
            // a move or clone of one (`let u = t;`, `t.clone()`)
            Rhs::Copy(Atom::Var(b))
            | Rhs::Clone {
                x: Atom::Var(b), ..
            } => made.contains(b),
            _ => false,
        };
        if refs {
            made.insert(*var);
        }
    });
    made
}

/// Calls `f` on every statement of `b`, nested ones after the statement that holds them.
fn walk_all<'a>(b: &'a Block, f: &mut impl FnMut(&'a Stmt)) {
    for s in &b.stmts {
        f(s);
        match s {
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => walk_all(b, f),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| walk_all(a, f)),
            Stmt::InPlace { body, .. } => walk_all(body, f),
            _ => {}
        }
    }
}

/// Refuses `t[i][j]` on a local made of references (`let t = [x, y];` of slices, `vec![r; 2]`,
/// a move or clone of one):
/// the element is read at one index `At2(i, j)` on `t`, which a container of borrowed rows does
/// not implement (`[&[f64]]` is not `Index<At2>`).
pub(super) fn refuse_rows_of_refs(
    func: &Func,
    spans: &std::collections::HashMap<VarId, TokenStream>,
) -> syn::Result<()> {
    let made_of_refs = made_of_refs(func);
    let mut reads = Vec::new();
    walk_all(&func.body, &mut |s| match s {
        Stmt::Let {
            init:
                Some(Rhs::Index {
                    base,
                    idx: Atom::Var(t),
                    ..
                }),
            ..
        }
        | Stmt::Assign {
            rhs:
                Rhs::Index {
                    base,
                    idx: Atom::Var(t),
                    ..
                },
            ..
        }
        | Stmt::IndexWrite {
            base,
            idx: Atom::Var(t),
            ..
        } => reads.push((*base, *t)),
        _ => {}
    });
    for (base, t) in reads {
        if let (true, Some(span)) = (made_of_refs.contains(&base), spans.get(&t)) {
            let name = &func.vars[base].ident;
            return Err(syn::Error::new_spanned(
                span,
                format!(
                    "`{name}[i][j]` on a local whose rows are references (`let {name} = [x, y];` of slices) is not supported in a #[differentiable] function; index the slice itself (`x[j]`), or make the rows owned (`let {name} = [x.to_vec(), y.to_vec()];`)"
                ),
            ));
        }
    }
    Ok(())
}
