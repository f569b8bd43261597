//! Loop benchmarks ("reverse mode through loops"): for each workload the primal, the generated
//! gradient (`NAME_grad` from `#[differentiable]`) and the best gradient a careful person writes
//! by hand for the same algorithm. Workloads: `benches/common_loops/` (new) plus Rosenbrock-100,
//! the 20-step fixed point (`benches/common`) and the 100×100 element loop
//! (`benches/common_matrix`).
//!
//! Before timing, the bench prints the heap allocations of one call of each flavour (counted by
//! `stats_alloc`'s instrumented system allocator, installed for the whole run; its overhead is a
//! few atomic adds per allocation, on every flavour alike).
//!
//! `cargo bench -p autodiff-benches --bench loops` runs everything (30 samples, 0.5 s warm-up,
//! 2 s measurement each; about 1.5 minutes); `-- --test` runs each benchmark once. Results land in
//! `$CARGO_TARGET_DIR/criterion/<group>/<flavour>/new/`. `benches/tests/loops_handwritten.rs`
//! checks every flavour against central finite differences first.

use std::alloc::System;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, criterion_group};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod common;
mod common_loops;
mod common_matrix;

use common::{FP_P, fixed_point, fixed_point_grad, fixed_point_hand};
use common::{rosenbrock, rosenbrock_grad, rosenbrock_hand, rosenbrock_point};
use common_loops::calls::*;
use common_loops::extra::*;
use common_loops::filter::*;
use common_loops::generic::*;
use common_loops::gmm::*;
use common_loops::heat::*;
use common_loops::heat_forms;
use common_loops::heldout::*;
use common_loops::lookups::*;
use common_loops::lse::*;
use common_loops::newton::*;
use common_loops::probe::*;
use common_loops::probe2::*;
use common_loops::views::*;
use common_loops::wave::*;
use common_matrix::{ELEM_N, elem_input, elem_loop, elem_loop_grad, elem_loop_hand};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// 30 samples, 0.5 s warm-up, 2 s measurement per benchmark.
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

/// One group with the three flavours; each closure takes the inputs through `black_box`.
macro_rules! three {
    ($c:expr, $name:expr, $primal:expr, $generated:expr, $hand:expr) => {{
        let mut g = quick($c, $name);
        g.bench_function("primal", |b| b.iter($primal));
        g.bench_function("generated", |b| b.iter($generated));
        g.bench_function("hand", |b| b.iter($hand));
        g.finish();
    }};
}

mod loops_probe5;
use loops_probe5::{bench_probe5, probe5_allocations};

fn bench_lse(c: &mut Criterion) {
    let x = lse_input(LSE_N);
    let x = x.as_slice();
    three!(
        c,
        "loops_lse1000",
        || logsumexp(black_box(x)),
        || logsumexp_grad(black_box(x)),
        || logsumexp_hand(black_box(x))
    );
}

fn bench_newton(c: &mut Criterion) {
    let (p, q) = NEWTON_PC;
    three!(
        c,
        "loops_newton_cubic",
        || newton_cubic(black_box(p), black_box(q)),
        || newton_cubic_grad(black_box(p), black_box(q)),
        || newton_cubic_hand(black_box(p), black_box(q))
    );
}

fn bench_heat(c: &mut Criterion) {
    let u = heat_input(HEAT_N);
    let u = u.as_slice();
    let k = HEAT_K;
    three!(
        c,
        "loops_heat100x50",
        || heat(black_box(u), black_box(k)),
        || heat_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
    three!(
        c,
        "loops_heat_swap100x50",
        || heat_swap(black_box(u), black_box(k)),
        || heat_swap_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
    three!(
        c,
        "forms_heat_push100x50",
        || heat_forms::heat_push(black_box(u), black_box(k)),
        || heat_forms::heat_push_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
    three!(
        c,
        "forms_heat_clone100x50",
        || heat_forms::heat_clone(black_box(u), black_box(k)),
        || heat_forms::heat_clone_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
    three!(
        c,
        "forms_heat_interior100x50",
        || heat_forms::heat_interior(black_box(u), black_box(k)),
        || heat_forms::heat_interior_grad(black_box(u), black_box(k)),
        || heat_forms::heat_interior_hand(black_box(u), black_box(k))
    );
    three!(
        c,
        "forms_heat_while100x50",
        || heat_forms::heat_while(black_box(u), black_box(k)),
        || heat_forms::heat_while_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
    {
        use common_loops::iter_forms::*;
        let (xs, ys) = iter_input(ITER_N);
        let (xs, ys) = (&xs[..], &ys[..]);
        let (w, b) = (0.3, 0.1);
        three!(
            c,
            "forms_linreg_zip1000",
            || linreg_iter(black_box(xs), black_box(ys), w, b),
            || linreg_iter_grad(black_box(xs), black_box(ys), w, b),
            || linreg_hand(black_box(xs), black_box(ys), w, b)
        );
        three!(
            c,
            "forms_weighted_deref1000",
            || weighted_deref(black_box(xs), w),
            || weighted_deref_grad(black_box(xs), w),
            || weighted_hand(black_box(xs), w)
        );
        three!(
            c,
            "forms_weighted_pattern1000",
            || weighted_pattern(black_box(xs), w),
            || weighted_pattern_grad(black_box(xs), w),
            || weighted_hand(black_box(xs), w)
        );
        three!(
            c,
            "forms_map_iter1000",
            || map_iter(black_box(xs), w),
            || map_iter_grad(black_box(xs), w),
            || map_hand(black_box(xs), w)
        );
    }
    three!(
        c,
        "generic_heat_swap100x50",
        || heat_swap_generic(black_box(u), black_box(k)),
        || heat_swap_generic_grad(black_box(u), black_box(k)),
        || heat_hand(black_box(u), black_box(k))
    );
}

fn bench_gmm(c: &mut Criterion) {
    let (a, m, q, x) = gmm_input(GMM_D, GMM_K, GMM_N);
    let (a, m, q, x) = (a.as_slice(), m.as_slice(), q.as_slice(), x.as_slice());
    let w = GMM_WISHART;
    three!(
        c,
        "loops_gmm_d2_k5_n1000",
        || gmm_objective(
            black_box(a),
            black_box(m),
            black_box(q),
            black_box(x),
            GMM_D,
            w
        ),
        || gmm_objective_grad(
            black_box(a),
            black_box(m),
            black_box(q),
            black_box(x),
            GMM_D,
            w
        ),
        || gmm_objective_hand(
            black_box(a),
            black_box(m),
            black_box(q),
            black_box(x),
            GMM_D,
            w
        )
    );
}

fn bench_reused(c: &mut Criterion) {
    let x = rosenbrock_point(100);
    let x = x.as_slice();
    three!(
        c,
        "loops_rosenbrock100",
        || rosenbrock(black_box(x)),
        || rosenbrock_grad(black_box(x)),
        || rosenbrock_hand(black_box(x))
    );
    three!(
        c,
        "loops_fixed_point20",
        || fixed_point(black_box(FP_P)),
        || fixed_point_grad(black_box(FP_P)),
        || fixed_point_hand(black_box(FP_P))
    );
    let m = elem_input(ELEM_N);
    let m = &m;
    three!(
        c,
        "loops_elem_loop_100",
        || elem_loop(black_box(m)),
        || elem_loop_grad(black_box(m)),
        || elem_loop_hand(black_box(m))
    );
}

fn bench_extra(c: &mut Criterion) {
    let coef = horner_coefficients(HORNER_DEGREE + 1);
    let coef = coef.as_slice();
    three!(
        c,
        "loops_horner1000",
        || horner(black_box(coef), black_box(HORNER_X)),
        || horner_grad(black_box(coef), black_box(HORNER_X)),
        || horner_hand(black_box(coef), black_box(HORNER_X))
    );
    three!(
        c,
        "generic_horner1000",
        || horner_generic(black_box(coef), black_box(HORNER_X)),
        || horner_generic_grad(black_box(coef), black_box(HORNER_X)),
        || horner_hand(black_box(coef), black_box(HORNER_X))
    );
    let pos = lj_positions(LJ_PARTICLES);
    let pos = pos.as_slice();
    three!(
        c,
        "loops_lennard_jones64",
        || lennard_jones(black_box(pos)),
        || lennard_jones_grad(black_box(pos)),
        || lennard_jones_hand(black_box(pos))
    );
    let xs = rnn_inputs(RNN_STEPS);
    let xs = xs.as_slice();
    three!(
        c,
        "loops_rnn1000",
        || rnn(black_box(RNN_W), black_box(xs)),
        || rnn_grad(black_box(RNN_W), black_box(xs)),
        || rnn_hand(black_box(RNN_W), black_box(xs))
    );
}

/// The held-out workloads (`common_loops/heldout.rs`), groups `heldout_*`: run alone with
/// `cargo bench -p autodiff-benches --bench loops -- heldout`.
fn bench_heldout(c: &mut Criterion) {
    let (w, x, y) = logistic_input(LOGISTIC_N, LOGISTIC_D);
    let (w, x, y) = (w.as_slice(), x.as_slice(), y.as_slice());
    three!(
        c,
        "heldout_logistic500x8",
        || logistic(black_box(w), black_box(x), black_box(y)),
        || logistic_grad(black_box(w), black_box(x), black_box(y)),
        || logistic_hand(black_box(w), black_box(x), black_box(y))
    );
    let m = kepler_input(KEPLER_N);
    let m = m.as_slice();
    three!(
        c,
        "heldout_kepler100",
        || kepler(black_box(m), black_box(KEPLER_E)),
        || kepler_grad(black_box(m), black_box(KEPLER_E)),
        || kepler_hand(black_box(m), black_box(KEPLER_E))
    );
    let u = jacobi2d_input(JACOBI_SIDE);
    let u = u.as_slice();
    three!(
        c,
        "heldout_jacobi2d16x16x20",
        || jacobi2d(black_box(u), black_box(JACOBI_K), JACOBI_SIDE),
        || jacobi2d_grad(black_box(u), black_box(JACOBI_K), JACOBI_SIDE),
        || jacobi2d_hand(black_box(u), black_box(JACOBI_K), JACOBI_SIDE)
    );
    let (f, t) = oscillator_input(OSC_STEPS);
    let (f, t) = (f.as_slice(), t.as_slice());
    let (k, d) = OSC_KC;
    three!(
        c,
        "heldout_oscillator1000",
        || oscillator(black_box(k), black_box(d), black_box(f), black_box(t)),
        || oscillator_grad(black_box(k), black_box(d), black_box(f), black_box(t)),
        || oscillator_hand(black_box(k), black_box(d), black_box(f), black_box(t))
    );
    let p = kernel_input(KERNEL_POINTS);
    let p = p.as_slice();
    three!(
        c,
        "heldout_kernel_pairs64",
        || kernel_pairs(black_box(p), black_box(KERNEL_S)),
        || kernel_pairs_grad(black_box(p), black_box(KERNEL_S)),
        || kernel_pairs_hand(black_box(p), black_box(KERNEL_S))
    );
    let p = slice_pairs_input(SLICE_PAIRS_N);
    let p = p.as_slice();
    three!(
        c,
        "heldout_slice_pairs30",
        || slice_pairs(black_box(p)),
        || slice_pairs_grad(black_box(p)),
        || slice_pairs_hand(black_box(p))
    );
    let (lw, lx) = dense_layer_input(LAYER_N);
    let (lw, lx) = (lw.as_slice(), lx.as_slice());
    three!(
        c,
        "heldout_dense_layer32",
        || dense_layer(black_box(lw), black_box(lx)),
        || dense_layer_grad(black_box(lw), black_box(lx)),
        || dense_layer_hand(black_box(lw), black_box(lx))
    );
    let (u, t) = wave_input(WAVE_N);
    let (u, t) = (u.as_slice(), t.as_slice());
    three!(
        c,
        "heldout_wave100x50",
        || wave(black_box(u), black_box(WAVE_C), black_box(t)),
        || wave_grad(black_box(u), black_box(WAVE_C), black_box(t)),
        || wave_hand(black_box(u), black_box(WAVE_C), black_box(t))
    );
    let v = cumprod_input(CUMPROD_N);
    let v = v.as_slice();
    three!(
        c,
        "heldout_cumprod1000",
        || cumprod_sum(black_box(v)),
        || cumprod_sum_grad(black_box(v)),
        || cumprod_sum_hand(black_box(v))
    );
    let (fx, fr) = filter_input(FILTER_N);
    let (fx, fr) = (fx.as_slice(), fr.as_slice());
    let (fa, fb) = FILTER_AB;
    three!(
        c,
        "heldout_iir_filter1000",
        || iir_filter(black_box(fa), black_box(fb), black_box(fx), black_box(fr)),
        || iir_filter_grad(black_box(fa), black_box(fb), black_box(fx), black_box(fr)),
        || iir_filter_hand(black_box(fa), black_box(fb), black_box(fx), black_box(fr))
    );
    let g = grid_input(GRID_N);
    let g = g.as_slice();
    three!(
        c,
        "probe_grid_diffusion24x20",
        || grid_diffusion(black_box(g), black_box(GRID_K)),
        || grid_diffusion_grad(black_box(g), black_box(GRID_K)),
        || grid_diffusion_hand(black_box(g), black_box(GRID_K))
    );
    let (ys, qs, xs, t) = interp_input();
    let (ys, qs, xs, t) = (ys.as_slice(), qs.as_slice(), xs.as_slice(), t.as_slice());
    three!(
        c,
        "probe_interp_fit64x500",
        || interp_fit(black_box(ys), black_box(qs), black_box(xs), black_box(t)),
        || interp_fit_grad(black_box(ys), black_box(qs), black_box(xs), black_box(t)),
        || interp_fit_hand(black_box(ys), black_box(qs), black_box(xs), black_box(t))
    );
    let (p, obs) = lv_input(LV_STEPS);
    let (p, obs) = (p.as_slice(), obs.as_slice());
    three!(
        c,
        "probe_lotka_volterra500",
        || lotka_volterra(black_box(p), black_box(obs)),
        || lotka_volterra_grad(black_box(p), black_box(obs)),
        || lotka_volterra_hand(black_box(p), black_box(obs))
    );
}

/// The second outside probe's workloads (`common_loops/probe2.rs`), groups `probe2_*`: run alone
/// with `cargo bench -p autodiff-benches --bench loops -- probe2`.
fn bench_probe2(c: &mut Criterion) {
    let (w, x) = conv1d_input();
    let (w, x) = (w.as_slice(), x.as_slice());
    three!(
        c,
        "probe2_conv1d1024x16",
        || conv1d(black_box(w), black_box(x)),
        || conv1d_grad(black_box(w), black_box(x)),
        || conv1d_hand(black_box(w), black_box(x))
    );
    let (f, t) = gauss_seidel_input();
    let (f, t) = (f.as_slice(), t.as_slice());
    three!(
        c,
        "probe2_gauss_seidel128x30",
        || gauss_seidel(black_box(f), black_box(GS_H), black_box(t)),
        || gauss_seidel_grad(black_box(f), black_box(GS_H), black_box(t)),
        || gauss_seidel_hand(black_box(f), black_box(GS_H), black_box(t))
    );
    let (x0, t) = spring_chain_input();
    let (x0, t) = (x0.as_slice(), t.as_slice());
    three!(
        c,
        "probe2_spring_chain64x50",
        || spring_chain(black_box(x0), black_box(CHAIN_K), black_box(t)),
        || spring_chain_grad(black_box(x0), black_box(CHAIN_K), black_box(t)),
        || spring_chain_hand(black_box(x0), black_box(CHAIN_K), black_box(t))
    );
    let (w, x, l) = softmax_xent_input();
    let (w, x, l) = (w.as_slice(), x.as_slice(), l.as_slice());
    three!(
        c,
        "probe2_softmax_xent200x8x5",
        || softmax_xent(black_box(w), black_box(x), black_box(l), SM_C),
        || softmax_xent_grad(black_box(w), black_box(x), black_box(l), SM_C),
        || softmax_xent_hand(black_box(w), black_box(x), black_box(l), SM_C)
    );
    let (x, y) = chain_energy_input();
    let (x, y) = (x.as_slice(), y.as_slice());
    three!(
        c,
        "probe2_chain_energy1000",
        || chain_energy(black_box(x), black_box(y), black_box(CE_L)),
        || chain_energy_grad(black_box(x), black_box(y), black_box(CE_L)),
        || chain_energy_hand(black_box(x), black_box(y), black_box(CE_L))
    );
    let (a, b, t) = scan_push_input();
    let (a, b, t) = (a.as_slice(), b.as_slice(), t.as_slice());
    three!(
        c,
        "probe2_scan_push2000",
        || scan_push(black_box(a), black_box(b), black_box(t)),
        || scan_push_grad(black_box(a), black_box(b), black_box(t)),
        || scan_push_hand(black_box(a), black_box(b), black_box(t))
    );
    let (w1, b1, w2, b2, xs, ys) = mlp2_input();
    let (w1, b1, w2, xs, ys) = (
        w1.as_slice(),
        b1.as_slice(),
        w2.as_slice(),
        xs.as_slice(),
        ys.as_slice(),
    );
    three!(
        c,
        "probe2_mlp2_32x8x16",
        || mlp2(
            black_box(w1),
            black_box(b1),
            black_box(w2),
            black_box(b2),
            black_box(xs),
            black_box(ys)
        ),
        || mlp2_grad(
            black_box(w1),
            black_box(b1),
            black_box(w2),
            black_box(b2),
            black_box(xs),
            black_box(ys)
        ),
        || mlp2_hand(
            black_box(w1),
            black_box(b1),
            black_box(w2),
            black_box(b2),
            black_box(xs),
            black_box(ys)
        )
    );
    let (th, x, y) = huber_fit_input();
    let (th, x, y) = (th.as_slice(), x.as_slice(), y.as_slice());
    three!(
        c,
        "probe2_huber_fit2000",
        || huber_fit(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_grad(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_hand(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        )
    );
    three!(
        c,
        "probe2_huber_inline2000",
        || huber_fit_inline(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_inline_grad(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_hand(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        )
    );
    three!(
        c,
        "probe2_huber_value2000",
        || huber_fit_value(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_value_grad(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        ),
        || huber_fit_hand(
            black_box(th),
            black_box(HUBER_DELTA),
            black_box(x),
            black_box(y)
        )
    );
    let (sp, sx, sy) = series_fit_input();
    let (sp, sx, sy) = (sp.as_slice(), sx.as_slice(), sy.as_slice());
    three!(
        c,
        "probe2_series_fit1000",
        || series_fit(black_box(sp), black_box(sx), black_box(sy)),
        || series_fit_grad(black_box(sp), black_box(sx), black_box(sy)),
        || series_fit_hand(black_box(sp), black_box(sx), black_box(sy))
    );
}

fn bench_lookups(c: &mut Criterion) {
    let (table, xs, ks, y) = lookup_input();
    let (table, xs, ks, y) = (table.as_slice(), xs.as_slice(), ks.as_slice(), y.as_slice());
    three!(
        c,
        "probe4_table_lookup256x1000",
        || lookup_fit(black_box(table), black_box(xs), black_box(ks), black_box(y)),
        || lookup_fit_grad(black_box(table), black_box(xs), black_box(ks), black_box(y)),
        || lookup_fit_hand(black_box(table), black_box(xs), black_box(ks), black_box(y))
    );
    let (w, px, py) = poly_input();
    let (w, px, py) = (w.as_slice(), px.as_slice(), py.as_slice());
    three!(
        c,
        "probe4_poly_helper16x500",
        || poly_helper_fit(black_box(w), black_box(px), black_box(py)),
        || poly_helper_fit_grad(black_box(w), black_box(px), black_box(py)),
        || poly_helper_fit_hand(black_box(w), black_box(px), black_box(py))
    );
}

fn bench_views(c: &mut Criterion) {
    let (x, t) = smooth_fit_input();
    let (x, t) = (x.as_slice(), t.as_slice());
    let l = SMOOTH_LAMBDA;
    three!(
        c,
        "probe3_smooth_windows1000",
        || smooth_fit(black_box(x), black_box(t), black_box(l)),
        || smooth_fit_grad(black_box(x), black_box(t), black_box(l)),
        || smooth_fit_hand(black_box(x), black_box(t), black_box(l))
    );
    three!(
        c,
        "probe3_smooth_indexed1000",
        || smooth_fit_indexed(black_box(x), black_box(t), black_box(l)),
        || smooth_fit_indexed_grad(black_box(x), black_box(t), black_box(l)),
        || smooth_fit_hand(black_box(x), black_box(t), black_box(l))
    );
    let (z, y) = chunk_xent_input();
    let (z, y) = (z.as_slice(), y.as_slice());
    three!(
        c,
        "probe3_chunk_xent200x10",
        || chunk_xent(black_box(z), black_box(y), black_box(XENT_CLASSES)),
        || chunk_xent_grad(black_box(z), black_box(y), black_box(XENT_CLASSES)),
        || chunk_xent_hand(black_box(z), black_box(y), black_box(XENT_CLASSES))
    );
}

/// Heap allocations (and bytes) of one call of `f` after a first, uncounted one (the steady state
/// of a training loop: record tapes start at the size the last call needed), its result dropped
/// outside the count.
fn allocations<R>(f: impl Fn() -> R) -> (usize, usize) {
    drop(black_box(f()));
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
fn line3<A, B, C>(
    group: &str,
    primal: impl Fn() -> A,
    generated: impl Fn() -> B,
    hand: impl Fn() -> C,
) {
    let line = |flavour: &str, (n, bytes): (usize, usize)| {
        let name = format!("{group}/{flavour}");
        println!("allocations {name:<40} {n:>6} {bytes:>10}");
    };
    line("primal", allocations(primal));
    line("generated", allocations(generated));
    line("hand", allocations(hand));
}

fn report_allocations() {
    println!(
        "allocations {:<40} {:>6} {:>10}",
        "benchmark", "count", "bytes"
    );
    let x = lse_input(LSE_N);
    line3(
        "loops_lse1000",
        || logsumexp(&x),
        || logsumexp_grad(&x),
        || logsumexp_hand(&x),
    );
    let (p, q) = NEWTON_PC;
    line3(
        "loops_newton_cubic",
        || newton_cubic(p, q),
        || newton_cubic_grad(p, q),
        || newton_cubic_hand(p, q),
    );
    let u = heat_input(HEAT_N);
    line3(
        "loops_heat100x50",
        || heat(&u, HEAT_K),
        || heat_grad(&u, HEAT_K),
        || heat_hand(&u, HEAT_K),
    );
    line3(
        "loops_heat_swap100x50",
        || heat_swap(&u, HEAT_K),
        || heat_swap_grad(&u, HEAT_K),
        || heat_hand(&u, HEAT_K),
    );
    line3(
        "generic_heat_swap100x50",
        || heat_swap_generic(&u, HEAT_K),
        || heat_swap_generic_grad(&u, HEAT_K),
        || heat_hand(&u, HEAT_K),
    );
    let (a, m, ic, xs) = gmm_input(GMM_D, GMM_K, GMM_N);
    let w = GMM_WISHART;
    line3(
        "loops_gmm_d2_k5_n1000",
        || gmm_objective(&a, &m, &ic, &xs, GMM_D, w),
        || gmm_objective_grad(&a, &m, &ic, &xs, GMM_D, w),
        || gmm_objective_hand(&a, &m, &ic, &xs, GMM_D, w),
    );
    let r = rosenbrock_point(100);
    line3(
        "loops_rosenbrock100",
        || rosenbrock(&r),
        || rosenbrock_grad(&r),
        || rosenbrock_hand(&r),
    );
    line3(
        "loops_fixed_point20",
        || fixed_point(FP_P),
        || fixed_point_grad(FP_P),
        || fixed_point_hand(FP_P),
    );
    let em = elem_input(ELEM_N);
    line3(
        "loops_elem_loop_100",
        || elem_loop(&em),
        || elem_loop_grad(&em),
        || elem_loop_hand(&em),
    );
    let coef = horner_coefficients(HORNER_DEGREE + 1);
    line3(
        "loops_horner1000",
        || horner(&coef, HORNER_X),
        || horner_grad(&coef, HORNER_X),
        || horner_hand(&coef, HORNER_X),
    );
    line3(
        "generic_horner1000",
        || horner_generic(&coef, HORNER_X),
        || horner_generic_grad(&coef, HORNER_X),
        || horner_hand(&coef, HORNER_X),
    );
    let pos = lj_positions(LJ_PARTICLES);
    line3(
        "loops_lennard_jones64",
        || lennard_jones(&pos),
        || lennard_jones_grad(&pos),
        || lennard_jones_hand(&pos),
    );
    let xs = rnn_inputs(RNN_STEPS);
    line3(
        "loops_rnn1000",
        || rnn(RNN_W, &xs),
        || rnn_grad(RNN_W, &xs),
        || rnn_hand(RNN_W, &xs),
    );
    let (w, lx, ly) = logistic_input(LOGISTIC_N, LOGISTIC_D);
    line3(
        "heldout_logistic500x8",
        || logistic(&w, &lx, &ly),
        || logistic_grad(&w, &lx, &ly),
        || logistic_hand(&w, &lx, &ly),
    );
    let km = kepler_input(KEPLER_N);
    line3(
        "heldout_kepler100",
        || kepler(&km, KEPLER_E),
        || kepler_grad(&km, KEPLER_E),
        || kepler_hand(&km, KEPLER_E),
    );
    let ju = jacobi2d_input(JACOBI_SIDE);
    line3(
        "heldout_jacobi2d16x16x20",
        || jacobi2d(&ju, JACOBI_K, JACOBI_SIDE),
        || jacobi2d_grad(&ju, JACOBI_K, JACOBI_SIDE),
        || jacobi2d_hand(&ju, JACOBI_K, JACOBI_SIDE),
    );
    let (of, ot) = oscillator_input(OSC_STEPS);
    let (ok, oc) = OSC_KC;
    line3(
        "heldout_oscillator1000",
        || oscillator(ok, oc, &of, &ot),
        || oscillator_grad(ok, oc, &of, &ot),
        || oscillator_hand(ok, oc, &of, &ot),
    );
    let kp = kernel_input(KERNEL_POINTS);
    line3(
        "heldout_kernel_pairs64",
        || kernel_pairs(&kp, KERNEL_S),
        || kernel_pairs_grad(&kp, KERNEL_S),
        || kernel_pairs_hand(&kp, KERNEL_S),
    );
    let sp = slice_pairs_input(SLICE_PAIRS_N);
    line3(
        "heldout_slice_pairs30",
        || slice_pairs(&sp),
        || slice_pairs_grad(&sp),
        || slice_pairs_hand(&sp),
    );
    let (lw, lx) = dense_layer_input(LAYER_N);
    line3(
        "heldout_dense_layer32",
        || dense_layer(&lw, &lx),
        || dense_layer_grad(&lw, &lx),
        || dense_layer_hand(&lw, &lx),
    );
    let (wu, wt) = wave_input(WAVE_N);
    line3(
        "heldout_wave100x50",
        || wave(&wu, WAVE_C, &wt),
        || wave_grad(&wu, WAVE_C, &wt),
        || wave_hand(&wu, WAVE_C, &wt),
    );
    let cv = cumprod_input(CUMPROD_N);
    line3(
        "heldout_cumprod1000",
        || cumprod_sum(&cv),
        || cumprod_sum_grad(&cv),
        || cumprod_sum_hand(&cv),
    );
    let (fx, fr) = filter_input(FILTER_N);
    let (fa, fb) = FILTER_AB;
    line3(
        "heldout_iir_filter1000",
        || iir_filter(fa, fb, &fx, &fr),
        || iir_filter_grad(fa, fb, &fx, &fr),
        || iir_filter_hand(fa, fb, &fx, &fr),
    );
    let g = grid_input(GRID_N);
    line3(
        "probe_grid_diffusion24x20",
        || grid_diffusion(&g, GRID_K),
        || grid_diffusion_grad(&g, GRID_K),
        || grid_diffusion_hand(&g, GRID_K),
    );
    let (ys, qs, xs, t) = interp_input();
    line3(
        "probe_interp_fit64x500",
        || interp_fit(&ys, &qs, &xs, &t),
        || interp_fit_grad(&ys, &qs, &xs, &t),
        || interp_fit_hand(&ys, &qs, &xs, &t),
    );
    let (p, obs) = lv_input(LV_STEPS);
    line3(
        "probe_lotka_volterra500",
        || lotka_volterra(&p, &obs),
        || lotka_volterra_grad(&p, &obs),
        || lotka_volterra_hand(&p, &obs),
    );
    let (cw, cx) = conv1d_input();
    line3(
        "probe2_conv1d1024x16",
        || conv1d(&cw, &cx),
        || conv1d_grad(&cw, &cx),
        || conv1d_hand(&cw, &cx),
    );
    let (gf, gt) = gauss_seidel_input();
    line3(
        "probe2_gauss_seidel128x30",
        || gauss_seidel(&gf, GS_H, &gt),
        || gauss_seidel_grad(&gf, GS_H, &gt),
        || gauss_seidel_hand(&gf, GS_H, &gt),
    );
    let (sx, st) = spring_chain_input();
    line3(
        "probe2_spring_chain64x50",
        || spring_chain(&sx, CHAIN_K, &st),
        || spring_chain_grad(&sx, CHAIN_K, &st),
        || spring_chain_hand(&sx, CHAIN_K, &st),
    );
    let (sw, sxx, sl) = softmax_xent_input();
    line3(
        "probe2_softmax_xent200x8x5",
        || softmax_xent(&sw, &sxx, &sl, SM_C),
        || softmax_xent_grad(&sw, &sxx, &sl, SM_C),
        || softmax_xent_hand(&sw, &sxx, &sl, SM_C),
    );
    let (ex, ey) = chain_energy_input();
    line3(
        "probe2_chain_energy1000",
        || chain_energy(&ex, &ey, CE_L),
        || chain_energy_grad(&ex, &ey, CE_L),
        || chain_energy_hand(&ex, &ey, CE_L),
    );
    let (sa, sb, stt) = scan_push_input();
    line3(
        "probe2_scan_push2000",
        || scan_push(&sa, &sb, &stt),
        || scan_push_grad(&sa, &sb, &stt),
        || scan_push_hand(&sa, &sb, &stt),
    );
    let (w1, b1, w2, b2, mx, my) = mlp2_input();
    line3(
        "probe2_mlp2_32x8x16",
        || mlp2(&w1, &b1, &w2, b2, &mx, &my),
        || mlp2_grad(&w1, &b1, &w2, b2, &mx, &my),
        || mlp2_hand(&w1, &b1, &w2, b2, &mx, &my),
    );
    let (ht, hx, hy) = huber_fit_input();
    line3(
        "probe2_huber_fit2000",
        || huber_fit(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_grad(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_hand(&ht, HUBER_DELTA, &hx, &hy),
    );
    line3(
        "probe2_huber_inline2000",
        || huber_fit_inline(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_inline_grad(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_hand(&ht, HUBER_DELTA, &hx, &hy),
    );
    line3(
        "probe2_huber_value2000",
        || huber_fit_value(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_value_grad(&ht, HUBER_DELTA, &hx, &hy),
        || huber_fit_hand(&ht, HUBER_DELTA, &hx, &hy),
    );
    let (sp, sx, sy) = series_fit_input();
    line3(
        "probe2_series_fit1000",
        || series_fit(&sp, &sx, &sy),
        || series_fit_grad(&sp, &sx, &sy),
        || series_fit_hand(&sp, &sx, &sy),
    );
    let (x, t) = smooth_fit_input();
    line3(
        "probe3_smooth_windows1000",
        || smooth_fit(&x, &t, SMOOTH_LAMBDA),
        || smooth_fit_grad(&x, &t, SMOOTH_LAMBDA),
        || smooth_fit_hand(&x, &t, SMOOTH_LAMBDA),
    );
    let (z, y) = chunk_xent_input();
    line3(
        "probe3_chunk_xent200x10",
        || chunk_xent(&z, &y, XENT_CLASSES),
        || chunk_xent_grad(&z, &y, XENT_CLASSES),
        || chunk_xent_hand(&z, &y, XENT_CLASSES),
    );
    let (table, lx, ks, ly) = lookup_input();
    line3(
        "probe4_table_lookup256x1000",
        || lookup_fit(&table, &lx, &ks, &ly),
        || lookup_fit_grad(&table, &lx, &ks, &ly),
        || lookup_fit_hand(&table, &lx, &ks, &ly),
    );
    let (w, px, py) = poly_input();
    line3(
        "probe4_poly_helper16x500",
        || poly_helper_fit(&w, &px, &py),
        || poly_helper_fit_grad(&w, &px, &py),
        || poly_helper_fit_hand(&w, &px, &py),
    );
    probe5_allocations();
}

criterion_group!(
    benches,
    bench_lse,
    bench_newton,
    bench_heat,
    bench_gmm,
    bench_reused,
    bench_extra,
    bench_heldout,
    bench_probe2,
    bench_probe5,
    bench_views,
    bench_lookups
);

fn main() {
    report_allocations();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
