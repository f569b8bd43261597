//! Text made from a value in `order = 2` code: a dual number prints its value only, with the
//! formatter's options (`{:.1}`), as the function itself prints it, so code that reads the
//! text (a table key, a length) takes the function's own path in `_hvp` and `_hessian`. Against
//! central differences of the gradient.

use autodiff::prelude::*;
use std::collections::HashMap;

#[path = "support/grad_checks.rs"]
mod support;
use support::{check_hvp, check_value_grad};

/// A table looked up by the value rounded to one decimal.
#[differentiable(order = 2)]
fn keyed_by_text(x: &[f64], #[no_grad] table: &HashMap<String, usize>) -> f64 {
    let key = format!("{:.1}", x[0]);
    let k = match table.get(&key) {
        Some(k) => *k,
        None => 0,
    };
    x[k] * x[0] * x[1]
}

/// A branch on the length of the printed value.
#[differentiable(order = 2)]
fn branch_on_text(x: &[f64]) -> f64 {
    let t = format!("{:.3}", x[0]);
    if t.len() > 6 {
        x[0] * x[1]
    } else {
        x[0] * x[0] * x[1]
    }
}

#[test]
fn printed_values_take_the_functions_path() {
    let table: HashMap<String, usize> = [("0.4".to_string(), 1)].into();
    let v = [0.3, -0.2];
    for x in [[0.4, -1.1], [0.43, 0.7], [-12.5, 0.2]] {
        let (y, g) = keyed_by_text_grad(&x, &table);
        check_value_grad(
            "keyed_by_text",
            |z| keyed_by_text(z, &table),
            (y, g.clone()),
            &x,
        );
        let (y2, g2, hv) = keyed_by_text_hvp(&x, &table, v.to_vec());
        assert!((y2 - y).abs() < 1e-12, "hvp value {y2} vs {y}");
        assert!(
            (g2[0] - g[0]).abs() < 1e-12 && (g2[1] - g[1]).abs() < 1e-12,
            "{g2:?} vs {g:?}"
        );
        check_hvp(
            "keyed_by_text",
            |z| keyed_by_text_grad(z, &table).1,
            &hv,
            &x,
            &v,
        );

        let (y, g) = branch_on_text_grad(&x);
        check_value_grad("branch_on_text", branch_on_text, (y, g), &x);
        let (_, _, hv) = branch_on_text_hvp(&x, v.to_vec());
        check_hvp("branch_on_text", |z| branch_on_text_grad(z).1, &hv, &x, &v);
    }
}
