//! Neural-network pieces that need no derivative: metrics, weight initialisers, named parameters
//! and saving/loading weights in the safetensors format. Layers and losses, which are
//! differentiated, live in the facade's `autodiff::nn`, which re-exports everything here.

pub mod guard;
pub mod init;
pub mod io;
pub mod metrics;
pub mod named;

pub use named::{Layout, NamedParameters, TensorInfo};
