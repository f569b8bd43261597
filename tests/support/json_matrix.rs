//! A matrix read from the reference JSON files in `reference/` (a list of rows of numbers),
//! shared by the test files that compare against TensorFlow/Keras values (included with
//! `#[path]`).

use autodiff::prelude::*;
use serde_json::Value;

/// The rows of `v` as a matrix of `T`, each number converted from `f64`.
///
/// # Panics
/// If `v` is not a non-empty list of lists of numbers.
pub fn matrix<T: Real>(v: &Value) -> DMatrix<T> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| T::from_f64(rows[i][j]))
}
