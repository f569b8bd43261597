//! Scalar gradient benchmarks: primal, generated gradient (`#[differentiable]`), hand-written
//! gradient, the `reverse` crate's run-time tape, and `num-dual` forward duals.
//!
//! `cargo bench -p autodiff-benches --bench scalar` runs everything (about 2.5 s per benchmark);
//! `cargo bench -p autodiff-benches --bench scalar -- --test` runs each benchmark once (smoke test).
//! Results land in `$CARGO_TARGET_DIR/criterion/<group>/<flavour>/new/estimates.json`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

mod common;
use common::*;

/// Short settings: 30 samples, 0.5 s warm-up, 2 s measurement per benchmark.
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

fn rosenbrock_n(c: &mut Criterion, n: usize) {
    let x = rosenbrock_point(n);
    let x = x.as_slice();
    let mut g = quick(c, &format!("rosenbrock{n}"));
    g.bench_function("primal", |b| b.iter(|| rosenbrock(black_box(x))));
    g.bench_function("generated", |b| b.iter(|| rosenbrock_grad(black_box(x))));
    g.bench_function("hand", |b| b.iter(|| rosenbrock_hand(black_box(x))));
    g.bench_function("reverse", |b| b.iter(|| rosenbrock_reverse(black_box(x))));
    g.bench_function("num_dual", |b| b.iter(|| rosenbrock_dual(black_box(x))));
    g.finish();
}

fn bench_rosenbrock(c: &mut Criterion) {
    rosenbrock_n(c, 2);
    rosenbrock_n(c, 100);
}

fn bench_control_flow(c: &mut Criterion) {
    let a = CONTROL_FLOW_A;
    let mut g = quick(c, "control_flow");
    g.bench_function("primal", |b| b.iter(|| control_flow(black_box(a))));
    g.bench_function("generated", |b| b.iter(|| control_flow_grad(black_box(a))));
    g.bench_function("hand", |b| b.iter(|| control_flow_hand(black_box(a))));
    g.bench_function("reverse", |b| b.iter(|| control_flow_reverse(black_box(a))));
    g.bench_function("num_dual", |b| b.iter(|| control_flow_dual(black_box(a))));
    g.finish();
}

fn bench_fixed_point(c: &mut Criterion) {
    let p = FP_P;
    let mut g = quick(c, "fixed_point20");
    g.bench_function("primal", |b| b.iter(|| fixed_point(black_box(p))));
    g.bench_function("generated", |b| b.iter(|| fixed_point_grad(black_box(p))));
    g.bench_function("hand", |b| b.iter(|| fixed_point_hand(black_box(p))));
    g.bench_function("reverse", |b| b.iter(|| fixed_point_reverse(black_box(p))));
    g.bench_function("num_dual", |b| b.iter(|| fixed_point_dual(black_box(p))));
    g.finish();
}

fn bench_trig(c: &mut Criterion) {
    let (x, y) = TRIG_XY;
    let mut g = quick(c, "trig");
    g.bench_function("primal", |b| b.iter(|| trig(black_box(x), black_box(y))));
    g.bench_function("generated", |b| {
        b.iter(|| trig_grad(black_box(x), black_box(y)))
    });
    g.bench_function("hand", |b| b.iter(|| trig_hand(black_box(x), black_box(y))));
    g.bench_function("reverse", |b| {
        b.iter(|| trig_reverse(black_box(x), black_box(y)))
    });
    g.bench_function("num_dual", |b| {
        b.iter(|| trig_dual(black_box(x), black_box(y)))
    });
    g.finish();
}

fn bench_poly(c: &mut Criterion) {
    let (x1, x2) = POLY_X;
    let mut g = quick(c, "poly");
    g.bench_function("primal", |b| b.iter(|| poly(black_box(x1), black_box(x2))));
    g.bench_function("generated", |b| {
        b.iter(|| poly_grad(black_box(x1), black_box(x2)))
    });
    g.bench_function("hand", |b| {
        b.iter(|| poly_hand(black_box(x1), black_box(x2)))
    });
    let (y1, y2) = (f64::from(x1), f64::from(x2));
    g.bench_function("reverse", |b| {
        b.iter(|| poly_reverse(black_box(y1), black_box(y2)))
    });
    g.bench_function("num_dual", |b| {
        b.iter(|| poly_dual(black_box(x1), black_box(x2)))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_rosenbrock,
    bench_control_flow,
    bench_fixed_point,
    bench_trig,
    bench_poly
);
criterion_main!(benches);
