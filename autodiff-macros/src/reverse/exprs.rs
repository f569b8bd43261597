//! Primal expressions of right-hand sides and companion calls, shared with forward mode.

use super::*;

impl RevGen<'_> {
    /// The primal expression of a right-hand side.
    pub fn primal(&self, rhs: &Rhs) -> TokenStream {
        primal(
            rhs,
            &|a| self.atom_fwd(a),
            &|v| self.ident(v).clone(),
            self.rt,
        )
    }

    /// A call of the callee's reverse-mode companion.
    pub(super) fn companion_call(
        &self,
        callee: &Callee,
        args: &[Atom],
        refs: &[bool],
        span: proc_macro2::Span,
    ) -> TokenStream {
        companion_call(
            callee,
            &self.call_argv(args, refs),
            span,
            naming::vjp_companion,
        )
    }

    /// A call's arguments as the forward sweep passes them (`&a` where `refs` says so).
    pub(super) fn call_argv(&self, args: &[Atom], refs: &[bool]) -> Vec<TokenStream> {
        (args.iter().zip(refs))
            .map(|(a, r)| {
                let e = self.atom_fwd(a);
                if *r {
                    quote! { &#e }
                } else {
                    e
                }
            })
            .collect()
    }
}

/// A call of a companion (`make` names it from the callee's name).
pub fn companion_call(
    callee: &Callee,
    argv: &[TokenStream],
    span: proc_macro2::Span,
    make: fn(&Ident) -> Ident,
) -> TokenStream {
    if naming::is_runtime_builtin(callee) {
        return naming::without_order2(|| companion_call_named(callee, argv, span, make));
    }
    companion_call_named(callee, argv, span, make)
}

/// The path of a callee's hint (`naming::pairs_hint`, `naming::fuse_hint`): the call's path
/// with its last segment renamed by `make` and without generic arguments (a hint is a plain
/// `const fn` beside the function).
pub fn hint_path(path: &syn::Path, make: fn(&Ident) -> Ident) -> syn::Path {
    let mut p = path.clone();
    let last = p.segments.last_mut().expect("a path has a segment");
    last.ident = make(&last.ident);
    last.arguments = syn::PathArguments::None;
    p
}

fn companion_call_named(
    callee: &Callee,
    argv: &[TokenStream],
    span: proc_macro2::Span,
    make: fn(&Ident) -> Ident,
) -> TokenStream {
    match callee {
        Callee::Path(p) => {
            let mut p = p.clone();
            let last = p.segments.last_mut().expect("a path has a segment");
            last.ident = make(&last.ident);
            last.ident.set_span(span);
            quote_spanned! {span=> #p(#(#argv),*) }
        }
        Callee::Method(name) => {
            let mut m = make(name);
            m.set_span(name.span());
            let recv = &argv[0];
            let rest = &argv[1..];
            quote_spanned! {span=> #recv.#m(#(#rest),*) }
        }
    }
}

/// The primal expression of a right-hand side, given how to spell atoms and variables.
pub fn primal(
    rhs: &Rhs,
    atom: &dyn Fn(&Atom) -> TokenStream,
    var: &dyn Fn(VarId) -> Ident,
    rt: &TokenStream,
) -> TokenStream {
    match rhs {
        Rhs::Copy(a) => atom(a),
        Rhs::Neg(a) => {
            let a = atom(a);
            quote! { -#a }
        }
        Rhs::Bin(op, a, b) => {
            let (a, b) = (atom(a), atom(b));
            match op {
                BinOp::Add => quote! { #a + #b },
                BinOp::Sub => quote! { #a - #b },
                BinOp::Mul => quote! { #a * #b },
                BinOp::Div => quote! { #a / #b },
                BinOp::Rem => quote! { #a % #b },
            }
        }
        Rhs::Method { name, args } => {
            let recv = atom(&args[0]);
            let rest = args[1..].iter().map(atom);
            quote! { #recv.#name(#(#rest),*) }
        }
        Rhs::Cast { x, ty, via } => {
            let x = atom(x);
            match via {
                CastVia::As => quote! { #x as #ty },
                CastVia::Assoc(name) => quote! { <#ty>::#name(#x) },
                CastVia::Method(name) => quote! { #x.#name() },
            }
        }
        Rhs::Ref(a) => {
            let a = atom(a);
            quote! { &#a }
        }
        Rhs::Clone { x, method } => {
            let x = atom(x);
            quote! { #x.#method() }
        }
        Rhs::Index { base, idx, by_ref } => {
            let (b, i) = (var(*base), atom(idx));
            if *by_ref {
                quote! { &#b[#i] }
            } else {
                quote! { #b[#i] }
            }
        }
        Rhs::Field {
            base,
            member,
            by_ref,
        } => {
            let b = atom(base);
            if *by_ref {
                quote! { &#b.#member }
            } else {
                quote! { #b.#member }
            }
        }
        Rhs::Tuple(xs) => {
            let xs = xs.iter().map(atom);
            quote! { (#(#xs,)*) }
        }
        Rhs::Array(xs) => {
            let xs = xs.iter().map(atom);
            quote! { [#(#xs),*] }
        }
        Rhs::Struct { path, fields, rest } => {
            let fs = fields.iter().map(|(f, a, _)| {
                let a = atom(a);
                quote! { #f: #a }
            });
            let r = rest.as_ref().map(|r| {
                let r = atom(r);
                quote! { ..#r }
            });
            quote! { #path { #(#fs,)* #r } }
        }
        Rhs::VecLit(xs) => {
            let xs = xs.iter().map(atom);
            quote! { ::std::vec![#(#xs),*] }
        }
        Rhs::Repeat { elem, len, vec } => {
            let e = atom(elem);
            if *vec {
                quote! { ::std::vec![#e; #len] }
            } else {
                quote! { [#e; #len] }
            }
        }
        Rhs::Sum { base, .. } => {
            let b = var(*base);
            quote! { #rt::sum_of(&#b[..]) }
        }
        Rhs::Call {
            callee,
            args,
            refs,
            span,
            ..
        } => {
            let argv: Vec<TokenStream> = args
                .iter()
                .zip(refs)
                .map(|(a, r)| {
                    let e = atom(a);
                    if *r {
                        quote! { &#e }
                    } else {
                        e
                    }
                })
                .collect();
            match callee {
                Callee::Path(p) => quote_spanned! {*span=> #p(#(#argv),*) },
                Callee::Method(name) if naming::is_block_read(name) => {
                    // a block of a matrix that is not differentiated, owned like the blocks
                    // the companions return (`r.dot(&v.row(i))` meets an owned `r`)
                    let recv = &argv[0];
                    let rest = &argv[1..];
                    quote_spanned! {*span=> {
                        #[allow(unused_imports)]
                        use #rt::{MatrixBlock as _, OtherBlock as _};
                        (&&#rt::BlockProbe::new(#recv.#name(#(#rest),*))).owned_block()
                    } }
                }
                Callee::Method(name) => {
                    let recv = &argv[0];
                    let rest = &argv[1..];
                    quote_spanned! {*span=> #recv.#name(#(#rest),*) }
                }
            }
        }
        Rhs::Opaque(t) => t.clone(),
    }
}
