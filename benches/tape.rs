//! What the GradientTape facade costs: a compiled `#[differentiable]` call recorded as one node
//! vs calling `NAME_grad` directly, and an elementary-operation script (Rosenbrock) recorded op by
//! op vs the `reverse` crate's run-time tape.
//!
//! `cargo bench --bench tape` runs everything; `cargo bench --bench tape -- --test` runs each
//! benchmark once (smoke test).

use std::hint::black_box;
use std::time::Duration;

use autodiff::prelude::*;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

mod common;
use common::{rosenbrock_grad, rosenbrock_point, rosenbrock_reverse};

fn quick<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g
}

/// Two-variable Rosenbrock, compiled.
#[differentiable]
fn rosen2(a: f64, b: f64) -> f64 {
    (1.0 - a) * (1.0 - a) + 100.0 * (b - a * a) * (b - a * a)
}

/// The TensorFlow pattern around a compiled call: open a tape, read the variables, call, ask.
fn rosen2_tape(a: &Variable<f64>, b: &Variable<f64>) -> (f64, f64, f64) {
    let t = GradientTape::new();
    let y = t.call2(rosen2_grad, &a.read(&t), &b.read(&t));
    let [ga, gb] = t.gradient(&y, [a, b]);
    (
        y.scalar(),
        ga.map_or(0.0, |g| g.scalar()),
        gb.map_or(0.0, |g| g.scalar()),
    )
}

/// Rosenbrock written with recorded elementary operations, the way `reverse`'s version is.
fn rosenbrock_tape(x: &[Variable<f64>]) -> (f64, Vec<f64>) {
    let t = GradientTape::new();
    let v: Vec<Tensor<f64>> = x.iter().map(|xi| xi.read(&t)).collect();
    let term = |i: usize| {
        let a = &v[i + 1] - &(&v[i] * &v[i]);
        let b = 1.0 - &v[i];
        &(&a * &a) * 100.0 + &b * &b
    };
    let mut s = term(0);
    for i in 1..v.len() - 1 {
        s = &s + &term(i);
    }
    let grads = t.gradient(&s, x.iter().collect::<Vec<_>>());
    (
        s.scalar(),
        grads
            .into_iter()
            .map(|g| g.map_or(0.0, |g| g.scalar()))
            .collect(),
    )
}

/// [`rosenbrock_tape`] accumulating with `s += term` instead of `s = &s + &term` (the sum is
/// updated in place instead of a new handle being moved into `s`).
fn rosenbrock_tape_add_assign(x: &[Variable<f64>]) -> (f64, Vec<f64>) {
    let t = GradientTape::new();
    let v: Vec<Tensor<f64>> = x.iter().map(|xi| xi.read(&t)).collect();
    let term = |i: usize| {
        let a = &v[i + 1] - &(&v[i] * &v[i]);
        let b = 1.0 - &v[i];
        &(&a * &a) * 100.0 + &b * &b
    };
    let mut s = term(0);
    for i in 1..v.len() - 1 {
        s += term(i);
    }
    let grads = t.gradient(&s, x.iter().collect::<Vec<_>>());
    (
        s.scalar(),
        grads
            .into_iter()
            .map(|g| g.map_or(0.0, |g| g.scalar()))
            .collect(),
    )
}

/// A third elementary script, not Rosenbrock: `Σᵢ sin(xᵢ·xᵢ₊₁) + e^(0.1·xᵢ)·xᵢ₊₁` over `n`
/// variables (seven recorded operations per term: products, a constant product, `sin`, `exp`,
/// sums).
fn trig_chain_tape(x: &[Variable<f64>]) -> (f64, Vec<f64>) {
    let t = GradientTape::new();
    let v: Vec<Tensor<f64>> = x.iter().map(|xi| xi.read(&t)).collect();
    let term = |i: usize| (&v[i] * &v[i + 1]).sin() + &(&v[i] * 0.1).exp() * &v[i + 1];
    let mut s = term(0);
    for i in 1..v.len() - 1 {
        s = &s + &term(i);
    }
    let grads = t.gradient(&s, x.iter().collect::<Vec<_>>());
    (
        s.scalar(),
        grads
            .into_iter()
            .map(|g| g.map_or(0.0, |g| g.scalar()))
            .collect(),
    )
}

/// [`trig_chain_tape`] on the `reverse` crate's tape.
fn trig_chain_reverse(x: &[f64]) -> (f64, Vec<f64>) {
    let tape = reverse::Tape::new();
    let v = tape.add_vars(x);
    let term = |i: usize| (v[i] * v[i + 1]).sin() + (v[i] * 0.1).exp() * v[i + 1];
    let mut s = term(0);
    for i in 1..v.len() - 1 {
        s = s + term(i);
    }
    use reverse::Gradient;
    (s.val(), s.grad().wrt(&v))
}

/// The gradient of [`trig_chain_tape`]'s function, by hand: for term `i`,
/// `∂/∂xᵢ = cos(xᵢxᵢ₊₁)·xᵢ₊₁ + 0.1·e^(0.1xᵢ)·xᵢ₊₁` and `∂/∂xᵢ₊₁ = cos(xᵢxᵢ₊₁)·xᵢ + e^(0.1xᵢ)`.
fn trig_chain_hand(x: &[f64]) -> (f64, Vec<f64>) {
    let (mut s, mut g) = (0.0, vec![0.0; x.len()]);
    for i in 0..x.len() - 1 {
        let (p, e) = (x[i] * x[i + 1], (0.1 * x[i]).exp());
        s += p.sin() + e * x[i + 1];
        g[i] += p.cos() * x[i + 1] + 0.1 * e * x[i + 1];
        g[i + 1] += p.cos() * x[i] + e;
    }
    (s, g)
}

fn bench_call(c: &mut Criterion) {
    let (a, b) = (Variable::new(-1.2), Variable::new(1.0));
    let mut g = quick(c, "tape_call");
    g.bench_function("direct_grad", |bch| {
        bch.iter(|| rosen2_grad(black_box(-1.2), black_box(1.0)))
    });
    g.bench_function("tape", |bch| {
        bch.iter(|| rosen2_tape(black_box(&a), black_box(&b)))
    });
    g.finish();
}

fn bench_ops(c: &mut Criterion) {
    for n in [10, 100] {
        let x = rosenbrock_point(n);
        let vars: Vec<Variable<f64>> = x.iter().map(|&xi| Variable::new(xi)).collect();
        let mut g = quick(c, &format!("tape_ops_rosenbrock{n}"));
        g.bench_function("reverse", |b| b.iter(|| rosenbrock_reverse(black_box(&x))));
        g.bench_function("tape", |b| b.iter(|| rosenbrock_tape(black_box(&vars))));
        g.bench_function("tape_add_assign", |b| {
            b.iter(|| rosenbrock_tape_add_assign(black_box(&vars)))
        });
        g.bench_function("compiled", |b| b.iter(|| rosenbrock_grad(black_box(&x))));
        g.finish();
    }
    let x = rosenbrock_point(20);
    let vars: Vec<Variable<f64>> = x.iter().map(|&xi| Variable::new(xi)).collect();
    let mut g = quick(c, "tape_ops_trig_chain20");
    g.bench_function("reverse", |b| b.iter(|| trig_chain_reverse(black_box(&x))));
    g.bench_function("tape", |b| b.iter(|| trig_chain_tape(black_box(&vars))));
    g.finish();
}

/// `true` when `p` and `q` agree to 1e-9 relative (value and every gradient entry).
fn agree((s, g): &(f64, Vec<f64>), (s0, g0): &(f64, Vec<f64>)) -> bool {
    let close = |p: f64, q: f64| (p - q).abs() < 1e-9 * q.abs().max(1.0);
    close(*s, *s0) && g.len() == g0.len() && g.iter().zip(g0).all(|(p, q)| close(*p, *q))
}

/// The tape's answers equal the compiled ones (checked once before timing).
fn check() {
    let (a, b) = (Variable::new(-1.2), Variable::new(1.0));
    let (y, ga, gb) = rosen2_tape(&a, &b);
    let (y0, (ga0, gb0)) = rosen2_grad(-1.2, 1.0);
    assert!((y - y0).abs() < 1e-12 && (ga - ga0).abs() < 1e-9 && (gb - gb0).abs() < 1e-9);
    let x = rosenbrock_point(10);
    let vars: Vec<Variable<f64>> = x.iter().map(|&xi| Variable::new(xi)).collect();
    assert!(agree(&rosenbrock_tape(&vars), &rosenbrock_grad(&x)));
    assert!(agree(
        &rosenbrock_tape_add_assign(&vars),
        &rosenbrock_grad(&x)
    ));
    let x = rosenbrock_point(20);
    let vars: Vec<Variable<f64>> = x.iter().map(|&xi| Variable::new(xi)).collect();
    let hand = trig_chain_hand(&x);
    assert!(agree(&trig_chain_tape(&vars), &hand));
    assert!(agree(&trig_chain_reverse(&x), &hand));
}

fn benches(c: &mut Criterion) {
    check();
    bench_call(c);
    bench_ops(c);
}

criterion_group!(tape_benches, benches);
criterion_main!(tape_benches);
