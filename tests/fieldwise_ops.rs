//! `+`, `-`, unary `-`, `+=`, `-=` and `.sum()` on `#[derive(Differentiable, FieldwiseOps)]`
//! structs inside `#[differentiable]` functions: gradients, tangents and Hessian-vector products
//! against central differences in `f64` (a struct's own operators are refused at compile time:
//! `tests/heavy/tests/ui/derived_struct_own_operators.rs`).

#![allow(clippy::ptr_arg, clippy::needless_range_loop)]

use autodiff::check::{directional_derivative, numeric_gradient};
use autodiff::prelude::*;

const ETA: f64 = 1e-5;

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= 1e-6 * (1.0 + y.abs()), "{a:?} vs {b:?}");
    }
}

#[derive(Differentiable, FieldwiseOps, Clone, Copy, Debug, PartialEq)]
struct Point<T: Real> {
    x: T,
    y: T,
}

fn point(p: &[f64]) -> Point<f64> {
    Point { x: p[0], y: p[1] }
}

/// Every operator at once: `c = a - b`, `c += a`, `c -= -b`, `d = -(c + a)`.
#[differentiable(order = 2)]
fn mixed(a: Point<f64>, b: Point<f64>) -> f64 {
    let mut c = a - b;
    c += a;
    c -= -b;
    let d = -(c + a);
    d.x * d.y + (a.x * b.y).sin()
}

/// The sum of a `Vec` of `Copy` structs.
#[differentiable]
fn centroid_spread(v: &Vec<Point<f64>>) -> f64 {
    let s: Point<f64> = v.iter().sum();
    let n = v.len() as f64;
    let (mx, my) = (s.x / n, s.y / n);
    let mut e = 0.0;
    for i in 0..v.len() {
        e += (v[i].x - mx).powi(2) + (v[i].y - my).powi(2) * 2.0;
    }
    e
}

impl<T: Real> std::iter::Sum<Point<T>> for Point<T> {
    fn sum<I: Iterator<Item = Point<T>>>(it: I) -> Self {
        let zero = Point {
            x: T::zero(),
            y: T::zero(),
        };
        it.fold(zero, |a, b| a + b)
    }
}
impl<'a, T: Real> std::iter::Sum<&'a Point<T>> for Point<T> {
    fn sum<I: Iterator<Item = &'a Point<T>>>(it: I) -> Self {
        it.copied().sum()
    }
}

/// A generic struct with a matrix field, nested in another deriving `FieldwiseOps`.
#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
struct Layer<T: Real> {
    w: DMatrix<T>,
    b: T,
}

#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
struct Pair<T: Real> {
    first: Layer<T>,
    second: Layer<T>,
}

/// A `Vec` field, combined entry by entry.
#[derive(Differentiable, FieldwiseOps, Clone, Debug, PartialEq)]
struct Series {
    v: Vec<f64>,
    c: f64,
}

#[differentiable]
fn series_drift(a: &Series, b: &Series) -> f64 {
    let mut d = a.clone() - b.clone();
    d += a.clone();
    let e = -d;
    let mut s = e.c * a.c;
    for i in 0..e.v.len() {
        s += e.v[i] * e.v[i] * b.v[i];
    }
    s
}

fn series(p: &[f64]) -> Series {
    Series {
        v: p[..3].to_vec(),
        c: p[3],
    }
}

#[differentiable]
fn pair_gap(p: &Pair<f64>, q: &Pair<f64>) -> f64 {
    let d = p.clone() - q.clone();
    let s = p.clone() + q.clone();
    d.first.w.norm_squared() + d.second.b * s.first.b + s.second.w.sum()
}

fn pair(v: &[f64]) -> Pair<f64> {
    Pair {
        first: Layer {
            w: DMatrix::from_column_slice(2, 1, &v[0..2]),
            b: v[2],
        },
        second: Layer {
            w: DMatrix::from_column_slice(1, 2, &v[3..5]),
            b: v[5],
        },
    }
}

#[test]
fn operators_match_central_differences() {
    let x = [0.7, -1.3, 0.4, 2.1];
    let f = |p: &[f64]| mixed(point(&p[..2]), point(&p[2..]));
    let (y, (ga, gb)) = mixed_grad(point(&x[..2]), point(&x[2..]));
    assert!((y - f(&x)).abs() < 1e-12);
    close(&[ga.x, ga.y, gb.x, gb.y], &numeric_gradient(f, &x, ETA));
    // Forward mode: the tangent along a direction.
    let v = [0.3, -0.5, 1.1, 0.2];
    let (_, dy) = mixed_jvp(
        point(&x[..2]),
        point(&x[2..]),
        point(&v[..2]),
        point(&v[2..]),
    );
    let want = directional_derivative(f, &x, &v, ETA);
    assert!(
        (dy - want).abs() <= 1e-6 * (1.0 + want.abs()),
        "{dy} vs {want}"
    );
}

#[test]
fn operators_second_order_matches_differences_of_the_gradient() {
    let x = [0.7, -1.3, 0.4, 2.1];
    let v = [0.3, -0.5, 1.1, 0.2];
    let grad = |p: &[f64]| {
        let (_, (ga, gb)) = mixed_grad(point(&p[..2]), point(&p[2..]));
        vec![ga.x, ga.y, gb.x, gb.y]
    };
    let (_, _, (ha, hb)) = mixed_hvp(
        point(&x[..2]),
        point(&x[2..]),
        point(&v[..2]),
        point(&v[2..]),
    );
    // H·v by central differences of the gradient along v.
    let step = |s: f64| -> Vec<f64> {
        let p: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + s * b).collect();
        grad(&p)
    };
    let (plus, minus) = (step(ETA), step(-ETA));
    let want: Vec<f64> = plus
        .iter()
        .zip(&minus)
        .map(|(a, b)| (a - b) / (2.0 * ETA))
        .collect();
    close(&[ha.x, ha.y, hb.x, hb.y], &want);
}

#[test]
fn sums_of_structs_match_central_differences() {
    let x = [0.5, 1.0, -0.3, 2.0, 1.7, -0.4];
    let pts = |p: &[f64]| p.chunks(2).map(point).collect::<Vec<_>>();
    let f = |p: &[f64]| centroid_spread(&pts(p));
    let (y, g) = centroid_spread_grad(&pts(&x));
    assert!((y - f(&x)).abs() < 1e-12);
    let flat: Vec<f64> = g.iter().flat_map(|p| [p.x, p.y]).collect();
    close(&flat, &numeric_gradient(f, &x, ETA));
}

/// `grad(a, b)` for two structs built from `x[..k]` and `x[k..]`: the value against `f`, the two
/// gradients (flattened in field order) against central differences of `f`.
fn check_two_structs<S: Parameters<f64>>(
    x: &[f64],
    k: usize,
    build: impl Fn(&[f64]) -> S,
    f: impl Fn(&S, &S) -> f64,
    grad: impl Fn(&S, &S) -> (f64, (S, S)),
) {
    let plain = |p: &[f64]| f(&build(&p[..k]), &build(&p[k..]));
    let (y, (ga, gb)) = grad(&build(&x[..k]), &build(&x[k..]));
    assert!((y - plain(x)).abs() < 1e-12);
    let mut flat = ga.to_flat_vec();
    flat.extend(gb.to_flat_vec());
    close(&flat, &numeric_gradient(plain, x, ETA));
}

#[test]
fn nested_generic_structs_with_matrices_match_central_differences() {
    let x = [
        0.2, -0.7, 1.5, 0.9, -1.1, 0.6, 0.3, 0.8, -0.2, 0.4, 1.2, -0.5,
    ];
    check_two_structs(&x, 6, pair, pair_gap, pair_gap_grad);
}

#[test]
fn vec_fields_match_central_differences() {
    let x = [0.4, -0.9, 1.3, 0.7, 1.1, 0.2, -0.6, -1.4];
    check_two_structs(&x, 4, series, series_drift, series_drift_grad);
}

#[test]
#[should_panic(expected = "a `Vec` field has 2 entries on the left and 3 on the right")]
fn vec_fields_of_different_lengths_panic() {
    let a = Series {
        v: vec![1.0, 2.0],
        c: 0.0,
    };
    let b = Series {
        v: vec![1.0, 2.0, 3.0],
        c: 0.0,
    };
    let _ = a + b;
}

#[test]
fn derived_operators_are_field_wise() {
    let (a, b) = (Point { x: 1.0, y: 2.0 }, Point { x: 3.0, y: -4.0 });
    assert_eq!(a + b, Point { x: 4.0, y: -2.0 });
    assert_eq!(a - b, Point { x: -2.0, y: 6.0 });
    assert_eq!(-a, Point { x: -1.0, y: -2.0 });
    let mut c = a;
    c += b;
    c -= a;
    assert_eq!(c, b);
    let (s, t) = (
        Series {
            v: vec![1.0, 2.0],
            c: 3.0,
        },
        Series {
            v: vec![0.5, -1.0],
            c: 1.0,
        },
    );
    assert_eq!(
        s.clone() - t.clone(),
        Series {
            v: vec![0.5, 3.0],
            c: 2.0
        }
    );
    assert_eq!(
        -t,
        Series {
            v: vec![-0.5, 1.0],
            c: -1.0
        }
    );
    // An empty `Vec` reads as zeros.
    let empty = Series { v: vec![], c: 0.0 };
    assert_eq!(empty - s.clone(), -s);
}
