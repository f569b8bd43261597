//! Gradient clipping in the optimizers (Keras' `global_clipnorm` and `clipvalue`) against
//! TensorFlow's trajectories (`reference/clip_refs.json`, made by `reference/clip_refs.py`):
//! three steps of SGD, Adam and RMSprop on a 2×3 matrix and a length-2 `Vec` (two variables), in
//! f32; the third step's gradient is below every bound, so clipping must leave it alone. And a
//! learning rate set between steps (`opt.learning_rate = 0.01` in Keras; its numbers inline).

use autodiff::prelude::*;
use serde_json::Value;

fn refs() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/clip_refs.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference/clip_refs.json")).unwrap()
}

/// A run's final `(W row-major, b)`.
type Trajectory = (Vec<f32>, Vec<f32>);

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

/// Runs three steps of `opt` as the script does and returns `(W row-major, b)`.
fn run(opt: &mut impl optim::Optimizer) -> Trajectory {
    let w0 = DMatrix::from_row_slice(2, 3, &[0.5f32, -1.0, 2.0, 0.25, 3.0, -0.75]);
    let gw = DMatrix::from_row_slice(2, 3, &[3.0f32, -4.0, 0.5, 1.0, -2.0, 6.0]);
    let mut params = (w0, vec![1.5f32, -2.0]);
    for t in 0..3 {
        let mut s = 1.0f32 + 0.5 * t as f32;
        if t == 2 {
            s *= 0.01;
        }
        let grads = (gw.map(|g| g * s), vec![0.3f32 * s, -0.1 * s]);
        opt.apply_gradients(&mut params, &grads);
    }
    let w = params.0.transpose().as_slice().to_vec();
    (w, params.1)
}

fn assert_near(name: &str, ours: &[f32], tf: &[f32]) {
    for (k, (a, b)) in ours.iter().zip(tf).enumerate() {
        assert!(
            (a - b).abs() <= 2e-6 * (1.0 + b.abs()),
            "{name}[{k}]: ours {a}, TensorFlow {b}"
        );
    }
}

#[test]
fn clipping_matches_tensorflow() {
    let r = refs();
    for (kind, c) in [("global_clipnorm", 2.0), ("clipvalue", 0.5)] {
        let cases: [(&str, Trajectory); 3] = [
            ("sgd", run(&mut with_clip(optim::Sgd::new(0.1), kind, c))),
            ("adam", run(&mut with_clip(optim::Adam::new(0.1), kind, c))),
            (
                "rmsprop",
                run(&mut with_clip(optim::RmsProp::new(0.1), kind, c)),
            ),
        ];
        for (name, (w, b)) in cases {
            let key = format!("{name}_{kind}");
            assert_near(&format!("{key}.W"), &w, &floats(&r[&key]["W"]));
            assert_near(&format!("{key}.b"), &b, &floats(&r[&key]["b"]));
        }
    }
}

/// The optimizer with one clipping option set by its Keras name.
fn with_clip<O: Clippable>(o: O, kind: &str, c: f64) -> O {
    match kind {
        "global_clipnorm" => o.global_clipnorm(c),
        _ => o.clipvalue(c),
    }
}

trait Clippable: Sized {
    fn global_clipnorm(self, c: f64) -> Self;
    fn clipvalue(self, c: f64) -> Self;
}

macro_rules! clippable {
    ($($t:ty),*) => {$(
        impl Clippable for $t {
            fn global_clipnorm(self, c: f64) -> Self { <$t>::global_clipnorm(self, c) }
            fn clipvalue(self, c: f64) -> Self { <$t>::clipvalue(self, c) }
        }
    )*};
}
clippable!(optim::Sgd, optim::Adam, optim::RmsProp);

#[test]
fn clipping_in_f64_and_its_edges() {
    // global_clipnorm: a gradient of global norm 5 becomes norm 1; below the bound it stays.
    let mut x = vec![0.0f64, 0.0];
    optim::Sgd::new(1.0)
        .global_clipnorm(1.0)
        .apply_gradients(&mut x, &vec![3.0, 4.0]);
    assert!(
        (x[0] + 0.6).abs() < 1e-15 && (x[1] + 0.8).abs() < 1e-15,
        "{x:?}"
    );
    let mut z = vec![1.0f64, 1.0];
    optim::Sgd::new(1.0)
        .global_clipnorm(1.0)
        .apply_gradients(&mut z, &vec![0.0, 0.5]);
    assert!(z[0] == 1.0 && (z[1] - 0.5).abs() < 1e-15, "{z:?}");
    // global_clipnorm: a non-finite global norm makes every gradient NaN, as Keras.
    let mut p = vec![1.0f64, 2.0];
    optim::Sgd::new(1.0)
        .global_clipnorm(1.0)
        .apply_gradients(&mut p, &vec![f64::INFINITY, 0.0]);
    assert!(p.iter().all(|v| v.is_nan()), "{p:?}");
    // clipvalue keeps NaN (and check_finite still refuses it first).
    let mut q = vec![1.0f64, 2.0];
    optim::Sgd::new(1.0)
        .clipvalue(0.5)
        .apply_gradients(&mut q, &vec![f64::NAN, -3.0]);
    assert!(q[0].is_nan() && (q[1] - 2.5).abs() < 1e-15, "{q:?}");
    let mut checked = optim::Sgd::new(1.0).clipvalue(0.5).check_finite(true);
    assert!(
        checked
            .try_apply_gradients(&mut q, &vec![f64::NAN, 0.0])
            .is_err()
    );
}

#[test]
#[should_panic(expected = "only one of global_clipnorm and clipvalue")]
fn two_clipping_options_are_refused() {
    let _ = optim::Adam::new(0.1).global_clipnorm(1.0).clipvalue(0.5);
}

#[test]
#[should_panic(expected = "must be positive and finite")]
fn a_bound_that_is_not_positive_is_refused() {
    let _ = optim::Sgd::new(0.1).global_clipnorm(0.0);
}

/// `opt.set_learning_rate(0.01)` after two steps, as Keras' `opt.learning_rate = 0.01`: the
/// next steps use it with the state kept (TensorFlow 2.21 / Keras 3.15 numbers, f32, from
/// `w = [0.5, -1.5]` with gradients `[1 + t, -2 + t/2]`).
#[test]
fn setting_the_learning_rate_between_steps() {
    let want_adam = [0.284_299_94f32, -1.283_666_3];
    let want_sgd = [-0.482_899_93f32, -0.381_7];
    let grads = |t: usize| vec![1.0f32 + t as f32, -2.0 + 0.5 * t as f32];
    let mut adam = optim::Adam::new(0.1);
    let mut sgd = optim::Sgd::new(0.1).momentum(0.9);
    let (mut wa, mut ws) = (vec![0.5f32, -1.5], vec![0.5f32, -1.5]);
    for t in 0..4 {
        if t == 2 {
            adam.set_learning_rate(0.01);
            sgd.set_learning_rate(0.01);
        }
        adam.apply_gradients(&mut wa, &grads(t));
        sgd.apply_gradients(&mut ws, &grads(t));
    }
    assert_near("adam", &wa, &want_adam);
    assert_near("sgd", &ws, &want_sgd);
    assert!((adam.learning_rate() - 0.01).abs() < 1e-9);
}

#[test]
#[should_panic(expected = "created with a learning-rate schedule")]
fn a_schedule_is_not_settable() {
    let mut opt = optim::Sgd::new(optim::ExponentialDecay::new(0.1, 10, 0.5));
    opt.set_learning_rate(0.01);
}
