//! Branches outside every loop.

use super::*;

/// The reverse-mode companion of a function (`__NAME_derivative_..`), from its expansion.
fn companion<'a>(all: &'a str, name: &str) -> &'a str {
    let start = all
        .find(&format!("fn __{name}_derivative_"))
        .expect("a companion");
    let end = all[start..]
        .find(&format!("fn __{name}_forward_derivative_"))
        .map_or(all.len(), |e| start + e);
    &all[start..end]
}

#[test]
fn a_branch_on_a_method_of_parameters_is_decided_again() {
    // `r.abs() <= delta` reads two parameters through a method without effects: the reverse
    // sweep evaluates it again, and nothing records the arm.
    let all = expand_fn(quote! {
        fn huber(r: f64, delta: f64) -> f64 {
            if r.abs() <= delta { 0.5 * r * r } else { delta * (r.abs() - 0.5 * delta) }
        }
    });
    let c = companion(&all, "huber");
    assert!(!c.contains("usize = usize :: MAX"), "{c}");
    assert!(!c.contains("__ctl"), "{c}");
    assert_eq!(c.matches("r . abs () <= delta").count(), 2, "{c}");
    // `r.abs() - 0.5 * delta` is rebuilt from the two parameters where `delta * (..)` needs
    // it: the pullback keeps `r` and `delta` and nothing else.
    assert!(!c.contains("let mut __s0"), "{c}");
    assert!(
        c.contains("((* & __keep_r) . abs ()) - ((0.5) * (* & __keep_delta))"),
        "{c}"
    );
}

#[test]
fn a_branch_outside_loops_keeps_its_arm_in_a_local_slot() {
    // The `if` runs at most once: its arm goes into `__s0`, and the function sets up no
    // control tape, so the pullback a caller records per trip of its loop holds a number.
    // (`limit(..)` is a call: the condition is not evaluated again.)
    let all = expand_fn(quote! {
        fn huber(r: f64, delta: f64) -> f64 {
            if r.abs() <= limit(delta) { 0.5 * r * r } else { delta * (r.abs() - 0.5 * delta) }
        }
    });
    let c = companion(&all, "huber");
    assert!(c.contains("let mut __s0 : usize = usize :: MAX ;"), "{c}");
    assert_eq!(c.matches("__s0 = 0usize ;").count(), 1, "{c}");
    assert_eq!(c.matches("__s0 = 1usize ;").count(), 1, "{c}");
    assert!(c.contains("match __s0 {"), "{c}");
    assert!(!c.contains("__ctl"), "{c}");
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
    // `__s0`: how far the body got (the `return` or the end), `__s1`: the arm taken.
    assert!(vjp.contains("__s0 = 1usize ;"), "{vjp}");
    assert!(vjp.contains("let __k2 = __s0 ;"), "{vjp}");
    assert_eq!(vjp.matches("__s1 = 0usize ;").count(), 1, "{vjp}");
    assert!(vjp.contains("match __s1 {"), "{vjp}");
    // the loop outside every loop keeps its count in a slot; the branch in it, on the
    // loop-carried `s`, records `s` for its condition instead of the arm
    assert!(
        vjp.contains("= :: core :: hint :: black_box (__trips0) ;"),
        "{vjp}"
    );
    assert!(!vjp.contains("__ctl"), "{vjp}");
    assert!(
        vjp.contains("let s = :: core :: clone :: Clone :: clone"),
        "{vjp}"
    );
}
