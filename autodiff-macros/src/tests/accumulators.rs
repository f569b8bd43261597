//! Expansion tests of loop-local sums of adjoints a loop only adds into (`reverse/accumulate.rs`).

use quote::quote;

use super::{expand_fn, vjp_item};

/// The slots whose loop-local sum is added back after a loop (`acc (& mut d , d_trips)`).
fn summed(vjp: &str) -> Vec<String> {
    let mut out: Vec<String> = vjp
        .split("plain :: acc (& mut ")
        .skip(1)
        .filter_map(|rest| {
            let (d, after) = rest.split_once(" , ")?;
            after
                .starts_with(&format!("{d}_trips)"))
                .then(|| d.to_string())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn values_read_but_not_written_are_summed_by_the_loop() {
    // `k` (a parameter) and `c` (a `let` before the loop) are only read in the loop: each gets
    // a loop-local sum, added into its slot after the loop. `s` is written in the loop and `t`
    // is bound in it: neither does.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn f(x: &[f64], k: f64) -> f64 {
                let c = x[0] * 2.0;
                let mut s = 0.0;
                for i in 0..x.len() {
                    let t = k * x[i];
                    s += t * c + s.sin();
                }
                s
            }
        }),
        "f",
    );
    assert_eq!(summed(&vjp), ["__d_c_4", "__d_k_1"], "{vjp}");
}

#[test]
fn a_generic_real_is_summed_from_its_own_empty_slot() {
    // `k: T` with `T: Real` is a float: only read in the loop, it gets a loop-local sum that
    // starts at `T`'s `-0`.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn f<T: Real>(x: &[T], k: T) -> T {
                let mut s = T::zero();
                let mut trips = 0;
                for i in 0..x.len() { s += k * x[i]; trips += 1; }
                s
            }
        }),
        "f",
    );
    assert_eq!(summed(&vjp), ["__d_k_1"], "{vjp}");
    assert!(
        vjp.contains(
            "let mut __d_k_1 = :: autodiff :: __private :: plain :: Plain :: < T > :: empty ()"
        ),
        "{vjp}"
    );
}

#[test]
fn values_written_in_the_loop_are_not() {
    // `k` is rebound in the loop; a loop with no reads of outside values sums nothing.
    let cases = [
        quote! {
            fn f(x: &[f64], k: f64) -> f64 {
                let mut k = k;
                let mut s = 0.0;
                for i in 0..x.len() { s += k * x[i]; k = k * 0.5; }
                s + k
            }
        },
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() { s += x[i] * x[i]; }
                s
            }
        },
    ];
    for case in cases {
        let vjp = vjp_item(&expand_fn(case), "f");
        assert!(summed(&vjp).is_empty(), "{vjp}");
    }
}

#[test]
fn an_inner_loop_sums_and_the_outer_one_adds_once_per_execution() {
    // `w` is read in the inner loop only: the inner loop sums it; the outer loop's body then
    // holds the inner loop's sum and its declaration, so the outer loop does not sum again.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn f(x: &[f64], w: f64) -> f64 {
                let mut s = 0.0;
                let mut trips = 0;
                for i in 0..x.len() {
                    for j in 0..x.len() { s += (w * x[i] - x[j]).tanh(); trips += 1; }
                }
                s
            }
        }),
        "f",
    );
    assert_eq!(summed(&vjp), ["__d_w_1"], "{vjp}");
}
