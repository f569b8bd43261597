//! Plain scalar adjoint slots: which variables are primitive floats (`f64`, `f32`), so their
//! adjoint can be a zero-initialised `#rt::plain::Plain` instead of an `Option` (no
//! discriminant and no branch per use; a loop-carried adjoint stays in a register).
//!
//! A variable's type is fixed by any one of its definitions, so one definition of known float
//! type is enough: a declared `f64`/`f32`, a float literal, a copy, negation or arithmetic of
//! known floats and float literals, a float method of a known float (`x.sin()`), a cast to a
//! float, or an element of a container of floats: a parameter declared as one (`&[f64]`,
//! `Vec<f32>`, `[f64; N]`, or rows of them, `&[Vec<f64>]`, read as `x[i][j]`), or a local made
//! from floats or from such a container (`vec![0.0; n]`, `vec![row; n]`, `x.to_vec()`, `&x[i]`).
//! Anything else (a generic `T`, a call's result, a const path) keeps `Option`.

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

/// The element type of a container: `[T]`, `[T; N]`, `Vec<T>`, or a reference to one.
fn container_elem(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(r) => container_elem(&r.elem),
        syn::Type::Paren(p) => container_elem(&p.elem),
        syn::Type::Group(g) => container_elem(&g.elem),
        syn::Type::Slice(s) => Some(&s.elem),
        syn::Type::Array(a) => Some(&a.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            if seg.ident != "Vec" {
                return None;
            }
            match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// A container of floats: `[f]`, `[f; N]`, `Vec<f>`, or a reference to one.
fn has_float_elems(ty: &syn::Type) -> bool {
    container_elem(ty).is_some_and(is_float_type)
}

/// How deep floats sit in a declared container type: 1 for a container of floats (`&[f64]`),
/// 2 for a container of containers of floats (`&[Vec<f64>]`, `[[f32; 3]; 4]`), 0 otherwise.
pub fn float_depth(ty: &syn::Type) -> u8 {
    match container_elem(ty) {
        Some(e) if is_float_type(e) => 1,
        Some(e) if has_float_elems(e) => 2,
        _ => 0,
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
    /// Containers of floats (1) and of containers of floats (2): parameters by their declared
    /// type (see [`float_depth`]), locals made from them or from floats.
    depth: HashMap<VarId, u8>,
    f: &'a Func,
}

impl Floats<'_> {
    fn atom(&self, a: &Atom) -> bool {
        match a {
            Atom::Var(v) => self.known.contains(v),
            Atom::Const(_) => is_float_literal(a),
        }
    }

    fn depth_of(&self, a: &Atom) -> u8 {
        match a {
            Atom::Var(v) => self.depth.get(v).copied().unwrap_or(0),
            Atom::Const(_) => 0,
        }
    }

    /// Whether `idx` is a row element's index (`At2(i, j)`, see `Func::row_indices`).
    fn row_index(&self, idx: &Atom) -> bool {
        matches!(idx, Atom::Var(t) if self.f.row_indices.contains_key(t))
    }

    /// The container depth of what `r` makes: `vec![x; n]`, `[a, b]`, a copy, clone or
    /// `to_vec` of a container, a borrow of one, or a row of a container of rows.
    fn container(&self, r: &Rhs) -> u8 {
        // one level above the element's: a float is 1, a container of floats 2
        let above = |a: &Atom| {
            if self.atom(a) {
                1
            } else {
                match self.depth_of(a) {
                    1 => 2,
                    _ => 0,
                }
            }
        };
        match r {
            Rhs::Repeat { elem, .. } => above(elem),
            Rhs::VecLit(xs) | Rhs::Array(xs) => xs.first().map_or(0, above),
            Rhs::Copy(a) | Rhs::Ref(a) | Rhs::Clone { x: a, .. } => self.depth_of(a),
            Rhs::Index { base, idx, .. } if !self.row_index(idx) => match self.depth.get(base) {
                Some(2) => 1,
                _ => 0,
            },
            _ => 0,
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
            // `x[i]` of a container of floats, `x[i][j]` (one read at `At2(i, j)`) of rows
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } => {
                let want = if self.row_index(idx) { 2 } else { 1 };
                self.depth.get(base) == Some(&want)
            }
            Rhs::Sum { base, .. } => self.depth.get(base) == Some(&1),
            _ => false,
        }
    }

    /// One pass over `b`; whether a variable was added.
    fn pass(&mut self, b: &Block) -> bool {
        let mut changed = false;
        for s in &b.stmts {
            let def = match s {
                Stmt::Let { var, ty, init, .. } => {
                    if let Some(d) = ty.as_deref().map(float_depth).filter(|d| *d > 0) {
                        changed |= self.depth.insert(*var, d).is_none();
                    }
                    let declared = ty.as_deref().is_some_and(is_float_type);
                    Some((*var, init.as_ref(), declared))
                }
                Stmt::Assign { var, rhs } => Some((*var, Some(rhs), false)),
                _ => None,
            };
            if let Some((var, Some(r), _)) = def {
                let d = self.container(r);
                if d > 0 && !self.depth.contains_key(&var) {
                    self.depth.insert(var, d);
                    changed = true;
                }
            }
            let found = match s {
                Stmt::Let { var, init, .. } => {
                    let declared = def.is_some_and(|(_, _, d)| d);
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
        depth: params
            .iter()
            .filter(|(_, p)| p.float_depth > 0)
            .map(|(v, p)| (*v, p.float_depth))
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
