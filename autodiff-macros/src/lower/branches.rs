//! Branches and control expressions: `if`, `match`, blocks, jumps.

use super::*;

impl Lowerer {
    /// Lowers control flow; `result` receives the value when it is used as an expression.
    pub(super) fn lower_control(
        &mut self,
        e: &Expr,
        result: Option<VarId>,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        match e {
            Expr::Block(b) => {
                if let Some(l) = &b.label {
                    return refuse_at(
                        &l,
                        "labelled blocks are not supported in a #[differentiable] function; use a labelled `loop`",
                    );
                }
                let (block, div) = self.lower_block(&b.block.stmts, result)?;
                out.push(Stmt::Scope(block));
                if div { Err(Stop::Diverged) } else { Ok(()) }
            }
            Expr::If(i) => {
                refuse_let_chain(&i.cond)?;
                if let Expr::Let(l) = &*i.cond {
                    if let Some((cond, bind)) = self.pop_loop_rewrite(l) {
                        let mut i2 = i.clone();
                        *i2.cond = cond;
                        i2.then_branch.stmts.insert(0, bind);
                        return self.lower_control(&Expr::If(i2), result, out);
                    }
                    // `if let P = e { A } else { B }` is `match e { P => A, _ => B }`.
                    let scrut = &l.expr;
                    check_supported(scrut)?;
                    let from = if is_structural(&l.pat)
                        && binds_names(&l.pat)
                        && (!options::has_some_pattern(&l.pat)
                            || options::option_scrutinee_ok(self, scrut))
                    {
                        Some(self.lower_atom_expr(scrut, out)?)
                    } else {
                        None
                    };
                    self.scopes.push(Vec::new());
                    let bound = self.bind_pattern_names(&l.pat);
                    let mut rebind = Vec::new();
                    match &from {
                        Some(s) => self.bind_atom(&l.pat, None, s.clone(), &mut rebind)?,
                        None => {
                            self.record_scrutinee(scrut, l.pat.to_token_stream(), !bound.is_empty())
                        }
                    }
                    let (mut then, d1) = self.lower_block(&i.then_branch.stmts, result)?;
                    then.stmts
                        .splice(0..0, std::iter::once(Stmt::Bound(bound)).chain(rebind));
                    self.scopes.pop();
                    let scrut_tokens = match &from {
                        Some(s) => self.atom_tokens(s),
                        None => scrut.to_token_stream(),
                    };
                    let (els, d2) =
                        self.lower_else(i.else_branch.as_ref().map(|(_, e)| &**e), result)?;
                    let pat = &l.pat;
                    out.push(Stmt::Branch {
                        kind: BranchKind::Match {
                            scrutinee: scrut_tokens,
                            heads: vec![quote! { #pat }, quote! { _ }],
                        },
                        arms: vec![then, els],
                        diverges: vec![d1, d2],
                    });
                    return if d1 && d2 {
                        Err(Stop::Diverged)
                    } else {
                        Ok(())
                    };
                }
                check_supported(&i.cond)?;
                self.record_hidden(&i.cond);
                let cond = if crate::naming::order2() {
                    self.hoist_calls(&i.cond, out)?
                } else {
                    (*i.cond).clone()
                };
                let cond = cond.to_token_stream();
                let vars = self.pure_cond_vars(cond.clone());
                let (then, d1) = self.lower_block(&i.then_branch.stmts, result)?;
                let (els, d2) =
                    self.lower_else(i.else_branch.as_ref().map(|(_, e)| &**e), result)?;
                out.push(Stmt::Branch {
                    kind: BranchKind::If { cond, vars },
                    arms: vec![then, els],
                    diverges: vec![d1, d2],
                });
                if d1 && d2 {
                    Err(Stop::Diverged)
                } else {
                    Ok(())
                }
            }
            Expr::Match(m) => {
                check_supported(&m.expr)?;
                // In second-order code, calls in the scrutinee run before the branch (see
                // `hoist_calls`).
                let hoisted;
                let m = if crate::naming::order2() {
                    let mut m2 = m.clone();
                    *m2.expr = self.hoist_calls(&m.expr, out)?;
                    hoisted = m2;
                    &hoisted
                } else {
                    m
                };
                // Arms whose patterns are names and tuples of names bind from a differentiable
                // scrutinee: it is lowered to an atom, and each arm rebinds its names from it.
                let from = if m.arms.iter().all(|a| is_structural(&a.pat))
                    && m.arms.iter().any(|a| binds_names(&a.pat))
                    && (!m.arms.iter().any(|a| options::has_some_pattern(&a.pat))
                        || options::option_scrutinee_ok(self, &m.expr))
                {
                    Some(self.lower_atom_expr(&m.expr, out)?)
                } else {
                    None
                };
                let scrutinee = match &from {
                    Some(s) => self.atom_tokens(s),
                    None => m.expr.to_token_stream(),
                };
                let mut arms = Vec::new();
                let mut heads = Vec::new();
                let mut diverges = Vec::new();
                let mut all_div = true;
                for arm in &m.arms {
                    self.scopes.push(Vec::new());
                    let bound = self.bind_pattern_names(&arm.pat);
                    if from.is_none() {
                        self.record_scrutinee(
                            &m.expr,
                            arm.pat.to_token_stream(),
                            !bound.is_empty(),
                        );
                    }
                    let pat = &arm.pat;
                    let head = match &arm.guard {
                        Some((_, g)) => {
                            check_supported(g)?;
                            self.record_hidden(g);
                            quote! { #pat if #g }
                        }
                        None => quote! { #pat },
                    };
                    let stmts = match &*arm.body {
                        Expr::Block(b) if b.label.is_none() => b.block.stmts.clone(),
                        other => vec![SynStmt::Expr(other.clone(), None)],
                    };
                    let mut rebind = Vec::new();
                    if let Some(s) = &from {
                        self.scopes.push(Vec::new());
                        self.bind_atom(&arm.pat, None, s.clone(), &mut rebind)?;
                    }
                    let r = self.lower_block(&stmts, result);
                    if from.is_some() {
                        self.scopes.pop();
                    }
                    let (mut block, div) = r?;
                    block
                        .stmts
                        .splice(0..0, std::iter::once(Stmt::Bound(bound)).chain(rebind));
                    self.scopes.pop();
                    all_div &= div;
                    heads.push(head);
                    arms.push(block);
                    diverges.push(div);
                }
                out.push(Stmt::Branch {
                    kind: BranchKind::Match { scrutinee, heads },
                    arms,
                    diverges,
                });
                if all_div { Err(Stop::Diverged) } else { Ok(()) }
            }
            Expr::Loop(l) => {
                let id = self.new_loop(l.label.as_ref().map(|l| l.name.clone()));
                self.loop_stack.push(LoopCtx { id, result });
                let r = self.lower_block(&l.body.stmts, None);
                self.loop_stack.pop();
                let (body, _) = r?;
                out.push(Stmt::Loop { id, body });
                Ok(())
            }
            Expr::While(w) => {
                if let Some(counted) = super::counted_while::desugar(w, self.loop_stack.len()) {
                    return self.lower_control(&counted, result, out);
                }
                let id = self.new_loop(w.label.as_ref().map(|l| l.name.clone()));
                self.loop_stack.push(LoopCtx { id, result: None });
                let r = self.lower_while(w, id);
                self.loop_stack.pop();
                out.push(Stmt::Loop { id, body: r? });
                Ok(())
            }
            Expr::ForLoop(f) => self.lower_for(f, out),
            _ => {
                let r = self.lower_rhs(e, out)?;
                if let Some(t) = result {
                    self.mark_assigned(t);
                    out.push(Stmt::Assign { var: t, rhs: r });
                }
                Ok(())
            }
        }
    }

    pub(super) fn lower_else(
        &mut self,
        e: Option<&Expr>,
        result: Option<VarId>,
    ) -> Result<(Block, bool), syn::Error> {
        match e {
            None => Ok((Block::default(), false)),
            Some(Expr::Block(b)) if b.label.is_none() => self.lower_block(&b.block.stmts, result),
            Some(other) => {
                // `else if ..`: a block holding the nested `if`.
                let mut out = Vec::new();
                match self.lower_control(other, result, &mut out) {
                    Ok(()) => Ok((Block { stmts: out }, false)),
                    Err(Stop::Diverged) => Ok((Block { stmts: out }, true)),
                    Err(Stop::Err(e)) => Err(e),
                }
            }
        }
    }
}

/// Refuses a `let` inside a condition other than the whole condition (a let chain, `if let P =
/// e && c`): the names it binds are bound by code the macro does not see into.
pub(super) fn refuse_let_chain(cond: &Expr) -> R<()> {
    struct Find<'a>(Option<&'a syn::ExprLet>);
    impl<'ast> syn::visit::Visit<'ast> for Find<'ast> {
        fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
            self.0.get_or_insert(l);
        }
        // A closure or block in the condition has conditions of its own.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_block(&mut self, _: &'ast syn::ExprBlock) {}
    }
    if matches!(cond, Expr::Let(_)) {
        return Ok(());
    }
    let mut f = Find(None);
    syn::visit::Visit::visit_expr(&mut f, cond);
    match f.0 {
        Some(l) => refuse_at(
            l,
            "let chains (`if let P = e && c`, `while let P = e && c`) are not supported in a \
             #[differentiable] function; nest them: `if let P = e { if c { .. } }`",
        ),
        None => Ok(()),
    }
}

/// A pattern made of names, tuples, `_` and literals: it can rebind its names from an atom.
fn is_structural(p: &Pat) -> bool {
    match p {
        // Another uppercase single name may be a binding or a constant (`V`, `MAX`): rebinding
        // it (`let V = ..;`) is refused by rustc when it is a constant, so such a pattern binds
        // from code the lowering does not see into (a derivative through it is refused).
        Pat::Ident(pi) => {
            pi.by_ref.is_none()
                && pi.subpat.is_none()
                && (is_unit_variant(&pi.ident) || !is_constant_name(&pi.ident))
        }
        Pat::Tuple(t) => t.elems.iter().all(is_structural),
        Pat::Paren(pp) => is_structural(&pp.pat),
        Pat::Type(pt) => is_structural(&pt.pat),
        Pat::Wild(_) | Pat::Lit(_) | Pat::Range(_) => true,
        Pat::TupleStruct(_) => options::some_pattern(p).is_some_and(is_structural),
        // `A | B` binding no names (`Some(None) | None`)
        Pat::Or(o) => o.cases.iter().all(|c| is_structural(c) && !binds_names(c)),
        _ => false,
    }
}

/// Whether a pattern binds a name (a well-known unit variant binds none; another uppercase
/// single name is counted as a binding, which it is unless a constant of that name is in scope).
pub(super) fn binds_names(p: &Pat) -> bool {
    match p {
        Pat::Ident(pi) => !is_unit_variant(&pi.ident),
        Pat::TupleStruct(_) => options::some_pattern(p).is_some_and(binds_names),
        Pat::Tuple(t) => t.elems.iter().any(binds_names),
        Pat::Paren(pp) => binds_names(&pp.pat),
        Pat::Type(pt) => binds_names(&pt.pat),
        _ => false,
    }
}

/// The unit variants of the prelude and `std::cmp::Ordering` (`None`, `Less`, `Equal`,
/// `Greater`): a pattern of one of them binds nothing.
pub(super) fn is_unit_variant(i: &proc_macro2::Ident) -> bool {
    matches!(
        i.to_string().as_str(),
        "None" | "Less" | "Equal" | "Greater"
    )
}

/// Spelled like a constant (an uppercase first letter).
pub(super) fn is_constant_name(i: &proc_macro2::Ident) -> bool {
    i.to_string()
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase())
}

/// Whether `hoist_calls` looks inside `e`: not into closures, nested blocks, branches, loops
/// or macros, whose calls run only when (and as often as) their own code says.
fn enters(e: &Expr) -> bool {
    !matches!(
        e,
        Expr::Closure(_)
            | Expr::If(_)
            | Expr::Match(_)
            | Expr::Block(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Macro(_)
    )
}

/// Whether `e` calls a function of the user's where `hoist_calls` looks (see [`enters`]).
fn has_user_call(e: &Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Call(c) if super::calls::is_user_call(c) => self.0 = true,
                _ if enters(e) => syn::visit::visit_expr(self, e),
                _ => {}
            }
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_expr(&mut f, e);
    f.0
}

impl Lowerer {
    /// `cond` with each call that always runs (not behind `&&` or `||`, nor in a nested block)
    /// lowered before the branch and read from its temporary: in second-order code the call
    /// goes to the callee's companion, since the callee as written takes `f64`s, not the dual
    /// numbers its arguments are there (`if dot(p, p) > 1.0 { .. }`).
    pub(super) fn hoist_calls(&mut self, cond: &Expr, out: &mut Vec<Stmt>) -> R<Expr> {
        struct Hoist<'a> {
            lowerer: &'a mut Lowerer,
            out: &'a mut Vec<Stmt>,
            err: Option<Stop>,
        }
        impl Hoist<'_> {
            /// Lowers `lowered` before the branch and puts its temporary in place of `e`.
            fn replace_lowered(&mut self, e: &mut Expr, lowered: &Expr) {
                match self.lowerer.lower_atom_expr(lowered, self.out) {
                    Ok(a) => {
                        let t = self.lowerer.atom_tokens(&a);
                        *e = syn::parse_quote!(#t);
                    }
                    Err(err) => self.err = Some(err),
                }
            }
        }
        impl syn::visit_mut::VisitMut for Hoist<'_> {
            fn visit_expr_mut(&mut self, e: &mut Expr) {
                if self.err.is_some() {
                    return;
                }
                match e {
                    Expr::Call(c) if super::calls::is_user_call(c) => {
                        let call = e.clone();
                        self.replace_lowered(e, &call);
                    }
                    // The right operand of `&&` and `||` may not run: with a call in it, the
                    // operator becomes the `if` it stands for (`a && b` is `if a { b } else {
                    // false }`, `a || b` is `if a { true } else { b }`), lowered into a
                    // temporary, so the call runs through its companion only when it would
                    // have run.
                    Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                        if has_user_call(&b.right) {
                            let (l, r) = (&b.left, &b.right);
                            let as_if: Expr = if matches!(b.op, syn::BinOp::And(_)) {
                                syn::parse_quote!(if #l { #r } else { false })
                            } else {
                                syn::parse_quote!(if #l { true } else { #r })
                            };
                            self.replace_lowered(e, &as_if);
                        } else {
                            self.visit_expr_mut(&mut b.left);
                        }
                    }
                    _ if enters(e) => syn::visit_mut::visit_expr_mut(self, e),
                    _ => {}
                }
            }
        }
        let mut e = cond.clone();
        let mut h = Hoist {
            lowerer: self,
            out,
            err: None,
        };
        syn::visit_mut::VisitMut::visit_expr_mut(&mut h, &mut e);
        match h.err {
            Some(err) => Err(err),
            None => Ok(e),
        }
    }
}
