//! Expansion tests of loops over borrowed elements (`for x in v.iter()`, `for &x in ..`): a
//! dereferenced element is a known float (`reverse/plain.rs`) rebuilt from the parameter in
//! the reverse sweep, not recorded per trip (`reverse/recompute.rs`).

use quote::quote;

use super::{expand_fn, grad_item, puts};

#[test]
fn borrowed_parameter_elements_are_read_again_not_recorded() {
    let cases = [
        // `*x` of the borrowed element
        quote! {
            fn f(x: &[f64], w: f64) -> f64 {
                let mut s = 0.0;
                for xi in x.iter() {
                    let d = *xi - w;
                    s += d * d * *xi;
                }
                s
            }
        },
        // the element bound by value
        quote! {
            fn f(x: &[f64], w: f64) -> f64 {
                let mut s = 0.0;
                for &xi in x.iter() {
                    let d = xi - w;
                    s += d * d * xi;
                }
                s
            }
        },
        // operators on the borrowed elements of two zipped slices
        quote! {
            fn f(x: &[f64], y: &[f64], w: f64) -> f64 {
                let mut s = 0.0;
                for (a, b) in x.iter().zip(y.iter()) {
                    let r = w * a - b;
                    s += r * r;
                }
                s
            }
        },
    ];
    for c in cases {
        let shown = c.to_string();
        let all = expand_fn(c);
        let g = grad_item(&all, "f");
        assert_eq!(puts(g, ""), 0, "recorded per trip: {shown}\n{g}");
    }
}

#[test]
fn dereferenced_elements_have_plain_adjoints() {
    let all = expand_fn(quote! {
        fn f(x: &[f64], w: f64) -> f64 {
            let mut s = 0.0;
            for xi in x.iter() {
                let d = *xi - w;
                s += d * d * xi.sin();
            }
            s
        }
    });
    let g = grad_item(&all, "f");
    // `d` (from `*xi`) and `xi.sin()` take plain float slots, not `Option`s
    assert!(g.contains("let mut __d_d_"), "{g}");
    for line in g.split("let mut __d_").skip(1) {
        let head: String = line.chars().take(80).collect();
        if head.starts_with("d_") || head.contains("sin") {
            assert!(head.contains("Plain"), "{head}");
        }
    }
    let opts = g.matches("= :: core :: option :: Option :: None").count();
    let plains = g.matches("plain :: Plain (- 0.0)").count();
    assert!(plains > opts, "{plains} plain slots, {opts} optional\n{g}");
}
