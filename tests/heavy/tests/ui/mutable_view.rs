use autodiff::prelude::*;

// Writes through a mutable view are not routed back to the container it points into, so a view
// taken as a value is refused: `a[0] = x * y` below changes `v[0]` unseen.
#[differentiable]
fn split(x: f64, y: f64) -> f64 {
    let mut v = vec![0.0, 0.0];
    let (a, _b) = v.split_at_mut(1);
    a[0] = x * y;
    v[0] + x
}

#[differentiable]
fn as_slice(x: f64, y: f64) -> f64 {
    let mut v = vec![0.0, 0.0];
    let s = v.as_mut_slice();
    s[0] = x * y;
    v[0] + x
}

#[differentiable]
fn ranged(x: f64, y: f64) -> f64 {
    let mut v = vec![0.0, 0.0];
    let s = v.get_mut(0..1).unwrap();
    s[0] = x * y;
    v[0] + x
}

#[differentiable]
fn column(x: f64, y: f64) -> f64 {
    let mut m = DMatrix::<f64>::zeros(2, 2);
    let mut c = m.column_mut(0);
    c[0] = x * y;
    m[(0, 0)] + x
}

fn main() {}
