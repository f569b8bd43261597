//! `order = 2` routing: a method calling another type's method of the same name (not
//! recursion), associated functions without `self` (`M::f_hessian`), user functions named
//! like runtime operations (`dot`, `sigmoid`, `relu`), and user methods named like matrix methods
//! (`q.dot(x)`, `q.transpose(x)`, `q.sum()` on a derived struct). Each Hessian against central differences
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

#[derive(Clone, Debug, Differentiable)]
struct Quad<T: Real> {
    a: T,
}

impl<T: Real> Quad<T> {
    /// Named like the matrix method `dot`.
    #[differentiable(order = 2)]
    fn dot(&self, x: T) -> T {
        self.a * x * x * x
    }
    /// Named like the matrix method `transpose`.
    #[differentiable(order = 2)]
    fn transpose(&self, x: T) -> T {
        self.a.sin() * x
    }
    /// Named like the matrix method `sum` (no argument besides `self`).
    #[differentiable(order = 2)]
    fn sum(&self) -> T {
        self.a * self.a
    }
}

#[derive(Clone, Debug, Differentiable)]
struct Wrap<T: Real> {
    q: Quad<T>,
}

impl<T: Real> Wrap<T> {
    #[differentiable(order = 2)]
    fn run(&self, x: T) -> T {
        self.q.dot(x) * x + self.q.transpose(x) * x + self.q.sum() * x
    }
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

#[test]
fn user_methods_named_like_matrix_methods() {
    // The calls reach the struct's own `dot`, `transpose` and `sum` (the matrix methods' rules
    // would not type-check on a `Quad`, and would give other numbers).
    let (a, x) = (1.5, 0.7);
    let w = |a: f64| Wrap { q: Quad { a } };
    let (v, (g, gx), h) = w(a).run_hessian(x);
    // f = a·x⁴ + sin(a)·x² + a²·x
    //   =>  ∂f/∂a = x⁴ + cos(a)·x² + 2a·x, ∂f/∂x = 4a·x³ + 2·sin(a)·x + a²
    assert!((v - (a * x.powi(4) + a.sin() * x * x + a * a * x)).abs() < 1e-12);
    assert!((g.q.a - (x.powi(4) + a.cos() * x * x + 2.0 * a * x)).abs() < 1e-12);
    assert!((gx - (4.0 * a * x.powi(3) + 2.0 * a.sin() * x + a * a)).abs() < 1e-12);
    // The Hessian over (q.a, x) against central differences of the first-order `_grad`.
    let haa = central(|a| w(a).run_grad(x).1.0.q.a, a);
    let hax = central(|a| w(a).run_grad(x).1.1, a);
    let hxx = central(|x| w(a).run_grad(x).1.1, x);
    for (got, want) in [
        (h[(0, 0)], haa),
        (h[(0, 1)], hax),
        (h[(1, 0)], hax),
        (h[(1, 1)], hxx),
    ] {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    // And one Hessian-vector product: H·(0, 1) is the second column.
    let (_, _, (hv_w, hv_x)) = w(a).run_hvp(x, w(0.0), 1.0);
    assert!((hv_w.q.a - hax).abs() < 1e-6 && (hv_x - hxx).abs() < 1e-6);
}
