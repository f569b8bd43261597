//! The pullback of each recorded operation on plain values: the fast path of a backward pass
//! that no tape records (a one-shot tape's gradient, or a persistent tape after
//! `stop_recording`). Same rules as `pullback.rs`, which records them for nested tapes; the unit
//! tests run both against central differences.

use nalgebra::DMatrix;

use super::graph::{Binary, Op, Unary, WithConst};
use super::value::Value;
use crate::real::Real;
use crate::rules::scalar::{DivRule, ln_d0, powf_d0, sqrt_d0};
use crate::rules::zero::{over, times};

/// A cotangent shaped like an operand: summed over the dimensions the operand was broadcast
/// along (all of them for a scalar operand).
fn unbroadcast<T: Real>(g: Value<T>, operand: &Value<T>) -> Value<T> {
    if g.shape() == operand.shape() && g.is_scalar() == operand.is_scalar() {
        g
    } else {
        g.sum_to(operand)
    }
}

/// A scalar `g` spread over `like`'s shape.
fn spread<T: Real>(g: &Value<T>, like: &Value<T>) -> Value<T> {
    match (g, like) {
        (Value::Scalar(s), Value::Mat(m)) => {
            Value::matrix(DMatrix::from_element(m.nrows(), m.ncols(), *s))
        }
        _ => g.clone(),
    }
}

/// Hands `out(k, dxₖ)` the cotangent of each operand `xs[k]`, given the node's output `y` and the
/// output's cotangent `g`.
///
/// Each product of the cotangent with a local derivative follows the zero rule, with the
/// compiled path's rule functions (`rules::zero`, `rules::scalar`): `sqrt(x)·0` at `x = 0` has
/// derivative 0, not `0·∞ = NaN`.
pub(crate) fn pullback_values<T: Real>(
    op: &Op<T>,
    y: &Value<T>,
    xs: &[&Value<T>],
    g: &Value<T>,
    out: &mut impl FnMut(usize, Value<T>),
) {
    let one = T::one();
    let two = T::from_f64(2.0);
    let mul = |a: &Value<T>, b: &Value<T>| a.zip(b, "mul", times);
    match op {
        Op::Leaf(_) => {}
        Op::Unary(u, _) => {
            let x = xs[0];
            out(
                0,
                match u {
                    // y = -x  =>  dx = -g
                    Unary::Neg => g.map(|v| -v),
                    // y = eˣ  =>  dx = g·y
                    Unary::Exp => mul(g, y),
                    // y = ln x  =>  dx = g / x
                    Unary::Ln => g.zip(x, "div", |p, q| ln_d0(p, &q)),
                    // y = sin x  =>  dx = g·cos x
                    Unary::Sin => g.zip(x, "mul", |p, q| times(p, q.cos())),
                    // y = cos x  =>  dx = -g·sin x
                    Unary::Cos => g.zip(x, "mul", |p, q| times(-p, q.sin())),
                    // y = tanh x  =>  dx = g·(1 - y²)
                    Unary::Tanh => g.zip(y, "mul", |p, q| times(p, one - q * q)),
                    // y = σ(x)  =>  dx = g·y·(1 - y)
                    Unary::Sigmoid => g.zip(y, "mul", |p, q| times(p, q * (one - q))),
                    // y = max(x, 0)  =>  dx = g·[x > 0]  (0 where x <= 0, whatever g is)
                    Unary::Relu => g.zip(x, "mul", |p, q| {
                        times(p, if q > T::zero() { one } else { T::zero() })
                    }),
                    // y = x²  =>  dx = 2·g·x
                    Unary::Square => g.zip(x, "mul", |p, q| times(p, q * two)),
                    // y = √x  =>  dx = g / (2y)
                    Unary::Sqrt => g.zip(y, "div", |p, q| sqrt_d0(p, &q)),
                    // y = xᵀ  =>  dx = gᵀ
                    Unary::Transpose => g.transpose(),
                    // y = Σ x  =>  dx = g spread over x's shape
                    Unary::Sum => spread(g, x),
                    // y = Σ x / n  =>  dx = (g / n) spread over x's shape
                    Unary::Mean => {
                        let n = T::from_usize(x.len());
                        spread(&g.map(|v| v / n), x)
                    }
                },
            );
        }
        Op::Binary(b, _, _) => {
            let (a, c) = (xs[0], xs[1]);
            match b {
                // y = a + c  =>  da = g, dc = g
                Binary::Add => {
                    out(0, unbroadcast(g.clone(), a));
                    out(1, unbroadcast(g.clone(), c));
                }
                // y = a - c  =>  da = g, dc = -g
                Binary::Sub => {
                    out(0, unbroadcast(g.clone(), a));
                    out(1, unbroadcast(g.map(|v| -v), c));
                }
                // y = a·c  =>  da = g·c, dc = g·a
                Binary::Mul | Binary::Times => {
                    out(0, unbroadcast(mul(g, c), a));
                    out(1, unbroadcast(mul(g, a), c));
                }
                // y = a / c  =>  da = g / c, dc = -g·a / c²  (`DivRule`: 0 where g or a is 0)
                Binary::Div | Binary::Over => {
                    let da = g.zip(c, "div", |p, q| over(p, q));
                    let dc = mul(g, a).zip(c, "div", |p, q| over(-p, q * q));
                    out(0, unbroadcast(da, a));
                    out(1, unbroadcast(dc, c));
                }
                // Y = A·C  =>  dA = G·Cᵀ, dC = Aᵀ·G
                Binary::MatMul => {
                    out(0, g.matmul(&c.transpose()));
                    out(1, a.transpose().matmul(g));
                }
            }
        }
        Op::Const(k, _, c) => {
            let (x, c) = (xs[0], *c);
            out(
                0,
                match k {
                    // y = x + c  =>  dx = g
                    WithConst::Add => g.clone(),
                    // y = x·c  =>  dx = g·c
                    WithConst::Mul => g.map(|v| times(v, c)),
                    // y = x / c  =>  dx = g / c
                    WithConst::Div => g.map(|v| over(v, c)),
                    // y = c - x  =>  dx = -g
                    WithConst::RSub => g.map(|v| -v),
                    // y = c / x  =>  dx = -g·c / x²  (`DivRule::d_rhs`)
                    WithConst::RDiv => g.zip(x, "div", |p, q| <T as DivRule<T>>::d_rhs(p, &c, &q)),
                    // y = xᵖ  =>  dx = g·p·xᵖ⁻¹  (0 for p = 0, also at x = 0)
                    WithConst::Pow => g.zip(x, "mul", |p, q| powf_d0(p, &q, &c)),
                },
            );
        }
        // y = x spread over a matrix  =>  dx = g summed back to x's shape
        Op::Broadcast(_) => out(0, g.sum_to(xs[0])),
        // y = x summed to a smaller shape  =>  dx = g spread back over x's shape
        Op::SumTo(_) => {
            let (r, c) = xs[0].shape();
            out(0, g.broadcast_to(r, c));
        }
        // y = x[i, j]  =>  dx = g at (i, j), zeros elsewhere
        Op::Entry(_, i, j) => {
            let x = xs[0];
            if x.is_scalar() {
                out(0, g.clone());
            } else {
                let (r, c) = x.shape();
                let mut m = DMatrix::from_element(r, c, T::zero());
                m[(*i as usize, *j as usize)] = g.scalar();
                out(0, Value::matrix(m));
            }
        }
        // dxᵢ = g·grads[i]  (zero rule)
        Op::ScalarCall(call) => {
            let grads = &call.grads;
            let s = g.scalar();
            for (k, d) in grads.iter().enumerate() {
                out(k, d.map(|v| times(s, v)));
            }
        }
        // dxᵢ = the compiled pullback of g (NAME_vjp re-run on the kept arguments)
        Op::VjpCall(call) => {
            for (k, d) in (call.pull)(g).into_iter().enumerate() {
                out(k, d);
            }
        }
        // Only reached by a backward pass that records, which uses `pullback.rs`.
        Op::Opaque(o) => panic!(
            "a second derivative through the compiled call `{}` is not available from the tape",
            o.name
        ),
    }
}
