//! Table-driven matrix corpus: nalgebra matrices inside `#[differentiable]` functions (products,
//! transposes, element loops and element writes, row/column views, constructors with
//! differentiable values, scalar × matrix, the matrix methods and `ops`, control flow on norms, a
//! two-layer perceptron over a `#[derive(Differentiable)]` struct), each checked entry by entry.
//!
//! Every case is a function of some matrices (and scalars); the harness flattens its inputs
//! (column-major, nalgebra's order) and, for each configuration of sizes, checks
//! * the values of `NAME_vjp`, `NAME_jvp` (and `NAME_grad`) against `NAME` itself;
//! * for a fixed irregular cotangent `C` and the all-ones cotangent, the pullback `Jᵀ C` against
//!   the central finite-difference gradient of `x ↦ ⟨C, f(x)⟩`, entry by entry (a matrix-valued
//!   function is checked through `⟨C, f⟩`; a scalar one has `C = 1`, so this is its gradient);
//! * linearity of the pullback (`pullback(-2.5 C) = -2.5 pullback(C)`), `NAME_grad` against it;
//! * `NAME_jvp` along an irregular tangent `t` against the central directional difference, entry
//!   by entry over the output, and `⟨C, J t⟩ = ⟨Jᵀ C, t⟩` (forward against reverse mode);
//!   unit tangents give the Jacobian column by column, compared with the pullbacks;
//! * for a subset, the same function computed in `f32` against the `f64` finite differences
//!   with a looser tolerance.
//!
//! Sizes cover 1×1, 1×n, n×1, square and non-square matrices. Points are away from kinks (no
//! entry is within 0.3 of zero, entries are distinct, so `max`/`min`, `relu`, `abs` and the
//! branches are smooth there) and from the places where a loop's trip count changes.
//!
//! A shape mismatch panics in the forward sweep: with both shapes in generated code, with
//! nalgebra's own message in the primal (the user's code as written).
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::type_complexity,
    clippy::let_and_return
)]

use autodiff::check::{self, DEFAULT_ETA, Tolerance};
use autodiff::nalgebra::{DVector, Matrix2, RowDVector};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// Corpus functions written once, compiled in f64 and in f32 (`p64::NAME`, `p32::NAME`)
// ------------------------------------------------------------------------------------------------

macro_rules! in_precision {
    ($m:ident, $t:ty) => {
        mod $m {
            #![allow(clippy::assign_op_pattern)]
            use autodiff::prelude::*;

            pub type R = $t;

            /// A matrix product reduced to a scalar.
            #[differentiable]
            pub fn matmul_sum(a: &DMatrix<R>, b: &DMatrix<R>) -> R {
                let c = a * b;
                c.sum()
            }

            /// `tr(AᵀA)`, a generic function (instantiated at `R`).
            #[differentiable]
            pub fn gram_trace<T: Real + autodiff::nalgebra::RealField>(a: &DMatrix<T>) -> T {
                let at = a.transpose();
                (&at * a).trace()
            }

            /// An element loop with a branch on the sign of each entry.
            #[differentiable]
            pub fn elem_loop_branch(m: &DMatrix<R>) -> R {
                let mut s = 0.0;
                for i in 0..m.nrows() {
                    for j in 0..m.ncols() {
                        let v = m[(i, j)];
                        if v > 0.0 {
                            s += v * v;
                        } else {
                            s -= 0.5 * v * (j as R + 1.0);
                        }
                    }
                }
                s
            }

            /// The seed's control flow on a matrix: grow until the norm passes a threshold,
            /// then branch on the sign of the sum.
            #[differentiable]
            pub fn norm_control(a: &DMatrix<R>) -> R {
                let mut b = a * 2.0;
                while b.norm() < 10.0 {
                    b = b * 1.5;
                }
                if b.sum() > 0.0 {
                    b.norm_squared() / 10.0
                } else {
                    b.max() - 2.0 * b.min()
                }
            }

            /// Activations from `ops`.
            #[differentiable]
            pub fn activations(m: &DMatrix<R>) -> R {
                let h = ops::relu(m);
                let s = ops::sigmoid(m);
                let t = ops::tanh(m);
                let p = ops::softplus(m);
                h.component_mul(&s).sum() + t.dot(&p)
            }

            /// Mean softmax cross-entropy of a dense layer `x·W + b` (soft labels `y`).
            #[differentiable(wrt(w, b))]
            pub fn softmax_xent(
                w: &DMatrix<R>,
                b: &DMatrix<R>,
                x: &DMatrix<R>,
                y: &DMatrix<R>,
            ) -> R {
                let z = x * w;
                let logits = ops::add_row(&z, b);
                let lp = ops::log_softmax(&logits);
                -lp.component_mul(y).sum() / (x.nrows() as R)
            }

            /// Constructors fed with differentiable scalars.
            #[differentiable]
            pub fn constructors(x: R, y: R) -> R {
                let a = DMatrix::from_element(2, 3, x);
                let b = DMatrix::from_row_slice(3, 2, &[x, y, x * y, 1.0, y, 0.5 * x]);
                let c = &a * &b;
                c.trace() + c.norm() * y
            }

            /// Matrix × scalar, scalar × matrix and matrix / scalar, the scalar differentiated;
            /// a literal times a parameter used as a method receiver (`(2.0 * a).mean()`, which
            /// did not compile before cb41168).
            #[differentiable]
            pub fn scalar_matrix(a: &DMatrix<R>, s: R) -> R {
                let p = a * s;
                let q = s * a;
                let r = a / s;
                let h = a / 2.0;
                p.component_mul(&q).sum() + r.norm() + h.mean() * s + (2.0 * a).mean() * s
            }
        }
    };
}

in_precision!(p64, f64);
in_precision!(p32, f32);

// ------------------------------------------------------------------------------------------------
// f64-only corpus functions
// ------------------------------------------------------------------------------------------------

/// Transposes: `½ tr(AᵀA) + ‖AAᵀ‖ + Σ (Aᵀᵀ - A) + Σ Aᵀ∘Aᵀ`.
#[differentiable]
fn transposes(a: &DMatrix<f64>) -> f64 {
    let at = a.transpose();
    let g = &at * a;
    let h = a * &at;
    let back = at.transpose();
    g.trace() * 0.5 + h.norm() + (back - a).sum() + at.component_mul(&at).sum()
}

/// Reads of two matrices' entries in nested loops (`B` has `A`'s transposed shape).
#[differentiable]
fn entry_loops(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            s += a[(i, j)] * b[(j, i)] + a[(i, j)].sin();
        }
    }
    s
}

/// Element writes `m[(i, j)] = e` into a local matrix built with a constant constructor.
#[differentiable]
fn write_local(a: &DMatrix<f64>) -> f64 {
    let (r, c) = (a.nrows(), a.ncols());
    let mut m: DMatrix<f64> = DMatrix::zeros(r, c);
    for i in 0..r {
        for j in 0..c {
            m[(i, j)] = a[(i, j)] * a[(i, j)] - 0.5 * a[(i, j)];
        }
    }
    m.component_mul(a).sum() + m.norm()
}

/// `+=` into entries, reading entries written before (a running product down each column).
#[differentiable]
fn accumulate_writes(a: &DMatrix<f64>, w: f64) -> f64 {
    let (r, c) = (a.nrows(), a.ncols());
    let mut m: DMatrix<f64> = DMatrix::from_element(r, c, 1.0);
    for i in 0..r {
        for j in 0..c {
            m[(i, j)] += a[(i, j)] * w;
        }
    }
    for i in 1..r {
        for j in 0..c {
            m[(i, j)] += m[(i - 1, j)] * a[(i, j)];
        }
    }
    m.sum() + m[(r - 1, c - 1)] * w
}

/// The same entry written twice, the second write reading the first.
#[differentiable]
fn overwrite_entry(a: &DMatrix<f64>) -> f64 {
    let mut m = a.clone();
    m[(0, 0)] = a[(0, 0)] * 3.0;
    m[(0, 0)] = m[(0, 0)] * m[(0, 0)] + a[(0, 0)];
    m.norm_squared()
}

/// Row and column views taken into owned values; `rows`/`columns` blocks.
#[differentiable]
fn row_col_views(a: &DMatrix<f64>) -> f64 {
    let c = a.ncols();
    let r0 = a.row(0).into_owned();
    let cl = a.column(c - 1).into_owned();
    let outer = &cl * &r0;
    let top = a.rows(0, 1);
    let right = a.columns(c - 1, 1);
    outer.component_mul(a).sum() + top.norm() + right.sum() * r0.sum() + a.row(0).max()
}

/// `dot`, `trace` of a product with a transpose, `mean` of an elementwise product.
#[differentiable]
fn dot_trace_mean(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let bt = b.transpose();
    let p = a * &bt;
    a.dot(b) + p.trace() + a.component_mul(b).mean()
}

/// `component_div` by a denominator bounded away from zero.
#[differentiable]
fn component_div(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let ones = DMatrix::from_element(b.nrows(), b.ncols(), 1.0);
    let den = b.component_mul(b) + ones;
    let q = a.component_div(&den);
    q.sum() + q.component_mul(a).norm()
}

/// `max` and `min` of a matrix (distinct entries), mixed with `norm_squared`; `abs()` of a
/// matrix (elementwise since cb41168).
#[differentiable]
fn max_min(a: &DMatrix<f64>) -> f64 {
    let m = a.component_mul(a);
    let l1 = a.abs();
    a.max() * 2.0 - a.min() + m.max() * a.norm_squared() - m.min() + l1.max() * l1.sum()
}

/// Elementwise `ops`: exp, ln, sqrt, square, abs, powf, leaky_relu.
#[differentiable]
fn ops_elementwise(m: &DMatrix<f64>) -> f64 {
    let e = ops::exp(m);
    let l = ops::ln(&e);
    let sq = ops::square(m);
    let r = ops::sqrt(&sq);
    let ab = ops::abs(m);
    let pw = ops::powf(&e, 1.7);
    let lr = ops::leaky_relu(m, 0.2);
    l.dot(&r) + ab.sum() + pw.mean() + lr.component_mul(&e).sum() - r.norm()
}

/// Row-wise `ops`: softmax, logsumexp, sum_rows, sum_cols, mean_rows.
#[differentiable]
fn ops_rowwise(m: &DMatrix<f64>) -> f64 {
    let s = ops::softmax(m);
    let l = ops::logsumexp(m);
    let weighted = s.component_mul(m);
    let sr = ops::sum_rows(&weighted);
    let mr = ops::mean_rows(m);
    let all = ops::sum_rows(m);
    let sc = ops::sum_cols(m);
    sr.sum() + l.norm() + mr.dot(&all) + sc.max()
}

/// A bias row added to every row, then `tanh`; `add_row` of two parameters (which did not
/// compile before cb41168) and of a local.
#[differentiable]
fn add_row_bias(m: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let z = ops::add_row(m, b);
    let mm = m * 0.5;
    let z = z + ops::add_row(&mm, b);
    let h = ops::tanh(&z);
    h.sum() + h.norm_squared()
}

/// A matrix-valued function: `A·B - A/2` (`B` square).
#[differentiable]
fn affine(a: &DMatrix<f64>, b: &DMatrix<f64>) -> DMatrix<f64> {
    let p = a * b;
    p - a * 0.5
}

/// A matrix-valued transpose: `3 Aᵀ∘Aᵀ`.
#[differentiable]
fn transpose_out(a: &DMatrix<f64>) -> DMatrix<f64> {
    let t = a.transpose();
    t.component_mul(&t) * 3.0
}

/// A matrix-valued Gram matrix `AᵀA`.
#[differentiable]
fn gram(a: &DMatrix<f64>) -> DMatrix<f64> {
    let at = a.transpose();
    &at * a
}

/// Power iteration: matrix × vector in a loop, normalised by a differentiable norm.
#[differentiable]
fn power_iteration(a: &DMatrix<f64>) -> f64 {
    let n = a.nrows();
    let mut v: DMatrix<f64> = DMatrix::from_element(n, 1, 1.0);
    for _ in 0..6 {
        v = a * &v;
        let nv = v.norm();
        v = v / nv;
    }
    let av = a * &v;
    v.dot(&av)
}

/// A helper the corpus calls (matrix in, matrix out).
#[differentiable]
fn helper(a: &DMatrix<f64>, b: &DMatrix<f64>) -> DMatrix<f64> {
    a.component_mul(b) + a
}

/// Calls between differentiable functions, with a parameter and a local as arguments.
#[differentiable]
fn calls_helper(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let h = helper(b, b);
    let k = helper(a, &h);
    k.sum() + helper(&k, a).norm()
}

/// A matrix times a `DVector`, with the vector differentiated too.
#[differentiable]
fn matrix_vector(m: &DMatrix<f64>, v: &DVector<f64>) -> f64 {
    let y = m * v;
    y.dot(&y) + v.norm() * y.sum()
}

/// An early return decided by a norm.
#[differentiable]
fn early_return_norm(a: &DMatrix<f64>) -> f64 {
    if a.norm() > 2.0 {
        return a.sum() * 2.0 + a.norm();
    }
    let b = a.component_mul(a);
    b.sum() - a.mean()
}

/// Negation, subtraction and addition of matrices (with references).
#[differentiable]
fn neg_sub(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let c = -(a - b);
    let d = &c + a;
    d.component_mul(&c).sum() - b.norm()
}

/// Linear (column-major) indexing `a[k]`.
#[differentiable]
fn linear_index(a: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * (k as f64 + 1.0);
    }
    s * a[0]
}

/// A clone of a parameter with an entry overwritten by a differentiable scalar.
#[differentiable]
fn clone_then_write(a: &DMatrix<f64>, x: f64) -> f64 {
    let mut m = a.clone();
    m[(0, 0)] = x * m[(0, 0)];
    m.norm_squared() + m.sum() * x
}

/// A static 2×2 matrix.
#[differentiable]
fn static_matrix(x: &Matrix2<f64>) -> f64 {
    let y = x * x;
    y.trace() + x.transpose().dot(&y) + x.norm()
}

/// Compound assignment on whole matrices inside a loop.
#[differentiable]
fn compound_matrix(a: &DMatrix<f64>) -> f64 {
    let mut acc = a.clone();
    for _ in 0..3 {
        acc += a;
        acc = acc * 0.5;
    }
    acc -= a * 0.25;
    acc.norm() + acc.sum()
}

/// A `while` loop on a norm with a data-dependent trip count, and a scalar carried along.
#[differentiable]
fn while_norm_growth(a: &DMatrix<f64>) -> f64 {
    let mut m = a.clone();
    let mut s = 1.0;
    while m.norm() < 20.0 {
        m = &m * 1.3 + a;
        s = s * 1.1;
    }
    m.sum() * s
}

/// `loop` with `break` on a trace, and a row vector built from a differentiable value.
#[differentiable]
fn loop_break_trace(a: &DMatrix<f64>) -> f64 {
    let mut m = a.clone();
    let mut k = 0;
    loop {
        let sq = &m * &m;
        k += 1;
        if sq.trace().abs() > 50.0 || k == 4 {
            break;
        }
        m = sq * 0.9 + a;
    }
    let r = RowDVector::from_element(m.ncols(), m[(0, 0)]);
    (r * &m).sum()
}

/// Element writes into a local `DVector` (`v[i] = e`) and linear-index writes into a matrix,
/// `=` and `+=`.
#[differentiable]
fn vector_writes(a: &DVector<f64>) -> f64 {
    let n = a.len();
    let mut v: DVector<f64> = DVector::zeros(n);
    for i in 0..n {
        v[i] = a[i] * a[n - 1 - i];
    }
    let mut m: DMatrix<f64> = DMatrix::zeros(n, 1);
    for k in 0..n {
        m[k] = v[k] + a[k];
        m[k] += v[k] * 2.0;
    }
    v.dot(a) + m.norm()
}

/// Methods on temporaries: `a.row(0).dot(&b.row(0))`, `a.transpose().transpose()`,
/// `a.transpose() * b`.
#[differentiable]
fn temp_receivers(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let r = a.row(0).dot(&b.row(0));
    let t = a.transpose().transpose();
    let p = a.transpose() * b;
    r + t.sum() + p.norm()
}

/// Matrices taken by value.
#[differentiable]
fn by_value(a: DMatrix<f64>, b: DMatrix<f64>) -> f64 {
    let c = a.component_mul(&b);
    c.sum() + a.norm()
}

/// A tuple of a matrix and a scalar as the output.
#[differentiable]
fn tuple_out(a: &DMatrix<f64>) -> (DMatrix<f64>, f64) {
    let t = a.transpose();
    let s = t.component_mul(&t);
    (s, a.norm())
}

/// `DVector::from_element`, `DMatrix::from_vec` and `from_column_slice` of a slice parameter.
#[differentiable]
fn slice_constructors(x: f64, v: &[f64]) -> f64 {
    let a = DVector::from_element(3, x);
    let b = DMatrix::from_vec(3, 1, vec![x, v[0], v[1] * x]);
    let c = DMatrix::from_column_slice(1, 3, v);
    let p = &c * &b;
    p[(0, 0)] + a.norm() * v[2]
}

/// Products inside a loop (operands saved per iteration), accumulated into a matrix.
#[differentiable]
fn loop_products(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let mut acc: DMatrix<f64> = DMatrix::zeros(a.nrows(), b.ncols());
    let mut p = a.clone();
    for _ in 0..3 {
        acc = acc + &p * b;
        p = p.component_mul(a);
    }
    acc.sum()
}

/// An `if` expression whose arms are matrices, decided by a sum.
#[differentiable]
fn branch_matrices(a: &DMatrix<f64>) -> f64 {
    let m = if a.sum() > 0.0 {
        a.transpose()
    } else {
        a.transpose() * 3.0
    };
    m.norm_squared()
}

/// Recursion with a matrix output: `A^(n+1)`.
#[differentiable]
fn mat_pow(a: &DMatrix<f64>, n: u32) -> DMatrix<f64> {
    if n == 0 {
        a.clone()
    } else {
        a * &mat_pow(a, n - 1)
    }
}

/// A differentiable scalar computed from the matrix scaling that matrix (`‖M‖·M`, `M·ΣM`).
#[differentiable]
fn norm_scale(m: &DMatrix<f64>) -> f64 {
    let s = m.norm();
    let y = s * m;
    let z = m * m.sum();
    y.sum() + z.norm()
}

/// A row vector times a matrix.
#[differentiable]
fn row_times_matrix(v: &RowDVector<f64>, m: &DMatrix<f64>) -> f64 {
    let y = v * m;
    y.norm() + y.max()
}

/// Loops over a matrix's entries with `iter()` and `iter().enumerate()` (column-major order).
#[differentiable]
fn iter_loops(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for v in m.iter() {
        s += v * v;
    }
    for (k, v) in m.iter().enumerate() {
        s += v.sin() * (k as f64 + 1.0);
    }
    s
}

/// A constant constructor (`identity`) added to a parameter; shape queries as constants.
#[differentiable]
fn identity_shift(a: &DMatrix<f64>) -> f64 {
    let n = a.nrows();
    let i: DMatrix<f64> = DMatrix::identity(n, n);
    let b = a + &i;
    let (r, c) = a.shape();
    (&b * &b).trace() * (r * c) as f64
}

/// Columns taken into owned `DVector`s in a loop, accumulated with `+=`.
#[differentiable]
fn column_loop(a: &DMatrix<f64>) -> f64 {
    let mut acc: DVector<f64> = DVector::zeros(a.nrows());
    for j in 0..a.ncols() {
        let col = a.column(j).into_owned();
        acc += &col;
        acc = acc.component_mul(&col);
    }
    acc.sum()
}

/// An early return from inside a loop, decided by a norm.
#[differentiable]
fn early_return_in_loop(a: &DMatrix<f64>) -> f64 {
    let mut m = a.clone();
    for _ in 0..10 {
        m = &m * 1.5;
        if m.norm() > 5.0 {
            return m.sum();
        }
    }
    m.mean()
}

/// Entries of a softmax.
#[differentiable]
fn softmax_entries(a: &DMatrix<f64>) -> f64 {
    let s = ops::softmax(a);
    let (r, c) = (a.nrows() - 1, a.ncols() - 1);
    s[(0, c)] * 3.0 + s[(r, 0)]
}

/// A linear map over a derived struct: `Σ Wᵀ(W x)`, differentiated in `self` and `x`.
#[derive(Differentiable, Clone, Debug, PartialEq)]
pub struct Linear {
    pub w: DMatrix<f64>,
}

impl Linear {
    #[differentiable]
    pub fn apply(&self, x: &DMatrix<f64>) -> f64 {
        let wt = self.w.transpose();
        let y = &self.w * x;
        (&wt * &y).sum()
    }
}

/// [`Linear::apply`] as a free function of the weights and the input.
fn linear_apply(w: &DMatrix<f64>, x: &DMatrix<f64>) -> f64 {
    Linear { w: w.clone() }.apply(x)
}

// ------------------------------------------------------------------------------------------------
// The two-layer perceptron over a `#[derive(Differentiable)]` struct
// ------------------------------------------------------------------------------------------------

/// `x ↦ relu(x·W1 + b1)·W2 + b2` on a batch `x` (rows are samples).
#[derive(Differentiable, Clone, Debug, PartialEq)]
pub struct Mlp {
    pub w1: DMatrix<f64>,
    pub b1: DMatrix<f64>,
    pub w2: DMatrix<f64>,
    pub b2: DMatrix<f64>,
}

impl Mlp {
    #[differentiable]
    pub fn call(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
        let z1 = x * &self.w1;
        let h = ops::relu(&ops::add_row(&z1, &self.b1));
        let z2 = &h * &self.w2;
        ops::add_row(&z2, &self.b2)
    }

    /// Zeros for `[inputs, hidden, outputs]`.
    fn zeros(d: Dims) -> Mlp {
        Mlp {
            w1: DMatrix::zeros(d[0], d[1]),
            b1: DMatrix::zeros(1, d[1]),
            w2: DMatrix::zeros(d[1], d[2]),
            b2: DMatrix::zeros(1, d[2]),
        }
    }

    fn from_flat(d: Dims, p: &[f64]) -> Mlp {
        let mut m = Mlp::zeros(d);
        m.copy_from_flat(p);
        m
    }
}

/// Mean softmax cross-entropy of the perceptron's logits against soft labels `y`.
#[differentiable(wrt(model))]
fn mlp_loss(model: &Mlp, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let logits = model.call(x);
    let lp = ops::log_softmax(&logits);
    -lp.component_mul(y).sum() / (x.nrows() as f64)
}

/// The same with the default wrt set: the gradient is `(Mlp, DMatrix, DMatrix)`.
#[differentiable]
fn mlp_loss_all(model: &Mlp, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let logits = model.call(x);
    let lp = ops::log_softmax(&logits);
    -lp.component_mul(y).sum() / (x.nrows() as f64)
}

/// The perceptron's batch: `BATCH` samples of `d[0]` features and soft labels over `d[2]` classes.
const BATCH: usize = 5;

fn mlp_data(d: Dims) -> (DMatrix<f64>, DMatrix<f64>) {
    let x = DMatrix::from_fn(BATCH, d[0], |i, j| {
        ((i * 3 + j * 7) as f64 * 0.41 + 0.2).sin()
    });
    let mut y = DMatrix::from_fn(BATCH, d[2], |i, j| 1.0 + ((i + 2 * j) as f64 * 0.9).cos());
    for mut row in y.row_iter_mut() {
        let s = row.sum();
        row /= s;
    }
    (x, y)
}

// ------------------------------------------------------------------------------------------------
// The harness
// ------------------------------------------------------------------------------------------------

/// Sizes of one configuration; their meaning is the case's (e.g. `A: d0×d1`, `B: d1×d2`).
type Dims = [usize; 3];
/// The shapes of the differentiated inputs, in order (a scalar is 1×1).
type ShapesFn = fn(Dims) -> Vec<(usize, usize)>;
/// The primal on flattened inputs: the flattened output.
type ValueFn = fn(Dims, &[f64]) -> Vec<f64>;
/// `NAME_vjp`: the value and the pullback of each cotangent (flattened).
type VjpFn = fn(Dims, &[f64], &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>);
/// `NAME_jvp` with a flattened tangent: value and output tangent.
type JvpFn = fn(Dims, &[f64], &[f64]) -> (Vec<f64>, Vec<f64>);
/// `NAME_grad`: value and flattened gradient.
type GradFn = fn(Dims, &[f64]) -> (f64, Vec<f64>);

/// One precision's generated functions.
#[derive(Clone, Copy)]
struct Flavour {
    f: ValueFn,
    vjp: VjpFn,
    jvp: JvpFn,
    grad: Option<GradFn>,
}

struct Case {
    shapes: ShapesFn,
    f64s: Flavour,
    f32s: Option<Flavour>,
    dims: Vec<Dims>,
    /// Salts for the points: every size is checked at one point per salt.
    salts: Vec<usize>,
}

impl Case {
    fn dims(mut self, dims: &[Dims]) -> Self {
        self.dims = dims.to_vec();
        self
    }

    fn f32(mut self, flavour: Flavour) -> Self {
        self.f32s = Some(flavour);
        self
    }

    fn salts(mut self, salts: &[usize]) -> Self {
        self.salts = salts.to_vec();
        self
    }
}

/// Flattened inputs and outputs, column-major for matrices, widened to `f64`.
trait Flat {
    fn flat(&self) -> Vec<f64>;
}

impl Flat for f64 {
    fn flat(&self) -> Vec<f64> {
        vec![*self]
    }
}

impl Flat for f32 {
    fn flat(&self) -> Vec<f64> {
        vec![f64::from(*self)]
    }
}

impl<T: Flat + autodiff::nalgebra::Scalar, R, C, S> Flat for autodiff::nalgebra::Matrix<T, R, C, S>
where
    R: autodiff::nalgebra::Dim,
    C: autodiff::nalgebra::Dim,
    S: autodiff::nalgebra::RawStorage<T, R, C>,
{
    fn flat(&self) -> Vec<f64> {
        self.iter().flat_map(Flat::flat).collect()
    }
}

impl Flat for Vec<f64> {
    fn flat(&self) -> Vec<f64> {
        self.clone()
    }
}

impl Flat for Mlp {
    fn flat(&self) -> Vec<f64> {
        self.to_flat_vec()
    }
}

impl<A: Flat, B: Flat> Flat for (A, B) {
    fn flat(&self) -> Vec<f64> {
        let mut v = self.0.flat();
        v.extend(self.1.flat());
        v
    }
}

impl<A: Flat, B: Flat, C: Flat> Flat for (A, B, C) {
    fn flat(&self) -> Vec<f64> {
        let mut v = self.0.flat();
        v.extend(self.1.flat());
        v.extend(self.2.flat());
        v
    }
}

/// Building an input (or a cotangent shaped like a value) from flattened `f64`s.
trait Input: Sized {
    fn from_flat(shape: (usize, usize), v: &[f64]) -> Self;
}

impl Input for f64 {
    fn from_flat(shape: (usize, usize), v: &[f64]) -> Self {
        assert_eq!((shape, v.len()), ((1, 1), 1));
        v[0]
    }
}

impl Input for Vec<f64> {
    fn from_flat((r, c): (usize, usize), v: &[f64]) -> Self {
        assert_eq!(v.len(), r * c);
        v.to_vec()
    }
}

impl Input for f32 {
    fn from_flat(shape: (usize, usize), v: &[f64]) -> Self {
        assert_eq!((shape, v.len()), ((1, 1), 1));
        v[0] as f32
    }
}

macro_rules! matrix_input {
    ($($ty:ty),*) => {$(
        impl Input for $ty {
            fn from_flat((r, c): (usize, usize), v: &[f64]) -> Self {
                assert_eq!(v.len(), r * c);
                <$ty>::from_iterator_generic(
                    autodiff::nalgebra::Dim::from_usize(r),
                    autodiff::nalgebra::Dim::from_usize(c),
                    v.iter().map(|&x| x as _),
                )
            }
        }
    )*};
}

matrix_input!(
    DMatrix<f64>,
    DMatrix<f32>,
    DVector<f64>,
    RowDVector<f64>,
    Matrix2<f64>
);

/// A cotangent like a value (same shapes), from flattened `f64`s.
trait CotangentLike: Sized {
    /// The number of flattened entries.
    fn len_flat(&self) -> usize;
    fn cotangent_like(&self, c: &[f64]) -> Self;
}

impl CotangentLike for f64 {
    fn len_flat(&self) -> usize {
        1
    }
    fn cotangent_like(&self, c: &[f64]) -> Self {
        Input::from_flat((1, 1), c)
    }
}

impl CotangentLike for f32 {
    fn len_flat(&self) -> usize {
        1
    }
    fn cotangent_like(&self, c: &[f64]) -> Self {
        Input::from_flat((1, 1), c)
    }
}

impl<T: autodiff::nalgebra::Scalar, R, C, S> CotangentLike
    for autodiff::nalgebra::Matrix<T, R, C, S>
where
    R: autodiff::nalgebra::Dim,
    C: autodiff::nalgebra::Dim,
    S: autodiff::nalgebra::RawStorage<T, R, C>,
    Self: Input,
{
    fn len_flat(&self) -> usize {
        self.len()
    }
    fn cotangent_like(&self, c: &[f64]) -> Self {
        Input::from_flat(self.shape(), c)
    }
}

impl<A: CotangentLike, B: CotangentLike> CotangentLike for (A, B) {
    fn len_flat(&self) -> usize {
        self.0.len_flat() + self.1.len_flat()
    }
    fn cotangent_like(&self, c: &[f64]) -> Self {
        let (head, tail) = c.split_at(self.0.len_flat());
        (self.0.cotangent_like(head), self.1.cotangent_like(tail))
    }
}

/// A cotangent shaped like `value`, from flattened `f64`s.
fn cotangent_like<V: CotangentLike>(value: &V, c: &[f64]) -> V {
    assert_eq!(value.len_flat(), c.len());
    value.cotangent_like(c)
}

/// Hands out consecutive inputs of the given shapes from a flat slice.
struct Feed<'a> {
    rest: &'a [f64],
}

impl<'a> Feed<'a> {
    fn new(v: &'a [f64]) -> Self {
        Feed { rest: v }
    }

    fn take<I: Input>(&mut self, shape: (usize, usize)) -> I {
        let n = shape.0 * shape.1;
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        I::from_flat(shape, head)
    }
}

/// The flavour (value, vjp, jvp) of a function whose inputs are `arg: shape` (tangent names
/// `targ`), called as `(call)`; `scalar` adds `NAME_grad`.
macro_rules! flavour {
    (@common $f:path, $v:path, $j:path, $grad:expr;
     |$d:pat_param| $($arg:ident / $t:ident : $shape:expr),+ $(; let $c:ident = $ce:expr)* => ($($call:tt)*)) => {
        Flavour {
            f: |$d, x| {
                let mut feed = Feed::new(x);
                $(let $arg = feed.take($shape);)+
                $(let $c = $ce;)*
                Flat::flat(&$f($($call)*))
            },
            vjp: |$d, x, cts| {
                let mut feed = Feed::new(x);
                $(let $arg = feed.take($shape);)+
                $(let $c = $ce;)*
                let (y, pullback) = $v($($call)*);
                let pulled = cts
                    .iter()
                    .map(|c| Flat::flat(&pullback(cotangent_like(&y, c))))
                    .collect();
                (Flat::flat(&y), pulled)
            },
            jvp: |$d, x, tv| {
                let mut feed = Feed::new(x);
                $(let $arg = feed.take($shape);)+
                let mut feed = Feed::new(tv);
                $(let $t = feed.take($shape);)+
                $(let $c = $ce;)*
                let (y, dy) = $j($($call)*, $($t),+);
                (Flat::flat(&y), Flat::flat(&dy))
            },
            grad: $grad,
        }
    };
    (scalar $f:path, $g:path, $v:path, $j:path; |$d:pat_param| $($rest:tt)*) => {
        flavour!(@common $f, $v, $j, Some(flavour!(@grad $g; |$d| $($rest)*)); |$d| $($rest)*)
    };
    (matrix $f:path, $v:path, $j:path; |$d:pat_param| $($rest:tt)*) => {
        flavour!(@common $f, $v, $j, None; |$d| $($rest)*)
    };
    (@grad $g:path; |$d:pat_param| $($arg:ident / $t:ident : $shape:expr),+ $(; let $c:ident = $ce:expr)* => ($($call:tt)*)) => {
        |$d, x| {
            let mut feed = Feed::new(x);
            $(let $arg = feed.take($shape);)+
            $(let $c = $ce;)*
            let (y, g) = $g($($call)*);
            (Flat::flat(&y)[0], Flat::flat(&g))
        }
    };
}

/// A case from its `f64` flavour; the shapes come from the same argument list.
macro_rules! case {
    ($kind:ident $($names:path),+; |$d:pat_param| $($arg:ident / $t:ident : $shape:expr),+ $(; let $c:ident = $ce:expr)* => ($($call:tt)*)) => {
        Case {
            shapes: |$d| vec![$($shape),+],
            f64s: flavour!($kind $($names),+; |$d| $($arg / $t : $shape),+ $(; let $c = $ce)* => ($($call)*)),
            f32s: None,
            dims: Vec::new(),
            salts: vec![0],
        }
    };
}

/// An irregular point of `n` entries: magnitudes in [0.3, 1.4), all distinct, mixed signs.
fn point(n: usize, salt: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t =
                ((i + 1) as f64 * 0.618_033_988_75 + (i * i) as f64 * 0.0731 + salt as f64 * 0.137)
                    .fract();
            let sign = if (i * 7 + salt).is_multiple_of(3) {
                -1.0
            } else {
                1.0
            };
            sign * (0.3 + 1.1 * t)
        })
        .collect()
}

/// A fixed irregular direction (tangent or cotangent) of length `n`.
fn direction(n: usize, phase: usize) -> Vec<f64> {
    (0..n)
        .map(|i| [0.7, -1.3, 0.4, 1.1, -0.6, 0.9, -0.2][(i + phase) % 7])
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    check::dot(a, b)
}

/// Exact computations of the same quantity in `f64` (different summation orders).
const AD_TOL: Tolerance = Tolerance::new(1e-10, 1e-9);
/// `f32` results against `f64` ones.
const F32_VALUE_TOL: Tolerance = Tolerance::new(1e-4, 1e-4);

/// The tolerances of one precision.
#[derive(Clone, Copy)]
struct Tolerances {
    /// Against finite differences.
    fd: Tolerance,
    /// Values against the `f64` primal.
    value: Tolerance,
    /// Between exact computations (pullbacks, tangents, `_grad`).
    ad: Tolerance,
}

/// Checks one precision's flavour at `x`; failures are appended to `fail`.
fn check_flavour(
    at: &str,
    d: Dims,
    x: &[f64],
    f: impl Fn(&[f64]) -> Vec<f64>,
    flavour: &Flavour,
    tol: Tolerances,
    fail: &mut Vec<String>,
) {
    let Tolerances {
        fd: fd_tol,
        value: value_tol,
        ad: ad_tol,
    } = tol;
    let y = f(x);
    let m = y.len();
    let cts = vec![
        vec![1.0; m],
        direction(m, 3),
        direction(m, 3).iter().map(|c| -2.5 * c).collect(),
    ];

    // Reverse mode against finite differences of <C, f>, entry by entry.
    let (value, pulled) = (flavour.vjp)(d, x, &cts);
    if let Err(e) = check::check_slices(&value, &y, value_tol) {
        fail.push(format!("{at}: _vjp value: {e}"));
    }
    for (c, g) in cts.iter().zip(&pulled).take(2) {
        let phi = |p: &[f64]| dot(c, &f(p));
        if let Err(e) = check::check_gradient(phi, x, g, DEFAULT_ETA, fd_tol) {
            fail.push(format!(
                "{at}: pullback of the cotangent {c:?} vs finite differences: {e}"
            ));
        }
    }
    let scaled: Vec<f64> = pulled[1].iter().map(|g| -2.5 * g).collect();
    if let Err(e) = check::check_slices(&pulled[2], &scaled, ad_tol) {
        fail.push(format!("{at}: the pullback is not linear: {e}"));
    }
    if let Some(grad) = flavour.grad {
        let (v, g) = grad(d, x);
        if let Err(e) = check::check_close(v, y[0], value_tol) {
            fail.push(format!("{at}: _grad value: {e}"));
        }
        if let Err(e) = check::check_slices(&g, &pulled[0], ad_tol) {
            fail.push(format!("{at}: _grad vs pullback(1): {e}"));
        }
    }

    // Forward mode: directional differences entry by entry over the output, and against reverse.
    let t = direction(x.len(), 0);
    let (value, dy) = (flavour.jvp)(d, x, &t);
    if let Err(e) = check::check_slices(&value, &y, value_tol) {
        fail.push(format!("{at}: _jvp value: {e}"));
    }
    let moved = |s: f64| -> Vec<f64> { x.iter().zip(&t).map(|(xi, ti)| xi + s * ti).collect() };
    let (plus, minus) = (f(&moved(DEFAULT_ETA)), f(&moved(-DEFAULT_ETA)));
    let fd_dir: Vec<f64> = plus
        .iter()
        .zip(&minus)
        .map(|(p, q)| (p - q) / (2.0 * DEFAULT_ETA))
        .collect();
    if let Err(e) = check::check_slices(&dy, &fd_dir, fd_tol) {
        fail.push(format!(
            "{at}: jvp vs directional finite difference along {t:?}: {e}"
        ));
    }
    for (c, g) in cts.iter().zip(&pulled).take(2) {
        if let Err(e) = check::check_close(dot(c, &dy), dot(g, &t), ad_tol) {
            fail.push(format!("{at}: <C, J t> vs <Jᵀ C, t> for C = {c:?}: {e}"));
        }
    }
    // Unit tangents: the Jacobian column by column, against the pullbacks.
    let columns: Vec<f64> = (0..x.len())
        .map(|i| {
            let mut e = vec![0.0; x.len()];
            e[i] = 1.0;
            dot(&cts[1], &(flavour.jvp)(d, x, &e).1)
        })
        .collect();
    if let Err(e) = check::check_slices(&columns, &pulled[1], ad_tol) {
        fail.push(format!(
            "{at}: forward-mode Jacobian (unit tangents) vs reverse mode: {e}"
        ));
    }
}

fn run(name: &str, case: Case) {
    assert!(!case.dims.is_empty(), "{name}: no sizes");
    let mut failures = Vec::new();
    for (&d, &salt) in case
        .dims
        .iter()
        .flat_map(|d| case.salts.iter().map(move |s| (d, s)))
    {
        let shapes = (case.shapes)(d);
        let n: usize = shapes.iter().map(|(r, c)| r * c).sum();
        let x = point(n, salt);
        let at = format!("{name} at sizes {d:?} (inputs {shapes:?}), x = {x:?}");
        let f64s = case.f64s;
        let f = |p: &[f64]| (f64s.f)(d, p);
        let y = f(&x);
        assert!(
            y.iter().all(|v| v.is_finite()),
            "{at}: the function is not finite: {y:?}"
        );
        check_flavour(
            &at,
            d,
            &x,
            f,
            &f64s,
            Tolerances {
                fd: Tolerance::default(),
                value: AD_TOL,
                ad: AD_TOL,
            },
            &mut failures,
        );
        if let Some(f32s) = &case.f32s {
            check_flavour(
                &format!("{at} [f32]"),
                d,
                &x,
                f,
                f32s,
                Tolerances {
                    fd: Tolerance::f32(),
                    value: F32_VALUE_TOL,
                    ad: Tolerance::f32(),
                },
                &mut failures,
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One `#[test]` per case, plus `all_cases()` for the table-level check.
macro_rules! corpus {
    ($($name:ident => $case:expr;)*) => {
        fn all_cases() -> Vec<(&'static str, Case)> {
            vec![$((stringify!($name), $case)),*]
        }
        mod per_case {
            $(
                mod $name {
                    use super::super::*;

                    #[test]
                    fn case() {
                        run(stringify!($name), $case);
                    }
                }
            )*
        }
    };
}

/// Sizes for a single matrix `d0×d1`: 1×1, 1×n, n×1, square, non-square (both ways).
const ONE_MATRIX: &[Dims] = &[
    [1, 1, 0],
    [1, 4, 0],
    [4, 1, 0],
    [3, 3, 0],
    [2, 5, 0],
    [4, 3, 0],
];
/// Sizes for a product `d0×d1 · d1×d2`: scalar, inner, outer, square, non-square.
const PRODUCT: &[Dims] = &[
    [1, 1, 1],
    [1, 4, 1],
    [4, 1, 3],
    [3, 3, 3],
    [2, 4, 3],
    [1, 3, 4],
    [4, 2, 1],
];
/// Square sizes only.
const SQUARE: &[Dims] = &[[1, 1, 0], [2, 2, 0], [3, 3, 0], [5, 5, 0]];

corpus! {
    matmul_sum => case!(scalar p64::matmul_sum, p64::matmul_sum_grad, p64::matmul_sum_vjp, p64::matmul_sum_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[1], d[2]) => (&a, &b))
        .dims(PRODUCT)
        .f32(flavour!(scalar p32::matmul_sum, p32::matmul_sum_grad, p32::matmul_sum_vjp, p32::matmul_sum_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[1], d[2]) => (&a, &b)));
    gram_trace => case!(scalar p64::gram_trace::<f64>, p64::gram_trace_grad::<f64>, p64::gram_trace_vjp::<f64>, p64::gram_trace_jvp::<f64>;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX)
        .f32(flavour!(scalar p32::gram_trace::<f32>, p32::gram_trace_grad::<f32>, p32::gram_trace_vjp::<f32>, p32::gram_trace_jvp::<f32>;
            |d| a / ta: (d[0], d[1]) => (&a)));
    elem_loop_branch => case!(scalar p64::elem_loop_branch, p64::elem_loop_branch_grad, p64::elem_loop_branch_vjp, p64::elem_loop_branch_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX)
        .f32(flavour!(scalar p32::elem_loop_branch, p32::elem_loop_branch_grad, p32::elem_loop_branch_vjp, p32::elem_loop_branch_jvp;
            |d| m / tm: (d[0], d[1]) => (&m)));
    norm_control => case!(scalar p64::norm_control, p64::norm_control_grad, p64::norm_control_vjp, p64::norm_control_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX)
        .salts(&[1, 9])
        .f32(flavour!(scalar p32::norm_control, p32::norm_control_grad, p32::norm_control_vjp, p32::norm_control_jvp;
            |d| a / ta: (d[0], d[1]) => (&a)));
    activations => case!(scalar p64::activations, p64::activations_grad, p64::activations_vjp, p64::activations_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX)
        .f32(flavour!(scalar p32::activations, p32::activations_grad, p32::activations_vjp, p32::activations_jvp;
            |d| m / tm: (d[0], d[1]) => (&m)));
    softmax_xent => case!(scalar p64::softmax_xent, p64::softmax_xent_grad, p64::softmax_xent_vjp, p64::softmax_xent_jvp;
            |d| w / tw: (d[1], d[2]), b / tb: (1, d[2]); let x = xent_x(d); let y = xent_y(d) => (&w, &b, &x, &y))
        .dims(&[[1, 1, 1], [1, 3, 4], [4, 1, 3], [3, 2, 1], [5, 3, 3], [2, 4, 2]])
        .f32(flavour!(scalar p32::softmax_xent, p32::softmax_xent_grad, p32::softmax_xent_vjp, p32::softmax_xent_jvp;
            |d| w / tw: (d[1], d[2]), b / tb: (1, d[2]); let x = xent_x(d).cast(); let y = xent_y(d).cast() => (&w, &b, &x, &y)));
    constructors => case!(scalar p64::constructors, p64::constructors_grad, p64::constructors_vjp, p64::constructors_jvp;
            |_d| x / tx: (1, 1), y / ty: (1, 1) => (x, y))
        .dims(&[[0, 0, 0], [0, 0, 1], [0, 0, 2]])
        .f32(flavour!(scalar p32::constructors, p32::constructors_grad, p32::constructors_vjp, p32::constructors_jvp;
            |_d| x / tx: (1, 1), y / ty: (1, 1) => (x, y)));
    scalar_matrix => case!(scalar p64::scalar_matrix, p64::scalar_matrix_grad, p64::scalar_matrix_vjp, p64::scalar_matrix_jvp;
            |d| a / ta: (d[0], d[1]), s / ts: (1, 1) => (&a, s))
        .dims(ONE_MATRIX)
        .salts(&[2])
        .f32(flavour!(scalar p32::scalar_matrix, p32::scalar_matrix_grad, p32::scalar_matrix_vjp, p32::scalar_matrix_jvp;
            |d| a / ta: (d[0], d[1]), s / ts: (1, 1) => (&a, s)));
    transposes => case!(scalar transposes, transposes_grad, transposes_vjp, transposes_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    entry_loops => case!(scalar entry_loops, entry_loops_grad, entry_loops_vjp, entry_loops_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[1], d[0]) => (&a, &b))
        .dims(ONE_MATRIX);
    write_local => case!(scalar write_local, write_local_grad, write_local_vjp, write_local_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    accumulate_writes => case!(scalar accumulate_writes, accumulate_writes_grad, accumulate_writes_vjp, accumulate_writes_jvp;
            |d| a / ta: (d[0], d[1]), w / tw: (1, 1) => (&a, w))
        .dims(ONE_MATRIX);
    overwrite_entry => case!(scalar overwrite_entry, overwrite_entry_grad, overwrite_entry_vjp, overwrite_entry_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    row_col_views => case!(scalar row_col_views, row_col_views_grad, row_col_views_vjp, row_col_views_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    dot_trace_mean => case!(scalar dot_trace_mean, dot_trace_mean_grad, dot_trace_mean_vjp, dot_trace_mean_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    component_div => case!(scalar component_div, component_div_grad, component_div_vjp, component_div_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    max_min => case!(scalar max_min, max_min_grad, max_min_vjp, max_min_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    ops_elementwise => case!(scalar ops_elementwise, ops_elementwise_grad, ops_elementwise_vjp, ops_elementwise_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX);
    ops_rowwise => case!(scalar ops_rowwise, ops_rowwise_grad, ops_rowwise_vjp, ops_rowwise_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX);
    add_row_bias => case!(scalar add_row_bias, add_row_bias_grad, add_row_bias_vjp, add_row_bias_jvp;
            |d| m / tm: (d[0], d[1]), b / tb: (1, d[1]) => (&m, &b))
        .dims(ONE_MATRIX);
    affine => case!(matrix affine, affine_vjp, affine_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[1], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    transpose_out => case!(matrix transpose_out, transpose_out_vjp, transpose_out_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    gram => case!(matrix gram, gram_vjp, gram_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    power_iteration => case!(scalar power_iteration, power_iteration_grad, power_iteration_vjp, power_iteration_jvp;
            |d| a / ta: (d[0], d[0]) => (&a))
        .dims(SQUARE);
    calls_helper => case!(scalar calls_helper, calls_helper_grad, calls_helper_vjp, calls_helper_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    matrix_vector => case!(scalar matrix_vector, matrix_vector_grad, matrix_vector_vjp, matrix_vector_jvp;
            |d| m / tm: (d[0], d[1]), v / tv: (d[1], 1) => (&m, &v))
        .dims(ONE_MATRIX);
    early_return_norm => case!(scalar early_return_norm, early_return_norm_grad, early_return_norm_vjp, early_return_norm_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    neg_sub => case!(scalar neg_sub, neg_sub_grad, neg_sub_vjp, neg_sub_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    linear_index => case!(scalar linear_index, linear_index_grad, linear_index_vjp, linear_index_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    clone_then_write => case!(scalar clone_then_write, clone_then_write_grad, clone_then_write_vjp, clone_then_write_jvp;
            |d| a / ta: (d[0], d[1]), x / tx: (1, 1) => (&a, x))
        .dims(ONE_MATRIX);
    static_matrix => case!(scalar static_matrix, static_matrix_grad, static_matrix_vjp, static_matrix_jvp;
            |_d| x / tx: (2, 2) => (&x))
        .dims(&[[0, 0, 0], [0, 0, 1], [0, 0, 2]]);
    compound_matrix => case!(scalar compound_matrix, compound_matrix_grad, compound_matrix_vjp, compound_matrix_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    while_norm_growth => case!(scalar while_norm_growth, while_norm_growth_grad, while_norm_growth_vjp, while_norm_growth_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    loop_break_trace => case!(scalar loop_break_trace, loop_break_trace_grad, loop_break_trace_vjp, loop_break_trace_jvp;
            |d| a / ta: (d[0], d[0]) => (&a))
        .dims(SQUARE);
    vector_writes => case!(scalar vector_writes, vector_writes_grad, vector_writes_vjp, vector_writes_jvp;
            |d| a / ta: (d[0], 1) => (&a))
        .dims(&[[1, 0, 0], [2, 0, 0], [5, 0, 0]]);
    temp_receivers => case!(scalar temp_receivers, temp_receivers_grad, temp_receivers_vjp, temp_receivers_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (&a, &b))
        .dims(ONE_MATRIX);
    by_value => case!(scalar by_value, by_value_grad, by_value_vjp, by_value_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[0], d[1]) => (a, b))
        .dims(ONE_MATRIX);
    tuple_out => case!(matrix tuple_out, tuple_out_vjp, tuple_out_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    slice_constructors => case!(scalar slice_constructors, slice_constructors_grad, slice_constructors_vjp, slice_constructors_jvp;
            |_d| x / tx: (1, 1), v / tv: (3, 1) => (x, Vec::as_slice(&v)))
        .dims(&[[0, 0, 0]])
        .salts(&[0, 1, 2]);
    loop_products => case!(scalar loop_products, loop_products_grad, loop_products_vjp, loop_products_jvp;
            |d| a / ta: (d[0], d[1]), b / tb: (d[1], d[2]) => (&a, &b))
        .dims(&[[1, 1, 1], [1, 1, 3], [3, 1, 1], [2, 2, 2], [3, 3, 2]]);
    branch_matrices => case!(scalar branch_matrices, branch_matrices_grad, branch_matrices_vjp, branch_matrices_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX)
        .salts(&[1, 9]);
    mat_pow => case!(matrix mat_pow, mat_pow_vjp, mat_pow_jvp;
            |d| a / ta: (d[0], d[0]) => (&a, 3))
        .dims(SQUARE);
    norm_scale => case!(scalar norm_scale, norm_scale_grad, norm_scale_vjp, norm_scale_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX);
    row_times_matrix => case!(scalar row_times_matrix, row_times_matrix_grad, row_times_matrix_vjp, row_times_matrix_jvp;
            |d| v / tv: (1, d[0]), m / tm: (d[0], d[1]) => (&v, &m))
        .dims(ONE_MATRIX);
    iter_loops => case!(scalar iter_loops, iter_loops_grad, iter_loops_vjp, iter_loops_jvp;
            |d| m / tm: (d[0], d[1]) => (&m))
        .dims(ONE_MATRIX);
    identity_shift => case!(scalar identity_shift, identity_shift_grad, identity_shift_vjp, identity_shift_jvp;
            |d| a / ta: (d[0], d[0]) => (&a))
        .dims(SQUARE);
    column_loop => case!(scalar column_loop, column_loop_grad, column_loop_vjp, column_loop_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    early_return_in_loop => case!(scalar early_return_in_loop, early_return_in_loop_grad, early_return_in_loop_vjp, early_return_in_loop_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    softmax_entries => case!(scalar softmax_entries, softmax_entries_grad, softmax_entries_vjp, softmax_entries_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
        .dims(ONE_MATRIX);
    struct_method => Case {
        shapes: |d| vec![(d[0], d[1]), (d[1], d[2])],
        f64s: Flavour {
            f: |d, p| {
                let (w, x) = split_two(d, p);
                vec![linear_apply(&w, &x)]
            },
            vjp: |d, p, cts| {
                let (w, x) = split_two(d, p);
                let l = Linear { w };
                let (v, pullback) = l.apply_vjp(&x);
                let pulled = cts
                    .iter()
                    .map(|c| {
                        let (gl, gx) = pullback(c[0]);
                        (gl.w, gx).flat()
                    })
                    .collect();
                (vec![v], pulled)
            },
            jvp: |d, p, t| {
                let (w, x) = split_two(d, p);
                let (tw, tx) = split_two(d, t);
                let (v, dv) = Linear { w }.apply_jvp(&x, Linear { w: tw }, tx);
                (vec![v], vec![dv])
            },
            grad: Some(|d, p| {
                let (w, x) = split_two(d, p);
                let (v, (gl, gx)) = Linear { w }.apply_grad(&x);
                (v, (gl.w, gx).flat())
            }),
        },
        f32s: None,
        dims: PRODUCT.to_vec(),
        salts: vec![0],
    };
    mlp_loss => mlp_case();
    mlp_loss_all => mlp_all_case();
}

/// `W: d0×d1` and `x: d1×d2` from a flat slice.
fn split_two(d: Dims, p: &[f64]) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = d[0] * d[1];
    (
        DMatrix::from_column_slice(d[0], d[1], &p[..n]),
        DMatrix::from_column_slice(d[1], d[2], &p[n..]),
    )
}

/// The dense layer's inputs and soft labels: `d0` samples, `d1` features, `d2` classes.
fn xent_x(d: Dims) -> DMatrix<f64> {
    DMatrix::from_fn(d[0], d[1], |i, j| {
        ((i * 5 + j * 3) as f64 * 0.53 + 0.1).cos()
    })
}

fn xent_y(d: Dims) -> DMatrix<f64> {
    let mut y = DMatrix::from_fn(d[0], d[2], |i, j| {
        0.5 + ((i + 3 * j) as f64 * 0.7).sin().abs()
    });
    for mut row in y.row_iter_mut() {
        let s = row.sum();
        row /= s;
    }
    y
}

/// Perceptron sizes `[inputs, hidden, outputs]`.
const MLP_DIMS: &[Dims] = &[[1, 1, 1], [3, 4, 2], [2, 5, 3], [4, 1, 3]];

fn mlp_shapes(d: Dims) -> Vec<(usize, usize)> {
    vec![(d[0], d[1]), (1, d[1]), (d[1], d[2]), (1, d[2])]
}

fn mlp_case() -> Case {
    Case {
        shapes: mlp_shapes,
        f64s: Flavour {
            f: |d, p| {
                let (x, y) = mlp_data(d);
                vec![mlp_loss(&Mlp::from_flat(d, p), &x, &y)]
            },
            vjp: |d, p, cts| {
                let (x, y) = mlp_data(d);
                let m = Mlp::from_flat(d, p);
                let (l, pullback) = mlp_loss_vjp(&m, &x, &y);
                (vec![l], cts.iter().map(|c| pullback(c[0]).flat()).collect())
            },
            jvp: |d, p, t| {
                let (x, y) = mlp_data(d);
                let (l, dl) = mlp_loss_jvp(&Mlp::from_flat(d, p), &x, &y, Mlp::from_flat(d, t));
                (vec![l], vec![dl])
            },
            grad: Some(|d, p| {
                let (x, y) = mlp_data(d);
                let (l, g) = mlp_loss_grad(&Mlp::from_flat(d, p), &x, &y);
                (l, g.flat())
            }),
        },
        f32s: None,
        dims: MLP_DIMS.to_vec(),
        salts: vec![3],
    }
}

/// Inputs: the model's parameters, then `x` (`BATCH×d0`), then `y` (`BATCH×d2`).
fn mlp_all_shapes(d: Dims) -> Vec<(usize, usize)> {
    let mut s = mlp_shapes(d);
    s.extend([(BATCH, d[0]), (BATCH, d[2])]);
    s
}

fn mlp_all_split(d: Dims, p: &[f64]) -> (Mlp, DMatrix<f64>, DMatrix<f64>) {
    let n = Mlp::zeros(d).num_params();
    let (x_len, y_len) = (BATCH * d[0], BATCH * d[2]);
    assert_eq!(p.len(), n + x_len + y_len);
    (
        Mlp::from_flat(d, &p[..n]),
        DMatrix::from_column_slice(BATCH, d[0], &p[n..n + x_len]),
        DMatrix::from_column_slice(BATCH, d[2], &p[n + x_len..]),
    )
}

fn mlp_all_case() -> Case {
    Case {
        shapes: mlp_all_shapes,
        f64s: Flavour {
            f: |d, p| {
                let (m, x, y) = mlp_all_split(d, p);
                vec![mlp_loss_all(&m, &x, &y)]
            },
            vjp: |d, p, cts| {
                let (m, x, y) = mlp_all_split(d, p);
                let (l, pullback) = mlp_loss_all_vjp(&m, &x, &y);
                (vec![l], cts.iter().map(|c| pullback(c[0]).flat()).collect())
            },
            jvp: |d, p, t| {
                let (m, x, y) = mlp_all_split(d, p);
                let (tm, tx, ty) = mlp_all_split(d, t);
                let (l, dl) = mlp_loss_all_jvp(&m, &x, &y, tm, tx, ty);
                (vec![l], vec![dl])
            },
            grad: Some(|d, p| {
                let (m, x, y) = mlp_all_split(d, p);
                let (l, g): (f64, (Mlp, DMatrix<f64>, DMatrix<f64>)) =
                    mlp_loss_all_grad(&m, &x, &y);
                (l, g.flat())
            }),
        },
        f32s: None,
        dims: MLP_DIMS.to_vec(),
        salts: vec![4],
    }
}

// ------------------------------------------------------------------------------------------------
// Table-level checks and the perceptron's own tests
// ------------------------------------------------------------------------------------------------

#[test]
fn corpus_size_and_coverage() {
    let cases = all_cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let with_f32 = cases.iter().filter(|(_, c)| c.f32s.is_some()).count();
    assert!(with_f32 >= 8, "{with_f32} cases in f32");
    // Every single-matrix size class appears.
    let shapes: Vec<(usize, usize)> = cases
        .iter()
        .flat_map(|(_, c)| c.dims.iter().flat_map(|&d| (c.shapes)(d)))
        .collect();
    let has = |p: &dyn Fn(usize, usize) -> bool| shapes.iter().any(|&(r, c)| p(r, c));
    assert!(has(&|r, c| r == 1 && c == 1), "1×1");
    assert!(has(&|r, c| r == 1 && c > 1), "1×n");
    assert!(has(&|r, c| r > 1 && c == 1), "n×1");
    assert!(has(&|r, c| r == c && r > 1), "square");
    assert!(has(&|r, c| r != c && r > 1 && c > 1), "non-square");
}

/// The points are away from the perceptron's relu kinks (every pre-activation is at least 1e-3
/// from zero), so central differences are meaningful.
#[test]
fn mlp_points_are_away_from_kinks() {
    for &d in MLP_DIMS {
        let n = Mlp::zeros(d).num_params();
        let m = Mlp::from_flat(d, &point(n, 3));
        let (x, _) = mlp_data(d);
        let z = autodiff::ops::add_row(&(&x * &m.w1), &m.b1);
        let closest = z.iter().fold(f64::INFINITY, |a, v| a.min(v.abs()));
        assert!(closest > 1e-3, "sizes {d:?}: a pre-activation is {closest}");
    }
}

#[test]
fn mlp_gradient_is_an_mlp_and_sgd_lowers_the_loss() {
    let d = [3, 4, 2];
    let n = Mlp::zeros(d).num_params();
    let mut m = Mlp::from_flat(d, &point(n, 3));
    let (x, y) = mlp_data(d);
    let (l0, g) = mlp_loss_grad(&m, &x, &y);
    assert_eq!(g.w1.shape(), (3, 4));
    assert_eq!(g.b1.shape(), (1, 4));
    assert_eq!(g.w2.shape(), (4, 2));
    assert_eq!(g.b2.shape(), (1, 2));
    // The default-wrt version gives the same model gradient, and x, y gradients of their shapes.
    let (l1, (gm, gx, gy)) = mlp_loss_all_grad(&m, &x, &y);
    check::assert_close(l0, l1, Tolerance::tight());
    check::assert_slices(&gm.to_flat_vec(), &g.to_flat_vec(), Tolerance::tight());
    assert_eq!((gx.shape(), gy.shape()), (x.shape(), y.shape()));
    // ∂loss/∂y = -log_softmax(logits) / batch.
    let expected_gy = -autodiff::ops::log_softmax(&m.call(&x)) / (BATCH as f64);
    check::assert_slices(gy.as_slice(), expected_gy.as_slice(), Tolerance::tight());

    let mut last = l0;
    for _ in 0..50 {
        let (l, g) = mlp_loss_grad(&m, &x, &y);
        assert!((l - last).abs() < 1e-12);
        m.add_scaled(-0.2, &g);
        last = mlp_loss(&m, &x, &y);
    }
    assert!(last < l0, "{l0} -> {last}");
}

// ------------------------------------------------------------------------------------------------
// Shape mismatches in generated code panic in the forward sweep with both shapes (the primal,
// the user's own code, keeps nalgebra's message)
// ------------------------------------------------------------------------------------------------

mod shape_mismatch {
    use super::*;

    fn two_by_three() -> DMatrix<f64> {
        DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    }

    #[test]
    #[should_panic(expected = "dimensions mismatch")]
    fn product_primal() {
        let a = two_by_three();
        let _ = matmul_sum_f64(&a, &a);
    }

    #[test]
    #[should_panic(
        expected = "`a * b`: a 2×3 matrix times a 2×3 matrix (the left's 3 columns must equal the right's 2 rows)"
    )]
    fn product_grad() {
        let a = two_by_three();
        let _ = p64::matmul_sum_grad(&a, &a);
    }

    #[test]
    #[should_panic(
        expected = "`a * b`: a 2×3 matrix times a 2×3 matrix (the left's 3 columns must equal the right's 2 rows)"
    )]
    fn product_vjp() {
        let a = two_by_three();
        let _ = p64::matmul_sum_vjp(&a, &a);
    }

    #[test]
    #[should_panic(
        expected = "`a * b`: a 2×3 matrix times a 2×3 matrix (the left's 3 columns must equal the right's 2 rows)"
    )]
    fn product_jvp() {
        let a = two_by_three();
        let _ = p64::matmul_sum_jvp(&a, &a, a.clone(), a.clone());
    }

    #[test]
    #[should_panic(
        expected = "`a - b`: the operands' shapes differ: 2×3 and 3×2 (they must be equal)"
    )]
    fn sum_grad() {
        let a = two_by_three();
        let _ = neg_sub_grad(&a, &a.transpose());
    }

    #[differentiable]
    fn component_mul_sum(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        a.component_mul(b).sum()
    }

    #[test]
    #[should_panic(expected = "`component_mul`: the operands' shapes differ: 2×3 and 3×2")]
    fn component_mul_grad() {
        let a = two_by_three();
        let _ = component_mul_sum_grad(&a, &a.transpose());
    }

    #[test]
    #[should_panic(expected = "`component_mul`: the operands' shapes differ: 2×3 and 3×2")]
    fn component_mul_jvp() {
        let a = two_by_three();
        let t = a.transpose();
        let _ = component_mul_sum_jvp(&a, &t, a.clone(), t.clone());
    }

    #[differentiable]
    fn trace_of(a: &DMatrix<f64>) -> f64 {
        a.trace()
    }

    #[test]
    #[should_panic(expected = "Cannot compute the trace of non-square matrix")]
    fn trace_grad() {
        let _ = trace_of_grad(&two_by_three());
    }

    #[differentiable]
    fn dot_of(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        a.dot(b)
    }

    #[test]
    #[should_panic(expected = "`dot`: the operands' shapes differ: 2×3 and 3×2")]
    fn dot_grad() {
        let a = two_by_three();
        let _ = dot_of_grad(&a, &a.transpose());
    }

    fn matmul_sum_f64(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        p64::matmul_sum(a, b)
    }
}

// ------------------------------------------------------------------------------------------------
// The harness itself
// ------------------------------------------------------------------------------------------------

/// Both branches of the control-flow cases are taken at the corpus's points.
#[test]
fn control_flow_cases_take_every_branch() {
    let sums: Vec<f64> = ONE_MATRIX
        .iter()
        .flat_map(|d| [1, 9].map(|salt| point(d[0] * d[1], salt).iter().sum::<f64>()))
        .collect();
    // Away from the branch's kink at Σ = 0.
    assert!(sums.iter().all(|s| s.abs() > 0.1), "norm_control: {sums:?}");
    let signs: Vec<bool> = sums.iter().map(|&s| s > 0.0).collect();
    assert!(
        signs.contains(&true) && signs.contains(&false),
        "norm_control: {signs:?}"
    );
    let long: Vec<bool> = ONE_MATRIX
        .iter()
        .map(|d| {
            let x = point(d[0] * d[1], 0);
            let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!((norm - 2.0).abs() > 0.05, "early_return_norm: ‖x‖ = {norm}");
            norm > 2.0
        })
        .collect();
    assert!(
        long.contains(&true) && long.contains(&false),
        "early_return_norm: {long:?}"
    );
}

/// A pullback that is wrong in one entry is reported.
#[test]
#[should_panic(expected = "pullback of the cotangent")]
fn harness_catches_a_wrong_pullback() {
    let mut case = case!(scalar transposes, transposes_grad, transposes_vjp, transposes_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
    .dims(&[[2, 3, 0]]);
    case.f64s.vjp = |d, x, cts| {
        let a = DMatrix::from_column_slice(d[0], d[1], x);
        let (y, pullback) = transposes_vjp(&a);
        let pulled = cts
            .iter()
            .map(|c| {
                let mut g = pullback(c[0]).flat();
                g[4] *= 1.001;
                g
            })
            .collect();
        (vec![y], pulled)
    };
    run("wrong_pullback", case);
}

/// A tangent that is wrong in one direction is reported.
#[test]
#[should_panic(expected = "jvp vs directional finite difference")]
fn harness_catches_a_wrong_tangent() {
    let mut case = case!(matrix gram, gram_vjp, gram_jvp;
            |d| a / ta: (d[0], d[1]) => (&a))
    .dims(&[[3, 2, 0]]);
    case.f64s.jvp = |d, x, t| {
        let a = DMatrix::from_column_slice(d[0], d[1], x);
        let mut ta = DMatrix::from_column_slice(d[0], d[1], t);
        ta[(2, 1)] *= 0.999;
        let (y, dy) = gram_jvp(&a, ta);
        (y.flat(), dy.flat())
    };
    run("wrong_tangent", case);
}
