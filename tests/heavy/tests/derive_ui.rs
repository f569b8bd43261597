//! `#[derive(Differentiable)]`'s compile errors, each at the offending tokens (expected output
//! next to each program in `tests/derive-ui/`; regenerate with
//! `TRYBUILD=overwrite cargo test -p autodiff-heavy-tests --test derive_ui`).

#[test]
fn derive_errors() {
    trybuild::TestCases::new().compile_fail("tests/derive-ui/*.rs");
}
