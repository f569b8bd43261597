//! Calls in unusual positions: conditions with &&, match scrutinees, range bounds, return/break
//! expressions, blocks, method receivers; UFCS methods; no_grad helper parameters
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
fn setup() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 23);
    (xs, ys, qs)
}

#[differentiable]
fn p_and(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i % 2 == 0 && interp(xs, ys, qs[i]) > 0.1 {
            s += interp(xs, ys, qs[i] + 0.13) * qs[i];
        }
        if i % 3 == 0 || read1(ys, i % ys.len(), qs[i]) < 0.0 {
            s += read1(ys, (i + 1) % ys.len(), qs[i]);
        }
    }
    s
}
#[test]
fn t90_short_circuit() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_and",
        |y, q| p_and(y, q, &xs),
        p_and_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn p_match(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        match v > 0.0 {
            true => s += v * read1(ys, i % ys.len(), qs[i]),
            false => s -= v,
        }
    }
    s
}
#[test]
fn t91_match_on_call() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_match",
        |y, q| p_match(y, q, &xs),
        p_match_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn p_range_bound(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let m = (interp(xs, ys, qs[i]).abs() * 3.0) as usize;
        for j in 0..m {
            s += read1(ys, (i + j) % ys.len(), qs[i]);
        }
    }
    s
}
#[test]
fn t92_call_as_range_bound() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_range_bound",
        |y, q| p_range_bound(y, q, &xs),
        p_range_bound_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn p_return_expr(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] at: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += read1(ys, i % ys.len(), qs[i]);
        if i == at {
            return s * interp(xs, ys, qs[i]);
        }
    }
    s
}
#[test]
fn t93_return_call_expression() {
    let (xs, ys, qs) = setup();
    for at in [0, 7, 22, 99] {
        chk2(
            &format!("p_return_expr {at}"),
            |y, q| p_return_expr(y, q, &xs, at),
            p_return_expr_grad(&ys, &qs, &xs, at),
            &ys,
            &qs,
        );
    }
}

#[differentiable]
fn p_break_expr(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    let r = loop {
        s += read1(ys, i % ys.len(), qs[i]);
        if s > 1.0 || i + 1 == qs.len() {
            break interp(xs, ys, qs[i]) * s;
        }
        i += 1;
    };
    r + s
}
#[test]
fn t94_break_call_expression() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_break_expr",
        |y, q| p_break_expr(y, q, &xs),
        p_break_expr_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

#[differentiable]
fn p_block(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = {
            let t = qs[i] * 0.9 + 0.2;
            interp(xs, ys, t)
        };
        s += interp(xs, ys, qs[i]).max(v) + interp(xs, ys, qs[i] + 0.3).min(read1(ys, 0, qs[i]));
    }
    s
}
#[test]
fn t95_blocks_and_max_min() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_block",
        |y, q| p_block(y, q, &xs),
        p_block_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// UFCS call of a method with a receiver: argument positions vs parameter positions
struct Tab {
    scale: f64,
}
impl Tab {
    #[differentiable(wrt(ys, q))]
    fn look(&self, ys: &[f64], k: usize, q: f64) -> f64 {
        let mut f = 0.0;
        for j in 0..3 {
            f += (q + j as f64).sin() * self.scale;
        }
        ys[k] * f + ys[k + 1]
    }
}
#[differentiable]
fn p_ufcs(ys: &[f64], qs: &[f64], #[no_grad] t: &Tab) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += Tab::look(t, ys, i % (ys.len() - 1), qs[i]).tanh()
            + t.look(ys, (i + 2) % (ys.len() - 1), qs[i]);
    }
    s
}
#[test]
fn t96_ufcs_method() {
    let (_, ys, qs) = setup();
    let t = Tab { scale: 0.7 };
    chk2(
        "p_ufcs",
        |y, q| p_ufcs(y, q, &t),
        p_ufcs_grad(&ys, &qs, &t),
        &ys,
        &qs,
    );
}

/// a method whose slice is read in nested loops and by value: with a shifted `live` the hint
/// could accept it
impl Tab {
    #[differentiable(wrt(ys, q))]
    fn heavy(&self, q: f64, ys: &[f64]) -> f64 {
        let mut s = 0.0;
        for a in 0..2 {
            for b in 0..ys.len() - 1 {
                s += ys[b + a] * (q * b as f64).cos();
            }
        }
        s * self.scale + ys[0]
    }
}
#[differentiable]
fn p_ufcs_heavy(ys: &[f64], qs: &[f64], #[no_grad] t: &Tab) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += Tab::heavy(t, qs[i], ys).sin();
    }
    s
}
#[test]
fn t97_ufcs_heavy() {
    let (_, ys, qs) = setup();
    let t = Tab { scale: 0.7 };
    chk2(
        "p_ufcs_heavy",
        |y, q| p_ufcs_heavy(y, q, &t),
        p_ufcs_heavy_grad(&ys, &qs, &t),
        &ys,
        &qs,
    );
}

/// continue inside an inner loop right after the call, trip counts varying
#[differentiable]
fn p_inner_continue(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        for j in 0..(i % 5) {
            let v = interp(xs, ys, qs[i] + 0.07 * j as f64);
            if (i + j) % 2 == 0 {
                continue;
            }
            s += v * read1(ys, j, qs[i]);
        }
    }
    s
}
#[test]
fn t98_inner_continue() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_inner_continue",
        |y, q| p_inner_continue(y, q, &xs),
        p_inner_continue_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// the same site hit twice per trip through an inner loop of 2 and once by a while
#[differentiable]
fn p_while_inner(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let mut q = qs[i];
        let mut n = 0;
        while q < xs[xs.len() - 1] - 0.5 && n < i % 4 {
            s += interp(xs, ys, q);
            q += 0.61;
            n += 1;
        }
    }
    s
}
#[test]
fn t99_while_inner() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_while_inner",
        |y, q| p_while_inner(y, q, &xs),
        p_while_inner_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// the call's result assigned twice: the first dead
#[differentiable]
fn p_dead(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let mut v = interp(xs, ys, qs[i]);
        if i % 2 == 0 {
            v = interp(xs, ys, qs[i] + 0.2);
        }
        s += v * v;
    }
    s
}
#[test]
fn t100_dead_value() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_dead",
        |y, q| p_dead(y, q, &xs),
        p_dead_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

/// a local accumulator vector written with call results by index
#[differentiable]
fn p_local_vec(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut acc = vec![0.0; 3];
    for i in 0..qs.len() {
        acc[i % 3] += interp(xs, ys, qs[i]) * qs[i];
        acc[(i + 1) % 3] *= 0.9;
    }
    acc[0] * acc[1] + acc[2]
}
#[test]
fn t101_local_vec() {
    let (xs, ys, qs) = setup();
    chk2(
        "p_local_vec",
        |y, q| p_local_vec(y, q, &xs),
        p_local_vec_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}
