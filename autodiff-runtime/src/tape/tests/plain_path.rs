//! The lean backward pass (`plain.rs`) against the general one on every case where their rules
//! could differ: trainable, non-trainable, unread and unconnected variables, constants, a target
//! that depends on no variable, a nested tape's range, and a Jacobian row.

use super::super::{GradientOptions, GradientTape, Tensor, UnconnectedGradients, Variable};

/// `y = x₀²·x₁ + sin(x₁)·f + c·x₂ + u·0` with `f` non-trainable and `c` a constant; `u` is read
/// but enters only through a node that is multiplied by a constant zero (connected, gradient 0).
fn script(x: &[Tensor<f64>], f: &Tensor<f64>, c: &Tensor<f64>, u: &Tensor<f64>) -> Tensor<f64> {
    &(&(&(&(&x[0] * &x[0]) * &x[1]) + &(&x[1].sin() * f)) + &(c * &x[2])) + &(u * 0.0)
}

#[test]
fn the_lean_pass_agrees_with_the_general_pass_and_with_calculus() {
    let x0 = [0.7, -1.2, 1.4];
    let vars: Vec<Variable<f64>> = x0.iter().map(|&v| Variable::new(v)).collect();
    let frozen = Variable::new(2.5).non_trainable();
    let (used, never_read, apart) = (Variable::new(0.3), Variable::new(9.0), Variable::new(4.0));
    let c = Tensor::constant(1.5);
    fn ask<M>(t: &GradientTape<f64, M>, v: &[Variable<f64>], c: &Tensor<f64>) -> Tensor<f64> {
        // v = [x₀, x₁, x₂, frozen, used, never_read, apart]
        let xs: Vec<Tensor<f64>> = v[..3].iter().map(|v| v.read(t)).collect();
        let _ = &v[6].read(t) * 2.0; // recorded, not connected to the target
        script(&xs, &v[3].read(t), c, &v[4].read(t))
    }
    let all = [
        vars[0].clone(),
        vars[1].clone(),
        vars[2].clone(),
        frozen.clone(),
        used.clone(),
        never_read.clone(),
        apart.clone(),
    ];
    let sources = |_: ()| {
        vec![
            &vars[0],
            &vars[1],
            &vars[2],
            &frozen,
            &used,
            &never_read,
            &apart,
        ]
    };

    // The lean pass: a one-shot tape, nothing watched by hand.
    let t = GradientTape::new();
    let y = ask(&t, &all, &c);
    t.stop_recording();
    assert!(t.takes_plain_path(&sources(())));
    let lean = t.gradient(&y, sources(()));

    // The general pass: the same script, forced through the dependency pass by a held tensor
    // that is not on any path (it changes no answer).
    let p = GradientTape::persistent();
    let y = ask(&p, &all, &c);
    let unrelated = &apart.read(&p) + 1.0;
    p.stop_recording();
    let general = p.gradient_with(
        &y,
        sources(()),
        &GradientOptions::new().stop_gradients([&unrelated]),
    );

    // ∂y/∂x₀ = 2x₀x₁, ∂y/∂x₁ = x₀² + cos(x₁)·f, ∂y/∂x₂ = c, ∂y/∂u = 0 (connected).
    let want = [
        Some(2.0 * x0[0] * x0[1]),
        Some(x0[0] * x0[0] + x0[1].cos() * 2.5),
        Some(1.5),
        None,
        Some(0.0),
        None,
        None,
    ];
    for (k, w) in want.iter().enumerate() {
        let l = lean[k].as_ref().map(|g| g.scalar());
        let g = general[k].as_ref().map(|g| g.scalar());
        assert_eq!(
            l.is_some(),
            w.is_some(),
            "source {k}: lean {l:?}, want {w:?}"
        );
        assert_eq!(
            g.is_some(),
            w.is_some(),
            "source {k}: general {g:?}, want {w:?}"
        );
        if let (Some(l), Some(g), Some(w)) = (l, g, w) {
            assert!(
                (l - w).abs() < 1e-12 && (g - w).abs() < 1e-12,
                "source {k}: {l} {g} {w}"
            );
        }
    }
}

#[test]
fn the_lean_pass_keeps_none_zero_and_the_nested_range() {
    let (x, y) = (Variable::new(3.0f64), Variable::new(-2.0f64));
    let c = Tensor::constant(5.0f64);
    // A target that depends on no variable: None, or zeros when asked.
    let t = GradientTape::new();
    let _ = x.read(&t);
    let z = &c * 2.0;
    t.stop_recording();
    assert!(t.takes_plain_path(&(&x, &c)));
    let opts = GradientOptions::new().unconnected_gradients(UnconnectedGradients::Zero);
    let (gx, gc) = t.gradient_with(&z, (&x, &c), &opts);
    assert_eq!(gx.map(|g| g.scalar()), Some(0.0));
    assert_eq!(gc.map(|g| g.scalar()), Some(0.0));

    // A nested tape sees only its own reads: x read by the outer tape before the inner one
    // started is a constant to the inner tape. z = x·y with y read inside: ∂z/∂y = x = 3.
    let outer = GradientTape::persistent();
    let xo = x.read(&outer);
    let inner = outer.nested_persistent();
    let z = &xo * &y.read(&inner);
    inner.stop_recording();
    outer.stop_recording();
    assert!(inner.takes_plain_path(&[&x, &y]));
    let [gx, gy] = inner.gradient(&z, [&x, &y]);
    assert!(gx.is_none());
    assert!((gy.expect("connected").scalar() - 3.0).abs() < 1e-12);
    // The outer tape sees both: ∂z/∂x = y = -2, ∂z/∂y = 3.
    let [gx, gy] = outer.gradient(&z, [&x, &y]);
    assert!((gx.expect("connected").scalar() + 2.0).abs() < 1e-12);
    assert!((gy.expect("connected").scalar() - 3.0).abs() < 1e-12);

    // A Jacobian of a scalar target seeds its own row: d(x²)/dx = 2x = 6.
    let t = GradientTape::new();
    let z = x.read(&t).square();
    let j = t.jacobian(&z, &x).expect("connected");
    assert!((j[(0, 0)] - 6.0).abs() < 1e-12);
}

/// The lean pass reuses its buffers (kept with the pooled arena): a long script, then a short
/// one on the next tape, then the long one again, each against its derivative by hand.
#[test]
fn reused_buffers_give_each_tape_its_own_answer() {
    // y = Σ_{i<n} xᵢ² · x_{i+1}  =>  ∂y/∂x_k = 2 x_k x_{k+1} [k < n] + x_{k-1}² [k > 0]
    fn run(x: &[f64]) -> Vec<f64> {
        let vars: Vec<Variable<f64>> = x.iter().map(|&v| Variable::new(v)).collect();
        let t = GradientTape::new();
        let v: Vec<Tensor<f64>> = vars.iter().map(|v| v.read(&t)).collect();
        let mut y = &(&v[0] * &v[0]) * &v[1];
        for i in 1..v.len() - 1 {
            y = &y + &(&(&v[i] * &v[i]) * &v[i + 1]);
        }
        let g = t.gradient(&y, vars.iter().collect::<Vec<_>>());
        g.into_iter().map(|g| g.unwrap().scalar()).collect()
    }
    let by_hand = |x: &[f64]| -> Vec<f64> {
        let n = x.len() - 1;
        (0..x.len())
            .map(|k| {
                let fwd = if k < n { 2.0 * x[k] * x[k + 1] } else { 0.0 };
                let back = if k > 0 { x[k - 1] * x[k - 1] } else { 0.0 };
                fwd + back
            })
            .collect()
    };
    let long: Vec<f64> = (0..40).map(|i| 0.1 * f64::from(i) - 1.3).collect();
    let short = [0.4, -0.9, 1.7];
    for x in [&long[..], &short[..], &long[..]] {
        for (g, h) in run(x).iter().zip(by_hand(x)) {
            assert!((g - h).abs() < 1e-12 * h.abs().max(1.0), "{g} vs {h}");
        }
    }
}

/// Identities handed out from per-thread blocks are still unique across threads, taken one at
/// a time and in runs (`fresh_ids(n)`, also runs longer than a block and runs that do not fit
/// what is left of one).
#[test]
fn fresh_identities_are_unique_across_threads() {
    use super::super::graph::{fresh_id, fresh_ids};
    let take = || {
        let mut ids: Vec<u64> = (0..3000).map(|_| fresh_id()).collect();
        for n in [1u64, 7, 1000, 5000, 3, 1024, 1025] {
            let first = fresh_ids(n);
            ids.extend(first..first + n);
            ids.push(fresh_id());
        }
        ids
    };
    let other = std::thread::spawn(take);
    let mut ids = take();
    ids.extend(other.join().unwrap());
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

/// A scalar script's arena is emptied without dropping its nodes one by one; a graph that
/// recorded shared data (here a matrix) still drops every node, so nothing it held leaks.
#[test]
fn recorded_matrices_are_released_with_the_tape() {
    use super::super::Value;
    use nalgebra::DMatrix;
    let m: Value<f64> = Value::matrix(DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]));
    let Value::Mat(rc) = &m else { unreachable!() };
    assert_eq!(std::rc::Rc::strong_count(rc), 1);
    {
        let x = Tensor::constant(m.clone());
        let t = GradientTape::new();
        t.watch(&x);
        let y = (&x * 2.0).sum();
        assert!(
            std::rc::Rc::strong_count(rc) >= 3,
            "the leaf holds the matrix"
        );
        // d Σ 2x / dx = 2 everywhere
        let g = t.gradient(&y, &x).unwrap().to_matrix();
        assert!(g.iter().all(|&e| (e - 2.0).abs() < 1e-15));
    }
    assert_eq!(
        std::rc::Rc::strong_count(rc),
        1,
        "the tape's nodes were dropped"
    );
    // And a scalar tape after it reuses the arena and answers right: d(a·b)/da = b.
    let (a, b) = (Variable::new(3.0), Variable::new(-2.0));
    let t = GradientTape::new();
    let y = &a.read(&t) * &b.read(&t);
    let [da, db] = t.gradient(&y, [&a, &b]);
    assert_eq!((da.unwrap().scalar(), db.unwrap().scalar()), (-2.0, 3.0));
}

/// The lean pass marks "not reached" by the adjoint `-0.0`; these are the cases where that is
/// ambiguous or where skipping an unreached node matters, each against the general pass (a held
/// tensor on no path forces it) and against calculus.
#[test]
fn minus_zero_cotangents_and_infinite_partials() {
    type Script = fn(&Tensor<f64>) -> (Tensor<f64>, Tensor<f64>);
    fn lean_and_general(x0: f64, f: Script) -> [Option<f64>; 2] {
        let x = Variable::new(x0);
        let t = GradientTape::new();
        let (y, _) = f(&x.read(&t));
        t.stop_recording();
        assert!(t.takes_plain_path(&&x));
        let lean = t.gradient(&y, &x).map(|g| g.scalar());
        let p = GradientTape::persistent();
        let (y, held) = f(&x.read(&p));
        p.stop_recording();
        let opts = GradientOptions::new().stop_gradients([&held]);
        let general = p.gradient_with(&y, &x, &opts).map(|g| g.scalar());
        [lean, general]
    }
    let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a == b || (a.is_nan() && b.is_nan()),
        (a, b) => a == b,
    };
    // y = -relu(x) at x = -1: relu' = 0, so x receives -1·0 = -0.0; connected: Some(0).
    for g in lean_and_general(-1.0, |x| (&x.relu() * -1.0, x.sin().sin())) {
        assert_eq!(g, Some(0.0));
    }
    // y = √x·(-0) at x = 0: the cotangent -0 meets √'s partial 1/(2√0) = +∞: the zero rule
    // gives 0, as the compiled path (and TensorFlow's `SqrtGrad`); the node is reached, so the
    // lean pass must not skip it to `None`.
    for g in lean_and_general(0.0, |x| (&x.sqrt() * -0.0, x.sin().sin())) {
        assert_eq!(g, Some(0.0));
    }
    // y = 2x with ln(0·x) recorded but not on the path: its partial 1/0 = ∞ stays out (∂y/∂x = 2).
    for g in lean_and_general(0.5, |x| {
        let off = (x * 0.0).ln();
        (x * 2.0, &off + 1.0)
    }) {
        assert_eq!(g, Some(2.0));
    }
    // y = x·0 - x·0 at x = 3: the sum of the two cotangents is +0 (connected, gradient 0).
    let [l, g] = lean_and_general(3.0, |x| (&(x * 0.0) - &(x * 0.0), x.sin().sin()));
    assert!(same(l, g) && l == Some(0.0), "{l:?} {g:?}");
}
