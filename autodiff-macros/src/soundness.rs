//! The soundness rule: every syntax form the lowering meets is either differentiated or, when it
//! touches a value that carries a derivative, refused. Code the lowering passes through as written
//! (statements run for their effect, macro calls, in-place calls, names bound by patterns) is
//! recorded in [`Func::opaque_uses`]; this check refuses each use that names a variable the
//! activity analysis finds *varied* (dependent on a differentiated input), with the error on the
//! user's tokens.

use crate::activity::Activity;
use crate::ir::Func;

/// Refuses the first pass-through use of a varied variable.
pub fn check(func: &Func, act: &Activity) -> Result<(), syn::Error> {
    for u in &func.opaque_uses {
        if let Some(v) = u.vars.iter().find(|v| act.varied(**v)) {
            return Err(syn::Error::new_spanned(
                &u.tokens,
                format!(
                    "#[differentiable] cannot differentiate {}: it uses `{}`, which carries a derivative; {}",
                    u.what, func.vars[*v].ident, u.hint
                ),
            ));
        }
    }
    Ok(())
}
