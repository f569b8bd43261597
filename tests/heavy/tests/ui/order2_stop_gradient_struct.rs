use autodiff::prelude::*;

#[derive(Clone, Differentiable)]
struct Pair<T: Real> {
    a: T,
    b: T,
}

// Second order drops the derivative a stopped value carries, field by field for floats,
// `Vec`s, arrays and matrices; a struct's fields are stopped one by one.
#[differentiable(order = 2)]
fn scaled<T: Real>(p: &Pair<T>, x: T) -> T {
    let q = stop_gradient(p.clone());
    q.a * x + q.b * p.a
}

fn main() {}
