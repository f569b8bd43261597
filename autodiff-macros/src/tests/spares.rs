//! Expansion tests of fresh buffers made in the buffer an assignment drops (`reverse/spare.rs`).

use quote::quote;

use super::expanded_vjp as expanded;

#[test]
fn a_fresh_buffer_per_trip_is_made_in_the_one_the_move_drops() {
    // `u = next` drops the buffer `u` held: it is kept for the next trip's `vec!`.
    let vjp = expanded(
        quote! {
            fn f(x: &[f64]) -> f64 {
                let n = x.len();
                let mut u = x.to_vec();
                for _ in 0..4 {
                    let mut next = vec![0.0; n];
                    for i in 0..n {
                        next[i] = u[i] * u[(i + 1) % n];
                    }
                    u = next;
                }
                u[0]
            }
        },
        "f",
    );
    assert_eq!(vjp.matches(":: spare_filled (").count(), 1, "{vjp}");
    assert!(vjp.contains(":: spare_keep (& mut __spare"), "{vjp}");
    assert!(
        vjp.contains(":: core :: mem :: replace (& mut u , next)"),
        "{vjp}"
    );
    // Rotated levels: `prev = u` drops the buffer `prev` held (`u` is moved, not dropped).
    let vjp = expanded(
        quote! {
            fn g(x: &[f64]) -> f64 {
                let n = x.len();
                let mut prev = x.to_vec();
                let mut u = x.to_vec();
                for _ in 0..4 {
                    let mut next = vec![0.0; n];
                    for i in 0..n {
                        next[i] = 2.0 * u[i] - prev[i] * u[i];
                    }
                    prev = u;
                    u = next;
                }
                u[0] + prev[1]
            }
        },
        "g",
    );
    assert!(
        vjp.contains(":: core :: mem :: replace (& mut prev , u)"),
        "{vjp}"
    );
    assert!(vjp.contains("u = next ;"), "{vjp}");
}

#[test]
fn a_state_taken_by_value_or_declared_without_a_value_keeps_the_vec() {
    for item in [
        // moved in the trip
        quote! {
            fn h(x: &[f64]) -> f64 {
                let n = x.len();
                let mut u = x.to_vec();
                let mut s = 0.0;
                for _ in 0..3 {
                    let mut next = vec![0.0; n];
                    for i in 0..n {
                        next[i] = u[i] * u[i];
                    }
                    let old = u;
                    s += old[0];
                    u = next;
                }
                s + u[0]
            }
        },
        // moved into a tuple
        quote! {
            fn h(x: &[f64]) -> f64 {
                let n = x.len();
                let mut u = x.to_vec();
                let mut s = 0.0;
                for _ in 0..3 {
                    let mut next = vec![0.0; n];
                    for i in 0..n {
                        next[i] = u[i] * u[i];
                    }
                    let pair = (u, 2.0);
                    s += pair.0[0] * pair.1;
                    u = next;
                }
                s + u[0]
            }
        },
        // declared without a value
        quote! {
            fn h(x: &[f64]) -> f64 {
                let n = x.len();
                let mut u;
                u = x.to_vec();
                for _ in 0..3 {
                    let mut next = vec![0.0; n];
                    for i in 0..n {
                        next[i] = u[i] * u[i];
                    }
                    u = next;
                }
                u[0]
            }
        },
    ] {
        let vjp = expanded(item, "h");
        assert!(!vjp.contains("spare_keep"), "{vjp}");
    }
}
