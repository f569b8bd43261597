//! Shape checks of elementwise companions, reported at the user's call.
//!
//! nalgebra panics on mismatched operands with messages such as "Componentwise mul/div:
//! mismatched matrix dimensions." located inside nalgebra. The companions check first, and being
//! `#[track_caller]`, the panic names the `#[differentiable]` function's own line (the generated
//! call carries the span of the user's `a.component_mul(&b)`), with both shapes.

use nalgebra::{Dim, Matrix, RawStorage};

/// Panics at the caller's location unless `a` and `b` have the same shape.
///
/// # Panics
///
/// When the shapes differ: "`METHOD`: the operands' shapes differ: 2×3 and 3×2".
#[track_caller]
#[inline]
pub fn same_shape<T, R1: Dim, C1: Dim, S1, R2: Dim, C2: Dim, S2>(
    method: &str,
    a: &Matrix<T, R1, C1, S1>,
    b: &Matrix<T, R2, C2, S2>,
) where
    S1: RawStorage<T, R1, C1>,
    S2: RawStorage<T, R2, C2>,
{
    let (sa, sb) = (a.shape(), b.shape());
    if sa != sb {
        panic!(
            "`{method}`: the operands' shapes differ: {}×{} and {}×{} (they must be equal)",
            sa.0, sa.1, sb.0, sb.1
        );
    }
}
