//! `NAME_grad`, `NAME_vjp` and the companion other differentiable functions call, by one
//! forward sweep of several tangent directions, for loop code with few scalar inputs.
//!
//! A gradient w.r.t. `K` scalars is `K` directional derivatives: run the primal once with `K`
//! tangents beside every active value (direction `k` seeds `∂x_k = 1`), then
//! `∂f/∂x_k = ẏ_k`. Reverse mode records what its sweep back needs on every trip of every loop
//! and reads it back; for `K ≤` [`MAX_DIRECTIONS`] the tangents cost less than the records
//! (the hand-written gradients of scalar recurrences and iterations carry tangents too). Each
//! direction has its own activity, so a value that does not depend on `x_k` carries no tangent
//! for it. Straight-line code keeps reverse mode, which is already as fast as a hand-written
//! gradient there.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

use super::{Common, grad_item, one_or_tuple, vjp_item};
use crate::activity::{self, Activity};
use crate::forward::{Dir, FwdGen, has_varying_call};
use crate::ir::{Block, Func, Stmt, VarId};
use crate::naming;
use crate::reverse::{body_label, is_float_type};

/// The most scalar inputs a gradient takes by tangent sweeps.
pub const MAX_DIRECTIONS: usize = 4;

/// The most scalar inputs a gradient takes by tangent sweeps when the body passes a varying
/// argument to another differentiable function: its forward companion runs once per direction,
/// so a costly callee is paid that many times.
pub const MAX_DIRECTIONS_WITH_CALLS: usize = 2;

/// Whether `NAME_grad`, `NAME_vjp` and the companion callers use take their gradient by tangent
/// sweeps: every differentiated parameter is a scalar taken by value (`f32`, `f64`, or a type
/// parameter bounded by `Real`) of the output's type, at most [`MAX_DIRECTIONS`] of them
/// ([`MAX_DIRECTIONS_WITH_CALLS`] when a call passes a varying argument to another
/// differentiable function), the output is such a scalar, and the body has a loop.
pub(super) fn applies(c: &Common, func: &Func, act: &Activity, wrt: &[usize]) -> bool {
    let scalar = |ty: &syn::Type| is_float_scalar(c, ty);
    // the output's type too: a tangent is of the output's type, and the gradient of `x: f32`
    // in `fn f(x: f32, w: f64) -> f64` would have to be converted (reverse mode handles it)
    let out = c.sig.output.to_token_stream().to_string();
    (1..=MAX_DIRECTIONS).contains(&wrt.len())
        && wrt.iter().all(|k| {
            let p = &c.sig.params[*k];
            !p.is_ref && scalar(&p.ty) && p.ty.to_token_stream().to_string() == out
        })
        && scalar(&c.sig.output)
        && has_loop(&func.body)
        && (wrt.len() <= MAX_DIRECTIONS_WITH_CALLS || !has_varying_call(func, act))
}

/// `ty` is a float scalar: `f32`, `f64`, or a type parameter bounded by `Real`.
pub(super) fn is_float_scalar(c: &Common, ty: &syn::Type) -> bool {
    is_float_type(ty) || is_real_param(&c.generics, ty)
}

/// `ty` is a type parameter of `generics` bounded by `Real` (`T: Real`, `T: autodiff::Real`, or
/// the same in the `where` clause): a scalar whatever it is instantiated with.
pub(crate) fn is_real_param(generics: &syn::Generics, ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(name) = p.path.get_ident().filter(|_| p.qself.is_none()) else {
        return false;
    };
    let real = crate::sig::is_real_bound;
    let in_params = generics
        .type_params()
        .any(|t| t.ident == *name && t.bounds.iter().any(real));
    let in_where = generics.where_clause.iter().any(|w| {
        w.predicates.iter().any(|pr| {
            matches!(pr, syn::WherePredicate::Type(t)
                if matches!(&t.bounded_ty, syn::Type::Path(b) if b.path.is_ident(name))
                    && t.bounds.iter().any(real))
        })
    });
    in_params || in_where
}

fn has_loop(b: &Block) -> bool {
    b.stmts.iter().any(|s| match s {
        Stmt::Loop { .. } => true,
        Stmt::Scope(b) | Stmt::InPlace { body: b, .. } => has_loop(b),
        Stmt::Branch { arms, .. } => arms.iter().any(has_loop),
        _ => false,
    })
}

/// The sweep: seeds, the body with its tangents, and one gradient expression per `wrt`
/// parameter (`ẏ_k`, or `None` where the output does not depend on it).
fn sweep(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
    ieee: bool,
) -> (TokenStream, Vec<Option<TokenStream>>) {
    let rt = &c.rt;
    let acts: Vec<Activity> = wrt
        .iter()
        .map(|k| activity::analyze(func, &[vars[*k]]))
        .collect();
    let dirs: Vec<Dir> = acts
        .iter()
        .enumerate()
        .map(|(k, act)| Dir { act, tag: Some(k) })
        .collect();
    let fg = FwdGen::directions(func, act, rt, dirs.clone());
    let fg = if ieee { fg.ieee() } else { fg };
    // Direction `k` starts with `∂x_k = 1`; a parameter assigned a value that depends on `x_k`
    // starts with a zero tangent in it.
    let mut init = TokenStream::new();
    for (j, p) in c.sig.params.iter().enumerate() {
        for (k, d) in dirs.iter().enumerate() {
            if !d.act.active(vars[j]) {
                continue;
            }
            let (t, i, ty) = (fg.dot_in(d, vars[j]), &p.ident, &p.ty);
            init.extend(if wrt[k] == j && is_float_type(ty) {
                quote_spanned! {p.span=> let mut #t: #ty = 1.0; }
            } else if wrt[k] == j {
                quote_spanned! {p.span=> let mut #t: #ty = <#ty as #rt::Real>::one(); }
            } else {
                quote! { let mut #t = #rt::zero_like(&#i); }
            });
        }
    }
    let ret = naming::fixed("__ret");
    let mut decls = TokenStream::new();
    let mut grads = Vec::new();
    for d in &dirs {
        grads.push(d.act.active(func.ret).then(|| {
            let t = fg.dot_in(d, func.ret);
            decls.extend(quote! { let mut #t; });
            quote! { #t }
        }));
    }
    let body = fg.body();
    let label = body_label();
    let code = quote! {
        #hoisted
        #init
        let mut #ret;
        #decls
        #label: { #body }
    };
    (code, grads)
}

/// `ẏ_k` for each direction of [`sweep`], or a zero of parameter `wrt[k]`'s type where the
/// output does not depend on it.
fn or_zeros(c: &Common, wrt: &[usize], grads: Vec<Option<TokenStream>>) -> Vec<TokenStream> {
    let rt = &c.rt;
    grads
        .into_iter()
        .zip(wrt)
        .map(|(g, k)| {
            let p = &c.sig.params[*k];
            let ty = &p.ty;
            g.unwrap_or_else(|| {
                if is_float_type(ty) {
                    quote! { 0.0 }
                } else {
                    quote_spanned! {p.span=> <#ty as #rt::Real>::zero() }
                }
            })
        })
        .collect()
}

/// How the gradient is computed, for the generated items' documentation.
const HOW: &str = " Computed by one forward sweep with a tangent per scalar input (a loop over few scalar inputs).";

/// `NAME_grad`: the value and `(ẏ_0, .., ẏ_{K-1})` (see [`value_and_tangents`]).
pub(super) fn gen_grad(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
    rerun_is_invisible: bool,
) -> TokenStream {
    let body = value_and_tangents(c, func, vars, act, wrt, hoisted, rerun_is_invisible);
    grad_item(c, wrt, Some(HOW), body)
}

/// A block whose value is `(y, (ẏ_0, .., ẏ_{K-1}))` (`(y, ẏ_0)` for one direction), a zero
/// where the output does not depend on `x_k`. When the parameters and the output are
/// `f32`/`f64` and running the body twice is invisible (`replay`), the sweep first runs with
/// plain IEEE products and keeps its result when every tangent is finite; otherwise the sweep
/// runs again with the zero rule (why that is exact: `rules::ieee`).
fn value_and_tangents(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
    rerun_is_invisible: bool,
) -> TokenStream {
    let (code, grads) = sweep(c, func, vars, act, wrt, hoisted, false);
    let grads = or_zeros(c, wrt, grads);
    let ret = naming::fixed("__ret");
    let careful = {
        let grads = one_or_tuple(&grads);
        quote! { #code (#ret, #grads) }
    };
    let floats =
        wrt.iter().all(|k| is_float_type(&c.sig.params[*k].ty)) && is_float_type(&c.sig.output);
    let fast = (rerun_is_invisible && floats)
        .then(|| {
            let (fast, g) = sweep(c, func, vars, act, wrt, hoisted, true);
            (fast, or_zeros(c, wrt, g))
        })
        .filter(|(fast, _)| fast.to_string() != code.to_string());
    match fast {
        Some((fast, fast_grads)) => {
            let label = super::optimistic::label();
            let g = tangent_idents(fast_grads.len());
            quote! {
                #label: {
                    {
                        let (__v, #(#g),*) = { #fast (#ret, #(#fast_grads),*) };
                        if true #(&& #g.is_finite())* {
                            break #label (__v, (#(#g),*));
                        }
                    }
                    #careful
                }
            }
        }
        None => careful,
    }
}

/// `__g0, .., __g{n-1}`: the tangents of the output, one per direction.
fn tangent_idents(n: usize) -> Vec<proc_macro2::Ident> {
    (0..n).map(|k| quote::format_ident!("__g{}", k)).collect()
}

/// `NAME_vjp`: the value and the pullback `ȳ ↦ (ȳ·ẏ_0, .., ȳ·ẏ_{K-1})` (the zero rule: a zero
/// cotangent gives zeros even where a tangent is not finite).
pub(super) fn gen_vjp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let cot = naming::fixed("__cot");
    let (code, grads) = sweep(c, func, vars, act, wrt, hoisted, false);
    let grads: Vec<TokenStream> = or_zeros(c, wrt, grads)
        .into_iter()
        .map(|t| quote! { #rt::rules::times(#cot, #t) })
        .collect();
    let ret = naming::fixed("__ret");
    let grads = one_or_tuple(&grads);
    let out = c.out();
    vjp_item(
        c,
        wrt,
        Some(HOW),
        quote! { #code (#ret, move |#cot: #out| #grads) },
    )
}

/// The hidden reverse-mode companion other differentiable functions call (the same item as
/// `companion::gen_companion_vjp`), by tangent sweeps: the forward sweep carries `ẏ_k`, and the
/// pullback is `ȳ ↦ (ȳ·ẏ_k)` per differentiated parameter. A caller calling a scalar helper
/// with a loop once per trip keeps no record tape and no closure state beyond `K` numbers per
/// call, and the calls' sweeps are independent of each other. Applies where [`applies`] does
/// for `diff` (the companion's parameters).
pub(super) fn gen_companion_vjp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    diff: &[usize],
    hoisted: &TokenStream,
    rerun_is_invisible: bool,
) -> TokenStream {
    let rt = &c.rt;
    let cot = naming::fixed("__cot");
    let body = value_and_tangents(c, func, vars, act, diff, hoisted, rerun_is_invisible);
    let g = tangent_idents(diff.len());
    let pat = one_or_tuple(&g.iter().map(|g| quote! { #g }).collect::<Vec<_>>());
    let slots: Vec<TokenStream> = (0..c.sig.params.len())
        .map(|k| match diff.iter().position(|d| *d == k) {
            None => quote! { #rt::NoGrad },
            Some(j) if act.active(vars[k]) && act.active(func.ret) => {
                let g = &g[j];
                quote! { ::core::option::Option::Some(#rt::rules::times(#cot, #g)) }
            }
            Some(_) => quote! { ::core::option::Option::None },
        })
        .collect();
    let tys = super::companion::slot_types(c, diff);
    let out = c.out();
    super::companion::companion_item(
        c,
        diff,
        quote! {
            let (__v, #pat) = { #body };
            (__v, move |#cot: #out| -> (#(#tys,)*) { (#(#slots,)*) })
        },
    )
}
