//! Measures how deep a recursive `#[differentiable]` function can go before the stack overflows,
//! for the primal, `_grad` and `_jvp`, on a thread with a fixed stack (8 MiB, the main thread's
//! default on Linux).
//!
//! `cargo run --release --example recursion_depth` prints the three depths. A stack overflow
//! aborts the process, so each probe runs in a child process (this same binary, called with
//! `probe MODE DEPTH`) and the parent bisects on its exit status.

use std::process::Command;

use autodiff::prelude::*;

/// A depth-`n` recursion whose value depends non-linearly on every level.
#[differentiable]
fn chain(x: f64, n: u32) -> f64 {
    if n == 0 {
        return x;
    }
    let prev = chain(x, n - 1);
    prev.sin() + x * 0.5
}

const STACK: usize = 8 << 20;

fn probe(mode: &str, depth: u32) -> f64 {
    let mode = mode.to_string();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || match mode.as_str() {
            "primal" => chain(0.3, depth),
            "grad" => chain_grad(0.3, depth).1,
            _ => chain_jvp(0.3, depth, 1.0).1,
        })
        .expect("spawn")
        .join()
        .expect("join")
}

/// Whether a child process survives `depth` in `mode`.
fn survives(mode: &str, depth: u32) -> bool {
    let exe = std::env::current_exe().expect("current exe");
    Command::new(exe)
        .args(["probe", mode, &depth.to_string()])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The largest depth that survives, by doubling then bisection (up to `cap`).
fn max_depth(mode: &str, cap: u32) -> u32 {
    let mut lo = 0u32;
    let mut hi = 1000u32;
    while hi <= cap && survives(mode, hi) {
        lo = hi;
        hi *= 2;
    }
    if hi > cap {
        return lo;
    }
    while hi - lo > lo / 100 + 1 {
        let mid = lo + (hi - lo) / 2;
        if survives(mode, mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "probe" {
        let depth: u32 = args[3].parse().expect("depth");
        let v = probe(&args[2], depth);
        println!("{v}");
        return;
    }
    let cap = 50_000_000;
    println!("stack {} MiB; depth reached (within 1%):", STACK >> 20);
    for mode in ["primal", "grad", "jvp"] {
        println!("{mode:>7}: {}", max_depth(mode, cap));
    }
}
