//! Random `#[differentiable]` programs, written by `build.rs` (through [`generator`]) from a seed and
//! compiled here; `tests/generated.rs` checks every gradient against an exact oracle (the primal
//! run at `Dual` numbers), against central differences away from branch boundaries, and `_jvp`
//! against `_grad`.
//!
//! CI runs the fixed seed with 300 functions. Any seed and count:
//!
//! ```text
//! AUTODIFF_GEN_SEED=7 AUTODIFF_GEN_COUNT=1000 cargo test -p autodiff-generated
//! ```
#![allow(
    unused,
    clippy::all,
    clippy::pedantic,
    irrefutable_let_patterns,
    unreachable_code
)]

#[path = "../generator.rs"]
pub mod generator;

/// The generated functions and their table of [`Case`]s.
pub mod programs {
    use autodiff::dual::Dual;
    use autodiff::prelude::*;
    include!(concat!(env!("OUT_DIR"), "/programs.rs"));
}

/// One generated function `f(x, y, n)` and its generated derivatives.
pub struct Case {
    /// The function's name (`g17`).
    pub name: &'static str,
    /// The primal at `f64`.
    pub f: fn(f64, f64, usize) -> f64,
    /// `_grad`: the value and `(d/dx, d/dy)`.
    pub grad: fn(f64, f64, usize) -> (f64, (f64, f64)),
    /// `_jvp` along `(dx, dy)`: the value and the directional derivative.
    pub jvp: fn(f64, f64, usize, f64, f64) -> (f64, f64),
    /// The primal at `Dual` numbers along `(dx, dy)`: value and exact directional derivative.
    pub dual: fn(f64, f64, usize, f64, f64) -> (f64, f64),
    /// The source of the function, for failure messages.
    pub source: &'static str,
}
