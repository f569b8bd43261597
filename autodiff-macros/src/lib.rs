//! The `#[differentiable]` and `#[custom_derivative]` attributes. See the `autodiff` crate for
//! the user documentation; this crate only parses, lowers and emits.
//!
//! Pipeline: [`args`] (options) → [`sig`] (parameters, wrt) → [`lower`] (syn → IR) →
//! [`activity`] → [`reverse`] (forward sweep + reverse sweep) and [`forward`] (tangents) →
//! [`expand`] (the generated items). Errors become `compile_error!` at the offending tokens.
#![forbid(unsafe_code)]

mod activity;
mod args;
mod derive;
mod derive_ops;
mod expand;
mod forward;
mod ir;
mod lower;
mod methods;
mod naming;
mod replay;
mod reverse;
mod second;
mod sig;
mod soundness;
#[cfg(test)]
mod soundness_tests;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Generates gradient code for a function; see the `autodiff` crate documentation.
#[proc_macro_attribute]
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = match syn::parse::<args::Args>(attr) {
        Ok(a) => a,
        Err(e) => return with_item(e, item),
    };
    let func = match syn::parse::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    match expand::differentiable(args, func) {
        Ok(t) => t.into(),
        Err(e) => with_item(e, item),
    }
}

/// Makes a struct with named, differentiable fields a parameter container; see the `autodiff`
/// crate documentation.
#[proc_macro_derive(Differentiable, attributes(no_grad))]
pub fn derive_differentiable(item: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(item) {
        Ok(input) => derive::expand(input)
            .unwrap_or_else(|e| e.to_compile_error())
            .into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `+`, `-`, unary `-`, `+=` and `-=` field by field on a `#[derive(Differentiable)]` struct, so
/// `#[differentiable]` may differentiate them; see the `autodiff` crate documentation.
#[proc_macro_derive(FieldwiseOps, attributes(no_grad))]
pub fn derive_fieldwise_ops(item: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(item) {
        Ok(input) => derive_ops::expand(input)
            .unwrap_or_else(|e| e.to_compile_error())
            .into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Gives a function user-written derivative rules; see the `autodiff` crate documentation.
#[proc_macro_attribute]
pub fn custom_derivative(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = match syn::parse::<args::CustomArgs>(attr) {
        Ok(a) => a,
        Err(e) => return with_item(e, item),
    };
    let func = match syn::parse::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error().into(),
    };
    match expand::custom(args, func) {
        Ok(t) => t.into(),
        Err(e) => with_item(e, item),
    }
}

/// The error, plus the original function (minus our parameter attributes) so that uses of it do
/// not cascade into more errors.
fn with_item(e: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = e.to_compile_error();
    if let Ok(mut f) = syn::parse::<syn::ItemFn>(item) {
        for arg in f.sig.inputs.iter_mut() {
            match arg {
                syn::FnArg::Receiver(r) => r.attrs.retain(|a| !a.path().is_ident("no_grad")),
                syn::FnArg::Typed(t) => t.attrs.retain(|a| !a.path().is_ident("no_grad")),
            }
        }
        out.extend(quote::quote! { #f });
    }
    out.into()
}
