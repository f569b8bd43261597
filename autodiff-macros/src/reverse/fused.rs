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
//! decision just made (the element loop: 1.7 → 1.4× its hand-written gradient). A loop without
//! a branch keeps its reverse sweep, which costs no more than `J`'s buffer and its two passes
//! (Rosenbrock and Lennard-Jones ran 10–25 % slower fused).
//!
//! Each block's pullbacks run at its end, in reverse order, reading the forward sweep's locals
//! in place; an `if` arm's run at the end of the arm, whose locals are used only in the arm.
//! Sound only where every value a rule reads is still the one its definition used: the loop's
//! `let`s are neither `mut` nor assigned, each name is bound once (no shadowing), and outer
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
//! Calls of the user's functions with every argument by value (`huber(r, delta)`) keep their
//! rule: the pullback the call returns is called at the trip's end, not recorded. Their loops
//! run once, with the zero rule's products (the function may print). Element adjoints at a
//! constant index (`theta[0]`) add into a register of the loop's, not into `J` in memory.
//!
//! Anything else keeps the loop's usual sweep: a `while`, a jump other than the `for` loop's
//! own exit, a call taking a reference or of the runtime's, a write to a container, a second accumulator or assigned variable (a
//! counter), a local read by reference, a loop-invariant local read by a rule, an adjoint that
//! is not a float's (a matrix, a local `Vec`), and fused companions (whose adjoints their
//! caller lends).

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
}

/// What the checks found: the accumulator, the parameters read by element (with a gradient
/// buffer) and by value (floats), and the loop's own variables.
struct Plan {
    acc: VarId,
    elem_params: Vec<VarId>,
    float_params: Vec<VarId>,
    defs: Vec<VarId>,
    /// Code run as written other than checks (`println!`): the loop must not run twice.
    effects: bool,
}

/// The state of the checks while walking the nest.
struct Scan<'s> {
    defs: Vec<VarId>,
    /// Variables some rule reads (operands of active definitions, indices of active reads).
    read: HashSet<VarId>,
    acc: Option<VarId>,
    tokens: Vec<&'s TokenStream>,
    effects: bool,
    /// `if`s in the loop, decided by the data.
    branches: usize,
}

impl RevGen<'_> {
    /// The fused forward sweep and reverse sweep of the loop `id` (see the module docs), when
    /// it qualifies.
    pub(super) fn fused_loop(
        &mut self,
        id: LoopId,
        body: &Block,
        place: Place,
    ) -> Option<(TokenStream, TokenStream)> {
        if place.in_loop
            || self.products == Products::Caller
            || self.params.values().any(|p| p.slot_in.is_some())
        {
            return None;
        }
        let plan = self.fusion_plan(id, body)?;
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
        for &p in &plan.elem_params {
            let (b, j) = (j_buf(p), j_adj(p));
            let ty = self.params[&p]
                .adj_ty
                .clone()
                .expect("checked: differentiated");
            let read = self.ident(p).clone();
            slots.push((
                b.clone(),
                TokenStream::new(),
                quote! {{
                    #[allow(unused_imports)]
                    use #rt::{DenseProbe as _, ShapeProbe as _};
                    (&#rt::Probe(&#read)).grad_buf()
                }},
            ));
            slots.push((
                j.clone(),
                quote! { : #ty },
                quote! { ::core::option::Option::None },
            ));
            finite.push(quote! { #rt::fused_finite(&#j) });
            bufs.insert(p, b);
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
            });
            let mut code = this.fused_stmt(&loop_stmt);
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
            code = quote! { #before #code #after };
            code
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
        for &p in &plan.elem_params {
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
        Some((quote! { #fwd #fin }, quote! { { #rev } }))
    }

    /// The forward code of a loop, branch, scope or jump of a fused loop, the pullbacks of the
    /// blocks inside included (see [`fused_block`](Self::fused_block)); other statements as the
    /// usual forward sweep writes them.
    fn fused_stmt(&mut self, s: &Stmt) -> TokenStream {
        let inner = Place {
            in_loop: true,
            conditional: true,
        };
        match s {
            Stmt::Loop { id, body } => {
                let label = loop_label(*id);
                let b = self.fused_block(body);
                quote! { #label: loop { #b } }
            }
            Stmt::Branch { kind, arms, .. } => {
                let fwds: Vec<TokenStream> = arms.iter().map(|a| self.fused_block(a)).collect();
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
                let b = self.fused_block(b);
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
    /// of its own definitions in reverse order (those of nested blocks ran at their ends).
    fn fused_block(&mut self, b: &Block) -> TokenStream {
        let inner = Place {
            in_loop: true,
            conditional: true,
        };
        let mut decls = TokenStream::new();
        for s in &b.stmts {
            if let Stmt::Let {
                var, init: Some(_), ..
            } = s
            {
                if self.act.active(*var) {
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
        for s in &b.stmts {
            match s {
                Stmt::Let { .. } | Stmt::Assign { .. } => {
                    let (f, r, _) = self.stmt(s, inner);
                    fwd.extend(f);
                    revs.push(r);
                }
                _ => fwd.extend(self.fused_stmt(s)),
            }
        }
        let rev: TokenStream = revs.into_iter().rev().map(|r| quote! { { #r } }).collect();
        quote! { #decls #fwd #rev }
    }

    /// Whether loop `id` qualifies (see the module docs), with what it reads.
    fn fusion_plan(&self, id: LoopId, body: &Block) -> Option<Plan> {
        let mut scan = Scan {
            defs: Vec::new(),
            read: HashSet::new(),
            acc: None,
            tokens: Vec::new(),
            effects: false,
            branches: 0,
        };
        self.scan_loop(id, body, &mut scan)?;
        // Worth it where the trips branch: a separate reverse sweep decides each `if` again (a
        // misprediction as often as in the forward sweep) or reads a record of it, where the
        // trip's pullback follows the decision just made. A loop without one keeps its reverse
        // sweep, which then costs no more than the buffers `J` and their passes. A call is no
        // reason by itself: a function that branches (a Huber loss) ran 1.9 → 1.36× its
        // hand-written gradient fused, but one with a long chain (a series) or a libm call (a
        // sigmoid, whose registers are saved around the call) ran 15–18 % slower, and the
        // caller cannot see which it calls.
        if scan.branches == 0 {
            return None;
        }
        let acc = scan.acc?;
        if !self.act.active(acc)
            || !self.plain.contains(&acc)
            || self.params.contains_key(&acc)
            || scan.read.contains(&acc)
        {
            return None;
        }
        let defs: HashSet<VarId> = scan.defs.iter().copied().collect();
        // Each name bound once in the loop, and none naming an outer variable.
        let mut names = HashSet::new();
        for &v in &scan.defs {
            if !names.insert(naming::unraw(self.ident(v))) {
                return None;
            }
        }
        let mutable = mutable_lets(&self.f.body);
        for v in 0..self.f.vars.len() {
            if !defs.contains(&v) && names.contains(&naming::unraw(self.ident(v))) {
                return None;
            }
        }
        // What the rules read keeps its value: neither `mut` nor assigned, nor a local
        // reference (which may borrow what the loop changes).
        for &v in &scan.read {
            let local_ref = self.f.vars[v].is_ref && !self.params.contains_key(&v);
            if self.f.vars[v].reassigned || mutable.contains(&v) || local_ref {
                return None;
            }
        }
        // Nothing passed through as written writes. (It may read the accumulator: a condition
        // on `s` picks the terms, and the trips' pullbacks follow the same picks.)
        if scan.tokens.iter().any(|t| may_write(t)) {
            return None;
        }
        let (mut elem_params, mut float_params) = (Vec::new(), Vec::new());
        for &v in &scan.read {
            if defs.contains(&v) || !self.act.active(v) {
                continue;
            }
            let p = self.params.get(&v)?;
            p.adj_ty.as_ref()?;
            if self.grad_bufs.contains(&v) {
                elem_params.push(v);
            } else if p.float {
                float_params.push(v);
            } else {
                return None;
            }
        }
        // A parameter the function writes (`x[0] = ..` on a `mut` one) has its adjoint taken
        // at the write; its reads keep the usual sweep.
        if elem_params
            .iter()
            .chain(&float_params)
            .any(|p| self.written(*p))
        {
            return None;
        }
        elem_params.sort_unstable();
        float_params.sort_unstable();
        if elem_params.is_empty() && float_params.is_empty() {
            return None;
        }
        Some(Plan {
            acc,
            elem_params,
            float_params,
            defs: scan.defs,
            effects: scan.effects,
        })
    }

    /// A `for` loop's shape (`match next() { Some(p) => body, None => break }`), its body
    /// checked.
    fn scan_loop<'s>(&self, id: LoopId, body: &'s Block, scan: &mut Scan<'s>) -> Option<()> {
        if self.f.loops[id].has_continue {
            return None;
        }
        let [
            Stmt::Branch {
                kind: BranchKind::Match { .. },
                arms,
                ..
            },
        ] = body.stmts.as_slice()
        else {
            return None;
        };
        let [trip, exit] = arms.as_slice() else {
            return None;
        };
        if !matches!(exit.stmts.as_slice(), [Stmt::Break { target }] if *target == id) {
            return None;
        }
        self.scan_block(trip, scan)
    }

    fn scan_block<'s>(&self, b: &'s Block, scan: &mut Scan<'s>) -> Option<()> {
        for s in &b.stmts {
            self.scan_stmt(s, scan)?;
        }
        Some(())
    }

    fn scan_stmt<'s>(&self, s: &'s Stmt, scan: &mut Scan<'s>) -> Option<()> {
        match s {
            Stmt::Let {
                var,
                mutable,
                init: Some(rhs),
                ..
            } => {
                scan.defs.push(*var);
                let active = self.act.active(*var);
                if active
                    && (*mutable || self.dense.contains(var) || self.field_bases.contains(var))
                {
                    return None;
                }
                self.scan_rhs(rhs, active, scan)?;
                if active {
                    // a rule may read the value it defined (`y = exp(x) => dx += dy * y`)
                    scan.read.insert(*var);
                }
                Some(())
            }
            Stmt::Assign { var, rhs } => {
                // only `s = s + t`, `s = t + s`, `s = s - t`, into the one accumulator
                let Rhs::Bin(op, a, b) = rhs else {
                    return None;
                };
                let term = match (op, a, b) {
                    (BinOp::Add | BinOp::Sub, Atom::Var(x), t) if x == var => t,
                    (BinOp::Add, t, Atom::Var(x)) if x == var => t,
                    _ => return None,
                };
                if matches!(term, Atom::Var(t) if t == var) {
                    return None;
                }
                match scan.acc {
                    Some(a) if a != *var => return None,
                    _ => scan.acc = Some(*var),
                }
                self.scan_atom(term, scan);
                Some(())
            }
            Stmt::Bound(vars) => {
                for v in vars {
                    if self.act.active(*v) {
                        return None;
                    }
                    scan.defs.push(*v);
                }
                Some(())
            }
            // checks and code that only reads (`println!`), which stay in the forward sweep
            Stmt::Effect(t) => {
                if !crate::ir::is_check(t) {
                    scan.tokens.push(t);
                    scan.effects |= !is_operand_check(t);
                }
                Some(())
            }
            Stmt::Scope(b) => self.scan_block(b, scan),
            Stmt::Branch {
                kind: BranchKind::If { cond, .. },
                arms,
                diverges,
            } => {
                if diverges.iter().any(|d| *d) {
                    return None;
                }
                scan.branches += 1;
                scan.tokens.push(cond);
                for a in arms {
                    self.scan_block(a, scan)?;
                }
                Some(())
            }
            Stmt::Loop { id, body } => self.scan_loop(*id, body, scan),
            _ => None,
        }
    }

    /// The right-hand side of a `let` in the loop: what its rule reads.
    fn scan_rhs<'s>(&self, rhs: &'s Rhs, active: bool, scan: &mut Scan<'s>) -> Option<()> {
        match rhs {
            Rhs::Copy(a) | Rhs::Neg(a) => self.scan_operands(std::slice::from_ref(a), active, scan),
            Rhs::Bin(_, a, b) => self.scan_operands(&[a.clone(), b.clone()], active, scan),
            // a method's rule adds into a container parameter's adjoint directly
            Rhs::Method { args, .. } => {
                let whole = |a: &Atom| match self.act.active_atom(a) {
                    Some(v) => self.params.get(&v).is_some_and(|p| !p.float),
                    None => false,
                };
                if args.iter().any(whole) {
                    return None;
                }
                self.scan_operands(args, active, scan)
            }
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } if active => {
                if self.act.active(*base) {
                    if !self.grad_bufs.contains(base) {
                        return None;
                    }
                    scan.read.insert(*base);
                    self.scan_atom(idx, scan);
                }
                Some(())
            }
            // y = f(a..) of the user's, every argument by value: its pullback runs at the
            // trip's end, with the zero rule's products (the function may print, so the loop
            // must not run twice)
            Rhs::Call {
                callee, args, refs, ..
            } if self.fusable_call(callee, args, refs) => {
                scan.effects = true;
                self.scan_operands(args, active, scan)
            }
            // no rule: only what its value is made of matters (no call, which may write
            // through a `&mut` argument)
            Rhs::Opaque(t) if !active => {
                scan.tokens.push(t);
                Some(())
            }
            Rhs::Tuple(_) | Rhs::Cast { .. } | Rhs::Field { .. } | Rhs::Index { .. } if !active => {
                Some(())
            }
            _ => None,
        }
    }

    /// Whether a call in a fused loop keeps its usual rule, run at the trip's end: a function
    /// of the user's (not the runtime's, whose companions take matrices and ranges), outside
    /// second-order code, every argument a value (no `&a`, no reference held in a variable),
    /// so that the call writes none of the caller's variables and its pullback borrows none.
    fn fusable_call(&self, callee: &Callee, args: &[Atom], refs: &[bool]) -> bool {
        matches!(callee, Callee::Path(_))
            && !naming::is_runtime_builtin(callee)
            && !naming::order2()
            && refs.iter().all(|r| !r)
            && args.iter().all(|a| match a {
                Atom::Var(v) => !self.f.vars[*v].is_ref,
                Atom::Const(_) => true,
            })
    }

    /// Operands of a definition: each read by its rule when the definition is active (an
    /// inactive one has no rule).
    fn scan_operands(&self, args: &[Atom], active: bool, scan: &mut Scan<'_>) -> Option<()> {
        if active {
            for a in args {
                self.scan_atom(a, scan);
            }
        }
        Some(())
    }

    /// An atom a rule reads (an index, a term).
    fn scan_atom(&self, a: &Atom, scan: &mut Scan<'_>) {
        if let Atom::Var(v) = a {
            scan.read.insert(*v);
        }
    }
}

impl RevGen<'_> {
    /// Whether `v` is written anywhere in the function: assigned, written by element, pushed,
    /// changed in place, passed to a call, or named by code passed through as written that may
    /// write.
    fn written(&self, v: VarId) -> bool {
        let name = self.ident(v).clone();
        let opaque =
            |t: &TokenStream| naming::mentions(t, &name) && crate::ir::may_write(t.clone());
        let rhs_writes = |r: &Rhs| match r {
            Rhs::Opaque(t) => opaque(t),
            // a value passed by value is the callee's copy; by reference it may be written
            Rhs::Call { args, refs, .. } => args.iter().zip(refs).any(
                |(a, r)| matches!(a, Atom::Var(x) if *x == v && (*r || self.f.vars[v].is_ref)),
            ),
            _ => false,
        };
        spare::any_stmt(&self.f.body, &mut |s| match s {
            Stmt::Assign { var, rhs } => *var == v || rhs_writes(rhs),
            Stmt::Let { init: Some(r), .. } => rhs_writes(r),
            Stmt::IndexWrite { base, .. }
            | Stmt::Push { base, .. }
            | Stmt::Truncate { base, .. } => *base == v,
            Stmt::InPlace { bases, .. } => bases.contains(&v),
            Stmt::Effect(t) => opaque(t),
            _ => false,
        })
    }
}

/// The operand shape check the lowering puts before an operator (`lower/expr.rs`,
/// `Operands(&a, &b).check_mul(..)`): it only reads, so the loop may run it twice.
fn is_operand_check(t: &TokenStream) -> bool {
    let tts: Vec<proc_macro2::TokenTree> = t.clone().into_iter().collect();
    let [proc_macro2::TokenTree::Group(g)] = tts.as_slice() else {
        return false;
    };
    let named = |s: &str| naming::mentions(&g.stream(), &Ident::new(s, g.span()));
    g.delimiter() == proc_macro2::Delimiter::Brace
        && named("Operands")
        && (named("check_same") || named("check_mul"))
}

/// The loop's buffer of parameter `p`'s element adjoints.
fn j_buf(p: VarId) -> Ident {
    naming::fixed(&format!("__jb{p}"))
}

/// The loop's adjoint of parameter `p` (`J_p`).
fn j_adj(p: VarId) -> Ident {
    naming::fixed(&format!("__jd{p}"))
}

/// Variables declared `let mut` anywhere in the body.
fn mutable_lets(b: &Block) -> HashSet<VarId> {
    let mut out = HashSet::new();
    spare::any_stmt(b, &mut |s| {
        if let Stmt::Let {
            var, mutable: true, ..
        } = s
        {
            out.insert(*var);
        }
        false
    });
    out
}

/// Whether code passed through as written may change a variable (`ir::may_write`), its
/// comparisons aside (`v >= 0.0` only reads).
fn may_write(ts: &TokenStream) -> bool {
    crate::ir::may_write(without_comparisons(ts))
}

/// `ts` without the `=` of `==`, `!=`, `<=` and `>=`.
fn without_comparisons(ts: &TokenStream) -> TokenStream {
    use proc_macro2::{Group, Spacing, TokenTree};
    let tts: Vec<TokenTree> = ts.clone().into_iter().collect();
    let joint = |t: Option<&TokenTree>, cs: &[char]| matches!(t, Some(TokenTree::Punct(p)) if p.spacing() == Spacing::Joint && cs.contains(&p.as_char()));
    let eq = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == '=');
    let mut out = TokenStream::new();
    for (k, t) in tts.iter().enumerate() {
        let prev = k.checked_sub(1).and_then(|j| tts.get(j));
        let comparison = eq(Some(t))
            && (joint(prev, &['<', '>', '!', '='])
                || (joint(Some(t), &['=']) && eq(tts.get(k + 1))));
        match t {
            _ if comparison => {}
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), without_comparisons(&g.stream()));
                inner.set_span(g.span());
                out.extend([TokenTree::Group(inner)]);
            }
            _ => out.extend([t.clone()]),
        }
    }
    out
}
