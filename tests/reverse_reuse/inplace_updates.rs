//! Updates of a local `Vec`'s element in place, `x[i] += t` and `x[i] -= t`
//! (`reverse/passthrough.rs`): the element's adjoint passes through to `t` and stays in the
//! buffer, with no take and add back per update. Members of the kind, each checked for its
//! value and its gradient against central differences: an element updated over an inner loop
//! (forward substitution), a histogram of data-chosen bins, `x[i] = t + x[i]` spelled out, an
//! update inside a branch, rows of a grid (`g[i][j] += t`), `f32`, and `NAME_vjp`'s pullback
//! called twice. Near misses that must keep the usual pullbacks, and agree with central
//! differences too: the element read twice (`x[i] = x[i] + x[i]`), scaled
//! (`x[i] = 2.0 * x[i] + t`), kept and read again after the write, and written in between
//! (`x[i] = 5.0` before the update from the old value).

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// Back substitution of an upper-triangular `n × n` system (`p[..n * n]`, `b` in `p[n * n..]`),
/// `Σ x_i³`.
#[differentiable]
fn back_substitution(p: &[f64]) -> f64 {
    let n = 4;
    let mut x = p[n * n..].to_vec();
    for i in (0..n).rev() {
        for j in i + 1..n {
            x[i] -= p[i * n + j] * x[j];
        }
        x[i] /= p[i * n + i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i] * x[i];
    }
    s
}

/// A histogram of soft weights into data-chosen bins, then `Σ h_k²`.
#[differentiable]
fn histogram(p: &[f64]) -> f64 {
    let bins = [2usize, 0, 1, 2, 2, 1, 0, 3];
    let mut h = vec![0.0; 4];
    for i in 0..p.len() {
        let k = bins[i % 8];
        h[k] += p[i].exp();
        h[k] -= 0.5 * p[i];
    }
    let mut s = 0.0;
    for k in 0..4 {
        s += h[k] * h[k];
    }
    s
}

/// `x[i] = t + x[i]` spelled out, and an update inside a branch.
#[differentiable]
fn spelled_and_branched(p: &[f64]) -> f64 {
    let n = p.len();
    let mut x = vec![1.0; n];
    for i in 0..n {
        for j in 0..n {
            x[i] = p[j].sin() * p[i] + x[i];
            if p[j] > 0.0 {
                x[j] += p[i] * x[i];
            }
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

/// Rows of a grid updated in place.
#[differentiable]
fn grid_rows(p: &[f64]) -> f64 {
    let mut g = vec![vec![0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            for k in 0..p.len() {
                g[i][j] += p[k] * ((i + j + k) as f64).cos();
            }
        }
    }
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            s += g[i][j] * g[j][i];
        }
    }
    s
}

/// The histogram in `f32`.
#[differentiable]
fn histogram32(p: &[f32]) -> f32 {
    let bins = [2usize, 0, 1, 2, 2, 1, 0, 3];
    let mut h = vec![0.0f32; 4];
    for i in 0..p.len() {
        let k = bins[i % 8];
        h[k] += p[i].exp();
        h[k] -= 0.5 * p[i];
    }
    let mut s = 0.0;
    for k in 0..4 {
        s += h[k] * h[k];
    }
    s
}

/// Near misses: the element read twice, scaled, kept past the write, written in between.
#[differentiable]
fn near_misses(p: &[f64]) -> f64 {
    let n = p.len();
    let mut x = p.to_vec();
    let mut kept = 0.0;
    for i in 0..n {
        x[i] = x[i] + x[i];
        x[i] = 2.0 * x[i] + p[(i + 1) % n];
        let r = x[i];
        x[i] = r - p[i] * p[i];
        kept += r * x[i];
        let old = x[i];
        x[i] = 5.0;
        x[i] = old + x[i] * p[i];
    }
    for i in 0..n {
        kept += x[i] * x[i];
    }
    kept
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn check(f: fn(&[f64]) -> f64, grad: fn(&[f64]) -> (f64, Vec<f64>), p: &[f64]) {
    let (v, g) = grad(p);
    assert!(
        (v - f(p)).abs() < 1e-12 * v.abs().max(1.0),
        "{v} vs {}",
        f(p)
    );
    assert_gradient(f, p, &g, 1e-6, TOL);
}

/// An upper-triangular system with a dominant diagonal, and its right-hand side.
fn upper() -> Vec<f64> {
    let n = 4;
    let mut p: Vec<f64> = (0..n * n)
        .map(|k| ((k * 5 % 7) as f64 - 3.0) * 0.1)
        .collect();
    for i in 0..n {
        p[i * n + i] = 1.5 + 0.2 * i as f64;
    }
    p.extend([0.4, -0.7, 0.9, 0.2]);
    p
}

fn data() -> Vec<f64> {
    (0..11).map(|k| ((k * 3 % 7) as f64 - 3.0) * 0.25).collect()
}

#[test]
fn an_element_updated_over_an_inner_loop() {
    check(back_substitution, back_substitution_grad, &upper());
}

#[test]
fn histograms_spellings_branches_and_grids() {
    check(histogram, histogram_grad, &data());
    // (away from the branch's kink at `p[j] = 0`)
    let q = [-0.75, 0.1, 0.75, -0.25, 0.5];
    check(spelled_and_branched, spelled_and_branched_grad, &q);
    check(grid_rows, grid_rows_grad, &data()[..4]);
}

#[test]
fn f32_agrees_with_f64() {
    let p = data();
    let (_, g64) = histogram_grad(&p);
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let (_, g32) = histogram32_grad(&p32);
    for k in 0..p.len() {
        assert!(
            (g32[k] as f64 - g64[k]).abs() < 1e-4 * (1.0 + g64[k].abs()),
            "{k}"
        );
    }
}

#[test]
fn the_pullback_called_twice_leaves_the_buffer_as_it_was() {
    let p = upper();
    let (_, pb) = back_substitution_vjp(&p);
    let (a, b) = (pb(1.0), pb(2.0));
    for k in 0..p.len() {
        assert!(
            (2.0 * a[k] - b[k]).abs() < 1e-12 * (1.0 + b[k].abs()),
            "{k}"
        );
    }
    // the second call, halved, against central differences
    let half: Vec<f64> = b.iter().map(|v| v / 2.0).collect();
    assert_gradient(back_substitution, &p, &half, 1e-6, TOL);
}

#[test]
fn near_misses_keep_their_pullbacks() {
    check(near_misses, near_misses_grad, &data()[..6]);
}
