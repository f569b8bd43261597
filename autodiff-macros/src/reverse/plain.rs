//! Plain scalar adjoint slots: which variables are scalars of a float type, so their adjoint
//! can be a zero-initialised `#rt::plain::Plain` instead of an `Option` (no discriminant and
//! no branch per use; a loop-carried adjoint stays in a register).
//!
//! A float type is `f64`, `f32`, or a type parameter bounded by `Real` (`T`, whose empty slot is
//! spelled `Plain::<T>::empty()`, the `-0` of `T`). A variable's type is fixed by any one of its
//! definitions, so one definition of known float type is enough:
//! - a declared float type, a float literal, or `T::zero()`/`T::one()` of a float type;
//! - a copy, negation or arithmetic of known floats and float literals;
//! - a float method of a known float (`x.sin()`), or a conversion to a float type;
//! - an element of a container of floats. A parameter declared as one (`&[f64]`, `Vec<f32>`,
//!   `[T; N]`) is one. So is a local made as one: `vec![0.0; n]`, `[x; N]` or `vec![a, b]` of
//!   a known float, a copy, clone or borrow of another, or `p.to_vec()` of such a parameter.
//!   A local grown by `v.push(x)` of a known float is one too, since `Vec<T>::push` takes the
//!   element type.
//!
//! Element writes do not count: `w[i][j] = x` on rows is a write at `At2(i, j)`, whose element
//! is not the row's. Anything else (a call's result, a const path) keeps `Option`. A wrong
//! guess could only fail to compile, since a plain slot holds a float.

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

/// The element type of a container (`[E]`, `[E; N]`, `Vec<E>`, or a reference to one) and
/// `true`, or the type itself behind any references and `false`.
pub fn elem_of(ty: &syn::Type) -> (&syn::Type, bool) {
    match ty {
        syn::Type::Reference(r) => elem_of(&r.elem),
        syn::Type::Paren(p) => elem_of(&p.elem),
        syn::Type::Group(g) => elem_of(&g.elem),
        syn::Type::Slice(s) => (&s.elem, true),
        syn::Type::Array(a) => (&a.elem, true),
        syn::Type::Path(p) if p.qself.is_none() => {
            let vec_elem = p.path.segments.last().and_then(|seg| match &seg.arguments {
                syn::PathArguments::AngleBracketed(a)
                    if seg.ident == "Vec" && a.args.len() == 1 =>
                {
                    match &a.args[0] {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    }
                }
                _ => None,
            });
            match vec_elem {
                Some(t) => (t, true),
                None => (ty, false),
            }
        }
        _ => (ty, false),
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

/// The type of a known float: a primitive float (`f64`, `f32`, or a float literal's) is
/// `None`; a scalar of a type parameter bounded by `Real` is `Some(T)`.
type FloatTy = Option<Ident>;

struct Floats<'a> {
    known: HashMap<VarId, FloatTy>,
    /// Containers of floats: parameters declared as such, and locals made or written as such.
    elems: HashMap<VarId, FloatTy>,
    /// References to floats: a borrowed element of a container of floats (`&v[i]`, what
    /// `for x in v.iter()` binds), a borrow of a known float, a copy of either.
    refs: HashMap<VarId, FloatTy>,
    /// The type parameters bounded by `Real` that the parameters are declared with.
    reals: HashSet<Ident>,
    f: &'a Func,
}

impl Floats<'_> {
    /// The type of `a` when it is a known float.
    fn atom(&self, a: &Atom) -> Option<FloatTy> {
        match a {
            Atom::Var(v) => self.known.get(v).cloned(),
            Atom::Const(_) => is_float_literal(a).then_some(None),
        }
    }

    /// The type of `a` when it is a known float or a reference to one.
    fn operand(&self, a: &Atom) -> Option<FloatTy> {
        match a {
            Atom::Var(v) if self.refs.contains_key(v) => self.refs.get(v).cloned(),
            _ => self.atom(a),
        }
    }

    /// `ty` as a float type: `f64`/`f32`, or a type parameter bounded by `Real`.
    fn ty(&self, ty: &syn::Type) -> Option<FloatTy> {
        if is_float_type(ty) {
            return Some(None);
        }
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .filter(|i| self.reals.contains(*i))
                .map(|i| Some(i.clone())),
            _ => None,
        }
    }

    fn rhs(&self, r: &Rhs) -> Option<FloatTy> {
        match r {
            // `*r` (lowered `r.clone()`) of a reference to a float is that float
            Rhs::Clone {
                x: Atom::Var(r), ..
            } if self.refs.contains_key(r) => self.refs.get(r).cloned(),
            Rhs::Copy(a) | Rhs::Neg(a) | Rhs::Clone { x: a, .. } => self.atom(a),
            // f op f is f; a float with anything else (a matrix, a const of unknown type) is not
            // known. A literal's type is the other operand's.
            // (an operand or receiver may be a reference to a float: `&f64 * f64` and
            // `(&f64).sin()` are `f64`s, as in `for x in v.iter() { s += x * x.sin() }`)
            Rhs::Bin(_, a, b) => {
                let (ta, tb) = (self.operand(a)?, self.operand(b)?);
                Some(ta.or(tb))
            }
            Rhs::Method { name, args } => {
                methods::rule(&name.to_string())?;
                self.operand(args.first()?)
            }
            Rhs::Cast { ty, .. } => self.ty(ty),
            // `T::zero()`, `T::one()` of a float type (`Real`'s constants are `Self`)
            Rhs::Call {
                callee: Callee::Path(p),
                args,
                ..
            } if args.is_empty() && p.segments.len() == 2 => {
                let (ty, f) = (&p.segments[0], &p.segments[1]);
                let constant = (f.ident == "zero" || f.ident == "one")
                    && f.arguments.is_empty()
                    && ty.arguments.is_empty();
                if !constant {
                    return None;
                }
                if ty.ident == "f64" || ty.ident == "f32" {
                    Some(None)
                } else {
                    self.reals
                        .contains(&ty.ident)
                        .then(|| Some(ty.ident.clone()))
                }
            }
            Rhs::Index {
                base,
                by_ref: false,
                ..
            }
            | Rhs::Sum { base, .. } => self.elems.get(base).cloned(),
            _ => None,
        }
    }

    /// The element type when `r` makes a container of floats: `vec![x; n]`/`[x; N]`,
    /// `vec![..]`/`[..]` with a known float element (all elements have one type), or a copy,
    /// clone or borrow of one.
    fn container_rhs(&self, r: &Rhs) -> Option<FloatTy> {
        let elems = |a: &Atom| match a {
            Atom::Var(v) => self.elems.get(v).cloned(),
            Atom::Const(_) => None,
        };
        match r {
            Rhs::Repeat { elem, .. } => self.atom(elem),
            Rhs::VecLit(xs) | Rhs::Array(xs) => xs.iter().find_map(|x| self.atom(x)),
            Rhs::Copy(a) | Rhs::Ref(a) | Rhs::Clone { x: a, .. } => elems(a),
            _ => None,
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
                | Stmt::Assign { var, rhs: r } => self.container_rhs(r).map(|t| (*var, t)),
                // `Vec<T>::push(T)`: the pushed value's type is the element type
                Stmt::Push { base, val, .. } => self.atom(val).map(|t| (*base, t)),
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
            if let Some((v, t)) = found {
                changed |= merge(&mut self.elems, v, t);
            }
        }
        changed
    }

    /// The float type `r` refers to when it makes a reference to a float.
    fn ref_rhs(&self, r: &Rhs) -> Option<FloatTy> {
        match r {
            Rhs::Index {
                base, by_ref: true, ..
            } => self.elems.get(base).cloned(),
            Rhs::Ref(a) => self.atom(a),
            Rhs::Copy(Atom::Var(v)) => self.refs.get(v).cloned(),
            _ => None,
        }
    }

    /// One pass over `b`; whether a variable was added.
    fn pass(&mut self, b: &Block) -> bool {
        let mut changed = self.container_pass(b);
        for s in &b.stmts {
            if let Stmt::Let {
                var, init: Some(r), ..
            }
            | Stmt::Assign { var, rhs: r } = s
            {
                if let Some(t) = self.ref_rhs(r) {
                    changed |= merge(&mut self.refs, *var, t);
                }
            }
        }
        for s in &b.stmts {
            let found = match s {
                Stmt::Let { var, ty, init, .. } => {
                    let declared = ty.as_deref().and_then(|t| self.ty(t));
                    declared
                        .or_else(|| init.as_ref().and_then(|r| self.rhs(r)))
                        .map(|t| (*var, t))
                }
                Stmt::Assign { var, rhs } => self.rhs(rhs).map(|t| (*var, t)),
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
            if let Some((v, t)) = found {
                if !self.f.vars[v].is_ref {
                    changed |= merge(&mut self.known, v, t);
                }
            }
        }
        changed
    }
}

/// Records `v: t`; whether that is news. A type parameter wins over a literal's type (a
/// variable first seen as `0.0`'s copy and then as `x * y` of `T`s is a `T`: in valid code the
/// literal was never combined with the `T`s, so that definition cannot exist, but the guess
/// must not fall back to the literal's `f64`).
fn merge(m: &mut HashMap<VarId, FloatTy>, v: VarId, t: FloatTy) -> bool {
    match m.get(&v) {
        None => {
            m.insert(v, t);
            true
        }
        Some(None) if t.is_some() => {
            m.insert(v, t);
            true
        }
        Some(_) => false,
    }
}

/// The variables of known float type (see the module docs), with the type parameter of those
/// whose type is one. Empty for second-order code, whose scalars are dual numbers.
/// Also the containers of floats (see `Floats::elems`).
pub(super) fn known_floats(
    f: &Func,
    params: &HashMap<VarId, ParamRead>,
) -> (HashMap<VarId, FloatTy>, HashSet<VarId>) {
    if naming::order2() {
        return (HashMap::new(), HashSet::new());
    }
    let mut fl = Floats {
        known: params
            .iter()
            .filter(|(v, p)| p.float && !f.vars[**v].is_ref)
            .map(|(v, p)| (*v, p.real_ty.clone()))
            .collect(),
        elems: params
            .iter()
            .filter(|(_, p)| p.float_elems)
            .map(|(v, p)| (*v, p.real_ty.clone()))
            .collect(),
        refs: HashMap::new(),
        reals: params.values().filter_map(|p| p.real_ty.clone()).collect(),
        f,
    };
    while fl.pass(&f.body) {}
    let elems = fl.elems.keys().copied().collect();
    (fl.known, elems)
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
