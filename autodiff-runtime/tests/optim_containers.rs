//! `apply_gradients` over every kind of parameter container, in `f32` and `f64`, checked against
//! the update formulas computed independently in `f64`; and gradients from `#[differentiable]`
//! driving the optimizers to known minima.

use autodiff::check::{Tolerance, assert_slices};
use autodiff::nalgebra::{DMatrix, DVector, SMatrix};
use autodiff::optim::{Adagrad, Adam, AdamW, Optimizer, RmsProp, Sgd};
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct Layer {
    w: DMatrix<f64>,
    b: DVector<f64>,
    #[no_grad]
    name: String,
}

#[derive(Differentiable, Clone, Debug)]
struct Small32 {
    a: f32,
    v: DVector<f32>,
}

/// The flat parameters after one step of each optimizer from `w` with gradient `g`, computed
/// here in `f64` from Keras' formulas (first step: all slots start at zero, Adagrad's at 0.1).
/// Keras rounds β inside βᵗ and Adagrad's initial accumulator through `f32` (`b1`, `b2`, `acc0`):
/// - SGD(lr): `w − lr·g`; with momentum the first step is the same (`m = −lr·g`);
/// - Adam(lr): `m = (1 − 0.9)g`, `v = (1 − 0.999)g²`, `α = lr·√(1 − b2)/(1 − b1)`,
///   `w − m·α/(√v + 1e-7)`;
/// - RMSprop(lr): `s = (1 − 0.9)g²`, `w − lr·g/√(s + 1e-7)`;
/// - Adagrad(lr): `acc = acc0 + g²`, `w − lr·g/√(acc + 1e-7)`.
fn first_step(kind: &str, lr: f64, w: &[f64], g: &[f64]) -> Vec<f64> {
    let (b1, b2, acc0) = (f64::from(0.9f32), f64::from(0.999f32), f64::from(0.1f32));
    w.iter()
        .zip(g)
        .map(|(&w, &g)| match kind {
            "sgd" => w - lr * g,
            "adam" => {
                let alpha = lr * (1.0 - b2).sqrt() / (1.0 - b1);
                w - (1.0 - 0.9) * g * alpha / (((1.0 - 0.999) * g * g).sqrt() + 1e-7)
            }
            "rmsprop" => w - lr * g / ((1.0 - 0.9) * g * g + 1e-7).sqrt(),
            "adagrad" => w - lr * g / (acc0 + g * g + 1e-7).sqrt(),
            _ => unreachable!(),
        })
        .collect()
}

/// One step of each optimizer on `params` with `grads`, compared with [`first_step`].
fn check_first_steps<T: Real, P: Parameters<T> + Clone>(params: &P, grads: &P, tol: Tolerance) {
    let w: Vec<f64> = params.to_flat_vec().iter().map(|v| v.to_f64()).collect();
    let g: Vec<f64> = grads.to_flat_vec().iter().map(|v| v.to_f64()).collect();
    let lr = 0.125; // exact in f32, so the f32 rounding of the learning rate does not matter
    let run = |opt: &mut dyn FnMut(&mut P)| {
        let mut p = params.clone();
        opt(&mut p);
        p.to_flat_vec()
            .iter()
            .map(|v| v.to_f64())
            .collect::<Vec<_>>()
    };
    let sgd = run(&mut |p| Sgd::new(lr).apply_gradients(p, grads));
    assert_slices(&sgd, &first_step("sgd", lr, &w, &g), tol);
    let sgd_m = run(&mut |p| Sgd::new(lr).momentum(0.5).apply_gradients(p, grads));
    assert_slices(&sgd_m, &first_step("sgd", lr, &w, &g), tol);
    let adam = run(&mut |p| Adam::new(lr).apply_gradients(p, grads));
    assert_slices(&adam, &first_step("adam", lr, &w, &g), tol);
    let rms = run(&mut |p| RmsProp::new(lr).apply_gradients(p, grads));
    assert_slices(&rms, &first_step("rmsprop", lr, &w, &g), tol);
    let ada = run(&mut |p| Adagrad::new(lr).apply_gradients(p, grads));
    assert_slices(&ada, &first_step("adagrad", lr, &w, &g), tol);
}

const F64: Tolerance = Tolerance::new(1e-12, 1e-12);
const F32: Tolerance = Tolerance::new(1e-6, 1e-6);

#[test]
fn scalars() {
    check_first_steps(&1.5f64, &-0.25, F64);
    check_first_steps(&1.5f32, &-0.25, F32);
}

#[test]
fn arrays_and_vecs() {
    check_first_steps(&[1.0f64, -2.0, 3.0], &[0.5, 0.25, -4.0], F64);
    check_first_steps(&vec![1.0f32, -2.0, 3.0], &vec![0.5, 0.25, -4.0], F32);
    check_first_steps(
        &vec![[1.0f64, 2.0], [3.0, 4.0]],
        &vec![[0.1, -0.2], [0.3, 0.0]],
        F64,
    );
}

#[test]
fn matrices() {
    let w = DMatrix::from_row_slice(2, 3, &[0.5, -1.0, 2.0, 0.0, 3.0, -0.25]);
    let g = DMatrix::from_row_slice(2, 3, &[1.0, -4.0, 0.5, 16.0, 0.2, -5.0]);
    check_first_steps(&w, &g, F64);
    check_first_steps(&w.map(|v| v as f32), &g.map(|v| v as f32), F32);
    let s = SMatrix::<f32, 2, 2>::new(1.0, 2.0, 3.0, 4.0);
    check_first_steps(&s, &SMatrix::<f32, 2, 2>::new(0.5, -0.5, 2.0, 0.0), F32);
    let ws = vec![w.clone(), DMatrix::from_element(1, 4, 1.0)];
    let gs = vec![g.clone(), DMatrix::from_element(1, 4, -0.5)];
    check_first_steps(&ws, &gs, F64);
}

#[test]
fn derived_structs() {
    let layer = Layer {
        w: DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]),
        b: DVector::from_vec(vec![0.5, -0.5]),
        name: "dense".into(),
    };
    let grad = Layer {
        w: DMatrix::from_row_slice(2, 2, &[0.1, -0.2, 0.3, -0.4]),
        b: DVector::from_vec(vec![1.0, 0.0]),
        name: String::new(),
    };
    check_first_steps(&layer, &grad, F64);
    check_first_steps(&vec![layer.clone(), layer], &vec![grad.clone(), grad], F64);
    let small = Small32 {
        a: 1.0,
        v: DVector::from_vec(vec![2.0, 3.0]),
    };
    let g = Small32 {
        a: -1.0,
        v: DVector::from_vec(vec![0.5, 8.0]),
    };
    check_first_steps(&small, &g, F32);
}

/// `#[differentiable]` gradients drive each optimizer to the minimum of a least-squares fit of
/// a derived struct: the line through (1, 3), (2, 5), (3, 7) is slope 2, offset 1.
#[test]
fn training_a_derived_struct_converges() {
    #[derive(Differentiable, Clone, Debug)]
    struct Line {
        slope: f64,
        offset: f64,
    }
    #[differentiable]
    fn loss(p: &Line, #[no_grad] xs: &[f64], #[no_grad] ys: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..xs.len() {
            let e = p.slope * xs[i] + p.offset - ys[i];
            s += e * e;
        }
        s / xs.len() as f64
    }
    fn fit<O: Optimizer>(mut opt: O, steps: usize) -> Line {
        let (xs, ys) = ([1.0, 2.0, 3.0], [3.0, 5.0, 7.0]);
        let mut line = Line {
            slope: 0.0,
            offset: 0.0,
        };
        for _ in 0..steps {
            let (_, g) = loss_grad(&line, &xs, &ys);
            opt.apply_gradients(&mut line, &g);
        }
        line
    }
    let tol = Tolerance::new(2e-2, 0.0);
    for line in [
        fit(Sgd::new(0.05).momentum(0.9), 500),
        fit(Sgd::new(0.05).momentum(0.9).nesterov(true), 500),
        fit(Adam::new(0.05), 2000),
        fit(Adam::new(0.05).amsgrad(true), 2000),
        fit(AdamW::new(0.05).weight_decay(0.0), 2000),
        fit(RmsProp::new(0.01).momentum(0.5), 3000),
        fit(Adagrad::new(0.5), 3000),
    ] {
        assert_slices(&[line.slope, line.offset], &[2.0, 1.0], tol);
    }
}
