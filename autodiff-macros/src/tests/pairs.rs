//! Expansion tests of calls whose gradient the forward sweep lists as pairs
//! (`reverse/pairs.rs`) and of the hint a callee gives (`expand/pairs_hint.rs`).

use quote::quote;

use super::{expand_fn, expanded_vjp as expanded};

/// The body of the `__NAME_pairs_HASH` hint in the expansion of `item`.
fn hint_body(item: proc_macro2::TokenStream, name: &str) -> String {
    let all = expand_fn(item);
    let hint = crate::naming::pairs_hint(&quote::format_ident!("{}", name)).to_string();
    let start = all.find(&format!("fn {hint}")).expect("a hint item");
    let body = &all[start..];
    let end = body.find("#").unwrap_or(body.len());
    body[..end].to_string()
}

#[test]
fn a_search_with_reads_outside_its_loop_says_listing_pays() {
    let body = hint_body(
        quote! {
            fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
                let n = xs.len();
                let mut lo = 0;
                let mut hi = n - 1;
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2;
                    if xs[mid] <= q { lo = mid; } else { hi = mid; }
                }
                let t = (q - xs[lo]) / (xs[lo + 1] - xs[lo]);
                ys[lo] * (1.0 - t) + ys[lo + 1] * t
            }
        },
        "interp",
    );
    // `xs[mid]` in the condition takes no adjoint: both slices and the float are listable
    assert!(body.contains("{ let _ = live ; true }"), "{body}");
}

#[test]
fn reads_in_a_loop_too_many_reads_and_slices_passed_on_are_not_listed() {
    // w[j] read in the loop: as many pairs as trips
    let body = hint_body(
        quote! {
            fn poly(w: &[f64], x: f64) -> f64 {
                let mut s = 0.0;
                for j in 0..w.len() { s = s * x + w[j]; }
                s
            }
        },
        "poly",
    );
    assert!(
        body.contains("true && ! (live . len () > 0usize && live [0usize])"),
        "{body}"
    );
    assert!(!body.contains("1usize"), "the float is listable: {body}");
    // nine reads outside the loop: past the bound
    let body = hint_body(
        quote! {
            fn nine(ys: &[f64], q: f64) -> f64 {
                let mut k = 0;
                while (k as f64) < q { k += 1; }
                ys[k] + ys[k + 1] + ys[k + 2] + ys[k + 3] + ys[k + 4] + ys[k + 5] + ys[k + 6]
                    + ys[k + 7] + ys[k + 8]
            }
        },
        "nine",
    );
    assert!(body.contains("live [0usize]"), "{body}");
    // passed on whole to another call
    let body = hint_body(
        quote! {
            fn relay(ys: &[f64], q: f64) -> f64 {
                let mut k = 0;
                while (k as f64) < q { k += 1; }
                ys[k] + g(ys, q)
            }
        },
        "relay",
    );
    assert!(body.contains("live [0usize]"), "{body}");
}

#[test]
fn a_helper_without_a_loop_is_run_again() {
    let body = hint_body(
        quote! {
            fn lookup(table: &[f64], k: usize, x: f64) -> f64 {
                table[k] * x + table[k + 1] * x * x
            }
        },
        "lookup",
    );
    assert!(body.contains("{ let _ = live ; false }"), "{body}");
}

#[test]
fn a_call_on_a_parameters_slice_in_a_loop_keeps_both_forms_behind_the_hint() {
    let vjp = expanded(
        quote! {
            fn fit(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
                let mut l = 0.0;
                for i in 0..qs.len() {
                    // (`- 0.5`: the value is known to be a float, the unit cotangent a number)
                    let e = interp(xs, ys, qs[i]) - 0.5;
                    l += e * e;
                }
                l
            }
        },
        "fit",
    );
    let hint = crate::naming::pairs_hint(&quote::format_ident!("interp")).to_string();
    // the hint asked for the arguments this caller differentiates (not `xs`)
    let asked = format!("const {{ {hint} (& [false , true , true]) }}");
    assert_eq!(vjp.matches(&asked).count(), 2, "forward and reverse: {vjp}");
    // listed: the unit cotangent, the slice's pairs, the float's derivative, a record per call
    assert!(vjp.contains(":: PairsSlot (& mut __pt0_0 . 0)"), "{vjp}");
    assert!(vjp.contains(":: UnitCotangent"), "{vjp}");
    assert!(vjp.contains(":: Slot (& mut __pj2)"), "{vjp}");
    assert_eq!(vjp.matches(":: pop_record (").count(), 1, "{vjp}");
    assert_eq!(vjp.matches(":: give_pairs_cells (").count(), 1, "{vjp}");
    // run again where the hint is false or a custom rule ran; and in the fused form, behind
    // `interp`'s fuse hint (`reverse/fused.rs`), at the trip's end
    assert_eq!(vjp.matches(":: GivenCotangent").count(), 2, "{vjp}");
    assert!(
        vjp.contains("} else { interp (xs , ys , __t"),
        "the primal otherwise: {vjp}"
    );
}

#[test]
fn calls_outside_loops_ranges_and_locals_are_not_listed() {
    for item in [
        // outside every loop: run again once either way
        quote! {
            fn f(ys: &[f64], q: f64, #[no_grad] xs: &[f64]) -> f64 {
                interp(xs, ys, q) * 2.0
            }
        },
        // a range of the parameter, not its whole slice
        quote! {
            fn f(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
                let mut l = 0.0;
                for i in 0..qs.len() {
                    l += interp(xs, &ys[1..5], qs[i]);
                }
                l
            }
        },
        // a local `Vec`
        quote! {
            fn f(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
                let zs = ys.to_vec();
                let mut l = 0.0;
                for i in 0..qs.len() {
                    l += interp(xs, &zs, qs[i]);
                }
                l
            }
        },
    ] {
        let vjp = expanded(item, "f");
        assert!(!vjp.contains("PairsSlot"), "{vjp}");
    }
}
