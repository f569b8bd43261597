//! Loop exits the lowering cannot see: a `break` or `continue` in the expansion of a macro (or
//! in other code run as written) inside a loop would leave or skip a trip the reverse sweep
//! replays, so its records and trip counts would not match the forward sweep.
//!
//! Inside a loop, such code goes in a labelled block (`'fence: { code }`): an unlabelled `break`
//! or `continue` that would cross it is a compile error (E0695, "unlabeled `break` inside of a
//! labeled block"), pointing into the macro. A labelled one (`break 'outer`) may cross a labelled
//! block, so a label of an enclosing loop among the tokens is refused here. A statement macro
//! may bind names for the statements after it, so it is not wrapped: a copy of it is checked in
//! a fence that never runs (`loop { break; 'fence: { m!(..); } }`), which expands and type-checks
//! it without moving anything.

use super::*;

/// The label of the fence; never the target of a jump.
fn fence_label() -> syn::Lifetime {
    syn::Lifetime::new("'__autodiff_loop_exit_fence", Span::mixed_site())
}

impl Lowerer {
    /// `tokens` (code run as written), fenced when inside a loop and `needs` says it may hide a
    /// jump.
    pub(super) fn fenced(&self, tokens: TokenStream, needs: bool) -> R<TokenStream> {
        if self.loop_stack.is_empty() || !needs {
            return Ok(tokens);
        }
        self.refuse_loop_label(&tokens)?;
        let label = fence_label();
        Ok(quote! { #label: { #tokens } })
    }

    /// A check of the statement macro `stmt` (with its `;`) that never runs, when inside a loop.
    pub(super) fn fence_probe(&self, stmt: &TokenStream) -> R<Option<Stmt>> {
        if self.loop_stack.is_empty() {
            return Ok(None);
        }
        self.refuse_loop_label(stmt)?;
        let label = fence_label();
        Ok(Some(never_run(quote! { #label: { #stmt } })))
    }

    /// Refuses `'name` among `tokens` when an enclosing loop has that label.
    fn refuse_loop_label(&self, tokens: &TokenStream) -> R<()> {
        let labels: Vec<String> = self
            .loop_stack
            .iter()
            .filter_map(|c| self.loops[c.id].label.as_ref())
            .map(|l| l.ident.to_string())
            .collect();
        if labels.is_empty() {
            return Ok(());
        }
        match find_label(tokens.clone(), &labels) {
            Some(span) => refuse(
                span,
                "#[differentiable] cannot see a `break`/`continue` to this loop label inside a macro call or code run as written; write the `break`/`continue` as a statement of the loop (`if cond { break 'outer; }`)",
            ),
            None => Ok(()),
        }
    }
}

/// The span of the first `'name` in `tokens` with `name` among `labels`.
fn find_label(tokens: TokenStream, labels: &[String]) -> Option<Span> {
    use proc_macro2::TokenTree;
    let mut quote_at: Option<Span> = None;
    for tt in tokens {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                quote_at = Some(p.span());
                continue;
            }
            TokenTree::Ident(i) if quote_at.is_some() && labels.contains(&i.to_string()) => {
                return quote_at;
            }
            TokenTree::Group(g) => {
                if let Some(s) = find_label(g.stream(), labels) {
                    return Some(s);
                }
            }
            _ => {}
        }
        quote_at = None;
    }
    None
}

/// Whether code run as written may hide a loop exit: it calls a macro or contains a `break` or
/// `continue`.
pub(super) fn may_jump(e: &Expr) -> bool {
    struct Scan(bool);
    impl<'ast> syn::visit::Visit<'ast> for Scan {
        fn visit_macro(&mut self, _: &'ast syn::Macro) {
            self.0 = true;
        }
        fn visit_expr_break(&mut self, _: &'ast syn::ExprBreak) {
            self.0 = true;
        }
        fn visit_expr_continue(&mut self, _: &'ast syn::ExprContinue) {
            self.0 = true;
        }
    }
    let mut s = Scan(false);
    syn::visit::Visit::visit_expr(&mut s, e);
    s.0
}
