//! Reverse mode: the forward sweep (the primal, plus what the reverse sweep needs) and the
//! reverse sweep that replays it backwards.
//!
//! Records follow one rule: a construct's control record is pushed when control *leaves* it
//! (normally or by a jump), so the reverse sweep pops them in exactly the opposite order.
//! - a statement list with a statement that can jump out of it: the index of the statement that
//!   was left (`n` when it completed);
//! - a branch: the arm taken (not pushed on normal completion when only one arm can complete);
//! - a loop: its trip count (once, when it is left).
//!
//! Values a rule reads are saved at the point of use: in a deferred local when that point runs
//! exactly once, in an `Option` when at most once, in a `Vec` inside loops. Parameters that are
//! never reassigned and constants are read directly instead.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};

use crate::activity::Activity;
use crate::ir::*;
use crate::methods::{self, Role};
use crate::naming;

/// How the reverse sweep reads a parameter's value.
#[derive(Clone)]
pub struct ParamRead {
    /// An expression of type `&T` valid after the forward sweep.
    pub read: TokenStream,
    /// The type of its adjoint slot (`Option<<T as Differentiable>::Adjoint>`), when differentiable.
    pub adj_ty: Option<TokenStream>,
}

/// The generated pieces of a reverse-mode function.
pub struct RevCode {
    /// Declarations before the forward sweep (slots, the control tape).
    pub decls: TokenStream,
    /// The forward sweep (statements, run inside the `'__body` block).
    pub forward: TokenStream,
    /// Start of the reverse sweep: cursors and adjoint accumulators.
    pub reverse_head: TokenStream,
    /// The reverse sweep proper.
    pub reverse: TokenStream,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotKind {
    /// Runs exactly once before the forward sweep can end: `let s; .. s = v;`
    Once,
    /// Runs at most once: `let mut s = None; .. s = Some(v);`
    Maybe,
    /// Inside a loop: `let mut s = Vec::new(); .. s.push(v);`
    Many,
}

#[derive(Clone, Copy)]
struct Place {
    in_loop: bool,
    conditional: bool,
}

enum Frame {
    Block { needs_k: bool, index: usize },
    Branch { needs_rec: bool, arm: usize },
    Loop { id: LoopId, needs_rec: bool },
}

/// Generates reverse-mode code for `f` given its activity.
pub struct RevGen<'a> {
    f: &'a Func,
    act: &'a Activity,
    params: &'a HashMap<VarId, ParamRead>,
    /// Path prefix of generated runtime calls (`::autodiff::__private`).
    rt: &'a TokenStream,
    /// How to call another differentiable function's companion.
    slots: Vec<SlotKind>,
    frames: Vec<Frame>,
    uses_ctl: bool,
    nk: usize,
    body_label: syn::Lifetime,
    /// The definition of every `let` variable that is never reassigned.
    defs: HashMap<VarId, Rhs>,
    /// Local variables read by named field (`p.x`): their adjoint's type is fixed by a
    /// zero-sized witness recorded in the forward sweep (a field access needs a known type).
    field_bases: std::collections::HashSet<VarId>,
    /// `let` variables of the blocks being emitted whose value is saved once, at the definition,
    /// and loaded once where the block's reverse sweep starts: (local holding `&T`, used).
    block_saved: HashMap<VarId, (Ident, bool)>,
}

fn collect_field_bases(b: &Block, out: &mut std::collections::HashSet<VarId>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                init:
                    Some(Rhs::Field {
                        base: Atom::Var(v),
                        member: syn::Member::Named(_),
                        ..
                    }),
                ..
            }
            | Stmt::Assign {
                rhs:
                    Rhs::Field {
                        base: Atom::Var(v),
                        member: syn::Member::Named(_),
                        ..
                    },
                ..
            } => {
                out.insert(*v);
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_field_bases(b, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_field_bases(a, out)),
            _ => {}
        }
    }
}

fn collect_defs(b: &Block, f: &Func, out: &mut HashMap<VarId, Rhs>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            } if !f.vars[*var].reassigned => {
                out.insert(*var, rhs.clone());
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_defs(b, f, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_defs(a, f, out)),
            _ => {}
        }
    }
}

fn lifetime(name: &str) -> syn::Lifetime {
    syn::Lifetime {
        apostrophe: proc_macro2::Span::mixed_site(),
        ident: Ident::new(name, proc_macro2::Span::mixed_site()),
    }
}

/// The label of the `'__body` block that `return` leaves.
pub fn body_label() -> syn::Lifetime {
    lifetime("__body")
}

/// The label of loop `id`.
pub fn loop_label(id: LoopId) -> syn::Lifetime {
    lifetime(&format!("__loop{id}"))
}

impl<'a> RevGen<'a> {
    pub fn new(
        f: &'a Func,
        act: &'a Activity,
        params: &'a HashMap<VarId, ParamRead>,
        rt: &'a TokenStream,
    ) -> Self {
        RevGen {
            f,
            act,
            params,
            rt,
            slots: Vec::new(),
            frames: Vec::new(),
            uses_ctl: false,
            nk: 0,
            body_label: body_label(),
            defs: {
                let mut d = HashMap::new();
                collect_defs(&f.body, f, &mut d);
                d
            },
            block_saved: HashMap::new(),
            field_bases: {
                let mut fb = std::collections::HashSet::new();
                collect_field_bases(&f.body, &mut fb);
                fb.retain(|v| !params.contains_key(v) && act.active(*v));
                fb
            },
        }
    }

    /// Runs the generator.
    pub fn generate(mut self) -> RevCode {
        let place = Place {
            in_loop: false,
            conditional: false,
        };
        let (forward, reverse) = self.block(&self.f.body, place, KMode::Pop);
        let rt = self.rt;
        let mut decls = TokenStream::new();
        let mut head = TokenStream::new();
        if self.uses_ctl {
            let (ctl, cc) = (naming::fixed("__ctl"), naming::fixed("__cc"));
            decls.extend(quote! { let mut #ctl: #rt::Tape<usize> = #rt::tape(); });
            head.extend(quote! { let mut #cc = #ctl.len(); });
        }
        for (k, kind) in self.slots.iter().enumerate() {
            let s = naming::slot(k);
            match kind {
                SlotKind::Once => decls.extend(quote! { let #s; }),
                SlotKind::Maybe => {
                    decls.extend(quote! { let mut #s = ::core::option::Option::None; })
                }
                SlotKind::Many => {
                    let c = naming::cursor(k);
                    decls.extend(quote! { let mut #s = #rt::tape(); });
                    head.extend(quote! { let mut #c = #s.len(); });
                }
            }
        }
        for v in 0..self.f.vars.len() {
            if self.act.active(v) {
                let d = self.adj(v);
                if self.field_bases.contains(&v) {
                    let w = naming::fixed(&format!("__w{v}"));
                    decls.extend(quote! { let mut #w = ::core::option::Option::None; });
                    head.extend(quote! { let mut #d = #rt::none_adjoint(&#w); });
                    continue;
                }
                match self.params.get(&v).and_then(|p| p.adj_ty.as_ref()) {
                    Some(t) => {
                        head.extend(quote! { let mut #d: #t = ::core::option::Option::None; })
                    }
                    None => head.extend(quote! { let mut #d = ::core::option::Option::None; }),
                }
            }
        }
        RevCode {
            decls,
            forward,
            reverse_head: head,
            reverse,
        }
    }

    fn adj(&self, v: VarId) -> Ident {
        naming::adjoint(&self.f.vars[v].ident, v)
    }

    fn ident(&self, v: VarId) -> &Ident {
        &self.f.vars[v].ident
    }

    // ----- analysis helpers -------------------------------------------------------------

    /// Whether the statement has reverse work (defines an active variable somewhere inside).
    fn work(&self, s: &Stmt) -> bool {
        match s {
            Stmt::Let {
                var, init: Some(_), ..
            }
            | Stmt::Assign { var, .. } => self.act.active(*var),
            Stmt::IndexWrite { base, .. } | Stmt::Push { base, .. } => self.act.active(*base),
            Stmt::Scope(b) => self.block_work(b),
            Stmt::Branch { arms, .. } => arms.iter().any(|b| self.block_work(b)),
            Stmt::Loop { body, .. } => self.block_work(body),
            _ => false,
        }
    }

    fn block_work(&self, b: &Block) -> bool {
        b.stmts.iter().any(|s| self.work(s))
    }

    /// Whether control can leave `s` by a jump (to a loop outside `s`, or out of the function).
    fn may_exit(s: &Stmt) -> bool {
        fn go(s: &Stmt, inner: &mut Vec<LoopId>) -> bool {
            match s {
                Stmt::Return => true,
                Stmt::Break { target } | Stmt::Continue { target } => !inner.contains(target),
                Stmt::Scope(b) => b.stmts.iter().any(|s| go(s, inner)),
                Stmt::Branch { arms, .. } => {
                    arms.iter().any(|b| b.stmts.iter().any(|s| go(s, inner)))
                }
                Stmt::Loop { id, body } => {
                    inner.push(*id);
                    let r = body.stmts.iter().any(|s| go(s, inner));
                    inner.pop();
                    r
                }
                _ => false,
            }
        }
        go(s, &mut Vec::new())
    }

    // ----- slots --------------------------------------------------------------------------

    fn new_slot(&mut self, place: Place) -> usize {
        let kind = if place.in_loop {
            SlotKind::Many
        } else if place.conditional {
            SlotKind::Maybe
        } else {
            SlotKind::Once
        };
        self.slots.push(kind);
        self.slots.len() - 1
    }

    /// Saves the value of `value` (an owned expression) and returns (forward code, reverse read of type `&T`).
    fn save(&mut self, value: TokenStream, place: Place) -> (TokenStream, TokenStream) {
        let k = self.new_slot(place);
        let s = naming::slot(k);
        let rt = self.rt;
        match self.slots[k] {
            SlotKind::Once => (quote! { #s = #value; }, quote! { &#s }),
            SlotKind::Maybe => (
                quote! { #s = ::core::option::Option::Some(#value); },
                quote! { #rt::slot_value(&#s) },
            ),
            SlotKind::Many => {
                let c = naming::cursor(k);
                (
                    quote! { #s.push(#value); },
                    quote! { #rt::back(&#s, &mut #c) },
                )
            }
        }
    }

    /// The forward expression of an atom.
    pub fn atom_fwd(&self, a: &Atom) -> TokenStream {
        match a {
            Atom::Var(v) => {
                let i = self.ident(*v);
                quote! { #i }
            }
            Atom::Const(c) => quote! { (#c) },
        }
    }

    /// How the reverse sweep reads `a`: (forward save code, read expression of type `&T`).
    /// Reads are bound to locals at the start of the operation's reverse code, unconditionally,
    /// so loop cursors stay in step.
    fn read(&mut self, a: &Atom, place: Place) -> (TokenStream, TokenStream) {
        self.read_depth(a, place, 0)
    }

    fn read_depth(&mut self, a: &Atom, place: Place, depth: usize) -> (TokenStream, TokenStream) {
        match a {
            Atom::Const(c) => (TokenStream::new(), quote! { &(#c) }),
            Atom::Var(v) => {
                if let Some(p) = self.params.get(v) {
                    if !self.f.vars[*v].reassigned {
                        return (TokenStream::new(), p.read.clone());
                    }
                }
                if let Some(r) = self.recompute(*v, place, depth) {
                    return r;
                }
                if let Some((local, used)) = self.block_saved.get_mut(v) {
                    *used = true;
                    return (TokenStream::new(), quote! { #local });
                }
                let i = self.ident(*v).clone();
                if self.f.vars[*v].is_ref {
                    // Save the value behind the reference: it may borrow a local of the forward sweep.
                    self.save(quote! { ::core::clone::Clone::clone(#i) }, place)
                } else {
                    self.save(quote! { ::core::clone::Clone::clone(&#i) }, place)
                }
            }
        }
    }

    /// A cheap value recomputed in the reverse sweep from values it already has, instead of
    /// saved: an element of a parameter (`x[i]`), or a sum, difference or product with a literal.
    fn recompute(
        &mut self,
        v: VarId,
        place: Place,
        depth: usize,
    ) -> Option<(TokenStream, TokenStream)> {
        if depth > 2 {
            return None;
        }
        let rhs = self.defs.get(&v)?.clone();
        let available = |this: &Self, a: &Atom| match a {
            Atom::Const(_) => true,
            Atom::Var(b) => {
                (this.params.contains_key(b) && !this.f.vars[*b].reassigned)
                    || this.block_saved.contains_key(b)
                    || this.defs.contains_key(b)
            }
        };
        match &rhs {
            Rhs::Index { base, idx, .. }
                if self.params.contains_key(base) && !self.f.vars[*base].reassigned =>
            {
                let (save, i) = self.read_depth(idx, place, depth + 1);
                let b = self.params[base].read.clone();
                Some((save, quote! { &(#b)[*#i] }))
            }
            Rhs::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y)
                if (is_literal(x) || is_literal(y)) && available(self, x) && available(self, y) =>
            {
                // A literal stays a value (nalgebra has `f64 * &M` but not `&f64 * &M`).
                let lit = |a: &Atom| match a {
                    Atom::Const(c) => Some(quote! { (#c) }),
                    Atom::Var(_) => None,
                };
                let (s1, rx) = match lit(x) {
                    Some(c) => (TokenStream::new(), c),
                    None => self.read_depth(x, place, depth + 1),
                };
                let (s2, ry) = match lit(y) {
                    Some(c) => (TokenStream::new(), c),
                    None => self.read_depth(y, place, depth + 1),
                };
                let e = match op {
                    BinOp::Add => quote! { #rx + #ry },
                    BinOp::Sub => quote! { #rx - #ry },
                    _ => quote! { #rx * #ry },
                };
                Some((quote! { #s1 #s2 }, quote! { &(#e) }))
            }
            _ => None,
        }
    }

    /// Records the adjoint type of a variable read by named field (see `field_bases`).
    fn witness(&self, v: VarId) -> TokenStream {
        if !self.field_bases.contains(&v) {
            return TokenStream::new();
        }
        let (w, i, rt) = (naming::fixed(&format!("__w{v}")), self.ident(v), self.rt);
        quote! { #w = ::core::option::Option::Some(#rt::witness(&#i)); }
    }

    /// The index shape of `base` (which fixes its adjoint's type): computed from a parameter in
    /// the reverse sweep, or saved where a local is indexed. Returns (forward save, read of type `&Shape`).
    fn shape(&mut self, base: VarId, place: Place) -> (TokenStream, TokenStream) {
        let rt = self.rt.clone();
        if let Some(p) = self.params.get(&base) {
            if !self.f.vars[base].reassigned {
                let r = &p.read;
                return (
                    TokenStream::new(),
                    quote! { &#rt::IndexShape::index_shape(#r) },
                );
            }
        }
        let b = self.ident(base).clone();
        self.save(quote! { #rt::IndexShape::index_shape(&#b) }, place)
    }

    // ----- blocks and statements ----------------------------------------------------------

    /// Emits a block. Returns (forward, reverse).
    fn block(&mut self, b: &Block, place: Place, kmode: KMode) -> (TokenStream, TokenStream) {
        let n = b.stmts.len();
        let first_exit = b.stmts.iter().position(Self::may_exit);
        let needs_k = self.block_work(b) && first_exit.is_some();
        let kmode = if needs_k { kmode } else { KMode::None };
        let pops = matches!(kmode, KMode::Pop);
        self.frames.push(Frame::Block { needs_k, index: 0 });
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
        for (j, s) in b.stmts.iter().enumerate() {
            if let Some(Frame::Block { index, .. }) = self.frames.last_mut() {
                *index = j;
            }
            let p = Place {
                in_loop: place.in_loop,
                conditional: place.conditional || first_exit.is_some_and(|e| j >= e),
            };
            let (f, normal, abrupt) = self.stmt(s, p);
            fwds.push(f);
            revs.push((normal, abrupt, Self::may_exit(s)));
        }
        self.frames.pop();
        let mut loads = TokenStream::new();
        for (j, v) in eligible {
            let (local, used) = self.block_saved.remove(&v).expect("registered");
            if !used {
                continue;
            }
            let i = self.ident(v).clone();
            let value = if self.f.vars[v].is_ref {
                quote! { ::core::clone::Clone::clone(#i) }
            } else {
                quote! { ::core::clone::Clone::clone(&#i) }
            };
            let (save, read) = self.save(value, place);
            fwds[j].extend(save);
            loads.extend(quote! { let #local = #read; });
        }
        let mut fwd: TokenStream = fwds.into_iter().collect();
        let rt = self.rt.clone();
        let (ctl, cc) = (naming::fixed("__ctl"), naming::fixed("__cc"));
        let falls_through = !b.stmts.last().is_some_and(|s| {
            matches!(s, Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return)
        });
        if pops && falls_through {
            self.uses_ctl = true;
            fwd.extend(quote! { #ctl.push(#n); });
        }
        let mut rev = TokenStream::new();
        if matches!(kmode, KMode::None) {
            rev.extend(loads);
            for (r, _, _) in revs.into_iter().rev() {
                rev.extend(quote! { { #r } });
            }
            return (fwd, rev);
        }
        self.uses_ctl = true;
        self.nk += 1;
        let k = naming::fixed(&format!("__k{}", self.nk));
        match &kmode {
            KMode::Last(first) => {
                rev.extend(quote! { let #k = if #first { #rt::pop(&#ctl, &mut #cc) } else { #n }; })
            }
            _ => rev.extend(quote! { let #k = #rt::pop(&#ctl, &mut #cc); }),
        }
        // Every `let` before the first exit ran: load the values saved at their definitions.
        rev.extend(loads);
        for (j, (normal, abrupt, exits)) in revs.into_iter().enumerate().rev() {
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

    /// Control records pushed by a jump, innermost construct first.
    fn jump_records(&mut self, target: Option<(LoopId, bool)>) -> TokenStream {
        let ctl = naming::fixed("__ctl");
        let mut out = TokenStream::new();
        for fr in self.frames.iter().rev() {
            match fr {
                Frame::Block {
                    needs_k: true,
                    index,
                } => {
                    out.extend(quote! { #ctl.push(#index); });
                }
                Frame::Block { .. } => {}
                Frame::Branch { needs_rec, arm } => {
                    if *needs_rec {
                        out.extend(quote! { #ctl.push(#arm); });
                    }
                }
                Frame::Loop { id, needs_rec } => {
                    if let Some((t, is_break)) = target {
                        if *id == t {
                            if is_break && *needs_rec {
                                let tr = naming::trips(*id);
                                out.extend(quote! { #ctl.push(#tr); });
                            }
                            break;
                        }
                    }
                    if *needs_rec {
                        let tr = naming::trips(*id);
                        out.extend(quote! { #ctl.push(#tr); });
                    }
                }
            }
        }
        if !out.is_empty() {
            self.uses_ctl = true;
        }
        out
    }

    /// One statement: (forward, reverse when it completed normally, reverse when it was left by a jump).
    fn stmt(&mut self, s: &Stmt, place: Place) -> (TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        let (ctl, cc) = (naming::fixed("__ctl"), naming::fixed("__cc"));
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
                        let (pre, value, post, rev) = self.def(*var, rhs, place);
                        let wit = self.witness(*var);
                        (
                            quote! { #pre let #m #id #t = #value; #wit #post },
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
                (quote! { #pre #id = #value; #wit #post }, rev.clone(), rev)
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
                    Stmt::Push { .. } => quote! { #b.push(#v); },
                    _ => quote! { #b[#i] = #v; },
                };
                if !self.act.active(*base) {
                    return (f, quote! {}, quote! {});
                }
                let (save, read) = self.read(idx, place);
                let (save_shape, shape) = self.shape(*base, place);
                let d = self.adj(*base);
                let contrib = match self.act.active_atom(val) {
                    Some(vv) => {
                        let dv = self.adj(vv);
                        quote! { #rt::acc_opt(&mut #dv, __e); }
                    }
                    None => quote! { let _ = __e; },
                };
                // y[i] = v => dv += dy[i], dy[i] = 0
                let rev = quote! {
                    let __i = *#read;
                    let __shape = *#shape;
                    let __e = #rt::ShapeAdjoint::take_at(__shape, &mut #d, __i);
                    #contrib
                };
                (quote! { #save #save_shape #f }, rev.clone(), rev)
            }
            Stmt::Effect(t) => (t.clone(), quote! {}, quote! {}),
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
                let inner = Place {
                    in_loop: place.in_loop,
                    conditional: true,
                };
                let mut fwds = Vec::new();
                let mut revs = Vec::new();
                for (k, arm) in arms.iter().enumerate() {
                    self.frames.push(Frame::Branch { needs_rec, arm: k });
                    let (mut f, r) = self.block(arm, inner, KMode::Pop);
                    self.frames.pop();
                    if needs_rec && normal_arms.len() > 1 && !diverges[k] {
                        self.uses_ctl = true;
                        f.extend(quote! { #ctl.push(#k); });
                    }
                    fwds.push(f);
                    revs.push(r);
                }
                let fwd = match kind {
                    BranchKind::If { cond } => {
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
                };
                if !needs_rec {
                    return (fwd, quote! {}, quote! {});
                }
                self.uses_ctl = true;
                let ks = 0..revs.len();
                let dispatch =
                    quote! { match #rt::pop(&#ctl, &mut #cc) { #(#ks => { #revs })* _ => {} } };
                let normal = if normal_arms.len() == 1 {
                    revs[normal_arms[0]].clone()
                } else {
                    dispatch.clone()
                };
                (fwd, normal, dispatch)
            }
            Stmt::Loop { id, body } => {
                let needs_rec = self.work(s);
                let label = loop_label(*id);
                let tr = naming::trips(*id);
                let it = naming::fixed(&format!("__it{id}"));
                let kmode = if self.f.loops[*id].has_continue {
                    KMode::Pop
                } else {
                    KMode::Last(quote! { #it == 0 })
                };
                self.frames.push(Frame::Loop { id: *id, needs_rec });
                let first_slot = self.slots.len();
                let (fb, rb) = self.block(
                    body,
                    Place {
                        in_loop: true,
                        conditional: true,
                    },
                    kmode,
                );
                self.frames.pop();
                if !needs_rec {
                    return (quote! { #label: loop { #fb } }, quote! {}, quote! {});
                }
                self.uses_ctl = true;
                // Tapes filled once per trip are reserved for the trips known in advance.
                let mut reserve = TokenStream::new();
                if let Some(hint) = &self.f.loops[*id].hint {
                    let grown: Vec<Ident> = (first_slot..self.slots.len())
                        .filter(|k| self.slots[*k] == SlotKind::Many)
                        .map(naming::slot)
                        .collect();
                    if !grown.is_empty() {
                        reserve = quote! { let __hint = #hint; #(#grown.reserve(__hint);)* };
                    }
                }
                let fwd = quote! { #reserve let mut #tr = 0usize; #label: loop { #tr += 1; #fb } };
                let rev = quote! { let __trips = #rt::pop(&#ctl, &mut #cc); for #it in 0..__trips { #rb } };
                (fwd, rev.clone(), rev)
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

    /// A definition `target = rhs`: (forward code before, the value expression, forward code
    /// after, reverse code).
    fn def(
        &mut self,
        target: VarId,
        rhs: &Rhs,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        if !self.act.active(target) {
            return (quote! {}, self.primal(rhs), quote! {}, quote! {});
        }
        let d_y = self.adj(target);
        let mut pre = TokenStream::new();
        let mut post = TokenStream::new();
        let mut reads = TokenStream::new();
        let mut value = self.primal(rhs);
        // Contributions: (adjoint to add into, expression using `__g`).
        let mut contribs: Vec<TokenStream> = Vec::new();
        let nread = std::cell::Cell::new(0usize);
        let mut read_cache: HashMap<String, Ident> = HashMap::new();
        let mut bind_read =
            |this: &mut Self, a: &Atom, pre: &mut TokenStream, reads: &mut TokenStream| -> Ident {
                let key = match a {
                    Atom::Var(v) => format!("v{v}"),
                    Atom::Const(c) => format!("c{c}"),
                };
                if let Some(i) = read_cache.get(&key) {
                    return i.clone();
                }
                let (save, read) = this.read(a, place);
                pre.extend(save);
                nread.set(nread.get() + 1);
                let r = naming::fixed(&format!("__r{}", nread.get()));
                reads.extend(quote! { let #r = #read; });
                read_cache.insert(key, r.clone());
                r
            };
        let g = naming::fixed("__g");
        let acc = |d: &Ident, e: TokenStream| quote! { #rt::acc(&mut #d, #e); };
        match rhs {
            Rhs::Copy(a) => {
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(&self.adj(v), quote! { #g }));
                }
            }
            Rhs::Neg(a) => {
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(&self.adj(v), quote! { ::core::ops::Neg::neg(#g) }));
                }
            }
            Rhs::Bin(op, a, b) => {
                let (va, vb) = (self.act.active_atom(a), self.act.active_atom(b));
                match op {
                    BinOp::Add | BinOp::Sub => {
                        if let Some(v) = va {
                            contribs.push(acc(&self.adj(v), quote! { #g }));
                        }
                        if let Some(v) = vb {
                            let e = if *op == BinOp::Sub {
                                quote! { ::core::ops::Neg::neg(#g) }
                            } else {
                                quote! { #g }
                            };
                            contribs.push(acc(&self.adj(v), e));
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
                            contribs.push(acc(&self.adj(v), e));
                        } else if let (Atom::Const(c), Some(v), BinOp::Mul, true) =
                            (a, vb, op, is_literal(a))
                        {
                            contribs.push(acc(&self.adj(v), quote! { (#c) * #g }));
                        } else {
                            let ra = bind_read(self, a, &mut pre, &mut reads);
                            let rb = bind_read(self, b, &mut pre, &mut reads);
                            if let Some(v) = va {
                                contribs.push(acc(
                                    &self.adj(v),
                                    quote! { #rt::rules::#rule::d_lhs(#g, #ra, #rb) },
                                ));
                            }
                            if let Some(v) = vb {
                                contribs.push(acc(
                                    &self.adj(v),
                                    quote! { #rt::rules::#rule::d_rhs(#g, #ra, #rb) },
                                ));
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
                    let mut rargs = Vec::new();
                    for role in roles.iter() {
                        let r = match role {
                            Role::X => bind_read(self, &args[0], &mut pre, &mut reads),
                            Role::A(i) => bind_read(self, &args[i + 1], &mut pre, &mut reads),
                            Role::Y if self.block_saved.contains_key(&target) => {
                                bind_read(self, &Atom::Var(target), &mut pre, &mut reads)
                            }
                            Role::Y => {
                                if y_read.is_none() {
                                    let y = self.ident(target).clone();
                                    let (save, read) = self
                                        .save(quote! { ::core::clone::Clone::clone(&#y) }, place);
                                    post.extend(save);
                                    nread.set(nread.get() + 1);
                                    let r = naming::fixed(&format!("__r{}", nread.get()));
                                    reads.extend(quote! { let #r = #read; });
                                    y_read = Some(r);
                                }
                                y_read.clone().expect("set")
                            }
                        };
                        rargs.push(r);
                    }
                    let f = quote::format_ident!("{}_d{}", name, k);
                    contribs.push(acc(
                        &self.adj(v),
                        quote! { #rt::rules::#f(#g, #(#rargs),*) },
                    ));
                }
            }
            Rhs::Cast { x, ty } => {
                if let Some(v) = self.act.active_atom(x) {
                    let r = bind_read(self, x, &mut pre, &mut reads);
                    contribs.push(acc(
                        &self.adj(v),
                        quote! { #rt::rules::CastRule::<#ty>::d_cast(#g, #r) },
                    ));
                }
            }
            Rhs::Index { base, idx, .. } => {
                if self.act.active(*base) {
                    // y = x[i] => dx[i] += dy
                    let r = bind_read(self, idx, &mut pre, &mut reads);
                    let (save_shape, shape) = self.shape(*base, place);
                    pre.extend(save_shape);
                    let sh = naming::fixed("__shape");
                    reads.extend(quote! { let #sh = *#shape; });
                    let d = self.adj(*base);
                    contribs.push(quote! { #rt::ShapeAdjoint::add_at(#sh, &mut #d, *#r, #g); });
                }
            }
            Rhs::Clone { x: a, .. } | Rhs::Ref(a) => {
                // y = &a, y = a.clone() => da += dy
                if let Some(v) = self.act.active_atom(a) {
                    contribs.push(acc(&self.adj(v), quote! { #g }));
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
                        body.extend(acc(&self.adj(v), quote! { #p }));
                    }
                }
                contribs.push(body);
            }
            Rhs::Array(xs) | Rhs::VecLit(xs) => {
                let n = xs.len();
                let mut parts = quote! { let mut __parts = #rt::split_elems(::core::option::Option::Some(#g), #n); };
                for (k, a) in xs.iter().enumerate() {
                    if let Some(v) = self.act.active_atom(a) {
                        let d = self.adj(v);
                        parts.extend(quote! { #rt::acc_opt(&mut #d, __parts[#k].take()); });
                    }
                }
                contribs.push(parts);
            }
            Rhs::Repeat { elem, .. } => {
                if let Some(v) = self.act.active_atom(elem) {
                    contribs.push(acc(&self.adj(v), quote! { #rt::sum_adj(#g) }));
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
                            (*r && !self.params.contains_key(v))
                                || (self.f.vars[*v].is_ref && !self.f.vars[*v].borrows_param)
                        }
                        Atom::Const(_) => false,
                    });
                if any_active && borrows_local {
                    let cpb = naming::fixed("__cpb");
                    // The forward sweep calls the companion too (its value may differ in type from
                    // the primal's, e.g. an owned row for `m.row(i)`) and drops the pullback.
                    let call = self.companion_call(callee, args, refs, *span);
                    let cv = naming::fixed("__cv");
                    pre.extend(quote! { let (#cv, _) = #call; });
                    value = quote! { #cv };
                    let mut argv = Vec::new();
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
                    let call = companion_call(callee, &argv, *span, naming::vjp_companion);
                    let gs = naming::fixed("__gs");
                    let mut body = quote! { let (_, #cpb) = #call; let #gs = #cpb(#g); };
                    for (k, a) in args.iter().enumerate() {
                        if let Some(v) = self.act.active_atom(a) {
                            let d = self.adj(v);
                            let i = syn::Index::from(k);
                            let at = spans.get(k).copied().unwrap_or(*span);
                            let mut arg = proc_macro2::Group::new(
                                proc_macro2::Delimiter::Parenthesis,
                                quote! { #gs.#i },
                            );
                            arg.set_span(at);
                            body.extend(quote_spanned! {at=> ::autodiff::__private::acc_slot(&mut #d, #arg); });
                        }
                    }
                    contribs.push(body);
                } else if any_active {
                    let call = self.companion_call(callee, args, refs, *span);
                    let (cv, cpb) = (naming::fixed("__cv"), naming::fixed("__cpb"));
                    pre.extend(quote! { let (#cv, #cpb) = #call; });
                    let (save, read) = self.save(quote! { #cpb }, place);
                    pre.extend(save);
                    value = quote! { #cv };
                    nread.set(nread.get() + 1);
                    let r = naming::fixed(&format!("__r{}", nread.get()));
                    reads.extend(quote! { let #r = #read; });
                    let gs = naming::fixed("__gs");
                    let mut body = quote! { let #gs = (#r)(#g); };
                    for (k, a) in args.iter().enumerate() {
                        if let Some(v) = self.act.active_atom(a) {
                            let d = self.adj(v);
                            let i = syn::Index::from(k);
                            // Spanned at the argument: a callee parameter without a gradient is reported there.
                            let at = spans.get(k).copied().unwrap_or(*span);
                            let gs = naming::fixed("__gs");
                            let arg = proc_macro2::Group::new(
                                proc_macro2::Delimiter::Parenthesis,
                                quote! { #gs.#i },
                            );
                            let mut arg = arg;
                            arg.set_span(at);
                            body.extend(quote_spanned! {at=> ::autodiff::__private::acc_slot(&mut #d, #arg); });
                        }
                    }
                    contribs.push(body);
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

    /// The primal expression of a right-hand side.
    pub fn primal(&self, rhs: &Rhs) -> TokenStream {
        primal(
            rhs,
            &|a| self.atom_fwd(a),
            &|v| self.ident(v).clone(),
            self.rt,
        )
    }

    /// A call of the callee's reverse-mode companion.
    fn companion_call(
        &self,
        callee: &Callee,
        args: &[Atom],
        refs: &[bool],
        span: proc_macro2::Span,
    ) -> TokenStream {
        let argv: Vec<TokenStream> = args
            .iter()
            .zip(refs)
            .map(|(a, r)| {
                let e = self.atom_fwd(a);
                if *r {
                    quote! { &#e }
                } else {
                    e
                }
            })
            .collect();
        companion_call(callee, &argv, span, naming::vjp_companion)
    }
}

/// A numeric literal (possibly negated): a scalar factor whatever the other operand's type.
fn is_literal(a: &Atom) -> bool {
    match a {
        Atom::Const(c) => syn::parse2::<syn::Expr>(c.clone()).is_ok_and(|e| match e {
            syn::Expr::Lit(l) => matches!(l.lit, syn::Lit::Float(_) | syn::Lit::Int(_)),
            syn::Expr::Unary(u) => matches!(*u.expr, syn::Expr::Lit(_)),
            _ => false,
        }),
        Atom::Var(_) => false,
    }
}

/// A call of a companion (`make` names it from the callee's name).
pub fn companion_call(
    callee: &Callee,
    argv: &[TokenStream],
    span: proc_macro2::Span,
    make: fn(&Ident) -> Ident,
) -> TokenStream {
    match callee {
        Callee::Path(p) => {
            let mut p = p.clone();
            let last = p.segments.last_mut().expect("a path has a segment");
            last.ident = make(&last.ident);
            last.ident.set_span(span);
            quote_spanned! {span=> #p(#(#argv),*) }
        }
        Callee::Method(name) => {
            let mut m = make(name);
            m.set_span(name.span());
            let recv = &argv[0];
            let rest = &argv[1..];
            quote_spanned! {span=> #recv.#m(#(#rest),*) }
        }
    }
}

/// The primal expression of a right-hand side, given how to spell atoms and variables.
pub fn primal(
    rhs: &Rhs,
    atom: &dyn Fn(&Atom) -> TokenStream,
    var: &dyn Fn(VarId) -> Ident,
    rt: &TokenStream,
) -> TokenStream {
    match rhs {
        Rhs::Copy(a) => atom(a),
        Rhs::Neg(a) => {
            let a = atom(a);
            quote! { -#a }
        }
        Rhs::Bin(op, a, b) => {
            let (a, b) = (atom(a), atom(b));
            match op {
                BinOp::Add => quote! { #a + #b },
                BinOp::Sub => quote! { #a - #b },
                BinOp::Mul => quote! { #a * #b },
                BinOp::Div => quote! { #a / #b },
                BinOp::Rem => quote! { #a % #b },
            }
        }
        Rhs::Method { name, args } => {
            let recv = atom(&args[0]);
            let rest = args[1..].iter().map(atom);
            quote! { #recv.#name(#(#rest),*) }
        }
        Rhs::Cast { x, ty } => {
            let x = atom(x);
            quote! { #x as #ty }
        }
        Rhs::Ref(a) => {
            let a = atom(a);
            quote! { &#a }
        }
        Rhs::Clone { x, method } => {
            let x = atom(x);
            quote! { #x.#method() }
        }
        Rhs::Index { base, idx, by_ref } => {
            let (b, i) = (var(*base), atom(idx));
            if *by_ref {
                quote! { &#b[#i] }
            } else {
                quote! { #b[#i] }
            }
        }
        Rhs::Field {
            base,
            member,
            by_ref,
        } => {
            let b = atom(base);
            if *by_ref {
                quote! { &#b.#member }
            } else {
                quote! { #b.#member }
            }
        }
        Rhs::Tuple(xs) => {
            let xs = xs.iter().map(atom);
            quote! { (#(#xs,)*) }
        }
        Rhs::Array(xs) => {
            let xs = xs.iter().map(atom);
            quote! { [#(#xs),*] }
        }
        Rhs::VecLit(xs) => {
            let xs = xs.iter().map(atom);
            quote! { ::std::vec![#(#xs),*] }
        }
        Rhs::Repeat { elem, len, vec } => {
            let e = atom(elem);
            if *vec {
                quote! { ::std::vec![#e; #len] }
            } else {
                quote! { [#e; #len] }
            }
        }
        Rhs::Sum { base, .. } => {
            let b = var(*base);
            quote! { #rt::sum_of(&#b[..]) }
        }
        Rhs::Call {
            callee,
            args,
            refs,
            span,
            ..
        } => {
            let argv: Vec<TokenStream> = args
                .iter()
                .zip(refs)
                .map(|(a, r)| {
                    let e = atom(a);
                    if *r {
                        quote! { &#e }
                    } else {
                        e
                    }
                })
                .collect();
            match callee {
                Callee::Path(p) => quote_spanned! {*span=> #p(#(#argv),*) },
                Callee::Method(name) => {
                    let recv = &argv[0];
                    let rest = &argv[1..];
                    quote_spanned! {*span=> #recv.#name(#(#rest),*) }
                }
            }
        }
        Rhs::Opaque(t) => t.clone(),
    }
}

/// How a block learns which of its statements ran.
#[derive(Clone)]
enum KMode {
    /// It needs no record.
    None,
    /// It pops the index of the statement it was left in.
    Pop,
    /// A loop body without `continue`: it pops on the loop's last trip (this expression is true
    /// then) and completed normally on every other trip.
    Last(TokenStream),
}
