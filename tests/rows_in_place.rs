//! In-place methods on a `Vec<Vec<f64>>` whose rows carry derivatives: `swap`, `reverse`,
//! `fill`, `insert`, `remove`, `swap_remove`, `pop`, `extend_from_slice`, `mem::swap` of a row
//! and a local, and `w[i].clone()`. The rewrite into element reads and writes reads a row by
//! `.clone()` (a row cannot be moved out of its container), so each compiles whether the
//! elements are `f64`s or rows. Covered: rows read before and after the change, in loops (a
//! two-row buffer swapped every step, the way a stencil keeps its last two states), the
//! parameter's own copy and a local built with `vec![..]`, generic code, the pullback and
//! `order = 2`. Every gradient against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// `Σ_i (i + 1) w_i · x`, then the first two rows swapped and `w_0 · x²` added.
#[differentiable]
fn swapped(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += w[i][j] * x[j] * (i as f64 + 1.0);
        }
    }
    w.swap(0, 1);
    for j in 0..x.len() {
        s += w[0][j] * x[j] * x[j];
    }
    s
}

/// Rows reversed, then weighted by their new position.
#[differentiable]
fn reversed(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    let mut s = w[0][0] * x[0];
    w.reverse();
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += (i as f64 + 0.5) * (w[i][j] * x[j]).sin();
        }
    }
    s
}

/// Every row replaced by a scaled copy of the last one.
#[differentiable]
fn filled(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    let n = w.len();
    let mut s = w[0][1] * w[1][0];
    let mut last = w[n - 1].clone();
    for j in 0..last.len() {
        last[j] *= x[j];
    }
    w.fill(last);
    for i in 0..n {
        for j in 0..x.len() {
            s += (i as f64 + 1.0) * w[i][j] * w[i][j];
        }
    }
    s
}

/// A row made from `x` inserted in the middle, then one removed, one swap-removed and the last
/// popped, each taken row used.
#[differentiable]
fn inserted_removed(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    let mut s = w[1][0] * x[1];
    let mut row = vec![0.0; x.len()];
    for j in 0..x.len() {
        row[j] = x[j] * x[j] + w[0][j];
    }
    w.insert(1, row);
    let r = w.remove(0);
    for j in 0..x.len() {
        s += r[j] * w[0][j];
    }
    let t = w.swap_remove(0);
    s += t[0] * t[1];
    let p = w.pop().unwrap();
    for j in 0..p.len() {
        s += p[j].exp() * (j as f64 + 1.0);
    }
    for i in 0..w.len() {
        s += w[i][0] * 0.25;
    }
    s
}

/// The rows of a second parameter appended, then every row weighted.
#[differentiable]
fn extended(w: &[Vec<f64>], v: &[Vec<f64>]) -> f64 {
    let mut w = w.to_vec();
    let v = v.to_vec();
    w.extend_from_slice(&v);
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..w[i].len() {
            s += (i as f64 + 1.0) * w[i][j] * w[i][j] * v[0][j];
        }
    }
    s
}

/// A local row swapped with a row of the matrix by `mem::swap`, and `w[i].clone()`.
#[differentiable]
fn mem_swapped(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    let mut row = w[0].clone();
    for j in 0..row.len() {
        row[j] *= x[j];
    }
    std::mem::swap(&mut row, &mut w[1]);
    let mut s = 0.0;
    for j in 0..x.len() {
        s += row[j] * 3.0 + w[1][j] * w[1][j] + w[0][j] * x[j];
    }
    s
}

/// A two-row buffer swapped after every step: row 0 is the state, row 1 the next one (written
/// whole: element writes `g[1][i] = ..` into a row are refused)
/// (`u_i ← u_i + k (u_{i-1} - 2 u_i + u_{i+1})`); loss `Σ u_i²`.
#[differentiable]
fn two_row_stencil(u0: &[f64], k: f64) -> f64 {
    let n = u0.len();
    let mut g = vec![u0.to_vec(), vec![0.0; n]];
    for _ in 0..6 {
        let mut next = vec![0.0; n];
        for i in 0..n {
            let left = if i > 0 { g[0][i - 1] } else { 0.0 };
            let right = if i + 1 < n { g[0][i + 1] } else { 0.0 };
            next[i] = g[0][i] + k * (left - 2.0 * g[0][i] + right);
        }
        g[1] = next;
        g.swap(0, 1);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += g[0][i] * g[0][i];
    }
    s
}

/// [`swapped`] over any real type.
#[differentiable]
fn swapped_generic<T: Real>(w: &[Vec<T>], x: &[T]) -> T {
    let mut w = w.to_vec();
    let mut s = T::zero();
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += w[i][j] * x[j];
        }
    }
    w.swap(0, 2);
    for j in 0..x.len() {
        s += w[0][j] * x[j] * x[j];
    }
    s
}

/// Rows swapped in second-order code.
#[differentiable(order = 2)]
fn swapped_order2(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut w = w.to_vec();
    w.swap(0, 1);
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..x.len() {
            s += (i as f64 + 1.0) * w[i][j] * w[i][j] * x[j];
        }
    }
    s
}

/// Copies of ranges (`x[a..b].to_vec()`, `.to_owned()`): the receiver is borrowed, as
/// auto-ref would, so the copy reads a view of `x`.
#[differentiable]
fn range_copies(x: &[f64]) -> f64 {
    let y = x[1..3].to_vec();
    let z = x[..2].to_owned();
    let mut w = vec![vec![0.0; 2]; 2];
    w[0] = x[2..4].to_vec();
    y[0] * y[1] + z[1] * z[0] * z[0] + w[0][1] * w[0][0]
}

/// Checks `f`'s gradient in both arguments, a matrix of `m` rows of `c` values and a vector of
/// `c` values, at one deterministic point.
#[track_caller]
fn check_rows_vec(
    name: &str,
    m: usize,
    c: usize,
    f: impl Fn(&[Vec<f64>], &[f64]) -> f64,
    grad: impl Fn(&[Vec<f64>], &[f64]) -> (f64, (Vec<Vec<f64>>, Vec<f64>)),
) {
    let p = sines(m * c + c, 0.8);
    let (w, x) = (rows_of(&p[..m * c], c), p[m * c..].to_vec());
    let (val, (gw, gx)) = grad(&w, &x);
    assert!((val - f(&w, &x)).abs() < 1e-12, "{name}: value");
    let whole = |y: &[f64]| f(&rows_of(&y[..m * c], c), &y[m * c..]);
    check(name, whole, &join(flat(&gw), gx), &p);
}

#[test]
fn row_methods_against_central_differences() {
    check_rows_vec("swapped", 3, 2, swapped, swapped_grad);
    check_rows_vec("reversed", 4, 3, reversed, reversed_grad);
    check_rows_vec("filled", 3, 2, filled, filled_grad);
    check_rows_vec(
        "inserted_removed",
        4,
        2,
        inserted_removed,
        inserted_removed_grad,
    );
    check_rows_vec("mem_swapped", 3, 3, mem_swapped, mem_swapped_grad);
    check_rows_vec("generic", 3, 2, swapped_generic, swapped_generic_grad);
    check_rows_vec("order2 first", 2, 3, swapped_order2, swapped_order2_grad);

    // both arguments matrices (3 rows of 2, 2 rows of 2)
    let p = sines(10, 0.8);
    let (w, v) = (rows_of(&p[..6], 2), rows_of(&p[6..], 2));
    let (val, (gw, gv)) = extended_grad(&w, &v);
    assert!((val - extended(&w, &v)).abs() < 1e-12);
    let whole = |y: &[f64]| extended(&rows_of(&y[..6], 2), &rows_of(&y[6..], 2));
    check("extended", whole, &join(flat(&gw), flat(&gv)), &p);
}

#[test]
fn range_copies_against_analytic_and_differences() {
    let x = [0.5, 1.5, -2.0, 0.75];
    let (_, g) = range_copies_grad(&x);
    // y = (x1, x2), z = (x0, x1), w0 = (x2, x3): f = x1 x2 + x1 x0² + x3 x2
    let want = [2.0 * x[1] * x[0], x[2] + x[0] * x[0], x[1] + x[3], x[2]];
    for k in 0..4 {
        assert!(
            (g[k] - want[k]).abs() < 1e-12,
            "{k}: {} vs {}",
            g[k],
            want[k]
        );
    }
    check("range_copies", range_copies, &g, &x);
}

#[test]
fn two_row_buffer_swapped_every_step() {
    let u0 = sines(9, 1.0);
    let k = 0.2;
    let (val, (gu, gk)) = two_row_stencil_grad(&u0, k);
    assert!((val - two_row_stencil(&u0, k)).abs() < 1e-12);
    let mut p = u0.clone();
    p.push(k);
    let whole = |y: &[f64]| two_row_stencil(&y[..9], y[9]);
    let mut g = gu;
    g.push(gk);
    check("two_row_stencil", whole, &g, &p);
}

#[test]
fn pullback_generic_f32_and_hvp() {
    // the pullback with a cotangent of 2 is twice the gradient
    let p = sines(8, 0.8);
    let (w, x) = (rows_of(&p[..6], 2), p[6..].to_vec());
    let (_, (gw, gx)) = swapped_grad(&w, &x);
    let (_, pb) = swapped_vjp(&w, &x);
    let (pw, px) = pb(2.0);
    for (a, b) in flat(&pw).iter().chain(&px).zip(flat(&gw).iter().chain(&gx)) {
        assert!((a - 2.0 * b).abs() < 1e-12, "{a} vs 2 × {b}");
    }

    // f32 through the generic function, against the f64 gradient
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let w3 = rows_of(&sines(6, 0.8), 2);
    let w3_32: Vec<Vec<f32>> = w3
        .iter()
        .map(|r| r.iter().map(|&v| v as f32).collect())
        .collect();
    let (_, (g32, gx32)) = swapped_generic_grad(&w3_32, &x32[..2]);
    let (_, (g64, gx64)) = swapped_generic_grad(&w3, &x[..2]);
    for (a, b) in flat(&g64).iter().chain(&gx64).zip(
        g32.iter()
            .flatten()
            .chain(&gx32)
            .map(|&v| v as f64)
            .collect::<Vec<_>>()
            .iter(),
    ) {
        assert!((a - b).abs() < 1e-4 * (1.0 + a.abs()), "f32 {b} vs f64 {a}");
    }

    // the Hessian-vector product of the order-2 function against differences of its gradient
    let q = sines(9, 0.8);
    let v = sines(9, 0.5).iter().map(|t| t + 0.1).collect::<Vec<_>>();
    let split_point = |y: &[f64]| (rows_of(&y[..6], 3), y[6..].to_vec());
    let grad = |y: &[f64]| {
        let (w, x) = split_point(y);
        let (_, (gw, gx)) = swapped_order2_grad(&w, &x);
        join(flat(&gw), gx)
    };
    let (w, x) = split_point(&q);
    let (dw, dx) = split_point(&v);
    let (_, _, (hw, hx)) = swapped_order2_hvp(&w, &x, dw, dx);
    check_hvp("swapped_order2", grad, &join(flat(&hw), hx), &q, &v);
}
