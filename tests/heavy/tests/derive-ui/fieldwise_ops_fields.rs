use autodiff::prelude::*;

// `FieldwiseOps` adds every field with its own operator: a `#[no_grad]` field is refused.
#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
pub struct Tagged {
    pub w: f64,
    #[no_grad]
    pub tag: usize,
}

// A `Vec` has no `+`.
#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
pub struct Series {
    pub v: Vec<f64>,
}

fn main() {}
