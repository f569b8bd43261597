//! # autodiff
//!
//! Exact gradients of ordinary Rust functions, generated at compile time.
//!
//! Annotate a function with [`#[differentiable]`](macro@differentiable) and the macro writes its
//! derivative code beside it: `NAME_grad` (value and gradient), `NAME_vjp` (value and pullback)
//! and `NAME_jvp` (forward mode). Control flow is ordinary Rust: `if`, `match`, `while` with a
//! data-dependent trip count, `for`, `loop`/`break`/`continue`, early `return`, calls between
//! differentiable functions and recursion. There is no run-time tape: the reverse sweep is code
//! the compiler optimises like hand-written derivative code.
//!
//! ```
//! use autodiff::prelude::*;
//!
//! // The control-flow example of the TensorFlow tutorial: a data-dependent `while`.
//! #[differentiable]
//! fn f(a: f32) -> f32 {
//!     let mut b = a * 2.0;
//!     while b.abs() < 1000.0 {
//!         b = b * 2.0;
//!     }
//!     if b > 0.0 { b } else { 100.0 * b }
//! }
//!
//! let (c, dc_da) = f_grad(0.48800924);
//! assert!((c - 1998.8859).abs() < 1e-3);
//! assert!((dc_da - 4096.0).abs() < 1e-3); // c = 4096·a on this branch
//! ```
//!
//! For people coming from TensorFlow: `with tf.GradientTape() as t: z = f(x)` followed by
//! `t.gradient(z, x)` is `let (z, dz_dx) = f_grad(x);`. A persistent tape is a pullback you call
//! more than once (`let (z, pb) = f_vjp(x); pb(1.0); pb(2.0);`), `tape.watch` and
//! `watch_accessed_variables` are [`#[differentiable(wrt(..))]`](macro@differentiable) and
//! `#[no_grad]`, and `tf.stop_gradient` is [`stop_gradient`].
//!
//! ## Conventions at non-differentiable points
//!
//! TensorFlow's choices where TensorFlow defines one; each is tested in the runtime's rules.
//!
//! | expression | derivative used | note |
//! |---|---|---|
//! | `x.abs()` at `x = 0` | `0` | as `tf.abs` |
//! | `a.max(b)`, `a.min(b)` when `a == b` | all to `a` (the receiver) | ties go to the first argument |
//! | `x.clamp(lo, hi)` | `1` for `lo <= x <= hi` (bounds included), else the gradient goes to the bound | as `tf.clip_by_value` |
//! | `x.sqrt()` at `x = 0` | `+inf` | as `tf.sqrt` |
//! | `x.ln()` at `x = 0` | `+inf` (`1/0`) | as `tf.math.log` |
//! | `x.powf(p)` at `p = 0` | `0` for `x`, also at `x = 0` | |
//! | `x.powf(p)` for `x <= 0` | `0` for `p` | as `tf.pow` |
//! | `x.powi(0)` | `0`, also at `x = 0` | |
//! | `x.hypot(y)` at the origin | `0` for both | |
//! | `signum`, `floor`, `ceil`, `round`, `trunc` | `0` everywhere | piecewise constant |
//! | comparisons, `as` casts to integers, `len()` | no derivative | not differentiable values |
//! | `stop_gradient(e)` | `0` | `tf.stop_gradient` |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Code that `#[differentiable]` generates names `::autodiff::..`; this lets `nn` use the macro.
extern crate self as autodiff;

pub mod nn;

/// Generates gradient code for a function.
///
/// For `#[differentiable] fn NAME(params) -> Out` the macro keeps `NAME` as written and emits,
/// with the same visibility:
///
/// | item | signature | meaning |
/// |---|---|---|
/// | `NAME_grad` | `(params) -> (Out, G)` | value and gradient; `Out` must be `f32`, `f64` or a `T: Real` (otherwise the call does not compile and the error says to use `NAME_vjp`) |
/// | `NAME_vjp` | `(params) -> (Out, impl Fn(Out) -> G)` | value and pullback; the pullback takes the output cotangent and can be called any number of times |
/// | `NAME_jvp` | `(params, t1, .., tk) -> (Out, Out)` | forward mode: one tangent per differentiated parameter; value and directional derivative |
///
/// `G` is the gradient of the single differentiated parameter, or a tuple of them in parameter
/// order. The gradient of `f32`/`f64`/`T: Real` is the same type; of `&[T]` or `Vec<T>`, `Vec<T>`;
/// of `[T; N]`, `[T; N]`; of `&S` where `S: Differentiable`, `S`.
///
/// # Which parameters are differentiated
///
/// Every parameter except integers, `bool`, `char`, strings and references, slices, arrays and
/// `Vec`s of those. Mark a parameter `#[no_grad]` to leave it alone, or list the ones you want:
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable(wrt(w))]
/// fn loss(w: f64, x: &[f64], y: &[f64]) -> f64 {
///     let mut s = 0.0;
///     for (xi, yi) in x.iter().zip(y.iter()) {
///         let e = w * xi - yi;
///         s += e * e;
///     }
///     s / x.len() as f64
/// }
///
/// let (l, dl_dw) = loss_grad(2.0, &[1.0, 2.0], &[1.0, 3.0]);
/// assert!((l - 1.0).abs() < 1e-12 && (dl_dw - 3.0).abs() < 1e-12); // errors [1, 1]
/// ```
///
/// # Pullbacks, tuples and forward mode
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable]
/// fn two(x: f64) -> (f64, f64) {
///     (3.0 * x, x.powi(2))
/// }
///
/// // The sum of both outputs' gradients, like `tape.gradient([z1, z2], x)`: 3 + 2·5 = 13.
/// let (_, pullback) = two_vjp(5.0);
/// assert!((pullback((1.0, 1.0)) - 13.0).abs() < 1e-12);
///
/// #[differentiable]
/// fn norm2(v: &[f64]) -> f64 {
///     v.iter().sum::<f64>() + v[0] * v[1]
/// }
/// let (_, dir) = norm2_jvp(&[1.0, 2.0], vec![1.0, 0.0]);
/// assert!((dir - 3.0).abs() < 1e-12); // ∂/∂v0 = 1 + v1
/// ```
///
/// # Calls, methods and recursion
///
/// A `#[differentiable]` function may call others (also through module paths and as methods).
/// A call whose arguments are all constants needs no derivative; a call with a differentiable
/// argument to a function without one does not compile, and the error is on the call: mark the
/// callee `#[differentiable]`, give it a [`custom_derivative`](macro@custom_derivative), or wrap
/// the call in [`stop_gradient`].
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable]
/// fn pow_rec(x: f64, n: u32) -> f64 {
///     if n == 0 { 1.0 } else { x * pow_rec(x, n - 1) }
/// }
///
/// let (v, d) = pow_rec_grad(2.0, 5);
/// assert!((v - 32.0).abs() < 1e-12 && (d - 80.0).abs() < 1e-12);
/// ```
///
/// Options: `wrt(a, b)` (differentiate these parameters only) and `boxed` (box the pullback of
/// the function's hidden companion, needed for mutual recursion; direct recursion is detected).
///
/// # What it expands to
///
/// Before:
///
/// ```
/// # use autodiff::prelude::*;
/// #[differentiable]
/// fn f(a: f64) -> f64 {
///     let mut b = a * 2.0;
///     while b.abs() < 1000.0 {
///         b = b * 2.0;
///     }
///     if b > 0.0 { b } else { 100.0 * b }
/// }
/// # assert!((f_grad(0.3).1 - 4096.0).abs() < 1e-9);
/// ```
///
/// After (`f_vjp`, as `cargo expand` shows it, lightly tidied): the forward sweep is the
/// function itself plus a control tape; `b = b * 2.0` needs no old `b`, so the loop records
/// its trip count only. The reverse sweep replays the records backwards.
///
/// ```text
/// fn f_vjp(a: f64) -> (f64, impl Fn(f64) -> f64) {
///     let __keep_a = a;
///     let mut __ctl: Tape<usize> = tape();            // control records (8 inline, then heap)
///     let mut __ret;
///     '__body: {
///         let mut b = a * (2.0);
///         let mut __trips0 = 0usize;
///         '__loop0: loop {
///             __trips0 += 1;
///             if !(b.abs() < 1000.0) {
///                 __ctl.push(0);                       // left the body at statement 0
///                 __ctl.push(__trips0);                // the loop's trip count
///                 break '__loop0;
///             }
///             { b = b * (2.0); }
///         }
///         let __t1;
///         if b > 0.0 { __t1 = b; __ctl.push(0); } else { __t1 = (100.0) * b; __ctl.push(1); }
///         __ret = __t1;
///     }
///     (__ret, move |__cot: f64| {
///         let mut __cc = __ctl.len();
///         let (mut __d_a, mut __d_b, mut __d_t1) = (None, None, None);
///         __d_t1 = Some(__cot);                          // return __t1
///         match pop(&__ctl, &mut __cc) {                 // which arm ran
///             0 => if let Some(g) = __d_t1.take() { acc(&mut __d_b, g) },
///             1 => if let Some(g) = __d_t1.take() { acc(&mut __d_b, (100.0) * g) },
///             _ => {}
///         }
///         let __trips = pop(&__ctl, &mut __cc);
///         for __it0 in 0..__trips {
///             let __k1 = if __it0 == 0 { pop(&__ctl, &mut __cc) } else { 2 };
///             if __k1 > 1 {                              // b = b * 2  =>  db = 2·db
///                 if let Some(g) = __d_b.take() { acc(&mut __d_b, g * (2.0)) }
///             }
///         }
///         if let Some(g) = __d_b.take() { acc(&mut __d_a, g * (2.0)) }   // b = a * 2
///         finish_grad(&__keep_a, __d_a)
///     })
/// }
/// ```
///
/// Adjoints are `Option`s where `None` is an exact zero, so nothing is computed for values the
/// output does not depend on. Values a rule reads later (an operand of `b * b`, a `sin`'s input)
/// are saved where they are used: a local when that point runs once, a tape inside loops (a
/// `let` value once per definition, not once per use); cheap values such as `x[i]` of a borrowed
/// parameter are recomputed in the reverse sweep instead of saved.
///
/// # Second order
///
/// `#[differentiable(order = 2)]` also emits `NAME_hvp(params, v1, .., vk) -> (Out, G, G)` (value,
/// gradient, Hessian-vector product) and `NAME_hessian(params) -> (Out, G, DMatrix<S>)` (the dense
/// Hessian over the differentiated parameters flattened in `Parameters` order), for a scalar
/// output. Both are exact: the reverse sweep runs at dual numbers (forward over reverse, what
/// nested `tf.GradientTape`s compute). Every function such a function calls with a
/// differentiable argument must be `order = 2` too (or a `#[custom_derivative]` with an `hvp = ..`
/// rule of `NAME_hvp`'s signature). Parameters may be scalars, slices, `Vec`s,
/// arrays, nalgebra matrices (`DMatrix`, `DVector`, `RowDVector`, `SMatrix`, `SVector`, flattened
/// column-major) and `#[derive(Differentiable)]` structs generic over one `T: Real` (matrix fields
/// included); the body may use the matrix methods, constructors and `ops` that first order does.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[differentiable(order = 2)]
/// fn f(x: f64, y: f64) -> f64 {
///     x * x * y + y.sin()
/// }
///
/// // H = [[2y, 2x], [2x, -sin y]]
/// let (_, (gx, gy), h) = f_hessian(1.0, 2.0);
/// assert!((gx - 4.0).abs() < 1e-12 && (gy - (1.0 + 2.0f64.cos())).abs() < 1e-12);
/// assert!((h[(0, 0)] - 4.0).abs() < 1e-12 && (h[(0, 1)] - 2.0).abs() < 1e-12);
/// assert!((h[(1, 1)] + 2.0f64.sin()).abs() < 1e-12);
/// // H·v for v = (1, 0) is the first column.
/// let (_, _, (hx, hy)) = f_hvp(1.0, 2.0, 1.0, 0.0);
/// assert!((hx - 4.0).abs() < 1e-12 && (hy - 2.0).abs() < 1e-12);
/// ```
///
/// # Inside the function
///
/// Supported: `let` (tuple patterns, type annotations, shadowing, `mut`), assignment and every
/// compound assignment, arithmetic, comparisons and boolean logic, `as` casts, literals and
/// consts, blocks, `if`/`else` and `match` (on non-differentiable values) as statements and
/// expressions, `while`, `while let`, `loop` with `break value`, `for` over integer ranges and
/// over the elements of slices, arrays and `Vec`s (`for &x in v`, `v.iter()`, `.enumerate()`,
/// `.zip(w.iter())`), `.iter().sum()`, labelled `break`/`continue`, early `return`, tuples,
/// arrays, local `Vec`s with `push` and element writes, the `f32`/`f64` methods `sin cos tan asin
/// acos atan atan2 sinh cosh tanh exp exp2 exp_m1 ln log log2 log10 ln_1p sqrt cbrt powi powf
/// recip abs signum max min hypot mul_add clamp`, and macros like `println!` and `assert!` (they
/// run in the forward sweep only).
///
/// Refused with a compile error that says what to write instead: closures, `unsafe`, `async`,
/// `?`, `&mut` parameters and `&mut self`, loops over other iterators of differentiable values,
/// range indexing, field assignment, struct literals, `let`-`else`,
/// labelled blocks.
pub use autodiff_macros::differentiable;

/// Gives a function hand-written derivative rules.
///
/// `#[custom_derivative(vjp = my_vjp, jvp = my_jvp)]` on `fn NAME(params) -> Out` emits every
/// item `#[differentiable]` would (`NAME_grad`, `NAME_vjp`, `NAME_jvp`, and the companions other
/// differentiable functions call), built on your rules, so callers cannot tell the difference.
/// The rules have exactly the signatures of the generated `NAME_vjp` and `NAME_jvp`, for the
/// parameters `#[differentiable]` would differentiate by default:
///
/// - `fn my_vjp(params) -> (Out, impl Fn(Out) -> G)`
/// - `fn my_jvp(params, t1, .., tk) -> (Out, Out)`
///
/// The compiler checks both. Use it where the naive derivative is numerically unstable:
///
/// ```
/// use autodiff::prelude::*;
///
/// /// `ln(1 + e^x)`; the naive derivative `e^x / (1 + e^x)` is `inf/inf = NaN` for large `x`.
/// #[custom_derivative(vjp = softplus_rule, jvp = softplus_tangent)]
/// fn softplus(x: f64) -> f64 {
///     if x > 30.0 { x } else { x.exp().ln_1p() }
/// }
///
/// fn sigmoid(x: f64) -> f64 {
///     if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { let e = x.exp(); e / (1.0 + e) }
/// }
/// fn softplus_rule(x: f64) -> (f64, impl Fn(f64) -> f64) {
///     (softplus(x), move |g| g * sigmoid(x))
/// }
/// fn softplus_tangent(x: f64, dx: f64) -> (f64, f64) {
///     (softplus(x), dx * sigmoid(x))
/// }
///
/// #[differentiable]
/// fn loss(x: f64) -> f64 {
///     2.0 * softplus(x)
/// }
///
/// let (_, d) = loss_grad(1000.0);
/// assert!((d - 2.0).abs() < 1e-12);
/// ```
///
/// Second order: an optional `hvp = my_hvp` rule with `NAME_hvp`'s signature,
/// `fn my_hvp(params, v1, .., vk) -> (Out, G, G)` (value, gradient, Hessian-vector product),
/// gives the function `NAME_hvp` and `NAME_hessian` and lets `#[differentiable(order = 2)]`
/// functions call it.
///
/// ```
/// use autodiff::prelude::*;
///
/// /// `x⁴` with its rules: 4x³ and (12x²)·v.
/// #[custom_derivative(vjp = quartic_pullback, jvp = quartic_tangent, hvp = quartic_second)]
/// fn quartic(x: f64) -> f64 {
///     x.powi(4)
/// }
/// fn quartic_pullback(x: f64) -> (f64, impl Fn(f64) -> f64) {
///     (quartic(x), move |g| g * 4.0 * x.powi(3))
/// }
/// fn quartic_tangent(x: f64, dx: f64) -> (f64, f64) {
///     (quartic(x), dx * 4.0 * x.powi(3))
/// }
/// fn quartic_second(x: f64, v: f64) -> (f64, f64, f64) {
///     (quartic(x), 4.0 * x.powi(3), 12.0 * x * x * v)
/// }
///
/// #[differentiable(order = 2)]
/// fn scaled(x: f64, a: f64) -> f64 {
///     a * quartic(x)
/// }
///
/// // ∂²/∂x² = 12a·x², ∂²/∂x∂a = 4x³, ∂²/∂a² = 0 at x = 2, a = 3.
/// let (_, _, h) = scaled_hessian(2.0, 3.0);
/// assert!((h[(0, 0)] - 144.0).abs() < 1e-12 && (h[(0, 1)] - 32.0).abs() < 1e-12);
/// assert!(h[(1, 1)].abs() < 1e-12);
/// ```
pub use autodiff_macros::custom_derivative;

/// Makes a struct of differentiable fields a parameter container (the derive macro; the trait of
/// the same name is [`trait@Differentiable`]).
///
/// On a struct with named fields it implements `Differentiable` with `Adjoint = Grad = Tangent =`
/// the struct itself, so the gradient of a `&S` or `&self` parameter is an `S` of partial
/// derivatives; [`Adjoint`] (zero and `+=`) and [`ZeroLike`]; and
/// [`Parameters`] (a visit over the parameters in field order, with `num_params`,
/// `scale`, `add_scaled` for optimizer steps, and `to_flat_vec`/`copy_from_flat`).
///
/// Each differentiated field type `F` must be its own adjoint, gradient and tangent
/// (`F: Differentiable<Adjoint = F, Grad = F, Tangent = F> + Adjoint + ZeroLike`): `f32`, `f64`,
/// a `T: Real`, nalgebra's owned matrices, other derived structs, and `Vec`s of those (arrays are
/// not: their adjoint is a `Vec`; use a `Vec` or mark the field `#[no_grad]`). A field marked
/// `#[no_grad]` is left alone and must be `Default + Clone`: a gradient carries a clone of the
/// value's field, adjoints and tangents carry `Default::default()` (the zero a constant float
/// needs), and the parameter visits skip it. `#[differentiable]` does not see the attribute, so
/// wrap a read of a `#[no_grad]` field holding floats in a `Vec` or slice in
/// [`stop_gradient`] (`let data = stop_gradient(&self.data);`). Generic structs get per-field
/// bounds. Enums, tuple structs, unit structs and unions are refused with a compile error.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[derive(Differentiable, Clone, Debug, PartialEq)]
/// struct Quadratic<T: Real> {
///     a: T,
///     b: T,
///     #[no_grad]
///     name: String,
/// }
///
/// impl<T: Real> Quadratic<T> {
///     /// Differentiated with respect to `self` only.
///     #[differentiable]
///     fn eval(&self, #[no_grad] x: T) -> T {
///         self.a * x * x + self.b * x
///     }
/// }
///
/// let mut q = Quadratic { a: 1.0, b: 2.0, name: "q".to_string() };
/// let (y, grad) = q.eval_grad(3.0);
/// assert!((y - 15.0).abs() < 1e-12);
/// // ∂/∂a = x², ∂/∂b = x; the `#[no_grad]` field is copied.
/// assert!((grad.a - 9.0).abs() < 1e-12 && (grad.b - 3.0).abs() < 1e-12);
/// assert_eq!(grad.name, "q");
///
/// // One gradient-descent step on the parameters (the `#[no_grad]` field is skipped).
/// q.add_scaled(-0.1, &grad);
/// assert!((q.a - (1.0 - 0.9)).abs() < 1e-12 && (q.b - (2.0 - 0.3)).abs() < 1e-12);
/// ```
pub use autodiff_macros::Differentiable;

/// `+`, `-`, unary `-`, `+=` and `-=` field by field on a `#[derive(Differentiable)]` struct: the
/// operators `#[differentiable]` may differentiate on it (the derive macro).
///
/// The reverse sweep takes `+` and `-` for linear operators (`y = a + b => da += dy, db += dy`),
/// which holds only when they work field by field. A struct's own `impl Add` may not (a
/// `y: self.y * rhs.y` in it would give a wrong gradient), so `a + b`, `a - b`, `-a`, `a += b`
/// and `a -= b` on a derived struct do not compile in a `#[differentiable]` function unless the
/// struct derives this, which writes the operators itself (an `impl Add` of yours beside it is a
/// conflicting implementation). Each field is combined entry by entry and must be `f32`, `f64`,
/// a nalgebra matrix (whose shapes must agree, as nalgebra asserts), a `Vec` of these (an empty
/// `Vec` reads as zeros; two non-empty ones of different lengths panic with both lengths), or
/// another struct deriving `FieldwiseOps`; a `#[no_grad]` field is refused.
///
/// ```
/// use autodiff::prelude::*;
///
/// #[derive(Differentiable, FieldwiseOps, Clone, Debug)]
/// struct Point {
///     x: f64,
///     y: f64,
/// }
///
/// #[differentiable]
/// fn spread(a: &Point, b: &Point) -> f64 {
///     let d = a.clone() - b.clone();
///     d.x * d.x + d.y * d.y
/// }
///
/// let (a, b) = (Point { x: 1.0, y: 2.0 }, Point { x: 4.0, y: 6.0 });
/// let (v, (ga, gb)) = spread_grad(&a, &b);
/// assert!((v - 25.0).abs() < 1e-12);
/// // ∂/∂a = 2(a - b), ∂/∂b = -2(a - b).
/// assert!((ga.x + 6.0).abs() < 1e-12 && (ga.y + 8.0).abs() < 1e-12);
/// assert!((gb.x - 6.0).abs() < 1e-12 && (gb.y - 8.0).abs() < 1e-12);
/// ```
pub use autodiff_macros::FieldwiseOps;

/// The trait `#[derive(FieldwiseOps)]` implements (beside the derive macro of the same name):
/// `+`, `-` and unary `-` of the type work entry by entry. Floats, nalgebra matrices, `Dual`s and
/// every `T: Real` have it; a generic `S: Differentiable` whose values are added in a
/// `#[differentiable]` function needs `S: FieldwiseOps` as a bound too.
pub use autodiff_runtime::fieldwise::FieldwiseOps;

pub use autodiff_runtime::{
    Adjoint, Differentiable, Parameters, Real, ScalarOutput, ZeroLike, check, data, dual, matrix,
    nalgebra, ops, optim, params, second, stop_gradient, tape,
};

#[doc(hidden)]
pub use autodiff_runtime::__private;

/// The `approx` crate (`assert_relative_eq!` and friends), which nalgebra's matrices implement:
/// `use autodiff::approx::assert_relative_eq;` compares matrices in tests without a dependency of
/// your own.
pub use approx;

/// Everything a user of `#[differentiable]` needs: `use autodiff::prelude::*;`.
pub mod prelude {
    pub use crate::nalgebra::{DMatrix, DVector, RowDVector, SMatrix, SVector};
    pub use crate::optim;
    pub use crate::{
        Differentiable, FieldwiseOps, Parameters, Real, custom_derivative, differentiable, nn, ops,
        stop_gradient,
    };
    // Derivative companions of nalgebra's methods and constructors (`m.transpose()`,
    // `DMatrix::from_element(..)`): in scope so generated code finds them, unnamed so they never clash.
    pub use crate::matrix::prelude::*;
    // The GradientTape facade.
    pub use crate::tape::{
        ApplyToVariables, GradientOptions, GradientTape, Tensor, UnconnectedGradients, Variable,
    };
    // Methods without a derivative rule (`x.rem_euclid(y)`, `m.add_scalar(b)`): their hidden
    // companions exist only to fail with an error that says what to write instead.
    pub use autodiff_runtime::refused::prelude::*;
}
