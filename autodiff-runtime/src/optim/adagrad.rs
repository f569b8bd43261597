//! Adagrad: Keras 3's `Adagrad`.

use core::ops::Range;

use super::driver::{Core, Rule, optimizer_methods};
use super::schedule::LearningRate;
use crate::real::Real;

/// Adagrad, TF's `tf.keras.optimizers.Adagrad` (Keras 3): defaults
/// `initial_accumulator_value = 0.1`, `epsilon = 1e-7`.
///
/// Per parameter `w` with gradient `g` and learning rate `lr`: `acc ← acc + g²`, then
/// `w ← w − lr·g/√(acc + ε)`, the accumulator starting at `initial_accumulator_value`.
///
/// As in Keras, `ε` sits *inside* the square root. The operations, their order and Keras' `f32`
/// rounding of the learning rate and the initial accumulator are TensorFlow's, so the steps equal
/// TF's bit for bit in `f32` and in `f64`.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::Adagrad;
///
/// let mut w = [1.0f64, -1.0];
/// let mut opt = Adagrad::new(0.1).initial_accumulator_value(0.0).epsilon(0.0);
/// opt.apply_gradients(&mut w, &[2.0, -0.5]);
/// // First step from a zero accumulator: lr·g/|g| = ±lr, whatever the gradient's size.
/// assert!((w[0] - 0.9).abs() < 1e-12 && (w[1] + 0.9).abs() < 1e-12);
/// ```
pub struct Adagrad {
    core: Core,
    rule: AdagradRule,
}

/// [`Adagrad`]'s options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdagradRule {
    initial_accumulator_value: f64,
    epsilon: f64,
}

impl Adagrad {
    /// Adagrad with this learning rate (a float or a schedule; Keras' default is 0.001) and
    /// Keras' defaults for everything else.
    #[must_use]
    pub fn new(learning_rate: impl Into<LearningRate>) -> Self {
        Adagrad {
            core: Core::new(learning_rate.into()),
            rule: AdagradRule {
                initial_accumulator_value: 0.1,
                epsilon: 1e-7,
            },
        }
    }

    /// The accumulator's starting value (default 0.1). Set it before the first step: it is read
    /// when the state is created.
    #[must_use]
    pub fn initial_accumulator_value(mut self, value: f64) -> Self {
        self.rule.initial_accumulator_value = value;
        self
    }

    /// Added to the accumulator under the root (default 1e-7).
    #[must_use]
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.rule.epsilon = epsilon;
        self
    }
}

impl Rule for AdagradRule {
    const NAME: &'static str = "Adagrad";
    /// `(lr, ε)` in the parameters' type.
    type Step<T: Real> = (T, T);

    fn slot_names(&self) -> &'static [&'static str] {
        &["accumulator"]
    }

    fn slot_init(&self) -> Vec<f64> {
        // Keras casts the Python float through f32, also for f64 variables.
        vec![f64::from(self.initial_accumulator_value as f32)]
    }

    fn step_constants<T: Real>(&self, lr: T, _t: u64) -> (T, T) {
        (lr, T::from_f64(self.epsilon))
    }

    fn update<T: Real>(
        &self,
        &(lr, eps): &(T, T),
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    ) {
        let acc = &mut slots[0][at];
        for ((w, &g), acc) in w.iter_mut().zip(g).zip(acc) {
            // acc ← acc + g²;  w ← w − lr·g / √(acc + ε)
            *acc = *acc + g * g;
            *w = *w - (lr * g) / (*acc + eps).sqrt();
        }
    }
}

optimizer_methods!(Adagrad, AdagradRule);
