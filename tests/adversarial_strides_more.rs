//! More adversarial cases for rebuilt indices: a `let` whose definition reads a variable
//! reassigned after it (`let base = m * d; m = 0;`, which must read `base`'s saved value, not
//! rebuild it from the new `m`), counters in indices, offsets chosen by branches, and
//! Hessian-vector products. Every gradient against central differences.

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

// t1: offset let inside loop depends on a mutable accumulator
#[differentiable]
fn t1(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        let off = if s > 0.3 { 2 } else { 0 };
        s += x[i * d + off] * x[i * d + 1];
    }
    s
}

// t2: base let inside loop from a mutable counter
#[differentiable]
fn t2(x: &[f64]) -> f64 {
    let d = 3;
    let mut m = 3;
    let mut s = 0.0;
    for i in 0..4 {
        let base = m * d;
        m = (m + 2) % 4;
        for j in 0..d {
            s += x[base + j] * x[i * d + j];
        }
    }
    s
}

// t3: stride let inside loop from a mutable counter
#[differentiable]
fn t3(x: &[f64]) -> f64 {
    let mut c = 1;
    let mut s = 0.0;
    for i in 0..4 {
        let d = c;
        c += 1;
        s += x[i * d] * x[i * d + 1];
    }
    s
}

// t4: stride let from a mutable counter outside the loop, counter changed in loop
#[differentiable]
fn t4(x: &[f64]) -> f64 {
    let mut c = 2;
    let d = c;
    let mut s = 0.0;
    for i in 0..4 {
        c += 1;
        let e = c;
        s += x[i * d] * x[i * d + 1] + x[e] * x[i];
    }
    s
}

// t5: offset from data in a local vec that is rewritten later
#[differentiable]
fn t5(x: &[f64]) -> f64 {
    let d = 3;
    let mut sel = vec![0usize; 4];
    let mut s = 0.0;
    for i in 0..4 {
        s += x[i * d + sel[i]] * x[i * d + sel[i] + 1];
        sel[i] = 1;
        s += x[i * d + sel[i]] * x[i];
    }
    s
}

// t6: enumerate loop variable
#[differentiable]
fn t6(x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for (i, yi) in y.iter().enumerate() {
        for j in 0..d {
            s += x[i * d + j] * x[i * d + j] * yi;
        }
    }
    s
}

// u1: row index let from a mutable counter changed later
#[differentiable]
fn u1(w: &[Vec<f64>]) -> f64 {
    let mut m = 0;
    let mut s = 0.0;
    for i in 0..w.len() {
        let k = m;
        m = (m + 3) % w.len();
        s += w[k][0] * w[k][1] + w[m][2] * w[k][2];
    }
    s
}

// u2: row index from data-dependent accumulator
#[differentiable]
fn u2(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let k = if s > 0.05 { 1 } else { 3 };
        let r = &w[k];
        s += r[0] * r[1] * r[2];
    }
    s
}

// u3: inner loop var shadowing row index
#[differentiable]
fn u3(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let r = &w[i];
        for i in 0..r.len() {
            s += r[i] * r[0] * w[i][1];
        }
    }
    s
}

// u4: element index mutable
#[differentiable]
fn u4(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let r = &w[i];
        let mut j = 0;
        s += r[j] * r[j + 1];
        j = 2;
        s += r[j] * r[0] * w[i][j];
    }
    s
}

// u5: index from a local vec rewritten later
#[differentiable]
fn u5(w: &[Vec<f64>]) -> f64 {
    let mut idx = vec![0usize, 1, 2, 3];
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[idx[i]][0] * w[idx[i]][1];
        idx[i] = (i + 2) % 4;
        s += w[idx[i]][2] * w[i][2];
    }
    s
}

// u6: row chosen by a table of rows taken before loop with break/continue
#[differentiable]
fn u6(w: &[Vec<f64>]) -> f64 {
    let a = &w[0];
    let b = &w[3];
    let mut s = 0.0;
    for j in 0..a.len() {
        if j == 1 {
            continue;
        }
        let r = if j == 0 { a } else { b };
        s += r[j] * r[0] / (1.0 + b[j] * b[j]);
    }
    s
}

#[differentiable(order = 2)]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

// v3: call in condition of an if nested in a loop with break
#[differentiable(order = 2)]
fn v3(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 3 > p.len() {
            break;
        }
        if dot3(&p[i..], &p[i..]) > 0.33 {
            s += dot3(&p[i..], p).sin();
        } else if dot3(&p[i..], p) > 0.0 {
            s += p[i] * p[i] * p[i];
        } else {
            s += dot3(&p[i..], p).exp();
        }
    }
    s
}

// v4: match scrutinee with slice only valid in the arm path
#[differentiable(order = 2)]
fn v4(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 3 <= p.len() {
            s += match dot3(&p[i..], p) > 0.0 {
                true => p[i] * dot3(&p[i..], &p[i..]),
                false => p[i].cos(),
            };
        }
    }
    s
}

#[test]
fn more() {
    let x = input(16);
    for (n, f, g) in [
        (
            "t1",
            t1 as fn(&[f64]) -> f64,
            t1_grad as fn(&[f64]) -> (f64, Vec<f64>),
        ),
        ("t2", t2, t2_grad),
        ("t3", t3, t3_grad),
        ("t4", t4, t4_grad),
        ("t5", t5, t5_grad),
    ] {
        check(n, f, &g(&x).1, &x);
    }
    let y = [0.5, -1.0, 2.0, 0.3];
    check("t6", |z| t6(z, &y), &t6_grad(&x, &y).1, &x);
    let xw = input(12);
    let w = rows_of(&xw, 3);
    macro_rules! bor {
        ($f:ident, $g:ident) => {
            check(
                stringify!($f),
                |y| $f(&rows_of(y, 3)),
                &flat(&$g(&w).1),
                &xw,
            );
        };
    }
    bor!(u1, u1_grad);
    bor!(u2, u2_grad);
    bor!(u3, u3_grad);
    bor!(u4, u4_grad);
    bor!(u5, u5_grad);
    bor!(u6, u6_grad);
    let sets: Vec<Vec<f64>> = vec![
        vec![0.3, -0.4, 0.5, 0.2, -0.1, 0.6],
        vec![0.9, 0.7, -0.3, 0.8, 0.45, -0.55, 0.25],
        vec![-0.2, 0.1, 0.15, -0.35],
    ];
    let v0 = [0.5, 0.1, -0.3, 0.7, 0.2, -0.4, 0.3];
    macro_rules! c {
        ($f:ident, $g:ident, $h:ident) => {
            for x in &sets {
                let v = &v0[..x.len()];
                let name = format!("{} {:?}", stringify!($f), x);
                check(&name, |y| $f(y), &$g(x).1, x);
                let (_, _, hv) = $h(x, v.to_vec());
                check_hvp(&name, |y| $g(y).1, &hv, x, v);
            }
        };
    }
    c!(v3, v3_grad, v3_hvp);
    c!(v4, v4_grad, v4_hvp);
}
