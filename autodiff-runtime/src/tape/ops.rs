//! Recorded operations on tensors: arithmetic (`+ - * /` and negation, with tensors and with
//! plain constants on either side), elementwise functions, the matrix product, transposes and
//! reductions. Each records one node; its pullback is in `pullback.rs`.
//!
//! Elementwise operations between tensors broadcast as NumPy and TensorFlow do (`value.rs`): a
//! scalar against anything, and matrices whose dimensions are each equal or 1, so `x + b` with
//! `x` of shape `m×n` and a bias `b` of shape `1×n` adds `b` to every row. The gradient of a
//! broadcast operand is the cotangent summed over the broadcast dimensions.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use super::graph::{Binary, Op, Unary, WithConst};
use super::lin::{binary_value, const_value, unary_value};
use super::tensor::Tensor;
use super::value::Value;
use crate::real::Real;

impl<T: Real> Tensor<T> {
    #[inline(always)]
    fn unary(&self, op: Unary) -> Self {
        // One formula for recording and replay (`replay.rs`).
        let f = move |x| unary_value(op, x);
        match self.scalar_unary_node(op, f) {
            Some(node) => Tensor::of_node(node),
            None => Tensor::reassembled(self.unary_general(op, f)),
        }
    }
    #[inline(never)]
    fn unary_general(&self, op: Unary, f: impl Fn(T) -> T) -> Self {
        self.record_unary(op, self.value.map(f))
    }

    /// `eˣ`, entry by entry.
    #[inline(always)]
    pub fn exp(&self) -> Self {
        self.unary(Unary::Exp)
    }
    /// `ln x`, entry by entry (`tf.math.log`).
    #[inline(always)]
    pub fn ln(&self) -> Self {
        self.unary(Unary::Ln)
    }
    /// `sin x`, entry by entry.
    #[inline(always)]
    pub fn sin(&self) -> Self {
        self.unary(Unary::Sin)
    }
    /// `cos x`, entry by entry.
    #[inline(always)]
    pub fn cos(&self) -> Self {
        self.unary(Unary::Cos)
    }
    /// `tanh x`, entry by entry.
    #[inline(always)]
    pub fn tanh(&self) -> Self {
        self.unary(Unary::Tanh)
    }
    /// `1 / (1 + e⁻ˣ)`, entry by entry (`tf.sigmoid`).
    #[inline(always)]
    pub fn sigmoid(&self) -> Self {
        self.unary(Unary::Sigmoid)
    }
    /// `max(x, 0)`, entry by entry; its derivative at 0 is 0, as `tf.nn.relu`.
    #[inline(always)]
    pub fn relu(&self) -> Self {
        self.unary(Unary::Relu)
    }
    /// `x²`, entry by entry (`tf.square`).
    #[inline(always)]
    pub fn square(&self) -> Self {
        self.unary(Unary::Square)
    }
    /// `√x`, entry by entry; its derivative at 0 is `+inf`, as `tf.sqrt`.
    #[inline(always)]
    pub fn sqrt(&self) -> Self {
        self.unary(Unary::Sqrt)
    }
    /// `xⁿ` for an integer power, entry by entry (`x ** n`).
    pub fn powi(&self, n: i32) -> Self {
        self.powf(T::from_f64(f64::from(n)))
    }
    /// `xᵖ` for a constant power, entry by entry (`tf.pow(x, p)`); the derivative for `p = 0` is 0.
    pub fn powf(&self, p: T) -> Self {
        self.record_const(
            WithConst::Pow,
            p,
            self.value.map(|x| const_value(WithConst::Pow, x, p)),
        )
    }
    /// The transpose (`tf.transpose`).
    pub fn transpose(&self) -> Self {
        self.record_unary(Unary::Transpose, self.value.transpose())
    }
    /// The sum of all entries, a scalar (`tf.reduce_sum`). Accumulated in `f64` pairwise, so an
    /// `f32` sum of many entries is correctly rounded (TensorFlow's pairwise `f32` sum is close
    /// but not always exact).
    pub fn sum(&self) -> Self {
        self.record_unary(Unary::Sum, Value::Scalar(self.value.sum()))
    }
    /// The mean of all entries, a scalar (`tf.reduce_mean`), accumulated as [`sum`](Tensor::sum).
    pub fn mean(&self) -> Self {
        self.record_unary(Unary::Mean, Value::Scalar(self.value.mean()))
    }
    /// Same as [`sum`](Tensor::sum), TensorFlow's name.
    pub fn reduce_sum(&self) -> Self {
        self.sum()
    }
    /// Same as [`mean`](Tensor::mean), TensorFlow's name.
    pub fn reduce_mean(&self) -> Self {
        self.mean()
    }
    /// The matrix product `self · other` (`tf.matmul`): `m×k` times `k×n` is `m×n`.
    ///
    /// # Panics
    /// If the inner dimensions differ.
    pub fn matmul(&self, other: &Self) -> Self {
        let v = self.value.matmul(&other.value);
        Tensor::record_binary(self, other, Binary::MatMul, v)
    }
    /// Entry `(i, j)` of a matrix, a scalar (`x[i, j]`).
    ///
    /// # Panics
    /// If the index is out of bounds.
    pub fn entry(&self, i: usize, j: usize) -> Self {
        let (r, c) = self.shape();
        assert!(i < r && j < c, "entry ({i}, {j}) of a {r}×{c} tensor");
        let v = match &self.value {
            Value::Scalar(s) => *s,
            Value::Mat(m) => m[(i, j)],
        };
        let at = |k: usize| u32::try_from(k).expect("a matrix index fits in 32 bits");
        self.record_op(|x| Op::Entry(x, at(i), at(j)), Value::Scalar(v))
    }
    /// `self` spread over a `rows × cols` matrix (`tf.broadcast_to`): a scalar fills it, a
    /// `1×n`, `m×1` or `1×1` matrix is repeated along its dimensions of length 1. Its gradient
    /// is the cotangent summed back to `self`'s shape.
    ///
    /// # Panics
    /// If `self` is a matrix with a dimension that is neither 1 nor the target's.
    pub fn broadcast_to(&self, rows: usize, cols: usize) -> Self {
        let v = self.value.broadcast_to(rows, cols);
        self.record_op(Op::Broadcast, v)
    }
    /// `self` summed over the dimensions along which `like` was broadcast to `self`'s shape (the
    /// gradient of a broadcast operand; [`Value::sum_to`]), recorded so that nested tapes
    /// differentiate it.
    pub(crate) fn sum_to(&self, like: &Value<T>) -> Self {
        match (&self.value, like) {
            (Value::Scalar(_), Value::Scalar(_)) => self.clone(),
            (Value::Mat(_), Value::Scalar(_)) => self.sum(),
            (Value::Mat(m), Value::Mat(l)) if m.shape() == l.shape() => self.clone(),
            _ => self.record_op(Op::SumTo, self.value.sum_to(like)),
        }
    }
    /// `self · other` under the zero rule (`rules::times`: exactly 0 when either factor is 0,
    /// even against `±inf` or NaN), broadcasting as `*`: the product of a cotangent with a
    /// local derivative in a recorded pullback.
    #[inline]
    pub(crate) fn times(&self, other: &Self) -> Self {
        Tensor::binary(self, other, Binary::Times, "mul")
    }
    /// `self / other` under the zero rule (`rules::over`: exactly 0 when `self` is 0), for a
    /// local derivative that is a reciprocal.
    #[inline]
    pub(crate) fn over(&self, other: &Self) -> Self {
        Tensor::binary(self, other, Binary::Over, "div")
    }
    #[inline(always)]
    fn with_const(&self, op: WithConst, c: T) -> Self {
        let f = move |x| const_value(op, x, c);
        match self.scalar_const_node(op, c, f) {
            Some(node) => Tensor::of_node(node),
            None => Tensor::reassembled(self.with_const_general(op, c, f)),
        }
    }
    #[inline(never)]
    fn with_const_general(&self, op: WithConst, c: T, f: impl Fn(T) -> T) -> Self {
        self.record_const(op, c, self.value.map(f))
    }
    /// `x · c` for a generic scalar `c`.
    pub(crate) fn mul_c(&self, c: T) -> Self {
        self.with_const(WithConst::Mul, c)
    }
    /// `x / c` for a generic scalar `c`.
    pub(crate) fn div_c(&self, c: T) -> Self {
        self.with_const(WithConst::Div, c)
    }
    /// `c - x` for a generic scalar `c`.
    pub(crate) fn rsub_c(&self, c: T) -> Self {
        self.with_const(WithConst::RSub, c)
    }
    #[inline(always)]
    fn binary(a: &Self, b: &Self, op: Binary, what: &str) -> Self {
        let f = move |p, q| binary_value(op, p, q);
        match Tensor::scalar_binary_node(a, b, op, f) {
            Some(node) => Tensor::of_node(node),
            None => Tensor::reassembled(Tensor::binary_general(a, b, op, what, f)),
        }
    }
    #[inline(never)]
    fn binary_general(a: &Self, b: &Self, op: Binary, what: &str, f: impl Fn(T, T) -> T) -> Self {
        let v = a.value.zip(&b.value, what, f);
        Tensor::record_binary(a, b, op, v)
    }
}

/// `Tensor ∘ Tensor` for every combination of owned and borrowed operands.
macro_rules! tensor_binop {
    ($Trait:ident, $method:ident, $op:expr, $what:literal) => {
        impl<T: Real> $Trait<&Tensor<T>> for &Tensor<T> {
            type Output = Tensor<T>;
            #[inline(always)]
            fn $method(self, rhs: &Tensor<T>) -> Tensor<T> {
                Tensor::binary(self, rhs, $op, $what)
            }
        }
        impl<T: Real> $Trait<Tensor<T>> for &Tensor<T> {
            type Output = Tensor<T>;
            #[inline(always)]
            fn $method(self, rhs: Tensor<T>) -> Tensor<T> {
                Tensor::binary(self, &rhs, $op, $what)
            }
        }
        impl<T: Real> $Trait<&Tensor<T>> for Tensor<T> {
            type Output = Tensor<T>;
            #[inline(always)]
            fn $method(self, rhs: &Tensor<T>) -> Tensor<T> {
                Tensor::binary(&self, rhs, $op, $what)
            }
        }
        impl<T: Real> $Trait<Tensor<T>> for Tensor<T> {
            type Output = Tensor<T>;
            #[inline(always)]
            fn $method(self, rhs: Tensor<T>) -> Tensor<T> {
                Tensor::binary(&self, &rhs, $op, $what)
            }
        }
    };
}
tensor_binop!(Add, add, Binary::Add, "add");
tensor_binop!(Sub, sub, Binary::Sub, "sub");
tensor_binop!(Mul, mul, Binary::Mul, "mul");
tensor_binop!(Div, div, Binary::Div, "div");

/// `Tensor ∘ c` and `c ∘ Tensor` for a plain constant `c` of the tensor's scalar type.
macro_rules! scalar_binops {
    ($($t:ty),*) => {$(
        impl Add<$t> for &Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn add(self, c: $t) -> Tensor<$t> { self.with_const(WithConst::Add, c) }
        }
        impl Sub<$t> for &Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn sub(self, c: $t) -> Tensor<$t> { self.with_const(WithConst::Add, -c) }
        }
        impl Mul<$t> for &Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn mul(self, c: $t) -> Tensor<$t> { self.with_const(WithConst::Mul, c) }
        }
        impl Div<$t> for &Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn div(self, c: $t) -> Tensor<$t> { self.with_const(WithConst::Div, c) }
        }
        impl Add<&Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn add(self, x: &Tensor<$t>) -> Tensor<$t> { x + self }
        }
        impl Sub<&Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn sub(self, x: &Tensor<$t>) -> Tensor<$t> { x.with_const(WithConst::RSub, self) }
        }
        impl Mul<&Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn mul(self, x: &Tensor<$t>) -> Tensor<$t> { x * self }
        }
        impl Div<&Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn div(self, x: &Tensor<$t>) -> Tensor<$t> { x.with_const(WithConst::RDiv, self) }
        }
        impl Add<$t> for Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn add(self, c: $t) -> Tensor<$t> { &self + c }
        }
        impl Sub<$t> for Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn sub(self, c: $t) -> Tensor<$t> { &self - c }
        }
        impl Mul<$t> for Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn mul(self, c: $t) -> Tensor<$t> { &self * c }
        }
        impl Div<$t> for Tensor<$t> {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn div(self, c: $t) -> Tensor<$t> { &self / c }
        }
        impl Add<Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn add(self, x: Tensor<$t>) -> Tensor<$t> { self + &x }
        }
        impl Sub<Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn sub(self, x: Tensor<$t>) -> Tensor<$t> { self - &x }
        }
        impl Mul<Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn mul(self, x: Tensor<$t>) -> Tensor<$t> { self * &x }
        }
        impl Div<Tensor<$t>> for $t {
            type Output = Tensor<$t>;
            #[inline(always)]
            fn div(self, x: Tensor<$t>) -> Tensor<$t> { self / &x }
        }
    )*};
}
scalar_binops!(f32, f64);

impl<T: Real> Neg for &Tensor<T> {
    type Output = Tensor<T>;
    #[inline(always)]
    fn neg(self) -> Tensor<T> {
        self.unary(Unary::Neg)
    }
}

impl<T: Real> Neg for Tensor<T> {
    type Output = Tensor<T>;
    #[inline(always)]
    fn neg(self) -> Tensor<T> {
        -&self
    }
}

/// `t ∘= u` for a tensor `u`: `t` becomes `t ∘ u` (as `t = &t ∘ &u`; a clone of the old `t` keeps
/// its value). For a recorded scalar the handle is updated in place (its node and value), so no
/// new handle is built and moved into `t`.
macro_rules! tensor_assign {
    ($Trait:ident, $method:ident, $op:expr, $what:literal) => {
        impl<T: Real> $Trait<&Tensor<T>> for Tensor<T> {
            #[inline(always)]
            fn $method(&mut self, rhs: &Tensor<T>) {
                let f = move |p, q| binary_value($op, p, q);
                match Tensor::scalar_binary_node(self, rhs, $op, f) {
                    Some((_, idx, v)) => self.become_node(idx, v),
                    None => *self = Tensor::binary_general(self, rhs, $op, $what, f),
                }
            }
        }
        impl<T: Real> $Trait<Tensor<T>> for Tensor<T> {
            #[inline(always)]
            fn $method(&mut self, rhs: Tensor<T>) {
                $Trait::$method(self, &rhs)
            }
        }
    };
}
tensor_assign!(AddAssign, add_assign, Binary::Add, "add");
tensor_assign!(SubAssign, sub_assign, Binary::Sub, "sub");
tensor_assign!(MulAssign, mul_assign, Binary::Mul, "mul");
tensor_assign!(DivAssign, div_assign, Binary::Div, "div");

impl<T: Real> Tensor<T> {
    /// `self = self ∘ c` for a plain constant `c`, in place for a recorded scalar.
    #[inline(always)]
    fn assign_const(&mut self, op: WithConst, c: T) {
        let f = move |x| const_value(op, x, c);
        match self.scalar_const_node(op, c, f) {
            Some((_, idx, v)) => self.become_node(idx, v),
            None => *self = self.with_const_general(op, c, f),
        }
    }
}

/// `t ∘= c` for a plain constant `c` of the tensor's scalar type.
macro_rules! scalar_assign {
    ($($t:ty),*) => {$(
        impl AddAssign<$t> for Tensor<$t> {
            #[inline(always)]
            fn add_assign(&mut self, c: $t) { self.assign_const(WithConst::Add, c) }
        }
        impl SubAssign<$t> for Tensor<$t> {
            #[inline(always)]
            fn sub_assign(&mut self, c: $t) { self.assign_const(WithConst::Add, -c) }
        }
        impl MulAssign<$t> for Tensor<$t> {
            #[inline(always)]
            fn mul_assign(&mut self, c: $t) { self.assign_const(WithConst::Mul, c) }
        }
        impl DivAssign<$t> for Tensor<$t> {
            #[inline(always)]
            fn div_assign(&mut self, c: $t) { self.assign_const(WithConst::Div, c) }
        }
    )*};
}
scalar_assign!(f32, f64);
