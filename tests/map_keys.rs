//! Maps and sets in `#[differentiable]` code, as `#[no_grad]` data. Indexed by a borrowed key
//! (`m[&name]`): the key is a reference, which the reverse sweep reads as the reference it is
//! (it is kept, not indexed again as if it were a `usize`: `reverse/recompute.rs`). Looked up
//! with `get(&k)` / `get("k")` and `.copied()`: not rewritten into a slice's element read
//! (`lower/options.rs`). Iterated (`for (k, w) in m.iter()`, `m.keys()`, a set): the iterator
//! runs as written, never read by index (`lower/loops.rs`). `String`, `&str`, range and tuple
//! keys, in and out of loops; against central differences in `f64`.

use autodiff::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

#[path = "support/grad_checks.rs"]
mod support;
use support::check_value_grad;

/// `x[m["b"]] · x[0]`, the key a local `String`.
#[differentiable]
fn string_key(x: &[f64], #[no_grad] m: &HashMap<String, usize>) -> f64 {
    let name = String::from("b");
    let k = m[&name];
    x[k] * x[0]
}

/// A range as the key of a map of offsets.
#[differentiable]
fn range_key(x: &[f64], #[no_grad] m: &HashMap<Range<usize>, usize>) -> f64 {
    let r = 1..3;
    let k = m[&r];
    x[k].sin() * x[r.start]
}

/// Tuple keys looked up per trip.
#[differentiable]
fn tuple_keys(x: &[f64], #[no_grad] m: &BTreeMap<(usize, usize), usize>) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let key = (i, i + 1);
        let k = m[&key];
        s += x[k] * x[i];
    }
    s
}

/// `get` with `.copied()`, by a borrowed `String` and by a literal `&str`.
#[differentiable]
fn looked_up(x: &[f64], #[no_grad] m: &HashMap<String, f64>) -> f64 {
    let key = String::from("w");
    let w = m.get(&key).copied().unwrap_or(0.0);
    let b = *m.get("b").unwrap();
    let missing = m.get("none").copied().unwrap_or(-1.0);
    x[0] * w + b * x[1] + missing * x[2]
}

/// Entries, keys and a set iterated as written, the values weighting elements.
#[differentiable]
fn iterated(
    x: &[f64],
    #[no_grad] m: &BTreeMap<usize, f64>,
    #[no_grad] set: &BTreeSet<usize>,
) -> f64 {
    let mut s = 0.0;
    for (k, w) in m.iter() {
        s = s * x[*k] + *w * x[*k];
    }
    for k in m.keys() {
        s += x[*k].sin();
    }
    for k in set.iter() {
        s += x[*k] * x[*k];
    }
    s
}

const X: [f64; 6] = [0.4, -1.1, 0.8, 1.7, -0.6, 0.3];

#[test]
fn borrowed_keys_match_finite_differences() {
    let m: HashMap<String, usize> = [("a".to_string(), 1), ("b".to_string(), 4)].into();
    let g = string_key_grad(&X, &m);
    assert!((g.0 - X[4] * X[0]).abs() < 1e-12, "{}", g.0);
    check_value_grad("string_key", |z| string_key(z, &m), g, &X);

    let m: HashMap<Range<usize>, usize> = [(1..3, 5), (0..1, 2)].into();
    let g = range_key_grad(&X, &m);
    assert!((g.0 - X[5].sin() * X[1]).abs() < 1e-12, "{}", g.0);
    check_value_grad("range_key", |z| range_key(z, &m), g, &X);

    let m: BTreeMap<(usize, usize), usize> = [((0, 1), 3), ((1, 2), 5), ((2, 3), 2)].into();
    let g = tuple_keys_grad(&X, &m);
    check_value_grad("tuple_keys", |z| tuple_keys(z, &m), g, &X);
}

#[test]
fn lookups_and_iteration_match_finite_differences() {
    let m: HashMap<String, f64> = [("w".to_string(), 1.5), ("b".to_string(), -0.5)].into();
    let g = looked_up_grad(&X, &m);
    let want = X[0] * 1.5 - 0.5 * X[1] - X[2];
    assert!((g.0 - want).abs() < 1e-12, "{} vs {want}", g.0);
    check_value_grad("looked_up", |z| looked_up(z, &m), g, &X);

    let m: BTreeMap<usize, f64> = [(4, 0.5), (1, -2.0), (3, 1.5)].into();
    let set: BTreeSet<usize> = [0, 5, 2].into();
    let g = iterated_grad(&X, &m, &set);
    check_value_grad("iterated", |z| iterated(z, &m, &set), g, &X);
}

/// A borrowed float of a map times a value with a derivative, as Rust allows it (`&f64 * f64`,
/// `f64 * &f64`, `&f64 * &f64`): the rules of the product of the values.
#[differentiable]
fn borrowed_weights(
    x: &[f64],
    #[no_grad] m: &BTreeMap<usize, f64>,
    #[no_grad] h: &HashMap<usize, f64>,
) -> f64 {
    let mut s = 0.0;
    for (k, w) in m.iter() {
        s += w * x[*k];
    }
    for w in m.values() {
        s += x[1] * w;
    }
    if let Some(w) = h.get(&1) {
        s += w * x[0] * x[2];
        let r = &x[2];
        s += w * r;
    }
    s
}

#[test]
fn borrowed_map_values_times_derivatives() {
    let m: BTreeMap<usize, f64> = [(1, 2.0), (0, 0.5), (3, -1.5)].into();
    let h: HashMap<usize, f64> = [(1, 2.5)].into();
    let g = borrowed_weights_grad(&X, &m, &h);
    check_value_grad("borrowed_weights", |z| borrowed_weights(z, &m, &h), g, &X);
}
