//! Helper shapes: read counts 1, 2, 8, 9, in a loop, early returns, passing on, two slices, generic, f32
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
fn h_read1(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(ys, (i * 3) % ys.len(), qs[i]).powi(2);
    }
    s
}
#[test]
fn t30_read1() {
    let ys = sines(7, 1.1);
    let qs = sines(20, 0.9);
    chk2("h_read1", h_read1, h_read1_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_twice(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += twice(ys, (i * 5) % ys.len(), qs[i]) / (2.0 + qs[i] * qs[i]);
    }
    s
}
#[test]
fn t31_twice_same_element() {
    let ys = sines(6, 1.1);
    let qs = sines(20, 0.9);
    chk2("h_twice", h_twice, h_twice_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_read8(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read8(ys, qs[i]) * qs[i];
    }
    s
}
#[differentiable]
fn h_read9(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read9(ys, qs[i]) * qs[i];
    }
    s
}
#[test]
fn t32_read8_read9() {
    let ys = sines(10, 1.1);
    let qs = sines(13, 0.9);
    chk2("h_read8", h_read8, h_read8_grad(&ys, &qs), &ys, &qs);
    chk2("h_read9", h_read9, h_read9_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_inloop(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = inloop(ys, qs[i]);
        s += v * v;
    }
    s
}
#[test]
fn t33_read_in_loop_old_path() {
    let ys = sines(6, 0.4);
    let qs = sines(11, 0.8);
    chk2("h_inloop", h_inloop, h_inloop_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_early(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += early(ys, i % (ys.len() - 1), qs[i]) * (1.0 + 0.1 * i as f64);
    }
    s
}
#[test]
fn t34_helper_returns_early() {
    let ys = sines(6, 1.1);
    // some q < -0.5 (first return), some small q (loop return: acc > 3.5 happens for q near 0), others
    let qs: Vec<f64> = (0..24)
        .map(|i| match i % 4 {
            0 => -0.9 - 0.01 * i as f64,
            1 => 0.05 + 0.001 * i as f64,
            2 => 1.3 + 0.01 * i as f64,
            _ => 0.7,
        })
        .collect();
    chk2("h_early", h_early, h_early_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_newton(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += newton_scale(ys, i % (ys.len() - 2), qs[i]).sin();
    }
    s
}
#[test]
fn t35_while_helper_float_derivative() {
    let ys = sines(6, 1.1);
    let qs = sines(14, 2.0);
    chk2("h_newton", h_newton, h_newton_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_ignores(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += ignores_q(ys, i % (ys.len() - 1), qs[i]) * qs[i];
    }
    s
}
#[test]
fn t36_float_argument_unused() {
    let ys = sines(6, 1.1);
    let qs = sines(14, 2.0);
    chk2("h_ignores", h_ignores, h_ignores_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_pass_on(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += pass_on(xs, ys, qs[i]);
    }
    s
}
#[test]
fn t37_passes_slice_on() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs: Vec<f64> = queries(&xs, 15).iter().map(|q| q / 1.5).collect();
    chk2(
        "h_pass_on",
        |y, q| h_pass_on(y, q, &xs),
        h_pass_on_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn h_two(a: &[f64], b: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let k = i % (a.len() - 1);
        s += two(a, b, k, qs[i], qs[(i + 1) % qs.len()]);
        s += two(b, a, (k + 1) % (a.len() - 1), qs[i] * 0.5, 0.3) * qs[i];
    }
    s
}
#[test]
fn t38_two_slices_two_floats() {
    let a = sines(6, 1.1);
    let b = sines(6, 0.7);
    let qs = sines(9, 1.4);
    let (v, (ga, gb, gq)) = h_two_grad(&a, &b, &qs);
    fd(
        "h_two",
        |z| h_two(&z[..6], &z[6..12], &z[12..]),
        v,
        &cat(&[&ga, &gb, &gq]),
        &cat(&[&a, &b, &qs]),
    );
}

/// same slice in both slots -> repeated argument (distinct_active false)
#[differentiable]
fn h_two_same(a: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += two(a, a, i % (a.len() - 1), qs[i], 0.7);
    }
    s
}
#[test]
fn t39_same_slice_twice() {
    let a = sines(6, 1.1);
    let qs = sines(9, 1.4);
    chk2("h_two_same", h_two_same, h_two_same_grad(&a, &qs), &a, &qs);
}

/// one slice live, the other a no_grad parameter of the caller (hint with live=[true,false,..])
#[differentiable]
fn h_two_half(a: &[f64], #[no_grad] b: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += two(b, a, i % (a.len() - 1), qs[i], 0.7 * qs[i]);
    }
    s
}
#[test]
fn t40_two_slices_one_live() {
    let a = sines(6, 1.1);
    let b = sines(6, 0.5);
    let qs = sines(9, 1.4);
    chk2(
        "h_two_half",
        |x, q| h_two_half(x, &b, q),
        h_two_half_grad(&a, &b, &qs),
        &a,
        &qs,
    );
}

#[differentiable]
fn h_uses_len(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += uses_len(ys, qs[i]) * qs[i];
    }
    s
}
#[test]
fn t41_uses_len() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.4);
    chk2(
        "h_uses_len",
        h_uses_len,
        h_uses_len_grad(&ys, &qs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn h_generic<T: Real>(ys: &[T], xs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..xs.len() {
        let v = gpick(ys, (2 * i) % (ys.len() - 1), xs[i]);
        s += v * xs[i] + v.tanh();
    }
    s
}
#[test]
fn t42_generic_and_f32() {
    let ys = sines(7, 0.9);
    let xs = sines(12, 0.8);
    chk2(
        "h_generic f64",
        h_generic::<f64>,
        h_generic_grad::<f64>(&ys, &xs),
        &ys,
        &xs,
    );
    let y32: Vec<f32> = ys.iter().map(|v| *v as f32).collect();
    let x32: Vec<f32> = xs.iter().map(|v| *v as f32).collect();
    let (v32, (gy32, gx32)) = h_generic_grad::<f32>(&y32, &x32);
    let (v64, (gy, gx)) = h_generic_grad::<f64>(&ys, &xs);
    assert!((v32 as f64 - v64).abs() < 1e-4 * (1.0 + v64.abs()));
    let g32: Vec<f64> = gy32.iter().chain(&gx32).map(|v| *v as f64).collect();
    close("h_generic f32", &g32, &cat(&[&gy, &gx]), 1e-4);
}

#[differentiable]
fn h_noloop(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += noloop(ys, i % (ys.len() - 1), qs[i]) * read1(ys, (i + 2) % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t43_no_loop_helper_beside_loop_helper() {
    let ys = sines(6, 1.1);
    let qs = sines(10, 1.4);
    chk2("h_noloop", h_noloop, h_noloop_grad(&ys, &qs), &ys, &qs);
}

#[differentiable]
fn h_branchy_read(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += branchy_read(ys, i % (ys.len() - 1), qs[i]);
    }
    s
}
#[test]
fn t44_reads_depend_on_branch() {
    let ys = sines(7, 1.1);
    let qs = sines(10, 1.4);
    chk2(
        "h_branchy_read",
        h_branchy_read,
        h_branchy_read_grad(&ys, &qs),
        &ys,
        &qs,
    );
}

// caller reads the same parameter slice itself in the loop
#[differentiable]
fn h_self_read(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let k = i % ys.len();
        s += ys[k] * interp(xs, ys, qs[i])
            + ys[(k + 1) % ys.len()].powi(2) / (1.5 + read1(ys, k, qs[i]).tanh());
    }
    s
}
#[test]
fn t45_caller_reads_slice_too() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs = queries(&xs, 17);
    chk2(
        "h_self_read",
        |y, q| h_self_read(y, q, &xs),
        h_self_read_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// Vec<f64> and &Vec<f64> parameters
#[differentiable]
fn h_vec_owned(ys: Vec<f64>, qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, &ys, qs[i]).powi(2);
    }
    s
}
#[differentiable]
fn h_vec_ref(ys: &Vec<f64>, qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, ys, qs[i]) / (1.0 + qs[i] * qs[i]);
    }
    s
}
#[test]
fn t46_vec_params() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs = queries(&xs, 17);
    chk2(
        "h_vec_owned",
        |y, q| h_vec_owned(y.to_vec(), q, &xs),
        h_vec_owned_grad(ys.clone(), &qs, &xs),
        &ys,
        &qs,
    );
    chk2(
        "h_vec_ref",
        |y, q| h_vec_ref(&y.to_vec(), q, &xs),
        h_vec_ref_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// the knots differentiated too (xs read in the helper's loop -> old path for this site)
#[differentiable]
fn h_knots_too(xs: &[f64], ys: &[f64], #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, ys, qs[i]).powi(2) + scan_interp(xs, ys, qs[i]);
    }
    s
}
#[test]
fn t47_knots_differentiated() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs: Vec<f64> = queries(&xs, 17)
        .iter()
        .map(|q| q.clamp(xs[0] + 0.1, xs[7] - 0.2))
        .collect();
    chk2(
        "h_knots_too",
        |x, y| h_knots_too(x, y, &qs),
        h_knots_too_grad(&xs, &ys, &qs),
        &xs,
        &ys,
    );
}

// the slice and its own element as the float argument
#[differentiable]
fn h_own_elem(ys: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..ys.len() {
        let q = 2.0 + ys[i];
        s += interp(xs, ys, q) * ys[i] + read1(ys, i, ys[i]);
    }
    s
}
#[test]
fn t48_own_element_as_float() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let (v, g) = h_own_elem_grad(&ys, &xs);
    fd("h_own_elem", |y| h_own_elem(y, &xs), v, &g, &ys);
}

// float parameter of the caller (by value) passed in a loop
#[differentiable]
fn h_scalar_param(ys: &[f64], a: f64, #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..ys.len() {
        s += interp(xs, ys, a + 0.5 * i as f64) * a + newton_scale(ys, i % (ys.len() - 2), a);
    }
    s
}
#[test]
fn t49_scalar_parameter_argument() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let a = 1.37;
    let (v, (gy, ga)) = h_scalar_param_grad(&ys, a, &xs);
    fd(
        "h_scalar_param",
        |z| h_scalar_param(&z[..8], z[8], &xs),
        v,
        &cat(&[&gy, &[ga]]),
        &cat(&[&ys, &[a]]),
    );
}

// helper in a module, called by path
mod m {
    use autodiff::prelude::*;
    #[differentiable]
    pub fn mread(ys: &[f64], k: usize, q: f64) -> f64 {
        let mut f = 0.0;
        for j in 0..3 {
            f += (q * j as f64).cos();
        }
        ys[k] * f * q
    }
}
#[differentiable]
fn h_module(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += m::mread(ys, i % ys.len(), qs[i]).sin();
    }
    s
}
#[test]
fn t50_module_path() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.4);
    chk2("h_module", h_module, h_module_grad(&ys, &qs), &ys, &qs);
}

// generic helper called with turbofish from a concrete caller
#[differentiable]
fn h_turbofish(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += gpick::<f64>(ys, i % (ys.len() - 1), qs[i]) * qs[i];
    }
    s
}
#[test]
fn t51_turbofish() {
    let ys = sines(5, 1.1);
    let qs = sines(9, 1.4);
    chk2(
        "h_turbofish",
        h_turbofish,
        h_turbofish_grad(&ys, &qs),
        &ys,
        &qs,
    );
}

// the value through a quotient and products with the float argument
#[differentiable]
fn h_quot(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        s += qs[i] / (2.0 + v * v) + (v * qs[i]).exp() * 0.1;
    }
    s
}
#[test]
fn t52_quotient() {
    let xs = knots(8);
    let ys = sines(8, 1.1);
    let qs = queries(&xs, 17);
    chk2(
        "h_quot",
        |y, q| h_quot(y, q, &xs),
        h_quot_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}
