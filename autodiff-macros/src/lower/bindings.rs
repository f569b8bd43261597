//! Bindings and patterns: `let` statements and the names a pattern binds.

use super::*;

impl Lowerer {
    pub(super) fn lower_local(&mut self, local: &syn::Local, out: &mut Vec<Stmt>) -> R<()> {
        if let Some(init) = &local.init {
            if let Some((_, diverge)) = &init.diverge {
                return refuse_at(
                    &diverge,
                    "`let ... else` is not supported in a #[differentiable] function; use `match` instead",
                );
            }
            self.bind_pattern(&local.pat, None, Some(&init.expr), out)
        } else {
            self.bind_pattern(&local.pat, None, None, out)
        }
    }

    /// Binds `pat` (optionally typed) to the value of `init`.
    pub(super) fn bind_pattern(
        &mut self,
        pat: &Pat,
        ty: Option<&syn::Type>,
        init: Option<&Expr>,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        match pat {
            Pat::Type(pt) => self.bind_pattern(&pt.pat, Some(&pt.ty), init, out),
            Pat::Ident(pi) => {
                if pi.by_ref.is_some() {
                    return refuse_at(
                        &pi,
                        "`ref` bindings are not supported in a #[differentiable] function; bind by value",
                    );
                }
                if let Some((_, sub)) = &pi.subpat {
                    return refuse_at(
                        &sub,
                        "`name @ pattern` bindings are not supported in a #[differentiable] function",
                    );
                }
                let rhs = match init {
                    Some(e) => Some(self.lower_rhs(e, out)?),
                    None => None,
                };
                let v = self.new_var(pi.ident.clone());
                self.bind(&pi.ident.to_string(), v);
                if pi.mutability.is_none() && self.loop_stack.is_empty() {
                    // Bound at most once per call and never changed.
                    self.fixed.insert(v);
                }
                out.push(Stmt::Let {
                    var: v,
                    mutable: pi.mutability.is_some(),
                    ty: ty.cloned().map(Box::new),
                    init: rhs,
                });
                Ok(())
            }
            Pat::Wild(_) => {
                if let Some(e) = init {
                    self.record_effect_call(e);
                    self.record_hidden(e);
                    out.push(Stmt::Effect(quote! { let _ = #e; }));
                }
                Ok(())
            }
            // `let &k = r;` binds `k` to the value behind `r`: `let k = *r;`.
            Pat::Reference(pr) => match init {
                Some(e) => {
                    let deref: Expr = syn::parse_quote! { *(#e) };
                    self.bind_pattern(&pr.pat, None, Some(&deref), out)
                }
                None => self.bind_pattern(&pr.pat, None, init, out),
            },
            Pat::Paren(pp) => self.bind_pattern(&pp.pat, ty, init, out),
            Pat::Tuple(pt) => {
                let Some(init) = init else {
                    return refuse_at(
                        &pt,
                        "#[differentiable] needs an initializer for a tuple pattern here; declare each name with its own `let`",
                    );
                };
                let elem_tys: Vec<Option<syn::Type>> = match ty {
                    Some(syn::Type::Tuple(tt)) if tt.elems.len() == pt.elems.len() => {
                        tt.elems.iter().cloned().map(Some).collect()
                    }
                    _ => vec![None; pt.elems.len()],
                };
                if let Expr::Tuple(te) = peel(init) {
                    if te.elems.len() == pt.elems.len() {
                        // `let (a, b) = (x, y)`: evaluate all first, then bind (so `(a, b) = (b, a)`-like
                        // forms see the old values).
                        // A bare name the pattern rebinds (`let (x, y) = (y, x)`) is copied
                        // first: generated code spells variables by name, and binding `x` would
                        // shadow the `x` a later element reads.
                        let rebound = opaque::pat_idents(pat);
                        let mut atoms = Vec::new();
                        for e in &te.elems {
                            let a = self.lower_atom_expr(e, out)?;
                            let a = match a {
                                Atom::Var(v)
                                    if rebound.iter().any(|r| {
                                        let s = self.vars[v].ident.to_string();
                                        *r == s.strip_prefix("r#").unwrap_or(&s)
                                    }) =>
                                {
                                    let t = self.let_temp(Rhs::Copy(Atom::Var(v)), out);
                                    Atom::Var(t)
                                }
                                other => other,
                            };
                            atoms.push(a);
                        }
                        for ((p, a), t) in pt.elems.iter().zip(atoms).zip(elem_tys) {
                            self.bind_atom(p, t.as_ref(), a, out)?;
                        }
                        return Ok(());
                    }
                }
                let whole = self.lower_atom_expr(init, out)?;
                for (k, (p, t)) in pt.elems.iter().zip(elem_tys).enumerate() {
                    if matches!(p, Pat::Wild(_)) {
                        continue;
                    }
                    let member = syn::Member::Unnamed(syn::Index {
                        index: k as u32,
                        span: p.span(),
                    });
                    let tmp = self.let_temp(
                        Rhs::Field {
                            base: whole.clone(),
                            member,
                            by_ref: false,
                        },
                        out,
                    );
                    self.bind_atom(p, t.as_ref(), Atom::Var(tmp), out)?;
                }
                Ok(())
            }
            other => refuse_at(
                &other,
                "this pattern is not supported in a #[differentiable] function; bind names, tuples of names or `_`",
            ),
        }
    }

    /// Binds a pattern to an already lowered atom.
    pub(super) fn bind_atom(
        &mut self,
        pat: &Pat,
        ty: Option<&syn::Type>,
        a: Atom,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        match pat {
            // A well-known unit variant (`None`) binds nothing.
            Pat::Ident(pi) if branches::is_unit_variant(&pi.ident) && pi.subpat.is_none() => Ok(()),
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                let v = self.new_var(pi.ident.clone());
                self.bind(&pi.ident.to_string(), v);
                if pi.mutability.is_none() && self.loop_stack.is_empty() {
                    // Bound at most once per call and never changed.
                    self.fixed.insert(v);
                }
                out.push(Stmt::Let {
                    var: v,
                    mutable: pi.mutability.is_some(),
                    ty: ty.cloned().map(Box::new),
                    init: Some(Rhs::Copy(a)),
                });
                Ok(())
            }
            Pat::Wild(_) | Pat::Lit(_) | Pat::Range(_) => Ok(()),
            Pat::Or(o) if !o.cases.iter().any(branches::binds_names) => Ok(()),
            Pat::TupleStruct(_) if options::some_pattern(pat).is_some() => {
                let inner = options::some_pattern(pat).expect("checked");
                if branches::binds_names(inner) {
                    self.bind_some(inner, a, out)?;
                }
                Ok(())
            }
            // `&k` over a reference `a` binds `k` to the value behind it (`*a`, a copy with the
            // same adjoint).
            Pat::Reference(pr) => {
                let t = self.let_temp(
                    Rhs::Clone {
                        x: a,
                        method: proc_macro2::Ident::new("clone", pr.and_token.span),
                    },
                    out,
                );
                self.bind_atom(&pr.pat, None, Atom::Var(t), out)
            }
            Pat::Type(pt) => self.bind_atom(&pt.pat, Some(&pt.ty), a, out),
            Pat::Paren(pp) => self.bind_atom(&pp.pat, ty, a, out),
            Pat::Tuple(pt) => {
                for (k, p) in pt.elems.iter().enumerate() {
                    if matches!(p, Pat::Wild(_)) {
                        continue;
                    }
                    let member = syn::Member::Unnamed(syn::Index {
                        index: k as u32,
                        span: p.span(),
                    });
                    let tmp = self.let_temp(
                        Rhs::Field {
                            base: a.clone(),
                            member,
                            by_ref: false,
                        },
                        out,
                    );
                    self.bind_atom(p, None, Atom::Var(tmp), out)?;
                }
                Ok(())
            }
            other => refuse_at(
                &other,
                "this pattern is not supported in a #[differentiable] function; bind names, tuples of names or `_`",
            ),
        }
    }

    /// Registers the names a pattern binds (`for`, `match` arm, `if let`, `while let`).
    pub(super) fn bind_pattern_names(&mut self, pat: &Pat) -> Vec<VarId> {
        struct Names<'a>(&'a mut Vec<proc_macro2::Ident>);
        impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(p.ident.clone());
                syn::visit::visit_pat_ident(self, p);
            }
        }
        let mut names = Vec::new();
        let mut ids = Vec::new();
        syn::visit::Visit::visit_pat(&mut Names(&mut names), pat);
        for n in names {
            // A well-known unit variant (`None`) binds nothing. Any other name is bound,
            // uppercase ones too (`for N in 1..3`, a `match` arm `K`): unless a constant of that
            // name is in scope (then the pattern compares with it, and the name means the same
            // value in the arm), it is a binding.
            let s = n.to_string();
            if branches::is_unit_variant(&n) {
                continue;
            }
            let v = self.new_var(n.clone());
            self.bind(&s, v);
            ids.push(v);
        }
        ids
    }
}
