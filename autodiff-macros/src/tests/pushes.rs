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
    // behind a `break` (which ends the loop), a condition indexing the `Vec` and other
    // statements before the push (the scan: the next test)
    let fns = each_fn(quote! {
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
    }
}

#[test]
fn a_push_at_the_loop_index_fits_its_buffer_to_the_trip_count() {
    // `s.push(..)` then `s[i]` in the same loop: the push writes element `i`
    // (`lower/push_index.rs`), so no trip reads past it and the buffer is fitted to the trip
    // count before the loop's reverse sweep: the read adds with `dense_add_in` (no growth path).
    let (vjp, reads) = reads_len(
        quote! {
            fn scan(a: &[f64]) -> f64 {
                let mut s = Vec::new();
                let mut prev = 1.0;
                for i in 0..a.len() {
                    s.push(prev * a[i]);
                    prev = s[i];
                }
                prev
            }
        },
        "scan",
    );
    assert!(!reads, "{vjp}");
    // one pullback of the push, taking element `i` rebuilt from the trip number
    assert_eq!(vjp.matches("dense_take (& mut __d_s_").count(), 1, "{vjp}");
    assert!(vjp.contains("dense_add_in (& mut __d_s_"), "{vjp}");
    assert!(!vjp.contains("dense_add (& mut __d_s_"), "{vjp}");
    assert!(
        vjp.contains("dense_fit (& mut __d_s_2 , __n0 - 1)"),
        "{vjp}"
    );
    assert!(vjp.contains("dense_take (& mut __d_s_"), "{vjp}");
    // a `continue` may skip the push: the length changes by another count than the trips,
    // so the read adds through the growing path (`dense_add`)
    let all = expand_fn(quote! {
        fn scan(a: &[f64]) -> f64 {
            let mut s = Vec::new();
            let mut prev = 1.0;
            for i in 0..a.len() {
                if a[i] < 0.0 {
                    continue;
                }
                s.push(prev * a[i]);
                prev = s[s.len() - 1];
            }
            prev
        }
    });
    let vjp = vjp_item(&all, "scan");
    assert!(vjp.contains("dense_add (& mut __d_s_"), "{vjp}");
    assert!(!vjp.contains("dense_add_in (& mut __d_s_"), "{vjp}");
    assert!(!vjp.contains("dense_fit (& mut __d_s_"), "{vjp}");
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
