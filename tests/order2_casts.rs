//! `as` casts of the scalar to integer types and to `f32` in `order = 2` `f64` functions. The
//! second-order companion runs at dual numbers, which `as` cannot convert; the cast takes the
//! value first (in an `f32` function the cast stays a compile error, `x.to_f64() as usize` is
//! its spelling: see the README). Each result carries no derivative (an index, a trip count, a
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

/// A fieldless enum that is not `Copy`, cast by value; casts in constants (array lengths);
/// casts to integer types spelled by their path.
enum Mode {
    Near,
    Far,
}

#[differentiable(order = 2)]
fn enum_and_consts(x: &[f64]) -> f64 {
    let mode = if x[0] > 0.5 { Mode::Far } else { Mode::Near };
    let m = mode as usize;
    let w = [0.5; 2 as usize];
    let a: [f64; 3 as usize] = [x[0], x[1], x[2]];
    let j = (x[1] * 2.0) as std::primitive::usize % 3;
    let k = Mode::Far as core::primitive::i32;
    a[j] * w[m] * x[0] + k as f64 * a[2] * a[2]
}

/// An `f32` function's casts, spelled through `to_f64`.
#[differentiable(order = 2)]
fn in_f32(x: &[f32]) -> f32 {
    let j = (x[1] * 2.0).to_f64() as usize;
    if x[0].to_f64() > 0.1 {
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
fn enums_constants_and_paths() {
    run!(
        enum_and_consts,
        enum_and_consts_grad,
        enum_and_consts_hvp,
        [[0.7, 0.3, -0.4], [0.2, 1.2, 0.9], [0.9, -0.6, 1.3]]
    );
}

#[test]
fn f32_function_casts_through_to_f64() {
    for x in [[0.7f32, 0.3, 1.1], [0.05, 0.8, 1.1]] {
        let (val, g) = in_f32_grad(&x);
        let v = [0.5f32, 0.1, -0.3];
        let (hval, hg, hv) = in_f32_hvp(&x, v.to_vec());
        let j = (x[1] * 2.0) as usize;
        let mut want = [0.0f32; 3];
        let mut want_hv = [0.0f32; 3];
        let f = if x[0] > 0.1 {
            // f = x_j x₀² (j = 0 here, so x₀³): ∂/∂x₀ = 3 x₀², H v = 6 x₀ v₀ e₀
            want[0] = 3.0 * x[0] * x[0];
            want_hv[0] = 6.0 * x[0] * v[0];
            x[j] * x[0] * x[0]
        } else {
            // f = x_j x₁ (j = 1 here, so x₁²): ∂/∂x₁ = 2 x₁, H v = 2 v₁ e₁
            want[1] = 2.0 * x[1];
            want_hv[1] = 2.0 * v[1];
            x[j] * x[1]
        };
        assert!((val - f).abs() < 1e-6 && (hval - f).abs() < 1e-6);
        for k in 0..3 {
            assert!(
                (g[k] - want[k]).abs() < 1e-5,
                "grad[{k}] {} vs {}",
                g[k],
                want[k]
            );
            assert!((hg[k] - g[k]).abs() < 1e-6);
            assert!(
                (hv[k] - want_hv[k]).abs() < 1e-5,
                "hv[{k}] {} vs {}",
                hv[k],
                want_hv[k]
            );
        }
    }
}

/// An `f32` function comparing an `f64` constant (suffixed): `0.3 * 3.0 > 0.9` is false in `f64`
/// (0.8999999999999999) and true in `f32`; the companion must take the `f64` arm as `f` does.
#[differentiable(order = 2)]
fn f64_constant_in_f32(x: &[f32]) -> f32 {
    let h = 0.3f64;
    if h * 3.0 > 0.9 {
        x[0] * x[0]
    } else {
        x[0] * x[1]
    }
}

#[test]
fn a_suffixed_f64_constant_compares_in_f64() {
    let x = [0.5f32, 0.7];
    assert!((f64_constant_in_f32(&x) - 0.35).abs() < 1e-6);
    let (v, g) = f64_constant_in_f32_grad(&x);
    let (hv_val, hg, hv) = f64_constant_in_f32_hvp(&x, vec![1.0, 0.0]);
    // f = x₀ x₁: ∇f = (x₁, x₀), H e₀ = (0, 1)
    assert!((v - 0.35).abs() < 1e-6 && (hv_val - 0.35).abs() < 1e-6);
    assert!(
        (g[0] - 0.7).abs() < 1e-6 && (g[1] - 0.5).abs() < 1e-6,
        "{g:?}"
    );
    assert!((hg[0] - g[0]).abs() < 1e-6 && (hg[1] - g[1]).abs() < 1e-6);
    assert!(hv[0].abs() < 1e-6 && (hv[1] - 1.0).abs() < 1e-6, "{hv:?}");
}
