//! Metrics against TensorFlow's numbers (`reference/tf_refs.json`): the same updates in the same
//! order give the same `result()` after each, and `reset_state` starts over.

use autodiff::check::{self, Tolerance};
use autodiff::nn::metrics::{
    BinaryAccuracy, CategoricalAccuracy, Mean, MeanSquaredError, SparseCategoricalAccuracy,
};
use autodiff::prelude::*;
use serde_json::Value;

#[path = "support/json_matrix.rs"]
mod json_matrix;
use json_matrix::matrix;

fn refs() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/tf_refs.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference/tf_refs.json")).unwrap()
}

/// TF accumulates in float32; we accumulate in f64.
const TOL: Tolerance = Tolerance::new(1e-7, 1e-6);

/// A scalar, a list or a list of lists as a batch matrix (a scalar is one sample, a list of
/// numbers is one sample per entry when `column`, else one row).
fn as_matrix(v: &Value, column: bool) -> DMatrix<f64> {
    match v {
        Value::Number(n) => DMatrix::from_element(1, 1, n.as_f64().unwrap()),
        Value::Array(a) if a.iter().all(Value::is_number) => {
            let x: Vec<f64> = a.iter().map(|x| x.as_f64().unwrap()).collect();
            if column {
                DMatrix::from_column_slice(x.len(), 1, &x)
            } else {
                DMatrix::from_row_slice(1, x.len(), &x)
            }
        }
        Value::Array(_) => matrix(v),
        other => panic!("unexpected {other}"),
    }
}

fn flat(v: &Value) -> Vec<f64> {
    as_matrix(v, true).transpose().iter().copied().collect()
}

fn expected(entry: &Value) -> Vec<f64> {
    entry["result_after_each_update"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn mean_and_weighted_mean() {
    let r = refs();
    let entry = &r["metrics"]["mean"];
    let mut m = Mean::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        let v = &u["args"][0];
        // A 2-D value is per-sample rows (Keras reduces each row to its mean); else a flat list.
        if v.as_array().is_some_and(|a| a.iter().all(Value::is_array)) {
            m.update_state_rows(&as_matrix(v, false));
        } else {
            m.update_state(&flat(v));
        }
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(
        m.result(),
        entry["result_after_reset"].as_f64().unwrap(),
        TOL,
    );

    let entry = &r["metrics"]["mean_sample_weight"];
    let mut m = Mean::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        let values = flat(&u["args"][0]);
        match &u["kwargs"]["sample_weight"] {
            Value::Number(w) => m.update_state_with_weight(&values, w.as_f64().unwrap()),
            w => m.update_state_weighted(&values, &flat(w)),
        }
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(m.result(), 0.0, TOL);
}

#[test]
fn mean_squared_error_metric() {
    let r = refs();
    let entry = &r["metrics"]["mean_squared_error"];
    let mut m = MeanSquaredError::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        // `[5.0]` against `[6]` is one sample with one output.
        let (y, p) = (
            as_matrix(&u["args"][0], false),
            as_matrix(&u["args"][1], false),
        );
        m.update_state(&y, &p);
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(m.result(), 0.0, TOL);
}

#[test]
fn categorical_accuracy_breaks_ties_like_tf() {
    let r = refs();
    assert_eq!(r["metrics"]["argmax_ties"]["tf.argmax([0.4,0.4,0.2])"], 0);
    let entry = &r["metrics"]["categorical_accuracy"];
    let mut m = CategoricalAccuracy::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        m.update_state(
            &as_matrix(&u["args"][0], false),
            &as_matrix(&u["args"][1], false),
        );
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(m.result(), 0.0, TOL);
}

#[test]
fn sparse_categorical_accuracy() {
    let r = refs();
    let entry = &r["metrics"]["sparse_categorical_accuracy"];
    let mut m = SparseCategoricalAccuracy::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        // Labels come as [[2], [1]] or [0, 1].
        let labels: Vec<usize> = flat(&u["args"][0]).iter().map(|&c| c as usize).collect();
        m.update_state(&labels, &as_matrix(&u["args"][1], false));
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(m.result(), 0.0, TOL);
}

#[test]
fn binary_accuracy_threshold_is_strict() {
    let r = refs();
    let entry = &r["metrics"]["binary_accuracy"];
    let mut m = BinaryAccuracy::new();
    for (u, want) in entry["updates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected(entry))
    {
        m.update_state(
            &as_matrix(&u["args"][0], false),
            &as_matrix(&u["args"][1], false),
        );
        check::assert_close(m.result(), want, TOL);
    }
    m.reset_state();
    check::assert_close(m.result(), 0.0, TOL);
}

#[test]
fn metrics_accept_f32() {
    let mut m = CategoricalAccuracy::new();
    let y = DMatrix::from_row_slice(2, 2, &[1.0f32, 0.0, 0.0, 1.0]);
    let p = DMatrix::from_row_slice(2, 2, &[0.9f32, 0.1, 0.8, 0.2]);
    m.update_state(&y, &p);
    check::assert_close(m.result(), 0.5, TOL);
    assert_eq!(m.count(), 2.0);
}

/// Keras casts the threshold to the predictions' dtype: a prediction equal to the threshold in
/// that dtype is class 0, the next number up is class 1, for thresholds that round up (0.1, 0.2,
/// 1/3 in f32), down (0.7, 0.9) or not at all (0, 0.5).
#[test]
fn binary_accuracy_compares_in_the_predictions_type() {
    fn check<T: Real>(next_up: fn(T) -> T) {
        for t in [0.1, 0.2, 0.3, 1.0 / 3.0, 0.5, 0.7, 0.9, 0.0, -0.25] {
            let at = T::from_f64(t);
            let mut m = BinaryAccuracy::new().threshold(t);
            // Equal: class 0, so target 0 matches.
            m.update_state(
                &DMatrix::from_row_slice(1, 1, &[T::zero()]),
                &DMatrix::from_row_slice(1, 1, &[at]),
            );
            check::assert_close(m.result(), 1.0, TOL);
            m.reset_state();
            m.update_state(
                &DMatrix::from_row_slice(1, 1, &[T::one()]),
                &DMatrix::from_row_slice(1, 1, &[next_up(at)]),
            );
            check::assert_close(m.result(), 1.0, TOL);
        }
    }
    check::<f32>(f32::next_up);
    check::<f64>(f64::next_up);
}

/// Documented difference: a soft target is a class here (above 0.5: class 1); Keras compares it
/// exactly with the 0/1 prediction (so `[0.7, 0.2]` against `[0.9, 0.1]` gives Keras 0).
#[test]
fn binary_accuracy_reads_soft_targets_as_classes() {
    let mut m = BinaryAccuracy::new();
    m.update_state(
        &DMatrix::from_row_slice(1, 3, &[0.7f32, 0.2, 0.5]),
        &DMatrix::from_row_slice(1, 3, &[0.9f32, 0.1, 0.4]),
    );
    check::assert_close(m.result(), 1.0, TOL);
}

/// `tf.argmax([nan, 0.5, 0.2])` is 1: TensorFlow's argmax passes over NaN entries wherever they
/// are; a row of NaN gives 0.
#[test]
fn argmax_passes_over_nan_like_tf() {
    let nan = f64::NAN;
    let cases: [([f64; 3], usize); 6] = [
        ([nan, 0.5, 0.2], 1),
        ([0.1, nan, 0.2], 2),
        ([0.3, nan, 0.2], 0),
        ([0.1, 0.2, nan], 1),
        ([nan, nan, -1.0], 2),
        ([nan, nan, nan], 0),
    ];
    for (row, class) in cases {
        for hit in 0..3 {
            let mut y = [0.0; 3];
            y[hit] = 1.0;
            let mut m = CategoricalAccuracy::new();
            m.update_state(
                &DMatrix::from_row_slice(1, 3, &y),
                &DMatrix::from_row_slice(1, 3, &row),
            );
            let want = if hit == class { 1.0 } else { 0.0 };
            check::assert_close(m.result(), want, TOL);
            let mut s = SparseCategoricalAccuracy::new();
            let row32: Vec<f32> = row.iter().map(|&v| v as f32).collect();
            s.update_state(&[hit], &DMatrix::from_row_slice(1, 3, &row32));
            check::assert_close(s.result(), want, TOL);
        }
    }
}
