//! Adversarial cases for elements of rows of a parameter read again in the reverse sweep
//! (`w[i][j]`, `let r = &w[i]; r[j]`): shadowed rows, rows in branches, a reassigned `let mut r`,
//! rows passed to a `#[differentiable]` function, 3-D and array rows, rows of `#[no_grad]`
//! parameters, row indices from counters. Every gradient against central differences.

#![allow(clippy::all, unused_mut, unused_assignments, unused_variables)]
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.6 * ((i as f64) * 0.77 + 0.4).sin())
        .collect()
}

// r3: row via let, index var changed later
#[differentiable]
fn r3(w: &[Vec<f64>]) -> f64 {
    let mut i = 0;
    let r = &w[i];
    let mut s = 0.0;
    for j in 1..r.len() {
        s += r[j] * r[j - 1];
        i = (i + 1) % w.len();
        s += w[i][j] * w[i][0];
    }
    s
}

// r4: shadowing rows
#[differentiable]
fn r4(w: &[Vec<f64>]) -> f64 {
    let r = &w[0];
    let mut s = r[0] * r[1];
    let r = &w[2];
    s += r[0] * r[1];
    {
        let r = &w[1];
        s += r[2] * r[0];
    }
    s + r[2] * r[2]
}

// r5: row taken before a loop and used inside, index var from a table with mutation
#[differentiable]
fn r5(w: &[Vec<f64>], #[no_grad] mut idx: Vec<usize>) -> f64 {
    let mut s = 0.0;
    for m in 0..idx.len() {
        s += w[idx[m]][0] * w[idx[m]][1];
        idx[m] = (idx[m] + 1) % w.len();
    }
    s
}

// r6: rows in branches
#[differentiable]
fn r6(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let r = if w[i][0] > 0.0 {
            &w[i]
        } else {
            &w[(i + 1) % w.len()]
        };
        s += r[1] * r[2] / (1.0 + r[0] * r[0]);
    }
    s
}

// r7: rows passed to another differentiable function
#[differentiable]
fn rdot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}
#[differentiable]
fn r7(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 1..w.len() {
        let r = &w[i];
        s += rdot(r, &w[i - 1]) * r[0];
    }
    s
}

// r8: 3-D params
#[differentiable]
fn r8(w: &[Vec<Vec<f64>>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let m = &w[i];
        for j in 0..m.len() {
            let r = &m[j];
            s += r[0] * r[1] + w[i][j][1] * w[(i + 1) % w.len()][j][0];
        }
    }
    s
}

// r9: arrays with loop index mutated
#[differentiable]
fn r9(w: &[[f64; 3]]) -> f64 {
    let mut s = 0.0;
    let mut k = w.len() - 1;
    for i in 0..w.len() {
        s += w[k][0] * w[i][1] * w[k][2];
        k = i;
    }
    s
}

// r12: iterate rows with for r in w
#[differentiable]
fn r12(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for r in w.iter() {
        s += r[0] * r[1] * r[2];
    }
    for r in w.iter().rev() {
        s += r[2] / (1.0 + r[1] * r[1]);
    }
    s
}

// r13: row index from loop var in while loop
#[differentiable]
fn r13(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < w.len() {
        let r = &w[i];
        i += 1;
        s += r[0] * r[2] + w[i % w.len()][1] * r[1];
    }
    s
}

// r15: slice of a row
#[differentiable]
fn r15(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let row = &w[i];
        let r = &row[1..];
        s += r[0] * r[1] * w[i][0];
    }
    s
}

// r16: row index from loop var with labeled continue and a reassigned row variable
#[differentiable]
fn r16(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    let mut r = &w[0];
    for i in 0..w.len() {
        s += r[0] * r[1];
        r = &w[i];
        s += r[2] * r[1];
    }
    s
}

#[test]
fn rows() {
    let (n, m) = (4, 3);
    let x = input(n * m);
    let w = rows_of(&x, m);
    macro_rules! bor {
        ($f:ident, $g:ident) => {
            check(stringify!($f), |y| $f(&rows_of(y, m)), &flat(&$g(&w).1), &x);
        };
    }
    bor!(r3, r3_grad);
    bor!(r4, r4_grad);
    let idx = vec![2usize, 0, 2, 3];
    check(
        "r5",
        |y| r5(&rows_of(y, m), idx.clone()),
        &flat(&r5_grad(&w, idx.clone()).1),
        &x,
    );
    bor!(r6, r6_grad);
    bor!(r7, r7_grad);
    let w3: Vec<Vec<Vec<f64>>> = x.chunks(6).map(|c| rows_of(c, 2)).collect();
    let to3 = |y: &[f64]| -> Vec<Vec<Vec<f64>>> { y.chunks(6).map(|c| rows_of(c, 2)).collect() };
    let g3: Vec<f64> = r8_grad(&w3).1.iter().flatten().flatten().copied().collect();
    check("r8", |y| r8(&to3(y)), &g3, &x);
    let arr = |y: &[f64]| -> Vec<[f64; 3]> { y.chunks(3).map(|c| [c[0], c[1], c[2]]).collect() };
    let g9: Vec<f64> = r9_grad(&arr(&x)).1.iter().flatten().copied().collect();
    check("r9", |y| r9(&arr(y)), &g9, &x);
    bor!(r12, r12_grad);
    bor!(r13, r13_grad);
    bor!(r15, r15_grad);
    bor!(r16, r16_grad);
}
