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
//! The rewrite is exact: while the loop runs, the slice is borrowed by the iterator in the
//! function as written (which is compiled too), so the body cannot change its elements or its
//! length; a body that points a reference variable `v` at another slice gets the parts of
//! `&v[..]` borrowed before the loop.

use syn::visit_mut::VisitMut;

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
/// `None` when the loop has another shape; an error for a part bound other than by a plain name
/// or `_` (a `mut` part, which the body could move to another slice).
///
/// `depth` (the number of loops around this one) makes the names of the loop's own variables
/// (`__autodiff_view{depth}_i`, ...) distinct from those of a view loop it is nested in, whose
/// rewritten reads (`v[__autodiff_view0_i + c]`) its body holds.
/// `is_var` tells a variable of the function from a constant or static (whose parts need no
/// rewrite: they are constants, and the loop is lowered as any iterator of constants).
pub(super) fn desugar(
    f: &syn::ExprForLoop,
    depth: usize,
    is_var: impl Fn(&Expr) -> bool,
) -> Option<Result<Expr, syn::Error>> {
    let (e, index_pat, part_pat) = split_enumerate(f)?;
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
    if p.qself.is_some() || p.path.get_ident().is_none() || !is_var(&mc.receiver) {
        return None;
    }
    // The loop goes over the slice `v` names when it starts. A body that points a reference
    // variable `v` at another slice (`v = y;`, which the borrow allows) does not change that:
    // the parts are then taken from a range of all of `v` borrowed before the loop.
    let base_name = naming::unraw(p.path.get_ident().expect("checked above"));
    let moved = super::loop_writes::body_may_write(&f.body, &base_name);
    let copy_: syn::Path =
        quote::format_ident!("__autodiff_view{depth}_v", span = mc.method.span()).into();
    let v = if moved { &copy_ } else { &p.path };
    let copy_let: Option<syn::Stmt> = moved.then(|| {
        let orig = &p.path;
        syn::parse_quote! { let #copy_ = &#orig[..]; }
    });
    if !matches!(&part_pat, Pat::Wild(_)) && plain_name(&part_pat).is_none() {
        return Some(Err(syn::Error::new_spanned(
            &part_pat,
            format!(
                "#[differentiable] follows `for` loops over `{}` with the part bound to a plain name or `_`; write `for w in ..` and, where the part must change, `let mut part = w;` in the body",
                mc.method
            ),
        )));
    }
    let k = &mc.args[0];
    let span = mc.method.span();
    let k_ = quote::format_ident!("__autodiff_view{depth}_k", span = span);
    let n_ = quote::format_ident!("__autodiff_view{depth}_n", span = span);
    let i_ = quote::format_ident!("__autodiff_view{depth}_i", span = span);
    let s_ = quote::format_ident!("__autodiff_view{depth}_s", span = span);
    let l_ = quote::format_ident!("__autodiff_view{depth}_len", span = span);
    let windows = matches!(view, View::Windows);
    let zero_msg = if windows {
        "window size must be non-zero"
    } else {
        "chunk size must be non-zero"
    };
    // The number of parts, a part's first element and its end.
    let (count, start, end): (Expr, Expr, Expr) = match view {
        View::Windows => (
            syn::parse_quote! { (#v.len() + 1).saturating_sub(#k_) },
            syn::parse_quote! { #i_ },
            syn::parse_quote! { #i_ + #k_ },
        ),
        View::Chunks => (
            syn::parse_quote! { #v.len().div_ceil(#k_) },
            syn::parse_quote! { #i_ * #k_ },
            syn::parse_quote! { ::core::cmp::min(#i_ * #k_ + #k_, #v.len()) },
        ),
        View::ChunksExact => (
            syn::parse_quote! { #v.len() / #k_ },
            syn::parse_quote! { #i_ * #k_ },
            syn::parse_quote! { #i_ * #k_ + #k_ },
        ),
        View::RChunks => (
            syn::parse_quote! { #v.len().div_ceil(#k_) },
            syn::parse_quote! { #v.len().saturating_sub(#i_ * #k_ + #k_) },
            syn::parse_quote! { #v.len() - #i_ * #k_ },
        ),
        View::RChunksExact => (
            syn::parse_quote! { #v.len() / #k_ },
            syn::parse_quote! { #v.len() - #i_ * #k_ - #k_ },
            syn::parse_quote! { #v.len() - #i_ * #k_ },
        ),
    };
    let mut body = f.body.stmts.clone();
    // Windows start at the part number itself (so `w[c]` reads `v[i + c]`, a loop-affine index);
    // the other parts at a `let` of the trip.
    let (first, len): (Expr, Expr) = if windows {
        (syn::parse_quote! { #i_ }, syn::parse_quote! { #k_ })
    } else {
        (syn::parse_quote! { #s_ }, syn::parse_quote! { #l_ })
    };
    let fixed_len = match view {
        View::Windows | View::ChunksExact | View::RChunksExact => int_literal(k),
        View::Chunks | View::RChunks => None,
    };
    let index_names: Vec<String> = index_pat
        .as_ref()
        .map(super::opaque::pat_idents)
        .unwrap_or_default();
    if let Some(part) = plain_name(&part_pat) {
        let base = naming::unraw(v.get_ident().expect("a variable"));
        if part != base && !index_names.contains(&base) && !rebinds(&body, &[&part, &base]) {
            let mut reads = PartReads {
                part: &part,
                base: v,
                first: &first,
                len: &len,
                fixed_len,
                depth,
                loops: 0,
                below_len: Vec::new(),
            };
            for st in &mut body {
                reads.visit_stmt_mut(st);
            }
        }
    }
    let part: Expr = if windows {
        syn::parse_quote! { &#v[#start..#end] }
    } else {
        syn::parse_quote! { &#v[#s_..#s_ + #l_] }
    };
    // A part no longer named in the body (every use rewritten) is not bound.
    let part_let: Option<syn::Stmt> = match plain_name(&part_pat) {
        Some(name) if !names_any(&body, &[&name]) => None,
        _ => Some(syn::parse_quote! { let #part_pat = #part; }),
    };
    let index_let: Option<syn::Stmt> = index_pat.map(|ip| syn::parse_quote! { let #ip = #i_; });
    let label = &f.label;
    let bounds: Vec<syn::Stmt> = if windows {
        Vec::new()
    } else {
        vec![
            syn::parse_quote! { let #s_: usize = #start; },
            syn::parse_quote! { let #l_: usize = #end - #s_; },
        ]
    };
    Some(Ok(syn::parse_quote! {{
        #copy_let
        let #k_: usize = #k;
        ::core::assert!(#k_ != 0, #zero_msg);
        let #n_: usize = #count;
        #label for #i_ in 0..#n_ {
            #(#bounds)*
            #part_let
            #index_let
            #(#body)*
        }
    }}))
}

/// `for P in e.enumerate()` with `P` a pair `(k, p)`: `(e, Some(k), p)`; a loop over any other
/// iterator `e`: `(e, None, P)`. `None` when `.enumerate()`'s items are bound whole.
fn split_enumerate(f: &syn::ExprForLoop) -> Option<(&Expr, Option<Pat>, Pat)> {
    let e = peel(&f.expr);
    match e {
        Expr::MethodCall(mc) if mc.method == "enumerate" && mc.args.is_empty() => {
            let Pat::Tuple(t) = &*f.pat else { return None };
            (t.elems.len() == 2).then(|| {
                let (k, p) = (t.elems[0].clone(), t.elems[1].clone());
                (peel(&mc.receiver), Some(k), p)
            })
        }
        _ => Some((e, None, (*f.pat).clone())),
    }
}

/// The value of an integer literal (`3`, `(3)`, `3usize`).
fn int_literal(e: &Expr) -> Option<usize> {
    naming::int_literal(peel(e))
}

/// The name a pattern binds when it is a plain name (no `mut`, `ref` or subpattern): a part
/// bound so is the same slice for the whole trip.
fn plain_name(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) if i.mutability.is_none() && i.by_ref.is_none() && i.subpat.is_none() => {
            Some(naming::unraw(&i.ident))
        }
        _ => None,
    }
}

/// Whether the body binds one of `names` anywhere (a `let`, a pattern of a `for`, `match` or
/// `if let`), or names one inside a macro (which may bind it, or reads it as written). Items
/// are not looked into (they cannot see the loop's locals).
fn rebinds(body: &[syn::Stmt], names: &[&str]) -> bool {
    struct Finder<'a> {
        names: &'a [&'a str],
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.found |= self.names.contains(&naming::unraw(&p.ident).as_str());
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.found |= mentions(m.tokens.clone(), self.names);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Finder {
        names,
        found: false,
    };
    for st in body {
        syn::visit::Visit::visit_stmt(&mut f, st);
    }
    f.found
}

/// Whether a token of `ts` is one of `names` (also inside a string literal: a format string
/// naming a variable inline, `"{w:?}"`).
fn mentions(ts: proc_macro2::TokenStream, names: &[&str]) -> bool {
    ts.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => names.contains(&naming::unraw(&i).as_str()),
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), names),
        proc_macro2::TokenTree::Literal(l) => {
            let s = l.to_string();
            names.iter().any(|n| s.contains(n))
        }
        proc_macro2::TokenTree::Punct(_) => false,
    })
}

/// Whether the body names one of `names` anywhere.
fn names_any(body: &[syn::Stmt], names: &[&str]) -> bool {
    mentions(quote::quote! { #(#body)* }, names)
}

/// Element reads of the part, `w[e]`, rewritten as reads of the slice it is a part of,
/// `v[first + e]`: the element's adjoint then goes straight to `v`'s (a read through the part
/// would give the part an adjoint of its own per trip, added into `v`'s at its offset). A
/// literal below a literal part length is in bounds as written; any other index is checked
/// against the part's length first (`ops::view_index`, which panics as `w[e]` would).
struct PartReads<'a> {
    part: &'a str,
    base: &'a syn::Path,
    first: &'a Expr,
    len: &'a Expr,
    fixed_len: Option<usize>,
    /// The view loop's nesting depth and the loops over the part rewritten so far (for the
    /// names of their element numbers).
    depth: usize,
    loops: usize,
    /// Names of enclosing loops' indices known to be below the part's length
    /// (`for j in a..w.len()`, `j` not rebound in the body): `w[j]` needs no check.
    below_len: Vec<String>,
}

impl PartReads<'_> {
    /// `for P in w.iter() { body }` (or `w`, `&w`, `.copied()`, `.cloned()`, then optionally
    /// `.enumerate()` with a `(k, P)` pattern) as a loop over element numbers.
    fn over_part(&mut self, f: &syn::ExprForLoop) -> Option<Expr> {
        let (mut e, idx_pat, mut pat) = split_enumerate(f)?;
        // Whether the items are copies (`.copied()`, `.cloned()`) rather than references.
        let mut by_value = false;
        if let Expr::MethodCall(mc) = e {
            if (mc.method == "copied" || mc.method == "cloned") && mc.args.is_empty() {
                by_value = true;
                e = peel(&mc.receiver);
            }
        }
        if let Expr::MethodCall(mc) = e {
            if mc.method == "iter" && mc.args.is_empty() {
                e = peel(&mc.receiver);
            } else {
                return None;
            }
        }
        if !self.is_part(e) {
            return None;
        }
        let (v, first, len) = (self.base, self.first, self.len);
        let j = quote::format_ident!("__autodiff_view{}_j{}", self.depth, self.loops);
        self.loops += 1;
        // `for &e in w`: the element itself (bound by value, as the pattern does).
        if let Pat::Reference(r) = &pat {
            if !by_value && r.mutability.is_none() {
                by_value = true;
                pat = (*r.pat).clone();
            }
        }
        let item: Expr = if by_value {
            syn::parse_quote! { #v[#first + #j].clone() }
        } else {
            syn::parse_quote! { &#v[#first + #j] }
        };
        let idx_let: Option<syn::Stmt> = idx_pat.map(|p| syn::parse_quote! { let #p = #j; });
        let (label, body) = (&f.label, &f.body.stmts);
        Some(syn::parse_quote! {
            #label for #j in 0..#len {
                let #pat = #item;
                #idx_let
                #(#body)*
            }
        })
    }

    /// The index of `for j in a..w.len() { body }` when `j` is bound by a plain name (not
    /// `mut`) that the body does not bind again: every `w[j]` in the body is in bounds.
    fn index_below_len(&self, f: &syn::ExprForLoop) -> Option<String> {
        let Expr::Range(r) = peel(&f.expr) else {
            return None;
        };
        let end_is_len = matches!(r.limits, syn::RangeLimits::HalfOpen(_))
            && r.end.as_deref().is_some_and(|end| {
                matches!(peel(end), Expr::MethodCall(mc)
                    if mc.method == "len" && mc.args.is_empty() && self.is_part(&mc.receiver))
            });
        let j = plain_name(&f.pat)?;
        (end_is_len && !rebinds(&f.body.stmts, &[&j])).then_some(j)
    }

    /// Whether `e` is the part's name.
    fn is_part(&self, e: &Expr) -> bool {
        matches!(e, Expr::Path(p) if p.qself.is_none()
            && p.path.get_ident().is_some_and(|i| naming::unraw(i) == self.part))
    }
}

impl VisitMut for PartReads<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::ForLoop(f) = e {
            // The index of `for j in a..w.len()` is below the length in the body only (the
            // range itself still sees an outer `j`).
            self.visit_expr_mut(&mut f.expr);
            let bounded = self.index_below_len(f);
            let n = self.below_len.len();
            self.below_len.extend(bounded);
            self.visit_block_mut(&mut f.body);
            self.below_len.truncate(n);
            // `for e in w.iter() { .. }` (also `w`, `&w`, `.copied()`, `.cloned()`,
            // `.enumerate()`) goes over element numbers: `for j in 0..len { let e = &v[first
            // + j]; .. }`.
            if let Some(l) = self.over_part(f) {
                *e = l;
            }
            return;
        }
        syn::visit_mut::visit_expr_mut(self, e);
        let (v, first, len) = (self.base, self.first, self.len);
        // `w.len()` is the part's length.
        if let Expr::MethodCall(mc) = e {
            if mc.method == "len" && mc.args.is_empty() && self.is_part(&mc.receiver) {
                *e = syn::parse_quote! { (#len) };
            }
            return;
        }
        // `f(.., w, ..)` passes the range itself (the call's adjoint then goes to `v`'s at
        // the range's offset, as for `f(&v[a..b])`).
        if let Expr::Call(c) = e {
            for a in c.args.iter_mut() {
                if self.is_part(a) {
                    *a = syn::parse_quote! { &#v[#first..#first + #len] };
                }
            }
            return;
        }
        let Expr::Index(ix) = e else { return };
        let Expr::Path(p) = &*ix.expr else { return };
        if p.qself.is_some()
            || p.path
                .get_ident()
                .is_none_or(|i| naming::unraw(i) != self.part)
            || matches!(peel(&ix.index), Expr::Range(_))
        {
            return;
        }
        let k = &ix.index;
        let lit = int_literal(k).filter(|c| self.fixed_len.is_some_and(|n| *c < n));
        let below = match peel(k) {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|i| self.below_len.contains(&naming::unraw(i))),
            _ => false,
        };
        let at: Expr = match lit {
            Some(0) => syn::parse_quote! { #first },
            Some(_) => syn::parse_quote! { #first + #k },
            None if below => syn::parse_quote! { #first + #k },
            None => syn::parse_quote! { #first + ::autodiff::__private::ops::view_index(#k, #len) },
        };
        *e = syn::parse_quote! { #v[#at] };
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
