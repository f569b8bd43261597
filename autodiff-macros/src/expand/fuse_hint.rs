//! The second hint a function with a fused companion gives its callers: whether a caller's
//! fused loop may take its pullback (`__NAME_fuse_HASH()`, read by the caller's
//! `reverse/fused.rs`).
//!
//! A fused loop runs each trip's pullbacks with the unit cotangent of its sum and scales the
//! sum of them by `ds` afterwards: `J = Σ ∂term/∂x`, `dx += ds · J`. That is right only for a
//! pullback linear in its cotangent. Every rule of this crate is; a `#[custom_derivative]`
//! rule need not be (a clipped cotangent, `g.max(-0.5)`). The caller cannot see below a call,
//! so the callee says: `true` when no custom rule can run below it, that is when it is not a
//! custom rule itself and calls no function of the user's (only the runtime's operations,
//! whose rules are linear). A helper that calls another helper says `false`: asking that one
//! in turn could loop through recursion at compile time.
//!
//! It also says whether fusing pays, which only its body shows: a helper that branches (a
//! Huber loss) saves the reverse sweep's second decision of each branch, but one without a
//! branch (a table lookup) or with a loop (Horner's rule, a binary search) ran slower fused
//! than re-run in a reverse sweep of its own (see `reverse/fused.rs`). So `true` needs an
//! `if` or a `match` and no loop as well.

use proc_macro2::TokenStream;
use quote::quote;

use super::Common;
use crate::ir::{Block, Callee, Func, Rhs, Stmt};
use crate::naming;

/// `const fn __NAME_fuse_HASH() -> bool` for a function whose reverse sweep is `func`.
pub(super) fn gen_fuse_hint(c: &Common, func: &Func) -> TokenStream {
    // linear: no call of the user's, anywhere (a custom rule may be below it)
    let user = |r: &Rhs| matches!(r, Rhs::Call { callee, .. } if !runtime_op(callee));
    let linear = !any_stmt(&func.body, &|s| match s {
        Stmt::Let { init, .. } => init.as_ref().is_some_and(user),
        Stmt::Assign { rhs, .. } => user(rhs),
        _ => false,
    });
    // pays: an `if` or a `match`, and no loop
    let branches = any_stmt(&func.body, &|s| matches!(s, Stmt::Branch { .. }));
    let fuse = linear && branches && func.loops.is_empty();
    hint_fn(c, quote! { #fuse })
}

/// Whether `p` holds for a statement of `b` or of any block nested in it.
fn any_stmt(b: &Block, p: &impl Fn(&Stmt) -> bool) -> bool {
    b.stmts.iter().any(|s| {
        p(s) || match s {
            Stmt::InPlace { body, .. } | Stmt::Scope(body) | Stmt::Loop { body, .. } => {
                any_stmt(body, p)
            }
            Stmt::Branch { arms, .. } => arms.iter().any(|a| any_stmt(a, p)),
            _ => false,
        }
    })
}

/// The hint of a custom rule: `false` (its pullback may not be linear in its cotangent).
pub(super) fn never_fuse(c: &Common) -> TokenStream {
    hint_fn(c, quote! { false })
}

fn hint_fn(c: &Common, body: TokenStream) -> TokenStream {
    let (vis, attrs) = (&c.vis, &c.attrs);
    let name = naming::fuse_hint(&c.name);
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, non_snake_case, clippy::all)]
        #(#attrs)*
        #vis const fn #name() -> bool {
            #body
        }
    }
}

/// Whether `callee` is certainly one of the runtime's operations: a path spelled in full,
/// `autodiff::ops::f` or the lowering's `::autodiff::__private::ops::f`. Names alone do not
/// tell: a module of the user's may be called `ops`, and a method of the user's `sum` or `dot`
/// (either may reach a custom rule), so every other call, methods included, is the user's.
fn runtime_op(callee: &Callee) -> bool {
    let Callee::Path(p) = callee else {
        return false;
    };
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(
        segs.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["autodiff", "ops", _] | ["autodiff", "__private", "ops", _]
    )
}
