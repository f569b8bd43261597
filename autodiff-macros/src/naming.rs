//! Every generated name in one place. Local names use `Span::mixed_site()` so they can neither
//! capture nor shadow the user's variables.

use proc_macro2::{Ident, Span};
use quote::format_ident;

fn local(name: String) -> Ident {
    Ident::new(&name, Span::mixed_site())
}

/// The reverse-mode companion of `f`, with one gradient slot per parameter.
pub fn vjp_companion(f: &Ident) -> Ident {
    format_ident!("__differentiable_{}", f, span = f.span())
}

/// The forward-mode companion of `f`, with one tangent argument per parameter.
pub fn jvp_companion(f: &Ident) -> Ident {
    format_ident!("__differentiable_tangent_{}", f, span = f.span())
}

/// A public sibling: `f_grad`, `f_vjp`, `f_jvp`.
pub fn public(f: &Ident, suffix: &str) -> Ident {
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
