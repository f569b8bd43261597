//! Values the scalar rewrite of a concrete `order = 2` function cannot retype, where they meet the
//! scalar: module, body and imported `const`/`static` floats (`K * x`, `PI * x`), fields and
//! elements of parameters that are not differentiated (`cfg.scale * x[i]`, `cfg.w[i]`), integer
//! literals with a float suffix (`2f64`), `#[no_grad]` tuple data (`&[(f64, f64)]`), and the
//! scalar's float queries (`is_sign_negative`, `is_infinite`).
//! Hessians against central differences of the gradient, gradients against central differences
//! of the function; the integer members of the same kind (`cfg.n`, `const N: usize`) keep their
//! type.

#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::check::{Tolerance, assert_slices, numeric_gradient};
use autodiff::prelude::*;
use std::f64::consts::PI;

const K: f64 = 2.5;
static S: f64 = 0.5;
const N: usize = 2;
const HALF: f32 = 0.5;

mod consts {
    pub const SCALE: f64 = 1.5;
}

pub struct Cfg {
    pub scale: f64,
    pub n: usize,
    pub w: Vec<f64>,
    pub inner: Inner,
}

pub struct Inner {
    pub bias: f64,
}

#[differentiable(order = 2)]
fn module_consts(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..N {
        s += K * x[i] * x[i] + S * x[i];
    }
    let c = consts::SCALE;
    s + c * x[0] * x[1] - K * K * x[1]
}

#[differentiable(order = 2)]
fn imported_pi(x: &[f64]) -> f64 {
    (PI * x[0]).sin() * x[1] + x[0].max(PI / 4.0) * x[1] * x[1]
}

#[differentiable(order = 2)]
fn body_consts(x: &[f64]) -> f64 {
    const C: f64 = 1.25;
    static D: f64 = -0.75;
    C * x[0] * x[0] * x[1] + (D * x[1]).exp()
}

#[differentiable(order = 2)]
fn suffixed_literals(x: &[f64]) -> f64 {
    2f64 * x[0] * x[0] + 3_f64 * x[0] * x[1] - x[1].powi(3) / 6f64
}

#[differentiable(order = 2)]
fn data_fields(x: &[f64], #[no_grad] cfg: &Cfg) -> f64 {
    let mut s = 0.0;
    // An integer field and constant in a `let` keep their type (the lift passes them through).
    let m = cfg.n;
    let two = N;
    for i in 0..m {
        s += cfg.scale * x[i] * x[i] * cfg.w[i];
    }
    if m == two && m > N - 1 {
        s += x[1];
    }
    let b = cfg.inner.bias;
    s + (b * x[0] * x[1]).tanh() + x[1] * cfg.inner.bias
}

#[differentiable(order = 2, wrt(w))]
fn tuple_data(w: &[f64], #[no_grad] pts: &[(f64, f64)]) -> f64 {
    let mut l = 0.0;
    for i in 0..pts.len() {
        let (a, b) = pts[i];
        let r = w[0] * a + w[1] * a * a - b;
        l += r * r + (w[0] * pts[i].1).sin();
    }
    l
}

#[differentiable(order = 2, wrt(w))]
fn triple_data(w: &[f64], #[no_grad] pts: &[(f64, f64, f64)]) -> f64 {
    let mut l = 0.0;
    for p in pts.iter() {
        let r = (w[0] * p.0 + w[1] * p.1).exp() - p.2;
        l += r * r;
    }
    l
}

#[differentiable(order = 2)]
fn f32_consts(x: &[f32]) -> f32 {
    HALF * x[0] * x[0] * x[1] + 3f32 * x[1]
}

/// Checks the gradient against central differences of `f` and the Hessian against central
/// differences of the gradient, at `x`.
fn check(
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> Vec<f64>,
    hessian: impl Fn(&[f64]) -> (f64, Vec<f64>, DMatrix<f64>),
    x: &[f64],
) {
    let tol = Tolerance::new(1e-6, 1e-6);
    let (v, g, h) = hessian(x);
    assert!((v - f(x)).abs() < 1e-12 * (1.0 + v.abs()));
    assert_slices(&g, &numeric_gradient(&f, x, 1e-6), tol);
    for r in 0..x.len() {
        let fd = numeric_gradient(|q| grad(q)[r], x, 1e-5);
        let row: Vec<f64> = (0..x.len()).map(|c| h[(r, c)]).collect();
        assert_slices(&row, &fd, tol);
    }
}

#[test]
fn module_and_imported_constants() {
    for x in [[0.3, 0.7], [-1.1, 0.4]] {
        check(
            module_consts,
            |q| module_consts_grad(q).1,
            module_consts_hessian,
            &x,
        );
        check(
            imported_pi,
            |q| imported_pi_grad(q).1,
            imported_pi_hessian,
            &x,
        );
    }
    // d²/dx0² of K x0² is 2K, exactly.
    let (_, _, h) = module_consts_hessian(&[0.3, 0.7]);
    assert!((h[(0, 0)] - 2.0 * K).abs() < 1e-12);
}

#[test]
fn constants_declared_in_the_body() {
    for x in [[0.3, 0.7], [1.2, -0.4]] {
        check(
            body_consts,
            |q| body_consts_grad(q).1,
            body_consts_hessian,
            &x,
        );
    }
}

#[test]
fn integer_literals_with_a_float_suffix() {
    let x = [0.3, 0.7];
    check(
        suffixed_literals,
        |q| suffixed_literals_grad(q).1,
        suffixed_literals_hessian,
        &x,
    );
    // H = [[4, 3], [3, -x1]].
    let (_, _, h) = suffixed_literals_hessian(&x);
    assert_slices(
        &[h[(0, 0)], h[(0, 1)], h[(1, 1)]],
        &[4.0, 3.0, -0.7],
        Tolerance::new(1e-12, 1e-12),
    );
}

#[test]
fn fields_of_a_parameter_that_is_not_differentiated() {
    let cfg = Cfg {
        scale: 2.5,
        n: 2,
        w: vec![0.5, -1.5],
        inner: Inner { bias: 0.8 },
    };
    for x in [[0.3, 0.7], [-0.6, 1.1]] {
        check(
            |q| data_fields(q, &cfg),
            |q| data_fields_grad(q, &cfg).1,
            |q| data_fields_hessian(q, &cfg),
            &x,
        );
    }
}

#[test]
fn tuple_data_is_lifted_member_by_member() {
    let pts = vec![(0.1, 0.3), (0.5, -0.2), (1.2, 0.9)];
    let w = [0.3, -0.5];
    check(
        |q| tuple_data(q, &pts),
        |q| tuple_data_grad(q, &pts).1,
        |q| tuple_data_hessian(q, &pts),
        &w,
    );
    let pts3 = vec![(0.1, 0.3, 1.0), (0.5, -0.2, 0.4)];
    check(
        |q| triple_data(q, &pts3),
        |q| triple_data_grad(q, &pts3).1,
        |q| triple_data_hessian(q, &pts3),
        &w,
    );
}

#[test]
fn f32_constants_and_suffixed_literals() {
    let (v, _, h) = f32_consts_hessian(&[0.3, 0.7]);
    assert!((v - f32_consts(&[0.3, 0.7])).abs() < 1e-6);
    // H = [[2·0.5·x1, 2·0.5·x0], [x0, 0]] = [[0.7, 0.3], [0.3, 0]].
    assert_slices(
        &[h[(0, 0)] as f64, h[(0, 1)] as f64, h[(1, 1)] as f64],
        &[0.7, 0.3, 0.0],
        Tolerance::new(1e-6, 1e-6),
    );
}

/// Float queries on the scalar (`is_sign_negative`, `is_infinite`, `is_sign_positive`) in a
/// concrete `order = 2` function: the companion's scalar has them, testing the value.
#[differentiable(order = 2)]
fn queries(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut t = x[i] * x[i];
        if x[i].is_sign_negative() {
            t *= 0.5;
        }
        if t.is_infinite() || !t.is_sign_positive() {
            t = 0.0;
        }
        s += t;
    }
    s
}

#[test]
fn float_queries_on_the_scalar() {
    let x = [0.5, -0.5, 1.5];
    check(queries, |q| queries_grad(q).1, queries_hessian, &x);
    let (_, _, h) = queries_hessian(&x);
    assert_slices(
        &[h[(0, 0)], h[(1, 1)], h[(2, 2)]],
        &[2.0, 1.0, 2.0],
        Tolerance::new(1e-12, 1e-12),
    );
}

#[derive(PartialEq)]
pub enum Mode {
    Fast,
    Slow,
}

pub struct Opts {
    pub mode: Mode,
    pub name: String,
    pub scale: f64,
}

/// Fields that are not `Copy` compared with `==` stay in place (not lifted, not moved).
#[differentiable(order = 2)]
fn compares_fields(x: &[f64], #[no_grad] o: &Opts) -> f64 {
    let a = if o.mode == Mode::Fast {
        x[0] * x[0] * x[1]
    } else {
        x[1]
    };
    let b = if o.name == "double" { 2.0 } else { 1.0 };
    a * b * o.scale
}

/// A parameter the body writes is not data: its elements carry the derivatives written there.
#[differentiable(order = 2, wrt(x))]
fn writes_its_data(x: &[f64], mut y: Vec<f64>, #[no_grad] mut z: [f64; 2]) -> f64 {
    y[0] = x[0] * x[0];
    z[1] = x[1] * K;
    y.push(x[1]);
    y[0] * x[1] + z[1] * y[1] + z[0]
}

/// Constants and data as the value of an assignment, an array element, a branch or a match arm.
#[differentiable(order = 2)]
fn constant_values(x: &[f64], #[no_grad] cfg: &Cfg, k: usize) -> f64 {
    let mut v = vec![0.0; 2];
    v[0] = K;
    v[1] = cfg.scale;
    let w = [K, x[0], cfg.inner.bias];
    let c = if k > 1 { x[1] } else { S };
    let d = match k {
        0 => cfg.scale,
        1 => K,
        _ => x[0],
    };
    v[0] * x[0] * x[1] + v[1] * w[1] * w[2] + c * d * x[1] + w[0]
}

#[test]
fn fields_compared_written_parameters_and_constant_values() {
    let o = Opts {
        mode: Mode::Fast,
        name: "double".to_string(),
        scale: 1.5,
    };
    let x = [0.3, 0.7];
    check(
        |q| compares_fields(q, &o),
        |q| compares_fields_grad(q, &o).1,
        |q| compares_fields_hessian(q, &o),
        &x,
    );
    let slow = Opts {
        mode: Mode::Slow,
        ..o
    };
    let (_, _, h) = compares_fields_hessian(&x, &slow);
    assert!(h.iter().all(|v| *v == 0.0), "{h}");
    let (y, z) = (vec![0.0, 4.0], [0.5, 0.0]);
    check(
        |q| writes_its_data(q, y.clone(), z),
        |q| writes_its_data_grad(q, y.clone(), z).1,
        |q| writes_its_data_hessian(q, y.clone(), z),
        &x,
    );
    let cfg = Cfg {
        scale: 2.5,
        n: 2,
        w: vec![0.5, -1.5],
        inner: Inner { bias: 0.8 },
    };
    for k in 0..3 {
        check(
            |q| constant_values(q, &cfg, k),
            |q| constant_values_grad(q, &cfg, k).1,
            |q| constant_values_hessian(q, &cfg, k),
            &x,
        );
    }
}
