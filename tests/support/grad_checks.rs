//! Checks shared by the gradient test files (included with `#[path]`): a gradient against
//! central differences of the function, a Hessian-vector product against central differences of
//! the gradient, and rows of a matrix kept as `Vec`s.

#![allow(dead_code)]

use autodiff::check::{Tolerance, check_gradient};

/// `grad` against central differences of `f` at `x` (step 1e-6, tolerance 1e-6 absolute and
/// relative); panics naming `name`.
#[track_caller]
pub fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    if let Err(e) = check_gradient(f, x, grad, 1e-6, Tolerance::new(1e-6, 1e-6)) {
        panic!("{name}: {e}");
    }
}

/// `(value, gradient)` of `f` at `x` (a `_grad`'s result): the value against `f(x)` (within
/// 1e-10 relative to `1 + |f(x)|`), the gradient against central differences ([`check`]).
#[track_caller]
pub fn check_value_grad(name: &str, f: impl Fn(&[f64]) -> f64, r: (f64, Vec<f64>), x: &[f64]) {
    let y = f(x);
    assert!(
        (r.0 - y).abs() <= 1e-10 * (1.0 + y.abs()),
        "{name}: value {} vs primal {y}",
        r.0
    );
    check(name, f, &r.1, x);
}

/// `hv = H v` against central differences of the gradient along `v` (step 1e-5):
/// `(∇f(x + h v) - ∇f(x - h v)) / 2h`, each component within 1e-6 relative to `1 + |fd|`.
#[track_caller]
pub fn check_hvp(name: &str, grad: impl Fn(&[f64]) -> Vec<f64>, hv: &[f64], x: &[f64], v: &[f64]) {
    let h = 1e-5;
    let at = |t: f64| {
        let y: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + t * b).collect();
        grad(&y)
    };
    let (plus, minus) = (at(h), at(-h));
    assert_eq!(hv.len(), x.len(), "{name}: hvp length");
    for k in 0..x.len() {
        let fd = (plus[k] - minus[k]) / (2.0 * h);
        assert!(
            (hv[k] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
            "{name}: hvp[{k}] {} vs {fd}",
            hv[k]
        );
    }
}

/// Forward mode against reverse mode: the tangent `jvp(x, e_k)` along each unit vector is the
/// gradient's component `grad[k]` (within 1e-12 relative to `1 + |grad[k]|`).
#[track_caller]
pub fn check_jvp_columns(
    name: &str,
    jvp: impl Fn(&[f64], Vec<f64>) -> f64,
    grad: &[f64],
    x: &[f64],
) {
    for k in 0..x.len() {
        let mut e = vec![0.0; x.len()];
        e[k] = 1.0;
        let d = jvp(x, e);
        assert!(
            (d - grad[k]).abs() < 1e-12 * (1.0 + grad[k].abs()),
            "{name}: jvp along e_{k} {d} vs gradient {}",
            grad[k]
        );
    }
}

/// The `f32` instantiation's gradient `g32` agrees with the `f64` one `g64`, each component
/// within `tol` relative to `1 + |g64|` (`f32` precision through the sweep); panics naming
/// `name` and the component.
#[track_caller]
pub fn agree(name: &str, g64: &[f64], g32: &[f32], tol: f64) {
    assert_eq!(g64.len(), g32.len(), "{name}: lengths");
    for (k, (a, b)) in g64.iter().zip(g32).enumerate() {
        let b = f64::from(*b);
        assert!(
            (a - b).abs() < tol * (1.0 + a.abs()),
            "{name}[{k}]: f64 {a} vs f32 {b}"
        );
    }
}

/// A point in `f32`.
pub fn to32(x: &[f64]) -> Vec<f32> {
    x.iter().map(|v| *v as f32).collect()
}

/// Rows of `m` values from a flat vector.
pub fn rows_of(x: &[f64], m: usize) -> Vec<Vec<f64>> {
    x.chunks(m).map(<[f64]>::to_vec).collect()
}

/// The rows one after the other.
pub fn flat(w: &[Vec<f64>]) -> Vec<f64> {
    w.iter().flatten().copied().collect()
}

/// `(a, b)` from one vector split at `k` (two parameters' values from one point).
pub fn split(x: &[f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    (x[..k].to_vec(), x[k..].to_vec())
}

/// Two gradients one after the other (the inverse of [`split`]).
pub fn join(a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.into_iter().chain(b).collect()
}

/// A deterministic, irregular test point: `amp · sin(1.37 i + 0.2)`, `i < n`.
pub fn sines(n: usize, amp: f64) -> Vec<f64> {
    (0..n)
        .map(|i| amp * ((i as f64) * 1.37 + 0.2).sin())
        .collect()
}

/// `(value, (∂/∂a, ∂/∂b))` of `f(a, b)` (a `_grad`'s result) against `f` and central
/// differences over `a` and `b` joined ([`check_value_grad`]); panics naming `name`.
#[track_caller]
pub fn pair_check(
    name: &str,
    f: impl Fn(&[f64], &[f64]) -> f64,
    r: (f64, (Vec<f64>, Vec<f64>)),
    a: &[f64],
    b: &[f64],
) {
    let (v, (ga, gb)) = r;
    let mut all = a.to_vec();
    all.extend(b);
    let mut g = ga;
    g.extend(gb);
    check_value_grad(
        name,
        |p| {
            let (pa, pb) = split(p, a.len());
            f(&pa, &pb)
        },
        (v, g),
        &all,
    );
}

/// `(value, (∂/∂x, ∂/∂a))` of `f(x, a)`, a slice and a scalar (a `_grad`'s result), against `f`
/// and central differences over `x` and `a` joined ([`check_value_grad`]); panics naming `name`.
#[track_caller]
pub fn slice_scalar_check(
    name: &str,
    f: impl Fn(&[f64], f64) -> f64,
    r: (f64, (Vec<f64>, f64)),
    x: &[f64],
    a: f64,
) {
    let (v, (gx, ga)) = r;
    let mut z = x.to_vec();
    z.push(a);
    let mut g = gx;
    g.push(ga);
    let n = x.len();
    check_value_grad(name, |z| f(&z[..n], z[n]), (v, g), &z);
}
