//! Branches whose condition calls numeric methods (`abs`, `sqrt`, `max`, `min`, `powi`,
//! `signum`, `floor`, `is_nan`, ..) on locals, evaluated again in the reverse sweep, and values
//! built by `+ - *`, negation, `abs`, `min` and `max` that are rebuilt instead of recorded.
//! Members: a loop-carried float reassigned in the arms and after the `if`, two branches on two
//! versions of one variable in one trip, an inner loop's result, `else if` chains, a `while`
//! with `break`, a method of a computed float beside a parameter, references, generic
//! `T: Real`, `f32`, `abs`/`min`/`max` values used after the variable they came from is
//! reassigned (in and outside loops), nested branches, `match` with guards, a branch as a
//! value, and literals as receivers. Each gradient against central differences at points
//! taking every arm; the pullback called twice and forward mode against the gradient.

// The written forms (index loops, `s = s + ..`) are the constructs under test.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

/// A loop-carried float reassigned in one arm, then after the `if`, then tested again.
#[differentiable]
fn carried(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = p[0];
    let mut l = 0.0;
    for i in 0..x.len() {
        if s.abs() > 1.0 {
            s = s * 0.5;
        } else {
            l += s * p[1];
        }
        s = s * p[1] + x[i];
        if s.max(p[2]) > 0.8 {
            l += s;
        } else {
            l -= s * s;
        }
        s = s - 0.1;
    }
    l + s
}

/// The condition reads a float only the condition needs (no rule reads it), reassigned after.
#[differentiable]
fn only_cond(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut t = 0.0;
    for i in 0..x.len() {
        t = t * 0.5 + x[i] * p[0];
        if t.abs() < 0.4 {
            l += p[1] * x[i];
        } else {
            l += p[2] * p[2];
        }
        t = t + p[1];
    }
    l + t
}

/// An `else if` chain with methods on one computed float and a parameter.
#[differentiable]
fn chain(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] - p[1];
        if r.abs() < p[2].abs() * 0.5 {
            l += r * r;
        } else if r.signum() > 0.0 {
            l += r.sqrt() * p[2];
        } else if (r + p[2]).floor() >= -1.0 {
            l -= r * p[0];
        } else {
            l += r.powi(3);
        }
    }
    l
}

/// A `while` with a `break` out of an arm whose condition calls a method.
#[differentiable]
fn while_break(p: &[f64]) -> f64 {
    let mut y = p[0];
    let mut acc = 0.0;
    let mut k = 0;
    while k < 15 {
        let z = y * p[1] + 0.3;
        if z.abs() > 3.0 {
            acc += z;
            break;
        } else if z.min(0.0) < -0.5 {
            acc -= z * z;
        } else {
            acc += z * y;
        }
        y = z + 0.2;
        k += 1;
    }
    acc + y
}

/// An inner loop's result, reassigned in the arm, tested again after.
#[differentiable]
fn inner(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let mut q = x[i];
        for _ in 0..3 {
            q = q * p[0] + p[1];
        }
        if q.powi(2) > 1.0 {
            q = q.abs().sqrt() + q * 0.1;
        }
        if q.abs().sqrt() < 0.9 {
            l += q * p[2];
        } else {
            l += q;
        }
    }
    l
}

/// Conditions on references to elements.
#[differentiable]
fn refs(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..p.len() {
        let r = &p[i];
        let w = &x[i];
        if r.abs() > 0.537 {
            l += r * r * w;
        } else if (r * w).abs() > 0.1 {
            l -= r * 3.0;
        } else {
            l += *r;
        }
    }
    l
}

/// Generic over `T: Real`.
#[differentiable]
fn generic<T: Real>(p: &[T], #[no_grad] x: &[T]) -> T {
    let mut l = T::zero();
    let mut s = p[0];
    let lim = p[1];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > lim.abs() {
            l += s * p[2];
        } else {
            l += s * s;
        }
        s = s.sin();
    }
    l
}

/// `f32`.
#[differentiable]
fn single(p: &[f32], #[no_grad] x: &[f32]) -> f32 {
    let mut l = 0.0f32;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 0.7 {
            l += s * p[0];
        } else {
            l += s * s;
        }
        s = s * 0.5;
    }
    l
}

/// `abs`, `min` and `max` values used after the variable they came from is reassigned.
#[differentiable]
fn rebuilt_after(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        let m = s.abs();
        let lo = s.min(p[2]);
        let hi = (-s).max(lo * 0.5);
        s = s * 2.0 - 0.3;
        l += m * s + lo * hi;
        s = s * 0.4;
    }
    l + s
}

/// The same outside every loop.
#[differentiable]
fn rebuilt_outside(p: &[f64]) -> f64 {
    let mut s = p[0] * p[1] - 0.2;
    let m = s.abs();
    let lo = s.min(p[2]);
    let hi = lo.max(-m) - s;
    s = s * 2.0;
    let mut l = m * s + lo * hi;
    s = s.sin();
    l += m * s;
    l
}

/// Literal receivers and arguments of `min`/`max`.
#[differentiable]
fn literals(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] + p[1];
        let a = 0.0f64.max(r);
        let b = f64::min(r, 0.5);
        let c = r.max(-0.25) * 2.0;
        l += a * b + c * r;
    }
    let q = p[2] * p[0];
    let d = 1.0f64.min(q);
    l + d * q
}

/// Nested branches; a branch whose value is bound; `match` with guards.
#[differentiable]
fn nested(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let u = p[0] * x[i] + p[1];
        let v = if u.abs() < 0.5 { u * u } else { u.sin() };
        if v.max(u) > 0.2 {
            if (v - u).abs() > 0.3 {
                l += v * p[2];
            } else {
                l -= u * v;
            }
        }
        let k = i % 3;
        l += match k {
            0 if u.abs() > 0.6 => u * p[2],
            0 => u,
            1 if v.is_nan() => 0.0,
            _ => v * v,
        };
    }
    l
}

/// A branch on a float set in both arms of an earlier branch in the same trip.
#[differentiable]
fn set_in_arms(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let mut w;
        if x[i] > 0.0 {
            w = p[0] * x[i];
        } else {
            w = p[1] - x[i];
        }
        if w.abs() > 0.5 {
            l += w * w;
            w = 0.0;
        } else {
            l += w * p[2];
        }
        if w.min(0.2) >= 0.2 {
            l += w;
        }
    }
    l
}

/// Conditions outside every loop with an early `return` in an arm.
#[differentiable]
fn outside_return(p: &[f64]) -> f64 {
    let a = p[0] * p[1];
    if a.abs() > 2.0 {
        return a * p[2];
    }
    let mut b = a - p[2];
    if b.powi(2) < 0.25 {
        b = b * b;
    } else {
        b = -b;
    }
    if b.sqrt() > 0.4 { b * a } else { b + a }
}

fn data(n: usize) -> Vec<f64> {
    sines(n, 1.6)
}

const POINTS: [[f64; 3]; 5] = [
    [0.4, 0.9, 0.5],
    [-1.2, 0.3, 0.2],
    [0.1, 1.3, 1.5],
    [2.0, -0.7, 0.05],
    [0.75, -1.1, -0.6],
];

#[test]
fn loop_carried_and_computed_floats() {
    let x = data(17);
    for p in POINTS {
        let p = p.to_vec();
        chk!(
            carried,
            carried_grad,
            carried_vjp,
            carried_jvp,
            p.clone(),
            &x
        );
        chk!(
            only_cond,
            only_cond_grad,
            only_cond_vjp,
            only_cond_jvp,
            p.clone(),
            &x
        );
        chk!(chain, chain_grad, chain_vjp, chain_jvp, p.clone(), &x);
        chk!(
            while_break,
            while_break_grad,
            while_break_vjp,
            while_break_jvp,
            p.clone()
        );
        chk!(inner, inner_grad, inner_vjp, inner_jvp, p.clone(), &x);
        chk!(refs, refs_grad, refs_vjp, refs_jvp, p.clone(), &x);
        chk!(
            generic,
            generic_grad,
            generic_vjp,
            generic_jvp,
            p.clone(),
            &x
        );
        chk!(nested, nested_grad, nested_vjp, nested_jvp, p.clone(), &x);
        chk!(
            set_in_arms,
            set_in_arms_grad,
            set_in_arms_vjp,
            set_in_arms_jvp,
            p.clone(),
            &x
        );
    }
}

#[test]
fn rebuilt_values() {
    let x = data(13);
    for p in POINTS {
        let p = p.to_vec();
        chk!(
            rebuilt_after,
            rebuilt_after_grad,
            rebuilt_after_vjp,
            rebuilt_after_jvp,
            p.clone(),
            &x
        );
        chk!(
            rebuilt_outside,
            rebuilt_outside_grad,
            rebuilt_outside_vjp,
            rebuilt_outside_jvp,
            p.clone()
        );
        chk!(
            literals,
            literals_grad,
            literals_vjp,
            literals_jvp,
            p.clone(),
            &x
        );
        chk!(
            outside_return,
            outside_return_grad,
            outside_return_vjp,
            outside_return_jvp,
            p.clone()
        );
    }
}

#[test]
fn single_precision() {
    let x: Vec<f32> = data(9).iter().map(|v| *v as f32).collect();
    let f64_version = |q: &[f64]| {
        let mut l = 0.0;
        let mut s = q[0];
        for i in 0..x.len() {
            s = s * q[1] + f64::from(x[i]);
            if s.abs() > 0.7 {
                l += s * q[0];
            } else {
                l += s * s;
            }
            s *= 0.5;
        }
        l
    };
    for p in [[0.4f32, 0.9], [-1.2, 0.3], [1.1, 1.3]] {
        let (_, g) = single_grad(&p, &x);
        let q = [f64::from(p[0]), f64::from(p[1])];
        let fd = autodiff::check::numeric_gradient(f64_version, &q, 1e-6);
        for k in 0..2 {
            assert!(
                (f64::from(g[k]) - fd[k]).abs() < 1e-3 * (1.0 + fd[k].abs()),
                "{g:?} vs {fd:?}"
            );
        }
    }
}

#[test]
fn every_arm_is_taken_at_these_points() {
    // `carried`: both arms of both branches; `chain`: all four arms (the primal written out).
    let x = data(17);
    let (mut carried_arms, mut chain_arms) = ([0usize; 4], [0usize; 4]);
    for p in POINTS {
        let mut s: f64 = p[0];
        for &xi in &x {
            if s.abs() > 1.0 {
                carried_arms[0] += 1;
                s *= 0.5;
            } else {
                carried_arms[1] += 1;
            }
            s = s * p[1] + xi;
            carried_arms[2 + usize::from(s.max(p[2]) > 0.8)] += 1;
            s -= 0.1;
        }
        for &xi in &x {
            let r: f64 = p[0] * xi - p[1];
            let k = if r.abs() < p[2].abs() * 0.5 {
                0
            } else if r.signum() > 0.0 {
                1
            } else if (r + p[2]).floor() >= -1.0 {
                2
            } else {
                3
            };
            chain_arms[k] += 1;
        }
    }
    assert!(carried_arms.iter().all(|n| *n > 0), "{carried_arms:?}");
    assert!(chain_arms.iter().all(|n| *n > 0), "{chain_arms:?}");
}
