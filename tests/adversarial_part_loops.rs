//! Adversarial tests of the rewrite of loops over a part's elements (`for e in w.iter()`,
//! `for &e in w`, ..) and of the unchecked `w[j]` in `for j in a..w.len()`
//! (`autodiff-macros/src/lower/views.rs`): values against the plain function, gradients against
//! central differences, panics against the plain function's. Found by this file and mended: a
//! `w[j]` in the range of `for j in ..w.len()` (an outer `j`) was read unchecked, and
//! `for &e in w` did not compile where `e` was used as a value.

#![allow(
    clippy::needless_range_loop,
    unused_variables,
    unused_mut,
    unused_labels,
    unused_assignments,
    clippy::all
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

// 1. `w[j]` in the range start of `for j in ..w.len()` reads the outer `j`: checked.
#[differentiable]
fn range_start_outer_j(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(2).enumerate() {
        for j in (if i == 0 && w[j] > 5.0 { 1 } else { 0 })..w.len() {
            s += w[j] * w[j];
        }
    }
    s
}

// 2. Nested view loops, same part name.
#[differentiable]
fn nested_same_name(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        let a = w.len() as f64;
        for w in y.windows(2) {
            for j in 0..w.len() {
                s += a * w[j] * w[j].sin();
            }
            for e in w {
                s += e * a;
            }
        }
    }
    s
}

// 3. match arm pattern re-binding j; if let Some(j).
#[differentiable]
fn match_rebinds(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        for j in 0..w.len() {
            match j {
                0 => s += w[j],
                j => s += w[j - 1] * w[j],
            }
        }
        for j in 1..w.len() {
            if let Some(j) = Some(j - 1) {
                s += w[j].cos();
            }
            s += w[j] * 0.5;
        }
    }
    s
}

// 4. Empty bounds: start beyond len, start == len.
#[differentiable]
fn empty_bounds(x: &[f64]) -> f64 {
    let mut s = x[0] * x[0];
    for w in x.chunks(2) {
        for j in 5..w.len() {
            s += w[j];
        }
        for j in w.len()..w.len() {
            s += w[j];
        }
        for j in (w.len() - 1)..w.len() {
            s += w[j] * w[j] * w[j];
        }
    }
    s
}

// 5. Labelled break/continue on element loops nested over the same part.
#[differentiable]
fn labelled_nested(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        'outer: for (a, e) in w.iter().enumerate() {
            'inner: for (b, f) in w.iter().copied().enumerate() {
                if b > a {
                    continue 'outer;
                }
                if f > 0.8 {
                    break 'outer;
                }
                for g in w {
                    if *g < -0.8 {
                        continue 'inner;
                    }
                    s += e * f * g;
                }
            }
        }
    }
    s
}

// 6. Element loop whose body also uses w[..], w.len(), and a call with w.
fn helper_sum(a: &[f64]) -> f64 {
    a.iter().map(|t| t * t).sum()
}

#[differentiable]
fn helper_dot(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn element_loop_with_other_uses(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        for (j, e) in w.iter().enumerate() {
            let n = w.len() as f64;
            s += e * w[0] * n + w[w.len() - 1 - j] * e;
            s += helper_dot(w) * 0.1 * e;
        }
        for e in w {
            for k in 0..w.len() {
                s += w[k] * *e * 0.25;
            }
        }
    }
    s
}

// 7. Parts of Vec<[f64; 2]>, Vec<(f64, f64)>, Vec<Vec<f64>> built from x.
#[differentiable]
fn arrays_in_parts(x: &[f64]) -> f64 {
    let mut p = Vec::new();
    for i in 0..x.len() / 2 {
        p.push([x[2 * i], x[2 * i + 1]]);
    }
    let mut s = 0.0;
    for w in p.windows(2) {
        for q in w {
            s += q[0] * q[1];
        }
        for &q in w.iter() {
            s += q[1].sin();
        }
        for (j, q) in w.iter().copied().enumerate() {
            s += (j as f64 + 1.0) * q[0] * q[0];
        }
        for j in 0..w.len() {
            s += w[j][0] * w[j][1] * 0.5;
        }
    }
    s
}

#[differentiable]
fn tuples_in_parts(#[no_grad] p: &[(f64, f64)], c: f64) -> f64 {
    let mut s = c * c;
    for w in p.chunks(2) {
        for &(a, b) in w {
            s += a * b * c;
        }
        for (a, b) in w.iter() {
            s += (a * c).sin() * b;
        }
        for (j, (a, b)) in w.iter().copied().enumerate() {
            s += (j as f64 + 2.0) * a * b * b * c.cos();
        }
    }
    s
}

#[differentiable]
fn vecs_in_parts(x: &[f64]) -> f64 {
    let mut p: Vec<Vec<f64>> = Vec::new();
    for i in 0..x.len() / 2 {
        p.push(vec![x[2 * i], x[2 * i + 1]]);
    }
    let mut s = 0.0;
    for w in p.chunks(2) {
        for r in w {
            for e in r {
                s += e * r[0];
            }
        }
        for r in w.iter().cloned() {
            s += r[1] * r[1];
        }
        for j in 0..w.len() {
            s += w[j][0].cos();
        }
    }
    s
}

// 8. enumerate().skip(1) and iter().rev(): not rewritten, must still work.
#[differentiable]
fn skip_and_rev(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        for (j, e) in w.iter().enumerate().skip(1) {
            s += (j as f64) * e * e;
        }
        for e in w.iter().rev() {
            s = s * 0.5 + e;
        }
        for (j, &e) in w.iter().skip(1).enumerate() {
            s += (j as f64 + 1.0) * e.sin();
        }
    }
    s
}

// 9. Generic T: Real.
#[differentiable]
fn generic_parts<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for w in x.rchunks(2) {
        for (j, e) in w.iter().copied().enumerate() {
            s += e * e * w[w.len() - 1 - j];
        }
        for j in 0..w.len() {
            s += w[j].exp();
        }
    }
    s
}

// 10. Order 2.
#[differentiable(order = 2)]
fn second_order_parts(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        for (j, e) in w.iter().enumerate() {
            for j2 in j..w.len() {
                s += e * w[j2] * w[j2];
            }
        }
        for &e in w {
            s += e.sin() * e;
        }
    }
    s
}

// 11. Element loop pattern named as the base: PartReads skipped; must still work.
#[differentiable]
fn element_named_as_base(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        for x in w {
            s += x * x;
        }
        s += w[1];
    }
    s
}

// 12. A `mut` enumerate index changed in the body.
#[differentiable]
fn mut_enum_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks_exact(3) {
        for (mut j, e) in w.iter().enumerate() {
            j = (j + 1) % 3;
            s += e * w[j];
        }
    }
    s
}

// 14. Unchecked j: a shadow of j in a nested block (rebinds -> checked), j+0 forms.
#[differentiable]
fn nested_block_shadow(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        for j in 0..w.len() {
            {
                let j = j + 1;
                if j < 2 {
                    s += w[j] * 2.0;
                }
            }
            s += w[j];
        }
    }
    s
}

#[differentiable]
fn nested_block_shadow_oob(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        for j in 0..w.len() {
            {
                let j = j + 1;
                s += w[j] * 2.0;
            }
        }
    }
    s
}

// 15. Inner for j loop shadowing the bounded j with a larger range.
#[differentiable]
fn inner_for_shadow(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        for j in 0..w.len() {
            for j in 0..3 {
                s += w[j];
            }
        }
    }
    s
}

// 16. Element loop on a part used as tail of a block; while-let etc.
#[differentiable]
fn element_loop_as_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.rchunks_exact(2) {
        let () = for e in w.iter() {
            s += e * e;
        };
        let t = {
            let mut t = 0.0;
            for (k, e) in w.iter().cloned().enumerate() {
                t += e * (k as f64);
            }
            t
        };
        s += t * t;
    }
    s
}

// 17. Bounded index loop whose j is used via a macro (rebinds -> checked).
#[differentiable]
fn macro_mentions_j(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        for j in 0..w.len() {
            assert!(j < 3, "j={}", j);
            s += w[j] * w[j];
        }
    }
    s
}

// 18. The element loop inside a nested view loop over another slice, reading both parts.
#[differentiable]
fn cross_parts(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        for u in y.windows(2) {
            for (j, e) in w.iter().enumerate() {
                for f in u {
                    s += e * f * w[j];
                }
                for k in 0..u.len() {
                    s += u[k] * w[j] * 0.3;
                }
            }
            for k in 0..w.len() {
                for e in u.iter().copied() {
                    s += w[k] * e;
                }
            }
        }
    }
    s
}

// 19. windows of run-time size, bounded index with start expression using the part.
#[differentiable]
fn start_uses_part(x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for w in x.windows(k) {
        for j in (w.len() / 2)..w.len() {
            s += w[j] * w[w.len() - 1 - j];
        }
    }
    s
}

fn pts(n: usize) -> Vec<f64> {
    sines(n, 0.7)
}

#[test]
fn t01_range_start_outer_j_in_bounds() {
    for n in [2, 3, 5] {
        let x = pts(n);
        let r = range_start_outer_j_grad(&x, 1);
        check_value_grad("range start j=1", |p| range_start_outer_j(p, 1), r, &x);
    }
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t01_range_start_outer_j_primal_panics() {
    let _ = range_start_outer_j(&pts(5), 2);
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t01_range_start_outer_j_grad_panics() {
    let _ = range_start_outer_j_grad(&pts(5), 2);
}

#[test]
fn t02_nested_same_name() {
    for (n, m) in [(3, 2), (4, 3), (7, 4)] {
        let (x, y) = (pts(n), sines(m, 0.5));
        pair_check(
            "nested",
            nested_same_name,
            nested_same_name_grad(&x, &y),
            &x,
            &y,
        );
    }
}

#[test]
fn t03_match_rebinds() {
    for n in [1, 3, 5, 7] {
        let x = pts(n);
        check_value_grad("match", match_rebinds, match_rebinds_grad(&x), &x);
    }
}

#[test]
fn t04_empty_bounds() {
    for n in [1, 2, 5] {
        let x = pts(n);
        check_value_grad("empty", empty_bounds, empty_bounds_grad(&x), &x);
    }
}

#[test]
fn t05_labelled_nested() {
    for n in [3, 5, 8] {
        let x = sines(n, 0.95);
        check_value_grad("labelled", labelled_nested, labelled_nested_grad(&x), &x);
    }
    let x = vec![0.3, -0.9, 0.5, 0.85, 0.2, -0.1];
    check_value_grad("labelled2", labelled_nested, labelled_nested_grad(&x), &x);
}

#[test]
fn t06_element_loop_other_uses() {
    let _ = helper_sum(&[1.0]);
    for n in [1, 3, 4, 7] {
        let x = pts(n);
        check_value_grad(
            "other uses",
            element_loop_with_other_uses,
            element_loop_with_other_uses_grad(&x),
            &x,
        );
    }
}

#[test]
fn t07_arrays_tuples_vecs() {
    for n in [4, 6, 8] {
        let x = pts(n);
        check_value_grad("arrays", arrays_in_parts, arrays_in_parts_grad(&x), &x);
        let tp: Vec<(f64, f64)> = x.chunks_exact(2).map(|c| (c[0], c[1])).collect();
        for c in [0.3, -1.1] {
            check_value_grad(
                "tuples",
                |q| tuples_in_parts(&tp, q[0]),
                (
                    tuples_in_parts_grad(&tp, c).0,
                    vec![tuples_in_parts_grad(&tp, c).1],
                ),
                &[c],
            );
        }
        check_value_grad("vecs", vecs_in_parts, vecs_in_parts_grad(&x), &x);
    }
}

#[test]
fn t08_skip_and_rev() {
    for n in [3, 4, 6] {
        let x = pts(n);
        check_value_grad("skip", skip_and_rev, skip_and_rev_grad(&x), &x);
    }
}

#[test]
fn t09_generic_f32() {
    for n in [1, 3, 4, 5] {
        let x = pts(n);
        let r = generic_parts_grad(x.as_slice());
        check_value_grad("generic", generic_parts, r.clone(), &x);
        let (_, g32) = generic_parts_grad(to32(&x).as_slice());
        agree("generic f32", &r.1, &g32, 1e-4);
    }
}

#[test]
fn t10_second_order() {
    for n in [2, 3, 5, 6] {
        let x = pts(n);
        check_value_grad("o2", second_order_parts, second_order_parts_grad(&x), &x);
        let v = sines(n, 0.4);
        let (_, _, hv) = second_order_parts_hvp(&x, v.clone());
        check_hvp("o2 hvp", |p| second_order_parts_grad(p).1, &hv, &x, &v);
    }
}

#[test]
fn t11_to_t19() {
    for n in [2, 3, 4, 6, 7] {
        let x = pts(n);
        check_value_grad(
            "base name",
            element_named_as_base,
            element_named_as_base_grad(&x),
            &x,
        );
        check_value_grad("mut enum", mut_enum_index, mut_enum_index_grad(&x), &x);
        check_value_grad(
            "block shadow",
            nested_block_shadow,
            nested_block_shadow_grad(&x),
            &x,
        );
        check_value_grad(
            "as value",
            element_loop_as_value,
            element_loop_as_value_grad(&x),
            &x,
        );
        check_value_grad("macro j", macro_mentions_j, macro_mentions_j_grad(&x), &x);
        let y = sines(3, 0.5);
        pair_check("cross", cross_parts, cross_parts_grad(&x, &y), &x, &y);
        for k in [1, 2, 3] {
            check_value_grad(
                "start uses part",
                |p| start_uses_part(p, k),
                start_uses_part_grad(&x, k),
                &x,
            );
        }
    }
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t14_block_shadow_oob_panics() {
    let r = nested_block_shadow_oob_grad(&pts(5));
    eprintln!("no panic, got {r:?}");
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t15_inner_for_shadow_panics() {
    let r = inner_for_shadow_grad(&pts(6));
    eprintln!("no panic, got {r:?}");
}

// 20. continue/break with the VIEW loop's label from inside element loops.
#[differentiable]
fn view_label_from_element(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'v: for w in x.chunks(2) {
        for e in w {
            if *e > 0.6 {
                continue 'v;
            }
            if *e < -0.6 {
                break 'v;
            }
            s += e * e + w[w.len() - 1];
        }
        s += 0.1 * w[0];
    }
    s
}

// 21. Windows of a chunk (the inner view loop's receiver is the outer part).
#[differentiable]
fn windows_of_a_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(4) {
        for u in w.windows(2) {
            for (j, e) in u.iter().enumerate() {
                s += e * u[1 - j] * (w.len() as f64);
            }
            for j in 0..u.len() {
                s += u[j] * w[0];
            }
        }
        for j in 1..w.len() {
            for e in w.windows(j) {
                s += e[0] * w[j];
            }
        }
    }
    s
}

// 22. Two view loops over the same base, element loops over both parts.
#[differentiable]
fn two_parts_same_base(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        for u in x.chunks(3) {
            for e in w {
                for f in u.iter().copied() {
                    s += e * f;
                }
            }
            for j in 0..w.len() {
                for k in 0..u.len() {
                    s += w[j] * u[k] * 0.5;
                }
            }
        }
    }
    s
}

// 23. Element loop in a `loop` with break value, and enumerate with `_` index.
#[differentiable]
fn loop_break_value(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(3) {
        let t = loop {
            let mut a = 0.0;
            for (_, e) in w.iter().enumerate() {
                a += e * 2.0;
            }
            break a;
        };
        s += t * t;
    }
    s
}

// 24. The view-loop index named as an element loop's pattern.
#[differentiable]
fn view_index_reused(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, w) in x.windows(3).enumerate() {
        for i in w {
            s += i * i;
        }
        s += i as f64 * w[0];
        for (i, e) in w.iter().enumerate() {
            s += e * (i as f64);
        }
    }
    s
}

// 25. Unchecked read on a short last chunk with a start > 0 and reversed index.
#[differentiable]
fn short_chunk_bounded(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.rchunks(3) {
        for j in 1..w.len() {
            s += w[j] * w[j - 1] + w[w.len() - j];
        }
    }
    s
}

#[test]
fn t20_to_t25() {
    for n in [1, 2, 3, 4, 5, 7, 9] {
        let x = sines(n, 0.9);
        check_value_grad(
            "view label",
            view_label_from_element,
            view_label_from_element_grad(&x),
            &x,
        );
        check_value_grad(
            "windows of part",
            windows_of_a_part,
            windows_of_a_part_grad(&x),
            &x,
        );
        check_value_grad(
            "two parts",
            two_parts_same_base,
            two_parts_same_base_grad(&x),
            &x,
        );
        check_value_grad(
            "loop break",
            loop_break_value,
            loop_break_value_grad(&x),
            &x,
        );
        check_value_grad(
            "index reused",
            view_index_reused,
            view_index_reused_grad(&x),
            &x,
        );
        check_value_grad(
            "short chunk",
            short_chunk_bounded,
            short_chunk_bounded_grad(&x),
            &x,
        );
    }
}

// 26. Parts of a #[no_grad] index slice: element loops and unchecked reads of integers.
#[differentiable]
fn index_parts(x: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for w in idx.windows(2) {
        for k in w.iter().copied() {
            s += x[k].sin();
        }
        for j in 0..w.len() {
            s += x[w[j]] * x[w[0]];
        }
        for (j, k) in w.iter().enumerate() {
            s += x[*k] * (j as f64);
        }
    }
    s
}

// 27. An element named as the part (PartReads skipped) and a `mut` copied element.
#[differentiable]
fn element_named_as_part(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(2) {
        for w in w {
            s += w * w;
        }
        for mut e in w.iter().copied() {
            e *= 2.0;
            s += e * e;
        }
    }
    s
}

// 28. Checked path sanity: j + 1 past the part panics.
#[differentiable]
fn checked_shift(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.chunks(2) {
        for j in 0..w.len() {
            s += w[j + 1];
        }
    }
    s
}

#[test]
fn t26_t27() {
    let idx = [3usize, 0, 2, 1, 1];
    for n in [4, 5] {
        let x = sines(n, 0.8);
        check_value_grad(
            "index parts",
            |p| index_parts(p, &idx),
            index_parts_grad(&x, &idx),
            &x,
        );
        check_value_grad(
            "elem named part",
            element_named_as_part,
            element_named_as_part_grad(&x),
            &x,
        );
    }
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t28_checked_shift_panics() {
    let _ = checked_shift_grad(&[1.0, 2.0, 3.0, 4.0]);
}

// 30. `&` patterns over a part's elements, the element used as a value.
#[differentiable]
fn ref_patterns(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for w in x.windows(3) {
        for &g in w {
            if g < -0.8 {
                continue;
            }
            s += g * g;
        }
        for (j, &e) in w.iter().enumerate() {
            if e > 0.0 {
                s += e * (j as f64);
            }
        }
    }
    for w in x.chunks(2) {
        for &e in w {
            let t = if e > 0.0 { e } else { -e };
            s += t * e;
        }
    }
    s
}

#[differentiable]
fn gathered_by_chunks(x: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for w in idx.chunks(2) {
        for &k in w {
            s += x[k] * x[k];
        }
    }
    s
}

#[test]
fn t30_ref_patterns() {
    for n in [3, 4, 7] {
        let x = sines(n, 0.95);
        check_value_grad("ref patterns", ref_patterns, ref_patterns_grad(&x), &x);
    }
    let x = vec![0.5, -0.9, 0.2, 0.7, -0.3];
    check_value_grad(
        "ref patterns, continue",
        ref_patterns,
        ref_patterns_grad(&x),
        &x,
    );
    let idx = [3usize, 0, 2, 2, 4];
    let x = sines(5, 0.8);
    check_value_grad(
        "gathered",
        |p| gathered_by_chunks(p, &idx),
        gathered_by_chunks_grad(&x, &idx),
        &x,
    );
}

// 29. `w[j]` in the range start reads the outer `j`, checked.
#[differentiable]
fn range_start_min(x: &[f64], #[no_grad] j: usize) -> f64 {
    let mut s = 0.0;
    for w in x.chunks_exact(2) {
        for j in (if w[j] > 9.0 { 1 } else { 0 })..w.len() {
            s += w[j];
        }
    }
    s
}

#[test]
#[should_panic(expected = "index out of bounds: the len is 2 but the index is 2")]
fn t29_range_start_min_panics() {
    // The plain function panics there too; the gradient used to return (7, [1, 1, 0, 1, 0]).
    let _ = range_start_min_grad(&[1.0, 2.0, 3.0, 4.0, 10.0], 2);
}
