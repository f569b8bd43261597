//! The check shared by the adversarial count-slot test files (included with `#[macro_use]` and
//! `#[path]`): a function's generated `grad`, `vjp` and `jvp` against each other, against the
//! primal and against central differences.

/// `grad` of `f` against central differences and its value against the primal; the pullback
/// called twice (cotangents 1 and -2.5) against the gradient; forward mode along `sines`.
/// Expects `check` and `sines` from `grad_checks` in scope at the call site.
macro_rules! chk {
    ($f:ident, $g:ident, $vjp:ident, $jvp:ident, $p:expr $(, $a:expr)*) => {{
        let p: Vec<f64> = $p;
        let name = format!("{} at {:?} {:?}", stringify!($f), p, ($($a,)*));
        let v0 = $f(&p $(, $a)*);
        let (v, g) = $g(&p $(, $a)*);
        assert!((v - v0).abs() <= 1e-12 * (1.0 + v0.abs()), "{name}: value {v} vs {v0}");
        check(&name, |z| $f(z $(, $a)*), &g, &p);
        let (v1, back) = $vjp(&p $(, $a)*);
        assert!((v1 - v0).abs() <= 1e-12 * (1.0 + v0.abs()), "{name}: vjp value {v1} vs {v0}");
        let g1 = back(1.0);
        let g2 = back(-2.5);
        let g3 = back(1.0);
        for k in 0..p.len() {
            let tol = 1e-10 * (1.0 + g[k].abs());
            assert!((g1[k] - g[k]).abs() <= tol, "{name}: vjp(1)[{k}] {} vs {}", g1[k], g[k]);
            assert!((g2[k] + 2.5 * g[k]).abs() <= 2.5 * tol, "{name}: vjp(-2.5)[{k}] {} vs {}", g2[k], -2.5 * g[k]);
            assert!((g3[k] - g[k]).abs() <= tol, "{name}: vjp(1) again [{k}] {} vs {}", g3[k], g[k]);
        }
        let t = sines(p.len(), 0.7);
        let (v2, dy) = $jvp(&p $(, $a)*, t.clone());
        assert!((v2 - v0).abs() <= 1e-12 * (1.0 + v0.abs()), "{name}: jvp value {v2} vs {v0}");
        let dot: f64 = g.iter().zip(&t).map(|(a, b)| a * b).sum();
        assert!((dy - dot).abs() <= 1e-9 * (1.0 + dot.abs()), "{name}: jvp {dy} vs {dot}");
        g
    }};
}
