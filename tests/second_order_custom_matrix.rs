//! Custom derivatives whose `hvp` rule takes nalgebra matrices: their own `NAME_hvp` /
//! `NAME_hessian`, and `order = 2` callers, against central differences of `NAME_grad`.

use autodiff::prelude::*;

/// Central differences of a matrix gradient in direction `v`: (∇f(a + hv) − ∇f(a − hv)) / 2h.
fn fd_hv(
    grad: impl Fn(&DMatrix<f64>) -> DMatrix<f64>,
    a: &DMatrix<f64>,
    v: &DMatrix<f64>,
) -> DMatrix<f64> {
    let h = 1e-5;
    (grad(&(a + v * h)) - grad(&(a - v * h))) / (2.0 * h)
}

fn assert_close(got: &DMatrix<f64>, want: &DMatrix<f64>, tol: f64, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    for (g, w) in got.iter().zip(want.iter()) {
        assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{what}: {got} vs {want}"
        );
    }
}

/// f(a, w) = Σ w_ij a_ij³: ∇_a = 3 w∘a², ∇_w = a³, H·(v, u) = (6 w∘a∘v + 3 a²∘u, 3 a²∘v).
#[custom_derivative(vjp = cubes_rule_vjp, jvp = cubes_rule_jvp, hvp = cubes_rule_hvp)]
fn cubes(a: &DMatrix<f64>, w: &DMatrix<f64>) -> f64 {
    a.zip_map(w, |x, c| c * x * x * x).sum()
}

#[allow(clippy::type_complexity)]
fn cubes_rule_vjp(
    a: &DMatrix<f64>,
    w: &DMatrix<f64>,
) -> (f64, impl Fn(f64) -> (DMatrix<f64>, DMatrix<f64>) + use<>) {
    let (a, w) = (a.clone(), w.clone());
    (cubes(&a, &w), move |g: f64| {
        (
            a.zip_map(&w, |x, c| g * 3.0 * c * x * x),
            a.map(|x| g * x * x * x),
        )
    })
}

fn cubes_rule_jvp(
    a: &DMatrix<f64>,
    w: &DMatrix<f64>,
    ta: DMatrix<f64>,
    tw: DMatrix<f64>,
) -> (f64, f64) {
    let ga = a.zip_map(w, |x, c| 3.0 * c * x * x);
    (cubes(a, w), ga.dot(&ta) + a.map(|x| x * x * x).dot(&tw))
}

#[allow(clippy::type_complexity)]
fn cubes_rule_hvp(
    a: &DMatrix<f64>,
    w: &DMatrix<f64>,
    v: DMatrix<f64>,
    u: DMatrix<f64>,
) -> (
    f64,
    (DMatrix<f64>, DMatrix<f64>),
    (DMatrix<f64>, DMatrix<f64>),
) {
    let ga = a.zip_map(w, |x, c| 3.0 * c * x * x);
    let gw = a.map(|x| x * x * x);
    let hva = DMatrix::from_fn(a.nrows(), a.ncols(), |i, j| {
        6.0 * w[(i, j)] * a[(i, j)] * v[(i, j)] + 3.0 * a[(i, j)] * a[(i, j)] * u[(i, j)]
    });
    let hvw = DMatrix::from_fn(a.nrows(), a.ncols(), |i, j| {
        3.0 * a[(i, j)] * a[(i, j)] * v[(i, j)]
    });
    (cubes(a, w), (ga, gw), (hva, hvw))
}

/// An `order = 2` caller: g(a) = cubes(a, w)·s + Σ a² with `w` data.
#[differentiable(order = 2, wrt(a))]
fn caller(a: &DMatrix<f64>, w: &DMatrix<f64>, s: f64) -> f64 {
    cubes(a, w) * s + a.norm_squared()
}

fn point() -> (DMatrix<f64>, DMatrix<f64>, DMatrix<f64>, DMatrix<f64>) {
    let a = DMatrix::from_row_slice(2, 3, &[0.7, -1.3, 0.4, 1.1, -0.2, 0.9]);
    let w = DMatrix::from_row_slice(2, 3, &[1.5, 0.3, -0.8, 2.0, 1.2, -0.4]);
    let v = DMatrix::from_row_slice(2, 3, &[0.2, -0.5, 1.0, 0.3, 0.8, -0.6]);
    let u = DMatrix::from_row_slice(2, 3, &[-0.4, 0.1, 0.6, -0.9, 0.5, 0.2]);
    (a, w, v, u)
}

#[test]
fn a_matrix_hvp_rule_gives_name_hvp_against_central_differences() {
    let (a, w, v, u) = point();
    let (y, (ga, gw), (hva, hvw)) = cubes_hvp(&a, &w, v.clone(), u.clone());
    assert!((y - cubes(&a, &w)).abs() < 1e-12);
    let (_, (ga0, gw0)) = cubes_grad(&a, &w);
    assert_close(&ga, &ga0, 1e-12, "∇_a");
    assert_close(&gw, &gw0, 1e-12, "∇_w");
    // H·(v, u) by central differences of the gradient along (v, u) jointly.
    let h = 1e-5;
    let (_, (gap, gwp)) = cubes_grad(&(&a + &v * h), &(&w + &u * h));
    let (_, (gam, gwm)) = cubes_grad(&(&a - &v * h), &(&w - &u * h));
    assert_close(&hva, &((gap - gam) / (2.0 * h)), 1e-6, "H·v, a block");
    assert_close(&hvw, &((gwp - gwm) / (2.0 * h)), 1e-6, "H·v, w block");
}

#[test]
fn a_matrix_hvp_rule_gives_name_hessian() {
    let (a, w, _, _) = point();
    let (_, _, h) = cubes_hessian(&a, &w);
    // 12 × 12 over (a, w) flattened column-major; column k is H·e_k, checked by differences.
    assert_eq!(h.shape(), (12, 12));
    for k in 0..12 {
        let mut e = [0.0; 12];
        e[k] = 1.0;
        let (v, u) = (
            DMatrix::from_column_slice(2, 3, &e[..6]),
            DMatrix::from_column_slice(2, 3, &e[6..]),
        );
        let (_, _, (hva, hvw)) = cubes_hvp(&a, &w, v, u);
        for r in 0..6 {
            assert!((h[(r, k)] - hva[r]).abs() < 1e-12);
            assert!((h[(r + 6, k)] - hvw[r]).abs() < 1e-12);
        }
    }
    for i in 0..12 {
        for j in 0..12 {
            assert!((h[(i, j)] - h[(j, i)]).abs() < 1e-12, "symmetric");
        }
    }
}

#[test]
fn an_order_2_caller_reaches_the_matrix_hvp_rule() {
    let (a, w, v, _) = point();
    let s = 0.7;
    let (y, g, hv) = caller_hvp(&a, &w, s, v.clone());
    let (y0, g0) = caller_grad(&a, &w, s);
    assert!((y - y0).abs() < 1e-12);
    assert_close(&g, &g0, 1e-12, "gradient");
    let want = fd_hv(|a| caller_grad(a, &w, s).1, &a, &v);
    assert_close(&hv, &want, 1e-6, "H·v of the caller");
    // And by hand: H·v = s·6 w∘a∘v + 2v.
    let by_hand = DMatrix::from_fn(2, 3, |i, j| {
        s * 6.0 * w[(i, j)] * a[(i, j)] * v[(i, j)] + 2.0 * v[(i, j)]
    });
    assert_close(&hv, &by_hand, 1e-12, "H·v by hand");
}
