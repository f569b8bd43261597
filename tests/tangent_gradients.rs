//! Loop code over at most four scalar inputs takes `NAME_grad` and `NAME_vjp` by one forward
//! sweep of tangents (`autodiff-macros/src/expand/tangent_grad.rs`), and so does the companion
//! other differentiable functions call (`tests/tangent_companions.rs`). Members of the kind (one to four inputs,
//! `for` and data-dependent `while` loops, branches, `break`/`continue`, early `return`, local
//! `Vec`s written, pushed and truncated, reassigned parameters, `wrt(..)`, `#[no_grad]`, `f32`),
//! varying calls with two inputs (an owned argument cloned per direction), and the near misses
//! that stay in reverse mode (five inputs, a slice input, three inputs and a varying call).
//! Every gradient against central differences and against the companion (reached through a
//! wrapper over a slice), and the zero rule at non-finite values against reverse mode.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

/// A one-pole filter fitted to a target: two inputs, a loop-carried recurrence.
#[differentiable]
fn filter(a: f64, b: f64, #[no_grad] x: &[f64], #[no_grad] r: &[f64]) -> f64 {
    let mut y = 0.0;
    let mut loss = 0.0;
    for t in 0..x.len() {
        y = a * y + b * x[t];
        let e = y - r[t];
        loss += e * e;
    }
    loss
}

/// Newton's method on `x³ + p x - c`: the trip count depends on the inputs.
#[differentiable]
fn newton(p: f64, c: f64) -> f64 {
    let mut x = 1.0;
    let mut step = 1.0;
    while step.abs() > 1e-12 {
        let f = x * x * x + p * x - c;
        let df = 3.0 * x * x + p;
        step = f / df;
        x -= step;
    }
    x
}

/// One input, a fixed number of trips.
#[differentiable]
fn fixed_point(p: f64) -> f64 {
    let mut x = 1.0;
    for _ in 0..30 {
        x = x.cos() + p * x.sin();
    }
    x
}

/// Three inputs; a branch, `continue` and `break` inside the loop, an early `return`.
#[differentiable]
fn clipped(a: f64, b: f64, c: f64) -> f64 {
    let mut s = 0.0;
    let mut u = a;
    for i in 0..40 {
        if i % 7 == 3 {
            continue;
        }
        // continuous at u = 1: both arms give 1 there
        u = if u > 1.0 {
            1.0 + (u - 1.0) * b
        } else {
            u + (1.0 - u) * c * 0.1
        };
        s += u.tanh() * (i as f64);
        if s > 150.0 {
            break;
        }
    }
    if a > 10.0 {
        return s * 2.0;
    }
    s / (1.0 + c * c)
}

/// Four inputs and local `Vec`s: written by index, pushed, truncated, read in a second loop.
#[differentiable]
fn vec_locals(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let mut h = vec![0.0; 6];
    let mut tail = Vec::new();
    for i in 0..6 {
        let t = i as f64 * 0.3;
        h[i] = a * t.sin() + b * (t * c).cos();
        tail.push(h[i] * d);
    }
    tail.truncate(4);
    let mut s = 0.0;
    for i in 0..tail.len() {
        s += tail[i] * h[5 - i] + h[i] * h[i];
    }
    s
}

/// Parameters reassigned in the loop, one from the other (`b` depends on `a` after a trip).
#[differentiable]
fn reassigned(mut a: f64, mut b: f64) -> f64 {
    for _ in 0..5 {
        a = a * 0.9 + b * 0.2;
        b = (a * b).sin() + 0.5;
    }
    a * b
}

/// Only `a` is differentiated; `b` is an ordinary input.
#[differentiable(wrt(a))]
fn only_a(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..10 {
        s += (a * i as f64 + b).sin();
    }
    s
}

/// `f32` inputs and output.
#[differentiable]
fn filter32(a: f32, b: f32) -> f32 {
    let mut y = 0.0f32;
    let mut loss = 0.0f32;
    for t in 0..50 {
        y = a * y + b * ((t as f32) * 0.1).sin();
        loss += (y - 0.3) * (y - 0.3);
    }
    loss
}

/// The same filter in `f64`, for `filter32`'s reference.
#[differentiable]
fn filter64(a: f64, b: f64) -> f64 {
    let mut y = 0.0;
    let mut loss = 0.0;
    for t in 0..50 {
        y = a * y + b * ((t as f64) * 0.1).sin();
        loss += (y - 0.3) * (y - 0.3);
    }
    loss
}

/// Generic over the float type: `T: Real` parameters are scalars too.
#[differentiable]
fn filter_generic<T: Real>(a: T, b: T) -> T {
    let mut y = T::zero();
    let mut loss = T::zero();
    for t in 0..50 {
        let x = T::from_f64((t as f64 * 0.1).sin());
        y = a * y + b * x;
        let e = y - T::from_f64(0.3);
        loss += e * e;
    }
    loss
}

/// The same with the bound in a `where` clause and one differentiated input.
#[differentiable(wrt(a))]
fn decay_where<T>(a: T, b: T) -> T
where
    T: Real,
{
    let mut y = T::one();
    for _ in 0..20 {
        y = y * a + b;
    }
    y
}

/// Five inputs: past the limit, reverse mode.
#[differentiable]
fn five(a: f64, b: f64, c: f64, d: f64, e: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..8 {
        let t = i as f64;
        s += (a * t + b).sin() * c + d * e * t;
    }
    s
}

/// A value that is infinite and a multiplier that is zero: `∂/∂a = Σ e^{800 b}` is infinite,
/// `∂/∂b = Σ a·800 e^{800 b}` is `0 · ∞`, zero by the zero rule in both modes.
#[differentiable]
fn overflow(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..3 {
        s += a * (b * 800.0).exp();
    }
    s
}

/// A varying call to another differentiable function, two inputs: tangent sweeps, the callee's
/// forward companion once per direction.
#[differentiable]
fn calls_filter(a: f64, b: f64) -> f64 {
    let x = [0.5, -0.25, 1.0, 0.75];
    let r = [0.1, 0.0, 0.3, 0.2];
    let mut s = 0.0;
    for k in 0..2 {
        s += filter(a, b * (k as f64 + 1.0), &x, &r);
    }
    s
}

/// A callee taking a `Vec` by value: the first direction's call gets a clone, the last moves it.
#[differentiable]
fn sum_scaled(v: Vec<f64>, s: f64) -> f64 {
    let mut t = 0.0;
    for i in 0..v.len() {
        t += v[i] * s;
    }
    t
}

#[differentiable]
fn owned_arg(a: f64, b: f64) -> f64 {
    let mut acc = 0.0;
    for k in 0..3 {
        let v = vec![a * k as f64, b, a * b];
        acc += sum_scaled(v, b + 1.0).sin();
    }
    acc
}

/// Three inputs and a varying call: past the limit for calls, reverse mode.
#[differentiable]
fn three_with_call(a: f64, b: f64, c: f64) -> f64 {
    let mut acc = 0.0;
    for k in 0..4 {
        acc += sum_scaled(vec![a, b * k as f64], c) * a;
    }
    acc
}

// Wrappers over a slice: not scalar inputs, so reverse mode, reaching the functions above
// through their companions (by tangents, but for `five` and `three_with_call`).
#[differentiable]
fn filter_rev(q: &[f64]) -> f64 {
    let x = [0.5, -0.25, 1.0, 0.75, -0.5, 0.2];
    let r = [0.1, 0.0, 0.3, 0.2, -0.1, 0.05];
    filter(q[0], q[1], &x, &r)
}
#[differentiable]
fn newton_rev(q: &[f64]) -> f64 {
    newton(q[0], q[1])
}
#[differentiable]
fn fixed_point_rev(q: &[f64]) -> f64 {
    fixed_point(q[0])
}
#[differentiable]
fn clipped_rev(q: &[f64]) -> f64 {
    clipped(q[0], q[1], q[2])
}
#[differentiable]
fn vec_locals_rev(q: &[f64]) -> f64 {
    vec_locals(q[0], q[1], q[2], q[3])
}
#[differentiable]
fn reassigned_rev(q: &[f64]) -> f64 {
    reassigned(q[0], q[1])
}
#[differentiable]
fn five_rev(q: &[f64]) -> f64 {
    five(q[0], q[1], q[2], q[3], q[4])
}
#[differentiable]
fn overflow_rev(q: &[f64]) -> f64 {
    overflow(q[0], q[1])
}
/// [`overflow`]'s body written inline: reverse mode throughout.
#[differentiable]
fn overflow_inline(q: &[f64]) -> f64 {
    let mut s = 0.0;
    for _ in 0..3 {
        s += q[0] * (q[1] * 800.0).exp();
    }
    s
}
#[differentiable]
fn owned_arg_rev(q: &[f64]) -> f64 {
    owned_arg(q[0], q[1])
}
#[differentiable]
fn three_with_call_rev(q: &[f64]) -> f64 {
    three_with_call(q[0], q[1], q[2])
}

const FX: [f64; 6] = [0.5, -0.25, 1.0, 0.75, -0.5, 0.2];
const FR: [f64; 6] = [0.1, 0.0, 0.3, 0.2, -0.1, 0.05];

type Case = (
    &'static str,
    fn(&[f64]) -> f64,
    fn(&[f64]) -> Vec<f64>,
    fn(&[f64]) -> (f64, Vec<f64>),
    Vec<Vec<f64>>,
);

/// `(name, f, its tangent-sweep gradient, its companion's value and gradient, points)`.
fn cases() -> Vec<Case> {
    vec![
        (
            "filter",
            |q| filter(q[0], q[1], &FX, &FR),
            |q| {
                let (_, (ga, gb)) = filter_grad(q[0], q[1], &FX, &FR);
                vec![ga, gb]
            },
            |q| filter_rev_grad(q),
            vec![vec![0.9, 0.5], vec![-0.3, 1.7], vec![0.0, 0.0]],
        ),
        (
            "newton",
            |q| newton(q[0], q[1]),
            |q| {
                let (_, (gp, gc)) = newton_grad(q[0], q[1]);
                vec![gp, gc]
            },
            |q| newton_rev_grad(q),
            vec![vec![2.0, 3.0], vec![0.5, -1.0], vec![4.0, 10.0]],
        ),
        (
            "fixed point",
            |q| fixed_point(q[0]),
            |q| vec![fixed_point_grad(q[0]).1],
            |q| fixed_point_rev_grad(q),
            vec![vec![0.3], vec![-0.2]],
        ),
        (
            "clipped",
            |q| clipped(q[0], q[1], q[2]),
            |q| {
                let (_, (ga, gb, gc)) = clipped_grad(q[0], q[1], q[2]);
                vec![ga, gb, gc]
            },
            |q| clipped_rev_grad(q),
            vec![
                vec![0.4, 0.8, 0.3],
                vec![1.5, 0.9, 0.2],
                vec![11.0, 0.7, -0.4],
            ],
        ),
        (
            "vec locals",
            |q| vec_locals(q[0], q[1], q[2], q[3]),
            |q| {
                let (_, (ga, gb, gc, gd)) = vec_locals_grad(q[0], q[1], q[2], q[3]);
                vec![ga, gb, gc, gd]
            },
            |q| vec_locals_rev_grad(q),
            vec![vec![0.7, -0.4, 1.3, 0.9], vec![-1.1, 0.2, 0.5, -2.0]],
        ),
        (
            "reassigned",
            |q| reassigned(q[0], q[1]),
            |q| {
                let (_, (ga, gb)) = reassigned_grad(q[0], q[1]);
                vec![ga, gb]
            },
            |q| reassigned_rev_grad(q),
            vec![vec![0.6, 0.3], vec![-0.8, 1.2]],
        ),
        (
            "call with an owned argument",
            |q| owned_arg(q[0], q[1]),
            |q| {
                let (_, (ga, gb)) = owned_arg_grad(q[0], q[1]);
                vec![ga, gb]
            },
            |q| owned_arg_rev_grad(q),
            vec![vec![0.4, -0.3], vec![1.2, 0.5]],
        ),
        (
            "three inputs and a call (reverse mode)",
            |q| three_with_call(q[0], q[1], q[2]),
            |q| {
                let (_, (ga, gb, gc)) = three_with_call_grad(q[0], q[1], q[2]);
                vec![ga, gb, gc]
            },
            |q| three_with_call_rev_grad(q),
            vec![vec![0.4, -0.3, 0.8]],
        ),
        (
            "five (reverse mode)",
            |q| five(q[0], q[1], q[2], q[3], q[4]),
            |q| {
                let (_, (a, b, c, d, e)) = five_grad(q[0], q[1], q[2], q[3], q[4]);
                vec![a, b, c, d, e]
            },
            |q| five_rev_grad(q),
            vec![vec![0.3, -0.2, 0.9, 1.1, -0.7]],
        ),
    ]
}

#[test]
fn tangent_sweeps_against_central_differences_and_the_companion() {
    let tol = Tolerance::new(1e-6, 1e-6);
    let exact = Tolerance::new(1e-12, 1e-10);
    for (name, f, grad, rev, points) in cases() {
        for q in points {
            let g = grad(&q);
            let fd = numeric_gradient(f, &q, 1e-6);
            let (rv, rg) = rev(&q);
            assert!(exact.accepts(rv, f(&q)), "{name} at {q:?}: value");
            assert_eq!(g.len(), fd.len(), "{name}");
            for i in 0..g.len() {
                assert!(
                    tol.accepts(g[i], fd[i]),
                    "{name}[{i}] at {q:?}: {} vs central differences {}",
                    g[i],
                    fd[i]
                );
                assert!(
                    exact.accepts(g[i], rg[i]),
                    "{name}[{i}] at {q:?}: {} vs companion {}",
                    g[i],
                    rg[i]
                );
            }
        }
    }
}

#[test]
fn values_and_pullbacks_of_tangent_sweeps() {
    let exact = Tolerance::new(1e-12, 1e-12);
    let (v, (ga, gb)) = filter_grad(0.9, 0.5, &FX, &FR);
    assert!(exact.accepts(v, filter(0.9, 0.5, &FX, &FR)));
    let (v2, pull) = filter_vjp(0.9, 0.5, &FX, &FR);
    assert!(exact.accepts(v, v2));
    // The pullback scales the gradient by the cotangent: ȳ ↦ (ȳ ∂f/∂a, ȳ ∂f/∂b).
    for cot in [1.0, 2.5, -0.5, 0.0] {
        let (pa, pb) = pull(cot);
        assert!(exact.accepts(pa, cot * ga), "{cot}: {pa} vs {}", cot * ga);
        assert!(exact.accepts(pb, cot * gb), "{cot}: {pb} vs {}", cot * gb);
    }
    // `_jvp` agrees with the gradient: ⟨∇f, (ta, tb)⟩.
    let (_, t) = filter_jvp(0.9, 0.5, &FX, &FR, 0.3, -1.2);
    assert!(exact.accepts(t, 0.3 * ga - 1.2 * gb));
}

#[test]
fn wrt_subset_and_f32() {
    let tol = Tolerance::new(1e-6, 1e-6);
    let (v, ga) = only_a_grad(0.4, 1.3);
    assert!(tol.accepts(v, only_a(0.4, 1.3)));
    let fd = numeric_gradient(|q| only_a(q[0], 1.3), &[0.4], 1e-6);
    assert!(tol.accepts(ga, fd[0]), "{ga} vs {}", fd[0]);
    // f32 against the same algorithm's f64 gradient.
    let (_, (a32, b32)) = filter32_grad(0.8, 0.6);
    let (_, (a64, b64)) = filter64_grad(0.8, 0.6);
    let loose = Tolerance::new(1e-4, 1e-4);
    assert!(loose.accepts(f64::from(a32), a64), "{a32} vs {a64}");
    assert!(loose.accepts(f64::from(b32), b64), "{b32} vs {b64}");
    let fd = numeric_gradient(|q| filter64(q[0], q[1]), &[0.8, 0.6], 1e-6);
    assert!(tol.accepts(a64, fd[0]) && tol.accepts(b64, fd[1]));
}

#[test]
fn zero_rule_at_non_finite_values_matches_reverse_mode() {
    // At a = 0, b = 1: e^{800} overflows. ∂/∂a = 3·e^{800} = ∞; ∂/∂b = 3·a·800·e^{800} is
    // 0 · ∞, which both modes give as 0 (a zero multiplier stops the derivative).
    // The same through the companion a caller reaches, and with the body inline (reverse mode).
    let (_, (ga, gb)) = overflow_grad(0.0, 1.0);
    assert!(ga.is_infinite() && ga > 0.0, "{ga}");
    assert!(gb.abs() < 1e-300, "{gb}");
    for rg in [
        overflow_rev_grad(&[0.0, 1.0]).1,
        overflow_inline_grad(&[0.0, 1.0]).1,
    ] {
        assert!(rg[0].is_infinite() && rg[0] > 0.0, "{rg:?}");
        assert!(rg[1].abs() < 1e-300, "{gb} vs {}", rg[1]);
    }
    // Finite point: ∂/∂a = 3 e^{800 b}, ∂/∂b = 2400 a e^{800 b}.
    let (a, b) = (0.7, -0.001);
    let (_, (ga, gb)) = overflow_grad(a, b);
    let e = (800.0 * b).exp();
    assert!(Tolerance::new(1e-12, 1e-12).accepts(ga, 3.0 * e));
    assert!(Tolerance::new(1e-12, 1e-12).accepts(gb, 2400.0 * a * e));
}

#[test]
fn a_varying_call_with_two_inputs_is_right() {
    let tol = Tolerance::new(1e-6, 1e-6);
    let q = [0.8, 0.4];
    let (_, (ga, gb)) = calls_filter_grad(q[0], q[1]);
    let fd = numeric_gradient(|q| calls_filter(q[0], q[1]), &q, 1e-6);
    assert!(tol.accepts(ga, fd[0]), "{ga} vs {}", fd[0]);
    assert!(tol.accepts(gb, fd[1]), "{gb} vs {}", fd[1]);
}

#[test]
fn generic_real_scalars() {
    // filter_generic is filter64 written over T: the same gradient at f64, close at f32.
    let exact = Tolerance::new(1e-12, 1e-12);
    let (v, (ga, gb)) = filter_generic_grad(0.8_f64, 0.6);
    let (w, (ha, hb)) = filter64_grad(0.8, 0.6);
    assert!(exact.accepts(v, w) && exact.accepts(ga, ha) && exact.accepts(gb, hb));
    let (_, (fa, fb)) = filter_generic_grad(0.8_f32, 0.6_f32);
    let loose = Tolerance::new(1e-4, 1e-4);
    assert!(loose.accepts(f64::from(fa), ha) && loose.accepts(f64::from(fb), hb));
    // y_20 = a^20 + b (a^19 + .. + 1): dy/da = 20 a^19 + b Σ_{k=1}^{19} k a^{k-1}.
    let (a, b) = (0.9_f64, 0.3);
    let (_, da) = decay_where_grad(a, b);
    let want = 20.0 * a.powi(19) + b * (1..20).map(|k| k as f64 * a.powi(k - 1)).sum::<f64>();
    assert!(
        Tolerance::new(1e-12, 1e-10).accepts(da, want),
        "{da} vs {want}"
    );
    let (_, pull) = decay_where_vjp(a, b);
    assert!(Tolerance::new(1e-12, 1e-10).accepts(pull(2.0), 2.0 * want));
}
