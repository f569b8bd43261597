//! More branches whose condition calls numeric methods on locals, evaluated again in the
//! reverse sweep, and values rebuilt through `abs`, `min` and `max`: inner loops reassigning
//! the source of a rebuilt value, early `return`, `break` and `continue` out of arms, integer
//! locals in conditions, `while` and `loop`, `order = 2` functions (Hessian-vector products
//! against central differences of the gradient), and conditions on elements of and
//! references into local `Vec`s written later in the trip. Each gradient against central
//! differences at points taking every arm; the pullback twice and forward mode against the
//! gradient.

// The written forms (index loops, `s = s + ..`, `k % 2 == 0`, a `vec!` written by index) are
// the constructs under test.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::useless_vec,
    clippy::manual_is_multiple_of
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

/// `abs` and `max` values used inside an inner loop that reassigns their source, and after.
#[differentiable]
fn f0(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        let m = s.abs();
        for j in 0..3 {
            s = s * p[1] + m * x[(i + j) % x.len()];
            l += m * s;
        }
        let hi = m.max(s);
        if x[i] > 0.0 {
            s = s * 0.5;
        } else {
            s = -s;
        }
        l += hi * s;
        s = s.sin();
    }
    l
}

/// Rebuilt values outside loops across a branch that reassigns their source.
#[differentiable]
fn f1(p: &[f64]) -> f64 {
    let mut s = p[0] * p[1];
    let m = s.abs();
    let lo = m.min(p[2]);
    if p[0] > 0.0 {
        s = s * s;
    } else {
        s = s - m;
    }
    let n = (-s).max(lo);
    s = s * 3.0;
    let mut l = m * s + n * lo;
    if n.abs() > 0.3 {
        l += n * s;
    }
    l
}

/// Early `return` and `continue` in branches on methods of a loop-carried float.
#[differentiable]
fn f2(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 2.0 {
            return l + s * p[2];
        }
        if s.abs() < 0.2 {
            s = s + 0.3;
            continue;
        }
        if (s - p[2]).abs() > 0.5 {
            l += s * s;
        } else {
            l -= s;
        }
        s = s * 0.9;
    }
    l
}

/// A copy of a float taken before the float is reassigned, both tested.
#[differentiable]
fn f3(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        let a = s;
        s = s * s * 0.3;
        if a.abs() > 0.6 {
            l += a * p[2];
        } else {
            l += s;
        }
        if s.sqrt() > 0.2 {
            l += s * a;
        }
    }
    l
}

/// Methods of two computed floats in one condition (the arm is recorded) and `is_nan`.
#[differentiable]
fn f4(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] + p[1];
        let q = r * r - p[2];
        if q.abs() > 0.25 && r > 0.0 {
            l += q;
        } else if q.abs() > 0.25 || r.is_nan() {
            l += q * r;
        } else {
            l += r;
        }
        let z = if r.max(q) > 0.1 { r.max(q) } else { r.min(q) };
        l += z * z;
    }
    l
}

/// A method of a computed float beside an integer local changed later in the trip.
#[differentiable]
fn f5(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    let mut k = 0usize;
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 0.5 && k % 2 == 0 {
            l += s * s;
            k += 1;
        } else {
            l += s * p[2];
        }
        if x[i] > 0.3 {
            k += 1;
        }
    }
    l
}

/// A branch inside a `while` whose condition also calls a method.
#[differentiable]
fn f6(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        let mut t = s;
        while t.abs() > 0.3 {
            if t.abs() > 1.0 {
                t = t * 0.5;
            } else {
                t = t * 0.7 + 0.01;
            }
        }
        l += t * s;
    }
    l
}

/// Nested branches on versions of one float reassigned in the outer arm.
#[differentiable]
fn f7(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 0.8 {
            s = s * 0.5;
            if s.abs() > 0.6 {
                s = s - 0.2;
            } else {
                l += s;
            }
        } else {
            l += s * s;
        }
        if s.abs() > 0.4 {
            l += s * p[2];
        }
    }
    l
}

/// `continue` and `break` from inside arms whose condition is evaluated again.
#[differentiable]
fn g0(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > 0.7 {
            l += s * p[2];
            if x[i] > 0.5 {
                s = s * 0.3;
                continue;
            }
            l += s * s;
        } else {
            l -= s * p[0];
            if x[i] < -1.0 {
                break;
            }
        }
        s = s * 0.8 + 0.1;
    }
    l + s
}

/// `return` from inside an arm in a loop.
#[differentiable]
fn g1(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        let t = s * s;
        if t.sqrt() > 0.9 {
            l += t * p[2];
            if t > 4.0 {
                return l * s;
            }
        } else {
            l += s;
        }
        s = s.cos() + p[0];
    }
    l
}

/// `return` from inside an arm outside loops.
#[differentiable]
fn g2(p: &[f64]) -> f64 {
    let a = p[0] * p[1];
    let mut l = a;
    if a.abs() > 0.3 {
        l += a * p[2];
        if p[2] > 1.0 {
            return l * a;
        }
        l = l * l;
    } else {
        l -= a * a;
    }
    l + a
}

/// A `loop` with a `break` on an integer and a branch on a method.
#[differentiable]
fn g3(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    let mut i = 0;
    loop {
        if i >= x.len() {
            break;
        }
        s = s * p[1] + x[i];
        if s.abs() > 0.6 {
            l += s;
        } else {
            l += s * s * p[2];
        }
        i += 1;
    }
    l
}

/// `abs`, `max` and `min` values read by the condition and the arms.
#[differentiable]
fn g4(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = p[0] * x[i] + p[1];
        let v = r.abs();
        let w = r.max(p[2]);
        if v > 0.5 {
            l += v * w;
        } else {
            l += r.min(0.137) * w;
        }
    }
    l
}

/// `order = 2`: conditions with methods and rebuilt values, in and outside a loop.
#[differentiable(order = 2)]
fn o1(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut s = p[0];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        let m = s.abs();
        if m.sqrt() > 0.8 {
            l += s * s * p[2];
        } else if s.max(p[2]) < 0.3 {
            l += m * s;
        } else {
            l -= s.powi(3);
        }
        let lo = s.min(p[0]);
        s = s * 0.5;
        l += lo * m * s;
    }
    let a = p[0] * p[2];
    let b = a.abs();
    if b.floor() >= 1.0 {
        l + b * a
    } else {
        l - a.max(0.23) * b
    }
}

/// `order = 2`, generic: a condition with `abs` and `is_nan`.
#[differentiable(order = 2)]
fn o2<T: Real>(p: &[T], #[no_grad] x: &[T]) -> T {
    let mut l = T::zero();
    let mut s = p[0];
    let lim = p[2];
    for i in 0..x.len() {
        s = s * p[1] + x[i];
        if s.abs() > lim.abs() && !s.is_nan() {
            l += s * s * lim;
        } else {
            l += s.sin();
        }
        s = s.tanh();
    }
    l
}

/// `abs` of a value from a local `Vec` in a nested loop, the element written after.
#[differentiable]
fn v1(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut v = vec![0.0; x.len()];
    for i in 0..x.len() {
        v[i] = p[0] * x[i] + p[1];
    }
    let mut l = 0.0;
    for k in 0..2 {
        for i in 0..x.len() {
            let r = v[i] * p[2];
            let m = r.abs();
            if m.max(0.1) > 0.4 {
                l += m * v[i];
            }
            v[i] = v[i] * 0.5 - r;
            l += m * v[i] * (k as f64 + 1.0);
        }
    }
    l
}

/// A condition on an element of a local `Vec` written later in the trip.
#[differentiable]
fn v0(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut v = vec![0.0; x.len()];
    for i in 0..x.len() {
        v[i] = p[0] * x[i] + p[1];
    }
    let mut l = 0.0;
    for i in 0..x.len() {
        let r = v[i];
        if r.abs() > 0.537 {
            l += r * p[2];
        } else {
            l += r * r;
        }
        v[i] = r * 3.0 + 1.0;
        v[(i + 1) % x.len()] = v[i] * 0.5;
    }
    l + v[0] * v[1]
}

/// A condition on a reference into a local `Vec` written later in the trip.
#[differentiable]
fn v2(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut v = p.to_vec();
    for i in 0..x.len() {
        let j = i % v.len();
        let r = &v[j];
        if r.abs() > 0.613 {
            l += r * x[i];
        } else {
            l -= r * r;
        }
        v[j] = v[j] * 0.9 + x[i];
    }
    l
}

/// A condition on computed floats and elements of a local `Vec` the arms write.
#[differentiable]
fn v3(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut w = vec![p[0], p[1], p[2]];
    for i in 0..x.len() {
        let a = w[0] * x[i];
        if a.abs() < w[1].abs() {
            w[0] = w[0] * 0.5 + a;
        } else {
            w[1] = w[1] - a * 0.1;
        }
        l += w[0] * w[1];
    }
    l
}

const POINTS: [[f64; 3]; 5] = [
    [0.4, 0.9, 0.5],
    [-1.2, 0.3, 0.2],
    [0.1, 1.3, 1.5],
    [2.0, -0.7, 0.05],
    [0.75, -1.1, -0.6],
];

#[test]
fn rebuilt_values_and_reassigned_sources() {
    let x = sines(13, 1.6);
    for p in POINTS {
        let p = p.to_vec();
        chk!(f0, f0_grad, f0_vjp, f0_jvp, p.clone(), &x);
        chk!(f1, f1_grad, f1_vjp, f1_jvp, p.clone());
        chk!(f3, f3_grad, f3_vjp, f3_jvp, p.clone(), &x);
        chk!(g4, g4_grad, g4_vjp, g4_jvp, p.clone(), &x);
    }
}

#[test]
fn jumps_and_loops() {
    let x = sines(13, 1.6);
    for p in POINTS {
        let p = p.to_vec();
        chk!(f2, f2_grad, f2_vjp, f2_jvp, p.clone(), &x);
        chk!(f4, f4_grad, f4_vjp, f4_jvp, p.clone(), &x);
        chk!(f5, f5_grad, f5_vjp, f5_jvp, p.clone(), &x);
        chk!(f6, f6_grad, f6_vjp, f6_jvp, p.clone(), &x);
        chk!(f7, f7_grad, f7_vjp, f7_jvp, p.clone(), &x);
        chk!(g0, g0_grad, g0_vjp, g0_jvp, p.clone(), &x);
        chk!(g1, g1_grad, g1_vjp, g1_jvp, p.clone(), &x);
        chk!(g2, g2_grad, g2_vjp, g2_jvp, p.clone());
        chk!(g3, g3_grad, g3_vjp, g3_jvp, p.clone(), &x);
    }
}

#[test]
fn second_order() {
    let x = sines(13, 1.6);
    for p in POINTS {
        let p = p.to_vec();
        chk!(o1, o1_grad, o1_vjp, o1_jvp, p.clone(), &x);
        chk!(o2, o2_grad, o2_vjp, o2_jvp, p.clone(), &x);
        let dir = sines(3, 0.8);
        let (_, _, hv) = o1_hvp(&p, &x, dir.clone());
        check_hvp("o1", |q| o1_grad(q, &x).1, &hv, &p, &dir);
        let (_, _, hv) = o2_hvp(&p, &x, dir.clone());
        check_hvp("o2", |q| o2_grad(q, &x).1, &hv, &p, &dir);
    }
}

#[test]
fn local_vecs() {
    let x = sines(9, 1.6);
    for p in POINTS {
        let p = p.to_vec();
        chk!(v0, v0_grad, v0_vjp, v0_jvp, p.clone(), &x);
        chk!(v1, v1_grad, v1_vjp, v1_jvp, p.clone(), &x);
        chk!(v2, v2_grad, v2_vjp, v2_jvp, p.clone(), &x);
        chk!(v3, v3_grad, v3_vjp, v3_jvp, p.clone(), &x);
    }
}

#[test]
fn every_arm_is_taken_at_these_points() {
    // g0: both arms, the `continue` and the `break`; f2: the `return`, the `continue` and both
    // arms of the last branch (the primal written out).
    let x = sines(13, 1.6);
    let (mut g0_arms, mut f2_arms) = ([0usize; 4], [0usize; 4]);
    for p in POINTS {
        let mut s: f64 = p[0];
        for i in 0..x.len() {
            s = s * p[1] + x[i];
            if s.abs() > 0.7 {
                g0_arms[0] += 1;
                if x[i] > 0.5 {
                    g0_arms[2] += 1;
                    s *= 0.3;
                    continue;
                }
            } else {
                g0_arms[1] += 1;
                if x[i] < -1.0 {
                    g0_arms[3] += 1;
                    break;
                }
            }
            s = s * 0.8 + 0.1;
        }
        let mut s: f64 = p[0];
        for i in 0..x.len() {
            s = s * p[1] + x[i];
            if s.abs() > 2.0 {
                f2_arms[0] += 1;
                break;
            }
            if s.abs() < 0.2 {
                f2_arms[1] += 1;
                s += 0.3;
                continue;
            }
            f2_arms[2 + usize::from((s - p[2]).abs() > 0.5)] += 1;
            s *= 0.9;
        }
    }
    assert!(g0_arms.iter().all(|n| *n > 0), "{g0_arms:?}");
    assert!(f2_arms.iter().all(|n| *n > 0), "{f2_arms:?}");
}
