//! `#[differentiable(order = 2)]` through nalgebra matrices (`DMatrix`, `DVector`, `RowDVector`,
//! `SMatrix`, `SVector`), their methods and constructors, and `ops`: `NAME_hessian` against
//! central differences of `NAME_grad`, `NAME_hvp` against `H·v`, the Hessian's symmetry, the
//! gradient part against `NAME_grad`, and the seed cell `xtx_second` against TensorFlow.
//!
//! Matrix parameters flatten in nalgebra's column-major order (as `Parameters`).
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_slices, numeric_jacobian};
use autodiff::nalgebra::{RowDVector, SMatrix, SVector};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// The corpus
// ------------------------------------------------------------------------------------------------

/// ‖AᵀA‖² through a product, a transpose, `component_mul` and `sum`.
#[differentiable(order = 2)]
fn gram_energy(a: &DMatrix<f64>) -> f64 {
    let at = a.transpose();
    let p = &at * a;
    p.component_mul(&p).sum()
}

/// xᵀAx + ‖Ax‖: matrix × vector, `dot`, `norm`, two matrix parameters.
#[differentiable(order = 2)]
fn quad_form(a: &DMatrix<f64>, x: &DVector<f64>) -> f64 {
    let ax = a * x;
    x.dot(&ax) + ax.norm()
}

/// A branch on a norm: ln‖x‖·Σx outside the unit ball, ‖x‖²·x₀ inside.
#[differentiable(order = 2)]
fn norm_branch(x: &DVector<f64>) -> f64 {
    let n = x.norm();
    if n > 1.0 {
        n.ln() * x.sum()
    } else {
        x.norm_squared() * x[0]
    }
}

/// A `for` loop over the entries, with a weight that changes per entry.
#[differentiable(order = 2)]
fn entries_loop(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    let mut w = 1.0;
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            s += w * m[(i, j)].sin() * m[(i, j)];
            w += 0.5;
        }
    }
    s * m.mean()
}

/// Static shapes: ‖Mv‖² + tr(M)·max(M) + min(v)².
#[differentiable(order = 2)]
fn small_static(m: &SMatrix<f64, 2, 2>, v: &SVector<f64, 2>) -> f64 {
    let mv = m * v;
    let lo = v.min();
    mv.norm_squared() + m.trace() * m.max() + lo * lo
}

/// A row vector times a matrix, `ops::tanh`, `mean` and `component_div`.
#[differentiable(order = 2)]
fn row_times(r: &RowDVector<f64>, a: &DMatrix<f64>) -> f64 {
    let y = r * a;
    let t = ops::tanh(&y);
    let d = y.component_div(&ops::exp(&t));
    t.component_mul(&t).mean() + d.sum()
}

/// Matrices built from a slice: `from_row_slice`, `from_element`, and columns taken out.
#[differentiable(order = 2)]
fn from_slice(v: &[f64]) -> f64 {
    let a = DMatrix::from_row_slice(2, 2, v);
    let b = &a * &a.transpose();
    let c = DMatrix::from_element(2, 2, v[0] + 3.0);
    let q = b.component_div(&c);
    q.sum() + q.column(1).norm_squared() * v[3]
}

/// A two-layer perceptron's parameters, generic over the scalar.
#[derive(Differentiable, Clone, Debug)]
struct Mlp<T: Real> {
    w1: DMatrix<T>,
    b1: RowDVector<T>,
    w2: DMatrix<T>,
}

/// Mean softmax cross-entropy of `relu(x·W1 + b1)·W2` against one-hot labels `y`.
#[differentiable(order = 2)]
fn mlp_loss(p: &Mlp<f64>, #[no_grad] x: &DMatrix<f64>, #[no_grad] y: &DMatrix<f64>) -> f64 {
    let h = ops::relu(&ops::add_row(&(x * &p.w1), &p.b1));
    let logits = &h * &p.w2;
    let ls = ops::log_softmax(&logits);
    -ls.component_mul(y).sum() / 3.0
}

/// The seed's y = 2·xᵀx, with x a 4×1 `DMatrix` (float32, as TensorFlow's tensor).
#[differentiable(order = 2)]
fn two_xtx(x: &DMatrix<f32>) -> f32 {
    let xtx = x.transpose() * x;
    xtx[(0, 0)] * 2.0
}

// ------------------------------------------------------------------------------------------------
// Flat views
// ------------------------------------------------------------------------------------------------

type Grad = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>)>;
type Hess = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>, DMatrix<f64>)>;
type Hvp = Box<dyn Fn(&[f64], &[f64]) -> (f64, Vec<f64>, Vec<f64>)>;

/// One corpus function seen through flat (column-major) parameter vectors.
struct Case {
    name: &'static str,
    x: Vec<f64>,
    grad: Grad,
    hessian: Hess,
    hvp: Hvp,
}

fn flat<R: autodiff::nalgebra::Dim, C: autodiff::nalgebra::Dim>(
    m: &autodiff::nalgebra::OMatrix<f64, R, C>,
) -> Vec<f64>
where
    autodiff::nalgebra::DefaultAllocator: autodiff::nalgebra::allocator::Allocator<R, C>,
{
    m.iter().copied().collect()
}

fn cat(parts: &[Vec<f64>]) -> Vec<f64> {
    parts.concat()
}

fn dm(r: usize, c: usize, p: &[f64]) -> DMatrix<f64> {
    DMatrix::from_column_slice(r, c, p)
}

fn dv(p: &[f64]) -> DVector<f64> {
    DVector::from_column_slice(p)
}

/// Deterministic inputs away from the functions' kinks (a small LCG, no shared state).
fn inputs(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn mlp_from(p: &[f64]) -> Mlp<f64> {
    // w1: 3×4, b1: 1×4, w2: 4×2 (column-major)
    Mlp {
        w1: dm(3, 4, &p[..12]),
        b1: RowDVector::from_column_slice(&p[12..16]),
        w2: dm(4, 2, &p[16..24]),
    }
}

fn mlp_flat(g: &Mlp<f64>) -> Vec<f64> {
    cat(&[flat(&g.w1), flat(&g.b1), flat(&g.w2)])
}

fn mlp_data() -> (DMatrix<f64>, DMatrix<f64>) {
    let x = DMatrix::from_row_slice(3, 3, &[0.5, -1.0, 0.3, 1.2, 0.4, -0.7, -0.2, 0.9, 1.1]);
    let y = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 0.0]);
    (x, y)
}

fn corpus() -> Vec<Case> {
    let mut mlp_x = inputs(24, 7);
    // b1 > 0 keeps every hidden unit away from relu's kink at this input.
    for b in &mut mlp_x[12..16] {
        *b = b.abs() + 1.0;
    }
    vec![
        Case {
            name: "gram_energy",
            x: inputs(6, 1),
            grad: Box::new(|p| {
                let (y, g) = gram_energy_grad(&dm(3, 2, p));
                (y, flat(&g))
            }),
            hessian: Box::new(|p| {
                let (y, g, h) = gram_energy_hessian(&dm(3, 2, p));
                (y, flat(&g), h)
            }),
            hvp: Box::new(|p, v| {
                let (y, g, hv) = gram_energy_hvp(&dm(3, 2, p), dm(3, 2, v));
                (y, flat(&g), flat(&hv))
            }),
        },
        Case {
            name: "quad_form",
            x: inputs(9 + 3, 2),
            grad: Box::new(|p| {
                let (y, (ga, gx)) = quad_form_grad(&dm(3, 3, &p[..9]), &dv(&p[9..]));
                (y, cat(&[flat(&ga), flat(&gx)]))
            }),
            hessian: Box::new(|p| {
                let (y, (ga, gx), h) = quad_form_hessian(&dm(3, 3, &p[..9]), &dv(&p[9..]));
                (y, cat(&[flat(&ga), flat(&gx)]), h)
            }),
            hvp: Box::new(|p, v| {
                let (y, (ga, gx), (ha, hx)) = quad_form_hvp(
                    &dm(3, 3, &p[..9]),
                    &dv(&p[9..]),
                    dm(3, 3, &v[..9]),
                    dv(&v[9..]),
                );
                (
                    y,
                    cat(&[flat(&ga), flat(&gx)]),
                    cat(&[flat(&ha), flat(&hx)]),
                )
            }),
        },
        Case {
            name: "norm_branch (outside)",
            x: vec![1.2, -0.4, 0.9],
            grad: Box::new(|p| {
                let (y, g) = norm_branch_grad(&dv(p));
                (y, flat(&g))
            }),
            hessian: Box::new(|p| {
                let (y, g, h) = norm_branch_hessian(&dv(p));
                (y, flat(&g), h)
            }),
            hvp: Box::new(|p, v| {
                let (y, g, hv) = norm_branch_hvp(&dv(p), dv(v));
                (y, flat(&g), flat(&hv))
            }),
        },
        Case {
            name: "norm_branch (inside)",
            x: vec![0.3, -0.4, 0.2],
            grad: Box::new(|p| {
                let (y, g) = norm_branch_grad(&dv(p));
                (y, flat(&g))
            }),
            hessian: Box::new(|p| {
                let (y, g, h) = norm_branch_hessian(&dv(p));
                (y, flat(&g), h)
            }),
            hvp: Box::new(|p, v| {
                let (y, g, hv) = norm_branch_hvp(&dv(p), dv(v));
                (y, flat(&g), flat(&hv))
            }),
        },
        Case {
            name: "entries_loop",
            x: inputs(6, 3),
            grad: Box::new(|p| {
                let (y, g) = entries_loop_grad(&dm(2, 3, p));
                (y, flat(&g))
            }),
            hessian: Box::new(|p| {
                let (y, g, h) = entries_loop_hessian(&dm(2, 3, p));
                (y, flat(&g), h)
            }),
            hvp: Box::new(|p, v| {
                let (y, g, hv) = entries_loop_hvp(&dm(2, 3, p), dm(2, 3, v));
                (y, flat(&g), flat(&hv))
            }),
        },
        Case {
            name: "small_static",
            x: vec![0.7, -0.3, 0.2, 1.1, 0.4, -0.9],
            grad: Box::new(|p| {
                let m = SMatrix::<f64, 2, 2>::from_column_slice(&p[..4]);
                let (y, (gm, gv)) = small_static_grad(&m, &SVector::from_column_slice(&p[4..]));
                (y, cat(&[flat(&gm), flat(&gv)]))
            }),
            hessian: Box::new(|p| {
                let m = SMatrix::<f64, 2, 2>::from_column_slice(&p[..4]);
                let v = SVector::<f64, 2>::from_column_slice(&p[4..]);
                let (y, (gm, gv), h) = small_static_hessian(&m, &v);
                (y, cat(&[flat(&gm), flat(&gv)]), h)
            }),
            hvp: Box::new(|p, d| {
                let m = SMatrix::<f64, 2, 2>::from_column_slice(&p[..4]);
                let v = SVector::<f64, 2>::from_column_slice(&p[4..]);
                let (dm_, dv_) = (
                    SMatrix::<f64, 2, 2>::from_column_slice(&d[..4]),
                    SVector::<f64, 2>::from_column_slice(&d[4..]),
                );
                let (y, (gm, gv), (hm, hv)) = small_static_hvp(&m, &v, dm_, dv_);
                (
                    y,
                    cat(&[flat(&gm), flat(&gv)]),
                    cat(&[flat(&hm), flat(&hv)]),
                )
            }),
        },
        Case {
            name: "row_times",
            x: inputs(3 + 6, 4),
            grad: Box::new(|p| {
                let r = RowDVector::from_column_slice(&p[..3]);
                let (y, (gr, ga)) = row_times_grad(&r, &dm(3, 2, &p[3..]));
                (y, cat(&[flat(&gr), flat(&ga)]))
            }),
            hessian: Box::new(|p| {
                let r = RowDVector::from_column_slice(&p[..3]);
                let (y, (gr, ga), h) = row_times_hessian(&r, &dm(3, 2, &p[3..]));
                (y, cat(&[flat(&gr), flat(&ga)]), h)
            }),
            hvp: Box::new(|p, v| {
                let r = RowDVector::from_column_slice(&p[..3]);
                let (y, (gr, ga), (hr, ha)) = row_times_hvp(
                    &r,
                    &dm(3, 2, &p[3..]),
                    RowDVector::from_column_slice(&v[..3]),
                    dm(3, 2, &v[3..]),
                );
                (
                    y,
                    cat(&[flat(&gr), flat(&ga)]),
                    cat(&[flat(&hr), flat(&ha)]),
                )
            }),
        },
        Case {
            name: "from_slice",
            x: vec![0.8, -0.5, 1.3, 0.6],
            grad: Box::new(from_slice_grad),
            hessian: Box::new(from_slice_hessian),
            hvp: Box::new(|p, v| from_slice_hvp(p, v.to_vec())),
        },
        Case {
            name: "mlp_loss",
            x: mlp_x,
            grad: Box::new(|p| {
                let (x, y) = mlp_data();
                let (l, g) = mlp_loss_grad(&mlp_from(p), &x, &y);
                (l, mlp_flat(&g))
            }),
            hessian: Box::new(|p| {
                let (x, y) = mlp_data();
                let (l, g, h) = mlp_loss_hessian(&mlp_from(p), &x, &y);
                (l, mlp_flat(&g), h)
            }),
            hvp: Box::new(|p, v| {
                let (x, y) = mlp_data();
                let (l, g, hv) = mlp_loss_hvp(&mlp_from(p), &x, &y, mlp_from(v));
                (l, mlp_flat(&g), mlp_flat(&hv))
            }),
        },
    ]
}

// ------------------------------------------------------------------------------------------------
// The checks
// ------------------------------------------------------------------------------------------------

fn close(a: f64, b: f64, tol: Tolerance, what: &str) {
    assert!(tol.accepts(a, b), "{what}: {a} vs {b}");
}

#[test]
fn corpus_has_at_least_eight_matrix_functions() {
    assert!(corpus().len() >= 8);
}

/// The Hessian equals the Jacobian of the gradient by central differences (independent of the
/// dual-number code path), and the value and gradient parts equal `NAME_grad`'s.
#[test]
fn hessian_matches_central_differences_of_the_gradient() {
    for c in corpus() {
        let n = c.x.len();
        let (y, g, h) = (c.hessian)(&c.x);
        let (y1, g1) = (c.grad)(&c.x);
        close(y, y1, Tolerance::tight(), c.name);
        assert_slices(&g, &g1, Tolerance::tight());
        assert_eq!(h.shape(), (n, n), "{}", c.name);
        let fd = numeric_jacobian(|p: &[f64]| (c.grad)(p).1, &c.x, 1e-5);
        for i in 0..n {
            for j in 0..n {
                close(
                    h[(i, j)],
                    fd[i][j],
                    Tolerance::new(1e-6, 1e-5),
                    &format!("{} H[{i},{j}]", c.name),
                );
            }
        }
    }
}

/// `NAME_hvp` equals `H·v` for two directions, and `H` is symmetric.
#[test]
fn hvp_matches_hessian_times_v_and_hessian_is_symmetric() {
    for c in corpus() {
        let n = c.x.len();
        let (_, _, h) = (c.hessian)(&c.x);
        for seed in [11, 12] {
            let v = inputs(n, seed);
            let (y, g, hv) = (c.hvp)(&c.x, &v);
            let (y1, g1) = (c.grad)(&c.x);
            close(y, y1, Tolerance::tight(), c.name);
            assert_slices(&g, &g1, Tolerance::tight());
            let want = &h * DVector::from_column_slice(&v);
            assert_slices(&hv, want.as_slice(), Tolerance::tight());
        }
        // `_hessian` symmetrizes, so check symmetry on separate unit-direction products:
        // ∂²f/∂xᵢ∂xⱼ = ∂²f/∂xⱼ∂xᵢ.
        let columns: Vec<Vec<f64>> = (0..n)
            .map(|j| {
                let e: Vec<f64> = (0..n).map(|k| if k == j { 1.0 } else { 0.0 }).collect();
                (c.hvp)(&c.x, &e).2
            })
            .collect();
        for i in 0..n {
            for j in 0..i {
                close(columns[j][i], columns[i][j], Tolerance::tight(), c.name);
            }
        }
    }
}

/// Analytic check independent of finite differences: f(A) = ‖AᵀA‖² has the directional second
/// derivative d²f[V, V] = 2‖VᵀA + AᵀV‖² + 4⟨AᵀA, VᵀV⟩, i.e. vᵀHv.
#[test]
fn gram_energy_second_directional_derivative_is_analytic() {
    let a = dm(3, 2, &inputs(6, 1));
    let v = dm(3, 2, &inputs(6, 5));
    let (_, _, hv) = gram_energy_hvp(&a, v.clone());
    let got = hv.dot(&v);
    let s = v.transpose() * &a + a.transpose() * &v;
    let want = 2.0 * s.norm_squared() + 4.0 * (a.transpose() * &a).dot(&(v.transpose() * &v));
    close(got, want, Tolerance::tight(), "vᵀHv");
}

fn tf(cell: &str) -> Vec<f64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/seeds_tf.json");
    let text = std::fs::read_to_string(path).expect("reference/seeds_tf.json");
    let all: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    all[cell]
        .as_array()
        .expect("an array")
        .iter()
        .flat_map(|r| r.as_array().expect("a row").clone())
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// The seed cell `xtx_second` through a `DMatrix` function: TensorFlow differentiates the vector
/// dy/dx = 4x again with an all-ones cotangent, i.e. H·1.
#[test]
fn xtx_second_cell_through_a_dmatrix() {
    let x = DMatrix::from_column_slice(4, 1, &[0.0f32, 1.0, 2.0, 3.0]);
    let (y, g, h1) = two_xtx_hvp(&x, DMatrix::from_element(4, 1, 1.0));
    let got: Vec<f64> = h1.iter().map(|v| f64::from(*v)).collect();
    assert_slices(&got, &tf("xtx_second"), Tolerance::tight());
    assert_slices(&[f64::from(y)], &tf("xtx_value"), Tolerance::tight());
    let g: Vec<f64> = g.iter().map(|v| f64::from(*v)).collect();
    assert_slices(&g, &tf("xtx_grad"), Tolerance::tight());
    // The dense Hessian is 4·I.
    let (_, _, h) = two_xtx_hessian(&x);
    for i in 0..4 {
        for j in 0..4 {
            let want = if i == j { 4.0 } else { 0.0 };
            assert!(
                (h[(i, j)] - want).abs() < 1e-6,
                "H[{i},{j}] = {}",
                h[(i, j)]
            );
        }
    }
}

// Least squares: f(w) = ½‖Xw‖², so ∇f = XᵀXw and the Hessian is XᵀX (the README's "Through matrices" example).
#[differentiable(order = 2)]
fn least_squares(w: &DVector<f64>, #[no_grad] x: &DMatrix<f64>) -> f64 {
    let z = x * w;
    ops::square(&z).sum() * 0.5
}

/// The README example, verbatim.
#[test]
fn readme_least_squares() {
    let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 0.5, -1.0, 3.0, 0.0]);
    let w = DVector::from_column_slice(&[0.3, -0.7]);
    let (_, g, h) = least_squares_hessian(&w, &x);
    let xtx = x.transpose() * &x;
    assert!((h - &xtx).abs().max() < 1e-12);
    assert!((g - &xtx * &w).abs().max() < 1e-12);
    // H·v without forming H.
    let v = DVector::from_column_slice(&[1.0, 2.0]);
    let (_, _, hv) = least_squares_hvp(&w, &x, v.clone());
    assert!((hv - &xtx * &v).abs().max() < 1e-12);
}

/// A function generic over the matrix scalar: tr(AᵀA)·ΣA = ‖A‖²·ΣA.
#[differentiable(order = 2)]
fn generic_gram<T: autodiff::matrix::MatrixScalar>(a: &DMatrix<T>) -> T {
    let p = a.transpose() * a;
    p.trace() * a.sum()
}

/// Analytic Hessian of f(A) = ‖A‖²·s with s = ΣA: ∇f = 2A·s + ‖A‖²·1, so
/// H = 2s·I + 2(a·1ᵀ + 1·aᵀ) over the flattened entries a; at f32 and f64.
#[test]
fn generic_matrix_function_at_f32_and_f64() {
    let p = [0.5, -1.0, 0.25, 2.0];
    let a = dm(2, 2, &p);
    let (y, _, h) = generic_gram_hessian(&a);
    let s: f64 = p.iter().sum();
    close(y, a.norm_squared() * s, Tolerance::tight(), "value");
    for i in 0..4 {
        for j in 0..4 {
            let want = if i == j { 2.0 * s } else { 0.0 } + 2.0 * (p[i] + p[j]);
            close(h[(i, j)], want, Tolerance::tight(), "H");
        }
    }
    let a32 = a.map(|x| x as f32);
    let (_, _, h32) = generic_gram_hessian(&a32);
    for i in 0..4 {
        for j in 0..4 {
            close(
                f64::from(h32[(i, j)]),
                h[(i, j)],
                Tolerance::f32(),
                "H at f32",
            );
        }
    }
}
