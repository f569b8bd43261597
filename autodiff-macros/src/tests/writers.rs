//! Expansion tests of the loop-scoped record writers (`autodiff-runtime/src/records.rs`).

use quote::quote;

use super::{expand_fn, vjp_item};

/// Pair loops (the inner start saved per outer trip: a method call, which the reverse sweep
/// does not evaluate again) and a `while` loop that records.
fn pairs_vjp() -> String {
    let all = expand_fn(quote! {
        fn pairs(p: &[f64]) -> f64 {
            let n = p.len();
            let mut e = 0.0;
            for i in 0..n {
                for j in (i + 1).min(n)..n {
                    let d = (p[i] - p[j]).sin();
                    e += d * d * e.cos();
                }
            }
            let mut b = e;
            while b.abs() < 10.0 {
                b = b * b + 1.5;
            }
            for _ in 0..n {
                let mut c = b;
                while c.abs() < 20.0 {
                    c = c * c + 0.5;
                }
                b = b + c;
            }
            b
        }
    });
    vjp_item(&all, "pairs")
}

#[test]
fn loops_with_hints_push_through_writers_that_shadow_their_tapes() {
    let vjp = pairs_vjp();
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    let writer = |s: &str| {
        format!("let mut {s} = :: autodiff :: __private :: writer (& mut {s} , __hint) ;")
    };
    // The pair's records go to `__s1` (`__s0` keeps the outer loop's trip count): a writer for
    // the outer loop, and the inner loop's writer nested in it. The inner start goes to `__s3`,
    // pushed once per outer trip: only the outer loop writes it (the inner end, the same on
    // every trip, is kept once in `__s2`). No tape is reserved or pushed outside a writer in
    // the loops.
    assert_eq!(vjp.matches(&writer("__s1")).count(), 2, "{vjp}");
    assert_eq!(vjp.matches(&writer("__s3")).count(), 1, "{vjp}");
    assert!(!vjp.contains(". reserve ("), "{vjp}");
    // Each writer block opens right before its loop and closes right after it: the inner start
    // is saved before the inner block and pushed after it.
    let inner = vjp
        .find(&format!(
            "{{ let __hint = :: core :: iter :: Iterator :: size_hint (& __t2) . 0 ; {}",
            writer("__s1")
        ))
        .expect("the inner writer block");
    let start_saved = vjp
        .find("let __gv5 = :: core :: clone :: Clone :: clone (& __t2 . start)")
        .expect("the inner start");
    let start_pushed = vjp
        .find("Put :: put (& mut __s3 , (__gv5 ,))")
        .expect("its push");
    let inner_end = vjp
        .find("break '__loop1 ; } } } }")
        .expect("the end of the inner block");
    assert!(start_saved < inner && inner_end < start_pushed, "{vjp}");
    // The `while` loop has no size hint: its records go straight into the tape.
    let while_loop = vjp.find("'__loop2 : loop").expect("the while loop");
    let next_loop = while_loop
        + vjp[while_loop..]
            .find("let __hint")
            .expect("the writer block of the loop after it");
    assert!(!vjp[while_loop..next_loop].contains("writer ("), "{vjp}");
}

#[test]
fn record_tapes_start_at_the_length_of_the_last_call() {
    let vjp = pairs_vjp();
    // Every tape a loop pushes into, and the trip-count tape of the `while` loop inside a
    // loop, is made with the length its own static noted at the last call's reverse sweep,
    // and notes its own.
    for (tape, len, ty) in [
        ("__s1", "__AUTODIFF_TAPE_LEN_1", "_"),
        ("__s3", "__AUTODIFF_TAPE_LEN_3", "_"),
        ("__ctl", "__AUTODIFF_TAPE_LEN_CTL", "usize"),
    ] {
        let made = vjp
            .find(&format!("let mut {tape}"))
            .unwrap_or_else(|| panic!("{tape} declared: {vjp}"));
        let stat = vjp
            .find(&format!(
                "static {len} : :: core :: sync :: atomic :: AtomicUsize"
            ))
            .unwrap_or_else(|| panic!("{len}: {vjp}"));
        assert!(stat < made, "{vjp}");
        assert!(
            vjp[made..].starts_with(&format!(
                "let mut {tape} : :: autodiff :: __private :: Tape < {ty} > = :: autodiff :: __private :: tape_sized (& {len})"
            )),
            "{tape}: {}",
            &vjp[made..made + 120]
        );
        let noted = vjp
            .find(&format!(
                ":: autodiff :: __private :: learn_tape_len (& {len} , {tape} . len ())"
            ))
            .unwrap_or_else(|| panic!("{len} noted: {vjp}"));
        let read = vjp
            .find(&format!("let {tape} : & ["))
            .expect("the tape read back as a slice");
        assert!(made < noted && noted < read, "{vjp}");
    }
}

#[test]
fn a_trips_tuple_is_read_from_one_slice_of_the_loops_records() {
    // Every full trip of a `for` loop pushes one tuple (`s` and `x[i]` for `s * x[i]`): the
    // reverse loop reads element `n - 1 - it` of one slice taken before it, with no cursor per
    // trip; in the pair loops the inner loop's tuples are a slice per outer trip.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn f(x: &[f64]) -> f64 {
                let mut s = 1.0;
                for i in 0..x.len() {
                    s = s * x[i] + (s * x[i]).sin();
                }
                let mut e = 0.0;
                for i in 0..x.len() {
                    for j in i + 1..x.len() {
                        e += (x[i] * x[j] * e).cos();
                    }
                }
                s + e
            }
        }),
        "f",
    );
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(vjp.matches(":: records_back (").count(), 2, "{vjp}");
    assert_eq!(vjp.matches(":: back (").count(), 0, "{vjp}");
    assert!(vjp.contains("[__n0 - 1 - __it0]"), "{vjp}");
    // A `while` loop's body (the block after its exit test) likewise.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn w(p: &[f64]) -> f64 {
                let mut x = 1.0;
                let mut step = 1.0;
                while step.abs() > 1e-12 {
                    step = (x * x * x + p[0] * x - p[1]) / (3.0 * x * x + p[0]);
                    x -= step;
                }
                x
            }
        }),
        "w",
    );
    assert_eq!(vjp.matches(":: records_back (").count(), 1, "{vjp}");
    assert_eq!(vjp.matches(":: back (").count(), 0, "{vjp}");
    // A trip that may leave early (`continue`) or pushes in one arm only keeps the cursor.
    let vjp = vjp_item(
        &expand_fn(quote! {
            fn g(x: &[f64]) -> f64 {
                let mut s = 1.0;
                for i in 0..x.len() {
                    if x[i] > 0.5 {
                        continue;
                    }
                    s = s * x[i] + (s * x[i]).sin();
                }
                let mut t = 0.0;
                for i in 0..x.len() {
                    if x[i] > 0.0 {
                        t = (t * x[i]).sin();
                    }
                }
                s + t
            }
        }),
        "g",
    );
    assert_eq!(vjp.matches(":: records_back (").count(), 0, "{vjp}");
    assert!(vjp.matches(":: back (").count() >= 2, "{vjp}");
}
