//! Adam (with AMSGrad) and AdamW (decoupled weight decay): Keras 3's `Adam` and `AdamW`.

use core::ops::Range;

use super::driver::{Core, Rule, optimizer_methods};
use super::schedule::{LearningRate, pow_like_tf, via_f32};
use crate::real::Real;

/// Adam, TF's `tf.keras.optimizers.Adam` (Keras 3): defaults `beta_1 = 0.9`, `beta_2 = 0.999`,
/// `epsilon = 1e-7`, `amsgrad = false`.
///
/// At step `t` (1 for the first), per parameter `w` with gradient `g`:
/// `α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`, `m ← m + (g − m)(1 − β₁)`, `v ← v + (g² − v)(1 − β₂)`,
/// (AMSGrad: `v̂ ← max(v̂, v)` replaces `v` below), `w ← w − m·α/(√v + ε)`.
///
/// As in Keras, `ε` is added to `√v` *after* the bias correction has been folded into `α`
/// (it is not bias-corrected), which matters when gradients are tiny. The operations, their order
/// and Keras' `f32` rounding of the learning rate, of the betas in `βᵗ` and of the weight decay
/// are TensorFlow's, so the steps equal TF's bit for bit in `f32` and in `f64`.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::Adam;
///
/// // The seed notebook: minimise x² − 2x + 1 from 0 with Adam(0.1), 100 steps.
/// #[differentiable]
/// fn f(x: f32) -> f32 {
///     x * x - 2.0 * x + 1.0
/// }
///
/// let mut x = 0.0f32;
/// let mut opt = Adam::new(0.1);
/// for _ in 0..100 {
///     let (_, dx) = f_grad(x);
///     opt.apply_gradients(&mut x, &dx);
/// }
/// assert!((x - 0.997_063_7).abs() < 1e-6); // TensorFlow: 0.99706370
/// ```
pub struct Adam {
    core: Core,
    rule: AdamRule,
}

/// [`Adam`]'s options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamRule {
    beta_1: f64,
    beta_2: f64,
    epsilon: f64,
    amsgrad: bool,
}

impl AdamRule {
    const DEFAULT: AdamRule = AdamRule {
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon: 1e-7,
        amsgrad: false,
    };
}

/// Adam's constants for one step, in the parameters' type.
pub(crate) struct AdamStep<T> {
    /// `lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`.
    alpha: T,
    /// `1 − β₁`, rounded once from `f64`.
    one_minus_b1: T,
    /// `1 − β₂`, rounded once from `f64`.
    one_minus_b2: T,
    epsilon: T,
    /// `lr · weight_decay` factors for AdamW (`None` for Adam).
    decay: Option<(T, T)>,
}

impl Rule for AdamRule {
    const NAME: &'static str = "Adam";
    const DEFAULT_LEARNING_RATE: f64 = 0.001;
    type Step<T: Real> = AdamStep<T>;

    fn slot_names(&self) -> &'static [&'static str] {
        if self.amsgrad {
            &["momentum", "velocity", "velocity_hat"]
        } else {
            &["momentum", "velocity"]
        }
    }

    fn step_constants<T: Real>(&self, lr: T, t: u64) -> AdamStep<T> {
        let t = T::from_f64(t as f64);
        // βᵗ = pow(f64(f32(β)), t), rounded to T (Keras casts β through f32).
        let b1t = pow_like_tf(via_f32::<T>(self.beta_1), t);
        let b2t = pow_like_tf(via_f32::<T>(self.beta_2), t);
        AdamStep {
            alpha: lr * (T::one() - b2t).sqrt() / (T::one() - b1t),
            one_minus_b1: T::from_f64(1.0 - self.beta_1),
            one_minus_b2: T::from_f64(1.0 - self.beta_2),
            epsilon: T::from_f64(self.epsilon),
            decay: None,
        }
    }

    fn update<T: Real>(
        &self,
        c: &AdamStep<T>,
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    ) {
        if let Some((lr, wd)) = c.decay {
            // AdamW, before the Adam step: w ← w − (w·wd)·lr
            for w in w.iter_mut() {
                *w = *w - *w * wd * lr;
            }
        }
        let (m, rest) = slots.split_first_mut().expect("Adam has a momentum slot");
        let (v, rest) = rest.split_first_mut().expect("Adam has a velocity slot");
        let (m, v) = (&mut m[at.clone()], &mut v[at.clone()]);
        // m ← m + (g − m)(1 − β₁);  v ← v + (g² − v)(1 − β₂)
        let (c1, c2, alpha, eps) = (c.one_minus_b1, c.one_minus_b2, c.alpha, c.epsilon);
        let moments = |m: &mut T, v: &mut T, g: T| {
            *m += (g - *m) * c1;
            *v += (g * g - *v) * c2;
        };
        // w ← w − m·α / (√v + ε)
        let step = |w: &mut T, m: T, v: T| *w -= (m * alpha) / (v.sqrt() + eps);
        match rest.first_mut() {
            None => {
                for (((w, &g), m), v) in w.iter_mut().zip(g).zip(m).zip(v) {
                    moments(m, v, g);
                    step(w, *m, *v);
                }
            }
            Some(v_hat) => {
                let v_hat = &mut v_hat[at];
                for ((((w, &g), m), v), v_hat) in w.iter_mut().zip(g).zip(m).zip(v).zip(v_hat) {
                    moments(m, v, g);
                    // AMSGrad: v̂ ← max(v̂, v), used in place of v
                    *v_hat = v_hat.max(*v);
                    step(w, *m, *v_hat);
                }
            }
        }
    }
}

impl Adam {
    /// Adam with this learning rate (a float or a schedule; Keras' default is 0.001) and Keras'
    /// defaults for everything else.
    #[must_use]
    pub fn new(learning_rate: impl Into<LearningRate>) -> Self {
        Adam {
            core: Core::new(learning_rate.into()),
            rule: AdamRule::DEFAULT,
        }
    }
}

/// AdamW, TF's `tf.keras.optimizers.AdamW` (Keras 3): Adam with decoupled weight decay,
/// default `weight_decay = 0.004` and Adam's defaults.
///
/// Each step first shrinks the parameters, `w ← w − (w·wd)·lr` with the step's learning rate,
/// then takes the [`Adam`] step on the shrunk `w` with the same gradient.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::AdamW;
///
/// let mut w = autodiff::nalgebra::DMatrix::from_element(2, 2, 1.0f64);
/// let zero = autodiff::nalgebra::DMatrix::zeros(2, 2);
/// let mut opt = AdamW::new(0.125).weight_decay(0.5);
/// opt.apply_gradients(&mut w, &zero); // no gradient: only the decay, w·(1 − 0.5·0.125)
/// assert!((w[(0, 0)] - 0.9375).abs() < 1e-12);
/// ```
pub struct AdamW {
    core: Core,
    rule: AdamWRule,
}

/// [`AdamW`]'s options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamWRule {
    adam: AdamRule,
    weight_decay: f64,
}

impl Rule for AdamWRule {
    const NAME: &'static str = "AdamW";
    const DEFAULT_LEARNING_RATE: f64 = 0.001;
    type Step<T: Real> = AdamStep<T>;

    fn slot_names(&self) -> &'static [&'static str] {
        self.adam.slot_names()
    }

    fn step_constants<T: Real>(&self, lr: T, t: u64) -> AdamStep<T> {
        AdamStep {
            decay: Some((lr, via_f32::<T>(self.weight_decay))),
            ..self.adam.step_constants(lr, t)
        }
    }

    fn update<T: Real>(
        &self,
        c: &AdamStep<T>,
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    ) {
        self.adam.update(c, w, g, slots, at);
    }
}

impl AdamW {
    /// AdamW with this learning rate (a float or a schedule; Keras' default is 0.001) and Keras'
    /// defaults for everything else.
    #[must_use]
    pub fn new(learning_rate: impl Into<LearningRate>) -> Self {
        AdamW {
            core: Core::new(learning_rate.into()),
            rule: AdamWRule {
                adam: AdamRule::DEFAULT,
                weight_decay: 0.004,
            },
        }
    }

    /// The decoupled weight decay factor (default 0.004), multiplied by the learning rate.
    #[must_use]
    pub fn weight_decay(mut self, weight_decay: f64) -> Self {
        self.rule.weight_decay = weight_decay;
        self
    }
}

/// Adam's setters, shared by `Adam` and `AdamW`.
macro_rules! adam_setters {
    ($ty:ident, $($adam:ident).+) => {
        impl $ty {
            /// The decay rate of the first moment (default 0.9).
            #[must_use]
            pub fn beta_1(mut self, beta_1: f64) -> Self {
                self.$($adam).+.beta_1 = beta_1;
                self
            }

            /// The decay rate of the second moment (default 0.999).
            #[must_use]
            pub fn beta_2(mut self, beta_2: f64) -> Self {
                self.$($adam).+.beta_2 = beta_2;
                self
            }

            /// Added to `√v` in the denominator (default 1e-7, Keras' "epsilon hat": not
            /// bias-corrected).
            #[must_use]
            pub fn epsilon(mut self, epsilon: f64) -> Self {
                self.$($adam).+.epsilon = epsilon;
                self
            }

            /// AMSGrad: divide by the running maximum of `v` (default `false`; adds the
            /// `velocity_hat` slot).
            #[must_use]
            pub fn amsgrad(mut self, amsgrad: bool) -> Self {
                self.$($adam).+.amsgrad = amsgrad;
                self
            }
        }
    };
}

adam_setters!(Adam, rule);
adam_setters!(AdamW, rule.adam);
optimizer_methods!(Adam, AdamRule);
optimizer_methods!(AdamW, AdamWRule);
