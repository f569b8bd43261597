//! Finite-difference checks shared by the ops tests.
//!
//! An op is checked as a map between flat `f64` vectors (its matrix arguments concatenated,
//! column-major; its output flattened the same way): the central-difference Jacobian `J` is
//! computed once, then the pullback of every basis cotangent `e_l` must give row `l` of `J` and
//! the tangent of every basis direction `e_k` must give column `k`, entry by entry.

use nalgebra::allocator::Allocator;
use nalgebra::{DMatrix, DefaultAllocator, Dim, OMatrix};

use crate::check::numeric_jacobian;
pub(super) use crate::check::{Tolerance, assert_close, assert_slices};

/// The shapes every op is checked on: 1×1, a row, a column, square and non-square.
pub(super) const SHAPES: [(usize, usize); 6] = [(1, 1), (1, 4), (4, 1), (3, 3), (2, 5), (4, 3)];

/// Where an op's test inputs live.
#[derive(Clone, Copy)]
pub(super) enum Domain {
    /// In `[-2, 2]`, at least `0.1` away from 0 (clear of kinks at 0).
    Signed,
    /// In `[0.3, 2.5]` (for `ln`, `sqrt`, `powf`).
    Positive,
}

/// A deterministic `r×c` test input (a small linear congruential generator, seeded by the shape).
pub(super) fn input(r: usize, c: usize, domain: Domain) -> DMatrix<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ ((r as u64) << 32 | c as u64);
    DMatrix::from_fn(r, c, |_, _| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
        match domain {
            Domain::Signed => {
                let v = 4.0 * u - 2.0;
                if v.abs() < 0.1 {
                    v + 0.2_f64.copysign(v)
                } else {
                    v
                }
            }
            Domain::Positive => 0.3 + 2.2 * u,
        }
    })
}

/// Flattening an owned `f64` matrix of any shape, and refilling one of the same shape.
pub(super) trait Flat: Sized {
    /// The entries, column-major.
    fn flat(&self) -> Vec<f64>;
    /// A matrix of this shape holding `data` (column-major).
    fn filled(&self, data: &[f64]) -> Self;
}

impl<R: Dim, C: Dim> Flat for OMatrix<f64, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    fn flat(&self) -> Vec<f64> {
        self.as_slice().to_vec()
    }
    fn filled(&self, data: &[f64]) -> Self {
        let (r, c) = self.shape_generic();
        OMatrix::from_column_slice_generic(r, c, data)
    }
}

/// For conventions and real zeros, where the exact value is the point.
pub(super) const EXACT: Tolerance = Tolerance::new(0.0, 0.0);
/// Between two computations of the same `f64` quantity.
pub(super) const TIGHT: Tolerance = Tolerance::new(1e-12, 1e-12);

/// `f32` values against what they should be, within `1e-6` (absolute and relative).
#[track_caller]
pub(super) fn assert_close_f32(got: f32, want: f32) {
    assert_close(f64::from(got), f64::from(want), Tolerance::new(1e-6, 1e-6));
}

/// `|a - b| <= 1e-6 (1 + max(|a|, |b|))`.
pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// Asserts two flat values agree entry by entry.
pub(super) fn assert_close_all(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(close(*a, *b), "{what}: entry {k} is {a}, expected {b}");
    }
}

/// Checks `vjp` and `jvp` against the central-difference Jacobian of `f` at `x`.
pub(super) fn check_flat(
    name: &str,
    x: &[f64],
    f: impl Fn(&[f64]) -> Vec<f64>,
    vjp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
    jvp: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) {
    let n_out = f(x).len();
    let jac = numeric_jacobian(&f, x, 1e-5); // jac[l][k] = ∂ out_l / ∂ x_k
    assert_eq!(jac.len(), n_out, "{name}: Jacobian rows");
    let basis = |n: usize, i: usize| {
        let mut e = vec![0.0; n];
        e[i] = 1.0;
        e
    };
    for (l, row) in jac.iter().enumerate() {
        let g = vjp(x, &basis(n_out, l));
        assert_eq!(g.len(), x.len(), "{name}: pullback length");
        for (k, (&gk, &want)) in g.iter().zip(row).enumerate() {
            assert!(
                close(gk, want),
                "{name}: pullback of output {l} w.r.t. input {k} is {gk}, finite differences give {want}"
            );
        }
    }
    for k in 0..x.len() {
        let t = jvp(x, &basis(x.len(), k));
        assert_eq!(t.len(), n_out, "{name}: tangent length");
        for (l, (&tl, row)) in t.iter().zip(&jac).enumerate() {
            let want = row[k];
            assert!(
                close(tl, want),
                "{name}: tangent of output {l} along input {k} is {tl}, finite differences give {want}"
            );
        }
    }
}

/// Checks an op of one matrix argument at `m` (a `DMatrix`): `vjp(m, g)` runs the reverse
/// companion and its pullback on the cotangent with entries `g`; `jvp(m, t)` runs the forward
/// companion with tangent `t`. Both companions' values must equal `plain(m)`.
pub(super) fn check_unary<O: Flat>(
    name: &str,
    m: &DMatrix<f64>,
    plain: impl Fn(&DMatrix<f64>) -> O,
    vjp: impl Fn(&DMatrix<f64>, &[f64]) -> (O, Option<DMatrix<f64>>),
    jvp: impl Fn(&DMatrix<f64>, DMatrix<f64>) -> (O, O),
) {
    let (r, c) = m.shape();
    let mk = |x: &[f64]| DMatrix::from_column_slice(r, c, x);
    let name = format!("{name} on {r}×{c}");
    check_flat(
        &name,
        m.as_slice(),
        |x| plain(&mk(x)).flat(),
        |x, g| {
            let m = mk(x);
            let (y, d) = vjp(&m, g);
            assert_close_all(
                &format!("{name}: reverse value"),
                &y.flat(),
                &plain(&m).flat(),
            );
            d.map_or_else(|| vec![0.0; x.len()], |d| d.flat())
        },
        |x, t| {
            let m = mk(x);
            let (y, dy) = jvp(&m, mk(t));
            assert_close_all(
                &format!("{name}: forward value"),
                &y.flat(),
                &plain(&m).flat(),
            );
            dy.flat()
        },
    );
}

/// [`check_unary`] for an op given as `(plain, reverse companion, forward companion)`, on every
/// shape of [`SHAPES`].
macro_rules! check_unary_op {
    ($plain:path, $vjp:path, $jvp:path, $domain:expr) => {
        for (r, c) in $crate::ops::testing::SHAPES {
            let m = $crate::ops::testing::input(r, c, $domain);
            $crate::ops::testing::check_unary(
                stringify!($plain),
                &m,
                |m| $plain(m),
                |m, g| {
                    let (y, pullback) = $vjp(m);
                    let g = $crate::ops::testing::Flat::filled(&y, g);
                    let d = pullback(g).0; // the matrix argument's slot
                    (y, d)
                },
                |m, t| $jvp(m, $crate::__private::Tg(t)),
            );
        }
    };
}
pub(super) use check_unary_op;
