//! `Dense` and the seed's `MyModel` pattern: Keras' initialisation statistics, gradients against
//! central finite differences, and a few SGD steps lowering the loss.

use autodiff::check::{self, Tolerance};
use autodiff::nn::init::glorot_limit;
use autodiff::nn::losses::CategoricalCrossentropy;
use autodiff::nn::{Activation, Dense, seeded_rng};
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct MyModel {
    dense_1: Dense<f64>,
    dense_2: Dense<f64>,
}

impl MyModel {
    fn new(seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        MyModel {
            dense_1: Dense::with_rng(4, 5, Activation::Relu, &mut rng),
            dense_2: Dense::with_rng(5, 3, Activation::Linear, &mut rng),
        }
    }

    #[differentiable]
    fn call(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
        // Keras' `layer(x)`: the layers' `call` inside the model's own `call` is not recursion.
        let h = self.dense_1.call(x);
        self.dense_2.call(&h)
    }
}

#[differentiable(wrt(model))]
fn loss(model: &MyModel, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

fn data() -> (DMatrix<f64>, DMatrix<f64>) {
    let x = DMatrix::from_fn(6, 4, |i, j| ((i * 4 + j) as f64 * 0.61).sin());
    let y = DMatrix::from_fn(6, 3, |i, j| if (i + j) % 3 == 0 { 1.0 } else { 0.0 });
    (x, y)
}

#[test]
fn glorot_uniform_statistics_f32_and_f64() {
    // Keras: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)); std = limit / sqrt(3).
    let limit = glorot_limit(784, 32);
    check::assert_close(limit, 0.08574929257125442, Tolerance::tight()); // tf_refs.json dense.limits
    let d64 = Dense::<f64>::new(784, 32, Activation::Relu, 3);
    let d32 = Dense::<f32>::new(784, 32, Activation::Relu, 3);
    assert_eq!(d64.kernel.shape(), (784, 32));
    assert_eq!(d64.bias.len(), 32);
    assert!(d64.bias.iter().all(|b| *b == 0.0) && d32.bias.iter().all(|b| *b == 0.0));
    assert!(d64.kernel.iter().all(|w| w.abs() <= limit));
    assert!(d32.kernel.iter().all(|w| w.abs() <= limit as f32));
    // The same seed draws the same numbers in both precisions.
    for (a, b) in d64.kernel.iter().zip(d32.kernel.iter()) {
        check::assert_close(*a, f64::from(*b), Tolerance::f32());
    }
    let n = d64.kernel.len() as f64;
    let mean = d64.kernel.sum() / n;
    let std = (d64.kernel.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / n).sqrt();
    // 25,088 draws: the sample std is within 2% of limit/√3, the mean within 5σ/√n of 0.
    check::assert_close(std, limit / 3f64.sqrt(), Tolerance::new(0.0, 0.02));
    assert!(mean.abs() < 5.0 * std / n.sqrt());
    let max = d64.kernel.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    assert!(max > 0.99 * limit, "draws cover the range: max |w| = {max}");
    // Seeds matter.
    assert_ne!(
        Dense::<f64>::new(784, 32, Activation::Relu, 4).kernel,
        d64.kernel
    );
    assert_eq!(
        Dense::<f64>::new(784, 32, Activation::Relu, 3).kernel,
        d64.kernel
    );
}

#[test]
fn model_gradient_matches_finite_differences() {
    let (x, y) = data();
    let model = MyModel::new(11);
    let (v, g) = loss_grad(&model, &x, &y);
    check::assert_close(v, loss(&model, &x, &y), Tolerance::tight());
    let flat = model.to_flat_vec();
    let f = |p: &[f64]| {
        let mut m = model.clone();
        m.copy_from_flat(p);
        loss(&m, &x, &y)
    };
    check::assert_gradient(f, &flat, &g.to_flat_vec(), 1e-6, Tolerance::new(1e-7, 1e-6));
    assert_eq!(g.dense_1.activation, Activation::Relu);
}

#[differentiable(wrt(layer))]
fn one_layer(layer: &Dense<f64>, x: &DMatrix<f64>) -> f64 {
    // `forward` is `call` under PyTorch's name; the model above goes through `call`.
    let y = layer.forward(x);
    y.component_mul(&y).sum()
}

#[test]
fn every_activation_differentiates() {
    let x = DMatrix::from_fn(3, 4, |i, j| ((i * 4 + j) as f64 * 0.9).cos());
    for act in [
        Activation::Linear,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softmax,
    ] {
        let layer = Dense::new(4, 3, act, 5);
        let (_, g) = one_layer_grad(&layer, &x);
        let f = |p: &[f64]| {
            let mut l = layer.clone();
            l.copy_from_flat(p);
            one_layer(&l, &x)
        };
        check::assert_gradient(
            f,
            &layer.to_flat_vec(),
            &g.to_flat_vec(),
            1e-6,
            Tolerance::new(1e-7, 1e-6),
        );
    }
}

#[test]
fn a_few_sgd_steps_lower_the_loss() {
    let (x, y) = data();
    let mut model = MyModel::new(2);
    let first = loss(&model, &x, &y);
    let mut last = first;
    for _ in 0..50 {
        let (l, g) = loss_grad(&model, &x, &y);
        assert!(l.is_finite());
        model.add_scaled(-0.1, &g);
        last = l;
    }
    assert!(last < 0.8 * first, "loss went from {first} to {last}");
}

#[test]
fn dense_f32_forward_matches_f64() {
    let l64 = Dense::<f64>::new(3, 2, Activation::Tanh, 9);
    let l32 = Dense::<f32>::new(3, 2, Activation::Tanh, 9);
    let x = DMatrix::from_fn(2, 3, |i, j| (i + j) as f64 * 0.3);
    let (y64, y32) = (l64.forward(&x), l32.forward(&x.map(|v| v as f32)));
    for (a, b) in y64.iter().zip(y32.iter()) {
        check::assert_close(*a, f64::from(*b), Tolerance::f32());
    }
    // tanh(x·k + 0) by hand.
    let manual = (&x * &l64.kernel).map(f64::tanh);
    check::assert_slices(y64.as_slice(), manual.as_slice(), Tolerance::tight());
}
