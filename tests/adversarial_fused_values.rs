//! Adversarial tests of fused accumulation loops whose trips choose a value by a branch
//! (`reverse/fused.rs`, `fused_seq`): each function against a twin whose loop takes the
//! ordinary sweep (an unreachable `continue` in the trip), to 1e-12, against central
//! differences in `f64`, and its value against the primal.

#![allow(
    clippy::needless_range_loop,
    clippy::needless_late_init,
    unused_assignments,
    unused_variables,
    clippy::all
)]

use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, sines, split, to32};

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

/// The fused result `r` against the twin's `t` (1e-12), the primal at `p`, and, with `fd`,
/// central differences.
#[track_caller]
fn cmp(
    name: &str,
    fd: bool,
    f: impl Fn(&[f64]) -> f64,
    r: (f64, Vec<f64>),
    t: (f64, Vec<f64>),
    p: &[f64],
) {
    let y = f(p);
    assert!(same(r.0, y), "{name}: value {} vs primal {y} at {p:?}", r.0);
    assert!(same(t.0, y), "{name}: twin value {} vs primal {y}", t.0);
    assert_eq!(r.1.len(), t.1.len(), "{name}: lengths");
    for k in 0..r.1.len() {
        assert!(
            same(r.1[k], t.1[k]),
            "{name}: gradient[{k}] fused {} vs ordinary sweep {} at {p:?}\n fused {:?}\n twin  {:?}",
            r.1[k],
            t.1[k],
            r.1,
            t.1
        );
    }
    if fd {
        check(name, &f, &r.1, p);
    }
}

fn join2(a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.into_iter().chain(b).collect()
}

#[differentiable]
fn huber(r: f64, d: f64) -> f64 {
    if r.abs() < d {
        0.5 * r * r
    } else {
        d * (r.abs() - 0.5 * d)
    }
}

#[differentiable]
fn prod(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { 0.5 * x[i] };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn prod_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { 0.5 * x[i] };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn exp_rule(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.2 { x[i].exp() } else { x[i].sin() };
        s += v.exp() * 0.1 + v * x[i];
    }
    s
}

#[differentiable]
fn exp_rule_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.2 { x[i].exp() } else { x[i].sin() };
        s += v.exp() * 0.1 + v * x[i];
    }
    s
}

#[differentiable]
fn sqrt_div(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            x[i] + 1.0
        } else {
            x[i] * x[i] + 2.0
        };
        s += v.sqrt() / v + x[i] / (1.0 + v * v);
    }
    s
}

#[differentiable]
fn sqrt_div_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            x[i] + 1.0
        } else {
            x[i] * x[i] + 2.0
        };
        s += v.sqrt() / v + x[i] / (1.0 + v * v);
    }
    s
}

#[differentiable]
fn methods(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > w[i] {
            (x[i] - w[i]).abs() + 0.5
        } else {
            w[i] * w[i] + 0.25
        };
        s += v.ln() * v.tanh() + v.powi(3) + v.max(x[i]) - v.powf(1.5) + v.recip();
    }
    s
}

#[differentiable]
fn methods_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > w[i] {
            (x[i] - w[i]).abs() + 0.5
        } else {
            w[i] * w[i] + 0.25
        };
        s += v.ln() * v.tanh() + v.powi(3) + v.max(x[i]) - v.powf(1.5) + v.recip();
    }
    s
}

#[differentiable]
fn cond_later(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { -x[i] };
        if v > 0.75 {
            s += v * x[i];
        } else {
            s -= v.cos();
        }
    }
    s
}

#[differentiable]
fn cond_later_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { -x[i] };
        if v > 0.75 {
            s += v * x[i];
        } else {
            s -= v.cos();
        }
    }
    s
}

#[differentiable]
fn cond_later_chooses(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let u = if v > 0.9 { v * v } else { v * x[i] };
        if u > v {
            s += u;
        } else {
            s -= v * u;
        }
    }
    s
}

#[differentiable]
fn cond_later_chooses_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let u = if v > 0.9 { v * v } else { v * x[i] };
        if u > v {
            s += u;
        } else {
            s -= v * u;
        }
    }
    s
}

#[differentiable]
fn index_chosen(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let j = if x[i] > 0.0 { (i + 1) % n } else { i };
        let v = if x[j] > x[i] { x[j] * x[i] } else { x[i] };
        s += v * x[j];
    }
    s
}

#[differentiable]
fn index_chosen_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let j = if x[i] > 0.0 { (i + 1) % n } else { i };
        let v = if x[j] > x[i] { x[j] * x[i] } else { x[i] };
        s += v * x[j];
    }
    s
}

#[differentiable]
fn index_chosen_only(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let j = if x[i] > 0.0 {
            (i + 2) % n
        } else {
            (i + n - 1) % n
        };
        if x[j] > 0.1 {
            s += x[j] * x[i];
        } else {
            s += x[i];
        }
    }
    s
}

#[differentiable]
fn index_chosen_only_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let j = if x[i] > 0.0 {
            (i + 2) % n
        } else {
            (i + n - 1) % n
        };
        if x[j] > 0.1 {
            s += x[j] * x[i];
        } else {
            s += x[i];
        }
    }
    s
}

#[differentiable]
fn nested_arm(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            let t = if x[i] > 0.5 { x[i] * x[i] } else { x[i].sin() };
            t * 3.0 + x[i]
        } else {
            x[i].exp()
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn nested_arm_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            let t = if x[i] > 0.5 { x[i] * x[i] } else { x[i].sin() };
            t * 3.0 + x[i]
        } else {
            x[i].exp()
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn nested_both_arms(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            let a = if x[i] > 0.5 { x[i] * x[i] } else { x[i].sin() };
            a * 2.0
        } else {
            let b = if x[i] < -0.5 { x[i].exp() } else { x[i] * 3.0 };
            b + x[i]
        };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn nested_both_arms_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            let a = if x[i] > 0.5 { x[i] * x[i] } else { x[i].sin() };
            a * 2.0
        } else {
            let b = if x[i] < -0.5 { x[i].exp() } else { x[i] * 3.0 };
            b + x[i]
        };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn inner_loop_value(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            let v = if x[i] > x[j] {
                x[i] - x[j]
            } else {
                (x[j] - x[i]) * 0.5
            };
            s += v * v * x[j];
        }
    }
    s
}

#[differentiable]
fn inner_loop_value_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        for j in 0..n {
            let v = if x[i] > x[j] {
                x[i] - x[j]
            } else {
                (x[j] - x[i]) * 0.5
            };
            s += v * v * x[j];
        }
    }
    s
}

#[differentiable]
fn outer_value_inner_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for j in 0..n {
            if x[j] > 0.0 {
                s += v * x[j];
            } else {
                s -= v;
            }
        }
    }
    s
}

#[differentiable]
fn outer_value_inner_loop_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for j in 0..n {
            if x[j] > 0.0 {
                s += v * x[j];
            } else {
                s -= v;
            }
        }
    }
    s
}

#[differentiable]
fn outer_and_inner_values(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for j in 0..n {
            let u = if x[j] > v { x[j] * v } else { v - x[j] };
            s += u * u;
        }
        s += v;
    }
    s
}

#[differentiable]
fn outer_and_inner_values_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for j in 0..n {
            let u = if x[j] > v { x[j] * v } else { v - x[j] };
            s += u * u;
        }
        s += v;
    }
    s
}

#[differentiable]
fn value_in_branch_arm_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i % 2 == 0 {
            for j in 0..n {
                let v = if x[j] > 0.0 { x[j] * x[i] } else { x[i] };
                s += v * v;
            }
        } else {
            let v2 = if x[i] > 0.0 { x[i] } else { x[i].exp() };
            s += v2 * x[i];
        }
    }
    s
}

#[differentiable]
fn value_in_branch_arm_loop_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        if i % 2 == 0 {
            for j in 0..n {
                let v = if x[j] > 0.0 { x[j] * x[i] } else { x[i] };
                s += v * v;
            }
        } else {
            let v2 = if x[i] > 0.0 { x[i] } else { x[i].exp() };
            s += v2 * x[i];
        }
    }
    s
}

#[differentiable]
fn chain2(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain2_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain3(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        s += a * b * c + c;
    }
    s
}

#[differentiable]
fn chain3_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        s += a * b * c + c;
    }
    s
}

#[differentiable]
fn chain4(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        let d = if c > 0.1 { c * a } else { c.cos() };
        s += a * b * c + d;
    }
    s
}

#[differentiable]
fn chain4_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        let d = if c > 0.1 { c * a } else { c.cos() };
        s += a * b * c + d;
    }
    s
}

#[differentiable]
fn chain3_nested(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 {
            let c = if x[i] > 1.0 { a * x[i] } else { a.exp() };
            c * a
        } else {
            a * a
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain3_nested_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 {
            let c = if x[i] > 1.0 { a * x[i] } else { a.exp() };
            c * a
        } else {
            a * a
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain4_nested(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 {
            let c = if x[i] > 1.0 { a * x[i] } else { a.exp() };
            c * a
        } else {
            let d = if x[i] < -0.5 { a * 3.0 } else { a.cos() };
            d * a
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain4_nested_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 {
            let c = if x[i] > 1.0 { a * x[i] } else { a.exp() };
            c * a
        } else {
            let d = if x[i] < -0.5 { a * 3.0 } else { a.cos() };
            d * a
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn chain_in_inner_loop4(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        for j in 0..n {
            let c = if x[j] > a { x[j] * b } else { b - x[j] };
            let d = if c > 0.2 { c * c } else { c };
            s += d * a;
        }
    }
    s
}

#[differentiable]
fn chain_in_inner_loop4_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i] * 1.5 } else { x[i].sin() };
        let b = if a > 0.3 { a * a } else { a.exp() };
        for j in 0..n {
            let c = if x[j] > a { x[j] * b } else { b - x[j] };
            let d = if c > 0.2 { c * c } else { c };
            s += d * a;
        }
    }
    s
}

#[differentiable]
fn two_values_one_branch(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a;
        let b;
        if x[i] > 0.0 {
            a = x[i];
            b = x[i] * x[i];
        } else {
            b = 1.0 + x[i];
            a = x[i].sin();
        }
        s += a * b + b.exp();
    }
    s
}

#[differentiable]
fn two_values_one_branch_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a;
        let b;
        if x[i] > 0.0 {
            a = x[i];
            b = x[i] * x[i];
        } else {
            b = 1.0 + x[i];
            a = x[i].sin();
        }
        s += a * b + b.exp();
    }
    s
}

#[differentiable]
fn deferred_arm_code(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v;
        if x[i] > 0.0 {
            let t = x[i] * 2.0;
            v = t * t;
            s += v * 0.5 + t;
            let q = v * x[i];
            s += q;
        } else {
            v = x[i];
            s -= v * v;
        }
        s += v.sin() * x[i];
    }
    s
}

#[differentiable]
fn deferred_arm_code_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v;
        if x[i] > 0.0 {
            let t = x[i] * 2.0;
            v = t * t;
            s += v * 0.5 + t;
            let q = v * x[i];
            s += q;
        } else {
            v = x[i];
            s -= v * v;
        }
        s += v.sin() * x[i];
    }
    s
}

#[differentiable]
fn deferred_arm_only(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v;
        if x[i] > 0.0 {
            v = x[i] * 2.0;
            s += v * v;
        } else {
            v = x[i].exp();
            s += v;
        }
    }
    s
}

#[differentiable]
fn deferred_arm_only_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v;
        if x[i] > 0.0 {
            v = x[i] * 2.0;
            s += v * v;
        } else {
            v = x[i].exp();
            s += v;
        }
    }
    s
}

#[differentiable]
fn deferred_declared_early(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v;
        let p = x[i] * x[i];
        s += p;
        let r = p.sin();
        if r > 0.3 {
            v = r * p;
        } else {
            v = p - r;
        }
        s += v * r;
    }
    s
}

#[differentiable]
fn deferred_declared_early_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v;
        let p = x[i] * x[i];
        s += p;
        let r = p.sin();
        if r > 0.3 {
            v = r * p;
        } else {
            v = p - r;
        }
        s += v * r;
    }
    s
}

#[differentiable]
fn acc_in_cond(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if s > 0.5 { x[i] * 0.5 } else { x[i] * x[i] };
        s += v;
    }
    s
}

#[differentiable]
fn acc_in_cond_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if s > 0.5 { x[i] * 0.5 } else { x[i] * x[i] };
        s += v;
    }
    s
}

#[differentiable]
fn acc_written_in_arm(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            s += x[i] * 3.0;
            x[i] * x[i]
        } else {
            s -= x[i].sin();
            x[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn acc_written_in_arm_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            s += x[i] * 3.0;
            x[i] * x[i]
        } else {
            s -= x[i].sin();
            x[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn acc_read_in_arm(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * s } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn acc_read_in_arm_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * s } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn minus_assign(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s -= v * x[i];
    }
    s
}

#[differentiable]
fn minus_assign_tw(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s -= v * x[i];
    }
    s
}

#[differentiable]
fn term_first(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s = v * 2.0 + s;
    }
    s
}

#[differentiable]
fn term_first_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s = v * 2.0 + s;
    }
    s
}

#[differentiable]
fn term_is_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s += v;
    }
    s
}

#[differentiable]
fn term_is_value_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * x[i] };
        s += v;
    }
    s
}

#[differentiable]
fn if_no_else(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v;
        if x[i] > 0.0 {
            s += x[i];
        }
        v = x[i] * 2.0;
        s += v * v;
    }
    s
}

#[differentiable]
fn if_no_else_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v;
        if x[i] > 0.0 {
            s += x[i];
        }
        v = x[i] * 2.0;
        s += v * v;
    }
    s
}

#[differentiable]
fn match_int(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = match i % 3 {
            0 => x[i] * x[i],
            1 => x[i].sin(),
            _ => x[i],
        };
        if v > 0.0 {
            s += v * x[i];
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn match_int_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = match i % 3 {
            0 => x[i] * x[i],
            1 => x[i].sin(),
            _ => x[i],
        };
        if v > 0.0 {
            s += v * x[i];
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn match_bool(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = match x[i] > 0.0 {
            true => x[i] * x[i],
            false => x[i].exp(),
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn match_bool_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = match x[i] > 0.0 {
            true => x[i] * x[i],
            false => x[i].exp(),
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn if_let(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let nxt = if i + 1 < x.len() {
            Some(x[i + 1])
        } else {
            None
        };
        let v = if let Some(y) = nxt { y * x[i] } else { x[i] };
        if v > 0.0 {
            s += v * v;
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn if_let_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let nxt = if i + 1 < x.len() {
            Some(x[i + 1])
        } else {
            None
        };
        let v = if let Some(y) = nxt { y * x[i] } else { x[i] };
        if v > 0.0 {
            s += v * v;
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn else_if(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.5 {
            x[i] * x[i]
        } else if x[i] > -0.5 {
            x[i].sin()
        } else {
            x[i].exp()
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn else_if_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.5 {
            x[i] * x[i]
        } else if x[i] > -0.5 {
            x[i].sin()
        } else {
            x[i].exp()
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn continue_early(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] < -1.5 {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn continue_early_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        if x[i] < -1.5 {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn break_early(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        if v > 3.0 {
            break;
        }
        s += v * x[i];
    }
    s
}

#[differentiable]
fn break_early_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        if v > 3.0 {
            break;
        }
        s += v * x[i];
    }
    s
}

#[differentiable]
fn prev_elem(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if i > 0 { x[i - 1] * x[i] } else { x[i] };
        let u = if i + 1 < x.len() {
            x[i + 1] - v
        } else {
            x[0] + v
        };
        s += v * v + u * x[i];
    }
    s
}

#[differentiable]
fn prev_elem_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if i > 0 { x[i - 1] * x[i] } else { x[i] };
        let u = if i + 1 < x.len() {
            x[i + 1] - v
        } else {
            x[0] + v
        };
        s += v * v + u * x[i];
    }
    s
}

#[differentiable]
fn const_index(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > w[0] {
            x[i] * w[1]
        } else {
            w[0] * w[0]
        };
        let u = if v > w[2] { v * w[2] } else { w[1] + v };
        s += v * w[2] + u * w[0];
    }
    s
}

#[differentiable]
fn const_index_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > w[0] {
            x[i] * w[1]
        } else {
            w[0] * w[0]
        };
        let u = if v > w[2] { v * w[2] } else { w[1] + v };
        s += v * w[2] + u * w[0];
    }
    s
}

#[differentiable]
fn float_param(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r = x[i] - c;
        let v = if r > 0.0 { r * c } else { c.exp() * r };
        s += v * v + c;
    }
    s
}

#[differentiable]
fn float_param_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let r = x[i] - c;
        let v = if r > 0.0 { r * c } else { c.exp() * r };
        s += v * v + c;
    }
    s
}

#[differentiable]
fn float_param_only_arm(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { c * c } else { c.sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn float_param_only_arm_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { c * c } else { c.sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn no_grad_param(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if d[i] > 0.0 {
            x[i] * d[i]
        } else {
            x[i].exp() + d[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn no_grad_param_tw(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if d[i] > 0.0 {
            x[i] * d[i]
        } else {
            x[i].exp() + d[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn no_grad_only_arm(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { d[i] * 2.0 } else { x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn no_grad_only_arm_tw(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { d[i] * 2.0 } else { x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn local_vec(x: &[f64]) -> f64 {
    let mut buf: Vec<f64> = Vec::new();
    for k in 0..x.len() {
        buf.push(x[k] * 2.0);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { buf[i] * x[i] } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn local_vec_tw(x: &[f64]) -> f64 {
    let mut buf: Vec<f64> = Vec::new();
    for k in 0..x.len() {
        buf.push(x[k] * 2.0);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { buf[i] * x[i] } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn huber_in_arm(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r = x[i] - c;
        let v = if r > 0.0 { huber(r, 0.4) } else { r * r };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn huber_in_arm_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let r = x[i] - c;
        let v = if r > 0.0 { huber(r, 0.4) } else { r * r };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn huber_after(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r = x[i] - c;
        let v = if r > 0.0 { r * 2.0 } else { r.sin() };
        s += huber(v, c) * x[i];
    }
    s
}

#[differentiable]
fn huber_after_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let r = x[i] - c;
        let v = if r > 0.0 { r * 2.0 } else { r.sin() };
        s += huber(v, c) * x[i];
    }
    s
}

#[differentiable]
fn huber_cond(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = huber(x[i], c);
        let v = if h > 0.2 { h * x[i] } else { huber(h, 0.1) };
        s += v;
    }
    s
}

#[differentiable]
fn huber_cond_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let h = huber(x[i], c);
        let v = if h > 0.2 { h * x[i] } else { huber(h, 0.1) };
        s += v;
    }
    s
}

#[differentiable]
fn printing(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        println!("trip {i}: {v}");
        s += v * x[i];
    }
    s
}

#[differentiable]
fn printing_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        println!("trip {i}: {v}");
        s += v * x[i];
    }
    s
}

#[differentiable]
fn shadowed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = x[i] * 2.0;
        let v = if v > 0.0 { v * v } else { v };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn shadowed_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = x[i] * 2.0;
        let v = if v > 0.0 { v * v } else { v };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn shadow_outer(x: &[f64]) -> f64 {
    let v = 2.0;
    let mut s = v;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn shadow_outer_tw(x: &[f64]) -> f64 {
    let v = 2.0;
    let mut s = v;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn same_name_in_arms(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            let t = x[i] * 2.0;
            t * t
        } else {
            let t = x[i].sin();
            t + x[i]
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn same_name_in_arms_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            let t = x[i] * 2.0;
            t * t
        } else {
            let t = x[i].sin();
            t + x[i]
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_after_value(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += v * w[k] * x[k];
        }
        s += y * y + v;
    }
    s
}

#[differentiable]
fn trip_sum_after_value_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += v * w[k] * x[k];
        }
        s += y * y + v;
    }
    s
}

#[differentiable]
fn trip_sum_before_value(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[(i + k) % x.len()];
        }
        let v = if y > 0.0 {
            y + (-y).exp().ln_1p()
        } else {
            y.exp().ln_1p()
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_before_value_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[(i + k) % x.len()];
        }
        let v = if y > 0.0 {
            y + (-y).exp().ln_1p()
        } else {
            y.exp().ln_1p()
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_decl_before_loop_after(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for k in 0..w.len() {
            y += v * w[k];
        }
        s += y * v;
    }
    s
}

#[differentiable]
fn trip_sum_decl_before_loop_after_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        for k in 0..w.len() {
            y += v * w[k];
        }
        s += y * v;
    }
    s
}

#[differentiable]
fn trip_sum_in_arm(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * x[i];
            }
            y * y
        } else {
            x[i]
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_in_arm_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * x[i];
            }
            y * y
        } else {
            x[i]
        };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_cond_reads_value(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            if v > w[k] {
                y += v * w[k];
            } else {
                y += w[k] * w[k];
            }
        }
        s += y * x[i];
    }
    s
}

#[differentiable]
fn trip_sum_cond_reads_value_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { x[i].exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            if v > w[k] {
                y += v * w[k];
            } else {
                y += w[k] * w[k];
            }
        }
        s += y * x[i];
    }
    s
}

#[differentiable]
fn value_in_trip_sum_loop(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            let t = if w[k] > 0.0 { w[k] * x[i] } else { x[i] };
            y += t * t;
        }
        s += y;
    }
    s
}

#[differentiable]
fn value_in_trip_sum_loop_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        for k in 0..w.len() {
            let t = if w[k] > 0.0 { w[k] * x[i] } else { x[i] };
            y += t * t;
        }
        s += y;
    }
    s
}

#[differentiable]
fn between_two_sums(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[i];
        }
        let v = if y > 0.0 { y * y } else { y.sin() };
        let mut z = 0.0;
        for k in 0..w.len() {
            z += v * w[k];
        }
        let u = if z > v { z - v } else { z * v };
        s += u + z * y;
    }
    s
}

#[differentiable]
fn between_two_sums_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[i];
        }
        let v = if y > 0.0 { y * y } else { y.sin() };
        let mut z = 0.0;
        for k in 0..w.len() {
            z += v * w[k];
        }
        let u = if z > v { z - v } else { z * v };
        s += u + z * y;
    }
    s
}

#[differentiable]
fn sum_cond_on_sum(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[k];
        }
        let v = if y > x[i] { y * x[i] } else { y };
        s += v * v;
    }
    s
}

#[differentiable]
fn sum_cond_on_sum_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[k];
        }
        let v = if y > x[i] { y * x[i] } else { y };
        s += v * v;
    }
    s
}

#[differentiable]
fn scope_block(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        {
            let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
            s += v * x[i];
        }
        s += x[i];
    }
    s
}

#[differentiable]
fn scope_block_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        {
            let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
            s += v * x[i];
        }
        s += x[i];
    }
    s
}

#[differentiable]
fn sign_inactive(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let g = if x[i] > 0.0 { 1.0 } else { -1.0 };
        s += g * x[i] * x[i];
    }
    s
}

#[differentiable]
fn sign_inactive_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let g = if x[i] > 0.0 { 1.0 } else { -1.0 };
        s += g * x[i] * x[i];
    }
    s
}

#[differentiable]
fn relu(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] } else { 0.0 };
        let u = if v > 0.3 { 1.0 } else { v * v };
        s += v * v + u;
    }
    s
}

#[differentiable]
fn relu_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] } else { 0.0 };
        let u = if v > 0.3 { 1.0 } else { v * v };
        s += v * v + u;
    }
    s
}

#[differentiable]
fn from_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        let b = if a > 0.5 { a } else { -a };
        s += b * x[i] + a;
    }
    s
}

#[differentiable]
fn from_value_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        let b = if a > 0.5 { a } else { -a };
        s += b * x[i] + a;
    }
    s
}

#[differentiable]
fn expr_if(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = (if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() }) * 2.0;
        let u = (if v > 0.4 { v } else { x[i] }).exp();
        s += v * u;
    }
    s
}

#[differentiable]
fn expr_if_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = (if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() }) * 2.0;
        let u = (if v > 0.4 { v } else { x[i] }).exp();
        s += v * u;
    }
    s
}

#[differentiable]
fn term_if(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() } * x[i];
    }
    s
}

#[differentiable]
fn term_if_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        s += if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() } * x[i];
    }
    s
}

#[differentiable]
fn typed_let(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v: f64 = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn typed_let_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v: f64 = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn parity(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if i % 2 == 0 {
            x[i] * x[i]
        } else {
            x[i].sin() * 2.0
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn parity_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if i % 2 == 0 {
            x[i] * x[i]
        } else {
            x[i].sin() * 2.0
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn loop_bound_chosen(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let m = if x[i] > 0.0 { n } else { n / 2 };
        let v = if m > 2 { x[i] * 3.0 } else { x[i] };
        for j in 0..m {
            s += v * x[j];
        }
    }
    s
}

#[differentiable]
fn loop_bound_chosen_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let m = if x[i] > 0.0 { n } else { n / 2 };
        let v = if m > 2 { x[i] * 3.0 } else { x[i] };
        for j in 0..m {
            s += v * x[j];
        }
    }
    s
}

#[differentiable]
fn value_after_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut last = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i] };
        last = v * 1.0;
        s += v * x[i];
    }
    s + last * last
}

#[differentiable]
fn value_after_loop_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut last = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i] };
        last = v * 1.0;
        s += v * x[i];
    }
    s + last * last
}

#[differentiable]
fn tuple_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let (a, b) = if x[i] > 0.0 {
            (x[i], x[i] * x[i])
        } else {
            (x[i].sin(), 1.0)
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn tuple_value_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let (a, b) = if x[i] > 0.0 {
            (x[i], x[i] * x[i])
        } else {
            (x[i].sin(), 1.0)
        };
        s += a * b;
    }
    s
}

#[differentiable]
fn rest_has_branch_and_sum(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        if v > 0.2 {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * v;
            }
            s += y * y;
        } else {
            s += v * w[i];
        }
    }
    s
}

#[differentiable]
fn rest_has_branch_and_sum_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        if v > 0.2 {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * v;
            }
            s += y * y;
        } else {
            s += v * w[i];
        }
    }
    s
}

#[differentiable]
fn value_in_rest_branch_arm(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * w[i] } else { x[i].sin() };
        if w[i] > 0.0 {
            let u = if v > 0.1 { v * v } else { v * x[i] };
            s += u * w[i];
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn value_in_rest_branch_arm_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * w[i] } else { x[i].sin() };
        if w[i] > 0.0 {
            let u = if v > 0.1 { v * v } else { v * x[i] };
            s += u * w[i];
        } else {
            s += v;
        }
    }
    s
}

#[differentiable]
fn nonfinite_value_unused_arm(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].ln() } else { x[i] * x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn nonfinite_value_unused_arm_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].ln() } else { x[i] * x[i] };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn roots_prod(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] >= 0.0 {
            w[i] * x[i].sqrt()
        } else {
            x[i]
        };
        s += v * v + v;
    }
    s
}

#[differentiable]
fn roots_prod_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] >= 0.0 {
            w[i] * x[i].sqrt()
        } else {
            x[i]
        };
        s += v * v + v;
    }
    s
}

#[differentiable]
fn roots_after(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if w[i] > 0.0 { x[i] } else { x[i] * 0.0 };
        s += w[i] * v.sqrt();
    }
    s
}

#[differentiable]
fn roots_after_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if w[i] > 0.0 { x[i] } else { x[i] * 0.0 };
        s += w[i] * v.sqrt();
    }
    s
}

#[differentiable]
fn exp_overflow(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        s += w[i] * v;
    }
    s
}

#[differentiable]
fn exp_overflow_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        s += w[i] * v;
    }
    s
}

#[differentiable]
fn exp_overflow_chain(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        let u = if w[i] == 0.0 { w[i] * v } else { w[i] + v };
        s += u;
    }
    s
}

#[differentiable]
fn exp_overflow_chain_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i].exp() } else { x[i] };
        let u = if w[i] == 0.0 { w[i] * v } else { w[i] + v };
        s += u;
    }
    s
}

#[differentiable]
fn nan_input(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * w[i] } else { w[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn nan_input_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * w[i] } else { w[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn inf_in_unused_branch(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if w[i] != 0.0 { x[i] / w[i] } else { x[i] };
        s += v * w[i] + x[i];
    }
    s
}

#[differentiable]
fn inf_in_unused_branch_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if w[i] != 0.0 { x[i] / w[i] } else { x[i] };
        s += v * w[i] + x[i];
    }
    s
}

#[differentiable]
fn empty_and_one(x: &[f64]) -> f64 {
    let mut s = 0.5;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn empty_and_one_tw(x: &[f64]) -> f64 {
    let mut s = 0.5;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn empty_range(x: &[f64]) -> f64 {
    let mut s = 0.5;
    for i in 1..x.len().min(1) {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s + x[0]
}

#[differentiable]
fn empty_range_tw(x: &[f64]) -> f64 {
    let mut s = 0.5;
    for i in 1..x.len().min(1) {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s + x[0]
}

#[differentiable]
fn sub_range(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() - 1 {
        let v = if x[i] > x[i - 1] {
            x[i] - x[i - 1]
        } else {
            x[i + 1] * x[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn sub_range_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..x.len() - 1 {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > x[i - 1] {
            x[i] - x[i - 1]
        } else {
            x[i + 1] * x[i]
        };
        s += v * v;
    }
    s
}

#[differentiable]
fn step_range(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in (0..x.len()).step_by(2) {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn step_range_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in (0..x.len()).step_by(2) {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn rev_range(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in (0..x.len()).rev() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn rev_range_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in (0..x.len()).rev() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn iter_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let v = if *xi > 0.0 { xi * xi } else { xi.sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn iter_loop_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        if i == usize::MAX {
            continue;
        }
        let v = if *xi > 0.0 { xi * xi } else { xi.sin() };
        s += v * x[i];
    }
    s
}

#[differentiable]
fn value_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0usize;
    for &xi in x {
        let v = if xi > 0.0 { xi * xi } else { xi.sin() };
        s += v * xi;
        i += 1;
    }
    s + (i as f64) * 0.0
}

#[differentiable]
fn value_loop_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0usize;
    for &xi in x {
        if i == usize::MAX {
            continue;
        }
        let v = if xi > 0.0 { xi * xi } else { xi.sin() };
        s += v * xi;
        i += 1;
    }
    s + (i as f64) * 0.0
}

#[differentiable]
fn after_loop_code(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    let w = if s > 0.0 { s * s } else { s };
    w * 2.0 + s
}

#[differentiable]
fn after_loop_code_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    let w = if s > 0.0 { s * s } else { s };
    w * 2.0 + s
}

#[differentiable]
fn two_loops(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    let mut t = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > s { x[i] * s } else { s.sin() };
        t += v * x[i];
    }
    t * s
}

#[differentiable]
fn two_loops_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    let mut t = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > s { x[i] * s } else { s.sin() };
        t += v * x[i];
    }
    t * s
}

#[differentiable]
fn acc_readback(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s * s
}

#[differentiable]
fn acc_readback_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        s += v * x[i];
    }
    s * s
}

#[differentiable]
fn deep_assign_mix(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a;
        let b;
        if x[i] > 0.0 {
            a = x[i] * 2.0;
            let c = if a > 1.0 { a * a } else { a };
            b = c * x[i];
        } else {
            a = x[i].sin();
            b = a * a;
        }
        s += a * b;
    }
    s
}

#[differentiable]
fn deep_assign_mix_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a;
        let b;
        if x[i] > 0.0 {
            a = x[i] * 2.0;
            let c = if a > 1.0 { a * a } else { a };
            b = c * x[i];
        } else {
            a = x[i].sin();
            b = a * a;
        }
        s += a * b;
    }
    s
}

#[differentiable]
fn three_and_inactive(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let j = if x[i] > 0.0 { (i + 1) % n } else { i };
        let a = if x[j] > 0.0 { x[j] * 1.5 } else { x[i].sin() };
        let k = if a > 0.5 { j } else { (j + 1) % n };
        let b = if x[k] > 0.3 { a * x[k] } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        s += a * b * c + c;
    }
    s
}

#[differentiable]
fn three_and_inactive_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let j = if x[i] > 0.0 { (i + 1) % n } else { i };
        let a = if x[j] > 0.0 { x[j] * 1.5 } else { x[i].sin() };
        let k = if a > 0.5 { j } else { (j + 1) % n };
        let b = if x[k] > 0.3 { a * x[k] } else { a.exp() };
        let c = if b > 0.6 { b.sqrt() * x[i] } else { b - a };
        s += a * b * c + c;
    }
    s
}

#[differentiable]
fn direct_copies(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] } else { w[0] };
        let u = if v > w[1] { w[1] } else { v };
        let t = if u > 0.0 { u } else { x[i] };
        s += v * u * t + t;
    }
    s
}

#[differentiable]
fn direct_copies_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] } else { w[0] };
        let u = if v > w[1] { w[1] } else { v };
        let t = if u > 0.0 { u } else { x[i] };
        s += v * u * t + t;
    }
    s
}

#[differentiable]
fn float_param_copy(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > c { c } else { x[i] };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn float_param_copy_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > c { c } else { x[i] };
        s += v * v * x[i];
    }
    s
}

#[differentiable]
fn recip_and_y_rules(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            1.0 / (x[i] + 1.0)
        } else {
            x[i].exp()
        };
        let u = if v > 0.5 { v.sqrt() } else { 1.0 / v };
        s += u * v + v.exp();
    }
    s
}

#[differentiable]
fn recip_and_y_rules_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            1.0 / (x[i] + 1.0)
        } else {
            x[i].exp()
        };
        let u = if v > 0.5 { v.sqrt() } else { 1.0 / v };
        s += u * v + v.exp();
    }
    s
}

#[differentiable]
fn two_arg_methods(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > w[i] {
            x[i].max(w[i] * 2.0)
        } else {
            x[i].atan2(w[i])
        };
        let u = if v > 0.0 { v.hypot(x[i]) } else { v.min(w[i]) };
        s += u * v;
    }
    s
}

#[differentiable]
fn two_arg_methods_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > w[i] {
            x[i].max(w[i] * 2.0)
        } else {
            x[i].atan2(w[i])
        };
        let u = if v > 0.0 { v.hypot(x[i]) } else { v.min(w[i]) };
        s += u * v;
    }
    s
}

#[differentiable]
fn call_in_cond(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = huber(x[i], c);
        let v = if h > 0.1 { x[i] * h } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn call_in_cond_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let h = huber(x[i], c);
        let v = if h > 0.1 { x[i] * h } else { x[i] };
        s += v * v;
    }
    s
}

#[differentiable]
fn typed_deferred(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v: f64;
        if x[i] > 0.0 {
            v = x[i] * 3.0;
        } else {
            v = x[i].cos();
        }
        let c = v;
        s += c * x[i] + v;
    }
    s
}

#[differentiable]
fn typed_deferred_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v: f64;
        if x[i] > 0.0 {
            v = x[i] * 3.0;
        } else {
            v = x[i].cos();
        }
        let c = v;
        s += c * x[i] + v;
    }
    s
}

#[differentiable]
fn cast_index(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { -x[i] };
        let j = (v * 3.0) as usize % n;
        s += v * x[j];
    }
    s
}

#[differentiable]
fn cast_index_tw(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * 2.0 } else { -x[i] };
        let j = (v * 3.0) as usize % n;
        s += v * x[j];
    }
    s
}

#[differentiable]
fn assert_after(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        assert!(v >= 0.0);
        debug_assert!(v.is_finite());
        s += v * x[i];
    }
    s
}

#[differentiable]
fn assert_after_tw(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].exp() };
        assert!(v >= 0.0);
        debug_assert!(v.is_finite());
        s += v * x[i];
    }
    s
}

#[differentiable]
fn neg_and_sub(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { -x[i] } else { w[i] - x[i] };
        let u = if v < -0.3 { -v } else { v - w[i] };
        s -= u * v;
        s += -u;
    }
    s
}

#[differentiable]
fn neg_and_sub_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { -x[i] } else { w[i] - x[i] };
        let u = if v < -0.3 { -v } else { v - w[i] };
        s -= u * v;
        s += -u;
    }
    s
}

#[differentiable]
fn value_mul_float_param(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] } else { x[i] * 0.5 };
        s += v * c;
    }
    s
}

#[differentiable]
fn value_mul_float_param_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] } else { x[i] * 0.5 };
        s += v * c;
    }
    s
}

#[differentiable]
fn arm_many_lets(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 {
            let a1 = x[i] * w[i];
            let a2 = a1.exp();
            let a3 = a2 * a1 + w[i];
            let a4 = a3 / (1.0 + a2);
            a4 * a4
        } else {
            let b1 = x[i] - w[i];
            let b2 = b1.sin();
            b2 * b1
        };
        let r1 = v * x[i];
        let r2 = r1.tanh();
        let r3 = r2 * v + w[i];
        s += r3 * r1;
    }
    s
}

#[differentiable]
fn arm_many_lets_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 {
            let a1 = x[i] * w[i];
            let a2 = a1.exp();
            let a3 = a2 * a1 + w[i];
            let a4 = a3 / (1.0 + a2);
            a4 * a4
        } else {
            let b1 = x[i] - w[i];
            let b2 = b1.sin();
            b2 * b1
        };
        let r1 = v * x[i];
        let r2 = r1.tanh();
        let r3 = r2 * v + w[i];
        s += r3 * r1;
    }
    s
}

#[differentiable]
fn ieee_acc_cond(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if s > 0.5 {
            w[i] * x[i].sqrt()
        } else {
            x[i] * w[i] + x[i].sqrt() * w[i]
        };
        s += v + w[i];
    }
    s
}

#[differentiable]
fn ieee_acc_cond_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if s > 0.5 {
            w[i] * x[i].sqrt()
        } else {
            x[i] * w[i] + x[i].sqrt() * w[i]
        };
        s += v + w[i];
    }
    s
}

#[differentiable]
fn ieee_acc_arm(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] >= 0.0 {
            s += w[i] * x[i].sqrt();
            w[i] * x[i]
        } else {
            s -= x[i];
            x[i] * x[i]
        };
        let u = if s > 1.0 { v * 2.0 } else { v };
        s += u * w[i];
    }
    s
}

#[differentiable]
fn ieee_acc_arm_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] >= 0.0 {
            s += w[i] * x[i].sqrt();
            w[i] * x[i]
        } else {
            s -= x[i];
            x[i] * x[i]
        };
        let u = if s > 1.0 { v * 2.0 } else { v };
        s += u * w[i];
    }
    s
}

#[differentiable]
fn ieee_in_sum(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] >= 0.0 { x[i].sqrt() } else { x[i] };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * v;
        }
        let u = if y > 0.0 { y * w[i] } else { -y };
        s += u;
    }
    s
}

#[differentiable]
fn ieee_in_sum_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] >= 0.0 { x[i].sqrt() } else { x[i] };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * v;
        }
        let u = if y > 0.0 { y * w[i] } else { -y };
        s += u;
    }
    s
}

#[differentiable]
fn ieee_nested(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if w[i] > 0.5 {
            let q = if x[i] > 1.0 {
                x[i].ln()
            } else {
                w[i] * x[i].sqrt()
            };
            q * q
        } else {
            w[i] * (x[i] + 1.0).ln()
        };
        s += v;
    }
    s
}

#[differentiable]
fn ieee_nested_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if w[i] > 0.5 {
            let q = if x[i] > 1.0 {
                x[i].ln()
            } else {
                w[i] * x[i].sqrt()
            };
            q * q
        } else {
            w[i] * (x[i] + 1.0).ln()
        };
        s += v;
    }
    s
}

#[differentiable]
fn mixed_index_value(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let j;
        let v;
        if x[i] > 0.0 {
            j = (i + 1) % n;
            v = x[i] * w[0];
        } else {
            j = 0;
            v = w[1];
        }
        let u = if x[j] > v { x[j] * v } else { v.exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += u * w[k];
        }
        s += y * x[j] + v;
    }
    s
}

#[differentiable]
fn mixed_index_value_tw(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let j;
        let v;
        if x[i] > 0.0 {
            j = (i + 1) % n;
            v = x[i] * w[0];
        } else {
            j = 0;
            v = w[1];
        }
        let u = if x[j] > v { x[j] * v } else { v.exp() };
        let mut y = 0.0;
        for k in 0..w.len() {
            y += u * w[k];
        }
        s += y * x[j] + v;
    }
    s
}

#[differentiable]
fn no_grad_values(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a;
        let b;
        if d[i] > 0.0 {
            a = d[i] * 2.0;
            b = x[i] * a;
        } else {
            a = d[i];
            b = x[i].sin();
        }
        s += a * b * b;
    }
    s
}

#[differentiable]
fn no_grad_values_tw(x: &[f64], #[no_grad] d: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let a;
        let b;
        if d[i] > 0.0 {
            a = d[i] * 2.0;
            b = x[i] * a;
        } else {
            a = d[i];
            b = x[i].sin();
        }
        s += a * b * b;
    }
    s
}

#[differentiable]
fn inner_trip_sum_then_value(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * x[(j + k) % n];
            }
            let v = if y > x[i] { y * x[i] } else { y.sin() };
            s += v * x[j];
        }
    }
    s
}

#[differentiable]
fn inner_trip_sum_then_value_tw(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        for j in 0..n {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * x[(j + k) % n];
            }
            let v = if y > x[i] { y * x[i] } else { y.sin() };
            s += v * x[j];
        }
    }
    s
}

#[differentiable]
fn loop_in_arm(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v;
        if x[i] > 0.0 {
            for j in 0..n {
                s += x[j] * x[i] * w[0];
            }
            v = x[i] * w[1];
        } else {
            v = x[i].exp();
        }
        s += v * v;
    }
    s
}

#[differentiable]
fn loop_in_arm_tw(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v;
        if x[i] > 0.0 {
            for j in 0..n {
                s += x[j] * x[i] * w[0];
            }
            v = x[i] * w[1];
        } else {
            v = x[i].exp();
        }
        s += v * v;
    }
    s
}

#[differentiable]
fn outer_value_inner_chooser_sum(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        let v = if x[i] > 0.0 { x[i] * w[0] } else { x[i].cos() };
        for j in 0..n {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * v * x[j];
            }
            let u = if y > v { y - v } else { v * y };
            s += u * x[j];
        }
    }
    s
}

#[differentiable]
fn outer_value_inner_chooser_sum_tw(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * w[0] } else { x[i].cos() };
        for j in 0..n {
            let mut y = 0.0;
            for k in 0..w.len() {
                y += w[k] * v * x[j];
            }
            let u = if y > v { y - v } else { v * y };
            s += u * x[j];
        }
    }
    s
}

#[test]
fn t_prod() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "prod",
            true,
            |p| prod(p),
            prod_grad(&x),
            prod_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "prod",
            true,
            |p| prod(p),
            prod_grad(&x),
            prod_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "prod",
            true,
            |p| prod(p),
            prod_grad(&x),
            prod_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "prod",
            true,
            |p| prod(p),
            prod_grad(&x),
            prod_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_exp_rule() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "exp_rule",
            true,
            |p| exp_rule(p),
            exp_rule_grad(&x),
            exp_rule_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "exp_rule",
            true,
            |p| exp_rule(p),
            exp_rule_grad(&x),
            exp_rule_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "exp_rule",
            true,
            |p| exp_rule(p),
            exp_rule_grad(&x),
            exp_rule_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "exp_rule",
            true,
            |p| exp_rule(p),
            exp_rule_grad(&x),
            exp_rule_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_sqrt_div() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "sqrt_div",
            true,
            |p| sqrt_div(p),
            sqrt_div_grad(&x),
            sqrt_div_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "sqrt_div",
            true,
            |p| sqrt_div(p),
            sqrt_div_grad(&x),
            sqrt_div_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "sqrt_div",
            true,
            |p| sqrt_div(p),
            sqrt_div_grad(&x),
            sqrt_div_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "sqrt_div",
            true,
            |p| sqrt_div(p),
            sqrt_div_grad(&x),
            sqrt_div_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_methods() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = methods_grad(&x, &w);
        let (vt, (at, bt)) = methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = methods_grad(&x, &w);
        let (vt, (at, bt)) = methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = methods_grad(&x, &w);
        let (vt, (at, bt)) = methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_cond_later() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "cond_later",
            true,
            |p| cond_later(p),
            cond_later_grad(&x),
            cond_later_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "cond_later",
            true,
            |p| cond_later(p),
            cond_later_grad(&x),
            cond_later_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "cond_later",
            true,
            |p| cond_later(p),
            cond_later_grad(&x),
            cond_later_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "cond_later",
            true,
            |p| cond_later(p),
            cond_later_grad(&x),
            cond_later_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_cond_later_chooses() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "cond_later_chooses",
            true,
            |p| cond_later_chooses(p),
            cond_later_chooses_grad(&x),
            cond_later_chooses_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "cond_later_chooses",
            true,
            |p| cond_later_chooses(p),
            cond_later_chooses_grad(&x),
            cond_later_chooses_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "cond_later_chooses",
            true,
            |p| cond_later_chooses(p),
            cond_later_chooses_grad(&x),
            cond_later_chooses_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "cond_later_chooses",
            true,
            |p| cond_later_chooses(p),
            cond_later_chooses_grad(&x),
            cond_later_chooses_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_index_chosen() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "index_chosen",
            true,
            |p| index_chosen(p),
            index_chosen_grad(&x),
            index_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "index_chosen",
            true,
            |p| index_chosen(p),
            index_chosen_grad(&x),
            index_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "index_chosen",
            true,
            |p| index_chosen(p),
            index_chosen_grad(&x),
            index_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "index_chosen",
            true,
            |p| index_chosen(p),
            index_chosen_grad(&x),
            index_chosen_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_index_chosen_only() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "index_chosen_only",
            true,
            |p| index_chosen_only(p),
            index_chosen_only_grad(&x),
            index_chosen_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "index_chosen_only",
            true,
            |p| index_chosen_only(p),
            index_chosen_only_grad(&x),
            index_chosen_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "index_chosen_only",
            true,
            |p| index_chosen_only(p),
            index_chosen_only_grad(&x),
            index_chosen_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "index_chosen_only",
            true,
            |p| index_chosen_only(p),
            index_chosen_only_grad(&x),
            index_chosen_only_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_nested_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "nested_arm",
            true,
            |p| nested_arm(p),
            nested_arm_grad(&x),
            nested_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "nested_arm",
            true,
            |p| nested_arm(p),
            nested_arm_grad(&x),
            nested_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "nested_arm",
            true,
            |p| nested_arm(p),
            nested_arm_grad(&x),
            nested_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "nested_arm",
            true,
            |p| nested_arm(p),
            nested_arm_grad(&x),
            nested_arm_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_nested_both_arms() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "nested_both_arms",
            true,
            |p| nested_both_arms(p),
            nested_both_arms_grad(&x),
            nested_both_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "nested_both_arms",
            true,
            |p| nested_both_arms(p),
            nested_both_arms_grad(&x),
            nested_both_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "nested_both_arms",
            true,
            |p| nested_both_arms(p),
            nested_both_arms_grad(&x),
            nested_both_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "nested_both_arms",
            true,
            |p| nested_both_arms(p),
            nested_both_arms_grad(&x),
            nested_both_arms_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_inner_loop_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "inner_loop_value",
            true,
            |p| inner_loop_value(p),
            inner_loop_value_grad(&x),
            inner_loop_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "inner_loop_value",
            true,
            |p| inner_loop_value(p),
            inner_loop_value_grad(&x),
            inner_loop_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "inner_loop_value",
            true,
            |p| inner_loop_value(p),
            inner_loop_value_grad(&x),
            inner_loop_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "inner_loop_value",
            true,
            |p| inner_loop_value(p),
            inner_loop_value_grad(&x),
            inner_loop_value_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_outer_value_inner_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "outer_value_inner_loop",
            true,
            |p| outer_value_inner_loop(p),
            outer_value_inner_loop_grad(&x),
            outer_value_inner_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "outer_value_inner_loop",
            true,
            |p| outer_value_inner_loop(p),
            outer_value_inner_loop_grad(&x),
            outer_value_inner_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "outer_value_inner_loop",
            true,
            |p| outer_value_inner_loop(p),
            outer_value_inner_loop_grad(&x),
            outer_value_inner_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "outer_value_inner_loop",
            true,
            |p| outer_value_inner_loop(p),
            outer_value_inner_loop_grad(&x),
            outer_value_inner_loop_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_outer_and_inner_values() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "outer_and_inner_values",
            true,
            |p| outer_and_inner_values(p),
            outer_and_inner_values_grad(&x),
            outer_and_inner_values_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "outer_and_inner_values",
            true,
            |p| outer_and_inner_values(p),
            outer_and_inner_values_grad(&x),
            outer_and_inner_values_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "outer_and_inner_values",
            true,
            |p| outer_and_inner_values(p),
            outer_and_inner_values_grad(&x),
            outer_and_inner_values_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "outer_and_inner_values",
            true,
            |p| outer_and_inner_values(p),
            outer_and_inner_values_grad(&x),
            outer_and_inner_values_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_value_in_branch_arm_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "value_in_branch_arm_loop",
            true,
            |p| value_in_branch_arm_loop(p),
            value_in_branch_arm_loop_grad(&x),
            value_in_branch_arm_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "value_in_branch_arm_loop",
            true,
            |p| value_in_branch_arm_loop(p),
            value_in_branch_arm_loop_grad(&x),
            value_in_branch_arm_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "value_in_branch_arm_loop",
            true,
            |p| value_in_branch_arm_loop(p),
            value_in_branch_arm_loop_grad(&x),
            value_in_branch_arm_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "value_in_branch_arm_loop",
            true,
            |p| value_in_branch_arm_loop(p),
            value_in_branch_arm_loop_grad(&x),
            value_in_branch_arm_loop_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain2() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain2",
            true,
            |p| chain2(p),
            chain2_grad(&x),
            chain2_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain2",
            true,
            |p| chain2(p),
            chain2_grad(&x),
            chain2_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain2",
            true,
            |p| chain2(p),
            chain2_grad(&x),
            chain2_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain2",
            true,
            |p| chain2(p),
            chain2_grad(&x),
            chain2_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain3() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain3",
            true,
            |p| chain3(p),
            chain3_grad(&x),
            chain3_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain3",
            true,
            |p| chain3(p),
            chain3_grad(&x),
            chain3_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain3",
            true,
            |p| chain3(p),
            chain3_grad(&x),
            chain3_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain3",
            true,
            |p| chain3(p),
            chain3_grad(&x),
            chain3_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain4() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain4",
            true,
            |p| chain4(p),
            chain4_grad(&x),
            chain4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain4",
            true,
            |p| chain4(p),
            chain4_grad(&x),
            chain4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain4",
            true,
            |p| chain4(p),
            chain4_grad(&x),
            chain4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain4",
            true,
            |p| chain4(p),
            chain4_grad(&x),
            chain4_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain3_nested() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain3_nested",
            true,
            |p| chain3_nested(p),
            chain3_nested_grad(&x),
            chain3_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain3_nested",
            true,
            |p| chain3_nested(p),
            chain3_nested_grad(&x),
            chain3_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain3_nested",
            true,
            |p| chain3_nested(p),
            chain3_nested_grad(&x),
            chain3_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain3_nested",
            true,
            |p| chain3_nested(p),
            chain3_nested_grad(&x),
            chain3_nested_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain4_nested() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain4_nested",
            true,
            |p| chain4_nested(p),
            chain4_nested_grad(&x),
            chain4_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain4_nested",
            true,
            |p| chain4_nested(p),
            chain4_nested_grad(&x),
            chain4_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain4_nested",
            true,
            |p| chain4_nested(p),
            chain4_nested_grad(&x),
            chain4_nested_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain4_nested",
            true,
            |p| chain4_nested(p),
            chain4_nested_grad(&x),
            chain4_nested_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_chain_in_inner_loop4() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "chain_in_inner_loop4",
            true,
            |p| chain_in_inner_loop4(p),
            chain_in_inner_loop4_grad(&x),
            chain_in_inner_loop4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "chain_in_inner_loop4",
            true,
            |p| chain_in_inner_loop4(p),
            chain_in_inner_loop4_grad(&x),
            chain_in_inner_loop4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "chain_in_inner_loop4",
            true,
            |p| chain_in_inner_loop4(p),
            chain_in_inner_loop4_grad(&x),
            chain_in_inner_loop4_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "chain_in_inner_loop4",
            true,
            |p| chain_in_inner_loop4(p),
            chain_in_inner_loop4_grad(&x),
            chain_in_inner_loop4_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_two_values_one_branch() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "two_values_one_branch",
            true,
            |p| two_values_one_branch(p),
            two_values_one_branch_grad(&x),
            two_values_one_branch_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "two_values_one_branch",
            true,
            |p| two_values_one_branch(p),
            two_values_one_branch_grad(&x),
            two_values_one_branch_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "two_values_one_branch",
            true,
            |p| two_values_one_branch(p),
            two_values_one_branch_grad(&x),
            two_values_one_branch_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "two_values_one_branch",
            true,
            |p| two_values_one_branch(p),
            two_values_one_branch_grad(&x),
            two_values_one_branch_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_deferred_arm_code() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "deferred_arm_code",
            true,
            |p| deferred_arm_code(p),
            deferred_arm_code_grad(&x),
            deferred_arm_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "deferred_arm_code",
            true,
            |p| deferred_arm_code(p),
            deferred_arm_code_grad(&x),
            deferred_arm_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "deferred_arm_code",
            true,
            |p| deferred_arm_code(p),
            deferred_arm_code_grad(&x),
            deferred_arm_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "deferred_arm_code",
            true,
            |p| deferred_arm_code(p),
            deferred_arm_code_grad(&x),
            deferred_arm_code_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_deferred_arm_only() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "deferred_arm_only",
            true,
            |p| deferred_arm_only(p),
            deferred_arm_only_grad(&x),
            deferred_arm_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "deferred_arm_only",
            true,
            |p| deferred_arm_only(p),
            deferred_arm_only_grad(&x),
            deferred_arm_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "deferred_arm_only",
            true,
            |p| deferred_arm_only(p),
            deferred_arm_only_grad(&x),
            deferred_arm_only_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "deferred_arm_only",
            true,
            |p| deferred_arm_only(p),
            deferred_arm_only_grad(&x),
            deferred_arm_only_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_deferred_declared_early() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "deferred_declared_early",
            true,
            |p| deferred_declared_early(p),
            deferred_declared_early_grad(&x),
            deferred_declared_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "deferred_declared_early",
            true,
            |p| deferred_declared_early(p),
            deferred_declared_early_grad(&x),
            deferred_declared_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "deferred_declared_early",
            true,
            |p| deferred_declared_early(p),
            deferred_declared_early_grad(&x),
            deferred_declared_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "deferred_declared_early",
            true,
            |p| deferred_declared_early(p),
            deferred_declared_early_grad(&x),
            deferred_declared_early_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_acc_in_cond() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "acc_in_cond",
            true,
            |p| acc_in_cond(p),
            acc_in_cond_grad(&x),
            acc_in_cond_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "acc_in_cond",
            true,
            |p| acc_in_cond(p),
            acc_in_cond_grad(&x),
            acc_in_cond_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "acc_in_cond",
            true,
            |p| acc_in_cond(p),
            acc_in_cond_grad(&x),
            acc_in_cond_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "acc_in_cond",
            true,
            |p| acc_in_cond(p),
            acc_in_cond_grad(&x),
            acc_in_cond_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_acc_written_in_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "acc_written_in_arm",
            true,
            |p| acc_written_in_arm(p),
            acc_written_in_arm_grad(&x),
            acc_written_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "acc_written_in_arm",
            true,
            |p| acc_written_in_arm(p),
            acc_written_in_arm_grad(&x),
            acc_written_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "acc_written_in_arm",
            true,
            |p| acc_written_in_arm(p),
            acc_written_in_arm_grad(&x),
            acc_written_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "acc_written_in_arm",
            true,
            |p| acc_written_in_arm(p),
            acc_written_in_arm_grad(&x),
            acc_written_in_arm_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_acc_read_in_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "acc_read_in_arm",
            true,
            |p| acc_read_in_arm(p),
            acc_read_in_arm_grad(&x),
            acc_read_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "acc_read_in_arm",
            true,
            |p| acc_read_in_arm(p),
            acc_read_in_arm_grad(&x),
            acc_read_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "acc_read_in_arm",
            true,
            |p| acc_read_in_arm(p),
            acc_read_in_arm_grad(&x),
            acc_read_in_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "acc_read_in_arm",
            true,
            |p| acc_read_in_arm(p),
            acc_read_in_arm_grad(&x),
            acc_read_in_arm_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_minus_assign() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "minus_assign",
            true,
            |p| minus_assign(p),
            minus_assign_grad(&x),
            minus_assign_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "minus_assign",
            true,
            |p| minus_assign(p),
            minus_assign_grad(&x),
            minus_assign_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "minus_assign",
            true,
            |p| minus_assign(p),
            minus_assign_grad(&x),
            minus_assign_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "minus_assign",
            true,
            |p| minus_assign(p),
            minus_assign_grad(&x),
            minus_assign_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_term_first() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "term_first",
            true,
            |p| term_first(p),
            term_first_grad(&x),
            term_first_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "term_first",
            true,
            |p| term_first(p),
            term_first_grad(&x),
            term_first_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "term_first",
            true,
            |p| term_first(p),
            term_first_grad(&x),
            term_first_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "term_first",
            true,
            |p| term_first(p),
            term_first_grad(&x),
            term_first_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_term_is_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "term_is_value",
            true,
            |p| term_is_value(p),
            term_is_value_grad(&x),
            term_is_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "term_is_value",
            true,
            |p| term_is_value(p),
            term_is_value_grad(&x),
            term_is_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "term_is_value",
            true,
            |p| term_is_value(p),
            term_is_value_grad(&x),
            term_is_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "term_is_value",
            true,
            |p| term_is_value(p),
            term_is_value_grad(&x),
            term_is_value_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_if_no_else() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "if_no_else",
            true,
            |p| if_no_else(p),
            if_no_else_grad(&x),
            if_no_else_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "if_no_else",
            true,
            |p| if_no_else(p),
            if_no_else_grad(&x),
            if_no_else_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "if_no_else",
            true,
            |p| if_no_else(p),
            if_no_else_grad(&x),
            if_no_else_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "if_no_else",
            true,
            |p| if_no_else(p),
            if_no_else_grad(&x),
            if_no_else_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_match_int() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "match_int",
            true,
            |p| match_int(p),
            match_int_grad(&x),
            match_int_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "match_int",
            true,
            |p| match_int(p),
            match_int_grad(&x),
            match_int_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "match_int",
            true,
            |p| match_int(p),
            match_int_grad(&x),
            match_int_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "match_int",
            true,
            |p| match_int(p),
            match_int_grad(&x),
            match_int_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_match_bool() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "match_bool",
            true,
            |p| match_bool(p),
            match_bool_grad(&x),
            match_bool_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "match_bool",
            true,
            |p| match_bool(p),
            match_bool_grad(&x),
            match_bool_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "match_bool",
            true,
            |p| match_bool(p),
            match_bool_grad(&x),
            match_bool_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "match_bool",
            true,
            |p| match_bool(p),
            match_bool_grad(&x),
            match_bool_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_if_let() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "if_let",
            true,
            |p| if_let(p),
            if_let_grad(&x),
            if_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "if_let",
            true,
            |p| if_let(p),
            if_let_grad(&x),
            if_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "if_let",
            true,
            |p| if_let(p),
            if_let_grad(&x),
            if_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "if_let",
            true,
            |p| if_let(p),
            if_let_grad(&x),
            if_let_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_else_if() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "else_if",
            true,
            |p| else_if(p),
            else_if_grad(&x),
            else_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "else_if",
            true,
            |p| else_if(p),
            else_if_grad(&x),
            else_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "else_if",
            true,
            |p| else_if(p),
            else_if_grad(&x),
            else_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "else_if",
            true,
            |p| else_if(p),
            else_if_grad(&x),
            else_if_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_continue_early() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "continue_early",
            true,
            |p| continue_early(p),
            continue_early_grad(&x),
            continue_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "continue_early",
            true,
            |p| continue_early(p),
            continue_early_grad(&x),
            continue_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "continue_early",
            true,
            |p| continue_early(p),
            continue_early_grad(&x),
            continue_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "continue_early",
            true,
            |p| continue_early(p),
            continue_early_grad(&x),
            continue_early_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_break_early() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "break_early",
            true,
            |p| break_early(p),
            break_early_grad(&x),
            break_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "break_early",
            true,
            |p| break_early(p),
            break_early_grad(&x),
            break_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "break_early",
            true,
            |p| break_early(p),
            break_early_grad(&x),
            break_early_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "break_early",
            true,
            |p| break_early(p),
            break_early_grad(&x),
            break_early_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_prev_elem() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "prev_elem",
            true,
            |p| prev_elem(p),
            prev_elem_grad(&x),
            prev_elem_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "prev_elem",
            true,
            |p| prev_elem(p),
            prev_elem_grad(&x),
            prev_elem_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "prev_elem",
            true,
            |p| prev_elem(p),
            prev_elem_grad(&x),
            prev_elem_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "prev_elem",
            true,
            |p| prev_elem(p),
            prev_elem_grad(&x),
            prev_elem_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_const_index() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = vec![0.2, 0.7, -0.3];
        let (v, (a, b)) = const_index_grad(&x, &w);
        let (vt, (at, bt)) = const_index_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "const_index",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                const_index(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = vec![-0.3, 1.4, 0.5];
        let (v, (a, b)) = const_index_grad(&x, &w);
        let (vt, (at, bt)) = const_index_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "const_index",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                const_index(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_float_param() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = float_param_grad(&x, c);
        let (vt, (at, bt)) = float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param",
            true,
            |p| float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = float_param_grad(&x, c);
        let (vt, (at, bt)) = float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param",
            true,
            |p| float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = float_param_grad(&x, c);
        let (vt, (at, bt)) = float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param",
            true,
            |p| float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_float_param_only_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = float_param_only_arm_grad(&x, c);
        let (vt, (at, bt)) = float_param_only_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_only_arm",
            true,
            |p| float_param_only_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = float_param_only_arm_grad(&x, c);
        let (vt, (at, bt)) = float_param_only_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_only_arm",
            true,
            |p| float_param_only_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = float_param_only_arm_grad(&x, c);
        let (vt, (at, bt)) = float_param_only_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_only_arm",
            true,
            |p| float_param_only_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_no_grad_param() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_param",
            true,
            |p| no_grad_param(p, &d),
            no_grad_param_grad(&x, &d),
            no_grad_param_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_param",
            true,
            |p| no_grad_param(p, &d),
            no_grad_param_grad(&x, &d),
            no_grad_param_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_param",
            true,
            |p| no_grad_param(p, &d),
            no_grad_param_grad(&x, &d),
            no_grad_param_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_param",
            true,
            |p| no_grad_param(p, &d),
            no_grad_param_grad(&x, &d),
            no_grad_param_tw_grad(&x, &d),
            &x,
        );
    }
}

#[test]
fn t_no_grad_only_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_only_arm",
            true,
            |p| no_grad_only_arm(p, &d),
            no_grad_only_arm_grad(&x, &d),
            no_grad_only_arm_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_only_arm",
            true,
            |p| no_grad_only_arm(p, &d),
            no_grad_only_arm_grad(&x, &d),
            no_grad_only_arm_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_only_arm",
            true,
            |p| no_grad_only_arm(p, &d),
            no_grad_only_arm_grad(&x, &d),
            no_grad_only_arm_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_only_arm",
            true,
            |p| no_grad_only_arm(p, &d),
            no_grad_only_arm_grad(&x, &d),
            no_grad_only_arm_tw_grad(&x, &d),
            &x,
        );
    }
}

#[test]
fn t_local_vec() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "local_vec",
            true,
            |p| local_vec(p),
            local_vec_grad(&x),
            local_vec_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "local_vec",
            true,
            |p| local_vec(p),
            local_vec_grad(&x),
            local_vec_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "local_vec",
            true,
            |p| local_vec(p),
            local_vec_grad(&x),
            local_vec_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "local_vec",
            true,
            |p| local_vec(p),
            local_vec_grad(&x),
            local_vec_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_huber_in_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = huber_in_arm_grad(&x, c);
        let (vt, (at, bt)) = huber_in_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_in_arm",
            true,
            |p| huber_in_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = huber_in_arm_grad(&x, c);
        let (vt, (at, bt)) = huber_in_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_in_arm",
            true,
            |p| huber_in_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = huber_in_arm_grad(&x, c);
        let (vt, (at, bt)) = huber_in_arm_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_in_arm",
            true,
            |p| huber_in_arm(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_huber_after() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = huber_after_grad(&x, c);
        let (vt, (at, bt)) = huber_after_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_after",
            true,
            |p| huber_after(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = huber_after_grad(&x, c);
        let (vt, (at, bt)) = huber_after_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_after",
            true,
            |p| huber_after(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = huber_after_grad(&x, c);
        let (vt, (at, bt)) = huber_after_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_after",
            true,
            |p| huber_after(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_huber_cond() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = huber_cond_grad(&x, c);
        let (vt, (at, bt)) = huber_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_cond",
            true,
            |p| huber_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = huber_cond_grad(&x, c);
        let (vt, (at, bt)) = huber_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_cond",
            true,
            |p| huber_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = huber_cond_grad(&x, c);
        let (vt, (at, bt)) = huber_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "huber_cond",
            true,
            |p| huber_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_printing() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "printing",
            true,
            |p| printing(p),
            printing_grad(&x),
            printing_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "printing",
            true,
            |p| printing(p),
            printing_grad(&x),
            printing_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "printing",
            true,
            |p| printing(p),
            printing_grad(&x),
            printing_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "printing",
            true,
            |p| printing(p),
            printing_grad(&x),
            printing_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_shadowed() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "shadowed",
            true,
            |p| shadowed(p),
            shadowed_grad(&x),
            shadowed_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "shadowed",
            true,
            |p| shadowed(p),
            shadowed_grad(&x),
            shadowed_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "shadowed",
            true,
            |p| shadowed(p),
            shadowed_grad(&x),
            shadowed_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "shadowed",
            true,
            |p| shadowed(p),
            shadowed_grad(&x),
            shadowed_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_shadow_outer() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "shadow_outer",
            true,
            |p| shadow_outer(p),
            shadow_outer_grad(&x),
            shadow_outer_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "shadow_outer",
            true,
            |p| shadow_outer(p),
            shadow_outer_grad(&x),
            shadow_outer_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "shadow_outer",
            true,
            |p| shadow_outer(p),
            shadow_outer_grad(&x),
            shadow_outer_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "shadow_outer",
            true,
            |p| shadow_outer(p),
            shadow_outer_grad(&x),
            shadow_outer_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_same_name_in_arms() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "same_name_in_arms",
            true,
            |p| same_name_in_arms(p),
            same_name_in_arms_grad(&x),
            same_name_in_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "same_name_in_arms",
            true,
            |p| same_name_in_arms(p),
            same_name_in_arms_grad(&x),
            same_name_in_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "same_name_in_arms",
            true,
            |p| same_name_in_arms(p),
            same_name_in_arms_grad(&x),
            same_name_in_arms_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "same_name_in_arms",
            true,
            |p| same_name_in_arms(p),
            same_name_in_arms_grad(&x),
            same_name_in_arms_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_trip_sum_after_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = trip_sum_after_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_after_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_after_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_after_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = trip_sum_after_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_after_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_after_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_after_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = trip_sum_after_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_after_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_after_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_after_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_trip_sum_before_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = trip_sum_before_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_before_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_before_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_before_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = trip_sum_before_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_before_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_before_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_before_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = trip_sum_before_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_before_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_before_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_before_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_trip_sum_decl_before_loop_after() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = trip_sum_decl_before_loop_after_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_decl_before_loop_after_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_decl_before_loop_after",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_decl_before_loop_after(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = trip_sum_decl_before_loop_after_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_decl_before_loop_after_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_decl_before_loop_after",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_decl_before_loop_after(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = trip_sum_decl_before_loop_after_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_decl_before_loop_after_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_decl_before_loop_after",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_decl_before_loop_after(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_trip_sum_in_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = trip_sum_in_arm_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_in_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_in_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_in_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = trip_sum_in_arm_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_in_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_in_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_in_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = trip_sum_in_arm_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_in_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_in_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_in_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_trip_sum_cond_reads_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = trip_sum_cond_reads_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_cond_reads_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_cond_reads_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_cond_reads_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = trip_sum_cond_reads_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_cond_reads_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_cond_reads_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_cond_reads_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = trip_sum_cond_reads_value_grad(&x, &w);
        let (vt, (at, bt)) = trip_sum_cond_reads_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "trip_sum_cond_reads_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                trip_sum_cond_reads_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_value_in_trip_sum_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = value_in_trip_sum_loop_grad(&x, &w);
        let (vt, (at, bt)) = value_in_trip_sum_loop_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_trip_sum_loop",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_trip_sum_loop(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = value_in_trip_sum_loop_grad(&x, &w);
        let (vt, (at, bt)) = value_in_trip_sum_loop_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_trip_sum_loop",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_trip_sum_loop(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = value_in_trip_sum_loop_grad(&x, &w);
        let (vt, (at, bt)) = value_in_trip_sum_loop_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_trip_sum_loop",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_trip_sum_loop(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_between_two_sums() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = between_two_sums_grad(&x, &w);
        let (vt, (at, bt)) = between_two_sums_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "between_two_sums",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                between_two_sums(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = between_two_sums_grad(&x, &w);
        let (vt, (at, bt)) = between_two_sums_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "between_two_sums",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                between_two_sums(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = between_two_sums_grad(&x, &w);
        let (vt, (at, bt)) = between_two_sums_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "between_two_sums",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                between_two_sums(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_sum_cond_on_sum() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = sum_cond_on_sum_grad(&x, &w);
        let (vt, (at, bt)) = sum_cond_on_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "sum_cond_on_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                sum_cond_on_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = sum_cond_on_sum_grad(&x, &w);
        let (vt, (at, bt)) = sum_cond_on_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "sum_cond_on_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                sum_cond_on_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = sum_cond_on_sum_grad(&x, &w);
        let (vt, (at, bt)) = sum_cond_on_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "sum_cond_on_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                sum_cond_on_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_scope_block() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "scope_block",
            true,
            |p| scope_block(p),
            scope_block_grad(&x),
            scope_block_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "scope_block",
            true,
            |p| scope_block(p),
            scope_block_grad(&x),
            scope_block_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "scope_block",
            true,
            |p| scope_block(p),
            scope_block_grad(&x),
            scope_block_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "scope_block",
            true,
            |p| scope_block(p),
            scope_block_grad(&x),
            scope_block_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_sign_inactive() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "sign_inactive",
            true,
            |p| sign_inactive(p),
            sign_inactive_grad(&x),
            sign_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "sign_inactive",
            true,
            |p| sign_inactive(p),
            sign_inactive_grad(&x),
            sign_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "sign_inactive",
            true,
            |p| sign_inactive(p),
            sign_inactive_grad(&x),
            sign_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "sign_inactive",
            true,
            |p| sign_inactive(p),
            sign_inactive_grad(&x),
            sign_inactive_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_relu() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "relu",
            true,
            |p| relu(p),
            relu_grad(&x),
            relu_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "relu",
            true,
            |p| relu(p),
            relu_grad(&x),
            relu_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "relu",
            true,
            |p| relu(p),
            relu_grad(&x),
            relu_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "relu",
            true,
            |p| relu(p),
            relu_grad(&x),
            relu_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_from_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "from_value",
            true,
            |p| from_value(p),
            from_value_grad(&x),
            from_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "from_value",
            true,
            |p| from_value(p),
            from_value_grad(&x),
            from_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "from_value",
            true,
            |p| from_value(p),
            from_value_grad(&x),
            from_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "from_value",
            true,
            |p| from_value(p),
            from_value_grad(&x),
            from_value_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_expr_if() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "expr_if",
            true,
            |p| expr_if(p),
            expr_if_grad(&x),
            expr_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "expr_if",
            true,
            |p| expr_if(p),
            expr_if_grad(&x),
            expr_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 1.3);
        cmp(
            "expr_if",
            true,
            |p| expr_if(p),
            expr_if_grad(&x),
            expr_if_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_term_if() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "term_if",
            true,
            |p| term_if(p),
            term_if_grad(&x),
            term_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "term_if",
            true,
            |p| term_if(p),
            term_if_grad(&x),
            term_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "term_if",
            true,
            |p| term_if(p),
            term_if_grad(&x),
            term_if_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "term_if",
            true,
            |p| term_if(p),
            term_if_grad(&x),
            term_if_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_typed_let() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "typed_let",
            true,
            |p| typed_let(p),
            typed_let_grad(&x),
            typed_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "typed_let",
            true,
            |p| typed_let(p),
            typed_let_grad(&x),
            typed_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "typed_let",
            true,
            |p| typed_let(p),
            typed_let_grad(&x),
            typed_let_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "typed_let",
            true,
            |p| typed_let(p),
            typed_let_grad(&x),
            typed_let_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_parity() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "parity",
            true,
            |p| parity(p),
            parity_grad(&x),
            parity_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "parity",
            true,
            |p| parity(p),
            parity_grad(&x),
            parity_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "parity",
            true,
            |p| parity(p),
            parity_grad(&x),
            parity_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "parity",
            true,
            |p| parity(p),
            parity_grad(&x),
            parity_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_loop_bound_chosen() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "loop_bound_chosen",
            true,
            |p| loop_bound_chosen(p),
            loop_bound_chosen_grad(&x),
            loop_bound_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "loop_bound_chosen",
            true,
            |p| loop_bound_chosen(p),
            loop_bound_chosen_grad(&x),
            loop_bound_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "loop_bound_chosen",
            true,
            |p| loop_bound_chosen(p),
            loop_bound_chosen_grad(&x),
            loop_bound_chosen_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "loop_bound_chosen",
            true,
            |p| loop_bound_chosen(p),
            loop_bound_chosen_grad(&x),
            loop_bound_chosen_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_value_after_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "value_after_loop",
            true,
            |p| value_after_loop(p),
            value_after_loop_grad(&x),
            value_after_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "value_after_loop",
            true,
            |p| value_after_loop(p),
            value_after_loop_grad(&x),
            value_after_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "value_after_loop",
            true,
            |p| value_after_loop(p),
            value_after_loop_grad(&x),
            value_after_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "value_after_loop",
            true,
            |p| value_after_loop(p),
            value_after_loop_grad(&x),
            value_after_loop_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_tuple_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "tuple_value",
            true,
            |p| tuple_value(p),
            tuple_value_grad(&x),
            tuple_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "tuple_value",
            true,
            |p| tuple_value(p),
            tuple_value_grad(&x),
            tuple_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "tuple_value",
            true,
            |p| tuple_value(p),
            tuple_value_grad(&x),
            tuple_value_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "tuple_value",
            true,
            |p| tuple_value(p),
            tuple_value_grad(&x),
            tuple_value_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_rest_has_branch_and_sum() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = rest_has_branch_and_sum_grad(&x, &w);
        let (vt, (at, bt)) = rest_has_branch_and_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "rest_has_branch_and_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                rest_has_branch_and_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = rest_has_branch_and_sum_grad(&x, &w);
        let (vt, (at, bt)) = rest_has_branch_and_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "rest_has_branch_and_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                rest_has_branch_and_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = rest_has_branch_and_sum_grad(&x, &w);
        let (vt, (at, bt)) = rest_has_branch_and_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "rest_has_branch_and_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                rest_has_branch_and_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_value_in_rest_branch_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = value_in_rest_branch_arm_grad(&x, &w);
        let (vt, (at, bt)) = value_in_rest_branch_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_rest_branch_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_rest_branch_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = value_in_rest_branch_arm_grad(&x, &w);
        let (vt, (at, bt)) = value_in_rest_branch_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_rest_branch_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_rest_branch_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = value_in_rest_branch_arm_grad(&x, &w);
        let (vt, (at, bt)) = value_in_rest_branch_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "value_in_rest_branch_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                value_in_rest_branch_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_nonfinite_value_unused_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "nonfinite_value_unused_arm",
            true,
            |p| nonfinite_value_unused_arm(p),
            nonfinite_value_unused_arm_grad(&x),
            nonfinite_value_unused_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "nonfinite_value_unused_arm",
            true,
            |p| nonfinite_value_unused_arm(p),
            nonfinite_value_unused_arm_grad(&x),
            nonfinite_value_unused_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "nonfinite_value_unused_arm",
            true,
            |p| nonfinite_value_unused_arm(p),
            nonfinite_value_unused_arm_grad(&x),
            nonfinite_value_unused_arm_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "nonfinite_value_unused_arm",
            true,
            |p| nonfinite_value_unused_arm(p),
            nonfinite_value_unused_arm_grad(&x),
            nonfinite_value_unused_arm_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_roots_prod() {
    {
        let x: Vec<f64> = vec![0.0, 4.0, -1.0, 0.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0, 3.0];
        let (v, (a, b)) = roots_prod_grad(&x, &w);
        let (vt, (at, bt)) = roots_prod_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "roots_prod",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                roots_prod(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, -2.5, 0.7];
        let w: Vec<f64> = sines(4, 0.8);
        let (v, (a, b)) = roots_prod_grad(&x, &w);
        let (vt, (at, bt)) = roots_prod_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "roots_prod",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                roots_prod(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_roots_after() {
    {
        let x: Vec<f64> = vec![0.0, 4.0, 0.0, 2.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0, -1.0];
        let (v, (a, b)) = roots_after_grad(&x, &w);
        let (vt, (at, bt)) = roots_after_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "roots_after",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                roots_after(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, 2.5, 0.7];
        let w: Vec<f64> = vec![0.3, 0.8, 1.1, 0.2];
        let (v, (a, b)) = roots_after_grad(&x, &w);
        let (vt, (at, bt)) = roots_after_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "roots_after",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                roots_after(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_exp_overflow() {
    {
        let x: Vec<f64> = vec![800.0, 1.0, -2.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0];
        let (v, (a, b)) = exp_overflow_grad(&x, &w);
        let (vt, (at, bt)) = exp_overflow_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "exp_overflow",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                exp_overflow(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.3, 1.0, -2.0];
        let w: Vec<f64> = vec![0.5, 2.0, 1.0];
        let (v, (a, b)) = exp_overflow_grad(&x, &w);
        let (vt, (at, bt)) = exp_overflow_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "exp_overflow",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                exp_overflow(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_exp_overflow_chain() {
    {
        let x: Vec<f64> = vec![800.0, 1.0, -2.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0];
        let (v, (a, b)) = exp_overflow_chain_grad(&x, &w);
        let (vt, (at, bt)) = exp_overflow_chain_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "exp_overflow_chain",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                exp_overflow_chain(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.3, 1.0, -2.0];
        let w: Vec<f64> = vec![0.5, 2.0, 1.0];
        let (v, (a, b)) = exp_overflow_chain_grad(&x, &w);
        let (vt, (at, bt)) = exp_overflow_chain_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "exp_overflow_chain",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                exp_overflow_chain(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_nan_input() {
    {
        let x: Vec<f64> = vec![f64::NAN, 1.0, -2.0];
        let w: Vec<f64> = vec![0.5, 2.0, 1.0];
        let (v, (a, b)) = nan_input_grad(&x, &w);
        let (vt, (at, bt)) = nan_input_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "nan_input",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                nan_input(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![f64::INFINITY, 1.0, -2.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0];
        let (v, (a, b)) = nan_input_grad(&x, &w);
        let (vt, (at, bt)) = nan_input_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "nan_input",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                nan_input(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.3, 1.0, -2.0];
        let w: Vec<f64> = vec![0.5, 2.0, 1.0];
        let (v, (a, b)) = nan_input_grad(&x, &w);
        let (vt, (at, bt)) = nan_input_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "nan_input",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                nan_input(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_inf_in_unused_branch() {
    {
        let x: Vec<f64> = vec![0.0, 1.0, -2.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0];
        let (v, (a, b)) = inf_in_unused_branch_grad(&x, &w);
        let (vt, (at, bt)) = inf_in_unused_branch_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "inf_in_unused_branch",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                inf_in_unused_branch(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.3, 1.0, -2.0];
        let w: Vec<f64> = vec![0.5, 2.0, 1.0];
        let (v, (a, b)) = inf_in_unused_branch_grad(&x, &w);
        let (vt, (at, bt)) = inf_in_unused_branch_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "inf_in_unused_branch",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                inf_in_unused_branch(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_empty_and_one() {
    {
        let x: Vec<f64> = vec![];
        cmp(
            "empty_and_one",
            true,
            |p| empty_and_one(p),
            empty_and_one_grad(&x),
            empty_and_one_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.7];
        cmp(
            "empty_and_one",
            true,
            |p| empty_and_one(p),
            empty_and_one_grad(&x),
            empty_and_one_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![-0.7];
        cmp(
            "empty_and_one",
            true,
            |p| empty_and_one(p),
            empty_and_one_grad(&x),
            empty_and_one_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_empty_range() {
    {
        let x: Vec<f64> = vec![0.7, 1.0];
        cmp(
            "empty_range",
            true,
            |p| empty_range(p),
            empty_range_grad(&x),
            empty_range_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_sub_range() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "sub_range",
            true,
            |p| sub_range(p),
            sub_range_grad(&x),
            sub_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "sub_range",
            true,
            |p| sub_range(p),
            sub_range_grad(&x),
            sub_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "sub_range",
            true,
            |p| sub_range(p),
            sub_range_grad(&x),
            sub_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "sub_range",
            true,
            |p| sub_range(p),
            sub_range_grad(&x),
            sub_range_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_step_range() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "step_range",
            true,
            |p| step_range(p),
            step_range_grad(&x),
            step_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "step_range",
            true,
            |p| step_range(p),
            step_range_grad(&x),
            step_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "step_range",
            true,
            |p| step_range(p),
            step_range_grad(&x),
            step_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "step_range",
            true,
            |p| step_range(p),
            step_range_grad(&x),
            step_range_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_rev_range() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "rev_range",
            true,
            |p| rev_range(p),
            rev_range_grad(&x),
            rev_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "rev_range",
            true,
            |p| rev_range(p),
            rev_range_grad(&x),
            rev_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "rev_range",
            true,
            |p| rev_range(p),
            rev_range_grad(&x),
            rev_range_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "rev_range",
            true,
            |p| rev_range(p),
            rev_range_grad(&x),
            rev_range_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_iter_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "iter_loop",
            true,
            |p| iter_loop(p),
            iter_loop_grad(&x),
            iter_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "iter_loop",
            true,
            |p| iter_loop(p),
            iter_loop_grad(&x),
            iter_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "iter_loop",
            true,
            |p| iter_loop(p),
            iter_loop_grad(&x),
            iter_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "iter_loop",
            true,
            |p| iter_loop(p),
            iter_loop_grad(&x),
            iter_loop_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_value_loop() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "value_loop",
            true,
            |p| value_loop(p),
            value_loop_grad(&x),
            value_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "value_loop",
            true,
            |p| value_loop(p),
            value_loop_grad(&x),
            value_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "value_loop",
            true,
            |p| value_loop(p),
            value_loop_grad(&x),
            value_loop_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "value_loop",
            true,
            |p| value_loop(p),
            value_loop_grad(&x),
            value_loop_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_after_loop_code() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "after_loop_code",
            true,
            |p| after_loop_code(p),
            after_loop_code_grad(&x),
            after_loop_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "after_loop_code",
            true,
            |p| after_loop_code(p),
            after_loop_code_grad(&x),
            after_loop_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "after_loop_code",
            true,
            |p| after_loop_code(p),
            after_loop_code_grad(&x),
            after_loop_code_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "after_loop_code",
            true,
            |p| after_loop_code(p),
            after_loop_code_grad(&x),
            after_loop_code_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_two_loops() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "two_loops",
            true,
            |p| two_loops(p),
            two_loops_grad(&x),
            two_loops_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "two_loops",
            true,
            |p| two_loops(p),
            two_loops_grad(&x),
            two_loops_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "two_loops",
            true,
            |p| two_loops(p),
            two_loops_grad(&x),
            two_loops_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "two_loops",
            true,
            |p| two_loops(p),
            two_loops_grad(&x),
            two_loops_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_acc_readback() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "acc_readback",
            true,
            |p| acc_readback(p),
            acc_readback_grad(&x),
            acc_readback_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "acc_readback",
            true,
            |p| acc_readback(p),
            acc_readback_grad(&x),
            acc_readback_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "acc_readback",
            true,
            |p| acc_readback(p),
            acc_readback_grad(&x),
            acc_readback_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "acc_readback",
            true,
            |p| acc_readback(p),
            acc_readback_grad(&x),
            acc_readback_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_deep_assign_mix() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "deep_assign_mix",
            true,
            |p| deep_assign_mix(p),
            deep_assign_mix_grad(&x),
            deep_assign_mix_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "deep_assign_mix",
            true,
            |p| deep_assign_mix(p),
            deep_assign_mix_grad(&x),
            deep_assign_mix_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "deep_assign_mix",
            true,
            |p| deep_assign_mix(p),
            deep_assign_mix_grad(&x),
            deep_assign_mix_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "deep_assign_mix",
            true,
            |p| deep_assign_mix(p),
            deep_assign_mix_grad(&x),
            deep_assign_mix_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_three_and_inactive() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "three_and_inactive",
            true,
            |p| three_and_inactive(p),
            three_and_inactive_grad(&x),
            three_and_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "three_and_inactive",
            true,
            |p| three_and_inactive(p),
            three_and_inactive_grad(&x),
            three_and_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "three_and_inactive",
            true,
            |p| three_and_inactive(p),
            three_and_inactive_grad(&x),
            three_and_inactive_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "three_and_inactive",
            true,
            |p| three_and_inactive(p),
            three_and_inactive_grad(&x),
            three_and_inactive_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_direct_copies() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = vec![0.2, 0.7, -0.3];
        let (v, (a, b)) = direct_copies_grad(&x, &w);
        let (vt, (at, bt)) = direct_copies_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "direct_copies",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                direct_copies(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = vec![-0.3, 0.1, 0.5];
        let (v, (a, b)) = direct_copies_grad(&x, &w);
        let (vt, (at, bt)) = direct_copies_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "direct_copies",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                direct_copies(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_float_param_copy() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = float_param_copy_grad(&x, c);
        let (vt, (at, bt)) = float_param_copy_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_copy",
            true,
            |p| float_param_copy(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = float_param_copy_grad(&x, c);
        let (vt, (at, bt)) = float_param_copy_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_copy",
            true,
            |p| float_param_copy(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = float_param_copy_grad(&x, c);
        let (vt, (at, bt)) = float_param_copy_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "float_param_copy",
            true,
            |p| float_param_copy(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_recip_and_y_rules() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "recip_and_y_rules",
            true,
            |p| recip_and_y_rules(p),
            recip_and_y_rules_grad(&x),
            recip_and_y_rules_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "recip_and_y_rules",
            true,
            |p| recip_and_y_rules(p),
            recip_and_y_rules_grad(&x),
            recip_and_y_rules_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "recip_and_y_rules",
            true,
            |p| recip_and_y_rules(p),
            recip_and_y_rules_grad(&x),
            recip_and_y_rules_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "recip_and_y_rules",
            true,
            |p| recip_and_y_rules(p),
            recip_and_y_rules_grad(&x),
            recip_and_y_rules_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_two_arg_methods() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = two_arg_methods_grad(&x, &w);
        let (vt, (at, bt)) = two_arg_methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "two_arg_methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                two_arg_methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = two_arg_methods_grad(&x, &w);
        let (vt, (at, bt)) = two_arg_methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "two_arg_methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                two_arg_methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = two_arg_methods_grad(&x, &w);
        let (vt, (at, bt)) = two_arg_methods_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "two_arg_methods",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                two_arg_methods(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_call_in_cond() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = call_in_cond_grad(&x, c);
        let (vt, (at, bt)) = call_in_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "call_in_cond",
            true,
            |p| call_in_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = call_in_cond_grad(&x, c);
        let (vt, (at, bt)) = call_in_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "call_in_cond",
            true,
            |p| call_in_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = call_in_cond_grad(&x, c);
        let (vt, (at, bt)) = call_in_cond_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "call_in_cond",
            true,
            |p| call_in_cond(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_typed_deferred() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "typed_deferred",
            true,
            |p| typed_deferred(p),
            typed_deferred_grad(&x),
            typed_deferred_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "typed_deferred",
            true,
            |p| typed_deferred(p),
            typed_deferred_grad(&x),
            typed_deferred_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "typed_deferred",
            true,
            |p| typed_deferred(p),
            typed_deferred_grad(&x),
            typed_deferred_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "typed_deferred",
            true,
            |p| typed_deferred(p),
            typed_deferred_grad(&x),
            typed_deferred_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_cast_index() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "cast_index",
            true,
            |p| cast_index(p),
            cast_index_grad(&x),
            cast_index_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "cast_index",
            true,
            |p| cast_index(p),
            cast_index_grad(&x),
            cast_index_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "cast_index",
            true,
            |p| cast_index(p),
            cast_index_grad(&x),
            cast_index_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "cast_index",
            true,
            |p| cast_index(p),
            cast_index_grad(&x),
            cast_index_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_assert_after() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        cmp(
            "assert_after",
            true,
            |p| assert_after(p),
            assert_after_grad(&x),
            assert_after_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        cmp(
            "assert_after",
            true,
            |p| assert_after(p),
            assert_after_grad(&x),
            assert_after_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        cmp(
            "assert_after",
            true,
            |p| assert_after(p),
            assert_after_grad(&x),
            assert_after_tw_grad(&x),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        cmp(
            "assert_after",
            true,
            |p| assert_after(p),
            assert_after_grad(&x),
            assert_after_tw_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_neg_and_sub() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = neg_and_sub_grad(&x, &w);
        let (vt, (at, bt)) = neg_and_sub_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "neg_and_sub",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                neg_and_sub(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = neg_and_sub_grad(&x, &w);
        let (vt, (at, bt)) = neg_and_sub_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "neg_and_sub",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                neg_and_sub(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = neg_and_sub_grad(&x, &w);
        let (vt, (at, bt)) = neg_and_sub_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "neg_and_sub",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                neg_and_sub(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_value_mul_float_param() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let c: f64 = 0.3;
        let (v, (a, b)) = value_mul_float_param_grad(&x, c);
        let (vt, (at, bt)) = value_mul_float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "value_mul_float_param",
            true,
            |p| value_mul_float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let c: f64 = -0.45;
        let (v, (a, b)) = value_mul_float_param_grad(&x, c);
        let (vt, (at, bt)) = value_mul_float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "value_mul_float_param",
            true,
            |p| value_mul_float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let c: f64 = 1.2;
        let (v, (a, b)) = value_mul_float_param_grad(&x, c);
        let (vt, (at, bt)) = value_mul_float_param_tw_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        cmp(
            "value_mul_float_param",
            true,
            |p| value_mul_float_param(&p[..p.len() - 1], p[p.len() - 1]),
            (v, join2(a, vec![b])),
            (vt, join2(at, vec![bt])),
            &all,
        );
    }
}

#[test]
fn t_arm_many_lets() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = arm_many_lets_grad(&x, &w);
        let (vt, (at, bt)) = arm_many_lets_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "arm_many_lets",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                arm_many_lets(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = arm_many_lets_grad(&x, &w);
        let (vt, (at, bt)) = arm_many_lets_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "arm_many_lets",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                arm_many_lets(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = arm_many_lets_grad(&x, &w);
        let (vt, (at, bt)) = arm_many_lets_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "arm_many_lets",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                arm_many_lets(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_ieee_acc_cond() {
    {
        let x: Vec<f64> = vec![1.0, 0.0, 4.0, 0.0];
        let w: Vec<f64> = vec![1.0, 0.0, 2.0, 0.0];
        let (v, (a, b)) = ieee_acc_cond_grad(&x, &w);
        let (vt, (at, bt)) = ieee_acc_cond_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_acc_cond",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_acc_cond(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, 2.5, 0.7];
        let w: Vec<f64> = vec![0.3, 0.8, 1.1, 0.2];
        let (v, (a, b)) = ieee_acc_cond_grad(&x, &w);
        let (vt, (at, bt)) = ieee_acc_cond_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_acc_cond",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_acc_cond(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_ieee_acc_arm() {
    {
        let x: Vec<f64> = vec![1.0, 0.0, 4.0, -1.0];
        let w: Vec<f64> = vec![1.0, 0.0, 2.0, 0.5];
        let (v, (a, b)) = ieee_acc_arm_grad(&x, &w);
        let (vt, (at, bt)) = ieee_acc_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_acc_arm",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_acc_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, 2.5, 0.7];
        let w: Vec<f64> = vec![0.3, 0.8, 1.1, 0.2];
        let (v, (a, b)) = ieee_acc_arm_grad(&x, &w);
        let (vt, (at, bt)) = ieee_acc_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_acc_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_acc_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_ieee_in_sum() {
    {
        let x: Vec<f64> = vec![0.0, 1.0, 4.0, -1.0];
        let w: Vec<f64> = vec![0.0, 0.0, 0.0, 0.0];
        let (v, (a, b)) = ieee_in_sum_grad(&x, &w);
        let (vt, (at, bt)) = ieee_in_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_in_sum",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_in_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.0, 1.0, 4.0];
        let w: Vec<f64> = vec![0.0, 2.0, 1.0];
        let (v, (a, b)) = ieee_in_sum_grad(&x, &w);
        let (vt, (at, bt)) = ieee_in_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_in_sum",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_in_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, 2.5, 0.7];
        let w: Vec<f64> = vec![0.3, 0.8, 1.1, 0.2];
        let (v, (a, b)) = ieee_in_sum_grad(&x, &w);
        let (vt, (at, bt)) = ieee_in_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_in_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_in_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_ieee_nested() {
    {
        let x: Vec<f64> = vec![0.0, 2.0, 0.0, -1.0];
        let w: Vec<f64> = vec![0.0, 1.0, 0.7, 0.2];
        let (v, (a, b)) = ieee_nested_grad(&x, &w);
        let (vt, (at, bt)) = ieee_nested_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_nested",
            false,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_nested(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = vec![0.5, 1.5, 2.5, 0.7];
        let w: Vec<f64> = vec![0.3, 0.8, 1.1, 0.6];
        let (v, (a, b)) = ieee_nested_grad(&x, &w);
        let (vt, (at, bt)) = ieee_nested_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "ieee_nested",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                ieee_nested(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_mixed_index_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = vec![0.3, -0.4, 0.8];
        let (v, (a, b)) = mixed_index_value_grad(&x, &w);
        let (vt, (at, bt)) = mixed_index_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "mixed_index_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                mixed_index_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(5, -0.8);
        let w: Vec<f64> = vec![-0.6, 0.2, 0.5];
        let (v, (a, b)) = mixed_index_value_grad(&x, &w);
        let (vt, (at, bt)) = mixed_index_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "mixed_index_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                mixed_index_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_no_grad_values() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_values",
            true,
            |p| no_grad_values(p, &d),
            no_grad_values_grad(&x, &d),
            no_grad_values_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_values",
            true,
            |p| no_grad_values(p, &d),
            no_grad_values_grad(&x, &d),
            no_grad_values_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_values",
            true,
            |p| no_grad_values(p, &d),
            no_grad_values_grad(&x, &d),
            no_grad_values_tw_grad(&x, &d),
            &x,
        );
    }
    {
        let x: Vec<f64> = vec![0.35, -0.62, 0.81, -1.4, 0.07];
        let d: Vec<f64> = sines(x.len(), 0.8);
        cmp(
            "no_grad_values",
            true,
            |p| no_grad_values(p, &d),
            no_grad_values_grad(&x, &d),
            no_grad_values_tw_grad(&x, &d),
            &x,
        );
    }
}

#[test]
fn t_inner_trip_sum_then_value() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = sines(7, 0.7);
        let (v, (a, b)) = inner_trip_sum_then_value_grad(&x, &w);
        let (vt, (at, bt)) = inner_trip_sum_then_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "inner_trip_sum_then_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                inner_trip_sum_then_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(6, -0.9);
        let w: Vec<f64> = sines(6, 1.6);
        let (v, (a, b)) = inner_trip_sum_then_value_grad(&x, &w);
        let (vt, (at, bt)) = inner_trip_sum_then_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "inner_trip_sum_then_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                inner_trip_sum_then_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(9, 2.3);
        let w: Vec<f64> = sines(9, -0.45);
        let (v, (a, b)) = inner_trip_sum_then_value_grad(&x, &w);
        let (vt, (at, bt)) = inner_trip_sum_then_value_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "inner_trip_sum_then_value",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                inner_trip_sum_then_value(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_loop_in_arm() {
    {
        let x: Vec<f64> = sines(7, 1.1);
        let w: Vec<f64> = vec![0.3, -0.4, 0.8];
        let (v, (a, b)) = loop_in_arm_grad(&x, &w);
        let (vt, (at, bt)) = loop_in_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "loop_in_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                loop_in_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(5, -0.8);
        let w: Vec<f64> = vec![-0.6, 0.2, 0.5];
        let (v, (a, b)) = loop_in_arm_grad(&x, &w);
        let (vt, (at, bt)) = loop_in_arm_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "loop_in_arm",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                loop_in_arm(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

#[test]
fn t_outer_value_inner_chooser_sum() {
    {
        let x: Vec<f64> = sines(6, 1.1);
        let w: Vec<f64> = vec![0.3, -0.4, 0.8];
        let (v, (a, b)) = outer_value_inner_chooser_sum_grad(&x, &w);
        let (vt, (at, bt)) = outer_value_inner_chooser_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "outer_value_inner_chooser_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                outer_value_inner_chooser_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
    {
        let x: Vec<f64> = sines(5, -0.8);
        let w: Vec<f64> = vec![-0.6, 0.2, 0.5];
        let (v, (a, b)) = outer_value_inner_chooser_sum_grad(&x, &w);
        let (vt, (at, bt)) = outer_value_inner_chooser_sum_tw_grad(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "outer_value_inner_chooser_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                outer_value_inner_chooser_sum(&a, &b)
            },
            (v, join2(a, b)),
            (vt, join2(at, bt)),
            &all,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases: matrices, generic scalars, single precision, second order, pullbacks.

#[differentiable]
fn mat_elems(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        let v = if m[(i, 0)] > 0.0 {
            m[(i, 0)] * m[(i, 1)]
        } else {
            m[(i, 1)].exp()
        };
        let u = if v > m[(i, 1)] { v - m[(i, 1)] } else { v * v };
        s += v * u + m[(i, 1)];
    }
    s
}

#[differentiable]
fn mat_elems_tw(m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() {
        if i == usize::MAX {
            continue;
        }
        let v = if m[(i, 0)] > 0.0 {
            m[(i, 0)] * m[(i, 1)]
        } else {
            m[(i, 1)].exp()
        };
        let u = if v > m[(i, 1)] { v - m[(i, 1)] } else { v * v };
        s += v * u + m[(i, 1)];
    }
    s
}

#[test]
fn t_mat_elems() {
    for p in [sines(10, 1.1), sines(8, -1.7)] {
        let m = DMatrix::from_column_slice(p.len() / 2, 2, &p);
        let f = |q: &[f64]| mat_elems(&DMatrix::from_column_slice(q.len() / 2, 2, q));
        let (v, g) = mat_elems_grad(&m);
        let (vt, gt) = mat_elems_tw_grad(&m);
        cmp(
            "mat_elems",
            true,
            f,
            (v, g.as_slice().to_vec()),
            (vt, gt.as_slice().to_vec()),
            &p,
        );
    }
}

#[differentiable]
fn gen_chain<T: Real>(x: &[T], w: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let z = w[0] * x[i] + w[1];
        let a = if z > T::zero() {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        let b = if a > w[2] { a * a * w[2] } else { a.sqrt() };
        s += a * b - w[1] * x[i];
    }
    s
}

#[differentiable]
fn gen_chain_tw<T: Real>(x: &[T], w: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let z = w[0] * x[i] + w[1];
        let a = if z > T::zero() {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        let b = if a > w[2] { a * a * w[2] } else { a.sqrt() };
        s += a * b - w[1] * x[i];
    }
    s
}

#[test]
fn t_gen_chain_f64_f32() {
    for (x, w) in [
        (sines(7, 2.0), vec![0.8, -0.3, 0.6]),
        (sines(5, 1.0), vec![-1.5, 0.4, 0.2]),
    ] {
        let (v, (a, b)) = gen_chain_grad::<f64>(&x, &w);
        let (vt, (at, bt)) = gen_chain_tw_grad::<f64>(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "gen_chain",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                gen_chain(&a, &b)
            },
            (v, join2(a.clone(), b.clone())),
            (vt, join2(at, bt)),
            &all,
        );
        let (v32, (a32, b32)) = gen_chain_grad::<f32>(&to32(&x), &to32(&w));
        let (_, (a32t, b32t)) = gen_chain_tw_grad::<f32>(&to32(&x), &to32(&w));
        assert!((f64::from(v32) - v).abs() < 1e-4 * (1.0 + v.abs()));
        agree("gen_chain x f32", &a, &a32, 1e-4);
        agree("gen_chain w f32", &b, &b32, 1e-4);
        // f32: the fused loop scales J by ds afterwards, the twin multiplies first (ulps)
        agree(
            "gen_chain x f32 twin",
            &a32t.iter().map(|v| f64::from(*v)).collect::<Vec<_>>(),
            &a32,
            1e-6,
        );
        agree(
            "gen_chain w f32 twin",
            &b32t.iter().map(|v| f64::from(*v)).collect::<Vec<_>>(),
            &b32,
            1e-6,
        );
    }
}

#[differentiable]
fn f32_plain(x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        let u = if v > 0.2 { v.exp() } else { v * x[i] };
        s += u * v;
    }
    s
}

#[differentiable]
fn f32_plain_tw(x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > 0.0 { x[i] * x[i] } else { x[i].sin() };
        let u = if v > 0.2 { v.exp() } else { v * x[i] };
        s += u * v;
    }
    s
}

#[test]
fn t_f32_plain() {
    let x = to32(&sines(8, 1.3));
    let (v, g) = f32_plain_grad(&x);
    let (vt, gt) = f32_plain_tw_grad(&x);
    assert_eq!(v, f32_plain(&x));
    assert_eq!(v, vt);
    let g64: Vec<f64> = gt.iter().map(|v| f64::from(*v)).collect();
    agree("f32_plain twin", &g64, &g, 1e-6);
}

#[differentiable(order = 2)]
fn curved2(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let z = w[0] * x[i] + w[1];
        let a = if z > 0.0 {
            z * z * w[2]
        } else {
            z.sin() * w[2]
        };
        let b = if a > 0.1 { a.exp() } else { a * z };
        let c = if b > z {
            b * w[0]
        } else {
            (b * b + 1.0).sqrt()
        };
        l += a * z + c * b;
    }
    l
}

#[differentiable(order = 2)]
fn curved2_tw(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let z = w[0] * x[i] + w[1];
        let a = if z > 0.0 {
            z * z * w[2]
        } else {
            z.sin() * w[2]
        };
        let b = if a > 0.1 { a.exp() } else { a * z };
        let c = if b > z {
            b * w[0]
        } else {
            (b * b + 1.0).sqrt()
        };
        l += a * z + c * b;
    }
    l
}

#[differentiable(order = 2)]
fn curved_sum2(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[(i + k) % x.len()];
        }
        let v = if y > 0.0 { y * y * w[0] } else { y.sin() };
        let mut z = 0.0;
        for k in 0..w.len() {
            z += v * w[k];
        }
        l += z * v + y;
    }
    l
}

#[differentiable(order = 2)]
fn curved_sum2_tw(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[(i + k) % x.len()];
        }
        let v = if y > 0.0 { y * y * w[0] } else { y.sin() };
        let mut z = 0.0;
        for k in 0..w.len() {
            z += v * w[k];
        }
        l += z * v + y;
    }
    l
}

#[test]
fn t_second_order() {
    let x = sines(9, 1.5);
    for w in [
        vec![0.6, 0.1, -0.7],
        vec![-0.9, 0.3, 1.2],
        vec![0.4, -0.8, 0.9],
    ] {
        let v = vec![0.4, -0.3, 0.8];
        for (name, g, gt, hvp, hvpt) in [
            (
                "curved2",
                curved2_grad as fn(&[f64], &[f64]) -> (f64, Vec<f64>),
                curved2_tw_grad as fn(&[f64], &[f64]) -> (f64, Vec<f64>),
                curved2_hvp as fn(&[f64], &[f64], Vec<f64>) -> (f64, Vec<f64>, Vec<f64>),
                curved2_tw_hvp as fn(&[f64], &[f64], Vec<f64>) -> (f64, Vec<f64>, Vec<f64>),
            ),
            (
                "curved_sum2",
                curved_sum2_grad,
                curved_sum2_tw_grad,
                curved_sum2_hvp,
                curved_sum2_tw_hvp,
            ),
        ] {
            let f = |p: &[f64]| g(p, &x).0;
            cmp(name, true, f, g(&w, &x), gt(&w, &x), &w);
            let (hv0, hg, hv) = hvp(&w, &x, v.clone());
            let (_, hgt, hvt) = hvpt(&w, &x, v.clone());
            assert!(same(hv0, g(&w, &x).0), "{name}: hvp value");
            for k in 0..w.len() {
                assert!(
                    same(hg[k], hgt[k]),
                    "{name}: hvp gradient {hg:?} vs {hgt:?}"
                );
                assert!(same(hv[k], hvt[k]), "{name}: hvp {hv:?} vs twin {hvt:?}");
            }
            check_hvp(name, |p| g(p, &x).1, &hv, &w, &v);
        }
    }
}

#[differentiable]
fn pulled(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > w[i] {
            x[i] * w[i]
        } else {
            (x[i] - w[i]).exp()
        };
        let u = if v > 0.3 { v.sqrt() } else { v * v };
        s += u * x[i] + w[0] * v;
    }
    s
}

#[differentiable]
fn pulled_tw(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > w[i] {
            x[i] * w[i]
        } else {
            (x[i] - w[i]).exp()
        };
        let u = if v > 0.3 { v.sqrt() } else { v * v };
        s += u * x[i] + w[0] * v;
    }
    s
}

#[test]
fn t_pullback_called_again() {
    let (x, w) = (sines(7, 1.4), sines(7, 0.6));
    let (v, back) = pulled_vjp(&x, &w);
    let (vt, backt) = pulled_tw_vjp(&x, &w);
    assert!(same(v, pulled(&x, &w)) && same(v, vt));
    for cot in [1.0, -2.5, 0.0, 1e-3, 3.0, 1.0] {
        let (a, b) = back(cot);
        let (at, bt) = backt(cot);
        let (g, gt) = (join2(a, b), join2(at, bt));
        for k in 0..g.len() {
            assert!(same(g[k], gt[k]), "pulled cot {cot}: {g:?} vs {gt:?}");
        }
        let all = join2(x.clone(), w.clone());
        check(
            "pulled_vjp",
            |p| {
                let (a, b) = split(p, x.len());
                cot * pulled(&a, &b)
            },
            &g,
            &all,
        );
    }
}

#[differentiable(order = 2)]
fn deep2(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let n = x.len();
    let mut l = 0.0;
    for i in 0..n {
        let a = if x[i] > 0.0 {
            w[0] * x[i]
        } else {
            (w[1] * x[i]).sin()
        };
        for j in 0..n {
            let b = if x[j] > a { a * w[2] * x[j] } else { a * a };
            l += b * w[1];
        }
    }
    l
}

#[differentiable(order = 2)]
fn deep2_tw(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let n = x.len();
    let mut l = 0.0;
    for i in 0..n {
        if i == usize::MAX {
            continue;
        }
        let a = if x[i] > 0.0 {
            w[0] * x[i]
        } else {
            (w[1] * x[i]).sin()
        };
        for j in 0..n {
            let b = if x[j] > a { a * w[2] * x[j] } else { a * a };
            l += b * w[1];
        }
    }
    l
}

#[test]
fn t_deep2_second_order() {
    let x = sines(6, 1.2);
    for w in [vec![0.6, 0.1, -0.7], vec![-0.9, 0.3, 1.2]] {
        let f = |p: &[f64]| deep2(p, &x);
        cmp(
            "deep2",
            true,
            f,
            deep2_grad(&w, &x),
            deep2_tw_grad(&w, &x),
            &w,
        );
        let v = vec![0.4, -0.3, 0.8];
        let (_, g, hv) = deep2_hvp(&w, &x, v.clone());
        let (_, gt, hvt) = deep2_tw_hvp(&w, &x, v.clone());
        for k in 0..3 {
            assert!(
                same(g[k], gt[k]) && same(hv[k], hvt[k]),
                "deep2 hvp {hv:?} vs {hvt:?}"
            );
        }
        check_hvp("deep2", |p| deep2_grad(p, &x).1, &hv, &w, &v);
    }
}

#[differentiable]
fn gen_sum<T: Real>(x: &[T], w: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let v = if x[i] > w[0] {
            x[i] * w[1]
        } else {
            (x[i] - w[0]).exp()
        };
        let mut y = T::zero();
        for k in 0..w.len() {
            y += w[k] * v;
        }
        let u = if y > v { y.sqrt() } else { v * y };
        s += u * x[i];
    }
    s
}

#[differentiable]
fn gen_sum_tw<T: Real>(x: &[T], w: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > w[0] {
            x[i] * w[1]
        } else {
            (x[i] - w[0]).exp()
        };
        let mut y = T::zero();
        for k in 0..w.len() {
            y += w[k] * v;
        }
        let u = if y > v { y.sqrt() } else { v * y };
        s += u * x[i];
    }
    s
}

#[test]
fn t_gen_sum_f64_f32() {
    for (x, w) in [
        (sines(7, 1.3), vec![0.2, 0.9, 0.6]),
        (sines(5, -1.0), vec![-0.4, 0.4, 1.2]),
    ] {
        let (v, (a, b)) = gen_sum_grad::<f64>(&x, &w);
        let (vt, (at, bt)) = gen_sum_tw_grad::<f64>(&x, &w);
        let all = join2(x.clone(), w.clone());
        cmp(
            "gen_sum",
            true,
            |p| {
                let (a, b) = split(p, x.len());
                gen_sum(&a, &b)
            },
            (v, join2(a.clone(), b.clone())),
            (vt, join2(at, bt)),
            &all,
        );
        let (_, (a32, b32)) = gen_sum_grad::<f32>(&to32(&x), &to32(&w));
        agree("gen_sum x f32", &a, &a32, 1e-4);
        agree("gen_sum w f32", &b, &b32, 1e-4);
    }
}

#[differentiable]
fn pulled_sq(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = if x[i] > c { x[i] * c } else { (x[i] - c).exp() };
        let u = if v > 0.3 { v.sqrt() } else { v * v };
        s += u * x[i];
    }
    (s * 0.3).exp() + s * c
}

#[differentiable]
fn pulled_sq_tw(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if i == usize::MAX {
            continue;
        }
        let v = if x[i] > c { x[i] * c } else { (x[i] - c).exp() };
        let u = if v > 0.3 { v.sqrt() } else { v * v };
        s += u * x[i];
    }
    (s * 0.3).exp() + s * c
}

#[test]
fn t_pullback_of_a_readback_called_again() {
    let (x, c) = (sines(7, 1.4), 0.35);
    let (_, back) = pulled_sq_vjp(&x, c);
    let (_, backt) = pulled_sq_tw_vjp(&x, c);
    for cot in [1.0, -2.5, 0.0, 4.0, 1.0] {
        let (a, b) = back(cot);
        let (at, bt) = backt(cot);
        let (g, gt) = (join2(a, vec![b]), join2(at, vec![bt]));
        for k in 0..g.len() {
            assert!(same(g[k], gt[k]), "pulled_sq cot {cot}: {g:?} vs {gt:?}");
        }
        let mut all = x.clone();
        all.push(c);
        check(
            "pulled_sq_vjp",
            |p| cot * pulled_sq(&p[..p.len() - 1], p[p.len() - 1]),
            &g,
            &all,
        );
    }
}
