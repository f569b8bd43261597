use autodiff::prelude::*;

// A `Vec` of references to differentiated values, made by `push`, `insert`, `fill` or
// `extend_from_slice`: refused at the call. A `Vec` of borrowed
// indices is fine (see `tests/pushed_references.rs` in the facade crate).
#[differentiable]
fn borrowed_element(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for i in 0..x.len() {
        v.push(&x[i]);
    }
    let mut s = 0.0;
    for r in v.iter() {
        s += **r * 2.0;
    }
    s
}

#[differentiable]
fn iterated_element(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    for r in x.iter() {
        v.push(r);
    }
    *v[0] * *v[1]
}

#[differentiable]
fn borrowed_slice(x: &[f64]) -> f64 {
    let mut rows = Vec::new();
    for i in 0..2 {
        rows.push(&x[i * 2..i * 2 + 2]);
    }
    rows[0][0] * rows[1][1]
}

#[differentiable]
fn parameter_slice(x: &[f64], y: &[f64]) -> f64 {
    let mut rows = Vec::new();
    rows.push(x);
    rows.push(y);
    rows[0][0] * rows[1][0]
}

#[differentiable]
fn named_borrow(x: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let r = &x[i];
        v.push(r);
    }
    *v[0]
}

#[differentiable]
fn array_of_borrows(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    v.push([&x[0], &x[1]]);
    *v[0][0] * *v[0][1]
}

#[differentiable]
fn named_array_of_borrows(x: &[f64]) -> f64 {
    let a = [&x[0], &x[1]];
    let mut v = Vec::new();
    v.push(a);
    *v[0][0] * *v[0][1]
}

#[differentiable]
fn inserted_borrow(x: &[f64]) -> f64 {
    let mut v = Vec::new();
    v.insert(0, &x[1]);
    *v[0]
}

#[differentiable]
fn filled_with_a_borrow(x: &[f64]) -> f64 {
    let mut v = vec![&x[0], &x[1]];
    v.fill(&x[3]);
    *v[0] * *v[1]
}

#[differentiable]
fn extended_from_borrows(x: &[f64]) -> f64 {
    let u = vec![&x[1], &x[2]];
    let mut v = Vec::new();
    v.extend_from_slice(&u);
    *v[0] * *v[1]
}

fn main() {}
