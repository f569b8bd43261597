use autodiff::prelude::*;

// `FieldwiseOps` adds every field with its own operator: a `#[no_grad]` field is refused.
#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
pub struct Tagged {
    pub w: f64,
    #[no_grad]
    pub tag: usize,
}

// A field that is a derived struct without `FieldwiseOps` (its `+`, if any, is its own).
#[derive(Differentiable, Clone, Debug)]
pub struct Inner {
    pub a: f64,
}

#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
pub struct Outer {
    pub inner: Inner,
    pub v: Vec<f64>,
}

fn main() {}
