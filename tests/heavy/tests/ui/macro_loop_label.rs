use autodiff::prelude::*;

macro_rules! leave {
    ($l:lifetime) => {
        break $l
    };
}

// A labelled `break` may cross the fence that catches hidden jumps, so a macro call naming an
// enclosing loop's label is refused.
#[differentiable]
fn labelled(x: &[f64]) -> f64 {
    let mut s = 0.0;
    'rows: for i in 0..x.len() {
        for j in 0..x.len() {
            s += x[i] * x[j];
            if s > 10.0 {
                leave!('rows);
            }
        }
    }
    s
}

fn main() {}
