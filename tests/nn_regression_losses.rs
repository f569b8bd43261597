//! `MeanAbsoluteError` and `Huber` against Keras' own losses and gradients
//! (`reference/regression_loss_refs.json`, made by `reference/regression_loss_refs.py`; Keras
//! computes them in float32), against central differences in f64, and their Hessian-vector
//! products through an `order = 2` function against central differences of its gradient.

use autodiff::check::{self, Tolerance};
use autodiff::nn::losses::{Huber, MeanAbsoluteError, Reduction};
use autodiff::prelude::*;
use serde_json::Value;

fn refs() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reference/regression_loss_refs.json"
    );
    serde_json::from_str(
        &std::fs::read_to_string(path).expect("reference/regression_loss_refs.json"),
    )
    .unwrap()
}

#[path = "support/json_matrix.rs"]
mod json_matrix;
use json_matrix::matrix;

/// The loss and its gradient (the pullback at 1).
fn at_one(r: (f32, impl Fn(f32) -> DMatrix<f32>)) -> (f32, DMatrix<f32>) {
    (r.0, (r.1)(1.0))
}

#[test]
fn losses_and_gradients_match_keras_in_f32() {
    let r = refs();
    let (y, p) = (matrix::<f32>(&r["y_true"]), matrix::<f32>(&r["y_pred"]));
    let (mae, mae_sum) = (
        MeanAbsoluteError::new(),
        MeanAbsoluteError::new().reduction(Reduction::Sum),
    );
    let (h1, h03, h2sum) = (
        Huber::new(),
        Huber::new().delta(0.3),
        Huber::new().delta(2.0).reduction(Reduction::Sum),
    );
    let cases = [
        ("mae_f32", at_one(mae.call_vjp(&y, &p))),
        ("mae_sum_f32", at_one(mae_sum.call_vjp(&y, &p))),
        ("huber_f32", at_one(h1.call_vjp(&y, &p))),
        ("huber_delta_f32", at_one(h03.call_vjp(&y, &p))),
        ("huber_sum_f32", at_one(h2sum.call_vjp(&y, &p))),
    ];
    for (name, (l, g)) in cases {
        let want = &r[name];
        check::assert_close(
            l as f64,
            want["loss"].as_f64().unwrap(),
            Tolerance::new(1e-6, 1e-6),
        );
        let wg = matrix::<f32>(&want["grad"]);
        for (a, b) in g.iter().zip(wg.iter()) {
            assert!(
                (a - b).abs() <= 1e-6,
                "{name}: gradient {g} against Keras {wg}"
            );
        }
    }
}

/// The Huber configuration comes in as data: in a concrete `order = 2` function a float literal
/// is the scalar, which `delta(f64)` does not take.
#[differentiable(order = 2, wrt(p))]
fn regression_loss(p: &DMatrix<f64>, y: &DMatrix<f64>, #[no_grad] huber: &Huber) -> f64 {
    let scaled = p.component_mul(p);
    huber.call(y, &scaled) + 0.5 * MeanAbsoluteError::new().call(y, p)
}

#[test]
fn gradients_and_hessians_against_central_differences() {
    let y = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, -0.5, 0.0, 3.0, 1.5]);
    let p = DMatrix::from_row_slice(2, 3, &[1.3, 0.2, -0.9, 0.6, 1.9, 0.25]);
    let h07 = Huber::new().delta(0.7);
    let f = |x: &[f64]| regression_loss(&DMatrix::from_column_slice(2, 3, x), &y, &h07);
    let (v, g) = regression_loss_grad(&p, &y, &h07);
    check::assert_close(v, f(p.as_slice()), Tolerance::tight());
    check::assert_gradient(
        f,
        p.as_slice(),
        g.as_slice(),
        1e-6,
        Tolerance::new(1e-7, 1e-6),
    );
    let (_, _, h) = regression_loss_hessian(&p, &y, &h07);
    for k in 0..6 {
        let fd = check::numeric_gradient(
            |x| {
                regression_loss_grad(&DMatrix::from_column_slice(2, 3, x), &y, &h07)
                    .1
                    .as_slice()[k]
            },
            p.as_slice(),
            1e-5,
        );
        let row: Vec<f64> = (0..6).map(|c| h[(k, c)]).collect();
        check::assert_slices(&row, &fd, Tolerance::new(1e-6, 1e-6));
    }
}

#[test]
#[should_panic(expected = "delta must be finite and not negative")]
fn a_negative_delta_is_refused() {
    let _ = Huber::new().delta(-1.0);
}
