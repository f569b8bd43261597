//! Adversarial tests of the syntactic rewrite of view-loop bodies in
//! `autodiff-macros/src/lower/views.rs`: `w[e]` -> `v[start + e]` (checked with `view_index`),
//! `w.len()` -> the part length, `f(w)` -> `f(&v[start..start + len])`, the part binding dropped
//! when unused. Every `_grad` is checked against the plain function's value and against central
//! differences in f64 (step 1e-6, tolerance 1e-6); panics of `_grad` against the plain function's.

#![allow(
    clippy::needless_range_loop,
    clippy::all,
    unused_mut,
    unused_variables,
    unused_assignments,
    unused_parens,
    unused_braces,
    non_snake_case,
    non_upper_case_globals
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

use std::panic::{AssertUnwindSafe, catch_unwind};

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable]
fn sumsq(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * a[i];
    }
    s
}

#[differentiable]
fn scale_first(c: f64, a: &[f64]) -> f64 {
    c * a[0]
}

// ---------------------------------------------------------------------------------------------
// 1. Index expressions with side effects / reading state the body changes.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn index_side_effects(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut j = 0usize;
    for w in x.windows(3) {
        s += w[{
            j += 1;
            j % 3
        }] * w[j % 3]
            + w[{
                j += 2;
                j % 3
            }];
    }
    s
}

#[differentiable]
fn index_changes(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        let mut k = w.len() - 1;
        let a = w[k];
        k = 0;
        let b = w[k];
        s += a * b + w[k];
        k = w.len() / 2;
        s += w[k].sin();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 2. Reads in nested control flow.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn reads_in_control(x: &[f64], #[no_grad] mode: usize) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.chunks(3).enumerate() {
        if w.len() == 3 {
            s += {
                let t = w[2] * w[0];
                t * t
            };
        } else if w[0] > 0.0 {
            s += w[0];
        } else {
            s -= w[w.len() - 1];
        }
        match (i + mode) % 3 {
            0 => s += w[0].powi(2),
            1 => {
                for j in 0..w.len() {
                    s += w[j] * (j as f64 + 1.0);
                }
            }
            _ => {
                let mut j = 0;
                while j < w.len() {
                    s += w[j].cos();
                    j += 2;
                }
            }
        }
    }
    s
}

#[differentiable]
fn len_arith(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.rchunks(k) {
        let n = w.len() as f64;
        s += w[w.len() - 1] * n + w[0] / (w.len() * 2) as f64;
        for j in (0..w.len()).rev() {
            s += w[j] * w[w.len() - 1 - j];
        }
        if w.len() < k {
            s += 10.0 * w[0];
        }
    }
    s
}

#[differentiable]
fn while_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(4) {
        let mut j = 0;
        while j < w.len() {
            if w[j] < -0.5 {
                break;
            }
            s += w[j] * w[(j + 1) % w.len()];
            j += 1;
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 3. The part passed to calls.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn part_calls(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += sumsq(w) + dot2(w, w) + scale_first(sumsq(w), w);
    }
    s
}

#[differentiable]
fn part_calls_borrowed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += sumsq(&w) + sumsq(&w[..]) + scale_first(w[0], &w[w.len() - 1..]);
        if w.len() > 1 {
            s += sumsq(&w[1..]) * dot2(&w[..2], &w[w.len() - 2..]);
        }
    }
    s
}

/// Element methods and elements of elements.
#[differentiable]
fn elem_methods(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[0].powi(2) + w[1].sin() * w[2].max(w[0]) + w[2].abs().sqrt() + (w[1] * w[0]).exp();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 4. Index forms.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn data_index(x: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.chunks(3).enumerate() {
        let j = idx[i % idx.len()] % w.len();
        s += w[j] * w[idx[0] % w.len()];
        let m = if w[0] > w[w.len() - 1] {
            0
        } else {
            w.len() - 1
        };
        s += w[m].exp();
        s += w[(w[0].abs() * 3.0) as usize % w.len()];
    }
    s
}

#[differentiable]
fn suffix_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[1usize] * w[0_usize] + w[2usize] * w[0x1];
    }
    for w in x.chunks_exact(2) {
        s += w[1usize] * w[0usize];
    }
    for w in x.rchunks_exact(3usize) {
        s += w[2] - w[0] * w[1usize];
    }
    s
}

const K: usize = 3;

#[differentiable]
fn const_size(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(K) {
        s += w[K - 1] * w[0] + w[K / 2];
    }
    for w in x.chunks(K) {
        s += w[w.len() - 1] * (w.len() as f64);
    }
    s
}

#[differentiable]
fn enumerate_other(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.chunks(2).enumerate() {
        s += w[0] * y[i] + w[w.len() - 1] * y[i].sin();
    }
    for (i, w) in y.windows(2).enumerate() {
        s += w[1] * x[i] * w[0];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 5. Containers.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn vec_ref_parts(v: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for w in v.chunks(4) {
        s += sumsq(w) * w[w.len() - 1];
    }
    s
}

#[differentiable]
fn array_parts(p: [f64; 7]) -> f64 {
    let mut s = 0.0;
    for w in p.rchunks(3) {
        s += w[0] * w[w.len() - 1] + sumsq(w);
    }
    for w in p.windows(4) {
        s += w[3] * w[1];
    }
    s
}

#[differentiable]
fn point_parts(pts: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for w in pts.windows(2) {
        let dx = w[1][0] - w[0][0];
        let dy = w[1][1] - w[0][1];
        s += (dx * dx + dy * dy + 0.1).sqrt();
    }
    for c in pts.chunks(2) {
        s += c[0][1] * c[c.len() - 1][0];
    }
    s
}

#[differentiable]
fn row_parts(rows: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for w in rows.chunks(2) {
        for j in 0..w[0].len() {
            s += w[0][j] * w[w.len() - 1][j];
        }
        s += sumsq(&w[0]);
    }
    s
}

#[differentiable]
fn generic_rewrite<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for w in x.chunks(3) {
        s += w[0] * w[w.len() - 1];
        for j in 0..w.len() {
            s += w[j].sin();
        }
    }
    s
}

#[differentiable(order = 2)]
fn o2_rewrite(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += w[0] * w[w.len() - 1] * w[w.len() / 2];
    }
    for w in x.windows(2) {
        s += (w[0] * w[1]).sin();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 6. Labels, continue, break, return.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn labels(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'outer: for a in x.chunks(3) {
        'inner: for b in x.windows(2) {
            if b[0] > 0.8 {
                continue 'outer;
            }
            if b[1] < -0.9 {
                break 'inner;
            }
            s += a[a.len() - 1] * b[1];
        }
        s += a[0];
    }
    s
}

#[differentiable]
fn return_inside(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        if w[0] > 0.9 {
            return w[w.len() - 1] * s;
        }
        s += w[0] * w[w.len() - 1];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 7. Names.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn shadow_inner_block(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        {
            let w = 1.5;
            s += w;
        }
        s += w[0] * w[1];
    }
    s
}

#[differentiable]
fn raw_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for r#w in x.windows(2) {
        s += w[0] * r#w[1] + sumsq(r#w) + w.len() as f64;
    }
    s
}

#[differentiable]
fn part_named_like_fn(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for sumsq in x.windows(2) {
        s += sumsq[0] * self::sumsq(sumsq) + self::dot2(sumsq, &x[..2]);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 8. Several loops over the same slice; nested loops.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn same_slice_loops(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0] * w[1];
    }
    for w in x.chunks(3) {
        s += w[w.len() - 1];
    }
    for a in x.windows(2) {
        for b in x.chunks(2) {
            s += a[1] * b[b.len() - 1] * 0.1 + sumsq(a) * b[0];
        }
    }
    s
}

#[differentiable]
fn nested_over_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(4) {
        for w in c.windows(2) {
            s += w[0] * w[1] * c[0] + w.len() as f64 * c[c.len() - 1];
        }
    }
    s
}

#[differentiable]
fn nested_enumerates(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, a) in x.chunks(2).enumerate() {
        for (j, b) in x.windows(2).enumerate() {
            s += a[(i + j) % a.len()] * b[j % 2];
        }
    }
    s
}

#[differentiable]
fn inner_k_from_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for a in x.chunks(3) {
        for b in x.windows(a.len()) {
            s += b[b.len() - 1] * a[0];
        }
    }
    s
}

#[differentiable]
fn inner_view(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in v.windows(2) {
        s += w[0] * w[1];
    }
    s
}

#[differentiable]
fn calls_inner_view(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in x.chunks(3) {
        s += inner_view(c) * c[0];
    }
    s
}

#[differentiable]
fn alias_and_reads(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let a = w;
        s += a[0] * w[1] + a[2] * w[2];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 9. Slice patterns on the part.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn slice_patterns(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        if w.len() == 2 {
            s += w[0] * w[1];
        }
        s += w[0];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 10. The base changed in the body.
// ---------------------------------------------------------------------------------------------

/// `r = y` (a plain assignment: detected, parts of the slice borrowed first).
#[differentiable]
fn base_assigned(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0] * w[1];
        r = y;
        s += w[1] * r[0];
    }
    s
}

/// `(r, q) = (q, r)`: a destructuring assignment of the base.
#[differentiable]
fn base_swapped(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut q: &[f64] = y;
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0] * w[1];
        (r, q) = (q, r);
    }
    s + r[0]
}

// ---------------------------------------------------------------------------------------------
// 11. Panics.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn panics_chunks(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += w[j];
    }
    s
}

#[differentiable]
fn panics_rchunks(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for w in x.rchunks(3) {
        s += w[j] * w[0];
    }
    s
}

#[differentiable]
fn panics_windows_literal(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[3];
    }
    s
}

#[differentiable]
fn panics_len_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        s += w[w.len()];
    }
    s
}

#[differentiable]
fn panics_call_range(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += sumsq(&w[1..3]) + scale_first(1.0, w);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 12. More body forms (all pass).
// ---------------------------------------------------------------------------------------------

/// An inner view loop over a local written on each outer trip (reads `t[i1 + c]` of a value
/// overwritten later).
#[differentiable]
fn inner_base_rewritten(x: &[f64]) -> f64 {
    let mut t = vec![0.0; 3];
    let mut s = 0.0;
    for a in x.windows(2) {
        t[0] = a[0] * a[1];
        t[1] = a[1].sin();
        t[2] = t[0] + t[1];
        for b in t.windows(2) {
            s += b[0] * b[1];
        }
        for c in t.chunks(2) {
            s += sumsq(c) * c[c.len() - 1];
        }
    }
    s
}

/// In-place changes of the base between view loops.
#[differentiable]
fn inplace_methods_after(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for w in u.windows(2) {
        s += w[0] * w[1];
    }
    u.swap(0, 1);
    for w in u.chunks(2) {
        s += w[0] * w[w.len() - 1] * 0.5;
    }
    u.reverse();
    for w in u.chunks(3) {
        s += sumsq(w) * w[0];
    }
    for i in 0..u.len() {
        u[i] *= 3.0;
    }
    for w in u.windows(3) {
        s += w[0] * w[2];
    }
    u[0] = s;
    for w in u.windows(2) {
        s += w[0] * w[1];
    }
    s
}

/// `loop` with break values reading the part.
#[differentiable]
fn loop_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        let mut j = 0;
        let m = loop {
            if w[j] > 0.3 {
                break w[j] * w[0];
            }
            j += 1;
            if j == w.len() {
                break w[w.len() - 1];
            }
        };
        s += m;
    }
    s
}

/// An owned `Vec` parameter and a `&[f64; N]` parameter.
#[differentiable]
fn owned_param(x: Vec<f64>, p: &[f64; 6]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        s += sumsq(w) * w[w.len() - 1];
    }
    for w in p.chunks(4) {
        s += sumsq(w) + w[w.len() - 1] * x[0];
    }
    s
}

/// Reads guarded by `&&`, `||`, `if` expressions and match guards (a short part must not be
/// read past its end in `_grad` when the plain function does not).
#[differentiable]
fn short_circuit(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        if j < w.len() && w[j] > -5.0 {
            s += w[j] * w[0];
        }
        if j >= w.len() || w[j] < 5.0 {
            s += w[0];
        }
        let m = if j < w.len() { w[j] } else { w[0] * 2.0 };
        s += m * m;
        s += match j {
            k if k < w.len() && w[k] > 0.0 => w[k],
            _ => 1.0,
        };
        let mut i = 0;
        while i < w.len() && w[i] > -5.0 {
            s += w[i] * (i as f64 + 1.0);
            i += 1;
        }
    }
    s
}

#[differentiable(order = 2)]
fn o2_sumsq(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * a[i];
    }
    s
}

/// Order 2: calls taking the part in `while`/`if` conditions (hoisted in second-order code).
#[differentiable(order = 2)]
fn o2_short(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        let mut j = 0;
        while j + 1 < w.len() && o2_sumsq(&w[j..j + 2]) > 0.0 {
            s += w[j] * w[j + 1];
            j += 1;
        }
        if w.len() == 3 && o2_sumsq(w) * w[2] > -100.0 {
            s += w[2] * w[0];
        }
        let m = if w.len() > 2 { w[2] * w[1] } else { w[0] };
        s += m * m;
    }
    s
}

/// A loop-carried index, and a constant local index.
#[differentiable(order = 2)]
fn carried_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut j = 0;
    for w in x.windows(3) {
        s += w[j] * w[j] + w[2 - j] * s.sin();
        j = (j + 2) % 3;
    }
    let c = 2;
    for w in x.windows(3) {
        s += w[c] * w[c - 1];
    }
    let mut j = 0;
    for w in x.chunks(3) {
        s += w[j % w.len()] * w[0] + o2_sumsq(w);
        j += 1;
    }
    s
}

/// Parts of an index slice used to gather.
#[differentiable]
fn gather(x: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for w in idx.windows(2) {
        s += x[w[0]] * x[w[1]];
    }
    for c in idx.chunks(3) {
        s += x[c[c.len() - 1]].sin() * x[c[0]];
    }
    s
}

/// Recursion on the parts.
#[differentiable]
fn rec(x: &[f64]) -> f64 {
    if x.len() <= 2 {
        return x[0] * x[x.len() - 1];
    }
    let mut s = 0.0;
    for w in x.chunks(x.len().div_ceil(2)) {
        s += rec(w) * w[0];
    }
    s
}

fn tick(c: &std::cell::Cell<usize>, m: usize) -> usize {
    let v = c.get();
    c.set(v + 1);
    v % m
}

/// An index with a side effect outside the function (a counter): evaluated once per read.
#[differentiable]
fn cell_index(x: &[f64], #[no_grad] c: &std::cell::Cell<usize>) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[tick(c, 3)] * w[tick(c, 3)];
    }
    s
}

fn argmax(a: &[f64]) -> usize {
    let mut b = 0;
    for i in 0..a.len() {
        if a[i] > a[b] {
            b = i;
        }
    }
    b
}

/// The part iterated, enumerated, parenthesised, `w.iter().len()`, and passed to a plain
/// (non-differentiable) function through `stop_gradient`.
#[differentiable]
fn part_other_uses(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        for e in w {
            s += e * w[0];
        }
        for (j, e) in w.iter().enumerate() {
            s += e * w[w.len() - 1 - j];
        }
        s += w[argmax(stop_gradient(w))] * 2.0;
        s += (w)[0] * w.iter().len() as f64 + w.first().copied().unwrap_or(0.0);
        let (a, b) = (w[0], w[w.len() - 1]);
        s += a * b;
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 13. The base re-pointed by a destructuring assignment `(r, q) = (q, r)`: the loop goes over
// the slice `r` pointed at when it started. Found by this file: the check for a body writing
// `r` (`loop_writes::body_may_write`) missed destructuring assignments, so the parts (and the
// rewritten reads `w[c]` -> `r[i + c]`) were taken from the slice `r` pointed at at each trip;
// `for e in r` had the same miss.
// ---------------------------------------------------------------------------------------------

/// x = [1, 2, 3], y = [10, 20, 30]: 1 + 2 = 3, gradient ([1, 1, 0], [0, 0, 0]) (was 21, reading
/// y[1]).
#[differentiable]
fn swap_min(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut q: &[f64] = y;
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0];
        (r, q) = (q, r);
    }
    s
}

/// `(r, _) = (y, 1.0)`-style assignment with a wildcard.
#[differentiable]
fn swap_wild(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut s = 0.0;
    let mut t = 0.0;
    for w in r.chunks(1) {
        s += w[0];
        (r, t) = (y, 1.0);
    }
    s
}

/// rchunks whose offsets are counted from `r.len()` read at each trip.
#[differentiable]
fn swap_rchunks_len(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut q: &[f64] = y;
    let mut s = 0.0;
    for w in r.rchunks(2) {
        s += w[w.len() - 1] * w.len() as f64;
        (r, q) = (q, r);
    }
    s
}

/// The same outside views.rs: `for e in r` over a reference re-pointed by a tuple assignment
/// (x = [1, 2, 3], y = [10, 20, 30]: 6; was 24).
#[differentiable]
fn swap_iter(x: &[f64], y: &[f64]) -> f64 {
    let mut r: &[f64] = x;
    let mut q: &[f64] = y;
    let mut s = 0.0;
    for e in r {
        s += *e;
        (r, q) = (q, r);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn t_index_side_effects() {
    for n in [0, 3, 4, 7] {
        let x = sines(n, 0.8);
        check_value_grad(
            "side effects",
            index_side_effects,
            index_side_effects_grad(&x),
            &x,
        );
        check_value_grad("index changes", index_changes, index_changes_grad(&x), &x);
    }
}

#[test]
fn t_control() {
    for n in [0, 1, 4, 7, 9] {
        let x = sines(n, 0.9);
        for mode in 0..3 {
            check_value_grad(
                "control",
                |z| reads_in_control(z, mode),
                reads_in_control_grad(&x, mode),
                &x,
            );
        }
        for k in [1, 2, 3, 4] {
            check_value_grad("len arith", |z| len_arith(z, k), len_arith_grad(&x, k), &x);
        }
        check_value_grad("while break", while_break, while_break_grad(&x), &x);
    }
}

#[test]
fn t_calls() {
    for n in [0, 2, 3, 5, 8] {
        let x = sines(n, 0.7);
        check_value_grad("part calls", part_calls, part_calls_grad(&x), &x);
        check_value_grad(
            "part calls borrowed",
            part_calls_borrowed,
            part_calls_borrowed_grad(&x),
            &x,
        );
        check_value_grad("elem methods", elem_methods, elem_methods_grad(&x), &x);
    }
}

#[test]
fn t_index_forms() {
    let idx = [2usize, 0, 1, 5];
    for n in [1, 3, 5, 8] {
        let x = sines(n, 0.9);
        check_value_grad(
            "data index",
            |z| data_index(z, &idx),
            data_index_grad(&x, &idx),
            &x,
        );
        check_value_grad("suffix", suffix_index, suffix_index_grad(&x), &x);
        check_value_grad("const size", const_size, const_size_grad(&x), &x);
        let y = sines(n + 1, 0.5);
        let r = enumerate_other_grad(&x, &y);
        pair_check("enum other", |a, b| enumerate_other(a, b), r, &x, &y);
    }
}

#[test]
fn t_containers() {
    for n in [0, 3, 5, 9] {
        let x = sines(n, 0.8);
        check_value_grad(
            "vec ref",
            |z| vec_ref_parts(&z.to_vec()),
            vec_ref_parts_grad(&x.to_vec()),
            &x,
        );
        let (v, g) = generic_rewrite_grad(x.as_slice());
        check_value_grad("generic", |z| generic_rewrite(z), (v, g.clone()), &x);
        let (_, g32) = generic_rewrite_grad(to32(&x).as_slice());
        agree("generic f32", &g, &g32, 1e-4);
    }
    let p = [0.3, -0.7, 1.1, 0.5, -0.2, 0.9, 0.4];
    let (v, g) = array_parts_grad(p);
    check_value_grad(
        "array",
        |z| array_parts([z[0], z[1], z[2], z[3], z[4], z[5], z[6]]),
        (v, g.to_vec()),
        &p,
    );
    for n in [1, 2, 3, 5] {
        let x = sines(2 * n, 0.8);
        let pts: Vec<[f64; 2]> = x.chunks(2).map(|c| [c[0], c[1]]).collect();
        let (v, g) = point_parts_grad(&pts);
        let g: Vec<f64> = g.iter().flat_map(|p| p.iter().copied()).collect();
        check_value_grad(
            "points",
            |z| point_parts(&z.chunks(2).map(|c| [c[0], c[1]]).collect::<Vec<_>>()),
            (v, g),
            &x,
        );
        let rows = rows_of(&x, 2);
        let (v, g) = row_parts_grad(&rows);
        check_value_grad("rows", |z| row_parts(&rows_of(z, 2)), (v, flat(&g)), &x);
    }
}

#[test]
fn t_order2() {
    for n in [2, 4, 7] {
        let x = sines(n, 0.8);
        let d = sines(n, 0.3);
        check_value_grad("o2 grad", o2_rewrite, o2_rewrite_grad(&x), &x);
        let (v, g, hv) = o2_rewrite_hvp(&x, d.clone());
        assert!((v - o2_rewrite(&x)).abs() < 1e-12 * (1.0 + v.abs()));
        check_hvp("o2 hvp", |z| o2_rewrite_grad(z).1, &hv, &x, &d);
    }
}

#[test]
fn t_jvp() {
    for n in [0, 3, 7] {
        let x = sines(n, 0.8);
        let d = sines(n, 0.4);
        let (y, dy) = part_calls_jvp(&x, d.clone());
        let (y2, g) = part_calls_grad(&x);
        let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum();
        assert!((y - y2).abs() < 1e-12 * (1.0 + y.abs()), "jvp value");
        assert!(
            (dy - dot).abs() < 1e-9 * (1.0 + dot.abs()),
            "jvp {dy} vs {dot}"
        );
    }
}

#[test]
fn t_exits() {
    for n in [0, 3, 6, 10] {
        for amp in [0.5, 1.0] {
            let x = sines(n, amp);
            check_value_grad("labels", labels, labels_grad(&x), &x);
            check_value_grad("return", return_inside, return_inside_grad(&x), &x);
        }
    }
}

#[test]
fn t_names() {
    for n in [0, 2, 5] {
        let x = sines(n, 0.8);
        check_value_grad(
            "shadow inner",
            shadow_inner_block,
            shadow_inner_block_grad(&x),
            &x,
        );
        check_value_grad("raw part", raw_part, raw_part_grad(&x), &x);
        if n >= 2 {
            check_value_grad(
                "part like fn",
                part_named_like_fn,
                part_named_like_fn_grad(&x),
                &x,
            );
        }
    }
}

#[test]
fn t_nested() {
    for n in [0, 2, 3, 5, 9] {
        let x = sines(n, 0.8);
        check_value_grad(
            "same slice",
            same_slice_loops,
            same_slice_loops_grad(&x),
            &x,
        );
        check_value_grad(
            "nested over part",
            nested_over_part,
            nested_over_part_grad(&x),
            &x,
        );
        check_value_grad(
            "nested enumerates",
            nested_enumerates,
            nested_enumerates_grad(&x),
            &x,
        );
        check_value_grad("inner k", inner_k_from_part, inner_k_from_part_grad(&x), &x);
        check_value_grad(
            "calls inner view",
            calls_inner_view,
            calls_inner_view_grad(&x),
            &x,
        );
        check_value_grad("alias", alias_and_reads, alias_and_reads_grad(&x), &x);
        check_value_grad(
            "slice patterns",
            slice_patterns,
            slice_patterns_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_base_assigned() {
    for n in [2, 3, 5] {
        let x = sines(n, 0.8);
        let y = sines(n + 2, 0.5);
        let r = base_assigned_grad(&x, &y);
        pair_check("base assigned", |a, b| base_assigned(a, b), r, &x, &y);
    }
}

#[test]
fn t_base_swapped() {
    for n in [2, 3, 5] {
        let x = sines(n, 0.8);
        let y: Vec<f64> = sines(n + 2, 0.5).iter().map(|v| v + 2.0).collect();
        let r = base_swapped_grad(&x, &y);
        pair_check("base swapped", |a, b| base_swapped(a, b), r, &x, &y);
    }
}

/// Whether `f` panics.
fn panics<R>(f: impl FnOnce() -> R) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_err()
}

#[test]
fn t_panics_agree() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut bad = Vec::new();
    for n in 0..9 {
        let x = sines(n, 0.8);
        for j in 0..4 {
            let a = panics(|| panics_chunks(&x, j));
            let b = panics(|| panics_chunks_grad(&x, j));
            if a != b {
                bad.push(format!("chunks n={n} j={j}: plain {a} grad {b}"));
            }
            let a = panics(|| panics_rchunks(&x, j));
            let b = panics(|| panics_rchunks_grad(&x, j));
            if a != b {
                bad.push(format!("rchunks n={n} j={j}: plain {a} grad {b}"));
            }
        }
        for (name, a, b) in [
            (
                "windows literal",
                panics(|| panics_windows_literal(&x)),
                panics(|| panics_windows_literal_grad(&x)),
            ),
            (
                "len index",
                panics(|| panics_len_index(&x)),
                panics(|| panics_len_index_grad(&x)),
            ),
            (
                "call range",
                panics(|| panics_call_range(&x)),
                panics(|| panics_call_range_grad(&x)),
            ),
        ] {
            if a != b {
                bad.push(format!("{name} n={n}: plain {a} grad {b}"));
            }
        }
    }
    std::panic::set_hook(prev);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
#[should_panic]
fn t_panic_short_last_chunk_grad() {
    // 7 elements in chunks of 3: the last chunk has 1 element, w[2] is past it.
    let x = sines(7, 0.8);
    let _ = panics_chunks_grad(&x, 2);
}

#[test]
#[should_panic]
fn t_panic_short_last_rchunk_grad() {
    let x = sines(7, 0.8);
    let _ = panics_rchunks_grad(&x, 1);
}

#[test]
fn t_no_panic_full_chunks_grad() {
    let x = sines(6, 0.8);
    check_value_grad(
        "chunks j=2",
        |z| panics_chunks(z, 2),
        panics_chunks_grad(&x, 2),
        &x,
    );
    check_value_grad(
        "rchunks j=2",
        |z| panics_rchunks(z, 2),
        panics_rchunks_grad(&x, 2),
        &x,
    );
}

#[test]
fn t_more_forms() {
    for n in [2, 3, 5, 6, 9] {
        let x = sines(n, 0.8);
        check_value_grad(
            "inner base",
            inner_base_rewritten,
            inner_base_rewritten_grad(&x),
            &x,
        );
        check_value_grad(
            "inplace after",
            inplace_methods_after,
            inplace_methods_after_grad(&x),
            &x,
        );
        check_value_grad("loop value", loop_value, loop_value_grad(&x), &x);
        check_value_grad("o2 short", o2_short, o2_short_grad(&x), &x);
        check_value_grad("carried", carried_index, carried_index_grad(&x), &x);
        check_value_grad("rec", rec, rec_grad(&x), &x);
        check_value_grad("other uses", part_other_uses, part_other_uses_grad(&x), &x);
        let d = sines(n, 0.3);
        let (v, _, hv) = o2_short_hvp(&x, d.clone());
        assert!((v - o2_short(&x)).abs() < 1e-12 * (1.0 + v.abs()));
        check_hvp("o2 short hvp", |z| o2_short_grad(z).1, &hv, &x, &d);
        let (_, _, hv) = carried_index_hvp(&x, d.clone());
        check_hvp("carried hvp", |z| carried_index_grad(z).1, &hv, &x, &d);
        for j in 0..4 {
            check_value_grad(
                "short circuit",
                |z| short_circuit(z, j),
                short_circuit_grad(&x, j),
                &x,
            );
        }
        let idx: Vec<usize> = (0..2 * n).map(|i| (i * 5 + 1) % n).collect();
        check_value_grad("gather", |z| gather(z, &idx), gather_grad(&x, &idx), &x);
        if n >= 3 {
            use std::cell::Cell;
            let c = Cell::new(0);
            let _ = cell_index(&x, &c);
            let plain_ticks = c.get();
            let c = Cell::new(0);
            let r = cell_index_grad(&x, &c);
            assert_eq!(c.get(), plain_ticks, "index side effects run once");
            check_value_grad("cell index", |z| cell_index(z, &Cell::new(0)), r, &x);
        }
    }
    let p = [0.3, -0.7, 1.1, 0.5, -0.2, 0.9];
    let x = sines(5, 0.8);
    let (v, (gx, gp)) = owned_param_grad(x.clone(), &p);
    let mut all = x.clone();
    all.extend(p);
    let mut g = gx;
    g.extend(gp.iter());
    check_value_grad(
        "owned",
        |z| owned_param(z[..5].to_vec(), &[z[5], z[6], z[7], z[8], z[9], z[10]]),
        (v, g),
        &all,
    );
}

#[test]
fn t_short_circuit_panics_agree() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut bad = Vec::new();
    for n in [1, 2, 4, 5, 7] {
        let x = sines(n, 0.8);
        for j in 0..5 {
            let a = panics(|| short_circuit(&x, j));
            let b = panics(|| short_circuit_grad(&x, j));
            if a != b {
                bad.push(format!("short circuit n={n} j={j}: plain {a} grad {b}"));
            }
        }
        let a = panics(|| o2_short(&x));
        let b = panics(|| o2_short_grad(&x));
        let c = panics(|| o2_short_hvp(&x, x.clone()));
        if a != b || a != c {
            bad.push(format!("o2 short n={n}: plain {a} grad {b} hvp {c}"));
        }
    }
    std::panic::set_hook(prev);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Section 13.
#[test]
fn t_swap_min() {
    let x = [1.0, 2.0, 3.0];
    let y = [10.0, 20.0, 30.0];
    assert!((swap_min(&x, &y) - 3.0).abs() < 1e-12);
    let (v, (gx, gy)) = swap_min_grad(&x, &y);
    assert!((v - 3.0).abs() < 1e-12, "{v}");
    for (g, want) in gx.iter().chain(&gy).zip([1.0, 1.0, 0.0, 0.0, 0.0, 0.0]) {
        assert!((g - want).abs() < 1e-12, "{gx:?} {gy:?}");
    }
}

/// Section 13.
#[test]
fn t_swap_variants() {
    let x = [1.0, 2.0, 3.0];
    let y = [10.0, 20.0, 30.0];
    let mut bad = Vec::new();
    for (name, plain, grad) in [
        ("swap_wild", swap_wild(&x, &y), swap_wild_grad(&x, &y)),
        (
            "swap_rchunks_len",
            swap_rchunks_len(&x, &y),
            swap_rchunks_len_grad(&x, &y),
        ),
        ("swap_iter", swap_iter(&x, &y), swap_iter_grad(&x, &y)),
    ] {
        if (plain - grad.0).abs() > 1e-12 * (1.0 + plain.abs()) {
            bad.push(format!("{name}: plain {plain}, _grad {:?}", grad));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
