//! Paths: modules, associated functions, local helpers, hints that disagree.

use super::*;

// ------------------------------------------------------------------------------------------------
// 8. Paths: modules, associated functions, local helpers, hints that disagree
// ------------------------------------------------------------------------------------------------

mod m {
    use autodiff::prelude::*;

    #[differentiable]
    pub fn kink(x: f64, y: f64) -> f64 {
        if x > y { x - y } else { (y - x) * 0.5 + x * y }
    }

    pub mod deep {
        use autodiff::prelude::*;

        #[differentiable]
        pub(crate) fn ramp(t: &[f64], k: usize, x: f64) -> f64 {
            match k % 2 {
                0 => t[k] * x,
                _ => t[k] * x * x - x,
            }
        }

        /// Calls up the tree: `super::`, `crate::`, `self::`.
        #[differentiable]
        pub fn user(t: &[f64], x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() {
                s += super::kink(x[i], t[0])
                    + crate::huber(x[i], 0.3)
                    + self::ramp(t, i % t.len(), x[i]);
            }
            s * s
        }
    }
}

#[differentiable]
fn by_paths(t: &[f64], x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += m::kink(x[i], t[1]) * m::deep::ramp(t, i % t.len(), x[i])
            + crate::paths::m::kink(t[0], x[i]);
    }
    s.sin() + m::deep::user(t, x)
}

#[test]
fn helpers_by_module_path() {
    let t = sines(4, 0.7);
    let x = sines(9, 1.1);
    let (v, (gt, gx)) = by_paths_grad(&t, &x);
    check_value_grad("by_paths t", |p| by_paths(p, &x), (v, gt), &t);
    check("by_paths x", |p| by_paths(&t, p), &gx, &x);
}

struct Fit;

impl Fit {
    #[differentiable]
    fn bend(a: f64, b: f64) -> f64 {
        if a > b {
            a * 0.7 + b * 0.3
        } else {
            (a * b).sin()
        }
    }

    #[differentiable]
    fn look(t: &[f64], k: usize, x: f64) -> f64 {
        if x > t[k] {
            (x - t[k]) * t[k + 1]
        } else {
            x * t[k]
        }
    }

    /// Through `Self::`, `Fit::` and `<Fit>::`.
    #[differentiable]
    fn run(t: &[f64], x: &[f64], a: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() {
            let k = i % (t.len() - 1);
            s += Self::bend(x[i], a) * Fit::look(t, k, x[i]) + <Fit>::bend(a, x[i]);
        }
        s * a
    }
}

#[differentiable]
fn calls_fit(t: &[f64], x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += Fit::bend(x[i] * a, 0.2) - Fit::look(t, 0, x[i]);
    }
    s * s + Fit::run(t, x, a)
}

#[test]
fn associated_functions_per_trip() {
    let t = sines(4, 0.6);
    let x = sines(8, 1.0);
    let a = 0.3;
    let (v, (gt, gx, ga)) = calls_fit_grad(&t, &x, a);
    check_value_grad("calls_fit t", |p| calls_fit(p, &x, a), (v, gt), &t);
    check("calls_fit x", |p| calls_fit(&t, p, a), &gx, &x);
    close("calls_fit a", |p| calls_fit(&t, &x, p[0]), &[ga], &[a]);
}

#[derive(Differentiable, Clone, Debug)]
struct Gen<T: Real> {
    w: T,
}

impl<T: Real> Gen<T> {
    #[differentiable]
    fn act(a: T, c: T) -> T {
        if a > c { a * c } else { (a - c).tanh() }
    }

    #[differentiable]
    fn total(xs: &[T], c: T) -> T {
        let mut s = T::zero();
        for i in 0..xs.len() {
            s += Self::act(xs[i], c) + Gen::<T>::act(c, xs[i]);
        }
        s * s
    }
}

#[test]
fn associated_functions_of_a_generic_impl() {
    let x = sines(7, 1.2);
    let c = 0.2;
    let (v, (gx, gc)) = Gen::<f64>::total_grad(&x, c);
    check_value_grad(
        "Gen::total",
        |p| Gen::<f64>::total(p, c),
        (v, gx.clone()),
        &x,
    );
    close("Gen::total c", |p| Gen::<f64>::total(&x, p[0]), &[gc], &[c]);
    let (_, (gx32, _)) = Gen::<f32>::total_grad(&to32(&x), c as f32);
    agree("Gen::total f32", &gx, &gx32, 1e-3);
}

#[differentiable]
fn local_helper(x: &[f64], a: f64) -> f64 {
    #[differentiable]
    fn inner(r: f64, a: f64) -> f64 {
        if r > a { r - a } else { r * r * a }
    }
    let mut s = 0.0;
    for i in 0..x.len() {
        s += inner(x[i], a);
    }
    s.exp()
}

#[test]
fn helper_declared_in_the_body() {
    let (x, a) = (sines(8, 0.8), 0.1);
    let n = x.len();
    let (v, (gx, ga)) = local_helper_grad(&x, a);
    check_value_grad(
        "local_helper",
        |p| local_helper(&p[..n], p[n]),
        (v, join1(&gx, &[ga])),
        &join1(&x, &[a]),
    );
}

/// A helper with a loop (hint: no) and one without a branch (hint: no) beside a fusable one.
#[differentiable]
fn horner(w: &[f64], x: f64) -> f64 {
    let mut s = 0.0;
    for j in 0..w.len() {
        s = s * x + w[j];
    }
    s
}

#[differentiable]
fn straight(x: f64, a: f64) -> f64 {
    x * a + x.sin()
}

#[differentiable]
fn mixed_hints(w: &[f64], x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += huber(x[i], a) * horner(w, x[i]);
    }
    let mut t = 0.0;
    for j in 0..x.len() {
        if x[j] > 0.0 {
            t += straight(x[j], a);
        }
    }
    s * t
}

#[test]
fn hints_that_say_no_beside_one_that_says_yes() {
    let w = sines(4, 0.5);
    let x = sines(9, 1.1);
    let a = 0.4;
    let (v, (gw, gx, ga)) = mixed_hints_grad(&w, &x, a);
    check_value_grad("mixed_hints w", |p| mixed_hints(p, &x, a), (v, gw), &w);
    check("mixed_hints x", |p| mixed_hints(&w, p, a), &gx, &x);
    close("mixed_hints a", |p| mixed_hints(&w, &x, p[0]), &[ga], &[a]);
}

/// A tuple result used by several terms.
#[differentiable]
fn split2(x: f64, a: f64) -> (f64, f64) {
    if x > 0.0 { (x * a, x - a) } else { (a, x * x) }
}

#[differentiable]
fn tuple_fit(x: &[f64], a: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        let (p, q) = split2(x[i], a);
        s += p * q + p;
    }
    s * s
}

#[test]
fn tuple_result_per_trip() {
    let (x, a) = (sines(8, 1.0), 0.3);
    let n = x.len();
    let (v, (gx, ga)) = tuple_fit_grad(&x, a);
    check_value_grad(
        "tuple_fit",
        |p| tuple_fit(&p[..n], p[n]),
        (v, join1(&gx, &[ga])),
        &join1(&x, &[a]),
    );
}

/// The clipping rule again, called by a derived struct's method named like a matrix method
/// (`sum`) and by the same body under another name (`total`).
#[custom_derivative(vjp = clip_root_rule_vjp, jvp = clip_root_rule_jvp)]
fn clip_root(x: f64) -> f64 {
    x
}
fn clip_root_rule_vjp(x: f64) -> (f64, impl Fn(f64) -> f64) {
    (x, |g: f64| g.clamp(-0.5, 0.5))
}
fn clip_root_rule_jvp(x: f64, dx: f64) -> (f64, f64) {
    (x, dx)
}

#[derive(Differentiable, Clone, Debug)]
struct Pair {
    a: f64,
    b: f64,
}

impl Pair {
    #[differentiable]
    fn sum(&self) -> f64 {
        clip_root(self.a) * 2.0 + self.b
    }

    /// The same body under a name no matrix method has.
    #[differentiable]
    fn total(&self) -> f64 {
        clip_root(self.a) * 2.0 + self.b
    }
}

/// Branches and calls the method `sum` (a method of the user's).
#[differentiable]
fn via_sum(x: f64, c: f64) -> f64 {
    let p = Pair { a: x, b: c };
    if x > -10.0 { p.sum() } else { x }
}

#[differentiable]
fn via_total(x: f64, c: f64) -> f64 {
    let p = Pair { a: x, b: c };
    if x > -10.0 { p.total() } else { x }
}

#[differentiable]
fn fit_via_sum(x: &[f64], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = via_sum(x[i] * k, 0.0);
        l += e * e;
    }
    l * 3.0
}

#[differentiable]
fn fit_via_total(x: &[f64], k: f64) -> f64 {
    let mut l = 0.0;
    for i in 0..x.len() {
        let e = via_total(x[i] * k, 0.0);
        l += e * e;
    }
    l * 3.0
}

#[test]
fn custom_rule_below_a_user_method_named_like_a_matrix_method_is_clipped_per_call() {
    let x = [0.3, -0.7, 1.2, 0.05, 0.4];
    let k = 0.9;
    // As the `ops` case: e = 2 clip(u) (+ c = 0), u = x k, l = 3 Σ e²: the rule sees 24 u and
    // clips it, du = clamp(24 u, ±0.5), dx = du k, dk = Σ du x.
    for (name, f) in [
        (
            "fit_via_total",
            fit_via_total_grad as fn(&[f64], f64) -> (f64, (Vec<f64>, f64)),
        ),
        ("fit_via_sum", fit_via_sum_grad),
    ] {
        let (_, (gx, gk)) = f(&x, k);
        let mut want_k = 0.0;
        for i in 0..x.len() {
            let u = x[i] * k;
            let du = (24.0 * u).clamp(-0.5, 0.5);
            near(&format!("{name} x[{i}]"), gx[i], du * k);
            want_k += du * x[i];
        }
        near(&format!("{name} k"), gk, want_k);
    }
}
