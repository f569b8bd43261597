//! Expansion tests of local `Vec`s with dense adjoint buffers and of repeated element reads.

use quote::quote;

use super::{expand_fn, loop_records, vjp_item};

/// The heat stencil with a fresh `Vec` per step (`benches/common_loops/heat.rs`).
fn heat_fresh_vjp() -> String {
    let all = expand_fn(quote! {
        fn heat(u0: &[f64], k: f64) -> f64 {
            let n = u0.len();
            let mut u = u0.to_vec();
            for _ in 0..50 {
                let mut next = vec![0.0; n];
                for i in 0..n {
                    let left = if i > 0 { u[i - 1] } else { 0.0 };
                    let right = if i + 1 < n { u[i + 1] } else { 0.0 };
                    next[i] = u[i] + k * (left - 2.0 * u[i] + right);
                }
                u = next;
            }
            let mut s = 0.0;
            for i in 0..n {
                s += u[i] * u[i];
            }
            s
        }
    });
    vjp_item(&all, "heat")
}

#[test]
fn local_vecs_get_dense_reused_adjoints() {
    // `u` and `next` are only indexed, written by index and moved whole: their adjoints are
    // plain buffers declared once (no per-trip `Option` slot for `next`), element reads add
    // with a bounds check (no `add_at`, no `Option` test), writes take out (no `take_at`), no
    // index shape is recorded, `u = next` swaps the buffers and `vec![0.0; n]` clears `next`'s
    // without freeing it.
    let vjp = heat_fresh_vjp();
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    for gone in [
        "add_at",
        "take_at",
        "index_shape",
        "let mut __d_next_6 = :: core :: option",
    ] {
        assert!(!vjp.contains(gone), "no `{gone}`: {vjp}");
    }
    assert_eq!(vjp.matches("dense_adj (& __wd").count(), 2, "{vjp}");
    // `u[i - 1]`, `u[i]` (read twice, the second a copy of the first) and `u[i + 1]` in the
    // stencil; the loss's `u[i] * u[i]` is one read. Neither loop makes `u` whole, so its buffer
    // is fitted to `u`'s length before each loop's reverse sweep and the reads add without a
    // growth path: the stencil's three into its window's registers (`reverse/window.rs`), the
    // loss's one into the buffer.
    assert!(vjp.contains("let __t8 = __t7 ;"), "{vjp}");
    assert_eq!(vjp.matches("window_add (& mut __w4_").count(), 3, "{vjp}");
    assert_eq!(
        vjp.matches("dense_add_in (& mut __d_u_4").count(),
        1,
        "{vjp}"
    );
    assert_eq!(vjp.matches("dense_fit (& mut __d_u_4").count(), 2, "{vjp}");
    assert_eq!(vjp.matches("dense_add (").count(), 0, "{vjp}");
    assert!(vjp.contains("dense_take (& mut __d_next_6"), "{vjp}");
    assert!(
        vjp.contains("dense_move (& mut __d_next_6 , & mut __d_u_4)"),
        "{vjp}"
    );
    assert!(vjp.contains("dense_clear (& mut __d_next_6)"), "{vjp}");
    assert!(
        vjp.contains("dense_into (& mut __d_u0_0 , & mut __d_u_4)"),
        "{vjp}"
    );
    // Per cell only `k`'s other factor is recorded (the inner range's start is the literal `0`,
    // kept once); per time step `u`'s length, which the buffer is fitted to. The loss loop's
    // `u[i] * u[i]` (one read serving both operands) is read again from the final `u`, which
    // nothing changes or names after the loss loop: kept as it is, not copied.
    assert_eq!(loop_records(&vjp), 2, "{vjp}");
    assert!(vjp.contains("let __gv2 = u . len () ;"), "{vjp}");
    assert_eq!(
        vjp.matches("Some (:: core :: clone :: Clone :: clone (& u))")
            .count(),
        0,
        "{vjp}"
    );
    assert_eq!(vjp.matches("Some (u) ;").count(), 1, "{vjp}");
}

#[test]
fn swapped_local_vecs_swap_their_buffers() {
    let all = expand_fn(quote! {
        fn heat_swap(u0: &[f64], k: f64) -> f64 {
            let n = u0.len();
            let mut u = u0.to_vec();
            let mut next = vec![0.0; n];
            for _ in 0..50 {
                for i in 1..n {
                    next[i] = u[i] + k * (u[i - 1] - u[i]);
                }
                std::mem::swap(&mut u, &mut next);
            }
            u[n - 1]
        }
    });
    let vjp = vjp_item(&all, "heat_swap");
    assert!(!vjp.contains("add_at") && !vjp.contains("take_at"), "{vjp}");
    // `mem::swap` is `t = u; u = next; next = t`: three whole moves, each a buffer swap when
    // its destination's adjoint is zero.
    assert_eq!(vjp.matches("dense_move").count(), 3, "{vjp}");
}

#[test]
fn a_pushed_local_vec_is_dense_and_a_truncated_one_keeps_the_general_path() {
    // `p` only grows (`push`): a dense buffer, its push taking element `len`'s adjoint and the
    // loop after it (which pushes nothing) reading through a fitted buffer. `r` is truncated: its
    // adjoint stays an `Option<Vec>` with `add_at`.
    let all = expand_fn(quote! {
        fn pushed(x: &[f64]) -> f64 {
            let mut p = Vec::with_capacity(x.len());
            for i in 0..x.len() { p.push(x[i] * x[i]); }
            let mut q = vec![0.0; x.len()];
            for i in 0..x.len() { q[i] = p[i] + x[i]; }
            let mut r = Vec::new();
            r.push(q[0]);
            r.push(q[1]);
            r.truncate(1);
            q[0] * q[1] + r[0]
        }
    });
    let vjp = vjp_item(&all, "pushed");
    assert!(vjp.contains("dense_take (& mut __d_p_"), "{vjp}");
    assert!(vjp.contains("dense_add_in (& mut __d_p_"), "{vjp}");
    assert!(vjp.contains("dense_take (& mut __d_q_"), "{vjp}");
    assert!(
        vjp.contains("ShapeAdjoint :: add_at (__shape , & mut __d_r_"),
        "{vjp}"
    );
    assert_eq!(vjp.matches("dense_adj (& __wd").count(), 2, "{vjp}");
}

#[test]
fn a_clone_of_a_vec_parameter_is_dense() {
    // `x.clone()` of a `&Vec<f64>` is a `Vec` updated in place: dense, its adjoint added into
    // `x`'s slot where it was made. A clone of a parameter of any other type keeps the general
    // path (its clone need not be a `Vec`).
    let all = expand_fn(quote! {
        fn scan(x: &Vec<f64>, m: &M) -> f64 {
            let mut u = x.clone();
            for i in 1..u.len() { u[i] = u[i] + u[i - 1] * u[i]; }
            let w = m.clone();
            u[2] + w[1]
        }
    });
    let vjp = vjp_item(&all, "scan");
    assert!(
        vjp.contains("dense_into (& mut __d_x_0 , & mut __d_u_"),
        "{vjp}"
    );
    // The recurrence's write takes its element from the loop's window (`tests/windows.rs`).
    assert!(vjp.contains("window_take (& mut __d_u_"), "{vjp}");
    assert!(
        vjp.contains("ShapeAdjoint :: add_at (__shape , & mut __d_w_"),
        "{vjp}"
    );
}

#[test]
fn repeated_element_reads_reuse_the_first_across_read_only_checks() {
    // `u[i]` twice in one statement of the wave stencil, with operand shape checks (read-only
    // code) between the two reads: the second is a copy of the first, and the reverse sweep adds
    // into `u`'s window three times per cell (`u[i - 1]`, `u[i]`, `u[i + 1]`), not four. A macro
    // between two reads of a table may write it: the second read stays a read.
    let all = expand_fn(quote! {
        fn wave(u0: &[f64], c: f64) -> f64 {
            let n = u0.len();
            let mut prev = u0.to_vec();
            let mut u = u0.to_vec();
            for _ in 0..5 {
                let mut next = vec![0.0; n];
                for i in 0..n {
                    let left = if i > 0 { u[i - 1] } else { 0.0 };
                    let right = if i + 1 < n { u[i + 1] } else { 0.0 };
                    next[i] = 2.0 * u[i] - prev[i] + c * (left - 2.0 * u[i] + right);
                }
                prev = u;
                u = next;
            }
            u[0]
        }
    });
    let vjp = vjp_item(&all, "wave");
    assert!(vjp.contains("check_same"), "{vjp}");
    assert!(vjp.contains("let __t11 = __t7 ;"), "{vjp}");
    assert_eq!(vjp.matches("window_add (& mut __w").count(), 3, "{vjp}");
    assert!(!vjp.contains("dense_add_in (& mut __d_u_"), "{vjp}");
    let all = expand_fn(quote! {
        fn pick(x: &[f64]) -> f64 {
            let mut order = vec![0usize, 1, 2];
            let p = order[0];
            rotate!(order);
            let q = order[0];
            x[p] * x[q]
        }
    });
    let vjp = vjp_item(&all, "pick");
    assert_eq!(vjp.matches("order [(0)]").count(), 2, "{vjp}");
}

#[test]
fn a_loop_fits_only_buffers_its_reads_add_into() {
    // The first loop has reverse work (`x[i] * x[i]`) but reads `u` only into an integer (no
    // adjoint flows back into `u`'s buffer): no length is saved for it. The second loop's reads carry derivatives: `u`'s length is
    // saved once before it and its buffer fitted.
    let all = expand_fn(quote! {
        fn f(x: &[f64]) -> f64 {
            let mut u = x.to_vec();
            u[0] = u[0] * u[1];
            let mut m = 0usize;
            let mut s = 0.0;
            for i in 0..u.len() {
                let w = u[i];
                m += w as usize;
                s += x[i] * x[i];
            }
            for i in 0..u.len() {
                s += u[i] * u[i];
            }
            s + m as f64
        }
    });
    let vjp = vjp_item(&all, "f");
    assert_eq!(vjp.matches("u . len ()").count(), 3, "{vjp}");
    assert_eq!(vjp.matches("dense_fit (& mut __d_u_").count(), 1, "{vjp}");
}

#[test]
fn a_local_passed_by_shared_borrow_to_a_function_stays_dense() {
    // `lse(&main)` per point: the callee's fused companion adds into `main`'s buffer
    // (`DenseSlot`, lent to the callee), and its element writes take from the buffer (no shape records). A
    // method call on it or a by-value argument keeps the general path.
    let all = expand_fn(quote! {
        fn per_point(a: &[f64], x: &[f64]) -> f64 {
            let k = a.len();
            let mut main = vec![0.0; k];
            let mut s = 0.0;
            for p in 0..x.len() {
                for j in 0..k {
                    main[j] = a[j] * x[p];
                }
                s += lse(&main) + helper(&main, x[p]);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "per_point");
    // each call's slot twice: the saved gradient scaled, or the call run again where a custom
    // rule ran inside it (`reverse/preacc.rs`)
    assert_eq!(
        vjp.matches("DenseSlot (& mut __d_main_").count(),
        4,
        "{vjp}"
    );
    assert!(vjp.contains("dense_take (& mut __d_main_"), "{vjp}");
    assert!(!vjp.contains("index_shape (& main"), "{vjp}");
    for call in [quote! { main.lse() }, quote! { lse(main.clone()) }] {
        let all = expand_fn(quote! {
            fn kept(a: &[f64]) -> f64 {
                let mut main = vec![0.0; a.len()];
                for j in 0..a.len() {
                    main[j] = a[j] * 2.0;
                }
                #call
            }
        });
        let vjp = vjp_item(&all, "kept");
        assert!(!vjp.contains("dense_add_slot"), "{call}: {vjp}");
        assert!(!vjp.contains("DenseSlot"), "{call}: {vjp}");
        assert!(!vjp.contains("dense_take"), "{call}: {vjp}");
    }
}

#[test]
fn range_reads_add_at_their_offset_and_borrow_parameters() {
    // `&p[a..b]` of a parameter is borrowed (`range_view`, no copy) and its adjoint is added
    // into `p`'s at its offset (`acc_range`): no pullback closure of `range_of` is kept per read.
    // The reverse sweep slices `p` again from the rebuilt bounds (no record of the view). A
    // range of a local `Vec` is still copied (the local may be written later) and recorded,
    // with the same direct adjoint.
    let all = expand_fn(quote! {
        fn pairs(p: &[f64]) -> f64 {
            let mut v = p.to_vec();
            let mut s = 0.0;
            for i in 0..p.len() - 3 {
                s += dot3(&p[i..i + 3], &v[i + 1..i + 4]);
                v[i] = s;
            }
            s
        }
    });
    let vjp = vjp_item(&all, "pairs");
    assert_eq!(
        vjp.matches("ops :: range_view (p , i ,").count(),
        1,
        "{vjp}"
    );
    assert_eq!(
        vjp.matches("ops :: range_view (p , * & :: autodiff :: __private :: affine_index")
            .count(),
        1,
        "{vjp}"
    );
    assert_eq!(vjp.matches("ops :: range_of (& v ,").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("own_referent (__t8)").count(), 1, "{vjp}");
    // `p`'s adjoint is lent to the calls as cells made once before the loop, so its range's
    // add goes into those cells (`reverse/lent_cells.rs`); the local `v`'s into `dv`
    assert_eq!(
        vjp.matches("ops :: acc_range_cells (__hc__d_p_").count(),
        1,
        "{vjp}"
    );
    assert!(!vjp.contains("ops :: acc_range (& mut __d_p_"), "{vjp}");
    assert_eq!(
        vjp.matches("ops :: acc_range (& mut __d_v_").count(),
        1,
        "{vjp}"
    );
    assert!(!vjp.contains("__range_of_derivative"), "{vjp}");
}

#[test]
fn ranges_read_only_by_a_re_run_call_lend_a_window_or_a_scratch_buffer() {
    // `dot3(&p[..], r)` re-run in the reverse sweep: a range read by nothing else is lent its
    // base's adjoint as a window (`RangeSlot` over `range_cells`: the callee adds straight into
    // `dp` at the range's offset). A range also read elsewhere (`r`) keeps the general slot.
    let all = expand_fn(quote! {
        fn pairs(p: &[f64]) -> f64 {
            let r = &p[1..4];
            let mut s = r[0];
            for i in 0..p.len() / 3 {
                s += dot3(&p[3 * i..3 * i + 3], r);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "pairs");
    assert_eq!(vjp.matches("range_cells (& mut __d_p_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("RangeSlot (__cells").count(), 1, "{vjp}");
    assert!(!vjp.contains("ScratchSlot"), "{vjp}");
    assert!(!vjp.contains("acc_range_drain"), "{vjp}");
    assert_eq!(vjp.matches(":: Slot (& mut __d_p_").count(), 0, "{vjp}");
    assert_eq!(vjp.matches(":: Slot (& mut __d_r_").count(), 1, "{vjp}");
    // two ranges of one base in one call are lent the same cells, grown once to cover both;
    // ranges of another base get their own
    let all = expand_fn(quote! {
        fn pairs(p: &[f64], q: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..p.len() / 3 {
                s += dot3(&p[3 * i..3 * i + 3], &p[0..3]) * dot3(&q[i..i + 3], &p[3..6]);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "pairs");
    // (made once before the loop, `reverse/lent_cells.rs`: both calls take them as they are)
    assert_eq!(vjp.matches("range_cells (& mut __d_p_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("held_cells (__hc__d_p_").count(), 2, "{vjp}");
    assert_eq!(vjp.matches("range_cells (& mut __d_q_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("held_cells (__hc__d_q_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("RangeSlot (__cells").count(), 4, "{vjp}");
    assert!(!vjp.contains("ScratchSlot"), "{vjp}");
    assert!(!vjp.contains("acc_range_drain"), "{vjp}");
    // a parameter's whole slice passed beside its range: lent the same cells, as `0..len`
    let all = expand_fn(quote! {
        fn with_param(p: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..2 {
                s += dot3(&p[i..i + 3], p);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "with_param");
    assert_eq!(vjp.matches("range_cells (& mut __d_p_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("RangeSlot (__cells").count(), 2, "{vjp}");
    assert!(!vjp.contains("ScratchSlot"), "{vjp}");
    // a local passed whole beside its range: its slot borrows `dv`, so the range cannot be
    // lent it at the same time and takes a scratch buffer made once before the sweep
    // (`ScratchSlot`), added at its offset after the call (`acc_range_drain`, which zeros it
    // again)
    let all = expand_fn(quote! {
        fn with_base(p: &[f64]) -> f64 {
            let v = p.to_vec();
            let mut s = 0.0;
            for i in 0..2 {
                s += dot3(&v[i..i + 3], &v);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "with_base");
    assert!(!vjp.contains("RangeSlot"), "{vjp}");
    assert_eq!(vjp.matches("ScratchSlot (& mut __scr").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("let mut __scr").count(), 1, "{vjp}");
    assert_eq!(
        vjp.matches("ops :: acc_range_drain (& mut __d_v_").count(),
        1,
        "{vjp}"
    );
}

#[test]
fn nested_reads_add_in_place_into_the_outer_buffer() {
    // `w[i][j]` and `let r = &w[i]; r[j]` of a `&[Vec<f64>]` parameter: `dw[i][j] += dy` in
    // place in `w`'s gradient buffer (`add_with` .. `add_into`), no adjoint of the row per read;
    // a row at an index variable that is assigned keeps the general path.
    let all = expand_fn(quote! {
        fn f(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                let r = &w[i];
                for j in 0..x.len() {
                    s += w[i][j] * x[j] + r[j] * r[0];
                }
            }
            let mut k = 0;
            let q = &w[k];
            k = 1;
            s + q[0] * w[k][1]
        }
    });
    let vjp = vjp_item(&all, "f");
    // (the inner loop reads row `i` only: it holds the row, see `tests/rows.rs`)
    assert_eq!(vjp.matches("RowAdd :: row_add").count(), 3, "{vjp}");
    assert_eq!(vjp.matches("GradBuf :: add_with").count(), 0, "{vjp}");
    // `q[0]` and `w[k][1]` (rows at an index `k` that is assigned) keep the general path
    assert_eq!(vjp.matches("ShapeAdjoint :: add_at").count(), 2, "{vjp}");
}

#[test]
fn elements_of_parameter_rows_are_read_again_not_recorded() {
    // A dense layer over rows `w: &[Vec<f64>]`: the product's rule reads `w[i][j]` again in
    // the parameter in the reverse sweep; only `z` (read by `tanh`) is recorded, per row.
    let all = expand_fn(quote! {
        fn f(w: &[Vec<f64>], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..w.len() {
                let mut z = 0.0;
                let r = &w[i];
                for j in 0..x.len() {
                    z += w[i][j] * x[j] + r[j] * r[0];
                }
                s += z.tanh();
            }
            s
        }
    });
    let vjp = vjp_item(&all, "f");
    assert_eq!(loop_records(&vjp), 1, "{vjp}");
}

#[test]
fn local_grids_of_rows_get_dense_buffers_of_rows() {
    // A `Vec<Vec<f64>>` grid read and written only at `u[i][j]` (one access at `At2(i, j)`) and
    // moved whole: a dense buffer of row adjoints like a flat local's (no `Option` slot, no
    // `add_at`/`take_at`, no index shape recorded); a grid whose rows are also borrowed keeps
    // the general path.
    let all = expand_fn(quote! {
        fn grid(u0: &[Vec<f64>], k: f64) -> f64 {
            let n = u0.len();
            let m = u0[0].len();
            let mut u = u0.to_vec();
            for _ in 0..20 {
                let mut next = vec![vec![0.0; m]; n];
                for i in 1..n {
                    for j in 1..m {
                        next[i][j] = u[i][j] + k * (u[i - 1][j] + u[i][j - 1] - 2.0 * u[i][j]);
                    }
                }
                u = next;
            }
            u[1][1] * u[n - 1][m - 1]
        }
    });
    let vjp = vjp_item(&all, "grid");
    for gone in ["add_at", "take_at", "index_shape"] {
        assert!(!vjp.contains(gone), "no `{gone}`: {vjp}");
    }
    assert_eq!(vjp.matches("dense_adj (& __wd").count(), 2, "{vjp}");
    assert!(vjp.contains("dense_take (& mut __d_next_"), "{vjp}");
    assert!(vjp.contains("dense_add_in (& mut __d_u_"), "{vjp}");
    assert!(vjp.contains("dense_add (& mut __d_u_"), "{vjp}");

    let all = expand_fn(quote! {
        fn borrowed(x: &[f64]) -> f64 {
            let mut g = vec![vec![0.0; 2]; 2];
            for j in 0..2 {
                g[1][j] = x[j] * x[j];
            }
            let r = &g[1];
            r[0] * g[1][1]
        }
    });
    let vjp = vjp_item(&all, "borrowed");
    assert!(!vjp.contains("dense_adj"), "{vjp}");
    assert!(vjp.contains("take_at"), "{vjp}");
}

#[test]
fn a_row_element_read_twice_is_read_once() {
    // `u[i][j] + k * (.. - 4.0 * u[i][j])`: the second read is a copy of the first (compared by
    // its `(i, j)`, though each read builds its own `At2`), so the reverse sweep adds one
    // adjoint into the element; after `j` changes, the read is a read again.
    let all = expand_fn(quote! {
        fn g(u0: &[Vec<f64>], k: f64) -> f64 {
            let mut u = u0.to_vec();
            let mut s = 0.0;
            for i in 1..u.len() {
                let mut j = 1;
                let a = u[i][j] + k * (u[i - 1][j] - 4.0 * u[i][j]);
                s += a * a;
                j += 1;
                let b = u[i][j];
                u[i][0] = b;
                let c = u[i][j];
                s += b * c;
            }
            s
        }
    });
    let vjp = vjp_item(&all, "g");
    let reads = vjp.matches("= u [__t").count();
    // `u[i][j]` once, `u[i - 1][j]`, `u[i][j]` after `j += 1` (before and after the write)
    assert_eq!(reads, 4, "{vjp}");
}

#[test]
fn a_dense_local_lent_per_trip_is_saved_as_elements_on_a_tape() {
    // `t` is rewritten every trip and lent to `lse`, which the reverse sweep runs again (its
    // value is scaled, so not known to be a scalar): its elements go to one tape (`flat_put`),
    // read back through a scratch `Vec` (`flat_get`), with no clone per trip.
    let all = expand_fn(quote! {
        fn per_point(p: &[f64], xs: &[f64]) -> f64 {
            let mut t = vec![0.0; p.len()];
            let mut s = 0.0;
            for i in 0..xs.len() {
                for j in 0..p.len() { t[j] = p[j] * xs[i]; }
                s += xs[i] * lse(&t);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "per_point");
    assert!(vjp.contains("flat_put (& mut __fv"), "{vjp}");
    assert!(vjp.contains("flat_get (__fv"), "{vjp}");
    assert!(!vjp.contains("Clone :: clone (& t)"), "{vjp}");
    assert!(
        vjp.contains("let mut __fs1 = :: std :: vec :: Vec :: new ()"),
        "{vjp}"
    );
}
