//! Expansion tests of flattened indices (`x[i * d + j]`): recomputed in the reverse sweep from
//! the trip numbers and the stride's one saved copy, not recorded per trip.

use quote::quote;

use super::{expand_fn, loop_records, vjp_item};

fn vjp_of(item: proc_macro2::TokenStream) -> String {
    vjp_item(&expand_fn(item), "f")
}

#[test]
fn a_stride_from_a_length_records_nothing_per_inner_trip() {
    // `d` is a `let` of the body (a length): `i * d + j` is rebuilt from both trip numbers.
    // (Two sums keep the usual sweep: with one, the loop is fused and records nothing.)
    let vjp = vjp_of(quote! {
        fn f(w: &[f64], x: &[f64]) -> f64 {
            let d = w.len();
            let mut s = 0.0;
            let mut t = 0.0;
            for i in 0..x.len() / d {
                let mut z = 0.0;
                for j in 0..d {
                    z += w[j] * x[i * d + j];
                }
                s += z * z;
                t += z;
            }
            s * t
        }
    });
    // Only `z` (read by `z * z`) is recorded, once per outer trip.
    assert_eq!(loop_records(&vjp), 1, "{vjp}");
}

#[test]
fn a_row_offset_bound_in_the_outer_loop_records_nothing_per_inner_trip() {
    // `base` is a `let` of the outer loop's body: saved once per outer trip, not per inner trip.
    let vjp = vjp_of(quote! {
        fn f(w: &[f64], x: &[f64], n: usize) -> f64 {
            let d = w.len();
            let mut s = 0.0;
            for i in 0..n {
                let base = i * (d + 1);
                for j in 0..d {
                    s += w[j] * x[base + j + 1];
                }
            }
            s
        }
    });
    let inner = vjp.split("'__loop1").nth(1).expect("an inner loop");
    let inner = inner.split("break '__loop1").next().expect("its body");
    assert_eq!(loop_records(inner), 0, "{vjp}");
}

#[test]
fn a_stride_that_changes_is_still_recorded() {
    // `d` is reassigned inside the loop: the index is no longer a function of the trip numbers.
    let vjp = vjp_of(quote! {
        fn f(w: &[f64], x: &[f64]) -> f64 {
            let mut d = 1;
            let mut s = 0.0;
            for i in 0..w.len() {
                s += w[i] * x[i * d];
                d = 2;
            }
            s
        }
    });
    assert!(loop_records(&vjp) >= 1, "{vjp}");
}

#[test]
fn ranges_of_a_parameter_passed_to_a_call_are_sliced_again() {
    // `&p[3 * i..3 * i + 3]` of a parameter is a view whose bounds are rebuilt from the trip
    // numbers: only `tanh`'s value is recorded per trip, not the two views, and the call's value
    // the call's run in the reverse sweep is checked against (`runtime rerun.rs`).
    let vjp = vjp_of(quote! {
        fn f(p: &[f64]) -> f64 {
            let n = p.len() / 3;
            let mut s = 0.0;
            for i in 0..n {
                for j in i + 1..n {
                    s += dot3(&p[3 * i..3 * i + 3], &p[3 * j..3 * j + 3]).tanh();
                }
            }
            s
        }
    });
    let inner = vjp.split("'__loop1").nth(1).expect("an inner loop");
    let inner = inner.split("break '__loop1").next().expect("its body");
    assert_eq!(loop_records(inner), 2, "{vjp}");
    assert_eq!(inner.matches("run_summary").count(), 1, "{vjp}");
    // sliced in the forward sweep, and again in the reverse sweep from the rebuilt bounds
    assert_eq!(
        vjp.matches("ops :: range_view (p , __t").count(),
        2,
        "{vjp}"
    );
    assert_eq!(vjp.matches("ops :: range_view (p , *").count(), 2, "{vjp}");
}

#[test]
fn a_range_whose_start_changes_is_still_recorded() {
    // `a` is reassigned in the loop: its view is recorded per trip (and `a`, the offset its
    // adjoint is added at); only the constant range is sliced again. (`__gv4` is the `sin` of
    // the call's value that `cos`'s pullback reads, kept beside it; `__gv3` the call's value
    // its run in the reverse sweep is checked against.)
    let vjp = vjp_of(quote! {
        fn f(p: &[f64]) -> f64 {
            let mut a = 0;
            let mut s = 0.0;
            for _ in 0..p.len() / 2 {
                s += dot2(&p[a..a + 2], &p[0..2]).cos();
                a += 2;
            }
            s
        }
    });
    assert_eq!(vjp.matches("ops :: range_view (p , *").count(), 1, "{vjp}");
    assert_eq!(
        vjp.matches("ops :: range_view (p , * & (0) , * & (2))")
            .count(),
        1,
        "{vjp}"
    );
    assert_eq!(
        vjp.matches("let __gv5 = :: autodiff :: __private :: own_referent (__t4)")
            .count(),
        1,
        "{vjp}"
    );
}
