//! Lowering: the function body (syn AST) into the AD IR of [`crate::ir`].
//!
//! Differentiable expressions become one operation per statement on atoms; everything that cannot
//! carry a derivative (comparisons, integer casts, `len()`, `stop_gradient(..)`, macros) stays as
//! written. Constructs the macro cannot differentiate are refused here with a spanned error.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{BinOp as SynBinOp, Expr, Pat, Stmt as SynStmt, UnOp};

use crate::ir::*;
use crate::methods;
use crate::naming;

/// Why lowering of an expression stopped.
pub enum Stop {
    Err(syn::Error),
    /// Control left the expression (`return`, `break`, `continue`): the rest is unreachable.
    Diverged,
}

impl From<syn::Error> for Stop {
    fn from(e: syn::Error) -> Self {
        Stop::Err(e)
    }
}

type R<T> = Result<T, Stop>;

fn refuse<T>(span: Span, msg: impl std::fmt::Display) -> R<T> {
    Err(Stop::Err(syn::Error::new(span, msg)))
}

/// An error covering every token of `node` (on stable, a single span covers only one token).
fn refuse_at<T>(node: &impl ToTokens, msg: impl std::fmt::Display) -> R<T> {
    Err(Stop::Err(syn::Error::new_spanned(node, msg)))
}

/// A parameter of the function being lowered.
pub struct ParamIn {
    pub ident: proc_macro2::Ident,
    /// The parameter's type is a reference.
    pub is_ref: bool,
}

struct LoopCtx {
    id: LoopId,
    result: Option<VarId>,
}

/// Marks variables that hold references: `&T` parameters and results of borrows.
fn mark_refs(func: &mut Func, params: &[VarId], input: &[ParamIn]) {
    for (v, p) in params.iter().zip(input) {
        func.vars[*v].is_ref = p.is_ref;
        func.vars[*v].borrows_param = p.is_ref;
    }
    /// (variable, the variable its borrow starts from, if any)
    fn walk(b: &Block, out: &mut Vec<(VarId, Option<VarId>)>, copies: &mut Vec<(VarId, VarId)>) {
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    var,
                    init: Some(rhs),
                    ..
                }
                | Stmt::Assign { var, rhs } => match rhs {
                    Rhs::Ref(Atom::Var(b))
                    | Rhs::Field {
                        base: Atom::Var(b),
                        by_ref: true,
                        ..
                    } => out.push((*var, Some(*b))),
                    Rhs::Index {
                        base, by_ref: true, ..
                    } => out.push((*var, Some(*base))),
                    Rhs::Ref(_) | Rhs::Field { by_ref: true, .. } => out.push((*var, None)),
                    // A copy of a reference is a reference (`for x in v.iter()` binds `x = &v[i]`).
                    Rhs::Copy(Atom::Var(b)) => copies.push((*var, *b)),
                    _ => {}
                },
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => walk(b, out, copies),
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| walk(a, out, copies)),
                _ => {}
            }
        }
    }
    let mut refs = Vec::new();
    let mut copies = Vec::new();
    walk(&func.body, &mut refs, &mut copies);
    for (v, _) in &refs {
        func.vars[*v].is_ref = true;
    }
    // Copies of references, to a fixed point (a copy keeps the original's borrow).
    loop {
        let mut changed = false;
        for (v, b) in &copies {
            if func.vars[*b].is_ref && !func.vars[*v].is_ref {
                func.vars[*v].is_ref = true;
                refs.push((*v, Some(*b)));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A borrow of a parameter (or of a borrow of one) outlives every pullback; a parameter that is
    // reassigned may be rebound to a local, so it does not count.
    let param_ok = |f: &Func, b: VarId| params.contains(&b) && !f.vars[b].reassigned;
    loop {
        let mut changed = false;
        for (v, root) in &refs {
            let ok = root.is_some_and(|b| {
                param_ok(func, b) || (func.vars[b].borrows_param && !func.vars[b].reassigned)
            });
            if ok && !func.vars[*v].borrows_param && !func.vars[*v].reassigned {
                func.vars[*v].borrows_param = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The lowering state.
pub struct Lowerer {
    vars: Vec<Var>,
    loops: Vec<LoopInfo>,
    scopes: Vec<Vec<(String, VarId)>>,
    loop_stack: Vec<LoopCtx>,
    ntemps: usize,
    iter_uses: Vec<(Vec<VarId>, TokenStream)>,
    ret: VarId,
    /// Variables known while lowering to hold references (`&T` parameters, hoisted borrows).
    ref_vars: std::collections::HashSet<VarId>,
    /// Items (`const`, `fn`, `use`) declared in the body, hoisted to the top of generated functions.
    pub items: Vec<TokenStream>,
}

/// Lowers a function body; returns the IR and the param var ids (in order).
pub fn lower_fn(
    params: &[ParamIn],
    body: &syn::Block,
) -> Result<(Func, Vec<VarId>, Vec<TokenStream>), syn::Error> {
    let mut lw = Lowerer {
        vars: Vec::new(),
        loops: Vec::new(),
        scopes: vec![Vec::new()],
        loop_stack: Vec::new(),
        ntemps: 0,
        iter_uses: Vec::new(),
        ret: 0,
        items: Vec::new(),
        ref_vars: std::collections::HashSet::new(),
    };
    let mut ids = Vec::new();
    for p in params {
        let v = lw.new_var(p.ident.clone());
        lw.bind(&p.ident.to_string(), v);
        if p.is_ref {
            lw.ref_vars.insert(v);
        }
        ids.push(v);
    }
    lw.ret = lw.new_var(naming::fixed("__ret"));
    let ret = lw.ret;
    let (block, _) = lw.lower_block(&body.stmts, Some(ret))?;
    let mut func = Func {
        vars: lw.vars,
        loops: lw.loops,
        body: block,
        ret,
        iter_uses: lw.iter_uses,
    };
    mark_refs(&mut func, &ids, params);
    Ok((func, ids, lw.items))
}

impl Lowerer {
    fn new_var(&mut self, ident: proc_macro2::Ident) -> VarId {
        self.vars.push(Var {
            ident,
            reassigned: false,
            is_ref: false,
            borrows_param: false,
        });
        self.vars.len() - 1
    }

    fn temp(&mut self) -> VarId {
        self.ntemps += 1;
        self.new_var(naming::temp(self.ntemps))
    }

    fn bind(&mut self, name: &str, v: VarId) {
        self.scopes
            .last_mut()
            .expect("a scope")
            .push((name.to_string(), v));
    }

    fn lookup(&self, name: &str) -> Option<VarId> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    fn mark_assigned(&mut self, v: VarId) {
        self.vars[v].reassigned = true;
    }

    /// Lowers a statement list in a new scope. `result`: where the tail expression goes.
    /// Returns the block and whether it always diverges.
    fn lower_block(
        &mut self,
        stmts: &[SynStmt],
        result: Option<VarId>,
    ) -> Result<(Block, bool), syn::Error> {
        self.scopes.push(Vec::new());
        let mut out = Vec::new();
        let mut diverged = false;
        for (i, st) in stmts.iter().enumerate() {
            let is_tail = i + 1 == stmts.len();
            let r = match st {
                SynStmt::Expr(e, None) if is_tail && result.is_some() => {
                    self.lower_into(e, result.expect("checked"), &mut out)
                }
                _ => self.lower_stmt(st, &mut out),
            };
            match r {
                Ok(()) => {}
                Err(Stop::Diverged) => {
                    diverged = true;
                    break;
                }
                Err(Stop::Err(e)) => {
                    self.scopes.pop();
                    return Err(e);
                }
            }
        }
        self.scopes.pop();
        Ok((Block { stmts: out }, diverged))
    }

    /// Lowers `e` and assigns its value to `target`.
    fn lower_into(&mut self, e: &Expr, target: VarId, out: &mut Vec<Stmt>) -> R<()> {
        let rhs = self.lower_rhs(e, out)?;
        self.mark_assigned(target);
        out.push(Stmt::Assign { var: target, rhs });
        Ok(())
    }

    fn lower_stmt(&mut self, st: &SynStmt, out: &mut Vec<Stmt>) -> R<()> {
        match st {
            SynStmt::Local(local) => self.lower_local(local, out),
            SynStmt::Item(item) => {
                match item {
                    syn::Item::Const(_)
                    | syn::Item::Fn(_)
                    | syn::Item::Use(_)
                    | syn::Item::Static(_) => self.items.push(item.to_token_stream()),
                    other => {
                        return refuse_at(
                            &other,
                            "this item is not supported inside a #[differentiable] function; move it outside the function",
                        );
                    }
                }
                Ok(())
            }
            SynStmt::Macro(m) => {
                out.push(Stmt::Effect(m.to_token_stream()));
                Ok(())
            }
            SynStmt::Expr(e, _) => self.lower_expr_stmt(e, out),
        }
    }

    fn lower_local(&mut self, local: &syn::Local, out: &mut Vec<Stmt>) -> R<()> {
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
    fn bind_pattern(
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
                    out.push(Stmt::Effect(quote! { let _ = #e; }));
                }
                Ok(())
            }
            Pat::Reference(pr) => self.bind_pattern(&pr.pat, None, init, out),
            Pat::Paren(pp) => self.bind_pattern(&pp.pat, ty, init, out),
            Pat::Tuple(pt) => {
                let Some(init) = init else {
                    return refuse_at(
                        &pt,
                        "a tuple pattern needs an initializer here; declare each name with its own `let`",
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
                        let mut atoms = Vec::new();
                        for e in &te.elems {
                            atoms.push(self.lower_atom_expr(e, out)?);
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
                    let tmp = self.temp();
                    out.push(Stmt::Let {
                        var: tmp,
                        mutable: false,
                        ty: None,
                        init: Some(Rhs::Field {
                            base: whole.clone(),
                            member,
                            by_ref: false,
                        }),
                    });
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
    fn bind_atom(
        &mut self,
        pat: &Pat,
        ty: Option<&syn::Type>,
        a: Atom,
        out: &mut Vec<Stmt>,
    ) -> R<()> {
        match pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                let v = self.new_var(pi.ident.clone());
                self.bind(&pi.ident.to_string(), v);
                out.push(Stmt::Let {
                    var: v,
                    mutable: pi.mutability.is_some(),
                    ty: ty.cloned().map(Box::new),
                    init: Some(Rhs::Copy(a)),
                });
                Ok(())
            }
            Pat::Wild(_) => Ok(()),
            Pat::Reference(pr) => self.bind_atom(&pr.pat, None, a, out),
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
                    let tmp = self.temp();
                    out.push(Stmt::Let {
                        var: tmp,
                        mutable: false,
                        ty: None,
                        init: Some(Rhs::Field {
                            base: a.clone(),
                            member,
                            by_ref: false,
                        }),
                    });
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

    /// Registers the names a `match` arm pattern binds (constant values).
    fn bind_pattern_names(&mut self, pat: &Pat) -> Vec<VarId> {
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
            // An uppercase single name is most likely a constant or a unit variant, not a binding.
            let s = n.to_string();
            if s.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            let v = self.new_var(n.clone());
            self.bind(&s, v);
            ids.push(v);
        }
        ids
    }

    fn lower_expr_stmt(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<()> {
        match e {
            Expr::Assign(a) => self.lower_assign(&a.left, None, &a.right, out),
            Expr::Binary(b) if compound_op(&b.op).is_some() => {
                let op = compound_op(&b.op).expect("checked");
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
                        "`push` is supported on a local `Vec` variable only",
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
                self.mark_assigned(base);
                out.push(Stmt::Push {
                    base,
                    val,
                    len: Atom::Var(len),
                });
                Ok(())
            }
            Expr::Macro(m) => {
                out.push(Stmt::Effect(quote! { #m; }));
                Ok(())
            }
            Expr::Closure(_)
            | Expr::Unsafe(_)
            | Expr::Async(_)
            | Expr::Await(_)
            | Expr::Try(_)
            | Expr::TryBlock(_) => self.lower_rhs(e, out).map(|_| ()),
            // Any other expression statement: evaluate for its effects, its value is discarded.
            _ => {
                check_supported(e)?;
                out.push(Stmt::Effect(quote! { #e; }));
                Ok(())
            }
        }
    }

    /// `place = value` or `place op= value`.
    fn lower_assign(
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
                        Rhs::Bin(op, Atom::Var(v), r)
                    }
                };
                self.mark_assigned(v);
                out.push(Stmt::Assign { var: v, rhs });
                Ok(())
            }
            Expr::Index(ix) => {
                let Some(base) = self.var_of(&ix.expr) else {
                    return refuse_at(
                        &ix.expr,
                        "element writes are supported on a local array or `Vec` variable only (`y[i] = e`)",
                    );
                };
                let idx = self.lower_index_atom(&ix.index, out)?;
                let val = match op {
                    None => self.lower_atom_expr(value, out)?,
                    Some(op) => {
                        let r = self.lower_atom_expr(value, out)?;
                        let old = self.temp();
                        out.push(Stmt::Let {
                            var: old,
                            mutable: false,
                            ty: None,
                            init: Some(Rhs::Index {
                                base,
                                idx: idx.clone(),
                                by_ref: false,
                            }),
                        });
                        let new = self.temp();
                        out.push(Stmt::Let {
                            var: new,
                            mutable: false,
                            ty: None,
                            init: Some(Rhs::Bin(op, Atom::Var(old), r)),
                        });
                        Atom::Var(new)
                    }
                };
                self.mark_assigned(base);
                out.push(Stmt::IndexWrite { base, idx, val });
                Ok(())
            }
            Expr::Infer(_) => {
                out.push(Stmt::Effect(quote! { let _ = #value; }));
                Ok(())
            }
            Expr::Tuple(t) if op.is_none() => {
                // `(a, b) = (e1, e2)`: evaluate every right-hand side first.
                let Expr::Tuple(rt) = peel(value) else {
                    return refuse_at(
                        &value,
                        "destructuring assignment needs a tuple expression on the right",
                    );
                };
                if rt.elems.len() != t.elems.len() {
                    return refuse_at(&value, "tuple arity mismatch");
                }
                let mut atoms = Vec::new();
                for e in &rt.elems {
                    let a = self.lower_atom_expr(e, out)?;
                    // Freeze variables so later element assignments cannot change them.
                    let frozen = self.temp();
                    out.push(Stmt::Let {
                        var: frozen,
                        mutable: false,
                        ty: None,
                        init: Some(Rhs::Copy(a)),
                    });
                    atoms.push(Atom::Var(frozen));
                }
                for (p, a) in t.elems.iter().zip(atoms) {
                    let Some(v) = self.var_of(p) else {
                        return refuse_at(
                            &p,
                            "destructuring assignment is supported into local variables only",
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
    fn var_of(&self, e: &Expr) -> Option<VarId> {
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
    fn lower_index_atom(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Atom> {
        if let Expr::Range(r) = peel(e) {
            return refuse_at(
                &r,
                "range indexing (`x[a..b]`) is not supported in a #[differentiable] function; index elements `x[i]` in a loop",
            );
        }
        self.lower_atom_expr(e, out)
    }

    /// Lowers `e` to an atom, binding a temporary when needed.
    fn lower_atom_expr(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Atom> {
        let rhs = self.lower_rhs(e, out)?;
        Ok(self.atom_of(rhs, out))
    }

    fn atom_of(&mut self, rhs: Rhs, out: &mut Vec<Stmt>) -> Atom {
        match rhs {
            Rhs::Copy(a) => a,
            other => {
                let t = self.temp();
                out.push(Stmt::Let {
                    var: t,
                    mutable: false,
                    ty: None,
                    init: Some(other),
                });
                Atom::Var(t)
            }
        }
    }

    /// Lowers an expression to a right-hand side, emitting the statements it needs into `out`.
    fn lower_rhs(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Rhs> {
        match e {
            Expr::Lit(_) => Ok(Rhs::Copy(Atom::Const(e.to_token_stream()))),
            Expr::Path(_) => {
                // Not a local: a const, a static, a unit value, or a name rustc will report.
                match self.var_of(e) {
                    Some(v) => Ok(Rhs::Copy(Atom::Var(v))),
                    None => Ok(Rhs::Copy(Atom::Const(e.to_token_stream()))),
                }
            }
            Expr::Paren(p) => self.lower_rhs(&p.expr, out),
            Expr::Group(g) => self.lower_rhs(&g.expr, out),
            Expr::Reference(r) => {
                if let Some(m) = &r.mutability {
                    return refuse_at(
                        &m,
                        "`&mut` is not supported in a #[differentiable] function; pass values or shared references",
                    );
                }
                self.lower_place(&r.expr, true, out)
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let a = self.lower_atom_expr(&u.expr, out)?;
                    Ok(Rhs::Neg(a))
                }
                UnOp::Deref(_) => self.lower_rhs(&u.expr, out),
                _ => self.opaque(e),
            },
            Expr::Binary(b) => {
                if let Some(op) = arith_op(&b.op) {
                    let l = self.lower_atom_expr(&b.left, out)?;
                    let r = self.lower_atom_expr(&b.right, out)?;
                    Ok(Rhs::Bin(op, l, r))
                } else if compound_op(&b.op).is_some() {
                    self.lower_expr_stmt(e, out)?;
                    Ok(Rhs::Opaque(quote! { () }))
                } else {
                    // Comparisons, boolean logic and bit operations carry no derivative.
                    self.opaque(e)
                }
            }
            Expr::Cast(c) => {
                if is_float_type(&c.ty) {
                    let x = self.lower_atom_expr(&c.expr, out)?;
                    Ok(Rhs::Cast {
                        x,
                        ty: (*c.ty).clone(),
                    })
                } else {
                    self.opaque(e)
                }
            }
            Expr::MethodCall(mc) => self.lower_method(mc, out),
            Expr::Call(c) => {
                let Expr::Path(fp) = peel(&c.func) else {
                    return refuse_at(
                        &c.func,
                        "only calls of named functions are supported in a #[differentiable] function",
                    );
                };
                let last = fp
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if last == "stop_gradient" {
                    return self.opaque(e);
                }
                if self.var_of(&c.func).is_some() {
                    return refuse_at(
                        &c.func,
                        "calling a local variable is not supported in a #[differentiable] function (closures cannot be differentiated); call a named #[differentiable] function",
                    );
                }
                let (args, refs) = self.lower_args(c.args.iter(), out)?;
                let spans = c.args.iter().map(|a| a.span()).collect();
                Ok(Rhs::Call {
                    callee: Callee::Path(fp.path.clone()),
                    args,
                    refs,
                    spans,
                    span: c.span(),
                })
            }
            Expr::Index(_) | Expr::Field(_) => self.lower_place(e, false, out),
            Expr::Tuple(t) => {
                if t.elems.is_empty() {
                    return self.opaque(e);
                }
                let mut xs = Vec::new();
                for x in &t.elems {
                    xs.push(self.lower_atom_expr(x, out)?);
                }
                Ok(Rhs::Tuple(xs))
            }
            Expr::Array(a) => {
                let mut xs = Vec::new();
                for x in &a.elems {
                    xs.push(self.lower_atom_expr(x, out)?);
                }
                Ok(Rhs::Array(xs))
            }
            Expr::Repeat(r) => {
                let elem = self.lower_atom_expr(&r.expr, out)?;
                let len = r.len.to_token_stream();
                Ok(Rhs::Repeat {
                    elem,
                    len,
                    vec: false,
                })
            }
            Expr::Macro(m) => self.lower_macro(&m.mac, out),
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Loop(_) => {
                let r = self.temp();
                out.push(Stmt::Let {
                    var: r,
                    mutable: false,
                    ty: None,
                    init: None,
                });
                self.lower_control(e, Some(r), out)?;
                Ok(Rhs::Copy(Atom::Var(r)))
            }
            Expr::While(_) | Expr::ForLoop(_) => {
                self.lower_control(e, None, out)?;
                Ok(Rhs::Opaque(quote! { () }))
            }
            Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    let ret = self.ret;
                    self.lower_into(v, ret, out)?;
                }
                out.push(Stmt::Return);
                Err(Stop::Diverged)
            }
            Expr::Break(b) => {
                let ctx = self.loop_target(b.label.as_ref(), b.span())?;
                if let Some(v) = &b.expr {
                    let Some(r) = ctx.1 else {
                        return refuse_at(
                            &v,
                            "`break` with a value is only supported out of a `loop` whose value is used",
                        );
                    };
                    self.lower_into(v, r, out)?;
                }
                out.push(Stmt::Break { target: ctx.0 });
                Err(Stop::Diverged)
            }
            Expr::Continue(c) => {
                let ctx = self.loop_target(c.label.as_ref(), c.span())?;
                self.loops[ctx.0].has_continue = true;
                out.push(Stmt::Continue { target: ctx.0 });
                Err(Stop::Diverged)
            }
            Expr::Range(_) => self.opaque(e),
            Expr::Closure(c) => refuse_at(
                &c,
                "closures are not supported in a #[differentiable] function; move the code into a named #[differentiable] fn and call it",
            ),
            Expr::Unsafe(u) => refuse_at(
                &u.unsafe_token,
                "`unsafe` blocks are not supported in a #[differentiable] function; move the unsafe code into a helper and wrap its call in `stop_gradient(..)` if it needs no derivative",
            ),
            Expr::Async(a) => refuse_at(
                &a.async_token,
                "`async` blocks are not supported in a #[differentiable] function",
            ),
            Expr::Await(a) => refuse_at(
                &a.await_token,
                "`.await` is not supported in a #[differentiable] function",
            ),
            Expr::Try(t) => refuse_at(
                &t.question_token,
                "the `?` operator is not supported in a #[differentiable] function; handle the error before the call, or `match` on it",
            ),
            Expr::TryBlock(t) => refuse_at(
                &t,
                "`try` blocks are not supported in a #[differentiable] function",
            ),
            Expr::Struct(s) => refuse_at(
                &s,
                "struct literals are not supported in a #[differentiable] function yet; keep the fields in local variables, or group them in a tuple",
            ),
            Expr::Let(l) => refuse_at(
                &l,
                "`let` expressions are only supported as `if let` / `while let` conditions",
            ),
            Expr::Assign(_) => {
                self.lower_expr_stmt(e, out)?;
                Ok(Rhs::Opaque(quote! { () }))
            }
            Expr::Yield(y) => refuse_at(
                &y,
                "`yield` is not supported in a #[differentiable] function",
            ),
            _ => refuse_at(
                &e,
                "this expression is not supported in a #[differentiable] function",
            ),
        }
    }

    /// A place read `base[idx]` / `base.member`, by value or (`by_ref`) borrowed; any other
    /// expression under `&` becomes a borrow of its value.
    fn lower_place(&mut self, e: &Expr, by_ref: bool, out: &mut Vec<Stmt>) -> R<Rhs> {
        match e {
            Expr::Paren(p) => self.lower_place(&p.expr, by_ref, out),
            Expr::Group(g) => self.lower_place(&g.expr, by_ref, out),
            Expr::Index(ix) => {
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
                                        "indexing a constant is not supported here",
                                    );
                                }
                            }
                        }
                        _ => {
                            return refuse_at(
                                &ix.expr,
                                "indexing is supported on variables and fields (slices, arrays, `Vec`s, matrices) only; bind the value to a `let` first",
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

    fn opaque(&mut self, e: &Expr) -> R<Rhs> {
        check_supported(e)?;
        Ok(Rhs::Opaque(e.to_token_stream()))
    }

    fn loop_target(&self, label: Option<&syn::Lifetime>, span: Span) -> R<(LoopId, Option<VarId>)> {
        match label {
            None => match self.loop_stack.last() {
                Some(c) => Ok((c.id, c.result)),
                None => refuse(span, "`break`/`continue` outside of a loop"),
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

    fn lower_method(&mut self, mc: &syn::ExprMethodCall, out: &mut Vec<Stmt>) -> R<Rhs> {
        let name = mc.method.to_string();
        if methods::is_constant_method(&name) {
            return self.opaque(&Expr::MethodCall(mc.clone()));
        }
        if matches!(
            name.as_str(),
            "clone" | "to_owned" | "into_owned" | "clone_owned"
        ) && mc.args.is_empty()
        {
            let x = self.lower_atom_expr(&mc.receiver, out)?;
            return Ok(Rhs::Clone {
                x,
                method: mc.method.clone(),
            });
        }
        // `v.iter().sum()` / `v.iter().copied().sum()` / `v.iter().sum::<T>()`
        if name == "sum" && mc.args.is_empty() {
            let mut inner = peel(&mc.receiver);
            if let Expr::MethodCall(m) = inner {
                if (m.method == "copied" || m.method == "cloned") && m.args.is_empty() {
                    inner = peel(&m.receiver);
                }
            }
            if let Expr::MethodCall(m) = inner {
                if m.method == "iter" && m.args.is_empty() {
                    if let Some(base) = self.var_of(&m.receiver) {
                        let len = self.temp();
                        let recv = &m.receiver;
                        out.push(Stmt::Let {
                            var: len,
                            mutable: false,
                            ty: None,
                            init: Some(Rhs::Opaque(quote! { #recv.len() })),
                        });
                        return Ok(Rhs::Sum {
                            base,
                            len: Atom::Var(len),
                        });
                    }
                }
            }
        }
        if name == "iter" || name == "map" || name == "fold" || name == "zip" || name == "enumerate"
        {
            return refuse_at(
                &mc.method,
                format!(
                    "iterator adaptor `{name}` is not supported here in a #[differentiable] function; write a `for` loop over indices"
                ),
            );
        }
        if let Some(rule) = methods::rule(&name) {
            if mc.args.len() == rule.args && mc.turbofish.is_none() {
                let mut args = vec![self.lower_atom_expr(&mc.receiver, out)?];
                for a in &mc.args {
                    args.push(self.lower_atom_expr(a, out)?);
                }
                return Ok(Rhs::Method {
                    name: mc.method.clone(),
                    args,
                });
            }
        }
        // A receiver that is a place (`self.w`, `m[k]`) is borrowed, as method-call auto-ref would.
        let recv = match peel(&mc.receiver) {
            place @ (Expr::Field(_) | Expr::Index(_)) => {
                let rhs = self.lower_place(place, true, out)?;
                self.atom_of(rhs, out)
            }
            _ => self.lower_atom_expr(&mc.receiver, out)?,
        };
        let (rest, rest_refs) = self.lower_args(mc.args.iter(), out)?;
        let mut args = vec![recv];
        args.extend(rest);
        let mut refs = vec![false];
        refs.extend(rest_refs);
        let spans = std::iter::once(mc.receiver.span())
            .chain(mc.args.iter().map(|a| a.span()))
            .collect();
        Ok(Rhs::Call {
            callee: Callee::Method(mc.method.clone()),
            args,
            refs,
            spans,
            span: mc.method.span(),
        })
    }

    /// Call arguments, remembering which were written `&arg`.
    fn lower_args<'e>(
        &mut self,
        args: impl Iterator<Item = &'e Expr>,
        out: &mut Vec<Stmt>,
    ) -> R<(Vec<Atom>, Vec<bool>)> {
        let mut atoms = Vec::new();
        let mut refs = Vec::new();
        for a in args {
            match a {
                Expr::Reference(r)
                    if r.mutability.is_none()
                        && matches!(peel(&r.expr), Expr::Field(_) | Expr::Index(_)) =>
                {
                    let rhs = self.lower_place(&r.expr, true, out)?;
                    atoms.push(self.atom_of(rhs, out));
                    refs.push(false);
                }
                Expr::Reference(r) if r.mutability.is_none() => {
                    atoms.push(self.lower_atom_expr(&r.expr, out)?);
                    refs.push(true);
                }
                _ => {
                    atoms.push(self.lower_atom_expr(a, out)?);
                    refs.push(false);
                }
            }
        }
        Ok((atoms, refs))
    }

    fn lower_macro(&mut self, mac: &syn::Macro, out: &mut Vec<Stmt>) -> R<Rhs> {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if name == "vec" {
            if mac.tokens.is_empty() {
                return Ok(Rhs::VecLit(Vec::new()));
            }
            let toks = &mac.tokens;
            if let Ok(r) = syn::parse2::<syn::ExprRepeat>(quote! { [#toks] }) {
                let elem = self.lower_atom_expr(&r.expr, out)?;
                let len = r.len.to_token_stream();
                return Ok(Rhs::Repeat {
                    elem,
                    len,
                    vec: true,
                });
            }
            if let Ok(a) = syn::parse2::<syn::ExprArray>(quote! { [#toks] }) {
                let mut xs = Vec::new();
                for x in &a.elems {
                    xs.push(self.lower_atom_expr(x, out)?);
                }
                return Ok(Rhs::VecLit(xs));
            }
            return refuse_at(&mac, "could not read this `vec!`");
        }
        Ok(Rhs::Opaque(quote! { #mac }))
    }

    /// Lowers control flow; `result` receives the value when it is used as an expression.
    fn lower_control(&mut self, e: &Expr, result: Option<VarId>, out: &mut Vec<Stmt>) -> R<()> {
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

    fn lower_else(
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

    fn new_loop(&mut self, label: Option<syn::Lifetime>) -> LoopId {
        self.loops.push(LoopInfo {
            label,
            has_continue: false,
            hint: None,
        });
        self.loops.len() - 1
    }

    /// `while c { body }` is `loop { if !(c) { break } body }`; `while let P = e { body }` is
    /// `loop { match e { P => body, _ => break } }`.
    fn lower_while(&mut self, w: &syn::ExprWhile, id: LoopId) -> Result<Block, syn::Error> {
        let mut stmts = Vec::new();
        if let Expr::Let(l) = &*w.cond {
            check_supported(&l.expr).map_err(stop_err)?;
            self.scopes.push(Vec::new());
            let bound = self.bind_pattern_names(&l.pat);
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
        let cond = &w.cond;
        stmts.push(Stmt::Branch {
            kind: BranchKind::If {
                cond: quote! { !(#cond) },
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
    fn lower_for(&mut self, f: &syn::ExprForLoop, out: &mut Vec<Stmt>) -> R<()> {
        let label = f.label.as_ref().map(|l| l.name.clone());
        // Recognise container iteration: `v`, `&v`, `v.iter()`, `v.iter().enumerate()`,
        // `v.iter().zip(w.iter())` with `v`, `w` variables.
        let mut hoisted = Vec::new();
        let iter_expr = self.hoist_places(&f.expr, &mut hoisted)?;
        if let Some(shape) = self.container_shape(&iter_expr) {
            out.extend(hoisted);
            return self.lower_for_container(f, shape, label, out);
        }
        // An iterator of constants (ranges, `.rev()`, `.step_by(k)`, ...): the loop is
        // `let mut it = IntoIterator::into_iter(e); while let Some(P) = it.next() { body }`.
        check_supported(&f.expr)?;
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
        self.loops[id].hint = Some(quote! { ::core::iter::Iterator::size_hint(&#it_ident).0 });
        self.loop_stack.push(LoopCtx { id, result: None });
        self.scopes.push(Vec::new());
        let bound = self.bind_pattern_names(&f.pat);
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
    fn container_shape(&self, e: &Expr) -> Option<(Vec<(VarId, bool)>, bool)> {
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
    fn hoist_places(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Expr> {
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
                    "iter" | "copied" | "cloned" | "enumerate" | "zip"
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

    fn lower_for_container(
        &mut self,
        f: &syn::ExprForLoop,
        (bases, enumerate): (Vec<(VarId, bool)>, bool),
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
        self.loop_stack.push(LoopCtx { id, result: None });
        self.scopes.push(Vec::new());
        let r = (|| -> R<Block> {
            let mut body = Vec::new();
            // if k >= n { break }  let i = k; k += 1;
            body.push(Stmt::Branch {
                kind: BranchKind::If {
                    cond: quote! { #k_id >= #n_id },
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
            body.push(Stmt::Let {
                var: i,
                mutable: false,
                ty: None,
                init: Some(Rhs::Opaque(quote! { #k_id })),
            });
            self.mark_assigned(k);
            body.push(Stmt::Assign {
                var: k,
                rhs: Rhs::Opaque(quote! { #k_id + 1 }),
            });
            // The patterns: (index pattern, element patterns).
            let fit = "this loop pattern does not fit the iterator; write `(i, x)` for `enumerate` and `(a, b)` for `zip`";
            let (index_pat, elem_pats): (Option<&Pat>, Vec<&Pat>) =
                match (&*f.pat, enumerate, bases.len()) {
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
                                "write the zipped pair as a tuple pattern: `(i, (a, b))`",
                            );
                        }
                    },
                    (Pat::Tuple(t), false, 2) if t.elems.len() == 2 => {
                        (None, vec![&t.elems[0], &t.elems[1]])
                    }
                    (p, _, _) => return refuse_at(p, fit),
                };
            if let Some(p) = index_pat {
                self.bind_atom(p, None, Atom::Var(i), &mut body)?;
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
    fn vars_in(&self, e: &Expr) -> Vec<VarId> {
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

/// Whether an expression is made only of constructs the macro can pass through as written.
fn check_supported(e: &Expr) -> R<()> {
    struct Check(Option<syn::Error>);
    impl<'ast> syn::visit::Visit<'ast> for Check {
        fn visit_expr(&mut self, e: &'ast Expr) {
            if self.0.is_some() {
                return;
            }
            let msg = match e {
                Expr::Closure(_) => Some(
                    "closures are not supported in a #[differentiable] function; move the code into a named fn",
                ),
                Expr::Unsafe(_) => {
                    Some("`unsafe` blocks are not supported in a #[differentiable] function")
                }
                Expr::Async(_) => Some(
                    "`async` blocks are not supported in a #[differentiable] function; compute the awaited value before the call and pass it in",
                ),
                Expr::Await(_) => Some("`.await` is not supported in a #[differentiable] function"),
                Expr::Try(_) => Some(
                    "the `?` operator is not supported in a #[differentiable] function; handle the error before the call, or `match` on it",
                ),
                Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => Some(
                    "control flow inside a condition or other non-differentiable expression is not supported; move it into a statement",
                ),
                _ => None,
            };
            if let Some(m) = msg {
                self.0 = Some(syn::Error::new_spanned(e, m));
                return;
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut c = Check(None);
    syn::visit::Visit::visit_expr(&mut c, e);
    match c.0 {
        Some(err) => Err(Stop::Err(err)),
        None => Ok(()),
    }
}

fn stop_err(s: Stop) -> syn::Error {
    match s {
        Stop::Err(e) => e,
        Stop::Diverged => syn::Error::new(Span::call_site(), "unexpected divergence"),
    }
}

/// A range, possibly adapted (`(a..b).rev()`, `.step_by(k)`, `.skip(k)`, `.take(k)`): its items
/// are integers whatever its bounds mention.
fn is_range_iter(e: &Expr) -> bool {
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

/// Strips parentheses, groups and `&`.
pub fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        Expr::Reference(r) if r.mutability.is_none() => peel(&r.expr),
        _ => e,
    }
}

fn arith_op(op: &SynBinOp) -> Option<BinOp> {
    Some(match op {
        SynBinOp::Add(_) => BinOp::Add,
        SynBinOp::Sub(_) => BinOp::Sub,
        SynBinOp::Mul(_) => BinOp::Mul,
        SynBinOp::Div(_) => BinOp::Div,
        SynBinOp::Rem(_) => BinOp::Rem,
        _ => return None,
    })
}

fn compound_op(op: &SynBinOp) -> Option<BinOp> {
    Some(match op {
        SynBinOp::AddAssign(_) => BinOp::Add,
        SynBinOp::SubAssign(_) => BinOp::Sub,
        SynBinOp::MulAssign(_) => BinOp::Mul,
        SynBinOp::DivAssign(_) => BinOp::Div,
        SynBinOp::RemAssign(_) => BinOp::Rem,
        _ => return None,
    })
}

/// Float target types of `as` casts carry derivatives; integer, `bool` and `char` ones do not.
fn is_float_type(t: &syn::Type) -> bool {
    match t {
        syn::Type::Path(p) => p.path.get_ident().is_some_and(|i| i == "f32" || i == "f64"),
        syn::Type::Paren(p) => is_float_type(&p.elem),
        syn::Type::Group(g) => is_float_type(&g.elem),
        _ => false,
    }
}
