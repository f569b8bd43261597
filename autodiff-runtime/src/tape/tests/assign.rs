//! The assignment operators (`+= -= *= /=`): the same values and gradients as `t = &t ∘ &u`,
//! against central differences, for recorded scalars (updated in place), constants, matrices and
//! tapes that stopped recording.

use nalgebra::DMatrix;

use super::super::{GradientTape, Tensor, Variable};
use super::fd;

/// `s = x₀; s += x₁·x₀; s -= 0.5; s *= x₁; s /= x₀ + 3; s += 2; s *= 1.5; s -= x₁; s /= 4`, every
/// form once, with tensors and with plain constants.
fn assigned(x: &[Tensor<f64>]) -> Tensor<f64> {
    let mut s = x[0].clone();
    s += &x[1] * &x[0];
    s -= 0.5;
    s *= &x[1];
    s /= &x[0] + 3.0;
    s += 2.0;
    s *= 1.5;
    s -= &x[1];
    s /= 4.0;
    s
}

/// The same with `s = &s ∘ &u`.
fn rebound(x: &[Tensor<f64>]) -> Tensor<f64> {
    let mut s = x[0].clone();
    s = &s + &(&x[1] * &x[0]);
    s = &s - 0.5;
    s = &s * &x[1];
    s = &s / &(&x[0] + 3.0);
    s = &s + 2.0;
    s = &s * 1.5;
    s = &s - &x[1];
    s = &s / 4.0;
    s
}

fn plain(x: &DMatrix<f64>) -> f64 {
    let xs: Vec<Tensor<f64>> = x.iter().map(|&v| Tensor::constant(v)).collect();
    assigned(&xs).scalar()
}

#[test]
fn assignment_operators_match_rebinding_and_central_differences() {
    let x0 = DMatrix::from_column_slice(2, 1, &[0.7, -1.3]);
    let num = fd(&plain, &x0);
    let vars: Vec<Variable<f64>> = x0.iter().map(|&v| Variable::new(v)).collect();
    for script in [assigned, rebound] {
        let t = GradientTape::new();
        let xs: Vec<Tensor<f64>> = vars.iter().map(|v| v.read(&t)).collect();
        let y = script(&xs);
        assert!((y.scalar() - plain(&x0)).abs() < 1e-12);
        let g = t.gradient(&y, vars.iter().collect::<Vec<_>>());
        for k in 0..2 {
            let g = g[k].as_ref().expect("connected").scalar();
            assert!((g - num[k]).abs() < 1e-6, "x{k}: {g} vs {}", num[k]);
        }
    }
}

#[test]
fn an_assignment_leaves_clones_of_the_old_value_alone() {
    // s = x², kept as `old`; then s += x (s = x² + x). d old/dx = 2x, ds/dx = 2x + 1 at x = 1.5.
    let x = Variable::new(1.5f64);
    let t = GradientTape::persistent();
    let xr = x.read(&t);
    let mut s = &xr * &xr;
    let old = s.clone();
    s += &xr;
    assert_eq!(old.scalar(), 2.25);
    assert_eq!(s.scalar(), 3.75);
    assert!((t.gradient(&old, &x).unwrap().scalar() - 3.0).abs() < 1e-12);
    assert!((t.gradient(&s, &x).unwrap().scalar() - 4.0).abs() < 1e-12);
}

#[test]
fn assignments_on_matrices_constants_and_stopped_tapes() {
    // M += a·M with a scalar a: f = Σ (M + a·M)² = (1 + a)²·Σ M², ∂f/∂a = 2(1 + a)·Σ M²,
    // ∂f/∂M = 2(1 + a)²·M.
    let (a0, m0) = (0.4, DMatrix::from_row_slice(2, 2, &[1.0, -2.0, 0.5, 3.0]));
    let (a, m) = (Variable::new(a0), Variable::new(m0.clone()));
    let t = GradientTape::new();
    let (at, mt) = (a.read(&t), m.read(&t));
    let mut acc = mt.clone();
    acc += &at * &mt;
    let f = acc.square().sum();
    let (ga, gm) = t.gradient(&f, (&a, &m));
    let sum_sq: f64 = m0.iter().map(|v| v * v).sum();
    assert!((ga.unwrap().scalar() - 2.0 * (1.0 + a0) * sum_sq).abs() < 1e-12);
    let want_m = &m0 * (2.0 * (1.0 + a0) * (1.0 + a0));
    assert!((gm.unwrap().to_matrix() - want_m).abs().max() < 1e-12);

    // A constant stays a constant; after stop_recording nothing is recorded.
    let mut c = Tensor::constant(2.0f64);
    c *= 3.0;
    c += &Tensor::constant(1.0);
    assert!(!c.is_recorded() && c.scalar() == 7.0);
    let t = GradientTape::persistent();
    let mut y = x_read_then_stop(&t, &a);
    y *= 2.0;
    y += &Tensor::constant(1.0);
    assert!((y.scalar() - (2.0 * a0 + 1.0)).abs() < 1e-12);
    assert!(t.gradient(&y, &a).is_none());
}

/// Reads `v` under `t`, then stops `t`: the tensor is recorded, later operations are not.
fn x_read_then_stop(
    t: &GradientTape<f64, super::super::Persistent>,
    v: &Variable<f64>,
) -> Tensor<f64> {
    let r = v.read(t);
    t.stop_recording();
    r
}
