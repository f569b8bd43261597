use autodiff::prelude::*;

#[differentiable(order = 2)]
fn cube(x: f64) -> f64 {
    x * x * x + 2.0 * x
}

#[differentiable(order = 2)]
fn gen_rosen<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = T::one() - x[i];
        s += T::from_f64(100.0) * a * a + b * b;
    }
    s
}

#[test]
fn smoke() {
    let (y, g, h) = cube_hvp(2.0, 1.0);
    assert!((y - 12.0).abs() < 1e-12 && (g - 14.0).abs() < 1e-12 && (h - 12.0).abs() < 1e-12);
    let (_, _, hh) = gen_rosen_hessian(&[1.0, 2.0, 3.0]);
    println!("{hh}");
}
