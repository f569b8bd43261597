//! Random `#[differentiable]` programs, written by `build.rs` (through [`generator`]) from a seed and
//! compiled here; `tests/generated.rs` checks every gradient against an exact oracle (the primal
//! run at `Dual` numbers), against central differences away from branch boundaries, and `_jvp`
//! against `_grad`.
//!
//! A second generator ([`slice_generator`]) writes functions over slices (`tests/slices.rs`
//! checks them the same way, every partial derivative against `Dual` numbers).
//!
//! CI runs the fixed seed with 300 functions, and the slice generator's fixed seed with its
//! default count. Any seed and count:
//!
//! ```text
//! AUTODIFF_GEN_SEED=7 AUTODIFF_GEN_COUNT=1000 cargo test -p autodiff-generated
//! AUTODIFF_GEN_COUNT=0 AUTODIFF_SLICE_GEN_SEED=7 AUTODIFF_SLICE_GEN_COUNT=200 cargo test -p autodiff-generated --test slices
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
#[path = "../slice_generator.rs"]
pub mod slice_generator;

/// The generated functions and their table of [`Case`]s.
pub mod programs {
    use autodiff::dual::Dual;
    use autodiff::prelude::*;
    include!(concat!(env!("OUT_DIR"), "/programs.rs"));
}

/// The generated slice functions, their helpers and their table of [`SliceCase`]s.
pub mod slice_programs {
    use autodiff::dual::Dual;
    use autodiff::prelude::*;
    include!(concat!(env!("OUT_DIR"), "/slice_programs.rs"));
}

/// A primal over slices `f(p, q, s, n)`.
pub type SliceFn = fn(&[f64], &[f64], f64, usize) -> f64;
/// `_grad`: the value and the gradients in `p`, `q`, `s` (zeros for a `#[no_grad]` `q`).
pub type SliceGrad = fn(&[f64], &[f64], f64, usize) -> (f64, Vec<f64>, Vec<f64>, f64);
/// `_jvp` along `(tp, tq, ts)` (`tq` unused for a `#[no_grad]` `q`).
pub type SliceJvp = fn(&[f64], &[f64], f64, usize, Vec<f64>, Vec<f64>, f64) -> (f64, f64);
/// `_vjp`: the value and its pullback's results for two cotangents, each flattened to
/// `p ++ q ++ [s]` (zeros for a `#[no_grad]` `q`).
pub type SliceVjp = fn(&[f64], &[f64], f64, usize, f64, f64) -> (f64, Vec<f64>, Vec<f64>);
/// The primal at `Dual` numbers along `(tp, tq, ts)`: value and exact directional derivative.
pub type SliceDual = fn(&[f64], &[f64], f64, usize, &[f64], &[f64], f64) -> (f64, f64);

/// One generated function `f(p, q, s, n)` over slices and its generated derivatives.
pub struct SliceCase {
    /// The function's name (`s17`).
    pub name: &'static str,
    /// Whether `q` is `#[no_grad]` (its gradient is not checked).
    pub q_no_grad: bool,
    /// The primal at `f64`.
    pub f: SliceFn,
    /// `_grad`.
    pub grad: SliceGrad,
    /// `_jvp`.
    pub jvp: SliceJvp,
    /// `_vjp`, its pullback called twice.
    pub vjp: SliceVjp,
    /// The primal at `Dual` numbers.
    pub dual: SliceDual,
    /// The source of the function (and of a helper written just before it).
    pub source: &'static str,
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
