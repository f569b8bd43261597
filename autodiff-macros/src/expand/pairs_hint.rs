//! The hint a function with a fused companion gives the callers that re-run it per trip: whether
//! listing its gradient as `(index, adjoint)` pairs in the caller's forward sweep pays
//! (`__NAME_pairs_HASH(live)`, read by the caller's `reverse/pairs.rs`).
//!
//! A caller re-running `interp(xs, ys, q)` in its reverse sweep runs the helper's forward sweep
//! twice (for `interp`, its binary search). Listing instead costs a record per element
//! adjoint the helper adds. Only the helper can tell which is cheaper, so it says so: listing
//! pays when
//! - the helper has a loop (a helper without one is a few operations, cheaper to run again
//!   than to list: a table lookup), and
//! - every slice the caller differentiates (`live[k]`) is read at most [`MAX_READS`] times,
//!   each outside every loop and by value (`ys[lo]`), and is named nowhere else: a slice read
//!   in a loop lists as many pairs as the loop reads (Horner's rule over its coefficients),
//!   and one passed on to a call lists what that call adds.
//!
//! Floats by value are always fine (one derivative each). Any other parameter that the caller
//! differentiates turns listing off.

use proc_macro2::TokenStream;
use quote::quote;

use super::Common;
use crate::ir::{Atom, Block, Func, Rhs, Stmt, VarId};
use crate::naming;

/// The most element reads of one listed slice: a call lists at most this many pairs for it.
pub(super) const MAX_READS: usize = 8;

/// `const fn __NAME_pairs_HASH(live: &[bool]) -> bool` for a function whose reverse sweep is
/// `func` over the parameters `vars`, `diff` the differentiated ones.
pub(super) fn gen_pairs_hint(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    diff: &[usize],
) -> TokenStream {
    let body = if func.loops.is_empty() {
        quote! { false }
    } else {
        // parameter k may not be live unless it is listable
        let unlisted: Vec<usize> = diff
            .iter()
            .copied()
            .filter(|&k| {
                let p = &c.sig.params[k];
                let float = !p.is_ref && super::tangent_grad::is_float_scalar(c, &p.ty);
                let slice = p.is_ref && listable(func, vars[k]);
                !(float || slice)
            })
            .collect();
        quote! { true #(&& !(live.len() > #unlisted && live[#unlisted]))* }
    };
    hint_fn(c, body)
}

/// The hint of a function whose callers must always run it again (a custom rule, whose
/// pullback may not be linear in its cotangent): `false`.
pub(super) fn never_pairs(c: &Common) -> TokenStream {
    hint_fn(c, quote! { false })
}

fn hint_fn(c: &Common, body: TokenStream) -> TokenStream {
    let (vis, attrs) = (&c.vis, &c.attrs);
    let name = naming::pairs_hint(&c.name);
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, non_snake_case, clippy::all)]
        #(#attrs)*
        #vis const fn #name(live: &[bool]) -> bool {
            let _ = live;
            #body
        }
    }
}

/// Whether parameter `v` is read only as `v[i]` by value outside every loop, at most
/// [`MAX_READS`] times, and named nowhere else.
fn listable(func: &Func, v: VarId) -> bool {
    if func.iter_uses.iter().any(|(vs, _)| vs.contains(&v)) {
        return false;
    }
    let mut reads = 0;
    walk(&func.body, false, v, &mut reads) && reads <= MAX_READS
}

fn walk(b: &Block, in_loop: bool, v: VarId, reads: &mut usize) -> bool {
    b.stmts.iter().all(|s| match s {
        Stmt::Let { var, init, .. } => {
            *var != v && init.as_ref().is_none_or(|r| rhs_ok(r, in_loop, v, reads))
        }
        Stmt::Assign { var, rhs } => *var != v && rhs_ok(rhs, in_loop, v, reads),
        Stmt::IndexWrite { base, idx, val } => *base != v && !is(idx, v) && !is(val, v),
        Stmt::Push { base, val, len } => *base != v && !is(val, v) && !is(len, v),
        Stmt::Truncate { base, len } => *base != v && !is(len, v),
        Stmt::InPlace { bases, body, .. } => !bases.contains(&v) && walk(body, in_loop, v, reads),
        Stmt::Bound(vs) => !vs.contains(&v),
        Stmt::Scope(b) => walk(b, in_loop, v, reads),
        Stmt::Branch { arms, .. } => arms.iter().all(|a| walk(a, in_loop, v, reads)),
        Stmt::Loop { body, .. } => walk(body, true, v, reads),
        Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => true,
    })
}

/// `v[i]` by value outside loops counts one read; `v` anywhere else in `rhs` refuses.
fn rhs_ok(rhs: &Rhs, in_loop: bool, v: VarId, reads: &mut usize) -> bool {
    match rhs {
        Rhs::Index { base, idx, by_ref } if *base == v => {
            *reads += 1;
            !in_loop && !by_ref && !is(idx, v)
        }
        Rhs::Sum { base, .. } if *base == v => false,
        _ => !rhs.reads(v),
    }
}

/// Whether `a` is the variable `v`.
fn is(a: &Atom, v: VarId) -> bool {
    matches!(a, Atom::Var(x) if *x == v)
}
