//! In-place operations on `Vec`s, slices and matrices, differentiated by rewriting each into
//! operations the IR already differentiates (element reads, index writes, `push`, assignment)
//! plus [`Stmt::Truncate`]. The rewrite is by method name and goes through indexing, so one rule
//! serves every container with `len()` and `Index`/`IndexMut` (`Vec::fill` and `DMatrix::fill`,
//! `Vec::swap(i, j)` and `DMatrix::swap((r, c), (r, c))`); the runtime's `ShapeAdjoint` impls route
//! the element adjoints for each container type.
//!
//! Statement forms: `swap`, `reverse`, `fill`, `insert`, `remove`, `swap_remove`, `pop`,
//! `truncate`, `clear`, `extend_from_slice`, `swap_rows`, `swap_columns`, `transpose_mut`,
//! `clone_from`, `std::mem::swap(&mut a, &mut b)`. Value forms: `v.remove(i)`,
//! `v.swap_remove(i)`, `v.pop().unwrap()` / `.expect(..)`, and `while let` / `if let Some(p) =
//! v.pop()`. Elements are read by `.clone()` (a copy for `f64`; a row of a `Vec<Vec<f64>>`
//! cannot be moved out of its container).

use super::*;

/// Statement-position in-place methods rewritten here.
pub(super) fn is_inplace_statement(name: &str, nargs: usize) -> bool {
    matches!(
        (name, nargs),
        ("swap", 2)
            | ("reverse", 0)
            | ("fill", 1)
            | ("insert", 2)
            | ("remove", 1)
            | ("swap_remove", 1)
            | ("pop", 0)
            | ("truncate", 1)
            | ("clear", 0)
            | ("extend_from_slice", 1)
            | ("swap_rows", 2)
            | ("swap_columns", 2)
            | ("transpose_mut", 0)
            | ("clone_from", 1)
    )
}

/// `std::mem::swap(&mut a, &mut b)` (any path ending in `mem::swap`): the two places.
pub(super) fn mem_swap_places(e: &Expr) -> Option<(&Expr, &Expr)> {
    let Expr::Call(c) = e else { return None };
    let Expr::Path(p) = &*c.func else { return None };
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let n = segs.len();
    if n < 2 || segs[n - 1] != "swap" || segs[n - 2] != "mem" || c.args.len() != 2 {
        return None;
    }
    match (&c.args[0], &c.args[1]) {
        (Expr::Reference(ra), Expr::Reference(rb))
            if ra.mutability.is_some() && rb.mutability.is_some() =>
        {
            Some((&ra.expr, &rb.expr))
        }
        _ => None,
    }
}

impl Lowerer {
    /// Lowers `v.method(args);` for the in-place methods of [`is_inplace_statement`] when `v` is
    /// a local variable. Returns `false` when the call is not one of them.
    pub(super) fn lower_inplace_statement(
        &mut self,
        mc: &syn::ExprMethodCall,
        out: &mut Vec<Stmt>,
    ) -> R<bool> {
        let name = mc.method.to_string();
        if !is_inplace_statement(&name, mc.args.len()) || self.var_of(&mc.receiver).is_none() {
            return Ok(false);
        }
        let base = self.var_of(&mc.receiver).expect("checked");
        self.record_stored(mc);
        let mut body = Vec::new();
        self.rewrite_inplace(mc, &mut body)?;
        out.push(Stmt::InPlace {
            bases: vec![base],
            body: Block { stmts: body },
            original: quote! { #mc; },
        });
        Ok(true)
    }

    /// What `insert`, `fill` and `extend_from_slice` store, for the check that no `Vec` of
    /// references is made (`refs::pushed_refs`): a borrow written in place (`v.fill(&x[3])`)
    /// is one whatever it borrows from.
    fn record_stored(&mut self, mc: &syn::ExprMethodCall) {
        let tokens = mc.to_token_stream();
        let (method, elem, elements) = match (mc.method.to_string().as_str(), mc.args.len()) {
            ("insert", 2) => ("insert", &mc.args[1], false),
            ("fill", 1) => ("fill", &mc.args[0], false),
            ("extend_from_slice", 1) => ("extend_from_slice", &mc.args[0], true),
            _ => return,
        };
        match loop_writes::peel_parens(elem) {
            Expr::Reference(r) if !elements => {
                let vars = self.vars_in(&r.expr);
                let what = format!("a `Vec` of references (made by `{method}`)");
                self.record_opaque(vars, tokens, what, refs::STORED_HINT);
            }
            e => {
                if let Some(x) = self.var_of(peel(e)) {
                    let stored = if elements {
                        refs::Stored::Elements(x)
                    } else {
                        refs::Stored::Element(x)
                    };
                    self.pushed.push((stored, method, tokens));
                }
            }
        }
    }

    /// The rewrite of an in-place method call (see [`Self::lower_inplace_statement`]).
    fn rewrite_inplace(&mut self, mc: &syn::ExprMethodCall, out: &mut Vec<Stmt>) -> R<()> {
        let name = mc.method.to_string();
        let v = &mc.receiver;
        let a: Vec<&Expr> = mc.args.iter().collect();
        let block: syn::Block = match name.as_str() {
            // swap(i, j): t = v[i]; v[i] = v[j]; v[j] = t
            "swap" => {
                let (i, j) = (a[0], a[1]);
                syn::parse_quote! {{
                    let __ip_i = #i;
                    let __ip_j = #j;
                    let __ip_t = #v[__ip_i].clone();
                    #v[__ip_i] = #v[__ip_j].clone();
                    #v[__ip_j] = __ip_t;
                }}
            }
            // reverse(): swap(k, n - 1 - k) for k < n / 2
            "reverse" => syn::parse_quote! {{
                let __ip_n = #v.len();
                for __ip_k in 0..__ip_n / 2 {
                    let __ip_t = #v[__ip_k].clone();
                    #v[__ip_k] = #v[__ip_n - 1 - __ip_k].clone();
                    #v[__ip_n - 1 - __ip_k] = __ip_t;
                }
            }},
            // fill(e): v[k] = e for every k (de += sum of the adjoints)
            "fill" => {
                let e = a[0];
                syn::parse_quote! {{
                    let __ip_e = #e;
                    for __ip_k in 0..#v.len() {
                        #v[__ip_k] = __ip_e.clone();
                    }
                }}
            }
            // insert(i, e): push, shift v[i..n] right by one, v[i] = e
            "insert" => {
                let (i, e) = (a[0], a[1]);
                syn::parse_quote! {{
                    let __ip_i = #i;
                    let __ip_e = #e;
                    let mut __ip_k = #v.len();
                    #v.push(__ip_e.clone());
                    while __ip_k > __ip_i {
                        #v[__ip_k] = #v[__ip_k - 1].clone();
                        __ip_k -= 1;
                    }
                    #v[__ip_i] = __ip_e;
                }}
            }
            "remove" | "swap_remove" | "pop" => {
                self.scopes.push(Vec::new());
                let r = self.lower_take(mc, out);
                self.scopes.pop();
                r?;
                return Ok(());
            }
            "truncate" | "clear" => {
                let len = match name.as_str() {
                    "clear" => quote! { 0usize },
                    _ => a[0].to_token_stream(),
                };
                self.truncate(v, quote! { ::core::cmp::min(#v.len(), #len) }, out)?;
                return Ok(());
            }
            // extend_from_slice(&w): push w[k] for every k
            "extend_from_slice" => {
                let src = peel(a[0]);
                if self.var_of(src).is_none() {
                    return refuse_at(
                        &a[0],
                        "#[differentiable] follows `extend_from_slice(&w)` with `w` a local variable or parameter; bind the slice to a variable first",
                    );
                }
                syn::parse_quote! {{
                    for __ip_k in 0..#src.len() {
                        #v.push(#src[__ip_k].clone());
                    }
                }}
            }
            // swap_rows(a, b): swap m[(a, k)] and m[(b, k)] for every column k
            "swap_rows" | "swap_columns" => {
                let (r1, r2) = (a[0], a[1]);
                let (count, at1, at2): (Expr, Expr, Expr) = if name == "swap_rows" {
                    (
                        syn::parse_quote! { #v.ncols() },
                        syn::parse_quote! { (__ip_a, __ip_k) },
                        syn::parse_quote! { (__ip_b, __ip_k) },
                    )
                } else {
                    (
                        syn::parse_quote! { #v.nrows() },
                        syn::parse_quote! { (__ip_k, __ip_a) },
                        syn::parse_quote! { (__ip_k, __ip_b) },
                    )
                };
                syn::parse_quote! {{
                    let __ip_a = #r1;
                    let __ip_b = #r2;
                    for __ip_k in 0..#count {
                        let __ip_t = #v[#at1];
                        #v[#at1] = #v[#at2];
                        #v[#at2] = __ip_t;
                    }
                }}
            }
            // transpose_mut(): m = m.transpose()
            "transpose_mut" => syn::parse_quote! {{
                #v = #v.transpose();
            }},
            // clone_from(&b): v = b.clone()
            "clone_from" => {
                let src = peel(a[0]);
                syn::parse_quote! {{
                    #v = #src.clone();
                }}
            }
            _ => unreachable!("checked by is_inplace_statement"),
        };
        self.lower_control(
            &Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block,
            }),
            None,
            out,
        )
    }

    /// `std::mem::swap(&mut a, &mut b)`: t = a; a = b; b = t (places may be variables or
    /// elements).
    /// Returns `false` (nothing lowered) unless both places are local variables or elements of
    /// local variables.
    pub(super) fn lower_mem_swap(
        &mut self,
        call: &Expr,
        a: &Expr,
        b: &Expr,
        out: &mut Vec<Stmt>,
    ) -> R<bool> {
        let root = |lw: &Self, e: &Expr| -> Option<VarId> {
            match peel(e) {
                Expr::Index(ix) => lw.var_of(&ix.expr),
                other => lw.var_of(other),
            }
        };
        let (Some(ra), Some(rb)) = (root(self, a), root(self, b)) else {
            return Ok(false);
        };
        let mut body = Vec::new();
        self.swap_places(a, b, &mut body)?;
        // Varied when either side is: both get the other's value.
        out.push(Stmt::InPlace {
            bases: vec![ra, rb],
            body: Block { stmts: body },
            original: quote! { #call; },
        });
        Ok(true)
    }

    fn swap_places(&mut self, a: &Expr, b: &Expr, out: &mut Vec<Stmt>) -> R<()> {
        // An element is read by `.clone()` (a row of a `Vec<Vec<f64>>` cannot be moved out of
        // its container); a variable is moved, as `mem::swap` would.
        let read = |e: &Expr| -> Expr {
            match peel(e) {
                Expr::Index(_) => syn::parse_quote! { #e.clone() },
                _ => e.clone(),
            }
        };
        let (ra, rb) = (read(a), read(b));
        let block: syn::Block = syn::parse_quote! {{
            let __ip_t = #ra;
            #a = #rb;
            #b = __ip_t;
        }};
        self.lower_control(
            &Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block,
            }),
            None,
            out,
        )
    }

    /// `v.truncate(len)` with `len` evaluated once.
    fn truncate(&mut self, v: &Expr, len: TokenStream, out: &mut Vec<Stmt>) -> R<()> {
        let base = self.var_of(v).expect("checked by the caller");
        let n = self.let_temp(Rhs::Opaque(len), out);
        self.mark_assigned(base);
        out.push(Stmt::Truncate {
            base,
            len: Atom::Var(n),
        });
        Ok(())
    }

    /// `v.remove(i)`, `v.swap_remove(i)`, `v.pop()` (the element, when `v` is not empty): the
    /// statements that take the element out, and the variable holding it.
    fn lower_take(&mut self, mc: &syn::ExprMethodCall, out: &mut Vec<Stmt>) -> R<VarId> {
        let v = &mc.receiver;
        let name = mc.method.to_string();
        let stmts: Vec<SynStmt> = match name.as_str() {
            // r = v[i]; v[k] = v[k + 1] for i <= k < n - 1; truncate(n - 1)
            "remove" => {
                let i = &mc.args[0];
                syn::parse_quote! {
                    let __ip_i = #i;
                    let __ip_n = #v.len();
                    let __ip_r = #v[__ip_i].clone();
                    for __ip_k in __ip_i..__ip_n - 1 {
                        #v[__ip_k] = #v[__ip_k + 1].clone();
                    }
                }
            }
            // r = v[i]; v[i] = v[n - 1]; truncate(n - 1)
            "swap_remove" => {
                let i = &mc.args[0];
                syn::parse_quote! {
                    let __ip_i = #i;
                    let __ip_n = #v.len();
                    let __ip_r = #v[__ip_i].clone();
                    #v[__ip_i] = #v[__ip_n - 1].clone();
                }
            }
            // r = v[n - 1]; truncate(n - 1)
            _ => syn::parse_quote! {
                let __ip_n = #v.len();
                let __ip_r = #v[__ip_n - 1].clone();
            },
        };
        for st in &stmts {
            self.lower_stmt(st, out)?;
        }
        self.truncate(v, quote! { __ip_n - 1 }, out)?;
        Ok(self.lookup("__ip_r").expect("bound above"))
    }

    /// A value form: `v.remove(i)`, `v.swap_remove(i)`, `v.pop().unwrap()`, `v.pop().expect(..)`
    /// with `v` a local variable. Returns the element's variable, or `None` for any other call.
    pub(super) fn lower_take_value(
        &mut self,
        mc: &syn::ExprMethodCall,
        out: &mut Vec<Stmt>,
    ) -> R<Option<VarId>> {
        let name = mc.method.to_string();
        let take = match name.as_str() {
            // `map.remove(&k)` is a map's: its key is borrowed, a `Vec`'s index is not
            "remove" | "swap_remove"
                if mc.args.len() == 1 && !matches!(mc.args[0], Expr::Reference(_)) =>
            {
                mc
            }
            "unwrap" | "expect" => match peel(&mc.receiver) {
                Expr::MethodCall(inner) if inner.method == "pop" && inner.args.is_empty() => inner,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if self.var_of(&take.receiver).is_none() {
            return Ok(None);
        }
        // The element lives in a fresh variable of the enclosing scope.
        let r = self.lower_take(take, out)?;
        let fresh = self.let_temp(Rhs::Copy(Atom::Var(r)), out);
        Ok(Some(fresh))
    }

    /// `while let Some(p) = v.pop() { body }` is `while !v.is_empty() { let p =
    /// v.pop().unwrap(); body }` (likewise `if let`), so `p` carries the element's derivative.
    pub(super) fn pop_loop_rewrite(&self, l: &syn::ExprLet) -> Option<(Expr, syn::Stmt)> {
        let Expr::MethodCall(mc) = peel(&l.expr) else {
            return None;
        };
        if mc.method != "pop" || !mc.args.is_empty() || self.var_of(&mc.receiver).is_none() {
            return None;
        }
        let Pat::TupleStruct(ts) = &*l.pat else {
            return None;
        };
        if !ts.path.is_ident("Some") || ts.elems.len() != 1 {
            return None;
        }
        let p = &ts.elems[0];
        let v = &mc.receiver;
        let cond: Expr = syn::parse_quote! { !#v.is_empty() };
        let bind: syn::Stmt = syn::parse_quote! { let #p = #v.pop().unwrap(); };
        Some((cond, bind))
    }
}
