//! Newton's method on `x³ + p x - c = 0`, iterated until the step is below a tolerance.

use autodiff::prelude::*;

/// The parameters `(p, c)` of the benchmark: the root is near 1.52.
pub const NEWTON_PC: (f64, f64) = (2.0, 6.5);

/// The root of `x³ + p x - c` (for `p > 0` the cubic is increasing, so there is one), by
/// Newton's method from `x = 1` until `|step| <= 1e-12`. The trip count depends on the input.
#[differentiable]
pub fn newton_cubic(p: f64, c: f64) -> f64 {
    let mut x = 1.0;
    let mut step = 1.0;
    while step.abs() > 1e-12 {
        let f = x * x * x + p * x - c;
        let df = 3.0 * x * x + p;
        step = f / df;
        x -= step;
    }
    x
}

/// Hand-written: differentiates the iteration itself (not the implicit-function shortcut), with
/// two forward tangents `(∂x/∂p, ∂x/∂c)` carried through every step:
/// `f = x³ + p x - c`, `∂f = f' ∂x + x ∂p - ∂c`; `f' = 3x² + p`, `∂f' = 6x ∂x + ∂p`;
/// `step = f / f'`, `∂step = (∂f - step ∂f') / f'`; `x -= step`, `∂x -= ∂step`.
pub fn newton_cubic_hand(p: f64, c: f64) -> (f64, (f64, f64)) {
    let mut x = 1.0;
    let (mut xp, mut xc) = (0.0, 0.0);
    let mut step: f64 = 1.0;
    while step.abs() > 1e-12 {
        let f = x * x * x + p * x - c;
        let df = 3.0 * x * x + p;
        let fp = df * xp + x;
        let fc = df * xc - 1.0;
        let dfp = 6.0 * x * xp + 1.0;
        let dfc = 6.0 * x * xc;
        step = f / df;
        xp -= (fp - step * dfp) / df;
        xc -= (fc - step * dfc) / df;
        x -= step;
    }
    (x, (xp, xc))
}
