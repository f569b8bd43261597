//! Adversarial cases for two reverse-sweep optimisations: recurrence windows (a local `Vec` read
//! and written at `i + c` in a loop over `i` keeps its adjoint in registers between reverse
//! trips, `reverse/window.rs`) and dense locals passed by shared borrow to a function of the
//! user's (`f(&v)` adds the callee's cotangent into the dense buffer, `rt::dense_add_slot`).
//! Every gradient is compared with central differences on several input sizes, edge sizes
//! included.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::manual_memcpy,
    clippy::explicit_counter_loop,
    clippy::single_match,
    clippy::collapsible_if,
    clippy::collapsible_else_if,
    clippy::manual_range_contains,
    clippy::range_plus_one,
    clippy::range_minus_one,
    clippy::identity_op,
    clippy::too_many_arguments,
    clippy::mut_range_bound,
    clippy::needless_lifetimes,
    clippy::needless_late_init,
    clippy::clone_on_copy
)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 0.4 * ((k as f64) * 0.9 + 0.3).sin() + 0.05 * k as f64 + 0.1)
        .collect()
}

/// Compares `g` with the central-difference gradient of `f` at `x`; lists every bad entry.
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, x: &[f64], g: &[f64]) {
    let fd = numeric_gradient(&f, x, 1e-6);
    assert_eq!(g.len(), fd.len(), "{name}: gradient length at x = {x:?}");
    let bad: Vec<String> = g
        .iter()
        .zip(&fd)
        .enumerate()
        .filter(|(_, (a, b))| !TOL.accepts(**a, **b))
        .map(|(i, (a, b))| format!("[{i}] got {a} expected {b}"))
        .collect();
    assert!(bad.is_empty(), "{name} at x = {x:?}: {}", bad.join(", "));
}

/// `g` against `expected` (a gradient already checked), to `rel` relative precision.
#[track_caller]
fn close(name: &str, g: &[f64], expected: &[f64], rel: f64) {
    assert_eq!(g.len(), expected.len(), "{name}: length");
    for (k, (a, b)) in g.iter().zip(expected).enumerate() {
        assert!(
            (a - b).abs() <= rel * b.abs().max(1.0),
            "{name}[{k}]: got {a} expected {b}"
        );
    }
}

// ------------------------------------------------------------------------------------------------
// Callees
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[differentiable]
fn sq_vec(x: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * (1.0 + 0.1 * i as f64);
    }
    s
}

#[differentiable]
fn cubes<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

/// Reads only its slice's first element: its cotangent `Vec` may be shorter than the slice.
#[differentiable]
fn first_sq(x: &[f64]) -> f64 {
    x[0] * x[0] * 1.5
}

/// Reads only element 1 (a short cotangent with a zero in front).
#[differentiable]
fn second_only(x: &[f64]) -> f64 {
    x[1].sin()
}

#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// A `#[no_grad]` integer and a `#[no_grad]` weight slice next to the differentiated slice.
#[differentiable]
fn weighted_ng(#[no_grad] k: usize, x: &[f64], #[no_grad] w: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * w[(i + k) % w.len()] * a;
    }
    s
}

/// Ignores its slice.
#[differentiable]
fn ignores(x: &[f64], y: f64) -> f64 {
    let _n = x.len();
    y * y
}

/// Two values out of a slice.
#[differentiable]
fn moments(x: &[f64]) -> (f64, f64) {
    let mut m = 0.0;
    let mut q = 0.0;
    for i in 0..x.len() {
        m += x[i];
        q += x[i] * x[i];
    }
    (m, q)
}

/// Passes its slice on as a dense local of its own.
#[differentiable]
fn relay(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    for i in 1..v.len() {
        v[i] = v[i] + 0.5 * v[i - 1];
    }
    lse(&v) + first_sq(&v)
}

/// Pairwise products, halving the length each level, through itself on a local `Vec`.
#[differentiable]
fn pairwise(x: &[f64]) -> f64 {
    let n = x.len();
    if n == 1 {
        return x[0];
    }
    let h = n / 2;
    let mut v = vec![0.0; h];
    for i in 0..h {
        v[i] = x[2 * i] * x[2 * i + 1] + 0.1 * x[2 * i];
    }
    pairwise(&v) + x[n - 1] * 0.01
}

mod helpers {
    use super::*;

    #[differentiable]
    pub fn norm2(x: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += x[i] * x[i];
        }
        s.sqrt()
    }
}

#[custom_derivative(vjp = scaled_sq_rule_vjp, jvp = scaled_sq_rule_jvp)]
fn scaled_sq(x: &[f64], a: f64) -> f64 {
    a * x.iter().map(|xi| xi * xi).sum::<f64>()
}

fn scaled_sq_rule_vjp(x: &[f64], a: f64) -> (f64, impl Fn(f64) -> (Vec<f64>, f64) + '_) {
    (scaled_sq(x, a), move |g: f64| {
        let gx = x.iter().map(|xi| g * 2.0 * a * xi).collect();
        (gx, g * x.iter().map(|xi| xi * xi).sum::<f64>())
    })
}

fn scaled_sq_rule_jvp(x: &[f64], a: f64, tx: Vec<f64>, ta: f64) -> (f64, f64) {
    let d: f64 = x.iter().zip(&tx).map(|(xi, ti)| xi * ti).sum();
    (
        scaled_sq(x, a),
        2.0 * a * d + ta * x.iter().map(|xi| xi * xi).sum::<f64>(),
    )
}

// ------------------------------------------------------------------------------------------------
// Windows
// ------------------------------------------------------------------------------------------------

/// Read, write, read and write again the same element in one trip.
#[differentiable]
fn rw_same_trip(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        let a = u[i];
        u[i] = u[i - 1] * 0.7 + a.sin();
        let b = u[i];
        u[i] = b * b * 0.5 + u[i - 1] * x[i];
        s += u[i] * a;
    }
    s + u[0] * u[n - 1]
}

/// A write ahead of the loop variable, read back in the same trip, then overwritten.
#[differentiable]
fn write_ahead(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 2 {
        u[i + 1] = u[i] * u[i + 2].cos() + x[i];
        s += u[i + 1] * u[i + 2];
        u[i + 2] = u[i + 2] * 0.9 - u[i + 1] * 0.2;
    }
    for i in 0..n {
        s += u[i] * u[i] * 0.1;
    }
    s
}

/// Three writes per trip at `i - 1`, `i`, `i + 1`.
#[differentiable]
fn three_writes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n - 1 {
        u[i - 1] = u[i - 1] * 0.8 + u[i] * 0.1;
        u[i] = (u[i] + u[i + 1] * u[i - 1]).tanh();
        u[i + 1] = u[i + 1] - 0.3 * u[i] * u[i - 1];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (1.0 + i as f64 * 0.25);
    }
    s
}

/// Writes in `if`, `if let`, `match` arms and none.
#[differentiable]
fn branch_writes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        let pick = if x[i] > 0.3 { Some(i % 2) } else { None };
        if let Some(k) = pick {
            if k == 0 {
                u[i] = u[i - 1] * x[i] + u[i];
            } else {
                u[i - 1] = u[i - 1] * 0.5 + u[i].sin();
            }
        }
        match i % 3 {
            0 => u[i] = u[i] * u[i - 1],
            1 => {
                let t = u[i - 1];
                u[i - 1] = t + 0.25 * u[i];
            }
            _ => {}
        }
        s += u[i - 1] * 0.3;
    }
    s + u[n - 1]
}

/// A loop starting at `m` (past 0; no trip or one at the edges), reading ahead too.
#[differentiable]
fn from_m(x: &[f64], m: usize) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in m..n {
        let ahead = if i + 1 < n { u[i + 1] } else { 0.5 };
        u[i] = u[i - 1] * 0.6 + u[i - 2] * x[i] + 0.1 * ahead * u[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Reversed ranges: a backward recurrence (not a window, must still be right).
#[differentiable]
fn reversed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in (1..n).rev() {
        u[i - 1] = u[i - 1] + u[i] * x[i].cos();
    }
    let mut s = 0.0;
    for i in (0..n).rev() {
        s = s * 0.5 + u[i] * u[i];
    }
    s
}

/// `step_by(1)`, `step_by(2)`, `step_by(3)`.
#[differentiable]
fn strided(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in (1..n).step_by(1) {
        u[i] = u[i - 1] * x[i] + u[i];
    }
    for i in (2..n).step_by(2) {
        u[i] = u[i - 1] * u[i - 2] + u[i];
    }
    for i in (0..n - 1).step_by(3) {
        u[i + 1] = u[i] * 0.5 + u[i + 1] * u[i + 1];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// Inner and outer loops indexing the same local.
#[differentiable]
fn nested_same(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        for j in 0..i {
            s += u[j] * u[i] * 0.1;
        }
        u[i] = u[i - 1] * 0.5 + u[i];
        for j in 1..i {
            u[j] = u[j] + 0.1 * u[j - 1] * u[i];
        }
    }
    for i in 0..n {
        s += u[i];
    }
    s
}

/// Windowed inner loops on a local the outer loop fits, with element reads and writes at fixed
/// indices in the outer loop between them.
#[differentiable]
fn outer_touches(x: &[f64], reps: usize) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for r in 0..reps {
        let c = x[r % n];
        for i in 1..n {
            u[i] = u[i] + 0.3 * u[i - 1] * c;
        }
        u[0] = u[n - 1] * 0.5 + u[0] * 0.1;
        s += u[r % n];
        for i in 0..n - 1 {
            u[i] = u[i] * 0.9 + u[i + 1] * 0.05 * u[i];
        }
    }
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// An inner loop whose range starts at the outer variable.
#[differentiable]
fn triangular(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 0..n {
        for j in i + 1..n {
            u[j] = u[j] - u[j - 1] * 0.1 * x[i];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] * (i as f64 + 1.0);
    }
    s
}

/// Two locals windowed in one loop, each read and written.
#[differentiable]
fn two_locals(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = x.to_vec();
    let mut b = vec![0.5; n];
    for i in 1..n - 1 {
        a[i] = a[i - 1] * b[i + 1] + a[i];
        b[i] = b[i - 1] * 0.5 + a[i] * a[i + 1];
        b[i + 1] = b[i + 1] + 0.1 * a[i - 1];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += a[i] * b[i];
    }
    s
}

/// A windowed local used whole after the loop: passed to calls, moved.
#[differentiable]
fn after_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        u[i] = u[i - 1] * 0.5 + u[i] * x[i];
    }
    let s1 = lse(&u);
    let w = u;
    s1 + w[n - 1] * lse(&w) + first_sq(&w)
}

/// Swaps around windowed loops in a time loop.
#[differentiable]
fn swaps(x: &[f64], steps: usize) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut v = vec![0.0; n];
    for _ in 0..steps {
        for i in 1..n - 1 {
            v[i] = u[i] + 0.2 * (u[i - 1] - u[i + 1]) * u[i];
        }
        v[0] = u[0];
        v[n - 1] = u[n - 1];
        std::mem::swap(&mut u, &mut v);
        for i in 1..n {
            u[i] = u[i] + u[i - 1] * 0.1;
        }
    }
    std::mem::swap(&mut u, &mut v);
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 0.5) + v[i] * v[i];
    }
    s
}

/// A `while` loop with a hand-kept index.
#[differentiable]
fn while_rec(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut i = 1;
    while i < n {
        u[i] = u[i - 1] * x[i] + u[i];
        i += 1;
    }
    let mut s = 0.0;
    for k in 0..n {
        s += u[k] * u[k];
    }
    s
}

/// A generic second-order recurrence with a write behind the loop variable.
#[differentiable]
fn gen_rec<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 2..n {
        u[i] = u[i - 1] * x[i] - u[i - 2] * T::from_f64(0.3);
        u[i - 1] = u[i - 1] + u[i] * T::from_f64(0.1);
    }
    let mut s = T::zero();
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Loops with `continue` and `break` (no window; still right).
#[differentiable]
fn exits(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        if x[i] < 0.2 {
            continue;
        }
        u[i] = u[i - 1] * x[i] + u[i];
    }
    for i in 1..n {
        if x[i] > 0.9 {
            break;
        }
        u[i] = u[i] + u[i - 1] * 0.5;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A `return` from inside the loop (no window; still right).
#[differentiable]
fn early_return(x: &[f64], cut: f64) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        u[i] = u[i - 1] * 0.8 + u[i];
        s += u[i] * u[i - 1];
        if u[i] > cut {
            return s * 2.0;
        }
    }
    s
}

/// Compound assignment through the index: `+=`, `*=`, `-=`, `/=`.
#[differentiable]
fn compound(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n - 1 {
        u[i] += u[i - 1] * x[i];
        u[i + 1] *= 1.0 + 0.1 * u[i].cos();
        u[i - 1] -= 0.2 * u[i + 1];
        u[i] /= 1.5 + u[i - 1] * u[i - 1];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (1.0 + i as f64);
    }
    s
}

/// The widest window (offsets 0..=7) with writes at both ends.
#[differentiable]
fn wide_writes(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 0..n - 7 {
        u[i + 7] = u[i + 7] * 0.5 + u[i] * u[i + 3];
        u[i] = u[i] + 0.1 * u[i + 7];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Offsets through `let`s, and a loop variable shadowed by `i + 1`.
#[differentiable]
fn let_offsets(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 0..n - 2 {
        let j = i + 2;
        let k = j - 1;
        u[j] = u[k] * 0.7 + u[i] * x[j];
        let m = k;
        u[m] = u[m] * 0.9;
    }
    for i in 0..n - 1 {
        let i = i + 1;
        u[i] = u[i] + u[i - 1] * 0.25;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A windowed loop inside a branch, inside an outer loop that may run no trip.
#[differentiable]
fn in_branch(x: &[f64], reps: usize) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for r in 0..reps {
        if r % 2 == 0 {
            for i in 1..n {
                u[i] = u[i] * 0.5 + u[i - 1] * x[i];
            }
        } else {
            for i in 0..n - 1 {
                u[i] = u[i] + u[i + 1] * 0.3;
            }
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// An inner loop with `break`/`continue` of its own inside a windowed outer loop.
#[differentiable]
fn inner_exits(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n - 1 {
        let mut acc = 0.0;
        for r in 0..4 {
            if r as f64 > x[i] * 4.0 + 1.5 {
                break;
            }
            if r == 1 {
                continue;
            }
            acc += u[i - 1] * u[i + 1] * (r as f64 + 1.0);
        }
        u[i] = u[i] * 0.5 + acc * 0.1;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Container loops: the index of `enumerate` as the window's variable.
#[differentiable]
fn container(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![1.0; n + 1];
    for (k, &xk) in x.iter().enumerate() {
        u[k + 1] = u[k] * xk.cos() + xk;
    }
    let w = x.to_vec();
    let mut s = 0.0;
    for (k, &wk) in w.iter().enumerate() {
        if k + 1 < n {
            s += wk * w[k + 1];
        }
    }
    for i in 0..n + 1 {
        s += u[i] * u[i];
    }
    s
}

/// `c[i + 1] = c[i] * x[i]` on a zero `Vec`, an inclusive range, and an element read into an
/// existing variable (`t = u[i - 1]`).
#[differentiable]
fn shifted(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n + 1];
    c[0] = 1.0;
    for i in 0..n {
        c[i + 1] = c[i] * x[i] + 0.1;
    }
    let mut u = x.to_vec();
    for i in 1..=n - 1 {
        u[i] = u[i] + u[i - 1] * u[i - 1] * 0.2;
    }
    let mut t = 0.0;
    for i in 1..n {
        t = u[i - 1];
        u[i] = u[i] + t * t;
    }
    let mut s = t;
    for i in 0..n {
        s += c[i + 1] * u[i];
    }
    s
}

/// Writes of constants (`u[i - 1] = 0.0`), element reads in branch conditions.
#[differentiable]
fn zeroing(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        s += u[i - 1] * u[i];
        u[i - 1] = 0.0;
        if u[i] > 0.45 {
            u[i] = u[i] * 2.0;
        }
    }
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A loop whose range start is a mutable variable changed inside the loop.
#[differentiable]
fn moving_start(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut a = 1;
    let mut s = 0.0;
    for i in a..n {
        u[i] = u[i - 1] * x[i] + u[i];
        a += 1;
        s += a as f64 * 0.01 * u[i];
    }
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// A recurrence and a dense call in the same loop on different locals.
#[differentiable]
fn window_and_call(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let w = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        u[i] = u[i - 1] * 0.5 + u[i] * x[i];
        s += lse(&w) * u[i];
    }
    s + sq_vec(&u)
}

/// A `Vec` of arrays read and written at `i + c` (element adjoints that are `Vec`s).
#[differentiable]
fn array_elems(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![[0.5, 0.25]; n + 1];
    for i in 0..n {
        let p = u[i];
        let q = u[i + 1];
        u[i + 1] = [p[0] * x[i] + q[1], p[1] + p[0] * p[0] * 0.1];
    }
    let mut s = 0.0;
    for i in 0..n + 1 {
        let p = u[i];
        s += p[0] * p[1];
    }
    s
}

/// Two windows at once: the outer loop's on `u` (read and written at outer offsets inside the
/// inner loop), the inner loop's on `w`.
#[differentiable]
fn nested_windows(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    for i in 1..n - 1 {
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i - 1] * 0.3;
            u[i] = u[i] * 0.9 + u[i + 1] * w[j] * 0.05;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] + w[i];
    }
    s
}

/// Reads into a variable declared without a value, assigned in branches (`t = u[i + c]`).
#[differentiable]
fn late_init(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n - 1 {
        let t;
        if x[i] > 0.3 {
            t = u[i + 1];
        } else {
            t = u[i - 1];
        }
        u[i] = u[i] + t * t * 0.5;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A clone of a windowed local windowed in the same loop, the source read at two offsets.
#[differentiable]
fn clone_pair(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        u[i] = u[i] + u[i - 1] * 0.3;
    }
    let mut c = u.clone();
    for i in 1..n {
        c[i] = c[i - 1] * u[i] + u[i - 1] * 0.2 + c[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * u[i];
    }
    s
}

/// `loop` with a hand-kept index and a `break` at the top.
#[differentiable]
fn manual_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut i = 1;
    loop {
        if i >= n {
            break;
        }
        u[i] = u[i - 1] * u[i] + x[i];
        i += 1;
    }
    let mut s = 0.0;
    for k in 0..n {
        s += u[k];
    }
    s
}

/// Elements carried across trips: a rotation by adjacent swaps through a temporary, then a
/// bubble pass with conditional swaps.
#[differentiable]
fn rotate_bubble(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 0..n - 1 {
        let t = u[i];
        u[i] = u[i + 1] * 1.1;
        u[i + 1] = t;
    }
    for i in 0..n - 1 {
        let a = u[i];
        let b = u[i + 1];
        if a > b {
            u[i] = b;
            u[i + 1] = a;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0) * (i as f64 + 2.0);
    }
    s
}

/// A zipped `enumerate` loop writing a recurrence.
#[differentiable]
fn zipped(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![0.5; n + 1];
    for (k, (&a, &b)) in x.iter().zip(y.iter()).enumerate() {
        u[k + 1] = u[k] * a + b * u[k + 1];
    }
    let mut s = 0.0;
    for i in 0..n + 1 {
        s += u[i] * u[i];
    }
    s
}

/// Scalar inputs only (the gradient may take tangent sweeps); the pullback takes the reverse one.
#[differentiable]
fn scalar_in(a: f64, b: f64) -> f64 {
    let mut u = vec![a; 6];
    for i in 1..6 {
        u[i] = u[i - 1] * b + u[i] * 0.5;
    }
    let mut w = vec![0.0; 6];
    for i in 0..5 {
        w[i + 1] = w[i] * 0.5 + u[i + 1] * a;
    }
    lse(&u) + cubes(&w) * b + first_sq(&u)
}

/// `Vec::swap` of the elements at `i` and `i + 1` after a write in each trip.
#[differentiable]
fn elem_swap(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 0..n - 1 {
        u[i] = u[i] * 1.1 + u[i + 1] * 0.1;
        u.swap(i, i + 1);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A running accumulator written into the window each trip, and a second local built from it.
#[differentiable]
fn accumulator(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.0; n + 1];
    let mut acc = 0.0;
    for i in 0..n {
        acc = acc * 0.9 + u[i] * x[i];
        u[i] = acc;
        w[i + 1] = w[i] + acc * acc;
    }
    let mut s = acc;
    for i in 0..n {
        s += u[i] * w[i + 1];
    }
    s
}

/// A call on the local in an outer loop around windowed inner loops with literal bounds.
#[differentiable]
fn call_around_window(x: &[f64], reps: usize) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for r in 0..reps {
        s += lse(&u) * (r as f64 + 1.0);
        for i in 1..6 {
            u[i] = u[i - 1] * 0.4 + u[i] * x[r % 6];
        }
        s += first_sq(&u);
        for i in 2..5 {
            u[i] = u[i] + u[i + 1] * u[i - 2] * 0.1;
        }
    }
    s + cubes(&u)
}

/// An array parameter cloned into a local array (dense, windowed, passed to calls).
#[differentiable]
fn arr_param(x: &[f64; 5]) -> f64 {
    let mut v = x.clone();
    for i in 1..5 {
        v[i] = v[i - 1] * 0.5 + v[i] * v[i];
    }
    lse(&v) + cubes(&v) + v[4]
}

/// A callee returning a `Vec`, its result indexed.
#[differentiable]
fn smooth(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut out = vec![0.0; n];
    for i in 0..n {
        let l = if i > 0 { x[i - 1] } else { x[i] };
        out[i] = 0.5 * x[i] + 0.5 * l * l;
    }
    out
}

#[differentiable]
fn vec_result(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 1..n {
        v[i] = v[i] * v[i - 1] + 0.2;
    }
    let r = smooth(&v);
    let mut s = 0.0;
    for i in 0..n {
        s += r[i] * v[i];
    }
    s + lse(&r)
}

/// Labelled `break` and `continue` of the outer loop from an inner one, and a `return` from an
/// inner loop (none of them may take a window).
#[differentiable]
fn labelled(x: &[f64], cut: f64) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    'a: for i in 1..n {
        for r in 0..2 {
            if x[i] > cut && r == 1 {
                break 'a;
            }
            u[i] = u[i] + u[i - 1] * 0.3;
        }
    }
    'b: for i in 1..n {
        for r in 0..3 {
            if r == 2 && x[i - 1] < 0.3 {
                continue 'b;
            }
            u[i - 1] = u[i - 1] * 0.8 + u[i] * 0.2;
        }
        u[i] = u[i] * 1.05;
    }
    let mut s = 0.0;
    for i in 1..n {
        for r in 0..2 {
            if u[i] > cut * 3.0 && r == 1 {
                return s + u[i - 1];
            }
            s += u[i] * u[i - 1];
        }
    }
    s
}

/// In-place operations the macro rewrites (`reverse`, `clone_from` with another length,
/// `fill`) between windowed loops and calls.
#[differentiable]
fn inplace_ops(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        u[i] = u[i - 1] * 0.5 + u[i] * u[i];
    }
    s += lse(&u);
    u.reverse();
    for i in 1..n {
        u[i] = u[i - 1] * 0.3 + u[i];
    }
    s += lse(&u);
    let w = y.to_vec();
    u.clone_from(&w);
    s += lse(&u);
    for i in 1..u.len() {
        u[i] = u[i - 1] * 0.7 + u[i];
    }
    s += cubes(&u);
    u.fill(x[0] * 2.0);
    for i in 1..u.len() {
        u[i] = u[i - 1] * 0.2 + u[i] * y[i];
    }
    s += lse(&u);
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// Length changes (`remove`, `insert`, `swap_remove`, `extend_from_slice`, `pop`, `clear`)
/// between calls (the general path).
#[differentiable]
fn length_ops(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        u[i] = u[i - 1] * 0.5 + u[i];
    }
    s += lse(&u);
    let r = u.remove(0);
    s += r * lse(&u);
    u.insert(1, r * 3.0);
    s += lse(&u);
    let q = u.swap_remove(0);
    s += q * q + lse(&u);
    u.extend_from_slice(x);
    s += lse(&u);
    let p = u.pop();
    if let Some(pp) = p {
        s += pp * 0.5;
    }
    s += lse(&u);
    u.clear();
    u.extend_from_slice(x);
    for i in 1..u.len() {
        u[i] = u[i - 1] * 0.3 + u[i];
    }
    s + lse(&u)
}

#[derive(Differentiable, Clone, Copy, Debug, PartialEq)]
struct P2 {
    a: f64,
    b: f64,
}

#[differentiable]
fn psum(ps: &[P2]) -> f64 {
    let mut s = 0.0;
    for i in 0..ps.len() {
        let p = ps[i];
        s += p.a * p.b + p.a * p.a;
    }
    s
}

#[differentiable]
fn arr5(x: &[f64; 5]) -> f64 {
    x[0] * x[4] + x[2] * x[2]
}

/// Struct elements: windowed recurrence and calls.
#[differentiable]
fn struct_elems(x: &[f64]) -> f64 {
    let n = x.len();
    let mut ps = vec![P2 { a: 1.0, b: 0.5 }; n + 1];
    for i in 0..n {
        let p = ps[i];
        let q = ps[i + 1];
        ps[i + 1] = P2 {
            a: p.a * x[i] + q.b * 0.1,
            b: p.b + p.a * 0.3,
        };
    }
    psum(&ps) + psum(&ps) * 0.5
}

/// An array local passed to a callee taking an array.
#[differentiable]
fn arr_callee(x: &[f64; 5]) -> f64 {
    let mut v = x.clone();
    for i in 1..5 {
        v[i] = v[i - 1] * 0.5 + v[i];
    }
    arr5(&v) + arr5(&v) * v[0]
}

/// Raw identifiers as the local, the loop variable and the callee argument.
#[differentiable]
fn raw_names(x: &[f64]) -> f64 {
    let n = x.len();
    let mut r#match = x.to_vec();
    for r#in in 1..n {
        r#match[r#in] = r#match[r#in - 1] * 0.5 + r#match[r#in] * x[r#in];
    }
    let mut s = lse(&r#match);
    let mut r#u = vec![0.0; n];
    for i in 0..n - 1 {
        u[i + 1] = r#u[i] * 0.3 + r#match[i];
    }
    s += cubes(&u) + first_sq(&r#u);
    s
}

/// The local shadowed inside the windowed loop, and a shadowing copy after it.
#[differentiable]
fn shadowed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        u[i] = u[i - 1] * 0.5 + u[i];
        let u = vec![x[i] * 2.0, 1.0];
        s += u[0] * u[1];
    }
    let mut u = u.clone();
    for i in 1..n {
        u[i] = u[i] + u[i - 1] * 0.25;
    }
    s + lse(&u)
}

/// Explicit lifetimes and a `where` clause on callees, a turbofish, a block expression.
#[differentiable]
fn lifetimed<'a>(x: &'a [f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

#[differentiable]
fn bounded<T>(x: &[T]) -> T
where
    T: Real,
{
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i].sin();
    }
    s
}

#[differentiable]
fn callee_forms(x: &[f64]) -> f64 {
    let n = x.len();
    let t = {
        let mut v: Vec<f64> = vec![0.0; n];
        for i in 0..n {
            v[i] = x[i] * 1.5;
        }
        lifetimed(&v) + bounded::<f64>(&v)
    };
    let mut w = x.to_vec();
    if t > 0.0 {
        w[0] = w[0] * t;
        return lifetimed(&w) + bounded(&w) * t;
    }
    lifetimed(&w)
}

/// Macros naming the local inside a windowed loop (forward-only code).
#[differentiable]
fn with_macros(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        debug_assert!(u.len() == n);
        u[i] = u[i - 1] * 0.5 + u[i];
        assert!(u[i].is_finite(), "{:?}", u);
    }
    lse(&u)
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Series {
    w: Vec<f64>,
    k: f64,
}

impl Series {
    /// A windowed copy of a `Vec` field, passed to calls.
    #[differentiable]
    fn run(&self, x: &[f64]) -> f64 {
        let n = self.w.len();
        // `self.w.to_vec()` itself does not compile (see the report): through a borrow.
        let w = &self.w;
        let mut u = w.to_vec();
        for i in 1..n {
            u[i] = u[i - 1] * self.k + u[i] * x[i % x.len()];
        }
        let mut v = w.clone();
        for i in 0..n - 1 {
            v[i] = v[i] + v[i + 1] * u[i];
        }
        lse(&u) + cubes(&v) + first_sq(&self.w)
    }
}

/// Empty inputs: windows and calls over no elements.
#[differentiable]
fn empty_ok(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        u[i] = u[i - 1] * x[i] + u[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s + sq_vec(&u) + cubes(&u)
}

#[differentiable]
fn sv_sum(v: &[SVector<f64, 2>]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        let p = v[i];
        s += p.norm_squared();
    }
    s
}

/// Static-vector elements: a windowed recurrence and calls.
#[differentiable]
fn svec_elems(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![SVector::<f64, 2>::new(1.0, 0.5); n + 1];
    for i in 0..n {
        let p = u[i];
        let q = u[i + 1];
        u[i + 1] = p * x[i] + q * 0.5;
    }
    sv_sum(&u) + sv_sum(&u) * 0.5
}

/// `DVector` elements, only written by index and passed to a call.
#[differentiable]
fn dv_sum(v: &[DVector<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i].norm_squared();
    }
    s
}

#[differentiable]
fn dvec_elems(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = vec![DVector::<f64>::zeros(2); n];
    for i in 0..n {
        u[i] = DVector::from_element(2, x[i] * x[i]);
    }
    dv_sum(&u) * dv_sum(&u)
}

/// Order 2: a recurrence through the window.
#[differentiable(order = 2)]
fn rec2(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for i in 1..n {
        u[i] = u[i - 1] * x[i] + u[i] * u[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i];
    }
    s
}

// ------------------------------------------------------------------------------------------------
// Dense locals passed to calls
// ------------------------------------------------------------------------------------------------

/// Callee kinds: `&[f64]`, `&Vec<f64>`, generic `&[T]`, short cotangents, `#[no_grad]`
/// parameters, the same `Vec` twice, a callee ignoring its slice, a tuple result, a module path,
/// a turbofish, a custom derivative.
#[differentiable]
fn call_kinds(x: &[f64], a: f64) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 0..n {
        v[i] = v[i] * a + 0.1;
    }
    let wts = vec![0.5; 3];
    let (m, q) = moments(&v);
    let mut s = lse(&v) + sq_vec(&v) + cubes(&v) + first_sq(&v);
    s += dot(&v, &v) + weighted_ng(2, &v, &wts, a) + ignores(&v, a);
    s += m * q + helpers::norm2(&v) + cubes::<f64>(&v) + scaled_sq(&v, a);
    for i in 0..n {
        s += v[i] * 0.3;
    }
    s
}

/// A short cotangent swapped into an empty buffer, then element reads and writes past it.
#[differentiable]
fn short_cot(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    let mut s = 0.0;
    for i in 1..n {
        v[i] = v[i - 1] * 0.5 + v[i];
    }
    s += first_sq(&v);
    if n > 1 {
        s += second_only(&v);
    }
    for i in 0..n {
        v[i] = v[i] * v[i];
    }
    s += first_sq(&v);
    let mut w = vec![0.0; n];
    s += first_sq(&w);
    for i in 0..n {
        w[i] = v[i] * x[i];
    }
    s + lse(&w) + first_sq(&w) * w[n - 1]
}

/// Element writes between calls on the same `Vec`, in a block and in a loop.
#[differentiable]
fn writes_between(x: &[f64], steps: usize) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    let mut s = lse(&v);
    v[0] = v[0] * 3.0 + x[n - 1];
    s += lse(&v) * sq_vec(&v);
    for p in 0..steps {
        s += cubes(&v) * 0.1;
        for j in 0..n {
            v[j] = v[j] * 0.5 + x[(j + p) % n] * 0.3;
        }
        s += dot(&v, x);
        v[p % n] = v[p % n].sin();
    }
    s + lse(&v)
}

/// Reassigned with other lengths, moved and swapped with a `Vec` of another length between calls.
#[differentiable]
fn relengths(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    let mut s = lse(&v);
    v = vec![x[0] * 2.0; n + 3];
    s += lse(&v) + sq_vec(&v);
    v = vec![x[n - 1], x[0] * x[0]];
    s += cubes(&v);
    let mut w = x.to_vec();
    s += lse(&w);
    std::mem::swap(&mut v, &mut w);
    s += lse(&v) * 0.5 + sq_vec(&w);
    w[1] = w[1] * v[0];
    s += lse(&w);
    let z = v;
    s + first_sq(&z) + lse(&z)
}

/// Calls in branches and nested loops, results used nonlinearly.
#[differentiable]
fn calls_nested(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        let mut t = vec![0.0; k];
        for j in 0..k {
            t[j] = u[j] * x[p] - a[j];
        }
        for r in 0..2 {
            if x[p] > 0.0 {
                s += (lse(&t) * 0.3).sin() * cubes(&u);
            } else if r == 1 {
                s += sq_vec(&t).sqrt() + first_sq(&u) * lse(&u);
            }
            for j in 0..k {
                u[j] = u[j] * 0.9 + t[j] * 0.05;
            }
        }
        let (m, q) = moments(&t);
        s += m * m - q * 0.1 + relay(&t) + pairwise(&u);
    }
    s
}

/// `f32` through a generic callee.
#[differentiable]
fn call_f32<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 1..n {
        v[i] = v[i] + v[i - 1] * T::from_f64(0.5);
    }
    let c = cubes(&v);
    let mut w = vec![T::zero(); n];
    for i in 0..n {
        w[i] = v[i] * c;
    }
    cubes(&w) + c * c
}

/// A call's result written into the same `Vec` it read, in a loop.
#[differentiable]
fn call_into_self(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 0..n {
        v[i] = lse(&v) * 0.5 + v[i] * 0.1;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += v[i] * v[i];
    }
    s
}

/// Callees over slices of arrays and of `Vec`s.
#[differentiable]
fn arr_sum(x: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let p = x[i];
        s += p[0] * p[1] + p[1] * p[1];
    }
    s
}

#[differentiable]
fn grid_sum(g: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += g[i][j] * g[i][j] * (j as f64 + 1.0);
        }
    }
    s
}

/// Dense locals of arrays and of `Vec`s passed to calls.
#[differentiable]
fn nested_elems(x: &[f64]) -> f64 {
    let n = x.len();
    let mut a = vec![[0.0, 1.0]; n];
    for i in 0..n {
        a[i] = [x[i], x[i] * x[i]];
    }
    let mut g = vec![vec![0.0; 2]; n];
    for i in 0..n {
        g[i] = vec![x[i] * 2.0, x[i].sin(), 0.5];
    }
    arr_sum(&a) * 0.5 + arr_sum(&a) + grid_sum(&g) + grid_sum(&g) * grid_sum(&g)
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Scale {
    w: f64,
}

impl Scale {
    #[differentiable]
    fn sumsq(x: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += x[i] * x[i];
        }
        s
    }

    #[differentiable]
    fn total(&self, x: &[f64]) -> f64 {
        let mut v = x.to_vec();
        for i in 0..v.len() {
            v[i] = v[i] * self.w;
        }
        Self::sumsq(&v) * self.w + Scale::sumsq(&v)
    }
}

/// Order 2 with a dense local passed to a callee.
#[differentiable(order = 2)]
fn inner2(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i] * x[i];
    }
    s
}

#[differentiable(order = 2)]
fn call2(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    for i in 0..n {
        v[i] = v[i] * x[0] + 0.2;
    }
    inner2(&v) + inner2(&v) * v[0]
}

// ------------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------------

/// A function of one slice: its gradient against central differences at `input(n)`.
fn slice_case(name: &str, f: fn(&[f64]) -> f64, g: fn(&[f64]) -> (f64, Vec<f64>), sizes: &[usize]) {
    for &n in sizes {
        let x = input(n);
        let (v, dx) = g(&x);
        assert!(
            (v - f(&x)).abs() <= 1e-12 * v.abs().max(1.0),
            "{name} n={n}: value"
        );
        check(&format!("{name} n={n}"), f, &x, &dx);
    }
}

#[test]
fn window_rw_same_trip() {
    slice_case(
        "rw_same_trip",
        rw_same_trip,
        rw_same_trip_grad,
        &[1, 2, 3, 9],
    );
}

#[test]
fn window_write_ahead() {
    slice_case("write_ahead", write_ahead, write_ahead_grad, &[2, 3, 4, 9]);
}

#[test]
fn window_three_writes() {
    slice_case(
        "three_writes",
        three_writes,
        three_writes_grad,
        &[1, 2, 3, 8],
    );
}

#[test]
fn window_branch_writes() {
    slice_case(
        "branch_writes",
        branch_writes,
        branch_writes_grad,
        &[1, 2, 4, 13],
    );
}

#[test]
fn window_from_m() {
    for n in [2, 3, 6] {
        for m in [2, n - 1, n, n + 3] {
            if m < 2 {
                continue;
            }
            let x = input(n);
            let (_, dx) = from_m_grad(&x, m);
            check(
                &format!("from_m n={n} m={m}"),
                |p: &[f64]| from_m(p, m),
                &x,
                &dx,
            );
        }
    }
}

#[test]
fn window_reversed_and_strided() {
    slice_case("reversed", reversed, reversed_grad, &[1, 2, 5]);
    slice_case("strided", strided, strided_grad, &[1, 2, 3, 4, 10]);
}

#[test]
fn window_nested() {
    slice_case("nested_same", nested_same, nested_same_grad, &[1, 2, 3, 7]);
    slice_case("triangular", triangular, triangular_grad, &[1, 2, 3, 7]);
    for (n, reps) in [(1, 2), (2, 0), (2, 1), (3, 3), (7, 2)] {
        let x = input(n);
        let (_, dx) = outer_touches_grad(&x, reps);
        check(
            &format!("outer_touches n={n} reps={reps}"),
            |p: &[f64]| outer_touches(p, reps),
            &x,
            &dx,
        );
    }
    for (n, reps) in [(1, 3), (2, 0), (3, 1), (6, 4)] {
        let x = input(n);
        let (_, dx) = in_branch_grad(&x, reps);
        check(
            &format!("in_branch n={n} reps={reps}"),
            |p: &[f64]| in_branch(p, reps),
            &x,
            &dx,
        );
    }
    slice_case("inner_exits", inner_exits, inner_exits_grad, &[1, 2, 3, 8]);
}

#[test]
fn window_two_locals_and_after_loop() {
    slice_case("two_locals", two_locals, two_locals_grad, &[1, 2, 3, 9]);
    slice_case("after_loop", after_loop, after_loop_grad, &[1, 2, 3, 9]);
    slice_case(
        "window_and_call",
        window_and_call,
        window_and_call_grad,
        &[1, 2, 6],
    );
}

#[test]
fn window_swaps() {
    for (n, steps) in [(2, 0), (2, 1), (3, 2), (8, 3)] {
        let x = input(n);
        let (_, dx) = swaps_grad(&x, steps);
        check(
            &format!("swaps n={n} steps={steps}"),
            |p: &[f64]| swaps(p, steps),
            &x,
            &dx,
        );
    }
}

#[test]
fn window_while_and_exits() {
    slice_case("while_rec", while_rec, while_rec_grad, &[1, 2, 6]);
    slice_case("exits", exits, exits_grad, &[1, 2, 5, 20]);
    for (n, cut) in [(1, 0.5), (3, 100.0), (6, 0.9), (9, 1.2)] {
        let x = input(n);
        let (_, (dx, _)) = early_return_grad(&x, cut);
        check(
            &format!("early_return n={n} cut={cut}"),
            |p: &[f64]| early_return(p, cut),
            &x,
            &dx,
        );
    }
}

#[test]
fn window_generic_and_f32() {
    for n in [1, 2, 3, 10] {
        let x = input(n);
        let (_, g) = gen_rec_grad(&x[..]);
        check(&format!("gen_rec n={n}"), gen_rec::<f64>, &x, &g);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (_, g32) = gen_rec_grad(&x32[..]);
        let g32: Vec<f64> = g32.iter().map(|&v| v as f64).collect();
        close(&format!("gen_rec f32 n={n}"), &g32, &g, 1e-3);
    }
}

#[test]
fn window_compound_wide_lets() {
    slice_case("compound", compound, compound_grad, &[1, 2, 3, 9]);
    slice_case("wide_writes", wide_writes, wide_writes_grad, &[7, 8, 9, 20]);
    slice_case("let_offsets", let_offsets, let_offsets_grad, &[2, 3, 4, 9]);
}

#[test]
fn window_container_shifted_zeroing() {
    slice_case("container", container, container_grad, &[1, 2, 5]);
    slice_case("shifted", shifted, shifted_grad, &[1, 2, 3, 8]);
    slice_case("zeroing", zeroing, zeroing_grad, &[1, 2, 3, 12]);
    slice_case("moving_start", moving_start, moving_start_grad, &[1, 2, 6]);
}

#[test]
fn window_arrays_clones_manual() {
    slice_case("array_elems", array_elems, array_elems_grad, &[1, 2, 6]);
    slice_case("clone_pair", clone_pair, clone_pair_grad, &[1, 2, 7]);
    slice_case("manual_loop", manual_loop, manual_loop_grad, &[1, 2, 6]);
}

#[test]
fn window_elements_nested_late() {
    slice_case(
        "nested_windows",
        nested_windows,
        nested_windows_grad,
        &[1, 2, 3, 7],
    );
    slice_case("late_init", late_init, late_init_grad, &[1, 2, 3, 9]);
}

#[test]
fn calls_nested_elements_and_assoc() {
    slice_case("nested_elems", nested_elems, nested_elems_grad, &[1, 2, 5]);
    for n in [1, 3] {
        let mut p = input(n);
        p.push(1.3);
        let sc = Scale { w: p[n] };
        let (_, (ds, dx)) = sc.total_grad(&p[..n]);
        let mut g = dx.clone();
        g.push(ds.w);
        check(
            &format!("Scale::total n={n}"),
            |q: &[f64]| Scale { w: q[n] }.total(&q[..n]),
            &p,
            &g,
        );
    }
}

#[test]
fn window_rotations_zips_scalars() {
    slice_case(
        "rotate_bubble",
        rotate_bubble,
        rotate_bubble_grad,
        &[1, 2, 3, 8],
    );
    for n in [1, 2, 6] {
        let x = input(n);
        let y: Vec<f64> = input(n + 3)[3..].to_vec();
        let (_, (gx, gy)) = zipped_grad(&x, &y);
        let p: Vec<f64> = x.iter().chain(&y).copied().collect();
        let g: Vec<f64> = gx.into_iter().chain(gy).collect();
        check(
            &format!("zipped n={n}"),
            |q: &[f64]| zipped(&q[..n], &q[n..]),
            &p,
            &g,
        );
    }
    for (a, b) in [(0.3, 0.8), (-0.5, 1.2)] {
        let (_, (ga, gb)) = scalar_in_grad(a, b);
        check(
            "scalar_in",
            |q: &[f64]| scalar_in(q[0], q[1]),
            &[a, b],
            &[ga, gb],
        );
        let (_, back) = scalar_in_vjp(a, b);
        let (va, vb) = back(2.0);
        close("scalar_in vjp", &[va / 2.0, vb / 2.0], &[ga, gb], 1e-12);
    }
}

#[test]
fn window_swaps_accumulators_arrays() {
    slice_case("elem_swap", elem_swap, elem_swap_grad, &[1, 2, 3, 8]);
    slice_case("accumulator", accumulator, accumulator_grad, &[1, 2, 7]);
    for reps in [0, 1, 3] {
        let x = input(7);
        let (_, dx) = call_around_window_grad(&x, reps);
        check(
            &format!("call_around_window reps={reps}"),
            |p: &[f64]| call_around_window(p, reps),
            &x,
            &dx,
        );
    }
    let x = input(5);
    let xa: [f64; 5] = [x[0], x[1], x[2], x[3], x[4]];
    let (_, g) = arr_param_grad(&xa);
    check(
        "arr_param",
        |p: &[f64]| arr_param(&[p[0], p[1], p[2], p[3], p[4]]),
        &x,
        &g,
    );
    slice_case("vec_result", vec_result, vec_result_grad, &[1, 2, 6]);
}

#[test]
fn window_labelled_exits() {
    for (n, cut) in [(1, 0.5), (2, 0.5), (5, 0.4), (9, 0.8), (12, 10.0)] {
        let x = input(n);
        let (_, (dx, _)) = labelled_grad(&x, cut);
        check(
            &format!("labelled n={n} cut={cut}"),
            |p: &[f64]| labelled(p, cut),
            &x,
            &dx,
        );
    }
}

#[test]
fn inplace_and_length_ops() {
    for n in [1, 2, 5] {
        let x = input(n);
        let y: Vec<f64> = input(n + 4)[1..].to_vec();
        let (_, (gx, gy)) = inplace_ops_grad(&x, &y);
        let p: Vec<f64> = x.iter().chain(&y).copied().collect();
        let g: Vec<f64> = gx.into_iter().chain(gy).collect();
        check(
            &format!("inplace_ops n={n}"),
            |q: &[f64]| inplace_ops(&q[..n], &q[n..]),
            &p,
            &g,
        );
    }
    slice_case("length_ops", length_ops, length_ops_grad, &[2, 3, 6]);
    slice_case("struct_elems", struct_elems, struct_elems_grad, &[1, 2, 6]);
    let x = input(5);
    let xa: [f64; 5] = [x[0], x[1], x[2], x[3], x[4]];
    let (_, g) = arr_callee_grad(&xa);
    check(
        "arr_callee",
        |p: &[f64]| arr_callee(&[p[0], p[1], p[2], p[3], p[4]]),
        &x,
        &g,
    );
}

#[test]
fn names_shadows_and_callee_forms() {
    slice_case("raw_names", raw_names, raw_names_grad, &[1, 2, 6]);
    slice_case("shadowed", shadowed, shadowed_grad, &[1, 2, 6]);
    slice_case("callee_forms", callee_forms, callee_forms_grad, &[1, 2, 6]);
    slice_case("with_macros", with_macros, with_macros_grad, &[1, 2, 6]);
}

#[test]
fn fields_and_empty_inputs() {
    for n in [1, 2, 5] {
        let w = input(n);
        let x: Vec<f64> = input(3).iter().map(|v| v + 0.5).collect();
        let sr = Series {
            w: w.clone(),
            k: 0.7,
        };
        let (_, (gs, gx)) = sr.run_grad(&x);
        let p: Vec<f64> = w.iter().chain(&[0.7]).chain(&x).copied().collect();
        let g: Vec<f64> = gs.w.iter().chain(&[gs.k]).chain(&gx).copied().collect();
        check(
            &format!("Series::run n={n}"),
            |q: &[f64]| {
                Series {
                    w: q[..n].to_vec(),
                    k: q[n],
                }
                .run(&q[n + 1..])
            },
            &p,
            &g,
        );
    }
    slice_case("empty_ok", empty_ok, empty_ok_grad, &[0, 1, 4]);
}

#[test]
fn matrix_elements() {
    slice_case("svec_elems", svec_elems, svec_elems_grad, &[1, 2, 5]);
    slice_case("dvec_elems", dvec_elems, dvec_elems_grad, &[1, 2, 5]);
}

#[test]
fn window_through_the_pullback() {
    for n in [1, 3, 9] {
        let x = input(n);
        let (_, g) = three_writes_grad(&x);
        check(&format!("three_writes n={n}"), three_writes, &x, &g);
        let (_, back) = three_writes_vjp(&x);
        let g1 = back(1.0);
        let g3 = back(-3.0);
        let g1b = back(1.0);
        close("three_writes vjp(1)", &g1, &g, 1e-12);
        close("three_writes vjp(1) again", &g1b, &g, 1e-12);
        let m3: Vec<f64> = g.iter().map(|v| -3.0 * v).collect();
        close("three_writes vjp(-3)", &g3, &m3, 1e-12);
    }
}

#[test]
fn window_order_two() {
    for n in [1, 2, 5] {
        let x = input(n);
        let (_, g) = rec2_grad(&x);
        check(&format!("rec2 n={n}"), rec2, &x, &g);
        let dir: Vec<f64> = (0..n).map(|k| 0.3 + 0.2 * k as f64).collect();
        let (_, g2, hv) = rec2_hvp(&x, dir.clone());
        close(&format!("rec2 hvp grad n={n}"), &g2, &g, 1e-12);
        let eta = 1e-6;
        let xp: Vec<f64> = x.iter().zip(&dir).map(|(a, d)| a + eta * d).collect();
        let xm: Vec<f64> = x.iter().zip(&dir).map(|(a, d)| a - eta * d).collect();
        let fd: Vec<f64> = rec2_grad(&xp)
            .1
            .iter()
            .zip(&rec2_grad(&xm).1)
            .map(|(a, b)| (a - b) / (2.0 * eta))
            .collect();
        for (k, (a, b)) in hv.iter().zip(&fd).enumerate() {
            assert!(TOL.accepts(*a, *b), "rec2 hvp n={n} [{k}]: {a} vs {b}");
        }
    }
}

#[test]
fn calls_of_every_kind() {
    for n in [1, 2, 3, 7] {
        let mut x = input(n);
        x.push(0.8);
        let (_, (dx, da)) = call_kinds_grad(&x[..n], x[n]);
        let mut g = dx.clone();
        g.push(da);
        check(
            &format!("call_kinds n={n}"),
            |p: &[f64]| call_kinds(&p[..n], p[n]),
            &x,
            &g,
        );
    }
}

#[test]
fn calls_short_cotangents() {
    slice_case("short_cot", short_cot, short_cot_grad, &[1, 2, 3, 8]);
}

#[test]
fn calls_between_writes() {
    for (n, steps) in [(1, 2), (2, 0), (3, 1), (5, 4)] {
        let x = input(n);
        let (_, dx) = writes_between_grad(&x, steps);
        check(
            &format!("writes_between n={n} steps={steps}"),
            |p: &[f64]| writes_between(p, steps),
            &x,
            &dx,
        );
    }
}

#[test]
fn calls_on_relengthened_vecs() {
    slice_case("relengths", relengths, relengths_grad, &[2, 3, 6]);
}

#[test]
fn calls_in_branches_and_loops() {
    for (k, m) in [(1, 1), (2, 3), (4, 5)] {
        let a: Vec<f64> = input(k).iter().map(|v| v - 0.2).collect();
        let x: Vec<f64> = (0..m).map(|j| 0.7 * ((j as f64) * 1.7).cos()).collect();
        let (_, (ga, gx)) = calls_nested_grad(&a, &x);
        let p: Vec<f64> = a.iter().chain(&x).copied().collect();
        let g: Vec<f64> = ga.into_iter().chain(gx).collect();
        check(
            &format!("calls_nested k={k} m={m}"),
            |q: &[f64]| calls_nested(&q[..k], &q[k..]),
            &p,
            &g,
        );
    }
}

#[test]
fn calls_f32_and_into_self() {
    for n in [1, 2, 5] {
        let x = input(n);
        let (_, g) = call_f32_grad(&x[..]);
        check(&format!("call_f32<f64> n={n}"), call_f32::<f64>, &x, &g);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let (_, g32) = call_f32_grad(&x32[..]);
        let g32: Vec<f64> = g32.iter().map(|&v| v as f64).collect();
        close(&format!("call_f32<f32> n={n}"), &g32, &g, 1e-3);
    }
    slice_case(
        "call_into_self",
        call_into_self,
        call_into_self_grad,
        &[1, 2, 5],
    );
}

#[test]
fn calls_through_the_pullback() {
    for (k, m) in [(2, 3), (3, 4)] {
        let a: Vec<f64> = input(k).iter().map(|v| v - 0.2).collect();
        let x: Vec<f64> = (0..m).map(|j| 0.7 * ((j as f64) * 1.7).cos()).collect();
        let (_, (ga, gx)) = calls_nested_grad(&a, &x);
        let (_, back) = calls_nested_vjp(&a, &x);
        let (ba, bx) = back(-2.0);
        let (ca, cx) = back(0.5);
        let g: Vec<f64> = ga.iter().chain(&gx).copied().collect();
        let p: Vec<f64> = a.iter().chain(&x).copied().collect();
        check(
            &format!("calls_nested k={k} m={m}"),
            |q: &[f64]| calls_nested(&q[..k], &q[k..]),
            &p,
            &g,
        );
        let b: Vec<f64> = ba.iter().chain(&bx).map(|v| v / -2.0).collect();
        let c: Vec<f64> = ca.iter().chain(&cx).map(|v| v / 0.5).collect();
        close("calls_nested vjp(-2)", &b, &g, 1e-12);
        close("calls_nested vjp(0.5)", &c, &g, 1e-12);
    }
    let x = input(5);
    let (_, g) = relengths_grad(&x);
    check("relengths n=5", relengths, &x, &g);
    let (_, back) = relengths_vjp(&x);
    let b: Vec<f64> = back(3.0).iter().map(|v| v / 3.0).collect();
    close("relengths vjp(3)", &b, &g, 1e-12);
}

#[test]
fn calls_order_two() {
    for n in [1, 2, 4] {
        let x = input(n);
        let (_, g) = call2_grad(&x);
        check(&format!("call2 n={n}"), call2, &x, &g);
        let dir: Vec<f64> = (0..n).map(|k| 0.5 - 0.2 * k as f64).collect();
        let (_, g2, hv) = call2_hvp(&x, dir.clone());
        close(&format!("call2 hvp grad n={n}"), &g2, &g, 1e-12);
        let eta = 1e-6;
        let xp: Vec<f64> = x.iter().zip(&dir).map(|(a, d)| a + eta * d).collect();
        let xm: Vec<f64> = x.iter().zip(&dir).map(|(a, d)| a - eta * d).collect();
        let fd: Vec<f64> = call2_grad(&xp)
            .1
            .iter()
            .zip(&call2_grad(&xm).1)
            .map(|(a, b)| (a - b) / (2.0 * eta))
            .collect();
        for (k, (a, b)) in hv.iter().zip(&fd).enumerate() {
            assert!(TOL.accepts(*a, *b), "call2 hvp n={n} [{k}]: {a} vs {b}");
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Random recurrences (generated once, seed 11): one or two locals read and written at `i + c`
// (spans up to eight, some wider), `+=`/`-=`/`*=`, temporaries, branches, inner loops, an outer
// loop touching the local between windowed loops, calls on it; each against central differences
// on edge sizes (no trip, one trip) and larger ones.
// ------------------------------------------------------------------------------------------------
#[differentiable]
fn rnd0(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 3..n - 4 {
        let t0 = w[i - 1] * u[i + 3] * 0.5;
        for _r in 0..2 {
            let t1 = (u[i - 3]).tanh();
            s += t1 * 0.02;
            u[i - 3] = u[i] * x[i] * 0.5;
        }
        u[i + 4] = u[i + 1] * u[i + 1] * 0.5;
        u[i + 3] = u[i - 3];
        if x[i] > 0.2 {
            u[i - 3] = 1.1 * 0.6 + x[i];
        } else {
            w[i + 2] = w[i - 2];
        }
        s += t0 * 0.01;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i + 4] * 0.25;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 4 {
        let t0 = u[i - 1];
        u[i - 1] = u[i - 1] * 0.9;
        for _r in 0..2 {
            u[i - 1] = u[i + 2] * u[i] * 0.5;
            let t1 = x[i];
            s += t1 * 0.02;
        }
        let t2 = x[i];
        if x[i] > 0.5 {
            u[i] = (u[i + 4] * 0.5 + x[i]).cos();
        } else {
            u[i + 2] = (u[i + 3] * 0.9 + t2).sin();
        }
        s += t0 * 0.01;
        s += t2 * 0.01;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd2(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 8 {
        u[i - 1] = u[i - 1] * 0.9;
        u[i + 8] = u[i + 7];
        for _r in 0..2 {
            let t0 = u[i - 1] - x[i] * 0.25;
            s += t0 * 0.02;
            u[i - 1] -= u[i + 8] * 0.5;
        }
        u[i + 8] = u[i - 1] - (x[i]).cos() * 0.25;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd3(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 0..n - 8 {
        u[i + 4] += u[i + 7] * 0.5;
        let t0 = 0.7 * 0.9 + x[i];
        w[i + 8] *= 0.9 + 0.1 * (w[i + 3] - 0.5 * 0.5 + x[i] * 0.25).tanh();
        u[i + 8] = 0.3 * 0.3 + u[i + 8] - 1.1 * 0.25;
        w[i + 5] = 1.1 * u[i + 4] * 0.5;
        s += t0 * 0.01;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i + 8] * 0.25;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd4(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 1 {
        if x[i] > 0.35 {
            u[i + 1] = u[i];
        } else {
            s += u[i];
        }
        u[i + 1] = u[i + 1] * 0.5 * 0.5;
        u[i] = u[i + 1] * 0.9 + x[i] * 0.5 + 0.3;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd5(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 1 {
        u[i] = (w[i]).sin();
        for _r in 0..3 {
            u[i] = w[i + 1] * 0.5 * 0.5;
            w[i + 1] -= u[i] - (0.5).cos() * 0.25 * 0.5;
        }
        if x[i] > 0.35 {
            let t0 = u[i] * 0.5 + w[i - 1] - u[i + 1] * 0.25;
            s += t0 * 0.02;
        } else {
            u[i + 1] = u[i] - w[i] * 0.25;
        }
        u[i] -= 1.1 - (u[i]).tanh() * 0.25 * 0.5;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd6(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 0 {
        u[i] = x[i] * 0.9 + 1.1 * u[i] * 0.5;
        u[i] *= 0.9 + 0.1 * (x[i] - u[i] - u[i] * 0.25 * 0.25).tanh();
        if x[i] > 0.35 {
            u[i] = u[i] - u[i] * 0.5 + x[i] * 0.25;
        } else {
            u[i] = 0.3 - x[i] * u[i] * 0.5 * 0.25;
        }
        u[i] = u[i] * 0.9;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd7(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 2..n - 0 {
        u[i - 1] = (x[i] * 0.3 + u[i - 2]).sin();
        u[i - 2] -= (0.7).tanh() * 0.5;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd8(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 3..n - 4 {
        u[i - 1] = u[i + 2] * 0.5 * 0.5;
        u[i + 2] += u[i - 3] * 0.5 + 0.7 * 0.5;
        u[i - 1] = (0.5 * 0.3 + 0.3).tanh();
        let t0 = u[i - 3] * 1.1 * 0.5;
        s += t0 * 0.01;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd9(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for k in 0..3 {
        u[k % n] = u[(k + 1) % n] * 0.5 + x[k % n] * 0.25;
        for i in 0..n - 0 {
            for _r in 0..2 {
                let t0 = x[i] - u[i] * 0.5 * 0.5 * 0.25;
                s += t0 * 0.02;
                u[i] = ((u[i]).cos()).sin();
            }
            u[i] *= 0.9 + 0.1 * ((0.7).tanh()).tanh();
            u[i] = (x[i] * 0.3 + 0.3).cos();
            for _r in 0..2 {
                u[i] = u[i] * 0.3 + 1.1 - 0.5 * 0.25;
                let t1 = x[i];
                s += t1 * 0.02;
            }
            u[i] = (u[i]).cos();
        }
        s += u[n - 1] * u[0];
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd10(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..1 {
        for i in 1..n - 2 {
            u[i + 1] = u[i] * 0.3 * 0.5;
            let t0 = u[i - 1];
            u[i - 1] = 0.5 * x[i] * 0.5;
            let t1 = u[i + 1] * 0.9 + u[i - 1] * 0.6 + x[i];
            s += t0 * 0.01;
            s += t1 * 0.01;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd11(x: &[f64]) -> f64 {
    let n = x.len();
    let u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 2 {
        w[i + 2] += u[i + 2] - (x[i]).sin() * 0.25 * 0.5;
        if x[i] > 0.35 {
            w[i] = x[i] - w[i + 1] * 0.5 * 0.5 * 0.25;
        }
        w[i + 2] = 0.7 * 0.25 * 0.5;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd12(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for k in 0..3 {
        u[k % n] = u[(k + 1) % n] * 0.5 + x[k % n] * 0.25;
        s += lse(&u) * 0.1;
        for i in 3..n - 2 {
            for _r in 0..3 {
                let t0 = u[i + 1] * u[i - 1] * 0.5;
                s += t0 * 0.02;
                s += u[i - 3] - x[i] * u[i] * 0.5 * 0.25;
            }
            u[i] = 0.7 * 0.5 + u[i + 2] * 0.3 + 0.7;
            if x[i] > 0.5 {
                u[i] = x[i] - (1.1).sin() * 0.25;
            } else {
                u[i + 2] = x[i];
            }
            u[i + 1] = 0.3;
        }
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd13(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 0 {
        u[i] = u[i - 1];
        u[i - 1] -= 0.25 - x[i] - u[i] * 0.25 * 0.25 * 0.5;
        let t0 = u[i] * u[i] * 0.5;
        for _r in 0..3 {
            u[i - 1] = u[i] * 1.1 * 0.5;
            u[i - 1] = t0 * 0.9 + 0.5 - 0.7 * 0.25;
        }
        s += t0 * 0.01;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd14(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..3 {
        for i in 0..n - 1 {
            if x[i] > 0.2 {
                u[i] = x[i] - 0.25 * 0.25;
            }
            for _r in 0..1 {
                u[i] = (x[i] - u[i] * 0.25).cos();
                u[i] = u[i + 1] * u[i + 1] * 0.5;
            }
            if x[i] > 0.35 {
                u[i] = u[i + 1];
            }
        }
        s += u[n - 1] * u[0];
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd15(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 1 {
        u[i] += u[i + 1] * 0.5;
        u[i + 1] -= u[i] - u[i + 1] * x[i] * 0.5 * 0.25 * 0.5;
        s += (0.5 * 0.3 + u[i + 1]).tanh();
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd16(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 3..n - 1 {
        w[i + 1] *= 0.9 + 0.1 * ((0.25).cos()).tanh();
        s += x[i] - x[i] * 0.25;
        if x[i] > 0.2 {
            w[i + 1] = u[i - 1] * 0.9 + u[i - 2] * 0.3 + w[i + 1];
        } else {
            u[i - 1] = w[i - 2] * u[i] * 0.5;
        }
        if x[i] > 0.5 {
            u[i - 1] = 1.1 * x[i] * 0.5;
        } else {
            let t0 = w[i] * w[i - 3] * 0.5;
            s += t0 * 0.02;
        }
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i - 1] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd17(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 2..n - 0 {
        let t0 = u[i - 1] * 0.6 + u[i - 1] - u[i] * 0.25;
        u[i - 2] *= 0.9 + 0.1 * (u[i] * 0.6 + (u[i - 2]).tanh()).tanh();
        if x[i] > 0.5 {
            u[i - 2] = u[i] * 0.9 + 0.3 * 0.7 * 0.5;
        }
        u[i - 2] = t0;
        u[i - 1] = 1.1 - x[i] * 0.25;
        s += t0 * 0.01;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd18(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..2 {
        s += lse(&u) * 0.1;
        for i in 1..n - 0 {
            for _r in 0..3 {
                u[i - 1] = 0.3;
                u[i] = x[i];
            }
            for _r in 0..2 {
                u[i - 1] = 0.3 - 0.7 * 0.6 + u[i] * 0.25;
                u[i] = x[i];
            }
            u[i] = u[i - 1] * 0.5 * 0.5;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd19(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 3 {
        u[i] *= 0.9 + 0.1 * (0.5).tanh();
        u[i] = 0.3;
        let t0 = x[i] - 0.3 * 0.25;
        u[i + 2] = t0 * u[i + 1] * 0.5;
        s += t0 * 0.01;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd20(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 4 {
        u[i + 4] = (u[i + 4]).sin();
        if x[i] > 0.2 {
            u[i + 4] = w[i + 4];
        } else {
            w[i] += u[i + 4] * 0.5;
        }
        w[i + 4] -= x[i] * 0.5 + w[i + 4] * 0.6 + w[i + 1] * 0.5;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd21(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 0..n - 1 {
        w[i] = x[i];
        u[i] += u[i + 1] * 0.5;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i + 1] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd22(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 0 {
        u[i] += u[i] * 0.5 + u[i] * 0.5;
        u[i] = u[i - 1] * 0.5 * 0.5;
        u[i - 1] *= 0.9 + 0.1 * (u[i - 1]).tanh();
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd23(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 2 {
        u[i + 1] = u[i - 1];
        for _r in 0..1 {
            u[i - 1] = u[i - 1] - x[i] * 0.6 + u[i - 1] * 0.25;
            u[i + 2] = x[i] * 0.9 + u[i] * 0.5 + u[i + 2];
        }
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd24(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..2 {
        s += lse(&u) * 0.1;
        for i in 3..n - 4 {
            u[i + 4] = (0.7 * x[i] * 0.5).tanh();
            for _r in 0..3 {
                u[i - 2] = 0.5 - u[i - 2] * u[i + 4] * 0.5 * 0.25;
                u[i + 1] = u[i + 3] * 0.5 + u[i - 2] * 0.9 + 1.1;
            }
            u[i - 3] = u[i + 3] - u[i + 4] * 0.25;
        }
        s += u[n - 1] * u[0];
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd25(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 2..n - 4 {
        for _r in 0..3 {
            u[i + 4] = w[i + 2];
            w[i + 4] += w[i - 2] * 0.5 + w[i] * u[i - 1] * 0.5 * 0.5;
        }
        u[i] = u[i + 2] * 0.3 * 0.5;
        w[i + 4] = w[i] * u[i] * 0.5;
        if x[i] > 0.2 {
            w[i + 3] = u[i - 1];
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd26(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 9 {
        if x[i] > 0.5 {
            u[i + 6] = x[i] * u[i + 5] * 0.5;
        }
        let t0 = 0.25 * 0.9 + u[i + 9] * u[i + 9] * 0.5;
        let t1 = 0.5 - u[i + 9] * 0.25;
        for _r in 0..3 {
            u[i + 2] = 0.5 - t0 * 0.25;
            u[i + 9] -= u[i + 9] * 0.5;
        }
        let t2 = 1.1 * x[i] * 0.5;
        s += t0 * 0.01;
        s += t1 * 0.01;
        s += t2 * 0.01;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd27(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 4 {
        if x[i] > 0.2 {
            u[i - 1] -= x[i] * 0.5;
        } else {
            w[i + 1] = u[i + 1] * 0.9 + (w[i + 4]).tanh();
        }
        u[i + 2] -= w[i + 3] * 0.5;
        w[i + 1] = u[i + 2];
        let t0 = u[i] - (u[i + 3]).sin() * 0.25;
        s += t0 * 0.01;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i - 1] * 0.25;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd28(x: &[f64]) -> f64 {
    let n = x.len();
    let u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 0..n - 9 {
        for _r in 0..3 {
            w[i] -= w[i + 6] * 0.5;
            w[i + 5] = (w[i] * 0.9 + 0.5).tanh();
        }
        w[i] = w[i] * 0.6 + u[i];
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd29(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 4 {
        if x[i] > 0.2 {
            u[i] = 0.7 * 0.7 * 0.5;
        }
        u[i + 3] = ((1.1).sin()).cos();
        u[i + 3] += ((u[i + 3]).sin()).cos() * 0.5;
        u[i + 2] = u[i + 4];
        u[i + 4] = 0.5 * 0.6 + u[i];
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd30(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..3 {
        s += lse(&u) * 0.1;
        for i in 0..n - 4 {
            u[i + 3] = u[i + 1];
            u[i] += (u[i] * 0.3 * 0.5).cos() * 0.5;
            for _r in 0..1 {
                u[i + 2] = u[i + 1];
                u[i + 3] = u[i + 3] * 0.9;
            }
            u[i + 4] = (0.5 - 1.1 * 0.25).tanh();
        }
        s += first_sq(&u) + cubes(&u) * 0.1;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd31(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 1 {
        u[i] = (u[i + 1] * 0.5 + u[i]).tanh();
        u[i] = x[i] * 0.9 + u[i] * 0.6 + x[i];
        u[i - 1] = u[i] * u[i + 1] * 0.5;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd32(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..3 {
        for i in 1..n - 3 {
            u[i + 3] = u[i + 3] * 0.9;
            if x[i] > 0.35 {
                u[i + 1] = 0.25 * 0.3 + (0.3).sin();
            } else {
                u[i + 3] = u[i] * u[i] * 0.5;
            }
            u[i - 1] += u[i + 3] - 0.3 * 1.1 * 0.5 * 0.25 * 0.5;
            if x[i] > 0.2 {
                u[i + 2] = u[i - 1] * 0.3 + 0.25;
            } else {
                u[i + 2] = u[i] * u[i - 1] * 0.5;
            }
        }
        s += first_sq(&u) + cubes(&u) * 0.1;
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd33(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for k in 0..2 {
        u[k % n] = u[(k + 1) % n] * 0.5 + x[k % n] * 0.25;
        s += lse(&u) * 0.1;
        for i in 0..n - 0 {
            u[i] = (0.25 * 0.6 + u[i]).cos();
            u[i] = (0.3 - u[i] * 0.25).cos();
            s += u[i] * 0.3 + 0.25 * 0.3 + u[i];
            u[i] *= 0.9 + 0.1 * (u[i] - u[i] * 0.9 + 1.1 * 0.25).tanh();
        }
        s += u[n - 1] * u[0];
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd34(x: &[f64]) -> f64 {
    let n = x.len();
    let u = x.to_vec();
    let mut s = 0.0;
    for i in 0..n - 1 {
        s += u[i + 1];
        s += x[i] * 0.3 + x[i];
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd35(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 1..n - 2 {
        w[i - 1] = (u[i] * w[i + 2] * 0.5).cos();
        if x[i] > 0.5 {
            w[i - 1] += w[i + 1] * 0.3 + 0.7 * 0.9 + 0.3 * 0.5;
        } else {
            u[i] = x[i] - 0.5 * 0.25;
        }
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd36(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = vec![0.25; n];
    let mut s = 0.0;
    for i in 3..n - 3 {
        u[i + 3] -= u[i] * 0.9 + 0.3 - u[i + 2] * 0.25 * 0.5;
        w[i + 2] = x[i] - w[i - 1] - 0.3 * 0.25 * 0.25;
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd37(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut w = x.to_vec();
    let mut s = 0.0;
    for i in 3..n - 3 {
        u[i + 3] = (u[i + 2]).sin();
        w[i] = (u[i] * 1.1 * 0.5).sin();
        w[i - 2] = (u[i - 1] * 0.3 + u[i + 2]).tanh();
        u[i] += w[i - 3] - 0.3 * 0.25 * 0.5;
        s += (0.7).cos();
        for j in 1..n {
            w[j] = w[j] * 0.5 + w[j - 1] * u[i - 1] * 0.25;
            s += w[j - 1] * 0.1;
        }
    }
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64) + w[i] * w[i] * 0.5;
    }
    s
}
#[differentiable]
fn rnd38(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for i in 3..n - 2 {
        if x[i] > 0.5 {
            s += u[i + 1] * 0.5 + 0.7 - 0.7 * 0.25;
        }
        let t1 = x[i];
        u[i - 1] = t1;
        s += t1 * 0.01;
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}
#[differentiable]
fn rnd39(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _k in 0..3 {
        s += lse(&u) * 0.1;
        for i in 3..n - 1 {
            u[i - 1] *= 0.9 + 0.1 * (0.7).tanh();
            let t0 = (x[i] * 0.9 + 0.25).sin();
            let t1 = u[i + 1] * 0.3 + u[i - 2] * 0.9 + 0.3;
            s += t0 * 0.01;
            s += t1 * 0.01;
        }
        s += u[n - 1] * u[0];
    }
    s += lse(&u);
    for i in 0..n {
        s += u[i] * (1.0 + 0.1 * i as f64);
    }
    s
}

#[test]
fn random_recurrences() {
    type F = fn(&[f64]) -> f64;
    type G = fn(&[f64]) -> (f64, Vec<f64>);
    let cases: &[(&str, F, G, usize)] = &[
        ("rnd0", rnd0, rnd0_grad, 7),
        ("rnd1", rnd1, rnd1_grad, 5),
        ("rnd2", rnd2, rnd2_grad, 9),
        ("rnd3", rnd3, rnd3_grad, 8),
        ("rnd4", rnd4, rnd4_grad, 1),
        ("rnd5", rnd5, rnd5_grad, 2),
        ("rnd6", rnd6, rnd6_grad, 0),
        ("rnd7", rnd7, rnd7_grad, 2),
        ("rnd8", rnd8, rnd8_grad, 7),
        ("rnd9", rnd9, rnd9_grad, 0),
        ("rnd10", rnd10, rnd10_grad, 3),
        ("rnd11", rnd11, rnd11_grad, 3),
        ("rnd12", rnd12, rnd12_grad, 5),
        ("rnd13", rnd13, rnd13_grad, 1),
        ("rnd14", rnd14, rnd14_grad, 1),
        ("rnd15", rnd15, rnd15_grad, 1),
        ("rnd16", rnd16, rnd16_grad, 4),
        ("rnd17", rnd17, rnd17_grad, 2),
        ("rnd18", rnd18, rnd18_grad, 1),
        ("rnd19", rnd19, rnd19_grad, 3),
        ("rnd20", rnd20, rnd20_grad, 4),
        ("rnd21", rnd21, rnd21_grad, 1),
        ("rnd22", rnd22, rnd22_grad, 1),
        ("rnd23", rnd23, rnd23_grad, 3),
        ("rnd24", rnd24, rnd24_grad, 7),
        ("rnd25", rnd25, rnd25_grad, 6),
        ("rnd26", rnd26, rnd26_grad, 9),
        ("rnd27", rnd27, rnd27_grad, 5),
        ("rnd28", rnd28, rnd28_grad, 9),
        ("rnd29", rnd29, rnd29_grad, 4),
        ("rnd30", rnd30, rnd30_grad, 4),
        ("rnd31", rnd31, rnd31_grad, 2),
        ("rnd32", rnd32, rnd32_grad, 4),
        ("rnd33", rnd33, rnd33_grad, 0),
        ("rnd34", rnd34, rnd34_grad, 1),
        ("rnd35", rnd35, rnd35_grad, 3),
        ("rnd36", rnd36, rnd36_grad, 6),
        ("rnd37", rnd37, rnd37_grad, 6),
        ("rnd38", rnd38, rnd38_grad, 5),
        ("rnd39", rnd39, rnd39_grad, 4),
    ];
    let mut bad = Vec::new();
    for &(name, f, g, m) in cases {
        for n in [m.max(1), m + 1, m + 2, m + 6] {
            let x = input(n);
            let (v, dx) = g(&x);
            let fd = numeric_gradient(f, &x, 1e-6);
            if (v - f(&x)).abs() > 1e-12 * v.abs().max(1.0) {
                bad.push(format!("{name} n={n}: value"));
            }
            for (k, (a, b)) in dx.iter().zip(&fd).enumerate() {
                if !TOL.accepts(*a, *b) {
                    bad.push(format!("{name} n={n} [{k}]: got {a} expected {b}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
