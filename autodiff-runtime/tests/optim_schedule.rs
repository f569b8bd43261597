//! Learning-rate schedules against TensorFlow (`reference/tf_refs.json`, section `schedules`):
//! their values at steps 0..150 (float32 in TF, compared bit for bit with our `f32` evaluation),
//! the step origin (the first update uses `schedule(0)`), and Adam/SGD runs driven by a schedule.
//! The `f64` evaluation is checked against the formulas computed independently below.

use std::sync::OnceLock;

use autodiff::check::{Tolerance, assert_close};
use autodiff::optim::{Adam, CosineDecay, ExponentialDecay, LearningRate, Optimizer, Sgd};
use serde_json::Value;

fn refs() -> &'static Value {
    static REFS: OnceLock<Value> = OnceLock::new();
    REFS.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../reference/tf_refs.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

/// Units in the last place between two `f32` values.
fn ulps(a: f32, b: f32) -> u64 {
    let ordered = |x: f32| {
        let i = i64::from(x.to_bits() as i32);
        if i < 0 { i64::from(i32::MIN) - i } else { i }
    };
    ordered(a).abs_diff(ordered(b))
}

/// Our `f32` value equals TF's float32 one bit for bit.
fn assert_same_f32(ours: f32, tf: f64, what: &str) {
    let d = ulps(ours, tf as f32);
    assert!(d == 0, "{what}: ours {ours:e} vs TF {tf:e} ({d} ulp apart)");
}

/// The schedule named `key` in the reference, built from its recorded config.
fn schedule(key: &str) -> LearningRate {
    let cfg = &refs()["schedules"]["schedules"][key]["config"];
    let lr0 = num(&cfg["initial_learning_rate"]);
    let steps = cfg["decay_steps"].as_u64().unwrap();
    if key.starts_with("exponential") {
        let staircase = cfg["staircase"].as_bool().unwrap();
        ExponentialDecay::new(lr0, steps, num(&cfg["decay_rate"]))
            .staircase(staircase)
            .into()
    } else {
        CosineDecay::new(lr0, steps)
            .alpha(num(&cfg["alpha"]))
            .into()
    }
}

#[test]
fn schedule_values_match_tf_in_f32() {
    let all = refs()["schedules"]["schedules"].as_object().unwrap();
    assert_eq!(all.len(), 4);
    for (key, entry) in all {
        assert_eq!(entry["output_dtype"], "float32");
        let s = schedule(key);
        for (step, tf) in entry["values"].as_object().unwrap() {
            let step: u64 = step.parse().unwrap();
            assert_same_f32(s.at::<f32>(step), num(tf), &format!("{key} at {step}"));
        }
    }
}

/// In `f64` the schedules are evaluated at full precision: check against the formulas written
/// out here, `0.1·0.5^(s/10)` (staircase: `0.5^⌊s/10⌋`) and
/// `0.1·((1 − α)·½(1 + cos(π·min(s, 100)/100)) + α)`.
#[test]
fn schedule_values_in_f64_follow_the_formulas() {
    let tight = Tolerance::new(1e-17, 1e-14);
    let exp = ExponentialDecay::new(0.1, 10, 0.5);
    let stairs = exp.staircase(true);
    let cos = CosineDecay::new(0.1, 100);
    let cos_alpha = CosineDecay::new(0.1, 100).alpha(0.1);
    for s in [0u64, 1, 5, 9, 10, 15, 50, 99, 100, 150, 1000] {
        let sf = s as f64;
        assert_close(exp.at::<f64>(s), 0.1 * 0.5f64.powf(sf / 10.0), tight);
        assert_close(
            stairs.at::<f64>(s),
            0.1 * 0.5f64.powi((s / 10) as i32),
            tight,
        );
        let c = 0.5 * (1.0 + (std::f64::consts::PI * sf.min(100.0) / 100.0).cos());
        assert_close(cos.at::<f64>(s), 0.1 * c, tight);
        assert_close(cos_alpha.at::<f64>(s), 0.1 * (0.9 * c + 0.1), tight);
    }
    // Landmarks: halfway through a cosine decay is half the rate; the end is the floor α·lr0.
    assert_close(cos.at::<f64>(50), 0.05, tight);
    assert_close(cos_alpha.at::<f64>(100), 0.01, tight);
    assert_close(stairs.at::<f64>(19), 0.05, tight);
}

/// TF's evidence of the step origin: plain SGD from x = 0 on (x − 1)², gradient −2, so the first
/// x-step is `2 · lr_used`, and `lr_used = schedule(0)`.
#[test]
fn the_first_step_uses_schedule_at_zero() {
    let evidence = &refs()["schedules"]["step_origin"];
    let mut x = 0.0f32;
    let mut opt = Sgd::new(schedule("exponential_decay"));
    assert_eq!(opt.iterations(), 0);
    opt.apply_gradients(&mut x, &-2.0);
    assert_same_f32(x, num(&evidence["sgd_first_step_x"]), "first SGD step");
    assert_same_f32(
        x / 2.0,
        num(&evidence["schedule_at_0"]),
        "lr used on step 1",
    );
}

/// Runs the quadratic (x − 1)² + 10(y + 2)² from (0, 0) in `f32` for 20 steps and compares the
/// step count and learning rate before each step and the parameters after it with TF's.
fn quadratic_with_schedule<O: Optimizer>(mut opt: O, key: &str) {
    let run = &refs()["schedules"]["optimizer_runs_on_quadratic_f32"][key];
    let mut w = [0.0f32; 2];
    let traj = run["trajectory"].as_array().unwrap();
    assert_eq!(traj.len(), 20);
    for (i, tf) in traj.iter().enumerate() {
        let what = format!("{key} step {}", i + 1);
        assert_eq!(
            opt.iterations(),
            run["iterations_before_step"][i].as_u64().unwrap()
        );
        let lr_tf = num(&run["learning_rate_before_step"][i]);
        assert_same_f32(opt.learning_rate() as f32, lr_tf, &format!("{what} lr"));
        // ∇ in TF's operation order: [2·(x − 1), 10·(2·(y + 2))].
        let g = [2.0 * (w[0] - 1.0), 10.0 * (2.0 * (w[1] + 2.0))];
        opt.apply_gradients(&mut w, &g);
        assert_same_f32(w[0], num(&tf[0]), &format!("{what} x"));
        assert_same_f32(w[1], num(&tf[1]), &format!("{what} y"));
    }
}

#[test]
fn adam_with_exponential_decay_matches_tf() {
    let opt = Adam::new(schedule("exponential_decay"));
    quadratic_with_schedule(opt, "adam_exponential_decay");
}

#[test]
fn adam_with_staircase_decay_matches_tf() {
    let opt = Adam::new(schedule("exponential_decay_staircase"));
    quadratic_with_schedule(opt, "adam_exponential_decay_staircase");
}

#[test]
fn adam_with_cosine_decay_matches_tf() {
    quadratic_with_schedule(Adam::new(schedule("cosine_decay")), "adam_cosine_decay");
}

#[test]
fn sgd_with_exponential_decay_matches_tf() {
    let opt = Sgd::new(schedule("exponential_decay"));
    quadratic_with_schedule(opt, "sgd_exponential_decay");
}

/// A float literal is a learning rate for `f32` and `f64` parameters alike, and a schedule's
/// `learning_rate()` follows the step count.
#[test]
fn literals_and_schedules_are_learning_rates() {
    let mut a = Sgd::new(0.5);
    let mut b = Sgd::new(0.5f32);
    let (mut x32, mut x64) = (1.0f32, 1.0f64);
    a.apply_gradients(&mut x32, &1.0);
    b.apply_gradients(&mut x64, &1.0);
    assert_close(f64::from(x32), 0.5, Tolerance::tight());
    assert_close(x64, 0.5, Tolerance::tight());

    let mut opt = Sgd::new(ExponentialDecay::new(1.0, 1, 0.5).staircase(true));
    let mut w = 0.0f64;
    for k in 0..4 {
        assert_close(opt.learning_rate(), 0.5f64.powi(k), Tolerance::tight());
        opt.apply_gradients(&mut w, &-1.0); // w += lr
    }
    assert_close(w, 1.0 + 0.5 + 0.25 + 0.125, Tolerance::tight());
}

#[test]
#[should_panic(expected = "ExponentialDecay: decay_steps must be positive, got 0")]
fn zero_decay_steps_are_refused() {
    let _ = ExponentialDecay::new(0.1, 0, 0.5);
}
