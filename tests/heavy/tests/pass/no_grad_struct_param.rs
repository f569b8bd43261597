//! A `#[no_grad]` parameter of a plain (non-`Differentiable`) struct type.
use autodiff::prelude::*;

struct Config {
    scale: f64,
    offset: f64,
}

#[differentiable]
fn model(#[no_grad] c: &Config, x: f64) -> f64 {
    c.scale * x * x + c.offset
}

#[test]
fn compiles_and_runs() {
    let c = Config {
        scale: 3.0,
        offset: 1.0,
    };
    let (v, g) = model_grad(&c, 2.0);
    assert!((v - 13.0).abs() < 1e-12, "value {v}");
    assert!((g - 12.0).abs() < 1e-12, "gradient {g}");
}
