//! Raw identifiers (`r#in`, `r#type`, `r#match`) as parameters, locals, struct fields and method
//! names: the names the macro builds from them drop the `r#` prefix. Checked against analytic
//! derivatives, first and second order.

use autodiff::prelude::*;

#[differentiable(order = 2)]
fn square_in(r#in: f64) -> f64 {
    r#in * r#in
}

#[differentiable]
fn typed(x: f64) -> f64 {
    let r#type = x * 2.0;
    let mut r#loop = r#type;
    for _ in 0..2 {
        r#loop *= x;
    }
    r#loop
}

#[derive(Differentiable, Clone, Debug)]
struct Keyword {
    r#type: f64,
    r#ref: Vec<f64>,
}

impl Keyword {
    #[differentiable]
    fn r#match(&self, r#in: f64) -> f64 {
        self.r#type * r#in + self.r#ref[0] * self.r#ref[1]
    }
}

#[test]
fn raw_names_differentiate() {
    // d(x²)/dx = 2x, d²/dx² = 2.
    let (v, d) = square_in_grad(1.5);
    assert!((v - 2.25).abs() < 1e-12 && (d - 3.0).abs() < 1e-12);
    let (_, _, h) = square_in_hessian(1.5);
    assert!((h[(0, 0)] - 2.0).abs() < 1e-12);
    // typed = 2x³: derivative 6x².
    let (v, d) = typed_grad(1.2);
    assert!((v - 2.0 * 1.2f64.powi(3)).abs() < 1e-12 && (d - 6.0 * 1.44).abs() < 1e-12);
    let (_, t) = typed_jvp(1.2, 1.0);
    assert!((t - 6.0 * 1.44).abs() < 1e-12);
    // k.type * in + ref0 * ref1: ∂/∂type = in, ∂/∂ref = (ref1, ref0), ∂/∂in = type.
    let k = Keyword {
        r#type: 0.5,
        r#ref: vec![2.0, -3.0],
    };
    let (v, (gk, gin)) = k.r#match_grad(4.0);
    assert!((v - (2.0 - 6.0)).abs() < 1e-12);
    assert!((gk.r#type - 4.0).abs() < 1e-12 && (gin - 0.5).abs() < 1e-12);
    assert!((gk.r#ref[0] + 3.0).abs() < 1e-12 && (gk.r#ref[1] - 2.0).abs() < 1e-12);
}
