use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
pub struct Counter {
    pub w: f64,
}

impl Counter {
    pub fn bump(&mut self) -> bool {
        self.w *= 2.0;
        true
    }
    pub fn above(&self, t: f64) -> bool {
        self.w > t
    }
}

pub trait Halve {
    fn halve(&mut self) -> bool;
}
impl Halve for f64 {
    fn halve(&mut self) -> bool {
        *self *= 0.5;
        *self > 1.0
    }
}

// A `&mut self` method the macro does not know, called on a value with a derivative where its
// result is not differentiated (a condition, `let _ = ..`, a `let` of a `bool`), would change the
// value unseen by the reverse sweep: it does not compile.
#[differentiable]
fn bump_in_condition(x: f64) -> f64 {
    let mut s = Counter { w: x };
    if s.bump() {
        s.w * x
    } else {
        x
    }
}

#[differentiable]
fn halve_in_let(x: f64) -> f64 {
    let mut y = x * 3.0;
    let _ = y.halve();
    y * x
}

#[differentiable]
fn bump_in_let(x: f64) -> f64 {
    let mut s = Counter { w: x };
    let grew = s.bump();
    if grew {
        s.w * x
    } else {
        x
    }
}

// With an argument bound inside such code the check cannot be placed before the statement (it
// would name a variable not yet bound), so any unknown method on the value is refused there.
#[differentiable]
fn method_in_closure(x: f64, v: &[f64]) -> f64 {
    let s = Counter { w: x };
    if match v.len() {
        0 => false,
        n => s.above(n as f64),
    } {
        s.w * x
    } else {
        x
    }
}

fn main() {}
