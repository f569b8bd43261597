//! In-place operations on `Vec`s and matrices carry derivatives in every position (statement,
//! `let` initializer, `while let` / `if let` condition), in both modes. Each function is checked
//! against its derivative worked out by hand and against central differences.
#![allow(clippy::useless_vec)] // the point is the `Vec` operations

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

/// `v = [x, 2x²]`, swapped: `10 * 2x² + x`, derivative `40x + 1` = 61 at 1.5.
#[differentiable]
fn vec_swap(x: f64) -> f64 {
    let mut v = vec![x, 2.0 * x * x];
    v.swap(0, 1);
    v[0] * 10.0 + v[1]
}

/// `[x, x², x³]` reversed, weighted by `[1, 2, 3]`: `x³ + 2x² + 3x`, derivative `3x² + 4x + 3`.
#[differentiable]
fn vec_reverse(x: f64) -> f64 {
    let mut v = vec![x, x * x, x * x * x];
    v.reverse();
    v[0] + 2.0 * v[1] + 3.0 * v[2]
}

/// `[x, 5]` filled with `sin x` then summed with weights: `3 sin x`, derivative `3 cos x`.
#[differentiable]
fn vec_fill(x: f64) -> f64 {
    let mut v = vec![x, 5.0, x * x];
    v.fill(x.sin());
    v[0] + v[1] + v[2]
}

/// insert(1, x²) into `[x, 3]`: `[x, x², 3]`, `v0 + 10 v1 + 100 v2` = `x + 10x² + 300`,
/// derivative `1 + 20x`.
#[differentiable]
fn vec_insert(x: f64) -> f64 {
    let mut v = vec![x, 3.0];
    v.insert(1, x * x);
    v[0] + 10.0 * v[1] + 100.0 * v[2]
}

/// `r = v.remove(1)` from `[x, x², x³]`: `r = x²`, `v = [x, x³]`; `r * 7 + v[1]` = `7x² + x³`,
/// derivative `14x + 3x²`.
#[differentiable]
fn vec_remove_value(x: f64) -> f64 {
    let mut v = vec![x, x * x, x * x * x];
    let r = v.remove(1);
    r * 7.0 + v[1] + 0.0 * (v.len() as f64)
}

/// `v.remove(0);` as a statement, then `pop`, then `truncate`: from `[x, 2x, 3x, 4x, 5x]`,
/// remove(0) gives `[2x, 3x, 4x, 5x]`, pop gives `[2x, 3x, 4x]`, truncate(2) gives `[2x, 3x]`,
/// then push `x²`: `v0 + 10 v1 + 100 v2` = `2x + 30x + 100x²`, derivative `32 + 200x`.
#[differentiable]
fn vec_shrink(x: f64) -> f64 {
    let mut v = vec![x, 2.0 * x, 3.0 * x, 4.0 * x, 5.0 * x];
    v.remove(0);
    v.pop();
    v.truncate(2);
    v.push(x * x);
    v[0] + 10.0 * v[1] + 100.0 * v[2]
}

/// `while let Some(e) = st.pop() { s += e * k; k += 1 }` over `[x, x², x³]`: pops `x³, x², x`
/// with weights 1, 2, 3: `x³ + 2x² + 3x`, derivative `3x² + 4x + 3`.
#[differentiable]
fn while_let_pop(x: f64) -> f64 {
    let mut st = vec![x, x * x, x * x * x];
    let mut s = 0.0;
    let mut k = 1.0;
    while let Some(e) = st.pop() {
        s += e * k;
        k += 1.0;
    }
    s
}

/// `if let Some(e) = v.pop()`: `e = x²`, plus what is left: `3x² + x`, derivative `6x + 1`.
#[differentiable]
fn if_let_pop(x: f64) -> f64 {
    let mut v = vec![x, x * x];
    if let Some(e) = v.pop() {
        3.0 * e + v[0]
    } else {
        0.0
    }
}

/// `let e = v.pop().unwrap()` and `swap_remove`: `[x, x², x³, x⁴]`; pop gives `x⁴`;
/// swap_remove(0) gives `x` and leaves `[x³, x²]`: `e + 2 r + 3 v0 + 4 v1` =
/// `x⁴ + 2x + 3x³ + 4x²`, derivative `4x³ + 2 + 9x² + 8x`.
#[differentiable]
fn pop_unwrap_swap_remove(x: f64) -> f64 {
    let mut v = vec![x, x * x, x * x * x, x * x * x * x];
    let e = v.pop().unwrap();
    let r = v.swap_remove(0);
    e + 2.0 * r + 3.0 * v[0] + 4.0 * v[1]
}

/// `extend_from_slice(&w)` then clear the source by `clone_from`: `v = [x, x², 2x]`,
/// `w = v` afterwards: `w0 + w1 + w2 * 5` = `x + x² + 10x`, derivative `11 + 2x`.
#[differentiable]
fn extend_and_clone_from(x: f64) -> f64 {
    let mut v = vec![x];
    let w = vec![x * x, 2.0 * x];
    v.extend_from_slice(&w);
    let mut u = vec![0.0; 3];
    u.clone_from(&v);
    u[0] + u[1] + u[2] * 5.0
}

/// `std::mem::swap` of two locals and of two elements: `a = x²`, `b = 3x` swapped gives
/// `a = 3x`, `b = x²`; `v = [a, b]` with its elements swapped gives `[x², 3x]`:
/// `v0 * 2 + v1 * 7 + a` = `2x² + 21x + 3x`, derivative `4x + 24`.
#[differentiable]
fn mem_swaps(x: f64) -> f64 {
    let mut a = x * x;
    let mut b = 3.0 * x;
    std::mem::swap(&mut a, &mut b);
    let mut v = vec![a, b];
    let (i, j) = (0, 1);
    if i != j {
        v.swap(i, j);
    }
    v[0] * 2.0 + v[1] * 7.0 + a
}

/// Matrix operations: `m = [[x, 2x], [x², 1]]`; swap_rows(0, 1) gives `[[x², 1], [x, 2x]]`;
/// transpose_mut gives `[[x², x], [1, 2x]]`; `m[(0,1)] * 10 + m[(1,1)]` = `10x + 2x`;
/// swap_columns(0, 1) then `m[(0,0)]` (= `x`) adds `x`: total `13x`, derivative 13; then
/// fill(x³) and `m[(1, 0)]` adds `x³`: derivative `13 + 3x²`.
#[differentiable]
fn matrix_in_place(x: f64) -> f64 {
    let mut m = DMatrix::from_row_slice(2, 2, &[x, 2.0 * x, x * x, 1.0]);
    m.swap_rows(0, 1);
    m.transpose_mut();
    let a = m[(0, 1)] * 10.0 + m[(1, 1)];
    m.swap_columns(0, 1);
    let b = m[(0, 0)];
    m.fill(x * x * x);
    a + b + m[(1, 0)]
}

fn check(
    name: &str,
    grad: impl Fn(f64) -> f64,
    jvp: impl Fn(f64) -> f64,
    f: impl Fn(f64) -> f64,
    want: impl Fn(f64) -> f64,
) {
    for x in [1.5, -0.7, 0.3] {
        let (g, d, w) = (grad(x), jvp(x), want(x));
        let fd = approx_derivative(&f, x, 1e-6);
        assert!(
            (g - w).abs() < 1e-9 * (1.0 + w.abs()),
            "{name} grad at {x}: {g} vs {w}"
        );
        assert!(
            (d - w).abs() < 1e-9 * (1.0 + w.abs()),
            "{name} jvp at {x}: {d} vs {w}"
        );
        assert!(
            (fd - w).abs() < 1e-5 * (1.0 + w.abs()),
            "{name} fd at {x}: {fd} vs {w}"
        );
    }
}

macro_rules! case {
    ($name:ident, $grad:ident, $jvp:ident, $want:expr) => {
        check(
            stringify!($name),
            |x| $grad(x).1,
            |x| $jvp(x, 1.0).1,
            $name,
            $want,
        )
    };
}

#[test]
fn vec_permutations() {
    // the example: 61 at 1.5
    assert!((vec_swap_grad(1.5).1 - 61.0).abs() < 1e-12);
    case!(vec_swap, vec_swap_grad, vec_swap_jvp, |x| 40.0 * x + 1.0);
    case!(vec_reverse, vec_reverse_grad, vec_reverse_jvp, |x| 3.0
        * x
        * x
        + 4.0 * x
        + 3.0);
    case!(mem_swaps, mem_swaps_grad, mem_swaps_jvp, |x| 4.0 * x + 24.0);
}

#[test]
fn vec_fill_insert_extend() {
    case!(vec_fill, vec_fill_grad, vec_fill_jvp, |x: f64| 3.0
        * x.cos());
    case!(vec_insert, vec_insert_grad, vec_insert_jvp, |x| 1.0
        + 20.0 * x);
    case!(
        extend_and_clone_from,
        extend_and_clone_from_grad,
        extend_and_clone_from_jvp,
        |x| 11.0 + 2.0 * x
    );
}

#[test]
fn vec_removals_in_every_position() {
    case!(
        vec_remove_value,
        vec_remove_value_grad,
        vec_remove_value_jvp,
        |x| 14.0 * x + 3.0 * x * x
    );
    case!(vec_shrink, vec_shrink_grad, vec_shrink_jvp, |x| 32.0
        + 200.0 * x);
    case!(
        while_let_pop,
        while_let_pop_grad,
        while_let_pop_jvp,
        |x| 3.0 * x * x + 4.0 * x + 3.0
    );
    case!(if_let_pop, if_let_pop_grad, if_let_pop_jvp, |x| 6.0 * x
        + 1.0);
    case!(
        pop_unwrap_swap_remove,
        pop_unwrap_swap_remove_grad,
        pop_unwrap_swap_remove_jvp,
        |x| 4.0 * x * x * x + 2.0 + 9.0 * x * x + 8.0 * x
    );
}

#[test]
fn matrix_in_place_operations() {
    case!(
        matrix_in_place,
        matrix_in_place_grad,
        matrix_in_place_jvp,
        |x| 13.0 + 3.0 * x * x
    );
}

/// A map's `insert` / `remove` and a `Vec` of indices without derivatives run as written.
#[differentiable]
fn inactive_containers(x: f64, n: usize) -> f64 {
    let mut seen = std::collections::HashMap::new();
    seen.insert(n, 1usize);
    seen.insert(n + 1, 2usize);
    seen.remove(&n);
    let mut idx: Vec<usize> = (0..n).collect();
    idx.reverse();
    idx.swap(0, 1);
    let k = idx[0] + seen.len();
    x * x * k as f64
}

/// `std::mem::swap` where only one side carries a derivative: `a = x²`, `b = 2`; after the swap
/// `a = 2`, `b = x²`: `a + 3b` = `2 + 3x²`, derivative `6x`.
#[differentiable]
fn one_sided_mem_swap(x: f64) -> f64 {
    let mut a = x * x;
    let mut b = 2.0;
    std::mem::swap(&mut a, &mut b);
    a + 3.0 * b
}

#[test]
fn inactive_containers_and_one_sided_swaps() {
    // n = 3: idx = [2, 1, 0] then [1, 2, 0]; k = 1 + 1 = 2: d/dx 2x² = 4x
    let (_, g) = inactive_containers_grad(1.5, 3);
    assert!((g - 6.0).abs() < 1e-12, "{g}");
    case!(
        one_sided_mem_swap,
        one_sided_mem_swap_grad,
        one_sided_mem_swap_jvp,
        |x| 6.0 * x
    );
}
