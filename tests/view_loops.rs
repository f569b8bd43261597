//! `for` loops over `v.windows(k)`, `v.chunks(k)`, `v.chunks_exact(k)`, `v.rchunks(k)` and
//! `v.rchunks_exact(k)` of a variable `v`, also followed by `.enumerate()`
//! (`autodiff-macros/src/lower/views.rs`): each part is the range `&v[a..b]`, so its adjoint
//! lands at the part's offset in `v`'s. A part routed to the
//! wrong offset, a last chunk cut or dropped, or an exact chunk's remainder visited shows up as
//! a wrong gradient; every gradient here is checked against central differences in f64, the
//! `f32` and `T: Real` forms against the `f64` one, `order = 2` against differences of the
//! gradient, and the forward mode against the gradient along a direction.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A moving average of three: `Σ_w ((w0 + w1 + w2) / 3)²`.
#[differentiable]
fn smooth(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        let m = (w[0] + w[1] + w[2]) / 3.0;
        s += m * m;
    }
    s
}

/// The same with an index loop (the reference the window form must match).
#[differentiable]
fn smooth_indexed(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len().saturating_sub(2) {
        let m = (x[i] + x[i + 1] + x[i + 2]) / 3.0;
        s += m * m;
    }
    s
}

/// Windows of a size given at run time, read by an inner loop over the window.
#[differentiable]
fn weighted_windows(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.windows(k) {
        let mut z = 0.0;
        for j in 0..w.len() {
            z += (j as f64 + 1.0) * w[j].sin();
        }
        s += z * z;
    }
    s
}

/// `.enumerate()`: the window's number weighs it.
#[differentiable]
fn numbered_pairs(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(2).enumerate() {
        s += (i as f64 + 1.0) * w[0] * w[1].cos();
    }
    s
}

/// Norms of the points `(x, y)` of a flat list; an odd length leaves a last chunk of one.
#[differentiable]
fn chunk_norms(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(2) {
        let mut r2 = 1.0;
        for j in 0..q.len() {
            r2 += q[j] * q[j];
        }
        s += r2.sqrt();
    }
    s
}

/// Exact chunks of three: a remainder of one or two elements is not visited.
#[differentiable]
fn triple_products(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for (c, t) in p.chunks_exact(3).enumerate() {
        s += (c as f64 + 0.5) * t[0] * t[1] * t[2].exp();
    }
    s
}

/// Chunks counted from the end: the first element is in the last, short, part.
#[differentiable]
fn back_chunks(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for (c, q) in p.rchunks(3).enumerate() {
        let mut t = 0.0;
        for j in 0..q.len() {
            t += (j as f64 + 1.0) * q[j];
        }
        s += (c as f64 + 1.0) * t.sin();
    }
    s
}

/// Exact chunks from the end: a remainder at the front is not visited.
#[differentiable]
fn back_exact_chunks(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.rchunks_exact(2) {
        s += q[0] * q[1].exp();
    }
    s
}

/// A part passed to a `#[differentiable]` helper.
#[differentiable]
fn energy(v: &[f64]) -> f64 {
    let mut e = 0.0;
    for i in 0..v.len() {
        e += v[i] * v[i] * (i as f64 + 1.0);
    }
    e.sqrt()
}

#[differentiable]
fn chunk_energies(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(3) {
        s += energy(q);
    }
    s
}

/// Windows of a local `Vec` (its adjoint is the local's, then the parameter's).
#[differentiable]
fn local_windows(x: &[f64], a: f64) -> f64 {
    let mut y = Vec::new();
    for i in 0..x.len() {
        y.push(a * x[i] * x[i]);
    }
    let mut s = 0.0;
    for w in y.windows(2) {
        s += (w[1] - w[0]).tanh();
    }
    s
}

/// Jumps: a labelled `continue` on a condition of the data and a `break` out of the loop.
#[differentiable]
fn jumps(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'parts: for w in x.windows(2) {
        if w[0] > 0.8 {
            continue 'parts;
        }
        if w[1] < -0.9 {
            break;
        }
        s += w[0] * w[1] + w[1];
    }
    s
}

/// Windows of each chunk: a nested view of a view.
#[differentiable]
fn nested_views(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for c in p.chunks(4) {
        for w in c.windows(2) {
            s += w[0] * w[1];
        }
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn smooth_generic<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for w in x.windows(2) {
        let d = w[1] - w[0];
        s += d * d * w[0].exp();
    }
    s
}

/// Second order.
#[differentiable(order = 2)]
fn chunked_cubic(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(2) {
        let mut t = 0.0;
        for j in 0..q.len() {
            t += q[j];
        }
        s += t * t * t;
    }
    for w in p.windows(3) {
        s += w[0] * w[1] * w[2];
    }
    s
}

/// Element reads of a part are read in the slice at the part's offset; these bodies rebind the
/// part's name or the slice's, or name them in a macro, where the reads stay reads of the part.
#[differentiable]
fn shadowing(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        let a = w[0] * w[1];
        let w = [a, 2.0 * a];
        s += w[1];
    }
    for (x, w) in x.chunks(2).enumerate() {
        s += (x as f64 + 1.0) * w[0];
    }
    for w in x.windows(3) {
        assert!(w[1].is_finite(), "{w:?}");
        let x = w[2] * 3.0;
        s += x * w[0];
    }
    s
}

/// The part's name shadowed by another slice, and the slice's name by another slice: reads
/// after the `let` are of the new slice.
#[differentiable]
fn shadowed_by_slices(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[0] * w[1];
        let w = y;
        s += w[1].sin();
    }
    for q in x.chunks(2) {
        s += q[0];
        let x = y;
        s += x[0] * q[0];
    }
    s
}

/// Part indices past the part: the primal panics, and so does the gradient.
#[differentiable]
fn past_the_window(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        s += w[0] * w[j];
    }
    s
}

#[differentiable]
fn past_the_literal(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        s += w[2];
    }
    s
}

#[differentiable]
fn past_the_last_chunk(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in x.chunks(2) {
        s += q[0] * q[1];
    }
    s
}

/// Loops over a part's elements, in each form a part can be iterated in.
#[differentiable]
fn part_element_loops(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(3) {
        let mut r2 = 10.0;
        for e in q.iter() {
            r2 += e * e;
        }
        for &e in q {
            r2 += 0.5 * e;
        }
        for (j, e) in q.iter().copied().enumerate() {
            if j == 1 {
                continue;
            }
            r2 += (j as f64 + 1.0) * e.sin();
        }
        'inner: for (j, e) in q.iter().enumerate() {
            for f in q.iter().cloned() {
                if f > 0.9 {
                    break 'inner;
                }
                r2 += *e * f * 0.1;
            }
            if j == 2 {
                break;
            }
        }
        s += r2.sqrt();
    }
    s
}

/// Index loops bounded by the part's length read it unchecked; an index rebound in the body, or
/// a bound past the length, keeps the check (and the panic).
#[differentiable]
fn index_loops_in_parts(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(3) {
        for j in 1..q.len() {
            s += q[j] * q[j - 1];
        }
        for j in 0..q.len() {
            let j = q.len() - 1 - j;
            s += (j as f64 + 1.0) * q[j].cos();
        }
    }
    s
}

#[differentiable]
fn index_past_the_part(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(2) {
        for j in 0..q.len() + 1 {
            s += q[j];
        }
    }
    s
}

#[differentiable]
fn shifted_index_in_a_part(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for q in p.chunks(2) {
        for j in 0..q.len() {
            let j = j + 1;
            s += q[j];
        }
    }
    s
}

/// Windows of a constant: an iterator of constants, as before views were followed.
const WEIGHTS: [f64; 4] = [0.5, 1.0, 1.5, 2.0];

#[differentiable]
fn constant_windows(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in WEIGHTS.windows(2).enumerate() {
        s += (w[1] - w[0]) * x[i] * x[i + 1];
    }
    s
}

/// Zero-size windows and chunks panic with `std`'s messages.
#[differentiable]
fn sized_windows(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.windows(k) {
        s += w[0];
    }
    s
}

#[differentiable]
fn sized_chunks(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(k) {
        s += w[0];
    }
    s
}

#[test]
fn windows_against_differences_and_the_index_loop() {
    for n in [0, 1, 2, 3, 4, 9] {
        let x = sines(n, 0.7);
        let r = smooth_grad(&x);
        check_value_grad(&format!("smooth n={n}"), smooth, (r.0, r.1.clone()), &x);
        let (v, g) = smooth_indexed_grad(&x);
        assert!((v - r.0).abs() <= 1e-12 * (1.0 + v.abs()), "n={n}");
        for (a, b) in g.iter().zip(&r.1) {
            assert!(
                (a - b).abs() <= 1e-12 * (1.0 + a.abs()),
                "n={n}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn windows_of_run_time_size() {
    let x = sines(7, 0.9);
    for k in [1, 2, 3, 7, 8, 20] {
        let r = weighted_windows_grad(&x, k);
        check_value_grad(&format!("k={k}"), |x| weighted_windows(x, k), r, &x);
    }
    // Wider than the slice: no window, a zero gradient.
    let (v, g) = weighted_windows_grad(&x, 8);
    assert!(v.abs() < 1e-300 && g.iter().all(|d| d.abs() < 1e-300));
}

#[test]
fn enumerated_windows_and_exact_chunks() {
    for n in [2, 5, 8] {
        let x = sines(n, 0.8);
        let r = numbered_pairs_grad(&x);
        check_value_grad(&format!("pairs n={n}"), numbered_pairs, r, &x);
    }
    for n in [3, 7, 8, 9] {
        let p = sines(n, 0.6);
        let r = triple_products_grad(&p);
        check_value_grad(&format!("triples n={n}"), triple_products, r.clone(), &p);
        // The remainder is not read: its gradient is zero.
        for k in (n / 3) * 3..n {
            assert!(r.1[k].abs() < 1e-300, "n={n}: remainder {k}: {}", r.1[k]);
        }
    }
}

#[test]
fn chunks_from_the_end() {
    for n in [1, 2, 3, 4, 7, 8] {
        let p = sines(n, 0.9);
        let r = back_chunks_grad(&p);
        check_value_grad(&format!("rchunks n={n}"), back_chunks, r, &p);
        let r = back_exact_chunks_grad(&p);
        check_value_grad(
            &format!("rchunks_exact n={n}"),
            back_exact_chunks,
            r.clone(),
            &p,
        );
        // An odd length leaves the first element out.
        if n % 2 == 1 {
            assert!(r.1[0].abs() < 1e-300, "n={n}: {}", r.1[0]);
        }
    }
}

#[test]
fn chunks_with_a_short_last_one() {
    for n in [1, 2, 5, 6, 7] {
        let p = sines(n, 1.1);
        let r = chunk_norms_grad(&p);
        check_value_grad(&format!("norms n={n}"), chunk_norms, r, &p);
        let r = chunk_energies_grad(&p);
        check_value_grad(&format!("energies n={n}"), chunk_energies, r, &p);
        let r = nested_views_grad(&p);
        check_value_grad(&format!("nested n={n}"), nested_views, r, &p);
    }
}

#[test]
fn windows_of_a_local_and_jumps() {
    let x = sines(6, 0.9);
    let r = local_windows_grad(&x, 1.3);
    slice_scalar_check("local", local_windows, r, &x, 1.3);
    // Values on both sides of the `continue` and `break` conditions.
    let x = vec![0.3, 0.9, -0.2, 0.5, -0.95, 0.4, 0.1];
    let r = jumps_grad(&x);
    check_value_grad("jumps", jumps, r, &x);
    let x = vec![0.85, 0.1, 0.2, 0.7, 0.3];
    let r = jumps_grad(&x);
    check_value_grad("jumps, no break", jumps, r, &x);
}

#[test]
fn generic_f32_and_forward_mode() {
    let x = sines(6, 0.5);
    let r = smooth_generic_grad(x.as_slice());
    check_value_grad("generic", smooth_generic, r.clone(), &x);
    let (_, g32) = smooth_generic_grad(to32(&x).as_slice());
    agree("generic f32", &r.1, &g32, 1e-5);
    // The tangent along `v` is the gradient's dot product with `v`.
    let v = sines(6, 0.3);
    let (y, dy) = smooth_jvp(&x, v.clone());
    let (y2, g) = smooth_grad(&x);
    let dot: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!((y - y2).abs() < 1e-12 && (dy - dot).abs() < 1e-12 * (1.0 + dot.abs()));
}

#[test]
fn second_order() {
    for n in [3, 5, 6] {
        let p = sines(n, 0.7);
        let r = chunked_cubic_grad(&p);
        check_value_grad(&format!("cubic n={n}"), chunked_cubic, r, &p);
        let v = sines(n, 0.4);
        let (_, _, hv) = chunked_cubic_hvp(&p, v.clone());
        check_hvp(
            &format!("cubic hvp n={n}"),
            |x| chunked_cubic_grad(x).1,
            &hv,
            &p,
            &v,
        );
    }
}

#[test]
#[should_panic(expected = "window size must be non-zero")]
fn zero_windows_panic_as_in_std() {
    let _ = sized_windows_grad(&[1.0, 2.0], 0);
}

#[test]
#[should_panic(expected = "chunk size must be non-zero")]
fn zero_chunks_panic_as_in_std() {
    let _ = sized_chunks_grad(&[1.0, 2.0], 0);
}

#[test]
#[should_panic(expected = "window size must be non-zero")]
fn the_primal_panics_the_same() {
    let _ = sized_windows(&[1.0, 2.0], 0);
}

#[test]
fn names_rebound_in_the_body() {
    for n in [2, 3, 6] {
        let x = sines(n, 0.7);
        let r = shadowing_grad(&x);
        check_value_grad(&format!("shadowing n={n}"), shadowing, r, &x);
    }
}

#[test]
fn parts_shadowed_by_other_slices() {
    for (n, m) in [(2, 2), (5, 3)] {
        let (x, y) = (sines(n, 0.8), sines(m, 1.2));
        let r = shadowed_by_slices_grad(&x, &y);
        pair_check(&format!("shadowed n={n}"), shadowed_by_slices, r, &x, &y);
    }
}

#[test]
fn loops_over_a_parts_elements() {
    for n in [1, 3, 5, 7, 9] {
        let p = sines(n, 0.95);
        let r = part_element_loops_grad(&p);
        check_value_grad(&format!("part loops n={n}"), part_element_loops, r, &p);
    }
    // One element above 0.9 cuts the inner loops short.
    let p = vec![0.2, 0.95, -0.4, 0.3, 0.1, -0.7];
    let r = part_element_loops_grad(&p);
    check_value_grad("part loops, break", part_element_loops, r, &p);
}

#[test]
fn index_loops_over_parts() {
    for n in [1, 2, 4, 6, 7] {
        let p = sines(n, 0.8);
        let r = index_loops_in_parts_grad(&p);
        check_value_grad(&format!("index loops n={n}"), index_loops_in_parts, r, &p);
    }
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn an_index_loop_past_the_part_panics() {
    let _ = index_past_the_part_grad(&[1.0, 2.0, 3.0, 4.0]);
}

/// The index rebound past the part: the primal panics, and so does the gradient (it would
/// otherwise read the next chunk's element).
#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn a_rebound_index_past_the_part_panics() {
    let _ = shifted_index_in_a_part_grad(&[1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn windows_of_a_constant() {
    let x = sines(4, 0.9);
    let r = constant_windows_grad(&x);
    check_value_grad("constant", constant_windows, r, &x);
}

#[test]
fn in_bounds_part_reads() {
    let x = sines(6, 0.7);
    for j in 0..3 {
        let r = past_the_window_grad(&x, j);
        check_value_grad(&format!("j={j}"), |x| past_the_window(x, j), r, &x);
    }
    let x = sines(6, 0.7);
    let r = past_the_last_chunk_grad(&x);
    check_value_grad("even chunks", past_the_last_chunk, r, &x);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 3 but the index is 3")]
fn a_run_time_index_past_the_window_panics() {
    let _ = past_the_window_grad(&[1.0, 2.0, 3.0, 4.0], 3);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 3 but the index is 3")]
fn the_primal_panics_there_too() {
    let _ = past_the_window(&[1.0, 2.0, 3.0, 4.0], 3);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn a_literal_past_the_window_panics() {
    let _ = past_the_literal_grad(&[1.0, 2.0, 3.0]);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 1 but the index is 1")]
fn an_index_past_the_short_last_chunk_panics() {
    let _ = past_the_last_chunk_grad(&[1.0, 2.0, 3.0]);
}
