//! Rows of `loops_handwritten.rs` for the fifth outside probe's workloads
//! (`common_loops/probe5.rs`): attention, the sparse factorisation, forward substitution and
//! the tanh RNN, each over its flattened inputs.

use super::common_loops::probe5::*;
use super::{Case, cat};
use autodiff::check::{DEFAULT_ETA, Tolerance};
use std::rc::Rc;

/// The workloads of the fifth outside probe (`common_loops/probe5.rs`).
pub(crate) fn probe5_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let cat3 = |(l, (a, b, c)): (f64, AttentionGrad)| (l, [a, b, c].concat());

    let (wq, wk, wv, x) = attention_input();
    let m = wq.len();
    let split = move |v: &[f64]| (v[..m].to_vec(), v[m..2 * m].to_vec(), v[2 * m..].to_vec());
    let (x1, x2, x3) = (x.clone(), x.clone(), x);
    cases.push(Case {
        name: "attention16x8",
        x: [wq, wk, wv].concat(),
        primal: Box::new(move |v| {
            let (a, b, c) = split(v);
            attention(&a, &b, &c, &x1)
        }),
        generated: Box::new(move |v| {
            let (a, b, c) = split(v);
            cat3(attention_grad(&a, &b, &c, &x2))
        }),
        hand: Box::new(move |v| {
            let (a, b, c) = split(v);
            cat3(attention_hand(&a, &b, &c, &x3))
        }),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (u, v, rows, cols, y) = matfact_input();
    let nu = u.len();
    let data = Rc::new((rows, cols, y));
    let (d1, d2, d3) = (data.clone(), data.clone(), data);
    let pack2 = |(l, (a, b)): (f64, (Vec<f64>, Vec<f64>))| (l, cat(&a, &b));
    cases.push(Case {
        name: "matfact40x30x8",
        x: cat(&u, &v),
        primal: Box::new(move |p| matfact(&p[..nu], &p[nu..], &d1.0, &d1.1, &d1.2, MF_LAMBDA)),
        generated: Box::new(move |p| {
            pack2(matfact_grad(
                &p[..nu],
                &p[nu..],
                &d2.0,
                &d2.1,
                &d2.2,
                MF_LAMBDA,
            ))
        }),
        hand: Box::new(move |p| {
            pack2(matfact_hand(
                &p[..nu],
                &p[nu..],
                &d3.0,
                &d3.1,
                &d3.2,
                MF_LAMBDA,
            ))
        }),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (l, b) = forward_subst_input();
    let nl = l.len();
    cases.push(Case {
        name: "forward_subst60",
        x: cat(&l, &b),
        primal: Box::new(move |p| forward_subst(&p[..nl], &p[nl..])),
        generated: Box::new(move |p| pack2(forward_subst_grad(&p[..nl], &p[nl..]))),
        hand: Box::new(move |p| pack2(forward_subst_hand(&p[..nl], &p[nl..]))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (w, u, b, c, xs, ys) = rnn_input();
    let (nw, nh) = (w.len(), u.len());
    let parts = move |p: &[f64]| {
        let (w, rest) = p.split_at(nw);
        let (u, rest) = rest.split_at(nh);
        let (b, c) = rest.split_at(nh);
        (w.to_vec(), u.to_vec(), b.to_vec(), c.to_vec())
    };
    let cat4 = |(l, (a, b, c, d)): (f64, RnnGrad)| (l, [a, b, c, d].concat());
    let data = Rc::new((xs, ys));
    let (d1, d2, d3) = (data.clone(), data.clone(), data);
    cases.push(Case {
        name: "rnn16x100",
        x: [w, u, b, c].concat(),
        primal: Box::new(move |p| {
            let (w, u, b, c) = parts(p);
            rnn(&w, &u, &b, &c, &d1.0, &d1.1)
        }),
        generated: Box::new(move |p| {
            let (w, u, b, c) = parts(p);
            cat4(rnn_grad(&w, &u, &b, &c, &d2.0, &d2.1))
        }),
        hand: Box::new(move |p| {
            let (w, u, b, c) = parts(p);
            cat4(rnn_hand(&w, &u, &b, &c, &d3.0, &d3.1))
        }),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    cases
}
