//! The seed notebooks' GradientTape cells (`reference/seeds_tf.py`), written line for line with
//! the tape facade in `f32` like TensorFlow's defaults. Shared by `examples/tape_basics.rs` and
//! `tests/tape_seeds.rs`; each cell is keyed by its name in `reference/seeds_tf.json`.
#![allow(dead_code)]

use autodiff::prelude::*;
use autodiff::tape::Value;

/// A cell's answer: one gradient (`None` where TensorFlow has `None`) or a list of answers.
#[derive(Clone, Debug)]
pub enum Out {
    /// One value, or `None`.
    One(Option<Value<f32>>),
    /// A list, like a Python list of results.
    List(Vec<Out>),
}

impl Out {
    fn of(t: Option<Tensor<f32>>) -> Self {
        Out::One(t.map(|t| t.value().clone()))
    }
    fn list<const N: usize>(ts: [Option<Tensor<f32>>; N]) -> Self {
        Out::List(ts.into_iter().map(Out::of).collect())
    }

    /// As Python prints the list that numpy's `tolist()` gives (`None` for null).
    pub fn to_python(&self) -> String {
        match self {
            Out::One(None) => "None".to_string(),
            Out::One(Some(v)) => v.to_list_string(),
            Out::List(xs) => {
                let items: Vec<String> = xs.iter().map(Out::to_python).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// Flattened to numbers in printing order, `None` kept as `None`.
    pub fn flatten(&self) -> Vec<Option<f64>> {
        match self {
            Out::One(None) => vec![None],
            Out::One(Some(Value::Scalar(v))) => vec![Some(f64::from(*v))],
            Out::One(Some(Value::Mat(m))) => (0..m.nrows())
                .flat_map(|i| (0..m.ncols()).map(move |j| (i, j)))
                .map(|(i, j)| Some(f64::from(m[(i, j)])))
                .collect(),
            Out::List(xs) => xs.iter().flat_map(Out::flatten).collect(),
        }
    }
}

/// The seed's `f(x) = x² - 2x + 1` on a tape.
fn f(x: &Tensor<f32>) -> Tensor<f32> {
    x.powi(2) - x * 2.0 + 1.0
}

/// Gradient descent on `f` from 0 for 100 steps, `x.assign_sub(0.1 * grad)`.
pub fn gd_manual() -> f32 {
    let x = Variable::new(0.0f32);
    for _ in 0..100 {
        let t = GradientTape::new();
        let z = f(&x.read(&t));
        let g = t.gradient(&z, &x).expect("z depends on x");
        x.assign_sub(&g * 0.1);
    }
    x.scalar()
}

/// `f` minimised from 0 for 100 steps by an optimizer, as
/// `opt.apply_gradients([(t.gradient(z, x), x)])`.
pub fn gd_with(mut opt: impl optim::Optimizer) -> f32 {
    let x = Variable::new(0.0f32);
    for _ in 0..100 {
        let t = GradientTape::new();
        let z = f(&x.read(&t));
        opt.apply_gradients_to(&t.gradient(&z, [&x]), [&x]);
    }
    x.scalar()
}

/// The seed's control-flow function on tape values: the loop and the branch run in Rust, the
/// arithmetic is recorded (`b = a * 2; while ‖b‖ < 1000: b = b * 2; c = b if Σb > 0 else 100·b`).
pub fn control_flow_tape(a0: f32) -> (f32, Option<f32>) {
    let a = Tensor::constant(DMatrix::from_element(1, 1, a0));
    let t = GradientTape::new();
    t.watch(&a);
    let mut b = &a * 2.0;
    while b.square().sum().sqrt().scalar() < 1000.0 {
        b = &b * 2.0;
    }
    let c = if b.sum().scalar() > 0.0 {
        b
    } else {
        100.0 * &b
    };
    let c0 = c.value().to_matrix()[(0, 0)];
    (c0, t.gradient(&c, &a).map(|g| g.to_matrix()[(0, 0)]))
}

/// Every GradientTape cell, in the order of `seeds_tf.py`.
pub fn cells() -> Vec<(&'static str, Out)> {
    let mut out = Vec::new();

    // 1. y = x*x at 3 (watched constant)
    let x = Tensor::constant(3.0f32);
    let g = GradientTape::new();
    g.watch(&x);
    let y = &x * &x;
    out.push(("square_at_3", Out::of(g.gradient(&y, &x))));

    // 2. z = x1^2 + x2^3, variables
    let (x1, x2) = (Variable::new(2.0f32), Variable::new(3.0f32));
    let t = GradientTape::new();
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    out.push(("poly_dx1", Out::of(t.gradient(&z, &x1))));
    // t.gradient(&z, &x2) here does not compile: see tests/ui/tape_gradient_twice.rs.
    let t = GradientTape::persistent();
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    out.push((
        "poly_persistent",
        Out::List(vec![
            Out::of(t.gradient(&z, &x1)),
            Out::of(t.gradient(&z, &x2)),
        ]),
    ));

    // 3. constants need watch; an unwatched constant gives None
    let (c1, c2) = (Tensor::constant(2.0f32), Tensor::constant(3.0f32));
    let t = GradientTape::new();
    let z = c1.powi(2) + c2.powi(3);
    out.push(("unwatched_constants", Out::list(t.gradient(&z, [&c1, &c2]))));
    let t = GradientTape::new();
    t.watch(&c1);
    t.watch(&c2);
    let z = c1.powi(2) + c2.powi(3);
    out.push(("watched_constants", Out::list(t.gradient(&z, [&c1, &c2]))));
    // watch_accessed_variables=False
    let t = GradientTape::new().watch_accessed_variables(false);
    t.watch(&x1);
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    out.push((
        "watch_accessed_false",
        Out::list(t.gradient(&z, [&x1, &x2])),
    ));
    let t = GradientTape::new();
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    let zero = GradientOptions::new().unconnected_gradients(UnconnectedGradients::Zero);
    let unread = Variable::new(1.0f32);
    out.push((
        "unconnected_zero",
        Out::list(t.gradient_with(&z, [&x1, &x2, &unread], &zero)),
    ));

    // 4. multiple targets summed
    let x = Variable::new(5.0f32);
    let t = GradientTape::new();
    let (z1, z2) = (3.0 * &x.read(&t), x.read(&t).powi(2));
    out.push(("multi_target_sum", Out::of(t.gradient([&z1, &z2], &x))));

    // 5. nested tapes: second derivatives
    let outer = GradientTape::persistent();
    let inner = outer.nested_persistent();
    let z = x1.read(&inner).powi(2) + x2.read(&inner) + 1.0;
    inner.stop_recording();
    let ig = inner.gradient(&z, [&x1, &x2]);
    let second: Vec<Out> = ig
        .iter()
        .map(|i| Out::list(outer.gradient(i.as_ref().expect("z depends on x1 and x2"), [&x1, &x2])))
        .collect();
    out.push(("second_order", Out::List(second)));

    // 6. gradient descent by hand
    out.push(("gd_manual", Out::One(Some(Value::Scalar(gd_manual())))));
    out.push((
        "gd_sgd",
        Out::One(Some(Value::Scalar(gd_with(optim::Sgd::new(0.1))))),
    ));
    out.push((
        "gd_adam_100",
        Out::One(Some(Value::Scalar(gd_with(optim::Adam::new(0.1))))),
    ));

    // 7. y = 2 xᵀx
    let x = Tensor::column(&[0.0f32, 1.0, 2.0, 3.0]);
    let t = GradientTape::new();
    t.watch(&x);
    let tt = t.nested();
    tt.watch(&x);
    let y = 2.0 * x.transpose().matmul(&x);
    let dy = tt.gradient(&y, &x).expect("y depends on x");
    out.push(("xtx_value", Out::One(Some(y.value().clone()))));
    out.push(("xtx_grad", Out::One(Some(dy.value().clone()))));
    out.push(("xtx_second", Out::of(t.gradient(&dy, &x))));

    // 8. persistent y = x*x, z = y*y
    let g = GradientTape::persistent();
    g.watch(&x);
    let y = &x * &x;
    let z = &y * &y;
    out.push(("chain_dz_dx", Out::of(g.gradient(&z, &x))));
    out.push(("chain_dz_dy", Out::of(g.gradient(&z, &y))));

    // 10. tf.gradients(a + b, [a, b]) with b = 2a, and with stop_gradients=[a, b]
    let a = Tensor::constant(0.0f32);
    let t = GradientTape::persistent();
    t.watch(&a);
    let b = 2.0 * &a;
    let s = &a + &b;
    out.push(("tf_gradients", Out::list(t.gradient(&s, [&a, &b]))));
    let stop = GradientOptions::new().stop_gradients([&a, &b]);
    out.push((
        "tf_gradients_stop",
        Out::list(t.gradient_with(&s, [&a, &b], &stop)),
    ));
    // tf.stop_gradient inside an expression
    let x = Variable::new(3.0f32);
    let t = GradientTape::new();
    let xr = x.read(&t);
    let y = &xr * &xr.stop_gradient();
    out.push(("stop_gradient_x_sgx", Out::of(t.gradient(&y, &x))));
    out
}
