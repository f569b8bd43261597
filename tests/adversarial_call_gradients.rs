//! Adversarial probes of calls whose gradient the forward sweep takes (`reverse/preacc.rs`):
//! generic callers and callees (`f64`, `f32`), loop forms and jumps, module paths, methods,
//! recursion, several slice parameters, lengths that change, rows, custom rules, zero
//! cotangents at infinite derivatives, second order; custom rules that are not linear in the
//! cotangent (clipping, `g.max(-1)`: run again with `dy`, as a call outside a loop is), and
//! floats of mixed widths between caller and callee. Checked against central differences, the
//! re-run path or analytic values.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::eq_op,
    // a `&Vec<f64>` parameter is one of the forms probed
    clippy::ptr_arg,
    unused_mut,
    unused_variables,
    dead_code
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::{check, check_hvp, check_value_grad, sines};

#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        if x[i] > m {
            m = x[i];
        }
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[differentiable]
fn glse<T: Real>(x: &[T]) -> T {
    let mut m = x[0];
    for i in 1..x.len() {
        if x[i] > m {
            m = x[i];
        }
    }
    let mut s = T::zero();
    for i in 0..x.len() {
        s = s + (x[i] - m).exp();
    }
    s.ln() + m
}

/// Generic caller, generic callee.
#[differentiable]
fn gen_caller<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut v = vec![T::zero(); n];
    let mut s = T::zero();
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * x[(i + t) % n];
        }
        s = s + glse(&v);
        s = s - glse::<T>(&v) * x[0];
    }
    s
}

/// Float by value beside a dense local, callee with early return and branches.
#[differentiable]
fn early(v: &[f64], a: f64) -> f64 {
    if a > 10.0 {
        return a * v[0];
    }
    let mut s = 0.0;
    for i in 0..v.len() {
        if v[i] > 0.0 {
            s += v[i] * a;
        } else {
            s -= v[i] * v[i];
        }
        if i == 2 {
            break;
        }
    }
    s
}

#[differentiable]
fn c_early(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    let mut t = 0;
    while t < 4 {
        for i in 0..n {
            v[i] = (x[i] * (t as f64 + 0.5)).sin();
        }
        s -= early(&v, x[1] * 3.0 + t as f64 * 4.0);
        t += 1;
    }
    s
}

/// `loop` with `break`, nested loops, `continue`.
#[differentiable]
fn c_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    let mut t = 0;
    loop {
        if t >= 5 {
            break;
        }
        t += 1;
        for k in 0..2 {
            for i in 0..n {
                v[i] = x[i] * (k as f64 + 1.0) + 0.1 * t as f64;
            }
            if k == 1 && t == 3 {
                continue;
            }
            s += lse(&v);
        }
    }
    s
}

/// Call in a branch arm nested inside the loop, after a `break` check.
#[differentiable]
fn c_branch_break(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..6 {
        for i in 0..n {
            v[i] = x[i] - 0.1 * t as f64;
        }
        if t == 4 {
            s += lse(&v);
            break;
        }
        if t % 2 == 0 {
            s += lse(&v);
        } else {
            s -= early(&v, x[0]);
        }
    }
    s
}

/// Module path.
mod m {
    use autodiff::prelude::*;
    #[differentiable]
    pub fn sq(v: &[f64], a: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += v[i] * v[i] * a;
        }
        s
    }
}

#[differentiable]
fn c_path(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * x[(i + 1) % n] + t as f64;
        }
        s += m::sq(&v, x[0]);
        s += crate::m::sq(&v, 0.5);
    }
    s
}

/// Several slice params, one a caller's param.
#[differentiable]
fn dotw(a: &[f64], b: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i] * w;
    }
    s
}

#[differentiable]
fn c_mixed_params(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut u = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * (t as f64 + 1.0);
            u[i] = x[i].cos();
        }
        s += dotw(&v, x, x[1]);
        s += dotw(&v, &u, 2.0);
        s += dotw(&v, &v, 1.5);
    }
    s
}

/// Length changing between trips.
#[differentiable]
fn c_len(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for t in 1..n + 1 {
        let mut v = vec![0.0; t];
        for i in 0..t {
            v[i] = x[i] * x[n - 1 - i];
        }
        s += lse(&v);
    }
    for t in 0..n {
        let mut v = vec![0.0; n - t];
        for i in 0..n - t {
            v[i] = x[i + t] * 2.0;
        }
        s += lse(&v);
    }
    s
}

/// Length changing with push.
#[differentiable]
fn c_push(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v: Vec<f64> = Vec::new();
    let mut s = 0.0;
    for t in 0..n {
        v.push(x[t] * x[0]);
        s += lse(&v);
    }
    s
}

/// The result also in a product, and a declared type.
#[differentiable]
fn c_product(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    let mut p = 1.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] + t as f64 * 0.3;
        }
        let y: f64 = lse(&v);
        s += y;
        p = p * y;
        let z = lse(&v) + 1.0;
        p = p * z * z;
    }
    s + p
}

/// Recursion.
#[differentiable]
fn rec(x: &[f64], d: usize) -> f64 {
    if d == 0 {
        return lse(x);
    }
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * 0.7 + t as f64 * 0.1;
        }
        s += rec(&v, d - 1);
    }
    s
}

/// Inf derivative with zero cotangent, float by value and dense.
#[differentiable]
fn root(v: &[f64], a: f64) -> f64 {
    v[0].sqrt() + a.sqrt() + v[1]
}

#[differentiable]
fn nan_grad(v: &[f64], a: f64) -> f64 {
    // derivative at v0 = 0: inf - inf = NaN with a unit cotangent
    v[0].sqrt() - v[0].sqrt() + a.sqrt() * 0.0 + v[1]
}

#[differentiable]
fn c_zero_cot(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0;
    for _ in 0..2 {
        v[0] = x[0] - x[0];
        v[1] = x[1];
        let a = x[0] - x[0];
        let r = root(&v, a);
        let q = nan_grad(&v, a);
        s += (r - r) + (q - q) + x[1] * x[1];
    }
    s
}

#[test]
fn generic_f64_f32() {
    let x = sines(5, 0.7);
    check_value_grad(
        "gen_caller",
        gen_caller::<f64>,
        gen_caller_grad::<f64>(&x),
        &x,
    );
    let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
    let (y32, g32) = gen_caller_grad::<f32>(&x32);
    let (y, g) = gen_caller_grad::<f64>(&x);
    assert!((y32 as f64 - y).abs() < 1e-4 * (1.0 + y.abs()));
    for k in 0..g.len() {
        assert!(
            (g32[k] as f64 - g[k]).abs() < 1e-3 * (1.0 + g[k].abs()),
            "{k}"
        );
    }
}

#[test]
fn control_flow() {
    for x in [sines(5, 0.8), sines(4, -0.6), sines(3, 1.3)] {
        check_value_grad("c_early", c_early, c_early_grad(&x), &x);
        check_value_grad("c_loop", c_loop, c_loop_grad(&x), &x);
        check_value_grad(
            "c_branch_break",
            c_branch_break,
            c_branch_break_grad(&x),
            &x,
        );
        check_value_grad("c_path", c_path, c_path_grad(&x), &x);
        check_value_grad(
            "c_mixed_params",
            c_mixed_params,
            c_mixed_params_grad(&x),
            &x,
        );
        check_value_grad("c_len", c_len, c_len_grad(&x), &x);
        check_value_grad("c_push", c_push, c_push_grad(&x), &x);
        check_value_grad("c_product", c_product, c_product_grad(&x), &x);
        check_value_grad("rec", |z| rec(z, 2), rec_grad(&x, 2), &x);
    }
}

#[test]
fn zero_cotangent_infinite_derivative() {
    let x = [0.7, 1.5];
    let (y, g) = c_zero_cot_grad(&x);
    assert!((y - c_zero_cot(&x)).abs() < 1e-12);
    assert!(g[0].abs() <= 1e-12, "{g:?}");
    assert!((g[1] - 6.0).abs() < 1e-12, "{g:?}");
}

#[test]
fn vjp_scaled() {
    let x = sines(5, 0.8);
    macro_rules! v {
        ($f:ident, $vjp:ident, $grad:ident) => {{
            let (y, pb) = $vjp(&x);
            let g = pb(-1.75);
            let (y1, g1) = $grad(&x);
            assert!((y - y1).abs() < 1e-12, stringify!($f));
            for (a, b) in g.iter().zip(&g1) {
                assert!(
                    (a + 1.75 * b).abs() <= 1e-10 * (1.0 + b.abs()),
                    "{}: {a} vs {b}",
                    stringify!($f)
                );
            }
        }};
    }
    v!(c_early, c_early_vjp, c_early_grad);
    v!(c_loop, c_loop_vjp, c_loop_grad);
    v!(c_len, c_len_vjp, c_len_grad);
    v!(c_push, c_push_vjp, c_push_grad);
    v!(c_product, c_product_vjp, c_product_grad);
    v!(c_mixed_params, c_mixed_params_vjp, c_mixed_params_grad);
}

// ---------------------------------------------------------------------------------------------
// batch 2

/// Self:: method path.
struct Mm;
impl Mm {
    #[differentiable]
    fn sq(v: &[f64], a: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += v[i] * v[i] * a;
        }
        s
    }

    #[differentiable]
    fn caller(x: &[f64]) -> f64 {
        let n = x.len();
        let mut v = vec![0.0; n];
        let mut s = 0.0;
        for t in 0..3 {
            for i in 0..n {
                v[i] = x[i] + t as f64;
            }
            s += Self::sq(&v, x[0]) - Mm::sq(&v, 2.0);
        }
        s
    }
}

/// Callee with `wrt(..)`.
#[differentiable(wrt(v))]
fn wv(v: &[f64], a: f64) -> f64 {
    v[0] * v[1] * a
}

#[differentiable]
fn c_wrt(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0;
    for t in 0..3 {
        v[0] = x[0] * t as f64;
        v[1] = x[1];
        s += wv(&v, stop_gradient(x[2])) + wv(&v, 0.5);
    }
    s
}

/// `a = f(&v, a)`: the float both argument and target.
#[differentiable]
fn step(v: &[f64], a: f64) -> f64 {
    (a * v[0]).sin() + v[1] * a
}

#[differentiable]
fn c_chain(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut a = x[2];
    for t in 0..4 {
        v[0] = x[0] + t as f64 * 0.1;
        v[1] = x[1];
        a = step(&v, a);
    }
    a
}

/// A callee that reads only the length.
#[differentiable]
fn cnt(v: &[f64], a: f64) -> f64 {
    a * v.len() as f64
}

#[differentiable]
fn c_cnt(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 3];
    let mut s = 0.0;
    for t in 0..3 {
        v[0] = x[0] * x[1];
        v[2] = x[2];
        s += cnt(&v, x[1]);
        s += lse(&v);
    }
    s
}

/// Rows of a local.
#[differentiable]
fn c_rows(x: &[f64]) -> f64 {
    let n = x.len();
    let mut rows = vec![vec![0.0; n]; 2];
    let mut s = 0.0;
    for t in 0..3 {
        for r in 0..2 {
            for i in 0..n {
                rows[r][i] = x[i] * (r as f64 + t as f64);
            }
        }
        for r in 0..2 {
            s += lse(&rows[r]);
        }
    }
    s
}

/// An `f32` local in an `f64` caller.
#[differentiable]
fn lse32(x: &[f32]) -> f32 {
    let mut s = 0.0f32;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    s.ln()
}

#[differentiable]
fn c_f32(x: &[f32]) -> f32 {
    let n = x.len();
    let mut v = vec![0.0f32; n];
    let mut s = 0.0f32;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * (t as f32 + 1.0);
        }
        s += lse32(&v);
    }
    s
}

/// `&Vec<f64>` callee.
#[differentiable]
fn vsum(v: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable]
fn c_vecref(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] + 1.0;
        }
        s -= vsum(&v);
    }
    s
}

/// A float by value that is an element of the dense local.
#[differentiable]
fn c_alias(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * x[0];
        }
        s += early(&v, v[0]);
        v[1] = s;
        s += lse(&v);
    }
    s
}

#[test]
fn batch2() {
    for x in [sines(5, 0.8), sines(4, -0.6), sines(3, 1.3)] {
        check_value_grad("Mm::caller", Mm::caller, Mm::caller_grad(&x), &x);
        let (y, g) = c_wrt_grad(&x);
        assert!((y - c_wrt(&x)).abs() < 1e-12);
        let mut gx = g.clone();
        // x[2]'s gradient dropped by stop_gradient: central differences with x[2] held
        let f2 = |z: &[f64]| {
            let mut w = z.to_vec();
            w.push(x[2]);
            c_wrt(&w)
        };
        gx.truncate(2);
        check("c_wrt", f2, &gx, &x[..2]);
        assert!(g[2].abs() <= 1e-12, "{g:?}");
        check_value_grad("c_chain", c_chain, c_chain_grad(&x), &x);
        check_value_grad("c_cnt", c_cnt, c_cnt_grad(&x), &x);
        check_value_grad("c_rows", c_rows, c_rows_grad(&x), &x);
        check_value_grad("c_vecref", c_vecref, c_vecref_grad(&x), &x);
        check_value_grad("c_alias", c_alias, c_alias_grad(&x), &x);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let (_, g32) = c_f32_grad(&x32);
        let f = |z: &[f64]| {
            let z32: Vec<f32> = z.iter().map(|v| *v as f32).collect();
            c_f32(&z32) as f64
        };
        let h = 1e-2;
        for k in 0..x.len() {
            let mut p = x.clone();
            p[k] += h;
            let mut q = x.clone();
            q[k] -= h;
            let fd = (f(&p) - f(&q)) / (2.0 * h);
            assert!(
                (fd - g32[k] as f64).abs() < 1e-2 * (1.0 + fd.abs()),
                "c_f32 {k}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// batch 3

#[differentiable(order = 2)]
fn lse2(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        if x[i] > m {
            m = x[i];
        }
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[differentiable(order = 2)]
fn w2(v: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (a * v[i]).tanh() * v[i];
    }
    s * a
}

#[differentiable(order = 2)]
fn c_o2(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * x[(i + t) % n] - 0.2 * t as f64;
        }
        s += lse2(&v);
        s -= w2(&v, x[0] * 0.5);
    }
    s * s
}

/// `mut` parameters of the callee.
#[differentiable]
fn mutp(v: &[f64], mut a: f64) -> f64 {
    a = a * 2.0;
    let mut s = 0.0;
    for i in 0..v.len() {
        a = a * 0.9 + v[i];
        s += a * v[i];
    }
    s
}

#[differentiable]
fn mut_vec(mut v: Vec<f64>, a: f64) -> f64 {
    v[0] = v[0] * a;
    v[0] + v[1]
}

#[differentiable]
fn c_mutp(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i].sin() + t as f64 * 0.1;
        }
        s += mutp(&v, x[1]);
        s += mut_vec(v.clone(), x[0]);
    }
    s
}

/// Generic callee with a float by value, generic caller.
#[differentiable]
fn gw<T: Real>(v: &[T], a: T) -> T {
    let mut s = T::zero();
    for i in 0..v.len() {
        s = s + (a * v[i]).sin();
    }
    s
}

#[differentiable]
fn c_gw<T: Real>(x: &[T]) -> T {
    let n = x.len();
    let mut v = vec![T::zero(); n];
    let mut s = T::zero();
    let mut k = 0;
    while k < 3 {
        for i in 0..n {
            v[i] = x[i] * x[i];
        }
        s = s - gw(&v, x[0]);
        k += 1;
    }
    s
}

/// A range of the local, match arms, the call first in a sum.
#[differentiable]
fn c_range_match(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..4 {
        for i in 0..n {
            v[i] = x[i] * (t as f64 + 1.0);
        }
        match t % 3 {
            0 => s = lse(&v) + s,
            1 => s += lse(&v[1..]),
            _ => {
                let y = lse(&v);
                s = s - y;
            }
        }
    }
    s
}

/// `mut v: &[f64]` parameter rebinding.
#[differentiable]
fn rebind(mut v: &[f64]) -> f64 {
    let mut s = 0.0;
    while v.len() > 1 {
        s += v[0] * v[1];
        v = &v[1..];
    }
    s
}

#[differentiable]
fn c_rebind(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] + t as f64;
        }
        s += rebind(&v);
    }
    s
}

#[test]
fn batch3() {
    for x in [sines(5, 0.8), sines(4, -0.6), sines(3, 1.3)] {
        check_value_grad("c_o2", c_o2, c_o2_grad(&x), &x);
        let v: Vec<f64> = sines(x.len(), 0.5).iter().map(|a| a + 0.1).collect();
        let (_, _, hv) = c_o2_hvp(&x, v.clone());
        check_hvp("c_o2", |y| c_o2_grad(y).1, &hv, &x, &v);
        check_value_grad("c_mutp", c_mutp, c_mutp_grad(&x), &x);
        check_value_grad("c_gw", c_gw::<f64>, c_gw_grad::<f64>(&x), &x);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let (_, g32) = c_gw_grad::<f32>(&x32);
        let g = c_gw_grad::<f64>(&x).1;
        for k in 0..g.len() {
            assert!((g32[k] as f64 - g[k]).abs() < 1e-3 * (1.0 + g[k].abs()));
        }
        check_value_grad("c_range_match", c_range_match, c_range_match_grad(&x), &x);
        check_value_grad("c_rebind", c_rebind, c_rebind_grad(&x), &x);
    }
}

// ---------------------------------------------------------------------------------------------
// batch 4

/// A custom rule with a slice and a float.
#[custom_derivative(vjp = sdot_rule_vjp, jvp = sdot_rule_jvp)]
fn sdot(v: &[f64], a: f64) -> f64 {
    v.iter().map(|x| x * x * a).sum()
}
fn sdot_rule_vjp(v: &[f64], a: f64) -> (f64, impl Fn(f64) -> (Vec<f64>, f64) + '_) {
    (sdot(v, a), move |g: f64| {
        (
            v.iter().map(|x| 2.0 * g * x * a).collect(),
            g * v.iter().map(|x| x * x).sum::<f64>(),
        )
    })
}
fn sdot_rule_jvp(v: &[f64], a: f64, dv: Vec<f64>, da: f64) -> (f64, f64) {
    (
        sdot(v, a),
        v.iter().zip(&dv).map(|(x, d)| 2.0 * x * a * d).sum::<f64>()
            + da * v.iter().map(|x| x * x).sum::<f64>(),
    )
}

#[differentiable]
fn c_sdot(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] - 0.1 * t as f64;
        }
        s -= sdot(&v, x[0] * x[1]);
    }
    s
}

/// Generic impl with methods by `Self::`.
struct Gm<T>(T);
impl<T: Real> Gm<T> {
    #[differentiable]
    fn sq(v: &[T], a: T) -> T {
        let mut s = T::zero();
        for i in 0..v.len() {
            s = s + v[i] * v[i] * a;
        }
        s
    }

    #[differentiable]
    fn caller(x: &[T]) -> T {
        let n = x.len();
        let mut v = vec![T::zero(); n];
        let mut s = T::zero();
        for _ in 0..2 {
            for i in 0..n {
                v[i] = x[i] * x[0];
            }
            s = s + Self::sq(&v, x[1]);
        }
        s
    }
}

/// Return inside the loop, a `mut` scalar parameter as the sum.
#[differentiable]
fn c_ret(x: &[f64], mut s: f64) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    for t in 0..5 {
        for i in 0..n {
            v[i] = x[i] * (t as f64 + 1.0);
        }
        let y = lse(&v);
        if y > 3.0 {
            return y + s;
        }
        s += y;
    }
    s
}

#[differentiable(boxed)]
fn c_boxed(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] * x[(i + t) % n];
        }
        s += lse(&v);
    }
    s
}

/// Callee with a loop whose trip count depends on the float argument (`while`), early return.
#[differentiable]
fn iter_fn(v: &[f64], a: f64) -> f64 {
    let mut z = a;
    let mut k = 0;
    while z < 2.0 {
        z = z * 1.5 + v[k % v.len()] * 0.01;
        k += 1;
        if k > 50 {
            return z * v[0];
        }
    }
    z * v[1]
}

#[differentiable]
fn c_iter(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..3 {
        for i in 0..n {
            v[i] = x[i] + 0.05 * t as f64;
        }
        s += iter_fn(&v, 0.3 + x[0] * x[0]);
    }
    s
}

#[test]
fn batch4() {
    for x in [sines(5, 0.8), sines(4, -0.6), sines(3, 1.3)] {
        check_value_grad("c_sdot", c_sdot, c_sdot_grad(&x), &x);
        check_value_grad(
            "Gm::caller",
            Gm::<f64>::caller,
            Gm::<f64>::caller_grad(&x),
            &x,
        );
        let (y, (gx, gs)) = c_ret_grad(&x, 0.25);
        assert!((y - c_ret(&x, 0.25)).abs() < 1e-12);
        check("c_ret", |z| c_ret(z, 0.25), &gx, &x);
        assert!((gs - 1.0).abs() <= 1e-12, "{gs}");
        check_value_grad("c_boxed", c_boxed, c_boxed_grad(&x), &x);
        let (y, pb) = c_boxed_vjp(&x);
        let g = pb(3.0);
        let g1 = c_boxed_grad(&x).1;
        for k in 0..g.len() {
            assert!((g[k] - 3.0 * g1[k]).abs() < 1e-12);
        }
        check_value_grad("c_iter", c_iter, c_iter_grad(&x), &x);
    }
}

// ---------------------------------------------------------------------------------------------
// custom rules not linear in the cotangent

/// The identity, with the rule `g ↦ max(g, -1)` (the repo's `floored`, nonlinear in `g`).
#[custom_derivative(vjp = floor_rule_vjp, jvp = floor_rule_jvp)]
pub fn floored(x: f64) -> f64 {
    x
}
pub fn floor_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.max(-1.0))
}
pub fn floor_rule_jvp(x: f64, t: f64) -> (f64, f64) {
    (x, t.max(-1.0))
}

#[differentiable]
fn hf(v: &[f64], a: f64) -> f64 {
    floored(v[0] * a) + v[1]
}

/// Preaccumulated: `s += hf(&v, ..)`.
#[differentiable]
fn c_floor_acc(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0;
    for _ in 0..2 {
        v[0] = x[0];
        v[1] = x[1];
        s += hf(&v, x[2]);
    }
    -3.0 * s
}

/// The same, re-run (a product is no evidence of a scalar).
#[differentiable]
fn c_floor_rerun(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0;
    for _ in 0..2 {
        v[0] = x[0];
        v[1] = x[1];
        s += 1.0 * hf(&v, x[2]);
    }
    -3.0 * s
}

/// A clipping custom rule on a slice, nonlinear in `g`.
#[custom_derivative(vjp = clipsum_rule_vjp, jvp = clipsum_rule_jvp)]
fn clipsum(v: &[f64]) -> f64 {
    v.iter().sum()
}
fn clipsum_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (clipsum(v), move |g: f64| vec![g.clamp(-1.0, 1.0); v.len()])
}
fn clipsum_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (clipsum(v), dv.iter().sum())
}

#[differentiable]
fn c_clip_acc(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * x[i];
        }
        s += clipsum(&v);
    }
    5.0 * s
}

#[differentiable]
fn c_clip_rerun(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * x[i];
        }
        s += 1.0 * clipsum(&v);
    }
    5.0 * s
}

#[test]
fn nonlinear_rules_agree_with_the_rerun() {
    let x = [0.4, 0.9, 1.3];
    let (ya, ga) = c_floor_acc_grad(&x);
    let (yr, gr) = c_floor_rerun_grad(&x);
    // By the rule: each call's cotangent is -3, floored to -1 for `v0 a`, over two trips:
    // d/dx0 = -2 x2, d/dx1 = -6, d/dx2 = -2 x0.
    for (a, b) in ga.iter().zip([-2.0 * x[2], -6.0, -2.0 * x[0]]) {
        assert!((a - b).abs() <= 1e-12, "floored: {ga:?}");
    }
    assert!((ya - yr).abs() <= 1e-12 * (1.0 + yr.abs()));
    for (a, b) in ga.iter().zip(&gr) {
        assert!(
            (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
            "floored: preacc {ga:?} vs re-run {gr:?}"
        );
    }
}

#[test]
fn clipping_rule_agrees_with_the_rerun() {
    let x = [0.4, 0.9, 1.3];
    let (ya, ga) = c_clip_acc_grad(&x);
    let (yr, gr) = c_clip_rerun_grad(&x);
    // By the rule: each call's cotangent 5 is clipped to 1, `dv_i = 1`, `v_i = x_i²`, over two
    // trips: d/dx_i = 4 x_i.
    for (a, xi) in ga.iter().zip(x) {
        assert!((a - 4.0 * xi).abs() <= 1e-12, "clipsum: {ga:?}");
    }
    assert!((ya - yr).abs() <= 1e-12 * (1.0 + yr.abs()));
    for (a, b) in ga.iter().zip(&gr) {
        assert!(
            (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
            "clipsum: preacc {ga:?} vs re-run {gr:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// mixed float widths

#[differentiable]
fn mixed_v(v: &[f32], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (v[i] as f64) * w;
    }
    s
}

#[differentiable]
fn c_mixed_v(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0f32; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = (x[i] * (t as f64 + 1.0)) as f32;
        }
        s += mixed_v(&v, x[0]);
    }
    s
}

#[differentiable]
fn mixed_a(v: &[f64], a: f32) -> f64 {
    v[0] * (a as f64) + v[1]
}

#[differentiable]
fn c_mixed_a(x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = vec![0.0; n];
    let mut s = 0.0;
    for t in 0..2 {
        for i in 0..n {
            v[i] = x[i] * (t as f64 + 1.0);
        }
        let a = (x[1] * 0.5) as f32;
        s += mixed_a(&v, a);
    }
    s
}

#[test]
fn batch5() {
    // values exactly representable in f32
    let x = [0.5, 0.25, -0.75];
    let (y, g) = c_mixed_v_grad(&x);
    assert!((y - c_mixed_v(&x)).abs() <= 1e-12);
    // s = Σ_t Σ_i x_i (t+1) x0 = 3 x0 Σ x_i
    let sum: f64 = x.iter().sum();
    assert!((g[0] - 3.0 * (sum + x[0])).abs() < 1e-6, "{g:?}");
    assert!((g[1] - 3.0 * x[0]).abs() < 1e-6, "{g:?}");
    let (y, g) = c_mixed_a_grad(&x);
    assert!((y - c_mixed_a(&x)).abs() <= 1e-12);
    // s = Σ_t (t+1) x0 * x1/2 + (t+1) x1 = 3 (x0 x1 / 2 + x1)
    assert!((g[0] - 1.5 * x[1]).abs() < 1e-6, "{g:?}");
    assert!((g[1] - 3.0 * (x[0] / 2.0 + 1.0)).abs() < 1e-6, "{g:?}");
}

#[differentiable]
fn down(v: &[f64]) -> f32 {
    (v[0] * v[1]) as f32
}

#[differentiable]
fn c_down(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 2];
    let mut s = 0.0f32;
    for t in 0..2 {
        v[0] = x[0] * (t as f64 + 1.0);
        v[1] = x[1];
        s += down(&v);
    }
    s as f64
}

#[test]
fn a_narrower_output_than_the_vec() {
    let x = [0.5, 0.25];
    let (y, g) = c_down_grad(&x);
    assert!((y - c_down(&x)).abs() <= 1e-12);
    // s = Σ_t x0 (t + 1) x1, in f32
    assert!((g[0] - 3.0 * x[1]).abs() < 1e-6, "{g:?}");
    assert!((g[1] - 3.0 * x[0]).abs() < 1e-6, "{g:?}");
}
