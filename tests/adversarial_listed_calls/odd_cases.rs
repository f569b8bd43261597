//! Nesting of listed calls, rebound slices, aliases, methods, f32, no_grad helper params, overflow
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

/// a mut slice parameter rebound to a range of itself between calls
#[differentiable]
fn o_shift(mut ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(ys, 0, qs[i]) * (1.0 + 0.1 * i as f64);
        if ys.len() > 2 {
            ys = &ys[1..];
        }
    }
    s
}
#[test]
fn t70_rebound_slice() {
    let ys = sines(6, 1.1);
    let qs = sines(9, 1.3);
    chk2("o_shift", o_shift, o_shift_grad(&ys, &qs), &ys, &qs);
}

/// the slice rebound after the loop's first half only
#[differentiable]
fn o_shift2(mut ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i == qs.len() / 2 {
            ys = &ys[2..];
        }
        s += twice(ys, 1, qs[i]);
    }
    s
}
#[test]
fn t71_rebound_midway() {
    let ys = sines(6, 1.1);
    let qs = sines(9, 1.3);
    chk2("o_shift2", o_shift2, o_shift2_grad(&ys, &qs), &ys, &qs);
}

/// an alias of the parameter
#[differentiable]
fn o_alias(ys: &[f64], qs: &[f64]) -> f64 {
    let w = ys;
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(w, i % w.len(), qs[i]) + read1(ys, (i + 1) % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t72_alias() {
    let ys = sines(6, 1.1);
    let qs = sines(9, 1.3);
    chk2("o_alias", o_alias, o_alias_grad(&ys, &qs), &ys, &qs);
}

/// mid: a listed helper (reads ys twice outside its loop) whose loop has a listed site of its own
#[differentiable]
fn mid(ys: &[f64], zs: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..3 {
        s += read1(zs, j, q + j as f64 * 0.3);
    }
    s * ys[0] + ys[1] * q
}
#[differentiable]
fn o_outer(ys: &[f64], qs: &[f64], #[no_grad] zs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += mid(ys, zs, qs[i]).tanh();
    }
    s
}
#[differentiable]
fn o_outer_both(ys: &[f64], zs: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += mid(ys, zs, qs[i]).tanh();
    }
    s
}
#[test]
fn t73_listed_inside_listed() {
    let ys = sines(3, 1.1);
    let zs = sines(4, 0.8);
    let qs = sines(9, 1.3);
    chk2(
        "o_outer",
        |y, q| o_outer(y, q, &zs),
        o_outer_grad(&ys, &qs, &zs),
        &ys,
        &qs,
    );
    chk2(
        "o_outer_both",
        |y, z| o_outer_both(y, z, &qs),
        o_outer_both_grad(&ys, &zs, &qs),
        &ys,
        &zs,
    );
}

/// three levels: a caller of a caller, each looping
#[differentiable]
fn lvl2(ys: &[f64], q: f64, #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..3 {
        s += interp(xs, ys, q + 0.4 * j as f64) * (j as f64 + 1.0);
    }
    s
}
#[differentiable]
fn lvl3(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i % 2 == 0 {
            s += lvl2(ys, qs[i], xs).sin();
        }
        s += interp(xs, ys, qs[i]);
    }
    s
}
#[test]
fn t74_three_levels() {
    let xs = knots(9);
    let ys = sines(9, 1.1);
    let qs: Vec<f64> = queries(&xs, 15).iter().map(|q| q * 0.8).collect();
    chk2(
        "lvl3",
        |y, q| lvl3(y, q, &xs),
        lvl3_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// recursion in the caller, listed calls at each depth
#[differentiable]
fn o_rec(ys: &[f64], q: f64, #[no_grad] depth: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..2 {
        s += read1(ys, (depth + j) % ys.len(), q + j as f64);
    }
    if depth == 0 {
        s
    } else {
        s * o_rec(ys, q * 0.7, depth - 1).cos()
    }
}
#[test]
fn t75_recursive_caller() {
    let ys = sines(5, 1.1);
    let q = 0.9;
    let (v, (gy, gq)) = o_rec_grad(&ys, q, 3);
    fd(
        "o_rec",
        |z| o_rec(&z[..5], z[5], 3),
        v,
        &cat(&[&gy, &[gq]]),
        &cat(&[&ys, &[q]]),
    );
}

/// associated function helper
struct S;
impl S {
    #[differentiable]
    fn assoc(ys: &[f64], k: usize, q: f64) -> f64 {
        let mut f = 0.0;
        for j in 0..3 {
            f += (q + j as f64).sin();
        }
        ys[k] * f
    }
}
#[differentiable]
fn o_assoc(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += S::assoc(ys, i % ys.len(), qs[i]).powi(2);
    }
    s
}
#[test]
fn t76_associated_helper() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.3);
    chk2("o_assoc", o_assoc, o_assoc_grad(&ys, &qs), &ys, &qs);
}

/// concrete f32 helper and caller
#[differentiable]
fn r32(ys: &[f32], k: usize, q: f32) -> f32 {
    let mut f = 0.0f32;
    for j in 0..3 {
        f += (q * (j as f32 + 1.0)).sin();
    }
    ys[k] * f + ys[k + 1] * q
}
#[differentiable]
fn o_f32(ys: &[f32], qs: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..qs.len() {
        if i % 3 != 1 {
            s += r32(ys, i % (ys.len() - 1), qs[i]).tanh();
        }
    }
    s
}
#[differentiable]
fn o_f64(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i % 3 != 1 {
            let k = i % (ys.len() - 1);
            let mut f = 0.0;
            for j in 0..3 {
                f += (qs[i] * (j as f64 + 1.0)).sin();
            }
            s += (ys[k] * f + ys[k + 1] * qs[i]).tanh();
        }
    }
    s
}
#[test]
fn t77_f32() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.3);
    chk2("o_f64", o_f64, o_f64_grad(&ys, &qs), &ys, &qs);
    let y32: Vec<f32> = ys.iter().map(|v| *v as f32).collect();
    let q32: Vec<f32> = qs.iter().map(|v| *v as f32).collect();
    let (_, (a, b)) = o_f32_grad(&y32, &q32);
    let (_, (c, d)) = o_f64_grad(&ys, &qs);
    let g32: Vec<f64> = a.iter().chain(&b).map(|v| *v as f64).collect();
    close("o_f32 vs f64", &g32, &cat(&[&c, &d]), 1e-4);
}

/// wrt(ys) helper: its float parameter not differentiated, the caller's value active
#[differentiable(wrt(ys))]
fn wrt_help(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        f += (q + j as f64).sin();
    }
    ys[k] * f
}
#[differentiable]
fn o_wrt(ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += wrt_help(ys, i % ys.len(), qs[i] * 2.0);
    }
    s
}
#[test]
fn t78_wrt_helper() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.3);
    let (v, g) = o_wrt_grad(&ys, &qs);
    fd("o_wrt", |y| o_wrt(y, &qs), v, &g, &ys);
}

/// output-side factors large: the unit-cotangent partial overflows, the true one does not.
/// y = ((ys_k * 1e-300) * f) * f with f = 1e200 from a loop: value ~ ys_k 1e100,
/// ∂y/∂ys_k = 1e100 q-free; with the caller's cotangent 1e-250 the re-run gives 1e-150 exactly,
/// the unit partial is 1 * 1e200 * 1e200 = inf.
#[differentiable]
fn big2(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 1.0;
    for _j in 0..2 {
        f *= 1e100;
    }
    ys[k] * 1e-300 * f * f + q
}
#[differentiable]
fn o_big2(ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += 1e-250 * big2(ys, i % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t80_unit_partial_overflows() {
    let ys = sines(3, 1.1);
    let qs = sines(4, 1.3);
    let (v, g) = o_big2_grad(&ys, &qs);
    let mut want = vec![0.0; 3];
    for i in 0..4 {
        want[i % 3] += 1e-150;
    }
    assert!(v.is_finite());
    close("o_big2", &g, &want, 1e-10);
}

/// control for t80: the same helper on the old path (its read in a one-trip loop)
#[differentiable]
fn big2_ctrl(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 1.0;
    let mut a = 0.0;
    for _j in 0..2 {
        f *= 1e100;
    }
    for _j in 0..1 {
        a = ys[k];
    }
    a * 1e-300 * f * f + q
}
#[differentiable]
fn o_big2_ctrl(ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += 1e-250 * big2_ctrl(ys, i % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t81_unit_partial_overflows_old_path_control() {
    let ys = sines(3, 1.1);
    let qs = sines(4, 1.3);
    let (_, g) = o_big2_ctrl_grad(&ys, &qs);
    close("o_big2_ctrl", &g, &[2e-150, 1e-150, 1e-150], 1e-10);
}

/// the opposite direction: the unit partial underflows to 0, the caller's cotangent is huge
#[differentiable]
fn tiny(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 1.0;
    for _j in 0..2 {
        f *= 1e-160;
    }
    ys[k] * 1e300 * f * f + q
}
#[differentiable]
fn o_tiny(ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += 1e300 * tiny(ys, i % ys.len(), qs[i]);
    }
    s
}
/// y = ((ys_k 1e300) f) f with f = 1e-320 (subnormal)... by hand with cotangent 1e300:
/// the re-run multiplies 1e300 * f * f * 1e300 left to right from the output side.
#[test]
fn t82_unit_partial_underflows() {
    let ys = sines(3, 1.1);
    let qs = sines(4, 1.3);
    let (_, g) = o_tiny_grad(&ys, &qs);
    let f = 1e-160f64 * 1e-160;
    let per = ((1e300 * f) * f) * 1e300; // reverse order of the re-run: dy * f * f * 1e300
    let want = [2.0 * per, per, per];
    eprintln!("o_tiny {g:?} want {want:?}");
    close("o_tiny", &g, &want, 1e-6);
}
