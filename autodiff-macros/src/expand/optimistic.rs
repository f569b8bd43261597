//! The optimistic reverse sweep of `NAME_grad`: for a function with loops, the body runs its
//! reverse sweep first with plain IEEE products of floats and keeps that gradient when every
//! entry is finite, and runs the zero rule's sweep from the same records otherwise (why a finite
//! gradient is exactly the zero rule's: `autodiff_runtime::rules::ieee`).
//!
//! A sweep that calls other functions' pullbacks hands them only cotangents that are neither NaN
//! nor zero, and gives way to the zero rule's sweep at any other (`rules::SweepRules::admit`): a
//! custom rule may turn a NaN into a number (`g.max(-1.0)`) or read the sign of a zero, which
//! may differ between the sweeps. A fused companion re-run in the sweep takes the sweep's
//! products and makes the same test on its cotangent and for its own calls. Calls of the
//! runtime's own companions (`ops::`, matrix methods) and of methods, whose cotangents are
//! mostly matrices without the test, keep the one careful sweep.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Common, forward_section, param_reads};
use crate::activity::Activity;
use crate::ir::{Callee, Func, VarId};
use crate::naming;
use crate::reverse::RevGen;

/// The zero rule's reverse sweep of `NAME_grad`, in the pieces the optimistic sweep mirrors: the
/// forward sweep `fwd`, the reverse sweep proper `rev`, the seed of the output's cotangent and
/// the finished gradient `fin`.
pub(super) struct Careful<'a> {
    pub fwd: &'a TokenStream,
    pub rev: &'a TokenStream,
    pub seed: &'a TokenStream,
    pub fin: &'a TokenStream,
}

/// The label of the block whose value is the gradient; the optimistic sweep leaves it early.
pub(super) fn label() -> syn::Lifetime {
    syn::Lifetime::new("'__careful", proc_macro2::Span::call_site())
}

/// The optimistic sweep, to run before the careful one inside a block labelled [`label`]: it
/// leaves the block with its gradient when every entry is finite. `None` where it does not
/// apply or would be the same code as the careful sweep.
pub(super) fn first_try(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
    careful: Careful,
) -> Option<TokenStream> {
    let Careful {
        fwd,
        rev,
        seed,
        fin,
    } = careful;
    if func.loops.is_empty() {
        return None;
    }
    if !calls_admit_a_first_try(func, act) {
        return None;
    }
    let reads = param_reads(c, vars, wrt);
    let code = RevGen::new(func, act, &reads, &c.rt).ieee().generate();
    // Without a loop of the usual sweep (every loop fused) the careful sweep takes a fused
    // loop's `ds · J` as one pass, and may move `J` into the gradient, which a sweep before it
    // could not: the optimistic one would cost a second pass and a finite test.
    if !code.loops_reversed {
        return None;
    }
    let fwd2 = forward_section(c, &code, hoisted, fin, true);
    let (h, r) = (code.reverse_head, code.reverse);
    // The same forward sweep, and a reverse sweep that differs in its products.
    if fwd2.to_string() != fwd.to_string() || r.to_string() == rev.to_string() {
        return None;
    }
    let g = naming::fixed("__g");
    let label = label();
    let (test, finite) = finite_tests(c, wrt, &g);
    // set where a call was skipped (a NaN or zero cotangent): the gradient is then not kept
    let (flag, unspoiled) = if crate::forward::has_varying_call(func, act) {
        let spoiled = crate::reverse::spoiled_flag();
        (
            quote! { let #spoiled = ::core::cell::Cell::new(false); },
            quote! { && !#spoiled.get() },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    Some(quote! {
        if #test {
            #flag
            let #g = { #h #seed #r #fin };
            if #finite #unspoiled {
                break #label #g;
            }
        }
    })
}

/// Whether every call whose pullback `func`'s sweep under `act` runs names a function of the
/// user's (`f`, `m::f`, `f::<T>`), whose cotangent is mostly a number, or a range read
/// (`&v[a..b]`), whose rule is linear.
pub(super) fn calls_admit_a_first_try(func: &Func, act: &Activity) -> bool {
    crate::forward::varying_callees(func, act)
        .into_iter()
        .all(|callee| match callee {
            // a range read's rule only moves its cotangent (no test needed before it)
            Callee::Path(_) if naming::is_linear_builtin(callee) => true,
            Callee::Path(p) => !naming::is_runtime_builtin(callee) && naming::may_be_user_fn(p),
            Callee::Method(_) => false,
        })
}

/// Whether every wrt parameter's gradient type has a finite test (a constant), and the test
/// that every entry of the gradient `g` (one gradient, or a tuple in parameter order) is finite.
fn finite_tests(c: &Common, wrt: &[usize], g: &Ident) -> (TokenStream, TokenStream) {
    let rt = &c.rt;
    let tys: Vec<&syn::Type> = wrt.iter().map(|k| &c.sig.params[*k].ty).collect();
    let parts: Vec<TokenStream> = match tys.as_slice() {
        [_] => vec![quote! { &#g }],
        _ => (0..tys.len())
            .map(|i| {
                let i = syn::Index::from(i);
                quote! { &#g.#i }
            })
            .collect(),
    };
    let test = quote! { true #(&& <#tys as #rt::Differentiable>::FINITE_TEST)* };
    let finite = quote! { true #(&& <#tys as #rt::Differentiable>::grad_is_finite(#parts))* };
    (test, finite)
}
