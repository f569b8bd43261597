//! Buffers made afresh on every trip and moved over an outer one (runtime `spare.rs`).
//!
//! `for .. { let mut next = vec![0.0; n]; ..; u = next; }` allocates `next` and frees the
//! buffer `u` held on every trip. The forward sweep keeps the freed buffer in a spare slot
//! declared before the loop, `__spare{next}`, and makes the next trip's `vec!` in it: the
//! `let` becomes `rt::spare_filled(&mut spare, e, n)` (the values of `vec![e; n]`) and the
//! move `rt::spare_keep(&mut spare, mem::replace(&mut u, next))`. An empty `next`
//! (`Vec::with_capacity(n)`, `Vec::new()`, filled by pushes) becomes
//! `rt::spare_cleared(&mut spare, n)`: the kept buffer emptied, its capacity kept. A kept
//! buffer's capacity is all that can differ from what the user's code makes, so nothing is
//! kept in a function that asks for a capacity (`v.capacity()`).
//!
//! Only where nothing else can notice: both statements in one straight-line block of the trip
//! (the `let` first), `u` declared outside the loop with a value and never taken by value in
//! the function, and the forward sweep's assignment a plain move (no record of `u`'s old value
//! taken there; see `RevGen::spare_keep`). A rotation (`prev = u; u = next;`) keeps the buffer
//! `prev` held, the one dropped there.

use super::*;
use crate::naming::{mentions, unraw};

/// The fresh buffers of a loop trip and the assignment whose dropped buffer each keeps, as
/// `(next, u, w)` for `let next = vec![e; n]` and `u = w` (see the module docs); `trip` is the
/// block run once per full trip (`stay_arm`), `body` the loop's.
///
/// `w` is `next` or a variable moves pass `next`'s type on to (`prev = u; u = next;`: the
/// buffer `prev` held is dropped). `u` is declared outside the loop with a value, and the
/// function never takes it by value, before the loop or in it (so it holds a buffer at every
/// `mem::replace`).
pub(super) fn fresh_buffers(trip: &Block, body: &Block, f: &Func) -> Vec<(VarId, VarId, VarId)> {
    // a kept buffer's capacity is not the one `vec!`/`Vec::new()` gives: where the function
    // asks for one, nothing is kept
    if asks_capacity(f) {
        return Vec::new();
    }
    let mut inside = HashSet::new();
    lets_in(body, &mut inside);
    let mut unset = HashSet::new();
    lets_without_value(&f.body, &mut unset);
    let moves: Vec<(VarId, VarId)> = (trip.stmts.iter())
        .filter_map(|s| match s {
            Stmt::Assign {
                var,
                rhs: Rhs::Copy(Atom::Var(w)),
            } => Some((*var, *w)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for s in &trip.stmts {
        let Stmt::Let {
            var: next,
            init: Some(init),
            ..
        } = s
        else {
            continue;
        };
        if !is_fresh(init) {
            continue;
        }
        // the variables of `next`'s type through the trip's moves
        let mut class = vec![*next];
        while let Some((a, b)) =
            (moves.iter()).find(|(a, b)| class.contains(a) != class.contains(b))
        {
            class.push(if class.contains(a) { *b } else { *a });
        }
        let keeper = moves.iter().find(|(u, w)| {
            class.contains(u)
                && class.contains(w)
                && u != next
                && !inside.contains(u)
                && !unset.contains(u)
                && !taken_by_value(&f.body, *u, f)
        });
        if let Some((u, w)) = keeper {
            out.push((*next, *u, *w));
        }
    }
    out
}

/// `vec![e; n]`, `Vec::new()`, `Vec::with_capacity(n)` or `vec![]`: a buffer made afresh.
fn is_fresh(init: &Rhs) -> bool {
    match init {
        Rhs::Repeat { vec, .. } => *vec,
        Rhs::Call { callee, args, .. } => callee.is_empty_vec() && args.len() <= 1,
        Rhs::VecLit(xs) => xs.is_empty(),
        _ => false,
    }
}

/// Whether any code of `f` calls a method named `capacity` (or names it otherwise).
fn asks_capacity(f: &Func) -> bool {
    let capacity = naming::fixed("capacity");
    let tokens = |t: &TokenStream| mentions(t, &capacity);
    let rhs = |r: &Rhs| match r {
        Rhs::Opaque(t) | Rhs::Repeat { len: t, .. } => tokens(t),
        Rhs::Method { name, .. }
        | Rhs::Call {
            callee: Callee::Method(name),
            ..
        } => name == "capacity",
        Rhs::Call {
            callee: Callee::Path(p),
            ..
        } => p.segments.iter().any(|s| s.ident == "capacity"),
        _ => false,
    };
    any_stmt(&f.body, &mut |s| match s {
        Stmt::Let { init: Some(r), .. } | Stmt::Assign { rhs: r, .. } => rhs(r),
        Stmt::Effect(t) => tokens(t),
        Stmt::InPlace { original, .. } => tokens(original),
        Stmt::Branch { kind, .. } => match kind {
            BranchKind::If { cond, .. } => tokens(cond),
            BranchKind::Match { scrutinee, heads } => tokens(scrutinee) || heads.iter().any(tokens),
        },
        _ => false,
    })
}

/// Whether `body` may take `v` by value (a move, a call or method argument, code passed
/// through as written that names it); reads by index, `len`, `iter` and clones borrow.
fn taken_by_value(body: &Block, v: VarId, f: &Func) -> bool {
    let name = &unraw(&f.vars[v].ident);
    let is_v = |a: &Atom| matches!(a, Atom::Var(x) if *x == v);
    let by_value = |rhs: &Rhs| match rhs {
        Rhs::Index { idx, .. } => is_v(idx),
        Rhs::Sum { .. } | Rhs::Ref(_) | Rhs::Clone { .. } => false,
        Rhs::Method { name: m, args } if args.first().is_some_and(is_v) => {
            !matches!(m.to_string().as_str(), "len" | "is_empty" | "iter")
                || args[1..].iter().any(is_v)
        }
        Rhs::Opaque(ts) => named_by_value(ts, name),
        Rhs::Method { args, .. } | Rhs::Call { args, .. } => args.iter().any(is_v),
        _ => rhs.diff_operands().contains(&v),
    };
    any_stmt(body, &mut |s| match s {
        Stmt::Let {
            init: Some(rhs), ..
        }
        | Stmt::Assign { rhs, .. } => by_value(rhs),
        Stmt::IndexWrite { val, idx, .. } | Stmt::Push { val, len: idx, .. } => {
            is_v(val) || is_v(idx)
        }
        // (the compiler's checks never run: `loop { break; .. }`)
        Stmt::Effect(ts) => !crate::ir::is_check(ts) && named_by_value(ts, name),
        Stmt::Branch { kind, .. } => match kind {
            BranchKind::If { cond, .. } => named_by_value(cond, name),
            BranchKind::Match { scrutinee, heads } => {
                named_by_value(scrutinee, name) || heads.iter().any(|h| named_by_value(h, name))
            }
        },
        _ => false,
    })
}

/// Whether code passed through as written may take `name` by value: any mention but `&name`,
/// `name[..]` and `name.len()` / `.is_empty()` / `.iter()`. A method call decides whatever
/// comes before the name (`&u.into_iter()` takes `u`).
fn named_by_value(ts: &TokenStream, name: &str) -> bool {
    use proc_macro2::{Delimiter, TokenTree as T};
    let tts: Vec<T> = ts.clone().into_iter().collect();
    tts.iter().enumerate().any(|(k, t)| match t {
        T::Group(g) => named_by_value(&g.stream(), name),
        T::Ident(i) if unraw(i) == name => {
            let dot = matches!(tts.get(k + 1), Some(T::Punct(p)) if p.as_char() == '.');
            if dot {
                return !matches!(tts.get(k + 2), Some(T::Ident(m)) if m == "len" || m == "is_empty" || m == "iter");
            }
            let after_ref = k > 0 && matches!(&tts[k - 1], T::Punct(p) if p.as_char() == '&');
            let indexed =
                matches!(tts.get(k + 1), Some(T::Group(g)) if g.delimiter() == Delimiter::Bracket);
            !(after_ref || indexed)
        }
        _ => false,
    })
}

/// Whether `p` holds for a statement of `b`, at any depth.
pub(super) fn any_stmt(b: &Block, p: &mut impl FnMut(&Stmt) -> bool) -> bool {
    b.stmts.iter().any(|s| {
        p(s) || match s {
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => any_stmt(b, p),
            Stmt::Branch { arms, .. } => arms.iter().any(|a| any_stmt(a, p)),
            _ => false,
        }
    })
}

/// The spare slots' declarations, before the loop: `let mut __spare{next} = None;`.
pub(super) fn declarations(made: impl Iterator<Item = VarId>) -> TokenStream {
    made.map(|next| {
        let s = spare_name(next);
        quote! { let mut #s = ::core::option::Option::None; }
    })
    .collect()
}

impl RevGen<'_> {
    /// The forward value of `let next = vec![e; n]` made in its spare slot, when `next` is a
    /// fresh buffer of a loop being emitted: `rt::spare_filled(&mut spare, e, n)`; of
    /// `let next = Vec::with_capacity(n)` (or `Vec::new()`), `rt::spare_cleared(&mut spare, n)`.
    pub(super) fn spare_filled(&mut self, next: VarId, rhs: &Rhs) -> Option<TokenStream> {
        if !is_fresh(rhs) {
            return None;
        }
        self.spares.get(&next)?;
        let (rt, sp) = (self.rt, spare_name(next));
        self.spares_made.push(next);
        Some(match rhs {
            Rhs::Repeat { elem, len, .. } => {
                let e = self.atom_fwd(elem);
                quote! { #rt::spare_filled(&mut #sp, #e, #len) }
            }
            // `Vec::with_capacity(n)` / `Vec::new()` / `vec![]`: emptied, with room for `n`
            Rhs::Call { args, .. } | Rhs::VecLit(args) => {
                let cap = match args.first() {
                    Some(a) => self.atom_fwd(a),
                    None => quote! { 0usize },
                };
                quote! { #rt::spare_cleared(&mut #sp, #cap) }
            }
            _ => unreachable!("checked by is_fresh"),
        })
    }

    /// The forward assignment `u = w` keeping `u`'s buffer in the spare slot of the fresh
    /// buffer `next` it is paired with (see [`fresh_buffers`]), when `next`'s `vec!` was made there and nothing the forward sweep does here (`pre`, the
    /// saves before the assignment) names `u`: a record of `u`'s old value would take it.
    pub(super) fn spare_keep(
        &self,
        u: VarId,
        rhs: &Rhs,
        pre: &TokenStream,
        value: &TokenStream,
    ) -> Option<TokenStream> {
        let Rhs::Copy(Atom::Var(w)) = rhs else {
            return None;
        };
        let (next, _) = (self.spares.iter()).find(|(_, keep)| **keep == (u, *w))?;
        if !self.spares_made.contains(next) {
            return None;
        }
        let (next, id) = (*next, self.ident(u));
        if mentions(pre, id) {
            return None;
        }
        let (rt, sp) = (self.rt, spare_name(next));
        Some(quote! { #rt::spare_keep(&mut #sp, ::core::mem::replace(&mut #id, #value)); })
    }
}

/// Every variable a `let` without a value declares anywhere in `b` (`let u;`).
fn lets_without_value(b: &Block, out: &mut HashSet<VarId>) {
    any_stmt(b, &mut |s| {
        if let Stmt::Let {
            var, init: None, ..
        } = s
        {
            out.insert(*var);
        }
        false
    });
}

/// Every variable a `let` (or a pattern) declares anywhere in `b`.
fn lets_in(b: &Block, out: &mut HashSet<VarId>) {
    any_stmt(b, &mut |s| {
        match s {
            Stmt::Let { var, .. } => {
                out.insert(*var);
            }
            Stmt::Bound(vs) => out.extend(vs.iter().copied()),
            _ => {}
        }
        false
    });
}

/// The spare slot of the fresh buffer `next`.
pub(super) fn spare_name(next: VarId) -> Ident {
    naming::fixed(&format!("__spare{next}"))
}
