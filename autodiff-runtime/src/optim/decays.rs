//! Keras 3's `InverseTimeDecay` and `PolynomialDecay` learning-rate schedules, evaluated with
//! Keras' operation order (see [`schedule`](super::schedule) for how optimizers use them).

use super::schedule::{pow_like_tf, progress, step_as};
use crate::real::Real;

/// `lr(step) = initial_learning_rate / (1 + decay_rate · step / decay_steps)`, TF's
/// `keras.optimizers.schedules.InverseTimeDecay` (with [`staircase(true)`](Self::staircase)
/// the quotient `step / decay_steps` is floored).
///
/// ```
/// use autodiff::optim::{InverseTimeDecay, Sgd};
///
/// let schedule = InverseTimeDecay::new(0.1, 10, 0.5);
/// assert!((schedule.at::<f64>(20) - 0.05).abs() < 1e-15); // 0.1 / (1 + 0.5 · 2)
/// assert!((schedule.staircase(true).at::<f64>(19) - 0.1 / 1.5).abs() < 1e-15);
/// let _opt = Sgd::new(schedule);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InverseTimeDecay {
    initial_learning_rate: f64,
    decay_steps: u64,
    decay_rate: f64,
    staircase: bool,
}

impl InverseTimeDecay {
    /// The schedule `initial_learning_rate / (1 + decay_rate · step / decay_steps)`.
    ///
    /// # Panics
    ///
    /// If `decay_steps` is 0.
    #[must_use]
    pub fn new(initial_learning_rate: f64, decay_steps: u64, decay_rate: f64) -> Self {
        assert!(
            decay_steps > 0,
            "InverseTimeDecay: decay_steps must be positive, got 0"
        );
        InverseTimeDecay {
            initial_learning_rate,
            decay_steps,
            decay_rate,
            staircase: false,
        }
    }

    /// Whether `step / decay_steps` is rounded down (default `false`, as in TF).
    #[must_use]
    pub fn staircase(mut self, staircase: bool) -> Self {
        self.staircase = staircase;
        self
    }

    /// The learning rate at `step` (0 for the first update), computed in `T`.
    #[must_use]
    pub fn at<T: Real>(&self, step: u64) -> T {
        // lr0 / (1 + rate · p),  p = step / decay_steps  (floored if staircase)
        let p = progress::<T>(step, self.decay_steps, self.staircase);
        T::from_f64(self.initial_learning_rate) / (T::one() + T::from_f64(self.decay_rate) * p)
    }
}

/// `lr(step) = (initial − end) · (1 − s / decay_steps)^power + end` with
/// `s = min(step, decay_steps)`, TF's `keras.optimizers.schedules.PolynomialDecay` (default
/// `end_learning_rate = 0.0001`, `power = 1`). With [`cycle(true)`](Self::cycle) the horizon
/// grows to the first multiple of `decay_steps` at or above the step instead (1 at step 0).
///
/// ```
/// use autodiff::optim::{Adam, PolynomialDecay};
///
/// let schedule = PolynomialDecay::new(0.1, 100).end_learning_rate(0.01).power(2.0);
/// assert!((schedule.at::<f64>(50) - (0.09 * 0.25 + 0.01)).abs() < 1e-15);
/// assert!((schedule.at::<f64>(500) - 0.01).abs() < 1e-15);
/// let _opt = Adam::new(schedule);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PolynomialDecay {
    initial_learning_rate: f64,
    decay_steps: u64,
    end_learning_rate: f64,
    power: f64,
    cycle: bool,
}

impl PolynomialDecay {
    /// The linear decay (`power = 1`) from `initial_learning_rate` to `0.0001` over
    /// `decay_steps`, as Keras' defaults.
    ///
    /// # Panics
    ///
    /// If `decay_steps` is 0.
    #[must_use]
    pub fn new(initial_learning_rate: f64, decay_steps: u64) -> Self {
        assert!(
            decay_steps > 0,
            "PolynomialDecay: decay_steps must be positive, got 0"
        );
        PolynomialDecay {
            initial_learning_rate,
            decay_steps,
            end_learning_rate: 0.0001,
            power: 1.0,
            cycle: false,
        }
    }

    /// The rate reached after `decay_steps` (default `0.0001`).
    #[must_use]
    pub fn end_learning_rate(mut self, end: f64) -> Self {
        self.end_learning_rate = end;
        self
    }

    /// The polynomial's power (default 1).
    #[must_use]
    pub fn power(mut self, power: f64) -> Self {
        self.power = power;
        self
    }

    /// Whether the decay restarts past `decay_steps` (default `false`, as in TF).
    #[must_use]
    pub fn cycle(mut self, cycle: bool) -> Self {
        self.cycle = cycle;
        self
    }

    /// The learning rate at `step` (0 for the first update), computed in `T` with Keras'
    /// operation order.
    #[must_use]
    pub fn at<T: Real>(&self, step: u64) -> T {
        let (lr0, end) = (
            T::from_f64(self.initial_learning_rate),
            T::from_f64(self.end_learning_rate),
        );
        let mut s = step_as::<T>(step);
        let mut d = step_as::<T>(self.decay_steps);
        if self.cycle {
            // the first multiple of decay_steps at or above the step (1 at step 0)
            let multiplier = if step == 0 { T::one() } else { (s / d).ceil() };
            d *= multiplier;
        } else {
            s = s.min(d);
        }
        let p = s / d;
        // (lr0 − end) · (1 − p)^power + end
        (lr0 - end) * pow_like_tf(T::one() - p, T::from_f64(self.power)) + end
    }
}
