//! `for` loops over the windows and chunks of a slice: `v.windows(k)`, `v.chunks(k)`,
//! `v.chunks_exact(k)`, `v.rchunks(k)`, `v.rchunks_exact(k)`, each optionally followed by
//! `.enumerate()`.
//!
//! Each part is a range of `v`, so the loop is written as a loop over part numbers that borrows
//! the part as a range (`&v[a..b]`, whose adjoint the lowering adds back at its offset):
//!
//! ```text
//! for w in v.windows(k) { body }
//! =>
//! { let k_: usize = k; assert!(k_ != 0, "window size must be non-zero");
//!   let n_ = (v.len() + 1).saturating_sub(k_);
//!   for i_ in 0..n_ { let w = &v[i_..i_ + k_]; body } }
//! ```
//!
//! Chunks are `&v[c·k..min(c·k + k, len)]` for `c < ⌈len / k⌉` (the last one shorter);
//! exact chunks `&v[c·k..c·k + k]` for `c < ⌊len / k⌋` (the remainder is not visited, as in
//! `std`); `rchunks` and `rchunks_exact` the same counted from the end
//! (`&v[len - c·k - k..len - c·k]`, the last `rchunks` part starting at 0). `k` is evaluated once, before the loop, and a zero `k` panics with `std`'s message.
//!
//! The rewrite is exact: while the loop runs, `v` is borrowed by the iterator in the function as
//! written (which is compiled too), so the body cannot change `v` or its length.

use super::*;

/// The slice views a `for` loop can go over (by method name).
pub(crate) const LOOP_VIEWS: [&str; 5] = [
    "windows",
    "chunks",
    "chunks_exact",
    "rchunks",
    "rchunks_exact",
];

/// The slice views a `for` loop can go over.
#[derive(Clone, Copy)]
enum View {
    Windows,
    Chunks,
    ChunksExact,
    RChunks,
    RChunksExact,
}

/// `for PAT in R.VIEW(K)` or `for (I, PAT) in R.VIEW(K).enumerate()` with `R` a variable
/// (possibly borrowed, `&v`): the same loop over part numbers, as a block to lower in its place.
/// `None` when the loop has another shape.
pub(super) fn desugar(f: &syn::ExprForLoop) -> Option<Expr> {
    let mut e = peel(&f.expr);
    let mut index_pat = None;
    let mut part_pat = (*f.pat).clone();
    if let Expr::MethodCall(mc) = e {
        if mc.method == "enumerate" && mc.args.is_empty() {
            let Pat::Tuple(t) = &*f.pat else { return None };
            if t.elems.len() != 2 {
                return None;
            }
            index_pat = Some(t.elems[0].clone());
            part_pat = t.elems[1].clone();
            e = peel(&mc.receiver);
        }
    }
    let Expr::MethodCall(mc) = e else { return None };
    let view = match mc.method.to_string().as_str() {
        "windows" => View::Windows,
        "chunks" => View::Chunks,
        "chunks_exact" => View::ChunksExact,
        "rchunks" => View::RChunks,
        "rchunks_exact" => View::RChunksExact,
        _ => return None,
    };
    if mc.args.len() != 1 || mc.turbofish.is_some() {
        return None;
    }
    let Expr::Path(p) = peel(&mc.receiver) else {
        return None;
    };
    if p.qself.is_some() || p.path.get_ident().is_none() {
        return None;
    }
    let v = &p.path;
    let k = &mc.args[0];
    let span = mc.method.span();
    let k_ = syn::Ident::new("__autodiff_view_k", span);
    let n_ = syn::Ident::new("__autodiff_view_n", span);
    let i_ = syn::Ident::new("__autodiff_view_i", span);
    let (zero_msg, count, part): (&str, Expr, Expr) = match view {
        View::Windows => (
            "window size must be non-zero",
            syn::parse_quote! { (#v.len() + 1).saturating_sub(#k_) },
            syn::parse_quote! { &#v[#i_..#i_ + #k_] },
        ),
        View::Chunks => (
            "chunk size must be non-zero",
            syn::parse_quote! { #v.len().div_ceil(#k_) },
            syn::parse_quote! { &#v[#i_ * #k_..::core::cmp::min(#i_ * #k_ + #k_, #v.len())] },
        ),
        View::ChunksExact => (
            "chunk size must be non-zero",
            syn::parse_quote! { #v.len() / #k_ },
            syn::parse_quote! { &#v[#i_ * #k_..#i_ * #k_ + #k_] },
        ),
        View::RChunks => (
            "chunk size must be non-zero",
            syn::parse_quote! { #v.len().div_ceil(#k_) },
            syn::parse_quote! { &#v[#v.len().saturating_sub(#i_ * #k_ + #k_)..#v.len() - #i_ * #k_] },
        ),
        View::RChunksExact => (
            "chunk size must be non-zero",
            syn::parse_quote! { #v.len() / #k_ },
            syn::parse_quote! { &#v[#v.len() - #i_ * #k_ - #k_..#v.len() - #i_ * #k_] },
        ),
    };
    let index_let: Option<syn::Stmt> = index_pat.map(|ip| syn::parse_quote! { let #ip = #i_; });
    let label = &f.label;
    let body = &f.body.stmts;
    Some(syn::parse_quote! {{
        let #k_: usize = #k;
        ::core::assert!(#k_ != 0, #zero_msg);
        let #n_: usize = #count;
        #label for #i_ in 0..#n_ {
            #index_let
            let #part_pat = #part;
            #(#body)*
        }
    }})
}
