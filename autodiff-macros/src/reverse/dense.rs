//! Dense adjoints for local `Vec`s (`#rt::dense_*`, `autodiff-runtime/src/densevec.rs`).
//!
//! A local made by `vec![x; n]`, `vec![a, b, ..]`, `x.to_vec()`, `Vec::new()` or
//! `Vec::with_capacity(n)` (or moved or cloned whole from another such local, as `u = next` and
//! the three moves of `std::mem::swap(&mut u, &mut v)` do) whose every other use is an element
//! read `v[i]`, an element write `v[i] = y` (or, on rows, `v[i][j]` and `v[i][j] = y`, one access
//! at `At2(i, j)`) or a push `v.push(y)` only grows at its end: an element's adjoint is an entry
//! of one buffer from the element's first write to the end of the local's life (a push writes
//! element `len`, whose entry nothing has added to yet). Its adjoint slot is a plain `Vec` of
//! element adjoints, declared once for the whole reverse sweep: reads add into it and writes
//! take out of it without an `Option` test, a whole move swaps the buffers, and the reverse of
//! the `let` that made it clears it without freeing it, so a fresh `Vec` per time step reuses
//! the same buffers.
//! A shared borrow passed to a function of the user's (`f(&v)`) is covered too: the callee
//! cannot change the length, and its cotangent for `v` is added into the buffer element by
//! element. Any other use (a `truncate`, a method call, a by-value argument, a borrow
//! into a variable, a field, a sum, a branch condition, a loop's iterator, being returned) keeps
//! the general `Option` path.

use super::*;

/// How a whole `Vec` is made or moved into a dense local.
enum Make {
    /// `vec![e; n]`, `vec![a, b]`: a value of its own.
    New,
    /// `w`, `w.clone()`, `w.to_vec()` of another local or parameter `w`.
    From(VarId),
    /// `x.to_vec()` of a constant.
    Const,
    /// `Vec::new()`, `Vec::with_capacity(n)`: empty, grown by `push`.
    Empty,
}

fn make_of(rhs: &Rhs) -> Option<Make> {
    match rhs {
        Rhs::Repeat { vec: true, .. } | Rhs::VecLit(_) => Some(Make::New),
        Rhs::Copy(Atom::Var(w)) => Some(Make::From(*w)),
        Rhs::Clone { x, method } if method == "to_vec" || method == "clone" => match x {
            Atom::Var(w) => Some(Make::From(*w)),
            Atom::Const(_) if method == "to_vec" => Some(Make::Const),
            Atom::Const(_) => None,
        },
        Rhs::Call { callee, .. } if callee.is_empty_vec() => Some(Make::Empty),
        _ => None,
    }
}

/// What the walk finds: the candidates, those with a use the dense path does not cover, and the
/// pairs that must both be dense (a whole move or clone between them: `w` is a `Vec` only when it
/// is dense itself).
struct Uses<'a> {
    cands: HashSet<VarId>,
    bad: HashSet<VarId>,
    /// Parameters whose type is a slice, array or `Vec` (or a reference to one): their `.clone()`
    /// is a `Vec` (or a slice or array) too.
    vec_params: HashSet<VarId>,
    links: Vec<(VarId, VarId)>,
    /// Locals and parameters whose elements are known floats (`plain::known_floats`).
    float_elems: &'a HashSet<VarId>,
    /// `(v, w)` for `v = w.to_vec()` (and `v = w.clone()` of a `Vec` parameter `w`, never
    /// dense itself): `v` may be dense alone (its reverse adds into `w`'s
    /// `Option` slot), but `w` is dense only when `v` is (the reverse of a `Vec` that is not
    /// dense adds into an `Option` slot, which a dense `w` does not have).
    copies: Vec<(VarId, VarId)>,
}

impl Uses<'_> {
    fn atom(&mut self, a: &Atom) {
        if let Atom::Var(v) = a {
            self.bad.insert(*v);
        }
    }

    /// Every variable `rhs` names is a use the dense path does not cover, except the base of an
    /// element read (`base[idx]`, `idx` an element's or a row element's `At2(i, j)`: the
    /// runtime's `DenseIndex` takes both).
    fn rhs(&mut self, rhs: &Rhs) {
        match rhs {
            Rhs::Index {
                idx, by_ref: false, ..
            } => self.atom(idx),
            // `x = &v[i]` of float elements (`for x in v.iter()` lowers to it): `dv[i] += dx`
            // at its reverse, as for a read by value; while `x` lives the borrow keeps `v`
            // unchanged.
            Rhs::Index {
                base,
                idx,
                by_ref: true,
            } if self.float_elems.contains(base) => self.atom(idx),
            // `f(&v)`: the callee only reads `v` (a shared borrow keeps its length), and its
            // cotangent for `v` is a `Vec` of element adjoints added into the buffer
            // (`rt::dense_add_slot`). Methods and the runtime's own functions keep the general
            // path (their receivers and cotangents need not be `Vec`s).
            Rhs::Call {
                callee: callee @ Callee::Path(_),
                args,
                refs,
                ..
            } if !naming::is_runtime_builtin(callee) => {
                for (a, by_ref) in args.iter().zip(refs) {
                    if !by_ref {
                        self.atom(a);
                    }
                }
            }
            other => {
                for v in other.diff_operands() {
                    self.bad.insert(v);
                }
                if let Rhs::Index { idx, .. } | Rhs::Sum { len: idx, .. } = other {
                    self.atom(idx);
                }
                if let Rhs::Method { args, .. } = other {
                    args.iter().for_each(|a| self.atom(a));
                }
            }
        }
    }

    /// `var = rhs` (a `let` or an assignment).
    fn def(&mut self, var: VarId, rhs: &Rhs) {
        if !self.cands.contains(&var) {
            self.rhs(rhs);
            return;
        }
        match make_of(rhs) {
            // `x.to_vec()` is a `Vec` whatever `x` is: dense when `x` is, added into `x`'s
            // `Option` slot otherwise.
            Some(Make::From(w))
                if matches!(rhs, Rhs::Clone { method, .. } if method == "to_vec")
                    || (self.vec_params.contains(&w) && matches!(rhs, Rhs::Clone { .. })) =>
            {
                self.copies.push((var, w))
            }
            Some(Make::From(w)) => self.links.push((var, w)),
            Some(Make::New | Make::Const | Make::Empty) => self.rhs(rhs),
            None => {
                self.bad.insert(var);
                self.rhs(rhs);
            }
        }
    }

    fn block(&mut self, b: &Block) {
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    var, init: Some(r), ..
                }
                | Stmt::Assign { var, rhs: r } => self.def(*var, r),
                Stmt::Let { var, .. } => {
                    self.bad.insert(*var);
                }
                Stmt::IndexWrite { idx, val, .. } => {
                    self.atom(idx);
                    self.atom(val);
                }
                // `v.push(y)` writes element `len` (the length before it), which no element
                // adjoint holds yet: its reverse takes `dv[len]` as a write's does.
                Stmt::Push { base, val, len } => {
                    if !self.cands.contains(base) {
                        self.bad.insert(*base);
                    }
                    self.atom(val);
                    self.atom(len);
                }
                Stmt::Truncate { base, len } => {
                    self.bad.insert(*base);
                    self.atom(len);
                }
                Stmt::InPlace { bases, body, .. } => {
                    self.bad.extend(bases.iter().copied());
                    self.block(body);
                }
                Stmt::Bound(vars) => self.bad.extend(vars.iter().copied()),
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.block(b),
                Stmt::Branch { kind, arms, .. } => {
                    if let BranchKind::If {
                        vars: Some(vars), ..
                    } = kind
                    {
                        self.bad.extend(vars.iter().copied());
                    }
                    arms.iter().for_each(|a| self.block(a));
                }
                Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => {}
            }
        }
    }
}

fn collect_cands(b: &Block, f: &Func, act: &Activity, out: &mut HashSet<VarId>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                var, init: Some(r), ..
            } if act.active(*var)
                && !f.vars[*var].is_ref
                && *var != f.ret
                && make_of(r).is_some() =>
            {
                out.insert(*var);
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => collect_cands(b, f, act, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect_cands(a, f, act, out)),
            _ => {}
        }
    }
}

/// Whether a parameter's adjoint slot type (`Option<<T as Differentiable>::Adjoint>`) is that of
/// a slice, array or `Vec` `T` (behind references): `&[f64]`, `&Vec<T>`, `[f64; 3]`, `Vec<f64>`.
fn is_vec_like(adj_ty: &TokenStream) -> bool {
    container_of(adj_ty).is_some()
}

/// A slice, array or `Vec` behind a parameter's adjoint slot type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// `[T]`, whose adjoint is a `Vec`.
    Slice,
    /// `[T; N]`, whose adjoint is an array.
    Array,
    /// `Vec<T>`.
    Vec,
}

/// Which container `T` is (behind references and lifetimes) in a parameter's adjoint slot
/// type `Option<<T as Differentiable>::Adjoint>`, if any.
pub(super) fn container_of(adj_ty: &TokenStream) -> Option<Container> {
    let s = adj_ty.to_string();
    let t = s
        .split_once("Option < < ")
        .and_then(|(_, rest)| rest.split_once(" as "))
        .map(|(t, _)| t)?;
    let mut t = t.trim();
    loop {
        let before = t;
        t = t.trim_start_matches("& ").trim_start_matches("mut ");
        if t.starts_with('\'') {
            t = t.split_once(' ').map_or("", |(_, rest)| rest);
        }
        if t == before {
            break;
        }
    }
    if t.starts_with('[') {
        // `[T; N]` has a `;` at the top level of its brackets (`[[f64; 3]]` is a slice)
        let inner = &t[1..t.rfind(']').unwrap_or(t.len())];
        let mut depth = 0usize;
        let array = inner.chars().any(|c| match c {
            '[' | '<' | '(' => {
                depth += 1;
                false
            }
            ']' | '>' | ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            ';' => depth == 0,
            _ => false,
        });
        return Some(if array {
            Container::Array
        } else {
            Container::Slice
        });
    }
    (t.starts_with("Vec <") || t.starts_with(":: std :: vec :: Vec <")).then_some(Container::Vec)
}

/// The local `Vec`s whose adjoint is a dense buffer (see the module documentation).
pub(super) fn dense_locals(
    f: &Func,
    act: &Activity,
    params: &HashMap<VarId, ParamRead>,
    float_elems: &HashSet<VarId>,
) -> HashSet<VarId> {
    let mut u = Uses {
        vec_params: params
            .iter()
            .filter(|(_, p)| p.adj_ty.as_ref().is_some_and(is_vec_like))
            .map(|(v, _)| *v)
            .collect(),
        float_elems,
        cands: HashSet::new(),
        bad: HashSet::new(),
        links: Vec::new(),
        copies: Vec::new(),
    };
    collect_cands(&f.body, f, act, &mut u.cands);
    if u.cands.is_empty() {
        return HashSet::new();
    }
    u.block(&f.body);
    u.bad.insert(f.ret);
    for (vars, _) in &f.iter_uses {
        u.bad.extend(vars.iter().copied());
    }
    let mut dense: HashSet<VarId> = u.cands.difference(&u.bad).copied().collect();
    // A whole move between two locals keeps both dense or neither; a copy that is not dense
    // keeps its source from being dense.
    loop {
        let before = dense.len();
        for &(a, b) in &u.links {
            if !(dense.contains(&a) && dense.contains(&b)) {
                dense.remove(&a);
                dense.remove(&b);
            }
        }
        for &(v, w) in &u.copies {
            if !dense.contains(&v) {
                dense.remove(&w);
            }
        }
        if dense.len() == before {
            break;
        }
    }
    dense
}

impl RevGen<'_> {
    /// `target = rhs` for a dense local `target`: (forward before, value, forward after, reverse).
    pub(super) fn dense_def(
        &mut self,
        target: VarId,
        rhs: &Rhs,
    ) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let rt = self.rt.clone();
        let d = self.adj(target);
        let rev = match (make_of(rhs), rhs) {
            // v = vec![e; n] => de += Σ dv, dv = 0
            (_, Rhs::Repeat { elem, .. }) => match self.act.active_atom(elem) {
                Some(e) => {
                    let de = self.adj(e);
                    let accf = self.slot_fn(&de, "acc_opt");
                    quote! { #accf(&mut #de, #rt::dense_repeat(&mut #d)); }
                }
                None => quote! { #rt::dense_clear(&mut #d); },
            },
            // v = vec![a, b, ..] => da += dv[0], db += dv[1], .., dv = 0
            (_, Rhs::VecLit(xs)) => {
                let mut r = TokenStream::new();
                for (k, a) in xs.iter().enumerate() {
                    if let Some(v) = self.act.active_atom(a) {
                        let dv = self.adj(v);
                        let accf = self.slot_fn(&dv, "acc_opt");
                        r.extend(quote! { #accf(&mut #dv, #rt::dense_take(&mut #d, #k)); });
                    }
                }
                r.extend(quote! { #rt::dense_clear(&mut #d); });
                r
            }
            // v = w (moved, cloned or copied whole) => dw += dv, dv = 0
            (Some(Make::From(w)), _) if w == target => quote! {},
            (Some(Make::From(w)), _) if self.dense.contains(&w) => {
                let dw = self.adj(w);
                quote! { #rt::dense_move(&mut #dw, &mut #d); }
            }
            (Some(Make::From(w)), _) if self.act.active(w) => {
                let dw = self.adj(w);
                quote! { #rt::dense_into(&mut #dw, &mut #d); }
            }
            _ => quote! { #rt::dense_clear(&mut #d); },
        };
        (quote! {}, self.primal(rhs), quote! {}, rev)
    }
}

/// The dense locals `b` reads by element into an active value (`y = v[i]`, whose reverse adds
/// into `v`'s buffer) and never makes whole: no `let`, assignment, binding or in-place operation
/// of them inside `b`, so their length is the same on every trip of a loop whose body is `b` (a
/// dense local keeps its length while it lives).
///
/// A push at the loop index `i` (`lower/push_index.rs`) does not count as making its local: the
/// local has one element more after each trip, but no trip reads past the element it pushes,
/// so its buffer can be fitted to the loop's trip count. Those locals are in the second list.
fn read_not_made(
    b: &Block,
    dense: &HashSet<VarId>,
    act: &Activity,
    i: Option<VarId>,
) -> (Vec<VarId>, Vec<VarId>) {
    struct Walk<'a> {
        act: &'a Activity,
        i: Option<VarId>,
        read: Vec<VarId>,
        made: HashSet<VarId>,
        pushed: HashSet<VarId>,
    }
    fn walk(b: &Block, w: &mut Walk) {
        let act = w.act;
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    var,
                    init: Some(rhs),
                    ..
                }
                | Stmt::Assign { var, rhs } => {
                    w.made.insert(*var);
                    if let (Rhs::Index { base, .. }, true) = (rhs, act.active(*var)) {
                        w.read.push(*base);
                    }
                }
                Stmt::Let { var, .. } => {
                    w.made.insert(*var);
                }
                // A push changes the length: the buffer cannot be fitted before the loop,
                // except to the trip count when it pushes element `i` on trip `i`.
                Stmt::Push { base, len, .. } => {
                    if w.i.is_some() && matches!(len, Atom::Var(l) if Some(*l) == w.i) {
                        w.pushed.insert(*base);
                    } else {
                        w.made.insert(*base);
                    }
                }
                Stmt::InPlace { bases, body, .. } => {
                    w.made.extend(bases.iter().copied());
                    walk(body, w);
                }
                Stmt::Bound(vars) => w.made.extend(vars.iter().copied()),
                Stmt::Scope(b) | Stmt::Loop { body: b, .. } => walk(b, w),
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| walk(a, w)),
                Stmt::IndexWrite { .. }
                | Stmt::Truncate { .. }
                | Stmt::Effect(_)
                | Stmt::Break { .. }
                | Stmt::Continue { .. }
                | Stmt::Return => {}
            }
        }
    }
    let mut w = Walk {
        act,
        i,
        read: Vec::new(),
        made: HashSet::new(),
        pushed: HashSet::new(),
    };
    walk(b, &mut w);
    let (mut fit, mut by_trips): (Vec<VarId>, Vec<VarId>) = (Vec::new(), Vec::new());
    for v in w.read {
        if !dense.contains(&v) || w.made.contains(&v) || fit.contains(&v) || by_trips.contains(&v) {
            continue;
        }
        if w.pushed.contains(&v) {
            by_trips.push(v);
        } else {
            fit.push(v);
        }
    }
    (fit, by_trips)
}

impl RevGen<'_> {
    /// Before a loop's body is emitted: the dense locals it reads and never makes whole, not
    /// already fitted by an enclosing loop. Their reads in the body add with
    /// `#rt::dense_add_in` (no growth path) once [`fit_exit`](Self::fit_exit)'s code has fitted
    /// their buffers before the loop's reverse sweep. Second: those of them the loop pushes at
    /// its index `i` (fitted to the trip count, see `read_not_made`).
    pub(super) fn fit_enter(&mut self, body: &Block, i: Option<VarId>) -> (Vec<VarId>, Vec<VarId>) {
        let (mut fit, mut by_trips) = read_not_made(body, &self.dense, self.act, i);
        fit.retain(|v| !self.fitted.contains(v));
        by_trips.retain(|v| !self.fitted.contains(v));
        self.fitted.extend(fit.iter().chain(&by_trips).copied());
        (fit, by_trips)
    }

    /// The reverse code fitting the buffers of locals pushed at the loop index to the number
    /// `n` of trips that ran the body (the elements any trip reads: trip `i` reads at most
    /// element `i`, the one it pushes). The loop releases them from the fitted set when its
    /// body is emitted, as it does those of [`fit_exit`](Self::fit_exit).
    pub(super) fn fit_trips(&self, by_trips: &[VarId], n: &TokenStream) -> TokenStream {
        let rt = self.rt;
        let ds: Vec<Ident> = by_trips.iter().map(|v| self.adj(*v)).collect();
        quote! { #(#rt::dense_fit(&mut #ds, #n);)* }
    }

    /// After the body: (forward code saving each local's length before the loop, reverse code
    /// fitting its adjoint buffer to that length before the loop's reverse sweep).
    pub(super) fn fit_exit(
        &mut self,
        fit: &[VarId],
        place: Place,
        emit: bool,
    ) -> (TokenStream, TokenStream) {
        self.fitted.retain(|v| !fit.contains(v));
        let (mut save, mut load) = (TokenStream::new(), TokenStream::new());
        if !emit {
            return (save, load);
        }
        let rt = self.rt.clone();
        for &v in fit {
            let (i, d) = (self.ident(v), self.adj(v));
            let (s, read) = self.save(quote! { #i.len() }, place);
            save.extend(s);
            load.extend(quote! { #rt::dense_fit(&mut #d, *#read); });
        }
        (save, load)
    }
}

#[cfg(test)]
mod container_tests {
    use super::{Container, container_of};
    use quote::quote;

    #[test]
    fn containers_behind_references_and_lifetimes() {
        let of = |t: proc_macro2::TokenStream| {
            container_of(
                &quote! { Option< <#t as ::autodiff::__private::Differentiable>::Adjoint> },
            )
        };
        assert!(of(quote! { &'a [f64] }) == Some(Container::Slice));
        assert!(of(quote! { &mut [[f64; 3]] }) == Some(Container::Slice));
        assert!(of(quote! { & &'a [f64; 4] }) == Some(Container::Array));
        assert!(of(quote! { [Vec<f64>; 2] }) == Some(Container::Array));
        assert!(of(quote! { &Vec<f64> }) == Some(Container::Vec));
        assert!(of(quote! { ::std::vec::Vec<T> }) == Some(Container::Vec));
        assert!(of(quote! { &DMatrix<f64> }).is_none());
        assert!(of(quote! { f64 }).is_none());
    }
}
