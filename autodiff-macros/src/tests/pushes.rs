//! Expansion tests of pushes at the loop index (`lower/push_index.rs`): a push that writes
//! element `i` of `for i in 0..n` takes `i` as its length in the reverse sweep instead of a
//! length read and recorded on every trip; every form where the count could be off keeps the
//! length read.

use quote::quote;

use super::{expand_fn, vjp_item};

/// The `_vjp` item of function `name` and whether it still reads `s`'s length for its push.
fn reads_len(f: proc_macro2::TokenStream, name: &str) -> (String, bool) {
    let vjp = vjp_item(&expand_fn(f), name);
    let reads = vjp.contains("s . len ()");
    (vjp, reads)
}

/// Each function of `fns` (one per `fn` item), by name.
fn each_fn(fns: proc_macro2::TokenStream) -> Vec<(String, proc_macro2::TokenStream)> {
    let file: syn::File = syn::parse2(fns).expect("functions");
    (file.items.into_iter())
        .map(|i| match i {
            syn::Item::Fn(f) => (f.sig.ident.to_string(), quote! { #f }),
            _ => panic!("a function"),
        })
        .collect()
}

#[test]
fn a_push_per_trip_into_an_empty_vec_writes_element_i() {
    // the scan: one push per trip, read back at `i` in the same trip; also behind a `break`
    // (which ends the loop) and with other statements before the push
    let fns = each_fn(quote! {
        fn scan(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            let mut prev = 1.0;
            for i in 0..a.len() {
                s.push(prev * a[i]);
                prev = s[i];
            }
            prev
        }
        fn early(a: &[f64]) -> f64 {
            let mut s = Vec::with_capacity(a.len());
            for i in 0..a.len() {
                if a[i] > 3.0 || (i > 0 && s[i - 1] > 9.0) {
                    break;
                }
                let t = a[i] * 2.0;
                s.push(t * t);
                s[i] = s[i] + 1.0;
            }
            s[0]
        }
    });
    for (name, f) in fns {
        let (vjp, reads) = reads_len(f, &name);
        assert!(!reads, "{name}: {vjp}");
        // one pullback of the push, taking element `i` rebuilt from the trip number
        if name == "scan" {
            assert_eq!(vjp.matches("dense_take (& mut __d_s_").count(), 1, "{vjp}");
        }
    }
}

#[test]
fn pushes_whose_count_may_be_off_keep_the_length_read() {
    let fns = each_fn(quote! {
        // a `continue` may skip the push
        fn skip(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for i in 0..a.len() {
                if a[i] < 0.0 {
                    continue;
                }
                s.push(a[i]);
            }
            s[0]
        }
        // the push is inside a branch
        fn branch(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for i in 0..a.len() {
                if a[i] > 0.0 {
                    s.push(a[i]);
                }
            }
            s[0]
        }
        // two pushes per trip
        fn twice(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for i in 0..a.len() {
                s.push(a[i]);
                s.push(a[i] * 2.0);
            }
            s[0]
        }
        // the loop starts at 1
        fn from_one(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for i in 1..a.len() {
                s.push(a[i]);
            }
            s[0]
        }
        // the `Vec` is not empty when the loop starts
        fn primed(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            s.push(a[0]);
            for i in 0..a.len() {
                s.push(a[i]);
            }
            s[0]
        }
        // an outer loop runs the inner one on the same `Vec` again
        fn outer(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for _ in 0..2 {
                for i in 0..a.len() {
                    s.push(a[i]);
                }
            }
            s[0]
        }
        // the length changes another way in the loop
        fn truncated(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for i in 0..a.len() {
                s.push(a[i]);
                s.truncate(i + 1);
            }
            s[0]
        }
        // the loop variable is reassigned
        fn moved(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            for mut i in 0..a.len() {
                s.push(a[i]);
                i += 1;
                let _ = i;
            }
            s[0]
        }
        // the `Vec` is used whole in the loop
        fn passed(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            let mut t = 0.0;
            for i in 0..a.len() {
                s.push(a[i]);
                let c = s.clone();
                t += c[i];
            }
            s[0] + t
        }
    });
    assert_eq!(fns.len(), 9);
    for (name, f) in fns {
        let (vjp, reads) = reads_len(f, &name);
        assert!(reads, "{name}: {vjp}");
    }
}
