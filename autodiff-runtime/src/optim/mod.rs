//! Optimizers and learning-rate schedules with TensorFlow 2's (Keras 3's) defaults and update
//! formulas: [`Sgd`], [`Adam`], [`AdamW`], [`RmsProp`], [`Adagrad`], [`ExponentialDecay`],
//! [`CosineDecay`].
//!
//! Each optimizer is made with `::new(learning_rate)` (a float literal works for `f32` and `f64`
//! parameters alike, or a schedule) and configured with chained setters named after Keras'
//! arguments. `opt.apply_gradients(&mut params, &grads)` applies one step to any
//! [`Parameters`] container: a scalar, an array, a `Vec`, a nalgebra matrix,
//! a `#[derive(Differentiable)]` struct, a `Vec` of matrices.
//!
//! - **Same numbers as TensorFlow.** The operations, their order and the rounding of the
//!   hyper-parameters are Keras', so the same steps give TF's results bit for bit, in `f32` and in
//!   `f64`. As in Keras, the learning rate is an `f32` value even for `f64` parameters (`0.01`
//!   steps with `f64::from(0.01f32)`), and so are SGD's momentum, Adam's betas inside `βᵗ`,
//!   AdamW's weight decay and Adagrad's initial accumulator; other hyper-parameters (`1 − β`,
//!   `ε`, `ρ`, RMSprop's momentum) are rounded to the parameters' type directly.
//! - **State belongs to the parameters first stepped.** Applying the optimizer to parameters of
//!   another shape or float type, or a gradient of another shape, panics before anything is
//!   changed, naming both shapes ([`try_apply_gradients`](Adam::try_apply_gradients) returns an
//!   [`OptimError`] instead). `check_finite(true)` refuses non-finite gradients.
//! - **Resumable.** [`state`](Adam::state) snapshots the step count and slot vectors as an
//!   [`OptimizerState`]; [`load_state`](Adam::load_state) restores it.
//!
//! ```
//! use autodiff::prelude::*;
//! use autodiff::optim::Adam;
//!
//! #[derive(Differentiable, Clone, Debug)]
//! struct Model {
//!     w: DMatrix<f64>,
//!     b: f64,
//! }
//!
//! /// Squared error of `w·x + b` against `y` for one sample.
//! #[differentiable]
//! fn loss(m: &Model, #[no_grad] x: &DMatrix<f64>, #[no_grad] y: f64) -> f64 {
//!     let p = &m.w * x;
//!     let e = p[(0, 0)] + m.b - y;
//!     e * e
//! }
//!
//! let x = DMatrix::from_column_slice(2, 1, &[1.0, 2.0]);
//! let mut model = Model { w: DMatrix::zeros(1, 2), b: 0.0 };
//! let mut opt = Adam::new(0.05);
//! for _ in 0..300 {
//!     let (_, g) = loss_grad(&model, &x, 3.0);
//!     opt.apply_gradients(&mut model, &g);
//! }
//! assert!(loss(&model, &x, 3.0) < 1e-6);
//! ```

mod adagrad;
mod adam;
pub(crate) mod clip;
mod decays;
pub(crate) mod driver;
mod error;
mod rmsprop;
mod schedule;
mod sgd;
mod state;
mod state_file;

pub use adagrad::Adagrad;
pub use adam::{Adam, AdamW};
pub use decays::{InverseTimeDecay, PolynomialDecay};
pub use error::OptimError;
pub use rmsprop::RmsProp;
pub use schedule::{CosineDecay, ExponentialDecay, LearningRate};
pub use sgd::Sgd;
pub use state::{Dtype, OptimizerState, Shape, Slot};

use crate::params::Parameters;
use crate::real::Real;

/// What every optimizer offers, for code generic over the optimizer. Each optimizer also has
/// these as inherent methods (documented there), so calling them needs no import.
///
/// ```
/// use autodiff::optim::{Optimizer, Sgd, Adam};
///
/// fn train<O: Optimizer>(opt: &mut O, w: &mut [f64; 2]) {
///     for _ in 0..500 {
///         let g = [2.0 * (w[0] - 1.0), 2.0 * (w[1] + 1.0)]; // ∇ of (w0 − 1)² + (w1 + 1)²
///         opt.apply_gradients(w, &g);
///     }
/// }
/// let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
/// train(&mut Sgd::new(0.1), &mut a);
/// train(&mut Adam::new(0.05), &mut b);
/// assert!((a[0] - 1.0).abs() < 1e-6 && (b[1] + 1.0).abs() < 1e-3);
/// ```
pub trait Optimizer {
    /// One step; see [`Adam::apply_gradients`].
    fn apply_gradients<T: Real, P: Parameters<T> + ?Sized>(&mut self, params: &mut P, grads: &P);
    /// One step or the reason it was refused; see [`Adam::try_apply_gradients`].
    ///
    /// # Errors
    ///
    /// See [`OptimError`]; nothing is changed on error.
    fn try_apply_gradients<T: Real, P: Parameters<T> + ?Sized>(
        &mut self,
        params: &mut P,
        grads: &P,
    ) -> Result<(), OptimError>;
    /// Steps applied so far.
    fn iterations(&self) -> u64;
    /// The learning rate of the next step.
    fn learning_rate(&self) -> f64;
    /// A snapshot of the state.
    fn state(&self) -> OptimizerState;
    /// Restores a snapshot; see [`Adam::load_state`].
    ///
    /// # Errors
    ///
    /// See [`OptimError`]; nothing is changed on error.
    fn load_state(&mut self, state: &OptimizerState) -> Result<(), OptimError>;
}
