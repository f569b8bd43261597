//! What every optimizer shares: the learning rate, the step count, the opt-in finiteness check,
//! the live state, and the checked step that hands each contiguous run of parameters to the
//! optimizer's update rule.

use core::ops::Range;

use super::clip::Clip;
use super::error::OptimError;
use super::schedule::LearningRate;
use super::state::{self, AnySlots, Dtype, OptimizerState, Shape, Slots};
use crate::params::Parameters;
use crate::real::Real;

/// One optimizer's update rule, applied element-wise to runs of parameters.
pub(crate) trait Rule {
    /// The optimizer's name in saved states (`"Adam"`).
    const NAME: &'static str;
    /// Keras' default learning rate for this optimizer.
    const DEFAULT_LEARNING_RATE: f64;
    /// Constants of one step, computed once per `apply_gradients` in the parameters' type.
    type Step<T: Real>;

    /// The slot vectors the current options need, in order (Keras' names).
    fn slot_names(&self) -> &'static [&'static str];
    /// Each slot's initial value (Adagrad starts its accumulator above zero).
    fn slot_init(&self) -> Vec<f64> {
        vec![0.0; self.slot_names().len()]
    }
    /// The step's constants for learning rate `lr` and 1-based step number `t`.
    fn step_constants<T: Real>(&self, lr: T, t: u64) -> Self::Step<T>;
    /// Updates `w` in place given the gradient `g`; the slots' matching values are
    /// `slots[k][at]` (`at.len() == w.len() == g.len()`).
    fn update<T: Real>(
        &self,
        c: &Self::Step<T>,
        w: &mut [T],
        g: &[T],
        slots: &mut [Vec<T>],
        at: Range<usize>,
    );
}

/// The state and options every optimizer has besides its update rule.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) learning_rate: LearningRate,
    pub(crate) iterations: u64,
    pub(crate) check_finite: bool,
    /// Gradient clipping before each step (Keras' `global_clipnorm` or `clipvalue`).
    pub(crate) clip: Option<Clip>,
    slots: Option<AnySlots>,
}

impl Clone for Core {
    fn clone(&self) -> Self {
        Core {
            learning_rate: self.learning_rate,
            iterations: self.iterations,
            check_finite: self.check_finite,
            clip: self.clip,
            slots: self.slots.as_ref().map(state::clone_slots),
        }
    }
}

impl Core {
    pub(crate) fn new(learning_rate: LearningRate) -> Self {
        Core {
            learning_rate,
            iterations: 0,
            check_finite: false,
            clip: None,
            slots: None,
        }
    }

    /// One checked step: every check passes before anything changes.
    pub(crate) fn apply<R: Rule, T: Real, P: Parameters<T> + ?Sized>(
        &mut self,
        rule: &R,
        params: &mut P,
        grads: &P,
    ) -> Result<(), OptimError> {
        let names = rule.slot_names();
        let mut fresh = None;
        let live: &mut Slots<T> = match self.slots.as_mut() {
            Some(any) => {
                let Some(live) = any.downcast_mut::<Slots<T>>() else {
                    let state = if Dtype::of::<T>() == Dtype::F32 {
                        Dtype::F64
                    } else {
                        Dtype::F32
                    };
                    return Err(OptimError::Dtype {
                        state,
                        params: Dtype::of::<T>(),
                    });
                };
                if !live.shape.matches(&*params) {
                    return Err(OptimError::ParametersShape {
                        state: live.shape.clone(),
                        params: Shape::of(&*params),
                    });
                }
                if live.names != names {
                    return Err(OptimError::Slots {
                        state: live.names.iter().map(|s| s.to_string()).collect(),
                        needed: names.iter().map(|s| s.to_string()).collect(),
                    });
                }
                live
            }
            None => fresh.insert(Slots::<T>::new(
                Shape::of(&*params),
                names,
                &rule.slot_init(),
            )),
        };
        if !live.shape.matches(grads) {
            return Err(OptimError::GradientShape {
                params: live.shape.clone(),
                grads: Shape::of(grads),
            });
        }
        let Slots { data, grad, .. } = live;
        grad.clear();
        grads.visit(&mut |s| grad.extend_from_slice(s));
        if self.check_finite {
            if let Some((index, value)) = grad.iter().enumerate().find(|(_, g)| !g.is_finite()) {
                return Err(OptimError::NonFiniteGradient {
                    index,
                    value: value.to_f64(),
                });
            }
        }

        // Keras clips after the gradients are in and before the update (and weight decay).
        if let Some(clip) = self.clip {
            clip.apply(grad);
        }

        // Keras keeps the learning rate in an f32 variable, also for f64 parameters.
        let lr = T::from_f64(f64::from(self.learning_rate.at::<f32>(self.iterations)));
        let c = rule.step_constants(lr, self.iterations + 1);
        let mut start = 0;
        params.visit_mut(&mut |w| {
            let at = start..start + w.len();
            rule.update(&c, w, &grad[at.clone()], data, at);
            start += w.len();
        });
        self.iterations += 1;
        if let Some(fresh) = fresh {
            self.slots = Some(Box::new(fresh));
        }
        Ok(())
    }

    pub(crate) fn state(&self, name: &str) -> OptimizerState {
        state::export(name, self.iterations, self.slots.as_ref())
    }

    pub(crate) fn load_state(
        &mut self,
        name: &str,
        names: &'static [&'static str],
        saved: &OptimizerState,
    ) -> Result<(), OptimError> {
        self.slots = state::import(name, names, saved)?;
        self.iterations = saved.iterations;
        Ok(())
    }

    /// Sets the clipping option, refusing a second one as Keras does.
    pub(crate) fn set_clip(&mut self, clip: Clip) {
        let (Clip::GlobalNorm(c) | Clip::Value(c)) = clip;
        assert!(
            c > 0.0 && c.is_finite(),
            "{}: the bound must be positive and finite, got {c}",
            clip.name()
        );
        if let Some(before) = self.clip {
            assert!(
                before.name() == clip.name(),
                "{}: {} is already set; only one of global_clipnorm and clipvalue can be set \
                 (as in Keras)",
                clip.name(),
                before.name()
            );
        }
        self.clip = Some(clip);
    }

    /// Forgets the state and the step count (the next step starts afresh, as a new optimizer).
    pub(crate) fn reset(&mut self) {
        self.slots = None;
        self.iterations = 0;
    }
}

/// The methods every optimizer offers, as inherent methods (so `use autodiff::prelude::*` is
/// enough to call them) and through the [`Optimizer`](super::Optimizer) trait (for code generic
/// over the optimizer).
macro_rules! optimizer_methods {
    ($ty:ident, $rule:ty) => {
        impl $ty {
            /// Applies one step to `params` given `grads` of the same shape (Keras'
            /// `optimizer.apply_gradients(zip(grads, vars))`), then counts the step.
            ///
            /// Works for any [`Parameters`](crate::Parameters) container of `f32` or `f64`
            /// values: a scalar, an array, a `Vec`, a nalgebra matrix, a
            /// `#[derive(Differentiable)]` struct, a `Vec` of matrices, a tuple of those.
            ///
            /// # Panics
            ///
            /// Before changing anything, with both shapes (or types) in the message, if `grads`
            /// is laid out differently from `params`, if the optimizer's state belongs to
            /// parameters of another shape or float type (one optimizer per set of parameters),
            /// if its options changed the slots it needs after the first step, or, with
            /// `check_finite(true)`, if a gradient value is NaN or infinite. See
            /// [`try_apply_gradients`](Self::try_apply_gradients) for the `Result` form.
            pub fn apply_gradients<T: $crate::Real, P: $crate::Parameters<T> + ?Sized>(
                &mut self,
                params: &mut P,
                grads: &P,
            ) {
                if let Err(e) = self.try_apply_gradients(params, grads) {
                    panic!("{}::apply_gradients: {e}", stringify!($ty));
                }
            }

            /// [`apply_gradients`](Self::apply_gradients) returning the refusal instead of
            /// panicking; on `Err` nothing was changed (not even the step count).
            pub fn try_apply_gradients<T: $crate::Real, P: $crate::Parameters<T> + ?Sized>(
                &mut self,
                params: &mut P,
                grads: &P,
            ) -> Result<(), $crate::optim::OptimError> {
                self.core.apply(&self.rule, params, grads)
            }

            /// Whether each step first checks that every gradient value is finite and refuses
            /// the step (nothing changes) if one is NaN or infinite. Off by default, as in
            /// TensorFlow, which applies whatever it is given.
            #[must_use]
            pub fn check_finite(mut self, check: bool) -> Self {
                self.core.check_finite = check;
                self
            }

            /// Scales all gradients together so that their global L2 norm is at most `c`
            /// before each step (Keras' `global_clipnorm`, `clip_by_global_norm`): a gradient
            /// whose global norm is NaN or infinite becomes NaN. (Keras' per-variable
            /// `clipnorm` is not offered: a `Vec` of scalar parameters has no variable boundary.)
            ///
            /// # Panics
            ///
            /// If `c` is not positive and finite, or [`clipvalue`](Self::clipvalue) is set
            /// (Keras allows one clipping option).
            #[must_use]
            pub fn global_clipnorm(mut self, c: f64) -> Self {
                self.core.set_clip($crate::optim::clip::Clip::GlobalNorm(c));
                self
            }

            /// Clips every gradient value to `[-c, c]` before each step (Keras' `clipvalue`);
            /// NaN stays NaN.
            ///
            /// # Panics
            ///
            /// As [`global_clipnorm`](Self::global_clipnorm).
            #[must_use]
            pub fn clipvalue(mut self, c: f64) -> Self {
                self.core.set_clip($crate::optim::clip::Clip::Value(c));
                self
            }

            /// Sets the learning rate of the next steps (Keras' `optimizer.learning_rate = lr`,
            /// a manual decay in a custom training loop); the state and step count are kept.
            ///
            /// # Panics
            ///
            /// If the optimizer was created with a schedule, whose rate is not settable (Keras
            /// raises a `TypeError` there), or if `lr` is not finite.
            pub fn set_learning_rate(&mut self, lr: f64) {
                assert!(
                    lr.is_finite(),
                    "{}::set_learning_rate: the learning rate must be finite, got {lr}",
                    stringify!($ty)
                );
                assert!(
                    matches!(
                        self.core.learning_rate,
                        $crate::optim::LearningRate::Constant(_)
                    ),
                    "{}::set_learning_rate: the optimizer was created with a learning-rate \
                     schedule, whose rate is not settable (as in Keras); create it with a \
                     constant rate to set it by hand",
                    stringify!($ty)
                );
                self.core.learning_rate = $crate::optim::LearningRate::Constant(lr);
            }

            /// Steps applied so far (Keras' `optimizer.iterations`).
            #[must_use]
            pub fn iterations(&self) -> u64 {
                self.core.iterations
            }

            /// The learning rate the next step will use (a schedule evaluated at
            /// [`iterations`](Self::iterations)), an `f32` value widened to `f64` as Keras'
            /// `optimizer.learning_rate` reads.
            #[must_use]
            pub fn learning_rate(&self) -> f64 {
                f64::from(self.core.learning_rate.at::<f32>(self.core.iterations))
            }

            /// A snapshot of the state (step count and slot vectors), to resume later with
            /// [`load_state`](Self::load_state).
            #[must_use]
            pub fn state(&self) -> $crate::optim::OptimizerState {
                self.core
                    .state(<$rule as $crate::optim::driver::Rule>::NAME)
            }

            /// Restores a snapshot from [`state`](Self::state) of an optimizer of the same kind
            /// and options; the next step continues as the saved optimizer would have. The
            /// parameters' shape and float type are checked at that next step.
            ///
            /// # Errors
            ///
            /// [`OptimError::Slots`](crate::optim::OptimError::Slots) if the options need other
            /// slots, [`OptimError::InvalidState`](crate::optim::OptimError::InvalidState) if it
            /// comes from another optimizer or its slots do not fit its shape. The optimizer is
            /// unchanged on error.
            pub fn load_state(
                &mut self,
                state: &$crate::optim::OptimizerState,
            ) -> Result<(), $crate::optim::OptimError> {
                use $crate::optim::driver::Rule as _;
                let names = self.rule.slot_names();
                self.core
                    .load_state(<$rule as $crate::optim::driver::Rule>::NAME, names, state)
            }

            /// Forgets the state and step count; the optimizer may then step other parameters.
            pub fn reset(&mut self) {
                self.core.reset();
            }
        }

        /// A copy of the optimizer with its state: both continue independently (a fork of the
        /// training run).
        impl Clone for $ty {
            fn clone(&self) -> Self {
                $ty {
                    core: self.core.clone(),
                    rule: self.rule,
                }
            }
        }

        /// The options, the learning rate and the step count.
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("learning_rate", &self.core.learning_rate)
                    .field("options", &self.rule)
                    .field("iterations", &self.core.iterations)
                    .field("check_finite", &self.core.check_finite)
                    .field("clip", &self.core.clip)
                    .finish()
            }
        }

        impl Default for $ty {
            /// The optimizer with Keras' default learning rate (0.01 for SGD, 0.001 for the
            /// others) and default options.
            fn default() -> Self {
                $ty::new(<$rule as $crate::optim::driver::Rule>::DEFAULT_LEARNING_RATE)
            }
        }

        impl $crate::optim::Optimizer for $ty {
            fn apply_gradients<T: $crate::Real, P: $crate::Parameters<T> + ?Sized>(
                &mut self,
                params: &mut P,
                grads: &P,
            ) {
                $ty::apply_gradients(self, params, grads)
            }
            fn try_apply_gradients<T: $crate::Real, P: $crate::Parameters<T> + ?Sized>(
                &mut self,
                params: &mut P,
                grads: &P,
            ) -> Result<(), $crate::optim::OptimError> {
                $ty::try_apply_gradients(self, params, grads)
            }
            fn iterations(&self) -> u64 {
                $ty::iterations(self)
            }
            fn learning_rate(&self) -> f64 {
                $ty::learning_rate(self)
            }
            fn state(&self) -> $crate::optim::OptimizerState {
                $ty::state(self)
            }
            fn load_state(
                &mut self,
                state: &$crate::optim::OptimizerState,
            ) -> Result<(), $crate::optim::OptimError> {
                $ty::load_state(self, state)
            }
        }
    };
}
pub(crate) use optimizer_methods;
