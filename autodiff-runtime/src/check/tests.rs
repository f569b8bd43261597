//! Unit tests of `check`.

use super::*;

fn poly(x: f64) -> f64 {
    3.0 * x * x + 2.0 * x - 1.0
}

#[test]
fn approx_derivative_matches_the_seed_bit_for_bit() {
    // TensorFlow's reference run printed 7.999999999999119 for the same formula.
    let d = approx_derivative(poly, 1.0, 1e-3);
    assert!((d - 7.999999999999119).abs() < 1e-12, "{d}");
    assert_eq!(
        d.to_bits(),
        ((poly(1.0 + 1e-3) - poly(1.0 - 1e-3)) / (2.0 * 1e-3)).to_bits()
    );
}

#[test]
fn approx_derivative_is_exact_for_quadratics_up_to_rounding() {
    for &x in &[-3.0, -0.5, 0.0, 0.25, 7.0] {
        let d = approx_derivative(poly, x, 1e-4);
        assert!((d - (6.0 * x + 2.0)).abs() < 1e-7, "x = {x}: {d}");
    }
}

#[test]
fn numeric_gradient_of_known_functions() {
    let f = |p: &[f64]| p[0].sin() * p[1] + p[2].exp();
    let x = [0.3, -1.2, 0.7];
    let g = numeric_gradient(f, &x, DEFAULT_ETA);
    let exact = [x[0].cos() * x[1], x[0].sin(), x[2].exp()];
    for (a, b) in g.iter().zip(&exact) {
        assert!((a - b).abs() < 1e-8, "{g:?} vs {exact:?}");
    }
    assert!(numeric_gradient(f, &[0.0, 0.0, 0.0], 0.1).len() == 3);
    assert!(numeric_gradient(|_| 1.0, &[], 0.1).is_empty());
}

#[test]
fn numeric_gradient_restores_coordinates() {
    // Each evaluation moves exactly one coordinate: the others must be untouched.
    let x = [1.0, 2.0, 3.0];
    let f = |p: &[f64]| {
        let moved = p
            .iter()
            .zip(&x)
            .filter(|(a, b)| (*a - *b).abs() > 0.0)
            .count();
        assert_eq!(moved, 1, "{p:?}");
        p.iter().sum::<f64>()
    };
    let g = numeric_gradient(f, &x, 1e-3);
    for gi in g {
        assert!((gi - 1.0).abs() < 1e-9);
    }
}

#[test]
fn jacobian_and_vjp_of_a_tuple_output() {
    // (3x, x^2) at x = 5: with cotangent (1, 1) the pullback is 3 + 10 = 13 (the seed's multi_target_sum).
    let f = |p: &[f64]| vec![3.0 * p[0], p[0] * p[0]];
    let j = numeric_jacobian(f, &[5.0], DEFAULT_ETA);
    assert_eq!(j.len(), 2);
    assert_eq!(j[0].len(), 1);
    let w = vector_jacobian_product(&j, &[1.0, 1.0]);
    assert!((w[0] - 13.0).abs() < 1e-6, "{w:?}");
    assert!(numeric_jacobian(|_| vec![1.0, 2.0], &[], 0.1).len() == 2);
}

#[test]
fn directional_derivative_equals_gradient_dot_direction() {
    let f = |p: &[f64]| p[0] * p[0] * p[1] + p[1].cos();
    let x = [0.8, 1.3];
    let v = [-0.4, 2.0];
    let g = numeric_gradient(f, &x, DEFAULT_ETA);
    let d = directional_derivative(f, &x, &v, DEFAULT_ETA);
    assert!((d - dot(&g, &v)).abs() < 1e-8);
    assert!(check_directional(f, &x, &v, dot(&g, &v), DEFAULT_ETA, Tolerance::default()).is_ok());
    assert!(
        check_directional(
            f,
            &x,
            &v,
            dot(&g, &v) + 1e-2,
            DEFAULT_ETA,
            Tolerance::default()
        )
        .is_err()
    );
}

#[test]
fn tolerance_is_combined_abs_and_rel() {
    let tol = Tolerance::new(1e-6, 1e-3);
    assert!(tol.accepts(0.0, 1e-6));
    assert!(!tol.accepts(0.0, 2e-6));
    assert!(tol.accepts(1e6, 1e6 + 999.0));
    assert!(!tol.accepts(1e6, 1e6 + 1002.0));
    assert!(tol.accepts(-5.0, -5.004));
    assert!(!tol.accepts(-5.0, 5.0));
    assert!(tol.accepts(f64::INFINITY, f64::INFINITY));
    assert!(!tol.accepts(f64::INFINITY, f64::NEG_INFINITY));
    assert!(!tol.accepts(f64::INFINITY, 1.0));
    assert!(!tol.accepts(f64::NAN, 0.0));
    assert!(!tol.accepts(0.0, f64::NAN));
    assert!((tol.allowed(-2.0, 1.0) - (1e-6 + 2e-3)).abs() < 1e-15);
}

#[test]
fn check_slices_reports_the_worst_component() {
    let tol = Tolerance::new(1e-3, 0.0);
    let err = check_slices(&[1.0, 5.0, 0.0], &[1.1, 5.0, 0.5], tol).unwrap_err();
    match err {
        GradCheckError::Mismatch {
            index,
            len,
            analytic,
            numeric,
            tolerance,
        } => {
            assert_eq!(index, Some(2));
            assert_eq!(len, 3);
            assert!((analytic - 0.0).abs() < 1e-300 && (numeric - 0.5).abs() < 1e-15);
            // The error carries the tolerance it was checked with, unchanged.
            let exact = Tolerance::new(0.0, 0.0);
            assert_close(tolerance.abs, tol.abs, exact);
            assert_close(tolerance.rel, tol.rel, exact);
        }
        other => panic!("unexpected {other:?}"),
    }
    // A NaN is worse than any finite disagreement.
    let err = check_slices(&[1.0, f64::NAN], &[100.0, 1.0], tol).unwrap_err();
    assert_eq!(err.index(), Some(1));
    // The worst is measured against what the tolerance allows there.
    let rel = Tolerance::new(0.0, 0.01);
    let err = check_slices(&[1000.0, 1.0], &[1015.0, 1.05], rel).unwrap_err();
    assert_eq!(err.index(), Some(1)); // 0.05 / 0.0105 > 15 / 10.15
}

#[test]
fn check_slices_length_mismatch() {
    let err = check_slices(&[1.0], &[1.0, 2.0], Tolerance::default()).unwrap_err();
    assert_eq!(
        err,
        GradCheckError::LengthMismatch {
            analytic: 1,
            numeric: 2
        }
    );
    assert_eq!(err.index(), None);
    assert!(err.to_string().contains("1 components"), "{err}");
    assert!(check_jvp_vjp(&[1.0, 2.0], &[1.0], 1.0, Tolerance::tight()).is_err());
}

#[test]
fn display_names_component_values_and_tolerance() {
    let tol = Tolerance::new(1e-6, 1e-5);
    let err =
        check_gradient(|p| p[0] * p[1], &[3.0, 1.5], &[1.5, 4.5], DEFAULT_ETA, tol).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("component 1 of 2"), "{msg}");
    assert!(msg.contains("analytic = 4.5"), "{msg}");
    assert!(
        msg.contains("numeric = 3") || msg.contains("numeric = 2.99999"),
        "{msg}"
    );
    assert!(msg.contains("tolerance abs 1e-6 + rel 1e-5"), "{msg}");
    let scalar = check_close(1.0, 2.0, tol).unwrap_err().to_string();
    assert!(
        scalar.starts_with("scalar: analytic = 1, numeric = 2, |diff| = 1e0"),
        "{scalar}"
    );
}

#[test]
fn check_derivative_and_gradient_accept_correct_and_reject_wrong() {
    let tol = Tolerance::default();
    assert!(check_derivative(f64::exp, 1.2, 1.2f64.exp(), DEFAULT_ETA, tol).is_ok());
    assert!(check_derivative(f64::exp, 1.2, 1.2f64.exp() * 1.001, DEFAULT_ETA, tol).is_err());
    let f = |p: &[f64]| p[0].atan2(p[1]);
    let x = [0.6, 1.1];
    let r2 = x[0] * x[0] + x[1] * x[1];
    assert!(check_gradient(f, &x, &[x[1] / r2, -x[0] / r2], DEFAULT_ETA, tol).is_ok());
    assert!(check_gradient(f, &x, &[-x[1] / r2, -x[0] / r2], DEFAULT_ETA, tol).is_err());
}

#[test]
fn jvp_vjp_consistency() {
    let g = [1.0, -2.0, 0.25];
    let v = [0.5, 0.5, 4.0];
    assert!(check_jvp_vjp(&g, &v, 0.5, Tolerance::tight()).is_ok());
    assert!(check_jvp_vjp(&g, &v, 0.5 + 1e-6, Tolerance::tight()).is_err());
    assert_jvp_vjp(&g, &v, 0.5, Tolerance::tight());
}

#[test]
fn asserting_variants_pass_on_good_input() {
    assert_close(1.0, 1.0 + 1e-12, Tolerance::tight());
    assert_slices(&[1.0, 2.0], &[1.0, 2.0], Tolerance::tight());
    assert_derivative(
        f64::cos,
        0.4,
        -(0.4f64.sin()),
        DEFAULT_ETA,
        Tolerance::default(),
    );
    assert_gradient(
        |p| p[0] * p[0],
        &[3.0],
        &[6.0],
        DEFAULT_ETA,
        Tolerance::default(),
    );
    assert_directional(
        |p| p[0] + 2.0 * p[1],
        &[1.0, 1.0],
        &[1.0, 1.0],
        3.0,
        DEFAULT_ETA,
        Tolerance::default(),
    );
}

#[test]
#[should_panic(expected = "component 0 of 1: analytic = 5, numeric = 5.99")]
fn assert_gradient_panics_with_details() {
    assert_gradient(|p| p[0] * p[0], &[3.0], &[5.0], 1e-3, Tolerance::default());
}

#[test]
#[should_panic(expected = "jvp vs vjp")]
fn assert_jvp_vjp_panics() {
    assert_jvp_vjp(&[1.0], &[1.0], 2.0, Tolerance::tight());
}

#[test]
fn f32_functions_need_a_loose_tolerance() {
    let f = |x: f64| ((x as f32).sin() * (x as f32)) as f64;
    let x = 0.9f32;
    let analytic = (x.sin() + x * x.cos()) as f64;
    assert!(check_derivative(f, 0.9, analytic, 1e-2, Tolerance::f32()).is_ok());
}

#[test]
fn scaled_eta_grows_with_magnitude() {
    assert!((scaled_eta(0.0) - DEFAULT_ETA).abs() < 1e-20);
    assert!((scaled_eta(1e3) - 1e-2).abs() < 1e-15);
}
