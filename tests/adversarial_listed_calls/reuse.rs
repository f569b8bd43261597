//! Pullbacks called repeatedly on functions with partial trips; threads; f32 vjp
#![allow(clippy::needless_range_loop, unused_mut, unused_variables)]
use super::fd::*;
use super::helpers::*;
use autodiff::prelude::*;

#[differentiable]
fn r_ret(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    'o: for i in 0..qs.len() {
        for j in 0..(i % 3) {
            let v = interp(xs, ys, qs[i] + 0.1 * j as f64);
            s += v * v;
            if s > lim {
                return s + read1(ys, j, qs[i]);
            }
            if v < -0.5 {
                continue 'o;
            }
            s += early(ys, j, qs[i] - 0.8) * 0.3;
        }
        if i % 5 == 4 {
            break;
        }
    }
    s
}
#[test]
fn t110_pullback_scaled_partial_trips() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 23);
    for lim in [0.7, 2.5, 1e9] {
        let (v, (gy, gq)) = r_ret_grad(&ys, &qs, &xs, lim);
        let n = ys.len();
        fd(
            &format!("r_ret {lim}"),
            |z| r_ret(&z[..n], &z[n..], &xs, lim),
            v,
            &cat(&[&gy, &gq]),
            &cat(&[&ys, &qs]),
        );
        let g = cat(&[&gy, &gq]);
        let (_, pb) = r_ret_vjp(&ys, &qs, &xs, lim);
        for c in [2.0, 0.0, 3.0, 1.0, -0.5] {
            let (a, b) = pb(c);
            let want: Vec<f64> = g.iter().map(|x| c * x).collect();
            close(
                &format!("r_ret {lim} pullback({c})"),
                &cat(&[&a, &b]),
                &want,
                1e-10,
            );
        }
    }
}

#[differentiable]
fn r_gen<T: Real>(ys: &[T], qs: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..qs.len() {
        if i % 4 == 3 {
            continue;
        }
        s += gpick(ys, i % (ys.len() - 1), qs[i]).tanh();
    }
    s
}
#[test]
fn t111_f32_vjp() {
    let ys = sines(6, 0.9);
    let qs = sines(14, 0.8);
    let (_, (gy, gq)) = r_gen_grad::<f64>(&ys, &qs);
    let y32: Vec<f32> = ys.iter().map(|v| *v as f32).collect();
    let q32: Vec<f32> = qs.iter().map(|v| *v as f32).collect();
    let (_, pb) = r_gen_vjp::<f32>(&y32, &q32);
    for c in [1.0f32, 2.0, 0.0, -3.0] {
        let (a, b) = pb(c);
        let got: Vec<f64> = a.iter().chain(&b).map(|v| *v as f64).collect();
        let want: Vec<f64> = gy.iter().chain(&gq).map(|v| v * c as f64).collect();
        close(&format!("r_gen f32 pullback({c})"), &got, &want, 1e-4);
    }
}

#[differentiable]
fn r_thr(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, ys, qs[i]) * read1(ys, i % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t112_threads_different_lengths() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let hs: Vec<_> = (0..4)
        .map(|t| {
            let xs = xs.clone();
            let ys = ys.clone();
            std::thread::spawn(move || {
                for r in 0..30 {
                    let m = 1 + (r * 37 + t * 101) % 700;
                    let qs = queries(&xs, m);
                    let (v, g) = r_thr_grad(&ys, &qs, &xs);
                    if r % 10 == 0 {
                        fd(
                            &format!("r_thr t{t} m{m}"),
                            |y| r_thr(y, &qs, &xs),
                            v,
                            &g,
                            &ys,
                        );
                    } else {
                        let (_, pb) = r_thr_vjp(&ys, &qs, &xs);
                        close("r_thr vjp", &pb(1.0), &g, 1e-12);
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
}
