//! Minimised reproducers of defects found by the slice-program generator
//! (`tests/generated/slice_generator.rs`). Each `#[test]` compares a generated gradient with
//! central differences or an analytic value and FAILS while the defect is present.
//!
//! Not under `tests/`, so CI does not run it. To run it:
//!
//! ```text
//! cp fuzz_reproducers.rs tests/ && cargo test -p autodiff --test fuzz_reproducers; rm tests/fuzz_reproducers.rs
//! ```
//!
//! The reproducers of expansions that do not compile sit behind `--cfg fuzz_compile_errors`
//! (`RUSTFLAGS="--cfg fuzz_compile_errors"` with the command above shows the errors).

// The helpers are used only by the reproducers behind the `cfg` while every defect found is a
// compile error.
#![allow(
    dead_code,
    unexpected_cfgs,
    unused_mut,
    unused_variables,
    clippy::needless_range_loop,
    clippy::assign_op_pattern
)]

/// Central differences of `f` at `x`, one per coordinate.
fn central(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..x.len())
        .map(|k| {
            let (mut a, mut b) = (x.to_vec(), x.to_vec());
            a[k] += h;
            b[k] -= h;
            (f(&a) - f(&b)) / (2.0 * h)
        })
        .collect()
}

#[track_caller]
fn assert_close(name: &str, got: &[f64], want: &[f64]) {
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6 * (1.0 + w.abs()),
            "{name}: d/dx[{k}] = {g}, expected {w} (got {got:?}, expected {want:?})"
        );
    }
}

// ------------------------------------------------------------------------------------------------
// F1: a range of a `to_vec()` copy of a local `Vec` passed to a helper: the expansion does not
// compile ("expected `&mut Option<Vec<f64>>`, found `&mut Vec<f64>`" at the attribute).

#[cfg(fuzz_compile_errors)]
mod f1 {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    fn h(v: &[f64]) -> f64 {
        v[0] * v[0] + v[1]
    }

    /// The smallest form: a range of the copy as the argument.
    #[differentiable]
    fn f(p: &[f64]) -> f64 {
        let u = p.to_vec();
        let w = u.to_vec();
        h(&w[1..])
    }

    /// The range bound to a variable first.
    #[differentiable]
    fn f_bound(p: &[f64]) -> f64 {
        let u = p.to_vec();
        let w = u.to_vec();
        let r = &w[1..];
        h(r)
    }

    /// The parts of `windows` are ranges too.
    #[differentiable]
    fn f_windows(p: &[f64]) -> f64 {
        let u = p.to_vec();
        let w = u.to_vec();
        let mut s = 0.0;
        for x in w.windows(2) {
            s += h(x);
        }
        s
    }

    /// A chained copy of the parameter.
    #[differentiable]
    fn f_chained(p: &[f64]) -> f64 {
        let w = p.to_vec().to_vec();
        h(&w[1..])
    }

    /// In a loop, in generic code (the form the generator first wrote).
    #[differentiable]
    fn f_generic<T: Real>(p: &[T]) -> T {
        let u = p.to_vec();
        let w = u.to_vec();
        let mut a = T::zero();
        for i in 0..2 {
            a += w[i + 1] * h_generic(&w[i..]);
        }
        a
    }

    #[differentiable]
    fn h_generic<T: Real>(v: &[T]) -> T {
        v[0] * v[0] + v[1]
    }

    /// No call: the copy as the rows of a grid.
    #[differentiable]
    fn f_rows(p: &[f64]) -> f64 {
        let q = p.to_vec();
        let g = vec![q.to_vec(); 2];
        g[1][1] * g[0][0]
    }

    #[test]
    fn f1_range_of_a_copied_local() {
        let p = [0.3, -0.7, 1.1, 0.4];
        let (_, g) = f_grad(&p);
        assert_close("f", &g, &central(f, &p));
        let (_, g) = f_bound_grad(&p);
        assert_close("f_bound", &g, &central(f_bound, &p));
        let (_, g) = f_windows_grad(&p);
        assert_close("f_windows", &g, &central(f_windows, &p));
        let (_, g) = f_chained_grad(&p);
        assert_close("f_chained", &g, &central(f_chained, &p));
        let (_, g) = f_generic_grad(&p);
        assert_close("f_generic", &g, &central(f_generic::<f64>, &p));
        let (_, g) = f_rows_grad(&p);
        assert_close("f_rows", &g, &central(f_rows, &p));
    }
}

// ------------------------------------------------------------------------------------------------
// F2: in a function whose parameters are all floats, with a loop, a range of a local `Vec` (or a
// borrow of a local bound to a name) passed to a call: the expansion does not compile
// ("expected `&&[f64]`, found `&&Vec<f64>`" from `clone_from`, at the attribute).

#[cfg(fuzz_compile_errors)]
mod f2 {
    use super::*;
    use autodiff::prelude::*;

    #[differentiable]
    fn k1(p: &[f64], s: f64) -> f64 {
        p[0] * s
    }

    /// The call inside the loop.
    #[differentiable]
    fn f(x: f64, y: f64) -> f64 {
        let p = vec![x, y, x * y];
        let mut a = 0.0;
        for i in 0..2 {
            a += k1(&p[i..], x);
        }
        a
    }

    /// The call after a loop that reads the local.
    #[differentiable]
    fn f_after(x: f64, y: f64) -> f64 {
        let p = vec![x, y, x * y];
        let mut a = 0.0;
        for i in 0..3 {
            a += p[i];
        }
        a + k1(&p[1..], x)
    }

    /// The borrow bound to a name first.
    #[differentiable]
    fn f_bound(x: f64, y: f64) -> f64 {
        let pv = vec![x, y, x * y];
        let p = &pv[..];
        let mut a = 0.0;
        for i in 0..3 {
            a += p[i];
        }
        a + k1(p, x)
    }

    #[test]
    fn f2_range_of_a_local_in_a_float_only_function() {
        let (x, y) = (0.3, -0.7);
        let xy = [x, y];
        for (name, g, f) in [
            ("f", f_grad(x, y).1, f as fn(f64, f64) -> f64),
            ("f_after", f_after_grad(x, y).1, f_after),
            ("f_bound", f_bound_grad(x, y).1, f_bound),
        ] {
            assert_close(name, &[g.0, g.1], &central(|v| f(v[0], v[1]), &xy));
        }
    }
}
