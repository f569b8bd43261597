//! The soundness rule: every syntax form the lowering meets is either differentiated or, when it
//! touches a value that carries a derivative, refused. Code the lowering passes through as written
//! (statements run for their effect, macro calls, in-place calls, names bound by patterns) is
//! recorded in [`Func::opaque_uses`]; this check refuses each use that names a variable the
//! activity analysis finds *varied* (dependent on a differentiated input), with the error on the
//! user's tokens.

use crate::activity::Activity;
use crate::ir::{Block, Func, Stmt};

/// Refuses the first pass-through use of a varied variable.
pub fn check(func: &Func, act: &Activity) -> Result<(), syn::Error> {
    for u in &func.opaque_uses {
        if let Some(v) = u.vars.iter().find(|v| act.varied(**v)) {
            let name = func.vars[*v].ident.to_string();
            // a temporary of the lowering has no name the user wrote
            let uses = if name.starts_with("__") {
                "its value carries a derivative".to_string()
            } else {
                format!("it uses `{name}`, which carries a derivative")
            };
            return Err(syn::Error::new_spanned(
                &u.tokens,
                format!(
                    "#[differentiable] cannot differentiate {}: {uses}; {}",
                    u.what, u.hint
                ),
            ));
        }
    }
    Ok(())
}

/// Replaces each [`Stmt::InPlace`] by its rewrite when its container is varied, by the call as
/// written otherwise.
pub fn resolve_in_place(b: &mut Block, act: &Activity) {
    for s in &mut b.stmts {
        match s {
            Stmt::InPlace {
                bases,
                body,
                original,
            } => {
                *s = if bases.iter().any(|b| act.varied(*b)) {
                    let mut body = std::mem::take(body);
                    resolve_in_place(&mut body, act);
                    Stmt::Scope(body)
                } else {
                    Stmt::Effect(original.clone())
                };
            }
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => resolve_in_place(b, act),
            Stmt::Branch { arms, .. } => arms.iter_mut().for_each(|a| resolve_in_place(a, act)),
            _ => {}
        }
    }
}
