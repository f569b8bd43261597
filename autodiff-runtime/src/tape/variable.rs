//! `Variable`: a named, mutable value that tapes watch when it is read (TensorFlow's
//! `tf.Variable`).

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use nalgebra::DMatrix;

use super::gradient_tape::GradientTape;
use super::graph::{LeafKey, Op, fresh_id};
use super::tensor::Tensor;
use super::value::Value;
use crate::real::Real;

struct Inner<T: Real> {
    id: u64,
    name: String,
    trainable: bool,
    value: RefCell<Value<T>>,
}

/// A mutable scalar or matrix that tapes differentiate with respect to (TensorFlow's
/// `tf.Variable`).
///
/// Reading it with [`read`](Variable::read) under a recording tape records the read; a tape
/// watches every trainable variable read while it records (unless created with
/// [`watch_accessed_variables(false)`](GradientTape::watch_accessed_variables)). Variables are
/// trainable by default; [`non_trainable`](Variable::non_trainable) makes one that only an
/// explicit [`watch`](GradientTape::watch) differentiates. Clones share the value (like Python
/// references to one `tf.Variable`), and `assign`, `assign_add` and `assign_sub` change it in
/// place.
///
/// ```
/// use autodiff::prelude::*;
///
/// let x = Variable::new(0.0f32).with_name("x");
/// for _ in 0..100 {
///     let tape = GradientTape::new();
///     let xr = x.read(&tape);
///     let z = xr.powi(2) - &xr * 2.0 + 1.0; // minimum at x = 1
///     let dz_dx = tape.gradient(&z, &x).unwrap();
///     x.assign_sub(&dz_dx * 0.1);
/// }
/// assert!((x.scalar() - 1.0).abs() < 1e-6);
/// assert_eq!(x.name(), "x");
/// ```
#[derive(Clone)]
pub struct Variable<T: Real> {
    inner: Rc<Inner<T>>,
}

impl<T: Real> fmt::Debug for Variable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Variable({:?}, {:?}{})",
            self.inner.name,
            self.inner.value.borrow(),
            if self.inner.trainable {
                ""
            } else {
                ", non-trainable"
            }
        )
    }
}

/// Values a variable can be assigned: a scalar `T`, a `DMatrix<T>`, a [`Value`] or a
/// [`Tensor`]'s value.
pub trait IntoValue<T: Real> {
    /// The value.
    fn into_value(self) -> Value<T>;
}
impl<T: Real> IntoValue<T> for Value<T> {
    fn into_value(self) -> Value<T> {
        self
    }
}
impl<T: Real> IntoValue<T> for DMatrix<T> {
    fn into_value(self) -> Value<T> {
        Value::matrix(self)
    }
}
impl<T: Real> IntoValue<T> for Tensor<T> {
    fn into_value(self) -> Value<T> {
        self.value
    }
}
impl<T: Real> IntoValue<T> for &Tensor<T> {
    fn into_value(self) -> Value<T> {
        self.value.clone()
    }
}
impl IntoValue<f32> for f32 {
    fn into_value(self) -> Value<f32> {
        Value::Scalar(self)
    }
}
impl IntoValue<f64> for f64 {
    fn into_value(self) -> Value<f64> {
        Value::Scalar(self)
    }
}

impl<T: Real> Variable<T> {
    /// A trainable variable named `"Variable"` (TensorFlow's default name).
    pub fn new(value: impl IntoValue<T>) -> Self {
        Variable {
            inner: Rc::new(Inner {
                id: fresh_id(),
                name: "Variable".to_string(),
                trainable: true,
                value: RefCell::new(value.into_value()),
            }),
        }
    }

    fn rebuilt(self, name: String, trainable: bool) -> Self {
        let value = self.inner.value.borrow().clone();
        Variable {
            inner: Rc::new(Inner {
                id: self.inner.id,
                name,
                trainable,
                value: RefCell::new(value),
            }),
        }
    }

    /// The same variable with a name (TensorFlow's `name=`). Call it right after `new`: it
    /// detaches the result from earlier clones.
    pub fn with_name(self, name: impl Into<String>) -> Self {
        let trainable = self.inner.trainable;
        self.rebuilt(name.into(), trainable)
    }

    /// The same variable, not trainable (`trainable=False`): tapes do not watch its reads by
    /// themselves. Call it right after `new`: it detaches the result from earlier clones.
    pub fn non_trainable(self) -> Self {
        let name = self.inner.name.clone();
        self.rebuilt(name, false)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// `true` unless made with [`non_trainable`](Variable::non_trainable).
    pub fn trainable(&self) -> bool {
        self.inner.trainable
    }

    /// The current value (a cheap clone).
    #[inline]
    pub fn value(&self) -> Value<T> {
        self.inner.value.borrow().clone()
    }

    /// The current value of a scalar variable.
    ///
    /// # Panics
    /// If the variable holds a matrix.
    pub fn scalar(&self) -> T {
        self.inner.value.borrow().scalar()
    }

    /// The current value as a matrix (a scalar is `1 × 1`).
    pub fn to_matrix(&self) -> DMatrix<T> {
        self.inner.value.borrow().to_matrix()
    }

    /// Reads the value under `tape`: recorded if the tape (or a tape it is nested in) is
    /// recording, a constant otherwise.
    #[inline(always)]
    pub fn read<M>(&self, tape: &GradientTape<T, M>) -> Tensor<T> {
        let graph = tape.graph();
        let key = LeafKey::Var {
            id: self.inner.id,
            trainable: self.inner.trainable,
        };
        // A scalar: the leaf is written from the float and the tensor rebuilt from it.
        let scalar = match &*self.inner.value.borrow() {
            Value::Scalar(v) => Some(*v),
            Value::Mat(_) => None,
        };
        if let (Some(v), true) = (scalar, graph.is_recording()) {
            let idx = graph.push_scalar_leaf(key, v);
            return Tensor::on(graph, idx, Value::Scalar(v));
        }
        let value = self.value();
        if graph.is_recording() {
            let key = LeafKey::Var {
                id: self.inner.id,
                trainable: self.inner.trainable,
            };
            let idx = graph.push(Op::Leaf(key), value.clone(), &[]);
            Tensor::on(graph, idx, value)
        } else {
            Tensor::constant(value)
        }
    }

    /// Replaces the value (`assign`).
    ///
    /// # Panics
    /// If the new value's shape differs from the variable's (checked before anything changes).
    pub fn assign(&self, value: impl IntoValue<T>) {
        let value = value.into_value();
        let mut cur = self.inner.value.borrow_mut();
        Self::check_shape(&self.inner.name, &cur, &value, "assign");
        *cur = value;
    }

    /// `self += delta` (`assign_add`).
    ///
    /// # Panics
    /// If the shapes differ.
    pub fn assign_add(&self, delta: impl IntoValue<T>) {
        let delta = delta.into_value();
        let mut cur = self.inner.value.borrow_mut();
        Self::check_shape(&self.inner.name, &cur, &delta, "assign_add");
        *cur = cur.zip(&delta, "assign_add", |a, d| a + d);
    }

    /// `self -= delta` (`assign_sub`).
    ///
    /// # Panics
    /// If the shapes differ.
    pub fn assign_sub(&self, delta: impl IntoValue<T>) {
        let delta = delta.into_value();
        let mut cur = self.inner.value.borrow_mut();
        Self::check_shape(&self.inner.name, &cur, &delta, "assign_sub");
        *cur = cur.zip(&delta, "assign_sub", |a, d| a - d);
    }

    fn check_shape(name: &str, cur: &Value<T>, new: &Value<T>, what: &str) {
        assert!(
            cur.is_scalar() == new.is_scalar() && cur.shape() == new.shape(),
            "{what} on variable `{name}`: it holds a {} value, the new one is {}",
            describe(cur),
            describe(new)
        );
    }

    /// The value, borrowed for the duration of `f`.
    pub(crate) fn with_value<R>(&self, f: impl FnOnce(&Value<T>) -> R) -> R {
        f(&self.inner.value.borrow())
    }

    /// The value, mutably borrowed for the duration of `f` (optimizers step it in place).
    pub(crate) fn with_value_mut<R>(&self, f: impl FnOnce(&mut Value<T>) -> R) -> R {
        f(&mut self.inner.value.borrow_mut())
    }

    pub(crate) fn id(&self) -> u64 {
        self.inner.id
    }
}

fn describe<T: Real>(v: &Value<T>) -> String {
    match v {
        Value::Scalar(_) => "scalar".to_string(),
        Value::Mat(m) => format!("{}×{}", m.nrows(), m.ncols()),
    }
}
