//! Every optimizer and option against TensorFlow's own trajectories (`reference/tf_refs.json`,
//! TF 2.21 / Keras 3): a quadratic, Rosenbrock and a 2×3 matrix problem, 50 steps each, every
//! step compared, bit for bit in `f32` and in `f64` (the reference's `formula_check_max_ulp` is 0
//! for every run, so TF's operation order is reproducible; in `f64` that includes Keras' rounding
//! of the learning rate and some hyper-parameters through `f32`, which the optimizers copy).

use std::sync::OnceLock;

use autodiff::nalgebra::DMatrix;
use autodiff::optim::{Adagrad, Adam, AdamW, Optimizer, RmsProp, Sgd};
use autodiff::prelude::*;
use serde_json::Value;

fn refs() -> &'static Value {
    static REFS: OnceLock<Value> = OnceLock::new();
    REFS.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../reference/tf_refs.json");
        let text = std::fs::read_to_string(path).expect("reference/tf_refs.json is in the repo");
        serde_json::from_str(&text).expect("tf_refs.json parses")
    })
}

/// A JSON number, or NaN for `null` (the reference writes non-finite values as `null`).
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Distance in units in the last place between two `f32` values (0 = the same bits).
fn ulps_f32(a: f32, b: f32) -> u64 {
    let ordered = |x: f32| {
        let i = i64::from(x.to_bits() as i32);
        if i < 0 { i64::from(i32::MIN) - i } else { i }
    };
    ordered(a).abs_diff(ordered(b))
}

/// Distance in units in the last place between two `f64` values (0 = the same bits).
fn ulps_f64(a: f64, b: f64) -> u64 {
    let ordered = |x: f64| {
        let i = i128::from(x.to_bits() as i64);
        if i < 0 { i128::from(i64::MIN) - i } else { i }
    };
    u64::try_from(ordered(a).abs_diff(ordered(b))).unwrap_or(u64::MAX)
}

/// The tolerance in units in the last place: 0, because the reference's `formula_check_max_ulp`
/// is 0 for every run (TF's operation order is reproducible), in `f32` and in `f64`.
const MAX_ULPS: u64 = 0;

/// Compares one value of ours with TF's to [`MAX_ULPS`] in our type. A `null` in the reference
/// (TF's value was infinite or NaN) must be non-finite here too.
fn check_value<T: Real>(ours: T, tf: f64, what: &str) {
    if tf.is_nan() {
        assert!(!ours.is_finite(), "{what}: TF diverged, we have {ours}");
        return;
    }
    let d = if Dtype::of::<T>() == Dtype::F32 {
        ulps_f32(ours.to_f64() as f32, tf as f32)
    } else {
        ulps_f64(ours.to_f64(), tf)
    };
    assert!(
        d <= MAX_ULPS,
        "{what}: ours {:e} vs TF {tf:e} ({d} ulp apart)",
        ours.to_f64()
    );
}

use autodiff::optim::Dtype;

// --- The problems' gradients, written in TensorFlow's operation order (make_refs.py's
// `numpy_grad`, which reproduces TF's tape bit for bit).

/// ∇ of (x − 1)² + 10·(y + 2)²: `[2·(x − 1), 10·(2·(y + 2))]`.
fn quadratic_grad<T: Real>(w: &[T; 2]) -> [T; 2] {
    let c = T::from_f64;
    [
        c(2.0) * (w[0] - c(1.0)),
        c(10.0) * (c(2.0) * (w[1] + c(2.0))),
    ]
}

/// ∇ of (1 − x)² + 100·(y − x²)² with r = y − x²: `∂y = 200·r`,
/// `∂x = (−(2·(1 − x)) + −(200·r·x)) + −(200·r·x)` (TF sums the contributions in this order).
fn rosenbrock_grad<T: Real>(w: &(T, T)) -> (T, T) {
    let c = T::from_f64;
    let (x, y) = *w;
    let g2 = c(200.0) * (y - x * x);
    ((-(c(2.0) * (c(1.0) - x)) + -(g2 * x)) + -(g2 * x), g2)
}

/// ∇ of Σ S∘(W − T)²: `(S·2)∘(W − T)`, element by element.
fn matrix_grad<T: Real>(w: &DMatrix<T>, s: &DMatrix<T>, t: &DMatrix<T>) -> DMatrix<T> {
    DMatrix::from_fn(w.nrows(), w.ncols(), |i, j| {
        (s[(i, j)] * T::from_f64(2.0)) * (w[(i, j)] - t[(i, j)])
    })
}

fn matrix_from_json<T: Real>(v: &Value) -> DMatrix<T> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(num).collect())
        .collect();
    DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| T::from_f64(rows[i][j]))
}

/// Runs `make()` on the quadratic (parameters `[x, y]`) and compares all 50 steps.
fn quadratic_run<T: Real + Parameters<T>, O: Optimizer>(
    make: &impl Fn() -> O,
    run: &Value,
    what: &str,
) {
    let mut w = [T::zero(); 2];
    let mut opt = make();
    for (step, tf) in run["trajectory"].as_array().unwrap().iter().enumerate() {
        let g = quadratic_grad(&w);
        opt.apply_gradients(&mut w, &g);
        for (k, &ours) in w.iter().enumerate() {
            check_value(
                ours,
                num(&tf[k]),
                &format!("{what} step {} w[{k}]", step + 1),
            );
        }
    }
    assert_eq!(opt.iterations(), run["iterations"].as_u64().unwrap());
}

/// Runs `make()` on Rosenbrock from (−1.5, 2) (parameters a tuple `(x, y)`), all 50 steps.
fn rosenbrock_run<T: Real + Parameters<T>, O: Optimizer>(
    make: &impl Fn() -> O,
    run: &Value,
    what: &str,
) {
    let mut w = (T::from_f64(-1.5), T::from_f64(2.0));
    let mut opt = make();
    for (step, tf) in run["trajectory"].as_array().unwrap().iter().enumerate() {
        let g = rosenbrock_grad(&w);
        opt.apply_gradients(&mut w, &g);
        let what = format!("{what} step {}", step + 1);
        check_value(w.0, num(&tf[0]), &format!("{what} x"));
        check_value(w.1, num(&tf[1]), &format!("{what} y"));
    }
}

/// Runs `make()` on the 2×3 matrix problem (a `DMatrix`), all 50 steps.
fn matrix_run<T: Real + Parameters<T>, O: Optimizer>(
    make: &impl Fn() -> O,
    run: &Value,
    what: &str,
) {
    let problem = &refs()["optimizers"]["matrix_problem"];
    let mut w = matrix_from_json::<T>(&problem["W0"]);
    let t = matrix_from_json::<T>(&problem["T"]);
    let s = matrix_from_json::<T>(&problem["S"]);
    let mut opt = make();
    for (step, tf) in run["trajectory"].as_array().unwrap().iter().enumerate() {
        let g = matrix_grad(&w, &s, &t);
        opt.apply_gradients(&mut w, &g);
        let tf = matrix_from_json::<f64>(tf);
        for i in 0..2 {
            for j in 0..3 {
                let what = format!("{what} step {} W[{i},{j}]", step + 1);
                check_value(w[(i, j)], tf[(i, j)], &what);
            }
        }
    }
}

/// Every reference run of optimizer `name` (both dtypes, every problem).
fn against_tf<O: Optimizer>(
    name: &str,
    make: impl Fn() -> O,
    make_small_lr: Option<&dyn Fn() -> O>,
) {
    let entry = &refs()["optimizers"]["runs"][name];
    assert!(entry.is_object(), "no reference for {name}");
    for (key, ulp) in entry["formula_check_max_ulp"].as_object().unwrap() {
        assert_eq!(
            ulp.as_i64(),
            Some(0),
            "{name} {key}: TF's order is not reproducible"
        );
    }
    let problems = &entry["problems"];
    quadratic_run::<f32, _>(
        &make,
        &problems["quadratic_f32"],
        &format!("{name} quadratic f32"),
    );
    quadratic_run::<f64, _>(
        &make,
        &problems["quadratic_f64"],
        &format!("{name} quadratic f64"),
    );
    rosenbrock_run::<f32, _>(
        &make,
        &problems["rosenbrock_f32"],
        &format!("{name} rosenbrock f32"),
    );
    rosenbrock_run::<f64, _>(
        &make,
        &problems["rosenbrock_f64"],
        &format!("{name} rosenbrock f64"),
    );
    matrix_run::<f32, _>(
        &make,
        &entry["matrix"]["f32"],
        &format!("{name} matrix f32"),
    );
    matrix_run::<f64, _>(
        &make,
        &entry["matrix"]["f64"],
        &format!("{name} matrix f64"),
    );
    if let Some(small) = make_small_lr {
        let run = &problems["rosenbrock_lr0.001_f32"];
        rosenbrock_run::<f32, _>(&small, run, &format!("{name} rosenbrock lr 0.001 f32"));
        let run = &problems["rosenbrock_lr0.001_f64"];
        rosenbrock_run::<f64, _>(&small, run, &format!("{name} rosenbrock lr 0.001 f64"));
    }
}

#[test]
fn sgd_matches_tf() {
    against_tf("sgd", || Sgd::new(0.01), Some(&|| Sgd::new(0.001)));
}

#[test]
fn sgd_momentum_matches_tf() {
    against_tf(
        "sgd_momentum",
        || Sgd::new(0.01).momentum(0.9),
        Some(&|| Sgd::new(0.001).momentum(0.9)),
    );
}

#[test]
fn sgd_nesterov_matches_tf() {
    against_tf(
        "sgd_nesterov",
        || Sgd::new(0.01).momentum(0.9).nesterov(true),
        Some(&|| Sgd::new(0.001).momentum(0.9).nesterov(true)),
    );
}

#[test]
fn adam_matches_tf() {
    against_tf("adam", || Adam::new(0.01), None);
}

#[test]
fn adam_amsgrad_matches_tf() {
    against_tf("adam_amsgrad", || Adam::new(0.01).amsgrad(true), None);
}

#[test]
fn adamw_matches_tf() {
    against_tf("adamw", || AdamW::new(0.01), None);
}

#[test]
fn rmsprop_matches_tf() {
    against_tf("rmsprop", || RmsProp::new(0.01), None);
}

#[test]
fn rmsprop_momentum_matches_tf() {
    against_tf(
        "rmsprop_momentum",
        || RmsProp::new(0.01).momentum(0.9),
        None,
    );
}

#[test]
fn rmsprop_centered_matches_tf() {
    against_tf(
        "rmsprop_centered",
        || RmsProp::new(0.01).centered(true),
        None,
    );
}

#[test]
fn adagrad_matches_tf() {
    against_tf("adagrad", || Adagrad::new(0.1), None);
}

/// The seed notebook's cell `gd_adam_100`: Adam(0.1) on x² − 2x + 1 from 0, 100 steps.
/// TF: 0.99706370 (`reference/seeds_tf.json`). With TF's gradient `2x − 2` every recorded step
/// matches bit for bit; with the gradient from `#[differentiable]` (which sums the same terms in
/// another order, so it can differ in the last bit) the result agrees to 1e-6.
#[test]
fn seed_gd_adam_100() {
    #[differentiable]
    fn f<T: Real>(x: T) -> T {
        x * x - x * T::from_f64(2.0) + T::from_f64(1.0)
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../reference/seeds_tf.json");
    let seeds: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tf_seed = num(&seeds["gd_adam_100"]);
    assert!((tf_seed - 0.99706370).abs() < 5e-9);
    let per_step = &refs()["optimizers"]["seed_adam_lr0.1_x2_minus_2x_plus_1"];

    let (mut x32, mut x64) = (0.0f32, 0.0f64);
    let (mut opt32, mut opt64) = (Adam::new(0.1), Adam::new(0.1));
    let (mut ad32, mut ad_opt) = (0.0f32, Adam::new(0.1));
    for step in 1..=100 {
        // d/dx (x² − 2x + 1) = 2x − 2, in TF's order.
        let (g32, g64) = (2.0 * x32 - 2.0, 2.0 * x64 - 2.0);
        opt32.apply_gradients(&mut x32, &g32);
        opt64.apply_gradients(&mut x64, &g64);
        let (_, g) = f_grad(ad32);
        ad_opt.apply_gradients(&mut ad32, &g);
        let key = step.to_string();
        if let Some(tf) = per_step["f32"]["params_after_step"].get(&key) {
            check_value(x32, num(tf), &format!("seed f32 step {step}"));
            let tf64 = num(&per_step["f64"]["params_after_step"][&key]);
            check_value(x64, tf64, &format!("seed f64 step {step}"));
        }
    }
    check_value(x32, tf_seed, "gd_adam_100");
    assert!((ad32 - 0.997_063_7).abs() < 1e-6, "through f_grad: {ad32}");
}
