//! The syntax rewrite that makes a concrete `f64`/`f32` function generic over its scalar, so its
//! reverse sweep can run at dual numbers (forward over reverse).
//!
//! On the user's syntax tree (never on generated tokens): the scalar type becomes the fresh type
//! parameter [`SCALAR`]; float literals become `SCALAR::from_f64(lit)`; `e as f64` becomes
//! `SCALAR::from_f64(e as f64)`; constants such as `f64::consts::PI` or `f64::EPSILON` become
//! `SCALAR::from_f64(..)` of themselves, as do calls such as `f64::from(n)`; `vec![..]` is
//! rewritten inside.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Ident, Type};

/// The name of the fresh scalar type parameter.
pub const SCALAR: &str = "__AutodiffScalar";

pub fn scalar_ident() -> Ident {
    Ident::new(SCALAR, Span::call_site())
}

/// Rewrites `item` (whose scalar type is `float`, `f64` or `f32`) to be generic over [`SCALAR`].
pub fn generalize(item: &mut syn::ItemFn, float: &str) {
    let s = scalar_ident();
    let other = match float {
        "f64" => Some("f32"),
        "f32" => Some("f64"),
        _ => None,
    };
    let mut r = Rewrite {
        float,
        other,
        in_other: false,
        other_locals: Vec::new(),
        casts: false,
        in_const: 0,
        s: s.clone(),
    };
    r.visit_signature_mut(&mut item.sig);
    r.visit_block_mut(&mut item.block);
    if r.casts {
        // Both methods in scope for the whole body (the preferred one wins by autoref).
        item.block.stmts.insert(
            0,
            syn::parse_quote! {
                #[allow(unused_imports)]
                use ::autodiff::__private::{CastValueOther as _, CastValueReal as _};
            },
        );
    }
    let pos = item.sig.generics.lifetimes().count();
    item.sig
        .generics
        .params
        .insert(pos, syn::parse_quote!(#s: ::autodiff::__private::Real));
    // `f64` arithmetic on borrowed values (`&a * &b`, `&a * b`, `a * &b`, `-&a`) stays valid:
    // `f32`, `f64` and the dual numbers implement it.
    let preds = &mut item.sig.generics.make_where_clause().predicates;
    preds.push(syn::parse_quote!(
        for<'__r> &'__r #s: ::core::ops::Add<&'__r #s, Output = #s>
            + ::core::ops::Sub<&'__r #s, Output = #s>
            + ::core::ops::Mul<&'__r #s, Output = #s>
            + ::core::ops::Div<&'__r #s, Output = #s>
            + ::core::ops::Rem<&'__r #s, Output = #s>
            + ::core::ops::Add<#s, Output = #s>
            + ::core::ops::Sub<#s, Output = #s>
            + ::core::ops::Mul<#s, Output = #s>
            + ::core::ops::Div<#s, Output = #s>
            + ::core::ops::Rem<#s, Output = #s>
            + ::core::ops::Neg<Output = #s>
    ));
    preds.push(syn::parse_quote!(
        for<'__r> #s: ::core::ops::Add<&'__r #s, Output = #s>
            + ::core::ops::Sub<&'__r #s, Output = #s>
            + ::core::ops::Mul<&'__r #s, Output = #s>
            + ::core::ops::Div<&'__r #s, Output = #s>
            + ::core::ops::Rem<&'__r #s, Output = #s>
    ));
}

/// Whether `ty` names the identifier `name` anywhere (a type parameter or `f64`).
pub fn mentions(ty: &Type, name: &str) -> bool {
    fn walk(ts: TokenStream, name: &str) -> bool {
        ts.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == name,
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), name),
            _ => false,
        })
    }
    walk(ty.to_token_stream(), name)
}

/// The nalgebra matrix type `ty` names, if any (`DMatrix`, `SVector`, `Matrix3`, ..).
pub fn matrix_type(ty: &Type) -> Option<String> {
    matrix_ident(ty.to_token_stream()).map(|i| i.to_string())
}

/// The first identifier in `ts` that names a nalgebra matrix type.
pub fn matrix_ident(ts: TokenStream) -> Option<Ident> {
    fn walk(ts: TokenStream) -> Option<Ident> {
        ts.into_iter().find_map(|t| match t {
            proc_macro2::TokenTree::Ident(i) => {
                let n = i.to_string();
                let prefixes = [
                    "DMatrix",
                    "DVector",
                    "RowDVector",
                    "SMatrix",
                    "SVector",
                    "OMatrix",
                    "Matrix",
                    "Vector",
                    "RowVector",
                    "RowSVector",
                ];
                prefixes.iter().any(|p| n.starts_with(p)).then_some(i)
            }
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => None,
        })
    }
    walk(ts)
}

struct Rewrite<'a> {
    float: &'a str,
    /// The other float type of a concrete function (`f32` in an `f64` function): its values
    /// are not the scalar and keep their type.
    other: Option<&'static str>,
    /// Inside an expression of the other float type: bare float literals belong to it.
    in_other: bool,
    /// Locals declared with the other float type (`let n: f64 = 3.0;` in an `f32` function),
    /// until a later `let` of the same name.
    other_locals: Vec<Ident>,
    s: Ident,
    /// Whether a cast was rewritten (the traits its slot needs go in scope).
    casts: bool,
    /// Inside a constant (an array length, a `const` item, a const argument), where no method
    /// may be called: casts stay as written.
    in_const: usize,
}

/// Whether `ty` is a primitive integer type (`usize`, `i32`, `std::primitive::u8`, ..).
fn is_int_primitive(ty: &Type) -> bool {
    crate::naming::primitive_name(ty).is_some_and(|n| crate::naming::INTEGERS.contains(&n.as_str()))
}

impl Rewrite<'_> {
    fn is_float_type(&self, ty: &Type) -> bool {
        matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(self.float))
    }

    fn is_other_type(&self, ty: &Type) -> bool {
        matches!(ty, Type::Path(p) if p.qself.is_none()
            && self.other.is_some_and(|o| p.path.is_ident(o)))
    }

    /// Whether `e` is, by its syntax, a float that is not the scalar: a value of the other float
    /// type (a cast to it, `i as f32`; a literal with its suffix, `0.5f32`; a local declared
    /// with it), a conversion out of the scalar (`x.to_f64()`), or arithmetic, a negation,
    /// parentheses or a method call on one. Bare literals combined with it are of its type.
    fn is_other_float(&self, e: &Expr) -> bool {
        use syn::BinOp::*;
        match e {
            Expr::Cast(c) => self.is_other_type(&c.ty),
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.other_locals.contains(i)),
            Expr::MethodCall(m)
                if m.args.is_empty() && (m.method == "to_f64" || m.method == "to_f32") =>
            {
                true
            }
            Expr::Lit(l) => {
                matches!(&l.lit, syn::Lit::Float(f) if self.other.is_some_and(|o| f.suffix() == o))
            }
            Expr::Paren(p) => self.is_other_float(&p.expr),
            Expr::Unary(u) => self.is_other_float(&u.expr),
            Expr::Binary(b) => {
                matches!(b.op, Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_))
                    && (self.is_other_float(&b.left) || self.is_other_float(&b.right))
            }
            Expr::MethodCall(m) => self.is_other_float(&m.receiver),
            _ => false,
        }
    }

    /// `f64::X`, `std::f64::X`, `core::f64::consts::X`: the path after the float segment.
    fn float_path_rest(&self, p: &syn::ExprPath) -> Option<Vec<Ident>> {
        if p.qself.is_some() {
            return None;
        }
        let segs: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
        let at = segs.iter().position(|s| s.ident == self.float)?;
        let before_ok = segs[..at]
            .iter()
            .all(|s| s.ident == "std" || s.ident == "core");
        if !before_ok || at + 1 >= segs.len() {
            return None;
        }
        Some(segs[at + 1..].iter().map(|s| s.ident.clone()).collect())
    }

    /// `f64::name(x, rest..)` for a float method with a derivative rule or without a derivative
    /// (`floor`, `is_nan`), as `(x).name(rest..)`; `None` for anything else (`f64::from(n)`).
    fn float_method_form(
        &self,
        p: &syn::ExprPath,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) -> Option<Expr> {
        let rest = self.float_path_rest(p)?;
        let [name] = rest.as_slice() else {
            return None;
        };
        let n = name.to_string();
        let fits = crate::methods::rule(&n).is_some_and(|r| r.args + 1 == args.len())
            || (crate::methods::is_piecewise_float_method(&n) && args.len() == 1);
        if !fits {
            return None;
        }
        let recv = &args[0];
        let more = args.iter().skip(1);
        Some(syn::parse_quote_spanned! {p.span()=> (#recv).#name(#(#more),*) })
    }

    fn converted(&self, e: TokenStream, span: Span) -> Expr {
        let s = &self.s;
        syn::parse_quote_spanned! {span=> #s::from_f64(#e) }
    }
}

impl VisitMut for Rewrite<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if self.is_float_type(ty) {
            let s = &self.s;
            *ty = syn::parse_quote_spanned!(ty.span()=> #s);
            return;
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_pat_ident_mut(&mut self, i: &mut syn::PatIdent) {
        // Any binding of the name (a `for`, `match` or closure pattern) shadows a local of the
        // other type: literals beside it become the scalar again, as without the local.
        self.other_locals.retain(|n| *n != i.ident);
        visit_mut::visit_pat_ident_mut(self, i);
    }

    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        // `let h: f32 = 0.5;` in an `f64` function: the initializer is of the other type.
        let declared = matches!(&l.pat, syn::Pat::Type(pt) if self.is_other_type(&pt.ty));
        // `let h = 0.5f32;`, `let c = i as f32 * 0.5;`: of the other type by its initializer.
        let other = declared
            || l.init
                .as_ref()
                .is_some_and(|i| self.is_other_float(&i.expr));
        // The initializer first: it runs before the pattern binds, so a name it reads is still
        // the outer one (`let h = 0.5f32; let h = h * 2.0;`: `2.0` is of `h`'s type).
        if let Some(init) = &mut l.init {
            let outer = self.in_other;
            self.in_other = declared;
            self.visit_expr_mut(&mut init.expr);
            self.in_other = outer;
            if let Some((_, diverge)) = &mut init.diverge {
                self.visit_expr_mut(diverge);
            }
        }
        self.visit_pat_mut(&mut l.pat);
        // The names bound here: of the other type when declared so, otherwise shadowed.
        let name = match &l.pat {
            syn::Pat::Type(pt) => match &*pt.pat {
                syn::Pat::Ident(i) => Some(&i.ident),
                _ => None,
            },
            syn::Pat::Ident(i) => Some(&i.ident),
            _ => None,
        };
        if let Some(name) = name {
            self.other_locals.retain(|n| n != name);
            if other {
                self.other_locals.push(name.clone());
            }
        }
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // Whether bare literals below belong to the other float type: kept through the
        // arithmetic tree of an expression of that type, set where one operand is of it,
        // cleared below anything else (a call, a cast, a block).
        let outer = self.in_other;
        self.in_other = match &*e {
            Expr::Binary(b) => {
                outer || self.is_other_float(&b.left) || self.is_other_float(&b.right)
            }
            Expr::Paren(_) | Expr::Unary(_) | Expr::Lit(_) => outer,
            _ => false,
        };
        if let Expr::MethodCall(m) = e {
            // `(i as f32).max(0.5)`: the arguments of a method on the other type are of it.
            let args_other = self.is_other_float(&m.receiver);
            self.visit_expr_mut(&mut m.receiver);
            self.in_other = args_other;
            for a in m.args.iter_mut() {
                self.visit_expr_mut(a);
            }
            self.in_other = outer;
            return;
        }
        self.visit_expr_scalar(e);
        self.in_other = outer;
    }

    fn visit_stmt_macro_mut(&mut self, m: &mut syn::StmtMacro) {
        self.rewrite_macro(&mut m.mac);
    }

    // Constants: no method call may run there (`[0.0; 3 as usize]`, `const K: usize = ..`).
    fn visit_expr_repeat_mut(&mut self, r: &mut syn::ExprRepeat) {
        self.visit_expr_mut(&mut r.expr);
        self.in_const += 1;
        self.visit_expr_mut(&mut r.len);
        self.in_const -= 1;
    }

    fn visit_type_array_mut(&mut self, a: &mut syn::TypeArray) {
        self.visit_type_mut(&mut a.elem);
        self.in_const += 1;
        self.visit_expr_mut(&mut a.len);
        self.in_const -= 1;
    }

    // An item in the body (`const K: f64 = 2.5;`, a nested `fn`) cannot name the function's type
    // parameter, so it keeps its `f64`; where its value meets the scalar it is lifted
    // (`lift.rs`).
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    fn visit_expr_const_mut(&mut self, c: &mut syn::ExprConst) {
        self.in_const += 1;
        visit_mut::visit_expr_const_mut(self, c);
        self.in_const -= 1;
    }

    fn visit_generic_argument_mut(&mut self, g: &mut syn::GenericArgument) {
        self.in_const += 1;
        visit_mut::visit_generic_argument_mut(self, g);
        self.in_const -= 1;
    }
}

impl Rewrite<'_> {
    /// The rewrite of one expression node to the scalar type (see the module docs).
    fn visit_expr_scalar(&mut self, e: &mut Expr) {
        match e {
            // `2f64`, `2_f64`: an integer-form literal with a float suffix is a float literal.
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) if i.suffix() == self.float => {
                let span = i.span();
                let i = i.clone();
                *e = self.converted(quote! { (#i as f64) }, span);
            }
            Expr::Lit(l) => {
                if let syn::Lit::Float(f) = &l.lit {
                    // A literal of the other float type (`0.5f32`, or `0.5` beside one) keeps it.
                    let of_other = self.other.is_some_and(|o| f.suffix() == o)
                        || (self.in_other && f.suffix().is_empty());
                    if of_other {
                        return;
                    }
                    let span = f.span();
                    let tokens = if f.suffix().is_empty() {
                        quote! { #f }
                    } else {
                        quote! { (#f as f64) }
                    };
                    *e = self.converted(tokens, span);
                }
            }
            Expr::Cast(c) if self.is_float_type(&c.ty) => {
                self.visit_expr_mut(&mut c.expr);
                let inner = &c.expr;
                let span = c.span();
                *e = self.converted(quote_spanned! {span=> (#inner) as f64 }, span);
            }
            // `s as usize`, `s as f32` in an `f64` function: `as` cannot convert a dual number,
            // so the operand's value is taken first (`CastSlot`); integers and other operands
            // pass through it unchanged. Not in an `f32` function: a float there whose type
            // Rust defaults to `f64` (`(0.3 / 0.1) as usize`, no scalar beside it) would be
            // computed in `f32` by the companion, and cast to another integer than `f`'s; in an
            // `f64` function the default is the scalar's type, whose dual numbers carry the
            // same value.
            Expr::Cast(c)
                if self.float == "f64"
                    && self.in_const == 0
                    && (is_int_primitive(&c.ty) || self.is_other_type(&c.ty)) =>
            {
                self.visit_expr_mut(&mut c.expr);
                let inner = &c.expr;
                let span = c.expr.span();
                *c.expr = syn::parse_quote_spanned! {span=>
                    (&::autodiff::__private::CastSlot::of(#inner)).cast_value()
                };
                self.casts = true;
            }
            Expr::Path(p) => {
                if self.float_path_rest(p).is_some() {
                    let span = p.span();
                    let orig = p.to_token_stream();
                    *e = self.converted(quote_spanned! {span=> (#orig) as f64 }, span);
                }
            }
            Expr::Call(c) => {
                for a in c.args.iter_mut() {
                    self.visit_expr_mut(a);
                }
                if let Expr::Path(p) = &*c.func {
                    // `f64::sqrt(x)`, `f64::max(a, b)`: the method form, on the scalar type.
                    if let Some(m) = self.float_method_form(p, &c.args) {
                        *e = m;
                        return;
                    }
                    if self.float_path_rest(p).is_some() {
                        // `f64::from(n)` and other conversions: a constant of the scalar type.
                        let span = c.span();
                        let orig = c.to_token_stream();
                        *e = self.converted(quote_spanned! {span=> (#orig) as f64 }, span);
                        return;
                    }
                }
                self.visit_expr_mut(&mut c.func);
            }
            Expr::Macro(m) => self.rewrite_macro(&mut m.mac),
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    /// A macro whose input is expressions (`vec![..]`, `assert!(x > 0.0)`, `println!("{}", y)`),
    /// with those expressions rewritten; other macros are left alone.
    fn rewrite_macro(&mut self, mac: &mut syn::Macro) {
        crate::lower::visit_macro_exprs(mac, |e| self.visit_expr_mut(e));
    }
}

/// Rewrites every `a == b` and `a != b` in `item`'s body to compare values only when `a` and
/// `b` are scalars of one `Real` type (dual numbers compare both parts with `==`; the
/// companion's control flow must take the arm the function takes at the same values). Other
/// operands keep their own `PartialEq`.
pub fn value_comparisons(item: &mut syn::ItemFn) {
    struct Eqs(bool);
    impl VisitMut for Eqs {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            visit_mut::visit_expr_mut(self, e);
            let Expr::Binary(b) = e else { return };
            let negate = match b.op {
                syn::BinOp::Eq(_) => false,
                syn::BinOp::Ne(_) => true,
                _ => return,
            };
            let (l, r, span) = (&b.left, &b.right, b.op.span());
            // Still a comparison, so the lowering passes it through as it did `a == b`.
            let want = if negate { quote!(0u8) } else { quote!(1u8) };
            *e = syn::parse_quote_spanned! {span=>
                u8::from((&::autodiff::__private::EqProbe(&(#l), &(#r))).value_eq()) == #want
            };
            self.0 = true;
        }
    }
    let mut eqs = Eqs(false);
    eqs.visit_block_mut(&mut item.block);
    if eqs.0 {
        // Both methods in scope for the whole body (the preferred one wins by autoref).
        item.block.stmts.insert(
            0,
            syn::parse_quote! {
                #[allow(unused_imports)]
                use ::autodiff::__private::{ValueEqOther as _, ValueEqReal as _};
            },
        );
    }
}
