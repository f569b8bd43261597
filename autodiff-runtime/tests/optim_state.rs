//! Saving and restoring an optimizer's state: a run interrupted after k steps and resumed in a
//! fresh optimizer from `state()` / `load_state(..)` gives bit for bit the trajectory of an
//! uninterrupted run, for every optimizer and option, in `f32` and `f64`.

use autodiff::check::{Tolerance, assert_slices};
use autodiff::nalgebra::DMatrix;
use autodiff::optim::{
    Adagrad, Adam, AdamW, CosineDecay, Dtype, ExponentialDecay, OptimError, Optimizer,
    OptimizerState, RmsProp, Sgd, Shape,
};
use autodiff::prelude::*;

/// Resumed runs repeat the same operations on the same values: identical results.
const SAME: Tolerance = Tolerance::new(0.0, 0.0);

/// Rosenbrock's gradient on a 2×1 matrix `[x, y]`; nonlinear, so a wrong slot would show.
fn grad<T: Real>(w: &DMatrix<T>) -> DMatrix<T> {
    let c = T::from_f64;
    let (x, y) = (w[0], w[1]);
    let r = y - x * x;
    DMatrix::from_column_slice(
        2,
        1,
        &[c(-2.0) * (c(1.0) - x) - c(400.0) * r * x, c(200.0) * r],
    )
}

/// `a` and `b` are the same state: equal metadata and slot names, identical slot values.
fn assert_same_state(a: &OptimizerState, b: &OptimizerState) {
    assert_eq!(
        (&a.optimizer, a.iterations, a.dtype, &a.shape),
        (&b.optimizer, b.iterations, b.dtype, &b.shape)
    );
    let names = |s: &OptimizerState| s.slots.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for (x, y) in a.slots.iter().zip(&b.slots) {
        assert_slices(&x.values, &y.values, SAME);
    }
}

fn run<T: Real, O: Optimizer>(opt: &mut O, w: &mut DMatrix<T>, steps: usize) {
    for _ in 0..steps {
        let g = grad(w);
        opt.apply_gradients(w, &g);
    }
}

/// 15 uninterrupted steps vs 6 steps, a snapshot, and 9 more steps in a fresh optimizer.
fn resumes<T: Real, O: Optimizer>(make: impl Fn() -> O) {
    let start = DMatrix::from_column_slice(2, 1, &[T::from_f64(-1.5), T::from_f64(2.0)]);
    let mut whole = start.clone();
    let mut opt = make();
    run(&mut opt, &mut whole, 15);

    let mut resumed = start;
    let mut first = make();
    run(&mut first, &mut resumed, 6);
    let saved = first.state();
    assert_eq!(saved.iterations, 6);
    assert_eq!(saved.dtype, Some(Dtype::of::<T>()));
    assert_eq!(saved.shape, Shape(vec![(2, 1)]));
    let mut second = make();
    second.load_state(&saved).unwrap();
    assert_same_state(&second.state(), &saved);
    assert_eq!(second.iterations(), 6);
    run(&mut second, &mut resumed, 9);

    let flat = |m: &DMatrix<T>| m.iter().map(|v| v.to_f64()).collect::<Vec<_>>();
    assert_slices(&flat(&resumed), &flat(&whole), SAME);
    assert_same_state(&second.state(), &opt.state());
}

fn resumes_in_both_types<O: Optimizer>(make: impl Fn() -> O) {
    resumes::<f32, _>(&make);
    resumes::<f64, _>(&make);
}

#[test]
fn sgd_resumes() {
    resumes_in_both_types(|| Sgd::new(0.0002));
    resumes_in_both_types(|| Sgd::new(0.0002).momentum(0.9).nesterov(true));
}

#[test]
fn adam_resumes() {
    resumes_in_both_types(|| Adam::new(0.01));
    resumes_in_both_types(|| Adam::new(0.01).amsgrad(true).beta_1(0.8));
    resumes_in_both_types(|| AdamW::new(0.01).weight_decay(0.1).amsgrad(true));
}

#[test]
fn rmsprop_resumes() {
    resumes_in_both_types(|| RmsProp::new(0.01));
    resumes_in_both_types(|| RmsProp::new(0.01).centered(true).momentum(0.5));
}

#[test]
fn adagrad_resumes() {
    resumes_in_both_types(|| Adagrad::new(0.1).initial_accumulator_value(0.3));
}

/// The schedule continues from the restored step count.
#[test]
fn schedules_resume_at_the_saved_step() {
    resumes_in_both_types(|| Adam::new(CosineDecay::new(0.05, 10).alpha(0.2)));
    resumes_in_both_types(|| Sgd::new(ExponentialDecay::new(0.0003, 4, 0.5).staircase(true)));
}

/// The snapshot names Keras' slots and holds one value per parameter for each.
#[test]
fn snapshots_name_their_slots() {
    let mut opt = RmsProp::new(0.01).centered(true).momentum(0.9);
    assert_eq!(opt.state().slots.len(), 0); // nothing before the first step
    assert_eq!(opt.state().dtype, None);
    let mut w = vec![DMatrix::<f32>::zeros(2, 2), DMatrix::zeros(1, 1)];
    let g = vec![
        DMatrix::from_element(2, 2, 1.0f32),
        DMatrix::from_element(1, 1, -2.0),
    ];
    opt.apply_gradients(&mut w, &g);
    let s = opt.state();
    assert_eq!(s.optimizer, "RmsProp");
    let names: Vec<&str> = s.slots.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["velocity", "average_gradient", "momentum"]);
    // velocity = (1 − ρ)·g² and average_gradient = (1 − ρ)·g after one step from zero.
    let tol = Tolerance::new(1e-7, 1e-6);
    assert_slices(&s.slots[0].values, &[0.1, 0.1, 0.1, 0.1, 0.4], tol);
    assert_slices(&s.slots[1].values, &[0.1, 0.1, 0.1, 0.1, -0.2], tol);
}

/// A state before the first step restores to a fresh optimizer with that step count.
#[test]
fn an_empty_state_round_trips() {
    let fresh = Adam::new(0.01).state();
    let mut opt = Adam::new(0.01);
    opt.load_state(&fresh).unwrap();
    assert_same_state(&opt.state(), &fresh);
}

fn saved_adam() -> OptimizerState {
    let mut opt = Adam::new(0.01);
    let mut w = [1.0f64, 2.0, 3.0];
    opt.apply_gradients(&mut w, &[0.1, 0.2, 0.3]);
    opt.state()
}

#[test]
fn loading_checks_the_optimizer_and_its_options() {
    let saved = saved_adam();
    let err = AdamW::new(0.01).load_state(&saved).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid optimizer state: it was saved from Adam and cannot be loaded into AdamW"
    );
    let err = Adam::new(0.01)
        .amsgrad(true)
        .load_state(&saved)
        .unwrap_err();
    assert!(matches!(err, OptimError::Slots { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the optimizer's state holds the slots [\"momentum\", \"velocity\"], but its options \
         need [\"momentum\", \"velocity\", \"velocity_hat\"]; set the options before the first step"
    );
}

#[test]
fn loading_checks_the_slot_lengths() {
    let mut bad = saved_adam();
    bad.slots[1].values.pop();
    let mut opt = Adam::new(0.01);
    let err = opt.load_state(&bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid optimizer state: slot `velocity` has 2 values but the shape [1 (×3)] (3 values) \
         has 3"
    );
    // Nothing changed: the optimizer still starts afresh.
    assert_eq!(opt.iterations(), 0);
    assert!(opt.state().slots.is_empty());
}

/// A restored state still belongs to parameters of its shape: the next step checks.
#[test]
#[should_panic(
    expected = "the optimizer's state belongs to parameters of shape [1 (×3)] \
                           (3 values), but these parameters have shape [1, 1] (2 values)"
)]
fn a_restored_state_checks_the_parameters() {
    let mut opt = Adam::new(0.01);
    opt.load_state(&saved_adam()).unwrap();
    opt.apply_gradients(&mut [0.0f64; 2], &[1.0; 2]);
}

/// A state written to a safetensors file and read back is the same state, in its own float type,
/// and resumes the run exactly.
#[test]
fn state_files_round_trip() {
    fn check<T: Real>(name: &str) {
        let mut w = DMatrix::from_column_slice(2, 1, &[T::from_f64(-1.5), T::from_f64(2.0)]);
        let mut opt = Adam::new(0.01).amsgrad(true);
        run(&mut opt, &mut w, 5);
        let saved = opt.state();
        let path = std::env::temp_dir().join(format!("autodiff-optim-{name}.safetensors"));
        saved.save(&path).unwrap();
        let loaded = OptimizerState::load(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_same_state(&loaded, &saved);

        let mut resumed_w = w.clone();
        let mut resumed = Adam::new(0.01).amsgrad(true);
        resumed.load_state(&loaded).unwrap();
        run(&mut opt, &mut w, 4);
        run(&mut resumed, &mut resumed_w, 4);
        let flat = |m: &DMatrix<T>| m.iter().map(|v| v.to_f64()).collect::<Vec<_>>();
        assert_slices(&flat(&resumed_w), &flat(&w), SAME);
    }
    check::<f32>("f32");
    check::<f64>("f64");

    let fresh = Sgd::new(0.1).state();
    let back = OptimizerState::from_safetensors(&fresh.to_safetensors()).unwrap();
    assert_same_state(&back, &fresh);
}

/// A matrix run keeps its dimensions through a file (`2x3` in the metadata), so a restored
/// state refuses the transposed matrix; a run of any other kind is written as its length.
#[test]
fn state_files_keep_matrix_dimensions() {
    let mut opt = Sgd::new(0.1).momentum(0.9);
    let mut p = (DMatrix::<f64>::zeros(2, 3), [0.0f64; 2]);
    let g = (DMatrix::<f64>::from_element(2, 3, 1.0), [1.0f64; 2]);
    opt.apply_gradients(&mut p, &g);
    let saved = opt.state();
    assert_eq!(saved.shape, Shape(vec![(2, 3), (1, 1), (1, 1)]));
    let back = OptimizerState::from_safetensors(&saved.to_safetensors()).unwrap();
    assert_same_state(&back, &saved);

    let mut restored = Sgd::new(0.1).momentum(0.9);
    restored.load_state(&back).unwrap();
    let mut t = (DMatrix::<f64>::zeros(3, 2), [0.0f64; 2]);
    let gt = (DMatrix::<f64>::from_element(3, 2, 1.0), [1.0f64; 2]);
    assert!(matches!(
        restored.try_apply_gradients(&mut t, &gt),
        Err(OptimError::ParametersShape { .. })
    ));
    restored.apply_gradients(&mut p, &g);
}

#[test]
fn state_files_are_checked() {
    let err = OptimizerState::from_safetensors(b"not a safetensors file").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        err.to_string().starts_with("optimizer state file: "),
        "{err}"
    );
    let missing = OptimizerState::load(std::env::temp_dir().join("autodiff-no-such-state"));
    assert_eq!(missing.unwrap_err().kind(), std::io::ErrorKind::NotFound);
}

/// A clone carries the state: the original and the clone continue identically and
/// independently (a fork of the training run).
#[test]
fn clones_fork_the_run() {
    let start = DMatrix::from_column_slice(2, 1, &[-1.5f32, 2.0]);
    let mut a = start.clone();
    let mut opt = RmsProp::new(0.01).centered(true).momentum(0.5);
    run(&mut opt, &mut a, 5);
    let mut fork = opt.clone();
    let mut b = a.clone();
    run(&mut opt, &mut a, 5);
    assert_eq!(fork.iterations(), 5); // the original's steps did not reach the clone
    run(&mut fork, &mut b, 5);
    assert_same_state(&fork.state(), &opt.state());
    let flat = |m: &DMatrix<f32>| m.iter().map(|&v| f64::from(v)).collect::<Vec<_>>();
    assert_slices(&flat(&a), &flat(&b), SAME);

    let shown = format!("{opt:?}");
    assert!(
        shown.starts_with("RmsProp { learning_rate: Constant(0.01)"),
        "{shown}"
    );
    assert!(
        shown.contains("centered: true") && shown.contains("iterations: 10"),
        "{shown}"
    );
}
