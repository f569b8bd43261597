//! Losses against TensorFlow's own numbers (`reference/tf_refs.json`, TF 2.21 / Keras 3), against
//! central finite differences in f64, and at the extremes (logits of ±100, probabilities of
//! exactly 0 and 1).

use autodiff::check::{self, Tolerance};
use autodiff::nn::losses::{
    BinaryCrossentropy, CategoricalCrossentropy, MeanSquaredError, Reduction,
    SparseCategoricalCrossentropy,
};
use autodiff::prelude::*;
use serde_json::Value;

fn refs() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/tf_refs.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference/tf_refs.json")).unwrap()
}

#[path = "support/json_matrix.rs"]
mod json_matrix;
use json_matrix::matrix;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn labels(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn flat<T: Real>(m: &DMatrix<T>) -> Vec<f64> {
    // Row-major, as the JSON's nested lists.
    (0..m.nrows())
        .flat_map(|i| (0..m.ncols()).map(move |j| (i, j)))
        .map(|ij| m[ij].to_f64())
        .collect()
}

/// Which loss a reference case is, as a closure over (y_true, y_pred, reduction) giving the
/// value and the gradient with respect to y_pred.
#[derive(Clone, Copy)]
enum Case {
    Mse,
    Cce { logits: bool },
    Bce { logits: bool },
    Sparse { logits: bool },
}

fn value_and_grad<T: autodiff::matrix::MatrixScalar>(
    case: Case,
    y_true: &Value,
    y_pred: &DMatrix<T>,
    reduction: Reduction,
) -> (T, DMatrix<T>, Vec<T>) {
    match case {
        Case::Mse => {
            let l = MeanSquaredError::new().reduction(reduction);
            let y = matrix(y_true);
            let (v, pb) = l.call_vjp(&y, y_pred);
            (v, pb(<T as Real>::one()), l.per_sample(&y, y_pred))
        }
        Case::Cce { logits } => {
            let l = CategoricalCrossentropy::new()
                .from_logits(logits)
                .reduction(reduction);
            let y = matrix(y_true);
            let (v, pb) = l.call_vjp(&y, y_pred);
            (v, pb(<T as Real>::one()), l.per_sample(&y, y_pred))
        }
        Case::Bce { logits } => {
            let l = BinaryCrossentropy::new()
                .from_logits(logits)
                .reduction(reduction);
            let y = matrix(y_true);
            let (v, pb) = l.call_vjp(&y, y_pred);
            (v, pb(<T as Real>::one()), l.per_sample(&y, y_pred))
        }
        Case::Sparse { logits } => {
            let l = SparseCategoricalCrossentropy::new()
                .from_logits(logits)
                .reduction(reduction);
            let y = labels(y_true);
            let (v, pb) = l.call_vjp(&y, y_pred);
            (v, pb(<T as Real>::one()), l.per_sample(&y, y_pred))
        }
    }
}

const CASES: [(&str, Case); 8] = [
    ("mse", Case::Mse),
    ("cce_probs", Case::Cce { logits: false }),
    ("cce_probs_unnormalized", Case::Cce { logits: false }),
    ("cce_logits", Case::Cce { logits: true }),
    ("sparse_cce_probs", Case::Sparse { logits: false }),
    ("sparse_cce_logits", Case::Sparse { logits: true }),
    ("bce_probs", Case::Bce { logits: false }),
    ("bce_logits", Case::Bce { logits: true }),
];

fn check_dtype<T: autodiff::matrix::MatrixScalar>(dtype: &str, tol: Tolerance) -> usize {
    let refs = refs();
    let mut checked = 0;
    for (name, case) in CASES {
        let entry = &refs["losses"]["cases"][name];
        assert_eq!(entry["default_reduction"], "sum_over_batch_size", "{name}");
        let y_pred: DMatrix<T> = matrix(&entry["y_pred"]);
        for (key, result) in entry["results"].as_object().unwrap() {
            let Some(red) = key.strip_suffix(&format!("_{dtype}")) else {
                continue;
            };
            let reduction = match red {
                "sum_over_batch_size" | "none" => Reduction::SumOverBatchSize,
                "sum" => Reduction::Sum,
                other => panic!("unknown reduction {other}"),
            };
            let (value, grad, per_sample) = value_and_grad(
                case,
                &entry["y_true"],
                &y_pred,
                if red == "none" {
                    Reduction::Sum
                } else {
                    reduction
                },
            );
            if red == "none" {
                // TF's per-sample values; its gradient is that of their sum.
                let ps: Vec<f64> = per_sample.iter().map(|v| v.to_f64()).collect();
                check::assert_slices(&ps, &floats(&result["value"]), tol);
            } else {
                check::assert_close(value.to_f64(), result["value"].as_f64().unwrap(), tol);
            }
            let want: DMatrix<f64> = matrix(&result["grad_wrt_y_pred"]);
            check::assert_slices(&flat(&grad), &flat(&want), tol);
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_loss_matches_tensorflow_in_f64() {
    // f64: TF computes in float64 when the loss is built with dtype="float64".
    let n = check_dtype::<f64>("f64", Tolerance::new(1e-12, 1e-9));
    assert_eq!(n, 18); // every (case, reduction) pair of the file
}

#[test]
fn every_loss_matches_tensorflow_in_f32() {
    // f32: summation order and libm differ from TF's kernels by a few ulps.
    let n = check_dtype::<f32>("f32", Tolerance::new(1e-6, 1e-5));
    assert_eq!(n, 18); // every (case, reduction) pair of the file
}

/// TF's reduction with sample weights divides by the batch size, not the weight total; with the
/// per-sample values that is what `Reduction::Sum` scaled by the caller gives.
#[test]
fn sample_weighted_reduction_follows_tf() {
    let r = refs();
    let entry = &r["losses"]["cases"]["cce_logits_sample_weight"];
    let case = &r["losses"]["cases"]["cce_logits"];
    let y: DMatrix<f64> = matrix(&case["y_true"]);
    let z: DMatrix<f64> = matrix(&case["y_pred"]);
    let w = floats(&entry["sample_weight"]);
    let per = CategoricalCrossentropy::new()
        .from_logits(true)
        .per_sample(&y, &z);
    let weighted: f64 = per.iter().zip(&w).map(|(l, w)| l * w).sum::<f64>() / 4.0;
    check::assert_close(
        weighted,
        entry["value"].as_f64().unwrap(),
        Tolerance::new(1e-5, 1e-6),
    );
}

fn fd_case(case: Case, y_true: &Value, p: &DMatrix<f64>) {
    for reduction in [Reduction::SumOverBatchSize, Reduction::Sum] {
        let (_, grad, _) = value_and_grad(case, y_true, p, reduction);
        let (r, c) = p.shape();
        let f = |x: &[f64]| {
            let m = DMatrix::from_column_slice(r, c, x);
            value_and_grad(case, y_true, &m, reduction).0
        };
        check::assert_gradient(
            f,
            p.as_slice(),
            grad.as_slice(),
            1e-6,
            Tolerance::new(1e-6, 1e-5),
        );
        // Forward mode agrees with reverse mode: ⟨∇L, t⟩.
        let t = DMatrix::from_fn(r, c, |i, j| ((i * c + j) as f64 * 0.7).sin());
        let jvp = match case {
            Case::Mse => {
                MeanSquaredError::new()
                    .reduction(reduction)
                    .call_jvp(&matrix(y_true), p, t.clone())
                    .1
            }
            Case::Cce { logits } => {
                CategoricalCrossentropy::new()
                    .from_logits(logits)
                    .reduction(reduction)
                    .call_jvp(&matrix(y_true), p, t.clone())
                    .1
            }
            Case::Bce { logits } => {
                BinaryCrossentropy::new()
                    .from_logits(logits)
                    .reduction(reduction)
                    .call_jvp(&matrix(y_true), p, t.clone())
                    .1
            }
            Case::Sparse { logits } => {
                SparseCategoricalCrossentropy::new()
                    .from_logits(logits)
                    .reduction(reduction)
                    .call_jvp(&labels(y_true), p, t.clone())
                    .1
            }
        };
        check::assert_jvp_vjp(grad.as_slice(), t.as_slice(), jvp, Tolerance::tight());
    }
}

#[test]
fn gradients_match_finite_differences_away_from_clipping() {
    let soft = serde_json::json!([[0.2, 0.5, 0.3], [0.0, 1.0, 0.0]]);
    let binary = serde_json::json!([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]);
    let sparse = serde_json::json!([2, 0]);
    let logits = DMatrix::from_row_slice(2, 3, &[0.3, -1.2, 2.0, 1.5, 0.1, -0.4]);
    let probs = DMatrix::from_row_slice(2, 3, &[0.2, 0.3, 0.5, 0.6, 0.25, 0.15]);
    let unnormalised = DMatrix::from_row_slice(2, 3, &[0.4, 0.9, 0.5, 2.0, 1.0, 3.0]);
    fd_case(Case::Mse, &soft, &logits);
    fd_case(Case::Cce { logits: true }, &soft, &logits);
    fd_case(Case::Cce { logits: false }, &soft, &unnormalised);
    fd_case(Case::Bce { logits: true }, &binary, &logits);
    fd_case(Case::Bce { logits: false }, &binary, &probs);
    fd_case(Case::Sparse { logits: true }, &sparse, &logits);
    fd_case(Case::Sparse { logits: false }, &sparse, &probs);
}

#[test]
fn stable_at_extreme_logits_and_probabilities() {
    let y = DMatrix::from_row_slice(2, 2, &[1.0f32, 0.0, 0.0, 1.0]);
    let z = DMatrix::from_row_slice(2, 2, &[-100.0f32, 100.0, 100.0, -100.0]);
    // Confidently wrong by 200 in each row: loss 200, gradient (softmax - y)/2 = ∓1/2.
    let (cce, bce) = (CategoricalCrossentropy::new(), BinaryCrossentropy::new());
    let (cce_logits, bce_logits) = (cce.from_logits(true), bce.from_logits(true));
    let (l, pb) = cce_logits.call_vjp(&y, &z);
    check::assert_close(l as f64, 200.0, Tolerance::f32());
    let g = pb(1.0);
    check::assert_slices(&flat(&g), &[-0.5, 0.5, 0.5, -0.5], Tolerance::f32());
    let (l, pb) = bce_logits.call_vjp(&y, &z);
    // Per element max(z,0) - z·y + ln(1 + e^-100) = 100 where wrong: mean over 2 columns = 100.
    check::assert_close(l as f64, 100.0, Tolerance::f32());
    assert!(pb(1.0).iter().all(|v| v.is_finite()));
    let (l, _) = SparseCategoricalCrossentropy::new()
        .from_logits(true)
        .call_vjp(&[0, 1], &z);
    check::assert_close(l as f64, 200.0, Tolerance::f32());
    // Probabilities of exactly 0 and 1: clipped, finite, -ln(1e-7) = 16.118 for a wrong certainty.
    let p = DMatrix::from_row_slice(2, 2, &[0.0f64, 1.0, 0.0, 1.0]);
    let y64 = y.map(f64::from);
    let (l, pb) = cce.call_vjp(&y64, &p);
    check::assert_close(
        l,
        (16.118095650958317 + 1e-7) / 2.0,
        Tolerance::new(1e-9, 1e-9),
    );
    assert!(pb(1.0).iter().all(|v| v.is_finite()));
    let (l, pb) = bce.call_vjp(&y64, &p);
    assert!(l.is_finite() && pb(1.0).iter().all(|v| v.is_finite()));
}

#[differentiable(wrt(logits))]
fn inside(logits: &DMatrix<f64>, y: &DMatrix<f64>) -> f64 {
    let l = CategoricalCrossentropy::new().from_logits(true);
    2.0 * l.call(y, logits) + (logits.component_mul(logits)).sum() * 0.01
}

#[test]
fn losses_compose_inside_differentiable_functions() {
    let y = DMatrix::from_row_slice(2, 3, &[0.0, 1.0, 0.0, 0.5, 0.0, 0.5]);
    let z = DMatrix::from_row_slice(2, 3, &[0.3, -1.2, 2.0, 1.5, 0.1, -0.4]);
    let (v, g) = inside_grad(&z, &y);
    check::assert_close(v, inside(&z, &y), Tolerance::tight());
    let f = |x: &[f64]| inside(&DMatrix::from_column_slice(2, 3, x), &y);
    check::assert_gradient(
        f,
        z.as_slice(),
        g.as_slice(),
        1e-6,
        Tolerance::new(1e-7, 1e-6),
    );
}

/// A NaN in the probabilities, or a row of zeros (`0 / 0` when CategoricalCrossentropy divides
/// by the row sum, as a relu output layer can give), makes the loss NaN, as Keras'
/// `clip_by_value` keeps it, so `check_finite` reports it; the clip does not turn it into `ε`
/// and a finite loss whose gradient is NaN.
#[test]
fn nan_probabilities_give_a_nan_loss() {
    let y = DMatrix::from_row_slice(2, 3, &[0.0f64, 1.0, 0.0, 1.0, 0.0, 0.0]);
    let zero_row = DMatrix::from_row_slice(2, 3, &[0.0f64, 0.0, 0.0, 0.2, 0.3, 0.5]);
    let cce = CategoricalCrossentropy::new();
    let (l, _) = cce.call_vjp(&y, &zero_row);
    assert!(l.is_nan(), "a row of zeros: {l}");
    let with_nan = DMatrix::from_row_slice(2, 3, &[0.1f64, f64::NAN, 0.2, 0.2, 0.3, 0.5]);
    let (l, _) = cce.call_vjp(&y, &with_nan);
    assert!(l.is_nan(), "categorical: {l}");
    let bce = BinaryCrossentropy::new();
    let (l, _) = bce.call_vjp(&y, &with_nan);
    assert!(l.is_nan(), "binary: {l}");
    let sparse = SparseCategoricalCrossentropy::new();
    let (l, _) = sparse.call_vjp(&[1, 0], &with_nan);
    assert!(l.is_nan(), "sparse: {l}");
    // Finite probabilities at the clip bounds stay finite.
    let edge = DMatrix::from_row_slice(2, 3, &[0.0f64, 1.0, 0.0, 1.0, 0.0, 0.0]);
    let (l, pb) = cce.call_vjp(&y, &edge);
    assert!(l.is_finite() && pb(1.0).iter().all(|v| v.is_finite()));
}

/// An `f32` loss over a large batch is reduced pairwise, as TensorFlow's tree reductions: the
/// mean of 150,528 per-sample losses of exactly `0.3² = 0.09` (in f32) stays within a few ulps,
/// where a running `f32` sum drifts by about 1e-3.
#[test]
fn large_f32_batches_keep_their_digits() {
    let n = 150_528;
    let y = DMatrix::<f32>::zeros(n, 1);
    let p = DMatrix::<f32>::from_element(n, 1, 0.3);
    let mse = MeanSquaredError::new();
    let (l, _) = mse.call_vjp(&y, &p);
    let want = 0.3f32 * 0.3f32;
    check::assert_close(l as f64, want as f64, Tolerance::new(0.0, 1e-6));
    let (l, _) = MeanSquaredError::new()
        .reduction(Reduction::Sum)
        .call_vjp(&y, &p);
    check::assert_close(l as f64, want as f64 * n as f64, Tolerance::new(0.0, 1e-6));
    // Softmax cross-entropy from logits [0, ln 3] with the target on the second class:
    // ln(1 + 3) - ln 3 = ln(4/3) per sample.
    let z = DMatrix::<f32>::from_fn(n, 2, |_, j| if j == 0 { 0.0 } else { 3f32.ln() });
    let t = DMatrix::<f32>::from_fn(n, 2, |_, j| j as f32);
    let cce = CategoricalCrossentropy::new().from_logits(true);
    let (l, _) = cce.call_vjp(&t, &z);
    check::assert_close(l as f64, (4.0f64 / 3.0).ln(), Tolerance::new(0.0, 1e-6));
}
