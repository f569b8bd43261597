//! Branches outside every loop and calls of helpers taking numbers.

use super::*;

/// The fused companion of a function (`__NAME_into_..`), from its expansion.
fn into_item<'a>(all: &'a str, name: &str) -> &'a str {
    let start = all
        .find(&format!("fn __{name}_into_"))
        .expect("an into companion");
    let end = all[start..]
        .find(&format!("fn __{name}_forward_derivative_"))
        .map_or(all.len(), |e| start + e);
    &all[start..end]
}

#[test]
fn a_branch_outside_loops_keeps_its_arm_in_a_local_slot() {
    // The `if` runs at most once: its arm goes into `__s0`, and the function sets up no
    // control tape (a helper with a branch, called per trip of a caller's loop, paid for one
    // per call).
    let all = expand_fn(quote! {
        fn huber(r: f64, delta: f64) -> f64 {
            if r.abs() <= delta { 0.5 * r * r } else { delta * (r.abs() - 0.5 * delta) }
        }
    });
    let into = into_item(&all, "huber");
    assert!(
        into.contains("let mut __s0 : usize = usize :: MAX ;"),
        "{into}"
    );
    assert_eq!(into.matches("__s0 = 0usize ;").count(), 1, "{into}");
    assert_eq!(into.matches("__s0 = 1usize ;").count(), 1, "{into}");
    assert!(into.contains("match __s0 {"), "{into}");
    assert!(!into.contains("__ctl"), "{into}");
}

#[test]
fn a_jump_out_of_a_branch_outside_loops_records_the_arm_in_its_slot() {
    // `return` from the first arm: the jump writes the slot; a branch inside the loop keeps
    // the control tape.
    let all = expand_fn(quote! {
        fn f(p: &[f64], n: usize) -> f64 {
            let x = p[0];
            if x < 0.0 {
                return x * x;
            }
            let mut s = x * p[1];
            for _ in 0..n {
                if s > 1.0 { s = s.sqrt(); } else { s = s * 2.0 + x; }
            }
            s
        }
    });
    let vjp = vjp_item(&all, "f");
    assert_eq!(vjp.matches("__s0 = 0usize ;").count(), 1, "{vjp}");
    assert!(vjp.contains("match __s0 {"), "{vjp}");
    assert!(vjp.contains("Put :: put (& mut __ctl , 0usize)"), "{vjp}");
}

#[test]
fn a_call_taking_numbers_goes_to_the_fused_companion_unless_an_argument_repeats() {
    let all = expand_fn(quote! {
        fn fit(p: &[f64], x: &[f64]) -> f64 {
            let mut l = 0.0;
            for i in 0..x.len() {
                let r = p[0] * x[i] - p[1];
                l += huber(r, p[2]) + huber(r, r);
            }
            l
        }
    });
    let vjp = vjp_item(&all, "fit");
    assert_eq!(vjp.matches("huber_into_").count(), 1, "{vjp}");
    // `huber(r, r)`: one adjoint cannot be lent twice, so that call keeps its pullback
    assert_eq!(vjp.matches("huber_derivative_").count(), 1, "{vjp}");
}
