//! The seed notebooks' matrix cells, written with nalgebra matrices inside `#[differentiable]`
//! and checked against TensorFlow's own numbers, read at test time from
//! `reference/seeds_tf.json` (produced by `seeds_tf.py` with TensorFlow 2.21).
//!
//! * `y = 2 xᵀx` on a 4×1 `f32` matrix `x = [0, 1, 2, 3]ᵀ`: TensorFlow's `y` is a 1×1 matrix,
//!   so the gradient is the pullback of a 1×1 cotangent of ones (`tape.gradient` seeds a
//!   non-scalar target with ones); the same through the scalar `y[(0, 0)]` and `_grad` (indexing
//!   needs a variable: `(2.0 * (&xt * x))[(0, 0)]` is refused with a clear error).
//! * the persistent-tape chain `y = x∘x`, `z = y∘y`: TensorFlow differentiates the sum of the
//!   entries of `z`; `dz/dy` is the gradient with respect to an additive perturbation of `y`.
//! * the control-flow cell on a 1×1 `f32` matrix, with `norm` and `sum` as in TensorFlow's
//!   `tf.norm(b) < 1000` and `tf.reduce_sum(b) > 0`, for the five reference cases.
//!
//! Everything here is `f32`, as in TensorFlow. Doublings and the `4x`, `4x³`, `2y` of these cells
//! are exact in `f32`, so the agreement is exact up to `f32` rounding of the reference values.

// `b = b * 2.0` is kept as the seed writes it.
#![allow(clippy::assign_op_pattern)]

use autodiff::check::{self, Tolerance};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// A small extraction from seeds_tf.json: the value of a top-level key, as nested arrays/objects
// of numbers (the file is JSON written by Python's `json.dump`).
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Json {
    Num(f64),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
    /// Strings, `null`, `true`, `false`: not needed by the matrix cells, kept as text.
    Other(String),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key:?}")),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn num(&self) -> f64 {
        match self {
            Json::Num(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }

    /// The numbers of nested arrays in order (TensorFlow's `(4, 1)` shapes flattened).
    fn flat(&self) -> Vec<f64> {
        match self {
            Json::Arr(a) => a.iter().flat_map(Json::flat).collect(),
            other => vec![other.num()],
        }
    }
}

/// A recursive-descent reader over the bytes of a JSON document.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> u8 {
        self.skip_ws();
        *self
            .s
            .get(self.i)
            .unwrap_or_else(|| panic!("JSON: unexpected end at byte {}", self.i))
    }

    fn string(&mut self) -> String {
        assert_eq!(
            self.peek(),
            b'"',
            "JSON: expected a string at byte {}",
            self.i
        );
        self.i += 1;
        let start = self.i;
        while self.s[self.i] != b'"' {
            self.i += if self.s[self.i] == b'\\' { 2 } else { 1 };
        }
        self.i += 1;
        String::from_utf8_lossy(&self.s[start..self.i - 1]).into_owned()
    }

    /// Reads a comma-separated sequence up to `close`, calling `item` for each element.
    fn sequence(&mut self, close: u8, mut item: impl FnMut(&mut Self)) {
        self.i += 1; // the opening bracket
        if self.peek() == close {
            self.i += 1;
            return;
        }
        loop {
            item(self);
            match self.peek() {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    return;
                }
                c => panic!("JSON: unexpected {:?} at byte {}", c as char, self.i),
            }
        }
    }

    fn value(&mut self) -> Json {
        match self.peek() {
            b'[' => {
                let mut items = Vec::new();
                self.sequence(b']', |r| items.push(r.value()));
                Json::Arr(items)
            }
            b'{' => {
                let mut fields = Vec::new();
                self.sequence(b'}', |r| {
                    let k = r.string();
                    assert_eq!(r.peek(), b':', "JSON: expected ':' at byte {}", r.i);
                    r.i += 1;
                    fields.push((k, r.value()));
                });
                Json::Obj(fields)
            }
            b'"' => Json::Other(self.string()),
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| !matches!(c, b',' | b']' | b'}') && !c.is_ascii_whitespace())
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).expect("UTF-8");
                text.parse()
                    .map(Json::Num)
                    .unwrap_or_else(|_| Json::Other(text.to_string()))
            }
        }
    }
}

/// TensorFlow's answer for the seed cell `key`.
fn tf(key: &str) -> Json {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/seeds_tf.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut r = Reader {
        s: text.as_bytes(),
        i: 0,
    };
    let doc = r.value();
    r.skip_ws();
    assert_eq!(r.i, text.len(), "JSON: trailing characters");
    doc.get(key).clone()
}

/// `f32` results against TensorFlow's `f32` results (printed as `f64`).
const F32: Tolerance = Tolerance::new(0.0, 1e-7);

/// Parsed numbers against the literals they were written from.
const EXACT: Tolerance = Tolerance::new(0.0, 0.0);

fn widen(m: &DMatrix<f32>) -> Vec<f64> {
    m.iter().map(|&v| f64::from(v)).collect()
}

/// Two `f32` matrices computed the same way: the same shape and every entry within [`F32`].
#[track_caller]
fn assert_same(got: &DMatrix<f32>, want: &DMatrix<f32>) {
    assert_eq!(got.shape(), want.shape(), "shapes differ");
    check::assert_slices(&widen(got), &widen(want), F32);
}

/// Two `f32` scalars computed the same way, within [`F32`].
#[track_caller]
fn assert_same_scalar(got: f32, want: f32) {
    check::assert_close(f64::from(got), f64::from(want), F32);
}

fn seed_x() -> DMatrix<f32> {
    DMatrix::from_column_slice(4, 1, &[0.0, 1.0, 2.0, 3.0])
}

#[test]
fn reader_reads_the_reference_file() {
    check::assert_slices(&tf("xtx_value").flat(), &[28.0], EXACT);
    assert_eq!(tf("xtx_grad").arr().len(), 4);
    assert_eq!(tf("control_flow").arr().len(), 5);
    let nested = Reader {
        s: br#"{"a": [1, [2.5e1, -3]], "s": "x\"y", "n": null, "o": {}}"#,
        i: 0,
    }
    .value();
    check::assert_slices(&nested.get("a").flat(), &[1.0, 25.0, -3.0], EXACT);
    assert!(matches!(nested.get("n"), Json::Other(s) if s == "null"));
    assert!(matches!(nested.get("o"), Json::Obj(f) if f.is_empty()));
}

// ------------------------------------------------------------------------------------------------
// y = 2 xᵀx on a 4×1 matrix
// ------------------------------------------------------------------------------------------------

/// `2 * tf.matmul(tf.transpose(x), x)`: a 1×1 matrix.
#[differentiable]
fn two_xtx(x: &DMatrix<f32>) -> DMatrix<f32> {
    let xt = x.transpose();
    2.0 * (&xt * x)
}

/// The same as a scalar: the single entry of the 1×1 product, `y[(0, 0)]`.
#[differentiable]
fn two_xtx_scalar(x: &DMatrix<f32>) -> f32 {
    let xt = x.transpose();
    // Indexing needs a variable (the macro says so for `(..)[(0, 0)]`).
    let y = 2.0 * (&xt * x);
    y[(0, 0)]
}

#[test]
fn xtx_value_and_gradient() {
    let x = seed_x();
    let (y, pullback) = two_xtx_vjp(&x);
    assert_eq!(y.shape(), (1, 1));
    assert_same(&y, &two_xtx(&x));
    check::assert_slices(&widen(&y), &tf("xtx_value").flat(), F32);
    let g = pullback(DMatrix::from_element(1, 1, 1.0));
    assert_eq!(g.shape(), (4, 1));
    check::assert_slices(&widen(&g), &tf("xtx_grad").flat(), F32);
    // The pullback is linear and may be called again.
    let g3 = pullback(DMatrix::from_element(1, 1, 3.0));
    assert_same(&g3, &(3.0 * &g));

    let (s, gs) = two_xtx_scalar_grad(&x);
    check::assert_slices(&[f64::from(s)], &tf("xtx_value").flat(), F32);
    assert_same_scalar(s, two_xtx_scalar(&x));
    check::assert_slices(&widen(&gs), &tf("xtx_grad").flat(), F32);

    // Forward mode along each unit direction gives the gradient entry by entry.
    for k in 0..4 {
        let mut t = DMatrix::zeros(4, 1);
        t[k] = 1.0;
        let (_, dy) = two_xtx_jvp(&x, t.clone());
        assert_eq!(dy.shape(), (1, 1));
        assert_same_scalar(dy[(0, 0)], g[k]);
        assert_same_scalar(two_xtx_scalar_jvp(&x, t).1, g[k]);
    }
}

// ------------------------------------------------------------------------------------------------
// The persistent tape: y = x∘x, z = y∘y
// ------------------------------------------------------------------------------------------------

/// `z = (x∘x)∘(x∘x)`, a 4×1 matrix.
#[differentiable]
fn chain(x: &DMatrix<f32>) -> DMatrix<f32> {
    let y = x.component_mul(x);
    y.component_mul(&y)
}

/// The sum of `z`'s entries, which is what `tape.gradient(z, x)` differentiates.
#[differentiable]
fn chain_sum(x: &DMatrix<f32>) -> f32 {
    let y = x.component_mul(x);
    y.component_mul(&y).sum()
}

/// `z` with an additive perturbation `dy` of the intermediate `y`: `dz/dy` at `dy = 0`.
#[differentiable]
fn chain_perturbed(x: &DMatrix<f32>, dy: &DMatrix<f32>) -> f32 {
    let y = x.component_mul(x) + dy;
    y.component_mul(&y).sum()
}

#[test]
fn chain_dz_dx_and_dz_dy() {
    let x = seed_x();
    let dz_dx = tf("chain_dz_dx").flat();

    let (z, pullback) = chain_vjp(&x);
    assert_same(&z, &chain(&x));
    check::assert_slices(&widen(&z), &[0.0, 1.0, 16.0, 81.0], F32);
    let g = pullback(DMatrix::from_element(4, 1, 1.0));
    check::assert_slices(&widen(&g), &dz_dx, F32);

    let (s, gs) = chain_sum_grad(&x);
    assert_same_scalar(s, 98.0);
    check::assert_slices(&widen(&gs), &dz_dx, F32);

    let zero = DMatrix::zeros(4, 1);
    let (s2, (gx, gy)) = chain_perturbed_grad(&x, &zero);
    assert_same_scalar(s2, s);
    check::assert_slices(&widen(&gx), &dz_dx, F32);
    check::assert_slices(&widen(&gy), &tf("chain_dz_dy").flat(), F32);

    // Forward mode: the tangent of z along the ones direction is 4x³ entry by entry.
    let (_, dz) = chain_jvp(&x, DMatrix::from_element(4, 1, 1.0));
    check::assert_slices(&widen(&dz), &dz_dx, F32);
}

// ------------------------------------------------------------------------------------------------
// Control flow on a 1×1 matrix
// ------------------------------------------------------------------------------------------------

/// `b = 2a; while ‖b‖ < 1000 { b = 2b }; c = b if Σb > 0 else 100 b`.
#[differentiable]
fn control_flow(a: &DMatrix<f32>) -> DMatrix<f32> {
    let mut b = a * 2.0;
    while b.norm() < 1000.0 {
        b = b * 2.0;
    }
    if b.sum() > 0.0 { b } else { 100.0 * b }
}

/// The same with a scalar result, for `_grad`.
#[differentiable]
fn control_flow_scalar(a: &DMatrix<f32>) -> f32 {
    let c = control_flow(a);
    c[(0, 0)]
}

#[test]
fn control_flow_cases() {
    let cases = tf("control_flow");
    assert_eq!(cases.arr().len(), 5);
    for case in cases.arr() {
        let a0 = case.get("a").num() as f32;
        let (c_ref, d_ref) = (case.get("c").num(), case.get("dc_da").num());
        let a = DMatrix::from_element(1, 1, a0);

        let (c, pullback) = control_flow_vjp(&a);
        if let Err(e) = check::check_slices(&widen(&c), &widen(&control_flow(&a)), F32) {
            panic!("value at a = {a0}: {e}");
        }
        let dc_da = pullback(DMatrix::from_element(1, 1, 1.0));
        if let Err(e) = check::check_close(f64::from(c[(0, 0)]), c_ref, F32) {
            panic!("control_flow value at a = {a0}: {e}");
        }
        if let Err(e) = check::check_close(f64::from(dc_da[(0, 0)]), d_ref, F32) {
            panic!("control_flow gradient at a = {a0}: {e}");
        }

        let (cs, gs) = control_flow_scalar_grad(&a);
        assert_same_scalar(cs, c[(0, 0)]);
        assert_eq!(gs.shape(), dc_da.shape());
        if let Err(e) = check::check_slices(&widen(&gs), &widen(&dc_da), F32) {
            panic!("scalar version at a = {a0}: {e}");
        }

        let (c2, dc) = control_flow_jvp(&a, DMatrix::from_element(1, 1, 1.0));
        assert_same(&c2, &c);
        if let Err(e) = check::check_close(f64::from(dc[(0, 0)]), d_ref, F32) {
            panic!("control_flow jvp at a = {a0}: {e}");
        }
    }
}
