//! Adversarial tests of `for` loops over `v.windows(k)`, `v.chunks(k)`, `v.chunks_exact(k)`,
//! `v.rchunks(k)`, `v.rchunks_exact(k)` (and `.enumerate()`), lowered by
//! `autodiff-macros/src/lower/views.rs`. Every `_grad` is checked against central differences in
//! f64 (step 1e-6, tolerance 1e-6), `_hvp` against differences of `_grad`, `_jvp` against the
//! gradient's dot product with the direction, `f32` against `f64`.

#![allow(
    clippy::needless_range_loop,
    clippy::all,
    unused_mut,
    unused_variables,
    unused_assignments,
    non_snake_case
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

// ---------------------------------------------------------------------------------------------
// Time steps: windows of a local Vec reassigned each step.
// ---------------------------------------------------------------------------------------------

/// A diffusion-like stencil, `u = next` each step, boundary values kept.
#[differentiable]
fn heat_steps(x: &[f64], a: f64) -> f64 {
    let mut u = Vec::new();
    for i in 0..x.len() {
        u.push(x[i]);
    }
    for _t in 0..3 {
        let mut next = Vec::new();
        next.push(u[0]);
        for w in u.windows(3) {
            next.push(a * w[0] + (1.0 - 2.0 * a) * w[1] + a * w[2] + 0.1 * w[1] * w[1]);
        }
        next.push(u[u.len() - 1]);
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i] * (i as f64 + 1.0);
    }
    s
}

/// The local shrinks each step (no boundary kept): lengths change between the loops.
#[differentiable]
fn shrinking_steps(x: &[f64]) -> f64 {
    let mut u = Vec::new();
    for i in 0..x.len() {
        u.push(x[i]);
    }
    let mut s = 0.0;
    for t in 0..3 {
        let mut next = Vec::new();
        for w in u.windows(2) {
            next.push(w[0] * w[1] + (t as f64 + 1.0) * w[1].sin());
        }
        u = next;
        // chunks of the new u whose last chunk length depends on u.len()
        for q in u.rchunks(2) {
            s += q[0] * (q.len() as f64);
        }
    }
    for i in 0..u.len() {
        s += u[i];
    }
    s
}

/// The chunk size changes with the time step (`k` evaluated once per loop).
#[differentiable]
fn varying_chunk_size(x: &[f64]) -> f64 {
    let mut u = Vec::new();
    for i in 0..x.len() {
        u.push(x[i]);
    }
    let mut s = 0.0;
    for t in 0..3 {
        let mut next = Vec::new();
        for (c, q) in u.chunks(t + 1).enumerate() {
            let mut z = 0.0;
            for j in 0..q.len() {
                z += q[j] * (j as f64 + 1.0);
            }
            s += z.sin() * (c as f64 + 1.0);
            next.push(z * 0.5);
            next.push(q[0].cos());
        }
        u = next;
    }
    s
}

/// `k` changed inside the body: the loop keeps the size it started with.
#[differentiable]
fn k_changed_in_body(x: &[f64]) -> f64 {
    let mut k = 2;
    let mut s = 0.0;
    for w in x.chunks(k) {
        k += 1;
        s += w[0] * w[w.len() - 1] * (k as f64);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Shadowing.
// ---------------------------------------------------------------------------------------------

/// The part named like the slice.
#[differentiable]
fn part_named_like_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in x.windows(2) {
        s += x[0] * x[1].exp();
    }
    s
}

/// The body shadows the part with a scalar of the same name.
#[differentiable]
fn body_shadows_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let w = w[0] * w[1] + w[2];
        s += w * w;
    }
    s
}

/// The body shadows the part with a sub-range of itself.
#[differentiable]
fn body_reborrows_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let w = &w[1..];
        s += w[0] * w[1].sin();
    }
    s
}

/// The body shadows the slice name; the slice is used again after the loop.
#[differentiable]
fn body_shadows_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        let x = w[0] - w[1];
        s += x * x;
    }
    s + x[0] * x[x.len() - 1]
}

/// The index named like a local used later.
#[differentiable]
fn index_shadowing(x: &[f64]) -> f64 {
    let i = 3;
    let mut s = 0.0;
    for (i, w) in x.windows(2).enumerate() {
        let i = i * 2 + 1;
        s += (i as f64) * w[0] * w[1];
    }
    s + x[i] * 2.0
}

// ---------------------------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------------------------

/// `k` from the lengths of two slices.
#[differentiable]
fn k_from_lengths(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(y.len()).enumerate() {
        let mut d = 0.0;
        for j in 0..w.len() {
            d += w[j] * y[j];
        }
        s += d * d + (i as f64) * d;
    }
    s
}

/// `k` from `x.len()`, chunks larger than the slice when `x` is short.
#[differentiable]
fn k_from_own_length(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in x.chunks(x.len() / 2 + 1) {
        let mut p = 1.0;
        for j in 0..q.len() {
            p *= q[j];
        }
        s += p;
    }
    for q in x.rchunks_exact(x.len() / 3 + 1) {
        s += q[q.len() - 1].sin();
    }
    s
}

/// All views with a run-time size; any size, any length.
#[differentiable]
fn all_views(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(k).enumerate() {
        s += (i as f64 + 1.0) * w[0] * w[w.len() - 1];
    }
    for (i, w) in x.chunks(k).enumerate() {
        s += (i as f64 + 2.0) * w[0].sin() * w[w.len() - 1];
    }
    for (i, w) in x.chunks_exact(k).enumerate() {
        s += (i as f64 + 3.0) * w[0] * w[w.len() - 1].cos();
    }
    for (i, w) in x.rchunks(k).enumerate() {
        s += (i as f64 + 4.0) * w[0] * w[0] * w[w.len() - 1];
    }
    for (i, w) in x.rchunks_exact(k).enumerate() {
        s += (i as f64 + 5.0) * (w[0] - w[w.len() - 1]).tanh();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Receivers: arrays, `&Vec`, references, rows.
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn array_windows(p: [f64; 5]) -> f64 {
    let mut s = 0.0;
    for w in p.windows(2) {
        s += w[0] * w[1].sin();
    }
    for c in p.chunks(2) {
        s += c[0] * c[c.len() - 1];
    }
    s
}

#[differentiable]
fn vec_ref_windows(v: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for w in v.windows(3) {
        s += w[0] * w[1] * w[2];
    }
    for c in v.rchunks(2) {
        s += c[0].exp();
    }
    s
}

/// A borrowed local reference to a range, then its windows.
#[differentiable]
fn ref_local_windows(x: &[f64]) -> f64 {
    let r = &x[1..];
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0] * w[1] * w[1];
    }
    s
}

/// Windows of `&x` (a borrowed receiver).
#[differentiable]
fn borrowed_receiver(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in (&x).windows(2) {
        s += w[0] * w[1];
    }
    s
}

/// A local array of values.
#[differentiable]
fn local_array_windows(a: f64, b: f64) -> f64 {
    let arr = [a, b, a * b, a + b, b.sin()];
    let mut s = 0.0;
    for w in arr.windows(3) {
        s += w[0] * w[1] - w[2];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Body forms.
// ---------------------------------------------------------------------------------------------

/// `w.iter().sum()` and `for z in w.iter()`.
#[differentiable]
fn iter_sums(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let t: f64 = w.iter().sum();
        s += t * t;
    }
    s
}

#[differentiable]
fn iter_loop(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        for z in w.iter() {
            s += z * z * z;
        }
    }
    s
}

/// A labelled `break` from an inner index loop out of the windows loop.
#[differentiable]
fn labelled_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'outer: for w in x.windows(3) {
        for j in 0..w.len() {
            if w[j] > 0.9 {
                break 'outer;
            }
            s += w[j] * w[0];
        }
    }
    s
}

/// A labelled `continue` from an inner view loop of a view.
#[differentiable]
fn labelled_continue_nested(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'outer: for c in x.chunks(4) {
        for w in c.windows(2) {
            if w[1] < -0.5 {
                continue 'outer;
            }
            s += w[0] * w[1];
        }
        s += c[0];
    }
    s
}

/// `return` from inside the loop.
#[differentiable]
fn early_return(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(2).enumerate() {
        s += w[0] * w[1];
        if s > 1.0 {
            return s * (i as f64 + 1.0);
        }
    }
    s - 1.0
}

/// `first()` / `last()` of the part.
#[differentiable]
fn first_last(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += *w.first().unwrap() * *w.last().unwrap();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Calls.
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
fn pairwise_calls(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(4).enumerate() {
        s += dot2(&w[..2], &w[2..]) * (i as f64 + 1.0);
        s += dot2(w, w);
    }
    s
}

/// Parts of two slices zipped by index.
#[differentiable]
fn zipped_parts(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, a) in x.chunks(2).enumerate() {
        let b = &y[2 * i..2 * i + a.len()];
        s += dot2(a, b).sin();
    }
    s
}

/// Windows of two slices zipped by a nested enumerate and index equality.
#[differentiable]
fn zipped_views(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, a) in x.windows(2).enumerate() {
        for (j, b) in y.windows(2).enumerate() {
            if i == j {
                s += a[0] * b[1] - a[1] * b[0];
            }
        }
    }
    s
}

/// The index into the original slice next to the part.
#[differentiable]
fn index_and_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (c, q) in x.chunks_exact(2).enumerate() {
        s += q[1] * x[2 * c] + q[0] * x[x.len() - 1 - c];
    }
    s
}

/// A `#[no_grad]` signal convolved with a kernel.
#[differentiable]
fn convolve(#[no_grad] sig: &[f64], ker: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in sig.windows(ker.len()).enumerate() {
        let mut z = 0.0;
        for j in 0..ker.len() {
            z += w[j] * ker[j];
        }
        s += (z - (i as f64) * 0.1).powi(2);
    }
    s
}

/// Writes into a local at the part's number.
#[differentiable]
fn write_at_index(x: &[f64]) -> f64 {
    let mut out = vec![0.0; x.len()];
    for (i, w) in x.windows(2).enumerate() {
        out[i] += w[0] * w[1];
        out[i + 1] += w[0].sin();
    }
    let mut s = 0.0;
    for i in 0..out.len() {
        s += out[i] * out[i];
    }
    s
}

/// Windows of windows, of the same slice nested and of a local.
#[differentiable]
fn windows_of_windows(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(4) {
        for u in w.windows(2) {
            s += u[0] * u[1];
        }
        for v in x.rchunks(3) {
            s += w[0] * v[0];
        }
    }
    s
}

/// Windows inside a `while` loop and an `if`.
#[differentiable]
fn windows_in_while(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    let mut t = 0;
    while t < 3 {
        if t % 2 == 0 {
            for w in x.windows(2) {
                s += a * w[0] * w[1];
            }
        } else {
            for w in x.rchunks_exact(2) {
                s += a * a * w[0] - w[1];
            }
        }
        t += 1;
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn generic_chunks<T: Real>(x: &[T], y: &[T]) -> T {
    let mut s = T::zero();
    for (i, q) in x.chunks_exact(2).enumerate() {
        s += q[0] * q[1] * y[i];
    }
    for q in y.rchunks(2) {
        s += q[0].sin();
    }
    s
}

/// A `&[Vec<f64>]` rows windows.
#[differentiable]
fn row_windows(rows: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for w in rows.windows(2) {
        s += w[0][0] * w[1][1] + w[1][0];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Second order.
// ---------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn o2_all_views(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.rchunks(2).enumerate() {
        s += (i as f64 + 1.0) * w[0] * w[w.len() - 1] * w[0];
    }
    for w in x.rchunks_exact(3) {
        s += w[0] * w[1] * w[2];
    }
    for w in x.chunks_exact(2) {
        s += (w[0] * w[1]).sin();
    }
    for w in x.windows(2) {
        s += w[0] * w[0] * w[1];
    }
    s
}

#[differentiable(order = 2)]
fn o2_time_steps(x: &[f64], a: f64) -> f64 {
    let mut u = Vec::new();
    for i in 0..x.len() {
        u.push(x[i]);
    }
    for _t in 0..2 {
        let mut next = Vec::new();
        next.push(u[0]);
        for w in u.windows(3) {
            next.push(w[1] + a * (w[0] - 2.0 * w[1] + w[2]) + 0.2 * w[1] * w[1]);
        }
        next.push(u[u.len() - 1]);
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i] * u[i];
    }
    s
}

#[differentiable(order = 2)]
fn o2_dot_calls(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += o2_helper(w) * w[0];
    }
    s
}

#[differentiable(order = 2)]
fn o2_helper(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// More receivers and bodies (second batch).
// ---------------------------------------------------------------------------------------------

/// Nested views, the inner part named like its slice (the outer part).
#[differentiable]
fn nested_same_name(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(4) {
        for w in w.windows(2) {
            s += w[0] * w[1].sin();
        }
    }
    s
}

/// The outer part and index read after an inner enumerated view loop.
#[differentiable]
fn outer_after_inner(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(3).enumerate() {
        let mut t = 0.0;
        for (j, u) in w.chunks(2).enumerate() {
            t += u[0] * (j as f64 + 1.0) + u[u.len() - 1];
        }
        s += t * w[0] * (i as f64 + 1.0) + w[2] * w[1];
    }
    s
}

/// Chunk parts named like the slice; the slice read after.
#[differentiable]
fn chunk_part_named_like_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in x.rchunks(2) {
        s += x[0] * x[x.len() - 1].exp();
    }
    for x in x.chunks(3) {
        s += x[0] * x[x.len() - 1];
    }
    s + x[0]
}

/// The body shadows the slice name with a range of the part.
#[differentiable]
fn body_shadows_slice_with_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.chunks(2).enumerate() {
        let x = &w[..1];
        s += x[0] * w[w.len() - 1] * (i as f64 + 1.0);
    }
    for w in x.rchunks(3) {
        let x = &w[1..];
        for j in 0..x.len() {
            s += x[j] * w[0];
        }
    }
    s
}

/// The parameter shadowed by a range of itself, then by an owned copy.
#[differentiable]
fn shadow_param_before(x: &[f64]) -> f64 {
    let x = &x[1..];
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0] * w[1];
    }
    let x = x.to_vec();
    for w in x.chunks(2) {
        s += w[0].sin();
    }
    s
}

/// A part copied into a `mut` variable and rebound in the body (a `mut` part itself is
/// refused: `tests/heavy/tests/ui/iterator_loop.rs`).
#[differentiable]
fn mut_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let mut w = w;
        s += w[0];
        w = &w[1..];
        s += w[0] * w[1];
    }
    s
}

/// A time loop whose view loop breaks out of it.
#[differentiable]
fn break_time_loop(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    't: for t in 0..4 {
        let mut next = Vec::new();
        for w in u.windows(2) {
            if w[0] * w[1] > 0.3 {
                break 't;
            }
            next.push(w[0] + w[1] * 0.5);
        }
        s += next[0];
        u = next;
    }
    s + u[0] * u[u.len() - 1]
}

/// A helper with a view loop of run-time size, called with parts and with the whole.
#[differentiable]
fn helper_view(v: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in v.windows(k) {
        s += w[0] * w[k - 1];
    }
    s
}

#[differentiable]
fn calls_helper_view(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, c) in x.chunks(3).enumerate() {
        s += helper_view(c, 2) * (i as f64 + 1.0);
        s += helper_view(x, i + 1);
    }
    s
}

/// Windows read, then the local written in place, each time step.
#[differentiable]
fn inplace_after(x: &[f64], a: f64) -> f64 {
    let mut u = x.to_vec();
    for _t in 0..3 {
        let mut d = Vec::new();
        for w in u.windows(2) {
            d.push(w[1] - w[0]);
        }
        for i in 0..d.len() {
            u[i + 1] += a * d[i] * d[i];
        }
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * (i as f64 + 1.0);
    }
    s
}

/// A local growing between view loops.
#[differentiable]
fn growing(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    for _t in 0..4 {
        let mut z = 0.0;
        for w in u.windows(2) {
            z += w[0] * w[1];
        }
        for c in u.rchunks(3) {
            z += c[0] * 0.1;
        }
        u.push(z.sin());
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

/// `next = u.clone()` written by the part number, read with the part and by index.
#[differentiable]
fn clone_next(x: &[f64], a: f64) -> f64 {
    let mut u = x.to_vec();
    for _t in 0..3 {
        let mut next = u.clone();
        for (i, w) in u.windows(3).enumerate() {
            next[i + 1] = w[1] + a * (w[0] - 2.0 * w[1] + w[2]) + 0.3 * u[i] * w[2];
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i] * (i as f64 + 1.0);
    }
    s
}

/// Two buffers swapped by moves.
#[differentiable]
fn ping_pong(x: &[f64]) -> f64 {
    let mut a = x.to_vec();
    let mut b = vec![0.0; x.len()];
    for _t in 0..3 {
        for (i, w) in a.windows(2).enumerate() {
            b[i] = w[0] * 0.5 + w[1] * w[1];
        }
        let tmp = a;
        a = b;
        b = tmp;
    }
    let mut s = 0.0;
    for w in a.chunks(2) {
        s += w[0] * w[w.len() - 1];
    }
    for w in b.windows(2) {
        s += w[1];
    }
    s
}

/// An owned `Vec` parameter reassigned each step.
#[differentiable]
fn owned_param_reassigned(mut u: Vec<f64>) -> f64 {
    for t in 0..3 {
        let mut next = Vec::new();
        for w in u.windows(2) {
            next.push(w[0] * w[1] + 0.5 * w[0]);
        }
        next.push(u[0]);
        u = next;
    }
    let mut s = 0.0;
    for w in u.rchunks_exact(2) {
        s += w[0] - w[1] * w[1];
    }
    s
}

/// A history of states (`Vec<Vec<f64>>`) and its windows.
#[differentiable]
fn history_windows(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    let mut hist = Vec::new();
    for _t in 0..3 {
        let mut next = Vec::new();
        for i in 0..u.len() {
            next.push(u[i] * u[i] * 0.5 + 0.1);
        }
        hist.push(u);
        u = next;
    }
    let mut s = 0.0;
    for w in hist.windows(2) {
        for i in 0..w[0].len() {
            s += (w[1][i] - w[0][i]).powi(2);
        }
    }
    s
}

/// `w.to_vec()` in the body.
#[differentiable]
fn part_to_vec(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let v = w.to_vec();
        s += v[0] * v[1] * v[2];
    }
    s
}

/// `iter().zip` and `iter().enumerate()` over the part.
#[differentiable]
fn zip_iter(x: &[f64], ker: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(ker.len()) {
        let mut z = 0.0;
        for (a, b) in w.iter().zip(ker.iter()) {
            z += a * b;
        }
        for (j, a) in w.iter().enumerate() {
            z += (j as f64) * a * a;
        }
        s += z * z;
    }
    s
}

/// Points `[f64; 2]`: a polyline's length.
#[differentiable]
fn polyline(pts: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for w in pts.windows(2) {
        let dx = w[1][0] - w[0][0];
        let dy = w[1][1] - w[0][1];
        s += (dx * dx + dy * dy).sqrt();
    }
    s
}

/// Windows of a `#[no_grad]` `usize` slice as CSR row bounds.
#[differentiable]
fn csr_rows(#[no_grad] row_ptr: &[usize], vals: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (r, w) in row_ptr.windows(2).enumerate() {
        let mut z = 0.0;
        for j in w[0]..w[1] {
            z += vals[j] * x[j % x.len()];
        }
        s += z * z * (r as f64 + 1.0);
    }
    s
}

/// Windows of a local `Vec<usize>` of cut points depending on the data.
#[differentiable]
fn local_usize_windows(x: &[f64]) -> f64 {
    let mut cuts = Vec::new();
    cuts.push(0usize);
    for i in 0..x.len() {
        if x[i] > 0.0 {
            cuts.push(i + 1);
        }
    }
    cuts.push(x.len());
    let mut s = 0.0;
    for w in cuts.windows(2) {
        let mut z = 0.0;
        for j in w[0]..w[1] {
            z += x[j];
        }
        s += z * z;
    }
    s
}

/// View loops in `match` arms.
#[differentiable]
fn in_match(x: &[f64], #[no_grad] k: usize) -> f64 {
    let s = match k {
        0 => 0.0,
        1 => {
            let mut t = 0.0;
            for w in x.chunks(1) {
                t += w[0] * w[0];
            }
            t
        }
        _ => {
            let mut t = 0.0;
            for w in x.windows(k) {
                t += w[0] * w[k - 1];
            }
            t
        }
    };
    s * s
}

/// `k` from a float parameter (piecewise constant).
#[differentiable]
fn k_from_float(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for w in x.windows((a.abs() * 2.0) as usize + 1) {
        s += a * w[0] * w[w.len() - 1];
    }
    s
}

/// `w.get(j).copied().unwrap_or(..)` on a short last chunk.
#[differentiable]
fn part_get(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        s += w.get(2).copied().unwrap_or(0.5) * w[0];
    }
    s
}

/// Raw identifiers and uppercase names.
#[differentiable]
fn raw_names(r#type: &[f64]) -> f64 {
    let mut s = 0.0;
    for (r#in, r#fn) in r#type.windows(2).enumerate() {
        s += r#fn[0] * r#fn[1] * (r#in as f64 + 1.0);
    }
    s
}

#[differentiable]
fn upper_names(X: &[f64]) -> f64 {
    let mut s = 0.0;
    for (I, W) in X.windows(2).enumerate() {
        s += W[0] * W[1] * (I as f64 + 1.0);
    }
    s
}

/// `_` patterns for the part and the index.
#[differentiable]
fn underscores(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for _ in x.windows(2) {
        s += a * a;
    }
    for (i, _) in x.chunks(2).enumerate() {
        s += a * (i as f64);
    }
    for (_, w) in x.rchunks(2).enumerate() {
        s += a * w[0];
    }
    s
}

/// Assertion macros in the body.
#[differentiable]
fn macros_in_body(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        debug_assert!(w.len() == 2);
        assert_eq!(w.len(), 2, "len");
        s += w[0] * w[1];
    }
    s
}

/// Generic with a run-time chunk size, at f32 and f64, forward mode at f32.
#[differentiable]
fn generic_k<T: Real>(x: &[T], #[no_grad] k: usize) -> T {
    let mut s = T::zero();
    for (i, w) in x.chunks(k).enumerate() {
        let mut z = T::zero();
        for j in 0..w.len() {
            z += w[j] * w[j];
        }
        s += z.sqrt() * T::from_f64(i as f64 + 1.0);
    }
    s
}

/// A tuple output through `_vjp`.
#[differentiable]
fn vjp_tuple(x: &[f64]) -> (f64, f64) {
    let mut a = 0.0;
    let mut b = 0.0;
    for (i, w) in x.rchunks(2).enumerate() {
        a += w[0] * (i as f64 + 1.0);
        b += w[w.len() - 1].sin();
    }
    (a * b, a - b)
}

/// A method reading a field through a local reference.
#[derive(Differentiable, Clone, Debug)]
pub struct Model {
    pub w: f64,
    pub ws: Vec<f64>,
}

impl Model {
    #[differentiable]
    fn score(&self, x: &[f64]) -> f64 {
        let ws = &self.ws;
        let mut s = 0.0;
        for (i, c) in x.chunks(2).enumerate() {
            s += c[0] * ws[i] * self.w;
        }
        for w in ws.windows(2) {
            s += w[0] * w[1];
        }
        s
    }
}

/// Arrays: an owned `Vec` and `&[f64; 4]`.
#[differentiable]
fn owned_and_array_ref(x: Vec<f64>, p: &[f64; 4]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0] * w[1];
    }
    for c in p.chunks_exact(3) {
        s += c[0] * c[1] * c[2] * x[0];
    }
    s
}

/// Row chunks passed to a `&[Vec<f64>]` helper.
#[differentiable]
fn rows_helper(rows: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..rows.len() {
        s += rows[i][0] * rows[i][rows[i].len() - 1];
    }
    s
}

#[differentiable]
fn rows_chunk_calls(rows: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for (i, c) in rows.chunks(2).enumerate() {
        s += rows_helper(c) * (i as f64 + 1.0);
    }
    for c in rows.rchunks(2) {
        s += c[0][0] * c[c.len() - 1][1];
    }
    s
}

/// Kept part re-borrowed as `&w[..]` (`last = w` does not compile, see the note above `cursor_min`).
#[differentiable]
fn last_part_reborrowed(x: &[f64]) -> f64 {
    let mut last = &x[0..1];
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0];
        last = &w[..];
    }
    s * last[0] + last[last.len() - 1]
}

// Second order, second batch.

#[differentiable(order = 2)]
fn o2_jumps(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'o: for (i, w) in x.windows(2).enumerate() {
        for c in x.rchunks(3) {
            if c[0] > 0.8 {
                continue 'o;
            }
            if w[1] < -0.9 {
                break 'o;
            }
            s += w[0] * c[0] * w[1];
        }
        if s > 3.0 {
            return s * s;
        }
    }
    s * s
}

#[differentiable(order = 2)]
fn o2_generic<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for (i, w) in x.rchunks_exact(2).enumerate() {
        s += w[0] * w[1] * w[1];
    }
    for w in x.windows(3) {
        s += (w[0] * w[2]).sin();
    }
    s
}

#[differentiable(order = 2)]
fn o2_convolve(#[no_grad] sig: &[f64], ker: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in sig.windows(ker.len()).enumerate() {
        let mut z = 0.0;
        for j in 0..ker.len() {
            z += w[j] * ker[j] * ker[j];
        }
        s += (z - (i as f64) * 0.1).powi(2);
    }
    s
}

#[differentiable(order = 2)]
fn o2_growing(x: &[f64]) -> f64 {
    let mut u = x.to_vec();
    for _t in 0..3 {
        let mut z = 0.0;
        for w in u.windows(2) {
            z += w[0] * w[1];
        }
        for c in u.rchunks(3) {
            z += c[0] * c[c.len() - 1] * 0.1;
        }
        u.push(z.sin());
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i] * u[i];
    }
    s
}

#[differentiable(order = 2)]
fn o2_rows(rows: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for w in rows.windows(2) {
        for j in 0..w[0].len() {
            s += w[0][j] * w[1][j] * w[1][j];
        }
    }
    s
}

#[differentiable(order = 2)]
fn o2_h(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * (i as f64 + 1.0);
    }
    s.sqrt()
}

#[differentiable(order = 2)]
fn o2_rchunk_calls(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, c) in x.rchunks(3).enumerate() {
        s += o2_h(c) * (i as f64 + 1.0);
    }
    for c in x.rchunks_exact(2) {
        s += o2_h(c) * c[0];
    }
    for c in x.chunks_exact(2) {
        s += o2_h(&c[1..]);
    }
    s
}

/// Divide and conquer: recursion on chunks.
#[differentiable]
fn tree(x: &[f64]) -> f64 {
    if x.len() <= 2 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += x[i] * x[i];
        }
        return s.sqrt() + 0.1;
    }
    let mut p = 1.0;
    for c in x.chunks(x.len().div_ceil(2)) {
        p *= tree(c);
    }
    p
}

#[differentiable(order = 2)]
fn tree2(x: &[f64]) -> f64 {
    if x.len() <= 2 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += x[i] * x[i];
        }
        return s + 0.1;
    }
    let mut p = 1.0;
    for c in x.rchunks(x.len().div_ceil(2)) {
        p *= tree2(c);
    }
    p
}

/// A `mut r: &[f64]` parameter rebound to another slice: its gradient has the argument's length.
#[differentiable]
fn rebind_only<'a>(mut r: &'a [f64], c: &'a [f64]) -> f64 {
    let s = r[0] * r[1];
    r = c;
    s + r[0]
}

// ---------------------------------------------------------------------------------------------
// Found by this file and mended: the loop's slice variable pointed at another slice in the body
// (the loop still goes over the first), and a `mut` reference parameter rebound (its gradient
// has the argument's length). Keeping a part in a variable of the enclosing block
// (`last = w;`) does not compile (E0716), as with `let w = &x[i..i + 2]; last = w;` in an index
// loop; `last = &w[..]` does.
// ---------------------------------------------------------------------------------------------

/// The loop goes over `x` though the body points `r` at `y` (8 at x = [1, 2, 3], y = [10, 20, 30]).
#[differentiable]
fn cursor_min(x: &[f64], y: &[f64]) -> f64 {
    let mut r = x;
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0] * w[1];
        r = y;
    }
    s
}

/// The same with `r` pointed at a shorter range of `x`.
#[differentiable]
fn cursor(x: &[f64]) -> f64 {
    let mut r = &x[..];
    let mut s = 0.0;
    for w in r.windows(2) {
        s += w[0] * w[1];
        r = &x[1..];
    }
    s + r[0]
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn t_heat_steps() {
    for n in [3, 4, 7] {
        let x = sines(n, 0.8);
        slice_scalar_check(
            &format!("heat n={n}"),
            heat_steps,
            heat_steps_grad(&x, 0.3),
            &x,
            0.3,
        );
    }
}

#[test]
fn t_shrinking_steps() {
    for n in [4, 5, 6, 9] {
        let x = sines(n, 0.8);
        check_value_grad(
            &format!("shrink n={n}"),
            shrinking_steps,
            shrinking_steps_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_varying_chunk_size() {
    for n in [1, 2, 5, 7] {
        let x = sines(n, 0.8);
        check_value_grad(
            &format!("vary n={n}"),
            varying_chunk_size,
            varying_chunk_size_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_k_changed_in_body() {
    for n in [1, 3, 6] {
        let x = sines(n, 0.8);
        check_value_grad(
            &format!("k body n={n}"),
            k_changed_in_body,
            k_changed_in_body_grad(&x),
            &x,
        );
    }
}

#[test]
fn t_shadowing() {
    for n in [2, 3, 6] {
        let x = sines(n, 0.8);
        check_value_grad(
            "part_named_like_slice",
            part_named_like_slice,
            part_named_like_slice_grad(&x),
            &x,
        );
        check_value_grad(
            "body_shadows_part",
            body_shadows_part,
            body_shadows_part_grad(&x),
            &x,
        );
        check_value_grad(
            "body_reborrows_part",
            body_reborrows_part,
            body_reborrows_part_grad(&x),
            &x,
        );
        check_value_grad(
            "body_shadows_slice",
            body_shadows_slice,
            body_shadows_slice_grad(&x),
            &x,
        );
    }
    let x = sines(6, 0.8);
    check_value_grad(
        "index_shadowing",
        index_shadowing,
        index_shadowing_grad(&x),
        &x,
    );
}

#[test]
fn t_sizes() {
    for n in [0, 1, 2, 3, 5, 8] {
        let x = sines(n, 0.8);
        check_value_grad(
            &format!("k own n={n}"),
            k_from_own_length,
            k_from_own_length_grad(&x),
            &x,
        );
        for k in [1, 2, 3, 4, 9] {
            check_value_grad(
                &format!("all n={n} k={k}"),
                |x| all_views(x, k),
                all_views_grad(&x, k),
                &x,
            );
        }
    }
    for (n, m) in [(5, 2), (5, 5), (3, 4), (0, 1), (4, 1)] {
        let x = sines(n, 0.8);
        let y = sines(m, 0.5);
        pair_check(
            &format!("k lens {n} {m}"),
            k_from_lengths,
            k_from_lengths_grad(&x, &y),
            &x,
            &y,
        );
    }
}

#[test]
fn t_receivers() {
    let p = [0.3, -0.7, 1.1, 0.5, -0.2];
    let (v, g) = array_windows_grad(p);
    check_value_grad(
        "array",
        |x| array_windows([x[0], x[1], x[2], x[3], x[4]]),
        (v, g.to_vec()),
        &p,
    );
    for n in [0, 2, 3, 5] {
        let x = sines(n, 0.8);
        let (v, g) = vec_ref_windows_grad(&x);
        check_value_grad("vec ref", |x| vec_ref_windows(&x.to_vec()), (v, g), &x);
    }
    for n in [1, 3, 6] {
        let x = sines(n, 0.8);
        check_value_grad(
            "ref local",
            ref_local_windows,
            ref_local_windows_grad(&x),
            &x,
        );
        check_value_grad(
            "borrowed receiver",
            borrowed_receiver,
            borrowed_receiver_grad(&x),
            &x,
        );
    }
    let (v, (ga, gb)) = local_array_windows_grad(0.7, -1.2);
    check_value_grad(
        "local array",
        |z| local_array_windows(z[0], z[1]),
        (v, vec![ga, gb]),
        &[0.7, -1.2],
    );
}

#[test]
fn t_body_forms() {
    for n in [0, 2, 3, 5] {
        let x = sines(n, 0.8);
        check_value_grad("iter_sums", iter_sums, iter_sums_grad(&x), &x);
        check_value_grad("iter_loop", iter_loop, iter_loop_grad(&x), &x);
        check_value_grad("first_last", first_last, first_last_grad(&x), &x);
    }
    for x in [
        vec![0.3, 0.5, -0.2, 0.95, 0.1],
        vec![0.3, 0.5, -0.2, 0.4, 0.1, 0.2],
        sines(9, 1.0),
    ] {
        check_value_grad(
            "labelled_break",
            labelled_break,
            labelled_break_grad(&x),
            &x,
        );
        check_value_grad(
            "labelled_continue_nested",
            labelled_continue_nested,
            labelled_continue_nested_grad(&x),
            &x,
        );
        check_value_grad("early_return", early_return, early_return_grad(&x), &x);
    }
}

#[test]
fn t_calls_and_zips() {
    for n in [0, 3, 4, 7] {
        let x = sines(n, 0.8);
        check_value_grad(
            "pairwise_calls",
            pairwise_calls,
            pairwise_calls_grad(&x),
            &x,
        );
        check_value_grad(
            "index_and_part",
            index_and_part,
            index_and_part_grad(&x),
            &x,
        );
        check_value_grad(
            "write_at_index",
            write_at_index,
            write_at_index_grad(&x),
            &x,
        );
        check_value_grad(
            "windows_of_windows",
            windows_of_windows,
            windows_of_windows_grad(&x),
            &x,
        );
        let y = sines(n + 1, 0.6);
        pair_check(
            "zipped_parts",
            zipped_parts,
            zipped_parts_grad(&x, &y),
            &x,
            &y,
        );
        pair_check(
            "zipped_views",
            zipped_views,
            zipped_views_grad(&x, &y),
            &x,
            &y,
        );
        slice_scalar_check(
            "while",
            windows_in_while,
            windows_in_while_grad(&x, 0.7),
            &x,
            0.7,
        );
    }
    let sig = sines(8, 1.0);
    for m in [1, 3, 8, 9] {
        let ker = sines(m, 0.4);
        let (v, g) = convolve_grad(&sig, &ker);
        check_value_grad(
            &format!("convolve m={m}"),
            |k| convolve(&sig, k),
            (v, g),
            &ker,
        );
    }
}

#[test]
fn t_generic() {
    let x = sines(7, 0.8);
    let y = sines(4, 0.6);
    let r = generic_chunks_grad(x.as_slice(), y.as_slice());
    pair_check("generic", |a, b| generic_chunks(a, b), r.clone(), &x, &y);
    let (_, (g32x, g32y)) = generic_chunks_grad(to32(&x).as_slice(), to32(&y).as_slice());
    agree("generic f32 x", &r.1.0, &g32x, 1e-5);
    agree("generic f32 y", &r.1.1, &g32y, 1e-5);
}

#[test]
fn t_rows() {
    let x = sines(8, 0.8);
    let rows = rows_of(&x, 2);
    let (v, g) = row_windows_grad(&rows);
    check_value_grad("rows", |z| row_windows(&rows_of(z, 2)), (v, flat(&g)), &x);
}

#[test]
fn t_second_order() {
    for n in [1, 3, 5, 6] {
        let x = sines(n, 0.7);
        let d = sines(n, 0.4);
        check_value_grad(
            &format!("o2 all n={n}"),
            o2_all_views,
            o2_all_views_grad(&x),
            &x,
        );
        let (_, _, hv) = o2_all_views_hvp(&x, d.clone());
        check_hvp("o2 all hvp", |x| o2_all_views_grad(x).1, &hv, &x, &d);
        check_value_grad(
            &format!("o2 calls n={n}"),
            o2_dot_calls,
            o2_dot_calls_grad(&x),
            &x,
        );
        let (_, _, hv) = o2_dot_calls_hvp(&x, d.clone());
        check_hvp("o2 calls hvp", |x| o2_dot_calls_grad(x).1, &hv, &x, &d);
    }
    for n in [3, 5] {
        let x = sines(n, 0.7);
        let d = sines(n, 0.4);
        slice_scalar_check(
            "o2 steps",
            o2_time_steps,
            o2_time_steps_grad(&x, 0.3),
            &x,
            0.3,
        );
        let (_, _, hv) = o2_time_steps_hvp(&x, 0.3, d.clone(), 0.5);
        let mut z = x.clone();
        z.push(0.3);
        let mut dz = d.clone();
        dz.push(0.5);
        check_hvp(
            "o2 steps hvp",
            |z| {
                let (_, (g, ga)) = o2_time_steps_grad(&z[..n], z[n]);
                let mut g = g;
                g.push(ga);
                g
            },
            &{
                let (hx, ha) = hv;
                let mut h = hx;
                h.push(ha);
                h
            },
            &z,
            &dz,
        );
    }
}

#[test]
fn t_jvp() {
    for n in [0, 2, 5, 8] {
        let x = sines(n, 0.7);
        let d = sines(n, 0.4);
        for k in [1, 2, 3] {
            let (y, dy) = all_views_jvp(&x, k, d.clone());
            let (y2, g) = all_views_grad(&x, k);
            let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum();
            assert!((y - y2).abs() < 1e-12 * (1.0 + y.abs()), "jvp value");
            assert!(
                (dy - dot).abs() < 1e-10 * (1.0 + dot.abs()),
                "jvp n={n} k={k}: {dy} vs {dot}"
            );
        }
        if n >= 3 {
            let (y, dy) = heat_steps_jvp(&x, 0.3, d.clone(), 0.7);
            let (_, (g, ga)) = heat_steps_grad(&x, 0.3);
            let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum::<f64>() + ga * 0.7;
            assert!(
                (dy - dot).abs() < 1e-10 * (1.0 + dot.abs()),
                "heat jvp: {dy} vs {dot}"
            );
            let (y, dy) = shrinking_steps_jvp(&x, d.clone());
            let (_, g) = shrinking_steps_grad(&x);
            let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum::<f64>();
            assert!(
                (dy - dot).abs() < 1e-10 * (1.0 + dot.abs()),
                "shrink jvp: {dy} vs {dot}"
            );
        }
    }
}

#[test]
fn t_second_batch_shapes() {
    for n in [0, 1, 3, 4, 6, 9] {
        let x = sines(n, 0.9);
        check_value_grad(
            "nested_same_name",
            nested_same_name,
            nested_same_name_grad(&x),
            &x,
        );
        check_value_grad(
            "outer_after_inner",
            outer_after_inner,
            outer_after_inner_grad(&x),
            &x,
        );
        check_value_grad(
            "body_shadows_slice_with_slice",
            body_shadows_slice_with_slice,
            body_shadows_slice_with_slice_grad(&x),
            &x,
        );
        check_value_grad(
            "calls_helper_view",
            calls_helper_view,
            calls_helper_view_grad(&x),
            &x,
        );
        check_value_grad("growing", growing, growing_grad(&x), &x);
        check_value_grad("part_to_vec", part_to_vec, part_to_vec_grad(&x), &x);
        check_value_grad(
            "local_usize_windows",
            local_usize_windows,
            local_usize_windows_grad(&x),
            &x,
        );
        check_value_grad("part_get", part_get, part_get_grad(&x), &x);
        check_value_grad("raw_names", raw_names, raw_names_grad(&x), &x);
        check_value_grad("upper_names", upper_names, upper_names_grad(&x), &x);
        check_value_grad(
            "macros_in_body",
            macros_in_body,
            macros_in_body_grad(&x),
            &x,
        );
        let (v, g) = vjp_tuple_vjp(&x);
        let g = g((1.0, 0.5));
        check_value_grad(
            "vjp_tuple",
            |x| {
                let (p, q) = vjp_tuple(x);
                p + 0.5 * q
            },
            (v.0 + 0.5 * v.1, g),
            &x,
        );
        for k in [0, 1, 2, 3] {
            check_value_grad("in_match", |x| in_match(x, k), in_match_grad(&x, k), &x);
        }
        slice_scalar_check(
            "underscores",
            underscores,
            underscores_grad(&x, 0.7),
            &x,
            0.7,
        );
        if n >= 1 {
            check_value_grad(
                "chunk_part_named_like_slice",
                chunk_part_named_like_slice,
                chunk_part_named_like_slice_grad(&x),
                &x,
            );
            check_value_grad(
                "shadow_param_before",
                shadow_param_before,
                shadow_param_before_grad(&x),
                &x,
            );
            check_value_grad("ping_pong", ping_pong, ping_pong_grad(&x), &x);
            check_value_grad(
                "last_part_reborrowed",
                last_part_reborrowed,
                last_part_reborrowed_grad(&x),
                &x,
            );
            check_value_grad(
                "history_windows",
                history_windows,
                history_windows_grad(&x),
                &x,
            );
            slice_scalar_check(
                "inplace_after",
                inplace_after,
                inplace_after_grad(&x, 0.4),
                &x,
                0.4,
            );
            let (v, g) = owned_param_reassigned_grad(x.clone());
            check_value_grad(
                "owned_param_reassigned",
                |z| owned_param_reassigned(z.to_vec()),
                (v, g.to_vec()),
                &x,
            );
        }
        check_value_grad("mut_part", mut_part, mut_part_grad(&x), &x);
        if n >= 2 {
            check_value_grad(
                "break_time_loop",
                break_time_loop,
                break_time_loop_grad(&x),
                &x,
            );
        }
        if n >= 3 {
            slice_scalar_check("clone_next", clone_next, clone_next_grad(&x, 0.3), &x, 0.3);
        }
    }
    for a in [0.3, 0.7, 1.2] {
        let x = sines(6, 0.9);
        slice_scalar_check(
            "k_from_float",
            k_from_float,
            k_from_float_grad(&x, a),
            &x,
            a,
        );
    }
    for (n, m) in [(5, 2), (5, 5), (3, 4), (6, 1)] {
        let x = sines(n, 0.9);
        let k = sines(m, 0.5);
        pair_check("zip_iter", zip_iter, zip_iter_grad(&x, &k), &x, &k);
    }
}

#[test]
fn t_second_batch_receivers() {
    let x = sines(8, 0.9);
    let pts: Vec<[f64; 2]> = x.chunks(2).map(|c| [c[0], c[1]]).collect();
    let (v, g) = polyline_grad(&pts);
    let g: Vec<f64> = g.iter().flat_map(|p| p.iter().copied()).collect();
    check_value_grad(
        "polyline",
        |z| {
            let p: Vec<[f64; 2]> = z.chunks(2).map(|c| [c[0], c[1]]).collect();
            polyline(&p)
        },
        (v, g),
        &x,
    );
    let rp = [0usize, 2, 2, 5, 6];
    let vals = sines(6, 0.9);
    let y = sines(3, 0.5);
    pair_check(
        "csr",
        |a, b| csr_rows(&rp, a, b),
        csr_rows_grad(&rp, &vals, &y),
        &vals,
        &y,
    );
    // A method.
    let x = sines(5, 0.9);
    let m = Model {
        w: 1.3,
        ws: sines(4, 0.5),
    };
    let (v, (dm, dx)) = m.score_grad(&x);
    let mut g = dx.clone();
    g.push(dm.w);
    g.extend(dm.ws.iter().copied());
    let mut z = x.clone();
    z.push(1.3);
    z.extend(sines(4, 0.5));
    check_value_grad(
        "method",
        |z| {
            Model {
                w: z[5],
                ws: z[6..].to_vec(),
            }
            .score(&z[..5])
        },
        (v, g),
        &z,
    );
    // Owned Vec and array reference.
    let x = sines(5, 0.9);
    let p = [0.3, 0.5, -0.4, 0.8];
    let (v, (gx, gp)) = owned_and_array_ref_grad(x.clone(), &p);
    let mut g = gx.to_vec();
    g.extend(gp.iter().copied());
    let mut z = x.clone();
    z.extend(p);
    check_value_grad(
        "owned+array ref",
        |z| owned_and_array_ref(z[..5].to_vec(), &[z[5], z[6], z[7], z[8]]),
        (v, g),
        &z,
    );
    // Rows in chunks passed to a helper.
    for n in [1, 3, 4, 5] {
        let x = sines(2 * n, 0.8);
        let rows = rows_of(&x, 2);
        let (v, g) = rows_chunk_calls_grad(&rows);
        check_value_grad(
            "rows_chunk_calls",
            |z| rows_chunk_calls(&rows_of(z, 2)),
            (v, flat(&g)),
            &x,
        );
    }
    // Generic with a run-time size, f32 and forward mode at f32.
    for n in [1, 3, 6] {
        for k in [1, 2, 4, 7] {
            let x = sines(n, 0.9);
            let r = generic_k_grad(x.as_slice(), k);
            check_value_grad("generic_k", |x| generic_k(x, k), r.clone(), &x);
            let (_, g32) = generic_k_grad(to32(&x).as_slice(), k);
            agree("generic_k f32", &r.1, &g32, 1e-4);
            let d = sines(n, 0.3);
            let (_, dy) = generic_k_jvp(to32(&x).as_slice(), k, to32(&d));
            let dot: f64 = r.1.iter().zip(&d).map(|(a, b)| a * b).sum();
            assert!(
                (dy as f64 - dot).abs() < 1e-4 * (1.0 + dot.abs()),
                "{dy} {dot}"
            );
        }
    }
}

#[test]
fn t_second_batch_order2() {
    for x in [sines(7, 0.9), sines(5, 1.0), vec![0.1, 0.5, -0.3, 0.2]] {
        check_value_grad("o2_jumps", o2_jumps, o2_jumps_grad(&x), &x);
        let d = sines(x.len(), 0.3);
        let (_, _, hv) = o2_jumps_hvp(&x, d.clone());
        check_hvp("o2_jumps hvp", |x| o2_jumps_grad(x).1, &hv, &x, &d);
    }
    for n in [0, 1, 2, 3, 5, 8] {
        let x = sines(n, 0.9);
        let d = sines(n, 0.3);
        let r = o2_generic_grad(x.as_slice());
        check_value_grad("o2_generic", |x| o2_generic(x), r.clone(), &x);
        let (_, _, hv) = o2_generic_hvp(x.as_slice(), d.clone());
        check_hvp("o2_generic hvp", |x| o2_generic_grad(x).1, &hv, &x, &d);
        let (_, g32) = o2_generic_grad(to32(&x).as_slice());
        agree("o2_generic f32", &r.1, &g32, 1e-5);
        check_value_grad("o2_growing", o2_growing, o2_growing_grad(&x), &x);
        let (_, _, hv) = o2_growing_hvp(&x, d.clone());
        check_hvp("o2_growing hvp", |x| o2_growing_grad(x).1, &hv, &x, &d);
        if n >= 1 {
            check_value_grad(
                "o2_rchunk_calls",
                o2_rchunk_calls,
                o2_rchunk_calls_grad(&x),
                &x,
            );
            let (_, _, hv) = o2_rchunk_calls_hvp(&x, d.clone());
            check_hvp(
                "o2_rchunk_calls hvp",
                |x| o2_rchunk_calls_grad(x).1,
                &hv,
                &x,
                &d,
            );
        }
    }
    let sig = sines(8, 1.0);
    for m in [1, 3, 8, 9] {
        let k = sines(m, 0.4);
        let (v, g) = o2_convolve_grad(&sig, &k);
        check_value_grad("o2_convolve", |k| o2_convolve(&sig, k), (v, g.clone()), &k);
        let d = sines(m, 0.3);
        let (_, _, hv) = o2_convolve_hvp(&sig, &k, d.clone());
        check_hvp(
            "o2_convolve hvp",
            |k| o2_convolve_grad(&sig, k).1,
            &hv,
            &k,
            &d,
        );
        let (_, dy) = o2_convolve_jvp(&sig, &k, d.clone());
        let dot: f64 = g.iter().zip(&d).map(|(a, b)| a * b).sum();
        assert!((dy - dot).abs() < 1e-10 * (1.0 + dot.abs()), "{dy} {dot}");
    }
    let x = sines(9, 0.8);
    let rows = rows_of(&x, 3);
    let (v, g) = o2_rows_grad(&rows);
    check_value_grad("o2_rows", |z| o2_rows(&rows_of(z, 3)), (v, flat(&g)), &x);
    let d = sines(9, 0.3);
    let (_, _, hv) = o2_rows_hvp(&rows, rows_of(&d, 3));
    check_hvp(
        "o2_rows hvp",
        |z| flat(&o2_rows_grad(&rows_of(z, 3)).1),
        &flat(&hv),
        &x,
        &d,
    );
    let (_, dy) = o2_rows_jvp(&rows, rows_of(&d, 3));
    let dot: f64 = flat(&g).iter().zip(&d).map(|(a, b)| a * b).sum();
    assert!((dy - dot).abs() < 1e-10 * (1.0 + dot.abs()), "{dy} {dot}");
}

/// The primal is 1·2 + 2·3 = 8, its gradient `([2, 4, 2], [0, 0, 0])` (`y` is never read).
#[test]
fn receiver_rebound_in_body() {
    let x = [1.0, 2.0, 3.0];
    let y = [10.0, 20.0, 30.0];
    assert!((cursor_min(&x, &y) - 8.0).abs() < 1e-12);
    let (v, (gx, gy)) = cursor_min_grad(&x, &y);
    assert!((v - 8.0).abs() < 1e-12, "{v}");
    for (g, want) in gx.iter().chain(&gy).zip([2.0, 4.0, 2.0, 0.0, 0.0, 0.0]) {
        assert!((g - want).abs() < 1e-12, "{gx:?} {gy:?}");
    }
    let x = sines(5, 0.8);
    let y = sines(4, 1.3);
    pair_check("cursor_min", cursor_min, cursor_min_grad(&x, &y), &x, &y);
}

/// `cursor_grad` used to take the parts of the shorter range.
#[test]
fn receiver_rebound_to_a_shorter_range() {
    let x = sines(3, 0.9);
    let _ = cursor(&x);
    check_value_grad("cursor", cursor, cursor_grad(&x), &x);
}

#[test]
fn t_recursion_and_hessian() {
    for n in [1, 2, 3, 5, 8, 11] {
        let x = sines(n, 0.9);
        check_value_grad("tree", tree, tree_grad(&x), &x);
        check_value_grad("tree2", tree2, tree2_grad(&x), &x);
        let d = sines(n, 0.3);
        let (_, _, hv) = tree2_hvp(&x, d.clone());
        check_hvp("tree2 hvp", |x| tree2_grad(x).1, &hv, &x, &d);
        let (_, _, h) = tree2_hessian(&x);
        let hd = &h * DVector::from_vec(d.clone());
        for i in 0..n {
            assert!(
                (hd[i] - hv[i]).abs() < 1e-9 * (1.0 + hv[i].abs()),
                "hessian row {i}"
            );
        }
    }
    // The Hessian of a two-parameter time-stepping function against its hvp.
    let x = sines(5, 0.7);
    let (_, _, h) = o2_time_steps_hessian(&x, 0.3);
    let d = sines(5, 0.4);
    let (_, _, (hx, ha)) = o2_time_steps_hvp(&x, 0.3, d.clone(), 0.5);
    let mut dz = d.clone();
    dz.push(0.5);
    let hd = &h * DVector::from_vec(dz);
    let mut hv = hx;
    hv.push(ha);
    for i in 0..6 {
        assert!(
            (hd[i] - hv[i]).abs() < 1e-9 * (1.0 + hv[i].abs()),
            "steps hessian row {i}"
        );
    }
}

/// The gradient of `r` has `r`'s length (4), not the rebound one's (6).
#[test]
fn rebound_param_gradient_length() {
    let x = [0.5, 0.7, 0.9, 1.1];
    let y = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    let (_, (gr, gc)) = rebind_only_grad(&x, &y);
    assert_eq!((gr.len(), gc.len()), (4, 6));
    for (g, want) in gr
        .iter()
        .chain(&gc)
        .zip([0.7, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    {
        assert!((g - want).abs() < 1e-12, "{gr:?} {gc:?}");
    }
    // And the other way round: rebound to a shorter slice.
    let (_, (gr, gc)) = rebind_only_grad(&y, &x);
    assert_eq!((gr.len(), gc.len()), (6, 4));
}
