//! `use autodiff::prelude::*;` alone brings every type the README calls supported: `DMatrix`,
//! `DVector`, `RowDVector`, `SMatrix`, `SVector` (the contract's prelude list), usable as
//! differentiated parameters; gradients checked against central finite differences.

use autodiff::check::{DEFAULT_ETA, Tolerance, assert_gradient};
use autodiff::prelude::*;

/// `Σᵢ sᵢ² + r·d + tr(M)` over a static vector, a row vector, a column vector and a static matrix.
#[differentiable]
fn mixed(
    s: &SVector<f64, 3>,
    r: &RowDVector<f64>,
    d: &DVector<f64>,
    m: &SMatrix<f64, 2, 2>,
) -> f64 {
    let rd = r * d;
    s.norm_squared() + rd[(0, 0)] + m.trace()
}

#[test]
fn prelude_types_are_differentiable_parameters() {
    let s = SVector::<f64, 3>::new(0.5, -1.0, 2.0);
    let r = RowDVector::from_row_slice(&[1.0, 2.0]);
    let d = DVector::from_vec(vec![3.0, -4.0]);
    let m = SMatrix::<f64, 2, 2>::new(1.0, 2.0, 3.0, 4.0);
    let (y, (gs, gr, gd, gm)) = mixed_grad(&s, &r, &d, &m);
    // 5.25 + (3 - 8) + 5
    assert!((y - 5.25).abs() < 1e-12);
    let tol = Tolerance::new(1e-7, 1e-7);
    let x0: Vec<f64> = [s.as_slice(), r.as_slice(), d.as_slice(), m.as_slice()].concat();
    let f = |x: &[f64]| {
        mixed(
            &SVector::from_column_slice(&x[0..3]),
            &RowDVector::from_row_slice(&x[3..5]),
            &DVector::from_column_slice(&x[5..7]),
            &SMatrix::from_column_slice(&x[7..11]),
        )
    };
    let g: Vec<f64> = [gs.as_slice(), gr.as_slice(), gd.as_slice(), gm.as_slice()].concat();
    assert_gradient(f, &x0, &g, DEFAULT_ETA, tol);
}
