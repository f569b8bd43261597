//! An optimizer's state: its slot vectors (moments, accumulators) and the shape of the
//! parameters they belong to, live (typed) and saved ([`OptimizerState`], owned and plain).

use core::any::{Any, type_name};
use core::fmt;

use super::error::OptimError;
use crate::params::Parameters;
use crate::real::Real;

/// The float type of parameters and of the state stepped with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl Dtype {
    /// The dtype of `T` (`f32` or `f64`, the two `Real` types).
    #[must_use]
    pub fn of<T: Real>() -> Dtype {
        if type_name::<T>() == "f32" {
            Dtype::F32
        } else {
            Dtype::F64
        }
    }

    /// `"f32"` or `"f64"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The layout of a parameter container as the optimizers see it: the dimensions `(rows,
/// cols)` of the contiguous runs its [`Parameters::visit`] presents, in order
/// ([`Parameters::visit_dims`]).
///
/// A matrix is one run of its own dimensions (a 2×3 and a 3×2 matrix differ), any other run
/// `(len, 1)`: a scalar is `(1, 1)`, and a `Vec<f64>` one run per element. Displayed as `2×3`
/// for a matrix and `len` otherwise, with runs of three or more equal ones folded, e.g.
/// `[1 (×1000)] (1000 values)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shape(pub Vec<(usize, usize)>);

impl Shape {
    /// The shape of `p`.
    #[must_use]
    pub fn of<T, P: Parameters<T> + ?Sized>(p: &P) -> Shape {
        let mut dims = Vec::new();
        p.visit_dims(&mut |r, c| dims.push((r, c)));
        Shape(dims)
    }

    /// The number of values.
    #[must_use]
    pub fn num_values(&self) -> usize {
        self.0.iter().map(|&(r, c)| r * c).sum()
    }

    /// Whether `p` has this shape, without allocating.
    pub(crate) fn matches<T, P: Parameters<T> + ?Sized>(&self, p: &P) -> bool {
        let mut at = 0;
        let mut same = true;
        p.visit_dims(&mut |r, c| {
            same &= self.0.get(at) == Some(&(r, c));
            at += 1;
        });
        same && at == self.0.len()
    }
}

/// One run as displayed: `2×3` for a matrix, `len` otherwise.
fn run_text(&(r, c): &(usize, usize)) -> String {
    if c == 1 {
        r.to_string()
    } else {
        format!("{r}×{c}")
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        let mut i = 0;
        let mut first = true;
        while i < self.0.len() {
            let len = self.0[i];
            let run = self.0[i..].iter().take_while(|&&l| l == len).count();
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            let text = run_text(&len);
            if run >= 3 {
                write!(f, "{text} (×{run})")?;
                i += run;
            } else {
                f.write_str(&text)?;
                i += 1;
            }
        }
        write!(f, "] ({} values)", self.num_values())
    }
}

/// One named slot vector of a saved state (`"m"`, `"v"`, `"velocity"`, ...), in the
/// parameters' flattened visit order, widened to `f64` (exactly: an `f32` state round-trips).
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The slot's name, as Keras names the optimizer variable.
    pub name: String,
    /// One value per parameter.
    pub values: Vec<f64>,
}

/// A snapshot of an optimizer's state, to resume a training run: the iteration count, the shape
/// and float type of the parameters it belongs to, and its named slot vectors.
///
/// Taken with `state()` and given back with `load_state(..)` on an optimizer of the same kind
/// and options. Before the first step `dtype` is `None` and there are no slots.
///
/// ```
/// use autodiff::prelude::*;
/// use autodiff::optim::Adam;
///
/// let grad = |w: &[f64; 2]| [2.0 * (w[0] - 1.0), 2.0 * (w[1] + 3.0)];
/// let (mut a, mut b) = ([0.0f64; 2], [0.0f64; 2]);
///
/// // One uninterrupted run of 20 steps.
/// let mut opt = Adam::new(0.1);
/// for _ in 0..20 {
///     let g = grad(&a);
///     opt.apply_gradients(&mut a, &g);
/// }
///
/// // The same run, interrupted after 8 steps and resumed by a new optimizer.
/// let mut first = Adam::new(0.1);
/// for _ in 0..8 {
///     let g = grad(&b);
///     first.apply_gradients(&mut b, &g);
/// }
/// let saved = first.state();
/// assert_eq!(saved.iterations, 8);
/// assert_eq!(saved.slots[0].name, "momentum");
/// let mut second = Adam::new(0.1);
/// second.load_state(&saved).unwrap();
/// for _ in 0..12 {
///     let g = grad(&b);
///     second.apply_gradients(&mut b, &g);
/// }
/// assert!((a[0] - b[0]).abs() < 1e-15 && (a[1] - b[1]).abs() < 1e-15); // identical runs
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerState {
    /// `"Sgd"`, `"Adam"`, `"AdamW"`, `"RmsProp"` or `"Adagrad"`.
    pub optimizer: String,
    /// Steps applied so far (Keras' `optimizer.iterations`).
    pub iterations: u64,
    /// The parameters' float type; `None` before the first step.
    pub dtype: Option<Dtype>,
    /// The parameters' shape (empty before the first step).
    pub shape: Shape,
    /// The slot vectors, each `shape.num_values()` long.
    pub slots: Vec<Slot>,
}

/// The live state of an optimizer stepped with parameters of type `T`.
#[derive(Clone)]
pub(crate) struct Slots<T> {
    pub(crate) shape: Shape,
    pub(crate) names: &'static [&'static str],
    /// One vector per name, each `shape.num_values()` long.
    pub(crate) data: Vec<Vec<T>>,
    /// Scratch space for the flattened gradient (reused across steps).
    pub(crate) grad: Vec<T>,
}

impl<T: Real> Slots<T> {
    pub(crate) fn new(shape: Shape, names: &'static [&'static str], init: &[f64]) -> Self {
        let n = shape.num_values();
        let data = init.iter().map(|&v| vec![T::from_f64(v); n]).collect();
        Slots {
            shape,
            names,
            data,
            grad: Vec::with_capacity(n),
        }
    }

    fn export(&self) -> (Dtype, Shape, Vec<Slot>) {
        let slots = self
            .names
            .iter()
            .zip(&self.data)
            .map(|(name, values)| Slot {
                name: (*name).to_string(),
                values: values.iter().map(|v| v.to_f64()).collect(),
            })
            .collect();
        (Dtype::of::<T>(), self.shape.clone(), slots)
    }

    fn import(state: &OptimizerState, names: &'static [&'static str]) -> Self {
        Slots {
            shape: state.shape.clone(),
            names,
            data: state
                .slots
                .iter()
                .map(|s| s.values.iter().map(|&v| T::from_f64(v)).collect())
                .collect(),
            grad: Vec::with_capacity(state.shape.num_values()),
        }
    }
}

/// Type-erased live state: a `Slots<f32>` or a `Slots<f64>`.
pub(crate) type AnySlots = Box<dyn Any + Send>;

/// A copy of the live state (a `Slots<f32>` or a `Slots<f64>`).
pub(crate) fn clone_slots(any: &AnySlots) -> AnySlots {
    if let Some(s) = any.downcast_ref::<Slots<f32>>() {
        Box::new(s.clone())
    } else if let Some(s) = any.downcast_ref::<Slots<f64>>() {
        Box::new(s.clone())
    } else {
        unreachable!("optimizer state is always Slots<f32> or Slots<f64>")
    }
}

/// The snapshot of `slots` (which must hold a `Slots<f32>` or `Slots<f64>`).
pub(crate) fn export(optimizer: &str, iterations: u64, slots: Option<&AnySlots>) -> OptimizerState {
    let (dtype, shape, slots) = match slots {
        None => (None, Shape::default(), Vec::new()),
        Some(any) => {
            let (d, sh, sl) = if let Some(s) = any.downcast_ref::<Slots<f32>>() {
                s.export()
            } else if let Some(s) = any.downcast_ref::<Slots<f64>>() {
                s.export()
            } else {
                unreachable!("optimizer state is always Slots<f32> or Slots<f64>")
            };
            (Some(d), sh, sl)
        }
    };
    OptimizerState {
        optimizer: optimizer.to_string(),
        iterations,
        dtype,
        shape,
        slots,
    }
}

/// Checks a snapshot against the optimizer kind and the slots its options need, and rebuilds the
/// live state.
pub(crate) fn import(
    optimizer: &str,
    names: &'static [&'static str],
    state: &OptimizerState,
) -> Result<Option<AnySlots>, OptimError> {
    if state.optimizer != optimizer {
        return Err(OptimError::InvalidState(format!(
            "it was saved from {} and cannot be loaded into {optimizer}",
            state.optimizer
        )));
    }
    let Some(dtype) = state.dtype else {
        if state.slots.is_empty() && state.shape.0.is_empty() {
            return Ok(None);
        }
        return Err(OptimError::InvalidState(
            "it has slots or a shape but no dtype".to_string(),
        ));
    };
    let saved: Vec<&str> = state.slots.iter().map(|s| s.name.as_str()).collect();
    if saved != names {
        return Err(OptimError::Slots {
            state: saved.iter().map(|s| s.to_string()).collect(),
            needed: names.iter().map(|s| s.to_string()).collect(),
        });
    }
    let n = state.shape.num_values();
    if let Some(bad) = state.slots.iter().find(|s| s.values.len() != n) {
        return Err(OptimError::InvalidState(format!(
            "slot `{}` has {} values but the shape {} has {n}",
            bad.name,
            bad.values.len(),
            state.shape
        )));
    }
    Ok(Some(match dtype {
        Dtype::F32 => Box::new(Slots::<f32>::import(state, names)),
        Dtype::F64 => Box::new(Slots::<f64>::import(state, names)),
    }))
}

#[cfg(test)]
mod tests {
    use super::{Dtype, Shape};
    use nalgebra::DMatrix;

    #[test]
    fn shapes_fold_runs_and_count_values() {
        assert_eq!(Shape(vec![(6, 1), (2, 1)]).to_string(), "[6, 2] (8 values)");
        assert_eq!(
            Shape(vec![(4, 1), (1, 1), (1, 1), (1, 1), (3, 1)]).to_string(),
            "[4, 1 (×3), 3] (10 values)"
        );
        assert_eq!(
            Shape(vec![(2, 3), (2, 3), (2, 3), (1, 4)]).to_string(),
            "[2×3 (×3), 1×4] (22 values)"
        );
        assert_eq!(Shape::default().to_string(), "[] (0 values)");
        let p = (DMatrix::<f64>::zeros(2, 3), vec![0.0f64; 2]);
        let s = Shape::of(&p);
        assert_eq!(s, Shape(vec![(2, 3), (1, 1), (1, 1)]));
        assert!(s.matches(&p));
        assert!(!s.matches(&(DMatrix::<f64>::zeros(2, 3), vec![0.0f64; 3])));
        assert!(!s.matches(&(DMatrix::<f64>::zeros(2, 3), vec![0.0f64; 1])));
        // the same lengths laid out otherwise
        assert!(!s.matches(&(DMatrix::<f64>::zeros(3, 2), vec![0.0f64; 2])));
        assert!(!s.matches(&(DMatrix::<f64>::zeros(6, 1), vec![0.0f64; 2])));
        assert!(!s.matches(&(vec![0.0f64; 6], DMatrix::<f64>::zeros(1, 2))));
    }

    #[test]
    fn dtypes_are_named() {
        assert_eq!(Dtype::of::<f32>(), Dtype::F32);
        assert_eq!(Dtype::of::<f64>().to_string(), "f64");
    }
}
