use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
pub struct Scaled {
    pub w: f64,
    #[no_grad]
    pub scale: f64,
}

// A value that carries a derivative written into a `#[no_grad]` field would lose it.
#[differentiable]
fn f(x: f64) -> f64 {
    let s = Scaled {
        w: x,
        scale: x * 2.0,
    };
    s.w * s.scale
}

fn main() {}
