//! `#[derive(FieldwiseOps)]`: `+`, `-`, unary `-`, `+=` and `-=` field by field on a
//! `#[derive(Differentiable)]` struct.
//!
//! `#[differentiable]` takes these operators for linear ones whose adjoint is the struct's own
//! field-wise sum (`y = a + b => da += dy, db += dy`), and refuses them on a derived struct unless
//! its `FieldwiseOps` marker says they are field-wise. This derive emits the operators and the
//! marker together, so a user's own `impl Add` beside it is a conflicting implementation.
//!
//! For `struct S { a: A, b: B }` it emits `Add`, `Sub`, `Neg`, `AddAssign`, `SubAssign` for `S`
//! (each field with its own operator, bounded per field at the field's type), and
//! `FieldwiseOps for S` bounded by `A: FieldwiseOps, B: FieldwiseOps` (floats, nalgebra matrices,
//! and structs deriving it), so a field whose own `+` is not field-wise is refused too. A
//! `#[no_grad]` field is refused: it has no derivative, and which operand's value it should keep
//! is the user's to say.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::derive::named_fields;

/// The derive's entry point.
pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let fields = named_fields(&input)?;
    if let Some(f) = fields.iter().find(|f| f.no_grad) {
        return Err(syn::Error::new(
            f.ident.span(),
            format!(
                "`#[derive(FieldwiseOps)]` adds every field, but `{}` is `#[no_grad]`: write the \
                 operators yourself and the operations field by field in the #[differentiable] \
                 function (`S {{ x: a.x + b.x, .. }}`), or drop `#[no_grad]`",
                f.ident
            ),
        ));
    }
    let name = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let existing: Vec<TokenStream> = where_c
        .map(|w| w.predicates.iter().map(|p| quote! { #p }).collect())
        .unwrap_or_default();
    let f: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    // One bound per field, spanned at the field's type so an unsuitable field is reported
    // there, once: its operators and its own `FieldwiseOps`.
    let mut bounds = existing;
    bounds.extend(fields.iter().map(|fl| {
        let ty = &fl.ty;
        quote_spanned! {ty.span()=> #ty: ::autodiff::__private::FieldArith }
    }));
    let ops = quote! { ::core::ops };
    let binary = |tr: &str, method: &str, op: TokenStream| {
        let tr = syn::Ident::new(tr, proc_macro2::Span::call_site());
        let method = syn::Ident::new(method, proc_macro2::Span::call_site());
        quote! {
            impl #impl_g #ops::#tr for #name #ty_g where #(#bounds,)* {
                type Output = Self;
                #[inline]
                fn #method(self, rhs: Self) -> Self {
                    #name { #(#f: self.#f #op rhs.#f,)* }
                }
            }
        }
    };
    let assign = |tr: &str, method: &str, op: TokenStream| {
        let tr = syn::Ident::new(tr, proc_macro2::Span::call_site());
        let method = syn::Ident::new(method, proc_macro2::Span::call_site());
        quote! {
            impl #impl_g #ops::#tr for #name #ty_g where #(#bounds,)* {
                #[inline]
                fn #method(&mut self, rhs: Self) {
                    #(self.#f #op rhs.#f;)*
                }
            }
        }
    };
    let add = binary("Add", "add", quote! { + });
    let sub = binary("Sub", "sub", quote! { - });
    let add_assign = assign("AddAssign", "add_assign", quote! { += });
    let sub_assign = assign("SubAssign", "sub_assign", quote! { -= });
    Ok(quote! {
        #add
        #sub
        #add_assign
        #sub_assign
        impl #impl_g #ops::Neg for #name #ty_g where #(#bounds,)* {
            type Output = Self;
            #[inline]
            fn neg(self) -> Self {
                #name { #(#f: -self.#f,)* }
            }
        }
        impl #impl_g ::autodiff::__private::FieldwiseOps for #name #ty_g
            where #(#bounds,)* {}
    })
}
