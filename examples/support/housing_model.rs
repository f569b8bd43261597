//! The housing example's data and model (seed 001 §5.5), shared by `housing` and
//! `housing_equivalence`: scikit-learn's eight features, Dense(128, relu) → Dense(1) and the
//! batch MSE whose `loss_grad` both examples train with.
#![allow(dead_code)]

use std::path::Path;

use autodiff::data::{MissingValues, read_csv};
use autodiff::nn::losses::MeanSquaredError;
use autodiff::nn::{Activation, Dense, seeded_rng};
use autodiff::prelude::*;

/// The seed's model: a hidden layer of 128 ReLU units and one output.
#[derive(Differentiable, Clone, Debug)]
pub struct HousingModel {
    pub dense_1: Dense<f32>,
    pub dense_2: Dense<f32>,
}

impl HousingModel {
    /// Glorot-uniform kernels and zero biases drawn from `seed`.
    pub fn new(inputs: usize, relu_output: bool, seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        let out = if relu_output {
            Activation::Relu
        } else {
            Activation::Linear
        };
        HousingModel {
            dense_1: Dense::with_rng(inputs, 128, Activation::Relu, &mut rng),
            dense_2: Dense::with_rng(128, 1, out, &mut rng),
        }
    }

    #[differentiable]
    pub fn call(&self, x: &DMatrix<f32>) -> DMatrix<f32> {
        let h = self.dense_1.call(x);
        self.dense_2.call(&h)
    }
}

/// Mean squared error of the model on a batch (`tf.reduce_mean(mean_squared_error(..))`).
#[differentiable(wrt(model))]
pub fn loss(model: &HousingModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    let y_hat = model.call(x);
    MeanSquaredError::new().call(y, &y_hat)
}

/// The model's MSE on a whole split.
pub fn mse(model: &HousingModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    MeanSquaredError::new().call(y, &model.call(x))
}

/// scikit-learn's eight features and the target in units of $100,000, one row per block group
/// that has every field (file order).
pub fn load(path: &Path) -> Result<(DMatrix<f32>, DMatrix<f32>), String> {
    let cols = [
        "median_income",
        "housing_median_age",
        "total_rooms",
        "total_bedrooms",
        "population",
        "households",
        "latitude",
        "longitude",
        "median_house_value",
    ];
    let t = read_csv(path, &cols, MissingValues::DropRow).map_err(|e| {
        format!(
            "cannot load the California housing data: {e}\nThe example needs the CSV with the \
             columns {} (the copy in the repository is data/california_housing.csv); pass \
             --data PATH to use another.",
            cols.join(", ")
        )
    })?;
    let d = &t.data;
    let x = DMatrix::from_fn(d.nrows(), 8, |i, j| {
        let (inc, age, rooms, beds, pop, hh, lat, lon) = (
            d[(i, 0)],
            d[(i, 1)],
            d[(i, 2)],
            d[(i, 3)],
            d[(i, 4)],
            d[(i, 5)],
            d[(i, 6)],
            d[(i, 7)],
        );
        (match j {
            0 => inc,
            1 => age,
            2 => rooms / hh,
            3 => beds / hh,
            4 => pop,
            5 => pop / hh,
            6 => lat,
            _ => lon,
        }) as f32
    });
    let y = DMatrix::from_fn(d.nrows(), 1, |i, _| (d[(i, 8)] / 100_000.0) as f32);
    Ok((x, y))
}
