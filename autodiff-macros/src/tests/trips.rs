//! Expansion tests of trip counts kept once for loops whose every execution makes the same
//! number of trips.

use quote::quote;

use super::{expand_fn, slotted_counts, vjp_item};

/// Trip counts pushed to the control tape (`Put :: put (& mut __ctl , __tripsK)`).
fn pushed_counts(vjp: &str) -> usize {
    vjp.matches("Put :: put (& mut __ctl , __trips").count()
}

/// Trip counts kept in one slot (`__sK = Some (__tripsK)`).
fn kept_counts(vjp: &str) -> usize {
    vjp.matches(":: core :: option :: Option :: Some (__trips")
        .count()
}

#[test]
fn inner_loops_with_fixed_bounds_keep_one_count() {
    // `0..k` (a `let` outside every loop), `0..d` (a parameter), `0..x.len()` (a slice
    // parameter's length), `0..M` (a constant), `x.iter()`, `(0..d).rev()` and
    // `(0..k * d).step_by(2)`: the same count on every execution, kept once. `a + 1..k`
    // changes with `a` but its end is fixed: counted in the reverse sweep from its saved start
    // and the end, kept once. `step_by(a + 1)` changes with `a`: pushed once per execution. The
    // outer loop runs once per call: its count is pushed once, as before.
    let all = expand_fn(quote! {
        fn f(x: &[f64], d: usize) -> f64 {
            const M: usize = 2;
            let k = x.len() / d;
            let mut s = 0.0;
            for a in 0..k {
                for b in 0..d { s += x[a * d + b] * s.sin(); }
                for j in 0..x.len() { s += x[j] * s.cos(); }
                for _ in 0..M { s = s * x[a]; }
                for &xi in x.iter() { s += xi * s; }
                for j in a + 1..k { s += x[j] * s.cos(); }
                for j in (0..d).rev() { s += x[j] * s.sin(); }
                for j in (0..k * d).step_by(2) { s += x[j] * s.cos(); }
                for j in (0..k).step_by(a + 1) { s += x[j] * s.sin(); }
            }
            s
        }
    });
    let vjp = vjp_item(&all, "f");
    assert_eq!(kept_counts(&vjp), 6, "{vjp}");
    // `for j in a + 1..k` (a start that changes) pushes; the outer loop runs once per call
    // and keeps its count in a slot of its own.
    assert_eq!(pushed_counts(&vjp), 1, "{vjp}");
    assert_eq!(slotted_counts(&vjp), 1, "{vjp}");
    assert_eq!(vjp.matches("range_trips (").count(), 1, "{vjp}");
}

#[test]
fn counts_that_may_change_are_pushed() {
    // A bound bound inside the outer loop, a `mut` bound, a `mut` parameter, an early `break`
    // and a statement macro that may bind the bound's name: every inner count is pushed.
    let cases = [
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() { let m = i + 1; for j in 0..m { s += x[j] * s.sin(); } }
                s
            }
        },
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut m = 1;
                let mut s = 0.0;
                for i in 0..x.len() { for j in 0..m { s += x[j] * s.sin(); } m += i; }
                s
            }
        },
        quote! {
            fn f(x: &[f64], #[no_grad] mut m: usize) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() { for j in 0..m { s += x[j] * s.sin(); } m = i; }
                s
            }
        },
        quote! {
            fn f(x: &[f64]) -> f64 {
                let n = x.len();
                let mut s = 0.0;
                for i in 0..n {
                    for j in 0..n { if j > i { break; } s += x[j] * s.sin(); }
                }
                s
            }
        },
        quote! {
            fn f(x: &[f64]) -> f64 {
                let n = 2;
                let mut s = 0.0;
                for i in 0..3 { bind!(n, i); for j in 0..n { s += x[j] * s.sin(); } }
                s
            }
        },
        // Uppercase names bound by a `for` pattern or a `match` arm are not constants.
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for N in 1..3 { for j in 0..N { s += x[j] * s.sin(); } }
                s
            }
        },
        quote! {
            fn f(x: &[f64], ks: &[usize]) -> f64 {
                let mut s = 0.0;
                for k in 0..ks.len() {
                    match ks[k] { K => { for j in 0..K { s += x[j] * s.sin(); } } }
                }
                s
            }
        },
    ];
    for case in cases {
        let vjp = vjp_item(&expand_fn(case), "f");
        // The outer loop's count (in its slot) and the inner loop's (at each of its exits, or
        // computed again from its bounds in the reverse sweep: `0..N` with `N` the outer loop's
        // variable).
        assert_eq!(slotted_counts(&vjp), 1, "{vjp}");
        assert!(
            pushed_counts(&vjp) >= 1 || vjp.contains("range_trips ("),
            "{vjp}"
        );
        assert_eq!(kept_counts(&vjp), 0, "{vjp}");
    }
}

#[test]
fn a_helper_with_one_loop_records_no_count_and_no_cast() {
    // The loop runs once per call: its count is a local slot and the pullback needs no
    // control tape. `k as f64` is cast again from the index: the one record per trip is the
    // old `t`.
    let all = expand_fn(quote! {
        fn expm1_terms(x: f64, _w: &[f64]) -> f64 {
            let mut t = 1.0;
            let mut s = 0.0;
            for k in 1..16 {
                t = t * x / k as f64;
                s += t;
            }
            s
        }
    });
    // (`_w` keeps the companion in reverse mode; over numbers alone it takes tangents)
    let vjp = super::reverse_item(&all, "expm1_terms");
    assert_eq!(slotted_counts(&vjp), 1, "{vjp}");
    assert!(!vjp.contains("__ctl"), "{vjp}");
    assert!(vjp.contains("Put :: put (& mut __s1 , (__gv1 ,))"), "{vjp}");
    assert!(vjp.contains("as f64)"), "{vjp}");
}
