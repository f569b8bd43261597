//! Forward mode (`_jvp`): the primal with a tangent computed beside every active variable.
//! Control flow is the primal's own; each definition `y = op(a, b)` also computes
//! `dy = ∂op/∂a·da + ∂op/∂b·db` with the same scalar rules as the reverse sweep.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};

use crate::activity::Activity;
use crate::ir::*;
use crate::methods::{self, Role};
use crate::naming;
use crate::reverse::{body_label, companion_call, loop_label, primal};

/// Generates tangent code for `f`.
pub struct FwdGen<'a> {
    pub f: &'a Func,
    pub act: &'a Activity,
    pub rt: &'a TokenStream,
}

impl FwdGen<'_> {
    /// The tangent of variable `v`.
    pub fn dot(&self, v: VarId) -> Ident {
        naming::tangent(&self.f.vars[v].ident, v)
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

    /// The tangent of an atom, if it carries one.
    fn dot_atom(&self, a: &Atom) -> Option<TokenStream> {
        self.act.active_atom(a).map(|v| {
            let d = self.dot(v);
            quote! { ::core::clone::Clone::clone(&#d) }
        })
    }

    /// The tangent of an atom, or a zero shaped like its value.
    fn dot_or_zero(&self, a: &Atom) -> TokenStream {
        let rt = self.rt;
        self.dot_atom(a).unwrap_or_else(|| {
            let x = self.atom(a);
            quote! { #rt::zero_like(&#x) }
        })
    }

    /// The function body's forward-mode statements.
    pub fn body(&self) -> TokenStream {
        self.block(&self.f.body)
    }

    fn block(&self, b: &Block) -> TokenStream {
        b.stmts.iter().map(|s| self.stmt(s)).collect()
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
                let d = self.dot(*var);
                let dm = if *mutable || self.f.vars[*var].reassigned {
                    quote! { mut }
                } else {
                    quote! {}
                };
                match init {
                    None if active => quote! { let #m #id #t; let #dm #d; },
                    None => quote! { let #m #id #t; },
                    Some(rhs) if active => {
                        let (p, dp) = (naming::fixed("__p"), naming::fixed("__dp"));
                        let comp = self.def(rhs);
                        quote! { #comp let #m #id #t = #p; let #dm #d = #dp; }
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
                    let (p, dp) = (naming::fixed("__p"), naming::fixed("__dp"));
                    let d = self.dot(*var);
                    let comp = self.def(rhs);
                    quote! { #comp #id = #p; #d = #dp; }
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
                if !self.act.active(*base) {
                    return f;
                }
                let db = self.dot(*base);
                let dv = self.dot_or_zero(val);
                let t = if is_push {
                    quote! { #db.push(#dv); }
                } else {
                    quote! { #db[#i] = #dv; }
                };
                quote! { #t #f }
            }
            Stmt::Effect(t) => t.clone(),
            Stmt::InPlace { .. } => {
                unreachable!("in-place statements are resolved after the activity analysis")
            }
            Stmt::Truncate { base, len } => {
                let (b, n) = (self.ident(*base), self.atom(len));
                if self.act.active(*base) {
                    let db = self.dot(*base);
                    quote! { #db.truncate(#n); #b.truncate(#n); }
                } else {
                    quote! { #b.truncate(#n); }
                }
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

    /// Computes `__p` (the value) and `__dp` (its tangent) for an active definition.
    fn def(&self, rhs: &Rhs) -> TokenStream {
        let rt = self.rt;
        let (p, dp) = (naming::fixed("__p"), naming::fixed("__dp"));
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
            let mut argv: Vec<TokenStream> = args
                .iter()
                .zip(refs)
                .map(|(a, r)| {
                    let e = self.atom(a);
                    if *r {
                        quote! { &#e }
                    } else {
                        e
                    }
                })
                .collect();
            for (k, a) in args.iter().enumerate() {
                let at = spans.get(k).copied().unwrap_or(*span);
                argv.push(match self.dot_atom(a) {
                    Some(d) => quote_spanned! {at=> ::autodiff::__private::Tg(#d) },
                    None => quote! { #rt::NoTangent },
                });
            }
            let call = companion_call(callee, &argv, *span, naming::jvp_companion);
            return quote_spanned! {*span=> let (#p, #dp) = #call; };
        }
        let value = primal(rhs, &|a| self.atom(a), &|v| self.ident(v), rt);
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
            Rhs::Copy(a) => terms.extend(self.dot_atom(a)),
            Rhs::Neg(a) => terms.extend(
                self.dot_atom(a)
                    .map(|d| quote! { ::core::ops::Neg::neg(#d) }),
            ),
            Rhs::Bin(op, a, b) => {
                let (da, db) = (self.dot_atom(a), self.dot_atom(b));
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
                        if let Some(d) = da {
                            terms.push(quote! { #rt::rules::#rule::t_lhs(#d, #ra, #rb) });
                        }
                        if let Some(d) = db {
                            terms.push(quote! { #rt::rules::#rule::t_rhs(#d, #ra, #rb) });
                        }
                    }
                }
            }
            Rhs::Method { name, args } => {
                let rule = methods::rule(&name.to_string()).expect("lowered only known methods");
                for (k, a) in args.iter().enumerate() {
                    let Some(d) = self.dot_atom(a) else { continue };
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
                if let Some(d) = self.dot_atom(x) {
                    let rx = r(x);
                    terms.push(quote! { #rt::rules::CastRule::<#ty>::t_cast(#d, #rx) });
                }
            }
            Rhs::Ref(a) | Rhs::Clone { x: a, .. } => terms.extend(self.dot_atom(a)),
            Rhs::Index { base, idx, .. } => {
                if self.act.active(*base) {
                    let (d, i) = (self.dot(*base), self.atom(idx));
                    terms.push(quote! { ::core::clone::Clone::clone(&#d[#i]) });
                }
            }
            Rhs::Field { base, member, .. } => {
                if let Some(v) = self.act.active_atom(base) {
                    let d = self.dot(v);
                    terms.push(quote! { ::core::clone::Clone::clone(&#d.#member) });
                }
            }
            Rhs::Tuple(xs) => {
                let ds = xs.iter().map(|a| self.dot_or_zero(a));
                terms.push(quote! { (#(#ds,)*) });
            }
            Rhs::Array(xs) => {
                let ds = xs.iter().map(|a| self.dot_or_zero(a));
                terms.push(quote! { [#(#ds),*] });
            }
            Rhs::Struct { path, fields, rest } => {
                // dy = S { f: da (or a zero), ..dr (or a zero) }; a field given a varying value
                // must take a derivative (checked at the field)
                let z = naming::fixed("__z");
                let mut checks = TokenStream::new();
                let fs: Vec<TokenStream> = fields
                    .iter()
                    .map(|(f, a, at)| match self.dot_atom(a) {
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
                    Some(r) => match self.dot_atom(r) {
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
                let ds = xs.iter().map(|a| self.dot_or_zero(a));
                terms.push(quote! { ::std::vec![#(#ds),*] });
            }
            Rhs::Repeat { elem, len, vec } => {
                if let Some(d) = self.dot_atom(elem) {
                    terms.push(if *vec {
                        quote! { ::std::vec![#d; #len] }
                    } else {
                        quote! { [#d; #len] }
                    });
                }
            }
            Rhs::Sum { base, .. } => {
                if self.act.active(*base) {
                    let d = self.dot(*base);
                    terms.push(quote! { #rt::sum_of(&#d[..]) });
                }
            }
            Rhs::Call { .. } | Rhs::Opaque(_) => {}
        }
        let no_terms = terms.is_empty();
        let tangent = if terms.is_empty() {
            quote! { #rt::zero_like(&#p) }
        } else {
            let first = &terms[0];
            let rest = &terms[1..];
            quote! { #first #(+ #rest)* }
        };
        // The tangent is computed before the value (an owned operand moves into `a * b`), except
        // where it reads the value (a rule of the result, or a zero shaped like it).
        let reads_value = matches!(rhs, Rhs::Method { .. } | Rhs::Struct { .. }) || no_terms;
        if reads_value {
            quote! { let #p = #value; let #dp = #tangent; }
        } else {
            quote! { let #dp = #tangent; let #p = #value; }
        }
    }
}
