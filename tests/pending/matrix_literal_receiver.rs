//! PENDING (does not compile; not a test target): a product of a matrix and a numeric literal
//! used by reference afterwards (as a method receiver or an `ops` argument). See
//! /work/notes/matrix-findings.md, finding 1. Copy to `tests/` and `cargo test` to reproduce.
//!
//! The reverse sweep recomputes the "cheap" value `2.0 * a` instead of saving it, and writes the
//! recomputation with both operands borrowed (`&(2.0) * a`, `a * &(2.0)`), for which nalgebra
//! has no `Mul` impl:
//! `error[E0277]: cannot multiply `&{float}` by `&Matrix<f64, Dyn, Dyn, VecStorage<f64, Dyn, Dyn>>``
//! at the `#[differentiable]` attribute.

use autodiff::prelude::*;

/// As in the corpus's `scalar_matrix`: `(2.0 * a).mean()`.
#[differentiable]
fn literal_left(a: &DMatrix<f64>) -> f64 {
    (2.0 * a).mean()
}

/// The literal on the right, bound to a local first.
#[differentiable]
fn literal_right_local(a: &DMatrix<f64>) -> f64 {
    let h = a * 2.0;
    h.sum() + h.norm()
}

/// The literal product passed to an `ops` function.
#[differentiable]
fn literal_into_ops(a: &DMatrix<f64>) -> f64 {
    let h = a * 2.0;
    ops::relu(&h).sum()
}

#[test]
fn literal_products_used_by_reference() {
    let a = DMatrix::from_row_slice(2, 2, &[1.0, -2.0, 3.0, 4.0]);
    // d/dA mean(2A) = 2/4 everywhere.
    assert_eq!(literal_left_grad(&a).1, DMatrix::from_element(2, 2, 0.5));
    // d/dA [Σ 2A + ‖2A‖] = 2 + 2A/‖A‖.
    let expected = DMatrix::from_element(2, 2, 2.0) + &a * (2.0 / a.norm());
    assert!((literal_right_local_grad(&a).1 - expected).abs().max() < 1e-12);
    // d/dA Σ relu(2A) = 2·[A > 0].
    let expected = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 2.0, 2.0]);
    assert_eq!(literal_into_ops_grad(&a).1, expected);
}
