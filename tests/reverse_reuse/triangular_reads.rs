//! Triangular reads behind a loop's writes (`reverse/frozen.rs`): a top-level `for i in a..b`
//! loop that writes `x[i + w]` and reads `x[j + r]` in an inner loop `for j in c..i + e` reads
//! only cells that earlier trips finished when `e - 1 + r < w` (forward substitution's
//! `x[i] -= l[i * n + j] * x[j]` for `j` in `0..i`). The reverse sweep reads them again from
//! one copy of `x` taken after the loop instead of one record per inner trip.
//!
//! Members of the kind, each checked for its value against the function as written and its
//! gradient against central differences: forward substitution (a lower-triangular solve), a
//! read at `j + 1` for `j` in `0..i - 1`, an inner loop over `0..(i + 1)` behind a write at
//! `i + 1`, a loop nest two deep (`k < j < i`), `f32` and generic `T: Real` code, and the
//! Hessian-vector product of the solve. Near misses that read the cell the trip writes (`j` in
//! `0..i + 1`, `x[j + 1]` for `j` in `0..i`), a cell changed after the loop, or an inner bound
//! that is not the loop's own `i` must keep their records, and still agree with central
//! differences.

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

use crate::support::check_hvp;

/// Unknowns of the systems below.
const N: usize = 5;

/// `Σ x_i²` for `L x = b`, `L` lower triangular (row-major `n × n` in `p[..n * n]`, `b` in
/// `p[n * n..]`), by forward substitution.
#[differentiable(order = 2)]
fn solve(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i {
            x[i] -= p[i * n + j] * x[j];
        }
        x[i] /= p[i * n + i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Cells `1..i` read at `j + 1` (`j` in `0..i - 1`), squared, then the trip's cell squashed.
#[differentiable]
fn shifted(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 1..n {
        for j in 0..i - 1 {
            x[i] += p[i * n + j] * x[j + 1] * x[j + 1];
        }
        x[i] = x[i].tanh();
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// The write one ahead (`x[i + 1]`) and the inner loop over `0..(i + 1)`.
#[differentiable]
fn ahead(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n - 1 {
        let mut a = 0.0;
        for j in 0..(i + 1) {
            a += p[i * n + j] * x[j] * x[j];
        }
        x[i + 1] = x[i + 1] + a.sin();
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Two inner loops deep: `x[j] x[k]` for `k < j < i`.
#[differentiable]
fn nested(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        let mut t = x[i];
        for j in 1..i {
            for k in 0..j {
                t -= x[j] * x[k] * p[i * n + k];
            }
        }
        x[i] = t.exp() * 0.5;
    }
    x.iter().sum()
}

/// Forward substitution in `f32`.
#[differentiable]
fn solve32(p: &[f32]) -> f32 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i {
            x[i] -= p[i * n + j] * x[j];
        }
        x[i] /= p[i * n + i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Forward substitution over any `T: Real`.
#[differentiable]
fn solve_generic<T: Real>(p: &[T]) -> T {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i {
            x[i] = x[i] - p[i * n + j] * x[j];
        }
        x[i] = x[i] / p[i * n + i];
    }
    let mut s = T::zero();
    for i in 0..n {
        s = s + x[i] * x[i];
    }
    s
}

/// Near miss: `j` reaches `i`, the cell the trip writes.
#[differentiable]
fn inclusive(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i + 1 {
            x[i] = x[i] * 0.5 + p[i * n + j] * x[j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i].sin();
    }
    s
}

/// Near miss: `x[j + 1]` for `j` in `0..i` reads the cell the trip accumulates.
#[differentiable]
fn shifted_into_own(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i {
            x[i] += p[i * n + j] * x[j + 1] * x[j + 1];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Near miss: a cell changed after the loop.
#[differentiable]
fn changed_after(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        for j in 0..i {
            x[i] -= p[i * n + j] * x[j] * x[j];
        }
    }
    x[0] = x[1] * 3.0;
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Near miss: the inner bound is a shadowing `i`, not the loop's.
#[differentiable]
fn shadowed_bound(p: &[f64]) -> f64 {
    let n = N;
    let mut x = p[n * n..].to_vec();
    for i in 0..n {
        let i = n - 1 - i;
        for j in 0..i {
            x[n - 1 - i] += p[j] * x[j] * x[j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// A well-conditioned lower-triangular system (diagonal 2..2.4) and its right-hand side.
fn system() -> Vec<f64> {
    let mut p: Vec<f64> = (0..N * N)
        .map(|k| ((k * 7 % 11) as f64 - 5.0) * 0.07)
        .collect();
    for i in 0..N {
        p[i * N + i] = 2.0 + 0.1 * i as f64;
    }
    p.extend((0..N).map(|k| 0.3 + 0.2 * k as f64));
    p
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn check(f: fn(&[f64]) -> f64, grad: fn(&[f64]) -> (f64, Vec<f64>)) {
    let p = system();
    let (v, g) = grad(&p);
    assert!(
        (v - f(&p)).abs() < 1e-12 * v.abs().max(1.0),
        "{v} vs {}",
        f(&p)
    );
    assert_gradient(f, &p, &g, 1e-6, TOL);
}

#[test]
fn forward_substitution() {
    check(solve, solve_grad);
    // the gradient of `Σ x²` for `x = L⁻¹ b` (derived: λ = L⁻ᵀ 2x, ∂b = λ, ∂L = -λ xᵀ below
    // the diagonal and on it)
    let p = system();
    let (_, g) = solve_grad(&p);
    let mut x = p[N * N..].to_vec();
    for i in 0..N {
        for j in 0..i {
            x[i] -= p[i * N + j] * x[j];
        }
        x[i] /= p[i * N + i];
    }
    let mut lam: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
    for i in (0..N).rev() {
        lam[i] /= p[i * N + i];
        for j in 0..i {
            lam[j] -= p[i * N + j] * lam[i];
        }
    }
    for i in 0..N {
        assert!((g[N * N + i] - lam[i]).abs() < 1e-12, "∂b[{i}]");
        for j in 0..=i {
            let want = -lam[i] * x[j];
            assert!((g[i * N + j] - want).abs() < 1e-12, "∂L[{i}, {j}]");
        }
    }
}

#[test]
fn shifted_and_ahead_and_nested_reads() {
    check(shifted, shifted_grad);
    check(ahead, ahead_grad);
    check(nested, nested_grad);
}

#[test]
fn f32_and_generic_code_agree_with_f64() {
    let p = system();
    let (_, g64) = solve_grad(&p);
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let (_, g32) = solve32_grad(&p32);
    let (_, gg) = solve_generic_grad(&p);
    for k in 0..p.len() {
        assert!(
            (g32[k] as f64 - g64[k]).abs() < 1e-4 * (1.0 + g64[k].abs()),
            "{k}"
        );
        assert!((gg[k] - g64[k]).abs() < 1e-12 * (1.0 + g64[k].abs()), "{k}");
    }
}

#[test]
fn hessian_vector_products_of_the_solve() {
    let p = system();
    let v: Vec<f64> = (0..p.len()).map(|k| ((k % 5) as f64 - 2.0) * 0.3).collect();
    let (_, _, hv) = solve_hvp(&p, v.clone());
    check_hvp("solve", |y| solve_grad(y).1, &hv, &p, &v);
}

#[test]
fn near_misses_keep_their_records() {
    check(inclusive, inclusive_grad);
    check(shifted_into_own, shifted_into_own_grad);
    check(changed_after, changed_after_grad);
    check(shadowed_bound, shadowed_bound_grad);
}
