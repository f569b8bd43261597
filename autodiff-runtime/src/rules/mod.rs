//! Derivative rules, one function per operation and operand, each with its math.
//!
//! The macro is syntactic: it emits calls such as `rules::MulRule::d_lhs(g, &a, &b)` and Rust's
//! trait resolution picks the rule for the operand types. `g` is the output cotangent (reverse
//! mode) or an input tangent (forward mode, `t_*` functions).

pub mod ieee;
pub mod matrix;
pub mod scalar;
pub mod sweep;
pub mod zero;

pub use matrix::*;
pub use scalar::*;
pub use sweep::{
    CotangentProbe, Ieee, OtherCotangent, PlainCotangent, SweepRules, Zero, cotangent_for,
};
pub use zero::{over, times};
