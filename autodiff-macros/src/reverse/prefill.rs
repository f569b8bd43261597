//! Pushes at the loop index written into a buffer sized before the loop (forward sweep only).
//!
//! ```text
//! let mut v = Vec::with_capacity(n);
//! for i in 0..e {
//!     ..
//!     v.push(x);
//! }
//! ```
//!
//! A push keeps the `Vec`'s length in memory and has a growth path, a call that may unwind:
//! around it the compiler spills the trip's values, and the forward sweep of a stencil written
//! this way ran at about twice the cost of the same stencil writing `vec![0.0; e]` by index.
//! When the push writes element `i` (`lower/push_index.rs`), the forward sweep sizes `v` to the
//! trip count before the loop (`rt::fill_for_pushes`: `e` default elements) and writes
//! `v[k] = x; k += 1` with a count `k` of its own (`i` by value, whatever the trip binds to
//! that name). After the loop `v` holds exactly what the pushes make. The reverse sweep does not
//! change (`y.push(x) => dx += dy[i], dy[i] = 0`, as for `y[i] = x`).
//!
//! Taken only where the filled elements can never be seen:
//! * the push is at the loop index: `v` is empty when the loop starts, the loop is
//!   `for i in 0..e` or a container loop without adapters (`for x in v.iter()`, `.zip`,
//!   `.enumerate()`: one step per trip, no `continue`), one push per trip, run once by every
//!   full trip (see `push_index.rs`); its trip count is known before it runs
//!   (`LoopInfo::trips_before`);
//! * nothing leaves the loop early but a `return` (which drops `v`): no `break` to it or to a
//!   loop around it, which would leave the default tail in `v`;
//! * the loop names `v` only in the push (no length read, no element read or write, no borrow);
//! * `v` is a dense local (`dense.rs`) of known float elements (`plain.rs`; a dense local may
//!   hold other elements, such as pushed `&f64`s): a float's default is zero.

use super::*;
use crate::naming::mentions_local;

/// The loops whose pushes fill a buffer sized before them (see the module docs).
#[derive(Default)]
pub(super) struct Prefill {
    /// Per loop, the locals to size before it runs (to `LoopInfo::trips_before`).
    loops: HashMap<LoopId, Vec<VarId>>,
    /// The pushes written as `v[k] = x` (see [`position`]).
    pushes: HashSet<*const Stmt>,
}

/// Finds the pushes of `f` that may fill a buffer sized before their loop; `dense` are the
/// dense locals, `float_elems` the containers of known floats (`plain::known_floats`).
pub(super) fn prefilled(f: &Func, dense: &HashSet<VarId>, float_elems: &HashSet<VarId>) -> Prefill {
    let mut out = Prefill::default();
    // a dense local may hold other elements (`&f64`s pushed); floats have a default, zero
    let fill: HashSet<VarId> = dense.intersection(float_elems).copied().collect();
    if !fill.is_empty() {
        block(&f.body, f, &fill, &mut out);
    }
    out
}

fn block(b: &Block, f: &Func, dense: &HashSet<VarId>, out: &mut Prefill) {
    for s in &b.stmts {
        match s {
            Stmt::Scope(inner) => block(inner, f, dense, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| block(a, f, dense, out)),
            Stmt::Loop { id, body } => {
                loop_pushes(*id, body, f, dense, out);
                block(body, f, dense, out);
            }
            _ => {}
        }
    }
}

/// Records the pushes of loop `id` (body `body`) that qualify.
fn loop_pushes(id: LoopId, body: &Block, f: &Func, dense: &HashSet<VarId>, out: &mut Prefill) {
    let info = &f.loops[id];
    let (Some((i, start)), Some(_)) = (&info.affine, &info.trips_before) else {
        return;
    };
    // `for i in 0..e`, or a container loop without adapters (its index starts at 0)
    let zero = info.zero_start || start.is_none();
    if !zero || !info.unit_step || info.has_continue || f.vars[*i].reassigned {
        return;
    }
    let Some(trip) = crate::lower::trip(body, id) else {
        return;
    };
    if leaves_early(trip) {
        return;
    }
    let mut pushes = Vec::new();
    once_per_trip(trip, &mut |s| {
        if let Stmt::Push {
            base,
            len: Atom::Var(len),
            ..
        } = s
        {
            if len == i && dense.contains(base) {
                pushes.push((s, *base));
            }
        }
    });
    for (s, base) in pushes {
        let name = &f.vars[base].ident;
        let elsewhere = spare::any_stmt(body, &mut |t| {
            !std::ptr::eq(t, s) && names_var(t, base, name)
        });
        if !elsewhere {
            out.loops.entry(id).or_default().push(base);
            out.pushes.insert(s as *const Stmt);
        }
    }
}

/// Calls `visit` on each of `stmts` and on the statements of the blocks they run once
/// (`{ .. }`, at any depth): what a full trip runs exactly once.
fn once_per_trip<'s>(stmts: &'s [Stmt], visit: &mut impl FnMut(&'s Stmt)) {
    for s in stmts {
        match s {
            Stmt::Scope(b) => once_per_trip(&b.stmts, visit),
            s => visit(s),
        }
    }
}

/// Whether a `break` in the trip `stmts` leaves its loop (or one around it): it targets no
/// loop nested in the trip. (The exit test's `break` is the loop's own end.)
fn leaves_early(stmts: &[Stmt]) -> bool {
    let mut inner = HashSet::new();
    any_in(stmts, &mut |s| {
        if let Stmt::Loop { id, .. } = s {
            inner.insert(*id);
        }
        false
    });
    any_in(
        stmts,
        &mut |s| matches!(s, Stmt::Break { target } if !inner.contains(target)),
    )
}

/// Whether `p` holds for one of `stmts` or a statement they nest, at any depth.
fn any_in(stmts: &[Stmt], p: &mut impl FnMut(&Stmt) -> bool) -> bool {
    stmts.iter().any(|s| {
        p(s) || match s {
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => spare::any_stmt(b, p),
            Stmt::Branch { arms, .. } => arms.iter().any(|a| spare::any_stmt(a, p)),
            _ => false,
        }
    })
}

/// Whether `s` itself (not the statements it nests) names `v` in any way.
fn names_var(s: &Stmt, v: VarId, name: &Ident) -> bool {
    let atom = |a: &Atom| matches!(a, Atom::Var(x) if *x == v);
    let tokens = |t: &TokenStream| !crate::ir::is_check(t) && mentions_local(t, name);
    match s {
        Stmt::Let { var, init, .. } => {
            *var == v || init.as_ref().is_some_and(|r| rhs_names(r, v, name))
        }
        Stmt::Assign { var, rhs } => *var == v || rhs_names(rhs, v, name),
        Stmt::IndexWrite { base, idx, val } => *base == v || atom(idx) || atom(val),
        Stmt::Push { base, val, len } => *base == v || atom(val) || atom(len),
        Stmt::Truncate { base, len } => *base == v || atom(len),
        Stmt::InPlace {
            bases, original, ..
        } => bases.contains(&v) || mentions_local(original, name),
        Stmt::Bound(vs) => vs.contains(&v),
        Stmt::Effect(t) => tokens(t),
        Stmt::Branch { kind, .. } => match kind {
            BranchKind::If { cond, .. } => mentions_local(cond, name),
            BranchKind::Match { scrutinee, heads } => {
                mentions_local(scrutinee, name) || heads.iter().any(|h| mentions_local(h, name))
            }
        },
        Stmt::Scope(_) | Stmt::Loop { .. } => false,
        Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => false,
    }
}

/// Whether `rhs` names `v` in any way.
fn rhs_names(rhs: &Rhs, v: VarId, name: &Ident) -> bool {
    let base = matches!(rhs, Rhs::Index { base, .. } | Rhs::Sum { base, .. } if *base == v);
    let tokens = match rhs {
        Rhs::Opaque(t) | Rhs::Repeat { len: t, .. } => mentions_local(t, name),
        _ => false,
    };
    base || tokens || rhs.reads(v)
}

impl RevGen<'_> {
    /// Before loop `id`'s forward code: the buffers its pushes fill, sized to its trip count.
    pub(super) fn prefill_loop(&self, id: LoopId) -> TokenStream {
        let rt = self.rt;
        let Some(n) = &self.f.loops[id].trips_before else {
            return TokenStream::new();
        };
        (self.prefill.loops.get(&id).into_iter().flatten())
            .map(|v| {
                let at = position(*v);
                let v = self.ident(*v);
                quote! { #rt::fill_for_pushes(&mut #v, #n); let mut #at = 0usize; }
            })
            .collect()
    }

    /// Whether the push `s` writes into a buffer sized before its loop (at [`position`]: the
    /// loop's own count of its pushes, not the loop variable, which the trip may shadow).
    pub(super) fn prefilled_push(&self, s: &Stmt) -> bool {
        self.prefill.pushes.contains(&(s as *const Stmt))
    }
}

/// The count of `v`'s pushes in the loop being run: the element the next push writes.
pub(super) fn position(v: VarId) -> Ident {
    naming::fixed(&format!("__pushed{v}"))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// Whether the gradient of `item` sizes a buffer before a loop for its pushes.
    fn prefills(item: proc_macro2::TokenStream) -> bool {
        let f: syn::ItemFn = syn::parse2(item).expect("a function");
        let all = crate::expand::differentiable(crate::args::Args::default(), f)
            .expect("expands")
            .to_string();
        let start = all.find("_grad").expect("a grad item");
        let end = all.find("_vjp").expect("a vjp item");
        all[start..end].contains("fill_for_pushes")
    }

    #[test]
    fn pushes_at_the_index_of_a_range_fill_a_sized_buffer() {
        let cases = [
            // the stencil, a fresh `Vec` per step
            quote! {
                fn f(u0: &[f64], k: f64) -> f64 {
                    let n = u0.len();
                    let mut u = u0.to_vec();
                    for _ in 0..3 {
                        let mut next = Vec::with_capacity(n);
                        for i in 0..n {
                            let left = if i > 0 { u[i - 1] } else { 0.0 };
                            next.push(u[i] + k * left);
                        }
                        u = next;
                    }
                    u[0]
                }
            },
            // a map, the length read after the loop, a push after it
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        v.push(x[i] * w);
                    }
                    v.push(w);
                    v[v.len() - 2] + v[0]
                }
            },
            // a `return` in the trip drops `v`
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::with_capacity(x.len());
                    for i in 0..x.len() {
                        if x[i] > 100.0 {
                            return w;
                        }
                        v.push(x[i] * w);
                    }
                    v[1]
                }
            },
            // a `break` of a loop nested in the trip, into a `vec![]`
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = vec![];
                    for i in 0..x.len() {
                        let mut s = 0.0;
                        for j in 0..x.len() {
                            if j > i {
                                break;
                            }
                            s += x[j];
                        }
                        v.push(s * w);
                    }
                    v[1]
                }
            },
            // container loops: `iter()`, `zip`, `enumerate`
            quote! {
                fn f(x: &[f64], y: &[f64], w: f64) -> f64 {
                    let mut a = Vec::new();
                    for xi in x.iter() {
                        a.push(xi.sin() * w);
                    }
                    a[0]
                }
            },
            quote! {
                fn f(x: &[f64], y: &[f64], w: f64) -> f64 {
                    let mut b = Vec::with_capacity(x.len());
                    for (p, q) in x.iter().zip(y.iter()) {
                        b.push(p * q - w);
                    }
                    b[0]
                }
            },
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut c = vec![];
                    for (i, xi) in x.iter().enumerate() {
                        c.push(*xi * w + i as f64);
                    }
                    c[0]
                }
            },
        ];
        for c in cases {
            let shown = c.to_string();
            assert!(prefills(c), "not sized before the loop: {shown}");
        }
    }

    #[test]
    fn pushes_whose_buffer_the_loop_could_see_stay_pushes() {
        let cases = [
            // the length read in the trip
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        v.push(x[i] * w + v.len() as f64);
                    }
                    v[1]
                }
            },
            // an element read back in the trip
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        v.push(x[i] * w);
                        let y = v[i];
                        v[i] = y * y;
                    }
                    v[1]
                }
            },
            // a `break` leaves the loop early: the length is not the trip count
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        if x[i] > 2.0 {
                            break;
                        }
                        v.push(x[i] * w);
                    }
                    v[0]
                }
            },
            // a labelled `break` of the loop from a loop nested in its trip
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    'rows: for i in 0..x.len() {
                        for _j in 0..2 {
                            if x[i] > 2.0 {
                                break 'rows;
                            }
                        }
                        v.push(x[i] * w);
                    }
                    v[0] + v.len() as f64
                }
            },
            // a range that does not start at zero
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 1..x.len() {
                        v.push(x[i] * w);
                    }
                    v[0]
                }
            },
            // a push under a branch
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        if x[i] > 0.0 {
                            v.push(x[i] * w);
                        }
                    }
                    v[0]
                }
            },
            // `v` not empty when the loop starts
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    v.push(w);
                    for i in 0..x.len() {
                        v.push(x[i] * w);
                    }
                    v[0]
                }
            },
            // a container loop whose adapter maps trips to indices
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for xi in x.iter().skip(1) {
                        v.push(xi * w);
                    }
                    v[0]
                }
            },
            // named by a macro in the trip
            quote! {
                fn f(x: &[f64], w: f64) -> f64 {
                    let mut v = Vec::new();
                    for i in 0..x.len() {
                        assert!(v.len() < 100);
                        v.push(x[i] * w);
                    }
                    v[0]
                }
            },
        ];
        for c in cases {
            let shown = c.to_string();
            assert!(!prefills(c), "sized before the loop: {shown}");
        }
    }
}
