//! Second order for `#[custom_derivative(vjp = .., jvp = .., hvp = ..)]`: the user's `hvp` rule
//! (with `NAME_hvp`'s signature) behind a second-order companion that takes dual inputs apart.
//!
//! At dual inputs `x + ε·v` the rule gives `f(x)`, `g = ∇f(x)` and `H·v`; the companion returns
//! `f(x) + ε·⟨g, v⟩` and the pullback `c ↦ c.re·g + ε·(c.re·H·v + c.eps·g)` (the derivative of
//! `c·∇f` in direction `v`), which is what the reverse sweep at dual numbers needs.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Scalar, rewrite, scalar_of};
use crate::naming;
use crate::sig::{self, Sig};

/// The second-order items of a custom derivative, or the stub without an `hvp` rule.
pub fn expand(hvp: Option<&syn::Path>, item: &syn::ItemFn, sig: &Sig) -> syn::Result<TokenStream> {
    let attrs = super::copied_attrs(item);
    let Some(hvp) = hvp else {
        return Ok(super::stub(&item.vis, &item.sig.ident, sig, &attrs));
    };
    let name = &item.sig.ident;
    if let Some(p) = sig.params.iter().find(|p| p.ident == "self") {
        return Err(syn::Error::new(
            p.span,
            "an `hvp = ..` rule is supported on free functions only; write the rule for a free function and call it from the method",
        ));
    }
    let scalar = scalar_of(&sig.output, name)?;
    let diff: Vec<usize> = (0..sig.params.len())
        .filter(|k| sig.params[*k].diff)
        .collect();
    // Owned matrices (`DMatrix`, `DVector`, `SMatrix`, ..) are taken apart entry by entry; a
    // view or the storage-generic `Matrix` has no owned form to hand the rule.
    for p in &sig.params {
        if let Some(m) = rewrite::matrix_type(&p.ty) {
            if m == "Matrix" || m.contains("View") || m.contains("Slice") {
                return Err(syn::Error::new(
                    p.span,
                    format!(
                        "an `hvp = ..` rule takes owned matrices (`DMatrix`, `DVector`, `SMatrix`, ..) \
                         by value or by reference, not a `{m}` (`{}`); take `&DMatrix<T>` and pass \
                         `&view.into_owned()`",
                        p.ident
                    ),
                ));
            }
        }
    }
    // The signature at the dual scalar S.
    let mut generic = item.clone();
    let s = match &scalar {
        Scalar::Concrete(f) => {
            rewrite::generalize(&mut generic, &f.to_string());
            rewrite::scalar_ident()
        }
        Scalar::Generic(t) => t.clone(),
    };
    generic
        .sig
        .generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(#s: ::autodiff::__private::Order2Dual));
    // A concrete `f32`/`f64` function over matrices holds them at dual numbers in the companion
    // (a generic one carries the user's own `T: MatrixScalar`).
    if matches!(scalar, Scalar::Concrete(_))
        && sig
            .params
            .iter()
            .any(|p| rewrite::matrix_type(&p.ty).is_some())
    {
        super::require_matrix_scalar(&mut generic, &s);
    }
    let gsig = sig::analyse(&mut generic.sig)?;
    let mut g = generic.sig.generics.clone();
    for (i, l) in gsig.new_lifetimes.iter().enumerate() {
        g.params.insert(
            i,
            syn::GenericParam::Lifetime(syn::LifetimeParam::new(l.clone())),
        );
    }
    let (gen_params, _, wh) = g.split_for_impl();
    let rt = quote! { ::autodiff::__private };
    let vis = &item.vis;
    let inputs = &gsig.inputs;
    let s_str = s.to_string();
    // The rule's float type.
    let float = match &scalar {
        Scalar::Concrete(f) => f.to_token_stream(),
        Scalar::Generic(_) => quote! { <#s as #rt::Order2Dual>::Base },
    };
    // `Unlift` is implemented for the value types (`[S]`, not `&[S]`).
    let unref = |ty: &syn::Type| -> syn::Type {
        match ty {
            syn::Type::Reference(r) => (*r.elem).clone(),
            other => other.clone(),
        }
    };

    // Take the dual arguments apart; call the rule on values and directions.
    let mut unlift = TokenStream::new();
    let mut args = Vec::new();
    let mut dirs = Vec::new();
    for (k, p) in gsig.params.iter().enumerate() {
        let (i, ty) = (&p.ident, &p.ty);
        let (x, v) = (local("x", k), local("v", k));
        if diff.contains(&k) || rewrite::mentions(ty, &s_str) {
            let (inner, r) = if p.is_ref {
                (unref(ty), quote! { #i })
            } else {
                (ty.clone(), quote! { &#i })
            };
            unlift.extend(quote_spanned! {p.span=> let (#x, #v) = <#inner as #rt::Unlift>::unlift::<#float>(#r); });
            args.push(if p.is_ref {
                quote! { &#x }
            } else {
                quote! { #x }
            });
            if diff.contains(&k) {
                dirs.push(quote! { ::core::clone::Clone::clone(&#v) });
            }
        } else {
            args.push(i.to_token_stream());
        }
    }
    let call = quote_spanned! {hvp.span()=> #hvp(#(#args,)* #(#dirs),*) };
    let part = |base: &str, j: usize| -> TokenStream {
        let b = naming::fixed(base);
        if diff.len() == 1 {
            quote! { #b }
        } else {
            let i = syn::Index::from(j);
            quote! { #b.#i }
        }
    };
    let dots: Vec<TokenStream> = diff
        .iter()
        .enumerate()
        .map(|(j, k)| {
            let ty = unref(&gsig.params[*k].ty);
            let (gj, vj) = (part("__g", j), local("v", *k));
            quote! { + <#ty as #rt::Unlift>::dot::<#float>(&#gj, &#vj) }
        })
        .collect();
    let cot = naming::fixed("__c");
    let slots: Vec<TokenStream> = (0..gsig.params.len())
        .map(|k| {
            let Some(j) = diff.iter().position(|d| *d == k) else {
                return quote! { #rt::NoGrad };
            };
            let ty = &gsig.params[k].ty;
            let inner = unref(ty);
            let (gj, hj) = (part("__g", j), part("__hv", j));
            quote! {
                ::core::option::Option::Some(<#ty as #rt::Differentiable>::adjoint_of(
                    <#inner as #rt::Unlift>::join::<#float>(&#gj, &#hj, #cot)))
            }
        })
        .collect();
    let slot_tys: Vec<TokenStream> = gsig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if diff.contains(&k) {
                let a = p.assoc(&rt, "Adjoint");
                quote! { ::core::option::Option<#a> }
            } else {
                quote! { #rt::NoGrad }
            }
        })
        .collect();
    let companion = naming::order2_companion(name);
    let (val, gs, hvs, y) = (
        naming::fixed("__val"),
        naming::fixed("__g"),
        naming::fixed("__hv"),
        naming::fixed("__y"),
    );

    // The gradient at dual numbers (what `NAME_hvp` and `NAME_hessian` run).
    let grad_name = naming::order2_grad(name);
    let argv: Vec<TokenStream> = gsig
        .params
        .iter()
        .map(|p| {
            let i = &p.ident;
            if p.is_ref {
                quote! { #i }
            } else {
                quote! { ::core::clone::Clone::clone(&#i) }
            }
        })
        .collect();
    let fin: Vec<TokenStream> = diff
        .iter()
        .map(|k| {
            let p = &gsig.params[*k];
            let (i, ty) = (&p.ident, &p.ty);
            let idx = syn::Index::from(*k);
            quote! { <#ty as #rt::Differentiable>::finish_grad(&#i, __slots.#idx) }
        })
        .collect();
    let grad_tys: Vec<TokenStream> = diff
        .iter()
        .map(|k| gsig.params[*k].assoc(&rt, "Grad"))
        .collect();
    let (fin, grad_ty) = if diff.len() == 1 {
        (fin[0].clone(), grad_tys[0].clone())
    } else {
        (quote! { (#(#fin),*) }, quote! { (#(#grad_tys),*) })
    };
    let allow = quote! {
        #[allow(dead_code, unused_variables, non_snake_case, clippy::all, clippy::pedantic)]
    };
    let public = super::emit::public_items(item, sig, &scalar, &diff, &TokenStream::new());
    Ok(quote! {
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #companion #gen_params (#(#inputs),*) -> (#s, impl ::core::ops::Fn(#s) -> (#(#slot_tys,)*)) #wh {
            #unlift
            let (#val, #gs, #hvs) = #call;
            let __dy: #float = <#float as #rt::Real>::zero() #(#dots)*;
            let #y: #s = #rt::dual_out(#val, __dy);
            (#y, move |#cot: #s| (#(#slots,)*))
        }

        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #grad_name #gen_params (#(#inputs),*) -> (#s, #grad_ty) #wh {
            let (#y, __pb) = #companion(#(#argv),*);
            let __slots = __pb(<#s as #rt::Real>::one());
            (#y, #fin)
        }

        #public
    })
}

fn local(name: &str, k: usize) -> Ident {
    format_ident!("__{}{}", name, k, span = Span::mixed_site())
}
