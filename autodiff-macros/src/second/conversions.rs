//! Float conversions in `order = 2` code. Second derivatives are taken by running the gradient
//! at dual numbers of the function's own scalar type; a value converted to another float type
//! (`x.to_f64()`, `x as f32`, `T::from_f64(y)`) leaves the dual numbers, and with them the
//! derivative they carry, so every second-derivative term through it would silently be zero.
//! Such a conversion is refused when its result carries a derivative; one whose result only
//! feeds comparisons, indices or output (not active) is left alone.

use crate::activity::Activity;
use crate::ir::{Block, CastVia, Func, Rhs, Stmt};

/// The first conversion in `func` whose result is active, as an error at its tokens.
pub fn check(func: &Func, act: &Activity) -> syn::Result<()> {
    block(act, &func.body)
}

fn block(act: &Activity, b: &Block) -> syn::Result<()> {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            }
            | Stmt::Assign { var, rhs } => {
                // The operand carries a derivative and the result passes it on.
                if let Rhs::Cast { x, ty, via } = rhs {
                    if act.active(*var) && act.active_atom(x).is_some() {
                        return Err(refusal(ty, via));
                    }
                }
            }
            Stmt::InPlace { body, .. } | Stmt::Scope(body) | Stmt::Loop { body, .. } => {
                block(act, body)?
            }
            Stmt::Branch { arms, .. } => {
                for a in arms {
                    block(act, a)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn refusal(ty: &syn::Type, via: &CastVia) -> syn::Error {
    use quote::ToTokens;
    let (spelled, at) = match via {
        CastVia::As => (
            format!("`as {}`", ty.to_token_stream()),
            ty.to_token_stream(),
        ),
        CastVia::Assoc(name) => (
            format!("`{}::{name}(..)`", ty.to_token_stream()),
            name.to_token_stream(),
        ),
        CastVia::Method(name) => (format!("`.{name}()`"), name.to_token_stream()),
    };
    syn::Error::new_spanned(
        at,
        format!(
            "#[differentiable(order = 2)] cannot differentiate the float conversion {spelled} of a \
             value that carries a derivative: second derivatives are carried by dual numbers of \
             the function's own float type, and a value converted to another float type leaves \
             them (every second-derivative term through it would be zero); compute in the \
             function's own type (`x.exp()` on `T`, not `T::from_f64(x.to_f64().exp())`), or \
             drop `order = 2`"
        ),
    )
}
