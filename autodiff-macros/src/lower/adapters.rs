//! `skip(k)`, `take(n)`, `rev()` and `enumerate()` after a container iteration (`v.iter()`,
//! `a.iter().zip(b.iter())`, ...) in a `for` loop: the loop still reads elements by index, so
//! element gradients land where they belong. The adapters narrow and orient the index range
//! `[lo, hi)` before the loop; the `k`-th item is element `lo + k` (or `hi - 1 - k` reversed),
//! and an `enumerate` counts positions of the range it was applied to.

use super::*;

/// An adapter of a container iteration, in the order applied.
pub(super) enum Adapter {
    Skip(Expr),
    Take(Expr),
    Rev,
    Enumerate,
    /// `.copied()` / `.cloned()`: items by value.
    Copied,
}

/// Where the loop's items come from: element `j` of the containers for `k` in `0..count`.
pub(super) struct IndexPlan {
    pub lo: TokenStream,
    pub hi: TokenStream,
    pub rev: bool,
    /// The range an `enumerate` counted positions in: (lo, hi, reversed).
    pub enumerate: Option<(TokenStream, TokenStream, bool)>,
}

impl IndexPlan {
    /// The element index of item `k`.
    pub fn elem(&self, k: &proc_macro2::Ident) -> TokenStream {
        let (lo, hi) = (&self.lo, &self.hi);
        if self.rev {
            quote! { #hi - 1 - #k }
        } else {
            quote! { #lo + #k }
        }
    }

    /// The `enumerate` index of element `j`.
    pub fn enum_index(&self, j: &proc_macro2::Ident) -> Option<TokenStream> {
        self.enumerate.as_ref().map(|(lo, hi, rev)| {
            if *rev {
                quote! { #hi - 1 - #j }
            } else {
                quote! { #j - #lo }
            }
        })
    }
}

/// A container iteration's shape (containers with whether items are borrowed, `enumerate`d)
/// and the adapters after it.
type Chain = ((Vec<(VarId, bool)>, bool), Vec<Adapter>);

impl Lowerer {
    /// A container iteration followed by adapters: its shape and the adapters (innermost
    /// first). `None` when the chain has no adapter of these kinds or is no container iteration.
    pub(super) fn container_chain(&self, e: &Expr) -> Option<Chain> {
        let mut adapters = Vec::new();
        let mut cur = peel(e);
        while let Expr::MethodCall(mc) = cur {
            let a = match (mc.method.to_string().as_str(), mc.args.len()) {
                ("skip", 1) => Adapter::Skip(mc.args[0].clone()),
                ("take", 1) => Adapter::Take(mc.args[0].clone()),
                ("rev", 0) => Adapter::Rev,
                // the base forms (`v.iter().enumerate()`, `v.iter().copied()`) are the shape's own
                ("enumerate" | "copied" | "cloned", 0) => {
                    if self.container_shape(cur).is_some() {
                        break;
                    }
                    if mc.method == "enumerate" {
                        Adapter::Enumerate
                    } else {
                        Adapter::Copied
                    }
                }
                _ => break,
            };
            adapters.push(a);
            cur = peel(&mc.receiver);
        }
        if !adapters
            .iter()
            .any(|a| matches!(a, Adapter::Skip(_) | Adapter::Take(_) | Adapter::Rev))
        {
            return None;
        }
        let shape = self.container_shape(cur)?;
        adapters.reverse();
        Some((shape, adapters))
    }

    /// Emits the index range for `adapters` over `n` elements; returns the plan and the item
    /// count, and whether the items are borrowed (`None`: as the containers yield them).
    pub(super) fn plan_adapters(
        &mut self,
        n: &proc_macro2::Ident,
        base_enumerate: bool,
        adapters: &[Adapter],
        out: &mut Vec<Stmt>,
    ) -> R<(IndexPlan, VarId, bool, bool)> {
        let mut lo = quote! { 0usize };
        let mut hi = quote! { #n };
        let mut rev = false;
        let mut enumerate = base_enumerate.then(|| (lo.clone(), hi.clone(), false));
        let mut copied = false;
        let mut enumerated = base_enumerate;
        for a in adapters {
            match a {
                Adapter::Skip(e) | Adapter::Take(e) => {
                    let amount = self.let_usize(Rhs::Opaque(quote! { #e }), out);
                    self.record_hidden(e);
                    check_supported(e)?;
                    let skip = matches!(a, Adapter::Skip(_));
                    // skip: drop `s` items at the front (the back when reversed);
                    // take: keep `t` items from the front (the back when reversed)
                    let (new_lo, new_hi) = match (skip, rev) {
                        (true, false) => {
                            (quote! { ::core::cmp::min(#lo + #amount, #hi) }, hi.clone())
                        }
                        (true, true) => (
                            lo.clone(),
                            quote! { ::core::cmp::max((#hi).saturating_sub(#amount), #lo) },
                        ),
                        (false, false) => (
                            lo.clone(),
                            quote! { ::core::cmp::min(#hi, (#lo).saturating_add(#amount)) },
                        ),
                        (false, true) => (
                            quote! { ::core::cmp::max(#lo, (#hi).saturating_sub(#amount)) },
                            hi.clone(),
                        ),
                    };
                    let l = self.let_usize(Rhs::Opaque(new_lo), out);
                    let h = self.let_usize(Rhs::Opaque(new_hi), out);
                    lo = quote! { #l };
                    hi = quote! { #h };
                }
                Adapter::Rev => rev = !rev,
                Adapter::Enumerate => {
                    enumerate = Some((lo.clone(), hi.clone(), rev));
                    enumerated = true;
                }
                Adapter::Copied => copied = true,
            }
        }
        let count = self.let_usize(Rhs::Opaque(quote! { #hi - #lo }), out);
        let count = self.lookup_temp(&count);
        let plan = IndexPlan {
            lo,
            hi,
            rev,
            enumerate,
        };
        Ok((plan, count, copied, enumerated))
    }

    fn lookup_temp(&self, ident: &proc_macro2::Ident) -> VarId {
        self.vars
            .iter()
            .rposition(|v| v.ident == *ident)
            .expect("a temporary just made")
    }

    /// `let t = rhs;` for an index value; returns its name.
    fn let_usize(&mut self, rhs: Rhs, out: &mut Vec<Stmt>) -> proc_macro2::Ident {
        let t = self.let_temp(rhs, out);
        self.vars[t].ident.clone()
    }
}
