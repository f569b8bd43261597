//! An edition-2021 crate that uses `#[differentiable]`: proves the generated code compiles (and
//! is right) outside the edition-2024 workspace default.
//!
//! Covered: a free fn with a slice parameter, a generic `T: Real` fn, a method in an `impl` block,
//! a fn with a reference parameter (plus a non-differentiated integer), and `NAME_grad`,
//! `NAME_vjp`, `NAME_jvp` on them.
// `#[differentiable]` supports index loops over ranges (not loops over other iterators).
#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

/// `sum_i (i + 1) x[i]^2`: a slice parameter, an integer-to-float conversion, a `for` loop.
#[differentiable]
pub fn weighted_sum_sq(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let w = (i + 1) as f64;
        s += w * x[i] * x[i];
    }
    s
}

/// `3x^2 + sin x`, generic over the float type.
#[differentiable]
pub fn cubic_sin<T: Real>(x: T) -> T {
    T::from_f64(3.0) * x * x + x.sin()
}

/// A quadratic `a x^2 + b x + c` whose coefficients are plain data.
#[derive(Clone, Copy, Debug)]
pub struct Quadratic {
    /// Coefficient of `x^2`.
    pub a: f64,
    /// Coefficient of `x`.
    pub b: f64,
    /// Constant term.
    pub c: f64,
}

impl Quadratic {
    /// Evaluates the quadratic at `x` (differentiated in `x` only; `Quadratic` is plain data).
    #[differentiable(wrt(x))]
    pub fn eval(&self, x: f64) -> f64 {
        self.a * x * x + self.b * x + self.c
    }
}

/// `x^n * y`: a reference parameter (its gradient is an `f64`) and an integer that is not
/// differentiated.
#[differentiable]
pub fn scaled_power(x: &f64, y: f64, n: i32) -> f64 {
    x.powi(n) * y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn close(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
            "got {got}, want {want}"
        );
    }

    #[test]
    fn slice_parameter() {
        let x = [1.0, -2.0, 0.5];
        let (v, g) = weighted_sum_sq_grad(&x);
        close(v, 1.0 + 2.0 * 4.0 + 3.0 * 0.25);
        assert_eq!(g.len(), 3);
        // d/dx[i] = 2 (i + 1) x[i]
        close(g[0], 2.0);
        close(g[1], -8.0);
        close(g[2], 3.0);
        close(weighted_sum_sq(&x), v);
    }

    #[test]
    fn slice_parameter_vjp_scales_with_the_cotangent() {
        let x = vec![0.5, 1.5];
        let (v, pullback) = weighted_sum_sq_vjp(&x);
        close(v, 0.25 + 2.0 * 2.25);
        let g1 = pullback(1.0);
        let g2 = pullback(2.0); // may be called again
        close(g1[0], 1.0);
        close(g1[1], 6.0);
        close(g2[0], 2.0);
        close(g2[1], 12.0);
    }

    #[test]
    fn generic_real_in_f32_and_f64() {
        let (v, g) = cubic_sin_grad(0.5_f64);
        close(v, 0.75 + 0.5_f64.sin());
        close(g, 3.0 + 0.5_f64.cos()); // 6x + cos x
        let (v32, g32) = cubic_sin_grad(0.5_f32);
        assert!((v32 - v as f32).abs() < 1e-6 && (g32 - g as f32).abs() < 1e-5);
        let (_, t) = cubic_sin_jvp(0.5_f64, 2.0);
        close(t, 2.0 * g);
    }

    #[test]
    fn method_in_impl_block() {
        let q = Quadratic {
            a: 2.0,
            b: -3.0,
            c: 1.0,
        };
        let (v, g) = q.eval_grad(1.5);
        close(v, 2.0 * 2.25 - 4.5 + 1.0);
        close(g, 2.0 * 2.0 * 1.5 - 3.0); // 2ax + b
        close(q.eval(1.5), v);
    }

    #[test]
    fn reference_parameter_and_integer() {
        let x = 2.0;
        let (v, (gx, gy)) = scaled_power_grad(&x, 5.0, 3);
        close(v, 40.0);
        close(gx, 3.0 * 4.0 * 5.0); // n x^(n-1) y
        close(gy, 8.0); // x^n
        let (_, t) = scaled_power_jvp(&x, 5.0, 3, 1.0, 0.0);
        close(t, gx);
    }
}
