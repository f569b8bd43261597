//! Whole lends: more edges of the hoisted form, branches, callees that hoist, fields.

use super::*;

// ---------------------------------------------------------------------------------------------
// whole lends: more edges of the hoisted form

/// One call lends `t` (held once) and `xs` (which the trip also reads by element: per trip).
#[differentiable]
fn half_hoisted(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() - 1 {
        l += pair_prod(t, xs, i % (t.len() - 1), xs[i + 1]) * xs[i];
    }
    l
}

#[test]
fn one_call_lends_a_held_slice_and_a_per_trip_slice() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check(
        "half_hoisted",
        half_hoisted,
        half_hoisted_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// `a` lent in the outer loop, `b` in the inner one (which runs no trip when `r` is even).
#[differentiable]
fn two_depths(a: &[f64], b: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for r in 0..4 {
        l += lookup(a, r % (a.len() - 1), xs[r]).sin();
        for i in 0..(r % 2) * 3 {
            l += poly(b, xs[i]) * lookup(b, i % (b.len() - 1), xs[r]);
        }
    }
    l
}

#[test]
fn two_slices_lent_at_different_depths() {
    let (a, b) = (sines(4, 0.6), sines(3, 0.8));
    let xs = sines(5, 0.9);
    pair_check(
        "two_depths",
        |a, b| two_depths(a, b, &xs),
        two_depths_grad(&a, &b, &xs),
        &a,
        &b,
    );
    let (v, (ga, gb)) = two_depths_grad(&a, &b, &xs);
    let (_, pb) = two_depths_vjp(&a, &b, &xs);
    let (pa1, pb1) = pb(1.0);
    let (pa2, pb2) = pb(-0.75);
    assert!(v.is_finite());
    for (x, y) in pa1.iter().zip(&ga).chain(pb1.iter().zip(&gb)) {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
    for (x, y) in pa2.iter().zip(&ga).chain(pb2.iter().zip(&gb)) {
        assert!((x + 0.75 * y).abs() < 1e-12, "{x} vs -0.75·{y}");
    }
}

/// Iterating the slice itself while lending it whole.
#[differentiable]
fn iter_self(t: &[f64], #[no_grad] x: f64) -> f64 {
    let mut l = 0.0;
    for (k, v) in t.iter().enumerate() {
        l += *v * lookup(t, k % (t.len() - 1), x);
    }
    l
}

#[test]
fn iterating_the_lent_slice() {
    let t = sines(5, 0.7);
    check_value_grad(
        "iter_self",
        |t| iter_self(t, 0.8),
        iter_self_grad(&t, 0.8),
        &t,
    );
}

/// `&t` (a `&&[f64]`) passed where `&[f64]` is taken, and a parameter with a named lifetime.
#[differentiable]
fn reborrowed<'a>(t: &'a [f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(&t, i % (t.len() - 1), xs[i]) * poly(t, xs[i]);
    }
    l
}

#[test]
fn a_reborrowed_parameter_with_a_lifetime() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check("reborrowed", reborrowed, reborrowed_grad(&t, &xs), &t, &xs);
}

/// A generic helper called at `f64` from a non-generic lending loop.
#[differentiable]
fn calls_generic(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += gpoly(t, xs[i]) * gpick(t, i % (t.len() - 1), xs[i]);
    }
    l
}

#[test]
fn a_generic_helper_lent_from_a_plain_loop() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "calls_generic",
        calls_generic,
        calls_generic_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// A helper returning a `Vec` from the lent slice.
#[differentiable]
fn two_out(t: &[f64], x: f64) -> Vec<f64> {
    vec![t[0] * x, t[1] * x * x + t[2]]
}

#[differentiable]
fn vec_out_fit(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = two_out(t, xs[i]);
        l += v[0] * v[1];
    }
    l
}

#[test]
fn a_helper_returning_a_vec() {
    let t = sines(4, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "vec_out_fit",
        vec_out_fit,
        vec_out_fit_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// A custom rule on a whole slice, called in a lending loop beside a plain helper.
#[custom_derivative(vjp = sq_sum_rule_vjp, jvp = sq_sum_rule_jvp)]
fn sq_sum(w: &[f64], x: f64) -> f64 {
    w.iter().map(|v| v * v).sum::<f64>() * x
}

fn sq_sum_rule_vjp(w: &[f64], x: f64) -> (f64, impl Fn(f64) -> (Vec<f64>, f64)) {
    let s: f64 = w.iter().map(|v| v * v).sum();
    let w = w.to_vec();
    (s * x, move |g: f64| {
        (w.iter().map(|v| 2.0 * v * x * g).collect(), s * g)
    })
}

fn sq_sum_rule_jvp(w: &[f64], x: f64, dw: Vec<f64>, dx: f64) -> (f64, f64) {
    let s: f64 = w.iter().map(|v| v * v).sum();
    let ds: f64 = w.iter().zip(dw).map(|(v, d)| 2.0 * v * d).sum();
    (s * x, ds * x + s * dx)
}

#[differentiable]
fn custom_whole(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += sq_sum(t, xs[i]).sin() + lookup(t, i % (t.len() - 1), xs[i]);
    }
    l
}

#[test]
fn a_custom_rule_on_the_whole_slice_beside_a_lend() {
    let t = sines(4, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "custom_whole",
        custom_whole,
        custom_whole_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// Second order: whole lends only, nested, inner loop sometimes empty.
#[differentiable(order = 2)]
fn nested_whole2(t: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for a in 0..3 {
        for i in 0..a * 2 {
            let e = lookup2(t, (i + a) % (t.len() - 1), xs[i]) * wsum2(t, xs[a]);
            l += e * e;
        }
        l += lookup2(t, a, xs[a]);
    }
    l
}

#[test]
fn hvp_through_nested_whole_lends() {
    let t = sines(5, 0.8);
    let xs = sines(6, 1.1);
    check_value_grad(
        "nested_whole2",
        |t| nested_whole2(t, &xs),
        nested_whole2_grad(&t, &xs),
        &t,
    );
    for dir in [sines(5, 0.5), vec![0.0, 0.0, 1.0, 0.0, 0.0]] {
        let (_, _, hv) = nested_whole2_hvp(&t, &xs, dir.clone());
        check_hvp(
            "nested_whole2",
            |t| nested_whole2_grad(t, &xs).1,
            &hv,
            &t,
            &dir,
        );
    }
}

/// Zero trips everywhere: every loop lends, none runs.
#[differentiable]
fn all_empty(t: &[f64], xs: &[f64], #[no_grad] n: usize) -> f64 {
    let mut l = t[0] * 0.5;
    for a in 0..n {
        for i in 0..xs.len() {
            l += lookup(t, i % (t.len() - 1), xs[i]);
        }
        l += poly(t, xs[a]);
    }
    l
}

#[test]
fn every_lending_loop_empty() {
    let t = sines(5, 0.7);
    let xs = sines(3, 0.9);
    let (v, (gt, gx)) = all_empty_grad(&t, &xs, 0);
    assert!((v - 0.5 * t[0]).abs() < 1e-15);
    assert_eq!(gt.len(), 5);
    assert_eq!(gx.len(), 3);
    assert!((gt[0] - 0.5).abs() < 1e-15, "{gt:?}");
    assert!(
        gt[1..].iter().chain(&gx).all(|g| g.abs() < 1e-15),
        "{gt:?} {gx:?}"
    );
    // outer trips with an empty inner loop
    let (v, (gt, gx)) = all_empty_grad(&t, &[], 0);
    assert!((v - 0.5 * t[0]).abs() < 1e-15 && gt.len() == 5 && gx.is_empty());
    pair_check(
        "all_empty n=2",
        |t, x| all_empty(t, x, 2),
        all_empty_grad(&t, &xs, 2),
        &t,
        &xs,
    );
}

// ---------------------------------------------------------------------------------------------
// lending loops in branches, callees that hoist, methods, struct fields

/// The lending loop inside an `if` arm and inside a `match` arm.
#[differentiable]
fn loop_in_branch(t: &[f64], xs: &[f64], #[no_grad] mode: usize) -> f64 {
    let mut l = t[1];
    if mode % 2 == 0 {
        for i in 0..xs.len() {
            l += lookup(t, i % (t.len() - 1), xs[i]) * l.sin();
        }
    }
    match mode {
        0 | 1 => {
            for i in 0..xs.len() {
                l += poly(t, xs[i]).cos();
            }
        }
        _ => l *= 2.0,
    }
    l
}

#[test]
fn lending_loops_inside_branches() {
    let t = sines(5, 0.7);
    let xs = sines(6, 0.9);
    for mode in 0..4 {
        pair_check(
            &format!("loop_in_branch mode={mode}"),
            |t, x| loop_in_branch(t, x, mode),
            loop_in_branch_grad(&t, &xs, mode),
            &t,
            &xs,
        );
    }
}

/// [`chain`] (which lends its whole slice in its own loop) called on ranges of the table.
#[differentiable]
fn chain_ranges(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let a = i % (t.len() - 2);
        l += chain(&t[a..a + 2], xs[i]) * chain(&t[1..], xs[i]) + chain(t, xs[i]);
    }
    l
}

#[test]
fn a_hoisting_callee_lent_ranges() {
    let t = sines(6, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "chain_ranges",
        chain_ranges,
        chain_ranges_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// A callee whose fused loop lends its slice (its `J` held), called from a lending loop.
#[differentiable]
fn fused_helper(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..4 {
        s += clipped(w, x + j as f64 * 0.7);
    }
    s
}

#[differentiable]
fn fused_helper_fit(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = fused_helper(t, xs[i]) + fused_helper(&t[1..], xs[i]);
        l += v * 0.5 + v.sin();
    }
    l
}

#[test]
fn a_callee_with_a_fused_loop_lent_the_slice() {
    let t = vec![0.3, -0.9, 0.45];
    let xs = sines(8, 1.3);
    pair_check(
        "fused_helper_fit",
        fused_helper_fit,
        fused_helper_fit_grad(&t, &xs),
        &t,
        &xs,
    );
}

#[derive(Differentiable, Clone, Debug)]
pub struct Table {
    pub w: Vec<f64>,
    pub s: f64,
}

/// A struct's `Vec` field lent in a loop.
#[differentiable]
fn field_fit(p: &Table, xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(&p.w, i % (p.w.len() - 1), xs[i]) * p.s;
    }
    l
}

#[test]
fn a_struct_field_lent() {
    let p = Table {
        w: sines(4, 0.7),
        s: 1.3,
    };
    let xs = sines(7, 0.9);
    let (v, (gp, gx)) = field_fit_grad(&p, &xs);
    let mut g = gp.w.clone();
    g.push(gp.s);
    let mut z = p.w.clone();
    z.push(p.s);
    pair_check(
        "field_fit",
        |z, x| {
            let q = Table {
                w: z[..4].to_vec(),
                s: z[4],
            };
            field_fit(&q, x)
        },
        (v, (g, gx)),
        &z,
        &xs,
    );
}

pub struct Fitter;

impl Fitter {
    #[differentiable]
    fn pick(t: &[f64], k: usize, x: f64) -> f64 {
        t[k] * x.cos() + t[k + 1] * x
    }

    #[differentiable]
    fn fit(t: &[f64], xs: &[f64]) -> f64 {
        let mut l = 0.0;
        for i in 0..xs.len() {
            l += Self::pick(t, i % (t.len() - 1), xs[i]).powi(2) + Fitter::pick(t, 0, xs[i]);
        }
        l
    }
}

#[test]
fn associated_functions_called_by_path() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "Fitter::fit",
        Fitter::fit,
        Fitter::fit_grad(&t, &xs),
        &t,
        &xs,
    );
}
