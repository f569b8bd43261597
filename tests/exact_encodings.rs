//! A value's exact encodings (`to_bits`, `to_string`, full-precision `format!`) are refused when
//! the value carries a derivative (`tests/heavy/tests/ui/exact_encoding.rs`); these are the uses
//! that stay: rounded text, printing, encodings of constants and of `stop_gradient` copies.

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

#[differentiable]
fn logged(x: f64, #[no_grad] k: f64, n: usize) -> f64 {
    // Rounded text is a piecewise-constant reading of `x`: allowed.
    let shown = format!("{x:.3} {n} {}", n + 1);
    println!("x = {x}, {shown}");
    let c = stop_gradient(x);
    let (bits, text, kb) = (c.to_bits(), c.to_string(), k.to_bits());
    let w = format!("{c} {k}");
    assert!(
        bits > 0 && kb > 0 && !text.is_empty() && !w.is_empty(),
        "{x}"
    );
    // `c` is a constant copy: the product rule sees only the first factor.
    x * x * k + c * x
}

/// The inverse square root with a first guess from the bits of a constant copy, then two Newton
/// steps `y ← y (1.5 - 0.5 x y²)` that are differentiated.
#[differentiable]
fn inv_sqrt(x: f64) -> f64 {
    let c: f64 = stop_gradient(x);
    let mut y = f64::from_bits(0x5fe6eb50c7b537a9 - (c.to_bits() >> 1));
    for _ in 0..2 {
        y = y * (1.5 - 0.5 * x * y * y);
    }
    y
}

#[test]
fn rounded_text_printing_and_constant_encodings_compile_and_differentiate() {
    let (x, k) = (0.7, 2.0);
    let (y, g) = logged_grad(x, k, 3);
    // y = k x² + c x with c = x held constant: dy/dx = 2 k x + c.
    assert!((y - (k * x * x + x * x)).abs() < 1e-12, "{y}");
    assert!((g - (2.0 * k * x + x)).abs() < 1e-12, "{g}");
}

#[test]
fn newton_steps_after_a_constant_guess_match_central_differences_of_the_steps() {
    // The guess is held constant, so the reference differentiates the two steps from a fixed y0.
    let x: f64 = 0.7;
    let y0 = f64::from_bits(0x5fe6eb50c7b537a9 - (x.to_bits() >> 1));
    let steps = |t: f64| {
        let mut y = y0;
        for _ in 0..2 {
            y = y * (1.5 - 0.5 * t * y * y);
        }
        y
    };
    let (y, g) = inv_sqrt_grad(x);
    assert!((y - steps(x)).abs() < 1e-15);
    assert!((y - 1.0 / x.sqrt()).abs() < 1e-4, "{y}");
    let want = approx_derivative(steps, x, 1e-6);
    assert!(
        (g - want).abs() < 1e-6 * (1.0 + want.abs()),
        "{g} vs {want}"
    );
}
