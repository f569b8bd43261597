//! Forward mode: `NAME_jvp` and the hidden tangent companion other differentiable functions
//! call, both one forward sweep that carries a tangent next to each active value.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::{Common, allows, doc_link};
use crate::activity::Activity;
use crate::forward::FwdGen;
use crate::ir::{Func, VarId};
use crate::naming;
use crate::reverse::body_label;
use crate::sig::Param;

pub(super) fn tangent_name(p: &Param) -> Ident {
    format_ident!(
        "{}_tangent",
        p.ident,
        span = proc_macro2::Span::mixed_site()
    )
}

fn jvp_body(
    c: &Common,
    func: &Func,
    act: &Activity,
    init: TokenStream,
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let fg = FwdGen::new(func, act, rt);
    let body = fg.body();
    let ret = naming::fixed("__ret");
    let label = body_label();
    let (dret_decl, dret) = if act.active(func.ret) {
        let d = fg.dot(func.ret);
        (quote! { let mut #d; }, quote! { #d })
    } else {
        (quote! {}, quote! { #rt::zero_like(&#ret) })
    };
    quote! {
        #hoisted
        #init
        let mut #ret;
        #dret_decl
        #label: { #body }
        (#ret, #dret)
    }
}

pub(super) fn gen_jvp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let fg = FwdGen::new(func, act, rt);
    let mut tparams = Vec::new();
    let mut init = TokenStream::new();
    for k in wrt {
        let p = &c.sig.params[*k];
        let t = tangent_name(p);
        let tty = p.assoc(rt, "Tangent");
        tparams.push(quote! { #t: #tty });
        let (i, ty) = (&p.ident, &p.ty);
        if act.active(vars[*k]) {
            let d = fg.dot(vars[*k]);
            init.extend(quote_spanned! {p.span=> let mut #d = <#ty as #rt::Differentiable>::tangent_in(&#i, #t); });
        } else {
            init.extend(quote! { let _ = #t; });
        }
    }
    // A parameter outside `wrt` that is assigned a differentiable value starts with a zero tangent.
    for (k, v) in vars.iter().enumerate() {
        if !wrt.contains(&k) && act.active(*v) {
            let (d, i) = (fg.dot(*v), &c.sig.params[k].ident);
            let zero = crate::forward::zero_tangent(rt, &quote! { #i });
            init.extend(quote! { let mut #d = #zero; });
        }
    }
    let body = jvp_body(c, func, act, init, hoisted);
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::public(&c.name, "jvp");
    let (generics, wh) = c.generics();
    let doc = doc_link(
        c,
        "Value and directional derivative (forward mode, Jacobian-vector product)",
    );
    let allow = allows();
    quote! {
        #doc
        #[doc = ""]
        #[doc = " Takes one tangent per differentiated parameter, in order."]
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs,)* #(#tparams),*) -> (#out, #out) #wh {
            #body
        }
    }
}

pub(super) fn companion_tangent_params(c: &Common, diff: &[usize]) -> Vec<TokenStream> {
    let rt = &c.rt;
    c.sig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let t = tangent_name(p);
            if diff.contains(&k) {
                let tty = p.assoc(rt, "Tangent");
                quote! { #t: impl #rt::TangentArg<#tty> }
            } else {
                quote! { #t: impl #rt::NoTangentArg }
            }
        })
        .collect()
}

pub(super) fn gen_companion_jvp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let fg = FwdGen::new(func, act, rt);
    let tparams = companion_tangent_params(c, diff);
    let mut init = TokenStream::new();
    for (k, p) in c.sig.params.iter().enumerate() {
        let t = tangent_name(p);
        if diff.contains(&k) && act.active(vars[k]) {
            let d = fg.dot(vars[k]);
            let i = &p.ident;
            init.extend(quote! { let mut #d = #rt::TangentArg::tangent_or_zero(#t, &#i); });
        } else {
            init.extend(quote! { let _ = #t; });
        }
    }
    // A parameter outside `wrt` that is assigned a differentiable value starts with a zero tangent.
    for (k, v) in vars.iter().enumerate() {
        if !diff.contains(&k) && act.active(*v) {
            let (d, i) = (fg.dot(*v), &c.sig.params[k].ident);
            let zero = crate::forward::zero_tangent(rt, &quote! { #i });
            init.extend(quote! { let mut #d = #zero; });
        }
    }
    let body = jvp_body(c, func, act, init, hoisted);
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::jvp_companion(&c.name);
    let (generics, wh) = c.generics();
    let allow = allows();
    quote! {
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs,)* #(#tparams),*) -> (#out, #out) #wh {
            #body
        }
    }
}
