//! Expansion tests of the gradient by tangent sweeps (loop code over few scalar inputs).

use quote::quote;

use super::{expand_fn, grad_item, reverse_item, vjp_item};

#[test]
fn loops_over_few_scalar_inputs_take_the_gradient_by_tangents() {
    // Two scalar inputs and a loop: `_grad` and `_vjp` run one forward sweep with a tangent per
    // input and record nothing; `b * x[t]` depends on `b` only, so direction 0 (`a`) has no
    // tangent for it.
    let all = expand_fn(quote! {
        fn filt(a: f64, b: f64, #[no_grad] x: &[f64]) -> f64 {
            let mut y = 0.0;
            let mut s = 0.0;
            for t in 0..x.len() {
                y = a * y + b * x[t];
                s += y * y;
            }
            s
        }
    });
    let vjp = vjp_item(&all, "filt");
    let grad = grad_item(&all, "filt");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{grad}");
    }
    for item in [grad, vjp.as_str()] {
        assert!(
            !item.contains("tape ()") && !item.contains("Put :: put ("),
            "{item}"
        );
        assert!(item.contains("__dot_a_0_d0 : f64 = 1.0"), "{item}");
        assert!(item.contains("__dot_b_1_d1 : f64 = 1.0"), "{item}");
        assert!(
            !item.contains("__dot_b_1_d0") && !item.contains("__dot_a_0_d1"),
            "{item}"
        );
        // `b * x[t]` has a tangent in direction 1 only.
        assert!(
            item.contains("MulRule :: t_lhs (:: core :: clone :: Clone :: clone (& __dot_b_1_d1)"),
            "{item}"
        );
    }
    // The companion callers use takes the same tangents: it records nothing, and its pullback
    // scales each tangent of the output by the cotangent. With floats and a body that may run
    // twice, an IEEE sweep runs first and the zero rule's sweep only when a tangent is not
    // finite.
    let comp = reverse_item(&all, "filt");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{comp}");
    }
    assert!(
        !comp.contains("tape") && !comp.contains("Put :: put ("),
        "{comp}"
    );
    assert!(
        comp.contains("Some (:: autodiff :: __private :: rules :: times (__cot , __g0))")
            && comp.contains("Some (:: autodiff :: __private :: rules :: times (__cot , __g1))"),
        "{comp}"
    );
    assert!(
        comp.contains("t_lhs_ieee") && comp.contains("is_finite ()"),
        "{comp}"
    );
    // A type parameter bounded by `Real` is a scalar too.
    let all = expand_fn(quote! {
        fn gen<T: Real>(a: T, #[no_grad] n: usize) -> T {
            let mut y = a;
            for _ in 0..n { y = y * a; }
            y
        }
    });
    let vjp = vjp_item(&all, "gen");
    assert!(
        vjp.contains("__dot_a_0_d0 : T = < T as :: autodiff :: __private :: Real > :: one ()"),
        "{vjp}"
    );
    assert!(!vjp.contains("Put :: put ("), "{vjp}");
    // Two inputs and a varying call: the callee's forward companion once per direction, an
    // owned argument cloned for the first.
    let all = expand_fn(quote! {
        fn two_call(a: f64, b: f64) -> f64 {
            let mut s = 0.0;
            for k in 0..3 { let v = vec![a, b * k as f64]; s += total(v); }
            s
        }
    });
    let vjp = vjp_item(&all, "two_call");
    assert!(vjp.contains("_d0 : f64 = 1.0"), "{vjp}");
    // Its companion takes tangents too, with the zero rule only: the callee's forward companion
    // may be a custom rule, which may turn a NaN into a number, so no IEEE sweep runs first.
    let comp = reverse_item(&all, "two_call");
    assert!(
        comp.contains("times (__cot , __g0)") && !comp.contains("t_lhs_ieee"),
        "{comp}"
    );
    assert_eq!(vjp.matches("total_forward_derivative").count(), 2, "{vjp}");
    assert_eq!(
        vjp.matches(":: core :: clone :: Clone :: clone (& v)")
            .count(),
        1,
        "{vjp}"
    );
    // Near misses keep reverse mode: five scalar inputs, a slice input, no loop, three inputs
    // and a varying call.
    for (f, name) in [
        (
            quote! { fn five(a: f64, b: f64, c: f64, d: f64, e: f64) -> f64 {
            let mut s = 0.0; for i in 0..3 { s += a * b * c * d * e * i as f64; } s } },
            "five",
        ),
        (
            quote! { fn sl(a: f64, w: &[f64]) -> f64 {
            let mut s = 0.0; for i in 0..w.len() { s += a * w[i]; } s } },
            "sl",
        ),
        (
            quote! { fn line(a: f64, b: f64) -> f64 { (a * b).sin() + a } },
            "line",
        ),
        // floats of two widths: a tangent has the output's type
        (
            quote! { fn mixed(x: f32, a: f64) -> f64 {
            let mut s = 0.0; for k in 0..3 { s += (x as f64) * a * k as f64; } s } },
            "mixed",
        ),
        (
            quote! { fn three(a: f64, b: f64, c: f64) -> f64 {
            let mut s = 0.0; for _ in 0..3 { s += g(a, b) * c; } s } },
            "three",
        ),
    ] {
        let all = expand_fn(f);
        let vjp = vjp_item(&all, name);
        assert!(
            !vjp.contains("_d0 : f64 = 1.0") && !vjp.contains("_d1 : f64 = 1.0"),
            "{vjp}"
        );
        let comp = reverse_item(&all, name);
        assert!(!comp.contains("times (__cot , __g0)"), "{comp}");
    }
}
