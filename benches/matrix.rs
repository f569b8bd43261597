//! Matrix gradient benchmarks: the primal, the generated gradient (`#[differentiable]`) and a
//! hand-written analytic gradient, for
//!
//! 1. `mlp_32_32_10_b64`: a 32→32 (relu)→10 perceptron over a `#[derive(Differentiable)]`
//!    struct, batch 64, softmax cross-entropy through `ops::log_softmax` (`f32`); plus a training
//!    step (gradient + Adam through `Parameters`), comparable with `peers_cpu.json`'s `mlp_step_us`;
//! 2. `chain3_256`: `Σ (A·B·A·B)` for 256×256 `f64` matrices, with both inputs differentiated
//!    and with `wrt(a)` only;
//! 3. `elem_loop_100`: an element loop with a branch over a 100×100 `f64` matrix.
//!
//! Before timing, the bench prints the heap allocations of one call of each flavour (counted by
//! `stats_alloc`'s instrumented system allocator, which is installed for the whole run; its
//! overhead is a few atomic adds per allocation, on every flavour alike).
//!
//! `cargo bench -p autodiff-benches --bench matrix` runs everything; `cargo bench -p autodiff-benches --bench matrix -- --test` runs each
//! benchmark once. Results land in `$CARGO_TARGET_DIR/criterion/<group>/<flavour>/new/`.
//! `benches/tests/matrix_handwritten.rs` checks that every flavour computes the same gradient.

use std::alloc::System;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, criterion_group};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod common_matrix;
use common_matrix::*;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Short settings: 20 samples, 0.5 s warm-up, `secs` of measurement per benchmark.
fn quick<'a>(
    c: &'a mut Criterion,
    name: &str,
    secs: u64,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(secs));
    g
}

fn bench_mlp(c: &mut Criterion) {
    let model = Mlp::new(MLP_IN, MLP_HIDDEN, MLP_OUT);
    let (x, y) = mlp_data(MLP_BATCH, MLP_IN, MLP_OUT);
    let mut g = quick(c, "mlp_32_32_10_b64", 2);
    g.bench_function("primal", |b| {
        b.iter(|| mlp_loss(black_box(&model), black_box(&x), black_box(&y)))
    });
    g.bench_function("generated", |b| {
        b.iter(|| mlp_loss_grad(black_box(&model), black_box(&x), black_box(&y)))
    });
    g.bench_function("hand", |b| {
        b.iter(|| mlp_loss_hand(black_box(&model), black_box(&x), black_box(&y)))
    });
    let (mut m1, mut m2) = (model.clone(), model.clone());
    let (mut adam1, mut adam2) = (Adam::new(&m1), Adam::new(&m2));
    g.bench_function("step_generated_adam", |b| {
        b.iter(|| mlp_step_generated(&mut m1, &mut adam1, black_box(&x), black_box(&y)))
    });
    g.bench_function("step_hand_adam", |b| {
        b.iter(|| mlp_step_hand(&mut m2, &mut adam2, black_box(&x), black_box(&y)))
    });
    g.finish();
}

fn bench_chain(c: &mut Criterion) {
    let (a, bm) = chain_inputs(CHAIN_N);
    let (a, bm) = (&a, &bm);
    let mut g = quick(c, "chain3_256", 4);
    g.bench_function("primal", |b| b.iter(|| chain3(black_box(a), black_box(bm))));
    g.bench_function("generated", |b| {
        b.iter(|| chain3_grad(black_box(a), black_box(bm)))
    });
    g.bench_function("hand", |b| {
        b.iter(|| chain3_hand(black_box(a), black_box(bm)))
    });
    g.bench_function("generated_wrt_a", |b| {
        b.iter(|| chain3_wrt_a_grad(black_box(a), black_box(bm)))
    });
    g.bench_function("hand_wrt_a", |b| {
        b.iter(|| chain3_wrt_a_hand(black_box(a), black_box(bm)))
    });
    g.finish();
}

fn bench_elem(c: &mut Criterion) {
    let m = elem_input(ELEM_N);
    let m = &m;
    let mut g = quick(c, "elem_loop_100", 2);
    g.bench_function("primal", |b| b.iter(|| elem_loop(black_box(m))));
    g.bench_function("generated", |b| b.iter(|| elem_loop_grad(black_box(m))));
    g.bench_function("hand", |b| b.iter(|| elem_loop_hand(black_box(m))));
    g.finish();
}

/// Heap allocations (and bytes) of one call of `f`, its result dropped outside the count.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, usize) {
    let region = Region::new(GLOBAL);
    let r = black_box(f());
    let s = region.change();
    drop(r);
    (
        s.allocations + s.reallocations,
        s.bytes_allocated + s.bytes_reallocated.max(0) as usize,
    )
}

/// Prints one line per flavour: `allocations <group>/<flavour> <count> <bytes>`.
fn report_allocations() {
    let line = |name: &str, (n, bytes): (usize, usize)| {
        println!("allocations {name:<36} {n:>6} {bytes:>10}");
    };
    println!(
        "allocations {:<36} {:>6} {:>10}",
        "benchmark", "count", "bytes"
    );

    let model = Mlp::new(MLP_IN, MLP_HIDDEN, MLP_OUT);
    let (x, y) = mlp_data(MLP_BATCH, MLP_IN, MLP_OUT);
    line(
        "mlp_32_32_10_b64/primal",
        allocations(|| mlp_loss(&model, &x, &y)),
    );
    line(
        "mlp_32_32_10_b64/generated",
        allocations(|| mlp_loss_grad(&model, &x, &y)),
    );
    line(
        "mlp_32_32_10_b64/hand",
        allocations(|| mlp_loss_hand(&model, &x, &y)),
    );
    let (mut m1, mut m2) = (model.clone(), model.clone());
    let (mut adam1, mut adam2) = (Adam::new(&m1), Adam::new(&m2));
    // The first step sizes Adam's gradient buffer; count a later one.
    mlp_step_generated(&mut m1, &mut adam1, &x, &y);
    mlp_step_hand(&mut m2, &mut adam2, &x, &y);
    line(
        "mlp_32_32_10_b64/step_generated_adam",
        allocations(|| mlp_step_generated(&mut m1, &mut adam1, &x, &y)),
    );
    line(
        "mlp_32_32_10_b64/step_hand_adam",
        allocations(|| mlp_step_hand(&mut m2, &mut adam2, &x, &y)),
    );

    let (a, b) = chain_inputs(CHAIN_N);
    line("chain3_256/primal", allocations(|| chain3(&a, &b)));
    line("chain3_256/generated", allocations(|| chain3_grad(&a, &b)));
    line("chain3_256/hand", allocations(|| chain3_hand(&a, &b)));
    line(
        "chain3_256/generated_wrt_a",
        allocations(|| chain3_wrt_a_grad(&a, &b)),
    );
    line(
        "chain3_256/hand_wrt_a",
        allocations(|| chain3_wrt_a_hand(&a, &b)),
    );

    let m = elem_input(ELEM_N);
    line("elem_loop_100/primal", allocations(|| elem_loop(&m)));
    line(
        "elem_loop_100/generated",
        allocations(|| elem_loop_grad(&m)),
    );
    line("elem_loop_100/hand", allocations(|| elem_loop_hand(&m)));
}

criterion_group!(benches, bench_mlp, bench_chain, bench_elem);

fn main() {
    report_allocations();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
