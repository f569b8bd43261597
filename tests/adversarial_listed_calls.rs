//! Adversarial tests of calls whose gradient the forward sweep lists as pairs
//! (`reverse/pairs.rs`, `expand/pairs_hint.rs`), written in an outside pass against the
//! feature: per-site record cursors (calls on some trips, in branches and `match` arms, nested
//! loops with varying and zero trips, `continue`, `break`, early `return`, `while` loops, sites
//! reached thousands of times, several sites per trip, threads), helper shapes at and past the
//! hint's bounds, callers reading the slice too, `Vec`, `&Vec` and field parameters, the knots
//! differentiated, pullbacks called repeatedly, second order, custom rules not linear in their
//! cotangent, the zero rule, and a partial that overflows under the unit cotangent. Every
//! gradient against central differences in f64, or a value derived in a comment.

// The functions are written as a user might, not as clippy would have them.
#![allow(clippy::all)]

#[path = "adversarial_listed_calls/support/fd.rs"]
mod fd;
#[path = "adversarial_listed_calls/support/helpers.rs"]
mod helpers;

#[path = "adversarial_listed_calls/cursors.rs"]
mod cursors;
#[path = "adversarial_listed_calls/extra.rs"]
mod extra;
#[path = "adversarial_listed_calls/helper_shapes.rs"]
mod helper_shapes;
#[path = "adversarial_listed_calls/odd_cases.rs"]
mod odd_cases;
#[path = "adversarial_listed_calls/positions.rs"]
mod positions;
#[path = "adversarial_listed_calls/reuse.rs"]
mod reuse;
#[path = "adversarial_listed_calls/rules_vjp.rs"]
mod rules_vjp;
