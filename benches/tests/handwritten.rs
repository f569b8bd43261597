//! The benchmark workloads (`benches/common/mod.rs`) are checked here before anyone times them:
//! the hand-written gradients against central finite differences, and the generated gradients,
//! the `reverse` tape and the `num-dual` duals against the hand-written ones.

#[path = "../common/mod.rs"]
mod common;
use common::*;

/// Central difference of `f` at `x`, step scaled to `x`.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6 * (1.0 + x.abs());
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * (1.0 + want.abs())
}

#[track_caller]
fn assert_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        close(got, want, rel),
        "{what}: got {got}, want {want} (rel tol {rel})"
    );
}

/// `(value, (d/dx1, d/dx2))` of the seed polynomial, in `f32` or `f64`, against `want`.
#[track_caller]
fn assert_poly<T: Into<f64>>(what: &str, got: (T, (T, T)), want: (f64, (f64, f64)), rel: f64) {
    let (v, (g1, g2)) = got;
    assert_close(&format!("{what} value"), v.into(), want.0, rel);
    assert_close(&format!("{what} d/dx1"), g1.into(), want.1.0, rel);
    assert_close(&format!("{what} d/dx2"), g2.into(), want.1.1, rel);
}

/// Central differences of a slice function, one coordinate at a time.
fn central_slice(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|j| {
            let at = |v: f64| {
                let mut y = x.to_vec();
                y[j] = v;
                f(&y)
            };
            central(at, x[j])
        })
        .collect()
}

/// The Rosenbrock primal written independently of the benchmark module (plain iterator code).
fn rosenbrock_ref(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
        .sum()
}

fn trig_ref(x: f64, y: f64) -> f64 {
    (x * y).sin() * x.cos()
        + (x - y).tanh()
        + (x.sin() * y.cos()).atan()
        + (x * y).cos().exp() * y.sqrt()
}

fn fixed_point_ref(p: f64) -> f64 {
    (0..FP_STEPS).fold(FP_X0, |x, _| x.cos() + p * x)
}

fn control_flow_ref(a: f64) -> f64 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b *= 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

const CF_INPUTS: [f64; 6] = [CONTROL_FLOW_A, -0.3, 1.7, -2.5, 0.001, 123.0];

// --- hand-written gradients against finite differences -----------------------------------------

#[test]
fn hand_rosenbrock_matches_finite_differences() {
    for n in [2, 3, 10, 100] {
        let x = rosenbrock_point(n);
        let (v, g) = rosenbrock_hand(&x);
        assert_close("value", v, rosenbrock_ref(&x), 1e-12);
        let fd = central_slice(rosenbrock_ref, &x);
        for (j, (got, want)) in g.iter().zip(&fd).enumerate() {
            assert_close(&format!("n={n} d/dx[{j}]"), *got, *want, 1e-6);
        }
    }
    // The minimum: value 0, gradient 0.
    let (v, g) = rosenbrock_hand(&[1.0; 5]);
    assert!(v.abs() <= 0.0, "value {v}");
    assert!(g.iter().all(|d| d.abs() <= 0.0), "gradient {g:?}");
}

#[test]
fn hand_control_flow_matches_finite_differences_and_c_over_a() {
    for a in CF_INPUTS {
        let (c, d) = control_flow_hand(a);
        assert_close(&format!("value at a = {a}"), c, control_flow_ref(a), 1e-12);
        // Piecewise linear: the derivative is c / a (the seed's check; up to the rounding of 100 b) ...
        assert_close(&format!("c/a at a = {a}"), d, c / a, 1e-15);
        // ... and matches a one-sided difference that stays on the same piece.
        let h = 1e-9 * a.abs();
        assert_close(
            &format!("a = {a}"),
            d,
            (control_flow_ref(a + h) - c) / h,
            1e-5,
        );
    }
    assert_close(
        "d at CONTROL_FLOW_A",
        control_flow_hand(CONTROL_FLOW_A).1,
        4096.0,
        1e-12,
    );
}

#[test]
fn hand_fixed_point_matches_finite_differences() {
    for p in [FP_P, -0.4, 0.0, 0.45] {
        let (x, dx) = fixed_point_hand(p);
        assert_close("value", x, fixed_point_ref(p), 1e-14);
        assert_close(&format!("p = {p}"), dx, central(fixed_point_ref, p), 1e-6);
    }
}

#[test]
fn hand_trig_matches_finite_differences() {
    for (x, y) in [TRIG_XY, (-0.4, 0.2), (2.1, 3.7), (0.0, 1.0)] {
        let (v, (gx, gy)) = trig_hand(x, y);
        assert_close("value", v, trig_ref(x, y), 1e-14);
        assert_close(
            &format!("d/dx at ({x}, {y})"),
            gx,
            central(|t| trig_ref(t, y), x),
            1e-6,
        );
        assert_close(
            &format!("d/dy at ({x}, {y})"),
            gy,
            central(|t| trig_ref(x, t), y),
            1e-6,
        );
    }
}

#[test]
fn hand_poly_matches_seed() {
    // TensorFlow (seed 001, 5.2.1): z = x1^2 + x2^3 at (2, 3) gives [4.0, 27.0].
    assert_poly("hand", poly_hand(2.0, 3.0), (31.0, (4.0, 27.0)), 1e-6);
    let (x1, x2) = (0.7_f64, -1.3_f64);
    let f = |a: f64, b: f64| a.powi(2) + b.powi(3);
    let (_, (g1, g2)) = poly_hand(x1 as f32, x2 as f32);
    assert_close("d/dx1", f64::from(g1), central(|t| f(t, x2), x1), 1e-5);
    assert_close("d/dx2", f64::from(g2), central(|t| f(x1, t), x2), 1e-5);
}

// --- the other gradient sources agree with the hand-written ones -------------------------------

#[test]
fn reverse_and_dual_match_hand() {
    for n in [2, 100] {
        let x = rosenbrock_point(n);
        let (v, g) = rosenbrock_hand(&x);
        for (name, (v2, g2)) in [
            ("reverse", rosenbrock_reverse(&x)),
            ("num-dual", rosenbrock_dual(&x)),
        ] {
            assert_close(&format!("{name} rosenbrock{n} value"), v2, v, 1e-13);
            for j in 0..n {
                assert_close(
                    &format!("{name} rosenbrock{n} d/dx[{j}]"),
                    g2[j],
                    g[j],
                    1e-13,
                );
            }
        }
    }
    for a in CF_INPUTS {
        let (c, d) = control_flow_hand(a);
        for (name, (c2, d2)) in [
            ("reverse", control_flow_reverse(a)),
            ("num-dual", control_flow_dual(a)),
        ] {
            assert_close(&format!("{name} value, a = {a}"), c2, c, 1e-12);
            assert_close(&format!("{name} d/da, a = {a}"), d2, d, 1e-12);
        }
    }
    let (x, dx) = fixed_point_hand(FP_P);
    for (name, (x2, dx2)) in [
        ("reverse", fixed_point_reverse(FP_P)),
        ("num-dual", fixed_point_dual(FP_P)),
    ] {
        assert_close(&format!("{name} fixed_point value"), x2, x, 1e-13);
        assert_close(&format!("{name} fixed_point d/dp"), dx2, dx, 1e-12);
    }
    let (x, y) = TRIG_XY;
    let (v, (gx, gy)) = trig_hand(x, y);
    for (name, (v2, (gx2, gy2))) in [
        ("reverse", trig_reverse(x, y)),
        ("num-dual", trig_dual(x, y)),
    ] {
        assert_close(&format!("{name} trig value"), v2, v, 1e-14);
        assert_close(&format!("{name} trig d/dx"), gx2, gx, 1e-12);
        assert_close(&format!("{name} trig d/dy"), gy2, gy, 1e-12);
    }
    assert_poly(
        "reverse",
        poly_reverse(2.0, 3.0),
        (31.0, (4.0, 27.0)),
        1e-12,
    );
    assert_poly("num-dual", poly_dual(2.0, 3.0), (31.0, (4.0, 27.0)), 1e-6);
}

// --- the generated gradients agree with the hand-written ones ----------------------------------

#[test]
fn generated_rosenbrock_matches_hand() {
    for n in [2, 3, 100] {
        let x = rosenbrock_point(n);
        assert_close("primal", rosenbrock(&x), rosenbrock_hand(&x).0, 1e-14);
        let (v, g) = rosenbrock_grad(&x);
        let (vh, gh) = rosenbrock_hand(&x);
        assert_close(&format!("rosenbrock{n} value"), v, vh, 1e-14);
        assert_eq!(g.len(), n);
        for j in 0..n {
            assert_close(&format!("rosenbrock{n} d/dx[{j}]"), g[j], gh[j], 1e-13);
        }
    }
}

#[test]
fn generated_control_flow_matches_hand() {
    for a in CF_INPUTS {
        assert_close(
            &format!("primal, a = {a}"),
            control_flow(a),
            control_flow_ref(a),
            1e-12,
        );
        let (c, d) = control_flow_grad(a);
        let (ch, dh) = control_flow_hand(a);
        assert_close(&format!("value, a = {a}"), c, ch, 1e-12);
        assert_close(&format!("d/da, a = {a}"), d, dh, 1e-12);
        assert_close(&format!("c/a at a = {a}"), d, c / a, 1e-15);
    }
}

#[test]
fn generated_fixed_point_matches_hand() {
    for p in [FP_P, -0.4, 0.0, 0.45] {
        assert_close("primal", fixed_point(p), fixed_point_ref(p), 1e-15);
        let (x, dx) = fixed_point_grad(p);
        let (xh, dxh) = fixed_point_hand(p);
        assert_close(&format!("p = {p} value"), x, xh, 1e-15);
        assert_close(&format!("p = {p} d/dp"), dx, dxh, 1e-12);
    }
}

#[test]
fn generated_trig_matches_hand() {
    for (x, y) in [TRIG_XY, (-0.4, 0.2), (2.1, 3.7)] {
        let (v, (gx, gy)) = trig_grad(x, y);
        let (vh, (gxh, gyh)) = trig_hand(x, y);
        assert_close("value", v, vh, 1e-14);
        assert_close(&format!("d/dx at ({x}, {y})"), gx, gxh, 1e-12);
        assert_close(&format!("d/dy at ({x}, {y})"), gy, gyh, 1e-12);
    }
}

#[test]
fn generated_poly_matches_seed() {
    assert_poly("generated", poly_grad(2.0, 3.0), (31.0, (4.0, 27.0)), 1e-6);
}
