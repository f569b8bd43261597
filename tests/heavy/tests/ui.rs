//! Compile-fail UI tests: every construct that `#[differentiable]` / `#[custom_derivative]`
//! refuses has a tiny program in `tests/ui/` whose expected compiler output is checked in next to
//! it (`.stderr`). `tests/ui-pass/` holds programs that must compile and run.
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p autodiff-heavy-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
