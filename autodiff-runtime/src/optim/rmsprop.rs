//! RMSprop, with optional momentum and centering: Keras 3's `RMSprop`.

use core::ops::Range;

use super::driver::{Core, Rule, optimizer_methods};
use super::schedule::LearningRate;
use crate::real::Real;

/// RMSprop, TF's `tf.keras.optimizers.RMSprop` (Keras 3): defaults `rho = 0.9`,
/// `momentum = 0`, `epsilon = 1e-7`, `centered = false`.
///
/// Per parameter `w` with gradient `g` and learning rate `lr`:
/// `s ← ρ·s + (1 − ρ)·g²`; centered: `a ← ρ·a + (1 − ρ)·g` and `d = (s − a²) + ε`, else
/// `d = s + ε`; `Δ = lr·g/√d`; with momentum `μ > 0`: `m ← μ·m + Δ`, `w ← w − m`, else
/// `w ← w − Δ`.
///
/// As in Keras, `ε` sits *inside* the square root. The operations, their order and the rounding
/// of the hyper-parameters are TensorFlow's (the learning rate an `f32` value), so the steps
/// equal TF's bit for bit in `f32` and in `f64`.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::RmsProp;
///
/// #[derive(Differentiable, Clone, Debug)]
/// struct Line {
///     slope: f64,
///     offset: f64,
/// }
///
/// #[differentiable]
/// fn loss(p: &Line) -> f64 {
///     let e1 = p.slope * 1.0 + p.offset - 3.0; // the line through (1, 3) and (2, 5)
///     let e2 = p.slope * 2.0 + p.offset - 5.0;
///     e1 * e1 + e2 * e2
/// }
///
/// let mut line = Line { slope: 0.0, offset: 0.0 };
/// let mut opt = RmsProp::new(0.01).centered(true);
/// for _ in 0..2000 {
///     let (_, g) = loss_grad(&line);
///     opt.apply_gradients(&mut line, &g);
/// }
/// assert!((line.slope - 2.0).abs() < 1e-2 && (line.offset - 1.0).abs() < 1e-2);
/// ```
pub struct RmsProp {
    core: Core,
    rule: RmsPropRule,
}

/// [`RmsProp`]'s options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RmsPropRule {
    rho: f64,
    momentum: f64,
    epsilon: f64,
    centered: bool,
}

/// RMSprop's constants for one step, in the parameters' type.
pub(crate) struct RmsPropStep<T> {
    lr: T,
    rho: T,
    /// `1 − ρ`, rounded once from `f64`.
    one_minus_rho: T,
    momentum: T,
    epsilon: T,
}

impl RmsProp {
    /// RMSprop with this learning rate (a float or a schedule; Keras' default is 0.001) and
    /// Keras' defaults for everything else.
    #[must_use]
    pub fn new(learning_rate: impl Into<LearningRate>) -> Self {
        RmsProp {
            core: Core::new(learning_rate.into()),
            rule: RmsPropRule {
                rho: 0.9,
                momentum: 0.0,
                epsilon: 1e-7,
                centered: false,
            },
        }
    }

    /// The discounting factor of the squared-gradient average (default 0.9).
    #[must_use]
    pub fn rho(mut self, rho: f64) -> Self {
        self.rule.rho = rho;
        self
    }

    /// The momentum `μ` (default 0: no momentum slot).
    #[must_use]
    pub fn momentum(mut self, momentum: f64) -> Self {
        self.rule.momentum = momentum;
        self
    }

    /// Added to the averaged square under the root (default 1e-7).
    #[must_use]
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.rule.epsilon = epsilon;
        self
    }

    /// Normalise by the estimated variance `s − a²` instead of the second moment `s` (default
    /// `false`; adds the `average_gradient` slot).
    #[must_use]
    pub fn centered(mut self, centered: bool) -> Self {
        self.rule.centered = centered;
        self
    }
}

impl Rule for RmsPropRule {
    const NAME: &'static str = "RmsProp";
    type Step<T: Real> = RmsPropStep<T>;

    fn slot_names(&self) -> &'static [&'static str] {
        match (self.centered, self.momentum > 0.0) {
            (false, false) => &["velocity"],
            (false, true) => &["velocity", "momentum"],
            (true, false) => &["velocity", "average_gradient"],
            (true, true) => &["velocity", "average_gradient", "momentum"],
        }
    }

    fn step_constants<T: Real>(&self, lr: T, _t: u64) -> RmsPropStep<T> {
        RmsPropStep {
            lr,
            rho: T::from_f64(self.rho),
            one_minus_rho: T::from_f64(1.0 - self.rho),
            momentum: T::from_f64(self.momentum),
            epsilon: T::from_f64(self.epsilon),
        }
    }

    fn update<T: Real>(
        &self,
        c: &RmsPropStep<T>,
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    ) {
        let (s, rest) = slots
            .split_first_mut()
            .expect("RMSprop has a velocity slot");
        let s = &mut s[at.clone()];
        let (mut avg, rest) = if self.centered {
            let (a, rest) = rest
                .split_first_mut()
                .expect("centered RMSprop has its slot");
            (Some(&mut a[at.clone()]), rest)
        } else {
            (None, rest)
        };
        let mut mom = rest.first_mut().map(|m| &mut m[at]);
        for (i, (w, &g)) in w.iter_mut().zip(g).enumerate() {
            // s ← ρ·s + (1 − ρ)·g²
            s[i] = c.rho * s[i] + c.one_minus_rho * (g * g);
            let denom = match avg.as_deref_mut() {
                Some(a) => {
                    // a ← ρ·a + (1 − ρ)·g;  d = (s − a²) + ε
                    a[i] = c.rho * a[i] + c.one_minus_rho * g;
                    s[i] - a[i] * a[i] + c.epsilon
                }
                // d = s + ε
                None => s[i] + c.epsilon,
            };
            // Δ = lr·g / √d
            let step = (c.lr * g) / denom.sqrt();
            *w = match mom.as_deref_mut() {
                Some(m) => {
                    // m ← μ·m + Δ;  w ← w − m
                    m[i] = c.momentum * m[i] + step;
                    *w - m[i]
                }
                None => *w - step,
            };
        }
    }
}

optimizer_methods!(RmsProp, RmsPropRule);
