//! Indexing by a range held in a variable: `let r = a..b; &v[r]` (or `&v[r.clone()]`), or a
//! parameter `r: Range<usize>`. The lowering knows a range read only by its `a..b` syntax (`ranges.rs`), so
//! before lowering each such index is written out as the range it holds: `&v[r.start..r.end]`
//! (`r.start..` for `a..`, `..r.end` for `..b`, `*r.start()..=*r.end()` for `a..=b`). Names are
//! resolved by scope: a later `let r = 2;`, a `for r in ..` or a `match` arm binding `r` hides
//! the range.

use super::*;
use std::collections::HashMap;
use syn::visit_mut::VisitMut;

/// The kind of range a variable holds, from its `let` initialiser or its parameter type.
#[derive(Clone, Copy)]
pub(crate) enum RangeKind {
    /// `a..b`, `Range<usize>`
    HalfOpen,
    /// `a..`, `RangeFrom<usize>`
    From,
    /// `..b`, `RangeTo<usize>`
    To,
    /// `a..=b`, `RangeInclusive<usize>`
    Inclusive,
    /// `..=b`, `RangeToInclusive<usize>`
    ToInclusive,
    /// `..`, `RangeFull`
    Full,
}

impl RangeKind {
    /// The kind of a range expression.
    fn of_expr(r: &syn::ExprRange) -> Self {
        let closed = matches!(r.limits, syn::RangeLimits::Closed(_));
        match (&r.start, &r.end, closed) {
            (Some(_), Some(_), false) => Self::HalfOpen,
            (Some(_), None, _) => Self::From,
            (None, Some(_), false) => Self::To,
            (Some(_), Some(_), true) => Self::Inclusive,
            (None, Some(_), true) => Self::ToInclusive,
            (None, None, _) => Self::Full,
        }
    }

    /// The kind of a parameter type `Range<usize>`, `std::ops::RangeInclusive<usize>`, ...
    pub(crate) fn of_type(ty: &syn::Type) -> Option<Self> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        Some(match last.ident.to_string().as_str() {
            "Range" => Self::HalfOpen,
            "RangeFrom" => Self::From,
            "RangeTo" => Self::To,
            "RangeInclusive" => Self::Inclusive,
            "RangeToInclusive" => Self::ToInclusive,
            "RangeFull" => Self::Full,
            _ => return None,
        })
    }

    /// The range `r` holds, written out with its bounds.
    fn written_out(self, r: &syn::Ident) -> Expr {
        match self {
            Self::HalfOpen => syn::parse_quote! { #r.start..#r.end },
            Self::From => syn::parse_quote! { #r.start.. },
            Self::To => syn::parse_quote! { ..#r.end },
            Self::Inclusive => syn::parse_quote! { *#r.start()..=*#r.end() },
            Self::ToInclusive => syn::parse_quote! { ..=#r.end },
            Self::Full => syn::parse_quote! { .. },
        }
    }
}

/// A name in scope: the range kind it holds and whether it is `mut`, or `None` when a later
/// binding of the name holds something else.
type Scope = HashMap<String, Option<(RangeKind, bool)>>;

struct Rewriter {
    scopes: Vec<Scope>,
    error: Option<syn::Error>,
}

impl Rewriter {
    fn lookup(&self, name: &str) -> Option<(RangeKind, bool)> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .copied()?
    }

    /// Hides every name `p` binds for the scope on top.
    fn hide(&mut self, p: &syn::Pat) {
        let top = self.scopes.last_mut().expect("a scope is open");
        for n in opaque::pat_idents(p) {
            top.insert(n, None);
        }
    }

    /// `e` binds names for what follows it in its `if`/`while` (`if let p = x`).
    fn hide_lets(&mut self, e: &Expr) {
        match e {
            Expr::Let(l) => self.hide(&l.pat),
            Expr::Binary(b) => {
                self.hide_lets(&b.left);
                self.hide_lets(&b.right);
            }
            Expr::Paren(p) => self.hide_lets(&p.expr),
            _ => {}
        }
    }
}

impl VisitMut for Rewriter {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        self.scopes.push(Scope::new());
        for s in &mut b.stmts {
            self.visit_stmt_mut(s);
            if let SynStmt::Local(l) = s {
                let range = l.init.as_ref().and_then(|i| match (&l.pat, peel(&i.expr)) {
                    (Pat::Ident(p), Expr::Range(r))
                        if i.diverge.is_none() && p.subpat.is_none() =>
                    {
                        Some((
                            naming::unraw(&p.ident),
                            RangeKind::of_expr(r),
                            p.mutability.is_some(),
                        ))
                    }
                    _ => None,
                });
                match range {
                    Some((name, kind, mutable)) => {
                        let top = self.scopes.last_mut().expect("pushed above");
                        top.insert(name, Some((kind, mutable)));
                    }
                    None => self.hide(&l.pat),
                }
            }
        }
        self.scopes.pop();
    }

    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut f.expr);
        self.scopes.push(Scope::new());
        self.hide(&f.pat);
        self.visit_block_mut(&mut f.body);
        self.scopes.pop();
    }

    fn visit_arm_mut(&mut self, a: &mut syn::Arm) {
        self.scopes.push(Scope::new());
        self.hide(&a.pat);
        syn::visit_mut::visit_arm_mut(self, a);
        self.scopes.pop();
    }

    fn visit_expr_if_mut(&mut self, i: &mut syn::ExprIf) {
        self.scopes.push(Scope::new());
        self.hide_lets(&i.cond);
        self.visit_expr_mut(&mut i.cond);
        self.visit_block_mut(&mut i.then_branch);
        self.scopes.pop();
        if let Some((_, e)) = &mut i.else_branch {
            self.visit_expr_mut(e);
        }
    }

    fn visit_expr_while_mut(&mut self, w: &mut syn::ExprWhile) {
        self.scopes.push(Scope::new());
        self.hide_lets(&w.cond);
        self.visit_expr_mut(&mut w.cond);
        self.visit_block_mut(&mut w.body);
        self.scopes.pop();
    }

    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        // closures are refused by the lowering; their parameters hide names all the same
        self.scopes.push(Scope::new());
        for p in &c.inputs {
            self.hide(p);
        }
        self.visit_expr_mut(&mut c.body);
        self.scopes.pop();
    }

    fn visit_expr_index_mut(&mut self, ix: &mut syn::ExprIndex) {
        syn::visit_mut::visit_expr_index_mut(self, ix);
        // `r` or `r.clone()` (a `Range` is not `Copy`: a range read twice is cloned)
        let named = match peel(&ix.index) {
            Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => peel(&m.receiver),
            e => e,
        };
        let Expr::Path(p) = named else { return };
        let Some(id) = p.path.get_ident().filter(|_| p.qself.is_none()) else {
            return;
        };
        let Some((kind, mutable)) = self.lookup(&naming::unraw(id)) else {
            return;
        };
        if mutable && matches!(kind, RangeKind::Inclusive) {
            // an exhausted `a..=b` (after `next()`) indexes nothing, which its bounds do not say
            self.error.get_or_insert_with(|| {
                syn::Error::new_spanned(
                    &ix.index,
                    format!(
                        "#[differentiable] does not index by a `mut` inclusive range variable (`{id}`); bind it without `mut`, or write the bounds: `&v[a..=b]`"
                    ),
                )
            });
            return;
        }
        let id = id.clone();
        *ix.index = kind.written_out(&id);
    }
}

/// Writes each index by a range variable as the range it holds (see the module docs).
pub(super) fn write_out_range_indices(
    body: &mut syn::Block,
    params: &[ParamIn],
) -> syn::Result<()> {
    let mut top = Scope::new();
    for p in params {
        if let Some(kind) = p.range {
            top.insert(naming::unraw(&p.ident), Some((kind, !p.fixed)));
        }
    }
    let mut w = Rewriter {
        scopes: vec![top],
        error: None,
    };
    w.visit_block_mut(body);
    w.error.map_or(Ok(()), Err)
}
