//! Leftovers: a mut float parameter, a slice never read, a struct field's Vec, a Vec by value
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
fn mut_q(ys: &[f64], k: usize, mut q: f64) -> f64 {
    for _j in 0..3 {
        q = q * 0.9 + 0.1 * q * q;
    }
    ys[k] * q + ys[k + 1]
}
#[differentiable]
fn never_reads(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..k {
        f += (q * j as f64).sin();
    }
    f
}
#[differentiable]
fn e_mix(ys: &[f64], qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += mut_q(ys, i % (ys.len() - 1), qs[i]) * never_reads(ys, i % 4, qs[i])
            + never_reads(ys, 2, qs[i]);
    }
    s
}
#[test]
fn t120_mut_float_and_unread_slice() {
    let ys = sines(6, 1.1);
    let qs = sines(11, 0.9);
    chk2("e_mix", e_mix, e_mix_grad(&ys, &qs), &ys, &qs);
}

#[derive(Differentiable, Clone)]
struct P {
    w: Vec<f64>,
    b: f64,
}
#[differentiable]
fn e_field(p: &P, #[no_grad] qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(&p.w, i % p.w.len(), qs[i]) * p.b;
    }
    s
}
#[test]
fn t121_struct_field_vec() {
    let p = P {
        w: sines(5, 1.1),
        b: 0.7,
    };
    let qs = sines(11, 0.9);
    let (v, g) = e_field_grad(&p, &qs);
    let mut x = p.w.clone();
    x.push(p.b);
    let mut gg = g.w.clone();
    gg.push(g.b);
    fd(
        "e_field",
        |z| {
            e_field(
                &P {
                    w: z[..5].to_vec(),
                    b: z[5],
                },
                &qs,
            )
        },
        v,
        &gg,
        &x,
    );
}

#[differentiable]
fn e_vec_owned(ys: Vec<f64>, qs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(&ys, i % ys.len(), qs[i]) + twice(&ys, (i + 1) % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t122_owned_vec_param() {
    let ys = sines(6, 1.1);
    let qs = sines(11, 0.9);
    chk2(
        "e_vec_owned",
        |y, q| e_vec_owned(y.to_vec(), q),
        e_vec_owned_grad(ys.clone(), &qs),
        &ys,
        &qs,
    );
}
