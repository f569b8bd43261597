//! `#[custom_derivative(vjp = .., jvp = ..)]`: the generated items built on the user's own
//! pullback and tangent rules instead of a sweep of the body.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::companion::{into_slot_params, slot_types};
use super::forward_mode::{companion_tangent_params, tangent_name};
use super::{Common, allows, doc_link, grad_type, is_copied_attr, runtime};
use crate::args::CustomArgs;
use crate::naming;
use crate::sig;

/// Entry for `#[custom_derivative(vjp = .., jvp = ..)]`: every item, built on the user's rules.
pub fn custom(args: CustomArgs, mut item: syn::ItemFn) -> syn::Result<TokenStream> {
    let rt = runtime();
    let original = item.clone();
    let sig = sig::analyse(&mut item.sig)?;
    let diff: Vec<usize> = (0..sig.params.len())
        .filter(|k| sig.params[*k].diff)
        .collect();
    if diff.is_empty() {
        return Err(syn::Error::new(
            item.sig.ident.span(),
            "no parameter of this function is differentiated",
        ));
    }
    let c = Common {
        vis: item.vis.clone(),
        name: item.sig.ident.clone(),
        generics: item.sig.generics.clone(),
        attrs: item
            .attrs
            .iter()
            .filter(|a| is_copied_attr(a))
            .cloned()
            .collect(),
        sig,
        rt: rt.clone(),
    };
    let (vjp_path, jvp_path) = (&args.vjp, &args.jvp);
    let argv_tokens: Vec<&Ident> = c.sig.params.iter().map(|p| &p.ident).collect();
    // The rules' calls carry the rules' spans: a wrong signature is reported at `vjp = ..`/`jvp = ..`.
    let vjp = quote_spanned! {vjp_path.span()=> #vjp_path(#(#argv_tokens),*) };
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let (generics, wh) = c.generics();
    let caps = c.captures();
    let allow = allows();
    let argv: Vec<&Ident> = c.sig.params.iter().map(|p| &p.ident).collect();
    let g = grad_type(&c, &diff);
    let (n_vjp, n_grad, n_jvp) = (
        naming::public(&c.name, "vjp"),
        naming::public(&c.name, "grad"),
        naming::public(&c.name, "jvp"),
    );
    let (c_vjp, c_jvp) = (
        naming::vjp_companion(&c.name),
        naming::jvp_companion(&c.name),
    );
    let hr = syn::Lifetime::new("'__ad_output", proc_macro2::Span::call_site());
    let bound = quote! { for<#hr> #out: #rt::ScalarOutput };
    let grad_wh = match wh {
        Some(w) => {
            let preds = &w.predicates;
            quote! { where #preds, #bound }
        }
        None => quote! { where #bound },
    };
    // The custom pullback's gradient, spread into one slot per parameter.
    let gvar = naming::fixed("__g");
    let slots: Vec<TokenStream> = (0..c.sig.params.len())
        .map(|k| {
            let Some(pos) = diff.iter().position(|d| *d == k) else {
                return quote! { #rt::NoGrad };
            };
            let p = &c.sig.params[k];
            let ty = &p.ty;
            let part = if diff.len() == 1 {
                quote! { #gvar }
            } else {
                let i = syn::Index::from(pos);
                quote! { #gvar.#i }
            };
            quote! { ::core::option::Option::Some(<#ty as #rt::Differentiable>::adjoint_of(#part)) }
        })
        .collect();
    let tys = slot_types(&c, &diff);
    let tparams: Vec<TokenStream> = diff
        .iter()
        .map(|k| {
            let p = &c.sig.params[*k];
            let (t, tty) = (tangent_name(p), p.assoc(&rt, "Tangent"));
            quote! { #t: #tty }
        })
        .collect();
    let tnames: Vec<Ident> = diff
        .iter()
        .map(|k| tangent_name(&c.sig.params[*k]))
        .collect();
    let ctparams = companion_tangent_params(&c, &diff);
    let jvp_call = quote_spanned! {jvp_path.span()=> #jvp_path(#(#argv,)* #(#tnames),*) };
    let cinit: TokenStream = c
        .sig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (t, i) = (tangent_name(p), &p.ident);
            if diff.contains(&k) {
                quote! { let #t = #rt::TangentArg::tangent_or_zero(#t, &#i); }
            } else {
                quote! { let _ = #t; }
            }
        })
        .collect();
    // The fused companion a caller's reverse sweep re-runs the call with: the rule's pullback
    // at once, each differentiated slot given to the caller's.
    let c_into = naming::into_companion(&c.name);
    let cot = naming::fixed("__cot");
    // the products the caller's sweep takes: when they are IEEE, the user's pullback is called
    // only with a cotangent that is neither NaN nor zero (see `rules::SweepRules::admit`)
    let rules = crate::reverse::rules_arg();
    let admit = crate::reverse::admit_cotangent(&rt, &quote! { #rules }, &cot);
    let into_params = into_slot_params(&c, &diff);
    let into_gives: TokenStream = slots
        .iter()
        .enumerate()
        .filter(|(k, _)| diff.contains(k))
        .map(|(k, slot)| {
            let s = naming::slot_arg(k);
            quote! { #rt::SlotArg::give(#s, #slot); }
        })
        .collect();
    let order2 = crate::second::custom::expand(args.hvp.as_ref(), &original, &c.sig)?;
    // a rule's pullback may not be linear in its cotangent: callers always run it again
    let hint = super::pairs_hint::never_pairs(&c);
    let fuse = super::fuse_hint::never_fuse(&c);
    let doc_vjp = doc_link(&c, "Value and pullback (custom rule)");
    let doc_grad = doc_link(&c, "Value and gradient (custom rule)");
    let doc_jvp = doc_link(&c, "Value and directional derivative (custom rule)");
    Ok(quote! {
        #[allow(dead_code)]
        #item
        #doc_grad
        #(#attrs)* #allow
        #vis fn #n_grad #generics (#(#inputs),*) -> (#out, #g) #grad_wh {
            let (__y, __pb) = #vjp;
            let __grad = __pb(#rt::seed(&__y));
            (__y, __grad)
        }
        #doc_vjp
        #(#attrs)* #allow
        #vis fn #n_vjp #generics (#(#inputs),*) -> (#out, impl ::core::ops::Fn(#out) -> #g #caps) #wh {
            #vjp
        }
        #doc_jvp
        #(#attrs)* #allow
        #vis fn #n_jvp #generics (#(#inputs,)* #(#tparams),*) -> (#out, #out) #wh {
            #jvp_call
        }
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #c_vjp #generics (#(#inputs),*) -> (#out, impl ::core::ops::Fn(#out) -> (#(#tys,)*) #caps) #wh {
            let (__y, __pb) = #vjp;
            (__y, move |__c: #out| {
                #rt::note_custom_pullback();
                let #gvar = __pb(__c);
                (#(#slots,)*)
            })
        }
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #c_into #generics (#(#inputs,)* #cot: impl #rt::CotOrUnit<#out>, #rules: impl #rt::rules::SweepRules, #(#into_params),*) -> #out #wh {
            let (__y, __pb) = #vjp;
            let #cot = #rt::CotOrUnit::cotangent(#cot, &__y);
            if !#admit {
                return __y;
            }
            #rt::note_custom_pullback();
            let #gvar = __pb(#cot);
            #into_gives
            __y
        }
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #c_jvp #generics (#(#inputs,)* #(#ctparams),*) -> (#out, #out) #wh {
            #cinit
            #jvp_call
        }
        #hint
        #fuse
        #order2
    })
}
