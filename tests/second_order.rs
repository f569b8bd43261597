//! `#[differentiable(order = 2)]`: `NAME_hessian` against central differences of `NAME_grad`,
//! `NAME_hvp` against `NAME_hessian · v`, symmetry, and the gradient and value parts against
//! `NAME_grad`, on a corpus of functions with loops, branches, calls, slices, arrays, `Vec`s,
//! derived structs, generic and concrete, `f32` and `f64`.
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use autodiff::check::{Tolerance, numeric_jacobian};
use autodiff::prelude::*;

// ------------------------------------------------------------------------------------------------
// The corpus
// ------------------------------------------------------------------------------------------------

#[differentiable(order = 2)]
fn cube(x: f64) -> f64 {
    x * x * x + 2.0 * x
}

#[differentiable(order = 2)]
fn rosenbrock<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = T::one() - x[i];
        s += T::from_f64(100.0) * a * a + b * b;
    }
    s
}

#[differentiable(order = 2)]
fn rosenbrock_f64(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        s += 100.0 * a * a + (1.0 - x[i]) * (1.0 - x[i]);
    }
    s
}

#[differentiable(order = 2)]
fn piecewise(x: f64, y: f64) -> f64 {
    if x > y { x * x * y } else { y.sin() * x }
}

#[differentiable(order = 2)]
fn while_doubling(a: f64) -> f64 {
    let mut b = a * a;
    while b.abs() < 100.0 {
        b = b * 2.0 + a;
    }
    if b > 0.0 { b * a } else { 100.0 * b }
}

#[differentiable(order = 2)]
fn inner(a: f64, b: f64) -> f64 {
    a * b.exp() + b * b
}

#[differentiable(order = 2)]
fn outer(x: &[f64]) -> f64 {
    inner(x[0], x[1]) * x[2] + inner(x[2], x[0] * x[1])
}

#[differentiable(order = 2)]
fn g_inner<T: Real>(a: T, b: T) -> T {
    (a * b).tanh() + a.powi(3)
}

#[differentiable(order = 2)]
fn g_outer<T: Real>(a: T, b: T) -> T {
    g_inner(a * b, a) + g_inner(b, b) * a
}

#[differentiable(order = 2)]
fn array_fn(p: [f64; 3]) -> f64 {
    p[0] * p[1] * p[2] + (p[0] - p[2]).powi(2)
}

#[differentiable(order = 2)]
fn vec_fn(v: Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += (v[i] * (i as f64 + 1.0)).cos();
    }
    s * v[0]
}

#[differentiable(order = 2)]
fn mixed(x: &[f64], s: f64) -> f64 {
    let mut acc = 0.0;
    for &xi in x {
        acc += (xi * s).exp();
    }
    acc.ln() * s
}

#[differentiable(order = 2)]
fn weighted(x: &[f64], #[no_grad] w: &[f64]) -> f64 {
    let mut acc = 0.0;
    for i in 0..x.len() {
        acc += w[i] * x[i] * x[i] * x[i];
    }
    acc
}

#[differentiable(order = 2)]
fn early_return(x: &[f64], k: usize) -> f64 {
    let mut s = 1.0;
    for i in 0..x.len() {
        if i == k {
            return s * x[i].exp();
        }
        s = s * x[i];
    }
    s
}

#[differentiable(order = 2)]
fn transcendental(x: f64, y: f64) -> f64 {
    assert!(y > 0.0 && x / y > 0.0, "ln needs x / y > 0");
    (x * y).sin() + (x / y).ln() + (x * x + y).sqrt() + y.atan2(x) + (x - y).tanh()
}

#[differentiable(order = 2)]
fn logistic_map(r: f64, x0: f64) -> f64 {
    let mut x = x0;
    for _ in 0..5 {
        x = r * x * (1.0 - x);
    }
    x
}

#[differentiable(order = 2)]
fn log_sum_exp<T: Real>(x: &[T]) -> T {
    let mut m = x[0];
    for i in 1..x.len() {
        m = m.max(x[i]);
    }
    let mut s = T::zero();
    for i in 0..x.len() {
        s += (x[i] - m).exp();
    }
    s.ln() + m
}

#[derive(Differentiable, Clone, Debug)]
struct Model<T: Real> {
    w: Vec<T>,
    b: T,
    #[no_grad]
    scale: T,
}

#[differentiable(order = 2)]
fn model_loss(m: &Model<f64>, x: &[f64]) -> f64 {
    let mut z = m.b;
    for i in 0..x.len() {
        z += m.w[i] * x[i];
    }
    (z * m.scale).tanh().powi(2)
}

impl<T: Real> Model<T> {
    #[differentiable(order = 2)]
    fn energy(&self, t: T) -> T {
        let mut e = self.b * t;
        for i in 0..self.w.len() {
            e += (self.w[i] * t).sin() * self.scale;
        }
        e
    }
}

#[differentiable(order = 2)]
fn cube32(x: f32) -> f32 {
    x * x * x - 3.0 * x
}

#[differentiable(wrt(b), order = 2)]
fn only_b(a: f64, b: f64) -> f64 {
    a * b * b + (a * b).sin()
}

#[differentiable(order = 2)]
fn constants_and_casts(c: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..c.len() {
        s += c[i] * x.powi(i as i32) + (i as f64) * x * std::f64::consts::PI;
    }
    s + x.max(0.25) * x.exp() + f64::EPSILON
}

#[differentiable(order = 2, boxed)]
fn power_rec(x: f64, n: usize) -> f64 {
    if n == 0 {
        1.0
    } else {
        x * power_rec(x, n - 1) + x.sin()
    }
}

#[differentiable(order = 2)]
fn nonsmooth(x: f64, y: f64) -> f64 {
    x.abs() * y + x.max(y) * x + (y - x).min(0.0) * y
}

#[differentiable(order = 2)]
fn nested_vec(m: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        for j in 0..m[i].len() {
            s += m[i][j] * m[i][j] * (i + j + 1) as f64;
        }
    }
    s * m[0][0]
}

#[differentiable(order = 2)]
fn calls_generic(x: &[f64]) -> f64 {
    let mut w = vec![0.5, 1.5];
    w.push(-1.0);
    let mut s = f64::from(3u8) * x[0];
    for i in 0..x.len() {
        s += w[i] * x[i] * x[i];
    }
    rosenbrock(x) * s
}

// ------------------------------------------------------------------------------------------------
// The checks
// ------------------------------------------------------------------------------------------------

type Grad = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>)>;
type Hess = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>, DMatrix<f64>)>;
type Hvp = Box<dyn Fn(&[f64], &[f64]) -> (f64, Vec<f64>, Vec<f64>)>;

/// One corpus function seen through flat parameter vectors.
struct Case {
    name: &'static str,
    x: Vec<f64>,
    grad: Grad,
    hessian: Hess,
    hvp: Hvp,
}

fn case(name: &'static str, x: &[f64], grad: Grad, hessian: Hess, hvp: Hvp) -> Case {
    Case {
        name,
        x: x.to_vec(),
        grad,
        hessian,
        hvp,
    }
}

fn close(a: f64, b: f64, tol: Tolerance, what: &str) {
    assert!(tol.accepts(a, b), "{what}: {a} vs {b}");
}

fn corpus() -> Vec<Case> {
    let m = |p: &[f64]| Model {
        w: p[..3].to_vec(),
        b: p[3],
        scale: 0.7,
    };
    let mflat = |g: &Model<f64>| {
        let mut v = g.w.clone();
        v.push(g.b);
        v
    };
    vec![
        case(
            "cube",
            &[1.3],
            Box::new(|p| {
                let (y, g) = cube_grad(p[0]);
                (y, vec![g])
            }),
            Box::new(|p| {
                let (y, g, h) = cube_hessian(p[0]);
                (y, vec![g], h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = cube_hvp(p[0], v[0]);
                (y, vec![g], vec![h])
            }),
        ),
        case(
            "rosenbrock<f64>",
            &[-1.2, 1.0, 0.5, 0.8],
            Box::new(rosenbrock_grad),
            Box::new(rosenbrock_hessian),
            Box::new(|p, v| rosenbrock_hvp(p, v.to_vec())),
        ),
        case(
            "rosenbrock_f64",
            &[-1.2, 1.0, 0.5],
            Box::new(rosenbrock_f64_grad),
            Box::new(rosenbrock_f64_hessian),
            Box::new(|p, v| rosenbrock_f64_hvp(p, v.to_vec())),
        ),
        case(
            "piecewise (then)",
            &[1.5, 0.5],
            Box::new(|p| {
                let (y, (a, b)) = piecewise_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = piecewise_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = piecewise_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "piecewise (else)",
            &[0.5, 1.5],
            Box::new(|p| {
                let (y, (a, b)) = piecewise_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = piecewise_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = piecewise_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "while_doubling",
            &[1.7],
            Box::new(|p| {
                let (y, g) = while_doubling_grad(p[0]);
                (y, vec![g])
            }),
            Box::new(|p| {
                let (y, g, h) = while_doubling_hessian(p[0]);
                (y, vec![g], h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = while_doubling_hvp(p[0], v[0]);
                (y, vec![g], vec![h])
            }),
        ),
        case(
            "outer (calls)",
            &[0.3, -0.4, 1.1],
            Box::new(outer_grad),
            Box::new(outer_hessian),
            Box::new(|p, v| outer_hvp(p, v.to_vec())),
        ),
        case(
            "g_outer (generic calls)",
            &[0.6, -0.9],
            Box::new(|p| {
                let (y, (a, b)) = g_outer_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = g_outer_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = g_outer_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "array_fn",
            &[0.4, -1.0, 2.0],
            Box::new(|p| {
                let (y, g) = array_fn_grad([p[0], p[1], p[2]]);
                (y, g.to_vec())
            }),
            Box::new(|p| {
                let (y, g, h) = array_fn_hessian([p[0], p[1], p[2]]);
                (y, g.to_vec(), h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = array_fn_hvp([p[0], p[1], p[2]], [v[0], v[1], v[2]]);
                (y, g.to_vec(), h.to_vec())
            }),
        ),
        case(
            "vec_fn",
            &[0.2, 0.9, -0.5],
            Box::new(|p| vec_fn_grad(p.to_vec())),
            Box::new(|p| vec_fn_hessian(p.to_vec())),
            Box::new(|p, v| vec_fn_hvp(p.to_vec(), v.to_vec())),
        ),
        case(
            "mixed (slice + scalar)",
            &[0.1, -0.3, 0.5, 1.2],
            Box::new(|p| {
                let (y, (mut g, gs)) = mixed_grad(&p[..3], p[3]);
                g.push(gs);
                (y, g)
            }),
            Box::new(|p| {
                let (y, (mut g, gs), h) = mixed_hessian(&p[..3], p[3]);
                g.push(gs);
                (y, g, h)
            }),
            Box::new(|p, v| {
                let (y, (mut g, gs), (mut h, hs)) = mixed_hvp(&p[..3], p[3], v[..3].to_vec(), v[3]);
                g.push(gs);
                h.push(hs);
                (y, g, h)
            }),
        ),
        case(
            "weighted (no_grad)",
            &[0.5, -1.5, 2.0],
            Box::new(|p| weighted_grad(p, &[1.0, 2.0, -0.5])),
            Box::new(|p| weighted_hessian(p, &[1.0, 2.0, -0.5])),
            Box::new(|p, v| weighted_hvp(p, &[1.0, 2.0, -0.5], v.to_vec())),
        ),
        case(
            "early_return",
            &[0.5, -1.5, 0.7, 2.0],
            Box::new(|p| early_return_grad(p, 2)),
            Box::new(|p| early_return_hessian(p, 2)),
            Box::new(|p, v| early_return_hvp(p, 2, v.to_vec())),
        ),
        case(
            "transcendental",
            &[0.8, 0.6],
            Box::new(|p| {
                let (y, (a, b)) = transcendental_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = transcendental_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = transcendental_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "logistic_map (overwritten loop value)",
            &[3.1, 0.3],
            Box::new(|p| {
                let (y, (a, b)) = logistic_map_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = logistic_map_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = logistic_map_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "log_sum_exp<f64>",
            &[0.3, 1.4, -0.6],
            Box::new(log_sum_exp_grad),
            Box::new(log_sum_exp_hessian),
            Box::new(|p, v| log_sum_exp_hvp(p, v.to_vec())),
        ),
        case(
            "model_loss (derived struct + slice)",
            &[0.3, -0.2, 0.5, 0.1, 1.0, 2.0, -1.0],
            Box::new(move |p| {
                let (y, (g, gx)) = model_loss_grad(&m(p), &p[4..]);
                let mut f = mflat(&g);
                f.extend(gx);
                (y, f)
            }),
            Box::new(move |p| {
                let (y, (g, gx), h) = model_loss_hessian(&m(p), &p[4..]);
                let mut f = mflat(&g);
                f.extend(gx);
                (y, f, h)
            }),
            Box::new(move |p, v| {
                let dir = Model {
                    w: v[..3].to_vec(),
                    b: v[3],
                    scale: 0.0,
                };
                let (y, (g, gx), (h, hx)) = model_loss_hvp(&m(p), &p[4..], dir, v[4..].to_vec());
                let (mut f, mut fh) = (mflat(&g), mflat(&h));
                f.extend(gx);
                fh.extend(hx);
                (y, f, fh)
            }),
        ),
        case(
            "Model::energy (method, generic impl)",
            &[0.3, -0.2, 0.5, 0.1, 0.9],
            Box::new(move |p| {
                let (y, (g, gt)) = m(p).energy_grad(p[4]);
                let mut f = mflat(&g);
                f.push(gt);
                (y, f)
            }),
            Box::new(move |p| {
                let (y, (g, gt), h) = m(p).energy_hessian(p[4]);
                let mut f = mflat(&g);
                f.push(gt);
                (y, f, h)
            }),
            Box::new(move |p, v| {
                let dir = Model {
                    w: v[..3].to_vec(),
                    b: v[3],
                    scale: 0.0,
                };
                let (y, (g, gt), (h, ht)) = m(p).energy_hvp(p[4], dir, v[4]);
                let (mut f, mut fh) = (mflat(&g), mflat(&h));
                f.push(gt);
                fh.push(ht);
                (y, f, fh)
            }),
        ),
        case(
            "only_b (wrt)",
            &[0.7],
            Box::new(|p| {
                let (y, g) = only_b_grad(1.3, p[0]);
                (y, vec![g])
            }),
            Box::new(|p| {
                let (y, g, h) = only_b_hessian(1.3, p[0]);
                (y, vec![g], h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = only_b_hvp(1.3, p[0], v[0]);
                (y, vec![g], vec![h])
            }),
        ),
        case(
            "constants_and_casts",
            &[0.5, -1.0, 2.0, 0.75],
            Box::new(|p| {
                let (y, (mut g, gx)) = constants_and_casts_grad(&p[..3], p[3]);
                g.push(gx);
                (y, g)
            }),
            Box::new(|p| {
                let (y, (mut g, gx), h) = constants_and_casts_hessian(&p[..3], p[3]);
                g.push(gx);
                (y, g, h)
            }),
            Box::new(|p, v| {
                let (y, (mut g, gx), (mut h, hx)) =
                    constants_and_casts_hvp(&p[..3], p[3], v[..3].to_vec(), v[3]);
                g.push(gx);
                h.push(hx);
                (y, g, h)
            }),
        ),
        case(
            "power_rec (recursion)",
            &[0.9],
            Box::new(|p| {
                let (y, g) = power_rec_grad(p[0], 4);
                (y, vec![g])
            }),
            Box::new(|p| {
                let (y, g, h) = power_rec_hessian(p[0], 4);
                (y, vec![g], h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = power_rec_hvp(p[0], 4, v[0]);
                (y, vec![g], vec![h])
            }),
        ),
        case(
            "nonsmooth (away from kinks)",
            &[-0.8, 0.4],
            Box::new(|p| {
                let (y, (a, b)) = nonsmooth_grad(p[0], p[1]);
                (y, vec![a, b])
            }),
            Box::new(|p| {
                let (y, (a, b), h) = nonsmooth_hessian(p[0], p[1]);
                (y, vec![a, b], h)
            }),
            Box::new(|p, v| {
                let (y, (a, b), (c, d)) = nonsmooth_hvp(p[0], p[1], v[0], v[1]);
                (y, vec![a, b], vec![c, d])
            }),
        ),
        case(
            "calls_generic (concrete calls generic, vec! constants)",
            &[0.3, -0.7, 1.1],
            Box::new(calls_generic_grad),
            Box::new(calls_generic_hessian),
            Box::new(|p, v| calls_generic_hvp(p, v.to_vec())),
        ),
        case(
            "nested_vec",
            &[0.5, -1.0, 0.25, 2.0],
            Box::new(|p| {
                let (y, g) = nested_vec_grad(&[p[..2].to_vec(), p[2..].to_vec()]);
                (y, g.concat())
            }),
            Box::new(|p| {
                let (y, g, h) = nested_vec_hessian(&[p[..2].to_vec(), p[2..].to_vec()]);
                (y, g.concat(), h)
            }),
            Box::new(|p, v| {
                let (y, g, h) = nested_vec_hvp(
                    &[p[..2].to_vec(), p[2..].to_vec()],
                    vec![v[..2].to_vec(), v[2..].to_vec()],
                );
                (y, g.concat(), h.concat())
            }),
        ),
    ]
}

/// A direction with no special structure.
fn direction(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.7 - 0.45 * i as f64 + 0.1 * (i * i) as f64)
        .collect()
}

#[test]
fn corpus_is_large_enough() {
    assert!(corpus().len() >= 20);
}

#[test]
fn hessian_matches_central_differences_of_the_gradient() {
    for c in corpus() {
        let n = c.x.len();
        let (_, _, h) = (c.hessian)(&c.x);
        assert_eq!(h.shape(), (n, n), "{}", c.name);
        // Row i of the Jacobian of the gradient is row i of the Hessian.
        let jac = numeric_jacobian(|p| (c.grad)(p).1, &c.x, 1e-5);
        for i in 0..n {
            for j in 0..n {
                close(
                    h[(i, j)],
                    jac[i][j],
                    Tolerance::new(1e-6, 1e-6),
                    &format!("{} H[{i},{j}]", c.name),
                );
            }
        }
    }
}

#[test]
fn hessian_is_symmetric_and_its_gradient_is_grads() {
    for c in corpus() {
        let (y, g) = (c.grad)(&c.x);
        let (yh, gh, h) = (c.hessian)(&c.x);
        close(yh, y, Tolerance::tight(), &format!("{} value", c.name));
        for (a, b) in gh.iter().zip(&g) {
            close(*a, *b, Tolerance::tight(), &format!("{} gradient", c.name));
        }
        // `_hessian` symmetrizes, so check symmetry where nothing symmetrizes: the mixed partials
        // from separate Hessian-vector products with unit directions, ∂²f/∂xᵢ∂xⱼ = ∂²f/∂xⱼ∂xᵢ.
        let n = c.x.len();
        let columns: Vec<Vec<f64>> = (0..n)
            .map(|j| {
                let e: Vec<f64> = (0..n).map(|k| if k == j { 1.0 } else { 0.0 }).collect();
                (c.hvp)(&c.x, &e).2
            })
            .collect();
        for i in 0..n {
            for j in 0..i {
                close(
                    columns[j][i],
                    columns[i][j],
                    Tolerance::tight(),
                    &format!("{} mixed partials [{i},{j}]", c.name),
                );
                close(
                    h[(i, j)],
                    columns[j][i],
                    Tolerance::tight(),
                    &format!("{} H[{i},{j}] vs H·e{j}", c.name),
                );
            }
        }
    }
}

#[test]
fn hvp_is_hessian_times_direction() {
    for c in corpus() {
        let n = c.x.len();
        let v = direction(n);
        let (y, g) = (c.grad)(&c.x);
        let (yv, gv, hv) = (c.hvp)(&c.x, &v);
        let (_, _, h) = (c.hessian)(&c.x);
        let want = &h * DVector::from_column_slice(&v);
        close(yv, y, Tolerance::tight(), &format!("{} value", c.name));
        for i in 0..n {
            close(
                gv[i],
                g[i],
                Tolerance::tight(),
                &format!("{} gradient", c.name),
            );
            close(
                hv[i],
                want[i],
                Tolerance::tight(),
                &format!("{} H·v[{i}]", c.name),
            );
        }
    }
}

#[test]
fn f32_concrete_matches_the_analytic_hessian() {
    // f(x) = x³ - 3x: f' = 3x² - 3, f'' = 6x.
    let x = 1.5f32;
    let (y, g, h) = cube32_hessian(x);
    let (_, g2, hv) = cube32_hvp(x, 2.0);
    assert!((y - (x * x * x - 3.0 * x)).abs() < 1e-6);
    assert!((g - (3.0 * x * x - 3.0)).abs() < 1e-5 && (g2 - g).abs() < 1e-6);
    assert!((h[(0, 0)] - 6.0 * x).abs() < 1e-5);
    assert!((hv - 2.0 * 6.0 * x).abs() < 1e-5);
}

#[test]
fn f32_generic_agrees_with_f64() {
    let x64 = [-1.2, 1.0, 0.5];
    let x32 = [-1.2f32, 1.0, 0.5];
    let (_, _, h64) = rosenbrock_hessian(&x64);
    let (_, _, h32) = rosenbrock_hessian(&x32);
    for i in 0..3 {
        for j in 0..3 {
            close(
                f64::from(h32[(i, j)]),
                h64[(i, j)],
                Tolerance::f32(),
                "rosenbrock f32",
            );
        }
    }
    let (_, _, hv32) = log_sum_exp_hvp(&[0.3f32, 1.4, -0.6], vec![1.0, 0.0, -1.0]);
    let (_, _, hv64) = log_sum_exp_hvp(&[0.3, 1.4, -0.6], vec![1.0, 0.0, -1.0]);
    for i in 0..3 {
        close(
            f64::from(hv32[i]),
            hv64[i],
            Tolerance::f32(),
            "log_sum_exp f32",
        );
    }
}

#[test]
fn single_scalar_gives_a_1x1_hessian() {
    let (_, _, h) = cube_hessian(0.5);
    assert_eq!(h.shape(), (1, 1));
    // f'' = 6x
    close(h[(0, 0)], 3.0, Tolerance::tight(), "cube''");
}

#[test]
fn empty_slice_gives_an_empty_hessian_and_the_gradient() {
    // weighted: f(x) = sum w_i x_i³; with no elements the value is 0 and everything is empty.
    let (y, g, h) = weighted_hessian(&[], &[]);
    assert_eq!(h.shape(), (0, 0));
    assert!(g.is_empty());
    close(y, 0.0, Tolerance::tight(), "empty value");
}

#[test]
fn non_smooth_points_follow_first_order_conventions() {
    // f(x, y) = |x|·y + max(x, y)·x + min(y - x, 0)·y at x = 0, y = 0.5:
    // |x|' = 0 at 0 (TF), so ∂f/∂x = 0·y + max + x·[x >= y] = y = 0.5 (max goes to y), and the
    // second derivatives are the derivatives of those one-sided formulas: with y > x, max(x, y)·x
    // = y·x, so H = [[0, 1], [1, 0]] + the min term: y - x > 0 so min = 0 contributes nothing;
    // the |x|·y term contributes d/dy(sign(x)) = 0 with sign(0) = 0.
    let (_, (gx, gy), h) = nonsmooth_hessian(0.0, 0.5);
    close(gx, 0.5, Tolerance::tight(), "df/dx at 0");
    close(gy, 0.0, Tolerance::tight(), "df/dy at 0");
    close(h[(0, 0)], 0.0, Tolerance::tight(), "H00");
    close(h[(0, 1)], 1.0, Tolerance::tight(), "H01");
    close(h[(1, 1)], 0.0, Tolerance::tight(), "H11");
}

/// Hidden second-order names never collide: `grad_twice`'s companion and `twice`'s gradient.
#[differentiable(order = 2)]
fn twice(x: f64) -> f64 {
    x * x
}

#[differentiable(order = 2)]
fn grad_twice(x: f64) -> f64 {
    2.0 * x * x * x
}

#[test]
fn names_of_similar_functions_do_not_collide() {
    // (x²)'' = 2, (2x³)'' = 12x.
    let (_, _, h1) = twice_hessian(3.0);
    let (_, _, h2) = grad_twice_hessian(3.0);
    close(h1[(0, 0)], 2.0, Tolerance::tight(), "twice''");
    close(h2[(0, 0)], 36.0, Tolerance::tight(), "grad_twice''");
}
