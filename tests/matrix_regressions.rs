//! Matrix regressions: functions that once failed to compile, each checked against a closed form.

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
    assert!(
        (literal_left_grad(&a).1 - DMatrix::from_element(2, 2, 0.5))
            .abs()
            .max()
            < 1e-12
    );
    // d/dA [Σ 2A + ‖2A‖] = 2 + 2A/‖A‖.
    let expected = DMatrix::from_element(2, 2, 2.0) + &a * (2.0 / a.norm());
    assert!((literal_right_local_grad(&a).1 - expected).abs().max() < 1e-12);
    // d/dA Σ relu(2A) = 2·[A > 0].
    let expected = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 2.0, 2.0]);
    assert!((literal_into_ops_grad(&a).1 - expected).abs().max() < 1e-12);
}

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

#[differentiable]
fn l1(m: &DMatrix<f64>) -> f64 {
    m.abs().sum()
}
#[test]
fn matrix_abs() {
    let m = DMatrix::from_row_slice(2, 2, &[1.5, -2.0, 0.0, 3.0]);
    let (v, g) = l1_grad(&m);
    assert!((v - 6.5).abs() < 1e-12);
    let want = [1.0, -1.0, 0.0, 1.0];
    for (k, w) in want.iter().enumerate() {
        let (i, j) = (k / 2, k % 2);
        assert!((g[(i, j)] - w).abs() < 1e-12, "{g}");
    }
    let (_, t) = l1_jvp(&m, DMatrix::from_element(2, 2, 1.0));
    assert!((t - 1.0).abs() < 1e-12);
}
