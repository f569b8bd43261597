//! Unknown methods called inside code run as written, on a receiver with a derivative: a `&self`
//! or by-copy method runs as before (checked below against analytic derivatives); a `&mut self`
//! method, which would change the receiver unseen, does not compile
//! (`tests/heavy/tests/ui/mut_self_in_condition.rs`).

#![allow(clippy::needless_range_loop)]
// `ord_and_float_max` calls `Ord::max`/`min`/`clamp` on constants on purpose.
#![allow(clippy::manual_clamp, clippy::unnecessary_min_or_max)]

use autodiff::prelude::*;

#[derive(Differentiable, Clone, Copy, Debug)]
pub struct Spring {
    pub k: f64,
    pub x0: f64,
}

impl Spring {
    pub fn is_stiff(&self, limit: f64) -> bool {
        self.k > limit
    }
    pub fn stretched(self, x: f64) -> bool {
        x > self.x0
    }
}

impl Spring {
    /// Takes its argument by value.
    pub fn above_all(&self, xs: Vec<f64>) -> bool {
        xs.iter().all(|x| self.k > *x)
    }
}

/// Takes its argument by value.
fn doubled(v: Vec<f64>) -> Vec<f64> {
    v.iter().map(|x| 2.0 * x).collect()
}

fn total(v: Vec<f64>) -> f64 {
    v.iter().sum()
}

pub trait Energy {
    fn positive(&self) -> bool;
}
impl Energy for f64 {
    fn positive(&self) -> bool {
        *self > 0.0
    }
}

#[differentiable]
fn spring_energy(k: f64, x: f64) -> f64 {
    let s = Spring { k, x0: 0.5 };
    let limit = 10.0;
    if s.is_stiff(limit) && s.stretched(x) {
        s.k * (x - s.x0) * (x - s.x0)
    } else {
        0.5 * s.k * (x - s.x0) * (x - s.x0)
    }
}

#[differentiable]
fn trait_in_condition(x: f64) -> f64 {
    let mut y = x * x;
    if x.positive() {
        y *= x;
    }
    let _ = (y - 1.0).positive();
    y
}

#[differentiable]
fn in_a_loop(xs: &[f64]) -> f64 {
    let mut s = 0.0;
    let sp = Spring { k: xs[0], x0: 0.1 };
    for i in 0..xs.len() {
        if sp.stretched(xs[i]) {
            s += sp.k * xs[i];
        }
    }
    s
}

/// The compile-time checks name expressions that move a value (`doubled(v).len()`, a `Vec`
/// argument, `total(w) as i64`, a float rule's receiver `total(u).sin()`): the checks take
/// nothing, so each value is moved once, by the code as written.
#[differentiable]
fn checks_take_nothing(k: f64, x: f64) -> f64 {
    let s = Spring { k, x0: 0.0 };
    let v = vec![1.0, 2.0];
    let n = doubled(v).len() as f64;
    let w = vec![3.0, 4.0];
    let m = total(w) as i64;
    let limits = vec![0.5, 1.5];
    let u = vec![0.25, 0.5];
    let r = total(u).sin();
    if s.above_all(limits) {
        s.k * x * n + m as f64 * r
    } else {
        x * n
    }
}

#[test]
fn checks_move_nothing() {
    // k > 1.5: f = 2 k x + 7 sin(0.75), df/dk = 2x, df/dx = 2k
    let (f, (gk, gx)) = checks_take_nothing_grad(2.0, 3.0);
    assert!((f - (12.0 + 7.0 * 0.75_f64.sin())).abs() < 1e-12, "{f}");
    assert!(
        (gk - 6.0).abs() < 1e-12 && (gx - 4.0).abs() < 1e-12,
        "{gk} {gx}"
    );
    // k <= 1.5: f = 2x, df/dk = 0, df/dx = 2
    let (_, (gk, gx)) = checks_take_nothing_grad(1.0, 3.0);
    assert!(gk.abs() < 1e-12 && (gx - 2.0).abs() < 1e-12, "{gk} {gx}");
}

#[test]
fn shared_receivers_run_as_before() {
    // k > 10 and x > 0.5: E = k (x - x0)^2, dE/dk = (x - x0)^2, dE/dx = 2k(x - x0)
    let (e, (gk, gx)) = spring_energy_grad(12.0, 1.5);
    assert!((e - 12.0).abs() < 1e-12);
    assert!(
        (gk - 1.0).abs() < 1e-12 && (gx - 24.0).abs() < 1e-12,
        "{gk} {gx}"
    );
    // k <= 10: E = k (x - x0)^2 / 2, dE/dk = (x - x0)^2 / 2, dE/dx = k(x - x0)
    let (_, (gk, gx)) = spring_energy_grad(4.0, 1.5);
    assert!(
        (gk - 0.5).abs() < 1e-12 && (gx - 4.0).abs() < 1e-12,
        "{gk} {gx}"
    );
    // x > 0: y = x^3, dy/dx = 3x^2; x < 0: y = x^2, dy/dx = 2x
    let (_, g) = trait_in_condition_grad(2.0);
    assert!((g - 12.0).abs() < 1e-12, "{g}");
    let (_, g) = trait_in_condition_grad(-2.0);
    assert!((g + 4.0).abs() < 1e-12, "{g}");
    // s = k * sum_{x_i > 0.1} x_i (k = x_0): ds/dx_0 = sum + k [x_0 > 0.1], ds/dx_i = k [x_i > 0.1]
    let xs = [2.0, 0.05, 3.0];
    let (s, g) = in_a_loop_grad(&xs);
    assert!((s - 2.0 * 5.0).abs() < 1e-12);
    let want = [5.0 + 2.0, 0.0, 2.0];
    for (a, b) in g.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{g:?}");
    }
}

/// `max`, `min` and `clamp` are also `Ord`'s: on integers, `char`, `bool` and `Option` they run
/// as written (no derivative), on floats they are the float rules.
#[differentiable]
fn ord_and_float_max(x: f64, y: f64) -> f64 {
    let n = 3usize.max(2).min(5).clamp(1, 4);
    let c = 'a'.max('q');
    let b = true.min(false);
    let o = Some(2).max(None);
    let k = if c == 'q' && !b && o == Some(2) {
        n as f64
    } else {
        0.0
    };
    x.max(y) * k + x.clamp(-1.0, 1.0) + y.min(x)
}

#[test]
fn ord_methods_keep_running() {
    // x = 2 > y = 0.5: f = 3x + 1 + y, df/dx = 3 (clamp is flat at 1), df/dy = 1
    let (f, (gx, gy)) = ord_and_float_max_grad(2.0, 0.5);
    assert!((f - 7.5).abs() < 1e-12, "{f}");
    assert!(
        (gx - 3.0).abs() < 1e-12 && (gy - 1.0).abs() < 1e-12,
        "{gx} {gy}"
    );
}
