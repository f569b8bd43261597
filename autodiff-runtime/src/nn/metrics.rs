//! Metrics with Keras' stateful interface: `update_state` accumulates, `result` reads, and
//! `reset_state` starts over (TF 1's `reset_states`). Not differentiable: they only watch.
//!
//! Rows are samples and columns features, as TensorFlow's `(batch, features)`. Every metric is a
//! weighted [`Mean`] of a per-sample value (the per-sample value of a multi-column target is the
//! mean over its columns, as Keras' metric functions reduce the last axis). Totals accumulate in
//! `f64`; TensorFlow accumulates in `float32`, so results agree with TF's to about `1e-7`
//! relative.
//!
//! ```
//! use autodiff::nalgebra::DMatrix;
//! use autodiff::nn::metrics::CategoricalAccuracy;
//!
//! let mut acc = CategoricalAccuracy::new();
//! let y_true = DMatrix::from_row_slice(2, 3, &[0.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
//! let logits = DMatrix::from_row_slice(2, 3, &[0.1, 0.2, 0.7, 0.5, 0.3, 0.2]);
//! acc.update_state(&y_true, &logits);
//! assert!((acc.result() - 0.5).abs() < 1e-12);
//! acc.reset_state();
//! assert_eq!(acc.count(), 0.0);
//! ```

use nalgebra::DMatrix;

use crate::real::Real;

/// The weighted mean of every value it has seen (Keras' `Mean`).
///
/// `result()` is `Σ wᵢ·vᵢ / Σ wᵢ`, and `0` while the total weight is `0` (as TF's `divide_no_nan`).
#[derive(Clone, Debug, Default)]
pub struct Mean {
    total: f64,
    count: f64,
}

impl Mean {
    /// An empty mean.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds each value with weight 1.
    pub fn update_state<T: Real>(&mut self, values: &[T]) {
        for v in values {
            self.total += v.to_f64();
        }
        self.count += values.len() as f64;
    }

    /// Adds each value with its weight (`values[i]` weighs `weights[i]`; a weight of 0 ignores the
    /// value).
    ///
    /// # Panics
    ///
    /// If the two slices differ in length.
    pub fn update_state_weighted<T: Real>(&mut self, values: &[T], weights: &[T]) {
        assert_eq!(
            values.len(),
            weights.len(),
            "Mean::update_state_weighted: {} values but {} weights",
            values.len(),
            weights.len()
        );
        for (v, w) in values.iter().zip(weights) {
            self.total += v.to_f64() * w.to_f64();
            self.count += w.to_f64();
        }
    }

    /// Adds every value with the same weight (TF's scalar `sample_weight`).
    pub fn update_state_with_weight<T: Real>(&mut self, values: &[T], weight: T) {
        for v in values {
            self.total += v.to_f64() * weight.to_f64();
        }
        self.count += values.len() as f64 * weight.to_f64();
    }

    /// Adds a batch of per-sample rows (`batch × k`): like Keras' `Mean` given a 2-D tensor, each
    /// row is first reduced to its mean, so each sample weighs 1 however wide it is.
    pub fn update_state_rows<T: Real>(&mut self, values: &DMatrix<T>) {
        let k = values.ncols().max(1) as f64;
        for row in values.row_iter() {
            self.total += row.iter().map(|v| v.to_f64()).sum::<f64>() / k;
        }
        self.count += values.nrows() as f64;
    }

    /// The weighted mean so far; `0` before any weight was added.
    pub fn result(&self) -> f64 {
        if self.count == 0.0 {
            0.0
        } else {
            self.total / self.count
        }
    }

    /// The total weight so far.
    pub fn count(&self) -> f64 {
        self.count
    }

    /// Forgets everything.
    pub fn reset_state(&mut self) {
        *self = Self::default();
    }
}

/// Panics unless both matrices have the same shape.
fn same_shape<T: Real>(metric: &str, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) {
    assert_eq!(
        y_true.shape(),
        y_pred.shape(),
        "{metric}: y_true is {:?} but y_pred is {:?}",
        y_true.shape(),
        y_pred.shape()
    );
}

/// The column of the largest entry of row `i`, as `tf.argmax` on the CPU: ties go to the first,
/// NaN entries are passed over (`tf.argmax([nan, 0.5, 0.2])` is 1: TensorFlow's reducer only
/// replaces its candidate by a larger entry, and no comparison with NaN is true), and a row of
/// NaN (or an empty row) gives column 0.
fn argmax_row<T: Real>(m: &DMatrix<T>, i: usize) -> usize {
    let mut best: Option<usize> = None;
    for j in 0..m.ncols() {
        if m[(i, j)].is_nan() {
            continue;
        }
        if best.is_none_or(|b| m[(i, j)] > m[(i, b)]) {
            best = Some(j);
        }
    }
    best.unwrap_or(0)
}

macro_rules! mean_wrapper_methods {
    () => {
        /// The metric so far; `0` before any sample.
        pub fn result(&self) -> f64 {
            self.mean.result()
        }
        /// The number of samples (total sample weight) so far.
        pub fn count(&self) -> f64 {
            self.mean.count()
        }
        /// Forgets everything.
        pub fn reset_state(&mut self) {
            self.mean.reset_state();
        }
    };
}

/// The mean over samples of each sample's mean squared error (Keras' `MeanSquaredError` metric):
/// `mean_i mean_j (y_pred[i, j] - y_true[i, j])²`.
#[derive(Clone, Debug, Default)]
pub struct MeanSquaredError {
    mean: Mean,
}

impl MeanSquaredError {
    /// An empty metric.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one batch (`batch × features`).
    ///
    /// # Panics
    ///
    /// If the shapes differ.
    pub fn update_state<T: Real>(&mut self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) {
        same_shape("MeanSquaredError", y_true, y_pred);
        let per_sample: Vec<f64> = (0..y_true.nrows())
            .map(|i| {
                let s: f64 = (0..y_true.ncols())
                    .map(|j| (y_pred[(i, j)].to_f64() - y_true[(i, j)].to_f64()).powi(2))
                    .sum();
                s / y_true.ncols().max(1) as f64
            })
            .collect();
        self.mean.update_state(&per_sample);
    }

    mean_wrapper_methods!();
}

/// How often the largest prediction is at the true class's one-hot position (Keras'
/// `CategoricalAccuracy`). Ties in either row go to the first column, and NaN entries are passed
/// over (a row `[NaN, 0.5, 0.2]` predicts class 1), as `tf.argmax`; a row of NaN predicts class 0.
#[derive(Clone, Debug, Default)]
pub struct CategoricalAccuracy {
    mean: Mean,
}

impl CategoricalAccuracy {
    /// An empty metric.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one batch: one-hot (or probability) targets and predictions (probabilities or
    /// logits), both `batch × classes`.
    ///
    /// # Panics
    ///
    /// If the shapes differ.
    pub fn update_state<T: Real>(&mut self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) {
        same_shape("CategoricalAccuracy", y_true, y_pred);
        let hits: Vec<f64> = (0..y_true.nrows())
            .map(|i| f64::from(u8::from(argmax_row(y_true, i) == argmax_row(y_pred, i))))
            .collect();
        self.mean.update_state(&hits);
    }

    mean_wrapper_methods!();
}

/// How often the largest prediction is at the integer label (Keras'
/// `SparseCategoricalAccuracy`); ties go to the first column and NaN entries are passed over, as
/// `tf.argmax` (see [`CategoricalAccuracy`]).
#[derive(Clone, Debug, Default)]
pub struct SparseCategoricalAccuracy {
    mean: Mean,
}

impl SparseCategoricalAccuracy {
    /// An empty metric.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one batch: class indices (`batch`) and predictions (`batch × classes`).
    ///
    /// # Panics
    ///
    /// If the batch sizes differ.
    pub fn update_state<T: Real>(&mut self, labels: &[usize], y_pred: &DMatrix<T>) {
        assert_eq!(
            labels.len(),
            y_pred.nrows(),
            "SparseCategoricalAccuracy: {} labels but y_pred has {} rows",
            labels.len(),
            y_pred.nrows()
        );
        let hits: Vec<f64> = labels
            .iter()
            .enumerate()
            .map(|(i, &c)| f64::from(u8::from(argmax_row(y_pred, i) == c)))
            .collect();
        self.mean.update_state(&hits);
    }

    mean_wrapper_methods!();
}

/// How often `y_pred > threshold` matches `y_true` (Keras' `BinaryAccuracy`, threshold `0.5`;
/// a prediction equal to the threshold counts as class 0). Per sample, the mean over its columns.
///
/// As Keras, the threshold is first rounded to the predictions' type: with `f32` predictions,
/// `threshold(0.1)` compares with `0.1f32`, so a prediction of `0.1f32` is class 0.
///
/// Targets are read as classes: `y_true > 0.5` is class 1. For 0/1 targets that is Keras'
/// result. Soft targets differ: Keras compares `y_true == (y_pred > threshold)` exactly, so a
/// target of `0.7` never matches, where here it is class 1 (a target of exactly `0.5` is class
/// 0).
#[derive(Clone, Debug)]
pub struct BinaryAccuracy {
    mean: Mean,
    threshold: f64,
}

impl Default for BinaryAccuracy {
    fn default() -> Self {
        Self {
            mean: Mean::new(),
            threshold: 0.5,
        }
    }
}

impl BinaryAccuracy {
    /// An empty metric with threshold `0.5`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same with another threshold (for logits, `0.0`), rounded to the predictions' type
    /// when comparing, as Keras casts it to `y_pred`'s dtype.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Adds one batch: 0/1 targets (a target counts as class 1 when above `0.5`) and
    /// predictions, both `batch × outputs`.
    ///
    /// # Panics
    ///
    /// If the shapes differ.
    pub fn update_state<T: Real>(&mut self, y_true: &DMatrix<T>, y_pred: &DMatrix<T>) {
        same_shape("BinaryAccuracy", y_true, y_pred);
        // Keras casts the threshold to the predictions' dtype before comparing.
        let threshold = T::from_f64(self.threshold);
        let per_sample: Vec<f64> = (0..y_true.nrows())
            .map(|i| {
                let hits = (0..y_true.ncols())
                    .filter(|&j| {
                        let predicted = y_pred[(i, j)] > threshold;
                        let actual = y_true[(i, j)].to_f64() > 0.5;
                        predicted == actual
                    })
                    .count();
                hits as f64 / y_true.ncols().max(1) as f64
            })
            .collect();
        self.mean.update_state(&per_sample);
    }

    mean_wrapper_methods!();
}
