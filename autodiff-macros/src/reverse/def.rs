//! Definitions: the forward value and the pullback of one right-hand side (operators, calls,
//! indexing and in-place operations).

use super::*;

impl RevGen<'_> {
    /// A definition `target = rhs`: (forward code before, the value expression, forward code
    /// after, reverse code).
    pub(super) fn def(
        &mut self,
        target: VarId,
        rhs: &Rhs,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        if !self.act.active(target) {
            if let Some(value) = self.order2_inactive_call(rhs) {
                return (quote! {}, value, quote! {}, quote! {});
            }
            return (quote! {}, self.primal(rhs), quote! {}, quote! {});
        }
        if self.dense.contains(&target) {
            return self.dense_def(target, rhs);
        }
        let d_y = self.adj(target);
        let mut pre = TokenStream::new();
        let mut post = TokenStream::new();
        let mut reads = TokenStream::new();
        let mut value = self.primal(rhs);
        // Contributions: (adjoint to add into, expression using `__g`).
        let mut contribs: Vec<TokenStream> = Vec::new();
        let nread = std::cell::Cell::new(0usize);
        let mut read_cache: HashMap<VarId, Ident> = HashMap::new();
        // `let __rN = read;` in the reverse code: the name a rule reads a saved value by.
        let bind_saved = |reads: &mut TokenStream, read: TokenStream| -> Ident {
            nread.set(nread.get() + 1);
            let r = naming::fixed(&format!("__r{}", nread.get()));
            reads.extend(quote! { let #r = #read; });
            r
        };
        let mut bind_read =
            |this: &mut Self, a: &Atom, pre: &mut TokenStream, reads: &mut TokenStream| -> Ident {
                // a variable is read once; two equal literals may have two types (`h(x, 1, 1)`
                // with `a: u32, n: usize`), so each is read where it stands
                let key = match a {
                    Atom::Var(v) => Some(*v),
                    Atom::Const(_) => None,
                };
                if let Some(i) = key.and_then(|v| read_cache.get(&v)) {
                    return i.clone();
                }
                let (save, read) = this.read(a, place);
                pre.extend(save);
                let r = bind_saved(reads, read);
                if let Some(v) = key {
                    read_cache.insert(v, r.clone());
                }
                r
            };
        let g = naming::fixed("__g");
        // `d += e` into a plain or an `Option` adjoint slot.
        let acc_to = |this: &Self, d: &Ident, e: TokenStream| {
            let f = this.slot_fn(d, "acc");
            quote! { #f(&mut #d, #e); }
        };
        // `dv += e`, skipped when `v` is a parameter whose caller keeps no adjoint.
        let acc = |this: &Self, v: VarId, e: TokenStream| {
            this.param_add(v, acc_to(this, &this.adj(v), e))
        };
        match rhs {
            Rhs::Copy(a) => {
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(self, v, quote! { #g }));
                }
            }
            Rhs::Neg(a) => {
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(self, v, quote! { ::core::ops::Neg::neg(#g) }));
                }
            }
            Rhs::Bin(op, a, b) => {
                let (va, vb) = (self.act.active_atom(a), self.act.active_atom(b));
                match op {
                    BinOp::Add | BinOp::Sub => {
                        if let Some(v) = va {
                            contribs.push(acc(self, v, quote! { #g }));
                        }
                        if let Some(v) = vb {
                            let e = if *op == BinOp::Sub {
                                quote! { ::core::ops::Neg::neg(#g) }
                            } else {
                                quote! { #g }
                            };
                            contribs.push(acc(self, v, e));
                        }
                    }
                    BinOp::Mul | BinOp::Div | BinOp::Rem => {
                        let rule = match op {
                            BinOp::Mul => quote! { MulRule },
                            BinOp::Div => quote! { DivRule },
                            _ => quote! { RemRule },
                        };
                        // A constant factor needs no saved values: y = a*c => da += dy*c.
                        if let (Some(v), Atom::Const(c), BinOp::Mul | BinOp::Div, true) =
                            (va, b, op, is_literal(b))
                        {
                            let e = if *op == BinOp::Mul {
                                quote! { #g * (#c) }
                            } else {
                                quote! { #g / (#c) }
                            };
                            contribs.push(acc(self, v, e));
                        } else if let (Atom::Const(c), Some(v), BinOp::Mul, true) =
                            (a, vb, op, is_literal(a))
                        {
                            contribs.push(acc(self, v, quote! { (#c) * #g }));
                        } else if self.is_float(a) && self.is_float(b) && *op != BinOp::Rem {
                            // Both operands are known floats: the scalar rule reads only the
                            // operands it needs, so the other is not saved.
                            // The zero rule (`rules::zero`), or plain IEEE products in the
                            // optimistic sweep (`rules::ieee`).
                            // On a loop-carried adjoint chain the zero rule's branch form keeps
                            // the chain's latency that of the product (see `rules::zero`).
                            let serial = |v: VarId| place.in_loop && self.f.vars[v].reassigned;
                            let times = |v: VarId| if serial(v) { "times_serial" } else { "times" };
                            if let Some(v) = va {
                                // y = a*b => da += dy*b; y = a/b => da += dy/b
                                let rb = bind_read(self, b, &mut pre, &mut reads);
                                let e = match op {
                                    BinOp::Mul => {
                                        self.product(times(v), quote! { #g }, quote! { *#rb })
                                    }
                                    _ => self.product("over", quote! { #g }, quote! { *#rb }),
                                };
                                contribs.push(acc(self, v, e));
                            }
                            if let Some(v) = vb {
                                // y = a*b => db += dy*a; y = a/b => db += -dy*a/b²
                                let ra = bind_read(self, a, &mut pre, &mut reads);
                                let e = match op {
                                    BinOp::Mul => {
                                        self.product(times(v), quote! { #g }, quote! { *#ra })
                                    }
                                    // y = 1/b => db += -dy*y² (the quotient, saved once per
                                    // block, in place of a second division)
                                    _ if is_one(a)
                                        && (self.block_saved.contains_key(&target)
                                            || self.fused.is_some()) =>
                                    {
                                        let ry = bind_read(
                                            self,
                                            &Atom::Var(target),
                                            &mut pre,
                                            &mut reads,
                                        );
                                        self.product(
                                            times(v),
                                            quote! { -#g },
                                            quote! { *#ry * *#ry },
                                        )
                                    }
                                    _ => {
                                        let rb = bind_read(self, b, &mut pre, &mut reads);
                                        let num =
                                            self.product("times", quote! { -#g }, quote! { *#ra });
                                        self.product("over", num, quote! { *#rb * *#rb })
                                    }
                                };
                                contribs.push(acc(self, v, e));
                            }
                        } else {
                            let ra = bind_read(self, a, &mut pre, &mut reads);
                            let rb = bind_read(self, b, &mut pre, &mut reads);
                            // The optimistic sweep's plain IEEE rules for float operands
                            // (`rules::ieee`); the remainder keeps its one rule.
                            let form = |side: &str| {
                                let call = |suffix: &str| {
                                    let m = quote::format_ident!("d_{}{}", side, suffix);
                                    quote! { #rt::rules::#rule::#m(#g, #ra, #rb) }
                                };
                                if *op == BinOp::Rem {
                                    call("")
                                } else {
                                    self.rule_form(call)
                                }
                            };
                            if let Some(v) = va {
                                contribs.push(acc(self, v, form("lhs")));
                            }
                            if let Some(v) = vb {
                                contribs.push(acc(self, v, form("rhs")));
                            }
                        }
                    }
                }
            }
            Rhs::Method { name, args } => {
                let rule = methods::rule(&name.to_string()).expect("lowered only known methods");
                let mut y_read: Option<Ident> = None;
                for (k, a) in args.iter().enumerate() {
                    let Some(v) = self.act.active_atom(a) else {
                        continue;
                    };
                    let Some(Some(roles)) = rule.partials.get(k) else {
                        continue;
                    };
                    if let Some((kept, d)) = kept_partner(name) {
                        // y = sin x => dx += dy*cos x, cos x computed beside sin x in the forward
                        // sweep and kept (`rules::sin_kept`; the compiler makes the pair one
                        // `sincos` call) instead of x kept and cos x computed again; cos alike.
                        // Before the statement, which may assign x (`x = x.sin()`).
                        let x = self.atom_fwd(&args[0]);
                        let (save, read) = self.save(
                            quote! {{
                                #[allow(unused_imports)]
                                use #rt::rules::KeptArg as _;
                                #rt::rules::#kept((#x).kept_arg())
                            }},
                            place,
                        );
                        pre.extend(save);
                        let r = bind_saved(&mut reads, read);
                        contribs.push(acc(self, v, quote! { #rt::rules::#d(#g, #r) }));
                        continue;
                    }
                    let mut rargs = Vec::new();
                    for role in roles.iter() {
                        let r = match role {
                            Role::X => bind_read(self, &args[0], &mut pre, &mut reads),
                            Role::A(i) => bind_read(self, &args[i + 1], &mut pre, &mut reads),
                            // a fused loop's rules read the value in place (see `fused`)
                            Role::Y
                                if self.block_saved.contains_key(&target)
                                    || self.fused.is_some() =>
                            {
                                bind_read(self, &Atom::Var(target), &mut pre, &mut reads)
                            }
                            Role::Y => {
                                if y_read.is_none() {
                                    let y = self.ident(target).clone();
                                    let (save, read) = self
                                        .save(quote! { ::core::clone::Clone::clone(&#y) }, place);
                                    post.extend(save);
                                    y_read = Some(bind_saved(&mut reads, read));
                                }
                                y_read.clone().expect("set")
                            }
                        };
                        rargs.push(r);
                    }
                    let f = quote::format_ident!("{}_d{}", name, k);
                    contribs.push(acc(self, v, quote! { #rt::rules::#f(#g, #(#rargs),*) }));
                }
            }
            Rhs::Cast { x, ty, .. } => {
                if let Some(v) = self.act.active_atom(x) {
                    let r = bind_read(self, x, &mut pre, &mut reads);
                    contribs.push(acc(
                        self,
                        v,
                        quote! { #rt::rules::CastRule::<#ty>::d_cast(#g, #r) },
                    ));
                }
            }
            Rhs::Index { base, idx, .. } => {
                if self.act.active(*base) {
                    // y = x[i] => dx[i] += dy
                    let passes = self.passthrough.reads.contains(&target)
                        && self.dense.contains(base)
                        && self.window_reg(*base, idx).is_none();
                    if passes {
                        // r = x[i] of an update in place `x[i] = r ± t`: dx[i] was left as it
                        // was by the write's pullback, which took `dr` from it (`passthrough`)
                    } else if let Some(w) = self.window_reg(*base, idx) {
                        // y = x[i + c] => w_c += dy (a register of the loop's window)
                        contribs.push(quote! { #rt::window_add(&mut #w, #g); });
                    } else if self.holds_row(*base) {
                        // `row = &w[k]` in a loop holding row `k` of `w`: the row's adjoint is
                        // never added to (its reads go into the held row), so no work and no
                        // read of `k`; the call only names the cotangent's type
                        let (w, k) = (&self.params[base].read, super::rows::held_index(*base));
                        contribs.push(quote! { #rt::held_row_cotangent(&#g, &(#w)[#k]); });
                    } else if let Some((sp, source, k)) = self.span_adjoint(*base, idx) {
                        // y = x[c + j] => span[k] += dy (the loop's span of x's adjoint)
                        let d = self.adj(*base);
                        contribs.push(match source {
                            super::spans::Source::DenseAdjoint => {
                                quote! { #rt::dense_add_in(&mut *#sp, #k, #g); }
                            }
                            _ => self.buf_add(
                                *base,
                                quote! { #rt::GradBuf::add(&mut #sp, &mut #d, #k, #g); },
                            ),
                        });
                    } else {
                        let r = bind_read(self, idx, &mut pre, &mut reads);
                        let d = self.adj(*base);
                        if self.fitted.contains(base) {
                            // a buffer fitted before the loop: an index check, no growth path
                            contribs.push(quote! { #rt::dense_add_in(&mut #d, *#r, #g); });
                        } else if self.dense.contains(base) {
                            // a dense local's buffer: a bounds check, no `Option`, no shape record
                            contribs.push(quote! { #rt::dense_add(&mut #d, *#r, #g); });
                        } else if let Some(k) = self.const_elem(*base, idx, target) {
                            // y = x[c] in a fused loop => k += dy, a register of the loop's
                            // (added into J at c once the loop is over, see `const_elems`)
                            contribs.push(acc_to(self, &k, quote! { #g }));
                        } else if self.grad_bufs.contains(base) {
                            let b = self.grad_buf(*base);
                            contribs.push(self.buf_add(
                                *base,
                                quote! { #rt::GradBuf::add(&mut #b, &mut #d, *#r, #g); },
                            ));
                        } else if let Some(h) = self
                            .nested_row(*base)
                            .and_then(|(outer, oi)| self.held_row_of(outer, &oi))
                        {
                            // y = x[k][j] with row k held by the loop => held[j] += dy
                            let sh = self.bind_shape(*base, place, &mut pre, &mut reads);
                            contribs.push(quote! { #rt::RowAdd::row_add(&mut #h, #sh, *#r, #g); });
                        } else if let Some((outer, oi)) = self.nested_row(*base) {
                            // y = x[i][j] (`row = &x[i]` read by nothing else) => dx[i][j] += dy,
                            // in place in x's gradient buffer: no adjoint of the row per read
                            let sh = self.bind_shape(*base, place, &mut pre, &mut reads);
                            let ro = bind_read(self, &oi, &mut pre, &mut reads);
                            let (b, d0) = (self.grad_buf(outer), self.adj(outer));
                            contribs.push(self.buf_add(
                                outer,
                                quote! {
                                    #rt::GradBuf::add_with(&mut #b, &mut #d0, *#ro, |__row| {
                                        #rt::ShapeAdjoint::add_into(#sh, __row, *#r, #g)
                                    });
                                },
                            ));
                        } else {
                            let sh = self.bind_shape(*base, place, &mut pre, &mut reads);
                            contribs
                                .push(quote! { #rt::ShapeAdjoint::add_at(#sh, &mut #d, *#r, #g); });
                        }
                    }
                }
            }
            Rhs::Clone { x: a, .. } | Rhs::Ref(a) => {
                // y = &a, y = a.clone() => da += dy
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(self, v, quote! { #g }));
                }
            }
            Rhs::Field { base, member, .. } => {
                if let Some(v) = self.act.active_atom(base) {
                    let d = self.adj(v);
                    match member {
                        syn::Member::Unnamed(i) => {
                            let i = i.index as usize;
                            contribs
                                .push(quote! { #rt::tuple_field_add::<_, _, #i>(&mut #d, #g); });
                        }
                        syn::Member::Named(n) => {
                            contribs
                                .push(quote! { #rt::field_add(&mut #d, |__a| &mut __a.#n, #g); });
                        }
                    }
                }
            }
            Rhs::Tuple(xs) => {
                // A tuple pattern fixes the adjoint's shape before its element types are known.
                let parts: Vec<Ident> = (0..xs.len())
                    .map(|k| naming::fixed(&format!("__g{k}")))
                    .collect();
                let mut body = quote! { let (#(#parts,)*) = #g; };
                for (k, a) in xs.iter().enumerate() {
                    if let Some(v) = self.act.active_atom(a) {
                        let p = &parts[k];
                        body.extend(acc(self, v, quote! { #p }));
                    }
                }
                contribs.push(body);
            }
            Rhs::Struct { path, fields, rest } => {
                // y = S { f: a, ..r } => da += dy.f; dr += dy with the named fields zeroed
                let mut body = quote! { let mut #g = #g; let #path { .. } = &#g; };
                for (f, a, at) in fields {
                    let h = crate::derive::field_hash(&f.to_string());
                    if let Some(v) = self.act.active_atom(a) {
                        let d = self.adj(v);
                        let accf = self.slot_fn(&d, "acc");
                        body.extend(quote_spanned! {*at=>
                            #accf(&mut #d, #rt::GradField::<#h>::take_field_adjoint(&mut #g));
                        });
                    } else if rest
                        .as_ref()
                        .is_some_and(|r| self.act.active_atom(r).is_some())
                    {
                        body.extend(
                            quote! { #rt::FieldAdjoint::<#h>::clear_field_adjoint(&mut #g); },
                        );
                    }
                }
                if let Some(v) = rest.as_ref().and_then(|r| self.act.active_atom(r)) {
                    body.extend(acc(self, v, quote! { #g }));
                }
                contribs.push(body);
            }
            Rhs::Array(xs) | Rhs::VecLit(xs) => {
                let n = xs.len();
                let mut parts = quote! { let mut __parts = #rt::split_elems(::core::option::Option::Some(#g), #n); };
                for (k, a) in xs.iter().enumerate() {
                    if let Some(v) = self.act.active_atom(a) {
                        let d = self.adj(v);
                        let accf = self.slot_fn(&d, "acc_opt");
                        parts.extend(quote! { #accf(&mut #d, __parts[#k].take()); });
                    }
                }
                contribs.push(parts);
            }
            Rhs::Repeat { elem, .. } => {
                if let Some(v) = self.act.active_atom(elem) {
                    contribs.push(acc(self, v, quote! { #rt::sum_adj(#g) }));
                }
            }
            Rhs::Sum { base, len } => {
                if self.act.active(*base) {
                    let r = bind_read(self, len, &mut pre, &mut reads);
                    let d = self.adj(*base);
                    contribs.push(quote! { #rt::broadcast_add(&mut #d, *#r, #g); });
                }
            }
            Rhs::Call {
                callee, args, refs, ..
            } if self.range_read(callee, args).is_some() => {
                let Some(base) = self.range_read(callee, args) else {
                    unreachable!("checked by the guard")
                };
                // y = v[a..b] => dv[a + k] += dy[k]: added at its offset straight into v's
                // adjoint, with no pullback kept and no zeros before `a`
                if range_slots::borrowable(self.f, args, refs)
                    && !self.forced_copies.contains(&target)
                {
                    // a range of a parameter (unchanged during the call): borrowed, not copied
                    value = self.primal(&Rhs::Call {
                        callee: Callee::Path(syn::parse_quote! { #rt::ops::range_view }),
                        args: args.clone(),
                        refs: vec![false; args.len()],
                        spans: Vec::new(),
                        span: proc_macro2::Span::call_site(),
                    });
                }
                let r = bind_read(self, &args[1], &mut pre, &mut reads);
                let d = self.adj(base);
                contribs.push(quote! { #rt::ops::acc_range(&mut #d, *#r, #g); });
            }
            Rhs::Call {
                callee,
                args,
                refs,
                spans,
                span,
            } => {
                let any_active = args.iter().any(|a| self.act.active_atom(a).is_some());
                // An argument that borrows a local of the forward sweep cannot be borrowed by a
                // pullback kept until the reverse sweep: save the argument values instead and
                // re-run the callee's companion on them in the reverse sweep.
                // A method receiver is borrowed by auto-ref: an owned receiver (a local, or a
                // parameter taken by value) is a local of the forward sweep too.
                let owned_receiver = matches!((callee, args.first()), (Callee::Method(_), Some(Atom::Var(v)))
                    if !self.f.vars[*v].is_ref);
                let borrows_local = owned_receiver
                    || args.iter().zip(refs.iter()).any(|(a, r)| match a {
                        Atom::Var(v) => {
                            // `&x` of a local, or of a parameter taken by value (a local of
                            // the generated function too)
                            (*r && (!self.params.contains_key(v) || !self.f.vars[*v].is_ref))
                                || (self.f.vars[*v].is_ref && !self.f.vars[*v].borrows_param)
                        }
                        Atom::Const(_) => false,
                    });
                // A slice or `Vec` with a derivative passed by reference (`interp(xs, ys, q)`
                // with `ys` a parameter): its pullback would return a whole-length adjoint per
                // call, allocated and added in; the fused companion adds only the elements the
                // callee reads, into the caller's slot.
                let active_ref_arg = args.iter().zip(refs.iter()).any(|(a, r)| {
                    matches!(self.act.active_atom(a), Some(v) if *r || self.f.vars[v].is_ref)
                });
                let fuse_params =
                    active_ref_arg && forward_calls_primal(callee) && self.distinct_active(args);
                let acc = if any_active && (borrows_local || fuse_params) {
                    self.acc_call(target, rhs, place, &g)
                } else {
                    None
                };
                if let Some(acc) = acc {
                    // y = f(a..) => da.. += dy * (f's gradient, taken in the forward sweep)
                    pre.extend(acc.forward);
                    value = acc.value;
                    reads.extend(acc.reads);
                    contribs.push(acc.contrib);
                } else if any_active && (borrows_local || fuse_params) {
                    let cpb = naming::fixed("__cpb");
                    let cv = naming::fixed("__cv");
                    let mut listed = None;
                    let call = if forward_calls_primal(callee) {
                        // A function of the user's: the forward sweep calls it as written (same
                        // value, no pullback recorded only to be dropped), or lists its
                        // gradient where the callee says that pays (`pairs`)
                        let mut call = self.primal(rhs);
                        if self.distinct_active(args) {
                            listed = self.pairs_call(
                                target, callee, args, refs, spans, *span, place, &call, &g,
                            );
                        }
                        if let Some(l) = &listed {
                            call = l.call.clone();
                            reads.extend(l.reads.clone());
                        }
                        quote! { let #cv = #call; }
                    } else {
                        // The forward sweep calls the companion too (its value may differ in type
                        // from the primal's, e.g. an owned row for `m.row(i)`) and drops the
                        // pullback.
                        let call = self.companion_call(callee, args, refs, *span);
                        quote! { let (#cv, _) = #call; }
                    };
                    value = quote! { #cv };
                    let mut argv = Vec::new();
                    // the arguments are kept before the call, which may take them by value
                    // (`g(x, r)` with `r` a local changed before: its copy is kept)
                    for (k, (a, by_ref)) in args.iter().zip(refs.iter()).enumerate() {
                        let r = bind_read(self, a, &mut pre, &mut reads);
                        // A receiver is passed by reference (auto-deref finds the method); so is
                        // an argument written `&a` or held by reference.
                        let receiver = k == 0 && matches!(callee, Callee::Method(_));
                        let borrowed = receiver
                            || *by_ref
                            || matches!(a, Atom::Var(v) if self.f.vars[*v].is_ref);
                        argv.push(if borrowed {
                            quote! { #r }
                        } else {
                            quote! { ::core::clone::Clone::clone(#r) }
                        });
                    }
                    pre.extend(call);
                    // the run in the reverse sweep must give the value the caller used: a
                    // summary of it is kept and compared there (`runtime rerun.rs`)
                    let first = (!naming::is_runtime_builtin(callee)).then(|| {
                        let (save, read) = self.save(run_summary(&rt, &quote! { #cv }), place);
                        pre.extend(save);
                        bind_saved(&mut reads, read)
                    });
                    let again = naming::fixed("__again");
                    let check = match &first {
                        Some(r) => {
                            let summary = run_summary(&rt, &quote! { #again });
                            let name = callee_label(callee);
                            // (a panic there points at the call)
                            let at = crate::sig::respan(rt.clone(), *span);
                            quote_spanned! {*span=> #at::check_rerun(#r, #summary, #name); }
                        }
                        None => TokenStream::new(),
                    };
                    if forward_calls_primal(callee) && self.distinct_active(args) {
                        // y = f(a..) => da.. += f's pullback of dy, by the fused companion:
                        // both of f's sweeps at once, adding into the adjoints here (one
                        // mutable borrow per adjoint: `dot(&v, &v)` keeps the pullback)
                        argv.push(quote! { #rt::GivenCotangent(#rt::cotangent_as(#g)) });
                        // this sweep's products: the callee's sweep takes the same
                        argv.push(self.products_arg());
                        // a range read only by this call lends its base's adjoint as a window,
                        // or a scratch buffer added into it after the call (`range_slots`); so
                        // does a parameter's whole slice, as the range `0..len` of itself
                        let ranges: Vec<_> = (args.iter().zip(refs.iter()))
                            .map(|(a, r)| self.range_arg(a).or_else(|| self.whole_slice_arg(a, *r)))
                            .collect();
                        let mut slots: Vec<_> = (args.iter().enumerate())
                            .map(|(k, a)| match ranges[k] {
                                None => Some(self.slot_arg(k, a, spans, *span)),
                                Some(_) => None,
                            })
                            .collect();
                        let windows = range_slots::windows(&ranges, &slots, |v| self.adj(v));
                        // each windowed base's adjoint as cells, grown to the ranges' end
                        let mut ends: Vec<(VarId, Vec<TokenStream>)> = Vec::new();
                        let mut after = TokenStream::new();
                        for (k, a) in args.iter().enumerate() {
                            let Some(ra) = &ranges[k] else {
                                argv.extend(slots[k].take());
                                continue;
                            };
                            // the argument as saved for the re-run (cached: no second save)
                            // gives the length, the start its offset
                            let rv = bind_read(self, a, &mut pre, &mut reads);
                            let rs = bind_read(self, &ra.start, &mut pre, &mut reads);
                            let d = self.adj(ra.base);
                            if windows.contains(&ra.base) {
                                let cells = range_slots::cells_name(ra.base);
                                argv.push(quote! { #rt::RangeSlot(#cells, *#rs) });
                                let end = quote! { *#rs + (#rv).len() };
                                match ends.iter_mut().find(|(b, _)| *b == ra.base) {
                                    Some((_, e)) => e.push(end),
                                    None => ends.push((ra.base, vec![end])),
                                }
                                continue;
                            }
                            let scr = self.new_scratch();
                            argv.push(quote! { #rt::ScratchSlot(&mut #scr, (#rv).len()) });
                            after.extend(
                                quote! { #rt::ops::acc_range_drain(&mut #d, *#rs, &mut #scr); },
                            );
                        }
                        let call = companion_call(callee, &argv, *span, naming::into_companion);
                        let mut lend = TokenStream::new();
                        for (b, e) in &ends {
                            let (cells, d) = (range_slots::cells_name(*b), self.adj(*b));
                            lend.extend(quote! {
                                let #cells = #rt::ops::range_cells(
                                    &mut #d,
                                    0usize #(.max(#e))*,
                                );
                            });
                        }
                        // (the companion tests its cotangent itself, see `expand/companion.rs`)
                        let rerun = quote! { #lend let #again = #call; #check #after };
                        contribs.push(match &listed {
                            Some(l) => l.wrap(rerun),
                            None => rerun,
                        });
                    } else {
                        let call = companion_call(callee, &argv, *span, naming::vjp_companion);
                        let gs = naming::fixed("__gs");
                        let rest = self.call_contribs(args, spans, *span, &gs);
                        let mut body = quote! { let (#again, #cpb) = #call; #check };
                        body.extend(self.pullback_call_of(callee, &quote! { #cpb }, &g, &gs, rest));
                        contribs.push(body);
                    }
                } else if any_active {
                    let call = self.companion_call(callee, args, refs, *span);
                    let (cv, cpb) = (naming::fixed("__cv"), naming::fixed("__cpb"));
                    pre.extend(quote! { let (#cv, #cpb) = #call; });
                    let (save, read) = self.save(quote! { #cpb }, place);
                    pre.extend(save);
                    value = quote! { #cv };
                    let r = bind_saved(&mut reads, read);
                    let gs = naming::fixed("__gs");
                    // dy as the cotangent type the pullback takes (`[f64; 3]` for an array)
                    let rest = self.call_contribs(args, spans, *span, &gs);
                    contribs.push(self.pullback_call_of(callee, &quote! { #r }, &g, &gs, rest));
                }
            }
            Rhs::Opaque(_) => {}
        }
        // Every contribution but the last gets its own copy of the cotangent.
        let last = contribs.len().saturating_sub(1);
        let body: TokenStream = contribs
            .into_iter()
            .enumerate()
            .map(|(k, c)| {
                if k < last {
                    quote! { { let #g = ::core::clone::Clone::clone(&#g); #c } }
                } else {
                    c
                }
            })
            .collect();
        let rev = quote! { #reads if let ::core::option::Option::Some(#g) = #d_y.take() { #body } };
        (pre, value, post, rev)
    }
}

impl RevGen<'_> {
    /// The variable `v` of a range read `ops::range_of(v, a, b)` (`&v[a..b]`, see
    /// `lower/ranges.rs`) whose adjoint is an `Option<Vec>` slot the range's adjoint can be
    /// added into at its offset; `None` for every other call (dense and fitted buffers keep the
    /// general path).
    pub(super) fn range_read(&self, callee: &Callee, args: &[Atom]) -> Option<VarId> {
        if !naming::is_range_of(callee) {
            return None;
        }
        match args {
            [Atom::Var(v), _, _]
                if self.act.active(*v)
                    && !self.dense.contains(v)
                    && !self.fitted.contains(v)
                    && !self.plain.contains(v) =>
            {
                Some(*v)
            }
            _ => None,
        }
    }

    /// For `row` defined as `&x[i]` (a borrowed element of a parameter with a gradient buffer):
    /// `(x, i)`, so that `row[j]`'s adjoint goes straight into `x`'s buffer at `[i][j]`.
    /// The row's other reads keep their own rule (their adjoint reaches `x[i]` through `row`'s
    /// definition); the index is read again where `row[j]` is, so it must not change in between.
    pub(super) fn nested_row(&self, row: VarId) -> Option<(VarId, Atom)> {
        match self.defs.get(&row)? {
            Rhs::Index {
                base,
                idx,
                by_ref: true,
            } if self.grad_bufs.contains(base) && self.unchanging(idx) => {
                Some((*base, idx.clone()))
            }
            _ => None,
        }
    }

    /// Whether `a` has one value for as long as it is in scope (a constant, or a variable never
    /// assigned after its definition), so that reading it again later gives the value a
    /// definition used.
    pub(super) fn unchanging(&self, a: &Atom) -> bool {
        match a {
            Atom::Const(_) => true,
            Atom::Var(v) => !self.f.vars[*v].reassigned,
        }
    }

    /// Whether no active variable is passed twice (each slot argument borrows its adjoint
    /// mutably).
    pub(super) fn distinct_active(&self, args: &[Atom]) -> bool {
        let active: Vec<VarId> = args
            .iter()
            .filter_map(|a| self.act.active_atom(a))
            .collect();
        active
            .iter()
            .enumerate()
            .all(|(i, v)| !active[..i].contains(v))
    }

    /// The slot argument of argument `k` of a fused companion call: the argument's adjoint
    /// slot when it is active (spanned at the argument: a callee parameter without a gradient
    /// is reported there), `NoSlot` otherwise.
    pub(super) fn slot_arg(
        &self,
        k: usize,
        a: &Atom,
        spans: &[proc_macro2::Span],
        span: proc_macro2::Span,
    ) -> TokenStream {
        let rt = self.rt;
        let at = spans.get(k).copied().unwrap_or(span);
        let Some(v) = self.act.active_atom(a) else {
            return quote! { #rt::NoSlot };
        };
        let d = self.adj(v);
        if self.plain.contains(&v) {
            quote_spanned! {at=> #rt::PlainSlot(&mut #d) }
        } else if self.dense.contains(&v) {
            quote_spanned! {at=> #rt::DenseSlot(&mut #d) }
        } else {
            quote_spanned! {at=> #rt::Slot(&mut #d) }
        }
    }

    /// `d_arg += gs.k` for each active argument `k` of a call whose callee cotangents are the
    /// tuple `gs`. Spanned at the argument: a callee parameter without a gradient is reported
    /// there.
    fn call_contribs(
        &self,
        args: &[Atom],
        spans: &[proc_macro2::Span],
        span: proc_macro2::Span,
        gs: &Ident,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        for (k, a) in args.iter().enumerate() {
            if let Some(v) = self.act.active_atom(a) {
                let d = self.adj(v);
                let i = syn::Index::from(k);
                let at = spans.get(k).copied().unwrap_or(span);
                let mut arg =
                    proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, quote! { #gs.#i });
                arg.set_span(at);
                let accf = if self.plain.contains(&v) {
                    quote_spanned! {at=> ::autodiff::__private::plain::acc_slot }
                } else if self.dense.contains(&v) {
                    // a dense local's buffer: the callee's `Vec` added element by element
                    quote_spanned! {at=> ::autodiff::__private::dense_add_slot }
                } else {
                    quote_spanned! {at=> ::autodiff::__private::acc_slot }
                };
                out.extend(quote_spanned! {at=> #accf(&mut #d, #arg); });
            }
        }
        out
    }
}

/// A numeric literal (possibly negated): a scalar factor whatever the other operand's type.
pub(super) fn is_literal(a: &Atom) -> bool {
    match a {
        Atom::Const(c) => syn::parse2::<syn::Expr>(c.clone()).is_ok_and(|e| match e {
            syn::Expr::Lit(l) => matches!(l.lit, syn::Lit::Float(_) | syn::Lit::Int(_)),
            syn::Expr::Unary(u) => matches!(*u.expr, syn::Expr::Lit(_)),
            _ => false,
        }),
        Atom::Var(_) => false,
    }
}

/// The literal `1` (`1.0`, `1.`, `1f64`, `1.0_f32`, `1`): the numerator of a reciprocal.
fn is_one(a: &Atom) -> bool {
    let Atom::Const(c) = a else {
        return false;
    };
    match syn::parse2::<syn::Expr>(c.clone()) {
        Ok(syn::Expr::Lit(l)) => match l.lit {
            syn::Lit::Float(f) => f.base10_parse::<f64>().is_ok_and(|v| v == 1.0),
            syn::Lit::Int(i) => i.base10_parse::<u64>().is_ok_and(|v| v == 1),
            _ => false,
        },
        _ => false,
    }
}

impl RevGen<'_> {
    /// In second-order code, a call of a function of the user's whose result carries no
    /// derivative but whose arguments do (`let c = dot(p, p); if c > 1.0 { .. }`): its value
    /// from the callee's second-order companion. The callee as written takes `f64`s, not the dual
    /// numbers the arguments are here (every callee given a differentiable argument is
    /// `order = 2`, see the README).
    fn order2_inactive_call(&self, rhs: &Rhs) -> Option<TokenStream> {
        let Rhs::Call {
            callee: callee @ Callee::Path(path),
            args,
            refs,
            span,
            ..
        } = rhs
        else {
            return None;
        };
        let varied = |a: &Atom| matches!(a, Atom::Var(v) if self.act.varied(*v));
        if !naming::order2()
            || naming::is_runtime_builtin(callee)
            || !naming::may_be_user_fn(path)
            || !args.iter().any(varied)
        {
            return None;
        }
        let call = self.companion_call(callee, args, refs, *span);
        Some(quote! { #call.0 })
    }
}

/// Whether a checkpointed call's forward sweep can call the callee as written instead of its
/// companion: a path to a function of the user's (its companion returns the primal's value and
/// type), outside second-order code (there the scalar is a dual number the primal does not take).
pub(super) fn forward_calls_primal(callee: &Callee) -> bool {
    matches!(callee, Callee::Path(_)) && !naming::is_runtime_builtin(callee) && !naming::order2()
}

/// For `sin` and `cos`: the runtime function computing, beside the value, what the pullback
/// reads (`cos x` for `sin x`, `sin x` for `cos x`), and the pullback reading it.
fn kept_partner(name: &Ident) -> Option<(Ident, Ident)> {
    let m = name.to_string();
    matches!(m.as_str(), "sin" | "cos").then(|| {
        (
            quote::format_ident!("{}_kept", m),
            quote::format_ident!("{}_d0_kept", m),
        )
    })
}

/// `(&RunValue(&v)).run_summary()`: what the forward sweep keeps of a call's value `v` for the
/// check of its run in the reverse sweep (floats and containers of them; other types give a
/// summary that always agrees, by method lookup's order).
fn run_summary(rt: &TokenStream, v: &TokenStream) -> TokenStream {
    quote! {{
        #[allow(unused_imports)]
        use #rt::{Summarize as _, SummarizeOther as _};
        (&#rt::RunValue(&#v)).run_summary()
    }}
}

/// The callee as the user wrote it (`helpers::h`, or `.energy` for a method), for messages.
fn callee_label(callee: &Callee) -> String {
    match callee {
        Callee::Path(p) => quote!(#p).to_string().replace(' ', ""),
        Callee::Method(m) => format!(".{m}"),
    }
}
