//! Struct literals of `#[derive(Differentiable)]` structs inside `#[differentiable]` code: a
//! simulation state built, read by field, returned, and updated in a loop; `..base` updates.
//! Checked against analytic derivatives and central differences through `_grad`, `_vjp` and
//! `_jvp`.

// The functions are written the way the forms under test are spelled, not the way clippy prefers.
#![allow(
    clippy::needless_range_loop,
    clippy::redundant_closure,
    clippy::useless_vec,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default,
    clippy::match_single_binding
)]

use autodiff::check::approx_derivative;
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug, PartialEq)]
pub struct State {
    pub pos: f64,
    pub vel: f64,
    #[no_grad]
    pub steps: usize,
}

#[differentiable]
fn step(s: &State, g: f64, dt: f64) -> State {
    State {
        pos: s.pos + s.vel * dt,
        vel: s.vel - g * dt,
        steps: s.steps + 1,
    }
}

/// The height after `n` explicit Euler steps of a thrown ball: p_n = p0 + n v0 dt - g dt² n(n-1)/2.
#[differentiable]
fn height(v0: f64, g: f64) -> f64 {
    let dt = 0.1;
    let mut s = State {
        pos: 0.0,
        vel: v0,
        steps: 0,
    };
    for _ in 0..5 {
        s = State {
            pos: s.pos + s.vel * dt,
            vel: s.vel - g * dt,
            steps: s.steps + 1,
        };
    }
    s.pos
}

#[differentiable]
fn via_call(v0: f64, g: f64) -> f64 {
    let s = State {
        pos: 1.0,
        vel: v0,
        steps: 0,
    };
    let t = step(&s, g, 0.5);
    let u = step(&t, g, 0.5);
    u.pos * u.vel
}

#[differentiable]
fn update_syntax(x: f64, y: f64) -> f64 {
    let a = State {
        pos: x * y,
        vel: y,
        steps: 3,
    };
    let b = State { pos: x.sin(), ..a };
    let c = State {
        vel: 2.0,
        ..b.clone()
    };
    b.pos * b.vel + c.pos * c.vel + a.pos
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn state_updated_in_a_loop() {
    // p5 = 5 v0 dt - g dt² · 10: (0.5, -0.1)
    let (v0, g) = (3.0, 9.81);
    let (y, (gv, gg)) = height_grad(v0, g);
    assert!(close(y, 0.5 * v0 - 0.1 * g, 1e-12), "{y}");
    assert!(close(gv, 0.5, 1e-12) && close(gg, -0.1, 1e-12), "{gv} {gg}");
    let (_, d) = height_jvp(v0, g, 1.0, 1.0);
    assert!(close(d, 0.4, 1e-12), "{d}");
}

#[test]
fn struct_returned_by_a_differentiable_function() {
    // step: (p + v dt, v - g dt); the pullback of a cotangent state, the tangent state
    let s = State {
        pos: 1.0,
        vel: 2.0,
        steps: 4,
    };
    let (y, pb) = step_vjp(&s, 9.0, 0.5);
    assert_eq!(y.steps, 5);
    let w = State {
        pos: 1.0,
        vel: 10.0,
        steps: 0,
    };
    let (gs, gg, gdt) = pb(w);
    // d/dp = w_p, d/dv = w_p dt + w_v, d/dg = -w_v dt, d/ddt = w_p v - w_v g
    assert!(
        close(gs.pos, 1.0, 1e-12) && close(gs.vel, 10.5, 1e-12),
        "{gs:?}"
    );
    assert!(
        close(gg, -5.0, 1e-12) && close(gdt, 2.0 - 90.0, 1e-12),
        "{gg} {gdt}"
    );
    let t = State {
        pos: 0.0,
        vel: 1.0,
        steps: 0,
    };
    let (_, d) = step_jvp(&s, 9.0, 0.5, t, 0.0, 0.0);
    assert!(
        close(d.pos, 0.5, 1e-12) && close(d.vel, 1.0, 1e-12),
        "{d:?}"
    );
    // two steps from (1, v0): u = (1 + v0 - g/4, v0 - g), f = u.pos·u.vel
    let (v0, g) = (2.0, 3.0);
    let (_, (gv, gg)) = via_call_grad(v0, g);
    let (up, uv) = (1.0 + v0 - g / 4.0, v0 - g);
    assert!(close(gv, uv + up, 1e-12), "{gv}");
    assert!(close(gg, -uv / 4.0 - up, 1e-12), "{gg}");
    let fd = approx_derivative(|g| via_call(v0, g), g, 1e-6);
    assert!(close(gg, fd, 1e-6));
}

#[test]
fn functional_update_syntax() {
    // b = (sin x, y), c = (sin x, 2), a.pos = xy: sin x · y + 2 sin x + xy
    let (x, y) = (0.7, -1.3);
    let (_, (gx, gy)) = update_syntax_grad(x, y);
    assert!(close(gx, x.cos() * y + 2.0 * x.cos() + y, 1e-12), "{gx}");
    assert!(close(gy, x.sin() + x, 1e-12), "{gy}");
    let fx = approx_derivative(|x| update_syntax(x, y), x, 1e-6);
    assert!(close(gx, fx, 1e-6));
    let (_, d) = update_syntax_jvp(x, y, 0.0, 1.0);
    assert!(close(d, gy, 1e-12), "{d}");
}

/// A `Vec` field cloned through a shared borrow (`s.w.to_vec()`, `s.w.clone()`, `self.w.clone()`
/// in a `&self` method): the receiver is borrowed as method-call auto-ref would, not moved out
/// of the borrow.
#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Series {
    w: Vec<f64>,
    k: f64,
}

#[differentiable]
fn series_free(s: &Series) -> f64 {
    let u = s.w.to_vec();
    let v = s.w.clone();
    let mut t = 0.0;
    for i in 0..u.len() {
        t += u[i] * v[i] * s.k + (u[i] * 0.5).sin();
    }
    t
}

impl Series {
    #[differentiable]
    fn energy(&self) -> f64 {
        let u = self.w.clone();
        u[0] * u[1] * self.k
    }
}

#[test]
fn vec_fields_cloned_through_a_borrow() {
    let s = Series {
        w: vec![0.3, -1.2, 0.8],
        k: 1.5,
    };
    // t = Σ k w_i² + sin(w_i / 2): dt/dw_i = 2 k w_i + cos(w_i / 2) / 2, dt/dk = Σ w_i².
    let (_, g) = series_free_grad(&s);
    for (i, &w) in s.w.iter().enumerate() {
        let want = 2.0 * s.k * w + 0.5 * (0.5 * w).cos();
        assert!(
            (g.w[i] - want).abs() < 1e-12,
            "w[{i}]: {} vs {want}",
            g.w[i]
        );
    }
    let wk: f64 = s.w.iter().map(|w| w * w).sum();
    assert!((g.k - wk).abs() < 1e-12, "k: {} vs {wk}", g.k);
    // e = w_0 w_1 k: (w_1 k, w_0 k, 0), w_0 w_1.
    let (_, g) = Series::energy_grad(&s);
    let want = [s.w[1] * s.k, s.w[0] * s.k, 0.0];
    for i in 0..3 {
        assert!(
            (g.w[i] - want[i]).abs() < 1e-12,
            "w[{i}]: {} vs {}",
            g.w[i],
            want[i]
        );
    }
    assert!((g.k - s.w[0] * s.w[1]).abs() < 1e-12);
}
