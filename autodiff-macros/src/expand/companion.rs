//! The hidden reverse-mode companion other differentiable functions call: the value and a
//! pullback returning one cotangent slot per parameter (`Option` of the adjoint for a
//! differentiated one, `NoGrad` for the rest).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::{Common, allows, reverse_sweep, seed_ret};
use crate::activity::Activity;
use crate::ir::{Func, VarId};
use crate::naming;

pub(super) fn slot_types(c: &Common, diff: &[usize]) -> Vec<TokenStream> {
    let rt = &c.rt;
    c.sig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if diff.contains(&k) {
                let a = p.assoc(rt, "Adjoint");
                quote! { ::core::option::Option<#a> }
            } else {
                quote! { #rt::NoGrad }
            }
        })
        .collect()
}

pub(super) fn gen_companion_vjp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
    boxed: bool,
) -> TokenStream {
    let rt = &c.rt;
    let (fwd, head, rev) = reverse_sweep(c, func, vars, act, diff, hoisted, &TokenStream::new());
    let cot = naming::fixed("__cot");
    let seed = seed_ret(func, act, rt, quote! { #cot });
    let slots: Vec<TokenStream> = (0..c.sig.params.len())
        .map(|k| {
            if !diff.contains(&k) {
                quote! { #rt::NoGrad }
            } else if act.active(vars[k]) {
                let d = naming::adjoint(&func.vars[vars[k]].ident, vars[k]);
                quote! { #d }
            } else {
                quote! { ::core::option::Option::None }
            }
        })
        .collect();
    let tys = slot_types(c, diff);
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::vjp_companion(&c.name);
    let (generics, wh) = c.generics();
    let ret = naming::fixed("__ret");
    let allow = allows();
    let closure = quote! {
        move |#cot: #out| -> (#(#tys,)*) {
            #head
            #seed
            #rev
            (#(#slots,)*)
        }
    };
    if boxed {
        let l = syn::Lifetime::new("'__ad_box", proc_macro2::Span::call_site());
        let mut preds: Vec<TokenStream> = c
            .all_lifetimes()
            .iter()
            .map(|x| quote! { #x: #l })
            .collect();
        preds.extend(c.generics.type_params().map(|t| {
            let i = &t.ident;
            quote! { #i: #l }
        }));
        if let Some(w) = wh {
            preds.extend(w.predicates.iter().map(|p| p.to_token_stream()));
        }
        let mut g = c.generics.clone();
        for (i, x) in c.sig.new_lifetimes.iter().enumerate() {
            g.params.insert(
                i,
                syn::GenericParam::Lifetime(syn::LifetimeParam::new(x.clone())),
            );
        }
        g.params.insert(
            0,
            syn::GenericParam::Lifetime(syn::LifetimeParam::new(l.clone())),
        );
        let (gp, _, _) = g.split_for_impl();
        return quote! {
            #[doc(hidden)]
            #(#attrs)* #allow
            #vis fn #name #gp (#(#inputs),*) -> (#out, ::std::boxed::Box<dyn ::core::ops::Fn(#out) -> (#(#tys,)*) + #l>) where #(#preds),* {
                #fwd
                (#ret, ::std::boxed::Box::new(#closure))
            }
        };
    }
    let caps = c.captures();
    quote! {
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs),*) -> (#out, impl ::core::ops::Fn(#out) -> (#(#tys,)*) #caps) #wh {
            #fwd
            (#ret, #closure)
        }
    }
}
