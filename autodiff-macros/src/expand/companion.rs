//! The hidden reverse-mode companion other differentiable functions call: the value and a
//! pullback returning one cotangent slot per parameter (`Option` of the adjoint for a
//! differentiated one, `NoGrad` for the rest).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::{Common, allows, forward_section, param_reads_from, reverse_sweep, seed_ret};
use crate::activity::Activity;
use crate::ir::{Func, VarId};
use crate::naming;
use crate::reverse::RevGen;

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
    let (fwd, head, rev) = reverse_sweep(
        c,
        func,
        vars,
        act,
        diff,
        hoisted,
        &TokenStream::new(),
        false,
    );
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
    let wh = c.generics().1;
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
    companion_item(c, diff, quote! { #fwd (#ret, #closure) })
}

/// The companion item (`__NAME_derivative_..`, its pullback not boxed) around `body`, which
/// returns the value and the pullback, a closure `move |__cot: Out| -> (slots,) { .. }` (slot
/// types: [`slot_types`]).
pub(super) fn companion_item(c: &Common, diff: &[usize], body: TokenStream) -> TokenStream {
    let tys = slot_types(c, diff);
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::vjp_companion(&c.name);
    let (generics, wh) = c.generics();
    let allow = allows();
    let caps = c.captures();
    quote! {
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs),*) -> (#out, impl ::core::ops::Fn(#out) -> (#(#tys,)*) #caps) #wh {
            #body
        }
    }
}

/// The slot parameters of a fused companion, one per parameter: `impl SlotArg<Adjoint>` for a
/// differentiated one, `impl NoSlotArg` for the rest.
pub(super) fn into_slot_params(c: &Common, diff: &[usize]) -> Vec<TokenStream> {
    let rt = &c.rt;
    c.sig
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let s = naming::slot_arg(k);
            if !diff.contains(&k) {
                return quote! { #s: impl #rt::NoSlotArg };
            }
            // a float is its own adjoint: spelled as itself, the slot's type does not depend on
            // the other parameters' types being differentiable (no second error when one is not)
            let a = if crate::reverse::is_float_type(&p.ty) {
                p.ty.to_token_stream()
            } else {
                p.assoc(rt, "Adjoint")
            };
            quote! { mut #s: impl #rt::SlotArg<#a> }
        })
        .collect()
}

/// The fused companion a caller's reverse sweep re-runs a call with (a call whose arguments
/// borrow the caller's locals, GMM's `logsumexp(&main_term)` per point): the forward sweep, then
/// at once the reverse sweep from the output cotangent `__cot`, each parameter's adjoint starting
/// from the caller's slot argument and given back to it (`runtime slotarg.rs`). No pullback
/// closure holds the record tapes, and no result `Vec` is allocated per call; a slice's dense
/// gradient buffer adopts the caller's adjoint when the lengths agree. It returns the value.
///
/// The cotangent is `Given(dy)`, or `Unit` for the seed `1` of a scalar value: a caller's
/// forward sweep then takes the callee's gradient along with its value, once, and its reverse
/// sweep scales it (`def.rs`, `acc_call`) instead of running the callee again.
///
/// `slot = slot + dx` is the same as `dx` starting at `slot` for a parameter not declared
/// `mut`: the callee cannot write it, so its reverse sweep only adds into its adjoint. A `mut`
/// parameter (`mut a: [f64; 3]` written by index, `mut y: T` reassigned) starts from zero and
/// its adjoint is added to the caller's at the end: the reverse of a write takes the adjoint
/// written over, which must not include the caller's.
///
/// A helper with a loop may carry a second sweep, taken when no caller keeps its float
/// arguments' adjoints (see `unkept_floats`).
pub(super) fn gen_companion_into(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let full = into_body(c, func, vars, act, diff, hoisted);
    let body = match unkept_floats(c, func, vars, act, diff, hoisted) {
        // No caller keeps these arguments' adjoints (`NoSlot`, a constant after inlining): the
        // sweep that takes them as constants, which records nothing only they need.
        Some((dead, reduced)) => {
            let reduced = into_body(c, func, vars, &reduced, diff, hoisted);
            let unkept = dead.iter().map(|&k| {
                let s = naming::slot_arg(k);
                quote! { !#rt::SlotArg::live(&#s) }
            });
            quote! { if #(#unkept)&&* { #reduced } else { #full } }
        }
        None => full,
    };
    let slot_params = into_slot_params(c, diff);
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::into_companion(&c.name);
    let (generics, wh) = c.generics();
    let allow = allows();
    let (cot, rules) = (naming::fixed("__cot"), crate::reverse::rules_arg());
    let hint = super::pairs_hint::gen_pairs_hint(c, func, vars, diff);
    quote! {
        #[doc(hidden)]
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs,)* #cot: impl #rt::CotOrUnit<#out>, #rules: impl #rt::rules::SweepRules, #(#slot_params),*) -> #out #wh {
            #body
        }
        #hint
    }
}

/// The float parameters taken by value (`x` in `poly(w: &[f64], x: f64)`) whose adjoints a
/// caller often keeps none of (a data point, `poly(w, xs[i])` with `xs` not differentiated),
/// with the activity of the sweep that takes them as constants: the same analysis `NAME_grad`
/// runs for a `wrt` without them. Then a loop records nothing only their adjoints need (the
/// partial sums of Horner's rule, needed for `∂/∂x` alone). Only for functions with loops (a
/// straight-line sweep's savings are a few locals) and none of the user's items in the body
/// (they would be emitted twice).
fn unkept_floats(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
) -> Option<(Vec<usize>, Activity)> {
    if func.loops.is_empty() || !hoisted.is_empty() {
        return None;
    }
    let is_float = |k: usize| {
        let p = &c.sig.params[k];
        !p.is_ref && super::tangent_grad::is_float_scalar(c, &p.ty)
    };
    let dead: Vec<usize> = diff
        .iter()
        .copied()
        .filter(|&k| is_float(k) && act.active(vars[k]))
        .collect();
    let kept: Vec<VarId> = diff
        .iter()
        .filter(|k| !dead.contains(k))
        .map(|&k| vars[k])
        .collect();
    if dead.is_empty() || kept.is_empty() {
        return None;
    }
    let reduced = crate::activity::analyze(func, &kept);
    // with no kept argument active the second sweep would take no adjoint at all; such a
    // helper keeps the one sweep (the simpler code, for a case callers rarely reach)
    if !kept.iter().any(|&v| reduced.active(v)) {
        return None;
    }
    Some((dead, reduced))
}

/// The fused companion's body for one activity: the forward sweep, the cotangent, the reverse
/// sweep, the adjoints given back, and the value.
fn into_body(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let reads = param_reads_from(c, vars, diff, true);
    // The caller's products, unless a call here is one an optimistic sweep does not make
    // (`optimistic::calls_admit_a_first_try`): then the zero rule's, whatever the caller's.
    let sweep = RevGen::new(func, act, &reads, rt);
    let code = if super::optimistic::calls_admit_a_first_try(func, act) {
        sweep.products_from_caller().generate()
    } else {
        sweep.generate()
    };
    let fwd = forward_section(
        c,
        &code,
        hoisted,
        &TokenStream::new(),
        !func.loops.is_empty(),
    );
    let (head, rev) = (&code.reverse_head, &code.reverse);
    let cot = naming::fixed("__cot");
    let rules = crate::reverse::rules_arg();
    // From an optimistic caller only a cotangent that is neither NaN nor zero is taken (the
    // caller gives way to the zero rule's sweep otherwise): `rules::SweepRules::admit`.
    let admit = crate::reverse::admit_cotangent(rt, &quote! { #rules }, &cot);
    let seed = seed_ret(func, act, rt, quote! { #cot });
    let ret = naming::fixed("__ret");
    let mut gives = TokenStream::new();
    for &k in diff {
        if act.active(vars[k]) {
            let s = naming::slot_arg(k);
            let d = naming::adjoint(&func.vars[vars[k]].ident, vars[k]);
            gives.extend(quote! { #rt::SlotArg::give(#s, #d); });
        }
    }
    quote! {
        #fwd
        let #cot = #rt::CotOrUnit::cotangent(#cot, &#ret);
        if !#admit {
            return #ret;
        }
        #head
        #seed
        #rev
        #gives
        #ret
    }
}
