//! Loops whose trips push records write them through a loop-scoped writer
//! (`autodiff-runtime/src/records.rs`): a loop with a size hint shadows the tapes its trips push
//! into, and dropping the writer on any exit puts the records back. A wrong count or order of
//! records shows up as a wrong gradient, so every member here is a loop shape where the writer
//! could lose, duplicate or reorder a record: exits by `break`, `continue`, early `return` and a
//! labelled `break` out of nested loops; size hints that are 0 or below the real trip count;
//! nested loops writing one tape (two and three levels); records crossing the tape's eight
//! inline entries; records of `Vec`s and matrices; `f32` and `T: Real`.
//!
//! Each value is checked against the function as written and each gradient against central
//! differences. (`?` is refused inside `#[differentiable]` functions, so it has no member.)

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::check::{Tolerance, assert_gradient, assert_slices, numeric_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

/// An early `break` and a `continue` in a loop that records every trip it runs.
#[differentiable]
fn break_and_continue(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut acc = 1.0;
    for i in 0..x.len() {
        if i % 3 == 1 {
            continue;
        }
        acc = acc * x[i].sin() + x[i] * x[i];
        s += acc.exp() * 0.1;
        if s > 40.0 {
            break;
        }
    }
    s + acc
}

/// An early `return` from a nested loop, after records of both loops.
#[differentiable]
fn early_return(x: &[f64], limit: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x.len() {
            let t = (x[i] * x[j]).tanh();
            s += t * t;
            if s > limit {
                return s * x[i];
            }
        }
    }
    s
}

/// A labelled `break` out of three nested loops that all record into tapes of their own and of
/// the loops around them.
#[differentiable]
fn labelled_break(x: &[f64], stop: usize) -> f64 {
    let mut s = 0.0;
    let mut count = 0usize;
    'outer: for i in 0..x.len() {
        let a = x[i].cos();
        for j in 0..x.len() {
            let b = (a * x[j]).sin();
            for k in 0..3 {
                s += b * (s * 0.01 + x[k]).tanh();
                count += 1;
                if count == stop {
                    break 'outer;
                }
            }
            s += a * b;
        }
    }
    s
}

/// The odd numbers below `n`: an iterator whose size hint is 0.
fn odds(n: usize) -> impl Iterator<Item = usize> {
    (0..n).filter(|i| i % 2 == 1)
}

/// `0..n` as an iterator whose lower size hint is 1, whatever `n`.
struct Undercount {
    next: usize,
    end: usize,
}

impl Iterator for Undercount {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.next - 1
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (1.min(self.end - self.next), Some(self.end - self.next))
    }
}

fn undercount(n: usize) -> Undercount {
    Undercount { next: 0, end: n }
}

/// Loops whose size hints are 0 or too small (a filtered range, an iterator that undercounts, a
/// `take_while` through a helper) and a `while` loop (no hint) around a `for` loop.
#[differentiable]
fn small_hints(x: &[f64], rounds: usize) -> f64 {
    let mut s = 0.0;
    let m = x.len() * 4;
    for i in odds(m) {
        s = s * 0.9 + (x[i % x.len()] * s + 1.0).sin();
    }
    for r in undercount(rounds) {
        s = s * x[r % x.len()] * 0.5 + s.cos();
    }
    let n = x.len();
    let mut t = 0;
    while t < rounds {
        for i in undercount(n) {
            s = (s * x[i]).tanh() + s * 0.5;
        }
        t += 1;
    }
    s
}

/// The recurrence `s ← s·x_i·0.3 + sin s` over the first `n` indices, cycling through `x`.
#[differentiable]
fn trips(x: &[f64], n: usize) -> f64 {
    let mut s = 1.0;
    for i in 0..n {
        s = s * x[i % x.len()] * 0.3 + s.sin();
    }
    s
}

/// Records of a whole `Vec` per trip (`prev = u.clone()` is read after `u` changes).
#[differentiable]
fn vec_records(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..12 {
        let prev = u.clone();
        for i in 0..n {
            u[i] = (prev[(i + 1) % n] * prev[i]).sin() + 0.1 * (t as f64);
        }
        s += u[t % n] * prev[0];
    }
    s
}

/// Records of a matrix per trip: `m ← 0.6 m·a + a` needs the old `m` for `a`'s adjoint.
#[differentiable]
fn matrix_records(a: &DMatrix<f64>) -> f64 {
    let mut m = a.clone();
    for _ in 0..10 {
        let p = &m * a;
        m = &p * 0.6 + a;
    }
    m.sum()
}

/// A generic two-level stencil (nested loops writing one tape), at `f64` and `f32`; `cos u_i`
/// keeps it stable over 20 steps.
#[differentiable]
fn stencil<T: Real>(u0: &[T], k: T) -> T {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..20 {
        let mut next = vec![T::zero(); n];
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { T::zero() };
            let right = if i + 1 < n { u[i + 1] } else { T::zero() };
            next[i] = u[i] + k * (left - u[i] - u[i] + right) * u[i].cos();
        }
        u = next;
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Loops whose iterators hint far more trips than they make: `0..` (a hint of `usize::MAX`) and
/// `0..1 << 36`, both left by `break`, and an open range stepped by 2 inside another loop. The
/// writer caps what it reserves up front.
#[differentiable]
fn huge_hints(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for j in 0.. {
        s = s * 0.5 + x[j % n] * x[(j + 1) % n];
        if j == 5 {
            break;
        }
    }
    for j in 0..(1usize << 36) {
        s += x[j % n] * (0.2 * s).sin();
        if j == 7 {
            break;
        }
    }
    for k in 0..2 {
        for j in (k..).step_by(2) {
            s += x[j % n] * x[k] * (0.1 * s).cos();
            if j > 6 {
                break;
            }
        }
    }
    s
}

const X: [f64; 5] = [0.7, -1.3, 0.4, 1.1, -0.6];

/// How close a gradient must be to central differences.
/// Records that change in number from call to call: a `while` loop (no size hint) and nested
/// `for` loops whose inner trips vary. A record tape starts at the length the same tape ended
/// with in the last call (`tape_sized` in `records.rs`), so a call after a longer or a shorter one
/// starts with too much or too little room.
#[differentiable]
fn varying(x: &[f64], n: usize) -> f64 {
    let mut s = 0.5;
    let mut k = 0;
    while k < n {
        s = s * x[k % x.len()].cos() + 0.1 * s.sin();
        k += 1;
    }
    for i in 0..n / 3 {
        for j in 0..i % 4 {
            s = s * 0.9 + x[(i + j) % x.len()] * s.tanh();
        }
    }
    s
}

/// A recursive call inside a loop's function: the inner call's tapes learn their lengths from
/// the same statics as the outer call's, while the outer call's tapes are still being written.
#[differentiable]
fn recursive(x: &[f64], depth: usize) -> f64 {
    let n = x.len() * (depth + 1);
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + (x[i % x.len()] * s).sin() + x[i % x.len()];
    }
    if depth > 0 {
        s += recursive(x, depth - 1) * 0.5;
    }
    s
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// The value of `grad` against `f` as written, its gradient against central differences of `f`.
#[track_caller]
fn value_and_gradient(name: &str, x: &[f64], f: impl Fn(&[f64]) -> f64, v: f64, g: &[f64]) {
    assert!((v - f(x)).abs() < 1e-12, "{name}: value {v} vs {}", f(x));
    assert_gradient(f, x, g, 1e-6, TOL);
}

#[test]
fn exits_by_break_continue_return_and_labels() {
    let (v, g) = break_and_continue_grad(&X);
    value_and_gradient("break and continue", &X, break_and_continue, v, &g);
    // Long enough to cross the inline entries, with the `break` taken part way.
    let long: Vec<f64> = (0..40)
        .map(|k| 0.9 + 0.3 * (k as f64 * 0.7).sin())
        .collect();
    let (v, g) = break_and_continue_grad(&long);
    assert!(v > 40.0, "the break is taken: {v}");
    value_and_gradient("break and continue, long", &long, break_and_continue, v, &g);
    // The limit is reached at different depths: never, late, early.
    for limit in [1e9, 2.5, 0.3] {
        let f = |x: &[f64]| early_return(x, limit);
        let (v, (g, _)) = early_return_grad(&X, limit);
        value_and_gradient("early return", &X, f, v, &g);
    }
    for stop in [1, 2, 7, 8, 9, 31, 1000] {
        let f = |x: &[f64]| labelled_break(x, stop);
        let (v, g) = labelled_break_grad(&X, stop);
        value_and_gradient("labelled break", &X, f, v, &g);
    }
}

#[test]
fn hints_of_zero_and_below_the_trip_count() {
    for rounds in [0, 1, 3, 9, 25] {
        let f = |x: &[f64]| small_hints(x, rounds);
        let (v, g) = small_hints_grad(&X, rounds);
        value_and_gradient("small hints", &X, f, v, &g);
    }
}

#[test]
fn trip_counts_around_the_inline_entries() {
    for n in [0, 1, 7, 8, 9, 16, 17, 100] {
        let f = |x: &[f64]| trips(x, n);
        let (v, g) = trips_grad(&X, n);
        value_and_gradient("trips", &X, f, v, &g);
    }
    // The pullback reads the same records on every call.
    let (_, back) = trips_vjp(&X, 17);
    let (g1, g2) = (back(1.0), back(2.0));
    assert_slices(
        &g2,
        &g1.iter().map(|g| 2.0 * g).collect::<Vec<_>>(),
        Tolerance::new(1e-12, 1e-12),
    );
}

#[test]
fn records_of_vecs_and_matrices() {
    let (v, g) = vec_records_grad(&X);
    value_and_gradient("vec records", &X, vec_records, v, &g);

    let a = DMatrix::from_fn(3, 3, |i, j| 0.3 * ((i * 3 + j) as f64).sin() + 0.1);
    let (v, g) = matrix_records_grad(&a);
    let f = |p: &[f64]| matrix_records(&DMatrix::from_column_slice(3, 3, p));
    value_and_gradient("matrix records", a.as_slice(), f, v, g.as_slice());
}

#[test]
fn nested_writers_at_f64_and_f32() {
    let u0 = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.6, -0.1, 0.2, 0.05];
    let k = 0.15;
    let (v, (du, dk)) = stencil_grad(&u0[..], k);
    let f = |p: &[f64]| stencil(&p[..10], p[10]);
    let mut all = u0.to_vec();
    all.push(k);
    let mut g = du.clone();
    g.push(dk);
    value_and_gradient("stencil f64", &all, f, v, &g);

    // `f32`: the same gradient to `f32` precision.
    let u32s: Vec<f32> = u0.iter().map(|&v| v as f32).collect();
    let (v32, (du32, dk32)) = stencil_grad(&u32s[..], k as f32);
    assert!((v32 as f64 - v).abs() < 1e-4 * v.abs().max(1.0));
    let g32: Vec<f64> = du32
        .iter()
        .map(|&d| d as f64)
        .chain([dk32 as f64])
        .collect();
    let numeric = numeric_gradient(f, &all, 1e-6);
    assert_slices(&g32, &numeric, Tolerance::new(1e-3, 1e-3));
}

#[test]
fn huge_hints_reserve_a_bounded_buffer() {
    let (v, g) = huge_hints_grad(&X);
    value_and_gradient("huge hints", &X, huge_hints, v, &g);
}

#[test]
fn tapes_sized_by_the_last_call_record_any_length() {
    // Shorter, longer, inline and empty calls after one another.
    for n in [0, 100, 3, 100, 2000, 9, 8, 0, 2000, 40] {
        let f = |x: &[f64]| varying(x, n);
        let (v, g) = varying_grad(&X, n);
        value_and_gradient("varying", &X, f, v, &g);
    }
    // A pullback run after calls of other lengths reads its own records.
    let (v, back) = varying_vjp(&X, 300);
    for n in [5, 2000] {
        varying_grad(&X, n);
    }
    let g = back(1.0);
    value_and_gradient("varying, pullback later", &X, |x| varying(x, 300), v, &g);
    // Recursion: the tapes of nested calls of one function share what they learn.
    for depth in [0, 3, 1, 4] {
        let f = |x: &[f64]| recursive(x, depth);
        let (v, g) = recursive_grad(&X, depth);
        value_and_gradient("recursive", &X, f, v, &g);
    }
}

#[test]
fn tapes_sized_by_the_last_call_on_several_threads() {
    // Threads calling one function with different lengths at once: each answer equals the one
    // computed alone, which is checked against central differences first.
    let alone: Vec<(f64, Vec<f64>)> = [7usize, 150, 1200]
        .iter()
        .map(|&n| {
            let (v, g) = varying_grad(&X, n);
            value_and_gradient("varying, alone", &X, |x| varying(x, n), v, &g);
            (v, g)
        })
        .collect();
    std::thread::scope(|scope| {
        for (t, &n) in [7usize, 150, 1200].iter().enumerate() {
            let want = &alone[t];
            scope.spawn(move || {
                for _ in 0..200 {
                    let (v, g) = varying_grad(&X, n);
                    assert!((v - want.0).abs() < 1e-12, "{n}: {v} vs {}", want.0);
                    assert_slices(&g, &want.1, Tolerance::new(1e-12, 1e-12));
                }
            });
        }
    });
}

#[test]
fn record_buffers_reused_across_functions_pullbacks_and_threads() {
    // A dropped tape's buffer goes to a per-thread pool and serves the next tape of any record
    // type with its alignment (`autodiff-runtime/src/tape_pool.rs`). Calls of functions with
    // different records (`f64` tuples, whole `Vec`s, matrices, `f32`) interleave here, pullbacks
    // stay alive while others run, and some are dropped on another thread: every answer must
    // equal the one computed first, which is checked against central differences.
    let a = DMatrix::from_fn(3, 3, |i, j| 0.3 * ((i * 3 + j) as f64).sin() + 0.1);
    let u32s: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (v_vec, g_vec) = vec_records_grad(&X);
    value_and_gradient("vec records", &X, vec_records, v_vec, &g_vec);
    let (v_var, g_var) = varying_grad(&X, 700);
    value_and_gradient("varying", &X, |x| varying(x, 700), v_var, &g_var);
    let (_, g_mat) = matrix_records_grad(&a);
    let (_, (g_f32, _)) = stencil_grad(&u32s[..], 0.15_f32);
    let exact = Tolerance::new(1e-12, 1e-12);
    for round in 0..30 {
        let (_, keep) = varying_vjp(&X, 700);
        let (v, g) = vec_records_grad(&X);
        assert!((v - v_vec).abs() < 1e-12);
        assert_slices(&g, &g_vec, exact);
        let (_, gm) = matrix_records_grad(&a);
        assert_slices(gm.as_slice(), g_mat.as_slice(), exact);
        let (_, (g32, _)) = stencil_grad(&u32s[..], 0.15_f32);
        assert_eq!(g32.len(), g_f32.len());
        for (p, q) in g32.iter().zip(&g_f32) {
            assert!((p - q).abs() <= 1e-6 * q.abs().max(1.0), "{p} vs {q}");
        }
        // A pullback made before the calls above reads its own records.
        assert_slices(&keep(1.0), &g_var, exact);
        if round % 3 == 0 {
            // Dropped on another thread: its buffers go to that thread's pool.
            std::thread::spawn(move || {
                let g = keep(1.0);
                drop(keep);
                g
            })
            .join()
            .map(|g| assert_slices(&g, &g_var, exact))
            .expect("the other thread");
        }
    }
}
