//! The zero rule on the tape: a cotangent that is exactly 0 times an infinite or NaN local
//! derivative gives 0, as in the compiled path (`rules::zero`). Each case is compared with a
//! `#[differentiable]` twin at the same point, through every backward pass of the tape: the lean
//! scalar pass (one-shot tape), the recorded pass (a persistent tape still recording) and the
//! matrix pass (the same expression on a 2×1 matrix).

use autodiff::differentiable;
use nalgebra::DMatrix;

use super::super::{GradientTape, Tensor, Variable};

#[differentiable]
fn sqrt_times_zero(x: f64) -> f64 {
    x.sqrt() * 0.0
}

#[differentiable]
fn relu_of_sqrt(x: f64) -> f64 {
    let s = x.sqrt() - 1.0;
    if s > 0.0 { s } else { 0.0 }
}

#[differentiable]
fn ln_times_zero(x: f64) -> f64 {
    x.ln() * 0.0
}

#[differentiable]
fn recip_times_zero(x: f64) -> f64 {
    (1.0 / x) * 0.0
}

#[differentiable]
fn zero_over(x: f64) -> f64 {
    0.0 / x
}

#[differentiable]
fn pow_half_times_zero(x: f64) -> f64 {
    x.powf(0.5) * 0.0
}

#[differentiable]
fn pow_neg_times_zero(x: f64) -> f64 {
    x.powf(-1.5) * 0.0
}

#[differentiable]
fn sqrt_alone(x: f64) -> f64 {
    x.sqrt()
}

#[differentiable]
fn quotient(x: f64, y: f64) -> f64 {
    x / y
}

#[differentiable]
fn quotient_times_zero(x: f64, y: f64) -> f64 {
    (x / y) * 0.0
}

#[differentiable]
fn sqrt_times_other(x: f64, y: f64) -> f64 {
    x.sqrt() * y
}

#[differentiable]
fn ln_over_square(x: f64, y: f64) -> f64 {
    x.ln() * (y * y)
}

/// `a == b`, NaN equal to NaN (a NaN where the compiled path has a number is a failure).
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 * b.abs()
}

/// The tape's gradients of `f` at `x0` by each backward pass: the lean pass, the recorded pass,
/// and the matrix pass (entry 0 of a 2×1 matrix `[x0, 1]` per argument).
fn tape_grads(
    f: &dyn Fn(&[Tensor<f64>]) -> Tensor<f64>,
    x0: &[f64],
) -> Vec<(&'static str, Vec<f64>)> {
    let mut out = Vec::new();
    let scalars = || -> Vec<Tensor<f64>> { x0.iter().map(|&v| Tensor::constant(v)).collect() };
    // The lean pass: one-shot tape, variables (the scalar script's path).
    let vars: Vec<_> = x0.iter().map(|&v| Variable::new(v)).collect();
    let t = GradientTape::new();
    let xs: Vec<Tensor<f64>> = vars.iter().map(|v| v.read(&t)).collect();
    let y = f(&xs);
    let refs: Vec<_> = vars.iter().collect();
    let lean: Vec<f64> = match refs.as_slice() {
        [a] => vec![t.gradient(&y, *a).unwrap().scalar()],
        [a, b] => t
            .gradient(&y, [*a, *b])
            .iter()
            .map(|g| g.as_ref().unwrap().scalar())
            .collect(),
        _ => unreachable!(),
    };
    out.push(("lean", lean));
    // The recorded pass: a persistent tape that still records while it differentiates.
    let xs = scalars();
    let t = GradientTape::persistent();
    for x in &xs {
        t.watch(x);
    }
    let y = f(&xs);
    out.push((
        "recorded",
        xs.iter()
            .map(|x| t.gradient(&y, x).unwrap().scalar())
            .collect(),
    ));
    // The matrix pass: the same expression entry by entry on 2×1 matrices.
    let xs: Vec<Tensor<f64>> = x0
        .iter()
        .map(|&v| Tensor::constant(DMatrix::from_column_slice(2, 1, &[v, 1.0])))
        .collect();
    let t = GradientTape::new();
    for x in &xs {
        t.watch(x);
    }
    let y = f(&xs).sum();
    let [g0, g1] = match xs.as_slice() {
        [a] => [t.gradient(&y, a), None],
        [a, b] => t.gradient(&y, [a, b]),
        _ => unreachable!(),
    };
    let m: Vec<f64> = [g0, g1]
        .into_iter()
        .flatten()
        .map(|g| g.to_matrix()[(0, 0)])
        .collect();
    out.push(("matrix", m));
    out
}

fn check(name: &str, f: &dyn Fn(&[Tensor<f64>]) -> Tensor<f64>, x0: &[f64], compiled: &[f64]) {
    for (pass, ours) in tape_grads(f, x0) {
        assert_eq!(ours.len(), compiled.len());
        for (k, (a, b)) in ours.iter().zip(compiled).enumerate() {
            assert!(
                same(*a, *b),
                "{name} at {x0:?}, {pass} pass, d/dx{k}: tape {a}, compiled {b}"
            );
        }
    }
}

#[test]
fn the_tape_applies_the_zero_rule_as_the_compiled_path() {
    type One = (
        &'static str,
        fn(&Tensor<f64>) -> Tensor<f64>,
        fn(f64) -> (f64, f64),
    );
    let one: &[One] = &[
        ("sqrt(x)·0", |x| &x.sqrt() * 0.0, sqrt_times_zero_grad),
        (
            "relu(sqrt(x) - 1)",
            |x| (&x.sqrt() - 1.0).relu(),
            relu_of_sqrt_grad,
        ),
        ("ln(x)·0", |x| &x.ln() * 0.0, ln_times_zero_grad),
        ("(1/x)·0", |x| &(1.0 / x) * 0.0, recip_times_zero_grad),
        ("0/x", |x| 0.0 / x, zero_over_grad),
        ("x^0.5·0", |x| &x.powf(0.5) * 0.0, pow_half_times_zero_grad),
        ("x^-1.5·0", |x| &x.powf(-1.5) * 0.0, pow_neg_times_zero_grad),
        ("sqrt(x)", |x| x.sqrt(), sqrt_alone_grad),
    ];
    for (name, f, twin) in one {
        for x0 in [0.0, 0.25] {
            let compiled = twin(x0).1;
            check(name, &|xs| f(&xs[0]), &[x0], &[compiled]);
        }
    }
    type Two = (
        &'static str,
        fn(&Tensor<f64>, &Tensor<f64>) -> Tensor<f64>,
        fn(f64, f64) -> (f64, (f64, f64)),
    );
    let two: &[Two] = &[
        ("x/y", |x, y| x / y, quotient_grad),
        ("(x/y)·0", |x, y| &(x / y) * 0.0, quotient_times_zero_grad),
        ("sqrt(x)·y", |x, y| &x.sqrt() * y, sqrt_times_other_grad),
        ("ln(x)·y²", |x, y| &x.ln() * &(y * y), ln_over_square_grad),
    ];
    for (name, f, twin) in two {
        for x0 in [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [0.5, -1.5]] {
            let (_, (dx, dy)) = twin(x0[0], x0[1]);
            check(name, &|xs| f(&xs[0], &xs[1]), &x0, &[dx, dy]);
        }
    }
}

/// Where the true derivative is infinite it stays infinite (the rule only acts on a zero
/// cotangent): `sqrt'(0) = +inf`, `(x/y)` at `y = 0` has `∂/∂x = +inf`.
#[test]
fn an_infinite_derivative_with_a_nonzero_cotangent_stays_infinite() {
    check("sqrt", &|xs| xs[0].sqrt(), &[0.0], &[f64::INFINITY]);
    assert_eq!(quotient_grad(1.0, 0.0).1.0, f64::INFINITY);
}
