//! Regressions: functions that once failed to compile or differentiate, each checked against an
//! independent answer.

use autodiff::prelude::*;

#[differentiable]
fn callee(v: &[f64]) -> f64 {
    v[0] * v[1]
}

/// Bug 1: a reference to a local `Vec` passed to a differentiable callee taking `&[f64]`.
/// rustc: error[E0597]: `w` does not live long enough (pointing at the attribute).
#[differentiable]
fn caller_vec(x: f64) -> f64 {
    let w = vec![x, 2.0 * x];
    callee(&w)
}

/// Bug 2: the same with a local array (`&[f64; 2]` coerced to `&[f64]`).
/// rustc: error[E0597]: `a` does not live long enough, and
/// error[E0277]: `Tg<[f64; 2]>` is not a tangent argument of type `Vec<f64>`.
#[differentiable]
fn caller_arr(x: f64) -> f64 {
    let a = [x, 2.0 * x];
    callee(&a)
}

/// Bug 3: `.clone()` of a `Vec` parameter: neither differentiated nor refused with a
/// diagnostic; the generated code moves `v` and rustc reports
/// error[E0382]: borrow of moved value: `v` at the parameter.
#[differentiable]
fn cloner(v: Vec<f64>) -> f64 {
    let w = v.clone();
    w[0] * v[1]
}

#[test]
fn local_vec_passed_by_reference() {
    // d/dx (x * 2x) = 4x = 6 at 1.5
    let (y, g) = caller_vec_grad(1.5);
    assert!(
        (y - 4.5).abs() < 1e-12 && (g - 6.0).abs() < 1e-12,
        "{y} {g}"
    );
    let (_, d) = caller_vec_jvp(1.5, 1.0);
    assert!((d - 6.0).abs() < 1e-12, "{d}");
}

#[test]
fn local_array_passed_as_slice() {
    let (y, g) = caller_arr_grad(1.5);
    assert!(
        (y - 4.5).abs() < 1e-12 && (g - 6.0).abs() < 1e-12,
        "{y} {g}"
    );
    let (_, d) = caller_arr_jvp(1.5, 1.0);
    assert!((d - 6.0).abs() < 1e-12, "{d}");
}

#[test]
fn clone_of_vec_parameter() {
    // w[0] * v[1] with w = v: gradient (v[1], v[0]) = (2, 1)
    let (y, g) = cloner_grad(vec![1.0, 2.0]);
    assert!((y - 2.0).abs() < 1e-12, "{y}");
    assert!(
        (g[0] - 2.0).abs() < 1e-12 && (g[1] - 1.0).abs() < 1e-12,
        "{g:?}"
    );
}

/// Mutual recursion: `is_even`-style parity descent where each function calls the other. The
/// companions' pullbacks are boxed (`#[differentiable(boxed)]`) so their types are finite.
#[differentiable(boxed)]
fn even_pow(x: f64, n: u32) -> f64 {
    if n == 0 { 1.0 } else { x * odd_pow(x, n - 1) }
}

#[differentiable(boxed)]
fn odd_pow(x: f64, n: u32) -> f64 {
    if n == 0 {
        1.0
    } else {
        x.sin() + x * even_pow(x, n - 1)
    }
}

#[test]
fn mutual_recursion_matches_finite_differences() {
    for &(x, n) in &[(0.7, 3u32), (1.3, 4), (-0.4, 5)] {
        let (v, g) = even_pow_grad(x, n);
        assert!((v - even_pow(x, n)).abs() < 1e-12);
        let h = 1e-6;
        let fd = (even_pow(x + h, n) - even_pow(x - h, n)) / (2.0 * h);
        assert!(
            (g - fd).abs() < 1e-6 * (1.0 + fd.abs()),
            "x={x} n={n}: {g} vs {fd}"
        );
        let (_, t) = even_pow_jvp(x, n, 1.0);
        assert!((t - g).abs() < 1e-9 * (1.0 + g.abs()));
    }
}

/// Bug 4: a `where` clause ending with a comma. `NAME_grad` added its own bound after the user's
/// predicates as `where T: Real, , for<'a> T: ScalarOutput` (error: expected one of `#`, `{`,
/// lifetime, or type, found `,`).
#[differentiable]
#[allow(clippy::needless_range_loop)] // indexing is the form under test
fn weighted_sum<T>(x: &[T], w: T) -> T
where
    T: Real,
{
    let mut s = T::zero();
    for i in 0..x.len() {
        s += x[i] * x[i] * w;
    }
    s
}

#[test]
fn where_clause_with_a_trailing_comma() {
    // s = w Σ x_i²: ∂s/∂x_i = 2 w x_i, ∂s/∂w = Σ x_i².
    let x = [1.0_f64, -2.0, 0.5];
    let (s, (gx, gw)) = weighted_sum_grad(&x[..], 3.0);
    assert!((s - 3.0 * 5.25).abs() < 1e-12);
    for (g, xi) in gx.iter().zip(x) {
        assert!((g - 6.0 * xi).abs() < 1e-12, "{g} vs {}", 6.0 * xi);
    }
    assert!((gw - 5.25).abs() < 1e-12);
}

/// Bug 5: an element assignment whose index runs code (`x[{ k += 1; k }] += x[k]`). Rust
/// evaluates the value first, then the index: `x[1] += x[0]` here. The lowering evaluated the
/// index first, so value and gradient were those of `x[1] += x[1]`. Also `=`, `-=`, `*=`, a
/// row of a grid, and a value that the index changes (`x[{ v = 9.0; 0 }] = v` assigns the
/// old `v`).
#[differentiable]
#[allow(clippy::needless_range_loop, unused_assignments)] // the index block is the form under test
fn index_runs_code(p: &[f64]) -> f64 {
    let mut x = p.to_vec();
    let mut g = vec![vec![0.0; 2]; 2];
    let mut k = 0usize;
    x[{
        k += 1;
        k
    }] += x[k];
    x[{
        k += 1;
        k
    }] = x[k] * 2.0;
    x[{
        k -= 2;
        k
    }] -= x[k] * x[k + 1];
    x[{
        k += 3;
        k
    }] *= x[k + 1];
    g[{
        k -= 2;
        k
    }][1] = x[k] * 3.0;
    let mut v = x[3];
    x[{
        v *= 9.0;
        0
    }] += v;
    x[0] * x[1] + x[2] * x[3] + g[1][1] * v
}

#[test]
fn assignments_evaluate_the_value_before_the_index() {
    let p = [0.7, -1.3, 0.4, 1.1];
    let (v, g) = index_runs_code_grad(&p);
    assert!((v - index_runs_code(&p)).abs() < 1e-12, "{v}");
    autodiff::check::assert_gradient(
        index_runs_code,
        &p,
        &g,
        1e-6,
        autodiff::check::Tolerance::new(1e-6, 1e-6),
    );
}
