//! Every matrix rule and companion against central finite differences, entry by entry: the full
//! Jacobian from finite differences is compared with the Jacobian built row by row from the
//! pullback (basis cotangents) and column by column from the tangent companion (basis tangents),
//! on shapes 1×1, 1×n, n×1, square and non-square; plus jvp/vjp consistency on random directions,
//! symbolic-zero handling, and forward-sweep panics on shape errors.

use nalgebra::allocator::Allocator;
use nalgebra::{
    DMatrix, DVector, DefaultAllocator, Dim, Matrix2, Matrix2x3, OMatrix, RowDVector, SMatrix,
    SVector, Vector3,
};

use super::{DMatrixConstructors, DVectorConstructors, MatrixMethods, SMatrixConstructors};
use crate::__private::{GradSlot, NoGrad, NoTangent, Tg};
use crate::adjoint::{Adjoint, ZeroLike};
use crate::check::{Tolerance, assert_close, assert_slices};
use crate::differentiable::Differentiable;
use crate::rules::{DivRule, MulRule};
use crate::shape::{IndexShape, ShapeAdjoint};

const H: f64 = 1e-6;

/// For conventions, real zeros and values that are copied or routed rather than computed.
const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
/// Between two computations of the same `f64` quantity.
const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);

/// The same shape and every entry within `tol`.
#[track_caller]
fn assert_matrix<R: Dim, C: Dim>(
    got: &OMatrix<f64, R, C>,
    want: &OMatrix<f64, R, C>,
    tol: Tolerance,
) where
    DefaultAllocator: Allocator<R, C>,
{
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    assert_slices(got.as_slice(), want.as_slice(), tol);
}

/// `f32` values within `1e-6` (absolute and relative) of what they should be.
#[track_caller]
fn assert_slices_f32(got: &[f32], want: &[f32]) {
    let widen = |v: &[f32]| -> Vec<f64> { v.iter().map(|&x| f64::from(x)).collect() };
    assert_slices(&widen(got), &widen(want), Tolerance::new(1e-6, 1e-6));
}

/// `|a - b| <= 1e-6 (1 + max(|a|, |b|))`: central differences with `h = 1e-6` are good to about
/// 1e-9 relative here, the rules themselves to rounding.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// A value that can be flattened into (and rebuilt from) its entries, column-major.
trait Flat: Clone {
    fn flat(&self) -> Vec<f64>;
    fn like(&self, v: &[f64]) -> Self;
    fn dims(&self) -> (usize, usize);
}

impl Flat for f64 {
    fn flat(&self) -> Vec<f64> {
        vec![*self]
    }
    fn like(&self, v: &[f64]) -> Self {
        v[0]
    }
    fn dims(&self) -> (usize, usize) {
        (1, 1)
    }
}

impl Flat for Vec<f64> {
    fn flat(&self) -> Vec<f64> {
        self.clone()
    }
    fn like(&self, v: &[f64]) -> Self {
        v.to_vec()
    }
    fn dims(&self) -> (usize, usize) {
        (self.len(), 1)
    }
}

impl<R: Dim, C: Dim> Flat for OMatrix<f64, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    fn flat(&self) -> Vec<f64> {
        self.iter().copied().collect()
    }
    fn like(&self, v: &[f64]) -> Self {
        let (r, c) = self.shape_generic();
        OMatrix::from_iterator_generic(r, c, v.iter().copied())
    }
    fn dims(&self) -> (usize, usize) {
        self.shape()
    }
}

/// Deterministic pseudo-random numbers in `[-1, 1]`.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
    fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.next()).collect()
    }
    /// Entries bounded away from zero (denominators): `±[0.5, 1.5]`.
    fn away(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let x = self.next();
                x.signum() * (0.5 + x.abs())
            })
            .collect()
    }
    fn mat(&mut self, r: usize, c: usize) -> DMatrix<f64> {
        DMatrix::from_vec(r, c, self.vec(r * c))
    }
}

/// The gradient slot as a flat vector (`None` = zeros), checking a present one has `x`'s shape.
fn slot_flat<X: Flat>(name: &str, slot: Option<X>, x: &X) -> Vec<f64> {
    match slot {
        Some(g) => {
            assert_eq!(g.dims(), x.dims(), "{name}: gradient shape");
            g.flat()
        }
        None => vec![0.0; x.flat().len()],
    }
}

type FlatFn<'a> = Box<dyn Fn(&[Vec<f64>]) -> Vec<f64> + 'a>;
type FlatVjp<'a> = Box<dyn Fn(&[Vec<f64>], &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) + 'a>;
type FlatJvp<'a> = Box<dyn Fn(&[Vec<f64>], &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) + 'a>;

/// Flat-form operation under test: inputs are flat vectors.
struct Flattened<'a> {
    name: String,
    x: Vec<Vec<f64>>,
    f: FlatFn<'a>,
    /// (value, gradient per input) for a cotangent.
    vjp: FlatVjp<'a>,
    /// (value, tangent) for one tangent per input.
    jvp: FlatJvp<'a>,
}

/// The whole check: values, the finite-difference Jacobian entry by entry against the pullback
/// and the tangent companion, and ⟨ȳ, J ṫ⟩ = ⟨Jᵀ ȳ, ṫ⟩ on random directions. Returns the
/// number of Jacobian entries compared.
fn check_flat(op: Flattened<'_>) -> usize {
    let name = &op.name;
    let x = &op.x;
    let y = (op.f)(x);
    let m = y.len();
    let zeros: Vec<Vec<f64>> = x.iter().map(|v| vec![0.0; v.len()]).collect();
    // Values of both companions equal the primal.
    let (yv, _) = (op.vjp)(x, &vec![0.0; m]);
    let (yj, _) = (op.jvp)(x, &zeros);
    for k in 0..m {
        assert!(close(yv[k], y[k]) && close(yj[k], y[k]), "{name}: value");
    }
    // Rows of J from the pullback.
    let rows: Vec<Vec<Vec<f64>>> = (0..m)
        .map(|k| {
            let mut c = vec![0.0; m];
            c[k] = 1.0;
            (op.vjp)(x, &c).1
        })
        .collect();
    let mut entries = 0;
    for (i, xi) in x.iter().enumerate() {
        for l in 0..xi.len() {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[i][l] += H;
            xm[i][l] -= H;
            let (fp, fm) = ((op.f)(&xp), (op.f)(&xm));
            let mut t = zeros.clone();
            t[i][l] = 1.0;
            let (_, jcol) = (op.jvp)(x, &t);
            for k in 0..m {
                let fd = (fp[k] - fm[k]) / (2.0 * H);
                assert!(
                    close(rows[k][i][l], fd),
                    "{name}: vjp J[{k}][{i}:{l}] = {} vs finite difference {fd}",
                    rows[k][i][l]
                );
                assert!(
                    close(jcol[k], fd),
                    "{name}: jvp J[{k}][{i}:{l}] = {} vs finite difference {fd}",
                    jcol[k]
                );
                entries += 1;
            }
        }
    }
    // ⟨ȳ, J ṫ⟩ = ⟨Jᵀȳ, ṫ⟩ for random ȳ, ṫ.
    let mut rng = Lcg(name.len() as u64 * 7919 + 17);
    for _ in 0..3 {
        let ybar = rng.vec(m);
        let tdot: Vec<Vec<f64>> = x.iter().map(|v| rng.vec(v.len())).collect();
        let (_, jt) = (op.jvp)(x, &tdot);
        let (_, jty) = (op.vjp)(x, &ybar);
        let lhs: f64 = ybar.iter().zip(&jt).map(|(a, b)| a * b).sum();
        let rhs: f64 = jty
            .iter()
            .zip(&tdot)
            .flat_map(|(g, t)| g.iter().zip(t).map(|(a, b)| a * b))
            .sum();
        assert!(
            close(lhs, rhs),
            "{name}: <ybar, J t> = {lhs} vs <J^T ybar, t> = {rhs}"
        );
    }
    entries
}

/// Checks a one-input operation `y = f(x)`.
fn check1<X: Flat, Y: Flat>(
    name: &str,
    x: X,
    f: impl Fn(&X) -> Y,
    vjp: impl Fn(&X, Y) -> (Y, Option<X>),
    jvp: impl Fn(&X, X) -> (Y, Y),
) -> usize {
    let y0 = f(&x);
    let (x0, x1, y0r, n) = (x.clone(), x.clone(), y0.clone(), name.to_string());
    check_flat(Flattened {
        name: name.to_string(),
        x: vec![x.flat()],
        f: Box::new(move |v| f(&x1.like(&v[0])).flat()),
        vjp: Box::new(move |v, g| {
            let xv = x.like(&v[0]);
            let (y, s) = vjp(&xv, y0r.like(g));
            (y.flat(), vec![slot_flat(&n, s, &xv)])
        }),
        jvp: Box::new(move |v, t| {
            let xv = x0.like(&v[0]);
            let (y, dy) = jvp(&xv, xv.like(&t[0]));
            assert_eq!(dy.dims(), y0.dims(), "tangent shape");
            (y.flat(), dy.flat())
        }),
    })
}

/// Checks a two-input operation `y = f(a, b)`.
#[allow(clippy::type_complexity)]
fn check2<A: Flat, B: Flat, Y: Flat>(
    name: &str,
    a: A,
    b: B,
    f: impl Fn(&A, &B) -> Y,
    vjp: impl Fn(&A, &B, Y) -> (Y, Option<A>, Option<B>),
    jvp: impl Fn(&A, &B, A, B) -> (Y, Y),
) -> usize {
    let y0 = f(&a, &b);
    let n = name.to_string();
    let (a0, b0, a1, b1) = (a.clone(), b.clone(), a.clone(), b.clone());
    check_flat(Flattened {
        name: name.to_string(),
        x: vec![a.flat(), b.flat()],
        f: Box::new(move |v| f(&a0.like(&v[0]), &b0.like(&v[1])).flat()),
        vjp: Box::new(move |v, g| {
            let (av, bv) = (a.like(&v[0]), b.like(&v[1]));
            let (y, sa, sb) = vjp(&av, &bv, y0.like(g));
            let ga = slot_flat(&n, sa, &av);
            let gb = slot_flat(&n, sb, &bv);
            (y.flat(), vec![ga, gb])
        }),
        jvp: Box::new(move |v, t| {
            let (av, bv) = (a1.like(&v[0]), b1.like(&v[1]));
            let (y, dy) = jvp(&av, &bv, av.like(&t[0]), bv.like(&t[1]));
            (y.flat(), dy.flat())
        }),
    })
}

const SHAPES: [(usize, usize); 7] = [(1, 1), (1, 4), (4, 1), (3, 3), (2, 3), (3, 2), (2, 2)];

// ----- rules ---------------------------------------------------------------------------------

fn mul_rule<A, B>(name: &str, a: A, b: B) -> usize
where
    A: Flat + MulRule<B, LhsAdj = A, RhsAdj = B> + core::ops::Mul<B, Output = A::Out>,
    B: Flat,
    A::Out: Flat + Clone + core::ops::Add<Output = A::Out>,
{
    check2(
        name,
        a,
        b,
        |a, b| a.clone() * b.clone(),
        |a, b, g| {
            let da = A::d_lhs(g.clone(), a, b);
            let db = A::d_rhs(g, a, b);
            (a.clone() * b.clone(), Some(da), Some(db))
        },
        |a, b, ta, tb| {
            (
                a.clone() * b.clone(),
                A::t_lhs(ta, a, b) + A::t_rhs(tb, a, b),
            )
        },
    )
}

#[test]
fn matrix_times_matrix_all_shapes() {
    let mut rng = Lcg(1);
    let mut n = 0;
    // (m, k, n): 1×1, inner and outer products, row × matrix, matrix × vector, square, non-square.
    for (m, k, p) in [
        (1, 1, 1),
        (1, 3, 1),
        (3, 1, 2),
        (1, 3, 4),
        (3, 4, 1),
        (3, 3, 3),
        (2, 3, 4),
        (4, 2, 3),
    ] {
        let (a, b) = (rng.mat(m, k), rng.mat(k, p));
        n += mul_rule(&format!("DMatrix {m}x{k} * {k}x{p}"), a, b);
    }
    // Dynamic vectors: matrix × vector, row × matrix, outer and inner products.
    let v = DVector::from_vec(rng.vec(3));
    let w = RowDVector::from_vec(rng.vec(4));
    n += mul_rule("DMatrix * DVector", rng.mat(2, 3), v.clone());
    n += mul_rule("RowDVector * DMatrix", w.clone(), rng.mat(4, 2));
    n += mul_rule("DVector * RowDVector", v.clone(), w.clone());
    n += mul_rule("RowDVector * DVector", RowDVector::from_vec(rng.vec(3)), v);
    // Static shapes.
    let s23 = Matrix2x3::from_iterator(rng.vec(6));
    n += mul_rule(
        "Matrix2x3 * Vector3",
        s23,
        Vector3::from_iterator(rng.vec(3)),
    );
    n += mul_rule(
        "Matrix2x3 * SMatrix<3, 4>",
        s23,
        SMatrix::<f64, 3, 4>::from_iterator(rng.vec(12)),
    );
    n += mul_rule(
        "Matrix2 * Matrix2",
        Matrix2::from_iterator(rng.vec(4)),
        Matrix2::from_iterator(rng.vec(4)),
    );
    assert!(n > 200);
}

#[test]
fn scalar_times_matrix_and_matrix_times_scalar() {
    let mut rng = Lcg(2);
    for (r, c) in SHAPES {
        let m = rng.mat(r, c);
        let s = rng.next();
        mul_rule(&format!("f64 * DMatrix {r}x{c}"), s, m.clone());
        mul_rule(&format!("DMatrix {r}x{c} * f64"), m, s);
    }
    mul_rule(
        "f64 * SVector<3>",
        0.7,
        SVector::<f64, 3>::from_iterator(rng.vec(3)),
    );
    mul_rule("RowDVector * f64", RowDVector::from_vec(rng.vec(3)), -1.3);
    mul_rule("Matrix2x3 * f64", Matrix2x3::from_iterator(rng.vec(6)), 2.5);
}

fn div_rule<A>(name: &str, a: A, s: f64) -> usize
where
    A: Flat + DivRule<f64, LhsAdj = A, RhsAdj = f64> + core::ops::Div<f64, Output = A::Out>,
    A::Out: Flat + Clone + core::ops::Add<Output = A::Out>,
{
    check2(
        name,
        a,
        s,
        |a, s| a.clone() / *s,
        |a, s, g| {
            let da = A::d_lhs(g.clone(), a, s);
            let ds = A::d_rhs(g, a, s);
            (a.clone() / *s, Some(da), Some(ds))
        },
        |a, s, ta, ts| (a.clone() / *s, A::t_lhs(ta, a, s) + A::t_rhs(ts, a, s)),
    )
}

#[test]
fn matrix_over_scalar() {
    let mut rng = Lcg(3);
    for (r, c) in SHAPES {
        div_rule(
            &format!("DMatrix {r}x{c} / f64"),
            rng.mat(r, c),
            0.5 + rng.next().abs(),
        );
    }
    div_rule("DVector / f64", DVector::from_vec(rng.vec(4)), -0.8);
    div_rule("SMatrix / f64", Matrix2x3::from_iterator(rng.vec(6)), 1.7);
}

#[test]
fn rules_read_an_empty_cotangent_as_zero() {
    let a = DMatrix::from_element(2, 3, 1.0);
    let b = DMatrix::from_element(3, 4, 2.0);
    let z = DMatrix::<f64>::zero_adj();
    let da = <DMatrix<f64> as MulRule<DMatrix<f64>>>::d_lhs(z.clone(), &a, &b);
    let db = <DMatrix<f64> as MulRule<DMatrix<f64>>>::d_rhs(z.clone(), &a, &b);
    assert!(da.is_empty() && db.is_empty());
    assert_close(
        <f64 as MulRule<DMatrix<f64>>>::d_lhs(z.clone(), &2.0, &a),
        0.0,
        EXACT,
    );
    assert_close(
        <DMatrix<f64> as MulRule<f64>>::d_rhs(z.clone(), &a, &2.0),
        0.0,
        EXACT,
    );
    assert_close(
        <DMatrix<f64> as DivRule<f64>>::d_rhs(z, &a, &2.0),
        0.0,
        EXACT,
    );
    // An empty tangent stands for zero too (forward mode never makes one, but be safe).
    let t = <DMatrix<f64> as MulRule<DMatrix<f64>>>::t_lhs(DMatrix::zero_adj(), &a, &b);
    assert_eq!(t.shape(), (2, 4));
    assert_matrix(&t, &DMatrix::zeros(2, 4), EXACT);
}

// ----- methods -------------------------------------------------------------------------------

/// Checks a matrix → scalar method on one matrix.
fn scalar_method<X: Flat + MatrixMethods<Elem = f64>>(
    name: &str,
    x: X,
    f: impl Fn(&X) -> f64,
    vjp: impl Fn(&X, f64) -> (f64, Option<X>),
    jvp: impl Fn(&X, X) -> (f64, f64),
) -> usize {
    check1(name, x, f, vjp, jvp)
}

macro_rules! scalar_methods {
    ($x:expr, $label:expr; $($name:ident / $rev:ident),*) => {{
        let mut n = 0;
        $(
            n += scalar_method(
                &format!("{} {}", stringify!($name), $label),
                $x.clone(),
                |m| m.$name(),
                |m, g| {
                    let (y, pb) = m.$rev();
                    (y, pb(g).0)
                },
                |m, t| paste_tangent!(m, $name, t),
            );
        )*
        n
    }};
}

macro_rules! paste_tangent {
    ($m:ident, sum, $t:ident) => {
        $m.__sum_forward_derivative_53e1bc265e5ac777722fc8d91a9c8fc2(Tg($t))
    };
    ($m:ident, mean, $t:ident) => {
        $m.__mean_forward_derivative_9ea271bb9eef3ecd024829a08b794bba(Tg($t))
    };
    ($m:ident, norm, $t:ident) => {
        $m.__norm_forward_derivative_3500d8c7563b296aeabd9295ad7e2c45(Tg($t))
    };
    ($m:ident, norm_squared, $t:ident) => {
        $m.__norm_squared_forward_derivative_e9c3647f6738a174b453dac84743749b(Tg($t))
    };
    ($m:ident, max, $t:ident) => {
        $m.__max_forward_derivative_d92d95261872593231713fd98722e33f(Tg($t))
    };
    ($m:ident, min, $t:ident) => {
        $m.__min_forward_derivative_d9127f26185b6c1831562dd9870bfcf1(Tg($t))
    };
    ($m:ident, trace, $t:ident) => {
        $m.__trace_forward_derivative_333511804ffacbb5802c2bb6d0b13c64(Tg($t))
    };
}

#[test]
fn reductions_all_shapes() {
    let mut rng = Lcg(4);
    let mut n = 0;
    for (r, c) in SHAPES {
        let m = rng.mat(r, c);
        n += scalar_methods!(m, format!("DMatrix {r}x{c}");
            sum / __sum_derivative_abd6b2ddb77fdda1838e139bbcac66d8,
            mean / __mean_derivative_a27038e370142473d4ea4436bbbc8fe4,
            norm / __norm_derivative_2b183fcaa8dfee90d0d44d4eac82ed3f,
            norm_squared / __norm_squared_derivative_877fa68362f7edeeb1ff8102970f70a1,
            max / __max_derivative_c8c46fdd365bcaf01ec8069c14663309,
            min / __min_derivative_c8a985dd3645289a1ead189c144f89e7);
    }
    for k in [1, 3] {
        let m = rng.mat(k, k);
        n += scalar_methods!(m, format!("DMatrix {k}x{k}"); trace / __trace_derivative_9c0de79288a231930477ea858feb81de);
    }
    let v = DVector::from_vec(rng.vec(4));
    n += scalar_methods!(v, "DVector";
        sum / __sum_derivative_abd6b2ddb77fdda1838e139bbcac66d8, norm / __norm_derivative_2b183fcaa8dfee90d0d44d4eac82ed3f, max / __max_derivative_c8c46fdd365bcaf01ec8069c14663309);
    let w = RowDVector::from_vec(rng.vec(3));
    n += scalar_methods!(w, "RowDVector"; mean / __mean_derivative_a27038e370142473d4ea4436bbbc8fe4, min / __min_derivative_c8a985dd3645289a1ead189c144f89e7);
    let s = Matrix2x3::from_iterator(rng.vec(6));
    n += scalar_methods!(s, "Matrix2x3";
        sum / __sum_derivative_abd6b2ddb77fdda1838e139bbcac66d8, norm_squared / __norm_squared_derivative_877fa68362f7edeeb1ff8102970f70a1,
        max / __max_derivative_c8c46fdd365bcaf01ec8069c14663309);
    let q = Matrix2::from_iterator(rng.vec(4));
    n += scalar_methods!(q, "Matrix2"; trace / __trace_derivative_9c0de79288a231930477ea858feb81de);
    assert!(n > 100);
}

/// Checks a matrix → matrix method on one matrix.
fn matrix_method<X: Flat, Y: Flat>(
    name: &str,
    x: X,
    f: impl Fn(&X) -> Y,
    vjp: impl Fn(&X, Y) -> (Y, Option<X>),
    jvp: impl Fn(&X, X) -> (Y, Y),
) -> usize {
    check1(name, x, f, vjp, jvp)
}

fn shape_methods<R: Dim, C: Dim>(label: &str, m: OMatrix<f64, R, C>) -> usize
where
    OMatrix<f64, R, C>: MatrixMethods<
            Elem = f64,
            Transposed = OMatrix<f64, C, R>,
            Row = OMatrix<f64, nalgebra::U1, C>,
            Column = OMatrix<f64, R, nalgebra::U1>,
            Rows = OMatrix<f64, nalgebra::Dyn, C>,
            Columns = OMatrix<f64, R, nalgebra::Dyn>,
        >,
    DefaultAllocator: Allocator<R, C>
        + Allocator<C, R>
        + Allocator<nalgebra::U1, C>
        + Allocator<R, nalgebra::U1>
        + Allocator<nalgebra::Dyn, C>
        + Allocator<R, nalgebra::Dyn>,
{
    let (r, c) = m.shape();
    let mut n = matrix_method(
        &format!("transpose {label}"),
        m.clone(),
        |m| m.transpose(),
        |m, g| {
            let (y, pb) = m.__transpose_derivative_0e2ef31f5c498fed1d0ad70287a617d0();
            (y, pb(g).0)
        },
        |m, t| m.__transpose_forward_derivative_fcc25ac11543f4eb624d3e0957fbddda(Tg(t)),
    );
    for i in [0, r - 1] {
        n += matrix_method(
            &format!("row({i}) {label}"),
            m.clone(),
            |m| m.row(i).into_owned(),
            |m, g| {
                let (y, pb) = m.__row_derivative_a16c6fddb11a6c428aba569bc050014b(i);
                let (d, NoGrad) = pb(g);
                (y, d.into_adjoint())
            },
            |m, t| m.__row_forward_derivative_4c7e9d265a8827c079a0d7d91e7b51a5(i, Tg(t), NoTangent),
        );
        let k = r - i;
        n += matrix_method(
            &format!("rows({i}, {k}) {label}"),
            m.clone(),
            |m| m.rows(i, k).into_owned(),
            |m, g| {
                let (y, pb) = m.__rows_derivative_65ae46b3efe5d7430aa262a7c7f21228(i, k);
                (y, pb(g).0.into_adjoint())
            },
            |m, t| {
                m.__rows_forward_derivative_834cbb2bd55b752927a09beecb8c0ea2(
                    i,
                    k,
                    Tg(t),
                    NoTangent,
                    NoTangent,
                )
            },
        );
    }
    for j in [0, c - 1] {
        n += matrix_method(
            &format!("column({j}) {label}"),
            m.clone(),
            |m| m.column(j).into_owned(),
            |m, g| {
                let (y, pb) = m.__column_derivative_e377aba294954d047ebcc21d5727c137(j);
                (y, pb(g).0.into_adjoint())
            },
            |m, t| {
                m.__column_forward_derivative_de02a3630eb70276daa060e0f5653725(j, Tg(t), NoTangent)
            },
        );
        let k = c - j;
        n += matrix_method(
            &format!("columns({j}, {k}) {label}"),
            m.clone(),
            |m| m.columns(j, k).into_owned(),
            |m, g| {
                let (y, pb) = m.__columns_derivative_19a61c4279b2a135827f1bdb188d668c(j, k);
                (y, pb(g).0.into_adjoint())
            },
            |m, t| {
                m.__columns_forward_derivative_f57da65200f86e7fe3bbf440fafd0722(
                    j,
                    k,
                    Tg(t),
                    NoTangent,
                    NoTangent,
                )
            },
        );
    }
    n
}

#[test]
fn transpose_rows_and_columns_all_shapes() {
    let mut rng = Lcg(5);
    let mut n = 0;
    for (r, c) in SHAPES {
        n += shape_methods(&format!("DMatrix {r}x{c}"), rng.mat(r, c));
    }
    n += shape_methods("DVector", DVector::from_vec(rng.vec(3)));
    n += shape_methods("RowDVector", RowDVector::from_vec(rng.vec(4)));
    n += shape_methods("Matrix2x3", Matrix2x3::from_iterator(rng.vec(6)));
    n += shape_methods("SVector<4>", SVector::<f64, 4>::from_iterator(rng.vec(4)));
    assert!(n > 300);
}

fn binary_methods<R: Dim, C: Dim>(
    label: &str,
    a: OMatrix<f64, R, C>,
    b: OMatrix<f64, R, C>,
) -> usize
where
    OMatrix<f64, R, C>: MatrixMethods<Elem = f64>,
    DefaultAllocator: Allocator<R, C>,
{
    let mut n = check2(
        &format!("component_mul {label}"),
        a.clone(),
        b.clone(),
        |a, b| a.component_mul(b),
        |a, b, g| {
            let (y, pb) = a.__component_mul_derivative_4186bd9953091fa094db8f9eb8a3cbc9(b);
            let (da, db) = pb(g);
            (y, da, db)
        },
        |a, b, ta, tb| {
            a.__component_mul_forward_derivative_a8f930e118925412c947a4d6eb2d2397(b, Tg(ta), Tg(tb))
        },
    );
    n += check2(
        &format!("component_div {label}"),
        a.clone(),
        b.clone(),
        |a, b| a.component_div(b),
        |a, b, g| {
            let (y, pb) = a.__component_div_derivative_f228689925adcc31e48ae49ee6437660(b);
            let (da, db) = pb(g);
            (y, da, db)
        },
        |a, b, ta, tb| {
            a.__component_div_forward_derivative_5d01d7e0ee1bd5d78ee78dd6cac0f0a2(b, Tg(ta), Tg(tb))
        },
    );
    n += check2(
        &format!("dot {label}"),
        a,
        b,
        |a, b| a.dot(b),
        |a, b, g| {
            let (y, pb) = a.__dot_derivative_061790dd5949fa55e166dd9bf16bb8b0(b);
            let (da, db) = pb(g);
            (y, da, db)
        },
        |a, b, ta, tb| {
            a.__dot_forward_derivative_8d222625edeb0c8bf3e816d9640716d2(b, Tg(ta), Tg(tb))
        },
    );
    n
}

#[test]
fn componentwise_and_dot_all_shapes() {
    let mut rng = Lcg(6);
    let mut n = 0;
    for (r, c) in SHAPES {
        let a = rng.mat(r, c);
        let b = DMatrix::from_vec(r, c, rng.away(r * c));
        n += binary_methods(&format!("DMatrix {r}x{c}"), a, b);
    }
    n += binary_methods(
        "DVector",
        DVector::from_vec(rng.vec(3)),
        DVector::from_vec(rng.away(3)),
    );
    n += binary_methods(
        "Matrix2x3",
        Matrix2x3::from_iterator(rng.vec(6)),
        Matrix2x3::from_iterator(rng.away(6)),
    );
    assert!(n > 200);
}

#[test]
fn max_and_min_ties_go_to_the_first_element() {
    let m = DMatrix::from_row_slice(2, 2, &[3.0, 1.0, 3.0, 1.0]); // column-major: 3, 3, 1, 1
    let (y, pb) = m.__max_derivative_c8c46fdd365bcaf01ec8069c14663309();
    assert_close(y, 3.0, EXACT);
    let g = pb(1.0).0.expect("a gradient");
    assert_slices(g.as_slice(), &[1.0, 0.0, 0.0, 0.0], EXACT);
    let (y, pb) = m.__min_derivative_c8a985dd3645289a1ead189c144f89e7();
    assert_close(y, 1.0, EXACT);
    assert_slices(
        pb(2.0).0.expect("a gradient").as_slice(),
        &[0.0, 0.0, 2.0, 0.0],
        EXACT,
    );
    let t = DMatrix::from_column_slice(2, 2, &[10.0, 20.0, 30.0, 40.0]);
    assert_close(
        m.__max_forward_derivative_d92d95261872593231713fd98722e33f(Tg(t.clone()))
            .1,
        10.0,
        EXACT,
    );
    assert_close(
        m.__min_forward_derivative_d9127f26185b6c1831562dd9870bfcf1(Tg(t))
            .1,
        30.0,
        EXACT,
    );
}

#[test]
fn norm_at_zero_has_zero_gradient_and_empty_reductions_have_none() {
    let z = DMatrix::<f64>::zeros(2, 2);
    let (y, pb) = z.__norm_derivative_2b183fcaa8dfee90d0d44d4eac82ed3f();
    assert_close(y, 0.0, EXACT);
    assert!(pb(1.0).0.is_none());
    assert_close(
        z.__norm_forward_derivative_3500d8c7563b296aeabd9295ad7e2c45(Tg(DMatrix::from_element(
            2, 2, 1.0,
        )))
        .1,
        0.0,
        EXACT,
    );
    let e = DMatrix::<f64>::zeros(0, 3);
    let (y, pb) = e.__mean_derivative_a27038e370142473d4ea4436bbbc8fe4();
    assert_close(y, 0.0, EXACT);
    assert!(pb(1.0).0.is_none());
    let (_, pb) = e.__max_derivative_c8c46fdd365bcaf01ec8069c14663309();
    assert!(pb(1.0).0.is_none());
}

#[test]
fn method_pullbacks_read_an_empty_cotangent_as_zero() {
    let m = DMatrix::from_element(2, 3, 1.5);
    let b = DMatrix::from_element(2, 3, 0.5);
    assert!(
        m.__transpose_derivative_0e2ef31f5c498fed1d0ad70287a617d0()
            .1(DMatrix::zero_adj())
        .0
        .into_adjoint()
        .is_none()
    );
    let (da, db) = m
        .__component_mul_derivative_4186bd9953091fa094db8f9eb8a3cbc9(&b)
        .1(DMatrix::zero_adj());
    assert!(da.is_none() && db.is_none());
    let (da, db) = m
        .__component_div_derivative_f228689925adcc31e48ae49ee6437660(&b)
        .1(DMatrix::zero_adj());
    assert!(da.is_none() && db.is_none());
    assert!(
        m.__row_derivative_a16c6fddb11a6c428aba569bc050014b(1).1(RowDVector::zero_adj())
            .0
            .into_adjoint()
            .is_none()
    );
    assert!(
        m.__column_derivative_e377aba294954d047ebcc21d5727c137(2).1(DVector::zero_adj())
            .0
            .into_adjoint()
            .is_none()
    );
    assert!(
        m.__rows_derivative_65ae46b3efe5d7430aa262a7c7f21228(0, 2).1(DMatrix::zero_adj())
            .0
            .into_adjoint()
            .is_none()
    );
    assert!(
        m.__columns_derivative_19a61c4279b2a135827f1bdb188d668c(1, 2)
            .1(DMatrix::zero_adj())
        .0
        .into_adjoint()
        .is_none()
    );
}

#[test]
fn constant_operands_get_zero_tangents() {
    let a = DMatrix::<f64>::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    let b = DMatrix::from_row_slice(2, 2, &[5.0, 6.0, 7.0, 8.0]);
    let ta = DMatrix::from_element(2, 2, 1.0);
    let (_, t) = a.__component_mul_forward_derivative_a8f930e118925412c947a4d6eb2d2397(
        &b,
        Tg(ta.clone()),
        NoTangent,
    );
    assert!((t - &b).abs().max() < 1e-15);
    let (_, t) = a.__dot_forward_derivative_8d222625edeb0c8bf3e816d9640716d2(&b, NoTangent, Tg(ta));
    assert!((t - a.sum()).abs() < 1e-15);
    let (_, t) = a.__sum_forward_derivative_53e1bc265e5ac777722fc8d91a9c8fc2(NoTangent);
    assert_close(t, 0.0, EXACT);
}

// ----- constructors --------------------------------------------------------------------------

#[test]
fn dmatrix_constructors() {
    let mut rng = Lcg(7);
    let mut n = 0;
    for (r, c) in SHAPES {
        n += check1(
            &format!("DMatrix::from_element({r}, {c})"),
            rng.next(),
            |x| DMatrix::from_element(r, c, *x),
            |x, g| {
                let (y, pb) =
                    DMatrix::__from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(r, c, *x);
                let (NoGrad, NoGrad, d) = pb(g);
                (y, d)
            },
            |x, t| {
                DMatrix::__from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
                    r,
                    c,
                    *x,
                    NoTangent,
                    NoTangent,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("DMatrix::from_row_slice({r}, {c})"),
            rng.vec(r * c),
            |v| DMatrix::from_row_slice(r, c, v),
            |v, g| {
                let (y, pb) =
                    DMatrix::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(r, c, v);
                (y, pb(g).2)
            },
            |v, t| {
                DMatrix::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
                    r,
                    c,
                    v,
                    NoTangent,
                    NoTangent,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("DMatrix::from_column_slice({r}, {c})"),
            rng.vec(r * c),
            |v| DMatrix::from_column_slice(r, c, v),
            |v, g| {
                let (y, pb) =
                    DMatrix::__from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
                        r, c, v,
                    );
                (y, pb(g).2)
            },
            |v, t| {
                DMatrix::__from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb(
                    r,
                    c,
                    v,
                    NoTangent,
                    NoTangent,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("DMatrix::from_vec({r}, {c})"),
            rng.vec(r * c),
            |v| DMatrix::from_vec(r, c, v.clone()),
            |v, g| {
                let (y, pb) = DMatrix::__from_vec_derivative_6f246a0b7331755b873dd897216bb55c(
                    r,
                    c,
                    v.clone(),
                );
                (y, pb(g).2)
            },
            |v, t| {
                DMatrix::__from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
                    r,
                    c,
                    v.clone(),
                    NoTangent,
                    NoTangent,
                    Tg(t),
                )
            },
        );
    }
    assert!(n > 150);
}

#[test]
fn row_slice_gradient_is_in_row_major_order() {
    let (_, pb) = DMatrix::<f64>::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        2, 3, &[0.0; 6],
    );
    let g = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let routed = pb(g.clone()).2.expect("a slice gradient");
    assert_slices(&routed, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], EXACT);
    let (_, pb) = DMatrix::<f64>::__from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(
        2, 3, &[0.0; 6],
    );
    let routed = pb(g).2.expect("a slice gradient");
    assert_slices(&routed, &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0], EXACT);
}

#[test]
fn slice_arguments_may_be_vecs_arrays_or_slices() {
    // The tangent of a `[T; N]` local is an array, of a `&[T]` parameter a `Vec`.
    let arr = [1.0, 2.0, 3.0, 4.0];
    let (y, t) = DMatrix::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
        2,
        2,
        &arr,
        NoTangent,
        NoTangent,
        Tg([1.0, 0.0, 0.0, 0.0]),
    );
    assert_matrix(&y, &DMatrix::from_row_slice(2, 2, &arr), EXACT);
    assert_close(t[(0, 0)], 1.0, EXACT);
    let slice: &[f64] = &arr;
    let (_, t) = DVector::__from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb(
        slice,
        Tg(vec![0.0, 1.0, 0.0, 0.0]),
    );
    assert_close(t[1], 1.0, EXACT);
    let (_, t) =
        SMatrix::<f64, 2, 2>::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
            slice, NoTangent,
        );
    assert_matrix(&t, &Matrix2::zeros(), EXACT);
    let v = arr.to_vec();
    let (_, pb) = RowDVector::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(&v);
    let routed = pb(RowDVector::from_element(4, 2.0))
        .0
        .expect("a slice gradient");
    assert_slices(&routed, &[2.0; 4], EXACT);
    let (_, pb) = DVector::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(&arr);
    assert!(pb(DVector::zero_adj()).0.is_none());
}

#[test]
fn dvector_and_row_dvector_constructors() {
    let mut rng = Lcg(8);
    let mut n = 0;
    for k in [1, 4] {
        n += check1(
            &format!("DVector::from_element({k})"),
            rng.next(),
            |x| DVector::from_element(k, *x),
            |x, g| {
                let (y, pb) =
                    DVector::__from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(k, *x);
                (y, pb(g).1)
            },
            |x, t| {
                DVector::__from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
                    k,
                    *x,
                    NoTangent,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("RowDVector::from_element({k})"),
            rng.next(),
            |x| RowDVector::from_element(k, *x),
            |x, g| {
                let (y, pb) =
                    RowDVector::__from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(k, *x);
                (y, pb(g).1)
            },
            |x, t| {
                RowDVector::__from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(
                    k,
                    *x,
                    NoTangent,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("DVector::from_row_slice({k})"),
            rng.vec(k),
            |v| DVector::from_row_slice(v),
            |v, g| {
                let (y, pb) =
                    DVector::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(v);
                (y, pb(g).0)
            },
            |v, t| {
                DVector::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
                    v,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("RowDVector::from_column_slice({k})"),
            rng.vec(k),
            |v| RowDVector::from_column_slice(v),
            |v, g| {
                let (y, pb) =
                    RowDVector::__from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(v);
                (y, pb(g).0)
            },
            |v, t| {
                RowDVector::__from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb(
                    v,
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("DVector::from_vec({k})"),
            rng.vec(k),
            |v| DVector::from_vec(v.clone()),
            |v, g| {
                let (y, pb) =
                    DVector::__from_vec_derivative_6f246a0b7331755b873dd897216bb55c(v.clone());
                (y, pb(g).0)
            },
            |v, t| {
                DVector::__from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
                    v.clone(),
                    Tg(t),
                )
            },
        );
        n += check1(
            &format!("RowDVector::from_vec({k})"),
            rng.vec(k),
            |v| RowDVector::from_vec(v.clone()),
            |v, g| {
                let (y, pb) =
                    RowDVector::__from_vec_derivative_6f246a0b7331755b873dd897216bb55c(v.clone());
                (y, pb(g).0)
            },
            |v, t| {
                RowDVector::__from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
                    v.clone(),
                    Tg(t),
                )
            },
        );
    }
    assert!(n > 30);
}

#[test]
fn smatrix_constructors() {
    let mut rng = Lcg(9);
    let mut n = check1(
        "Matrix2x3::from_element",
        rng.next(),
        |x| Matrix2x3::from_element(*x),
        |x, g| {
            let (y, pb) = Matrix2x3::__from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(*x);
            (y, pb(g).0)
        },
        |x, t| {
            Matrix2x3::__from_element_forward_derivative_6ca26db46e81c5abf8981fbdc22035c4(*x, Tg(t))
        },
    );
    n += check1(
        "Matrix2x3::from_row_slice",
        rng.vec(6),
        |v| Matrix2x3::from_row_slice(v),
        |v, g| {
            let (y, pb) =
                Matrix2x3::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(v);
            (y, pb(g).0)
        },
        |v, t| {
            Matrix2x3::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
                v,
                Tg(t),
            )
        },
    );
    n += check1(
        "SVector<1>::from_row_slice",
        rng.vec(1),
        |v| SVector::<f64, 1>::from_row_slice(v),
        |v, g| {
            let (y, pb) =
                SVector::<f64, 1>::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(v);
            (y, pb(g).0)
        },
        |v, t| {
            SVector::<f64, 1>::__from_row_slice_forward_derivative_85642050a311db3a41182709a90d5651(
                v,
                Tg(t),
            )
        },
    );
    n += check1(
        "Matrix2x3::from_column_slice",
        rng.vec(6),
        |v| Matrix2x3::from_column_slice(v),
        |v, g| {
            let (y, pb) =
                Matrix2x3::__from_column_slice_derivative_5f7fe67356da0324530a64dfc63e3c55(v);
            (y, pb(g).0)
        },
        |v, t| {
            Matrix2x3::__from_column_slice_forward_derivative_9a2f5adf4cacb1de7243ef26c5a8afeb(
                v,
                Tg(t),
            )
        },
    );
    n += check1(
        "Vector3::from_vec",
        rng.vec(3),
        |v| Vector3::from_vec(v.clone()),
        |v, g| {
            let (y, pb) =
                Vector3::__from_vec_derivative_6f246a0b7331755b873dd897216bb55c(v.clone());
            (y, pb(g).0)
        },
        |v, t| {
            Vector3::__from_vec_forward_derivative_fa21ef0e2f7c05a11de7aae1e588dde6(
                v.clone(),
                Tg(t),
            )
        },
    );
    assert!(n > 30);
}

// ----- adjoints, gradients, index shapes -----------------------------------------------------

#[test]
fn symbolic_zeros_have_zero_dynamic_dimensions() {
    assert_eq!(DMatrix::<f64>::zero_adj().shape(), (0, 0));
    assert_eq!(DVector::<f64>::zero_adj().shape(), (0, 1));
    assert_eq!(RowDVector::<f32>::zero_adj().shape(), (1, 0));
    let s = Matrix2x3::<f64>::zero_adj();
    assert_matrix(&s, &Matrix2x3::zeros(), EXACT);
}

#[test]
fn add_adj_treats_an_empty_side_as_zero() {
    let x = DMatrix::from_element(2, 2, 1.5);
    let mut a = DMatrix::<f64>::zero_adj();
    a.add_adj(x.clone());
    assert_matrix(&a, &x, EXACT);
    a.add_adj(DMatrix::zero_adj());
    assert_matrix(&a, &x, EXACT);
    a.add_adj(x.clone());
    assert_matrix(&a, &DMatrix::from_element(2, 2, 3.0), TIGHT);
    let mut s = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    s.add_adj(Matrix2::zero_adj());
    assert_matrix(&s, &Matrix2::new(1.0, 2.0, 3.0, 4.0), EXACT);
}

#[test]
fn finish_grad_materialises_zeros_of_the_parameter_shape() {
    let p = DMatrix::from_element(3, 2, 7.0);
    assert_matrix(&p.finish_grad(None), &DMatrix::zeros(3, 2), EXACT);
    assert_matrix(
        &p.finish_grad(Some(DMatrix::zero_adj())),
        &DMatrix::zeros(3, 2),
        EXACT,
    );
    let g = DMatrix::from_element(3, 2, 0.25);
    assert_matrix(&p.finish_grad(Some(g.clone())), &g, EXACT);
    assert_matrix(
        &<&DMatrix<f64> as Differentiable>::finish_grad(&&p, None),
        &DMatrix::zeros(3, 2),
        EXACT,
    );
    let v = DVector::from_element(4, 1.0);
    assert_eq!(v.finish_grad(Some(DVector::zero_adj())).len(), 4);
    assert_matrix(&v.zero_tangent(), &DVector::zeros(4), EXACT);
    assert_matrix(&v.zero_like(), &DVector::zeros(4), EXACT);
    assert_matrix(&DMatrix::<f64>::adjoint_of(g.clone()), &g, EXACT);
}

#[test]
#[should_panic(expected = "gradient of shape (2, 2) for a matrix of shape (3, 2)")]
fn finish_grad_refuses_a_gradient_of_another_shape() {
    DMatrix::from_element(3, 2, 7.0).finish_grad(Some(DMatrix::zeros(2, 2)));
}

#[test]
fn element_adjoints_route_by_pair_and_column_major_index() {
    let m = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let sh = IndexShape::index_shape(&m);
    assert_eq!(sh.dims(), (2, 3));
    let mut slot: Option<DMatrix<f64>> = None;
    ShapeAdjoint::add_at(sh, &mut slot, (1, 2), 2.0);
    ShapeAdjoint::add_at(sh, &mut slot, 1usize, 3.0); // m[1] = m[(1, 0)]
    ShapeAdjoint::add_at(sh, &mut slot, (1, 2), 1.0);
    let d = slot.clone().expect("materialised");
    assert_eq!(d.shape(), (2, 3));
    assert_close(d[(1, 2)], 3.0, TIGHT);
    assert_close(d[(1, 0)], 3.0, EXACT);
    assert_close(d.sum(), 6.0, TIGHT);
    let taken = ShapeAdjoint::take_at(sh, &mut slot, (1, 2)).expect("an entry");
    assert_close(taken, 3.0, TIGHT);
    let taken = ShapeAdjoint::take_at(sh, &mut slot, 1usize).expect("an entry");
    assert_close(taken, 3.0, EXACT);
    // Taking leaves real zeros behind.
    assert_matrix(
        slot.as_ref().expect("still materialised"),
        &DMatrix::zeros(2, 3),
        EXACT,
    );
    // A symbolic zero or no adjoint at all.
    let mut empty = Some(DMatrix::<f64>::zero_adj());
    assert!(ShapeAdjoint::take_at(sh, &mut empty, (0, 0)).is_none());
    ShapeAdjoint::add_at(sh, &mut empty, (0, 1), 1.0);
    assert_close(empty.expect("materialised")[(0, 1)], 1.0, EXACT);
    let mut none: Option<DMatrix<f64>> = None;
    assert!(ShapeAdjoint::<usize>::take_at(sh, &mut none, 0).is_none());
    // Vectors, and the shape of a reference.
    let v = DVector::from_element(3, 1.0);
    let vs = IndexShape::index_shape(&&v);
    let mut slot = None;
    ShapeAdjoint::add_at(vs, &mut slot, 2usize, 4.0);
    assert_matrix(
        slot.as_ref().expect("materialised"),
        &DVector::from_column_slice(&[0.0, 0.0, 4.0]),
        EXACT,
    );
    let s = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    let mut slot = None;
    ShapeAdjoint::add_at(s.index_shape(), &mut slot, (0, 1), 1.0);
    assert_matrix(
        slot.as_ref().expect("materialised"),
        &Matrix2::new(0.0, 1.0, 0.0, 0.0),
        EXACT,
    );
}

// ----- shape errors panic in the forward sweep: elementwise companions name both shapes, ------
// ----- the others give nalgebra's message -----------------------------------------------------

#[test]
#[should_panic(expected = "`component_mul`: the operands' shapes differ: 2×3 and 3×2")]
fn component_mul_shape_mismatch_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3)
        .__component_mul_derivative_4186bd9953091fa094db8f9eb8a3cbc9(&DMatrix::zeros(3, 2));
}

#[test]
#[should_panic(expected = "`component_mul`: the operands' shapes differ: 2×3 and 3×2")]
fn tangent_component_mul_shape_mismatch_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3)
        .__component_mul_forward_derivative_a8f930e118925412c947a4d6eb2d2397(
            &DMatrix::zeros(3, 2),
            NoTangent,
            NoTangent,
        );
}

#[test]
#[should_panic(expected = "`component_div`: the operands' shapes differ: 2×3 and 2×2")]
fn component_div_shape_mismatch_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3)
        .__component_div_derivative_f228689925adcc31e48ae49ee6437660(&DMatrix::zeros(2, 2));
}

#[test]
#[should_panic(expected = "`dot`: the operands' shapes differ: 3×1 and 4×1")]
fn dot_shape_mismatch_panics_forward() {
    let _ = DVector::<f64>::zeros(3)
        .__dot_derivative_061790dd5949fa55e166dd9bf16bb8b0(&DVector::zeros(4));
}

#[test]
#[should_panic(expected = "Cannot compute the trace of non-square matrix.")]
fn trace_of_non_square_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3).__trace_derivative_9c0de79288a231930477ea858feb81de();
}

#[test]
#[should_panic(expected = "Matrix slicing out of bounds.")]
fn row_out_of_bounds_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3).__row_derivative_a16c6fddb11a6c428aba569bc050014b(2);
}

#[test]
#[should_panic(expected = "Matrix slicing out of bounds.")]
fn columns_out_of_bounds_panics_forward() {
    let _ = DMatrix::<f64>::zeros(2, 3)
        .__columns_forward_derivative_f57da65200f86e7fe3bbf440fafd0722(
            2, 2, NoTangent, NoTangent, NoTangent,
        );
}

#[test]
#[should_panic(expected = "the slice did not contain the right number of elements")]
fn from_row_slice_length_mismatch_panics_forward() {
    let _ = DMatrix::<f64>::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(
        2,
        2,
        &[1.0, 2.0, 3.0],
    );
}

#[test]
#[should_panic(expected = "the iterator did not yield the correct number of elements")]
fn from_vec_length_mismatch_panics_forward() {
    let _ = DMatrix::<f64>::__from_vec_derivative_6f246a0b7331755b873dd897216bb55c(2, 2, vec![1.0]);
}

// ----- f32 -----------------------------------------------------------------------------------

#[test]
fn f32_smoke() {
    let a = DMatrix::<f32>::from_row_slice(2, 3, &[1.0, -2.0, 0.5, 3.0, 1.5, -1.0]);
    let b = DMatrix::<f32>::from_row_slice(3, 2, &[0.5, 1.0, -1.0, 2.0, 0.25, -0.5]);
    let g = DMatrix::<f32>::from_element(2, 2, 1.0);
    let da = <DMatrix<f32> as MulRule<DMatrix<f32>>>::d_lhs(g.clone(), &a, &b);
    let db = <DMatrix<f32> as MulRule<DMatrix<f32>>>::d_rhs(g.clone(), &a, &b);
    assert!((da - &g * b.transpose()).abs().max() < 1e-6);
    assert!((db - a.transpose() * &g).abs().max() < 1e-6);
    let (y, pb) = a.__norm_squared_derivative_877fa68362f7edeeb1ff8102970f70a1();
    assert!((y - a.norm_squared()).abs() < 1e-5);
    assert!((pb(1.0).0.expect("gradient") - &a * 2.0).abs().max() < 1e-6);
    let (y, pb) = a.__dot_derivative_061790dd5949fa55e166dd9bf16bb8b0(&a);
    let (ga, gb) = pb(0.5);
    assert!((y - 17.5).abs() < 1e-4);
    assert!((ga.expect("gradient") - &a * 0.5).abs().max() < 1e-6 && gb.is_some());
    let (_, t) = a.__mean_forward_derivative_9ea271bb9eef3ecd024829a08b794bba(Tg(
        DMatrix::from_element(2, 3, 3.0f32),
    ));
    assert!((t - 3.0).abs() < 1e-6);
    let s = <f32 as MulRule<DMatrix<f32>>>::d_lhs(a.clone(), &2.0, &a);
    assert!((s - a.norm_squared()).abs() < 1e-4);
    let (v, pb) =
        DVector::<f32>::__from_element_derivative_8e434b577d83dcd17f746c6e09ed1746(3, 2.0);
    assert_eq!(v.len(), 3);
    let sum = pb(DVector::from_element(3, 1.0)).1.expect("a gradient");
    assert_slices_f32(&[sum], &[3.0]);
    let (_, pb) =
        SMatrix::<f32, 2, 2>::__from_row_slice_derivative_75262c0dc349c5e4cf5041ea81aa28f7(&[
            1.0, 2.0, 3.0, 4.0,
        ]);
    let routed = pb(Matrix2::new(1.0, 2.0, 3.0, 4.0))
        .0
        .expect("a slice gradient");
    assert_slices_f32(&routed, &[1.0, 2.0, 3.0, 4.0]);
    let (y, pb) = a.__max_derivative_c8c46fdd365bcaf01ec8069c14663309();
    assert_slices_f32(&[y], &[3.0]);
    assert_slices_f32(&[pb(1.0).0.expect("gradient")[(1, 0)]], &[1.0]);
    let q = <DMatrix<f32> as DivRule<f32>>::d_lhs(g.clone(), &g, &4.0);
    assert!((q[(0, 0)] - 0.25).abs() < 1e-7);
}
