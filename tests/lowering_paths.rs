//! The path form of the float methods (`f64::mul_add(a, b, c)`, `T::powi(x, 2)`,
//! `f64::hypot(a, b)`, `f64::atan2(y, x)`), checked against the method form's analytic
//! derivatives through `_grad` and `_jvp`.

// The functions are written the way the forms under test are spelled, not the way clippy prefers.
#![allow(
    clippy::needless_range_loop,
    clippy::redundant_closure,
    clippy::useless_vec,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default,
    clippy::match_single_binding
)]

use autodiff::prelude::*;

#[differentiable]
fn path_forms(x: f64, y: f64) -> f64 {
    f64::mul_add(x, y, 2.0) + f64::hypot(x, y) + f64::atan2(y, x) + f64::powi(x, 3)
}

#[differentiable]
fn generic_path_forms<T: Real>(x: T, y: T) -> T {
    T::powi(x, 2) * T::mul_add(x, y, y) + T::hypot(x, y) - T::atan2(y, x)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn float_methods_in_path_form() {
    let (x, y) = (1.3, -0.4);
    let r2 = x * x + y * y;
    let r = r2.sqrt();
    // xy + 2 + r + atan2(y, x) + x³: (y + x/r - y/r² + 3x², x + y/r + x/r²)
    let (_, (gx, gy)) = path_forms_grad(x, y);
    assert!(close(gx, y + x / r - y / r2 + 3.0 * x * x, 1e-12), "{gx}");
    assert!(close(gy, x + y / r + x / r2, 1e-12), "{gy}");
    let (_, d) = path_forms_jvp(x, y, 1.0, 1.0);
    assert!(close(d, gx + gy, 1e-12));
    // x²(xy + y) + r - atan2(y, x): (3x²y + 2xy + x/r + y/r², x³ + x² + y/r - x/r²)
    let (_, (gx, gy)) = generic_path_forms_grad(x, y);
    assert!(
        close(gx, 3.0 * x * x * y + 2.0 * x * y + x / r + y / r2, 1e-12),
        "{gx}"
    );
    assert!(close(gy, x * x * x + x * x + y / r - x / r2, 1e-12), "{gy}");
    let (_, d) = generic_path_forms_jvp(x, y, 0.0, 1.0);
    assert!(close(d, gy, 1e-12));
}

// Conversions spelled as calls are differentiated like `as`: `T::from_f64(x)`, `T::from_usize(n)`
// (an integer: no derivative), `x.to_f64()`, `f32::from_f64(x)`.

#[autodiff::differentiable]
fn conversions<T: autodiff::Real>(x: T, y: T, n: usize) -> T {
    let t = (n % 3, x * y);
    let mut v = t.1 * T::from_f64(t.0 as f64);
    let (k, z) = (n, x);
    v += z * T::from_f64(k as f64 * 0.5) + T::from_usize(k) * x;
    let a = x.to_f64() * 3.0;
    v + T::from_f64(a * a)
}

#[autodiff::differentiable]
fn conversions_f32(x: f32) -> f64 {
    let a = x.to_f64();
    f32::from_f64(a * a).to_f64() * 2.0
}

#[test]
fn conversions_spelled_as_calls() {
    // n = 4: v = 1·xy + x·2 + 4x + 9x² => d/dx = y + 6 + 18x, d/dy = x
    let (x, y) = (2.0_f64, 3.0_f64);
    let (_, (gx, gy)) = conversions_grad(x, y, 4);
    assert!((gx - (y + 6.0 + 18.0 * x)).abs() < 1e-12, "{gx}");
    assert!((gy - x).abs() < 1e-12, "{gy}");
    let (_, d) = conversions_jvp(x, y, 4, 1.0, 0.0);
    assert!((d - gx).abs() < 1e-12);
    // 2x² => 4x
    let (_, g) = conversions_f32_grad(1.5);
    assert!((g - 6.0).abs() < 1e-6, "{g}");
}

#[autodiff::differentiable]
fn qualified_paths<T: autodiff::Real>(x: T, y: f64) -> T {
    <T as autodiff::Real>::from_f64(2.0) * x * <T as autodiff::Real>::sqrt(x)
        + T::from_f64(<f64 as autodiff::Real>::from_f64(y) * <f64>::max(y, 0.5))
}

#[test]
fn qualified_paths_of_conversions_and_methods() {
    // 2 x^{3/2} + y·max(y, 0.5) at y = 3: d/dx = 3 √x, d/dy = 2y.
    let (x, y) = (1.44_f64, 3.0_f64);
    let (v, (gx, gy)) = qualified_paths_grad(x, y);
    assert!((v - (2.0 * x * x.sqrt() + y * y)).abs() < 1e-12);
    assert!((gx - 3.0 * x.sqrt()).abs() < 1e-12, "{gx}");
    assert!((gy - 2.0 * y).abs() < 1e-12, "{gy}");
}
