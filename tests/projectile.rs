//! `examples/projectile.rs`: the raw gradient of a loop with a data-dependent trip count is the
//! exact derivative of the piecewise function (checked against central differences that stay
//! within one step count) and has the wrong sign for the landing point; the interpolated
//! landing point's gradient matches central differences and its ascent finds the best angle
//! (checked against a derivative-free golden-section search).

#[allow(dead_code)]
#[path = "../examples/projectile.rs"]
mod projectile;

use autodiff::check::{Tolerance, approx_derivative, assert_close};
use projectile::*;

const DEG: f64 = std::f64::consts::PI / 180.0;
const ETA: f64 = 1e-6;

#[test]
fn raw_gradient_is_the_derivative_at_a_fixed_step_count() {
    for a in [15.0, 20.0, 35.0, 50.0, 65.0] {
        let angle = a * DEG;
        assert_eq!(
            steps(angle - ETA),
            steps(angle + ETA),
            "step count changes at {a}°"
        );
        let (x, d) = range_at_last_step_grad(angle);
        assert_close(x, range_at_last_step(angle), Tolerance::new(0.0, 0.0));
        let fd = approx_derivative(range_at_last_step, angle, ETA);
        assert_close(d, fd, Tolerance::new(1e-5, 1e-6));
        // Forward mode agrees with reverse mode.
        assert_close(
            range_at_last_step_jvp(angle, 1.0).1,
            d,
            Tolerance::new(1e-10, 1e-10),
        );
    }
}

#[test]
fn interpolated_gradient_matches_finite_differences() {
    for a in [10.0, 20.0, 35.0, 40.0, 55.0, 70.0] {
        let angle = a * DEG;
        let (x, d) = range_grad(angle);
        assert_close(x, range(angle), Tolerance::new(0.0, 0.0));
        let fd = approx_derivative(range, angle, ETA);
        assert_close(d, fd, Tolerance::new(1e-5, 1e-6));
        assert_close(range_jvp(angle, 1.0).1, d, Tolerance::new(1e-10, 1e-10));
    }
}

#[test]
fn interpolated_landing_point_is_continuous_where_the_step_count_changes() {
    // Scan for an angle where the step count changes; the raw x jumps there, the landing
    // point does not (its change over the tiny interval is about slope × interval).
    let mut a = 20.0 * DEG;
    let h = 1e-5;
    while steps(a) == steps(a + h) {
        a += h;
    }
    let raw_jump = (range_at_last_step(a + h) - range_at_last_step(a)).abs();
    let landing_change = (range(a + h) - range(a)).abs();
    let slope = range_grad(a).1.abs();
    assert!(
        raw_jump > 0.1,
        "the raw x jumps by a step's distance (got {raw_jump} m)"
    );
    assert!(
        landing_change < 2.0 * slope * h + 1e-9,
        "landing point moved {landing_change} m"
    );
}

#[test]
fn raw_gradient_has_the_wrong_sign_at_twenty_degrees() {
    let angle = 20.0 * DEG;
    // Throwing steeper goes farther (a wide central difference of the landing point) ...
    assert!(range(angle + 0.01) > range(angle - 0.01));
    assert!(range_grad(angle).1 > 0.0);
    // ... but the raw gradient says flatter.
    assert!(range_at_last_step_grad(angle).1 < 0.0);
}

/// Derivative-free maximiser of `range` on `[lo, hi]` (golden-section search).
fn golden_max(mut lo: f64, mut hi: f64) -> f64 {
    let r = (5f64.sqrt() - 1.0) / 2.0;
    while hi - lo > 1e-9 {
        let (m1, m2) = (hi - r * (hi - lo), lo + r * (hi - lo));
        if range(m1) < range(m2) {
            lo = m1;
        } else {
            hi = m2;
        }
    }
    (lo + hi) / 2.0
}

#[test]
fn gradient_ascent_finds_the_best_angle() {
    let best = best_angle(20.0 * DEG, 1e-4, 300);
    let reference = golden_max(25.0 * DEG, 55.0 * DEG);
    assert!(
        (best - reference).abs() < 0.05 * DEG,
        "ascent {:.3}° vs golden section {:.3}°",
        best / DEG,
        reference / DEG
    );
    // With drag the best angle is below the vacuum's 45°.
    assert!(best < 45.0 * DEG && best > 30.0 * DEG);
}
