//! Compiled `#[differentiable]` functions called through a tape: one node per call, holding the
//! compiled derivative, never one node per scalar operation inside the function.
//!
//! A call with a scalar output runs `NAME_grad` once when it is recorded and keeps the gradient;
//! the node's pullback scales it by the output's cotangent (`∂/∂xᵢ (g·f) = g·∂f/∂xᵢ`). The cost
//! is one compiled forward and reverse sweep at the call plus one node, whether or not a gradient
//! is asked for later; no argument is copied or kept. Second derivatives through such a node are
//! not available from the tape (the gradient is compiled code): a nested tape that needs one
//! panics with a message that says so, instead of dropping a term.
//!
//! Compiled functions with a matrix output go through their `NAME_vjp` instead
//! ([`call_vjp`](GradientTape::call_vjp), [`call2_vjp`](GradientTape::call2_vjp), in
//! `call_matrix.rs`).

use std::rc::Rc;

use nalgebra::DMatrix;
use smallvec::{SmallVec, smallvec};

use super::gradient_tape::GradientTape;
use super::graph::{CallRecord, GraphRef, Op};
use super::tensor::{Tensor, common_graph};
use super::value::Value;
use super::variable::IntoValue;
use crate::real::Real;

/// An argument of a compiled function taken from a tensor: `f32`/`f64` from a scalar tensor,
/// `&DMatrix<T>` or `DMatrix<T>` from a matrix tensor.
pub trait CallArg<'a, T: Real>: Sized {
    /// The argument.
    ///
    /// # Panics
    /// If the tensor's kind (scalar or matrix) does not fit the parameter.
    fn from_tensor(t: &'a Tensor<T>) -> Self;
}

impl<'a> CallArg<'a, f64> for f64 {
    fn from_tensor(t: &'a Tensor<f64>) -> Self {
        t.scalar()
    }
}
impl<'a> CallArg<'a, f32> for f32 {
    fn from_tensor(t: &'a Tensor<f32>) -> Self {
        t.scalar()
    }
}
impl<'a, T: Real> CallArg<'a, T> for &'a DMatrix<T> {
    fn from_tensor(t: &'a Tensor<T>) -> Self {
        match &t.value {
            Value::Mat(m) => m,
            Value::Scalar(_) => {
                panic!("a compiled function taking `&DMatrix` was called with a scalar tensor")
            }
        }
    }
}
impl<'a, T: Real> CallArg<'a, T> for DMatrix<T> {
    fn from_tensor(t: &'a Tensor<T>) -> Self {
        t.to_matrix()
    }
}

impl<T: Real, M> GradientTape<T, M> {
    fn record_call(
        &self,
        name: &'static str,
        args: &[&Tensor<T>],
        out: T,
        grads: SmallVec<[Value<T>; 3]>,
    ) -> Tensor<T> {
        self.record_node(name, args, Value::Scalar(out), |args| {
            Op::ScalarCall(Rc::new(CallRecord { name, args, grads }))
        })
    }

    /// Records one node for a compiled call: checks every tensor argument belongs to this tape,
    /// returns a constant when the tape is not recording, else pushes `op(argument nodes)`.
    pub(super) fn record_node(
        &self,
        name: &'static str,
        args: &[&Tensor<T>],
        value: Value<T>,
        op: impl FnOnce(SmallVec<[u32; 3]>) -> Op<T>,
    ) -> Tensor<T> {
        let graph: GraphRef<T> = *self.graph();
        if let Some(g) = common_graph(args) {
            assert!(
                g == graph,
                "`{name}` was called through tape {} with an argument recorded on tape {}",
                graph.label(),
                g.label()
            );
        }
        if !graph.is_recording() {
            return Tensor::constant(value);
        }
        let xs: SmallVec<[&Value<T>; 3]> = args.iter().map(|a| &a.value).collect();
        let args = args.iter().map(|a| a.node_in(&graph)).collect();
        let idx = graph.push(op(args), value.clone(), &xs);
        Tensor::on(&graph, idx, value)
    }

    /// Calls a compiled one-argument function with a scalar output through the tape:
    /// `tape.call(f_grad, &x)` for `#[differentiable] fn f(x: ..) -> f64`. One node; see the
    /// module documentation for the cost.
    ///
    /// ```
    /// use autodiff::prelude::*;
    ///
    /// #[differentiable]
    /// fn f(x: f64) -> f64 {
    ///     x * x.sin()
    /// }
    ///
    /// let x = Variable::new(2.0f64);
    /// let tape = GradientTape::new();
    /// let y = tape.call(f_grad, &x.read(&tape)) * 3.0;
    /// let dy = tape.gradient(&y, &x).unwrap().scalar();
    /// assert!((dy - 3.0 * (2.0f64.sin() + 2.0 * 2.0f64.cos())).abs() < 1e-12);
    /// ```
    pub fn call<'a, A, G, F>(&self, f: F, x: &'a Tensor<T>) -> Tensor<T>
    where
        A: CallArg<'a, T>,
        F: Fn(A) -> (T, G),
        G: IntoValue<T>,
    {
        let (out, g) = f(A::from_tensor(x));
        self.record_call(
            std::any::type_name::<F>(),
            &[x],
            out,
            smallvec![g.into_value()],
        )
    }

    /// [`call`](GradientTape::call) for two arguments: `tape.call2(f_grad, &a, &b)`.
    pub fn call2<'a, A, B, GA, GB, F>(&self, f: F, a: &'a Tensor<T>, b: &'a Tensor<T>) -> Tensor<T>
    where
        A: CallArg<'a, T>,
        B: CallArg<'a, T>,
        F: Fn(A, B) -> (T, (GA, GB)),
        GA: IntoValue<T>,
        GB: IntoValue<T>,
    {
        let (out, (ga, gb)) = f(A::from_tensor(a), B::from_tensor(b));
        let grads = smallvec![ga.into_value(), gb.into_value()];
        self.record_call(std::any::type_name::<F>(), &[a, b], out, grads)
    }

    /// [`call`](GradientTape::call) for three arguments: `tape.call3(f_grad, &a, &b, &c)`.
    #[allow(clippy::type_complexity)]
    pub fn call3<'a, A, B, C, GA, GB, GC, F>(
        &self,
        f: F,
        a: &'a Tensor<T>,
        b: &'a Tensor<T>,
        c: &'a Tensor<T>,
    ) -> Tensor<T>
    where
        A: CallArg<'a, T>,
        B: CallArg<'a, T>,
        C: CallArg<'a, T>,
        F: Fn(A, B, C) -> (T, (GA, GB, GC)),
        GA: IntoValue<T>,
        GB: IntoValue<T>,
        GC: IntoValue<T>,
    {
        let (out, (ga, gb, gc)) = f(A::from_tensor(a), B::from_tensor(b), C::from_tensor(c));
        let grads = smallvec![ga.into_value(), gb.into_value(), gc.into_value()];
        self.record_call(std::any::type_name::<F>(), &[a, b, c], out, grads)
    }
}
