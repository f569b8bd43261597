//! The function signature: parameters, which are differentiated, and named lifetimes.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, Ident, Lifetime, Pat, Type};

/// One parameter.
pub struct Param {
    pub ident: Ident,
    /// The type with every elided lifetime named.
    pub ty: Type,
    /// `&T` (the value is borrowed, so the reverse sweep can read it without a copy).
    pub is_ref: bool,
    /// Differentiated by default (by spelling, and not `#[no_grad]`).
    pub diff: bool,
    /// Bound with `mut` (`mut x: f64`, `mut self`).
    pub mutable: bool,
    pub span: Span,
}

/// The analysed signature.
pub struct Sig {
    pub params: Vec<Param>,
    /// Generated lifetimes (for elided ones), to add to the generics.
    pub new_lifetimes: Vec<Lifetime>,
    /// The signature's inputs with named lifetimes and our attributes removed (the receiver too).
    pub inputs: Vec<TokenStream>,
    pub output: Type,
}

struct NameLifetimes {
    new: Vec<Lifetime>,
}

impl NameLifetimes {
    fn fresh(&mut self, span: Span) -> Lifetime {
        let l = Lifetime::new(&format!("'__ad{}", self.new.len()), span);
        self.new.push(l.clone());
        l
    }
}

impl VisitMut for NameLifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.fresh(r.and_token.span));
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.fresh(l.span());
        }
    }
}

/// Integer, `bool`, `char` and string types (and references, slices, arrays, `Vec`s, `Option`s
/// and ranges of them, `RangeFull`) carry no derivative.
pub fn is_nondiff_spelling(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_nondiff_spelling(&r.elem),
        Type::Slice(s) => is_nondiff_spelling(&s.elem),
        Type::Array(a) => is_nondiff_spelling(&a.elem),
        Type::Paren(p) => is_nondiff_spelling(&p.elem),
        Type::Group(g) => is_nondiff_spelling(&g.elem),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            if name == "RangeFull" {
                return true;
            }
            // containers and ranges of integers: `Vec<usize>`, `Option<usize>`, `Range<usize>`
            if matches!(
                name.as_str(),
                "Vec"
                    | "Option"
                    | "Range"
                    | "RangeFrom"
                    | "RangeTo"
                    | "RangeInclusive"
                    | "RangeToInclusive"
            ) {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                        return is_nondiff_spelling(t);
                    }
                }
                return false;
            }
            p.path.segments.len() == 1
                && matches!(
                    name.as_str(),
                    "i8" | "i16"
                        | "i32"
                        | "i64"
                        | "i128"
                        | "isize"
                        | "u8"
                        | "u16"
                        | "u32"
                        | "u64"
                        | "u128"
                        | "usize"
                        | "bool"
                        | "char"
                        | "str"
                        | "String"
                )
        }
        Type::Tuple(t) => t.elems.is_empty(),
        _ => false,
    }
}

fn take_no_grad(attrs: &mut Vec<syn::Attribute>) -> bool {
    let before = attrs.len();
    attrs.retain(|a| !a.path().is_ident("no_grad"));
    attrs.len() != before
}

/// Analyses the signature (and removes `#[no_grad]` from it).
pub fn analyse(sig: &mut syn::Signature) -> syn::Result<Sig> {
    if let Some(a) = &sig.asyncness {
        return Err(syn::Error::new(
            a.span(),
            "`async fn` cannot be #[differentiable]; differentiate a synchronous helper it calls",
        ));
    }
    if let Some(u) = &sig.unsafety {
        return Err(syn::Error::new(
            u.span(),
            "`unsafe fn` cannot be #[differentiable]; differentiate a safe wrapper",
        ));
    }
    if let Some(v) = &sig.variadic {
        return Err(syn::Error::new(
            v.span(),
            "variadic functions cannot be #[differentiable]",
        ));
    }
    let output = match &sig.output {
        syn::ReturnType::Type(_, t) => (**t).clone(),
        syn::ReturnType::Default => {
            return Err(syn::Error::new(
                sig.ident.span(),
                "a #[differentiable] function must return the value to differentiate (`-> f64`, `-> (f64, f64)`, ...)",
            ));
        }
    };
    if let Type::Reference(r) = &output {
        return Err(syn::Error::new_spanned(
            r,
            "a #[differentiable] function must return an owned value (`f64`, `Vec<f64>`, `DMatrix<f64>`, a struct); a reference has no cotangent to seed: return a copy (`*x`, `x.to_vec()`, `m.clone()`)",
        ));
    }
    if let Type::ImplTrait(t) = &output {
        return Err(syn::Error::new(
            t.span(),
            "`impl Trait` return types are not supported by #[differentiable]; name the type",
        ));
    }
    let mut namer = NameLifetimes { new: Vec::new() };
    let mut params = Vec::new();
    let mut inputs = Vec::new();
    for arg in sig.inputs.iter_mut() {
        match arg {
            FnArg::Receiver(r) => {
                let no_grad = take_no_grad(&mut r.attrs);
                if r.mutability.is_some() && r.reference.is_some() {
                    return Err(syn::Error::new_spanned(
                        &*r,
                        "`&mut self` methods cannot be #[differentiable]: the gradient needs the inputs unchanged; take `&self`",
                    ));
                }
                let self_tok = r.self_token;
                let ident: Ident = self_tok.into();
                let (ty, is_ref, input) = match &r.reference {
                    Some((and, lt)) => {
                        let lt = match lt {
                            Some(l) if l.ident != "_" => l.clone(),
                            _ => namer.fresh(and.span),
                        };
                        (
                            syn::parse_quote!(&#lt Self),
                            true,
                            quote! { &#lt #self_tok },
                        )
                    }
                    None => {
                        let m = &r.mutability;
                        (syn::parse_quote!(Self), false, quote! { #m #self_tok })
                    }
                };
                inputs.push(input);
                params.push(Param {
                    ident,
                    ty,
                    is_ref,
                    diff: !no_grad,
                    mutable: r.mutability.is_some(),
                    span: self_tok.span,
                });
            }
            FnArg::Typed(pt) => {
                let no_grad = take_no_grad(&mut pt.attrs);
                let (ident, mutable) = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                        (pi.ident.clone(), pi.mutability.is_some())
                    }
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            "a #[differentiable] function's parameters must be plain names (`x: f64`, `mut x: f64`); destructure inside the body",
                        ));
                    }
                };
                if let Type::Reference(r) = &*pt.ty {
                    if let Some(m) = &r.mutability {
                        return Err(syn::Error::new(
                            m.span(),
                            "`&mut` parameters are not supported by #[differentiable]: the gradient needs the inputs unchanged; take the value or `&T` and return the result",
                        ));
                    }
                }
                if let Type::ImplTrait(t) = &*pt.ty {
                    return Err(syn::Error::new(
                        t.span(),
                        "`impl Trait` parameters are not supported by #[differentiable]; use a generic parameter",
                    ));
                }
                let mut ty = (*pt.ty).clone();
                namer.visit_type_mut(&mut ty);
                let is_ref = matches!(ty, Type::Reference(_));
                let diff = !no_grad && !is_nondiff_spelling(&ty);
                let pat = &pt.pat;
                let attrs = &pt.attrs;
                inputs.push(quote! { #(#attrs)* #pat: #ty });
                params.push(Param {
                    ident,
                    ty,
                    is_ref,
                    diff,
                    mutable,
                    span: pt.span(),
                });
            }
        }
    }
    Ok(Sig {
        params,
        new_lifetimes: namer.new,
        inputs,
        output,
    })
}

impl Param {
    /// `<T as Differentiable>::ASSOC` for this parameter's type, spanned at the parameter.
    ///
    /// The trait path carries the parameter's span too: rustc reports an unmet `T:
    /// Differentiable` at the trait path of the projection, so a parameter type that is not
    /// differentiable is reported on the parameter instead of on the attribute.
    pub fn assoc(&self, rt: &TokenStream, assoc: &str) -> TokenStream {
        let ty = &self.ty;
        let span = self.span;
        let a = Ident::new(assoc, span);
        let rt = respan(rt.clone(), span);
        quote::quote_spanned! {span=> <#ty as #rt::Differentiable>::#a }
    }

    /// The parameter's value as the reverse sweep sees it: the reference itself, or a copy kept
    /// before the forward sweep (also of a `mut` reference, which the body may point at another
    /// value: the gradient takes the shape of the argument).
    pub fn place(&self) -> TokenStream {
        if self.is_ref && !self.mutable {
            self.ident.to_token_stream()
        } else {
            crate::naming::keep(&self.ident).to_token_stream()
        }
    }
}

/// `tokens` with every span (also inside groups) set to `span`.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut ng = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                tt = proc_macro2::TokenTree::Group(ng);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// A bound naming the `Real` trait (`Real`, `autodiff::Real`, `::autodiff::Real`).
pub(crate) fn is_real_bound(b: &syn::TypeParamBound) -> bool {
    matches!(b, syn::TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| s.ident == "Real"))
}
