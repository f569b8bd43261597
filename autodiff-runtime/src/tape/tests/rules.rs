//! Each recorded operation's pullback against central differences (f64), on matrices and on
//! scalars, including broadcasting (a scalar, a row, a column against a matrix).

use nalgebra::DMatrix;

use super::super::{GradientTape, Tensor};
use super::{assert_mat_close, fd, mat, plain, tape_grad};

type Op = (&'static str, fn(&Tensor<f64>) -> Tensor<f64>, f64);

/// Unary operations and the shift that keeps the input in their domain.
const UNARY: &[Op] = &[
    ("neg", |x| -x, 0.0),
    ("exp", |x| x.exp(), 0.0),
    ("ln", |x| x.ln(), 2.0),
    ("sin", |x| x.sin(), 0.0),
    ("cos", |x| x.cos(), 0.0),
    ("tanh", |x| x.tanh(), 0.0),
    ("sigmoid", |x| x.sigmoid(), 0.0),
    ("relu", |x| x.relu(), 0.0),
    ("square", |x| x.square(), 0.0),
    ("sqrt", |x| x.sqrt(), 2.0),
    ("powi3", |x| x.powi(3), 0.0),
    ("powf", |x| x.powf(2.5), 2.0),
    ("transpose", |x| x.transpose(), 0.0),
    ("sum", |x| x.sum(), 0.0),
    ("mean", |x| x.mean(), 0.0),
    ("entry", |x| x.entry(1, 0), 0.0),
    ("add_c", |x| x + 1.5, 0.0),
    ("sub_c", |x| x - 1.5, 0.0),
    ("mul_c", |x| x * 1.5, 0.0),
    ("div_c", |x| x / 1.5, 0.0),
    ("c_sub", |x| 1.5 - x, 0.0),
    ("c_div", |x| 1.5 / x, 2.0),
    ("broadcast", |x| x.sum().broadcast_to(2, 3), 0.0),
    ("matmul_self_t", |x| x.matmul(&x.transpose()), 0.0),
    ("x_times_x", |x| x * x, 0.0),
    ("x_div_sq", |x| x / &x.square().exp(), 0.0),
];

#[test]
fn unary_rules_match_central_differences() {
    for (name, op, shift) in UNARY {
        let x = mat(3, 2, name.len() as u64, *shift);
        let ours = tape_grad(op, &x);
        let num = fd(&|x| plain(op, x), &x);
        assert_mat_close(&ours, &num, 1e-6, name);
    }
}

#[test]
fn unary_rules_on_scalars() {
    for (name, op, shift) in UNARY {
        if matches!(*name, "entry" | "broadcast" | "matmul_self_t") {
            continue;
        }
        for x0 in [0.3, 1.7] {
            let x = Tensor::constant(x0 + shift);
            let t = GradientTape::new();
            t.watch(&x);
            let y = op(&x);
            let ours = t.gradient(&y, &x).unwrap().scalar();
            let h = 1e-6;
            let f = |v: f64| op(&Tensor::constant(v)).scalar();
            let num = (f(x0 + shift + h) - f(x0 + shift - h)) / (2.0 * h);
            assert!(
                (ours - num).abs() < 1e-6 * (1.0 + num.abs()),
                "{name} at {x0}: {ours} vs {num}"
            );
        }
    }
}

type BinOp = (&'static str, fn(&Tensor<f64>, &Tensor<f64>) -> Tensor<f64>);

const BINARY: &[BinOp] = &[
    ("add", |a, b| a + b),
    ("sub", |a, b| a - b),
    ("mul", |a, b| a * b),
    ("div", |a, b| a / b),
];

/// Both operands' gradients, with `a` of shape `sa` and `b` of shape `sb` (`None`: a scalar).
fn check_binary(
    name: &str,
    op: fn(&Tensor<f64>, &Tensor<f64>) -> Tensor<f64>,
    a: Tensor<f64>,
    b: Tensor<f64>,
) {
    let t = GradientTape::persistent();
    t.watch(&a);
    t.watch(&b);
    let y = op(&a, &b);
    let (r, c) = y.shape();
    let w = Tensor::constant(mat(r, c, 7, 0.0));
    let target = (&y * &w).sum();
    let [ga, gb] = t.gradient(&target, [&a, &b]); // recorded pullbacks (the tape still records)
    t.stop_recording();
    let [pa, pb] = t.gradient(&target, [&a, &b]); // plain-value pullbacks
    let (pa, pb) = (pa.unwrap().to_matrix(), pb.unwrap().to_matrix());
    assert_mat_close(&ga.clone().unwrap().to_matrix(), &pa, 1e-12, name);
    assert_mat_close(&gb.clone().unwrap().to_matrix(), &pb, 1e-12, name);
    let value = |av: &DMatrix<f64>, bv: &DMatrix<f64>, a_scalar: bool, b_scalar: bool| {
        let ta = if a_scalar {
            Tensor::constant(av[(0, 0)])
        } else {
            Tensor::constant(av.clone())
        };
        let tb = if b_scalar {
            Tensor::constant(bv[(0, 0)])
        } else {
            Tensor::constant(bv.clone())
        };
        (&op(&ta, &tb) * &w).sum().scalar()
    };
    let (sa, sb) = (a.value().is_scalar(), b.value().is_scalar());
    let (am, bm) = (a.to_matrix(), b.to_matrix());
    let num_a = fd(&|x| value(x, &bm, sa, sb), &am);
    let num_b = fd(&|x| value(&am, x, sa, sb), &bm);
    assert_mat_close(
        &ga.unwrap().to_matrix(),
        &num_a,
        1e-6,
        &format!("{name} d/da"),
    );
    assert_mat_close(
        &gb.unwrap().to_matrix(),
        &num_b,
        1e-6,
        &format!("{name} d/db"),
    );
}

#[test]
fn binary_rules_match_central_differences_with_broadcasting() {
    for (name, op) in BINARY {
        let m = |seed| Tensor::constant(mat(2, 3, seed, 2.0));
        check_binary(name, *op, m(1), m(2));
        check_binary(name, *op, Tensor::constant(1.3f64), m(3));
        check_binary(name, *op, m(4), Tensor::constant(1.7f64));
        check_binary(name, *op, Tensor::constant(1.3f64), Tensor::constant(-0.4));
    }
}

/// Shape pairs that broadcast as in NumPy and TensorFlow: a row, a column or a `1×1` matrix
/// against a matrix, both ways, and a column against a row (an outer operation).
/// Two operands' shapes.
type ShapePair = ((usize, usize), (usize, usize));

const BROADCAST_SHAPES: &[ShapePair] = &[
    ((3, 2), (1, 2)),
    ((1, 2), (3, 2)),
    ((3, 2), (3, 1)),
    ((3, 1), (3, 2)),
    ((3, 2), (1, 1)),
    ((1, 1), (3, 2)),
    ((3, 1), (1, 2)),
    ((1, 2), (3, 1)),
];

#[test]
fn binary_rules_broadcast_matrices_with_dimensions_of_one() {
    for (name, op) in BINARY {
        for (k, &((ar, ac), (br, bc))) in BROADCAST_SHAPES.iter().enumerate() {
            let a = Tensor::constant(mat(ar, ac, 20 + k as u64, 2.0));
            let b = Tensor::constant(mat(br, bc, 40 + k as u64, 2.0));
            assert_eq!(op(&a, &b).shape(), (ar.max(br), ac.max(bc)), "{name}");
            check_binary(&format!("{name} {ar}×{ac} with {br}×{bc}"), *op, a, b);
        }
    }
}

#[test]
fn broadcast_values_are_numpys() {
    let x = Tensor::constant(DMatrix::from_row_slice(
        3,
        2,
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ));
    let row = Tensor::constant(DMatrix::from_row_slice(1, 2, &[10.0, 20.0]));
    let col = Tensor::constant(DMatrix::from_row_slice(3, 1, &[1.0, 2.0, 4.0]));
    let expect = |t: Tensor<f64>, rows: usize, entries: &[f64]| {
        let want = DMatrix::from_row_slice(rows, entries.len() / rows, entries);
        assert_mat_close(&t.to_matrix(), &want, 0.0, "broadcast value");
    };
    expect(&x + &row, 3, &[11.0, 22.0, 13.0, 24.0, 15.0, 26.0]);
    expect(&row - &x, 3, &[9.0, 18.0, 7.0, 16.0, 5.0, 14.0]);
    expect(&x * &col, 3, &[1.0, 2.0, 6.0, 8.0, 20.0, 24.0]);
    expect(&x / &col, 3, &[1.0, 2.0, 1.5, 2.0, 1.25, 1.5]);
    expect(&col + &row, 3, &[11.0, 21.0, 12.0, 22.0, 14.0, 24.0]);
    expect(row.broadcast_to(2, 2), 2, &[10.0, 20.0, 10.0, 20.0]);
    expect(col.broadcast_to(3, 2), 3, &[1.0, 1.0, 2.0, 2.0, 4.0, 4.0]);
    // Compound assignment broadcasts the right operand too.
    let mut y = x.clone();
    y += &row;
    expect(y, 3, &[11.0, 22.0, 13.0, 24.0, 15.0, 26.0]);
}

#[test]
#[should_panic(expected = "add: shapes 3×2 and 2×2 do not broadcast")]
fn incompatible_shapes_panic_naming_both() {
    let x = Tensor::constant(mat(3, 2, 1, 0.0));
    let _ = &x + &Tensor::constant(mat(2, 2, 2, 0.0));
}

#[test]
#[should_panic(expected = "a 2×2 matrix does not broadcast to 3×2")]
fn broadcast_to_an_incompatible_shape_panics() {
    let _ = Tensor::constant(mat(2, 2, 1, 0.0)).broadcast_to(3, 2);
}

#[test]
fn broadcast_to_of_rows_and_columns_sums_the_cotangent_back() {
    let row = |x: &Tensor<f64>| x.broadcast_to(4, 3);
    let col = |x: &Tensor<f64>| x.transpose().broadcast_to(3, 4);
    for (name, op) in [
        ("row", &row as &dyn Fn(&Tensor<f64>) -> Tensor<f64>),
        ("col", &col),
    ] {
        let x = mat(1, 3, 5, 0.0);
        assert_mat_close(&tape_grad(op, &x), &fd(&|x| plain(op, x), &x), 1e-6, name);
    }
}

/// `sum((x·W + b)²)` in f32, the dense layer's bias added to every row, against TensorFlow 2.21.
#[test]
fn dense_layer_bias_matches_tensorflow() {
    let x = Tensor::constant(DMatrix::from_row_slice(
        3,
        2,
        &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0],
    ));
    let w = Variable::new(DMatrix::from_row_slice(2, 2, &[0.5f32, -1.0, 2.0, 0.25]));
    let b = Variable::new(DMatrix::from_row_slice(1, 2, &[0.5f32, -0.5]));
    let t = GradientTape::new();
    let y = (&x.matmul(&w.read(&t)) + &b.read(&t)).powi(2).reduce_sum();
    let [gw, gb] = t.gradient(&y, [&w, &b]);
    assert!((y.scalar() - 373.25).abs() < 1e-4);
    let close = |g: Option<Tensor<f32>>, tf: &[f32]| {
        let g = g.unwrap();
        assert_eq!(g.shape().0 * g.shape().1, tf.len());
        let g = g.to_matrix().transpose(); // row by row, as TensorFlow prints
        for (a, b) in g.iter().zip(tf) {
            assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{g} vs {tf:?}");
        }
    };
    close(gw, &[220.0, -57.0, 280.0, -72.0]);
    close(gb, &[60.0, -15.0]);
    // The tester's case: no weights, `b` of shape 1×2 added to a 3×2 `x`.
    let t = GradientTape::new();
    let y = (&x + &b.read(&t)).powi(2).reduce_sum();
    close(t.gradient(&y, &b), &[21.0, 21.0]);
}

/// A second derivative through broadcasts: `f(b) = Σᵢⱼ (xᵢⱼ·bⱼ)³` with `b` a row, `∂f/∂bⱼ =
/// 3·bⱼ²·Σᵢ xᵢⱼ³`, and the outer tape differentiates `Σⱼ wⱼ·∂f/∂bⱼ` to `6·wₖ·bₖ·Σᵢ xᵢₖ³`.
#[test]
fn nested_tapes_differentiate_through_broadcasts() {
    let xm = DMatrix::from_row_slice(3, 2, &[1.0f64, -2.0, 0.5, 3.0, 2.0, 1.0]);
    let (b0, w) = ([0.7f64, -1.2], [2.0f64, -0.5]);
    let x = Tensor::constant(xm.clone());
    let b = Variable::new(DMatrix::from_row_slice(1, 2, &b0));
    let outer = GradientTape::persistent();
    let inner = outer.nested();
    let y = (&x * &b.read(&inner)).powi(3).sum();
    let g = inner.gradient(&y, &b).unwrap();
    assert_eq!(g.shape(), (1, 2));
    let z = (&g * &Tensor::constant(DMatrix::from_row_slice(1, 2, &w))).sum();
    let h = outer.gradient(&z, &b).unwrap().to_matrix();
    for k in 0..2 {
        let cubes: f64 = xm.column(k).iter().map(|v| v.powi(3)).sum();
        let first = 3.0 * b0[k] * b0[k] * cubes;
        assert!((g.to_matrix()[(0, k)] - first).abs() < 1e-12 * (1.0 + first.abs()));
        let second = 6.0 * w[k] * b0[k] * cubes;
        assert!(
            (h[(0, k)] - second).abs() < 1e-12 * (1.0 + second.abs()),
            "{h}"
        );
    }
}

#[test]
fn matmul_rule_matches_central_differences() {
    let (a, b) = (
        Tensor::constant(mat(2, 3, 11, 0.0)),
        Tensor::constant(mat(3, 4, 12, 0.0)),
    );
    check_binary("matmul", |a, b| a.matmul(b), a, b);
}

#[test]
fn relu_at_zero_has_zero_derivative_like_tf() {
    let x = Tensor::constant(0.0f64);
    let t = GradientTape::new();
    t.watch(&x);
    let y = x.relu();
    assert!(t.gradient(&y, &x).unwrap().scalar().abs() < 1e-15);
}

#[test]
fn f32_and_f64_agree() {
    let x32 = Variable::new(DMatrix::from_row_slice(2, 1, &[0.5f32, -1.0]));
    let x64 = Variable::new(DMatrix::from_row_slice(2, 1, &[0.5f64, -1.0]));
    let t32 = GradientTape::new();
    let y32 = (x32.read(&t32).tanh() * 3.0f32).exp().sum();
    let g32 = t32.gradient(&y32, &x32).unwrap().to_matrix();
    let t64 = GradientTape::new();
    let y64 = (x64.read(&t64).tanh() * 3.0).exp().sum();
    let g64 = t64.gradient(&y64, &x64).unwrap().to_matrix();
    for (a, b) in g32.iter().zip(g64.iter()) {
        assert!((f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()));
    }
}

use super::super::Variable;

/// `|got - exact| <= half an f32 ulp of `exact``: the correctly rounded result.
fn assert_f32_rounded(got: f32, exact: f64, what: &str) {
    let half_ulp = f64::from(f32::EPSILON) * exact.abs() / 2.0;
    assert!(
        (f64::from(got) - exact).abs() <= half_ulp,
        "{what}: {got} vs exact {exact}"
    );
}

/// Reductions of many `f32` entries are accumulated in `f64` (a running `f32` sum of a million
/// `0.1`s is 100958.34): the value and the gradients that sum a broadcast cotangent.
#[test]
fn f32_reductions_of_many_entries_are_correctly_rounded() {
    let tenth = f64::from(0.1f32); // 0.100000001490116...
    let a = Tensor::constant(DMatrix::from_element(1000, 1000, 0.1f32));
    assert_f32_rounded(a.reduce_sum().scalar(), 1e6 * tenth, "reduce_sum 1000×1000");
    assert_f32_rounded(a.reduce_mean().scalar(), tenth, "reduce_mean 1000×1000");
    let col = Tensor::constant(DMatrix::from_element(4_000_000, 1, 0.1f32));
    assert_f32_rounded(col.reduce_sum().scalar(), 4e6 * tenth, "reduce_sum 4e6×1");
    let row = Tensor::constant(DMatrix::from_element(1, 4_000_000, 0.1f32));
    assert_f32_rounded(row.reduce_mean().scalar(), tenth, "reduce_mean 1×4e6");

    // d/db of Σ (X + b) ⊙ C with C all 0.1: C summed over the dimensions b was broadcast along.
    let cases: &[ShapePair] = &[
        ((1000, 1000), (1, 1)),
        ((500_000, 2), (1, 2)),
        ((2, 500_000), (2, 1)),
    ];
    for &((r, c), (br, bc)) in cases {
        let x = Tensor::constant(DMatrix::from_element(r, c, 1.0f32));
        let w = Tensor::constant(DMatrix::from_element(r, c, 0.1f32));
        let b = Variable::new(DMatrix::from_element(br, bc, 0.5f32));
        let per_entry = (r / br * c / bc) as f64 * tenth;
        let check = |g: Option<Tensor<f32>>, how: &str| {
            let g = g.unwrap();
            assert_eq!(g.shape(), (br, bc));
            for v in g.to_matrix().iter() {
                let what = format!("d/db ({how}), b {br}×{bc}, x {r}×{c}");
                assert_f32_rounded(*v, per_entry, &what);
            }
        };
        let t = GradientTape::new();
        let y = (&(&x + &b.read(&t)) * &w).sum();
        check(t.gradient(&y, &b), "one-shot");
        let t = GradientTape::persistent(); // still recording: the recorded pullbacks
        let y = (&(&x + &b.read(&t)) * &w).sum();
        check(t.gradient(&y, &b), "recorded");
    }
    // The gradient of `broadcast_to` sums the cotangent the same way.
    let s = Variable::new(0.5f32);
    let t = GradientTape::new();
    let y = (&s.read(&t).broadcast_to(1000, 1000) * &a).sum();
    assert_f32_rounded(
        t.gradient(&y, &s).unwrap().scalar(),
        1e6 * tenth,
        "broadcast_to",
    );
}

/// f64 sums are pairwise: a million `0.1`s within 16 ulps of the exact sum (pairwise error
/// grows as `log n`; a running sum is off by 1.3e-6 here, about 90 000 ulps).
#[test]
fn f64_reductions_of_many_entries_are_accurate() {
    let a = Tensor::constant(DMatrix::from_element(1000, 1000, 0.1f64));
    let exact = 100_000.000_000_000_005_551; // 1e6 · 0.1000000000000000055511...
    let tol = 16.0 * f64::EPSILON * exact;
    let sum = a.reduce_sum().scalar();
    assert!((sum - exact).abs() <= tol, "{sum}");
    let mean = a.reduce_mean().scalar();
    assert!((mean - 0.1).abs() <= 16.0 * f64::EPSILON * 0.1, "{mean}");
}
