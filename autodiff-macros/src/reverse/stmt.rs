//! Statements: assignments, scopes, branches and loops, forward and reverse.

use super::*;

impl RevGen<'_> {
    /// One statement: (forward, reverse when it completed normally, reverse when it was left by a jump).
    pub(super) fn stmt(
        &mut self,
        s: &Stmt,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        match s {
            Stmt::Let {
                var,
                mutable,
                ty,
                init,
            } => {
                let id = self.ident(*var).clone();
                let m = if *mutable {
                    quote! { mut }
                } else {
                    quote! {}
                };
                let t = ty.as_ref().map(|t| quote! { : #t });
                match init {
                    None => (quote! { let #m #id #t; }, quote! {}, quote! {}),
                    Some(rhs) => {
                        let (pre, mut value, post, rev) = self.def(*var, rhs, place);
                        if let Some(v) = self.spare_filled(*var, rhs) {
                            value = v;
                        }
                        self.capture_recipe(*var, rhs);
                        let wit = self.witness(*var);
                        let chk = self.local_check(*var);
                        (
                            quote! { #pre let #m #id #t = #value; #chk #wit #post },
                            rev.clone(),
                            rev,
                        )
                    }
                }
            }
            Stmt::Assign { var, rhs } => {
                let id = self.ident(*var).clone();
                let (pre, value, post, rev) = self.def(*var, rhs, place);
                let wit = self.witness(*var);
                let set = match self.spare_keep(*var, rhs, &pre, &value) {
                    Some(keep) => keep,
                    None => quote! { #id = #value; },
                };
                (quote! { #pre #set #wit #post }, rev.clone(), rev)
            }
            Stmt::IndexWrite { base, idx, val }
            | Stmt::Push {
                base,
                val,
                len: idx,
            } => {
                let b = self.ident(*base).clone();
                let v = self.atom_fwd(val);
                let i = self.atom_fwd(idx);
                let f = match s {
                    // a push into a buffer sized before the loop (`prefill`): element `i`
                    Stmt::Push { base, .. } if self.prefilled_push(s) => {
                        let at = prefill::position(*base);
                        quote! { #b[#at] = #v; #at += 1; }
                    }
                    Stmt::Push { .. } => quote! { #b.push(#v); },
                    _ => quote! { #b[#i] = #v; },
                };
                if !self.act.active(*base) {
                    return (f, quote! {}, quote! {});
                }
                let (save, read) = self.read(idx, place);
                // a push's position may be a loop variable of any integer type (`push_index`)
                let at = match s {
                    Stmt::Push { .. } => quote! { #rt::push_position(*#read) },
                    _ => quote! { *#read },
                };
                let d = self.adj(*base);
                if self.dense.contains(base) {
                    let passes = matches!(val, Atom::Var(u) if self.passthrough.vals.contains(u));
                    let take = match self.window_reg(*base, idx) {
                        // y[i + c] = v => dv += w_c + dy[i + c], both zeroed (the loop's window)
                        Some(w) => quote! { #rt::window_take(&mut #d, __i, &mut #w) },
                        // y[i] = y[i] ± t => dt ±= dy[i], dy[i] unchanged (`passthrough`)
                        None if passes => quote! { #rt::dense_get(&#d, __i) },
                        // y[i] = v => dv += dy[i], dy[i] = 0 (a dense local's buffer); a push
                        // writes element `len`: y.push(v) => dv += dy[len], dy[len] = 0
                        None => quote! { #rt::dense_take(&mut #d, __i) },
                    };
                    let contrib = match self.act.active_atom(val) {
                        Some(vv) => {
                            let dv = self.adj(vv);
                            let accf = self.slot_fn(&dv, "acc_opt");
                            quote! { #accf(&mut #dv, #take); }
                        }
                        None => quote! { let _ = #take; },
                    };
                    let rev = quote! { let __i = #at; #contrib };
                    return (quote! { #save #f }, rev.clone(), rev);
                }
                let (save_shape, shape) = self.shape(*base, place);
                let contrib = match self.act.active_atom(val) {
                    Some(vv) => {
                        let dv = self.adj(vv);
                        let accf = self.slot_fn(&dv, "acc_opt");
                        quote! { #accf(&mut #dv, __e); }
                    }
                    None => quote! { let _ = __e; },
                };
                // y[i] = v => dv += dy[i], dy[i] = 0
                let rev = quote! {
                    let __i = #at;
                    let __shape = *#shape;
                    let __e = #rt::ShapeAdjoint::take_at(__shape, &mut #d, __i);
                    #contrib
                };
                (quote! { #save #save_shape #f }, rev.clone(), rev)
            }
            Stmt::Effect(t) => (t.clone(), quote! {}, quote! {}),
            Stmt::InPlace { .. } => {
                unreachable!("in-place statements are resolved after the activity analysis")
            }
            Stmt::Truncate { base, len } => {
                let (b, n) = (self.ident(*base), self.atom_fwd(len));
                (quote! { #b.truncate(#n); }, quote! {}, quote! {})
            }
            Stmt::Bound(_) => (quote! {}, quote! {}, quote! {}),
            Stmt::Scope(b) => {
                let (f, r) = self.block(b, place, KMode::Pop);
                (quote! { { #f } }, r.clone(), r)
            }
            Stmt::Branch {
                kind,
                arms,
                diverges,
            } => {
                let needs_rec = self.work(s);
                let normal_arms: Vec<usize> = (0..arms.len()).filter(|k| !diverges[*k]).collect();
                // An `if` whose condition the reverse sweep can evaluate again records nothing
                // when an arm completes (a jump out of an arm still records the arm).
                let (again, kept) = match kind {
                    BranchKind::If {
                        cond,
                        vars: Some(vars),
                    } if needs_rec && normal_arms.len() == 2 => {
                        match self.cond_again(cond, vars, place) {
                            Ok(again) => (Some(again), TokenStream::new()),
                            Err(kept) => (None, kept),
                        }
                    }
                    _ => (None, TokenStream::new()),
                };
                // Outside every loop the branch runs at most once: the arm taken goes into a
                // saved-value slot instead of onto the control tape (a helper with an `if`,
                // called per trip of the caller's loop, then sets up no tape per call). None
                // when the condition is evaluated again and no jump leaves an arm.
                let slot = (needs_rec && !place.in_loop && (again.is_none() || self.may_exit(s)))
                    .then(|| self.new_arm_slot());
                let inner = Place {
                    in_loop: place.in_loop,
                    conditional: true,
                };
                let mut fwds = Vec::new();
                let mut revs = Vec::new();
                for (k, arm) in arms.iter().enumerate() {
                    self.frames.push(Frame::Branch {
                        needs_rec,
                        arm: k,
                        slot,
                    });
                    let (mut f, r) = self.block(arm, inner, KMode::Pop);
                    self.frames.pop();
                    if needs_rec && normal_arms.len() > 1 && !diverges[k] && again.is_none() {
                        f.extend(self.put_count(slot, quote! { #k }));
                    }
                    fwds.push(f);
                    revs.push(r);
                }
                let fwd = match kind {
                    BranchKind::If { cond, .. } => {
                        let (a, b) = (&fwds[0], &fwds[1]);
                        let pre = again.as_ref().map(|(pre, _)| pre);
                        quote! { #pre #kept if #cond { #a } else { #b } }
                    }
                    BranchKind::Match { scrutinee, heads } => {
                        let arms_t = heads
                            .iter()
                            .zip(&fwds)
                            .map(|(h, f)| quote! { #h => { #f } });
                        quote! { match #scrutinee { #(#arms_t)* } }
                    }
                };
                if !needs_rec {
                    return (fwd, quote! {}, quote! {});
                }
                // The dispatch on the recorded arm serves the normal reverse of a branch with
                // several arms that cannot be re-decided, and the reverse after a jump out of
                // it; a loop's exit test (`match next() { .., None => break }`) needs neither.
                let dispatched = (again.is_none() && normal_arms.len() != 1) || self.may_exit(s);
                let taken = if slot.is_some() || dispatched {
                    self.take_count(slot)
                } else {
                    quote! { usize::MAX }
                };
                let ks = 0..revs.len();
                let dispatch = quote! { match #taken { #(#ks => { #revs })* _ => {} } };
                let normal = if let Some((_, c)) = again {
                    let (a, b) = (&revs[0], &revs[1]);
                    quote! { if #c { #a } else { #b } }
                } else if normal_arms.len() == 1 {
                    revs[normal_arms[0]].clone()
                } else {
                    dispatch.clone()
                };
                (fwd, normal, dispatch)
            }
            Stmt::Loop { id, body } => {
                let fill = self.prefill_loop(*id);
                let (f, r, r2) = self.loop_stmt(*id, body, s, place);
                (quote! { #fill #f }, r, r2)
            }
            Stmt::Break { target } if self.top_exit.contains(target) => {
                // The exit test of a top-exit loop: only the trip count is recorded.
                let (label, tr) = (loop_label(*target), naming::trips(*target));
                let record = match self.counted.get(target) {
                    // Counted from the saved start and end.
                    None if self.computed.contains(target) => quote! {},
                    // The same count on every execution: one slot, overwritten.
                    Some(known) => {
                        let (save, read) = match known {
                            Some(s) => s.clone(),
                            None => self.save(
                                quote! { #tr },
                                Place {
                                    in_loop: false,
                                    conditional: true,
                                },
                            ),
                        };
                        self.counted.insert(*target, Some((save.clone(), read)));
                        save
                    }
                    None => {
                        let slot = self.loop_slot(*target);
                        self.put_count(slot, trip_count(slot, &tr))
                    }
                };
                (quote! { #record break #label; }, quote! {}, quote! {})
            }
            Stmt::Break { target } => {
                let recs = self.jump_records(Some((*target, true)));
                let label = loop_label(*target);
                (quote! { #recs break #label; }, quote! {}, quote! {})
            }
            Stmt::Continue { target } => {
                let recs = self.jump_records(Some((*target, false)));
                let label = loop_label(*target);
                (quote! { #recs continue #label; }, quote! {}, quote! {})
            }
            Stmt::Return => {
                let recs = self.jump_records(None);
                let label = &self.body_label;
                (quote! { #recs break #label; }, quote! {}, quote! {})
            }
        }
    }

    /// A loop: forward with its trip count, reverse as a counted loop over the recorded trips.
    fn loop_stmt(
        &mut self,
        id: LoopId,
        body: &Block,
        s: &Stmt,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let needs_rec = self.work(s);
        if needs_rec {
            if let Some((fwd, rev, calls)) = self.fused_loop(id, body, place) {
                if calls.is_empty() {
                    return (fwd, rev.clone(), rev);
                }
                // Calls in the trips: fused where every callee says its pullback is linear in
                // its cotangent (`expand/fuse_hint.rs`), the usual sweep otherwise; the compiler
                // keeps one. Saves once per call go to `Option` slots, set in one branch only.
                let place = Place {
                    conditional: true,
                    ..place
                };
                let (uf, ur, ur2) = self.usual_loop(id, body, place, needs_rec);
                let fuse = quote! { const { true #(&& #calls)* } };
                return (
                    quote! { if #fuse { #fwd } else { #uf } },
                    quote! { if #fuse { #rev } else { #ur } },
                    quote! { if #fuse { #rev } else { #ur2 } },
                );
            }
        }
        self.usual_loop(id, body, place, needs_rec)
    }

    /// A loop's usual sweeps: forward with its trip count, reverse as a counted loop over the
    /// recorded trips.
    fn usual_loop(
        &mut self,
        id: LoopId,
        body: &Block,
        place: Place,
        needs_rec: bool,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        self.loops_reversed |= needs_rec;
        let label = loop_label(id);
        let tr = naming::trips(id);
        let (a, n, it) = affine_names(id);
        let top_exit = needs_rec && self.is_top_exit(id, body);
        let mut affine = None;
        if top_exit {
            self.top_exit.insert(id);
            // Only a loop inside another loop runs more than once per call: a loop that runs
            // once records its count once either way.
            if self.f.loops[id].const_trips && place.in_loop {
                self.counted.insert(id, None);
            }
            if let Some((v, start)) = &self.f.loops[id].affine {
                if !self.f.vars[*v].reassigned {
                    self.affine.insert(*v, (id, false));
                    affine = Some((*v, start.clone()));
                    // A count that changes between executions (`i + 1..n`), with the end fixed:
                    // computed from the start (saved anyway) and the end (kept once).
                    if place.in_loop && start.is_some() && !self.counted.contains_key(&id) {
                        // Bounds evaluated again where the reverse sweep has their variables
                        // (`0..xs[s].len()`, `lo[i]..lo[i + 1]`): start and count, no record.
                        let again =
                            self.f.loops[id]
                                .bounds_again
                                .as_ref()
                                .and_then(|(a, b, vs)| {
                                    self.binds_again(vs, place)
                                        .map(|binds| (binds, a.clone(), b.clone()))
                                });
                        if let Some(again) = again {
                            self.computed.insert(id);
                            self.bounds_again.insert(id, again);
                        } else if self.f.loops[id].fixed_end.is_some() {
                            self.computed.insert(id);
                        }
                    }
                }
            }
        }
        let kmode = if self.f.loops[id].has_continue {
            KMode::Pop
        } else {
            KMode::Last(quote! { #it == 0 })
        };
        // Outside every loop the loop runs at most once: its trip count goes into a slot
        // instead of onto the control tape.
        let slot = (needs_rec && !place.in_loop).then(|| self.new_arm_slot());
        self.frames.push(Frame::Loop {
            id,
            needs_rec,
            slot,
        });
        let (fit, fit_trips) = self.fit_enter(body, affine.as_ref().map(|(v, _)| *v));
        let rows = if needs_rec {
            self.rows_enter(body)
        } else {
            Vec::new()
        };
        let wins = if needs_rec {
            self.window_enter(id, body)
        } else {
            Vec::new()
        };
        if needs_rec {
            self.spans_enter(id, body, place);
        } else {
            self.spans = None;
        }
        let first_slot = self.slots.len();
        // Buffers made afresh each trip and moved over an outer one reuse the buffer it held.
        let fresh = stay_arm(body, id)
            .map(|trip| spare::fresh_buffers(trip, body, self.f))
            .unwrap_or_default();
        self.spares
            .extend(fresh.iter().map(|(next, u, w)| (*next, (*u, *w))));
        let spares_before = self.spares_made.len();
        // A top-exit loop reverses its trips as `for it in 1..n`, and the arm of its exit test
        // that stays in the loop runs once per full trip: that arm's tuple of records is read
        // from one slice of the trips' records (`versions_leave`).
        self.versions.pending_body = top_exit
            .then(|| stay_arm(body, id))
            .flatten()
            .map(|arm| (arm as *const Block, it.clone(), n.clone()));
        self.versions.chunk_decl = None;
        let (fb, rb) = self.block(
            body,
            Place {
                in_loop: true,
                conditional: true,
            },
            kmode,
        );
        let chunk_decl = self.versions.chunk_decl.take();
        self.versions.pending_body = None;
        self.frames.pop();
        for (next, _, _) in &fresh {
            self.spares.remove(next);
        }
        let spare_decls = spare::declarations(self.spares_made.drain(spares_before..));
        let body_slots = self.slots.len();
        self.top_exit.remove(&id);
        let count = self.counted.remove(&id).flatten();
        let computed = self.computed.remove(&id);
        let again = self.bounds_again.remove(&id);
        let (mut save_lens, mut fit_lens) = self.fit_exit(&fit, place, needs_rec);
        self.fitted.retain(|v| !fit_trips.contains(v));
        let (save_rows, hold_rows) = self.rows_exit(&rows, place, needs_rec);
        save_lens.extend(save_rows);
        let (span_saves, span_decls) = self.spans_exit(place);
        save_lens.extend(span_saves);
        fit_lens.extend(hold_rows);
        let (win_decl, win_trip, win_fin) = self.window_exit(&wins, &a, place);
        // The start of an affine loop variable the reverse sweep reads: saved before the loop.
        let (mut save_start, mut load_start) = (TokenStream::new(), TokenStream::new());
        if let Some((v, start)) = affine {
            if self.affine.remove(&v).is_some_and(|(_, used)| used) || computed {
                match start {
                    // evaluated again (see `bounds_again`), with the end, under one binding
                    Some(_) if again.is_some() => {
                        let (binds, e, end) = again.as_ref().expect("checked");
                        let end_id = naming::fixed(&format!("__end{id}"));
                        load_start = quote! { let (#a, #end_id) = { #binds (#e, #end) }; };
                    }
                    Some(e) => {
                        // A literal start is the same on every execution: one slot, overwritten
                        // by each execution with the same value, instead of a record per
                        // execution of an inner loop.
                        let at = if self.f.loops[id].const_start {
                            Place {
                                in_loop: false,
                                conditional: true,
                            }
                        } else {
                            place
                        };
                        let (save, read) =
                            self.save(quote! { ::core::clone::Clone::clone(&#e) }, at);
                        save_start = save;
                        load_start = quote! { let #a = *#read; };
                    }
                    None => load_start = quote! { let #a = 0usize; },
                }
            }
        }
        if !needs_rec {
            return (
                quote! { #spare_decls #label: loop { #fb } },
                quote! {},
                quote! {},
            );
        }
        let mut save_end = TokenStream::new();
        let trips = match (count, &self.f.loops[id].fixed_end) {
            (Some((_, read)), _) => quote! { *#read },
            (None, _) if again.is_some() => {
                // the end bound with the start (`load_start`)
                let end_id = naming::fixed(&format!("__end{id}"));
                quote! { #rt::range_trips(#a, #end_id) }
            }
            (None, Some(end)) if computed => {
                // The same end on every execution: one slot, overwritten.
                let (save, read) = self.save(
                    quote! { ::core::clone::Clone::clone(&#end) },
                    Place {
                        in_loop: false,
                        conditional: true,
                    },
                );
                save_end = save;
                quote! { #rt::range_trips(#a, *#read) }
            }
            // A slot's count was written through a barrier (`trip_count`), so opaque here.
            _ => self.take_count(slot),
        };
        // The tapes the trips push into are written, for exactly this loop, through writers that
        // shadow them and reserve the trips known in advance (`records.rs`): the pushes keep the
        // tape's length in a register, and dropping a writer on any exit puts its records back.
        let grown: Vec<Ident> = (first_slot..body_slots)
            .filter(|k| self.slots[*k] == SlotKind::Many)
            .map(naming::slot)
            .collect();
        let fwd = match &self.f.loops[id].hint {
            Some(hint) if !grown.is_empty() => quote! {
                #save_start #save_end #save_lens
                {
                    let __hint = #hint;
                    #(let mut #grown = #rt::writer(&mut #grown, __hint);)*
                    let mut #tr = 0usize;
                    #label: loop { #tr += 1; #fb }
                }
            },
            _ => quote! {
                #save_start #save_end #save_lens
                let mut #tr = 0usize;
                #label: loop { #tr += 1; #fb }
            },
        };
        // A top-exit loop's last trip ran only its exit test, which has no reverse work.
        let first = if top_exit {
            quote! { 1 }
        } else {
            quote! { 0 }
        };
        let fit_trips = self.fit_trips(&fit_trips, &quote! { #n - #first });
        // Slots the trips only add into sum in a register of the loop's own (`accumulate`).
        let sums = accumulate::only_added(&rb, self.plain_adj.iter());
        let rb = quote! { #rb #win_trip };
        // Parameters' adjoints the trips lend to calls: their cells made once, before the loop.
        let around = quote! {
            #load_start #fit_lens #fit_trips #chunk_decl #span_decls #win_decl #win_fin
        };
        let (lend_cells, rb) = lent_cells::hoist(&rt, &self.lendable(), rb, &around);
        let empties: Vec<TokenStream> = sums.iter().map(|d| self.plain_empty(d)).collect();
        let looped = accumulate::wrap(&rt, &sums, &empties, quote! { #it in #first..#n }, rb);
        let rev = quote! {
            #load_start
            #fit_lens
            let #n = #trips;
            #fit_trips
            #chunk_decl
            #span_decls
            #win_decl
            #lend_cells
            #looped
            #win_fin
        };
        (quote! { #spare_decls #fwd }, rev.clone(), rev)
    }

    /// The reverse-sweep evaluation of an `if` condition over `vars` (see `BranchKind::If`), when
    /// each of them is read there without a record: a loop index recomputed from the trip
    /// number, a parameter that is never written, a `let` value saved once for its block, or a
    /// small expression over those. `Err` holds the records the attempt set up, which the
    /// forward sweep must still write (a trip's records are put together at its end).
    fn cond_again(
        &mut self,
        cond: &TokenStream,
        vars: &[VarId],
        place: Place,
    ) -> Result<(TokenStream, TokenStream), TokenStream> {
        let free = |this: &Self, v: VarId| this.free_again(v);
        // One float the reverse sweep does not have otherwise may be saved for the condition
        // (`if r.abs() <= delta` with `r` computed in the trip): a number recorded instead of
        // the arm, and usually one the arms' rules read anyway (then the same record serves
        // both). Inside a loop only into the trip's one tuple, so that the read is a local
        // loaded at the start of the reverse trip, not a cursor.
        let saved: Vec<VarId> = vars
            .iter()
            .copied()
            .filter(|v| !free(self, *v) && self.version_read(*v).is_none())
            .collect();
        let grouped = self.grouped();
        match saved.as_slice() {
            [] => {}
            [v] if self.floats.contains(v)
                && !self.f.vars[*v].is_ref
                && (!place.in_loop || grouped) => {}
            _ => return Err(TokenStream::new()),
        }
        let mut pre = TokenStream::new();
        let mut reads = Vec::new();
        for &v in vars {
            let (save, read) = self.read(&Atom::Var(v), place);
            if !save.is_empty() && !saved.contains(&v) {
                // Not free after all: the arm is recorded instead, and what the attempt set up
                // is still written (an unread record, where the trip's tuple already names it).
                pre.extend(save);
                return Err(pre);
            }
            pre.extend(save);
            reads.push((v, read));
        }
        let binds = self.bind_names(&reads);
        Ok((pre, quote! { { #binds #cond } }))
    }
}

impl RevGen<'_> {
    /// Whether the reverse sweep reads `v` without a record: a loop index recomputed from the
    /// trip number, a parameter that is never written, a `let` value saved once for its block,
    /// or a small expression over those.
    fn free_again(&self, v: VarId) -> bool {
        self.affine.contains_key(&v)
            || (self.params.contains_key(&v) && !self.f.vars[v].reassigned)
            || self.block_saved.contains_key(&v)
            || self.index_like(&Atom::Var(v), 0)
            || self
                .element_cost(&Atom::Var(v), 0)
                .is_some_and(|c| c <= ELEMENT_BUDGET)
    }

    /// `let v = <v's value>;` for each of `vars` in the reverse sweep at `place`, when each is
    /// read there without a record, so that an expression over them can be evaluated again.
    fn binds_again(&mut self, vars: &[VarId], place: Place) -> Option<TokenStream> {
        if !vars.iter().all(|v| self.free_again(*v)) {
            return None;
        }
        let mut reads = Vec::new();
        for &v in vars {
            let (save, read) = self.read(&Atom::Var(v), place);
            if !save.is_empty() {
                // Not free after all (the unused slot costs nothing).
                return None;
            }
            reads.push((v, read));
        }
        Some(self.bind_names(&reads))
    }

    /// `let v = <read>;` for each variable, so that an expression over their names can be
    /// evaluated again. Every read is taken before any name is bound: a read may name a
    /// parameter (`n`) that an earlier binding would shadow (`let n = &lo[i];`, a local of the
    /// same name).
    fn bind_names(&self, reads: &[(VarId, TokenStream)]) -> TokenStream {
        let names: Vec<String> = reads
            .iter()
            .map(|(v, _)| self.ident(*v).to_string())
            .collect();
        // Reads that name none of the bound names are bound directly.
        let shadowed = reads.iter().any(|(_, r)| names_any(r.clone(), &names));
        let temps: Vec<TokenStream> = (0..reads.len())
            .map(|k| {
                let t = naming::fixed(&format!("__bv{k}"));
                quote! { #t }
            })
            .collect();
        let mut binds = TokenStream::new();
        if shadowed {
            for ((_, read), t) in reads.iter().zip(&temps) {
                binds.extend(quote! { let #t = #read; });
            }
        }
        for (k, (v, read)) in reads.iter().enumerate() {
            let i = self.ident(*v);
            let r = if shadowed { &temps[k] } else { read };
            binds.extend(if self.f.vars[*v].is_ref {
                // a reference variable stays a reference (`if *x > 0.0` with `x: &f64`)
                quote! { let #i = #r; }
            } else {
                quote! { let #i = ::core::clone::Clone::clone(#r); }
            });
        }
        binds
    }

    /// For a differentiated local the user named (not a parameter, a temporary or a known
    /// float): a check that its type has an adjoint, spanned at its name, so that a type that is
    /// not differentiable is reported at the local rather than at the attribute.
    fn local_check(&self, v: VarId) -> TokenStream {
        let id = self.ident(v);
        if !self.act.active(v)
            || self.params.contains_key(&v)
            || self.floats.contains(&v)
            || id.to_string().starts_with("__")
        {
            return TokenStream::new();
        }
        // the path too: rustc labels the call with the span of its path; behind a `break`, so
        // that only the compiler runs it (no call per loop trip in a debug build)
        let rt = crate::sig::respan(self.rt.clone(), id.span());
        let check = quote_spanned! {id.span()=> #rt::differentiated_local(&#id); };
        quote! {
            #[allow(unreachable_code, unused_labels, clippy::never_loop)]
            loop { break; #check }
        }
    }
}

/// Whether `ts` names any of `names` (at any depth).
fn names_any(ts: TokenStream, names: &[String]) -> bool {
    ts.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => names.contains(&i.to_string()),
        proc_macro2::TokenTree::Group(g) => names_any(g.stream(), names),
        _ => false,
    })
}

/// The block of a top-exit loop that runs once per trip but the last: the arm of its exit test
/// (the body's first statement, two arms) that stays in the loop (`for`: `Some(i) => {..}`), or,
/// when that arm is empty, the body's one block after the test (`while c {..}` is
/// `if !c { break } {..}`).
pub(super) fn stay_arm(body: &Block, id: LoopId) -> Option<&Block> {
    let Some(Stmt::Branch { arms, .. }) = body.stmts.first() else {
        return None;
    };
    let is_exit =
        |b: &Block| matches!(b.stmts.as_slice(), [Stmt::Break { target }] if *target == id);
    let stay = match arms.as_slice() {
        [a, b] if is_exit(a) != is_exit(b) => {
            if is_exit(a) {
                b
            } else {
                a
            }
        }
        _ => return None,
    };
    match (stay.stmts.is_empty(), &body.stmts[1..]) {
        (false, _) => Some(stay),
        (true, [Stmt::Scope(after)]) => Some(after),
        _ => None,
    }
}
