//! The snippets of README.md (training, data), compiled and run.
//! Keep them in step with the notes.

use autodiff::data::{Dataset, MissingValues, StandardScaler, read_csv, train_test_split};
use autodiff::nn::init::random_uniform;
use autodiff::nn::losses::CategoricalCrossentropy;
use autodiff::nn::metrics::CategoricalAccuracy;
use autodiff::nn::{Activation, Dense, check_finite, seeded_rng};
use autodiff::optim::Sgd;
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct MyModel {
    dense_1: Dense<f32>,
    dense_2: Dense<f32>,
}

impl MyModel {
    #[differentiable]
    fn call(&self, inputs: &DMatrix<f32>) -> DMatrix<f32> {
        let x = self.dense_1.call(inputs);
        self.dense_2.call(&x)
    }
}

#[differentiable(wrt(model))]
fn loss(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

#[test]
fn training_a_model() {
    let mut rng = seeded_rng(0);
    let x_train: DMatrix<f32> = random_uniform(1000, 32, 0.0, 1.0, &mut rng);
    let y_train: DMatrix<f32> = random_uniform(1000, 10, 0.0, 1.0, &mut rng);
    let mut model = MyModel {
        dense_1: Dense::with_rng(32, 32, Activation::Relu, &mut rng),
        dense_2: Dense::with_rng(32, 10, Activation::Linear, &mut rng),
    };
    let mut optimizer = Sgd::new(1e-3);
    let mut train_acc = CategoricalAccuracy::new();
    let train_dataset = Dataset::from_tensor_slices((x_train, y_train))
        .shuffle(1024, 1)
        .batch(64);

    // Beyond the snippet: the loss over the data falls.
    let (all_x, all_y) = train_dataset.tensors().clone();
    let before = loss(&model, &all_x, &all_y);
    for epoch in 0..3 {
        for (step, (x_batch, y_batch)) in train_dataset.iter().enumerate() {
            let (loss_value, grads) = loss_grad(&model, &x_batch, &y_batch);
            check_finite(loss_value, epoch + 1, step + 1).expect("a finite loss");
            optimizer.apply_gradients(&mut model, &grads);
            train_acc.update_state(&y_batch, &model.call(&x_batch));
        }
        println!("epoch {epoch}: training accuracy {:.3}", train_acc.result());
        assert_eq!(train_acc.count(), 1000.0);
        train_acc.reset_state();
    }
    assert!(loss(&model, &all_x, &all_y) < before);
}

#[test]
fn data() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/california_housing.csv");
    let table = read_csv(
        path,
        &["median_income", "total_bedrooms", "median_house_value"],
        MissingValues::DropRow,
    )
    .expect("the housing data");
    assert_eq!(table.data.nrows(), 20433); // 207 rows have no total_bedrooms
    let x = table.data.columns(0, 2).into_owned();
    let y = table.data.column(2).into_owned();
    let y: Vec<f64> = y.iter().map(|v| v / 100_000.0).collect();
    let ((x_train, _y_train), (x_test, _y_test)) = train_test_split(&(x, y), 0.25, 1);
    let scaler = StandardScaler::fit(&x_train);
    let x_test = scaler.transform(&x_test);
    // Beyond the snippet: the split sizes, and the test part is on the training part's scale.
    assert_eq!((x_train.nrows(), x_test.nrows()), (15324, 5109));
    assert!(x_test.column(0).mean().abs() < 0.1);
}
