//! Scalars: `f32`, generic, second order.

use super::*;

// ------------------------------------------------------------------------------------------------
// 5. Scalars: f32, generic, second order
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn pick_g<T: Real>(table: &[T], k: usize, x: T) -> T {
    if x > T::zero() {
        table[k] * x + table[k + 1] * x * x
    } else {
        table[k + 1] * x - table[k] * table[k]
    }
}

#[differentiable]
fn early_g<T: Real>(x: T, c: T) -> T {
    if x < c {
        return c * x + x.sin();
    }
    x * x - c * c * x
}

#[differentiable]
fn generic_fit<T: Real>(table: &[T], xs: &[T], c: T) -> T {
    let mut s = T::zero();
    for i in 0..xs.len() {
        let k = i % (table.len() - 1);
        let e = pick_g(table, k, xs[i]) + early_g::<T>(xs[i], c);
        s += e * e * c;
    }
    s / T::from_f64(xs.len() as f64)
}

#[test]
fn generic_whole_slice_helper_at_f64_and_f32() {
    let table = sines(5, 0.6);
    let xs = sines(10, 1.2);
    let c = 0.25;
    let (v, (gt, gx, gc)) = generic_fit_grad(&table, &xs, c);
    check_value_grad(
        "generic t",
        |t| generic_fit(t, &xs, c),
        (v, gt.clone()),
        &table,
    );
    check("generic xs", |x| generic_fit(&table, x, c), &gx, &xs);
    close("generic c", |p| generic_fit(&table, &xs, p[0]), &[gc], &[c]);
    let (_, (gt32, gx32, gc32)) = generic_fit_grad(&to32(&table), &to32(&xs), c as f32);
    agree("generic f32 t", &gt, &gt32, 1e-3);
    agree("generic f32 xs", &gx, &gx32, 1e-3);
    agree("generic f32 c", &[gc], &[gc32], 1e-3);
}

#[differentiable]
fn huber32(r: f32, delta: f32) -> f32 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

#[differentiable]
fn fit32_nl(x: &[f32], d: f32) -> f32 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let h = huber32(x[i] * d, 0.3);
        s += h * x[i] - huber32(x[i], d);
    }
    s * s
}

#[test]
fn f32_helper_nonlinear_sum() {
    let x = sines(11, 1.0);
    let d = 0.6;
    // the same function in f64, differenced
    let f = |p: &[f64]| {
        let hub = |r: f64, dl: f64| {
            if r.abs() <= dl {
                0.5 * r * r
            } else {
                dl * (r.abs() - 0.5 * dl)
            }
        };
        let n = p.len() - 1;
        let mut s = 0.0;
        for i in 0..n {
            s += hub(p[i] * p[n], 0.3) * p[i] - hub(p[i], p[n]);
        }
        s * s
    };
    let fd = numeric_gradient(f, &join1(&x, &[d]), 1e-6);
    let (_, (gx, gd)) = fit32_nl_grad(&to32(&x), d as f32);
    let mut g = gx.clone();
    g.push(gd);
    agree("fit32_nl", &fd, &g, 1e-3);
}

#[differentiable(order = 2)]
fn smooth2(r: f64, c: f64) -> f64 {
    if r > c {
        return (r * c).sin() + r * r;
    }
    r * c * c - r.exp()
}

#[differentiable(order = 2)]
fn pick2(table: &[f64], k: usize, x: f64) -> f64 {
    if x > 0.0 {
        table[k] * x * x + table[k + 1]
    } else {
        table[k + 1] * table[k] * x
    }
}

#[differentiable(order = 2)]
pub(crate) fn order2_fit(x: &[f64], t: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        if x[i] > -0.5 {
            s += smooth2(x[i], x[i + 1]) * pick2(t, i % (t.len() - 1), x[i]);
        } else {
            s -= pick2(t, 0, x[i + 1]);
        }
    }
    s * s
}

#[test]
fn second_order_with_helpers_and_a_whole_slice() {
    let x = sines(8, 0.9);
    let t = sines(4, 0.7);
    let (v, (gx, gt)) = order2_fit_grad(&x, &t);
    check_value_grad("order2 x", |p| order2_fit(p, &t), (v, gx.clone()), &x);
    check("order2 t", |p| order2_fit(&x, p), &gt, &t);
    // Hessian-vector product in x (t fixed), against differences of the gradient
    let dir = sines(8, 0.4);
    let (_, _, hv) = order2_fit_hvp(&x, &t, dir.clone(), vec![0.0; t.len()]);
    check_hvp(
        "order2 hvp",
        |y| order2_fit_grad(y, &t).1.0,
        &hv.0,
        &x,
        &dir,
    );
}

/// First order caller of an `order = 2` helper.
#[differentiable]
fn order1_of_order2(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        s += smooth2(x[i], x[i + 1]);
    }
    s.cos()
}

#[test]
fn first_order_caller_of_a_second_order_helper() {
    let x = sines(9, 1.1);
    check_value_grad(
        "order1_of_order2",
        order1_of_order2,
        order1_of_order2_grad(&x),
        &x,
    );
}
