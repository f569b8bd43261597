//! The scalar fast path: a node whose value and operands are all scalars keeps its local partial
//! derivatives, computed when it is recorded (`y = a·b` keeps `(b, a)`), so a backward pass that
//! no tape records is a loop of `adj[p] += adj[y] · ∂y/∂p` over plain numbers, with no matching
//! on operations and no allocation per node.
//!
//! Backward passes combine a cotangent `g` with a partial `d` under the zero rule
//! ([`times`]`(g, d)`: exactly 0 when either is 0, even against `±inf` or NaN), as the compiled
//! path does; the partials here are written so that this gives the compiled rule's answer (the
//! quotient's `∂/∂c = -a/c²` is 0 where `a = 0`, as `over(times(-g, a), c²)` is). The lean pass
//! (`plain.rs`) multiplies with IEEE products first and keeps that answer when it is finite,
//! which is then the zero rule's.
//!
//! Matrix operations, entries of matrices, broadcasts and compiled calls with matrix arguments
//! keep no partials ([`Lin::general`]) and go through `pullback_values.rs`; the recorded backward
//! pass of nested tapes (`pullback.rs`) never uses these partials.

use super::graph::{Binary, Op, Unary, WithConst};
use super::value::Value;
use crate::real::Real;
use crate::rules::zero::{over, times};

/// A node's local partial derivatives with respect to its (at most two) scalar operands. 24
/// bytes for `f64`, so a node is 32: an unused operand slot holds [`Lin::NONE`] (its partial
/// may hold a leaf's value or an operation's constant, `graph.rs`), a node that keeps no
/// partials holds [`Lin::GENERAL`] in both.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lin<T> {
    /// The operands' node indices, or the markers.
    pub(crate) parents: [u32; 2],
    /// `∂y/∂parents[k]` (0 in an unused slot).
    pub(crate) partials: [T; 2],
}

impl<T: Real> Lin<T> {
    /// An unused operand slot (node indices stay below it, `graph.rs`).
    pub(crate) const NONE: u32 = u32::MAX;
    /// The slots of a node without partials.
    pub(crate) const GENERAL: u32 = u32::MAX - 1;

    /// A node without partials: its pullback is computed from its operation.
    pub(crate) fn general() -> Self {
        Lin {
            parents: [Self::GENERAL; 2],
            partials: [T::zero(); 2],
        }
    }

    /// `true` when the node keeps its partials.
    pub(crate) fn is_scalar(&self) -> bool {
        self.parents[0] != Self::GENERAL
    }

    /// A leaf: no operands.
    #[inline]
    pub(crate) fn leaf() -> Self {
        Lin {
            parents: [Self::NONE; 2],
            partials: [T::zero(); 2],
        }
    }

    #[inline]
    pub(crate) fn one(p: u32, d: T) -> Self {
        Lin {
            parents: [p, Self::NONE],
            partials: [d, T::zero()],
        }
    }

    #[inline]
    pub(crate) fn two(p: u32, dp: T, q: u32, dq: T) -> Self {
        Lin {
            parents: [p, q],
            partials: [dp, dq],
        }
    }

    /// The pairs `(parent, ∂y/∂parent)` (none for a node without partials).
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (u32, T)> + '_ {
        self.parents
            .iter()
            .copied()
            .zip(self.partials.iter().copied())
            .filter(|&(p, _)| p < Self::GENERAL)
    }
}

/// The scalar of a value, `None` for a matrix.
fn scalar<T: Real>(v: &Value<T>) -> Option<T> {
    match v {
        Value::Scalar(s) => Some(*s),
        Value::Mat(_) => None,
    }
}

/// The partials of a node about to be recorded with operation `op` and value `y`, its operands'
/// values `xs` in order; [`Lin::general`] unless every value involved is a scalar.
#[inline]
pub(crate) fn linearize<T: Real>(op: &Op<T>, y: &Value<T>, xs: &[&Value<T>]) -> Lin<T> {
    let Some(y) = scalar(y) else {
        return Lin::general();
    };
    let operands = op.operands();
    debug_assert_eq!(operands.len(), xs.len());
    // The value of the operand at node `p`.
    let at = |p: u32| {
        let k = operands.iter().position(|&q| q == p)?;
        scalar(xs.get(k)?)
    };
    match op {
        Op::Leaf(_) => Lin::leaf(),
        Op::Unary(u, p) => match at(*p) {
            Some(x) => Lin::one(*p, unary_partial(*u, x, y)),
            None => Lin::general(),
        },
        Op::Binary(b, p, q) => match (at(*p), at(*q)) {
            (Some(a), Some(c)) => {
                let (da, dc) = binary_partials(*b, a, c);
                Lin::two(*p, da, *q, dc)
            }
            _ => Lin::general(),
        },
        Op::Const(k, p, c) => match at(*p) {
            Some(x) => Lin::one(*p, const_partial(*k, x, *c)),
            None => Lin::general(),
        },
        // y = f(a, b) with scalar arguments  =>  the partials NAME_grad computed
        Op::ScalarCall(call) => match (call.args.as_slice(), call.grads.as_slice()) {
            ([p], [d]) if at(*p).is_some() => match scalar(d) {
                Some(d) => Lin::one(*p, d),
                None => Lin::general(),
            },
            ([p, q], [dp, dq]) if at(*p).is_some() && at(*q).is_some() => {
                match (scalar(dp), scalar(dq)) {
                    (Some(dp), Some(dq)) => Lin::two(*p, dp, *q, dq),
                    _ => Lin::general(),
                }
            }
            _ => Lin::general(),
        },
        Op::Broadcast(_) | Op::SumTo(_) | Op::Entry(..) | Op::VjpCall(_) | Op::Opaque(_) => {
            Lin::general()
        }
    }
}

/// The scalar `u(x)`: the one formula both recording and replay (`replay.rs`) use, so a
/// replayed value is the recorded one bit for bit.
#[inline(always)]
pub(crate) fn unary_value<T: Real>(u: Unary, x: T) -> T {
    match u {
        Unary::Neg => -x,
        Unary::Exp => x.exp(),
        Unary::Ln => x.ln(),
        Unary::Sin => x.sin(),
        Unary::Cos => x.cos(),
        Unary::Tanh => x.tanh(),
        Unary::Sigmoid => sigmoid(x),
        Unary::Relu => {
            if x > T::zero() {
                x
            } else {
                T::zero()
            }
        }
        Unary::Square => x * x,
        Unary::Sqrt => x.sqrt(),
        // the transpose, sum or mean of one scalar is itself (`Σ x / 1 = x` exactly)
        Unary::Transpose | Unary::Sum | Unary::Mean => x,
    }
}

/// `1 / (1 + e⁻ˣ)`, without overflow for large `|x|`.
#[inline(always)]
pub(crate) fn sigmoid<T: Real>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// The scalar `a ∘ c` (a 1×1 product is recorded as a matrix, never as this).
#[inline(always)]
pub(crate) fn binary_value<T: Real>(b: Binary, a: T, c: T) -> T {
    match b {
        Binary::Add => a + c,
        Binary::Sub => a - c,
        Binary::Mul | Binary::MatMul => a * c,
        Binary::Div => a / c,
        Binary::Times => times(a, c),
        Binary::Over => over(a, c),
    }
}

/// The scalar `x ∘ c` for a plain constant `c`.
#[inline(always)]
pub(crate) fn const_value<T: Real>(k: WithConst, x: T, c: T) -> T {
    match k {
        WithConst::Add => x + c,
        WithConst::Mul => x * c,
        WithConst::Div => x / c,
        WithConst::RSub => c - x,
        WithConst::RDiv => c / x,
        WithConst::Pow => x.powf(c),
    }
}

/// `∂y/∂x` of a scalar `y = u(x)`.
#[inline]
pub(crate) fn unary_partial<T: Real>(u: Unary, x: T, y: T) -> T {
    let (one, two) = (T::one(), T::from_f64(2.0));
    match u {
        // y = -x  =>  ∂y/∂x = -1
        Unary::Neg => -one,
        // y = eˣ  =>  ∂y/∂x = y
        Unary::Exp => y,
        // y = ln x  =>  ∂y/∂x = 1/x
        Unary::Ln => one / x,
        // y = sin x  =>  ∂y/∂x = cos x
        Unary::Sin => x.cos(),
        // y = cos x  =>  ∂y/∂x = -sin x
        Unary::Cos => -x.sin(),
        // y = tanh x  =>  ∂y/∂x = 1 - y²
        Unary::Tanh => one - y * y,
        // y = σ(x)  =>  ∂y/∂x = y·(1 - y)
        Unary::Sigmoid => y * (one - y),
        // y = max(x, 0)  =>  ∂y/∂x = [x > 0]  (0 at x = 0, as tf.nn.relu)
        Unary::Relu => {
            if x > T::zero() {
                one
            } else {
                T::zero()
            }
        }
        // y = x²  =>  ∂y/∂x = 2x
        Unary::Square => x * two,
        // y = √x  =>  ∂y/∂x = 1 / (2y)
        Unary::Sqrt => one / (y * two),
        // y = xᵀ, Σ x, mean x of a scalar  =>  ∂y/∂x = 1
        Unary::Transpose | Unary::Sum | Unary::Mean => one,
    }
}

/// `(∂y/∂a, ∂y/∂c)` of a scalar `y = a ∘ c`.
#[inline]
pub(crate) fn binary_partials<T: Real>(b: Binary, a: T, c: T) -> (T, T) {
    let one = T::one();
    match b {
        // y = a + c  =>  (1, 1)
        Binary::Add => (one, one),
        // y = a - c  =>  (1, -1)
        Binary::Sub => (one, -one),
        // y = a·c (also a 1×1 product)  =>  (c, a)
        Binary::Mul | Binary::MatMul | Binary::Times => (c, a),
        // y = a / c  =>  (1/c, -a/c²), the second exactly 0 where a = 0 (also at c = 0, as
        // `rules::DivRule::d_rhs`: `over(times(-g, a), c²)`)
        Binary::Div | Binary::Over => {
            let dc = if a == T::zero() {
                T::zero()
            } else {
                -a / (c * c)
            };
            (one / c, dc)
        }
    }
}

/// `∂y/∂x` of a scalar `y = x ∘ c` for a plain constant `c`.
#[inline]
pub(crate) fn const_partial<T: Real>(k: WithConst, x: T, c: T) -> T {
    let one = T::one();
    match k {
        // y = x + c  =>  ∂y/∂x = 1
        WithConst::Add => one,
        // y = x·c  =>  ∂y/∂x = c
        WithConst::Mul => c,
        // y = x / c  =>  ∂y/∂x = 1/c
        WithConst::Div => one / c,
        // y = c - x  =>  ∂y/∂x = -1
        WithConst::RSub => -one,
        // y = c / x  =>  ∂y/∂x = -c / x², exactly 0 where c = 0 (also at x = 0)
        WithConst::RDiv => {
            if c == T::zero() {
                T::zero()
            } else {
                -c / (x * x)
            }
        }
        // y = xᵖ  =>  ∂y/∂x = p·xᵖ⁻¹  (0 for p = 0, also at x = 0; 1 for p = 1)
        WithConst::Pow => {
            if c == T::zero() {
                T::zero()
            } else if c == one {
                one
            } else {
                x.powf(c - one) * c
            }
        }
    }
}
