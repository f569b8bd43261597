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
                if let Expr::Let(l) = &*i.cond {
                    // `if let P = e { A } else { B }` is `match e { P => A, _ => B }`.
                    let scrut = &l.expr;
                    check_supported(scrut)?;
                    self.scopes.push(Vec::new());
                    let bound = self.bind_pattern_names(&l.pat);
                    let (mut then, d1) = self.lower_block(&i.then_branch.stmts, result)?;
                    then.stmts.insert(0, Stmt::Bound(bound));
                    self.scopes.pop();
                    let (els, d2) =
                        self.lower_else(i.else_branch.as_ref().map(|(_, e)| &**e), result)?;
                    let pat = &l.pat;
                    out.push(Stmt::Branch {
                        kind: BranchKind::Match {
                            scrutinee: quote! { #scrut },
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
                let cond = i.cond.to_token_stream();
                let (then, d1) = self.lower_block(&i.then_branch.stmts, result)?;
                let (els, d2) =
                    self.lower_else(i.else_branch.as_ref().map(|(_, e)| &**e), result)?;
                out.push(Stmt::Branch {
                    kind: BranchKind::If { cond },
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
                let scrutinee = m.expr.to_token_stream();
                let mut arms = Vec::new();
                let mut heads = Vec::new();
                let mut diverges = Vec::new();
                let mut all_div = true;
                for arm in &m.arms {
                    self.scopes.push(Vec::new());
                    let bound = self.bind_pattern_names(&arm.pat);
                    let pat = &arm.pat;
                    let head = match &arm.guard {
                        Some((_, g)) => {
                            check_supported(g)?;
                            quote! { #pat if #g }
                        }
                        None => quote! { #pat },
                    };
                    let stmts = match &*arm.body {
                        Expr::Block(b) if b.label.is_none() => b.block.stmts.clone(),
                        other => vec![SynStmt::Expr(other.clone(), None)],
                    };
                    let (mut block, div) = self.lower_block(&stmts, result)?;
                    block.stmts.insert(0, Stmt::Bound(bound));
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
