//! Neural-network building blocks in Keras' vocabulary: [`Dense`] layers, [`losses`] (which are
//! differentiable inside `#[differentiable]` code), [`metrics`] (which are not), weight
//! initialisers and safetensors I/O ([`io`]).
//!
//! A model is a struct of layers deriving [`Differentiable`](trait@crate::Differentiable) with a
//! `#[differentiable] fn call`; see [`Dense`].

mod dense;
mod loss_hessians;
pub mod losses;
mod regression_losses;

pub use autodiff_runtime::nn::guard::{NonFiniteLoss, check_finite};
pub use autodiff_runtime::nn::init::{StdRng, seeded_rng};
pub use autodiff_runtime::nn::{Layout, NamedParameters, TensorInfo, guard, init, io, metrics};
pub use dense::{Activation, Dense};
