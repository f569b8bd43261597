//! The compact node (`graph.rs`) and the forward replay that recovers scalar nodes' values
//! (`replay.rs`): a replayed value is the recorded one bit for bit, for every scalar kind, for
//! side records beside them and across both scalar types.

use super::super::graph::{Kind, Node};
use super::super::{GradientTape, Tensor, Value, Variable};
use nalgebra::DMatrix;

/// A scalar node is 32 bytes for `f64` and 24 for `f32` (two parents, two partials, a kind and
/// an index): 891 nodes of a script fit in 28 KB, inside the first-level cache.
#[test]
fn a_scalar_node_is_half_a_cache_line() {
    assert_eq!(std::mem::size_of::<Node<f64>>(), 32);
    assert_eq!(std::mem::size_of::<Node<f32>>(), 24);
}

/// Every unary, binary and with-constant kind, with a compiled-call-free side record (a matrix
/// entry) in the middle; each tensor's value against the replayed value of its node, compared
/// as bits (so `-0.0` and NaN payloads count too).
fn replay_matches<T: crate::real::Real>(x0: T, y0: T, bits: impl Fn(T) -> u64) {
    let (x, y) = (
        Variable::new(Value::Scalar(x0)),
        Variable::new(Value::Scalar(y0)),
    );
    let t = GradientTape::<T>::new();
    let (a, b) = (x.read(&t), y.read(&t));
    let m = Tensor::constant(DMatrix::from_element(2, 2, y0));
    t.watch(&m);
    let c = T::from_f64(0.3);
    let mut out = vec![a.clone(), b.clone()];
    let e = (&m * &b).entry(1, 0);
    for u in [
        -&a,
        a.exp(),
        b.ln(),
        a.sin(),
        a.cos(),
        a.tanh(),
        a.sigmoid(),
        (-&a).sigmoid(),
        a.relu(),
        (-&a).relu(),
        a.square(),
        b.sqrt(),
        a.transpose(),
        a.sum(),
        a.mean(),
        &a + &b,
        &a - &b,
        &a * &b,
        &a / &b,
        a.powf(c),
        a.powi(3),
        b.powf(T::zero()),
        &e * &a,
        e.clone(),
    ] {
        out.push(u);
    }
    let mut s = a.clone();
    s += &b;
    s -= &e;
    s *= &a;
    s /= &b;
    out.push(s.clone());
    out.push(Tensor::reassembled(s));
    let g = t.graph();
    let rec = g.record();
    let values = rec.values(rec.nodes.len());
    let mut kinds = std::collections::BTreeSet::new();
    for v in &out {
        let idx = v.at().expect("recorded").idx as usize;
        kinds.insert(format!("{:?}", rec.nodes[idx].kind));
        match (&values[idx], v.value()) {
            (Value::Scalar(r), Value::Scalar(w)) => assert_eq!(bits(*r), bits(*w), "node {idx}"),
            (r, w) => assert_eq!(r, w, "node {idx}"),
        }
    }
    // Every scalar kind and the side table were exercised.
    for k in ["Leaf", "Unary(Exp)", "Binary(Div)", "Const(Pow)", "Side"] {
        assert!(kinds.contains(k), "{k} missing from {kinds:?}");
    }
    assert_eq!(rec.nodes[0].kind, Kind::Leaf);
}

#[test]
fn replayed_values_are_the_recorded_ones() {
    replay_matches(0.7f64, 1.9, f64::to_bits);
    replay_matches(-1.3f64, 0.4, f64::to_bits);
    replay_matches(0.7f32, 1.9, |v| u64::from(v.to_bits()));
}
