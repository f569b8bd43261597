use autodiff::prelude::*;

#[differentiable]
fn f(x: f64) -> f64 {
    let y = 'a: {
        if x > 0.0 {
            break 'a x;
        }
        -x
    };
    y * 2.0
}

fn main() {}
