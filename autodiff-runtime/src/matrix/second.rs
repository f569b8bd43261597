//! nalgebra matrices as parameters of `#[differentiable(order = 2)]` functions: lifting a matrix
//! over `f32`/`f64` to one over dual numbers and splitting a dual gradient back.
//!
//! Covers every owned matrix `OMatrix<T, R, C>` (`DMatrix`, `DVector`, `RowDVector`, `SMatrix`,
//! `SVector`). Flat indices ([`SecondOrder::basis`], [`SecondOrder::flatten`]) are nalgebra's
//! column-major order, as [`Parameters`](crate::Parameters).

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

use crate::dual::Dual;
use crate::real::Real;
use crate::second::{Order2Dual, Order2Scalar, SecondOrder, Unlift, recast};

impl<B: Order2Scalar, R: Dim, C: Dim> SecondOrder for OMatrix<B, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type Scalar = B;
    type Grad = OMatrix<B, R, C>;
    type Lifted = OMatrix<Dual<B>, R, C>;
    type LiftedGrad = OMatrix<Dual<B>, R, C>;

    /// `X + ε·V` elementwise. Panics when `V`'s shape differs from `X`'s.
    fn lift(&self, v: &Self::Grad) -> Self::Lifted {
        assert_eq!(
            self.shape(),
            v.shape(),
            "a direction of shape {:?} for a matrix parameter of shape {:?}",
            v.shape(),
            self.shape()
        );
        self.zip_map(v, Dual::new)
    }
    fn lift_const(&self) -> Self::Lifted {
        self.map(Dual::constant)
    }
    // (G, H·V) = (re G, eps G), elementwise
    fn split(g: Self::LiftedGrad) -> (Self::Grad, Self::Grad) {
        (g.map(|d| d.re), g.map(|d| d.eps))
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn basis(&self, k: usize) -> Self::Grad {
        let (r, c) = self.shape_generic();
        let mut e = OMatrix::from_element_generic(r, c, B::zero());
        if k < e.len() {
            e[k] = B::one();
        }
        e
    }
    fn flatten(g: &Self::Grad, out: &mut Vec<B>) {
        out.extend(g.iter().copied());
    }
}

/// A matrix at dual numbers, taken apart for a custom `hvp` rule entry by entry: `X + ε·V`
/// gives `(X, V)`, and the rule's `(G, H·V)` go back as the dual gradient `c.re·G + ε·(c.re·H·V +
/// c.eps·G)` (the derivative of `c·∇f` in direction `V`, as for a scalar parameter).
impl<D: Order2Dual + nalgebra::Scalar, R: Dim, C: Dim> Unlift for OMatrix<D, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    type D = D;
    type Value<F: Real> = OMatrix<F, R, C>;
    type DualGrad = OMatrix<D, R, C>;
    fn unlift<F: Real>(&self) -> (OMatrix<F, R, C>, OMatrix<F, R, C>) {
        (
            self.map(|d| recast(d.parts().0)),
            self.map(|d| recast(d.parts().1)),
        )
    }
    // d(c·G) in direction V, entry by entry: c.re·(H·V) + c.eps·G
    fn join<F: Real>(g: &OMatrix<F, R, C>, hv: &OMatrix<F, R, C>, c: D) -> OMatrix<D, R, C> {
        assert_eq!(
            g.shape(),
            hv.shape(),
            "an `hvp` rule returned H·v of shape {:?} for a gradient of shape {:?}",
            hv.shape(),
            g.shape()
        );
        let (cre, ceps) = c.parts();
        g.zip_map(hv, |g, hv| {
            let (g, hv): (D::Base, D::Base) = (recast(g), recast(hv));
            D::from_parts(cre * g, cre * hv + ceps * g)
        })
    }
    // ⟨G, V⟩ = Σ G_ij V_ij
    fn dot<F: Real>(g: &OMatrix<F, R, C>, v: &OMatrix<F, R, C>) -> F {
        g.iter()
            .zip(v.iter())
            .fold(F::zero(), |s, (a, b)| s + *a * *b)
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, SMatrix};

    use crate::second::SecondOrder;

    #[test]
    fn basis_and_flatten_are_column_major() {
        let m = DMatrix::<f64>::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(m.count(), 6);
        let mut flat = Vec::new();
        DMatrix::flatten(&m, &mut flat);
        // column-major: 1 4 2 5 3 6
        let want = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0];
        assert!(flat.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-15));
        let e = m.basis(3); // column 1, row 1
        assert!((e[(1, 1)] - 1.0f64).abs() < 1e-15 && (e.sum() - 1.0f64).abs() < 1e-15);
        assert!(m.basis(6).iter().all(|x: &f64| x.abs() < 1e-15));
    }

    #[test]
    fn lift_and_split_round_trip() {
        let x = SMatrix::<f32, 2, 2>::new(1.0, 2.0, 3.0, 4.0);
        let v = SMatrix::<f32, 2, 2>::new(0.5, -1.0, 0.25, 2.0);
        let (re, eps) = <SMatrix<f32, 2, 2>>::split(x.lift(&v));
        assert!((re - x).abs().max() < 1e-7 && (eps - v).abs().max() < 1e-7);
        let (re, eps) = <SMatrix<f32, 2, 2>>::split(x.lift_const());
        assert!((re - x).abs().max() < 1e-7 && eps.abs().max() < 1e-7);
    }

    #[test]
    #[should_panic(expected = "a direction of shape (1, 2) for a matrix parameter of shape (2, 1)")]
    fn lift_checks_shapes() {
        let _ = DMatrix::from_element(2, 1, 1.0f64).lift(&DMatrix::from_element(1, 2, 1.0));
    }
}
