//! The optimistic reverse sweep of `NAME_grad`: for a function with loops whose reverse sweep
//! calls no other function's pullback, the body runs its reverse sweep first with plain IEEE
//! products of floats and keeps that gradient when every entry is finite, and runs the zero
//! rule's sweep from the same records otherwise (why a finite gradient is exactly the zero
//! rule's: `autodiff_runtime::rules::ieee`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Common, forward_section, param_reads};
use crate::activity::Activity;
use crate::ir::{Func, VarId};
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
    // A callee's pullback may be a custom rule that turns a NaN into a number.
    if func.loops.is_empty() || crate::forward::has_varying_call(func, act) {
        return None;
    }
    let reads = param_reads(c, vars, wrt);
    let code = RevGen::new(func, act, &reads, &c.rt).ieee().generate();
    let fwd2 = forward_section(c, &code, hoisted, fin, true);
    let (h, r) = (code.reverse_head, code.reverse);
    // The same forward sweep, and a reverse sweep that differs in its products.
    if fwd2.to_string() != fwd.to_string() || r.to_string() == rev.to_string() {
        return None;
    }
    let g = naming::fixed("__g");
    let label = label();
    let (test, finite) = finite_tests(c, wrt, &g);
    Some(quote! {
        if #test {
            let #g = { #h #seed #r #fin };
            if #finite {
                break #label #g;
            }
        }
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
