//! Spans: an innermost loop's element reads at `c + j` indexed through one slice each, taken
//! before the loop's reverse sweep.
//!
//! `for j in 0..i { s -= l[i * n + j] * x[j]; }` reads `l` and `x` at the loop variable plus an
//! offset `c` (`i * n`, `0`) that no trip changes. Its reverse trip reads both elements again and
//! adds into both adjoints, four indexings with a bounds check each, and a loop with checks is
//! not vectorised: the hand-written gradient (`g[j] -= row[j] * lam; grow[j] = -lam * x[j]`)
//! runs two elements per instruction where the generated one ran one element per trip with four
//! checks. Here each such container is sliced once before the reverse loop at `c + a ..
//! c + a + trips` (`a` the loop's start), and trip `k` indexes the slice at `k`, which the compiler
//! proves in bounds (`rt::SpanProbe`, `rt::GradSpan`, `rt::dense_span`):
//!
//! * element values read again in the reverse sweep: of a parameter never written, of a local's
//!   frozen copy (`frozen`) and of a state copy (`trip_versions`);
//! * the element adjoints the reads add into: a parameter's gradient buffer and a dense local's
//!   buffer fitted before the loop (`dense::fit_enter`).
//!
//! Taken for innermost loops inside another loop: a loop outside every loop runs once a call,
//! and spans there gained little and moved the code of the rest of the function (the heat
//! stencil's loss loop took them and the stencil's own loops, unchanged, ran 8 % slower).
//!
//! Taken where it cannot change a value or make a panic: the loop is innermost (no loop inside
//! it), over a range with unit step whose variable is recomputed from the trip number, left only
//! by its top test, and not fused; the offset is integer arithmetic (`+`, `-`, `*`) of literals
//! and variables that no code in the loop assigns or may change (a call given `&mut c`, a
//! macro, a condition's block, a swap), read into locals at the loop's reverse start as the
//! sweep reads them anywhere (the arithmetic runs only when the loop made trips: `(i - 1) * n`
//! may overflow at `i = 0`); and the body reads `base[c + j]` on every trip (a statement of the
//! trip, not in a branch), so the forward sweep read every element of the span and the slice is
//! in bounds. A span of an adjoint borrows the buffer mutably for the whole loop, so it is taken
//! only when every statement of the body with reverse work on that adjoint is such a read with
//! the same offset (no write, push, call, borrow, range passed on, or other index of it) and no
//! window of registers holds it (`window`).
//!
//! All or nothing: a span costs two checks of its bounds each time the loop starts, and pays
//! only when the reverse trip is left with no checked access, so that it vectorises. A loop
//! takes spans only when every element it reads of a base with an adjoint adds through one and
//! it writes no element of such a base; otherwise it keeps its code as before (GMM's loops over
//! `0..d`, two trips each, run 5,000 times a call and took 8 % longer with partial spans).

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Place, RevGen, affine_names};
use crate::ir::{Atom, BinOp, Block, LoopId, Rhs, Stmt, VarId};
use crate::naming;

/// An offset `c` no trip of the loop changes: integer arithmetic of literals and variables
/// defined outside the loop.
#[derive(Clone, PartialEq)]
enum Off {
    /// A literal, by its tokens' text.
    Lit(String),
    Var(VarId),
    Bin(BinOp, Box<Off>, Box<Off>),
}

/// What a span slices.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Source {
    /// Element values of a container read again (a parameter, a frozen or a state copy).
    Values,
    /// A dense local's adjoint buffer.
    DenseAdjoint,
    /// A parameter's gradient buffer.
    GradBuf,
}

/// One span of the loop being emitted.
struct Span {
    base: VarId,
    source: Source,
    off: Off,
    name: Ident,
    /// The container (values) or buffer (adjoints) sliced.
    of: TokenStream,
}

/// The spans an innermost loop may take, and those it took.
pub(super) struct SpanLoop {
    id: LoopId,
    /// The loop variable `j`.
    j: VarId,
    /// Variables defined or assigned in the body.
    inner: HashSet<VarId>,
    /// Variables assigned somewhere that code in the body may change without a `let` or an
    /// assignment of the IR: named by code emitted as written (a call given `&mut c`, a macro,
    /// a condition with a block), borrowed, or a method's receiver.
    touched: HashSet<VarId>,
    /// State copies (`trip_versions`) of replacements in the body: bound inside the reverse
    /// trip, so not there before the loop.
    copies_inside: HashSet<usize>,
    /// `(base, c)` read as `base[c + j]` on every trip.
    sure: Vec<(VarId, Off)>,
    /// Bases whose adjoint the body touches only by reads at `c + j`, with that one `c`.
    adjoints: Vec<(VarId, Off)>,
    taken: Vec<Span>,
}

impl RevGen<'_> {
    /// Before an innermost loop's body is emitted (after `fit_enter` and `window_enter`), at
    /// `place` (a loop outside every loop takes none): the spans its reverse trips may index
    /// through, held in `self.spans` while the body is emitted.
    pub(super) fn spans_enter(&mut self, id: LoopId, body: &Block, place: Place) {
        self.spans = None;
        let info = &self.f.loops[id];
        let Some((j, _)) = &info.affine else { return };
        let j = *j;
        let recomputed = self.affine.get(&j).is_some_and(|(l, _)| *l == id);
        if !place.in_loop
            || self.fused.is_some()
            || !recomputed
            || !info.unit_step
            || info.has_continue
            || self.f.vars[j].reassigned
            || !self.is_top_exit(id, body)
            || has_loop(body)
        {
            return;
        }
        let Some(stay) = super::stmt::stay_arm(body, id) else {
            return;
        };
        let mut inner = HashSet::new();
        defined(body, &mut inner);
        let names: std::collections::HashMap<String, VarId> = (0..self.f.vars.len())
            .filter(|v| self.f.vars[*v].reassigned && !inner.contains(v))
            .map(|v| (self.f.vars[v].ident.to_string(), v))
            .collect();
        let mut touched = HashSet::new();
        may_change(body, &names, &mut touched);
        let mut copies_inside = HashSet::new();
        self.copies_in(body, &mut copies_inside);
        let mut sl = SpanLoop {
            id,
            j,
            inner,
            touched,
            copies_inside,
            sure: Vec::new(),
            adjoints: Vec::new(),
            taken: Vec::new(),
        };
        let mut sure = Vec::new();
        every_trip(stay, &mut |r| {
            if let Rhs::Index {
                base,
                idx,
                by_ref: false,
            } = r
            {
                if let Some(off) = self.split(&sl, idx, 0) {
                    sure.push((*base, off));
                }
            }
        });
        sl.sure = sure;
        let candidates: Vec<VarId> = self
            .fitted
            .iter()
            .chain(self.grad_bufs.iter())
            .copied()
            .filter(|b| {
                self.act.active(*b)
                    && !self.windows.iter().any(|w| w.base() == *b)
                    && !self.holds_row(*b)
            })
            .collect();
        for base in candidates {
            let mut offs = Vec::new();
            let mut other = false;
            self.adjoint_uses(&sl, base, body, &mut offs, &mut other);
            let Some(first) = offs.first() else { continue };
            if other || offs.iter().any(|o| o != first) {
                continue;
            }
            if sl.sure.iter().any(|(b, o)| *b == base && o == first) {
                sl.adjoints.push((base, first.clone()));
            }
        }
        // All or nothing: a span pays for its setup (two checks of the slice's bounds) only when
        // the reverse trip has no checked element access left, so that the loop vectorises; a
        // loop of two trips run once per outer trip (GMM's `0..d`) with one checked access left
        // got slower (its element writes keep the buffer). So the loop takes spans only when
        // every element it reads of a base with an adjoint adds through a span and it writes
        // no element of one.
        if !self.all_adjoints_spanned(&sl, body) {
            return;
        }
        self.spans = Some(sl);
    }

    /// Whether every element read of an active base in `b` adds through one of `sl`'s adjoint
    /// spans, and no statement of `b` writes, pushes into or changes in place an active base.
    fn all_adjoints_spanned(&self, sl: &SpanLoop, b: &Block) -> bool {
        b.stmts.iter().all(|s| match s {
            Stmt::Let { init: Some(r), .. } | Stmt::Assign { rhs: r, .. } => match r {
                Rhs::Index {
                    base,
                    by_ref: false,
                    ..
                } if self.act.active(*base) => sl.adjoints.iter().any(|(a, _)| a == base),
                _ => true,
            },
            Stmt::IndexWrite { base, .. } | Stmt::Push { base, .. } => !self.act.active(*base),
            Stmt::InPlace { bases, .. } => !bases.iter().any(|v| self.act.active(*v)),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.all_adjoints_spanned(sl, b),
            Stmt::Branch { arms, .. } => arms.iter().all(|a| self.all_adjoints_spanned(sl, a)),
            _ => true,
        })
    }

    /// `idx` as `c + j`: the offset `c`.
    fn split(&self, sl: &SpanLoop, idx: &Atom, depth: usize) -> Option<Off> {
        let Atom::Var(v) = idx else { return None };
        if *v == sl.j {
            return Some(Off::Lit("0".into()));
        }
        if depth > 6 || !sl.inner.contains(v) || self.f.vars[*v].reassigned {
            return None;
        }
        match self.defs.get(v)? {
            Rhs::Copy(a) => self.split(sl, a, depth + 1),
            Rhs::Bin(BinOp::Add, a, b) => {
                if let (Some(c), Some(d)) = (self.split(sl, a, depth + 1), self.fixed(sl, b, 0)) {
                    Some(add(c, d))
                } else {
                    let (c, d) = (self.fixed(sl, a, 0)?, self.split(sl, b, depth + 1)?);
                    Some(add(d, c))
                }
            }
            _ => None,
        }
    }

    /// `a` as an offset no trip changes.
    fn fixed(&self, sl: &SpanLoop, a: &Atom, depth: usize) -> Option<Off> {
        match a {
            Atom::Const(c) => Some(Off::Lit(c.to_string())),
            Atom::Var(v) if *v == sl.j || depth > 6 => None,
            Atom::Var(v) if !sl.inner.contains(v) => {
                (!sl.touched.contains(v)).then_some(Off::Var(*v))
            }
            Atom::Var(v) => {
                if self.f.vars[*v].reassigned {
                    return None;
                }
                match self.defs.get(v)? {
                    Rhs::Copy(x) => self.fixed(sl, x, depth + 1),
                    Rhs::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y) => Some(Off::Bin(
                        *op,
                        Box::new(self.fixed(sl, x, depth + 1)?),
                        Box::new(self.fixed(sl, y, depth + 1)?),
                    )),
                    _ => None,
                }
            }
        }
    }

    /// The offsets at which `body` reads `base` (reads with reverse work on its adjoint), and
    /// whether any other statement has reverse work on that adjoint.
    fn adjoint_uses(
        &self,
        sl: &SpanLoop,
        base: VarId,
        body: &Block,
        offs: &mut Vec<Off>,
        other: &mut bool,
    ) {
        let touch = |v: &VarId| self.touches(base, *v);
        let atoms = |xs: &[&Atom]| xs.iter().any(|a| matches!(a, Atom::Var(v) if touch(v)));
        for s in &body.stmts {
            match s {
                Stmt::Let { var, init, .. } => {
                    *other |= *var == base;
                    if let Some(r) = init {
                        self.rhs_uses(sl, base, r, offs, other);
                    }
                }
                Stmt::Assign { var, rhs } => {
                    *other |= *var == base;
                    self.rhs_uses(sl, base, rhs, offs, other);
                }
                Stmt::IndexWrite { base: b, idx, val } => {
                    *other |= touch(b) || atoms(&[idx, val]);
                }
                Stmt::Push { base: b, val, len } => *other |= touch(b) || atoms(&[val, len]),
                Stmt::Truncate { base: b, len } => *other |= touch(b) || atoms(&[len]),
                Stmt::InPlace { bases, body, .. } => {
                    *other |= bases.iter().any(touch);
                    self.adjoint_uses(sl, base, body, offs, other);
                }
                Stmt::Bound(vars) => *other |= vars.iter().any(touch),
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => {
                    self.adjoint_uses(sl, base, b, offs, other);
                }
                Stmt::Branch { arms, .. } => {
                    for a in arms {
                        self.adjoint_uses(sl, base, a, offs, other);
                    }
                }
                // Code with no reverse work (forward-only statements, exits).
                Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => {}
            }
        }
    }

    fn rhs_uses(&self, sl: &SpanLoop, base: VarId, r: &Rhs, offs: &mut Vec<Off>, other: &mut bool) {
        match r {
            Rhs::Index {
                base: b,
                idx,
                by_ref: false,
            } if *b == base => match self.split(sl, idx, 0) {
                Some(c) => offs.push(c),
                None => *other = true,
            },
            // Code emitted as written has no reverse work.
            Rhs::Opaque(_) => {}
            _ => *other |= r.diff_operands().iter().any(|v| self.touches(base, *v)),
        }
        // An index or length that names the base (`u[u.len() - 1]` lowers to a temporary).
        if let Rhs::Index { idx, .. } | Rhs::Sum { len: idx, .. } = r {
            *other |= matches!(idx, Atom::Var(v) if *v == base);
        }
    }

    /// Whether reverse work on `v` may add into `base`'s adjoint: `base` itself, a row of it
    /// whose element reads add into its buffer (`nested_row`), or a range of it passed to a
    /// call, whose reverse adds into `base`'s adjoint in place (`range_slots`), wherever the
    /// row or range was taken.
    fn touches(&self, base: VarId, v: VarId) -> bool {
        v == base
            || self.nested_row(v).is_some_and(|(outer, _)| outer == base)
            || self
                .range_arg(&Atom::Var(v))
                .is_some_and(|r| r.base == base)
    }

    /// The numbers of the state copies whose replacement is in `b`.
    fn copies_in(&self, b: &Block, out: &mut HashSet<usize>) {
        for s in &b.stmts {
            if let Some((_, id)) = self.trip_versions.at.get(&(s as *const Stmt)) {
                out.insert(*id);
            }
            match s {
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.copies_in(b, out),
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| self.copies_in(a, out)),
                Stmt::InPlace { body, .. } => self.copies_in(body, out),
                _ => {}
            }
        }
    }

    /// Whether the loop being emitted may index state copy `id` through a span (its copy is
    /// bound before the loop's reverse sweep).
    pub(super) fn span_copy_ok(&self, id: usize) -> bool {
        self.spans
            .as_ref()
            .is_some_and(|sl| !sl.copies_inside.contains(&id))
    }

    /// The element `k` of the span of `base`'s values `of` (an expression of the container)
    /// holding `base[idx]`, when the loop being emitted takes one: `&span[k]`.
    pub(super) fn span_value(
        &mut self,
        base: VarId,
        of: &TokenStream,
        idx: &Atom,
    ) -> Option<TokenStream> {
        let sl = self.spans.as_ref()?;
        let off = self.split(sl, idx, 0)?;
        if !sl.sure.iter().any(|(b, o)| *b == base && *o == off) {
            return None;
        }
        let name = self.take_span(base, Source::Values, off, of.clone());
        let k = self.span_trip();
        Some(quote! { &#name[#k] })
    }

    /// The span of `base`'s adjoint that the read `base[idx]` adds into, when the loop being
    /// emitted takes one: (the span, what it slices, the trip's element `k`).
    pub(super) fn span_adjoint(
        &mut self,
        base: VarId,
        idx: &Atom,
    ) -> Option<(Ident, Source, TokenStream)> {
        let sl = self.spans.as_ref()?;
        let (_, off) = sl.adjoints.iter().find(|(b, _)| *b == base)?;
        if self.split(sl, idx, 0).as_ref() != Some(off) {
            return None;
        }
        let off = off.clone();
        let (source, of) = if self.fitted.contains(&base) {
            let d = self.adj(base);
            (Source::DenseAdjoint, quote! { #d })
        } else {
            let b = self.grad_buf(base);
            (Source::GradBuf, quote! { #b })
        };
        let name = self.take_span(base, source, off, of);
        Some((name, source, self.span_trip()))
    }

    /// The forward trip number `k` of the reverse trip being run.
    fn span_trip(&self) -> TokenStream {
        let id = self.spans.as_ref().expect("a span loop").id;
        let (_, n, it) = affine_names(id);
        quote! { (#n - 1 - #it) }
    }

    /// The name of the span `(base, source, off)`, taken on first use.
    fn take_span(&mut self, base: VarId, source: Source, off: Off, of: TokenStream) -> Ident {
        let sl = self.spans.as_mut().expect("a span loop");
        if let Some(s) = sl
            .taken
            .iter()
            .find(|s| s.base == base && s.source == source && s.off == off)
        {
            return s.name.clone();
        }
        let name = naming::fixed(&format!("__sp{}_{}", sl.id, sl.taken.len()));
        sl.taken.push(Span {
            base,
            source,
            off,
            name: name.clone(),
            of,
        });
        name
    }

    /// After the loop's body: (forward saves of the offsets' variables, before the loop; the
    /// spans' declarations, after the reverse sweep's trip count `n` is bound). `a`: the
    /// loop's affine start, marked read when a span is taken.
    pub(super) fn spans_exit(&mut self, place: Place) -> (TokenStream, TokenStream) {
        let Some(sl) = self.spans.take() else {
            return (TokenStream::new(), TokenStream::new());
        };
        let (mut save, mut decl) = (TokenStream::new(), TokenStream::new());
        if sl.taken.is_empty() {
            return (save, decl);
        }
        if let Some((_, used)) = self.affine.get_mut(&sl.j) {
            *used = true;
        }
        let (a, n, _) = affine_names(sl.id);
        let rt = self.rt.clone();
        let len = naming::fixed(&format!("__splen{}", sl.id));
        // A top-exit loop's reverse sweep runs trips `1..n`: `n - 1` full trips (`n >= 1`
        // wherever the sweep runs the loop; saturating all the same).
        decl.extend(quote! { let #len: usize = #n.saturating_sub(1); });
        let mut leaves = 0;
        for s in &sl.taken {
            let c = self.off_expr(&s.off, place, &mut save, &mut decl, (sl.id, &mut leaves));
            let lo = quote! { || #c + #a };
            let (name, of) = (&s.name, &s.of);
            decl.extend(match s.source {
                Source::Values => quote! {
                    let #name = {
                        #[allow(unused_imports)]
                        use #rt::{OffsetSpan as _, SliceSpan as _};
                        (&#rt::SpanProbe(#of)).span(#lo, #len)
                    };
                },
                Source::DenseAdjoint => quote! {
                    let #name = #rt::dense_span(&mut #of, #lo, #len);
                },
                Source::GradBuf => quote! {
                    let mut #name = #rt::GradSpan::span(&mut #of, #lo, #len);
                },
            });
        }
        (save, decl)
    }

    /// The reverse sweep's value of an offset, reading its variables at the loop's place (their
    /// saves, if any, go to `save`, before the loop in the forward sweep). Each variable is read
    /// into a local in `decl`, unconditionally (a read may advance a record cursor), and the
    /// arithmetic is left to the caller's closure, which runs only when the loop made trips.
    fn off_expr(
        &mut self,
        off: &Off,
        place: Place,
        save: &mut TokenStream,
        decl: &mut TokenStream,
        (id, leaves): (LoopId, &mut usize),
    ) -> TokenStream {
        match off {
            Off::Lit(s) => {
                let t: TokenStream = s.parse().expect("tokens of a literal");
                quote! { (#t) }
            }
            Off::Var(v) => {
                let (s, r) = self.read(&Atom::Var(*v), place);
                save.extend(s);
                let name = naming::fixed(&format!("__spv{id}_{leaves}"));
                *leaves += 1;
                decl.extend(quote! { let #name = ::core::clone::Clone::clone(#r); });
                quote! { #name }
            }
            Off::Bin(op, x, y) => {
                let x = self.off_expr(x, place, save, decl, (id, &mut *leaves));
                let y = self.off_expr(y, place, save, decl, (id, &mut *leaves));
                match op {
                    BinOp::Add => quote! { (#x + #y) },
                    BinOp::Sub => quote! { (#x - #y) },
                    _ => quote! { (#x * #y) },
                }
            }
        }
    }
}

/// `c + d`, without adding a literal zero.
fn add(c: Off, d: Off) -> Off {
    match (&c, &d) {
        (Off::Lit(z), _) if z == "0" => d,
        (_, Off::Lit(z)) if z == "0" => c,
        _ => Off::Bin(BinOp::Add, Box::new(c), Box::new(d)),
    }
}

/// The variables of `names` (by their forward names) that code in `b` may change without a
/// `let` or an assignment of the IR: code emitted as written that names them (a statement,
/// an expression, a condition, an in-place call), a borrow of them or a call given them by
/// reference, a method called on them.
fn may_change(
    b: &Block,
    names: &std::collections::HashMap<String, VarId>,
    out: &mut HashSet<VarId>,
) {
    fn tokens(
        t: &TokenStream,
        names: &std::collections::HashMap<String, VarId>,
        out: &mut HashSet<VarId>,
    ) {
        for tt in t.clone() {
            match tt {
                proc_macro2::TokenTree::Ident(i) => {
                    let s = i.to_string();
                    if let Some(v) = names.get(s.strip_prefix("r#").unwrap_or(&s)) {
                        out.insert(*v);
                    }
                }
                proc_macro2::TokenTree::Group(g) => tokens(&g.stream(), names, out),
                _ => {}
            }
        }
    }
    let rhs = |r: &Rhs, out: &mut HashSet<VarId>| match r {
        Rhs::Opaque(t) => tokens(t, names, out),
        Rhs::Repeat { len, .. } => tokens(len, names, out),
        Rhs::Ref(Atom::Var(v))
        | Rhs::Field {
            base: Atom::Var(v),
            by_ref: true,
            ..
        }
        | Rhs::Index {
            base: v,
            by_ref: true,
            ..
        } => {
            out.insert(*v);
        }
        Rhs::Call { args, refs, .. } => {
            for (a, r) in args.iter().zip(refs) {
                if let (Atom::Var(v), true) = (a, r) {
                    out.insert(*v);
                }
            }
        }
        Rhs::Method { args, .. } => {
            if let Some(Atom::Var(v)) = args.first() {
                out.insert(*v);
            }
        }
        _ => {}
    };
    for s in &b.stmts {
        match s {
            Stmt::Let { init: Some(r), .. } | Stmt::Assign { rhs: r, .. } => rhs(r, out),
            Stmt::Effect(t)
                if !crate::lower::is_never_run(t) && !crate::lower::is_operand_check(t) =>
            {
                tokens(t, names, out)
            }
            Stmt::Bound(vars) => out.extend(vars.iter().copied()),
            Stmt::InPlace {
                bases,
                body,
                original,
            } => {
                out.extend(bases.iter().copied());
                tokens(original, names, out);
                may_change(body, names, out);
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => may_change(b, names, out),
            Stmt::Branch { kind, arms, .. } => {
                match kind {
                    crate::ir::BranchKind::If { cond, .. } => tokens(cond, names, out),
                    crate::ir::BranchKind::Match { scrutinee, heads } => {
                        tokens(scrutinee, names, out);
                        heads.iter().for_each(|h| tokens(h, names, out));
                    }
                }
                arms.iter().for_each(|a| may_change(a, names, out));
            }
            _ => {}
        }
    }
}

/// Whether `b` holds a loop at any depth.
fn has_loop(b: &Block) -> bool {
    b.stmts.iter().any(|s| match s {
        Stmt::Loop { .. } => true,
        Stmt::Scope(b) => has_loop(b),
        Stmt::Branch { arms, .. } => arms.iter().any(has_loop),
        Stmt::InPlace { body, .. } => has_loop(body),
        _ => false,
    })
}

/// The variables `b` defines or assigns, at any depth.
fn defined(b: &Block, out: &mut HashSet<VarId>) {
    for s in &b.stmts {
        match s {
            Stmt::Let { var, .. } | Stmt::Assign { var, .. } => {
                out.insert(*var);
            }
            Stmt::Bound(vars) => out.extend(vars.iter().copied()),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => defined(b, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| defined(a, out)),
            Stmt::InPlace { body, .. } => defined(body, out),
            _ => {}
        }
    }
}

/// Calls `f` on the right-hand side of each statement of `b` that runs on every trip (not in a
/// branch; nested scopes included).
fn every_trip(b: &Block, f: &mut impl FnMut(&Rhs)) {
    for s in &b.stmts {
        match s {
            Stmt::Let { init: Some(r), .. } | Stmt::Assign { rhs: r, .. } => f(r),
            Stmt::Scope(b) => every_trip(b, f),
            _ => {}
        }
    }
}
