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

/// A shuffle stage: tf.data's buffer algorithm, seeded.
#[derive(Clone, Debug)]
struct Shuffle {
    buffer: usize,
    seed: u64,
    reshuffle_each_iteration: bool,
    /// Whether [`Dataset::reshuffle_each_iteration`] has set this stage.
    reshuffle_set: bool,
}

impl Shuffle {
    /// The permutation of `0..n` this stage gives in `epoch`; `stage` counts the dataset's shuffle
    /// stages in the order written (0 for the first), so that two stages with the same seed
    /// draw different streams.
    fn permutation(&self, n: usize, epoch: u64, stage: u64) -> Vec<usize> {
        let e = if self.reshuffle_each_iteration {
            epoch
        } else {
            0
        };
        // One stream per (seed, epoch, stage); the golden-ratio constant spreads neighbouring
        // seeds, the first stage's stream is the seed and epoch's alone.
        let mut rng = StdRng::seed_from_u64(
            self.seed
                ^ e.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ stage.wrapping_mul(0xBF58_476D_1CE4_E5B9),
        );
        let mut out = Vec::with_capacity(n);
        let mut buf: Vec<usize> = (0..self.buffer.min(n)).collect();
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
}

/// An in-memory dataset with tf.data's pipeline semantics.
///
/// - [`shuffle(buffer, seed)`](Dataset::shuffle) is tf.data's buffer shuffle: the first `buffer`
///   elements fill a buffer, each output is drawn uniformly from it and its slot refilled with
///   the next element, and the buffer drains in random order at the end. A buffer at least as
///   large as the data gives a uniform permutation; a buffer of 1 keeps the order. Each iteration
///   (epoch) gets a new order, as with TF's default `reshuffle_each_iteration=True`; the orders
///   are a function of the seed and the epoch number (TF's RNG is not copied, so the orders
///   differ from TF's).
/// - [`batch(n)`](Dataset::batch) groups consecutive elements; the last, shorter batch is kept
///   unless [`drop_remainder`](Dataset::drop_remainder) is set.
///
/// The calls apply in the order they are written, as tf.data's: a `shuffle` before `batch`
/// shuffles samples, a `shuffle` after `batch` shuffles whole batches (each batch keeps its
/// samples, in their order; a short last batch may then come anywhere), and several `shuffle`s
/// apply one after the other. [`reshuffle_each_iteration`](Dataset::reshuffle_each_iteration)
/// sets the latest `shuffle` written before it, and `drop_remainder` is `batch`'s setting (written
/// before or after it; the short batch is dropped before a later `shuffle` sees it). What tf.data
/// would do but this type cannot express (a second `batch`, which nests batches) panics, as does
/// a call that would override an earlier one; nothing is silently ignored.
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
///
/// // Shuffling after batching shuffles whole batches (tf.data's `.batch(3).shuffle(4)`).
/// let ds = Dataset::from_tensor_slices((0..10).collect::<Vec<usize>>()).batch(3).shuffle(4, 1);
/// let mut batches: Vec<Vec<usize>> = ds.iter().collect();
/// batches.sort();
/// assert_eq!(batches, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]);
/// ```
#[derive(Clone, Debug)]
pub struct Dataset<D> {
    data: D,
    /// The shuffles written before `batch`, over samples, in order.
    shuffles: Vec<Shuffle>,
    /// The batch size, once `batch` has been called.
    batch: Option<usize>,
    /// The shuffles written after `batch`, over whole batches, in order.
    batch_shuffles: Vec<Shuffle>,
    /// `drop_remainder`'s setting, once called.
    drop_remainder: Option<bool>,
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
            shuffles: Vec::new(),
            batch: None,
            batch_shuffles: Vec::new(),
            drop_remainder: None,
            epoch: Cell::new(0),
        }
    }

    /// Shuffles with a buffer of `buffer` elements, seeded (see the type's documentation): the
    /// samples when written before [`batch`](Dataset::batch), whole batches when written after
    /// it (tf.data's `.batch(n).shuffle(k)`). A second `shuffle` shuffles the first one's output
    /// again, as in tf.data.
    ///
    /// # Panics
    ///
    /// If `buffer` is 0.
    pub fn shuffle(mut self, buffer: usize, seed: u64) -> Self {
        assert!(
            buffer > 0,
            "Dataset::shuffle: the buffer size must be at least 1"
        );
        let stage = Shuffle {
            buffer,
            seed,
            reshuffle_each_iteration: true,
            reshuffle_set: false,
        };
        if self.batch.is_some() {
            self.batch_shuffles.push(stage);
        } else {
            self.shuffles.push(stage);
        }
        self
    }

    /// Whether each epoch gets a new order from the latest [`shuffle`](Dataset::shuffle) written
    /// before this call (default `true`, as tf.data's `reshuffle_each_iteration`); `false`
    /// repeats that shuffle's first-epoch order. Write it after the `shuffle` it sets, as
    /// tf.data's argument of that `shuffle`.
    ///
    /// # Panics
    ///
    /// If no `shuffle` was written before it (write `.shuffle(buffer, seed)` first), or if it was
    /// already set for that `shuffle` to the other value.
    pub fn reshuffle_each_iteration(mut self, yes: bool) -> Self {
        let last = if self.batch_shuffles.is_empty() {
            self.shuffles.last_mut()
        } else {
            self.batch_shuffles.last_mut()
        };
        let Some(s) = last else {
            panic!(
                "Dataset::reshuffle_each_iteration: no shuffle to set; write it after the \
                 shuffle it sets: `.shuffle(buffer, seed).reshuffle_each_iteration({yes})`"
            );
        };
        assert!(
            !s.reshuffle_set || s.reshuffle_each_iteration == yes,
            "Dataset::reshuffle_each_iteration: already set to {} for this shuffle; set it once",
            s.reshuffle_each_iteration
        );
        s.reshuffle_each_iteration = yes;
        s.reshuffle_set = true;
        self
    }

    /// Batches of `n` consecutive samples (after the shuffles written before it).
    ///
    /// # Panics
    ///
    /// If `n` is 0, or if the dataset is already batched: tf.data's `.batch(m).batch(n)` nests
    /// the batches (batches of `n` batches of `m` samples), which this type cannot express; call
    /// `batch` once.
    pub fn batch(mut self, n: usize) -> Self {
        assert!(n > 0, "Dataset::batch: the batch size must be at least 1");
        if let Some(m) = self.batch {
            panic!(
                "Dataset::batch: the dataset is already batched by {m}; tf.data's \
                 `.batch({m}).batch({n})` nests batches, which Dataset cannot express; call \
                 `batch` once (e.g. `.batch({})` for flat batches of {} samples)",
                m * n,
                m * n
            );
        }
        self.batch = Some(n);
        self
    }

    /// Drops the last batch when it is shorter than the batch size (TF's `drop_remainder=True`,
    /// an argument of `batch`; it may be written before or after [`batch`](Dataset::batch)).
    ///
    /// # Panics
    ///
    /// If it was already set to the other value.
    pub fn drop_remainder(mut self, yes: bool) -> Self {
        if let Some(before) = self.drop_remainder {
            assert!(
                before == yes,
                "Dataset::drop_remainder: already set to {before}; set it once"
            );
        }
        self.drop_remainder = Some(yes);
        self
    }

    /// The number of samples.
    pub fn num_samples(&self) -> usize {
        self.data.num_samples()
    }

    /// The batch size (`1` before [`batch`](Dataset::batch)).
    fn batch_size(&self) -> usize {
        self.batch.unwrap_or(1)
    }

    /// Whether the short last batch is dropped.
    fn drops_remainder(&self) -> bool {
        self.drop_remainder.unwrap_or(false)
    }

    /// The number of batches per epoch (TF's `cardinality()`).
    pub fn cardinality(&self) -> usize {
        let n = self.num_samples();
        if self.drops_remainder() {
            n / self.batch_size()
        } else {
            n.div_ceil(self.batch_size())
        }
    }

    /// The tensors the dataset was built from.
    pub fn tensors(&self) -> &D {
        &self.data
    }

    /// The sample order of epoch `epoch` (0-based): the samples of its batches in the order they
    /// come, then those a dropped remainder leaves out.
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        self.plan(epoch).0
    }

    /// Epoch `epoch`'s sample order (as [`order`](Dataset::order)) and the sizes of its batches,
    /// which take the order's samples consecutively.
    fn plan(&self, epoch: u64) -> (Vec<usize>, Vec<usize>) {
        let n = self.num_samples();
        let mut order: Vec<usize> = (0..n).collect();
        for (k, s) in self.shuffles.iter().enumerate() {
            let p = s.permutation(n, epoch, k as u64);
            order = p.iter().map(|&i| order[i]).collect();
        }
        let b = self.batch_size();
        let kept = if self.drops_remainder() { n - n % b } else { n };
        let mut starts: Vec<usize> = (0..kept).step_by(b).collect();
        for (k, s) in self.batch_shuffles.iter().enumerate() {
            let p = s.permutation(starts.len(), epoch, (self.shuffles.len() + k) as u64);
            starts = p.iter().map(|&i| starts[i]).collect();
        }
        let sizes: Vec<usize> = starts.iter().map(|&s| b.min(kept - s)).collect();
        if !self.batch_shuffles.is_empty() {
            let mut shuffled: Vec<usize> = starts
                .iter()
                .zip(&sizes)
                .flat_map(|(&s, &len)| order[s..s + len].iter().copied())
                .collect();
            shuffled.extend_from_slice(&order[kept..]);
            order = shuffled;
        }
        (order, sizes)
    }

    /// The batches of the next epoch (the first call is epoch 0, then 1, ...).
    pub fn iter(&self) -> Batches<'_, D> {
        let e = self.epoch.get();
        self.epoch.set(e + 1);
        self.iter_epoch(e)
    }

    /// The batches of epoch `epoch`, without advancing the epoch counter.
    pub fn iter_epoch(&self, epoch: u64) -> Batches<'_, D> {
        let (order, sizes) = self.plan(epoch);
        Batches {
            ds: self,
            order,
            sizes: sizes.into_iter(),
            at: 0,
        }
    }
}

/// The batches of one epoch, from [`Dataset::iter`].
pub struct Batches<'a, D> {
    ds: &'a Dataset<D>,
    order: Vec<usize>,
    sizes: std::vec::IntoIter<usize>,
    at: usize,
}

impl<D: TensorSlices> Iterator for Batches<'_, D> {
    type Item = D::Batch;
    fn next(&mut self) -> Option<D::Batch> {
        let take = self.sizes.next()?;
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
