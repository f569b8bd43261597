//! Unit tests of the tape: every rule against central differences in f64, and TensorFlow's
//! semantics (watching, `None`, nesting, targets, options, misuse).

mod assign;
mod families;
mod fast_path;
mod plain_path;
mod replay;
mod rules;
mod semantics;
mod zero_rule;

use nalgebra::DMatrix;

use super::{GradientTape, Tensor};

/// A deterministic matrix with entries in roughly [-1, 1] (plus `shift`).
pub(super) fn mat(rows: usize, cols: usize, seed: u64, shift: f64) -> DMatrix<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    DMatrix::from_fn(rows, cols, |_, _| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0 + shift
    })
}

/// Central differences of the scalar `f` at `x`, entry by entry (step 1e-6).
pub(super) fn fd(f: &dyn Fn(&DMatrix<f64>) -> f64, x: &DMatrix<f64>) -> DMatrix<f64> {
    let h = 1e-6;
    DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| {
        let (mut p, mut m) = (x.clone(), x.clone());
        p[(i, j)] += h;
        m[(i, j)] -= h;
        (f(&p) - f(&m)) / (2.0 * h)
    })
}

/// The tape gradient of `sum(w ⊙ op(x))` for a fixed weight `w` (so every entry's pullback is
/// exercised with a distinct cotangent).
pub(super) fn tape_grad(
    op: &dyn Fn(&Tensor<f64>) -> Tensor<f64>,
    x: &DMatrix<f64>,
) -> DMatrix<f64> {
    let xt = Tensor::constant(x.clone());
    let tape = GradientTape::persistent();
    tape.watch(&xt);
    let y = op(&xt);
    let (r, c) = y.shape();
    let w = Tensor::constant(mat(r, c, 99, 0.0));
    let target = if y.value().is_scalar() {
        &y * 0.7
    } else {
        (&y * &w).sum()
    };
    // A persistent tape still records while it differentiates (the recorded pullbacks that
    // nested tapes use); the one-shot tape has stopped (the plain-value pullbacks).
    let recorded = tape.gradient(&target, &xt).expect("connected").to_matrix();
    tape.stop_recording();
    let one_shot = GradientTape::new();
    one_shot.watch(&xt);
    let y = op(&xt);
    let target = if y.value().is_scalar() {
        &y * 0.7
    } else {
        (&y * &w).sum()
    };
    let plain = one_shot
        .gradient(&target, &xt)
        .expect("connected")
        .to_matrix();
    assert_mat_close(&recorded, &plain, 1e-12, "recorded and plain pullbacks");
    plain
}

/// The plain value of `sum(w ⊙ op(x))`, with no tape.
pub(super) fn plain(op: &dyn Fn(&Tensor<f64>) -> Tensor<f64>, x: &DMatrix<f64>) -> f64 {
    let y = op(&Tensor::constant(x.clone()));
    let (r, c) = y.shape();
    if y.value().is_scalar() {
        y.scalar() * 0.7
    } else {
        (&y * &Tensor::constant(mat(r, c, 99, 0.0))).sum().scalar()
    }
}

pub(super) fn assert_mat_close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64, what: &str) {
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{what}: {a} vs {b}");
    }
}
