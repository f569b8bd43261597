//! Training loops end to end: the tape facade and the generated gradient agree on a model built
//! from `Dense` layers, a shuffled, batched loop with an optimizer lowers the loss, and a
//! non-finite loss stops the loop naming the epoch and step.

use autodiff::check::{self, Tolerance};
use autodiff::data::Dataset;
use autodiff::nalgebra::RowDVector;
use autodiff::nn::init::random_uniform;
use autodiff::nn::losses::CategoricalCrossentropy;
use autodiff::nn::metrics::Mean;
use autodiff::nn::{Activation, Dense, check_finite, seeded_rng};
use autodiff::optim::{Adam, Sgd};
use autodiff::prelude::*;
use autodiff::tape::{GradientTape, Tensor, Variable};

#[derive(Differentiable, Clone, Debug)]
struct MyModel {
    dense_1: Dense<f64>,
    dense_2: Dense<f64>,
}

impl MyModel {
    fn new(seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        MyModel {
            dense_1: Dense::with_rng(6, 8, Activation::Relu, &mut rng),
            dense_2: Dense::with_rng(8, 3, Activation::Linear, &mut rng),
        }
    }

    #[differentiable]
    fn call(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
        let h = self.dense_1.forward(x);
        self.dense_2.forward(&h)
    }
}

#[differentiable(wrt(model))]
fn loss(model: &MyModel, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

#[differentiable(wrt(logits))]
fn cce(logits: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, logits)
}

fn one_hot(rows: usize, classes: usize, seed: u64) -> DMatrix<f64> {
    let u: DMatrix<f64> = random_uniform(rows, 1, 0.0, classes as f64, &mut seeded_rng(seed));
    DMatrix::from_fn(rows, classes, |i, j| {
        if u[(i, 0)] as usize == j { 1.0 } else { 0.0 }
    })
}

#[test]
fn tape_and_generated_gradients_agree() {
    let model = MyModel::new(3);
    let x: DMatrix<f64> = random_uniform(5, 6, -1.0, 1.0, &mut seeded_rng(4));
    let y = one_hot(5, 3, 5);
    let (l, g) = loss_grad(&model, &x, &y);

    let row = |b: &RowDVector<f64>| DMatrix::from_row_slice(1, b.len(), b.as_slice());
    let weights = [
        Variable::new(model.dense_1.kernel.clone()),
        Variable::new(row(&model.dense_1.bias)),
        Variable::new(model.dense_2.kernel.clone()),
        Variable::new(row(&model.dense_2.bias)),
    ];
    let tape = GradientTape::new();
    let [k1, b1, k2, b2] = weights.each_ref().map(|w| w.read(&tape));
    let ones = Tensor::constant(DMatrix::from_element(5, 1, 1.0));
    let h = (Tensor::constant(x.clone()).matmul(&k1) + ones.matmul(&b1)).relu();
    let logits = h.matmul(&k2) + ones.matmul(&b2);
    let lt = tape.call(|z: &DMatrix<f64>| cce_grad(z, &y), &logits);
    check::assert_close(lt.scalar(), l, Tolerance::tight());
    let grads = tape
        .gradient(&lt, weights.each_ref())
        .map(|g| g.unwrap().to_matrix());
    let want = [
        g.dense_1.kernel.clone(),
        row(&g.dense_1.bias),
        g.dense_2.kernel.clone(),
        row(&g.dense_2.bias),
    ];
    for (got, want) in grads.iter().zip(&want) {
        check::assert_slices(got.as_slice(), want.as_slice(), Tolerance::tight());
    }
}

#[test]
fn a_shuffled_batched_loop_lowers_the_loss_with_sgd_and_adam() {
    let x: DMatrix<f64> = random_uniform(200, 6, -1.0, 1.0, &mut seeded_rng(1));
    // Learnable labels: the class is the argmax of three fixed projections of x.
    let w: DMatrix<f64> = random_uniform(6, 3, -1.0, 1.0, &mut seeded_rng(2));
    let scores = &x * &w;
    let y = DMatrix::from_fn(200, 3, |i, j| {
        if scores.row(i).transpose().argmax().0 == j {
            1.0
        } else {
            0.0
        }
    });
    let ds = Dataset::from_tensor_slices((x.clone(), y.clone()))
        .shuffle(64, 3)
        .batch(16);
    for use_adam in [false, true] {
        let mut model = MyModel::new(9);
        let (mut sgd, mut adam) = (Sgd::new(0.1), Adam::new(0.01));
        let before = loss(&model, &x, &y);
        let mut epoch_loss = Mean::new();
        for epoch in 1..=20 {
            epoch_loss.reset_state();
            for (step, (xb, yb)) in ds.iter().enumerate() {
                let (l, g) = loss_grad(&model, &xb, &yb);
                check_finite(l, epoch, step + 1).unwrap();
                if use_adam {
                    adam.apply_gradients(&mut model, &g);
                } else {
                    sgd.apply_gradients(&mut model, &g);
                }
                epoch_loss.update_state_with_weight(&[l], xb.nrows() as f64);
            }
        }
        let after = loss(&model, &x, &y);
        assert!(after < 0.6 * before, "adam={use_adam}: {before} -> {after}");
        // The running mean over the last epoch is close to the full-batch loss.
        assert!((epoch_loss.result() - after).abs() < 0.5 * before);
    }
}

#[test]
fn a_non_finite_loss_names_epoch_and_step() {
    let mut model = MyModel::new(1);
    model.dense_1.kernel[(0, 0)] = f64::NAN;
    let x: DMatrix<f64> = random_uniform(4, 6, 0.5, 1.0, &mut seeded_rng(1));
    let y = one_hot(4, 3, 2);
    let ds = Dataset::from_tensor_slices((x, y)).batch(2);
    let mut stopped = None;
    'train: for epoch in 1..=2 {
        for (step, (xb, yb)) in ds.iter().enumerate() {
            if let Err(e) = check_finite(loss(&model, &xb, &yb), epoch, step + 1) {
                stopped = Some(e);
                break 'train;
            }
        }
    }
    let e = stopped.expect("the NaN weight makes the loss NaN");
    assert_eq!((e.epoch, e.step), (1, 1));
    assert!(e.to_string().contains("epoch 1, step 1"), "{e}");
}
