//! Differentiating through Python-style control flow, the TensorFlow tutorial's §2.2.3 (seed 004):
//!
//! ```python
//! def f(a):
//!     b = a * 2
//!     while tf.norm(b) < 1000:
//!         b = b * 2
//!     if tf.reduce_sum(b) > 0:
//!         c = b
//!     else:
//!         c = 100 * b
//!     return c
//! ```
//!
//! For any `a`, `f(a) = k·a` with a constant `k` that depends on `a`, so `dc/da` must equal `c/a`.
//! Run with `cargo run --release --example control_flow`.

use autodiff::prelude::*;

#[path = "support/tf_reference.rs"]
mod tf_reference;

/// The seed's `f` for a scalar `a` (`tf.norm` of a 1x1 tensor is `abs`, `reduce_sum` the value).
#[differentiable]
fn f(a: f32) -> f32 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b *= 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

fn main() {
    let tf_rows = tf_reference::load()
        .map(|json| tf_reference::control_flow(&json))
        .unwrap_or_default();
    let inputs = [0.48800924_f32, -0.3, 1.7, -2.5, 0.001];
    println!(
        "{:>11} {:>16} {:>12} {:>12} {:>6} {:>10}",
        "a", "c = f(a)", "dc/da", "c/a", "match", "jvp(a, 1)"
    );
    let mut all_match = true;
    for a in inputs {
        let (c, dc_da) = f_grad(a);
        let value = f(a);
        assert!(
            (c - value).abs() <= 1e-6 * (1.0 + value.abs()),
            "f_grad's value is f's: {c} vs {value}"
        );
        let (_, tangent) = f_jvp(a, 1.0);
        let ratio = c / a;
        let same = (dc_da - ratio).abs() <= 1e-6 * ratio.abs() && tangent == dc_da;
        all_match &= same;
        println!(
            "{a:>11} {c:>16} {dc_da:>12} {ratio:>12} {:>6} {tangent:>10}",
            if same { "true" } else { "FALSE" }
        );
        if let Some(tf) = tf_rows.iter().find(|r| (r.a - f64::from(a)).abs() < 1e-7) {
            let same_tf = tf.c == f64::from(c) && tf.dc_da == f64::from(dc_da);
            println!(
                "{:>11} {:>16} {:>12}  TensorFlow 2.21 (seeds_tf.json): {}",
                "",
                tf.c,
                tf.dc_da,
                if same_tf { "identical" } else { "DIFFERENT" }
            );
        }
    }
    println!("gradient == c/a for every input: {all_match}");
}
