//! Expansion tests of reads behind a loop's writes (`reverse/frozen.rs`): read again from one
//! copy of the local taken after the loop, not recorded per trip.

use quote::quote;

use super::{expand_fn, loop_records, vjp_item};

/// The `_vjp` item of `f`'s expansion.
fn vjp_of(item: proc_macro2::TokenStream) -> String {
    vjp_item(&expand_fn(item), "f")
}

/// Whether the forward sweep copies `c` after its first loop has ended.
fn copied_after_loop(vjp: &str, c: &str) -> bool {
    let copy = format!("Some (:: core :: clone :: Clone :: clone (& {c}))");
    match (vjp.find("break '__loop0"), vjp.find(&copy)) {
        (Some(brk), Some(at)) => at > brk,
        _ => false,
    }
}

#[test]
fn a_recurrence_in_a_vec_records_nothing_per_trip() {
    // `c[i - 1]` is behind the write `c[i]`: read from the copy after the loop.
    let vjp = vjp_of(quote! {
        fn f(x: &[f64]) -> f64 {
            let n = x.len();
            let mut c = vec![0.0; n];
            c[0] = x[0];
            for i in 1..n {
                c[i] = c[i - 1] * x[i];
            }
            c[n - 1]
        }
    });
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    // `c[n - 1]` after the loop is its last read: `c` itself is kept after it, not a copy.
    assert!(!copied_after_loop(&vjp, "c"), "{vjp}");
    let kept = vjp.find("Some (c) ;").expect("c kept by move");
    assert!(kept > vjp.find("c [__t7]").expect("the last read"), "{vjp}");
    // With a `return` that may leave before the last read, a copy when the loop ends.
    let vjp = vjp_of(quote! {
        fn f(x: &[f64]) -> f64 {
            let n = x.len();
            let mut c = vec![0.0; n];
            c[0] = x[0];
            for i in 1..n {
                c[i] = c[i - 1] * x[i];
            }
            if x[0] > 1e300 {
                return 0.0;
            }
            c[n - 1]
        }
    });
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    assert!(copied_after_loop(&vjp, "c"), "{vjp}");
}

#[test]
fn a_state_vec_written_one_ahead_records_nothing_per_trip() {
    // `h[t]` is behind the write `h[t + 1]`; also through a container loop.
    for item in [
        quote! {
            fn f(w: f64, x: &[f64]) -> f64 {
                let mut h = vec![0.0; x.len() + 1];
                for t in 0..x.len() {
                    h[t + 1] = (w * h[t] + x[t]).tanh();
                }
                h[x.len()]
            }
        },
        quote! {
            fn f(w: f64, x: &[f64]) -> f64 {
                let mut h = vec![0.0; x.len() + 1];
                for (t, xt) in x.iter().enumerate() {
                    h[t + 1] = (w * h[t] + xt).tanh();
                }
                h[x.len()]
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert!(vjp.contains("__frozen"), "{vjp}");
        // `tanh`'s result is recorded (its derivative reads it); `h[t]` is not.
        assert_eq!(loop_records(&vjp), 1, "{vjp}");
    }
}

#[test]
fn reads_not_behind_every_write_are_recorded() {
    let same_cell = vjp_of(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut c = x.to_vec();
            for i in 0..x.len() {
                c[i] = c[i] * c[i] + x[i];
            }
            c[0]
        }
    });
    let written_after = vjp_of(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut c = vec![0.0; x.len()];
            c[0] = x[0];
            for i in 1..x.len() {
                c[i] = c[i - 1] * x[i];
            }
            c[1] = c[1] * 3.0;
            c[1]
        }
    });
    let stepped = vjp_of(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut c = vec![1.0; x.len()];
            for i in (1..x.len()).rev() {
                c[i] = c[i - 1] * x[i];
            }
            c[1]
        }
    });
    for vjp in [same_cell, written_after, stepped] {
        assert!(!vjp.contains("__frozen"), "{vjp}");
        assert!(loop_records(&vjp) >= 1, "{vjp}");
    }
}

#[test]
fn triangular_reads_of_finished_cells_record_nothing_per_inner_trip() {
    // Forward substitution: `x[j]` for `j` in `0..i` was finished by an earlier trip; so were
    // `x[j + 1]` for `j` in `0..i - 1` and `x[j]` for `j` in `0..i + 1` behind a write `x[i + 1]`.
    for (item, records) in [
        (
            quote! {
                fn f(l: &[f64], b: &[f64]) -> f64 {
                    let n = b.len();
                    let mut x = b.to_vec();
                    for i in 0..n {
                        for j in 0..i {
                            x[i] -= l[i * n + j] * x[j];
                        }
                        x[i] /= l[i * n + i];
                    }
                    let mut s = 0.0;
                    for i in 0..n {
                        s += x[i] * x[i];
                    }
                    s
                }
            },
            // the division's dividend (the final loop reads `x` from the copy too)
            1,
        ),
        (
            quote! {
                fn f(l: &[f64], b: &[f64]) -> f64 {
                    let n = b.len();
                    let mut x = b.to_vec();
                    for i in 1..n {
                        for j in 0..i - 1 {
                            x[i] += l[i * n + j] * x[j + 1];
                        }
                    }
                    x[n - 1]
                }
            },
            0,
        ),
        (
            quote! {
                fn f(l: &[f64], b: &[f64]) -> f64 {
                    let n = b.len();
                    let mut x = b.to_vec();
                    for i in 0..n - 1 {
                        let mut a = 0.0;
                        for j in 0..(i + 1) {
                            a += l[i * n + j] * x[j];
                        }
                        x[i + 1] = x[i + 1] + a;
                    }
                    x[n - 1]
                }
            },
            0,
        ),
    ] {
        let vjp = vjp_of(item);
        assert!(vjp.contains("__frozen"), "{vjp}");
        assert_eq!(loop_records(&vjp), records, "{vjp}");
    }
}

#[test]
fn triangular_reads_of_the_cell_being_written_are_recorded() {
    // `j` reaches `i` (`0..i + 1`, or `j + 1` for `j` in `0..i`): the cell the trip writes.
    for item in [
        quote! {
            fn f(l: &[f64], b: &[f64]) -> f64 {
                let n = b.len();
                let mut x = b.to_vec();
                for i in 0..n {
                    for j in 0..i + 1 {
                        x[i] = x[i] * 0.5 + l[i * n + j] * x[j];
                    }
                }
                x[n - 1]
            }
        },
        quote! {
            fn f(l: &[f64], b: &[f64]) -> f64 {
                let n = b.len();
                let mut x = b.to_vec();
                for i in 0..n {
                    for j in 0..i {
                        x[i] += l[i * n + j] * x[j + 1];
                    }
                }
                x[n - 1]
            }
        },
        // `i` shadowed inside the loop: `0..i` is not the loop's `i`
        quote! {
            fn f(l: &[f64], b: &[f64]) -> f64 {
                let n = b.len();
                let mut x = b.to_vec();
                for i in 0..n {
                    let i = n - 1 - i;
                    for j in 0..i {
                        x[n - 1 - i] += l[j] * x[j];
                    }
                }
                x[n - 1]
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert!(!vjp.contains("__frozen"), "{vjp}");
        assert!(loop_records(&vjp) >= 1, "{vjp}");
    }
}
