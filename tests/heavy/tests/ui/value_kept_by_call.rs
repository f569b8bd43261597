use autodiff::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

// A call run for its effect may keep a value it is passed and hand it back later as a constant:
// `c.set(x * x); c.get()` is `x * x`, whose derivative is `2x`, not 0. Passing a value that
// carries a derivative to such a call is refused at the statement.
#[differentiable]
fn cell(x: f64) -> f64 {
    let c = Cell::new(0.0);
    c.set(x * x);
    c.get()
}

fn stash(c: &Cell<f64>, v: f64) {
    c.set(v)
}

#[differentiable]
fn free_function(x: f64) -> f64 {
    let c = Cell::new(0.0);
    stash(&c, x * x);
    c.get()
}

#[differentiable]
fn resized(x: f64) -> f64 {
    let mut v: Vec<f64> = Vec::new();
    v.resize(1, x * x);
    v[0]
}

#[differentiable]
fn copied(x: f64) -> f64 {
    let w = vec![x * x];
    let mut v = vec![0.0];
    v.copy_from_slice(&w);
    v[0]
}

#[differentiable]
fn option_insert(x: f64) -> f64 {
    let mut o: Option<f64> = None;
    o.insert(x * x);
    o.unwrap()
}

#[differentiable]
fn matrix_diagonal(x: f64) -> f64 {
    let mut m = DMatrix::<f64>::zeros(2, 2);
    m.fill_diagonal(x * x);
    m[(0, 0)]
}

#[differentiable]
fn deque(x: f64) -> f64 {
    let mut d = VecDeque::new();
    d.push_back(x * x);
    d[0]
}

#[differentiable]
fn discarded_result(x: f64) -> f64 {
    let c = RefCell::new(0.0);
    let _ = c.replace(x * x);
    c.take()
}

#[differentiable]
fn in_a_condition(x: f64) -> f64 {
    let c = Cell::new(0.0);
    if {
        c.set(x * x);
        true
    } {
        c.get()
    } else {
        0.0
    }
}

pub struct Log {
    pub kept: RefCell<Vec<f64>>,
}

impl Log {
    pub fn keep(&self, v: f64) {
        self.kept.borrow_mut().push(v);
    }
    pub fn first(&self) -> f64 {
        self.kept.borrow()[0]
    }
}

#[differentiable]
fn own_method(x: f64, #[no_grad] log: &Log) -> f64 {
    log.keep(x * x);
    log.first()
}

// Inside an expression run as written (a condition), the receiver may keep the argument too.
#[differentiable]
fn replaced_in_a_condition(x: f64) -> f64 {
    let c = Cell::new(0.0);
    if c.replace(x * x) > -1.0 {
        c.get()
    } else {
        0.0
    }
}

#[differentiable]
fn get_or_insert_in_a_condition(x: f64) -> f64 {
    let mut o: Option<f64> = None;
    if *o.get_or_insert(x * x) > -1.0 {
        o.unwrap()
    } else {
        0.0
    }
}

pub struct Keeper {
    pub v: f64,
}

impl Keeper {
    pub fn keep(&mut self, v: f64) -> bool {
        self.v = v;
        true
    }
    pub fn get(&self) -> f64 {
        self.v
    }
}

// A `&mut self` method of the user's: "cannot borrow .. as mutable" at the method.
#[differentiable]
fn own_mut_method_in_a_condition(x: f64) -> f64 {
    let mut k = Keeper { v: 0.0 };
    if k.keep(x * x) {
        k.get()
    } else {
        0.0
    }
}

fn main() {}
