//! Compiled functions with a matrix output and mixed scalar / matrix arguments through the tape
//! (`call2_vjp`, `call3_vjp`), in f64 and f32, against the compiled pullback and central
//! differences of the primal.

use autodiff::prelude::*;

/// `s · (a aᵀ)`: a matrix and a scalar argument.
#[differentiable]
fn scaled_gram(a: &DMatrix<f64>, s: f64) -> DMatrix<f64> {
    (a * a.transpose()) * s
}

/// `t·a + (1 − t)·b`: a scalar between two matrices.
#[differentiable]
fn blend(a: &DMatrix<f64>, t: f64, b: &DMatrix<f64>) -> DMatrix<f64> {
    a * t + b * (1.0 - t)
}

/// `s · (w x)`: two matrices then a scalar.
#[differentiable]
fn scaled_layer(w: &DMatrix<f64>, x: &DMatrix<f64>, s: f64) -> DMatrix<f64> {
    (w * x) * s
}

/// `s · (a aᵀ)` in f32.
#[differentiable]
fn scaled_gram32(s: f32, a: &DMatrix<f32>) -> DMatrix<f32> {
    (a * a.transpose()) * s
}

/// `⟨c, m⟩`, the weighting the tests put on a matrix output.
fn weigh(c: &DMatrix<f64>, m: &DMatrix<f64>) -> f64 {
    c.component_mul(m).sum()
}

/// Central differences of `f` at the matrix `x`, entry by entry.
fn fd_matrix(f: impl Fn(&DMatrix<f64>) -> f64, x: &DMatrix<f64>) -> DMatrix<f64> {
    let h = 1e-6;
    DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| {
        let (mut p, mut m) = (x.clone(), x.clone());
        p[(i, j)] += h;
        m[(i, j)] -= h;
        (f(&p) - f(&m)) / (2.0 * h)
    })
}

/// Central differences of `f` at the scalar `x`.
fn fd_scalar(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64) -> bool {
    (a - b).abs().max() < tol
}

#[test]
fn a_matrix_and_a_scalar_argument_through_call2_vjp() {
    let a0 = DMatrix::from_row_slice(2, 3, &[0.3, -0.5, 1.1, 0.2, -0.7, 0.4]);
    let s0 = 1.7;
    let c = DMatrix::from_row_slice(2, 2, &[1.0, -2.0, 0.5, 3.0]);
    let (a, s) = (Variable::new(a0.clone()), Variable::new(s0));
    let t = GradientTape::new();
    let y = t.call2_vjp(scaled_gram_vjp, &a.read(&t), &s.read(&t));
    assert!(close(&y.to_matrix(), &scaled_gram(&a0, s0), 1e-15));
    let loss = (&y * &Tensor::constant(c.clone())).sum();
    let (da, ds) = t.gradient(&loss, (&a, &s));
    let (da, ds) = (da.unwrap().to_matrix(), ds.unwrap().scalar());
    let (da0, ds0) = (scaled_gram_vjp(&a0, s0).1)(c.clone());
    assert!(close(&da, &da0, 1e-12) && (ds - ds0).abs() < 1e-12);
    let num_a = fd_matrix(|m| weigh(&c, &scaled_gram(m, s0)), &a0);
    let num_s = fd_scalar(|v| weigh(&c, &scaled_gram(&a0, v)), s0);
    assert!(close(&da, &num_a, 1e-6), "{da} vs {num_a}");
    assert!((ds - num_s).abs() < 1e-6, "{ds} vs {num_s}");
}

#[test]
fn three_arguments_with_scalars_anywhere_through_call3_vjp() {
    let a0 = DMatrix::from_row_slice(2, 2, &[0.3, -0.5, 1.1, 0.2]);
    let b0 = DMatrix::from_row_slice(2, 2, &[-1.0, 0.4, 0.9, 2.0]);
    let x0 = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, -1.0, 0.5, 0.0, 1.5]);
    let c2 = DMatrix::from_row_slice(2, 2, &[0.7, -1.3, 2.0, 0.4]);
    let c3 = DMatrix::from_row_slice(2, 3, &[0.2, 1.0, -0.6, 0.9, -1.1, 0.3]);
    let (a, b, w) = (
        Variable::new(a0.clone()),
        Variable::new(b0.clone()),
        Variable::new(a0.clone()),
    );
    let (tv, s) = (Variable::new(0.35), Variable::new(-0.8));
    let x = Tensor::constant(x0.clone());
    let t = GradientTape::new();
    // (matrix, scalar, matrix) and (matrix, matrix, scalar) in one loss.
    let y1 = t.call3_vjp(blend_vjp, &a.read(&t), &tv.read(&t), &b.read(&t));
    let y2 = t.call3_vjp(scaled_layer_vjp, &w.read(&t), &x, &s.read(&t));
    let loss =
        (&y1 * &Tensor::constant(c2.clone())).sum() + (&y2 * &Tensor::constant(c3.clone())).sum();
    let (da, dt, db, dw, ds) = {
        let (g1, g2) = t.gradient(&loss, ([&a, &tv, &b], [&w, &s]));
        let [da, dt, db] = g1;
        let [dw, ds] = g2;
        (
            da.unwrap(),
            dt.unwrap(),
            db.unwrap(),
            dw.unwrap(),
            ds.unwrap(),
        )
    };
    let f = |a: &DMatrix<f64>, tt: f64, b: &DMatrix<f64>, w: &DMatrix<f64>, s: f64| {
        weigh(&c2, &blend(a, tt, b)) + weigh(&c3, &scaled_layer(w, &x0, s))
    };
    let num_a = fd_matrix(|m| f(m, 0.35, &b0, &a0, -0.8), &a0);
    let num_b = fd_matrix(|m| f(&a0, 0.35, m, &a0, -0.8), &b0);
    let num_w = fd_matrix(|m| f(&a0, 0.35, &b0, m, -0.8), &a0);
    let num_t = fd_scalar(|v| f(&a0, v, &b0, &a0, -0.8), 0.35);
    let num_s = fd_scalar(|v| f(&a0, 0.35, &b0, &a0, v), -0.8);
    assert!(close(&da.to_matrix(), &num_a, 1e-6));
    assert!(close(&db.to_matrix(), &num_b, 1e-6));
    assert!(close(&dw.to_matrix(), &num_w, 1e-6));
    assert!(
        (dt.scalar() - num_t).abs() < 1e-6,
        "{} vs {num_t}",
        dt.scalar()
    );
    assert!(
        (ds.scalar() - num_s).abs() < 1e-6,
        "{} vs {num_s}",
        ds.scalar()
    );
}

#[test]
fn a_scalar_then_a_matrix_in_f32() {
    let a0 = DMatrix::from_row_slice(2, 2, &[0.3f32, -0.5, 1.1, 0.2]);
    let c = DMatrix::from_row_slice(2, 2, &[1.0f32, -2.0, 0.5, 3.0]);
    let (s, a) = (Variable::new(1.25f32), Variable::new(a0.clone()));
    let t = GradientTape::new();
    let y = t.call2_vjp(scaled_gram32_vjp, &s.read(&t), &a.read(&t));
    let loss = (&y * &Tensor::constant(c.clone())).sum();
    let (ds, da) = t.gradient(&loss, (&s, &a));
    let (ds, da) = (f64::from(ds.unwrap().scalar()), da.unwrap().to_matrix());
    // References in f64: the same function, differenced at the f32 point.
    let (a64, c64) = (a0.map(f64::from), c.map(f64::from));
    let f = |s: f64, a: &DMatrix<f64>| weigh(&c64, &((a * a.transpose()) * s));
    let num_s = fd_scalar(|v| f(v, &a64), 1.25);
    let num_a = fd_matrix(|m| f(1.25, m), &a64);
    assert!(
        (ds - num_s).abs() < 1e-4 * num_s.abs().max(1.0),
        "{ds} vs {num_s}"
    );
    assert!(close(&da.map(f64::from), &num_a, 1e-4), "{da} vs {num_a}");
}

#[test]
#[should_panic(expected = "takes a scalar argument here")]
fn a_matrix_where_the_function_takes_a_scalar_panics_with_the_reason() {
    let a = Tensor::constant(DMatrix::from_element(2, 2, 1.0));
    let t = GradientTape::new();
    let _ = t.call2_vjp(scaled_gram_vjp, &a, &a);
}
