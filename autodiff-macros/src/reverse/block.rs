//! Statement lists: which statements ran, and the records a jump out of a list leaves.

use super::*;

impl RevGen<'_> {
    /// Emits a block. Returns (forward, reverse).
    pub(super) fn block(
        &mut self,
        b: &Block,
        place: Place,
        kmode: KMode,
    ) -> (TokenStream, TokenStream) {
        // Set for this block alone when it is the part of a counted loop's body that runs once
        // per full trip.
        let body_of = match &self.versions.pending_body {
            Some((target, _, _)) if std::ptr::eq(*target, b) => {
                self.versions.pending_body.take().map(|(_, it, n)| (it, n))
            }
            _ => None,
        };
        let n = b.stmts.len();
        let first_exit = b.stmts.iter().position(|s| self.may_exit(s));
        let needs_k = self.block_work(b) && first_exit.is_some();
        let kmode = if needs_k { kmode } else { KMode::None };
        let pops = matches!(kmode, KMode::Pop);
        // The function body: copies of unchanging locals are taken before its statements.
        let top_level = self.frames.is_empty();
        // Outside every loop the block runs at most once: how far it got goes into a slot
        // instead of onto the control tape.
        let slot = (pops && !place.in_loop).then(|| self.new_arm_slot());
        self.frames.push(Frame::Block {
            needs_k,
            index: 0,
            slot,
        });
        // `let` variables defined before any statement that can leave the block run exactly once
        // per execution of the block: save each once and load it once in reverse.
        let fe = first_exit.unwrap_or(n);
        let mut eligible = Vec::new();
        for (j, s) in b.stmts.iter().enumerate().take(fe) {
            let defined: Vec<VarId> = match s {
                Stmt::Let {
                    var, init: Some(_), ..
                } => vec![*var],
                Stmt::Bound(vars) => vars.clone(),
                _ => Vec::new(),
            };
            for var in defined {
                if !self.f.vars[var].reassigned {
                    let local = naming::fixed(&format!("__v{var}"));
                    self.block_saved.insert(var, (local, false));
                    eligible.push((j, var));
                }
            }
        }
        let mut fwds: Vec<TokenStream> = Vec::new();
        let mut revs: Vec<(TokenStream, TokenStream, bool)> = Vec::new();
        // A block in a loop that no jump leaves pushes all its records as one.
        self.versions_enter(fe, place.in_loop && first_exit.is_none());
        for (j, s) in b.stmts.iter().enumerate() {
            if let Some(Frame::Block { index, .. }) = self.frames.last_mut() {
                *index = j;
            }
            let p = Place {
                in_loop: place.in_loop,
                conditional: place.conditional || first_exit.is_some_and(|e| j >= e),
            };
            self.versions_before(j, s);
            if top_level {
                self.frozen.top = Some(j);
                self.frozen.bound_here.clear();
            }
            let (mut f, mut normal, mut abrupt) = self.stmt(s, p);
            if top_level {
                let (pf, pr) = std::mem::take(&mut self.frozen.prefix);
                let after = std::mem::take(&mut self.frozen.suffix);
                if !pf.is_empty() || !pr.is_empty() || !after.is_empty() {
                    f = quote! { #pf #f #after };
                    normal = quote! { #pr #normal };
                    abrupt = quote! { #pr #abrupt };
                }
            }
            self.versions_after(s);
            fwds.push(f);
            let exits = self.may_exit(s);
            revs.push((normal, abrupt, exits));
        }
        self.frames.pop();
        if top_level {
            self.frozen.top = None;
        }
        // A state replaced in this block whose earlier reads index its copy: the copy, taken
        // right before the replacement (`trip_versions`; decided now, once every rule that
        // reads them has been emitted).
        for (j, s) in b.stmts.iter().enumerate() {
            let p = Place {
                in_loop: place.in_loop,
                conditional: place.conditional || first_exit.is_some_and(|e| j >= e),
            };
            if let Some(copy) = self.trip_copy(s, p) {
                let f = std::mem::take(&mut fwds[j]);
                fwds[j] = quote! { #copy #f };
            }
        }
        let mut saved_loads = TokenStream::new();
        for (j, v) in eligible {
            let (local, used) = self.block_saved.remove(&v).expect("registered");
            if !used {
                continue;
            }
            let i = self.ident(v).clone();
            let rt = self.rt;
            let value = if self.f.vars[v].is_ref {
                quote! { #rt::own_referent(#i) }
            } else {
                quote! { ::core::clone::Clone::clone(&#i) }
            };
            let (save, read) = self.save(value, place);
            fwds[j].extend(save);
            saved_loads.extend(quote! { let #local = #read; });
        }
        if top_level {
            // Locals kept by move after the last statement that reads them.
            for (j, keep) in std::mem::take(&mut self.frozen.deferred) {
                fwds[j].extend(keep);
            }
        }
        let (push, mut loads) = self.versions_leave(place, body_of);
        loads.extend(saved_loads);
        let mut fwd: TokenStream = fwds.into_iter().collect();
        fwd.extend(push);
        let falls_through = !b.stmts.last().is_some_and(|s| {
            matches!(s, Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return)
        });
        if pops && falls_through {
            fwd.extend(self.put_count(slot, quote! { #n }));
        }
        let mut rev = self.block_adjoint_decls(b);
        if matches!(kmode, KMode::None) {
            rev.extend(loads);
            // A statement without reverse work leaves no `{}` behind (`cargo expand` stays
            // readable).
            for (r, _, _) in revs.into_iter().rev().filter(|(r, _, _)| !r.is_empty()) {
                rev.extend(quote! { { #r } });
            }
            return (fwd, rev);
        }
        self.nk += 1;
        let k = naming::fixed(&format!("__k{}", self.nk));
        let taken = self.take_count(slot);
        match &kmode {
            KMode::Last(first) => rev.extend(quote! { let #k = if #first { #taken } else { #n }; }),
            _ => rev.extend(quote! { let #k = #taken; }),
        }
        // Every `let` before the first exit ran: load the values saved at their definitions.
        rev.extend(loads);
        for (j, (normal, abrupt, exits)) in revs.into_iter().enumerate().rev() {
            if normal.is_empty() && (abrupt.is_empty() || !exits) {
                continue;
            }
            if j < fe {
                rev.extend(quote! { { #normal } });
            } else if exits {
                rev.extend(quote! { if #k > #j { #normal } else if #k == #j { #abrupt } });
            } else {
                rev.extend(quote! { if #k > #j { #normal } });
            }
        }
        (fwd, rev)
    }

    /// Declarations of the adjoint slots of the active `let` variables of `b` (see
    /// `block_adjoints`), placed at the start of the block's reverse sweep. Parameters, the
    /// return variable, variables read by named field and dense local `Vec`s (whose buffer is
    /// reused by every trip) keep their function-wide slots.
    fn block_adjoint_decls(&mut self, b: &Block) -> TokenStream {
        let mut out = TokenStream::new();
        for s in &b.stmts {
            if let Stmt::Let { var, .. } = s {
                let v = *var;
                if !self.act.active(v)
                    || v == self.f.ret
                    || self.params.contains_key(&v)
                    || self.field_bases.contains(&v)
                    || self.dense.contains(&v)
                {
                    continue;
                }
                self.block_adjoints.insert(v);
                let d = self.adj(v);
                if self.plain.contains(&v) {
                    let empty = self.plain_empty(&d);
                    out.extend(quote! { let mut #d = #empty; });
                } else {
                    out.extend(quote! { let mut #d = ::core::option::Option::None; });
                }
            }
        }
        out
    }

    /// Control records pushed by a jump, innermost construct first.
    pub(super) fn jump_records(&mut self, target: Option<(LoopId, bool)>) -> TokenStream {
        // (slot, count) of each construct the jump leaves, then recorded.
        let mut counts = Vec::new();
        for fr in self.frames.iter().rev() {
            match fr {
                Frame::Block {
                    needs_k: true,
                    index,
                    slot,
                } => counts.push((*slot, quote! { #index })),
                Frame::Block { .. } => {}
                Frame::Branch {
                    needs_rec,
                    arm,
                    slot,
                } => {
                    if slot.is_some() || *needs_rec {
                        counts.push((*slot, quote! { #arm }));
                    }
                }
                Frame::Loop {
                    id,
                    needs_rec,
                    slot,
                } => {
                    // `break` records the count of the loop it leaves, every jump further out
                    // the counts of the loops it passes; `continue` none of its own loop.
                    let (is_target, records) = match target {
                        Some((t, is_break)) if *id == t => (true, is_break && *needs_rec),
                        _ => (false, *needs_rec),
                    };
                    if records {
                        counts.push((*slot, trip_count(*slot, &naming::trips(*id))));
                    }
                    if is_target {
                        break;
                    }
                }
            }
        }
        counts
            .into_iter()
            .map(|(slot, count)| self.put_count(slot, count))
            .collect()
    }
}

/// How a block learns which of its statements ran.
#[derive(Clone)]
pub(super) enum KMode {
    /// It needs no record.
    None,
    /// It pops the index of the statement it was left in.
    Pop,
    /// A loop body without `continue`: it pops on the loop's last trip (this expression is true
    /// then) and completed normally on every other trip.
    Last(TokenStream),
}
