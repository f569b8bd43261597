//! scikit-learn's `train_test_split` and `StandardScaler`.

use nalgebra::DMatrix;
use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::dataset::TensorSlices;
use crate::real::Real;

/// Splits samples at random into a training part and a test part (scikit-learn's
/// `train_test_split` with `shuffle=True`): the test part has `ceil(test_size · n)` samples, the
/// training part the rest. The permutation is a function of `seed` (scikit-learn's RNG is not
/// copied). Works on anything [`TensorSlices`]: a matrix, a `Vec`, or a tuple `(x, y)` split
/// consistently.
///
/// # Panics
///
/// If `test_size` is not in `(0, 1)`.
///
/// ```
/// use autodiff::data::train_test_split;
/// use autodiff::nalgebra::DMatrix;
///
/// let x = DMatrix::from_fn(8, 2, |i, _| i as f64);
/// let y: Vec<f64> = (0..8).map(|i| 10.0 * i as f64).collect();
/// let ((x_train, y_train), (x_test, y_test)) = train_test_split(&(x, y), 0.25, 1);
/// assert_eq!((x_train.nrows(), x_test.nrows()), (6, 2));
/// assert!((y_test[0] - 10.0 * x_test[(0, 0)]).abs() < 1e-12); // rows stay paired
/// # let _ = y_train;
/// ```
pub fn train_test_split<D: TensorSlices>(
    data: &D,
    test_size: f64,
    seed: u64,
) -> (D::Batch, D::Batch) {
    assert!(
        test_size > 0.0 && test_size < 1.0,
        "train_test_split: test_size must be in (0, 1), got {test_size}"
    );
    data.check_parts();
    let n = data.num_samples();
    let n_test = ((test_size * n as f64).ceil() as usize).min(n);
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut StdRng::seed_from_u64(seed));
    let (test, train) = idx.split_at(n_test);
    (data.gather(train), data.gather(test))
}

/// `n` samples drawn uniformly with replacement (the seed's `random_batch`, numpy's
/// `randint(0, len, size=n)` indices): what a training loop of `len / n` random steps per epoch
/// uses instead of a shuffled pass.
///
/// # Panics
///
/// If `data` is empty.
///
/// ```
/// use autodiff::data::random_batch;
/// use autodiff::nn::init::seeded_rng;
///
/// let labels: Vec<usize> = (0..100).collect();
/// let batch = random_batch(&labels, 32, &mut seeded_rng(0));
/// assert_eq!(batch.len(), 32);
/// assert!(batch.iter().all(|&i| i < 100));
/// ```
pub fn random_batch<D: TensorSlices>(data: &D, n: usize, rng: &mut StdRng) -> D::Batch {
    let len = data.num_samples();
    assert!(len > 0, "random_batch: the data is empty");
    let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..len)).collect();
    data.gather(&idx)
}

/// Standardises each column to zero mean and unit variance with statistics from the data it was
/// fitted on (scikit-learn's `StandardScaler`: population standard deviation, `ddof = 0`; a
/// constant column is centred and left unscaled).
///
/// ```
/// use autodiff::data::StandardScaler;
/// use autodiff::nalgebra::DMatrix;
///
/// let train = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 3.0]);
/// let scaler = StandardScaler::fit(&train);
/// let z = scaler.transform(&DMatrix::from_row_slice(1, 1, &[4.0]));
/// assert!((z[(0, 0)] - 2.0 / (2.0f64 / 3.0).sqrt()).abs() < 1e-12); // (4 - 2) / σ
/// ```
#[derive(Clone, Debug)]
pub struct StandardScaler<T> {
    /// Each column's mean.
    pub mean: Vec<T>,
    /// Each column's standard deviation (`1` for a constant column).
    pub scale: Vec<T>,
}

impl<T: Real> StandardScaler<T> {
    /// Column means and standard deviations of `x` (`samples × features`), accumulated in `f64`.
    ///
    /// # Panics
    ///
    /// If `x` has no rows.
    pub fn fit(x: &DMatrix<T>) -> Self {
        assert!(x.nrows() > 0, "StandardScaler::fit: no samples");
        let n = x.nrows() as f64;
        let (mut mean, mut scale) = (Vec::new(), Vec::new());
        for col in x.column_iter() {
            let m = col.iter().map(|v| v.to_f64()).sum::<f64>() / n;
            let var = col.iter().map(|v| (v.to_f64() - m).powi(2)).sum::<f64>() / n;
            let sd = var.sqrt();
            mean.push(T::from_f64(m));
            scale.push(T::from_f64(if sd > 0.0 { sd } else { 1.0 }));
        }
        StandardScaler { mean, scale }
    }

    /// `(x - mean) / scale`, column by column.
    ///
    /// # Panics
    ///
    /// If `x` has another number of columns than the data it was fitted on.
    pub fn transform(&self, x: &DMatrix<T>) -> DMatrix<T> {
        assert_eq!(
            x.ncols(),
            self.mean.len(),
            "StandardScaler::transform: fitted on {} columns, given {}",
            self.mean.len(),
            x.ncols()
        );
        DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| {
            (x[(i, j)] - self.mean[j]) / self.scale[j]
        })
    }

    /// [`fit`](StandardScaler::fit) then [`transform`](StandardScaler::transform).
    pub fn fit_transform(x: &DMatrix<T>) -> (Self, DMatrix<T>) {
        let s = Self::fit(x);
        let z = s.transform(x);
        (s, z)
    }

    /// `z * scale + mean`, the inverse of [`transform`](StandardScaler::transform).
    pub fn inverse_transform(&self, z: &DMatrix<T>) -> DMatrix<T> {
        DMatrix::from_fn(z.nrows(), z.ncols(), |i, j| {
            z[(i, j)] * self.scale[j] + self.mean[j]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Tolerance, assert_close};

    #[test]
    fn split_sizes_and_disjointness() {
        let v: Vec<usize> = (0..20433).collect();
        let (train, test) = train_test_split(&v, 0.25, 1);
        assert_eq!(test.len(), 5109); // ceil(0.25 · 20433), as scikit-learn
        assert_eq!(train.len() + test.len(), v.len());
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, v);
        let (train2, _) = train_test_split(&v, 0.25, 1);
        assert_eq!(train, train2);
        let (train3, _) = train_test_split(&v, 0.25, 2);
        assert_ne!(train, train3);
    }

    #[test]
    fn scaler_standardises_the_training_columns() {
        let x = DMatrix::from_fn(50, 3, |i, j| {
            (i as f64 * 0.37 + j as f64).sin() * (j + 1) as f64 + 5.0
        });
        let (s, z) = StandardScaler::fit_transform(&x);
        for col in z.column_iter() {
            let m = col.mean();
            let var = col.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 50.0;
            assert_close(m, 0.0, Tolerance::new(1e-12, 1e-12));
            assert_close(var, 1.0, Tolerance::new(1e-12, 1e-12));
        }
        let back = s.inverse_transform(&z);
        for (a, b) in back.iter().zip(x.iter()) {
            assert_close(*a, *b, Tolerance::new(1e-12, 1e-12));
        }
        let c = StandardScaler::fit(&DMatrix::from_element(4, 1, 3.0f64));
        assert_close(c.scale[0], 1.0, Tolerance::new(0.0, 0.0));
    }
}
