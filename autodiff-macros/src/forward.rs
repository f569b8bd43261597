//! Forward mode (`_jvp`): the primal with a tangent computed beside every active variable.
//! Control flow is the primal's own; each definition `y = op(a, b)` also computes
//! `dy = ∂op/∂a·da + ∂op/∂b·db` with the same scalar rules as the reverse sweep.
//!
//! Several directions can run in one sweep (`FwdGen::directions`): each keeps its own tangents,
//! named with the direction's tag, and its own activity, so a value that does not depend on a
//! direction's input carries no tangent for it (no zero is added or multiplied).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::activity::Activity;
use crate::ir::*;
use crate::methods::{self, Role};
use crate::naming;
use crate::reverse::{body_label, companion_call, loop_label, primal};

/// One tangent direction: which variables carry a tangent in it, and the tag its tangents'
/// names carry (`None` for the single direction of `_jvp`).
#[derive(Clone, Copy)]
pub struct Dir<'a> {
    pub act: &'a Activity,
    pub tag: Option<usize>,
}

/// Generates tangent code for `f`.
pub struct FwdGen<'a> {
    pub f: &'a Func,
    /// Variables active in some direction (they take the value-and-tangent form).
    pub act: &'a Activity,
    pub rt: &'a TokenStream,
    dirs: Vec<Dir<'a>>,
    /// Products and quotients take their plain IEEE tangent rules (`t_lhs_ieee`, ..): the
    /// optimistic sweep of `NAME_grad` by tangents (see `rules::ieee`).
    ieee: bool,
}

impl<'a> FwdGen<'a> {
    /// One direction, given by the caller's tangents (`_jvp` and its companion).
    pub fn new(f: &'a Func, act: &'a Activity, rt: &'a TokenStream) -> Self {
        FwdGen {
            f,
            act,
            rt,
            dirs: vec![Dir { act, tag: None }],
            ieee: false,
        }
    }

    /// Several directions in one sweep; `union` is active wherever one of `dirs` is. A
    /// varying call runs its forward companion once per direction.
    pub fn directions(
        f: &'a Func,
        union: &'a Activity,
        rt: &'a TokenStream,
        dirs: Vec<Dir<'a>>,
    ) -> Self {
        FwdGen {
            f,
            act: union,
            rt,
            dirs,
            ieee: false,
        }
    }

    /// The same generator with the plain IEEE rules of products and quotients (the optimistic
    /// sweep; see `rules::ieee` for when its tangents may be kept).
    pub fn ieee(mut self) -> Self {
        self.ieee = true;
        self
    }

    /// The tangent of variable `v` (in the single direction).
    pub fn dot(&self, v: VarId) -> Ident {
        self.dot_in(&self.dirs[0], v)
    }

    /// The tangent of variable `v` in direction `d`.
    pub fn dot_in(&self, d: &Dir, v: VarId) -> Ident {
        let base = naming::tangent(&self.f.vars[v].ident, v);
        match d.tag {
            None => base,
            Some(k) => format_ident!("{}_d{}", base, k, span = base.span()),
        }
    }

    /// The name of a definition's tangent in direction `d` (`__dp`, `__dp0`, ..).
    fn dp(d: &Dir) -> Ident {
        match d.tag {
            None => naming::fixed("__dp"),
            Some(k) => naming::fixed(&format!("__dp{k}")),
        }
    }

    fn ident(&self, v: VarId) -> Ident {
        self.f.vars[v].ident.clone()
    }

    fn atom(&self, a: &Atom) -> TokenStream {
        match a {
            Atom::Var(v) => {
                let i = self.ident(*v);
                quote! { #i }
            }
            Atom::Const(c) => quote! { (#c) },
        }
    }

    /// The tangent of an atom in direction `d`, if it carries one.
    fn dot_atom(&self, d: &Dir, a: &Atom) -> Option<TokenStream> {
        d.act.active_atom(a).map(|v| {
            let t = self.dot_in(d, v);
            quote! { ::core::clone::Clone::clone(&#t) }
        })
    }

    /// The tangent of an atom in direction `d`, or a zero shaped like its value.
    fn dot_or_zero(&self, d: &Dir, a: &Atom) -> TokenStream {
        let rt = self.rt;
        self.dot_atom(d, a).unwrap_or_else(|| {
            let x = self.atom(a);
            if matches!(a, Atom::Var(v) if self.f.vars[*v].is_ref) {
                zero_tangent(rt, &x)
            } else {
                // a float of a type inferred later (`2.0 * x` with `x: f32`): the zero's type
                // must follow the value's
                quote! { #rt::zero_like(&#x) }
            }
        })
    }

    /// The function body's forward-mode statements.
    pub fn body(&self) -> TokenStream {
        self.block(&self.f.body)
    }

    fn block(&self, b: &Block) -> TokenStream {
        b.stmts.iter().map(|s| self.stmt(s)).collect()
    }

    /// The directions in which `v` carries a tangent.
    fn dirs_of(&self, v: VarId) -> impl Iterator<Item = &Dir<'a>> + '_ {
        self.dirs.iter().filter(move |d| d.act.active(v))
    }

    fn stmt(&self, s: &Stmt) -> TokenStream {
        let rt = self.rt;
        match s {
            Stmt::Let {
                var,
                mutable,
                ty,
                init,
            } => {
                let id = self.ident(*var);
                let m = if *mutable {
                    quote! { mut }
                } else {
                    quote! {}
                };
                let t = ty.as_ref().map(|t| quote! { : #t });
                let active = self.act.active(*var);
                let dm = if *mutable || self.f.vars[*var].reassigned {
                    quote! { mut }
                } else {
                    quote! {}
                };
                match init {
                    None if active => {
                        let ds = self.dirs_of(*var).map(|d| self.dot_in(d, *var));
                        quote! { let #m #id #t; #(let #dm #ds;)* }
                    }
                    None => quote! { let #m #id #t; },
                    Some(rhs) if active => {
                        let p = naming::fixed("__p");
                        let comp = self.def(rhs, *var);
                        let binds = self.dirs_of(*var).map(|d| {
                            let (dot, dp) = (self.dot_in(d, *var), Self::dp(d));
                            quote! { let #dm #dot = #dp; }
                        });
                        quote! { #comp let #m #id #t = #p; #(#binds)* }
                    }
                    Some(rhs) => {
                        let v = primal(rhs, &|a| self.atom(a), &|v| self.ident(v), rt);
                        quote! { let #m #id #t = #v; }
                    }
                }
            }
            Stmt::Assign { var, rhs } => {
                let id = self.ident(*var);
                if self.act.active(*var) {
                    let p = naming::fixed("__p");
                    let comp = self.def(rhs, *var);
                    let sets = self.dirs_of(*var).map(|d| {
                        let (dot, dp) = (self.dot_in(d, *var), Self::dp(d));
                        quote! { #dot = #dp; }
                    });
                    quote! { #comp #id = #p; #(#sets)* }
                } else {
                    let v = primal(rhs, &|a| self.atom(a), &|v| self.ident(v), rt);
                    quote! { #id = #v; }
                }
            }
            Stmt::IndexWrite { base, idx, val }
            | Stmt::Push {
                base,
                val,
                len: idx,
            } => {
                let b = self.ident(*base);
                let v = self.atom(val);
                let i = self.atom(idx);
                let is_push = matches!(s, Stmt::Push { .. });
                let f = if is_push {
                    quote! { #b.push(#v); }
                } else {
                    quote! { #b[#i] = #v; }
                };
                let ts = self.dirs_of(*base).map(|d| {
                    let db = self.dot_in(d, *base);
                    let dv = self.dot_or_zero(d, val);
                    if is_push {
                        quote! { #db.push(#dv); }
                    } else {
                        quote! { #db[#i] = #dv; }
                    }
                });
                quote! { #(#ts)* #f }
            }
            Stmt::Effect(t) => t.clone(),
            Stmt::InPlace { .. } => {
                unreachable!("in-place statements are resolved after the activity analysis")
            }
            Stmt::Truncate { base, len } => {
                let (b, n) = (self.ident(*base), self.atom(len));
                let ts = self.dirs_of(*base).map(|d| {
                    let db = self.dot_in(d, *base);
                    quote! { #db.truncate(#n); }
                });
                quote! { #(#ts)* #b.truncate(#n); }
            }
            Stmt::Bound(_) => quote! {},
            Stmt::Scope(b) => {
                let inner = self.block(b);
                quote! { { #inner } }
            }
            Stmt::Branch { kind, arms, .. } => {
                let bodies: Vec<TokenStream> = arms.iter().map(|a| self.block(a)).collect();
                match kind {
                    BranchKind::If { cond, .. } => {
                        let (a, b) = (&bodies[0], &bodies[1]);
                        quote! { if #cond { #a } else { #b } }
                    }
                    BranchKind::Match { scrutinee, heads } => {
                        let arms_t = heads
                            .iter()
                            .zip(&bodies)
                            .map(|(h, b)| quote! { #h => { #b } });
                        quote! { match #scrutinee { #(#arms_t)* } }
                    }
                }
            }
            Stmt::Loop { id, body } => {
                let label = loop_label(*id);
                let b = self.block(body);
                quote! { #label: loop { #b } }
            }
            Stmt::Break { target } => {
                let l = loop_label(*target);
                quote! { break #l; }
            }
            Stmt::Continue { target } => {
                let l = loop_label(*target);
                quote! { continue #l; }
            }
            Stmt::Return => {
                let l = body_label();
                quote! { break #l; }
            }
        }
    }

    /// Computes `__p` (the value) and, in each direction where `target` carries a tangent,
    /// `__dp` (its tangent) for an active definition.
    fn def(&self, rhs: &Rhs, target: VarId) -> TokenStream {
        let rt = self.rt;
        let p = naming::fixed("__p");
        let varying_call = matches!(rhs, Rhs::Call { args, .. } if args.iter().any(|a| self.act.active_atom(a).is_some()));
        if let (
            Rhs::Call {
                callee,
                args,
                refs,
                spans,
                span,
            },
            true,
        ) = (rhs, varying_call)
        {
            // One companion call per direction (one in `_jvp`); the first gives the value. An
            // argument passed by value is cloned for every call but the last, which moves it; a
            // shared reference (`&v[a..]` bound by lowering) is copied as it is, so that it
            // still coerces to the parameter's type (`&Vec<f64>` to `&[f64]`), which a
            // `Clone::clone` inferred from that type would not.
            let mut out = TokenStream::new();
            let calls = self.dirs_of(target).count();
            for (n, d) in self.dirs_of(target).enumerate() {
                let mut argv: Vec<TokenStream> = args
                    .iter()
                    .zip(refs)
                    .map(|(a, r)| {
                        let e = self.atom(a);
                        let shared_ref = matches!(a, Atom::Var(v) if self.f.vars[*v].is_ref);
                        if *r {
                            quote! { &#e }
                        } else if n + 1 < calls && !shared_ref {
                            quote! { ::core::clone::Clone::clone(&#e) }
                        } else {
                            e
                        }
                    })
                    .collect();
                for (k, a) in args.iter().enumerate() {
                    let at = spans.get(k).copied().unwrap_or(*span);
                    argv.push(match self.dot_atom(d, a) {
                        Some(t) => quote_spanned! {at=> ::autodiff::__private::Tg(#t) },
                        None => quote! { #rt::NoTangent },
                    });
                }
                let call = companion_call(callee, &argv, *span, naming::jvp_companion);
                let dp = Self::dp(d);
                out.extend(if n == 0 {
                    quote_spanned! {*span=> let (#p, #dp) = #call; }
                } else {
                    quote_spanned! {*span=> let (_, #dp) = #call; }
                });
            }
            return out;
        }
        let value = primal(rhs, &|a| self.atom(a), &|v| self.ident(v), rt);
        // The tangent is computed before the value (an owned operand moves into `a * b`), except
        // where it reads the value (a rule of the result, or a zero shaped like it).
        let mut reads_value = matches!(rhs, Rhs::Method { .. } | Rhs::Struct { .. });
        let tangents: Vec<TokenStream> = self
            .dirs_of(target)
            .map(|d| {
                let terms = self.terms(d, rhs);
                let dp = Self::dp(d);
                let tangent = match terms.split_first() {
                    None => {
                        reads_value = true;
                        // a reference (`c = y` for a `#[no_grad] y: &[f64]`) has the zero
                        // tangent of its type; other values a zero of their own type
                        let of_ref = self.f.vars[target].is_ref
                            || matches!(rhs, Rhs::Copy(Atom::Var(v)) if self.f.vars[*v].is_ref);
                        if of_ref {
                            zero_tangent(rt, &quote! { #p })
                        } else {
                            quote! { #rt::zero_like(&#p) }
                        }
                    }
                    Some((first, rest)) => quote! { #first #(+ #rest)* },
                };
                quote! { let #dp = #tangent; }
            })
            .collect();
        if reads_value {
            quote! { let #p = #value; #(#tangents)* }
        } else {
            quote! { #(#tangents)* let #p = #value; }
        }
    }

    /// The terms of a definition's tangent in direction `d` (none: a zero).
    fn terms(&self, d: &Dir, rhs: &Rhs) -> Vec<TokenStream> {
        let rt = self.rt;
        let p = naming::fixed("__p");
        // A reference to the value: variables that hold references are passed as they are.
        let r = |a: &Atom| {
            let x = self.atom(a);
            match a {
                Atom::Var(v) if self.f.vars[*v].is_ref => x,
                _ => quote! { &#x },
            }
        };
        let mut terms: Vec<TokenStream> = Vec::new();
        match rhs {
            Rhs::Copy(a) => terms.extend(self.dot_atom(d, a)),
            Rhs::Neg(a) => terms.extend(
                self.dot_atom(d, a)
                    .map(|d| quote! { ::core::ops::Neg::neg(#d) }),
            ),
            Rhs::Bin(op, a, b) => {
                let (da, db) = (self.dot_atom(d, a), self.dot_atom(d, b));
                match op {
                    BinOp::Add => terms.extend(da.into_iter().chain(db)),
                    BinOp::Sub => {
                        terms.extend(da);
                        terms.extend(db.map(|d| quote! { ::core::ops::Neg::neg(#d) }));
                    }
                    BinOp::Mul | BinOp::Div | BinOp::Rem => {
                        let rule = match op {
                            BinOp::Mul => quote! { MulRule },
                            BinOp::Div => quote! { DivRule },
                            _ => quote! { RemRule },
                        };
                        let (ra, rb) = (r(a), r(b));
                        let (lhs, rhs) = if self.ieee && *op != BinOp::Rem {
                            (quote! { t_lhs_ieee }, quote! { t_rhs_ieee })
                        } else {
                            (quote! { t_lhs }, quote! { t_rhs })
                        };
                        if let Some(d) = da {
                            terms.push(quote! { #rt::rules::#rule::#lhs(#d, #ra, #rb) });
                        }
                        if let Some(d) = db {
                            terms.push(quote! { #rt::rules::#rule::#rhs(#d, #ra, #rb) });
                        }
                    }
                }
            }
            Rhs::Method { name, args } => {
                let rule = methods::rule(&name.to_string()).expect("lowered only known methods");
                for (k, a) in args.iter().enumerate() {
                    let Some(d) = self.dot_atom(d, a) else {
                        continue;
                    };
                    let Some(Some(roles)) = rule.partials.get(k) else {
                        continue;
                    };
                    let rargs: Vec<TokenStream> = roles
                        .iter()
                        .map(|role| match role {
                            Role::X => r(&args[0]),
                            Role::A(i) => r(&args[i + 1]),
                            Role::Y => quote! { &#p },
                        })
                        .collect();
                    let f = quote::format_ident!("{}_d{}", name, k);
                    terms.push(quote! { #rt::rules::#f(#d, #(#rargs),*) });
                }
            }
            Rhs::Cast { x, ty, .. } => {
                if let Some(d) = self.dot_atom(d, x) {
                    let rx = r(x);
                    terms.push(quote! { #rt::rules::CastRule::<#ty>::t_cast(#d, #rx) });
                }
            }
            Rhs::Ref(a) | Rhs::Clone { x: a, .. } => terms.extend(self.dot_atom(d, a)),
            Rhs::Index { base, idx, .. } => {
                if d.act.active(*base) {
                    let (d, i) = (self.dot_in(d, *base), self.atom(idx));
                    terms.push(quote! { ::core::clone::Clone::clone(&#d[#i]) });
                }
            }
            Rhs::Field { base, member, .. } => {
                if let Some(v) = d.act.active_atom(base) {
                    let d = self.dot_in(d, v);
                    terms.push(quote! { ::core::clone::Clone::clone(&#d.#member) });
                }
            }
            Rhs::Tuple(xs) => {
                let ds = xs.iter().map(|a| self.dot_or_zero(d, a));
                terms.push(quote! { (#(#ds,)*) });
            }
            Rhs::Array(xs) => {
                let ds = xs.iter().map(|a| self.dot_or_zero(d, a));
                terms.push(quote! { [#(#ds),*] });
            }
            Rhs::Struct { path, fields, rest } => {
                // dy = S { f: da (or a zero), ..dr (or a zero) }; a field given a varying value
                // must take a derivative (checked at the field)
                let z = naming::fixed("__z");
                let mut checks = TokenStream::new();
                let fs: Vec<TokenStream> = fields
                    .iter()
                    .map(|(f, a, at)| match self.dot_atom(d, a) {
                        Some(d) => {
                            let h = crate::derive::field_hash(&f.to_string());
                            // The checking function's path carries the field value's span,
                            // so a refusal points at the user's value, not the attribute.
                            let check =
                                crate::sig::respan(quote! { #rt::check_grad_field::<_, #h> }, *at);
                            checks.extend(quote_spanned! {*at=> #check({ &#p }); });
                            quote! { #f: #d }
                        }
                        None => quote! { #f: #z.#f },
                    })
                    .collect();
                let r = match rest {
                    Some(r) => match self.dot_atom(d, r) {
                        Some(d) => quote! { ..#d },
                        None => quote! { ..#z },
                    },
                    None => quote! {},
                };
                terms.push(quote! {{
                    #checks
                    #[allow(unused_variables, unused_mut)]
                    let #z = #rt::Differentiable::zero_tangent(&#p);
                    #path { #(#fs,)* #r }
                }});
            }
            Rhs::VecLit(xs) => {
                let ds = xs.iter().map(|a| self.dot_or_zero(d, a));
                terms.push(quote! { ::std::vec![#(#ds),*] });
            }
            Rhs::Repeat { elem, len, vec } => {
                if let Some(d) = self.dot_atom(d, elem) {
                    terms.push(if *vec {
                        quote! { ::std::vec![#d; #len] }
                    } else {
                        quote! { [#d; #len] }
                    });
                }
            }
            Rhs::Sum { base, .. } => {
                if d.act.active(*base) {
                    let d = self.dot_in(d, *base);
                    terms.push(quote! { #rt::sum_of(&#d[..]) });
                }
            }
            Rhs::Call { .. } | Rhs::Opaque(_) => {}
        }
        terms
    }
}

/// Whether `f` calls a differentiable function with an argument active under `act` (a sweep
/// of several directions would call its companion once per direction).
pub fn has_varying_call(f: &Func, act: &Activity) -> bool {
    !varying_callees(f, act).is_empty()
}

/// The callees of `f`'s calls with an argument active under `act`, in order of appearance
/// (the calls whose companions `f`'s sweeps run).
pub fn varying_callees<'f>(f: &'f Func, act: &Activity) -> Vec<&'f Callee> {
    fn block<'f>(b: &'f Block, act: &Activity, out: &mut Vec<&'f Callee>) {
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    init: Some(rhs), ..
                }
                | Stmt::Assign { rhs, .. } => {
                    if let Rhs::Call { callee, args, .. } = rhs {
                        if args.iter().any(|a| act.active_atom(a).is_some()) {
                            out.push(callee);
                        }
                    }
                }
                Stmt::Scope(b) | Stmt::InPlace { body: b, .. } | Stmt::Loop { body: b, .. } => {
                    block(b, act, out)
                }
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| block(a, act, out)),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    block(&f.body, act, &mut out);
    out
}

/// A zero tangent for the value `x`: the type's `Differentiable::zero_tangent` when it has one
/// (`&[f64]`'s is a `Vec`, which `zero_like` of the reference is not), `zero_like` otherwise
/// (runtime `ZeroTangentProbe`).
pub(crate) fn zero_tangent(rt: &TokenStream, x: &TokenStream) -> TokenStream {
    quote! {
        {
            #[allow(unused_imports)]
            use #rt::{ZeroByLike as _, ZeroByTangent as _};
            (&#rt::ZeroTangentProbe(&#x)).zero_tangent_of()
        }
    }
}
