//! Calls in the loop's branches, values chosen by branches, the sum after the loop.

use super::*;

// ------------------------------------------------------------------------------------------------
// 3. Calls in the loop's branches, values chosen by branches, the sum after the loop
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn chosen_call(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let e = if x[i] > 0.2 {
            huber(x[i] - a, 0.5)
        } else {
            early(x[i], a) * 2.0
        };
        let f = if e > 0.1 { e * e } else { early(e, a) };
        s += f + e * a;
    }
    s.exp() - s * a
}

#[test]
fn calls_in_values_chosen_by_branches() {
    for (x, a) in [(sines(10, 1.0), 0.3), (sines(7, 0.4), -0.2)] {
        let n = x.len();
        let (v, (gx, ga)) = chosen_call_grad(&x, a);
        check_value_grad(
            "chosen_call",
            |p| chosen_call(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

#[differentiable]
fn arm_calls(x: &[f64], a: f64, d: f64) -> f64 {
    let mut s = 1.5;
    for i in 0..x.len() {
        if x[i] > a {
            let h = huber(x[i] * d, a);
            s += h * h + h * x[i] - h;
        } else if x[i] < -a {
            s -= early_match(i, x[i], d);
        } else {
            s = early(x[i], d) + s;
        }
    }
    (s * s + 1.0).sqrt() * d
}

#[test]
fn calls_in_nested_arms_result_used_by_several_terms() {
    for (x, a, d) in [(sines(13, 1.2), 0.3, 0.7), (sines(9, 0.6), 0.1, 1.3)] {
        let n = x.len();
        let (v, (gx, ga, gd)) = arm_calls_grad(&x, a, d);
        check_value_grad(
            "arm_calls",
            |p| arm_calls(&p[..n], p[n], p[n + 1]),
            (v, join1(&gx, &[ga, gd])),
            &join1(&x, &[a, d]),
        );
    }
}

/// A condition on the accumulator picks the helper.
#[differentiable]
fn cond_on_sum(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if s > 0.5 {
            s -= huber(x[i], a);
        } else {
            s += early(x[i], a);
        }
    }
    s * s * s
}

#[test]
fn condition_on_the_accumulator_picks_the_call() {
    for (x, a) in [(sines(12, 1.1), 0.4), (sines(8, 0.7), 0.2)] {
        let n = x.len();
        let (v, (gx, ga)) = cond_on_sum_grad(&x, a);
        check_value_grad(
            "cond_on_sum",
            |p| cond_on_sum(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// The accumulator as an argument (not fusable) beside a fusable call.
#[differentiable]
fn sum_as_argument(x: &[f64], a: f64) -> f64 {
    let mut s = 0.1;
    for i in 0..x.len() {
        s += huber(x[i] - s, a) + early(x[i], a);
    }
    s.tanh()
}

#[test]
fn accumulator_passed_to_the_helper() {
    let (x, a) = (sines(9, 1.2), 0.35);
    let n = x.len();
    let (v, (gx, ga)) = sum_as_argument_grad(&x, a);
    check_value_grad(
        "sum_as_argument",
        |p| sum_as_argument(&p[..n], p[n]),
        (v, join1(&gx, &[ga])),
        &join1(&x, &[a]),
    );
}

/// Subtraction, `s = t + s`, `s = s - t`, the sum starting from a parameter's element.
#[differentiable]
fn forms(x: &[f64], a: f64) -> f64 {
    let mut s = x[0] * a;
    for i in 1..x.len() {
        if i % 2 == 0 {
            s = huber(x[i], a) + s;
        } else {
            s = s - 0.5 * early(x[i], a);
        }
        s -= pick(x, i - 1, a);
    }
    (s * a).sin()
}

#[test]
fn accumulation_forms_and_a_start_from_a_parameter() {
    for (x, a) in [(sines(8, 0.9), 0.45), (sines(6, 1.5), -0.3)] {
        let n = x.len();
        let (v, (gx, ga)) = forms_grad(&x, a);
        check_value_grad(
            "forms",
            |p| forms(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}

/// Two accumulators (not fused) and a loop with a `break`.
#[differentiable]
fn two_sums_and_break(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    let mut t = 0.0;
    for i in 0..x.len() {
        s += huber(x[i], a);
        t += early(x[i], a);
    }
    let mut u = 0.0;
    for j in 0..x.len() {
        if x[j] > 1.0 {
            break;
        }
        u += huber(x[j] * a, 0.2);
    }
    s * t + u * u
}

#[test]
fn two_accumulators_and_a_break_keep_the_usual_sweep() {
    for (x, a) in [(sines(9, 1.3), 0.4), (sines(5, 0.5), 0.8)] {
        let n = x.len();
        let (v, (gx, ga)) = two_sums_and_break_grad(&x, a);
        check_value_grad(
            "two_sums_and_break",
            |p| two_sums_and_break(&p[..n], p[n]),
            (v, join1(&gx, &[ga])),
            &join1(&x, &[a]),
        );
    }
}
