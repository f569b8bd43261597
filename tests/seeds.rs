//! The seed notebooks' GradientTape cells, checked against TensorFlow's own numbers
//! (`reference/seeds_tf.json`, produced by `seeds_tf.py` with TensorFlow 2.21).
//!
//! TensorFlow concepts map onto the contract like this:
//! * a watched variable or constant is a differentiated parameter, an unwatched one is
//!   `#[no_grad]` or outside `wrt(..)`;
//! * the gradient with respect to an intermediate `b` is the gradient with respect to an additive
//!   perturbation `db` of `b` taken at `db = 0`;
//! * a gradient of several targets is the pullback of the all-ones cotangent of a tuple output;
//! * TensorFlow's `None` (unconnected) gradient is an exact zero.
//!
//! Cells that are not about differentiation (`mse_metric_running`, `categorical_accuracy`) and the
//! one about TensorFlow's non-persistent tapes (`nonpersistent_second_call`: our pullbacks may be
//! called any number of times, which is checked instead) have no counterpart here.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use std::collections::BTreeMap;

use autodiff::check::{self, Tolerance};
use autodiff::dual::Dual;
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// A tiny JSON reader: enough for seeds_tf.json (objects, arrays, numbers, strings, null).
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(
            self.s.get(self.i),
            Some(&c),
            "JSON: expected '{}' at byte {}",
            c as char,
            self.i
        );
        self.i += 1;
    }

    fn literal(&mut self, word: &str, value: Json) -> Json {
        assert!(
            self.s[self.i..].starts_with(word.as_bytes()),
            "JSON: bad literal at byte {}",
            self.i
        );
        self.i += word.len();
        value
    }

    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = String::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return out,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    out.push(match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        other => other as char,
                    });
                }
                _ => {
                    // Copy one UTF-8 sequence.
                    let start = self.i - 1;
                    let mut end = self.i;
                    while end < self.s.len() && (self.s[end] & 0xC0) == 0x80 {
                        end += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.s[start..end]).expect("UTF-8"));
                    self.i = end;
                }
            }
        }
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'n' => self.literal("null", Json::Null),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'"' => Json::Str(self.string()),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(items);
                }
                loop {
                    items.push(self.value());
                    self.ws();
                    let c = self.s[self.i];
                    self.i += 1;
                    match c {
                        b',' => continue,
                        b']' => return Json::Arr(items),
                        _ => panic!("JSON: bad array at byte {}", self.i),
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut map = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(map);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    let v = self.value();
                    map.insert(k, v);
                    self.ws();
                    let c = self.s[self.i];
                    self.i += 1;
                    match c {
                        b',' => continue,
                        b'}' => return Json::Obj(map),
                        _ => panic!("JSON: bad object at byte {}", self.i),
                    }
                }
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).expect("ASCII");
                Json::Num(
                    text.parse()
                        .unwrap_or_else(|_| panic!("JSON: bad number {text:?}")),
                )
            }
        }
    }
}

impl Json {
    fn parse(text: &str) -> Json {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.i, text.len(), "JSON: trailing characters");
        v
    }

    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m
                .get(key)
                .unwrap_or_else(|| panic!("seeds_tf.json has no key {key:?}")),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn num(&self) -> f64 {
        match self {
            Json::Num(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }

    /// A number, with TensorFlow's `None` (unconnected gradient) read as zero.
    fn num_or_zero(&self) -> f64 {
        match self {
            Json::Null => 0.0,
            other => other.num(),
        }
    }

    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }

    /// A flat vector of numbers (nested single-element arrays, as TF's `(4, 1)` shapes, flattened).
    fn flat(&self) -> Vec<f64> {
        match self {
            Json::Arr(a) => a.iter().flat_map(Json::flat).collect(),
            Json::Null => vec![0.0],
            other => vec![other.num()],
        }
    }
}

fn reference() -> Json {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/seeds_tf.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Json::parse(&text)
}

fn tf(key: &str) -> Json {
    reference().get(key).clone()
}

/// Exact agreement, written as a zero tolerance.
const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
/// Agreement up to `f64` rounding.
const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);

#[test]
fn json_reader_reads_the_reference_file() {
    let r = reference();
    let Json::Obj(map) = &r else {
        panic!("top level is not an object")
    };
    assert!(map.len() >= 20, "{} keys", map.len());
    assert!(
        matches!(r.get("nonpersistent_second_call"), Json::Str(s) if s.contains("non-persistent"))
    );
    assert!(matches!(r.get("unwatched_constants").arr()[0], Json::Null));
    assert_eq!(r.get("control_flow").arr().len(), 5);
    let nested = Json::parse(r#"{"a": [1, [2.5e1, null], []], "o": {"b": "x\"y"}, "t": true}"#);
    assert!(matches!(nested.get("o").get("b"), Json::Str(s) if s == "x\"y"));
    check::assert_slices(&nested.get("a").flat(), &[1.0, 25.0, 0.0], EXACT);
    assert!(matches!(nested.get("t"), Json::Bool(true)));
}

// ------------------------------------------------------------------------------------------------
// 1. y = x * x at 3 (a watched constant)
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn square(x: f64) -> f64 {
    x * x
}

#[test]
fn square_at_3() {
    let (y, g) = square_grad(3.0);
    check::assert_close(y, square(3.0), EXACT);
    check::assert_close(g, tf("square_at_3").num(), TIGHT);
}

// ------------------------------------------------------------------------------------------------
// 2-3. z = x1^2 + x2^3 at (2, 3): persistent tape, single variable, watched / unwatched constants
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn poly(x1: f64, x2: f64) -> f64 {
    x1.powi(2) + x2.powi(3)
}

#[differentiable]
fn poly_powf(x1: f64, x2: f64) -> f64 {
    x1.powf(2.0) + x2.powf(3.0)
}

/// Only `x1` is watched (TF's `watch_accessed_variables=False` + `watch(x1)`).
#[differentiable(wrt(x1))]
fn poly_wrt_x1(x1: f64, x2: f64) -> f64 {
    x1.powi(2) + x2.powi(3)
}

/// The same with `#[no_grad]`.
#[differentiable]
fn poly_no_grad_x2(x1: f64, #[no_grad] x2: f64) -> f64 {
    x1.powi(2) + x2.powi(3)
}

#[test]
fn poly_persistent() {
    let expected = tf("poly_persistent").flat();
    let (z, (g1, g2)) = poly_grad(2.0, 3.0);
    check::assert_close(z, 31.0, TIGHT);
    check::assert_close(z, poly(2.0, 3.0), EXACT);
    check::assert_slices(&[g1, g2], &expected, TIGHT);
    // A "persistent" pullback: the same one asked twice gives the same answer.
    let (_, pb) = poly_vjp(2.0, 3.0);
    let first = pb(1.0);
    let second = pb(1.0);
    check::assert_slices(&[first.0, first.1], &expected, TIGHT);
    check::assert_slices(&[second.0, second.1], &expected, TIGHT);
    // powf spelling.
    let (z, (h1, h2)) = poly_powf_grad(2.0, 3.0);
    check::assert_close(z, poly_powf(2.0, 3.0), EXACT);
    check::assert_slices(&[h1, h2], &expected, Tolerance::new(1e-12, 1e-10));
    // Forward mode, one direction per variable.
    let (_, d1) = poly_jvp(2.0, 3.0, 1.0, 0.0);
    let (_, d2) = poly_jvp(2.0, 3.0, 0.0, 1.0);
    check::assert_slices(&[d1, d2], &expected, TIGHT);
}

#[test]
fn poly_dx1() {
    let expected = tf("poly_dx1").num();
    let (z, g) = poly_wrt_x1_grad(2.0, 3.0);
    check::assert_close(g, expected, TIGHT);
    check::assert_close(z, poly_wrt_x1(2.0, 3.0), EXACT);
    let (z, g) = poly_no_grad_x2_grad(2.0, 3.0);
    check::assert_close(g, expected, TIGHT);
    check::assert_close(z, poly_no_grad_x2(2.0, 3.0), EXACT);
    let (_, (g1, _)) = poly_grad(2.0, 3.0);
    check::assert_close(g1, expected, TIGHT);
}

#[test]
fn watch_accessed_false() {
    // TF: [4.0, None]. With wrt(x1) the gradient is x1's alone; x2 has none (a plain f64, not a
    // tuple), and its tangent is not even an argument of the jvp.
    let r = tf("watch_accessed_false");
    assert!(matches!(r.arr()[1], Json::Null));
    let (_, g): (f64, f64) = poly_wrt_x1_grad(2.0, 3.0);
    check::assert_close(g, r.arr()[0].num(), TIGHT);
    let (_, d) = poly_wrt_x1_jvp(2.0, 3.0, 1.0);
    check::assert_close(d, r.arr()[0].num(), TIGHT);
}

#[test]
fn watched_constants() {
    // Constants passed as arguments are "watched": every float parameter is differentiated.
    let expected = tf("watched_constants").flat();
    let (c1, c2) = (2.0, 3.0);
    let (_, (g1, g2)) = poly_grad(c1, c2);
    check::assert_slices(&[g1, g2], &expected, TIGHT);
}

#[differentiable]
fn poly_with_unused(x1: f64, x2: f64, _x3: f64) -> f64 {
    x1.powi(2) + x2.powi(3)
}

#[test]
fn unconnected_zero() {
    let expected = tf("unconnected_zero").flat();
    assert_eq!(expected.len(), 3);
    let (z, (g1, g2, g3)) = poly_with_unused_grad(2.0, 3.0, 1.0);
    check::assert_close(z, poly_with_unused(2.0, 3.0, 1.0), EXACT);
    check::assert_slices(&[g1, g2], &expected[..2], TIGHT);
    // The unconnected parameter's gradient is exactly zero, not merely small.
    check::assert_close(g3, expected[2], EXACT);
    let (_, pb) = poly_with_unused_vjp(2.0, 3.0, 1.0);
    check::assert_close(pb(7.5).2, 0.0, EXACT);
    let (_, d) = poly_with_unused_jvp(2.0, 3.0, 1.0, 0.0, 0.0, 1.0);
    check::assert_close(d, 0.0, EXACT);
}

// ------------------------------------------------------------------------------------------------
// 4. Several targets: gradient of [3x, x^2] at 5 = 3 + 10
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn two_targets(x: f64) -> (f64, f64) {
    let z1 = 3.0 * x;
    let z2 = x.powi(2);
    (z1, z2)
}

#[test]
fn multi_target_sum() {
    let (value, pb) = two_targets_vjp(5.0);
    check::assert_slices(&[value.0, value.1], &[15.0, 25.0], TIGHT);
    let direct = two_targets(5.0);
    check::assert_slices(&[value.0, value.1], &[direct.0, direct.1], EXACT);
    check::assert_close(pb((1.0, 1.0)), tf("multi_target_sum").num(), TIGHT);
    // Each target alone.
    check::assert_close(pb((1.0, 0.0)), 3.0, TIGHT);
    check::assert_close(pb((0.0, 1.0)), 10.0, TIGHT);
    // Forward mode gives both derivatives at once.
    let (_, (d1, d2)) = two_targets_jvp(5.0, 1.0);
    check::assert_close(d1 + d2, tf("multi_target_sum").num(), TIGHT);
}

// ------------------------------------------------------------------------------------------------
// 5. Second order: z = x1^2 + x2 + 1; d/d[x1, x2] of each first derivative
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn second_order_z<T: Real>(x1: T, x2: T) -> T {
    x1.powi(2) + x2 + T::one()
}

#[test]
fn second_order() {
    // Nested tapes are forward over reverse: the gradient of the generic function evaluated at
    // dual numbers, seeded in direction j, carries column j of the Hessian in its `eps` parts.
    // TF's None entries are unconnected, i.e. zero.
    let expected: Vec<Vec<f64>> = tf("second_order")
        .arr()
        .iter()
        .map(|row| row.arr().iter().map(Json::num_or_zero).collect())
        .collect();
    let (x1, x2) = (2.0, 3.0);
    let (_, (g1, g2)) = second_order_z_grad(x1, x2);
    check::assert_slices(&[g1, g2], &[4.0, 1.0], TIGHT);
    // Column j of the Hessian: seed x_j.
    let col = |j: usize| {
        let seed = |k: usize, v: f64| {
            if k == j {
                Dual::variable(v)
            } else {
                Dual::constant(v)
            }
        };
        let (_, (d1, d2)) = second_order_z_grad(seed(0, x1), seed(1, x2));
        [d1.eps, d2.eps]
    };
    let hessian = [col(0), col(1)];
    // The Hessian is symmetric, so rows and columns agree with TF's [d(dz/dx_i)/dx_j].
    for (row, exp) in hessian.iter().zip(&expected) {
        check::assert_slices(row, exp, TIGHT);
    }
}

// ------------------------------------------------------------------------------------------------
// 6. Gradient descent on f(x) = x^2 - 2x + 1 from 0, lr 0.1, 100 steps (f32)
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn gd_f(x: f32) -> f32 {
    x.powi(2) - x * 2.0 + 1.0
}

fn descend_f32(steps: usize, lr: f32) -> f32 {
    let mut x = 0.0f32;
    for _ in 0..steps {
        let (_, g) = gd_f_grad(x);
        x -= lr * g;
    }
    x
}

#[test]
fn gd_manual() {
    let x = descend_f32(100, 0.1);
    check::assert_close(
        f64::from(x),
        tf("gd_manual").num(),
        Tolerance::new(1e-6, 0.0),
    );
    // At the minimum the loss is (x - 1)^2, about 1e-14.
    check::assert_close(f64::from(gd_f(x)), 0.0, Tolerance::new(1e-6, 0.0));
}

#[test]
fn gd_sgd() {
    // Keras SGD without momentum takes exactly the manual step `x -= lr * g`.
    let x = descend_f32(100, 0.1);
    check::assert_close(f64::from(x), tf("gd_sgd").num(), Tolerance::new(1e-6, 0.0));
}

#[test]
fn gd_adam_100() {
    // Keras 3 Adam (beta1 0.9, beta2 0.999, epsilon 1e-7) written out by hand in f32, fed by the
    // macro's gradient.
    let (lr, b1, b2, eps) = (0.1f32, 0.9f32, 0.999f32, 1e-7f32);
    let (mut x, mut m, mut v) = (0.0f32, 0.0f32, 0.0f32);
    for t in 1..=100 {
        let (_, g) = gd_f_grad(x);
        let alpha = lr * (1.0 - b2.powi(t)).sqrt() / (1.0 - b1.powi(t));
        m += (g - m) * (1.0 - b1);
        v += (g * g - v) * (1.0 - b2);
        x -= (m * alpha) / (v.sqrt() + eps);
    }
    check::assert_close(
        f64::from(x),
        tf("gd_adam_100").num(),
        Tolerance::new(1e-5, 0.0),
    );
}

// ------------------------------------------------------------------------------------------------
// 7-8. y = 2 x^T x and the chain y = x*x, z = y*y, at x = [0, 1, 2, 3]
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn two_xtx<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for &xi in x {
        s += xi * xi;
    }
    T::from_f64(2.0) * s
}

#[test]
fn xtx_value_grad_second() {
    let x = [0.0, 1.0, 2.0, 3.0];
    let (y, g) = two_xtx_grad(&x);
    check::assert_slices(&[y], &tf("xtx_value").flat(), TIGHT);
    check::assert_close(y, two_xtx(&x), EXACT);
    check::assert_slices(&g, &tf("xtx_grad").flat(), TIGHT);
    // TF differentiates the non-scalar dy = 4x again, i.e. the sum of its entries: entry j is
    // sum_i H_ij, the sum of the gradient's eps parts when x_j is seeded (forward over reverse).
    let second: Vec<f64> = (0..x.len())
        .map(|j| {
            let duals: Vec<Dual<f64>> = x
                .iter()
                .enumerate()
                .map(|(k, &v)| {
                    if k == j {
                        Dual::variable(v)
                    } else {
                        Dual::constant(v)
                    }
                })
                .collect();
            two_xtx_grad(&duals).1.iter().map(|d| d.eps).sum()
        })
        .collect();
    check::assert_slices(&second, &tf("xtx_second").flat(), TIGHT);
}

/// z = (x*x)^2, with an additive perturbation `dy` on the intermediate y to read dz/dy.
#[differentiable]
fn chain(x: f64, dy: f64) -> f64 {
    let y = x * x + dy;
    y * y
}

#[test]
fn chain_dz_dx_and_dz_dy() {
    let dz_dx = tf("chain_dz_dx").flat();
    let dz_dy = tf("chain_dz_dy").flat();
    for (i, x) in [0.0, 1.0, 2.0, 3.0].into_iter().enumerate() {
        let (z, (gx, gy)) = chain_grad(x, 0.0);
        check::assert_close(z, x.powi(4), TIGHT);
        check::assert_close(z, chain(x, 0.0), EXACT);
        check::assert_close(gx, dz_dx[i], TIGHT);
        check::assert_close(gy, dz_dy[i], TIGHT);
    }
}

// ------------------------------------------------------------------------------------------------
// 9. Control flow (f32): b = 2a; while |b| < 1000 { b *= 2 }; c = b if b > 0 else 100 b
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn control_flow(a: f32) -> f32 {
    let mut b = a * 2.0;
    while b.abs() < 1000.0 {
        b = b * 2.0;
    }
    if b > 0.0 { b } else { 100.0 * b }
}

#[test]
fn control_flow_cases() {
    let cases = tf("control_flow");
    assert_eq!(cases.arr().len(), 5);
    for case in cases.arr() {
        let a = case.get("a").num() as f32;
        let (c, dc_da) = control_flow_grad(a);
        let tol = Tolerance::new(0.0, 1e-7);
        if let Err(e) = check::check_close(f64::from(c), case.get("c").num(), tol) {
            panic!("control_flow value at a = {a}: {e}");
        }
        if let Err(e) = check::check_close(f64::from(dc_da), case.get("dc_da").num(), tol) {
            panic!("control_flow gradient at a = {a}: {e}");
        }
        check::assert_close(f64::from(c), f64::from(control_flow(a)), EXACT);
        let (_, d) = control_flow_jvp(a, 1.0);
        check::assert_close(f64::from(d), case.get("dc_da").num(), tol);
    }
}

// ------------------------------------------------------------------------------------------------
// 10. stop_gradient
// ------------------------------------------------------------------------------------------------

/// TF: `b = 2a`, `tf.gradients(a + b, [a, b])` = [3, 1]. The gradient with respect to b is that
/// with respect to an additive perturbation `db` of it.
#[differentiable]
fn tf_gradients_fn(a: f64, db: f64) -> f64 {
    let b = 2.0 * a + db;
    a + b
}

/// The same with `stop_gradients=[a, b]`: b no longer depends on a.
#[differentiable]
fn tf_gradients_stop_fn(a: f64, db: f64) -> f64 {
    let b = stop_gradient(2.0 * a) + db;
    a + b
}

#[test]
fn tf_gradients() {
    let (v, (ga, gb)) = tf_gradients_fn_grad(0.0, 0.0);
    check::assert_close(v, tf_gradients_fn(0.0, 0.0), EXACT);
    check::assert_slices(&[ga, gb], &tf("tf_gradients").flat(), TIGHT);
}

#[test]
fn tf_gradients_stop() {
    let (v, (ga, gb)) = tf_gradients_stop_fn_grad(0.0, 0.0);
    check::assert_close(v, tf_gradients_stop_fn(0.0, 0.0), EXACT);
    check::assert_slices(&[ga, gb], &tf("tf_gradients_stop").flat(), TIGHT);
}

#[differentiable]
fn x_sgx(x: f64) -> f64 {
    x * stop_gradient(x)
}

#[test]
fn stop_gradient_x_sgx() {
    let (y, g) = x_sgx_grad(3.0);
    check::assert_close(y, x_sgx(3.0), EXACT);
    check::assert_close(g, tf("stop_gradient_x_sgx").num(), TIGHT);
    let (_, d) = x_sgx_jvp(3.0, 1.0);
    check::assert_close(d, tf("stop_gradient_x_sgx").num(), TIGHT);
}

// ------------------------------------------------------------------------------------------------
// 11. The seed's finite-difference helper, and the macro against it
// ------------------------------------------------------------------------------------------------

#[differentiable]
fn ff(x: f64) -> f64 {
    3.0 * x.powi(2) + 2.0 * x - 1.0
}

#[test]
fn approx_derivative_at_1() {
    let d = check::approx_derivative(ff, 1.0, 1e-3);
    check::assert_close(
        d,
        tf("approx_derivative_at_1").num(),
        Tolerance::new(1e-9, 0.0),
    );
    // The exact derivative is 8.
    let (_, g) = ff_grad(1.0);
    check::assert_close(g, 8.0, TIGHT);
    check::assert_close(g, d, Tolerance::new(1e-9, 0.0));
}

// ------------------------------------------------------------------------------------------------
// 12. Categorical cross-entropy from logits (the loss value and its gradient)
// ------------------------------------------------------------------------------------------------

/// Mean over samples of `-sum(y * log_softmax(z))`, samples of width `k`.
#[differentiable]
fn cce_from_logits_fn(logits: &[f64], #[no_grad] labels: &[f64], k: usize) -> f64 {
    let n = logits.len() / k;
    let mut total = 0.0;
    for s in 0..n {
        let mut m = logits[s * k];
        for j in 1..k {
            m = m.max(logits[s * k + j]);
        }
        let mut z = 0.0;
        for j in 0..k {
            z += (logits[s * k + j] - m).exp();
        }
        let lse = z.ln() + m;
        for j in 0..k {
            total -= labels[s * k + j] * (logits[s * k + j] - lse);
        }
    }
    total / n as f64
}

#[test]
fn cce_from_logits() {
    let labels = [0.0, 1.0, 0.0, 0.2, 0.3, 0.5];
    let logits = [1.0, 2.0, 3.0, 0.5, -1.0, 2.0];
    let (loss, g) = cce_from_logits_fn_grad(&logits, &labels, 3);
    // TF computed in f32.
    check::assert_close(
        loss,
        tf("cce_from_logits").num(),
        Tolerance::new(1e-6, 1e-6),
    );
    // d loss / d z = (softmax(z) - y) / n per sample (the labels sum to one).
    let mut expected = Vec::new();
    for s in 0..2 {
        let z = &logits[s * 3..s * 3 + 3];
        let denom: f64 = z.iter().map(|v| v.exp()).sum();
        for j in 0..3 {
            expected.push((z[j].exp() / denom - labels[s * 3 + j]) / 2.0);
        }
    }
    check::assert_slices(&g, &expected, Tolerance::new(1e-12, 1e-10));
    check::assert_gradient(
        |p| cce_from_logits_fn(p, &labels, 3),
        &logits,
        &g,
        check::DEFAULT_ETA,
        Tolerance::default(),
    );
}
