//! Stochastic gradient descent, with optional (Nesterov) momentum: Keras 3's `SGD`.

use core::ops::Range;

use super::driver::{Core, Rule, optimizer_methods};
use super::schedule::{LearningRate, via_f32};
use crate::real::Real;

/// Gradient descent, TF's `tf.keras.optimizers.SGD` (Keras 3): defaults `momentum = 0`,
/// `nesterov = false`.
///
/// Per parameter `w` with gradient `g` and learning rate `lr`:
/// - plain: `w ← w − g·lr`;
/// - momentum `μ`: `m ← m·μ − g·lr`, then `w ← w + m`;
/// - Nesterov: `m ← m·μ − g·lr`, then `w ← w + (m·μ − g·lr)`.
///
/// The operations, their order and Keras' `f32` rounding of the learning rate and `μ` are
/// TensorFlow's, so the steps equal TF's bit for bit in `f32` and in `f64`.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::Sgd;
///
/// #[differentiable]
/// fn loss(w: &[f64]) -> f64 {
///     (w[0] - 3.0).powi(2) + (w[1] + 1.0).powi(2)
/// }
///
/// let mut w = vec![0.0, 0.0];
/// let mut opt = Sgd::new(0.1).momentum(0.9).nesterov(true);
/// for _ in 0..100 {
///     let (_, g) = loss_grad(&w);
///     opt.apply_gradients(&mut w, &g);
/// }
/// assert!((w[0] - 3.0).abs() < 1e-3 && (w[1] + 1.0).abs() < 1e-3);
/// assert_eq!(opt.iterations(), 100);
/// ```
pub struct Sgd {
    core: Core,
    rule: SgdRule,
}

/// [`Sgd`]'s options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SgdRule {
    momentum: f64,
    nesterov: bool,
}

impl Sgd {
    /// Plain gradient descent with this learning rate (a float or a schedule; Keras' default is
    /// 0.01).
    #[must_use]
    pub fn new(learning_rate: impl Into<LearningRate>) -> Self {
        Sgd {
            core: Core::new(learning_rate.into()),
            rule: SgdRule {
                momentum: 0.0,
                nesterov: false,
            },
        }
    }

    /// The momentum `μ` in `[0, 1]` (default 0: no velocity slot).
    ///
    /// # Panics
    ///
    /// If `momentum` is outside `[0, 1]` (Keras raises `ValueError`).
    #[must_use]
    pub fn momentum(mut self, momentum: f64) -> Self {
        assert!(
            (0.0..=1.0).contains(&momentum),
            "Sgd::momentum: must be in [0, 1], got {momentum}"
        );
        self.rule.momentum = momentum;
        self
    }

    /// Nesterov momentum (default `false`; has no effect while `momentum` is 0).
    #[must_use]
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.rule.nesterov = nesterov;
        self
    }
}

impl Rule for SgdRule {
    const NAME: &'static str = "Sgd";
    /// `(lr, μ)` in the parameters' type.
    type Step<T: Real> = (T, T);

    fn slot_names(&self) -> &'static [&'static str] {
        if self.momentum > 0.0 {
            &["momentum"]
        } else {
            &[]
        }
    }

    fn step_constants<T: Real>(&self, lr: T, _t: u64) -> (T, T) {
        (lr, via_f32::<T>(self.momentum))
    }

    fn update<T: Real>(
        &self,
        &(lr, mu): &(T, T),
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    ) {
        let [m] = slots else {
            // w ← w − g·lr
            for (w, &g) in w.iter_mut().zip(g) {
                *w = *w - g * lr;
            }
            return;
        };
        let m = &mut m[at];
        for ((w, &g), m) in w.iter_mut().zip(g).zip(m) {
            // m ← m·μ − g·lr
            *m = *m * mu - g * lr;
            *w = if self.nesterov {
                // w ← w + (m·μ − g·lr)
                *w + (*m * mu - g * lr)
            } else {
                // w ← w + m
                *w + *m
            };
        }
    }
}

optimizer_methods!(Sgd, SgdRule);
