//! Trip sums, chosen values around calls, constant indices, scopes; the zero rule's convention, pullbacks called again, forward mode, `&self` methods; more shapes.

use super::*;
// functions of other sections checked again here
use super::scalars::*;
use super::slices::*;

// ------------------------------------------------------------------------------------------------
// 9. Trip sums, values chosen by branches around calls, constant indices, scopes
// ------------------------------------------------------------------------------------------------

/// A trip sum, then a call on it; and a call in a trip sum's loop (not fusable).
#[differentiable]
fn trip_sum_then_call(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..x.len() {
            y += x[k] * x[(i + k) % x.len()];
        }
        s += huber(y - a, 0.4) * x[i];
    }
    s * s
}

#[differentiable]
fn call_in_trip_sum(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..x.len() {
            y += huber(x[k] - x[i], a);
        }
        s += y * x[i];
    }
    s.sin()
}

#[test]
fn trip_sums_and_calls() {
    for (x, a) in [(sines(6, 0.9), 0.3), (sines(5, 0.4), -0.2)] {
        let n = x.len();
        let p = join1(&x, &[a]);
        let (v, (gx, ga)) = trip_sum_then_call_grad(&x, a);
        check_value_grad(
            "trip_sum_then_call",
            |p| trip_sum_then_call(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &p,
        );
        let (v, (gx, ga)) = call_in_trip_sum_grad(&x, a.abs());
        check_value_grad(
            "call_in_trip_sum",
            |p| call_in_trip_sum(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a.abs()]),
        );
    }
}

/// Three values chosen by branches, each read by calls after it: the code after each branch is
/// written into each of its arms (eight copies of the last call).
#[differentiable]
fn three_choices(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let e = if x[i] > 0.0 { x[i] * a } else { x[i] - a };
        let h = huber(e, a.abs() + 0.1);
        let f = if h > 0.05 { h * e } else { e + a };
        let g = early(f, a) + huber(e, 0.2);
        let q = if g > 0.0 { g * g } else { -g * a };
        s += early(q, e) + h;
    }
    s * a
}

#[test]
fn three_chosen_values_with_calls_between() {
    for (x, a) in [(sines(11, 1.2), 0.35), (sines(9, 0.5), -0.25)] {
        let n = x.len();
        let (v, (gx, ga)) = three_choices_grad(&x, a);
        check_value_grad(
            "three_choices",
            |p| three_choices(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// Constant indices into parameters read beside calls and passed whole with them.
#[differentiable]
fn const_elems(t: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += huber(x[i] - x[0], t[1].abs() + 0.1) + pick(t, i % (t.len() - 1), t[0] * x[i]);
    }
    s * x[1]
}

#[test]
fn constant_indices_beside_calls() {
    let t = sines(4, 0.8);
    let x = sines(8, 1.1);
    let (v, (gt, gx)) = const_elems_grad(&t, &x);
    check_value_grad("const_elems t", |p| const_elems(p, &x), (v, gt), &t);
    check("const_elems x", |p| const_elems(&t, p), &gx, &x);
}

/// A call in a nested block and a call whose result only decides a branch.
#[differentiable]
fn scoped(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = huber(x[i], a);
        {
            let g = early(x[i], a);
            s += g * 0.5;
        }
        if h > 0.02 {
            s += x[i] * a;
        }
    }
    s * s
}

#[test]
fn call_in_a_block_and_a_call_deciding_a_branch() {
    for (x, a) in [(sines(10, 0.8), 0.3), (sines(7, 0.3), 0.1)] {
        let n = x.len();
        let (v, (gx, ga)) = scoped_grad(&x, a);
        check_value_grad(
            "scoped",
            |p| scoped(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// Triangular nest, reversed range, helper with a `mut` parameter reassigned, a helper taking
/// `&f64`.
#[differentiable]
fn folded(x: f64, c: f64) -> f64 {
    let mut x = x;
    if x < 0.0 {
        x = -x * c;
    }
    x * x + c
}

#[differentiable]
fn by_ref_arg(v: &f64, c: f64) -> f64 {
    if *v > c { *v * c } else { c - *v }
}

#[differentiable]
fn odd_loops(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..i {
            s += folded(x[i] - x[j], a);
        }
    }
    let mut t = 0.0;
    for k in (0..x.len()).rev() {
        t += by_ref_arg(&x[k], a) * folded(x[k], a);
    }
    s * t
}

#[test]
fn triangular_nest_reversed_range_and_odd_helpers() {
    for (x, a) in [(sines(6, 0.9), 0.4), (sines(7, 1.4), -0.3)] {
        let n = x.len();
        let (v, (gx, ga)) = odd_loops_grad(&x, a);
        check_value_grad(
            "odd_loops",
            |p| odd_loops(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

// ------------------------------------------------------------------------------------------------
// 10. The zero rule's convention, pullbacks called again, forward mode, `&self` methods
// ------------------------------------------------------------------------------------------------

/// `sqrt` with its infinite partial at 0 (the arm taken at 0).
#[differentiable]
fn root_yes(x: f64, c: f64) -> f64 {
    if x >= 0.0 { x.sqrt() * c } else { -x * c }
}

/// The same value through a wrapper: its hint says no (it calls the user's), the usual sweep.
#[differentiable]
fn root_no(x: f64, c: f64) -> f64 {
    if x > f64::NEG_INFINITY {
        root_yes(x, c)
    } else {
        x
    }
}

#[differentiable]
fn zero_ds_yes(x: &[f64], c: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += root_yes(x[i], c);
    }
    s * w + c
}

#[differentiable]
fn zero_ds_no(x: &[f64], c: f64, w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += root_no(x[i], c);
    }
    s * w + c
}

#[test]
fn an_infinite_partial_under_a_zero_cotangent_as_the_usual_sweep_gives_it() {
    let x = [0.0, 0.81, -0.3, 4.0];
    // w = 0: ds = 0, so dx = 0 · ∂ = 0 under the zero rule, also at x = 0 where ∂ = ∞; dc = 1;
    // dw = s = c (0 + 0.9 + 0.3 + 2).
    for c in [0.5, 0.0] {
        let (vy, (gy, cy, wy)) = zero_ds_yes_grad(&x, c, 0.0);
        let (vn, (gn, cn, wn)) = zero_ds_no_grad(&x, c, 0.0);
        near("value", vy, vn);
        for i in 0..x.len() {
            assert!(
                gy[i].is_finite() && gy[i].abs() < 1e-12,
                "fused x[{i}] {}",
                gy[i]
            );
            assert!(
                gn[i].is_finite() && gn[i].abs() < 1e-12,
                "usual x[{i}] {}",
                gn[i]
            );
        }
        near("c", cy, 1.0);
        near("c usual", cn, 1.0);
        near("w", wy, c * 3.2);
        near("w usual", wn, c * 3.2);
    }
    // w ≠ 0: x = 0 gives an infinite partial in both
    let (_, (gy, _, _)) = zero_ds_yes_grad(&x, 0.5, 2.0);
    let (_, (gn, _, _)) = zero_ds_no_grad(&x, 0.5, 2.0);
    for i in 0..x.len() {
        if x[i] == 0.0 {
            assert!(
                gy[i] == f64::INFINITY && gn[i] == f64::INFINITY,
                "x[{i}] {} {}",
                gy[i],
                gn[i]
            );
        } else {
            let want = if x[i] >= 0.0 {
                2.0 * 0.5 * 0.5 / x[i].sqrt()
            } else {
                -2.0 * 0.5
            };
            near(&format!("x[{i}]"), gy[i], want);
            near(&format!("usual x[{i}]"), gn[i], want);
        }
    }
}

/// Two outputs from one fused sum: `ds` is a mix of both cotangents.
#[differentiable]
fn two_outputs(x: &[f64], a: f64) -> (f64, f64) {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += huber(x[i], a) + early(x[i], a);
    }
    (s, s * s * a)
}

#[test]
fn pullback_called_again_and_forward_mode() {
    let table = sines(6, 0.5);
    let xs = sines(9, 1.1);
    let (_, (gt, gx)) = twice_fit_grad(&table, &xs);
    let (_, back) = twice_fit_vjp(&table, &xs);
    for cot in [2.0, 1.0, -0.5, 0.0] {
        let (bt, bx) = back(cot);
        for k in 0..gt.len() {
            near(&format!("vjp {cot} t[{k}]"), bt[k], cot * gt[k]);
        }
        for k in 0..gx.len() {
            near(&format!("vjp {cot} x[{k}]"), bx[k], cot * gx[k]);
        }
    }
    // tangent along a direction against the gradient's dot product
    let (dt, dx) = (sines(6, 0.3), sines(9, -0.7));
    let (_, d) = twice_fit_jvp(&table, &xs, dt.clone(), dx.clone());
    let want: f64 = gt.iter().zip(&dt).map(|(a, b)| a * b).sum::<f64>()
        + gx.iter().zip(&dx).map(|(a, b)| a * b).sum::<f64>();
    assert!(
        (d - want).abs() < 1e-10 * (1.0 + want.abs()),
        "jvp {d} vs {want}"
    );
    // a tuple output's pullback, called with several cotangents
    let (x, a) = (sines(7, 1.1), 0.3);
    let p = join1(&x, &[a]);
    let (_, back) = two_outputs_vjp(&x, a);
    for (c0, c1) in [(1.0, 0.0), (0.0, 1.0), (0.7, -2.0)] {
        let (gx, ga) = back((c0, c1));
        close(
            "two_outputs",
            |p| {
                let (u, v) = two_outputs(&p[..7], p[7]);
                c0 * u + c1 * v
            },
            &join1(&gx, &[ga]),
            &p,
        );
    }
}

#[derive(Differentiable, Clone, Debug)]
struct Scale {
    w: f64,
}

impl Scale {
    #[differentiable]
    fn kink(r: f64, c: f64) -> f64 {
        if r > c {
            r - c
        } else {
            (r - c) * (r - c) * 0.5
        }
    }

    /// A method whose loop reads only the slice: the receiver after the loop.
    #[differentiable]
    fn loss(&self, x: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += Self::kink(x[i], 0.2);
        }
        s * self.w + self.w * self.w
    }
}

#[test]
fn method_with_a_fused_loop_calling_an_associated_helper() {
    let x = sines(9, 1.0);
    let m = Scale { w: 0.7 };
    let (v, (gm, gx)) = m.loss_grad(&x);
    check_value_grad("Scale::loss x", |p| m.loss(p), (v, gx), &x);
    close(
        "Scale::loss w",
        |p| Scale { w: p[0] }.loss(&x),
        &[gm.w],
        &[m.w],
    );
}

// ------------------------------------------------------------------------------------------------
// 11. More shapes: a trip sum reading a call's result, empty loops with whole slices, casts,
//     raw and const-generic helpers, a chosen value between calls, Hessian in both parameters
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn call_then_trip_sum(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = huber(x[i] - a, 0.3);
        let mut y = 0.0;
        for k in 0..x.len() {
            y += x[k] * h;
        }
        s += y * y + early(x[i], a);
    }
    s
}

#[test]
fn trip_sum_reading_a_call_result() {
    for (x, a) in [(sines(6, 0.9), 0.2), (sines(7, 0.4), -0.1)] {
        let n = x.len();
        let (v, (gx, ga)) = call_then_trip_sum_grad(&x, a);
        check_value_grad(
            "call_then_trip_sum",
            |p| call_then_trip_sum(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// `pick` through a wrapper (its hint says no): the usual sweep, for comparison.
#[differentiable]
fn pick_no(table: &[f64], k: usize, x: f64) -> f64 {
    if x > f64::NEG_INFINITY {
        pick(table, k, x)
    } else {
        x
    }
}

#[differentiable]
fn whole_yes(table: &[f64], xs: &[f64], #[no_grad] n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += pick(table, i % (table.len() - 1), xs[i]);
    }
    s * 2.0 + table[0]
}

#[differentiable]
fn whole_no(table: &[f64], xs: &[f64], #[no_grad] n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += pick_no(table, i % (table.len() - 1), xs[i]);
    }
    s * 2.0 + table[0]
}

#[test]
fn zero_trips_with_a_whole_slice_as_the_usual_sweep() {
    let table = sines(5, 0.7);
    let xs = sines(6, 1.0);
    for n in [0, 1, 6] {
        let (vy, (ty, xy)) = whole_yes_grad(&table, &xs, n);
        let (vn, (tn, xn)) = whole_no_grad(&table, &xs, n);
        near("value", vy, vn);
        assert_eq!(ty.len(), tn.len(), "table gradient lengths, n = {n}");
        assert_eq!(xy.len(), xn.len(), "xs gradient lengths, n = {n}");
        for k in 0..ty.len() {
            near(&format!("n = {n} table[{k}]"), ty[k], tn[k]);
        }
        for k in 0..xy.len() {
            near(&format!("n = {n} xs[{k}]"), xy[k], xn[k]);
        }
        check("whole_yes", |t| whole_yes(t, &xs, n), &ty, &table);
    }
}

/// f32 parameters through an f64 helper by casts.
#[differentiable]
fn cast_fit(x: &[f32], a: f32) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        s += huber(x[i] as f64 * a as f64, 0.3) as f32;
    }
    s * a
}

#[test]
fn casts_around_the_call() {
    let x = sines(8, 1.0);
    let a = 0.7;
    let f = |p: &[f64]| {
        let n = p.len() - 1;
        let hub = |r: f64| {
            if r.abs() <= 0.3 {
                0.5 * r * r
            } else {
                0.3 * (r.abs() - 0.15)
            }
        };
        (0..n).map(|i| hub(p[i] * p[n])).sum::<f64>() * p[n]
    };
    let fd = numeric_gradient(f, &join1(&x, &[a]), 1e-6);
    let (_, (gx, ga)) = cast_fit_grad(&to32(&x), a as f32);
    let mut g = gx.clone();
    g.push(ga);
    agree("cast_fit", &fd, &g, 1e-3);
}

/// A raw identifier and a const-generic helper.
#[differentiable]
fn r#loop(x: f64, c: f64) -> f64 {
    if x > c { x * c } else { x - c * c }
}

#[differentiable]
fn powered<const N: usize>(x: f64, c: f64) -> f64 {
    if N > 1 && x > 0.0 {
        x.powi(N as i32) * c
    } else {
        x * c
    }
}

#[differentiable]
fn odd_names(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += r#loop(x[i], c) + powered::<3>(x[i], c) - powered::<1>(c, x[i]);
    }
    s.cos()
}

#[test]
fn raw_identifier_and_const_generic_helpers() {
    for (x, c) in [(sines(8, 1.1), 0.3), (sines(5, 0.6), -0.4)] {
        let n = x.len();
        let (v, (gx, gc)) = odd_names_grad(&x, c);
        check_value_grad(
            "odd_names",
            |p| odd_names(&p[..n], p[n]),
            (v, join1(&gx, &[gc])),
            &join1(&x, &[c]),
        );
    }
}

/// A chosen value, a call on it, a second chosen value from the call, a call on that.
#[differentiable]
fn two_choices(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let e = if x[i] > 0.0 { x[i] * a } else { x[i] - a };
        let h = huber(e, 0.3);
        let f = if h > 0.05 { h * e } else { e + a };
        s += early(f, a) + h;
    }
    s * a
}

#[test]
fn chosen_values_around_calls() {
    for (x, a) in [(sines(11, 1.2), 0.35), (sines(9, 0.5), -0.25)] {
        let n = x.len();
        let (v, (gx, ga)) = two_choices_grad(&x, a);
        check_value_grad(
            "two_choices",
            |p| two_choices(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

#[test]
fn second_order_in_both_parameters() {
    let x = sines(8, 0.9);
    let t = sines(4, 0.7);
    let (dx, dt) = (sines(8, -0.3), sines(4, 0.6));
    let (_, _, (hx, ht)) = order2_fit_hvp(&x, &t, dx.clone(), dt.clone());
    let grad = |p: &[f64]| {
        let (gx, gt) = order2_fit_grad(&p[..8], &p[8..]).1;
        join1(&gx, &gt)
    };
    check_hvp(
        "order2 both",
        grad,
        &join1(&hx, &ht),
        &join1(&x, &t),
        &join1(&dx, &dt),
    );
}
