//! The seeds' custom training loop (000 and 002): `MyModel` = Dense(32, relu) → Dense(10) on
//! random data, categorical cross-entropy from logits, SGD (or Adam with `--adam`), batches of 64
//! after `shuffle(1024)`, 3 epochs, the batch loss every 200 steps, training accuracy per epoch
//! (reset after each) and validation accuracy, printed as the seed prints them.
//!
//! ```text
//! cargo run --release --example custom_training [-- --adam] [--tape] [--epochs N]
//! ```
//!
//! By default the gradient comes from `loss_grad`, which `#[differentiable]` generated; `--tape`
//! takes the same gradient through the `GradientTape` facade, as the seed's
//! `with tf.GradientTape() as tape: ...; tape.gradient(loss, model.trainable_weights)`.
//!
//! The targets are uniform random numbers, not one-hot labels (as in the seed), so the accuracy
//! stays near chance (0.1): the point is the loop, not the model.

use std::process::ExitCode;

use autodiff::data::Dataset;
use autodiff::nalgebra::RowDVector;
use autodiff::nn::init::random_uniform;
use autodiff::nn::losses::CategoricalCrossentropy;
use autodiff::nn::metrics::CategoricalAccuracy;
use autodiff::nn::{Activation, Dense, check_finite, seeded_rng};
use autodiff::optim::{Adam, Sgd};
use autodiff::prelude::*;
use autodiff::tape::{GradientTape, Tensor, Variable};

/// The seed's model: `self.dense_1 = Dense(32, activation='relu')`, `self.dense_2 = Dense(10)`.
#[derive(Differentiable, Clone, Debug)]
struct MyModel {
    dense_1: Dense<f32>,
    dense_2: Dense<f32>,
}

impl MyModel {
    fn new(inputs: usize, num_classes: usize, seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        MyModel {
            dense_1: Dense::with_rng(inputs, 32, Activation::Relu, &mut rng),
            dense_2: Dense::with_rng(32, num_classes, Activation::Linear, &mut rng),
        }
    }

    /// The forward pass (Keras' `call`): logits, `batch × num_classes`.
    #[differentiable]
    fn call(&self, inputs: &DMatrix<f32>) -> DMatrix<f32> {
        let x = self.dense_1.call(inputs);
        self.dense_2.call(&x)
    }
}

/// `loss_fn(y_batch_train, model(x_batch_train))`.
#[differentiable(wrt(model))]
fn loss(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

/// `np.random.random((rows, cols))`, seeded.
fn random(rows: usize, cols: usize, rng: &mut autodiff::nn::StdRng) -> DMatrix<f32> {
    random_uniform(rows, cols, 0.0, 1.0, rng)
}

enum Optimizer {
    Sgd(Sgd),
    Adam(Adam),
}

impl Optimizer {
    fn apply_gradients(&mut self, model: &mut MyModel, grads: &MyModel) {
        match self {
            Optimizer::Sgd(o) => o.apply_gradients(model, grads),
            Optimizer::Adam(o) => o.apply_gradients(model, grads),
        }
    }
}

/// The loss and its gradient for one batch, from the generated `loss_grad`.
fn grad_step(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> (f32, MyModel, DMatrix<f32>) {
    let (l, grads) = loss_grad(model, x, y);
    (l, grads, model.call(x))
}

fn run() -> Result<(), String> {
    let mut use_adam = false;
    let mut use_tape = false;
    let mut epochs = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--help" | "-h" => {
                println!(
                    "usage: custom_training [--adam] [--tape] [--epochs N]\n  \
                     --adam      Adam (learning rate 1e-3) instead of SGD\n  \
                     --tape      gradients through the GradientTape facade instead of loss_grad\n  \
                     --epochs N  number of epochs (default 3)"
                );
                return Ok(());
            }
            "--adam" => use_adam = true,
            "--tape" => use_tape = true,
            "--epochs" => {
                epochs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--epochs needs a number")?;
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; usage: custom_training [--adam] [--tape] [--epochs N]"
                ));
            }
        }
    }
    let mut rng = seeded_rng(0);
    let (x_train, y_train) = (random(1000, 32, &mut rng), random(1000, 10, &mut rng));
    let (x_val, y_val) = (random(200, 32, &mut rng), random(200, 10, &mut rng));

    let mut optimizer = if use_adam {
        Optimizer::Adam(Adam::new(1e-3))
    } else {
        Optimizer::Sgd(Sgd::new(1e-3))
    };
    let mut train_acc_metric = CategoricalAccuracy::new();
    let mut val_acc_metric = CategoricalAccuracy::new();
    let batch_size = 64;
    let train_dataset = Dataset::from_tensor_slices((x_train, y_train))
        .shuffle(1024, 1)
        .batch(batch_size);
    let val_dataset = Dataset::from_tensor_slices((x_val, y_val)).batch(64);

    let mut model = MyModel::new(32, 10, 2);
    for epoch in 0..epochs {
        println!("Start of epoch {epoch}");
        for (step, (x_batch_train, y_batch_train)) in train_dataset.iter().enumerate() {
            let (loss_value, grads, logits) = if use_tape {
                tape_step(&model, &x_batch_train, &y_batch_train)
            } else {
                grad_step(&model, &x_batch_train, &y_batch_train)
            };
            check_finite(loss_value, epoch + 1, step + 1).map_err(|e| e.to_string())?;
            optimizer.apply_gradients(&mut model, &grads);
            train_acc_metric.update_state(&y_batch_train, &logits);
            if step % 200 == 0 {
                println!("Training loss (for one batch) at step {step}: {loss_value}");
                println!("Seen so far: {} samples", (step + 1) * batch_size);
            }
        }
        let train_acc = train_acc_metric.result();
        println!("Training acc over epoch: {train_acc}");
        train_acc_metric.reset_state();
        for (x_batch_val, y_batch_val) in &val_dataset {
            let val_logits = model.call(&x_batch_val);
            val_acc_metric.update_state(&y_batch_val, &val_logits);
        }
        println!("Validation acc: {}", val_acc_metric.result());
        val_acc_metric.reset_state();
    }
    Ok(())
}

/// Categorical cross-entropy of logits, differentiated with respect to the logits only.
#[differentiable(wrt(logits))]
fn cce_from_logits(logits: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, logits)
}

/// The same step through the `GradientTape` facade, line for line as the seed:
///
/// ```python
/// with tf.GradientTape() as tape:
///     logits = model(x_batch_train)
///     loss_value = loss_fn(y_batch_train, logits)
/// grads = tape.gradient(loss_value, model.trainable_weights)
/// ```
///
/// The layers are recorded as tape operations on the model's weights read as variables; the loss
/// is one compiled node (`tape.call`), whose gradient `#[differentiable]` generated.
fn tape_step(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> (f32, MyModel, DMatrix<f32>) {
    let as_row = |b: &RowDVector<f32>| DMatrix::from_row_slice(1, b.len(), b.as_slice());
    let trainable_weights = [
        Variable::new(model.dense_1.kernel.clone()),
        Variable::new(as_row(&model.dense_1.bias)),
        Variable::new(model.dense_2.kernel.clone()),
        Variable::new(as_row(&model.dense_2.bias)),
    ];
    let tape = GradientTape::new();
    let [k1, b1, k2, b2] = trainable_weights.each_ref().map(|w| w.read(&tape));
    let inputs = Tensor::constant(x.clone());
    // `+ bias` over every row: the tape's `+` broadcasts scalars only, so add ones·bias
    // (`batch × 1` times `1 × units`; its gradient sums the rows, as TF's broadcast does).
    let ones = Tensor::constant(DMatrix::from_element(x.nrows(), 1, 1.0f32));
    let hidden = (inputs.matmul(&k1) + ones.matmul(&b1)).relu();
    let logits = hidden.matmul(&k2) + ones.matmul(&b2);
    let loss_value = tape.call(|z: &DMatrix<f32>| cce_from_logits_grad(z, y), &logits);
    let [g1, g2, g3, g4] = tape
        .gradient(&loss_value, trainable_weights.each_ref())
        .map(|g| g.expect("every weight reaches the loss").to_matrix());
    let row = |g: DMatrix<f32>| RowDVector::from_row_slice(g.as_slice());
    let grads = MyModel {
        dense_1: Dense::from_weights(g1, row(g2), Activation::Relu),
        dense_2: Dense::from_weights(g3, row(g4), Activation::Linear),
    };
    (loss_value.scalar(), grads, logits.to_matrix())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("custom_training: {msg}");
            ExitCode::FAILURE
        }
    }
}
