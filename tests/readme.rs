//! Every claim in README.md's API tour, "What is supported" table and "Conventions at
//! non-differentiable points" table, checked through the macro (not just the runtime rules).
// Index loops are the supported loop form; `b = b * 2.0` style is kept where the README shows it.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::check::{self, Tolerance};
use autodiff::prelude::*;

/// For the conventions at kinks, where the exact value is the point.
const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
/// For values and derivatives computed in `f64`.
const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);
/// For values and derivatives computed in `f32`.
const F32: Tolerance = Tolerance::new(1e-6, 1e-6);

/// Compares every float of two parameter containers (scalars, tuples, vectors) within `tol`.
#[track_caller]
fn close_all<T: Copy + Into<f64>, P: Parameters<T>>(got: P, want: P, tol: Tolerance) {
    let flat = |p: &P| -> Vec<f64> { p.to_flat_vec().into_iter().map(Into::into).collect() };
    check::assert_slices(&flat(&got), &flat(&want), tol);
}

#[track_caller]
fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
        "got {got}, want {want}"
    );
}

// --- the opening example ------------------------------------------------------------------

#[differentiable]
fn f(x: f32) -> f32 {
    x.powi(2) - x * 2.0 + 1.0
}

#[test]
fn opening_example() {
    close_all(f_grad(3.0), (4.0, 4.0), F32);
    close_all(f(3.0), 4.0, F32);
}

// --- API tour -----------------------------------------------------------------------------

#[differentiable]
fn sum_sq(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

#[differentiable]
fn poly(x1: f32, x2: f32) -> f32 {
    x1.powi(2) + x2.powi(3)
}

#[differentiable]
fn softplus<T: Real>(x: T) -> T {
    (T::one() + x.exp()).ln()
}

#[differentiable(wrt(x))]
fn scale(x: f64, k: f64, n: usize) -> f64 {
    x * k * (n as f64)
}

#[differentiable]
fn scale2(x: f64, #[no_grad] k: f64) -> f64 {
    x * k
}

#[differentiable]
fn x_times_const_x(x: f64) -> f64 {
    x * stop_gradient(x)
}

#[test]
fn tour_grad_vjp_jvp() {
    close_all(sum_sq_grad(&[1.0, 2.0]), (5.0, vec![2.0, 4.0]), TIGHT);
    let x = [1.0, 2.0];
    let (v, pullback) = sum_sq_vjp(&x);
    close_all(v, 5.0, TIGHT);
    close_all(pullback(2.0), vec![4.0, 8.0], TIGHT);
    close_all(pullback(1.0), vec![2.0, 4.0], TIGHT); // callable again
    close_all(poly_grad(2.0, 3.0), (31.0, (4.0, 27.0)), F32);
    close_all(poly_jvp(2.0, 3.0, 1.0, 0.0), (31.0, 4.0), F32);
    close_all(poly_jvp(2.0, 3.0, 0.0, 1.0), (31.0, 27.0), F32);
}

#[test]
fn tour_generic_wrt_no_grad_stop_gradient() {
    let (_, g64) = softplus_grad(0.0_f64);
    let (_, g32) = softplus_grad(0.0_f32);
    close(g64, 0.5);
    assert!((g32 - 0.5).abs() < 1e-6);
    close_all(scale_grad(1.0, 3.0, 2), (6.0, 6.0), TIGHT);
    close_all(scale2_grad(2.0, 5.0), (10.0, 5.0), TIGHT);
    close_all(x_times_const_x_grad(3.0), (9.0, 3.0), TIGHT);
}

// --- custom derivative --------------------------------------------------------------------

/// A deliberately different "derivative" (a straight-through clamp) proves the rule is used.
#[custom_derivative(vjp = clip_rule_vjp, jvp = clip_rule_jvp)]
fn clip(x: f64) -> f64 {
    x.clamp(-1.0, 1.0)
}

fn clip_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (clip(x), |g: f64| g)
}

fn clip_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (clip(x), t)
}

#[differentiable]
fn uses_clip(x: f64) -> f64 {
    3.0 * clip(x)
}

#[test]
fn custom_derivative_is_used_by_callers() {
    close_all(clip_grad(5.0), (1.0, 1.0), TIGHT);
    close_all(uses_clip_grad(5.0), (3.0, 3.0), TIGHT);
    close_all(uses_clip_jvp(5.0, 2.0), (3.0, 6.0), TIGHT);
}

// --- supported constructs -----------------------------------------------------------------

#[differentiable]
fn square(x: f64) -> f64 {
    x * x
}

/// `loop`, `break`, `continue`, early `return`, `%`, unary minus, `/=`, `-=`, a call.
#[differentiable]
fn control(x: f64, n: usize) -> f64 {
    if x > 100.0 {
        return -x;
    }
    let mut acc = 0.0;
    let mut i = 0;
    loop {
        i += 1;
        if i > n {
            break;
        }
        if i % 2 == 0 {
            continue;
        }
        acc += square(x) / (i as f64);
    }
    acc -= x % 3.0;
    acc /= 2.0;
    acc
}

fn control_ref(x: f64, n: usize) -> f64 {
    if x > 100.0 {
        return -x;
    }
    let mut acc = 0.0;
    for i in (1..=n).step_by(2) {
        acc += x * x / i as f64;
    }
    (acc - x % 3.0) / 2.0
}

#[test]
fn loop_break_continue_return_and_calls() {
    for (x, n) in [(1.3, 5), (4.2, 4), (-0.7, 1), (150.0, 3)] {
        let (v, g) = control_grad(x, n);
        close(v, control_ref(x, n));
        let h = 1e-6;
        let fd = (control_ref(x + h, n) - control_ref(x - h, n)) / (2.0 * h);
        assert!(
            (g - fd).abs() < 1e-5 * (1.0 + fd.abs()),
            "x = {x}, n = {n}: {g} vs {fd}"
        );
    }
    close_all(control_grad(150.0, 3), (-150.0, -1.0), TIGHT);
}

/// `for` over `v.iter()`, `v.iter().enumerate()` and `v.iter().zip(w.iter())`.
#[differentiable]
fn iter_loops(v: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for a in v.iter() {
        s += a * a;
    }
    for (i, a) in v.iter().enumerate() {
        s += (i as f64) * a.sin();
    }
    for (a, b) in v.iter().zip(w.iter()) {
        s += a * b;
    }
    s
}

#[test]
fn iterator_loops() {
    let v = [0.5, -1.0, 2.0];
    let w = [3.0, 0.25, -1.5];
    let (val, (gv, gw)) = iter_loops_grad(&v, &w);
    let want: f64 = (0..3)
        .map(|i| v[i] * v[i] + (i as f64) * v[i].sin() + v[i] * w[i])
        .sum();
    close(val, want);
    for i in 0..3 {
        close(gv[i], 2.0 * v[i] + (i as f64) * v[i].cos() + w[i]);
        close(gw[i], v[i]);
    }
}

/// The README's methods row.
struct Q {
    a: f64,
}

impl Q {
    #[differentiable(wrt(x))]
    fn eval(&self, x: f64) -> f64 {
        self.a * x * x
    }

    #[differentiable]
    fn assoc(x: f64) -> f64 {
        x.sin()
    }
}

#[test]
fn methods_and_associated_functions() {
    let q = Q { a: 3.0 };
    close_all(q.eval_grad(2.0), (12.0, 12.0), TIGHT);
    close_all(q.eval(2.0), 12.0, TIGHT);
    let (v, g) = Q::assoc_grad(0.5);
    close(v, 0.5_f64.sin());
    close(g, 0.5_f64.cos());
    close(Q::assoc(0.5), v);
}

/// Every method of the supported-methods row, against central differences.
#[differentiable]
fn all_methods(x: f64, y: f64) -> f64 {
    let a =
        x.sin() + x.cos() + x.tan() + (x * 0.5).asin() + (x * 0.5).acos() + x.atan() + x.atan2(y);
    let b = x.sinh() + x.cosh() + x.tanh() + x.exp() + x.exp2() + x.exp_m1();
    let c = y.ln() + y.log(3.0) + y.log2() + y.log10() + x.ln_1p() + y.sqrt() + y.cbrt();
    let d = x.powi(3) + y.powf(x) + y.recip() + (x - y).abs() + x.signum() + x.max(y) + x.min(y);
    let e = x.hypot(y)
        + x.mul_add(y, 2.0)
        + x.clamp(0.0, 1.0)
        + x.floor()
        + x.ceil()
        + x.round()
        + x.trunc();
    a + b + c + d + e
}

#[test]
fn every_supported_method() {
    let ref_fn = |x: f64, y: f64| all_methods(x, y);
    for (x, y) in [(0.3, 1.7), (0.8, 0.6), (-0.4, 2.2)] {
        let (v, (gx, gy)) = all_methods_grad(x, y);
        close(v, ref_fn(x, y));
        let h = 1e-6;
        let fx = (ref_fn(x + h, y) - ref_fn(x - h, y)) / (2.0 * h);
        let fy = (ref_fn(x, y + h) - ref_fn(x, y - h)) / (2.0 * h);
        assert!(
            (gx - fx).abs() < 1e-5 * (1.0 + fx.abs()),
            "d/dx at ({x}, {y}): {gx} vs {fx}"
        );
        assert!(
            (gy - fy).abs() < 1e-5 * (1.0 + fy.abs()),
            "d/dy at ({x}, {y}): {gy} vs {fy}"
        );
        let (_, t) = all_methods_jvp(x, y, 1.0, 0.0);
        close(t, gx);
    }
}

// --- conventions at non-differentiable points ---------------------------------------------

#[differentiable]
fn abs_f(x: f64) -> f64 {
    x.abs()
}
#[differentiable]
fn max_f(a: f64, b: f64) -> f64 {
    a.max(b)
}
#[differentiable]
fn min_f(a: f64, b: f64) -> f64 {
    a.min(b)
}
#[differentiable]
fn sqrt_f(x: f64) -> f64 {
    x.sqrt()
}
#[differentiable]
fn ln_f(x: f64) -> f64 {
    x.ln()
}
#[differentiable]
fn powf_f(x: f64, p: f64) -> f64 {
    x.powf(p)
}
#[differentiable]
fn powi_f(x: f64, n: i32) -> f64 {
    x.powi(n)
}
#[differentiable]
fn clamp_f(x: f64, lo: f64, hi: f64) -> f64 {
    x.clamp(lo, hi)
}
#[differentiable]
fn steps_f(x: f64) -> f64 {
    x.signum() + x.floor() + x.ceil() + x.round() + x.trunc()
}

#[test]
fn conventions_at_non_differentiable_points() {
    close_all(abs_f_grad(0.0).1, 0.0, EXACT);
    close_all(max_f_grad(2.0, 2.0).1, (1.0, 0.0), EXACT);
    close_all(min_f_grad(2.0, 2.0).1, (1.0, 0.0), EXACT);
    close_all(sqrt_f_grad(0.0).1, f64::INFINITY, EXACT);
    close_all(ln_f_grad(0.0).1, f64::INFINITY, EXACT);
    close_all(powf_f_grad(0.0, 0.0).1, (0.0, 0.0), EXACT); // d/dx at p = 0 (also x = 0); d/dp at x <= 0
    close_all(powf_f_grad(3.0, 0.0).1.0, 0.0, EXACT);
    close_all(powf_f_grad(-2.0, 2.0).1.1, 0.0, EXACT);
    close_all(powi_f_grad(0.0, 0).1, 0.0, EXACT);
    close_all(clamp_f_grad(1.0, 1.0, 2.0).1, (1.0, 0.0, 0.0), EXACT); // x == lo: passes through
    close_all(clamp_f_grad(2.0, 1.0, 2.0).1, (1.0, 0.0, 0.0), EXACT); // x == hi: passes through
    close_all(clamp_f_grad(0.5, 1.0, 2.0).1, (0.0, 1.0, 0.0), EXACT); // below: to lo
    close_all(clamp_f_grad(3.0, 1.0, 2.0).1, (0.0, 0.0, 1.0), EXACT); // above: to hi
    for x in [-1.5, -0.5, 0.0, 0.5, 2.5] {
        let g = steps_f_grad(x).1;
        assert!(g.abs() <= 0.0, "x = {x}: {g}");
    }
}

// --- matrices and parameter structs --------------------------------------------------------

#[derive(Differentiable, Clone)]
struct Mlp {
    w1: DMatrix<f64>,
    b1: DMatrix<f64>,
    w2: DMatrix<f64>,
    b2: DMatrix<f64>,
}

impl Mlp {
    #[differentiable]
    fn call(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
        let h = ops::relu(&ops::add_row(&(x * &self.w1), &self.b1));
        ops::add_row(&(&h * &self.w2), &self.b2)
    }
}

/// Softmax cross-entropy; rows are samples, as TensorFlow's (batch, features).
#[differentiable(wrt(model))]
fn loss(model: &Mlp, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let logp = ops::log_softmax(&model.call(x));
    -y.component_mul(&logp).sum() / x.nrows() as f64
}

fn seeded(r: usize, c: usize, seed: f64) -> DMatrix<f64> {
    DMatrix::from_fn(r, c, |i, j| ((i * c + j) as f64 * 0.7 + seed).sin() * 0.5)
}

#[test]
fn mlp_snippet_gradient_and_sgd_step() {
    let mut model = Mlp {
        w1: seeded(3, 4, 0.1),
        b1: seeded(1, 4, 0.2),
        w2: seeded(4, 2, 0.3),
        b2: seeded(1, 2, 0.4),
    };
    let x = seeded(5, 3, 0.5);
    let y = DMatrix::from_fn(5, 2, |i, j| if (i + j) % 2 == 0 { 1.0 } else { 0.0 });
    let (l, grads) = loss_grad(&model, &x, &y);
    close(l, loss(&model, &x, &y));
    // Every entry of w1's gradient against a central difference.
    let h = 1e-6;
    for i in 0..3 {
        for j in 0..4 {
            let (mut up, mut dn) = (model.clone(), model.clone());
            up.w1[(i, j)] += h;
            dn.w1[(i, j)] -= h;
            let fd = (loss(&up, &x, &y) - loss(&dn, &x, &y)) / (2.0 * h);
            assert!(
                (grads.w1[(i, j)] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                "w1[({i}, {j})]"
            );
        }
    }
    model.add_scaled(-0.1, &grads);
    assert!(loss(&model, &x, &y) < l, "one SGD step lowers the loss");
}

/// The README's snippet with its own data, as written there.
#[test]
fn mlp_snippet_as_written() {
    // 4 samples of 3 features, 5 hidden units, 2 classes (one-hot labels).
    let mut model = Mlp {
        w1: DMatrix::from_fn(3, 5, |i, j| 0.1 * (i as f64 - j as f64)),
        b1: DMatrix::zeros(1, 5),
        w2: DMatrix::from_fn(5, 2, |i, j| 0.2 * (i + j) as f64 - 0.3),
        b2: DMatrix::zeros(1, 2),
    };
    let x = DMatrix::from_fn(4, 3, |i, j| (i + 2 * j) as f64 / 4.0);
    let y = DMatrix::from_fn(4, 2, |i, j| if i % 2 == j { 1.0 } else { 0.0 });

    let (l, grads) = loss_grad(&model, &x, &y); // grads: Mlp, the same shapes as `model`
    model.add_scaled(-0.1, &grads); // one SGD step: model -= 0.1 · grads
    assert!(loss(&model, &x, &y) < l);
}
