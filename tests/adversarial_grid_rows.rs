//! Adversarial cases for local grids of rows (dense row adjoints), repeated reads of `u[i][j]`,
//! and `#[differentiable]` helpers called in a loop with slice arguments that carry no
//! derivative in the caller (the helper skips their adjoints). 108 functions: every gradient
//! against central differences; pullbacks, forward mode, Hessian-vector products and `f32`
//! instantiations against the gradient. Ragged, empty and pushed-to grids, data-dependent
//! indices, `while`/`loop` with `break`/`continue`, grids moved, cloned, swapped and passed to
//! helpers; the index, the row or the grid changed between two reads of one element; the same
//! slice passed twice, constant locals that gain a derivative later in the loop, nested and
//! generic helpers.
//!
//! Valid code found to fail to compile inside the generated code: a slice variable holding
//! either a differentiated or a `#[no_grad]` slice (`let c = if k > 0.0 { x } else { y };`;
//! fixed since, `tests/chosen_slices.rs`), a branch-chosen slice passed to a helper (fixed
//! since, `tests/chosen_slices_calls.rs`) and, still in the README's known-failing list, in
//! `order = 2` code, a call of an `order = 2` helper whose arguments are all constants. Refused
//! with an error at the user's code (so not here): `&mut` arguments to a
//! plain function, `split_at_mut`, `std::mem::replace(&mut u[i][j], ..)`, in-place methods on
//! one row (`u[i].reverse()`, `.swap`, `.remove`, `.push`), `u.rotate_left(..)`, `u[0].fill(k)`
//! with `k` differentiated, `d.extend_from_slice(&x[..2])` (bind the slice first), closures,
//! `let [p, q] = [..]` patterns.

#![allow(clippy::needless_range_loop)]
// the cases are written the ways people write them, lints included
#![allow(
    clippy::zero_repeat_side_effects,
    clippy::manual_memcpy,
    clippy::assign_op_pattern,
    clippy::useless_vec,
    clippy::clone_on_copy,
    clippy::ptr_arg
)]
#![allow(unused_mut, unused_assignments, unused_variables)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

// ---------------------------------------------------------------------------------------------
// 1. Local grids of rows
// ---------------------------------------------------------------------------------------------

/// Ragged rows pushed with lengths 0..n (first row empty), written and read by element.
#[differentiable]
fn g_ragged_push(x: &[f64]) -> f64 {
    let n = x.len();
    let mut u: Vec<Vec<f64>> = Vec::new();
    for i in 0..n {
        u.push(vec![0.0; i]);
    }
    for i in 0..n {
        for j in 0..i {
            u[i][j] = x[i] * x[j] + x[(i + j) % n];
        }
    }
    let mut s = 0.0;
    for i in 1..n {
        for j in 0..i {
            s += u[i][j] * u[i][i - 1 - j];
        }
    }
    s
}

/// Rows pushed with values (not zeros), then modified by `+=`.
#[differentiable]
fn g_push_values(x: &[f64]) -> f64 {
    let mut u = vec![vec![x[0], x[1]]];
    u.push(vec![x[2] * x[0], x[3]]);
    u.push(vec![x[1].sin(), x[2], x[3] * x[3]]);
    for i in 0..3 {
        u[i][1] += u[i][0] * x[i];
    }
    u[2][2] *= u[1][1];
    u[0][0] -= u[2][2];
    u[0][0] * u[1][1] + u[2][1] * u[2][2] + u[1][0]
}

/// An empty grid (no rows) and a grid with one empty row: nothing read.
#[differentiable]
fn g_empty(x: &[f64]) -> f64 {
    let u: Vec<Vec<f64>> = vec![vec![0.0; 3]; 0];
    let mut w = vec![vec![0.0; 0]; 2];
    let mut s = x[0] * x[1];
    for i in 0..u.len() {
        for j in 0..u[i].len() {
            s += u[i][j];
        }
    }
    for i in 0..w.len() {
        for j in 0..w[i].len() {
            w[i][j] = x[0];
            s += w[i][j];
        }
    }
    s
}

/// A grid of one row.
#[differentiable]
fn g_one_row(x: &[f64]) -> f64 {
    let m = x.len();
    let mut u = vec![vec![0.0; m]; 1];
    for j in 0..m {
        u[0][j] = x[j].exp();
    }
    for j in 1..m {
        u[0][j] = u[0][j - 1] * u[0][j];
    }
    u[0][m - 1]
}

/// Indices computed from data (away from cast boundaries).
#[differentiable]
fn g_data_index(x: &[f64]) -> f64 {
    let n = 3;
    let m = 4;
    let mut u = vec![vec![0.0; m]; n];
    for i in 0..n {
        for j in 0..m {
            u[i][j] = x[i + j] * (1.0 + j as f64);
        }
    }
    let j = (x[0].abs() * 3.0) as usize % m;
    let i = (x[1].abs() * 5.0) as usize % n;
    u[i][j] = u[i][j] * u[i][j] + x[2];
    u[(i + 1) % n][j] += u[i][j] * x[3];
    let mut s = 0.0;
    for a in 0..n {
        for b in 0..m {
            s += u[a][b] * u[a][(b + j) % m];
        }
    }
    s
}

/// `while` loops with break and continue.
#[differentiable]
fn g_while(x: &[f64]) -> f64 {
    let n = 3;
    let m = 3;
    let mut u = vec![vec![0.0; m]; n];
    let mut i = 0;
    while i < n {
        let mut j = 0;
        while j < m {
            if j == 1 && i == 1 {
                j += 1;
                continue;
            }
            u[i][j] = x[i * m + j] + 0.5 * u[(i + n - 1) % n][j];
            if i == 2 && j == 1 {
                break;
            }
            j += 1;
        }
        i += 1;
    }
    let mut s = 0.0;
    let mut k = 0;
    loop {
        if k >= n * m {
            break;
        }
        s += u[k / m][k % m] * u[k / m][k % m] * (k as f64 + 1.0);
        k += 1;
    }
    s
}

/// A write then a read of the same element, and of its neighbour, in one trip.
#[differentiable]
fn g_write_read(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let n = u.len();
    let m = u[0].len();
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            for j in 0..m - 1 {
                let before = u[i][j];
                u[i][j] = before * k + u[i][j + 1];
                let after = u[i][j];
                u[i][j + 1] = after.sin() * u[i][j];
                let nb = u[i][j + 1];
                s += before * after + nb * u[i][j] + u[i][j + 1];
            }
        }
    }
    s
}

/// A grid moved into another variable and the old one reassigned.
#[differentiable]
fn g_move_reassign(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = x[2 * i + j];
        }
    }
    let w = u;
    u = vec![vec![1.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = u[i][j] + w[j][i] * w[i][j];
        }
    }
    let mut v = w;
    v[0][1] = u[1][0] * v[1][1];
    u[1][1] = v[0][1] * x[0];
    u[0][0] * u[1][1] + v[0][1] + v[1][0] * u[0][1]
}

/// A grid returned as the output (summed by the caller through the row vector returned).
#[differentiable]
fn g_sum_rows(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            u[i][j] = x[i + j].cos() * x[j];
        }
    }
    let mut s = 0.0;
    for r in 0..2 {
        let mut t = 0.0;
        for j in 0..3 {
            t += u[r][j];
        }
        s += t * t;
    }
    s
}

/// A helper reading a grid calling another helper reading a grid.
#[differentiable]
fn grid_inner(g: &[Vec<f64>], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += (g[i][j] * k).sin();
        }
    }
    s
}

#[differentiable]
fn grid_outer(g: &[Vec<f64>], k: f64) -> f64 {
    let mut s = grid_inner(g, k);
    for i in 0..g.len() {
        s += g[i][0] * grid_inner(g, g[i][g[i].len() - 1]);
    }
    s
}

#[differentiable]
fn g_nested_helpers(x: &[f64], k: f64) -> f64 {
    let mut u = vec![vec![0.0; 2]; 3];
    for i in 0..3 {
        for j in 0..2 {
            u[i][j] = x[i * 2 + j] * k;
        }
    }
    let a = grid_outer(&u, k);
    u[1][1] = a * 0.1;
    a + grid_outer(&u, x[0])
}

/// Arrays of arrays swapped with `std::mem::swap`, written with `+=`.
#[differentiable]
fn g_array_swap(x: &[f64]) -> f64 {
    let mut a = [[0.0; 2]; 3];
    let mut b = [[0.0; 2]; 3];
    for i in 0..3 {
        for j in 0..2 {
            a[i][j] = x[2 * i + j];
        }
    }
    for _ in 0..3 {
        for i in 0..3 {
            for j in 0..2 {
                b[i][j] = a[(i + 1) % 3][j] * a[i][1 - j];
                b[i][j] += a[i][j];
            }
        }
        std::mem::swap(&mut a, &mut b);
    }
    a[0][0] + a[1][1] * b[2][0] + a[2][1]
}

/// `Vec<[f64; 2]>` with pushes.
#[differentiable]
fn g_pairs_push(x: &[f64]) -> f64 {
    let mut p: Vec<[f64; 2]> = Vec::new();
    for i in 0..x.len() {
        p.push([x[i], x[i] * x[i]]);
    }
    for i in 1..p.len() {
        p[i][0] = p[i - 1][1] * p[i][0];
        p[i][1] += p[i][0];
    }
    let mut s = 0.0;
    for i in 0..p.len() {
        s += p[i][0] - p[i][1] * 0.3;
    }
    s
}

/// Generic, f32 and f64, with a swap.
#[differentiable]
fn g_generic_swap<T: Real>(x: &[T], k: T) -> T {
    let n = 2;
    let mut u = vec![vec![T::zero(); n]; n];
    let mut v = vec![vec![T::zero(); n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    for _ in 0..3 {
        for i in 0..n {
            for j in 0..n {
                v[i][j] = u[j][i] * k + u[i][j] * u[i][j];
            }
        }
        std::mem::swap(&mut u, &mut v);
    }
    u[0][0] + u[0][1] * u[1][0] - u[1][1] * v[0][0]
}

/// Second order with a grid double buffer.
#[differentiable(order = 2)]
fn g_order2(x: &[f64]) -> f64 {
    let n = 2;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    for _ in 0..2 {
        let mut next = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                next[i][j] = u[i][j] * u[(i + 1) % n][j] + u[i][j].sin();
            }
        }
        u = next;
    }
    u[0][0] * u[1][1] + u[0][1] * u[0][1] + u[1][0]
}

// ---------------------------------------------------------------------------------------------
// 2. Repeated reads
// ---------------------------------------------------------------------------------------------

/// `j` shadowed between reads.
#[differentiable]
fn r_shadow(u0: &[Vec<f64>]) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for i in 0..u.len() {
        let j = 0;
        let a = u[i][j];
        let j = j + 1;
        let b = u[i][j];
        s += a * b * b;
    }
    s
}

/// `i` changed with `+=` between reads; a write to an aliasing index (k == i) between reads.
#[differentiable]
fn r_alias_index(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    let mut i = 0;
    let j = 1;
    let a = u[i][j];
    i += 1;
    let b = u[i][j];
    let kk = i;
    u[kk][j] = b * k;
    let c = u[i][j];
    let jj = 0;
    u[i][jj + 1] = c * c;
    let d = u[i][j];
    s += a * b + c * d;
    s
}

/// Reads inside a `for` that rebinds the index.
#[differentiable]
fn r_for_rebind(u0: &[Vec<f64>]) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    let j = 0;
    let a = u[1][j];
    for j in 1..3 {
        s += u[1][j] * a;
    }
    let b = u[1][j];
    s + a * b
}

/// Whole row replaced, rows swapped (`u.swap`, `mem::swap` of rows) between reads.
#[differentiable]
fn r_row_replace(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][1];
    u[0] = vec![k, k * k, 1.0];
    let b = u[0][1];
    a * b * k
}

#[differentiable]
fn r_vec_swap(u0: &[Vec<f64>]) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][1];
    u.swap(0, 1);
    let b = u[0][1];
    a * b * b
}

/// Rows exchanged through clones (`mem::swap` of two rows needs `split_at_mut`, refused).
#[differentiable]
fn r_mem_swap_rows(u0: &[Vec<f64>]) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][1];
    let (r0, r1) = (u[0].clone(), u[1].clone());
    u[0] = r1;
    u[1] = r0;
    let b = u[0][1];
    a * b * b
}

/// A write in one branch between reads.
#[differentiable]
fn r_branch(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for i in 0..u.len() {
        let a = u[i][0];
        if k * (i as f64) > 0.5 {
            u[i][0] = a * k;
        }
        let b = u[i][0];
        let c = if i % 2 == 0 { u[i][0] } else { u[i][1] };
        s += a * b + c * u[i][0];
    }
    s
}

/// Reads in macros.
#[differentiable]
fn r_macros(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][0];
    assert!(u[0][0].is_finite());
    u[0][0] = a * k;
    assert!(u[0][0] == a * k);
    let b = u[0][0];
    a * b
}

/// A write through a compound assignment in an inner loop between reads.
#[differentiable]
fn r_inner_loop_write(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for i in 0..u.len() {
        let a = u[i][1];
        for t in 0..2 {
            u[i][t] += k * a;
        }
        let b = u[i][1];
        s += a * b;
    }
    s
}

/// Whole grid moved between reads (`u = v;`, `mem::swap(&mut u, &mut v)`).
#[differentiable]
fn r_grid_move(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut v = vec![vec![0.0; 3]; u.len()];
    for i in 0..u.len() {
        for j in 0..3 {
            v[i][j] = u[i][j] * k + 1.0;
        }
    }
    let a = u[1][1];
    std::mem::swap(&mut u, &mut v);
    let b = u[1][1];
    u = v;
    let c = u[1][1];
    a * b + b * c + c * c * c
}

/// Index variable reassigned inside a `while` loop between reads.
#[differentiable]
fn r_while_index(u0: &[Vec<f64>]) -> f64 {
    let u = u0.to_vec();
    let mut s = 0.0;
    let mut i = 0;
    let mut j = 0;
    while i < u.len() {
        let a = u[i][j];
        j = (j + 1) % 3;
        let b = u[i][j];
        i += 1;
        s += a * b * (i as f64);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// 3. Helpers with slice arguments without derivative
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn h(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..xs.len().min(ys.len()) {
        s += (xs[k] * q).sin() * ys[k] + xs[k] * xs[k] * ys[k];
    }
    s
}

/// The same no-grad slice as both arguments.
#[differentiable]
fn c_same_nograd(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += h(w, w, x[i]) * x[i];
    }
    l
}

/// The same differentiated slice as both arguments, and mixed.
#[differentiable]
fn c_same_grad(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..3 {
        l += h(x, x, 0.3 + i as f64) + h(w, x, x[i]) + h(x, w, 0.5);
    }
    l
}

/// A no-grad parameter shadowed by a differentiated slice.
#[differentiable]
fn c_shadow(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..2 {
        l += h(w, x, 0.7);
    }
    let w = x;
    for i in 0..2 {
        l += h(w, x, 0.2 * i as f64 + 0.1);
    }
    l
}

/// A local derived from the no-grad slice by arithmetic, without and with a derivative.
#[differentiable]
fn c_derived(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let n = w.len();
    let mut c = vec![0.0; n];
    let mut d = vec![0.0; n];
    for k in 0..n {
        c[k] = w[k] * 2.0 + 1.0;
        d[k] = w[k] * x[0];
    }
    let mut l = 0.0;
    for i in 0..x.len() {
        l += h(&c, &d, x[i]) + h(&d, &c, 0.4);
    }
    l
}

/// A local built from constants, then given a derivative in the middle of the loop.
#[differentiable]
fn c_late_active(x: &[f64]) -> f64 {
    let mut c = vec![0.5, 1.5, -0.7];
    let mut l = 0.0;
    for i in 0..x.len() {
        l += h(&c, x, 0.3) * (i as f64 + 1.0);
        if i == 1 {
            c[2] = x[0] * x[1];
        }
    }
    l
}

/// A local from constants swapped with an active local between calls.
#[differentiable]
fn c_swap_active(x: &[f64]) -> f64 {
    let mut c = vec![0.5, 1.5, -0.7];
    let mut d = vec![0.0; 3];
    for k in 0..3 {
        d[k] = x[k] * x[k];
    }
    let mut l = 0.0;
    for i in 0..3 {
        l += h(x, &c, 0.3 + i as f64);
        std::mem::swap(&mut c, &mut d);
    }
    l
}

/// A helper reading rows, the rows a constant local with one element made active later.
#[differentiable]
fn hrows(t: &[Vec<f64>], w: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..t.len() {
        for j in 0..t[i].len().min(w.len()) {
            s += t[i][j] * w[j] * q + t[i][j] * t[i][j];
        }
    }
    s
}

#[differentiable]
fn c_rows(x: &[f64], #[no_grad] t: &[Vec<f64>]) -> f64 {
    let mut g = vec![vec![1.0, 2.0], vec![0.5, -1.0]];
    let mut l = 0.0;
    for i in 0..3 {
        l += hrows(t, x, x[i]) + hrows(&g, x, 0.5) * x[i];
        g[1][0] = x[i] * 0.5;
    }
    l
}

/// Nested helpers: `h2` passes its slices on to `h`.
#[differentiable]
fn h2(a: &[f64], b: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..2 {
        s += h(a, b, q * (k as f64 + 1.0)) * h(b, a, q);
    }
    s
}

#[differentiable]
fn c_nested(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..2 {
        l += h2(w, x, x[i] * 0.5) + h2(x, w, 0.3) + h2(w, w, x[i]);
    }
    l
}

/// A helper with `mut` parameters.
#[differentiable]
fn hmut<'a>(xs: &'a [f64], mut ys: &'a [f64], mut q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..xs.len() {
        q = q * 0.9 + xs[k];
        s += q * ys[k % ys.len()];
    }
    ys = xs;
    s + ys[0] * q
}

#[differentiable]
fn c_mut_helper(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..2 {
        l += hmut(w, x, x[i]) + hmut(x, w, 0.2) + hmut(w, w, x[i]);
    }
    l
}

/// A generic helper.
#[differentiable]
fn hgen<T: Real>(xs: &[T], ys: &[T], q: T) -> T {
    let mut s = T::zero();
    for k in 0..xs.len() {
        s += xs[k] * ys[k] * q + xs[k] * xs[k];
    }
    s
}

#[differentiable]
fn c_generic<T: Real>(x: &[T], #[no_grad] w: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..x.len() {
        l += hgen(w, x, x[i]) + hgen(x, w, x[i]) + hgen(w, w, x[i]);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 2
// ---------------------------------------------------------------------------------------------

/// An array-of-arrays parameter cloned into a grid, and `to_vec` of it.
#[differentiable]
fn g_array_param(a: [[f64; 2]; 3], k: f64) -> f64 {
    let mut u = a.clone();
    let mut v = a.to_vec();
    for i in 0..3 {
        for j in 0..2 {
            u[i][j] = u[i][j] * k + u[(i + 1) % 3][1 - j];
            v[i][j] += u[i][j] * v[i][j];
        }
    }
    u[0][0] * v[2][1] + u[2][1] + v[1][0] * v[1][0]
}

/// A `&Vec<Vec<f64>>` parameter cloned into a grid.
#[differentiable]
fn g_vecref_clone(u0: &Vec<Vec<f64>>, k: f64) -> f64 {
    let mut u = u0.clone();
    for i in 0..u.len() {
        for j in 0..u[i].len() {
            u[i][j] = (u[i][j] * k).sin() + u[0][j];
        }
    }
    u[1][1] * u[0][0] + u[2][0]
}

/// Rows repeated from an active row.
#[differentiable]
fn g_repeat_active_row(x: &[f64]) -> f64 {
    let r = vec![x[0], x[1] * x[0], x[2]];
    let mut u = vec![r.clone(); 3];
    let mut w = vec![x.to_vec(); 2];
    u[1][2] = u[0][1] * x[3];
    w[0][0] = u[2][2] * w[1][3];
    u[0][0] * u[1][2] + u[2][1] * w[0][0] + w[1][1] + r[2]
}

/// A grid cloned whole while both stay in use; an array copied whole.
#[differentiable]
fn g_clone_both(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            u[i][j] = x[i * 3 + j];
        }
    }
    let mut v = u.clone();
    v[0][0] = u[1][2] * v[1][1];
    u[1][2] = v[0][0] * u[0][1];
    let mut a = [[0.0; 2]; 2];
    a[0][1] = x[0] * x[1];
    a[1][0] = x[2];
    let mut b = a;
    b[0][1] = a[1][0] * b[0][1];
    a[1][0] = b[0][1] + a[0][1];
    u[1][2] + v[0][0] * v[1][2] + u[0][2] * v[0][2] + a[1][0] * b[1][0] + b[0][1] + a[0][1]
}

/// The same grid passed twice to one helper.
#[differentiable]
fn grid_pair(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        for j in 0..a[i].len() {
            s += a[i][j] * b[b.len() - 1 - i][j] + a[i][j] * a[i][j];
        }
    }
    s
}

#[differentiable]
fn g_helper_twice(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = x[2 * i + j].exp();
        }
    }
    let mut v = vec![vec![1.0; 2]; 2];
    v[1][0] = x[0];
    let mut l = 0.0;
    for t in 0..2 {
        l += grid_pair(&u, &u) + grid_pair(&v, &u) * (t as f64 + 1.0);
        u[t][1] = l * 0.1;
    }
    l
}

/// A grid read in reverse order, then grown in a loop whose outer length changes per trip.
#[differentiable]
fn g_changing_len(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 2]; 1];
    u[0][0] = x[0];
    u[0][1] = x[1];
    for t in 0..3 {
        let mut next = vec![vec![0.0; 2]; t + 2];
        for i in (0..t + 2).rev() {
            for j in (0..2).rev() {
                let src = if i < u.len() {
                    u[i][j]
                } else {
                    u[0][1 - j] * x[2]
                };
                next[i][j] = src * (1.0 + 0.1 * x[3]) + 0.05 * src * src;
            }
        }
        u = next;
    }
    let mut s = 0.0;
    for i in 0..u.len() {
        s += u[i][0] * u[i][1];
    }
    s
}

/// Methods that change rows between reads.
#[differentiable]
fn r_row_methods(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[1][1];
    u.reverse();
    let b = u[1][1];
    let c0 = u[1][0];
    u.swap(1, 2);
    let c1 = u[1][0];
    let d0 = u[0][2];
    u.fill(vec![k, 2.0 * k, k * k]);
    let d1 = u[0][2];
    let e0 = u[2][0];
    u.insert(0, vec![k * k, k]);
    let e1 = u[2][0];
    a * b + c0 * c1 + d0 * d1 + e0 * e1
}

/// Methods returning a value that change the grid between reads.
#[differentiable]
fn r_remove(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[1][1];
    let rr = u.remove(1);
    let r = rr[0];
    let b = u[1][1];
    let c = u[0][0];
    let row = u.remove(0);
    let d = u[0][0];
    let e = u[0][1];
    let p = u.pop();
    u.push(vec![k, k * k, 1.0]);
    let f = u[0][1];
    a * b + r * c + d * row[1] + e * f * k
}

/// `mem::replace` and `mem::take` of elements and rows between reads.
/// Grids swapped whole and `clone_from` between reads (`mem::replace` of an element is refused).
#[differentiable]
fn r_mem_replace(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut v = vec![vec![k; 2]; 2];
    let a = u[1][1];
    std::mem::swap(&mut u, &mut v);
    let b = u[1][1];
    let c = v[1][1];
    u.clone_from(&v);
    let d = u[1][1];
    v[1][1] = d * k;
    let e = v[1][1];
    a * b + c * d + e
}

/// Rows swapped and the grid reversed between reads; a tuple of reads.
#[differentiable]
fn r_grid_methods(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let (a, a2) = (u[0][1], u[0][1]);
    u.reverse();
    let b = u[0][1];
    u.swap(0, 2);
    let c = u[0][1];
    u.truncate(2);
    let d = u[1][0];
    a * a2 * b + c * d * k
}

/// Writes in a nested block and a match between reads; reads in a loop condition.
#[differentiable]
fn r_blocks(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][0];
    {
        u[0][0] = a * k;
    }
    let b = u[0][0];
    let m = (k * 10.0) as usize % 3;
    match m {
        0 => u[0][0] = 2.0 * b,
        1 => u[0][0] = b * b,
        _ => {}
    }
    let c = u[0][0];
    let mut n = 0;
    while u[0][0] < 5.0 && n < 4 {
        u[0][0] = u[0][0] * 1.5 + 1.0;
        n += 1;
    }
    let d = u[0][0];
    a * b + c * d
}

/// A read used as its own write's index neighbour: `u[i][j] = u[i][j] * 2 + u[i][j]`.
#[differentiable]
fn r_self_update(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let mut s = 0.0;
    for i in 0..u.len() {
        for j in 0..u[i].len() {
            u[i][j] = u[i][j] * k + u[i][j] * u[i][j];
            u[i][j] += u[i][j] * u[i][j];
            s += u[i][j] * u[i][(j + 1) % u[i].len()];
        }
    }
    s
}

/// A loop-carried derivative into a local passed to the helper.
#[differentiable]
fn c_cycle(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut c = vec![0.5, -0.3, 0.8];
    let mut l = 0.0;
    for i in 0..3 {
        l += h(&c, w, 0.3 + 0.1 * i as f64) + h(w, x, 0.2) * 0.1;
        c[i] = l;
    }
    l
}

/// A local from constants that gets a derivative by push, extend, assignment of a `to_vec`.
#[differentiable]
fn c_push_extend(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut c = vec![0.5, -0.3];
    let mut d = vec![0.2];
    let mut e = vec![1.0, 2.0, 3.0];
    let mut l = 0.0;
    for i in 0..2 {
        l += h(&c, w, x[i]) + h(w, &d, x[i]) + h(&e, w, 0.4);
    }
    c.push(x[0]);
    let x2 = &x[..2];
    d.extend_from_slice(x2);
    e = x.to_vec();
    for i in 0..2 {
        l += h(&c, w, 0.3) + h(w, &d, 0.6) + h(&e, w, 0.4 + x[i]);
    }
    l
}

/// A slice chosen by a branch, ranges of a no-grad slice and of a later-active local.
#[differentiable]
fn c_branch_range(x: &[f64], #[no_grad] w: &[f64], k: f64) -> f64 {
    let c = x;
    let mut loc = vec![0.1, 0.2, 0.3, 0.4];
    let mut l = 0.0;
    for i in 0..2 {
        l += h(c, w, 0.5) + h(&w[1..], &x[i..], k) + h(&loc[i..i + 2], w, k);
        loc[i + 1] = x[i] * k;
    }
    l
}

/// A local copied from the no-grad slice with one element active; a helper result stored.
#[differentiable]
fn c_partial(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut d = w.to_vec();
    d[0] = x[0];
    let mut c = vec![0.0; 3];
    c[1] = h(w, w, x[1]);
    let mut l = 0.0;
    for i in 0..2 {
        l += h(w, &d, 0.3 + x[i]) + h(&c, w, 0.7) + h(&d, &c, 0.1);
    }
    l
}

/// A tuple of slices.
#[differentiable]
fn c_tuple(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let t = (w.to_vec(), x.to_vec());
    let mut l = 0.0;
    for i in 0..2 {
        l += h(&t.0, &t.1, x[i]) + h(&t.1, &t.0, 0.3);
    }
    l
}

/// Second order: a helper called with a no-grad slice.
#[differentiable(order = 2)]
fn h_o2(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..xs.len() {
        s += (xs[k] * q).sin() * ys[k] + xs[k] * ys[k] * ys[k];
    }
    s
}

#[differentiable(order = 2)]
fn c_order2(x: &[f64]) -> f64 {
    let w = vec![0.3, -0.6, 0.9];
    let mut l = 0.0;
    for i in 0..3 {
        l += h_o2(&w, x, x[i]) + h_o2(x, &w, 0.4) + h_o2(&w, &w, x[i]);
    }
    l
}

/// A helper taking rows, called with a no-grad grid and an active local grid.
#[differentiable]
fn c_grid_rows(x: &[f64], #[no_grad] t: &[Vec<f64>]) -> f64 {
    let mut g = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            g[i][j] = x[j] * (i as f64 + 1.0);
        }
    }
    let fixed = vec![vec![0.5, 0.25, 0.125]; 2];
    let mut l = 0.0;
    for i in 0..3 {
        l += hrows(&g, &t[0], x[i])
            + hrows(t, &g[1], x[i])
            + hrows(&fixed, x, 0.3)
            + hrows(t, &fixed[0], x[i]);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 3
// ---------------------------------------------------------------------------------------------

/// Loop indices shadowed after reads and writes of the grid in the same trip.
#[differentiable]
fn r_shadow_loop_index(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let n = u.len();
    let m = u[0].len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..m {
            let a = u[i][j];
            u[i][j] = a * k + 0.1;
            let i = (i + 1) % n;
            let j = (j + 2) % m;
            let b = u[i][j];
            s += a * b + u[i][j] * k;
        }
    }
    s
}

/// Loops with `.rev()` and `step_by`.
#[differentiable]
fn g_rev_step(x: &[f64]) -> f64 {
    let n = 4;
    let mut u = vec![vec![0.0; n]; n];
    for i in (0..n).rev() {
        for j in (0..n).step_by(2) {
            u[i][j] = x[i] * x[(j + 1) % n];
            u[i][j + 1] = u[i][j] + x[j];
        }
    }
    let mut s = 0.0;
    for i in (0..n).step_by(3) {
        for j in (1..n).rev() {
            s += u[i][j] * u[j][i] - u[i][j - 1];
        }
    }
    s
}

/// A generic grid passed to a generic helper.
#[differentiable]
fn grid_norm<T: Real>(g: &[Vec<T>]) -> T {
    let mut s = T::zero();
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += g[i][j] * g[i][j];
        }
    }
    s.sqrt()
}

#[differentiable]
fn g_generic_helper<T: Real>(x: &[T], k: T) -> T {
    let mut u = vec![vec![T::zero(); 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = x[2 * i + j] * k;
        }
    }
    let a = grid_norm(&u);
    u[0][1] = a * x[0];
    a + grid_norm(&u) * k
}

/// Second order: a grid passed to a second-order helper.
#[differentiable(order = 2)]
fn grid_norm2(g: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += g[i][j] * g[i][j] * g[i][j];
        }
    }
    s
}

#[differentiable(order = 2)]
fn g_order2_helper(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = x[2 * i + j].sin();
        }
    }
    let a = grid_norm2(&u);
    u[1][0] = a * x[1];
    a + grid_norm2(&u) + u[1][0] * u[0][0]
}

/// Second order: repeated reads of rows.
#[differentiable(order = 2)]
fn r_order2(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            u[i][j] = x[i * 3 + j];
        }
    }
    let mut s = 0.0;
    for i in 0..2 {
        for j in 1..3 {
            let a = u[i][j] * u[i][j] + u[i][j - 1] * u[i][j];
            u[i][j] = a;
            s += u[i][j] * u[i][j - 1] + u[i][j];
        }
    }
    s
}

/// A helper reading its slices through iterators.
#[differentiable]
fn hiter(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for (a, b) in xs.iter().zip(ys.iter()) {
        s += a * b * q + a * a;
    }
    s + xs.iter().sum::<f64>() * q
}

#[differentiable]
fn c_iter(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += hiter(w, x, x[i]) + hiter(x, w, 0.3) + hiter(w, w, x[i]);
    }
    l
}

/// A helper with a `wrt` option.
#[differentiable(wrt(xs, q))]
fn hwrt(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..xs.len() {
        s += xs[k] * ys[k] * q + xs[k].sin();
    }
    s
}

#[differentiable]
fn c_wrt(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        l += hwrt(w, w, x[i]) + hwrt(x, w, 0.3);
    }
    l
}

/// A helper reading rows through a borrowed row, called with live and dead grids in one loop,
/// the dead one a local from constants.
#[differentiable]
fn hrowref(t: &[Vec<f64>], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..t.len() {
        let row = &t[i];
        for j in 0..row.len().min(w.len()) {
            s += row[j] * w[j] + row[j] * row[j] * 0.5;
        }
    }
    s
}

#[differentiable]
fn c_rowref(x: &[f64], p: &[Vec<f64>]) -> f64 {
    let fixed = vec![vec![0.5, -0.5, 0.25]; 2];
    let mut l = 0.0;
    for i in 0..3 {
        l += hrowref(&fixed, x) * x[i]
            + hrowref(p, &fixed[1])
            + hrowref(p, x)
            + hrowref(&fixed, &fixed[0]);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 4
// ---------------------------------------------------------------------------------------------

/// A `#[no_grad]` scalar reassigned from a differentiated value.
#[differentiable]
fn c_nograd_scalar(x: &[f64], #[no_grad] mut k: f64) -> f64 {
    let a = x[0] * k;
    k = x[1] * x[2];
    a + k * x[0]
}

/// Ranges of the same parameter passed with the parameter itself, overlapping ranges.
#[differentiable]
fn c_ranges_same(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..2 {
        l += h(&x[1..], x, 0.3 + x[i])
            + h(&x[i..i + 2], &x[i + 1..i + 3], 0.7)
            + h(&w[i..], &x[i..], 0.2);
    }
    l
}

/// Rows of a parameter grid and of a no-grad grid passed to the helper.
#[differentiable]
fn c_param_rows(p: &[Vec<f64>], #[no_grad] t: &[Vec<f64>], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..p.len() {
        l += h(&p[i], &t[i], k)
            + h(&t[i], &p[(i + 1) % p.len()], k * 0.5)
            + h(&p[0], &p[1], k)
            + h(&t[0], &t[1], k);
    }
    l
}

/// Rows of a local grid passed to the helper.
#[differentiable]
fn c_local_rows(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 3]; 2];
    for j in 0..3 {
        u[0][j] = x[j] * x[j];
        u[1][j] = w[j];
    }
    let mut l = 0.0;
    for i in 0..2 {
        l += h(&u[i], &u[1 - i], x[i]) + h(&u[1], w, x[i]);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 5
// ---------------------------------------------------------------------------------------------

/// A helper with a `mut` array parameter written by index.
#[differentiable]
fn hmarr(mut a: [f64; 3], w: &[f64], q: f64) -> f64 {
    for k in 0..3 {
        a[k] = a[k] * q + w[k];
    }
    a[0] * a[1] + a[2] * w[0]
}

#[differentiable]
fn c_mut_array(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let live = [x[0], x[1] * x[2], x[2]];
    let dead = [0.5, -0.25, 0.75];
    let mut l = 0.0;
    for i in 0..3 {
        l +=
            hmarr(live, w, x[i]) + hmarr(dead, x, 0.3) + hmarr(dead, w, x[i]) + hmarr(live, x, 0.2);
    }
    l
}

/// A helper with an unused `mut` on a slice parameter.
#[differentiable]
fn hmutslice(mut xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..xs.len() {
        s += xs[k] * ys[k] * q;
    }
    s
}

#[differentiable]
fn c_mut_slice(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..3 {
        l += hmutslice(w, x, x[i]) + hmutslice(x, w, 0.3) + hmutslice(x, x, 0.1);
    }
    l
}

/// Rows repeated from inline active rows, an array repeated from an active value.
#[differentiable]
fn g_inline_repeat(x: &[f64]) -> f64 {
    let mut u = vec![vec![x[0]; 3]; 2];
    let mut v = vec![vec![x[1], x[2] * x[0]]; 3];
    let mut a = [[x[3]; 2]; 2];
    u[1][1] = v[2][1] * a[1][0];
    v[0][0] = u[0][2] * x[1];
    a[0][1] = u[1][1] + v[0][0];
    u[0][0] * u[1][1] + v[1][1] * v[0][0] + a[0][1] * a[1][1] + u[1][2] + v[2][0]
}

/// A `Vec<[f64; 3]>` passed to a helper of arrays; an array of arrays passed by reference.
#[differentiable]
fn harr(a: &[[f64; 3]], q: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        for j in 0..3 {
            s += (a[i][j] * q).cos() * (1.0 + j as f64);
        }
    }
    s
}

#[differentiable]
fn g_arr_helper(x: &[f64]) -> f64 {
    let mut p = vec![[0.0; 3]; 2];
    let mut b = [[0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            p[i][j] = x[i * 3 + j];
            b[i][j] = x[i * 3 + j] * x[j];
        }
    }
    let mut l = 0.0;
    for t in 0..2 {
        l += harr(&p, x[t]) + harr(&b, 0.5);
        p[1][t] = l * 0.2;
        b[0][t + 1] = p[1][t] * b[1][t];
    }
    l
}

/// A stencil on a grid that is read, not made, in its loop and also passed to a helper there.
#[differentiable]
fn g_fit_and_helper(x: &[f64], k: f64) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += u[i][j] * u[(i + 1) % n][j] * k;
        }
        s += grid_inner(&u, k) * 0.1;
    }
    for i in 0..n {
        u[i][i] = s * u[i][(i + 1) % n];
    }
    s + grid_inner(&u, 0.3)
}

// ---------------------------------------------------------------------------------------------
// Batch 6: loop indices from data, break and continue in `for` loops
// ---------------------------------------------------------------------------------------------

/// Row indices from an index `Vec` and an array of indices.
#[differentiable]
fn g_index_vec(x: &[f64]) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; n];
    let order = vec![2, 0, 1];
    for &i in order.iter() {
        for j in [1, 2, 0] {
            u[i][j] = x[i * n + j] + 0.5 * u[(i + 1) % n][(j + 2) % n];
        }
    }
    let mut s = 0.0;
    for i in order.clone() {
        for j in 0..n {
            s += u[i][j] * u[j][i] * (1.0 + i as f64);
        }
    }
    s
}

/// `break` and `continue` in `for` loops over the grid, a labeled break.
#[differentiable]
fn g_for_break(x: &[f64]) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    let mut s = 0.0;
    'outer: for i in 0..n {
        for j in 0..n {
            if i == 1 && j == 0 {
                continue;
            }
            u[i][j] = u[i][j] * u[(i + 2) % n][j] + 0.3;
            s += u[i][j];
            if i == 2 && j == 1 {
                break 'outer;
            }
            if j == 2 && i == 0 {
                break;
            }
        }
    }
    for i in 0..n {
        for j in 0..n {
            s += 0.1 * u[i][j] * u[i][j];
        }
    }
    s
}

/// Ranges with data-dependent bounds.
#[differentiable]
fn g_data_range(x: &[f64]) -> f64 {
    let n = 4;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[(i + j) % x.len()] * (i as f64 + 1.0);
        }
    }
    let lo = (x[0].abs() * 2.0) as usize % 2;
    let hi = lo + 2;
    let mut s = 0.0;
    for i in lo..hi {
        for j in lo + 1..n {
            u[i][j] = u[i][j - 1] * u[i][j] + x[1];
            s += u[i][j] * u[j - 1][i];
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Batch 7: syntax variety on grid elements
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn sq(a: f64) -> f64 {
    a * a + a.sin()
}

#[differentiable]
fn g_syntax(x: &[f64], k: f64) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j];
        }
    }
    u[0][0] = u[0][0].powi(2) + u[0][1].max(0.05 * k);
    u[0][1] -= u[1][1] * k;
    u[0][2] /= 1.5 + u[2][2] * u[2][2];
    u[1][0] = if k > 0.0 { u[1][1] * k } else { u[1][2] };
    u[1][1] = match n {
        3 => u[2][0] * u[1][1],
        _ => 0.0,
    };
    u[1][2] = sq(u[1][2]) + sq(k * u[n - 1 - 1][n - 1]);
    u[2][0] = -u[2][0] + (u[2][1] * k).exp();
    let m = u.len();
    assert_eq!(m, 3);
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += u[n - 1 - i][j] * (1.0 + (i * n + j) as f64) + u[i][j].tanh();
        }
    }
    s
}

/// Destructuring assignment of grid elements.
#[differentiable]
fn g_destructure(x: &[f64]) -> f64 {
    let mut u = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            u[i][j] = x[2 * i + j];
        }
    }
    let (a, b) = (u[0][1] * u[1][0], u[1][1] + u[0][0]);
    u[0][0] = b;
    u[1][1] = a * b;
    let (p, q) = (u[0][0], u[1][1]);
    p * q + u[0][1] * u[1][1]
}

// ---------------------------------------------------------------------------------------------
// Batch 8: grid parameters by value, `mut`, no-grad grids copied
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn g_mut_param(mut u: Vec<Vec<f64>>, k: f64) -> f64 {
    let n = u.len();
    for i in 0..n {
        for j in 0..u[i].len() {
            u[i][j] = u[i][j] * k + u[(i + 1) % n][j] * u[i][j];
        }
    }
    u[0][0] * u[1][1] + u[n - 1][0]
}

#[differentiable]
fn g_mut_array_param(mut a: [[f64; 2]; 2], k: f64) -> f64 {
    for i in 0..2 {
        for j in 0..2 {
            a[i][j] = a[j][i] * k + a[i][j];
        }
    }
    a[0][0] * a[1][1] + a[0][1]
}

/// Callers of the by-value helpers in a loop, with live and dead grids.
#[differentiable]
fn c_by_value(x: &[f64], #[no_grad] t: &[Vec<f64>]) -> f64 {
    let mut g = vec![vec![0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            g[i][j] = x[2 * i + j];
        }
    }
    let arr = [[x[0], x[1]], [x[2], x[3]]];
    let dead = [[0.5, 0.25], [0.75, -0.5]];
    let mut l = 0.0;
    for i in 0..2 {
        l += g_mut_param(g.clone(), x[i])
            + g_mut_param(t.to_vec(), x[i])
            + g_mut_param(t.to_vec(), 0.3);
        l += g_mut_array_param(arr, x[i])
            + g_mut_array_param(dead, x[i])
            + g_mut_array_param(dead, 0.2);
    }
    l
}

/// A no-grad grid copied and given a derivative by one write.
#[differentiable]
fn g_nograd_copy(x: &[f64], #[no_grad] t: &[Vec<f64>]) -> f64 {
    let mut u = t.to_vec();
    u[0][0] = x[0] * u[1][1];
    let mut s = 0.0;
    for i in 0..u.len() {
        for j in 0..u[i].len() {
            u[i][j] = u[i][j] * x[1] + u[0][0];
            s += u[i][j] * u[i][j];
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Batch 9: tuple-returning helpers, second order with dead grids
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn htup(xs: &[f64], ys: &[f64], q: f64) -> (f64, f64) {
    let mut a = 0.0;
    let mut b = 0.0;
    for k in 0..xs.len() {
        a += xs[k] * ys[k] * q;
        b += (xs[k] + q).sin() * ys[k];
    }
    (a, b)
}

#[differentiable]
fn c_tuple_helper(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..3 {
        let (a, b) = htup(w, x, x[i]);
        let (c, d) = htup(x, w, 0.3);
        let (e, f) = htup(w, w, x[i]);
        l += a * b + c * d + e - f;
    }
    l
}

#[differentiable(order = 2)]
fn grid_cubes(g: &[Vec<f64>], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..g[i].len() {
            s += g[i][j] * g[i][j] * w[j] + w[j] * w[j] * g[i][j];
        }
    }
    s
}

#[differentiable(order = 2)]
fn c_order2_grids(x: &[f64]) -> f64 {
    let fixed = vec![vec![0.5, -0.25, 0.75]; 2];
    let mut u = vec![vec![0.0; 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            u[i][j] = x[j] * (i as f64 + 1.0) + x[(j + 1) % 3];
        }
    }
    let w = vec![0.3, 0.6, 0.9];
    let mut l = 0.0;
    for i in 0..2 {
        l += grid_cubes(&fixed, x) + grid_cubes(&u, &w) + grid_cubes(&u, x);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 10
// ---------------------------------------------------------------------------------------------

/// A scratch grid declared once outside the loop, copied into the state each trip; reads in
/// `dbg!`-free macros.
#[differentiable]
fn g_scratch_clone(x: &[f64], k: f64) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; 2];
    for j in 0..n {
        u[0][j] = x[j];
        u[1][j] = x[j + n];
    }
    let mut next = vec![vec![0.0; n]; 2];
    for _ in 0..3 {
        for i in 0..2 {
            for j in 0..n {
                next[i][j] = u[1 - i][j] * k + u[i][(j + 1) % n] * u[i][j];
            }
        }
        assert!(next[0][0].is_finite(), "not finite: {}", next[0][0]);
        u = next.clone();
        next[1][1] = u[0][0] * 0.5;
    }
    u[0][0] + u[1][2] * next[1][1] + u[0][1] * u[1][0]
}

/// A generic helper over rows called with a no-grad grid and an active local grid.
#[differentiable]
fn hrows_gen<T: Real>(t: &[Vec<T>], w: &[T], q: T) -> T {
    let mut s = T::zero();
    for i in 0..t.len() {
        for j in 0..w.len() {
            s += t[i][j] * w[j] * q + t[i][j] * t[i][j];
        }
    }
    s
}

#[differentiable]
fn c_rows_generic<T: Real>(x: &[T], #[no_grad] t: &[Vec<T>]) -> T {
    let mut g = vec![vec![T::zero(); 3]; 2];
    for i in 0..2 {
        for j in 0..3 {
            g[i][j] = x[j] * x[(j + i) % 3];
        }
    }
    let mut l = T::zero();
    for i in 0..3 {
        l += hrows_gen(t, x, x[i]) + hrows_gen(&g, &t[0], x[i]) + hrows_gen(t, &t[1], x[i]);
    }
    l
}

// ---------------------------------------------------------------------------------------------
// Batch 11: whole-row writes of array rows between reads
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn r_array_rows(x: &[f64]) -> f64 {
    let mut p = vec![[0.0; 2]; 3];
    let mut a = [[0.0; 2]; 3];
    for i in 0..3 {
        p[i][0] = x[i];
        p[i][1] = x[i] * x[i];
        a[i][0] = x[i] + 1.0;
        a[i][1] = x[(i + 1) % 3];
    }
    let b0 = p[1][0];
    p[1] = [x[2] * 3.0, x[0]];
    let b1 = p[1][0];
    let c0 = a[0][1];
    a[0] = a[2];
    let c1 = a[0][1];
    let d0 = p[0][1];
    p.swap(0, 2);
    let d1 = p[0][1];
    let e0 = a[1][0];
    a.swap(1, 2);
    let e1 = a[1][0];
    b0 * b1 + c0 * c1 + d0 * d1 + e0 * e1 + p[1][1] * a[0][0]
}

// ---------------------------------------------------------------------------------------------
// Batch 12: a grid's buffer partly grown (short rows) when the helper adopts it
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn g_short_rows_helper(x: &[f64]) -> f64 {
    let n = 3;
    let mut u = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            u[i][j] = x[i * n + j] * x[j];
        }
    }
    let mut l = 0.0;
    for t in 0..2 {
        l += grid_inner(&u, x[t]) + hrowref(&u, x) + grid_pair(&u, &u);
        l += u[n - 1][0] * u[1][1];
    }
    l + u[n - 1][0] * l
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

fn rows(z: &[f64], m: usize) -> Vec<Vec<f64>> {
    z.chunks(m).map(|r| r.to_vec()).collect()
}

/// Check `f(rows, k)` with gradient `(gu, gk)` from `grad`.
fn check_rows_k(
    name: &str,
    f: impl Fn(&[Vec<f64>], f64) -> f64,
    grad: impl Fn(&[Vec<f64>], f64) -> (f64, (Vec<Vec<f64>>, f64)),
    n: usize,
    m: usize,
    amp: f64,
    k: f64,
) {
    let g0 = rows(&sines(n * m, amp), m);
    let (v, (gu, gk)) = grad(&g0, k);
    assert!(
        (v - f(&g0, k)).abs() < 1e-9 * (1.0 + v.abs()),
        "{name}: value"
    );
    let mut p = g0.concat();
    p.push(k);
    check(
        name,
        |z| f(&rows(&z[..n * m], m), z[n * m]),
        &[gu.concat(), vec![gk]].concat(),
        &p,
    );
}

fn check_rows(
    name: &str,
    f: impl Fn(&[Vec<f64>]) -> f64,
    grad: impl Fn(&[Vec<f64>]) -> (f64, Vec<Vec<f64>>),
    n: usize,
    m: usize,
    amp: f64,
) {
    let g0 = rows(&sines(n * m, amp), m);
    let (v, gu) = grad(&g0);
    assert!((v - f(&g0)).abs() < 1e-9 * (1.0 + v.abs()), "{name}: value");
    check(name, |z| f(&rows(z, m)), &gu.concat(), &g0.concat());
}

fn check_x(
    name: &str,
    f: impl Fn(&[f64]) -> f64,
    grad: impl Fn(&[f64]) -> (f64, Vec<f64>),
    x: &[f64],
) {
    let (v, g) = grad(x);
    assert!((v - f(x)).abs() < 1e-9 * (1.0 + v.abs()), "{name}: value");
    check(name, f, &g, x);
}

fn check_xk(
    name: &str,
    f: impl Fn(&[f64], f64) -> f64,
    grad: impl Fn(&[f64], f64) -> (f64, (Vec<f64>, f64)),
    x: &[f64],
    k: f64,
) {
    let (v, (gx, gk)) = grad(x, k);
    assert!(
        (v - f(x, k)).abs() < 1e-9 * (1.0 + v.abs()),
        "{name}: value"
    );
    let n = x.len();
    check(
        name,
        |z| f(&z[..n], z[n]),
        &[gx, vec![gk]].concat(),
        &[x.to_vec(), vec![k]].concat(),
    );
}

#[test]
fn grids() {
    check_x(
        "g_ragged_push",
        g_ragged_push,
        g_ragged_push_grad,
        &sines(5, 0.9),
    );
    check_x(
        "g_push_values",
        g_push_values,
        g_push_values_grad,
        &sines(4, 0.9),
    );
    check_x("g_empty", g_empty, g_empty_grad, &sines(2, 0.9));
    check_x("g_one_row", g_one_row, g_one_row_grad, &sines(4, 0.5));
    let x = vec![0.55, 0.33, -0.4, 0.7, 1.1, -0.8, 0.25];
    check_x("g_data_index", g_data_index, g_data_index_grad, &x);
    check_x("g_while", g_while, g_while_grad, &sines(9, 0.8));
    check_rows_k(
        "g_write_read",
        g_write_read,
        g_write_read_grad,
        2,
        3,
        0.8,
        0.6,
    );
    check_x(
        "g_move_reassign",
        g_move_reassign,
        g_move_reassign_grad,
        &sines(4, 0.8),
    );
    check_x("g_sum_rows", g_sum_rows, g_sum_rows_grad, &sines(4, 0.8));
    check_xk(
        "g_nested_helpers",
        g_nested_helpers,
        g_nested_helpers_grad,
        &sines(6, 0.8),
        0.7,
    );
    check_x(
        "g_array_swap",
        g_array_swap,
        g_array_swap_grad,
        &sines(6, 0.6),
    );
    check_x(
        "g_pairs_push",
        g_pairs_push,
        g_pairs_push_grad,
        &sines(4, 0.7),
    );
    let x = sines(4, 0.6);
    let (_, (gx, gk)) = g_generic_swap_grad(&x, 0.4);
    check_xk(
        "g_generic_swap",
        g_generic_swap,
        g_generic_swap_grad,
        &x,
        0.4,
    );
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (gx32, gk32)) = g_generic_swap_grad(&x32, 0.4f32);
    for (a, b) in gx.iter().chain([&gk]).zip(gx32.iter().chain([&gk32])) {
        assert!(
            (a - *b as f64).abs() < 1e-3 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
    check_x("g_order2", g_order2, g_order2_grad, &sines(4, 0.6));
    let x = sines(4, 0.6);
    let v = sines(4, 0.3);
    let (_, _, hv) = g_order2_hvp(&x, v.clone());
    check_hvp("g_order2", |z| g_order2_grad(z).1, &hv, &x, &v);
}

#[test]
fn grids_vjp_jvp() {
    let x = sines(9, 0.8);
    let (_, g) = g_while_grad(&x);
    let (_, pb) = g_while_vjp(&x);
    let p = pb(2.5);
    for (a, b) in p.iter().zip(&g) {
        assert!((a - 2.5 * b).abs() < 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
    }
    let t = sines(9, 1.3);
    let (_, d) = g_while_jvp(&x, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");

    let g0 = rows(&sines(6, 0.8), 3);
    let (_, (gu, gk)) = g_write_read_grad(&g0, 0.6);
    let tu = rows(&sines(6, 1.1), 3);
    let (_, d) = g_write_read_jvp(&g0, 0.6, tu.clone(), 0.3);
    let dot: f64 = gu
        .concat()
        .iter()
        .zip(tu.concat())
        .map(|(a, b)| a * b)
        .sum::<f64>()
        + gk * 0.3;
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");
}

#[test]
fn rereads() {
    check_rows("r_shadow", r_shadow, r_shadow_grad, 3, 3, 0.9);
    check_rows_k(
        "r_alias_index",
        r_alias_index,
        r_alias_index_grad,
        3,
        3,
        0.9,
        0.7,
    );
    check_rows("r_for_rebind", r_for_rebind, r_for_rebind_grad, 3, 3, 0.9);
    check_rows_k(
        "r_row_replace",
        r_row_replace,
        r_row_replace_grad,
        2,
        3,
        0.9,
        0.7,
    );
    check_rows("r_vec_swap", r_vec_swap, r_vec_swap_grad, 2, 3, 0.9);
    check_rows(
        "r_mem_swap_rows",
        r_mem_swap_rows,
        r_mem_swap_rows_grad,
        2,
        3,
        0.9,
    );
    check_rows_k("r_branch", r_branch, r_branch_grad, 3, 2, 0.9, 0.4);
    check_rows_k("r_macros", r_macros, r_macros_grad, 2, 2, 0.9, 0.4);
    check_rows_k(
        "r_inner_loop_write",
        r_inner_loop_write,
        r_inner_loop_write_grad,
        3,
        2,
        0.9,
        0.4,
    );
    check_rows_k("r_grid_move", r_grid_move, r_grid_move_grad, 3, 3, 0.9, 0.4);
    check_rows(
        "r_while_index",
        r_while_index,
        r_while_index_grad,
        3,
        3,
        0.9,
    );
}

#[test]
fn helpers_without_derivative() {
    let (x, w) = split(&sines(7, 0.8), 3);
    check_x(
        "c_same_nograd",
        |z| c_same_nograd(z, &w),
        |z| c_same_nograd_grad(z, &w),
        &x,
    );
    check_x(
        "c_same_grad",
        |z| c_same_grad(z, &w),
        |z| c_same_grad_grad(z, &w),
        &x,
    );
    check_x(
        "c_shadow",
        |z| c_shadow(z, &w),
        |z| c_shadow_grad(z, &w),
        &x,
    );
    check_x(
        "c_derived",
        |z| c_derived(z, &w),
        |z| c_derived_grad(z, &w),
        &x,
    );
    check_x("c_late_active", c_late_active, c_late_active_grad, &x);
    check_x("c_swap_active", c_swap_active, c_swap_active_grad, &x);
    let t = rows(&sines(6, 0.7), 3);
    check_x("c_rows", |z| c_rows(z, &t), |z| c_rows_grad(z, &t), &x);
    let (x2, w2) = split(&sines(6, 0.8), 3);
    check_x(
        "c_nested",
        |z| c_nested(z, &w2),
        |z| c_nested_grad(z, &w2),
        &x2,
    );
    check_x(
        "c_mut_helper",
        |z| c_mut_helper(z, &w2),
        |z| c_mut_helper_grad(z, &w2),
        &x2,
    );
    check_x(
        "c_generic",
        |z| c_generic(z, &w2),
        |z| c_generic_grad(z, &w2),
        &x2,
    );
    let x32: Vec<f32> = x2.iter().map(|&v| v as f32).collect();
    let w32: Vec<f32> = w2.iter().map(|&v| v as f32).collect();
    let (_, g) = c_generic_grad(&x2, &w2);
    let (_, g32) = c_generic_grad(&x32, &w32);
    for (a, b) in g.iter().zip(&g32) {
        assert!(
            (a - *b as f64).abs() < 1e-3 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
}

#[test]
fn batch2_grids() {
    let a0 = [[0.3, -0.5], [0.8, 0.1], [-0.7, 0.45]];
    let (v, (ga, gk)) = g_array_param_grad(a0, 0.6);
    assert!((v - g_array_param(a0, 0.6)).abs() < 1e-9);
    let to_a = |z: &[f64]| [[z[0], z[1]], [z[2], z[3]], [z[4], z[5]]];
    let flat_ga: Vec<f64> = ga.iter().flat_map(|r| r.iter().copied()).collect();
    check(
        "g_array_param",
        |z| g_array_param(to_a(z), z[6]),
        &[flat_ga, vec![gk]].concat(),
        &[0.3, -0.5, 0.8, 0.1, -0.7, 0.45, 0.6],
    );
    check_rows_k(
        "g_vecref_clone",
        |u, k| g_vecref_clone(&u.to_vec(), k),
        |u, k| g_vecref_clone_grad(&u.to_vec(), k),
        3,
        2,
        0.8,
        0.7,
    );
    check_x(
        "g_repeat_active_row",
        g_repeat_active_row,
        g_repeat_active_row_grad,
        &sines(4, 0.8),
    );
    check_x(
        "g_clone_both",
        g_clone_both,
        g_clone_both_grad,
        &sines(6, 0.8),
    );
    check_x(
        "g_helper_twice",
        g_helper_twice,
        g_helper_twice_grad,
        &sines(4, 0.5),
    );
    check_x(
        "g_changing_len",
        g_changing_len,
        g_changing_len_grad,
        &sines(4, 0.5),
    );
}

#[test]
fn batch2_rereads() {
    check_rows_k(
        "r_row_methods",
        r_row_methods,
        r_row_methods_grad,
        3,
        3,
        0.9,
        0.7,
    );
    check_rows_k("r_remove", r_remove, r_remove_grad, 3, 3, 0.9, 0.7);
    check_rows_k(
        "r_mem_replace",
        r_mem_replace,
        r_mem_replace_grad,
        2,
        2,
        0.9,
        0.7,
    );
    check_rows_k(
        "r_grid_methods",
        r_grid_methods,
        r_grid_methods_grad,
        3,
        2,
        0.9,
        0.7,
    );
    check_rows_k("r_blocks", r_blocks, r_blocks_grad, 2, 2, 0.9, 0.12);
    check_rows_k("r_blocks1", r_blocks, r_blocks_grad, 2, 2, 0.9, 0.15);
    check_rows_k(
        "r_self_update",
        r_self_update,
        r_self_update_grad,
        2,
        3,
        0.5,
        0.7,
    );
}

#[test]
fn batch2_helpers() {
    let (x, w) = split(&sines(6, 0.8), 3);
    check_x("c_cycle", |z| c_cycle(z, &w), |z| c_cycle_grad(z, &w), &x);
    check_x(
        "c_push_extend",
        |z| c_push_extend(z, &w),
        |z| c_push_extend_grad(z, &w),
        &x,
    );
    check_xk(
        "c_branch_range+",
        |z, k| c_branch_range(z, &w, k),
        |z, k| c_branch_range_grad(z, &w, k),
        &x,
        0.4,
    );
    check_xk(
        "c_branch_range-",
        |z, k| c_branch_range(z, &w, k),
        |z, k| c_branch_range_grad(z, &w, k),
        &x,
        -0.4,
    );
    check_x(
        "c_partial",
        |z| c_partial(z, &w),
        |z| c_partial_grad(z, &w),
        &x,
    );
    check_x("c_tuple", |z| c_tuple(z, &w), |z| c_tuple_grad(z, &w), &x);
    check_x("c_order2", c_order2, c_order2_grad, &x);
    let v = sines(3, 0.3);
    let (_, _, hv) = c_order2_hvp(&x, v.clone());
    check_hvp("c_order2", |z| c_order2_grad(z).1, &hv, &x, &v);
    let t = rows(&sines(6, 0.7), 3);
    check_x(
        "c_grid_rows",
        |z| c_grid_rows(z, &t),
        |z| c_grid_rows_grad(z, &t),
        &x,
    );
    // pullback and forward mode of a caller of helpers
    let (_, g) = c_cycle_grad(&x, &w);
    let (_, pb) = c_cycle_vjp(&x, &w);
    let p = pb(-0.5);
    for (a, b) in p.iter().zip(&g) {
        assert!((a + 0.5 * b).abs() < 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
    }
    let tt = sines(3, 1.4);
    let (_, d) = c_cycle_jvp(&x, &w, tt.clone());
    let dot: f64 = g.iter().zip(&tt).map(|(a, b)| a * b).sum();
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");
}

#[test]
fn batch3() {
    check_rows_k(
        "r_shadow_loop_index",
        r_shadow_loop_index,
        r_shadow_loop_index_grad,
        3,
        3,
        0.9,
        0.7,
    );
    check_x("g_rev_step", g_rev_step, g_rev_step_grad, &sines(4, 0.8));
    let x = sines(4, 0.8);
    check_xk(
        "g_generic_helper",
        g_generic_helper,
        g_generic_helper_grad,
        &x,
        0.6,
    );
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let (_, (gx, gk)) = g_generic_helper_grad(&x, 0.6);
    let (_, (gx32, gk32)) = g_generic_helper_grad(&x32, 0.6f32);
    for (a, b) in gx.iter().chain([&gk]).zip(gx32.iter().chain([&gk32])) {
        assert!(
            (a - *b as f64).abs() < 1e-3 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
    check_x("g_order2_helper", g_order2_helper, g_order2_helper_grad, &x);
    let v = sines(4, 0.3);
    let (_, _, hv) = g_order2_helper_hvp(&x, v.clone());
    check_hvp(
        "g_order2_helper",
        |z| g_order2_helper_grad(z).1,
        &hv,
        &x,
        &v,
    );
    let x6 = sines(6, 0.8);
    let v6 = sines(6, 0.3);
    check_x("r_order2", r_order2, r_order2_grad, &x6);
    let (_, _, hv) = r_order2_hvp(&x6, v6.clone());
    check_hvp("r_order2", |z| r_order2_grad(z).1, &hv, &x6, &v6);
    let (x3, w3) = split(&sines(6, 0.8), 3);
    check_x("c_iter", |z| c_iter(z, &w3), |z| c_iter_grad(z, &w3), &x3);
    check_x("c_wrt", |z| c_wrt(z, &w3), |z| c_wrt_grad(z, &w3), &x3);
    let p = rows(&sines(6, 0.6), 3);
    let (v, (gx, gp)) = c_rowref_grad(&x3, &p);
    assert!((v - c_rowref(&x3, &p)).abs() < 1e-9);
    check(
        "c_rowref",
        |z| c_rowref(&z[..3], &rows(&z[3..], 3)),
        &[gx, gp.concat()].concat(),
        &[x3.clone(), p.concat()].concat(),
    );
}

#[test]
fn pullbacks_called_twice() {
    let g0 = rows(&sines(6, 0.8), 3);
    let (_, pb) = g_write_read_vjp(&g0, 0.6);
    let (a1, k1) = pb(1.0);
    let (a2, k2) = pb(1.0);
    assert_eq!(a1, a2);
    assert_eq!(k1, k2);
    let (_, (gu, gk)) = g_write_read_grad(&g0, 0.6);
    assert!((k1 - gk).abs() < 1e-12);
    let x = sines(4, 0.5);
    let (_, pb) = g_helper_twice_vjp(&x);
    let p1 = pb(1.0);
    let p2 = pb(2.0);
    for (a, b) in p1.iter().zip(&p2) {
        assert!((2.0 * a - b).abs() < 1e-9 * (1.0 + a.abs()), "{a} vs {b}");
    }
    let (_, g) = g_helper_twice_grad(&x);
    let t = sines(4, 1.2);
    let (_, d) = g_helper_twice_jvp(&x, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");
    let (_, g) = g_changing_len_grad(&x);
    let (_, d) = g_changing_len_jvp(&x, t.clone());
    let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
    assert!((d - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{d} vs {dot}");
}

#[test]
fn batch4() {
    let (x, w) = split(&sines(6, 0.8), 3);
    check_x(
        "c_nograd_scalar",
        |z| c_nograd_scalar(z, 0.7),
        |z| c_nograd_scalar_grad(z, 0.7),
        &x,
    );
    let (x4, w4) = split(&sines(8, 0.8), 4);
    check_x(
        "c_ranges_same",
        |z| c_ranges_same(z, &w4),
        |z| c_ranges_same_grad(z, &w4),
        &x4,
    );
    let t = rows(&sines(6, 0.6), 3);
    let p = rows(&sines(6, 0.9), 3);
    let (v, (gp, gk)) = c_param_rows_grad(&p, &t, 0.4);
    assert!((v - c_param_rows(&p, &t, 0.4)).abs() < 1e-9);
    check(
        "c_param_rows",
        |z| c_param_rows(&rows(&z[..6], 3), &t, z[6]),
        &[gp.concat(), vec![gk]].concat(),
        &[p.concat(), vec![0.4]].concat(),
    );
    check_x(
        "c_local_rows",
        |z| c_local_rows(z, &w),
        |z| c_local_rows_grad(z, &w),
        &x,
    );
}

#[test]
fn batch5() {
    let (x, w) = split(&sines(6, 0.8), 3);
    check_x(
        "c_mut_array",
        |z| c_mut_array(z, &w),
        |z| c_mut_array_grad(z, &w),
        &x,
    );
    check_x(
        "c_mut_slice",
        |z| c_mut_slice(z, &w),
        |z| c_mut_slice_grad(z, &w),
        &x,
    );
    check_x(
        "g_inline_repeat",
        g_inline_repeat,
        g_inline_repeat_grad,
        &sines(4, 0.8),
    );
    check_x(
        "g_arr_helper",
        g_arr_helper,
        g_arr_helper_grad,
        &sines(6, 0.8),
    );
    check_xk(
        "g_fit_and_helper",
        g_fit_and_helper,
        g_fit_and_helper_grad,
        &sines(9, 0.8),
        0.4,
    );
}

#[test]
fn batch6() {
    check_x("g_index_vec", g_index_vec, g_index_vec_grad, &sines(9, 0.8));
    check_x("g_for_break", g_for_break, g_for_break_grad, &sines(9, 0.8));
    let x = vec![0.3, 0.7, -0.4, 0.9];
    check_x("g_data_range", g_data_range, g_data_range_grad, &x);
    let x = vec![0.8, 0.7, -0.4, 0.9];
    check_x("g_data_range2", g_data_range, g_data_range_grad, &x);
}

#[test]
fn batch7() {
    check_xk("g_syntax", g_syntax, g_syntax_grad, &sines(9, 0.8), 0.4);
    check_xk("g_syntax-", g_syntax, g_syntax_grad, &sines(9, 0.8), -0.4);
    check_x(
        "g_destructure",
        g_destructure,
        g_destructure_grad,
        &sines(4, 0.8),
    );
}

#[test]
fn batch8() {
    let g0 = rows(&sines(6, 0.7), 2);
    let (v, (gu, gk)) = g_mut_param_grad(g0.clone(), 0.6);
    assert!((v - g_mut_param(g0.clone(), 0.6)).abs() < 1e-9);
    check(
        "g_mut_param",
        |z| g_mut_param(rows(&z[..6], 2), z[6]),
        &[gu.concat(), vec![gk]].concat(),
        &[g0.concat(), vec![0.6]].concat(),
    );
    let a0 = [[0.3, -0.6], [0.8, 0.45]];
    let (_, (ga, gk)) = g_mut_array_param_grad(a0, 0.6);
    check(
        "g_mut_array_param",
        |z| g_mut_array_param([[z[0], z[1]], [z[2], z[3]]], z[4]),
        &[ga[0][0], ga[0][1], ga[1][0], ga[1][1], gk],
        &[0.3, -0.6, 0.8, 0.45, 0.6],
    );
    let t = rows(&sines(4, 0.6), 2);
    let x = sines(4, 0.8);
    check_x(
        "c_by_value",
        |z| c_by_value(z, &t),
        |z| c_by_value_grad(z, &t),
        &x,
    );
    let t3 = rows(&sines(6, 0.6), 3);
    check_x(
        "g_nograd_copy",
        |z| g_nograd_copy(z, &t3),
        |z| g_nograd_copy_grad(z, &t3),
        &x,
    );
}

fn jvp_vs_grad(name: &str, g: &[f64], t: &[f64], d: f64) {
    let dot: f64 = g.iter().zip(t).map(|(a, b)| a * b).sum();
    assert!(
        (d - dot).abs() < 1e-9 * (1.0 + dot.abs()),
        "{name}: jvp {d} vs grad·t {dot}"
    );
}

#[test]
fn forward_mode_against_gradients() {
    let x5 = sines(5, 0.9);
    let t5 = sines(5, 1.3);
    jvp_vs_grad(
        "g_ragged_push",
        &g_ragged_push_grad(&x5).1,
        &t5,
        g_ragged_push_jvp(&x5, t5.clone()).1,
    );
    let x4 = sines(4, 0.7);
    let t4 = sines(4, 1.3);
    jvp_vs_grad(
        "g_pairs_push",
        &g_pairs_push_grad(&x4).1,
        &t4,
        g_pairs_push_jvp(&x4, t4.clone()).1,
    );
    jvp_vs_grad(
        "g_move_reassign",
        &g_move_reassign_grad(&x4).1,
        &t4,
        g_move_reassign_jvp(&x4, t4.clone()).1,
    );
    jvp_vs_grad(
        "g_push_values",
        &g_push_values_grad(&x4).1,
        &t4,
        g_push_values_jvp(&x4, t4.clone()).1,
    );
    jvp_vs_grad(
        "g_inline_repeat",
        &g_inline_repeat_grad(&x4).1,
        &t4,
        g_inline_repeat_jvp(&x4, t4.clone()).1,
    );
    jvp_vs_grad(
        "g_changing_len",
        &g_changing_len_grad(&x4).1,
        &t4,
        g_changing_len_jvp(&x4, t4.clone()).1,
    );
    let x6 = sines(6, 0.6);
    let t6 = sines(6, 1.3);
    jvp_vs_grad(
        "g_array_swap",
        &g_array_swap_grad(&x6).1,
        &t6,
        g_array_swap_jvp(&x6, t6.clone()).1,
    );
    jvp_vs_grad(
        "g_clone_both",
        &g_clone_both_grad(&x6).1,
        &t6,
        g_clone_both_jvp(&x6, t6.clone()).1,
    );
    jvp_vs_grad(
        "g_arr_helper",
        &g_arr_helper_grad(&x6).1,
        &t6,
        g_arr_helper_jvp(&x6, t6.clone()).1,
    );
    let x9 = sines(9, 0.8);
    let t9 = sines(9, 1.3);
    jvp_vs_grad(
        "g_for_break",
        &g_for_break_grad(&x9).1,
        &t9,
        g_for_break_jvp(&x9, t9.clone()).1,
    );
    jvp_vs_grad(
        "g_index_vec",
        &g_index_vec_grad(&x9).1,
        &t9,
        g_index_vec_jvp(&x9, t9.clone()).1,
    );

    let (x, w) = split(&sines(6, 0.8), 3);
    let t3 = sines(3, 1.1);
    jvp_vs_grad(
        "c_same_nograd",
        &c_same_nograd_grad(&x, &w).1,
        &t3,
        c_same_nograd_jvp(&x, &w, t3.clone()).1,
    );
    jvp_vs_grad(
        "c_late_active",
        &c_late_active_grad(&x).1,
        &t3,
        c_late_active_jvp(&x, t3.clone()).1,
    );
    jvp_vs_grad(
        "c_partial",
        &c_partial_grad(&x, &w).1,
        &t3,
        c_partial_jvp(&x, &w, t3.clone()).1,
    );
    jvp_vs_grad(
        "c_mut_array",
        &c_mut_array_grad(&x, &w).1,
        &t3,
        c_mut_array_jvp(&x, &w, t3.clone()).1,
    );
    jvp_vs_grad(
        "c_push_extend",
        &c_push_extend_grad(&x, &w).1,
        &t3,
        c_push_extend_jvp(&x, &w, t3.clone()).1,
    );
    let t = rows(&sines(6, 0.7), 3);
    jvp_vs_grad(
        "c_rows",
        &c_rows_grad(&x, &t).1,
        &t3,
        c_rows_jvp(&x, &t, t3.clone()).1,
    );
    jvp_vs_grad(
        "c_grid_rows",
        &c_grid_rows_grad(&x, &t).1,
        &t3,
        c_grid_rows_jvp(&x, &t, t3.clone()).1,
    );
    jvp_vs_grad(
        "g_nograd_copy",
        &g_nograd_copy_grad(&x4, &t).1,
        &t4,
        g_nograd_copy_jvp(&x4, &t, t4.clone()).1,
    );

    let g0 = rows(&sines(9, 0.9), 3);
    let tu = rows(&sines(9, 1.2), 3);
    let (_, (gu, gk)) = r_remove_grad(&g0, 0.7);
    let (_, d) = r_remove_jvp(&g0, 0.7, tu.clone(), 0.4);
    jvp_vs_grad(
        "r_remove",
        &[gu.concat(), vec![gk]].concat(),
        &[tu.concat(), vec![0.4]].concat(),
        d,
    );
    let (_, (gu, gk)) = r_row_methods_grad(&g0, 0.7);
    let (_, d) = r_row_methods_jvp(&g0, 0.7, tu.clone(), 0.4);
    jvp_vs_grad(
        "r_row_methods",
        &[gu.concat(), vec![gk]].concat(),
        &[tu.concat(), vec![0.4]].concat(),
        d,
    );
    let (_, (gu, gk)) = r_shadow_loop_index_grad(&g0, 0.7);
    let (_, d) = r_shadow_loop_index_jvp(&g0, 0.7, tu.clone(), 0.4);
    jvp_vs_grad(
        "r_shadow_loop_index",
        &[gu.concat(), vec![gk]].concat(),
        &[tu.concat(), vec![0.4]].concat(),
        d,
    );
}

#[test]
fn batch9() {
    let (x, w) = split(&sines(6, 0.8), 3);
    check_x(
        "c_tuple_helper",
        |z| c_tuple_helper(z, &w),
        |z| c_tuple_helper_grad(z, &w),
        &x,
    );
    check_x("c_order2_grids", c_order2_grids, c_order2_grids_grad, &x);
    let v = sines(3, 0.4);
    let (_, _, hv) = c_order2_grids_hvp(&x, v.clone());
    check_hvp("c_order2_grids", |z| c_order2_grids_grad(z).1, &hv, &x, &v);
}

#[test]
fn batch10() {
    check_xk(
        "g_scratch_clone",
        g_scratch_clone,
        g_scratch_clone_grad,
        &sines(6, 0.7),
        0.4,
    );
    let x = sines(3, 0.8);
    let t = rows(&sines(6, 0.6), 3);
    check_x(
        "c_rows_generic",
        |z| c_rows_generic(z, &t),
        |z| c_rows_generic_grad(z, &t),
        &x,
    );
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let t32: Vec<Vec<f32>> = t
        .iter()
        .map(|r| r.iter().map(|&v| v as f32).collect())
        .collect();
    let (_, g) = c_rows_generic_grad(&x, &t);
    let (_, g32) = c_rows_generic_grad(&x32, &t32);
    for (a, b) in g.iter().zip(&g32) {
        assert!(
            (a - *b as f64).abs() < 1e-3 * (1.0 + a.abs()),
            "f32 {b} vs f64 {a}"
        );
    }
}

#[differentiable]
fn r_closure_dbg(u0: &[Vec<f64>], k: f64) -> f64 {
    let mut u = u0.to_vec();
    let a = u[0][0];
    dbg!(u[0][0]);
    u[0][0] = a * k;
    let b = u[0][0];
    dbg!(b);
    let c = u[0][0];
    c * a + b * a
}

#[test]
fn closure_dbg() {
    check_rows_k(
        "r_closure_dbg",
        r_closure_dbg,
        r_closure_dbg_grad,
        2,
        2,
        0.9,
        0.4,
    );
}

#[test]
fn batch11() {
    check_x(
        "r_array_rows",
        r_array_rows,
        r_array_rows_grad,
        &sines(3, 0.8),
    );
    let x = sines(3, 0.8);
    let t = sines(3, 1.1);
    jvp_vs_grad(
        "r_array_rows",
        &r_array_rows_grad(&x).1,
        &t,
        r_array_rows_jvp(&x, t.clone()).1,
    );
}

#[test]
fn batch12() {
    check_x(
        "g_short_rows_helper",
        g_short_rows_helper,
        g_short_rows_helper_grad,
        &sines(9, 0.5),
    );
}

/// Spellings around the first two compile failures in the header (both fixed since): the slices
/// indexed in the branch, the helper called in each branch.
#[differentiable]
fn pick_element(x: &[f64], #[no_grad] y: &[f64], k: f64) -> f64 {
    let c0 = if k > 0.0 { x[0] } else { y[0] };
    c0 * k * x[1]
}

#[differentiable]
fn weighted_pair(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    xs[0] * ys[1] * q + xs[1].sin()
}

#[differentiable]
fn pick_helper(x: &[f64], y: &[f64], k: f64) -> f64 {
    if k > 0.0 {
        weighted_pair(x, y, k)
    } else {
        weighted_pair(y, y, k)
    }
}

#[test]
fn readme_spellings_of_the_failing_forms() {
    let (x, y) = (vec![0.7, -0.4], vec![1.3, 0.5]);
    for k in [0.8, -0.6] {
        let (_, (gx, gk)) = pick_element_grad(&x, &y, k);
        check(
            "pick_element",
            |z| pick_element(&z[..2], &y, z[2]),
            &[gx, vec![gk]].concat(),
            &[x.clone(), vec![k]].concat(),
        );
        let (_, (gx, gy, gk)) = pick_helper_grad(&x, &y, k);
        check(
            "pick_helper",
            |z| pick_helper(&z[..2], &z[2..4], z[4]),
            &[gx, gy, vec![gk]].concat(),
            &[x.clone(), y.clone(), vec![k]].concat(),
        );
    }
}
