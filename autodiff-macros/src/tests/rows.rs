//! Expansion tests of held rows (`reverse/rows.rs`): a loop that reads one row `w[k]` of a
//! parameter and nothing else of it holds that row of the gradient buffer for its reverse sweep;
//! loops that read two rows, the whole parameter, or pass the row on keep the buffer's adds.

use quote::quote;

use super::{expand_fn, vjp_item};

/// The rows held and the element adds into held rows in the pullback of `name`.
fn held(all: &str, name: &str) -> (usize, usize) {
    let vjp = vjp_item(all, name);
    (
        vjp.matches(":: RowProbe (").count(),
        vjp.matches("RowAdd :: row_add (").count(),
    )
}

#[test]
fn the_inner_loop_of_a_dense_layer_holds_its_row() {
    let all = expand_fn(quote! {
        fn layer(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                let mut z = 0.0;
                for j in 0..x.len() {
                    z += w[i][j] * x[j];
                }
                s += z.tanh();
            }
            s
        }
    });
    assert_eq!(held(&all, "layer"), (1, 1), "{all}");
    // the row adds go into the held row, not through the buffer
    assert!(!vjp_item(&all, "layer").contains("add_with"), "{all}");
}

#[test]
fn one_row_read_in_nested_loops_is_held_once_by_the_outer_loop() {
    let all = expand_fn(quote! {
        fn nested(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                for r in 0..2 {
                    for j in 0..x.len() {
                        s += w[i][j] * x[j] * (r as f64);
                    }
                }
            }
            s
        }
    });
    assert_eq!(held(&all, "nested"), (1, 1), "{all}");
}

#[test]
fn loops_touching_more_than_one_row_keep_the_buffer() {
    let all = expand_fn(quote! {
        fn two(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 1..w.len() {
                for j in 0..x.len() {
                    s += w[i][j] * w[i - 1][j] * x[j];
                }
            }
            s
        }
    });
    assert_eq!(held(&all, "two"), (0, 0), "{all}");
    let all = expand_fn(quote! {
        fn passed(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                for j in 0..x.len() {
                    s += w[i][j] * x[j] + dot(&w[i], x);
                }
            }
            s
        }
    });
    assert_eq!(held(&all, "passed"), (0, 0), "{all}");
    let all = expand_fn(quote! {
        fn whole(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                for j in 0..x.len() {
                    s += w[i][j] * x[j] + w[0][j];
                }
            }
            s
        }
    });
    assert_eq!(held(&all, "whole"), (0, 0), "{all}");
}
