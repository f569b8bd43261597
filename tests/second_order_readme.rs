//! The second-order section of the README (README.md), verbatim.

use autodiff::prelude::*;

#[differentiable(order = 2)]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        s += 100.0 * a * a + (1.0 - x[i]) * (1.0 - x[i]);
    }
    s
}

#[test]
fn readme_second_order() {
    // One Newton step on the 2-d Rosenbrock function: x <- x - H⁻¹ ∇f.
    let x = vec![-1.2, 1.0];
    let (_, g, h) = rosenbrock_hessian(&x);
    let step = h
        .clone()
        .lu()
        .solve(&DVector::from_vec(g))
        .expect("H is invertible here");
    let next: Vec<f64> = x.iter().zip(step.iter()).map(|(a, d)| a - d).collect();
    assert!(rosenbrock(&next) < rosenbrock(&x));

    // H·v without forming H: the same as the Hessian times v.
    let v = vec![1.0, 0.5];
    let (_, _, hv) = rosenbrock_hvp(&x, v.clone());
    let want = &h * DVector::from_vec(v);
    assert!((hv[0] - want[0]).abs() < 1e-9 && (hv[1] - want[1]).abs() < 1e-9);
}
