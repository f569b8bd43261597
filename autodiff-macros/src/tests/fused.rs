//! Expansion tests of accumulation loops whose trips' pullbacks run in the forward sweep
//! (`reverse/fused.rs`), and of the loops that keep the usual sweep.

use quote::quote;

use super::{expand_fn, expanded_vjp as expanded, grad_item, loop_records};

/// Whether the loop of `vjp` took the fused form: the buffers `J`, added as `ds · J`.
fn fused(vjp: &str) -> bool {
    vjp.contains(":: fused_give (") || vjp.contains("let mut __jd")
}

#[test]
fn an_element_loop_with_a_branch_records_nothing() {
    let vjp = expanded(
        quote! {
            fn el(m: &DMatrix<f64>) -> f64 {
                let mut s = 0.0;
                for i in 0..m.nrows() {
                    for j in 0..m.ncols() {
                        let v = m[(i, j)];
                        if v > 0.0 { s += v * v; } else { s -= 0.5 * v; }
                    }
                }
                s
            }
        },
        "el",
    );
    assert!(fused(&vjp), "{vjp}");
    // no trip counts, no records, no control tape; the element adds go into the loop's buffer
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    assert!(!vjp.contains("__ctl") && !vjp.contains("__trips"), "{vjp}");
    // the loop runs with IEEE products, and again with the zero rule's when its buffer is not
    // all finite (a second run is invisible here: the accumulator and iterator are restored)
    assert_eq!(
        vjp.matches("GradBuf :: add (& mut __jb0 , & mut __jd0")
            .count(),
        2,
        "{vjp}"
    );
    let again = vjp.find("fused_finite (& __jd0)").expect("the test");
    assert!(vjp[..again].contains("MulRule :: d_lhs_ieee"), "{vjp}");
    assert!(vjp[again..].contains("MulRule :: d_lhs ("), "{vjp}");
    assert!(vjp[again..].contains("s = __fs2 ; __t1 = __fit ;"), "{vjp}");
    assert_eq!(
        vjp.matches(":: fused_give (& mut __d_m_0").count(),
        1,
        "{vjp}"
    );
}

#[test]
fn the_gradient_of_a_function_whose_loops_are_all_fused_takes_the_loops_buffer() {
    let one = |body: proc_macro2::TokenStream| {
        let all = expand_fn(body);
        let grad = grad_item(&all, "f").to_string();
        let vjp = super::vjp_item(&all, "f");
        (grad, vjp)
    };
    // every loop fused: one careful sweep (no optimistic one, no finite test of the gradient),
    // which moves the loop's adjoint into the gradient; the pullback, which may be called
    // again, borrows it
    let (grad, vjp) = one(quote! {
        fn f(x: &[f64], c: f64) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() {
                let v = x[i] * c;
                if v > 1.0 { s += 2.0 * v - 1.0; } else { s += v * v; }
            }
            s * s
        }
    });
    assert!(
        grad.contains(":: fused_give_owned (& mut __d_x_0 , __ds , __s"),
        "{grad}"
    );
    assert!(
        !grad.contains("'__careful") && !grad.contains("grad_is_finite"),
        "{grad}"
    );
    assert!(!grad.contains(":: fused_give ("), "{grad}");
    assert!(
        vjp.contains(":: fused_give (& mut __d_x_0 , __ds , & __s"),
        "{vjp}"
    );
    assert!(!vjp.contains("fused_give_owned"), "{vjp}");
    // a loop of the usual sweep besides: the optimistic sweep borrows the buffer, the careful
    // one after it moves it
    let (grad, _) = one(quote! {
        fn f(x: &[f64], c: f64) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() {
                let v = x[i] * c;
                if v > 1.0 { s += 2.0 * v - 1.0; } else { s += v * v; }
            }
            let mut p = 1.0;
            for k in 0..x.len() {
                p = p * (x[k] + s);
            }
            p
        }
    });
    let careful = grad.find("'__careful").expect("an optimistic sweep");
    let first = grad
        .find(":: fused_give (& mut __d_x_0")
        .expect("borrowed first");
    let last = grad
        .find(":: fused_give_owned (& mut __d_x_0")
        .expect("moved last");
    assert!(careful < first && first < last, "{grad}");
    // in an arm: the slot may be empty, so the value is taken out of its `Option`
    let (grad, _) = one(quote! {
        fn f(x: &[f64], c: f64) -> f64 {
            let mut s = 0.0;
            if c > 0.0 {
                for i in 0..x.len() {
                    let v = x[i] * c;
                    if v > 1.0 { s += v; } else { s += v * v; }
                }
            }
            s
        }
    });
    assert!(
        grad.contains(
            "fused_give_owned (& mut __d_x_0 , __ds , :: autodiff :: __private :: slot_take (__s"
        ),
        "{grad}"
    );
}

#[test]
fn pair_loops_sum_a_float_parameter_in_the_loops_own_slot() {
    let vjp = expanded(
        quote! {
            fn pairs(p: &[f64], w: f64) -> f64 {
                let n = p.len() / 2;
                let mut total = 0.0;
                for i in 0..n {
                    for j in i + 1..n {
                        let dx = p[2 * i] - p[2 * j];
                        let dy = p[2 * i + 1] - p[2 * j + 1];
                        let r2 = dx * dx + dy * dy;
                        if r2 < 1.0 { total += (-r2 / w).exp(); } else { total += 0.1 / r2; }
                    }
                }
                total
            }
        },
        "pairs",
    );
    assert!(fused(&vjp), "{vjp}");
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    // `w`'s loop slot, added with the reverse sweep's product
    assert!(
        vjp.contains(
            "plain :: acc (& mut __d_w_1 , :: autodiff :: __private :: rules :: zero :: times (__ds"
        ),
        "{vjp}"
    );
    // `exp`'s rule reads its value in place, not from a record
    assert!(!vjp.contains("Put :: put"), "{vjp}");
}

#[test]
fn a_loop_with_a_call_has_both_forms_behind_the_callees_hints() {
    // `huber` may hold a `#[custom_derivative]` rule whose pullback is not linear in its
    // cotangent, and fusing pays only for some callees: each callee's `const fn` hint says,
    // and both forms are written. (`sq`, by value too, and `g` on a whole slice.)
    let vjp = expanded(
        quote! {
            fn fit(theta: &[f64], delta: f64, #[no_grad] x: &[f64]) -> f64 {
                let mut l = 0.0;
                for i in 0..x.len() {
                    let r = theta[0] + theta[1] * x[i];
                    l += huber(r, delta) + sq(r) * g(theta, x[i]);
                }
                l
            }
        },
        "fit",
    );
    let hint = |f: &str| crate::naming::fuse_hint(&quote::format_ident!("{}", f)).to_string();
    let both = format!(
        "if const {{ true && {} () && {} () && {} () }}",
        hint("huber"),
        hint("sq"),
        hint("g")
    );
    assert_eq!(vjp.matches(&both).count(), 2, "forward and reverse: {vjp}");
    assert!(fused(&vjp), "{vjp}");
    // the usual sweep beside it: the trip count and the records
    assert!(vjp.contains("__trips"), "{vjp}");
    assert!(loop_records(&vjp) > 0, "{vjp}");
    // fused: the whole slice's `J` lent as cells, the loop run once with the zero rule's
    // products (a callee may print)
    assert!(vjp.contains("range_cells (& mut __jd0"), "{vjp}");
    assert!(!vjp.contains("fused_finite"), "{vjp}");
}

#[test]
fn calls_outside_the_kind_keep_only_the_usual_sweep() {
    let cases = [
        // a local borrowed by the call
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() { let v = vec![x[i]; 2]; s += h(&v); }
                s
            }
        },
        // a range of a parameter
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() - 1 { s += h(&x[i..i + 2]); }
                s
            }
        },
        // in a trip sum's loop (which runs twice)
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() {
                    let mut y = 0.0;
                    for k in 0..x.len() { y += g(x[k] * x[i]); }
                    s += y * y;
                }
                s
            }
        },
        // a method of the user's
        quote! {
            fn f(x: &[f64], m: &Model) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() { if x[i] > 0.0 { s += m.eval(x[i]); } }
                s
            }
        },
    ];
    for case in cases {
        let vjp = expanded(case.clone(), "f");
        assert!(!fused(&vjp), "{case}: {vjp}");
        assert!(!vjp.contains("_fuse_"), "{case}: {vjp}");
    }
}

#[test]
fn element_adjoints_at_constant_indices_add_into_registers() {
    let vjp = expanded(
        quote! {
            fn fit(theta: &[f64], #[no_grad] x: &[f64]) -> f64 {
                let mut l = 0.0;
                for i in 0..x.len() {
                    let r = theta[0] + theta[1] * x[i] + theta[0] * theta[2];
                    if r > 0.0 { l += r * r; } else { l -= r; }
                }
                l
            }
        },
        "fit",
    );
    assert!(fused(&vjp), "{vjp}");
    // one register per constant index, both reads of theta[0] into the same one, each added
    // into the buffer once after the loop; in both runs (IEEE, then the zero rule's)
    for k in 0..3 {
        let reg =
            format!("let mut __jk0_{k} = :: autodiff :: __private :: plain :: Plain (- 0.0) ;");
        assert_eq!(vjp.matches(&reg).count(), 2, "{k}: {vjp}");
    }
    assert!(!vjp.contains("__jk0_3"), "{vjp}");
    assert_eq!(
        vjp.matches("GradBuf :: add (& mut __jb0 , & mut __jd0 , 0 , __jk0_0 . 0)")
            .count(),
        2,
        "{vjp}"
    );
    // only when some trip read the element (an index no trip read may be out of bounds)
    assert_eq!(
        vjp.matches("plain :: added (& __jk0_0)").count(),
        2,
        "{vjp}"
    );
    // no element read left in the trips' pullbacks
    assert!(
        !vjp.contains("GradBuf :: add (& mut __jb0 , & mut __jd0 , * __r"),
        "{vjp}"
    );
}

#[test]
fn a_trips_own_sum_runs_its_loop_again_in_the_trips_pullback() {
    let vjp = expanded(
        quote! {
            fn corr(w: &[f64], x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() - w.len() + 1 {
                    let mut y = 0.0;
                    for k in 0..w.len() { y += w[k] * x[i + k]; }
                    s += y * y;
                }
                s
            }
        },
        "corr",
    );
    assert!(fused(&vjp), "{vjp}");
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    assert!(!vjp.contains("Put :: put"), "{vjp}");
    // the inner loop's iterator copied before it runs, and the copy run again after `dy`
    // (each of the two runs of the fused loop: IEEE products, then the zero rule's)
    assert_eq!(
        vjp.matches("let __fil1 = :: core :: clone :: Clone :: clone (& __t")
            .count(),
        2
    );
    assert_eq!(vjp.matches("= __fil1 ;").count(), 2, "{vjp}");
    // the second run keeps only the sum's rule, not its assignment
    assert_eq!(vjp.matches("y = y +").count(), 2, "{vjp}");
}

#[test]
fn trip_sums_outside_the_kind_keep_the_usual_sweep() {
    let cases = [
        (
            "a condition on the outer sum inside the inner loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 0.0;
                        for k in 0..w.len() { if w[k] > s { y += w[k] * x[i]; } }
                        s += y * y;
                    }
                    s
                }
            },
        ),
        (
            "the sum read in its own loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 1.0;
                        for k in 0..w.len() { y += y * w[k] * x[i]; }
                        s += y * y;
                    }
                    s
                }
            },
        ),
        (
            "the sum changed after its loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 0.0;
                        for k in 0..w.len() { y += w[k] * x[i]; }
                        y = y * y;
                        s += y;
                    }
                    s
                }
            },
        ),
        (
            "a sum inside another sum's loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 0.0;
                        for k in 0..w.len() {
                            let mut z = 0.0;
                            for j in 0..k { z += w[j] * x[i]; }
                            y += z * z;
                        }
                        s += y.sqrt();
                    }
                    s
                }
            },
        ),
        (
            "a call in the inner loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 0.0;
                        for k in 0..w.len() { y += g(w[k]) * x[i]; }
                        s += y * y;
                    }
                    s
                }
            },
        ),
        (
            "code run as written in the inner loop",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = 0.0;
                        for k in 0..w.len() { println!("{k}"); y += w[k] * x[i]; }
                        s += y * y;
                    }
                    s
                }
            },
        ),
        (
            "a `let mut` with no loop summing into it",
            quote! {
                fn f(w: &[f64], x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let mut y = w[0] * x[i];
                        if y > 0.0 { s += y * y; } else { s -= y; }
                    }
                    s
                }
            },
        ),
    ];
    for (name, case) in cases {
        let vjp = expanded(case, "f");
        assert!(!fused(&vjp), "{name}: {vjp}");
    }
    // a condition on the data is decided again in the second run
    let vjp = expanded(
        quote! {
            fn f(w: &[f64], x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() {
                    let mut y = 0.0;
                    for k in 0..w.len() { if w[k] > 0.0 { y += w[k] * x[i]; } }
                    s += y * y;
                }
                s
            }
        },
        "f",
    );
    assert!(fused(&vjp), "{vjp}");
}

#[test]
fn loops_outside_the_kind_keep_the_usual_sweep() {
    let cases = [
        (
            "no branch (the usual reverse sweep is as cheap)",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() { s += x[i] * x[i]; }
                    s
                }
            },
        ),
        (
            "two sums",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut a = 0.0;
                    let mut b = 0.0;
                    for i in 0..x.len() { a += x[i] * x[i]; b += x[i]; }
                    a * b
                }
            },
        ),
        (
            "the sum read by a term",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() { s += x[i] * s.sin(); }
                    s
                }
            },
        ),
        (
            "a name bound twice",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() { let v = x[i]; let v = v * v; s += v; }
                    s
                }
            },
        ),
        (
            "a counter",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    let mut k = 0;
                    for i in 0..x.len() { s += x[k] * x[i]; k = (k + 1) % x.len(); }
                    s
                }
            },
        ),
        (
            "a loop-invariant local",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let m = x[0] * 2.0;
                    let mut s = 0.0;
                    for i in 0..x.len() { s += (x[i] - m).exp(); }
                    s
                }
            },
        ),
        (
            "a break",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() { if x[i] > 1.0 { break; } s += x[i] * x[i]; }
                    s
                }
            },
        ),
        (
            "a while loop",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    let mut i = 0;
                    while i < x.len() { s += x[i] * x[i]; i += 1; }
                    s
                }
            },
        ),
        (
            "a call taking a reference",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let v = x[i];
                        if v > 0.0 { s += g(&v); } else { s -= v; }
                    }
                    s
                }
            },
        ),
        (
            "a mutable local read by a rule",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() { let mut t = x[i]; t *= 2.0; s += t * t; }
                    s
                }
            },
        ),
        (
            "a write to a container",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    let mut v = vec![0.0; x.len()];
                    for i in 0..x.len() { v[i] = x[i] * 2.0; s += v[i] * x[i]; }
                    s
                }
            },
        ),
        (
            "inside another loop the sum is not the outer loop's",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut y = 1.0;
                    for _ in 0..3 {
                        let mut s = 0.0;
                        for i in 0..x.len() { s += x[i] * y; }
                        y = s * 0.5;
                    }
                    y
                }
            },
        ),
    ];
    for (name, case) in cases {
        let vjp = expanded(case, "f");
        assert!(!fused(&vjp), "{name}: {vjp}");
    }
}

#[test]
fn a_loop_that_must_not_run_twice_takes_the_zero_rule_once() {
    // `println!` in the trip: no second run, so the trips' products are the zero rule's
    let vjp = expanded(
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() {
                    println!("{i}");
                    if x[i] > 0.0 { s += x[i] * x[i]; } else { s -= x[i]; }
                }
                s
            }
        },
        "f",
    );
    assert!(fused(&vjp), "{vjp}");
    assert!(!vjp.contains("fused_finite"), "{vjp}");
    // one element add per arm, once
    assert_eq!(
        vjp.matches("GradBuf :: add (& mut __jb0").count(),
        2,
        "{vjp}"
    );
    assert!(
        !vjp.contains("_ieee") && !vjp.contains("ieee :: times"),
        "{vjp}"
    );
}

#[test]
fn a_value_chosen_by_a_branch_takes_the_code_after_it_into_each_arm() {
    let vjp = expanded(
        quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 0.0;
                for i in 0..x.len() {
                    let v = if x[i] > 0.0 { x[i].exp() } else { x[i] * 0.5 };
                    s += v * v;
                }
                s
            }
        },
        "f",
    );
    assert!(fused(&vjp), "{vjp}");
    assert_eq!(loop_records(&vjp), 0, "{vjp}");
    // the term after the branch is written into both arms, in both runs (IEEE, then zero rule)
    assert_eq!(vjp.matches("s = s +").count(), 4, "{vjp}");
    // in the first arm, the term's pullback runs before the arm's (`v = exp(x) => dx += dv v`)
    let term = vjp.find("s = s +").expect("the term");
    let arm = vjp.find("exp_d0").expect("the arm's rule");
    assert!(term < arm, "{vjp}");
    // more than three chosen values, or a value assigned in a nested block: the usual sweep
    for (name, case) in [
        (
            "four chosen values",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let a = if x[i] > 0.0 { x[i] } else { -x[i] };
                        let b = if a > 0.5 { a * a } else { a };
                        let c = if b > 0.2 { b.sin() } else { b * 2.0 };
                        let d = if c > 0.1 { c * x[i] } else { c };
                        s += a * b + c * d;
                    }
                    s
                }
            },
        ),
        (
            "a value assigned in a nested block",
            quote! {
                fn f(x: &[f64]) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let v;
                        if x[i] > 0.0 {
                            if x[i] > 0.5 { v = x[i] * x[i]; } else { v = x[i].sin(); }
                        } else {
                            v = -x[i];
                        }
                        s += v * x[i];
                    }
                    s
                }
            },
        ),
    ] {
        let vjp = expanded(case, "f");
        assert!(!fused(&vjp), "{name}: {vjp}");
    }
}

#[test]
fn a_fused_loops_whole_slice_is_lent_as_cells_made_once() {
    // `theta` reaches the trip only through the call: its `J` is lent as cells made before the
    // loop, grown to `theta.len()`; read by element as well, it is lent per call (above)
    let vjp = expanded(
        quote! {
            fn fit(theta: &[f64], #[no_grad] x: &[f64]) -> f64 {
                let mut l = 0.0;
                for i in 0..x.len() {
                    l += g(theta, x[i]);
                }
                l
            }
        },
        "fit",
    );
    assert!(fused(&vjp), "{vjp}");
    assert!(
        vjp.contains(
            "let __hc__jd0 = :: autodiff :: __private :: ops :: range_cells (& mut __jd0 , (theta) . len ()) ;"
        ),
        "{vjp}"
    );
    assert!(vjp.contains(":: held_cells (__hc__jd0 ,"), "{vjp}");
    assert!(!vjp.contains("range_cells (& mut __jd0 , 0usize"), "{vjp}");
}
