//! Pushes at the loop index: in
//!
//! ```text
//! let mut v = Vec::new();
//! for i in 0..n {
//!     ..
//!     v.push(x);
//!     ..
//! }
//! ```
//!
//! the push writes element `i`: `v` is empty when the loop starts, and every trip before this
//! one pushed exactly once. So the length before the push (`Stmt::Push::len`, which the
//! reverse sweep reads to take the element's adjoint out: `y.push(x) => dx += dy[len]`) is the
//! loop variable, which the reverse sweep rebuilds from the trip number, instead of a length
//! read in the forward sweep and recorded on every trip. The reverse sweep's read `v[i]` in the
//! same trip then names the same element as the push's pullback, and the compiler keeps that
//! element's adjoint in a register between the two (the scan `v.push(prev * a[i] + b[i]);
//! prev = v[i];`).
//!
//! Sound only when the count is exact, so everything is checked on the IR:
//! * `v` is made empty (`Vec::new()`, `Vec::with_capacity(n)`, `vec![]`) in the block that holds the
//!   loop, and nothing names it between the two;
//! * the loop is `for i in 0..e` (a literal `0`, one step per trip, `i` never assigned nor
//!   shadowed in the trip: `let i = i / 2;` would take the reads of `i` by name) or a
//!   container loop without adapters (`for x in v.iter()`, `.zip(..)`, `.enumerate()`, whose
//!   index counts trips from 0), and no `continue` targets it (a trip that skips the push
//!   would leave `len` behind `i`; a `break` or `return` ends the loop and is fine);
//! * the trip pushes to `v` exactly once, as one of the statements every full trip runs once
//!   (its own, or those of a plain block `{ .. }` among them; not inside a branch or a nested
//!   loop), and otherwise names `v` only to read or write its elements or to count them
//!   (`v[j]`, `v[j] = y`, `v.len()`, `v.is_empty()`).

use proc_macro2::{TokenStream, TokenTree};

use crate::ir::*;

/// Rewrites every push that writes element `i` of its loop (see the module documentation) to
/// take `i` as its length, dropping the length read it had.
pub(super) fn pushes_at_index(func: &mut Func) {
    let Func {
        vars, loops, body, ..
    } = func;
    block(body, vars, loops);
}

fn block(b: &mut Block, vars: &[Var], loops: &[LoopInfo]) {
    // empty `Vec`s made in this block and named by nothing since
    let mut fresh: Vec<VarId> = Vec::new();
    for s in &mut b.stmts {
        match s {
            Stmt::Scope(inner)
            | Stmt::Loop { body: inner, .. }
            | Stmt::InPlace { body: inner, .. } => block(inner, vars, loops),
            Stmt::Branch { arms, .. } => arms.iter_mut().for_each(|a| block(a, vars, loops)),
            _ => {}
        }
        if let Stmt::Loop { id, body } = s {
            for &v in &fresh {
                rewrite_loop(*id, &loops[*id], body, v, vars);
            }
        }
        fresh.retain(|&v| !touches(s, v, &name(vars, v)));
        if let Stmt::Let {
            var,
            init: Some(init),
            ..
        } = s
        {
            let empty = match init {
                Rhs::Call { callee, args, .. } => callee.is_empty_vec() && args.len() <= 1,
                Rhs::VecLit(xs) => xs.is_empty(),
                _ => false,
            };
            if empty {
                fresh.push(*var);
            }
        }
    }
}

/// `v`'s name as the user's tokens spell it.
fn name(vars: &[Var], v: VarId) -> String {
    use syn::ext::IdentExt;
    vars[v].ident.unraw().to_string()
}

/// Where a full trip of a loop starts in its body (see [`trip`]).
enum TripAt {
    /// The `Some` arm of a range loop's only statement.
    Arm,
    /// The statements after a container loop's exit test.
    AfterExit,
}

fn trip_at(body: &Block, id: LoopId) -> Option<TripAt> {
    match body.stmts.as_slice() {
        [
            Stmt::Branch {
                kind: BranchKind::Match { .. },
                arms,
                ..
            },
        ] if !arms.is_empty() => Some(TripAt::Arm),
        [
            Stmt::Branch {
                kind: BranchKind::If { .. },
                arms,
                ..
            },
            ..,
        ] if is_exit(arms, id) => Some(TripAt::AfterExit),
        _ => None,
    }
}

/// The statements a full trip of loop `id` (body `body`) runs once each: the `Some` arm of a
/// range loop (`match it.next() { Some(i) => trip, None => break }`), or what follows a
/// container loop's exit test (`if k >= n { break } let i = k; k += 1; ..`).
pub(crate) fn trip(body: &Block, id: LoopId) -> Option<&[Stmt]> {
    Some(match (trip_at(body, id)?, body.stmts.as_slice()) {
        (TripAt::Arm, [Stmt::Branch { arms, .. }]) => arms[0].stmts.as_slice(),
        (_, stmts) => &stmts[1..],
    })
}

/// [`trip`], to change.
fn trip_mut(body: &mut Block, id: LoopId) -> Option<&mut [Stmt]> {
    Some(match (trip_at(body, id)?, body.stmts.as_mut_slice()) {
        (TripAt::Arm, [Stmt::Branch { arms, .. }]) => arms[0].stmts.as_mut_slice(),
        (_, stmts) => &mut stmts[1..],
    })
}

/// `if .. { break } else { }`, leaving loop `id`.
fn is_exit(arms: &[Block], id: LoopId) -> bool {
    matches!(arms, [a, b] if b.stmts.is_empty()
        && matches!(a.stmts.as_slice(), [Stmt::Break { target }] if *target == id))
}

/// Rewrites the push to `v` of loop `info` (body `body`) when it writes element `i`.
fn rewrite_loop(id: LoopId, info: &LoopInfo, body: &mut Block, v: VarId, vars: &[Var]) {
    let Some((i, start)) = &info.affine else {
        return;
    };
    // `for i in 0..e`, or a container loop (its index starts at 0: no start expression)
    let zero = info.zero_start || (start.is_none() && info.trips_before.is_some());
    if !zero || !info.unit_step || info.has_continue || vars[*i].reassigned {
        return;
    }
    if shadows(body, *i, vars) {
        return;
    }
    let Some(trip) = trip_mut(body, id) else {
        return;
    };
    let name = name(vars, v);
    let mut push = None;
    if !find_push(trip, v, &name, &mut Vec::new(), &mut push) {
        return;
    }
    let Some((path, read)) = push else { return };
    // the block holding the push (the trip, or a block the trip runs once)
    let mut stmts: &mut [Stmt] = trip;
    let (last, outer) = path.split_last().expect("a push's position");
    for k in outer {
        let Stmt::Scope(b) = &mut stmts[*k] else {
            unreachable!("find_push descends into scopes only")
        };
        stmts = b.stmts.as_mut_slice();
    }
    if let Stmt::Push { len, .. } = &mut stmts[*last] {
        *len = Atom::Var(*i);
    }
    // the length read made for this push names nothing else (a fresh temporary): left as a
    // `let` of the unused length it reads
    for s in stmts.iter_mut() {
        if matches!(s, Stmt::Let { var, .. } if *var == read) {
            *s = Stmt::Bound(Vec::new());
        }
    }
}

/// Whether `body` binds another variable by the name of the loop variable `i` (`let i = i / 2;`):
/// code reading `i` by name after it (a saved length) would read that one.
fn shadows(body: &Block, i: VarId, vars: &[Var]) -> bool {
    let name = name(vars, i);
    let other = |v: &VarId| *v != i && self::name(vars, *v) == name;
    body.stmts.iter().any(|s| match s {
        Stmt::Let { var, .. } => other(var),
        Stmt::Bound(vs) => vs.iter().any(other),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => shadows(b, i, vars),
        Stmt::Branch { arms, .. } => arms.iter().any(|a| shadows(a, i, vars)),
        Stmt::InPlace { body: b, .. } => shadows(b, i, vars),
        _ => false,
    })
}

/// Looks for the one push to `v` that `stmts` (run once each per trip) make, in them or in the
/// blocks they run once (`{ .. }`): its position (indices into nested scopes) and the length
/// variable it reads. `false` when `stmts` name `v` otherwise than as [`touches`] allows, or
/// push to it twice or under a condition.
fn find_push(
    stmts: &[Stmt],
    v: VarId,
    name: &str,
    at: &mut Vec<usize>,
    push: &mut Option<(Vec<usize>, VarId)>,
) -> bool {
    for (k, s) in stmts.iter().enumerate() {
        match s {
            Stmt::Push {
                base,
                val,
                len: Atom::Var(len),
            } if *base == v && !matches!(val, Atom::Var(x) if *x == v) => {
                if push.is_some() {
                    return false;
                }
                let mut path = at.clone();
                path.push(k);
                *push = Some((path, *len));
            }
            Stmt::Scope(b) => {
                at.push(k);
                let ok = find_push(&b.stmts, v, name, at, push);
                at.pop();
                if !ok {
                    return false;
                }
            }
            s if touches(s, v, name) => return false,
            _ => {}
        }
    }
    true
}

/// Whether `s` (with what it nests) names `v` other than to read or write an element of it or
/// to count its elements.
fn touches(s: &Stmt, v: VarId, name: &str) -> bool {
    let atom = |a: &Atom| matches!(a, Atom::Var(x) if *x == v);
    let block = |b: &Block| b.stmts.iter().any(|s| touches(s, v, name));
    match s {
        Stmt::Let { var, init, .. } => {
            *var == v || init.as_ref().is_some_and(|r| rhs_touches(r, v, name))
        }
        Stmt::Assign { var, rhs } => *var == v || rhs_touches(rhs, v, name),
        // `v[j] = y` keeps the length
        Stmt::IndexWrite { idx, val, .. } => atom(idx) || atom(val),
        Stmt::Push { base, val, len } => *base == v || atom(val) || atom(len),
        Stmt::Truncate { base, len } => *base == v || atom(len),
        Stmt::InPlace {
            bases,
            body,
            original,
        } => bases.contains(&v) || block(body) || names(original, name),
        Stmt::Bound(vs) => vs.contains(&v),
        // a check that only the compiler runs names the local without touching it
        Stmt::Effect(t) => !crate::lower::is_never_run(t) && names(t, name),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => block(b),
        Stmt::Branch { kind, arms, .. } => {
            let head = match kind {
                BranchKind::If { cond, .. } => names(cond, name),
                BranchKind::Match { scrutinee, heads } => {
                    names(scrutinee, name) || heads.iter().any(|h| names(h, name))
                }
            };
            head || arms.iter().any(block)
        }
        Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => false,
    }
}

/// Whether `rhs` names `v` other than as the base of an element read.
fn rhs_touches(rhs: &Rhs, v: VarId, name: &str) -> bool {
    let sum = matches!(rhs, Rhs::Sum { base, .. } if *base == v);
    let tokens = match rhs {
        Rhs::Opaque(t) | Rhs::Repeat { len: t, .. } => names(t, name),
        _ => false,
    };
    sum || tokens || rhs.reads(v)
}

/// Whether tokens name `name` other than to count its elements (`name.len()`,
/// `name.is_empty()`) or to index it (`name[j]`, as in a condition `if v[i] > 1.0`: an element
/// read or a change of an element cannot change the length).
fn names(t: &TokenStream, name: &str) -> bool {
    let tts: Vec<TokenTree> = t.clone().into_iter().collect();
    tts.iter().enumerate().any(|(k, tt)| match tt {
        TokenTree::Group(g) => names(&g.stream(), name),
        TokenTree::Ident(id) => {
            use syn::ext::IdentExt;
            let indexed = matches!(tts.get(k + 1), Some(TokenTree::Group(g))
                if g.delimiter() == proc_macro2::Delimiter::Bracket);
            id.unraw() == name && !indexed && !crate::lower::counted(&tts[k + 1..])
        }
        _ => false,
    })
}
