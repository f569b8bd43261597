//! Calls run again in the reverse sweep (a call borrowing the caller's locals, or lending a
//! parameter's slice to a fused companion) whose callee reads or changes state outside its
//! arguments: a `Cell` argument it advances, a `RefCell` it pops from, a random generator in a
//! `thread_local!`, a global counter, a generator in a struct the callee borrows. The second
//! run would differentiate another value than the caller used; the sweep panics instead, at the
//! call, naming the callee (`runtime rerun.rs`). The same call forms on callees that only read
//! their arguments keep working, against central differences in `f64`, also when `NAME_vjp`'s
//! pullback is called twice (each call runs the callee again).

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

#[path = "support/grad_checks.rs"]
mod support;
use support::check_value_grad;

thread_local! {
    static SEED: Cell<u64> = const { Cell::new(7) };
}

/// A uniform number in `[0, 1)` from the thread's generator (64-bit LCG).
fn draw() -> f64 {
    SEED.with(|s| {
        let v = s
            .get()
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s.set(v);
        (v >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// `Σ v_i²` over the elements a dropout mask from the thread's generator keeps.
#[differentiable]
fn dropout_sq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        if draw() > 0.5 {
            s += v[i] * v[i];
        }
    }
    s
}

/// The callee takes a local `Vec` of the caller's: run again in the reverse sweep.
#[differentiable]
fn dropout_of_local(x: &[f64]) -> f64 {
    let h = vec![x[0] * 2.0, x[1] * 3.0, x[2], x[0] * x[1]];
    dropout_sq(&h)
}

/// The callee is lent the parameter's slice (a fused companion, run in the reverse sweep).
#[differentiable]
fn dropout_of_param(x: &[f64]) -> f64 {
    dropout_sq(x) * x[0]
}

/// `x[k]²` at the position a counter cell gives, advancing it.
#[differentiable]
fn at_counter(x: &[f64], #[no_grad] c: &Cell<usize>) -> f64 {
    let k = c.get();
    c.set(k + 1);
    x[k] * x[k]
}

#[differentiable]
fn counter_of_local(x: &[f64]) -> f64 {
    let c = Cell::new(0usize);
    at_counter(x, &c) * at_counter(x, &c)
}

/// A scale popped from a queue the caller owns.
#[differentiable]
fn popped_scale(v: &[f64], #[no_grad] q: &RefCell<Vec<f64>>) -> f64 {
    let a = q.borrow_mut().pop().unwrap_or(1.0);
    a * (v[0] + v[1])
}

#[differentiable]
fn queue_of_local(x: &[f64]) -> f64 {
    let q = RefCell::new(vec![3.0, 2.0]);
    let h = vec![x[0] * x[1], x[2]];
    popped_scale(&h, &q) + popped_scale(&h, &q)
}

static CALLS: AtomicU64 = AtomicU64::new(0);

/// A weight from a global counter of calls.
#[differentiable]
fn counted_weight(v: &[f64]) -> f64 {
    let n = stop_gradient(CALLS.fetch_add(1, Ordering::Relaxed) as f64);
    (1.0 + n) * v[0] * v[1]
}

#[differentiable]
fn counted_of_local(x: &[f64]) -> f64 {
    let h = vec![x[0] + x[2], x[1]];
    counted_weight(&h)
}

/// A generator kept in a struct of the user's, borrowed by the callee.
struct Lcg {
    state: Cell<u64>,
}

impl Lcg {
    fn uniform(&self) -> f64 {
        let v = self
            .state
            .get()
            .wrapping_mul(2862933555777941757)
            .wrapping_add(3037000493);
        self.state.set(v);
        (v >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[differentiable]
fn noisy_sum(v: &[f64], #[no_grad] rng: &Lcg) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        let e = stop_gradient(rng.uniform());
        s += (v[i] + e) * (v[i] + e);
    }
    s
}

#[differentiable]
fn struct_generator_of_param(x: &[f64], #[no_grad] rng: &Lcg) -> f64 {
    noisy_sum(x, rng) * x[1]
}

/// The same argument twice: the callee's own pullback, run again in the reverse sweep.
#[differentiable]
fn masked_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        let w = stop_gradient(draw());
        s += w * a[i] * b[i];
    }
    s
}

#[differentiable]
fn repeated_argument(x: &[f64]) -> f64 {
    let h = vec![x[0] * x[1], x[1] + x[2], x[2]];
    masked_dot(&h, &h)
}

const X: [f64; 3] = [0.4, -1.1, 0.8];

/// Runs `f`, which must panic, and returns its panic message and the line it points at.
/// (One test runs every panicking case, with its own hook: a hook is global, and tests of one
/// binary run in parallel.)
fn panic_at(
    at: &std::sync::mpsc::Receiver<Option<u32>>,
    f: impl FnOnce() + std::panic::UnwindSafe,
) -> (String, Option<u32>) {
    let err = std::panic::catch_unwind(f).expect_err("the gradient must not be returned");
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    (msg, at.try_recv().ok().flatten())
}

/// The line of this file holding `text`.
fn line_of(text: &str) -> u32 {
    let at = include_str!("rerun_effects.rs")
        .lines()
        .position(|l| l.contains(text) && !l.contains("line_of"))
        .expect("the call");
    at as u32 + 1
}

#[test]
fn hidden_state_read_by_a_rerun_call_stops_the_sweep_at_the_call() {
    let (tx, rx) = std::sync::mpsc::channel();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let here = info
            .location()
            .filter(|l| l.file().ends_with("rerun_effects.rs"))
            .map(|l| l.line());
        let _ = tx.send(here);
    }));
    type Case = (&'static str, &'static str, &'static str, fn());
    let cases: [Case; 7] = [
        (
            "thread-local generator, local Vec",
            "dropout_sq",
            "dropout_sq(&h)",
            || {
                dropout_of_local_grad(&X);
            },
        ),
        (
            "thread-local generator, parameter",
            "dropout_sq",
            "dropout_sq(x) * x[0]",
            || {
                dropout_of_param_grad(&X);
            },
        ),
        (
            "Cell argument advanced",
            "at_counter",
            "at_counter(x, &c) * at_counter",
            || {
                counter_of_local_grad(&X);
            },
        ),
        (
            "RefCell argument popped",
            "popped_scale",
            "popped_scale(&h, &q) +",
            || {
                queue_of_local_grad(&X);
            },
        ),
        (
            "global counter",
            "counted_weight",
            "counted_weight(&h)",
            || {
                counted_of_local_grad(&X);
            },
        ),
        (
            "generator in a struct",
            "noisy_sum",
            "noisy_sum(x, rng) * x[1]",
            || {
                let rng = Lcg {
                    state: Cell::new(1),
                };
                struct_generator_of_param_grad(&X, &rng);
            },
        ),
        (
            "same argument twice",
            "masked_dot",
            "masked_dot(&h, &h)",
            || {
                repeated_argument_grad(&X);
            },
        ),
    ];
    let results: Vec<_> = cases.iter().map(|c| panic_at(&rx, c.3)).collect();
    std::panic::set_hook(hook);
    for ((name, callee, call, _), (msg, line)) in cases.iter().zip(results) {
        assert!(
            msg.contains(&format!("`{callee}` gave another value when run again")),
            "{name}: {msg}"
        );
        assert!(msg.contains("pass the value in"), "{name}: {msg}");
        // the panic points at the call in this file (one of the two calls for `+` and `*`)
        let line = line.expect("a location in this file");
        assert_eq!(line, line_of(call), "{name}");
    }
}

/// The same forms, with callees that read only their arguments (`Cell`s read, not changed).
#[differentiable]
fn at_cell(x: &[f64], #[no_grad] c: &Cell<usize>) -> f64 {
    let k = c.get();
    x[k] * x[k]
}

#[differentiable]
fn cell_read_of_local(x: &[f64]) -> f64 {
    let c = Cell::new(2usize);
    at_cell(x, &c) * at_cell(x, &c)
}

#[differentiable]
fn weighted_sq(v: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        if w[i] > 0.5 {
            s += v[i] * v[i];
        }
    }
    s
}

#[differentiable]
fn pure_of_local(x: &[f64]) -> f64 {
    let h = vec![x[0] * 2.0, x[1] * 3.0, x[2], x[0] * x[1]];
    weighted_sq(&h, &[0.9, 0.2, 0.7, 0.6])
}

#[differentiable]
fn pure_of_param(x: &[f64]) -> f64 {
    weighted_sq(x, &[0.9, 0.2, 0.7]) * x[0]
}

#[differentiable]
fn pure_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable]
fn pure_repeated(x: &[f64]) -> f64 {
    let h = vec![x[0] * x[1], x[1] + x[2], x[2]];
    pure_dot(&h, &h).sqrt()
}

#[test]
fn callees_that_read_only_their_arguments_are_run_again() {
    check_value_grad(
        "cell read",
        cell_read_of_local,
        cell_read_of_local_grad(&X),
        &X,
    );
    check_value_grad("local Vec", pure_of_local, pure_of_local_grad(&X), &X);
    check_value_grad("parameter", pure_of_param, pure_of_param_grad(&X), &X);
    check_value_grad(
        "same argument twice",
        pure_repeated,
        pure_repeated_grad(&X),
        &X,
    );
    // the pullback called twice runs the callees again each time: the second call, scaled
    // back, against central differences
    let (_, pb) = pure_of_local_vjp(&X);
    let (a, b) = (pb(1.0), pb(-0.5));
    for i in 0..3 {
        assert!((a[i] * -0.5 - b[i]).abs() < 1e-12, "{a:?} {b:?}");
    }
    let back: Vec<f64> = b.iter().map(|v| v / -0.5).collect();
    check_value_grad(
        "pullback twice",
        pure_of_local,
        (pure_of_local(&X), back),
        &X,
    );
}

#[test]
fn random_numbers_drawn_first_and_passed_as_data() {
    // What the message asks for: the mask drawn in the caller, before the call, and passed as
    // `#[no_grad]` data; the callee is then a function of its arguments.
    #[differentiable]
    fn masked(x: &[f64], #[no_grad] mask: &[f64]) -> f64 {
        let h = vec![x[0] * 2.0, x[1] * 3.0, x[2], x[0] * x[1]];
        weighted_sq(&h, mask)
    }
    SEED.with(|s| s.set(7));
    let mask: Vec<f64> = (0..4).map(|_| draw()).collect();
    check_value_grad(
        "mask as data",
        |x| masked(x, &mask),
        masked_grad(&X, &mask),
        &X,
    );
}
