//! The `GradientTape` facade: TensorFlow's `tf.GradientTape` and `tf.Variable` for programs that
//! decide at run time what to differentiate, on top of the compiled derivatives.
//!
//! Operations on [`Tensor`]s (arithmetic, elementwise functions, `matmul`, `transpose`,
//! reductions) are recorded while a [`GradientTape`] is active; [`Variable`]s are read into
//! tensors with [`Variable::read`]. A `#[differentiable]` function called with
//! [`GradientTape::call`] is one node holding its compiled gradient. See [`GradientTape`] for the
//! TensorFlow semantics it follows.
//!
//! | TensorFlow | here |
//! |---|---|
//! | `with tf.GradientTape() as t:` | `let t = GradientTape::new();` |
//! | `tf.GradientTape(persistent=True)` | `GradientTape::persistent()` |
//! | `tf.GradientTape(watch_accessed_variables=False)` | `GradientTape::new().watch_accessed_variables(false)` |
//! | a tape inside another's `with` | `outer.nested()` |
//! | `t.watch(x)` | `t.watch(&x)` |
//! | `x = tf.Variable(2.0)`; `x ** 2` | `let x = Variable::new(2.0);` `x.read(&t).powi(2)` |
//! | `t.gradient(z, [x1, x2])` | `t.gradient(&z, [&x1, &x2])` (`[Option<Tensor>; 2]`) |
//! | `t.gradient([z1, z2], x)` | `t.gradient([&z1, &z2], &x)` |
//! | `unconnected_gradients=ZERO` | `t.gradient_with(.., &GradientOptions::new().unconnected_gradients(UnconnectedGradients::Zero))` |
//! | `tf.gradients(y, xs, stop_gradients=[a])` | `GradientOptions::new().stop_gradients([&a])` |
//! | `tf.stop_gradient(x)` | `x.stop_gradient()` |
//! | `t.jacobian(y, x)` | `t.jacobian(&y, &x)` (a `DMatrix`) |
//! | `s += t` on tensors | `s += &t` (also `-=`, `*=`, `/=`, and with a plain number) |
//! | `x.assign_sub(lr * g)` | `x.assign_sub(&g * lr)` |
//! | `opt.apply_gradients(zip(grads, vars))` | `opt.apply_gradients_to(&grads, [&w, &b])` |

mod adjoint;
mod backprop;
mod call;
mod call_matrix;
mod gradient_tape;
mod graph;
mod lin;
mod ops;
mod optimize;
mod plain;
mod pool;
mod pullback;
mod pullback_values;
mod replay;
mod sources;
mod tensor;
mod value;
mod variable;
mod watch_registry;

#[cfg(test)]
mod tests;

pub use backprop::UnconnectedGradients;
pub use call::CallArg;
pub use call_matrix::{ArgKind, MatArg, MatrixVjp1, MatrixVjp2, MatrixVjp3, ScalarArg};
pub use gradient_tape::{GradientOptions, GradientTape, OneShot, Persistent};
pub use optimize::ApplyToVariables;
pub use sources::{Source, SourceKey, Sources, Targets};
pub use tensor::Tensor;
pub use value::Value;
pub use variable::{IntoValue, Variable};
