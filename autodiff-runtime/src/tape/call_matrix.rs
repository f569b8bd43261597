//! Compiled `#[differentiable]` functions with a matrix output called through a tape, through
//! their `NAME_vjp`: `tape.call_vjp(f_vjp, &x)`, `tape.call2_vjp(f_vjp, &a, &b)`. One node per
//! call, holding the compiled pullback.
//!
//! `NAME_vjp`'s pullback borrows the arguments, so the node cannot keep it: it keeps the
//! argument values (shared, not copied) and the function, and the backward pass runs `NAME_vjp`
//! again on them and pulls the output's cotangent back through the fresh pullback. A call costs
//! one compiled forward sweep when recorded and one forward and reverse sweep per backward pass
//! that reaches it. As with scalar calls, a second derivative through the node is not available
//! from the tape (a nested tape that needs one panics with a message that says so).

use std::rc::Rc;

use nalgebra::DMatrix;
use smallvec::smallvec;

use super::gradient_tape::GradientTape;
use super::graph::{Op, VjpPull, VjpRecord};
use super::tensor::Tensor;
use super::value::Value;
use super::variable::IntoValue;
use crate::real::Real;

/// A one-argument `NAME_vjp` with a matrix argument and a matrix output, as the tape calls it.
#[doc(hidden)]
pub trait MatrixVjp1<'b, T: Real> {
    /// The output.
    fn value(&self, x: &'b DMatrix<T>) -> DMatrix<T>;
    /// The gradient of `⟨g, output⟩` with respect to the argument.
    fn pull(&self, x: &'b DMatrix<T>, g: DMatrix<T>) -> Value<T>;
}

impl<'b, T: Real, F, P, G> MatrixVjp1<'b, T> for F
where
    F: Fn(&'b DMatrix<T>) -> (DMatrix<T>, P),
    P: Fn(DMatrix<T>) -> G,
    G: IntoValue<T>,
{
    fn value(&self, x: &'b DMatrix<T>) -> DMatrix<T> {
        self(x).0
    }
    fn pull(&self, x: &'b DMatrix<T>, g: DMatrix<T>) -> Value<T> {
        (self(x).1)(g).into_value()
    }
}

/// A two-argument `NAME_vjp` with matrix arguments and a matrix output, as the tape calls it.
#[doc(hidden)]
pub trait MatrixVjp2<'b, T: Real> {
    /// The output.
    fn value(&self, a: &'b DMatrix<T>, b: &'b DMatrix<T>) -> DMatrix<T>;
    /// The gradients of `⟨g, output⟩` with respect to both arguments.
    fn pull(&self, a: &'b DMatrix<T>, b: &'b DMatrix<T>, g: DMatrix<T>) -> [Value<T>; 2];
}

impl<'b, T: Real, F, P, GA, GB> MatrixVjp2<'b, T> for F
where
    F: Fn(&'b DMatrix<T>, &'b DMatrix<T>) -> (DMatrix<T>, P),
    P: Fn(DMatrix<T>) -> (GA, GB),
    GA: IntoValue<T>,
    GB: IntoValue<T>,
{
    fn value(&self, a: &'b DMatrix<T>, b: &'b DMatrix<T>) -> DMatrix<T> {
        self(a, b).0
    }
    fn pull(&self, a: &'b DMatrix<T>, b: &'b DMatrix<T>, g: DMatrix<T>) -> [Value<T>; 2] {
        let (ga, gb) = (self(a, b).1)(g);
        [ga.into_value(), gb.into_value()]
    }
}

/// The matrix a tensor holds, shared.
///
/// # Panics
/// If the tensor is a scalar.
fn matrix_arg<T: Real>(t: &Tensor<T>, name: &str) -> Rc<DMatrix<T>> {
    match &t.value {
        Value::Mat(m) => m.clone(),
        Value::Scalar(_) => panic!(
            "`{name}` takes `&DMatrix` arguments and was called through the tape with a scalar tensor"
        ),
    }
}

/// The output cotangent as a matrix of the output's shape (a scalar cotangent is spread).
fn cotangent<T: Real>(g: &Value<T>, shape: (usize, usize)) -> DMatrix<T> {
    match g {
        Value::Scalar(s) => DMatrix::from_element(shape.0, shape.1, *s),
        Value::Mat(m) => (**m).clone(),
    }
}

impl<T: Real, M> GradientTape<T, M> {
    fn record_vjp_call(
        &self,
        name: &'static str,
        args: &[&Tensor<T>],
        value: DMatrix<T>,
        pull: VjpPull<T>,
    ) -> Tensor<T> {
        self.record_node(name, args, Value::matrix(value), |args| {
            Op::VjpCall(Rc::new(VjpRecord { name, args, pull }))
        })
    }

    /// Calls a compiled one-argument function with a matrix argument and a matrix output
    /// through the tape: `tape.call_vjp(f_vjp, &x)` for
    /// `#[differentiable] fn f(x: &DMatrix<f64>) -> DMatrix<f64>`. One node; see the module
    /// documentation for the cost.
    ///
    /// ```
    /// use autodiff::prelude::*;
    ///
    /// #[differentiable]
    /// fn gram(x: &DMatrix<f64>) -> DMatrix<f64> {
    ///     x.transpose() * x
    /// }
    ///
    /// let x = Variable::new(DMatrix::from_row_slice(2, 1, &[1.0, 2.0]));
    /// let tape = GradientTape::new();
    /// let g = tape.call_vjp(gram_vjp, &x.read(&tape)); // 1×1: x₁² + x₂²
    /// let dx = tape.gradient(&g.sum(), &x).unwrap().to_matrix();
    /// assert!((dx[(0, 0)] - 2.0).abs() < 1e-12 && (dx[(1, 0)] - 4.0).abs() < 1e-12); // 2x
    /// ```
    pub fn call_vjp<F>(&self, f: F, x: &Tensor<T>) -> Tensor<T>
    where
        F: for<'b> MatrixVjp1<'b, T> + 'static,
    {
        let name = std::any::type_name::<F>();
        let xm = matrix_arg(x, name);
        let value = f.value(&xm);
        let shape = value.shape();
        // dx = the compiled pullback of g, re-run on the kept argument
        let pull = move |g: &Value<T>| smallvec![f.pull(&xm, cotangent(g, shape))];
        self.record_vjp_call(name, &[x], value, Box::new(pull))
    }

    /// [`call_vjp`](GradientTape::call_vjp) for two matrix arguments:
    /// `tape.call2_vjp(f_vjp, &a, &b)`.
    pub fn call2_vjp<F>(&self, f: F, a: &Tensor<T>, b: &Tensor<T>) -> Tensor<T>
    where
        F: for<'b> MatrixVjp2<'b, T> + 'static,
    {
        let name = std::any::type_name::<F>();
        let (am, bm) = (matrix_arg(a, name), matrix_arg(b, name));
        let value = f.value(&am, &bm);
        let shape = value.shape();
        // (da, db) = the compiled pullback of g, re-run on the kept arguments
        let pull = move |g: &Value<T>| {
            let [da, db] = f.pull(&am, &bm, cotangent(g, shape));
            smallvec![da, db]
        };
        self.record_vjp_call(name, &[a, b], value, Box::new(pull))
    }
}
