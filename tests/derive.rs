//! `#[derive(Differentiable)]` end to end: gradients with respect to `&self` / `&S` are structs of
//! partial derivatives (checked against central finite differences field by field), `#[no_grad]`
//! fields, nested and generic structs, `Vec` fields, nalgebra matrix fields (a two-layer perceptron
//! whose loss gradient is an `Mlp`, checked entry by entry), and `Parameters` for optimizer steps.
//!
//! Loops over a `Vec` of structs index it (`layers[i].apply(h)`): `for l in layers.iter()` needs
//! `Copy` elements, hence the allowed lint.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{
    DEFAULT_ETA, Tolerance, approx_derivative, assert_close, assert_gradient, assert_slices,
};
use autodiff::nalgebra::{Dim, Matrix, RawStorage};
use autodiff::prelude::*;
use autodiff::{Adjoint, ZeroLike};

/// Between two computations of the same `f64` quantity.
const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);
/// For real zeros and for values that are copied rather than computed.
const EXACT: Tolerance = Tolerance::new(0.0, 0.0);

/// Every parameter of `got` against `want`: the same count, each within `tol`.
#[track_caller]
fn assert_params<P: Parameters<f64>>(got: &P, want: &P, tol: Tolerance) {
    assert_slices(&got.to_flat_vec(), &want.to_flat_vec(), tol);
}

/// The same shape and every entry within `tol`.
#[track_caller]
fn assert_matrix<R: Dim, C: Dim, S1, S2>(
    got: &Matrix<f64, R, C, S1>,
    want: &Matrix<f64, R, C, S2>,
    tol: Tolerance,
) where
    S1: RawStorage<f64, R, C>,
    S2: RawStorage<f64, R, C>,
{
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    let got: Vec<f64> = got.iter().copied().collect();
    let want: Vec<f64> = want.iter().copied().collect();
    assert_slices(&got, &want, tol);
}

/// Checks `grad` against central differences of `f` at `model`, parameter by parameter (the
/// `Parameters` order is the fields' declaration order).
#[track_caller]
fn check_model_grad<M: Parameters<f64> + Clone>(model: &M, grad: &M, f: impl Fn(&M) -> f64) {
    let x = model.to_flat_vec();
    assert_eq!(grad.num_params(), x.len(), "gradient has the model's shape");
    assert_gradient(
        |p| {
            let mut m = model.clone();
            m.copy_from_flat(p);
            f(&m)
        },
        &x,
        &grad.to_flat_vec(),
        DEFAULT_ETA,
        Tolerance::default(),
    );
}

// ---------------------------------------------------------------------------------------------
// Scalars and `#[no_grad]` fields

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Poly {
    a: f64,
    b: f64,
    c: f64,
    /// Not a parameter: copied into gradients, skipped by optimizers.
    #[no_grad]
    label: String,
    /// A constant float the methods read: its adjoint is dropped, its tangent is zero.
    #[no_grad]
    k: f64,
}

impl Poly {
    /// Differentiated with respect to `self` and `x`.
    #[differentiable]
    fn value(&self, x: f64) -> f64 {
        self.k * (self.a * x * x + self.b.sin() * x + self.c.exp())
    }

    /// Differentiated with respect to `self` only: the gradient is a `Poly`.
    #[differentiable]
    fn at(&self, #[no_grad] x: f64) -> f64 {
        self.value(x)
    }
}

/// `Poly` field by field: the differentiated fields within `tol`, the `#[no_grad]` ones exactly
/// (they are copied or defaulted, never computed).
#[track_caller]
fn assert_poly(got: &Poly, want: &Poly, tol: Tolerance) {
    assert_params(got, want, tol);
    assert_eq!(got.label, want.label);
    assert_close(got.k, want.k, EXACT);
}

fn poly() -> Poly {
    Poly {
        a: 1.5,
        b: -0.7,
        c: 0.3,
        label: "p".to_string(),
        k: 2.0,
    }
}

#[test]
fn self_gradient_is_the_struct_field_by_field() {
    let p = poly();
    let x = 1.3;
    let (v, g) = p.at_grad(x);
    assert_close(v, p.value(x), TIGHT);

    // Each field against a central difference in that field alone.
    let fd_a = approx_derivative(|a| Poly { a, ..poly() }.value(x), p.a, DEFAULT_ETA);
    let fd_b = approx_derivative(|b| Poly { b, ..poly() }.value(x), p.b, DEFAULT_ETA);
    let fd_c = approx_derivative(|c| Poly { c, ..poly() }.value(x), p.c, DEFAULT_ETA);
    let tol = Tolerance::default();
    assert!(tol.accepts(g.a, fd_a), "d/da {} vs {fd_a}", g.a);
    assert!(tol.accepts(g.b, fd_b), "d/db {} vs {fd_b}", g.b);
    assert!(tol.accepts(g.c, fd_c), "d/dc {} vs {fd_c}", g.c);
    // Exact values too: k·x², k·cos(b)·x, k·e^c.
    assert!((g.a - 2.0 * x * x).abs() < 1e-12);
    assert!((g.b - 2.0 * p.b.cos() * x).abs() < 1e-12);
    assert!((g.c - 2.0 * p.c.exp()).abs() < 1e-12);
    // The `#[no_grad]` fields are the primal's.
    assert_eq!(g.label, "p");
    assert_close(g.k, 2.0, EXACT);

    check_model_grad(&p, &g, |m| m.value(x));
}

#[test]
fn self_and_argument_gradient_is_a_tuple() {
    let p = poly();
    let x = -0.6;
    let (v, (g, gx)) = p.value_grad(x);
    assert_close(v, p.value(x), TIGHT);
    assert_poly(&g, &p.at_grad(x).1, TIGHT);
    let fd_x = approx_derivative(|x| p.value(x), x, DEFAULT_ETA);
    assert!(Tolerance::default().accepts(gx, fd_x), "{gx} vs {fd_x}");
}

#[test]
fn unused_fields_get_real_zeros() {
    #[derive(Differentiable, Clone, Debug, PartialEq)]
    struct Two {
        used: f64,
        unused: f64,
    }
    impl Two {
        #[differentiable]
        fn f(&self, #[no_grad] x: f64) -> f64 {
            self.used * x
        }
        #[differentiable(wrt(x))]
        fn g(&self, x: f64) -> f64 {
            self.used * x
        }
    }
    let t = Two {
        used: 2.0,
        unused: 5.0,
    };
    let g = t.f_grad(3.0).1;
    assert_close(g.used, 3.0, TIGHT);
    assert_close(g.unused, 0.0, EXACT);
    assert_close(t.g_grad(3.0).1, 2.0, TIGHT);
}

#[test]
fn self_pullback_and_forward_mode() {
    let p = poly();
    let x = 0.8;
    let (_, g) = p.at_grad(x);
    let (v, pb) = p.at_vjp(x);
    assert_close(v, p.value(x), TIGHT);
    let g2 = pb(2.0);
    assert!((g2.a - 2.0 * g.a).abs() < 1e-12 && (g2.c - 2.0 * g.c).abs() < 1e-12);

    // jvp along a struct-valued tangent = <gradient, tangent>. The `#[no_grad]` fields of a tangent
    // must be zero (`..p.zero_tangent()` fills them): see `by_value_tangent_ignores_no_grad_fields`.
    let dir = Poly {
        a: 0.5,
        b: -1.0,
        c: 2.0,
        ..p.zero_tangent()
    };
    let (v2, d) = p.at_jvp(x, dir.clone());
    assert_close(v2, v, TIGHT);
    let expected = g.a * dir.a + g.b * dir.b + g.c * dir.c;
    assert!((d - expected).abs() < 1e-12, "{d} vs {expected}");

    // Only `x` varies: the struct's tangent is `zero_tangent()`, whose `k` must be zero too.
    let (_, dx) = p.value_jvp(x, p.zero_tangent(), 1.0);
    let fd_x = approx_derivative(|x| p.value(x), x, DEFAULT_ETA);
    assert!(Tolerance::default().accepts(dx, fd_x), "{dx} vs {fd_x}");
}

/// A struct parameter taken by value: `NAME_jvp` passes the caller's tangent through
/// `Differentiable::tangent_in`, which resets `#[no_grad]` fields to `Default` (zero).
#[differentiable]
fn by_value(p: Poly, #[no_grad] x: f64) -> f64 {
    p.k * (p.a * x * x + p.b.sin() * x + p.c.exp())
}

#[test]
fn by_value_tangent_ignores_no_grad_fields() {
    let p = poly();
    let x = 0.8;
    let (v, g) = by_value_grad(p.clone(), x);
    assert_close(v, p.value(x), TIGHT);
    assert_poly(&g, &p.at_grad(x).1, TIGHT);
    let dir = Poly {
        a: 0.5,
        b: -1.0,
        c: 2.0,
        label: "ignored".into(),
        k: 100.0,
    };
    let (_, d) = by_value_jvp(p.clone(), x, dir.clone());
    let expected = g.a * dir.a + g.b * dir.b + g.c * dir.c;
    assert!((d - expected).abs() < 1e-12, "{d} vs {expected}");
}

/// A caller that does not differentiate the struct: the callee's companion receives no tangent
/// for it and builds `zero_tangent()`, whose `#[no_grad]` float must read as zero.
#[differentiable]
fn fixed_poly(#[no_grad] p: &Poly, x: f64) -> f64 {
    p.value(x) * x
}

#[test]
fn constant_struct_in_forward_mode() {
    let p = poly();
    let x = 0.35;
    let (_, g) = fixed_poly_grad(&p, x);
    let (_, d) = fixed_poly_jvp(&p, x, 1.0);
    let fd = approx_derivative(|x| fixed_poly(&p, x), x, DEFAULT_ETA);
    assert!(Tolerance::default().accepts(g, fd), "{g} vs {fd}");
    assert!((d - g).abs() < 1e-12, "{d} vs {g}");
}

/// `&S` as an ordinary parameter, together with a scalar: the gradient is a tuple `(S, f64)`.
#[differentiable]
fn poly_at(p: &Poly, x: f64) -> f64 {
    p.value(x) * x
}

#[test]
fn struct_reference_parameter() {
    let p = poly();
    let x = -0.4;
    let (v, (gp, gx)) = poly_at_grad(&p, x);
    assert_close(v, poly_at(&p, x), TIGHT);
    check_model_grad(&p, &gp, |m| poly_at(m, x));
    let fd_x = approx_derivative(|x| poly_at(&p, x), x, DEFAULT_ETA);
    assert!(Tolerance::default().accepts(gx, fd_x));
    assert_eq!(gp.label, "p");
}

// ---------------------------------------------------------------------------------------------
// The generated trait impls directly

#[test]
fn trait_impls_field_by_field() {
    let p = poly();
    // `finish_grad(None)` is a real zero; the `#[no_grad]` field comes from the primal.
    let z = p.finish_grad(None);
    let zero = Poly {
        a: 0.0,
        b: 0.0,
        c: 0.0,
        label: "p".into(),
        k: 2.0,
    };
    assert_poly(&z, &zero, EXACT);
    // Tangents and zeros carry `Default` in `#[no_grad]` fields (a constant has tangent zero).
    let blank = Poly {
        label: String::new(),
        k: 0.0,
        ..zero
    };
    assert_poly(&p.zero_tangent(), &blank, EXACT);
    assert_poly(&p.zero_like(), &blank, EXACT);
    assert_poly(
        &p.tangent_in(p.clone()),
        &Poly {
            label: String::new(),
            k: 0.0,
            ..p.clone()
        },
        EXACT,
    );
    assert_poly(&Poly::adjoint_of(p.clone()), &p, EXACT);

    // `zero_adj` has `Default` in `#[no_grad]` fields; `add_adj` leaves them alone.
    let mut acc = Poly::zero_adj();
    assert_eq!(acc.label, "");
    assert_close(acc.k, 0.0, EXACT);
    acc.add_adj(p.clone());
    acc.add_adj(p.clone());
    assert_slices(&[acc.a, acc.b, acc.c], &[3.0, -1.4, 0.6], TIGHT);
    assert_eq!(acc.label, "");
}

#[test]
fn parameters_skip_no_grad_fields_in_declaration_order() {
    let mut p = poly();
    assert_eq!(p.num_params(), 3);
    assert_slices(&p.to_flat_vec(), &[1.5, -0.7, 0.3], EXACT);
    p.copy_from_flat(&[1.0, 2.0, 3.0]);
    assert_slices(&[p.a, p.b, p.c], &[1.0, 2.0, 3.0], EXACT);
    p.scale(2.0);
    assert_slices(&p.to_flat_vec(), &[2.0, 4.0, 6.0], TIGHT);
    let q = p.clone();
    p.add_scaled(-0.5, &q);
    assert_slices(&p.to_flat_vec(), &[1.0, 2.0, 3.0], TIGHT);
    assert_eq!(p.label, "p");
    let mut seen = Vec::new();
    p.visit(&mut |s| seen.push(s.len()));
    assert_eq!(seen, [1, 1, 1]);
}

#[test]
fn sgd_on_a_scalar_model_lowers_the_loss() {
    let mut p = poly();
    let x = 0.9;
    let target = 0.25;
    let loss = |p: &Poly| (p.value(x) - target).powi(2);
    let mut last = loss(&p);
    for _ in 0..20 {
        let (y, mut g) = p.at_grad(x);
        g.scale(2.0 * (y - target)); // chain rule through the square
        p.add_scaled(-0.05, &g);
        let now = loss(&p);
        assert!(now < last, "{now} !< {last}");
        last = now;
    }
    assert!(last < 1e-3, "{last}");
}

// ---------------------------------------------------------------------------------------------
// Nested derived structs and `Vec` fields

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Affine {
    w: f64,
    b: f64,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Stack {
    first: Affine,
    second: Affine,
    weights: Vec<f64>,
    #[no_grad]
    steps: usize,
}

impl Affine {
    #[differentiable]
    fn apply(&self, x: f64) -> f64 {
        self.w * x + self.b
    }
}

impl Stack {
    #[differentiable]
    fn run(&self, #[no_grad] x: f64) -> f64 {
        let h = self.first.apply(x).tanh();
        let mut y = self.second.apply(h);
        let w = &self.weights;
        for k in 0..self.steps {
            y += w[k] * h;
        }
        y * y
    }
}

fn stack() -> Stack {
    Stack {
        first: Affine { w: 0.7, b: -0.2 },
        second: Affine { w: 1.3, b: 0.4 },
        weights: vec![0.5, -1.5, 2.0],
        steps: 2,
    }
}

#[test]
fn nested_structs_and_vec_fields() {
    let s = stack();
    let x = 0.6;
    let (v, g) = s.run_grad(x);
    assert_close(v, s.run(x), TIGHT);
    assert_eq!(g.steps, 2);
    // The third weight is never read (steps = 2): its gradient is a real zero, and the `Vec`
    // gradient has the primal's length.
    assert_eq!(g.weights.len(), 3);
    assert_close(g.weights[2], 0.0, EXACT);
    assert_eq!(s.num_params(), 7);
    check_model_grad(&s, &g, |m| m.run(x));

    let (_, d) = s.run_jvp(x, g.clone());
    let norm2: f64 = g.to_flat_vec().iter().map(|v| v * v).sum();
    assert!((d - norm2).abs() < 1e-10 * norm2.max(1.0));
}

#[test]
fn nested_vec_of_derived_structs() {
    #[derive(Differentiable, Clone, Debug, PartialEq)]
    struct Layers {
        layers: Vec<Affine>,
    }
    impl Layers {
        #[differentiable]
        fn run(&self, #[no_grad] x: f64) -> f64 {
            let mut h = x;
            let layers = &self.layers;
            for i in 0..layers.len() {
                h = layers[i].apply(h).sin();
            }
            h
        }
    }
    let m = Layers {
        layers: vec![
            Affine { w: 0.5, b: 0.1 },
            Affine { w: -1.2, b: 0.3 },
            Affine { w: 2.0, b: -0.4 },
        ],
    };
    let (_, g) = m.run_grad(0.7);
    assert_eq!(g.layers.len(), 3);
    check_model_grad(&m, &g, |m| m.run(0.7));
}

// ---------------------------------------------------------------------------------------------
// Generic structs

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Gauss<T: Real> {
    mu: T,
    log_sigma: T,
    #[no_grad]
    id: u32,
}

impl<T: Real> Gauss<T> {
    #[differentiable]
    fn nll(&self, #[no_grad] x: T) -> T {
        let s = self.log_sigma.exp();
        let z = (x - self.mu) / s;
        T::from_f64(0.5) * z * z + self.log_sigma
    }
}

#[test]
fn generic_struct_f64_and_f32() {
    let g64 = Gauss {
        mu: 0.3,
        log_sigma: -0.2,
        id: 7,
    };
    let (_, d) = g64.nll_grad(1.1);
    assert_eq!(d.id, 7);
    check_model_grad(&g64, &d, |m| m.nll(1.1));

    let g32 = Gauss::<f32> {
        mu: 0.3,
        log_sigma: -0.2,
        id: 1,
    };
    let (_, d32) = g32.nll_grad(1.1);
    let tol = Tolerance::f32();
    assert!(
        tol.accepts(f64::from(d32.mu), d.mu),
        "{} vs {}",
        d32.mu,
        d.mu
    );
    assert!(tol.accepts(f64::from(d32.log_sigma), d.log_sigma));
    let mut p = g32.clone();
    p.add_scaled(-0.1, &d32);
    assert!(p.nll(1.1) < g32.nll(1.1));
}

/// A generic struct whose field types mention the parameter inside other types.
#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Bank<T>
where
    T: Real,
{
    scalars: Vec<T>,
    pair: Pair<T>,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Pair<T: Real> {
    x: T,
    y: T,
}

impl<T: Real> Pair<T> {
    #[differentiable]
    fn product(&self) -> T {
        self.x * self.y
    }
}

#[differentiable]
fn bank_energy<T: Real>(bank: &Bank<T>, k: T) -> T {
    let mut e = bank.pair.product() * k;
    let scalars = &bank.scalars;
    for &s in scalars.iter() {
        e += s * s;
    }
    e
}

#[test]
fn generic_nested_and_where_clauses() {
    let b = Bank {
        scalars: vec![1.0, -2.0],
        pair: Pair { x: 0.5, y: 3.0 },
    };
    let (_, (g, gk)) = bank_energy_grad(&b, 2.0);
    assert_params(
        &g,
        &Bank {
            scalars: vec![2.0, -4.0],
            pair: Pair { x: 6.0, y: 1.0 },
        },
        TIGHT,
    );
    assert_close(gk, 1.5, TIGHT);
    check_model_grad(&b, &g, |m| bank_energy(m, 2.0));
}

/// A struct with a lifetime and a borrowed `#[no_grad]` field.
#[derive(Differentiable, Clone, Debug)]
struct Fit<'a> {
    slope: f64,
    #[no_grad]
    data: &'a [f64],
}

impl Fit<'_> {
    #[differentiable]
    fn sse(&self, #[no_grad] y: &[f64]) -> f64 {
        let mut s = 0.0;
        let data = stop_gradient(self.data);
        for (xi, yi) in data.iter().zip(y.iter()) {
            let e = self.slope * xi - yi;
            s += e * e;
        }
        s
    }
}

#[test]
fn borrowed_no_grad_field() {
    let data = [1.0, 2.0, 3.0];
    let f = Fit {
        slope: 0.5,
        data: &data,
    };
    let y = [1.0, 2.5, 2.0];
    let (_, g) = f.sse_grad(&y);
    assert_slices(g.data, &data, EXACT);
    check_model_grad(&f, &g, |m| m.sse(&y));
}

#[test]
fn all_fields_no_grad_is_an_empty_container() {
    #[derive(Differentiable, Clone, Debug, Default, PartialEq)]
    struct Config {
        #[no_grad]
        n: usize,
    }
    let c = Config { n: 3 };
    assert_eq!(c.finish_grad(None), c);
    assert_eq!(Parameters::<f64>::num_params(&c), 0);
}

// ---------------------------------------------------------------------------------------------
// nalgebra fields: a two-layer perceptron

mod mlp {
    use super::*;
    use autodiff::nalgebra::{RealField, SMatrix};

    /// `x ↦ tanh(x·W1 + b1)·W2 + b2` on a batch `x` (rows are samples).
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
            let h = ops::tanh(&ops::add_row(&z1, &self.b1));
            let z2 = &h * &self.w2;
            ops::add_row(&z2, &self.b2)
        }
    }

    /// Mean over the batch of the squared error.
    #[differentiable(wrt(model))]
    pub fn loss(model: &Mlp, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
        let out = model.call(x);
        let e = out - y;
        e.norm_squared() / (y.nrows() as f64)
    }

    /// A deterministic, non-symmetric starting point.
    pub fn model() -> Mlp {
        Mlp {
            w1: DMatrix::from_fn(3, 4, |i, j| ((i * 4 + j) as f64 * 0.37 + 0.2).sin() * 0.6),
            b1: DMatrix::from_fn(1, 4, |_, j| 0.1 * j as f64 - 0.15),
            w2: DMatrix::from_fn(4, 2, |i, j| ((i * 2 + j) as f64 * 0.71).cos() * 0.5),
            b2: DMatrix::from_row_slice(1, 2, &[0.05, -0.1]),
        }
    }

    pub fn data() -> (DMatrix<f64>, DMatrix<f64>) {
        let x = DMatrix::from_fn(6, 3, |i, j| ((i + 2 * j) as f64 * 0.3 + 0.1).sin());
        let y = DMatrix::from_fn(6, 2, |i, j| ((i * (j + 1)) as f64 * 0.2).cos() - 0.5);
        (x, y)
    }

    /// Central difference of `f` in entry `(i, j)` of the field `field` selects.
    fn fd_entry(
        m: &Mlp,
        field: fn(&mut Mlp) -> &mut DMatrix<f64>,
        (i, j): (usize, usize),
        f: &dyn Fn(&Mlp) -> f64,
    ) -> f64 {
        let eta = 1e-6;
        let mut plus = m.clone();
        field(&mut plus)[(i, j)] += eta;
        let mut minus = m.clone();
        field(&mut minus)[(i, j)] -= eta;
        (f(&plus) - f(&minus)) / (2.0 * eta)
    }

    type Field = (&'static str, fn(&mut Mlp) -> &mut DMatrix<f64>);
    const FIELDS: [Field; 4] = [
        ("w1", |m| &mut m.w1),
        ("b1", |m| &mut m.b1),
        ("w2", |m| &mut m.w2),
        ("b2", |m| &mut m.b2),
    ];

    /// Every entry of every field of `g` against a central difference.
    #[track_caller]
    pub fn check_entries(m: &Mlp, g: &Mlp, f: &dyn Fn(&Mlp) -> f64) {
        let tol = Tolerance::default();
        for (name, field) in FIELDS {
            let mut g = g.clone();
            let gf = field(&mut g).clone();
            let shape = field(&mut m.clone()).shape();
            assert_eq!(
                gf.shape(),
                shape,
                "gradient of {name} has the field's shape"
            );
            for i in 0..shape.0 {
                for j in 0..shape.1 {
                    let fd = fd_entry(m, field, (i, j), f);
                    assert!(
                        tol.accepts(gf[(i, j)], fd),
                        "d loss / d {name}[({i}, {j})]: {} vs finite difference {fd}",
                        gf[(i, j)]
                    );
                }
            }
        }
    }

    #[test]
    fn mlp_gradient_is_an_mlp_checked_entry_by_entry() {
        let m = model();
        let (x, y) = data();
        let (l, g) = loss_grad(&m, &x, &y);
        assert!((l - loss(&m, &x, &y)).abs() < 1e-14);
        check_entries(&m, &g, &|m| loss(m, &x, &y));
        // The same through the flat parameter vector (field order w1, b1, w2, b2).
        check_model_grad(&m, &g, |m| loss(m, &x, &y));
        assert_eq!(m.num_params(), 12 + 4 + 8 + 2);
    }

    #[test]
    fn mlp_call_pullback_and_forward_mode() {
        let m = model();
        let (x, y) = data();
        let (out, pb) = m.call_vjp(&x);
        assert_matrix(&out, &m.call(&x), TIGHT);
        // The cotangent of the loss with respect to the output: 2 (out - y) / n.
        let cot = (&out - &y) * (2.0 / y.nrows() as f64);
        let (gm, gx) = pb(cot);
        let (_, g) = loss_grad(&m, &x, &y);
        assert!((&gm.w1 - &g.w1).abs().max() < 1e-12);
        assert!((&gm.b2 - &g.b2).abs().max() < 1e-12);
        assert_eq!(gx.shape(), x.shape());

        // loss_jvp along a model-shaped direction = <gradient, direction>.
        let dir = Mlp {
            w1: DMatrix::from_fn(3, 4, |i, j| (i as f64 - j as f64) * 0.1),
            b1: DMatrix::from_element(1, 4, 0.3),
            w2: DMatrix::from_fn(4, 2, |i, j| 0.05 * (i + j) as f64),
            b2: DMatrix::from_row_slice(1, 2, &[1.0, -1.0]),
        };
        let (_, d) = loss_jvp(&m, &x, &y, dir.clone());
        let expected: f64 = g
            .to_flat_vec()
            .iter()
            .zip(dir.to_flat_vec())
            .map(|(a, b)| a * b)
            .sum();
        assert!((d - expected).abs() < 1e-10, "{d} vs {expected}");
    }

    #[test]
    fn sgd_with_add_scaled_lowers_the_loss() {
        let mut m = model();
        let (x, y) = data();
        let first = loss(&m, &x, &y);
        let mut last = first;
        for _ in 0..100 {
            let (l, g) = loss_grad(&m, &x, &y);
            assert!((l - last).abs() < 1e-12);
            m.add_scaled(-0.1, &g);
            let now = loss(&m, &x, &y);
            assert!(now < last, "step increased the loss: {now} > {last}");
            last = now;
        }
        assert!(last < 0.5 * first, "{first} -> {last}");
    }

    /// A field the function does not read gets zeros of its own shape (not the 0×0 symbolic zero),
    /// so an optimizer step can always add the gradient.
    #[test]
    fn unused_matrix_fields_get_zeros_of_their_shape() {
        #[derive(Differentiable, Clone, Debug, PartialEq)]
        struct Two {
            used: DMatrix<f64>,
            unused: DMatrix<f64>,
            v: DVector<f64>,
        }
        impl Two {
            #[differentiable]
            fn f(&self) -> f64 {
                self.used.sum()
            }
        }
        let t = Two {
            used: DMatrix::from_element(2, 3, 1.0),
            unused: DMatrix::from_element(4, 1, 2.0),
            v: DVector::from_element(3, 1.0),
        };
        let (_, g) = t.f_grad();
        assert_matrix(&g.used, &DMatrix::from_element(2, 3, 1.0), TIGHT);
        assert_matrix(&g.unused, &DMatrix::zeros(4, 1), EXACT);
        assert_matrix(&g.v, &DVector::zeros(3), EXACT);
        let mut t2 = t.clone();
        t2.add_scaled(-1.0, &g);
        assert_matrix(&t2.used, &DMatrix::zeros(2, 3), TIGHT);
        assert_matrix(&t2.unused, &t.unused, EXACT);

        // The generated impls directly: the symbolic zero is shapeless, finish_grad shapes it.
        let z = Two::zero_adj();
        assert_eq!(z.used.shape(), (0, 0));
        let (shaped, zero) = (t.finish_grad(Some(z)), t.zero_like());
        assert_matrix(&shaped.used, &zero.used, EXACT);
        assert_matrix(&shaped.unused, &zero.unused, EXACT);
        assert_matrix(&shaped.v, &zero.v, EXACT);
        let mut acc = Two::zero_adj();
        acc.add_adj(g.clone());
        acc.add_adj(g.clone());
        assert_matrix(&acc.used, &DMatrix::from_element(2, 3, 2.0), TIGHT);
        assert_eq!(t.zero_tangent().unused.shape(), (4, 1));
    }

    /// A generic layer over `T: Real + RealField` with static and dynamic matrices, in f32 and f64.
    #[derive(Differentiable, Clone, Debug, PartialEq)]
    struct Linear<T: Real + RealField> {
        w: DMatrix<T>,
        b: DMatrix<T>,
        s: SMatrix<T, 2, 2>,
        #[no_grad]
        name: &'static str,
    }

    impl<T: Real + RealField> Linear<T> {
        #[differentiable]
        fn energy(&self, #[no_grad] x: &DMatrix<T>) -> T {
            let z = x * &self.w;
            let h = ops::add_row(&z, &self.b);
            let q = self.s * self.s;
            h.norm_squared() + q.trace()
        }
    }

    #[test]
    fn generic_struct_with_matrices_f32_and_f64() {
        let l64 = Linear::<f64> {
            w: DMatrix::from_row_slice(3, 2, &[0.5, -0.2, 0.1, 0.3, -0.4, 0.25]),
            b: DMatrix::from_row_slice(1, 2, &[0.1, -0.3]),
            s: SMatrix::<f64, 2, 2>::new(0.7, -0.2, 0.4, 1.1),
            name: "l",
        };
        let x = DMatrix::from_row_slice(2, 3, &[1.0, 2.0, -1.0, 0.5, 0.0, 1.5]);
        let (_, g) = l64.energy_grad(&x);
        assert_eq!(g.name, "l");
        check_model_grad(&l64, &g, |m| m.energy(&x));

        let l32 = Linear::<f32> {
            w: l64.w.map(|v| v as f32),
            b: l64.b.map(|v| v as f32),
            s: l64.s.map(|v| v as f32),
            name: "l32",
        };
        let x32 = x.map(|v| v as f32);
        let (_, g32) = l32.energy_grad(&x32);
        let tol = Tolerance::f32();
        for (a, b) in g32.to_flat_vec().iter().zip(g.to_flat_vec()) {
            assert!(tol.accepts(f64::from(*a), b), "{a} vs {b}");
        }
    }
}
