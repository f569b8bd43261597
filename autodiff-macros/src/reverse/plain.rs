//! Plain scalar adjoint slots: which variables are primitive floats (`f64`, `f32`), so their
//! adjoint can be a zero-initialised `#rt::plain::Plain` instead of an `Option` (no
//! discriminant and no branch per use; a loop-carried adjoint stays in a register).
//!
//! A variable's type is fixed by any one of its definitions, so one definition of known float
//! type is enough: a declared `f64`/`f32`, a float literal, a copy, negation or arithmetic of
//! known floats and float literals, a float method of a known float (`x.sin()`), a cast to a
//! float, or an element of a parameter declared as a container of floats (`&[f64]`, `Vec<f32>`,
//! `[f64; N]`). Anything else (a generic `T`, a call's result, a const path) keeps `Option`.

use super::*;

/// `f64` or `f32`, spelled as such.
pub fn is_float_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            let s = i.to_string();
            s == "f64" || s == "f32"
        }),
        syn::Type::Paren(p) => is_float_type(&p.elem),
        syn::Type::Group(g) => is_float_type(&g.elem),
        _ => false,
    }
}

/// A container of floats: `[f]`, `[f; N]`, `Vec<f>`, or a reference to one.
pub fn has_float_elems(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => has_float_elems(&r.elem),
        syn::Type::Slice(s) => is_float_type(&s.elem),
        syn::Type::Array(a) => is_float_type(&a.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(seg) = p.path.segments.last() else {
                return false;
            };
            if seg.ident != "Vec" {
                return false;
            }
            match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => {
                    a.args.len() == 1
                        && matches!(&a.args[0], syn::GenericArgument::Type(t) if is_float_type(t))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// A float literal, possibly negated (`0.5`, `-1.0`, `2.0f32`).
pub(super) fn is_float_literal(a: &Atom) -> bool {
    let Atom::Const(c) = a else { return false };
    fn lit(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Lit(l) => matches!(l.lit, syn::Lit::Float(_)),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => lit(&u.expr),
            syn::Expr::Paren(p) => lit(&p.expr),
            _ => false,
        }
    }
    syn::parse2::<syn::Expr>(c.clone()).is_ok_and(|e| lit(&e))
}

struct Floats<'a> {
    known: HashSet<VarId>,
    /// Containers of floats: parameters declared as such, and locals made or written as such.
    elems: HashSet<VarId>,
    f: &'a Func,
}

impl Floats<'_> {
    fn atom(&self, a: &Atom) -> bool {
        match a {
            Atom::Var(v) => self.known.contains(v),
            Atom::Const(_) => is_float_literal(a),
        }
    }

    fn rhs(&self, r: &Rhs) -> bool {
        match r {
            Rhs::Copy(a) | Rhs::Neg(a) | Rhs::Clone { x: a, .. } => self.atom(a),
            // f op f is f; a float with anything else (a matrix, a const of unknown type) is not
            // known.
            Rhs::Bin(_, a, b) => self.atom(a) && self.atom(b),
            Rhs::Method { name, args } => {
                methods::rule(&name.to_string()).is_some()
                    && args.first().is_some_and(|a| self.atom(a))
            }
            Rhs::Cast { ty, .. } => is_float_type(ty),
            Rhs::Index {
                base,
                by_ref: false,
                ..
            }
            | Rhs::Sum { base, .. } => self.elems.contains(base),
            _ => false,
        }
    }

    /// Whether `r` makes a container of floats: `vec![x; n]`/`[x; N]`, `vec![..]`/`[..]` with a
    /// known float element (all elements have one type), or a copy, clone or borrow of one.
    fn container_rhs(&self, r: &Rhs) -> bool {
        let elems = |a: &Atom| matches!(a, Atom::Var(v) if self.elems.contains(v));
        match r {
            Rhs::Repeat { elem, .. } => self.atom(elem),
            Rhs::VecLit(xs) | Rhs::Array(xs) => xs.iter().any(|x| self.atom(x)),
            Rhs::Copy(a) | Rhs::Ref(a) | Rhs::Clone { x: a, .. } => elems(a),
            _ => false,
        }
    }

    /// One pass over `b` for containers of floats; whether one was added.
    fn container_pass(&mut self, b: &Block) -> bool {
        let mut changed = false;
        for s in &b.stmts {
            let found = match s {
                Stmt::Let {
                    var, init: Some(r), ..
                }
                | Stmt::Assign { var, rhs: r } => self.container_rhs(r).then_some(*var),
                // `Vec<T>::push(T)`: the pushed value's type is the element type
                Stmt::Push { base, val, .. } => self.atom(val).then_some(*base),
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => {
                    changed |= self.container_pass(b);
                    None
                }
                Stmt::Branch { arms, .. } => {
                    for a in arms {
                        changed |= self.container_pass(a);
                    }
                    None
                }
                _ => None,
            };
            if let Some(v) = found {
                changed |= self.elems.insert(v);
            }
        }
        changed
    }

    /// One pass over `b`; whether a variable was added.
    fn pass(&mut self, b: &Block) -> bool {
        let mut changed = self.container_pass(b);
        for s in &b.stmts {
            let found = match s {
                Stmt::Let { var, ty, init, .. } => {
                    let declared = ty.as_deref().is_some_and(is_float_type);
                    (declared || init.as_ref().is_some_and(|r| self.rhs(r))).then_some(*var)
                }
                Stmt::Assign { var, rhs } => self.rhs(rhs).then_some(*var),
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => {
                    changed |= self.pass(b);
                    None
                }
                Stmt::Branch { arms, .. } => {
                    for a in arms {
                        changed |= self.pass(a);
                    }
                    None
                }
                _ => None,
            };
            if let Some(v) = found {
                if !self.f.vars[v].is_ref && self.known.insert(v) {
                    changed = true;
                }
            }
        }
        changed
    }
}

/// The variables of known float type (see the module docs). Empty for second-order code, whose
/// scalars are dual numbers.
pub(super) fn known_floats(f: &Func, params: &HashMap<VarId, ParamRead>) -> HashSet<VarId> {
    if naming::order2() {
        return HashSet::new();
    }
    let mut fl = Floats {
        known: params
            .iter()
            .filter(|(v, p)| p.float && !f.vars[**v].is_ref)
            .map(|(v, _)| *v)
            .collect(),
        elems: params
            .iter()
            .filter(|(_, p)| p.float_elems)
            .map(|(v, _)| *v)
            .collect(),
        f,
    };
    while fl.pass(&f.body) {}
    fl.known
}

/// The active variables whose adjoint slot is plain: known floats other than the return
/// variable and variables read by field.
pub(super) fn plain_vars(
    f: &Func,
    act: &Activity,
    params: &HashMap<VarId, ParamRead>,
    field_bases: &HashSet<VarId>,
    floats: &HashSet<VarId>,
) -> HashSet<VarId> {
    floats
        .iter()
        .copied()
        .filter(|v| {
            act.active(*v)
                && *v != f.ret
                && !field_bases.contains(v)
                && params.get(v).is_none_or(|p| p.adj_ty.is_some())
        })
        .collect()
}
