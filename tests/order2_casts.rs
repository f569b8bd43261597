//! `as` casts of the scalar to integer types and to the other float type in `order = 2`
//! functions. The second-order companion runs at dual numbers, which `as` cannot convert; the
//! cast takes the value first. Each result carries no derivative (an index, a trip count, a
//! branch), so the gradient and the Hessian-vector product are those of the arm or element the
//! cast picks: checked against central differences away from the cast's jumps, with the values
//! of `f`, `f_grad` and `f_hvp` against each other.

#![allow(clippy::needless_range_loop, clippy::unnecessary_cast)] // literal casts on purpose

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// An index computed from a differentiated value: `x[⌊2 x₀⌋ + 1] · x₀`.
#[differentiable(order = 2)]
fn index_from_value(x: &[f64]) -> f64 {
    let j = (x[0] * 2.0) as usize + 1;
    x[j] * x[0]
}

/// A trip count from a value (`as i32`), a cast inside the loop's range.
#[differentiable(order = 2)]
fn trips_from_value(x: &[f64]) -> f64 {
    let mut s = x[1];
    for _ in 0..(x[0] * 3.0) as i32 {
        s = s * x[2] + x[1];
    }
    s * s
}

/// A cast inside a condition and as a method receiver, and of a sum built in a loop.
#[differentiable(order = 2)]
fn cast_in_condition(x: &[f64]) -> f64 {
    let mut y = 0.0;
    for i in 0..x.len() {
        y += x[i];
    }
    let k = (y.abs() as usize).min(x.len() - 1);
    if (x[0] * 4.0) as i64 > 1 {
        x[k] * y.sin()
    } else {
        x[k] * y.cos()
    }
}

/// A cast to the other float type whose result feeds only comparisons, and one in a `while`.
#[differentiable(order = 2)]
fn other_float_condition(x: &[f64]) -> f64 {
    let mut s = x[0] * x[1];
    let mut n = 0;
    while (s as f32) < 2.0f32 && n < 8 {
        s = s * 1.5 + x[2];
        n += 1;
    }
    if (x[1] as f32) > 0.25 { s * x[1] } else { s }
}

/// Integer operands pass through the cast unchanged: loop indices, literals, booleans.
#[differentiable(order = 2)]
fn integer_operands(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() as i32 {
        let j = (i as usize + 3 as usize) % x.len();
        let b = (x[j] > 0.0) as usize;
        s += x[j] * x[b] + (i as f64) * x[i as usize];
    }
    s * s
}

#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// A call's value cast, directly and after binding it.
#[differentiable(order = 2)]
fn call_cast(x: &[f64]) -> f64 {
    let j = dot(x, x) as usize % x.len();
    let d = dot(&x[1..], &x[1..]);
    let k = (d * 2.0) as usize % x.len();
    x[j] * x[k] * d
}

/// An `f32` function: a cast to `f64` (the other float type) that only chooses.
#[differentiable(order = 2)]
fn in_f32(x: &[f32]) -> f32 {
    let w = x[0] as f64;
    let j = (x[1] * 2.0) as usize;
    if w > 0.1 {
        x[j] * x[0] * x[0]
    } else {
        x[j] * x[1]
    }
}

const V: [f64; 4] = [0.5, 0.1, -0.3, 0.7];

macro_rules! run {
    ($f:ident, $g:ident, $h:ident, $xs:expr) => {{
        for x in $xs {
            let x: Vec<f64> = x.to_vec();
            let name = stringify!($f);
            let want = $f(&x);
            let (val, grad) = $g(&x);
            assert!(
                (val - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{name} at {x:?}: grad value {val} vs {want}"
            );
            check(&format!("{name} at {x:?}"), |y| $f(y), &grad, &x);
            let v = &V[..x.len()];
            let (hval, hgrad, hv) = $h(&x, v.to_vec());
            assert!(
                (hval - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{name} at {x:?}: hvp value {hval} vs {want}"
            );
            for k in 0..x.len() {
                assert!(
                    (hgrad[k] - grad[k]).abs() <= 1e-10 * (1.0 + grad[k].abs()),
                    "{name} at {x:?}: hvp grad[{k}] {} vs {}",
                    hgrad[k],
                    grad[k]
                );
            }
            check_hvp(&format!("{name} at {x:?}"), |y| $g(y).1, &hv, &x, v);
        }
    }};
}

#[test]
fn an_index_from_a_value_picks_the_element() {
    // ⌊2 x₀⌋ + 1 = 1, 2, 3 in turn; away from x₀ = k/2.
    run!(
        index_from_value,
        index_from_value_grad,
        index_from_value_hvp,
        [
            [0.2, 0.7, -0.4, 1.3],
            [0.7, 0.7, -0.4, 1.3],
            [1.2, 0.7, -0.4, 1.3]
        ]
    );
    // Analytic: at x₀ = 0.7, f = x₂ x₀, so ∂f/∂x₀ = x₂ and ∂f/∂x₂ = x₀; H v = (v₂, 0, v₀, 0).
    let (_, g) = index_from_value_grad(&[0.7, 0.7, -0.4, 1.3]);
    assert!((g[0] + 0.4).abs() < 1e-12 && (g[2] - 0.7).abs() < 1e-12);
    let (_, _, hv) = index_from_value_hvp(&[0.7, 0.7, -0.4, 1.3], V.to_vec());
    assert!((hv[0] - V[2]).abs() < 1e-12 && (hv[2] - V[0]).abs() < 1e-12);
}

#[test]
fn a_trip_count_from_a_value() {
    run!(
        trips_from_value,
        trips_from_value_grad,
        trips_from_value_hvp,
        [[0.1, 0.5, 0.8], [0.5, 0.5, 0.8], [1.1, -0.3, 1.2]]
    );
}

#[test]
fn casts_in_conditions_and_receivers() {
    run!(
        cast_in_condition,
        cast_in_condition_grad,
        cast_in_condition_hvp,
        [
            [0.1, 0.3, 0.2, 0.1],
            [0.6, 0.9, 0.8, 0.9],
            [-0.6, -0.9, 0.3, -1.3]
        ]
    );
}

#[test]
fn other_float_casts_in_conditions() {
    run!(
        other_float_condition,
        other_float_condition_grad,
        other_float_condition_hvp,
        [[0.5, 0.6, 0.3], [1.5, 1.6, 0.3], [0.5, 0.1, 0.2]]
    );
}

#[test]
fn integer_operands_are_unchanged() {
    run!(
        integer_operands,
        integer_operands_grad,
        integer_operands_hvp,
        [[0.5, -0.6, 0.3, 0.9], [-0.5, 0.6, -0.3, 0.2]]
    );
}

#[test]
fn a_calls_value_cast() {
    run!(
        call_cast,
        call_cast_grad,
        call_cast_hvp,
        [[0.3, 0.4, 0.5], [1.1, 0.9, -0.7], [0.1, -0.2, 0.15]]
    );
}

#[test]
fn f32_function_casts_to_f64() {
    // Against the f64 version of the same arithmetic (exact up to f32 rounding).
    for x in [[0.7f32, 0.3, 1.1], [0.05, 0.8, 1.1]] {
        let (val, g) = in_f32_grad(&x);
        let (hval, hg, hv) = in_f32_hvp(&x, vec![0.5, 0.1, -0.3]);
        let j = (x[1] * 2.0) as usize;
        let (x0, x1, xj) = (x[0] as f64, x[1] as f64, x[j] as f64);
        let mut want = [0.0f64; 3];
        let mut want_hv = [0.0f64; 3];
        let v = [0.5f64, 0.1, -0.3];
        let f = if x0 > 0.1 {
            // f = x_j x₀²: ∂/∂x₀ = 2 x_j x₀, ∂/∂x_j = x₀² (j = 0 here).
            want[0] += 2.0 * xj * x0;
            want[j] += x0 * x0;
            want_hv[0] += 2.0 * xj * v[0] + 2.0 * x0 * v[j];
            want_hv[j] += 2.0 * x0 * v[0];
            xj * x0 * x0
        } else {
            // f = x_j x₁: ∂/∂x₁ = x_j, ∂/∂x_j = x₁.
            want[1] += xj;
            want[j] += x1;
            want_hv[1] += v[j];
            want_hv[j] += v[1];
            xj * x1
        };
        assert!((val as f64 - f).abs() < 1e-5 && (hval as f64 - f).abs() < 1e-5);
        for k in 0..3 {
            assert!(
                (g[k] as f64 - want[k]).abs() < 1e-5,
                "grad[{k}] {} vs {}",
                g[k],
                want[k]
            );
            assert!((hg[k] - g[k]).abs() < 1e-6);
            assert!(
                (hv[k] as f64 - want_hv[k]).abs() < 1e-5,
                "hv[{k}] {} vs {}",
                hv[k],
                want_hv[k]
            );
        }
    }
}
