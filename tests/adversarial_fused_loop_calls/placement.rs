//! Placement of the loop: nests, inside other loops, after a return, in arms.

use super::*;

// ------------------------------------------------------------------------------------------------
// 4. Placement of the loop: nests, inside other loops, after a return, in arms
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn nest(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        for j in 0..x.len() {
            if i != j {
                s += huber(x[i] - x[j], a) * 0.5;
            }
        }
    }
    s * s + s
}

/// The identity in one arm, an unused parameter, a constant arm.
#[differentiable]
fn id_or(x: f64, c: f64) -> f64 {
    if x > c { x } else { c }
}

#[differentiable]
fn ignores_x(x: f64, c: f64) -> f64 {
    if c > 0.0 { c * c } else { c }
}

#[differentiable]
fn const_arm(x: f64) -> f64 {
    if x > 0.5 { 1.0 } else { x * x }
}

/// Calls in both levels of a nest, the sum started from a call, the index as a factor.
#[differentiable]
fn shapes(x: &[f64], a: f64) -> f64 {
    let mut s = huber(a, 0.3);
    for i in 0..x.len() {
        s += id_or(x[i], a) * id_or(a, x[i]) + ignores_x(x[i], a) * const_arm(x[i]);
        for j in 0..3 {
            s += huber(x[i] * (j as f64), a) * (i as f64);
        }
    }
    s * s
}

#[test]
fn call_in_a_fused_nest_and_helper_shapes() {
    for (x, a) in [(sines(6, 1.0), 0.3), (sines(5, 0.2), 0.6)] {
        let n = x.len();
        let (v, (gx, ga)) = nest_grad(&x, a);
        check_value_grad(
            "nest",
            |p| nest(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
    for (x, a) in [(sines(7, 1.0), 0.3), (sines(6, 0.7), -0.4)] {
        let n = x.len();
        let (v, (gx, ga)) = shapes_grad(&x, a);
        check_value_grad(
            "shapes",
            |p| shapes(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

#[differentiable]
fn inside_outer(x: &[f64], a: f64) -> f64 {
    let mut total = 0.0;
    for r in 0..3 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += huber(x[i] * (r as f64 + 1.0), a);
        }
        total += s * s;
    }
    total
}

#[test]
fn loop_inside_another_loop() {
    let (x, a) = (sines(7, 0.8), 0.5);
    let n = x.len();
    let (v, (gx, ga)) = inside_outer_grad(&x, a);
    check_value_grad(
        "inside_outer",
        |p| inside_outer(&p[..n], p[n]),
        (v, join1(&gx, &[ga])),
        &join1(&x, &[a]),
    );
}

#[differentiable]
fn after_return(x: &[f64], a: f64) -> f64 {
    if x[0] > 2.0 {
        return x[0] * a;
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += early(x[i], a);
    }
    if s > 100.0 {
        return s;
    }
    let mut t = 0.0;
    for j in 0..x.len() {
        t += huber(x[j] + s, a);
    }
    s * t
}

#[test]
fn loops_after_early_returns() {
    for x in [sines(6, 0.9), {
        let mut x = sines(6, 0.9);
        x[0] = 2.5;
        x
    }] {
        let a = 0.4;
        let n = x.len();
        let (v, (gx, ga)) = after_return_grad(&x, a);
        check_value_grad(
            "after_return",
            |p| after_return(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

#[differentiable]
fn in_outer_arms(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    if a > 0.0 {
        for i in 0..x.len() {
            s += huber(x[i], a);
        }
    } else {
        for j in 0..x.len() {
            s += early(x[j], a) * x[j];
        }
        s = s * 2.0;
    }
    let r = match x.len() {
        0 => 0.0,
        _ => {
            let mut t = 0.0;
            for k in 0..x.len() {
                t += early_match(k, x[k], a);
            }
            t
        }
    };
    s * r + r
}

#[test]
fn loops_in_arms_of_the_outer_function() {
    for a in [0.3, -0.4] {
        let x = sines(8, 1.1);
        let n = x.len();
        let (v, (gx, ga)) = in_outer_arms_grad(&x, a);
        check_value_grad(
            "in_outer_arms",
            |p| in_outer_arms(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// Two fused loops in sequence with the same index name; the second reads the first's sum
/// through a helper (not fusable: `s` is `mut`).
#[differentiable]
fn siblings(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += huber(x[i], a);
    }
    let mut t = 0.0;
    for j in 0..x.len() {
        t += early(x[j], a) * x[j];
    }
    let mut u = 0.0;
    for k in 0..x.len() {
        u += huber(x[k] * s, t);
    }
    s * t - u
}

#[test]
fn sibling_loops_with_calls() {
    let (x, a) = (sines(9, 0.9), 0.35);
    let n = x.len();
    let (v, (gx, ga)) = siblings_grad(&x, a);
    check_value_grad(
        "siblings",
        |p| siblings(&p[..n], p[n]),
        (v, join1(&gx, &[ga])),
        &join1(&x, &[a]),
    );
}
