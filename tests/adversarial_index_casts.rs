//! Adversarial checks of casts of loop indices rebuilt in the reverse sweep: counters advanced
//! by hand, reassigned, shadowed, subtracted, cast twice or through `f32`/`i64`, taken from
//! `rev()`, `step_by`, `enumerate()` or a `zip`, of `.len()`, in branch conditions, in loops left
//! by `break` and `return`; casts of data without a derivative, of a parameter element through
//! `f32`, and of values behind references (`&usize`, `&[u32]`, `&Vec<usize>`). Also top-level
//! loops that push into a local `Vec`, run a recurrence in a local table, read neighbours, write
//! a local `Vec` by index, or hold inner loops left by `break 'outer`. Each gradient against
//! central differences (or against the same function without the cast round trip); the pullback
//! called twice and forward mode against the gradient.

// The written forms (index loops, `s = s + ..`, a counter advanced by hand, a `Vec` argument)
// are the constructs under test.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::explicit_counter_loop,
    clippy::useless_vec
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[macro_use]
#[path = "support/count_slots.rs"]
mod count_slots;

// ----- casts of indices ----------------------------------------------------------------------

/// `i as f64` of a counter advanced by 2 in a `while`.
#[differentiable]
fn cast_step2(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut i = 0;
    while i < n {
        let w = i as f64;
        s = s * 0.9 + p[i] * w + s * s * 0.01 * w;
        i += 2;
    }
    s
}

/// The cast read after the counter moved on.
#[differentiable]
fn cast_then_advance(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    let mut i = 1;
    while i < n {
        let c = i as f64;
        i += 1;
        s = s * p[i - 1] / c + c * s.sin();
    }
    s
}

/// A shadowed loop variable.
#[differentiable]
fn cast_shadowed(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let i = i * 2 + 1;
        let w = i as f64;
        s = s * p[(i - 1) / 2] / w + s * s * 0.01 * w;
    }
    s
}

/// Casts of `usize` subtractions.
#[differentiable]
fn cast_sub(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let a = (n - i) as f64;
        let b = (n - 1 - i) as f64;
        s = s * p[i] / a + b * s.cos();
    }
    s
}

/// A cast to `f32` and back, of an index expression.
#[differentiable]
fn cast_f32(p: &[f64]) -> f64 {
    let mut s = p[0];
    for i in 0..p.len() {
        let w = (i as f32 * 0.5f32 + 1.0f32) as f64;
        let u = (i + 2) as f32 as f64;
        s = s * p[i] / w + s * u * 0.01;
    }
    s
}

/// Casts of `.len()`.
#[differentiable]
fn cast_len(p: &[f64]) -> f64 {
    let m = p.len() as f64;
    let mut s = 0.0;
    for i in 0..p.len() {
        let r = (p.len() - i) as f64;
        s = s * p[i] / m + r * p[i] * s.sin() + p[i];
    }
    s
}

/// Casts of `rev()` and `step_by` indices.
#[differentiable]
fn cast_rev_step(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in (0..n).rev() {
        s = s * p[i] * 0.5 + (i as f64) * s.sin();
    }
    for i in (1..n).step_by(2) {
        s = s * (i as f64 + 0.5) * 0.1 + p[i] * s;
    }
    for i in (0..n).step_by(3).rev() {
        s = s / ((i + 1) as f64) + p[i];
    }
    s
}

/// Casts of indices of nested loops.
#[differentiable]
fn cast_nested(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        for j in 0..i {
            let w = (i * n + j + 1) as f64;
            s = s * (1.0 - 0.1 / w) + p[j] * p[i] / w;
        }
        for j in (i..n).rev() {
            s += (j - i) as f64 * p[j] * s * 0.01;
        }
    }
    s
}

/// `as i64 as f64`, and a signed subtraction that goes negative.
#[differentiable]
fn cast_i64(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let w = (i as i64 - 2) as f64;
        let v = i as i64 as f64;
        s = s * p[i] + w * s.sin() + v * 0.1;
    }
    s
}

/// A cast in a branch condition.
#[differentiable]
fn cast_in_condition(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let w = i as f64;
        if w * 0.5 > p[0] {
            s = s * p[i] + w;
        } else {
            s = (s * w).sin() + p[i];
        }
        if ((i + 1) as f64) < 2.5 {
            s *= 1.1;
        }
    }
    s
}

/// Casts of elements of data without a derivative (`x[i] as f32 as f64`, a rounding).
#[differentiable]
fn cast_data(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let a = x[i] as f32 as f64;
        let k = (x[i] * 4.0) as i64 as f64;
        let e = p[0] * a + p[1] * k - x[i];
        s += e * e;
    }
    s
}

/// A cast of a parameter element with a derivative to `f32` and back (checked against the
/// same function without the round trip).
#[differentiable]
fn cast_param_f32(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        let q = p[i] as f32 as f64;
        s += q * q * (i + 1) as f64;
    }
    s
}

fn cast_param_f32_plain_grad(p: &[f64]) -> Vec<f64> {
    (0..p.len()).map(|i| 2.0 * p[i] * (i + 1) as f64).collect()
}

/// A loop variable from `enumerate()`, cast.
#[differentiable]
fn cast_enumerate(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, v) in p.iter().enumerate() {
        s = s * 0.5 + v * (i as f64 + 1.0) + s * v * (i as f64);
    }
    s
}

/// A `zip` with a counter advanced by hand, and `enumerate` over a `zip`.
#[differentiable]
fn cast_zip(p: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    for (a, b) in p.iter().zip(w.iter()) {
        s += a * b * k as f64 + s * 0.1;
        k += 1;
    }
    for (i, (a, b)) in p.iter().zip(w.iter()).enumerate() {
        s = s * a + b * (i as f64);
    }
    s
}

/// `(n - i) as f64` with `n` a parameter, `(i + 1) as f64 * dt` with `dt` differentiated.
#[differentiable]
fn cast_param_count(p: &[f64], dt: f64, #[no_grad] n: usize) -> f64 {
    let mut s = p[0];
    for i in 0..n {
        let t = (i + 1) as f64 * dt;
        let w = (n - i) as f64;
        s = s * t.cos() + p[i % p.len()] * w * dt;
    }
    s
}

/// A cast of a local integer that is assigned again after the cast.
#[differentiable]
fn cast_then_reassign(p: &[f64]) -> f64 {
    let n = p.len();
    let mut m = 3;
    let c = m as f64;
    m = 7;
    let mut s = p[0];
    for i in 0..m {
        s = s * 0.5 + p[i % n] * c;
    }
    let mut j = 1;
    let mut t = 0.0;
    for i in 0..n {
        let d = j as f64;
        j = j * 2 + i;
        t = t * 0.5 + p[i] * d * s;
    }
    t
}

/// A shadowed name: the outer `k` is a float, the loop's `k` an index.
#[differentiable]
fn cast_shadow_outer(p: &[f64]) -> f64 {
    let k = p[0] * 2.0;
    let mut s = k;
    for k in 0..p.len() {
        s = s * p[k] + k as f64;
    }
    s * k
}

/// An index from a float cast to an integer, and a loop bound from a cast.
#[differentiable]
fn cast_to_index(p: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let n = p.len();
    let j = (x[0].abs() * 2.0) as usize % n;
    let m = (n as f64 * 0.5) as usize;
    let mut s = p[j];
    for i in 0..m {
        let k = (x[i] * 3.0).abs() as usize % n;
        s = s * p[k] + (k as f64) * p[i];
    }
    s
}

/// Casts of an index in a loop left by `break` and `return`.
#[differentiable]
fn cast_with_exits(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        let w = (i + 1) as f64;
        if i == m {
            break;
        }
        s = s * p[i] / w + w * 0.01;
        if i == m + 3 {
            return s * w;
        }
    }
    let mut k = 0;
    loop {
        let w = k as f64;
        k += 1;
        s = s + w * p[k % n] * 0.1;
        if k > m {
            break;
        }
    }
    s
}

/// Casts of index products and mixed element expressions.
#[differentiable]
fn cast_mixed(p: &[f64], #[no_grad] q: &[usize]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        let a = (q[i] * 2 + i) as f64;
        let b = (q[i] - q[0]) as f64;
        let c = (i * i + 3) as f64;
        s = s * 0.5 + p[i] * a / c + b * p[(i + 1) % n];
    }
    s
}

// ----- casts through references and integer parameters ------------------------------------

/// Casts of values behind references: a `&usize` parameter, elements of `&[u32]` and
/// `&Vec<usize>` parameters, `for &k in ..iter()`, `for k in ks` and a borrowed element.
#[differentiable]
fn cast_refs(
    p: &[f64],
    #[no_grad] n: &usize,
    #[no_grad] ks: &[u32],
    #[no_grad] vs: &Vec<usize>,
) -> f64 {
    let len = p.len();
    let mut s = p[0];
    for i in 0..*n {
        let w = (*n - i) as f64;
        let u = ks[i % ks.len()] as f64;
        let v = (vs[i % vs.len()] + i) as f64;
        s = s * p[i % len] / w + u * v * 0.01 * s;
    }
    for &k in ks.iter() {
        let w = k as f64 + 1.0;
        s = s * 0.9 + p[k as usize % len] / w;
    }
    for k in vs {
        let w = *k as f64;
        s = s + w * p[*k % len] * s * 0.01;
    }
    for i in 0..len {
        let r = &p[i];
        let t = (*r * 8.0) as i64 as f64;
        s = s * r + t * 0.001;
    }
    s
}

/// A long integer expression over three loop indices, cast.
#[differentiable]
fn cast_long_expr(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for i in 0..n {
        for j in 0..2 {
            for k in 0..2 {
                let w = (i * 3 + j * 5 + k * 7 + 1) as f64;
                let u = ((i as i64 - 3) as usize % 5) as f64;
                s = s * (1.0 - 0.01 * w) + p[(i + j + k) % n] * u * 0.1;
            }
        }
    }
    s
}

// ----- loops that also push, write tables, read behind their writes -------------------------

/// A top-level `while` pushing into a local `Vec`, left by `break`, then a loop over the `Vec`.
#[differentiable]
fn push_then_read(p: &[f64], #[no_grad] lim: f64) -> f64 {
    let n = p.len();
    let mut v = Vec::new();
    let mut s = p[0];
    let mut k = 0;
    while k < 3 * n {
        s = s * 0.9 + p[k % n] * (k as f64 + 1.0);
        v.push(s * s);
        k += 1;
        if s > lim {
            break;
        }
    }
    let mut t = 0.0;
    for i in 0..v.len() {
        t = t * 0.5 + v[i] * p[i % n];
    }
    t
}

/// A recurrence in a local table with a cast of an index and of an integer table, left by
/// `break`; an element cast to an integer.
#[differentiable]
fn table_recurrence(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut c = vec![0.0; n];
    let mut idx = vec![0usize; n];
    c[0] = p[0];
    idx[0] = 1;
    for i in 1..n {
        if i == m {
            break;
        }
        idx[i] = idx[i - 1] * 2 + i;
        let w = idx[i - 1] as f64;
        let r = (c[i - 1] * 4.0) as i64 as f64;
        c[i] = c[i - 1] * p[i] / w + (i as f64) * 0.01 + r * 0.001;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * (idx[i] as f64 + 1.0);
    }
    s
}

/// Reads of neighbours (`p[i - 1]`, `p[i + 1]`) in a top-level loop left by `return`.
#[differentiable]
fn neighbours_return(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 1..n - 1 {
        let d = p[i + 1] - 2.0 * p[i] + p[i - 1];
        s += d * d * (i as f64);
        if i == stop {
            return s * p[i];
        }
    }
    s
}

/// A local `Vec` written by index in a top-level `loop`, with a `return` in the middle.
#[differentiable]
fn dense_writes(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut g = vec![0.0; n];
    let mut k = 0;
    loop {
        g[k % n] = g[(k + 1) % n] * 0.5 + p[k % n] * (k as f64 + 1.0);
        k += 1;
        if k == m + 7 {
            return g[0] * g[1];
        }
        if k >= 2 * n {
            break;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += g[i] * g[i];
    }
    s
}

/// `f32` intermediates of an index and a value (checked against the same in `f64`).
#[differentiable]
fn f32_path(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        let w = (i as f32 + 1.0f32) as f64;
        let q = p[i] as f32;
        let r = (q * 2.0f32) as f64;
        s += r * r * w;
    }
    s
}

fn f32_path_plain_grad(p: &[f64]) -> Vec<f64> {
    (0..p.len()).map(|i| 8.0 * p[i] * (i + 1) as f64).collect()
}

/// A loop over two zipped ranges.
#[differentiable]
fn zipped_ranges(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = p[0];
    for (i, j) in (0..n).zip((0..n).rev()) {
        s = s * p[i] * 0.5 + p[j] * (i as f64 - j as f64);
    }
    s
}

/// Several top-level loops each holding an inner loop left by `break 'outer`.
#[differentiable]
fn chained_outer_breaks(p: &[f64], #[no_grad] m: usize) -> f64 {
    let n = p.len();
    let mut s = p[0];
    'a: for i in 0..n {
        for j in 0..n {
            if i * n + j >= m {
                break 'a;
            }
            s = s * 0.9 + p[j] * (i as f64 + 0.5);
        }
    }
    'b: loop {
        for j in 0..n {
            s = s.sin() + p[j];
            if j + 1 >= m.min(n) {
                break 'b;
            }
        }
        s *= 0.5;
    }
    let mut k = 0;
    'c: while k < n {
        k += 1;
        for j in 0..k {
            if j == m {
                continue 'c;
            }
            s = s * p[j] + 0.1;
        }
    }
    s
}

// ----- tests -----------------------------------------------------------------------------------

#[test]
fn casts_of_indices() {
    for p in [
        vec![0.4, -0.3, 0.9, 0.2],
        sines(7, 0.8),
        sines(1, 0.6),
        sines(2, 0.6),
    ] {
        chk!(
            cast_step2,
            cast_step2_grad,
            cast_step2_vjp,
            cast_step2_jvp,
            p.clone()
        );
        chk!(
            cast_then_advance,
            cast_then_advance_grad,
            cast_then_advance_vjp,
            cast_then_advance_jvp,
            p.clone()
        );
        chk!(
            cast_shadowed,
            cast_shadowed_grad,
            cast_shadowed_vjp,
            cast_shadowed_jvp,
            p.clone()
        );
        chk!(
            cast_sub,
            cast_sub_grad,
            cast_sub_vjp,
            cast_sub_jvp,
            p.clone()
        );
        chk!(
            cast_f32,
            cast_f32_grad,
            cast_f32_vjp,
            cast_f32_jvp,
            p.clone()
        );
        chk!(
            cast_len,
            cast_len_grad,
            cast_len_vjp,
            cast_len_jvp,
            p.clone()
        );
        chk!(
            cast_rev_step,
            cast_rev_step_grad,
            cast_rev_step_vjp,
            cast_rev_step_jvp,
            p.clone()
        );
        chk!(
            cast_nested,
            cast_nested_grad,
            cast_nested_vjp,
            cast_nested_jvp,
            p.clone()
        );
        chk!(
            cast_i64,
            cast_i64_grad,
            cast_i64_vjp,
            cast_i64_jvp,
            p.clone()
        );
        chk!(
            cast_in_condition,
            cast_in_condition_grad,
            cast_in_condition_vjp,
            cast_in_condition_jvp,
            p.clone()
        );
        chk!(
            cast_enumerate,
            cast_enumerate_grad,
            cast_enumerate_vjp,
            cast_enumerate_jvp,
            p.clone()
        );
        chk!(
            cast_then_reassign,
            cast_then_reassign_grad,
            cast_then_reassign_vjp,
            cast_then_reassign_jvp,
            p.clone()
        );
        chk!(
            cast_shadow_outer,
            cast_shadow_outer_grad,
            cast_shadow_outer_vjp,
            cast_shadow_outer_jvp,
            p.clone()
        );
        for m in [0, 1, 2, 9] {
            chk!(
                cast_with_exits,
                cast_with_exits_grad,
                cast_with_exits_vjp,
                cast_with_exits_jvp,
                p.clone(),
                m
            );
        }
    }
    let x = vec![0.13, -0.77, 1.41, 0.52, -0.05, 0.9];
    for p in [vec![0.4, -0.3], vec![1.7, 0.2]] {
        chk!(
            cast_data,
            cast_data_grad,
            cast_data_vjp,
            cast_data_jvp,
            p,
            &x[..]
        );
    }
    for p in [vec![0.4, -0.3, 0.9, 0.2, 0.5, 0.1], sines(6, 1.3)] {
        chk!(
            cast_zip,
            cast_zip_grad,
            cast_zip_vjp,
            cast_zip_jvp,
            p.clone(),
            &x[..]
        );
        chk!(
            cast_to_index,
            cast_to_index_grad,
            cast_to_index_vjp,
            cast_to_index_jvp,
            p.clone(),
            &x[..]
        );
        let q = [3usize, 5, 4, 7, 3, 9];
        chk!(
            cast_mixed,
            cast_mixed_grad,
            cast_mixed_vjp,
            cast_mixed_jvp,
            p.clone(),
            &q[..]
        );
        for (dt, n) in [(0.1, 0), (0.37, 3), (0.2, 9)] {
            let (_, (g, gdt)) = cast_param_count_grad(&p, dt, n);
            let k = p.len();
            check(
                "cast_param_count",
                |z| cast_param_count(&z[..k], z[k], n),
                &join(g, vec![gdt]),
                &join(p.clone(), vec![dt]),
            );
        }
    }
    // the round trip through f32 is read as the identity: against the gradient without it
    for p in [vec![0.4, -0.3, 0.9, 0.2], sines(5, 1.3)] {
        let (_, g) = cast_param_f32_grad(&p);
        let want = cast_param_f32_plain_grad(&p);
        for k in 0..p.len() {
            assert!(
                (g[k] - want[k]).abs() < 1e-6 * (1.0 + want[k].abs()),
                "cast_param_f32[{k}] {} vs {}",
                g[k],
                want[k]
            );
        }
    }
}

#[test]
fn casts_through_references() {
    let ks: Vec<u32> = vec![3, 0, 7, 2];
    let vs: Vec<usize> = vec![1, 4, 2];
    for n in [0usize, 1, 5] {
        for p in [vec![0.4, 0.9, -0.7], sines(5, 1.1)] {
            let (v, g) = cast_refs_grad(&p, &n, &ks, &vs);
            assert!((v - cast_refs(&p, &n, &ks, &vs)).abs() < 1e-12);
            check("cast_refs", |z| cast_refs(z, &n, &ks, &vs), &g, &p);
        }
    }
    for p in [vec![0.4, 0.9, -0.7], sines(5, 1.1)] {
        chk!(
            cast_long_expr,
            cast_long_expr_grad,
            cast_long_expr_vjp,
            cast_long_expr_jvp,
            p.clone()
        );
    }
}

#[test]
fn loops_that_push_write_and_read_neighbours() {
    for lim in [0.5, 2.0, 1000.0] {
        for p in [vec![0.4, 0.9, -0.7], sines(4, 1.1)] {
            chk!(
                push_then_read,
                push_then_read_grad,
                push_then_read_vjp,
                push_then_read_jvp,
                p.clone(),
                lim
            );
        }
    }
    for m in [0, 1, 2, 3, 5, 9] {
        for p in [vec![0.4, 0.9, -0.7, 0.3, 0.8], sines(6, 1.1)] {
            chk!(
                table_recurrence,
                table_recurrence_grad,
                table_recurrence_vjp,
                table_recurrence_jvp,
                p.clone(),
                m
            );
            chk!(
                neighbours_return,
                neighbours_return_grad,
                neighbours_return_vjp,
                neighbours_return_jvp,
                p.clone(),
                m
            );
            chk!(
                dense_writes,
                dense_writes_grad,
                dense_writes_vjp,
                dense_writes_jvp,
                p.clone(),
                m
            );
            chk!(
                chained_outer_breaks,
                chained_outer_breaks_grad,
                chained_outer_breaks_vjp,
                chained_outer_breaks_jvp,
                p.clone(),
                m
            );
        }
    }
    for p in [vec![0.4, 0.9, -0.7], sines(5, 1.1)] {
        chk!(
            zipped_ranges,
            zipped_ranges_grad,
            zipped_ranges_vjp,
            zipped_ranges_jvp,
            p.clone()
        );
        let (_, g) = f32_path_grad(&p);
        let want = f32_path_plain_grad(&p);
        for k in 0..p.len() {
            assert!(
                (g[k] - want[k]).abs() < 1e-5 * (1.0 + want[k].abs()),
                "f32_path[{k}] {} vs {}",
                g[k],
                want[k]
            );
        }
    }
}
