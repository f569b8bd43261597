//! Second order (`#[differentiable(order = 2)]`): `NAME_hvp` and `NAME_hessian`, forward over
//! reverse.
//!
//! The function's scalar type is made a type parameter (a generic `fn f<T: Real>` already has
//! one; a concrete `f64`/`f32` function is rewritten on its syntax tree by [`rewrite`]). The
//! first-order pipeline then runs on that generic function under the second-order naming scheme
//! ([`naming::with_order2`]), emitting a hidden gradient and a hidden reverse-mode companion whose
//! calls go to the callees' second-order companions. `NAME_hvp` runs that gradient at
//! `Dual<S>` on `x + ε·v` ([`emit`]): the `eps` parts of the gradient are `H·v`, exactly.
//!
//! Every `#[differentiable]` function without `order = 2` (and every custom derivative) gets a
//! hidden stub under its second-order companion's name, so calling it with a differentiable
//! argument from `order = 2` code fails at the call with a message that names the fix.

pub mod conversions;
pub mod custom;
pub mod derive;
mod emit;
mod lift;
mod rewrite;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::Type;

use crate::args::Args;
use crate::naming;
use crate::sig::{self, Sig};

/// The scalar type of a function's output.
pub enum Scalar {
    /// `f64` or `f32`: the function is rewritten to be generic.
    Concrete(Ident),
    /// A type parameter (`T`), already generic.
    Generic(Ident),
}

impl Scalar {
    pub fn ident(&self) -> &Ident {
        match self {
            Scalar::Concrete(i) | Scalar::Generic(i) => i,
        }
    }
}

/// The scalar of `out`, or the error for a non-scalar output.
pub fn scalar_of(out: &Type, name: &Ident) -> syn::Result<Scalar> {
    if let Type::Path(p) = out {
        if p.qself.is_none() && p.path.segments.len() == 1 {
            let seg = &p.path.segments[0];
            if seg.arguments.is_empty() {
                let id = seg.ident.clone();
                return Ok(if id == "f64" || id == "f32" {
                    Scalar::Concrete(id)
                } else {
                    Scalar::Generic(id)
                });
            }
        }
    }
    Err(syn::Error::new_spanned(
        out,
        format!(
            "`order = 2` needs a scalar output (`f32`, `f64` or a `T: Real`), and `{name}` returns `{}`: \
             a Hessian is defined for scalar functions only; remove `order = 2`, or differentiate a scalar \
             function of this output (for example its sum)",
            quote::ToTokens::to_token_stream(out)
        ),
    ))
}

/// The indices of the differentiated parameters (as the first-order pipeline decides them).
fn wrt_set(args: &Args, sig: &Sig) -> Vec<usize> {
    match &args.wrt {
        None => (0..sig.params.len())
            .filter(|k| sig.params[*k].diff)
            .collect(),
        Some(names) => names
            .iter()
            .filter_map(|n| sig.params.iter().position(|p| p.ident == *n))
            .collect(),
    }
}

/// Everything `order = 2` adds for `item` (as written, before any other rewriting), or the stub
/// when `order = 2` is not asked for.
pub fn expand(args: &Args, item: &syn::ItemFn) -> syn::Result<TokenStream> {
    let mut analysed = item.clone();
    let sig = sig::analyse(&mut analysed.sig)?;
    if !args.order2 {
        return Ok(stub(&item.vis, &item.sig.ident, &sig, &copied_attrs(item)));
    }
    let name = &item.sig.ident;
    let scalar = scalar_of(&sig.output, name)?;
    let wrt = wrt_set(args, &sig);
    for k in &wrt {
        let p = &sig.params[*k];
        if p.ident != "self" && !rewrite::mentions(&p.ty, &scalar.ident().to_string()) {
            return Err(syn::Error::new(
                p.span,
                format!(
                    "`order = 2` runs this function at dual numbers, so the type of `{}` must be built on the \
                     scalar type `{}`; for a struct, make it generic (`struct Model<T: Real>` with \
                     `#[derive(Differentiable)]`) and take `&Model<{}>`",
                    p.ident,
                    scalar.ident(),
                    scalar.ident()
                ),
            ));
        }
    }
    // The generic companion, under the second-order naming scheme.
    let mut generic = item.clone();
    let s = match &scalar {
        Scalar::Concrete(f) => {
            rewrite::generalize(&mut generic, &f.to_string());
            let inactive: Vec<Ident> = (0..sig.params.len())
                .filter(|k| !wrt.contains(k))
                .map(|k| sig.params[k].ident.clone())
                .collect();
            let s = rewrite::scalar_ident();
            lift::lift_constants(&mut generic, &s, &f.to_string(), &inactive);
            s
        }
        Scalar::Generic(t) => t.clone(),
    };
    rewrite::value_comparisons(&mut generic);
    // The companion only ever runs at dual numbers; saying so lets it call custom `hvp` rules.
    generic
        .sig
        .generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(#s: ::autodiff::__private::Order2Dual));
    // A concrete `f32`/`f64` function may use nalgebra matrices and `ops`, directly or through a
    // struct's fields, so its companion runs their arithmetic at dual numbers. (A generic function
    // carries the user's own bound, `T: MatrixScalar`, when it uses matrices; adding it to every
    // generic function would make `T::zero()` ambiguous with `num_traits::Zero`.)
    if matches!(scalar, Scalar::Concrete(_)) {
        require_matrix_scalar(&mut generic, &s);
    }
    let mut o2_args = args.clone();
    o2_args.order2 = false;
    let companion = naming::with_order2(|| crate::expand::items(&o2_args, generic, true))?;
    let mut companion = hide(companion)?;
    // An associated function without a receiver cannot reach a sibling item by its bare name
    // inside an `impl`, and a free function cannot say `Self::`; the attribute cannot tell which
    // it is on. A function that names neither `self` nor `Self` therefore gets its hidden gradient
    // as an item local to `NAME_hvp` and `NAME_hessian`, which both reach by the bare name.
    let mut local_grad = TokenStream::new();
    let receiver = sig.params.first().is_some_and(|p| p.ident == "self");
    if !receiver && !names_self(item) {
        let grad_name = naming::order2_grad(name);
        companion.retain(|it| match it {
            syn::Item::Fn(f) if f.sig.ident == grad_name => {
                local_grad.extend(quote! { #f });
                false
            }
            _ => true,
        });
    }
    let public = emit::public_items(item, &sig, &scalar, &wrt, &local_grad);
    Ok(quote! { #(#companion)* #public })
}

/// Whether the function's signature or body mentions `Self` (it is then inside an `impl`).
fn names_self(item: &syn::ItemFn) -> bool {
    fn scan(ts: TokenStream) -> bool {
        ts.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "Self",
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            _ => false,
        })
    }
    scan(quote! { #item })
}

/// `#[doc(hidden)]` on every generated function.
fn hide(ts: TokenStream) -> syn::Result<Vec<syn::Item>> {
    let file: syn::File = syn::parse2(ts)?;
    Ok(file
        .items
        .into_iter()
        .map(|mut it| {
            if let syn::Item::Fn(f) = &mut it {
                f.attrs.retain(|a| !a.path().is_ident("doc"));
                f.attrs.insert(0, syn::parse_quote!(#[doc(hidden)]));
            }
            it
        })
        .collect())
}

pub fn copied_attrs(item: &syn::ItemFn) -> Vec<syn::Attribute> {
    item.attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
        .cloned()
        .collect()
}

/// The stub standing in for the second-order companion of a function without second order: any
/// call fails on the bound `NotOrder2`, whose message says to add `order = 2`.
pub fn stub(
    vis: &syn::Visibility,
    name: &Ident,
    sig: &Sig,
    attrs: &[syn::Attribute],
) -> TokenStream {
    let rt = quote! { ::autodiff::__private };
    let stub_name = naming::order2_companion(name);
    let mut receiver = TokenStream::new();
    let mut tys = Vec::new();
    let mut params = Vec::new();
    for (k, p) in sig.params.iter().enumerate() {
        if p.ident == "self" {
            receiver = if p.is_ref {
                quote! { &self, }
            } else {
                quote! { self, }
            };
            continue;
        }
        let t = format_ident!("__A{}", k);
        let a = format_ident!("__a{}", k);
        params.push(quote! { #a: #t });
        tys.push(t);
    }
    quote! {
        #[doc(hidden)]
        #(#attrs)*
        #[allow(dead_code, unused_variables, clippy::all)]
        #vis fn #stub_name<#(#tys,)* __R>(#receiver #(#params),*) -> (__R, fn(__R) -> __R)
        where (__R, #(#tys,)*): #rt::NotOrder2
        {
            ::core::unreachable!()
        }
    }
}

/// Adds `S: MatrixScalar` to the generalised function, so its nalgebra arithmetic runs at dual
/// numbers.
pub(crate) fn require_matrix_scalar(generic: &mut syn::ItemFn, s: &syn::Ident) {
    generic
        .sig
        .generics
        .make_where_clause()
        .predicates
        .push(syn::parse_quote!(#s: ::autodiff::matrix::MatrixScalar));
}
