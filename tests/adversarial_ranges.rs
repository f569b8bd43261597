//! Adversarial range reads `&v[a..b]`: every gradient against central differences in f64.

#![allow(
    unused_mut,
    unused_variables,
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::redundant_closure,
    clippy::redundant_slicing,
    clippy::type_complexity,
    clippy::single_match
)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// Callees
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[differentiable]
fn head2(v: &[f64]) -> f64 {
    v[0] * v[0] * 2.0
}

#[differentiable]
fn sumsq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable]
fn wsum(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (i as f64 + 1.0) * v[i].sin();
    }
    s
}

/// Returns early, ignores parts of its slice, calls other callees on sub-ranges.
#[differentiable]
fn early(v: &[f64]) -> f64 {
    if v.len() < 4 {
        return sumsq(&v[1..]);
    }
    if v[0] < -0.5 {
        return head2(&v[2..]) * v[1];
    }
    head2(&v[1..]) + dot3(&v[..3], &v[v.len() - 3..]) * wsum(&v[1..=2])
}

/// Recursion on a sub-range of its own parameter.
#[differentiable]
fn rec(v: &[f64]) -> f64 {
    if v.len() == 1 {
        return v[0].sin();
    }
    v[0] * rec(&v[1..]) + 0.3 * v[v.len() - 1]
}

// ------------------------------------------------------------------------------------------------
// Forms
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn nested_offsets(p: &[f64], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..idx.len() {
        for j in 0..idx.len() {
            let a = idx[i];
            let b = idx[j];
            s += dot3(&p[a..a + 3], &p[b..b + 3]) * p[(a + b) % p.len()];
        }
        s += sumsq(&p[idx[i]..]) * 0.1;
    }
    s
}

#[differentiable]
fn range_chain(p: &[f64]) -> f64 {
    let a = &p[1..];
    let b = &a[1..a.len() - 1];
    let c = &b[..=2];
    sumsq(c) * a[0] + b[1] * c[2] + sumsq(&c[1..]) + wsum(&b[..]) * a[a.len() - 1]
}

#[differentiable]
fn window_loop(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        let w = &p[i..i + 3];
        s += sumsq(w) * w[1] + head2(w) + dot3(w, w) * 0.5;
        let u = &w[1..];
        s += u[0] * u[1];
    }
    s
}

#[differentiable]
fn while_break(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    while k + 2 <= p.len() {
        let t = sumsq(&p[k..k + 2]);
        if s > 1.0 {
            break;
        }
        s += t * p[k] + 0.2;
        k += 1;
    }
    s + k as f64
}

#[differentiable]
fn empties(p: &[f64]) -> f64 {
    let n = p.len();
    let k = 2;
    sumsq(&p[k..k]) + sumsq(&p[n..]) + sumsq(&p[..0]) + wsum(&p[1..1]) + p[1] * sumsq(&p[3..=3])
}

#[differentiable]
fn only_empty(p: &[f64]) -> f64 {
    let n = p.len();
    sumsq(&p[n..]) + 1.0
}

#[differentiable]
fn prefix_only(p: &[f64]) -> f64 {
    sumsq(&p[0..2])
}

#[differentiable]
fn middle_index_only(p: &[f64]) -> f64 {
    let r = &p[1..4];
    r[0] * 3.0
}

#[differentiable]
fn local_push(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let a = sumsq(&v[1..3]);
    v.push(a * p[0]);
    let b = dot3(&v[v.len() - 3..], &p[0..3]);
    v.truncate(2);
    let c = sumsq(&v[..]);
    v.insert(0, b);
    let d = head2(&v[0..2]) + sumsq(&v[1..]);
    v.remove(1);
    let e = wsum(&v[..]);
    v.reverse();
    let f = head2(&v[..]);
    a + b * c + d + e + f
}

#[differentiable]
fn mem_swapped(p: &[f64]) -> f64 {
    let mut u = p.to_vec();
    let mut w = vec![0.0; p.len()];
    for i in 0..p.len() {
        w[i] = p[i].sin();
    }
    let mut s = 0.0;
    for _ in 0..3 {
        s += dot3(&u[0..3], &w[1..4]);
        std::mem::swap(&mut u, &mut w);
        u[0] = s * 0.5;
    }
    s + sumsq(&u[..]) + sumsq(&w[2..])
}

#[differentiable]
fn vec_swap(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let a = head2(&v[1..]);
    v.swap(0, 1);
    let b = head2(&v[0..]);
    let n = v.len();
    v.swap(0, n - 1);
    a + b * sumsq(&v[..2])
}

#[differentiable]
fn reassigned_whole(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let mut s = 0.0;
    for t in 0..3 {
        s += sumsq(&v[t..t + 2]);
        let mut nv = vec![0.0; v.len()];
        for i in 0..v.len() {
            nv[i] = v[(i + 1) % v.len()] * 0.9 + p[i] * 0.1;
        }
        v = nv;
    }
    s + wsum(&v[1..])
}

#[differentiable]
fn prefix_overwritten(p: &[f64]) -> f64 {
    let n = p.len();
    let mut acc = vec![0.0; n];
    let mut s = 0.0;
    for i in 0..n {
        acc[i] = p[i] * p[(i + 1) % n];
        s += sumsq(&acc[0..i + 1]);
        if i > 0 {
            acc[i - 1] += s * 0.1;
        }
    }
    s + wsum(&acc[..])
}

#[differentiable]
fn shadowed(p: &[f64]) -> f64 {
    let a = sumsq(&p[0..2]);
    let p = &p[1..];
    let b = sumsq(&p[0..2]);
    let p = p.to_vec();
    let mut p = p;
    p[0] = a * b;
    a + b + sumsq(&p[0..3]) + wsum(&p[1..])
}

#[differentiable]
fn branches(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let k = if p[0] > 0.0 { 1 } else { 2 };
    let mut s = 0.0;
    if p[1] > 0.0 {
        s += sumsq(&v[k..k + 2]);
        v[k] = s;
    } else {
        s += head2(&p[k..]);
        v.push(s);
    }
    s + wsum(&v[k..]) + sumsq(&p[..k])
}

#[differentiable]
fn same_temp_twice(p: &[f64]) -> f64 {
    let r = &p[0..3];
    let q = r;
    dot3(r, r) + dot3(q, &p[2..5]) + dot3(&p[1..4], &p[1..4])
}

#[differentiable]
fn receivers(p: &[f64]) -> f64 {
    let r = &p[1..5];
    let mut s = r.len() as f64 * r[0];
    for e in r.iter() {
        s += e * e;
    }
    for (i, e) in r.iter().enumerate() {
        s += (i as f64) * e.cos();
    }
    let v = r.to_vec();
    s += v[2] * v[3];
    let t: f64 = r.iter().sum();
    s += t * t;
    for x in &p[2..] {
        s += x.sin();
    }
    s
}

#[differentiable]
fn rec_user(p: &[f64]) -> f64 {
    rec(&p[1..]) + rec(&p[..]) * p[0]
}

#[differentiable]
fn early_user(p: &[f64]) -> f64 {
    early(&p[0..5]) + early(&p[1..]) + early(&p[2..5]) + early(&p[..])
}

// ------------------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------------------

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    let tol = Tolerance::new(1e-6, 1e-6);
    let fd = numeric_gradient(f, x, 1e-6);
    assert_eq!(grad.len(), x.len(), "{name}: gradient length");
    for (i, (a, b)) in grad.iter().zip(&fd).enumerate() {
        assert!(tol.accepts(*a, *b), "{name}[{i}]: {a} vs {b}");
    }
}

#[test]
fn nested_offsets_against_fd() {
    let p = input(9);
    let idx = [0usize, 3, 1, 6, 2, 6];
    check(
        "nested_offsets",
        |x| nested_offsets(x, &idx),
        &nested_offsets_grad(&p, &idx).1,
        &p,
    );
}

#[test]
fn bound_ranges_against_fd() {
    let p = input(8);
    check("range_chain", range_chain, &range_chain_grad(&p).1, &p);
    check("window_loop", window_loop, &window_loop_grad(&p).1, &p);
    check("while_break", while_break, &while_break_grad(&p).1, &p);
    check(
        "same_temp_twice",
        same_temp_twice,
        &same_temp_twice_grad(&p).1,
        &p,
    );
    check("receivers", receivers, &receivers_grad(&p).1, &p);
}

#[test]
fn empty_and_partial_ranges_against_fd() {
    let p = input(6);
    check("empties", empties, &empties_grad(&p).1, &p);
    check("only_empty", only_empty, &only_empty_grad(&p).1, &p);
    check("prefix_only", prefix_only, &prefix_only_grad(&p).1, &p);
    check(
        "middle_index_only",
        middle_index_only,
        &middle_index_only_grad(&p).1,
        &p,
    );
}

#[test]
fn ranges_of_mutated_locals_against_fd() {
    let p = input(6);
    check("local_push", local_push, &local_push_grad(&p).1, &p);
    check("mem_swapped", mem_swapped, &mem_swapped_grad(&p).1, &p);
    check("vec_swap", vec_swap, &vec_swap_grad(&p).1, &p);
    check(
        "reassigned_whole",
        reassigned_whole,
        &reassigned_whole_grad(&p).1,
        &p,
    );
    check(
        "prefix_overwritten",
        prefix_overwritten,
        &prefix_overwritten_grad(&p).1,
        &p,
    );
    check("shadowed", shadowed, &shadowed_grad(&p).1, &p);
    for sign in [1.0, -1.0] {
        for sign2 in [1.0, -1.0] {
            let mut q = input(6);
            q[0] = sign * 0.5;
            q[1] = sign2 * 0.7;
            check("branches", branches, &branches_grad(&q).1, &q);
        }
    }
}

#[test]
fn callees_returning_early_and_recursing_against_fd() {
    let p = input(7);
    check("rec_user", rec_user, &rec_user_grad(&p).1, &p);
    check("early_user", early_user, &early_user_grad(&p).1, &p);
    let mut q = input(7);
    q[0] = -0.9;
    q[1] = -0.8;
    check("early_user-", early_user, &early_user_grad(&q).1, &q);
}

// ------------------------------------------------------------------------------------------------
// Batch 2: parameters of other types, borrows of by-value parameters, structs, methods
// ------------------------------------------------------------------------------------------------

// A range of a reference to a parameter taken by value: `let r = &p;` borrows a local of the
// generated function, so the range is copied, not borrowed for the pullback (`mark_refs` counts
// only borrows through reference parameters); passing `r` itself to a callee as well.
#[differentiable]
fn byval_vec(p: Vec<f64>) -> f64 {
    let r = &p;
    sumsq(&r[1..3]) + dot3(&p[0..3], &p[2..5]) + 0.1 * sumsq(r)
}

#[differentiable]
fn byval_vec_loop(p: Vec<f64>) -> f64 {
    let r = &p;
    let mut s = 0.0;
    for i in 0..r.len() - 2 {
        s += dot3(&r[i..i + 3], &p[0..3]).tanh();
    }
    s
}

#[differentiable]
fn vec_ref_param(p: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        let w = &p[i..=i + 2];
        s += dot3(w, &p[i + 1..i + 4]) * w[2];
    }
    s
}

#[differentiable]
fn array_ref_param(p: &[f64; 6]) -> f64 {
    let r = &p[1..];
    let mut s = 0.0;
    for i in 0..3 {
        s += dot3(&r[i..], &p[..3]) + head2(&r[i + 1..]);
    }
    s
}

#[differentiable]
fn local_array(p: &[f64]) -> f64 {
    let a = [p[0] * p[1], p[1].sin(), p[2] + p[0], p[3] * 2.0];
    sumsq(&a[1..]) + dot3(&a[..3], &a[1..]) + head2(&a[3..])
}

#[differentiable]
fn rows_param(m: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        let row = &m[i];
        let next = &m[(i + 1) % m.len()];
        s += sumsq(&row[1..3]) * row[0] + dot3(&row[..3], &next[..3]);
    }
    s
}

#[differentiable]
fn rows_of_rows(m: &[Vec<f64>]) -> f64 {
    let sub = &m[1..];
    let mut s = 0.0;
    for i in 0..sub.len() {
        let row = &sub[i];
        s += wsum(&row[1..]) * row[0];
    }
    s
}

#[differentiable]
fn iter_rows(m: &Vec<Vec<f64>>) -> f64 {
    let mut s = 0.0;
    for row in m.iter() {
        s += head2(&row[1..]) + sumsq(&row[..2]);
    }
    s
}

#[derive(Clone, Debug, Differentiable)]
struct Holder {
    w: Vec<f64>,
    b: f64,
}

#[differentiable]
fn field_ranges(h: &Holder) -> f64 {
    let w = &h.w;
    sumsq(&w[1..3]) * h.b + dot3(&w[..3], &w[w.len() - 3..])
}

/// A by-value struct: `&h.w` borrows a local of the generated function (copied ranges).
#[differentiable]
fn field_ranges_byval(h: Holder) -> f64 {
    let w = &h.w;
    sumsq(&w[1..3]) * h.b + sumsq(w)
}

impl Holder {
    #[differentiable]
    fn energy(&self, x: &[f64]) -> f64 {
        let w = &self.w;
        let mut s = self.b;
        for i in 0..x.len() - 2 {
            s += dot3(&w[i..i + 3], &x[i..i + 3]);
        }
        s
    }
}

fn holder_from(x: &[f64]) -> Holder {
    Holder {
        w: x[..x.len() - 1].to_vec(),
        b: x[x.len() - 1],
    }
}

fn holder_flat(g: &Holder) -> Vec<f64> {
    let mut v = g.w.clone();
    v.push(g.b);
    v
}

#[test]
fn parameters_of_other_types_against_fd() {
    let p = input(6);
    check(
        "byval_vec",
        |x| byval_vec(x.to_vec()),
        &byval_vec_grad(p.clone()).1,
        &p,
    );
    check(
        "byval_vec_loop",
        |x| byval_vec_loop(x.to_vec()),
        &byval_vec_loop_grad(p.clone()).1,
        &p,
    );
    check(
        "vec_ref_param",
        |x| vec_ref_param(&x.to_vec()),
        &vec_ref_param_grad(&p).1,
        &p,
    );
    let a6: [f64; 6] = p.clone().try_into().unwrap();
    check(
        "array_ref_param",
        |x| array_ref_param(&x.try_into().unwrap()),
        &array_ref_param_grad(&a6).1,
        &p,
    );
    check("local_array", local_array, &local_array_grad(&p).1, &p);
}

fn rows(x: &[f64], k: usize) -> Vec<Vec<f64>> {
    x.chunks(k).map(|c| c.to_vec()).collect()
}

#[test]
fn rows_of_nested_vecs_against_fd() {
    let x = input(12);
    let m = rows(&x, 4);
    let flat = |g: Vec<Vec<f64>>| g.concat();
    check(
        "rows_param",
        |y| rows_param(&rows(y, 4)),
        &flat(rows_param_grad(&m).1),
        &x,
    );
    check(
        "rows_of_rows",
        |y| rows_of_rows(&rows(y, 4)),
        &flat(rows_of_rows_grad(&m).1),
        &x,
    );
    check(
        "iter_rows",
        |y| iter_rows(&rows(y, 4)),
        &flat(iter_rows_grad(&m).1),
        &x,
    );
}

#[test]
fn fields_and_methods_against_fd() {
    let x = input(7);
    let h = holder_from(&x);
    check(
        "field_ranges",
        |y| field_ranges(&holder_from(y)),
        &holder_flat(&field_ranges_grad(&h).1),
        &x,
    );
    check(
        "field_ranges_byval",
        |y| field_ranges_byval(holder_from(y)),
        &holder_flat(&field_ranges_byval_grad(holder_from(&x)).1),
        &x,
    );
    let xs = input(5);
    let (_, (gh, gx)) = h.energy_grad(&xs);
    check(
        "energy/self",
        |y| holder_from(y).energy(&xs),
        &holder_flat(&gh),
        &x,
    );
    check("energy/x", |y| h.energy(y), &gx, &xs);
}

// ------------------------------------------------------------------------------------------------
// Batch 3: conversions of ranges, growing locals, generic and f32 code, pullbacks, order = 2
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn conversions(p: &[f64]) -> f64 {
    let r = &p[1..4];
    let c = r.to_vec();
    let mut w = r.to_vec();
    w.push(p[0] * 2.0);
    w[0] = w[3] * c[1];
    let last = r[r.len() - 1];
    sumsq(&w[1..]) + sumsq(&c[..]) * last + wsum(&w[..])
}

#[differentiable]
fn grow_in_loop(p: &[f64]) -> f64 {
    let mut v = vec![p[0]];
    for i in 1..p.len() {
        let t = wsum(&v[..]) * 0.3 + sumsq(&v[v.len() - 1..]);
        v.push(t * p[i] + p[i].cos());
    }
    sumsq(&v[2..]) + wsum(&v[..3])
}

#[differentiable]
fn extend_from_range(p: &[f64]) -> f64 {
    let mut v = vec![p[0] * p[1]];
    // `v.extend_from_slice(&p[2..5])` is refused ("bind the slice to a variable first")
    let r = &p[2..5];
    v.extend_from_slice(r);
    let c = v.clone();
    let cr = &c[1..3];
    v.extend_from_slice(cr);
    let head = &v[..2];
    let tail = &v[3..];
    sumsq(head) * wsum(tail) + head2(&v[4..])
}

#[differentiable]
fn wrt_only_q(p: &[f64], q: &[f64]) -> f64 {
    dot3(&p[0..3], &q[1..4]) + sumsq(&q[2..]) * p[3]
}

#[differentiable]
fn generic_windows<T: Real>(p: &[T], #[no_grad] k: usize) -> T {
    let mut s = T::zero();
    for i in 0..p.len() - k + 1 {
        let w = &p[i..i + k];
        s += generic_norm(w) * w[0] + generic_norm(&w[1..]);
    }
    s
}

#[differentiable]
fn generic_norm<T: Real>(v: &[T]) -> T {
    let mut s = T::from_f64(1e-3);
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s.sqrt()
}

#[differentiable]
fn f32_ranges(p: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..p.len() - 1 {
        let w = &p[i..=i + 1];
        s += w[0] * w[1].sin() + (w[1] * w[1]) * p[i];
    }
    s
}

#[differentiable]
fn f64_twin(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        let w = &p[i..=i + 1];
        s += w[0] * w[1].sin() + (w[1] * w[1]) * p[i];
    }
    s
}

#[differentiable]
fn two_outputs(p: &[f64]) -> (f64, f64) {
    let a = sumsq(&p[1..4]) * p[0];
    let b = dot3(&p[..3], &p[p.len() - 3..]) + wsum(&p[2..]);
    (a, b)
}

#[differentiable(order = 2)]
fn sumsq2(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * v[i].sin();
    }
    s
}

#[differentiable(order = 2)]
fn hess_ranges(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        let w = &p[i..i + 3];
        s += sumsq2(w) * w[1] + sumsq2(&p[i + 1..]) * p[i];
    }
    let mut v = p.to_vec();
    v[0] = s;
    s + sumsq2(&v[..2]) + sumsq2(&p[..=1])
}

#[test]
fn conversions_and_growing_locals_against_fd() {
    let p = input(6);
    check("conversions", conversions, &conversions_grad(&p).1, &p);
    check("grow_in_loop", grow_in_loop, &grow_in_loop_grad(&p).1, &p);
    check(
        "extend_from_range",
        extend_from_range,
        &extend_from_range_grad(&p).1,
        &p,
    );
}

#[test]
fn two_parameters_against_fd() {
    let p = input(5);
    let q: Vec<f64> = input(9)[4..].to_vec();
    let (_, (gp, gq)) = wrt_only_q_grad(&p, &q);
    check("wrt/p", |x| wrt_only_q(x, &q), &gp, &p);
    check("wrt/q", |x| wrt_only_q(&p, x), &gq, &q);
}

#[test]
fn generic_and_f32_ranges_against_fd() {
    let p = input(7);
    for k in [1usize, 2, 3, 7] {
        let g = generic_windows_grad(&p[..], k).1;
        check("generic_windows", |x| generic_windows(x, k), &g, &p);
        let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
        let g32 = generic_windows_grad(&p32[..], k).1;
        for (a, b) in g32.iter().zip(&g) {
            assert!(
                (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
                "{a} vs {b}"
            );
        }
    }
    let g = f64_twin_grad(&p).1;
    check("f64_twin", f64_twin, &g, &p);
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let g32 = f32_ranges_grad(&p32).1;
    assert_eq!(g32.len(), g.len());
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
}

#[test]
fn pullbacks_with_several_cotangents_against_fd() {
    let p = input(6);
    let (v, pb) = two_outputs_vjp(&p);
    assert_eq!(v, two_outputs(&p));
    for (ca, cb) in [(1.0, 0.0), (0.0, 1.0), (2.0, -3.0), (0.0, 0.0), (1.0, 0.0)] {
        let g = pb((ca, cb));
        check(
            "two_outputs",
            |x| {
                let (a, b) = two_outputs(x);
                ca * a + cb * b
            },
            &g,
            &p,
        );
    }
    let (_, pb) = nested_offsets_vjp(&p, &[0, 2, 3]);
    for c in [1.0, -0.5, 3.0] {
        check(
            "nested_offsets_vjp",
            |x| c * nested_offsets(x, &[0, 2, 3]),
            &pb(c),
            &p,
        );
    }
    let (_, pb) = local_push_vjp(&p);
    for c in [1.0, -2.0] {
        check("local_push_vjp", |x| c * local_push(x), &pb(c), &p);
    }
    let (_, pb) = mem_swapped_vjp(&p);
    for c in [1.0, 0.25] {
        check("mem_swapped_vjp", |x| c * mem_swapped(x), &pb(c), &p);
    }
}

#[test]
fn second_order_ranges_against_fd() {
    let p = input(5);
    let (y, g, h) = hess_ranges_hessian(&p);
    assert!((y - hess_ranges(&p)).abs() < 1e-12);
    check("hess_ranges/grad", hess_ranges, &g, &p);
    for j in 0..p.len() {
        let col = |x: &[f64]| hess_ranges_grad(x).1[j];
        let fd = numeric_gradient(col, &p, 1e-5);
        for i in 0..p.len() {
            let tol = Tolerance::new(1e-5, 1e-5);
            assert!(
                tol.accepts(h[(i, j)], fd[i]),
                "H[{i},{j}]: {} vs {}",
                h[(i, j)],
                fd[i]
            );
        }
    }
    let v: Vec<f64> = (0..p.len()).map(|i| 0.3 - 0.2 * i as f64).collect();
    let (_, _, hv) = hess_ranges_hvp(&p, v.clone());
    for i in 0..p.len() {
        let want: f64 = (0..p.len()).map(|j| h[(i, j)] * v[j]).sum();
        assert!((hv[i] - want).abs() < 1e-9 * (1.0 + want.abs()), "Hv[{i}]");
    }
}

// ------------------------------------------------------------------------------------------------
// Batch 4: borrows of borrows, methods, element types other than floats, receivers
// ------------------------------------------------------------------------------------------------

// Not caused by the change (fails the same way before it, E0308 "expected `&[_]`, found
// `&&[f64; 4]`" inside generated code): a range of a reference to an array, `let r = &p;
// &r[1..3]` with `p: &[f64; 4]` or `p: [f64; 4]`, and `let row = &m[i]; &row[1..]` with
// `m: &[[f64; 3]]`.

#[differentiable]
fn ref_of_slice(p: &[f64]) -> f64 {
    let r = &p;
    sumsq(&r[1..3]) * r[0]
}

#[differentiable]
fn ref_of_vec(p: &Vec<f64>) -> f64 {
    let r = &p;
    let q = r;
    sumsq(&r[1..3]) * r[0] + wsum(&q[2..])
}

impl Holder {
    #[differentiable]
    fn chain(&self, x: f64) -> f64 {
        let w = &self.w;
        let r = &w[1..];
        let q = &r[1..];
        sumsq(q) * x * self.b + r[0] * head2(&q[1..])
    }
}

#[differentiable]
fn holders(h: &[Holder]) -> f64 {
    let sub = &h[1..];
    let a = &sub[0];
    let b = &sub[1];
    let aw = &a.w;
    a.b * b.b + sumsq(&aw[1..]) * b.b + h[0].b
}

#[differentiable]
fn dvectors(xs: &[DVector<f64>]) -> f64 {
    let sub = &xs[1..3];
    let a = &sub[0];
    let b = &sub[1];
    a.dot(b) + xs[0].norm_squared() * b.norm()
}

#[differentiable]
fn options_of_range(p: &[f64]) -> f64 {
    let r = &p[1..];
    let f = r.first().copied();
    let l = r.last().copied();
    let g = r.get(2).copied();
    let mut s = 0.0;
    if let Some(a) = f {
        s += a * a;
    }
    if let Some(b) = l {
        s += b.sin();
    }
    match g {
        Some(c) => s += c * 3.0,
        None => {}
    }
    s
}

#[differentiable]
fn zips(p: &[f64]) -> f64 {
    let a = &p[..3];
    let b = &p[2..5];
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b.iter()) {
        s += x * y;
    }
    for x in b.iter().skip(1).rev() {
        s += x.exp();
    }
    for (i, x) in a.iter().enumerate().take(2) {
        s += (i as f64 + 1.0) * x;
    }
    s
}

#[differentiable]
fn dvector_from_range(p: &[f64]) -> f64 {
    let v = DVector::from_column_slice(&p[1..4]);
    v.norm_squared() * p[0]
}

#[test]
fn borrows_of_borrows_against_fd() {
    let p = input(6);
    check("ref_of_slice", ref_of_slice, &ref_of_slice_grad(&p).1, &p);
    check(
        "ref_of_vec",
        |x| ref_of_vec(&x.to_vec()),
        &ref_of_vec_grad(&p).1,
        &p,
    );
    let x = input(7);
    let h = holder_from(&x);
    let (_, (gh, gx)) = h.chain_grad(0.7);
    check(
        "chain/self",
        |y| holder_from(y).chain(0.7),
        &holder_flat(&gh),
        &x,
    );
    check("chain/x", |y| h.chain(y[0]), &[gx], &[0.7]);
}

#[test]
fn ranges_of_structs_and_vectors_against_fd() {
    let x = input(15);
    let mk = |y: &[f64]| -> Vec<Holder> { y.chunks(5).map(holder_from).collect() };
    let hs = mk(&x);
    let g: Vec<f64> = holders_grad(&hs).1.iter().flat_map(holder_flat).collect();
    check("holders", |y| holders(&mk(y)), &g, &x);
    let x = input(9);
    let mk =
        |y: &[f64]| -> Vec<DVector<f64>> { y.chunks(3).map(DVector::from_column_slice).collect() };
    let xs = mk(&x);
    let g: Vec<f64> = dvectors_grad(&xs)
        .1
        .iter()
        .flat_map(|v| v.iter().copied().collect::<Vec<_>>())
        .collect();
    check("dvectors", |y| dvectors(&mk(y)), &g, &x);
}

#[test]
fn receivers_of_ranges_against_fd() {
    let p = input(6);
    check(
        "options_of_range",
        options_of_range,
        &options_of_range_grad(&p).1,
        &p,
    );
    check("zips", zips, &zips_grad(&p).1, &p);
    check(
        "dvector_from_range",
        dvector_from_range,
        &dvector_from_range_grad(&p).1,
        &p,
    );
}

// ------------------------------------------------------------------------------------------------
// BUG: the reverse sweep recognises a range read by the spelling of the callee's path (any path
// ending in `ops::range_of` with a variable as first argument), so a user's own
// `#[differentiable]` function named `range_of` in a module named `ops` is taken for a plain
// range: for a parameter its forward value is replaced by `range_view` (the VALUE returned by
// `_grad` changes too), and its adjoint is added unscaled at the offset. Before the change
// (companion call through the user's path) both were right.
// ------------------------------------------------------------------------------------------------

mod ops {
    use autodiff::prelude::*;

    /// Not a plain range: the elements doubled.
    #[differentiable]
    pub fn range_of(v: &[f64], a: usize, b: usize) -> Vec<f64> {
        let mut out = Vec::new();
        for i in a..b {
            out.push(v[i] * 2.0);
        }
        out
    }
}

#[differentiable]
fn user_ops_param(p: &[f64]) -> f64 {
    let y = ops::range_of(p, 1, 3);
    sumsq(&y)
}

#[differentiable]
fn user_ops_local(p: &[f64]) -> f64 {
    let v = p.to_vec();
    let y = ops::range_of(&v, 1, 3);
    sumsq(&y)
}

/// p = [0.3, 0.5, -0.7, 0.2]: value 2.96, gradient [0, 4, -5.6, 0]. With the change
/// `user_ops_param_grad` returns the value 0.74 and the gradient [0, 1, -1.4, 0];
/// `user_ops_local_grad` the right value and the gradient [0, 2, -2.8, 0].
#[test]
fn a_users_own_ops_range_of_is_not_a_range_read() {
    let p = vec![0.3, 0.5, -0.7, 0.2];
    let (v, g) = user_ops_param_grad(&p);
    assert!((v - user_ops_param(&p)).abs() < 1e-12, "value {v}");
    check("user_ops_param", user_ops_param, &g, &p);
    let (v, g) = user_ops_local_grad(&p);
    assert!((v - user_ops_local(&p)).abs() < 1e-12, "value {v}");
    check("user_ops_local", user_ops_local, &g, &p);
}

// ------------------------------------------------------------------------------------------------
// A random corpus (written out once from a fixed-seed generator): ranges of the parameter, of a
// range of it and of a local `Vec` interleaved with index writes, `push`, `truncate`, `swap`,
// `reverse`, `insert` and loops.
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

#[differentiable]
fn gen0(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += p[2] * sumsq(&r[3..=3]);
    s = s.tanh();
    v.swap(2, 5);
    s = s.tanh();
    s += 0.3 * wsum(&v[0..=7]);
    s = s.tanh();
    s += 0.5 * sumsq(&r[1..3]);
    s = s.tanh();
    s += -0.2 * head2(&p[..6]);
    s = s.tanh();
    v[4] = (s * 0.7).sin() + v[2] * p[4];
    s = s.tanh();
    v[7] = (s * 0.7).sin() + v[1] * p[7];
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 3]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen1(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += 0.5 * head2(&r[..]);
    s = s.tanh();
    v.truncate(4);
    s = s.tanh();
    v[3] = (s * 0.7).sin() + v[3] * p[7];
    s = s.tanh();
    v[3] = (s * 0.7).sin() + v[0] * p[5];
    s = s.tanh();
    s += -0.2 * sumsq(&p[7..8]);
    s = s.tanh();
    s += 0.5 * wsum(&v[3..=3]);
    s = s.tanh();
    s += p[2] * head2(&r[..]);
    s = s.tanh();
    v.reverse();
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen2(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v.reverse();
    s = s.tanh();
    v[7] = (s * 0.7).sin() + v[7] * p[3];
    s = s.tanh();
    s += 0.5 * sumsq(&r[..]);
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 2]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    v.truncate(6);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen3(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += -0.2 * sumsq(&v[..8]);
    s = s.tanh();
    v.swap(4, 0);
    s = s.tanh();
    s += s * head2(&p[5..8]);
    s = s.tanh();
    s += 0.5 * head2(&p[3..]);
    s = s.tanh();
    s += 0.5 * sumsq(&r[3..=6]);
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 3]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s += 0.5 * wsum(&p[5..=5]);
    s = s.tanh();
    v[3] = (s * 0.7).sin() + v[4] * p[2];
    s = s.tanh();
    v.truncate(3);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen4(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += 0.3 * wsum(&p[4..]);
    s = s.tanh();
    s += 0.5 * wsum(&v[3..=7]);
    s = s.tanh();
    v.swap(5, 1);
    s = s.tanh();
    s += p[2] * wsum(&p[..]);
    s = s.tanh();
    s += p[2] * head2(&v[..8]);
    s = s.tanh();
    for t in 0..2 {
        s += sumsq(&v[t..t + 5]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen5(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += -0.2 * head2(&v[..8]);
    s = s.tanh();
    v.reverse();
    s = s.tanh();
    s += p[2] * wsum(&v[7..8]);
    s = s.tanh();
    s += p[2] * head2(&r[5..]);
    s = s.tanh();
    v.push(s.cos() * p[1]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen6(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    for t in 0..1 {
        s += sumsq(&v[t..t + 5]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    v[2] = (s * 0.7).sin() + v[3] * p[0];
    s = s.tanh();
    v.push(s.cos() * p[3]);
    s = s.tanh();
    v.push(s.cos() * p[5]);
    s = s.tanh();
    s += 0.3 * head2(&r[..]);
    s = s.tanh();
    s += 0.5 * wsum(&p[..]);
    s = s.tanh();
    s += 0.5 * head2(&p[..]);
    s = s.tanh();
    v[7] = (s * 0.7).sin() + v[5] * p[2];
    s = s.tanh();
    for t in 0..3 {
        s += sumsq(&v[t..t + 4]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen7(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += 0.5 * wsum(&v[7..]);
    s = s.tanh();
    s += -0.2 * sumsq(&v[7..=7]);
    s = s.tanh();
    s += 0.3 * wsum(&p[2..5]);
    s = s.tanh();
    v.push(s.cos() * p[5]);
    s = s.tanh();
    v.truncate(8);
    s = s.tanh();
    s += s * head2(&r[3..=5]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen8(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v.reverse();
    s = s.tanh();
    v[2] = (s * 0.7).sin() + v[3] * p[4];
    s = s.tanh();
    s += 0.3 * sumsq(&v[..]);
    s = s.tanh();
    s += 0.3 * sumsq(&r[..]);
    s = s.tanh();
    v[5] = (s * 0.7).sin() + v[1] * p[1];
    s = s.tanh();
    s += p[2] * head2(&v[..]);
    s = s.tanh();
    v[6] = (s * 0.7).sin() + v[6] * p[3];
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen9(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    for t in 0..3 {
        s += sumsq(&v[t..t + 3]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s += 0.5 * wsum(&v[..5]);
    s = s.tanh();
    s += s * sumsq(&p[0..5]);
    s = s.tanh();
    s += 0.5 * head2(&v[6..8]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen10(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v.truncate(3);
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 1]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 2]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    v[0] = (s * 0.7).sin() + v[2] * p[3];
    s = s.tanh();
    v.swap(0, 2);
    s = s.tanh();
    v.swap(1, 0);
    s = s.tanh();
    s += s * sumsq(&r[4..]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen11(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v.truncate(4);
    s = s.tanh();
    v[1] = (s * 0.7).sin() + v[2] * p[1];
    s = s.tanh();
    s += 0.5 * head2(&v[..]);
    s = s.tanh();
    s += 0.3 * wsum(&r[..]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen12(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v.swap(5, 2);
    s = s.tanh();
    for t in 0..1 {
        s += sumsq(&v[t..t + 6]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s += s * head2(&r[2..=5]);
    s = s.tanh();
    s += 0.3 * head2(&r[..]);
    s = s.tanh();
    s += -0.2 * head2(&p[..3]);
    s = s.tanh();
    v[1] = (s * 0.7).sin() + v[3] * p[3];
    s = s.tanh();
    v.swap(7, 1);
    s = s.tanh();
    for t in 0..2 {
        s += sumsq(&v[t..t + 3]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen13(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    s += 0.3 * head2(&p[7..]);
    s = s.tanh();
    s += p[2] * sumsq(&v[..]);
    s = s.tanh();
    s += s * sumsq(&r[..4]);
    s = s.tanh();
    s += -0.2 * sumsq(&p[5..=6]);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen14(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    v[2] = (s * 0.7).sin() + v[4] * p[1];
    s = s.tanh();
    v.truncate(7);
    s = s.tanh();
    s += p[2] * sumsq(&p[4..]);
    s = s.tanh();
    s += 0.3 * head2(&p[7..=7]);
    s = s.tanh();
    s += p[2] * sumsq(&v[..]);
    s = s.tanh();
    s += s * wsum(&p[4..]);
    s = s.tanh();
    v.truncate(6);
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

#[differentiable]
fn gen15(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let r = &p[1..];
    let mut s = 0.0;
    for t in 0..3 {
        s += sumsq(&v[t..t + 2]) * 0.2 + dot2(&r[t..], &v[t + 1..]);
        v[t] = v[t] * 0.9 + s.sin() * 0.1;
    }
    s = s.tanh();
    s += s * sumsq(&v[..8]);
    s = s.tanh();
    v.swap(4, 2);
    s = s.tanh();
    v.swap(2, 5);
    s = s.tanh();
    v.reverse();
    s = s.tanh();
    s + sumsq(&v[..]) * 0.1
}

const GENERATED: &[(&str, fn(&[f64]) -> f64, fn(&[f64]) -> (f64, Vec<f64>))] = &[
    ("gen0", gen0, gen0_grad),
    ("gen1", gen1, gen1_grad),
    ("gen2", gen2, gen2_grad),
    ("gen3", gen3, gen3_grad),
    ("gen4", gen4, gen4_grad),
    ("gen5", gen5, gen5_grad),
    ("gen6", gen6, gen6_grad),
    ("gen7", gen7, gen7_grad),
    ("gen8", gen8, gen8_grad),
    ("gen9", gen9, gen9_grad),
    ("gen10", gen10, gen10_grad),
    ("gen11", gen11, gen11_grad),
    ("gen12", gen12, gen12_grad),
    ("gen13", gen13, gen13_grad),
    ("gen14", gen14, gen14_grad),
    ("gen15", gen15, gen15_grad),
];

#[test]
fn random_corpus_against_fd() {
    for (k, x) in [input(8), input(11)[3..].to_vec()].iter().enumerate() {
        for (name, f, grad) in GENERATED {
            let (v, g) = grad(x);
            assert!((v - f(x)).abs() < 1e-12, "{name}/{k}: value");
            check(name, f, &g, x);
        }
    }
}

#[differentiable(wrt(q))]
fn wrt_q(p: &[f64], q: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    loop {
        if k + 3 > q.len() {
            break;
        }
        k += 1;
        if k == 2 {
            continue;
        }
        s += dot3(&p[k - 1..], &q[k - 1..k + 2]) + sumsq(&q[..k]) * p[k];
    }
    s
}

#[test]
fn wrt_and_loop_with_continue_against_fd() {
    let p = input(7);
    let q: Vec<f64> = input(12)[5..].to_vec();
    let g = wrt_q_grad(&p, &q).1;
    check("wrt_q", |x| wrt_q(&p, x), &g, &q);
}
