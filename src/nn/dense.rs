//! `Dense`: Keras' fully connected layer, `activation(x · kernel + bias)`.

use crate::matrix::MatrixScalar;
use crate::nalgebra::{DMatrix, RowDVector};
use crate::{differentiable, ops, stop_gradient};
use autodiff_runtime::nn::init::{glorot_uniform, seeded_rng};

/// A layer's activation function (Keras' `activation=` argument).
///
/// Each is applied elementwise with the derivative rule of [`ops`](crate::ops): `relu'(0) = 0`
/// as TensorFlow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Activation {
    /// The identity (`activation=None` or `"linear"`).
    #[default]
    Linear,
    /// `max(x, 0)`.
    Relu,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// Row-wise softmax over the units.
    Softmax,
}

impl Activation {
    /// The activation applied to pre-activations `z` (`batch × units`).
    #[differentiable(wrt(z))]
    pub fn apply<T: MatrixScalar>(&self, z: &DMatrix<T>) -> DMatrix<T> {
        match self {
            Activation::Linear => z.clone(),
            Activation::Relu => ops::relu(z),
            Activation::Sigmoid => ops::sigmoid(z),
            Activation::Tanh => ops::tanh(z),
            Activation::Softmax => ops::softmax(z),
        }
    }
}

/// A fully connected layer, `activation(x · kernel + bias)` (Keras' `Dense`).
///
/// - `kernel`: `inputs × units`, Glorot-uniform initialised (`U(-l, l)`,
///   `l = sqrt(6 / (inputs + units))`), as Keras' `kernel_initializer="glorot_uniform"`;
/// - `bias`: `1 × units` (saved as a vector of `units`, as Keras' `(units,)`), zeros;
/// - `x`: `batch × inputs`, one sample per row; the output is `batch × units`.
///
/// The layer derives [`Differentiable`](trait@crate::Differentiable), so a model struct whose
/// fields are layers is a parameter container for optimizers, and
/// [`call`](Dense::call) is `#[differentiable]`: a model's own `#[differentiable] fn call`
/// chains layers with no extra code. The activation is configuration, not a parameter.
///
/// Unlike Keras, the input width is given to the constructor (there is no deferred build).
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::nn::{Activation, Dense};
///
/// #[derive(Differentiable, Clone, Debug)]
/// struct MyModel {
///     dense_1: Dense<f64>,
///     dense_2: Dense<f64>,
/// }
///
/// impl MyModel {
///     #[differentiable]
///     fn call(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
///         let h = self.dense_1.call(x);
///         self.dense_2.call(&h)
///     }
/// }
///
/// #[differentiable(wrt(model))]
/// fn loss(model: &MyModel, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
///     let d = model.call(x) - y;
///     d.component_mul(&d).sum()
/// }
///
/// let model = MyModel {
///     dense_1: Dense::new(3, 4, Activation::Relu, 1),
///     dense_2: Dense::new(4, 2, Activation::Linear, 2),
/// };
/// let x = DMatrix::from_element(5, 3, 0.5);
/// let y = DMatrix::zeros(5, 2);
/// let (_, grad) = loss_grad(&model, &x, &y);
/// assert_eq!(grad.dense_1.kernel.shape(), (3, 4));
/// assert_eq!(model.num_params(), 3 * 4 + 4 + 4 * 2 + 2);
/// ```
#[derive(crate::Differentiable, Clone, Debug, PartialEq)]
pub struct Dense<T: MatrixScalar> {
    /// `inputs × units`.
    pub kernel: DMatrix<T>,
    /// `1 × units`.
    pub bias: RowDVector<T>,
    /// The activation (not trained).
    #[no_grad]
    pub activation: Activation,
}

impl<T: MatrixScalar> Dense<T> {
    /// A layer from `inputs` to `units` with a Glorot-uniform kernel drawn from an RNG seeded with
    /// `seed` and a zero bias.
    pub fn new(inputs: usize, units: usize, activation: Activation, seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        Self::with_rng(inputs, units, activation, &mut rng)
    }

    /// As [`new`](Dense::new), drawing the kernel from `rng` (several layers from one stream).
    pub fn with_rng(
        inputs: usize,
        units: usize,
        activation: Activation,
        rng: &mut crate::nn::StdRng,
    ) -> Self {
        Dense {
            kernel: glorot_uniform(inputs, units, rng),
            bias: RowDVector::zeros(units),
            activation,
        }
    }

    /// A layer with the given weights (`kernel`: `inputs × units`, `bias`: `units`).
    ///
    /// # Panics
    ///
    /// If `bias` does not have one entry per column of `kernel`.
    pub fn from_weights(kernel: DMatrix<T>, bias: RowDVector<T>, activation: Activation) -> Self {
        assert_eq!(
            kernel.ncols(),
            bias.ncols(),
            "Dense::from_weights: the kernel has {} units but the bias {}",
            kernel.ncols(),
            bias.ncols()
        );
        Dense {
            kernel,
            bias,
            activation,
        }
    }

    /// The input width.
    pub fn inputs(&self) -> usize {
        self.kernel.nrows()
    }

    /// The output width.
    pub fn units(&self) -> usize {
        self.kernel.ncols()
    }

    /// `activation(x · kernel + bias)` for `x` of `batch × inputs`; `batch × units` (Keras'
    /// `layer(x)`).
    ///
    /// The same as [`call`](Dense::call), under the name PyTorch users know.
    ///
    /// # Panics
    ///
    /// If `x` does not have [`inputs`](Dense::inputs) columns (nalgebra's product check).
    #[differentiable]
    pub fn forward(&self, x: &DMatrix<T>) -> DMatrix<T> {
        let z = ops::add_row(&(x * &self.kernel), &self.bias);
        // The activation is configuration, not a parameter.
        let activation = stop_gradient(self.activation);
        activation.apply(&z)
    }

    /// `activation(x · kernel + bias)` for `x` of `batch × inputs`; `batch × units`: Keras'
    /// `layer(x)`, which calls the layer's `call`. A model's own `#[differentiable] fn call`
    /// may call its layers' `call`: only a call of the function itself counts as recursion.
    ///
    /// # Panics
    ///
    /// If `x` does not have [`inputs`](Dense::inputs) columns (nalgebra's product check).
    #[differentiable]
    pub fn call(&self, x: &DMatrix<T>) -> DMatrix<T> {
        self.forward(x)
    }
}
