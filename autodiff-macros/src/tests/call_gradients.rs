//! Expansion tests of calls whose gradient the forward sweep takes (`reverse/preacc.rs`).

use quote::quote;

use super::expanded_vjp as expanded;

#[test]
fn a_scalar_call_on_a_trips_vec_saves_its_gradient_instead_of_running_again() {
    let vjp = expanded(
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut v = vec![0.0; 3];
                let mut s = 0.0;
                for p in 0..x.len() {
                    for j in 0..3 {
                        v[j] = x[p] * x[j];
                    }
                    s += g(&v, x[p]);
                }
                s
            }
        },
        "f",
    );
    // forward: value and gradient at once; reverse: the gradient scaled, no re-run
    assert!(vjp.contains(":: UnitCotangent"), "{vjp}");
    assert_eq!(vjp.matches(":: acc_put (").count(), 1, "{vjp}");
    assert_eq!(vjp.matches(":: give_scaled (").count(), 1, "{vjp}");
    assert_eq!(vjp.matches(":: give_scaled_one (").count(), 1, "{vjp}");
    // the re-run only where a custom rule ran inside (it may not be linear in `dy`)
    assert_eq!(vjp.matches(":: custom_pullbacks ()").count(), 2, "{vjp}");
    assert!(vjp.contains("if * __rl0 {"), "{vjp}");
    assert_eq!(vjp.matches(":: GivenCotangent").count(), 1, "{vjp}");
}

#[test]
fn products_parameters_and_single_calls_keep_the_re_run() {
    for item in [
        // a product: `0.5 * g(&v)` may scale a matrix
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut v = vec![0.0; 3];
                let mut s = 0.0;
                for p in 0..x.len() {
                    for j in 0..3 {
                        v[j] = x[p] * x[j];
                    }
                    s += 0.5 * g(&v);
                }
                s
            }
        },
        // a parameter's slice: its gradient may be a few elements of a long one
        quote! {
            fn f(x: &[f64], q: &[f64]) -> f64 {
                let mut s = 0.0;
                for p in 0..q.len() {
                    s += g(x, q[p]);
                }
                s
            }
        },
        // outside every loop: re-run once either way
        quote! {
            fn f(x: &[f64]) -> f64 {
                let v = vec![x[0], x[1]];
                let s = 1.0 + g(&v);
                s
            }
        },
    ] {
        let vjp = expanded(item, "f");
        assert!(!vjp.contains("UnitCotangent"), "{vjp}");
        assert!(vjp.contains(":: GivenCotangent"), "{vjp}");
    }
}
