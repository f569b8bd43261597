//! Adversarial cases for the fused companion (`__NAME_into_HASH`): a call to a function of the
//! user's whose argument borrows a local of the caller is re-run in the reverse sweep, and the
//! callee's parameter adjoints start from the caller's adjoint for that argument. Every gradient
//! is compared with central differences.

#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::ptr_arg,
    clippy::useless_vec,
    clippy::manual_memcpy,
    clippy::too_many_arguments,
    clippy::clone_on_copy,
    clippy::manual_swap,
    clippy::redundant_closure
)]

use autodiff::check::{Tolerance, numeric_gradient};
use autodiff::prelude::*;

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 0.4 * ((k as f64) * 0.9 + 0.3).sin() + 0.05 * k as f64 + 0.1)
        .collect()
}

/// Compares `g` with the central-difference gradient of `f` at `x`; lists every bad entry.
#[track_caller]
fn check(name: &str, f: impl Fn(&[f64]) -> f64, x: &[f64], g: &[f64]) {
    let fd = numeric_gradient(&f, x, 1e-6);
    assert_eq!(g.len(), fd.len(), "{name}: gradient length at x = {x:?}");
    let bad: Vec<String> = g
        .iter()
        .zip(&fd)
        .enumerate()
        .filter(|(_, (a, b))| !TOL.accepts(**a, **b))
        .map(|(i, (a, b))| format!("[{i}] got {a} expected {b}"))
        .collect();
    assert!(bad.is_empty(), "{name} at x = {x:?}: {}", bad.join(", "));
}

// ------------------------------------------------------------------------------------------------
// 1. A Copy array taken by value and written by index, next to a borrowed local
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn arr_mut(w: &[f64], mut a: [f64; 3]) -> f64 {
    a[0] = a[1] * w[0];
    a[2] = a[2] + a[0];
    a[0] + a[2] * w[1]
}

#[differentiable]
fn arr_mut_caller(x: &[f64]) -> f64 {
    let a = [x[0], x[1], x[2]];
    let mut w = vec![0.0; 3];
    for i in 0..3 {
        w[i] = x[i] * x[i] + 0.5;
    }
    let s = arr_mut(&w, a);
    s + a[0] * a[1] * 3.0 + a[0].sin()
}

#[test]
fn array_by_value_written_by_index() {
    let x = input(3);
    let (_, g) = arr_mut_caller_grad(&x);
    check("arr_mut_caller", arr_mut_caller, &x, &g);
}

#[differentiable]
fn arr_mut_loop(x: &[f64]) -> f64 {
    let a = [x[0], x[1], x[2]];
    let mut w = vec![0.0; 3];
    let mut s = 0.0;
    for k in 0..3 {
        for i in 0..3 {
            w[i] = x[i] * (k as f64 + 1.0);
        }
        s += arr_mut(&w, a);
    }
    s
}

#[test]
fn array_by_value_in_loop() {
    let x = input(3);
    let (_, g) = arr_mut_loop_grad(&x);
    check("arr_mut_loop", arr_mut_loop, &x, &g);
}

// ------------------------------------------------------------------------------------------------
// 2. A scalar taken by value and reassigned in a loop
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn scal_loop(w: &[f64], mut y: f64) -> f64 {
    for i in 0..w.len() {
        y = y * w[i] + 0.3 * y.sin();
    }
    y
}

#[differentiable]
fn scal_loop_caller(x: &[f64]) -> f64 {
    let y = x[0] * 1.3;
    let mut w = vec![0.0; 3];
    for i in 0..3 {
        w[i] = x[i + 1] * 0.7;
    }
    let s = scal_loop(&w, y);
    s + y * y
}

#[test]
fn scalar_by_value_reassigned() {
    let x = input(4);
    let (_, g) = scal_loop_caller_grad(&x);
    check("scal_loop_caller", scal_loop_caller, &x, &g);
}

#[differentiable]
fn gscal_loop<T: Real>(w: &[T], mut y: T) -> T {
    for i in 0..w.len() {
        y = y * w[i] + y.sin();
    }
    y
}

#[differentiable]
fn gscal_caller<T: Real>(x: &[T]) -> T {
    let y = x[0] * x[1];
    let mut w = vec![T::zero(); 2];
    for i in 0..2 {
        w[i] = x[i + 1].cos();
    }
    let s = gscal_loop(&w, y);
    s + y * y * y
}

#[test]
fn generic_scalar_by_value_reassigned() {
    let x = input(3);
    let (_, g) = gscal_caller_grad(&x[..]);
    check("gscal_caller", |x| gscal_caller(x), &x, &g);
}

// ------------------------------------------------------------------------------------------------
// 3. A Vec taken by value and mutated
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn vec_mut(w: &[f64], mut v: Vec<f64>) -> f64 {
    v[0] = v[0] * w[0];
    v[1] = w[1];
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[differentiable]
fn vec_mut_caller(x: &[f64]) -> f64 {
    let v = x.to_vec();
    let mut w = vec![0.0; 2];
    for i in 0..2 {
        w[i] = x[i].exp();
    }
    let s = vec_mut(&w, v.clone());
    s + v[0] * v[1] + v[2] * 0.5
}

#[test]
fn vec_by_value_written() {
    let x = input(4);
    let (_, g) = vec_mut_caller_grad(&x);
    check("vec_mut_caller", vec_mut_caller, &x, &g);
}

#[differentiable]
fn vec_swap(w: &[f64], mut v: Vec<f64>) -> f64 {
    v.swap(0, 1);
    v[0] * w[0] + v[1] * v[1]
}

#[differentiable]
fn vec_swap_caller(x: &[f64]) -> f64 {
    let v = vec![x[0], x[1]];
    let w = vec![x[2] * 2.0];
    let s = vec_swap(&w, v.clone());
    s + v[0] * 3.0 + v[1] * v[0]
}

#[test]
fn vec_by_value_swapped() {
    let x = input(3);
    let (_, g) = vec_swap_caller_grad(&x);
    check("vec_swap_caller", vec_swap_caller, &x, &g);
}

#[differentiable]
fn vec_reassign(w: &[f64], mut v: Vec<f64>) -> f64 {
    let a = v[0] * w[0];
    v = vec![a, v[1] * 2.0];
    v[0] + v[1] * v[1]
}

#[differentiable]
fn vec_reassign_caller(x: &[f64]) -> f64 {
    let v = vec![x[0], x[1]];
    let w = vec![x[2] * 2.0];
    let s = vec_reassign(&w, v.clone());
    s + v[0] * 3.0 + v[1] * v[0]
}

#[test]
fn vec_by_value_reassigned() {
    let x = input(3);
    let (_, g) = vec_reassign_caller_grad(&x);
    check("vec_reassign_caller", vec_reassign_caller, &x, &g);
}

#[differentiable]
fn vec_push(w: &[f64], mut v: Vec<f64>) -> f64 {
    v.push(w[0] * 2.0);
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * (i as f64 + 1.0);
    }
    s
}

#[differentiable]
fn vec_push_caller(x: &[f64]) -> f64 {
    let v = vec![x[0], x[1]];
    let w = vec![x[2] * 2.0];
    let s = vec_push(&w, v.clone());
    s + v[0] * 3.0 + v[1] * v[0]
}

#[test]
fn vec_by_value_pushed() {
    let x = input(3);
    let (_, g) = vec_push_caller_grad(&x);
    check("vec_push_caller", vec_push_caller, &x, &g);
}

// ------------------------------------------------------------------------------------------------
// 4. A struct taken by value with a field reassigned; by reference
// ------------------------------------------------------------------------------------------------

#[derive(Differentiable, Clone, Copy, Debug)]
pub struct Pt {
    pub a: f64,
    pub b: f64,
}

#[differentiable]
fn pt_mut(w: &[f64], mut p: Pt) -> f64 {
    for i in 0..w.len() {
        p = Pt {
            a: p.b * w[i],
            b: p.b + p.a,
        };
    }
    p.a * p.b
}

#[differentiable]
fn pt_mut_caller(x: &[f64]) -> f64 {
    let p = Pt { a: x[0], b: x[1] };
    let w = vec![x[2] + 1.0];
    let s = pt_mut(&w, p);
    s + p.a * p.b * 2.0 + p.a.sin()
}

#[test]
fn struct_by_value_field_written() {
    let x = input(3);
    let (_, g) = pt_mut_caller_grad(&x);
    check("pt_mut_caller", pt_mut_caller, &x, &g);
}

#[differentiable]
fn pt_ref(p: &Pt, w: &[f64]) -> f64 {
    p.a * w[0] + p.b * p.b
}

#[differentiable]
fn pt_ref_caller(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut p = Pt { a: x[0], b: x[1] };
    for k in 0..3 {
        p = Pt {
            a: p.a * x[2],
            b: p.b + 0.1 * k as f64,
        };
        s += pt_ref(&p, x) + p.a;
    }
    s
}

#[test]
fn struct_by_reference_in_loop() {
    let x = input(3);
    let (_, g) = pt_ref_caller_grad(&x);
    check("pt_ref_caller", pt_ref_caller, &x, &g);
}

// ------------------------------------------------------------------------------------------------
// 5. Callees that return early, recurse, nest fused calls; no_grad parameters
// ------------------------------------------------------------------------------------------------

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
fn early(x: &[f64], cut: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        if x[i] > cut {
            return s + x[i] * 2.0;
        }
        s += x[i] * x[i];
    }
    s
}

/// Nested: a local of its own passed on to `lse` and `early`.
#[differentiable]
fn nest(x: &[f64]) -> f64 {
    let mut v = vec![0.0; x.len()];
    for i in 0..x.len() {
        v[i] = x[i] * x[i] + 0.1;
    }
    lse(&v) * early(&v, 0.3) + x[0]
}

#[differentiable]
fn rec_sum(x: &[f64]) -> f64 {
    if x.len() == 1 {
        return x[0] * x[0];
    }
    let mut v = vec![0.0; x.len() - 1];
    for i in 0..v.len() {
        v[i] = x[i] * 0.5 + x[i + 1];
    }
    rec_sum(&v) + x[0]
}

#[differentiable]
fn nested_caller(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut t = x.to_vec();
    for k in 0..3 {
        for i in 0..t.len() {
            t[i] = t[i] * 0.9 + x[i] * 0.1 * k as f64;
        }
        s += nest(&t) + rec_sum(&t) + early(&t, 0.45);
        s += lse(&t);
    }
    s + lse(&t)
}

#[test]
fn nested_recursive_early_return() {
    for n in [1, 2, 4, 5] {
        let x = input(n);
        let (_, g) = nested_caller_grad(&x);
        check("nested_caller", nested_caller, &x, &g);
    }
}

#[differentiable]
fn ng(#[no_grad] k: usize, x: &[f64], #[no_grad] w: &[f64], mut a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        a = a * 0.9 + x[i];
        s += x[i] * w[(i + k) % w.len()] * a;
    }
    s
}

#[differentiable]
fn ng_caller(x: &[f64]) -> f64 {
    let w = vec![0.5, 1.5, -0.5];
    let mut v = vec![0.0; x.len()];
    let mut s = 0.0;
    let a = x[0] * 0.5;
    for k in 0..3 {
        for i in 0..x.len() {
            v[i] = x[i] * (k as f64 + 1.0);
        }
        s += ng(k, &v, &w, a) * a;
    }
    s
}

#[test]
fn no_grad_parameters() {
    for n in [1, 3] {
        let x = input(n);
        let (_, g) = ng_caller_grad(&x);
        check("ng_caller", ng_caller, &x, &g);
    }
}

// ------------------------------------------------------------------------------------------------
// 6. Slices: caller adjoint adopted or not (lengths changing, callee's adjoint longer/shorter)
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn first_two(x: &[f64]) -> f64 {
    x[0] * x[1] + x[0].sin()
}

#[differentiable]
fn len_changes(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut v = vec![0.0; 2];
    for k in 0..4 {
        v = vec![0.0; 2 + k];
        for i in 0..v.len() {
            v[i] = x[i % x.len()] * (1.0 + 0.2 * k as f64);
        }
        s += lse(&v) + first_two(&v) * v[v.len() - 1];
    }
    s + v[0] * v[1]
}

#[test]
fn local_length_changes_between_trips() {
    for n in [2, 3, 6] {
        let x = input(n);
        let (_, g) = len_changes_grad(&x);
        check("len_changes", len_changes, &x, &g);
    }
}

#[differentiable]
fn sub_slices(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut v = x.to_vec();
    for k in 0..3 {
        for i in 0..v.len() {
            v[i] = v[i] * 0.8 + 0.1 * k as f64;
        }
        s += first_two(&v[1..]) + lse(&v[..2]) + lse(&v) * v[0];
    }
    s
}

#[test]
fn sub_slices_of_a_local() {
    for n in [3, 4] {
        let x = input(n);
        let (_, g) = sub_slices_grad(&x);
        check("sub_slices", sub_slices, &x, &g);
    }
}

#[differentiable]
fn vref(x: &Vec<f64>, a: &[f64; 2]) -> f64 {
    x[0] * a[1] + x[x.len() - 1] * a[0] * a[0]
}

#[differentiable]
fn vref_caller(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut a = [x[0], x[1]];
    let mut s = 0.0;
    for k in 0..3 {
        let j = k % v.len();
        v[j] = v[0] * a[1];
        a[1] = a[0] + v[1];
        s += vref(&v, &a) + a[1] * v[0];
    }
    s
}

#[test]
fn vec_and_array_references() {
    for n in [2, 4] {
        let x = input(n);
        let (_, g) = vref_caller_grad(&x);
        check("vref_caller", vref_caller, &x, &g);
    }
}

// ------------------------------------------------------------------------------------------------
// 7. The same local twice, a local and a parameter, branches, while with break, unused value
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable]
fn twice_and_mixed(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut s = 0.0;
    let mut k = 0;
    while k < 10 {
        for i in 0..v.len() {
            v[i] = v[i] * 0.7 + x[i] * 0.2;
        }
        if k % 2 == 0 {
            s += dot(&v, &v);
        } else {
            s += dot(&v, x) * dot(x, &v);
        }
        let _unused = lse(&v);
        if s > 3.0 {
            break;
        }
        k += 1;
    }
    s + v[0]
}

#[test]
fn same_local_twice_and_branches() {
    for n in [1, 3, 5] {
        let x: Vec<f64> = input(n).iter().map(|v| v * 2.0).collect();
        let (_, g) = twice_and_mixed_grad(&x);
        check("twice_and_mixed", twice_and_mixed, &x, &g);
    }
}

// ------------------------------------------------------------------------------------------------
// 8. Methods, custom derivatives, generic f32, nalgebra
// ------------------------------------------------------------------------------------------------

#[derive(Differentiable, Clone, Debug)]
pub struct Model {
    pub w: f64,
}

impl Model {
    #[differentiable]
    fn arr(w: &[f64], mut a: [f64; 2]) -> f64 {
        a[0] = a[1] * w[0];
        a[0] * a[1]
    }

    #[differentiable]
    fn sq(x: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() {
            s += x[i] * x[i];
        }
        s
    }

    #[differentiable]
    fn total(&self, x: &[f64]) -> f64 {
        let mut v = x.to_vec();
        for i in 0..v.len() {
            v[i] = v[i] * self.w;
        }
        let a = [x[0], self.w];
        Self::sq(&v) * self.w + Model::sq(&v) + Self::arr(&v, a) + a[0] * a[1]
    }
}

#[test]
fn methods_called_by_path() {
    for n in [1, 3] {
        let mut p = input(n);
        p.push(1.3);
        let m = Model { w: p[n] };
        let (_, (dm, dx)) = m.total_grad(&p[..n]);
        let mut g = dx.clone();
        g.push(dm.w);
        check(
            "Model::total",
            |q: &[f64]| Model { w: q[n] }.total(&q[..n]),
            &p,
            &g,
        );
    }
}

#[custom_derivative(vjp = scaled_sq_rule_vjp, jvp = scaled_sq_rule_jvp)]
fn scaled_sq(x: &[f64], a: f64) -> f64 {
    a * x.iter().map(|xi| xi * xi).sum::<f64>()
}

fn scaled_sq_rule_vjp(x: &[f64], a: f64) -> (f64, impl Fn(f64) -> (Vec<f64>, f64) + '_) {
    (scaled_sq(x, a), move |g: f64| {
        let gx = x.iter().map(|xi| g * 2.0 * a * xi).collect();
        (gx, g * x.iter().map(|xi| xi * xi).sum::<f64>())
    })
}

fn scaled_sq_rule_jvp(x: &[f64], a: f64, dx: Vec<f64>, da: f64) -> (f64, f64) {
    let s: f64 = x.iter().map(|xi| xi * xi).sum();
    let ds: f64 = x.iter().zip(&dx).map(|(xi, di)| 2.0 * xi * di).sum();
    (a * s, da * s + a * ds)
}

#[custom_derivative(vjp = arrc_rule_vjp, jvp = arrc_rule_jvp)]
fn arrc(x: &[f64], a: [f64; 2]) -> f64 {
    x[0] * a[0] * a[1]
}

fn arrc_rule_vjp(x: &[f64], a: [f64; 2]) -> (f64, impl Fn(f64) -> (Vec<f64>, [f64; 2]) + '_) {
    (arrc(x, a), move |g: f64| {
        let mut gx = vec![0.0; x.len()];
        gx[0] = g * a[0] * a[1];
        (gx, [g * x[0] * a[1], g * x[0] * a[0]])
    })
}

fn arrc_rule_jvp(x: &[f64], a: [f64; 2], dx: Vec<f64>, da: [f64; 2]) -> (f64, f64) {
    (
        arrc(x, a),
        dx[0] * a[0] * a[1] + x[0] * da[0] * a[1] + x[0] * a[0] * da[1],
    )
}

#[differentiable]
fn custom_caller(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let a = [x[0], 0.5 * x[x.len() - 1]];
    let mut s = 0.0;
    for k in 0..3 {
        for i in 0..v.len() {
            v[i] = v[i] * 0.8 + 0.1 * k as f64;
        }
        s += scaled_sq(&v, x[0]) + arrc(&v, a) + lse(&v) * v[0];
    }
    s + a[0] * a[1]
}

#[test]
fn custom_derivative_callees() {
    for n in [1, 3] {
        let x = input(n);
        let (_, g) = custom_caller_grad(&x);
        check("custom_caller", custom_caller, &x, &g);
    }
}

#[differentiable]
fn gcubes<T: Real>(x: &[T], mut acc: T) -> T {
    for i in 0..x.len() {
        acc = acc * T::from_f64(0.5) + x[i] * x[i] * x[i];
    }
    acc
}

#[differentiable]
fn gcaller<T: Real>(x: &[T]) -> T {
    let mut v = x.to_vec();
    let mut s = T::zero();
    let c = x[0] * x[0];
    for k in 0..3 {
        for i in 0..v.len() {
            v[i] = v[i] * T::from_f64(0.9) + T::from_f64(0.1 * k as f64);
        }
        s += gcubes(&v, c) * c;
    }
    s
}

#[test]
fn generic_callee_f64_and_f32() {
    for n in [1, 4] {
        let x = input(n);
        let (_, g) = gcaller_grad(&x[..]);
        check("gcaller", |q| gcaller(q), &x, &g);
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let (_, g32) = gcaller_grad(&x32[..]);
        for (a, b) in g32.iter().zip(&g) {
            assert!(
                (*a as f64 - b).abs() < 1e-3 * b.abs().max(1.0),
                "f32 {a} vs {b}"
            );
        }
    }
}

#[differentiable]
fn dvq(v: &DVector<f64>, m: &DMatrix<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * m[(i, 0)];
    }
    s
}

#[differentiable]
fn na_caller(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for k in 0..2 {
        let mut v = DVector::zeros(n);
        let mut m = DMatrix::zeros(n, 1);
        for i in 0..n {
            v[i] = x[i] * (k as f64 + 1.0);
            m[(i, 0)] = x[i] + 0.5;
        }
        s += dvq(&v, &m) + v[0];
    }
    s
}

#[test]
fn nalgebra_locals() {
    for n in [1, 3] {
        let x = input(n);
        let (_, g) = na_caller_grad(&x);
        check("na_caller", na_caller, &x, &g);
    }
}

// ------------------------------------------------------------------------------------------------
// 9. Pullbacks called several times; order 2
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn vjp_caller(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut s = 0.0;
    for k in 0..3 {
        for i in 0..v.len() {
            v[i] = v[i].sin() + x[i] * 0.1 * k as f64;
        }
        s += lse(&v) + dot(&v, x) + rec_sum(&v);
    }
    s
}

#[test]
fn pullback_called_several_times() {
    let x = input(4);
    let (_, g) = vjp_caller_grad(&x);
    check("vjp_caller", vjp_caller, &x, &g);
    let (_, pb) = vjp_caller_vjp(&x);
    for c in [1.0, -2.5, 0.0, 3.0, 1.0] {
        let gc = pb(c);
        for (a, b) in gc.iter().zip(&g) {
            assert!(
                (a - c * b).abs() <= 1e-12 * (c * b).abs().max(1.0),
                "{a} vs {}",
                c * b
            );
        }
    }
}

#[differentiable(order = 2)]
fn o2_callee<T: Real>(x: &[T], mut y: T) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        y = y * x[i] + y.sin();
        s += y * x[i];
    }
    s
}

#[differentiable(order = 2)]
fn o2_caller(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    let mut s = 0.0;
    let y = x[0] * 0.5;
    for k in 0..2 {
        for i in 0..v.len() {
            v[i] = v[i] * 0.9 + 0.1 * k as f64;
        }
        s += o2_callee(&v, y) + o2_callee(&v, 0.5) * y;
    }
    s + y * y
}

#[test]
fn order_two_caller_and_callee() {
    for n in [1, 3] {
        let x = input(n);
        let (_, g) = o2_caller_grad(&x);
        check("o2_caller", o2_caller, &x, &g);
        let (_, g2, h) = o2_caller_hessian(&x);
        check("o2_caller (hessian's gradient)", o2_caller, &x, &g2);
        for j in 0..n {
            let col = |q: &[f64]| o2_caller_grad(q).1[j];
            let fd = numeric_gradient(col, &x, 1e-5);
            for i in 0..n {
                assert!(
                    (h[(j, i)] - fd[i]).abs() <= 1e-5 * fd[i].abs().max(1.0),
                    "H[{j},{i}] got {} expected {}",
                    h[(j, i)],
                    fd[i]
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// 10. Minimal reproducers
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn min_arr(w: &[f64], mut a: [f64; 1]) -> f64 {
    a[0] = w[0];
    a[0]
}

/// d/dx0 = 1 (only `+ a[0]`), d/dx1 = 1.
#[differentiable]
fn min_arr_caller(x: &[f64]) -> f64 {
    let a = [x[0]];
    let w = vec![x[1]];
    min_arr(&w, a) + a[0]
}

#[test]
fn minimal_array_overwrite() {
    let x = vec![0.3, 0.7];
    let (_, g) = min_arr_caller_grad(&x);
    check("min_arr_caller", min_arr_caller, &x, &g);
}

#[differentiable]
fn min_gen<T: Real>(w: &[T], mut y: T) -> T {
    for i in 0..w.len() {
        y = w[i];
    }
    y
}

/// d/dx0 = 1 (only `+ y`), d/dx1 = 1.
#[differentiable]
fn min_gen_caller<T: Real>(x: &[T]) -> T {
    let y = x[0];
    let w = vec![x[1]];
    min_gen(&w, y) + y
}

#[test]
fn minimal_generic_scalar_overwrite() {
    let x = vec![0.3, 0.7];
    let (_, g) = min_gen_caller_grad(&x[..]);
    check("min_gen_caller", |q| min_gen_caller(q), &x, &g);
}
