//! More corpus functions, written while probing the macro for bugs: labelled `break value`,
//! element compound assignments with aliasing, tuple-returning callees, `match` with early return
//! in a loop, a 2000-step overwrite tape, shadowing in loops, generic callers of generic callees,
//! every float method in `f32` and generic form, `bool`/`char`/integer parameters, `mut`
//! parameters, block expressions that return, array repeats, slice recursion, TF conventions at
//! ties and at `abs(0)`. Each is checked against finite differences and forward mode.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::let_and_return,
    clippy::self_assignment,
    clippy::eq_op,
    clippy::useless_vec,
    clippy::manual_memcpy
)]

use autodiff::check::{self, DEFAULT_ETA, Tolerance};
use autodiff::prelude::*;

fn fd1(f: impl Fn(f64) -> f64, x: f64, g: f64, name: &str) {
    if let Err(e) = check::check_derivative(f, x, g, DEFAULT_ETA, Tolerance::default()) {
        panic!("{name} at {x}: {e}");
    }
}

fn fd2(f: impl Fn(f64, f64) -> f64, x: f64, y: f64, g: (f64, f64), name: &str) {
    let r = check::check_gradient(
        |p| f(p[0], p[1]),
        &[x, y],
        &[g.0, g.1],
        DEFAULT_ETA,
        Tolerance::default(),
    );
    if let Err(e) = r {
        panic!("{name} at ({x}, {y}): {e}");
    }
}

#[differentiable]
fn p_labelled_break_value(x: f64) -> f64 {
    let mut s = x;
    let r = 'outer: loop {
        for i in 0..4 {
            s = s * 1.2 + i as f64 * 0.1;
            if s > 3.0 {
                break 'outer s * s;
            }
        }
        s = s + x;
    };
    r + s
}

#[differentiable]
fn p_elem_compound(x: f64, y: f64) -> f64 {
    let mut a = [x, y, x * y];
    a[0] *= a[1];
    a[1] -= a[0] * 0.5;
    a[2] /= a[1];
    a[0] *= a[0];
    let mut v = vec![1.0; 3];
    for i in 0..3 {
        v[i] *= a[i];
        v[i] += v[i] * x;
    }
    v[0] + v[1] + v[2]
}

#[differentiable]
fn p_tuple_call(x: f64, y: f64) -> f64 {
    let (a, b) = tuple_src(x, y);
    let t = tuple_src(a, b);
    a * b + t.0 - t.1
}

#[differentiable]
fn tuple_src(x: f64, y: f64) -> (f64, f64) {
    (x * y, x - y.sin())
}

#[differentiable]
fn p_match_return_in_loop(x: f64) -> f64 {
    let mut s = x;
    for i in 0..6 {
        match i % 3 {
            0 => s = s * 1.1,
            1 => {
                if s > 4.0 {
                    return s * 10.0;
                }
                s += x;
            }
            _ => s = s.sin() + s,
        }
    }
    s
}

#[differentiable]
fn p_overwrite_tape(x: f64) -> f64 {
    let mut b = x;
    let mut i = 0;
    while i < 2000 {
        b = b * b * 0.5 + 0.5 * b.cos();
        i += 1;
    }
    b
}

#[differentiable]
fn p_shadow_in_loop(x: f64) -> f64 {
    let s = x;
    let mut acc = 0.0;
    for i in 0..3 {
        let s = s * (i as f64 + 1.0);
        let s = s.sin();
        acc += s;
    }
    acc * s
}

#[differentiable]
fn p_local_vec_sum(x: f64) -> f64 {
    let mut v = Vec::new();
    for i in 0..4 {
        v.push(x * i as f64 + 1.0);
    }
    let t: f64 = v.iter().sum();
    let mut u = 0.0;
    for &e in v.iter() {
        u += e * e;
    }
    for e in &v {
        u += e * 0.5;
    }
    t * u
}

#[differentiable]
fn p_generic_caller<T: Real>(x: T, y: T) -> T {
    p_generic_callee(x * y, T::from_f64(0.5)) + p_generic_callee(x, y)
}

#[differentiable]
fn p_generic_callee<T: Real>(a: T, b: T) -> T {
    (a * b).exp() - a.powi(2) * b.sqrt()
}

#[differentiable]
fn p_ties(x: f64, y: f64) -> f64 {
    x.max(y) + 2.0 * x.min(y)
}

#[differentiable]
fn p_abs0(x: f64) -> f64 {
    x.abs()
}

#[differentiable]
fn p_int_param(x: f64, n: i64, k: u8) -> f64 {
    x * n as f64 + (k as f64) * x * x + (n * k as i64) as f64
}

#[differentiable]
fn p_nograd_slice(x: f64, #[no_grad] w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i] * x.powi(i as i32);
    }
    s
}

#[differentiable]
fn p_while_len(v: &[f64]) -> f64 {
    let mut i = 0;
    let mut s = 1.0;
    while i < v.len() {
        s = s * v[i] + 1.0;
        i += 1;
    }
    s
}

#[differentiable]
fn p_recursive_loop(x: f64, n: u32) -> f64 {
    if n == 0 {
        return x;
    }
    let mut s = 0.0;
    for i in 0..2 {
        s += p_recursive_loop(x * 0.5 + i as f64 * 0.1, n - 1);
    }
    s * x
}

#[differentiable]
fn p_index_from_data(x: f64, y: f64) -> f64 {
    let mut v = vec![0.0; 4];
    let k = ((x.abs() * 2.0) as usize).min(3);
    v[k] = x * y;
    v[(k + 1) % 4] = y;
    v[0] + v[1] * 2.0 + v[2] * 3.0 + v[3] * 4.0
}

#[differentiable]
fn p_else_if_stmt(x: f64) -> f64 {
    let mut r = 0.0;
    if x < 0.0 {
        r = x * x;
    } else if x < 1.0 {
        r += x.exp();
    } else {
        r -= x.ln();
    }
    r * 2.0
}

#[differentiable]
fn p_all_methods_f32(x: f32) -> f32 {
    x.sin()
        + x.cos()
        + x.tan()
        + (x * 0.5).asin()
        + (x * 0.5).acos()
        + x.atan()
        + x.atan2(2.0)
        + x.sinh()
        + x.cosh()
        + x.tanh()
        + x.exp()
        + x.exp2()
        + x.exp_m1()
        + x.ln()
        + x.log(3.0)
        + x.log2()
        + x.log10()
        + x.ln_1p()
        + x.sqrt()
        + x.cbrt()
        + x.powi(3)
        + x.powf(1.5)
        + x.recip()
        + x.abs()
        + x.signum()
        + x.max(0.1)
        + x.min(5.0)
        + x.hypot(1.0)
        + x.mul_add(2.0, 1.0)
        + x.clamp(0.0, 10.0)
}

#[differentiable]
fn p_all_methods_generic<T: Real>(x: T) -> T {
    let h = T::from_f64(0.5);
    x.sin()
        + x.cos()
        + x.tan()
        + (x * h).asin()
        + (x * h).acos()
        + x.atan()
        + x.atan2(h)
        + x.sinh()
        + x.cosh()
        + x.tanh()
        + x.exp()
        + x.exp2()
        + x.exp_m1()
        + x.ln()
        + x.log(h + T::one())
        + x.log2()
        + x.log10()
        + x.ln_1p()
        + x.sqrt()
        + x.cbrt()
        + x.powi(3)
        + x.powf(h)
        + x.recip()
        + x.abs()
        + x.max(h)
        + x.min(h)
        + x.hypot(h)
        + x.mul_add(h, h)
        + x.clamp(T::zero(), T::one())
}

#[differentiable]
fn p_tuple_generic<T: Real>(x: T) -> (T, T) {
    (x * x, x.sin())
}

#[differentiable]
fn p_bool_param(x: f64, flag: bool, c: char) -> f64 {
    if flag && c == 'a' { x * x } else { -x }
}

#[differentiable]
fn p_step_rev(x: f64) -> f64 {
    let mut s = 0.0;
    for i in (0..12).step_by(4).rev() {
        s = s * x + i as f64;
    }
    for i in (2..=6).rev() {
        s += x / i as f64;
    }
    s
}

#[differentiable]
fn p_array_iter(a: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for &e in a.iter() {
        s += e * e;
    }
    for (i, e) in a.iter().enumerate() {
        s += e * i as f64;
    }
    let t: f64 = a.iter().sum();
    s * t
}

#[differentiable]
fn p_continue_labelled_while(x: f64) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    'w: while i < 4 {
        i += 1;
        let mut j = 0;
        while j < 4 {
            j += 1;
            if j == i {
                continue 'w;
            }
            s += x * (i * j) as f64 + s * 0.01;
        }
    }
    s
}

#[differentiable]
fn p_unused_result_if(x: f64, y: f64) -> f64 {
    let z = if x > 0.0 {
        let t = x * y;
        t * t
    } else {
        y
    };
    let w = match (x > 1.0, y > 0.0) {
        (true, true) => z * 2.0,
        (true, false) => z,
        _ => z * y,
    };
    w
}

#[differentiable]
fn p_vec_param_push(v: Vec<f64>) -> f64 {
    let mut w = vec![0.0; v.len()];
    for i in 0..v.len() {
        w[i] = v[i];
    }
    w.push(v[0] * v[1]);
    let mut s = 0.0;
    for i in 0..w.len() {
        s += w[i] * w[i];
    }
    s
}

#[test]
fn labelled_break_value() {
    for x in [0.3, 1.1, 2.9] {
        let (v, g) = p_labelled_break_value_grad(x);
        check::assert_close(v, p_labelled_break_value(x), Tolerance::tight());
        fd1(p_labelled_break_value, x, g, "labelled_break_value");
    }
}

#[test]
fn probe_elem_compound() {
    for (x, y) in [(0.5, 1.5), (1.3, -0.7), (-0.8, 2.1)] {
        let (v, g) = p_elem_compound_grad(x, y);
        check::assert_close(v, p_elem_compound(x, y), Tolerance::tight());
        fd2(p_elem_compound, x, y, g, "elem_compound");
        let (_, d) = p_elem_compound_jvp(x, y, 0.3, 0.7);
        check::assert_jvp_vjp(&[g.0, g.1], &[0.3, 0.7], d, Tolerance::tight());
    }
}

#[test]
fn probe_tuple_call() {
    for (x, y) in [(0.5, 1.5), (1.3, -0.7), (-0.8, 2.1)] {
        let (v, g) = p_tuple_call_grad(x, y);
        check::assert_close(v, p_tuple_call(x, y), Tolerance::tight());
        fd2(p_tuple_call, x, y, g, "tuple_call");
        let (_, d) = p_tuple_call_jvp(x, y, 0.3, 0.7);
        check::assert_jvp_vjp(&[g.0, g.1], &[0.3, 0.7], d, Tolerance::tight());
    }
}

#[test]
fn probe_match_return_in_loop() {
    for x in [0.3, 1.7, 3.5, -1.0] {
        let (v, g) = p_match_return_in_loop_grad(x);
        check::assert_close(v, p_match_return_in_loop(x), Tolerance::tight());
        fd1(p_match_return_in_loop, x, g, "match_return_in_loop");
        let (_, d) = p_match_return_in_loop_jvp(x, 1.0);
        check::assert_close(d, g, Tolerance::tight());
    }
}

#[test]
fn probe_overwrite_tape() {
    for x in [0.2, 0.5, -0.3] {
        let (v, g) = p_overwrite_tape_grad(x);
        check::assert_close(v, p_overwrite_tape(x), Tolerance::tight());
        fd1(p_overwrite_tape, x, g, "overwrite_tape");
        let (_, d) = p_overwrite_tape_jvp(x, 1.0);
        check::assert_close(d, g, Tolerance::new(1e-12, 1e-9));
    }
}

#[test]
fn probe_shadow_in_loop() {
    for x in [0.2, 0.5, -0.3] {
        let (v, g) = p_shadow_in_loop_grad(x);
        check::assert_close(v, p_shadow_in_loop(x), Tolerance::tight());
        fd1(p_shadow_in_loop, x, g, "shadow_in_loop");
        let (_, d) = p_shadow_in_loop_jvp(x, 1.0);
        check::assert_close(d, g, Tolerance::tight());
    }
}

#[test]
fn probe_local_vec_sum() {
    for x in [0.2, 0.5, -0.3] {
        let (v, g) = p_local_vec_sum_grad(x);
        check::assert_close(v, p_local_vec_sum(x), Tolerance::tight());
        fd1(p_local_vec_sum, x, g, "local_vec_sum");
        let (_, d) = p_local_vec_sum_jvp(x, 1.0);
        check::assert_close(d, g, Tolerance::tight());
    }
}

#[test]
fn probe_generic_caller() {
    for (x, y) in [(0.5, 1.5), (1.3, 0.7), (-0.8, 2.1)] {
        let (v, g) = p_generic_caller_grad(x, y);
        check::assert_close(v, p_generic_caller(x, y), Tolerance::tight());
        fd2(p_generic_caller, x, y, g, "generic_caller");
        let (_, g32) = p_generic_caller_grad(x as f32, y as f32);
        check::assert_slices(
            &[g32.0 as f64, g32.1 as f64],
            &[g.0, g.1],
            Tolerance::new(1e-4, 1e-4),
        );
    }
}

#[test]
fn probe_conventions() {
    let (_, (gx, gy)) = p_ties_grad(1.0, 1.0);
    // max: tie to first (x); min: tie to first (x) -> d/dx = 1 + 2, d/dy = 0
    check::assert_slices(&[gx, gy], &[3.0, 0.0], Tolerance::tight());
    let (_, g) = p_abs0_grad(0.0);
    check::assert_close(g, 0.0, Tolerance::new(0.0, 0.0));
    let (_, d) = p_abs0_jvp(0.0, 1.0);
    check::assert_close(d, 0.0, Tolerance::new(0.0, 0.0));
    let jx = p_ties_jvp(1.0, 1.0, 1.0, 0.0).1;
    let jy = p_ties_jvp(1.0, 1.0, 0.0, 1.0).1;
    check::assert_slices(&[jx, jy], &[3.0, 0.0], Tolerance::tight());
}

#[test]
fn probe_misc() {
    for x in [0.3, 0.9, 1.7] {
        let (v, g) = p_int_param_grad(x, -3, 4);
        check::assert_close(v, p_int_param(x, -3, 4), Tolerance::tight());
        fd1(|x| p_int_param(x, -3, 4), x, g, "int_param");
        let w = [0.5, -1.0, 2.0];
        let (_, g) = p_nograd_slice_grad(x, &w);
        fd1(|x| p_nograd_slice(x, &w), x, g, "nograd_slice");
        let v = vec![x, 0.5, -1.0, x * 2.0];
        let (_, g) = p_while_len_grad(&v);
        check::assert_gradient(p_while_len, &v, &g, DEFAULT_ETA, Tolerance::default());
        let (_, g) = p_recursive_loop_grad(x, 3);
        fd1(|x| p_recursive_loop(x, 3), x, g, "recursive_loop");
        let (_, g) = p_index_from_data_grad(x, 1.3);
        fd2(p_index_from_data, x, 1.3, g, "index_from_data");
        let (_, g) = p_else_if_stmt_grad(x - 0.5);
        fd1(p_else_if_stmt, x - 0.5, g, "else_if_stmt");
        let (_, g) = p_all_methods_generic_grad(x * 0.5);
        fd1(p_all_methods_generic, x * 0.5, g, "all_methods_generic");
        let (_, d) = p_all_methods_generic_jvp(x * 0.5, 1.0);
        check::assert_close(d, g, Tolerance::tight());
        let (_, pb) = p_tuple_generic_vjp(x);
        check::assert_close(pb((1.0, 1.0)), 2.0 * x + x.cos(), Tolerance::tight());
        let (_, g) = p_bool_param_grad(x, true, 'a');
        check::assert_close(g, 2.0 * x, Tolerance::tight());
        let (_, g) = p_bool_param_grad(x, true, 'b');
        check::assert_close(g, -1.0, Tolerance::tight());
        let (_, g) = p_step_rev_grad(x);
        fd1(p_step_rev, x, g, "step_rev");
        let a = [x, -0.4, 1.2];
        let (_, g) = p_array_iter_grad(a);
        check::assert_gradient(
            |p| p_array_iter([p[0], p[1], p[2]]),
            &a,
            &g,
            DEFAULT_ETA,
            Tolerance::default(),
        );
        let (_, g) = p_continue_labelled_while_grad(x);
        fd1(p_continue_labelled_while, x, g, "continue_labelled_while");
        for y in [-0.6, 0.8] {
            for xx in [x - 1.2, x] {
                let (_, g) = p_unused_result_if_grad(xx, y);
                fd2(p_unused_result_if, xx, y, g, "unused_result_if");
            }
        }
        let v = vec![x, 0.5, -1.0];
        let (_, g) = p_vec_param_push_grad(v.clone());
        check::assert_gradient(
            |p| p_vec_param_push(p.to_vec()),
            &v,
            &g,
            DEFAULT_ETA,
            Tolerance::default(),
        );
    }
}

#[test]
fn probe_all_methods_f32() {
    for x in [0.3f32, 0.9, 1.7] {
        let (v, g) = p_all_methods_f32_grad(x);
        check::assert_close(v as f64, p_all_methods_f32(x) as f64, Tolerance::tight());
        let f = |x: f64| p_all_methods_f32(x as f32) as f64;
        if let Err(e) = check::check_derivative(f, x as f64, g as f64, 1e-2, Tolerance::f32()) {
            panic!("all_methods_f32 at {x}: {e}");
        }
    }
}

#[differentiable]
fn q_mut_param(mut x: f64) -> f64 {
    x += 1.0;
    x *= x;
    x
}

#[differentiable]
fn q_block_return(x: f64) -> f64 {
    let y = {
        if x > 1.0 {
            return x * 3.0;
        }
        x * 2.0
    };
    y * y
}

#[differentiable]
fn q_const(_x: f64) -> f64 {
    3.0
}

#[differentiable]
fn q_id(x: f64) -> f64 {
    x
}

#[differentiable]
fn q_repeat(x: f64) -> f64 {
    let a = [x; 3];
    let v = vec![x * 2.0; 4];
    a[0] * a[2] + v[3] * v[1]
}

#[differentiable]
fn q_sum_turbofish(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() * v[0]
}

#[differentiable]
fn q_callee_slice(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for &e in v {
        s += e * e;
    }
    s
}

#[differentiable]
fn q_pass_param_slice(v: &[f64], x: f64) -> f64 {
    q_callee_slice(v) * x
}

#[differentiable]
fn q_callee_arr(a: [f64; 2]) -> f64 {
    a[0] * a[1]
}

#[differentiable]
fn q_pass_arr(x: f64) -> f64 {
    let a = [x, x * 3.0];
    q_callee_arr(a) + q_callee_arr([x, 1.0])
}

#[differentiable]
fn q_nested_calls(x: f64) -> f64 {
    q_mut_param(q_mut_param(x) * 0.1) - q_id(-q_id(x))
}

#[differentiable]
fn q_data_trip(x: f64) -> f64 {
    let n = (x * 3.0) as usize;
    let mut s = x;
    for _ in 0..n {
        s = s * 0.9 + x;
    }
    s
}

#[differentiable]
fn q_bool_var(x: f64, y: f64) -> f64 {
    let big = x > 1.0 && y < 2.0;
    if big { x * y } else { x + y }
}

#[differentiable]
fn q_powi_param(x: f64, n: i32) -> f64 {
    x.powi(n) + x.powi(n - 1)
}

#[differentiable]
fn q_tuple_early(x: f64) -> (f64, f64) {
    if x < 0.0 {
        return (x, -x);
    }
    (x * x, x.sqrt())
}

#[differentiable]
fn q_same_arg_twice(x: f64) -> f64 {
    q_two(x, x) + q_two(x, 2.0)
}

#[differentiable]
fn q_two(a: f64, b: f64) -> f64 {
    a * b.sin()
}

#[differentiable]
fn q_rev_index(v: &[f64]) -> f64 {
    let n = v.len();
    let mut s = 0.0;
    for i in 0..n {
        s = s * 0.5 + v[n - 1 - i] * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn q_div_alias(x: f64) -> f64 {
    let mut a = x * x;
    let b = a;
    a /= a;
    a + b
}

#[differentiable]
fn q_loop_match_break(x: f64) -> f64 {
    let mut i = 0;
    let mut s = x;
    let r = loop {
        i += 1;
        s = s * 1.5;
        match i {
            1 | 2 => continue,
            3 => {
                if s > 100.0 {
                    break s;
                }
            }
            _ => break s * x,
        }
    };
    r
}

#[differentiable(wrt(x))]
fn q_nonwrt_float(x: f64, limit: f64) -> f64 {
    let mut b = x;
    while b < limit {
        b = b * 2.0 + x;
    }
    b
}

#[differentiable]
fn q_slice_recursion(v: &[f64], i: usize) -> f64 {
    if i == v.len() {
        return 0.0;
    }
    v[i] * v[i] + 0.5 * q_slice_recursion(v, i + 1)
}

#[test]
fn calls_borrows_and_returns() {
    for x in [0.3, 0.7, 1.6] {
        let (v, g) = q_mut_param_grad(x);
        fd1(q_mut_param, x, g, "mut_param");
        check::assert_close(v, q_mut_param(x), Tolerance::tight());
        let (v, g) = q_block_return_grad(x);
        fd1(q_block_return, x, g, "block_return");
        check::assert_close(v, q_block_return(x), Tolerance::tight());
        let (_, g) = q_const_grad(x);
        check::assert_close(g, 0.0, Tolerance::new(0.0, 0.0));
        let (_, g) = q_id_grad(x);
        check::assert_close(g, 1.0, Tolerance::new(0.0, 0.0));
        let (_, g) = q_repeat_grad(x);
        fd1(q_repeat, x, g, "repeat");
        let v = [x, 0.5, -1.2];
        let (_, g) = q_sum_turbofish_grad(&v);
        check::assert_gradient(q_sum_turbofish, &v, &g, DEFAULT_ETA, Tolerance::default());
        let (_, (gv, gx)) = q_pass_param_slice_grad(&v, x);
        let mut all = gv.clone();
        all.push(gx);
        check::assert_gradient(
            |p| q_pass_param_slice(&p[..3], p[3]),
            &[x, 0.5, -1.2, x],
            &all,
            DEFAULT_ETA,
            Tolerance::default(),
        );

        let (_, g) = q_pass_arr_grad(x);
        fd1(q_pass_arr, x, g, "pass_arr");
        let (_, g) = q_nested_calls_grad(x);
        fd1(q_nested_calls, x, g, "nested_calls");
        let (_, g) = q_data_trip_grad(x + 0.05);
        fd1(q_data_trip, x + 0.05, g, "data_trip");
        for y in [0.5, 2.5] {
            let (_, (a, b)) = q_bool_var_grad(x, y);
            check::assert_gradient(
                |p| q_bool_var(p[0], p[1]),
                &[x, y],
                &[a, b],
                DEFAULT_ETA,
                Tolerance::default(),
            );
        }
        let (_, g) = q_powi_param_grad(x, -2);
        fd1(|x| q_powi_param(x, -2), x, g, "powi_param");
        let (_, pb) = q_tuple_early_vjp(x);
        check::assert_close(pb((1.0, 1.0)), 2.0 * x + 0.5 / x.sqrt(), Tolerance::tight());
        let (_, pb) = q_tuple_early_vjp(-x);
        check::assert_close(pb((1.0, 2.0)), -1.0, Tolerance::tight());
        let (_, g) = q_same_arg_twice_grad(x);
        fd1(q_same_arg_twice, x, g, "same_arg_twice");
        let (_, g) = q_rev_index_grad(&v);
        check::assert_gradient(q_rev_index, &v, &g, DEFAULT_ETA, Tolerance::default());
        let (_, g) = q_div_alias_grad(x);
        fd1(q_div_alias, x, g, "div_alias");
        let (_, g) = q_loop_match_break_grad(x);
        fd1(q_loop_match_break, x, g, "loop_match_break");
        let (_, g) = q_loop_match_break_grad(x * 40.0);
        fd1(q_loop_match_break, x * 40.0, g, "loop_match_break big");
        let (_, g) = q_nonwrt_float_grad(x, 10.0);
        fd1(|x| q_nonwrt_float(x, 10.0), x, g, "nonwrt_float");
        let (_, g) = q_slice_recursion_grad(&v, 0);
        check::assert_gradient(
            |p| q_slice_recursion(p, 0),
            &v,
            &g,
            DEFAULT_ETA,
            Tolerance::default(),
        );
        let (_, d) = q_slice_recursion_jvp(&v, 0, vec![1.0, 0.0, 0.0]);
        check::assert_close(d, g[0], Tolerance::tight());
    }
}

#[differentiable]
fn r_break_iter(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in v {
        if x > 1.0 {
            break;
        }
        if x < -1.0 {
            continue;
        }
        s += x * x + s * x;
    }
    s
}

#[differentiable]
fn r_return_zip(v: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in v.iter().zip(w.iter()) {
        s += a * b;
        if s > 2.0 {
            return s * s;
        }
    }
    s
}

#[differentiable]
fn r_tape_branch(x: f64) -> f64 {
    let mut b = x;
    let mut k = 0;
    while k < 12 {
        if b > 1.0 {
            b = b.sqrt() * b;
        } else {
            b = b * b + 0.7;
        }
        k += 1;
    }
    b
}

#[differentiable]
fn r_index_alias(x: f64, y: f64) -> f64 {
    let mut v = vec![x, y, x * y];
    for i in 0..3 {
        let j = (i + 1) % 3;
        v[i] = v[j] * v[i] + v[i];
        v[j] += v[i] * 0.5;
    }
    v[0] + v[1] * v[2]
}

#[test]
fn loops_over_slices_tapes_and_index_aliasing() {
    for v in [
        vec![0.5, -1.5, 0.3, 2.0, 0.1],
        vec![0.2, 0.4, 0.6],
        vec![-0.7, 0.9, 1.1],
    ] {
        let (val, g) = r_break_iter_grad(&v);
        check::assert_close(val, r_break_iter(&v), Tolerance::tight());
        check::assert_gradient(r_break_iter, &v, &g, DEFAULT_ETA, Tolerance::default());
        let w: Vec<f64> = v.iter().map(|a| a * 2.0 + 0.3).collect();
        let (_, (gv, gw)) = r_return_zip_grad(&v, &w);
        let n = v.len();
        check::assert_gradient(
            |p| r_return_zip(&p[..n], &p[n..]),
            &[v.clone(), w.clone()].concat(),
            &[gv, gw].concat(),
            DEFAULT_ETA,
            Tolerance::default(),
        );
    }
    for x in [0.3, 0.9, 1.4] {
        let (_, g) = r_tape_branch_grad(x);
        check::assert_derivative(r_tape_branch, x, g, 1e-7, Tolerance::new(1e-6, 1e-4));
        let (_, d) = r_tape_branch_jvp(x, 1.0);
        check::assert_close(d, g, Tolerance::new(1e-12, 1e-10));
        let (_, (a, b)) = r_index_alias_grad(x, 0.8);
        check::assert_gradient(
            |p| r_index_alias(p[0], p[1]),
            &[x, 0.8],
            &[a, b],
            DEFAULT_ETA,
            Tolerance::default(),
        );
        let (_, d) = r_index_alias_jvp(x, 0.8, 0.3, -0.4);
        check::assert_jvp_vjp(&[a, b], &[0.3, -0.4], d, Tolerance::tight());
    }
}
