//! Expansion tests of updates in place (`reverse/passthrough.rs`): `x[i] += t` and `x[i] -= t`
//! on a dense local read `dx[i]` without taking it out and add nothing back.

use quote::quote;

use super::{expand_fn, vjp_item};

fn vjp_of(item: proc_macro2::TokenStream) -> String {
    vjp_item(&expand_fn(item), "f")
}

#[test]
fn updates_in_place_leave_the_element_adjoint_in_its_buffer() {
    for item in [
        quote! {
            fn f(l: &[f64], b: &[f64]) -> f64 {
                let n = b.len();
                let mut x = b.to_vec();
                for i in 0..n {
                    for j in 0..i {
                        x[i] -= l[i * n + j] * x[j];
                    }
                }
                x[n - 1]
            }
        },
        quote! {
            fn f(p: &[f64], #[no_grad] bins: &[usize]) -> f64 {
                let mut h = vec![0.0; 4];
                for i in 0..p.len() {
                    let k = bins[i];
                    h[k] = p[i] * p[i] + h[k];
                }
                h[0] * h[1]
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert_eq!(vjp.matches("dense_get").count(), 1, "{vjp}");
        assert_eq!(vjp.matches("dense_take").count(), 0, "{vjp}");
    }
}

#[test]
fn other_writes_take_the_element_adjoint() {
    // read twice, scaled, kept past the write, written in between
    for item in [
        quote! {
            fn f(p: &[f64]) -> f64 {
                let mut x = p.to_vec();
                for i in 0..p.len() {
                    x[i] = x[i] + x[i];
                }
                x[0]
            }
        },
        quote! {
            fn f(p: &[f64]) -> f64 {
                let mut x = p.to_vec();
                for i in 0..p.len() {
                    x[i] = 2.0 * x[i] + p[0];
                }
                x[0]
            }
        },
        quote! {
            fn f(p: &[f64]) -> f64 {
                let mut x = p.to_vec();
                let mut s = 0.0;
                for i in 0..p.len() {
                    let r = x[i];
                    x[i] = r - p[i];
                    s += r * x[i];
                }
                s
            }
        },
        quote! {
            fn f(p: &[f64]) -> f64 {
                let mut x = p.to_vec();
                for i in 0..p.len() {
                    let old = x[i];
                    x[i] = 5.0;
                    x[i] = old + p[i];
                }
                x[0]
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert!(!vjp.contains("dense_get"), "{vjp}");
    }
}

#[test]
fn an_index_of_arithmetic_leaves_the_written_value_as_is() {
    // the value is lowered before the index (Rust's order); it is copied first only when the
    // index's code may change it, not for the operand checks of `t * d + a`
    let vjp = vjp_of(quote! {
        fn f(w: &[f64]) -> f64 {
            let d = 2;
            let mut q = vec![0.0; 4];
            for t in 0..2 {
                for a in 0..d {
                    let sq = w[a] * w[t];
                    q[t * d + a] = sq;
                }
            }
            q[3]
        }
    });
    assert!(vjp.contains("] = sq ;"), "{vjp}");
    let copied = vjp.split("let ").any(|s| {
        s.split_once(" = ")
            .is_some_and(|(name, rest)| name.starts_with("__t") && rest.starts_with("sq ;"))
    });
    assert!(!copied, "{vjp}");
}
