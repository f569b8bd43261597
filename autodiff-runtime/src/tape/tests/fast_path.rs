//! The scalar fast path (partials kept at record time, adjoints in a flat vector) against central
//! differences and against the recorded backward pass, on scalar scripts and on a script that
//! mixes scalar and matrix nodes.

use nalgebra::DMatrix;

use super::super::{GradientTape, Tensor, Variable};

/// Every binary and constant form on scalars: `Σᵢ (xᵢ₊₁ - xᵢ²)²·100 + (1 - xᵢ)² + xᵢ/xᵢ₊₁ + 2/xᵢ`.
fn script(x: &[Tensor<f64>]) -> Tensor<f64> {
    let mut s = Tensor::constant(0.0);
    for i in 0..x.len() - 1 {
        let a = &x[i + 1] - &(&x[i] * &x[i]);
        let b = 1.0 - &x[i];
        s = &s + &(&(&(&a * &a) * 100.0 + &b * &b) + &(&x[i] / &x[i + 1]));
        s = &s + &(2.0 / &x[i]) - 0.5;
    }
    s
}

fn plain(x: &[f64]) -> f64 {
    script(&x.iter().map(|&v| Tensor::constant(v)).collect::<Vec<_>>()).scalar()
}

fn central(x: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..x.len())
        .map(|k| {
            let (mut p, mut m) = (x.to_vec(), x.to_vec());
            p[k] += h;
            m[k] -= h;
            (plain(&p) - plain(&m)) / (2.0 * h)
        })
        .collect()
}

#[test]
fn scalar_script_matches_central_differences_and_the_recorded_pass() {
    let x0 = [0.7, -1.2, 1.4, 0.9, 1.1];
    let vars: Vec<Variable<f64>> = x0.iter().map(|&v| Variable::new(v)).collect();
    let num = central(&x0);

    // One-shot: the backward pass is not recorded (fast path).
    let t = GradientTape::new();
    let xs: Vec<Tensor<f64>> = vars.iter().map(|v| v.read(&t)).collect();
    let fast = t.gradient(&script(&xs), vars.iter().collect::<Vec<_>>());

    // Persistent and still recording: the backward pass is recorded (pullback.rs).
    let p = GradientTape::persistent();
    let xs: Vec<Tensor<f64>> = vars.iter().map(|v| v.read(&p)).collect();
    let recorded = p.gradient(&script(&xs), vars.iter().collect::<Vec<_>>());

    for k in 0..x0.len() {
        let f = fast[k].as_ref().expect("connected").scalar();
        let r = recorded[k].as_ref().expect("connected").scalar();
        assert!(
            (f - num[k]).abs() < 1e-5 * num[k].abs().max(1.0),
            "x{k}: {f} vs {}",
            num[k]
        );
        assert!(
            (f - r).abs() < 1e-12 * r.abs().max(1.0),
            "x{k}: {f} vs recorded {r}"
        );
    }
}

#[test]
fn scalar_and_matrix_nodes_mix() {
    // f(a, M) = Σ (a·M)² + sin(a)·M₀₀ with a scalar a and a 2×2 matrix M:
    // ∂f/∂a = 2a·Σ M² + cos(a)·M₀₀, ∂f/∂M = 2a²·M + sin(a)·e₀₀.
    let (a0, m0) = (0.8, DMatrix::from_row_slice(2, 2, &[1.0, -2.0, 0.5, 3.0]));
    let (a, m) = (Variable::new(a0), Variable::new(m0.clone()));
    let t = GradientTape::new();
    let (at, mt) = (a.read(&t), m.read(&t));
    let f = (&at * &mt).square().sum() + &at.sin() * &mt.entry(0, 0);
    let (ga, gm) = t.gradient(&f, (&a, &m));
    let sum_sq: f64 = m0.iter().map(|v| v * v).sum();
    let want_a = 2.0 * a0 * sum_sq + a0.cos() * m0[(0, 0)];
    let mut want_m = &m0 * (2.0 * a0 * a0);
    want_m[(0, 0)] += a0.sin();
    assert!((ga.expect("connected").scalar() - want_a).abs() < 1e-12);
    let gm = gm.expect("connected").to_matrix();
    assert!((gm - want_m).abs().max() < 1e-12);
}

#[test]
fn unconnected_scalars_stay_none() {
    let (x, y) = (Variable::new(2.0f64), Variable::new(3.0f64));
    let t = GradientTape::new();
    let (xr, _yr) = (x.read(&t), y.read(&t));
    let z = &xr * &xr + 1.0;
    let [gx, gy] = t.gradient(&z, [&x, &y]);
    // z = x² + 1  =>  dz/dx = 2x = 4; z does not depend on y.
    assert!((gx.expect("connected").scalar() - 4.0).abs() < 1e-12);
    assert!(gy.is_none());
}
