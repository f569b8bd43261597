use autodiff::prelude::*;

// A local whose element type is not differentiable (a tuple): the first error points at the
// local's name, and does not call it a parameter.
#[differentiable]
fn f(x: &[f64]) -> f64 {
    let mut pairs = vec![(0.0, 0.0); x.len()];
    for i in 0..x.len() {
        pairs[i] = (x[i], x[i] * 2.0);
    }
    pairs[0].0 + pairs[0].1
}

fn main() {}
