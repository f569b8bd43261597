//! Element writes into the rows of a local (`w[i][j] = e`, `w[i][j] += e`) on a `Vec<Vec<f64>>`,
//! a `Vec<[f64; 2]>` and an array of arrays: one write on `w` at `At2(i, j)`, whose adjoint the
//! runtime takes out of row `i`, element `j`. Covered: a 2-D diffusion stencil on a grid with a
//! fresh grid per step (the way people write 2-D stencils), compound assignments, computed row
//! and column indices, writes mixed with whole-row writes and row reads, a grid written and
//! never read, a `while` loop with `break`, generic and `f32` code, forward mode (`NAME_jvp`),
//! the pullback and `order = 2`. Every derivative against central differences in f64.

#![allow(clippy::needless_range_loop, clippy::useless_vec)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// Explicit 2-D diffusion on an `n × n` grid, zero outside the interior, 4 steps, a fresh grid
/// per step; loss `Σ (2 g_ij)²` after scaling each cell in place.
#[differentiable]
fn diffusion(u0: &[f64], k: f64) -> f64 {
    let n = 5;
    let mut g = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            g[i][j] = u0[i * n + j];
        }
    }
    for _ in 0..4 {
        let mut next = vec![vec![0.0; n]; n];
        for i in 1..n - 1 {
            for j in 1..n - 1 {
                let lap = g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1] - 4.0 * g[i][j];
                next[i][j] = g[i][j] + k * lap;
            }
        }
        g = next;
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            g[i][j] *= 2.0;
            s += g[i][j] * g[i][j];
        }
    }
    s
}

/// Compound assignments at computed indices, a whole-row write between element writes, and a
/// row read by reference after them.
#[differentiable]
fn compound(x: &[f64]) -> f64 {
    let mut w = vec![vec![1.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            w[i][j] += x[i] * x[j];
            w[(i + 1) % 3][2 - j] *= x[j].sin() + 1.5;
        }
    }
    w[1] = vec![x[0] * 3.0, w[0][1], x[2]];
    w[1][2] -= w[2][0] * x[1];
    let row = &w[1];
    let mut s = 0.0;
    for j in 0..3 {
        s += row[j] * (j as f64 + 1.0) + w[2][j] * w[0][j];
    }
    s
}

/// Rows that are arrays (`Vec<[f64; 2]>`) and an array of arrays.
#[differentiable]
fn array_rows(x: &[f64]) -> f64 {
    let mut v = vec![[0.0; 2]; 3];
    let mut a = [[0.0; 2]; 2];
    for i in 0..3 {
        v[i][0] = x[i] * x[i];
        v[i][1] = x[i] + 1.0;
    }
    for i in 0..2 {
        for j in 0..2 {
            a[i][j] = v[i + j][j] * x[i];
        }
    }
    a[1][1] += v[2][0];
    a[0][0] * a[1][1] - a[0][1] * a[1][0]
}

/// A grid written and never read afterwards (its adjoint is all zero), beside the real work.
#[differentiable]
fn written_only(x: &[f64]) -> f64 {
    let mut unused = vec![vec![0.0; 2]; 2];
    unused[1][0] = x[0] * 5.0;
    x[0] * x[1]
}

/// A triangular table filled in a `while` loop that leaves by `break`.
#[differentiable]
fn triangle(x: &[f64]) -> f64 {
    let n = x.len();
    let mut t = vec![vec![0.0; n]; n];
    let mut i = 0;
    while i < n {
        if i == 3 {
            break;
        }
        for j in 0..=i {
            t[i][j] = if j == 0 { x[i] } else { t[i - 1][j - 1] * x[i] };
        }
        i += 1;
    }
    let mut s = 0.0;
    for r in 0..n {
        for c in 0..n {
            s += t[r][c];
        }
    }
    s
}

/// [`diffusion`] over any real type, one step on a 4 × 4 grid.
#[differentiable]
fn diffusion_generic<T: Real>(u0: &[T], k: T) -> T {
    let n = 4;
    let mut g = vec![vec![T::zero(); n]; n];
    for i in 0..n {
        for j in 0..n {
            g[i][j] = u0[i * n + j];
        }
    }
    let mut next = vec![vec![T::zero(); n]; n];
    for i in 1..n - 1 {
        for j in 1..n - 1 {
            next[i][j] = g[i][j] + k * (g[i - 1][j] + g[i + 1][j] - g[i][j] * T::from_f64(2.0));
        }
    }
    let mut s = T::zero();
    for i in 0..n {
        for j in 0..n {
            s += next[i][j] * next[i][j];
        }
    }
    s
}

/// Nested writes in second-order code.
#[differentiable(order = 2)]
fn outer_products(x: &[f64]) -> f64 {
    let n = x.len();
    let mut m = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            m[i][j] = x[i] * x[j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += m[i][(i + 1) % n] * m[i][i];
    }
    s
}

/// `(u0, k)` as one point and back.
fn stencil_point(n: usize, k: f64) -> Vec<f64> {
    let mut p = sines(n, 1.0);
    p.push(k);
    p
}

#[test]
fn nested_writes_against_central_differences() {
    let p = stencil_point(25, 0.15);
    let (val, (gu, gk)) = diffusion_grad(&p[..25], p[25]);
    assert!((val - diffusion(&p[..25], p[25])).abs() < 1e-12);
    let mut g = gu;
    g.push(gk);
    check("diffusion", |y| diffusion(&y[..25], y[25]), &g, &p);

    for (name, f, grad, n) in [
        (
            "compound",
            compound as fn(&[f64]) -> f64,
            compound_grad as fn(&[f64]) -> (f64, Vec<f64>),
            3,
        ),
        ("array_rows", array_rows, array_rows_grad, 3),
        ("written_only", written_only, written_only_grad, 2),
        ("triangle", triangle, triangle_grad, 5),
        ("outer_products", outer_products, outer_products_grad, 4),
    ] {
        let x = sines(n, 0.9);
        let (val, g) = grad(&x);
        assert!((val - f(&x)).abs() < 1e-12, "{name}: value");
        check(name, f, &g, &x);
    }
}

#[test]
fn forward_mode_pullback_generic_and_hvp() {
    // forward mode: the directional derivative against the gradient's dot product
    let p = stencil_point(25, 0.15);
    let (u0, k) = (&p[..25], p[25]);
    let (_, (gu, gk)) = diffusion_grad(u0, k);
    let du = sines(25, 0.3);
    let dk = 0.7;
    let (val, dval) = diffusion_jvp(u0, k, du.clone(), dk);
    assert!((val - diffusion(u0, k)).abs() < 1e-12);
    let dot: f64 = gu.iter().zip(&du).map(|(a, b)| a * b).sum::<f64>() + gk * dk;
    assert!(
        (dval - dot).abs() < 1e-9 * (1.0 + dot.abs()),
        "{dval} vs {dot}"
    );

    // the pullback with a cotangent of -1.5
    let x = sines(3, 0.9);
    let (_, g) = compound_grad(&x);
    let (_, pb) = compound_vjp(&x);
    for (a, b) in pb(-1.5).iter().zip(&g) {
        assert!((a + 1.5 * b).abs() < 1e-12);
    }

    // generic code in f64 against central differences, and in f32 against f64
    let q = stencil_point(16, 0.2);
    let (_, (gu, gk)) = diffusion_generic_grad(&q[..16], q[16]);
    let mut g = gu.clone();
    g.push(gk);
    check("generic", |y| diffusion_generic(&y[..16], y[16]), &g, &q);
    let q32: Vec<f32> = q.iter().map(|&v| v as f32).collect();
    let (_, (gu32, gk32)) = diffusion_generic_grad(&q32[..16], q32[16]);
    for (a, b) in gu.iter().chain([&gk]).zip(gu32.iter().chain([&gk32])) {
        assert!(
            (a - *b as f64).abs() < 1e-4 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }

    // Hessian-vector product against differences of the gradient
    let x = sines(4, 0.9);
    let v: Vec<f64> = sines(4, 0.5).iter().map(|t| t + 0.2).collect();
    let (_, _, hv) = outer_products_hvp(&x, v.clone());
    check_hvp("outer_products", |z| outer_products_grad(z).1, &hv, &x, &v);
}
