//! Valid Rust that used to fail to compile in the generated code: explicit dereference, the
//! path form of float methods (`f64::sqrt(x)`, `T::sqrt(x)`, `f64::max(a, b)`), `sin_cos`,
//! `to_degrees` / `to_radians`, `asinh` / `acosh` / `atanh`, `v.to_vec()`, `Vec::from(v)`, a `mut`
//! parameter outside `wrt(..)` assigned a differentiable value.
//! Each checked against its analytic derivative and central differences.

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

#[differentiable]
fn deref_param(a: &f64) -> f64 {
    *a * *a
}

#[differentiable]
fn deref_in_loop(x: f64, r: &[i32]) -> f64 {
    let mut s = 0.0;
    for i in r.iter() {
        s += x * (*i as f64);
    }
    s
}

#[differentiable]
fn path_forms(x: f64, y: f64) -> f64 {
    f64::sqrt(x) + f64::max(x, y) * f64::sin(y) + f64::powi(x, 3)
}

#[differentiable]
fn generic_path_form<T: Real>(x: T) -> T {
    T::sqrt(x) * T::exp(x)
}

#[differentiable]
fn sin_cos_and_degrees(x: f64) -> f64 {
    let (s, c) = x.sin_cos();
    s * c + x.to_degrees() + x.to_radians() * 2.0
}

#[differentiable]
fn inverse_hyperbolic(x: f64) -> f64 {
    x.asinh() + (x + 2.0).acosh() + (0.5 * x).atanh()
}

#[differentiable]
fn to_vec_and_from(v: &[f64]) -> f64 {
    let w = v.to_vec();
    let u = Vec::from(v);
    w[0] * u[1] + w[1]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * (1.0 + b.abs())
}

#[test]
fn explicit_dereference() {
    // d/da a² = 2a
    let (y, g) = deref_param_grad(&1.5);
    assert!(close(y, 2.25) && close(g, 3.0), "{y} {g}");
    // d/dx x * sum(r) = sum(r)
    let (_, g) = deref_in_loop_grad(0.5, &[1, 2, 3]);
    assert!(close(g, 6.0), "{g}");
}

#[test]
fn path_forms_of_methods() {
    // d/dx = 1/(2 sqrt x) + [x >= y] sin y + 3x²; d/dy = [y > x] sin y + max(x, y) cos y
    for (x, y) in [(0.7, 0.2), (0.3, 0.9)] {
        let (_, (gx, gy)) = path_forms_grad(x, y);
        let m = x.max(y);
        let wx = 0.5 / x.sqrt() + if x >= y { y.sin() } else { 0.0 } + 3.0 * x * x;
        let wy = if y > x { y.sin() } else { 0.0 } + m * y.cos();
        assert!(close(gx, wx) && close(gy, wy), "{gx} {wx} {gy} {wy}");
    }
    // d/dx sqrt(x) e^x = e^x (1/(2 sqrt x) + sqrt x)
    let x = 0.8_f64;
    let (_, g) = generic_path_form_grad(x);
    assert!(close(g, x.exp() * (0.5 / x.sqrt() + x.sqrt())), "{g}");
    let (_, g32) = generic_path_form_grad(0.8_f32);
    assert!((f64::from(g32) - g).abs() < 1e-4);
}

#[test]
fn sin_cos_degrees_and_inverse_hyperbolics() {
    let x = 0.4_f64;
    // d/dx sin x cos x = cos 2x; degrees: 180/pi; radians: 2 pi/180
    let want = (2.0 * x).cos() + 180.0 / std::f64::consts::PI + 2.0 * std::f64::consts::PI / 180.0;
    let (_, g) = sin_cos_and_degrees_grad(x);
    assert!(close(g, want), "{g} {want}");
    let (_, d) = sin_cos_and_degrees_jvp(x, 1.0);
    assert!(close(d, want), "{d}");
    // 1/sqrt(x² + 1) + 1/sqrt((x + 2)² - 1) + 0.5/(1 - x²/4)
    let want = 1.0 / (x * x + 1.0).sqrt()
        + 1.0 / ((x + 2.0) * (x + 2.0) - 1.0).sqrt()
        + 0.5 / (1.0 - 0.25 * x * x);
    let (_, g) = inverse_hyperbolic_grad(x);
    assert!(close(g, want), "{g} {want}");
    let fd = approx_derivative(inverse_hyperbolic, x, 1e-6);
    assert!((fd - want).abs() < 1e-6);
}

#[test]
fn to_vec_and_vec_from_copy_with_gradients() {
    // w0 u1 + w1 with w = u = v: d/dv0 = v1, d/dv1 = v0 + 1
    let v = [2.0, 3.0];
    let (_, g) = to_vec_and_from_grad(&v);
    assert!(close(g[0], 3.0) && close(g[1], 3.0), "{g:?}");
}

/// A `mut` float parameter outside `wrt(..)`, assigned a differentiable value:
/// `j = 2i` then `j * i` = `2i²`, d/di = 4i.
#[allow(unused_assignments)]
#[differentiable(wrt(i))]
fn assigned_non_wrt_param(i: f64, mut j: f64) -> f64 {
    j = 2.0 * i;
    j * i
}

#[test]
fn non_wrt_mut_parameter_assigned() {
    let (y, g) = assigned_non_wrt_param_grad(1.5, 7.0);
    assert!(close(y, 4.5) && close(g, 6.0), "{y} {g}");
    let (_, d) = assigned_non_wrt_param_jvp(1.5, 7.0, 1.0);
    assert!(close(d, 6.0), "{d}");
}

/// A body ending in an `if` / `else` whose arms all `return`: `x²` for `x > 0`, `-x` otherwise.
#[differentiable]
#[allow(clippy::needless_return)]
fn all_arms_return(x: f64) -> f64 {
    if x > 0.0 {
        return x * x;
    } else {
        return -x;
    }
}

/// The same with `match`.
#[differentiable]
#[allow(clippy::needless_return)]
fn all_match_arms_return(x: f64, k: i32) -> f64 {
    match k {
        0 => return x.sin(),
        _ => return 3.0 * x,
    }
}

#[test]
fn bodies_whose_arms_all_return() {
    // 2x = 3 at 1.5; -1 at -2
    assert!(close(all_arms_return_grad(1.5).1, 3.0));
    assert!(close(all_arms_return_grad(-2.0).1, -1.0));
    assert!(close(all_arms_return_jvp(1.5, 1.0).1, 3.0));
    // cos x at k = 0; 3 otherwise
    assert!(close(all_match_arms_return_grad(0.4, 0).1, 0.4_f64.cos()));
    assert!(close(all_match_arms_return_grad(0.4, 2).1, 3.0));
}

/// Conditions may assign integers and bind their own `let`s: only values that carry no
/// derivative change there. `s` doubles while the counter runs 1, 2: `s = 4x`.
#[allow(clippy::blocks_in_conditions)] // the form under test
#[differentiable]
fn counter_in_condition(x: f64) -> f64 {
    let mut s = x;
    let mut c = 0;
    while {
        c += 1;
        c < 3
    } {
        s *= 2.0;
    }
    if {
        let t = x * 2.0;
        t > 1.0
    } {
        s
    } else {
        -s
    }
}

/// The do-while form the refusal of `while { body; cond } {}` suggests: the body runs three
/// times, `s = x · 1.5³`.
#[differentiable]
fn do_while_as_loop(x: f64) -> f64 {
    let mut s = x;
    let mut c = 0;
    loop {
        s *= 1.5;
        c += 1;
        if c >= 3 {
            break;
        }
    }
    s * s
}

#[test]
fn conditions_that_assign_only_integers() {
    // d(4x)/dx = 4 on both branches (x = 3 takes the first, x = 0.2 the second: -4).
    for (x, want) in [(3.0, 4.0), (0.2, -4.0)] {
        let (v, d) = counter_in_condition_grad(x);
        assert!(close(v, counter_in_condition(x)));
        assert!(close(d, want), "x = {x}: {d} vs {want}");
    }
    // (x 1.5³)² = 1.5⁶ x², derivative 2 · 1.5⁶ x.
    let (v, d) = do_while_as_loop_grad(0.7);
    assert!(close(v, 1.5f64.powi(6) * 0.49));
    assert!(close(d, 2.0 * 1.5f64.powi(6) * 0.7));
}
