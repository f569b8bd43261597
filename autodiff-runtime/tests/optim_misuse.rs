//! Misuse is a clear error, never a corrupted model: another shape, another float type, a
//! gradient of the wrong shape, options changed after the first step, and (when asked) a
//! non-finite gradient are refused before anything changes, with both sides in the message.

use autodiff::check::{Tolerance, assert_slices};
use autodiff::nalgebra::DMatrix;
use autodiff::optim::{Adagrad, Adam, AdamW, OptimError, RmsProp, Sgd, Shape};

/// For values that must be left exactly as they were (copied, never computed).
const UNCHANGED: Tolerance = Tolerance::new(0.0, 0.0);

#[test]
#[should_panic(
    expected = "Adam::apply_gradients: the optimizer's state belongs to parameters of \
                           shape [2×3] (6 values), but these parameters have shape [2×2] (4 values)"
)]
fn parameters_of_another_shape_panic() {
    let mut opt = Adam::new(0.01);
    let mut w = DMatrix::<f64>::zeros(2, 3);
    opt.apply_gradients(&mut w, &DMatrix::from_element(2, 3, 1.0));
    let mut other = DMatrix::<f64>::zeros(2, 2);
    opt.apply_gradients(&mut other, &DMatrix::from_element(2, 2, 1.0));
}

#[test]
#[should_panic(
    expected = "Sgd::apply_gradients: the optimizer's state belongs to parameters of \
                           shape [1 (×3)] (3 values), but these parameters have shape [1 (×4)]"
)]
fn parameters_of_another_count_panic() {
    let mut opt = Sgd::new(0.1).momentum(0.9);
    let mut w = vec![0.0f32; 3];
    opt.apply_gradients(&mut w, &vec![1.0; 3]);
    let mut more = vec![0.0f32; 4];
    opt.apply_gradients(&mut more, &vec![1.0; 4]);
}

#[test]
#[should_panic(
    expected = "RmsProp::apply_gradients: the gradient has shape [2×2, 1×2] (6 values) \
                           but the parameters have shape [2×2, 1×3] (7 values)"
)]
fn gradient_of_another_shape_panics() {
    let mut opt = RmsProp::new(0.01);
    let mut w = vec![DMatrix::<f64>::zeros(2, 2), DMatrix::zeros(1, 3)];
    let g = vec![DMatrix::<f64>::zeros(2, 2), DMatrix::zeros(1, 2)];
    opt.apply_gradients(&mut w, &g);
}

#[test]
#[should_panic(
    expected = "Sgd::apply_gradients: the gradient has shape [3×2] (6 values) \
                           but the parameters have shape [2×3] (6 values)"
)]
fn a_transposed_gradient_panics() {
    // The same number of values laid out otherwise: applied, each entry would take another
    // entry's gradient (column-major storage).
    let mut w = DMatrix::<f64>::zeros(2, 3);
    Sgd::new(0.1).apply_gradients(&mut w, &DMatrix::from_element(3, 2, 1.0));
}

#[test]
fn parameters_of_the_same_count_laid_out_otherwise_are_refused() {
    let g23 = DMatrix::<f64>::from_fn(2, 3, |i, j| (i * 3 + j) as f64);
    for reshaped in [
        DMatrix::<f64>::zeros(3, 2),
        DMatrix::<f64>::zeros(6, 1),
        DMatrix::<f64>::zeros(1, 6),
    ] {
        let mut opt = Adam::new(0.1);
        let mut w = DMatrix::<f64>::zeros(2, 3);
        opt.apply_gradients(&mut w, &g23);
        let mut other = reshaped.clone();
        let g = DMatrix::from_element(reshaped.nrows(), reshaped.ncols(), 1.0);
        let err = opt.try_apply_gradients(&mut other, &g).unwrap_err();
        assert_eq!(
            err,
            OptimError::ParametersShape {
                state: Shape(vec![(2, 3)]),
                params: Shape(vec![(reshaped.nrows(), reshaped.ncols())]),
            }
        );
        assert_slices(other.as_slice(), reshaped.as_slice(), UNCHANGED);
    }
    // A `Vec` of six values after a 2×3 matrix: six runs of one.
    let mut opt = Sgd::new(0.1);
    let mut w = DMatrix::<f64>::zeros(2, 3);
    opt.apply_gradients(&mut w, &g23);
    let mut v = vec![0.0f64; 6];
    assert!(matches!(
        opt.try_apply_gradients(&mut v, &vec![1.0; 6]),
        Err(OptimError::ParametersShape { .. })
    ));
}

#[test]
#[should_panic(
    expected = "Adagrad::apply_gradients: the optimizer's state holds f32 values, \
                           but these parameters are f64"
)]
fn parameters_of_another_float_type_panic() {
    let mut opt = Adagrad::new(0.1);
    let mut w32 = [1.0f32, 2.0];
    opt.apply_gradients(&mut w32, &[0.5, 0.5]);
    let mut w64 = [1.0f64, 2.0];
    opt.apply_gradients(&mut w64, &[0.5, 0.5]);
}

#[test]
#[should_panic(expected = "AdamW::apply_gradients: non-finite gradient value NaN at flat index 2")]
fn non_finite_gradients_panic_when_checked() {
    let mut opt = AdamW::new(0.01).check_finite(true);
    let mut w = [1.0, 2.0, 3.0];
    opt.apply_gradients(&mut w, &[0.0, 1.0, f64::NAN]);
}

/// A refused step changes nothing: not the parameters, not the step count, not the slots. The
/// run continues exactly as if the bad call had never been made.
#[test]
fn refused_steps_change_nothing() {
    let grads = [[0.5, -1.0], [0.25, 2.0], [1.0, 1.0]];
    let mut clean = [1.0f64, -1.0];
    let mut clean_opt = Adam::new(0.1).amsgrad(true).check_finite(true);
    let mut w = clean;
    let mut opt = Adam::new(0.1).amsgrad(true).check_finite(true);
    for g in grads {
        clean_opt.apply_gradients(&mut clean, &g);
        opt.apply_gradients(&mut w, &g);
        let before = (w, opt.iterations(), opt.state());

        let err = opt
            .try_apply_gradients(&mut w, &[f64::INFINITY, 0.0])
            .unwrap_err();
        assert_eq!(
            err,
            OptimError::NonFiniteGradient {
                index: 0,
                value: f64::INFINITY
            }
        );
        let mut other = [0.0f64; 3];
        let err = opt.try_apply_gradients(&mut other, &[0.0; 3]).unwrap_err();
        assert_eq!(
            err,
            OptimError::ParametersShape {
                state: Shape(vec![(1, 1), (1, 1)]),
                params: Shape(vec![(1, 1), (1, 1), (1, 1)])
            }
        );
        assert_slices(&other, &[0.0; 3], UNCHANGED);
        assert!(
            opt.try_apply_gradients(&mut [0.0f32; 2], &[1.0; 2])
                .is_err()
        );

        assert_slices(&w, &before.0, UNCHANGED);
        assert_eq!(opt.iterations(), before.1);
        let now = opt.state();
        for (a, b) in now.slots.iter().zip(&before.2.slots) {
            assert_slices(&a.values, &b.values, UNCHANGED);
        }
        assert_eq!(now.iterations, before.2.iterations);
    }
    assert_slices(&w, &clean, UNCHANGED);
}

/// Without `check_finite`, a non-finite gradient is applied as TensorFlow applies it.
#[test]
fn unchecked_non_finite_gradients_are_applied() {
    let mut w = [1.0f64];
    Sgd::new(0.1).apply_gradients(&mut w, &[f64::INFINITY]);
    assert!(w[0].is_infinite() && w[0] < 0.0);
}

#[test]
#[should_panic(
    expected = "Sgd::apply_gradients: the optimizer's state holds the slots [], but its \
                           options need [\"momentum\"]; set the options before the first step"
)]
fn options_that_change_the_slots_after_the_first_step_panic() {
    let mut opt = Sgd::new(0.1);
    let mut w = 1.0f64;
    opt.apply_gradients(&mut w, &1.0);
    let mut opt = opt.momentum(0.9);
    opt.apply_gradients(&mut w, &1.0);
}

#[test]
#[should_panic(expected = "Sgd::momentum: must be in [0, 1], got 1.5")]
fn out_of_range_momentum_is_refused() {
    let _ = Sgd::new(0.1).momentum(1.5);
}

/// `reset` forgets the state, so the optimizer may then step other parameters.
#[test]
fn reset_allows_other_parameters() {
    let mut opt = Adam::new(0.1);
    let mut a = [1.0f32; 2];
    opt.apply_gradients(&mut a, &[1.0; 2]);
    opt.reset();
    assert_eq!(opt.iterations(), 0);
    let mut b = DMatrix::<f64>::from_element(3, 3, 1.0);
    opt.apply_gradients(&mut b, &DMatrix::from_element(3, 3, 1.0));
    // Adam's first step moves every parameter by about lr against the gradient's sign.
    assert_slices(b.as_slice(), &[0.9; 9], Tolerance::new(1e-4, 0.0));
}
