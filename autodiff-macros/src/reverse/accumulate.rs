//! Loop-local accumulators for adjoints a loop only adds into.
//!
//! A value the loop reads but does not write (a parameter `k` in `next[i] = u[i] + k * lap`)
//! gets one adjoint contribution per trip: `dk += g·lap`. Accumulated straight into the
//! function's slot, that sum is a chain through whatever home the slot has across the loops
//! around it, often a stack slot (a store and a reload per trip, about 10 cycles). The reverse
//! loop instead adds into a fresh plain slot of its own, kept in a register, and adds that into
//! the function's slot once when the loop is done: `dk = dk + Σ_trips g·lap`. Only the order of
//! the additions changes.
//!
//! Which slots qualify is read off the loop's reverse body itself: every mention of the slot is
//! the first argument of a plain accumulation (`plain::acc(&mut d, ..)`, `acc_opt`, `acc_slot`).
//! A slot the body takes, reads, declares or clears is left alone, and so is any body that
//! could leave the loop other than at its end (`return`).

use std::collections::HashSet;

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use quote::quote;

use crate::naming;

/// The plain slots among `slots` (names of plain adjoint slots) that `body` mentions only as
/// the target of a plain accumulation, in a stable order.
pub(super) fn only_added<'a>(
    body: &TokenStream,
    slots: impl Iterator<Item = &'a String>,
) -> Vec<Ident> {
    let toks: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut seen = HashSet::new();
    idents(&toks, &mut seen);
    if seen.contains("return") {
        return Vec::new();
    }
    let mut out: Vec<String> = slots
        .filter(|d| seen.contains(d.as_str()) && every_use_adds(&toks, d, None))
        .cloned()
        .collect();
    out.sort();
    out.into_iter().map(|d| naming::fixed(&d)).collect()
}

/// `for #head { #body }` with each slot of `slots` shadowed by a loop-local plain slot that is
/// added into the outer one after the loop; `empties[k]` is slot `k`'s empty value.
pub(super) fn wrap(
    rt: &TokenStream,
    slots: &[Ident],
    empties: &[TokenStream],
    head: TokenStream,
    body: TokenStream,
) -> TokenStream {
    if slots.is_empty() {
        return quote! { for #head { #body } };
    }
    let sums: Vec<Ident> = slots.iter().map(naming::trip_sum).collect();
    quote! {
        let (#(#sums,)*) = {
            #(let mut #slots = #empties;)*
            for #head { #body }
            // The sums leave the loop through a barrier: live on across the sweep's calls that
            // may unwind, they would be kept in memory inside the loop (see `forward_section`).
            ::core::hint::black_box((#(#slots.0,)*))
        };
        // d += Σ_trips (the loop's contributions, summed in a register).
        #(#rt::plain::acc(&mut #slots, #sums);)*
    }
}

/// Every identifier in `toks`, nested groups included.
fn idents(toks: &[TokenTree], out: &mut HashSet<String>) {
    for t in toks {
        match t {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(&g.stream().into_iter().collect::<Vec<_>>(), out),
            _ => {}
        }
    }
}

/// Whether every mention of `d` in `toks` is `plain::acc*(&mut d, ..)`. `callee` is the path
/// before `toks` when `toks` is a call's parenthesised arguments (`[.., plain, ::, acc]`).
fn every_use_adds(toks: &[TokenTree], d: &str, callee: Option<&[TokenTree]>) -> bool {
    for (j, t) in toks.iter().enumerate() {
        match t {
            TokenTree::Ident(i) if i == d => {
                let is_arg0 = j == 2
                    && matches!(&toks[0], TokenTree::Punct(p) if p.as_char() == '&')
                    && matches!(&toks[1], TokenTree::Ident(m) if m == "mut")
                    && matches!(toks.get(3), Some(TokenTree::Punct(p)) if p.as_char() == ',');
                if !is_arg0 || !callee.is_some_and(is_plain_acc) {
                    return false;
                }
            }
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let path = (g.delimiter() == Delimiter::Parenthesis).then(|| &toks[..j]);
                if !every_use_adds(&inner, d, path) {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Whether the tokens before a call's arguments end in `plain :: acc` (or `acc_opt`, `acc_slot`).
fn is_plain_acc(before: &[TokenTree]) -> bool {
    let n = before.len();
    if n < 4 {
        return false;
    }
    let name = matches!(&before[n - 1], TokenTree::Ident(f) if f == "acc" || f == "acc_opt" || f == "acc_slot");
    let colons = before[n - 3..n - 1]
        .iter()
        .all(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':'));
    let plain = matches!(&before[n - 4], TokenTree::Ident(p) if p == "plain");
    name && colons && plain
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::format_ident;

    fn names(body: TokenStream, slots: &[&str]) -> Vec<String> {
        let slots: Vec<String> = slots.iter().map(|s| s.to_string()).collect();
        only_added(&body, slots.iter())
            .into_iter()
            .map(|i| i.to_string())
            .collect()
    }

    #[test]
    fn a_slot_only_added_into_qualifies() {
        let body = quote! {
            { let g = 1.0; { ::autodiff::__private::plain::acc(&mut __d_k_1, g * 2.0); } }
            ::autodiff::__private::plain::acc_opt(&mut __d_k_1, Some(g));
            ::autodiff::__private::plain::acc_slot(&mut __d_c_2, g);
        };
        assert_eq!(
            names(body, &["__d_k_1", "__d_c_2", "__d_x_3"]),
            ["__d_c_2", "__d_k_1"]
        );
    }

    #[test]
    fn a_slot_taken_read_declared_or_passed_elsewhere_does_not() {
        let cases = [
            quote! { plain::acc(&mut __d_k_1, 1.0); if let Some(g) = __d_k_1.take() {} },
            quote! { plain::acc(&mut __d_k_1, __d_k_1.0); },
            quote! { let mut __d_k_1 = plain::Plain(0.0); plain::acc(&mut __d_k_1, 1.0); },
            quote! { other::acc(&mut __d_k_1, 1.0); },
            quote! { plain::acc(&mut x, &mut __d_k_1); },
            quote! { acc(&mut __d_k_1, 1.0); },
            quote! { plain::acc(&mut __d_k_1, 1.0); return; },
        ];
        for body in cases {
            let shown = body.to_string();
            assert!(names(body, &["__d_k_1"]).is_empty(), "{shown}");
        }
    }

    #[test]
    fn wrapping_shadows_and_adds_back() {
        let d = [format_ident!("__d_k_1")];
        let rt = quote! { ::rt };
        let empty = [quote! { ::rt::plain::Plain(-0.0) }];
        let out = wrap(&rt, &d, &empty, quote! { i in 0..n }, quote! { body(); }).to_string();
        assert!(
            out.contains("let mut __d_k_1 = :: rt :: plain :: Plain (- 0.0)"),
            "{out}"
        );
        assert!(
            out.contains(":: rt :: plain :: acc (& mut __d_k_1 , __d_k_1_trips)"),
            "{out}"
        );
        let plain = wrap(&rt, &[], &[], quote! { i in 0..n }, quote! { body(); }).to_string();
        assert_eq!(plain, "for i in 0 .. n { body () ; }");
    }
}
