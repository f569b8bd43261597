use autodiff::prelude::*;

// Let chains bind names in code the macro does not see into: refused, in `if` and `while`.
#[differentiable]
fn in_if(x: &[f64]) -> f64 {
    let o = Some(x[0] * 3.0);
    if let Some(v) = o && x[1] > 0.0 { v * v } else { 0.0 }
}

#[differentiable]
fn in_while(x: &[f64]) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    while let Some(v) = x.get(i).copied() && i < 5 {
        s = s * 0.5 + v * v;
        i += 1;
    }
    s
}

fn main() {}
