//! TensorFlow's GradientTape semantics, one test each; expected numbers are derived in comments.

use nalgebra::DMatrix;

use super::super::{GradientOptions, GradientTape, Tensor, UnconnectedGradients, Variable};
use super::{assert_mat_close, fd};

#[test]
fn trainable_variables_are_watched_non_trainable_only_when_asked() {
    let w = Variable::new(2.0f64);
    let frozen = Variable::new(3.0f64).with_name("frozen").non_trainable();
    assert!(!frozen.trainable() && frozen.name() == "frozen" && w.name() == "Variable");
    let t = GradientTape::persistent();
    let y = w.read(&t) * frozen.read(&t);
    assert!((t.gradient(&y, &w).unwrap().scalar() - 3.0).abs() < 1e-12);
    assert!(t.gradient(&y, &frozen).is_none());
    let t = GradientTape::new();
    t.watch(&frozen);
    let y = w.read(&t) * frozen.read(&t);
    assert!((t.gradient(&y, &frozen).unwrap().scalar() - 2.0).abs() < 1e-12);
}

#[test]
fn a_watch_applies_to_later_uses_only() {
    let c = Tensor::constant(4.0f64);
    let t = GradientTape::new();
    let y = &c * &c; // not watched yet: not recorded
    t.watch(&c);
    assert!(t.gradient(&y, &c).is_none());
}

#[test]
fn watch_accessed_variables_false_watches_nothing_by_itself() {
    let x = Variable::new(1.5f64);
    let t = GradientTape::new().watch_accessed_variables(false);
    let y = x.read(&t).exp();
    assert!(t.gradient(&y, &x).is_none());
}

#[test]
fn targets_are_summed_and_matrix_targets_use_ones() {
    let x = Variable::new(DMatrix::from_row_slice(2, 1, &[1.0, 2.0]));
    let t = GradientTape::persistent();
    let xr = x.read(&t);
    let y = xr.square(); // d/dx Σ x² = 2x
    let g = t.gradient(&y, &x).unwrap().to_matrix();
    assert_mat_close(
        &g,
        &DMatrix::from_row_slice(2, 1, &[2.0, 4.0]),
        1e-12,
        "ones cotangent",
    );
    let z = &xr * 3.0; // [2x + 3]
    let g = t.gradient([&y, &z], &x).unwrap().to_matrix();
    assert_mat_close(
        &g,
        &DMatrix::from_row_slice(2, 1, &[5.0, 7.0]),
        1e-12,
        "two targets",
    );
    let both = vec![y.clone(), z.clone()];
    let g = t.gradient(&both, &x).unwrap().to_matrix();
    assert_mat_close(
        &g,
        &DMatrix::from_row_slice(2, 1, &[5.0, 7.0]),
        1e-12,
        "a Vec of targets",
    );
}

#[test]
fn gradient_with_respect_to_an_intermediate() {
    let x = Variable::new(3.0f64);
    let t = GradientTape::persistent();
    let y = x.read(&t).sin();
    let z = &y * &y + &y; // dz/dy = 2y + 1
    let dz_dy = t.gradient(&z, &y).unwrap().scalar();
    assert!((dz_dy - (2.0 * 3.0f64.sin() + 1.0)).abs() < 1e-12);
    // dz/dx = (2y + 1)·cos x
    let dz_dx = t.gradient(&z, &x).unwrap().scalar();
    assert!((dz_dx - (2.0 * 3.0f64.sin() + 1.0) * 3.0f64.cos()).abs() < 1e-12);
}

#[test]
fn none_is_decided_by_dependence_not_by_value() {
    let (a, b, c) = (
        Variable::new(2.0f64),
        Variable::new(5.0f64),
        Variable::new(1.0f64),
    );
    let t = GradientTape::persistent();
    let ar = a.read(&t);
    let _unused = c.read(&t) * 2.0; // read, but the target does not depend on it
    let y = &ar * 0.0 + b.read(&t).stop_gradient(); // depends on a (with derivative 0), not on b
    let (ga, gb, gc) = t.gradient(&y, (&a, &b, &c));
    assert!(ga.unwrap().scalar().abs() < 1e-15);
    assert!(gb.is_none() && gc.is_none());
    let zero = GradientOptions::new().unconnected_gradients(UnconnectedGradients::Zero);
    let m = Variable::new(DMatrix::from_element(2, 3, 1.0));
    let gs = t.gradient_with(&y, vec![&b, &m], &zero);
    assert!(gs[0].as_ref().unwrap().scalar().abs() < 1e-15);
    assert_eq!(
        gs[1].as_ref().unwrap().shape(),
        (2, 3),
        "zeros shaped like the source"
    );
}

#[test]
fn nested_tapes_give_the_hessian_of_central_differences() {
    // f(x) = x0² x1 + sin(x0 x1) on a 2-vector; the outer tape differentiates the inner gradient.
    let f = |x: &Tensor<f64>| {
        let (x0, x1) = (x.entry(0, 0), x.entry(1, 0));
        &x0.square() * &x1 + (&x0 * &x1).sin()
    };
    let x0 = DMatrix::from_row_slice(2, 1, &[0.7, -1.3]);
    let x = Variable::new(x0.clone());
    let outer = GradientTape::persistent();
    let inner = outer.nested();
    let y = f(&x.read(&inner));
    let g = inner.gradient(&y, &x).unwrap();
    let hess = outer.jacobian(&g, &x).unwrap();
    let grad_plain = |p: &DMatrix<f64>, i: usize| {
        let v = Variable::new(p.clone());
        let t = GradientTape::new();
        let y = f(&v.read(&t));
        t.gradient(&y, &v).unwrap().to_matrix()[(i, 0)]
    };
    for i in 0..2 {
        let row = fd(&|p| grad_plain(p, i), &x0);
        for j in 0..2 {
            assert!((hess[(i, j)] - row[(j, 0)]).abs() < 1e-6, "H[{i},{j}]");
        }
    }
}

#[test]
fn jacobian_of_a_vector_target() {
    // y = A·x  =>  ∂y/∂x = A
    let a = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let x = Variable::new(DMatrix::from_row_slice(2, 1, &[0.5, -0.5]));
    let t = GradientTape::new();
    let y = Tensor::constant(a.clone()).matmul(&x.read(&t));
    let j = t.jacobian(&y, &x).unwrap();
    assert_mat_close(&j, &a, 1e-12, "jacobian");
    let t = GradientTape::new();
    let y = Tensor::constant(a).matmul(&Tensor::constant(DMatrix::from_element(2, 1, 1.0)));
    assert!(t.jacobian(&y, &x).is_none());
}

#[test]
fn stop_gradients_hold_intermediates_constant() {
    // y = a·b with b = a²: dy/da = b + a·2a = 3a²; holding b: dy/da = b = a².
    let a = Variable::new(2.0f64);
    let t = GradientTape::persistent();
    let ar = a.read(&t);
    let b = ar.square();
    let y = &ar * &b;
    assert!((t.gradient(&y, &a).unwrap().scalar() - 12.0).abs() < 1e-12);
    let hold = GradientOptions::new().stop_gradients([&b]);
    let [ga, gb] = t.gradient_with(&y, [&ar, &b], &hold);
    assert!((ga.unwrap().scalar() - 4.0).abs() < 1e-12);
    assert!((gb.unwrap().scalar() - 2.0).abs() < 1e-12); // ∂y/∂b = a
}

#[test]
fn operations_after_stop_recording_are_not_recorded() {
    let x = Variable::new(2.0f64);
    let t = GradientTape::persistent();
    let y = x.read(&t) * 3.0;
    t.stop_recording();
    assert!(!t.is_recording());
    let z = &y * &y; // computed, not recorded
    assert!((z.scalar() - 36.0).abs() < 1e-12);
    assert!(!z.is_recorded());
    assert!(t.gradient(&z, &x).is_none());
    assert!((t.gradient(&y, &x).unwrap().scalar() - 3.0).abs() < 1e-12);
}

#[test]
#[should_panic(expected = "unrelated tape")]
fn tensors_of_unrelated_tapes_do_not_mix() {
    let x = Variable::new(1.0f64);
    let (t1, t2) = (GradientTape::persistent(), GradientTape::persistent());
    let _ = x.read(&t1) + x.read(&t2);
}

#[test]
#[should_panic(expected = "not on this tape")]
fn a_target_of_another_tape_is_refused() {
    let x = Variable::new(1.0f64);
    let t1 = GradientTape::persistent();
    let y = x.read(&t1).exp();
    let t2 = GradientTape::new();
    let _ = t2.gradient(&y, &x);
}

#[test]
fn variable_assignments() {
    let v = Variable::new(DMatrix::from_element(2, 2, 1.0));
    v.assign_add(DMatrix::from_element(2, 2, 0.5));
    v.assign_sub(Tensor::constant(DMatrix::from_element(2, 2, 2.0)));
    assert_mat_close(
        &v.to_matrix(),
        &DMatrix::from_element(2, 2, -0.5),
        1e-15,
        "assign ops",
    );
    v.assign(DMatrix::from_element(2, 2, 7.0));
    let shared = v.clone();
    assert!(
        (shared.to_matrix()[(1, 1)] - 7.0).abs() < 1e-15,
        "clones share the value"
    );
}

#[test]
#[should_panic(expected = "assign_sub on variable `w`: it holds a 2×2 value, the new one is 3×1")]
fn a_wrong_shape_assignment_panics_before_changing_anything() {
    let v = Variable::new(DMatrix::from_element(2, 2, 1.0)).with_name("w");
    v.assign_sub(DMatrix::from_element(3, 1, 1.0));
}
