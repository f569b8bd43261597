//! Each recorded operation's pullback against central differences (f64), on matrices and on
//! scalars, including a scalar broadcast against a matrix.

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
/// `0.1`s is 100958.34): the value and the gradient that sums a broadcast cotangent.
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
