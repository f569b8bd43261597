use autodiff::prelude::*;

#[differentiable]
fn cf(a: f32) -> f32 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b = b * 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

#[differentiable]
fn rosen(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        s += 100.0 * a * a + b * b;
    }
    s
}

#[differentiable]
fn sq(x: f64) -> f64 {
    x * x
}

#[differentiable]
fn uses_call(x: f64, y: f64) -> f64 {
    sq(x) * y + sq(y).sin()
}

#[differentiable]
fn pair(x: f64) -> (f64, f64) {
    (3.0 * x, x.powi(2))
}

#[differentiable]
fn fact(x: f64, n: u32) -> f64 {
    if n == 0 { 1.0 } else { x * fact(x, n - 1) }
}

struct Lin;
impl Lin {
    #[differentiable]
    fn f(#[no_grad] &self, #[no_grad] _k: f64, x: f64) -> f64 {
        x.exp() * 2.0
    }
}

#[differentiable]
fn early(x: f64) -> f64 {
    let mut acc = 1.0;
    for k in 0..10 {
        acc *= x;
        if acc > 100.0 {
            return acc + k as f64;
        }
    }
    acc
}

#[test]
fn smoke() {
    let (c, g) = cf_grad(0.48800924);
    assert!((c - 1998.8858).abs() < 1e-2, "{c}");
    assert!((g - 4096.0).abs() < 1e-3, "{g}");
    let (c, g) = cf_grad(-0.3);
    assert!((g - 409600.0).abs() < 1e-1, "{c} {g}");
    let (v, g) = rosen_grad(&[1.5, 2.0, 0.5]);
    let (v2, _) = rosen_grad(&[1.5 + 1e-6, 2.0, 0.5]);
    assert!(((v2 - v) / 1e-6 - g[0]).abs() < 1e-2, "{g:?}");
    let (_, (gx, gy)) = uses_call_grad(1.5, 0.5);
    assert!((gx - 2.0 * 1.5 * 0.5).abs() < 1e-9);
    assert!((gy - (1.5 * 1.5 + 2.0 * 0.5 * (0.25f64).cos())).abs() < 1e-9);
    let (_, pb) = pair_vjp(5.0);
    assert!((pb((1.0, 1.0)) - 13.0).abs() < 1e-12);
    let (v, g) = fact_grad(2.0, 4);
    assert!((v - 16.0).abs() < 1e-12 && (g - 32.0).abs() < 1e-9, "{v} {g}");
    let (_, g) = Lin.f_grad(0.0, 1.0);
    assert!((g - 2.0 * 1f64.exp()).abs() < 1e-9);
    let (v, g) = early_grad(3.0);
    assert!((v - (243.0 + 4.0)).abs() < 1e-9 && (g - 405.0).abs() < 1e-9, "{v} {g}");
    let (v, t) = early_jvp(3.0, 1.0);
    assert!((v - 247.0).abs() < 1e-9 && (t - 405.0).abs() < 1e-9, "{v} {t}");
    let (_, t) = rosen_jvp(&[1.5, 2.0, 0.5], vec![1.0, 0.0, 0.0]);
    let (_, g) = rosen_grad(&[1.5, 2.0, 0.5]);
    assert!((t - g[0]).abs() < 1e-9);
}
