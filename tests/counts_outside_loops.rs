//! Loops and blocks outside every loop keep their counts in local slots, and casts of loop
//! indices are cast again in the reverse sweep instead of recorded.
//!
//! A loop that no other loop encloses runs at most once per call, so its trip count (and the
//! number of statements a block left by a jump ran) is one local `usize`, not a record on the
//! control tape; a helper with such a loop, called per trip of its caller, then carries no
//! control tape in the pullback it records. `k as f64` of a loop index is rebuilt from the
//! index. Every gradient against central differences, over the ways a loop is left (its test,
//! `break` in the middle, `return`, a labelled `break` from an inner loop, `continue`, zero
//! trips), loops in arms, several pullback calls, forward mode and a Hessian-vector product.

#![allow(clippy::needless_range_loop)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

/// `e^x - 1` by 15 Taylor terms: a loop in a helper taking a number, `k as f64` a divisor.
#[differentiable]
fn expm1_terms(x: f64) -> f64 {
    let mut t = 1.0;
    let mut s = 0.0;
    for k in 1..16 {
        t = t * x / k as f64;
        s += t;
    }
    s
}

/// Newton's iteration for `z^3 = c`: a `while` with a data-dependent trip count.
#[differentiable]
fn cube_root(c: f64) -> f64 {
    let mut z = 1.0 + c * 0.3;
    let mut step = 1.0;
    while step.abs() > 1e-13 {
        step = (z * z * z - c) / (3.0 * z * z);
        z -= step;
    }
    z
}

/// A `loop` left in the middle, `continue` on some trips.
#[differentiable]
fn mid_exit(x: f64, #[no_grad] cap: usize) -> f64 {
    let mut s = x;
    let mut n = 0;
    loop {
        n += 1;
        if n % 3 == 0 {
            s = s * 0.9 + x;
            continue;
        }
        s = (s * x).sin() + s;
        if n >= cap {
            break;
        }
        s *= 0.5;
    }
    s
}

/// `return` from inside a loop, a labelled `break` of the outer loop from the inner one, and a
/// loop after them.
#[differentiable]
fn jumps(p: &[f64], #[no_grad] stop: usize) -> f64 {
    let mut s = p[0];
    'outer: for i in 0..p.len() {
        for j in 0..p.len() {
            if i * p.len() + j == stop {
                break 'outer;
            }
            s = s * 0.8 + p[j] * (s * p[i]).cos();
        }
        if i == stop + 100 {
            return s * s;
        }
    }
    for k in 0..3 {
        if s > 5.0 {
            return s.ln() + p[k % p.len()];
        }
        s = s * s + 0.1;
    }
    s
}

/// Loops in the arms of a branch (run once or never), an empty range, two loops in a row.
#[differentiable]
fn in_arms(x: f64, y: f64, #[no_grad] n: usize) -> f64 {
    let mut s = x * y;
    if x > 0.0 {
        for i in 0..n {
            s = s * 0.9 + (i as f64 + 0.5) * y;
        }
    } else {
        for _ in n..n {
            s *= 100.0;
        }
        s = s.sin();
    }
    let mut u = s;
    for i in 0..n / 2 {
        u = u * x + s * ((n - i) as f64);
    }
    u
}

/// Casts of index expressions: a time from a step count, a weight from a countdown, a
/// cast inside a nested loop, and a counter advanced by hand (reassigned, so recorded).
#[differentiable]
fn casts(p: &[f64], dt: f64) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        let t = i as f64 * dt;
        let w = (n - i) as f64;
        s += p[i] * t.sin() / w + s * 0.01 * ((i + 1) as f64);
        for j in 0..3 {
            s += p[i] * p[j] / ((i * 3 + j + 1) as f64);
        }
    }
    let mut k = 0;
    let mut q = s;
    while k + 2 <= n {
        k += 2;
        q = q / k as f64 + p[k - 1].cos();
    }
    q + s
}

#[differentiable]
fn series_fit(p: &[f64], #[no_grad] x: &[f64], #[no_grad] y: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = p[1] * expm1_terms(p[0] * x[i]) - y[i];
        l += e * e;
    }
    l
}

#[differentiable]
fn roots_and_exits(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        let c = 1.5 + p[i] * p[i];
        s += cube_root(c) * p[(i + 1) % p.len()] + mid_exit(p[i] * 0.3, i + 2);
    }
    s
}

#[differentiable(order = 2)]
fn terms2(x: f64, a: f64) -> f64 {
    let mut t = a;
    let mut s = 0.0;
    for k in 1..9 {
        t = t * x / k as f64;
        s += t * t;
    }
    s
}

#[differentiable(order = 2)]
fn terms2_sum(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 1..p.len() {
        s += terms2(p[i] - p[i - 1], p[0]);
    }
    s
}

#[test]
fn a_helper_with_a_loop_called_per_trip() {
    // y = 0.8 (e^{1.3 x} - 1) with a little noise
    let x: Vec<f64> = (0..30).map(|i| -1.0 + i as f64 / 15.0).collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| 0.8 * ((1.3 * v).exp() - 1.0) + 0.01 * (i as f64).sin())
        .collect();
    for p in [vec![1.1, 0.7], vec![-0.4, 1.9]] {
        let (l, g) = series_fit_grad(&p, &x, &y);
        assert!((l - series_fit(&p, &x, &y)).abs() < 1e-12);
        check("series_fit", |z| series_fit(z, &x, &y), &g, &p);
        // the pullback reads its slots, it does not use them up: two calls, one answer
        let (_, back) = series_fit_vjp(&p, &x, &y);
        let (g1, g2) = (back(2.0), back(2.0));
        for k in 0..2 {
            assert!((g1[k] - 2.0 * g[k]).abs() < 1e-9 * (1.0 + g[k].abs()));
            assert!((g1[k] - g2[k]).abs() < 1e-12 * (1.0 + g1[k].abs()));
        }
        let (_, dy) = series_fit_jvp(&p, &x, &y, vec![0.3, -0.6]);
        let dot = 0.3 * g[0] - 0.6 * g[1];
        assert!((dy - dot).abs() < 1e-9 * (1.0 + dot.abs()), "{dy} vs {dot}");
    }
    // the helper alone: d/dx Σ_{k=1..15} x^k/k! = 1 + Σ_{k=1..14} x^k/k!
    for x in [-1.3, 0.0, 0.4, 2.0] {
        let (_, g) = expm1_terms_grad(x);
        let (mut t, mut want) = (1.0, 1.0);
        for k in 1..15 {
            t = t * x / k as f64;
            want += t;
        }
        assert!(
            (g - want).abs() < 1e-12 * (1.0 + want.abs()),
            "{x}: {g} vs {want}"
        );
    }
}

#[test]
fn loops_left_every_way() {
    for c in [0.5, 2.0, 7.3] {
        let (_, g) = cube_root_grad(c);
        // z = c^(1/3) => dz/dc = 1 / (3 z^2)
        let z = c.cbrt();
        assert!((g - 1.0 / (3.0 * z * z)).abs() < 1e-9, "{c}: {g}");
    }
    for cap in [1, 2, 3, 4, 7, 11] {
        for x in [0.3, -0.8] {
            let (_, g) = mid_exit_grad(x, cap);
            check("mid_exit", |z| mid_exit(z[0], cap), &[g], &[x]);
        }
    }
    // every stop: the labelled break on each trip, and never (the `return` in the last loop
    // or its end)
    for p in [vec![0.3, -0.5, 0.8], vec![1.4, 0.9, 1.2]] {
        for stop in 0..10 {
            let (_, g) = jumps_grad(&p, stop);
            check("jumps", |z| jumps(z, stop), &g, &p);
        }
    }
    for (x, y) in [(0.7, 0.4), (-0.6, 0.9)] {
        for n in [0, 1, 4, 7] {
            let (_, (gx, gy)) = in_arms_grad(x, y, n);
            check("in_arms", |z| in_arms(z[0], z[1], n), &[gx, gy], &[x, y]);
        }
    }
    for p in [vec![0.4, -0.3, 0.9, 0.2], sines(7, 0.8)] {
        let (_, g) = roots_and_exits_grad(&p);
        check("roots_and_exits", roots_and_exits, &g, &p);
    }
}

#[test]
fn casts_of_indices_are_cast_again() {
    for p in [vec![0.4, -0.3, 0.9, 0.2], sines(7, 0.8), sines(9, 1.3)] {
        for dt in [0.1, 0.37] {
            let (_, (g, gdt)) = casts_grad(&p, dt);
            check(
                "casts",
                |z| casts(&z[..p.len()], z[p.len()]),
                &join(g.clone(), vec![gdt]),
                &join(p.clone(), vec![dt]),
            );
        }
    }
}

#[test]
fn second_order_through_a_helper_with_a_loop() {
    let p = vec![0.8, 0.1, 0.5, -0.2, 0.4, 0.45];
    let (_, g) = terms2_sum_grad(&p);
    check("terms2_sum", terms2_sum, &g, &p);
    let v = sines(6, 0.7);
    let (_, _, hv) = terms2_sum_hvp(&p, v.clone());
    check_hvp("terms2_sum", |z| terms2_sum_grad(z).1, &hv, &p, &v);
}
