//! `GradientTape`: records operations while it is active and differentiates them afterwards
//! (TensorFlow's `tf.GradientTape`).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

use nalgebra::DMatrix;

use super::backprop::{Seeded, UnconnectedGradients, View, Watched, backprop};
use super::graph::{GraphRef, fresh_id};
use super::sources::{Key, Source, SourceKey, Sources, Targets};
use super::tensor::Tensor;
use super::value::Value;
use super::watch_registry;
use crate::real::Real;

/// The mode of a tape whose `gradient` can be called once: it consumes the tape, so a second
/// call does not compile (TensorFlow raises a `RuntimeError` at run time).
#[derive(Debug)]
pub struct OneShot;

/// The mode of a tape whose `gradient` and `jacobian` can be called any number of times
/// (`persistent=True`).
#[derive(Debug)]
pub struct Persistent;

/// Options of [`gradient_with`](GradientTape::gradient_with): TensorFlow's
/// `unconnected_gradients=` and the `stop_gradients=` of `tf.gradients`.
#[derive(Clone, Debug)]
pub struct GradientOptions<T: Real> {
    unconnected: UnconnectedGradients,
    stop: Vec<Tensor<T>>,
}

impl<T: Real> Default for GradientOptions<T> {
    fn default() -> Self {
        GradientOptions {
            unconnected: UnconnectedGradients::None,
            stop: Vec::new(),
        }
    }
}

impl<T: Real> GradientOptions<T> {
    /// `None` for unconnected sources, nothing held constant.
    pub fn new() -> Self {
        Self::default()
    }

    /// What an unconnected source gets: `None` (the default) or zeros of its shape
    /// (`UnconnectedGradients.ZERO`).
    pub fn unconnected_gradients(mut self, u: UnconnectedGradients) -> Self {
        self.unconnected = u;
        self
    }

    /// Holds these recorded tensors constant: the result is the partial derivative with them
    /// fixed, as `tf.gradients(ys, xs, stop_gradients=[..])`. Gradients with respect to them are
    /// still reported.
    pub fn stop_gradients<'a>(mut self, at: impl IntoIterator<Item = &'a Tensor<T>>) -> Self {
        self.stop.extend(at.into_iter().cloned());
        self
    }
}

/// Records operations on [`Tensor`]s and [`Variable`](super::Variable) reads while it is active,
/// then differentiates them (TensorFlow's `tf.GradientTape`).
///
/// A tape records from its creation until [`gradient`](GradientTape::gradient) consumes it (a
/// one-shot tape, [`GradientTape::new`]), or until [`stop_recording`](GradientTape::stop_recording)
/// or its drop (the end of Python's `with` block). What TensorFlow does, this does:
///
/// - trainable variables read under the tape are watched; tensors only after
///   [`watch`](GradientTape::watch); [`watch_accessed_variables(false)`](GradientTape::watch_accessed_variables)
///   watches nothing by itself;
/// - several targets are summed; a non-scalar target is differentiated as the sum of its
///   entries; gradients may be taken with respect to intermediate tensors;
/// - a source the target does not depend on gets `None` (or zeros, see [`GradientOptions`]),
///   decided by the recorded dependences;
/// - a tape created with [`nested`](GradientTape::nested) inside another records into the same
///   graph, and the outer tape records the inner one's gradient computation: second derivatives,
///   with `None` exactly where the inner gradient does not depend on a source.
///
/// Where TensorFlow checks at run time, the types check at compile time: a one-shot tape's
/// `gradient` takes `self`. Using a tensor of one tape family with another panics with a message
/// naming both.
///
/// ```
/// use autodiff::prelude::*;
///
/// let (x1, x2) = (Variable::new(2.0f64), Variable::new(3.0f64));
/// let tape = GradientTape::persistent();
/// let z = x1.read(&tape).powi(2) + x2.read(&tape).powi(3);
/// let dz_dx1 = tape.gradient(&z, &x1).unwrap();
/// let dz_dx2 = tape.gradient(&z, &x2).unwrap();
/// assert!((dz_dx1.scalar() - 4.0).abs() < 1e-12); // 2·x1
/// assert!((dz_dx2.scalar() - 27.0).abs() < 1e-12); // 3·x2²
/// ```
pub struct GradientTape<T: Real, M = OneShot> {
    graph: GraphRef<T>,
    start: usize,
    end: Cell<Option<usize>>,
    watch_accessed: bool,
    watched: RefCell<Vec<(Watched, usize)>>,
    /// This tape's identity in the registry of watched constants.
    token: u64,
    _mode: PhantomData<M>,
}

impl<T: Real, M> std::fmt::Debug for GradientTape<T, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GradientTape")
            .field("id", &self.graph.id())
            .field("start", &self.start)
            .field("end", &self.end.get())
            .field("watch_accessed_variables", &self.watch_accessed)
            .finish()
    }
}

impl<T: Real, M> GradientTape<T, M> {
    fn in_graph(graph: GraphRef<T>) -> Self {
        graph.add_tape();
        let start = graph.len();
        GradientTape {
            graph,
            start,
            end: Cell::new(None),
            watch_accessed: true,
            watched: RefCell::new(Vec::new()),
            token: fresh_id(),
            _mode: PhantomData,
        }
    }

    /// `watch_accessed_variables=`: with `false` the tape watches only what
    /// [`watch`](GradientTape::watch) names. Set it before the tape reads anything.
    pub fn watch_accessed_variables(mut self, watch: bool) -> Self {
        self.watch_accessed = watch;
        self
    }

    /// A one-shot tape nested in this one: it records into the same graph, so this tape can
    /// differentiate what the inner tape's gradient computes (second derivatives).
    pub fn nested(&self) -> GradientTape<T, OneShot> {
        GradientTape::in_graph(self.graph)
    }

    /// A persistent tape nested in this one (see [`nested`](GradientTape::nested)).
    pub fn nested_persistent(&self) -> GradientTape<T, Persistent> {
        GradientTape::in_graph(self.graph)
    }

    /// Differentiates with respect to `source` from now on: a [`Tensor`] (a constant or a
    /// recorded value) or a [`Variable`](super::Variable) (also a non-trainable one).
    ///
    /// A watched constant is recorded by this tape's family whenever it is used while the tape
    /// records, as in TensorFlow; uses before the `watch` are not. One constant watched by two
    /// unrelated tapes recording at the same time is recorded by the one that watched it first
    /// (TensorFlow records it on both); nest the tapes with [`nested`](GradientTape::nested)
    /// instead.
    ///
    /// # Panics
    /// If `source` is a tensor recorded by an unrelated tape.
    pub fn watch(&self, source: &impl Source<T>) {
        let SourceKey { key, .. } = source.source_key();
        let w = match key {
            Key::Node(g, idx) => {
                assert!(
                    g == self.graph,
                    "watch: the tensor was recorded on tape {}, not on this tape ({})",
                    g.label(),
                    self.graph.label()
                );
                Watched::Node(idx)
            }
            Key::Const(k) => {
                if self.is_recording() {
                    watch_registry::add(k, self.token, &self.graph);
                }
                Watched::Const(k)
            }
            Key::Var(id) => Watched::Var(id),
        };
        self.watched.borrow_mut().push((w, self.graph.len()));
    }

    /// Ends recording (the end of Python's `with` block); later operations are not recorded by
    /// this tape. Calling it again does nothing.
    pub fn stop_recording(&self) {
        if self.end.get().is_none() {
            self.end.set(Some(self.graph.len()));
            self.graph.stop_one();
            watch_registry::remove_tape(self.token);
        }
    }

    /// `true` until [`stop_recording`](GradientTape::stop_recording) or a one-shot `gradient`.
    pub fn is_recording(&self) -> bool {
        self.end.get().is_none()
    }

    pub(crate) fn graph(&self) -> &GraphRef<T> {
        &self.graph
    }

    fn compute<S: Sources<T>>(
        &self,
        seeded: &[Seeded<T>],
        sources: &S,
        options: &GradientOptions<T>,
    ) -> S::Output {
        // The keys' buffer is kept with the arena; taken out, so a nested call finds it empty.
        let mut keys = std::mem::take(&mut self.graph.scratch.borrow_mut().keys);
        sources.keys(&mut keys);
        let grads = self.with_view(|view| {
            backprop(
                &self.graph,
                view,
                seeded,
                &keys,
                &options.stop,
                options.unconnected,
            )
        });
        keys.clear();
        self.graph.scratch.borrow_mut().keys = keys;
        S::build(&mut grads.into_iter())
    }

    /// `true` if `gradient` with these sources and default options takes the lean pass.
    #[cfg(test)]
    pub(crate) fn takes_plain_path(&self, sources: &impl Sources<T>) -> bool {
        let mut keys = Vec::new();
        sources.keys(&mut keys);
        self.with_view(|view| super::plain::applies(&self.graph, view, &keys, &[]))
    }

    /// `f` of this tape's view of the graph: what it recorded and what it watches (a copy of
    /// the watch list, so `f` may record and watch).
    fn with_view<R>(&self, f: impl FnOnce(&View<'_>) -> R) -> R {
        let watched = self.watched.borrow().clone();
        f(&View {
            start: self.start,
            end: self.end.get(),
            watch_accessed: self.watch_accessed,
            watched: &watched,
        })
    }

    fn gradient_impl<S: Sources<T>>(
        &self,
        targets: impl Targets<T>,
        sources: S,
        options: &GradientOptions<T>,
    ) -> S::Output {
        let seeded: smallvec::SmallVec<[Seeded<T>; 2]> = targets
            .targets()
            .into_iter()
            .map(|target| Seeded { target, seed: None })
            .collect();
        self.compute(&seeded, &sources, options)
    }

    fn jacobian_impl(&self, target: &Tensor<T>, source: &impl Source<T>) -> Option<DMatrix<T>> {
        let (rows, cols) = target.shape();
        let src = source.source_key().value;
        let (sr, sc) = src.shape();
        let mut jac = DMatrix::from_element(rows * cols, sr * sc, T::zero());
        let mut any = false;
        for i in 0..rows {
            for j in 0..cols {
                let seed = if target.value.is_scalar() {
                    Value::Scalar(T::one())
                } else {
                    let mut m = DMatrix::from_element(rows, cols, T::zero());
                    m[(i, j)] = T::one();
                    Value::matrix(m)
                };
                let seeded = [Seeded {
                    target: target.clone(),
                    seed: Some(seed),
                }];
                if let Some(g) = self.compute(&seeded, &source, &GradientOptions::default()) {
                    any = true;
                    let gm = g.to_matrix();
                    for a in 0..sr {
                        for b in 0..sc {
                            jac[(i * cols + j, a * sc + b)] = gm[(a, b)];
                        }
                    }
                }
            }
        }
        any.then_some(jac)
    }
}

impl<T: Real> GradientTape<T, OneShot> {
    /// A one-shot tape, recording from now on (`with tf.GradientTape() as tape:`).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        GradientTape::in_graph(GraphRef::open())
    }

    /// The gradient of `targets` (summed) with respect to `sources`; consumes the tape.
    ///
    /// `sources` is `&x`, `[&x1, &x2]`, `vec![..]` or a tuple; the answer has the same shape,
    /// with `None` where the targets do not depend on a source on this tape.
    ///
    /// # Panics
    /// If a target or source was recorded by an unrelated tape.
    pub fn gradient<S: Sources<T>>(self, targets: impl Targets<T>, sources: S) -> S::Output {
        self.stop_recording();
        self.gradient_impl(targets, sources, &GradientOptions::default())
    }

    /// [`gradient`](GradientTape::gradient) with [`GradientOptions`].
    pub fn gradient_with<S: Sources<T>>(
        self,
        targets: impl Targets<T>,
        sources: S,
        options: &GradientOptions<T>,
    ) -> S::Output {
        self.stop_recording();
        self.gradient_impl(targets, sources, options)
    }

    /// The Jacobian of every entry of `target` with respect to `source`: row `k` is the gradient
    /// of the `k`-th entry of `target` (row-major, like numpy's `reshape(-1)`), flattened
    /// row-major; for a vector target `n × 1` and a vector source `m × 1` it is `n × m`.
    /// `None` if no entry depends on `source`. Consumes the tape.
    pub fn jacobian(self, target: &Tensor<T>, source: &impl Source<T>) -> Option<DMatrix<T>> {
        self.stop_recording();
        self.jacobian_impl(target, source)
    }
}

impl<T: Real> GradientTape<T, Persistent> {
    /// A persistent tape, recording from now on (`persistent=True`): `gradient` and `jacobian`
    /// may be called any number of times.
    pub fn persistent() -> Self {
        GradientTape::in_graph(GraphRef::open())
    }

    /// The gradient of `targets` (summed) with respect to `sources` (see
    /// [`GradientTape::<T, OneShot>::gradient`](GradientTape::gradient)). While the tape still
    /// records, the computation is recorded too (differentiable again).
    pub fn gradient<S: Sources<T>>(&self, targets: impl Targets<T>, sources: S) -> S::Output {
        self.gradient_impl(targets, sources, &GradientOptions::default())
    }

    /// [`gradient`](GradientTape::gradient) with [`GradientOptions`].
    pub fn gradient_with<S: Sources<T>>(
        &self,
        targets: impl Targets<T>,
        sources: S,
        options: &GradientOptions<T>,
    ) -> S::Output {
        self.gradient_impl(targets, sources, options)
    }

    /// The Jacobian of `target` with respect to `source` (see the one-shot
    /// [`jacobian`](GradientTape::jacobian)).
    pub fn jacobian(&self, target: &Tensor<T>, source: &impl Source<T>) -> Option<DMatrix<T>> {
        self.jacobian_impl(target, source)
    }
}

impl<T: Real, M> Drop for GradientTape<T, M> {
    fn drop(&mut self) {
        self.stop_recording();
        // The family's last tape ends it: its tensors become plain values.
        self.graph.drop_tape();
    }
}
