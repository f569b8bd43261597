//! Two facts the reverse sweep uses about local containers, each checked against central
//! differences in `f64`:
//!
//! * A table that nothing changes any more is read again in the reverse sweep from one copy of
//!   it (`reverse/frozen.rs`). The local itself is kept once the last statement that names it
//!   is done (the reading loop, or a later statement that only reads it) instead of being
//!   copied. The copy stays when the table is borrowed into a variable, or when a `return` may
//!   leave before that statement is done.
//! * Elements of a local made as a container of floats (`vec![0.0; n]`, `vec![p; n]`,
//!   `vec![a, b]`, `x.to_vec()`, a clone, move or borrow of one, a `Vec` grown by pushing
//!   floats) are floats, so their adjoints are plain slots (`reverse/plain.rs`).

// The functions are written the way the forms under test are spelled.
#![allow(
    clippy::needless_range_loop,
    clippy::vec_init_then_push,
    clippy::useless_vec
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, join, sines, split, to32};

/// A table filled by one loop and read by the next, which names it last.
#[differentiable(order = 2)]
fn table_read_last(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; w.len()];
    for k in 0..w.len() {
        t[k] = w[k].exp();
    }
    let mut s = 0.0;
    for p in 0..x.len() {
        for k in 0..w.len() {
            s += t[k] * x[p] * x[p] * w[k];
        }
    }
    s
}

/// The same table read again after the reading loop.
#[differentiable(order = 2)]
fn table_named_after(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; w.len()];
    for k in 0..w.len() {
        t[k] = w[k].exp();
    }
    let mut s = 0.0;
    for p in 0..x.len() {
        s += t[p % w.len()] * x[p];
    }
    s * t[0] + t[w.len() - 1]
}

/// A cumulative product kept in a `Vec` (read behind its writes), summed by a second loop and
/// read again in a branch after it: the `Vec` is kept after that branch.
#[differentiable(order = 2)]
fn cumprod_read_later(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    c[0] = x[0];
    for i in 1..n {
        c[i] = c[i - 1] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * x[n - 1 - i];
    }
    let last = if s > 0.0 { c[n - 1] } else { c[0] * c[1] };
    s * last + c[n / 2]
}

/// A table read by two later loops, the second reading elements the first did not.
#[differentiable]
fn table_two_readers(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; w.len() + 1];
    for k in 0..w.len() {
        t[k + 1] = (w[k] * 0.7).cos() + t[k];
    }
    let mut a = 0.0;
    for p in 0..x.len() {
        a += t[p % w.len()] * x[p];
    }
    let mut b = 1.0;
    for k in 1..t.len() {
        b *= 1.0 + 0.1 * t[k] * a;
    }
    a + b
}

/// The table borrowed before the reading loop, the borrow read after it.
#[differentiable]
fn table_borrowed(w: &[f64], x: &[f64]) -> f64 {
    let mut t = vec![0.0; w.len()];
    for k in 0..w.len() {
        t[k] = (w[k] * 0.5).sin();
    }
    let r = &t;
    let mut s = 0.0;
    for p in 0..x.len() {
        s += t[p % w.len()] * x[p];
    }
    s * r[1]
}

/// A `return` inside the reading loop, taken or not depending on `limit`.
#[differentiable]
fn table_with_return(w: &[f64], x: &[f64], #[no_grad] limit: f64) -> f64 {
    let mut t = vec![0.0; w.len()];
    for k in 0..w.len() {
        t[k] = w[k] * w[k] + 0.5;
    }
    let mut s = 0.0;
    for p in 0..x.len() {
        if s > limit {
            return s * t[0];
        }
        s += t[p % w.len()] * x[p] * x[p];
    }
    s
}

/// A recurrence kept in a `Vec` (`c[i] = c[i - 1] x[i - 1]`) read behind its writes in the loop
/// that writes it, and named nowhere after it.
#[differentiable]
fn recurrence_read_behind(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![1.0; n + 1];
    let mut s = 0.0;
    for i in 1..n + 1 {
        c[i] = c[i - 1] * x[i - 1];
        s += c[i - 1] * c[i - 1] * x[i - 1];
    }
    s
}

fn wx() -> (Vec<f64>, Vec<f64>) {
    (
        sines(5, 0.6),
        sines(7, 0.9).iter().map(|v| v + 0.2).collect(),
    )
}

#[test]
fn a_table_named_last_by_its_reading_loop_is_kept_not_copied() {
    let (w, x) = wx();
    let n = w.len();
    let (y, (gw, gx)) = table_read_last_grad(&w, &x);
    assert!((y - table_read_last(&w, &x)).abs() < 1e-12);
    let f = |p: &[f64]| table_read_last(&p[..n], &p[n..]);
    check(
        "table_read_last",
        f,
        &join(gw, gx),
        &join(w.clone(), x.clone()),
    );
    // the vector-Jacobian product at a cotangent of 2 is twice the gradient
    {
        let (_, pb) = table_read_last_vjp(&w, &x);
        let (vw, vx) = pb(2.0);
        let (gw, gx) = table_read_last_grad(&w, &x).1;
        for (a, b) in join(vw, vx).iter().zip(join(gw, gx)) {
            assert!((a - 2.0 * b).abs() < 1e-12 * (1.0 + b.abs()));
        }
    }
    // second order through the kept table
    let v: Vec<f64> = sines(n + x.len(), 1.0);
    let (vw, vx) = split(&v, n);
    let (_, _, (hw, hx)) = table_read_last_hvp(&w, &x, vw, vx);
    let grad = |p: &[f64]| {
        let (a, b) = table_read_last_grad(&p[..n], &p[n..]).1;
        join(a, b)
    };
    check_hvp("table_read_last", grad, &join(hw, hx), &join(w, x), &v);
}

#[test]
fn a_table_read_after_its_reading_loop_is_kept_after_the_last_read() {
    let (w, x) = wx();
    let n = w.len();
    let (y, (gw, gx)) = table_named_after_grad(&w, &x);
    assert!((y - table_named_after(&w, &x)).abs() < 1e-12);
    let f = |p: &[f64]| table_named_after(&p[..n], &p[n..]);
    let at = join(w.clone(), x.clone());
    check("table_named_after", f, &join(gw, gx), &at);
    let v: Vec<f64> = sines(at.len(), 0.8);
    let (vw, vx) = split(&v, n);
    let (_, _, (hw, hx)) = table_named_after_hvp(&w, &x, vw, vx);
    let grad = |p: &[f64]| {
        let (a, b) = table_named_after_grad(&p[..n], &p[n..]).1;
        join(a, b)
    };
    check_hvp("table_named_after", grad, &join(hw, hx), &at, &v);

    let (y, (gw, gx)) = table_two_readers_grad(&w, &x);
    assert!((y - table_two_readers(&w, &x)).abs() < 1e-12);
    let f = |p: &[f64]| table_two_readers(&p[..n], &p[n..]);
    check("table_two_readers", f, &join(gw, gx), &at);

    // Both arms of the branch after the summing loop (its sign follows the factors').
    for x in [
        sines(8, 0.3).iter().map(|v| v + 0.9).collect::<Vec<f64>>(),
        sines(8, 0.3).iter().map(|v| -v - 0.9).collect(),
    ] {
        let (y, g) = cumprod_read_later_grad(&x);
        assert!((y - cumprod_read_later(&x)).abs() < 1e-12);
        check("cumprod_read_later", cumprod_read_later, &g, &x);
        let (_, pb) = cumprod_read_later_vjp(&x);
        for (a, b) in pb(-1.5).iter().zip(&g) {
            assert!((a + 1.5 * b).abs() < 1e-12 * (1.0 + b.abs()));
        }
        let v = sines(x.len(), 1.1);
        let (_, _, h) = cumprod_read_later_hvp(&x, v.clone());
        let grad = |p: &[f64]| cumprod_read_later_grad(p).1;
        check_hvp("cumprod_read_later", grad, &h, &x, &v);
    }
}

#[test]
fn a_borrowed_table_keeps_its_copy() {
    let (w, x) = wx();
    let n = w.len();
    let (y, (gw, gx)) = table_borrowed_grad(&w, &x);
    assert!((y - table_borrowed(&w, &x)).abs() < 1e-12);
    let f = |p: &[f64]| table_borrowed(&p[..n], &p[n..]);
    check("table_borrowed", f, &join(gw, gx), &join(w, x));
}

#[test]
fn a_return_inside_the_reading_loop_keeps_the_copy_on_both_paths() {
    let (w, x) = wx();
    let n = w.len();
    let full = table_with_return(&w, &x, f64::INFINITY);
    // one limit the loop never passes, and two it passes part way
    for limit in [f64::INFINITY, 0.4 * full, 0.7 * full] {
        let (y, (gw, gx)) = table_with_return_grad(&w, &x, limit);
        assert!((y - table_with_return(&w, &x, limit)).abs() < 1e-12);
        let f = |p: &[f64]| table_with_return(&p[..n], &p[n..], limit);
        let name = format!("table_with_return, limit {limit}");
        check(&name, f, &join(gw, gx), &join(w.clone(), x.clone()));
    }
}

#[test]
fn a_recurrence_read_behind_its_writes_is_kept_after_its_loop() {
    let x: Vec<f64> = sines(9, 0.3).iter().map(|v| v + 0.9).collect();
    let (y, g) = recurrence_read_behind_grad(&x);
    assert!((y - recurrence_read_behind(&x)).abs() < 1e-12);
    check("recurrence_read_behind", recurrence_read_behind, &g, &x);
}

/// Elements of locals made as containers of floats, in every form: a repeat of a parameter, a
/// literal list, a copy of a parameter, a clone, a move, a borrow, and pushes.
#[differentiable]
fn float_containers(x: &[f64], p: f64) -> f64 {
    let n = x.len();
    let filled = vec![p; n];
    let listed = vec![x[0], p, x[1] * p];
    let copied = x.to_vec();
    let cloned = copied.clone();
    let mut pushed = Vec::new();
    for i in 0..n {
        pushed.push(cloned[i] * filled[i] + listed[i % 3]);
    }
    let moved = pushed;
    let r = &moved;
    let mut s = 0.0;
    for i in 0..n {
        let e = r[i] * copied[i] - listed[(i + 1) % 3];
        s += e * e;
    }
    s
}

#[test]
fn elements_of_local_float_containers_have_plain_adjoints() {
    let x: Vec<f64> = sines(6, 0.8);
    let p = 0.7;
    let (y, (gx, gp)) = float_containers_grad(&x, p);
    assert!((y - float_containers(&x, p)).abs() < 1e-12);
    let n = x.len();
    let whole = join(x.clone(), vec![p]);
    let g = join(gx, vec![gp]);
    check(
        "float_containers",
        |q: &[f64]| float_containers(&q[..n], q[n]),
        &g,
        &whole,
    );
}

/// A stencil over `f32` buffers made from float literals (`vec![0.0f32; n]`) and swapped.
#[differentiable]
fn stencil_f32(u0: &[f32], k: f32) -> f32 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0f32; n];
    for _ in 0..4 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// The same stencil in `f64`, the reference for the `f32` gradient.
#[differentiable]
fn stencil_f64(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    let mut next = vec![0.0; n];
    for _ in 0..4 {
        for i in 1..n - 1 {
            next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
        }
        std::mem::swap(&mut u, &mut next);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

#[test]
fn f32_containers_from_float_literals_match_the_f64_gradient() {
    let u: Vec<f64> = sines(8, 1.0);
    let k = 0.2;
    let (y, (gu, gk)) = stencil_f64_grad(&u, k);
    let n = u.len();
    let whole = join(u.clone(), vec![k]);
    let g = join(gu.clone(), vec![gk]);
    check(
        "stencil_f64",
        |q: &[f64]| stencil_f64(&q[..n], q[n]),
        &g,
        &whole,
    );
    let (y32, (gu32, gk32)) = stencil_f32_grad(&to32(&u), k as f32);
    assert!((f64::from(y32) - y).abs() < 1e-4 * (1.0 + y.abs()));
    agree("stencil_f32 u", &gu, &gu32, 1e-4);
    agree("stencil_f32 k", &[gk], &[gk32], 1e-3);
}
