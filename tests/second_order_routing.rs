//! `order = 2` routing: a method calling another type's method of the same name (not
//! recursion), associated functions without `self` (`M::f_hessian`), and user functions named
//! like runtime operations (`dot`, `sigmoid`, `relu`). Each Hessian against central differences
//! of the first-order `_grad`.
use autodiff::prelude::*;

#[derive(Clone, Debug, Differentiable)]
struct Dense<T: Real> {
    w: T,
}

impl<T: Real> Dense<T> {
    #[differentiable(order = 2)]
    fn forward(&self, x: T) -> T {
        (self.w * x).tanh()
    }
}

#[derive(Clone, Debug, Differentiable)]
struct Net<T: Real> {
    dense: Dense<T>,
    scale: T,
}

impl<T: Real> Net<T> {
    #[differentiable(order = 2)]
    fn forward(&self, x: T) -> T {
        self.scale * self.dense.forward(x)
    }
}

struct M;
impl M {
    #[differentiable(order = 2)]
    fn f(x: f64, y: f64) -> f64 {
        x * y.sin() + x * x * y
    }
}

#[differentiable(order = 2)]
fn dot(a: f64, b: f64) -> f64 {
    a * b + a
}

#[differentiable(order = 2)]
fn sigmoid(a: f64) -> f64 {
    a * a * 0.5
}

#[differentiable(order = 2)]
fn relu(a: f64) -> f64 {
    a.exp()
}

#[differentiable(order = 2)]
fn uses_names(x: f64) -> f64 {
    dot(x, x * x) + sigmoid(x) * relu(x)
}

/// d/dx of a scalar function by central differences.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-5;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

#[test]
fn same_name_method_of_a_field_is_not_recursion() {
    let n = Net {
        dense: Dense { w: 0.5 },
        scale: 2.0,
    };
    // f(x) = s·tanh(w·x)  =>  f' = s·w·(1 - tanh²(w·x))
    let (y, (_, gx)) = n.forward_grad(0.3);
    let t = (0.5f64 * 0.3).tanh();
    assert!((y - 2.0 * t).abs() < 1e-12);
    assert!((gx - 2.0 * 0.5 * (1.0 - t * t)).abs() < 1e-12);
    let (_, _, h) = n.forward_hessian(0.3);
    // Hessian over (dense.w, scale, x), checked against central differences of _grad in x.
    let d2x = central(|x| n.forward_grad(x).1.1, 0.3);
    let last = h.nrows() - 1;
    assert!(
        (h[(last, last)] - d2x).abs() < 1e-6,
        "{} vs {d2x}",
        h[(last, last)]
    );
    let d_scale_dx = central(
        |s| {
            Net {
                dense: Dense { w: 0.5 },
                scale: s,
            }
            .forward_grad(0.3)
            .1
            .1
        },
        2.0,
    );
    assert!((h[(1, last)] - d_scale_dx).abs() < 1e-6);
}

#[test]
fn associated_function_without_self() {
    let (x, y) = (0.7, -0.4);
    let (v, (gx, gy), h) = M::f_hessian(x, y);
    let (v0, (gx0, gy0)) = M::f_grad(x, y);
    assert!((v - v0).abs() < 1e-12 && (gx - gx0).abs() < 1e-12 && (gy - gy0).abs() < 1e-12);
    let hxx = central(|x| M::f_grad(x, y).1.0, x);
    let hxy = central(|y| M::f_grad(x, y).1.0, y);
    let hyy = central(|y| M::f_grad(x, y).1.1, y);
    for (a, b) in [
        (h[(0, 0)], hxx),
        (h[(0, 1)], hxy),
        (h[(1, 0)], hxy),
        (h[(1, 1)], hyy),
    ] {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    let (_, _, (hvx, hvy)) = M::f_hvp(x, y, 1.0, 0.0);
    assert!((hvx - hxx).abs() < 1e-6 && (hvy - hxy).abs() < 1e-6);
}

#[test]
fn user_functions_named_like_runtime_ops() {
    let x = 0.6;
    let (_, g, h) = uses_names_hessian(x);
    // f = x·x² + x + (x²/2)·eˣ  =>  f' = 3x² + 1 + (x + x²/2)·eˣ
    let want = 3.0 * x * x + 1.0 + (x + x * x / 2.0) * x.exp();
    assert!((g - want).abs() < 1e-12, "{g} vs {want}");
    let d2 = central(|x| uses_names_grad(x).1, x);
    assert!((h[(0, 0)] - d2).abs() < 1e-6, "{} vs {d2}", h[(0, 0)]);
}
