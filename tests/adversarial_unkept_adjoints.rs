//! Adversarial cases for the fused companion's skipped additions into the adjoint of a float
//! parameter whose caller passed `NoSlot` (`param_add` / `live_plain_param` in
//! `autodiff-macros/src/reverse/mod.rs`): the parameter shadowed, rebound, copied, captured in a
//! local `Vec`, assigned in ways the lowering must notice, used as a bound or a condition, in
//! nested and `while` loops, `f32` and generic helpers, several float parameters some data and
//! some differentiated, custom derivatives, `order = 2`. Every differentiated parameter's gradient
//! against central differences in f64 (step 1e-6, tolerance 1e-6 relative + absolute).

#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::let_and_return,
    clippy::redundant_locals,
    clippy::match_bool,
    clippy::manual_swap,
    clippy::collapsible_else_if,
    clippy::neg_multiply,
    clippy::manual_memcpy,
    clippy::never_loop,
    clippy::useless_vec
)]

use autodiff::prelude::*;

/// Central differences of `f` at `p` (step 1e-6).
fn fd(f: &dyn Fn(&[f64]) -> f64, p: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..p.len())
        .map(|k| {
            let mut a = p.to_vec();
            let mut b = p.to_vec();
            a[k] += h;
            b[k] -= h;
            (f(&a) - f(&b)) / (2.0 * h)
        })
        .collect()
}

/// `g` against central differences of `f` at `p`: `|g - fd| <= 1e-6 (1 + |fd|)`.
#[track_caller]
fn check(name: &str, f: &dyn Fn(&[f64]) -> f64, g: &[f64], p: &[f64]) {
    let d = fd(f, p);
    assert_eq!(g.len(), d.len(), "{name}: lengths");
    for k in 0..d.len() {
        assert!(
            (g[k] - d[k]).abs() <= 1e-6 * (1.0 + d[k].abs()),
            "{name}[{k}]: gradient {} vs central difference {} (all: {g:?} vs {d:?})",
            g[k],
            d[k]
        );
    }
}

const W: [f64; 4] = [0.7, -0.4, 0.9, 0.3];
const XS: [f64; 5] = [0.3, -0.8, 1.1, 0.55, -0.2];

// ---------------------------------------------------------------------------------------------
// 1. `let x = x * w[0];` shadowing the parameter.

#[differentiable]
fn h_shadow(w: &[f64], x: f64) -> f64 {
    let x = x * w[0] + w[1];
    x * x + w[2] * x.sin()
}

#[differentiable]
fn f_shadow(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_shadow(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn shadowed_by_let() {
    let (_, g) = f_shadow_grad(&W, &XS);
    check("f_shadow", &|w| f_shadow(w, &XS), &g, &W);
    shadowed_in_loop_and_block();
}

// 2. `let mut x = x;` then assigned.

#[differentiable]
fn h_rebind_mut(w: &[f64], x: f64) -> f64 {
    let mut x = x;
    x = x * w[0];
    x = x.sin() + w[1] * x;
    x * w[2] + w[3]
}

#[differentiable]
fn f_rebind_mut(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_rebind_mut(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn rebound_mut_then_assigned() {
    let (_, g) = f_rebind_mut_grad(&W, &XS);
    check("f_rebind_mut", &|w| f_rebind_mut(w, &XS), &g, &W);
}

// 3. `mut x` parameter, compound assignments.

#[differentiable]
fn h_compound(w: &[f64], mut x: f64) -> f64 {
    x *= w[0];
    x += w[1];
    x -= w[2] * x;
    x /= 1.5 + w[3] * w[3];
    x * x + w[0] * x
}

#[differentiable]
fn f_compound(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_compound(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn compound_assignments_to_the_parameter() {
    let (_, g) = f_compound_grad(&W, &XS);
    check("f_compound", &|w| f_compound(w, &XS), &g, &W);
    other_assignment_forms();
}

// 4. Rebound in a `match` (bindings of the parameter itself and of a product).

#[differentiable]
fn h_match(w: &[f64], x: f64) -> f64 {
    let y = match x * w[0] {
        z if z > 0.0 => z * w[1] + z * z,
        z => z.exp() * w[2],
    };
    let u = match x {
        z if z > 0.5 => z * w[3],
        z => z * z * w[0],
    };
    y + u * y
}

#[differentiable]
fn f_match(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_match(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn rebound_in_match() {
    let (_, g) = f_match_grad(&W, &XS);
    check("f_match", &|w| f_match(w, &XS), &g, &W);
    rebound_with_if_let();
}

// 5. Rebound with `if let`.

#[differentiable]
fn h_if_let(w: &[f64], x: f64) -> f64 {
    let o = if x > 0.0 { Some(x * w[0]) } else { None };
    let y = if let Some(z) = o {
        z + w[1] * x
    } else {
        w[2] * x
    };
    y * y + x * w[3]
}

#[differentiable]
fn f_if_let(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_if_let(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `rebound_in_match`.
fn rebound_with_if_let() {
    let (_, g) = f_if_let_grad(&W, &XS);
    check("f_if_let", &|w| f_if_let(w, &XS), &g, &W);
}

// 6. Captured into a local `Vec`, mixed with differentiated values, read at an index computed
// from the parameter.

#[differentiable]
fn h_vec(w: &[f64], x: f64) -> f64 {
    let mut v = vec![x; 3];
    v[1] = w[0] * x;
    v[2] = v[0] + w[1];
    let k = ((x.abs() * 2.0) as usize) % 3;
    v[k] * w[2] + v[0] * v[1] * v[2]
}

#[differentiable]
fn f_vec(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_vec(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn captured_in_a_local_vec() {
    let (_, g) = f_vec_grad(&W, &XS);
    check("f_vec", &|w| f_vec(w, &XS), &g, &W);
    pushed_into_a_vec();
    in_a_local_tuple_and_array();
}

// 7. Pushed into a `Vec` that a recurrence then reads.

#[differentiable]
fn h_push(w: &[f64], x: f64) -> f64 {
    let mut v = Vec::new();
    v.push(x);
    for j in 0..w.len() {
        let t = v[j] * x + w[j];
        v.push(t);
    }
    let mut s = 0.0;
    for j in 0..v.len() {
        s += v[j];
    }
    s
}

#[differentiable]
fn f_push(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_push(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `captured_in_a_local_vec`.
fn pushed_into_a_vec() {
    let (_, g) = f_push_grad(&W, &XS);
    check("f_push", &|w| f_push(w, &XS), &g, &W);
}

// 8. Borrowed: `let r = &x;` read through the reference.

#[differentiable]
fn h_ref(w: &[f64], x: f64) -> f64 {
    let r = &x;
    let y = *r * w[0] + w[1];
    y * *r + w[2] * y
}

#[differentiable]
fn f_ref(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_ref(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn read_through_a_reference() {
    let (_, g) = f_ref_grad(&W, &XS);
    check("f_ref", &|w| f_ref(w, &XS), &g, &W);
}

// 9. The parameter as a loop bound and as an index scale.

#[differentiable]
fn h_bound(w: &[f64], x: f64) -> f64 {
    let n = (x.abs() * 4.0) as usize + 1;
    let mut s = 0.0;
    for j in 0..n {
        s += w[j % w.len()] * x + w[(j + 1) % w.len()];
    }
    s * w[((x.abs() * 10.0) as usize) % w.len()]
}

#[differentiable]
fn f_bound(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_bound(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn loop_bound_and_index() {
    let (_, g) = f_bound_grad(&W, &XS);
    check("f_bound", &|w| f_bound(w, &XS), &g, &W);
}

// 10. Branch conditions on the parameter mixed with differentiated values.

#[differentiable]
fn h_branch(w: &[f64], x: f64) -> f64 {
    let mut s = w[0];
    if x * w[0] > 0.1 {
        s = s * x + w[1];
    } else if x < -0.5 {
        s = s - w[2] * x * x;
    } else {
        s = s + x;
    }
    s * s
}

#[differentiable]
fn f_branch(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_branch(w, xs[i]);
    }
    l
}

#[test]
fn branch_conditions() {
    let (_, g) = f_branch_grad(&W, &XS);
    check("f_branch", &|w| f_branch(w, &XS), &g, &W);
}

// 11. Nested loops in the callee.

#[differentiable]
fn h_nested(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        let mut t = x;
        for j in 0..i {
            t = t * x + w[j] * w[i];
        }
        s += t;
    }
    s
}

#[differentiable]
fn f_nested(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_nested(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn nested_loops() {
    let (_, g) = f_nested_grad(&W, &XS);
    check("f_nested", &|w| f_nested(w, &XS), &g, &W);
}

// 12. A `while` loop with `break`.

#[differentiable]
fn h_while(w: &[f64], x: f64) -> f64 {
    let mut t = x;
    let mut k = 0;
    while k < 10 {
        t = t * w[k % w.len()] + x;
        if t.abs() > 3.0 {
            break;
        }
        k += 1;
    }
    t + x * w[0]
}

#[differentiable]
fn f_while(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_while(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn while_loop_with_break() {
    let (_, g) = f_while_grad(&W, &XS);
    check("f_while", &|w| f_while(w, &XS), &g, &W);
    while_accumulator_from_parameter();
}

// 13. `f32` helper (against the f64 twin's central differences).

#[differentiable]
fn h_f32(w: &[f32], x: f32) -> f32 {
    let y = x * w[0] + w[1];
    let mut x = x;
    x = x * y;
    y * y + w[2] * x.sin() + x
}

#[differentiable]
fn f_f32(w: &[f32], #[no_grad] xs: &[f32]) -> f32 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_f32(w, xs[i]);
        l += e * e;
    }
    l
}

fn f_f32_twin(w: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for &x in xs {
        let y = x * w[0] + w[1];
        let x2 = x * y;
        let e = y * y + w[2] * x2.sin() + x2;
        l += e * e;
    }
    l
}

#[test]
fn f32_helper() {
    let w32: Vec<f32> = W.iter().map(|v| *v as f32).collect();
    let x32: Vec<f32> = XS.iter().map(|v| *v as f32).collect();
    let (_, g) = f_f32_grad(&w32, &x32);
    let w64: Vec<f64> = w32.iter().map(|v| f64::from(*v)).collect();
    let x64: Vec<f64> = x32.iter().map(|v| f64::from(*v)).collect();
    let d = fd(&|w| f_f32_twin(w, &x64), &w64);
    for k in 0..d.len() {
        assert!(
            (f64::from(g[k]) - d[k]).abs() < 1e-3 * (1.0 + d[k].abs()),
            "f_f32[{k}]: {} vs {}",
            g[k],
            d[k]
        );
    }
}

// 14. Generic `T: Real` helper, shadowed and compared.

#[differentiable]
fn h_gen<T: Real>(w: &[T], x: T) -> T {
    let x = x * w[0] + w[1];
    let mut s = T::zero();
    for j in 0..w.len() {
        if x > w[j] {
            s += w[j] * x;
        } else {
            s += x.sin() * w[j];
        }
    }
    s
}

#[differentiable]
fn f_gen<T: Real>(w: &[T], #[no_grad] xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        let e = h_gen(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn generic_helper() {
    let (_, g) = f_gen_grad(&W, &XS);
    check("f_gen", &|w| f_gen(w, &XS), &g, &W);
    let w32: Vec<f32> = W.iter().map(|v| *v as f32).collect();
    let x32: Vec<f32> = XS.iter().map(|v| *v as f32).collect();
    let (_, g32) = f_gen_grad(&w32, &x32);
    for k in 0..g.len() {
        assert!((g[k] - f64::from(g32[k])).abs() < 1e-3 * (1.0 + g[k].abs()));
    }
}

// 15. Several float parameters: some data, some differentiated, in the same call.

#[differentiable]
fn h_three(a: f64, b: f64, c: f64) -> f64 {
    let t = a * b + c;
    t * t.sin() + a * c - b.exp() * a
}

#[differentiable]
fn f_three(w: &[f64], #[no_grad] xs: &[f64], #[no_grad] c: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_three(xs[i], w[0], c);
        l += h_three(w[1], xs[i], w[2]);
        l += h_three(c, xs[i], w[3] * xs[i]);
    }
    l
}

#[test]
fn several_float_parameters() {
    let (_, g) = f_three_grad(&W, &XS, 0.35);
    check("f_three", &|w| f_three(w, &XS, 0.35), &g, &W);
}

// 16. The same callee with the argument as data and differentiated in one loop trip.

#[differentiable]
fn h_poly(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in (0..w.len()).rev() {
        s = s * x + w[j];
    }
    s
}

#[differentiable]
fn f_both_ways(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let a = h_poly(w, xs[i]);
        let b = h_poly(w, w[0] * xs[i]);
        let c = h_poly(w, a);
        l += a * b + c;
    }
    l
}

#[test]
fn same_callee_both_ways_in_one_trip() {
    let (_, g) = f_both_ways_grad(&W, &XS);
    check("f_both_ways", &|w| f_both_ways(w, &XS), &g, &W);
}

// 17. The parameter flowing into a custom derivative.

#[custom_derivative(vjp = cube_rule_vjp, jvp = cube_rule_jvp)]
fn cube(x: f64) -> f64 {
    x * x * x
}
fn cube_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (cube(x), move |g: f64| 3.0 * x * x * g)
}
fn cube_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (cube(x), 3.0 * x * x * t)
}

#[differentiable]
fn h_custom(w: &[f64], x: f64) -> f64 {
    cube(x * w[0]) + cube(x) * w[1] + cube(w[2]) * x
}

#[differentiable]
fn f_custom(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_custom(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn into_a_custom_derivative() {
    let (_, g) = f_custom_grad(&W, &XS);
    check("f_custom", &|w| f_custom(w, &XS), &g, &W);
}

// 18. Methods on the parameter.

#[differentiable]
fn h_methods(w: &[f64], x: f64) -> f64 {
    x.powi(3) * w[0]
        + x.max(w[1])
        + w[2].min(x)
        + w[2].mul_add(x, w[0])
        + x.mul_add(w[1], w[2])
        + x.atan2(w[0])
        + w[1].hypot(x)
        + (x * w[3]).tanh()
}

#[differentiable]
fn f_methods(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_methods(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn methods_on_the_parameter() {
    let (_, g) = f_methods_grad(&W, &XS);
    check("f_methods", &|w| f_methods(w, &XS), &g, &W);
}

// 19. The call outside any loop, the point a scalar data parameter of the caller.

#[differentiable]
fn f_outside(w: &[f64], #[no_grad] a: f64) -> f64 {
    let u = h_shadow(w, a);
    let v = h_compound(w, a * 2.0 + 1.0);
    let z = h_methods(w, a);
    u * v + z
}

#[test]
fn call_outside_loops() {
    let (_, g) = f_outside_grad(&W, 0.45);
    check("f_outside", &|w| f_outside(w, 0.45), &g, &W);
}

// 20. A helper returning a tuple.

#[differentiable]
fn h_pair(w: &[f64], x: f64) -> (f64, f64) {
    let y = x * w[0];
    (y + w[1] * x, y * x + w[2])
}

#[differentiable]
fn f_pair(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let (a, b) = h_pair(w, xs[i]);
        l += a * b;
    }
    l
}

#[test]
fn helper_returning_a_tuple() {
    let (_, g) = f_pair_grad(&W, &XS);
    check("f_pair", &|w| f_pair(w, &XS), &g, &W);
}

// 21. The parameter returned as is, and copied into a local later assigned.

#[differentiable]
fn h_copy(w: &[f64], x: f64) -> f64 {
    let mut y = x;
    y *= w[0];
    let z = x;
    let mut u = z;
    u = u * w[1] + y;
    u + z * w[2]
}

#[differentiable]
fn f_copy(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_copy(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn copied_into_assigned_locals() {
    let (_, g) = f_copy_grad(&W, &XS);
    check("f_copy", &|w| f_copy(w, &XS), &g, &W);
}

// 22. The parameter passed on to other helpers, in a differentiated position and with a
// product.

#[differentiable]
fn h_inner(a: f64, x: f64) -> f64 {
    a * x * x + (a - x).tanh()
}

#[differentiable]
fn h_mid(w: &[f64], x: f64) -> f64 {
    h_inner(w[0], x) + h_inner(x, w[1]) + h_inner(x * w[2], x) + h_shadow(w, x)
}

#[differentiable]
fn f_mid(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_mid(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn passed_on_to_other_helpers() {
    let (_, g) = f_mid_grad(&W, &XS);
    check("f_mid", &|w| f_mid(w, &XS), &g, &W);
}

// 23. Tuple destructuring assignment and a swap by hand.

#[differentiable]
fn h_destructure(w: &[f64], mut x: f64) -> f64 {
    let mut y = w[0];
    (x, y) = (y * x, x + w[1]);
    let t = x;
    x = y;
    y = t;
    x * w[2] + y * y
}

#[differentiable]
fn f_destructure(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_destructure(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn destructuring_assignment() {
    let (_, g) = f_destructure_grad(&W, &XS);
    check("f_destructure", &|w| f_destructure(w, &XS), &g, &W);
    written_through_swap();
}

// 24. Assigned only inside a branch.

#[differentiable]
fn h_assign_branch(w: &[f64], mut x: f64) -> f64 {
    let s = x * w[3];
    if w[0] > 0.0 {
        x = x * w[1] + w[2];
    }
    s + x * x
}

#[differentiable]
fn f_assign_branch(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_assign_branch(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn assigned_only_in_a_branch() {
    let (_, g) = f_assign_branch_grad(&W, &XS);
    check("f_assign_branch", &|w| f_assign_branch(w, &XS), &g, &W);
    assigned_on_one_loop_trip();
    assigned_in_loop_break_and_block();
}

// 25. Assigned on one loop trip only.

#[differentiable]
fn h_assign_loop(w: &[f64], mut x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        if j == 2 {
            x = w[j] * x + w[0];
        }
        s += x * w[j];
    }
    s
}

#[differentiable]
fn f_assign_loop(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_assign_loop(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `assigned_only_in_a_branch`.
fn assigned_on_one_loop_trip() {
    let (_, g) = f_assign_loop_grad(&W, &XS);
    check("f_assign_loop", &|w| f_assign_loop(w, &XS), &g, &W);
}

// 26. Shadowed inside each loop trip (the outer parameter read every trip) and in a block.

#[differentiable]
fn h_shadow_loop(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        let x = w[j] * x + s;
        s += x * x;
    }
    let a = {
        let x = x * w[0];
        x.exp()
    };
    s + a + x * w[1]
}

#[differentiable]
fn f_shadow_loop(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_shadow_loop(w, xs[i]);
    }
    l
}

/// Part of `shadowed_by_let`.
fn shadowed_in_loop_and_block() {
    let (_, g) = f_shadow_loop_grad(&W, &XS);
    check("f_shadow_loop", &|w| f_shadow_loop(w, &XS), &g, &W);
}

// 27. A `while` loop conditioned on the parameter.

#[differentiable]
fn h_while_cond(w: &[f64], x: f64) -> f64 {
    let mut t = -1.0;
    let mut s = 0.0;
    while t < x {
        s = s * w[1] + w[0] * t + x;
        t += 0.37;
    }
    s
}

#[differentiable]
fn f_while_cond(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_while_cond(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn while_on_the_parameter() {
    let (_, g) = f_while_cond_grad(&W, &XS);
    check("f_while_cond", &|w| f_while_cond(w, &XS), &g, &W);
}

// 28. Three levels: the caller's data reaching a helper through a helper.

#[differentiable]
fn h_top(w: &[f64], x: f64) -> f64 {
    let a = h_mid(w, x);
    let b = h_rebind_mut(w, x * a);
    a * b + h_compound(w, x)
}

#[differentiable]
fn f_top(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_top(w, xs[i]);
    }
    l
}

#[test]
fn three_levels() {
    let (_, g) = f_top_grad(&W, &XS);
    check("f_top", &|w| f_top(w, &XS), &g, &W);
}

// 29. Arguments that are data but not plain reads: an integer cast, a product of data, a
// differentiated value cut by an integer cast.

#[differentiable]
fn f_args(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_shadow(w, i as f64 * 0.1);
        l += h_copy(w, xs[i] * xs[i] + 1.0);
        l += h_compound(w, ((w[0] * 10.0 + 0.5) as i32) as f64 * 0.05);
    }
    l
}

#[test]
fn data_arguments_of_other_forms() {
    let (_, g) = f_args_grad(&W, &XS);
    check("f_args", &|w| f_args(w, &XS), &g, &W);
}

// 30. `order = 2`: gradient against central differences, Hessian-vector product against
// central differences of the gradient.

#[differentiable(order = 2)]
fn h2(w: &[f64], x: f64) -> f64 {
    let x2 = x * w[0];
    let mut s = 0.0;
    for j in 0..w.len() {
        s += (x2 + w[j]).sin() * x;
    }
    s + x.powi(2) * w[1] * w[2]
}

#[differentiable(order = 2)]
fn f2(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h2(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn order_two_callee() {
    let (_, g) = f2_grad(&W, &XS);
    check("f2", &|w| f2(w, &XS), &g, &W);
    let v = [0.3, -0.2, 0.5, 0.1];
    let (_, _, hv) = f2_hvp(&W, &XS, v.to_vec());
    let h = 1e-5;
    let at = |t: f64| {
        let p: Vec<f64> = W.iter().zip(&v).map(|(a, b)| a + t * b).collect();
        f2_grad(&p, &XS).1
    };
    let (gp, gm) = (at(h), at(-h));
    for k in 0..4 {
        let d = (gp[k] - gm[k]) / (2.0 * h);
        assert!(
            (hv[k] - d).abs() < 1e-6 * (1.0 + d.abs()),
            "f2 hvp[{k}]: {} vs {d}",
            hv[k]
        );
    }
}

// 31. The parameter only in a condition and a `max` against differentiated values.

#[differentiable]
fn h_cond_only(w: &[f64], x: f64) -> f64 {
    let m = w[0].max(w[1] * x);
    if x > 0.0 { m * w[2] } else { m - w[3] }
}

#[differentiable]
fn f_cond_only(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_cond_only(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn condition_and_max() {
    let (_, g) = f_cond_only_grad(&W, &XS);
    check("f_cond_only", &|w| f_cond_only(w, &XS), &g, &W);
}

// 32. Several float parameters, all data in one call, assigned ones among them.

#[differentiable]
fn h_many(w: &[f64], a: f64, mut b: f64, c: f64) -> f64 {
    b = b * w[0] + a;
    let c = c * b;
    a * w[1] + b * c + w[2] * a * c
}

#[differentiable]
fn f_many(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_many(w, xs[i], xs[(i + 1) % xs.len()], 0.5);
        l += h_many(w, w[3], xs[i], w[1] * xs[i]);
    }
    l
}

#[test]
fn many_float_parameters() {
    let (_, g) = f_many_grad(&W, &XS);
    check("f_many", &|w| f_many(w, &XS), &g, &W);
}

// 34. In a local tuple and array, destructured again.

#[differentiable]
fn h_tuple_array(w: &[f64], x: f64) -> f64 {
    let p = (x, w[0] * x);
    let (a, b) = p;
    let arr = [x, w[1], b * w[2]];
    let mut s = 0.0;
    for k in 0..3 {
        s += arr[k] * arr[(k + 1) % 3];
    }
    s + a * p.1
}

#[differentiable]
fn f_tuple_array(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_tuple_array(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `captured_in_a_local_vec`.
fn in_a_local_tuple_and_array() {
    let (_, g) = f_tuple_array_grad(&W, &XS);
    check("f_tuple_array", &|w| f_tuple_array(w, &XS), &g, &W);
}

// 35. Recursion: the top call's point is data, the nested calls' a differentiated product.

#[differentiable]
fn h_rec(w: &[f64], x: f64, n: u32) -> f64 {
    if n == 0 {
        return x * w[0];
    }
    let prev = h_rec(w, x * w[1], n - 1);
    prev.sin() + x * w[2]
}

#[differentiable]
fn f_rec(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_rec(w, xs[i], 3);
    }
    l
}

#[test]
fn recursion() {
    let (_, g) = f_rec_grad(&W, &XS);
    check("f_rec", &|w| f_rec(w, &XS), &g, &W);
}

// 36. Assigned inside a `loop` with a `break` value and inside a block expression.

#[differentiable]
fn h_loop_break(w: &[f64], mut x: f64) -> f64 {
    let mut k = 0;
    let y = loop {
        x = x * w[k % w.len()] + 0.1;
        k += 1;
        if k >= 3 {
            break x * w[0];
        }
    };
    let z = {
        x = x + w[1] * y;
        x * x
    };
    y + z + x
}

#[differentiable]
fn f_loop_break(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_loop_break(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `assigned_only_in_a_branch`.
fn assigned_in_loop_break_and_block() {
    let (_, g) = f_loop_break_grad(&W, &XS);
    check("f_loop_break", &|w| f_loop_break(w, &XS), &g, &W);
}

// 37. Generic helper with an assigned `mut` parameter and an unassigned one.

#[differentiable]
fn h_gen_mut<T: Real>(w: &[T], mut x: T, y: T) -> T {
    for j in 0..w.len() {
        x = x * w[j] + y;
    }
    x * y + w[0] * y.exp()
}

#[differentiable]
fn f_gen_mut<T: Real>(w: &[T], #[no_grad] xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        l += h_gen_mut(w, xs[i], xs[(i + 2) % xs.len()]);
        l += h_gen_mut(w, w[1], xs[i]);
        l += h_gen_mut(w, xs[i], w[2] * xs[i]);
    }
    l
}

#[test]
fn generic_mut_and_plain_parameters() {
    let (_, g) = f_gen_mut_grad(&W, &XS);
    check("f_gen_mut", &|w| f_gen_mut(w, &XS), &g, &W);
}

// 38. `order = 2` callee with shadowing, an assigned parameter and a nested helper, called
// with data and with differentiated values.

#[differentiable(order = 2)]
fn h2_inner(a: f64, x: f64) -> f64 {
    a * x * x + (a - x).tanh()
}

#[differentiable(order = 2)]
fn h2b(w: &[f64], x: f64, mut y: f64) -> f64 {
    let x = x * w[0] + w[1];
    y = y * x + w[2];
    h2_inner(w[3], x) + h2_inner(y, w[0]) + x * y
}

#[differentiable(order = 2)]
fn f2b(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h2b(w, xs[i], xs[(i + 1) % xs.len()]);
        l += h2b(w, w[2] * xs[i], xs[i]);
        l += h2b(w, xs[i], w[1]);
    }
    l
}

/// Generic `order = 2` helper with the point as data.
#[differentiable(order = 2)]
fn h2g<T: Real>(w: &[T], x: T) -> T {
    let mut s = T::zero();
    for j in 0..w.len() {
        s += (w[j] * x).sin() * w[j] + x * x * w[0];
    }
    s
}

#[differentiable(order = 2)]
fn f2g<T: Real>(w: &[T], #[no_grad] xs: &[T]) -> T {
    let mut l = T::zero();
    for i in 0..xs.len() {
        let e = h2g(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn order_two_shadow_assigned_nested() {
    let (_, g) = f2b_grad(&W, &XS);
    check("f2b", &|w| f2b(w, &XS), &g, &W);
    let v = [0.3, -0.2, 0.5, 0.1];
    let (_, _, hv) = f2b_hvp(&W, &XS, v.to_vec());
    let h = 1e-5;
    let at = |t: f64| {
        let p: Vec<f64> = W.iter().zip(&v).map(|(a, b)| a + t * b).collect();
        f2b_grad(&p, &XS).1
    };
    let (gp, gm) = (at(h), at(-h));
    for k in 0..4 {
        let d = (gp[k] - gm[k]) / (2.0 * h);
        assert!(
            (hv[k] - d).abs() < 1e-6 * (1.0 + d.abs()),
            "f2b hvp[{k}]: {} vs {d}",
            hv[k]
        );
    }
    let (_, g) = f2g_grad(&W, &XS);
    check("f2g", &|w| f2g(w, &XS), &g, &W);
    let (_, _, hv) = f2g_hvp(&W, &XS, v.to_vec());
    let atg = |t: f64| {
        let p: Vec<f64> = W.iter().zip(&v).map(|(a, b)| a + t * b).collect();
        f2g_grad(&p, &XS).1
    };
    let (gp, gm) = (atg(h), atg(-h));
    for k in 0..4 {
        let d = (gp[k] - gm[k]) / (2.0 * h);
        assert!(
            (hv[k] - d).abs() < 1e-6 * (1.0 + d.abs()),
            "f2g hvp[{k}]: {} vs {d}",
            hv[k]
        );
    }
}

// 39. A scalar differentiated parameter of the caller next to data, the data point passed
// twice in one call.

#[differentiable]
fn h_twice(a: f64, b: f64, c: f64) -> f64 {
    let t = a * b;
    let a = t + c;
    a * a + b * c
}

#[differentiable]
fn f_twice(s: f64, w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_twice(xs[i], xs[i], s);
        l += h_twice(xs[i], s, xs[i]);
        l += h_twice(w[i % w.len()], xs[i], xs[i]);
    }
    l * s
}

#[test]
fn data_passed_twice() {
    let (_, (gs, gw)) = f_twice_grad(0.6, &W, &XS);
    let mut p = vec![0.6];
    p.extend_from_slice(&W);
    let mut g = vec![gs];
    g.extend(gw);
    check("f_twice", &|p| f_twice(p[0], &p[1..], &XS), &g, &p);
}

// 40. A `while` loop whose accumulator starts as the parameter, with `continue` and `break`.

#[differentiable]
fn h_while_acc(w: &[f64], x: f64) -> f64 {
    let mut acc = x;
    let mut j = 0;
    while j < 8 {
        j += 1;
        if j % 3 == 0 {
            continue;
        }
        acc = acc * w[j % w.len()] + x * w[0];
        if acc.abs() < 1e-3 {
            break;
        }
    }
    acc + x
}

#[differentiable]
fn f_while_acc(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_while_acc(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `while_loop_with_break`.
fn while_accumulator_from_parameter() {
    let (_, g) = f_while_acc_grad(&W, &XS);
    check("f_while_acc", &|w| f_while_acc(w, &XS), &g, &W);
}

// 41. The caller's argument starts as data and becomes differentiated on a later trip (a
// loop-carried variable, a branch, a `while` loop).

#[differentiable]
fn f_carried(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut t = 0.5;
    for i in 0..xs.len() {
        l += h_shadow(w, t);
        t = t * w[0] + xs[i];
    }
    let mut u = xs[0];
    for i in 0..xs.len() {
        if i > 1 {
            u = w[1] * u;
        }
        l += h_poly(w, u);
    }
    let mut v = xs[1];
    let mut k = 0;
    while k < 3 {
        l += h_methods(w, v);
        v = w[k] + xs[k];
        k += 1;
    }
    l
}

#[test]
fn argument_becomes_differentiated_later() {
    let (_, g) = f_carried_grad(&W, &XS);
    check("f_carried", &|w| f_carried(w, &XS), &g, &W);
}

// 42. The argument read from a local `Vec` of data with some elements overwritten by
// differentiated values.

#[differentiable]
fn f_vec_arg(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut ys = vec![0.0; xs.len()];
    for i in 0..xs.len() {
        ys[i] = xs[i];
    }
    ys[2] = w[0] * xs[2];
    let mut zs = xs.to_vec();
    zs[0] = w[3];
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_shadow(w, ys[i]) + h_compound(w, zs[i]);
    }
    l
}

#[test]
fn argument_from_a_partly_differentiated_vec() {
    let (_, g) = f_vec_arg_grad(&W, &XS);
    check("f_vec_arg", &|w| f_vec_arg(w, &XS), &g, &W);
}

// 43. A data parameter of the caller reassigned with a differentiated value before the call.

#[differentiable]
fn f_data_reassigned(w: &[f64], #[no_grad] mut c: f64) -> f64 {
    let a = h_shadow(w, c);
    c = c * w[0];
    let b = h_shadow(w, c);
    a * b
}

#[test]
fn data_parameter_reassigned_in_the_caller() {
    let (_, g) = f_data_reassigned_grad(&W, 0.8);
    check("f_data_reassigned", &|w| f_data_reassigned(w, 0.8), &g, &W);
}

// 44. Other assignment forms: negation, an `if` value, a block tail, a labeled `loop`.

#[differentiable]
fn h_forms(w: &[f64], mut x: f64) -> f64 {
    let s0 = x * w[3];
    x = -x;
    let a = x * w[0];
    x = if a > 0.0 { x * w[1] } else { x + w[2] };
    let b = {
        x = x * x + w[0];
        x
    };
    let c = 'blk: loop {
        if b > 10.0 {
            break 'blk b;
        }
        x = x * w[1];
        break x + 1.0;
    };
    s0 + a + b * c + x
}

#[differentiable]
fn f_forms(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_forms(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `compound_assignments_to_the_parameter`.
fn other_assignment_forms() {
    let (_, g) = f_forms_grad(&W, &XS);
    check("f_forms", &|w| f_forms(w, &XS), &g, &W);
}

// 45. The argument the value of another call (differentiated) and the product of two calls'
// values with data.

#[differentiable]
fn f_call_arg(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_shadow(w, h_poly(w, xs[i]));
        l += h_copy(w, h_shadow(w, xs[i]) * xs[i]);
    }
    l
}

#[test]
fn argument_from_another_call() {
    let (_, g) = f_call_arg_grad(&W, &XS);
    check("f_call_arg", &|w| f_call_arg(w, &XS), &g, &W);
}

// 46. Data points where the derivative in the point is infinite or undefined (`sqrt`, `powf`,
// `abs` at zero) while the weights' is finite.

#[differentiable]
fn h_singular(w: &[f64], x: f64) -> f64 {
    w[0] * x.sqrt() + x.powf(w[1] + 1.5) + w[2].powf(x) + w[3] * x.abs()
}

#[differentiable]
fn f_singular(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_singular(w, xs[i]);
        l += e * e;
    }
    l
}

#[test]
fn singular_in_the_data_point() {
    let w = [0.7, 0.4, 0.9, 0.3];
    let xs = [0.0, 0.25, 0.0, 1.3];
    let (_, g) = f_singular_grad(&w, &xs);
    check("f_singular", &|w| f_singular(w, &xs), &g, &w);
}

// 47. A call taken in the forward sweep (a fresh local `Vec` lent by reference, the point by
// value as data), with a custom rule not linear in its cotangent inside: the weights' gradient
// against the same function with the points differentiated.

#[custom_derivative(vjp = clipped_rule_vjp, jvp = clipped_rule_jvp)]
fn clipped(x: f64) -> f64 {
    x * x
}
fn clipped_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (clipped(x), move |g: f64| (2.0 * x * g).clamp(-0.5, 0.5))
}
fn clipped_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (clipped(x), 2.0 * x * t)
}

#[differentiable]
fn g_local(v: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..v.len() {
        s += clipped(v[j] * x) + v[j] * x.sin();
    }
    s
}

#[differentiable]
fn f_local_data(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = vec![w[0] * xs[i], w[1], w[2] + xs[i], w[3]];
        l += 3.0 * g_local(&v, xs[i]);
    }
    l
}

#[differentiable]
fn f_local_both(w: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = vec![w[0] * xs[i], w[1], w[2] + xs[i], w[3]];
        l += 3.0 * g_local(&v, xs[i]);
    }
    l
}

#[differentiable]
fn g_local_smooth(v: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..v.len() {
        s += (v[j] * x) * (v[j] * x) + v[j] * x.sin();
    }
    s
}

#[differentiable]
fn f_local_smooth(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let v = vec![w[0] * xs[i], w[1], w[2] + xs[i], w[3]];
        l += 0.1 * g_local_smooth(&v, xs[i]);
    }
    l
}

#[test]
fn call_taken_in_the_forward_sweep() {
    let (_, g) = f_local_smooth_grad(&W, &XS);
    check("f_local_smooth", &|w| f_local_smooth(w, &XS), &g, &W);
    let (_, gd) = f_local_data_grad(&W, &XS);
    let (_, (gb, _)) = f_local_both_grad(&W, &XS);
    for k in 0..4 {
        assert!(
            (gd[k] - gb[k]).abs() <= 1e-12 * (1.0 + gb[k].abs()),
            "f_local_data[{k}]: {} vs {} with the points differentiated",
            gd[k],
            gb[k]
        );
    }
}

// 48. Written through `std::mem::swap` (a `&mut` reborrow and `mem::replace` are refused).

#[differentiable]
fn h_swap(w: &[f64], mut x: f64) -> f64 {
    let mut y = w[0] * x;
    std::mem::swap(&mut x, &mut y);
    x * w[1] + y
}

#[differentiable]
fn f_swap(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = h_swap(w, xs[i]);
        l += e * e;
    }
    l
}

/// Part of `destructuring_assignment`.
fn written_through_swap() {
    let (_, g) = f_swap_grad(&W, &XS);
    check("f_swap", &|w| f_swap(w, &XS), &g, &W);
}

// 49. A method on a derived struct with the point as data, called from another method.

#[derive(Differentiable, Clone, Debug)]
struct Coef {
    a: f64,
    b: f64,
    c: f64,
}

impl Coef {
    #[differentiable]
    fn eval(&self, x: f64) -> f64 {
        let y = x * self.a;
        let x = x + self.b;
        y * x + self.c * x.sin()
    }

    #[differentiable]
    fn loss(&self, #[no_grad] xs: &[f64]) -> f64 {
        let mut l = 0.0;
        for i in 0..xs.len() {
            let e = self.eval(xs[i]) - self.eval(self.a * xs[i]);
            l += e * e + self.eval(xs[i]);
        }
        l
    }
}

#[test]
fn method_with_data_point() {
    let c = Coef {
        a: 0.7,
        b: -0.4,
        c: 0.9,
    };
    let (_, g) = c.loss_grad(&XS);
    let f = |p: &[f64]| {
        Coef {
            a: p[0],
            b: p[1],
            c: p[2],
        }
        .loss(&XS)
    };
    check("Coef::loss", &f, &[g.a, g.b, g.c], &[c.a, c.b, c.c]);
}

// 50. The caller's argument data on the first trip only: a value carried through the helper
// itself, an element written after it is read, a data parameter reassigned after the call, an
// argument chosen by an `if`, a pushed differentiated element.

#[differentiable]
fn f_iterated(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut t = xs[0];
    for _ in 0..3 {
        t = h_shadow(w, t) * 0.3;
    }
    let mut u = xs[1];
    let mut k = 0;
    while k < 3 {
        u = h_poly(w, u) * 0.5;
        k += 1;
    }
    t + u
}

#[differentiable]
fn f_written_after(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut ys = xs.to_vec();
    let mut l = 0.0;
    for i in 0..ys.len() - 1 {
        l += h_compound(w, ys[i]);
        ys[i + 1] = ys[i + 1] * w[0];
    }
    l
}

#[differentiable]
fn f_param_after(w: &[f64], #[no_grad] mut c: f64, #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += h_methods(w, c) + h_shadow(w, if i % 2 == 0 { xs[i] } else { w[1] * xs[i] });
        c = c * w[0] + xs[i];
    }
    l
}

#[differentiable]
fn f_pushed_arg(w: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut ys = xs.to_vec();
    ys.push(w[2]);
    ys.push(w[3] * xs[0]);
    let mut l = 0.0;
    for i in 0..ys.len() {
        l += h_rebind_mut(w, ys[i]);
    }
    l
}

#[test]
fn caller_argument_data_on_first_trip_only() {
    let (_, g) = f_iterated_grad(&W, &XS);
    check("f_iterated", &|w| f_iterated(w, &XS), &g, &W);
    let (_, g) = f_written_after_grad(&W, &XS);
    check("f_written_after", &|w| f_written_after(w, &XS), &g, &W);
    let (_, g) = f_param_after_grad(&W, 0.4, &XS);
    check("f_param_after", &|w| f_param_after(w, 0.4, &XS), &g, &W);
    let (_, g) = f_pushed_arg_grad(&W, &XS);
    check("f_pushed_arg", &|w| f_pushed_arg(w, &XS), &g, &W);
}
