//! Tables that stop changing: element reads of a local that nothing changes any more are read
//! again in the reverse sweep from one copy of the local, instead of being recorded per read.
//!
//! GMM's `qdiags[ik * d + id]`, read in every trip of the main loop, is a local filled by an
//! earlier loop and never written again. Recording the element per trip costs a record per
//! read; the reverse sweep can instead index one clone of the whole local, taken once before the
//! first top-level statement that needs it.
//!
//! Sound when nothing can change the local between the read and the end of the function: every
//! statement that writes it, moves it, borrows it by reference into a variable or names it in
//! code the lowering does not see into (a condition, a macro, an opaque call) lies in an earlier
//! top-level statement than the read. Loops and branches sit inside one top-level statement,
//! so a write anywhere in the loop that reads the element rules the local out, with one
//! exception, reads behind the loop's writes:
//!
//! A top-level `for i in a..b` loop that writes `c[i + w]` and reads `c[i + r]` with `r < w`
//! (`c[i] = c[i - 1] * x[i]`, a recurrence kept in a `Vec`) reads on trip `i` a cell that only
//! trip `i + r - w`, an earlier one, writes: the value read is the value the cell keeps. When
//! nothing after the loop changes `c`, one copy taken right after the loop gives the reverse
//! sweep every such read. So does a read `c[j + r]` at the variable of an inner loop over
//! `a..i + e` (`j < i + e`, so `j + r <= i + e - 1 + r`) when `e - 1 + r < w`: forward
//! substitution's `x[i] -= l[i * n + j] * x[j]` for `j` in `0..i` reads only cells earlier
//! trips finished.

use super::*;

/// Where each variable is defined and where each top-level local is last touched.
#[derive(Default)]
pub(super) struct Frozen {
    /// The top-level statement whose code defines each variable (a `let`, or a binding).
    def_top: HashMap<VarId, usize>,
    /// For each local defined by a `let` directly in the function body (and unique by name):
    /// the last top-level statement that writes, moves or names it other than by element reads.
    last_touch: HashMap<VarId, usize>,
    /// The last top-level statement that names each local in any way, element reads included.
    last_named: HashMap<VarId, usize>,
    /// Whether the function has a `return` (which may leave before a copy taken after a
    /// statement).
    returns: bool,
    /// Locals borrowed anywhere (`&x`, `&x[i]`, a `&x` argument): a borrow may live on in the
    /// value it makes, so such a local is never moved into a slot.
    borrowed: HashSet<VarId>,
    /// The candidates: locals of an owned form, defined directly in the body, unique by name.
    cands: HashSet<VarId>,
    /// Reads behind a loop's writes: for a local, the top-level loop that writes it and the
    /// variables holding its element reads that no later trip can change (see the module docs).
    lagged: HashMap<VarId, (usize, HashSet<VarId>)>,
    /// The slot of each local copied so far (its name in the reverse sweep is `__frozen{var}`).
    pub(super) saved: HashMap<VarId, usize>,
    /// The top-level statement being emitted.
    pub(super) top: Option<usize>,
    /// Code to put before the current top-level statement: (forward, reverse).
    pub(super) prefix: (TokenStream, TokenStream),
    /// Forward code to put after the current top-level statement (copies behind a loop's writes).
    pub(super) suffix: TokenStream,
    /// Forward code to put after a later top-level statement: the move of a local into its slot
    /// after the last statement that reads it.
    pub(super) deferred: Vec<(usize, TokenStream)>,
    /// Locals whose reverse-sweep name is bound in the current top-level statement's reverse.
    pub(super) bound_here: HashSet<VarId>,
}

impl Frozen {
    pub(super) fn new(f: &Func) -> Self {
        let mut fr = Frozen::default();
        // Names used by more than one variable: a later `let` may shadow the local, and
        // generated code spells variables by name.
        let mut by_name: HashMap<String, usize> = HashMap::new();
        // `r#a` and `a` are one name.
        let name_of = |i: &Ident| {
            let s = i.to_string();
            s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
        };
        for v in &f.vars {
            *by_name.entry(name_of(&v.ident)).or_default() += 1;
        }
        let mut cands: HashMap<String, VarId> = HashMap::new();
        for s in &f.body.stmts {
            // An owned value by its form (a copy of a reference, `&x[a..b]`, or opaque code
            // may borrow a local of the forward sweep, which the copy must not outlive).
            if let Stmt::Let {
                var,
                init: Some(init),
                ..
            } = s
            {
                if !owned_form(init, f) {
                    continue;
                }
                let name = name_of(&f.vars[*var].ident);
                if by_name[&name] == 1 && !f.vars[*var].is_ref {
                    cands.insert(name, *var);
                }
            }
        }
        for (j, s) in f.body.stmts.iter().enumerate() {
            let mut w = Walk {
                cands: &cands,
                touched: HashSet::new(),
                read: HashSet::new(),
                defined: Vec::new(),
                returns: false,
                borrowed: HashSet::new(),
            };
            w.stmt(s);
            fr.borrowed.extend(&w.borrowed);
            for v in w.defined {
                fr.def_top.insert(v, j);
            }
            for v in w.read.iter().chain(&w.touched) {
                fr.last_named.insert(*v, j);
            }
            for v in w.touched {
                fr.last_touch.insert(v, j);
            }
            fr.returns |= w.returns;
        }
        for (j, s) in f.body.stmts.iter().enumerate() {
            for (base, reads) in lagged_reads(f, &cands, s) {
                if fr.last_touch.get(&base) == Some(&j) && !reads.is_empty() {
                    fr.lagged.insert(base, (j, reads));
                }
            }
        }
        fr.cands = cands.into_values().collect();
        fr
    }

    /// Whether `base[..]` read into `v` can be read again from a copy of `base` taken at the
    /// current top-level statement.
    pub(super) fn readable(&self, base: VarId, v: VarId) -> bool {
        if !self.cands.contains(&base) {
            return false;
        }
        match (self.last_touch.get(&base), self.def_top.get(&v), self.top) {
            (Some(last), Some(def), Some(top)) => {
                (last < def && *def <= top) || (self.lagged_read(base, v) && *def == top)
            }
            _ => false,
        }
    }

    /// Whether `v` reads `base` behind the writes of the top-level loop that writes it last.
    fn lagged_read(&self, base: VarId, v: VarId) -> bool {
        self.lagged
            .get(&base)
            .is_some_and(|(j, reads)| Some(*j) == self.top && reads.contains(&v))
    }
}

/// One top-level statement's walk: the variables it defines, the candidate locals it touches
/// (anything but an element read, a clone, a sum or a `&x` argument of a call), and those it
/// only reads that way.
struct Walk<'a> {
    cands: &'a HashMap<String, VarId>,
    touched: HashSet<VarId>,
    read: HashSet<VarId>,
    defined: Vec<VarId>,
    /// Whether the statement holds a `return`.
    returns: bool,
    /// Variables borrowed by `&x`, `&x[i]`, `&x.f` or a `&x` argument.
    borrowed: HashSet<VarId>,
}

impl Walk<'_> {
    fn touch(&mut self, v: VarId) {
        self.touched.insert(v);
    }

    /// An element read, clone, sum or `&x` argument: names `v` without changing or keeping it.
    fn read_atom(&mut self, a: &Atom) {
        if let Atom::Var(v) = a {
            self.read.insert(*v);
        }
    }

    fn atom(&mut self, a: &Atom) {
        match a {
            Atom::Var(v) => self.touch(*v),
            Atom::Const(t) => self.tokens(t),
        }
    }

    /// Every candidate named anywhere in tokens the lowering runs as written; a borrow too
    /// (`t.first()`, `t.as_slice()`, `t.iter()` may keep one) unless it is `t.len()` or
    /// `t.is_empty()`. A name captured by a format string (`println!("{t:?}")`) is a borrow.
    fn tokens(&mut self, t: &TokenStream) {
        let tts: Vec<proc_macro2::TokenTree> = t.clone().into_iter().collect();
        for (k, tt) in tts.iter().enumerate() {
            match tt {
                proc_macro2::TokenTree::Literal(l) => {
                    for name in crate::lower::format_captures(l) {
                        if let Some(v) = self.cands.get(&name) {
                            self.touched.insert(*v);
                            self.borrowed.insert(*v);
                        }
                    }
                }
                proc_macro2::TokenTree::Ident(i) => {
                    let s = i.to_string();
                    if let Some(v) = self.cands.get(s.strip_prefix("r#").unwrap_or(&s)) {
                        self.touched.insert(*v);
                        if !crate::lower::counted(&tts[k + 1..]) {
                            self.borrowed.insert(*v);
                        }
                    }
                }
                proc_macro2::TokenTree::Group(g) => self.tokens(&g.stream()),
                _ => {}
            }
        }
    }

    fn rhs(&mut self, r: &Rhs) {
        match r {
            // Reads that cannot change or keep the local.
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } => {
                self.read.insert(*base);
                self.atom(idx);
            }
            Rhs::Clone { x, .. } => self.read_atom(x),
            Rhs::Sum { base, len } => {
                self.read.insert(*base);
                self.atom(len);
            }
            Rhs::Call {
                args, refs, callee, ..
            } => {
                // a method's receiver is borrowed by auto-ref, and the result may keep the
                // borrow (`t.first()`), unless it is a length
                if let (Callee::Method(m), Some(Atom::Var(v))) = (callee, args.first()) {
                    if m != "len" && m != "is_empty" {
                        self.borrowed.insert(*v);
                    }
                }
                for (a, by_ref) in args.iter().zip(refs) {
                    match a {
                        Atom::Var(v) if *by_ref => {
                            self.borrowed.insert(*v);
                            self.read_atom(a);
                        }
                        _ => self.atom(a),
                    }
                }
            }
            Rhs::Opaque(t) => self.tokens(t),
            Rhs::Repeat { elem, len, .. } => {
                self.atom(elem);
                self.tokens(len);
            }
            // Everything else may move, borrow or keep the local.
            Rhs::Ref(a)
            | Rhs::Field {
                base: a,
                by_ref: true,
                ..
            } => {
                if let Atom::Var(v) = a {
                    self.borrowed.insert(*v);
                }
                self.atom(a);
            }
            Rhs::Copy(a) | Rhs::Neg(a) | Rhs::Cast { x: a, .. } | Rhs::Field { base: a, .. } => {
                self.atom(a)
            }
            Rhs::Index {
                base,
                idx,
                by_ref: true,
            } => {
                self.borrowed.insert(*base);
                self.touch(*base);
                self.atom(idx);
            }
            Rhs::Bin(_, a, b) => {
                self.atom(a);
                self.atom(b);
            }
            Rhs::Method { args: xs, .. } | Rhs::Tuple(xs) | Rhs::Array(xs) | Rhs::VecLit(xs) => {
                xs.iter().for_each(|a| self.atom(a))
            }
            Rhs::Struct { fields, rest, .. } => {
                fields.iter().for_each(|(_, a, _)| self.atom(a));
                rest.iter().for_each(|a| self.atom(a));
            }
        }
    }

    fn block(&mut self, b: &Block) {
        b.stmts.iter().for_each(|s| self.stmt(s));
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Let { var, init, .. } => {
                self.defined.push(*var);
                self.touch(*var);
                if let Some(r) = init {
                    self.rhs(r);
                }
            }
            Stmt::Assign { var, rhs } => {
                self.touch(*var);
                self.rhs(rhs);
            }
            Stmt::IndexWrite { base, idx, val } => {
                self.touch(*base);
                self.atom(idx);
                self.atom(val);
            }
            Stmt::Push { base, val, len } => {
                self.touch(*base);
                self.atom(val);
                self.atom(len);
            }
            Stmt::Truncate { base, len } => {
                self.touch(*base);
                self.atom(len);
            }
            Stmt::InPlace {
                bases,
                body,
                original,
            } => {
                bases.iter().for_each(|b| self.touch(*b));
                self.block(body);
                self.tokens(original);
            }
            Stmt::Bound(vars) => {
                self.defined.extend(vars.iter().copied());
                vars.iter().for_each(|v| self.touch(*v));
            }
            // A check that only the compiler runs names the local without touching it.
            Stmt::Effect(t) if crate::lower::is_never_run(t) => {}
            Stmt::Effect(t) => self.tokens(t),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.block(b),
            Stmt::Branch { kind, arms, .. } => {
                match kind {
                    BranchKind::If { cond, .. } => self.tokens(cond),
                    BranchKind::Match { scrutinee, heads } => {
                        self.tokens(scrutinee);
                        heads.iter().for_each(|h| self.tokens(h));
                    }
                }
                arms.iter().for_each(|a| self.block(a));
            }
            Stmt::Return => self.returns = true,
            Stmt::Break { .. } | Stmt::Continue { .. } => {}
        }
    }
}

impl RevGen<'_> {
    /// The reverse-sweep expression of `&(copy of base)`, copying `base` once (before the current
    /// top-level statement) the first time it is needed.
    pub(super) fn frozen_base(&mut self, base: VarId) -> TokenStream {
        let name = naming::fixed(&format!("__frozen{base}"));
        let k = match self.frozen.saved.get(&base) {
            Some(k) => *k,
            None => {
                let k = self.new_slot(Place {
                    in_loop: false,
                    conditional: true,
                });
                let (s, i) = (naming::slot(k), self.ident(base).clone());
                let copy = quote! {
                    #s = ::core::option::Option::Some(::core::clone::Clone::clone(&#i));
                };
                // The local itself is kept after the last statement that names it (its value
                // then is the one read: nothing but reads names it after the copy point), unless
                // a `return` may leave before that or a borrow of it may live on.
                let last_named = match self.frozen.top {
                    Some(top) if !self.frozen.returns && !self.frozen.borrowed.contains(&base) => {
                        self.frozen
                            .last_named
                            .get(&base)
                            .filter(|l| **l >= top)
                            .copied()
                    }
                    _ => None,
                };
                let keep = quote! { #s = ::core::option::Option::Some(#i); };
                if let Some(last) = last_named {
                    if Some(last) == self.frozen.top {
                        self.frozen.suffix.extend(keep);
                    } else {
                        self.frozen.deferred.push((last, keep));
                    }
                } else if self.frozen.last_touch.get(&base) == self.frozen.top.as_ref() {
                    // Behind a loop's writes the copy is taken when the loop is done; otherwise
                    // before the statement (nothing changes the local any more).
                    self.frozen.suffix.extend(copy);
                } else {
                    self.frozen.prefix.0.extend(copy);
                }
                self.frozen.saved.insert(base, k);
                k
            }
        };
        if self.frozen.bound_here.insert(base) {
            let (s, rt) = (naming::slot(k), self.rt);
            self.frozen
                .prefix
                .1
                .extend(quote! { let #name = #rt::slot_value(&#s); });
        }
        quote! { #name }
    }
}

/// A right-hand side whose value owns its data: `vec![..]`, `x.to_vec()`, a clone, an array, a
/// matrix constructor or a call none of whose arguments is a borrow (`&u`, or a variable holding
/// a reference to a local): a call's result may be a reference into what it is passed
/// (`std::convert::identity(&u)`). Views (`&x[a..b]`, `m.row(i)`, `ops::range_of`) and opaque
/// code may borrow a local of the forward sweep, which a copy kept for the reverse sweep must
/// not outlive.
fn owned_form(r: &Rhs, f: &Func) -> bool {
    // An element that is a reference would be copied as the reference.
    let owned = |a: &Atom| !matches!(a, Atom::Var(v) if f.vars[*v].is_ref);
    match r {
        Rhs::Repeat { elem, .. } => owned(elem),
        Rhs::VecLit(xs) | Rhs::Array(xs) => xs.iter().all(owned),
        // `r.clone()` of a reference to a slice is the reference again.
        Rhs::Clone { x, method } => method != "clone" || owned(x),
        Rhs::Call {
            callee: Callee::Path(p),
            args,
            refs,
            ..
        } => {
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            let lends = |(a, by_ref): (&Atom, &bool)| match a {
                Atom::Var(v) => *by_ref || (f.vars[*v].is_ref && !f.vars[*v].borrows_param),
                Atom::Const(_) => *by_ref,
            };
            !segs.iter().any(|s| s == "ops") && !args.iter().zip(refs).any(lends)
        }
        _ => false,
    }
}

/// The locals a top-level loop writes only at `i + w` and reads at `i + r`, with `i` its
/// unit-step affine variable, and for each the reads with `r` below every `w`: none of them can
/// be written by a later trip. A local named in any other way in the loop is left out, and so is
/// every local when the loop holds a `return` (the copy after the loop would not be taken).
fn lagged_reads(
    f: &Func,
    cands: &HashMap<String, VarId>,
    s: &Stmt,
) -> Vec<(VarId, HashSet<VarId>)> {
    let Stmt::Loop { id, body } = s else {
        return Vec::new();
    };
    let info = &f.loops[*id];
    let Some((i, _)) = &info.affine else {
        return Vec::new();
    };
    if !info.unit_step || f.vars[*i].reassigned || has_return(body) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &base in cands.values() {
        let mut lag = Lagged {
            f,
            i: *i,
            base,
            name: cands
                .iter()
                .filter(|(_, v)| **v == base)
                .map(|(n, v)| (n.clone(), *v))
                .collect(),
            writes: Vec::new(),
            reads: Vec::new(),
            other: false,
            below: Vec::new(),
        };
        lag.block(body);
        let Some(w) = lag.writes.iter().min() else {
            continue;
        };
        if lag.other {
            continue;
        }
        let reads = lag
            .reads
            .iter()
            .filter(|(_, r)| r.is_some_and(|r| r < *w))
            .map(|(v, _)| *v)
            .collect();
        out.push((base, reads));
    }
    out
}

/// One local's uses in a loop body: the offsets of its writes from the loop variable, its reads
/// (with their offsets when they have one), and whether anything else names it.
struct Lagged<'a> {
    f: &'a Func,
    i: VarId,
    base: VarId,
    name: HashMap<String, VarId>,
    writes: Vec<i64>,
    reads: Vec<(VarId, Option<i64>)>,
    other: bool,
    /// The variables of the enclosing inner loops over `a..i + e`, with `e - 1`: the largest
    /// offset from `i` they take.
    below: Vec<(VarId, i64)>,
}

impl Lagged<'_> {
    fn block(&mut self, b: &Block) {
        b.stmts.iter().for_each(|s| self.stmt(s));
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::IndexWrite { base, idx, val } if *base == self.base => {
                match offset(self.f, self.i, idx, 0) {
                    Some(w) => self.writes.push(w),
                    None => self.other = true,
                }
                self.leaf_atoms(&[idx, val]);
            }
            Stmt::Let {
                var,
                init:
                    Some(Rhs::Index {
                        base,
                        idx,
                        by_ref: false,
                    }),
                ..
            } if *base == self.base => {
                let r = (!self.f.vars[*var].reassigned)
                    .then(|| self.read_offset(idx))
                    .flatten();
                self.reads.push((*var, r));
                self.leaf_atoms(&[idx]);
            }
            Stmt::Loop { id, body } => {
                let below = self.below_i(*id);
                self.below.extend(below);
                self.block(body);
                self.below
                    .truncate(self.below.len() - usize::from(below.is_some()));
            }
            Stmt::Scope(b) => self.block(b),
            Stmt::Branch { kind, arms, .. } => {
                let mut w = self.walk();
                match kind {
                    BranchKind::If { cond, .. } => w.tokens(cond),
                    BranchKind::Match { scrutinee, heads } => {
                        w.tokens(scrutinee);
                        heads.iter().for_each(|h| w.tokens(h));
                    }
                }
                self.other |= w.touched.contains(&self.base);
                arms.iter().for_each(|a| self.block(a));
            }
            // Anything else may name the local only in element reads (recorded as before).
            _ => {
                let mut w = self.walk();
                w.stmt(s);
                self.other |= w.touched.contains(&self.base);
            }
        }
    }

    /// The largest offset from `i` of the index `idx` over the trip: `idx - i` for `i` plus a
    /// literal, `e - 1 + r` for `j + r` with `j` an enclosing inner loop's variable over
    /// `a..i + e`.
    fn read_offset(&self, idx: &Atom) -> Option<i64> {
        offset(self.f, self.i, idx, 0).or_else(|| {
            (self.below.iter()).find_map(|&(j, top)| Some(top + offset(self.f, j, idx, 0)?))
        })
    }

    /// For an inner loop `for j in a..i + e` (`e` an integer literal, or none) whose variable
    /// is not assigned in the body: `(j, e - 1)`, the largest offset from `i` that `j` takes.
    fn below_i(&self, id: usize) -> Option<(VarId, i64)> {
        let info = &self.f.loops[id];
        let (j, _) = info.affine.as_ref()?;
        let (_, end, named) = info.bounds_again.as_ref()?;
        if self.f.vars[*j].reassigned || !named.contains(&self.i) {
            return None;
        }
        let end: syn::Expr = syn::parse2(end.clone()).ok()?;
        let is_i = |e: &syn::Expr| match strip(e) {
            syn::Expr::Path(p) => p.path.is_ident(&self.f.vars[self.i].ident),
            _ => false,
        };
        let lit = |e: &syn::Expr| crate::naming::int_literal::<i64>(strip(e));
        let e = match strip(&end) {
            e if is_i(e) => 0,
            syn::Expr::Binary(b) if is_i(&b.left) => match b.op {
                syn::BinOp::Add(_) => lit(&b.right)?,
                syn::BinOp::Sub(_) => -lit(&b.right)?,
                _ => return None,
            },
            _ => return None,
        };
        Some((*j, e - 1))
    }

    fn leaf_atoms(&mut self, atoms: &[&Atom]) {
        self.other |= atoms
            .iter()
            .any(|a| matches!(a, Atom::Var(v) if *v == self.base));
    }

    fn walk(&self) -> Walk<'_> {
        Walk {
            cands: &self.name,
            touched: HashSet::new(),
            read: HashSet::new(),
            defined: Vec::new(),
            returns: false,
            borrowed: HashSet::new(),
        }
    }
}

/// `idx - i` when `idx` is the loop variable `i` plus or minus integer literals, through `let`s
/// bound once.
pub(super) fn offset(f: &Func, i: VarId, idx: &Atom, depth: usize) -> Option<i64> {
    let Atom::Var(v) = idx else { return None };
    if *v == i {
        return Some(0);
    }
    if depth > 4 || f.vars[*v].reassigned {
        return None;
    }
    match def_of(&f.body, *v)? {
        Rhs::Copy(a) => offset(f, i, a, depth + 1),
        Rhs::Bin(BinOp::Add, a, b) => match (int_literal(a), int_literal(b)) {
            (None, Some(k)) => Some(offset(f, i, a, depth + 1)? + k),
            (Some(k), None) => Some(offset(f, i, b, depth + 1)? + k),
            _ => None,
        },
        Rhs::Bin(BinOp::Sub, a, b) => Some(offset(f, i, a, depth + 1)? - int_literal(b)?),
        _ => None,
    }
}

/// The value of an integer literal atom (`1`, `(2)`, `3usize`).
fn int_literal(a: &Atom) -> Option<i64> {
    let Atom::Const(c) = a else { return None };
    crate::naming::int_literal(&syn::parse2::<syn::Expr>(c.clone()).ok()?)
}

/// The right-hand side of the `let` that defines `v`, anywhere in `b`.
fn def_of(b: &Block, v: VarId) -> Option<&Rhs> {
    b.stmts.iter().find_map(|s| match s {
        Stmt::Let {
            var, init: Some(r), ..
        } if *var == v => Some(r),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => def_of(b, v),
        Stmt::Branch { arms, .. } => arms.iter().find_map(|a| def_of(a, v)),
        Stmt::InPlace { body, .. } => def_of(body, v),
        _ => None,
    })
}

/// Whether a `return` (or `?`) leaves from inside `b`.
fn has_return(b: &Block) -> bool {
    b.stmts.iter().any(|s| match s {
        Stmt::Return => true,
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => has_return(b),
        Stmt::Branch { arms, .. } => arms.iter().any(has_return),
        Stmt::InPlace { body, .. } => has_return(body),
        _ => false,
    })
}

/// `e` without the parentheses and groups around it.
fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        e => e,
    }
}
