//! `#[derive(Differentiable)]`: a struct of differentiable fields becomes a parameter container.
//!
//! For `struct S { a: A, b: B, #[no_grad] n: N }` it emits, through `::autodiff::__private`:
//!
//! - `Differentiable for S` with `Adjoint = Grad = Tangent = S`: `finish_grad` field by field (so a
//!   field's symbolic zero becomes a real zero of that field's shape), `adjoint_of` the identity,
//!   `tangent_in` and `zero_tangent` field by field;
//! - `Adjoint for S` (`zero_adj`, `add_adj` field by field) and `ZeroLike for S`;
//! - `Parameters<P> for S`, visiting the fields in declaration order;
//! - `NamedParameters<P> for S`, the same visit with field paths and shapes (for saving weights).
//!
//! A `#[no_grad]` field takes no part. In a gradient (`finish_grad`) it is a clone of the primal's
//! field, so the gradient looks like the model; in adjoints (`zero_adj`) and tangents
//! (`zero_tangent`, `zero_like`, and `tangent_in`, which overwrites whatever the caller put there)
//! it is `Default::default()`. Tangents must not clone: `#[differentiable]` cannot see the
//! attribute, so a method reading `self.temperature` takes its tangent from the tangent struct,
//! and `Default` is the zero a constant field needs (`0.0` for a float). `add_adj` and the
//! parameter visits skip it.
//!
//! Bounds are per field and per impl (so generic structs work, and an unsuitable field is reported
//! once, at its type). A differentiated field type `F` needs
//! `Differentiable<Adjoint = F, Grad = F, Tangent = F> + Adjoint` for `Differentiable`, `Adjoint`
//! for `Adjoint`, `ZeroLike` for `ZeroLike` and `Parameters<P>` for `Parameters<P>`: true of `f32`,
//! `f64`, nalgebra's owned matrices, `Vec`s of those and derived structs; not of arrays, whose
//! adjoint is a `Vec`. A `#[no_grad]` field type needs `Default + Clone` (`Default` alone for
//! `Adjoint` and `ZeroLike`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

/// One named field of the struct.
pub(crate) struct Field {
    pub(crate) ident: syn::Ident,
    pub(crate) ty: syn::Type,
    pub(crate) no_grad: bool,
}

/// The derive's entry point.
pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let fields = named_fields(&input)?;
    let rt = quote! { ::autodiff::__private };
    let name = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let existing: Vec<&syn::WherePredicate> = where_c
        .map(|w| w.predicates.iter().collect())
        .unwrap_or_default();

    let grad: Vec<&Field> = fields.iter().filter(|f| !f.no_grad).collect();
    let fixed: Vec<&Field> = fields.iter().filter(|f| f.no_grad).collect();
    let gf: Vec<&syn::Ident> = grad.iter().map(|f| &f.ident).collect();
    let gt: Vec<&syn::Type> = grad.iter().map(|f| &f.ty).collect();
    let nf: Vec<&syn::Ident> = fixed.iter().map(|f| &f.ident).collect();
    let locals: Vec<syn::Ident> = (0..grad.len())
        .map(|k| syn::Ident::new(&format!("__f{k}"), Span::mixed_site()))
        .collect();

    // Per-field bounds, spanned at the field types so an unsuitable field is reported where it is
    // declared. Each impl asks only for what it uses, so an error is not repeated per impl.
    let bounds = |grad_bound: &dyn Fn(&syn::Type) -> TokenStream,
                  fixed_bound: &dyn Fn(&syn::Type) -> TokenStream| {
        let mut out: Vec<TokenStream> = existing.iter().map(|p| quote! { #p }).collect();
        for f in &fields {
            out.push(if f.no_grad {
                fixed_bound(&f.ty)
            } else {
                grad_bound(&f.ty)
            });
        }
        out
    };
    let default = |ty: &syn::Type| quote_spanned! {ty.span()=> #ty: ::core::default::Default };
    // The runtime path spanned at the field too: rustc reports an unmet bound at its trait path.
    let rt_at = |ty: &syn::Type| quote_spanned! {ty.span()=> ::autodiff::__private };
    let diff_bounds = bounds(
        &|ty| {
            let rt = rt_at(ty);
            quote_spanned! {ty.span()=>
                #ty: #rt::Differentiable<Adjoint = #ty, Grad = #ty, Tangent = #ty> + #rt::Adjoint
            }
        },
        &|ty| quote_spanned! {ty.span()=> #ty: ::core::default::Default + ::core::clone::Clone },
    );
    let adj_bounds = bounds(
        &|ty| {
            let rt = rt_at(ty);
            quote_spanned! {ty.span()=> #ty: #rt::Adjoint }
        },
        &default,
    );
    let zero_bounds = bounds(
        &|ty| {
            let rt = rt_at(ty);
            quote_spanned! {ty.span()=> #ty: #rt::ZeroLike }
        },
        &default,
    );

    let second = crate::second::derive::expand(
        &input,
        &fields
            .iter()
            .map(|f| (&f.ident, &f.ty, f.no_grad))
            .collect::<Vec<_>>(),
    );
    let p = syn::Ident::new("__AutodiffScalar", Span::call_site());
    let mut param_bounds: Vec<TokenStream> = existing.iter().map(|p| quote! { #p }).collect();
    for ty in &gt {
        let rt = rt_at(ty);
        param_bounds.push(quote_spanned! {ty.span()=> #ty: #rt::Parameters<#p> });
    }
    let mut pg = input.generics.clone();
    pg.params.push(syn::parse_quote!(#p));
    let (p_impl_g, _, _) = pg.split_for_impl();

    let named = named_impl(&input, &grad, &existing);
    let field_facts = field_impls(&input, &fields, &adj_bounds);
    let adj = syn::Ident::new("__adj", Span::mixed_site());
    let other = syn::Ident::new("__other", Span::mixed_site());
    let t = syn::Ident::new("__t", Span::mixed_site());
    let f = syn::Ident::new("__f", Span::mixed_site());
    let g = syn::Ident::new("__g", Span::mixed_site());
    let none = quote! { ::core::option::Option::None };
    let nones = gf.iter().map(|_| &none);

    // The adjoint's fields as `Option`s (`None` for the whole-struct zero).
    let split = if grad.is_empty() {
        quote! { let _ = #adj; }
    } else {
        quote! {
            let (#(#locals,)*) = match #adj {
                ::core::option::Option::Some(Self { #(#gf: #locals,)* .. }) => {
                    (#(::core::option::Option::Some(#locals),)*)
                }
                ::core::option::Option::None => (#(#nones,)*),
            };
        }
    };

    Ok(quote! {
        #[automatically_derived]
        impl #impl_g #rt::DerivedStruct for #name #ty_g where #(#diff_bounds,)* {}
        #[automatically_derived]
        impl #impl_g #rt::Differentiable for #name #ty_g where #(#diff_bounds,)* {
            type Adjoint = Self;
            type Grad = Self;
            type Tangent = Self;
            #[inline]
            fn finish_grad(&self, #adj: ::core::option::Option<Self>) -> Self {
                #split
                Self {
                    #(#gf: <#gt as #rt::Differentiable>::finish_grad(&self.#gf, #locals),)*
                    #(#nf: ::core::clone::Clone::clone(&self.#nf),)*
                }
            }
            #[inline]
            fn adjoint_of(grad: Self) -> Self {
                grad
            }
            #[inline]
            fn tangent_in(&self, #t: Self) -> Self {
                let Self { #(#gf: #locals,)* .. } = #t;
                Self {
                    #(#gf: <#gt as #rt::Differentiable>::tangent_in(&self.#gf, #locals),)*
                    #(#nf: ::core::default::Default::default(),)*
                }
            }
            #[inline]
            fn zero_tangent(&self) -> Self {
                Self {
                    #(#gf: <#gt as #rt::Differentiable>::zero_tangent(&self.#gf),)*
                    #(#nf: ::core::default::Default::default(),)*
                }
            }
            const FINITE_TEST: bool = true #(&& <#gt as #rt::Differentiable>::FINITE_TEST)*;
            #[inline]
            fn grad_is_finite(#g: &Self) -> bool {
                true #(&& <#gt as #rt::Differentiable>::grad_is_finite(&#g.#gf))*
            }
        }

        #[automatically_derived]
        impl #impl_g #rt::Adjoint for #name #ty_g where #(#adj_bounds,)* {
            #[inline]
            fn zero_adj() -> Self {
                Self {
                    #(#gf: <#gt as #rt::Adjoint>::zero_adj(),)*
                    #(#nf: ::core::default::Default::default(),)*
                }
            }
            #[inline]
            fn add_adj(&mut self, #other: Self) {
                let Self { #(#gf: #locals,)* .. } = #other;
                #(<#gt as #rt::Adjoint>::add_adj(&mut self.#gf, #locals);)*
            }
        }

        #[automatically_derived]
        impl #impl_g #rt::ZeroLike for #name #ty_g where #(#zero_bounds,)* {
            #[inline]
            fn zero_like(&self) -> Self {
                Self {
                    #(#gf: <#gt as #rt::ZeroLike>::zero_like(&self.#gf),)*
                    #(#nf: ::core::default::Default::default(),)*
                }
            }
        }

        #[automatically_derived]
        impl #p_impl_g #rt::Parameters<#p> for #name #ty_g where #(#param_bounds,)* {
            #[allow(unused_variables)]
            fn visit(&self, #f: &mut dyn ::core::ops::FnMut(&[#p])) {
                #(<#gt as #rt::Parameters<#p>>::visit(&self.#gf, #f);)*
            }
            #[allow(unused_variables)]
            fn visit_mut(&mut self, #f: &mut dyn ::core::ops::FnMut(&mut [#p])) {
                #(<#gt as #rt::Parameters<#p>>::visit_mut(&mut self.#gf, #f);)*
            }
            #[allow(unused_variables)]
            fn visit_dims(&self, #f: &mut dyn ::core::ops::FnMut(usize, usize)) {
                #(<#gt as #rt::Parameters<#p>>::visit_dims(&self.#gf, #f);)*
            }
        }

        #second
        #named
        #field_facts
    })
}

/// `NamedParameters<P> for S`: each differentiated field's tensors under `prefix.field`, in
/// declaration order (the order of the `Parameters` visit). Bounded per field like `Parameters`,
/// so a struct whose fields have no names simply lacks the impl.
fn named_impl(
    input: &DeriveInput,
    grad: &[&Field],
    existing: &[&syn::WherePredicate],
) -> TokenStream {
    let rt = quote! { ::autodiff::__private };
    let name = &input.ident;
    let p = syn::Ident::new("__AutodiffScalar", Span::call_site());
    let mut pg = input.generics.clone();
    pg.params.push(syn::parse_quote!(#p));
    let (p_impl_g, _, _) = pg.split_for_impl();
    let (_, ty_g, _) = input.generics.split_for_impl();
    let mut bounds: Vec<TokenStream> = existing.iter().map(|w| quote! { #w }).collect();
    for f in grad {
        let ty = &f.ty;
        bounds.push(quote_spanned! {ty.span()=> #ty: #rt::NamedParameters<#p> });
    }
    let gf: Vec<&syn::Ident> = grad.iter().map(|f| &f.ident).collect();
    let gt: Vec<&syn::Type> = grad.iter().map(|f| &f.ty).collect();
    let names: Vec<String> = gf
        .iter()
        .map(|i| syn::ext::IdentExt::unraw(*i).to_string())
        .collect();
    let (prefix, f) = (
        syn::Ident::new("__prefix", Span::mixed_site()),
        syn::Ident::new("__f", Span::mixed_site()),
    );
    quote! {
        #[automatically_derived]
        impl #p_impl_g #rt::NamedParameters<#p> for #name #ty_g where #(#bounds,)* {
            #[allow(unused_variables)]
            fn visit_named(
                &self,
                #prefix: &str,
                #f: &mut dyn ::core::ops::FnMut(&#rt::TensorInfo<'_>, &[#p]),
            ) {
                #(<#gt as #rt::NamedParameters<#p>>::visit_named(
                    &self.#gf, &#rt::join_path(#prefix, #names), #f);)*
            }
            #[allow(unused_variables)]
            fn visit_named_mut(
                &mut self,
                #prefix: &str,
                #f: &mut dyn ::core::ops::FnMut(&#rt::TensorInfo<'_>, &mut [#p]),
            ) {
                #(<#gt as #rt::NamedParameters<#p>>::visit_named_mut(
                    &mut self.#gf, &#rt::join_path(#prefix, #names), #f);)*
            }
        }
    }
}

/// The struct's named fields, or an error saying what the derive supports.
pub(crate) fn named_fields(input: &DeriveInput) -> syn::Result<Vec<Field>> {
    const SUPPORTED: &str = "`#[derive(Differentiable)]` supports structs with named fields \
                             (`struct Model { w: DMatrix<f64>, b: f64 }`)";
    let data = match &input.data {
        Data::Struct(s) => s,
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span,
                format!(
                    "{SUPPORTED}, not enums: a gradient must have the same shape as the value, \
                     which a variant cannot guarantee"
                ),
            ));
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                format!("{SUPPORTED}, not unions"),
            ));
        }
    };
    let named = match &data.fields {
        Fields::Named(n) => n,
        Fields::Unnamed(u) => {
            return Err(syn::Error::new(
                u.span(),
                format!("{SUPPORTED}, not tuple structs: name the fields"),
            ));
        }
        Fields::Unit => {
            return Err(syn::Error::new(
                input.ident.span(),
                format!("{SUPPORTED}, not unit structs: there is nothing to differentiate"),
            ));
        }
    };
    let mut out = Vec::with_capacity(named.named.len());
    for field in &named.named {
        let mut no_grad = false;
        for attr in &field.attrs {
            if attr.path().is_ident("no_grad") {
                if !matches!(attr.meta, syn::Meta::Path(_)) {
                    return Err(syn::Error::new(
                        attr.meta.span(),
                        "`#[no_grad]` takes no arguments: write `#[no_grad]`",
                    ));
                }
                if no_grad {
                    return Err(syn::Error::new(attr.span(), "duplicate `#[no_grad]`"));
                }
                no_grad = true;
            }
        }
        let Some(ident) = field.ident.clone() else {
            return Err(syn::Error::new(field.span(), SUPPORTED));
        };
        out.push(Field {
            ident,
            ty: field.ty.clone(),
            no_grad,
        });
    }
    Ok(out)
}

/// The 64-bit FNV-1a hash naming a field in the runtime's `GradField<H>` / `FieldAdjoint<H>`
/// (the runtime's `field_hash`).
pub fn field_hash(name: &str) -> u64 {
    let name = name.strip_prefix("r#").unwrap_or(name);
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Per-field facts for struct literals in `#[differentiable]` code: `GradField<H>` for each
/// differentiated field and each `#[no_grad]` field of a type without derivatives,
/// `FieldAdjoint<H>` for every field.
fn field_impls(input: &DeriveInput, fields: &[Field], bounds: &[TokenStream]) -> TokenStream {
    let rt = quote! { ::autodiff::__private };
    let name = &input.ident;
    let (impl_g, ty_g, _) = input.generics.split_for_impl();
    let mut out = TokenStream::new();
    for f in fields {
        let (id, ty) = (&f.ident, &f.ty);
        let h = field_hash(&id.to_string());
        if f.no_grad {
            out.extend(quote! {
                #[automatically_derived]
                impl #impl_g #rt::FieldAdjoint<#h> for #name #ty_g where #(#bounds,)* {
                    #[inline(always)]
                    fn clear_field_adjoint(&mut self) {}
                }
                // a `#[no_grad]` field takes values without a derivative only (integers, `bool`)
                #[automatically_derived]
                impl #impl_g #rt::GradField<#h> for #name #ty_g where #(#bounds,)* {
                    type Field = #ty;
                    type Kind = #rt::FixedField;
                    #[inline(always)]
                    fn take_field_adjoint(&mut self) -> #ty {
                        ::core::default::Default::default()
                    }
                }
            });
        } else {
            out.extend(quote! {
                #[automatically_derived]
                impl #impl_g #rt::FieldAdjoint<#h> for #name #ty_g where #(#bounds,)* {
                    #[inline(always)]
                    fn clear_field_adjoint(&mut self) {
                        self.#id = <#ty as #rt::Adjoint>::zero_adj();
                    }
                }
                #[automatically_derived]
                impl #impl_g #rt::GradField<#h> for #name #ty_g where #(#bounds,)* {
                    type Field = #ty;
                    type Kind = #rt::DiffField;
                    #[inline(always)]
                    fn take_field_adjoint(&mut self) -> #ty {
                        ::core::mem::replace(&mut self.#id, <#ty as #rt::Adjoint>::zero_adj())
                    }
                }
            });
        }
    }
    out
}
