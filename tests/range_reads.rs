//! Range reads `&v[a..b]`: the reverse sweep adds the range's adjoint into `v`'s at its offset
//! (`dv[a + k] += dy[k]`), with no pullback kept per read and no zeros written before `a`; a
//! range of a parameter is borrowed rather than copied. Ranges passed to calls in loops (rows of
//! a flattened matrix, one particle's coordinates), every range form (`a..b`, `a..`, `..b`, `..`,
//! `a..=b`), ranges of ranges, of `&Vec` and array parameters, of a parameter rebound to a local,
//! of a local `Vec` written after the read, a callee that reads only part of its slice, ranges in
//! branches and at data-dependent offsets, `f32` and `T: Real`, and the pullback; each gradient
//! against central differences in f64.

// `&p[..]` is one of the range forms under test.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::redundant_slicing
)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

#[differentiable]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Reads only its first element: its cotangent is shorter than the range it was given.
#[differentiable]
fn head2(v: &[f64]) -> f64 {
    v[0] * v[0] * 2.0
}

#[differentiable]
fn sumsq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

/// Particle pairs: `Σ_ij tanh(p_i · p_j)`, each position a range of the flat parameter.
#[differentiable]
fn pairs(p: &[f64]) -> f64 {
    let n = p.len() / 3;
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += dot3(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
        }
    }
    s
}

/// Every range form, and a callee that reads only part of its range.
#[differentiable]
fn forms(p: &[f64]) -> f64 {
    let n = p.len();
    sumsq(&p[2..]) + 0.5 * sumsq(&p[..3]) + 0.1 * sumsq(&p[..]) + head2(&p[1..=4])
        - 0.3 * head2(&p[n - 2..n])
}

/// The range bound to a name, then indexed, measured and iterated; a range of a range.
#[differentiable]
fn bound(p: &[f64]) -> f64 {
    let r = &p[1..5];
    let mut s = r[0] * r[3] + r.len() as f64 * r[1];
    for e in r.iter() {
        s += e.sin();
    }
    let q = &r[1..3];
    s + sumsq(q) * q[0]
}

/// Ranges at data-dependent offsets, and in a branch.
#[differentiable]
fn offsets(p: &[f64], #[no_grad] starts: &[usize]) -> f64 {
    let mut s = 0.0;
    for k in 0..starts.len() {
        let a = starts[k];
        if p[a] > 0.0 {
            s += sumsq(&p[a..a + 2]) * p[k];
        } else {
            s -= head2(&p[a + 1..a + 3]);
        }
    }
    s
}

/// A range of a local `Vec` that the loop then writes: the read sees the values before the write.
#[differentiable]
fn local_then_written(p: &[f64]) -> f64 {
    let mut v = p.to_vec();
    let mut s = 0.0;
    for t in 0..3 {
        s += dot3(&v[t..t + 3], &p[0..3]);
        for i in 0..v.len() {
            v[i] = (v[i] * 0.7).sin() + 0.1 * p[i];
        }
    }
    s + sumsq(&v[1..])
}

/// A reference rebound from the parameter to a local: its ranges are copies again.
#[differentiable]
fn rebound(p: &[f64]) -> f64 {
    let mut w = vec![0.0; p.len()];
    for i in 0..p.len() {
        w[i] = p[i] * p[i];
    }
    let mut r = p;
    let first = sumsq(&r[0..2]);
    r = &w;
    first + dot3(&r[1..4], &r[2..5])
}

#[differentiable]
fn of_vec_param(p: &Vec<f64>) -> f64 {
    dot3(&p[0..3], &p[3..6]) + sumsq(&p[4..])
}

#[differentiable]
fn of_array_param(p: &[f64; 6]) -> f64 {
    dot3(&p[0..3], &p[3..6]) * p[0]
}

/// Ranges of references to arrays, of references to references, and of array rows.
#[differentiable]
fn array_refs(p: &[f64; 4], q: [f64; 4], m: &[[f64; 3]]) -> f64 {
    let r = &p;
    let rq = &q;
    let mut s = sumsq(&r[1..3]) * r[0] + sumsq(&rq[1..]) * q[0];
    for i in 0..m.len() {
        let row = &m[i];
        s += sumsq(&row[1..]) * row[0];
    }
    s
}

#[differentiable]
fn sumsq_t<T: Real>(v: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable]
fn windows_t<T: Real>(p: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..p.len() - 2 {
        s += sumsq_t(&p[i..i + 3]).sqrt();
    }
    s
}

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.8 * ((i as f64) * 0.91 + 0.3).sin())
        .collect()
}

fn check(name: &str, f: impl Fn(&[f64]) -> f64, grad: &[f64], x: &[f64]) {
    let tol = Tolerance::new(1e-6, 1e-6);
    let fd = numeric_gradient(f, x, 1e-6);
    assert_eq!(grad.len(), x.len(), "{name}: gradient length");
    for (i, (a, b)) in grad.iter().zip(&fd).enumerate() {
        assert!(tol.accepts(*a, *b), "{name}[{i}]: {a} vs {b}");
    }
}

#[test]
fn ranges_passed_to_calls_against_central_differences() {
    let p = input(18);
    let (v, g) = pairs_grad(&p);
    assert!((v - pairs(&p)).abs() < 1e-12);
    check("pairs", pairs, &g, &p);
    let p = input(7);
    check("forms", forms, &forms_grad(&p).1, &p);
    check("bound", bound, &bound_grad(&p).1, &p);
    check(
        "local_then_written",
        local_then_written,
        &local_then_written_grad(&p).1,
        &p,
    );
    check("rebound", rebound, &rebound_grad(&p).1, &p);
    let starts = [0usize, 3, 1, 4, 2];
    let p = input(7);
    check(
        "offsets",
        |q| offsets(q, &starts),
        &offsets_grad(&p, &starts).1,
        &p,
    );
    let q = input(6);
    check(
        "of_vec_param",
        |x| of_vec_param(&x.to_vec()),
        &of_vec_param_grad(&q).1,
        &q,
    );
    let x = input(14);
    let split = |x: &[f64]| {
        let p: [f64; 4] = x[..4].try_into().unwrap();
        let q: [f64; 4] = x[4..8].try_into().unwrap();
        let m: Vec<[f64; 3]> = x[8..].chunks(3).map(|c| c.try_into().unwrap()).collect();
        (p, q, m)
    };
    let (p4, q4, m3) = split(&x);
    let (gp, gq, gm) = array_refs_grad(&p4, q4, &m3).1;
    let mut g: Vec<f64> = gp.iter().chain(gq.iter()).copied().collect();
    g.extend(gm.iter().flat_map(|r| r.iter().copied()));
    check(
        "array_refs",
        |x| {
            let (p, q, m) = split(x);
            array_refs(&p, q, &m)
        },
        &g,
        &x,
    );
    let arr: [f64; 6] = q.clone().try_into().unwrap();
    let ga = of_array_param_grad(&arr).1;
    check(
        "of_array_param",
        |x| of_array_param(&x.try_into().unwrap()),
        &ga,
        &q,
    );
}

#[test]
fn ranges_in_generic_and_f32_code() {
    let p = input(9);
    let g = windows_t_grad(&p[..]).1;
    check("windows_t::<f64>", windows_t, &g, &p);
    let p32: Vec<f32> = p.iter().map(|x| *x as f32).collect();
    let g32 = windows_t_grad(&p32[..]).1;
    for (a, b) in g32.iter().zip(&g) {
        assert!(
            (f64::from(*a) - b).abs() < 1e-4 * (1.0 + b.abs()),
            "{a} vs {b}"
        );
    }
}

#[test]
fn the_pullback_of_range_reads_scales_with_the_cotangent() {
    let p = input(12);
    let (v, pb) = pairs_vjp(&p);
    let (v1, g1) = pairs_grad(&p);
    assert!((v - v1).abs() < 1e-12);
    check("pairs", pairs, &g1, &p);
    // The pullback is linear in the output cotangent and may run more than once.
    let g = pb(-2.5);
    let again = pb(-2.5);
    for ((a, b), c) in g.iter().zip(&g1).zip(&again) {
        assert!(
            (a + 2.5 * b).abs() < 1e-10 * (1.0 + b.abs()),
            "{a} vs -2.5 * {b}"
        );
        assert!((a - c).abs() < 1e-12, "{a} vs {c}");
    }
}
