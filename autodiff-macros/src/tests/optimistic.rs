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
            let mut trips = 0;
            for i in 0..x.len() - 1 {
                let a = x[i + 1] - x[i] * x[i];
                let b = 1.0 - x[i];
                s += 100.0 * a * a + b * b;
                trips += 1;
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
fn straight_line_code_and_method_calls_keep_one_sweep() {
    for (name, f) in [
        (
            "line",
            quote! { fn line(x: &[f64]) -> f64 { x[0] * x[1] + x[1] * x[2] } },
        ),
        (
            "methods",
            quote! {
                fn methods(x: &[f64], m: &Model) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        s += x[i] * m.inner(x[i]);
                    }
                    s
                }
            },
        ),
        (
            "runtime",
            quote! {
                fn runtime(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        s += x[i] * ops::relu(x[i]);
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
fn calls_of_users_functions_hand_their_pullbacks_only_cotangents_free_of_nan() {
    let all = expand_fn(quote! {
        fn calls(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() {
                s += x[i] * inner(x[i]) + m::other::<f64>(x[i]);
            }
            s
        }
    });
    let grad = grad_item(&all, "calls");
    assert!(
        grad.contains("'__careful") && grad.contains("_ieee ("),
        "{grad}"
    );
    // the first sweep tests each cotangent before a pullback's call and is kept only when
    // none was skipped
    let admit = "if :: autodiff :: __private :: rules :: SweepRules :: admit (:: autodiff :: __private :: rules :: Ieee (& __spoiled) ,";
    assert_eq!(grad.matches(admit).count(), 2, "{grad}");
    assert!(grad.contains("let __spoiled = :: core :: cell :: Cell :: new (false) ;"));
    assert!(grad.contains("&& ! __spoiled . get ()"), "{grad}");
    // the careful sweep calls them as written
    let careful = &grad[grad.rfind("break '__careful").expect("the first sweep")..];
    assert!(!careful.contains("admit"), "{careful}");
    assert!(!vjp_item(&all, "calls").contains("admit"));
}

#[test]
fn range_reads_admit_the_first_sweep_and_their_rule_needs_no_test() {
    // `&x[..]` and `&v[..]` add straight into their base's adjoint (`ops::acc_range`, or the
    // adjoint lent to a fused call as cells at the range's offset): no test before them.
    let all = expand_fn(quote! {
        fn ranges(x: &[f64]) -> f64 {
            let mut v = vec![0.0; x.len()];
            for i in 0..x.len() {
                v[i] = x[i] * x[i];
            }
            let mut s = 0.0;
            for i in 0..x.len() / 2 {
                let r = &v[2 * i..2 * i + 2];
                s += r[0] * r[1] + dot(&x[2 * i..2 * i + 2], &x[0..2]);
            }
            s
        }
    });
    let grad = grad_item(&all, "ranges");
    assert!(
        grad.contains("'__careful") && grad.contains("_ieee ("),
        "{grad}"
    );
    let first = &grad[..grad.rfind("break '__careful").expect("the first sweep")];
    assert!(first.contains("ops :: acc_range"), "{first}");
    assert!(first.contains("ops :: range_cells"), "{first}");
    // the fused call of `dot` tests its cotangent (in the companion), the ranges take theirs
    // as they are
    assert!(!first.contains("SweepRules :: admit"), "{first}");
    assert!(first.contains("rules :: Ieee (& __spoiled)"), "{first}");
}

#[test]
fn fused_companions_take_their_callers_products() {
    let all = expand_fn(quote! {
        fn caller(x: &[f64]) -> f64 {
            let mut d = vec![0.0; x.len()];
            for i in 0..x.len() {
                d[i] = x[i] * x[i];
            }
            helper(&d)
        }
    });
    let grad = grad_item(&all, "caller");
    let into = crate::naming::into_companion(&quote::format_ident!("helper")).to_string();
    let calls: Vec<&str> = grad.split(&into).skip(1).collect();
    assert_eq!(calls.len(), 2, "{grad}");
    // the optimistic sweep first, then the careful one
    assert!(
        calls[0].contains("rules :: Ieee (& __spoiled) ,") && !calls[0].contains("rules :: Zero ,"),
        "{grad}"
    );
    assert!(calls[1].contains("rules :: Zero ,"), "{grad}");
    // the companion's own products are the caller's
    let own = crate::naming::into_companion(&quote::format_ident!("caller")).to_string();
    let start = all.find(&format!("fn {own}")).expect("the fused companion");
    let body = &all[start..];
    assert!(body.contains("__rules : impl :: autodiff :: __private :: rules :: SweepRules"));
    assert!(
        body.contains("rules :: SweepRules :: times (__rules ,"),
        "{body}"
    );
    assert!(
        body.contains("cotangent_as (__g)) , __rules ,"),
        "the callee takes them too: {body}"
    );
    assert!(
        body.contains("rules :: SweepRules :: admit (__rules ,"),
        "and makes the same test: {body}"
    );
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
