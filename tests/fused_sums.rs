//! Fused accumulation loops (`reverse/fused.rs`) whose trips have a sum of their own
//! (`let mut y = 0.0; for k .. { y += t }`, then a nonlinear use of `y`): the inner loop runs
//! as written, and again in the trip's pullback once `dy` is known. Each member is checked
//! against central differences in `f64` (and the value against the primal): a correlation, a
//! matrix-vector product through `tanh`, a sum started from a parameter, `-=` and `y = t + y`,
//! two sums where the second reads the first, a sum in one arm of a branch, a float parameter
//! and a constant index inside the sum, a generic scalar and `f32`, the second run after an
//! IEEE `0 · ∞`, a pullback called again, second order, a branch on the data inside the inner
//! loop; and the sums the fusion leaves to the usual sweep (conditions on the sums inside the
//! inner loop, the sum read inside its loop or changed after it, a sum inside another trip's
//! sum, a sum read before its loop, values the inner loop recomputes from the sums), which must
//! stay right.

#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::nalgebra::DMatrix;
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{agree, check, check_hvp, check_value_grad, pair_check, sines, to32};

/// `Σ_i y_i²` with `y_i = Σ_k w_k x_{i+k}`.
#[differentiable]
fn corr(w: &[f64], x: &[f64]) -> f64 {
    let n = x.len() - w.len() + 1;
    let mut s = 0.0;
    for i in 0..n {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[i + k];
        }
        s += y * y;
    }
    s
}

/// `Σ_i tanh((A x)_i + b_i)`: a matrix read by element, the sum started from `b_i`.
#[differentiable]
fn layer(a: &DMatrix<f64>, x: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.nrows() {
        let mut y = b[i];
        for j in 0..a.ncols() {
            y += a[(i, j)] * x[j];
        }
        s += y.tanh();
    }
    s
}

/// `-=` and `y = t + y` into the trip's sum, a float parameter `c` and a constant index in
/// its terms, and the outer sum's `-=`.
#[differentiable]
fn forms(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 1.0;
        for k in 0..3 {
            y -= c * x[(i + k) % x.len()];
            y = x[0] * 0.5 + y;
        }
        s -= (y * 0.3).sin() * x[i];
    }
    s
}

/// Two sums in a trip, the second reading the first (final) in its terms; then a branch in
/// the trip and a sum in one of its arms.
#[differentiable]
fn two(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut a = 0.0;
        for k in 0..w.len() {
            a += w[k] * x[(i + k) % x.len()];
        }
        let mut b = 0.0;
        for k in 0..w.len() {
            b += a * w[k] * w[k];
        }
        if x[i] > 0.0 {
            let mut z = 0.0;
            for k in 0..w.len() {
                z += (w[k] * x[i]).exp();
            }
            s += z.ln() * b;
        } else {
            s += a * b;
        }
    }
    s
}

/// [`corr`] over a generic scalar, through `sqrt(1 + y²)`.
#[differentiable]
fn gcorr<T: Real>(w: &[T], x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() - w.len() + 1 {
        let mut y = T::zero();
        for k in 0..w.len() {
            y += w[k] * x[i + k];
        }
        s += (T::one() + y * y).sqrt();
    }
    s
}

/// `Σ_i (Σ_k w_k √x_k)·x_i`: at `w = 0` and `x_k = 0` the IEEE product `0 · ∞` makes `J`
/// NaN, so the loop runs again with the zero rule's products.
#[differentiable]
fn roots(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[k].sqrt();
        }
        s += y * x[i];
    }
    s
}

/// A sum through a nonlinear outer use, for second order.
#[differentiable(order = 2)]
fn curved(w: &[f64], #[no_grad] x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - w.len() + 1 {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[i + k];
        }
        s += (y * w[0]).sin();
    }
    s
}

/// A branch inside the inner loop on the data (decided again in the second run).
#[differentiable]
fn branch_inside(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - w.len() + 1 {
        let mut y = 0.0;
        for k in 0..w.len() {
            if x[i + k] > 0.0 {
                y += w[k] * x[i + k];
            } else {
                y -= w[k];
            }
        }
        s += y * y;
    }
    s
}

/// Left to the usual sweep: conditions in the inner loop on the trip's sum and on the outer
/// sum, which change between the two runs.
#[differentiable]
fn cond_on_sums(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - w.len() + 1 {
        let mut y = 0.0;
        for k in 0..w.len() {
            if y < 0.2 {
                y += w[k] * x[i + k];
            } else {
                y += 0.5 * w[k] * x[i + k];
            }
        }
        let mut z = 0.0;
        for k in 0..w.len() {
            if s < 0.3 {
                z += w[k] * x[i + k] * x[i + k];
            } else {
                z -= w[k];
            }
        }
        s += y * y + z;
    }
    s
}

/// Left to the usual sweep: the sum read inside its own loop, and changed after it.
#[differentiable]
fn read_inside(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - w.len() + 1 {
        let mut y = 0.1;
        for k in 0..w.len() {
            y += y * w[k] * x[i + k];
        }
        let mut z = 0.0;
        for k in 0..w.len() {
            z += w[k] * x[i + k];
        }
        z = z * z;
        s += y * z;
    }
    s
}

/// Left to the usual sweep: a sum inside another sum's loop.
#[differentiable]
fn nested(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - w.len() + 1 {
        let mut y = 0.0;
        for k in 0..w.len() {
            let mut z = 0.0;
            for j in 0..k + 1 {
                z += w[j] * x[i + j];
            }
            y += z * z;
        }
        s += y.sqrt();
    }
    s
}

/// The trip's sum started from a value whose rule reads it (`exp`): left to the usual sweep,
/// whose rule reads `y` before its loop, not at its final value.
#[differentiable]
fn exp_init(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = x[i].exp();
        for k in 0..w.len() {
            y += w[k];
        }
        s += y * y;
    }
    s
}

/// The trip's sum read by a rule before its loop, directly and by another sum's loop: left to
/// the usual sweep.
#[differentiable]
fn read_before(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = x[i];
        let a = y * y;
        let mut z = 0.0;
        for k in 0..w.len() {
            z += y * w[k];
        }
        for k in 0..w.len() {
            y += z * w[k];
        }
        s += a * y;
    }
    s
}

/// Values the inner loop computes from the outer sum and from its own running sum, which its
/// second run would see changed: left to the usual sweep.
#[differentiable]
fn from_sums(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let mut y = 0.0;
        for k in 0..w.len() {
            let m = s as usize;
            let j = (k + 2 * m) % x.len();
            y += w[k] * x[j];
        }
        let mut z = 0.0;
        for k in 0..w.len() {
            let c = (z > 1.0) as i32 as f64;
            z += (1.0 + c) * w[k] * x[i];
        }
        s += y * y + z;
    }
    s
}

/// The outer sum as an index in the inner loop (`x[s as usize]`): left to the usual sweep.
#[differentiable]
fn sum_index(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for _i in 0..x.len() {
        let mut y = 0.0;
        for _k in 0..1 {
            y += x[s as usize];
        }
        s += y * y;
    }
    s
}

/// A trip sum read by a loop before its own loop: left to the usual sweep.
#[differentiable]
fn later_sum(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut a = 0.0;
        let mut b = 0.0;
        for _k in 0..1 {
            b += x[i] * (a + 1.0);
        }
        for _k in 0..1 {
            a += w[0];
        }
        s += b + a;
    }
    s
}

/// The trip's own running sum in its loop's index: left to the usual sweep.
#[differentiable]
fn own_index(w: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let mut y = 0.0;
        for k in 0..w.len() {
            y += w[k] * x[(i + k + (y > 0.2) as usize) % x.len()];
        }
        s += y * y;
    }
    s
}

#[test]
fn a_correlation_and_a_layer_through_tanh() {
    for (w, x) in [
        (sines(4, 0.7), sines(11, 1.0)),
        (sines(3, -0.9), sines(7, 0.6)),
    ] {
        pair_check("corr", corr, corr_grad(&w, &x), &w, &x);
    }
    let a0 = sines(12, 0.8);
    for (x, b) in [
        (sines(4, 0.9), sines(3, 0.3)),
        (sines(4, -0.5), sines(3, -0.2)),
    ] {
        let a = DMatrix::from_column_slice(3, 4, &a0);
        let (v, (ga, gx, gb)) = layer_grad(&a, &x, &b);
        let mut all = a0.clone();
        all.extend(&x);
        all.extend(&b);
        let f = |p: &[f64]| {
            layer(
                &DMatrix::from_column_slice(3, 4, &p[..12]),
                &p[12..16],
                &p[16..],
            )
        };
        let mut g = ga.as_slice().to_vec();
        g.extend(gx);
        g.extend(gb);
        check_value_grad("layer", f, (v, g), &all);
    }
}

#[test]
fn forms_of_the_trips_sum_two_sums_and_a_sum_in_an_arm() {
    for (x, c) in [(sines(5, 0.8), 0.7), (sines(4, -1.1), -0.4)] {
        let (v, (gx, gc)) = forms_grad(&x, c);
        let mut all = x.clone();
        all.push(c);
        let mut g = gx;
        g.push(gc);
        check_value_grad(
            "forms",
            |p| forms(&p[..p.len() - 1], p[p.len() - 1]),
            (v, g),
            &all,
        );
    }
    for (x, w) in [
        (sines(6, 0.9), sines(3, 0.4)),
        (sines(5, -0.7), sines(2, 0.6)),
    ] {
        pair_check("two", two, two_grad(&x, &w), &x, &w);
    }
}

#[test]
fn a_branch_on_the_data_inside_the_inner_loop() {
    for (w, x) in [
        (sines(3, 0.7), sines(8, 1.0)),
        (sines(2, -0.6), sines(5, 0.9)),
    ] {
        pair_check(
            "branch_inside",
            branch_inside,
            branch_inside_grad(&w, &x),
            &w,
            &x,
        );
    }
}

#[test]
fn generic_and_single_precision() {
    for (w, x) in [
        (sines(3, 0.7), sines(8, 1.0)),
        (sines(2, -0.4), sines(6, 0.9)),
    ] {
        pair_check("gcorr", gcorr, gcorr_grad::<f64>(&w, &x), &w, &x);
        let (_, (g64w, g64x)) = gcorr_grad::<f64>(&w, &x);
        let (_, (g32w, g32x)) = gcorr_grad::<f32>(&to32(&w), &to32(&x));
        agree("gcorr w", &g64w, &g32w, 1e-4);
        agree("gcorr x", &g64x, &g32x, 1e-4);
    }
}

#[test]
fn the_second_run_after_an_ieee_zero_times_infinity() {
    // s = (Σ_k w_k √x_k)(Σ_i x_i): ds/dw_k = √x_k Σx; ds/dx_k = w_k Σx / (2√x_k) + y, where the
    // zero rule makes the first term 0 at w_k = 0 (IEEE: 0 · ∞ = NaN at x_k = 0)
    let (w, x) = ([0.0, 2.0], [0.0, 4.0, 1.0]);
    let (v, (gw, gx)) = roots_grad(&w, &x);
    let y = 2.0 * 2.0;
    assert!((v - y * 5.0).abs() < 1e-12, "{v}");
    assert!(
        (gw[0] - 0.0).abs() < 1e-12 && (gw[1] - 2.0 * 5.0).abs() < 1e-12,
        "{gw:?}"
    );
    let want = [y, 2.0 * 5.0 / 4.0 + y, y];
    for (a, b) in gx.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{gx:?}");
    }
    let (w, x) = (sines(3, 0.8), vec![0.5, 1.5, 2.5, 0.7]);
    pair_check("roots", roots, roots_grad(&w, &x), &w, &x);
}

#[test]
fn a_pullback_called_again_and_second_order() {
    let (w, x) = (sines(3, 0.7), sines(9, 1.0));
    let (_, back) = corr_vjp(&w, &x);
    for cot in [1.0, -2.5, 0.5] {
        let (gw, gx) = back(cot);
        let mut g = gw;
        g.extend(gx);
        let mut all = w.clone();
        all.extend(&x);
        check("corr_vjp", |p| cot * corr(&p[..3], &p[3..]), &g, &all);
    }
    for w in [sines(3, 0.6), sines(3, -0.9)] {
        check_value_grad("curved", |p| curved(p, &x), curved_grad(&w, &x), &w);
        let v = vec![0.4, -0.3, 0.8];
        let (_, _, hv) = curved_hvp(&w, &x, v.clone());
        check_hvp("curved", |p| curved_grad(p, &x).1, &hv, &w, &v);
    }
}

#[test]
fn sums_read_before_their_loop_or_recomputed_from_what_changes() {
    // at w = [1], x = [1]: y = e + 1, s = y², ds/dx = 2 y e, ds/dw = 2 y
    let (v, (gw, gx)) = exp_init_grad(&[1.0], &[1.0]);
    let e = 1f64.exp();
    assert!((v - (e + 1.0) * (e + 1.0)).abs() < 1e-12, "{v}");
    assert!((gx[0] - 2.0 * (e + 1.0) * e).abs() < 1e-12, "{gx:?}");
    assert!((gw[0] - 2.0 * (e + 1.0)).abs() < 1e-12, "{gw:?}");
    // at w = [1], x = [2]: a = x², z = x w, y = x + z w = x (1 + w²), s = a y = 16;
    // ds/dx = 2 x y + a (1 + w²) = 16 + 8 = 24
    let (_, (_, gx)) = read_before_grad(&[1.0], &[2.0]);
    assert!((gx[0] - 24.0).abs() < 1e-9, "{gx:?}");
    // at w = [1], x = [1.5, 1, 1]: the index follows the running outer sum
    let (w, x) = (vec![1.0], vec![1.5, 1.0, 1.0]);
    pair_check("from_sums", from_sums, from_sums_grad(&w, &x), &w, &x);
    // f = x0² + 2 x2² at x = [1.5, 0.2, 0.3] (the index follows s: 0, then 2, 2)
    let (v, g) = sum_index_grad(&[1.5, 0.2, 0.3]);
    assert!((v - (2.25 + 0.18)).abs() < 1e-12, "{v}");
    for (a, b) in g.iter().zip([3.0, 0.0, 1.2]) {
        assert!((a - b).abs() < 1e-12, "{g:?}");
    }
    // b = x_i (a + 1) with a = 0 when b's loop runs: d/dx_i = 1, d/dw0 = 3
    let (_, (gw, gx)) = later_sum_grad(&[2.0], &[1.0, 1.0, 1.0]);
    assert_eq!((gw, gx), (vec![3.0], vec![1.0, 1.0, 1.0]));
    // central differences at a point away from the index's jumps
    let (w, x) = (vec![0.5, 0.3], vec![1.0, 2.0, 3.0]);
    pair_check("own_index", own_index, own_index_grad(&w, &x), &w, &x);
    let (_, (gw, _)) = own_index_grad(&w, &x);
    assert!(
        (gw[0] - 20.6).abs() < 1e-9 && (gw[1] - 19.4).abs() < 1e-9,
        "{gw:?}"
    );
    for (w, x) in [
        (sines(3, 0.7), sines(6, 1.0)),
        (sines(2, -0.6), sines(5, 0.9)),
    ] {
        pair_check("exp_init", exp_init, exp_init_grad(&w, &x), &w, &x);
        pair_check("read_before", read_before, read_before_grad(&w, &x), &w, &x);
        pair_check("from_sums", from_sums, from_sums_grad(&w, &x), &w, &x);
    }
}

#[test]
fn sums_left_to_the_usual_sweep_stay_right() {
    for (w, x) in [
        (sines(3, 0.7), sines(8, 1.0)),
        (sines(2, -0.6), sines(5, 0.9)),
    ] {
        pair_check("read_inside", read_inside, read_inside_grad(&w, &x), &w, &x);
        pair_check(
            "cond_on_sums",
            cond_on_sums,
            cond_on_sums_grad(&w, &x),
            &w,
            &x,
        );
        pair_check("nested", nested, nested_grad(&w, &x), &w, &x);
    }
}
