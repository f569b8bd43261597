//! `order = 2` on `f64` arithmetic over borrowed values (`&a * &b`, `&a * b`, `a * &b`, `-&a`),
//! as `for a in x.iter()` and `.zip(..)` loops write it: each Hessian against central
//! differences of the gradient, each `_hvp` against `Hessian · v`.

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

/// `Σ a² c + a/2 - (-a)` over borrowed elements.
#[differentiable(order = 2)]
fn borrowed_terms(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for a in x.iter() {
        s += a * a * c + a / 2.0 - -a;
    }
    s
}

/// `Σ a b` over a zip, plus `r · r` of a borrowed element.
#[differentiable(order = 2)]
fn borrowed_zip(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(y.iter()) {
        s += a * b;
    }
    let r = &x[0];
    s + r * r * r
}

/// Checks `hessian` against central differences of `grad` and `hvp` against `H · v`.
fn check(
    name: &str,
    p: &[f64],
    grad: impl Fn(&[f64]) -> Vec<f64>,
    hessian: impl Fn(&[f64]) -> DMatrix<f64>,
    hvp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) {
    let n = p.len();
    let h = hessian(p);
    let tol = Tolerance::new(1e-6, 1e-6);
    for j in 0..n {
        let column = numeric_gradient(|q| grad(q)[j], p, 1e-5);
        for i in 0..n {
            assert!(tol.accepts(h[(j, i)], column[i]), "{name}: H[{j},{i}]");
        }
    }
    let v: Vec<f64> = (0..n).map(|k| 0.3 + 0.1 * k as f64).collect();
    let hv = hvp(p, &v);
    for i in 0..n {
        let want: f64 = (0..n).map(|k| h[(i, k)] * v[k]).sum();
        assert!(Tolerance::tight().accepts(hv[i], want), "{name}: (Hv)[{i}]");
    }
}

#[test]
fn borrowed_arithmetic_has_exact_second_derivatives() {
    let split = |p: &[f64]| (p[..3].to_vec(), p[3]);
    check(
        "borrowed_terms",
        &[0.4, -1.1, 2.0, 0.7],
        |p| {
            let (x, c) = split(p);
            let (_, (mut gx, gc)) = borrowed_terms_grad(&x, c);
            gx.push(gc);
            gx
        },
        |p| {
            let (x, c) = split(p);
            borrowed_terms_hessian(&x, c).2
        },
        |p, v| {
            let (x, c) = split(p);
            let (_, _, (mut hx, hc)) = borrowed_terms_hvp(&x, c, v[..3].to_vec(), v[3]);
            hx.push(hc);
            hx
        },
    );
    let halves = |p: &[f64]| (p[..2].to_vec(), p[2..].to_vec());
    check(
        "borrowed_zip",
        &[0.4, -1.1, 2.0, 0.7],
        |p| {
            let (x, y) = halves(p);
            let (_, (mut gx, gy)) = borrowed_zip_grad(&x, &y);
            gx.extend(gy);
            gx
        },
        |p| {
            let (x, y) = halves(p);
            borrowed_zip_hessian(&x, &y).2
        },
        |p, v| {
            let (x, y) = halves(p);
            let (_, _, (mut hx, hy)) = borrowed_zip_hvp(&x, &y, v[..2].to_vec(), v[2..].to_vec());
            hx.extend(hy);
            hx
        },
    );
    // An analytic anchor: ∂²/∂c∂x_i of Σ a² c is 2 x_i, ∂²/∂x_i² is 2c.
    let h = borrowed_terms_hessian(&[0.4, -1.1, 2.0], 0.7).2;
    assert!((h[(3, 1)] - 2.0 * -1.1).abs() < 1e-12 && (h[(1, 1)] - 1.4).abs() < 1e-12);
}
