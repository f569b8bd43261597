//! Calls: methods, function arguments and macro invocations.

use super::*;

impl Lowerer {
    pub(super) fn lower_method(&mut self, mc: &syn::ExprMethodCall, out: &mut Vec<Stmt>) -> R<Rhs> {
        let name = mc.method.to_string();
        if methods::is_mutable_view(&name) {
            // Writes through the view would change the container unseen by the lowering.
            return refuse_at(
                &mc.method,
                format!(
                    "#[differentiable] does not follow writes through the mutable view `.{name}()` \
                     returns, so the container it points into would change unseen; write the \
                     elements of the container itself (`v[i] = ..`, `m[(i, j)] = ..`)"
                ),
            );
        }
        if let Some(r) = self.lower_take_value(mc, out)? {
            return Ok(Rhs::Copy(Atom::Var(r)));
        }
        if let Some(e) = self.unwrapped_read_rewrite(mc) {
            return self.lower_rhs(&e, out);
        }
        if let Some(e) = self.option_read_rewrite(mc) {
            return self.lower_rhs(&e, out);
        }
        if let Some(e) = self.unwrap_or_rewrite(mc) {
            return self.lower_rhs(&e, out);
        }
        // `x.to_f64()` / `x.to_f32()`: a conversion, differentiated as `x as f64`.
        if matches!(name.as_str(), "to_f64" | "to_f32") && mc.args.is_empty() {
            let x = self.lower_atom_expr(&mc.receiver, out)?;
            let ty = if name == "to_f64" {
                syn::parse_quote!(f64)
            } else {
                syn::parse_quote!(f32)
            };
            return Ok(Rhs::Cast {
                x,
                ty,
                via: CastVia::Method(mc.method.clone()),
            });
        }
        if methods::is_constant_method(&name) {
            if !encodings::is_exact_encoding_method(&name) && has_call(&mc.receiver) {
                // `f(x).floor()`, `f(x).is_nan()`: the call is lowered (in second-order code
                // it goes to `f`'s companion, since `f` as written takes `f64`s) and the method
                // runs on its value.
                let a = self.lower_atom_expr(&mc.receiver, out)?;
                let t = self.atom_tokens(&a);
                let mut m = mc.clone();
                *m.receiver = syn::parse_quote!(#t);
                return self.lower_method(&m, out);
            }
            // The integer methods (`pow`, `checked_add`, ..) have no derivative on integers;
            // on any other receiver (nalgebra's matrix `m.pow(2)`, a user trait for `f64`) the
            // compiler refuses the reading.
            let r = &mc.receiver;
            if methods::is_integer_method(&name) {
                out.push(never_run(quote::quote_spanned! {mc.method.span()=>
                    ::autodiff::__private::integer_receiver(&#r);
                }));
            } else if methods::is_piecewise_float_method(&name) {
                // `floor`, `round`, .. give a float (or an integer for `signum`), and a derived
                // struct's own method of that name (`seg.floor()`) is not the float one.
                out.push(never_run(quote::quote_spanned! {mc.method.span()=>
                    #[allow(unused_imports)]
                    use ::autodiff::__private::{ConstOnDerived as _, ConstOnOther as _};
                    ::autodiff::__private::std_method(
                        (&::autodiff::__private::ConstProbe(&#r)).receiver_kind(),
                    );
                    ::autodiff::__private::piecewise_constant_result(&#mc);
                }));
            } else {
                if encodings::is_exact_encoding_method(&name) {
                    self.record_exact_encoding(&mc.receiver, &mc.method);
                }
                // `len`, `shape`, `is_nan`, `partial_cmp`, .. give a value without a derivative
                // (an integer, `bool`, `Ordering`); a method of the user's of that name (on a
                // derived struct, a trait for `f64` or `Vec`) that gives a float is not the std one.
                out.push(never_run(quote::quote_spanned! {mc.method.span()=>
                    ::autodiff::__private::constant_result(&#mc);
                }));
            }
            return self.opaque(&Expr::MethodCall(mc.clone()));
        }
        if matches!(
            name.as_str(),
            "clone" | "to_owned" | "into_owned" | "clone_owned" | "to_vec"
        ) && mc.args.is_empty()
        {
            // A receiver that is a place (`s.w.to_vec()` with `s: &S`, `w[i].clone()` of a row)
            // is borrowed, as method-call auto-ref would: reading it by value would move it out
            // of the borrow or the container.
            let x = match peel(&mc.receiver) {
                place @ (Expr::Field(_) | Expr::Index(_)) => {
                    let rhs = self.lower_place(place, true, out)?;
                    self.atom_of(rhs, out)
                }
                _ => self.lower_atom_expr(&mc.receiver, out)?,
            };
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
                        // Every element gets the sum's adjoint: a struct's own `impl Add` (which
                        // `sum` folds with) must not be in play.
                        out.push(never_run(quote::quote_spanned! {mc.method.span()=>
                            ::autodiff::__private::fieldwise_elements(&#recv[..]);
                        }));
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
        // Borrowed views of a slice: the parts are new slices whose element adjoints the
        // lowering cannot route back to the original's.
        if matches!(
            name.as_str(),
            "split_at"
                | "split_at_checked"
                | "split_first"
                | "split_last"
                | "chunks"
                | "chunks_exact"
                | "rchunks"
                | "rchunks_exact"
                | "windows"
                | "split"
                | "splitn"
        ) {
            let why = if super::views::LOOP_VIEWS.contains(&name.as_str()) {
                format!(
                    "a `for` loop over it is supported, `for w in v.{name}(k)` with `v` a variable; elsewhere its parts are borrowed views whose gradients cannot be routed back"
                )
            } else {
                "its parts are borrowed views whose gradients cannot be routed back".to_string()
            };
            return refuse_at(
                &mc.method,
                format!(
                    "`{name}` is not supported here in a #[differentiable] function ({why}); borrow the parts as ranges (`let (w, x) = (&v[..k], &v[k..]);`), index the slice (`v[i]`), or pass the parts as separate slice parameters"
                ),
            );
        }
        if opaque::is_mutating_method(&name) {
            // Run as written; refused when the receiver carries a derivative.
            return self.opaque(&Expr::MethodCall(mc.clone()));
        }
        // `x.sin_cos()` is `(x.sin(), x.cos())`.
        if name == "sin_cos" && mc.args.is_empty() {
            let x = self.lower_atom_expr(&mc.receiver, out)?;
            let mut parts = Vec::new();
            for m in ["sin", "cos"] {
                let rhs = Rhs::Method {
                    name: proc_macro2::Ident::new(m, mc.method.span()),
                    args: vec![x.clone()],
                };
                parts.push(self.atom_of(rhs, out));
            }
            return Ok(Rhs::Tuple(parts));
        }
        if let Some(rule) = methods::rule(&name) {
            if mc.args.len() == rule.args && mc.turbofish.is_none() {
                // A method of the user's with this name (a derived struct's `s.powi(x)`) is not
                // the float method the rule is for. A receiver with a call in it is probed as its
                // lowered value: the call as written is the `f64` function, which does not take
                // the arguments of a generic companion (`order = 2`).
                let receiver = if has_call(&mc.receiver) {
                    Some(self.lower_atom_expr(&mc.receiver, out)?)
                } else {
                    None
                };
                let r = match &receiver {
                    Some(a) => self.atom_tokens(a),
                    None => mc.receiver.to_token_stream(),
                };
                out.push(never_run(
                    if matches!(name.as_str(), "max" | "min" | "clamp") {
                        // Also `Ord::max` (`i.max(j)`, `c.min('z')`), which has no derivative.
                        quote::quote_spanned! {mc.method.span()=>
                            #[allow(unused_imports)]
                            use ::autodiff::__private::{
                                FloatOrdReceiver as _, OrdReceiver as _, OtherReceiver as _,
                            };
                            ::autodiff::__private::ord_rule_receiver(
                                (&&&::autodiff::__private::OrdProbe(&#r)).receiver_answer(),
                            );
                        }
                    } else {
                        quote::quote_spanned! {mc.method.span()=>
                            ::autodiff::__private::rule_receiver(&#r);
                        }
                    },
                ));
                let mut args = vec![match receiver {
                    Some(a) => a,
                    None => self.lower_atom_expr(&mc.receiver, out)?,
                }];
                for a in &mc.args {
                    args.push(self.lower_atom_expr(a, out)?);
                }
                return Ok(Rhs::Method {
                    name: mc.method.clone(),
                    args,
                });
            }
        }
        // An unknown method (run as written when its result is not differentiated) must not
        // change a receiver that carries a derivative (see `receivers`).
        if let Some(v) = self.receiver_var(mc) {
            out.push(receivers::receiver_check(v, mc));
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
    pub(super) fn lower_args<'e>(
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

    pub(super) fn lower_macro(&mut self, mac: &syn::Macro, out: &mut Vec<Stmt>) -> R<Rhs> {
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
            return refuse_at(
                &mac,
                "#[differentiable] could not read this `vec!`; write `vec![a, b, ..]` or `vec![e; n]`",
            );
        }
        if name == "dbg" {
            // `dbg!(e)` is `e` (the generated functions do not print).
            let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
            if let Ok(args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
                if args.len() == 1 {
                    return self.lower_rhs(&args[0], out);
                }
            }
            let vars = self.vars_in_tokens(mac.tokens.clone());
            self.record_opaque(
                vars,
                mac.to_token_stream(),
                "this `dbg!`".into(),
                "#[differentiable] follows `dbg!` with one argument; write one `dbg!` per value",
            );
        }
        self.record_macro(mac);
        Ok(Rhs::Opaque(self.fenced(quote! { #mac }, true)?))
    }
}

/// Whether `c` calls a function that may be the user's (`f(x)`, `m::f(x)`; see
/// [`crate::naming::may_be_user_fn`]).
pub(super) fn is_user_call(c: &syn::ExprCall) -> bool {
    matches!(&*c.func, Expr::Path(p) if p.qself.is_none() && crate::naming::may_be_user_fn(&p.path))
}

/// Whether `e` has a call of a function that may be the user's anywhere in it.
fn has_call(e: &Expr) -> bool {
    struct Calls(bool);
    impl<'ast> syn::visit::Visit<'ast> for Calls {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            self.0 |= is_user_call(c);
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut c = Calls(false);
    syn::visit::Visit::visit_expr(&mut c, e);
    c.0
}
