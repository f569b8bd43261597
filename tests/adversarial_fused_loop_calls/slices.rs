//! Slices read by element and passed whole; the same helper several times per trip.

use super::*;

// ------------------------------------------------------------------------------------------------
// 2. Slices read by element and passed whole; the same helper twice
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn around_fit(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let v = x[i] * w;
        s += around(x, i, v) * x[i] + x[(i + 3) % x.len()];
    }
    s * s
}

#[test]
fn slice_passed_whole_with_its_element_as_another_argument() {
    for (x, w) in [(sines(7, 0.8), 0.9), (sines(11, 1.4), -0.6)] {
        let p = join1(&x, &[w]);
        let n = x.len();
        let (v, (gx, gw)) = around_fit_grad(&x, w);
        check_value_grad(
            "around_fit",
            |p| around_fit(&p[..n], p[n]),
            (v, join1(&gx, &[gw])),
            &p,
        );
    }
}

#[differentiable]
pub(crate) fn twice_fit(table: &[f64], xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        let k = i % (table.len() - 1);
        s += pick(table, k, xs[i]) * pick(table, (k + 1) % (table.len() - 1), -xs[i])
            - pick(table, 0, xs[i] * 0.5);
    }
    s.ln_1p()
}

#[test]
fn same_helper_three_times_per_trip_on_one_whole_slice() {
    let table = sines(6, 0.5);
    let xs = sines(9, 1.1);
    let (v, (gt, gx)) = twice_fit_grad(&table, &xs);
    check_value_grad("twice_fit table", |t| twice_fit(t, &xs), (v, gt), &table);
    check("twice_fit xs", |x| twice_fit(&table, x), &gx, &xs);
}

/// Two slices passed whole to one helper, one of them also read by element.
#[differentiable]
fn two_tables(a: &[f64], b: &[f64], k: usize, x: f64) -> f64 {
    if a[k] > b[k] {
        a[k] * x - b[k + 1]
    } else {
        b[k] * b[k] * x + a[k + 1]
    }
}

#[differentiable]
fn two_tables_fit(a: &[f64], b: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let k = i % (a.len() - 1);
        s += two_tables(a, b, k, x[i]) * a[k] + two_tables(b, a, k, -x[i]);
    }
    s
}

#[test]
fn two_slices_whole_in_both_orders_and_by_element() {
    let a = sines(5, 0.7);
    let b = sines(5, -0.6);
    let x = sines(12, 1.3);
    let (v, (ga, gb, gx)) = two_tables_fit_grad(&a, &b, &x);
    check_value_grad("two_tables a", |p| two_tables_fit(p, &b, &x), (v, ga), &a);
    check("two_tables b", |p| two_tables_fit(&a, p, &x), &gb, &b);
    check("two_tables x", |p| two_tables_fit(&a, &b, p), &gx, &x);
}

/// The slice passed by `&table` (a `&&[f64]` coerced).
#[differentiable]
fn borrowed_again(table: &[f64], xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..xs.len() {
        s += pick(&table, i % (table.len() - 1), xs[i]);
    }
    s * s
}

/// Spellings a user might write: a parenthesised callee, a trailing comma, a block around the
/// call, `s = s + ..`, a value chosen by an `if` around a call, `return`. (A call whose value is
/// discarded, `huber(x[i], 0.5);` or `let _ = early(x[i], 0.1);`, is refused: run for its effect
/// on a differentiated value.)
#[differentiable]
fn spellings(x: &[f64], a: f64) -> f64 {
    let mut s: f64 = 0.0;
    for i in 0..x.len() {
        s += (huber)(x[i], a);
        s += { early(x[i], a) * 1.0 };
        s = s + if x[i] > 0.0 {
            huber(x[i] * 2.0, a)
        } else {
            0.0
        };
    }
    return s * a;
}

#[test]
fn odd_but_valid_spellings() {
    let table = sines(5, 0.8);
    let xs = sines(8, 0.9);
    let (v, (gt, gx)) = borrowed_again_grad(&table, &xs);
    check_value_grad(
        "borrowed_again t",
        |t| borrowed_again(t, &xs),
        (v, gt),
        &table,
    );
    check("borrowed_again xs", |x| borrowed_again(&table, x), &gx, &xs);
    for (x, a) in [(sines(8, 1.0), 0.3), (sines(6, 0.4), -0.2)] {
        let n = x.len();
        let (v, (gx, ga)) = spellings_grad(&x, a);
        check_value_grad(
            "spellings",
            |p| spellings(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// The same float given twice (`huber(r, r)`) and a slice given twice.
#[differentiable]
fn self_pair(a: &[f64], b: &[f64], k: usize) -> f64 {
    if a[k] > 0.0 {
        a[k] * b[k + 1]
    } else {
        a[k + 1] - b[k] * b[k]
    }
}

#[differentiable]
fn twice_same_args(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let r = x[i] * 2.0;
        s += huber(r, r * r + 0.1) + self_pair(x, x, i);
    }
    s
}

#[test]
fn same_argument_given_twice() {
    for x in [sines(6, 0.9), sines(9, 0.3)] {
        check_value_grad(
            "twice_same_args",
            twice_same_args,
            twice_same_args_grad(&x),
            &x,
        );
    }
}
