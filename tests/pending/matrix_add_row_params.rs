//! PENDING (does not compile; not a test target): `ops::add_row(m, b)` with both arguments
//! parameters of the differentiable function. See /work/notes/matrix-findings.md, finding 2.
//! Copy to `tests/` and `cargo test` to reproduce.
//!
//! `ops::__differentiable_add_row<'a, ..>(m: &'a _, bias: &'a _)` returns a pullback
//! `impl Fn(..) + 'a` that borrows both arguments under ONE lifetime. With two parameters of
//! different (elided) lifetimes, `'a` is their intersection, which the generated `NAME_vjp`'s
//! `impl Fn + Captures<..>` cannot name:
//! `error[E0700]: hidden type for `impl (Fn(f64) -> ...) + Captures<...>` captures lifetime that
//! does not appear in bounds` (twice, at the `#[differentiable]` attribute).
//! Works: a local first argument (`let mm = m.clone(); ops::add_row(&mm, b)`), or both
//! arguments fields of one `&self`.

use autodiff::prelude::*;

#[differentiable]
fn add_row_bias(m: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let z = ops::add_row(m, b);
    let h = ops::tanh(&z);
    h.sum() + h.norm_squared()
}

#[test]
fn add_row_of_two_parameters() {
    let m = DMatrix::from_row_slice(2, 3, &[0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
    let b = DMatrix::from_row_slice(1, 3, &[0.05, -0.1, 0.2]);
    let (_, (dm, db)) = add_row_bias_grad(&m, &b);
    // h = tanh(m + b), f = Σh + Σh²: df/dz = (1 + 2h)(1 - h²); db sums over the rows.
    let z = ops::add_row(&m, &b);
    let h = ops::tanh(&z);
    let dz = h.map(|v| (1.0 + 2.0 * v) * (1.0 - v * v));
    assert!((dm - &dz).abs().max() < 1e-12);
    assert!((db - ops::sum_rows(&dz)).abs().max() < 1e-12);
}
