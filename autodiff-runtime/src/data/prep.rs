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
/// If `test_size` is not in `(0, 1)`, or if either part would be empty (scikit-learn raises a
/// `ValueError`): `ceil(test_size · n)` is `n` (as `train_test_split(&[0, 1], 0.6, _)`), or there
/// are no samples.
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
    assert!(
        n_test > 0 && n_test < n,
        "train_test_split: with {n} samples and test_size {test_size}, the {} part would be \
         empty ({n_test} test samples, {} training); adjust test_size (as scikit-learn's \
         ValueError)",
        if n_test < n { "test" } else { "training" },
        n - n_test
    );
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
/// constant column is centred and left unscaled, its scale `1`).
///
/// A column counts as constant as in scikit-learn (`_is_constant_feature`), from the `f64`
/// statistics: when its variance is within the rounding error of the two-pass computation,
/// `var <= n·ε·var + (n·|mean|·ε)²` with `ε = f64::EPSILON` and `n` samples, so roughly when the
/// standard deviation is below `n·ε·|mean|`. A column of `0.1`s, whose computed variance is a
/// rounding error and not `0`, is constant; its values transform to (about) `0`, not `±1`.
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
    /// Column means and standard deviations of `x` (`samples × features`), accumulated in `f64`;
    /// the scale of a constant column (see the type's documentation) is `1`.
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
            // scikit-learn's `_is_constant_feature`: the variance is below the error bound of
            // the two-pass algorithm (Chan, Golub and LeVeque), all in f64.
            let eps = f64::EPSILON;
            let bound = n * eps * var + (n * m * eps).powi(2);
            let constant = var <= bound || var.is_nan();
            mean.push(T::from_f64(m));
            scale.push(T::from_f64(if constant { 1.0 } else { var.sqrt() }));
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

    /// scikit-learn raises a `ValueError` when a part would be empty
    /// (`train_test_split(np.arange(2), test_size=0.6)`: "the resulting train set will be
    /// empty"); the smallest splits that leave both parts one sample still work.
    #[test]
    fn split_refuses_an_empty_part() {
        let refused = |n: usize, ts: f64| {
            let v: Vec<usize> = (0..n).collect();
            std::panic::catch_unwind(|| train_test_split(&v, ts, 0))
                .expect_err("a split with an empty part")
                .downcast::<String>()
                .map(|s| *s)
                .unwrap_or_default()
        };
        let msg = refused(2, 0.6);
        assert_eq!(
            msg,
            "train_test_split: with 2 samples and test_size 0.6, the training part would be \
             empty (2 test samples, 0 training); adjust test_size (as scikit-learn's ValueError)"
        );
        assert!(refused(1, 0.5).contains("the training part would be empty"));
        assert!(refused(10, 0.95).contains("the training part would be empty"));
        assert!(refused(0, 0.25).contains("with 0 samples"));
        for (n, ts, n_test) in [(2, 0.5, 1), (3, 0.5, 2), (10, 0.9, 9), (10, 0.01, 1)] {
            let v: Vec<usize> = (0..n).collect();
            let (train, test) = train_test_split(&v, ts, 0);
            assert_eq!((train.len(), test.len()), (n - n_test, n_test), "{n} {ts}");
        }
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

    /// A constant column of a value that is not exactly representable (`0.1`) has a computed
    /// variance of a rounding error, not 0: scikit-learn's bound calls it constant (scale 1, z
    /// about 0, where the raw scale of 1e-17 made every z ±1).
    fn constant_columns_have_scale_one<T: Real>() {
        let values = [0.1, 0.3, 1.0 / 3.0, -2.7, 123_456.789, 1e10 / 3.0, 7.0];
        for &v in &values {
            for n in [2, 3, 5, 7, 10, 33] {
                let x =
                    DMatrix::from_fn(n, 2, |i, j| T::from_f64(if j == 0 { v } else { i as f64 }));
                let (s, z) = StandardScaler::fit_transform(&x);
                assert_eq!(s.scale[0].to_f64(), 1.0, "{v} × {n}");
                for zi in z.column(0).iter() {
                    assert_close(zi.to_f64(), 0.0, Tolerance::new(1e-9 * v.abs(), 0.0));
                }
                // The other column is scaled as before.
                let sd = ((n * n - 1) as f64 / 12.0).sqrt();
                assert_close(s.scale[1].to_f64(), sd, Tolerance::new(0.0, 1e-6));
            }
        }
    }

    #[test]
    fn constant_columns_have_scale_one_f64() {
        constant_columns_have_scale_one::<f64>();
        // A small but real spread is not constant: 1e-6 around 1e6 is far above the rounding
        // error (n·ε·|mean| ≈ 1e-9); one unit in the last place around 1 is below it
        // (scikit-learn calls it constant too).
        let x = DMatrix::from_fn(4, 1, |i, _| 1e6 + 1e-6 * (i % 2) as f64);
        let s = StandardScaler::fit(&x);
        assert_close(s.scale[0], 0.5e-6, Tolerance::new(0.0, 1e-4)); // 1e-6 is not exact at 1e6
        let x = DMatrix::from_fn(4, 1, |i, _| 1.0 + f64::EPSILON * (i % 2) as f64);
        assert_eq!(StandardScaler::fit(&x).scale, vec![1.0]);
        let c = StandardScaler::fit(&DMatrix::from_row_slice(3, 1, &[0.1, 0.1, 0.1]));
        assert_eq!(c.scale, vec![1.0]);
    }

    #[test]
    fn constant_columns_have_scale_one_f32() {
        constant_columns_have_scale_one::<f32>();
        // One f32 unit in the last place around 1 is a real spread for the f64 statistics.
        let x = DMatrix::from_fn(4, 1, |i, _| 1.0 + f32::EPSILON * (i % 2) as f32);
        let s = StandardScaler::fit(&x);
        assert_close(
            f64::from(s.scale[0]),
            f64::from(f32::EPSILON) / 2.0,
            Tolerance::new(0.0, 1e-6),
        );
        let c = StandardScaler::fit(&DMatrix::from_element(5, 1, 0.1f32));
        assert_eq!(c.scale, vec![1.0f32]);
        assert!(
            c.transform(&DMatrix::from_element(5, 1, 0.1f32))
                .iter()
                .all(|&z| z.abs() < 1e-7)
        );
    }
}
