//! Expansion tests of the optimistic sweep: `NAME_grad` of loop code first runs its sweep with
//! plain IEEE products (`rules::ieee`, `t_lhs_ieee`) and keeps the result when it is finite;
//! the zero rule's sweep follows it. `NAME_vjp`, straight-line code, calls of other
//! differentiable functions and bodies that must not run twice keep the one careful sweep.

use quote::quote;

use super::{expand_fn, grad_item, vjp_item};

#[test]
fn reverse_loops_run_ieee_products_first_and_the_zero_rule_after() {
    let all = expand_fn(quote! {
        fn rosen(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() - 1 {
                let a = x[i + 1] - x[i] * x[i];
                let b = 1.0 - x[i];
                s += 100.0 * a * a + b * b;
            }
            s
        }
    });
    let grad = grad_item(&all, "rosen");
    let (ieee, zero) = (
        grad.matches("rules :: ieee :: times (").count(),
        grad.matches("rules :: zero :: times (").count(),
    );
    // the same products in both sweeps, the IEEE ones first
    assert!(ieee > 0 && ieee == zero, "{ieee} {zero}: {grad}");
    assert!(grad.find("rules :: ieee").expect("ieee") < grad.find("rules :: zero").expect("zero"));
    assert!(grad.contains("FINITE_TEST") && grad.contains("grad_is_finite (& __g)"));
    // one forward sweep: the control record is written once
    assert_eq!(
        grad.matches("= :: core :: hint :: black_box (__trips0) ;")
            .count(),
        1,
        "{grad}"
    );
    let vjp = vjp_item(&all, "rosen");
    assert!(
        !vjp.contains("ieee") && !vjp.contains("'__careful"),
        "{vjp}"
    );
}

#[test]
fn straight_line_code_and_calls_keep_one_sweep() {
    for (name, f) in [
        (
            "line",
            quote! { fn line(x: &[f64]) -> f64 { x[0] * x[1] + x[1] * x[2] } },
        ),
        (
            "calls",
            quote! {
                fn calls(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        s += x[i] * inner(x[i]);
                    }
                    s
                }
            },
        ),
    ] {
        let all = expand_fn(f);
        let grad = grad_item(&all, name);
        assert!(
            !grad.contains("ieee") && !grad.contains("'__careful"),
            "{name}: {grad}"
        );
    }
}

#[test]
fn tangent_sweeps_run_ieee_products_first_unless_the_body_must_run_once() {
    let newton = |effect: proc_macro2::TokenStream| {
        expand_fn(quote! {
            fn newton(p: f64, c: f64) -> f64 {
                let mut x = 1.0;
                let mut step = 1.0;
                while step.abs() > 1e-12 {
                    #effect
                    let f = x * x * x + p * x - c;
                    step = f / (3.0 * x * x + p);
                    x -= step;
                }
                x
            }
        })
    };
    let all = newton(quote! {});
    let grad = grad_item(&all, "newton");
    assert!(grad.contains("MulRule :: t_lhs_ieee (") && grad.contains("DivRule :: t_rhs_ieee ("));
    assert!(
        grad.contains("__g0 . is_finite () && __g1 . is_finite ()"),
        "{grad}"
    );
    assert!(
        grad.contains("MulRule :: t_lhs ("),
        "the careful sweep follows: {grad}"
    );
    assert!(!vjp_item(&all, "newton").contains("_ieee"));
    let all = newton(quote! { println!("{x}"); });
    let grad = grad_item(&all, "newton");
    assert!(
        !grad.contains("_ieee") && !grad.contains("'__careful"),
        "{grad}"
    );
}
