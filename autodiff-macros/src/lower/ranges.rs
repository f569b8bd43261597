//! Borrowed range reads `&v[a..b]` (also `a..`, `..b`, `..`, `a..=b`) of a variable: a copy of
//! the elements through the runtime's `ops::range_of`, whose companions put the adjoint back at
//! its offset (`dv[a + k] += dy[k]`).

use super::*;

impl Lowerer {
    pub(super) fn lower_range_read(&mut self, ix: &syn::ExprIndex, out: &mut Vec<Stmt>) -> R<Rhs> {
        let Expr::Range(r) = peel(&ix.index) else {
            unreachable!("checked by the caller")
        };
        let Some(base) = self.var_of(&ix.expr) else {
            return refuse_at(
                &ix.expr,
                "#[differentiable] supports range indexing `&v[a..b]` on variables only; bind the value to a `let` first",
            );
        };
        let start = match &r.start {
            Some(s) => self.lower_atom_expr(s, out)?,
            None => Atom::Const(quote! { 0usize }),
        };
        let v = &ix.expr;
        let end_expr: Expr = match (&r.end, &r.limits) {
            (Some(e), syn::RangeLimits::Closed(_)) => syn::parse_quote! { (#e) + 1 },
            (Some(e), _) => (**e).clone(),
            (None, _) => syn::parse_quote! { #v.len() },
        };
        let end = self.lower_atom_expr(&end_expr, out)?;
        let span = ix.span();
        let path: syn::Path = {
            let id = proc_macro2::Ident::new("range_of", ix.bracket_token.span.join());
            syn::parse_quote! { ::autodiff::__private::ops::#id }
        };
        let by_ref = !self.ref_vars.contains(&base);
        let copy = self.let_temp(
            Rhs::Call {
                callee: Callee::Path(path),
                args: vec![Atom::Var(base), start, end],
                refs: vec![by_ref, false, false],
                spans: vec![ix.expr.span(), r.span(), r.span()],
                span,
            },
            out,
        );
        Ok(Rhs::Ref(Atom::Var(copy)))
    }
}
