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
