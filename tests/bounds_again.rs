//! Inner loops whose bounds change between executions but are small expressions the reverse
//! sweep can evaluate again (`0..xs[s].len()`, `0..i`, `ptr[i]..ptr[i + 1]`): the reverse
//! sweep computes each execution's start and trip count from the variables they name, so no
//! count or start is recorded (`LoopInfo::bounds_again`). A bound evaluated with the wrong
//! value of one of its variables runs the wrong number of reverse trips, which shows up as a
//! wrong gradient, so every member here is a shape where that could happen: ragged data rows,
//! triangular and tetrahedral loop nests, sparse rows (CSR), empty and backwards ranges,
//! casts, a bound from a `let` of the outer trip, a loop variable that shadows its own bound,
//! `i32` ranges, and loops left by `break`. Each gradient is checked against central
//! differences in f64.

#![allow(clippy::needless_range_loop, clippy::reversed_empty_ranges)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A one-hidden-unit model over ragged data rows: the inner bound is `xs[s].len()`.
#[differentiable]
fn ragged_rows(w: &[f64], #[no_grad] xs: &[Vec<f64>]) -> f64 {
    let mut l = 0.0;
    for s in 0..xs.len() {
        let mut z = w[0];
        for j in 0..xs[s].len() {
            z += w[j + 1] * xs[s][j];
        }
        l += z.tanh() * (s as f64 + 1.0);
    }
    l
}

/// Triangular and tetrahedral nests: `0..i`, `j..i`, `i + 1..x.len()`.
#[differentiable]
fn triangles(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..i {
            s += x[i] * x[j] * 0.5;
            for k in j..i {
                s += (x[k] * x[j]).sin() * 0.1;
            }
        }
        for j in i + 1..x.len() {
            s += x[i] / (1.0 + x[j] * x[j]);
        }
    }
    s
}

/// Sparse rows (CSR): `y_i = Σ_{k in ptr[i]..ptr[i+1]} vals[k] x[col[k]]`, loss `Σ y_i²`.
#[differentiable]
fn csr(vals: &[f64], x: &[f64], #[no_grad] ptr: &[usize], #[no_grad] col: &[usize]) -> f64 {
    let mut l = 0.0;
    for i in 0..ptr.len() - 1 {
        let mut y = 0.0;
        for k in ptr[i]..ptr[i + 1] {
            y += vals[k] * x[col[k]];
        }
        l += y * y;
    }
    l
}

/// Bounds from a cast element, from a `let` of the outer trip, a shadowing loop variable, and
/// a backwards range (no trips).
#[differentiable]
fn odd_bounds(x: &[f64], #[no_grad] m: &[u32]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        for j in 0..(m[i] as usize) {
            s += x[j] * x[i];
        }
        let h = (i * 2 + 1) % 3;
        for j in h..h + 2 {
            s += x[j].cos() * x[i];
        }
        let i = i + 1;
        for i in 0..i {
            s += x[i] * 0.25;
        }
        for j in i + 2..i {
            s += x[j] * 100.0;
        }
    }
    s
}

/// `i32` bounds, and an inner loop left by `break` (its count stays recorded).
#[differentiable]
fn signed_and_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let n = x.len() as i32;
    for i in 0..n {
        for j in (i - 2)..i {
            if j >= 0 {
                s += x[j as usize] * x[i as usize];
            }
        }
        for j in 0..(i as usize) {
            if x[j] > 0.5 {
                break;
            }
            s += x[j] * x[j] * 0.3;
        }
    }
    s
}

/// `order = 2`: a triangular nest and sparse rows, so that the Hessian-vector product's sweeps
/// compute the same bounds again.
#[differentiable(order = 2)]
fn second(x: &[f64], #[no_grad] ptr: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            s += (x[i] * x[j]).sin();
        }
    }
    for r in 0..ptr.len() - 1 {
        let mut y = 0.0;
        for k in ptr[r]..ptr[r + 1] {
            y += x[k] * x[k] * (k as f64 + 1.0);
        }
        s += y * y * 0.1;
    }
    s
}

/// A caller, so that the companions run these loops inside another sweep.
#[differentiable]
fn caller(x: &[f64]) -> f64 {
    triangles(x) * 0.5 + triangles(&x[1..]).sin()
}

#[test]
fn bounds_evaluated_again_against_central_differences() {
    let xs: Vec<Vec<f64>> = [3, 0, 5, 1, 4]
        .iter()
        .enumerate()
        .map(|(s, &l)| sines(l + s, 0.7)[s..].to_vec())
        .collect();
    let w = sines(6, 0.5);
    check(
        "ragged_rows",
        |w| ragged_rows(w, &xs),
        &ragged_rows_grad(&w, &xs).1,
        &w,
    );

    for n in [0, 1, 2, 6] {
        let x = sines(n, 0.8);
        check(
            &format!("triangles {n}"),
            triangles,
            &triangles_grad(&x).1,
            &x,
        );
        if n >= 2 {
            check(&format!("caller {n}"), caller, &caller_grad(&x).1, &x);
        }
    }

    // rows 0..4 with 2, 0, 3, 1 entries
    let ptr = [0, 2, 2, 5, 6];
    let col = [0, 3, 1, 2, 3, 0];
    let p = sines(6 + 4, 0.9);
    let cut = |p: &[f64]| split(p, 6);
    let (vals, x) = cut(&p);
    let (gv, gx) = csr_grad(&vals, &x, &ptr, &col).1;
    check(
        "csr",
        |p| {
            let (v, x) = cut(p);
            csr(&v, &x, &ptr, &col)
        },
        &join(gv, gx),
        &p,
    );

    let m = [2u32, 0, 4, 1];
    let x = sines(8, 0.6);
    check(
        "odd_bounds",
        |x| odd_bounds(x, &m),
        &odd_bounds_grad(&x, &m).1,
        &x,
    );

    for amp in [0.3, 0.9] {
        let x = sines(7, amp);
        check(
            &format!("signed_and_break {amp}"),
            signed_and_break,
            &signed_and_break_grad(&x).1,
            &x,
        );
    }
}

#[test]
fn second_order_with_bounds_evaluated_again() {
    let ptr = [0, 2, 2, 5, 6];
    let x = sines(6, 0.7);
    check("second", |x| second(x, &ptr), &second_grad(&x, &ptr).1, &x);
    for v in [sines(6, 0.4), vec![1.0, 0.0, 0.0, 0.0, 0.0, -1.0]] {
        let (_, _, hv) = second_hvp(&x, &ptr, v.clone());
        check_hvp("second", |q| second_grad(q, &ptr).1, &hv, &x, &v);
    }
}
