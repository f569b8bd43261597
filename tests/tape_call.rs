//! `#[differentiable]` functions called through the tape: one node each, whose gradient equals
//! the compiled `NAME_grad`'s, composed with recorded operations by the chain rule.

// `b = b * 2.0` is kept as the seed writes it.
#![allow(clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[differentiable]
fn cf(a: f64) -> f64 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b = b * 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

#[differentiable]
fn rosen2(a: f64, b: f64) -> f64 {
    (1.0 - a) * (1.0 - a) + 100.0 * (b - a * a) * (b - a * a)
}

#[differentiable]
fn quad_form(w: &DMatrix<f64>, x: &DMatrix<f64>, s: f64) -> f64 {
    let y = w * x;
    let q = y.transpose() * &y;
    s * q[(0, 0)]
}

#[test]
fn one_argument_call_matches_the_compiled_gradient_and_chains() {
    for a0 in [0.48800924, -0.3, 1.7] {
        let a = Variable::new(a0);
        let t = GradientTape::new();
        let c = t.call(cf_grad, &a.read(&t));
        let y = c.sin(); // dy/da = cos(c)·dc/da
        let (c_ref, dc) = cf_grad(a0);
        assert!((c.scalar() - c_ref).abs() < 1e-9);
        let dy = t.gradient(&y, &a).unwrap().scalar();
        assert!((dy - c_ref.cos() * dc).abs() < 1e-9 * dc.abs().max(1.0));
    }
}

#[test]
fn two_argument_call_with_a_watched_constant_and_a_variable() {
    let (a0, b0) = (0.3, -0.2);
    let a = Tensor::constant(a0);
    let b = Variable::new(b0);
    let t = GradientTape::persistent();
    t.watch(&a);
    let f = t.call2(rosen2_grad, &a, &b.read(&t));
    let y = &f * 3.0;
    let (_, (da, db)) = rosen2_grad(a0, b0);
    // ∂/∂a (1-a)² + 100(b-a²)² = -2(1-a) - 400a(b-a²);  ∂/∂b = 200(b-a²)
    assert!((da - (-2.0 * (1.0 - a0) - 400.0 * a0 * (b0 - a0 * a0))).abs() < 1e-9);
    assert!((db - 200.0 * (b0 - a0 * a0)).abs() < 1e-9);
    let [ga] = t.gradient(&y, [&a]);
    assert!((ga.unwrap().scalar() - 3.0 * da).abs() < 1e-9);
    assert!((t.gradient(&y, &b).unwrap().scalar() - 3.0 * db).abs() < 1e-9);
}

#[test]
fn three_argument_call_with_matrices() {
    let w0 = DMatrix::from_row_slice(2, 3, &[0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
    let x0 = DMatrix::from_row_slice(3, 1, &[1.0, 2.0, -1.0]);
    let w = Variable::new(w0.clone());
    let x = Tensor::constant(x0.clone());
    let s = Variable::new(0.5);
    let t = GradientTape::new();
    let loss = t.call3(quad_form_grad, &w.read(&t), &x, &s.read(&t));
    let (v, (gw, _gx, gs)) = quad_form_grad(&w0, &x0, 0.5);
    assert!((loss.scalar() - v).abs() < 1e-12);
    let (dw, dx, ds) = t.gradient(&loss, (&w, &x, &s));
    assert!(dx.is_none(), "an unwatched constant argument gets None");
    assert!((ds.unwrap().scalar() - gs).abs() < 1e-12);
    let dw = dw.unwrap().to_matrix();
    // d/dW s·|Wx|² = 2s·(Wx)xᵀ, checked against central differences of the plain function.
    let h = 1e-6;
    for i in 0..2 {
        for j in 0..3 {
            let (mut p, mut m) = (w0.clone(), w0.clone());
            p[(i, j)] += h;
            m[(i, j)] -= h;
            let num = (quad_form(&p, &x0, 0.5) - quad_form(&m, &x0, 0.5)) / (2.0 * h);
            assert!((dw[(i, j)] - num).abs() < 1e-6 && (gw[(i, j)] - num).abs() < 1e-6);
        }
    }
}

#[test]
#[should_panic(expected = "second derivative through the compiled call")]
fn a_second_derivative_through_a_compiled_call_is_refused_not_wrong() {
    let a = Variable::new(0.7);
    let outer = GradientTape::new();
    let inner = outer.nested();
    let y = inner.call(rosen2_grad_a, &a.read(&inner));
    let g = inner.gradient(&y, &a).unwrap();
    let _ = outer.gradient(&g, &a);
}

fn rosen2_grad_a(a: f64) -> (f64, f64) {
    let (v, (da, _)) = rosen2_grad(a, 1.0);
    (v, da)
}

#[test]
fn a_call_outside_any_recording_tape_is_a_constant() {
    let a = Variable::new(0.7);
    let t = GradientTape::persistent();
    t.stop_recording();
    let y = t.call(cf_grad, &a.read(&t));
    assert!(!y.is_recorded() && (y.scalar() - cf(0.7)).abs() < 1e-12);
}

/// A matrix output of one matrix argument: `xᵀx` scaled entry by entry.
#[differentiable]
fn gram(x: &DMatrix<f64>) -> DMatrix<f64> {
    let g = x.transpose() * x;
    g.component_mul(&g)
}

/// A matrix output of two matrix arguments: `(W·x)∘(W·x) + W·x`.
#[differentiable]
fn layer(w: &DMatrix<f64>, x: &DMatrix<f64>) -> DMatrix<f64> {
    let y = w * x;
    y.component_mul(&y) + y
}

/// Central differences of the scalar `f` with respect to every entry of `m`.
fn fd_matrix(f: impl Fn(&DMatrix<f64>) -> f64, m: &DMatrix<f64>) -> DMatrix<f64> {
    let h = 1e-6;
    DMatrix::from_fn(m.nrows(), m.ncols(), |i, j| {
        let (mut p, mut q) = (m.clone(), m.clone());
        p[(i, j)] += h;
        q[(i, j)] -= h;
        (f(&p) - f(&q)) / (2.0 * h)
    })
}

/// `⟨c, m⟩`, the weighting the tests put on a matrix output.
fn weigh(c: &DMatrix<f64>, m: &DMatrix<f64>) -> f64 {
    c.component_mul(m).sum()
}

#[test]
fn matrix_outputs_through_call_vjp_match_the_compiled_pullback_and_central_differences() {
    let x0 = DMatrix::from_row_slice(3, 2, &[0.3, -0.5, 1.1, 0.2, -0.7, 0.4]);
    let c = DMatrix::from_row_slice(2, 2, &[1.0, -2.0, 0.5, 3.0]);
    let x = Variable::new(x0.clone());
    let t = GradientTape::new();
    let y = t.call_vjp(gram_vjp, &x.read(&t));
    assert_eq!(y.to_matrix(), gram(&x0));
    // loss = Σ c∘gram(x) + sin(gram(x)₀₀): the call composed with recorded operations.
    let loss = (&y * &Tensor::constant(c.clone())).sum() + y.entry(0, 0).sin();
    let dx = t.gradient(&loss, &x).expect("connected").to_matrix();
    // The compiled pullback with the cotangent the chain rule gives: c + cos(y₀₀)·e₀₀.
    let mut cot = c.clone();
    cot[(0, 0)] += gram(&x0)[(0, 0)].cos();
    let direct = (gram_vjp(&x0).1)(cot);
    let num = fd_matrix(|m| weigh(&c, &gram(m)) + gram(m)[(0, 0)].sin(), &x0);
    assert!((&dx - &direct).abs().max() < 1e-12, "{dx} vs {direct}");
    assert!((&dx - &num).abs().max() < 1e-6, "{dx} vs {num}");
}

#[test]
fn two_matrix_arguments_through_call2_vjp() {
    let w0 = DMatrix::from_row_slice(2, 3, &[0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
    let x0 = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, -1.0, 0.5, 0.0, 1.5]);
    let c = DMatrix::from_row_slice(2, 2, &[0.7, -1.3, 2.0, 0.4]);
    let (w, x) = (Variable::new(w0.clone()), Tensor::constant(x0.clone()));
    let t = GradientTape::persistent();
    t.watch(&x);
    let y = t.call2_vjp(layer_vjp, &w.read(&t), &x);
    let loss = (&y * &Tensor::constant(c.clone())).sum();
    let (dw, dx) = t.gradient(&loss, (&w, &x));
    let (dw, dx) = (dw.unwrap().to_matrix(), dx.unwrap().to_matrix());
    let (dw0, dx0) = (layer_vjp(&w0, &x0).1)(c.clone());
    assert!((&dw - &dw0).abs().max() < 1e-12 && (&dx - &dx0).abs().max() < 1e-12);
    let num_w = fd_matrix(|m| weigh(&c, &layer(m, &x0)), &w0);
    let num_x = fd_matrix(|m| weigh(&c, &layer(&w0, m)), &x0);
    assert!((&dw - &num_w).abs().max() < 1e-6, "{dw} vs {num_w}");
    assert!((&dx - &num_x).abs().max() < 1e-6, "{dx} vs {num_x}");
    // The matrix target itself: TensorFlow's implicit cotangent of ones.
    let dw1 = t.gradient(&y, &w).unwrap().to_matrix();
    let (dw1_0, _) = (layer_vjp(&w0, &x0).1)(DMatrix::from_element(2, 2, 1.0));
    assert!((&dw1 - &dw1_0).abs().max() < 1e-12);
}

#[test]
#[should_panic(expected = "second derivative through the compiled call")]
fn a_second_derivative_through_a_matrix_call_is_refused_not_wrong() {
    let x = Variable::new(DMatrix::from_row_slice(2, 1, &[0.5, -1.0]));
    let outer = GradientTape::new();
    let inner = outer.nested();
    let y = inner.call_vjp(gram_vjp, &x.read(&inner)).sum();
    let g = inner.gradient(&y, &x).unwrap().sum();
    let _ = outer.gradient(&g, &x);
}
