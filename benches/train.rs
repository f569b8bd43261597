//! Training-step benchmark: one step of the 32→32 (relu)→10 model, batch 64, categorical
//! cross-entropy from logits, Adam, through `nn` + `optim` (`loss_grad` + `apply_gradients`)
//! against the same step written by hand with nalgebra; and the compute-bound
//! 784→256 (relu)→256 (relu)→10 step at batch 128. `f32`, as TensorFlow's default.
//!
//! `cargo bench -p autodiff-benches --bench train` prints, for each flavour, the median time per step over 15 runs
//! of a fixed number of steps, and the heap allocations of one steady-state step (counted by
//! `stats_alloc`). Before timing it checks that both flavours compute the same loss, gradient
//! and updated weights. `reference/peers_cpu.json` (and `benches/peers_train.py`) give what
//! TensorFlow and JAX take for the same steps.

use std::alloc::System;
use std::hint::black_box;
use std::time::Instant;

use autodiff::nn::init::random_uniform;
use autodiff::nn::losses::CategoricalCrossentropy;
use autodiff::nn::{Activation, Dense, seeded_rng};
use autodiff::optim::Adam;
use autodiff::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[derive(Differentiable, Clone, Debug)]
struct MyModel {
    dense_1: Dense<f32>,
    dense_2: Dense<f32>,
}

impl MyModel {
    #[differentiable]
    fn call(&self, x: &DMatrix<f32>) -> DMatrix<f32> {
        let h = self.dense_1.forward(x);
        self.dense_2.forward(&h)
    }
}

#[differentiable(wrt(model))]
fn loss(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

#[derive(Differentiable, Clone, Debug)]
struct BigModel {
    dense_1: Dense<f32>,
    dense_2: Dense<f32>,
    dense_3: Dense<f32>,
}

impl BigModel {
    #[differentiable]
    fn call(&self, x: &DMatrix<f32>) -> DMatrix<f32> {
        let h = self.dense_1.forward(x);
        let h = self.dense_2.forward(&h);
        self.dense_3.forward(&h)
    }
}

#[differentiable(wrt(model))]
fn big_loss(model: &BigModel, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
    let logits = model.call(x);
    CategoricalCrossentropy::new()
        .from_logits(true)
        .call(y, &logits)
}

/// The hand-written step: weights `[w1, b1, w2, b2]` (biases `1 × units`), Adam moments.
struct Hand {
    w: [DMatrix<f32>; 4],
    m: [DMatrix<f32>; 4],
    v: [DMatrix<f32>; 4],
    t: i32,
}

impl Hand {
    fn new(model: &MyModel) -> Self {
        let row = |b: &autodiff::nalgebra::RowDVector<f32>| {
            DMatrix::from_row_slice(1, b.len(), b.as_slice())
        };
        let w = [
            model.dense_1.kernel.clone(),
            row(&model.dense_1.bias),
            model.dense_2.kernel.clone(),
            row(&model.dense_2.bias),
        ];
        let zeros = w.clone().map(|m| m * 0.0);
        Hand {
            m: zeros.clone(),
            v: zeros,
            w,
            t: 0,
        }
    }

    /// Loss and gradient by the chain rule: `dz2 = (softmax(z2)·Σy - y)/n`, `dw2 = hᵀ·dz2`,
    /// `db2 = Σ_rows dz2`, `dz1 = dz2·w2ᵀ ⊙ [z1 > 0]`, `dw1 = xᵀ·dz1`, `db1 = Σ_rows dz1`.
    fn grad(&self, x: &DMatrix<f32>, y: &DMatrix<f32>) -> (f32, [DMatrix<f32>; 4]) {
        let [w1, b1, w2, b2] = &self.w;
        let n = x.nrows();
        let mut z1 = x * w1;
        for mut r in z1.row_iter_mut() {
            r += b1;
        }
        let h = z1.map(|v| v.max(0.0));
        let mut z2 = &h * w2;
        for mut r in z2.row_iter_mut() {
            r += b2;
        }
        let mut dz2 = DMatrix::zeros(n, z2.ncols());
        let mut l = 0.0;
        for i in 0..n {
            let m = z2.row(i).max();
            let lse = z2.row(i).iter().map(|v| (v - m).exp()).sum::<f32>().ln() + m;
            let ysum = y.row(i).sum();
            for j in 0..z2.ncols() {
                l += y[(i, j)] * (lse - z2[(i, j)]);
                dz2[(i, j)] = ((z2[(i, j)] - lse).exp() * ysum - y[(i, j)]) / n as f32;
            }
        }
        let dw2 = h.transpose() * &dz2;
        let db2 = DMatrix::from_fn(1, dz2.ncols(), |_, j| dz2.column(j).sum());
        let mut dz1 = &dz2 * w2.transpose();
        dz1.zip_apply(&z1, |d, z| {
            if z <= 0.0 {
                *d = 0.0
            }
        });
        let dw1 = x.transpose() * &dz1;
        let db1 = DMatrix::from_fn(1, dz1.ncols(), |_, j| dz1.column(j).sum());
        (l / n as f32, [dw1, db1, dw2, db2])
    }

    /// Keras' Adam: `α = lr·√(1-β₂ᵗ)/(1-β₁ᵗ)`, `m += (g-m)(1-β₁)`, `v += (g²-v)(1-β₂)`,
    /// `w -= α·m/(√v + ε)`.
    fn step(&mut self, x: &DMatrix<f32>, y: &DMatrix<f32>) -> f32 {
        let (l, g) = self.grad(x, y);
        self.t += 1;
        let (lr, b1, b2, eps) = (1e-3f32, 0.9f32, 0.999f32, 1e-7f32);
        let alpha = lr * (1.0 - b2.powi(self.t)).sqrt() / (1.0 - b1.powi(self.t));
        for k in 0..4 {
            for (((w, m), v), g) in self.w[k]
                .iter_mut()
                .zip(self.m[k].iter_mut())
                .zip(self.v[k].iter_mut())
                .zip(g[k].iter())
            {
                *m += (g - *m) * (1.0 - b1);
                *v += (g * g - *v) * (1.0 - b2);
                *w -= alpha * *m / (v.sqrt() + eps);
            }
        }
        l
    }
}

/// Median seconds per call over 15 runs of `iters` calls.
fn time(iters: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters / 4 + 1 {
        f();
    }
    let mut runs: Vec<f64> = (0..15)
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

fn allocations(mut f: impl FnMut()) -> usize {
    f(); // steady state
    let reg = Region::new(GLOBAL);
    f();
    reg.change().allocations
}

fn main() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at start: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    // `cargo bench --bench train -- big` times only the compute-bound step (for profiling).
    let big_only = std::env::args().skip(1).any(|a| a == "big");
    let mut rng = seeded_rng(0);
    let x: DMatrix<f32> = random_uniform(64, 32, 0.0, 1.0, &mut rng);
    let y: DMatrix<f32> = random_uniform(64, 10, 0.0, 1.0, &mut rng);
    let model = MyModel {
        dense_1: Dense::with_rng(32, 32, Activation::Relu, &mut rng),
        dense_2: Dense::with_rng(32, 10, Activation::Linear, &mut rng),
    };

    if !big_only {
        small_steps(&model, &x, &y);
    }
    big_step(&mut rng);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// The 32→32→10 step through `nn` + `optim` and by hand: checked equal, then timed.
fn small_steps(model: &MyModel, x: &DMatrix<f32>, y: &DMatrix<f32>) {
    let (x, y) = (x.clone(), y.clone());
    // Both flavours compute the same step.
    let (mut m1, mut hand) = (model.clone(), Hand::new(model));
    let mut adam = Adam::new(1e-3);
    for _ in 0..3 {
        let (l, g) = loss_grad(&m1, &x, &y);
        adam.apply_gradients(&mut m1, &g);
        let lh = hand.step(&x, &y);
        assert!((l - lh).abs() <= 1e-5 * l.abs(), "loss {l} vs hand {lh}");
    }
    let close = |a: &DMatrix<f32>, b: &[f32]| {
        a.iter()
            .zip(b)
            .all(|(p, q)| (p - q).abs() <= 1e-5 + 1e-4 * q.abs())
    };
    assert!(
        close(&m1.dense_1.kernel, hand.w[0].as_slice())
            && close(&m1.dense_2.kernel, hand.w[2].as_slice())
    );
    assert!(
        m1.dense_2
            .bias
            .iter()
            .zip(hand.w[3].iter())
            .all(|(p, q)| (p - q).abs() <= 1e-5)
    );

    let mut m = model.clone();
    let mut adam = Adam::new(1e-3);
    let mut nn_step = || {
        let (l, g) = loss_grad(black_box(&m), black_box(&x), black_box(&y));
        adam.apply_gradients(&mut m, &g);
        black_box(l);
    };
    let nn_allocs = allocations(&mut nn_step);
    let nn = time(2000, &mut nn_step);
    let mut hand = Hand::new(model);
    let mut hand_step = || {
        black_box(hand.step(black_box(&x), black_box(&y)));
    };
    let hand_allocs = allocations(&mut hand_step);
    let hs = time(2000, &mut hand_step);
    println!(
        "mlp_32_32_10_b64_adam  nn+optim   {:8.2} us/step  {nn_allocs:3} allocations/step",
        nn * 1e6
    );
    println!(
        "mlp_32_32_10_b64_adam  hand       {:8.2} us/step  {hand_allocs:3} allocations/step",
        hs * 1e6
    );
    println!("mlp_32_32_10_b64_adam  nn/hand    {:8.2}x", nn / hs);
}

/// The compute-bound 784→256→256→10 step at batch 128.
fn big_step(rng: &mut autodiff::nn::StdRng) {
    let bx: DMatrix<f32> = random_uniform(128, 784, 0.0, 1.0, rng);
    let by = DMatrix::from_fn(128, 10, |i, j| if (i * 7) % 10 == j { 1.0f32 } else { 0.0 });
    let mut big = BigModel {
        dense_1: Dense::with_rng(784, 256, Activation::Relu, rng),
        dense_2: Dense::with_rng(256, 256, Activation::Relu, rng),
        dense_3: Dense::with_rng(256, 10, Activation::Linear, rng),
    };
    let mut badam = Adam::new(1e-3);
    let mut big_step = || {
        let (l, g) = big_loss_grad(black_box(&big), black_box(&bx), black_box(&by));
        badam.apply_gradients(&mut big, &g);
        black_box(l);
    };
    let big_allocs = allocations(&mut big_step);
    let bs = time(20, &mut big_step);
    println!(
        "mlp_784_256_256_10_b128_adam nn+optim {:8.1} us/step  {big_allocs:3} allocations/step",
        bs * 1e6
    );
}
