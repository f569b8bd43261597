//! Compile-fail UI tests: every construct that `#[differentiable]` / `#[custom_derivative]`
//! refuses has a tiny program in `tests/ui/` whose expected compiler output is checked in next to
//! it (`.stderr`). Programs that must compile and run are in `tests/pass/` (`pass.rs`).
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p autodiff-heavy-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
