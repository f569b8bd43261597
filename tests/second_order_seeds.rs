//! The seeds' second-derivative cells through `#[differentiable(order = 2)]`, against
//! TensorFlow's numbers in `reference/seeds_tf.json`.

use autodiff::check::{Tolerance, assert_slices};
use autodiff::prelude::*;

fn tf(cell: &str) -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/seeds_tf.json");
    let text = std::fs::read_to_string(path).expect("reference/seeds_tf.json");
    let all: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    all[cell].clone()
}

/// A nested JSON array as rows of numbers; TensorFlow's `None` (unconnected) is an exact zero.
fn rows(v: &serde_json::Value) -> Vec<Vec<f64>> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("a row")
                .iter()
                .map(|x| x.as_f64().unwrap_or(0.0))
                .collect()
        })
        .collect()
}

/// The seed's z = x1² + x2 + 1 at (2, 3); TF differentiates each first derivative again.
#[differentiable(order = 2)]
fn z(x1: f64, x2: f64) -> f64 {
    x1.powi(2) + x2 + 1.0
}

#[test]
fn second_order_cell() {
    let want = rows(&tf("second_order"));
    let (_, (g1, g2), h) = z_hessian(2.0, 3.0);
    assert_slices(&[g1, g2], &[4.0, 1.0], Tolerance::tight());
    // Row i is d(dz/dx_i)/d[x1, x2].
    for (i, row) in want.iter().enumerate() {
        assert_slices(&[h[(i, 0)], h[(i, 1)]], row, Tolerance::tight());
    }
}

/// The seed's y = 2·xᵀx at x = [0, 1, 2, 3] (generic, at f32 as TF's float32 tensor).
#[differentiable(order = 2)]
fn two_xtx<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for &xi in x {
        s += xi * xi;
    }
    T::from_f64(2.0) * s
}

#[test]
fn xtx_second_cell() {
    // TF differentiates the vector dy/dx = 4x again with an implicit all-ones cotangent: entry j
    // is sum_i H_ij, i.e. H·1 by symmetry (one Hessian-vector product).
    let want: Vec<f64> = rows(&tf("xtx_second")).concat();
    let x = [0.0f32, 1.0, 2.0, 3.0];
    let (_, _, h1) = two_xtx_hvp(&x, vec![1.0; 4]);
    let got: Vec<f64> = h1.iter().map(|v| f64::from(*v)).collect();
    assert_slices(&got, &want, Tolerance::tight());
    // The same from the dense Hessian's column sums, in f64.
    let (y, g, h) = two_xtx_hessian(&[0.0, 1.0, 2.0, 3.0]);
    let sums: Vec<f64> = (0..4).map(|j| h.column(j).sum()).collect();
    assert_slices(&sums, &want, Tolerance::tight());
    assert_slices(&[y], &rows(&tf("xtx_value")).concat(), Tolerance::tight());
    assert_slices(&g, &rows(&tf("xtx_grad")).concat(), Tolerance::tight());
}
