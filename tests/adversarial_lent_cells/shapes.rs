//! Nesting, loop shapes, what one trip lends, several parameters.

use super::*;

// ---------------------------------------------------------------------------------------------
// nesting

#[test]
fn three_deep_lends_at_every_depth() {
    let t = sines(7, 0.7);
    let xs = sines(6, 0.9);
    pair_check("deep3", deep3, deep3_grad(&t, &xs), &t, &xs);
}

/// Lends only in the innermost of three loops; the middle loop's trip count depends on the
/// outer index (zero for some outer trips).
#[differentiable]
fn inner_only(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for a in 0..4 {
        for b in 0..(a % 3) {
            for c in 0..2 {
                let k = (a + b + c) % (t.len() - 1);
                let v = lookup(t, k, xs[(a + c) % xs.len()]);
                l += v * v * 0.5;
            }
        }
    }
    l
}

#[test]
fn lends_only_in_the_innermost_loop() {
    let t = sines(5, 0.8);
    let xs = sines(4, 1.1);
    pair_check("inner_only", inner_only, inner_only_grad(&t, &xs), &t, &xs);
}

/// A labelled `break` out of two loops, `continue`s, and a lend in each loop.
#[differentiable]
fn labelled_exits(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    'outer: for i in 0..xs.len() {
        if i % 3 == 1 {
            continue;
        }
        l += 0.2 * lookup(t, i % (t.len() - 1), xs[i]);
        for j in 0..4 {
            if j == 2 {
                continue;
            }
            if i * 4 + j >= 29 {
                break 'outer;
            }
            l += wsum(&t[j..j + 2], xs[i]).sin();
        }
    }
    l
}

#[test]
fn labelled_break_and_continue() {
    let t = sines(6, 0.7);
    let xs = sines(11, 0.9);
    pair_check(
        "labelled_exits",
        labelled_exits,
        labelled_exits_grad(&t, &xs),
        &t,
        &xs,
    );
}

// ---------------------------------------------------------------------------------------------
// loop shapes

#[differentiable]
fn whiles(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    let mut i = 0;
    while i < xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]).sin();
        i += 2;
    }
    l
}

#[test]
fn a_while_loop_lends() {
    let t = sines(5, 0.7);
    let xs = sines(9, 0.9);
    pair_check("whiles", whiles, whiles_grad(&t, &xs), &t, &xs);
    // zero trips
    let (v, (gt, gx)) = whiles_grad(&t, &[]);
    assert!(v.abs() < 1e-15);
    assert_eq!(gt.len(), 5);
    assert!(gt.iter().all(|g| g.abs() < 1e-15), "{gt:?}");
    assert!(gx.is_empty());
}

#[differentiable]
fn enumerated(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for (i, x) in xs.iter().enumerate() {
        l += lookup(t, i % (t.len() - 1), *x) * *x;
    }
    l
}

#[test]
fn enumerate_over_iter() {
    let t = sines(4, 0.7);
    let xs = sines(9, 0.9);
    pair_check("enumerated", enumerated, enumerated_grad(&t, &xs), &t, &xs);
}

/// A recurrence run backwards: the order of the trips matters.
#[differentiable]
fn backwards(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for k in (0..xs.len()).rev() {
        l = l * (0.9 + 0.1 * xs[k]) + lookup(t, k % (t.len() - 1), xs[k]);
    }
    l
}

#[test]
fn a_reversed_range() {
    let t = sines(6, 0.7);
    let xs = sines(10, 0.9);
    pair_check("backwards", backwards, backwards_grad(&t, &xs), &t, &xs);
}

#[differentiable]
fn strided(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for k in (1..xs.len()).step_by(3) {
        let v = wsum(&t[k % 3..], xs[k]) + lookup(t, k % (t.len() - 1), xs[k - 1]);
        l += v * v;
    }
    l
}

#[test]
fn step_by_with_ranges_to_the_end() {
    let t = sines(7, 0.7);
    let xs = sines(11, 0.9);
    pair_check("strided", strided, strided_grad(&t, &xs), &t, &xs);
}

// ---------------------------------------------------------------------------------------------
// what is lent in one trip

#[test]
fn whole_ranges_tails_and_empty_ranges_in_one_trip() {
    let t = sines(5, 0.7);
    let xs = sines(12, 0.9);
    pair_check("many_lends", many_lends, many_lends_grad(&t, &xs), &t, &xs);
}

/// Ranges read from data: `t[s_i .. s_i + w_i]`, some empty, some to the end.
#[differentiable]
fn data_ranges(
    t: &[f64],
    xs: &[f64],
    #[no_grad] starts: &[usize],
    #[no_grad] widths: &[usize],
) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let s = starts[i];
        let e = s + widths[i];
        l += poly(&t[s..e], xs[i]).cos();
    }
    l
}

#[test]
fn ranges_computed_from_data() {
    let t = sines(8, 0.6);
    let xs = sines(10, 0.9);
    let starts = vec![0, 3, 8, 2, 5, 7, 0, 1, 4, 6];
    let widths = vec![8, 0, 0, 3, 3, 1, 1, 7, 4, 2];
    pair_check(
        "data_ranges",
        |t, x| data_ranges(t, x, &starts, &widths),
        data_ranges_grad(&t, &xs, &starts, &widths),
        &t,
        &xs,
    );
}

/// The slice lent in the loop, read by element in a later loop and after both.
#[differentiable]
fn lent_then_read(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += lookup(t, i % (t.len() - 1), xs[i]);
    }
    for j in 0..t.len() {
        l += 0.3 * t[j] * t[j];
    }
    l * t[0] + t[t.len() - 1]
}

#[test]
fn lent_in_one_loop_read_in_another_and_after() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "lent_then_read",
        lent_then_read,
        lent_then_read_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// The slice read by element in an earlier loop, and before the lending loop.
#[differentiable]
fn read_then_lent(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = t[1] * t[2];
    for j in 0..t.len() {
        l += (t[j] * xs[j % xs.len()]).sin();
    }
    for i in 0..xs.len() {
        l += lookup(t, (i * 2) % (t.len() - 1), xs[i]) * l.cos();
    }
    l
}

#[test]
fn read_in_an_earlier_loop_then_lent() {
    let t = sines(6, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "read_then_lent",
        read_then_lent,
        read_then_lent_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// The call's argument reads an element of the slice it is lent beside (`t[k + 2]`).
#[differentiable]
fn element_as_argument(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let k = i % (t.len() - 2);
        l += lookup(t, k, t[k + 2] * xs[i]);
    }
    l
}

#[test]
fn an_element_of_the_lent_slice_as_argument() {
    let t = sines(6, 0.7);
    let xs = sines(8, 0.9);
    pair_check(
        "element_as_argument",
        element_as_argument,
        element_as_argument_grad(&t, &xs),
        &t,
        &xs,
    );
}

/// Lent in one arm of an `if` only; a `match` lending different ranges per arm.
#[differentiable]
fn branch_lends(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        if xs[i] > 0.1 {
            l += lookup(t, i % (t.len() - 1), xs[i]);
        } else {
            l -= xs[i] * xs[i];
        }
        let v = match i % 4 {
            0 => wsum(&t[1..3], xs[i]),
            1 => poly(t, xs[i]),
            2 => xs[i] * 3.0,
            _ => wsum(&t[i % 3..], xs[i]) * wsum(&t[..1], xs[i]),
        };
        l += v * 0.5;
    }
    l
}

#[test]
fn lent_in_an_if_arm_and_in_match_arms() {
    let t = sines(5, 0.7);
    let xs = sines(13, 0.9);
    pair_check(
        "branch_lends",
        branch_lends,
        branch_lends_grad(&t, &xs),
        &t,
        &xs,
    );
}

// ---------------------------------------------------------------------------------------------
// several parameters

#[differentiable]
fn tri(a: &[f64], b: &[f64], c: &[f64], k: usize, x: f64) -> f64 {
    a[k] * b[k + 1] * x + c[k] * x.sin() + wsum(c, x) * a[0]
}

#[differentiable]
fn tri_fit(a: &[f64], b: &[f64], c: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let e = tri(a, b, c, i % 3, xs[i]) - 0.3;
        l += e * e;
    }
    l
}

#[test]
fn three_slices_to_one_call() {
    let (a, b, c) = (sines(4, 0.9), sines(5, 0.5), sines(3, 0.7));
    let xs = sines(10, 1.1);
    let (v, (ga, gb, gc)) = tri_fit_grad(&a, &b, &c, &xs);
    multi_check(
        "tri_fit",
        |p| tri_fit(&p[0], &p[1], &p[2], &xs),
        v,
        vec![ga, gb, gc],
        &[a, b, c],
    );
}

#[differentiable]
fn aliased(t: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        let k = i % (t.len() - 1);
        l += pair_prod(t, t, k, xs[i]) + pair_prod(&t[1..], t, 0, xs[i]);
    }
    l
}

#[test]
fn one_slice_lent_twice_to_one_call() {
    let t = sines(5, 0.7);
    let xs = sines(8, 0.9);
    pair_check("aliased", aliased, aliased_grad(&t, &xs), &t, &xs);
}

/// One differentiated slice and one `#[no_grad]` slice lent to one call.
#[differentiable]
fn half_grad(t: &[f64], #[no_grad] u: &[f64], xs: &[f64]) -> f64 {
    let mut l = 0.0;
    for i in 0..xs.len() {
        l += pair_prod(t, u, i % (t.len() - 1), xs[i]).tanh();
    }
    l
}

#[test]
fn a_no_grad_slice_beside_a_lent_one() {
    let t = sines(5, 0.7);
    let u = sines(6, 0.4);
    let xs = sines(8, 0.9);
    pair_check(
        "half_grad",
        |t, x| half_grad(t, &u, x),
        half_grad_grad(&t, &u, &xs),
        &t,
        &xs,
    );
}
