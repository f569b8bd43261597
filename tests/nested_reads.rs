//! Reads of an element of an element, `w[i][j]` (directly, or through `let row = &w[i];`) of a
//! parameter such as `&[Vec<f64>]`: the reverse sweep adds `dw[i][j] += dy` in place in `w`'s
//! gradient buffer instead of building an adjoint of the row `w[i]` per read (which cost a `Vec`
//! and a pass over the row per element). Covered: a dense layer written with nested loops, a
//! row read several times, a row also passed to a call, rows that are arrays, `&Vec<Vec<_>>`,
//! matrices in a `Vec`, an index that changes after the row is taken (the general path), three
//! levels, reads in branches and loops left by `break`, generic and `f32` code, the pullback and
//! `order = 2`. Every gradient against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::ptr_arg)]

use autodiff::check::{Tolerance, check_gradient};
use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

/// `Σ_i tanh(Σ_j w_ij x_j)`: one dense layer.
#[differentiable(order = 2)]
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

#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        s += a[k] * b[k];
    }
    s
}

/// A row read several times, and passed to a call beside its element reads.
#[differentiable]
fn rows(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let r = &w[i];
        s += r[0] * r[1] - r[r.len() - 1].sin() + dot(r, &w[0]) * r[0];
    }
    s
}

/// Rows that are arrays.
#[differentiable]
fn arrays(w: &[[f64; 3]]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i][0] * w[i][2] + w[i][1].exp();
    }
    s
}

#[differentiable]
fn vec_of_vecs(w: &Vec<Vec<f64>>) -> f64 {
    let mut s = 0.0;
    for i in 1..w.len() {
        for j in 0..w[i].len() {
            s += w[i][j] * w[i - 1][j];
        }
    }
    s
}

/// Matrices in a `Vec`, read by `(row, column)`.
#[differentiable]
fn matrices(ms: &[DMatrix<f64>]) -> f64 {
    let mut s = 0.0;
    for k in 0..ms.len() {
        s += ms[k][(0, 1)] * ms[k][(1, 0)] + ms[k][(1, 1)];
    }
    s
}

/// The index changes after the row is taken: the row's reads keep the general path.
#[differentiable]
fn moved_index(w: &[Vec<f64>]) -> f64 {
    let mut i = 0;
    let r = &w[i];
    i = 1;
    r[1] * 3.0 + w[i][0] * r[0]
}

/// Three levels.
#[differentiable]
fn cube(t: &[Vec<Vec<f64>>]) -> f64 {
    let mut s = 0.0;
    for i in 0..t.len() {
        for j in 0..t[i].len() {
            s += t[i][j][0] * t[i][j][1];
        }
    }
    s
}

/// Reads in branches, and a loop left by `break`.
#[differentiable]
fn branchy(w: &[Vec<f64>], #[no_grad] cut: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let r = &w[i];
        if r[0] > cut {
            s += r[1] * r[1];
        } else {
            s -= r[0] * 2.0;
        }
        for j in 0..r.len() {
            if r[j] > 0.7 {
                break;
            }
            s += r[j] * 0.5;
        }
    }
    s
}

#[differentiable]
fn layer_t<T: Real>(w: &[Vec<T>], x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..w.len() {
        let mut z = T::zero();
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        s += z.tanh();
    }
    s
}

/// `grad` against central differences of `f` at `x` (`autodiff::check::check_gradient`).
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    if let Err(e) = check_gradient(f, x, grad, 1e-6, Tolerance::new(1e-6, 1e-6)) {
        panic!("{name}: {e}");
    }
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

/// `n` rows of `m` from a flat vector, and back.
fn rows_of(x: &[f64], m: usize) -> Vec<Vec<f64>> {
    x.chunks(m).map(<[f64]>::to_vec).collect()
}
fn flat(w: &[Vec<f64>]) -> Vec<f64> {
    w.iter().flatten().copied().collect()
}

#[test]
fn nested_reads_of_parameters_against_central_differences() {
    let (n, m) = (4, 5);
    let x = input(n * m + m);
    let split = |x: &[f64]| (rows_of(&x[..n * m], m), x[n * m..].to_vec());
    let (w, v) = split(&x);
    let (y, (gw, gv)) = layer_grad(&w, &v);
    assert!((y - layer(&w, &v)).abs() < 1e-12);
    let mut g = flat(&gw);
    g.extend(gv);
    check(
        "layer",
        |x| {
            let (w, v) = split(x);
            layer(&w, &v)
        },
        &g,
        &x,
    );

    let x = input(n * m);
    let w = rows_of(&x, m);
    check(
        "rows",
        |x| rows(&rows_of(x, m)),
        &flat(&rows_grad(&w).1),
        &x,
    );
    check(
        "vec_of_vecs",
        |x| vec_of_vecs(&rows_of(x, m)),
        &flat(&vec_of_vecs_grad(&w).1),
        &x,
    );
    check(
        "moved_index",
        |x| moved_index(&rows_of(x, m)),
        &flat(&moved_index_grad(&w).1),
        &x,
    );
    for cut in [-0.5, 0.0, 0.5] {
        let g = flat(&branchy_grad(&w, cut).1);
        check("branchy", |x| branchy(&rows_of(x, m), cut), &g, &x);
    }

    let x = input(12);
    let arr = |x: &[f64]| -> Vec<[f64; 3]> { x.chunks(3).map(|c| [c[0], c[1], c[2]]).collect() };
    let g: Vec<f64> = arrays_grad(&arr(&x)).1.iter().flatten().copied().collect();
    check("arrays", |x| arrays(&arr(x)), &g, &x);

    let mats = |x: &[f64]| -> Vec<DMatrix<f64>> {
        x.chunks(4)
            .map(|c| DMatrix::from_row_slice(2, 2, c))
            .collect()
    };
    let gm = matrices_grad(&mats(&x)).1;
    let g: Vec<f64> = gm
        .iter()
        .flat_map(|m| m.transpose().iter().copied().collect::<Vec<_>>())
        .collect();
    check("matrices", |x| matrices(&mats(x)), &g, &x);

    let cubes = |x: &[f64]| -> Vec<Vec<Vec<f64>>> { x.chunks(4).map(|c| rows_of(c, 2)).collect() };
    let g: Vec<f64> = cube_grad(&cubes(&x))
        .1
        .iter()
        .flatten()
        .flatten()
        .copied()
        .collect();
    check("cube", |x| cube(&cubes(x)), &g, &x);
}

#[test]
fn nested_reads_in_generic_f32_pullback_and_second_order() {
    let (n, m) = (3, 4);
    let w = rows_of(&input(n * m), m);
    let v = input(m + 3)[3..].to_vec();
    let (_, (gw, gv)) = layer_grad(&w, &v);
    let (_, (tw, tv)) = layer_t_grad(&w, &v);
    for (a, b) in flat(&gw).iter().chain(&gv).zip(flat(&tw).iter().chain(&tv)) {
        assert!((a - b).abs() < 1e-12, "generic {b} vs {a}");
    }
    let w32: Vec<Vec<f32>> = w
        .iter()
        .map(|r| r.iter().map(|x| *x as f32).collect())
        .collect();
    let v32: Vec<f32> = v.iter().map(|x| *x as f32).collect();
    let (_, (w32g, _)) = layer_t_grad(&w32, &v32);
    for (a, b) in flat(&gw).iter().zip(w32g.iter().flatten()) {
        assert!((f64::from(*b) - a).abs() < 1e-5, "f32 {b} vs {a}");
    }
    // the pullback scales with the cotangent, run twice
    let (_, pb) = layer_vjp(&w, &v);
    for _ in 0..2 {
        let (pw, pv) = pb(-1.5);
        for (a, b) in flat(&pw).iter().chain(&pv).zip(flat(&gw).iter().chain(&gv)) {
            assert!((a + 1.5 * b).abs() < 1e-12, "{a} vs -1.5 * {b}");
        }
    }
    // H·v along a direction in (w, x), against central differences of the gradient
    let dw: Vec<Vec<f64>> = w
        .iter()
        .map(|r| r.iter().map(|x| 0.3 - x).collect())
        .collect();
    let dv: Vec<f64> = v.iter().map(|x| 0.5 * x + 0.1).collect();
    let (_, _, (hw, hv)) = layer_hvp(&w, &v, dw.clone(), dv.clone());
    let h = 1e-5;
    let at = |s: f64| {
        let ws: Vec<Vec<f64>> = w
            .iter()
            .zip(&dw)
            .map(|(r, d)| r.iter().zip(d).map(|(a, b)| a + s * b).collect())
            .collect();
        let vs: Vec<f64> = v.iter().zip(&dv).map(|(a, b)| a + s * b).collect();
        let (_, (gw, gv)) = layer_grad(&ws, &vs);
        let mut g = flat(&gw);
        g.extend(gv);
        g
    };
    let (gp, gm) = (at(h), at(-h));
    let got: Vec<f64> = flat(&hw).into_iter().chain(hv).collect();
    for i in 0..got.len() {
        let fd = (gp[i] - gm[i]) / (2.0 * h);
        assert!((got[i] - fd).abs() < 1e-6, "hvp[{i}] {} vs {fd}", got[i]);
    }
}
