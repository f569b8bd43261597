//! Expansion tests: what the generated code records, checked on its tokens.

use quote::quote;

use crate::args::Args;
use crate::expand;

fn expand_fn(item: proc_macro2::TokenStream) -> String {
    let f: syn::ItemFn = syn::parse2(item).expect("a function");
    expand::differentiable(Args::default(), f)
        .expect("expands")
        .to_string()
}

/// The `_vjp` item of an expansion.
fn vjp_item(all: &str, name: &str) -> String {
    let start = all.find(&format!("fn {name}_vjp")).expect("a vjp item");
    let end = all[start..]
        .find(&format!("fn {name}_jvp"))
        .map(|e| start + e)
        .unwrap_or(all.len());
    all[start..end].to_string()
}

/// The `_vjp` item of `item`'s expansion, printed when `AUTODIFF_SHOW_EXPANSION` is set.
fn expanded_vjp(item: proc_macro2::TokenStream, name: &str) -> String {
    let vjp = vjp_item(&expand_fn(item), name);
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    vjp
}

/// The `_grad` item of an expansion.
fn grad_item<'a>(all: &'a str, name: &str) -> &'a str {
    let start = all.find(&format!("fn {name}_grad")).expect("a grad item");
    let end = all.find(&format!("fn {name}_vjp")).expect("a vjp item");
    &all[start..end]
}

/// Trip counts of loops outside every loop, kept in their slots through a barrier
/// (`__sK = :: core :: hint :: black_box (__tripsL) ;`).
fn slotted_counts(code: &str) -> usize {
    let pieces: Vec<&str> = code
        .split(" = :: core :: hint :: black_box (__trips")
        .collect();
    pieces[..pieces.len() - 1]
        .iter()
        .filter(|before| {
            let last = before.rsplit(' ').next().unwrap_or(before);
            last.strip_prefix("__s")
                .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
        })
        .count()
}

/// Appends to any tape (`Put :: put (& mut TAPE , ARG`) whose argument starts with `arg`.
fn puts(code: &str, arg: &str) -> usize {
    code.split("Put :: put (& mut ")
        .skip(1)
        .filter(|rest| {
            rest.split_once(" , ")
                .is_some_and(|(_, a)| a.starts_with(arg))
        })
        .count()
}

/// The records of values in loops: pushed alone, or bound for the one tuple a trip pushes.
fn loop_records(vjp: &str) -> usize {
    puts(vjp, ":: core :: clone :: Clone :: clone") + vjp.matches("let __gv").count()
}

/// The records of `x`'s value in loops.
fn loop_records_of(vjp: &str, x: &str) -> usize {
    let v = format!(":: core :: clone :: Clone :: clone (& {x})");
    let bound = vjp
        .split("let __gv")
        .skip(1)
        .filter(|rest| {
            rest.split_once(" ;")
                .is_some_and(|(binding, _)| binding.ends_with(&format!("= {v}")))
        })
        .count();
    puts(vjp, &format!("{v})")) + bound
}

#[test]
fn loop_scaling_records_only_the_trip_count() {
    // y = b * 2 needs no old b: the loop pushes its trip count and nothing else.
    let all = expand_fn(quote! {
        fn f(a: f64, _w: &[f64]) -> f64 {
            let mut b = a * 2.0;
            while b.abs() < 1000.0 { b = b * 2.0; }
            if b > 0.0 { b } else { 100.0 * b }
        }
    });
    let vjp = reverse_item(&all, "f");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(loop_records(&vjp), 0, "no value is saved: {vjp}");
    // A loop outside every loop runs once per call: its count goes into a local slot, and
    // nothing else needs a control tape.
    assert_eq!(slotted_counts(&vjp), 1, "one trip count: {vjp}");
    assert!(!vjp.contains("__ctl"), "{vjp}");
}

#[test]
fn loop_squaring_saves_the_old_value() {
    // y = b * b reads the old b in reverse: it is pushed once per trip.
    let all = expand_fn(quote! {
        fn g(a: f64, _w: &[f64]) -> f64 {
            let mut b = a;
            for _ in 0..3 { b = b * b; }
            b
        }
    });
    let vjp = reverse_item(&all, "g");
    assert_eq!(loop_records_of(&vjp, "b"), 1, "{vjp}");
}

#[test]
fn straight_line_code_has_no_tape() {
    let all = expand_fn(quote! {
        fn h(x: f64, y: f64) -> f64 { let z = x * y; z.sin() + x }
    });
    let vjp = vjp_item(&all, "h");
    assert!(!vjp.contains("__ctl"), "no control tape: {vjp}");
    assert!(!vjp.contains("tape ()"), "no loop slots: {vjp}");
    assert!(
        !vjp.contains("black_box"),
        "no barrier without loops: {vjp}"
    );
}

#[test]
fn loop_records_go_through_put_and_the_value_leaves_through_a_barrier() {
    // Horner: `y` is carried by the loop and pushed each trip. A push whose slow path may
    // unwind, or `__ret` live across the reverse sweep's calls, keeps `y` in memory in the loop.
    let all = expand_fn(quote! {
        fn horner(c: &[f64], x: f64) -> f64 {
            let mut y = 0.0;
            for i in 0..c.len() { y = y * x + c[i]; }
            y
        }
    });
    let vjp = vjp_item(&all, "horner");
    assert_eq!(puts(&vjp, ""), 1, "the old `y`: {vjp}");
    assert_eq!(slotted_counts(&vjp), 1, "the trip count: {vjp}");
    assert!(
        !vjp.contains(". push ("),
        "no record goes through `push`: {vjp}"
    );
    assert_eq!(
        vjp.matches("black_box (__ret)").count(),
        1,
        "the forward sweep's value leaves through one barrier: {vjp}"
    );
}

#[test]
fn inactive_integer_work_gets_no_adjoint() {
    let all = expand_fn(quote! {
        fn k(x: &[f64], n: usize) -> f64 {
            let mut s = 0.0;
            let mut i = 0;
            while i < n { s += x[i]; i += 1; }
            s
        }
    });
    let vjp = vjp_item(&all, "k");
    assert!(
        !vjp.contains("__d_i_"),
        "the integer counter has no adjoint: {vjp}"
    );
    // The slice's element gradients go to a buffer made once before the reverse sweep (dense
    // for a slice: `+=` on an element, no `Option` or length check per read) and added into its
    // adjoint slot after the sweep.
    assert!(
        vjp.contains("GradBuf :: add (& mut __gb0 , & mut __d_x_0"),
        "the slice gets its element gradients in its buffer: {vjp}"
    );
    assert!(!vjp.contains("add_at"), "no add_at in the loop: {vjp}");
    assert_eq!(vjp.matches("Probe (x)) . grad_buf ()").count(), 1, "{vjp}");
    assert!(
        vjp.contains("Flush :: flush (__gb0 , & mut __d_x_0)"),
        "{vjp}"
    );
}

#[test]
fn rosenbrock_saves_no_value_per_trip() {
    // Nothing is saved per trip: `a = x[i + 1] - x[i] * x[i]` is a small expression over
    // elements of the never-written parameter, recomputed in the reverse sweep. The loop index is affine in the trip number (`0 + k` on
    // trip `k`): the reverse sweep recomputes it from the range start, saved once before the
    // loop. `x[i]`, `x[i + 1]`, `b = 1 - x[i]` and `100 * a` are recomputed from those and the
    // borrowed parameter. The loop is left only by its exit test: its one control record is the
    // trip count, and its body appears once in the reverse sweep.
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
    let vjp = vjp_item(&all, "rosen");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(loop_records(&vjp), 0, "nothing is recorded per trip: {vjp}");
    assert!(
        vjp.contains(
            "- :: core :: clone :: Clone :: clone (& (:: core :: clone :: Clone :: clone (& (x)"
        ),
        "`a` is recomputed from x's elements: {vjp}"
    );
    assert!(
        !vjp.contains("clone (& i)"),
        "the index is not recorded: {vjp}"
    );
    assert!(
        vjp.contains(
            "= :: core :: option :: Option :: Some (:: core :: clone :: Clone :: clone (& __t1 . start))"
        ),
        "the range start is saved once: {vjp}"
    );
    assert!(vjp.contains("affine_index"), "{vjp}");
    assert_eq!(slotted_counts(&vjp), 1, "{vjp}");
    assert!(!vjp.contains("__ctl"), "{vjp}");
    // `b * b` and `x[i] * x[i]` (one element read serving both operands): both partials
    // read the one value; `100 * a * a` reads the recomputed `a` once.
    assert_eq!(
        vjp.matches("rules :: zero :: times (__g , * __r1)").count(),
        5,
        "{vjp}"
    );
}

#[test]
fn loop_temporaries_get_per_trip_adjoint_slots() {
    // The adjoint slots of `let`s inside a loop body are declared at the start of the body's
    // reverse sweep, so each trip starts from empty slots the compiler can see through; the
    // loop-carried `s` keeps one slot for the whole sweep.
    let all = expand_fn(quote! {
        fn h(x: &[f64]) -> f64 {
            let mut s = 0.0;
            let mut trips = 0;
            for i in 0..x.len() { let t = x[i] * 2.0; s += t * t; trips += 1; }
            s
        }
    });
    let vjp = vjp_item(&all, "h");
    let body = &vjp[vjp
        .find("for __it0 in 1 ..")
        .expect("a counted reverse loop")..];
    assert!(
        body.contains("let mut __d_t_"),
        "the temporary's slot is declared per trip: {vjp}"
    );
    assert!(
        !body.contains("let mut __d_s_"),
        "the accumulator's slot is not: {vjp}"
    );
}

#[test]
fn by_value_parameters_are_kept_only_when_read() {
    // `idx` is only read by the forward sweep (`idx.len()`): no copy of it is made. `w` is
    // differentiated and taken by value: its gradient's shape comes from a copy kept before the
    // forward sweep.
    let all = expand_fn(quote! {
        fn f(w: Vec<f64>, idx: Vec<usize>) -> f64 {
            w[0] * w[1] + idx.len() as f64
        }
    });
    let vjp = vjp_item(&all, "f");
    assert!(!vjp.contains("__keep_idx"), "{vjp}");
    assert!(vjp.contains("let __keep_w"), "{vjp}");
}

#[test]
fn companion_names_carry_a_hash_of_the_name() {
    // The same values as `scripts/companion_names.py plain f`, which the runtime's hand-written
    // companions are named with.
    let id = |s: &str| proc_macro2::Ident::new(s, proc_macro2::Span::call_site());
    assert_eq!(
        crate::naming::vjp_companion(&id("plain")).to_string(),
        "__plain_derivative_620cccd04ee6da1a217b2637a750f417"
    );
    assert_eq!(
        crate::naming::jvp_companion(&id("f")).to_string(),
        "__f_forward_derivative_a38440bbf4ee3e06458a8110273c4ce3"
    );
    // Raw identifiers are named without `r#`.
    assert_eq!(
        crate::naming::vjp_companion(&proc_macro2::Ident::new_raw(
            "plain",
            proc_macro2::Span::call_site()
        ))
        .to_string(),
        "__plain_derivative_620cccd04ee6da1a217b2637a750f417"
    );
}

#[test]
fn second_order_calls_runtime_companions_under_first_order_names() {
    use crate::ir::Callee;
    let id = |s: &str| proc_macro2::Ident::new(s, proc_macro2::Span::call_site());
    let path = |s: &str| Callee::Path(syn::parse_str(s).expect("a path"));
    assert!(crate::naming::is_runtime_builtin(&Callee::Method(id(
        "transpose"
    ))));
    assert!(crate::naming::is_runtime_builtin(&path("ops::relu")));
    assert!(crate::naming::is_runtime_builtin(&path(
        "autodiff::ops::log_softmax"
    )));
    assert!(crate::naming::is_runtime_builtin(&path(
        "DMatrix::from_row_slice"
    )));
    assert!(!crate::naming::is_runtime_builtin(&Callee::Method(id(
        "energy"
    ))));
    assert!(!crate::naming::is_runtime_builtin(&path("relu")));
    assert!(!crate::naming::is_runtime_builtin(&path(
        "Model::from_row_slice"
    )));
    // Inside the second-order scheme a built-in keeps its hashed first-order companion.
    let name = crate::naming::with_order2(|| {
        crate::naming::without_order2(|| crate::naming::vjp_companion(&id("transpose")))
    });
    assert!(
        name.to_string().starts_with("__transpose_derivative_"),
        "{name}"
    );
    let user = crate::naming::with_order2(|| crate::naming::vjp_companion(&id("energy")));
    assert_eq!(user.to_string(), "__differentiable_order2_energy");
}

#[test]
fn fixed_point_records_no_branch_or_statement_index() {
    // `for _ in 0..20` is left only by its exit test: the forward sweep pushes the trip count
    // once (no arm or statement index on the last trip) and the reverse sweep runs the body
    // once per recorded trip, with no first-trip special case. The old `x` is still pushed once
    // per read (twice per trip).
    let all = expand_fn(quote! {
        fn fp(p: f64, _w: &[f64]) -> f64 {
            let mut x = 1.0;
            for _ in 0..20 { x = x.cos() + p * x; }
            x
        }
    });
    let vjp = reverse_item(&all, "fp");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(slotted_counts(&vjp), 1, "{vjp}");
    assert!(!vjp.contains("__ctl"), "{vjp}");
    assert_eq!(
        vjp.matches("cos_d0").count(),
        1,
        "the body appears once: {vjp}"
    );
    assert!(vjp.contains("for __it0 in 1 .. __n0"), "{vjp}");
}

#[test]
fn matrix_element_loop_keeps_no_index_tuple_and_no_option_per_read() {
    // `m[(i, j)]` in nested range loops: the index tuple is rebuilt from the two trip numbers
    // in the reverse sweep (nothing is recorded for it), and the element gradient is added into
    // the matrix's buffer made once before the sweep.
    let all = expand_fn(quote! {
        fn el(m: &DMatrix<f64>) -> f64 {
            let mut s = 0.0;
            let mut trips = 0;
            for i in 0..m.nrows() {
                for j in 0..m.ncols() {
                    let v = m[(i, j)];
                    if v > 0.0 { s += v * v; } else { s -= 0.5 * v; }
                    trips += 1;
                }
            }
            s
        }
    });
    let vjp = vjp_item(&all, "el");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    // Nothing is recorded per trip: the inner range's start is the literal `0`, kept in one
    // slot that every outer trip overwrites with the same value.
    assert_eq!(loop_records(&vjp), 0, "no index tuple is recorded: {vjp}");
    assert_eq!(loop_records_of(&vjp, "__t2 . start"), 0, "{vjp}");
    assert!(
        vjp.contains("= :: core :: option :: Option :: Some (:: core :: clone :: Clone :: clone (& __t2 . start))"),
        "{vjp}"
    );
    assert_eq!(vjp.matches("GradBuf :: add").count(), 1, "{vjp}");
    assert!(!vjp.contains("add_at"), "{vjp}");
}

/// The vjp companion item of an expansion (up to the jvp companion).
fn companion_vjp_item(all: &str, name: &str) -> String {
    let head = crate::naming::vjp_companion(&proc_macro2::Ident::new(
        name,
        proc_macro2::Span::call_site(),
    ))
    .to_string();
    let start = all.find(&format!("fn {head}")).expect("a companion vjp");
    all[start..].to_string()
}

/// The companion other differentiable functions call, up to the forward companion: for most
/// functions the reverse sweep.
///
/// A function whose differentiated parameters are at most four numbers and whose body has a loop
/// gives callers a companion by tangent sweeps (`tests/tangent.rs`); the reverse-mode tests
/// below give such functions an unused slice parameter `_w` to keep the reverse companion.
fn reverse_item(all: &str, name: &str) -> String {
    let c = companion_vjp_item(all, name);
    let end = c[1..].find("fn __").map(|e| e + 1).unwrap_or(c.len());
    c[..end].to_string()
}

#[test]
fn a_same_named_method_on_a_field_is_not_recursion() {
    // `self.dense.forward(x)` inside `forward` calls another type's method: the companion
    // pullback is an `impl Fn`, not boxed.
    let all = expand_fn(quote! {
        fn forward(&self, x: f64) -> f64 { self.dense.forward(x).tanh() + Dense::forward(&self.dense, x) }
    });
    let c = companion_vjp_item(&all, "forward");
    assert!(!c.contains("Box < dyn"), "boxed without recursion: {c}");
    assert!(c.contains("impl :: core :: ops :: Fn"), "{c}");
}

#[test]
fn calls_that_name_the_function_itself_are_recursion() {
    // The bare name, `Self::f` and `self.f` on the receiver (also `(*self).f`) are recursive:
    // the companion pullback is boxed so its type is finite.
    for body in [
        quote! { fn f(x: f64, n: u32) -> f64 { if n == 0 { x } else { f(x * x, n - 1) } } },
        quote! { fn f(&self, x: f64, n: u32) -> f64 { if n == 0 { x } else { Self::f(self, x, n - 1) } } },
        quote! { fn f(&self, x: f64, n: u32) -> f64 { if n == 0 { x } else { self.f(x, n - 1) } } },
        quote! { fn f(&self, x: f64, n: u32) -> f64 { if n == 0 { x } else { (*self).f(x, n - 1) } } },
    ] {
        let all = expand_fn(body.clone());
        let c = companion_vjp_item(&all, "f");
        assert!(c.contains("Box < dyn"), "not boxed: {body}");
    }
}

#[test]
fn branches_on_indices_and_saved_values_record_no_arm() {
    // `if i > 0` reads a loop index (recomputed from the trip number) and `n` (saved once at its
    // definition); `if v > 0.0` reads a parameter element: the reverse sweep evaluates each
    // condition again, so no arm is recorded. `if s > 1.0` reads a loop-carried value: `s` is
    // recorded for it (one number per trip either way) and the condition evaluated again too.
    let all = expand_fn(quote! {
        fn st(x: &[f64], k: f64) -> f64 {
            let n = x.len();
            let mut s = 0.0;
            for i in 0..n {
                let left = if i > 0 { x[i - 1] } else { 0.0 };
                let right = if i + 1 < n { x[i + 1] } else { 0.0 };
                let v = x[i];
                if v > 0.0 { s += k * (left + right) * v; } else { s -= v * v; }
                if s > 1.0 { s = s * 0.5; } else { s = s * k; }
            }
            s
        }
    });
    let vjp = vjp_item(&all, "st");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert!(!vjp.contains("__ctl"), "no arm is recorded: {vjp}");
    assert_eq!(
        vjp.matches("let i = :: core :: clone :: Clone :: clone")
            .count(),
        2,
        "{vjp}"
    );
    assert_eq!(
        vjp.matches("let s = :: core :: clone :: Clone :: clone")
            .count(),
        1,
        "{vjp}"
    );
}

#[test]
fn rev_and_step_by_ranges_record_no_index() {
    // `(0..n).rev()` and `(a..b).step_by(2)`: the index is `first ± k·step` on trip `k`, the
    // progression read off the iterator once before the loop; nothing is recorded per trip but
    // the old `y` (which `y * x` needs).
    let all = expand_fn(quote! {
        fn hr(c: &[f64], x: f64) -> f64 {
            let mut y = 0.0;
            for i in (0..c.len()).rev() { y = y * x + c[i]; }
            let mut trips = 0;
            for j in (1..c.len()).step_by(2) { y = y + x * c[j]; trips += 1; }
            y
        }
    });
    let vjp = vjp_item(&all, "hr");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(
        vjp.matches(":: autodiff :: __private :: strided (&")
            .count(),
        2,
        "{vjp}"
    );
    assert_eq!(loop_records_of(&vjp, "y"), 1, "{vjp}");
    assert!(
        !vjp.contains("clone (& i)") && !vjp.contains("clone (& j)"),
        "{vjp}"
    );
    assert_eq!(vjp.matches("GradBuf :: add").count(), 2, "{vjp}");
}

/// The reverse sweep of Newton's method on `x³ + p x - c` with a data-dependent `while` (the
/// companion other functions call: its `_vjp` takes tangents, two scalar inputs).
fn newton_reverse() -> String {
    let all = expand_fn(quote! {
        fn newton(p: f64, c: f64, _w: &[f64]) -> f64 {
            let mut x = 1.0;
            let mut step = 1.0;
            while step.abs() > 1e-12 {
                let f = x * x * x + p * x - c;
                let df = 3.0 * x * x + p;
                step = f / df;
                x -= step;
            }
            x
        }
    });
    let vjp = reverse_item(&all, "newton");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    vjp
}

#[test]
fn a_value_read_by_several_rules_is_saved_once() {
    // Newton's step reads `x` in four products between two assignments: one record of `x` per
    // trip, loaded once per reverse trip and read by all four rules.
    let vjp = newton_reverse();
    assert_eq!(loop_records_of(&vjp, "x"), 1, "{vjp}");
    // The trip's one saved value goes out in one push; the products read its one load
    // (`x * x`, `f` and `df` are rebuilt from it, see the test below).
    assert_eq!(loop_records(&vjp), 1, "{vjp}");
    assert_eq!(puts(&vjp, "("), 1, "{vjp}");
    assert_eq!(vjp.matches("let __x").count(), 1, "{vjp}");
}

#[test]
fn loop_carried_float_adjoints_are_plain() {
    // x, v, loss and the parameters k, c are f64: their adjoints are plain zero-initialised
    // locals, not `Option`s; the generic `y` of unknown type keeps an `Option`.
    let all = expand_fn(quote! {
        fn osc(k: f64, c: f64, _w: &[f64], #[no_grad] f: &[f64]) -> f64 {
            let dt = 0.01;
            let mut x = 1.0;
            let mut v = 0.0;
            let mut loss = 0.0;
            for t in 0..f.len() {
                v += dt * (f[t] - k * x - c * v);
                x += dt * v;
                loss += x * x;
            }
            loss
        }
    });
    let vjp = reverse_item(&all, "osc");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    for name in ["k", "c", "x", "v", "loss"] {
        assert!(
            vjp.contains(&format!("__d_{name}_")),
            "{name} has an adjoint: {vjp}"
        );
        let decl = vjp
            .split(&format!("let mut __d_{name}_"))
            .nth(1)
            .expect("declared");
        let decl = decl.split(';').next().unwrap_or_default();
        assert!(decl.contains("plain :: Plain"), "{name}: {decl}");
        assert!(!decl.contains("Option :: None"), "{name}: {decl}");
    }
    assert!(!vjp.contains("__private :: acc (& mut __d_x_"), "{vjp}");
    assert!(vjp.contains("plain :: acc (& mut __d_x_"), "{vjp}");
    // `dt * v` with dt inactive needs only dt: v is saved for `c * v` alone, not twice.
    assert_eq!(loop_records_of(&vjp, "v"), 1, "{vjp}");
    // the parameters' slots are the general slot again after the sweep
    assert_eq!(vjp.matches("Plain :: into_option").count(), 2, "{vjp}");

    let all = expand_fn(quote! {
        fn g<T: Real>(a: T) -> T {
            let mut y = a;
            for _ in 0..3 { y = y * a; }
            y
        }
    });
    // A scalar of a type parameter bounded by `Real` is a float too: its slots start at the
    // `-0` of `T` (a literal `-0.0` would be an `f64`). (`g`'s own gradients run by tangents;
    // the fused companion a caller re-runs it with has the reverse sweep.)
    let vjp = all.clone();
    let decl = vjp
        .split("let mut __d_y_")
        .nth(1)
        .expect("declared")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        decl.contains("plain :: Plain :: < T > :: empty ()"),
        "{decl}"
    );
    assert!(!vjp.contains("Plain (- 0.0)"), "{vjp}");
    assert!(vjp.contains("plain :: acc (& mut __d_y_"), "{vjp}");

    // An accumulator that starts at `T::zero()` is a `T` too.
    let all = expand_fn(quote! {
        fn h<T: Real>(x: &[T]) -> T {
            let mut s = T::zero();
            for i in 0..x.len() { s = s + x[i] * x[i]; }
            s
        }
    });
    let vjp = vjp_item(&all, "h");
    assert!(
        vjp.contains(
            "let mut __d_s_2 = :: autodiff :: __private :: plain :: Plain :: < T > :: empty ()"
        ),
        "{vjp}"
    );
}

#[test]
fn newton_step_values_are_rebuilt_from_the_saved_x() {
    // f = x³ + p x - c and f' = 3x² + p are rebuilt from x in the reverse sweep: the step
    // records x alone (it recorded x, x², f, 3x and f').
    let vjp = newton_reverse();
    assert_eq!(loop_records(&vjp), 1, "{vjp}");
    assert_eq!(loop_records_of(&vjp, "x"), 1, "{vjp}");
    assert!(!vjp.contains("clone (& f)"), "f is not saved: {vjp}");
    assert!(!vjp.contains("clone (& df)"), "df is not saved: {vjp}");
}

#[test]
fn constants_converted_to_the_float_type_are_converted_again_not_recorded() {
    // `T::from_f64(2.0)`, `3 as f64` and `T::from_usize(i + 1)` inside a loop: the reverse
    // sweep converts again, so the trip records nothing (the other operands are parameters).
    for (name, case) in [
        (
            "generic",
            quote! {
                fn f<T: Real>(x: &[T], k: T) -> T {
                    let mut s = T::zero();
                    for i in 0..x.len() {
                        let c = T::from_f64(2.0);
                        s = s + c * k * x[i];
                    }
                    s
                }
            },
        ),
        (
            "as",
            quote! {
                fn f(x: &[f64], k: f64) -> f64 {
                    let mut s = 0.0;
                    for i in 0..x.len() {
                        let c = 3 as f64;
                        s = s + c * k * x[i];
                    }
                    s
                }
            },
        ),
        (
            // a conversion of an index expression, converted again from the trip number
            "index",
            quote! {
                fn f<T: Real>(x: &[T], k: T) -> T {
                    let mut s = T::zero();
                    for i in 0..x.len() {
                        let w = T::from_usize(i + 1);
                        s = s + k * x[i] / w;
                    }
                    s
                }
            },
        ),
    ] {
        let vjp = vjp_item(&expand_fn(case), "f");
        assert_eq!(loop_records(&vjp), 0, "{name}: {vjp}");
    }
}

#[test]
fn powers_of_a_saved_value_are_rebuilt_from_it() {
    // The Lennard-Jones pair term: `r2` is read by a rule (`r2 * r2`), so it is saved once; `r2²`
    // and `r2³` are rebuilt from that save where rules read them, and only `s6` (a quotient) is
    // saved besides: two records per pair, where each of `r2`, `r2²`, `r2³` and `s6` had one.
    // `dx`, `dy`, `dz` are rebuilt from the parameter's elements and anchor no recipe.
    let all = expand_fn(quote! {
        fn lj(pos: &[f64]) -> f64 {
            let n = pos.len() / 3;
            let mut e = 0.0;
            let mut pairs = 0;
            for i in 0..n {
                for j in i + 1..n {
                    let dx = pos[3 * i] - pos[3 * j];
                    let dy = pos[3 * i + 1] - pos[3 * j + 1];
                    let dz = pos[3 * i + 2] - pos[3 * j + 2];
                    let r2 = dx * dx + dy * dy + dz * dz;
                    let s6 = 1.0 / (r2 * r2 * r2);
                    e += 4.0 * (s6 * s6 - s6);
                    pairs += 1;
                }
            }
            e
        }
    });
    let vjp = vjp_item(&all, "lj");
    assert_eq!(loop_records_of(&vjp, "r2"), 1, "{vjp}");
    assert_eq!(loop_records_of(&vjp, "s6"), 1, "{vjp}");
    // The two per pair (the inner range's start and count are evaluated again).
    assert_eq!(loop_records(&vjp), 2, "{vjp}");
}

#[test]
fn checkpointed_call_forward_runs_the_primal() {
    // `main` is a local overwritten every trip, so its pullback cannot be kept: the reverse sweep
    // runs the callee's fused companion on the saved argument, adding into `main`'s adjoint (no
    // pullback closure, no result `Vec`). The forward sweep needs only the value, so it calls
    // the function as written (no pullback recorded only to be dropped). (A value known to be a
    // scalar, `s += lse(&main)` or `s += w * lse(&main)`, has its gradient taken in the forward
    // sweep instead: `tests/call_gradients.rs`; the value times itself may be a user type's
    // product, so it is re-run.)
    let all = expand_fn(quote! {
        fn per_point(x: &[f64], w: f64) -> f64 {
            let mut main = vec![0.0; 3];
            let mut s = 0.0;
            for p in 0..x.len() {
                for k in 0..3 {
                    main[k] = w * x[p] + k as f64;
                }
                let m = lse(&main);
                s += w * m * m;
            }
            s
        }
    });
    let vjp = vjp_item(&all, "per_point");
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{vjp}");
    }
    assert_eq!(vjp.matches("lse (& main)").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("lse_into_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("lse_derivative_").count(), 0, "{vjp}");
    assert!(
        vjp.contains(
            "cotangent_as (__g)) , :: autodiff :: __private :: rules :: Zero , :: autodiff :: __private :: DenseSlot (& mut __d_main_"
        ),
        "{vjp}"
    );
    // The same argument twice keeps the pullback (one mutable borrow per adjoint).
    let all = expand_fn(quote! {
        fn twice(x: &[f64]) -> f64 {
            let mut v = vec![0.0; 2];
            let mut s = 0.0;
            for p in 0..x.len() {
                v[0] = x[p];
                v[1] = x[p] * x[p];
                s += dot(&v, &v);
            }
            s
        }
    });
    let vjp = vjp_item(&all, "twice");
    assert_eq!(vjp.matches("dot_into_").count(), 0, "{vjp}");
    assert_eq!(vjp.matches("dot_derivative_").count(), 1, "{vjp}");
}

#[test]
fn parameter_slice_argument_goes_to_the_fused_companion() {
    // `ys` is a parameter with a derivative passed whole: its pullback would return a
    // whole-length adjoint per call; the fused companion adds only what `interp` reads, into
    // the caller's slot. A scalar-only call keeps its recorded pullback.
    let all = expand_fn(quote! {
        fn fit(xs: &[f64], ys: &[f64], qs: &[f64]) -> f64 {
            let mut l = 0.0;
            for i in 0..qs.len() {
                let e = interp(xs, ys, qs[i]) + sq(qs[i]);
                l += e * e;
            }
            l
        }
    });
    let vjp = vjp_item(&all, "fit");
    // once in the usual sweep and once in the fused form behind the callees' fuse hints
    assert_eq!(vjp.matches("interp_into_").count(), 2, "{vjp}");
    assert_eq!(vjp.matches("interp_derivative_").count(), 0, "{vjp}");
    assert_eq!(vjp.matches("sq_derivative_").count(), 2, "{vjp}");
}

#[test]
fn fused_companion_skips_the_buffer_of_a_parameter_passed_no_slot() {
    // Each element addition into a parameter's gradient buffer in the fused companion is
    // guarded by the slot's liveness, and the buffer of a dead slot is the dead (empty) one:
    // a caller passing `NoSlot` for `xs` allocates and adds nothing for it.
    let all = expand_fn(quote! {
        fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
            let t = (q - xs[0]) / (xs[1] - xs[0]);
            ys[0] * (1.0 - t) + ys[1] * t
        }
    });
    let start = all.find("fn __interp_into_").expect("a fused companion");
    let into = &all[start..];
    let into = &into[..into.find("# [doc").unwrap_or(into.len())];
    // one test per slice, and one for the float `q`
    assert_eq!(
        into.matches("SlotArg :: live (& __slot").count(),
        3,
        "{into}"
    );
    // `q`'s one addition is behind its test
    assert!(
        into.contains("if __live2 { :: autodiff :: __private :: plain :: acc (& mut __d_q_2"),
        "{into}"
    );
    assert_eq!(
        into.matches("grad_buf_lent (& mut __slot").count(),
        2,
        "{into}"
    );
    // three reads of xs, two of ys: every addition is behind its parameter's test
    assert_eq!(
        into.matches("GradBuf :: add (").count(),
        into.matches("{ :: autodiff :: __private :: GradBuf :: add (")
            .count(),
        "{into}"
    );
    assert!(into.matches("GradBuf :: add (").count() >= 4, "{into}");
    // the value-and-pullback items have no slot to test
    let vjp = vjp_item(&all, "interp");
    assert!(!vjp.contains("SlotArg :: live"), "{vjp}");
}

#[test]
fn fused_companion_takes_unkept_floats_as_constants() {
    // With a loop, the fused companion has a second sweep for callers that keep no adjoint of
    // the float parameters: it records none of Horner's partial sums (only `x`'s adjoint reads
    // them), and `x` has no adjoint there.
    let all = expand_fn(quote! {
        fn poly(w: &[f64], x: f64) -> f64 {
            let mut s = 0.0;
            for j in (0..w.len()).rev() {
                s = s * x + w[j];
            }
            s
        }
    });
    let start = all.find("fn __poly_into_").expect("a fused companion");
    let into = &all[start..];
    let into = &into[..into.find("# [doc").unwrap_or(into.len())];
    let split = "if ! :: autodiff :: __private :: SlotArg :: live (& __slot1) {";
    let at = into.find(split).unwrap_or_else(|| panic!("{into}"));
    // the constant-float sweep's block, by its braces
    let body = &into[at + split.len()..];
    let mut depth = 1;
    let end = body
        .char_indices()
        .find(|&(_, ch)| {
            depth += match ch {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            depth == 0
        })
        .map(|(k, _)| k)
        .expect("a closed block");
    let (constant, full) = body.split_at(end);
    assert!(full.starts_with("} else {"), "{full}");
    assert!(!constant.contains("__d_x_"), "{constant}");
    assert!(full.contains("__d_x_"), "{full}");
    assert!(
        constant.matches("Put :: put").count() < full.matches("Put :: put").count(),
        "{constant}\n----\n{full}"
    );
    // no loop: one sweep
    let all = expand_fn(quote! {
        fn line(w: &[f64], x: f64) -> f64 {
            w[0] * x + w[1] * x * x
        }
    });
    let start = all.find("fn __line_into_").expect("a fused companion");
    assert!(
        !all[start..].contains("if ! :: autodiff :: __private :: SlotArg :: live"),
        "{all}"
    );
}

/// A table filled by one loop and read by the next: `(table expansion, table-written-in-the-
/// reading-loop expansion, table-written-after expansion)`.
fn table_vjps() -> (String, String, String) {
    let read_later = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let mut s = 0.0;
            for p in 0..x.len() {
                for k in 0..w.len() {
                    s += t[k] * x[p] * x[p];
                }
            }
            s
        }
    });
    let written_in_loop = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let mut s = 0.0;
            for p in 0..x.len() {
                for k in 0..w.len() {
                    s += t[k] * x[p] * x[p];
                    t[k] = t[k] * 0.5;
                }
            }
            s
        }
    });
    let written_after = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let mut s = 0.0;
            for p in 0..x.len() {
                for k in 0..w.len() {
                    s += t[k] * x[p] * x[p];
                }
            }
            t[0] = s;
            s * t[0]
        }
    });
    (
        vjp_item(&read_later, "tab"),
        vjp_item(&written_in_loop, "tab"),
        vjp_item(&written_after, "tab"),
    )
}

#[test]
fn unchanging_tables_are_copied_once_not_recorded_per_read() {
    // `t` is filled by the first loop and nothing changes it afterwards: the reverse sweep reads
    // `t[k]` from one copy taken before the second loop, so no element of `t` is recorded.
    let (later, in_loop, after) = table_vjps();
    if std::env::var("AUTODIFF_SHOW_EXPANSION").is_ok() {
        println!("{later}");
    }
    let copies = |v: &str| {
        v.matches(":: core :: clone :: Clone :: clone (& t))")
            .count()
    };
    // Nothing names `t` after the reading loop: the local itself is kept once the loop is done.
    assert_eq!(copies(&later), 0, "{later}");
    assert_eq!(later.matches("Some (t) ;").count(), 1, "{later}");
    assert!(later.contains("__frozen"), "{later}");
    // The one record per trip is the first loop's `exp` (its own derivative); the reading loop
    // records nothing: `t[k] * x[p]` is recomputed from the copy and the parameter.
    assert_eq!(puts(&later, "("), 1, "{later}");
    assert!(puts(&in_loop, "(") > 1, "{in_loop}");
    // A write to `t` inside the reading loop, or after it, keeps the per-read records.
    for v in [&in_loop, &after] {
        assert_eq!(copies(v), 0, "{v}");
        assert!(!v.contains("__frozen"), "{v}");
    }
}

#[test]
fn a_table_read_again_after_its_reading_loop_is_kept_after_the_last_read() {
    // `t[0]` after the reading loop only reads `t`: the copy before the loop gives way to `t`
    // itself, kept once the last statement naming it is done.
    let named_after = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let mut s = 0.0;
            for p in 0..x.len() {
                s += t[p % w.len()] * x[p];
            }
            s * t[0]
        }
    });
    let v = vjp_item(&named_after, "tab");
    assert!(
        !v.contains(":: core :: clone :: Clone :: clone (& t))"),
        "{v}"
    );
    let kept = v.find("Some (t) ;").expect("t kept by move");
    assert!(kept > v.rfind("t [(0)]").expect("the last read"), "{v}");
    assert!(
        kept > v.find("break '__loop1").expect("the reading loop"),
        "{v}"
    );
}

#[test]
fn a_table_borrowed_or_left_by_return_is_copied_not_kept() {
    // `t` is borrowed into a variable that lives on, or a `return` inside the reading loop may
    // leave before a copy taken after it: each keeps the copy before the loop.
    let borrowed = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let r = &t;
            let mut s = 0.0;
            for p in 0..x.len() {
                s += t[p % w.len()] * x[p];
            }
            s * r[0]
        }
    });
    let returns = expand_fn(quote! {
        fn tab(w: &[f64], x: &[f64]) -> f64 {
            let mut t = vec![0.0; w.len()];
            for k in 0..w.len() {
                t[k] = w[k].exp();
            }
            let mut s = 0.0;
            for p in 0..x.len() {
                if s > 10.0 {
                    return s;
                }
                s += t[p % w.len()] * x[p];
            }
            s
        }
    });
    for (what, f) in [("borrowed", &borrowed), ("returns", &returns)] {
        let v = vjp_item(f, "tab");
        assert!(!v.contains("Some (t) ;"), "{what}: {v}");
        assert_eq!(
            v.matches(":: core :: clone :: Clone :: clone (& t))")
                .count(),
            1,
            "{what}: {v}"
        );
    }
}

mod accumulators;
mod branches;
mod call_gradients;
mod dense;
mod fused;
mod iterated;
mod lagged;
mod optimistic;
mod pairs;
mod passthrough;
mod pushes;
mod rows;
mod spans;
mod spares;
mod strides;
mod tangent;
mod trip_versions;
mod trips;
mod windows;
mod writers;
