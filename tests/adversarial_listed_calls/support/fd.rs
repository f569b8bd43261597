#![allow(dead_code)]
use autodiff::check::{Tolerance, check_gradient};

/// gradient `g` of `f` at `x` against central differences (step 1e-6, tol 1e-5 abs+rel)
#[track_caller]
pub fn fd(name: &str, f: impl Fn(&[f64]) -> f64, v: f64, g: &[f64], x: &[f64]) {
    let y = f(x);
    assert!(
        (v - y).abs() <= 1e-10 * (1.0 + y.abs()),
        "{name}: value {v} vs primal {y}"
    );
    assert_eq!(g.len(), x.len(), "{name}: gradient length");
    if let Err(e) = check_gradient(f, x, g, 1e-6, Tolerance::new(1e-5, 1e-5)) {
        panic!("{name}: {e}");
    }
}

#[track_caller]
pub fn close(name: &str, a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{name}: lengths");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "{name}[{k}]: got {x} want {y}\n got {a:?}\nwant {b:?}"
        );
    }
}

pub fn sines(n: usize, amp: f64) -> Vec<f64> {
    (0..n)
        .map(|i| amp * ((i as f64) * 1.37 + 0.2).sin())
        .collect()
}

pub fn cat(parts: &[&[f64]]) -> Vec<f64> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

/// split `x` into pieces of the given lengths
pub fn cut(x: &[f64], lens: &[usize]) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    let mut o = 0;
    for &l in lens {
        out.push(x[o..o + l].to_vec());
        o += l;
    }
    out
}

pub fn knots(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| i as f64 + 0.3 * (i as f64 * 1.3).sin())
        .collect()
}

/// queries inside segments (away from the knots) and a few outside
pub fn queries(xs: &[f64], m: usize) -> Vec<f64> {
    let n = xs.len();
    (0..m)
        .map(|i| match i % 9 {
            0 => xs[0] - 0.7,
            4 => xs[n - 1] + 1.1,
            _ => {
                let k = (i * 7) % (n - 1);
                xs[k] + (0.2 + 0.07 * (i % 8) as f64) * (xs[k + 1] - xs[k])
            }
        })
        .collect()
}
