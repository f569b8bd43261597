//! Tape families and the tensors that outlive them: a tensor addresses its family's graph by
//! reference and generation (no count), graphs are reused by later families, and a tensor of an
//! ended family is a plain value, never read as a node of the family that reuses its graph.

use super::super::graph::GraphRef;
use super::super::pool;
use super::super::{GradientTape, Tensor, Variable};

#[test]
fn a_scalar_tensor_is_four_words() {
    // A value (tag and float or matrix pointer) and a place (graph reference, generation and
    // node index, or a constant's identity).
    assert_eq!(std::mem::size_of::<Tensor<f64>>(), 32);
}

/// `y = x²` recorded on a tape that is then dropped, and the tape's graph.
fn ended(x: f64) -> (Tensor<f64>, GraphRef<f64>) {
    let v = Variable::new(x);
    let t = GradientTape::new();
    let y = v.read(&t).powi(2);
    (y, *t.graph())
}

#[test]
fn a_tensor_of_an_ended_family_is_a_plain_value_on_a_reused_graph() {
    let (y, old) = ended(3.0);
    assert!(!old.is_live());
    // The next family takes the same graph (the thread's most recently freed one).
    let x = Variable::new(0.5f64);
    let t = GradientTape::new();
    assert!(std::ptr::eq(t.graph().graph, old.graph) && *t.graph() != old);
    let xt = x.read(&t);
    let z = &xt * &xt;
    // `y` is still node 1 of the old generation; node 1 of the new one is `z`. Operations on
    // `y` alone are plain (not recorded) and use `y`'s own value, 9.
    let w = y.exp();
    assert!(!w.is_recorded());
    assert!((w.scalar() - 9f64.exp()).abs() < 1e-9);
    assert!(format!("{y:?}").contains("ended"));
    // The new family is untouched: d(x²)/dx = 2x = 1.
    assert!((t.gradient(&z, &x).unwrap().scalar() - 1.0).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "unrelated tape (ended: all the tapes of its family were dropped")]
fn a_tensor_of_an_ended_family_does_not_mix_with_a_recording_one() {
    let (y, _) = ended(3.0);
    let x = Variable::new(0.5f64);
    let t = GradientTape::new();
    let _ = &x.read(&t) * &y;
}

#[test]
#[should_panic(expected = "not on this tape")]
fn a_tensor_of_an_ended_family_is_not_a_source_of_another() {
    let (y, _) = ended(3.0);
    let x = Variable::new(0.5f64);
    let t = GradientTape::new();
    let z = x.read(&t).sin();
    let _ = t.gradient(&z, &y);
}

#[test]
#[should_panic(expected = "not on this tape")]
fn a_tensor_of_an_ended_family_cannot_be_watched() {
    let (y, _) = ended(3.0);
    let t = GradientTape::<f64>::new();
    t.watch(&y);
}

#[test]
fn a_family_lives_while_any_of_its_tapes_does() {
    // The outer tape is dropped first; the inner one keeps the family (and its recording).
    let x = Variable::new(2.0f64);
    let (inner, y) = {
        let outer = GradientTape::persistent();
        let inner = outer.nested();
        let y = x.read(&inner).powi(3);
        (inner, y)
    };
    assert!(y.is_recorded());
    let z = &y * 2.0;
    // d(2x³)/dx = 6x² = 24.
    assert!((inner.gradient(&z, &x).unwrap().scalar() - 24.0).abs() < 1e-12);
}

#[test]
fn a_graph_whose_generations_are_used_up_is_retired() {
    let g = pool::take::<f64>();
    g.set_generation_for_test(u32::MAX);
    pool::give(g, true);
    let (y, old) = ended(3.0);
    assert!(std::ptr::eq(old.graph, g) && old.generation == u32::MAX);
    assert!(!old.is_live());
    // Never handed out again, so no later family can have `y`'s generation.
    let t = GradientTape::<f64>::new();
    assert!(!std::ptr::eq(t.graph().graph, g));
    assert!((y.exp().scalar() - 9f64.exp()).abs() < 1e-9);
}

/// Compiles only for a type that is not `Send`: with `Send`, both impls apply and the call below
/// is ambiguous.
trait AmbiguousIfSend<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

#[test]
fn tensors_and_tapes_stay_on_their_thread() {
    // A tensor addresses its graph through a reference into its thread's graphs: moving it to
    // another thread must not compile (its graph reference and shared matrix are not `Send`).
    <Tensor<f64> as AmbiguousIfSend<_>>::check();
    <GradientTape<f64> as AmbiguousIfSend<_>>::check();
    <Variable<f64> as AmbiguousIfSend<_>>::check();
}
