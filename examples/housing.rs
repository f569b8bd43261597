//! California housing regression with a hand-written training loop (seed 001 §5.5):
//! Dense(128, relu) → Dense(1), SGD with learning rate 0.01 on random batches of 32.
//!
//! ```text
//! cargo run --release --example housing [-- --epochs N] [--data PATH] [--out DIR] [--relu-output]
//! ```
//!
//! Reads `data/california_housing.csv` (20,640 block groups; the 207 without `total_bedrooms`
//! are dropped, leaving 20,433), builds scikit-learn's eight features (MedInc, HouseAge,
//! AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude) and the target
//! `median_house_value / 100000`, splits 75/25 and the training part again 75/25 (`--seed`,
//! default 1, also seeds the initial weights and the batches),
//! standardises on the training part and trains for `--epochs` (default 20) epochs of
//! `len(train) / 32` steps. Prints one line per epoch ending in `train_mse=X val_mse=Y`, then
//! `test_mse=Z`, and writes `housing_loss.png` and `housing.safetensors` into `--out` (default:
//! the current directory).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use autodiff::data::{StandardScaler, random_batch, train_test_split};
use autodiff::nn::io::save_safetensors;
use autodiff::nn::metrics::Mean;
use autodiff::nn::{check_finite, seeded_rng};
use autodiff::optim::Sgd;
use indicatif::{ProgressBar, ProgressStyle};

#[path = "support/housing_model.rs"]
mod housing_model;
#[path = "support/plot.rs"]
mod plot;

use housing_model::{HousingModel, load, loss_grad, mse};

const USAGE: &str =
    "usage: housing [--epochs N] [--data PATH] [--out DIR] [--relu-output] [--seed S]";

struct Args {
    epochs: usize,
    data: PathBuf,
    out: PathBuf,
    relu_output: bool,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        epochs: 20,
        data: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/california_housing.csv"),
        out: PathBuf::from("."),
        relu_output: false,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--epochs" => {
                args.epochs = value("--epochs")?
                    .parse()
                    .map_err(|e| format!("--epochs: {e}"))?
            }
            "--data" => args.data = PathBuf::from(value("--data")?),
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--relu-output" => args.relu_output = true,
            "--seed" => {
                args.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(args)
}

fn run(args: Args) -> Result<(), String> {
    let (x, y) = load(&args.data)?;
    let ((x_train_all, y_train_all), (x_test, y_test)) = train_test_split(&(x, y), 0.25, args.seed);
    let ((x_train, y_train), (x_val, y_val)) =
        train_test_split(&(x_train_all, y_train_all), 0.25, args.seed);
    let scaler = StandardScaler::fit(&x_train);
    let (x_train, x_val, x_test) = (
        scaler.transform(&x_train),
        scaler.transform(&x_val),
        scaler.transform(&x_test),
    );
    let train = (x_train, y_train);
    println!(
        "{} rows: {} train, {} validation, {} test; 8 features, target in $100,000",
        train.0.nrows() + x_val.nrows() + x_test.nrows(),
        train.0.nrows(),
        x_val.nrows(),
        x_test.nrows()
    );

    let mut model = HousingModel::new(8, args.relu_output, args.seed);
    let mut optimizer = Sgd::new(0.01);
    let mut metric = Mean::new(); // running train MSE: each batch's MSE weighted by its 32 samples
    let mut rng = seeded_rng(args.seed.wrapping_add(1));
    let batch_size = 32;
    let steps = train.0.nrows() / batch_size;
    let mut curve: Vec<(f64, f64, f64)> = Vec::new();
    let started = Instant::now();
    for epoch in 1..=args.epochs {
        metric.reset_state();
        let bar = ProgressBar::new(steps as u64);
        bar.set_style(
            ProgressStyle::with_template("epoch {prefix} {bar:30} {pos}/{len} {msg}")
                .expect("a valid template"),
        );
        bar.set_prefix(format!("{epoch}/{}", args.epochs));
        let epoch_started = Instant::now();
        for step in 1..=steps {
            // Random batches with replacement, as the seed's `np.random.randint`.
            let (xb, yb) = random_batch(&train, batch_size, &mut rng);
            let (l, grads) = loss_grad(&model, &xb, &yb);
            check_finite(l, epoch, step).map_err(|e| e.to_string())?;
            optimizer.apply_gradients(&mut model, &grads);
            metric.update_state_with_weight(&[l], batch_size as f32);
            if step % 16 == 0 || step == steps {
                bar.set_position(step as u64);
                bar.set_message(format!("train_mse={:.4}", metric.result()));
            }
        }
        bar.finish_and_clear();
        let train_mse = metric.result();
        let val_mse = f64::from(mse(&model, &x_val, &y_val));
        println!(
            "epoch {epoch:>2}/{} {:>6.3}s train_mse={train_mse:.4} val_mse={val_mse:.4}",
            args.epochs,
            epoch_started.elapsed().as_secs_f64()
        );
        curve.push((epoch as f64, train_mse, val_mse));
    }
    let test_mse = mse(&model, &x_test, &y_test);
    println!("test_mse={test_mse:.4}");
    eprintln!(
        "trained {} epochs in {:.3}s",
        args.epochs,
        started.elapsed().as_secs_f64()
    );

    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let png = args.out.join("housing_loss.png");
    let train: Vec<(f64, f64)> = curve.iter().map(|c| (c.0, c.1)).collect();
    let val: Vec<(f64, f64)> = curve.iter().map(|c| (c.0, c.2)).collect();
    plot::line_chart(
        &png,
        640,
        400,
        &plot::Axes {
            x_label: "epoch",
            y_label: "MSE",
        },
        &[
            plot::Series {
                name: "train",
                points: &train,
                rgb: [31, 119, 180],
            },
            plot::Series {
                name: "val",
                points: &val,
                rgb: [255, 127, 14],
            },
        ],
    )
    .map_err(|e| format!("{}: {e}", png.display()))?;
    let weights = args.out.join("housing.safetensors");
    save_safetensors(&model, &weights).map_err(|e| e.to_string())?;
    println!(
        "wrote {} (MSE per epoch: train blue, validation orange) and {}",
        png.display(),
        weights.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("housing: {msg}");
            ExitCode::FAILURE
        }
    }
}
