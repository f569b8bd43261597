//! Inner loops whose bounds the reverse sweep evaluates again, in shapes where the value it
//! computes could differ from the forward sweep's: variables assigned after the loop (directly,
//! through `&mut` borrows and through macros), shadowing before and after the loop and in the
//! loop pattern, bounds from a `let` computed from floats, `#[no_grad]` slices and by-value
//! `Vec<usize>` parameters, constants, loop variables of `while` loops and of `rev()` and
//! `step_by` loops, `i32`, `u32` and `i64` ranges, backwards and empty ranges, variables bound
//! by `match` arms and `if let`, plain functions and macros, 3- and 4-deep nests, loops left by `break`,
//! `continue` and `return`, and callers of such functions. Each gradient is checked against
//! central differences, at points where every loop runs a non-trivial number of trips.

#![allow(
    clippy::explicit_counter_loop,
    clippy::single_match,
    clippy::needless_range_loop,
    clippy::reversed_empty_ranges,
    clippy::ptr_arg,
    clippy::needless_return,
    clippy::redundant_locals,
    clippy::identity_op,
    clippy::manual_range_contains
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

fn bump(c: &mut usize) {
    *c += 1;
}

macro_rules! two {
    () => {
        2
    };
}

macro_rules! inc {
    ($c:ident) => {
        $c += 1
    };
}

/// A bound variable assigned after the loop: directly, through `&mut`, and by a macro.
#[differentiable]
fn reassigned(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut m = 1;
    let mut c = 2;
    let mut d = 0;
    for i in 0..x.len() {
        for j in 0..m {
            s += x[j] * x[i];
        }
        m = (m + 1) % x.len();
        for j in 0..c {
            s += (x[j] * x[i]).sin();
        }
        bump(&mut c);
        c %= x.len();
        for j in d..x.len() {
            s += x[j] * 0.5 * x[i];
        }
        inc!(d);
    }
    s
}

/// Shadowing before the loop, after it and in the loop pattern.
#[differentiable]
fn shadowing(x: &[f64], #[no_grad] n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        let n = i + 1;
        for j in 0..n {
            s += x[j] * x[i];
        }
        let n = n + 1;
        for i in i..n {
            s += x[i] * 0.3;
        }
        let i = n - 1;
        for j in 0..i {
            s += x[j] * x[i] * 0.1;
        }
    }
    s
}

/// A bound from a `let` computed from floats (`(x[0] * 3.0) as usize`), and an element of a
/// float parameter cast in the bound itself.
#[differentiable]
fn float_bounds(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let m = (x[0] * 3.0) as usize;
        for j in 0..m {
            s += x[j] * x[i];
        }
        for j in i..(x[1] * 4.0) as usize {
            s += x[j] * x[j] * 0.2;
        }
    }
    s
}

/// `#[no_grad]` slices of `usize` and a by-value `Vec<usize>`; `u32`, `i32` and `i64` ranges.
#[differentiable]
fn int_params(
    x: &[f64],
    #[no_grad] lo: &[usize],
    #[no_grad] hi: Vec<usize>,
    #[no_grad] m: &[u32],
) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() {
        for j in lo[i]..hi[i] {
            s += x[j] * x[i];
        }
        for j in 0..m[i] {
            s += x[j as usize] * 0.5;
        }
        let a = i as i32 - 2;
        for j in a..(i as i32) {
            if j >= 0 {
                s += x[j as usize] * x[i] * 0.25;
            }
        }
        let b = lo[i] as i64;
        for j in (b - 1)..(hi[i] as i64) {
            if j >= 0 {
                s += (x[j as usize] * 0.7).sin();
            }
        }
    }
    s
}

const N: usize = 3;

/// Constants in bounds, and bounds naming the variable of a `while` loop, of a `rev()` loop
/// and of a `step_by` loop.
#[differentiable]
fn enclosing_kinds(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in i % N..N {
            s += x[j] * x[i];
        }
    }
    let mut i = 0;
    while i < x.len() {
        for j in 0..i {
            s += x[j] * x[i] * 0.3;
        }
        i += 2;
    }
    for i in (0..x.len()).rev() {
        for j in i..x.len() {
            s += (x[j] - x[i]).cos() * 0.2;
        }
    }
    for i in (1..x.len()).step_by(2) {
        for j in i - 1..i + 1 {
            s += x[j] * x[i] * 0.4;
        }
    }
    s
}

/// Backwards and empty ranges.
#[differentiable]
fn empty_ranges(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in i + 1..i {
            s += x[j] * 10.0;
        }
        for j in i..i {
            s += x[j] * 10.0;
        }
        for j in x.len()..i {
            s += x[j] * 10.0;
        }
        s += x[i];
    }
    s
}

fn succ(a: usize) -> usize {
    a + 1
}

/// Variables bound by `match` arms and `if let`, a function and a macro in bounds.
#[differentiable]
fn bound_by_patterns(x: &[f64], #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() {
        match lo.get(i) {
            Some(&m) => {
                for j in 0..m {
                    s += x[j] * x[i];
                }
            }
            None => {}
        }
        if let Some(r) = lo.get(i) {
            for j in 0..*r {
                s += x[j] * 0.5;
            }
        }
        let t = match i % 3 {
            0 => 1,
            1 => i,
            _ => 2,
        };
        for j in 0..t {
            s += x[j] * x[j] * 0.1;
        }
    }
    for i in 0..x.len() - 1 {
        for j in 0..succ(i) {
            s += x[j] * x[i] * 0.2;
        }
        for j in 0..core::cmp::min(i, 2) {
            s += x[j] * 0.3;
        }
        for j in 0..two!() {
            s += x[j + i] * 0.35;
        }
    }
    s
}

/// 3- and 4-deep nests.
#[differentiable]
fn deep_nests(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..i + 1 {
            for k in j..i + 1 {
                s += x[i] * x[j] * x[k] * 0.1;
                for l in k..i + j + 1 {
                    if l < x.len() {
                        s += (x[l] * x[k]).sin() * 0.05;
                    }
                }
            }
        }
    }
    s
}

/// Inner loops left by `break`, `continue`, a labelled `continue` and `return`.
#[differentiable]
fn exits(x: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    'o: for i in 0..x.len() {
        for j in 0..i {
            if x[j] > lim {
                break;
            }
            s += x[j] * x[i];
        }
        for j in i..x.len() {
            if x[j] < -lim {
                continue;
            }
            if x[j] * x[i] > 2.0 * lim {
                continue 'o;
            }
            s += x[j] * 0.5;
        }
        for j in 0..i + 1 {
            if s > 6.0 * lim {
                return s * x[j];
            }
            s += x[j] * x[j] * 0.1;
        }
    }
    s
}

/// A helper with evaluated-again bounds called from another function, whole and on a range.
#[differentiable]
fn tri(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..i {
            s += x[i] * x[j];
        }
    }
    s
}

#[differentiable]
fn tri_caller(x: &[f64]) -> f64 {
    let mut s = tri(x);
    for i in 0..x.len() {
        s += tri(&x[i..]) * 0.5;
        for j in 0..i {
            s += tri(&x[j..i + 1]) * x[j];
        }
    }
    s
}

/// A bound naming a by-reference integer parameter and a local of the same name.
#[differentiable]
fn ref_scalar(x: &[f64], #[no_grad] n: &usize, #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() {
        let m = n;
        let n = &lo[i];
        for j in *n..*m {
            s += x[j] * x[i];
        }
    }
    s
}

/// The same shadowing in a condition the reverse sweep evaluates again (`*n < *m`): every read
/// is taken before any name is bound.
#[differentiable]
fn ref_condition(x: &[f64], #[no_grad] n: &usize, #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() {
        let m = n;
        let n = &lo[i];
        if *n < *m {
            s += x[i] * x[i];
        } else {
            s += x[i].sin();
        }
    }
    s
}

// ----- tests -------------------------------------------------------------------------------

macro_rules! at {
    ($name:expr, $f:ident, $g:ident, $x:expr $(, $e:expr)*) => {{
        let x: Vec<f64> = $x;
        check($name, |q| $f(q $(, $e)*), &$g(&x $(, $e)*).1, &x);
    }};
}

#[test]
fn reassigned_and_shadowed() {
    for n in [3, 5, 7] {
        at!("reassigned", reassigned, reassigned_grad, sines(n, 0.8));
        at!("shadowing", shadowing, shadowing_grad, sines(n + 2, 0.8), n);
        at!(
            "enclosing_kinds",
            enclosing_kinds,
            enclosing_kinds_grad,
            sines(n, 0.8)
        );
        at!(
            "empty_ranges",
            empty_ranges,
            empty_ranges_grad,
            sines(n, 0.8)
        );
        at!("deep_nests", deep_nests, deep_nests_grad, sines(n, 0.8));
        at!("tri_caller", tri_caller, tri_caller_grad, sines(n, 0.8));
    }
}

#[test]
fn float_bounds_trip_counts() {
    // (x0 * 3) as usize in {1, 2}; (x1 * 4) as usize in {2, 3}
    for x in [
        vec![0.45, 0.6, 0.3, -0.2, 0.1],
        vec![0.7, 0.8, -0.3, 0.2, 0.5, 0.25],
    ] {
        at!("float_bounds", float_bounds, float_bounds_grad, x);
    }
}

#[test]
fn integer_parameters() {
    let lo = vec![0, 1, 3, 2, 4];
    let hi = vec![2, 4, 3, 6, 6];
    let m = vec![1u32, 0, 3, 2, 5];
    at!(
        "int_params",
        int_params,
        int_params_grad,
        sines(6, 0.9),
        &lo,
        hi.clone(),
        &m
    );
    at!(
        "bound_by_patterns",
        bound_by_patterns,
        bound_by_patterns_grad,
        sines(6, 0.9),
        &lo
    );
}

#[test]
fn loops_with_exits() {
    for lim in [0.2, 0.5, 0.85, 5.0] {
        at!("exits", exits, exits_grad, sines(6, 0.9), lim);
    }
}

#[test]
fn a_local_shadowing_a_reference_parameter() {
    // m = 5 (the parameter), n = lo[i]: trips 5 - lo[i]
    let lo = vec![0, 2, 1, 4];
    at!(
        "ref_scalar",
        ref_scalar,
        ref_scalar_grad,
        sines(6, 0.9),
        &5usize,
        &lo
    );
}

#[test]
fn a_local_shadowing_a_reference_parameter_in_a_condition() {
    // n = lo[i] against the parameter 3: squares where lo[i] < 3, sines elsewhere
    let lo = vec![0, 4, 1, 3, 5, 2];
    at!(
        "ref_condition",
        ref_condition,
        ref_condition_grad,
        sines(6, 0.9),
        &3usize,
        &lo
    );
}
