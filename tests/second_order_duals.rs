//! Second order runs the gradient at dual numbers; three ways a dual could silently part from
//! the function's own semantics, each checked on several members of its kind:
//!
//! - `stop_gradient` holds its value constant for both sweeps (TensorFlow's nested tapes stop it
//!   for both): the Hessian is that of the function with the stopped values frozen, derived by
//!   hand in each comment, and `NAME_hvp` equals `NAME_hessian · v`.
//! - `==` and `!=` between floats compare values only in the dual pass (`second/rewrite.rs`), so
//!   it takes the branch the function takes (a derivative carried along never changes which arm
//!   runs), while `Dual`'s own `==` still compares both parts for the zero rule.
//! - A float conversion whose result carries a derivative is refused under `order = 2`
//!   (`tests/heavy/tests/ui/order2_float_conversion.rs`); one used only for control flow still
//!   compiles and differentiates correctly (here).

// The functions are written the way the forms under test are spelled.
#![allow(clippy::float_cmp, clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_slices, numeric_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);

/// f = x·s with s = stop(y). Frozen: F(x, y) = x·s, so H = 0 (TF's nested tapes: None).
#[differentiable(order = 2)]
fn times_stopped(x: f64, y: f64) -> f64 {
    x * stop_gradient(y)
}

/// c = stop(x·y); f = c·x² + y·c. Frozen: H = [[2c, 0], [0, 0]].
#[differentiable(order = 2)]
fn stopped_product(x: f64, y: f64) -> f64 {
    let c = stop_gradient(x * y);
    c * x * x + y * c
}

/// A stopped `Vec` (a normaliser computed from the input and held constant):
/// f = Σ_i x_i² / m with m = stop(Σ x_i²). Frozen: H = (2/m)·I.
#[differentiable(order = 2)]
fn stopped_vec<T: Real>(x: &[T]) -> T {
    let w = stop_gradient(x.to_vec());
    let mut m = T::zero();
    for i in 0..w.len() {
        m += w[i] * w[i];
    }
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s / m
}

/// `f32`: f = sin(x)·s with s = stop(x·y). Frozen: H = [[-sin(x)·s, 0], [0, 0]].
#[differentiable(order = 2)]
fn stopped_f32(x: f32, y: f32) -> f32 {
    let s = stop_gradient(x * y);
    x.sin() * s
}

/// What `NAME_hessian` and `NAME_hvp` return for two scalar parameters.
type Hessian2 = fn(f64, f64) -> (f64, (f64, f64), DMatrix<f64>);
type Hvp2 = fn(f64, f64, f64, f64) -> (f64, (f64, f64), (f64, f64));

/// `NAME_hessian`'s columns against `NAME_hvp` on unit directions, and the Hessian against
/// `want` (row-major).
fn two_by_two(hessian: Hessian2, hvp: Hvp2, p: (f64, f64), want: [f64; 4], tol: Tolerance) {
    let h = hessian(p.0, p.1).2;
    assert_slices(&[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]], &want, tol);
    for (k, v) in [(1.0, 0.0), (0.0, 1.0)].into_iter().enumerate() {
        let (a, b) = hvp(p.0, p.1, v.0, v.1).2;
        assert_slices(&[a, b], &[h[(0, k)], h[(1, k)]], tol);
    }
}

#[test]
fn stop_gradient_holds_its_value_for_both_sweeps() {
    let (x, y) = (0.7, 1.3);
    two_by_two(
        times_stopped_hessian,
        times_stopped_hvp,
        (x, y),
        [0.0; 4],
        TIGHT,
    );
    let c = x * y;
    two_by_two(
        stopped_product_hessian,
        stopped_product_hvp,
        (x, y),
        [2.0 * c, 0.0, 0.0, 0.0],
        TIGHT,
    );
    // The first derivatives hold the stopped values constant too: (2cx, c).
    let (_, g, _) = stopped_product_hessian(x, y);
    assert_slices(&[g.0, g.1], &[2.0 * c * x, c], TIGHT);

    let xs = vec![0.4, -1.1, 0.9];
    let m: f64 = xs.iter().map(|v| v * v).sum();
    let (_, g, h) = stopped_vec_hessian(&xs);
    assert_slices(
        &g,
        &xs.iter().map(|v| 2.0 * v / m).collect::<Vec<_>>(),
        TIGHT,
    );
    for i in 0..3 {
        for j in 0..3 {
            let want = if i == j { 2.0 / m } else { 0.0 };
            assert!(
                (h[(i, j)] - want).abs() < 1e-12,
                "H[{i}][{j}] = {}",
                h[(i, j)]
            );
        }
    }
    let v = vec![0.3, -0.2, 1.5];
    let (_, _, hv) = stopped_vec_hvp(&xs, v.clone());
    assert_slices(
        &hv,
        &v.iter().map(|vi| 2.0 / m * vi).collect::<Vec<_>>(),
        TIGHT,
    );

    let (xf, yf) = (0.7f32, 1.3f32);
    let (_, _, h) = stopped_f32_hessian(xf, yf);
    let s = (xf * yf) as f64;
    let want = [-(xf as f64).sin() * s, 0.0, 0.0, 0.0];
    let got: Vec<f64> = [h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]]
        .iter()
        .map(|&v| v as f64)
        .collect();
    assert_slices(&got, &want, Tolerance::new(1e-5, 1e-5));
}

/// sinc with its removable point written out: at x = 0 the function is the constant arm.
#[differentiable(order = 2)]
fn sinc(x: f64, y: f64) -> f64 {
    if x == 0.0 { y } else { y * x.sin() / x }
}

/// Equal values with different derivatives: at x = y the product arm runs.
#[differentiable(order = 2)]
fn equal_arms(x: f64, y: f64) -> f64 {
    if x == y { x * x * y } else { x + y * y }
}

/// A fixed-point iteration that stops when the iterate no longer changes (`!=`), and a
/// generic version of the equality branch.
#[differentiable(order = 2)]
fn fixed_point<T: Real>(a: T, b: T) -> T {
    let mut x = T::zero();
    let mut prev = T::one();
    let mut k = 0;
    while x != prev && k < 200 {
        prev = x;
        x = (a * x).cos() * b;
        k += 1;
    }
    if x == prev { x * a } else { T::zero() }
}

/// [`fixed_point`] with its trip count given: the same arithmetic on every path.
#[differentiable(order = 2)]
fn unrolled<T: Real>(a: T, b: T, trips: usize) -> T {
    let mut x = T::zero();
    for _ in 0..trips {
        x = (a * x).cos() * b;
    }
    x * a
}

/// The trips [`fixed_point`] makes at `(a, b)`, and whether it stopped on equality.
fn trips(a: f64, b: f64) -> (usize, bool) {
    let (mut x, mut prev, mut k) = (0.0f64, 1.0f64, 0);
    while x != prev && k < 200 {
        prev = x;
        x = (a * x).cos() * b;
        k += 1;
    }
    (k, x == prev)
}

/// Central differences of a gradient, as a row-major 2×2 Hessian.
fn fd_hessian(grad: impl Fn(f64, f64) -> (f64, f64), p: (f64, f64)) -> [f64; 4] {
    let gx = numeric_gradient(|q| grad(q[0], q[1]).0, &[p.0, p.1], 1e-6);
    let gy = numeric_gradient(|q| grad(q[0], q[1]).1, &[p.0, p.1], 1e-6);
    [gx[0], gx[1], gy[0], gy[1]]
}

#[test]
fn equality_branches_follow_the_value() {
    // At x = 0 the constant arm: f = y, so H = 0 and the gradient (0, 1); no NaN.
    let (v, g, h) = sinc_hessian(0.0, 1.3);
    assert!((v - 1.3).abs() < 1e-15);
    assert_slices(&[g.0, g.1], &[0.0, 1.0], TIGHT);
    assert_slices(
        &[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
        &[0.0; 4],
        TIGHT,
    );
    let (_, _, hv) = sinc_hvp(0.0, 1.3, 1.0, 0.5);
    assert_slices(&[hv.0, hv.1], &[0.0, 0.0], TIGHT);
    // Away from 0 the quotient arm, against central differences of the gradient.
    let p = (0.8, 1.3);
    let want = fd_hessian(|x, y| sinc_grad(x, y).1, p);
    two_by_two(sinc_hessian, sinc_hvp, p, want, Tolerance::new(1e-6, 1e-6));
    // At x = y = 1.2 the arm x²y runs whatever the direction: H = [[2y, 2x], [2x, 0]].
    two_by_two(
        equal_arms_hessian,
        equal_arms_hvp,
        (1.2, 1.2),
        [2.4, 2.4, 2.4, 0.0],
        TIGHT,
    );
    // The loop stops on `!=` after the trips the function makes (a dual whose derivative still
    // changes would otherwise run on to the cap): its Hessian is that of the same iteration with
    // the trip count given.
    for p in [(0.6, 0.5), (0.3, 0.9)] {
        let (n, converged) = trips(p.0, p.1);
        assert!(converged && n < 200, "{p:?}: {n} trips");
        let h = unrolled_hessian(p.0, p.1, n).2;
        // The unrolled iteration is smooth: its own Hessian against central differences.
        let fd = fd_hessian(|a, b| unrolled_grad(a, b, n).1, p);
        assert_slices(
            &[h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
            &fd,
            Tolerance::new(1e-6, 1e-6),
        );
        two_by_two(
            fixed_point_hessian,
            fixed_point_hvp,
            p,
            [h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]],
            TIGHT,
        );
    }
}

/// A conversion used only for control flow: its result carries no derivative to the output.
#[differentiable(order = 2)]
fn clipped<T: Real>(x: T, y: T) -> T {
    if x.to_f64() > 1.0 { x * y } else { x * x * y }
}

#[test]
fn conversions_for_control_flow_still_compile() {
    // x = 0.7: the arm x²y, H = [[2y, 2x], [2x, 0]]; x = 1.5: the arm xy, H = [[0, 1], [1, 0]].
    two_by_two(
        clipped_hessian,
        clipped_hvp,
        (0.7, 1.3),
        [2.6, 1.4, 1.4, 0.0],
        TIGHT,
    );
    two_by_two(
        clipped_hessian,
        clipped_hvp,
        (1.5, 1.3),
        [0.0, 1.0, 1.0, 0.0],
        TIGHT,
    );
}
