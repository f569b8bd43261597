//! Spans (`reverse/spans.rs`): an innermost loop that reads `base[c + j]` on every trip (`c`
//! fixed for the loop) indexes one slice of `base`, of its gradient buffer or of its adjoint
//! buffer, taken before the loop's reverse sweep, at the trip number.
//!
//! Members of the kind, each value against the function as written and each gradient against
//! central differences: forward substitution (the offset `i * n` of a triangular inner loop, a
//! parameter's gradient buffer, a local's adjoint buffer and its frozen copy), offsets read from
//! an index slice (`r * k + f`), a loop from a nonzero start, two offsets of one parameter, a
//! state copy (an RNN step), `f32` and `T: Real` code, parameters taken as `Vec`, `&Vec`,
//! arrays and nalgebra vectors, a helper called on sub-slices (a lent buffer), the pullback
//! called twice and a Hessian-vector product. Near misses: an offset that overflows when the
//! loop makes no trips (the span must not evaluate it), a read only behind a branch whose
//! span would run past the end, and a local read at two unrelated indices (its adjoint keeps
//! the buffer).

use autodiff::prelude::*;

use crate::support::{check_hvp, check_value_grad, pair_check};

/// Order of the triangular systems below.
const N: usize = 6;

/// `Σ x_i²` for `L x = b` by forward substitution (`L` row-major, upper part unread).
#[differentiable(order = 2)]
fn fsub(l: &[f64], b: &[f64]) -> f64 {
    let n = b.len();
    let mut x = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for j in 0..i {
            s -= l[i * n + j] * x[j];
        }
        x[i] = s / l[i * n + i];
    }
    let mut loss = 0.0;
    for i in 0..n {
        loss += x[i] * x[i];
    }
    loss
}

fn lower(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..i {
            l[i * n + j] = 0.3 * ((i * n + j) as f64 * 0.7).sin();
        }
        l[i * n + i] = 2.0 + 0.3 * (i as f64).cos();
    }
    let b = (0..n).map(|i| (i as f64 * 0.4).cos() + 0.2).collect();
    (l, b)
}

#[test]
fn forward_substitution_through_spans() {
    let (l, b) = lower(N);
    let nl = l.len();
    let f = |p: &[f64]| fsub(&p[..nl], &p[nl..]);
    let p: Vec<f64> = l.iter().chain(&b).copied().collect();
    let (y, (gl, gb)) = fsub_grad(&l, &b);
    let g: Vec<f64> = gl.iter().chain(&gb).copied().collect();
    check_value_grad("fsub", f, (y, g.clone()), &p);
    // Analytic: `b̄ = λ` with `Lᵀ λ = 2 x`, so `Lᵀ b̄ = 2 x`.
    let n = N;
    let mut x = b.clone();
    for i in 0..n {
        for j in 0..i {
            x[i] -= l[i * n + j] * x[j];
        }
        x[i] /= l[i * n + i];
    }
    for j in 0..n {
        let lt: f64 = (0..n).map(|i| l[i * n + j] * gb[i]).sum();
        assert!(
            (lt - 2.0 * x[j]).abs() < 1e-12,
            "row {j}: {lt} vs {}",
            2.0 * x[j]
        );
    }
    // the pullback called twice gives the gradient twice
    let (_, back) = fsub_vjp(&l, &b);
    let (g1, g2) = (back(1.0), back(1.0));
    assert_eq!(g1.1.len(), N);
    for k in 0..N {
        assert!((g1.1[k] - gb[k]).abs() < 1e-14 && (g2.1[k] - gb[k]).abs() < 1e-14);
    }
    // Hessian-vector product against central differences of the gradient
    let v: Vec<f64> = (0..p.len()).map(|k| ((k as f64) * 0.37).sin()).collect();
    let (vl, vb) = v.split_at(nl);
    let (_, _, (hl, hb)) = fsub_hvp(&l, &b, vl.to_vec(), vb.to_vec());
    let hv: Vec<f64> = hl.iter().chain(&hb).copied().collect();
    let grad = |q: &[f64]| {
        let (_, (a, c)) = fsub_grad(&q[..nl], &q[nl..]);
        a.iter().chain(&c).copied().collect::<Vec<f64>>()
    };
    check_hvp("fsub", grad, &hv, &p, &v);
}

/// A factorisation loss: offsets `r * k` and `c * k` read from index slices, the inner loop
/// over the rank; the outer loop is not fused (it keeps `s` across trips in a branch).
#[differentiable]
fn factor(u: &[f64], v: &[f64], #[no_grad] rows: &[usize], #[no_grad] cols: &[usize]) -> f64 {
    let k = 3;
    let mut s = 0.0;
    for o in 0..rows.len() {
        let r = rows[o];
        let c = cols[o];
        let mut dot = 0.0;
        for f in 0..k {
            dot += u[r * k + f] * v[c * k + f];
        }
        if dot > s {
            s = dot;
        } else {
            s += 0.1 * dot * dot;
        }
    }
    s
}

#[test]
fn offsets_from_index_slices() {
    let u: Vec<f64> = (0..12).map(|i| 0.5 * (i as f64 * 0.9).sin()).collect();
    let v: Vec<f64> = (0..9).map(|i| 0.5 * (i as f64 * 0.6).cos()).collect();
    let (rows, cols) = (vec![0, 3, 1, 2, 3, 0], vec![2, 0, 1, 1, 2, 0]);
    let nu = u.len();
    let f = |p: &[f64]| factor(&p[..nu], &p[nu..], &rows, &cols);
    let p: Vec<f64> = u.iter().chain(&v).copied().collect();
    let (y, (gu, gv)) = factor_grad(&u, &v, &rows, &cols);
    let g: Vec<f64> = gu.iter().chain(&gv).copied().collect();
    check_value_grad("factor", f, (y, g), &p);
}

/// The offset `(i - 1) * n` would overflow at `i = 0`, where the inner loop makes no trips:
/// the span must not evaluate it (tests run with overflow checks).
#[allow(clippy::erasing_op, clippy::identity_op)]
#[differentiable]
fn previous_row(p: &[f64], q: &[f64]) -> f64 {
    let n = 4;
    let mut s = 0.0;
    for i in 0..n {
        let mut a = 0.0;
        for j in 0..i {
            a += p[(i - 1) * n + j] * q[j];
        }
        // carried through a product, so that the loop is not fused and keeps its reverse sweep
        s = s * a.cos() + a.sin();
    }
    s
}

/// A read only behind a branch, whose span would run past the end (`c + j` reaches 9 on a
/// slice of 8): no span, no panic.
#[differentiable]
fn guarded(p: &[f64]) -> f64 {
    let c = 4;
    let mut s = 0.0;
    for r in 0..2 {
        for j in 0..6 {
            if c + j < p.len() {
                s += p[c + j] * p[j] * p[r];
            }
        }
    }
    s
}

/// Two offsets of one parameter (its adjoint keeps the buffer, so the loop takes no span: all
/// or nothing), a loop that pushes, and a local read at `j` and at `n - 1 - j` (its adjoint
/// keeps the buffer).
#[differentiable]
fn mixed(p: &[f64]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for r in 0..2 {
        for j in 2..n - 1 {
            let d = p[j + 1] - p[j];
            s += d * d * p[j - 2] * p[r];
        }
    }
    let mut u = Vec::new();
    for j in 0..n {
        u.push(p[j] * 1.5);
    }
    let mut t = 0.0;
    for r in 0..2 {
        for j in 0..n {
            t += u[j] * u[n - 1 - j] * p[r];
        }
    }
    s + t.sqrt()
}

#[test]
fn zero_trip_offsets_branches_and_shared_bases() {
    let p: Vec<f64> = (0..16)
        .map(|i| 0.3 + 0.2 * (i as f64 * 1.3).sin())
        .collect();
    let (a, b) = p.split_at(12);
    pair_check("previous_row", previous_row, previous_row_grad(a, b), a, b);
    let q: Vec<f64> = (0..8).map(|i| 0.5 + 0.1 * i as f64).collect();
    check_value_grad("guarded", guarded, guarded_grad(&q), &q);
    check_value_grad("mixed", mixed, mixed_grad(&p), &p);
}

/// One step of a tanh RNN per trip, the state `Vec` replaced: its reads before the
/// replacement index the trip's copy, through the inner loop's span of it.
#[differentiable]
fn rnn(p: &[f64]) -> f64 {
    let n = 3;
    let mut h = vec![0.0; n];
    let mut loss = 0.0;
    for t in 0..5 {
        let mut hn = vec![0.0; n];
        for i in 0..n {
            let mut a = p[9 + i] * (t as f64 * 0.7).sin();
            for j in 0..n {
                a += p[i * n + j] * h[j];
            }
            hn[i] = a.tanh();
        }
        h = hn;
        loss += h[0] - 0.5 * h[2] * h[1];
    }
    loss
}

#[test]
fn state_copies_read_through_spans() {
    let p: Vec<f64> = (0..12)
        .map(|i| 0.4 * (i as f64 * 0.8).sin() + 0.1)
        .collect();
    check_value_grad("rnn", rnn, rnn_grad(&p), &p);
}

/// The dot loop in `f32`.
#[differentiable]
fn fsub32(l: &[f32], b: &[f32]) -> f32 {
    let n = b.len();
    let mut x = vec![0.0f32; n];
    for i in 0..n {
        let mut s = b[i];
        for j in 0..i {
            s -= l[i * n + j] * x[j];
        }
        x[i] = s / l[i * n + i];
    }
    let mut loss = 0.0f32;
    for i in 0..n {
        loss += x[i] * x[i];
    }
    loss
}

/// The dot loop generic over `T: Real`.
#[differentiable]
fn fsub_generic<T: Real>(l: &[T], b: &[T]) -> T {
    let n = b.len();
    let mut x = vec![T::zero(); n];
    for i in 0..n {
        let mut s = b[i];
        for j in 0..i {
            s -= l[i * n + j] * x[j];
        }
        x[i] = s / l[i * n + i];
    }
    let mut loss = T::zero();
    for i in 0..n {
        loss += x[i] * x[i];
    }
    loss
}

#[test]
fn f32_and_generic_agree_with_f64() {
    let (l, b) = lower(N);
    let (_, (gl, gb)) = fsub_grad(&l, &b);
    let (_, (gl_t, gb_t)) = fsub_generic_grad(&l, &b);
    for (a, c) in gl.iter().zip(&gl_t).chain(gb.iter().zip(&gb_t)) {
        assert!((a - c).abs() < 1e-12, "{a} vs {c}");
    }
    let (l32, b32): (Vec<f32>, Vec<f32>) = (
        l.iter().map(|x| *x as f32).collect(),
        b.iter().map(|x| *x as f32).collect(),
    );
    let (_, (gl32, gb32)) = fsub32_grad(&l32, &b32);
    for (a, c) in gl.iter().zip(&gl32).chain(gb.iter().zip(&gb32)) {
        assert!(
            (a - f64::from(*c)).abs() < 1e-4 * (1.0 + a.abs()),
            "{a} vs {c}"
        );
    }
}

/// Dot products of windows of parameters of several kinds, `Σ_i (Σ_j a[i + j] w[j])²`.
// `&Vec` is the parameter kind under test.
#[allow(clippy::ptr_arg)]
#[differentiable]
fn windows_vec(a: Vec<f64>, w: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() - w.len() + 1 {
        let mut y = 0.0;
        for j in 0..w.len() {
            y += a[i + j] * w[j];
        }
        s += y * y;
    }
    s
}

#[differentiable]
fn windows_array(a: [f64; 6], w: &[f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        let mut y = 0.0;
        for j in 0..3 {
            y += a[i + j] * w[j];
        }
        s += y * y;
    }
    s
}

#[differentiable]
fn windows_dvector(a: &DVector<f64>, w: &DVector<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() - w.len() + 1 {
        let mut y = 0.0;
        for j in 0..w.len() {
            y += a[i + j] * w[j];
        }
        s += y * y;
    }
    s
}

#[test]
fn parameters_of_every_container_kind() {
    let a: Vec<f64> = (0..6).map(|i| (i as f64 * 0.9).sin()).collect();
    let w = vec![0.5, -0.25, 0.75];
    let p: Vec<f64> = a.iter().chain(&w).copied().collect();
    let f = |q: &[f64]| windows_vec(q[..6].to_vec(), &q[6..].to_vec());
    let (y, (ga, gw)) = windows_vec_grad(a.clone(), &w);
    let g: Vec<f64> = ga.iter().chain(&gw).copied().collect();
    check_value_grad("windows_vec", f, (y, g.clone()), &p);

    let arr: [f64; 6] = a.clone().try_into().expect("six");
    let warr = [0.5, -0.25, 0.75];
    let (ya, (gaa, gwa)) = windows_array_grad(arr, &warr);
    assert!((ya - y).abs() < 1e-14);
    let ga2: Vec<f64> = gaa.iter().chain(gwa.iter()).copied().collect();
    for (x, z) in g.iter().zip(&ga2) {
        assert!((x - z).abs() < 1e-13, "{x} vs {z}");
    }

    let (av, wv) = (DVector::from_vec(a.clone()), DVector::from_vec(w.clone()));
    let (yd, (gad, gwd)) = windows_dvector_grad(&av, &wv);
    assert!((yd - y).abs() < 1e-14);
    let gd: Vec<f64> = gad.iter().chain(gwd.iter()).copied().collect();
    for (x, z) in g.iter().zip(&gd) {
        assert!((x - z).abs() < 1e-13, "{x} vs {z}");
    }
}

/// A helper with dot products over rows, called on blocks of a parameter: its buffer is lent
/// the caller's adjoint at the block's offset, and its inner loop adds through a span of that.
#[differentiable]
fn block_energy(a: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..a.len() / n {
        let mut y = 0.0;
        for j in 0..n {
            y += a[i * n + j] * x[j];
        }
        s += y.tanh();
    }
    s
}

#[differentiable]
fn rows_through_helper(m: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for b in 0..2 {
        s += block_energy(&m[b * 6..(b + 1) * 6], x) * (b as f64 + 1.0);
    }
    s
}

#[test]
fn a_helper_on_rows_adds_through_the_lent_buffer() {
    let m: Vec<f64> = (0..12).map(|i| 0.3 * (i as f64 * 0.5).sin()).collect();
    let x = vec![0.2, -0.4, 0.9];
    let nm = m.len();
    let f = |p: &[f64]| rows_through_helper(&p[..nm], &p[nm..]);
    let p: Vec<f64> = m.iter().chain(&x).copied().collect();
    let (y, (gm, gx)) = rows_through_helper_grad(&m, &x);
    let g: Vec<f64> = gm.iter().chain(&gx).copied().collect();
    check_value_grad("rows_through_helper", f, (y, g), &p);
}

#[differentiable]
fn sumsq(a: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..a.len() {
        s += a[j] * a[j];
    }
    s
}

/// A range of `p` taken before the loops and passed to a helper in the inner one (its reverse
/// adds into `p`'s adjoint in place), beside reads `p[j]`: `p`'s adjoint keeps its buffer.
#[differentiable]
fn view_in_loop(p: &[f64]) -> f64 {
    let t = &p[2..5];
    let mut s = 0.0;
    for r in 0..2 {
        for j in 0..4 {
            s = s * 0.5 + p[j] * sumsq(t) * p[r];
        }
    }
    s
}

#[test]
fn a_range_passed_in_the_loop_keeps_the_buffer() {
    let p: Vec<f64> = (0..6).map(|i| 0.2 + 0.3 * (i as f64).sin()).collect();
    check_value_grad("view_in_loop", view_in_loop, view_in_loop_grad(&p), &p);
}

/// An offset held in a variable the outer loop changes after the inner loop (`base += i`):
/// the reverse sweep reads its value at the inner loop from a record, also on the trip whose
/// inner loop makes none (`i = 0`), so that the records after it stay in step.
#[differentiable]
fn moving_base(p: &[f64], q: &[f64]) -> f64 {
    let mut base = 0;
    let mut s = 0.0;
    for i in 0..5 {
        let mut a = 0.0;
        for j in 0..i {
            a += p[base + j] * q[j];
        }
        s = s * a.cos() + a.sin() + q[i];
        base += i;
    }
    s
}

#[test]
fn an_offset_read_from_records_keeps_them_in_step() {
    let p: Vec<f64> = (0..17)
        .map(|i| 0.3 + 0.25 * (i as f64 * 0.9).sin())
        .collect();
    let (a, b) = p.split_at(12);
    pair_check("moving_base", moving_base, moving_base_grad(a, b), a, b);
}

// ----- offsets changed inside the loop by code the IR does not assign through -----

/// Adds `k` to `c` (not differentiable: an integer helper).
fn bump(c: &mut usize, k: usize) {
    *c += k;
}

/// Takes one from `c`.
fn step_back(c: &mut usize) {
    *c -= 1;
}

macro_rules! inc {
    ($c:ident) => {
        $c += 1
    };
}

/// The offset moved by a call given `&mut c` on every trip: no span (it would hold the
/// offset from before the loop).
#[differentiable]
fn bump_in_loop(p: &[f64], q: &[f64]) -> f64 {
    let mut c = 0;
    let mut s = 0.0;
    for j in 0..4 {
        s += p[c + j] * q[j];
        bump(&mut c, 1);
    }
    s
}

/// Two offsets swapped every trip.
#[differentiable]
fn swap_offsets(p: &[f64], q: &[f64]) -> f64 {
    let mut lo = 0;
    let mut hi = 4;
    let mut s = 0.0;
    for j in 0..4 {
        s += p[lo + j] * q[hi + j];
        std::mem::swap(&mut lo, &mut hi);
    }
    s
}

/// The offset assigned in a condition's block (the spelling under test).
#[allow(clippy::blocks_in_conditions)]
#[differentiable]
fn assigned_in_condition(p: &[f64], q: &[f64]) -> f64 {
    let mut c: usize = 0;
    let mut s = 0.0;
    for j in 0..4 {
        s += p[c + j] * q[j];
        if {
            c += 1;
            c > 100
        } {
            s += 1.0;
        }
    }
    s
}

/// The offset moved by a macro (the spelling under test).
#[allow(clippy::explicit_counter_loop)]
#[differentiable]
fn macro_bump(p: &[f64], q: &[f64]) -> f64 {
    let mut c: usize = 0;
    let mut s = 0.0;
    for j in 0..4 {
        s += p[c + j] * q[j];
        inc!(c);
    }
    s
}

/// The offset moved down on every trip: the forward sweep reads `p[4]` three times, and a span
/// taken at the offset from before the loop would run past the end of `p`.
#[differentiable]
fn step_back_in_loop(p: &[f64], q: &[f64]) -> f64 {
    let mut c = 4;
    let mut s = 0.0;
    for j in 0..3 {
        s = s * 0.5 + p[c + j] * q[j];
        step_back(&mut c);
    }
    s
}

/// The same helper moving the offset in the outer loop only, before and after the inner loop:
/// the inner loop keeps its spans, the offset read from a record.
#[differentiable]
fn bump_outer(p: &[f64], q: &[f64]) -> f64 {
    let mut c = 0;
    let mut s = 0.0;
    for i in 0..4 {
        bump(&mut c, i % 2);
        let mut a = 0.0;
        for j in 0..3 {
            a = a * 0.9 + p[c + j] * q[j];
        }
        s = s * a.cos() + a.sin();
        bump(&mut c, 1);
    }
    s
}

/// A state `Vec` replaced on every trip of the innermost loop: its copy is bound inside the
/// reverse trip, so the loop reads it without a span.
#[differentiable]
fn state_innermost(p: &[f64]) -> f64 {
    let mut h = p.to_vec();
    let mut s = 0.0;
    for j in 0..3 {
        let a = h[j] * p[j];
        let mut hn = h.clone();
        hn[j + 1] = a.sin();
        h = hn;
        s = s * 0.9 + a;
    }
    s
}

#[test]
fn offsets_moved_inside_the_loop_take_no_span() {
    let p: Vec<f64> = (0..10)
        .map(|i| 0.3 + 0.4 * (i as f64 * 1.1 + 0.2).sin())
        .collect();
    let q: Vec<f64> = (0..8).map(|i| 0.5 + 0.3 * (i as f64 * 0.7).cos()).collect();
    pair_check(
        "bump_in_loop",
        bump_in_loop,
        bump_in_loop_grad(&p, &q),
        &p,
        &q,
    );
    pair_check(
        "swap_offsets",
        swap_offsets,
        swap_offsets_grad(&p, &q),
        &p,
        &q,
    );
    let r = assigned_in_condition_grad(&p, &q);
    pair_check("assigned_in_condition", assigned_in_condition, r, &p, &q);
    pair_check("macro_bump", macro_bump, macro_bump_grad(&p, &q), &p, &q);
    pair_check("bump_outer", bump_outer, bump_outer_grad(&p, &q), &p, &q);
    check_value_grad(
        "state_innermost",
        state_innermost,
        state_innermost_grad(&p),
        &p,
    );
    let p6 = &p[..6];
    let r = step_back_in_loop_grad(p6, &q);
    pair_check("step_back_in_loop", step_back_in_loop, r, p6, &q);
}
