//! Rows of a parameter held for a loop's reverse sweep, and inner loops whose bounds the reverse
//! sweep evaluates again, combined with each other and with other loop forms: stencil windows
//! and dense writes on local vectors, local grids written by index, `std::mem::swap` of local
//! buffers (also of different lengths, with a bound naming their `len()`), calls to
//! differentiated functions passing other parameters, rows of other parameters and ranges of
//! rows, scalar helpers with loops called with loop indices and bounds, conditions on loop
//! indices and on `abs`/`max` of row elements, `match` on a bound, held rows nested in loops with
//! bounds evaluated again and the reverse, by-value and `&Vec` rows, rows that are arrays,
//! aliases of a parameter passed to calls in a loop holding one of its rows, row references
//! swapped between trips, bound variables changed in the body of the loop they bound, ranges of
//! the parameter taken before a loop holding one of its rows and passed to calls in it, generic
//! functions at `f32` and `f64`, and `order = 2`. Each gradient is checked against central
//! differences.

#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::too_many_arguments,
    clippy::identity_op,
    clippy::manual_memcpy,
    clippy::mut_range_bound,
    clippy::redundant_slicing
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// A row gradient flattened to rows of `m` (rows never added to may be empty).
fn padded(g: &[Vec<f64>], m: usize) -> Vec<f64> {
    g.iter()
        .flat_map(|row| {
            assert!(row.len() == m || row.is_empty(), "row of {m}: {row:?}");
            (0..m).map(|j| row.get(j).copied().unwrap_or(0.0))
        })
        .collect()
}

#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..a.len().min(b.len()) {
        s += a[j] * b[j];
    }
    s
}

/// Sum of squares of a range of rows.
#[differentiable]
fn rows_sq(w: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        for j in 0..w[i].len() {
            s += w[i][j] * w[i][j];
        }
    }
    s
}

/// A scalar helper with a loop (Horner on `n` terms).
#[differentiable(order = 2)]
fn poly(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for t in 0..n {
        s = s * x + (t as f64 + 1.0) * 0.3;
    }
    s + x * x
}

// ----- 1. stencils, dense writes and swaps on local vectors ---------------------------------

/// A stencil on two swapped local buffers, with one row of `w` read in the stencil loop.
#[differentiable]
fn stencil_held(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] steps: usize) -> f64 {
    let n = x.len();
    let mut u = vec![0.0; n];
    let mut v = vec![0.0; n];
    for i in 0..n {
        u[i] = x[i];
    }
    for _ in 0..steps {
        for i in 1..n - 1 {
            v[i] = u[i - 1] * w[k][i] + u[i + 1] * w[k][i - 1] + (u[i] * w[k][i + 1]).sin();
        }
        v[0] = u[0] * w[k][0];
        v[n - 1] = u[n - 1] + u[n - 2] * 0.5;
        std::mem::swap(&mut u, &mut v);
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i];
    }
    s
}

/// Stencil reads in a loop with bounds evaluated again (a window `lo[i]..lo[i + 1]`), writing a
/// dense local vector that is swapped afterwards.
#[differentiable]
fn stencil_bounds(x: &[f64], #[no_grad] lo: &[usize]) -> f64 {
    let n = x.len();
    let mut u = vec![0.0; n];
    let mut v = vec![0.0; n];
    for i in 0..n {
        u[i] = x[i] * 0.8;
    }
    let mut s = 0.0;
    for i in 0..lo.len() - 1 {
        for j in lo[i]..lo[i + 1] {
            let l = if j > 0 { u[j - 1] } else { 0.0 };
            let r = if j + 1 < n { u[j + 1] } else { 0.0 };
            v[j] = u[j] + 0.25 * (l - 2.0 * u[j] + r) + (u[j] * x[i]).sin() * 0.2;
        }
        std::mem::swap(&mut u, &mut v);
        s += u[i] * x[(i + 1) % n];
    }
    for i in 0..n {
        s += u[i] * v[i];
    }
    s
}

/// A local grid whose rows are written by index, one row of `w` held, the grid row picked by a
/// loop with bounds evaluated again.
#[differentiable]
fn grid_bounds(w: &[Vec<f64>], x: &[f64], #[no_grad] lo: &[usize]) -> f64 {
    let n = x.len();
    let mut g = vec![vec![0.0; n]; lo.len() - 1];
    for i in 0..lo.len() - 1 {
        for k in lo[i]..lo[i + 1] {
            for j in 0..n {
                g[i][j] += w[k][j] * x[j];
            }
        }
    }
    let mut s = 0.0;
    for i in 0..g.len() {
        for j in 0..n {
            s += g[i][j].tanh() * (i as f64 + 1.0);
        }
    }
    s
}

/// The same with a row of `w` held by the inner loop whose bound is a swapped buffer's `len()`.
#[differentiable]
fn swap_lens_held(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut u = vec![1.0; 2];
    let mut v = vec![1.0; x.len()];
    let mut s = 0.0;
    for t in 0..3 {
        for j in 0..u.len() {
            s += w[k][j] * x[j] * u[j] * (t as f64 + 1.0);
        }
        std::mem::swap(&mut u, &mut v);
    }
    s
}

// ----- 2. calls inside loops holding rows ------------------------------------------------------

/// Calls in a held-row loop passing other parameters, a row of a different parameter, and a
/// range of `x`; then `w` passed as ranges of rows and as a whole row to calls in other loops.
#[differentiable]
fn calls_in_held(w: &[Vec<f64>], v: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * dot(&v[j % v.len()], x) + w[k][j] * dot(x, &x[j..]);
        s += w[k][j] * dot(&v[k], &v[(k + 1) % v.len()]);
    }
    for i in 0..w.len() {
        s += rows_sq(&w[i..]) * 0.1 + dot(&w[i], x) * x[i];
    }
    for j in 0..x.len() {
        s += (w[k][j] * x[j]).cos();
    }
    s += rows_sq(&w[1..3]);
    s
}

/// A loop with bounds evaluated again calling a function on a range given by its bounds.
#[differentiable]
fn call_range_bounds(w: &[Vec<f64>], x: &[f64], #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() - 1 {
        for k in lo[i]..lo[i + 1] {
            let r = &w[k];
            s += dot(&r[lo[i]..lo[i + 1]], &x[lo[i]..]) + rows_sq(&w[lo[i]..k]);
            for j in 0..x.len() {
                s += w[k][j] * x[j] * 0.3;
            }
        }
    }
    s
}

// ----- 3. scalar helpers with loops ------------------------------------------------------------

#[differentiable]
fn helpers(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        s += poly(w[k][j] * x[j], j) + poly(w[k][j], 3) * x[j];
    }
    for i in 0..lo.len() - 1 {
        for j in lo[i]..lo[i + 1] {
            s += poly(x[j], lo[i + 1] - j) + poly(w[i][j] * x[i], lo[i]);
        }
    }
    s
}

// ----- 4. conditions ---------------------------------------------------------------------------

#[differentiable]
fn conditions(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        if j > 0 {
            s += w[k][j - 1] * x[j];
        }
        if w[k][j].abs() > 0.3 {
            s += w[k][j] * w[k][j];
        } else if w[k][j].max(x[j]) > 0.1 {
            s += w[k][j].max(x[j]) * 2.0;
        } else {
            s += (w[k][j] * x[j]).sin();
        }
    }
    for i in 0..lo.len() - 1 {
        let m = lo[i + 1] - lo[i];
        match m {
            0 => s += x[i] * 0.5,
            1 => s += w[k][lo[i]] * x[i],
            _ => {
                for j in lo[i]..lo[i] + m {
                    s += w[k][j] * x[j] * (m as f64);
                }
            }
        }
    }
    s
}

// ----- 5. nests ---------------------------------------------------------------------------------

/// A held row in a loop with bounds evaluated again, and the reverse.
#[differentiable]
fn nests(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] m: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        for j in m[i]..x.len() {
            s += w[k][j] * x[j] * x[i];
        }
    }
    for i in 0..x.len() {
        s += w[k][i] * x[i];
        for j in i..x.len().min(i + m[0]) {
            s += (w[k][j] * x[j]).sin() * 0.3;
        }
    }
    for i in 0..m.len() {
        for j in 0..x.len() {
            for l in m[i]..j {
                s += w[i][l] * w[i][j] * 0.1;
            }
        }
    }
    s
}

// ----- 6. parameter kinds -------------------------------------------------------------------------

#[differentiable]
fn kinds(
    w: Vec<Vec<f64>>,
    v: &Vec<Vec<f64>>,
    a: &[[f64; 4]],
    x: &[f64],
    #[no_grad] lo: &[usize],
) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() - 1 {
        for k in lo[i]..lo[i + 1] {
            for j in 0..4 {
                s += w[k][j] * a[i][j] * x[j] + (v[k][j] * x[j]).sin();
            }
        }
        for j in 0..4 {
            s += a[i][j] * w[i][j];
        }
    }
    s
}

#[differentiable]
fn generic<T: Real>(w: &[Vec<T>], x: &[T], #[no_grad] lo: &[usize]) -> T {
    let mut s = T::zero();
    for i in 0..lo.len() - 1 {
        for k in lo[i]..lo[i + 1] {
            let mut z = T::zero();
            for j in 0..x.len() {
                z += w[k][j] * x[j];
            }
            s += z.tanh();
        }
    }
    s
}

// ----- 7. order = 2 -------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn o2(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] lo: &[usize]) -> f64 {
    let mut s = 0.0;
    for i in 0..lo.len() - 1 {
        for r in lo[i]..lo[i + 1] {
            let mut z = 0.0;
            for j in 0..x.len() {
                z += w[r][j] * x[j];
            }
            s += z.tanh();
        }
    }
    for j in 0..x.len() {
        s += poly(w[k][j], j) * x[j] + w[k][j] * dot(&w[(k + 1) % w.len()], x);
        if j > 0 {
            s += w[k][j - 1] * w[k][j];
        }
    }
    s
}

// ----- 8. grid rows and buffers swapped ---------------------------------------

/// A grid row held (rows of a local `Vec<Vec<f64>>`) with its index from a bound loop, next to
/// a parameter row, with the grid rows swapped after.
#[differentiable]
fn grid_swap_rows(w: &[Vec<f64>], x: &[f64], #[no_grad] lo: &[usize]) -> f64 {
    let n = x.len();
    let mut g = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            g[i][j] = w[i][j] * x[j];
        }
    }
    let mut s = 0.0;
    for i in 0..lo.len() - 1 {
        for k in lo[i]..lo[i + 1] {
            for j in 0..n {
                s += g[k][j] * w[k][j] + (g[k][j] * x[i]).sin();
            }
            g.swap(k, (k + 1) % n);
            let (a, b) = (g[0][0], g[1][1]);
            g[0][0] = b * 0.9;
            g[1][1] = a;
        }
    }
    s
}

/// A grid row held while the grid's rows are swapped on every trip of the loop reading it, and
/// two local buffers swapped on every trip of a loop holding a row of `w`.
#[differentiable]
fn swaps_per_trip(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let n = x.len();
    let mut g = vec![vec![0.0; n]; n];
    let (mut u, mut v) = (vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        for j in 0..n {
            g[i][j] = w[i][j] * x[j];
        }
        u[i] = x[i];
        v[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for j in 0..n {
        s += g[k][j] * x[j] + g[k][j] * g[k][j];
        g.swap(k, (k + 1) % n);
    }
    for j in 0..n {
        s += u[j] * w[k][j];
        u[j] = v[j] * w[k][j];
        std::mem::swap(&mut u, &mut v);
    }
    for i in 0..n {
        s += u[i] * v[i];
        for j in 0..n {
            s += g[i][j] * (i as f64 + 0.5);
        }
    }
    s
}

// ----- 9. aliases and bound variables changed in the loop body ---------------------------------

/// A held row next to a call given an alias of the same parameter (the whole, a row).
#[differentiable]
fn aliases(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let v = w;
    let r = &w[(k + 1) % w.len()];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * dot(&v[k], x) * 0.5;
    }
    for j in 0..x.len() {
        s += (w[k][j] * x[j]).sin() * dot(r, x);
    }
    for j in 0..x.len() {
        s += w[k][j] * v[k][j] * x[j];
    }
    s
}

fn bump(c: &mut usize) {
    *c += 1;
}

/// Bound variables changed in the body of the loop they bound (directly and through `&mut`),
/// a `mut` by-value count, and a reference to a parameter reassigned after the loop.
#[differentiable]
fn body_changes(
    w: &[Vec<f64>],
    x: &[f64],
    #[no_grad] mut c: usize,
    #[no_grad] lo: &[usize],
) -> f64 {
    let mut s = 0.0;
    let mut r: &[usize] = lo;
    for i in 0..x.len() {
        let mut m = i + 1;
        for j in 0..m {
            s += w[i][j] * x[j] * (m as f64);
            m -= 1;
        }
        let mut d = 1;
        for j in d..x.len() {
            s += w[i][j] * w[i][j - d] * 0.3;
            bump(&mut d);
            d %= 2;
        }
        for j in 0..c {
            s += (w[i][j] * x[i]).sin();
        }
        c = (c + 2) % x.len();
        for j in r[0]..r[1] {
            s += w[i][j] * x[i] * 0.7;
        }
        r = &r[1..];
        if r.len() < 2 {
            r = lo;
        }
    }
    s
}

/// Bounds from elements of a `&Vec<usize>` and of a `&[usize; 4]`, around a held row.
#[differentiable]
fn bound_kinds(
    w: &[Vec<f64>],
    x: &[f64],
    #[no_grad] lo: &Vec<usize>,
    #[no_grad] hi: &[usize; 4],
) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        for k in lo[i]..hi[i] {
            for j in 0..x.len() {
                s += w[k][j] * x[j] * (i as f64 + 1.0);
            }
            for j in hi[i]..x.len() - lo[i] % 2 {
                s += w[k][j] * w[i][j] * 0.2;
            }
        }
    }
    s
}

/// Rows bound to references swapped or reassigned between trips of an outer loop, read in an
/// inner loop and naming that loop's bound (rows of different lengths).
#[differentiable]
fn swapped_rows(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut a = &w[0];
    let mut b = &w[1];
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..a.len() {
            s += a[j] * x[j] * (i as f64 + 1.0) + a[j] * b[j % b.len()];
        }
        std::mem::swap(&mut a, &mut b);
    }
    let mut c = &w[0];
    for i in 0..3 {
        for j in 0..c.len() {
            s += (c[j] * x[j]).sin() * (i as f64 + 1.0);
        }
        c = &w[i + 1];
    }
    s
}

// ----- tests ----------------------------------------------------------------------------------------

/// A range of the parameter taken before a loop that reads one of its rows, passed to a call
/// in that loop (the call's reverse adds into the parameter's adjoint: no row is held), in the
/// three places the range may be taken.
#[differentiable]
fn range_before_loop(
    w: &[Vec<f64>],
    x: &[f64],
    #[no_grad] k: usize,
    #[no_grad] lo: &[usize],
) -> f64 {
    let t = &w[1..];
    let a = &w[..];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * rows_sq(t) * 0.1 + w[k][j] * x[j] * rows_sq(a) * 0.01;
    }
    for i in 0..lo.len() - 1 {
        let u = &w[lo[i]..lo[i + 1]];
        for r in lo[i]..lo[i + 1] {
            for j in 0..x.len() {
                s += w[r][j] * x[j] * rows_sq(u) * 0.05;
            }
        }
    }
    s
}

const R: usize = 5;
const M: usize = 5;

/// Checks `$f(w, x, extra..)` with `w` of `R` rows of `M` and `x` of length `M`.
macro_rules! wx {
    ($name:expr, $f:ident, $g:ident $(, $e:expr)*) => {{
        let p = sines(R * M + M, 0.7);
        let (pw, px) = split(&p, R * M);
        let (gw, gx) = $g(&rows_of(&pw, M), &px $(, $e)*).1;
        check(
            $name,
            |q| {
                let (qw, qx) = split(q, R * M);
                $f(&rows_of(&qw, M), &qx $(, $e)*)
            },
            &join(padded(&gw, M), gx),
            &p,
        );
    }};
}

const LOS: [&[usize]; 3] = [&[0, 2, 2, 5], &[1, 3, 4, 4, 5], &[0, 0, 3]];

#[test]
fn stencils_grids_and_swaps() {
    for k in 0..3 {
        for steps in [0, 1, 3] {
            wx!("stencil_held", stencil_held, stencil_held_grad, k, steps);
        }
        wx!("swap_lens_held", swap_lens_held, swap_lens_held_grad, k);
        wx!("swaps_per_trip", swaps_per_trip, swaps_per_trip_grad, k);
    }
    for lo in LOS {
        let x = sines(M, 0.8);
        check(
            "stencil_bounds",
            |q| stencil_bounds(q, lo),
            &stencil_bounds_grad(&x, lo).1,
            &x,
        );
        wx!("grid_bounds", grid_bounds, grid_bounds_grad, lo);
        wx!("grid_swap_rows", grid_swap_rows, grid_swap_rows_grad, lo);
    }
}

#[test]
fn calls_in_loops_holding_rows() {
    let p = sines(2 * R * M + M, 0.6);
    for k in 0..3 {
        let (gw, gv, gx) = calls_in_held_grad(
            &rows_of(&p[..R * M], M),
            &rows_of(&p[R * M..2 * R * M], M),
            &p[2 * R * M..],
            k,
        )
        .1;
        check(
            "calls_in_held",
            |q| {
                calls_in_held(
                    &rows_of(&q[..R * M], M),
                    &rows_of(&q[R * M..2 * R * M], M),
                    &q[2 * R * M..],
                    k,
                )
            },
            &join(join(padded(&gw, M), padded(&gv, M)), gx),
            &p,
        );
    }
    for lo in LOS {
        wx!(
            "call_range_bounds",
            call_range_bounds,
            call_range_bounds_grad,
            lo
        );
    }
}

#[test]
fn helpers_conditions_and_nests() {
    for k in 0..3 {
        for lo in LOS {
            wx!("helpers", helpers, helpers_grad, k, lo);
            wx!("conditions", conditions, conditions_grad, k, lo);
        }
        for m in [&[0usize, 2, 4][..], &[3, 5, 1, 0], &[5, 5]] {
            wx!("nests", nests, nests_grad, k, m);
        }
    }
}

#[test]
fn parameter_kinds() {
    let build = |q: &[f64]| {
        let w = rows_of(&q[..20], 4);
        let v = rows_of(&q[20..40], 4);
        let a: Vec<[f64; 4]> = q[40..56]
            .chunks(4)
            .map(|c| [c[0], c[1], c[2], c[3]])
            .collect();
        (w, v, a, q[56..60].to_vec())
    };
    let p = sines(60, 0.7);
    for lo in [&[0usize, 2, 2, 5][..], &[1, 3, 4, 4, 5], &[0, 0, 3]] {
        let (w, v, a, x) = build(&p);
        let (gw, gv, ga, gx) = kinds_grad(w, &v, &a, &x, lo).1;
        let g: Vec<f64> = padded(&gw, 4)
            .into_iter()
            .chain(padded(&gv, 4))
            .chain(ga.iter().flatten().copied())
            .chain(gx)
            .collect();
        check(
            "kinds",
            |q| {
                let (w, v, a, x) = build(q);
                kinds(w, &v, &a, &x, lo)
            },
            &g,
            &p,
        );
    }
}

#[test]
fn generic_at_f32_and_f64() {
    for lo in LOS {
        wx!("generic", generic, generic_grad, lo);
        let p = sines(R * M + M, 0.7);
        let (gw, gx) = generic_grad(&rows_of(&p[..R * M], M), &p[R * M..], lo).1;
        let g = join(padded(&gw, M), gx);
        let p32: Vec<f32> = p.iter().map(|v| *v as f32).collect();
        let w32: Vec<Vec<f32>> = p32[..R * M].chunks(M).map(<[f32]>::to_vec).collect();
        let (gw32, gx32) = generic_grad(&w32, &p32[R * M..], lo).1;
        let g32: Vec<f64> = gw32
            .iter()
            .flat_map(|r| (0..M).map(|j| r.get(j).copied().unwrap_or(0.0)))
            .chain(gx32)
            .map(|v| v as f64)
            .collect();
        for (a, b) in g32.iter().zip(&g) {
            assert!((a - b).abs() < 1e-4 * (1.0 + b.abs()), "f32 {a} vs {b}");
        }
    }
}

#[test]
fn second_order() {
    let p = sines(R * M + M, 0.6);
    for k in 0..3 {
        for lo in LOS {
            wx!("o2", o2, o2_grad, k, lo);
            for v in [sines(R * M + M, 0.4), {
                let mut e = vec![0.0; R * M + M];
                e[k * M + 1] = 1.0;
                e[R * M] = -1.0;
                e
            }] {
                let (vw, vx) = split(&v, R * M);
                let (_, _, (hw, hx)) = o2_hvp(
                    &rows_of(&p[..R * M], M),
                    &p[R * M..],
                    k,
                    lo,
                    rows_of(&vw, M),
                    vx,
                );
                let grad = |q: &[f64]| {
                    let (gw, gx) = o2_grad(&rows_of(&q[..R * M], M), &q[R * M..], k, lo).1;
                    join(padded(&gw, M), gx)
                };
                check_hvp("o2", grad, &join(padded(&hw, M), hx), &p, &v);
            }
        }
    }
}

#[test]
fn aliases_and_body_changes() {
    for k in 0..3 {
        wx!("aliases", aliases, aliases_grad, k);
    }
    for c in [0usize, 2, 4] {
        for lo in LOS {
            wx!("body_changes", body_changes, body_changes_grad, c, lo);
        }
    }
    for (lo, hi) in [
        (vec![0usize, 1, 3, 4], [2usize, 1, 5, 4]),
        (vec![1, 0, 2, 3], [3, 4, 4, 5]),
    ] {
        wx!("bound_kinds", bound_kinds, bound_kinds_grad, &lo, &hi);
    }
}

#[test]
fn rows_swapped_between_trips() {
    let lens = [2usize, 4, 3, 5];
    let cut = |p: &[f64]| {
        let mut at = 0;
        lens.iter()
            .map(|&l| {
                at += l;
                p[at - l..at].to_vec()
            })
            .collect::<Vec<_>>()
    };
    let p = sines(14 + 5, 0.7);
    let (gw, gx) = swapped_rows_grad(&cut(&p[..14]), &p[14..]).1;
    let gw: Vec<f64> = gw
        .iter()
        .zip(&lens)
        .flat_map(|(r, &l)| (0..l).map(|j| r.get(j).copied().unwrap_or(0.0)))
        .collect();
    check(
        "swapped_rows",
        |q| swapped_rows(&cut(&q[..14]), &q[14..]),
        &join(gw, gx),
        &p,
    );
}

#[test]
fn ranges_taken_before_a_loop_holding_a_row() {
    for k in 0..3 {
        for lo in LOS {
            wx!(
                "range_before_loop",
                range_before_loop,
                range_before_loop_grad,
                k,
                lo
            );
        }
    }
}
