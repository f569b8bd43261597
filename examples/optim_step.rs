//! Times one Adam step over the parameters of a 32→32→10 MLP (1,386 `f32` values: two kernels
//! and two biases in a `#[derive(Differentiable)]` struct) with `autodiff::optim::Adam`, against
//! a hand-written loop over flat vectors doing the same Keras arithmetic, and checks that both
//! give the same parameters.
//!
//! Run with `cargo run --release --example optim_step`. Prints nanoseconds per step (median of
//! several rounds) and the ratio; timings on a loaded machine vary, the ratio less so.

use std::hint::black_box;
use std::time::Instant;

use autodiff::optim::Adam;
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct Mlp {
    w1: DMatrix<f32>,
    b1: DVector<f32>,
    w2: DMatrix<f32>,
    b2: DVector<f32>,
}

impl Mlp {
    /// Deterministic values in [-1, 1) from `seed` (no randomness needed for timing).
    fn filled(seed: u32) -> Mlp {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        };
        Mlp {
            w1: DMatrix::from_fn(32, 32, |_, _| next()),
            b1: DVector::from_fn(32, |_, _| next()),
            w2: DMatrix::from_fn(32, 10, |_, _| next()),
            b2: DVector::from_fn(10, |_, _| next()),
        }
    }
}

/// Keras' Adam on flat vectors, written out by hand (the same operations as `optim::Adam` in
/// `f32`, hence the same results).
struct HandAdam {
    lr: f32,
    t: u64,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl HandAdam {
    fn step(&mut self, w: &mut [f32], g: &[f32]) {
        self.t += 1;
        let pow = |b: f32| (f64::from(b).powf(self.t as f64)) as f32;
        let alpha = self.lr * (1.0 - pow(0.999)).sqrt() / (1.0 - pow(0.9));
        let (c1, c2) = ((1.0 - 0.9f64) as f32, (1.0 - 0.999f64) as f32);
        for (((w, &g), m), v) in w.iter_mut().zip(g).zip(&mut self.m).zip(&mut self.v) {
            *m += (g - *m) * c1;
            *v += (g * g - *v) * c2;
            *w -= (*m * alpha) / (v.sqrt() + 1e-7);
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    const STEPS: usize = 20_000;
    const ROUNDS: usize = 7;
    let grad = Mlp::filled(7);
    let mut model = Mlp::filled(1);
    let n = model.num_params();
    let flat_grad = grad.to_flat_vec();
    let mut flat = model.to_flat_vec();
    let mut opt = Adam::new(1e-3);
    let mut hand = HandAdam {
        lr: 1e-3,
        t: 0,
        m: vec![0.0; n],
        v: vec![0.0; n],
    };

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..STEPS {
            opt.apply_gradients(black_box(&mut model), black_box(&grad));
        }
        ours.push(start.elapsed().as_secs_f64() * 1e9 / STEPS as f64);
        let start = Instant::now();
        for _ in 0..STEPS {
            hand.step(black_box(&mut flat), black_box(&flat_grad));
        }
        theirs.push(start.elapsed().as_secs_f64() * 1e9 / STEPS as f64);
    }

    // Same arithmetic, same results: every value within one f32 rounding of the other.
    let got = model.to_flat_vec();
    let worst = got
        .iter()
        .zip(&flat)
        .map(|(a, b)| (a - b).abs() / b.abs().max(1e-6))
        .fold(0.0f32, f32::max);
    assert!(
        worst < 1e-5,
        "optim::Adam and the hand loop disagree by {worst}"
    );

    let (o, h) = (median(ours), median(theirs));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    println!(
        "Adam step over {n} f32 parameters, {STEPS} steps x {ROUNDS} rounds, load average {load}"
    );
    println!("optim::Adam::apply_gradients  {o:8.0} ns/step");
    println!("hand-written flat loop        {h:8.0} ns/step");
    println!("ratio                         {:8.2}", o / h);
}
