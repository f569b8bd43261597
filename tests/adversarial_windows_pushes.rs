//! Adversarial checks of two forms: range arguments of `#[differentiable]` helpers lent their
//! base's adjoint as cell windows (`RangeSlot`, `LentElems`), and pushes into an empty `Vec`
//! taken at the loop index (`lower/push_index.rs`). Every gradient is compared against central
//! differences in `f64` (second order against central differences of the gradient, `f32`
//! against `f64`). The three `a_range_of_a_*_rebound_before_the_call*` tests cover a range
//! whose base variable is rebound between the range and the call: its cotangent goes through
//! the range's own adjoint, not into the base's adjoint at the call.

// The functions are written the way the forms under test are spelled.
#![allow(
    unused_mut,
    unused_assignments,
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::vec_init_then_push,
    clippy::redundant_slicing,
    clippy::ptr_arg,
    clippy::identity_op,
    clippy::erasing_op,
    clippy::unnecessary_to_owned,
    clippy::let_and_return,
    clippy::needless_late_init
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check_hvp, check_value_grad, flat, rows_of, sines, split};

/// `w Σ_j (j + 1) v_j²`: each element weighed differently, so an adjoint at the wrong element
/// shows.
#[differentiable(order = 2)]
fn weigh(v: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * v[j] * (j as f64 + 1.0);
    }
    w * s
}

/// `Σ_k a_k b_k (1 + k/10)`.
#[differentiable(order = 2)]
fn wdot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * b[k] * (1.0 + 0.1 * k as f64);
    }
    s
}

/// [`check_value_grad`] of a function of one slice and its `_grad` at `x`.
macro_rules! chk {
    ($f:ident, $g:ident, $x:expr) => {
        check_value_grad(stringify!($f), $f, $g(&$x), &$x)
    };
}

// Pushes at the loop index

/// A labeled `continue` from a nested loop skips the push.
#[differentiable]
fn p_labeled_continue(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    'o: for i in 0..x.len() {
        for k in 0..2 {
            if x[i] * (k as f64 + 1.0) < -0.6 {
                continue 'o;
            }
        }
        v.push(x[i] * x[i] + 0.3);
        let last = v[v.len() - 1];
        s += last * (i as f64 + 1.0);
    }
    s + weigh(&v, 1.0)
}

/// The loop variable shadowed before the push; the read uses the shadow.
#[differentiable]
fn p_shadowed_index(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        let j = i;
        let i = j / 2;
        v.push(x[j] * x[i] + 0.1);
        s += v[i] * (j as f64 + 1.0);
    }
    s + weigh(&v, 1.0)
}

/// A `Vec` shadowed by another of the same name; the second pushed in a loop of its own.
#[differentiable]
fn p_shadowed_vec(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i] * 2.0);
    }
    let a = weigh(&v, 1.0);
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i].cos());
        v[i] = v[i] * x[i];
    }
    a + weigh(&v, 3.0)
}

/// The push inside a nested block, and a push whose value reads the previous element.
#[differentiable]
fn p_block_and_prev(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        {
            v.push(x[i] * 1.5);
        }
    }
    let mut w = Vec::new();
    for i in 0..x.len() {
        let prev = if i > 0 { w[i - 1] } else { 1.0 };
        w.push(prev * x[i] + 0.5);
    }
    weigh(&v, 1.0) + weigh(&w, 2.0)
}

/// Two `Vec`s pushed in one loop, the second from the first.
#[differentiable]
fn p_two_vecs(x: &[f64]) -> f64 {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        a.push(x[i] * x[i]);
        b.push(a[i] * x[i] + 0.25);
        s += a[i] * b[i];
    }
    s + weigh(&a, 1.0) + weigh(&b, 2.0)
}

/// The pushing loop inside another loop, its `Vec` made in the outer body.
#[differentiable]
fn p_nested(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for r in 0..3 {
        let mut v = Vec::new();
        for i in 0..x.len() {
            v.push(x[i] * (r as f64 + 1.0) + 0.1);
            s += v[i] * v[i] * (i as f64 + 1.0);
        }
        s += v[x.len() - 1] * (r as f64 + 2.0) + weigh(&v, 0.1);
    }
    s
}

/// The pushing loop inside another loop, with a `break` before the push.
#[differentiable]
fn p_nested_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for r in 0..3 {
        let mut v = Vec::new();
        for i in 0..x.len() {
            if x[i] * (r as f64 + 1.0) > 1.2 {
                break;
            }
            v.push(x[i] * (r as f64 + 0.5));
            s += v[i] * v[i];
        }
        s += weigh(&v, 1.0 + r as f64);
    }
    s
}

/// More pushes after the loop; the extra element read.
#[differentiable]
fn p_push_after(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = Vec::new();
    let mut t = 0.0;
    for i in 0..n {
        v.push(x[i] * x[i]);
        t += v[i];
    }
    v.push(t);
    v.push(t * x[0]);
    v[n] * v[0] + v[n + 1] + weigh(&v, 1.0)
}

/// Rows pushed at the index and read back.
#[differentiable]
fn p_rows(x: &[f64]) -> f64 {
    let mut rows = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        rows.push(vec![x[i], x[i] * x[i]]);
        s += rows[i][1] * rows[i][0] + rows[i / 2][0];
    }
    s
}

/// The scan over `T` with reads of earlier elements.
#[differentiable]
fn p_generic<T: Real>(x: &[T]) -> T {
    let mut v = Vec::new();
    let mut s = T::zero();
    for i in 0..x.len() {
        let prev = if i > 0 { v[i - 1] } else { T::one() };
        v.push(prev * x[i] + T::from_f64(0.1));
        s = s + v[i] * v[i / 2];
    }
    s
}

/// Second order through a push at the index read back in the same trip.
#[differentiable(order = 2)]
fn p_order2(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        let prev = if i > 0 { v[i - 1] } else { 1.0 };
        v.push(prev * x[i] + 0.2);
        s += v[i] * v[i] * x[i];
    }
    s + weigh(&v, 0.5)
}

#[test]
fn pushes_at_the_index_against_central_differences() {
    let x = sines(9, 0.9);
    chk!(p_labeled_continue, p_labeled_continue_grad, x);
    chk!(p_shadowed_index, p_shadowed_index_grad, x);
    chk!(p_shadowed_vec, p_shadowed_vec_grad, x);
    chk!(p_block_and_prev, p_block_and_prev_grad, x);
    chk!(p_two_vecs, p_two_vecs_grad, x);
    chk!(p_nested, p_nested_grad, x);
    chk!(p_nested_break, p_nested_break_grad, x);
    chk!(p_push_after, p_push_after_grad, x);
    chk!(p_rows, p_rows_grad, x);
}

#[test]
fn pushes_at_the_index_generic_and_second_order() {
    let x: Vec<f64> = sines(8, 0.3).iter().map(|v| v + 0.8).collect();
    let (y, g) = p_generic_grad(&x);
    check_value_grad("p_generic", p_generic::<f64>, (y, g.clone()), &x);
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (y32, g32) = p_generic_grad(&x32);
    assert!((f64::from(y32) - y).abs() < 1e-4 * (1.0 + y.abs()));
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-3 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
    let v = sines(x.len(), 0.5);
    let (_, _, h) = p_order2_hvp(&x, v.clone());
    let grad = |z: &[f64]| p_order2_grad(z).1;
    chk!(p_order2, p_order2_grad, x);
    check_hvp("p_order2", grad, &h, &x, &v);
}

// Range windows

/// A range of `p` and a range of a copy of `p` in one call.
#[differentiable]
fn r_alias(p: &[f64]) -> f64 {
    let q = p;
    wdot(&p[0..3], &q[1..4]) + wdot(&q[2..4], &p[3..5]).cos()
}

/// A range of a range beside a range of its base.
#[differentiable]
fn r_range_of_range(p: &[f64]) -> f64 {
    let q = &p[1..];
    wdot(&q[0..3], &p[2..5]) + wdot(&q[3..5], &q[2..4]).sin()
}

/// The same range twice in one call.
#[differentiable]
fn r_same_twice(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 2 {
        s += wdot(&p[i..i + 3], &p[i..i + 3]).sqrt() * (i as f64 + 1.0);
    }
    s + wdot(&p[0..3], &p[0..3])
}

/// A range read again after the call, and a range bound to a name first.
#[differentiable]
fn r_used_after(p: &[f64]) -> f64 {
    let r = &p[1..4];
    let a = wdot(r, &p[2..5]);
    let b = wdot(&p[0..2], &p[3..5]);
    a * r[0] + b * r[2] + r[1]
}

/// A helper that reads its slice and passes a range of it on, called with a range.
#[differentiable(order = 2)]
fn mid(a: &[f64], c: f64) -> f64 {
    let mut s = a[0] * c;
    for i in 0..a.len() - 2 {
        if a[i] > 0.0 {
            s += wdot(&a[i..i + 2], &a[i + 1..i + 3]);
        } else {
            s -= weigh(&a[i + 1..], c) * 0.1;
        }
    }
    s + wdot(&a[..2], a)
}

/// Ranges of a parameter into `mid`, which passes ranges of its window on.
#[differentiable(order = 2)]
fn r_chain(p: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 4 {
        s += mid(&p[i..i + 5], c * p[i]).tanh();
    }
    s + mid(&p[2..], c)
}

/// Ranges inside rows (`&w[i][..]` is refused: the rows bound first), two rows in one call.
#[differentiable]
fn r_rows(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let wi = &w[i];
        for j in 0..w.len() {
            let wj = &w[j];
            s += wdot(&wi[0..2], &wj[1..3]).sin();
        }
    }
    s
}

/// Second order: two and overlapping ranges of one base.
#[differentiable(order = 2)]
fn r_order2(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += wdot(&p[i..i + 2], &p[i + 1..i + 3]).sin();
        s += weigh(&p[i + 1..i + 4], p[i]);
    }
    s
}

#[test]
fn range_windows_against_central_differences() {
    let p = sines(8, 0.7);
    chk!(r_alias, r_alias_grad, p);
    chk!(r_range_of_range, r_range_of_range_grad, p);
    let pp: Vec<f64> = p.iter().map(|v| v.abs() + 0.2).collect();
    chk!(r_same_twice, r_same_twice_grad, pp);
    chk!(r_used_after, r_used_after_grad, p);
}

#[test]
fn range_windows_through_helpers_rows_generic_and_second_order() {
    let p = sines(9, 0.7);
    let c = 0.8;
    let n = p.len();
    let (y, (gp, gc)) = r_chain_grad(&p, c);
    let f = |x: &[f64]| r_chain(&x[..n], x[n]);
    let mut whole = p.clone();
    whole.push(c);
    let mut g = gp.clone();
    g.push(gc);
    check_value_grad("r_chain", f, (y, g), &whole);
    let v = sines(n + 1, 0.5);
    let (vp, vc) = split(&v, n);
    let (_, _, (hp, hc)) = r_chain_hvp(&p, c, vp, vc[0]);
    let grad = |x: &[f64]| {
        let (_, (a, b)) = r_chain_grad(&x[..n], x[n]);
        let mut a = a;
        a.push(b);
        a
    };
    let mut h = hp;
    h.push(hc);
    check_hvp("r_chain", grad, &h, &whole, &v);

    let wf = sines(12, 0.5);
    let w = rows_of(&wf, 3);
    let (y, gw) = r_rows_grad(&w);
    check_value_grad("r_rows", |x| r_rows(&rows_of(x, 3)), (y, flat(&gw)), &wf);

    let (_, _, h) = r_order2_hvp(&p, v[..n].to_vec());
    chk!(r_order2, r_order2_grad, p);
    check_hvp("r_order2", |x| r_order2_grad(x).1, &h, &p, &v[..n]);
}

// Element types, helpers reading their window in other ways, nested pushes

#[derive(Differentiable, Clone, Copy, Debug, PartialEq)]
struct Q2 {
    a: f64,
    b: f64,
}

/// Struct elements read by index.
#[differentiable]
fn qsum(qs: &[Q2]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let q = qs[i];
        s += q.a * q.b * (i as f64 + 1.0) + q.a * q.a;
    }
    s
}

/// Ranges of a slice of structs, two per call.
#[differentiable]
fn r_structs(qs: &[Q2]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() - 2 {
        s += qsum(&qs[i..i + 2]) * qsum(&qs[i + 1..i + 3]);
    }
    s
}

/// A helper reading its slice by iterators, a container loop, a copy and a range of itself.
#[differentiable]
fn readers(a: &[f64], b: &[f64]) -> f64 {
    let mut s: f64 = a.iter().sum();
    for e in b.iter() {
        s += e * e;
    }
    for (k, e) in a.iter().enumerate() {
        s += e * b[k];
    }
    let c = a.to_vec();
    let d = &b[1..];
    s * c[0] + d[0] * c[c.len() - 1]
}

/// `readers` with two overlapping ranges of one base, and the base whole beside a range.
#[differentiable]
fn r_readers(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += readers(&p[i..i + 3], &p[i + 1..i + 4]).tanh();
    }
    s + readers(&p[..3], p) * 0.1
}

/// A helper returning a `Vec`, called with ranges.
#[differentiable]
fn scaled(a: &[f64], c: f64) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 0..a.len() {
        out.push(a[k] * c + a[0]);
    }
    out
}

#[differentiable]
fn r_vec_out(p: &[f64]) -> f64 {
    let y = scaled(&p[1..4], p[0]);
    let z = scaled(&p[2..5], 2.0);
    y[0] * z[2] + y[2] * y[1] + wdot(&y, &z)
}

/// A row whole and a range of the rows in one call.
#[differentiable]
fn row_and_rows(rows: &[Vec<f64>], r: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..rows.len() {
        s += rows[i][0] * r[i] + rows[i][1];
    }
    s * s
}

#[differentiable]
fn r_row_beside(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() - 1 {
        s += row_and_rows(&w[i..i + 2], &w[i + 1]);
    }
    s
}

/// Rows pushed at the outer index, each from an inner loop pushing at its own index.
#[differentiable(order = 2)]
fn p_rows_of_pushes(x: &[f64]) -> f64 {
    let mut all = Vec::new();
    let mut s = 0.0;
    for r in 0..3 {
        let mut v = Vec::new();
        for i in 0..x.len() {
            v.push(x[i] * (r as f64 + 1.0) + 0.1);
            s += v[i] * v[i];
        }
        all.push(v);
        s += all[r][0] * all[r][x.len() - 1];
    }
    for r in 0..all.len() {
        for i in 0..all[r].len() {
            s += all[r][i] * (r as f64 + i as f64 + 1.0);
        }
    }
    s
}

/// Reads of every earlier element in a nested loop of the pushing trip.
#[differentiable]
fn p_inner_reads(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut t = x[i];
        for k in 0..i {
            t += 0.1 * v[k] * x[k];
        }
        v.push(t);
        for k in 0..=i {
            s += v[k] * v[i] * 0.1;
        }
    }
    s
}

#[test]
fn element_types_helper_readers_and_nested_pushes() {
    let x = sines(9, 0.9);
    let qs: Vec<Q2> = x
        .chunks(2)
        .take(4)
        .map(|c| Q2 { a: c[0], b: c[1] })
        .collect();
    let (y, gq) = r_structs_grad(&qs);
    let f = |z: &[f64]| {
        r_structs(
            &z.chunks(2)
                .map(|c| Q2 { a: c[0], b: c[1] })
                .collect::<Vec<_>>(),
        )
    };
    let z: Vec<f64> = qs.iter().flat_map(|q| [q.a, q.b]).collect();
    let g: Vec<f64> = gq.iter().flat_map(|q| [q.a, q.b]).collect();
    check_value_grad("r_structs", f, (y, g), &z);

    chk!(r_readers, r_readers_grad, x);
    chk!(r_vec_out, r_vec_out_grad, x);
    let wf = sines(12, 0.5);
    let (y, gw) = r_row_beside_grad(&rows_of(&wf, 3));
    check_value_grad(
        "r_row_beside",
        |z| r_row_beside(&rows_of(z, 3)),
        (y, flat(&gw)),
        &wf,
    );

    chk!(p_rows_of_pushes, p_rows_of_pushes_grad, x);
    let v = sines(x.len(), 0.5);
    let (_, _, h) = p_rows_of_pushes_hvp(&x, v.clone());
    check_hvp(
        "p_rows_of_pushes",
        |z| p_rows_of_pushes_grad(z).1,
        &h,
        &x,
        &v,
    );
    chk!(p_inner_reads, p_inner_reads_grad, x);
}

// Exits of nested pushing loops, windows over pushed locals, both features at once

/// `continue 'o` and `break 'o` out of an inner pushing loop; a `return` deep inside.
#[differentiable]
fn p_outer_exits(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'o: for r in 0..4 {
        let mut v = Vec::new();
        for i in 0..x.len() {
            if x[i] * (r as f64 + 1.0) > 1.5 {
                continue 'o;
            }
            if x[i] * (r as f64 + 1.0) < -2.6 {
                break 'o;
            }
            v.push(x[i] * (r as f64 + 0.5) + 0.3);
            s += v[i] * v[i] * (i as f64 + 1.0);
        }
        s += v[v.len() - 1] * 3.0;
    }
    s
}

/// An inner loop reading the pushed local at `k - 1` and `k` (a window of registers over a
/// buffer fitted by the pushing loop), and writing earlier elements.
#[differentiable(order = 2)]
fn p_inner_stencil(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..x.len() {
        v.push(x[i] * 0.5 + 0.2);
        for k in 1..i + 1 {
            s += v[k - 1] * v[k] * x[k];
        }
        for k in 0..i {
            v[k] = v[k] * 0.9 + v[k + 1] * 0.05;
        }
    }
    s + weigh(&v, 0.3)
}

/// A helper with a pushing scan, called with overlapping ranges of one base.
#[differentiable(order = 2)]
fn cum(a: &[f64], b: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut s = 0.0;
    for i in 0..a.len() {
        let prev = if i > 0 { v[i - 1] } else { 0.5 };
        v.push(prev * a[i] + b[i]);
        s += v[i] * v[i];
    }
    s
}

#[differentiable(order = 2)]
fn both(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        s += cum(&p[i..i + 3], &p[i + 1..i + 4]);
    }
    let mut v = Vec::new();
    for i in 0..p.len() {
        v.push(p[i] * p[i] + 0.1);
    }
    for i in 0..v.len() - 2 {
        s += cum(&v[i..i + 2], &p[i + 1..i + 3]) * 0.5;
        s += wdot(&v[i..i + 2], &v[i + 1..i + 3]);
    }
    s
}

#[test]
fn nested_exits_stencils_over_pushes_and_both_forms() {
    let x = sines(9, 0.9);
    chk!(p_outer_exits, p_outer_exits_grad, x);
    chk!(p_inner_stencil, p_inner_stencil_grad, x);
    let v = sines(x.len(), 0.5);
    let (_, _, h) = p_inner_stencil_hvp(&x, v.clone());
    check_hvp("p_inner_stencil", |z| p_inner_stencil_grad(z).1, &h, &x, &v);
    chk!(both, both_grad, x);
    let (_, _, h) = both_hvp(&x, v.clone());
    check_hvp("both", |z| both_grad(z).1, &h, &x, &v);
    chk!(r_chosen, r_chosen_grad, x);
    let m: Vec<f64> = x.iter().map(|v| -v).collect();
    check_value_grad("r_chosen (other arms)", r_chosen, r_chosen_grad(&m), &m);
}

/// A range chosen by a branch, then passed.
#[differentiable]
fn r_chosen(p: &[f64]) -> f64 {
    let r;
    if p[0] > 0.0 {
        r = &p[0..2];
    } else {
        r = &p[1..3];
    }
    let q = if p[1] > 0.0 { &p[3..5] } else { &p[2..4] };
    wdot(r, q) + wdot(r, &p[4..6])
}

// A range's base rebound between the range and the call (fails: the range's cotangent is
// lent or added at the range's start into the base's adjoint as it is at the call, which is
// the adjoint of the base's new value)

/// A range of `q`, then `q` rebound to another range of `p`, then the call.
#[differentiable]
fn r_base_rebound(p: &[f64]) -> f64 {
    let mut q = &p[0..4];
    let r = &q[1..3];
    q = &p[2..6];
    wdot(r, &q[0..2])
}

/// The same in a loop: the range taken before the rebinding on every trip.
#[differentiable]
fn r_base_rebound_loop(p: &[f64]) -> f64 {
    let mut q = &p[0..3];
    let mut s = 0.0;
    for i in 0..p.len() - 3 {
        let r = &q[0..2];
        q = &p[i + 1..i + 4];
        s += wdot(r, &q[1..3]).sin();
    }
    s
}

#[test]
fn a_range_of_a_base_rebound_before_the_call() {
    let p = sines(8, 0.7);
    // r_base_rebound = wdot(p[1..3], p[2..4]) = 1.0 p1 p2 + 1.1 p2 p3, so
    // d/dp1 = p2, d/dp2 = p1 + 1.1 p3, d/dp3 = 1.1 p2
    let (y, g) = r_base_rebound_grad(&p);
    let want = [0.0, p[2], p[1] + 1.1 * p[3], 1.1 * p[2], 0.0, 0.0, 0.0, 0.0];
    let off = (0..8).map(|k| (g[k] - want[k]).abs()).fold(0.0, f64::max);
    assert!(off < 1e-12, "r_base_rebound: gradient {g:?}, want {want:?}");
    check_value_grad("r_base_rebound", r_base_rebound, (y, g), &p);
}

#[test]
fn a_range_of_a_base_rebound_before_the_call_in_a_loop() {
    let p = sines(8, 0.7);
    chk!(r_base_rebound_loop, r_base_rebound_loop_grad, p);
}

/// A `mut` slice parameter: a range taken, the parameter rebound, a range of the new one.
#[differentiable]
fn r_param_rebound(mut p: &[f64]) -> f64 {
    let r = &p[0..2];
    p = &p[1..];
    wdot(r, &p[0..2])
}

#[test]
fn a_range_of_a_mut_parameter_rebound_before_the_call() {
    let p = sines(8, 0.7);
    // r_param_rebound = wdot(p[0..2], p[1..3]) = p0 p1 + 1.1 p1 p2
    let (y, g) = r_param_rebound_grad(&p);
    let want = [p[1], p[0] + 1.1 * p[2], 1.1 * p[1]];
    for k in 0..3 {
        assert!(
            (g[k] - want[k]).abs() < 1e-12,
            "r_param_rebound: g {g:?}, want {want:?}"
        );
    }
    check_value_grad("r_param_rebound", r_param_rebound, (y, g), &p);
}

// Helpers that rebind their slice parameter to ranges of itself; returned pushes

/// The parameter rebound as a local and shrunk.
#[differentiable]
fn shrink(a: &[f64]) -> f64 {
    let mut a = a;
    let mut s = 0.0;
    while a.len() > 1 {
        s += a[0] * a[1];
        a = &a[1..];
    }
    s + a[0]
}

#[differentiable]
fn r_shrinking(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() - 4 {
        s += shrink(&p[i..i + 4]) * shrink(&p[i + 1..i + 3]);
    }
    s
}

#[test]
fn helpers_rebinding_their_windows() {
    let p = sines(9, 0.7);
    chk!(r_shrinking, r_shrinking_grad, p);
}

/// A prefix sum pushed at the index and returned, called with ranges; only some of its
/// elements reach the result.
#[differentiable]
fn prefix(a: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 0..a.len() {
        let prev = if k > 0 { out[k - 1] } else { 0.0 };
        out.push(prev + a[k] * a[k]);
    }
    out
}

#[differentiable]
fn r_prefix(p: &[f64]) -> f64 {
    let y = prefix(&p[1..5]);
    let mut s = y[0] * y[2];
    for i in 0..p.len() - 3 {
        let z = prefix(&p[i..i + 3]);
        s += z[1] * p[i];
    }
    s + wdot(&y, &p[0..4])
}

#[test]
fn returned_pushes_called_with_ranges() {
    let p = sines(8, 0.7);
    chk!(r_prefix, r_prefix_grad, p);
}
