//! `#[derive(FieldwiseOps)]`: `+`, `-`, unary `-`, `+=` and `-=` field by field on a
//! `#[derive(Differentiable)]` struct.
//!
//! `#[differentiable]` takes these operators for linear ones whose adjoint is the struct's own
//! field-wise sum (`y = a + b => da += dy, db += dy`), and refuses them on a derived struct unless
//! its `FieldwiseOps` marker says they are field-wise. This derive emits the operators and the
//! marker together, so a user's own `impl Add` beside it is a conflicting implementation.
//!
//! For `struct S { a: A, b: B }` it emits `FieldArith for S` (each field combined by its own
//! `FieldArith`: floats, nalgebra matrices, `Vec`s of these, structs deriving `FieldwiseOps`),
//! `Add`, `Sub`, `Neg`, `AddAssign` and `SubAssign` through it, and `FieldwiseOps for S`, all
//! bounded by `A: FieldArith, B: FieldArith` at the field types, so a field whose own `+` is not
//! field-wise (a struct with an `impl Add` of its own) is refused at the field. A
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
                "`#[derive(FieldwiseOps)]` combines every field, but `{}` is `#[no_grad]` (which \
                 operand's value should it keep?): drop `FieldwiseOps` and write the operation out \
                 field by field in the #[differentiable] function (`S {{ w: a.w + b.w, {}: a.{}, \
                 .. }}`), or drop `#[no_grad]`",
                f.ident, f.ident, f.ident
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
    let arith = quote! { ::autodiff::__private::FieldArith };
    Ok(quote! {
        impl #impl_g #arith for #name #ty_g where #(#bounds,)* {
            #[inline]
            fn field_add(self, rhs: Self) -> Self {
                #name { #(#f: #arith::field_add(self.#f, rhs.#f),)* }
            }
            #[inline]
            fn field_sub(self, rhs: Self) -> Self {
                #name { #(#f: #arith::field_sub(self.#f, rhs.#f),)* }
            }
            #[inline]
            fn field_neg(self) -> Self {
                #name { #(#f: #arith::field_neg(self.#f),)* }
            }
            #[inline]
            fn field_add_assign(&mut self, rhs: Self) {
                #(#arith::field_add_assign(&mut self.#f, rhs.#f);)*
            }
            #[inline]
            fn field_sub_assign(&mut self, rhs: Self) {
                #(#arith::field_sub_assign(&mut self.#f, rhs.#f);)*
            }
        }
        impl #impl_g #ops::Add for #name #ty_g where #(#bounds,)* {
            type Output = Self;
            #[inline]
            fn add(self, rhs: Self) -> Self {
                #arith::field_add(self, rhs)
            }
        }
        impl #impl_g #ops::Sub for #name #ty_g where #(#bounds,)* {
            type Output = Self;
            #[inline]
            fn sub(self, rhs: Self) -> Self {
                #arith::field_sub(self, rhs)
            }
        }
        impl #impl_g #ops::Neg for #name #ty_g where #(#bounds,)* {
            type Output = Self;
            #[inline]
            fn neg(self) -> Self {
                #arith::field_neg(self)
            }
        }
        impl #impl_g #ops::AddAssign for #name #ty_g where #(#bounds,)* {
            #[inline]
            fn add_assign(&mut self, rhs: Self) {
                #arith::field_add_assign(self, rhs)
            }
        }
        impl #impl_g #ops::SubAssign for #name #ty_g where #(#bounds,)* {
            #[inline]
            fn sub_assign(&mut self, rhs: Self) {
                #arith::field_sub_assign(self, rhs)
            }
        }
        impl #impl_g ::autodiff::__private::FieldwiseOps for #name #ty_g
            where #(#bounds,)* {}
    })
}
