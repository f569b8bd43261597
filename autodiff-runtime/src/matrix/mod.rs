//! nalgebra matrices inside `#[differentiable]` functions: adjoints, rules and the derivative
//! companions of matrix methods and constructors.

/// Traits generated code needs in scope (re-exported unnamed by `autodiff::prelude`).
pub mod prelude {}
