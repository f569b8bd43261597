//! Adversarial cases for calls whose gradient is taken in the forward sweep (preaccumulation,
//! `autodiff-macros/src/reverse/preacc.rs`): calls in loops on dense local `Vec`s and floats by
//! value whose value is known to be a scalar. Each case against central differences.

// The cases are written to provoke the macro: equal operands (`f(&v) - f(&v)`) and identical
// branches are on purpose.
#![allow(
    clippy::ptr_arg,
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::eq_op,
    clippy::if_same_then_else,
    clippy::doc_lazy_continuation
)]

use autodiff::check::{Tolerance, assert_slices};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------ harness

const A: [f64; 3] = [0.4, -0.9, 1.3];
const X: [f64; 5] = [0.2, -1.1, 0.7, 1.6, -0.3];

fn fd(f: &dyn Fn(&[f64]) -> f64, p: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..p.len())
        .map(|i| {
            let mut q = p.to_vec();
            q[i] = p[i] + h;
            let up = f(&q);
            q[i] = p[i] - h;
            let dn = f(&q);
            (up - dn) / (2.0 * h)
        })
        .collect()
}

fn close(name: &str, v: f64, v0: f64, g: &[f64], want: &[f64]) {
    assert!(
        (v - v0).abs() <= 1e-10 * v0.abs().max(1.0),
        "{name}: value {v} vs {v0}"
    );
    assert_eq!(g.len(), want.len(), "{name}: gradient length");
    for (i, (a, b)) in g.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-6 + 1e-6 * b.abs(),
            "{name}[{i}]: generated {a} vs reference {b} (all: {g:?} vs {want:?})"
        );
    }
}

type G2 = fn(&[f64], &[f64]) -> (f64, (Vec<f64>, Vec<f64>));
type P2 = fn(&[f64], &[f64]) -> f64;

fn check2(name: &str, f: P2, grad: G2) {
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    let (v, (ga, gx)) = grad(&A, &X);
    let want = fd(&|q| f(&q[..3], &q[3..]), &p);
    let g: Vec<f64> = ga.into_iter().chain(gx).collect();
    close(name, v, f(&A, &X), &g, &want);
}

type G3 = fn(&[f64], &[f64], f64) -> (f64, (Vec<f64>, Vec<f64>, f64));
type P3 = fn(&[f64], &[f64], f64) -> f64;

fn check3(name: &str, f: P3, grad: G3, c: f64) {
    let p: Vec<f64> = A.iter().chain(&X).copied().chain([c]).collect();
    let (v, (ga, gx, gc)) = grad(&A, &X, c);
    let want = fd(&|q| f(&q[..3], &q[3..8], q[8]), &p);
    let g: Vec<f64> = ga.into_iter().chain(gx).chain([gc]).collect();
    close(name, v, f(&A, &X, c), &g, &want);
}

macro_rules! case2 {
    ($test:ident, $f:ident, $g:ident) => {
        #[test]
        fn $test() {
            check2(stringify!($f), $f, $g);
        }
    };
}

macro_rules! case3 {
    ($test:ident, $f:ident, $g:ident, $c:expr) => {
        #[test]
        fn $test() {
            check3(stringify!($f), $f, $g, $c);
        }
    };
}

// ------------------------------------------------------------------------------ callees

#[differentiable]
fn lse(x: &[f64]) -> f64 {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[differentiable]
fn sumsq<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

#[differentiable]
fn dot2(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable]
fn scaled(x: &[f64], c: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (c * x[i]).sin();
    }
    s * c
}

#[differentiable]
fn fl(x: f64, y: f64) -> f64 {
    x * y.cos() + 0.5 * x * x
}

#[differentiable]
fn fl2(x: f64) -> f64 {
    (0.3 * x).sin() + x * x * x * 0.1
}

#[differentiable]
fn branchy(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += x[i] * x[i];
        } else {
            s -= 0.5 * x[i];
        }
    }
    if s > 1.0 { s.sqrt() } else { s * s }
}

#[differentiable]
fn calls_helpers(x: &[f64]) -> f64 {
    let mut t = vec![0.0; x.len()];
    let mut s = 0.0;
    for r in 0..2 {
        for i in 0..x.len() {
            t[i] = x[i] * (r as f64 + 1.0);
        }
        s += lse(&t) * 0.5 + sumsq(&t) * 0.1;
    }
    s
}

#[differentiable]
fn byvec(x: &Vec<f64>) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() {
        s = s * (1.0 + 0.2 * x[i]);
    }
    s
}

#[differentiable]
fn pick(x: &[f64], k: usize) -> f64 {
    x[k] * x[k] + x[(k + 1) % x.len()]
}

#[differentiable]
fn early(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].tanh();
        if s > 1.0 {
            return s * 2.0;
        }
    }
    s
}

/// `½ Σ v²`, rule linear in `g`.
#[custom_derivative(vjp = halfsq_rule_vjp, jvp = halfsq_rule_jvp)]
fn halfsq(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in v {
        s += 0.5 * x * x;
    }
    s
}
fn halfsq_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (halfsq(v), move |g: f64| v.iter().map(|x| x * g).collect())
}
fn halfsq_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (halfsq(v), v.iter().zip(&dv).map(|(a, b)| a * b).sum())
}

/// `Σ v`, exact rule `g ↦ g` written as a custom rule (linear, but counted).
#[custom_derivative(vjp = plainsum_rule_vjp, jvp = plainsum_rule_jvp)]
fn plainsum(v: &[f64]) -> f64 {
    v.iter().sum()
}
fn plainsum_rule_vjp(v: &[f64]) -> (f64, impl Fn(f64) -> Vec<f64> + '_) {
    (plainsum(v), move |g: f64| vec![g; v.len()])
}
fn plainsum_rule_jvp(v: &[f64], dv: Vec<f64>) -> (f64, f64) {
    (plainsum(v), dv.iter().sum())
}

/// `x³` on a float, exact custom rule.
#[custom_derivative(vjp = cube_rule_vjp, jvp = cube_rule_jvp)]
fn cube(x: f64) -> f64 {
    x * x * x
}
fn cube_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (cube(x), move |g: f64| 3.0 * x * x * g)
}
fn cube_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (cube(x), 3.0 * x * x * dx)
}

#[differentiable]
fn sq_wrap(v: &[f64], q: f64) -> f64 {
    halfsq(v) * q + v[0]
}

#[differentiable]
fn sum_wrap(v: &[f64]) -> f64 {
    let mut t = 0.0;
    for i in 0..v.len() {
        t += v[i] * v[i];
    }
    plainsum(v) * t
}

#[differentiable]
fn cube_wrap(x: f64, y: f64) -> f64 {
    cube(x) * y + x
}

// ------------------------------------------------------------------------------ cases

/// 1. the base case: a term of a sum.
#[differentiable]
fn c01_sum(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] - 0.3 * (x[p] - a[j]) * (x[p] - a[j]);
        }
        s += lse(&v);
    }
    s
}
case2!(t01_sum, c01_sum, c01_sum_grad);

/// 2. the value used twice in one product.
#[differentiable]
fn c02_square(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.1 * a[j] * a[j];
        }
        let y: f64 = lse(&v);
        s += y * y;
    }
    s
}
case2!(t02_square, c02_square, c02_square_grad);

/// 3. the value in two accumulators.
#[differentiable]
fn c03_two_uses(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    let mut t = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y = lse(&v);
        s += y;
        t = t + y.sin();
    }
    s * t
}
case2!(t03_two_uses, c03_two_uses, c03_two_uses_grad);

/// 4. the value stored in a Vec and read after the loop.
#[differentiable]
fn c04_stored(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut ys = vec![0.0; x.len()];
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = lse(&v);
        ys[p] = y;
    }
    let mut s = 0.0;
    for p in 0..x.len() {
        s += ys[p] * ys[(p + 1) % x.len()];
    }
    s
}
case2!(t04_stored, c04_stored, c04_stored_grad);

/// 5. the value pushed and read after the loop.
#[differentiable]
fn c05_pushed(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut ys: Vec<f64> = Vec::new();
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = sumsq(&v);
        ys.push(y.sqrt());
    }
    let mut s = 0.0;
    for p in 0..ys.len() {
        s += ys[p] * (p as f64 + 1.0);
    }
    s
}
case2!(t05_pushed, c05_pushed, c05_pushed_grad);

/// 6. the value in a branch condition.
#[differentiable]
fn c06_branch_cond(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = lse(&v);
        if y > 0.9 {
            s += y * x[p];
        } else {
            s -= 2.0 * y;
        }
    }
    s
}
case2!(t06_branch_cond, c06_branch_cond, c06_branch_cond_grad);

/// 7. the Vec mutated after the call in the same trip, carried into the next.
#[differentiable]
fn c07_mutated_after(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        let y = lse(&v);
        s += y;
        v[0] = v[0] * y;
        for j in 0..k {
            v[j] = v[j] * 0.5 + x[p] * a[j];
        }
    }
    s
}
case2!(t07_mutated_after, c07_mutated_after, c07_mutated_after_grad);

/// 8. the value fed back into the Vec for the next trip.
#[differentiable]
fn c08_feedback(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        let y: f64 = sumsq(&v);
        s += y;
        v[p % k] = 0.3 * y + x[p];
    }
    s
}
case2!(t08_feedback, c08_feedback, c08_feedback_grad);

/// 9. fresh Vec per trip.
#[differentiable]
fn c09_fresh(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut s = 0.0;
    for p in 0..x.len() {
        let mut v = vec![0.0; k];
        for j in 0..k {
            v[j] = (a[j] - x[p]).sin();
        }
        s += branchy(&v);
    }
    s
}
case2!(t09_fresh, c09_fresh, c09_fresh_grad);

/// 10. several calls on the same Vec in one trip, and on two Vecs.
#[differentiable]
fn c10_several(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut u = vec![1.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
            u[j] = u[j] * 0.7 + v[j];
        }
        s += lse(&v) * sumsq(&v);
        s += dot2(&u, &v);
        s += 0.2 * sumsq(&v);
    }
    s
}
case2!(t10_several, c10_several, c10_several_grad);

/// 11. the same Vec twice in one call.
#[differentiable]
fn c11_same_twice(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] + x[p];
        }
        s += dot2(&v, &v);
    }
    s
}
case2!(t11_same_twice, c11_same_twice, c11_same_twice_grad);

/// 12. nested loops.
#[differentiable]
fn c12_nested(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for q in 0..2 {
            for j in 0..k {
                v[j] = a[j] * x[p] + (q as f64) * a[(j + 1) % k];
            }
            s += lse(&v) * x[(p + q) % x.len()];
        }
    }
    s
}
case2!(t12_nested, c12_nested, c12_nested_grad);

/// 13. a while loop.
#[differentiable]
fn c13_while(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    let mut p = 0;
    while p < x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += lse(&v);
        p += 1;
    }
    s
}
case2!(t13_while, c13_while, c13_while_grad);

/// 14. break on the call's value.
#[differentiable]
fn c14_break(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + s * 0.1;
        }
        let y: f64 = lse(&v);
        s += y;
        if s > 3.0 {
            break;
        }
    }
    s
}
case2!(t14_break, c14_break, c14_break_grad);

/// 15. continue before and after the call.
#[differentiable]
fn c15_continue(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        if p == 1 {
            continue;
        }
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = sumsq(&v);
        s += y;
        if y > 1.0 {
            continue;
        }
        s += y * y;
    }
    s
}
case2!(t15_continue, c15_continue, c15_continue_grad);

/// 16. `loop` with a counter and break.
#[differentiable]
fn c16_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    let mut p = 0;
    loop {
        if p >= x.len() {
            break;
        }
        for j in 0..k {
            v[j] = v[j] * 0.8 + x[p];
        }
        s += early(&v);
        p += 1;
    }
    s
}
case2!(t16_loop, c16_loop, c16_loop_grad);

/// 17. a callee calling other helpers in its own loop.
#[differentiable]
fn c17_helper_calls(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += calls_helpers(&v);
    }
    s
}
case2!(t17_helper_calls, c17_helper_calls, c17_helper_calls_grad);

/// 18. custom rule linear in `g` inside the callee.
#[differentiable]
fn c18_custom_linear(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += 3.0 * sq_wrap(&v, x[p]);
        s += sum_wrap(&v) * 2.5;
    }
    s
}
case2!(t18_custom_linear, c18_custom_linear, c18_custom_linear_grad);

/// 19. a custom rule called directly in the loop.
#[differentiable]
fn c19_custom_direct(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + a[j];
        }
        let y: f64 = halfsq(&v);
        s += y * y;
        let z: f64 = cube(x[p] + a[0]);
        s += z.sin();
    }
    s
}
case2!(t19_custom_direct, c19_custom_direct, c19_custom_direct_grad);

/// 20. a parameter slice mixed with a local Vec.
#[differentiable]
fn c20_param_and_local(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = (a[j] * x[p]).cos();
        }
        s += dot2(a, &v) + dot2(&v, &x[..k]);
    }
    s
}
case2!(
    t20_param_and_local,
    c20_param_and_local,
    c20_param_and_local_grad
);

/// 21. loop-carried float by value.
#[differentiable]
fn c21_carried_float(a: &[f64], x: &[f64]) -> f64 {
    let mut c = a[0];
    let mut s = 0.0;
    for p in 0..x.len() {
        let y: f64 = fl(c, x[p]);
        c = 0.5 * y + a[1];
        s += y;
    }
    s + c
}
case2!(t21_carried_float, c21_carried_float, c21_carried_float_grad);

/// 22. the call assigned back to its own float argument.
#[differentiable]
fn c22_self_update(a: &[f64], x: &[f64]) -> f64 {
    let mut c = a[0];
    for p in 0..x.len() {
        c = fl(c, x[p] * a[2]) * 0.5;
    }
    c
}
case2!(t22_self_update, c22_self_update, c22_self_update_grad);

/// 23. a dense Vec and a loop-carried float in one call.
#[differentiable]
fn c23_vec_and_float(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut c = 0.5;
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = scaled(&v, c);
        c = c + 0.1 * y;
        s += y;
    }
    s
}
case2!(t23_vec_and_float, c23_vec_and_float, c23_vec_and_float_grad);

/// 24. float methods on the value: powi(3), powf(y), max, min, abs, atan2.
#[differentiable]
fn c24_methods(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += lse(&v).powi(3);
        s += sumsq(&v).powf(x[p].abs() + 0.5);
        s += x[p].abs().powf(sumsq(&v) * 0.3);
        s += lse(&v).max(0.8);
        s += lse(&v).min(x[p]);
        s += (lse(&v) - 1.2).abs();
        s += lse(&v).atan2(x[p] + 2.0);
        s += x[p].atan2(sumsq(&v) + 0.1);
    }
    s
}
case2!(t24_methods, c24_methods, c24_methods_grad);

/// 25. quotients.
#[differentiable]
fn c25_quotients(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += lse(&v) / (sumsq(&v) + 1.0);
        s += x[p] / lse(&v);
        s += sumsq(&v) / 3.0;
    }
    s
}
case2!(t25_quotients, c25_quotients, c25_quotients_grad);

/// 26. products into a product accumulator.
#[differentiable]
fn c26_product_acc(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 1.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] * 0.5;
        }
        s = s * lse(&v);
        s *= 0.5 + sumsq(&v);
    }
    s
}
case2!(t26_product_acc, c26_product_acc, c26_product_acc_grad);

/// 27. subtraction and negation.
#[differentiable]
fn c27_sub_neg(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s -= lse(&v);
        let n = -sumsq(&v);
        s = n - s * 0.5;
    }
    s
}
case2!(t27_sub_neg, c27_sub_neg, c27_sub_neg_grad);

/// 28. the call inside a branch arm.
#[differentiable]
fn c28_in_branch(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        if x[p] > 0.0 {
            s += lse(&v);
        } else {
            s += 0.5 * sumsq(&v);
            v[0] = s;
            s += lse(&v);
        }
    }
    s
}
case2!(t28_in_branch, c28_in_branch, c28_in_branch_grad);

/// 29. the value passed as a float argument of a second call on the same Vec.
#[differentiable]
fn c29_value_as_arg(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = lse(&v);
        s += scaled(&v, y);
    }
    s
}
case2!(t29_value_as_arg, c29_value_as_arg, c29_value_as_arg_grad);

/// 30. generic callee at f64, taking `&Vec<f64>`, with an integer argument.
#[differentiable]
fn c30_generic_vec_int(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.2;
        }
        s += sumsq::<f64>(&v) + byvec(&v) + pick(&v, p % k);
    }
    s
}
case2!(
    t30_generic_vec_int,
    c30_generic_vec_int,
    c30_generic_vec_int_grad
);

/// 31. a Vec whose length changes between trips (shrinking and growing).
#[differentiable]
fn c31_length_changes(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut s = 0.0;
    for p in 0..x.len() {
        let n = if p % 2 == 0 { k } else { 2 };
        let mut v = vec![0.0; n];
        for j in 0..n {
            v[j] = a[j] * x[p] + a[(j + 1) % k];
        }
        s += lse(&v) + 0.3 * sumsq(&v);
    }
    s
}
case2!(
    t31_length_changes,
    c31_length_changes,
    c31_length_changes_grad
);

/// 32. a Vec shrunk in place with pop, then reused.
#[differentiable]
fn c32_pop(a: &[f64], x: &[f64]) -> f64 {
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        if v.len() > 1 && p % 2 == 1 {
            v.pop();
        } else {
            v.push(x[p] * a[0]);
        }
        s += lse(&v) * x[p];
    }
    s
}
case2!(t32_pop, c32_pop, c32_pop_grad);

/// 33. two float-only calls in one trip (one with a custom rule).
#[differentiable]
fn c33_float_calls(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = a[0];
    for p in 0..x.len() {
        let y: f64 = fl(c, x[p]);
        let z: f64 = cube_wrap(x[p], c);
        let w: f64 = fl2(z * 0.1);
        s += y + z + w;
        c = c * 0.7 + a[1] * x[p];
    }
    s
}
case2!(t33_float_calls, c33_float_calls, c33_float_calls_grad);

/// 34. a scalar parameter as a float argument.
#[differentiable]
fn c34_scalar_param(a: &[f64], x: &[f64], c: f64) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += scaled(&v, c) + fl(c, x[p]);
    }
    s * c
}
case3!(
    t34_scalar_param,
    c34_scalar_param,
    c34_scalar_param_grad,
    0.7
);

/// 35. a scalar parameter scaling the value, and inside the Vec.
#[differentiable]
fn c35_scalar_scale(a: &[f64], x: &[f64], c: f64) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] * c;
        }
        s += c * lse(&v);
        s += lse(&v) / c;
    }
    s
}
case3!(
    t35_scalar_scale,
    c35_scalar_scale,
    c35_scalar_scale_grad,
    -1.3
);

/// 36. the value through exp then mul_add.
#[differentiable]
fn c36_exp_muladd(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] * 0.3;
        }
        let e = lse(&v).exp();
        s = e.mul_add(x[p], s);
    }
    s
}
case2!(t36_exp_muladd, c36_exp_muladd, c36_exp_muladd_grad);

/// 37. the value assigned to a variable reused across trips (last one returned).
#[differentiable]
fn c37_last_value(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut y = 0.0;
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + y * 0.1;
        }
        s += y * x[p];
        y = lse(&v);
    }
    s + y * y
}
case2!(t37_last_value, c37_last_value, c37_last_value_grad);

/// 38. two calls assigning the same variable in one trip.
#[differentiable]
fn c38_same_target(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let mut y: f64 = lse(&v);
        s += y * 2.0;
        v[1] = y;
        y = sumsq(&v);
        s += y.sin();
    }
    s
}
case2!(t38_same_target, c38_same_target, c38_same_target_grad);

/// 39. two float-only calls assigning the same variable.
#[differentiable]
fn c39_same_float_target(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut c = a[0];
    for p in 0..x.len() {
        let mut y: f64 = fl(c, x[p]);
        s += y;
        y = cube_wrap(y * 0.3, a[2]);
        s += y * x[p];
        c = c + 0.2 * y;
    }
    s
}
case2!(
    t39_same_float_target,
    c39_same_float_target,
    c39_same_float_target_grad
);

/// 40. a Vec copied from another then mutated; the original passed after.
#[differentiable]
fn c40_clone_then_mutate(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let mut w = v.clone();
        w[0] = w[0] * 3.0;
        s += lse(&w) + lse(&v) * 0.5;
        v[2] = lse(&w);
        s += sumsq(&v);
    }
    s
}
case2!(
    t40_clone_then_mutate,
    c40_clone_then_mutate,
    c40_clone_then_mutate_grad
);

// ------------------------------------------------------------------------------ batch 2

#[differentiable]
fn ignores(x: &[f64], y: f64) -> f64 {
    let _n = x.len();
    y * y
}

/// A callee passing its whole slice and a range of it on to other callees in its own loop.
#[differentiable]
fn passes_on(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..2 {
        s += lse(x) * (i as f64 + 1.0);
        s += sumsq(&x[1..]) * 0.5;
    }
    s + x[0] * x[2]
}

/// A callee reading its slice at a data-dependent index.
#[differentiable]
fn argmax_val(x: &[f64]) -> f64 {
    let mut k = 0;
    for i in 1..x.len() {
        if x[i] > x[k] {
            k = i;
        }
    }
    x[k] * x[k] + 0.1 * x[0]
}

#[derive(Differentiable, Clone, Debug)]
struct Scorer {
    w: f64,
}

impl Scorer {
    #[differentiable]
    fn score(&self, v: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += self.w * v[i] * v[i] + v[i];
        }
        s
    }
}

/// 41. a callee that ignores its slice.
#[differentiable]
fn c41_ignores(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let c = v[0] + x[p];
        s += ignores(&v, c) + lse(&v);
    }
    s
}
case2!(t41_ignores, c41_ignores, c41_ignores_grad);

/// 42. an element of the Vec as the float argument next to the Vec.
#[differentiable]
fn c42_elem_arg(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.3;
        }
        s += scaled(&v, v[1]);
    }
    s
}
case2!(t42_elem_arg, c42_elem_arg, c42_elem_arg_grad);

/// 43. the float argument is the target.
#[differentiable]
fn c43_float_is_target(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut c = a[1];
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        c = scaled(&v, c);
        c = c * 0.5 + 0.2;
    }
    c
}
case2!(
    t43_float_is_target,
    c43_float_is_target,
    c43_float_is_target_grad
);

/// 44. the value written into the Vec it came from.
#[differentiable]
fn c44_write_back(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        v[1] = v[1] + x[p];
        v[0] = lse(&v);
        s += v[0] * v[2];
        v[2] = 0.5 * sumsq(&v) / (k as f64);
    }
    s
}
case2!(t44_write_back, c44_write_back, c44_write_back_grad);

/// 45. in-place swap and reverse after the call.
#[differentiable]
fn c45_inplace(a: &[f64], x: &[f64]) -> f64 {
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        v[0] = v[0] + x[p];
        s += lse(&v) * (p as f64 + 1.0);
        v.swap(0, 2);
        s += 0.1 * sumsq(&v);
        v.reverse();
        v[1] = v[1] * 0.9;
    }
    s + v[0]
}
case2!(t45_inplace, c45_inplace, c45_inplace_grad);

/// 46. two Vecs swapped whole every trip.
#[differentiable]
fn c46_mem_swap(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = u[j] * x[p] + 0.1;
        }
        s += lse(&v) - 0.5 * lse(&u);
        std::mem::swap(&mut u, &mut v);
    }
    s
}
case2!(t46_mem_swap, c46_mem_swap, c46_mem_swap_grad);

/// 47. the callee passes its slice on whole and by range.
#[differentiable]
fn c47_passes_on(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] - 0.2;
        }
        s += passes_on(&v) + argmax_val(&v);
    }
    s
}
case2!(t47_passes_on, c47_passes_on, c47_passes_on_grad);

/// 48. a method of a constant local struct.
#[differentiable]
fn c48_method(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let sc = Scorer { w: 0.7 };
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sc.score(&v);
    }
    s
}
case2!(t48_method, c48_method, c48_method_grad);

/// 49. a constant local Vec next to a dense one.
#[differentiable]
fn c49_inactive_vec(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let w = vec![0.5, -1.0, 2.0];
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += dot2(&w, &v) * dot2(&v, &w);
    }
    s
}
case2!(t49_inactive_vec, c49_inactive_vec, c49_inactive_vec_grad);

/// 50. early return from inside the loop after the call.
#[differentiable]
fn c50_early_return(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + s * 0.2;
        }
        let y: f64 = lse(&v);
        s += y;
        if s > 2.0 {
            return s * y;
        }
    }
    s
}
case2!(t50_early_return, c50_early_return, c50_early_return_grad);

/// 51. labelled break out of the inner loop holding the call.
#[differentiable]
fn c51_labelled(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    'outer: for p in 0..x.len() {
        for q in 0..3 {
            for j in 0..k {
                v[j] = a[j] * x[p] + (q as f64) * 0.1;
            }
            s += sumsq(&v) * 0.3;
            if s > 4.0 {
                break 'outer;
            }
        }
    }
    s
}
case2!(t51_labelled, c51_labelled, c51_labelled_grad);

/// 52. the call in an inner block scope.
#[differentiable]
fn c52_scope(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        {
            let y = lse(&v);
            s += y * x[p];
        }
    }
    s
}
case2!(t52_scope, c52_scope, c52_scope_grad);

/// 53. a generic caller (instantiated at f64).
#[differentiable]
fn c53_generic_caller<T: Real>(a: &[T], x: &[T]) -> T {
    let k = a.len();
    let mut v = vec![T::zero(); k];
    let mut s = T::zero();
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sumsq(&v).sin();
    }
    s
}
fn c53_f(a: &[f64], x: &[f64]) -> f64 {
    c53_generic_caller(a, x)
}
fn c53_g(a: &[f64], x: &[f64]) -> (f64, (Vec<f64>, Vec<f64>)) {
    c53_generic_caller_grad(a, x)
}
case2!(t53_generic_caller, c53_f, c53_g);

/// 54. a loop that runs once and a loop that never runs.
#[differentiable]
fn c54_short_loops(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..1 {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += lse(&v);
    }
    for p in 0..(x.len() - 5) {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += lse(&v) * 100.0;
    }
    s + v[0]
}
case2!(t54_short_loops, c54_short_loops, c54_short_loops_grad);

// ------------------------------------------------------------------------------ batch 3
//
// Custom rules whose pullback is not linear in `g`: no finite-difference reference. The same
// calls outside every loop (re-run once with the real cotangent, never preaccumulated) are the
// reference: the looped function must give the unrolled one's gradient.

/// `Σ v` with the rule `g ↦ clamp(g, -1, 1)` per element (not linear in `g`).
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

/// The identity on a float, with the rule `g ↦ max(g, -0.5)`.
#[custom_derivative(vjp = floored_rule_vjp, jvp = floored_rule_jvp)]
fn floored(x: f64) -> f64 {
    x
}
fn floored_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (floored(x), move |g: f64| g.max(-0.5))
}
fn floored_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (floored(x), dx)
}

#[differentiable]
fn clip_wrap(v: &[f64], q: f64) -> f64 {
    clipsum(v) * q + v[1] * v[1]
}

#[differentiable]
fn floor_wrap(v: &[f64], q: f64) -> f64 {
    floored(q * v[0]) + v[2]
}

/// A callee that runs its custom rule on one branch only.
#[differentiable]
fn maybe_clip(v: &[f64]) -> f64 {
    if v[0] > 0.0 { clipsum(v) } else { sumsq(v) }
}

fn unrolled_check(name: &str, looped: G2, unrolled: G2, f: P2) {
    let (v1, (ga1, gx1)) = looped(&A, &X);
    let (v2, (ga2, gx2)) = unrolled(&A, &X);
    let g1: Vec<f64> = ga1.into_iter().chain(gx1).collect();
    let g2: Vec<f64> = ga2.into_iter().chain(gx2).collect();
    close(name, v1, v2, &g1, &g2);
    // the rule matters here: central differences disagree with it somewhere
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    let want = fd(&|q| f(&q[..3], &q[3..]), &p);
    assert!(
        g1.iter().zip(&want).any(|(a, b)| (a - b).abs() > 1e-3),
        "{name}: the custom rule never bit ({g1:?} vs {want:?})"
    );
}

/// 55. a nonlinear rule inside a callee, dy = 3 per trip.
#[differentiable]
fn c55_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..3 {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += 3.0 * clip_wrap(&v, x[p + 1]);
    }
    s
}
#[differentiable]
fn c55_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let v0 = vec![a[0] * x[0], a[1] * x[0], a[2] * x[0]];
    let v1 = vec![a[0] * x[1], a[1] * x[1], a[2] * x[1]];
    let v2 = vec![a[0] * x[2], a[1] * x[2], a[2] * x[2]];
    3.0 * clip_wrap(&v0, x[1]) + 3.0 * clip_wrap(&v1, x[2]) + 3.0 * clip_wrap(&v2, x[3])
}
#[test]
fn t55_clip_in_callee() {
    unrolled_check("c55", c55_loop_grad, c55_unrolled_grad, c55_loop);
}

/// 56. a nonlinear rule called directly in the loop, the value squared.
#[differentiable]
fn c56_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..3 {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.5;
        }
        let y: f64 = clipsum(&v);
        s += y * y;
    }
    s
}
#[differentiable]
fn c56_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let v0 = vec![a[0] * x[0] + 0.5, a[1] * x[0] + 0.5, a[2] * x[0] + 0.5];
    let v1 = vec![a[0] * x[1] + 0.5, a[1] * x[1] + 0.5, a[2] * x[1] + 0.5];
    let v2 = vec![a[0] * x[2] + 0.5, a[1] * x[2] + 0.5, a[2] * x[2] + 0.5];
    let y0: f64 = clipsum(&v0);
    let y1: f64 = clipsum(&v1);
    let y2: f64 = clipsum(&v2);
    y0 * y0 + y1 * y1 + y2 * y2
}
#[test]
fn t56_clip_direct() {
    unrolled_check("c56", c56_loop_grad, c56_unrolled_grad, c56_loop);
}

/// 57. a nonlinear rule on a float inside a callee taking a Vec and a loop-carried float; the
/// Vec mutated after the call (the re-run must see the call's arguments).
#[differentiable]
fn c57_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut c = 1.0;
    let mut s = 0.0;
    for p in 0..3 {
        let y: f64 = floor_wrap(&v, c);
        s += -4.0 * y;
        v[0] = v[0] * x[p];
        c = c + y * 0.1;
        for j in 0..k {
            v[j] = v[j] + x[p + 1];
        }
    }
    s + c
}
#[differentiable]
fn c57_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let v0 = vec![a[0], a[1], a[2]];
    let c0 = 1.0;
    let y0: f64 = floor_wrap(&v0, c0);
    let v1 = vec![a[0] * x[0] + x[1], a[1] + x[1], a[2] + x[1]];
    let c1 = c0 + y0 * 0.1;
    let y1: f64 = floor_wrap(&v1, c1);
    let v2 = vec![v1[0] * x[1] + x[2], v1[1] + x[2], v1[2] + x[2]];
    let c2 = c1 + y1 * 0.1;
    let y2: f64 = floor_wrap(&v2, c2);
    let c3 = c2 + y2 * 0.1;
    -4.0 * y0 - 4.0 * y1 - 4.0 * y2 + c3
}
#[test]
fn t57_floor_float_arg() {
    unrolled_check("c57", c57_loop_grad, c57_unrolled_grad, c57_loop);
}

/// 58. a custom rule on one branch of the callee only: linear on some trips, not on others.
#[differentiable]
fn c58_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..4 {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.1;
        }
        s += 2.5 * maybe_clip(&v);
    }
    s
}
#[differentiable]
fn c58_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let v0 = vec![a[0] * x[0] + 0.1, a[1] * x[0] + 0.1, a[2] * x[0] + 0.1];
    let v1 = vec![a[0] * x[1] + 0.1, a[1] * x[1] + 0.1, a[2] * x[1] + 0.1];
    let v2 = vec![a[0] * x[2] + 0.1, a[1] * x[2] + 0.1, a[2] * x[2] + 0.1];
    let v3 = vec![a[0] * x[3] + 0.1, a[1] * x[3] + 0.1, a[2] * x[3] + 0.1];
    2.5 * maybe_clip(&v0) + 2.5 * maybe_clip(&v1) + 2.5 * maybe_clip(&v2) + 2.5 * maybe_clip(&v3)
}
#[test]
fn t58_clip_some_trips() {
    unrolled_check("c58", c58_loop_grad, c58_unrolled_grad, c58_loop);
}

// ------------------------------------------------------------------------------ pullbacks
//
// `NAME_vjp`'s pullback may be called as often as one likes: once with 1, again with -2, again
// with 1; linear cases only (no custom rule that is not linear in `g`).

macro_rules! vjp_case {
    ($test:ident, $vjp:ident, $grad:ident) => {
        #[test]
        fn $test() {
            let (_, (ga, gx)) = $grad(&A, &X);
            let g: Vec<f64> = ga.into_iter().chain(gx).collect();
            let (_, back) = $vjp(&A, &X);
            for dy in [1.0, -2.0, 1.0, 0.0, 0.5] {
                let (ba, bx) = back(dy);
                let b: Vec<f64> = ba.into_iter().chain(bx).collect();
                assert_eq!(b.len(), g.len(), "{}: length", stringify!($vjp));
                for (i, (u, w)) in b.iter().zip(&g).enumerate() {
                    assert!(
                        (u - dy * w).abs() <= 1e-12 * (1.0 + w.abs()),
                        "{}[{i}] dy={dy}: {u} vs {}",
                        stringify!($vjp),
                        dy * w
                    );
                }
            }
        }
    };
}

vjp_case!(v01_sum, c01_sum_vjp, c01_sum_grad);
vjp_case!(v10_several, c10_several_vjp, c10_several_grad);
vjp_case!(
    v18_custom_linear,
    c18_custom_linear_vjp,
    c18_custom_linear_grad
);
vjp_case!(
    v23_vec_and_float,
    c23_vec_and_float_vjp,
    c23_vec_and_float_grad
);
vjp_case!(v28_in_branch, c28_in_branch_vjp, c28_in_branch_grad);
vjp_case!(v44_write_back, c44_write_back_vjp, c44_write_back_grad);

/// The nonlinear rule's function: the pullback called twice with one cotangent agrees with
/// itself, and with the unrolled function's pullback at that cotangent.
#[test]
fn v55_clip_pullback_twice() {
    let (_, back) = c55_loop_vjp(&A, &X);
    let (_, back_u) = c55_unrolled_vjp(&A, &X);
    for dy in [0.2, -3.0, 0.2, 1.7] {
        let (ba, bx) = back(dy);
        let (ua, ux) = back_u(dy);
        let b: Vec<f64> = ba.into_iter().chain(bx).collect();
        let u: Vec<f64> = ua.into_iter().chain(ux).collect();
        close("c55 vjp", 0.0, 0.0, &b, &u);
    }
}

// ------------------------------------------------------------------------------ f32

/// 59. the generic caller at f32 against its f64 gradient.
#[test]
fn t59_generic_caller_f32() {
    let a32: Vec<f32> = A.iter().map(|&v| v as f32).collect();
    let x32: Vec<f32> = X.iter().map(|&v| v as f32).collect();
    let (v32, (ga, gx)) = c53_generic_caller_grad(&a32, &x32);
    let (v64, (ga64, gx64)) = c53_generic_caller_grad(&A, &X);
    assert!((v32 as f64 - v64).abs() < 1e-4);
    for (u, w) in ga.iter().chain(&gx).zip(ga64.iter().chain(&gx64)) {
        assert!(
            (*u as f64 - w).abs() <= 1e-4 * (1.0 + w.abs()),
            "{u} vs {w}"
        );
    }
}

/// 60. an f32 Vec whose value goes into an f64 sum by a cast.
#[differentiable]
fn c60_mixed_width(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v: Vec<f32> = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = (a[j] * x[p]) as f32;
        }
        let y: f32 = sumsq(&v);
        s += y as f64 * x[p];
    }
    s
}
#[test]
fn t60_mixed_width() {
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    let (v, (ga, gx)) = c60_mixed_width_grad(&A, &X);
    let g: Vec<f64> = ga.into_iter().chain(gx).collect();
    // f32 inside: a wider step and tolerance
    let h = 1e-3;
    let f = |q: &[f64]| c60_mixed_width(&q[..3], &q[3..]);
    assert!((v - f(&p)).abs() < 1e-9);
    for i in 0..p.len() {
        let mut q = p.clone();
        q[i] += h;
        let up = f(&q);
        q[i] -= 2.0 * h;
        let dn = f(&q);
        let want = (up - dn) / (2.0 * h);
        assert!(
            (g[i] - want).abs() <= 2e-3 * (1.0 + want.abs()),
            "[{i}] {} vs {want}",
            g[i]
        );
    }
}

// ------------------------------------------------------------------------------ batch 4
//
// Calls run again in the reverse sweep (a custom rule ran during the call, here exact so
// finite differences still apply) on a Vec or float changed between two calls of one trip:
// the re-run must see each call's own arguments.

/// 61. swap between two calls on one Vec.
#[differentiable]
fn c61_swap_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.1 * (j as f64);
        }
        s += sum_wrap(&v);
        v.swap(0, 1);
        v[0] = v[0] * 2.0;
        s += sum_wrap(&v) * x[p];
    }
    s
}
case2!(t61_swap_between, c61_swap_between, c61_swap_between_grad);

/// 62. reverse between two calls (no element write after).
#[differentiable]
fn c62_reverse_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + (j as f64);
        }
        s += sq_wrap(&v, x[p]);
        v.reverse();
        s += sq_wrap(&v, x[p]) * 2.0;
    }
    s
}
case2!(
    t62_reverse_between,
    c62_reverse_between,
    c62_reverse_between_grad
);

/// 63. mem::swap between two calls.
#[differentiable]
fn c63_mem_swap_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = u[j] * x[p] + 0.3;
        }
        s += sq_wrap(&v, 1.5);
        std::mem::swap(&mut u, &mut v);
        s += sq_wrap(&v, -0.5) + sq_wrap(&u, 0.25);
    }
    s
}
case2!(
    t63_mem_swap_between,
    c63_mem_swap_between,
    c63_mem_swap_between_grad
);

/// 64. fill between two calls.
#[differentiable]
fn c64_fill_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sum_wrap(&v);
        v.fill(x[p] * a[0]);
        s += sum_wrap(&v);
    }
    s
}
case2!(t64_fill_between, c64_fill_between, c64_fill_between_grad);

/// 65. the float argument reassigned between two calls.
#[differentiable]
fn c65_float_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut c = a[2];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sq_wrap(&v, c);
        c = c * x[p] + 0.5;
        s += sq_wrap(&v, c);
    }
    s + c
}
case2!(t65_float_between, c65_float_between, c65_float_between_grad);

/// 66. a whole move into the Vec between two calls.
#[differentiable]
fn c66_move_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sum_wrap(&v);
        let mut w = vec![0.0; k];
        for j in 0..k {
            w[j] = v[(j + 1) % k] - x[p];
        }
        v = w;
        s += sum_wrap(&v) * 0.5;
    }
    s
}
case2!(t66_move_between, c66_move_between, c66_move_between_grad);

/// 67. an element write in an inner block between two calls.
#[differentiable]
fn c67_block_write_between(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += sq_wrap(&v, x[p]);
        if x[p] > 0.0 {
            v[0] = v[0] + 1.0;
        } else {
            v[2] = v[2] * 3.0;
        }
        s += sq_wrap(&v, x[p]);
    }
    s
}
case2!(
    t67_block_write_between,
    c67_block_write_between,
    c67_block_write_between_grad
);

/// 68. the re-run path in a while loop, with several saves per trip.
#[differentiable]
fn c68_while_rerun(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    let mut p = 0;
    while p < x.len() {
        let y: f64 = sum_wrap(&v);
        s += y * x[p];
        for j in 0..k {
            v[j] = v[j] * 0.5 + x[p] * y * 0.01;
        }
        p += 1;
    }
    s
}
case2!(t68_while_rerun, c68_while_rerun, c68_while_rerun_grad);

/// 69. a table filled once before the loop and only read in it.
#[differentiable]
fn c69_frozen_table(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut t = vec![0.0; k];
    for j in 0..k {
        t[j] = a[j] * a[j] + 0.5;
    }
    let mut s = 0.0;
    for p in 0..x.len() {
        s += lse(&t) * x[p] + t[p % k] + sum_wrap(&t) * 0.1;
    }
    s
}
case2!(t69_frozen_table, c69_frozen_table, c69_frozen_table_grad);

/// 70. swap between two linear calls too (the gradient path, not the re-run).
#[differentiable]
fn c70_swap_linear(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.1 * (j as f64);
        }
        s += lse(&v);
        v.swap(0, 2);
        s += scaled(&v, x[p]);
        v.reverse();
        s += argmax_val(&v);
    }
    s
}
case2!(t70_swap_linear, c70_swap_linear, c70_swap_linear_grad);

// ------------------------------------------------------------------------------ batch 5

/// A callee with its own loop whose preaccumulated inner call runs a rule not linear in `g`.
#[differentiable]
fn inner_clip(v: &[f64]) -> f64 {
    let k = v.len();
    let mut t = vec![0.0; k];
    let mut s = 0.0;
    for r in 0..2 {
        for i in 0..k {
            t[i] = v[i] * (r as f64 + 0.5);
        }
        s += 2.0 * clipsum(&t) + 0.1 * sumsq(&t);
    }
    s
}

/// Direct recursion through a local Vec in a loop.
#[differentiable]
fn rec(v: &[f64], d: usize) -> f64 {
    if d == 0 {
        return lse(v);
    }
    let mut s = 0.0;
    for i in 0..2 {
        let mut w = v.to_vec();
        w[i] = w[i] * 0.5 + v[2];
        s += rec(&w, d - 1) * (i as f64 + 1.0);
    }
    s
}

/// 71. nested re-runs: the caller's loop vs the same calls unrolled.
#[differentiable]
fn c71_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..3 {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.2;
        }
        s += 1.5 * inner_clip(&v);
    }
    s
}
#[differentiable]
fn c71_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let v0 = vec![a[0] * x[0] + 0.2, a[1] * x[0] + 0.2, a[2] * x[0] + 0.2];
    let v1 = vec![a[0] * x[1] + 0.2, a[1] * x[1] + 0.2, a[2] * x[1] + 0.2];
    let v2 = vec![a[0] * x[2] + 0.2, a[1] * x[2] + 0.2, a[2] * x[2] + 0.2];
    1.5 * inner_clip(&v0) + 1.5 * inner_clip(&v1) + 1.5 * inner_clip(&v2)
}
#[test]
fn t71_nested_clip() {
    unrolled_check("c71", c71_loop_grad, c71_unrolled_grad, c71_loop);
}

/// 72. recursion through the preaccumulated call.
#[differentiable]
fn c72_recursion(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += rec(&v, 2);
    }
    s
}
case2!(t72_recursion, c72_recursion, c72_recursion_grad);

/// 73. `break value` out of a `loop` holding the call.
#[differentiable]
fn c73_break_value(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut p = 0;
    let r = loop {
        for j in 0..k {
            v[j] = v[j] * 0.9 + x[p];
        }
        let y: f64 = lse(&v);
        p += 1;
        if p == x.len() || y > 3.0 {
            break y * 2.0;
        }
    };
    r + v[0]
}
case2!(t73_break_value, c73_break_value, c73_break_value_grad);

/// 74. a match on a loop index choosing which call.
#[differentiable]
fn c74_match(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        match p % 3 {
            0 => s += lse(&v),
            1 => {
                let y = sumsq(&v);
                s += y.sqrt();
            }
            _ => s -= 0.5 * branchy(&v),
        }
    }
    s
}
case2!(t74_match, c74_match, c74_match_grad);

/// 75. a windows loop over the Vec after the call, in the same trip.
#[differentiable]
fn c75_windows_after(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.1;
        }
        s += lse(&v);
        for w in v.windows(2) {
            s += w[0] * w[1];
        }
    }
    s
}
case2!(t75_windows_after, c75_windows_after, c75_windows_after_grad);

/// 76. a reassigned scalar parameter as the float argument.
#[differentiable]
fn c76_reassigned_param(a: &[f64], x: &[f64], mut c: f64) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] + x[p];
        }
        s += scaled(&v, c);
        c = c * 0.9 + x[p] * 0.1;
    }
    s + c * c
}
case3!(
    t76_reassigned_param,
    c76_reassigned_param,
    c76_reassigned_param_grad,
    0.8
);

/// 77. the Vec grows by a push each trip and is passed after the push.
#[differentiable]
fn c77_growing(a: &[f64], x: &[f64]) -> f64 {
    let mut v = vec![a[0]];
    let mut s = 0.0;
    for p in 0..x.len() {
        v.push(a[p % 3] * x[p]);
        let y: f64 = lse(&v);
        s += y * y;
        v[0] = v[0] + 0.1 * y;
    }
    s
}
case2!(t77_growing, c77_growing, c77_growing_grad);

/// 78. an empty Vec on some trips.
#[differentiable]
fn c78_empty_some_trips(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for p in 0..x.len() {
        let n = p % 3;
        let mut v = vec![0.0; n];
        for j in 0..n {
            v[j] = a[j] * x[p];
        }
        s += sumsq(&v) * x[p] + 1.0;
    }
    s
}
case2!(
    t78_empty_some_trips,
    c78_empty_some_trips,
    c78_empty_some_trips_grad
);

/// 79. the value kept in a variable across trips and read before the call on the next trip.
#[differentiable]
fn c79_prev_value(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut prev = 0.5;
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + prev;
        }
        let cur: f64 = lse(&v);
        s += cur * prev;
        prev = cur;
    }
    s
}
case2!(t79_prev_value, c79_prev_value, c79_prev_value_grad);

/// 80. two dense Vecs in one call, one of them a copy of the other made before the trip.
#[differentiable]
fn c80_two_dense(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = u[j] * x[p];
        }
        let d: f64 = dot2(&u, &v);
        s += d.tanh();
        for j in 0..k {
            u[j] = u[j] + 0.1 * d * v[j];
        }
    }
    s
}
case2!(t80_two_dense, c80_two_dense, c80_two_dense_grad);

// ------------------------------------------------------------------------------ batch 6

mod helpers {
    use autodiff::prelude::*;

    #[differentiable]
    pub fn wsum(v: &[f64], c: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += v[i] * (c + i as f64);
        }
        s * s * 0.1
    }
}

impl Scorer {
    #[differentiable]
    fn stat(v: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += (v[i] * 0.7).sin();
        }
        s
    }
}

/// 81. a zero whose square root spoils the optimistic (IEEE) sweep: the zero rule's sweep runs
/// again over the same records, preaccumulated gradients and re-runs included.
#[differentiable]
fn c81_spoiled_sweep(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut c = 0.5;
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = scaled(&v, c);
        c = c + 0.1 * y;
        s += y + sum_wrap(&v) * 0.2;
        let z = a[0] - a[0];
        s += (z * z).sqrt();
    }
    s
}
case2!(t81_spoiled_sweep, c81_spoiled_sweep, c81_spoiled_sweep_grad);

/// 82. the same, where the spoiling zero comes from the call's own value.
#[differentiable]
fn c82_spoiled_by_value(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = lse(&v);
        let z = y - y;
        s += y * x[p] + (z * z).sqrt();
    }
    s
}
case2!(
    t82_spoiled_by_value,
    c82_spoiled_by_value,
    c82_spoiled_by_value_grad
);

/// 83. a callee by module path and by associated-function path.
#[differentiable]
fn c83_paths(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p] + 0.2;
        }
        s += helpers::wsum(&v, x[p]) + Scorer::stat(&v);
    }
    s
}
case2!(t83_paths, c83_paths, c83_paths_grad);

/// 84. the same target assigned by two calls with float arguments, the second taking it.
#[differentiable]
fn c84_same_target_floats(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let mut y: f64 = scaled(&v, x[p]);
        s += y;
        y = scaled(&v, y);
        s += y * 2.0;
    }
    s
}
case2!(
    t84_same_target_floats,
    c84_same_target_floats,
    c84_same_target_floats_grad
);

/// 85. a spare buffer rotation (`let next = vec!..; u = next`) with calls on both.
#[differentiable]
fn c85_spare(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut u = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        let mut next = vec![0.0; k];
        for j in 0..k {
            next[j] = u[j] * 0.8 + x[p] * u[(j + 1) % k];
        }
        s += lse(&next) * 0.5 + sq_wrap(&u, x[p]);
        u = next;
    }
    s + sumsq(&u)
}
case2!(t85_spare, c85_spare, c85_spare_grad);

/// 86. a float argument that is a constant local Vec's companion: only the float active.
#[differentiable]
fn c86_inactive_vec_float(a: &[f64], x: &[f64]) -> f64 {
    let w = vec![0.3, -0.2, 0.9];
    let mut c = a[0];
    let mut s = 0.0;
    for p in 0..x.len() {
        let y: f64 = scaled(&w, c);
        let z: f64 = scaled(&w, x[p] * y);
        s += y * z;
        c = c * 0.5 + z;
    }
    s
}
case2!(
    t86_inactive_vec_float,
    c86_inactive_vec_float,
    c86_inactive_vec_float_grad
);

/// 87. same as 86 with a custom rule in the callee (re-run path, float arguments only).
#[differentiable]
fn c87_inactive_vec_rerun(a: &[f64], x: &[f64]) -> f64 {
    let w = vec![0.3, -0.2, 0.9];
    let mut c = a[1];
    let mut s = 0.0;
    for p in 0..x.len() {
        let y: f64 = sq_wrap(&w, c);
        let z: f64 = sq_wrap(&w, x[p] * y);
        s += y * z;
        c = c * 0.5 + z * 0.1;
    }
    s
}
case2!(
    t87_inactive_vec_rerun,
    c87_inactive_vec_rerun,
    c87_inactive_vec_rerun_grad
);

// ------------------------------------------------------------------------------ batch 7

/// 88. the Vec's length changes within one trip (an inner loop of growing fresh Vecs).
#[differentiable]
fn c88_inner_lengths(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut s = 0.0;
    for p in 0..x.len() {
        for q in 1..(k + 1) {
            let mut w = vec![0.0; q];
            for j in 0..q {
                w[j] = a[j] * x[p] + (q as f64) * 0.1;
            }
            s += lse(&w) * (q as f64);
        }
        for q in 0..k {
            let mut w = vec![0.0; k - q];
            for j in 0..(k - q) {
                w[j] = a[j + q] - x[p];
            }
            s += sumsq(&w);
        }
    }
    s
}
case2!(t88_inner_lengths, c88_inner_lengths, c88_inner_lengths_grad);

/// 89. the same gradient function at several trip counts in a row (tape size hints learned from
/// earlier calls), and many trips.
#[test]
fn t89_trip_counts() {
    for n in [5usize, 40, 2, 300, 1, 40] {
        let x: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.37).sin()).collect();
        let p: Vec<f64> = A.iter().chain(&x).copied().collect();
        for (name, f, grad) in [
            ("c23", c23_vec_and_float as P2, c23_vec_and_float_grad as G2),
            ("c18", c18_custom_linear, c18_custom_linear_grad),
            ("c79", c79_prev_value, c79_prev_value_grad),
            ("c13", c13_while, c13_while_grad),
            ("c85", c85_spare, c85_spare_grad),
        ] {
            let (v, (ga, gx)) = grad(&A, &x);
            let want = fd(&|q| f(&q[..3], &q[3..]), &p);
            let g: Vec<f64> = ga.into_iter().chain(gx).collect();
            assert!((v - f(&A, &x)).abs() <= 1e-10 * v.abs().max(1.0));
            // many trips grow the values: central differences lose about eps·|f|/h
            let noise = 1e-9 * v.abs();
            for (i, (a, b)) in g.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-6 + 1e-6 * b.abs() + noise,
                    "{name} n={n} [{i}]: generated {a} vs fd {b}"
                );
            }
        }
    }
}

/// 90. a local array (not a dense Vec) and a range of a dense Vec: the re-run paths next to a
/// preaccumulated call.
#[differentiable]
fn c90_array_and_range(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut arr = [0.0; 3];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
            arr[j] = v[j] * v[j];
        }
        s += lse(&v) + lse(&arr) + lse(&v[1..]);
    }
    s
}
case2!(
    t90_array_and_range,
    c90_array_and_range,
    c90_array_and_range_grad
);

// ------------------------------------------------------------------------------ batch 8

/// 91. a Vec built by pushes from empty every trip; an index chosen by the call's value.
#[differentiable]
fn c91_pushed_fresh(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut s = 0.0;
    for p in 0..x.len() {
        let mut v = Vec::new();
        for j in 0..k {
            v.push(a[j] * x[p] + 0.05 * (j as f64));
        }
        let y: f64 = lse(&v);
        let i = ((y.abs() * 10.0) as usize) % k;
        s += v[i] * y;
    }
    s
}
case2!(t91_pushed_fresh, c91_pushed_fresh, c91_pushed_fresh_grad);

/// 92. stop_gradient of the call's value next to the call itself.
#[differentiable]
fn c92_stop_gradient(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        let y: f64 = lse(&v);
        let c = stop_gradient(y);
        s += c * y + c;
    }
    s
}
#[test]
fn t92_stop_gradient() {
    // d/dθ of Σ c·y with c held: Σ c ∇y, by differences of y alone at fixed c
    let (_, (ga, gx)) = c92_stop_gradient_grad(&A, &X);
    let g: Vec<f64> = ga.into_iter().chain(gx).collect();
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    let cs: Vec<f64> = (0..X.len())
        .map(|q| lse(&[A[0] * X[q], A[1] * X[q], A[2] * X[q]]))
        .collect();
    let want = fd(
        &|t| {
            let mut s = 0.0;
            for q in 0..5 {
                s += cs[q] * lse(&[t[0] * t[3 + q], t[1] * t[3 + q], t[2] * t[3 + q]]);
            }
            s
        },
        &p,
    );
    close("c92", 0.0, 0.0, &g, &want);
}

/// 93. loops over `.rev()`, `.step_by(2)`, `.enumerate()` and `.zip()` holding calls.
#[differentiable]
fn c93_adapted_loops(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.0;
    for p in (0..x.len()).rev() {
        for j in 0..k {
            v[j] = a[j] * x[p] + s * 0.01;
        }
        s += lse(&v);
    }
    for p in (0..x.len()).step_by(2) {
        for j in 0..k {
            v[j] = a[j] - x[p];
        }
        s += 0.5 * sumsq(&v);
    }
    for (p, xp) in x.iter().enumerate() {
        for j in 0..k {
            v[j] = a[j] * xp + (p as f64) * 0.1;
        }
        s += lse(&v) * 0.3;
    }
    for (xp, ap) in x.iter().zip(a.iter()) {
        for j in 0..k {
            v[j] = ap * xp + a[j];
        }
        s += scaled(&v, *xp);
    }
    s
}
case2!(t93_adapted_loops, c93_adapted_loops, c93_adapted_loops_grad);

/// 94. extend_from_slice and clear around calls.
#[differentiable]
fn c94_extend_clear(a: &[f64], x: &[f64]) -> f64 {
    let mut v: Vec<f64> = Vec::new();
    let mut s = 0.0;
    for p in 0..x.len() {
        v.clear();
        v.extend_from_slice(a);
        v.push(x[p]);
        s += lse(&v) * x[p];
    }
    s
}
case2!(t94_extend_clear, c94_extend_clear, c94_extend_clear_grad);

// ------------------------------------------------------------------------------ batch 9

#[differentiable]
fn rowsum(m: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for r in 0..m.len() {
        for j in 0..m[r].len() {
            s += m[r][j] * m[r][j] * (r as f64 + 1.0);
        }
    }
    s
}

/// 95. a dense local of rows passed whole, and one of its rows.
#[differentiable]
fn c95_rows(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut m = vec![vec![0.0; k]; 2];
    let mut s = 0.0;
    for p in 0..x.len() {
        for r in 0..2 {
            for j in 0..k {
                m[r][j] = a[j] * x[p] + (r as f64) * a[(j + 1) % k];
            }
        }
        s += rowsum(&m) + lse(&m[1]);
    }
    s
}
case2!(t95_rows, c95_rows, c95_rows_grad);

// ------------------------------------------------------------------------------ batch 10
//
// Neighbouring path: a fused accumulation loop (`reverse/fused.rs`) takes its trips'
// pullbacks with the unit cotangent and scales by `ds` afterwards. A by-value call whose
// custom rule is not linear in `g` must see the real cotangent: such loops gave `ds` times the
// rule at `g = 1` until calls were kept out of fused loops.

#[differentiable]
fn floor_sq(t: f64) -> f64 {
    floored(t) * 2.0 + t * t * 0.1
}

/// 96. a fused loop (it branches) over by-value calls running a rule not linear in `g`, with
/// `ds = 3`.
#[differentiable]
fn c96_fused(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for p in 0..x.len() {
        let t = a[0] * x[p] + a[1];
        if t > 0.0 {
            s += floored(t);
        } else {
            s -= 0.5 * floor_sq(t);
        }
    }
    3.0 * s
}
#[differentiable]
fn c96_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    let t0 = a[0] * x[0] + a[1];
    if t0 > 0.0 {
        s += floored(t0);
    } else {
        s -= 0.5 * floor_sq(t0);
    }
    let t1 = a[0] * x[1] + a[1];
    if t1 > 0.0 {
        s += floored(t1);
    } else {
        s -= 0.5 * floor_sq(t1);
    }
    let t2 = a[0] * x[2] + a[1];
    if t2 > 0.0 {
        s += floored(t2);
    } else {
        s -= 0.5 * floor_sq(t2);
    }
    let t3 = a[0] * x[3] + a[1];
    if t3 > 0.0 {
        s += floored(t3);
    } else {
        s -= 0.5 * floor_sq(t3);
    }
    let t4 = a[0] * x[4] + a[1];
    if t4 > 0.0 {
        s += floored(t4);
    } else {
        s -= 0.5 * floor_sq(t4);
    }
    3.0 * s
}
#[test]
fn t96_fused_nonlinear_rule() {
    unrolled_check("c96", c96_fused_grad, c96_unrolled_grad, c96_fused);
}

/// 97. the minimal form of 96: the rule `g ↦ max(g, -0.5)` on every element, `ds = -1`; the
/// rule's chain gives `-0.5` per element (as the straight-line function does), the fused loop
/// `-1 · max(1, -0.5) = -1`.
#[differentiable]
fn c97_fused_min(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > 0.0 {
            s += floored(x[i]);
        } else {
            s += floored(x[i]);
        }
    }
    -s
}
#[differentiable]
fn c97_straight(x: &[f64]) -> f64 {
    -(floored(x[0]) + floored(x[1]))
}
#[test]
fn t97_fused_min() {
    let x = [0.3, -0.4];
    let (_, g) = c97_straight_grad(&x);
    assert_slices(&g, &[-0.5, -0.5], Tolerance::tight());
    let (_, g) = c97_fused_min_grad(&x);
    assert_slices(&g, &[-0.5, -0.5], Tolerance::tight());
}

// ------------------------------------------------------------------------------ batch 11

#[differentiable]
fn sc32(v: &[f32], c: f32) -> f32 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (v[i] * c).tanh();
    }
    s
}

/// 98. an f32 Vec and an f32 float argument in an f64 function.
#[differentiable]
fn c98_f32_float_arg(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v: Vec<f32> = vec![0.0; k];
    let mut c: f32 = 0.7;
    let mut s = 0.0;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = (a[j] * x[p]) as f32;
        }
        let y: f32 = sc32(&v, c);
        c = c * 0.9 + (x[p] as f32) * 0.1;
        s += y as f64 * a[0];
    }
    s
}
#[test]
fn t98_f32_float_arg() {
    let p: Vec<f64> = A.iter().chain(&X).copied().collect();
    let (_, (ga, gx)) = c98_f32_float_arg_grad(&A, &X);
    let g: Vec<f64> = ga.into_iter().chain(gx).collect();
    let f = |q: &[f64]| c98_f32_float_arg(&q[..3], &q[3..]);
    let h = 1e-2;
    for i in 0..p.len() {
        let mut q = p.clone();
        q[i] += h;
        let up = f(&q);
        q[i] -= 2.0 * h;
        let want = (up - f(&q)) / (2.0 * h);
        assert!(
            (g[i] - want).abs() <= 2e-3 * (1.0 + want.abs()),
            "[{i}] {} vs {want}",
            g[i]
        );
    }
}

/// 99. the accumulator itself as the float argument.
#[differentiable]
fn c99_acc_as_arg(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut s = 0.1;
    for p in 0..x.len() {
        for j in 0..k {
            v[j] = a[j] * x[p];
        }
        s += scaled(&v, s) * 0.3;
    }
    s
}
case2!(t99_acc_as_arg, c99_acc_as_arg, c99_acc_as_arg_grad);

// ------------------------------------------------------------------------------ batch 12

/// 100. a callee with preaccumulated calls inside, called on a parameter's range and whole
/// slice (lent windows) in the caller's loop.
#[differentiable]
fn c100_lent_into_preacc(a: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for p in 0..x.len() {
        s += calls_helpers(&x[p..]) * a[p % 3] + calls_helpers(a) * x[p];
    }
    s
}
case2!(
    t100_lent_into_preacc,
    c100_lent_into_preacc,
    c100_lent_into_preacc_grad
);

/// 101. a Vec changed in the outer loop, passed in the inner loop; `while let` over a stack.
#[differentiable]
fn c101_outer_inner(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = a.to_vec();
    let mut s = 0.0;
    for p in 0..x.len() {
        v[p % k] = v[p % k] * x[p] + 0.2;
        for q in 0..2 {
            s += lse(&v) * (q as f64 + x[q]);
        }
        let mut st = vec![x[p], a[0] * x[p]];
        while let Some(e) = st.pop() {
            let w = vec![e, v[0], v[1]];
            s += sumsq(&w) * 0.1;
        }
    }
    s
}
case2!(t101_outer_inner, c101_outer_inner, c101_outer_inner_grad);

/// 102. three call sites per trip on one Vec: a re-run one, a linear one fed by it, and one
/// whose rule (not linear in `g`) runs on some trips only; against the unrolled function.
#[differentiable]
fn c102_loop(a: &[f64], x: &[f64]) -> f64 {
    let k = a.len();
    let mut v = vec![0.0; k];
    let mut c = 0.4;
    let mut s = 0.0;
    for p in 0..3 {
        for j in 0..k {
            v[j] = a[j] * x[p] + c;
        }
        let y: f64 = sq_wrap(&v, c);
        let z: f64 = scaled(&v, y * 0.1);
        let w: f64 = maybe_clip(&v);
        s += 2.0 * y + z - 3.0 * w;
        c = c * 0.5 + 0.1 * z;
    }
    s
}
#[differentiable]
fn c102_unrolled(a: &[f64], x: &[f64]) -> f64 {
    let c0 = 0.4;
    let v0 = vec![a[0] * x[0] + c0, a[1] * x[0] + c0, a[2] * x[0] + c0];
    let y0: f64 = sq_wrap(&v0, c0);
    let z0: f64 = scaled(&v0, y0 * 0.1);
    let w0: f64 = maybe_clip(&v0);
    let c1 = c0 * 0.5 + 0.1 * z0;
    let v1 = vec![a[0] * x[1] + c1, a[1] * x[1] + c1, a[2] * x[1] + c1];
    let y1: f64 = sq_wrap(&v1, c1);
    let z1: f64 = scaled(&v1, y1 * 0.1);
    let w1: f64 = maybe_clip(&v1);
    let c2 = c1 * 0.5 + 0.1 * z1;
    let v2 = vec![a[0] * x[2] + c2, a[1] * x[2] + c2, a[2] * x[2] + c2];
    let y2: f64 = sq_wrap(&v2, c2);
    let z2: f64 = scaled(&v2, y2 * 0.1);
    let w2: f64 = maybe_clip(&v2);
    (2.0 * y0 + z0 - 3.0 * w0) + (2.0 * y1 + z1 - 3.0 * w1) + (2.0 * y2 + z2 - 3.0 * w2)
}
#[test]
fn t102_mixed_sites() {
    unrolled_check("c102", c102_loop_grad, c102_unrolled_grad, c102_loop);
}
