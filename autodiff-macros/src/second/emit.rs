//! `NAME_hvp` and `NAME_hessian`: the second-order companion's gradient run at dual numbers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};

use super::Scalar;
use super::rewrite::mentions;
use crate::naming;
use crate::sig::{Param, Sig};

fn rt() -> TokenStream {
    quote! { ::autodiff::__private }
}

fn direction_name(p: &Param) -> Ident {
    let base = if p.ident == "self" {
        "self".to_string()
    } else {
        p.ident.to_string()
    };
    format_ident!("{}_direction", base, span = Span::mixed_site())
}

fn local(name: &str, k: usize) -> Ident {
    Ident::new(&format!("__{name}{k}"), Span::mixed_site())
}

/// What the items share: signature pieces and how the companion is called.
struct Gen<'a> {
    item: &'a syn::ItemFn,
    sig: &'a Sig,
    scalar: &'a Scalar,
    wrt: &'a [usize],
    /// The hidden gradient as an item local to each body, for a function without a receiver
    /// that does not name `Self` (empty when it is a sibling item).
    local_grad: &'a TokenStream,
}

impl Gen<'_> {
    fn ty_as(&self, p: &Param) -> TokenStream {
        let (ty, rt) = (&p.ty, rt());
        quote_spanned! {p.span=> <#ty as #rt::SecondOrder> }
    }

    /// Whether a parameter is passed to the companion as a dual value.
    fn lifted(&self, k: usize) -> bool {
        let p = &self.sig.params[k];
        self.wrt.contains(&k)
            || p.ident == "self"
            || mentions(&p.ty, &self.scalar.ident().to_string())
    }

    /// `let (__y, __g) = companion_grad(lifted args);`, directions read from `dir(j)` for the
    /// `j`-th wrt parameter; pass-through arguments cloned when `clone_plain`.
    fn sweep(&self, dir: &dyn Fn(usize) -> TokenStream, clone_plain: bool) -> TokenStream {
        let mut lets = TokenStream::new();
        let mut argv = Vec::new();
        for (k, p) in self.sig.params.iter().enumerate() {
            let i = &p.ident;
            let arg = if let Some(j) = self.wrt.iter().position(|w| *w == k) {
                let (l, ta, d) = (local("l", k), self.ty_as(p), dir(j));
                lets.extend(quote! { let #l = #ta::lift(&#i, &#d); });
                if p.is_ref {
                    quote! { &#l }
                } else {
                    quote! { #l }
                }
            } else if self.lifted(k) {
                let (l, ta) = (local("l", k), self.ty_as(p));
                lets.extend(quote! { let #l = #ta::lift_const(&#i); });
                if p.is_ref {
                    quote! { &#l }
                } else {
                    quote! { #l }
                }
            } else if clone_plain && !p.is_ref {
                quote! { ::core::clone::Clone::clone(&#i) }
            } else {
                quote! { #i }
            };
            argv.push(arg);
        }
        let f = naming::order2_grad(&self.item.sig.ident);
        let call = if self.sig.params.first().is_some_and(|p| p.ident == "self") {
            let recv = &argv[0];
            let rest = &argv[1..];
            quote! { (#recv).#f(#(#rest),*) }
        } else {
            quote! { #f(#(#argv),*) }
        };
        let (y, g) = (naming::fixed("__y"), naming::fixed("__g"));
        let local_grad = self.local_grad;
        quote! { #local_grad #lets let (#y, #g) = #call; }
    }

    /// `let (__g0, __h0) = split(__g.0); ..`
    fn splits(&self) -> TokenStream {
        let g = naming::fixed("__g");
        self.wrt
            .iter()
            .enumerate()
            .map(|(j, k)| {
                let ta = self.ty_as(&self.sig.params[*k]);
                let part = if self.wrt.len() == 1 {
                    quote! { #g }
                } else {
                    let i = syn::Index::from(j);
                    quote! { #g.#i }
                };
                let (gj, hj) = (local("g", j), local("h", j));
                quote! { let (#gj, #hj) = #ta::split(#part); }
            })
            .collect()
    }

    fn tuple(&self, name: &str) -> TokenStream {
        let parts: Vec<Ident> = (0..self.wrt.len()).map(|j| local(name, j)).collect();
        if parts.len() == 1 {
            parts[0].to_token_stream()
        } else {
            quote! { (#(#parts),*) }
        }
    }

    fn grad_type(&self) -> TokenStream {
        let rt = rt();
        let tys: Vec<TokenStream> = self
            .wrt
            .iter()
            .map(|k| self.sig.params[*k].assoc(&rt, "Grad"))
            .collect();
        if tys.len() == 1 {
            tys[0].clone()
        } else {
            quote! { (#(#tys),*) }
        }
    }

    /// Generics with the signature's generated lifetimes, and the where clause with the scalar's
    /// second-order bound.
    fn generics(&self) -> (TokenStream, TokenStream) {
        let mut g = self.item.sig.generics.clone();
        for (i, l) in self.sig.new_lifetimes.iter().enumerate() {
            g.params.insert(
                i,
                syn::GenericParam::Lifetime(syn::LifetimeParam::new(l.clone())),
            );
        }
        let (params, _, wh) = g.split_for_impl();
        let mut preds: Vec<TokenStream> = wh
            .map(|w| w.predicates.iter().map(|p| p.to_token_stream()).collect())
            .unwrap_or_default();
        if let Scalar::Generic(t) = self.scalar {
            let rt = rt();
            preds.push(quote! { #t: #rt::Order2Scalar });
        }
        (params.to_token_stream(), quote! { where #(#preds),* })
    }
}

/// `NAME_hvp` and `NAME_hessian`.
pub fn public_items(
    item: &syn::ItemFn,
    sig: &Sig,
    scalar: &Scalar,
    wrt: &[usize],
    local_grad: &TokenStream,
) -> TokenStream {
    let g = Gen {
        item,
        sig,
        scalar,
        wrt,
        local_grad,
    };
    let rt = rt();
    let name = &item.sig.ident;
    let vis = &item.vis;
    let attrs = super::copied_attrs(item);
    let out = &sig.output;
    let inputs = &sig.inputs;
    let (generics, wh) = g.generics();
    let gt = g.grad_type();
    let s = scalar.ident();
    let allow = quote! {
        #[allow(dead_code, unused_mut, unused_variables, non_snake_case, clippy::all, clippy::pedantic)]
    };
    let y = naming::fixed("__y");
    let splits = g.splits();
    let (grads, hvs) = (g.tuple("g"), g.tuple("h"));

    // NAME_hvp
    let dirs: Vec<Ident> = wrt
        .iter()
        .map(|k| direction_name(&sig.params[*k]))
        .collect();
    let dir_params: Vec<TokenStream> = wrt
        .iter()
        .zip(&dirs)
        .map(|(k, d)| {
            let t = sig.params[*k].assoc(&rt, "Grad");
            quote! { #d: #t }
        })
        .collect();
    let sweep = g.sweep(&|j| dirs[j].to_token_stream(), false);
    let hvp_name = naming::public(name, "hvp");
    let hvp_doc = format!(
        " Value, gradient and Hessian-vector product `H·v` of [`{name}`], generated by \
         `#[differentiable(order = 2)]`.\n\n Takes one direction per differentiated parameter, in \
         order, each of that parameter's gradient type; `H·v` has the gradient's shape. Exact \
         (forward over reverse at dual numbers, no finite differences)."
    );

    // NAME_hessian
    let counts: Vec<TokenStream> = wrt
        .iter()
        .map(|k| {
            let p = &sig.params[*k];
            let (ta, i) = (g.ty_as(p), &p.ident);
            quote! { #ta::count(&#i) }
        })
        .collect();
    let n = naming::fixed("__n");
    let j = naming::fixed("__j");
    let off = naming::fixed("__off");
    let basis: TokenStream = wrt
        .iter()
        .enumerate()
        .map(|(jj, k)| {
            let p = &sig.params[*k];
            let (ta, i, d) = (g.ty_as(p), &p.ident, local("v", jj));
            let cnt = &counts[jj];
            quote! {
                let #d = #ta::basis(&#i, #j.wrapping_sub(#off));
                #off += #cnt;
            }
        })
        .collect();
    let hsweep = g.sweep(&|jj| local("v", jj).to_token_stream(), true);
    let col = naming::fixed("__col");
    let flat: TokenStream = wrt
        .iter()
        .enumerate()
        .map(|(jj, k)| {
            let ta = g.ty_as(&sig.params[*k]);
            let h = local("h", jj);
            quote! { #ta::flatten(&#h, &mut #col); }
        })
        .collect();
    let hess_name = naming::public(name, "hessian");
    let hess_doc = format!(
        " Value, gradient and dense Hessian of [`{name}`], generated by \
         `#[differentiable(order = 2)]`.\n\n The Hessian is over every differentiated parameter \
         flattened in `Parameters` order (scalars in parameter order; slices, `Vec`s and arrays \
         element by element; derived structs field by field): `n` Hessian-vector products with \
         unit directions, symmetrized (`(H + Hᵀ)/2`, which for a twice continuously differentiable \
         function changes only rounding)."
    );
    quote! {
        #[doc = #hvp_doc]
        #(#attrs)* #allow
        #vis fn #hvp_name #generics (#(#inputs,)* #(#dir_params),*) -> (#out, #gt, #gt) #wh {
            #sweep
            #splits
            (#rt::dual_value(#y), #grads, #hvs)
        }

        #[doc = #hess_doc]
        #(#attrs)* #allow
        #vis fn #hess_name #generics (#(#inputs),*) -> (#out, #gt, ::autodiff::nalgebra::DMatrix<#s>) #wh {
            let #n: usize = 0 #(+ #counts)*;
            let mut __hess: ::std::vec::Vec<#s> = ::std::vec![<#s as #rt::Real>::zero(); #n * #n];
            let mut #col: ::std::vec::Vec<#s> = ::std::vec::Vec::with_capacity(#n);
            let mut __first = ::core::option::Option::None;
            // One sweep per unit direction (at least one, for the value and gradient).
            for #j in 0..#n.max(1) {
                let mut #off = 0usize;
                #basis
                #hsweep
                #splits
                if #j < #n {
                    #flat
                    #rt::put_column(&mut __hess, #n, #j, &#col);
                    #col.clear();
                }
                if __first.is_none() {
                    __first = ::core::option::Option::Some((#rt::dual_value(#y), #grads));
                }
            }
            let (__value, __grad) = __first.expect("at least one sweep");
            let mut __hess = ::autodiff::nalgebra::DMatrix::from_vec(#n, #n, __hess);
            for __r in 0..#n {
                for __c in 0..__r {
                    let __m = (__hess[(__r, __c)] + __hess[(__c, __r)]) * <#s as #rt::Real>::from_f64(0.5);
                    __hess[(__r, __c)] = __m;
                    __hess[(__c, __r)] = __m;
                }
            }
            (__value, __grad, __hess)
        }
    }
}
