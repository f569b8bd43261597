//! `InverseTimeDecay` and `PolynomialDecay` against Keras' own values
//! (`reference/schedule_refs.json`, made by `reference/schedule_refs.py`): float32, as Keras
//! evaluates a schedule made from Python floats, at 14 steps around the decay boundaries; and
//! one optimizer step under each.

use autodiff::optim::{InverseTimeDecay, LearningRate, PolynomialDecay, Sgd};
use serde_json::Value;

fn refs() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/schedule_refs.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference/schedule_refs.json"))
        .unwrap()
}

#[test]
fn schedules_match_keras_in_f32() {
    let r = refs();
    let steps: Vec<u64> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    let cases: [(&str, LearningRate); 5] = [
        ("inverse_time", InverseTimeDecay::new(0.1, 10, 0.5).into()),
        (
            "inverse_time_staircase",
            InverseTimeDecay::new(0.1, 10, 0.5).staircase(true).into(),
        ),
        ("polynomial", PolynomialDecay::new(0.1, 100).into()),
        (
            "polynomial_power",
            PolynomialDecay::new(0.1, 100)
                .end_learning_rate(0.01)
                .power(0.5)
                .into(),
        ),
        (
            "polynomial_cycle",
            PolynomialDecay::new(0.1, 100)
                .end_learning_rate(0.01)
                .power(2.0)
                .cycle(true)
                .into(),
        ),
    ];
    for (name, schedule) in cases {
        let want = r[name].as_array().unwrap();
        for (k, &step) in steps.iter().enumerate() {
            let tf = want[k].as_f64().unwrap() as f32;
            let ours = schedule.at::<f32>(step);
            // Keras' float32 operations; at most one ulp apart (TF's pow rounding).
            assert!(
                (ours - tf).abs() <= f32::EPSILON * tf.abs(),
                "{name} at step {step}: ours {ours}, Keras {tf}"
            );
        }
    }
}

#[test]
fn an_optimizer_steps_with_the_new_schedules() {
    // Two SGD steps on w with gradient 1: w -= lr(0) + lr(1).
    let mut w = 0.0f64;
    let mut opt = Sgd::new(InverseTimeDecay::new(0.1, 1, 1.0));
    opt.apply_gradients(&mut w, &1.0);
    opt.apply_gradients(&mut w, &1.0);
    assert!((w + 0.15).abs() < 1e-7, "{w}"); // 0.1 + 0.1/2, each an f32 value
    let mut v = 0.0f64;
    let mut opt = Sgd::new(PolynomialDecay::new(0.1, 2).end_learning_rate(0.0));
    for _ in 0..3 {
        opt.apply_gradients(&mut v, &1.0);
    }
    assert!((v + 0.15).abs() < 1e-7, "{v}"); // 0.1 + 0.05 + 0
}
