//! A parameter's adjoint lent to calls as cells once per loop, not once per trip.
//!
//! A call in a loop's trip that takes a parameter's slice (`lookup(table, ks[i], xs[i])`) lends
//! the callee the slice's adjoint as cells (`RangeSlot`), made on every reverse trip by
//! `ops::range_cells(&mut d, end)`: a test of the `Option`, a test of the length, and the
//! adjoint's pointer and length loaded again after the callee's stores. When nothing else in
//! the loop's reverse sweep names that adjoint, the cells are made once before the loop
//! (`range_cells(&mut d, v.len())`: the adjoint grown to the parameter's length) and each trip
//! takes them as they are (`ops::held_cells`). Growing it early adds zeros only: the value of
//! the adjoint is the same.
//!
//! Taken for parameters held by shared reference and never assigned, so that every range the
//! trips lend ends within the length read before the loop. Whether anything else names the
//! adjoint is read off the loop's generated reverse code itself: the rewrite is kept only when
//! the adjoint's name is left nowhere in it (the cells borrow the adjoint for the whole loop).

use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};
use quote::quote;

use super::RevGen;
use crate::ir::VarId;
use crate::naming;

impl RevGen<'_> {
    /// The parameters whose adjoint a loop may lend as cells made once, in a stable order.
    pub(super) fn lendable(&self) -> Vec<Lendable> {
        let mut vs: Vec<VarId> = self.params.keys().copied().collect();
        vs.sort();
        vs.into_iter()
            .filter_map(|v| self.lendable_as(v, self.adj(v)))
            .collect()
    }

    /// Parameter `v` with the adjoint `adj` (its own, or a fused loop's `J`), when it is
    /// differentiated, held by shared reference and never assigned: its length cannot change.
    pub(super) fn lendable_as(&self, v: VarId, adj: Ident) -> Option<Lendable> {
        let (p, var) = (self.params.get(&v)?, &self.f.vars[v]);
        (p.adj.is_some() && var.is_ref && !var.reassigned).then(|| Lendable {
            adj,
            read: p.read.clone(),
        })
    }
}

/// A parameter whose adjoint a loop's trips may lend: its adjoint slot `adj` and an expression
/// `read` of type `&T` for the parameter itself.
pub(super) struct Lendable {
    pub adj: Ident,
    pub read: TokenStream,
}

/// `body` (a loop's reverse trip) with every lend of a `lendable` adjoint taken from cells made
/// once, and the declarations of those cells to put before the loop. `around` is the rest of
/// the loop's reverse code: an adjoint named there or left named in the body is not hoisted.
pub(super) fn hoist(
    rt: &TokenStream,
    lendable: &[Lendable],
    body: TokenStream,
    around: &TokenStream,
) -> (TokenStream, TokenStream) {
    let mut decls = TokenStream::new();
    let mut body = body;
    for p in lendable {
        let cells = naming::fixed(&format!("__hc{}", p.adj));
        let mut lent = 0;
        let out = rewrite(body.clone(), &p.adj, &cells, &mut lent);
        if lent == 0 || names(&out, &p.adj) || names(around, &p.adj) {
            continue;
        }
        let (adj, read) = (&p.adj, &p.read);
        decls.extend(quote! {
            let #cells = #rt::ops::range_cells(&mut #adj, (#read).len());
        });
        body = out;
    }
    (decls, body)
}

/// `toks` with each `range_cells(&mut adj, end)` written `held_cells(cells, end)`; `lent`
/// counts them.
fn rewrite(toks: TokenStream, adj: &Ident, cells: &Ident, lent: &mut usize) -> TokenStream {
    let toks: Vec<TokenTree> = toks.into_iter().collect();
    let mut out = Vec::with_capacity(toks.len());
    let mut j = 0;
    while j < toks.len() {
        match (&toks[j], toks.get(j + 1)) {
            (TokenTree::Ident(f), Some(TokenTree::Group(g)))
                if f == "range_cells" && g.delimiter() == Delimiter::Parenthesis =>
            {
                if let Some(end) = lends(g.stream(), adj) {
                    *lent += 1;
                    out.push(TokenTree::Ident(Ident::new("held_cells", f.span())));
                    let mut args = Group::new(Delimiter::Parenthesis, quote! { #cells, #end });
                    args.set_span(g.span());
                    out.push(TokenTree::Group(args));
                    j += 2;
                    continue;
                }
                out.push(toks[j].clone());
            }
            (TokenTree::Group(g), _) => {
                let mut inner = Group::new(g.delimiter(), rewrite(g.stream(), adj, cells, lent));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            (t, _) => out.push(t.clone()),
        }
        j += 1;
    }
    out.into_iter().collect()
}

/// The end argument when `args` is `&mut adj, end`.
fn lends(args: TokenStream, adj: &Ident) -> Option<TokenStream> {
    let toks: Vec<TokenTree> = args.into_iter().collect();
    let head = matches!(toks.first(), Some(TokenTree::Punct(p)) if p.as_char() == '&')
        && matches!(toks.get(1), Some(TokenTree::Ident(m)) if m == "mut")
        && matches!(toks.get(2), Some(TokenTree::Ident(d)) if d == adj)
        && matches!(toks.get(3), Some(TokenTree::Punct(p)) if p.as_char() == ',');
    head.then(|| toks[4..].iter().cloned().collect())
}

/// Whether `toks` names `adj` anywhere, nested groups included.
fn names(toks: &TokenStream, adj: &Ident) -> bool {
    toks.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == *adj,
        TokenTree::Group(g) => names(&g.stream(), adj),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::format_ident;

    fn table() -> Vec<Lendable> {
        vec![Lendable {
            adj: format_ident!("__d_table_0"),
            read: quote! { table },
        }]
    }

    #[test]
    fn every_lend_in_the_trip_takes_the_cells_made_once() {
        let rt = quote! { ::rt };
        let body = quote! {
            if let Some(g) = d.take() {
                let c = ::rt::ops::range_cells(&mut __d_table_0, 0usize.max(*r5 + (r1).len()),);
                f(::rt::RangeSlot(c, *r5));
                { ::rt::give_pairs_cells(::rt::ops::range_cells(&mut __d_table_0, (table).len()), g); }
            }
        };
        let (decls, out) = hoist(&rt, &table(), body, &quote! {});
        let (decls, out) = (decls.to_string(), out.to_string());
        assert_eq!(
            decls,
            "let __hc__d_table_0 = :: rt :: ops :: range_cells (& mut __d_table_0 , (table) . len ()) ;"
        );
        assert_eq!(
            out.matches("held_cells (__hc__d_table_0 ,").count(),
            2,
            "{out}"
        );
        assert!(!out.contains("mut __d_table_0"), "{out}");
    }

    #[test]
    fn an_adjoint_named_otherwise_is_lent_per_trip() {
        let rt = quote! { ::rt };
        let arounds = [quote! {}, quote! { let row = probe(&mut __d_table_0); }];
        let bodies = [
            quote! {
                let c = ::rt::ops::range_cells(&mut __d_table_0, n);
                ::rt::GradBuf::add(&mut gb, &mut __d_table_0, i, g);
            },
            quote! { let c = ::rt::ops::range_cells(&mut __d_table_0, n); },
        ];
        for (body, around) in bodies.into_iter().zip(arounds) {
            let shown = body.to_string();
            let (decls, out) = hoist(&rt, &table(), body, &around);
            assert!(decls.is_empty(), "{shown}");
            assert_eq!(out.to_string(), shown);
        }
        // no lend at all: nothing to hoist
        let (decls, _) = hoist(&rt, &table(), quote! { f(&__d_x_1); }, &quote! {});
        assert!(decls.is_empty());
    }
}
