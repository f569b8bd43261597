//! Second order through the losses: each loss's `hvp` rule (`NAME_hvp`, and the `call_hvp` of
//! its configuration struct) against central differences of its gradient in f64, for logits and
//! probabilities and both reductions, and a small model's `order = 2` loss that calls them.

use autodiff::nn::losses::{
    self, BinaryCrossentropy, CategoricalCrossentropy, MeanSquaredError, Reduction,
    SparseCategoricalCrossentropy,
};
use autodiff::prelude::*;

/// `(∇f(p + hv) − ∇f(p − hv)) / 2h`, the directional derivative of a gradient.
fn fd_hv(
    grad: impl Fn(&DMatrix<f64>) -> DMatrix<f64>,
    p: &DMatrix<f64>,
    v: &DMatrix<f64>,
) -> DMatrix<f64> {
    let h = 1e-5;
    (grad(&(p + v * h)) - grad(&(p - v * h))) / (2.0 * h)
}

fn assert_close(got: &DMatrix<f64>, want: &DMatrix<f64>, tol: f64, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    let scale = want.amax().max(1.0);
    for (g, w) in got.iter().zip(want.iter()) {
        assert!((g - w).abs() <= tol * scale, "{what}:\n{got}\nvs\n{want}");
    }
    // Not all zero: the check would pass vacuously otherwise.
    assert!(want.amax() > 1e-6, "{what}: a zero H·v proves nothing");
}

/// Three samples, four columns: logits, probabilities strictly inside (ε, 1-ε) whose rows do not
/// sum to 1 (the categorical loss renormalises), soft and one-hot targets, and a direction.
/// The test point of every loss.
struct Data {
    z: DMatrix<f64>,
    p: DMatrix<f64>,
    soft: DMatrix<f64>,
    bin: DMatrix<f64>,
    labels: Vec<usize>,
    v: DMatrix<f64>,
}

fn data() -> Data {
    let z = DMatrix::from_row_slice(
        3,
        4,
        &[
            1.2, -0.7, 0.3, 2.1, -1.5, 0.4, 0.9, -0.2, 0.05, 1.7, -2.2, 0.6,
        ],
    );
    let p = DMatrix::from_row_slice(
        3,
        4,
        &[
            0.3, 0.15, 0.4, 0.2, 0.05, 0.6, 0.25, 0.35, 0.7, 0.1, 0.45, 0.3,
        ],
    );
    let soft = DMatrix::from_row_slice(
        3,
        4,
        &[0.1, 0.2, 0.6, 0.1, 0.0, 1.0, 0.0, 0.0, 0.5, 0.0, 0.25, 0.25],
    );
    let bin = DMatrix::from_row_slice(
        3,
        4,
        &[1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
    );
    let labels = vec![2, 1, 0];
    let v = DMatrix::from_row_slice(
        3,
        4,
        &[
            0.3, -0.8, 0.5, 0.1, -0.4, 0.2, 0.9, -0.6, 0.7, 0.05, -0.3, 0.4,
        ],
    );
    Data {
        z,
        p,
        soft,
        bin,
        labels,
        v,
    }
}

const REDUCTIONS: [Reduction; 2] = [Reduction::SumOverBatchSize, Reduction::Sum];

#[test]
fn mean_squared_error_hvp_is_2v_over_c_and_matches_differences() {
    let Data { p, soft, v, .. } = data();
    for r in REDUCTIONS {
        let (y, g, hv) = losses::mean_squared_error_hvp(&soft, &p, false, r, v.clone());
        let (y0, g0) = losses::mean_squared_error_grad(&soft, &p, false, r);
        assert!((y - y0).abs() < 1e-12);
        assert_close(&g, &g0, 1e-12, "MSE gradient");
        let fd = fd_hv(
            |q| losses::mean_squared_error_grad(&soft, q, false, r).1,
            &p,
            &v,
        );
        assert_close(&hv, &fd, 1e-7, "MSE H·v");
        // By hand: f·2v/C with C = 4 columns and f = 1/3 or 1.
        let f = if r == Reduction::Sum { 1.0 } else { 1.0 / 3.0 };
        assert_close(&hv, &(&v * (f * 2.0 / 4.0)), 1e-12, "MSE H·v by hand");
        let loss = MeanSquaredError::new().reduction(r);
        let (_, _, hm) = loss.call_hvp(&soft, &p, v.clone());
        assert_close(&hm, &hv, 1e-12, "MeanSquaredError::call_hvp");
    }
}

#[test]
fn categorical_crossentropy_hvp_matches_differences() {
    let Data { z, p, soft, v, .. } = data();
    for r in REDUCTIONS {
        for (logits, x) in [(true, &z), (false, &p)] {
            let what = format!("CCE logits={logits} {r:?}");
            let (_, _, hv) = losses::categorical_crossentropy_hvp(&soft, x, logits, r, v.clone());
            let fd = fd_hv(
                |q| losses::categorical_crossentropy_grad(&soft, q, logits, r).1,
                x,
                &v,
            );
            assert_close(&hv, &fd, 1e-6, &what);
            let loss = CategoricalCrossentropy::new()
                .from_logits(logits)
                .reduction(r);
            let (_, _, hm) = loss.call_hvp(&soft, x, v.clone());
            assert_close(&hm, &hv, 1e-12, &what);
        }
    }
}

#[test]
fn softmax_cross_entropy_hvp_is_diag_p_minus_ppt() {
    // One row, one-hot target: H = diag(p) − p pᵀ, written out entry by entry.
    let z = DMatrix::from_row_slice(1, 3, &[0.5, -1.0, 2.0]);
    let y = DMatrix::from_row_slice(1, 3, &[0.0, 1.0, 0.0]);
    let e: Vec<f64> = z.iter().map(|x| x.exp()).collect();
    let s: f64 = e.iter().sum();
    let p: Vec<f64> = e.iter().map(|x| x / s).collect();
    for k in 0..3 {
        let mut v = DMatrix::zeros(1, 3);
        v[(0, k)] = 1.0;
        let (_, _, hv) = losses::categorical_crossentropy_hvp(&y, &z, true, Reduction::Sum, v);
        for j in 0..3 {
            let want = if j == k {
                p[j] - p[j] * p[k]
            } else {
                -p[j] * p[k]
            };
            assert!((hv[(0, j)] - want).abs() < 1e-14, "H[{j},{k}]");
        }
    }
}

#[test]
fn sparse_categorical_crossentropy_hvp_matches_differences() {
    let Data {
        z, p, labels, v, ..
    } = data();
    for r in REDUCTIONS {
        for (logits, x) in [(true, &z), (false, &p)] {
            let what = format!("sparse CCE logits={logits} {r:?}");
            let (_, _, hv) =
                losses::sparse_categorical_crossentropy_hvp(&labels, x, logits, r, v.clone());
            let fd = fd_hv(
                |q| losses::sparse_categorical_crossentropy_grad(&labels, q, logits, r).1,
                x,
                &v,
            );
            assert_close(&hv, &fd, 1e-6, &what);
            let loss = SparseCategoricalCrossentropy::new()
                .from_logits(logits)
                .reduction(r);
            let (_, _, hm) = loss.call_hvp(&labels, x, v.clone());
            assert_close(&hm, &hv, 1e-12, &what);
        }
    }
}

#[test]
fn binary_crossentropy_hvp_matches_differences() {
    let Data { z, p, bin, v, .. } = data();
    for r in REDUCTIONS {
        for (logits, x) in [(true, &z), (false, &p)] {
            let what = format!("BCE logits={logits} {r:?}");
            let (_, _, hv) = losses::binary_crossentropy_hvp(&bin, x, logits, r, v.clone());
            let fd = fd_hv(
                |q| losses::binary_crossentropy_grad(&bin, q, logits, r).1,
                x,
                &v,
            );
            assert_close(&hv, &fd, 1e-6, &what);
            let loss = BinaryCrossentropy::new().from_logits(logits).reduction(r);
            let (_, _, hm) = loss.call_hvp(&bin, x, v.clone());
            assert_close(&hm, &hv, 1e-12, &what);
        }
    }
}

/// A linear softmax classifier: logits `x·w`, softmax cross-entropy, plus an MSE term on
/// `sigmoid`-free outputs, differentiated twice in `w`.
#[differentiable(order = 2, wrt(w))]
fn classifier_loss(w: &DMatrix<f64>, x: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let z = x * w;
    let ce = CategoricalCrossentropy::new().from_logits(true).call(y, &z);
    ce + MeanSquaredError::new().call(y, &z) * 0.5
}

#[test]
fn a_small_model_differentiates_its_loss_twice() {
    let Data { soft, .. } = data();
    let x = DMatrix::from_row_slice(3, 2, &[0.5, -1.2, 1.1, 0.3, -0.7, 0.8]);
    let w = DMatrix::from_row_slice(2, 4, &[0.2, -0.4, 0.6, 0.1, -0.3, 0.5, 0.05, -0.2]);
    let v = DMatrix::from_row_slice(2, 4, &[0.7, 0.1, -0.5, 0.3, -0.2, 0.9, 0.4, -0.6]);
    let (y, g, hv) = classifier_loss_hvp(&w, &x, &soft, v.clone());
    let (y0, g0) = classifier_loss_grad(&w, &x, &soft);
    assert!((y - y0).abs() < 1e-12);
    assert_close(&g, &g0, 1e-12, "model gradient");
    let fd = fd_hv(|w| classifier_loss_grad(w, &x, &soft).1, &w, &v);
    assert_close(&hv, &fd, 1e-6, "model H·v");
    // The Hessian is symmetric and its columns are H·e_k.
    let (_, _, h) = classifier_loss_hessian(&w, &x, &soft);
    assert_eq!(h.shape(), (8, 8));
    for i in 0..8 {
        for j in 0..8 {
            assert!((h[(i, j)] - h[(j, i)]).abs() < 1e-12);
        }
    }
    let hv_from_h = &h * DVector::from_column_slice(v.as_slice());
    for k in 0..8 {
        assert!((hv_from_h[k] - hv[k]).abs() < 1e-12);
    }
}
