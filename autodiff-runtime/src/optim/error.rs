//! What can go wrong when applying gradients or restoring an optimizer's state.

use core::fmt;

use super::state::{Dtype, Shape};

/// Why an optimizer refused a step or a state. Nothing was changed when one is returned.
///
/// [`apply_gradients`](super::Adam::apply_gradients) panics with this error's message;
/// [`try_apply_gradients`](super::Adam::try_apply_gradients) returns it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OptimError {
    /// The gradient is not laid out like the parameters.
    GradientShape {
        /// The parameters' shape.
        params: Shape,
        /// The gradient's shape.
        grads: Shape,
    },
    /// The optimizer's state belongs to parameters of another shape.
    ParametersShape {
        /// The shape of the parameters the state belongs to.
        state: Shape,
        /// The shape of the parameters given now.
        params: Shape,
    },
    /// The optimizer's state holds another float type than the parameters.
    Dtype {
        /// The state's float type.
        state: Dtype,
        /// The parameters' float type.
        params: Dtype,
    },
    /// The optimizer's options now need other state slots than the state holds (for example
    /// momentum switched on after the first step, or a state saved with other options).
    Slots {
        /// The slots the state holds.
        state: Vec<String>,
        /// The slots the optimizer's options need.
        needed: Vec<String>,
    },
    /// A saved state is not internally consistent or comes from another optimizer.
    InvalidState(String),
    /// A gradient value is NaN or infinite (only checked when asked, see `check_finite`).
    NonFiniteGradient {
        /// Its index in the flattened parameters (visit order).
        index: usize,
        /// The value, widened to `f64`.
        value: f64,
    },
}

impl fmt::Display for OptimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptimError::GradientShape { params, grads } => write!(
                f,
                "the gradient has shape {grads} but the parameters have shape {params}"
            ),
            OptimError::ParametersShape { state, params } => write!(
                f,
                "the optimizer's state belongs to parameters of shape {state}, \
                 but these parameters have shape {params}; use one optimizer per set of parameters"
            ),
            OptimError::Dtype { state, params } => write!(
                f,
                "the optimizer's state holds {state} values, but these parameters are {params}"
            ),
            OptimError::Slots { state, needed } => write!(
                f,
                "the optimizer's state holds the slots {state:?}, but its options need {needed:?}; \
                 set the options before the first step"
            ),
            OptimError::InvalidState(why) => write!(f, "invalid optimizer state: {why}"),
            OptimError::NonFiniteGradient { index, value } => write!(
                f,
                "non-finite gradient value {value} at flat index {index}; the step was not applied"
            ),
        }
    }
}

impl std::error::Error for OptimError {}
