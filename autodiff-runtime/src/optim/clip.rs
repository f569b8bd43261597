//! Gradient clipping before a step, as Keras' `global_clipnorm` and `clipvalue` optimizer
//! arguments (`BaseOptimizer._clip_gradients`).
//!
//! Keras' third option, `clipnorm`, clips each variable by its own norm. It is not offered: the
//! parameter containers have no variable boundary a user would expect there (a `Vec<f64>` of
//! parameters is visited scalar by scalar, so it would be clipped element by element).

use crate::real::Real;

/// Which clipping a step applies (at most one, as Keras requires).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Clip {
    /// Every gradient `g ← g·s`, `s = c·min(1/‖G‖₂, 1/c)` over all variables together
    /// (`global_clipnorm`; NaN when the global norm is not finite).
    GlobalNorm(f64),
    /// Each value `g ← clamp(g, -c, c)` (`clipvalue`; NaN stays NaN).
    Value(f64),
}

impl Clip {
    /// The option's Keras name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Clip::GlobalNorm(_) => "global_clipnorm",
            Clip::Value(_) => "clipvalue",
        }
    }

    /// Clips the flattened gradient `grad` (all variables together).
    pub(crate) fn apply<T: Real>(self, grad: &mut [T]) {
        match self {
            Clip::GlobalNorm(c) => {
                let c = T::from_f64(c);
                let squared = grad.iter().fold(T::zero(), |a, &g| a + g * g);
                let norm = squared.sqrt();
                // Keras' clip_by_global_norm: `c·min(1/norm, 1/c)` (a scale of 1 below `c`), NaN
                // when the norm is not finite (its `+ (norm - norm)`).
                let one = T::one();
                let scale = if norm.is_finite() {
                    c * (one / norm).min(one / c)
                } else {
                    T::from_f64(f64::NAN)
                };
                for g in grad.iter_mut() {
                    *g *= scale;
                }
            }
            Clip::Value(c) => {
                let c = T::from_f64(c);
                for g in grad.iter_mut() {
                    if !g.is_nan() {
                        *g = g.max(-c).min(c);
                    }
                }
            }
        }
    }
}
