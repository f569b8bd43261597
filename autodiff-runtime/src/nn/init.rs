//! Weight initialisers (Keras' defaults), drawn from a seedable RNG.

use nalgebra::DMatrix;
use rand::RngExt;
use rand::SeedableRng;

use crate::real::Real;

/// The Glorot-uniform limit `sqrt(6 / (fan_in + fan_out))`.
///
/// For a Dense kernel of shape `inputs × units`, `fan_in = inputs` and `fan_out = units`
/// (Keras' `GlorotUniform`).
pub fn glorot_limit(fan_in: usize, fan_out: usize) -> f64 {
    (6.0 / (fan_in + fan_out) as f64).sqrt()
}

/// A `fan_in × fan_out` matrix with entries drawn from `U(-limit, limit)`, `limit` as in
/// [`glorot_limit`] (Keras' `GlorotUniform`; the draws are ours, not TensorFlow's RNG).
///
/// The samples are drawn in `f64` and rounded to `T`, so an `f32` and an `f64` kernel from the
/// same RNG state agree to `f32` precision.
///
/// ```
/// use autodiff::nn::init::{glorot_limit, glorot_uniform};
/// use rand::SeedableRng;
///
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let k = glorot_uniform::<f32>(784, 32, &mut rng);
/// assert_eq!(k.shape(), (784, 32));
/// let limit = glorot_limit(784, 32) as f32;
/// assert!(k.iter().all(|w| w.abs() <= limit));
/// ```
pub fn glorot_uniform<T: Real>(fan_in: usize, fan_out: usize, rng: &mut StdRng) -> DMatrix<T> {
    let limit = glorot_limit(fan_in, fan_out);
    random_uniform(fan_in, fan_out, -limit, limit, rng)
}

/// A `rows × cols` matrix of draws from `U(minval, maxval)` (Keras' `RandomUniform`, numpy's
/// `random.random((rows, cols))` for `U(0, 1)`), drawn in `f64` row by row (entry `(i, j)` is the
/// `(i·cols + j)`-th draw, as numpy's row-major order) and rounded to `T`.
///
/// # Panics
///
/// If `minval >= maxval`.
///
/// ```
/// use autodiff::nn::init::{random_uniform, seeded_rng};
///
/// let x = random_uniform::<f32>(1000, 32, 0.0, 1.0, &mut seeded_rng(0));
/// assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
/// assert!((x.mean() - 0.5).abs() < 0.01);
/// ```
pub fn random_uniform<T: Real>(
    rows: usize,
    cols: usize,
    minval: f64,
    maxval: f64,
    rng: &mut StdRng,
) -> DMatrix<T> {
    assert!(
        minval < maxval,
        "random_uniform: empty range [{minval}, {maxval})"
    );
    let draws: Vec<T> = (0..rows * cols)
        .map(|_| T::from_f64(rng.random_range(minval..maxval)))
        .collect();
    DMatrix::from_row_slice(rows, cols, &draws)
}

/// A seeded RNG for initialisers and shuffles (`StdRng`, reproducible for a given seed with this
/// crate's `rand` version).
pub fn seeded_rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// The RNG type initialisers take (`rand`'s `StdRng`).
pub use rand::rngs::StdRng;
