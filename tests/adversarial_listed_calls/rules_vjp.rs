//! vjp pullbacks called several times, hvp, custom rules not linear in the cotangent,
//! the zero rule, the IEEE sweep's rerun.
#![allow(clippy::needless_range_loop, unused_mut, unused_variables)]
use super::fd::*;
use super::helpers::*;
use autodiff::prelude::*;

#[track_caller]
fn chk2(
    name: &str,
    f: impl Fn(&[f64], &[f64]) -> f64,
    r: (f64, (Vec<f64>, Vec<f64>)),
    ys: &[f64],
    qs: &[f64],
) {
    let (v, (gy, gq)) = r;
    let n = ys.len();
    fd(
        name,
        |z| f(&z[..n], &z[n..]),
        v,
        &cat(&[&gy, &gq]),
        &cat(&[ys, qs]),
    );
}

#[differentiable]
fn v_multi(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let a = interp(xs, ys, qs[i]);
        if i % 3 == 0 {
            continue;
        }
        for j in 0..i % 3 {
            s += a * read1(ys, (i + j) % ys.len(), qs[i]);
        }
        s += early(ys, i % (ys.len() - 1), qs[i] - 1.0).tanh();
    }
    s
}
#[test]
fn t60_pullback_many_times() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    let (v0, (gy, gq)) = v_multi_grad(&ys, &qs, &xs);
    chk2(
        "v_multi",
        |y, q| v_multi(y, q, &xs),
        (v0, (gy.clone(), gq.clone())),
        &ys,
        &qs,
    );
    let (v, pb) = v_multi_vjp(&ys, &qs, &xs);
    assert!((v - v0).abs() < 1e-12);
    let g = cat(&[&gy, &gq]);
    for c in [1.0, 2.0, 0.0, 3.0, -1.5, 1.0, 0.0] {
        let (a, b) = pb(c);
        let want: Vec<f64> = g.iter().map(|x| x * c).collect();
        close(
            &format!("v_multi pullback({c})"),
            &cat(&[&a, &b]),
            &want,
            1e-10,
        );
    }
}

// ---- custom rule, not linear in its cotangent, inside a helper with a loop
/// identity with pullback g -> max(g, -1)
#[custom_derivative(vjp = floored_rule_vjp, jvp = floored_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}
fn floored_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}
fn floored_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

/// f(q) = Σ_{j<3} sin(q (j+1)); y = floored(ys[k] f) when q > 0, else 2 ys[k] f
#[differentiable]
fn fl_help(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        f += (q * (j as f64 + 1.0)).sin();
    }
    if q > 0.0 {
        floored(ys[k] * f)
    } else {
        2.0 * ys[k] * f
    }
}
fn f_of(q: f64) -> (f64, f64) {
    let mut f = 0.0;
    let mut d = 0.0;
    for j in 0..3 {
        let m = j as f64 + 1.0;
        f += (q * m).sin();
        d += m * (q * m).cos();
    }
    (f, d)
}

#[differentiable]
fn fl_sum(ys: &[f64], qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += cs[i] * fl_help(ys, i % ys.len(), qs[i]);
    }
    s
}
/// By the rule (cotangent c on the output): on trip i, y_i's cotangent is c cs_i;
/// q_i > 0: floored sees g = c cs_i, passes max(g, -1) to z = ys_k f(q_i):
///   d ys_k += max(g,-1) f(q_i);  d q_i += max(g,-1) ys_k f'(q_i)
/// q_i <= 0: d ys_k += g 2 f(q_i);  d q_i += g 2 ys_k f'(q_i)
fn fl_want(ys: &[f64], qs: &[f64], cs: &[f64], c: f64) -> Vec<f64> {
    let n = ys.len();
    let mut gy = vec![0.0; n];
    let mut gq = vec![0.0; qs.len()];
    for i in 0..qs.len() {
        let k = i % n;
        let g = c * cs[i];
        let (f, d) = f_of(qs[i]);
        let (gg, m) = if qs[i] > 0.0 {
            (g.max(-1.0), 1.0)
        } else {
            (g, 2.0)
        };
        gy[k] += gg * m * f;
        gq[i] += gg * m * ys[k] * d;
    }
    cat(&[&gy, &gq])
}
#[test]
fn t61_custom_rule_nonlinear() {
    let ys = sines(4, 0.7);
    let qs: Vec<f64> = sines(14, 1.5);
    let cs: Vec<f64> = (0..14)
        .map(|i| {
            if i % 2 == 0 {
                -3.0
            } else {
                0.5 + 0.1 * i as f64
            }
        })
        .collect();
    let (v, (gy, gq)) = fl_sum_grad(&ys, &qs, &cs);
    assert!((v - fl_sum(&ys, &qs, &cs)).abs() < 1e-12);
    close(
        "fl_sum grad",
        &cat(&[&gy, &gq]),
        &fl_want(&ys, &qs, &cs, 1.0),
        1e-12,
    );
    let (_, pb) = fl_sum_vjp(&ys, &qs, &cs);
    for c in [1.0, 0.25, 2.0, -1.0, 0.0, 3.0] {
        let (a, b) = pb(c);
        close(
            &format!("fl_sum pullback({c})"),
            &cat(&[&a, &b]),
            &fl_want(&ys, &qs, &cs, c),
            1e-12,
        );
    }
}

/// the rule reached through a sub-helper without a loop
#[differentiable]
fn fl_inner(z: f64) -> f64 {
    floored(z) * 3.0
}
#[differentiable]
fn fl_help2(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        f += (q * (j as f64 + 1.0)).sin();
    }
    fl_inner(ys[k] * f) + ys[k + 1] * q
}
#[differentiable]
fn fl_sum2(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] cs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += cs[i] * fl_help2(ys, i % (ys.len() - 1), qs[i]);
    }
    s
}
/// y_i = 3 floored(ys_k f_i) + ys_{k+1} q_i with cotangent g = cs_i:
/// d ys_k += max(3 g, -1) f_i ; d ys_{k+1} += g q_i
#[test]
fn t62_custom_rule_in_sub_helper() {
    let ys = sines(5, 0.7);
    let qs = sines(12, 1.5);
    let cs: Vec<f64> = (0..12)
        .map(|i| {
            if i % 3 == 0 {
                -2.0
            } else {
                0.2 * i as f64 - 1.0
            }
        })
        .collect();
    let (_, g) = fl_sum2_grad(&ys, &qs, &cs);
    let mut want = vec![0.0; 5];
    for i in 0..12 {
        let k = i % 4;
        let (f, _) = f_of(qs[i]);
        want[k] += (3.0 * cs[i]).max(-1.0) * f;
        want[k + 1] += cs[i] * qs[i];
    }
    close("fl_sum2", &g, &want, 1e-12);
}

// ---- zero rule: infinite partial times a zero cotangent
/// y = sqrt(ys[k]) f(q) + ys[k+1] q : ∂y/∂ys_k = f / (2 sqrt(ys_k)) = inf at ys_k = 0
#[differentiable]
fn sq_help(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        f += (q * (j as f64 + 1.0)).sin();
    }
    ys[k].sqrt() * f + ys[k + 1] * q
}
#[differentiable]
fn sq_sum(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] ws: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += ws[i] * sq_help(ys, i % (ys.len() - 1), qs[i]);
    }
    s
}
/// ys_0 = 0; every trip with k = 0 has ws_i = 0: zero rule -> those trips add 0 to d ys_0
/// (not NaN). d ys_k += ws_i f_i /(2 sqrt ys_k) (k != 0), d ys_{k+1} += ws_i q_i
#[test]
fn t63_zero_rule_inf_partial() {
    let mut ys = sines(5, 0.7)
        .iter()
        .map(|v| v.abs() + 0.3)
        .collect::<Vec<_>>();
    ys[0] = 0.0;
    let qs = sines(12, 1.5);
    let ws: Vec<f64> = (0..12)
        .map(|i| {
            if i % 4 == 0 {
                0.0
            } else {
                0.5 + 0.1 * i as f64
            }
        })
        .collect();
    let mut want = vec![0.0; 5];
    for i in 0..12 {
        let k = i % 4;
        let (f, _) = f_of(qs[i]);
        if ws[i] != 0.0 {
            want[k] += ws[i] * f / (2.0 * ys[k].sqrt());
            want[k + 1] += ws[i] * qs[i];
        }
    }
    let (v, g) = sq_sum_grad(&ys, &qs, &ws);
    assert!((v - sq_sum(&ys, &qs, &ws)).abs() < 1e-12);
    close("sq_sum grad", &g, &want, 1e-12);
    let (_, pb) = sq_sum_vjp(&ys, &qs, &ws);
    close("sq_sum pullback(1)", &pb(1.0), &want, 1e-12);
    let w2: Vec<f64> = want.iter().map(|x| 2.0 * x).collect();
    close("sq_sum pullback(2)", &pb(2.0), &w2, 1e-12);
    assert!(
        pb(0.0).iter().all(|x| *x == 0.0),
        "pullback(0) {:?}",
        pb(0.0)
    );
}

/// a caller-level 0*inf (IEEE sweep NaN -> the sweep runs again under the zero rule) in a loop
/// with listed calls: the second reverse sweep must read the records from the end again
#[differentiable]
fn ieee_rerun(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let d = qs[i] - qs[i];
        s += interp(xs, ys, qs[i]) * qs[i] + (d * d).sqrt();
        if i % 2 == 1 {
            s += read1(ys, i % ys.len(), qs[i]);
        }
    }
    s
}
#[test]
fn t64_ieee_then_zero_rule_rerun() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 21);
    chk2(
        "ieee_rerun",
        |y, q| ieee_rerun(y, q, &xs),
        ieee_rerun_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// the same, the NaN from the listed partial itself (ws = 0 with ys_k = 0) and a second site
#[differentiable]
fn ieee_rerun2(
    ys: &[f64],
    #[no_grad] qs: &[f64],
    #[no_grad] ws: &[f64],
    #[no_grad] xs: &[f64],
) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, ys, 1.0 + 0.3 * i as f64) * 0.5;
        s += ws[i] * sq_help(ys, i % (ys.len() - 1), qs[i]);
    }
    s
}
#[test]
fn t65_ieee_rerun_from_listed_partial() {
    let xs = knots(5);
    let mut ys = sines(5, 0.7)
        .iter()
        .map(|v| v.abs() + 0.3)
        .collect::<Vec<_>>();
    ys[0] = 0.0;
    let qs = sines(12, 1.5);
    let ws: Vec<f64> = (0..12)
        .map(|i| {
            if i % 4 == 0 {
                0.0
            } else {
                0.5 + 0.1 * i as f64
            }
        })
        .collect();
    // central differences away from ys_0 (one-sided there is not defined): compare the
    // others with fd, ys_0's with the hand derivation
    let (v, g) = ieee_rerun2_grad(&ys, &qs, &ws, &xs);
    assert!(g.iter().all(|x| x.is_finite()), "non-finite {g:?}");
    let mut ys_shift = ys.clone();
    ys_shift[0] = 0.5; // smooth point: fd check of every component
    let (v2, g2) = ieee_rerun2_grad(&ys_shift, &qs, &ws, &xs);
    fd(
        "ieee_rerun2 smooth",
        |y| ieee_rerun2(y, &qs, &ws, &xs),
        v2,
        &g2,
        &ys_shift,
    );
    // at ys_0 = 0: components 1.. by central differences
    let f = |y: &[f64]| ieee_rerun2(y, &qs, &ws, &xs);
    for k in 1..5 {
        let h = 1e-6;
        let mut p = ys.clone();
        p[k] += h;
        let mut m = ys.clone();
        m[k] -= h;
        let d = (f(&p) - f(&m)) / (2.0 * h);
        assert!(
            (d - g[k]).abs() < 1e-5 * (1.0 + d.abs()),
            "[{k}] {} vs fd {d}",
            g[k]
        );
    }
    // ys_0: interp's share only (knot 0 weight) -- by one-sided difference upward
    let h = 1e-7;
    let mut p = ys.clone();
    p[0] += h;
    let d = (f(&p) - f(&ys)) / h;
    assert!(
        (d - g[0]).abs() < 1e-4 * (1.0 + d.abs()),
        "[0] {} vs one-sided {d}",
        g[0]
    );
}

// ---- second order
#[differentiable(order = 2)]
fn interp2(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    let mut lo = 0;
    let mut hi = n - 1;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if xs[mid] <= q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = (q - xs[lo]) / (xs[lo + 1] - xs[lo]);
    ys[lo] * (1.0 - t) + ys[lo + 1] * t
}
#[differentiable(order = 2)]
fn hv_fit(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp2(xs, ys, qs[i]);
        if i % 3 != 2 {
            s += (v * qs[i]).sin() + v * v;
        }
    }
    s
}
#[test]
fn t66_hvp() {
    let xs = knots(8);
    let ys = sines(8, 1.2);
    let qs: Vec<f64> = queries(&xs, 13)
        .iter()
        .map(|q| q.clamp(xs[0] + 0.1, xs[7] - 0.1))
        .collect();
    chk2(
        "hv_fit",
        |y, q| hv_fit(y, q, &xs),
        hv_fit_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
    let dy = sines(8, 0.6);
    let dq = sines(13, 0.4);
    let (_, _, hv) = hv_fit_hvp(&ys, &qs, &xs, dy.clone(), dq.clone());
    let hv = cat(&[&hv.0, &hv.1]);
    let x = cat(&[&ys, &qs]);
    let dir = cat(&[&dy, &dq]);
    let grad = |z: &[f64]| {
        let (_, (a, b)) = hv_fit_grad(&z[..8], &z[8..], &xs);
        cat(&[&a, &b])
    };
    let h = 1e-5;
    let p: Vec<f64> = x.iter().zip(&dir).map(|(a, b)| a + h * b).collect();
    let m: Vec<f64> = x.iter().zip(&dir).map(|(a, b)| a - h * b).collect();
    let (gp, gm) = (grad(&p), grad(&m));
    let fdv: Vec<f64> = gp
        .iter()
        .zip(&gm)
        .map(|(a, b)| (a - b) / (2.0 * h))
        .collect();
    close("hv_fit hvp", &hv, &fdv, 1e-5);
}
