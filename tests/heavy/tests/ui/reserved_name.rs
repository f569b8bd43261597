use autodiff::prelude::*;

// The rewrites of in-place methods bind names starting with `__ip_`: a user name with that
// prefix would be captured (`v.remove(1)` rebinding `__ip_r`), so it is refused.
#[differentiable]
fn captured(x: f64) -> f64 {
    let __ip_r = x * 5.0;
    let mut v = vec![x, x * x, 3.0];
    let e = v.remove(1);
    __ip_r * e + v[0]
}

fn main() {}
