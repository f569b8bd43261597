//! Parameters by name: the field path and the logical (numpy) shape of every tensor a model holds,
//! for saving and loading weights.

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix, Scalar};

use crate::params::Parameters;

/// How a tensor's elements are laid out in the slice a visit hands over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Row-major (numpy's default, `C` order): scalars, vectors and row vectors.
    RowMajor,
    /// Column-major (nalgebra's storage): a matrix with `rows` rows; converting to numpy's order
    /// transposes the storage.
    ColumnMajor {
        /// The matrix's number of rows.
        rows: usize,
    },
}

/// One tensor as a named visit presents it.
#[derive(Debug)]
pub struct TensorInfo<'n> {
    /// The field path, `.`-separated (`dense_1.kernel`; `layers.0.bias` for a `Vec` element).
    pub name: &'n str,
    /// The logical shape as numpy sees it: `[]` for a scalar, `[n]` for a vector or row vector,
    /// `[rows, cols]` for a matrix.
    pub shape: Vec<usize>,
    /// How the visited slice is ordered.
    pub layout: Layout,
}

/// A parameter container whose tensors have names: what saving and loading weights need.
///
/// `#[derive(Differentiable)]` implements it for a struct by prefixing each field's tensors with
/// the field's name, in declaration order, skipping `#[no_grad]` fields. The visits present the
/// same slices in the same order as [`Parameters::visit`].
///
/// ```
/// use autodiff::nalgebra::{DMatrix, RowDVector};
/// use autodiff::nn::NamedParameters;
///
/// let kernel = DMatrix::<f32>::zeros(3, 2);
/// let mut seen = Vec::new();
/// kernel.visit_named("kernel", &mut |info, data| seen.push((info.name.to_string(), info.shape.clone(), data.len())));
/// RowDVector::<f32>::zeros(2).visit_named("bias", &mut |info, data| seen.push((info.name.to_string(), info.shape.clone(), data.len())));
/// assert_eq!(seen, vec![("kernel".to_string(), vec![3, 2], 6), ("bias".to_string(), vec![2], 2)]);
/// ```
pub trait NamedParameters<T>: Parameters<T> {
    /// Calls `f` with each tensor's name, shape and layout and its elements, in visit order.
    /// `prefix` is the path of `self` (empty at the top).
    fn visit_named(&self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &[T]));

    /// As [`visit_named`](NamedParameters::visit_named), mutably.
    fn visit_named_mut(&mut self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &mut [T]));
}

/// `prefix.field`, or `field` at the top level.
pub fn join_path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

macro_rules! scalar_named {
    ($($t:ty),*) => {$(
        /// A scalar: shape `[]`.
        impl NamedParameters<$t> for $t {
            fn visit_named(&self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &[$t])) {
                let info = TensorInfo { name: prefix, shape: Vec::new(), layout: Layout::RowMajor };
                f(&info, core::slice::from_ref(self));
            }
            fn visit_named_mut(&mut self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &mut [$t])) {
                let info = TensorInfo { name: prefix, shape: Vec::new(), layout: Layout::RowMajor };
                f(&info, core::slice::from_mut(self));
            }
        }
    )*};
}
scalar_named!(f32, f64);

/// The matrix's logical shape: a statically one-row or one-column matrix (`RowDVector`,
/// `DVector`, `SVector`) is a numpy vector, anything else a 2-D array.
fn matrix_info<R: Dim, C: Dim>(name: &str, rows: usize, cols: usize) -> TensorInfo<'_> {
    if R::try_to_usize() == Some(1) {
        TensorInfo {
            name,
            shape: vec![cols],
            layout: Layout::RowMajor,
        }
    } else if C::try_to_usize() == Some(1) {
        TensorInfo {
            name,
            shape: vec![rows],
            layout: Layout::RowMajor,
        }
    } else {
        TensorInfo {
            name,
            shape: vec![rows, cols],
            layout: Layout::ColumnMajor { rows },
        }
    }
}

/// A matrix: `[rows, cols]` (column-major storage), or `[n]` for a static row or column vector.
impl<T: Scalar, R: Dim, C: Dim> NamedParameters<T> for OMatrix<T, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    fn visit_named(&self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &[T])) {
        let info = matrix_info::<R, C>(prefix, self.nrows(), self.ncols());
        f(&info, self.as_slice());
    }
    fn visit_named_mut(&mut self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &mut [T])) {
        let info = matrix_info::<R, C>(prefix, self.nrows(), self.ncols());
        f(&info, self.as_mut_slice());
    }
}

/// Element `k` is named `prefix.k`.
impl<T, X: NamedParameters<T>> NamedParameters<T> for Vec<X> {
    fn visit_named(&self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &[T])) {
        for (k, x) in self.iter().enumerate() {
            x.visit_named(&join_path(prefix, &k.to_string()), f);
        }
    }
    fn visit_named_mut(&mut self, prefix: &str, f: &mut dyn FnMut(&TensorInfo<'_>, &mut [T])) {
        for (k, x) in self.iter_mut().enumerate() {
            x.visit_named_mut(&join_path(prefix, &k.to_string()), f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector, RowDVector};

    fn names<P: NamedParameters<f64>>(p: &P) -> Vec<(String, Vec<usize>, Layout)> {
        let mut out = Vec::new();
        p.visit_named("m", &mut |i, _| {
            out.push((i.name.to_string(), i.shape.clone(), i.layout))
        });
        out
    }

    #[test]
    fn shapes_follow_numpy() {
        let m = DMatrix::<f64>::zeros(2, 3);
        assert_eq!(
            names(&m),
            vec![("m".into(), vec![2, 3], Layout::ColumnMajor { rows: 2 })]
        );
        assert_eq!(names(&RowDVector::<f64>::zeros(4))[0].1, vec![4]);
        assert_eq!(names(&DVector::<f64>::zeros(5))[0].1, vec![5]);
        assert_eq!(names(&1.5f64)[0].1, Vec::<usize>::new());
        // A 1×n DMatrix stays 2-D: its shape is dynamic.
        assert_eq!(names(&DMatrix::<f64>::zeros(1, 4))[0].1, vec![1, 4]);
    }

    #[test]
    fn vec_elements_are_numbered() {
        let v = vec![1.0f64, 2.0];
        let n: Vec<String> = names(&v).into_iter().map(|t| t.0).collect();
        assert_eq!(n, vec!["m.0", "m.1"]);
    }
}
