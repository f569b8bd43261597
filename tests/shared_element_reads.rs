//! `a[i] * a[i]`: when both operands of an arithmetic operator are the same element read (same
//! base, same index, names and arithmetic only), the lowering reads the element once and both
//! operands use that value, so the reverse sweep keeps one record instead of two equal ones.
//! Members of the kind, each gradient against central differences: a slice parameter, a local
//! `Vec` (dense adjoint), an array parameter, a matrix entry, a field's element, an index
//! computed from arithmetic, `+` / `-` / `/` of the same element, a generic scalar, and
//! `order = 2` (Hessian against its analytic value).

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::eq_op)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

/// `Σ x_i²` over a slice parameter.
#[differentiable]
fn slice_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

/// A local `Vec` (dense adjoint), indices with arithmetic, and `+`, `-`, `/` of the same element.
#[differentiable]
fn local_vec_forms(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 0..n - 1 {
        v[i + 1] = v[i + 1] * v[i + 1] * 0.5 + v[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        // v + v = 2v; v - v = 0 (derivative 0); v / v = 1 (derivative 0 where v ≠ 0).
        s += (v[i] + v[i]) * x[i] + (v[n - 1 - i] - v[n - 1 - i]) + v[i] / v[i];
    }
    s
}

/// An array parameter and a matrix entry.
#[differentiable]
fn array_and_matrix(a: [f64; 3], m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for k in 0..3 {
        s += a[k] * a[k] * m[(k, k)];
    }
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            s += m[(i, j)] * m[(i, j)] * a[j];
        }
    }
    s
}

/// A field's element and a generic scalar.
#[derive(Clone, Debug, Differentiable)]
struct Weights {
    w: Vec<f64>,
}

#[differentiable]
fn field_elements(p: &Weights, x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..p.w.len() {
        s += p.w[i] * p.w[i] * x;
    }
    s
}

#[differentiable]
fn generic_squares<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

/// `x₀² x₁ + x₁²`: Hessian `[[2x₁, 2x₀], [2x₀, 2]]`.
#[differentiable(order = 2)]
fn squares_order2(x: &[f64]) -> f64 {
    x[0] * x[0] * x[1] + x[1] * x[1]
}

const X: [f64; 4] = [0.7, -1.3, 0.4, 1.1];

fn check(name: &str, got: &[f64], want: &[f64]) {
    let tol = Tolerance::new(1e-6, 1e-6);
    assert_eq!(got.len(), want.len(), "{name}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(tol.accepts(*g, *w), "{name}[{i}]: {g} vs {w}");
    }
}

#[test]
fn slices_local_vecs_and_generics_against_central_differences() {
    let (v, g) = slice_squares_grad(&X);
    assert!((v - slice_squares(&X)).abs() < 1e-12);
    check("slice", &g, &numeric_gradient(slice_squares, &X, 1e-6));

    let (v, g) = local_vec_forms_grad(&X);
    assert!((v - local_vec_forms(&X)).abs() < 1e-12);
    check(
        "local vec",
        &g,
        &numeric_gradient(local_vec_forms, &X, 1e-6),
    );

    let (_, g) = generic_squares_grad(&X[..]);
    check("generic", &g, &numeric_gradient(generic_squares, &X, 1e-6));
    // The same at f32, against the f64 derivative 3x².
    let x32: Vec<f32> = X.iter().map(|&x| x as f32).collect();
    let (_, g32) = generic_squares_grad(&x32[..]);
    for (g, x) in g32.iter().zip(X) {
        assert!((f64::from(*g) - 3.0 * x * x).abs() < 1e-5);
    }
}

#[test]
fn arrays_matrices_and_fields_against_central_differences() {
    let a = [0.3, -0.8, 1.2];
    let m = DMatrix::from_row_slice(3, 3, &[0.5, -1.0, 0.2, 0.9, 1.4, -0.3, 0.1, 0.6, -0.7]);
    let (_, (ga, gm)) = array_and_matrix_grad(a, &m);
    let pack = |a: &[f64], m: &DMatrix<f64>| -> Vec<f64> {
        let mut p = a.to_vec();
        p.extend(m.iter());
        p
    };
    let f = |p: &[f64]| {
        let a = [p[0], p[1], p[2]];
        array_and_matrix(a, &DMatrix::from_column_slice(3, 3, &p[3..]))
    };
    check(
        "array and matrix",
        &pack(&ga, &gm),
        &numeric_gradient(f, &pack(&a, &m), 1e-6),
    );

    let p = Weights { w: X.to_vec() };
    let (_, (gp, gx)) = field_elements_grad(&p, 0.6);
    let mut got = gp.w.clone();
    got.push(gx);
    let f = |q: &[f64]| field_elements(&Weights { w: q[..4].to_vec() }, q[4]);
    let mut at = X.to_vec();
    at.push(0.6);
    check("field", &got, &numeric_gradient(f, &at, 1e-6));
}

#[test]
fn order2_hessian_of_shared_reads() {
    let x = [0.8, -0.5];
    let h = squares_order2_hessian(&x[..]).2;
    let want = [[2.0 * x[1], 2.0 * x[0]], [2.0 * x[0], 2.0]];
    for (i, row) in want.iter().enumerate() {
        for (j, w) in row.iter().enumerate() {
            assert!(
                (h[(i, j)] - w).abs() < 1e-12,
                "H[{i},{j}] {} vs {w}",
                h[(i, j)]
            );
        }
    }
}
