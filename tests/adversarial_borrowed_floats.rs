//! Adversarial tests of borrowed float elements (`reverse/plain.rs`: `*r`, `r.sin()`, `r * y` on
//! `r = &v[i]` are known floats with plain adjoint slots; `reverse/recompute.rs`: `b = a.clone()`
//! of a known float, also `*r` of a borrowed parameter element, rebuilt in the reverse sweep).
//!
//! Each function is checked through `NAME_grad` (value against the primal, gradient against
//! central differences in `f64`), most also through `NAME_vjp` and `NAME_jvp` against that
//! gradient, generic ones at `f32` against `f64`, `order = 2` ones through `NAME_hvp` against
//! central differences of `NAME_grad`. The forms: every operator with `&f64` on either side and
//! unary minus, float methods and path-form methods on references, comparisons of references,
//! `match` on values derived from them, `for &x`, `for x in slice`, `for x in &local`,
//! `.copied()`, `.cloned()`, `rev`, `skip`, `take`, `enumerate().skip`, `zip(..).rev()`,
//! `windows`/`chunks` parts, borrows held across statements, copied, reborrowed and
//! dereferenced twice, borrows whose index moves on (`let r = &x[k]; k = ..; *r`, in a loop,
//! through `break &x[k]`, through a block, a shadowed index), references reassigned (arg-max)
//! or chosen by `if`/`match`, tuples, `vec!`s and arrays of references, `&a` of local floats,
//! clones of floats reassigned, compound-assigned, shadowed or swapped after the clone, locals
//! iterated while they change between loops (`u[i] = ..`, `u = next`, `std::mem::swap`), rows
//! of `Vec<Vec<f64>>` parameters and locals, pushes of dereferenced elements (also into a zip
//! of unequal lengths, with a `return` in the trip, generic, second order), locals made
//! containers of floats by those pushes and then changed in place or lent to helpers per trip,
//! helpers taking `&f64` / `&[f64]`, `f32` slices in an `f64` function, a fixed-array
//! parameter, a field iterated in a method, an `impl<T: Real>` method and a `where T: Real`
//! function, `wrt(..)`, tuple and array outputs, a dereference as the result, parameters
//! shadowed in the trip, a `mut` slice parameter and a local view rebound to their tails,
//! `dbg!`/`assert!`/`format!`/`stop_gradient` on references, `DVector` parameters.
//!
//! All of them pass, at this commit and at the one before (647dbd4).
//!
//! Not compiling, so kept out of the tests (in `compile_failures` below, `cfg`'d out; remove the
//! `#[cfg(any())]` to see the errors). Both fail the same way at 647dbd4:
//! * a borrow of a slice by a range held in a variable (`let rg = 1..4; let r = &x[rg];`) used
//!   for anything but `r.len()` (`r.to_owned()`, `r.to_vec()`, `r.iter()`, `r[0]`,
//!   `r.iter().sum()`, `helper(r)`): `expected usize, found Range<usize>` (the range taken for
//!   an element index), `[f64]: Clone is not satisfied`, `[f64]` unsized. Since 18063e1 there is
//!   one more error, `expected &mut Option<Vec<f64>>, found &mut Plain<{float}>`: the analysis
//!   of `plain.rs` takes `&x[rg]` for a borrowed element (any `&v[idx]` of a container of
//!   floats), so `r.to_owned()` is given a plain float slot;
//! * references pushed into a `Vec` (`sel.push(&x[i])`, `sel.push(xi)` in `for xi in x.iter()`):
//!   `expected f64, found &f64` (already listed in `tests/adversarial_prefill.rs`).
//!
//! Refused with a clear message (dropped): `if let Some(r) = x.get(2)` and
//! `match x.first() { Some(r) => .. }` (a pattern binding from a value with a derivative),
//! `x.iter().next()` and `let mut it = x.iter()` (`iter` not supported here),
//! `x.split_at(k)`, `x.iter().product()`, `.copied().fold(f64::MIN, f64::max)`,
//! `.copied().map(f64::sin).sum()`, `.copied().reduce(f64::max)`, `for .. in
//! x.iter().skip(1).zip(x.iter())` and `x.iter().zip(x.iter().skip(1))`, `.step_by(2)`,
//! `.chain(..)` (the `for` loop's iterator), `for ui in u.iter_mut() { *ui = .. }` (the
//! assignment target), `let r = &mut u[1];` (`&mut`).

#![allow(
    clippy::all,
    unused_mut,
    unused_variables,
    unused_assignments,
    non_snake_case
)]

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod support;
use support::*;

/// `jvp`'s derivative against the gradient's dot product with the direction.
#[track_caller]
fn jvp_agrees(name: &str, dy: f64, g: &[f64], t: &[f64]) {
    let want: f64 = g.iter().zip(t).map(|(a, b)| a * b).sum();
    assert!(
        (dy - want).abs() <= 1e-9 * (1.0 + want.abs()),
        "{name}: jvp {dy} vs grad·t {want}"
    );
}

/// A vjp's pulled-back gradient against `_grad`'s.
#[track_caller]
fn same(name: &str, a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{name}: lengths");
    for (k, (p, q)) in a.iter().zip(b).enumerate() {
        assert!(
            (p - q).abs() <= 1e-10 * (1.0 + p.abs()),
            "{name}[{k}]: {p} vs {q}"
        );
    }
}

/// A point with all entries in [0.4, 1.6] (for `sqrt`, `ln` on the raw elements).
fn positive(n: usize) -> Vec<f64> {
    sines(n, 0.6).iter().map(|v| v + 1.0).collect()
}

// ---------------------------------------------------------------------------------------------
// Operators and methods on `&f64`
// ---------------------------------------------------------------------------------------------

/// Every operator with a borrowed element on either side, and unary minus.
#[differentiable]
fn mixed_ops(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let a = xi - w;
        let b = w - xi;
        let c = xi * xi;
        let d = -xi;
        let e = xi / (w * w + 1.0);
        let f = (2.0 + w * w) / (xi + 3.0);
        let g = 1.5 / (xi * xi + 1.0);
        let h = xi + xi * w - &w;
        s += a * b + c * d + e + f + g + h * 0.25;
    }
    s
}

/// Float methods called on the reference.
#[differentiable]
fn ref_methods(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        s += xi.abs()
            + xi.powi(3)
            + xi.max(w)
            + xi.min(w * 0.5)
            + xi.sqrt()
            + xi.exp()
            + xi.ln() * w
            + xi.powf(1.5)
            + xi.hypot(w)
            + xi.atan2(w + 2.0)
            + xi.mul_add(w, 0.5)
            + xi.clamp(0.7, 1.3)
            + xi.recip()
            + xi.tanh();
    }
    s
}

/// Path-form methods taking the dereferenced element.
#[differentiable]
fn path_methods(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        s += f64::sin(*xi) * w + f64::max(*xi, w) + f64::powi(*xi, 2) + f64::hypot(*xi, 1.0);
    }
    s
}

/// Comparisons on references in `if` conditions (`*r > 0.0`, `r > &0.0`, `r > q`).
#[differentiable]
fn ref_conditions(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    let first = &x[0];
    for xi in x.iter() {
        if *xi > 0.0 {
            s += xi * w;
        } else if xi < &-0.3 {
            s -= xi.sin();
        } else {
            s += xi * xi;
        }
        if xi > first {
            s += 0.5 * *xi * *first;
        }
        if &w < xi {
            s += w * 2.0;
        }
    }
    s
}

/// `match` on values derived from the references.
#[differentiable]
fn ref_match(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let k = if *xi > 0.0 { 1 } else { 0 };
        match (k, i % 3) {
            (1, 0) => s += xi * w,
            (1, _) => s += xi.cos() * w,
            (_, 2) => s -= *xi * *xi,
            _ => s += xi.exp(),
        }
        let m = match i % 2 {
            0 => *xi,
            _ => xi * w,
        };
        s += m * m;
    }
    s
}

/// `x.sin_cos()` on a reference.
#[differentiable]
fn ref_sin_cos(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let (a, b) = xi.sin_cos();
        s += a * w + b * b;
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Iterator forms
// ---------------------------------------------------------------------------------------------

/// `for &x in ..` shadowed in the trip, and `for x in` with `let x = *x * ..`.
#[differentiable]
fn pattern_shadow(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for &xi in x.iter() {
        let xi = xi * w + 1.0;
        s += xi * xi;
    }
    for xi in x.iter() {
        let xi = *xi * 2.0;
        let xi = xi.sin();
        s += xi * w;
    }
    s
}

/// Adapters: `rev`, `skip`, `take`, `enumerate().skip`, `zip(..).rev()`.
#[differentiable]
fn adapters(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 1.0;
    for xi in x.iter().rev() {
        s += *xi * k;
        k += 1.0;
    }
    for xi in x.iter().skip(2) {
        s += xi.sin() * xi;
    }
    for xi in x.iter().take(3) {
        s += xi * xi * xi;
    }
    for (i, yi) in y.iter().enumerate().skip(1) {
        s += *yi * (i as f64) * x[i - 1];
    }
    for (a, b) in x.iter().zip(y.iter()).rev() {
        s += a * b - (a - b).exp();
    }
    s
}

/// A zip of a parameter and a local that changes between the loops.
#[differentiable]
fn zip_local(x: &[f64], w: f64) -> f64 {
    let mut u = vec![0.0; x.len()];
    for (i, xi) in x.iter().enumerate() {
        u[i] = xi * w + 1.0;
    }
    let mut s = 0.0;
    for (ui, xi) in u.iter().zip(x.iter()) {
        s += ui * xi;
    }
    for i in 0..u.len() {
        u[i] = u[i] * u[i] - s;
    }
    for (xi, ui) in x.iter().zip(u.iter()) {
        s += (*ui) * xi.cos();
    }
    s
}

/// Windows and chunks: each part's elements iterated and borrowed.
#[differentiable]
fn views(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for p in x.windows(3) {
        for e in p.iter() {
            s += e * p[1] * w;
        }
    }
    for c in x.chunks(2) {
        let r = &c[0];
        s += *r * r.sin() + c[c.len() - 1];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Held references
// ---------------------------------------------------------------------------------------------

/// A borrow held across statements, copied (`let q = r;`), reborrowed and dereferenced twice.
#[differentiable]
fn held_reborrow(x: &[f64], w: f64) -> f64 {
    let r = &x[1];
    let q = r;
    let a = x[0] * w;
    let b = *q * a;
    let rr = &r;
    let c = **rr + *r;
    let mut s = b * c;
    for xi in x.iter() {
        s += *q * *xi + r.sin();
    }
    s
}

/// The index a borrow was taken at changes after the borrow (`let r = &x[k]; k = 3; *r`).
#[differentiable]
fn index_moves_after_borrow(x: &[f64], w: f64) -> f64 {
    let mut k = 1;
    let r = &x[k];
    k = 3;
    let a = *r;
    let b = x[k];
    a * a * b * w + a.sin()
}

/// The same in a loop: the borrowed element's index moves on before it is dereferenced.
#[differentiable]
fn rotating_index(x: &[f64], w: f64) -> f64 {
    let n = x.len();
    let mut k = 0;
    let mut s = 0.0;
    for _t in 0..n {
        let r = &x[k];
        k = (k + 3) % n;
        let a = *r;
        s += a * a * w + a * x[k];
    }
    s
}

/// A reference reassigned (arg-max by reference) then dereferenced.
#[differentiable]
fn argmax_ref(x: &[f64], w: f64) -> f64 {
    let mut best = &x[0];
    for xi in x.iter() {
        if xi > best {
            best = xi;
        }
    }
    let b = *best;
    b * b * w + best.sin()
}

/// A reference chosen by `if` (declared first, assigned in the arms) then dereferenced.
#[differentiable]
fn chosen_ref(x: &[f64], w: f64) -> f64 {
    let r;
    if w > 0.0 {
        r = &x[2];
    } else {
        r = &x[0];
    }
    let q = if x[1] > x[3] { &x[1] } else { &x[3] };
    let a = *r * w;
    a * *q + q.exp()
}

/// A borrow of a local element held across statements; the local is written after the last
/// use of the borrow and borrowed again.
#[differentiable]
fn local_borrow_then_write(x: &[f64], w: f64) -> f64 {
    let mut u = x.to_vec();
    let r = &u[1];
    let a = *r * w;
    let b = r.cos();
    u[1] = a * 3.0 + b;
    let r2 = &u[1];
    let c = *r2;
    u[1] = c * c;
    a * c + u[1] + b
}

/// `&a` of a local float, `*r`, and the float written after the borrow ends.
#[differentiable]
fn borrow_local_float(x: &[f64], w: f64) -> f64 {
    let a = x[0] * w;
    let r = &a;
    let b = *r * 2.0 + r.sin();
    let q = r;
    let c = *q * b;
    let mut m = x[1];
    let rm = &m;
    let d = *rm * c;
    m = m * 3.0 + d;
    let rm2 = &m;
    d + m * *rm2
}

// ---------------------------------------------------------------------------------------------
// Clones of floats whose original changes
// ---------------------------------------------------------------------------------------------

/// `let b = a.clone(); a = ..; use b` (also in a loop, and with compound assignments).
#[differentiable]
fn clone_then_reassign(x: &[f64], w: f64) -> f64 {
    let mut a = x[0] * x[1];
    let b = a.clone();
    a = a * 2.0 + x[2];
    let mut s = b * a;
    let mut c = x[3];
    for i in 0..x.len() {
        let d = c.clone();
        c = c * 0.5 + x[i] * w;
        s += d * d * c;
    }
    let mut e = x[4];
    let f = e.clone();
    e += w;
    e *= f;
    s + e * f
}

/// A clone of a float that is then shadowed.
#[differentiable]
fn clone_then_shadow(x: &[f64], w: f64) -> f64 {
    let a = x[0] * w;
    let b = a.clone();
    let a = a * 3.0 + b;
    let c = a.clone();
    let a = c.sin();
    b * a + c * c
}

/// A clone of a float, then the original swapped with another.
#[differentiable]
fn clone_then_swap(x: &[f64], w: f64) -> f64 {
    let mut a = x[0] * w;
    let mut c = x[1];
    let b = a.clone();
    std::mem::swap(&mut a, &mut c);
    b * a * 2.0 + c * b
}

/// Clones of parameter elements through references (`(*r).clone()`, `r.clone()`,
/// `r.to_owned()`), the index and the parameter unchanged.
#[differentiable]
fn clone_of_refs(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r = &x[i];
        let a = r.clone();
        let b = (*r).clone();
        let c = r.to_owned();
        s += a * b * w + c.sin();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Locals iterated while they change between loops
// ---------------------------------------------------------------------------------------------

/// `u[i] = ..` after a loop that read `*ui`; a dereferenced element kept across the write.
#[differentiable]
fn local_rewrites(x: &[f64], w: f64) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    let mut firsts = Vec::new();
    for ui in u.iter() {
        firsts.push(*ui * w);
        s += ui * ui;
    }
    for i in 0..u.len() {
        u[i] = u[i] * s + w;
    }
    let r = &u[0];
    let a = *r;
    u[0] = a * 3.0 + firsts[1];
    for (ui, fi) in u.iter().zip(firsts.iter()) {
        s += ui * fi;
    }
    s + a
}

/// A state moved over each step (`u = next`), each step iterating the previous one's elements.
#[differentiable]
fn moved_steps(x: &[f64], k: f64) -> f64 {
    let mut u = x.to_vec();
    for _ in 0..4 {
        let mut next = Vec::new();
        for ui in u.iter() {
            next.push(ui.sin() * k + *ui);
        }
        u = next;
    }
    let mut s = 0.0;
    for ui in u.iter() {
        s += ui * ui;
    }
    s
}

/// Two states swapped each step (`std::mem::swap`), each step reading the other's elements.
#[differentiable]
fn swapped_steps(x: &[f64], k: f64) -> f64 {
    let mut u = x.to_vec();
    let mut v = vec![0.0; x.len()];
    for _ in 0..3 {
        for (i, ui) in u.iter().enumerate() {
            v[i] = ui * k + ui.cos();
        }
        std::mem::swap(&mut u, &mut v);
    }
    let mut s = 0.0;
    for (a, b) in u.iter().zip(v.iter()) {
        s += a * b;
    }
    s
}

/// A local updated in place between reads of its borrowed elements, the dereferenced values
/// kept in floats that outlive the writes.
#[differentiable]
fn kept_derefs(x: &[f64], w: f64) -> f64 {
    let mut u = x.to_vec();
    let mut s = 0.0;
    for t in 0..3 {
        let mut keep = 0.0;
        for ui in u.iter() {
            let c = *ui;
            keep = keep + c * c;
        }
        for i in 0..u.len() {
            u[i] = u[i] * w + keep * 0.1;
        }
        s += keep * (t as f64 + 1.0);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Rows of `Vec<Vec<f64>>`
// ---------------------------------------------------------------------------------------------

/// Rows of a parameter: `for row in g.iter() { for v in row.iter() }`, `&g[i][j]`, `&g[i]`.
#[differentiable]
fn param_rows(g: &[Vec<f64>], w: f64) -> f64 {
    let mut s = 0.0;
    for row in g.iter() {
        for v in row.iter() {
            s += v * v.sin() * w;
        }
    }
    let r = &g[1][2];
    let row = &g[0];
    s += *r * row[1] + r.exp();
    for (i, row) in g.iter().enumerate() {
        let e = &row[i];
        s += *e * w;
    }
    s
}

/// Rows of a local grid written, then iterated by reference.
#[differentiable]
fn local_rows(x: &[f64], w: f64) -> f64 {
    let n = 3;
    let mut g = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            g[i][j] = x[i] * x[j] + w;
        }
    }
    let mut s = 0.0;
    for row in g.iter() {
        for v in row.iter() {
            s += *v * v.cos();
        }
    }
    let r = &g[2][1];
    let a = *r;
    g[2][1] = a * a;
    s + a * g[2][1]
}

// ---------------------------------------------------------------------------------------------
// Pushes
// ---------------------------------------------------------------------------------------------

/// Pushes of dereferenced elements (a container loop without adapters), then more pushes
/// and reads of the length.
#[differentiable]
fn push_derefs(x: &[f64], w: f64) -> f64 {
    let mut v = Vec::new();
    for xi in x.iter() {
        v.push(*xi * w);
    }
    v.push(w);
    let mut s = 0.0;
    for vi in v.iter() {
        s += vi * vi;
    }
    s * (v.len() as f64) + v[v.len() - 2]
}

/// Pushes in a zip of two slices of different lengths: the buffer must be the shorter length.
#[differentiable]
fn push_zip_lengths(x: &[f64], y: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for (a, b) in x.iter().zip(y.iter()) {
        v.push(a * b + a.sin());
    }
    let n = v.len();
    let mut s = v[n - 1] * (n as f64);
    for vi in v.iter() {
        s += vi * vi;
    }
    s
}

/// Pushes in an `enumerate` loop with the index used and a `return` in the trip.
#[differentiable]
fn push_enumerate_return(x: &[f64], w: f64) -> f64 {
    let mut v = vec![];
    for (i, xi) in x.iter().enumerate() {
        if i == 20 {
            return w;
        }
        v.push(*xi * (i as f64 + w));
    }
    let mut s = 0.0;
    for vi in v.iter() {
        s += vi.sin();
    }
    s * v[0] + v[v.len() - 1]
}

// ---------------------------------------------------------------------------------------------
// Helpers taking references
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn h_ref(a: &f64, w: f64) -> f64 {
    *a * *a * w + a.sin()
}

#[differentiable]
fn h_slice(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for e in v.iter() {
        s += e * e.cos();
    }
    s
}

/// Helpers called with borrowed elements, borrows of locals and slices.
#[differentiable]
fn calls_helpers(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        s += h_ref(xi, w);
    }
    let r = &x[2];
    s += h_ref(r, 2.0) + h_ref(&x[1], w);
    let a = x[0] * w;
    s += h_ref(&a, 1.0);
    s += h_slice(&x[1..]) + h_slice(x);
    s
}

// ---------------------------------------------------------------------------------------------
// Generic, second order, nalgebra
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn generic_refs<T: Real>(x: &[T], y: &[T], w: T) -> T {
    let mut s = T::zero();
    for (a, b) in x.iter().zip(y.iter()) {
        let d = *a - *b * w;
        s += d * d + a.sin() * *b + (*a - w).abs();
        if a > b {
            s += *a * w;
        }
    }
    let r = &x[1];
    let c = *r;
    s + c * c.cos()
}

#[differentiable(order = 2)]
fn o2_refs<T: Real>(x: &[T], w: T) -> T {
    let mut s = T::zero();
    for (i, xi) in x.iter().enumerate().rev() {
        let d = *xi * w - x[(i + 1) % x.len()];
        s += d * d * xi.sin() + xi.exp() * w;
    }
    let r = &x[0];
    let mut a = *r * w;
    let b = a.clone();
    a = a * a;
    s + a * b
}

#[differentiable]
fn dvector_iter(v: &DVector<f64>, w: f64) -> f64 {
    let mut s = 0.0;
    for e in v.iter() {
        s += e * e.sin() * w;
    }
    for (i, e) in v.iter().enumerate() {
        s += *e * (i as f64 + 1.0);
    }
    let r = &v[1];
    s + *r * r.cos()
}

// ---------------------------------------------------------------------------------------------
// Batch 2: other spellings of borrowed elements
// ---------------------------------------------------------------------------------------------

/// A full-range borrow `&x[..]` of a parameter and of a local, iterated and owned.
#[differentiable]
fn full_range_borrow(x: &[f64], w: f64) -> f64 {
    let all = &x[..];
    let mut s = 0.0;
    for e in all.iter() {
        s += e * e * w;
    }
    let u = x.to_vec();
    let ua = &u[..];
    let c = ua.to_vec();
    s + c[1] * all[2]
}

/// `x.last().unwrap()`, `x.first().unwrap()`, `x.get(i).unwrap()` held as references.
#[differentiable]
fn option_refs(x: &[f64], w: f64) -> f64 {
    let l = x.last().unwrap();
    let f = x.first().unwrap();
    let g = x.get(2).unwrap();
    let a = *l * w;
    a * *f + g.sin() * *g
}

/// `for x in slice` (no `.iter()`), `for u in &local`, `.copied()`, `.cloned()`.
#[differentiable]
fn into_iter_forms(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x {
        s += xi * w;
    }
    let u = x.to_vec();
    for ui in &u {
        s += *ui * ui.sin();
    }
    for xi in x.iter().copied() {
        s += xi * xi * w;
    }
    for ui in u.iter().cloned() {
        s += ui.exp();
    }
    s
}

/// Reference patterns inside tuples: `(i, &x)`, `(&a, b)`, `(a, &b)`.
#[differentiable]
fn tuple_patterns(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, &xi) in x.iter().enumerate() {
        s += xi * (i as f64 + 0.5);
    }
    for (&a, b) in x.iter().zip(y.iter()) {
        s += a * b + b.cos() * a;
    }
    for (a, &b) in x.iter().zip(y.iter()) {
        s += a * b * b - *a;
    }
    s
}

/// Typed references and typed dereferences.
#[differentiable]
fn typed_refs(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let r: &f64 = &x[i];
        let c: f64 = *r;
        s += c * r.sin() * w;
    }
    let q: &f64 = &x[0];
    s + *q
}

/// A tuple of references, and references chosen by `match`.
#[differentiable]
fn tuple_of_refs(x: &[f64], w: f64) -> f64 {
    let (a, b) = (&x[0], &x[1]);
    let mut s = *a * *b * w;
    for i in 0..x.len() {
        let r = match i % 3 {
            0 => &x[i],
            1 => &x[0],
            _ => a,
        };
        s += *r * r.cos();
    }
    s
}

/// An `f32` slice in an `f64` function: borrowed `f32` elements converted.
#[differentiable]
fn f32_elems(x: &[f32], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let a = *xi * 2.0f32;
        let b = xi.sin();
        s += (a as f64) * w + (b as f64) * (*xi as f64);
    }
    s
}

/// A fixed array parameter iterated and borrowed.
#[differentiable]
fn array_param(p: [f64; 4], w: f64) -> f64 {
    let mut s = 0.0;
    for e in p.iter() {
        s += e * e.sin() * w;
    }
    let r = &p[2];
    s + *r * p[0]
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Poly {
    coef: Vec<f64>,
    scale: f64,
}

impl Poly {
    /// Horner's rule over the coefficients by reference.
    #[differentiable]
    fn horner(&self, x: f64) -> f64 {
        let mut s = 0.0;
        for c in self.coef.iter() {
            s = s * x + c;
        }
        let r = &self.scale;
        s * *r + self.coef[0]
    }
}

/// Nested loops: a borrowed element of the outer loop dereferenced in the inner one, and a
/// float of the outer trip cloned in the inner one.
#[differentiable]
fn nested_derefs(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let a = *xi * s + 0.5;
        for yj in y.iter() {
            let c = *xi;
            let b = a.clone();
            s += c * yj * b;
        }
        s = s * 0.5 + x[(i + 1) % x.len()];
    }
    s
}

/// A counted `while` over borrowed elements.
#[differentiable]
fn while_refs(x: &[f64], w: f64) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    while i < x.len() {
        let r = &x[i];
        let c = *r;
        s += c * c * w;
        i += 1;
    }
    let mut j = 0;
    while j < x.len() {
        let r = &x[j];
        j += 2;
        s += *r * r.sin();
    }
    s
}

/// A generic function with a `T` slice and an `f64` slice zipped.
#[differentiable]
fn generic_mixed<T: Real>(x: &[T], #[no_grad] c: &[f64], w: T) -> T {
    let mut s = T::zero();
    for (a, b) in x.iter().zip(c.iter()) {
        let k = *b * 2.0;
        s += *a * w * T::from_f64(k) + a.sin();
    }
    s
}

/// Early `return` of a dereferenced element and `break` with a held reference.
#[differentiable]
fn early_exits(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    let mut last = &x[0];
    for xi in x.iter() {
        if *xi * w > 10.0 {
            return *xi * s;
        }
        if s > 3.0 {
            break;
        }
        s += xi * xi;
        last = xi;
    }
    s * *last
}

// ---------------------------------------------------------------------------------------------
// Batch 3: locals that are containers of floats because dereferenced elements are pushed
// ---------------------------------------------------------------------------------------------

#[differentiable]
fn lse(v: &[f64]) -> f64 {
    let mut m = v[0];
    for e in v.iter() {
        if *e > m {
            m = *e;
        }
    }
    let mut s = 0.0;
    for e in v.iter() {
        s += (e - m).exp();
    }
    m + s.ln()
}

/// A helper called per trip on a local built from dereferenced elements (a dense local of
/// floats lent by reference).
#[differentiable]
fn helper_on_derefs(x: &[f64], w: f64) -> f64 {
    let mut total = 0.0;
    for t in 0..3 {
        let mut v = Vec::new();
        for xi in x.iter() {
            v.push(*xi * w + t as f64 * 0.1);
        }
        total += lse(&v);
        let mut u = Vec::new();
        for (a, b) in x.iter().zip(v.iter()) {
            u.push(a.sin() * b);
        }
        total += lse(&u) * 0.5;
    }
    total
}

/// A local built from `xi.sin()` pushes, then changed in place (`swap`, `reverse`, writes,
/// `pop`, `truncate`) and read by reference.
#[differentiable]
fn inplace_on_derefs(x: &[f64], w: f64) -> f64 {
    let mut v = Vec::new();
    for xi in x.iter() {
        v.push(xi.sin() * w);
    }
    v.swap(0, 2);
    v.reverse();
    let n = v.len();
    for i in 0..n {
        v[i] = v[i] * v[(i + 1) % n] + w;
    }
    let last = v.pop().unwrap();
    v.truncate(3);
    let mut s = last * 2.0;
    for vi in v.iter() {
        s += vi * vi;
    }
    s
}

/// Rows pushed from dereferenced elements, iterated by reference row by row.
#[differentiable]
fn rows_from_derefs(x: &[f64], w: f64) -> f64 {
    let mut g = Vec::new();
    for i in 0..3 {
        let mut row = Vec::new();
        for xi in x.iter() {
            row.push(*xi * (i as f64 + w));
        }
        g.push(row);
    }
    let mut s = 0.0;
    for row in g.iter() {
        for v in row.iter() {
            s += v * v.cos();
        }
    }
    let r = &g[1][2];
    s + *r * g[2][0]
}

/// A local from dereferenced elements extended, summed, cloned and compared.
#[differentiable]
fn extend_sum_clone(x: &[f64], w: f64) -> f64 {
    let mut v = Vec::new();
    for &xi in x.iter() {
        v.push(xi * w);
    }
    let u = v.clone();
    v.extend_from_slice(&u);
    let s: f64 = v.iter().sum();
    let mut t = 0.0;
    for (a, b) in v.iter().zip(u.iter()) {
        if a > b {
            t += a - b;
        } else {
            t += a * b;
        }
    }
    s * t
}

/// A stencil whose step pushes `*ui`-derived values into `next` and moves it over `u`, with
/// a borrowed neighbour.
#[differentiable]
fn stencil_refs(x: &[f64], k: f64) -> f64 {
    let n = x.len();
    let mut u = x.to_vec();
    for _ in 0..5 {
        let mut next = Vec::with_capacity(n);
        for (i, ui) in u.iter().enumerate() {
            let left = if i > 0 { &u[i - 1] } else { ui };
            let right = if i + 1 < n { &u[i + 1] } else { ui };
            next.push(*ui + k * (left - 2.0 * ui + right));
        }
        u = next;
    }
    let mut s = 0.0;
    for ui in u.iter() {
        s += ui * ui;
    }
    s
}

/// Generic `T` in a method of a type generic over `T` (the bound on the `impl`), and a
/// `where` clause.
struct Weights<T> {
    k: T,
}

impl<T: Real> Weights<T> {
    #[differentiable(wrt(x))]
    fn eval(&self, x: &[T]) -> T {
        let mut s = T::zero();
        for xi in x.iter() {
            let d = *xi * self.k;
            s += d * d + xi.sin();
        }
        s
    }
}

#[differentiable]
fn where_generic<T>(x: &[T], w: T) -> T
where
    T: Real,
{
    let mut s = T::zero();
    for xi in x.iter() {
        let d = *xi - w;
        s += d * d * xi.cos();
    }
    s
}

/// `wrt(w)` only: the slice's borrowed elements carry no derivative.
#[differentiable(wrt(w))]
fn wrt_scalar_only(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let d = *xi - w;
        s += d * d * xi.sin();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Batch 4: outputs, second order without generics, shadowing, indices that move
// ---------------------------------------------------------------------------------------------

/// `order = 2` on `f64` (not generic): operators mixing `&f64` and `f64`, a comparison of
/// references, a clone whose original is reassigned.
#[differentiable(order = 2)]
fn o2_f64_refs(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let a = xi * w - xi.sin() + w / (xi + 2.0) - (xi - w) * xi;
        let b = -xi;
        s += a * a + b * *xi;
        if xi > &w {
            s += xi.powi(3);
        }
    }
    let r = &x[1];
    let c = *r;
    let mut m = x[0];
    let d = m.clone();
    m = m * 3.0;
    s + c * d * m
}

/// A tuple output of dereferenced elements.
#[differentiable]
fn tuple_out(x: &[f64], w: f64) -> (f64, f64) {
    let r = &x[1];
    let mut s = 0.0;
    for xi in x.iter() {
        s += xi * w;
    }
    (*r * s, r.sin())
}

/// An array output of dereferenced elements.
#[differentiable]
fn array_out(x: &[f64], w: f64) -> [f64; 2] {
    let r = &x[1];
    let q = &x[2];
    [*r * w, *q * *r]
}

/// The result is the dereference of a reference reassigned in a loop.
#[differentiable]
fn tail_deref(x: &[f64], w: f64) -> f64 {
    let mut best = &x[0];
    for xi in x.iter() {
        if xi * w > best * w {
            best = xi;
        }
    }
    *best
}

/// Locals that shadow the parameters inside the trip (`w`, then `x` after the loop), read
/// next to a dereferenced parameter element in a condition.
#[differentiable]
fn shadow_params(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let w = *xi * w;
        let c = *xi;
        if c > w {
            s += c * w;
        } else {
            s -= c;
        }
    }
    let x = vec![1.0, 2.0];
    s + x[0]
}

/// The loop index shadowed after the borrow: `let r = &x[k]; let k = k + 1;`.
#[differentiable]
fn shadow_index(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    let n = x.len();
    for k in 0..n {
        let r = &x[k];
        let k = (k + 1) % n;
        let c = *r;
        if c > x[k] {
            s += c * w * x[k];
        } else {
            s -= c * c;
        }
    }
    s
}

/// A reference given by `break &x[k]` out of a `loop`, the index reset afterwards.
#[differentiable]
fn loop_break_ref(x: &[f64], w: f64) -> f64 {
    let mut k = 0;
    let r = loop {
        if x[k] * w > 0.2 || k + 1 == x.len() {
            break &x[k];
        }
        k += 1;
    };
    k = 0;
    let c = *r;
    c * c * x[k] + r.sin()
}

/// A reference made in a block from a copy of an index that changes afterwards.
#[differentiable]
fn block_ref(x: &[f64], w: f64) -> f64 {
    let mut k = 3;
    let r = {
        let j = k;
        &x[j]
    };
    k = 1;
    let c = *r;
    c * w * x[k] + c.sin()
}

/// An index computed from a parameter (`(w * 3.0) as usize`) for the borrow.
#[differentiable]
fn cast_index(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for t in 0..x.len() {
        let j = ((w * 3.0) as usize + t) % x.len();
        let r = &x[j];
        let c = *r;
        s += c * c * w;
    }
    s
}

/// References held in a `vec!` and an array (not pushed), dereferenced twice.
#[differentiable]
fn held_in_containers(x: &[f64], w: f64) -> f64 {
    let sel = vec![&x[0], &x[2]];
    let mut s = 0.0;
    for r in sel.iter() {
        s += **r * w;
    }
    let rs = [&x[0], &x[1]];
    let a = *rs[0];
    s + a * w + *rs[1]
}

/// Float methods on borrowed `T` elements.
#[differentiable]
fn generic_methods<T: Real>(x: &[T], w: T) -> T {
    let mut s = T::zero();
    for xi in x.iter() {
        s += xi.max(w) + xi.powi(3) + xi.mul_add(w, w) + xi.abs() * xi.exp() + xi.hypot(w);
        if *xi < w {
            s -= *xi * w;
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Batch 5: accumulation loops over borrowed elements (fusion candidates)
// ---------------------------------------------------------------------------------------------

/// A top-level sum over borrowed elements with branches and a value chosen by a branch.
#[differentiable]
fn fused_branches(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        let sp = if *xi > 0.0 { xi * w } else { xi.exp() - 1.0 };
        if sp > 0.1 {
            s += sp * sp;
        } else {
            s -= 0.5 * sp * *xi;
        }
    }
    s
}

/// A trip sum over a zipped inner loop of borrowed elements, then read squared (a
/// correlation); the inner condition reads borrowed elements only.
#[differentiable]
fn fused_trip_sum(x: &[f64], k: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let mut y = 0.0;
        for kj in k.iter() {
            if kj > xi {
                y += kj * xi;
            } else {
                y += *kj;
            }
        }
        s += y * y + xi.sin();
    }
    s
}

/// Huber loss over zipped borrowed elements (`r.abs() <= delta` in the condition).
#[differentiable]
fn huber_refs(pred: &[f64], target: &[f64], delta: f64) -> f64 {
    let mut s = 0.0;
    for (p, t) in pred.iter().zip(target.iter()) {
        let r = p - t;
        if r.abs() <= delta {
            s += 0.5 * r * r;
        } else {
            s += delta * (r.abs() - 0.5 * delta);
        }
    }
    s
}

/// Linear regression by zipped borrowed elements (the benchmark form).
#[differentiable]
fn linreg_zip(xs: &[f64], ys: &[f64], a: f64) -> f64 {
    let b = 0.25;
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys.iter()) {
        let e = a * x + b - y;
        s += e * e;
    }
    s / xs.len() as f64
}

// ---------------------------------------------------------------------------------------------
// Batch 6: slices rebound to ranges, macros and `stop_gradient` on borrowed elements
// ---------------------------------------------------------------------------------------------

/// A `mut` slice parameter rebound to its tail each step, its first element borrowed.
#[differentiable]
fn shrink<'a>(mut x: &'a [f64], w: f64) -> f64 {
    let mut s = 0.0;
    while x.len() > 1 {
        let r = &x[0];
        let c = *r;
        s += c * w + r.sin() * s;
        x = &x[1..];
    }
    for xi in x.iter() {
        s += *xi * 2.0;
    }
    s
}

/// A local view rebound to its tail each step, an element of the view borrowed.
#[differentiable]
fn rebound_view(x: &[f64], w: f64) -> f64 {
    let mut v = &x[..];
    let mut s = 0.0;
    for _t in 0..3 {
        let r = &v[1];
        let c = *r;
        s += c * c * w;
        v = &v[1..];
        for e in v.iter() {
            s += e * c;
        }
    }
    s
}

/// `dbg!`, `assert!`, `format!` naming borrowed elements, and `stop_gradient` of one.
#[differentiable]
fn macros_on_refs(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for xi in x.iter() {
        assert!(xi.is_finite(), "element {xi}");
        let c = dbg!(*xi * w);
        let label = format!("{:.3}", *xi);
        let k = stop_gradient(*xi);
        s += c * k + xi * xi + label.len() as f64 * 0.0;
    }
    s
}

/// Generic pushes of dereferenced `T` elements in container loops (a sized buffer of `T`),
/// at first and second order.
#[differentiable(order = 2)]
fn generic_pushes<T: Real>(x: &[T], w: T) -> T {
    let mut v = Vec::new();
    for xi in x.iter() {
        v.push(*xi * w + xi.sin());
    }
    let mut u = Vec::with_capacity(x.len());
    for (a, b) in x.iter().zip(v.iter()) {
        u.push(*a * *b);
    }
    let mut s = T::zero();
    for (i, ui) in u.iter().enumerate() {
        s += *ui * v[(i + 1) % v.len()];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

macro_rules! slice_scalar {
    ($name:ident, $grad:ident, $vjp:ident, $jvp:ident, $x:expr, $w:expr) => {{
        let x: Vec<f64> = $x;
        let w: f64 = $w;
        let r = $grad(&x, w);
        slice_scalar_check(stringify!($name), $name, r.clone(), &x, w);
        let (y, pb) = $vjp(&x, w);
        assert!((y - r.0).abs() <= 1e-12 * (1.0 + y.abs()));
        let (gx, gw) = pb(1.0);
        same(stringify!($name), &gx, &(r.1).0);
        same(stringify!($name), &[gw], &[(r.1).1]);
        let t: Vec<f64> = sines(x.len(), -0.9);
        let (y2, dy) = $jvp(&x, w, t.clone(), 0.35);
        assert!((y2 - r.0).abs() <= 1e-12 * (1.0 + y2.abs()));
        let mut g = (r.1).0.clone();
        g.push((r.1).1);
        let mut tt = t;
        tt.push(0.35);
        jvp_agrees(stringify!($name), dy, &g, &tt);
    }};
}

#[test]
fn t_mixed_ops() {
    slice_scalar!(
        mixed_ops,
        mixed_ops_grad,
        mixed_ops_vjp,
        mixed_ops_jvp,
        sines(7, 0.8),
        0.4
    );
}

#[test]
fn t_ref_methods() {
    slice_scalar!(
        ref_methods,
        ref_methods_grad,
        ref_methods_vjp,
        ref_methods_jvp,
        positive(7),
        0.9
    );
}

#[test]
fn t_path_methods() {
    slice_scalar!(
        path_methods,
        path_methods_grad,
        path_methods_vjp,
        path_methods_jvp,
        sines(7, 0.8),
        0.1
    );
}

#[test]
fn t_ref_conditions() {
    slice_scalar!(
        ref_conditions,
        ref_conditions_grad,
        ref_conditions_vjp,
        ref_conditions_jvp,
        sines(9, 0.8),
        0.25
    );
}

#[test]
fn t_ref_match() {
    slice_scalar!(
        ref_match,
        ref_match_grad,
        ref_match_vjp,
        ref_match_jvp,
        sines(9, 0.8),
        0.6
    );
}

#[test]
fn t_ref_sin_cos() {
    slice_scalar!(
        ref_sin_cos,
        ref_sin_cos_grad,
        ref_sin_cos_vjp,
        ref_sin_cos_jvp,
        sines(6, 0.8),
        0.6
    );
}

#[test]
fn t_pattern_shadow() {
    slice_scalar!(
        pattern_shadow,
        pattern_shadow_grad,
        pattern_shadow_vjp,
        pattern_shadow_jvp,
        sines(6, 0.8),
        0.7
    );
}

#[test]
fn t_adapters() {
    let x = sines(7, 0.8);
    let y = sines(5, -0.6);
    pair_check("adapters", adapters, adapters_grad(&x, &y), &x, &y);
    let (_, pb) = adapters_vjp(&x, &y);
    let (gx, gy) = pb(1.0);
    let (_, (hx, hy)) = adapters_grad(&x, &y);
    same("adapters vjp x", &gx, &hx);
    same("adapters vjp y", &gy, &hy);
}

#[test]
fn t_zip_local() {
    slice_scalar!(
        zip_local,
        zip_local_grad,
        zip_local_vjp,
        zip_local_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_views() {
    slice_scalar!(views, views_grad, views_vjp, views_jvp, sines(7, 0.8), 0.3);
}

#[test]
fn t_held_reborrow() {
    slice_scalar!(
        held_reborrow,
        held_reborrow_grad,
        held_reborrow_vjp,
        held_reborrow_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_index_moves_after_borrow() {
    slice_scalar!(
        index_moves_after_borrow,
        index_moves_after_borrow_grad,
        index_moves_after_borrow_vjp,
        index_moves_after_borrow_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_rotating_index() {
    slice_scalar!(
        rotating_index,
        rotating_index_grad,
        rotating_index_vjp,
        rotating_index_jvp,
        sines(7, 0.8),
        0.3
    );
}

#[test]
fn t_argmax_ref() {
    slice_scalar!(
        argmax_ref,
        argmax_ref_grad,
        argmax_ref_vjp,
        argmax_ref_jvp,
        sines(7, 0.8),
        0.3
    );
}

#[test]
fn t_chosen_ref() {
    slice_scalar!(
        chosen_ref,
        chosen_ref_grad,
        chosen_ref_vjp,
        chosen_ref_jvp,
        sines(6, 0.8),
        0.3
    );
    slice_scalar!(
        chosen_ref,
        chosen_ref_grad,
        chosen_ref_vjp,
        chosen_ref_jvp,
        sines(6, 0.8),
        -0.3
    );
}

#[test]
fn t_local_borrow_then_write() {
    slice_scalar!(
        local_borrow_then_write,
        local_borrow_then_write_grad,
        local_borrow_then_write_vjp,
        local_borrow_then_write_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_borrow_local_float() {
    slice_scalar!(
        borrow_local_float,
        borrow_local_float_grad,
        borrow_local_float_vjp,
        borrow_local_float_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_clone_then_reassign() {
    slice_scalar!(
        clone_then_reassign,
        clone_then_reassign_grad,
        clone_then_reassign_vjp,
        clone_then_reassign_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_clone_then_shadow() {
    slice_scalar!(
        clone_then_shadow,
        clone_then_shadow_grad,
        clone_then_shadow_vjp,
        clone_then_shadow_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_clone_then_swap() {
    slice_scalar!(
        clone_then_swap,
        clone_then_swap_grad,
        clone_then_swap_vjp,
        clone_then_swap_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_clone_of_refs() {
    slice_scalar!(
        clone_of_refs,
        clone_of_refs_grad,
        clone_of_refs_vjp,
        clone_of_refs_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_local_rewrites() {
    slice_scalar!(
        local_rewrites,
        local_rewrites_grad,
        local_rewrites_vjp,
        local_rewrites_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_moved_steps() {
    slice_scalar!(
        moved_steps,
        moved_steps_grad,
        moved_steps_vjp,
        moved_steps_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_swapped_steps() {
    slice_scalar!(
        swapped_steps,
        swapped_steps_grad,
        swapped_steps_vjp,
        swapped_steps_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_kept_derefs() {
    slice_scalar!(
        kept_derefs,
        kept_derefs_grad,
        kept_derefs_vjp,
        kept_derefs_jvp,
        sines(6, 0.8),
        0.7
    );
}

#[test]
fn t_param_rows() {
    let x = sines(12, 0.8);
    let w = 0.4;
    let (v, (gg, gw)) = param_rows_grad(&rows_of(&x, 4), w);
    slice_scalar_check(
        "param_rows",
        |z, w| param_rows(&rows_of(z, 4), w),
        (v, (flat(&gg), gw)),
        &x,
        w,
    );
}

#[test]
fn t_local_rows() {
    slice_scalar!(
        local_rows,
        local_rows_grad,
        local_rows_vjp,
        local_rows_jvp,
        sines(4, 0.8),
        0.3
    );
}

#[test]
fn t_push_derefs() {
    slice_scalar!(
        push_derefs,
        push_derefs_grad,
        push_derefs_vjp,
        push_derefs_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_push_zip_lengths() {
    for (n, m) in [(7, 4), (4, 7), (5, 5)] {
        let x = sines(n, 0.8);
        let y = sines(m, -0.6);
        pair_check(
            "push_zip_lengths",
            push_zip_lengths,
            push_zip_lengths_grad(&x, &y),
            &x,
            &y,
        );
    }
}

#[test]
fn t_push_enumerate_return() {
    slice_scalar!(
        push_enumerate_return,
        push_enumerate_return_grad,
        push_enumerate_return_vjp,
        push_enumerate_return_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_calls_helpers() {
    slice_scalar!(
        calls_helpers,
        calls_helpers_grad,
        calls_helpers_vjp,
        calls_helpers_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_generic_refs() {
    let x = sines(6, 0.8);
    let y = sines(6, -0.6);
    let w = 0.3;
    let (v, (gx, gy, gw)) = generic_refs_grad(&x[..], &y[..], w);
    let mut z = x.clone();
    z.extend(&y);
    z.push(w);
    let mut g = gx.clone();
    g.extend(&gy);
    g.push(gw);
    check_value_grad(
        "generic_refs",
        |z| generic_refs::<f64>(&z[..6], &z[6..12], z[12]),
        (v, g),
        &z,
    );
    let (_, (gx32, gy32, gw32)) = generic_refs_grad(&to32(&x)[..], &to32(&y)[..], w as f32);
    agree("generic_refs f32 x", &gx, &gx32, 1e-4);
    agree("generic_refs f32 y", &gy, &gy32, 1e-4);
    agree("generic_refs f32 w", &[gw], &[gw32], 1e-4);
}

#[test]
fn t_o2_refs() {
    let x = sines(6, 0.8);
    let w = 0.7;
    let r = o2_refs_grad(&x[..], w);
    slice_scalar_check("o2_refs", |z, w| o2_refs::<f64>(z, w), r.clone(), &x, w);
    let v: Vec<f64> = sines(6, -0.4);
    let vw = 0.3;
    let (_, _, (hx, hw)) = o2_refs_hvp(&x[..], w, v.clone(), vw);
    let mut z = x.clone();
    z.push(w);
    let mut dir = v.clone();
    dir.push(vw);
    let mut hv = hx.clone();
    hv.push(hw);
    check_hvp(
        "o2_refs",
        |z| {
            let (_, (g, gw)) = o2_refs_grad(&z[..6], z[6]);
            let mut g = g;
            g.push(gw);
            g
        },
        &hv,
        &z,
        &dir,
    );
}

#[test]
fn t_dvector_iter() {
    let x = sines(5, 0.8);
    let w = 0.4;
    let (v, (g, gw)) = dvector_iter_grad(&DVector::from_column_slice(&x), w);
    slice_scalar_check(
        "dvector_iter",
        |z, w| dvector_iter(&DVector::from_column_slice(z), w),
        (v, (g.as_slice().to_vec(), gw)),
        &x,
        w,
    );
}

#[test]
fn t_full_range_borrow() {
    slice_scalar!(
        full_range_borrow,
        full_range_borrow_grad,
        full_range_borrow_vjp,
        full_range_borrow_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_option_refs() {
    slice_scalar!(
        option_refs,
        option_refs_grad,
        option_refs_vjp,
        option_refs_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_into_iter_forms() {
    slice_scalar!(
        into_iter_forms,
        into_iter_forms_grad,
        into_iter_forms_vjp,
        into_iter_forms_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_tuple_patterns() {
    let x = sines(7, 0.8);
    let y = sines(5, -0.6);
    pair_check(
        "tuple_patterns",
        tuple_patterns,
        tuple_patterns_grad(&x, &y),
        &x,
        &y,
    );
}

#[test]
fn t_typed_refs() {
    slice_scalar!(
        typed_refs,
        typed_refs_grad,
        typed_refs_vjp,
        typed_refs_jvp,
        sines(6, 0.8),
        0.3
    );
}

#[test]
fn t_tuple_of_refs() {
    slice_scalar!(
        tuple_of_refs,
        tuple_of_refs_grad,
        tuple_of_refs_vjp,
        tuple_of_refs_jvp,
        sines(7, 0.8),
        0.3
    );
}

#[test]
fn t_f32_elems() {
    let x = sines(5, 0.8);
    let x32 = to32(&x);
    let w = 0.3;
    let (v, (g32, gw)) = f32_elems_grad(&x32, w);
    assert!((v - f32_elems(&x32, w)).abs() <= 1e-12 * (1.0 + v.abs()));
    // ∂/∂x[i] = 2 w + cos(x) x + sin(x), in f32
    for (i, xi) in x32.iter().enumerate() {
        let want = 2.0 * w as f32 + xi.cos() * xi + xi.sin();
        assert!(
            (g32[i] - want).abs() < 1e-5,
            "f32_elems[{i}]: {} vs {want}",
            g32[i]
        );
    }
    let want_w: f64 = x32.iter().map(|v| (v * 2.0) as f64).sum();
    assert!((gw - want_w).abs() < 1e-9, "{gw} vs {want_w}");
}

#[test]
fn t_array_param() {
    let x = sines(4, 0.8);
    let w = 0.3;
    let p = [x[0], x[1], x[2], x[3]];
    let (v, (g, gw)) = array_param_grad(p, w);
    slice_scalar_check(
        "array_param",
        |z, w| array_param([z[0], z[1], z[2], z[3]], w),
        (v, (g.to_vec(), gw)),
        &x,
        w,
    );
}

#[test]
fn t_horner() {
    let c = sines(5, 0.8);
    let x = 0.7;
    let p = Poly {
        coef: c.clone(),
        scale: 1.3,
    };
    let (v, g) = p.horner_grad(x);
    let (v, g) = (v, g);
    let mut z = c.clone();
    z.push(1.3);
    let mut gz = g.0.coef.clone();
    gz.push(g.0.scale);
    check_value_grad(
        "horner",
        |z| {
            Poly {
                coef: z[..5].to_vec(),
                scale: z[5],
            }
            .horner(x)
        },
        (v, gz),
        &z,
    );
    let h = 1e-6;
    let fd = (p.horner(x + h) - p.horner(x - h)) / (2.0 * h);
    assert!(
        (g.1 - fd).abs() < 1e-6 * (1.0 + fd.abs()),
        "horner x: {} vs {fd}",
        g.1
    );
}

#[test]
fn t_nested_derefs() {
    let x = sines(5, 0.8);
    let y = sines(4, -0.6);
    pair_check(
        "nested_derefs",
        nested_derefs,
        nested_derefs_grad(&x, &y),
        &x,
        &y,
    );
}

#[test]
fn t_while_refs() {
    slice_scalar!(
        while_refs,
        while_refs_grad,
        while_refs_vjp,
        while_refs_jvp,
        sines(7, 0.8),
        0.3
    );
}

#[test]
fn t_generic_mixed() {
    let x = sines(5, 0.8);
    let c = sines(5, -0.6);
    let w = 0.4;
    let (v, (g, gw)) = generic_mixed_grad(&x[..], &c[..], w);
    slice_scalar_check(
        "generic_mixed",
        |z, w| generic_mixed::<f64>(z, &c, w),
        (v, (g.clone(), gw)),
        &x,
        w,
    );
    let (_, (g32, gw32)) = generic_mixed_grad(&to32(&x)[..], &c[..], w as f32);
    agree("generic_mixed f32", &g, &g32, 1e-4);
    agree("generic_mixed f32 w", &[gw], &[gw32], 1e-4);
}

#[test]
fn t_early_exits() {
    slice_scalar!(
        early_exits,
        early_exits_grad,
        early_exits_vjp,
        early_exits_jvp,
        sines(7, 0.8),
        0.3
    );
    slice_scalar!(
        early_exits,
        early_exits_grad,
        early_exits_vjp,
        early_exits_jvp,
        sines(7, 0.8),
        30.0
    );
    slice_scalar!(
        early_exits,
        early_exits_grad,
        early_exits_vjp,
        early_exits_jvp,
        positive(9),
        0.01
    );
}

#[test]
fn t_helper_on_derefs() {
    slice_scalar!(
        helper_on_derefs,
        helper_on_derefs_grad,
        helper_on_derefs_vjp,
        helper_on_derefs_jvp,
        sines(6, 0.8),
        0.7
    );
}

#[test]
fn t_inplace_on_derefs() {
    slice_scalar!(
        inplace_on_derefs,
        inplace_on_derefs_grad,
        inplace_on_derefs_vjp,
        inplace_on_derefs_jvp,
        sines(6, 0.8),
        0.7
    );
}

#[test]
fn t_rows_from_derefs() {
    slice_scalar!(
        rows_from_derefs,
        rows_from_derefs_grad,
        rows_from_derefs_vjp,
        rows_from_derefs_jvp,
        sines(5, 0.8),
        0.7
    );
}

#[test]
fn t_extend_sum_clone() {
    slice_scalar!(
        extend_sum_clone,
        extend_sum_clone_grad,
        extend_sum_clone_vjp,
        extend_sum_clone_jvp,
        sines(5, 0.8),
        0.7
    );
    slice_scalar!(
        extend_sum_clone,
        extend_sum_clone_grad,
        extend_sum_clone_vjp,
        extend_sum_clone_jvp,
        sines(5, 0.8),
        -0.7
    );
}

#[test]
fn t_stencil_refs() {
    slice_scalar!(
        stencil_refs,
        stencil_refs_grad,
        stencil_refs_vjp,
        stencil_refs_jvp,
        sines(6, 0.8),
        0.2
    );
}

#[test]
fn t_weights_eval() {
    let x = sines(6, 0.8);
    let m = Weights { k: 0.7 };
    let (v, g) = m.eval_grad(&x);
    check_value_grad("weights eval", |z| m.eval(z), (v, g.clone()), &x);
    let m32 = Weights { k: 0.7f32 };
    let (_, g32) = m32.eval_grad(&to32(&x));
    agree("weights eval f32", &g, &g32, 1e-4);
}

#[test]
fn t_where_generic() {
    let x = sines(6, 0.8);
    let r = where_generic_grad(&x[..], 0.3);
    slice_scalar_check(
        "where_generic",
        |z, w| where_generic::<f64>(z, w),
        r.clone(),
        &x,
        0.3,
    );
    let (_, (g32, gw32)) = where_generic_grad(&to32(&x)[..], 0.3f32);
    agree("where_generic f32", &(r.1).0, &g32, 1e-4);
    agree("where_generic f32 w", &[(r.1).1], &[gw32], 1e-4);
}

#[test]
fn t_wrt_scalar_only() {
    let x = sines(6, 0.8);
    let (v, gw) = wrt_scalar_only_grad(&x, 0.3);
    assert!((v - wrt_scalar_only(&x, 0.3)).abs() < 1e-12);
    let h = 1e-6;
    let fd = (wrt_scalar_only(&x, 0.3 + h) - wrt_scalar_only(&x, 0.3 - h)) / (2.0 * h);
    assert!((gw - fd).abs() < 1e-6 * (1.0 + fd.abs()), "{gw} vs {fd}");
}

#[test]
fn t_o2_f64_refs() {
    let x = sines(6, 0.8);
    let w = 0.35;
    let r = o2_f64_refs_grad(&x, w);
    slice_scalar_check("o2_f64_refs", o2_f64_refs, r.clone(), &x, w);
    let v = sines(6, -0.4);
    let vw = 0.3;
    let (_, _, (hx, hw)) = o2_f64_refs_hvp(&x, w, v.clone(), vw);
    let mut z = x.clone();
    z.push(w);
    let mut dir = v.clone();
    dir.push(vw);
    let mut hv = hx.clone();
    hv.push(hw);
    check_hvp(
        "o2_f64_refs",
        |z| {
            let (_, (mut g, gw)) = o2_f64_refs_grad(&z[..6], z[6]);
            g.push(gw);
            g
        },
        &hv,
        &z,
        &dir,
    );
}

#[test]
fn t_tuple_out() {
    let x = sines(5, 0.8);
    let w = 0.4;
    let (y, pb) = tuple_out_vjp(&x, w);
    assert_eq!(y, tuple_out(&x, w));
    for (c0, c1) in [(1.0, 0.0), (0.0, 1.0), (0.7, -1.3)] {
        let (g, gw) = pb((c0, c1));
        let f = |z: &[f64], w: f64| {
            let (a, b) = tuple_out(z, w);
            c0 * a + c1 * b
        };
        slice_scalar_check("tuple_out", f, (f(&x, w), (g, gw)), &x, w);
    }
    let t = sines(5, -0.9);
    let (_, (d0, d1)) = tuple_out_jvp(&x, w, t.clone(), 0.2);
    let (g0, gw0) = pb((1.0, 0.0));
    let (g1, gw1) = pb((0.0, 1.0));
    let mut tt = t.clone();
    tt.push(0.2);
    let mut a = g0.clone();
    a.push(gw0);
    let mut b = g1.clone();
    b.push(gw1);
    jvp_agrees("tuple_out 0", d0, &a, &tt);
    jvp_agrees("tuple_out 1", d1, &b, &tt);
}

#[test]
fn t_array_out() {
    let x = sines(5, 0.8);
    let w = 0.4;
    let (y, pb) = array_out_vjp(&x, w);
    assert_eq!(y, array_out(&x, w));
    for c in [[1.0, 0.0], [0.0, 1.0], [0.3, -2.0]] {
        let (g, gw) = pb(c);
        let f = |z: &[f64], w: f64| {
            let a = array_out(z, w);
            c[0] * a[0] + c[1] * a[1]
        };
        slice_scalar_check("array_out", f, (f(&x, w), (g, gw)), &x, w);
    }
}

#[test]
fn t_tail_deref() {
    slice_scalar!(
        tail_deref,
        tail_deref_grad,
        tail_deref_vjp,
        tail_deref_jvp,
        sines(7, 0.8),
        0.3
    );
    slice_scalar!(
        tail_deref,
        tail_deref_grad,
        tail_deref_vjp,
        tail_deref_jvp,
        sines(7, 0.8),
        -0.3
    );
}

#[test]
fn t_shadow_params() {
    slice_scalar!(
        shadow_params,
        shadow_params_grad,
        shadow_params_vjp,
        shadow_params_jvp,
        sines(7, 0.8),
        0.5
    );
}

#[test]
fn t_shadow_index() {
    slice_scalar!(
        shadow_index,
        shadow_index_grad,
        shadow_index_vjp,
        shadow_index_jvp,
        sines(7, 0.8),
        0.5
    );
}

#[test]
fn t_loop_break_ref() {
    slice_scalar!(
        loop_break_ref,
        loop_break_ref_grad,
        loop_break_ref_vjp,
        loop_break_ref_jvp,
        sines(7, 0.8),
        0.9
    );
    slice_scalar!(
        loop_break_ref,
        loop_break_ref_grad,
        loop_break_ref_vjp,
        loop_break_ref_jvp,
        sines(7, 0.8),
        -0.9
    );
}

#[test]
fn t_block_ref() {
    slice_scalar!(
        block_ref,
        block_ref_grad,
        block_ref_vjp,
        block_ref_jvp,
        sines(7, 0.8),
        0.9
    );
}

#[test]
fn t_cast_index() {
    slice_scalar!(
        cast_index,
        cast_index_grad,
        cast_index_vjp,
        cast_index_jvp,
        sines(7, 0.8),
        0.9
    );
    slice_scalar!(
        cast_index,
        cast_index_grad,
        cast_index_vjp,
        cast_index_jvp,
        sines(7, 0.8),
        1.45
    );
}

#[test]
fn t_held_in_containers() {
    slice_scalar!(
        held_in_containers,
        held_in_containers_grad,
        held_in_containers_vjp,
        held_in_containers_jvp,
        sines(7, 0.8),
        0.9
    );
}

#[test]
fn t_generic_methods() {
    let x = sines(6, 0.8);
    let r = generic_methods_grad(&x[..], 0.3);
    slice_scalar_check(
        "generic_methods",
        |z, w| generic_methods::<f64>(z, w),
        r.clone(),
        &x,
        0.3,
    );
    let (_, (g32, gw32)) = generic_methods_grad(&to32(&x)[..], 0.3f32);
    agree("generic_methods f32", &(r.1).0, &g32, 1e-4);
    agree("generic_methods f32 w", &[(r.1).1], &[gw32], 1e-4);
}

#[test]
fn t_fused_branches() {
    slice_scalar!(
        fused_branches,
        fused_branches_grad,
        fused_branches_vjp,
        fused_branches_jvp,
        sines(9, 0.8),
        0.7
    );
    slice_scalar!(
        fused_branches,
        fused_branches_grad,
        fused_branches_vjp,
        fused_branches_jvp,
        sines(9, 0.8),
        -0.7
    );
}

#[test]
fn t_fused_trip_sum() {
    let x = sines(6, 0.8);
    let k = sines(4, -0.7);
    pair_check(
        "fused_trip_sum",
        fused_trip_sum,
        fused_trip_sum_grad(&x, &k),
        &x,
        &k,
    );
    let (_, pb) = fused_trip_sum_vjp(&x, &k);
    let (gx, gk) = pb(1.0);
    let (_, (hx, hk)) = fused_trip_sum_grad(&x, &k);
    same("fused_trip_sum vjp x", &gx, &hx);
    same("fused_trip_sum vjp k", &gk, &hk);
}

#[test]
fn t_huber_refs() {
    let p = sines(8, 0.9);
    let t = sines(8, -0.4);
    for delta in [0.3, 0.8] {
        let (v, (gp, gt, gd)) = huber_refs_grad(&p, &t, delta);
        let mut z = p.clone();
        z.extend(&t);
        z.push(delta);
        let mut g = gp;
        g.extend(gt);
        g.push(gd);
        check_value_grad(
            "huber_refs",
            |z| huber_refs(&z[..8], &z[8..16], z[16]),
            (v, g),
            &z,
        );
    }
}

#[test]
fn t_linreg_zip() {
    let xs = sines(8, 0.9);
    let ys = sines(8, -0.4);
    let (v, (gx, gy, ga)) = linreg_zip_grad(&xs, &ys, 0.6);
    let mut z = xs.clone();
    z.extend(&ys);
    z.push(0.6);
    let mut g = gx;
    g.extend(gy);
    g.push(ga);
    check_value_grad(
        "linreg_zip",
        |z| linreg_zip(&z[..8], &z[8..16], z[16]),
        (v, g),
        &z,
    );
}

#[test]
fn t_shrink() {
    slice_scalar!(
        shrink,
        shrink_grad,
        shrink_vjp,
        shrink_jvp,
        sines(6, 0.8),
        0.9
    );
}

#[test]
fn t_rebound_view() {
    slice_scalar!(
        rebound_view,
        rebound_view_grad,
        rebound_view_vjp,
        rebound_view_jvp,
        sines(6, 0.8),
        0.9
    );
}

#[test]
fn t_macros_on_refs() {
    let x = sines(5, 0.8);
    let w = 0.9;
    let (v, (g, gw)) = macros_on_refs_grad(&x, w);
    assert!((v - macros_on_refs(&x, w)).abs() < 1e-12);
    // k = stop_gradient(x_i): d/dx_i = w k + 2 x_i, d/dw = Σ x_i k
    for i in 0..5 {
        let want = w * x[i] + 2.0 * x[i];
        assert!(
            (g[i] - want).abs() < 1e-12,
            "macros_on_refs[{i}]: {} vs {want}",
            g[i]
        );
    }
    let want_w: f64 = x.iter().map(|a| a * a).sum();
    assert!((gw - want_w).abs() < 1e-12, "{gw} vs {want_w}");
}

#[test]
fn t_generic_pushes() {
    let x = sines(6, 0.8);
    let w = 0.6;
    let r = generic_pushes_grad(&x[..], w);
    slice_scalar_check(
        "generic_pushes",
        |z, w| generic_pushes::<f64>(z, w),
        r.clone(),
        &x,
        w,
    );
    let (_, (g32, gw32)) = generic_pushes_grad(&to32(&x)[..], w as f32);
    agree("generic_pushes f32", &(r.1).0, &g32, 1e-4);
    agree("generic_pushes f32 w", &[(r.1).1], &[gw32], 1e-4);
    let v = sines(6, -0.4);
    let vw = 0.3;
    let (_, _, (hx, hw)) = generic_pushes_hvp(&x[..], w, v.clone(), vw);
    let mut z = x.clone();
    z.push(w);
    let mut dir = v.clone();
    dir.push(vw);
    let mut hv = hx.clone();
    hv.push(hw);
    check_hvp(
        "generic_pushes",
        |z| {
            let (_, (mut g, gw)) = generic_pushes_grad(&z[..6], z[6]);
            g.push(gw);
            g
        },
        &hv,
        &z,
        &dir,
    );
}

/// Reproducers of the compile failures listed at the top (not compiled: remove the `cfg`).
#[cfg(any())]
mod compile_failures {
    use autodiff::prelude::*;

    /// `expected usize, found Range<usize>`, `[f64]: Clone`, `[f64]` unsized (also at 647dbd4),
    /// and since 18063e1 `expected &mut Option<Vec<f64>>, found &mut Plain<{float}>`.
    #[differentiable]
    fn range_var_borrow(x: &[f64], w: f64) -> f64 {
        let rg = 1..4;
        let r = &x[rg];
        let v = r.to_owned();
        v[0] * w
    }

    /// `expected f64, found &f64` (also at 647dbd4).
    #[differentiable]
    fn selected_refs(x: &[f64], w: f64) -> f64 {
        let mut sel = Vec::new();
        for i in 0..x.len() {
            if x[i] > 0.0 {
                sel.push(&x[i]);
            }
        }
        let mut s = 0.0;
        for r in sel.iter() {
            s += **r * w;
        }
        s
    }
}
