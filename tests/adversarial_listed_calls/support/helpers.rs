//! Helpers the test modules share (`use super::helpers::*`). All have a loop unless noted.

use autodiff::prelude::*;

/// binary-search interpolation: ys read 4 times outside loops -> pairs path
#[differentiable]
pub(crate) fn interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if q <= xs[0] {
        return ys[0];
    }
    if q >= xs[n - 1] {
        return ys[n - 1];
    }
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

/// linear scan with a `for` + break, then one read pair
#[differentiable]
pub(crate) fn scan_interp(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let n = xs.len();
    let mut k = 0;
    for j in 0..n - 1 {
        k = j;
        if xs[j + 1] > q {
            break;
        }
    }
    let t = (q - xs[k]) / (xs[k + 1] - xs[k]);
    ys[k] + (ys[k + 1] - ys[k]) * t
}

/// one read of ys outside a loop; the loop computes a factor of q
#[differentiable]
pub(crate) fn read1(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..3 {
        f += (q * (j as f64 + 1.0)).sin();
    }
    ys[k] * f
}

/// the same element read twice
#[differentiable]
pub(crate) fn twice(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 1.0;
    for _j in 0..2 {
        f = f * q + 0.5;
    }
    let a = ys[k];
    let b = ys[k];
    a * b * f + b * q
}

/// exactly 8 reads outside loops (ys.len() >= 8)
#[differentiable]
pub(crate) fn read8(ys: &[f64], q: f64) -> f64 {
    let mut w = 0.0;
    for j in 0..4 {
        w += (q + j as f64).cos();
    }
    let a0 = ys[0];
    let a1 = ys[1];
    let a2 = ys[2];
    let a3 = ys[3];
    let a4 = ys[4];
    let a5 = ys[5];
    let a6 = ys[6];
    let a7 = ys[7];
    a0 * w + a1 * q + a2 * a3 + a4 * w * q + a5.sin() + a6 * a7 * q
}

/// 9 reads outside loops: over the limit -> old path
#[differentiable]
pub(crate) fn read9(ys: &[f64], q: f64) -> f64 {
    let mut w = 0.0;
    for j in 0..4 {
        w += (q + j as f64).cos();
    }
    let a0 = ys[0];
    let a1 = ys[1];
    let a2 = ys[2];
    let a3 = ys[3];
    let a4 = ys[4];
    let a5 = ys[5];
    let a6 = ys[6];
    let a7 = ys[7];
    let a8 = ys[8];
    a0 * w + a1 * q + a2 * a3 + a4 * w * q + a5.sin() + a6 * a7 * q + a8 * a8
}

/// reads ys inside its loop -> old path
#[differentiable]
pub(crate) fn inloop(ys: &[f64], q: f64) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for j in 0..ys.len() {
        s += ys[j] * p;
        p *= q;
    }
    s
}

/// returns early before the loop (reading ys), and from inside the loop without reading ys
#[differentiable]
pub(crate) fn early(ys: &[f64], k: usize, q: f64) -> f64 {
    if q < -0.5 {
        return ys[k] * q * q;
    }
    let mut acc = 0.0;
    for j in 0..6 {
        acc += (q * j as f64).cos();
        if acc > 3.5 {
            return acc * q;
        }
    }
    ys[k + 1] * acc + ys[k]
}

/// a `while` whose trip count depends on q, then reads
#[differentiable]
pub(crate) fn newton_scale(ys: &[f64], k: usize, q: f64) -> f64 {
    // sqrt(1 + q*q) by Newton, a fixed number of trips driven by a tolerance
    let a = 1.0 + q * q;
    let mut r = a;
    let mut it = 0;
    while it < 30 && (r * r - a).abs() > 1e-14 * a {
        r = 0.5 * (r + a / r);
        it += 1;
    }
    ys[k] * r + ys[k + 2] / r
}

/// ignores its float argument entirely
#[differentiable]
pub(crate) fn ignores_q(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut c = 0.0;
    for j in 0..3 {
        c += j as f64 * 0.25;
    }
    let _ = q;
    ys[k] * c + ys[k + 1]
}

/// passes its slice on to another helper -> old path
#[differentiable]
pub(crate) fn pass_on(xs: &[f64], ys: &[f64], q: f64) -> f64 {
    let mut z = 0.0;
    for j in 0..2 {
        z += q * (j as f64 + 1.0);
    }
    interp(xs, ys, 0.5 * z) * ys[1]
}

/// two slices and two floats
#[differentiable]
pub(crate) fn two(a: &[f64], b: &[f64], k: usize, t: f64, u: f64) -> f64 {
    let mut m = 0.0;
    for j in 0..3 {
        m += (u * j as f64).sin();
    }
    a[k] * t + b[k + 1] * a[k + 1] * m + b[k] * u * t
}

/// uses ys.len() (names the slice elsewhere) -> old path
#[differentiable]
pub(crate) fn uses_len(ys: &[f64], q: f64) -> f64 {
    let n = ys.len();
    let mut f = 0.0;
    for j in 0..n {
        f += (q * j as f64).sin();
    }
    ys[n - 1] * f + ys[0]
}

/// generic, two reads
#[differentiable]
pub(crate) fn gpick<T: Real>(ys: &[T], k: usize, x: T) -> T {
    let mut f = T::zero();
    for j in 0..3 {
        f += (x * T::from_f64(j as f64 + 1.0)).cos();
    }
    ys[k] * f + ys[k + 1] * x * x
}

/// no loop: old path (hint false)
#[differentiable]
pub(crate) fn noloop(ys: &[f64], k: usize, q: f64) -> f64 {
    ys[k] * q + ys[k + 1] * q * q
}

/// branches on the slice's value, reads differ per path
#[differentiable]
pub(crate) fn branchy_read(ys: &[f64], k: usize, q: f64) -> f64 {
    let mut f = 0.0;
    for j in 0..2 {
        f += q.powi(j + 1);
    }
    let a = ys[k];
    if a > 0.0 {
        a * f
    } else {
        let b = ys[k + 1];
        b * b * f - a
    }
}
