//! The matrix benchmark workloads (`benches/common_matrix/mod.rs`) are checked here before anyone
//! times them: each hand-written gradient against central finite differences entry by entry (at
//! small sizes), and the generated gradients against the hand-written ones at the benchmark's
//! own sizes, so the timings compare equal work.

#[path = "../common_matrix/mod.rs"]
mod common_matrix;
use common_matrix::*;

use autodiff::check::{DEFAULT_ETA, Tolerance, assert_gradient, assert_slices};
use autodiff::prelude::*;

/// `f32` values widened.
fn wide(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

#[test]
fn mlp_hand_gradient_against_finite_differences() {
    // Small sizes, the same code: 4 inputs, 5 hidden, 3 outputs, batch 6.
    let model = Mlp::new(4, 5, 3);
    let (x, y) = mlp_data(6, 4, 3);
    // Away from relu's kink: every pre-activation at least 1e-2 from zero.
    let z1 = ops::add_row(&(&x * &model.w1), &model.b1);
    assert!(z1.iter().all(|v| v.abs() > 1e-2), "{z1}");

    let (loss, grad) = mlp_loss_hand(&model, &x, &y);
    assert!((loss - mlp_loss(&model, &x, &y)).abs() < 1e-5);
    let p0 = wide(&model.to_flat_vec());
    let f = |p: &[f64]| {
        let mut m = model.clone();
        m.copy_from_flat(&p.iter().map(|&v| v as f32).collect::<Vec<_>>());
        f64::from(mlp_loss(&m, &x, &y))
    };
    // f32 arithmetic: a step of 1e-2 and the f32 tolerance.
    assert_gradient(f, &p0, &wide(&grad.to_flat_vec()), 1e-2, Tolerance::f32());
}

#[test]
fn mlp_generated_equals_hand_at_benchmark_size() {
    let model = Mlp::new(MLP_IN, MLP_HIDDEN, MLP_OUT);
    let (x, y) = mlp_data(MLP_BATCH, MLP_IN, MLP_OUT);
    let (l1, g1) = mlp_loss_grad(&model, &x, &y);
    let (l2, g2) = mlp_loss_hand(&model, &x, &y);
    assert!((l1 - l2).abs() < 1e-5 * l1.abs().max(1.0), "{l1} vs {l2}");
    assert!(l1 > 1.0, "a loss of the expected scale: {l1}");
    assert_slices(
        &wide(&g1.to_flat_vec()),
        &wide(&g2.to_flat_vec()),
        Tolerance::new(1e-6, 1e-4),
    );
}

#[test]
fn adam_steps_agree_and_lower_the_loss() {
    let (x, y) = mlp_data(MLP_BATCH, MLP_IN, MLP_OUT);
    let mut a = Mlp::new(MLP_IN, MLP_HIDDEN, MLP_OUT);
    let mut b = a.clone();
    let (mut adam_a, mut adam_b) = (Adam::new(&a), Adam::new(&b));
    let first = mlp_loss(&a, &x, &y);
    for _ in 0..50 {
        mlp_step_generated(&mut a, &mut adam_a, &x, &y);
        mlp_step_hand(&mut b, &mut adam_b, &x, &y);
    }
    let (la, lb) = (mlp_loss(&a, &x, &y), mlp_loss(&b, &x, &y));
    assert!(la < first - 1e-2, "{first} -> {la}");
    assert!((la - lb).abs() < 1e-4, "{la} vs {lb}");
    assert_slices(
        &wide(&a.to_flat_vec()),
        &wide(&b.to_flat_vec()),
        Tolerance::new(1e-5, 1e-4),
    );
}

#[test]
fn chain_hand_gradients_against_finite_differences() {
    for n in [1, 3, 5] {
        let (a, b) = chain_inputs(n);
        let (v, (da, db)) = chain3_hand(&a, &b);
        assert!((v - chain3(&a, &b)).abs() < 1e-12);
        let mut p = a.as_slice().to_vec();
        p.extend_from_slice(b.as_slice());
        let f = |p: &[f64]| {
            let a = DMatrix::from_column_slice(n, n, &p[..n * n]);
            let b = DMatrix::from_column_slice(n, n, &p[n * n..]);
            chain3(&a, &b)
        };
        let mut g = da.as_slice().to_vec();
        g.extend_from_slice(db.as_slice());
        assert_gradient(f, &p, &g, DEFAULT_ETA, Tolerance::default());

        let (v2, da2) = chain3_wrt_a_hand(&a, &b);
        assert!(Tolerance::tight().accepts(v2, v), "{v2} vs {v}");
        assert_slices(da2.as_slice(), da.as_slice(), Tolerance::tight());
    }
}

#[test]
fn chain_generated_equals_hand_at_benchmark_size() {
    let (a, b) = chain_inputs(CHAIN_N);
    let (v1, (da1, db1)) = chain3_grad(&a, &b);
    let (v2, (da2, db2)) = chain3_hand(&a, &b);
    let tol = Tolerance::new(1e-9, 1e-9);
    assert!(tol.accepts(v1, v2), "{v1} vs {v2}");
    assert_slices(da1.as_slice(), da2.as_slice(), tol);
    assert_slices(db1.as_slice(), db2.as_slice(), tol);
    let (v3, da3) = chain3_wrt_a_grad(&a, &b);
    assert!(tol.accepts(v3, v2));
    assert_slices(da3.as_slice(), da2.as_slice(), tol);
    let (_, da4) = chain3_wrt_a_hand(&a, &b);
    assert_slices(da4.as_slice(), da2.as_slice(), tol);
}

#[test]
fn elem_loop_hand_gradient_against_finite_differences() {
    let m = elem_input(7);
    assert!(m.iter().any(|&v| v > 0.0) && m.iter().any(|&v| v < 0.0));
    let (v, g) = elem_loop_hand(&m);
    assert!((v - elem_loop(&m)).abs() < 1e-12);
    let f = |p: &[f64]| elem_loop(&DMatrix::from_column_slice(7, 7, p));
    assert_gradient(
        f,
        m.as_slice(),
        g.as_slice(),
        DEFAULT_ETA,
        Tolerance::default(),
    );
}

#[test]
fn elem_loop_generated_equals_hand_at_benchmark_size() {
    let m = elem_input(ELEM_N);
    assert!(m.iter().all(|v| v.abs() >= 0.05));
    let (v1, g1) = elem_loop_grad(&m);
    let (v2, g2) = elem_loop_hand(&m);
    let tol = Tolerance::new(1e-12, 1e-12);
    assert!(tol.accepts(v1, v2), "{v1} vs {v2}");
    assert_eq!(g1.shape(), g2.shape());
    assert_slices(g1.as_slice(), g2.as_slice(), tol);
}
