//! Flattened indices, `x[i * d + j]`, with a stride that is a `let` of an enclosing block (a
//! length, a row offset): the reverse sweep rebuilds the index from the trip numbers and the
//! stride's one saved copy instead of recording it on every trip. Covered: a logistic loss over
//! a row-major matrix, a row offset bound in the outer loop, a column-major (transposed) read, a
//! stride from a parameter, a write at a strided index into a local `Vec`, a stride reassigned
//! in the loop (still recorded), a stride bound in a branch, generic and `f32` code, the
//! pullback and `order = 2`. Every gradient against central differences in f64.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// `Σ_i softplus(z_i) - y_i z_i` with `z_i = w · x_i`, `x` row-major `n × d`.
#[differentiable(order = 2)]
fn logistic(w: &[f64], x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let d = w.len();
    let mut loss = 0.0;
    for i in 0..y.len() {
        let mut z = 0.0;
        for j in 0..d {
            z += w[j] * x[i * d + j];
        }
        let sp = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        loss += sp - y[i] * z;
    }
    loss
}

/// Rows of `d + 1` with a leading bias column: `Σ_i (x_i0 + Σ_j w_j x_i,j+1)²`.
#[differentiable]
fn biased(w: &[f64], x: &[f64]) -> f64 {
    let d = w.len();
    let n = x.len() / (d + 1);
    let mut s = 0.0;
    for i in 0..n {
        let base = i * (d + 1);
        let mut z = x[base];
        for j in 0..d {
            z += w[j] * x[base + j + 1];
        }
        s += z * z;
    }
    s
}

/// `a` column-major `n × n`: `Σ_ij a_ji b_ij` read across the stride, then squared per row.
#[differentiable]
fn transposed(a: &[f64], b: &[f64]) -> f64 {
    let n = (a.len() as f64).sqrt() as usize;
    let mut s = 0.0;
    for i in 0..n {
        let mut r = 0.0;
        for j in 0..n {
            r += a[j * n + i] * b[i * n + j];
        }
        s += r.sin();
    }
    s
}

/// The stride is a parameter.
#[differentiable]
fn param_stride(a: &[f64], cols: usize) -> f64 {
    let rows = a.len() / cols;
    let mut s = 0.0;
    for r in 0..rows {
        for c in 1..cols {
            let k = r * cols + c;
            s += a[k] * a[k - 1];
        }
    }
    s
}

/// Writes at a strided index into a local `Vec`, then reads it back.
#[differentiable]
fn strided_writes(x: &[f64]) -> f64 {
    let d = 3;
    let n = x.len() / d;
    let mut out = vec![0.0; n * d];
    for i in 0..n {
        for j in 0..d {
            out[i * d + j] = x[i * d + j].tanh() * x[(i * d + j + 1) % x.len()];
        }
    }
    let mut s = 0.0;
    for k in 0..out.len() {
        s += out[k] * out[k];
    }
    s
}

/// The stride changes inside the loop: the index is recorded, not rebuilt.
#[differentiable]
fn changing_stride(w: &[f64], x: &[f64]) -> f64 {
    let mut d = 1;
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i] * x[i * d].cos();
        d = 2;
    }
    s
}

/// A row offset whose definition reads a counter reassigned after it: the reverse sweep reads
/// the offset's saved value (rebuilding it from the counter would read the counter's new value).
#[differentiable]
fn offset_from_counter(x: &[f64]) -> f64 {
    let d = 3;
    let mut m = 1;
    let mut s = 0.0;
    for _ in 0..2 {
        let base = m * d;
        m = 0;
        s += x[base] * x[base + 1];
        for j in 0..2 {
            s += x[base + j] * x[base + j];
        }
    }
    s
}

/// A stride bound in a branch, and a loop left early.
#[differentiable]
fn branch_stride(x: &[f64], wide: bool) -> f64 {
    let mut s = 0.0;
    if wide {
        let d = 4;
        for i in 0..x.len() / d {
            for j in 0..d {
                if s > 5.0 {
                    break;
                }
                s += x[i * d + j] * x[i * d + (j + 1) % d];
            }
        }
    } else {
        let d = 2;
        for i in 0..x.len() / d {
            s += x[i * d] * x[i * d + 1].exp();
        }
    }
    s
}

#[differentiable]
fn generic_rows<T: Real>(w: &[T], x: &[T]) -> T {
    let d = w.len();
    let mut s = T::zero();
    for i in 0..x.len() / d {
        let mut z = T::zero();
        for j in 0..d {
            z += w[j] * x[i * d + j];
        }
        s += z.tanh();
    }
    s
}

#[differentiable]
fn rows_f32(w: &[f32], x: &[f32]) -> f32 {
    let d = w.len();
    let mut s = 0.0f32;
    for i in 0..x.len() / d {
        let mut z = 0.0f32;
        for j in 0..d {
            z += w[j] * x[i * d + j];
        }
        s += z * z;
    }
    s
}

fn input(n: usize) -> Vec<f64> {
    sines(n, 0.7)
}

#[test]
fn strided_indices_against_central_differences() {
    let (n, d) = (6, 4);
    let x = input(d + n * d);
    let y: Vec<f64> = (0..n).map(|i| (i % 2) as f64).collect();
    let (w, xs) = split(&x, d);
    let (val, (gw, gx)) = logistic_grad(&w, &xs, &y);
    assert!((val - logistic(&w, &xs, &y)).abs() < 1e-12);
    check(
        "logistic",
        |x| {
            let (w, xs) = split(x, d);
            logistic(&w, &xs, &y)
        },
        &join(gw, gx),
        &x,
    );

    let x = input(d + n * (d + 1));
    let (w, xs) = split(&x, d);
    let (gw, gx) = biased_grad(&w, &xs).1;
    check(
        "biased",
        |x| {
            let (w, xs) = split(x, d);
            biased(&w, &xs)
        },
        &join(gw, gx),
        &x,
    );

    let x = input(2 * 16);
    let (a, b) = split(&x, 16);
    let (ga, gb) = transposed_grad(&a, &b).1;
    check(
        "transposed",
        |x| {
            let (a, b) = split(x, 16);
            transposed(&a, &b)
        },
        &join(ga, gb),
        &x,
    );

    let x = input(15);
    for cols in [3, 5] {
        let g = param_stride_grad(&x, cols).1;
        check("param_stride", |x| param_stride(x, cols), &g, &x);
    }
    check(
        "strided_writes",
        strided_writes,
        &strided_writes_grad(&x).1,
        &x,
    );

    let x = input(2 * 5 + 10);
    let (w, xs) = split(&x, 5);
    let (gw, gx) = changing_stride_grad(&w, &xs).1;
    check(
        "changing_stride",
        |x| {
            let (w, xs) = split(x, 5);
            changing_stride(&w, &xs)
        },
        &join(gw, gx),
        &x,
    );

    let x = input(6);
    check(
        "offset_from_counter",
        offset_from_counter,
        &offset_from_counter_grad(&x).1,
        &x,
    );

    for (scale, wide) in [(1.0, true), (3.0, true), (1.0, false)] {
        let x: Vec<f64> = input(12).iter().map(|v| v * scale).collect();
        let g = branch_stride_grad(&x, wide).1;
        check(
            &format!("branch_stride {scale} {wide}"),
            |x| branch_stride(x, wide),
            &g,
            &x,
        );
    }
}

#[test]
fn generic_f32_pullback_and_second_order() {
    let d = 3;
    let x = input(d + 5 * d);
    let (w, xs) = split(&x, d);
    let (gw, gx) = generic_rows_grad(&w, &xs).1;
    check(
        "generic_rows",
        |x| {
            let (w, xs) = split(x, d);
            generic_rows(&w, &xs)
        },
        &join(gw.clone(), gx.clone()),
        &x,
    );

    // f32 against the f64 gradient of the same function.
    let (w32, x32): (Vec<f32>, Vec<f32>) = (
        w.iter().map(|v| *v as f32).collect(),
        xs.iter().map(|v| *v as f32).collect(),
    );
    let (g32w, g32x) = rows_f32_grad(&w32, &x32).1;
    let (g64w, g64x) = {
        let f = |x: &[f64]| {
            let (w, xs) = split(x, d);
            let mut s = 0.0;
            for i in 0..xs.len() / d {
                let z: f64 = (0..d).map(|j| w[j] * xs[i * d + j]).sum();
                s += z * z;
            }
            s
        };
        let g = autodiff::check::numeric_gradient(f, &x, 1e-6);
        split(&g, d)
    };
    for (a, b) in g32w.iter().chain(&g32x).zip(g64w.iter().chain(&g64x)) {
        assert!((*a as f64 - b).abs() < 1e-4 * (1.0 + b.abs()), "{a} vs {b}");
    }

    // The pullback, run with a cotangent of 2: twice the gradient.
    let y: Vec<f64> = (0..5).map(|i| (i % 2) as f64).collect();
    let (_, pullback) = logistic_vjp(&w, &xs, &y);
    let (pw, px) = pullback(2.0);
    let (gw, gx) = logistic_grad(&w, &xs, &y).1;
    for (a, b) in pw.iter().chain(&px).zip(gw.iter().chain(&gx)) {
        assert!((a - 2.0 * b).abs() < 1e-12, "{a} vs {b}");
    }

    // `order = 2`: the Hessian-vector product against central differences of the gradient.
    let v = input(w.len() + xs.len());
    let (vw, vx) = split(&v, d);
    let (_, _, (hw, hx)) = logistic_hvp(&w, &xs, &y, vw.clone(), vx.clone());
    check_hvp(
        "logistic",
        |z| {
            let (w, xs) = split(z, d);
            let (gw, gx) = logistic_grad(&w, &xs, &y).1;
            join(gw, gx)
        },
        &join(hw, hx),
        &join(w.clone(), xs.clone()),
        &v,
    );
}
