//! Indexing and in-place operations: expression statements, assignments and places.

use super::*;

impl Lowerer {
    pub(super) fn lower_expr_stmt(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<()> {
        match e {
            Expr::Assign(a) => self.lower_assign(&a.left, None, &a.right, out),
            Expr::Binary(b) if compound_op(&b.op).is_some() => {
                let op = compound_op(&b.op).expect("checked");
                if let (Expr::Path(_), Some(v)) = (peel(&b.left), self.var_of(&b.left)) {
                    // `acc += m` on a variable: the operands' shapes are checked first.
                    let r = self.lower_atom_expr(&b.right, out)?;
                    self.check_operand_shapes(op, &Atom::Var(v), &r, b, out);
                    self.check_fieldwise(Some(op), b.op.span(), &[&Atom::Var(v), &r], out);
                    self.mark_assigned(v);
                    out.push(Stmt::Assign {
                        var: v,
                        rhs: Rhs::Bin(op, Atom::Var(v), r),
                    });
                    return Ok(());
                }
                self.lower_assign(&b.left, Some(op), &b.right, out)
            }
            Expr::If(_)
            | Expr::Match(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Block(_) => self.lower_control(e, None, out),
            Expr::Break(_) | Expr::Continue(_) | Expr::Return(_) => {
                self.lower_rhs(e, out)?;
                Ok(())
            }
            Expr::Paren(p) => self.lower_expr_stmt(&p.expr, out),
            Expr::MethodCall(mc) if mc.method == "push" && mc.args.len() == 1 => {
                let Some(base) = self.var_of(&mc.receiver) else {
                    return refuse_at(
                        &mc.receiver,
                        "#[differentiable] supports `push` on a local `Vec` variable only",
                    );
                };
                let len = self.temp();
                let recv = &self.vars[base].ident;
                out.push(Stmt::Let {
                    var: len,
                    mutable: false,
                    ty: None,
                    init: Some(Rhs::Opaque(quote! { #recv.len() })),
                });
                let val = self.lower_atom_expr(&mc.args[0], out)?;
                if let Atom::Var(x) = val {
                    let stored = refs::Stored::Element(x);
                    self.pushed.push((stored, "push", mc.to_token_stream()));
                }
                self.mark_assigned(base);
                out.push(Stmt::Push {
                    base,
                    val,
                    len: Atom::Var(len),
                });
                Ok(())
            }
            Expr::Macro(m) => {
                self.record_macro(&m.mac);
                out.push(Stmt::Effect(quote! { #m; }));
                Ok(())
            }
            Expr::Closure(_)
            | Expr::Unsafe(_)
            | Expr::Async(_)
            | Expr::Await(_)
            | Expr::Try(_)
            | Expr::TryBlock(_)
            | Expr::Yield(_)
            | Expr::RawAddr(_) => self.lower_rhs(e, out).map(|_| ()),
            // Any other expression statement: evaluate for its effects, its value is discarded.
            _ => {
                if let Expr::MethodCall(mc) = e {
                    if self.lower_inplace_statement(mc, out)? {
                        return Ok(());
                    }
                }
                if let Some((a, b)) = inplace::mem_swap_places(e) {
                    if let Expr::Call(syn::ExprCall { func, args, .. }) = e {
                        if let Expr::Path(p) = &**func {
                            let args: Vec<&Expr> = args.iter().collect();
                            out.push(same_function(&p.path, quote! { ::core::mem::swap }, &args));
                        }
                    }
                    if self.lower_mem_swap(e, a, b, out)? {
                        return Ok(());
                    }
                }
                check_supported(e)?;
                self.record_statement(e);
                out.push(Stmt::Effect(quote! { #e; }));
                Ok(())
            }
        }
    }

    /// `place = value` or `place op= value`.
    pub(super) fn lower_assign(
        &mut self,
        place: &Expr,
        op: Option<BinOp>,
        value: &Expr,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        match peel(place) {
            Expr::Path(_) => {
                let Some(v) = self.var_of(place) else {
                    return refuse_at(
                        &place,
                        "assignment to something other than a local variable is not supported in a #[differentiable] function",
                    );
                };
                let rhs = match op {
                    None => self.lower_rhs(value, out)?,
                    Some(op) => {
                        let r = self.lower_atom_expr(value, out)?;
                        self.check_fieldwise(Some(op), place.span(), &[&Atom::Var(v), &r], out);
                        Rhs::Bin(op, Atom::Var(v), r)
                    }
                };
                self.mark_assigned(v);
                out.push(Stmt::Assign { var: v, rhs });
                Ok(())
            }
            Expr::Index(ix) => {
                // Rust evaluates the value first, then the place (and, for `op=` on floats,
                // reads the element after both): `x[{ k += 1; k }] += x[k]` reads `x` at the
                // old `k`. The value is kept in a temporary of its own when the index runs
                // code first, which might change a variable it names.
                let first = self.lower_atom_expr(value, out)?;
                let before = out.len();
                // `w[i][j] = e` on a local of rows (`Vec<Vec<f64>>`): one write on `w` at
                // `At2(i, j)`, whose adjoint the runtime routes to row `i`, element `j`.
                let (base, idx) = match self.row_element(ix, false, out)? {
                    Some(at) => at,
                    None => {
                        let Some(base) = self.var_of(&ix.expr) else {
                            return refuse_at(
                                &ix.expr,
                                "#[differentiable] supports element writes on a local array or `Vec` variable (`y[i] = e`) or on an element of a row of one (`w[i][j] = e`) only",
                            );
                        };
                        (base, self.lower_index_atom(&ix.index, out)?)
                    }
                };
                let first = match first {
                    Atom::Var(v) if may_change(&out[before..], v) => {
                        Atom::Var(self.let_temp_before(Rhs::Copy(Atom::Var(v)), out, before))
                    }
                    a => a,
                };
                let val = match op {
                    None => first,
                    Some(op) => {
                        let r = first;
                        let old = self.let_temp(
                            Rhs::Index {
                                base,
                                idx: idx.clone(),
                                by_ref: false,
                            },
                            out,
                        );
                        self.check_fieldwise(Some(op), place.span(), &[&Atom::Var(old), &r], out);
                        let new = self.let_temp(Rhs::Bin(op, Atom::Var(old), r), out);
                        Atom::Var(new)
                    }
                };
                self.mark_assigned(base);
                out.push(Stmt::IndexWrite { base, idx, val });
                Ok(())
            }
            Expr::Infer(_) => {
                self.record_effect_call(value);
                self.record_hidden(value);
                out.push(Stmt::Effect(quote! { let _ = #value; }));
                Ok(())
            }
            Expr::Tuple(t) if op.is_none() => {
                // `(a, b) = (e1, e2)`: evaluate every right-hand side first.
                let Expr::Tuple(rt) = peel(value) else {
                    return refuse_at(
                        &value,
                        "#[differentiable] needs a tuple expression on the right of a destructuring assignment",
                    );
                };
                if rt.elems.len() != t.elems.len() {
                    return refuse_at(
                        &value,
                        "#[differentiable]: the tuples on the two sides have different lengths",
                    );
                }
                let mut atoms = Vec::new();
                for e in &rt.elems {
                    let a = self.lower_atom_expr(e, out)?;
                    // Freeze variables so later element assignments cannot change them.
                    let frozen = self.let_temp(Rhs::Copy(a), out);
                    atoms.push(Atom::Var(frozen));
                }
                for (p, a) in t.elems.iter().zip(atoms) {
                    let Some(v) = self.var_of(p) else {
                        return refuse_at(
                            &p,
                            "#[differentiable] supports destructuring assignment into local variables only",
                        );
                    };
                    self.mark_assigned(v);
                    out.push(Stmt::Assign {
                        var: v,
                        rhs: Rhs::Copy(a),
                    });
                }
                Ok(())
            }
            Expr::Field(f) => refuse_at(
                &f,
                "assigning to a field is not supported in a #[differentiable] function; keep the value in a local variable (`let mut w = ..;`) and update that",
            ),
            other => refuse_at(
                &other,
                "this assignment target is not supported in a #[differentiable] function",
            ),
        }
    }

    /// The variable a (possibly parenthesised / referenced) path expression names.
    pub(super) fn var_of(&self, e: &Expr) -> Option<VarId> {
        match peel(e) {
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.to_string()))
                .or_else(|| {
                    if p.path.segments.len() == 1 && p.path.segments[0].ident == "self" {
                        self.lookup("self")
                    } else {
                        None
                    }
                }),
            _ => None,
        }
    }

    /// An index expression: integers, kept as written and bound to a temporary when not a
    /// variable or literal (it is saved for the reverse sweep).
    pub(super) fn lower_index_atom(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Atom> {
        if let Expr::Range(r) = peel(e) {
            return refuse_at(
                &r,
                "range indexing `x[a..b]` is supported in a #[differentiable] function only borrowed from a variable: write `let y = &x[a..b];` first, or index elements `x[i]` in a loop",
            );
        }
        self.lower_atom_expr(e, out)
    }

    /// A place read `base[idx]` / `base.member`, by value or (`by_ref`) borrowed; any other
    /// expression under `&` becomes a borrow of its value.
    pub(super) fn lower_place(&mut self, e: &Expr, by_ref: bool, out: &mut Vec<Stmt>) -> R<Rhs> {
        match e {
            Expr::Paren(p) => self.lower_place(&p.expr, by_ref, out),
            Expr::Group(g) => self.lower_place(&g.expr, by_ref, out),
            Expr::Index(ix) if by_ref && matches!(peel(&ix.index), Expr::Range(_)) => {
                self.lower_range_read(ix, out)
            }
            Expr::Index(ix) => {
                // a read by value of an element of a row of a local (a parameter's rows keep
                // their borrowed-row path, which the reverse sweep rebuilds)
                let row = if by_ref {
                    None
                } else {
                    self.row_element(ix, true, out)?
                };
                if let Some((base, idx)) = row {
                    return Ok(Rhs::Index { base, idx, by_ref });
                }
                let base = match self.var_of(&ix.expr) {
                    Some(b) => b,
                    // `self.v[i]`, `m[i][j]`: borrow the inner place, index through the borrow.
                    None => match peel(&ix.expr) {
                        inner @ (Expr::Field(_) | Expr::Index(_)) => {
                            let rhs = self.lower_place(inner, true, out)?;
                            match self.atom_of(rhs, out) {
                                Atom::Var(t) => t,
                                Atom::Const(_) => {
                                    return refuse_at(
                                        &ix.expr,
                                        "#[differentiable] does not support indexing a constant here; bind it to a `let` first",
                                    );
                                }
                            }
                        }
                        _ => {
                            return refuse_at(
                                &ix.expr,
                                "#[differentiable] supports indexing on variables and fields (slices, arrays, `Vec`s, matrices) only; bind the value to a `let` first",
                            );
                        }
                    },
                };
                let idx = self.lower_index_atom(&ix.index, out)?;
                Ok(Rhs::Index { base, idx, by_ref })
            }
            Expr::Field(f) => {
                let base = match peel(&f.base) {
                    inner @ (Expr::Field(_) | Expr::Index(_)) => {
                        // `a.b.c`: borrow the inner place, read the field through it.
                        let rhs = self.lower_place(inner, true, out)?;
                        self.atom_of(rhs, out)
                    }
                    _ => self.lower_atom_expr(&f.base, out)?,
                };
                Ok(Rhs::Field {
                    base,
                    member: f.member.clone(),
                    by_ref,
                })
            }
            other if by_ref => {
                let a = self.lower_atom_expr(other, out)?;
                Ok(Rhs::Ref(a))
            }
            other => self.lower_rhs(other, out),
        }
    }

    /// `w[i][j]` with `w` a variable (not a range at either level; a local when `locals_only`):
    /// `w` and the index `At2(i, j)`, bound to a temporary, so the element is one read or write
    /// on `w` whose adjoint the runtime routes to row `i`, element `j` (O(1), where a read
    /// through a borrowed row would add a whole row's adjoint).
    fn row_element(
        &mut self,
        ix: &syn::ExprIndex,
        locals_only: bool,
        out: &mut Vec<Stmt>,
    ) -> R<Option<(VarId, Atom)>> {
        let Expr::Index(inner) = peel(&ix.expr) else {
            return Ok(None);
        };
        let is_range = |e: &Expr| matches!(peel(e), Expr::Range(_));
        let Some(base) = self.var_of(&inner.expr) else {
            return Ok(None);
        };
        if (locals_only && base < self.n_params) || is_range(&inner.index) || is_range(&ix.index) {
            return Ok(None);
        }
        let i = self.lower_index_atom(&inner.index, out)?;
        let j = self.lower_index_atom(&ix.index, out)?;
        let (ti, tj) = (self.atom_tokens(&i), self.atom_tokens(&j));
        let at = quote! { ::autodiff::__private::At2(#ti, #tj) };
        let t = self.let_temp(Rhs::Opaque(at), out);
        self.row_indices.insert(t, (i, j));
        self.row_spans
            .insert(t, quote::ToTokens::to_token_stream(ix));
        Ok(Some((base, Atom::Var(t))))
    }
}

/// Whether the statements `stmts` (an index's lowering) may change `v`: an assignment of it, an
/// in-place operation, or code passed through as written that may write (not the operand
/// checks every lowered operator leaves).
fn may_change(stmts: &[Stmt], v: VarId) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Assign { var, .. } => *var == v,
        Stmt::InPlace { .. } => true,
        Stmt::Effect(t) => crate::ir::may_write(t.clone()),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => may_change(&b.stmts, v),
        Stmt::Branch { arms, .. } => arms.iter().any(|a| may_change(&a.stmts, v)),
        _ => false,
    })
}
