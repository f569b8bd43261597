//! Indexing by a range held in a variable: `let r = a..b; &v[r]` (or `&v[r.clone()]`), a
//! parameter `r: Range<usize>` (or `r: &Range<usize>`, indexed as `&v[r.clone()]`), a typed
//! `let r: Range<usize> = ..`, a range of a tuple `let (r, q) = (a..b, c..d);`, a `const` of a
//! range type in the body, or a copy of one of those (`let q = r.clone();`). The lowering
//! knows a range read only by its `a..b` syntax (`ranges.rs`), so before lowering each such
//! index is written out as the range it holds: `&v[r.start..r.end]` (`r.start..` for `a..`,
//! `..r.end` for `..b`, `..=r.end` for `..=b`, `..` for `..`). An inclusive range `a..=b` is
//! written `*r.start()..rt::inclusive_end(&r)`: one past `b`, or `b` itself once `next()` has
//! run the range to its end (an exhausted range indexes nothing, as `std` does). Names are
//! resolved by scope: a later `let r = 2;`, a `for r in ..`, a `match` arm or an `if let`
//! binding `r` hides the range; nested `fn` items have scopes of their own and are left as
//! written. Indices inside macros whose input is expressions (`vec![..]`, `assert!`, `dbg!`)
//! are written out too, and so is a loop over such a range (`for i in r`).

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

    /// The kind of a type `Range<usize>`, `std::ops::RangeInclusive<usize>`, `&Range<usize>`, ...
    pub(crate) fn of_type(ty: &syn::Type) -> Option<Self> {
        let p = match ty {
            syn::Type::Path(p) => p,
            syn::Type::Reference(r) => return Self::of_type(&r.elem),
            syn::Type::Paren(p) => return Self::of_type(&p.elem),
            _ => return None,
        };
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

    /// The range `r` holds, written out with its bounds (`r` is a reference to the range when
    /// `by_ref`).
    fn written_out(self, r: &syn::Ident, by_ref: bool) -> Expr {
        match self {
            Self::HalfOpen => syn::parse_quote! { #r.start..#r.end },
            Self::From => syn::parse_quote! { #r.start.. },
            Self::To => syn::parse_quote! { ..#r.end },
            Self::Inclusive => {
                let at: Expr = if by_ref {
                    syn::parse_quote! { #r }
                } else {
                    syn::parse_quote! { &#r }
                };
                syn::parse_quote! { *#r.start()..::autodiff::__private::inclusive_end(#at) }
            }
            Self::ToInclusive => syn::parse_quote! { ..=#r.end },
            Self::Full => syn::parse_quote! { .. },
        }
    }
}

/// A range a name holds: its kind, and whether the name holds a reference to it (`&Range`).
#[derive(Clone, Copy)]
struct Held {
    kind: RangeKind,
    by_ref: bool,
}

/// A name in scope: the range it holds, or `None` when a later binding of the name holds
/// something else.
type Scope = HashMap<String, Option<Held>>;

struct Rewriter {
    scopes: Vec<Scope>,
}

impl Rewriter {
    fn lookup(&self, name: &str) -> Option<Held> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .copied()?
    }

    /// The range a name or its clone holds (`r`, `r.clone()`, in parentheses), and whether it
    /// is the clone; `None` for any other expression.
    fn held(&self, e: &Expr) -> Option<(syn::Ident, Held, bool)> {
        let (named, cloned) = match parens(e) {
            Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => {
                (parens(&m.receiver), true)
            }
            e => (e, false),
        };
        let Expr::Path(p) = named else { return None };
        let id = p.path.get_ident().filter(|_| p.qself.is_none())?;
        Some((id.clone(), self.lookup(&naming::unraw(id))?, cloned))
    }

    /// The name a `let` binds to a range: `let r = a..b;`, `let r: Range<usize> = ..;`,
    /// `let q = r;`, `let q = r.clone();` (a clone of a borrowed range is owned).
    fn bound_range(&self, l: &syn::Local) -> Option<(String, Held)> {
        let init = l.init.as_ref().filter(|i| i.diverge.is_none())?;
        let (p, ty) = match &l.pat {
            Pat::Ident(p) => (p, None),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(p) => (p, Some(&*t.ty)),
                _ => return None,
            },
            _ => return None,
        };
        if p.subpat.is_some() || p.by_ref.is_some() {
            return None;
        }
        let name = naming::unraw(&p.ident);
        let owned = |kind| {
            Some((
                name.clone(),
                Held {
                    kind,
                    by_ref: false,
                },
            ))
        };
        match (ty, parens(&init.expr)) {
            (Some(ty), _) => {
                let kind = RangeKind::of_type(ty)?;
                let by_ref = matches!(ty, syn::Type::Reference(_));
                Some((name, Held { kind, by_ref }))
            }
            (None, Expr::Range(r)) => owned(RangeKind::of_expr(r)),
            (None, e) => {
                let (_, held, cloned) = self.held(e)?;
                let by_ref = held.by_ref && !cloned;
                Some((name, Held { by_ref, ..held }))
            }
        }
    }

    /// The names a `let` binds: ranges (`let r = a..b;`, and each range of a tuple of them,
    /// `let (r, q) = (a..b, c..d);`), or names that hide ranges.
    fn bind_local(&mut self, l: &syn::Local) {
        let tuple = match (
            &l.pat,
            l.init.as_ref().map(|i| (parens(&i.expr), &i.diverge)),
        ) {
            (Pat::Tuple(p), Some((Expr::Tuple(t), None))) if p.elems.len() == t.elems.len() => {
                Some(p.elems.iter().zip(t.elems.iter()))
            }
            _ => None,
        };
        let Some(pairs) = tuple else {
            match self.bound_range(l) {
                Some((name, held)) => {
                    let top = self.scopes.last_mut().expect("a scope is open");
                    top.insert(name, Some(held));
                }
                None => self.hide(&l.pat),
            }
            return;
        };
        for (p, e) in pairs {
            let range = match (p, parens(e)) {
                (Pat::Ident(i), Expr::Range(r)) if i.subpat.is_none() && i.by_ref.is_none() => {
                    Some((naming::unraw(&i.ident), RangeKind::of_expr(r)))
                }
                _ => None,
            };
            match range {
                Some((name, kind)) => {
                    let top = self.scopes.last_mut().expect("a scope is open");
                    top.insert(
                        name,
                        Some(Held {
                            kind,
                            by_ref: false,
                        }),
                    );
                }
                None => self.hide(p),
            }
        }
    }

    /// Hides every name `p` binds for the scope on top.
    fn hide(&mut self, p: &syn::Pat) {
        let top = self.scopes.last_mut().expect("a scope is open");
        for n in opaque::pat_idents(p) {
            top.insert(n, None);
        }
    }

    /// The condition of an `if` or `while` and the block it guards, in which the names its
    /// `let`s bind hide the body's (`if let Some(r) = o { .. }`).
    fn guarded(&mut self, cond: &mut Expr, body: &mut syn::Block) {
        self.scopes.push(Scope::new());
        self.hide_lets(cond);
        self.visit_expr_mut(cond);
        self.visit_block_mut(body);
        self.scopes.pop();
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
        // a block's `const` items are in scope in the whole block
        let mut scope = Scope::new();
        for s in &b.stmts {
            if let SynStmt::Item(syn::Item::Const(c)) = s {
                if let Some(kind) = RangeKind::of_type(&c.ty) {
                    let by_ref = matches!(&*c.ty, syn::Type::Reference(_));
                    scope.insert(naming::unraw(&c.ident), Some(Held { kind, by_ref }));
                }
            }
        }
        self.scopes.push(scope);
        for s in &mut b.stmts {
            self.visit_stmt_mut(s);
            if let SynStmt::Local(l) = s {
                self.bind_local(l);
            }
        }
        self.scopes.pop();
    }

    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut f.expr);
        // `for i in r` over a range held in a variable: the range loop `for i in a..b`
        if let Some((id, held, cloned)) = self.held(&f.expr) {
            let iterates = matches!(
                held.kind,
                RangeKind::HalfOpen | RangeKind::From | RangeKind::Inclusive
            );
            if iterates && (cloned || !held.by_ref) {
                let id = syn::Ident::new(&id.to_string(), f.expr.span());
                *f.expr = held.kind.written_out(&id, held.by_ref);
            }
        }
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
        self.guarded(&mut i.cond, &mut i.then_branch);
        if let Some((_, e)) = &mut i.else_branch {
            self.visit_expr_mut(e);
        }
    }

    fn visit_expr_while_mut(&mut self, w: &mut syn::ExprWhile) {
        self.guarded(&mut w.cond, &mut w.body);
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

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // a nested `fn` (or `const`) sees none of the body's names
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        // `vec![a, b]`, `vec![e; n]`, `assert!(..)`, `dbg!(..)`: the lowering reads their
        // expressions
        visit_macro_exprs(m, |e| self.visit_expr_mut(e));
    }

    fn visit_expr_index_mut(&mut self, ix: &mut syn::ExprIndex) {
        syn::visit_mut::visit_expr_index_mut(self, ix);
        // `r` or `r.clone()` (a `Range` is not `Copy`: a range read twice is cloned); not `&r`,
        // a key of a map
        let Some((id, held, cloned)) = self.held(&ix.index) else {
            return;
        };
        if held.by_ref && !cloned {
            // `v[r]` with `r: &Range<usize>` is not an index; the compiler says so
            return;
        }
        // the bounds carry the span of the user's index, where a type error is reported
        let id = syn::Ident::new(&id.to_string(), ix.index.span());
        *ix.index = held.kind.written_out(&id, held.by_ref);
    }
}

/// `e` without parentheses (a `&` stays: `m[&r]` is a key).
fn parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => parens(&p.expr),
        Expr::Group(g) => parens(&g.expr),
        e => e,
    }
}

/// Writes each index by a range variable as the range it holds (see the module docs).
pub(super) fn write_out_range_indices(body: &mut syn::Block, params: &[ParamIn]) {
    let mut top = Scope::new();
    for p in params {
        if let Some(kind) = p.range {
            let held = Held {
                kind,
                by_ref: p.is_ref,
            };
            top.insert(naming::unraw(&p.ident), Some(held));
        }
    }
    let mut w = Rewriter { scopes: vec![top] };
    w.visit_block_mut(body);
}
