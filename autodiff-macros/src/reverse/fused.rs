//! Accumulation loops whose trips' pullbacks run in the forward sweep (fusion).
//!
//! A loop nest outside every other loop whose trips only add terms into one float
//! (`s += v * v`, `s -= 0.5 * v`), from their own `let`s, loop indices and parameters, has the
//! same cotangent `ds` for `s` in every trip: no rule reads `s` in the loop, and
//! `s = s ± t => dt ±= ds` leaves `ds` as it was. The trips' pullbacks are then independent
//! of one another and of what follows the loop, so each runs right after its trip's value,
//! with the unit cotangent, adding into buffers `J` of the loop's own (one per parameter the
//! trips read: `J_x = Σ_trips ∂term/∂x`). The reverse sweep adds `ds · J` into the parameters'
//! adjoints (`rt::fused_give`) and records nothing per trip: no trip counts, no saved values.
//!
//! Taken where the trips branch (an `if`): the usual reverse sweep decides each `if` again,
//! mispredicting as often as the forward sweep did, where a trip's pullback follows the
//! decision just made (the element loop: 1.7 → 1.4× its hand-written gradient). Taken where a
//! trip has a sum of its own (below). A loop with neither keeps its reverse sweep, which costs
//! no more than `J`'s buffer and its two passes (Rosenbrock and Lennard-Jones ran 10–25 %
//! slower fused).
//!
//! Trip sums: `let mut y = ..; for k .. { y += t }` in a trip, then `y` read (`s += y * y`, a
//! correlation, a matrix-vector product through an activation). `y = Σ t_k => dt_k += dy` for
//! every `k`, but `dy` is known only once the pullbacks of the statements after the inner loop
//! ran. So the inner loop runs as written (for `y`), and again from a copy of its iterator in
//! its place among the trip's pullbacks, each of its trips' with `dy`, the sum's assignment
//! left out (`y` is final). This is the hand-written gradient's order, and it lets each trip's
//! pullback overlap the next trip's sum (a 16-tap correlation: 2.0 → 1.23× its hand-written
//! gradient). The second run decides the inner loop's conditions again, so they may not read
//! the outer sum, a trip sum or any variable that is assigned; the inner loop may not call,
//! print, read `y`, or hold a sum of its own; `y` is not assigned after it.
//! Sibling loops may share their index's name (each is seen only in its own trips).
//!
//! Each block's pullbacks run at its end, in reverse order, reading the forward sweep's locals
//! in place; an `if` arm's run at the end of the arm, whose locals are used only in the arm.
//! A value chosen by a branch (`let sp = if z > 0.0 { .. } else { .. }`, lowered to `let x;`
//! and `x = a` in each arm) has its `dx` only once the code after the branch ran its
//! pullbacks: that code, to the block's end, is written into each arm, between the arm's own
//! code and its pullbacks (`x = a => da += dx`). `x` is assigned once on each path (Rust's rule
//! for a variable that is not `mut`), so the rules after the branch read its final value. At
//! most three such branches a trip (the code after each is written once per arm); an
//! assignment inside a nested block of an arm keeps the usual sweep.
//!
//! Sound only where every value a rule reads is still the one its definition used: the loop's
//! `let`s are neither `mut` nor assigned (but trip sums), each name is bound once (no
//! shadowing), and outer
//! variables the rules read are neither `mut` nor assigned, nor is a parameter the loop reads
//! written anywhere in the function.
//!
//! Products: the trips' pullbacks run with IEEE products, and when `J` is not all finite the
//! loop runs again with the zero rule's (a finite `J` is the zero rule's, `rules::ieee`), the
//! accumulator and the iterator restored first. That needs a second run to be invisible
//! (`replay::rerun_is_invisible`, no `println!` in the loop) and an iterator that can be copied
//! (a range); otherwise the loop runs once with the zero rule. Both sweeps of `NAME_grad` share
//! the forward sweep; the reverse sweep's `ds · J` takes its own products.
//!
//! Buffers: `NAME_grad`'s last sweep reads `J` last and once, so it moves `J` into an empty
//! gradient slot and scales it in place (`rt::fused_give_owned`); a sweep before it (the
//! optimistic one) and `NAME_vjp`'s pullback, which may be called again, borrow it. A function
//! whose every loop is fused runs that last sweep alone (`expand/optimistic.rs`): the
//! optimistic sweep would add a second buffer and a finite test for no gain. On the element
//! loop, the second buffer's page faults had cost a quarter of the gradient's time.
//!
//! Range: `J` is taken with the unit cotangent and scaled by `ds` afterwards, where the usual
//! sweep multiplies `ds` in first. A partial beyond the float range that a tiny `ds` would
//! bring back (`s += 1e308 * x` with `ds = 1e-300`) overflows to `inf`, and one below it
//! (`1e-200 * 1e-150` with `ds = 1e300`) underflows to 0, as in any preaccumulation (the scalar
//! calls of `preacc` too).
//!
//! Element adjoints at a constant index (`theta[0]`) add into a register of the loop's, not
//! into `J` in memory.
//!
//! Calls of the user's functions (`l += huber(r, delta)`, `lookup(table, k, x)`) on floats by
//! value and on parameters' whole slices: the call runs as written, and its pullback at the
//! trip's end, with the trip's cotangent under the unit `ds`, adds into `J` (a whole slice's
//! `J` is lent to the callee as cells). That is right only for a pullback linear in its
//! cotangent, and a `#[custom_derivative]` rule below the call need not be one (a clipped
//! cotangent, `g.max(-0.5)`), which the caller cannot see. So the callee says, in a `const fn`
//! (`expand/fuse_hint.rs`): `true` when it is no custom rule and calls no function of the
//! user's, and when fusing pays, which is when it branches and has no loop. Both the fused form
//! and the usual sweep are written, behind `if const { hints }`, and the compiler keeps one.
//! Measured (BENCHMARKS, fiftieth pass): the Huber fit, whose helper branches, 8.7 → 6.3 µs in
//! the suite; forced fused in a scratch crate, a table lookup without a branch ran 4.3 → 6.1 µs,
//! Horner's rule in a helper (a loop) 13.9 → 17.9 and an interpolation (a loop and a branch)
//! 7.8 → 8.8, so their hints say no.
//! A loop with calls runs once, with the zero rule's products (a callee may print).
//!
//! Anything else keeps the loop's usual sweep: a `while`, a jump other than the `for` loop's
//! own exit, any other call, a write to a container, a second
//! accumulator or assigned variable (a counter), a local read by reference, a loop-invariant
//! local read by a rule, an adjoint that is not a float's (a matrix, a local `Vec`), and fused
//! companions (whose adjoints their caller lends).

use super::*;

/// The fused mode of the generator: adjoints of the loop's parameters and accumulator renamed
/// to the loop's own, and each element-read parameter's buffer.
pub(super) struct Fused {
    pub remap: HashMap<VarId, Ident>,
    pub bufs: HashMap<VarId, Ident>,
    /// Values saved so far, each into a local of the block whose end reads it.
    pub locals: usize,
    /// Registers of element adjoints at constant indices (`x[0]`, see `const_elems`).
    pub consts: Vec<super::const_elems::ConstElem>,
    /// Loops summing into a trip's own float (`let mut y = 0.0; for k .. { y += t }`): their
    /// trips' pullbacks need `dy`, known only once the rest of the trip's pullbacks ran, so the
    /// loop runs as written in the forward sweep and again in the trip's pullback.
    pub inner: HashMap<LoopId, VarId>,
    /// In that second run: the sum, whose assignments keep only their rules (`y` is final).
    pub skip: Option<VarId>,
    /// Floats chosen by a branch (`let x; if c { x = a } else { x = b }`, the lowering of
    /// `let x = if ..`): `dx` is known only once the pullbacks of the code after the branch
    /// ran, so that code is written into each arm, before the arm's pullbacks.
    pub values: HashSet<VarId>,
}

impl RevGen<'_> {
    /// The fused forward sweep and reverse sweep of the loop `id` (see the module docs), when
    /// it qualifies.
    pub(super) fn fused_loop(
        &mut self,
        id: LoopId,
        body: &Block,
        place: Place,
    ) -> Option<(TokenStream, TokenStream, Vec<TokenStream>)> {
        if place.in_loop
            || self.products == Products::Caller
            || self.params.values().any(|p| p.slot_in.is_some())
        {
            return None;
        }
        let plan = self.fusion_plan(id, body)?;
        // With calls, this form and the usual one are both written, one chosen by the callees'
        // hints at compile time (`loop_stmt`): a value saved once per call is then saved in
        // one of two branches, so its slot is an `Option` (a conditional place's).
        let place = match plan.calls.is_empty() {
            true => place,
            false => Place {
                conditional: true,
                ..place
            },
        };
        let rt = self.rt.clone();
        // The loop's own slots: the unit cotangent of the accumulator, a buffer and adjoint per
        // parameter read by element, an adjoint per float parameter: (name, type, start).
        let (acc_i, d_acc) = (self.ident(plan.acc).clone(), self.adj(plan.acc));
        let unit = naming::fixed(&format!("__ju{}", plan.acc));
        let mut slots = vec![(
            unit.clone(),
            TokenStream::new(),
            quote! { #rt::plain::Plain(#rt::ScalarOutput::one_cotangent(&#acc_i)) },
        )];
        let mut remap = HashMap::new();
        let mut bufs = HashMap::new();
        let mut added_plain = vec![unit.to_string()];
        remap.insert(plan.acc, unit);
        let mut finite = Vec::new();
        // each parameter read by element: a buffer for its element adjoints and `J`; a slice
        // passed whole to a call: `J` only, which the callee adds into, lent as cells
        for &p in plan.elem_params.iter().chain(&plan.whole_params) {
            let j = j_adj(p);
            if plan.elem_params.contains(&p) {
                let (b, read) = (j_buf(p), self.ident(p).clone());
                slots.push((
                    b.clone(),
                    TokenStream::new(),
                    quote! {{
                        #[allow(unused_imports)]
                        use #rt::{DenseProbe as _, ShapeProbe as _};
                        (&#rt::Probe(&#read)).grad_buf()
                    }},
                ));
                bufs.insert(p, b);
            }
            let ty = self.params[&p]
                .adj_ty
                .clone()
                .expect("checked: differentiated");
            slots.push((
                j.clone(),
                quote! { : #ty },
                quote! { ::core::option::Option::None },
            ));
            finite.push(quote! { #rt::fused_finite(&#j) });
            remap.insert(p, j);
        }
        for &p in &plan.float_params {
            let j = j_adj(p);
            if self.plain.contains(&p) {
                added_plain.push(j.to_string());
                let a = self.params[&p]
                    .adj
                    .clone()
                    .expect("checked: differentiated");
                slots.push((
                    j.clone(),
                    quote! { : #rt::plain::Plain<#a> },
                    quote! { #rt::plain::Plain::empty() },
                ));
                finite.push(quote! { #rt::Real::is_finite(#j.0) });
            } else {
                let ty = self.params[&p]
                    .adj_ty
                    .clone()
                    .expect("checked: differentiated");
                slots.push((
                    j.clone(),
                    quote! { : #ty },
                    quote! { ::core::option::Option::None },
                ));
                finite.push(quote! { #j.map_or(true, #rt::Real::is_finite) });
            }
            remap.insert(p, j);
        }
        let decls: TokenStream = slots
            .iter()
            .map(|(n, t, e)| quote! { let mut #n #t = #e; })
            .collect();
        let flush: TokenStream = plan
            .elem_params
            .iter()
            .map(|p| {
                let (b, j) = (j_buf(*p), j_adj(*p));
                quote! { #rt::Flush::flush(#b, &mut #j); }
            })
            .collect();
        self.block_adjoints.extend(plan.defs.iter().copied());
        self.plain_adj.extend(added_plain.iter().cloned());
        // With IEEE products when a second run is invisible and the loop's iterator can be
        // copied (a range); a gradient that is not finite is then taken again with the zero
        // rule (a finite one is the zero rule's, `rules::ieee`). Else with the zero rule.
        let again = self
            .f
            .rerun_ok
            .then(|| self.f.loops[id].affine.as_ref().and(self.f.loops[id].iter))
            .flatten()
            .map(|it| self.ident(it).clone())
            .filter(|_| !plan.effects);
        let loop_stmt = Stmt::Loop {
            id,
            body: body.clone(),
        };
        let nest = |this: &mut Self, products: Products| {
            let saved = std::mem::replace(&mut this.products, products);
            let locals = this.fused.as_ref().map_or(0, |f| f.locals);
            this.fused = Some(Fused {
                remap: remap.clone(),
                bufs: bufs.clone(),
                locals,
                consts: Vec::new(),
                inner: plan.inner.clone(),
                skip: None,
                values: plan.values.clone(),
            });
            let code = this.fused_stmt(&loop_stmt, true);
            this.products = saved;
            // each register of a constant index: declared before the loop, added into the
            // buffer after it (`x[c]`'s element adjoint, once)
            let consts = this
                .fused
                .as_mut()
                .map_or(Vec::new(), |f| std::mem::take(&mut f.consts));
            let before: TokenStream = (consts.iter())
                .map(|e| {
                    let (k, empty) = (&e.slot, &e.empty);
                    quote! { let mut #k = #empty; }
                })
                .collect();
            let after = this.const_elem_adds(&consts, |p| bufs[&p].clone(), j_adj);
            // the `J` of each slice passed whole, lent to the calls as cells made once
            let lendable: Vec<lent_cells::Lendable> = (plan.whole_params.iter())
                .filter_map(|p| this.lendable_as(*p, j_adj(*p)))
                .collect();
            let around = quote! { #before #after };
            let (lend, code) = lent_cells::hoist(this.rt, &lendable, code, &around);
            quote! { #before #lend #code #after }
        };
        let fwd = match again {
            Some(it) => {
                let first = nest(self, Products::Ieee);
                let second = nest(self, Products::Zero);
                let restart: TokenStream =
                    slots.iter().map(|(n, _, e)| quote! { #n = #e; }).collect();
                let (acc0, it0) = (
                    naming::fixed(&format!("__fs{}", plan.acc)),
                    naming::fixed("__fit"),
                );
                quote! {
                    let #acc0 = #acc_i;
                    let #it0 = ::core::clone::Clone::clone(&#it);
                    #decls
                    #first
                    #flush
                    if !(true #(&& #finite)*) {
                        #acc_i = #acc0;
                        #it = #it0;
                        #restart
                        #second
                        #flush
                    }
                }
            }
            None => {
                let only = nest(self, Products::Zero);
                quote! { #decls #only #flush }
            }
        };
        self.fused = None;
        for s in &added_plain {
            self.plain_adj.remove(s);
        }
        // After the loop: each buffer into its adjoint, and the adjoints kept for the reverse
        // sweep, which adds `ds · J` with its own products.
        let mut fin = TokenStream::new();
        let mut rev = quote! { let __ds = #d_acc.0; };
        let times = match self.products {
            Products::Ieee => quote! { #rt::rules::ieee::times },
            _ => quote! { #rt::rules::zero::times },
        };
        for &p in plan.elem_params.iter().chain(&plan.whole_params) {
            let j = j_adj(p);
            let (save, read, owned) = self.save_outside_loops(quote! { #j }, place);
            fin.extend(save);
            let d = self.adj(p);
            // dx += ds · J_x; a sweep that reads J last may make it dx itself (no copy)
            rev.extend(if self.consumes {
                quote! { #rt::fused_give_owned(&mut #d, __ds, #owned, #times); }
            } else {
                quote! { #rt::fused_give(&mut #d, __ds, #read, #times); }
            });
        }
        for &p in &plan.float_params {
            let j = j_adj(p);
            let (save, read) = self.save(quote! { #j }, place);
            fin.extend(save);
            let d = self.adj(p);
            let accf = self.slot_fn(&d, "acc");
            // dk += ds · J_k (nothing when the loop gave `k` nothing)
            if self.plain.contains(&p) {
                let prod = self.product("times", quote! { __ds }, quote! { (*#read).0 });
                rev.extend(quote! { #accf(&mut #d, #prod); });
            } else {
                let prod = self.product("times", quote! { __ds }, quote! { __j });
                rev.extend(quote! {
                    if let ::core::option::Option::Some(__j) = *#read {
                        #accf(&mut #d, #prod);
                    }
                });
            }
        }
        Some((quote! { #fwd #fin }, quote! { { #rev } }, plan.calls))
    }

    /// The forward code of a loop, branch, scope or jump of a fused loop, the pullbacks of the
    /// blocks inside included when `pullbacks` (see [`fused_block`](Self::fused_block)); other
    /// statements as the usual forward sweep writes them.
    fn fused_stmt(&mut self, s: &Stmt, pullbacks: bool) -> TokenStream {
        let inner = Place {
            in_loop: true,
            conditional: true,
        };
        match s {
            Stmt::Loop { id, body } => {
                let label = loop_label(*id);
                let fill = self.prefill_loop(*id);
                let b = self.fused_block(body, pullbacks);
                quote! { #fill #label: loop { #b } }
            }
            Stmt::Branch { kind, arms, .. } => {
                let fwds: Vec<TokenStream> = (arms.iter())
                    .map(|a| self.fused_block(a, pullbacks))
                    .collect();
                match kind {
                    BranchKind::If { cond, .. } => {
                        let (a, b) = (&fwds[0], &fwds[1]);
                        quote! { if #cond { #a } else { #b } }
                    }
                    BranchKind::Match { scrutinee, heads } => {
                        let arms_t = heads
                            .iter()
                            .zip(&fwds)
                            .map(|(h, f)| quote! { #h => { #f } });
                        quote! { match #scrutinee { #(#arms_t)* } }
                    }
                }
            }
            Stmt::Scope(b) => {
                let b = self.fused_block(b, pullbacks);
                quote! { { #b } }
            }
            Stmt::Break { target } => {
                let label = loop_label(*target);
                quote! { break #label; }
            }
            _ => self.stmt(s, inner).0,
        }
    }

    /// A block of a fused loop: the adjoints of its `let`s, its statements, then the pullbacks
    /// of its own definitions in reverse order (those of nested blocks ran at their ends). A
    /// loop summing into a trip's own float runs as written here and again, with its trips'
    /// pullbacks, in its place among them (`y = Σ t_k => dt_k += dy`). Without `pullbacks`,
    /// the statements only (that first run).
    fn fused_block(&mut self, b: &Block, pullbacks: bool) -> TokenStream {
        self.fused_seq(&b.stmts, pullbacks, TokenStream::new())
    }

    /// `stmts` as [`fused_block`](Self::fused_block) writes them, with `cont` (the code after
    /// them, pullbacks included) between their forward code and their pullbacks. A branch
    /// choosing a value (`x = a` in its arms, `x` declared before it) takes the statements
    /// after it and `cont` into each arm, before the arm's pullbacks, which need `dx`: the arm
    /// `x = a => da += dx` runs once the code reading `x` gave `dx`.
    fn fused_seq(&mut self, stmts: &[Stmt], pullbacks: bool, cont: TokenStream) -> TokenStream {
        let inner = Place {
            in_loop: true,
            conditional: true,
        };
        let chooses = |this: &Self, s: &Stmt| {
            let values = &this.fused.as_ref().expect("in a fused loop").values;
            pullbacks
                && matches!(s, Stmt::Branch { kind: BranchKind::If { .. }, arms, .. }
                if arms.iter().any(|a| a.stmts.iter().any(|t| {
                    matches!(t, Stmt::Assign { var, .. } if values.contains(var))
                })))
        };
        let split = (stmts.iter())
            .position(|s| chooses(self, s))
            .unwrap_or(stmts.len());
        let mut decls = TokenStream::new();
        for s in &stmts[..split] {
            if let Stmt::Let { var, .. } = s {
                if pullbacks && self.act.active(*var) {
                    let d = self.adj(*var);
                    let empty = if self.plain.contains(var) {
                        self.plain_empty(&d)
                    } else {
                        quote! { ::core::option::Option::None }
                    };
                    decls.extend(quote! { let mut #d = #empty; });
                }
            }
        }
        let mut fwd = TokenStream::new();
        let mut revs = Vec::new();
        for s in &stmts[..split] {
            let fused = self.fused.as_ref().expect("in a fused loop");
            let sum = match s {
                Stmt::Loop { id, .. } if pullbacks => fused.inner.get(id).copied(),
                _ => None,
            };
            let skipped = matches!(s, Stmt::Assign { var, .. } if fused.skip == Some(*var));
            match (s, sum) {
                // the second run: `y` is final, its assignments keep only their rules
                (Stmt::Assign { .. }, _) if skipped => revs.push(self.stmt(s, inner).1),
                (Stmt::Let { .. } | Stmt::Assign { .. }, _) => {
                    let (f, r, _) = self.stmt(s, inner);
                    fwd.extend(f);
                    revs.push(r);
                }
                (Stmt::Loop { id, .. }, Some(y)) => {
                    // forward: the loop as written, for `y`; its pullback: the loop again
                    // from a copy of its iterator, each trip's with `dy`
                    let it = self.f.loops[*id].iter.expect("checked: a range");
                    let it = self.ident(it).clone();
                    let copy = naming::fixed(&format!("__fil{id}"));
                    fwd.extend(quote! { let #copy = ::core::clone::Clone::clone(&#it); });
                    fwd.extend(self.fused_stmt(s, false));
                    let f = self.fused.as_mut().expect("in a fused loop");
                    let outer = f.skip.replace(y);
                    let again = self.fused_stmt(s, true);
                    self.fused.as_mut().expect("in a fused loop").skip = outer;
                    revs.push(quote! { let mut #it = #copy; #again });
                }
                _ => fwd.extend(self.fused_stmt(s, pullbacks)),
            }
        }
        if !pullbacks {
            return fwd;
        }
        let middle = match stmts.get(split) {
            Some(Stmt::Branch {
                kind: BranchKind::If { cond, .. },
                arms,
                ..
            }) => {
                // the rest of the block, then each arm around it: the arm's forward code, the
                // rest's, the rest's pullbacks, the arm's pullbacks
                let rest = self.fused_seq(&stmts[split + 1..], true, cont);
                let (a, b) = (&arms[0].stmts, &arms[1].stmts);
                let a = self.fused_seq(a, true, rest.clone());
                let b = self.fused_seq(b, true, rest);
                quote! { if #cond { #a } else { #b } }
            }
            _ => cont,
        };
        let rev: TokenStream = revs.into_iter().rev().map(|r| quote! { { #r } }).collect();
        quote! { #decls #fwd #middle #rev }
    }
}

/// The loop's buffer of parameter `p`'s element adjoints.
fn j_buf(p: VarId) -> Ident {
    naming::fixed(&format!("__jb{p}"))
}

/// The loop's adjoint of parameter `p` (`J_p`).
fn j_adj(p: VarId) -> Ident {
    naming::fixed(&format!("__jd{p}"))
}
