//! `Option` values: `Some(e)`, the `Option`-returning reads of a local `Vec` (`v.pop()`,
//! `v.last().copied()`, `v.first().copied()`, `v.get(i).copied()`), `Some(p)` patterns,
//! `o.unwrap_or(d)` and `o.unwrap_or_default()`.
//!
//! `Some(e)` is a call of the runtime's `ops::some`; a pattern `Some(p)` matched against an atom
//! `o` defines `p = ops::unwrap_some(&o)` at the top of its arm. Their companions carry the
//! derivative (`o = Some(x)`: `dx += unwrap(do)`; `v = unwrap(o)`: `do += Some(dv)`), so an
//! `Option`'s adjoint and tangent are `Option`s too, `None` meaning zero.

use super::*;

/// The runtime function a language form is lowered to.
fn runtime_path(name: &str, span: Span) -> syn::Path {
    let id = proc_macro2::Ident::new(name, span);
    syn::parse_quote! { ::autodiff::__private::ops::#id }
}

/// `Some` or `Option::Some` (or `std::option::Option::Some`).
pub(super) fn is_some_path(p: &syn::Path) -> bool {
    p.segments.last().is_some_and(|s| s.ident == "Some")
        && p.segments.iter().rev().skip(1).all(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "Option" | "option" | "std" | "core"
            )
        })
}

/// A `Some(p)` pattern's inner pattern.
pub(super) fn some_pattern(p: &Pat) -> Option<&Pat> {
    match p {
        Pat::TupleStruct(ts)
            if ts.qself.is_none() && is_some_path(&ts.path) && ts.elems.len() == 1 =>
        {
            Some(&ts.elems[0])
        }
        _ => None,
    }
}

/// Whether a pattern contains a `Some(..)` pattern.
pub(super) fn has_some_pattern(p: &Pat) -> bool {
    match p {
        Pat::TupleStruct(_) => some_pattern(p).is_some(),
        Pat::Tuple(t) => t.elems.iter().any(has_some_pattern),
        Pat::Paren(pp) => has_some_pattern(&pp.pat),
        Pat::Type(pt) => has_some_pattern(&pt.pat),
        _ => false,
    }
}

impl Lowerer {
    /// `Some(e)`: a call of `ops::some`.
    pub(super) fn lower_some(&mut self, c: &syn::ExprCall, out: &mut Vec<Stmt>) -> R<Rhs> {
        let x = self.lower_atom_expr(&c.args[0], out)?;
        Ok(Rhs::Call {
            callee: Callee::Path(runtime_path("some", c.func.span())),
            args: vec![x],
            refs: vec![false],
            spans: vec![c.args[0].span()],
            span: c.span(),
        })
    }

    /// Binds the pattern inside `Some(..)` from the atom `o` the arm matched.
    pub(super) fn bind_some(&mut self, inner: &Pat, o: Atom, out: &mut Vec<Stmt>) -> R<()> {
        let tmp = self.let_temp(
            Rhs::Call {
                callee: Callee::Path(runtime_path("unwrap_some", inner.span())),
                args: vec![o],
                refs: vec![true],
                spans: vec![inner.span()],
                span: inner.span(),
            },
            out,
        );
        self.bind_atom(inner, None, Atom::Var(tmp), out)
    }

    /// `v.last().unwrap()`, `v.first().expect(..)`, `v.get(i).unwrap()` on a variable `v`,
    /// optionally through `.copied()` / `.cloned()`: the element read itself (`&v[v.len() -
    /// 1]`, `v[0]`, `v[i].clone()`), so it keeps its derivative. An empty `v` (or `i` past the
    /// end) panics at the index instead of at the `unwrap`.
    pub(super) fn unwrapped_read_rewrite(&self, mc: &syn::ExprMethodCall) -> Option<Expr> {
        let unwraps = match mc.method.to_string().as_str() {
            "unwrap" => mc.args.is_empty(),
            "expect" => mc.args.len() == 1,
            _ => false,
        };
        if !unwraps {
            return None;
        }
        let (mut inner, mut how) = (peel(&mc.receiver), ElemRead::Ref);
        if let Expr::MethodCall(m) = inner {
            let by = match m.method.to_string().as_str() {
                "copied" => Some(ElemRead::Copied),
                "cloned" => Some(ElemRead::Cloned),
                _ => None,
            };
            if let (Some(by), true) = (by, m.args.is_empty()) {
                how = by;
                inner = peel(&m.receiver);
            }
        }
        let Expr::MethodCall(m) = inner else {
            return None;
        };
        let v = &m.receiver;
        self.var_of(v)?;
        let i: Expr = match (m.method.to_string().as_str(), m.args.len()) {
            ("last", 0) => syn::parse_quote! { #v.len() - 1 },
            ("first", 0) => syn::parse_quote! { 0 },
            ("get", 1) if !matches!(peel(&m.args[0]), Expr::Range(_)) && !is_key(&m.args[0]) => {
                m.args[0].clone()
            }
            _ => return None,
        };
        Some(match how {
            ElemRead::Copied => syn::parse_quote! { #v[#i] },
            ElemRead::Cloned => syn::parse_quote! { #v[#i].clone() },
            ElemRead::Ref => syn::parse_quote! { &#v[#i] },
        })
    }

    /// `o.unwrap_or(d)` (or `o.unwrap_or_default()`) on an `Option` the lowering can match (a
    /// variable, a call, or one of the reads of
    /// [`option_read_rewrite`](Self::option_read_rewrite)): the same value as a `match` with a
    /// `Some(..)` arm, so the value inside keeps its derivative. `o` is evaluated before `d`,
    /// and `d` always, as `unwrap_or` does.
    pub(super) fn unwrap_or_rewrite(&self, mc: &syn::ExprMethodCall) -> Option<Expr> {
        let d: Expr = match (mc.method.to_string().as_str(), mc.args.len()) {
            ("unwrap_or", 1) => mc.args[0].clone(),
            // `o.unwrap_or_default()`: the default of the value's type, with no derivative
            ("unwrap_or_default", 0) => {
                syn::parse_quote_spanned! {mc.method.span()=> ::core::default::Default::default() }
            }
            _ => return None,
        };
        if !option_scrutinee_ok(self, &mc.receiver) {
            return None;
        }
        let o = &mc.receiver;
        Some(syn::parse_quote_spanned! {mc.method.span()=>
            {
                let __unwrap_or_option = #o;
                let __unwrap_or_default = #d;
                match __unwrap_or_option {
                    Some(__unwrap_or_value) => __unwrap_or_value,
                    None => __unwrap_or_default,
                }
            }
        })
    }

    /// `v.pop()`, `v.last().copied()`, `v.first().copied()`, `v.get(i).copied()` (or `.cloned()`)
    /// on a local variable `v`: the same `Option` written with `Some(..)` around an element read,
    /// so the element keeps its derivative.
    pub(super) fn option_read_rewrite(&self, mc: &syn::ExprMethodCall) -> Option<Expr> {
        let name = mc.method.to_string();
        if name == "pop" && mc.args.is_empty() && self.var_of(&mc.receiver).is_some() {
            let v = &mc.receiver;
            return Some(syn::parse_quote! {
                if #v.is_empty() { ::core::option::Option::None } else { Some(#v.pop().unwrap()) }
            });
        }
        if !matches!(name.as_str(), "copied" | "cloned") || !mc.args.is_empty() {
            return None;
        }
        let Expr::MethodCall(inner) = peel(&mc.receiver) else {
            return None;
        };
        let v = &inner.receiver;
        self.var_of(v)?;
        // `.cloned()` clones the element (a copy with the same adjoint); `.copied()` copies it
        let read = |i: TokenStream| -> TokenStream {
            if name == "cloned" {
                quote! { #v[#i].clone() }
            } else {
                quote! { #v[#i] }
            }
        };
        match (inner.method.to_string().as_str(), inner.args.len()) {
            ("last", 0) => {
                let e = read(quote! { #v.len() - 1 });
                Some(syn::parse_quote! {
                    if #v.is_empty() { ::core::option::Option::None } else { Some(#e) }
                })
            }
            ("first", 0) => {
                let e = read(quote! { 0 });
                Some(syn::parse_quote! {
                    if #v.is_empty() { ::core::option::Option::None } else { Some(#e) }
                })
            }
            ("get", 1) if !is_key(&inner.args[0]) => {
                let i = &inner.args[0];
                let e = read(quote! { __og_i });
                Some(syn::parse_quote! {
                    {
                        let __og_i: usize = #i;
                        if __og_i < #v.len() { Some(#e) } else { ::core::option::Option::None }
                    }
                })
            }
            _ => None,
        }
    }
}

/// A scrutinee whose `Some(p)` arms bind from it: a local variable, or a call or `Option` read
/// the lowering turns into one (fields and indexed places are matched as written).
pub(super) fn option_scrutinee_ok(lw: &Lowerer, scrut: &Expr) -> bool {
    match peel(scrut) {
        Expr::Path(_) => lw.var_of(scrut).is_some(),
        Expr::Call(_) => true,
        Expr::MethodCall(mc) => lw.option_read_rewrite(mc).is_some(),
        _ => false,
    }
}

/// How an unwrapped element read gives the element: borrowed (`v.last().unwrap()`), copied
/// (`.copied()`) or cloned (`.cloned()`).
#[derive(Clone, Copy)]
enum ElemRead {
    Ref,
    Copied,
    Cloned,
}

/// Whether the argument of `get` is a map's key (`m.get(&name)`, `m.get("w")`): a slice's
/// `get` takes an index by value, which the element-read rewrites compare with `len()`.
fn is_key(e: &Expr) -> bool {
    matches!(
        loop_writes::peel_parens(e),
        Expr::Reference(_)
            | Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            })
    )
}
