//! Rows of a parameter held for a loop's reverse sweep (`autodiff-macros/src/reverse/rows.rs`):
//! when a loop reads one row `w[k]` of a parameter and nothing else of it, the reverse sweep
//! fits that row of the gradient buffer once before the loop and adds every element read into
//! it. A row fitted too short, held for the wrong `k`, or held while another statement adds into
//! the same buffer shows up as a wrong gradient (or a panic), so every member here is a shape
//! where that could happen: dense layers over `&[Vec<f64>]`, ragged rows, reads that touch only
//! part of a row, a row index that is a literal, a `let` of the outer trip or a table entry,
//! rows that are arrays or matrices, `f32` and `T: Real`, a row held across two nested loops;
//! and loops that must not hold (two rows, the whole parameter, a row passed to a function).
//! Each gradient is checked against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::ptr_arg)]

use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A dense layer `Σ_i tanh(w_i · x)`: row `i` held by the inner loop.
#[differentiable]
fn layer(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let mut z = 0.0;
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        s += z.tanh();
    }
    s
}

/// Ragged rows, each read only up to `min(len, 3)` and at a quotient: the held row is fitted to
/// the row's own length, elements past the reads keep a zero gradient.
#[differentiable]
fn ragged(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let m = if w[i].len() < 3 { w[i].len() } else { 3 };
        for j in 0..m {
            s += w[i][j] / (1.5 + w[i][j] * w[i][j]);
        }
    }
    s
}

/// A literal row (`w[1][j]`) and a row picked by a table entry bound in the outer trip.
#[differentiable]
fn picked(w: &[Vec<f64>], #[no_grad] idx: &[usize]) -> f64 {
    let mut s = 0.0;
    for j in 0..w[1].len() {
        s += w[1][j] * w[1][j];
    }
    for m in 0..idx.len() {
        let k = idx[m];
        for j in 1..w[k].len() {
            s += (w[k][j] * w[k][j - 1]).sin();
        }
    }
    s
}

/// One row read across two nested loops (held by the outer of the two).
#[differentiable]
fn nested(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        for r in 0..2 {
            for j in 0..x.len() {
                s += w[i][j] * x[j] * (r as f64 + 1.0) + w[i][j] * w[i][j] * 0.1;
            }
        }
    }
    s
}

/// Rows that are arrays, and rows as a by-reference `Vec<Vec<f64>>`.
#[differentiable]
fn arrays(w: &[[f64; 3]], v: &Vec<Vec<f64>>) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..3 {
            s += w[i][j] * v[i][j] * (j as f64 - 0.5);
        }
    }
    s
}

/// Loops that must not hold a row: two rows of `w` in one loop, a row passed to a function
/// beside its element reads, and the whole parameter read in the loop.
#[differentiable]
fn not_held(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..w.len() {
        for j in 0..x.len() {
            s += w[i][j] * w[i - 1][j] * x[j];
        }
        for j in 0..x.len() {
            s += w[i][j] * x[j] + dot(&w[i], x) * 0.01;
        }
        for j in 0..x.len() {
            s += w[i][j] * w.len() as f64 + w[0][j];
        }
    }
    s
}

#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..b.len() {
        s += a[j] * b[j];
    }
    s
}

/// `T: Real` rows.
#[differentiable]
fn generic<T: Real>(w: &[Vec<T>], x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..w.len() {
        let mut z = T::zero();
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        s += z.sin();
    }
    s
}

/// Rows that are matrices, read at `(r, c)`: held through their buffer (each add as before).
#[differentiable]
fn matrices(m: &[DMatrix<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..m.len() {
        for j in 0..x.len() {
            s += m[k][(j % 2, j / 2)] * x[j] * m[k][(0, 0)];
        }
    }
    s
}

/// A caller of [`layer`] (its companion holds nothing: its adds follow the caller's slot).
#[differentiable]
fn two_layers(w: &[Vec<f64>], x: &[f64]) -> f64 {
    layer(w, x) * layer(w, x) + layer(w, &x[..2])
}

fn rows(n: usize, m: usize, amp: f64) -> Vec<Vec<f64>> {
    rows_of(&sines(n * m, amp), m)
}

#[test]
fn held_rows_against_central_differences() {
    let (n, m) = (4, 5);
    let split_wx = |p: &[f64]| (rows_of(&p[..n * m], m), p[n * m..].to_vec());
    for amp in [0.3, 0.9] {
        let p = sines(n * m + m, amp);
        let (w, x) = split_wx(&p);

        let (gw, gx) = layer_grad(&w, &x).1;
        let g = join(flat(&gw), gx);
        check(
            "layer",
            |p| {
                let (w, x) = split_wx(p);
                layer(&w, &x)
            },
            &g,
            &p,
        );

        let (gw, gx) = nested_grad(&w, &x).1;
        let g = join(flat(&gw), gx);
        check(
            "nested",
            |p| {
                let (w, x) = split_wx(p);
                nested(&w, &x)
            },
            &g,
            &p,
        );

        let (gw, gx) = not_held_grad(&w, &x).1;
        let g = join(flat(&gw), gx);
        check(
            "not_held",
            |p| {
                let (w, x) = split_wx(p);
                not_held(&w, &x)
            },
            &g,
            &p,
        );

        let (gw, gx) = two_layers_grad(&w, &x).1;
        let g = join(flat(&gw), gx);
        check(
            "two_layers",
            |p| {
                let (w, x) = split_wx(p);
                two_layers(&w, &x)
            },
            &g,
            &p,
        );

        let idx = [2, 0, 2, 3];
        let w = rows(n, m, amp);
        check(
            "picked",
            |p| picked(&rows_of(p, m), &idx),
            &flat(&picked_grad(&w, &idx).1),
            &flat(&w),
        );
    }
}

#[test]
fn ragged_rows_are_fitted_to_their_own_length() {
    let lens = [5, 1, 0, 3, 4];
    let total: usize = lens.iter().sum();
    let cut = |p: &[f64]| {
        let mut at = 0;
        lens.iter()
            .map(|&l| {
                at += l;
                p[at - l..at].to_vec()
            })
            .collect::<Vec<_>>()
    };
    let p = sines(total, 0.8);
    let g = ragged_grad(&cut(&p)).1;
    for (row, &l) in g.iter().zip(&lens) {
        assert!(row.len() == l || row.is_empty(), "row of {l}: {row:?}");
        for v in row.iter().skip(3) {
            assert!(v.abs() < 1e-15, "element past the reads: {v}");
        }
    }
    let padded: Vec<f64> = g
        .iter()
        .zip(&lens)
        .flat_map(|(row, &l)| (0..l).map(|j| row.get(j).copied().unwrap_or(0.0)))
        .collect();
    check("ragged", |p| ragged(&cut(p)), &padded, &p);
}

#[test]
fn array_rows_vec_rows_and_generic_rows() {
    let n = 4;
    let split = |p: &[f64]| {
        let w: Vec<[f64; 3]> = p[..3 * n].chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
        (w, rows_of(&p[3 * n..], 3))
    };
    let p = sines(6 * n, 0.7);
    let (w, v) = split(&p);
    let (gw, gv) = arrays_grad(&w, &v).1;
    let g: Vec<f64> = gw.iter().flatten().copied().chain(flat(&gv)).collect();
    check(
        "arrays",
        |p| {
            let (w, v) = split(p);
            arrays(&w, &v)
        },
        &g,
        &p,
    );

    let (r, m) = (3, 4);
    let p = sines(r * m + m, 0.6);
    let (w, x) = (rows_of(&p[..r * m], m), p[r * m..].to_vec());
    let (gw, gx) = generic_grad(&w, &x).1;
    let g = join(flat(&gw), gx);
    check(
        "generic f64",
        |p| generic(&rows_of(&p[..r * m], m), &p[r * m..]),
        &g,
        &p,
    );
    // f32: the same function, against the f64 gradient.
    let w32: Vec<Vec<f32>> = w
        .iter()
        .map(|r| r.iter().map(|v| *v as f32).collect())
        .collect();
    let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
    let (gw32, gx32) = generic_grad(&w32, &x32).1;
    let g32: Vec<f64> = gw32
        .iter()
        .flatten()
        .chain(&gx32)
        .map(|v| *v as f64)
        .collect();
    for (a, b) in g32.iter().zip(&g) {
        assert!((a - b).abs() < 1e-5 * (1.0 + b.abs()), "f32 {a} vs f64 {b}");
    }
}

#[test]
fn matrix_rows_add_through_their_buffer() {
    let k = 3;
    let cut = |p: &[f64]| {
        let m: Vec<DMatrix<f64>> = (0..k)
            .map(|i| DMatrix::from_column_slice(2, 2, &p[4 * i..4 * i + 4]))
            .collect();
        (m, p[4 * k..].to_vec())
    };
    let p = sines(4 * k + 4, 0.9);
    let (m, x) = cut(&p);
    let (gm, gx) = matrices_grad(&m, &x).1;
    let g: Vec<f64> = gm
        .iter()
        .flat_map(|a| a.as_slice().to_vec())
        .chain(gx)
        .collect();
    check(
        "matrices",
        |p| {
            let (m, x) = cut(p);
            matrices(&m, &x)
        },
        &g,
        &p,
    );
}
