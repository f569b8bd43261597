//! Optimizers on tape variables: `apply_gradients_to` and `Parameters` for `Variable` take the
//! same steps as the optimizer on plain values.

use autodiff::prelude::*;

#[test]
fn apply_gradients_to_matches_adam_on_plain_values() {
    // loss = Σ (W·x - y)² + b², one Adam step per iteration, against the same steps on a Vec of
    // plain matrices with hand-derived gradients: dW = 2(Wx - y)xᵀ, db = 2b.
    let x = DMatrix::from_column_slice(2, 1, &[1.0, -2.0]);
    let y = DMatrix::from_column_slice(2, 1, &[0.5, 1.0]);
    let w = Variable::new(DMatrix::from_row_slice(2, 2, &[0.1, 0.2, -0.3, 0.4])).with_name("w");
    let b = Variable::new(0.7).with_name("b");
    let mut plain = vec![w.to_matrix(), DMatrix::from_element(1, 1, 0.7)];
    let (mut opt, mut opt_plain) = (optim::Adam::new(0.05), optim::Adam::new(0.05));
    for _ in 0..20 {
        let t = GradientTape::new();
        let e = w.read(&t).matmul(&Tensor::constant(x.clone())) - Tensor::constant(y.clone());
        let loss = e.square().sum() + b.read(&t).square();
        let grads = t.gradient(&loss, [&w, &b]);
        opt.apply_gradients_to(&grads, [&w, &b]);

        let e = &plain[0] * &x - &y;
        let g = vec![
            2.0 * &e * x.transpose(),
            DMatrix::from_element(1, 1, 2.0 * plain[1][(0, 0)]),
        ];
        opt_plain.apply_gradients(&mut plain, &g);
    }
    for (p, q) in w.to_matrix().iter().zip(plain[0].iter()) {
        assert!((p - q).abs() < 1e-12, "{p} vs {q}");
    }
    assert!((b.scalar() - plain[1][(0, 0)]).abs() < 1e-12);
}

#[test]
fn variables_are_parameters() {
    let mut vars = vec![
        Variable::new(1.0),
        Variable::new(DMatrix::from_element(2, 1, 2.0)),
    ];
    assert_eq!(vars.num_params(), 3);
    let grads = vec![
        Variable::new(0.5),
        Variable::new(DMatrix::from_element(2, 1, 1.0)),
    ];
    let mut opt = optim::Sgd::new(0.1);
    opt.apply_gradients(&mut vars, &grads); // w -= 0.1·g, in place through the RefCell
    assert!((vars[0].scalar() - 0.95).abs() < 1e-7);
    assert!((vars[1].to_matrix()[(1, 0)] - 1.9).abs() < 1e-7);
}

#[test]
#[should_panic(expected = "no gradient for variable `unused`")]
fn a_missing_gradient_is_refused() {
    let (w, unused) = (Variable::new(1.0), Variable::new(2.0).with_name("unused"));
    let t = GradientTape::new();
    let loss = w.read(&t).square();
    let grads = t.gradient(&loss, [&w, &unused]);
    optim::Sgd::new(0.1).apply_gradients_to(&grads, [&w, &unused]);
}
