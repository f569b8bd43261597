//! Adversarial cases for the repeated-read reuse (`lower/reuse.rs`), the elements of parameters
//! rebuilt in the reverse sweep, the recipes anchored on saved `let`s (`reverse/recipes.rs`) and
//! the tapes read back through slices (`reverse/mod.rs`); the fitted dense buffers are in
//! `tests/fitted_buffers_adversarial.rs`. Each function is checked for its value against the
//! function as written and for its gradient against central differences in `f64`, the
//! `order = 2` ones for their Hessian against central differences of their gradient.

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::assign_op_pattern,
    clippy::redundant_locals,
    clippy::identity_op,
    clippy::reversed_empty_ranges
)]

use autodiff::check::{Tolerance, assert_gradient, assert_slices};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// Repeated reads
// ------------------------------------------------------------------------------------------------

/// The holder of the first read is shadowed before the second read.
#[differentiable]
fn shadowed_holder(x: &[f64]) -> f64 {
    let a = x[1];
    let a = a * 3.0 + 1.0;
    let b = x[1];
    a * b
}

/// The holder is spelled as a raw identifier and shadowed by the plain spelling.
#[differentiable]
fn shadowed_raw_holder(x: &[f64]) -> f64 {
    let r#a = x[1];
    let a = r#a * 3.0 + 1.0;
    let b = x[1];
    a * b
}

/// The holder is shadowed inside a nested block that reads the element again.
#[differentiable]
fn shadowed_in_block(x: &[f64]) -> f64 {
    let a = x[0];
    let mut s = a;
    {
        let a = x[2] * 5.0;
        let b = x[0];
        s += a * b;
    }
    s * a
}

/// The base is shadowed by another `Vec` between two reads.
#[differentiable]
fn shadowed_base(x: &[f64]) -> f64 {
    let v = x.to_vec();
    let a = v[1];
    let v = vec![x[3] * 2.0, x[2], x[0]];
    let b = v[1];
    a * b + v[0]
}

/// The index is shadowed between two reads.
#[differentiable]
fn shadowed_index(x: &[f64]) -> f64 {
    let i = 1;
    let a = x[i];
    let i = i + 2;
    let b = x[i];
    a * b * b
}

/// The local is moved whole (`v = w`) and swapped (`std::mem::swap`) between reads.
#[differentiable]
fn moved_and_swapped(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut w = vec![x[3], x[2], x[1], x[0]];
    let a = v[0];
    v = w.clone();
    let b = v[0];
    std::mem::swap(&mut v, &mut w);
    let c = v[0];
    w[0] = c * 2.0;
    let d = w[0];
    a * b + c * d + a
}

/// Reads in a nested block, a branch, a `match` and after both.
#[differentiable]
fn reads_in_blocks(x: &[f64], k: usize) -> f64 {
    let mut v = x.to_vec();
    let a = v[2];
    let mut s = 0.0;
    {
        let b = v[2];
        s += a * b;
    }
    if k > 1 {
        v[2] = a * a;
    }
    let c = v[2];
    match k {
        0 => {
            let d = v[2];
            s += d * c;
        }
        1 => {
            v[2] = c + 1.0;
            let d = v[2];
            s += d * d;
        }
        _ => {
            let d = v[2];
            v[2] = d * 0.5;
        }
    }
    let e = v[2];
    s + e * c
}

/// Reads around `continue`, a labelled `break` and an early `return`.
#[differentiable]
fn control_flow_between(x: &[f64], stop: usize) -> f64 {
    let mut v = x.to_vec();
    let mut s = 0.0;
    'outer: for t in 0..3 {
        for i in 0..v.len() {
            let a = v[i];
            if i == t {
                v[i] = a * 1.5;
                continue;
            }
            let b = v[i];
            s += a * b;
            if t * 4 + i == stop {
                break 'outer;
            }
            let c = v[i];
            v[i] = c - 0.1 * b;
        }
    }
    let a = v[0];
    if stop == 99 {
        return a * s;
    }
    let b = v[0];
    a * b + s
}

/// A `while` loop whose index is computed by arithmetic and changed between reads.
#[differentiable]
fn while_index_arithmetic(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = x.to_vec();
    let mut i = 0;
    let mut s = 0.0;
    while i + 1 < n {
        let j = n - 1 - i;
        let a = v[j];
        let b = v[i];
        v[i] = a * b + 0.5;
        let c = v[j - 0];
        let d = v[i];
        i += 1;
        let e = v[i];
        s += c * d + e;
    }
    s
}

/// Calls to another differentiable function between reads of a local (the call sees no `v`,
/// but the reads must still be right).
#[differentiable]
fn helper(a: f64, b: f64) -> f64 {
    a * b.sin() + b
}

#[differentiable]
fn calls_between(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let a = v[1];
    let c = helper(a, v[0]);
    let b = v[1];
    v[1] = c * b;
    let d = helper(v[1], a);
    let e = v[1];
    d + e * a
}

/// Gives back its argument's element after moving the first to the back.
macro_rules! first_after_rotate {
    ($v:ident) => {{
        $v.rotate_left(1);
        $v[0]
    }};
}

/// A macro between reads of an index table (it rotates the table), and one in an index.
#[differentiable]
fn macros_between(x: &[f64]) -> f64 {
    let mut order = vec![2usize, 0, 3, 1];
    let p = order[0];
    let a = x[p];
    let q = first_after_rotate!(order);
    let r = order[0];
    let b = x[r];
    a * b + x[q] * x[order[0]]
}

/// An index table reordered by a method outside the known list, then rebuilt (a fresh `vec!`),
/// between reads.
#[differentiable]
fn index_table_rewritten(x: &[f64]) -> f64 {
    let mut order = vec![1usize, 3, 2];
    let p = order[0];
    order.select_nth_unstable(2);
    let q = order[2];
    let q = order[2] + q - q;
    order = vec![0, 0, 0];
    let r = order[0];
    x[p] * x[q] + x[r]
}

/// A parameter element read, then its index bumped, then the element at the new index.
#[differentiable]
fn index_bumped(x: &[f64]) -> f64 {
    let mut i = 1;
    let a = x[i];
    i += 1;
    let b = x[i];
    a * b
}

/// A `while` loop that reads a parameter element, bumps the index, then uses the element.
#[differentiable(order = 2)]
fn while_param_reads(x: &[f64]) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    while i < x.len() {
        let a = x[i];
        i += 1;
        let b = if i < x.len() { x[i] } else { 1.0 };
        s += a * a * b + a;
    }
    s
}

/// An index derived from a counter (`j = i + 1`, `k = i`) that changes after the reads, and a
/// `mut` index parameter assigned after a read.
#[differentiable]
fn derived_index(x: &[f64], mut m: usize) -> f64 {
    let mut i = 0;
    let j = i + 1;
    let k = i;
    let a = x[j];
    let b = x[k];
    let c = x[m];
    i += 2;
    m = i + 1;
    let d = x[i] * x[m];
    a * b * c + d * a
}

/// A generic counter loop over a parameter, at `f64` and `f32`.
#[differentiable]
fn while_generic<T: Real>(x: &[T]) -> T {
    let mut i = 0;
    let mut s = T::zero();
    while i + 1 < x.len() {
        let a = x[i];
        i += 1;
        s += a * x[i] - a * a;
    }
    s
}

/// The holder itself (an array read from a `Vec` of arrays) written by index and swapped in place
/// before the element is read again.
#[differentiable]
fn holder_written(x: &[f64]) -> f64 {
    let m = vec![[x[0], x[1]], [x[2], x[3]]];
    let mut a = m[0];
    a[0] = a[1] * 3.0;
    let b = m[0];
    let mut c = m[1];
    c.swap(0, 1);
    let d = m[1];
    a[0] * b[0] + c[0] * d[0] + a[1] * d[1]
}

/// The index changed by a method whose name does not say it writes (`add_assign`).
#[differentiable]
fn index_by_method(x: &[f64]) -> f64 {
    use std::ops::AddAssign;
    let mut i = 1;
    let a = x[i];
    i.add_assign(1);
    let b = x[i];
    a * b
}

/// An index table reordered by a method outside the known list (`select_nth_unstable`).
#[differentiable]
fn table_by_method(x: &[f64]) -> f64 {
    let mut order = vec![3usize, 0];
    let p = order[1];
    let c = x[p];
    order.select_nth_unstable(1);
    let q = order[1];
    c * x[q]
}

/// The holder is an array element read of a `Vec` of arrays, then the array is changed.
#[differentiable]
fn array_elements(x: &[f64]) -> f64 {
    let mut m = vec![[x[0], x[1]], [x[2], x[3]]];
    let a = m[1];
    m[1] = [a[1] * 2.0, a[0]];
    let b = m[1];
    let c = m[0];
    let d = m[0];
    a[0] * b[0] + c[1] * d[1] + b[1]
}

// ------------------------------------------------------------------------------------------------
// Recipes from saved values
// ------------------------------------------------------------------------------------------------

/// Powers of a value that is shadowed, reassigned and read in a branch after the powers.
#[differentiable]
fn powers_of_shadowed(x: &[f64]) -> f64 {
    let mut e = 0.0;
    for i in 0..x.len() {
        let r = x[i] * x[i] + 0.5;
        let p = r * r;
        let q = p * r;
        let r = r.sin();
        let w = r * p + q.cos();
        e += if w > 0.0 { w * q } else { w * r * p };
    }
    e
}

/// Powers of a saved value in a `while` loop that reassigns the base afterwards.
#[differentiable]
fn powers_while(a: f64, b: f64) -> f64 {
    let mut r = a * b;
    let mut s = 0.0;
    let mut k = 0;
    while k < 4 {
        let r2 = r * r;
        let r3 = r2 * r;
        s += (r3 + r2).sin();
        r = r * 0.7 + b.cos() * r2;
        k += 1;
    }
    s + r
}

/// Powers of a `let` made before the loop (saved once, read by a rule), shadowed in the loop
/// after the powers are taken.
#[differentiable]
fn powers_of_outer_let(x: &[f64]) -> f64 {
    let c = x[0] * x[1] + 0.3;
    let mut s = c.sin();
    for i in 0..x.len() {
        let p = c * c;
        let q = p * c - x[i];
        let c = q * 0.5;
        s += (q * c).cos() + p * x[i];
    }
    s
}

/// Powers, in an inner loop, of a `let` of the enclosing loop's body (another value each outer
/// trip), with a `continue` between the powers and their use.
#[differentiable]
fn powers_of_outer_trip(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in 0..x.len() {
        let c = x[t] * s.cos() + 0.2;
        s += c.sin();
        for j in 0..x.len() {
            let p = c * c;
            let q = p * c + x[j];
            if j == t {
                continue;
            }
            s += q.sin() * p;
        }
    }
    s
}

// ------------------------------------------------------------------------------------------------
// Generic, f32, second order
// ------------------------------------------------------------------------------------------------

/// The stencil with repeated reads and a fitted buffer, generic over `T: Real`.
#[differentiable]
fn stencil_generic<T: Real>(u0: &[T], k: T) -> T {
    let mut u = u0.to_vec();
    let mut s = T::zero();
    for _ in 0..3 {
        let m = u.len() + 1;
        let mut next = vec![T::zero(); m];
        for i in 0..u.len() {
            let a = u[i];
            let b = u[i];
            next[i] = a + k * b * u[i];
            next[i + 1] = next[i + 1] + u[i] * k;
        }
        u = next;
    }
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

/// Second order through repeated reads, a fitted buffer and recipes.
#[differentiable(order = 2)]
fn order2_mix(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    let mut s = 0.0;
    for _ in 0..2 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let a = u[i];
            let r = a * a + 0.25;
            let r3 = r * r * r;
            let b = u[i];
            next[i] = b * 0.8 + 0.1 / r3 + u[(i + 1) % n] * a;
        }
        u = next;
    }
    for i in 0..n {
        let c = u[i];
        let d = u[i];
        s += c * d * (i as f64 + 1.0);
    }
    s
}

// ------------------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------------------

const X: [f64; 4] = [0.7, -1.3, 0.4, 1.1];

/// How close a gradient must be to central differences.
const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

/// The value of `grad` against `f`, its gradient against central differences of `f`.
#[track_caller]
fn against(
    name: &str,
    x: &[f64],
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
) {
    let (v, g) = grad(x);
    let want = f(x);
    assert!(
        (v - want).abs() <= 1e-12 * (1.0 + want.abs()),
        "{name}: value {v} vs {want}"
    );
    assert_gradient(&f, x, &g, 1e-6, TOL);
}

#[test]
fn repeated_reads_under_shadowing_moves_and_control_flow() {
    against("shadowed holder", &X, shadowed_holder, shadowed_holder_grad);
    assert!((shadowed_holder(&X) - (X[1] * 3.0 + 1.0) * X[1]).abs() < 1e-12);
    against(
        "shadowed raw holder",
        &X,
        shadowed_raw_holder,
        shadowed_raw_holder_grad,
    );
    against(
        "shadowed in block",
        &X,
        shadowed_in_block,
        shadowed_in_block_grad,
    );
    against("shadowed base", &X, shadowed_base, shadowed_base_grad);
    against("shadowed index", &X, shadowed_index, shadowed_index_grad);
    against(
        "moved and swapped",
        &X,
        moved_and_swapped,
        moved_and_swapped_grad,
    );
    for k in 0..4 {
        against(
            "reads in blocks",
            &X,
            |x| reads_in_blocks(x, k),
            |x| reads_in_blocks_grad(x, k),
        );
    }
    for stop in [0, 3, 5, 9, 99] {
        against(
            "control flow between",
            &X,
            |x| control_flow_between(x, stop),
            |x| control_flow_between_grad(x, stop),
        );
    }
    against(
        "while index arithmetic",
        &X,
        while_index_arithmetic,
        while_index_arithmetic_grad,
    );
    against("calls between", &X, calls_between, calls_between_grad);
    against("macros between", &X, macros_between, macros_between_grad);
    against(
        "index table rewritten",
        &X,
        index_table_rewritten,
        index_table_rewritten_grad,
    );
    against(
        "table changed by a method",
        &X,
        table_by_method,
        table_by_method_grad,
    );
    assert!((table_by_method(&X) - X[0] * X[3]).abs() < 1e-12);
    assert!((index_table_rewritten(&X) - (X[1] * X[3] + X[0])).abs() < 1e-12);
    against("array elements", &X, array_elements, array_elements_grad);
    against("holder written", &X, holder_written, holder_written_grad);
}

#[test]
fn index_changed_after_a_parameter_element_read() {
    // `a = x[i]` must not be rebuilt in the reverse sweep from the `i` of later on.
    against("index bumped", &X, index_bumped, index_bumped_grad);
    // A method that changes `i` through auto-ref: the second read is not a copy of the first,
    // and the first is not rebuilt from the new `i`.
    let (v, _) = index_by_method_grad(&X);
    assert!((v - X[1] * X[2]).abs() < 1e-12, "value {v}");
    against(
        "index changed by a method",
        &X,
        index_by_method,
        index_by_method_grad,
    );
}

#[test]
fn recipes_on_shadowed_and_reassigned_bases() {
    against(
        "powers of shadowed",
        &X,
        powers_of_shadowed,
        powers_of_shadowed_grad,
    );
    against(
        "powers while",
        &[0.6, 0.9],
        |p| powers_while(p[0], p[1]),
        |p| {
            let (v, (a, b)) = powers_while_grad(p[0], p[1]);
            (v, vec![a, b])
        },
    );
}

#[test]
fn generic_f32_order2_and_pullback_twice() {
    let p = [0.3, -0.2, 0.5, 0.1, 0.15];
    let split = |p: &[f64]| (p[..p.len() - 1].to_vec(), p[p.len() - 1]);
    against(
        "stencil generic",
        &p,
        |p| {
            let (u, k) = split(p);
            stencil_generic(&u[..], k)
        },
        |p| {
            let (u, k) = split(p);
            let (v, (mut g, gk)) = stencil_generic_grad(&u[..], k);
            g.push(gk);
            (v, g)
        },
    );
    // f32 agrees with f64 to single precision.
    let (u, k) = split(&p);
    let (_, (g64, gk64)) = stencil_generic_grad(&u[..], k);
    let u32: Vec<f32> = u.iter().map(|&a| a as f32).collect();
    let (_, (g32, gk32)) = stencil_generic_grad(&u32[..], k as f32);
    for (a, b) in g32.iter().chain([&gk32]).zip(g64.iter().chain([&gk64])) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }

    // The pullback is `Fn`: called twice it gives the same gradient (the tapes are read, never
    // consumed), the one `NAME_grad` gives.
    let (_, pb) = control_flow_between_vjp(&X, 5);
    let (a, b) = (pb(1.0), pb(1.0));
    assert_eq!(a, b);
    assert_slices(&a, &control_flow_between_grad(&X, 5).1, TOL);

    // order = 2: the Hessian against central differences of the gradient, and symmetric.
    let (y, g, h) = order2_mix_hessian(&X);
    let (yg, gg) = order2_mix_grad(&X);
    assert!((y - order2_mix(&X)).abs() < 1e-12 && (y - yg).abs() < 1e-12);
    assert_slices(&g, &gg, TOL);
    let e = 1e-5;
    for j in 0..X.len() {
        let mut p = X;
        p[j] += e;
        let gp = order2_mix_grad(&p).1;
        p[j] -= 2.0 * e;
        let gm = order2_mix_grad(&p).1;
        for i in 0..X.len() {
            let fd = (gp[i] - gm[i]) / (2.0 * e);
            assert!(
                Tolerance::new(1e-5, 1e-5).accepts(h[(i, j)], fd),
                "H[{i},{j}] {} vs {fd}",
                h[(i, j)]
            );
            assert!((h[(i, j)] - h[(j, i)]).abs() < 1e-9 * (1.0 + h[(i, j)].abs()));
        }
    }
}
