//! Which products of known floats a reverse sweep takes (the zero rule's, IEEE in an
//! optimistic sweep, or its caller's in a fused companion), and how it calls other functions'
//! pullbacks: an optimistic sweep hands them only cotangents that are neither NaN nor zero
//! (`autodiff_runtime::rules::sweep`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::RevGen;
use crate::naming;

/// Which products of known floats a reverse sweep takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Products {
    /// The zero rule (`rules::zero`).
    Zero,
    /// Plain IEEE arithmetic (`rules::ieee`): the optimistic reverse sweep of `NAME_grad` (see
    /// `expand/optimistic.rs`).
    Ieee,
    /// As the caller of a fused companion says, in its [`rules_arg`] (`rules::SweepRules`).
    Caller,
}

/// The parameter of a fused companion that says which products its reverse sweep takes.
pub fn rules_arg() -> Ident {
    naming::fixed("__rules")
}

/// Whether a sweep whose products are `rules` (a `rules::SweepRules` value) calls a pullback
/// with the cotangent `cot`, a variable of a known type: always in the zero rule's sweep, only
/// when neither NaN nor zero in an optimistic one (`rules::SweepRules::admit`,
/// `rules::CotangentProbe`).
pub fn admit_cotangent(rt: &TokenStream, rules: &TokenStream, cot: &Ident) -> TokenStream {
    quote! {
        #rt::rules::SweepRules::admit(#rules, {
            #[allow(unused_imports)]
            use #rt::rules::{PlainCotangent as _, OtherCotangent as _};
            (&#rt::rules::CotangentProbe(&#cot)).is_plain()
        })
    }
}

/// The flag an optimistic sweep sets where it skipped a call (`rules::Ieee`).
pub fn spoiled_flag() -> Ident {
    naming::fixed("__spoiled")
}

impl RevGen<'_> {
    /// A product rule of known floats, `name` one of `times`, `times_serial`, `over` of
    /// `rules::zero` (`g * d`, exactly zero when a factor is zero), `rules::ieee`, or as the
    /// caller says (`rules::SweepRules`).
    pub(crate) fn product(&self, name: &str, g: TokenStream, d: TokenStream) -> TokenStream {
        let rt = self.rt;
        let name = Ident::new(name, proc_macro2::Span::call_site());
        match self.products {
            Products::Zero => quote! { #rt::rules::zero::#name(#g, #d) },
            Products::Ieee => quote! { #rt::rules::ieee::#name(#g, #d) },
            Products::Caller => {
                let r = rules_arg();
                quote! { #rt::rules::SweepRules::#name(#r, #g, #d) }
            }
        }
    }

    /// A rule trait's cotangent, `call(suffix)` spelling it with the method suffix: `""` for the
    /// zero rule's `d_lhs`, `"_ieee"` for the IEEE form `d_lhs_ieee`.
    pub(crate) fn rule_form(&self, call: impl Fn(&str) -> TokenStream) -> TokenStream {
        match self.products {
            Products::Zero => call(""),
            Products::Ieee => call("_ieee"),
            Products::Caller => {
                let (rt, r) = (self.rt, rules_arg());
                let (ieee, zero) = (call("_ieee"), call(""));
                quote! { if #rt::rules::SweepRules::ieee(#r) { #ieee } else { #zero } }
            }
        }
    }

    /// A call of another function's pullback `pb` with the cotangent `g` (`let gs = pb(g);`
    /// then `rest`, which reads `gs`): as written in the zero rule's sweep; elsewhere only when
    /// the cotangent, typed as `pb` takes it, is neither NaN nor zero (`rules::SweepRules::admit`).
    pub(crate) fn pullback_call(
        &self,
        pb: &TokenStream,
        g: &Ident,
        gs: &Ident,
        rest: TokenStream,
    ) -> TokenStream {
        let rt = self.rt;
        if self.products == Products::Zero {
            return quote! { let #gs = (#pb)(#rt::cotangent_as(#g)); #rest };
        }
        let cot = naming::fixed("__pcot");
        let test = self.admits(&cot);
        quote! {
            // dy as the type the pullback takes, so that the test sees it
            let #cot = #rt::rules::cotangent_for(&#pb, #rt::cotangent_as(#g));
            if #test {
                let #gs = (#pb)(#cot);
                #rest
            }
        }
    }

    /// [`pullback_call`](Self::pullback_call) of `callee`'s pullback; a linear rule of the
    /// runtime's (`naming::is_linear_builtin`) passes a NaN on as NaN, so it is called as
    /// written in every sweep.
    pub(crate) fn pullback_call_of(
        &self,
        callee: &crate::ir::Callee,
        pb: &TokenStream,
        g: &Ident,
        gs: &Ident,
        rest: TokenStream,
    ) -> TokenStream {
        if naming::is_linear_builtin(callee) {
            let rt = self.rt;
            return quote! { let #gs = (#pb)(#rt::cotangent_as(#g)); #rest };
        }
        self.pullback_call(pb, g, gs, rest)
    }

    /// Whether this sweep calls a pullback with the cotangent `cot` (of a known type), see
    /// [`admit_cotangent`].
    pub(crate) fn admits(&self, cot: &Ident) -> TokenStream {
        admit_cotangent(self.rt, &self.products_arg(), cot)
    }

    /// The products argument of a call of a fused companion: this sweep's own.
    pub(crate) fn products_arg(&self) -> TokenStream {
        let rt = self.rt;
        match self.products {
            Products::Zero => quote! { #rt::rules::Zero },
            Products::Ieee => {
                let s = spoiled_flag();
                quote! { #rt::rules::Ieee(&#s) }
            }
            Products::Caller => {
                let r = rules_arg();
                quote! { #r }
            }
        }
    }
}
