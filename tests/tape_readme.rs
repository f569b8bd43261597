//! The tape snippets of README.md, run as written.

use autodiff::prelude::*;

#[test]
fn readme_tape_snippet() {
    // The seed's first cells, line for line.
    let (x1, x2) = (Variable::new(2.0f32), Variable::new(3.0f32));
    let t = GradientTape::persistent();
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    let [d1, d2] = t.gradient(&z, [&x1, &x2]);
    assert!((d1.unwrap().scalar() - 4.0).abs() < 1e-6); // 2·x1
    assert!((d2.unwrap().scalar() - 27.0).abs() < 1e-6); // 3·x2²

    // Nested tapes: the outer one differentiates the inner gradient; None where TF has None.
    let outer = GradientTape::persistent();
    let inner = outer.nested();
    let z = x1.read(&inner).powi(2) + x2.read(&inner) + 1.0;
    let [g1, g2] = inner.gradient(&z, [&x1, &x2]);
    let [h11, h12] = outer.gradient(&g1.unwrap(), [&x1, &x2]);
    assert!((h11.unwrap().scalar() - 2.0).abs() < 1e-6); // ∂²z/∂x1²
    assert!(h12.is_none());
    assert!(outer.gradient(&g2.unwrap(), &x1).is_none());

    // A compiled function through the tape is one node; the tape applies the chain rule around it.
    #[differentiable]
    fn loss(w: &DMatrix<f64>, x: &DMatrix<f64>) -> f64 {
        let e = w * x;
        e.norm_squared()
    }
    let w = Variable::new(DMatrix::from_row_slice(1, 2, &[0.5, -1.0])).with_name("w");
    let x = Tensor::constant(DMatrix::from_column_slice(2, 1, &[1.0, 2.0]));
    let mut opt = optim::Adam::new(0.1);
    for _ in 0..200 {
        let t = GradientTape::new();
        let l = t.call2(loss_grad, &w.read(&t), &x) * 0.5;
        opt.apply_gradients_to(&t.gradient(&l, [&w]), [&w]);
    }
    assert!(loss(&w.to_matrix(), &x.to_matrix()) < 1e-6);
}
