//! Equivalence check against TensorFlow for the housing protocol: replays the run of
//! `reference/peers_bench.py` section (d) (linear output) with TensorFlow's own split, initial
//! weights and batch indices, through the same `loss_grad` + `Sgd` + `Mean` path as the `housing`
//! example, and prints both trajectories side by side.
//!
//! ```text
//! python benches/housing_equivalence.py          # writes benches/results/housing_tf_trajectory.json
//! cargo run --release --example housing_equivalence [-- PATH]
//! ```
//!
//! Standardisation is ours (`StandardScaler` fitted on TF's training rows); its statistics are
//! compared with numpy's. Exits non-zero if the final validation MSEs differ by more than 1 %
//! (relative), which float noise over 7,180 `f32` SGD steps stays well inside.

use std::process::ExitCode;

use autodiff::data::{StandardScaler, TensorSlices};
use autodiff::nn::metrics::Mean;
use autodiff::nn::{Activation, Dense};
use autodiff::optim::Sgd;
use autodiff::prelude::*;
use serde_json::Value;

#[path = "support/housing_model.rs"]
mod housing_model;

use housing_model::{HousingModel, load, loss_grad, mse};

fn floats(v: &Value, key: &str) -> Result<Vec<f32>, String> {
    v[key]
        .as_array()
        .ok_or(format!("`{key}` missing"))?
        .iter()
        .map(|e| {
            e.as_f64()
                .map(|f| f as f32)
                .ok_or(format!("`{key}`: not a number"))
        })
        .collect()
}

fn indices(v: &Value, key: &str) -> Result<Vec<usize>, String> {
    v[key]
        .as_array()
        .ok_or(format!("`{key}` missing"))?
        .iter()
        .map(|e| {
            e.as_u64()
                .map(|i| i as usize)
                .ok_or(format!("`{key}`: not an index"))
        })
        .collect()
}

/// Largest `|a - b| / |b|`.
fn max_rel(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&p, &q)| f64::from((p - q).abs()) / f64::from(q.abs()).max(1e-30))
        .fold(0.0, f64::max)
}

fn run(path: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{path}: {e}\nRun `python benches/housing_equivalence.py` first (needs tensorflow-cpu)."
        )
    })?;
    let tf: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (x, y) = load(&root.join("data/california_housing.csv"))?;
    if tf["rows"].as_u64() != Some(x.nrows() as u64) {
        return Err(format!("TF had {} rows, we have {}", tf["rows"], x.nrows()));
    }
    let (tr, va) = (indices(&tf, "train_idx")?, indices(&tf, "val_idx")?);
    let data = (x, y);
    let ((x_train, y_train), (x_val, y_val)) = (data.gather(&tr), data.gather(&va));

    // Standardisation: ours, fitted on the same rows, against numpy's f32 mean and std (ddof 0).
    let scaler = StandardScaler::fit(&x_train);
    let (tf_mean, tf_std) = (floats(&tf, "mean")?, floats(&tf, "std")?);
    println!(
        "standardisation: max relative difference to numpy: mean {:.2e}, std {:.2e}",
        max_rel(&scaler.mean, &tf_mean),
        max_rel(&scaler.scale, &tf_std)
    );
    let (x_train, x_val) = (scaler.transform(&x_train), scaler.transform(&x_val));

    // TF's initial weights (row-major `inputs × units`, as numpy).
    let k1 = DMatrix::from_row_slice(8, 128, &floats(&tf, "kernel_1")?);
    let b1 = RowDVector::from_vec(floats(&tf, "bias_1")?);
    let k2 = DMatrix::from_row_slice(128, 1, &floats(&tf, "kernel_2")?);
    let b2 = RowDVector::from_vec(floats(&tf, "bias_2")?);
    let mut model = HousingModel {
        dense_1: Dense::from_weights(k1, b1, Activation::Relu),
        dense_2: Dense::from_weights(k2, b2, Activation::Linear),
    };

    let batches = indices(&tf, "batches")?;
    let steps = tf["steps_per_epoch"].as_u64().ok_or("steps_per_epoch")? as usize;
    let epochs = tf["epochs"].as_u64().ok_or("epochs")? as usize;
    let bs = 32;
    if batches.len() != epochs * steps * bs || x_train.nrows() / bs != steps {
        return Err("the batch sequence does not match the split".into());
    }
    let (tf_first, tf_train, tf_val) = (
        floats(&tf, "first_step_losses")?,
        floats(&tf, "train_mse")?,
        floats(&tf, "val_mse")?,
    );
    let train = (x_train, y_train);
    let mut optimizer = Sgd::new(0.01);
    let mut metric = Mean::new();
    let mut first = Vec::new();
    println!("epoch  train_mse (TF, ours)   val_mse (TF, ours)   val rel. diff");
    let mut last_rel = 0.0;
    for epoch in 0..epochs {
        metric.reset_state();
        for step in 0..steps {
            let k = (epoch * steps + step) * bs;
            let (xb, yb) = train.gather(&batches[k..k + bs]);
            let (l, grads) = loss_grad(&model, &xb, &yb);
            optimizer.apply_gradients(&mut model, &grads);
            metric.update_state_with_weight(&[l], bs as f32);
            if epoch == 0 && first.len() < tf_first.len() {
                first.push(l);
            }
        }
        if epoch == 0 {
            println!(
                "first {} step losses: max relative difference {:.2e} (step 1: TF {:.6}, ours {:.6})",
                first.len(),
                max_rel(&first, &tf_first),
                tf_first[0],
                first[0]
            );
        }
        let val = mse(&model, &x_val, &y_val);
        last_rel = f64::from((val - tf_val[epoch]).abs() / tf_val[epoch]);
        println!(
            "{:>5}  {:.5} {:.5}      {:.5} {:.5}      {:.1e}",
            epoch + 1,
            tf_train[epoch],
            metric.result(),
            tf_val[epoch],
            val,
            last_rel
        );
    }
    Ok(last_rel <= 0.01)
}

fn main() -> ExitCode {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/results/housing_tf_trajectory.json"
        )
        .into()
    });
    match run(&path) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("housing_equivalence: the trajectories differ by more than 1 %");
            ExitCode::FAILURE
        }
        Err(msg) => {
            eprintln!("housing_equivalence: {msg}");
            ExitCode::FAILURE
        }
    }
}
