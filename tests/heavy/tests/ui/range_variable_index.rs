use autodiff::prelude::*;

// Indexing by a `mut` inclusive range: after `next()` runs it to its end, the range indexes
// nothing, which its bounds do not say. Refused at the index.
#[differentiable]
fn mut_inclusive(x: &[f64]) -> f64 {
    let mut r = 0..=1;
    r.next();
    let w = &x[r];
    w[0] * x[0]
}

#[differentiable]
fn mut_inclusive_parameter(x: &[f64], mut r: std::ops::RangeInclusive<usize>) -> f64 {
    r.next();
    let w = &x[r.clone()];
    w[0]
}

fn main() {}
