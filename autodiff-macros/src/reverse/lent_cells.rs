//! A parameter's adjoint lent to calls as cells once per loop, not once per trip.
//!
//! A call in a loop's trip that takes a parameter's slice (`lookup(table, ks[i], xs[i])`) lends
//! the callee the slice's adjoint as cells (`RangeSlot`), made on every reverse trip by
//! `ops::range_cells(&mut d, end)`: a test of the `Option`, a test of the length, and the
//! adjoint's pointer and length loaded again after the callee's stores. When nothing else in
//! the loop's reverse sweep names that adjoint, the cells are made once before the loop
//! (`range_cells(&mut d, v.len())`: the adjoint grown to the parameter's length) and each trip
//! takes them as they are (`ops::held_cells`). Growing it early adds zeros only: the value of
//! the adjoint is the same. A range passed to a call (`f(&v[a..b], x)`) also leaves in the
//! trip the range's own add into its base (`y = v[a..b] => dv[a + k] += dy[k]`,
//! `ops::acc_range`), which then adds into the same cells (`ops::acc_range_cells`).
//!
//! Taken for parameters held by shared reference and never assigned, so that every range the
//! trips lend ends within the length read before the loop. Whether anything else names the
//! adjoint is read off the loop's generated reverse code itself: the rewrite is kept only when
//! the adjoint's name is left nowhere in it (the cells borrow the adjoint for the whole loop).
//!
//! A fused loop (`reverse/fused.rs`) lends the `J` of a slice passed whole to its calls the
//! same way. There `J` is scaled by `ds` after the loop, so a loop without trips now leaves
//! zeros rather than nothing: `ds = ∞` then gives NaN under IEEE products, and the sweep falls
//! back to the zero rule as for any non-finite gradient (`tests/lent_cells.rs`).

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
        if !naming::mentions(&body, &p.adj) {
            continue;
        }
        let cells = naming::fixed(&format!("__hc{}", p.adj));
        let mut lent = 0;
        let out = rewrite(body.clone(), &p.adj, &cells, &mut lent);
        if lent == 0 || naming::mentions(&out, &p.adj) || naming::mentions(around, &p.adj) {
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

/// The runtime's functions taking `&mut adj` first that have a form taking the cells instead:
/// the lend itself, and the adds of a range's own adjoint into its base
/// (`y = v[a..b] => dv[a + k] += dy[k]`), which a range passed to a call leaves in the trip.
const CELL_FORMS: [(&str, &str); 3] = [
    ("range_cells", "held_cells"),
    ("acc_range", "acc_range_cells"),
    ("acc_range_drain", "acc_range_drain_cells"),
];

/// `toks` with each `range_cells(&mut adj, end)` written `held_cells(cells, end)`, and each
/// range's add into `adj` written into the cells ([`CELL_FORMS`]); `lent` counts the lends.
fn rewrite(toks: TokenStream, adj: &Ident, cells: &Ident, lent: &mut usize) -> TokenStream {
    let toks: Vec<TokenTree> = toks.into_iter().collect();
    let mut out = Vec::with_capacity(toks.len());
    let mut j = 0;
    while j < toks.len() {
        let form = match &toks[j] {
            TokenTree::Ident(f) => CELL_FORMS.iter().find(|(from, _)| f == from),
            _ => None,
        };
        match (&toks[j], toks.get(j + 1), form) {
            (TokenTree::Ident(f), Some(TokenTree::Group(g)), Some((from, to)))
                if g.delimiter() == Delimiter::Parenthesis =>
            {
                if let Some(rest) = lends(g.stream(), adj) {
                    *lent += usize::from(*from == "range_cells");
                    out.push(TokenTree::Ident(Ident::new(to, f.span())));
                    let mut args = Group::new(Delimiter::Parenthesis, quote! { #cells, #rest });
                    args.set_span(g.span());
                    out.push(TokenTree::Group(args));
                    j += 2;
                    continue;
                }
                out.push(toks[j].clone());
            }
            (TokenTree::Group(g), _, _) => {
                let mut inner = Group::new(g.delimiter(), rewrite(g.stream(), adj, cells, lent));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            (t, _, _) => out.push(t.clone()),
        }
        j += 1;
    }
    out.into_iter().collect()
}

/// The arguments after the first when `args` is `&mut adj, ..`.
fn lends(args: TokenStream, adj: &Ident) -> Option<TokenStream> {
    let toks: Vec<TokenTree> = args.into_iter().collect();
    let head = matches!(toks.first(), Some(TokenTree::Punct(p)) if p.as_char() == '&')
        && matches!(toks.get(1), Some(TokenTree::Ident(m)) if m == "mut")
        && matches!(toks.get(2), Some(TokenTree::Ident(d)) if d == adj)
        && matches!(toks.get(3), Some(TokenTree::Punct(p)) if p.as_char() == ',');
    head.then(|| toks[4..].iter().cloned().collect())
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
    fn a_ranges_add_into_its_base_goes_into_the_cells() {
        // a range's own add into its base, which the trip leaves beside the lend
        let rt = quote! { ::rt };
        let body = quote! {
            let c = ::rt::ops::range_cells(&mut __d_table_0, *r5 + (r1).len());
            if let Some(g) = d_r.take() { ::rt::ops::acc_range(&mut __d_table_0, *r5, g); }
            ::rt::ops::acc_range_drain(&mut __d_table_0, *r5, &mut scr);
        };
        let (decls, out) = hoist(&rt, &table(), body, &quote! {});
        let out = out.to_string();
        assert!(!decls.is_empty());
        assert!(
            out.contains(":: acc_range_cells (__hc__d_table_0 , * r5 , g)"),
            "{out}"
        );
        assert!(
            out.contains(":: acc_range_drain_cells (__hc__d_table_0 , * r5 , & mut scr)"),
            "{out}"
        );
        // such adds alone lend nothing: no cells made, nothing rewritten
        let body = quote! { ::rt::ops::acc_range(&mut __d_table_0, 0, g); };
        let (decls, out) = hoist(&rt, &table(), body.clone(), &quote! {});
        assert!(decls.is_empty());
        assert_eq!(out.to_string(), body.to_string());
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
