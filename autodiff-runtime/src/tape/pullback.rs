//! The pullback of each recorded operation, written with recorded operations itself, so that a
//! tape still recording while another computes a gradient records the gradient's computation too
//! (that is how nested tapes give second derivatives).

use std::rc::Rc;

use smallvec::smallvec;

use super::graph::{Binary, GraphRef, Op, OpaqueRecord, Unary, WithConst};
use super::tensor::Tensor;
use super::value::Value;
use crate::real::Real;
use crate::rules::zero::times;

/// The cotangents of a node's operands (inline up to three).
pub(crate) type Cotangents<T> = smallvec::SmallVec<[Tensor<T>; 3]>;

/// A cotangent shaped like an operand: summed over the dimensions the operand was broadcast
/// along (all of them for a scalar operand), recorded.
fn unbroadcast<T: Real>(g: Tensor<T>, operand: &Tensor<T>) -> Tensor<T> {
    g.sum_to(&operand.value)
}

/// A constant shaped like `like` with every entry `f(entry)`.
fn constant_map<T: Real>(like: &Tensor<T>, f: impl Fn(T) -> T) -> Tensor<T> {
    Tensor::constant(like.value.map(f))
}

/// The cotangents of a node's operands, in the order of [`Op::operands`], given the node's output
/// `y`, its operands `xs` and the output's cotangent `g`.
///
/// Each product of the cotangent with a local derivative is recorded under the zero rule
/// ([`Tensor::times`], [`Tensor::over`]), as `pullback_values.rs` and the compiled path compute it.
pub(crate) fn pullback<T: Real>(
    graph: &GraphRef<T>,
    op: &Op<T>,
    y: &Tensor<T>,
    xs: &[Tensor<T>],
    g: &Tensor<T>,
) -> Cotangents<T> {
    let two = T::from_f64(2.0);
    let c_ = |c: T| Tensor::constant(c);
    // `g·c` and `g / c` for a plain constant: one node when the zero rule cannot change the
    // product (`c` finite and nonzero: `g·c` is then `times(g, c)` but for the sign of a zero).
    let plain_c = |c: T| c.is_finite() && c != T::zero();
    let g_times_c = |c: T| {
        if plain_c(c) {
            g.mul_c(c)
        } else {
            g.times(&c_(c))
        }
    };
    match op {
        Op::Leaf(_) => Cotangents::new(),
        Op::Unary(u, _) => {
            let x = &xs[0];
            smallvec![match u {
                // y = -x  =>  dx = -g
                Unary::Neg => -g,
                // y = eˣ  =>  dx = g·y
                Unary::Exp => g.times(y),
                // y = ln x  =>  dx = g / x
                Unary::Ln => g.over(x),
                // y = sin x  =>  dx = g·cos x
                Unary::Sin => g.times(&x.cos()),
                // y = cos x  =>  dx = -g·sin x
                Unary::Cos => (-g).times(&x.sin()),
                // y = tanh x  =>  dx = g·(1 - y²)
                Unary::Tanh => g.times(&y.square().rsub_c(T::one())),
                // y = σ(x)  =>  dx = g·y·(1 - y)
                Unary::Sigmoid => g.times(&(y * y.rsub_c(T::one()))),
                // y = max(x, 0)  =>  dx = g·[x > 0]  (0 at x = 0, as tf.nn.relu)
                Unary::Relu => g.times(&constant_map(x, |v| {
                    if v > T::zero() { T::one() } else { T::zero() }
                })),
                // y = x²  =>  dx = 2·g·x
                Unary::Square => g.times(&x.mul_c(two)),
                // y = √x  =>  dx = g / (2y)
                Unary::Sqrt => g.over(&y.mul_c(two)),
                // y = xᵀ  =>  dx = gᵀ
                Unary::Transpose => g.transpose(),
                // y = Σ x  =>  dx = g spread over x's shape
                Unary::Sum => spread(g, x),
                // y = Σ x / n  =>  dx = (g / n) spread over x's shape
                Unary::Mean => {
                    let n = T::from_usize(x.value.len());
                    spread(&g.div_c(n), x)
                }
            }]
        }
        Op::Binary(b, _, _) => {
            let (a, c) = (&xs[0], &xs[1]);
            match b {
                // y = a + c  =>  da = g, dc = g
                Binary::Add => smallvec![unbroadcast(g.clone(), a), unbroadcast(g.clone(), c)],
                // y = a - c  =>  da = g, dc = -g
                Binary::Sub => smallvec![unbroadcast(g.clone(), a), unbroadcast(-g, c)],
                // y = a·c  =>  da = g·c, dc = g·a
                Binary::Mul | Binary::Times => {
                    smallvec![unbroadcast(g.times(c), a), unbroadcast(g.times(a), c)]
                }
                // y = a / c  =>  da = g / c, dc = -g·a / c²
                Binary::Div | Binary::Over => smallvec![
                    unbroadcast(g.over(c), a),
                    unbroadcast((-g).times(a).over(&c.square()), c),
                ],
                // Y = A·C  =>  dA = G·Cᵀ, dC = Aᵀ·G
                Binary::MatMul => smallvec![g.matmul(&c.transpose()), a.transpose().matmul(g)],
            }
        }
        Op::Const(k, _, c) => {
            let x = &xs[0];
            let c = *c;
            smallvec![match k {
                // y = x + c  =>  dx = g
                WithConst::Add => g.clone(),
                // y = x·c  =>  dx = g·c
                WithConst::Mul => g_times_c(c),
                // y = x / c  =>  dx = g / c
                WithConst::Div if plain_c(c) => g.div_c(c),
                WithConst::Div => g.over(&c_(c)),
                // y = c - x  =>  dx = -g
                WithConst::RSub => -g,
                // y = c / x  =>  dx = -g·c / x²
                WithConst::RDiv => (-g_times_c(c)).over(&x.square()),
                // y = xᵖ  =>  dx = g·p·xᵖ⁻¹  (0 for p = 0, also at x = 0)
                WithConst::Pow => {
                    if c == T::zero() {
                        g.times(&c_(T::zero()))
                    } else if c == T::one() {
                        g.clone()
                    } else {
                        g_times_c(c).times(&x.powf(c - T::one()))
                    }
                }
            }]
        }
        // y = x spread over a matrix  =>  dx = g summed back to x's shape
        Op::Broadcast(..) => smallvec![g.sum_to(&xs[0].value)],
        // y = x summed to a smaller shape  =>  dx = g spread back over x's shape
        Op::SumTo(..) => {
            let (r, c) = xs[0].shape();
            smallvec![g.broadcast_to(r, c)]
        }
        // y = x[i, j]  =>  dx = g at (i, j), zeros elsewhere
        Op::Entry(_, i, j) => {
            let x = &xs[0];
            if x.value.is_scalar() {
                smallvec![g.clone()]
            } else {
                let (i, j) = (*i as usize, *j as usize);
                let (r, c) = x.shape();
                let mut onehot = nalgebra::DMatrix::from_element(r, c, T::zero());
                onehot[(i, j)] = T::one();
                smallvec![&Tensor::constant(onehot) * g]
            }
        }
        // y = f(x₁..xₖ) with ∂f/∂xᵢ = grads[i] (computed by NAME_grad)  =>  dxᵢ = g·grads[i]
        Op::ScalarCall(call) => {
            let (name, grads) = (call.name, &call.grads);
            let s = g.value.scalar();
            let values: Vec<Value<T>> = grads.iter().map(|d| d.map(|v| times(s, v))).collect();
            opaque(graph, name, g, xs, values)
        }
        // dxᵢ = the compiled pullback of g, whose own derivative the tape does not have
        Op::VjpCall(call) => {
            let values = (call.pull)(&g.value).into_vec();
            opaque(graph, call.name, g, xs, values)
        }
        Op::Opaque(o) => panic!(
            "a second derivative through the compiled call `{}` is not available from the \
             tape (its pullback is compiled code); differentiate the function itself with \
             #[differentiable(order = 2)] or write the expression with tape operations",
            o.name
        ),
    }
}

/// A scalar cotangent spread over `like`'s shape (a matrix `g` is passed through).
fn spread<T: Real>(g: &Tensor<T>, like: &Tensor<T>) -> Tensor<T> {
    match (&g.value, &like.value) {
        (Value::Scalar(_), Value::Mat(m)) => g.broadcast_to(m.nrows(), m.ncols()),
        _ => g.clone(),
    }
}

/// The cotangents a compiled pullback computed. While a tape records, each is recorded as a node
/// whose own derivative panics with a clear message (never a silently missing term).
fn opaque<T: Real>(
    graph: &GraphRef<T>,
    name: &'static str,
    g: &Tensor<T>,
    xs: &[Tensor<T>],
    values: Vec<Value<T>>,
) -> Cotangents<T> {
    if !graph.is_recording() {
        return values.into_iter().map(Tensor::constant).collect();
    }
    let mut args = vec![g.node_in(graph)];
    args.extend(xs.iter().map(|x| x.node_in(graph)));
    let record = Rc::new(OpaqueRecord { name, args });
    let xs_values: Vec<&Value<T>> = std::iter::once(&g.value)
        .chain(xs.iter().map(|x| &x.value))
        .collect();
    values
        .into_iter()
        .map(|v| {
            let idx = graph.push(Op::Opaque(record.clone()), v.clone(), &xs_values);
            Tensor::on(graph, idx, v)
        })
        .collect()
}
