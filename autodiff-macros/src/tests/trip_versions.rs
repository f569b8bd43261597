//! Expansion tests of state `Vec`s replaced each trip (`reverse/trip_versions.rs`): their reads
//! before the replacement index the trip's copy, and are not recorded.

use quote::quote;

use super::{expand_fn, vjp_item};

fn vjp_of(item: proc_macro2::TokenStream) -> String {
    vjp_item(&expand_fn(item), "f")
}

#[test]
fn reads_before_the_replacement_index_the_trips_copy() {
    let vjp = vjp_of(quote! {
        fn f(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
            let n = 4;
            let mut h = vec![0.0; n];
            for t in 0..xs.len() {
                let mut hn = vec![0.0; n];
                for i in 0..n {
                    let mut a = xs[t];
                    for j in 0..n {
                        a += w[i * n + j] * h[j];
                    }
                    hn[i] = a.tanh();
                }
                h = hn;
            }
            h[0]
        }
    });
    // one copy a trip, before the move; the product's rule reads it
    assert_eq!(vjp.matches("flat_put (& mut __fv").count(), 1, "{vjp}");
    let copy = vjp.find("flat_put").expect("the copy");
    assert!(
        copy < vjp
            .find("h = hn")
            .or_else(|| vjp.find("replace (& mut h , hn)"))
            .expect("the move"),
        "{vjp}"
    );
    // read through the inner loop's span of the copy (`reverse/spans.rs`)
    assert!(vjp.contains("SpanProbe (__tv"), "{vjp}");
    // the inner loop records nothing
    let inner = vjp.split("'__loop2").nth(1).expect("the inner loop");
    let inner = inner.split("break '__loop2").next().expect("its body");
    assert!(!inner.contains("Put :: put"), "{vjp}");
}

#[test]
fn a_state_changed_before_its_replacement_or_a_trip_that_may_leave_keeps_its_records() {
    for item in [
        quote! {
            fn f(w: &[f64]) -> f64 {
                let mut h = vec![0.5; 4];
                for _ in 0..3 {
                    let mut hn = vec![0.0; 4];
                    for i in 0..4 {
                        hn[i] = w[i] * h[i] * h[(i + 1) % 4];
                    }
                    h[0] = 1.0;
                    h = hn;
                }
                h[0]
            }
        },
        quote! {
            fn f(w: &[f64]) -> f64 {
                let mut h = vec![0.5; 4];
                for t in 0..3 {
                    let mut hn = vec![0.0; 4];
                    for i in 0..4 {
                        hn[i] = w[i] * h[i] * h[(i + 1) % 4];
                    }
                    if t == 1 {
                        continue;
                    }
                    h = hn;
                }
                h[0]
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert!(!vjp.contains("__tv"), "{vjp}");
    }
}

#[test]
fn reads_no_rule_needs_take_no_copy() {
    // the wave equation's `prev = u; u = next;`: `prev[i]` and `u[i]` enter linearly (their
    // values are never read back), so neither state is copied
    let vjp = vjp_of(quote! {
        fn f(u0: &[f64], c: f64) -> f64 {
            let n = u0.len();
            let mut prev = u0.to_vec();
            let mut u = u0.to_vec();
            for _ in 0..50 {
                let mut next = vec![0.0; n];
                for i in 1..n - 1 {
                    next[i] = 2.0 * u[i] - prev[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
                }
                prev = u;
                u = next;
            }
            u[1]
        }
    });
    assert!(!vjp.contains("flat_put"), "{vjp}");
}
