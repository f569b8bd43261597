//! Optimizers on variables: the one-line form of Keras'
//! `optimizer.apply_gradients(zip(grads, vars))`, and `Parameters` for tape values.

use std::rc::Rc;

use super::tensor::Tensor;
use super::value::Value;
use super::variable::Variable;
use crate::optim::Optimizer;
use crate::params::Parameters;
use crate::real::Real;

/// A value's entries as one parameter run: a scalar is one, a matrix its column-major storage
/// (a shared matrix is copied before it is changed).
impl<T: Real> Parameters<T> for Value<T> {
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        match self {
            Value::Scalar(v) => f(std::slice::from_ref(v)),
            Value::Mat(m) => f(m.as_slice()),
        }
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        match self {
            Value::Scalar(v) => f(std::slice::from_mut(v)),
            Value::Mat(m) => f(Rc::make_mut(m).as_mut_slice()),
        }
    }
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        match self {
            Value::Scalar(_) => f(1, 1),
            Value::Mat(m) => f(m.nrows(), m.ncols()),
        }
    }
}

/// A variable's value as one parameter run, borrowed for the duration of each visit (so
/// `Vec<Variable<T>>` and `[Variable<T>; N]` are `Parameters` too, and an optimizer can step
/// them in place: `opt.apply_gradients(&mut vars, &grad_vars)`).
///
/// # Panics
/// If the variable's value is borrowed elsewhere during the visit (a visit does not call back
/// into the variable).
impl<T: Real> Parameters<T> for Variable<T> {
    fn visit(&self, f: &mut dyn FnMut(&[T])) {
        self.with_value(|v| v.visit(f));
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [T])) {
        self.with_value_mut(|v| v.visit_mut(f));
    }
    fn visit_dims(&self, f: &mut dyn FnMut(usize, usize)) {
        self.with_value(|v| v.visit_dims(f));
    }
}

/// `optimizer.apply_gradients(zip(grads, vars))` for [`Variable`]s, on every
/// [`Optimizer`](crate::optim::Optimizer) (`Sgd`, `Adam`, ...). In the prelude.
pub trait ApplyToVariables {
    /// One optimizer step on `vars` given `grads` in the same order, as a tape's `gradient`
    /// returns them (`let grads = tape.gradient(&loss, [&w, &b]); opt.apply_gradients_to(&grads,
    /// [&w, &b]);`). The optimizer's state belongs to these variables' shapes, as with
    /// `apply_gradients`.
    ///
    /// # Panics
    /// Before changing anything: if the counts differ, if a gradient is `None` (TensorFlow skips
    /// such a variable with a warning; ask for zeros with `UnconnectedGradients::Zero` or leave the
    /// variable out), or, from the optimizer, if a gradient's shape differs from its variable's.
    ///
    /// ```
    /// use autodiff::prelude::*;
    ///
    /// let x = Variable::new(0.0f32);
    /// let mut opt = optim::Sgd::new(0.1);
    /// for _ in 0..100 {
    ///     let tape = GradientTape::new();
    ///     let xr = x.read(&tape);
    ///     let z = xr.powi(2) - &xr * 2.0 + 1.0;
    ///     let grads = tape.gradient(&z, [&x]);
    ///     opt.apply_gradients_to(&grads, [&x]);
    /// }
    /// assert!((x.scalar() - 1.0).abs() < 1e-6);
    /// ```
    fn apply_gradients_to<'v, T: Real>(
        &mut self,
        grads: &[Option<Tensor<T>>],
        vars: impl IntoIterator<Item = &'v Variable<T>>,
    );
}

impl<O: Optimizer> ApplyToVariables for O {
    fn apply_gradients_to<'v, T: Real>(
        &mut self,
        grads: &[Option<Tensor<T>>],
        vars: impl IntoIterator<Item = &'v Variable<T>>,
    ) {
        let vars: Vec<&Variable<T>> = vars.into_iter().collect();
        assert_eq!(
            grads.len(),
            vars.len(),
            "apply_gradients_to: {} gradients for {} variables",
            grads.len(),
            vars.len()
        );
        let grads: Vec<Value<T>> = grads
            .iter()
            .zip(&vars)
            .map(|(g, v)| match g {
                Some(g) => g.value().clone(),
                None => panic!(
                    "apply_gradients_to: no gradient for variable `{}` (the loss does not depend \
                     on it); leave it out, or ask the tape for zeros with \
                     UnconnectedGradients::Zero",
                    v.name()
                ),
            })
            .collect();
        let mut params: Vec<Value<T>> = vars.iter().map(|v| v.value()).collect();
        self.apply_gradients(&mut params, &grads);
        for (v, p) in vars.iter().zip(params) {
            v.assign(p);
        }
    }
}
