//! Stopping a training loop at a non-finite loss, with the epoch and step where it happened.

use std::fmt;

use crate::real::Real;

/// A loss that is NaN or infinite, and where a training loop met it (epochs and steps counted
/// from 1, as printed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonFiniteLoss {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The step within the epoch, from 1.
    pub step: usize,
    /// The loss value (`NaN`, `inf` or `-inf`).
    pub value: f64,
}

impl fmt::Display for NonFiniteLoss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the loss is {} at epoch {}, step {}: training stopped (lower the learning rate, or \
             check the inputs for NaN or infinite values)",
            self.value, self.epoch, self.step
        )
    }
}

impl std::error::Error for NonFiniteLoss {}

/// `Ok(loss)` if `loss` is finite, else the error naming `epoch` and `step` (both from 1).
///
/// ```
/// use autodiff::nn::guard::check_finite;
///
/// assert_eq!(check_finite(0.5f32, 1, 1), Ok(0.5));
/// let err = check_finite(f64::NAN, 3, 17).unwrap_err();
/// assert!(err.to_string().starts_with("the loss is NaN at epoch 3, step 17"));
/// ```
pub fn check_finite<T: Real>(loss: T, epoch: usize, step: usize) -> Result<T, NonFiniteLoss> {
    if loss.is_finite() {
        Ok(loss)
    } else {
        Err(NonFiniteLoss {
            epoch,
            step,
            value: loss.to_f64(),
        })
    }
}
