//! Expansion tests of spans (`reverse/spans.rs`): an innermost loop reading `base[c + j]` on
//! every trip indexes one slice of the values, the gradient buffer or the adjoint buffer,
//! taken before its reverse sweep at `c + a`, by the trip number.

use quote::quote;

use super::{expand_fn, vjp_item};

fn vjp_of(item: proc_macro2::TokenStream) -> String {
    vjp_item(&expand_fn(item), "f")
}

#[test]
fn forward_substitution_indexes_four_spans() {
    let vjp = vjp_of(quote! {
        fn f(l: &[f64], b: &[f64]) -> f64 {
            let n = b.len();
            let mut x = vec![0.0; n];
            for i in 0..n {
                let mut s = b[i];
                for j in 0..i {
                    s -= l[i * n + j] * x[j];
                }
                x[i] = s / l[i * n + i];
            }
            x[n - 1] * x[0]
        }
    });
    // l's gradient buffer, x's adjoint buffer, x's frozen copy and l's values, all at the
    // offset the inner loop keeps (`i * n`, `0`), the offset in a closure (not evaluated when
    // the loop makes no trips)
    assert_eq!(
        vjp.matches("GradSpan :: span (& mut __gb0 , ||").count(),
        1,
        "{vjp}"
    );
    assert_eq!(vjp.matches("dense_span (& mut __d_x_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("SpanProbe (__frozen").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("SpanProbe (l)").count(), 1, "{vjp}");
    assert_eq!(
        vjp.matches("GradBuf :: add (& mut __sp").count(),
        1,
        "{vjp}"
    );
    assert_eq!(
        vjp.matches("dense_add_in (& mut * __sp").count(),
        1,
        "{vjp}"
    );
    // the outer loop (with a loop inside) takes none: its adds of `b[i]` and `l[i * n + i]`
    // go to the buffer
    assert_eq!(
        vjp.matches("GradBuf :: add (& mut __gb").count(),
        2,
        "{vjp}"
    );
}

#[test]
fn reads_that_are_not_on_every_trip_or_not_at_one_offset_take_no_span() {
    // behind a branch: the span could run past the end
    let vjp = vjp_of(quote! {
        fn f(p: &[f64]) -> f64 {
            let mut s = 0.0;
            for r in 0..2 {
                for j in 0..6 {
                    if 4 + j < p.len() {
                        s += p[4 + j] * p[4 + j] * p[r];
                    }
                }
            }
            s
        }
    });
    assert!(!vjp.contains("__sp"), "{vjp}");
    // two offsets of one parameter: its adjoint keeps the buffer, so the loop takes no span
    // (all or nothing)
    let vjp = vjp_of(quote! {
        fn f(p: &[f64]) -> f64 {
            let mut s = 0.0;
            for _r in 0..2 {
                for j in 0..p.len() - 1 {
                    let d = p[j + 1] - p[j];
                    s = s * 0.5 + d * d;
                }
            }
            s
        }
    });
    assert!(!vjp.contains("__sp"), "{vjp}");
    // an index the loop variable does not reach by `+` (`n - 1 - j`), and a loop that may
    // leave early
    for item in [
        quote! {
            fn f(p: &[f64]) -> f64 {
                let n = p.len();
                let mut s = 0.0;
                for _r in 0..2 {
                    for j in 0..n {
                        s = s * 0.5 + p[n - 1 - j] * p[j];
                    }
                }
                s
            }
        },
        quote! {
            fn f(p: &[f64]) -> f64 {
                let mut s = 0.0;
                for _r in 0..2 {
                    for j in 0..p.len() {
                        if s > 4.0 {
                            break;
                        }
                        s = s * 0.5 + p[j] * p[j];
                    }
                }
                s
            }
        },
    ] {
        let vjp = vjp_of(item);
        assert!(!vjp.contains("GradSpan"), "{vjp}");
    }
}

#[test]
fn only_loops_inside_loops_take_spans() {
    // the same dot loop, alone and inside a loop over rows: only the second takes spans
    let alone = vjp_of(quote! {
        fn f(a: &[f64], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for j in 0..x.len() {
                s = s * 0.5 + a[j] * x[j];
            }
            s
        }
    });
    assert!(!alone.contains("__sp"), "{alone}");
    let nested = vjp_of(quote! {
        fn f(a: &[f64], x: &[f64]) -> f64 {
            let n = x.len();
            let mut s = 0.0;
            for i in 0..a.len() / n {
                for j in 0..n {
                    s = s * 0.5 + a[i * n + j] * x[j];
                }
            }
            s
        }
    });
    assert_eq!(
        nested.matches("GradSpan :: span (& mut __gb").count(),
        2,
        "{nested}"
    );
}

#[test]
fn an_offset_the_outer_loop_changes_reads_its_record_and_keeps_the_spans() {
    // `base` is assigned in the outer loop only; in the inner loop it is named by the operand
    // checks of `base + j`, which only borrow it, so the inner loop still takes its spans
    let vjp = vjp_of(quote! {
        fn f(p: &[f64], q: &[f64]) -> f64 {
            let mut base = 0;
            let mut s = 0.0;
            for i in 0..4 {
                let mut a = 0.0;
                for j in 0..i {
                    a += p[base + j] * q[j];
                }
                s = s * a.cos() + a.sin();
                base += i;
            }
            s
        }
    });
    assert_eq!(
        vjp.matches("GradSpan :: span (& mut __gb").count(),
        2,
        "{vjp}"
    );
    assert!(vjp.contains("let __spv"), "{vjp}");
}
