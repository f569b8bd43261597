//! The code of the README sections in README.md (first contact: the loop whose
//! trip count depends on the input, the refused methods' rewrites), verbatim, with the claims
//! the text makes about it checked against central finite differences.

use autodiff::check::{Tolerance, approx_derivative, assert_close};

mod trip_count {
    // --- README snippet: "Loops whose trip count depends on the input" ---
    use autodiff::prelude::*;

    /// Time (s) for a ball dropped from `height` (m) to reach the ground, Euler steps of 1 ms.
    #[differentiable]
    pub fn fall_time_raw(height: f64) -> f64 {
        let mut y = height;
        let mut v = 0.0;
        let mut t = 0.0;
        while y > 0.0 {
            y -= v * 0.001;
            v += 9.81 * 0.001;
            t += 0.001;
        }
        t // d/d(height) = 0: the step count is held fixed, and t only counts steps
    }

    /// The same, with the ground crossing interpolated inside the last step.
    #[differentiable]
    pub fn fall_time(height: f64) -> f64 {
        let mut y = height;
        let mut v = 0.0;
        let mut t = 0.0;
        let mut y_before = height;
        while y > 0.0 {
            y_before = y;
            y -= v * 0.001;
            v += 9.81 * 0.001;
            t += 0.001;
        }
        // y_before > 0 >= y: the step ended 0.001 · y / (y - y_before) s after the ground.
        t - 0.001 * y / (y - y_before)
    }
    // --- end of snippet ---
}

#[test]
fn raw_event_time_has_zero_gradient() {
    let (t, dt) = trip_count::fall_time_raw_grad(20.0);
    assert!((t - (2.0 * 20.0 / 9.81_f64).sqrt()).abs() < 0.01); // ≈ √(2h/g) = 2.02 s
    assert_close(dt, 0.0, Tolerance::new(0.0, 0.0));
}

#[test]
fn interpolated_event_time_has_the_physical_gradient() {
    for h in [5.0, 20.0, 80.0] {
        let (t, dt) = trip_count::fall_time_grad(h);
        // Continuous and smooth: central differences over a step that crosses several
        // step-count changes agree with the gradient.
        let fd = approx_derivative(trip_count::fall_time, h, 0.05);
        assert_close(dt, fd, Tolerance::new(1e-4, 1e-3));
        // Against the exact fall, t = √(2h/g), dt/dh = 1/√(2gh): equal up to the Euler error.
        assert_close(t, (2.0 * h / 9.81_f64).sqrt(), Tolerance::new(2e-3, 2e-3));
        assert_close(
            dt,
            1.0 / (2.0 * 9.81 * h).sqrt(),
            Tolerance::new(1e-3, 1e-2),
        );
    }
}
