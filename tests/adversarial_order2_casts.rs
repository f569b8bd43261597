//! Adversarial tests of `as` casts in `order = 2` `f64` functions (about 75 hand-written cases):
//! every function against its first-order twin (`*_o1`, the same body without `order = 2`),
//! its gradient against central differences, `f_hvp`'s gradient against `f_grad`'s and `H·v`
//! against central differences of the gradient.

#![allow(
    clippy::needless_range_loop,
    clippy::unnecessary_cast,
    clippy::eq_op,
    clippy::identity_op,
    clippy::erasing_op,
    clippy::manual_range_contains,
    clippy::nonminimal_bool,
    clippy::bool_to_int_with_if,
    clippy::cast_abs_to_unsigned,
    clippy::char_lit_as_u8,
    clippy::useless_vec,
    clippy::let_and_return,
    clippy::cast_nan_to_int,
    overflowing_literals,
    unused_parens
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable]
fn dot1(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable(order = 2)]
fn sq(x: f64) -> f64 {
    x * x
}

#[differentiable]
fn sq1(x: f64) -> f64 {
    x * x
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    A,
    B,
    C,
}

#[derive(Clone, Copy)]
#[repr(i8)]
enum Level {
    Low = -1,
    High = 1,
}

#[derive(Differentiable, Clone, Debug)]
struct Model<T: Real> {
    w: Vec<T>,
    b: T,
}

#[differentiable(order = 2)]
fn pos_log(a: &[f64]) -> f64 {
    assert!(a[0] > 0.0, "pos_log on a non-positive first element");
    a[0].ln() + a[1] * a[1]
}

#[differentiable]
fn pos_log1(a: &[f64]) -> f64 {
    assert!(a[0] > 0.0, "pos_log on a non-positive first element");
    a[0].ln() + a[1] * a[1]
}

#[differentiable(order = 2)]
fn pick(x: &[f64]) -> f64 {
    let j = (x[0].abs() * 2.0) as usize % x.len();
    x[j] * x[1] + x[(x[1] as i32).rem_euclid(2) as usize]
}

#[differentiable]
fn pick1(x: &[f64]) -> f64 {
    let j = (x[0].abs() * 2.0) as usize % x.len();
    x[j] * x[1] + x[(x[1] as i32).rem_euclid(2) as usize]
}

#[differentiable(order = 2, boxed)]
fn rec_cast(x: &[f64], d: usize) -> f64 {
    if d == 0 {
        x[(x[1].abs() * 2.0) as usize % x.len()]
    } else {
        rec_cast(x, d - 1 + (x[0] * 0.0) as usize) * x[d % x.len()]
            + x[(x[2] * 2.0).abs() as usize % x.len()]
    }
}

#[differentiable(boxed)]
fn rec_cast1(x: &[f64], d: usize) -> f64 {
    if d == 0 {
        x[(x[1].abs() * 2.0) as usize % x.len()]
    } else {
        rec_cast1(x, d - 1 + (x[0] * 0.0) as usize) * x[d % x.len()]
            + x[(x[2] * 2.0).abs() as usize % x.len()]
    }
}

#[differentiable(order = 2, wrt(x))]
fn wrt_cast(x: &[f64], y: &[f64], n: usize) -> f64 {
    let c = (y[0] as f32) as f64;
    let k = (y[1] * 2.0) as usize % x.len();
    let j = (x[0] * n as f64) as usize % x.len();
    c * x[k] * x[j] + x[1] * x[1] * y[2]
}

#[differentiable(wrt(x))]
fn wrt_cast_o1(x: &[f64], y: &[f64], n: usize) -> f64 {
    let c = (y[0] as f32) as f64;
    let k = (y[1] * 2.0) as usize % x.len();
    let j = (x[0] * n as f64) as usize % x.len();
    c * x[k] * x[j] + x[1] * x[1] * y[2]
}

#[differentiable(order = 2)]
fn scalar_params(a: f64, b: f64) -> f64 {
    let k = (a * 2.0) as i32;
    b.powi(k) * a + (b as f32 > 0.3f32) as i32 as f64 * a
}

#[differentiable]
fn scalar_params_o1(a: f64, b: f64) -> f64 {
    let k = (a * 2.0) as i32;
    b.powi(k) * a + (b as f32 > 0.3f32) as i32 as f64 * a
}

pub struct Cfg {
    n: u32,
    scale: f64,
}

#[differentiable(order = 2)]
fn idx_direct(x: &[f64]) -> f64 {
    let j = (x[0] * 2.0) as usize;
    x[j + 1] * x[1] + x[0] * x[0]
}

#[differentiable()]
fn idx_direct_o1(x: &[f64]) -> f64 {
    let j = (x[0] * 2.0) as usize;
    x[j + 1] * x[1] + x[0] * x[0]
}

#[differentiable(order = 2)]
fn loop_range_end(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..(x[0] * 3.0) as usize {
        s += x[i % n] * x[1] + x[2].sin();
    }
    s * s + x[0]
}

#[differentiable()]
fn loop_range_end_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..(x[0] * 3.0) as usize {
        s += x[i % n] * x[1] + x[2].sin();
    }
    s * s + x[0]
}

#[differentiable(order = 2)]
fn loop_range_both_ends(x: &[f64]) -> f64 {
    let mut s = x[2];
    for i in (x[0].abs() as usize)..((x[1] * 2.0) as usize + 2) {
        s = s * x[i % 3] + x[1];
    }
    s
}

#[differentiable()]
fn loop_range_both_ends_o1(x: &[f64]) -> f64 {
    let mut s = x[2];
    for i in (x[0].abs() as usize)..((x[1] * 2.0) as usize + 2) {
        s = s * x[i % 3] + x[1];
    }
    s
}

#[differentiable(order = 2)]
fn while_cast_cond(x: &[f64]) -> f64 {
    let mut s = x[0] * x[1];
    let mut k = 0;
    while (s as i32) < 3 && k < 12 {
        s = s * 1.3 + x[2] * x[2];
        k += 1;
    }
    s * x[1]
}

#[differentiable()]
fn while_cast_cond_o1(x: &[f64]) -> f64 {
    let mut s = x[0] * x[1];
    let mut k = 0;
    while (s as i32) < 3 && k < 12 {
        s = s * 1.3 + x[2] * x[2];
        k += 1;
    }
    s * x[1]
}

#[differentiable(order = 2)]
fn while_cast_counter(x: &[f64]) -> f64 {
    let mut s = x[1];
    let mut i = 0usize;
    while i < (x[0] * 2.0) as usize {
        s = s * x[2] + x[0];
        i += 1;
    }
    s * s
}

#[differentiable()]
fn while_cast_counter_o1(x: &[f64]) -> f64 {
    let mut s = x[1];
    let mut i = 0usize;
    while i < (x[0] * 2.0) as usize {
        s = s * x[2] + x[0];
        i += 1;
    }
    s * s
}

#[differentiable(order = 2)]
fn match_scrutinee(x: &[f64]) -> f64 {
    match (x[0] * 2.0) as i32 {
        0 => x[1] * x[1],
        1 => x[1].sin() * x[2],
        -1 => x[2].exp() * x[0],
        _ => x[0] * x[1] * x[2],
    }
}

#[differentiable()]
fn match_scrutinee_o1(x: &[f64]) -> f64 {
    match (x[0] * 2.0) as i32 {
        0 => x[1] * x[1],
        1 => x[1].sin() * x[2],
        -1 => x[2].exp() * x[0],
        _ => x[0] * x[1] * x[2],
    }
}

#[differentiable(order = 2)]
fn match_range_arms(x: &[f64]) -> f64 {
    let k = (x[0] * 10.0) as u32;
    let w = match k {
        0..=2 => x[1],
        3 | 4 => x[1] * x[2],
        _ => x[2] * x[2],
    };
    w * x[0]
}

#[differentiable()]
fn match_range_arms_o1(x: &[f64]) -> f64 {
    let k = (x[0] * 10.0) as u32;
    let w = match k {
        0..=2 => x[1],
        3 | 4 => x[1] * x[2],
        _ => x[2] * x[2],
    };
    w * x[0]
}

#[differentiable(order = 2)]
fn method_receiver_min(x: &[f64]) -> f64 {
    let k = ((x[0] * 5.0) as usize).min(3);
    x[k] * x[k] + x[1]
}

#[differentiable()]
fn method_receiver_min_o1(x: &[f64]) -> f64 {
    let k = ((x[0] * 5.0) as usize).min(3);
    x[k] * x[k] + x[1]
}

#[differentiable(order = 2)]
fn method_receiver_chain(x: &[f64]) -> f64 {
    let k = ((x[0].abs() * 4.0) as usize).saturating_sub(1).clamp(0, 3);
    let m = (x[1] as i64).abs().max(1) as usize;
    x[k] * x[m % 4] * x[2]
}

#[differentiable()]
fn method_receiver_chain_o1(x: &[f64]) -> f64 {
    let k = ((x[0].abs() * 4.0) as usize).saturating_sub(1).clamp(0, 3);
    let m = (x[1] as i64).abs().max(1) as usize;
    x[k] * x[m % 4] * x[2]
}

#[differentiable(order = 2)]
fn in_assert(x: &[f64]) -> f64 {
    assert!((x[0] * 0.0) as usize == 0);
    assert!(x[1] as i64 >= -100, "x1 = {}", x[1] as i32);
    assert_eq!((x[2] * 0.0) as i32, 0, "{}", (x[2] * 3.0) as usize);
    debug_assert!((x[0].abs() as usize) < 1000);
    x[0] * x[1] * x[2]
}

#[differentiable()]
fn in_assert_o1(x: &[f64]) -> f64 {
    assert!((x[0] * 0.0) as usize == 0);
    assert!(x[1] as i64 >= -100, "x1 = {}", x[1] as i32);
    assert_eq!((x[2] * 0.0) as i32, 0, "{}", (x[2] * 3.0) as usize);
    debug_assert!((x[0].abs() as usize) < 1000);
    x[0] * x[1] * x[2]
}

#[differentiable(order = 2)]
fn in_vec_len(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; (x[0] * 3.0) as usize + 1];
    for j in 0..buf.len() {
        buf[j] = x[1] * (j as f64 + 1.0) + x[2];
    }
    let mut s = 0.0;
    for j in 0..buf.len() {
        s += buf[j] * buf[j];
    }
    s
}

#[differentiable()]
fn in_vec_len_o1(x: &[f64]) -> f64 {
    let mut buf = vec![0.0; (x[0] * 3.0) as usize + 1];
    for j in 0..buf.len() {
        buf[j] = x[1] * (j as f64 + 1.0) + x[2];
    }
    let mut s = 0.0;
    for j in 0..buf.len() {
        s += buf[j] * buf[j];
    }
    s
}

#[differentiable(order = 2)]
fn in_vec_elems(x: &[f64]) -> f64 {
    let ks = vec![(x[0] * 2.0) as usize, (x[1] * 2.0) as usize % 3, 2 as usize];
    x[ks[0]] * x[ks[1]] + x[ks[2]]
}

#[differentiable()]
fn in_vec_elems_o1(x: &[f64]) -> f64 {
    let ks = vec![(x[0] * 2.0) as usize, (x[1] * 2.0) as usize % 3, 2 as usize];
    x[ks[0]] * x[ks[1]] + x[ks[2]]
}

#[differentiable(order = 2)]
fn nested_casts(x: &[f64]) -> f64 {
    let a = (x[0] as i64) as usize;
    let b = ((x[1] * 3.0) as f32) as usize;
    let c = (x[2] * 2.0) as u8 as usize;
    let d = ((x[0] * 3.0) as i8) as u8;
    x[a % 3] * x[b % 3] + x[c % 3] * (d as f64) * x[1]
}

#[differentiable()]
fn nested_casts_o1(x: &[f64]) -> f64 {
    let a = (x[0] as i64) as usize;
    let b = ((x[1] * 3.0) as f32) as usize;
    let c = (x[2] * 2.0) as u8 as usize;
    let d = ((x[0] * 3.0) as i8) as u8;
    x[a % 3] * x[b % 3] + x[c % 3] * (d as f64) * x[1]
}

#[differentiable(order = 2)]
fn nested_cast_via_f32_rounding(x: &[f64]) -> f64 {
    // 0.99999999 as f32 rounds to 1.0: the f32 cast lands on 1, the f64 one on 0.
    let a = (x[0] as f32) as usize;
    let b = x[0] as usize;
    x[1 + a] * 3.0 + x[1 + b] * 5.0 + x[0] * x[0]
}

#[differentiable()]
fn nested_cast_via_f32_rounding_o1(x: &[f64]) -> f64 {
    // 0.99999999 as f32 rounds to 1.0: the f32 cast lands on 1, the f64 one on 0.
    let a = (x[0] as f32) as usize;
    let b = x[0] as usize;
    x[1 + a] * 3.0 + x[1 + b] * 5.0 + x[0] * x[0]
}

#[differentiable(order = 2)]
fn bool_casts(x: &[f64]) -> f64 {
    let b = (x[0] > x[1]) as usize;
    let c = ((x[0] > 0.0) as u8 + (x[1] > 0.0) as u8) as usize;
    let e = (x[2] < 0.0) as i32 as f64;
    x[b] * x[c] + e * x[2] * x[2] + (true as usize) as f64 * x[0]
}

#[differentiable()]
fn bool_casts_o1(x: &[f64]) -> f64 {
    let b = (x[0] > x[1]) as usize;
    let c = ((x[0] > 0.0) as u8 + (x[1] > 0.0) as u8) as usize;
    let e = (x[2] < 0.0) as i32 as f64;
    x[b] * x[c] + e * x[2] * x[2] + (true as usize) as f64 * x[0]
}

#[differentiable(order = 2)]
fn char_casts(x: &[f64]) -> f64 {
    let c = 'a';
    let k = ('c' as u32 - c as u32) as usize;
    let d = (b'a' + ((x[0] * 2.0).abs() as u8).min(2)) as char;
    let w = match d {
        'a' => x[1],
        'b' => x[2] * x[2],
        _ => x[1] * x[2],
    };
    x[k] * w + (d as u8 - b'a') as f64 * x[0]
}

#[differentiable()]
fn char_casts_o1(x: &[f64]) -> f64 {
    let c = 'a';
    let k = ('c' as u32 - c as u32) as usize;
    let d = (b'a' + ((x[0] * 2.0).abs() as u8).min(2)) as char;
    let w = match d {
        'a' => x[1],
        'b' => x[2] * x[2],
        _ => x[1] * x[2],
    };
    x[k] * w + (d as u8 - b'a') as f64 * x[0]
}

#[differentiable(order = 2)]
fn int_literal_casts(x: &[f64]) -> f64 {
    let a = 3 as usize;
    let b = -1i32 as usize;
    let c = 255u8 as i8;
    let d = 1u64 as f32;
    let e = 2_i16 as u8 as usize;
    let k = if b == usize::MAX && c == -1 && d > 0.5 {
        a
    } else {
        0
    };
    x[k] * x[e] + x[0]
}

#[differentiable()]
fn int_literal_casts_o1(x: &[f64]) -> f64 {
    let a = 3 as usize;
    let b = -1i32 as usize;
    let c = 255u8 as i8;
    let d = 1u64 as f32;
    let e = 2_i16 as u8 as usize;
    let k = if b == usize::MAX && c == -1 && d > 0.5 {
        a
    } else {
        0
    };
    x[k] * x[e] + x[0]
}

#[differentiable(order = 2)]
fn copy_enum_casts(x: &[f64]) -> f64 {
    let m = if x[0] > 0.0 { Mode::B } else { Mode::A };
    let k = m as usize + Mode::A as usize;
    let j = Mode::C as usize;
    x[k] * x[j] + (Mode::B as i32) as f64 * x[1] + (Mode::C as u8 as f64) * x[0]
}

#[differentiable()]
fn copy_enum_casts_o1(x: &[f64]) -> f64 {
    let m = if x[0] > 0.0 { Mode::B } else { Mode::A };
    let k = m as usize + Mode::A as usize;
    let j = Mode::C as usize;
    x[k] * x[j] + (Mode::B as i32) as f64 * x[1] + (Mode::C as u8 as f64) * x[0]
}

#[differentiable(order = 2)]
fn repr_enum_casts(x: &[f64]) -> f64 {
    let k = (Level::High as i8 - Level::Low as i8) as usize;
    let m = if x[1] < 0.0 { Level::Low } else { Level::High };
    x[k % 3] * x[(m as i8 + 1) as usize % 3] * x[2]
}

#[differentiable()]
fn repr_enum_casts_o1(x: &[f64]) -> f64 {
    let k = (Level::High as i8 - Level::Low as i8) as usize;
    let m = if x[1] < 0.0 { Level::Low } else { Level::High };
    x[k % 3] * x[(m as i8 + 1) as usize % 3] * x[2]
}

#[differentiable(order = 2)]
fn call_casts(x: &[f64]) -> f64 {
    let n = x.len();
    let j = dot(x, x) as usize % n;
    let k = (dot(&x[1..], &x[1..]) * 2.0) as usize % n;
    let m = (sq(x[0]) * 3.0) as i32;
    let l = (dot(x, x) as usize).min(2);
    x[j] * x[k] + x[l] * (m as f64) * x[0]
}

#[differentiable()]
fn call_casts_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let j = dot1(x, x) as usize % n;
    let k = (dot1(&x[1..], &x[1..]) * 2.0) as usize % n;
    let m = (sq1(x[0]) * 3.0) as i32;
    let l = (dot1(x, x) as usize).min(2);
    x[j] * x[k] + x[l] * (m as f64) * x[0]
}

#[differentiable(order = 2)]
fn call_cast_in_index_and_loop(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    let nd = (dot(x, x) as usize).min(5);
    for i in 0..nd {
        s += x[(dot(x, x) * (i as f64)) as usize % n] * x[i % n];
    }
    s + x[dot(x, x) as usize % n]
}

#[differentiable()]
fn call_cast_in_index_and_loop_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    let nd = (dot1(x, x) as usize).min(5);
    for i in 0..nd {
        s += x[(dot1(x, x) * (i as f64)) as usize % n] * x[i % n];
    }
    s + x[dot1(x, x) as usize % n]
}

#[differentiable(order = 2)]
fn call_cast_in_cond(x: &[f64]) -> f64 {
    let d = dot(x, x);
    if (d * 2.0) as i32 > 1 && (sq(x[1]) * 4.0) as usize == 1 {
        x[0] * d
    } else if (d as f32) > 0.1f32 {
        x[1] * d * d
    } else {
        x[2]
    }
}

#[differentiable()]
fn call_cast_in_cond_o1(x: &[f64]) -> f64 {
    let d = dot1(x, x);
    if (d * 2.0) as i32 > 1 && (sq1(x[1]) * 4.0) as usize == 1 {
        x[0] * d
    } else if (d as f32) > 0.1f32 {
        x[1] * d * d
    } else {
        x[2]
    }
}

#[differentiable(order = 2)]
fn mixed_operand(x: &[f64]) -> f64 {
    let n = x.len();
    let a = (x[0] * n as f64) as usize % n;
    let mut s = 0.0;
    for i in 0..n {
        let k = (x[1] * (i as f64) + 0.5) as usize % n;
        s += x[k] * x[i];
    }
    s + x[a] + ((x[2] + n as f64) as u32 % 2) as f64 * x[1]
}

#[differentiable()]
fn mixed_operand_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let a = (x[0] * n as f64) as usize % n;
    let mut s = 0.0;
    for i in 0..n {
        let k = (x[1] * (i as f64) + 0.5) as usize % n;
        s += x[k] * x[i];
    }
    s + x[a] + ((x[2] + n as f64) as u32 % 2) as f64 * x[1]
}

#[differentiable(order = 2)]
fn negative_operands(x: &[f64]) -> f64 {
    let a = x[0] as usize; // negative -> 0
    let b = x[1] as i32;
    let c = (b.rem_euclid(3)) as usize;
    let d = (x[2] as i64).unsigned_abs() as usize % 3;
    x[a % 3] * x[c] + x[d] * (b as f64) * x[2]
}

#[differentiable()]
fn negative_operands_o1(x: &[f64]) -> f64 {
    let a = x[0] as usize; // negative -> 0
    let b = x[1] as i32;
    let c = (b.rem_euclid(3)) as usize;
    let d = (x[2] as i64).unsigned_abs() as usize % 3;
    x[a % 3] * x[c] + x[d] * (b as f64) * x[2]
}

#[differentiable(order = 2)]
fn nan_inf_operands(x: &[f64]) -> f64 {
    let t = x[0] * f64::NAN;
    let k = (t as usize).min(2); // NaN -> 0
    let u = (x[1].abs() + 1.0) / 0.0;
    let m = (u as usize).min(2); // inf -> MAX -> 2
    let z = (f64::NAN as usize) + (f64::NEG_INFINITY as usize);
    let w = (-f64::INFINITY) as i32 == i32::MIN;
    let q = (x[2] - 100.0).sqrt() as usize; // sqrt of a negative: NaN -> 0
    x[k] * x[m] + x[z + q] * x[1] * (w as i32 as f64)
}

#[differentiable()]
fn nan_inf_operands_o1(x: &[f64]) -> f64 {
    let t = x[0] * f64::NAN;
    let k = (t as usize).min(2); // NaN -> 0
    let u = (x[1].abs() + 1.0) / 0.0;
    let m = (u as usize).min(2); // inf -> MAX -> 2
    let z = (f64::NAN as usize) + (f64::NEG_INFINITY as usize);
    let w = (-f64::INFINITY) as i32 == i32::MIN;
    let q = (x[2] - 100.0).sqrt() as usize; // sqrt of a negative: NaN -> 0
    x[k] * x[m] + x[z + q] * x[1] * (w as i32 as f64)
}

#[differentiable(order = 2)]
fn saturating_casts(x: &[f64]) -> f64 {
    let a = (x[0] * 1e300) as i32;
    let b = (x[1] * 1e300) as u8;
    let c = (-x[0] * 1e300) as i64;
    let k = if a == i32::MAX && b == 255 && c == i64::MIN {
        1
    } else {
        2
    };
    let big = (x[2] * 1e30) as u128;
    let h = (big > 1000) as usize;
    x[k] * x[h] + (x[2] as i128) as f64 * x[0] + (x[1] as isize) as f64
}

#[differentiable()]
fn saturating_casts_o1(x: &[f64]) -> f64 {
    let a = (x[0] * 1e300) as i32;
    let b = (x[1] * 1e300) as u8;
    let c = (-x[0] * 1e300) as i64;
    let k = if a == i32::MAX && b == 255 && c == i64::MIN {
        1
    } else {
        2
    };
    let big = (x[2] * 1e30) as u128;
    let h = (big > 1000) as usize;
    x[k] * x[h] + (x[2] as i128) as f64 * x[0] + (x[1] as isize) as f64
}

#[differentiable(order = 2)]
fn floor_round_casts(x: &[f64]) -> f64 {
    let a = (x[0] * 3.0).floor() as usize;
    let b = (x[1] * 2.0).round() as i64;
    let c = (x[2] * 2.0).trunc() as i32;
    let d = (x[0] * 2.0).ceil() as u16;
    x[a % 3] * x[(b.rem_euclid(3)) as usize] + (c as f64) * x[2] * x[1] + (d as f64) * x[0]
}

#[differentiable()]
fn floor_round_casts_o1(x: &[f64]) -> f64 {
    let a = (x[0] * 3.0).floor() as usize;
    let b = (x[1] * 2.0).round() as i64;
    let c = (x[2] * 2.0).trunc() as i32;
    let d = (x[0] * 2.0).ceil() as u16;
    x[a % 3] * x[(b.rem_euclid(3)) as usize] + (c as f64) * x[2] * x[1] + (d as f64) * x[0]
}

#[differentiable(order = 2)]
fn typed_lets(x: &[f64]) -> f64 {
    let k: usize = (x[0] * 3.0) as usize;
    let m: i64 = x[1] as i64;
    let h: f32 = x[2] as f32;
    let t: u32 = (h * 2.0) as u32;
    x[k % 3] * x[(m.rem_euclid(3)) as usize] + if h > 0.5 { x[2] } else { x[1] * (t as f64) }
}

#[differentiable()]
fn typed_lets_o1(x: &[f64]) -> f64 {
    let k: usize = (x[0] * 3.0) as usize;
    let m: i64 = x[1] as i64;
    let h: f32 = x[2] as f32;
    let t: u32 = (h * 2.0) as u32;
    x[k % 3] * x[(m.rem_euclid(3)) as usize] + if h > 0.5 { x[2] } else { x[1] * (t as f64) }
}

#[differentiable(order = 2)]
fn other_float_locals(x: &[f64]) -> f64 {
    let a = x[0] as f32;
    let b = a * 2.0;
    let c = (b + 0.5) as usize;
    let x0 = x[1] as f32;
    let x1 = (x0 * 3.0) as usize;
    let lim = (x[2] as f32).max(0.25);
    let w = if lim > 0.5 { x[2] * x[2] } else { x[1] };
    x[c % 3] * w + x[x1 % 3]
}

#[differentiable()]
fn other_float_locals_o1(x: &[f64]) -> f64 {
    let a = x[0] as f32;
    let b = a * 2.0;
    let c = (b + 0.5) as usize;
    let x0 = x[1] as f32;
    let x1 = (x0 * 3.0) as usize;
    let lim = (x[2] as f32).max(0.25);
    let w = if lim > 0.5 { x[2] * x[2] } else { x[1] };
    x[c % 3] * w + x[x1 % 3]
}

#[differentiable(order = 2)]
fn eq_with_casts(x: &[f64]) -> f64 {
    let k = (x[0] * 3.0) as i32;
    let w = if k == 1 {
        x[1] * x[1]
    } else if (x[0] * 3.0) as i32 == 2 {
        x[2] * x[1]
    } else if ((x[1] * 2.0) as i32) as f64 == 1.0 {
        x[0] * x[0] * x[0]
    } else if (x[2] as usize) != 0 {
        x[2].exp()
    } else {
        x[0]
    };
    w * x[2]
}

#[differentiable()]
fn eq_with_casts_o1(x: &[f64]) -> f64 {
    let k = (x[0] * 3.0) as i32;
    let w = if k == 1 {
        x[1] * x[1]
    } else if (x[0] * 3.0) as i32 == 2 {
        x[2] * x[1]
    } else if ((x[1] * 2.0) as i32) as f64 == 1.0 {
        x[0] * x[0] * x[0]
    } else if (x[2] as usize) != 0 {
        x[2].exp()
    } else {
        x[0]
    };
    w * x[2]
}

#[differentiable(order = 2)]
fn powi_cast(x: &[f64]) -> f64 {
    let k = (x[0] * 3.0) as i32;
    x[1].powi(k) + x[2].powi((x[1] * 2.0) as i32 + 2) * x[0] + x[2].powf((x[0] as i32) as f64 + 1.5)
}

#[differentiable()]
fn powi_cast_o1(x: &[f64]) -> f64 {
    let k = (x[0] * 3.0) as i32;
    x[1].powi(k) + x[2].powi((x[1] * 2.0) as i32 + 2) * x[0] + x[2].powf((x[0] as i32) as f64 + 1.5)
}

#[differentiable(order = 2)]
fn local_array_index(x: &[f64]) -> f64 {
    let arr = [x[0] * x[1], x[1] + x[2], x[2] * x[2]];
    let k = (x[0] * 2.0) as usize % 3;
    let w: Vec<f64> = vec![x[1] * 2.0, x[2], x[0] + 3.5];
    let j = w[2] as usize % 3;
    arr[k] * arr[j] + w[j]
}

#[differentiable()]
fn local_array_index_o1(x: &[f64]) -> f64 {
    let arr = [x[0] * x[1], x[1] + x[2], x[2] * x[2]];
    let k = (x[0] * 2.0) as usize % 3;
    let w: Vec<f64> = vec![x[1] * 2.0, x[2], x[0] + 3.5];
    let j = w[2] as usize % 3;
    arr[k] * arr[j] + w[j]
}

#[differentiable(order = 2)]
fn compound_index_assign(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 4];
    v[(x[0] * 3.0) as usize % 4] += x[1] * x[1];
    v[(x[1].abs() * 2.0) as usize % 4] += x[2];
    let k = (x[2] * 2.0) as usize % 4;
    v[k] = v[k] * x[0] + 1.0;
    v[0] + v[1] * v[2] + v[3] * v[3]
}

#[differentiable()]
fn compound_index_assign_o1(x: &[f64]) -> f64 {
    let mut v = vec![0.0; 4];
    v[(x[0] * 3.0) as usize % 4] += x[1] * x[1];
    v[(x[1].abs() * 2.0) as usize % 4] += x[2];
    let k = (x[2] * 2.0) as usize % 4;
    v[k] = v[k] * x[0] + 1.0;
    v[0] + v[1] * v[2] + v[3] * v[3]
}

#[differentiable(order = 2)]
fn early_return_cast(x: &[f64]) -> f64 {
    let mut s = x[0];
    for i in 0..6 {
        s = s * x[1] + x[2];
        if (s.abs() * 2.0) as usize > 4 {
            return s * x[i % 3];
        }
    }
    s * s
}

#[differentiable()]
fn early_return_cast_o1(x: &[f64]) -> f64 {
    let mut s = x[0];
    for i in 0..6 {
        s = s * x[1] + x[2];
        if (s.abs() * 2.0) as usize > 4 {
            return s * x[i % 3];
        }
    }
    s * s
}

#[differentiable(order = 2)]
fn loop_var_float_cast(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        s += x[((i as f64) * x[0]).abs() as usize % n] * x[i];
    }
    s
}

#[differentiable()]
fn loop_var_float_cast_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        s += x[((i as f64) * x[0]).abs() as usize % n] * x[i];
    }
    s
}

#[differentiable(order = 2)]
fn step_by_cast(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in (0..n).step_by((x[0].abs() * 2.0) as usize + 1) {
        s += x[i] * x[i];
    }
    s * x[1]
}

#[differentiable()]
fn step_by_cast_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in (0..n).step_by((x[0].abs() * 2.0) as usize + 1) {
        s += x[i] * x[i];
    }
    s * x[1]
}

#[differentiable(order = 2)]
fn loop_break_cast(x: &[f64]) -> f64 {
    let mut s = x[0];
    let mut k = 0;
    loop {
        s = s * x[1] + x[2];
        k += 1;
        if (s * 3.0) as i64 >= 4 || k >= 7 {
            break;
        }
    }
    s + k as f64 * x[0]
}

#[differentiable()]
fn loop_break_cast_o1(x: &[f64]) -> f64 {
    let mut s = x[0];
    let mut k = 0;
    loop {
        s = s * x[1] + x[2];
        k += 1;
        if (s * 3.0) as i64 >= 4 || k >= 7 {
            break;
        }
    }
    s + k as f64 * x[0]
}

#[differentiable(order = 2)]
fn nested_loops_casts(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..((x[0] * 2.0) as usize).min(3) + 1 {
        for j in (i as i64 as usize)..((x[1] * 3.0) as usize).min(n) {
            s += x[j] * x[i];
        }
    }
    s
}

#[differentiable()]
fn nested_loops_casts_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..((x[0] * 2.0) as usize).min(3) + 1 {
        for j in (i as i64 as usize)..((x[1] * 3.0) as usize).min(n) {
            s += x[j] * x[i];
        }
    }
    s
}

#[differentiable(order = 2)]
fn formatting_cast(x: &[f64]) -> f64 {
    let c0 = stop_gradient(x[0]);
    let c1 = stop_gradient(x[1]);
    let msg = format!("{} {}", (c0 * 3.0) as i32, c1 as usize);
    println!("{} {}", (x[0] * 3.0) as i32, x[1] as usize);
    let k = msg.len() % 3;
    x[k] * x[1]
}

#[differentiable()]
fn formatting_cast_o1(x: &[f64]) -> f64 {
    let c0 = stop_gradient(x[0]);
    let c1 = stop_gradient(x[1]);
    let msg = format!("{} {}", (c0 * 3.0) as i32, c1 as usize);
    println!("{} {}", (x[0] * 3.0) as i32, x[1] as usize);
    let k = msg.len() % 3;
    x[k] * x[1]
}

#[differentiable(order = 2)]
fn matches_macro(x: &[f64]) -> f64 {
    let ok = matches!((x[0] * 2.0) as i32, 0 | 1);
    let in_range = matches!((x[1] * 2.0) as i32, -2..=0);
    if ok && !in_range {
        x[0] * x[1]
    } else if ok {
        x[2] * x[2]
    } else {
        x[1]
    }
}

#[differentiable()]
fn matches_macro_o1(x: &[f64]) -> f64 {
    let ok = matches!((x[0] * 2.0) as i32, 0 | 1);
    let in_range = matches!((x[1] * 2.0) as i32, -2..=0);
    if ok && !in_range {
        x[0] * x[1]
    } else if ok {
        x[2] * x[2]
    } else {
        x[1]
    }
}

#[differentiable(order = 2)]
fn shift_and_bits(x: &[f64]) -> f64 {
    let k = ((x[0] * 4.0) as u32) << 1;
    let m = ((x[1] * 4.0) as u32 & 3) as usize;
    let r = (k >> 1) as usize % 3;
    x[r] * x[m % 3] + (k as f64) * x[2]
}

#[differentiable()]
fn shift_and_bits_o1(x: &[f64]) -> f64 {
    let k = ((x[0] * 4.0) as u32) << 1;
    let m = ((x[1] * 4.0) as u32 & 3) as usize;
    let r = (k >> 1) as usize % 3;
    x[r] * x[m % 3] + (k as f64) * x[2]
}

#[differentiable(order = 2)]
fn cast_inside_float_cast(x: &[f64]) -> f64 {
    // n as f64 of an integer made from the scalar: a constant of the scalar type.
    let k = (x[0] * 3.0) as i32 as f64;
    let j = (x[1] * 2.0) as usize as f64;
    k * x[1] + j * x[2] * x[2] + (x[2] as i32 as f64) * x[0]
}

#[differentiable()]
fn cast_inside_float_cast_o1(x: &[f64]) -> f64 {
    // n as f64 of an integer made from the scalar: a constant of the scalar type.
    let k = (x[0] * 3.0) as i32 as f64;
    let j = (x[1] * 2.0) as usize as f64;
    k * x[1] + j * x[2] * x[2] + (x[2] as i32 as f64) * x[0]
}

#[differentiable(order = 2)]
fn field_cast_struct(m: &Model<f64>) -> f64 {
    let k = (m.b * 2.0).abs() as usize % 3;
    let j = m.w[0] as usize % 3;
    m.w[k] * m.w[j] + m.b * (m.w[1] as i32 as f64) + m.b * m.b
}

#[differentiable()]
fn field_cast_struct_o1(m: &Model<f64>) -> f64 {
    let k = (m.b * 2.0).abs() as usize % 3;
    let j = m.w[0] as usize % 3;
    m.w[k] * m.w[j] + m.b * (m.w[1] as i32 as f64) + m.b * m.b
}

#[differentiable(order = 2, wrt(x))]
fn cfg_field_cast(x: &[f64], cfg: &Cfg) -> f64 {
    let k = (cfg.scale as f64 * x[0]) as usize % x.len();
    let j = cfg.n as usize % x.len();
    let t = cfg.scale as i32;
    x[k] * x[j] + (t as f64) * x[0] * x[1]
}

#[differentiable(wrt(x))]
fn cfg_field_cast_o1(x: &[f64], cfg: &Cfg) -> f64 {
    let k = (cfg.scale as f64 * x[0]) as usize % x.len();
    let j = cfg.n as usize % x.len();
    let t = cfg.scale as i32;
    x[k] * x[j] + (t as f64) * x[0] * x[1]
}

#[differentiable(order = 2)]
fn matrix_elem_cast(m: &DMatrix<f64>) -> f64 {
    let k = (m[(0, 0)] * 2.0).abs() as usize % m.ncols();
    let r = (m[(1, 2)] as i32).rem_euclid(2) as usize;
    m[(r, k)] * m[(0, 1)] + m[(1, 0)] * m[(1, 1)] * m[(1, 1)]
}

#[differentiable()]
fn matrix_elem_cast_o1(m: &DMatrix<f64>) -> f64 {
    let k = (m[(0, 0)] * 2.0).abs() as usize % m.ncols();
    let r = (m[(1, 2)] as i32).rem_euclid(2) as usize;
    m[(r, k)] * m[(0, 1)] + m[(1, 0)] * m[(1, 1)] * m[(1, 1)]
}

#[differentiable(order = 2)]
fn float_consts_cast(x: &[f64]) -> f64 {
    let k = std::f64::consts::PI as usize % 3;
    let j = std::f64::consts::E as i32;
    let big = f64::MAX as f32;
    let eps = f64::EPSILON as f32 > 0.0;
    x[k] * x[1]
        + (j as f64) * x[0]
        + if big.is_infinite() && eps {
            x[0] * x[2]
        } else {
            0.0
        }
}

#[differentiable()]
fn float_consts_cast_o1(x: &[f64]) -> f64 {
    let k = std::f64::consts::PI as usize % 3;
    let j = std::f64::consts::E as i32;
    let big = f64::MAX as f32;
    let eps = f64::EPSILON as f32 > 0.0;
    x[k] * x[1]
        + (j as f64) * x[0]
        + if big.is_infinite() && eps {
            x[0] * x[2]
        } else {
            0.0
        }
}

#[differentiable(order = 2)]
fn block_if_match_operands(x: &[f64]) -> f64 {
    let a = {
        let t = x[0] * 2.0;
        t
    } as usize;
    let b = (if x[0] > 0.0 { x[0] } else { x[1] }) as usize;
    let c = (match x[1] > 0.0 {
        true => x[1] * 2.0,
        false => x[2],
    }) as i64;
    x[a % 3] * x[b % 3] + x[(c.rem_euclid(3)) as usize] * x[2]
}

#[differentiable()]
fn block_if_match_operands_o1(x: &[f64]) -> f64 {
    let a = {
        let t = x[0] * 2.0;
        t
    } as usize;
    let b = (if x[0] > 0.0 { x[0] } else { x[1] }) as usize;
    let c = (match x[1] > 0.0 {
        true => x[1] * 2.0,
        false => x[2],
    }) as i64;
    x[a % 3] * x[b % 3] + x[(c.rem_euclid(3)) as usize] * x[2]
}

#[differentiable(order = 2)]
fn tuple_field_and_std_min(x: &[f64]) -> f64 {
    let t = (x[0] * 2.0, 3u8);
    let k = t.0 as usize + t.1 as usize;
    let m = std::cmp::min((x[1] * 2.0) as usize, 2);
    let c = char::from((x[2] * 2.0).abs() as u8 % 3 + b'a');
    let w = if c == 'b' { x[0] * x[1] } else { x[1] };
    x[k % 3] * x[m] + w
}

#[differentiable()]
fn tuple_field_and_std_min_o1(x: &[f64]) -> f64 {
    let t = (x[0] * 2.0, 3u8);
    let k = t.0 as usize + t.1 as usize;
    let m = std::cmp::min((x[1] * 2.0) as usize, 2);
    let c = char::from((x[2] * 2.0).abs() as u8 % 3 + b'a');
    let w = if c == 'b' { x[0] * x[1] } else { x[1] };
    x[k % 3] * x[m] + w
}

#[differentiable(order = 2)]
fn loop_break_value_cast(x: &[f64]) -> f64 {
    let mut i = 0;
    let k = loop {
        i += 1;
        if i > 2 {
            break (x[0] * 3.0) as usize;
        }
    };
    let j = -(x[1] as i32);
    let l = (-x[0] * 2.0) as usize;
    x[k % 3] * x[1] + (j as f64) * x[2] + x[l % 3]
}

#[differentiable()]
fn loop_break_value_cast_o1(x: &[f64]) -> f64 {
    let mut i = 0;
    let k = loop {
        i += 1;
        if i > 2 {
            break (x[0] * 3.0) as usize;
        }
    };
    let j = -(x[1] as i32);
    let l = (-x[0] * 2.0) as usize;
    x[k % 3] * x[1] + (j as f64) * x[2] + x[l % 3]
}

#[differentiable(order = 2)]
fn iter_casts(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for a in x.iter() {
        s += x[(*a * 2.0).abs() as usize % 3] * a;
    }
    for &a in x.iter() {
        s += (a as i32) as f64 * a;
    }
    for a in x.iter().take((x[0].abs() * 3.0) as usize) {
        s += a * a;
    }
    if (x.len() as f32) > x[0] as f32 {
        s * x[1]
    } else {
        s
    }
}

#[differentiable()]
fn iter_casts_o1(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for a in x.iter() {
        s += x[(*a * 2.0).abs() as usize % 3] * a;
    }
    for &a in x.iter() {
        s += (a as i32) as f64 * a;
    }
    for a in x.iter().take((x[0].abs() * 3.0) as usize) {
        s += a * a;
    }
    if (x.len() as f32) > x[0] as f32 {
        s * x[1]
    } else {
        s
    }
}

#[differentiable(order = 2)]
fn call_cast_positions(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < dot(x, x) as usize && i < 5 {
        s += x[i % 3];
        i += 1;
    }
    let a = if dot(x, x) as usize > 1 {
        x[0] * x[1]
    } else {
        x[1]
    };
    let b = match dot(x, x) as usize {
        0 => x[0] * x[2],
        _ => x[1],
    };
    s * a + b * x[dot(x, x) as usize % 3]
}

#[differentiable()]
fn call_cast_positions_o1(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < dot1(x, x) as usize && i < 5 {
        s += x[i % 3];
        i += 1;
    }
    let a = if dot1(x, x) as usize > 1 {
        x[0] * x[1]
    } else {
        x[1]
    };
    let b = match dot1(x, x) as usize {
        0 => x[0] * x[2],
        _ => x[1],
    };
    s * a + b * x[dot1(x, x) as usize % 3]
}

#[differentiable(order = 2)]
fn call_in_loop_index_while(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += x[(dot(x, x) * (i as f64)) as usize % 3];
    }
    let mut k = 1.0;
    let mut n = 0;
    while ((dot(x, x) * k) as usize) < 5 && n < 10 {
        k += 1.0;
        n += 1;
    }
    s * x[1] * k
}

#[differentiable()]
fn call_in_loop_index_while_o1(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += x[(dot1(x, x) * (i as f64)) as usize % 3];
    }
    let mut k = 1.0;
    let mut n = 0;
    while ((dot1(x, x) * k) as usize) < 5 && n < 10 {
        k += 1.0;
        n += 1;
    }
    s * x[1] * k
}

#[differentiable(order = 2)]
fn short_circuit_call_cast(x: &[f64]) -> f64 {
    let mut s = x[1] * x[2];
    if x[0] > 0.0 && (pos_log(x) * 2.0) as i32 > -3 {
        s += x[0] * x[1];
    }
    if x[0] <= 0.0 || (pos_log(x) as i64) < 5 {
        s += x[2];
    }
    let ok = x[0] > 0.0 && pos_log(x) as usize == 0;
    let mut k = 0;
    while k < 2 && x[k] > 0.0 && (pos_log(&x[k..]) * 3.0) as i32 > -10 {
        k += 1;
    }
    s * (k as f64 + 1.0) + if ok { x[1] } else { x[2] }
}

#[differentiable()]
fn short_circuit_call_cast_o1(x: &[f64]) -> f64 {
    let mut s = x[1] * x[2];
    if x[0] > 0.0 && (pos_log1(x) * 2.0) as i32 > -3 {
        s += x[0] * x[1];
    }
    if x[0] <= 0.0 || (pos_log1(x) as i64) < 5 {
        s += x[2];
    }
    let ok = x[0] > 0.0 && pos_log1(x) as usize == 0;
    let mut k = 0;
    while k < 2 && x[k] > 0.0 && (pos_log1(&x[k..]) * 3.0) as i32 > -10 {
        k += 1;
    }
    s * (k as f64 + 1.0) + if ok { x[1] } else { x[2] }
}

#[differentiable(order = 2)]
fn callee_with_cast(x: &[f64]) -> f64 {
    pick(x) * pick(&x[1..]) + pick(x) * x[0]
}

#[differentiable()]
fn callee_with_cast_o1(x: &[f64]) -> f64 {
    pick1(x) * pick1(&x[1..]) + pick1(x) * x[0]
}

#[differentiable(order = 2)]
fn recursion_cast(x: &[f64]) -> f64 {
    rec_cast(x, 3) * x[0]
}

#[differentiable()]
fn recursion_cast_o1(x: &[f64]) -> f64 {
    rec_cast1(x, 3) * x[0]
}

#[differentiable(order = 2)]
fn side_effect_operand(x: &[f64]) -> f64 {
    let mut c = 0;
    let mut s = 0.0;
    for _ in 0..3 {
        let k = {
            c += 1;
            (x[0] * c as f64) as usize
        };
        s += x[k % 3] * x[c % 3];
    }
    s * c as f64
}

#[differentiable()]
fn side_effect_operand_o1(x: &[f64]) -> f64 {
    let mut c = 0;
    let mut s = 0.0;
    for _ in 0..3 {
        let k = {
            c += 1;
            (x[0] * c as f64) as usize
        };
        s += x[k % 3] * x[c % 3];
    }
    s * c as f64
}

#[differentiable(order = 2)]
fn fused_loop_shapes(x: &[f64]) -> f64 {
    let n = x.len();
    let k = (x[0].abs() * 2.0) as usize;
    let st = (x[1].abs() * 2.0) as usize + 1;
    let mut s = 0.0;
    let mut t = 0.0;
    for i in 0..n {
        s += x[i] * x[(i + k) % n];
        t += x[(i * st) % n] * x[i] * x[i];
    }
    let mut u = 0.0;
    for i in 0..n {
        u += x[i] * x[(x[i].abs() * 3.0) as usize % n];
    }
    s + t * u
}

#[differentiable()]
fn fused_loop_shapes_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let k = (x[0].abs() * 2.0) as usize;
    let st = (x[1].abs() * 2.0) as usize + 1;
    let mut s = 0.0;
    let mut t = 0.0;
    for i in 0..n {
        s += x[i] * x[(i + k) % n];
        t += x[(i * st) % n] * x[i] * x[i];
    }
    let mut u = 0.0;
    for i in 0..n {
        u += x[i] * x[(x[i].abs() * 3.0) as usize % n];
    }
    s + t * u
}

#[differentiable(order = 2)]
fn sqrt_zero_operand(x: &[f64]) -> f64 {
    let t = (x[0] - x[0]).sqrt();
    let k = (t * 3.0) as usize;
    let u = (x[1] * x[1]).sqrt();
    let j = (u * 2.0) as usize % 3;
    let w = x[2].ln();
    let l = (w as i32).rem_euclid(3) as usize;
    x[k] * x[j] + x[l] * u
}

#[differentiable()]
fn sqrt_zero_operand_o1(x: &[f64]) -> f64 {
    let t = (x[0] - x[0]).sqrt();
    let k = (t * 3.0) as usize;
    let u = (x[1] * x[1]).sqrt();
    let j = (u * 2.0) as usize % 3;
    let w = x[2].ln();
    let l = (w as i32).rem_euclid(3) as usize;
    x[k] * x[j] + x[l] * u
}

#[differentiable(order = 2)]
fn stop_gradient_operand(x: &[f64]) -> f64 {
    let k = (stop_gradient(x[0]) * 2.0) as usize % 3;
    let j = stop_gradient(x[1] * x[2]) as i32;
    x[k] * x[1] + (j as f64) * x[0] * x[0]
}

#[differentiable()]
fn stop_gradient_operand_o1(x: &[f64]) -> f64 {
    let k = (stop_gradient(x[0]) * 2.0) as usize % 3;
    let j = stop_gradient(x[1] * x[2]) as i32;
    x[k] * x[1] + (j as f64) * x[0] * x[0]
}

#[differentiable(order = 2)]
fn to_bits_and_other_methods(x: &[f64]) -> f64 {
    let b = ((x[0].abs() * 7.0) as f32).floor() as u32;
    let neg = (x[1] as f32).is_sign_negative();
    let m = (x[2] as f32).max(0.5) as f64 > 0.75;
    let k = (b % 3) as usize;
    x[k] * x[1] + if neg { x[0] } else { x[2] } + if m { x[1] * x[1] } else { 0.0 }
}

#[differentiable()]
fn to_bits_and_other_methods_o1(x: &[f64]) -> f64 {
    let b = ((x[0].abs() * 7.0) as f32).floor() as u32;
    let neg = (x[1] as f32).is_sign_negative();
    let m = (x[2] as f32).max(0.5) as f64 > 0.75;
    let k = (b % 3) as usize;
    x[k] * x[1] + if neg { x[0] } else { x[2] } + if m { x[1] * x[1] } else { 0.0 }
}

#[differentiable(order = 2)]
fn hvp_of_loop_with_cast_trips(x: &[f64]) -> f64 {
    let mut s = x[0];
    let mut acc = 0.0;
    for i in 0..((x[1].abs() * 3.0) as usize).min(5) {
        s = s * x[2] + x[0] * x[0];
        if (s.abs() * 2.0) as usize % 2 == 1 {
            acc += s * x[i % 3];
        } else {
            acc -= s.sin();
        }
    }
    acc + s * s
}

#[differentiable()]
fn hvp_of_loop_with_cast_trips_o1(x: &[f64]) -> f64 {
    let mut s = x[0];
    let mut acc = 0.0;
    for i in 0..((x[1].abs() * 3.0) as usize).min(5) {
        s = s * x[2] + x[0] * x[0];
        if (s.abs() * 2.0) as usize % 2 == 1 {
            acc += s * x[i % 3];
        } else {
            acc -= s.sin();
        }
    }
    acc + s * s
}

#[differentiable(order = 2)]
fn match_tuple_of_casts(x: &[f64]) -> f64 {
    match ((x[0] * 2.0) as i32, x[1] > 0.0, (x[2] as f32) > 0.5) {
        (0, true, _) => x[0] * x[1],
        (1, _, true) => x[2] * x[2] * x[0],
        (_, false, false) => x[1].exp(),
        _ => x[0] + x[1] * x[2],
    }
}

#[differentiable()]
fn match_tuple_of_casts_o1(x: &[f64]) -> f64 {
    match ((x[0] * 2.0) as i32, x[1] > 0.0, (x[2] as f32) > 0.5) {
        (0, true, _) => x[0] * x[1],
        (1, _, true) => x[2] * x[2] * x[0],
        (_, false, false) => x[1].exp(),
        _ => x[0] + x[1] * x[2],
    }
}

#[differentiable(order = 2)]
fn rev_range_cast(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in ((x[0].abs() * 2.0) as usize..n).rev() {
        s = s * x[1] + x[i];
    }
    s * s
}

#[differentiable()]
fn rev_range_cast_o1(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in ((x[0].abs() * 2.0) as usize..n).rev() {
        s = s * x[1] + x[i];
    }
    s * s
}

#[differentiable(order = 2)]
fn nested_array_index(x: &[f64]) -> f64 {
    let m = [[x[0], x[1], x[2]], [x[2] * x[1], x[0] * x[0], x[1] + x[2]]];
    let r = (x[0].abs() * 2.0) as usize % 2;
    let c = (x[1].abs() * 3.0) as usize % 3;
    m[r][c] * m[1 - r][(c + 1) % 3] + m[(x[2] > 0.0) as usize][0]
}

#[differentiable()]
fn nested_array_index_o1(x: &[f64]) -> f64 {
    let m = [[x[0], x[1], x[2]], [x[2] * x[1], x[0] * x[0], x[1] + x[2]]];
    let r = (x[0].abs() * 2.0) as usize % 2;
    let c = (x[1].abs() * 3.0) as usize % 3;
    m[r][c] * m[1 - r][(c + 1) % 3] + m[(x[2] > 0.0) as usize][0]
}

#[differentiable(order = 2)]
fn eq_with_converted_back(x: &[f64]) -> f64 {
    let a = if (x[0] as f32) as f64 == x[1] {
        x[0] * x[0]
    } else {
        x[1] * x[2]
    };
    let b = if ((x[0] as f32) as f64) < x[1] {
        x[2]
    } else {
        x[0]
    };
    let c = (x[2] as f32) as f64;
    let k = (c * 2.0) as usize % 3;
    a * b + x[k]
}

#[differentiable()]
fn eq_with_converted_back_o1(x: &[f64]) -> f64 {
    let a = if (x[0] as f32) as f64 == x[1] {
        x[0] * x[0]
    } else {
        x[1] * x[2]
    };
    let b = if ((x[0] as f32) as f64) < x[1] {
        x[2]
    } else {
        x[0]
    };
    let c = (x[2] as f32) as f64;
    let k = (c * 2.0) as usize % 3;
    a * b + x[k]
}

#[differentiable(order = 2)]
fn if_let_range_pattern(x: &[f64]) -> f64 {
    if let 0..=1 = (x[0] * 2.0) as i32 {
        x[0] * x[1]
    } else {
        x[2] * x[2]
    }
}

#[differentiable()]
fn if_let_range_pattern_o1(x: &[f64]) -> f64 {
    if let 0..=1 = (x[0] * 2.0) as i32 {
        x[0] * x[1]
    } else {
        x[2] * x[2]
    }
}

#[differentiable(order = 2)]
fn hessian_symmetry_casts(x: &[f64]) -> f64 {
    let k = (x[0].abs() * 2.0) as usize % 3;
    let t = (x[1] * 3.0) as i32;
    x[k] * x[0] * x[1] + x[2].powi(t.rem_euclid(4) + 1) * x[0] + (x[1] * x[2]).sin()
}

#[differentiable()]
fn hessian_symmetry_casts_o1(x: &[f64]) -> f64 {
    let k = (x[0].abs() * 2.0) as usize % 3;
    let t = (x[1] * 3.0) as i32;
    x[k] * x[0] * x[1] + x[2].powi(t.rem_euclid(4) + 1) * x[0] + (x[1] * x[2]).sin()
}

#[differentiable(order = 2)]
fn guard_cast(x: &[f64]) -> f64 {
    let k = (x[0] * 2.0) as i32;
    match k {
        0 if (x[1] * 2.0) as i32 == 1 => x[0] * x[1],
        j if j > 1 && (x[2] as usize) < 3 => x[2] * x[2],
        _ => x[1],
    }
}

#[differentiable()]
fn guard_cast_o1(x: &[f64]) -> f64 {
    let k = (x[0] * 2.0) as i32;
    match k {
        0 if (x[1] * 2.0) as i32 == 1 => x[0] * x[1],
        j if j > 1 && (x[2] as usize) < 3 => x[2] * x[2],
        _ => x[1],
    }
}

#[differentiable(order = 2)]
fn generic_to_f64<T: Real>(x: &[T]) -> T {
    let k = (x[0].to_f64() * 2.0) as usize % x.len();
    let j = x[1].to_f64() as i32;
    let b = (x[2].to_f64() as f32) > 0.5f32;
    let w = if b { x[2] * x[2] } else { x[1] };
    x[k] * w + T::from_f64(j as f64) * x[0]
}

#[differentiable()]
fn generic_to_f64_o1<T: Real>(x: &[T]) -> T {
    let k = (x[0].to_f64() * 2.0) as usize % x.len();
    let j = x[1].to_f64() as i32;
    let b = (x[2].to_f64() as f32) > 0.5f32;
    let w = if b { x[2] * x[2] } else { x[1] };
    x[k] * w + T::from_f64(j as f64) * x[0]
}

const V: [f64; 6] = [0.5, 0.1, -0.3, 0.7, -0.2, 0.4];

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * (1.0 + b.abs())
}

/// Each component of `a` within 1e-12 (relative to `1 + |b|`) of `b`'s.
#[track_caller]
fn near(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(close(*x, *y, 1e-12), "[{k}] {x} vs {y}: {a:?} vs {b:?}");
    }
}

macro_rules! run {
    ($f:expr, $g:expr, $h:expr, $f1:expr, $g1:expr, [$($xs:expr),* $(,)?]) => {{
        for x in [$($xs.to_vec()),*] {
            let x: Vec<f64> = x;
            let name = stringify!($f);
            let want = ($f)(&x);
            let want1 = ($f1)(&x);
            assert!(close(want, want1, 1e-12), "{name} at {x:?}: value {want} vs first-order twin {want1}");
            let (val, grad) = ($g)(&x);
            assert!(close(val, want, 1e-12), "{name} at {x:?}: grad value {val} vs {want}");
            let (val1, grad1) = ($g1)(&x);
            assert!(close(val1, want, 1e-12), "{name} at {x:?}: twin grad value {val1} vs {want}");
            for k in 0..x.len() {
                assert!(grad[k].is_finite(), "{name} at {x:?}: grad[{k}] = {}", grad[k]);
                assert!(close(grad[k], grad1[k], 1e-12), "{name} at {x:?}: grad[{k}] {} vs twin {}", grad[k], grad1[k]);
            }
            check(&format!("{name} at {x:?}"), |y| ($f)(y), &grad, &x);
            let v = V[..x.len()].to_vec();
            let (hval, hgrad, hv) = ($h)(&x, v.clone());
            assert!(close(hval, want, 1e-12), "{name} at {x:?}: hvp value {hval} vs {want}");
            for k in 0..x.len() {
                assert!(close(hgrad[k], grad[k], 1e-10), "{name} at {x:?}: hvp grad[{k}] {} vs {}", hgrad[k], grad[k]);
                assert!(hv[k].is_finite(), "{name} at {x:?}: hv[{k}] = {}", hv[k]);
            }
            check_hvp(&format!("{name} at {x:?}"), |y| ($g)(y).1, &hv, &x, &v);
        }
    }};
}

fn model_of(p: &[f64]) -> Model<f64> {
    Model {
        w: p[..3].to_vec(),
        b: p[3],
    }
}
fn model_flat(m: &Model<f64>) -> Vec<f64> {
    let mut v = m.w.clone();
    v.push(m.b);
    v
}

#[test]
fn t_field_cast_struct() {
    for p in [
        [0.4, 0.5, 0.8, 0.3],
        [1.7, -0.5, 0.8, 0.9],
        [2.2, 1.5, -0.8, -1.3],
    ] {
        let m = model_of(&p);
        let want = field_cast_struct(&m);
        assert!(close(want, field_cast_struct_o1(&m), 1e-12));
        let (val, g) = field_cast_struct_grad(&m);
        let (_, g1) = field_cast_struct_o1_grad(&m);
        assert!(close(val, want, 1e-12));
        let (gf, gf1) = (model_flat(&g), model_flat(&g1));
        for k in 0..4 {
            assert!(
                close(gf[k], gf1[k], 1e-12),
                "struct grad[{k}] {} vs {}",
                gf[k],
                gf1[k]
            );
        }
        check(
            "field_cast_struct",
            |y| field_cast_struct(&model_of(y)),
            &gf,
            &p,
        );
        let v = V[..4].to_vec();
        let (hval, hg, hv) = field_cast_struct_hvp(&m, model_of(&v));
        assert!(close(hval, want, 1e-12));
        let (hgf, hvf) = (model_flat(&hg), model_flat(&hv));
        for k in 0..4 {
            assert!(close(hgf[k], gf[k], 1e-10));
        }
        check_hvp(
            "field_cast_struct",
            |y| model_flat(&field_cast_struct_grad(&model_of(y)).1),
            &hvf,
            &p,
            &v,
        );
    }
}

#[test]
fn t_matrix_elem_cast() {
    let mk = |p: &[f64]| DMatrix::from_row_slice(2, 3, p);
    let fl = |m: &DMatrix<f64>| -> Vec<f64> {
        (0..2)
            .flat_map(|r| (0..3).map(move |c| (r, c)))
            .map(|rc| m[rc])
            .collect()
    };
    for p in [
        [0.4, 0.5, 0.8, 0.3, 0.6, 1.2],
        [1.7, -0.5, 0.8, 0.9, 0.1, -1.6],
        [-1.2, 1.5, -0.8, -1.3, 0.7, 0.35],
    ] {
        let m = mk(&p);
        let want = matrix_elem_cast(&m);
        assert!(close(want, matrix_elem_cast_o1(&m), 1e-12));
        let (val, g) = matrix_elem_cast_grad(&m);
        let (_, g1) = matrix_elem_cast_o1_grad(&m);
        assert!(close(val, want, 1e-12));
        let (gf, gf1) = (fl(&g), fl(&g1));
        for k in 0..6 {
            assert!(close(gf[k], gf1[k], 1e-12));
        }
        check("matrix_elem_cast", |y| matrix_elem_cast(&mk(y)), &gf, &p);
        let v = V.to_vec();
        let (hval, hg, hv) = matrix_elem_cast_hvp(&m, mk(&v));
        assert!(close(hval, want, 1e-12));
        let (hgf, hvf) = (fl(&hg), fl(&hv));
        for k in 0..6 {
            assert!(close(hgf[k], gf[k], 1e-10));
        }
        check_hvp(
            "matrix_elem_cast",
            |y| fl(&matrix_elem_cast_grad(&mk(y)).1),
            &hvf,
            &p,
            &v,
        );
    }
}

#[test]
fn t_cfg_field_cast() {
    let cfg = Cfg { n: 7, scale: 2.3 };
    for x in [[0.4, 0.5, 0.8], [0.7, -0.6, 1.3], [1.1, 0.6, -1.4]] {
        let want = cfg_field_cast(&x, &cfg);
        assert!(close(want, cfg_field_cast_o1(&x, &cfg), 1e-12));
        let (val, g) = cfg_field_cast_grad(&x, &cfg);
        let (_, g1) = cfg_field_cast_o1_grad(&x, &cfg);
        assert!(close(val, want, 1e-12));
        for k in 0..3 {
            assert!(close(g[k], g1[k], 1e-12));
        }
        check("cfg_field_cast", |y| cfg_field_cast(y, &cfg), &g, &x);
        let v = V[..3].to_vec();
        let (hval, hg, hv) = cfg_field_cast_hvp(&x, &cfg, v.clone());
        assert!(close(hval, want, 1e-12));
        for k in 0..3 {
            assert!(close(hg[k], g[k], 1e-10));
        }
        check_hvp(
            "cfg_field_cast",
            |y| cfg_field_cast_grad(y, &cfg).1,
            &hv,
            &x,
            &v,
        );
    }
}

#[test]
fn t_nested_cast_via_f32_rounding_at_the_rounding_point() {
    // 0.99999999 as f32 == 1.0: the f32 cast picks x[2], the f64 cast x[1] (no central
    // differences: the jump of `x[0] as usize` is 1e-8 away).
    let x = vec![0.99999999, 0.5, 0.8, 1.1];
    let want = 0.8 * 3.0 + 0.5 * 5.0 + x[0] * x[0];
    assert!(close(nested_cast_via_f32_rounding(&x), want, 1e-12));
    let (val, g) = nested_cast_via_f32_rounding_grad(&x);
    let (_, g1) = nested_cast_via_f32_rounding_o1_grad(&x);
    assert!(close(val, want, 1e-12));
    near(&g, &g1);
    near(&g, &[2.0 * x[0], 5.0, 3.0, 0.0]);
    let (hval, hg, hv) = nested_cast_via_f32_rounding_hvp(&x, V[..4].to_vec());
    assert!(close(hval, want, 1e-12));
    near(&hg, &g);
    near(&hv, &[2.0 * V[0], 0.0, 0.0, 0.0]);
}
#[test]
fn t_wrt_cast() {
    let y = [0.3333333333, 0.7, 1.5];
    for x in [[0.4, 0.55, 0.8], [1.6, 0.9, -0.8], [-1.7, -1.2, 0.3]] {
        let want = wrt_cast(&x, &y, 3);
        assert!(close(want, wrt_cast_o1(&x, &y, 3), 1e-12));
        let (val, g) = wrt_cast_grad(&x, &y, 3);
        let (_, g1) = wrt_cast_o1_grad(&x, &y, 3);
        assert!(close(val, want, 1e-12));
        for k in 0..3 {
            assert!(
                close(g[k], g1[k], 1e-12),
                "wrt grad[{k}] {} vs {}",
                g[k],
                g1[k]
            );
        }
        check("wrt_cast", |p| wrt_cast(p, &y, 3), &g, &x);
        let v = V[..3].to_vec();
        let (hval, hg, hv) = wrt_cast_hvp(&x, &y, 3, v.clone());
        assert!(close(hval, want, 1e-12));
        for k in 0..3 {
            assert!(close(hg[k], g[k], 1e-10));
        }
        check_hvp("wrt_cast", |p| wrt_cast_grad(p, &y, 3).1, &hv, &x, &v);
    }
}

#[test]
fn t_scalar_params() {
    for (a, b) in [(0.4, 0.55), (1.6, 0.9), (-1.7, -1.2), (1.3, 0.2)] {
        let want = scalar_params(a, b);
        assert!(close(want, scalar_params_o1(a, b), 1e-12));
        let (val, (ga, gb)) = scalar_params_grad(a, b);
        let (_, (ga1, gb1)) = scalar_params_o1_grad(a, b);
        assert!(close(val, want, 1e-12));
        assert!(close(ga, ga1, 1e-12) && close(gb, gb1, 1e-12));
        check(
            "scalar_params",
            |p| scalar_params(p[0], p[1]),
            &[ga, gb],
            &[a, b],
        );
        let (hval, (hga, hgb), (ha, hb)) = scalar_params_hvp(a, b, 0.5, -0.3);
        assert!(close(hval, want, 1e-12));
        assert!(close(hga, ga, 1e-10) && close(hgb, gb, 1e-10));
        check_hvp(
            "scalar_params",
            |p| {
                let g = scalar_params_grad(p[0], p[1]).1;
                vec![g.0, g.1]
            },
            &[ha, hb],
            &[a, b],
            &[0.5, -0.3],
        );
    }
}

#[test]
fn t_hessian_of_casts_is_symmetric_and_matches_hvp() {
    for x in [[0.4, 0.55, 0.8], [1.6, 0.9, -0.8], [-1.7, -1.2, 0.3]] {
        let (val, g, h) = hessian_symmetry_casts_hessian(&x);
        let (gv, gg) = hessian_symmetry_casts_grad(&x);
        assert!(close(val, gv, 1e-12));
        for k in 0..3 {
            assert!(close(g[k], gg[k], 1e-10));
        }
        let v = V[..3].to_vec();
        let (_, _, hv) = hessian_symmetry_casts_hvp(&x, v.clone());
        for r in 0..3 {
            let mut s = 0.0;
            for c in 0..3 {
                assert!(close(h[(r, c)], h[(c, r)], 1e-10), "asymmetric at {r},{c}");
                s += h[(r, c)] * v[c];
            }
            assert!(close(s, hv[r], 1e-10), "H v [{r}] {s} vs hvp {}", hv[r]);
        }
    }
}
#[test]
fn t_eq_with_converted_back_at_equality() {
    // x0 == x1 exactly: f = x0^3 + x0 there (the `==` arm and the `<` else arm).
    let x = vec![0.5, 0.5, -0.8];
    let want = 0.5f64.powi(3) + 0.5;
    assert!(close(eq_with_converted_back(&x), want, 1e-12));
    let (val, g) = eq_with_converted_back_grad(&x);
    let (_, g1) = eq_with_converted_back_o1_grad(&x);
    assert!(close(val, want, 1e-12));
    near(&g, &g1);
    near(&g, &[1.75, 0.0, 0.0]);
    let (hval, hg, hv) = eq_with_converted_back_hvp(&x, V[..3].to_vec());
    assert!(close(hval, want, 1e-12));
    near(&hg, &g);
    near(&hv, &[6.0 * 0.5 * V[0], 0.0, 0.0]);
}

// ------------------------------------------------------------------------------------------------
// Constructs left out because they do not compile with `order = 2` (each compiles in the
// first-order twin unless noted):
// - casts in an `f32` function: a float Rust types `f64` there by default (`(0.3 / 0.1) as usize`)
//   would be computed in `f32` by the companion, so the cast is not rewritten and rustc refuses
//   it (E0605); write `x.to_f64() as usize` (README, second order).
// - `type Idx = usize; (x[0] * 2.0) as Idx`: the macro cannot see that the alias is an integer
//   (E0277 + E0605); `as usize` and `as std::primitive::usize` work (`tests/order2_casts.rs`).
// - `matches!((x[0] * 2.0) as i32, n if n > 0)` (macro input not parseable as expressions, left
//   as written): E0277 cannot multiply `__AutodiffScalar` by `{float}`.
// - a call of an `order = 2` function in a `for` range: `for i in 0..dot(x, x) as usize`,
//   `0..(dot(x, x) as usize).min(5)`, `0..n.min(dot(x, x) as usize)` (also without a cast,
//   `0..if dot(x, x) > 1.0 { 2 } else { 3 }`): E0308 expected `&[f64]`, found
//   `&[__AutodiffScalar]`. Binding first works (`call_cast_in_index_and_loop`).
// - a call inside `&&`/`||`/`if`/`match` within a cast's operand:
//   `(x[0] > 0.0 && pos_log(x) > 0.0) as usize`, `(if x[0] > 0.0 { pos_log(x) } else { 0.0 }) as
//   usize`, `(match .. { true => pos_log(x), .. }) as i32`: E0308 as above.
// - a no-op cast of the scalar to its own type, `x[0] as f64 > 0.5` in an `f64` function: E0605
//   non-primitive cast `__AutodiffScalar` as `f64`; `x[0] as f64 * x[1]` is refused as a float
//   conversion "`as f64`" to another type.
// - the same in both orders (not regressions): `as _`, closures, `let .. else`, let chains,
//   labelled blocks, `unsafe` blocks, `if let Some(v) = x.get(k as usize)`, `while let`, calls of
//   a nested `fn` item, `.to_bits()`, `format!` of a cast of a differentiated value.

#[test]
fn t_idx_direct() {
    run!(
        idx_direct,
        idx_direct_grad,
        idx_direct_hvp,
        idx_direct_o1,
        idx_direct_o1_grad,
        [
            [0.2, 0.7, -0.4, 1.3],
            [0.7, 0.7, -0.4, 1.3],
            [1.2, 0.7, -0.4, 1.3]
        ]
    );
}

#[test]
fn t_loop_range_end() {
    run!(
        loop_range_end,
        loop_range_end_grad,
        loop_range_end_hvp,
        loop_range_end_o1,
        loop_range_end_o1_grad,
        [
            [0.1, 0.55, 0.8],
            [0.5, 0.55, 0.8],
            [1.1, -0.3, 1.2],
            [2.9, 0.3, -0.2]
        ]
    );
}

#[test]
fn t_loop_range_both_ends() {
    run!(
        loop_range_both_ends,
        loop_range_both_ends_grad,
        loop_range_both_ends_hvp,
        loop_range_both_ends_o1,
        loop_range_both_ends_o1_grad,
        [[0.3, 1.2, 0.8], [1.4, 1.7, -0.5], [-0.7, 0.2, 0.9]]
    );
}

#[test]
fn t_while_cast_cond() {
    run!(
        while_cast_cond,
        while_cast_cond_grad,
        while_cast_cond_hvp,
        while_cast_cond_o1,
        while_cast_cond_o1_grad,
        [[0.5, 0.6, 0.3], [1.5, 2.6, 0.4], [-0.5, 0.6, 0.9]]
    );
}

#[test]
fn t_while_cast_counter() {
    run!(
        while_cast_counter,
        while_cast_counter_grad,
        while_cast_counter_hvp,
        while_cast_counter_o1,
        while_cast_counter_o1_grad,
        [[0.3, 0.55, 0.8], [1.3, 0.55, 0.8], [2.3, -0.5, 1.1]]
    );
}

#[test]
fn t_match_scrutinee() {
    run!(
        match_scrutinee,
        match_scrutinee_grad,
        match_scrutinee_hvp,
        match_scrutinee_o1,
        match_scrutinee_o1_grad,
        [
            [0.2, 0.55, 0.8],
            [0.7, 0.55, 0.8],
            [-0.7, 0.55, 0.8],
            [2.7, 0.55, 0.8],
            [-2.7, 0.55, 0.8]
        ]
    );
}

#[test]
fn t_match_range_arms() {
    run!(
        match_range_arms,
        match_range_arms_grad,
        match_range_arms_hvp,
        match_range_arms_o1,
        match_range_arms_o1_grad,
        [
            [0.15, 0.55, 0.8],
            [0.35, 0.55, 0.8],
            [0.85, 0.55, 0.8],
            [-0.3, 0.55, 0.8]
        ]
    );
}

#[test]
fn t_method_receiver_min() {
    run!(
        method_receiver_min,
        method_receiver_min_grad,
        method_receiver_min_hvp,
        method_receiver_min_o1,
        method_receiver_min_o1_grad,
        [
            [0.1, 0.55, 0.8, 1.1],
            [0.3, 0.55, 0.8, 1.1],
            [5.3, 0.55, 0.8, 1.1]
        ]
    );
}

#[test]
fn t_method_receiver_chain() {
    run!(
        method_receiver_chain,
        method_receiver_chain_grad,
        method_receiver_chain_hvp,
        method_receiver_chain_o1,
        method_receiver_chain_o1_grad,
        [
            [0.1, 0.55, 0.8, 1.1],
            [0.6, -1.5, 0.8, 1.1],
            [-1.3, 2.5, 0.8, 1.1]
        ]
    );
}

#[test]
fn t_in_assert() {
    run!(
        in_assert,
        in_assert_grad,
        in_assert_hvp,
        in_assert_o1,
        in_assert_o1_grad,
        [[0.2, 0.55, 0.8], [1.2, -0.5, 2.8]]
    );
}

#[test]
fn t_in_vec_len() {
    run!(
        in_vec_len,
        in_vec_len_grad,
        in_vec_len_hvp,
        in_vec_len_o1,
        in_vec_len_o1_grad,
        [[0.2, 0.55, 0.8], [0.5, 0.55, 0.8], [1.2, -0.5, 0.3]]
    );
}

#[test]
fn t_in_vec_elems() {
    run!(
        in_vec_elems,
        in_vec_elems_grad,
        in_vec_elems_hvp,
        in_vec_elems_o1,
        in_vec_elems_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, 1.2, -0.8]]
    );
}

#[test]
fn t_nested_casts() {
    run!(
        nested_casts,
        nested_casts_grad,
        nested_casts_hvp,
        nested_casts_o1,
        nested_casts_o1_grad,
        [[0.2, 0.55, 0.8], [1.3, 0.1, 0.4], [-0.4, 0.9, 1.4]]
    );
}

#[test]
fn t_nested_cast_via_f32_rounding() {
    run!(
        nested_cast_via_f32_rounding,
        nested_cast_via_f32_rounding_grad,
        nested_cast_via_f32_rounding_hvp,
        nested_cast_via_f32_rounding_o1,
        nested_cast_via_f32_rounding_o1_grad,
        [[0.4, 0.55, 0.8, 1.1], [1.4, 0.55, 0.8, 1.1]]
    );
}

#[test]
fn t_bool_casts() {
    run!(
        bool_casts,
        bool_casts_grad,
        bool_casts_hvp,
        bool_casts_o1,
        bool_casts_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, -0.5, -0.8], [-0.7, -0.5, 0.8]]
    );
}

#[test]
fn t_char_casts() {
    run!(
        char_casts,
        char_casts_grad,
        char_casts_hvp,
        char_casts_o1,
        char_casts_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, -0.5, -0.8], [1.7, -0.5, 0.8]]
    );
}

#[test]
fn t_int_literal_casts() {
    run!(
        int_literal_casts,
        int_literal_casts_grad,
        int_literal_casts_hvp,
        int_literal_casts_o1,
        int_literal_casts_o1_grad,
        [[0.2, 0.55, 0.8, 1.1], [0.7, -0.5, -0.8, 2.0]]
    );
}

#[test]
fn t_copy_enum_casts() {
    run!(
        copy_enum_casts,
        copy_enum_casts_grad,
        copy_enum_casts_hvp,
        copy_enum_casts_o1,
        copy_enum_casts_o1_grad,
        [[0.2, 0.55, 0.8], [-0.7, -0.5, -0.8]]
    );
}

#[test]
fn t_repr_enum_casts() {
    run!(
        repr_enum_casts,
        repr_enum_casts_grad,
        repr_enum_casts_hvp,
        repr_enum_casts_o1,
        repr_enum_casts_o1_grad,
        [[0.2, 0.55, 0.8], [-0.7, -0.5, -0.8]]
    );
}

#[test]
fn t_call_casts() {
    run!(
        call_casts,
        call_casts_grad,
        call_casts_hvp,
        call_casts_o1,
        call_casts_o1_grad,
        [[0.3, 0.4, 0.5], [1.1, 0.9, -0.7], [0.1, -0.2, 0.15]]
    );
}

#[test]
fn t_call_cast_in_index_and_loop() {
    run!(
        call_cast_in_index_and_loop,
        call_cast_in_index_and_loop_grad,
        call_cast_in_index_and_loop_hvp,
        call_cast_in_index_and_loop_o1,
        call_cast_in_index_and_loop_o1_grad,
        [[0.3, 0.4, 0.5], [1.1, 0.9, -0.7], [0.6, -1.2, 0.75]]
    );
}

#[test]
fn t_call_cast_in_cond() {
    run!(
        call_cast_in_cond,
        call_cast_in_cond_grad,
        call_cast_in_cond_hvp,
        call_cast_in_cond_o1,
        call_cast_in_cond_o1_grad,
        [
            [0.3, 0.4, 0.5],
            [1.1, 0.6, -0.7],
            [0.1, -0.2, 0.15],
            [0.2, -0.1, 0.1]
        ]
    );
}

#[test]
fn t_mixed_operand() {
    run!(
        mixed_operand,
        mixed_operand_grad,
        mixed_operand_hvp,
        mixed_operand_o1,
        mixed_operand_o1_grad,
        [[0.3, 0.4, 0.5], [1.1, 0.9, -0.7], [0.1, -0.2, 0.15]]
    );
}

#[test]
fn t_negative_operands() {
    run!(
        negative_operands,
        negative_operands_grad,
        negative_operands_hvp,
        negative_operands_o1,
        negative_operands_o1_grad,
        [[-0.3, -1.4, -2.5], [-1.1, 0.9, -0.7], [0.1, -2.2, 1.15]]
    );
}

#[test]
fn t_nan_inf_operands() {
    run!(
        nan_inf_operands,
        nan_inf_operands_grad,
        nan_inf_operands_hvp,
        nan_inf_operands_o1,
        nan_inf_operands_o1_grad,
        [[0.3, 0.4, 0.5], [1.1, -0.9, -0.7]]
    );
}

#[test]
fn t_saturating_casts() {
    run!(
        saturating_casts,
        saturating_casts_grad,
        saturating_casts_hvp,
        saturating_casts_o1,
        saturating_casts_o1_grad,
        [[0.3, 0.4, 0.5], [1.1, 0.9, -0.7]]
    );
}

#[test]
fn t_floor_round_casts() {
    run!(
        floor_round_casts,
        floor_round_casts_grad,
        floor_round_casts_hvp,
        floor_round_casts_o1,
        floor_round_casts_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, -0.6, -0.8], [1.3, 0.2, 1.4]]
    );
}

#[test]
fn t_typed_lets() {
    run!(
        typed_lets,
        typed_lets_grad,
        typed_lets_hvp,
        typed_lets_o1,
        typed_lets_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, -0.6, 0.3], [1.3, 1.2, 1.4]]
    );
}

#[test]
fn t_other_float_locals() {
    run!(
        other_float_locals,
        other_float_locals_grad,
        other_float_locals_hvp,
        other_float_locals_o1,
        other_float_locals_o1_grad,
        [[0.2, 0.55, 0.8], [0.7, -0.6, 0.3], [1.3, 1.2, 1.4]]
    );
}

#[test]
fn t_eq_with_casts() {
    run!(
        eq_with_casts,
        eq_with_casts_grad,
        eq_with_casts_hvp,
        eq_with_casts_o1,
        eq_with_casts_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [0.7, -0.6, 0.3],
            [0.1, 0.6, 0.4],
            [0.1, 0.2, 1.4],
            [0.1, 0.2, 0.4]
        ]
    );
}

#[test]
fn t_powi_cast() {
    run!(
        powi_cast,
        powi_cast_grad,
        powi_cast_hvp,
        powi_cast_o1,
        powi_cast_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, 1.6, 0.3], [1.1, 0.6, 1.4]]
    );
}

#[test]
fn t_local_array_index() {
    run!(
        local_array_index,
        local_array_index_grad,
        local_array_index_hvp,
        local_array_index_o1,
        local_array_index_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, 1.6, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_compound_index_assign() {
    run!(
        compound_index_assign,
        compound_index_assign_grad,
        compound_index_assign_hvp,
        compound_index_assign_o1,
        compound_index_assign_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, 1.6, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_early_return_cast() {
    run!(
        early_return_cast,
        early_return_cast_grad,
        early_return_cast_hvp,
        early_return_cast_o1,
        early_return_cast_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [0.7, 1.6, 0.3],
            [1.1, 0.6, -1.4],
            [0.1, 0.2, 0.1]
        ]
    );
}

#[test]
fn t_loop_var_float_cast() {
    run!(
        loop_var_float_cast,
        loop_var_float_cast_grad,
        loop_var_float_cast_hvp,
        loop_var_float_cast_o1,
        loop_var_float_cast_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, 1.6, 0.3], [-2.1, 0.6, -1.4]]
    );
}

#[test]
fn t_step_by_cast() {
    run!(
        step_by_cast,
        step_by_cast_grad,
        step_by_cast_hvp,
        step_by_cast_o1,
        step_by_cast_o1_grad,
        [
            [0.4, 0.55, 0.8, 1.1],
            [0.7, 1.6, 0.3, 1.1],
            [1.1, 0.6, -1.4, 1.1]
        ]
    );
}

#[test]
fn t_loop_break_cast() {
    run!(
        loop_break_cast,
        loop_break_cast_grad,
        loop_break_cast_hvp,
        loop_break_cast_o1,
        loop_break_cast_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, 1.6, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_nested_loops_casts() {
    run!(
        nested_loops_casts,
        nested_loops_casts_grad,
        nested_loops_casts_hvp,
        nested_loops_casts_o1,
        nested_loops_casts_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, 0.9, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_formatting_cast() {
    run!(
        formatting_cast,
        formatting_cast_grad,
        formatting_cast_hvp,
        formatting_cast_o1,
        formatting_cast_o1_grad,
        [[0.4, 0.55, 0.8], [7.7, 10.6, 0.3]]
    );
}

#[test]
fn t_matches_macro() {
    run!(
        matches_macro,
        matches_macro_grad,
        matches_macro_hvp,
        matches_macro_o1,
        matches_macro_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, -0.6, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_shift_and_bits() {
    run!(
        shift_and_bits,
        shift_and_bits_grad,
        shift_and_bits_hvp,
        shift_and_bits_o1,
        shift_and_bits_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, -0.6, 0.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_cast_inside_float_cast() {
    run!(
        cast_inside_float_cast,
        cast_inside_float_cast_grad,
        cast_inside_float_cast_hvp,
        cast_inside_float_cast_o1,
        cast_inside_float_cast_o1_grad,
        [[0.4, 0.55, 0.8], [0.7, -0.6, 1.3], [1.1, 0.6, -1.4]]
    );
}

#[test]
fn t_float_consts_cast() {
    run!(
        float_consts_cast,
        float_consts_cast_grad,
        float_consts_cast_hvp,
        float_consts_cast_o1,
        float_consts_cast_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -0.6, 1.3]]
    );
}

#[test]
fn t_block_if_match_operands() {
    run!(
        block_if_match_operands,
        block_if_match_operands_grad,
        block_if_match_operands_hvp,
        block_if_match_operands_o1,
        block_if_match_operands_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -0.6, 1.3], [-0.3, 1.2, 2.3]]
    );
}

#[test]
fn t_tuple_field_and_std_min() {
    run!(
        tuple_field_and_std_min,
        tuple_field_and_std_min_grad,
        tuple_field_and_std_min_hvp,
        tuple_field_and_std_min_o1,
        tuple_field_and_std_min_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -0.6, 1.3], [-0.3, 1.2, 2.3]]
    );
}

#[test]
fn t_loop_break_value_cast() {
    run!(
        loop_break_value_cast,
        loop_break_value_cast_grad,
        loop_break_value_cast_hvp,
        loop_break_value_cast_o1,
        loop_break_value_cast_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -1.6, 1.3], [-0.3, 1.2, 2.3]]
    );
}

#[test]
fn t_iter_casts() {
    run!(
        iter_casts,
        iter_casts_grad,
        iter_casts_hvp,
        iter_casts_o1,
        iter_casts_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -1.6, 1.3], [3.3, 1.2, 2.3]]
    );
}

#[test]
fn t_call_cast_positions() {
    run!(
        call_cast_positions,
        call_cast_positions_grad,
        call_cast_positions_hvp,
        call_cast_positions_o1,
        call_cast_positions_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -1.6, 1.3], [0.3, 0.2, 0.3]]
    );
}

#[test]
fn t_call_in_loop_index_while() {
    run!(
        call_in_loop_index_while,
        call_in_loop_index_while_grad,
        call_in_loop_index_while_hvp,
        call_in_loop_index_while_o1,
        call_in_loop_index_while_o1_grad,
        [[0.4, 0.55, 0.8], [1.7, -1.6, 1.3], [0.3, 0.2, 0.3]]
    );
}

#[test]
fn t_short_circuit_call_cast() {
    run!(
        short_circuit_call_cast,
        short_circuit_call_cast_grad,
        short_circuit_call_cast_hvp,
        short_circuit_call_cast_o1,
        short_circuit_call_cast_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [-1.7, -1.6, 1.3],
            [0.3, -0.2, 0.3],
            [1.3, 0.7, 0.9]
        ]
    );
}

#[test]
fn t_callee_with_cast() {
    run!(
        callee_with_cast,
        callee_with_cast_grad,
        callee_with_cast_hvp,
        callee_with_cast_o1,
        callee_with_cast_o1_grad,
        [
            [0.4, 0.55, 0.8, 0.2],
            [1.3, 0.6, 1.3, 0.7],
            [0.3, -0.2, 0.3, 1.1]
        ]
    );
}

#[test]
fn t_recursion_cast() {
    run!(
        recursion_cast,
        recursion_cast_grad,
        recursion_cast_hvp,
        recursion_cast_o1,
        recursion_cast_o1_grad,
        [[0.4, 0.55, 0.8], [1.3, 0.6, 1.3], [0.3, -0.2, 0.3]]
    );
}

#[test]
fn t_side_effect_operand() {
    run!(
        side_effect_operand,
        side_effect_operand_grad,
        side_effect_operand_hvp,
        side_effect_operand_o1,
        side_effect_operand_o1_grad,
        [[0.4, 0.55, 0.8], [1.3, 0.6, 1.3], [0.3, -0.2, 0.3]]
    );
}

#[test]
fn t_fused_loop_shapes() {
    run!(
        fused_loop_shapes,
        fused_loop_shapes_grad,
        fused_loop_shapes_hvp,
        fused_loop_shapes_o1,
        fused_loop_shapes_o1_grad,
        [
            [0.4, 0.55, 0.8, -0.3],
            [1.3, 0.6, 1.3, 0.7],
            [0.3, -1.2, 0.3, 2.2]
        ]
    );
}

#[test]
fn t_sqrt_zero_operand() {
    run!(
        sqrt_zero_operand,
        sqrt_zero_operand_grad,
        sqrt_zero_operand_hvp,
        sqrt_zero_operand_o1,
        sqrt_zero_operand_o1_grad,
        [[0.4, 0.55, 0.8], [1.3, -0.6, -1.3], [0.3, -1.2, 0.3]]
    );
}

#[test]
fn t_stop_gradient_operand() {
    run!(
        stop_gradient_operand,
        stop_gradient_operand_grad,
        stop_gradient_operand_hvp,
        stop_gradient_operand_o1,
        stop_gradient_operand_o1_grad,
        [[0.4, 0.55, 0.8], [1.3, -0.6, -1.3], [0.3, -1.2, 0.3]]
    );
}

#[test]
fn t_to_bits_and_other_methods() {
    run!(
        to_bits_and_other_methods,
        to_bits_and_other_methods_grad,
        to_bits_and_other_methods_hvp,
        to_bits_and_other_methods_o1,
        to_bits_and_other_methods_o1_grad,
        [[0.4, 0.55, 0.8], [1.3, -0.6, -1.3], [0.3, -1.2, 0.3]]
    );
}

#[test]
fn t_hvp_of_loop_with_cast_trips() {
    run!(
        hvp_of_loop_with_cast_trips,
        hvp_of_loop_with_cast_trips_grad,
        hvp_of_loop_with_cast_trips_hvp,
        hvp_of_loop_with_cast_trips_o1,
        hvp_of_loop_with_cast_trips_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [1.3, -0.6, -1.3],
            [0.3, -1.2, 0.3],
            [0.2, 1.6, 0.6]
        ]
    );
}

#[test]
fn t_match_tuple_of_casts() {
    run!(
        match_tuple_of_casts,
        match_tuple_of_casts_grad,
        match_tuple_of_casts_hvp,
        match_tuple_of_casts_o1,
        match_tuple_of_casts_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [0.6, -0.6, 0.8],
            [0.7, -1.2, 0.3],
            [1.3, 0.2, 0.3]
        ]
    );
}

#[test]
fn t_rev_range_cast() {
    run!(
        rev_range_cast,
        rev_range_cast_grad,
        rev_range_cast_hvp,
        rev_range_cast_o1,
        rev_range_cast_o1_grad,
        [[0.4, 0.55, 0.8], [0.6, -0.6, 0.8], [1.7, -1.2, 0.3]]
    );
}

#[test]
fn t_nested_array_index() {
    run!(
        nested_array_index,
        nested_array_index_grad,
        nested_array_index_hvp,
        nested_array_index_o1,
        nested_array_index_o1_grad,
        [[0.4, 0.55, 0.8], [0.6, -0.6, -0.8], [1.7, -1.2, 0.3]]
    );
}

#[test]
fn t_eq_with_converted_back() {
    run!(
        eq_with_converted_back,
        eq_with_converted_back_grad,
        eq_with_converted_back_hvp,
        eq_with_converted_back_o1,
        eq_with_converted_back_o1_grad,
        [[0.4, 0.55, 0.8], [0.5, 0.45, -0.8], [1.7, -1.2, 0.3]]
    );
}

#[test]
fn t_if_let_range_pattern() {
    run!(
        if_let_range_pattern,
        if_let_range_pattern_grad,
        if_let_range_pattern_hvp,
        if_let_range_pattern_o1,
        if_let_range_pattern_o1_grad,
        [[0.4, 0.55, 0.8], [1.6, 0.5, -0.8], [-1.7, -1.2, 0.3]]
    );
}

#[test]
fn t_hessian_symmetry_casts() {
    run!(
        hessian_symmetry_casts,
        hessian_symmetry_casts_grad,
        hessian_symmetry_casts_hvp,
        hessian_symmetry_casts_o1,
        hessian_symmetry_casts_o1_grad,
        [[0.4, 0.55, 0.8], [1.6, 0.9, -0.8], [-1.7, -1.2, 0.3]]
    );
}

#[test]
fn t_guard_cast() {
    run!(
        guard_cast,
        guard_cast_grad,
        guard_cast_hvp,
        guard_cast_o1,
        guard_cast_o1_grad,
        [
            [0.4, 0.55, 0.8],
            [1.6, 0.9, -0.8],
            [-1.7, -1.2, 0.3],
            [0.2, 0.3, 0.3]
        ]
    );
}

#[test]
fn t_generic_to_f64() {
    run!(
        generic_to_f64::<f64>,
        generic_to_f64_grad::<f64>,
        generic_to_f64_hvp::<f64>,
        generic_to_f64_o1::<f64>,
        generic_to_f64_o1_grad::<f64>,
        [[0.4, 0.55, 0.8], [0.7, -0.6, 0.3], [1.1, 1.6, -1.4]]
    );
}
