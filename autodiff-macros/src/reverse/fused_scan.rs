//! Which loops a fused sweep takes (`fused`): the checks on the loop nest, with what its trips
//! read (see `fused`'s module docs for the kind and why each check keeps it sound).

use super::*;

/// What the checks found: the accumulator, the parameters read by element (with a gradient
/// buffer) and by value (floats), and the loop's own variables.
pub(super) struct Plan {
    pub acc: VarId,
    pub elem_params: Vec<VarId>,
    pub float_params: Vec<VarId>,
    pub defs: Vec<VarId>,
    /// Code run as written other than checks (`println!`): the loop must not run twice.
    pub effects: bool,
    /// Loops summing into a trip's own float, and that float (see `Fused::inner`).
    pub inner: HashMap<LoopId, VarId>,
    /// Floats chosen by a branch (`let x; if c { x = a } else { x = b }`) that carry a
    /// derivative (see `Fused::values`).
    pub values: HashSet<VarId>,
    /// Slice parameters passed whole to a call (`lookup(table, k, x)`), not read by element:
    /// their `J` takes what the callee adds, with no buffer.
    pub whole_params: Vec<VarId>,
    /// The hints of the functions the trips call (`__NAME_fuse_HASH`, see
    /// `expand/fuse_hint.rs`): the loop is fused only where each says its pullback is linear
    /// in its cotangent, and keeps its usual sweep otherwise (both are written).
    pub calls: Vec<TokenStream>,
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
    /// Sums of a trip's own (`let mut y = 0.0; for k .. { y += t }`) declared in the blocks
    /// being scanned whose loop has not come yet, innermost block last.
    pending: Vec<Vec<VarId>>,
    /// While a loop that sums into one of those is scanned: that sum.
    into: Option<VarId>,
    /// Each such loop and its sum.
    inner: HashMap<LoopId, VarId>,
    /// The loops' own pattern variables (`for k in ..`), seen only in their trips.
    bound: HashSet<VarId>,
    /// What those loops evaluate again in their second run, with the loop's sum: code passed
    /// through as written (conditions, pure expressions) and the variables their `let`s read.
    again: Vec<(VarId, &'s TokenStream)>,
    again_vars: Vec<(VarId, VarId)>,
    /// Variables declared without a value (`let x;`), assigned once on each path by the arms
    /// of a branch after them (the lowering's `let v = if c { a } else { b }`).
    values: HashSet<VarId>,
    /// Those declared in each block being scanned, innermost block last.
    value_decls: Vec<Vec<VarId>>,
    /// Those the statements of the block being scanned may assign: an `if` arm's, of the block
    /// the `if` is in; none in any other block.
    assignable: Vec<VarId>,
    /// `if`s whose arms assign such a variable that carries a derivative.
    value_branches: usize,
    /// Slice parameters passed whole to a call.
    whole: HashSet<VarId>,
    /// The calls' hints (see `Plan::calls`).
    calls: Vec<TokenStream>,
}

/// The most branches choosing a value a fused trip may have: the statements after each are
/// written once per arm (see `Fused::values`).
const MAX_VALUE_BRANCHES: usize = 3;

impl RevGen<'_> {
    /// Whether loop `id` qualifies (see the module docs), with what it reads.
    pub(super) fn fusion_plan(&self, id: LoopId, body: &Block) -> Option<Plan> {
        let mut scan = Scan {
            defs: Vec::new(),
            read: HashSet::new(),
            acc: None,
            tokens: Vec::new(),
            effects: false,
            branches: 0,
            pending: Vec::new(),
            into: None,
            inner: HashMap::new(),
            bound: HashSet::new(),
            again: Vec::new(),
            again_vars: Vec::new(),
            values: HashSet::new(),
            value_decls: Vec::new(),
            assignable: Vec::new(),
            value_branches: 0,
            whole: HashSet::new(),
            calls: Vec::new(),
        };
        self.scan_loop(id, body, &mut scan)?;
        // Worth it where the trips branch: a separate reverse sweep decides each `if` again (a
        // misprediction as often as in the forward sweep) or reads a record of it, where the
        // trip's pullback follows the decision just made. A loop without one keeps its reverse
        // sweep, which then costs no more than the buffers `J` and their passes. A trip sum is a
        // reason too: each trip's pullback then follows its sum, as in a hand-written gradient,
        // where a reverse sweep would run every inner loop again after all trips. A call is no
        // reason by itself: a function that branches (a Huber loss) ran 1.9 → 1.36× its
        // hand-written gradient fused, but one with a long chain (a series) or a libm call (a
        // sigmoid, whose registers are saved around the call) ran 15–18 % slower, and the
        // caller cannot see which it calls: the callee's hint says (`fused`'s module docs), so
        // a call is a reason here, and the usual sweep is written beside the fused one.
        if (scan.branches == 0 && scan.inner.is_empty() && scan.calls.is_empty())
            || scan.value_branches > MAX_VALUE_BRANCHES
        {
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
        // Each name bound once in the loop (sibling loops may share an index name: each is
        // seen only in its own trips), and none naming an outer variable.
        let mut names: HashMap<_, bool> = HashMap::new();
        for &v in &scan.defs {
            let bound = scan.bound.contains(&v);
            match names.entry(naming::unraw(self.ident(v))) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(bound);
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    if !(bound && *e.get()) {
                        return None;
                    }
                    e.insert(true);
                }
            }
        }
        let mutable = mutable_lets(&self.f.body);
        for v in 0..self.f.vars.len() {
            if !defs.contains(&v) && names.contains_key(&naming::unraw(self.ident(v))) {
                return None;
            }
        }
        // What the rules read keeps its value: neither `mut` nor assigned, nor a local
        // reference (which may borrow what the loop changes).
        let sums: HashSet<VarId> = scan.inner.values().copied().collect();
        for &v in &scan.read {
            let local_ref = self.f.vars[v].is_ref && !self.params.contains_key(&v);
            // a trip sum is read only after its loop (`scan_inner_loop`), at its final value; a
            // value chosen by a branch only after its assignment, the pullbacks of the code
            // after the branch written into each arm (`fused_seq`)
            if sums.contains(&v) || scan.values.contains(&v) {
                continue;
            }
            if self.f.vars[v].reassigned || mutable.contains(&v) || local_ref {
                return None;
            }
        }
        // Nothing passed through as written writes. (It may read the accumulator: a condition
        // on `s` picks the terms, and the trips' pullbacks follow the same picks.)
        if scan.tokens.iter().any(|t| may_write(t)) {
            return None;
        }
        // What a trip sum's loop evaluates again reads what keeps its value between its two
        // runs: not the accumulator, the loop's own sum, nor a `mut` or assigned variable other
        // than an earlier trip sum (final once its loop ran).
        let changing = |v: VarId, y: VarId| {
            v == acc
                || v == y
                || ((mutable.contains(&v) || self.f.vars[v].reassigned) && !sums.contains(&v))
        };
        if scan.again_vars.iter().any(|&(y, v)| changing(v, y)) {
            return None;
        }
        for v in 0..self.f.vars.len() {
            let named = |t: &TokenStream| naming::mentions(t, self.ident(v));
            if scan.again.iter().any(|&(y, t)| changing(v, y) && named(t)) {
                return None;
            }
        }
        let (mut elem_params, mut float_params, mut whole_params) =
            (Vec::new(), Vec::new(), Vec::new());
        for &v in &scan.read {
            if defs.contains(&v) || !self.act.active(v) {
                continue;
            }
            let p = self.params.get(&v)?;
            p.adj_ty.as_ref()?;
            if self.grad_bufs.contains(&v) {
                elem_params.push(v);
            } else if scan.whole.contains(&v) {
                whole_params.push(v);
            } else if p.float {
                float_params.push(v);
            } else {
                return None;
            }
        }
        // A parameter the function writes (`x[0] = ..` on a `mut` one) has its adjoint taken
        // at the write; its reads keep the usual sweep.
        if (elem_params.iter())
            .chain(&float_params)
            .chain(&whole_params)
            .any(|p| self.written(*p))
        {
            return None;
        }
        elem_params.sort_unstable();
        float_params.sort_unstable();
        whole_params.sort_unstable();
        if elem_params.is_empty() && float_params.is_empty() && whole_params.is_empty() {
            return None;
        }
        Some(Plan {
            acc,
            elem_params,
            float_params,
            defs: scan.defs,
            effects: scan.effects,
            inner: scan.inner,
            values: (scan.values.iter().copied())
                .filter(|v| self.act.active(*v))
                .collect(),
            whole_params,
            calls: scan.calls,
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
        self.scan_block_assigning(b, Vec::new(), scan)
    }

    /// A block whose statements may assign the variables `assignable` (an `if` arm).
    fn scan_block_assigning<'s>(
        &self,
        b: &'s Block,
        assignable: Vec<VarId>,
        scan: &mut Scan<'s>,
    ) -> Option<()> {
        scan.pending.push(Vec::new());
        scan.value_decls.push(Vec::new());
        let outer = std::mem::replace(&mut scan.assignable, assignable);
        for s in &b.stmts {
            self.scan_stmt(s, scan)?;
        }
        scan.assignable = outer;
        scan.value_decls.pop();
        // a trip's own sum with no loop summing into it is an ordinary `let mut`
        scan.pending.pop().filter(|p| p.is_empty()).map(|_| ())
    }

    /// `let mut y = ..;` in a trip, a float only summed into by the next loop of its block
    /// (`for k .. { y += t }`) and read after it: the trip's pullback runs that loop again
    /// with `dy` once `dy` is known (see `fused_block`). Not inside another such loop, whose
    /// second run would run it a third time.
    fn scan_trip_sum(&self, y: VarId, init: &Rhs, scan: &mut Scan<'_>) -> Option<()> {
        // its first value's rule must not read `y`, which the trip's pullbacks would read at
        // its final value (`y = exp(x) => dx += dy * y`)
        let plain_rule = matches!(
            init,
            Rhs::Copy(_)
                | Rhs::Neg(_)
                | Rhs::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, _, _)
                | Rhs::Index { .. }
                | Rhs::Cast { .. }
        );
        if !plain_rule
            || scan.into.is_some()
            || !self.plain.contains(&y)
            || self.params.contains_key(&y)
            || self.dense.contains(&y)
            || self.field_bases.contains(&y)
        {
            return None;
        }
        scan.pending.last_mut()?.push(y);
        Some(())
    }

    /// A loop in a trip: one summing into the block's pending trip sum, when there is one.
    fn scan_inner_loop<'s>(&self, id: LoopId, body: &'s Block, scan: &mut Scan<'s>) -> Option<()> {
        let Some(y) = scan.pending.last_mut().and_then(|p| p.pop()) else {
            return self.scan_loop(id, body, scan);
        };
        // run again in the trip's pullback: a range iterator to copy, nothing but checks and
        // pure expressions run as written, no call (which may print); its conditions are
        // evaluated again, so they may not read what changes (see `fusion_plan`)
        let info = &self.f.loops[id];
        if info.affine.is_none() || info.iter.is_none() {
            return None;
        }
        let (effects, tokens) = (scan.effects, scan.tokens.len());
        scan.into = Some(y);
        self.scan_loop(id, body, scan)?;
        scan.into = None;
        // a rule before the loop or in it read `y` (its pullback, at the trip's end, would see
        // the final `y`)
        if scan.effects != effects || scan.read.contains(&y) {
            return None;
        }
        // code passed through as written, checks aside (they only read their operands and run
        // again as they did): pure, and checked in `fusion_plan` for what it reads
        let again: Vec<&'s TokenStream> = (scan.tokens[tokens..].iter())
            .filter(|t| !crate::ir::is_check(t) && !is_operand_check(t))
            .copied()
            .collect();
        if !again.iter().all(|t| crate::replay::expr_is_pure(t)) {
            return None;
        }
        scan.again.extend(again.into_iter().map(|t| (y, t)));
        if !spare::any_stmt(
            body,
            &mut |s| matches!(s, Stmt::Assign { var, .. } if *var == y),
        ) {
            return None;
        }
        scan.inner.insert(id, y);
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
                if let Some(y) = scan.into {
                    // evaluated again in the second run (see `fusion_plan`)
                    (scan.again_vars).extend(rhs_vars(rhs).into_iter().map(|v| (y, v)));
                }
                if active && *mutable {
                    // in a trip: its own sum, or refused; no rule reads it before its loop
                    self.scan_trip_sum(*var, rhs, scan)?;
                    return self.scan_rhs(rhs, active, scan);
                } else if active
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
            // `let x;` then `x = a` in the arms of a branch after it: the value assigned once on
            // each path (Rust's rule for a variable that is not `mut`), its rule run where the
            // branch's pullbacks run (`fused_seq`). Not in a trip sum's loop, which runs twice.
            Stmt::Let {
                var,
                mutable: false,
                init: None,
                ..
            } if scan.into.is_none()
                && !self.dense.contains(var)
                && !self.field_bases.contains(var)
                && !self.params.contains_key(var) =>
            {
                scan.defs.push(*var);
                scan.values.insert(*var);
                scan.value_decls.last_mut()?.push(*var);
                Some(())
            }
            Stmt::Assign { var, rhs } if scan.values.contains(var) => {
                if !scan.assignable.contains(var) {
                    return None;
                }
                let active = self.act.active(*var);
                self.scan_rhs(rhs, active, scan)?;
                if active {
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
                if let Some(y) = scan.into {
                    // in a loop summing into a trip's own float: only into that one
                    if *var != y {
                        return None;
                    }
                    self.scan_atom(term, scan);
                    return Some(());
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
                    scan.bound.insert(*v);
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
                // the arms may assign the values declared before the branch, in its block
                let level = scan.value_decls.last().cloned().unwrap_or_default();
                let chooses = arms.iter().any(|a| {
                    a.stmts.iter().any(|s| {
                        matches!(s, Stmt::Assign { var, .. }
                            if level.contains(var) && self.act.active(*var))
                    })
                });
                scan.value_branches += usize::from(chooses);
                for a in arms {
                    self.scan_block_assigning(a, level.clone(), scan)?;
                }
                Some(())
            }
            Stmt::Loop { id, body } => self.scan_inner_loop(*id, body, scan),
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
            // y = f(a..), a call of the user's on floats by value and parameters' whole slices:
            // its pullback runs at the trip's end with the trip's cotangent (unit `ds`), adding
            // into `J`. Right only for a pullback linear in its cotangent, which a
            // `#[custom_derivative]` rule below the call need not be (a clipped cotangent,
            // `g.max(-0.5)`): the callee's hint says (`Plan::calls`). It may print, so the loop
            // runs once (the zero rule's products). Not in a trip sum's loop, which runs twice.
            Rhs::Call {
                callee: callee @ Callee::Path(path),
                args,
                refs,
                ..
            } if active
                && scan.into.is_none()
                && !naming::is_runtime_builtin(callee)
                && !naming::order2()
                && self.distinct_active(args) =>
            {
                for (a, r) in args.iter().zip(refs) {
                    match self.act.active_atom(a) {
                        Some(v) if !*r && !self.f.vars[v].is_ref && self.plain.contains(&v) => {
                            scan.read.insert(v);
                        }
                        Some(v)
                            if self.range_arg(a).is_none()
                                && self.whole_slice_arg(a, *r).is_some() =>
                        {
                            scan.read.insert(v);
                            scan.whole.insert(v);
                        }
                        Some(_) => return None,
                        // data: a value, or a parameter by reference (which nothing in the
                        // loop writes); not a local by reference
                        None => {
                            if matches!(a, Atom::Var(v)
                                if (*r || self.f.vars[*v].is_ref) && !self.params.contains_key(v))
                            {
                                return None;
                            }
                        }
                    }
                }
                let hint = exprs::hint_path(path, naming::fuse_hint);
                scan.calls.push(quote! { #hint() });
                scan.effects = true;
                Some(())
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
            // a value passed by value is the callee's copy; by reference it may be written,
            // but for a parameter taken by shared reference (`&mut` parameters are refused)
            Rhs::Call { args, refs, .. } => args.iter().zip(refs).any(|(a, r)| {
                let shared = self.params.contains_key(&v) && self.f.vars[v].is_ref;
                matches!(a, Atom::Var(x) if *x == v && (*r || self.f.vars[v].is_ref) && !shared)
            }),
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

/// Every variable a right-hand side reads (indices and non-differentiable operands too).
fn rhs_vars(rhs: &Rhs) -> Vec<VarId> {
    let mut out = rhs.diff_operands();
    let mut push = |a: &Atom| {
        if let Atom::Var(v) = a {
            out.push(*v);
        }
    };
    match rhs {
        Rhs::Index { idx, .. } => push(idx),
        Rhs::Method { args, .. } => args.iter().for_each(push),
        Rhs::Sum { len, .. } => push(len),
        _ => {}
    }
    out
}
