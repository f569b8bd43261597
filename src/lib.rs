//! # autodiff
//!
//! Exact gradients of ordinary Rust functions, generated at compile time.
#![forbid(unsafe_code)]

pub use autodiff_macros::{custom_derivative, differentiable};
pub use autodiff_runtime::{check, stop_gradient, Adjoint, Differentiable, Real, ScalarOutput, ZeroLike};

#[doc(hidden)]
pub use autodiff_runtime::__private;

/// Everything a user of `#[differentiable]` needs: `use autodiff::prelude::*;`.
pub mod prelude {
    pub use crate::{custom_derivative, differentiable, stop_gradient, Differentiable, Real};
}
