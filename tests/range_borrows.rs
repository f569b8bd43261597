//! Ranges borrowed into a variable of an enclosing block: `let r; if c { r = &p[..2]; } else
//! { r = &p[1..]; }`, a `match` that picks the range, a loop that moves a window and reads it
//! after the loop, a parameter rebound to a range, two buffers taking turns, a range so bound
//! passed to a call, and variables given ranges of different kinds (of a parameter, of a local,
//! of a range, of themselves). The user's borrow is of `p`, which outlives the block; these
//! failed to compile inside generated code (E0716) before the lowering declared the range's
//! copy next to the variable, and the mixed kinds (E0308) before every range such a variable is
//! given became a copy when one of them is. Every gradient against central differences in f64,
//! in both arms of every branch; `order = 2` and forward mode too.

// The late initialisation (`let r;` then `r = ..` in each arm), `&p[..]` and locals built with
// `vec!` are the constructs under test.
#![allow(
    clippy::needless_range_loop,
    clippy::needless_late_init,
    clippy::redundant_slicing,
    clippy::useless_vec
)]

use autodiff::check::{Tolerance, check_gradient};
use autodiff::prelude::*;

#[differentiable(order = 2)]
fn branch_ref(p: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &p[1..];
    }
    r[0] * r[1] + r[1].sin()
}

/// A range of a local, which is written after the range's last read.
#[differentiable]
fn local_then_written(p: &[f64], c: bool) -> f64 {
    let mut v = vec![0.0; p.len()];
    for i in 0..p.len() {
        v[i] = p[i] * p[i] + 1.0;
    }
    let r;
    if c {
        r = &v[..2];
    } else {
        r = &v[1..];
    }
    let x = r[0] * r[1];
    v[0] = x * p[2];
    v[0] + v[1] * x
}

#[differentiable]
fn picked(p: &[f64], k: usize) -> f64 {
    let r;
    match k {
        0 => r = &p[..2],
        1 => r = &p[1..3],
        _ => r = &p[2..],
    }
    r[0] * r[1].exp()
}

/// The window moves in some trips and is read after the loop.
#[differentiable]
fn moving_window(p: &[f64]) -> f64 {
    let mut r = &p[..2];
    let mut s = 0.0;
    for i in 0..p.len() - 1 {
        if p[i] > 0.0 {
            r = &p[i..i + 2];
        }
        s += r[0] * r[1];
    }
    s + r[0] * r[1]
}

/// A parameter rebound to a range of another.
#[differentiable]
fn rebound_param<'a>(mut r: &'a [f64], p: &'a [f64], c: bool) -> f64 {
    if c {
        r = &p[1..];
    }
    r[0] * p[0] + r[1]
}

/// Two local buffers taking turns, declared in an outer scope, assigned in nested blocks.
#[differentiable]
fn turns(p: &[f64]) -> f64 {
    let mut a = vec![0.0; p.len()];
    let mut b = vec![0.0; p.len()];
    for i in 0..p.len() {
        a[i] = p[i].sin();
        b[i] = p[i] * 2.0;
    }
    let mut cur = &a[..];
    let mut s = 0.0;
    for t in 0..4 {
        {
            if t % 2 == 0 {
                cur = &b[1..];
            } else {
                cur = &a[..2];
            }
        }
        s += cur[0] * cur[1];
    }
    s * cur[0]
}

#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// A range so bound, passed to a call.
#[differentiable]
fn passed(p: &[f64], c: bool) -> f64 {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &p[2..];
    }
    dot2(r, &p[1..3])
}

#[differentiable]
fn branch_ref_t<T: Real>(p: &[T], c: bool) -> T {
    let r;
    if c {
        r = &p[..2];
    } else {
        r = &p[1..];
    }
    r[0] * r[1]
}

/// A variable given ranges of different kinds: of itself, of a local, of a range, of a
/// parameter (the generated code borrows some and copies others; all are `&[f64]`).
#[differentiable]
fn of_itself(p: &[f64]) -> f64 {
    let mut r = &p[1..];
    r = &r[1..];
    let mut q = &p[..];
    for _ in 0..2 {
        if q[0] < 0.9 {
            q = &q[1..];
        }
    }
    r[0] * q[0]
}

#[differentiable]
fn local_or_param(p: &[f64], c: bool) -> f64 {
    let v = vec![p[0] * 2.0, p[1], p[2]];
    let r;
    if c {
        r = &v[1..];
    } else {
        r = &p[1..];
    }
    let mut w = vec![0.0; 3];
    w[0] = p[0];
    w[1] = p[1] * p[2];
    w[2] = p[2];
    let mut u = &w[..];
    if c {
        u = &p[1..];
    }
    r[0] * r[1] + u[0] * u[1]
}

#[differentiable]
fn range_of_range_or_param(p: &[f64], c: bool) -> f64 {
    let q = &p[1..];
    let r;
    if c {
        r = &q[..2];
    } else {
        r = &p[..2];
    }
    let mut t = &p[..2];
    let mut s = 0.0;
    for i in 0..3 {
        let w = &p[i..];
        if p[i] > 0.0 {
            t = &w[..2];
        }
        s += t[0] * t[1];
    }
    r[0] * r[1] + s
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

/// `grad` against central differences of `f` at `x` (`autodiff::check::check_gradient`).
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    if let Err(e) = check_gradient(f, x, grad, 1e-6, Tolerance::new(1e-6, 1e-6)) {
        panic!("{name}: {e}");
    }
}

#[test]
fn ranges_bound_in_branches_against_central_differences() {
    let p = input(5);
    for c in [true, false] {
        let (v, g) = branch_ref_grad(&p, c);
        assert!((v - branch_ref(&p, c)).abs() < 1e-12);
        check("branch_ref", |q| branch_ref(q, c), &g, &p);
        check(
            "local_then_written",
            |q| local_then_written(q, c),
            &local_then_written_grad(&p, c).1,
            &p,
        );
        check("passed", |q| passed(q, c), &passed_grad(&p, c).1, &p);
        let (v, g) = branch_ref_t_grad(&p, c);
        assert!((v - branch_ref_t(&p, c)).abs() < 1e-12);
        check("branch_ref_t", |q| branch_ref_t(q, c), &g, &p);
    }
    for k in 0..3 {
        check("picked", |q| picked(q, k), &picked_grad(&p, k).1, &p);
    }
}

#[test]
fn ranges_of_different_kinds_in_one_variable_against_central_differences() {
    let p = [0.4, -0.3, 0.7, 0.2, -0.5, 0.9];
    check("of_itself", of_itself, &of_itself_grad(&p).1, &p);
    for c in [true, false] {
        let g = local_or_param_grad(&p, c).1;
        check("local_or_param", |q| local_or_param(q, c), &g, &p);
        let g = range_of_range_or_param_grad(&p, c).1;
        check(
            "range_of_range_or_param",
            |q| range_of_range_or_param(q, c),
            &g,
            &p,
        );
    }
}

#[test]
fn ranges_bound_in_loops_against_central_differences() {
    // signs that move the window in some trips and not in others
    let p = [0.4, -0.3, 0.7, 0.2, -0.5, 0.9];
    let (v, g) = moving_window_grad(&p);
    assert!((v - moving_window(&p)).abs() < 1e-12);
    check("moving_window", moving_window, &g, &p);
    check("turns", turns, &turns_grad(&p).1, &p);
    let r = [0.3, -0.8, 0.5];
    for c in [true, false] {
        let (_, (gr, gp)) = rebound_param_grad(&r, &p, c);
        let x: Vec<f64> = r.iter().chain(p.iter()).copied().collect();
        let g: Vec<f64> = gr.iter().chain(gp.iter()).copied().collect();
        check(
            "rebound_param",
            |x| rebound_param(&x[..3], &x[3..], c),
            &g,
            &x,
        );
    }
}

#[test]
fn ranges_bound_in_branches_in_f32_forward_mode_and_second_order() {
    let p = input(5);
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let (_, g32) = branch_ref_t_grad(&p32, false);
    let (_, g) = branch_ref_t_grad(&p, false);
    for (a, b) in g32.iter().zip(&g) {
        assert!((f64::from(*a) - b).abs() < 1e-5, "f32 {a} vs f64 {b}");
    }
    let t: Vec<f64> = (0..5).map(|i| 0.3 - 0.2 * i as f64).collect();
    for c in [true, false] {
        // forward mode: the directional derivative is the gradient dotted with the tangent
        let (y, dy) = branch_ref_jvp(&p, c, t.clone());
        let (_, g) = branch_ref_grad(&p, c);
        assert!((y - branch_ref(&p, c)).abs() < 1e-12);
        let want: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
        assert!((dy - want).abs() < 1e-10, "jvp {dy} vs {want}");
        // H·v against central differences of the gradient along v
        let (_, _, hv) = branch_ref_hvp(&p, c, t.clone());
        let h = 1e-5;
        let at = |s: f64| {
            let q: Vec<f64> = p.iter().zip(&t).map(|(a, b)| a + s * b).collect();
            branch_ref_grad(&q, c).1
        };
        let (gp, gm) = (at(h), at(-h));
        for i in 0..5 {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            assert!((hv[i] - fd).abs() < 1e-6, "hvp[{i}] {} vs {fd}", hv[i]);
        }
    }
}
