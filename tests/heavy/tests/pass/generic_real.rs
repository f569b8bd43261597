//! A generic `T: Real` function, used at `f32` and `f64`.
use autodiff::prelude::*;

#[differentiable]
fn softplus<T: Real>(x: T) -> T {
    (T::one() + x.exp()).ln()
}

#[test]
fn compiles_and_runs() {
    let (v, g) = softplus_grad(0.5f64);
    let sigmoid = 1.0 / (1.0 + (-0.5f64).exp());
    assert!((v - (1.0 + 0.5f64.exp()).ln()).abs() < 1e-12, "value {v}");
    assert!((g - sigmoid).abs() < 1e-12, "gradient {g}");
    let (_, g32) = softplus_grad(0.5f32);
    assert!((g32 - sigmoid as f32).abs() < 1e-6, "f32 gradient {g32}");
}
