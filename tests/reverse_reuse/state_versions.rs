//! A state `Vec` replaced each trip (`h = hn;`) and read many times before it is replaced
//! (`reverse/trip_versions.rs`): one copy of its elements per trip, read again by the reverse
//! sweep, instead of a record per read. Members of the kind, each checked for its value and
//! its gradient against central differences: a recurrent cell (a matrix-vector product of the
//! state), a Markov chain's distribution pushed through a transition matrix, a state read in a
//! branch and in a nested block, two states replaced in one trip, `f32`, generic `T: Real`,
//! and `NAME_vjp`'s pullback called twice. Near misses that keep their records, and still agree
//! with central differences: the state written in place before the replacement, a trip that may
//! `continue` before it, a trip that may `break`, and reads after the replacement (the new
//! state).

use autodiff::check::{Tolerance, assert_gradient};
use autodiff::prelude::*;

/// Hidden units and steps of the recurrences below.
const NH: usize = 4;
const STEPS: usize = 6;

/// `h ← tanh(W h + x_t)`, loss `Σ_t (v · h_t - y_t)²`; `p = [W (NH × NH), v (NH)]`.
#[differentiable]
fn rnn(p: &[f64], #[no_grad] xs: &[f64]) -> f64 {
    let mut h = vec![0.0; NH];
    let mut loss = 0.0;
    for t in 0..STEPS {
        let mut hn = vec![0.0; NH];
        for i in 0..NH {
            let mut a = xs[t];
            for j in 0..NH {
                a += p[i * NH + j] * h[j];
            }
            hn[i] = a.tanh();
        }
        h = hn;
        let mut out = 0.0;
        for i in 0..NH {
            out += p[NH * NH + i] * h[i];
        }
        let e = out - xs[t] * 0.5;
        loss += e * e;
    }
    loss
}

/// A distribution pushed through a row-stochastic matrix built from `p` (softmax rows), with
/// the state read in a branch and in a nested block; loss `Σ_j q_j log q_j` of the last one.
#[differentiable]
fn chain(p: &[f64]) -> f64 {
    let mut q = vec![0.25; NH];
    for _ in 0..STEPS {
        let mut next = vec![0.0; NH];
        for i in 0..NH {
            let mut z = 0.0;
            for j in 0..NH {
                z += p[i * NH + j].exp();
            }
            for j in 0..NH {
                let w = p[i * NH + j].exp() / z;
                if q[i] > 0.2 {
                    next[j] += w * q[i];
                } else {
                    let qi = { q[i] * 1.0 };
                    next[j] += w * qi;
                }
            }
        }
        q = next;
    }
    let mut s = 0.0;
    for j in 0..NH {
        s += q[j] * q[j].ln();
    }
    s
}

/// Two states replaced in one trip (a second-order recurrence kept as two `Vec`s).
#[differentiable]
fn two_states(p: &[f64]) -> f64 {
    let mut a = vec![0.1; NH];
    let mut b = vec![0.2; NH];
    for _ in 0..STEPS {
        let mut an = vec![0.0; NH];
        let mut bn = vec![0.0; NH];
        for i in 0..NH {
            for j in 0..NH {
                an[i] += p[i * NH + j] * b[j] * a[j];
                bn[i] += p[j * NH + i] * a[j];
            }
            an[i] = an[i].sin();
        }
        a = an;
        b = bn;
    }
    let mut s = 0.0;
    for i in 0..NH {
        s += a[i] * b[i];
    }
    s
}

/// The recurrent cell in `f32`.
#[differentiable]
fn rnn32(p: &[f32], #[no_grad] xs: &[f32]) -> f32 {
    let mut h = vec![0.0f32; NH];
    let mut loss = 0.0;
    for t in 0..STEPS {
        let mut hn = vec![0.0f32; NH];
        for i in 0..NH {
            let mut a = xs[t];
            for j in 0..NH {
                a += p[i * NH + j] * h[j];
            }
            hn[i] = a.tanh();
        }
        h = hn;
        let mut out = 0.0;
        for i in 0..NH {
            out += p[NH * NH + i] * h[i];
        }
        let e = out - xs[t] * 0.5;
        loss += e * e;
    }
    loss
}

/// The recurrent cell over any `T: Real`.
#[differentiable]
fn rnn_generic<T: Real>(p: &[T], #[no_grad] xs: &[T]) -> T {
    let mut h = vec![T::zero(); NH];
    let mut loss = T::zero();
    for t in 0..STEPS {
        let mut hn = vec![T::zero(); NH];
        for i in 0..NH {
            let mut a = xs[t];
            for j in 0..NH {
                a = a + p[i * NH + j] * h[j];
            }
            hn[i] = a.tanh();
        }
        h = hn;
        let mut out = T::zero();
        for i in 0..NH {
            out = out + p[NH * NH + i] * h[i];
        }
        let e = out - xs[t] * T::from_f64(0.5);
        loss = loss + e * e;
    }
    loss
}

/// Reads whose rules come after the replacement (`a0` is multiplied only after `h = hn`), and
/// a nested block replacing the same state again with reads of its own: each replacement keeps
/// its own copy.
#[differentiable]
fn late_rules(p: &[f64]) -> f64 {
    let mut h = p[..NH].to_vec();
    let mut s = 0.0;
    for t in 0..STEPS {
        let a0 = h[0];
        let a1 = h[t % NH];
        let mut hn = vec![0.0; NH];
        for i in 0..NH {
            hn[i] = (p[i] * h[(i + 1) % NH]).sin();
        }
        h = hn;
        s += p[1] * a0 * a1;
        {
            let b = h[2];
            let mut hm = vec![0.0; NH];
            for i in 0..NH {
                hm[i] = h[i] * b + p[NH + i] * a0;
            }
            h = hm;
        }
    }
    s + h[0] * h[3]
}

/// Near misses: the state written in place before it is replaced, a trip that may `continue`
/// or `break` before the replacement, reads of the new state.
#[differentiable]
fn near_misses(p: &[f64]) -> f64 {
    let mut h = vec![0.3; NH];
    let mut g = vec![0.1; NH];
    let mut s = 0.0;
    for t in 0..STEPS {
        let mut hn = vec![0.0; NH];
        for i in 0..NH {
            for j in 0..NH {
                hn[i] += p[i * NH + j] * h[j] * h[j];
            }
        }
        h[0] = h[1] * 0.5;
        s += h[0] * h[2];
        h = hn;
        s += h[1] * h[3];
        let mut gn = vec![0.0; NH];
        for i in 0..NH {
            gn[i] = (g[i] * p[i]).tanh();
        }
        if t == 2 {
            continue;
        }
        g = gn;
    }
    for _ in 0..STEPS {
        let mut gn = vec![0.0; NH];
        for i in 0..NH {
            gn[i] = g[(i + 1) % NH] * g[i] + p[i];
        }
        if s > 1e9 {
            break;
        }
        g = gn;
    }
    s + g[0] * g[1]
}

const TOL: Tolerance = Tolerance::new(1e-6, 1e-6);

fn check(f: &dyn Fn(&[f64]) -> f64, grad: (f64, Vec<f64>), p: &[f64]) {
    let (v, g) = grad;
    assert!(
        (v - f(p)).abs() < 1e-12 * v.abs().max(1.0),
        "{v} vs {}",
        f(p)
    );
    assert_gradient(f, p, &g, 1e-6, TOL);
}

fn params(n: usize) -> Vec<f64> {
    (0..n).map(|k| ((k * 7 % 13) as f64 - 6.0) * 0.09).collect()
}

const XS: [f64; STEPS] = [0.5, -0.3, 0.8, 0.1, -0.6, 0.4];

#[test]
fn a_recurrent_cell() {
    let p = params(NH * NH + NH);
    let f = |p: &[f64]| rnn(p, &XS);
    check(&f, rnn_grad(&p, &XS), &p);
}

#[test]
fn a_markov_chain_with_reads_in_branches_and_blocks() {
    let p = params(NH * NH);
    check(&chain, chain_grad(&p), &p);
}

#[test]
fn two_states_replaced_in_one_trip() {
    let p = params(NH * NH);
    check(&two_states, two_states_grad(&p), &p);
}

#[test]
fn f32_and_generic_code_agree_with_f64() {
    let p = params(NH * NH + NH);
    let (_, g64) = rnn_grad(&p, &XS);
    let (_, gg) = rnn_generic_grad(&p, &XS);
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let xs32: Vec<f32> = XS.iter().map(|&v| v as f32).collect();
    let (_, g32) = rnn32_grad(&p32, &xs32);
    for k in 0..p.len() {
        assert!((gg[k] - g64[k]).abs() < 1e-12 * (1.0 + g64[k].abs()), "{k}");
        assert!(
            (g32[k] as f64 - g64[k]).abs() < 1e-4 * (1.0 + g64[k].abs()),
            "{k}"
        );
    }
}

#[test]
fn the_pullback_called_twice_reads_the_same_copies() {
    let p = params(NH * NH + NH);
    let (_, pb) = rnn_vjp(&p, &XS);
    let (a, b) = (pb(1.0), pb(-3.0));
    for k in 0..p.len() {
        assert!(
            (-3.0 * a[k] - b[k]).abs() < 1e-12 * (1.0 + b[k].abs()),
            "{k}"
        );
    }
    // the second call, scaled back, against central differences
    let back: Vec<f64> = b.iter().map(|v| v / -3.0).collect();
    assert_gradient(|p: &[f64]| rnn(p, &XS), &p, &back, 1e-6, TOL);
}

#[test]
fn rules_after_the_replacement_and_nested_replacements() {
    let p = params(2 * NH);
    check(&late_rules, late_rules_grad(&p), &p);
}

#[test]
fn near_misses_keep_their_records() {
    let p = params(NH * NH);
    check(&near_misses, near_misses_grad(&p), &p);
}
