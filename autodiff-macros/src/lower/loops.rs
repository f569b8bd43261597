//! Loops: `while`, `loop`, `for` over ranges and containers.

use super::*;

impl Lowerer {
    pub(super) fn loop_target(
        &self,
        label: Option<&syn::Lifetime>,
        span: Span,
    ) -> R<(LoopId, Option<VarId>)> {
        match label {
            None => match self.loop_stack.last() {
                Some(c) => Ok((c.id, c.result)),
                None => refuse(
                    span,
                    "`break`/`continue` outside of a loop in a #[differentiable] function",
                ),
            },
            Some(l) => {
                for c in self.loop_stack.iter().rev() {
                    if self.loops[c.id]
                        .label
                        .as_ref()
                        .is_some_and(|x| x.ident == l.ident)
                    {
                        return Ok((c.id, c.result));
                    }
                }
                refuse_at(
                    &l,
                    "this label does not name an enclosing loop (labelled blocks are not supported in a #[differentiable] function)",
                )
            }
        }
    }

    pub(super) fn new_loop(&mut self, label: Option<syn::Lifetime>) -> LoopId {
        self.loops.push(LoopInfo {
            label,
            has_continue: false,
            hint: None,
            affine: None,
            const_start: false,
            zero_start: false,
            unit_step: false,
            const_trips: false,
            fixed_end: None,
            bounds_again: None,
            iter: None,
            trips_before: None,
        });
        self.loops.len() - 1
    }

    /// `while c { body }` is `loop { if !(c) { break } body }`; `while let P = e { body }` is
    /// `loop { match e { P => body, _ => break } }`.
    pub(super) fn lower_while(
        &mut self,
        w: &syn::ExprWhile,
        id: LoopId,
    ) -> Result<Block, syn::Error> {
        let mut stmts = Vec::new();
        branches::refuse_let_chain(&w.cond).map_err(stop_err)?;
        if let Expr::Let(l) = &*w.cond {
            if let Some((cond, bind)) = self.pop_loop_rewrite(l) {
                let mut w2 = w.clone();
                *w2.cond = cond;
                w2.body.stmts.insert(0, bind);
                return self.lower_while(&w2, id);
            }
            check_supported(&l.expr).map_err(stop_err)?;
            self.scopes.push(Vec::new());
            let bound = self.bind_pattern_names(&l.pat);
            self.record_scrutinee(&l.expr, l.pat.to_token_stream(), !bound.is_empty());
            let (mut body, _) = self.lower_block(&w.body.stmts, None)?;
            body.stmts.insert(0, Stmt::Bound(bound));
            self.scopes.pop();
            let (pat, scrut) = (&l.pat, &l.expr);
            let body_div = false;
            let brk = Block {
                stmts: vec![Stmt::Break { target: id }],
            };
            stmts.push(Stmt::Branch {
                kind: BranchKind::Match {
                    scrutinee: quote! { #scrut },
                    heads: vec![quote! { #pat }, quote! { _ }],
                },
                arms: vec![body, brk],
                diverges: vec![body_div, true],
            });
            return Ok(Block { stmts });
        }
        check_supported(&w.cond).map_err(stop_err)?;
        self.record_hidden(&w.cond);
        // In second-order code, calls in the condition that always run are lowered at the top
        // of each trip, before the test (see `hoist_calls`): `while dot(p, p) * k < 1.0`.
        let cond = if crate::naming::order2() {
            self.hoist_calls(&w.cond, &mut stmts).map_err(stop_err)?
        } else {
            (*w.cond).clone()
        };
        stmts.push(Stmt::Branch {
            kind: BranchKind::If {
                cond: quote! { !(#cond) },
                vars: None,
            },
            arms: vec![
                Block {
                    stmts: vec![Stmt::Break { target: id }],
                },
                Block::default(),
            ],
            diverges: vec![true, false],
        });
        let (body, _) = self.lower_block(&w.body.stmts, None)?;
        stmts.push(Stmt::Scope(body));
        Ok(Block { stmts })
    }

    /// `for` loops: over the elements of slices, arrays and `Vec`s (by index, so element
    /// gradients land in the right place), or over any iterator of constants (ranges).
    pub(super) fn lower_for(&mut self, f: &syn::ExprForLoop, out: &mut Vec<Stmt>) -> R<()> {
        if let Some(block) = views::desugar(f, self.loop_stack.len(), |e| self.var_of(e).is_some())
        {
            return self.lower_control(&block?, None, out);
        }
        let label = f.label.as_ref().map(|l| l.name.clone());
        if self.over_keyed(&f.expr) {
            // a map or set has no index: its iterator runs as written
            return self.lower_for_iterator(f, label, out);
        }
        // Recognise container iteration: `v`, `&v`, `v.iter()`, `v.iter().enumerate()`,
        // `v.iter().zip(w.iter())` with `v`, `w` variables.
        let mut hoisted = Vec::new();
        let iter_expr = self.hoist_places(&f.expr, &mut hoisted)?;
        // `for x in v` takes `v` (a move, or a copy of a reference or array): the loop goes
        // over that value even when its body writes `v` (`v = next`). Read by index, the
        // elements would be the new `v`'s; a body that may write `v` reads a binding of its own.
        if let Some(v) = self.var_of(&iter_expr) {
            if !matches!(loop_writes::peel_parens(&iter_expr), Expr::Reference(_))
                && loop_writes::body_may_write(&f.body, &naming::unraw(&self.vars[v].ident))
            {
                out.extend(hoisted);
                let t = self.let_temp(Rhs::Copy(Atom::Var(v)), out);
                let by_ref = self.ref_vars.contains(&v);
                if by_ref {
                    self.ref_vars.insert(t);
                }
                return self.lower_for_container(f, (vec![(t, by_ref)], false), &[], label, out);
            }
        }
        if let Some(shape) = self.container_shape(&iter_expr) {
            out.extend(hoisted);
            return self.lower_for_container(f, shape, &[], label, out);
        }
        if let Some((shape, adapters)) = self.container_chain(&iter_expr) {
            out.extend(hoisted);
            return self.lower_for_container(f, shape, &adapters, label, out);
        }
        self.lower_for_iterator(f, label, out)
    }

    /// Whether `e` iterates a map or set parameter (`m`, `&m`, `m.iter()`, `m.keys()`, ..).
    fn over_keyed(&self, e: &Expr) -> bool {
        match peel(e) {
            Expr::MethodCall(m) => self.over_keyed(&m.receiver),
            other => self.var_of(other).is_some_and(|v| self.keyed.contains(&v)),
        }
    }

    /// A `for` loop over an iterator of constants (ranges, `.rev()`, `.step_by(k)`, a map's
    /// entries, ...): `let mut it = IntoIterator::into_iter(e); while let Some(P) = it.next() {
    /// body }`.
    fn lower_for_iterator(
        &mut self,
        f: &syn::ExprForLoop,
        label: Option<syn::Lifetime>,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        check_supported(&f.expr)?;
        // Read before the pattern binds its names (`for i in 0..i`).
        let again = self.bounds_again(&f.expr);
        self.record_hidden(&f.expr);
        if !is_range_iter(&f.expr) {
            let uses = self.vars_in(&f.expr);
            self.iter_uses.push((uses, f.expr.to_token_stream()));
        }
        let it = self.temp();
        let iter_expr = &f.expr;
        out.push(Stmt::Let {
            var: it,
            mutable: true,
            ty: None,
            init: Some(Rhs::Opaque(
                quote! { ::core::iter::IntoIterator::into_iter(#iter_expr) },
            )),
        });
        let it_ident = self.vars[it].ident.clone();
        let id = self.new_loop(label);
        self.loops[id].iter = Some(it);
        self.loops[id].hint = Some(quote! { ::core::iter::Iterator::size_hint(&#it_ident).0 });
        self.loops[id].const_trips = self.fixed_count(&f.expr);
        self.loop_stack.push(LoopCtx { id, result: None });
        self.scopes.push(Vec::new());
        let bound = self.bind_pattern_names(&f.pat);
        if let ([i], true) = (bound.as_slice(), is_plain_range(&f.expr, &f.pat)) {
            self.loops[id].affine = Some((*i, Some(quote! { #it_ident.start })));
            self.loops[id].unit_step = true;
            self.loops[id].const_start = matches!(&*f.expr, Expr::Range(r)
                if r.start.as_deref().is_some_and(is_int_literal));
            self.loops[id].zero_start = matches!(&*f.expr, Expr::Range(r)
                if r.start.as_deref().is_some_and(is_zero_literal));
            if self.loops[id].zero_start {
                self.loops[id].trips_before =
                    Some(quote! { ::autodiff::__private::range_len(&#it_ident) });
            }
            if let Expr::Range(r) = &*f.expr {
                if r.end.as_deref().is_some_and(|e| self.fixed_for_call(e)) {
                    self.loops[id].fixed_end = Some(quote! { #it_ident.end });
                }
            }
            self.loops[id].bounds_again = again;
        } else if let ([i], true) = (bound.as_slice(), is_progression(&f.expr, &f.pat)) {
            // `first ± k·step`, read off a copy of the iterator before the loop runs.
            self.loops[id].affine = Some((
                *i,
                Some(quote! { ::autodiff::__private::strided(&#it_ident) }),
            ));
        }
        let r = self.lower_block(&f.body.stmts, None);
        self.scopes.pop();
        self.loop_stack.pop();
        let (mut body, body_div) = r?;
        body.stmts.insert(0, Stmt::Bound(bound));
        let pat = &f.pat;
        let brk = Block {
            stmts: vec![Stmt::Break { target: id }],
        };
        let stmts = vec![Stmt::Branch {
            kind: BranchKind::Match {
                scrutinee: quote! { ::core::iter::Iterator::next(&mut #it_ident) },
                heads: vec![
                    quote! { ::core::option::Option::Some(#pat) },
                    quote! { ::core::option::Option::None },
                ],
            },
            arms: vec![body, brk],
            diverges: vec![body_div, true],
        }];
        out.push(Stmt::Loop {
            id,
            body: Block { stmts },
        });
        Ok(())
    }

    /// `for P in v.iter()` and friends: the containers iterated over (each with whether its items
    /// are references, as `iter()` gives them) and whether the index is bound too (`enumerate`).
    pub(super) fn container_shape(&self, e: &Expr) -> Option<(Vec<(VarId, bool)>, bool)> {
        let e_peeled = peel(e);
        if let Some(v) = self.var_of(e_peeled) {
            // `for x in &v` / `for x in v` over a borrowed container yields references.
            let by_ref = matches!(e, Expr::Reference(_)) || self.ref_vars.contains(&v);
            return Some((vec![(v, by_ref)], false));
        }
        let Expr::MethodCall(mc) = e_peeled else {
            return None;
        };
        let iter_of = |x: &Expr| -> Option<(VarId, bool)> {
            match peel(x) {
                Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => {
                    self.var_of(&m.receiver).map(|v| (v, true))
                }
                Expr::MethodCall(m)
                    if (m.method == "copied" || m.method == "cloned") && m.args.is_empty() =>
                {
                    match peel(&m.receiver) {
                        Expr::MethodCall(i) if i.method == "iter" && i.args.is_empty() => {
                            self.var_of(&i.receiver).map(|v| (v, false))
                        }
                        _ => None,
                    }
                }
                other => self.var_of(other).map(|v| {
                    (
                        v,
                        matches!(x, Expr::Reference(_)) || self.ref_vars.contains(&v),
                    )
                }),
            }
        };
        match mc.method.to_string().as_str() {
            "iter" | "copied" | "cloned" if mc.args.is_empty() => {
                iter_of(e_peeled).map(|v| (vec![v], false))
            }
            "enumerate" if mc.args.is_empty() => match iter_of(&mc.receiver) {
                Some(v) => Some((vec![v], true)),
                None => match self.container_shape(&mc.receiver) {
                    Some((vs, false)) if vs.len() == 2 => Some((vs, true)),
                    _ => None,
                },
            },
            "zip" if mc.args.len() == 1 => {
                let a = iter_of(&mc.receiver)?;
                let b = iter_of(&mc.args[0])?;
                Some((vec![a, b], false))
            }
            _ => None,
        }
    }

    /// Replaces the containers of an iterator chain that are places (`self.v.iter()`,
    /// `&self.v`) by borrows bound to temporaries, so the chain names variables only.
    pub(super) fn hoist_places(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Expr> {
        match e {
            Expr::Paren(p) => self.hoist_places(&p.expr, out),
            Expr::Reference(r)
                if r.mutability.is_none()
                    && matches!(peel(&r.expr), Expr::Field(_) | Expr::Index(_)) =>
            {
                self.hoist_places(&r.expr, out)
            }
            Expr::Field(_) | Expr::Index(_) => {
                let rhs = self.lower_place(e, true, out)?;
                let Atom::Var(t) = self.atom_of(rhs, out) else {
                    return Ok(e.clone());
                };
                let ident = self.vars[t].ident.clone();
                self.bind(&ident.to_string(), t);
                self.ref_vars.insert(t);
                Ok(syn::parse_quote!(#ident))
            }
            Expr::MethodCall(mc)
                if matches!(
                    mc.method.to_string().as_str(),
                    "iter" | "copied" | "cloned" | "enumerate" | "zip" | "skip" | "take" | "rev"
                ) =>
            {
                let mut mc = mc.clone();
                *mc.receiver = self.hoist_places(&mc.receiver, out)?;
                if mc.method == "zip" && mc.args.len() == 1 {
                    let a = self.hoist_places(&mc.args[0], out)?;
                    mc.args[0] = a;
                }
                Ok(Expr::MethodCall(mc))
            }
            _ => Ok(e.clone()),
        }
    }

    pub(super) fn lower_for_container(
        &mut self,
        f: &syn::ExprForLoop,
        (bases, enumerate): (Vec<(VarId, bool)>, bool),
        adapters: &[adapters::Adapter],
        label: Option<syn::Lifetime>,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        // let n = v.len() (min over zipped containers); let mut k = 0;
        let n = self.temp();
        let lens: Vec<TokenStream> = bases
            .iter()
            .map(|(b, _)| {
                let i = &self.vars[*b].ident;
                quote! { #i.len() }
            })
            .collect();
        let len_expr = lens.iter().skip(1).fold(
            lens[0].clone(),
            |acc, l| quote! { ::core::cmp::min(#acc, #l) },
        );
        out.push(Stmt::Let {
            var: n,
            mutable: false,
            ty: None,
            init: Some(Rhs::Opaque(len_expr)),
        });
        // With adapters, the loop runs over `count` items of the planned index range.
        let mut bases = bases;
        let (plan, n, enumerate) = if adapters.is_empty() {
            (None, n, enumerate)
        } else {
            let total = self.vars[n].ident.clone();
            let (plan, count, copied, enumerated) =
                self.plan_adapters(&total, enumerate, adapters, out)?;
            if copied {
                bases.iter_mut().for_each(|b| b.1 = false);
            }
            (Some(plan), count, enumerated)
        };
        let k = self.temp();
        out.push(Stmt::Let {
            var: k,
            mutable: true,
            ty: None,
            init: Some(Rhs::Opaque(quote! { 0usize })),
        });
        let (n_id, k_id) = (self.vars[n].ident.clone(), self.vars[k].ident.clone());
        let id = self.new_loop(label);
        self.loops[id].hint = Some(quote! { #n_id });
        // `n` is the (least) length of the containers: fixed if theirs are.
        self.loops[id].const_trips =
            plan.is_none() && bases.iter().all(|(b, _)| self.fixed_len.contains(b));
        self.loop_stack.push(LoopCtx { id, result: None });
        self.scopes.push(Vec::new());
        let r = (|| -> R<Block> {
            let mut body = Vec::new();
            // if k >= n { break }  let i = k; k += 1;
            body.push(Stmt::Branch {
                kind: BranchKind::If {
                    cond: quote! { #k_id >= #n_id },
                    vars: None,
                },
                arms: vec![
                    Block {
                        stmts: vec![Stmt::Break { target: id }],
                    },
                    Block::default(),
                ],
                diverges: vec![true, false],
            });
            let i = self.temp();
            let elem = match &plan {
                Some(p) => p.elem(&k_id),
                None => quote! { #k_id },
            };
            // Without adapters the index is the trip number: recomputed, not recorded. An
            // adapted iteration (`skip`, `rev`, ...) maps trips to indices: recorded as before.
            if plan.is_none() {
                self.loops[id].affine = Some((i, None));
                self.loops[id].unit_step = true;
                self.loops[id].trips_before = Some(quote! { #n_id });
            }
            body.push(Stmt::Let {
                var: i,
                mutable: false,
                ty: None,
                init: Some(Rhs::Opaque(elem)),
            });
            self.mark_assigned(k);
            body.push(Stmt::Assign {
                var: k,
                rhs: Rhs::Opaque(quote! { #k_id + 1 }),
            });
            // The patterns: (index pattern, element patterns).
            let fit = "this loop pattern does not fit the iterator; write `(i, x)` for `enumerate` and `(a, b)` for `zip`";
            let (index_pat, elem_pats): (Option<&Pat>, Vec<&Pat>) = match (
                &*f.pat,
                enumerate,
                bases.len(),
            ) {
                (p, false, 1) => (None, vec![p]),
                (Pat::Tuple(t), true, 1) if t.elems.len() == 2 => {
                    (Some(&t.elems[0]), vec![&t.elems[1]])
                }
                (Pat::Tuple(t), true, 2) if t.elems.len() == 2 => match &t.elems[1] {
                    Pat::Tuple(inner) if inner.elems.len() == 2 => {
                        (Some(&t.elems[0]), vec![&inner.elems[0], &inner.elems[1]])
                    }
                    other => {
                        return refuse_at(
                            other,
                            "#[differentiable] needs the zipped pair as a tuple pattern: `(i, (a, b))`",
                        );
                    }
                },
                (Pat::Tuple(t), false, 2) if t.elems.len() == 2 => {
                    (None, vec![&t.elems[0], &t.elems[1]])
                }
                (p, _, _) => return refuse_at(p, fit),
            };
            if let Some(p) = index_pat {
                let i_id = self.vars[i].ident.clone();
                let at = match plan.as_ref().and_then(|pl| pl.enum_index(&i_id)) {
                    Some(e) => {
                        let t = self.temp();
                        body.push(Stmt::Let {
                            var: t,
                            mutable: false,
                            ty: None,
                            init: Some(Rhs::Opaque(e)),
                        });
                        t
                    }
                    None => i,
                };
                self.bind_atom(p, None, Atom::Var(at), &mut body)?;
            }
            for ((b, yields_ref), p) in bases.iter().zip(elem_pats) {
                // `iter()` yields `&T`: the element is borrowed unless the pattern is `&x`.
                let by_ref = *yields_ref && !matches!(p, Pat::Reference(_));
                let t = self.temp();
                body.push(Stmt::Let {
                    var: t,
                    mutable: false,
                    ty: None,
                    init: Some(Rhs::Index {
                        base: *b,
                        idx: Atom::Var(i),
                        by_ref,
                    }),
                });
                self.bind_atom(p, None, Atom::Var(t), &mut body)?;
            }
            let (inner, _) = self.lower_block(&f.body.stmts, None)?;
            body.push(Stmt::Scope(inner));
            Ok(Block { stmts: body })
        })();
        self.scopes.pop();
        self.loop_stack.pop();
        out.push(Stmt::Loop { id, body: r? });
        Ok(())
    }

    /// The variables an expression mentions.
    pub(super) fn vars_in(&self, e: &Expr) -> Vec<VarId> {
        struct Names<'a>(&'a Lowerer, Vec<VarId>);
        impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                if let Some(i) = p.path.get_ident() {
                    if let Some(v) = self.0.lookup(&i.to_string()) {
                        self.1.push(v);
                    }
                }
            }
        }
        let mut n = Names(self, Vec::new());
        syn::visit::Visit::visit_expr(&mut n, e);
        n.1
    }
}

/// A range, possibly adapted (`(a..b).rev()`, `.step_by(k)`, `.skip(k)`, `.take(k)`): its items
/// are integers whatever its bounds mention.
pub(super) fn is_range_iter(e: &Expr) -> bool {
    match peel(e) {
        Expr::Range(_) => true,
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "rev" | "step_by" | "skip" | "take" | "chain"
            ) && is_range_iter(&m.receiver)
        }
        _ => false,
    }
}

/// `a..b` iterated with a plain `i` pattern: the loop variable is `a + k` on trip `k`.
fn is_plain_range(e: &Expr, pat: &Pat) -> bool {
    let Pat::Ident(p) = pat else { return false };
    let plain = p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none();
    plain
        && matches!(e, Expr::Range(r)
            if matches!(r.limits, syn::RangeLimits::HalfOpen(_))
                && r.start.is_some()
                && r.end.is_some())
}

impl Lowerer {
    /// `true` when the iterator `e` yields the same number of items whenever it is evaluated
    /// during one call: a bounded range whose bounds are fixed for the call
    /// ([`Lowerer::fixed_for_call`]), through `rev()` and `step_by(s)` with `s` fixed too.
    pub(super) fn fixed_count(&self, e: &Expr) -> bool {
        match e {
            Expr::Paren(p) => self.fixed_count(&p.expr),
            Expr::Group(g) => self.fixed_count(&g.expr),
            Expr::Range(r) => {
                r.start.as_deref().is_some_and(|e| self.fixed_for_call(e))
                    && r.end.as_deref().is_some_and(|e| self.fixed_for_call(e))
            }
            Expr::MethodCall(m) => {
                let args_fixed = match (m.method.to_string().as_str(), m.args.len()) {
                    ("rev", 0) => true,
                    ("step_by", 1) => self.fixed_for_call(&m.args[0]),
                    _ => false,
                };
                args_fixed && self.fixed_count(&m.receiver)
            }
            _ => false,
        }
    }

    /// The bounds of `a..b` with the variables they name, when both are expressions the reverse
    /// sweep can evaluate again (see [`Self::bound_vars`]).
    fn bounds_again(&self, e: &Expr) -> Option<(TokenStream, TokenStream, Vec<VarId>)> {
        let r = match e {
            Expr::Range(r) if matches!(r.limits, syn::RangeLimits::HalfOpen(_)) => r,
            Expr::Paren(p) => return self.bounds_again(&p.expr),
            Expr::Group(g) => return self.bounds_again(&g.expr),
            _ => return None,
        };
        let (a, b) = (r.start.as_deref()?, r.end.as_deref()?);
        let (a, b) = (a.to_token_stream(), b.to_token_stream());
        let mut vars = Vec::new();
        for v in self
            .bound_vars(a.clone())?
            .into_iter()
            .chain(self.bound_vars(b.clone())?)
        {
            if !vars.contains(&v) {
                vars.push(v);
            }
        }
        Some((a, b, vars))
    }

    /// The variables of a loop bound whose value depends on them only: integer literals,
    /// variables, `+ - * / %`, parentheses, `as` casts to integer types, and elements and
    /// `len()` of parameters with a fixed length (`xs[s].len()`, `lo[i + 1]`; a shared
    /// parameter's elements and lengths cannot change during the call). `None` for anything
    /// else (a call, another method, a local container, a path, a field). A variable named
    /// twice is listed twice.
    fn bound_vars(&self, ts: TokenStream) -> Option<Vec<VarId>> {
        use proc_macro2::{Delimiter, TokenTree};
        let mut out = Vec::new();
        // Whether the previous operand is a fixed-length parameter or an element of one (so it
        // may be indexed or asked its length).
        let mut container = false;
        let mut tokens = ts.into_iter();
        while let Some(tt) = tokens.next() {
            let mut next_container = false;
            match tt {
                TokenTree::Ident(i) if i == "as" => match tokens.next() {
                    Some(TokenTree::Ident(t)) if is_int_type(&t.to_string()) => {}
                    _ => return None,
                },
                TokenTree::Ident(i) => {
                    let v = self.lookup(&i.to_string())?;
                    // by reference only: the reverse sweep binds it to the parameter itself
                    next_container = self.fixed_len.contains(&v) && self.ref_vars.contains(&v);
                    out.push(v);
                }
                TokenTree::Literal(l) => {
                    if !matches!(
                        syn::parse2::<syn::Lit>(l.to_token_stream()),
                        Ok(syn::Lit::Int(_))
                    ) {
                        return None;
                    }
                }
                TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                    out.extend(self.bound_vars(g.stream())?);
                }
                TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket && container => {
                    out.extend(self.bound_vars(g.stream())?);
                    next_container = true;
                }
                // `.len()` of a parameter or of one of its elements
                TokenTree::Punct(p) if p.as_char() == '.' && container => {
                    match (tokens.next(), tokens.next()) {
                        (Some(TokenTree::Ident(m)), Some(TokenTree::Group(g)))
                            if m == "len"
                                && g.delimiter() == Delimiter::Parenthesis
                                && g.stream().is_empty() => {}
                        _ => return None,
                    }
                }
                TokenTree::Punct(p) if matches!(p.as_char(), '+' | '-' | '*' | '/' | '%') => {}
                _ => return None,
            }
            container = next_container;
        }
        Some(out)
    }

    /// `true` when `e` has one value for the whole call: integer literals, constants (paths that
    /// name no local: `N`, `Self::N`, `usize::MAX`), names bound once per call without `mut`,
    /// `v.len()` of a parameter with a fixed length, and arithmetic and casts of those.
    pub(super) fn fixed_for_call(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(l) => matches!(l.lit, syn::Lit::Int(_)),
            Expr::Paren(p) => self.fixed_for_call(&p.expr),
            Expr::Group(g) => self.fixed_for_call(&g.expr),
            Expr::Cast(c) => self.fixed_for_call(&c.expr),
            Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Add(_)
                        | syn::BinOp::Sub(_)
                        | syn::BinOp::Mul(_)
                        | syn::BinOp::Div(_)
                        | syn::BinOp::Rem(_)
                ) && self.fixed_for_call(&b.left)
                    && self.fixed_for_call(&b.right)
            }
            Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
                Some(i) => match self.lookup(&i.to_string()) {
                    Some(v) => self.fixed.contains(&v),
                    // A name the lowering does not know (no pattern or `let` binds it) is a
                    // constant only when spelled like one.
                    None => branches::is_constant_name(i),
                },
                None => p.path.segments.len() > 1,
            },
            Expr::MethodCall(m) if m.method == "len" && m.args.is_empty() => self
                .var_of(&m.receiver)
                .is_some_and(|v| self.fixed_len.contains(&v)),
            _ => false,
        }
    }
}

/// `true` for a statement macro that cannot bind a name in the enclosing block: the std macros
/// that only read their arguments ([`opaque::is_read_only_macro`]).
pub(super) fn binds_nothing(mac: &syn::Macro) -> bool {
    opaque::is_read_only_macro(&opaque::macro_name(mac))
}

/// Whether a parameter type is a map or set (`HashMap<K, V>`, `BTreeMap`, `HashSet`,
/// `BTreeSet`, `std::collections::..`, or a reference to one): it is looked up by key, never
/// indexed by position.
pub fn is_keyed_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => is_keyed_type(&r.elem),
        syn::Type::Paren(p) => is_keyed_type(&p.elem),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet"
            )
        }),
        _ => false,
    }
}

/// `true` for a slice, `Vec` or array type, or a shared reference to one: a binding of it
/// without `mut` keeps its length.
pub fn has_plain_len(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => r.mutability.is_none() && has_plain_len(&r.elem),
        syn::Type::Paren(p) => has_plain_len(&p.elem),
        syn::Type::Group(g) => has_plain_len(&g.elem),
        syn::Type::Slice(_) | syn::Type::Array(_) => true,
        syn::Type::Path(p) => {
            p.qself.is_none()
                && p.path.segments.last().is_some_and(|s| s.ident == "Vec")
                && p.path.segments.len() <= 3
        }
        _ => false,
    }
}

/// `(a..b).rev()`, `(a..=b).step_by(s)` and other chains of `rev()` and `step_by(s)` on a
/// bounded range, iterated with a plain `i` pattern: the loop variable runs through an
/// arithmetic progression.
fn is_progression(e: &Expr, pat: &Pat) -> bool {
    fn paren(e: &Expr) -> &Expr {
        match e {
            Expr::Paren(p) => paren(&p.expr),
            Expr::Group(g) => paren(&g.expr),
            _ => e,
        }
    }
    let Pat::Ident(p) = pat else { return false };
    if p.by_ref.is_some() || p.mutability.is_some() || p.subpat.is_some() {
        return false;
    }
    let mut cur = paren(e);
    let mut adapted = false;
    while let Expr::MethodCall(m) = cur {
        let ok = (m.method == "rev" && m.args.is_empty())
            || (m.method == "step_by" && m.args.len() == 1);
        if !ok || m.turbofish.is_some() {
            return false;
        }
        adapted = true;
        cur = paren(&m.receiver);
    }
    adapted && matches!(cur, Expr::Range(r) if r.start.is_some() && r.end.is_some())
}

/// An integer type a loop bound may be cast to.
fn is_int_type(t: &str) -> bool {
    matches!(
        t,
        "usize" | "isize" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64"
    )
}

/// An integer literal, possibly parenthesised (`0`, `(1)`, `2usize`).
/// `0` (any integer suffix).
fn is_zero_literal(e: &Expr) -> bool {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_digits() == "0",
        Expr::Paren(p) => is_zero_literal(&p.expr),
        Expr::Group(g) => is_zero_literal(&g.expr),
        _ => false,
    }
}

fn is_int_literal(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(l.lit, syn::Lit::Int(_)),
        Expr::Paren(p) => is_int_literal(&p.expr),
        Expr::Group(g) => is_int_literal(&g.expr),
        _ => false,
    }
}
