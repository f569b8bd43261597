//! Adversarial cases for calls of concrete `order = 2` callees in second-order code: as method
//! receivers (`max`, `clamp`, `abs`, `floor`, `sqrt`, `tanh`, `powi`, ..), in `if`/`else if`
//! conditions and `match` scrutinees (also in branches not taken and in loops: a call must not
//! run where the program as written would not run it). Gradients against central differences,
//! Hessian-vector products against central differences of the gradient.

#![allow(clippy::all, unused_mut, unused_assignments, unused_variables)]
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

#[differentiable(order = 2)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

#[differentiable(order = 2)]
fn dot3(a: &[f64], b: &[f64]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

// c1: guarded slice in && inside a loop
#[differentiable(order = 2)]
fn c1(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 3 <= p.len() {
            if dot3(&p[i..i + 3], p) > 0.1 {
                s += p[i] * p[i];
            } else {
                s += p[i].sin();
            }
        } else {
            s += p[i].sin();
        }
    }
    s
}

// c2: || short-circuit: right side would panic
#[differentiable(order = 2)]
fn c2(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 3 > p.len() {
            s += p[i] * p[0];
        } else if dot3(&p[i..i + 3], &p[i..i + 3]) < 0.2 {
            s += p[i] * p[0];
        } else {
            s += p[i].cos() * p[1];
        }
    }
    s
}

// c3: else if with guarded call
#[differentiable(order = 2)]
fn c3(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 3 > p.len() {
            s += p[i] * 2.0 * p[i];
        } else if dot3(&p[i..], p).tanh() > 0.0 {
            s += p[i] * p[1] + dot3(&p[i..], p).tanh();
        } else {
            s += p[i].exp();
        }
    }
    s
}

// c4: match scrutinee inside a branch not taken (would panic if hoisted)
#[differentiable(order = 2)]
fn c4(p: &[f64]) -> f64 {
    let mut s = p[0] * p[1];
    if p.len() > 10 {
        s += match dot3(&p[8..], p) > 0.0 {
            true => p[2],
            false => p[3],
        };
    }
    for i in 0..p.len() {
        s += match i + 3 <= p.len() {
            true => match dot3(&p[i..], &p[i..]) > 0.33 {
                true => p[i] * p[i] * p[i],
                false => p[i].sin(),
            },
            false => p[i] * p[0],
        };
    }
    s
}

// c5: nested calls in receivers and max/min/clamp/abs/signum
#[differentiable(order = 2)]
fn c5(p: &[f64]) -> f64 {
    dot(p, p).max(dot(&p[1..], &p[1..])).tanh()
        + dot3(p, &p[1..]).abs() * p[0]
        + dot3(p, p).min(0.2) * p[1]
        + dot3(&p[1..], p).clamp(-0.1, 0.1) * p[2]
        + dot3(p, p).signum() * p[3]
        + (dot3(p, p) * 10.0).round() * p[0]
}

// c6: call with side effect (panic) guarded by && in while
#[differentiable(order = 2)]
fn guarded(a: &[f64]) -> f64 {
    assert!(a.len() >= 2, "guarded called on short slice");
    a[0] * a[1]
}
#[differentiable(order = 2)]
fn c6(p: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut k = 0;
    loop {
        if k >= p.len() {
            break;
        }
        if k + 2 <= p.len() {
            if guarded(&p[k..]) < -10.0 {
                break;
            }
        }
        s += p[k] * p[k] * 0.5;
        k += 1;
    }
    s
}

// c7: is_nan / is_finite in && chains; call only runs when guarded
#[differentiable(order = 2)]
fn c7(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i >= 2 {
            if !guarded(&p[i - 2..i]).is_nan() {
                if guarded(&p[i - 2..i]).is_finite() {
                    s += p[i] * guarded(&p[i - 2..i]);
                }
            }
        }
    }
    s
}

// c9: HVP on both sides of a branch with call in condition and floor
#[differentiable(order = 2)]
fn c9(p: &[f64]) -> f64 {
    let c = dot(p, p);
    let mut s = if dot(p, p) > 1.0 {
        dot(p, p).ln() * p[0]
    } else {
        dot(p, p).exp() * p[1]
    };
    s += dot(&p[..2], &p[..2]).floor() * p[2] * p[2];
    if c.sqrt() > 0.5 {
        s += dot(p, &p[..]).powi(2);
    }
    s
}

// c10: call as receiver in && right side that is a method
#[differentiable(order = 2)]
fn c10(p: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p.len() {
        if i + 2 < p.len() {
            if dot3(&p[i..], &p[i..]).sqrt() > 0.4 {
                s += dot3(&p[i..], &p[i..]).sqrt() * p[i];
            }
        }
    }
    s
}

#[test]
fn calls() {
    let sets: Vec<Vec<f64>> = vec![
        vec![0.3, -0.4, 0.5, 0.2, -0.1, 0.6],
        vec![0.9, 0.7, -0.3, 0.8, 0.45, -0.55, 0.25],
        vec![-0.2, 0.1, 0.15, -0.35],
    ];
    let v0 = [0.5, 0.1, -0.3, 0.7, 0.2, -0.4, 0.3];
    macro_rules! c {
        ($f:ident, $g:ident, $h:ident) => {
            for x in &sets {
                let v = &v0[..x.len()];
                let name = format!("{} {:?}", stringify!($f), x);
                check(&name, |y| $f(y), &$g(x).1, x);
                let (_, _, hv) = $h(x, v.to_vec());
                check_hvp(&name, |y| $g(y).1, &hv, x, v);
            }
        };
    }
    c!(c1, c1_grad, c1_hvp);
    c!(c2, c2_grad, c2_hvp);
    c!(c3, c3_grad, c3_hvp);
    c!(c4, c4_grad, c4_hvp);
    c!(c5, c5_grad, c5_hvp);
    c!(c6, c6_grad, c6_hvp);
    c!(c7, c7_grad, c7_hvp);
    c!(c9, c9_grad, c9_hvp);
    c!(c10, c10_grad, c10_hvp);
}
