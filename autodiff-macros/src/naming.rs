//! Every generated name in one place. Local names use `Span::mixed_site()` so they can neither
//! capture nor shadow the user's variables.

use std::cell::Cell;

use proc_macro2::{Ident, Span};
use quote::format_ident;

thread_local! {
    /// Whether the items being generated are the second-order companion (see [`with_order2`]).
    static ORDER2: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the second-order naming scheme: every companion and sibling name gets the
/// `__differentiable_order2_` prefix, so the second-order companion of `f` calls the second-order
/// companions of its callees (and a callee without `order = 2` is reported at the call).
pub fn with_order2<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            ORDER2.with(|o| o.set(self.0));
        }
    }
    let _reset = Reset(ORDER2.with(|o| o.replace(true)));
    f()
}

fn order2() -> bool {
    ORDER2.with(Cell::get)
}

/// The second-order companion of `f` (what `order = 2` code calls for `f`).
pub fn order2_companion(f: &Ident) -> Ident {
    format_ident!("__differentiable_order2_{}", f, span = f.span())
}

/// The hidden gradient of `f`'s second-order companion (run at dual numbers by `f_hvp`).
pub fn order2_grad(f: &Ident) -> Ident {
    format_ident!("__differentiable_order2grad_{}", f, span = f.span())
}

fn local(name: String) -> Ident {
    Ident::new(&name, Span::mixed_site())
}

/// The reverse-mode companion of `f`, with one gradient slot per parameter.
pub fn vjp_companion(f: &Ident) -> Ident {
    if order2() {
        return order2_companion(f);
    }
    format_ident!("__differentiable_{}", f, span = f.span())
}

/// The forward-mode companion of `f`, with one tangent argument per parameter.
pub fn jvp_companion(f: &Ident) -> Ident {
    if order2() {
        return format_ident!("__differentiable_order2tangent_{}", f, span = f.span());
    }
    format_ident!("__differentiable_tangent_{}", f, span = f.span())
}

/// A public sibling: `f_grad`, `f_vjp`, `f_jvp`.
pub fn public(f: &Ident, suffix: &str) -> Ident {
    if order2() {
        return format_ident!("__differentiable_order2{}_{}", suffix, f, span = f.span());
    }
    format_ident!("{}_{}", f, suffix, span = f.span())
}

/// A temporary made by lowering.
pub fn temp(k: usize) -> Ident {
    local(format!("__t{k}"))
}

/// The adjoint accumulator of variable `v` (named after it for readable expansions).
pub fn adjoint(var_name: &Ident, v: usize) -> Ident {
    let base = var_name.to_string().trim_start_matches("__").to_string();
    local(format!("__d_{base}_{v}"))
}

/// The tangent of variable `v` in forward mode.
pub fn tangent(var_name: &Ident, v: usize) -> Ident {
    let base = var_name.to_string().trim_start_matches("__").to_string();
    local(format!("__dot_{base}_{v}"))
}

/// A value saved by the forward sweep for the reverse sweep.
pub fn slot(k: usize) -> Ident {
    local(format!("__s{k}"))
}

/// The read cursor of a loop slot.
pub fn cursor(k: usize) -> Ident {
    local(format!("__c{k}"))
}

/// A copy of a parameter kept for the reverse sweep.
pub fn keep(param: &Ident) -> Ident {
    local(format!("__keep_{param}"))
}

/// The trip counter of loop `l`.
pub fn trips(l: usize) -> Ident {
    local(format!("__trips{l}"))
}

/// Fixed local names.
pub fn fixed(name: &str) -> Ident {
    local(name.to_string())
}
