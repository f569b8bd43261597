//! Compile-fail UI tests of `autodiff::optim`: misuse the types catch, with the compiler's
//! message checked in next to each program (`tests/ui_optim/*.stderr`).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p autodiff-heavy-tests --test ui_optim`.

#[test]
fn ui_optim() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui_optim/*.rs");
}
