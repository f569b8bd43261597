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
        // a product whose value is not known to be a float: `0.5 * g(&v)` may scale a matrix
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut v = vec![0.0; 3];
                let mut s = 0.0;
                for p in 0..x.len() {
                    for j in 0..3 {
                        v[j] = x[p] * x[j];
                    }
                    let m = 0.5 * g(&v);
                    s += h(m);
                }
                s
            }
        },
        // a product of the value with itself: a user's type may multiply into a float
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut v = vec![0.0; 3];
                let mut s = 0.0;
                for p in 0..x.len() {
                    for j in 0..3 {
                        v[j] = x[p] * x[j];
                    }
                    let m = g(&v);
                    s += m * m;
                }
                s
            }
        },
        // a parameter's array: its adjoint is an array, not a `Vec` a range can be lent from
        quote! {
            fn f(x: &[f64; 4], q: &[f64]) -> f64 {
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

#[test]
fn scaled_and_method_values_of_calls_are_scalars() {
    for body in [
        // a weight times the value, into a float sum
        quote! { s += c[p] * g(&v); },
        // a float method of the value, into a float sum
        quote! { s += g(&v).tanh(); },
        // a quotient by a float
        quote! { s += g(&v) / 3.0; },
    ] {
        let vjp = expanded(
            quote! {
                fn f(x: &[f64], #[no_grad] c: &[f64]) -> f64 {
                    let mut v = vec![0.0; 3];
                    let mut s = 0.0;
                    for p in 0..x.len() {
                        for j in 0..3 {
                            v[j] = x[p] * x[j];
                        }
                        #body
                    }
                    s
                }
            },
            "f",
        );
        assert!(vjp.contains(":: UnitCotangent"), "{body}: {vjp}");
    }
}

#[test]
fn parameter_slices_are_lent_in_place() {
    // a parameter's whole slice: the callee adds into its adjoint in place, as a range `0..len`
    let vjp = expanded(
        quote! {
            fn f(x: &[f64], q: &[f64]) -> f64 {
                let mut s = 0.0;
                for p in 0..q.len() {
                    s += g(x, q[p]) * q[p];
                }
                s
            }
        },
        "f",
    );
    assert!(vjp.contains(":: range_cells (& mut __d_x_0 ,"), "{vjp}");
    assert!(vjp.contains(":: RangeSlot (__cells0 ,"), "{vjp}");
    assert!(!vjp.contains(":: Slot (& mut __d_x_0)"), "{vjp}");
    // bound again in the body: its adjoint at the call may be the new value's
    let vjp = expanded(
        quote! {
            fn f(mut x: &[f64], q: &[f64]) -> f64 {
                let mut s = 0.0;
                for p in 0..q.len() {
                    s += g(x, q[p]) * q[p];
                    x = &x[1..];
                }
                s
            }
        },
        "f",
    );
    assert!(!vjp.contains(":: range_cells (& mut __d_x_0 ,"), "{vjp}");
}

#[test]
fn a_loops_lent_adjoint_is_made_once_before_its_reverse_sweep() {
    // `x` lent whole to `g` on every trip, and nothing else of the trip names its adjoint: the
    // cells are made once before the reverse loop, grown to `x.len()`, and each trip takes them
    let lent = quote! {
        fn f(x: &[f64], q: &[f64]) -> f64 {
            let mut s = 0.0;
            for p in 0..q.len() {
                s += g(x, q[p]) * q[p];
            }
            s
        }
    };
    let vjp = expanded(lent, "f");
    assert!(
        vjp.contains(
            "let __hc__d_x_0 = :: autodiff :: __private :: ops :: range_cells (& mut __d_x_0 , (x) . len ()) ;"
        ),
        "{vjp}"
    );
    assert!(vjp.contains(":: held_cells (__hc__d_x_0 ,"), "{vjp}");
    assert!(
        !vjp.contains(":: range_cells (& mut __d_x_0 , 0usize"),
        "{vjp}"
    );
    // nested loops: the inner loop's cells, made once per outer trip, come from the outer's
    let nested = quote! {
        fn f(x: &[f64], q: &[f64]) -> f64 {
            let mut s = 0.0;
            for r in 0..3 {
                for p in 0..q.len() {
                    s += g(x, q[p]) * q[r];
                }
            }
            s
        }
    };
    let vjp = expanded(nested, "f");
    assert!(
        vjp.contains(
            "let __hc__d_x_0 = :: autodiff :: __private :: ops :: held_cells (__hc__d_x_0 ,"
        ),
        "{vjp}"
    );
    // a range lent: the range's own add into `dx`, which the trip keeps beside the lend, goes
    // into the same cells
    let range = quote! {
        fn f(x: &[f64], q: &[f64]) -> f64 {
            let mut s = 0.0;
            for p in 0..q.len() {
                s += g(&x[p..p + 2], q[p]) * q[p];
            }
            s
        }
    };
    let vjp = expanded(range, "f");
    assert!(vjp.contains(":: held_cells (__hc__d_x_0 ,"), "{vjp}");
    assert!(vjp.contains(":: acc_range_cells (__hc__d_x_0 ,"), "{vjp}");
    assert!(!vjp.contains(":: acc_range (& mut __d_x_0"), "{vjp}");
    // the trip also reads `x[p]` (its adjoint named by that read's rule), or passes `x` to a
    // method: lent per trip, as before
    for other in [
        quote! {
            fn f(x: &[f64], q: &[f64]) -> f64 {
                let mut s = 0.0;
                for p in 0..q.len() {
                    s += g(x, q[p]) * x[p];
                }
                s
            }
        },
        quote! {
            fn f(x: &[f64], q: &[f64]) -> f64 {
                let mut s = 0.0;
                for p in 0..q.len() {
                    s += g(x, q[p]) * x.iter().sum::<f64>();
                }
                s
            }
        },
    ] {
        let vjp = expanded(other, "f");
        assert!(!vjp.contains("__hc__d_x_0"), "{vjp}");
        assert!(vjp.contains(":: range_cells (& mut __d_x_0 ,"), "{vjp}");
    }
}
