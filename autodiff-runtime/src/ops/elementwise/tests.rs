//! Unit tests of `elementwise`.

use nalgebra::{DMatrix, DVector, RowDVector, SMatrix};

use super::*;
use crate::__private::{NoTangent, Tg};
use crate::ops::testing::{
    Domain, EXACT, Flat, SHAPES, TIGHT, assert_close, assert_close_all, assert_slices, check_flat,
    check_unary_op, input,
};

#[test]
fn unary_ops_match_finite_differences() {
    check_unary_op!(
        relu,
        __relu_derivative_0ef0beb3bebbaaf8b700baa7996ca003,
        __relu_forward_derivative_5088db2bb8f1cffa7e3533eefc935109,
        Domain::Signed
    );
    check_unary_op!(
        sigmoid,
        __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb,
        __sigmoid_forward_derivative_04f53fad506776fc8bc32aea806a0a2d,
        Domain::Signed
    );
    check_unary_op!(
        tanh,
        __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040,
        __tanh_forward_derivative_17a6bff72aafc02dde70fee21072156e,
        Domain::Signed
    );
    check_unary_op!(
        exp,
        __exp_derivative_0d1ec5dd5cce60c1da36c09bedc475f8,
        __exp_forward_derivative_94a43b25f1d84bd3ecdff9d96081262e,
        Domain::Signed
    );
    check_unary_op!(
        ln,
        __ln_derivative_b372506b9dd5bfd845d8c3047a772caf,
        __ln_forward_derivative_c80c876130e4ea2266c7db72ab92f9fd,
        Domain::Positive
    );
    check_unary_op!(
        sqrt,
        __sqrt_derivative_a14d65bee2b80f2c13194ba18469751f,
        __sqrt_forward_derivative_07c46a3269617ceac781b4e84c9758e1,
        Domain::Positive
    );
    check_unary_op!(
        square,
        __square_derivative_af6a2a476eeada9d3395d220c3698b16,
        __square_forward_derivative_caad221dd2eb20e3a2bd6e3529f6fb80,
        Domain::Signed
    );
    check_unary_op!(
        abs,
        __abs_derivative_31996edd71fc647afb4b679c000f4d4b,
        __abs_forward_derivative_b910e82606fa18fc0d0e8cd972096069,
        Domain::Signed
    );
    check_unary_op!(
        softplus,
        __softplus_derivative_205b37924f3269eeaa135a3764639b55,
        __softplus_forward_derivative_587839f857c00844a34319b33a52e2ff,
        Domain::Signed
    );
}

#[test]
fn leaky_relu_matches_finite_differences() {
    const ALPHA: f64 = 0.15;
    fn leaky(m: &DMatrix<f64>) -> DMatrix<f64> {
        leaky_relu(m, ALPHA)
    }
    fn rev(
        m: &DMatrix<f64>,
    ) -> (
        DMatrix<f64>,
        impl Fn(DMatrix<f64>) -> (Option<DMatrix<f64>>, NoGrad) + '_,
    ) {
        __leaky_relu_derivative_ff447aa08954dc4bacf4e0d61775ced8(m, ALPHA)
    }
    let fwd = |m: &DMatrix<f64>, t| {
        __leaky_relu_forward_derivative_94e0e199909722658e6dcc656748ee46(m, ALPHA, t, NoTangent)
    };
    check_unary_op!(leaky, rev, fwd, Domain::Signed);
}

#[test]
fn powf_matches_finite_differences_in_both_arguments() {
    for p in [2.5, -0.7, 1.0] {
        for (r, c) in SHAPES {
            let m = input(r, c, Domain::Positive);
            let split = |x: &[f64]| {
                let n = x.len() - 1;
                (DMatrix::from_column_slice(r, c, &x[..n]), x[n])
            };
            let mut x = m.flat();
            x.push(p);
            check_flat(
                &format!("powf on {r}×{c} with p = {p}"),
                &x,
                |x| {
                    let (m, p) = split(x);
                    powf(&m, p).flat()
                },
                |x, g| {
                    let (m, p) = split(x);
                    let (y, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&m, p);
                    assert_close_all("powf: reverse value", &y.flat(), &powf(&m, p).flat());
                    let (dm, dp) = pullback(y.filled(g));
                    let mut out = dm.map_or_else(|| vec![0.0; m.len()], |d| d.flat());
                    out.push(dp.unwrap_or(0.0));
                    out
                },
                |x, t| {
                    let (m, p) = split(x);
                    let (dm, dp) = split(t);
                    let (y, dy) = __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(
                        &m,
                        p,
                        Tg(dm),
                        Tg(dp),
                    );
                    assert_close_all("powf: forward value", &y.flat(), &powf(&m, p).flat());
                    dy.flat()
                },
            );
        }
    }
}

#[test]
fn powf_constant_arguments_take_no_tangent() {
    let m = DMatrix::from_row_slice(1, 2, &[2.0, 3.0]);
    // Only the exponent varies: dy = y ln x.
    let (_, dy) =
        __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(&m, 2.0, NoTangent, Tg(1.0));
    assert_close_all(
        "powf dp",
        &dy.flat(),
        &[4.0 * 2.0f64.ln(), 9.0 * 3.0f64.ln()],
    );
    // Only the base varies: dy = p x^(p-1) dx.
    let (_, dy) = __powf_forward_derivative_94fbfe1ac5dd039412f778ffd882ac77(
        &m,
        2.0,
        Tg(m.clone()),
        NoTangent,
    );
    assert_close_all("powf dx", &dy.flat(), &[8.0, 18.0]);
}

#[test]
fn conventions_at_kinks_follow_tensorflow() {
    let zero = DMatrix::from_element(1, 1, 0.0f64);
    let one = || DMatrix::from_element(1, 1, 1.0f64);
    let grad = |d: Option<DMatrix<f64>>| d.expect("a gradient")[0];
    // relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha.
    assert_close(
        grad(__relu_derivative_0ef0beb3bebbaaf8b700baa7996ca003(&zero).1(one()).0),
        0.0,
        EXACT,
    );
    assert_close(
        grad(__abs_derivative_31996edd71fc647afb4b679c000f4d4b(&zero).1(one()).0),
        0.0,
        EXACT,
    );
    let (_, pullback) = __leaky_relu_derivative_ff447aa08954dc4bacf4e0d61775ced8(&zero, 0.25);
    assert!((grad(pullback(one()).0) - 0.25).abs() < 1e-15);
    // sqrt'(0) = ln'(0) = +inf.
    assert_close(
        grad(__sqrt_derivative_a14d65bee2b80f2c13194ba18469751f(&zero).1(one()).0),
        f64::INFINITY,
        EXACT,
    );
    assert_close(
        grad(__ln_derivative_b372506b9dd5bfd845d8c3047a772caf(&zero).1(one()).0),
        f64::INFINITY,
        EXACT,
    );
    // powf: d/dx = 0 when p = 0 (also at x = 0); d/dp = 0 where x <= 0.
    let (y, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&zero, 0.0);
    assert_close(y[0], 1.0, EXACT);
    let (dx, dp) = pullback(one());
    assert_close(grad(dx), 0.0, EXACT);
    assert_close(dp.expect("a gradient for p"), 0.0, EXACT);
    let neg = DMatrix::from_element(1, 1, -2.0f64);
    let (_, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&neg, 2.0);
    let (dx, dp) = pullback(one());
    assert!((grad(dx) + 4.0).abs() < 1e-12);
    assert_close(dp.expect("a gradient for p"), 0.0, EXACT);
    // relu keeps NaN.
    assert!(relu(&DMatrix::from_element(1, 1, f64::NAN))[0].is_nan());
}

#[test]
fn saturating_activations_are_finite_at_plus_minus_1000() {
    let x = DMatrix::from_row_slice(1, 2, &[1000.0, -1000.0]);
    let g = DMatrix::from_element(1, 2, 1.0);
    for (name, (y, d)) in [
        ("sigmoid", {
            let (y, pb) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&x);
            (y, pb(g.clone()).0.unwrap())
        }),
        ("tanh", {
            let (y, pb) = __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040(&x);
            (y, pb(g.clone()).0.unwrap())
        }),
        ("softplus", {
            let (y, pb) = __softplus_derivative_205b37924f3269eeaa135a3764639b55(&x);
            (y, pb(g.clone()).0.unwrap())
        }),
    ] {
        assert!(
            y.iter().chain(d.iter()).all(|v| v.is_finite()),
            "{name}: {y} {d}"
        );
    }
    assert_close_all("sigmoid", &sigmoid(&x).flat(), &[1.0, 0.0]);
    assert_close_all("softplus", &softplus(&x).flat(), &[1000.0, 0.0]);
    let (_, pb) = __softplus_derivative_205b37924f3269eeaa135a3764639b55(&x);
    assert_close_all("softplus'", &pb(g).0.unwrap().flat(), &[1.0, 0.0]);
}

#[test]
fn symbolic_zero_cotangent_gives_no_gradient() {
    let m = input(2, 3, Domain::Signed);
    let (_, pullback) = __tanh_derivative_c61e5ba1eaf848136caecd781a3a8040(&m);
    assert!(pullback(DMatrix::zeros(0, 0)).0.is_none());
    let positive = m.abs();
    let (_, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&positive, 2.0);
    let (dx, dp) = pullback(DMatrix::zeros(0, 0));
    assert!(dx.is_none() && dp.is_none());
    // A NoTangent argument is a zero tangent of the argument's shape.
    let (_, dy) = __exp_forward_derivative_94a43b25f1d84bd3ecdff9d96081262e(&m, NoTangent);
    assert_eq!(dy.shape(), (2, 3));
    assert_slices(&dy.flat(), &[0.0; 6], EXACT);
}

#[test]
#[should_panic(expected = "ops::sigmoid: the cotangent is 3×2 but the output is 2×3")]
fn wrong_cotangent_shape_panics_naming_both_shapes() {
    let m = input(2, 3, Domain::Signed);
    let (_, pullback) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&m);
    let _ = pullback(DMatrix::zeros(3, 2));
}

#[test]
fn pullback_can_be_called_again() {
    let m = input(3, 2, Domain::Signed);
    let (y, pullback) = __sigmoid_derivative_0cfe0f24ef91f55eb936275e597983bb(&m);
    let g = y.map(|v| v * 0.5 + 1.0);
    let first = pullback(g.clone()).0.unwrap();
    let second = pullback(g).0.unwrap();
    assert_close_all("sigmoid twice", &first.flat(), &second.flat());
}

#[test]
fn static_and_vector_shapes() {
    let s = SMatrix::<f64, 2, 3>::new(-1.0, 2.0, -3.0, 4.0, -5.0, 6.0);
    assert_slices(
        &relu(&s).flat(),
        &SMatrix::<f64, 2, 3>::new(0.0, 2.0, 0.0, 4.0, 0.0, 6.0).flat(),
        EXACT,
    );
    let (y, pullback) = __square_derivative_af6a2a476eeada9d3395d220c3698b16(&s);
    assert_close(y[(1, 2)], 36.0, TIGHT);
    let (d,) = pullback(SMatrix::<f64, 2, 3>::repeat(1.0));
    assert_close(d.unwrap()[(1, 2)], 12.0, TIGHT);
    let v = DVector::from_vec(vec![1.0, 4.0]);
    let (y, dy) = __sqrt_forward_derivative_07c46a3269617ceac781b4e84c9758e1(
        &v,
        Tg(DVector::from_vec(vec![1.0, 1.0])),
    );
    assert_close_all("sqrt", &y.flat(), &[1.0, 2.0]);
    assert_close_all("sqrt'", &dy.flat(), &[0.5, 0.25]);
    let r = RowDVector::from_vec(vec![0.0, 1.0]);
    assert_close_all("exp", &exp(&r).flat(), &[1.0, 1.0f64.exp()]);
}

#[test]
fn f32_smoke() {
    let m64 = input(3, 4, Domain::Positive);
    let m32 = m64.map(|v| v as f32);
    let ops64: [fn(&DMatrix<f64>) -> DMatrix<f64>; 9] =
        [relu, sigmoid, tanh, exp, ln, sqrt, square, abs, softplus];
    let ops32: [fn(&DMatrix<f32>) -> DMatrix<f32>; 9] =
        [relu, sigmoid, tanh, exp, ln, sqrt, square, abs, softplus];
    for (f64op, f32op) in ops64.iter().zip(&ops32) {
        let (a, b) = (f64op(&m64), f32op(&m32));
        for (x, y) in a.iter().zip(b.iter()) {
            assert!((x - *y as f64).abs() < 1e-5 * (1.0 + x.abs()), "{x} vs {y}");
        }
    }
    let (y, pullback) = __powf_derivative_670e49c59a958baa1f4b6796bafb4159(&m32, 1.5f32);
    let (dm, dp) = pullback(y.map(|_| 1.0));
    assert!(dm.unwrap().iter().all(|v| v.is_finite()) && dp.unwrap().is_finite());
    let (_, dy) = __leaky_relu_forward_derivative_94e0e199909722658e6dcc656748ee46(
        &m32,
        0.1f32,
        Tg(m32.clone()),
        NoTangent,
    );
    assert!((dy[(0, 0)] - m32[(0, 0)]).abs() < 1e-6);
}
