//! Table-driven gradient corpus: every construct the `#[differentiable]` contract lists, each in a
//! small function, checked at three or more points.
//!
//! For every case and point the harness checks
//! * `NAME_grad`'s value against `NAME` itself;
//! * the gradient against central finite differences in `f64` (`autodiff::check`);
//! * the pullback of `NAME_vjp` (called several times, with several cotangents) against
//!   `cotangent * gradient`;
//! * `NAME_jvp` against `dot(gradient, tangent)` (reverse vs forward mode), against the central
//!   difference along the tangent, and with unit tangents against each gradient component.
//!
//! Points are chosen away from kinks and from the places where a branch or a trip count changes.
//!
//! The functions deliberately use the constructs under test (index loops, `a = a * b`, compound
//! assignments on aliases, ...), so a few style lints are allowed here.
#![allow(
    clippy::needless_range_loop,
    clippy::assign_op_pattern,
    clippy::neg_multiply,
    clippy::nonminimal_bool,
    clippy::let_and_return,
    clippy::approx_constant,
    clippy::excessive_precision,
    clippy::unnecessary_cast,
    clippy::self_assignment,
    clippy::blocks_in_conditions,
    clippy::manual_range_contains,
    clippy::neg_cmp_op_on_partial_ord
)]

use autodiff::check::{self, DEFAULT_ETA, Tolerance};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// The corpus (functions begin)
// ------------------------------------------------------------------------------------------------

/// Literals and arithmetic.
#[differentiable]
fn poly3(x: f64) -> f64 {
    3.0 * x * x * x - 2.0 * x * x + x - 7.0
}

/// Unary minus, subtraction, division.
#[differentiable]
fn unary_div(x: f64, y: f64) -> f64 {
    -x * y + -(y - x) / (x * x + 1.0) - x / y
}

/// sin, cos, tan.
#[differentiable]
fn trig(x: f64) -> f64 {
    x.sin() * x.cos() + x.tan() - (2.0 * x).cos()
}

/// asin, acos, atan.
#[differentiable]
fn inv_trig(x: f64) -> f64 {
    x.asin() + 2.0 * x.acos() + (3.0 * x).atan()
}

/// atan2 and hypot (both arguments differentiable).
#[differentiable]
fn atan2_hypot(y: f64, x: f64) -> f64 {
    y.atan2(x) + y.hypot(x) * 0.5 + x.atan2(2.0)
}

/// sinh, cosh, tanh.
#[differentiable]
fn hyperbolic(x: f64) -> f64 {
    x.sinh() + 0.5 * x.cosh() + (2.0 * x).tanh()
}

/// exp, exp2, exp_m1.
#[differentiable]
fn exps(x: f64) -> f64 {
    x.exp() + (0.5 * x).exp2() - x.exp_m1() * x
}

/// ln, log (constant and differentiable base), log2, log10, ln_1p.
#[differentiable]
fn logs(x: f64, b: f64) -> f64 {
    x.ln() + x.log(b) + x.log2() + (x * 3.0).log10() + x.ln_1p() + x.log(10.0)
}

/// sqrt, cbrt, recip.
#[differentiable]
fn roots(x: f64) -> f64 {
    x.sqrt() + x.cbrt() * 2.0 + x.recip() - (x + 1.0).sqrt().recip()
}

/// powi (positive and negative), powf (differentiable base and exponent).
#[differentiable]
fn powers(x: f64, y: f64) -> f64 {
    x.powi(3) + x.powf(y) + y.powf(1.5) - x.powi(-2)
}

/// abs, signum, max, min.
#[differentiable]
fn abs_sign_minmax(x: f64, y: f64) -> f64 {
    x.abs() * y.signum() + x.max(y) + x.min(2.0 * y) - (x * y).abs()
}

/// mul_add and clamp (inside and outside the range).
#[differentiable]
fn mul_add_clamp(x: f64, y: f64, z: f64) -> f64 {
    x.mul_add(y, z) + x.clamp(-1.0, 1.0) * z + (y * z).clamp(0.0, 2.0)
}

/// Shadowing, also inside a block.
#[differentiable]
fn shadowing(x: f64) -> f64 {
    let y = x * 2.0;
    let y = y * y + x;
    let x = y - x;
    let y = {
        let y = x * 0.5;
        y.sin()
    };
    x * y
}

/// Tuple patterns, type annotations, tuple field reads.
#[differentiable]
fn tuple_let(x: f64, y: f64) -> f64 {
    let (a, b) = (x * y, x + y);
    let (c, d): (f64, f64) = (a * b, a - b);
    let t: (f64, f64) = (c, d * d);
    let e: f64 = t.0 + t.1;
    e / (1.0 + y * y)
}

/// `let mut` and plain reassignment.
#[differentiable]
fn mut_reassign(x: f64) -> f64 {
    let mut a = x;
    a = a * a + 1.0;
    a = a.sin();
    let mut b = a * x;
    b = b + a;
    b
}

/// Every compound assignment: `+= -= *= /= %=`.
#[differentiable]
fn compound(x: f64, y: f64) -> f64 {
    let mut a = x;
    a += y;
    a *= x;
    a -= 2.0 * y;
    a /= y;
    let mut r = a * 3.0 + 10.0;
    r %= 4.0;
    a + r
}

/// Compound assignments whose right side is the target itself (`a *= a`, `a += a`, `b /= b * ..`).
#[differentiable]
fn aliasing(x: f64) -> f64 {
    let mut a = x + 1.0;
    a *= a;
    a += a;
    let mut b = a - x;
    b -= b * 0.25;
    b /= a;
    a *= b;
    a += b * a;
    let mut c = x * 0.5;
    c = c * c;
    c -= c * c;
    a + c
}

/// `as` casts: integer to float, and float to integer as bookkeeping (no derivative).
#[differentiable]
fn casts(x: f64, n: i32) -> f64 {
    let k = n as f64;
    let m = (x * 10.0) as i64;
    let j = m as f64;
    x * k + j * x * x + ((n * n) as usize) as f64
}

const SCALE: f64 = 1.5;

/// Module-level and local consts, block expressions.
#[differentiable]
fn consts_blocks(x: f64) -> f64 {
    const OFFSET: f64 = 0.25;
    let y = {
        let t = x * SCALE;
        t * t + OFFSET
    };
    let z = { y.sqrt() };
    y * z + OFFSET
}

/// if / else if / else as the tail expression.
#[differentiable]
fn piecewise(x: f64) -> f64 {
    if x < -1.0 {
        -x * x
    } else if x < 1.0 {
        x.sin() * 2.0
    } else if x < 3.0 {
        x.ln() + x
    } else {
        x.sqrt() * 4.0
    }
}

/// if as a statement, all comparisons, `&&`, `||`, `!`.
#[differentiable]
fn conditions(x: f64, y: f64) -> f64 {
    let mut r = x * y;
    if x > y && y >= 0.0 {
        r += x * x;
    }
    if x <= -1.0 || !(y < 2.0) {
        r *= y;
    } else {
        r -= x;
    }
    if x != y && (x == 0.5 || y > x) {
        r = r * 2.0;
    }
    r
}

/// if/else as an expression bound by `let`, with the value used afterwards.
#[differentiable]
fn if_expr_let(x: f64, y: f64) -> f64 {
    let m = if x > y { x * 2.0 } else { y * y };
    let k = if m > 1.0 { m.ln() } else { m - 1.0 };
    m * k + x
}

/// match on a parameter integer and on an integer derived from data.
#[differentiable]
fn match_int(x: f64, k: u32) -> f64 {
    let bucket = (x.abs() * 2.0) as i32;
    let base = match k {
        0 => x,
        1 | 2 => x * x,
        3..=5 => x.sin(),
        _ => -x,
    };
    let extra = match bucket {
        0 => 1.0,
        1 => x,
        5..=100 => x.exp(),
        _ => x * x * 0.5,
    };
    base + extra
}

/// while with a data-dependent trip count.
#[differentiable]
fn while_growth(x: f64) -> f64 {
    let mut b = x;
    let mut n = 0;
    while b.abs() < 100.0 {
        b = b * 1.7 + 0.3 * x;
        n += 1;
    }
    b / (n as f64 + 1.0)
}

/// The seed's control-flow function, in `f64`.
#[differentiable]
fn seed_control_flow(a: f64) -> f64 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b = b * 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

/// while with a data-dependent `break`.
#[differentiable]
fn while_break(x: f64) -> f64 {
    let mut s = x;
    let mut i = 0;
    while i < 100 {
        s = s * 0.9 + 0.2 * x;
        if s < 0.5 {
            break;
        }
        i += 1;
    }
    s + i as f64 * 0.01
}

/// loop with `break value`.
#[differentiable]
fn loop_break_value(x: f64) -> f64 {
    let mut i = 0;
    let mut acc = x;
    let r = loop {
        acc = acc * acc * 0.5 + 0.1;
        i += 1;
        if i >= 4 {
            break acc * 2.0;
        }
    };
    r + x
}

/// loop with a plain data-dependent `break`.
#[differentiable]
fn loop_break_data(x: f64) -> f64 {
    let mut s = x;
    let mut steps = 0;
    loop {
        s = s.cos() + s * 0.5;
        steps += 1;
        if s > 1.2 || steps > 20 {
            break;
        }
    }
    s * steps as f64
}

/// for over `a..b` with an integer parameter bound.
#[differentiable]
fn for_range(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x.powi(i as i32) / (i + 1) as f64;
    }
    s
}

/// for over `(a..=b).rev()` (Horner's rule).
#[differentiable]
fn horner_rev(x: f64) -> f64 {
    let mut s = 0.0;
    for i in (1..=5).rev() {
        s = s * x + i as f64;
    }
    s
}

/// for over `.step_by(k)`, exclusive and inclusive.
#[differentiable]
fn step_by_sum(x: f64) -> f64 {
    let mut s = 0.0;
    for i in (0..10).step_by(3) {
        s += (x * i as f64).sin();
    }
    for j in (1..=7).step_by(2) {
        s += x / j as f64;
    }
    s
}

/// Nested loops, the inner bound depending on the outer index.
#[differentiable]
fn nested_loops(x: f64, y: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        for j in 0..=i {
            s += x.powi(i) * y.powi(j) / (1 + i + j) as f64;
        }
    }
    s
}

/// Loops inside the branches of an if.
#[differentiable]
fn loop_in_branch(x: f64) -> f64 {
    let mut s = x;
    if x > 0.0 {
        for i in 0..3 {
            s += x * i as f64 * s * 0.1;
        }
    } else {
        let mut k = 0;
        while k < 2 {
            s -= x * x * s;
            k += 1;
        }
    }
    s
}

/// Branches (integer and data-dependent) inside a loop, overwriting the carried value.
#[differentiable]
fn branch_in_loop(x: f64, y: f64) -> f64 {
    let mut s = y;
    for i in 0..6 {
        if i % 2 == 0 {
            s += x * s * 0.3;
        } else if s > 1.0 {
            s *= x.cos();
        } else {
            s = s * s + y;
        }
    }
    s
}

/// Early return from inside a for loop.
#[differentiable]
fn early_return_loop(x: f64) -> f64 {
    let mut s = x;
    for i in 0..10 {
        s = s * 1.3 + 0.2;
        if s > 5.0 {
            return s * s + i as f64;
        }
    }
    s - 1.0
}

/// Early return at the top and from inside an if nested in a while.
#[differentiable]
fn early_return_nested(x: f64, y: f64) -> f64 {
    if x < 0.0 {
        return -x * y;
    }
    let mut t = x;
    let mut k = 0;
    while k < 5 {
        if t * y > 3.0 {
            if k > 1 {
                return t + y;
            }
            t -= 0.1 * y;
        }
        t = t * 1.5;
        k += 1;
    }
    t * y
}

/// `continue` in for and while loops.
#[differentiable]
fn with_continue(x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..8 {
        if i % 3 == 1 {
            continue;
        }
        s += x.powi(i) * 0.5;
    }
    let mut j = 0;
    while j < 4 {
        j += 1;
        if j == 2 {
            continue;
        }
        s += x * j as f64;
    }
    s
}

/// Labelled `continue 'outer`, `break 'outer`, and a labelled `loop` left from an inner while.
#[differentiable]
fn labelled(x: f64) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..5 {
        for j in 0..5 {
            if j > i {
                continue 'outer;
            }
            if i + j > 6 {
                break 'outer;
            }
            s += x.powi(i) * (j + 1) as f64;
        }
    }
    let mut t = x;
    'search: loop {
        let mut k = 0;
        while k < 10 {
            t = t * 1.1 + 0.05;
            if t > 2.0 {
                break 'search;
            }
            k += 1;
        }
        t = t + 0.5;
    }
    s + t
}

/// Direct recursion.
#[differentiable]
fn rpow(x: f64, n: u32) -> f64 {
    if n == 0 { 1.0 } else { x * rpow(x, n - 1) }
}

/// Direct recursion with an early return and the recursive value used non-linearly.
#[differentiable]
fn rseries(x: f64, n: u32) -> f64 {
    if n == 0 {
        return x;
    }
    let prev = rseries(x, n - 1);
    prev.sin() + x * 0.5
}

/// A differentiable helper.
#[differentiable]
fn helper_sq(z: f64) -> f64 {
    z * z + z.sin()
}

/// Calls to other differentiable functions, the same callee twice.
#[differentiable]
fn calls_helper(x: f64, y: f64) -> f64 {
    helper_sq(x * y) + helper_sq(x) * y + rpow(y, 2)
}

mod shapes {
    use autodiff::prelude::*;

    #[differentiable]
    pub fn cube(x: f64) -> f64 {
        x * x * x
    }

    pub mod inner {
        use autodiff::prelude::*;

        #[differentiable]
        pub fn scaled(x: f64, k: f64) -> f64 {
            k * x.exp()
        }
    }
}

/// Calls through module paths (relative, `self::`, `crate::`).
#[differentiable]
fn module_calls(x: f64) -> f64 {
    shapes::cube(x) + self::shapes::inner::scaled(x, 2.0) + crate::shapes::cube(0.5 * x)
}

/// A type with a differentiable method and a differentiable associated function.
struct Quad;

impl Quad {
    #[differentiable(wrt(x))]
    fn eval(&self, x: f64) -> f64 {
        2.0 * x * x + x
    }

    #[differentiable]
    fn assoc(x: f64, y: f64) -> f64 {
        x * y.cos()
    }
}

/// Calls as a method and as an associated function.
#[differentiable]
fn method_calls(#[no_grad] q: &Quad, x: f64) -> f64 {
    q.eval(x) * Quad::assoc(x, x)
}

/// Slice parameter with index reads and `len()`.
#[differentiable]
fn slice_index(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i] * (i + 1) as f64;
    }
    s + v[0] * v[v.len() - 1]
}

/// `for &x in v` and `for x in v.iter()`.
#[differentiable]
fn slice_iter(v: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in v {
        s += x.sin();
    }
    for x in v.iter() {
        s += *x * *x * 0.5;
    }
    s
}

/// `.iter().enumerate()` and `.iter().zip(w.iter())` over two slices.
#[differentiable]
fn enumerate_zip(v: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, x) in v.iter().enumerate() {
        s += *x * (i as f64 + 1.0);
    }
    for (a, b) in v.iter().zip(w.iter()) {
        s += a * b;
    }
    s
}

/// A `Vec` parameter by value, `.iter().sum()`.
#[differentiable]
fn vec_sum(v: Vec<f64>) -> f64 {
    let t: f64 = v.iter().sum();
    t * t + v[1]
}

/// A fixed-array parameter.
#[differentiable]
fn array_param(a: [f64; 3]) -> f64 {
    a[0] * a[1] + a[2].exp() - a[1] / a[2]
}

/// A local array literal, index reads in straight code and in a loop.
#[differentiable]
fn local_array(x: f64, y: f64) -> f64 {
    let arr = [x, 2.0 * x, x * y];
    let mut s = arr[0] + arr[1] * arr[2] - arr[2].sin();
    for k in 0..3 {
        s += arr[k] * k as f64;
    }
    s
}

/// A local `vec![0.0; n]` with element writes `y[i] = e`, `y[i] += e`.
#[differentiable]
fn vec_writes(x: f64, y: f64) -> f64 {
    let n = 5;
    let mut v = vec![0.0; n];
    v[0] = x;
    v[1] = y * x;
    for i in 2..n {
        v[i] = v[i - 1] * 0.5 + v[i - 2] * y;
    }
    v[3] += x * x;
    v[n - 1] + v[3]
}

/// A local `Vec` grown with `push`, read back by index and summed.
#[differentiable]
fn vec_push(x: f64) -> f64 {
    let mut v: Vec<f64> = Vec::new();
    v.push(x);
    for i in 1..5 {
        let last = v[i - 1];
        v.push(last * x * 0.5 + 1.0);
    }
    let s: f64 = v.iter().sum();
    s + v[2]
}

/// A local `[0.0; N]` with `+=` and `=` element writes (overwriting an element from itself).
#[differentiable]
fn array_writes(x: f64) -> f64 {
    let mut a = [0.0; 4];
    a[0] = x;
    for i in 1..4 {
        a[i] += a[i - 1] * x + 1.0;
    }
    a[2] = a[2] * a[1];
    a[3] + a[2]
}

/// Integer bookkeeping next to the float computation.
#[differentiable]
fn int_bookkeeping(x: f64, n: usize) -> f64 {
    let mut count = 0usize;
    let mut s = 0.0;
    let mut i = 0;
    while i < n {
        if i % 2 == 0 {
            count += 1;
        }
        s += x * count as f64 + (i * i) as f64 * 0.01 * x * x;
        i += 1;
    }
    s
}

/// `#[no_grad]` on a float parameter: the gradient is that of `x` alone.
#[differentiable]
fn no_grad_param(x: f64, #[no_grad] c: f64) -> f64 {
    x * c + c * c + x.sin()
}

/// `wrt(y)`: only `y` is differentiated.
#[differentiable(wrt(y))]
fn wrt_only_y(x: f64, y: f64) -> f64 {
    x * y * y + x.exp()
}

/// `stop_gradient` inside an expression.
#[differentiable]
fn stop_grad(x: f64, y: f64) -> f64 {
    x * stop_gradient(x * y) + y
}

/// An ordinary (not differentiable) function.
fn scale_factor(k: f64) -> f64 {
    k * 1.5
}

/// An ordinary integer helper.
fn int_helper(n: usize) -> usize {
    n * 2
}

/// Calls with all-constant arguments need no derivative.
#[differentiable]
fn const_calls(x: f64) -> f64 {
    x * scale_factor(2.0) + x.powi(int_helper(1) as i32) + f64::from(3u8) * x
}

/// `println!` inside.
#[differentiable]
fn with_println(x: f64) -> f64 {
    let y = x * x;
    println!("with_println: y = {y}");
    y + x
}

/// `f32` throughout, with a loop.
#[differentiable]
fn f32_loop(x: f32) -> f32 {
    let mut s = x;
    for _ in 0..3 {
        s = s.sin() * 1.5 + x;
    }
    s
}

/// `f32` parameters with casts to `f64` and back.
#[differentiable]
fn f32_cast(x: f32, y: f32) -> f32 {
    let w = (x as f64) * (y as f64).exp();
    (w * 0.5) as f32 + x * y
}

/// Generic over `T: Real`, constants through `T::from_f64`.
#[differentiable]
fn generic_poly<T: Real>(x: T, y: T) -> T {
    let two = T::from_f64(2.0);
    two * x * x * y + (x * y).sin() - y.exp() / two
}

/// Generic over `T: Real` with a loop and an integer parameter.
#[differentiable]
fn generic_loop<T: Real>(x: T, n: usize) -> T {
    let mut s = T::zero();
    let mut p = T::one();
    for _ in 0..n {
        p = p * x;
        s += p / T::from_f64(3.0);
    }
    s.tanh()
}

/// A tuple output.
#[differentiable]
fn tuple_out(x: f64, y: f64) -> (f64, f64) {
    (x * y, x + y.sin())
}

/// A tuple output computed through a loop.
#[differentiable]
fn tuple_loop(r: f64, theta: f64) -> (f64, f64) {
    let mut c = r;
    let mut s = 0.0;
    for k in 1..4 {
        let a = theta * k as f64;
        c += r * a.cos() / k as f64;
        s += r * r * a.sin();
    }
    (c, s)
}

// ------------------------------------------------------------------------------------------------
// The corpus (functions end)
// ------------------------------------------------------------------------------------------------

/// `f(x, aux)`: `x` holds the differentiated inputs (flattened), `aux` the fixed ones.
type ValueFn = fn(&[f64], &[f64]) -> f64;
/// `(value, flattened gradient)` from `NAME_grad`.
type GradFn = fn(&[f64], &[f64]) -> (f64, Vec<f64>);
/// `(value, [pullback(c) for c in cotangents])` from one `NAME_vjp` call.
type VjpFn = fn(&[f64], &[f64], &[f64]) -> (f64, Vec<Vec<f64>>);
/// `(value, directional derivative)` from `NAME_jvp` with a flattened tangent.
type JvpFn = fn(&[f64], &[f64], &[f64]) -> (f64, f64);

struct Case {
    f: ValueFn,
    grad: GradFn,
    vjp: VjpFn,
    jvp: JvpFn,
    points: Vec<(Vec<f64>, Vec<f64>)>,
    eta: f64,
    /// Tolerance against finite differences.
    fd_tol: Tolerance,
    /// Tolerance between exact computations (value vs value, jvp vs vjp).
    ad_tol: Tolerance,
}

impl Case {
    fn new(f: ValueFn, grad: GradFn, vjp: VjpFn, jvp: JvpFn) -> Self {
        Case {
            f,
            grad,
            vjp,
            jvp,
            points: Vec::new(),
            eta: DEFAULT_ETA,
            fd_tol: Tolerance::default(),
            ad_tol: Tolerance::new(1e-12, 1e-10),
        }
    }

    /// Points without fixed (non-differentiated) inputs.
    fn at<const N: usize>(mut self, points: &[[f64; N]]) -> Self {
        self.points
            .extend(points.iter().map(|p| (p.to_vec(), Vec::new())));
        self
    }

    /// One point with fixed inputs `aux`.
    fn at_aux(mut self, x: &[f64], aux: &[f64]) -> Self {
        self.points.push((x.to_vec(), aux.to_vec()));
        self
    }

    /// Settings for functions computed in `f32`.
    fn f32(mut self) -> Self {
        self.eta = 1e-2;
        self.fd_tol = Tolerance::f32();
        self.ad_tol = Tolerance::new(1e-5, 1e-5);
        self
    }
}

/// A fixed, irregular tangent direction of length `n`.
fn tangent(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| [0.7, -1.3, 0.4, 1.1, -0.6, 0.9][i % 6])
        .collect()
}

fn run(name: &str, case: Case) {
    assert!(case.points.len() >= 3, "{name}: fewer than 3 points");
    let mut failures: Vec<String> = Vec::new();
    let mut fail = |what: String| failures.push(what);
    for (x, aux) in &case.points {
        let at = format!("{name} at x = {x:?}, aux = {aux:?}");
        let f = |p: &[f64]| (case.f)(p, aux);
        let fx = f(x);
        assert!(
            fx.is_finite(),
            "{at}: the function itself is not finite ({fx})"
        );

        // Reverse mode: value and gradient against finite differences.
        let (value, grad) = (case.grad)(x, aux);
        if let Err(e) = check::check_close(value, fx, case.ad_tol) {
            fail(format!("{at}: _grad value: {e}"));
        }
        if let Err(e) = check::check_gradient(f, x, &grad, case.eta, case.fd_tol) {
            fail(format!("{at}: gradient vs finite differences: {e}"));
        }

        // The pullback, called several times, is linear in the cotangent.
        let cotangents = [1.0, -2.5, 0.0, 1.0];
        let (value, pulled) = (case.vjp)(x, aux, &cotangents);
        if let Err(e) = check::check_close(value, fx, case.ad_tol) {
            fail(format!("{at}: _vjp value: {e}"));
        }
        assert_eq!(pulled.len(), cotangents.len());
        for (c, g) in cotangents.iter().zip(&pulled) {
            let expected: Vec<f64> = grad.iter().map(|gi| c * gi).collect();
            if let Err(e) = check::check_slices(g, &expected, case.ad_tol) {
                fail(format!("{at}: pullback({c}) vs {c} * gradient: {e}"));
            }
        }

        // Forward mode: against reverse mode and against the directional difference.
        let t = tangent(x.len());
        let (value, dir) = (case.jvp)(x, aux, &t);
        if let Err(e) = check::check_close(value, fx, case.ad_tol) {
            fail(format!("{at}: _jvp value: {e}"));
        }
        if let Err(e) = check::check_jvp_vjp(&grad, &t, dir, case.ad_tol) {
            fail(format!(
                "{at}: jvp along {t:?} vs dot(gradient, tangent): {e}"
            ));
        }
        if let Err(e) = check::check_directional(f, x, &t, dir, case.eta, case.fd_tol) {
            fail(format!("{at}: jvp vs directional finite difference: {e}"));
        }
        // Unit tangents give the gradient one component at a time.
        let columns: Vec<f64> = (0..x.len())
            .map(|i| {
                let mut e = vec![0.0; x.len()];
                e[i] = 1.0;
                (case.jvp)(x, aux, &e).1
            })
            .collect();
        if let Err(e) = check::check_slices(&columns, &grad, case.ad_tol) {
            fail(format!(
                "{at}: forward-mode gradient (unit tangents) vs reverse mode: {e}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A case for a function of 1, 2 or 3 `f64` parameters, all differentiated.
macro_rules! scalar_case {
    ($f:ident, $g:ident, $v:ident, $j:ident; 1) => {
        Case::new(
            |p, _| $f(p[0]),
            |p, _| {
                let (y, g) = $g(p[0]);
                (y, vec![g])
            },
            |p, _, cts| {
                let (y, pb) = $v(p[0]);
                (y, cts.iter().map(|&c| vec![pb(c)]).collect())
            },
            |p, _, t| $j(p[0], t[0]),
        )
    };
    ($f:ident, $g:ident, $v:ident, $j:ident; 2) => {
        Case::new(
            |p, _| $f(p[0], p[1]),
            |p, _| {
                let (y, (ga, gb)) = $g(p[0], p[1]);
                (y, vec![ga, gb])
            },
            |p, _, cts| {
                let (y, pb) = $v(p[0], p[1]);
                let pulled = cts
                    .iter()
                    .map(|&c| {
                        let (ga, gb) = pb(c);
                        vec![ga, gb]
                    })
                    .collect();
                (y, pulled)
            },
            |p, _, t| $j(p[0], p[1], t[0], t[1]),
        )
    };
    ($f:ident, $g:ident, $v:ident, $j:ident; 3) => {
        Case::new(
            |p, _| $f(p[0], p[1], p[2]),
            |p, _| {
                let (y, (ga, gb, gc)) = $g(p[0], p[1], p[2]);
                (y, vec![ga, gb, gc])
            },
            |p, _, cts| {
                let (y, pb) = $v(p[0], p[1], p[2]);
                let pulled = cts
                    .iter()
                    .map(|&c| {
                        let (ga, gb, gc) = pb(c);
                        vec![ga, gb, gc]
                    })
                    .collect();
                (y, pulled)
            },
            |p, _, t| $j(p[0], p[1], p[2], t[0], t[1], t[2]),
        )
    };
}

/// One `#[test]` per case, plus `all_cases()` for the table-level checks.
macro_rules! corpus {
    ($($name:ident => $case:expr;)*) => {
        fn all_cases() -> Vec<(&'static str, Case)> {
            vec![$((stringify!($name), $case)),*]
        }
        // One module per case (named after it) so the test's name cannot shadow the function.
        mod per_case {
            $(
                mod $name {
                    use super::super::*;

                    #[test]
                    fn case() {
                        run(stringify!($name), $case);
                    }
                }
            )*
        }
    };
}

corpus! {
    poly3 => scalar_case!(poly3, poly3_grad, poly3_vjp, poly3_jvp; 1).at(&[[-1.3], [0.4], [2.5]]);
    unary_div => scalar_case!(unary_div, unary_div_grad, unary_div_vjp, unary_div_jvp; 2)
        .at(&[[1.2, 0.7], [-0.5, 2.0], [3.0, -1.5]]);
    trig => scalar_case!(trig, trig_grad, trig_vjp, trig_jvp; 1).at(&[[0.3], [-0.9], [1.2]]);
    inv_trig => scalar_case!(inv_trig, inv_trig_grad, inv_trig_vjp, inv_trig_jvp; 1).at(&[[-0.6], [0.1], [0.8]]);
    atan2_hypot => scalar_case!(atan2_hypot, atan2_hypot_grad, atan2_hypot_vjp, atan2_hypot_jvp; 2)
        .at(&[[0.5, 1.0], [-1.2, 0.3], [2.0, -0.7]]);
    hyperbolic => scalar_case!(hyperbolic, hyperbolic_grad, hyperbolic_vjp, hyperbolic_jvp; 1)
        .at(&[[-1.1], [0.2], [1.6]]);
    exps => scalar_case!(exps, exps_grad, exps_vjp, exps_jvp; 1).at(&[[-2.0], [0.35], [1.9]]);
    logs => scalar_case!(logs, logs_grad, logs_vjp, logs_jvp; 2).at(&[[0.5, 2.0], [2.3, 3.5], [7.0, 0.4]]);
    roots => scalar_case!(roots, roots_grad, roots_vjp, roots_jvp; 1).at(&[[0.3], [1.7], [9.0]]);
    powers => scalar_case!(powers, powers_grad, powers_vjp, powers_jvp; 2).at(&[[1.3, 0.7], [0.6, 2.2], [2.5, 1.1]]);
    abs_sign_minmax => scalar_case!(abs_sign_minmax, abs_sign_minmax_grad, abs_sign_minmax_vjp, abs_sign_minmax_jvp; 2)
        .at(&[[1.5, -0.8], [-2.0, 0.7], [0.4, 3.0]]);
    mul_add_clamp => scalar_case!(mul_add_clamp, mul_add_clamp_grad, mul_add_clamp_vjp, mul_add_clamp_jvp; 3)
        .at(&[[0.5, 1.2, 0.8], [-1.7, 0.4, 2.0], [2.5, -0.3, 1.1]]);
    shadowing => scalar_case!(shadowing, shadowing_grad, shadowing_vjp, shadowing_jvp; 1).at(&[[0.3], [-0.8], [1.1]]);
    tuple_let => scalar_case!(tuple_let, tuple_let_grad, tuple_let_vjp, tuple_let_jvp; 2)
        .at(&[[0.5, 1.5], [-1.0, 0.3], [2.0, -0.6]]);
    mut_reassign => scalar_case!(mut_reassign, mut_reassign_grad, mut_reassign_vjp, mut_reassign_jvp; 1)
        .at(&[[0.2], [-1.4], [2.1]]);
    compound => scalar_case!(compound, compound_grad, compound_vjp, compound_jvp; 2)
        .at(&[[1.1, 0.6], [-0.7, 1.9], [2.2, -1.3]]);
    aliasing => scalar_case!(aliasing, aliasing_grad, aliasing_vjp, aliasing_jvp; 1).at(&[[0.4], [-0.35], [1.3]]);
    casts => Case::new(
        |p, a| casts(p[0], a[0] as i32),
        |p, a| {
            let (y, g) = casts_grad(p[0], a[0] as i32);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = casts_vjp(p[0], a[0] as i32);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| casts_jvp(p[0], a[0] as i32, t[0]),
    )
    .at_aux(&[0.33], &[3.0])
    .at_aux(&[1.27], &[-2.0])
    .at_aux(&[-0.44], &[5.0]);
    consts_blocks => scalar_case!(consts_blocks, consts_blocks_grad, consts_blocks_vjp, consts_blocks_jvp; 1)
        .at(&[[0.5], [-1.2], [2.0]]);
    piecewise => scalar_case!(piecewise, piecewise_grad, piecewise_vjp, piecewise_jvp; 1)
        .at(&[[-2.0], [0.3], [2.2], [4.5]]);
    conditions => scalar_case!(conditions, conditions_grad, conditions_vjp, conditions_jvp; 2)
        .at(&[[2.0, 1.0], [-1.5, 3.0], [0.2, 0.9], [1.0, 2.5]]);
    if_expr_let => scalar_case!(if_expr_let, if_expr_let_grad, if_expr_let_vjp, if_expr_let_jvp; 2)
        .at(&[[2.0, 1.0], [0.3, 1.5], [0.2, 0.6], [1.4, -3.0]]);
    match_int => Case::new(
        |p, a| match_int(p[0], a[0] as u32),
        |p, a| {
            let (y, g) = match_int_grad(p[0], a[0] as u32);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = match_int_vjp(p[0], a[0] as u32);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| match_int_jvp(p[0], a[0] as u32, t[0]),
    )
    .at_aux(&[0.3], &[0.0])
    .at_aux(&[-0.7], &[2.0])
    .at_aux(&[1.3], &[4.0])
    .at_aux(&[3.1], &[9.0]);
    while_growth => scalar_case!(while_growth, while_growth_grad, while_growth_vjp, while_growth_jvp; 1)
        .at(&[[0.5], [-2.0], [13.0]]);
    seed_control_flow => scalar_case!(seed_control_flow, seed_control_flow_grad, seed_control_flow_vjp, seed_control_flow_jvp; 1)
        .at(&[[0.48800924], [-0.3], [1.7], [-2.5]]);
    while_break => scalar_case!(while_break, while_break_grad, while_break_vjp, while_break_jvp; 1)
        .at(&[[0.3], [2.0], [5.0]]);
    loop_break_value => scalar_case!(loop_break_value, loop_break_value_grad, loop_break_value_vjp, loop_break_value_jvp; 1)
        .at(&[[0.7], [-1.1], [1.3]]);
    loop_break_data => scalar_case!(loop_break_data, loop_break_data_grad, loop_break_data_vjp, loop_break_data_jvp; 1)
        .at(&[[0.3], [1.0], [2.9]]);
    for_range => Case::new(
        |p, a| for_range(p[0], a[0] as usize),
        |p, a| {
            let (y, g) = for_range_grad(p[0], a[0] as usize);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = for_range_vjp(p[0], a[0] as usize);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| for_range_jvp(p[0], a[0] as usize, t[0]),
    )
    .at_aux(&[0.8], &[3.0])
    .at_aux(&[-1.2], &[5.0])
    .at_aux(&[1.5], &[7.0])
    .at_aux(&[2.0], &[1.0]);
    horner_rev => scalar_case!(horner_rev, horner_rev_grad, horner_rev_vjp, horner_rev_jvp; 1)
        .at(&[[-1.5], [0.5], [2.0]]);
    step_by_sum => scalar_case!(step_by_sum, step_by_sum_grad, step_by_sum_vjp, step_by_sum_jvp; 1)
        .at(&[[-0.4], [0.25], [1.1]]);
    nested_loops => scalar_case!(nested_loops, nested_loops_grad, nested_loops_vjp, nested_loops_jvp; 2)
        .at(&[[0.5, 1.5], [-1.2, 0.3], [1.1, -0.9]]);
    loop_in_branch => scalar_case!(loop_in_branch, loop_in_branch_grad, loop_in_branch_vjp, loop_in_branch_jvp; 1)
        .at(&[[0.6], [-0.8], [2.0], [-2.2]]);
    branch_in_loop => scalar_case!(branch_in_loop, branch_in_loop_grad, branch_in_loop_vjp, branch_in_loop_jvp; 2)
        .at(&[[0.5, 0.6], [1.2, 2.0], [-0.3, 0.4]]);
    early_return_loop => scalar_case!(early_return_loop, early_return_loop_grad, early_return_loop_vjp, early_return_loop_jvp; 1)
        .at(&[[0.1], [-3.0], [4.0], [1.0]]);
    early_return_nested => scalar_case!(early_return_nested, early_return_nested_grad, early_return_nested_vjp, early_return_nested_jvp; 2)
        .at(&[[-1.0, 2.0], [1.0, 1.0], [0.2, 0.5], [3.0, 2.0]]);
    with_continue => scalar_case!(with_continue, with_continue_grad, with_continue_vjp, with_continue_jvp; 1)
        .at(&[[-0.9], [0.4], [1.2]]);
    labelled => scalar_case!(labelled, labelled_grad, labelled_vjp, labelled_jvp; 1).at(&[[0.3], [-0.5], [1.5]]);
    rpow => Case::new(
        |p, a| rpow(p[0], a[0] as u32),
        |p, a| {
            let (y, g) = rpow_grad(p[0], a[0] as u32);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = rpow_vjp(p[0], a[0] as u32);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| rpow_jvp(p[0], a[0] as u32, t[0]),
    )
    .at_aux(&[1.3], &[0.0])
    .at_aux(&[-0.8], &[3.0])
    .at_aux(&[1.1], &[7.0]);
    rseries => Case::new(
        |p, a| rseries(p[0], a[0] as u32),
        |p, a| {
            let (y, g) = rseries_grad(p[0], a[0] as u32);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = rseries_vjp(p[0], a[0] as u32);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| rseries_jvp(p[0], a[0] as u32, t[0]),
    )
    .at_aux(&[0.4], &[1.0])
    .at_aux(&[-1.3], &[4.0])
    .at_aux(&[2.2], &[6.0]);
    calls_helper => scalar_case!(calls_helper, calls_helper_grad, calls_helper_vjp, calls_helper_jvp; 2)
        .at(&[[0.5, 1.5], [-1.2, 0.3], [1.1, -0.9]]);
    module_calls => scalar_case!(module_calls, module_calls_grad, module_calls_vjp, module_calls_jvp; 1)
        .at(&[[-0.5], [0.3], [1.4]]);
    method_calls => Case::new(
        |p, _| method_calls(&Quad, p[0]),
        |p, _| {
            let (y, g) = method_calls_grad(&Quad, p[0]);
            (y, vec![g])
        },
        |p, _, cts| {
            let q = Quad;
            let (y, pb) = method_calls_vjp(&q, p[0]);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, _, t| method_calls_jvp(&Quad, p[0], t[0]),
    )
    .at(&[[-0.7], [0.4], [1.9]]);
    slice_index => Case::new(
        |p, _| slice_index(p),
        |p, _| slice_index_grad(p),
        |p, _, cts| {
            let (y, pb) = slice_index_vjp(p);
            (y, cts.iter().map(|&c| pb(c)).collect())
        },
        |p, _, t| slice_index_jvp(p, t.to_vec()),
    )
    .at(&[[0.5, -1.0, 2.0]])
    .at(&[[1.5, 0.25]])
    .at(&[[-0.3, 0.8, 1.1, -2.0, 0.6]]);
    slice_iter => Case::new(
        |p, _| slice_iter(p),
        |p, _| slice_iter_grad(p),
        |p, _, cts| {
            let (y, pb) = slice_iter_vjp(p);
            (y, cts.iter().map(|&c| pb(c)).collect())
        },
        |p, _, t| slice_iter_jvp(p, t.to_vec()),
    )
    .at(&[[0.5, -1.0, 2.0]])
    .at(&[[1.5]])
    .at(&[[-0.3, 0.8, 1.1, -2.0]]);
    enumerate_zip => Case::new(
        |p, _| {
            let n = p.len() / 2;
            enumerate_zip(&p[..n], &p[n..])
        },
        |p, _| {
            let n = p.len() / 2;
            let (y, (gv, gw)) = enumerate_zip_grad(&p[..n], &p[n..]);
            (y, [gv, gw].concat())
        },
        |p, _, cts| {
            let n = p.len() / 2;
            let (y, pb) = enumerate_zip_vjp(&p[..n], &p[n..]);
            (
                y,
                cts.iter()
                    .map(|&c| {
                        let (gv, gw) = pb(c);
                        [gv, gw].concat()
                    })
                    .collect(),
            )
        },
        |p, _, t| {
            let n = p.len() / 2;
            enumerate_zip_jvp(&p[..n], &p[n..], t[..n].to_vec(), t[n..].to_vec())
        },
    )
    .at(&[[0.5, -1.0, 2.0, 1.5, 0.3, -0.4]])
    .at(&[[1.5, 2.5]])
    .at(&[[-0.3, 0.8, 1.1, -2.0, 0.6, 0.7, -0.2, 0.9]]);
    vec_sum => Case::new(
        |p, _| vec_sum(p.to_vec()),
        |p, _| vec_sum_grad(p.to_vec()),
        |p, _, cts| {
            let (y, pb) = vec_sum_vjp(p.to_vec());
            (y, cts.iter().map(|&c| pb(c)).collect())
        },
        |p, _, t| vec_sum_jvp(p.to_vec(), t.to_vec()),
    )
    .at(&[[0.5, -1.0, 2.0]])
    .at(&[[1.5, 0.1]])
    .at(&[[-0.3, 0.8, 1.1, -2.0]]);
    array_param => Case::new(
        |p, _| array_param([p[0], p[1], p[2]]),
        |p, _| {
            let (y, g) = array_param_grad([p[0], p[1], p[2]]);
            (y, g.to_vec())
        },
        |p, _, cts| {
            let (y, pb) = array_param_vjp([p[0], p[1], p[2]]);
            (y, cts.iter().map(|&c| pb(c).to_vec()).collect())
        },
        |p, _, t| array_param_jvp([p[0], p[1], p[2]], [t[0], t[1], t[2]]),
    )
    .at(&[[0.5, -1.0, 2.0], [1.5, 0.1, -0.7], [-0.3, 0.8, 1.1]]);
    local_array => scalar_case!(local_array, local_array_grad, local_array_vjp, local_array_jvp; 2)
        .at(&[[0.5, 1.5], [-1.2, 0.3], [1.1, -0.9]]);
    vec_writes => scalar_case!(vec_writes, vec_writes_grad, vec_writes_vjp, vec_writes_jvp; 2)
        .at(&[[0.5, 1.5], [-1.2, 0.3], [1.1, -0.9]]);
    vec_push => scalar_case!(vec_push, vec_push_grad, vec_push_vjp, vec_push_jvp; 1).at(&[[0.5], [-1.2], [1.7]]);
    array_writes => scalar_case!(array_writes, array_writes_grad, array_writes_vjp, array_writes_jvp; 1)
        .at(&[[0.5], [-1.2], [1.7]]);
    int_bookkeeping => Case::new(
        |p, a| int_bookkeeping(p[0], a[0] as usize),
        |p, a| {
            let (y, g) = int_bookkeeping_grad(p[0], a[0] as usize);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = int_bookkeeping_vjp(p[0], a[0] as usize);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| int_bookkeeping_jvp(p[0], a[0] as usize, t[0]),
    )
    .at_aux(&[0.5], &[4.0])
    .at_aux(&[-1.3], &[7.0])
    .at_aux(&[2.0], &[0.0]);
    no_grad_param => Case::new(
        |p, a| no_grad_param(p[0], a[0]),
        |p, a| {
            let (y, g) = no_grad_param_grad(p[0], a[0]);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = no_grad_param_vjp(p[0], a[0]);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| no_grad_param_jvp(p[0], a[0], t[0]),
    )
    .at_aux(&[0.5], &[2.0])
    .at_aux(&[-1.3], &[-0.5])
    .at_aux(&[2.0], &[0.0]);
    wrt_only_y => Case::new(
        |p, a| wrt_only_y(a[0], p[0]),
        |p, a| {
            let (y, g) = wrt_only_y_grad(a[0], p[0]);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = wrt_only_y_vjp(a[0], p[0]);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| wrt_only_y_jvp(a[0], p[0], t[0]),
    )
    .at_aux(&[0.5], &[2.0])
    .at_aux(&[-1.3], &[-0.5])
    .at_aux(&[2.0], &[1.5]);
    const_calls => scalar_case!(const_calls, const_calls_grad, const_calls_vjp, const_calls_jvp; 1)
        .at(&[[0.5], [-1.2], [1.7]]);
    with_println => scalar_case!(with_println, with_println_grad, with_println_vjp, with_println_jvp; 1)
        .at(&[[0.5], [-1.2], [1.7]]);
    f32_loop => Case::new(
        |p, _| f64::from(f32_loop(p[0] as f32)),
        |p, _| {
            let (y, g) = f32_loop_grad(p[0] as f32);
            (f64::from(y), vec![f64::from(g)])
        },
        |p, _, cts| {
            let (y, pb) = f32_loop_vjp(p[0] as f32);
            (f64::from(y), cts.iter().map(|&c| vec![f64::from(pb(c as f32))]).collect())
        },
        |p, _, t| {
            let (y, d) = f32_loop_jvp(p[0] as f32, t[0] as f32);
            (f64::from(y), f64::from(d))
        },
    )
    .f32()
    .at(&[[0.5], [-1.25], [1.75]]);
    f32_cast => Case::new(
        |p, _| f64::from(f32_cast(p[0] as f32, p[1] as f32)),
        |p, _| {
            let (y, (gx, gy)) = f32_cast_grad(p[0] as f32, p[1] as f32);
            (f64::from(y), vec![f64::from(gx), f64::from(gy)])
        },
        |p, _, cts| {
            let (y, pb) = f32_cast_vjp(p[0] as f32, p[1] as f32);
            let pulled = cts
                .iter()
                .map(|&c| {
                    let (gx, gy) = pb(c as f32);
                    vec![f64::from(gx), f64::from(gy)]
                })
                .collect();
            (f64::from(y), pulled)
        },
        |p, _, t| {
            let (y, d) = f32_cast_jvp(p[0] as f32, p[1] as f32, t[0] as f32, t[1] as f32);
            (f64::from(y), f64::from(d))
        },
    )
    .f32()
    .at(&[[0.5, 0.25], [-1.25, 0.75], [1.5, -0.5]]);
    generic_poly_f64 => Case::new(
        |p, _| generic_poly(p[0], p[1]),
        |p, _| {
            let (y, (ga, gb)) = generic_poly_grad(p[0], p[1]);
            (y, vec![ga, gb])
        },
        |p, _, cts| {
            let (y, pb) = generic_poly_vjp(p[0], p[1]);
            let pulled = cts
                .iter()
                .map(|&c| {
                    let (ga, gb) = pb(c);
                    vec![ga, gb]
                })
                .collect();
            (y, pulled)
        },
        |p, _, t| generic_poly_jvp(p[0], p[1], t[0], t[1]),
    )
    .at(&[[0.5, 1.5], [-1.2, 0.3], [1.1, -0.9]]);
    generic_poly_f32 => Case::new(
        |p, _| f64::from(generic_poly(p[0] as f32, p[1] as f32)),
        |p, _| {
            let (y, (ga, gb)) = generic_poly_grad(p[0] as f32, p[1] as f32);
            (f64::from(y), vec![f64::from(ga), f64::from(gb)])
        },
        |p, _, cts| {
            let (y, pb) = generic_poly_vjp(p[0] as f32, p[1] as f32);
            let pulled = cts
                .iter()
                .map(|&c| {
                    let (ga, gb) = pb(c as f32);
                    vec![f64::from(ga), f64::from(gb)]
                })
                .collect();
            (f64::from(y), pulled)
        },
        |p, _, t| {
            let (y, d) = generic_poly_jvp(p[0] as f32, p[1] as f32, t[0] as f32, t[1] as f32);
            (f64::from(y), f64::from(d))
        },
    )
    .f32()
    .at(&[[0.5, 1.5], [-1.25, 0.25], [1.0, -0.75]]);
    generic_loop_f64 => Case::new(
        |p, a| generic_loop(p[0], a[0] as usize),
        |p, a| {
            let (y, g) = generic_loop_grad(p[0], a[0] as usize);
            (y, vec![g])
        },
        |p, a, cts| {
            let (y, pb) = generic_loop_vjp(p[0], a[0] as usize);
            (y, cts.iter().map(|&c| vec![pb(c)]).collect())
        },
        |p, a, t| generic_loop_jvp(p[0], a[0] as usize, t[0]),
    )
    .at_aux(&[0.5], &[3.0])
    .at_aux(&[-0.9], &[4.0])
    .at_aux(&[1.1], &[2.0]);
    generic_loop_f32 => Case::new(
        |p, a| f64::from(generic_loop(p[0] as f32, a[0] as usize)),
        |p, a| {
            let (y, g) = generic_loop_grad(p[0] as f32, a[0] as usize);
            (f64::from(y), vec![f64::from(g)])
        },
        |p, a, cts| {
            let (y, pb) = generic_loop_vjp(p[0] as f32, a[0] as usize);
            (f64::from(y), cts.iter().map(|&c| vec![f64::from(pb(c as f32))]).collect())
        },
        |p, a, t| {
            let (y, d) = generic_loop_jvp(p[0] as f32, a[0] as usize, t[0] as f32);
            (f64::from(y), f64::from(d))
        },
    )
    .f32()
    .at_aux(&[0.5], &[3.0])
    .at_aux(&[-0.75], &[4.0])
    .at_aux(&[1.0], &[2.0]);
}

#[test]
fn corpus_is_large_enough_and_every_case_has_three_points() {
    let cases = all_cases();
    // The cases above plus the special ones below (stop_grad, tuple_out, tuple_loop, helpers).
    assert!(cases.len() >= 40, "only {} table cases", cases.len());
    for (name, case) in &cases {
        assert!(
            case.points.len() >= 3,
            "{name} has {} points",
            case.points.len()
        );
    }
}

#[test]
fn generic_f32_and_f64_instantiations_agree() {
    for &(x, y) in &[(0.5f64, 1.5f64), (-1.25, 0.25), (1.0, -0.75)] {
        let (v64, (a64, b64)) = generic_poly_grad(x, y);
        let (v32, (a32, b32)) = generic_poly_grad(x as f32, y as f32);
        let tol = Tolerance::new(1e-4, 1e-5);
        check::assert_close(f64::from(v32), v64, tol);
        check::assert_slices(&[f64::from(a32), f64::from(b32)], &[a64, b64], tol);
    }
}

/// `stop_gradient` cannot be checked against finite differences of the function itself: the
/// reference is the finite difference with the stopped value frozen at the point.
#[test]
fn stop_gradient_freezes_the_inner_value() {
    for &(x, y) in &[(3.0, 1.0), (-0.5, 2.0), (1.5, -0.25)] {
        let frozen = x * y;
        let reference = |p: &[f64]| p[0] * frozen + p[1];
        let (value, (gx, gy)) = stop_grad_grad(x, y);
        check::assert_close(value, stop_grad(x, y), Tolerance::tight());
        check::assert_gradient(
            reference,
            &[x, y],
            &[gx, gy],
            DEFAULT_ETA,
            Tolerance::default(),
        );
        // The full derivative would be 2xy for x: make sure the block is really there.
        assert!(
            (gx - 2.0 * x * y).abs() > 0.1,
            "stop_gradient ignored: {gx}"
        );
        let (v, d) = stop_grad_jvp(x, y, 0.7, -1.3);
        check::assert_close(v, value, Tolerance::tight());
        check::assert_jvp_vjp(&[gx, gy], &[0.7, -1.3], d, Tolerance::tight());
        let (_, pb) = stop_grad_vjp(x, y);
        let (px, py) = pb(2.0);
        check::assert_slices(&[px, py], &[2.0 * gx, 2.0 * gy], Tolerance::tight());
    }
}

type Pair = (f64, f64);

/// Tuple outputs: the pullback of cotangent `w` is `w^T J`, the jvp along `t` is `J t`.
fn check_tuple_output(
    name: &str,
    f: fn(f64, f64) -> (f64, f64),
    vjp: fn(f64, f64, Pair) -> (Pair, Pair),
    jvp: fn(f64, f64, f64, f64) -> (Pair, Pair),
    points: &[[f64; 2]],
) {
    assert!(points.len() >= 3);
    for p in points {
        let vf = |q: &[f64]| {
            let (a, b) = f(q[0], q[1]);
            vec![a, b]
        };
        let jac = check::numeric_jacobian(vf, p, DEFAULT_ETA);
        for w in [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-0.5, 2.0]] {
            let (value, g) = vjp(p[0], p[1], (w[0], w[1]));
            let (a, b) = f(p[0], p[1]);
            check::assert_slices(&[value.0, value.1], &[a, b], Tolerance::tight());
            let expected = check::vector_jacobian_product(&jac, &w);
            if let Err(e) = check::check_slices(&[g.0, g.1], &expected, Tolerance::default()) {
                panic!("{name} at {p:?}: pullback of {w:?} vs w^T J: {e}");
            }
        }
        for t in [[1.0, 0.0], [0.0, 1.0], [0.7, -1.3]] {
            let (value, d) = jvp(p[0], p[1], t[0], t[1]);
            let (a, b) = f(p[0], p[1]);
            check::assert_slices(&[value.0, value.1], &[a, b], Tolerance::tight());
            let expected: Vec<f64> = jac.iter().map(|row| check::dot(row, &t)).collect();
            if let Err(e) = check::check_slices(&[d.0, d.1], &expected, Tolerance::default()) {
                panic!("{name} at {p:?}: jvp along {t:?} vs J t: {e}");
            }
            // Forward vs reverse: w . (J t) == (w^T J) . t.
            let w = [0.3, -1.1];
            let (_, g) = vjp(p[0], p[1], (w[0], w[1]));
            check::assert_close(
                w[0] * d.0 + w[1] * d.1,
                g.0 * t[0] + g.1 * t[1],
                Tolerance::new(1e-12, 1e-10),
            );
        }
    }
}

#[test]
fn tuple_out_pullback_and_jvp() {
    check_tuple_output(
        "tuple_out",
        tuple_out,
        |x, y, w| {
            let (v, pb) = tuple_out_vjp(x, y);
            (v, pb(w))
        },
        tuple_out_jvp,
        &[[0.5, 1.5], [-1.2, 0.3], [2.0, -0.9]],
    );
}

#[test]
fn tuple_loop_pullback_and_jvp() {
    check_tuple_output(
        "tuple_loop",
        tuple_loop,
        |x, y, w| {
            let (v, pb) = tuple_loop_vjp(x, y);
            (v, pb(w))
        },
        tuple_loop_jvp,
        &[[0.5, 1.5], [-1.2, 0.3], [2.0, -0.9]],
    );
}

#[test]
fn pullback_is_reusable_and_borrows_its_arguments() {
    let v = vec![0.5, -1.0, 2.0];
    let (y, pb) = slice_index_vjp(&v);
    let first = pb(1.0);
    let second = pb(1.0);
    let third = pb(3.0);
    check::assert_close(y, slice_index(&v), Tolerance::tight());
    check::assert_slices(&first, &second, Tolerance::new(0.0, 0.0));
    let tripled: Vec<f64> = first.iter().map(|g| 3.0 * g).collect();
    check::assert_slices(&third, &tripled, Tolerance::tight());
    // d/dv_i of sum (i+1) v_i^2 + v_0 v_2 at (0.5, -1, 2): (1 + 2, -4, 12 + 0.5)
    check::assert_slices(&first, &[3.0, -4.0, 12.5], Tolerance::tight());
}

#[test]
fn gradients_of_helpers_called_directly() {
    // The callees used by other corpus functions also work on their own.
    for &x in &[-0.7, 0.2, 1.3] {
        let (v, g) = helper_sq_grad(x);
        check::assert_close(v, helper_sq(x), Tolerance::tight());
        check::assert_derivative(helper_sq, x, g, DEFAULT_ETA, Tolerance::default());
        let (_, g) = shapes::cube_grad(x);
        check::assert_close(g, 3.0 * x * x, Tolerance::tight());
        let (_, (gx, gk)) = shapes::inner::scaled_grad(x, 2.0);
        check::assert_slices(&[gx, gk], &[2.0 * x.exp(), x.exp()], Tolerance::tight());
        let (_, g) = Quad.eval_grad(x);
        check::assert_close(g, 4.0 * x + 1.0, Tolerance::tight());
        let (_, (ga, gb)) = Quad::assoc_grad(x, 0.5);
        check::assert_slices(
            &[ga, gb],
            &[0.5f64.cos(), -x * 0.5f64.sin()],
            Tolerance::tight(),
        );
    }
}

#[test]
fn exact_gradients_of_simple_cases() {
    // Hand-derived values, independent of finite differences.
    let (v, g) = poly3_grad(2.0);
    check::assert_close(v, 3.0 * 8.0 - 8.0 + 2.0 - 7.0, Tolerance::tight());
    check::assert_close(g, 9.0 * 4.0 - 8.0 + 1.0, Tolerance::tight());
    // seed control flow at a = 1.7: b = 3.4 * 2^9 = 1740.8, dc/da = 2 * 2^9 = 1024.
    let (v, g) = seed_control_flow_grad(1.7);
    check::assert_close(v, 1740.8, Tolerance::new(1e-9, 1e-12));
    check::assert_close(g, 1024.0, Tolerance::tight());
    // rpow(x, 7) = x^7.
    let (_, g) = rpow_grad(1.1, 7);
    check::assert_close(g, 7.0 * 1.1f64.powi(6), Tolerance::tight());
    // horner_rev: s = (((5x + 4)x + 3)x + 2)x + 1, so ds/dx = 2 + 6x + 12x^2 + 20x^3.
    let (_, g) = horner_rev_grad(0.5);
    check::assert_close(
        g,
        2.0 + 6.0 * 0.5 + 12.0 * 0.25 + 20.0 * 0.125,
        Tolerance::tight(),
    );
    // array_param gradient: (a1, a0 - 1/a2, e^a2 + a1/a2^2).
    let (_, g) = array_param_grad([0.5, -1.0, 2.0]);
    check::assert_slices(
        &g,
        &[-1.0, 0.5 - 0.5, 2.0f64.exp() - 0.25],
        Tolerance::tight(),
    );
}
