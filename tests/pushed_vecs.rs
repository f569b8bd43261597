//! Local `Vec`s grown by `push` (`Vec::new()`, `Vec::with_capacity(n)`, `vec![..]` pushed
//! further) get the dense adjoint buffer of `autodiff-runtime/src/densevec.rs`: a push writes
//! element `len`, so its reverse takes that element's adjoint (`y.push(v) => dv += dy[len],
//! dy[len] = 0`). Each member of the kind is checked against central differences in `f64`: a
//! scan that reads back what it pushed, a stencil over a pushed `Vec` (the window of a fitted
//! buffer), fresh pushed `Vec`s per time step moved whole, pushes after `vec![..]`, a pushed
//! `Vec` lent to a helper, pushes in a branch and in a `while` loop with `break`, writes over
//! pushed elements, pushed rows, a history read at two lags, a helper with a pushed `Vec` called
//! per trip (a fused companion), a generic function at `f32` and `f64`, and `order = 2`.

// The functions are written the way the forms under test are spelled.
#![allow(clippy::needless_range_loop, clippy::vec_init_then_push)]
#![allow(clippy::manual_unwrap_or, clippy::assign_op_pattern)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp};

fn xs(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.9 + 0.1 * ((i as f64) * 0.7).sin())
        .collect()
}

/// `s_i = s_{i-1} a_i + b_i` pushed, each state read back by index in the same trip (a push at
/// the loop index, `lower/push_index.rs`).
#[differentiable(order = 2)]
fn scan(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = Vec::new();
    let mut prev = 1.0;
    for i in 0..a.len() {
        acc.push(prev * a[i] + b[i]);
        prev = acc[i];
    }
    let mut l = 0.0;
    for i in 0..acc.len() {
        let e = acc[i] - 0.5;
        l += e * e;
    }
    l
}

#[test]
fn a_scan_that_reads_back_what_it_pushed() {
    let (a, b) = (xs(9), xs(9).iter().map(|v| v - 0.8).collect::<Vec<_>>());
    let (y, (ga, gb)) = scan_grad(&a, &b);
    assert!((y - scan(&a, &b)).abs() < 1e-12);
    let n = a.len();
    let whole: Vec<f64> = a.iter().chain(&b).copied().collect();
    let g: Vec<f64> = ga.iter().chain(&gb).copied().collect();
    check("scan", |p| scan(&p[..n], &p[n..]), &g, &whole);
    // H v against central differences of the gradient
    let v: Vec<f64> = (0..2 * n)
        .map(|k| ((k as f64) * 1.37 + 0.2).sin())
        .collect();
    let (_, _, (ha, hb)) = scan_hvp(&a, &b, v[..n].to_vec(), v[n..].to_vec());
    let grad = |p: &[f64]| {
        let (_, (x, y)) = scan_grad(&p[..n], &p[n..]);
        [x, y].concat()
    };
    check_hvp("scan", grad, &[ha, hb].concat(), &whole, &v);
}

/// A `Vec::with_capacity` filled by pushes, then a three-point stencil over it.
#[differentiable]
fn pushed_then_stencil(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        v.push(x[i] * x[i] + k);
    }
    let mut s = 0.0;
    for i in 1..n - 1 {
        let lap = v[i - 1] - 2.0 * v[i] + v[i + 1];
        s += lap * lap * k;
    }
    s
}

/// Fresh pushed `Vec`s per step (`Vec::new()` in the loop), moved whole into the state.
#[differentiable]
fn pushed_steps(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut u = u0.to_vec();
    for _ in 0..4 {
        let mut next = Vec::new();
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next.push(u[i] + k * (left - 2.0 * u[i] + right) + 0.1 * u[i] * u[i]);
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] * (1.0 + i as f64);
    }
    s
}

/// Pushes past a `vec![..]`, the first elements read after the pushes.
#[differentiable]
fn pushed_past_a_literal(x: &[f64], a: f64) -> f64 {
    let mut v = vec![a, a * a];
    for i in 0..x.len() {
        let last = v[v.len() - 1];
        v.push(last * x[i] + v[0]);
    }
    v[0] * v[v.len() - 1] + v[1] * v[2]
}

#[test]
fn stencils_steps_and_literals_over_pushed_vecs() {
    let x = xs(8);
    let k = 0.3;
    let mut p = x.clone();
    p.push(k);
    let n = x.len();

    let (y, (gx, gk)) = pushed_then_stencil_grad(&x, k);
    assert!((y - pushed_then_stencil(&x, k)).abs() < 1e-12);
    let mut g = gx.clone();
    g.push(gk);
    check(
        "pushed_then_stencil",
        |q| pushed_then_stencil(&q[..n], q[n]),
        &g,
        &p,
    );

    let (_, (gx, gk)) = pushed_steps_grad(&x, 0.2);
    let mut g = gx.clone();
    g.push(gk);
    let mut p2 = x.clone();
    p2.push(0.2);
    check("pushed_steps", |q| pushed_steps(&q[..n], q[n]), &g, &p2);

    let x5 = &x[..5];
    let (_, (gx, ga)) = pushed_past_a_literal_grad(x5, 0.7);
    let mut g = gx.clone();
    g.push(ga);
    let mut p3 = x5.to_vec();
    p3.push(0.7);
    check(
        "pushed_past_a_literal",
        |q| pushed_past_a_literal(&q[..5], q[5]),
        &g,
        &p3,
    );
}

#[differentiable]
fn weighted_sum(v: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * w + v[i];
    }
    s
}

/// A pushed `Vec` lent to a helper (its cotangent added into the buffer element by element).
#[differentiable]
fn lent_to_a_helper(x: &[f64], w: f64) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(x[i].sin() * w);
    }
    weighted_sum(&v, w) + v[0] * 3.0
}

/// Pushes in a branch: the element count depends on the data; read back through a counter.
#[differentiable]
fn pushed_in_a_branch(x: &[f64]) -> f64 {
    let mut kept = Vec::new();
    for i in 0..x.len() {
        if x[i] > 0.0 {
            kept.push(x[i] * x[i]);
        } else {
            kept.push(-x[i]);
            kept.push(x[i] * 0.5);
        }
    }
    let mut s = 0.0;
    for j in 0..kept.len() {
        s += kept[j] * (1.0 + j as f64);
    }
    s
}

/// Pushes in a `while` loop left by `break`, then writes over pushed elements and reads them.
#[differentiable]
fn pushed_in_a_while(x: &[f64], r: f64) -> f64 {
    let mut v = Vec::new();
    let mut i = 0;
    let mut y = 1.0;
    while i < x.len() {
        y = y * r + x[i];
        v.push(y);
        if y > 50.0 {
            break;
        }
        i += 1;
    }
    let m = v.len();
    v[0] = v[0] * v[m - 1];
    v[m - 1] = v[0] + r;
    let mut s = 0.0;
    for j in 0..m {
        s += v[j] * v[j];
    }
    s
}

#[test]
fn lent_branched_and_while_pushes() {
    let x = [0.4, -0.3, 1.2, -0.8, 0.5, 0.9];
    let (_, (gx, gw)) = lent_to_a_helper_grad(&x, 0.6);
    let mut g = gx.clone();
    g.push(gw);
    let mut p: Vec<f64> = x.to_vec();
    p.push(0.6);
    check(
        "lent_to_a_helper",
        |q| lent_to_a_helper(&q[..6], q[6]),
        &g,
        &p,
    );

    let (_, gx) = pushed_in_a_branch_grad(&x);
    check("pushed_in_a_branch", pushed_in_a_branch, &gx, &x);

    // Both ways out of the `while`: to the end (r = 1.1), and by `break` (r = 3.0 passes 50 at
    // the fourth element).
    for r in [1.1, 3.0] {
        let (_, (gx, gr)) = pushed_in_a_while_grad(&x, r);
        let mut g = gx.clone();
        g.push(gr);
        let mut p = x.to_vec();
        p.push(r);
        check(
            "pushed_in_a_while",
            |q| pushed_in_a_while(&q[..6], q[6]),
            &g,
            &p,
        );
    }
    // The `break` was taken at r = 3.0 (the states pass 50 before the end).
    let mut y = 1.0;
    let mut taken = false;
    for v in x {
        y = y * 3.0 + v;
        taken |= y > 50.0;
    }
    assert!(taken);
}

/// Rows pushed into a `Vec<Vec<f64>>`, read at `rows[i][j]`.
#[differentiable]
fn pushed_rows(x: &[f64], k: f64) -> f64 {
    let mut rows = Vec::new();
    for i in 0..3 {
        let mut row = vec![0.0; x.len()];
        for j in 0..x.len() {
            row[j] = x[j] * (k + i as f64);
        }
        rows.push(row);
    }
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..x.len() {
            s += rows[i][j] * rows[i][j] * x[j];
        }
    }
    s
}

/// A history of states pushed per step and read at two lags (`t - 1` and `t / 2`).
#[differentiable]
fn history(x0: f64, c: &[f64]) -> f64 {
    let mut hist = vec![x0];
    for t in 1..c.len() + 1 {
        let next = hist[t - 1] * c[t - 1] + 0.3 * hist[t / 2];
        hist.push(next);
    }
    hist[hist.len() - 1] + hist[1] * hist[2]
}

#[test]
fn pushed_rows_and_a_history_read_at_two_lags() {
    let x = [0.4, -0.3, 1.2, 0.5];
    let (_, (gx, gk)) = pushed_rows_grad(&x, 0.8);
    let mut g = gx.clone();
    g.push(gk);
    let mut p = x.to_vec();
    p.push(0.8);
    check("pushed_rows", |q| pushed_rows(&q[..4], q[4]), &g, &p);

    let c = xs(7);
    let (_, (g0, gc)) = history_grad(0.5, &c);
    let mut g = vec![g0];
    g.extend(&gc);
    let mut p = vec![0.5];
    p.extend(&c);
    check("history", |q| history(q[0], &q[1..]), &g, &p);
}

/// A helper with a pushed `Vec` whose argument borrows the caller's local (re-run in the
/// caller's reverse sweep through its fused companion).
#[differentiable]
fn cumulative_energy(v: &[f64]) -> f64 {
    let mut c = Vec::new();
    let mut run = 0.0;
    for i in 0..v.len() {
        run += v[i];
        c.push(run * run);
    }
    let mut s = 0.0;
    for i in 0..c.len() {
        s += c[i];
    }
    s
}

#[differentiable]
fn calls_per_trip(x: &[f64], k: f64) -> f64 {
    let mut w = vec![0.0; x.len()];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..x.len() {
            w[i] = x[i] * (k + t as f64);
        }
        s += cumulative_energy(&w);
    }
    s
}

#[test]
fn a_helper_with_a_pushed_vec_called_per_trip() {
    let x = [0.4, -0.3, 1.2, 0.5, -0.7];
    let (_, (gx, gk)) = calls_per_trip_grad(&x, 0.8);
    let mut g = gx.clone();
    g.push(gk);
    let mut p = x.to_vec();
    p.push(0.8);
    check("calls_per_trip", |q| calls_per_trip(&q[..5], q[5]), &g, &p);
}

/// Generic over the float type.
#[differentiable]
fn generic_scan<T: Real>(a: &[T], b: T) -> T {
    let mut acc = Vec::new();
    let mut prev = b;
    for i in 0..a.len() {
        acc.push(prev * a[i] + b);
        prev = acc[i];
    }
    acc[0] * prev
}

#[test]
fn a_generic_pushed_vec_at_f64_and_f32() {
    let a = xs(6);
    let (_, (ga, gb)) = generic_scan_grad(&a, 0.3);
    let mut g = ga.clone();
    g.push(gb);
    let mut p = a.clone();
    p.push(0.3);
    check("generic_scan", |q| generic_scan(&q[..6], q[6]), &g, &p);

    let a32: Vec<f32> = a.iter().map(|&v| v as f32).collect();
    let (_, (ga32, gb32)) = generic_scan_grad(&a32, 0.3f32);
    for (g32, g64) in ga32.iter().chain([&gb32]).zip(&g) {
        assert!(
            (f64::from(*g32) - g64).abs() <= 1e-4 * (1.0 + g64.abs()),
            "{g32} vs {g64}"
        );
    }
}

/// Second order through a pushed `Vec`.
#[differentiable(order = 2)]
fn pushed_order2(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    let mut prev = 1.0;
    for i in 0..x.len() {
        v.push(prev * x[i] + x[i] * x[i]);
        prev = v[i];
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[test]
fn second_order_through_a_pushed_vec() {
    let x = [0.4, -0.3, 0.9, 0.5];
    let v = [0.3, -1.0, 0.5, 0.2];
    let (_, g) = pushed_order2_grad(&x);
    check("pushed_order2", pushed_order2, &g, &x);
    let (_, _, hv) = pushed_order2_hvp(&x, v.to_vec());
    check_hvp("pushed_order2", |q| pushed_order2_grad(q).1, &hv, &x, &v);
}

/// A stack: pushes, `pop`, `last`, `first`, `get`, `len`, `is_empty`, a sum and a `for` over
/// the pushed `Vec` (the forms that change its length or read it whole keep the general path).
#[differentiable]
fn stack_forms(x: &[f64]) -> f64 {
    let mut st = Vec::new();
    for i in 0..x.len() {
        st.push(x[i] * x[i]);
        if st.len() > 2 {
            let top = match st.pop() {
                Some(t) => t,
                None => 0.0,
            };
            let under = match st.last().copied() {
                Some(u) => u,
                None => 0.0,
            };
            st.push(top * under + x[i]);
        }
    }
    let head = match st.first().copied() {
        Some(h) => h,
        None => 1.0,
    };
    let second = if let Some(v) = st.get(1).copied() {
        v
    } else {
        0.0
    };
    let mut s = head * second;
    if !st.is_empty() {
        s += st.iter().sum::<f64>();
    }
    for v in &st {
        s += v * v;
    }
    s
}

/// Pushes and element reads only, with `len` and `is_empty` as the bounds.
#[differentiable]
fn pushed_with_len(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        if v.is_empty() {
            v.push(x[i]);
        } else {
            let last = v[v.len() - 1];
            v.push(last * x[i] + 1.0);
        }
    }
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j] * (j as f64 + 1.0);
    }
    s
}

#[test]
fn stack_forms_and_lengths_of_pushed_vecs() {
    let x = [0.4, -0.3, 1.2, 0.5, -0.7, 0.9];
    let (_, g) = stack_forms_grad(&x);
    check("stack_forms", stack_forms, &g, &x);
    let (_, g) = pushed_with_len_grad(&x);
    check("pushed_with_len", pushed_with_len, &g, &x);
}

/// A copy of the parameter pushed past its length: the pushed elements' adjoints are taken
/// before the copy's reverse adds the buffer into the parameter's gradient, which keeps the
/// parameter's length.
#[differentiable]
fn pushed_past_a_parameter(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    for i in 0..x.len() {
        v.push(v[i] * 2.0 + v[v.len() - 1]);
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[test]
fn a_parameter_copied_and_pushed_keeps_its_gradients_length() {
    let x = [0.4, -0.3, 1.2];
    let (_, g) = pushed_past_a_parameter_grad(&x);
    assert_eq!(g.len(), x.len(), "{g:?}");
    check("pushed_past_a_parameter", pushed_past_a_parameter, &g, &x);
    let r = pushed_past_a_parameter_vjp(&x).1(1.0);
    assert_eq!(r.len(), x.len(), "{r:?}");
    check(
        "pushed_past_a_parameter vjp",
        pushed_past_a_parameter,
        &r,
        &x,
    );
}
