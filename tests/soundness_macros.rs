//! Macro calls inside `#[differentiable]` functions: `dbg!` is the identity, std's formatting,
//! assert and panic macros run read-only in the forward sweep (other macros naming a value with a
//! derivative are refused: `tests/ui/macro_*.rs`). Each checked against the analytic derivative.

use autodiff::prelude::*;

#[differentiable]
fn dbg_square(x: f64) -> f64 {
    dbg!(x * x)
}

#[differentiable]
fn dbg_in_let(x: f64, y: f64) -> f64 {
    let p = dbg!(x * y);
    p + dbg!(x)
}

#[differentiable]
fn with_read_only_macros(x: f64) -> f64 {
    assert!(x.is_finite(), "x = {x}");
    debug_assert!(x > -1e9);
    let label = format!("{x:.3}");
    assert_ne!(label.len(), 0);
    if x > 1e300 {
        panic!("too large: {}", x);
    }
    let y = x.sin() * x;
    assert!(y.is_finite(), "y = {y}");
    y
}

#[test]
fn dbg_is_the_identity() {
    // d/dx x^2 = 2x = 3 at 1.5
    let (y, g) = dbg_square_grad(1.5);
    assert!(
        (y - 2.25).abs() < 1e-12 && (g - 3.0).abs() < 1e-12,
        "{y} {g}"
    );
    let (_, d) = dbg_square_jvp(1.5, 1.0);
    assert!((d - 3.0).abs() < 1e-12, "{d}");
    // d(xy + x) = (y + 1, x) at (2, 3): (4, 2)
    let (_, (gx, gy)) = dbg_in_let_grad(2.0, 3.0);
    assert!(
        (gx - 4.0).abs() < 1e-12 && (gy - 2.0).abs() < 1e-12,
        "{gx} {gy}"
    );
}

#[test]
fn read_only_macros_run_in_the_forward_sweep() {
    // d/dx x sin x = sin x + x cos x
    let x = 0.7_f64;
    let (y, g) = with_read_only_macros_grad(x);
    assert!((y - x * x.sin()).abs() < 1e-12);
    assert!((g - (x.sin() + x * x.cos())).abs() < 1e-12, "{g}");
    let (_, d) = with_read_only_macros_jvp(x, 1.0);
    assert!((d - g).abs() < 1e-12, "{d}");
}

#[test]
#[should_panic(expected = "x = NaN")]
fn an_assert_in_the_forward_sweep_still_fires() {
    let _ = with_read_only_macros_grad(f64::NAN);
}
