//! A slice variable that holds either a differentiated slice or one without a derivative
//! (`let c = if k > 0.0 { x } else { y };` with `y` `#[no_grad]`, a `#[no_grad] mut` parameter
//! reassigned to a differentiated slice, a `Vec` or an array chosen the same way): forward mode
//! gives the constant arm the zero tangent of the value's type (a `Vec` for `&[f64]`), where it
//! took `zero_like` of the reference and did not compile. Every gradient against central
//! differences in both arms, forward mode against the gradient.

use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[differentiable]
fn chosen(x: &[f64], #[no_grad] y: &[f64], k: f64) -> f64 {
    let c = if k > 0.0 { x } else { y };
    c[0] * k + c[1] * x[0]
}

#[differentiable]
fn reassigned<'a>(x: &'a [f64], #[no_grad] mut w: &'a [f64], k: f64) -> f64 {
    let before = w[0] * k;
    if k > 0.0 {
        w = x;
    }
    before + w[0] * w[1] * k
}

#[differentiable]
fn chosen_vec(x: Vec<f64>, #[no_grad] y: Vec<f64>, k: f64) -> f64 {
    let c = if k > 0.0 { x.clone() } else { y };
    c[1] * k * x[1]
}

#[differentiable]
fn chosen_array(x: [f64; 2], #[no_grad] y: [f64; 2], k: f64) -> f64 {
    let c = if k > 0.0 { x } else { y };
    (c[0] + c[1]).sin() * k
}

/// `(x, k)` flattened: the gradient check's point.
fn point(x: &[f64], k: f64) -> Vec<f64> {
    [x.to_vec(), vec![k]].concat()
}

#[test]
fn chosen_slices_in_both_arms() {
    let (x, y) = (vec![0.7, -0.4], vec![1.3, 0.5]);
    for k in [0.8, -0.6] {
        let (_, (gx, gk)) = chosen_grad(&x, &y, k);
        let g = point(&gx, gk);
        check("chosen", |z| chosen(&z[..2], &y, z[2]), &g, &point(&x, k));
        let t = vec![0.3, -1.1];
        let (_, dy) = chosen_jvp(&x, &y, k, t.clone(), 0.7);
        let dot = gx[0] * t[0] + gx[1] * t[1] + gk * 0.7;
        assert!((dy - dot).abs() < 1e-12, "{dy} vs {dot}");

        let (_, (gx, gk)) = reassigned_grad(&x, &y, k);
        let g = point(&gx, gk);
        check(
            "reassigned",
            |z| reassigned(&z[..2], &y, z[2]),
            &g,
            &point(&x, k),
        );
        let (_, dy) = reassigned_jvp(&x, &y, k, t.clone(), 0.7);
        let dot = gx[0] * t[0] + gx[1] * t[1] + gk * 0.7;
        assert!((dy - dot).abs() < 1e-12, "{dy} vs {dot}");

        let (_, (gx, gk)) = chosen_vec_grad(x.clone(), y.clone(), k);
        let g = point(&gx, gk);
        check(
            "chosen_vec",
            |z| chosen_vec(z[..2].to_vec(), y.clone(), z[2]),
            &g,
            &point(&x, k),
        );

        let (xa, ya) = ([x[0], x[1]], [y[0], y[1]]);
        let (_, (gx, gk)) = chosen_array_grad(xa, ya, k);
        let g = point(&gx, gk);
        check(
            "chosen_array",
            |z| chosen_array([z[0], z[1]], ya, z[2]),
            &g,
            &point(&x, k),
        );
        let (_, dy) = chosen_array_jvp(xa, ya, k, [0.3, -1.1], 0.7);
        let dot = gx[0] * 0.3 - gx[1] * 1.1 + gk * 0.7;
        assert!((dy - dot).abs() < 1e-12, "{dy} vs {dot}");
    }
}
