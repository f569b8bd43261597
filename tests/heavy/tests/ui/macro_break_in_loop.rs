use autodiff::prelude::*;

macro_rules! stop_if {
    ($c:expr) => {
        if $c {
            break;
        }
    };
}

macro_rules! skip_if {
    ($c:expr) => {
        if $c {
            continue;
        }
    };
}

// A `break` or `continue` in a macro's expansion would leave or skip a trip that the reverse
// sweep replays: inside a loop, macro calls are fenced so that such a jump does not compile.
#[differentiable]
fn hidden_break(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
        stop_if!(i == 2);
    }
    s
}

#[differentiable]
fn hidden_continue(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < x.len() {
        i += 1;
        let keep = if i > 1 { 1.0 } else { skip_if!(i == 1); 0.0 };
        s += x[i - 1] * keep;
    }
    s
}

fn main() {}
