//! Per-site record cursors: calls on some trips only, nested loops, continue/break/return...
#![allow(clippy::needless_range_loop, unused_mut, unused_variables)]
use super::fd::*;
use super::helpers::*;
use autodiff::prelude::*;

/// check f(ys, qs) with both differentiated
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

// 1. call in a branch taken on some trips only
#[differentiable]
fn c_branch(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i % 3 == 1 || qs[i] > 4.0 {
            s += interp(xs, ys, qs[i]) * (i as f64 + 1.0);
        } else {
            s += qs[i] * 0.1;
        }
    }
    s
}
#[test]
fn t01_branch_some_trips() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 31);
    chk2(
        "c_branch",
        |y, q| c_branch(y, q, &xs),
        c_branch_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 2. two helpers in the two arms, data dependent
#[differentiable]
fn c_arms(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = if qs[i] > 3.0 {
            interp(xs, ys, qs[i])
        } else {
            scan_interp(xs, ys, qs[i] + 0.01)
        };
        s += v * v;
    }
    s
}
#[test]
fn t02_arms() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs: Vec<f64> = queries(&xs, 31)
        .iter()
        .map(|q| q.clamp(xs[0] + 0.05, xs[8] - 0.3))
        .collect();
    chk2(
        "c_arms",
        |y, q| c_arms(y, q, &xs),
        c_arms_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 3. nested loops, inner trip count varying per outer trip (0 on some)
#[differentiable]
fn c_nested(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        for j in 0..(i * 7) % 4 {
            let q = qs[i] + 0.05 * j as f64;
            s += interp(xs, ys, q) * (1.0 + j as f64);
        }
        s += 0.01 * qs[i];
    }
    s
}
#[test]
fn t03_nested_varying() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 23);
    chk2(
        "c_nested",
        |y, q| c_nested(y, q, &xs),
        c_nested_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 4. continue before the call on some trips
#[differentiable]
fn c_continue_before(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += qs[i] * 0.3;
        if i % 4 == 2 {
            continue;
        }
        s += interp(xs, ys, qs[i]).tanh();
    }
    s
}
#[test]
fn t04_continue_before() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 29);
    chk2(
        "c_continue_before",
        |y, q| c_continue_before(y, q, &xs),
        c_continue_before_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 5. call then continue on some trips, more work after
#[differentiable]
fn c_continue_after(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        if v > 0.2 {
            s += v;
            continue;
        }
        let w = scan_interp(
            xs,
            ys,
            (qs[i] + 0.37).min(xs[xs.len() - 1] - 0.1).max(xs[0] + 0.1),
        );
        s += v * w;
    }
    s
}
#[test]
fn t05_continue_after() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 29);
    chk2(
        "c_continue_after",
        |y, q| c_continue_after(y, q, &xs),
        c_continue_after_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 6. break after the call in some trip
#[differentiable]
fn c_break(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] stop: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        s += v * qs[i];
        if i == stop {
            break;
        }
        s += v.powi(2);
    }
    s
}
#[test]
fn t06_break_after_call() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    for stop in [0, 3, 11, 24, 100] {
        chk2(
            &format!("c_break {stop}"),
            |y, q| c_break(y, q, &xs, stop),
            c_break_grad(&ys, &qs, &xs, stop),
            &ys,
            &qs,
        );
    }
}

// 7. early return after the call in some trip
#[differentiable]
fn c_return(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        s += v * v;
        if s > lim {
            return s * 2.0 + v;
        }
        s += read1(ys, i % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t07_return_after_call() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    for lim in [0.1, 2.05, 5.3, 1e9] {
        chk2(
            &format!("c_return {lim}"),
            |y, q| c_return(y, q, &xs, lim),
            c_return_grad(&ys, &qs, &xs, lim),
            &ys,
            &qs,
        );
    }
}

// 8. general while loop (data-dependent exit)
#[differentiable]
fn c_while(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while s < 6.0 && i < qs.len() {
        let v = interp(xs, ys, qs[i]);
        s += v * v + 0.2;
        i += 1;
    }
    s
}
#[test]
fn t08_while() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 40);
    chk2(
        "c_while",
        |y, q| c_while(y, q, &xs),
        c_while_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 9. counted while
#[differentiable]
fn c_counted(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < qs.len() {
        s += interp(xs, ys, qs[i]) * qs[i];
        i += 1;
    }
    s
}
#[test]
fn t09_counted_while() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 19);
    chk2(
        "c_counted",
        |y, q| c_counted(y, q, &xs),
        c_counted_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 10. zero-trip loop next to a non-empty one; the zero-trip one first
#[differentiable]
fn c_zero_trip(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] m: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..m {
        s += interp(xs, ys, qs[i]) * 3.0;
    }
    for i in m..qs.len() {
        s += interp(xs, ys, qs[i]).sin();
    }
    s
}
#[test]
fn t10_zero_trip() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 12);
    for m in [0, 5, 12] {
        chk2(
            &format!("c_zero_trip {m}"),
            |y, q| c_zero_trip(y, q, &xs, m),
            c_zero_trip_grad(&ys, &qs, &xs, m),
            &ys,
            &qs,
        );
    }
    let e: Vec<f64> = vec![];
    let (v, (gy, gq)) = c_zero_trip_grad(&ys, &e, &xs, 0);
    assert_eq!(v, 0.0);
    assert!(gy.iter().all(|g| *g == 0.0) && gq.is_empty());
}

// 11. two call sites of the same helper, three of different ones, in one loop
#[differentiable]
fn c_three_sites(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let a = interp(xs, ys, qs[i]);
        let b = interp(xs, ys, qs[i] * 0.5 + 1.1);
        let c = if i % 2 == 0 {
            read1(ys, i % ys.len(), qs[i])
        } else {
            0.0
        };
        let d = early(ys, i % (ys.len() - 1), qs[i] * 0.3);
        s += a * b + c * a - d * b;
    }
    s
}
#[test]
fn t11_three_sites() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 21);
    chk2(
        "c_three_sites",
        |y, q| c_three_sites(y, q, &xs),
        c_three_sites_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 12. many trips through one site (tape growth)
#[differentiable]
fn c_many(ys: &[f64], #[no_grad] qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        s += interp(xs, ys, qs[i]) * (1.0 + (i % 7) as f64);
    }
    s
}
#[test]
fn t12_many_trips() {
    let xs = knots(17);
    let ys = sines(17, 1.2);
    let qs = queries(&xs, 5000);
    let (v, g) = c_many_grad(&ys, &qs, &xs);
    fd("c_many", |y| c_many(y, &qs, &xs), v, &g, &ys);
    // repeated calls (tape sizes learned from the last call) with different lengths
    for m in [3, 7000, 1, 0, 250] {
        let qs = queries(&xs, m.max(1));
        let qs = &qs[..m];
        let (v, g) = c_many_grad(&ys, qs, &xs);
        fd(&format!("c_many {m}"), |y| c_many(y, qs, &xs), v, &g, &ys);
    }
}

// 13. loop { } with break value
#[differentiable]
fn c_loop_break_value(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    let r = loop {
        let v = interp(xs, ys, qs[i]);
        s += v * qs[i];
        i += 1;
        if i >= qs.len() || s > 4.0 {
            break v * 2.0 + s;
        }
    };
    r
}
#[test]
fn t13_loop_break_value() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    chk2(
        "c_loop_break_value",
        |y, q| c_loop_break_value(y, q, &xs),
        c_loop_break_value_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 14. labelled break out of nested loops right after an inner call
#[differentiable]
fn c_labelled(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..qs.len() {
        for j in 0..3 {
            let v = interp(xs, ys, qs[i] + 0.1 * j as f64);
            s += v * v;
            if s > lim {
                break 'outer;
            }
            if j == i % 3 {
                continue 'outer;
            }
        }
        s += read1(ys, i % ys.len(), qs[i]);
    }
    s
}
#[test]
fn t14_labelled_break() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    for lim in [0.5, 3.3, 1e9] {
        chk2(
            &format!("c_labelled {lim}"),
            |y, q| c_labelled(y, q, &xs, lim),
            c_labelled_grad(&ys, &qs, &xs, lim),
            &ys,
            &qs,
        );
    }
}

// 15. return from the inner loop of two right after the call
#[differentiable]
fn c_inner_return(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64], #[no_grad] lim: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        for j in 0..(i % 3 + 1) {
            let v = interp(xs, ys, qs[i] + 0.05 * j as f64);
            if v * qs[i] > lim {
                return s + v * qs[i];
            }
            s += v;
        }
    }
    s
}
#[test]
fn t15_inner_return() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    for lim in [1.0, 3.0, 1e9] {
        chk2(
            &format!("c_inner_return {lim}"),
            |y, q| c_inner_return(y, q, &xs, lim),
            c_inner_return_grad(&ys, &qs, &xs, lim),
            &ys,
            &qs,
        );
    }
}

// 16. a call's value only in a condition (no derivative through it)
#[differentiable]
fn c_cond_only(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let v = interp(xs, ys, qs[i]);
        if v > 0.1 {
            s += qs[i] * ys[i % ys.len()];
        }
        let w = interp(xs, ys, qs[i] + 0.2);
        s += w;
    }
    s
}
#[test]
fn t16_value_in_condition_only() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 25);
    chk2(
        "c_cond_only",
        |y, q| c_cond_only(y, q, &xs),
        c_cond_only_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 17. the call in a while loop's condition
#[differentiable]
fn c_in_condition(ys: &[f64], #[no_grad] xs: &[f64], q0: f64) -> f64 {
    let mut q = q0;
    let mut s = 0.0;
    while interp(xs, ys, q) < 5.0 && q < 7.5 {
        s += interp(xs, ys, q) * q;
        q += 0.37;
    }
    s
}
#[test]
fn t17_call_in_while_condition() {
    let xs = knots(9);
    let ys: Vec<f64> = (0..9)
        .map(|i| i as f64 * 0.8 + 0.1 * (i as f64).sin())
        .collect();
    let q0 = 0.31;
    let (v, (gy, gq)) = c_in_condition_grad(&ys, &xs, q0);
    let mut g = gy.clone();
    g.push(gq);
    fd(
        "c_in_condition",
        |z| c_in_condition(&z[..9], &xs, z[9]),
        v,
        &g,
        &cat(&[&ys, &[q0]]),
    );
}

// 18. nested call: the inner call's value is the outer's float argument
#[differentiable]
fn c_nested_call(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        let q = 2.0 + 0.5 * interp(xs, ys, qs[i]);
        s += interp(xs, ys, q) * qs[i];
    }
    s
}
#[test]
fn t18_nested_call() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 17);
    chk2(
        "c_nested_call",
        |y, q| c_nested_call(y, q, &xs),
        c_nested_call_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 19. the float argument is the loop-carried accumulator
#[differentiable]
fn c_feedback(ys: &[f64], #[no_grad] xs: &[f64], q0: f64, #[no_grad] n: usize) -> f64 {
    let mut q = q0;
    for _i in 0..n {
        q = 1.0 + 0.8 * interp(xs, ys, q) + 0.1 * q;
    }
    q
}
#[test]
fn t19_feedback() {
    let xs = knots(9);
    let ys: Vec<f64> = (0..9).map(|i| 2.0 + (i as f64 * 0.9).sin()).collect();
    for n in [0, 1, 6] {
        let q0 = 3.3;
        let (v, (gy, gq)) = c_feedback_grad(&ys, &xs, q0, n);
        let mut g = gy.clone();
        g.push(gq);
        fd(
            &format!("c_feedback {n}"),
            |z| c_feedback(&z[..9], &xs, z[9], n),
            v,
            &g,
            &cat(&[&ys, &[q0]]),
        );
    }
}

// 20. call in a loop inside a branch inside a loop; outer trips skip it
#[differentiable]
fn c_loop_in_branch(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if i % 3 != 0 {
            let mut j = 0;
            while j < i % 4 {
                s += read1(ys, (i + j) % ys.len(), qs[i]) * interp(xs, ys, qs[i]);
                j += 1;
            }
        } else {
            s -= interp(xs, ys, qs[i] * 0.9);
        }
    }
    s
}
#[test]
fn t20_loop_in_branch_in_loop() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 22);
    chk2(
        "c_loop_in_branch",
        |y, q| c_loop_in_branch(y, q, &xs),
        c_loop_in_branch_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 21. match arms
#[differentiable]
fn c_match(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        match i % 4 {
            0 => s += interp(xs, ys, qs[i]),
            1 => s += twice(ys, i % (ys.len() - 1), qs[i]) * 0.5,
            2 => {}
            _ => s += early(ys, i % (ys.len() - 1), qs[i] - 1.0),
        }
    }
    s
}
#[test]
fn t21_match() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 27);
    chk2(
        "c_match",
        |y, q| c_match(y, q, &xs),
        c_match_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 22. iterator loops
#[differentiable]
fn c_iter(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, q) in qs.iter().enumerate() {
        if i % 2 == 0 {
            s += interp(xs, ys, *q) * *q;
        }
    }
    for &q in qs.iter().rev().skip(1) {
        s += read1(ys, 2, q).sin();
    }
    s
}
#[test]
fn t22_iterator_loops() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 15);
    chk2(
        "c_iter",
        |y, q| c_iter(y, q, &xs),
        c_iter_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 23. results pushed into a local Vec, used after the loop in reverse order
#[differentiable]
fn c_pushed(ys: &[f64], qs: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut vals = Vec::new();
    for i in 0..qs.len() {
        vals.push(interp(xs, ys, qs[i]));
    }
    let mut s = 0.0;
    for k in 0..vals.len() {
        s += vals[k] * vals[vals.len() - 1 - k] * (k as f64 + 1.0);
    }
    s
}
#[test]
fn t23_pushed_values() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 14);
    chk2(
        "c_pushed",
        |y, q| c_pushed(y, q, &xs),
        c_pushed_grad(&ys, &qs, &xs),
        &ys,
        &qs,
    );
}

// 24. call site inside an `if let`
#[differentiable]
fn c_if_let(
    ys: &[f64],
    qs: &[f64],
    #[no_grad] xs: &[f64],
    #[no_grad] pick: &[Option<usize>],
) -> f64 {
    let mut s = 0.0;
    for i in 0..qs.len() {
        if let Some(k) = pick[i] {
            s += read1(ys, k, qs[i]) * interp(xs, ys, qs[i]);
        }
    }
    s
}
#[test]
fn t24_if_let() {
    let xs = knots(9);
    let ys = sines(9, 1.2);
    let qs = queries(&xs, 16);
    let pick: Vec<Option<usize>> = (0..16)
        .map(|i| if i % 3 == 0 { None } else { Some((i * 5) % 9) })
        .collect();
    chk2(
        "c_if_let",
        |y, q| c_if_let(y, q, &xs, &pick),
        c_if_let_grad(&ys, &qs, &xs, &pick),
        &ys,
        &qs,
    );
}
