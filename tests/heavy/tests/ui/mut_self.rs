use autodiff::prelude::*;

struct Acc {
    total: f64,
}

impl Acc {
    #[differentiable(wrt(x))]
    fn add(&mut self, x: f64) -> f64 {
        x * x + self.total
    }
}

fn main() {}
