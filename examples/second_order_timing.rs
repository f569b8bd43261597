//! Timing of `NAME_hvp` against `NAME_grad`, and `NAME_hessian` against `n` gradients, for the
//! Rosenbrock function with n = 10 and 100. Run in release:
//! `cargo run --release --example second_order_timing`.
//!
//! Prints the median of several repetitions for each item, and the ratios. The cheap-gradient
//! bound says a Hessian-vector product costs a small constant times a gradient (about 2-4x).
use std::hint::black_box;
use std::time::Instant;

use autodiff::prelude::*;

#[differentiable(order = 2)]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        s += 100.0 * a * a + b * b;
    }
    s
}

/// Median seconds per call of `f` over 11 repetitions of `iters` calls.
fn time(iters: usize, mut f: impl FnMut()) -> f64 {
    let mut runs: Vec<f64> = (0..11)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_secs_f64() / iters as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() {
    for n in [10usize, 100] {
        let x: Vec<f64> = (0..n).map(|i| 0.5 + 0.01 * i as f64).collect();
        let v: Vec<f64> = (0..n).map(|i| 1.0 - 0.02 * i as f64).collect();
        let iters = 200_000 / n;
        let grad = time(iters, || {
            black_box(rosenbrock_grad(black_box(&x)));
        });
        let hvp = time(iters, || {
            black_box(rosenbrock_hvp(black_box(&x), black_box(v.clone())));
        });
        let hess = time((iters / n).max(10), || {
            black_box(rosenbrock_hessian(black_box(&x)));
        });
        println!(
            "n={n:3}  grad {:9.3} us  hvp {:9.3} us  hessian {:10.3} us  hvp/grad {:5.2}  hessian/(n*grad) {:5.2}",
            grad * 1e6,
            hvp * 1e6,
            hess * 1e6,
            hvp / grad,
            hess / (n as f64 * grad)
        );
    }
}
