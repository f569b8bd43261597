//! `Dataset`: tf.data's `from_tensor_slices(..).shuffle(..).batch(..)` over in-memory tensors.

use std::cell::Cell;

use nalgebra::{DMatrix, Scalar};
use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Something a dataset can be sliced from: a number of samples along the first axis, and a way to
/// gather some of them into a batch.
///
/// Implemented for `DMatrix<T>` (one sample per row), `Vec<T>` (one sample per element, such as
/// integer labels) and pairs and triples of those (`(x, y)`), whose parts must have the same
/// number of samples.
pub trait TensorSlices {
    /// What a batch of samples is (`DMatrix<T>` for a matrix, a tuple for a tuple).
    type Batch;
    /// The number of samples.
    fn num_samples(&self) -> usize;
    /// The samples at `indices`, in that order.
    fn gather(&self, indices: &[usize]) -> Self::Batch;
    /// Panics, naming the counts, unless every part has the same number of samples (tuples).
    fn check_parts(&self) {}
}

impl<T: Scalar> TensorSlices for DMatrix<T> {
    type Batch = DMatrix<T>;
    fn num_samples(&self) -> usize {
        self.nrows()
    }
    fn gather(&self, indices: &[usize]) -> DMatrix<T> {
        self.select_rows(indices)
    }
}

impl<T: Clone> TensorSlices for Vec<T> {
    type Batch = Vec<T>;
    fn num_samples(&self) -> usize {
        self.len()
    }
    fn gather(&self, indices: &[usize]) -> Vec<T> {
        indices.iter().map(|&i| self[i].clone()).collect()
    }
}

impl<A: TensorSlices, B: TensorSlices> TensorSlices for (A, B) {
    type Batch = (A::Batch, B::Batch);
    fn num_samples(&self) -> usize {
        self.0.num_samples()
    }
    fn gather(&self, indices: &[usize]) -> Self::Batch {
        (self.0.gather(indices), self.1.gather(indices))
    }
    fn check_parts(&self) {
        let (a, b) = (self.0.num_samples(), self.1.num_samples());
        assert_eq!(
            a, b,
            "Dataset::from_tensor_slices: the first tensor has {a} samples but the second has {b}"
        );
    }
}

impl<A: TensorSlices, B: TensorSlices, C: TensorSlices> TensorSlices for (A, B, C) {
    type Batch = (A::Batch, B::Batch, C::Batch);
    fn num_samples(&self) -> usize {
        self.0.num_samples()
    }
    fn gather(&self, indices: &[usize]) -> Self::Batch {
        (
            self.0.gather(indices),
            self.1.gather(indices),
            self.2.gather(indices),
        )
    }
    fn check_parts(&self) {
        let (a, b, c) = (
            self.0.num_samples(),
            self.1.num_samples(),
            self.2.num_samples(),
        );
        assert!(
            a == b && b == c,
            "Dataset::from_tensor_slices: the tensors have {a}, {b} and {c} samples"
        );
    }
}

/// The shuffle stage: tf.data's buffer algorithm, seeded.
#[derive(Clone, Debug)]
struct Shuffle {
    buffer: usize,
    seed: u64,
    reshuffle_each_iteration: bool,
}

/// An in-memory dataset with tf.data's pipeline semantics.
///
/// - [`shuffle(buffer, seed)`](Dataset::shuffle) is tf.data's buffer shuffle: the first `buffer`
///   samples fill a buffer, each output is drawn uniformly from it and its slot refilled with the
///   next sample, and the buffer drains in random order at the end. A buffer at least as large as
///   the data gives a uniform permutation; a buffer of 1 keeps the order. Each iteration (epoch)
///   gets a new order, as with TF's default `reshuffle_each_iteration=True`; the orders are a
///   function of the seed and the epoch number (TF's RNG is not copied, so the orders differ from
///   TF's).
/// - [`batch(n)`](Dataset::batch) groups consecutive samples; the last, shorter batch is kept
///   unless [`drop_remainder`](Dataset::drop_remainder) is set.
///
/// [`iter`](Dataset::iter) starts the next epoch; [`iter_epoch`](Dataset::iter_epoch) replays a
/// given one.
///
/// ```
/// use autodiff::data::Dataset;
/// use autodiff::nalgebra::DMatrix;
///
/// let x = DMatrix::from_fn(10, 2, |i, j| (2 * i + j) as f64);
/// let labels: Vec<usize> = (0..10).collect();
/// let ds = Dataset::from_tensor_slices((x, labels)).shuffle(4, 42).batch(3);
/// let sizes: Vec<usize> = ds.iter().map(|(xb, yb)| { assert_eq!(xb.nrows(), yb.len()); yb.len() }).collect();
/// assert_eq!(sizes, vec![3, 3, 3, 1]);
/// assert_eq!(ds.cardinality(), 4);
/// ```
#[derive(Clone, Debug)]
pub struct Dataset<D> {
    data: D,
    shuffle: Option<Shuffle>,
    batch: usize,
    drop_remainder: bool,
    epoch: Cell<u64>,
}

impl<D: TensorSlices> Dataset<D> {
    /// One sample per row (per element) of `data`; a tuple `(x, y)` pairs the samples.
    ///
    /// # Panics
    ///
    /// If the parts of a tuple have different numbers of samples.
    pub fn from_tensor_slices(data: D) -> Self {
        data.check_parts();
        Dataset {
            data,
            shuffle: None,
            batch: 1,
            drop_remainder: false,
            epoch: Cell::new(0),
        }
    }

    /// Shuffles with a buffer of `buffer` samples, seeded (see the type's documentation).
    ///
    /// # Panics
    ///
    /// If `buffer` is 0.
    pub fn shuffle(mut self, buffer: usize, seed: u64) -> Self {
        assert!(
            buffer > 0,
            "Dataset::shuffle: the buffer size must be at least 1"
        );
        self.shuffle = Some(Shuffle {
            buffer,
            seed,
            reshuffle_each_iteration: true,
        });
        self
    }

    /// Whether each epoch gets a new order (default `true`, as tf.data); `false` repeats the
    /// first epoch's order.
    pub fn reshuffle_each_iteration(mut self, yes: bool) -> Self {
        if let Some(s) = &mut self.shuffle {
            s.reshuffle_each_iteration = yes;
        }
        self
    }

    /// Batches of `n` consecutive samples (after shuffling).
    ///
    /// # Panics
    ///
    /// If `n` is 0.
    pub fn batch(mut self, n: usize) -> Self {
        assert!(n > 0, "Dataset::batch: the batch size must be at least 1");
        self.batch = n;
        self
    }

    /// Drops the last batch when it is shorter than the batch size (TF's `drop_remainder=True`).
    pub fn drop_remainder(mut self, yes: bool) -> Self {
        self.drop_remainder = yes;
        self
    }

    /// The number of samples.
    pub fn num_samples(&self) -> usize {
        self.data.num_samples()
    }

    /// The number of batches per epoch (TF's `cardinality()`).
    pub fn cardinality(&self) -> usize {
        let n = self.num_samples();
        if self.drop_remainder {
            n / self.batch
        } else {
            n.div_ceil(self.batch)
        }
    }

    /// The tensors the dataset was built from.
    pub fn tensors(&self) -> &D {
        &self.data
    }

    /// The sample order of epoch `epoch` (0-based).
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let n = self.num_samples();
        let Some(s) = &self.shuffle else {
            return (0..n).collect();
        };
        let e = if s.reshuffle_each_iteration { epoch } else { 0 };
        // One stream per (seed, epoch); the golden-ratio constant spreads neighbouring seeds.
        let mut rng = StdRng::seed_from_u64(s.seed ^ e.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut out = Vec::with_capacity(n);
        let mut buf: Vec<usize> = (0..s.buffer.min(n)).collect();
        let mut next = buf.len();
        while !buf.is_empty() {
            let k = rng.random_range(0..buf.len());
            out.push(buf[k]);
            if next < n {
                buf[k] = next;
                next += 1;
            } else {
                buf.swap_remove(k);
            }
        }
        out
    }

    /// The batches of the next epoch (the first call is epoch 0, then 1, ...).
    pub fn iter(&self) -> Batches<'_, D> {
        let e = self.epoch.get();
        self.epoch.set(e + 1);
        self.iter_epoch(e)
    }

    /// The batches of epoch `epoch`, without advancing the epoch counter.
    pub fn iter_epoch(&self, epoch: u64) -> Batches<'_, D> {
        Batches {
            ds: self,
            order: self.order(epoch),
            at: 0,
        }
    }
}

/// The batches of one epoch, from [`Dataset::iter`].
pub struct Batches<'a, D> {
    ds: &'a Dataset<D>,
    order: Vec<usize>,
    at: usize,
}

impl<D: TensorSlices> Iterator for Batches<'_, D> {
    type Item = D::Batch;
    fn next(&mut self) -> Option<D::Batch> {
        let left = self.order.len() - self.at;
        let take = left.min(self.ds.batch);
        if take == 0 || (self.ds.drop_remainder && take < self.ds.batch) {
            return None;
        }
        let idx = &self.order[self.at..self.at + take];
        self.at += take;
        Some(self.ds.data.gather(idx))
    }
}

impl<'a, D: TensorSlices> IntoIterator for &'a Dataset<D> {
    type Item = D::Batch;
    type IntoIter = Batches<'a, D>;
    fn into_iter(self) -> Batches<'a, D> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(n: usize) -> Dataset<Vec<usize>> {
        Dataset::from_tensor_slices((0..n).collect::<Vec<usize>>())
    }

    #[test]
    fn buffer_one_is_identity_and_batches_keep_the_remainder() {
        let d = ds(10).shuffle(1, 3).batch(3);
        let b: Vec<Vec<usize>> = d.iter().collect();
        assert_eq!(
            b,
            vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
        );
        let d = ds(10).batch(3).drop_remainder(true);
        assert_eq!(d.iter().count(), 3);
        assert_eq!(d.cardinality(), 3);
    }

    #[test]
    fn small_buffers_bound_how_early_an_element_appears() {
        // tf.data's buffer of k: element i never appears before position i - (k - 1), and the
        // first output is one of the first k elements.
        for seed in 0..200 {
            let order = ds(10).shuffle(4, seed).order(0);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..10).collect::<Vec<_>>());
            assert!(order[0] < 4);
            for (pos, &el) in order.iter().enumerate() {
                assert!(el <= pos + 3, "seed {seed}: {order:?}");
            }
        }
    }

    #[test]
    fn epochs_differ_unless_reshuffling_is_off() {
        let d = ds(50).shuffle(64, 9);
        let (a, b) = (
            d.iter().flatten().collect::<Vec<_>>(),
            d.iter().flatten().collect::<Vec<_>>(),
        );
        assert_ne!(a, b);
        assert_eq!(d.iter_epoch(0).flatten().collect::<Vec<_>>(), a);
        let d = ds(50).shuffle(64, 9).reshuffle_each_iteration(false);
        assert_eq!(d.order(0), d.order(5));
    }

    #[test]
    fn a_full_buffer_is_roughly_uniform() {
        // Each element lands first with probability 1/5; 2000 draws give about 400 each.
        let mut first = [0usize; 5];
        for seed in 0..2000 {
            first[ds(5).shuffle(5, seed).order(0)[0]] += 1;
        }
        assert!(first.iter().all(|&c| (300..500).contains(&c)), "{first:?}");
    }

    #[test]
    #[should_panic(expected = "the first tensor has 3 samples but the second has 2")]
    fn tuples_need_equal_lengths() {
        let _ = Dataset::from_tensor_slices((DMatrix::<f64>::zeros(3, 2), vec![0usize, 1]));
    }
}
