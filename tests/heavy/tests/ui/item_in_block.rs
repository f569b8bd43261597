#![allow(non_upper_case_globals)]
use autodiff::prelude::*;

// Items in inner blocks are declared once for the whole generated function: one whose name is
// also used outside its block would change the meaning of the code around it.
#[differentiable]
fn shadows_parameter(x: &[f64], k: f64) -> f64 {
    let t = k * x[0];
    let u = {
        const k: f64 = 2.0;
        k * x[1]
    };
    t + u
}

const SCALE: f64 = 1.0;

#[differentiable]
fn shadows_module_constant(x: &[f64]) -> f64 {
    let mut s = x[0] * x[0] * SCALE;
    for i in 0..x.len() {
        const SCALE: f64 = 2.0;
        s += x[i] * SCALE;
    }
    s
}

fn main() {}
