//! `Value`: what a tape node holds, a scalar or a matrix (vectors are `n × 1` matrices).
//!
//! Arithmetic here is plain (nothing is recorded); [`Tensor`](super::Tensor) records it.
//! Binary operations broadcast as NumPy and TensorFlow do: a scalar against anything, and two
//! matrices whose dimensions are each equal or 1 (`3×2` with `1×2`, `3×1` with `1×2`, ...).
//! Sums of many entries are accumulated in `f64`, pairwise ([`sum_f64`]).

use std::rc::Rc;

use nalgebra::DMatrix;

use crate::real::Real;

/// A scalar or a matrix of `T` (`f32` or `f64`). Matrices are shared (`Rc`), so cloning a value is
/// cheap; a vector is an `n × 1` matrix, as `tf.reshape(v, (n, 1))`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<T: Real> {
    /// A rank-0 value.
    Scalar(T),
    /// A matrix, column-major as nalgebra stores it.
    Mat(Rc<DMatrix<T>>),
}

impl<T: Real> Value<T> {
    /// A matrix value.
    pub fn matrix(m: DMatrix<T>) -> Self {
        Value::Mat(Rc::new(m))
    }

    /// `(rows, cols)`; a scalar is `(1, 1)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Value::Scalar(_) => (1, 1),
            Value::Mat(m) => m.shape(),
        }
    }

    /// `true` for a rank-0 value.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Value::Scalar(_))
    }

    /// The number of entries (1 for a scalar).
    pub fn len(&self) -> usize {
        match self {
            Value::Scalar(_) => 1,
            Value::Mat(m) => m.len(),
        }
    }

    /// `true` for a matrix with no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The scalar.
    ///
    /// # Panics
    /// If the value is a matrix.
    pub fn scalar(&self) -> T {
        match self {
            Value::Scalar(v) => *v,
            Value::Mat(m) => panic!(
                "expected a scalar, found a {}×{} matrix (sum() or mean() reduces it)",
                m.nrows(),
                m.ncols()
            ),
        }
    }

    /// The value as a matrix (a scalar becomes `1 × 1`).
    pub fn to_matrix(&self) -> DMatrix<T> {
        match self {
            Value::Scalar(v) => DMatrix::from_element(1, 1, *v),
            Value::Mat(m) => (**m).clone(),
        }
    }

    /// The entries, column-major (one entry for a scalar).
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            Value::Scalar(v) => vec![*v],
            Value::Mat(m) => m.as_slice().to_vec(),
        }
    }

    /// Zeros of the same shape.
    pub fn zeros_like(&self) -> Self {
        self.map(|_| T::zero())
    }

    /// Ones of the same shape (TensorFlow's implicit cotangent of a target).
    pub fn ones_like(&self) -> Self {
        self.map(|_| T::one())
    }

    /// `f` applied to every entry.
    #[inline]
    pub fn map(&self, f: impl Fn(T) -> T) -> Self {
        match self {
            Value::Scalar(v) => Value::Scalar(f(*v)),
            Value::Mat(m) => Value::matrix(m.map(f)),
        }
    }

    /// `f` applied entry by entry, broadcasting as NumPy and TensorFlow do: a scalar against a
    /// matrix, and two matrices whose dimensions are each equal or 1 (the result takes the
    /// larger of each).
    ///
    /// # Panics
    /// If the shapes are incompatible; `what` names the operation in the message.
    #[inline]
    pub fn zip(&self, other: &Self, what: &str, f: impl Fn(T, T) -> T) -> Self {
        match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(f(*a, *b)),
            (Value::Scalar(a), Value::Mat(m)) => Value::matrix(m.map(|b| f(*a, b))),
            (Value::Mat(m), Value::Scalar(b)) => Value::matrix(m.map(|a| f(a, *b))),
            (Value::Mat(a), Value::Mat(b)) if a.shape() == b.shape() => {
                Value::matrix(a.zip_map(b, f))
            }
            (Value::Mat(a), Value::Mat(b)) => {
                let (r, c) = broadcast_shape(a.shape(), b.shape(), what);
                // Index 0 along a dimension of length 1 (the one that is spread).
                let at = |m: &DMatrix<T>, i: usize, j: usize| {
                    m[(i.min(m.nrows() - 1), j.min(m.ncols() - 1))]
                };
                Value::matrix(DMatrix::from_fn(r, c, |i, j| f(at(a, i, j), at(b, i, j))))
            }
        }
    }

    /// The sum of all entries, accumulated in `f64` pairwise (an `f32` sum of a million entries
    /// is then correctly rounded, where a running `f32` sum drifts by about 1 %).
    pub fn sum(&self) -> T {
        match self {
            Value::Scalar(v) => *v,
            Value::Mat(m) => T::from_f64(sum_f64(m.iter().copied())),
        }
    }

    /// The mean of all entries, accumulated as [`sum`](Value::sum) and divided in `f64`.
    pub fn mean(&self) -> T {
        match self {
            Value::Scalar(v) => *v,
            Value::Mat(m) => T::from_f64(sum_f64(m.iter().copied()) / m.len() as f64),
        }
    }

    /// `self` summed over the dimensions along which it was broadcast to its shape from `like`'s
    /// (TensorFlow's `reduce_sum` over the axes `BroadcastGradientArgs` names, then a reshape):
    /// a rank-0 `like` takes the sum of every entry, a `1×n` one the column sums, an `m×1` one
    /// the row sums. Each sum is accumulated in `f64` pairwise. Returns `self` when the shapes
    /// agree (and a scalar `self` spread over a matrix `like`).
    ///
    /// # Panics
    /// If `like`'s shape does not broadcast to `self`'s (a dimension neither equal nor 1).
    pub fn sum_to(&self, like: &Self) -> Self {
        match (self, like) {
            (_, Value::Scalar(_)) => Value::Scalar(self.sum()),
            (Value::Scalar(_), Value::Mat(_)) => self.broadcast_to(like.shape().0, like.shape().1),
            (Value::Mat(m), Value::Mat(l)) if m.shape() == l.shape() => self.clone(),
            (Value::Mat(m), Value::Mat(l)) => {
                let ((r, c), (lr, lc)) = (m.shape(), l.shape());
                assert!(
                    (lr == r || lr == 1) && (lc == c || lc == 1),
                    "sum_to: a {r}×{c} cotangent cannot be summed to a {lr}×{lc} operand \
                     (each dimension must be equal or 1)"
                );
                let out = match (lr == r, lc == c) {
                    // Sums down each column: contiguous in nalgebra's column-major storage.
                    (false, true) => DMatrix::from_fn(1, c, |_, j| {
                        T::from_f64(sum_f64(m.column(j).iter().copied()))
                    }),
                    (true, false) => DMatrix::from_fn(r, 1, |i, _| {
                        T::from_f64(sum_f64(m.row(i).iter().copied()))
                    }),
                    _ => DMatrix::from_element(1, 1, self.sum()),
                };
                Value::matrix(out)
            }
        }
    }

    /// The matrix product `self · other` (`m×k` times `k×n`; scalars are `1 × 1`).
    ///
    /// # Panics
    /// If the inner dimensions differ.
    pub fn matmul(&self, other: &Self) -> Self {
        let (a, b) = (self.to_matrix(), other.to_matrix());
        assert_eq!(
            a.ncols(),
            b.nrows(),
            "matmul: a {}×{} matrix times a {}×{} matrix (inner dimensions differ)",
            a.nrows(),
            a.ncols(),
            b.nrows(),
            b.ncols()
        );
        let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
        let mut out = DMatrix::from_element(m, n, T::zero());
        for j in 0..n {
            for p in 0..k {
                let bpj = b[(p, j)];
                for i in 0..m {
                    out[(i, j)] += a[(i, p)] * bpj;
                }
            }
        }
        Value::matrix(out)
    }

    /// The transpose (a scalar is its own).
    pub fn transpose(&self) -> Self {
        match self {
            Value::Scalar(v) => Value::Scalar(*v),
            Value::Mat(m) => Value::matrix(m.transpose()),
        }
    }

    /// `self` spread over a `rows × cols` matrix (`tf.broadcast_to`): a scalar fills it, a
    /// matrix is repeated along its dimensions of length 1.
    ///
    /// # Panics
    /// If `self` is a matrix with a dimension that is neither 1 nor the target's.
    pub fn broadcast_to(&self, rows: usize, cols: usize) -> Self {
        match self {
            Value::Scalar(v) => Value::matrix(DMatrix::from_element(rows, cols, *v)),
            Value::Mat(m) => {
                let (r, c) = m.shape();
                assert!(
                    (r == rows || r == 1) && (c == cols || c == 1),
                    "broadcast_to: a {r}×{c} matrix does not broadcast to {rows}×{cols} \
                     (each dimension must be equal or 1)"
                );
                if (r, c) == (rows, cols) {
                    return self.clone();
                }
                Value::matrix(DMatrix::from_fn(rows, cols, |i, j| {
                    m[(i.min(r - 1), j.min(c - 1))]
                }))
            }
        }
    }

    /// The entries as a nested list the way numpy's `tolist()` prints them: a scalar as a number,
    /// a matrix row by row (`[[0.0], [4.0]]`).
    pub fn to_list_string(&self) -> String {
        fn num<T: Real>(v: T) -> String {
            let x = v.to_f64();
            if x.is_finite() && x == x.trunc() && x.abs() < 1e16 {
                format!("{x:.1}")
            } else {
                format!("{x}")
            }
        }
        match self {
            Value::Scalar(v) => num(*v),
            Value::Mat(m) => {
                let rows: Vec<String> = (0..m.nrows())
                    .map(|i| {
                        let row: Vec<String> = (0..m.ncols()).map(|j| num(m[(i, j)])).collect();
                        format!("[{}]", row.join(", "))
                    })
                    .collect();
                format!("[{}]", rows.join(", "))
            }
        }
    }
}

/// The shape two operands of shapes `a` and `b` broadcast to (NumPy's and TensorFlow's rule for
/// rank 2): each dimension is the larger of the two, which must be equal or one of them 1.
///
/// # Panics
/// If a dimension differs and neither is 1, naming both shapes and the operation `what`.
pub(crate) fn broadcast_shape(a: (usize, usize), b: (usize, usize), what: &str) -> (usize, usize) {
    let dim =
        |p: usize, q: usize| (p == q || p == 1 || q == 1).then_some(if p == 1 { q } else { p });
    match (dim(a.0, b.0), dim(a.1, b.1)) {
        (Some(r), Some(c)) => (r, c),
        _ => panic!(
            "{what}: shapes {}×{} and {}×{} do not broadcast (each dimension must be equal or 1)",
            a.0, a.1, b.0, b.1
        ),
    }
}

/// The sum of `xs` in `f64`, pairwise: blocks of 64 summed in turn, the blocks' sums combined
/// as a balanced tree (error `O(log n)` roundings of `f64` instead of `O(n)`), in one pass with
/// no allocation.
pub(crate) fn sum_f64<T: Real>(xs: impl IntoIterator<Item = T>) -> f64 {
    const BLOCK: usize = 64;
    // Partial sums and their levels (a sum of 2^level blocks), levels decreasing upward.
    let mut stack: smallvec::SmallVec<[(f64, u32); 64]> = smallvec::SmallVec::new();
    let (mut block, mut k) = (0.0f64, 0usize);
    for x in xs {
        block += x.to_f64();
        k += 1;
        if k == BLOCK {
            let mut top = (block, 0);
            while let Some(&(s, level)) = stack.last() {
                if level != top.1 {
                    break;
                }
                stack.pop();
                top = (s + top.0, level + 1);
            }
            stack.push(top);
            (block, k) = (0.0, 0);
        }
    }
    // The smallest sums first.
    stack.iter().rev().fold(block, |acc, &(s, _)| acc + s)
}

impl<T: Real> From<T> for Value<T> {
    fn from(v: T) -> Self {
        Value::Scalar(v)
    }
}

impl<T: Real> From<DMatrix<T>> for Value<T> {
    fn from(m: DMatrix<T>) -> Self {
        Value::matrix(m)
    }
}

impl<T: Real> From<&DMatrix<T>> for Value<T> {
    fn from(m: &DMatrix<T>) -> Self {
        Value::matrix(m.clone())
    }
}
