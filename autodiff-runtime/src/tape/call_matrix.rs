//! Compiled `#[differentiable]` functions with a matrix output called through a tape, through
//! their `NAME_vjp`: `tape.call_vjp(f_vjp, &x)`, `tape.call2_vjp(f_vjp, &a, &b)`,
//! `tape.call3_vjp(f_vjp, &a, &b, &c)`; each argument a matrix (`&DMatrix<T>`) or a scalar (`T`),
//! as the function's signature says. One node per call, holding the compiled pullback.
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

/// How a kept argument value is handed to `NAME_vjp` for a parameter of one kind.
#[doc(hidden)]
pub trait ArgKind<'b, T: Real> {
    /// The parameter's type.
    type Arg;
    /// The argument, borrowed from the kept value.
    ///
    /// # Panics
    /// If the value's kind (scalar or matrix) does not fit the parameter; `name` is the function.
    fn arg(v: &'b Value<T>, name: &str) -> Self::Arg;
}

/// A `&DMatrix<T>` parameter.
#[doc(hidden)]
pub struct MatArg;
/// A scalar `T` parameter.
#[doc(hidden)]
pub struct ScalarArg;

impl<'b, T: Real> ArgKind<'b, T> for MatArg {
    type Arg = &'b DMatrix<T>;
    fn arg(v: &'b Value<T>, name: &str) -> &'b DMatrix<T> {
        match v {
            Value::Mat(m) => m,
            Value::Scalar(_) => panic!(
                "`{name}` takes a `&DMatrix` argument here and was called through the tape with a scalar tensor"
            ),
        }
    }
}

impl<'b, T: Real> ArgKind<'b, T> for ScalarArg {
    type Arg = T;
    fn arg(v: &'b Value<T>, name: &str) -> T {
        match v {
            Value::Scalar(s) => *s,
            Value::Mat(m) => panic!(
                "`{name}` takes a scalar argument here and was called through the tape with a {}×{} matrix",
                m.nrows(),
                m.ncols()
            ),
        }
    }
}

/// A one-argument `NAME_vjp` with a matrix output, as the tape calls it; `K` is the argument's
/// kind ([`MatArg`] or [`ScalarArg`]), inferred from the function's signature.
#[doc(hidden)]
pub trait MatrixVjp1<'b, T: Real, K> {
    /// The output.
    fn value(&self, x: &'b Value<T>, name: &str) -> DMatrix<T>;
    /// The gradient of `⟨g, output⟩` with respect to the argument.
    fn pull(&self, x: &'b Value<T>, name: &str, g: DMatrix<T>) -> Value<T>;
}

macro_rules! matrix_vjp1 {
    ($($K:ident => $A:ty),*) => {$(
        impl<'b, T: Real, F, P, G> MatrixVjp1<'b, T, ($K,)> for F
        where
            F: Fn($A) -> (DMatrix<T>, P),
            P: Fn(DMatrix<T>) -> G,
            G: IntoValue<T>,
        {
            fn value(&self, x: &'b Value<T>, name: &str) -> DMatrix<T> {
                self(<$K as ArgKind<'b, T>>::arg(x, name)).0
            }
            fn pull(&self, x: &'b Value<T>, name: &str, g: DMatrix<T>) -> Value<T> {
                (self(<$K as ArgKind<'b, T>>::arg(x, name)).1)(g).into_value()
            }
        }
    )*};
}
matrix_vjp1!(MatArg => &'b DMatrix<T>, ScalarArg => T);

/// A two-argument `NAME_vjp` with a matrix output, as the tape calls it; `K` holds the
/// arguments' kinds, inferred from the function's signature.
#[doc(hidden)]
pub trait MatrixVjp2<'b, T: Real, K> {
    /// The output.
    fn value(&self, args: [&'b Value<T>; 2], name: &str) -> DMatrix<T>;
    /// The gradients of `⟨g, output⟩` with respect to both arguments.
    fn pull(&self, args: [&'b Value<T>; 2], name: &str, g: DMatrix<T>) -> [Value<T>; 2];
}

/// A three-argument `NAME_vjp` with a matrix output (see [`MatrixVjp2`]).
#[doc(hidden)]
pub trait MatrixVjp3<'b, T: Real, K> {
    /// The output.
    fn value(&self, args: [&'b Value<T>; 3], name: &str) -> DMatrix<T>;
    /// The gradients of `⟨g, output⟩` with respect to the three arguments.
    fn pull(&self, args: [&'b Value<T>; 3], name: &str, g: DMatrix<T>) -> [Value<T>; 3];
}

macro_rules! matrix_vjp_n {
    ($Trait:ident, $n:literal; $(($($K:ident => $A:ty, $G:ident, $i:tt);+)),* $(,)?) => {$(
        impl<'b, T: Real, F, P, $($G),+> $Trait<'b, T, ($($K,)+)> for F
        where
            F: Fn($($A),+) -> (DMatrix<T>, P),
            P: Fn(DMatrix<T>) -> ($($G,)+),
            $($G: IntoValue<T>,)+
        {
            fn value(&self, args: [&'b Value<T>; $n], name: &str) -> DMatrix<T> {
                self($(<$K as ArgKind<'b, T>>::arg(args[$i], name)),+).0
            }
            fn pull(&self, args: [&'b Value<T>; $n], name: &str, g: DMatrix<T>) -> [Value<T>; $n] {
                let grads = (self($(<$K as ArgKind<'b, T>>::arg(args[$i], name)),+).1)(g);
                [$(grads.$i.into_value()),+]
            }
        }
    )*};
}
matrix_vjp_n!(MatrixVjp2, 2;
    (MatArg => &'b DMatrix<T>, GA, 0; MatArg => &'b DMatrix<T>, GB, 1),
    (MatArg => &'b DMatrix<T>, GA, 0; ScalarArg => T, GB, 1),
    (ScalarArg => T, GA, 0; MatArg => &'b DMatrix<T>, GB, 1),
);
matrix_vjp_n!(MatrixVjp3, 3;
    (MatArg => &'b DMatrix<T>, GA, 0; MatArg => &'b DMatrix<T>, GB, 1; MatArg => &'b DMatrix<T>, GC, 2),
    (MatArg => &'b DMatrix<T>, GA, 0; MatArg => &'b DMatrix<T>, GB, 1; ScalarArg => T, GC, 2),
    (MatArg => &'b DMatrix<T>, GA, 0; ScalarArg => T, GB, 1; MatArg => &'b DMatrix<T>, GC, 2),
    (ScalarArg => T, GA, 0; MatArg => &'b DMatrix<T>, GB, 1; MatArg => &'b DMatrix<T>, GC, 2),
    (MatArg => &'b DMatrix<T>, GA, 0; ScalarArg => T, GB, 1; ScalarArg => T, GC, 2),
    (ScalarArg => T, GA, 0; MatArg => &'b DMatrix<T>, GB, 1; ScalarArg => T, GC, 2),
    (ScalarArg => T, GA, 0; ScalarArg => T, GB, 1; MatArg => &'b DMatrix<T>, GC, 2),
);

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
    pub fn call_vjp<F, K>(&self, f: F, x: &Tensor<T>) -> Tensor<T>
    where
        F: for<'b> MatrixVjp1<'b, T, K> + 'static,
    {
        let name = std::any::type_name::<F>();
        // The argument's value is kept (a matrix is shared, not copied).
        let xv = x.value.clone();
        let value = f.value(&xv, name);
        let shape = value.shape();
        // dx = the compiled pullback of g, re-run on the kept argument
        let pull = move |g: &Value<T>| smallvec![f.pull(&xv, name, cotangent(g, shape))];
        self.record_vjp_call(name, &[x], value, Box::new(pull))
    }

    /// [`call_vjp`](GradientTape::call_vjp) for two arguments, each a matrix or a scalar:
    /// `tape.call2_vjp(f_vjp, &a, &b)`.
    pub fn call2_vjp<F, K>(&self, f: F, a: &Tensor<T>, b: &Tensor<T>) -> Tensor<T>
    where
        F: for<'b> MatrixVjp2<'b, T, K> + 'static,
    {
        let name = std::any::type_name::<F>();
        let (av, bv) = (a.value.clone(), b.value.clone());
        let value = f.value([&av, &bv], name);
        let shape = value.shape();
        // (da, db) = the compiled pullback of g, re-run on the kept arguments
        let pull = move |g: &Value<T>| {
            let [da, db] = f.pull([&av, &bv], name, cotangent(g, shape));
            smallvec![da, db]
        };
        self.record_vjp_call(name, &[a, b], value, Box::new(pull))
    }

    /// [`call_vjp`](GradientTape::call_vjp) for three arguments, each a matrix or a scalar (at
    /// least one a matrix): `tape.call3_vjp(f_vjp, &a, &b, &c)`.
    pub fn call3_vjp<F, K>(&self, f: F, a: &Tensor<T>, b: &Tensor<T>, c: &Tensor<T>) -> Tensor<T>
    where
        F: for<'b> MatrixVjp3<'b, T, K> + 'static,
    {
        let name = std::any::type_name::<F>();
        let (av, bv, cv) = (a.value.clone(), b.value.clone(), c.value.clone());
        let value = f.value([&av, &bv, &cv], name);
        let shape = value.shape();
        // (da, db, dc) = the compiled pullback of g, re-run on the kept arguments
        let pull = move |g: &Value<T>| {
            let [da, db, dc] = f.pull([&av, &bv, &cv], name, cotangent(g, shape));
            smallvec![da, db, dc]
        };
        self.record_vjp_call(name, &[a, b, c], value, Box::new(pull))
    }
}
