//! Rows of a parameter held for a loop's reverse sweep, in shapes where holding could go wrong:
//! rows bound to locals inside and outside the loop and also passed to functions and
//! iterators, shadowed names, row indices that are equal at run time but different variables,
//! the parameter also read whole, nested loops holding rows of one or two parameters, loops
//! left by `break`, `continue`, labelled `continue` and `return`, rows read only in some
//! branches, `while` loops, ragged and empty rows, rows iterated by `iter()`, callers passing the
//! parameter whole or as a range, `f32`, and `order = 2`. Each gradient is checked against
//! central differences.

#![allow(
    clippy::identity_op,
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::too_many_arguments,
    clippy::needless_return,
    clippy::redundant_locals
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// Rows of the given lengths from a flat vector.
fn cut(p: &[f64], lens: &[usize]) -> Vec<Vec<f64>> {
    let mut at = 0;
    lens.iter()
        .map(|&l| {
            at += l;
            p[at - l..at].to_vec()
        })
        .collect()
}

/// A row gradient flattened to the given row lengths (rows never added to may be empty).
fn padded(g: &[Vec<f64>], lens: &[usize]) -> Vec<f64> {
    assert_eq!(g.len(), lens.len(), "rows of the gradient");
    g.iter()
        .zip(lens)
        .flat_map(|(row, &l)| {
            assert!(row.len() == l || row.is_empty(), "row of {l}: {row:?}");
            (0..l).map(|j| row.get(j).copied().unwrap_or(0.0))
        })
        .collect()
}

/// `a · b` over the shorter of the two.
#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..a.len().min(b.len()) {
        s += a[j] * b[j];
    }
    s
}

/// A row bound to a local outside the loop, read by elements in the loop and also passed to a
/// function and summed by an iterator after it.
#[differentiable]
fn local_outside(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let r = &w[k];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += r[j] * x[j] * r[j];
    }
    let t: f64 = r.iter().sum();
    s + dot(r, x) * t
}

/// A row bound to a local inside the loop, and the row index a shadowed parameter.
#[differentiable]
fn local_inside(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let k = k + 1;
    let mut s = 0.0;
    for j in 0..x.len() {
        let r = &w[k];
        s += (r[j] * x[j]).sin();
        let k = 0;
        s += w[k][j] * 0.5;
    }
    s
}

/// Two row indices that are different variables with the same value.
#[differentiable]
fn equal_indices(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let k2 = k * 1;
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * w[k2][j] * x[j];
    }
    for j in 0..x.len() {
        s += w[k][j] * x[j];
        if j == 0 {
            s += w[k2][j] * 3.0;
        }
    }
    s
}

/// The row read in the loop and the parameter read whole (its length) and by a call in it.
#[differentiable]
fn whole_too(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * x[j] * (w.len() as f64);
    }
    for j in 0..x.len() {
        s += w[k][j] * dot(&w[0], x);
    }
    s
}

/// Nested loops holding rows of two parameters, and one parameter's rows at two depths.
#[differentiable]
fn two_params(a: &[Vec<f64>], b: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        for j in 0..x.len() {
            s += (a[i][j] * b[k][j] + x[j]).tanh();
        }
        s += b[k][0] * a[i][1];
    }
    for i in 0..a.len() {
        s += a[0][i % x.len()];
        for j in 0..x.len() {
            s += a[i][j] * a[i][j] * 0.3;
        }
    }
    s
}

/// The row index changing in the loop: a row per trip, and an index assigned in the loop.
#[differentiable]
fn moving_index(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    for j in 0..x.len() {
        s += w[k][j] * x[j];
        k = (k + 1) % w.len();
    }
    for j in 0..x.len() {
        let k = j % w.len();
        s += w[k][j] * w[k][j];
    }
    s
}

/// Loops left by `break`, `continue`, a labelled `continue` and `return`.
#[differentiable]
fn exits(w: &[Vec<f64>], x: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        if x[j] > lim {
            break;
        }
        s += w[0][j] * x[j];
    }
    for j in 0..x.len() {
        if x[j] < -lim {
            continue;
        }
        s += w[1][j] * w[1][j];
    }
    'o: for i in 0..w.len() {
        for j in 0..x.len() {
            if x[j] * (i as f64) > lim {
                continue 'o;
            }
            s += (w[i][j] * x[j]).sin();
        }
    }
    for i in 0..w.len() {
        for j in 0..x.len() {
            if s > 4.0 * lim {
                return s * w[i][j];
            }
            s += w[i][j] * x[j] * 0.7;
        }
    }
    s
}

/// Rows read only in some branches, and a `while` loop over a row.
#[differentiable]
fn branches(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        if x[j] > 0.0 {
            s += w[k][j] * x[j];
        } else if j % 2 == 0 {
            s -= w[k][j] * w[k][j];
        } else {
            s += x[j];
        }
    }
    let mut j = 0;
    while j < w[k].len() {
        s += (w[k][j] * 0.5).cos();
        j += 2;
    }
    s
}

/// Rows iterated by `iter()`, `iter().enumerate()` and `&w[k]`.
#[differentiable]
fn iterated(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for (j, a) in w[k].iter().enumerate() {
        s += a * x[j % x.len()];
    }
    for a in w[k + 1].iter() {
        s += a * a;
    }
    for a in &w[0] {
        s += a.sin();
    }
    s
}

/// A row of a 3-deep parameter: `w[k][j][l]`.
#[differentiable]
fn deep(w: &[Vec<Vec<f64>>], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..w[k].len() {
        for l in 0..w[k][j].len() {
            s += w[k][j][l] * w[k][j][l] * (l as f64 + 1.0);
        }
    }
    s
}

/// A held-row function called with the parameter whole and as a range of rows.
#[differentiable]
fn layer_k(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut z = 0.0;
    for j in 0..x.len() {
        z += w[k][j] * x[j];
    }
    z.tanh()
}

#[differentiable]
fn caller(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let mut s = layer_k(w, x, 0) + layer_k(&w[1..], x, 1);
    for i in 0..w.len() {
        s += layer_k(w, x, i) * layer_k(&w[i..], x, 0);
    }
    s
}

/// `f32` rows.
#[differentiable]
fn single(w: &[Vec<f32>], x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..w.len() {
        let mut z = 0.0f32;
        for j in 0..x.len() {
            z += w[i][j] * x[j];
        }
        s += z * z;
    }
    s
}

/// Elements of a held row written to a local vector and pushed.
#[differentiable]
fn into_locals(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut v = vec![0.0; x.len()];
    let mut p = Vec::new();
    for j in 0..x.len() {
        v[j] = w[k][j] * x[j];
        p.push(w[k][j]);
    }
    let mut s = 0.0;
    for j in 0..x.len() {
        s += v[j] * p[j];
    }
    s
}

/// A row read in a loop that runs no trips for some calls (`m == 0`), or only behind a guard.
#[differentiable]
fn guarded(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize, #[no_grad] m: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..m {
        s += w[k][j] * x[j];
    }
    for j in 0..x.len() {
        if k < w.len() {
            s += w[k][j] * x[j];
        } else {
            s += x[j] * x[j];
        }
    }
    s
}

/// `order = 2`: a dense layer with row `i` held, and a row picked by a `#[no_grad]` index.
#[differentiable(order = 2)]
fn layer2(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let mut z = 0.0;
        for j in 0..x.len() {
            z += w[i][j] * x[j] * w[k][j];
        }
        s += z.tanh();
    }
    let mut t = 0.0;
    for j in 0..x.len() {
        t += w[k][j] * w[k][j] * x[j];
    }
    s + t.sin()
}

/// The smallest forms: a loop with no trips for `x.len() == 0`, and a read behind a guard.
#[differentiable]
fn no_trips(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[k][j] * x[j];
    }
    s
}

#[differentiable]
fn guard_only(w: &[Vec<f64>], x: &[f64], #[no_grad] k: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() {
        if k < w.len() {
            s += w[k][j] * x[j];
        }
    }
    s
}

// ----- tests -------------------------------------------------------------------------------

const LENS: [usize; 4] = [5, 5, 5, 5];

/// Checks `$f(w, x, extra..)` with `w` rows of `LENS` and `x` of length 4.
macro_rules! wx {
    ($name:expr, $lens:expr, $nx:expr, $f:ident, $g:ident $(, $e:expr)*) => {{
        let lens: &[usize] = $lens;
        let total: usize = lens.iter().sum();
        let p = sines(total + $nx, 0.7);
        let (pw, px) = split(&p, total);
        let w = cut(&pw, lens);
        let (gw, gx) = $g(&w, &px $(, $e)*).1;
        let mut g = padded(&gw, lens);
        g.extend(gx);
        check(
            $name,
            |q| {
                let (qw, qx) = split(q, total);
                $f(&cut(&qw, lens), &qx $(, $e)*)
            },
            &g,
            &p,
        );
    }};
}

#[test]
fn rows_bound_to_locals_and_shadowed() {
    for k in 0..3 {
        wx!(
            "local_outside",
            &LENS,
            4,
            local_outside,
            local_outside_grad,
            k
        );
        wx!("local_inside", &LENS, 4, local_inside, local_inside_grad, k);
        wx!(
            "equal_indices",
            &LENS,
            4,
            equal_indices,
            equal_indices_grad,
            k
        );
        wx!("whole_too", &LENS, 4, whole_too, whole_too_grad, k);
        wx!("branches", &LENS, 4, branches, branches_grad, k);
        wx!("iterated", &[4, 3, 5, 2], 3, iterated, iterated_grad, k);
        wx!("into_locals", &LENS, 4, into_locals, into_locals_grad, k);
    }
    wx!(
        "moving_index",
        &[5, 5, 5],
        5,
        moving_index,
        moving_index_grad
    );
    wx!("caller", &[4, 4, 4], 4, caller, caller_grad);
}

#[test]
fn rows_of_two_parameters() {
    let p = sines(12 + 15 + 4, 0.6);
    let (pa, rest) = split(&p, 12);
    let (pb, px) = split(&rest, 15);
    for k in 0..3 {
        let (ga, gb, gx) = two_params_grad(&rows_of(&pa, 4), &rows_of(&pb, 5), &px, k).1;
        check(
            "two_params",
            |q| {
                let (qa, r) = split(q, 12);
                let (qb, qx) = split(&r, 15);
                two_params(&rows_of(&qa, 4), &rows_of(&qb, 5), &qx, k)
            },
            &join(join(padded(&ga, &[4; 3]), padded(&gb, &[5; 3])), gx),
            &p,
        );
    }
}

#[test]
fn loops_with_exits() {
    for lim in [0.3, 0.65, 0.8, 2.0, 10.0] {
        wx!("exits", &[4, 4, 4], 4, exits, exits_grad, lim);
    }
}

#[test]
fn deep_rows() {
    let shape = [vec![2, 3], vec![4, 0, 1], vec![3]];
    let total: usize = shape.iter().flatten().sum();
    let build = |p: &[f64]| {
        let mut at = 0;
        shape
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&l| {
                        at += l;
                        p[at - l..at].to_vec()
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let p = sines(total, 0.9);
    for k in 0..3 {
        let g = deep_grad(&build(&p), k).1;
        let flat_g: Vec<f64> = g
            .iter()
            .zip(&shape)
            .flat_map(|(row, ls)| {
                ls.iter()
                    .enumerate()
                    .flat_map(|(j, &l)| {
                        (0..l)
                            .map(|t| row.get(j).and_then(|r| r.get(t)).copied().unwrap_or(0.0))
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        check("deep", |q| deep(&build(q), k), &flat_g, &p);
    }
}

#[test]
fn single_precision_rows() {
    let p = sines(12 + 4, 0.5);
    let w: Vec<Vec<f32>> = p[..12]
        .chunks(4)
        .map(|c| c.iter().map(|v| *v as f32).collect())
        .collect();
    let x: Vec<f32> = p[12..].iter().map(|v| *v as f32).collect();
    let (gw, gx) = single_grad(&w, &x).1;
    let w64 = rows_of(&p[..12], 4);
    let ref_g = {
        // the same function in f64, by hand: d/dw_ij = 2 z_i x_j, d/dx_j = Σ_i 2 z_i w_ij
        let mut g = vec![0.0; 16];
        for i in 0..3 {
            let z: f64 = (0..4).map(|j| w64[i][j] * p[12 + j]).sum();
            for j in 0..4 {
                g[i * 4 + j] = 2.0 * z * p[12 + j];
                g[12 + j] += 2.0 * z * w64[i][j];
            }
        }
        g
    };
    let got: Vec<f64> = gw
        .iter()
        .flatten()
        .chain(gx.iter())
        .map(|v| *v as f64)
        .collect();
    for (a, b) in got.iter().zip(&ref_g) {
        assert!((a - b).abs() < 1e-4 * (1.0 + b.abs()), "single: {a} vs {b}");
    }
}

#[test]
fn rows_read_in_loops_that_may_not_run() {
    // in range, with and without trips
    for m in [0, 3] {
        wx!("guarded", &LENS, 4, guarded, guarded_grad, 1, m);
    }
}

#[test]
fn a_row_index_past_the_end_in_a_loop_with_no_trips() {
    // `k == w.len()` and no trips: the forward sweep never reads `w[k]`
    wx!(
        "no_trips out of range",
        &[2, 2],
        0,
        no_trips,
        no_trips_grad,
        2
    );
}

#[test]
fn a_row_index_past_the_end_behind_a_guard() {
    // `k == w.len()`: the guard keeps the forward sweep from reading `w[k]`
    wx!(
        "guard_only out of range",
        &[2, 2],
        2,
        guard_only,
        guard_only_grad,
        2
    );
    wx!(
        "guarded out of range",
        &[4, 4],
        4,
        guarded,
        guarded_grad,
        2,
        0
    );
}

#[test]
fn second_order_rows() {
    let p = sines(9 + 3, 0.6);
    let v = sines(12, 0.4).iter().map(|a| a + 0.1).collect::<Vec<_>>();
    for k in 0..3 {
        let (pw, px) = split(&p, 9);
        let (vw, vx) = split(&v, 9);
        let (_, _, (hw, hx)) = layer2_hvp(&rows_of(&pw, 3), &px, k, rows_of(&vw, 3), vx.clone());
        let grad = |q: &[f64]| {
            let (qw, qx) = split(q, 9);
            let (gw, gx) = layer2_grad(&rows_of(&qw, 3), &qx, k).1;
            join(padded(&gw, &[3; 3]), gx)
        };
        check(
            "layer2",
            |q| {
                let (qw, qx) = split(q, 9);
                layer2(&rows_of(&qw, 3), &qx, k)
            },
            &grad(&p),
            &p,
        );
        check_hvp("layer2", grad, &join(padded(&hw, &[3; 3]), hx), &p, &v);
    }
}

/// The parameter shadowed by a view of its rows (`let w = &w[1..];`), its rows read in a loop.
#[differentiable]
fn shadowed_param(w: &[Vec<f64>], x: &[f64]) -> f64 {
    let w = &w[1..];
    let mut s = 0.0;
    for j in 0..x.len() {
        s += w[1][j] * x[j];
    }
    s + w[0][0] * w[0][0]
}

#[test]
fn a_view_of_the_rows_shadowing_the_parameter() {
    let (n, m) = (3, 4);
    let p = sines(n * m + m, 0.7);
    let cut = |p: &[f64]| (rows_of(&p[..n * m], m), p[n * m..].to_vec());
    let (w, x) = cut(&p);
    let (gw, gx) = shadowed_param_grad(&w, &x).1;
    let g: Vec<f64> = (0..n)
        .flat_map(|i| (0..m).map(move |j| (i, j)))
        .map(|(i, j)| gw.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0))
        .chain(gx)
        .collect();
    check(
        "shadowed_param",
        |p| {
            let (w, x) = cut(p);
            shadowed_param(&w, &x)
        },
        &g,
        &p,
    );
}
