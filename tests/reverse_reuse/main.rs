//! What the reverse sweep reads again instead of recording, and adjoints it leaves in place
//! (one test binary): triangular reads behind a loop's writes (`triangular_reads`), updates in
//! place `x[i] += t` (`inplace_updates`), and state `Vec`s replaced each trip
//! (`state_versions`). Each against central differences in `f64`, with near misses that must
//! keep their records.

// The functions are written the way the forms under test are spelled (a histogram in a `Vec`).
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec
)]

#[path = "../support/grad_checks.rs"]
mod support;

mod inplace_updates;
mod spans;
mod state_versions;
mod triangular_reads;
