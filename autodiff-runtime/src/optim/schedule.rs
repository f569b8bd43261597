//! Learning rates: a constant or a schedule of the step count (Keras 3's `ExponentialDecay` and
//! `CosineDecay` here, `InverseTimeDecay` and `PolynomialDecay` in `decays.rs`).
//!
//! A schedule is evaluated at the optimizer's `iterations` *before* they are incremented, so the
//! first `apply_gradients` uses `schedule(0)` (as Keras does). Optimizers evaluate it in `f32`
//! with Keras' operation order, so its values equal TensorFlow's float32 ones, and widen it for
//! `f64` parameters as Keras' float32 learning-rate variable does. [`LearningRate::at`] and the
//! schedules' `at` can also be evaluated in `f64` at full precision.

use super::decays::{InverseTimeDecay, PolynomialDecay};
use crate::real::Real;

/// `base^exponent` the way TensorFlow's `pow` rounds it: computed in `f64`, then rounded to `T`.
#[inline]
pub(crate) fn pow_like_tf<T: Real>(base: T, exponent: T) -> T {
    T::from_f64(base.to_f64().powf(exponent.to_f64()))
}

/// `v` as Keras' `ops.cast(python_float, dtype)` makes it: rounded to `f32` first, then to `T`.
#[inline]
pub(crate) fn via_f32<T: Real>(v: f64) -> T {
    T::from_f64(f64::from(v as f32))
}

/// A step count as the schedule's float type (Keras casts the integer step to the rate's dtype).
#[inline]
pub(crate) fn step_as<T: Real>(step: u64) -> T {
    // Exact below 2^53 in `f64`; rounded to nearest in `f32`, like TensorFlow's cast.
    T::from_f64(step as f64)
}

/// `p = step / decay_steps` in `T`, floored when `staircase` (Keras' `p` of `ExponentialDecay`
/// and `InverseTimeDecay`).
pub(crate) fn progress<T: Real>(step: u64, decay_steps: u64, staircase: bool) -> T {
    let p = step_as::<T>(step) / step_as::<T>(decay_steps);
    if staircase { p.floor() } else { p }
}

/// `lr(step) = initial_learning_rate · decay_rate^(step / decay_steps)`, TF's
/// `keras.optimizers.schedules.ExponentialDecay`.
///
/// With [`staircase(true)`](ExponentialDecay::staircase) the exponent is
/// `floor(step / decay_steps)`, so the rate drops in steps every `decay_steps` updates.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::{Adam, ExponentialDecay};
///
/// let schedule = ExponentialDecay::new(0.1, 10, 0.5); // halves every 10 steps
/// assert!((schedule.at::<f64>(10) - 0.05).abs() < 1e-15);
/// assert!((schedule.clone().staircase(true).at::<f64>(9) - 0.1).abs() < 1e-15);
///
/// let mut opt = Adam::new(schedule);
/// let mut x = 0.0f64;
/// opt.apply_gradients(&mut x, &-2.0); // uses schedule(0) = 0.1
/// assert!((opt.learning_rate() - 0.1 * 0.5f64.powf(0.1)).abs() < 1e-8); // now schedule(1), an f32
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialDecay {
    initial_learning_rate: f64,
    decay_steps: u64,
    decay_rate: f64,
    staircase: bool,
}

impl ExponentialDecay {
    /// The schedule `initial_learning_rate · decay_rate^(step / decay_steps)`, not staircased.
    ///
    /// # Panics
    ///
    /// If `decay_steps` is 0 (the exponent would divide by zero).
    #[must_use]
    pub fn new(initial_learning_rate: f64, decay_steps: u64, decay_rate: f64) -> Self {
        assert!(
            decay_steps > 0,
            "ExponentialDecay: decay_steps must be positive, got 0"
        );
        ExponentialDecay {
            initial_learning_rate,
            decay_steps,
            decay_rate,
            staircase: false,
        }
    }

    /// Whether the exponent is rounded down to an integer (default `false`, as in TF).
    #[must_use]
    pub fn staircase(mut self, staircase: bool) -> Self {
        self.staircase = staircase;
        self
    }

    /// The learning rate at `step` (0 for the first update), computed in `T`.
    ///
    /// In `f32` this follows Keras' operations and rounding: `p = f32(step) / f32(decay_steps)`,
    /// floored when staircased, then `f32(lr0) · pow(f32(rate), p)` with the power rounded from
    /// `f64` like TensorFlow's.
    #[must_use]
    pub fn at<T: Real>(&self, step: u64) -> T {
        // lr0 · rate^p,  p = step / decay_steps  (floored if staircase)
        let p = progress::<T>(step, self.decay_steps, self.staircase);
        T::from_f64(self.initial_learning_rate) * pow_like_tf(T::from_f64(self.decay_rate), p)
    }
}

/// `lr(step) = initial_learning_rate · ((1 − alpha) · ½(1 + cos(π · s / decay_steps)) + alpha)`
/// with `s = min(step, decay_steps)`, TF's `keras.optimizers.schedules.CosineDecay` (without
/// warm-up).
///
/// The rate falls from `initial_learning_rate` to `alpha · initial_learning_rate` over
/// `decay_steps` updates and stays there.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::{CosineDecay, Sgd};
///
/// let schedule = CosineDecay::new(0.1, 100).alpha(0.1);
/// assert!((schedule.at::<f64>(50) - 0.055).abs() < 1e-15); // halfway: (0.9·½ + 0.1)·0.1
/// assert!((schedule.at::<f64>(500) - 0.01).abs() < 1e-15); // floor after decay_steps
///
/// let mut opt = Sgd::new(schedule);
/// let mut w = [1.0f32, 2.0];
/// opt.apply_gradients(&mut w, &[1.0, 1.0]); // w -= schedule(0) · g
/// assert!((w[0] - 0.9).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CosineDecay {
    initial_learning_rate: f64,
    decay_steps: u64,
    alpha: f64,
}

impl CosineDecay {
    /// The schedule decaying from `initial_learning_rate` to 0 (`alpha = 0`) over `decay_steps`.
    ///
    /// # Panics
    ///
    /// If `decay_steps` is 0.
    #[must_use]
    pub fn new(initial_learning_rate: f64, decay_steps: u64) -> Self {
        assert!(
            decay_steps > 0,
            "CosineDecay: decay_steps must be positive, got 0"
        );
        CosineDecay {
            initial_learning_rate,
            decay_steps,
            alpha: 0.0,
        }
    }

    /// The final rate as a fraction of the initial one (default 0, as in TF).
    #[must_use]
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// The learning rate at `step` (0 for the first update), computed in `T` with Keras'
    /// operation order.
    #[must_use]
    pub fn at<T: Real>(&self, step: u64) -> T {
        // lr0 · ((1 − α)·½(1 + cos(π·s/D)) + α),  s = min(step, D)
        let d = step_as::<T>(self.decay_steps);
        let s = step_as::<T>(step).min(d);
        let fraction = s / d;
        let pi = T::from_f64(core::f64::consts::PI);
        let cosine = T::from_f64(0.5) * (T::one() + (pi * fraction).cos());
        let decayed = T::from_f64(1.0 - self.alpha) * cosine + T::from_f64(self.alpha);
        T::from_f64(self.initial_learning_rate) * decayed
    }
}

/// An optimizer's learning rate: a constant or a schedule of the step count.
///
/// Every optimizer's `new` takes `impl Into<LearningRate>`: a float (`0.01`, `0.01f32`), an
/// [`ExponentialDecay`], a [`CosineDecay`], an [`InverseTimeDecay`] or a [`PolynomialDecay`].
///
/// ```
/// use autodiff::optim::{CosineDecay, LearningRate};
///
/// let constant = LearningRate::from(0.01);
/// assert!((constant.at::<f64>(1000) - 0.01).abs() < 1e-18);
/// let cosine = LearningRate::from(CosineDecay::new(0.1, 10));
/// assert!(cosine.at::<f64>(10).abs() < 1e-18);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LearningRate {
    /// The same rate at every step.
    Constant(f64),
    /// [`ExponentialDecay`].
    ExponentialDecay(ExponentialDecay),
    /// [`CosineDecay`].
    CosineDecay(CosineDecay),
    /// [`InverseTimeDecay`].
    InverseTimeDecay(InverseTimeDecay),
    /// [`PolynomialDecay`].
    PolynomialDecay(PolynomialDecay),
}

impl LearningRate {
    /// The rate at `step` (0 for the first update) in the parameters' float type `T`. A constant
    /// is rounded to `T` once (in `f32` that is Keras' float32 learning-rate variable).
    #[must_use]
    pub fn at<T: Real>(&self, step: u64) -> T {
        match self {
            LearningRate::Constant(lr) => T::from_f64(*lr),
            LearningRate::ExponentialDecay(s) => s.at(step),
            LearningRate::CosineDecay(s) => s.at(step),
            LearningRate::InverseTimeDecay(s) => s.at(step),
            LearningRate::PolynomialDecay(s) => s.at(step),
        }
    }
}

impl From<f64> for LearningRate {
    fn from(lr: f64) -> Self {
        LearningRate::Constant(lr)
    }
}

impl From<f32> for LearningRate {
    /// Widened exactly, so in `f32` the rate is the literal's own `f32` value.
    fn from(lr: f32) -> Self {
        LearningRate::Constant(f64::from(lr))
    }
}

impl From<ExponentialDecay> for LearningRate {
    fn from(s: ExponentialDecay) -> Self {
        LearningRate::ExponentialDecay(s)
    }
}

impl From<CosineDecay> for LearningRate {
    fn from(s: CosineDecay) -> Self {
        LearningRate::CosineDecay(s)
    }
}

impl From<InverseTimeDecay> for LearningRate {
    fn from(s: InverseTimeDecay) -> Self {
        LearningRate::InverseTimeDecay(s)
    }
}

impl From<PolynomialDecay> for LearningRate {
    fn from(s: PolynomialDecay) -> Self {
        LearningRate::PolynomialDecay(s)
    }
}
