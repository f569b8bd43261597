//! Local grids of rows (`Vec<Vec<f64>>`, arrays of arrays, `Vec<[f64; 2]>`) read and written
//! only by element (`u[i][j]`, `u[i][j] = e`, one access at `At2(i, j)`) and moved whole: their
//! adjoint is a dense buffer of row adjoints (no `Option` per access, the buffers swapped on a
//! move). Covered: a grid copied from a parameter of rows, a fresh grid per step, a double
//! buffer with `std::mem::swap`, a grid passed by shared borrow to a helper of the user's, an
//! array of arrays, a `Vec` of pairs, a grid whose rows are also borrowed (the general path),
//! rows of different lengths, generic `f32` code, the pullback, forward mode and a
//! Hessian-vector product. Every derivative against central differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// `z` cut into rows of `m`.
fn rows(z: &[f64], m: usize) -> Vec<Vec<f64>> {
    z.chunks(m).map(|r| r.to_vec()).collect()
}

/// Diffusion on a copy of the parameter grid, a fresh grid per step, a weighted square loss.
#[differentiable]
fn grid_fresh(u0: &[Vec<f64>], k: f64) -> f64 {
    let n = u0.len();
    let m = u0[0].len();
    let mut u = u0.to_vec();
    for _ in 0..3 {
        let mut next = vec![vec![0.0; m]; n];
        for i in 0..n {
            for j in 0..m {
                let up = if i > 0 { u[i - 1][j] } else { 0.0 };
                let left = if j > 0 { u[i][j - 1] } else { 0.0 };
                next[i][j] = u[i][j] + k * (up + left - 2.0 * u[i][j]) * u[i][j];
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..m {
            s += (1.0 + (i * m + j) as f64) * u[i][j] * u[i][j];
        }
    }
    s
}

/// The double-buffer form: two grids swapped each step.
#[differentiable]
fn grid_swap(u0: &[f64], k: f64) -> f64 {
    let n = 4;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = u0[i * n + j];
        }
    }
    let mut v = vec![vec![0.0; n]; n];
    for _ in 0..3 {
        for i in 1..n - 1 {
            for j in 1..n - 1 {
                v[i][j] = u[i][j] + k * (u[i + 1][j] + u[i][j + 1] - 2.0 * u[i][j]).sin();
            }
        }
        std::mem::swap(&mut u, &mut v);
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += u[i][j] * u[i][j] + 0.5 * v[i][j];
        }
    }
    s
}

/// A helper of the user's reading a grid by rows.
#[differentiable]
fn energy(g: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += g[i][j] * g[i][j] * (1.0 + j as f64);
        }
    }
    s
}

/// A local grid filled by element and passed by shared borrow, twice.
#[differentiable]
fn grid_to_helper(x: &[f64]) -> f64 {
    let mut g = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            g[i][j] = x[i * 3 + j].exp();
        }
    }
    let a = energy(&g);
    for j in 0..3 {
        g[1][j] = g[0][j] * x[j];
    }
    a + energy(&g).sqrt() + g[1][2] * g[0][0]
}

/// An array of arrays, copied whole each step.
#[differentiable]
fn array_grid(x: &[f64]) -> f64 {
    let mut a = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            a[i][j] = x[3 * i + j];
        }
    }
    for _ in 0..2 {
        let mut b = [[0.0; 3]; 3];
        for i in 0..3 {
            for j in 0..3 {
                b[i][j] = a[j][i] * a[i][(j + 1) % 3] + a[i][j];
            }
        }
        a = b;
    }
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            s += a[i][j].tanh();
        }
    }
    s
}

/// A `Vec` of pairs, written and read by element (second order too).
#[differentiable(order = 2)]
fn pairs(x: &[f64]) -> f64 {
    let mut p = vec![[0.0, 0.0]; x.len()];
    for i in 0..x.len() {
        p[i][0] = x[i].cos();
        p[i][1] = x[i] * x[(i + 1) % x.len()];
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += p[i][0] * p[i][1] + p[(i + 2) % x.len()][1];
    }
    s
}

/// A grid whose rows are also borrowed (`&g[i]`): the general path, for contrast.
#[differentiable]
fn borrowed_rows(x: &[f64]) -> f64 {
    let mut g = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            g[i][j] = x[2 * i + j] * x[j];
        }
    }
    let r = &g[1];
    r[0] * g[0][1] + r[1].sin()
}

/// Rows of different lengths (a triangle), written and read by element.
#[differentiable]
fn ragged(x: &[f64]) -> f64 {
    let n = 4;
    let mut t = vec![vec![0.0; 1]; 1];
    for i in 1..n {
        t.push(vec![0.0; i + 1]);
    }
    for i in 0..n {
        for j in 0..i + 1 {
            t[i][j] = x[i] * x[j] + 0.1 * j as f64;
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..i + 1 {
            s += t[i][j] * t[i][i - j];
        }
    }
    s
}

/// Reads of one element twice (read once), of the same `(i, j)` after `j` changed, and after a
/// write to the grid (read again both times).
#[differentiable]
fn rereads(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for i in 1..u.len() {
        let mut j = 1;
        let a = u[i][j] + k * (u[i - 1][j] - 4.0 * u[i][j]);
        s += a * a;
        j += 1;
        let b = u[i][j];
        u[i][j] = b * k;
        let c = u[i][j];
        u[i][0] = c.sin();
        s += b * c + u[i][0] * u[i][j];
    }
    s
}

/// Generic over the float type.
#[differentiable]
fn grid_generic<T: Real>(x: &[T], k: T) -> T {
    let n = 3;
    let mut u = vec![vec![T::zero(); n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    for _ in 0..2 {
        let mut v = vec![vec![T::zero(); n]; n];
        for i in 0..n {
            for j in 0..n {
                v[i][j] = u[i][j] * (T::one() - k * u[(i + 1) % n][j]);
            }
        }
        u = v;
    }
    let mut s = T::zero();
    for i in 0..n {
        for j in 0..n {
            s += u[i][j] * u[i][j];
        }
    }
    s
}

#[test]
fn dense_rows_against_central_differences() {
    let g0 = rows(&sines(12, 0.7), 4);
    let (val, (gu, gk)) = grid_fresh_grad(&g0, 0.3);
    assert!((val - grid_fresh(&g0, 0.3)).abs() < 1e-12);
    let mut p = g0.concat();
    p.push(0.3);
    check(
        "grid_fresh",
        |z| grid_fresh(&rows(&z[..12], 4), z[12]),
        &[gu.concat(), vec![gk]].concat(),
        &p,
    );

    let g0 = rows(&sines(12, 1.3), 3);
    let (_, (gu, gk)) = rereads_grad(&g0, 0.7);
    let mut p = g0.concat();
    p.push(0.7);
    check(
        "rereads",
        |z| rereads(&rows(&z[..12], 3), z[12]),
        &[gu.concat(), vec![gk]].concat(),
        &p,
    );

    let u0 = sines(16, 0.9);
    let (_, (gu, gk)) = grid_swap_grad(&u0, 0.4);
    check(
        "grid_swap",
        |z| grid_swap(&z[..16], z[16]),
        &[gu, vec![gk]].concat(),
        &[u0.clone(), vec![0.4]].concat(),
    );

    let x = sines(6, 0.4);
    let (_, g) = grid_to_helper_grad(&x);
    check("grid_to_helper", grid_to_helper, &g, &x);

    let x = sines(9, 0.8);
    let (_, g) = array_grid_grad(&x);
    check("array_grid", array_grid, &g, &x);

    let x = sines(5, 1.1);
    let (_, g) = pairs_grad(&x);
    check("pairs", pairs, &g, &x);

    let x = sines(4, 0.9);
    let (_, g) = borrowed_rows_grad(&x);
    check("borrowed_rows", borrowed_rows, &g, &x);

    let x = sines(4, 1.3);
    let (_, g) = ragged_grad(&x);
    check("ragged", ragged, &g, &x);

    let x = sines(9, 0.6);
    let (_, (gx, gk)) = grid_generic_grad(&x, 0.2);
    check(
        "grid_generic",
        |z| grid_generic(&z[..9], z[9]),
        &[gx.clone(), vec![gk]].concat(),
        &[x.clone(), vec![0.2]].concat(),
    );
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (gx32, gk32)) = grid_generic_grad(&x32, 0.2f32);
    for (a, b) in gx.iter().chain([&gk]).zip(gx32.iter().chain([&gk32])) {
        assert!(
            (a - *b as f64).abs() < 1e-3 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
}

#[test]
fn pullback_forward_mode_and_hvp() {
    let g0 = rows(&sines(12, 0.7), 4);
    let (_, (gu, gk)) = grid_fresh_grad(&g0, 0.3);
    let (_, pb) = grid_fresh_vjp(&g0, 0.3);
    let (pu, pk) = pb(-1.5);
    assert!((pk + 1.5 * gk).abs() < 1e-9 * (1.0 + gk.abs()));
    for (a, b) in pu.concat().iter().zip(gu.concat()) {
        assert!((a + 1.5 * b).abs() < 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
    }

    // forward mode: the directional derivative is the gradient's dot with the tangent
    let x = sines(9, 0.8);
    let t = sines(9, 1.7);
    let (_, g) = array_grid_grad(&x);
    let (_, dy) = array_grid_jvp(&x, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((dy - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{dy} vs {dot}");

    // Hessian-vector product against central differences of the gradient
    let x = sines(5, 1.1);
    let v = sines(5, 0.3);
    let (_, _, hv) = pairs_hvp(&x, v.clone());
    check_hvp("pairs", |z| pairs_grad(z).1, &hv, &x, &v);
}
