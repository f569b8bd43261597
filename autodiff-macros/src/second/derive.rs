//! `SecondOrder` for `#[derive(Differentiable)]` structs generic over one `T: Real`: lifting a
//! model to dual numbers field by field (`Model<T>` becomes `Model<Dual<T>>`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;

use super::rewrite::mentions;

/// `ty` with the type parameter `t` replaced by `Dual<t>`.
fn dual_of(ty: &syn::Type, t: &syn::Ident) -> syn::Type {
    struct Sub<'a>(&'a syn::Ident);
    impl VisitMut for Sub<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(p) = ty {
                if p.qself.is_none() && p.path.is_ident(self.0) {
                    let t = self.0;
                    *ty = syn::parse_quote!(::autodiff::__private::Dual<#t>);
                    return;
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut out = ty.clone();
    Sub(t).visit_type_mut(&mut out);
    out
}

/// The struct's single scalar type parameter, when its only generics are `<T: Real>` (so that
/// `Model<Dual<T>>` is a valid type); `None` otherwise (no `SecondOrder` impl is emitted).
fn scalar_param(input: &syn::DeriveInput) -> Option<syn::Ident> {
    let g = &input.generics;
    if g.where_clause.is_some() || g.params.len() != 1 {
        return None;
    }
    let syn::GenericParam::Type(tp) = &g.params[0] else {
        return None;
    };
    let only_real = tp.bounds.iter().all(crate::sig::is_real_bound);
    (only_real && tp.default.is_none()).then(|| tp.ident.clone())
}

/// The `SecondOrder` impl, or nothing for a struct that is not generic over one `T: Real`.
pub fn expand(input: &syn::DeriveInput, fields: &[(&syn::Ident, &syn::Type, bool)]) -> TokenStream {
    let Some(t) = scalar_param(input) else {
        return TokenStream::new();
    };
    let rt = quote! { ::autodiff::__private };
    let name = &input.ident;
    let g = syn::Ident::new("__g", Span::mixed_site());
    let v = syn::Ident::new("__v", Span::mixed_site());
    let k = syn::Ident::new("__k", Span::mixed_site());
    let out = syn::Ident::new("__out", Span::mixed_site());
    let mut bounds = Vec::new();
    let (mut lift, mut lift_const, mut split_lets, mut left, mut right) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut count, mut basis, mut flatten) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (f, ty, no_grad)) in fields.iter().enumerate() {
        let lifted = dual_of(ty, &t);
        let generic = mentions(ty, &t.to_string());
        let a = syn::Ident::new(&format!("__a{i}"), Span::mixed_site());
        let b = syn::Ident::new(&format!("__b{i}"), Span::mixed_site());
        let so = quote_spanned! {ty.span()=> <#ty as #rt::SecondOrder> };
        if generic {
            bounds.push(quote_spanned! {ty.span()=>
                #ty: #rt::SecondOrder<Scalar = #t, Lifted = #lifted, LiftedGrad = #lifted, Grad = #ty>
            });
        }
        if *no_grad {
            // A constant field: lifted with a zero direction, kept as the primal's in gradients.
            let lc = if generic {
                quote! { #so::lift_const(&self.#f) }
            } else {
                quote! { ::core::clone::Clone::clone(&self.#f) }
            };
            lift.push(quote! { #f: #lc });
            lift_const.push(quote! { #f: #lc });
            let part = if generic {
                quote! { #so::split(#g.#f).0 }
            } else {
                quote! { #g.#f }
            };
            split_lets.push(quote! { let #a = #part; let #b = ::core::clone::Clone::clone(&#a); });
            basis.push(quote! { #f: ::core::default::Default::default() });
        } else {
            lift.push(quote! { #f: #so::lift(&self.#f, &#v.#f) });
            lift_const.push(quote! { #f: #so::lift_const(&self.#f) });
            split_lets.push(quote! { let (#a, #b) = #so::split(#g.#f); });
            count.push(quote! { #so::count(&self.#f) });
            basis.push(quote! { #f: {
                let __e = #so::basis(&self.#f, #k);
                #k = #k.wrapping_sub(#so::count(&self.#f));
                __e
            } });
            flatten.push(quote! { #so::flatten(&#g.#f, #out); });
        }
        left.push(quote! { #f: #a });
        right.push(quote! { #f: #b });
    }
    quote! {
        #[automatically_derived]
        impl<#t: #rt::Order2Scalar> #rt::SecondOrder for #name<#t> where #(#bounds,)* {
            type Scalar = #t;
            type Grad = Self;
            type Lifted = #name<#rt::Dual<#t>>;
            type LiftedGrad = #name<#rt::Dual<#t>>;
            fn lift(&self, #v: &Self) -> Self::Lifted {
                #name { #(#lift,)* }
            }
            fn lift_const(&self) -> Self::Lifted {
                #name { #(#lift_const,)* }
            }
            fn split(#g: Self::LiftedGrad) -> (Self, Self) {
                #(#split_lets)*
                (#name { #(#left,)* }, #name { #(#right,)* })
            }
            fn count(&self) -> usize {
                0 #(+ #count)*
            }
            #[allow(unused_mut, unused_assignments)]
            fn basis(&self, mut #k: usize) -> Self {
                #name { #(#basis,)* }
            }
            #[allow(unused_variables)]
            fn flatten(#g: &Self, #out: &mut ::std::vec::Vec<#t>) {
                #(#flatten)*
            }
        }
    }
}
